//! schema.org ClaimReview out: one review per verdict that stands.
//!
//! A verdict stands when the replay counts it ([`crate::score::Scores::verdicts`]):
//! not superseded, not retracted, its claim not retracted, its signer a
//! fact-checker whose key was not compromised by then. Each becomes a
//! [`ClaimReview`] in the shape Google's Fact Check Tools and other
//! aggregators read, with the claim as it stands after amendments:
//!
//! - `claimReviewed`: the claim text, cut to at most [`SHORT_CLAIM`]
//!   characters with an ellipsis; the full text is `itemReviewed.text`;
//! - `reviewRating`: `ratingValue` 1-5 for ratings on the true-false scale
//!   (none for unverifiable and misattributed, which are not a degree of
//!   truth), `bestRating` 5, `worstRating` 1, `alternateName` in words
//!   ([`super::rating::to_claimreview`]);
//! - `itemReviewed`: a `Claim` whose `author` is the originating source
//!   (the chain's last hop) and whose `appearance` and `firstAppearance`
//!   are where it was published, by the publisher (the first hop);
//! - `author`: for a verdict imported from a published review, that
//!   review's organisation (`review.by`, `review.site`), with the review's
//!   own `url` and `datePublished`: never the importing desk; for the
//!   desk's own verdicts, its organisation (given, or the signing key's
//!   holder) and the verdict's date; `reviewBody` the rationale; `citation`
//!   the evidence;
//! - `@id` and `identifier` name the isnad entries, so a reader can come
//!   back to the signed records (the `urn:isnad:entry:` names are the same
//!   in the PROV export).
//!
//! Sources carry their slug as `identifier` and their isnad kind as
//! `additionalType`, which [`super::read`] uses when the file is imported
//! into another ledger.

use std::collections::HashMap;
use std::collections::hash_map::Entry::{Occupied, Vacant};

use schemars::JsonSchema;
use serde::Serialize;

use crate::attribution::{ClaimView, SourceView};
use crate::error::Error;
use crate::ids::{EntryHash, SourceId};
use crate::record::{Record, SourceBody, SourceKind};
use crate::rules::View as _;
use crate::score::{AsOf, Params, replay_ledger};
use crate::store::Ledger;

/// The JSON-LD context every review names.
pub const CONTEXT: &str = "https://schema.org";
/// Longest `claimReviewed`, in characters, ellipsis included.
pub const SHORT_CLAIM: usize = 75;
/// The prefix of the names isnad gives its entries in exports.
pub const ENTRY_IRI: &str = "urn:isnad:entry:";
/// The prefix of a source's `additionalType`, followed by its isnad kind.
pub const SOURCE_KIND_IRI: &str = "urn:isnad:vocab:source-kind:";

/// `@type` of a review.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, JsonSchema)]
pub enum ReviewType {
    /// The only value.
    ClaimReview,
}

/// `@type` of a rating.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, JsonSchema)]
pub enum RatingType {
    /// The only value.
    Rating,
}

/// `@type` of the claim reviewed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, JsonSchema)]
pub enum ClaimType {
    /// The only value.
    Claim,
}

/// `@type` of an appearance.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, JsonSchema)]
pub enum WorkType {
    /// The only value.
    CreativeWork,
}

/// `@type` of a party (a source or the fact-checker).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, JsonSchema)]
pub enum PartyType {
    /// An outlet, organisation or government.
    Organization,
    /// A person, an account, or unnamed sources.
    Person,
}

/// One schema.org `ClaimReview`.
#[derive(Clone, Debug, PartialEq, Serialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ClaimReview {
    /// Always [`CONTEXT`].
    #[serde(rename = "@context")]
    pub context: String,
    /// Always `ClaimReview`.
    #[serde(rename = "@type")]
    pub kind: ReviewType,
    /// `urn:isnad:entry:` and the verdict's entry id.
    #[serde(rename = "@id")]
    pub id: String,
    /// The verdict's entry id (64 hex digits).
    pub identifier: String,
    /// The review's page: the export's base URL and the verdict id; absent
    /// without a base URL (the verdict's evidence supports it, and is not
    /// the review's own page).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    /// The claim text, shortened to at most 75 characters.
    #[schemars(length(min = 1, max = SHORT_CLAIM))]
    pub claim_reviewed: String,
    /// The rating.
    pub review_rating: ReviewRating,
    /// The claim.
    pub item_reviewed: ClaimItem,
    /// The fact-checker's organisation.
    pub author: Party,
    /// The verdict's date, `YYYY-MM-DD`.
    pub date_published: String,
    /// The verdict's rationale.
    pub review_body: String,
    /// The verdict's evidence.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub citation: Vec<String>,
}

/// A review's `reviewRating`.
#[derive(Clone, Debug, PartialEq, Serialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ReviewRating {
    /// Always `Rating`.
    #[serde(rename = "@type")]
    pub kind: RatingType,
    /// 1 (false) to 5 (true); absent for unverifiable and misattributed.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 1, max = 5))]
    pub rating_value: Option<u8>,
    /// Always 5.
    #[schemars(range(min = 5, max = 5))]
    pub best_rating: u8,
    /// Always 1.
    #[schemars(range(min = 1, max = 1))]
    pub worst_rating: u8,
    /// The rating in words.
    pub alternate_name: String,
}

/// The `Claim` a review rates.
#[derive(Clone, Debug, PartialEq, Serialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ClaimItem {
    /// Always `Claim`.
    #[serde(rename = "@type")]
    pub kind: ClaimType,
    /// `urn:isnad:entry:` and the claim's entry id.
    #[serde(rename = "@id")]
    pub id: String,
    /// The claim's entry id.
    pub identifier: String,
    /// The full claim text, as it stands.
    pub text: String,
    /// Its language (BCP-47).
    pub in_language: String,
    /// The originating source: the last hop of the chain.
    pub author: Party,
    /// Where it was published.
    pub appearance: Vec<Appearance>,
    /// Where it was first published (the same place: isnad records one).
    pub first_appearance: Appearance,
    /// When it was published (`YYYY-MM-DD` or a UTC time).
    pub date_published: String,
}

/// Where a claim appeared.
#[derive(Clone, Debug, PartialEq, Serialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Appearance {
    /// Always `CreativeWork`.
    #[serde(rename = "@type")]
    pub kind: WorkType,
    /// The publication's URL.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    /// The venue in words.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// When.
    pub date_published: String,
    /// The publisher: the first hop of the chain.
    pub author: Party,
}

/// A source, or the fact-checker's organisation.
#[derive(Clone, Debug, PartialEq, Serialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Party {
    /// `Organization` or `Person`.
    #[serde(rename = "@type")]
    pub kind: PartyType,
    /// Display name.
    pub name: String,
    /// Home page or profile.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    /// A source's slug.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub identifier: Option<String>,
    /// A source's isnad kind, as [`SOURCE_KIND_IRI`] and the kind.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub additional_type: Option<String>,
}

/// The fact-checker's organisation, as the export should name it.
#[derive(Clone, Debug, Default)]
pub struct Organization {
    /// Name.
    pub name: String,
    /// Home page.
    pub url: Option<String>,
}

/// How to export.
#[derive(Clone, Debug, Default)]
pub struct ExportOptions {
    /// Where the ledger's entries are published: a review's `url` is this
    /// followed by `/` and the verdict's id. Without it reviews have no
    /// `url` (their `@id` still names the verdict).
    pub base_url: Option<String>,
    /// The organisation to name as every review's author. Without it, the
    /// signing key's holder (or, failing that, the key's name).
    pub organization: Option<Organization>,
}

/// One [`ClaimReview`] per verdict still published ([`crate::score::Scores::published`]:
/// not retracted, nor replaced by name by its checker), in ledger order.
///
/// # Errors
/// Storage errors.
pub fn export(ledger: &Ledger, options: &ExportOptions) -> Result<Vec<ClaimReview>, Error> {
    let scores = replay_ledger(ledger, AsOf::Head, &Params::default())?;
    let mut claims: HashMap<EntryHash, ClaimView> = HashMap::new();
    let mut sources: HashMap<SourceId, SourceBody> = HashMap::new();
    let mut holders: HashMap<String, String> = HashMap::new();
    let mut out = Vec::new();
    for (verdict, claim) in scores.published() {
        let entry = stored(ledger, &verdict)?;
        let Record::Verdict(v) = entry.record() else {
            return Err(corrupt(&verdict, "is not a verdict"));
        };
        let view = match claims.entry(claim) {
            Occupied(o) => o.into_mut(),
            Vacant(v) => v.insert(ClaimView::load(ledger, stored(ledger, &claim)?)?),
        };
        let body = &view.current;
        let (Some(first), Some(last)) = (body.chain.first(), body.chain.last()) else {
            return Err(corrupt(&claim, "has an empty chain"));
        };
        let publisher = party_of(ledger, &mut sources, &first.source)?;
        let originator = party_of(ledger, &mut sources, &last.source)?;
        let signer = entry.signer().to_string();
        let author = match (&v.review, &options.organization) {
            // An imported review is its publisher's, never the desk's.
            (Some(r), _) => Party {
                kind: PartyType::Organization,
                name: r.by.clone(),
                url: r.site.clone(),
                identifier: None,
                additional_type: None,
            },
            (None, Some(org)) => Party {
                kind: PartyType::Organization,
                name: org.name.clone(),
                url: org.url.clone(),
                identifier: None,
                additional_type: None,
            },
            (None, None) => Party {
                kind: PartyType::Organization,
                name: holder_of(ledger, &mut holders, &signer, entry.signer().name())?,
                url: None,
                identifier: None,
                additional_type: None,
            },
        };
        // An imported review keeps its own page (when it had one, not just
        // an `@id`); the desk's verdicts are published at the base URL.
        let own_page = v
            .review
            .as_ref()
            .map(|r| r.url.clone())
            .filter(|u| u.starts_with("http://") || u.starts_with("https://"));
        let url = own_page.or_else(|| {
            options
                .base_url
                .as_ref()
                .map(|base| format!("{}/{}", base.trim_end_matches('/'), verdict.to_hex()))
        });
        let date_published = v
            .review
            .as_ref()
            .and_then(|r| r.date.as_deref())
            .map_or_else(
                || entry.time().to_string().chars().take(10).collect(),
                |d| d.chars().take(10).collect(),
            );
        let (rating_value, words) = super::rating::to_claimreview(v.rating);
        let appearance = Appearance {
            kind: WorkType::CreativeWork,
            url: body.appeared.url.clone(),
            name: body.appeared.venue.clone(),
            date_published: body.appeared.date.clone(),
            author: publisher,
        };
        out.push(ClaimReview {
            context: CONTEXT.to_owned(),
            kind: ReviewType::ClaimReview,
            id: format!("{ENTRY_IRI}{}", verdict.to_hex()),
            identifier: verdict.to_hex(),
            url,
            claim_reviewed: shorten(&body.text, SHORT_CLAIM),
            review_rating: ReviewRating {
                kind: RatingType::Rating,
                rating_value,
                best_rating: 5,
                worst_rating: 1,
                alternate_name: words.to_owned(),
            },
            item_reviewed: ClaimItem {
                kind: ClaimType::Claim,
                id: format!("{ENTRY_IRI}{}", claim.to_hex()),
                identifier: claim.to_hex(),
                text: body.text.clone(),
                in_language: body.lang.clone(),
                author: originator,
                appearance: vec![appearance.clone()],
                first_appearance: appearance,
                date_published: body.appeared.date.clone(),
            },
            author,
            date_published,
            review_body: v.rationale.clone(),
            citation: v.evidence.clone(),
        });
    }
    Ok(out)
}

/// `text` cut to at most `max` characters, the last an ellipsis, at a word
/// boundary when there is one in the last third.
pub fn shorten(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_owned();
    }
    let keep: String = text.chars().take(max.saturating_sub(1)).collect();
    let at_boundary = text
        .chars()
        .nth(max.saturating_sub(1))
        .is_some_and(char::is_whitespace);
    let cut = match keep.rfind(char::is_whitespace) {
        Some(at) if !at_boundary && keep[..at].chars().count() >= max * 2 / 3 => &keep[..at],
        _ => keep.as_str(),
    };
    format!("{}…", cut.trim_end())
}

fn stored(ledger: &Ledger, id: &EntryHash) -> Result<crate::entry::Entry, Error> {
    ledger
        .entry_by_hash(id)?
        .ok_or_else(|| corrupt(id, "is counted by the replay but not stored"))
}

fn corrupt(id: &EntryHash, what: &str) -> Error {
    Error::Corrupt {
        reason: format!("entry {} {what}", id.short()),
    }
}

/// A source as a party, as it stands after corrections.
fn party_of(
    ledger: &Ledger,
    cache: &mut HashMap<SourceId, SourceBody>,
    id: &SourceId,
) -> Result<Party, Error> {
    let s = match cache.entry(id.clone()) {
        Occupied(o) => o.into_mut(),
        Vacant(v) => {
            let view = SourceView::load(ledger, id)?.ok_or_else(|| Error::Corrupt {
                reason: format!("source `{id}` is named by a claim but not defined"),
            })?;
            v.insert(view.current)
        }
    };
    Ok(Party {
        kind: match s.kind {
            SourceKind::Outlet | SourceKind::Organization | SourceKind::Government => {
                PartyType::Organization
            }
            SourceKind::Person | SourceKind::SocialAccount | SourceKind::Anonymous => {
                PartyType::Person
            }
        },
        name: s.name.clone(),
        url: s.url.clone(),
        identifier: Some(s.id.as_str().to_owned()),
        additional_type: Some(format!("{SOURCE_KIND_IRI}{}", s.kind.as_str())),
    })
}

/// Who holds a signing key, as its enrolment says; its name otherwise.
fn holder_of(
    ledger: &Ledger,
    cache: &mut HashMap<String, String>,
    signer: &str,
    name: &str,
) -> Result<String, Error> {
    if let Some(h) = cache.get(signer) {
        return Ok(h.clone());
    }
    let mut holder = name.to_owned();
    if let Some(k) = ledger.key(signer)? {
        if let Some(e) = ledger.entry(k.seq)? {
            if let Record::Key(body) = e.record() {
                if let Some(h) = &body.holder {
                    holder = h.clone();
                }
            }
        }
    }
    cache.insert(signer.to_owned(), holder.clone());
    Ok(holder)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_claims_are_cut_with_an_ellipsis() {
        let short = "Short claim.";
        assert_eq!(shorten(short, SHORT_CLAIM), short);
        let exactly: String = "x".repeat(SHORT_CLAIM);
        assert_eq!(shorten(&exactly, SHORT_CLAIM), exactly);
        let long = "Between fifteen and twenty officers loyal to Haftar are training in Russia on MiG-29 fighter jets";
        let s = shorten(long, SHORT_CLAIM);
        assert!(s.chars().count() <= SHORT_CLAIM, "{s}");
        assert!(s.ends_with('…'));
        assert!(long.starts_with(s.trim_end_matches('…')));
        // At a word boundary.
        assert_eq!(
            s,
            "Between fifteen and twenty officers loyal to Haftar are training in Russia…"
        );
        // Characters, not bytes: Arabic is cut by letters.
        let arabic = "ضابط ".repeat(30);
        let s = shorten(&arabic, SHORT_CLAIM);
        assert!(s.chars().count() <= SHORT_CLAIM);
        let unbroken = "y".repeat(200);
        assert_eq!(shorten(&unbroken, 10), format!("{}…", "y".repeat(9)));
    }
}
