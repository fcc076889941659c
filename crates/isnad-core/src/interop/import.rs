//! ClaimReview in: [`Review`]s turned into sources, claims and verdicts.
//!
//! [`prepare`] builds every record a review needs and checks each on its
//! own, so that a review that would be refused is reported with the
//! others before anything is written. [`apply`] then appends them all in
//! one [`crate::Batch`], signed by the importing fact-checker's key: all
//! of them or (on any error) none.
//!
//! For each review:
//! - the originator, and the publisher when the markup names another, are
//!   sources. A source's id is the slug the markup gives (`identifier`),
//!   used as it is (a source already in the ledger under it is never
//!   redefined); else a slug of its name ([`slug_for`]), which, when the
//!   ledger already has a source of another name under it, gets the first
//!   free suffix `-2`, `-3` … ([`suffixed`]): two names never share an id;
//! - each claim text is a claim, `[originator (reported)]` or
//!   `[publisher (reported), originator (quoted)]`, appeared where and when
//!   the markup says;
//! - the rating is a verdict with the review's URL as its first evidence
//!   and its citations after it, the configured confidence, a rationale
//!   that keeps the published words ("Full Fact rated it “Pants on fire”
//!   on 2024-05-02. …"), and, when the markup names the reviewer, the
//!   review's origin (`review`: organisation, its site, the review's URL
//!   and date; format version 3), which makes the verdict that
//!   organisation's voice in scoring and its author on export.
//!
//! Importing the same file again adds nothing: every record comes out the
//! same, and the ledger keeps one entry per signer and content. When a
//! review of the same claim at the same URL was imported before with
//! another outcome (the fact-checker updated it), the new verdict
//! supersedes the old one.

use sha2::{Digest as _, Sha256};

use crate::entry::Entry;
use crate::error::Error;
use crate::ids::{EntryHash, SourceId};
use crate::interop::read::{Party, Problem, Review};
use crate::keys::KeyPair;
use crate::limits;
use crate::record::{
    Appearance, ClaimBody, Hop, HopRelation, Record, ReviewOrigin, SourceBody, VerdictBody,
};
use crate::store::{Batch, Ledger};
use crate::time::Timestamp;

/// How to import.
#[derive(Clone, Copy, Debug)]
pub struct ImportOptions {
    /// The confidence, in percent, of every verdict imported (ClaimReview
    /// has no such figure).
    pub confidence: u8,
}

impl Default for ImportOptions {
    fn default() -> Self {
        // A published fact-check is a considered finding; less than
        // certain because the import cannot see how it was reached.
        ImportOptions { confidence: 80 }
    }
}

/// A review's records, built and checked, not yet appended.
#[derive(Clone, Debug)]
pub struct Prepared {
    at: String,
    /// Each source, and whether its id was made from its name (and so may
    /// take a suffix) rather than given by the markup.
    sources: Vec<(SourceBody, bool)>,
    claims: Vec<ClaimBody>,
    verdict: VerdictBody,
}

impl Prepared {
    /// Where the review was in the input.
    pub fn at(&self) -> &str {
        &self.at
    }
}

/// What an import added.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ImportReport {
    /// Reviews imported.
    pub reviews: usize,
    /// New source entries.
    pub sources: usize,
    /// New claim entries.
    pub claims: usize,
    /// New verdict entries.
    pub verdicts: usize,
    /// Of those, verdicts that supersede an earlier import of the same review.
    pub updated: usize,
    /// Records already in the ledger (nothing added for them).
    pub unchanged: usize,
}

impl ImportReport {
    /// Every new entry.
    pub fn added(&self) -> usize {
        self.sources + self.claims + self.verdicts
    }
}

/// Builds and checks each review's records; reviews that would be refused
/// come back as problems.
pub fn prepare(reviews: &[Review], options: &ImportOptions) -> (Vec<Prepared>, Vec<Problem>) {
    let mut ok = Vec::new();
    let mut problems = Vec::new();
    for r in reviews {
        match prepare_one(r, options) {
            Ok(p) => ok.push(p),
            Err(e) => problems.push(Problem {
                at: r.at.clone(),
                reason: e.to_string(),
            }),
        }
    }
    (ok, problems)
}

fn prepare_one(r: &Review, options: &ImportOptions) -> Result<Prepared, Error> {
    if options.confidence > 100 {
        return Err(Error::field("confidence", "must be 0-100"));
    }
    let (mut originator, from_name) = source_body(&r.originator);
    let publisher = r.publisher.as_ref().map(source_body);
    if let Some((p, _)) = &publisher {
        // Two names made one slug: the originator takes the next one.
        if from_name && p.id == originator.id && !same_name(&p.name, &originator.name) {
            originator.id = suffixed(&originator.id, 2);
        }
    }
    let originator = (originator, from_name);
    let mut chain = Vec::new();
    if let Some((p, _)) = &publisher {
        if p.id != originator.0.id {
            chain.push(Hop {
                source: p.id.clone(),
                relation: HopRelation::Reported,
            });
        }
    }
    chain.push(Hop {
        source: originator.0.id.clone(),
        relation: if chain.is_empty() {
            HopRelation::Reported
        } else {
            HopRelation::Quoted
        },
    });
    let mut sources = Vec::new();
    for (s, from_name) in publisher.into_iter().chain([originator]) {
        if !sources
            .iter()
            .any(|(x, _): &(SourceBody, bool)| x.id == s.id)
        {
            Record::Source(s.clone()).check()?;
            sources.push((s, from_name));
        }
    }
    let claims = r
        .claims
        .iter()
        .map(|text| {
            let body = ClaimBody {
                text: text.clone(),
                lang: r.lang.clone(),
                quote: None,
                translations: Vec::new(),
                chain: chain.clone(),
                appeared: Appearance {
                    date: r.appeared_on.clone(),
                    url: r.appeared_at.clone().filter(|u| u.len() <= limits::MAX_URL),
                    venue: r.venue.clone().map(|v| clip(&v, limits::MAX_NAME)),
                },
            };
            Record::Claim(body.clone()).check().map(|()| body)
        })
        .collect::<Result<Vec<_>, Error>>()?;
    let mut evidence = vec![r.url.clone()];
    for c in &r.citations {
        if evidence.len() < limits::MAX_EVIDENCE && !evidence.contains(c) {
            evidence.push(clip(c, limits::MAX_URL));
        }
    }
    let verdict = VerdictBody {
        // Set for each claim when applied.
        claim: EntryHash::ZERO,
        rating: r.rating.rating,
        confidence: options.confidence,
        rationale: rationale(r),
        evidence,
        supersedes: None,
        review: origin(r),
    };
    Record::Verdict(verdict.clone()).check()?;
    Ok(Prepared {
        at: r.at.clone(),
        sources,
        claims,
        verdict,
    })
}

/// Who published the review, where and when, as the verdict keeps it
/// (format version 3); `None` when the markup names no reviewer.
fn origin(r: &Review) -> Option<ReviewOrigin> {
    let by = clip(r.reviewer.as_deref()?, limits::MAX_NAME);
    Some(ReviewOrigin {
        by,
        site: r
            .reviewer_url
            .clone()
            .filter(|u| u.len() <= limits::MAX_URL),
        url: clip(&r.url, limits::MAX_URL),
        date: r.reviewed_on.clone(),
    })
}

/// The verdict's rationale: who rated it, in what words, when; then what
/// the review says.
fn rationale(r: &Review) -> String {
    let who = r.reviewer.as_deref().unwrap_or("The fact-checker");
    let how = match (&r.rating.words, r.rating.value) {
        (Some(w), Some((v, worst, best))) => {
            format!(
                "“{w}” ({} on a scale of {} to {})",
                num(v),
                num(worst),
                num(best)
            )
        }
        (Some(w), None) => format!("“{w}”"),
        (None, Some((v, worst, best))) => {
            format!("{} on a scale of {} to {}", num(v), num(worst), num(best))
        }
        (None, None) => "without a rating".into(),
    };
    let mut out = format!("{who} rated it {how}");
    if let Some(d) = &r.reviewed_on {
        out.push_str(&format!(" on {}", d.get(..10).unwrap_or(d)));
    }
    out.push('.');
    if r.rating.unmapped {
        out.push_str(" (No isnad rating matches these words: recorded as unverifiable.)");
    }
    if let Some(b) = &r.body {
        out.push(' ');
        out.push_str(b);
    }
    clip(&out, limits::MAX_TEXT)
}

fn num(x: f64) -> String {
    // Whole numbers without a decimal point; others as Rust prints them.
    if x.fract() == 0.0 && x.abs() < 1e15 {
        format!("{}", x as i64)
    } else {
        format!("{x}")
    }
}

/// `s` cut to at most `max` bytes at a character boundary, with an
/// ellipsis when cut.
fn clip(s: &str, max: usize) -> String {
    if s.len() <= max {
        return s.to_owned();
    }
    let mut end = max.saturating_sub('…'.len_utf8());
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    format!("{}…", &s[..end])
}

/// A party as a source, and whether its id was made from its name.
fn source_body(p: &Party) -> (SourceBody, bool) {
    let from_name = p.slug.is_none();
    let body = SourceBody {
        id: p
            .slug
            .clone()
            .unwrap_or_else(|| slug_for(&p.name, p.url.as_deref())),
        name: clip(&p.name, limits::MAX_NAME),
        kind: p.kind,
        url: p.url.clone().filter(|u| u.len() <= limits::MAX_URL),
        language: None,
        affiliations: Vec::new(),
        description: None,
    };
    (body, from_name)
}

/// True when two source names are the same name (compared as verdict
/// words are: case, marks and spacing aside).
fn same_name(a: &str, b: &str) -> bool {
    a == b || crate::fold::words(a) == crate::fold::words(b)
}

/// A source id for a name: the name transliterated to Latin letters
/// ([`any_ascii`]: é → e, ß → ss, and Arabic, Devanagari or Chinese names
/// spelt out in Latin letters), its letters and digits in lower case
/// joined by `-` (`Agenzia Nova` → `agenzia-nova`); for a name with fewer
/// than two of those (emoji, symbols), the host of its URL unless that is
/// a platform's (`fawasel.example` → `fawasel-example`, never
/// `facebook-com`); failing both, `src-` and 12 hex digits of the name's
/// SHA-256. The same name always gets the same id; two names may get one
/// id, and [`apply`] then suffixes the later one ([`settle`]).
pub fn slug_for(name: &str, url: Option<&str>) -> SourceId {
    fn sluggify(s: &str) -> String {
        let mut out = String::new();
        for c in s.chars().flat_map(char::to_lowercase) {
            if c.is_ascii_alphanumeric() {
                out.push(c);
            } else if !out.ends_with('-') && !out.is_empty() {
                out.push('-');
            }
        }
        let mut out: String = out.chars().take(SourceId::MAX_LEN).collect();
        while out.ends_with('-') {
            out.pop();
        }
        out
    }
    let latin = sluggify(&any_ascii::any_ascii(name));
    if latin.len() >= 2 {
        if let Ok(id) = SourceId::parse(&latin, "source") {
            return id;
        }
    }
    if let Some(host) = url.and_then(|u| url::Url::parse(u).ok()).and_then(|u| {
        u.host_str()
            .map(|h| h.trim_start_matches("www.").to_owned())
    }) {
        if !crate::interop::read::is_platform(&host) {
            if let Ok(id) = SourceId::parse(&sluggify(&host), "source") {
                return id;
            }
        }
    }
    hashed(name)
}

/// `src-` and 12 hex digits of the name's SHA-256.
fn hashed(name: &str) -> SourceId {
    let digest = Sha256::digest(name.as_bytes());
    let hex = hex::encode(&digest[..6]);
    #[allow(clippy::expect_used, reason = "a constant shape")]
    // Invariant: `src-` and 12 lower-case hex digits are a valid slug.
    SourceId::parse(&format!("src-{hex}"), "source").expect("src- and hex digits form a slug")
}

/// `id` with the suffix `-n` (`full-fact-2`), cut first so that the
/// whole stays within [`SourceId::MAX_LEN`].
pub fn suffixed(id: &SourceId, n: u32) -> SourceId {
    let suffix = format!("-{n}");
    let mut base: String = id
        .as_str()
        .chars()
        .take(SourceId::MAX_LEN.saturating_sub(suffix.len()))
        .collect();
    while base.ends_with('-') {
        base.pop();
    }
    SourceId::parse(&format!("{base}{suffix}"), "source").unwrap_or_else(|_| hashed(id.as_str()))
}

/// The id a source takes: the one the markup gave, when it gave one;
/// else the first of its slug, `slug-2`, `slug-3` … that is free or
/// already names a source of the same name (`taken` says which name an id
/// has, if any).
///
/// # Errors
/// What `taken` returns.
pub fn settle<E>(
    body: &SourceBody,
    from_name: bool,
    mut taken: impl FnMut(&SourceId) -> Result<Option<String>, E>,
) -> Result<SourceId, E> {
    if !from_name {
        return Ok(body.id.clone());
    }
    let mut n = 1;
    loop {
        let id = if n == 1 {
            body.id.clone()
        } else {
            suffixed(&body.id, n)
        };
        match taken(&id)? {
            Some(name) if !same_name(&name, &body.name) => n += 1,
            _ => return Ok(id),
        }
    }
}

/// Appends every prepared review, signed by `key`, in one batch.
///
/// # Errors
/// The first record the ledger refuses, naming the review; the ledger is
/// unchanged.
pub fn apply(
    ledger: &Ledger,
    key: &KeyPair,
    prepared: &[Prepared],
    now: Timestamp,
) -> Result<ImportReport, Error> {
    let mut importer = Importer::new(ledger, key, now)?;
    for p in prepared {
        importer.add(p)?;
    }
    importer.finish()
}

/// Prepared reviews appended one at a time into one batch, for input read
/// a piece at a time ([`crate::interop::stream`]): the batch writes as it
/// grows, so memory holds a buffer's worth, and nothing is part of the
/// ledger before [`Importer::finish`]. Dropped unfinished (or after an
/// error), it leaves the ledger as it was.
pub struct Importer<'l> {
    batch: Batch<'l>,
    key: &'l KeyPair,
    signer: String,
    report: ImportReport,
}

impl<'l> Importer<'l> {
    /// Starts an import signed by `key`, timed `now`; holds the ledger's
    /// writer lock until finished or dropped.
    ///
    /// # Errors
    /// Storage errors.
    pub fn new(ledger: &'l Ledger, key: &'l KeyPair, now: Timestamp) -> Result<Self, Error> {
        Ok(Importer {
            batch: ledger.batch(now)?,
            key,
            signer: key.verifier().to_string(),
            report: ImportReport::default(),
        })
    }

    /// Appends one review's records.
    ///
    /// # Errors
    /// The first record the ledger refuses, naming the review.
    pub fn add(&mut self, p: &Prepared) -> Result<(), Error> {
        let Importer {
            batch,
            key,
            signer,
            report,
        } = self;
        let key: &KeyPair = key;
        let in_review = |e: Error| Error::Review {
            at: p.at.clone(),
            error: Box::new(e),
        };
        // Ids made from names, as they settle against the ledger.
        let mut moved: Vec<(SourceId, SourceId)> = Vec::new();
        for (s, from_name) in &p.sources {
            let id = settle(s, *from_name, |id| batch.source_name(id))?;
            if id != s.id {
                moved.push((s.id.clone(), id.clone()));
            }
            if batch.has_source(&id)? {
                continue;
            }
            let body = SourceBody { id, ..s.clone() };
            let a = batch.append(key, Record::Source(body)).map_err(in_review)?;
            count(a.is_new(), &mut report.sources, &mut report.unchanged);
        }
        for c in &p.claims {
            let mut c = c.clone();
            for hop in &mut c.chain {
                if let Some((_, to)) = moved.iter().find(|(from, _)| *from == hop.source) {
                    hop.source = to.clone();
                }
            }
            let a = batch.append(key, Record::Claim(c)).map_err(in_review)?;
            count(a.is_new(), &mut report.claims, &mut report.unchanged);
            let claim = a.entry().hash();
            let mut verdict = VerdictBody {
                claim,
                ..p.verdict.clone()
            };
            match earlier_review(batch.ledger(), signer, &claim, &verdict)? {
                Earlier::Same => {
                    report.unchanged += 1;
                    continue;
                }
                Earlier::Replaced(old) => verdict.supersedes = Some(old),
                Earlier::None => {}
            }
            let updated = verdict.supersedes.is_some();
            let a = batch
                .append(key, Record::Verdict(verdict))
                .map_err(in_review)?;
            count(a.is_new(), &mut report.verdicts, &mut report.unchanged);
            if a.is_new() && updated {
                report.updated += 1;
            }
        }
        report.reviews += 1;
        Ok(())
    }

    /// Makes everything added part of the ledger, durably.
    ///
    /// # Errors
    /// Storage errors; the ledger is as it was.
    pub fn finish(self) -> Result<ImportReport, Error> {
        self.batch.commit()?;
        Ok(self.report)
    }
}

fn count(new: bool, added: &mut usize, unchanged: &mut usize) {
    if new {
        *added += 1;
    } else {
        *unchanged += 1;
    }
}

enum Earlier {
    /// No standing verdict of this signer on this claim from the same review.
    None,
    /// The standing one says the same (an import of the same review).
    Same,
    /// The standing one says something else: the review was updated.
    Replaced(EntryHash),
}

/// This signer's standing verdict on `claim` from the same review (same
/// first evidence), if any, and whether `new` says the same.
fn earlier_review(
    ledger: &Ledger,
    signer: &str,
    claim: &EntryHash,
    new: &VerdictBody,
) -> Result<Earlier, Error> {
    let mine = |e: &Entry| -> Option<VerdictBody> {
        match e.record() {
            Record::Verdict(v)
                if e.signer().to_string() == signer
                    && v.claim == *claim
                    && v.evidence.first() == new.evidence.first() =>
            {
                Some(v.clone())
            }
            _ => None,
        }
    };
    let verdicts: Vec<(EntryHash, VerdictBody)> = ledger
        .referrers(claim)?
        .iter()
        .filter_map(|e| mine(e).map(|v| (e.hash(), v)))
        .collect();
    // The standing one: not superseded by another of them.
    let standing = verdicts
        .iter()
        .rev()
        .find(|(id, _)| !verdicts.iter().any(|(_, v)| v.supersedes == Some(*id)));
    Ok(match standing {
        None => Earlier::None,
        Some((_, v))
            if VerdictBody {
                supersedes: None,
                ..v.clone()
            } == *new =>
        {
            Earlier::Same
        }
        Some((id, _)) => Earlier::Replaced(*id),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs() {
        assert_eq!(slug_for("Agenzia Nova", None).as_str(), "agenzia-nova");
        assert_eq!(slug_for("  Full   Fact! ", None).as_str(), "full-fact");
        // Transliterated, not dropped.
        assert_eq!(slug_for("Mediemøllen", None).as_str(), "mediemollen");
        assert_eq!(slug_for("Café Straße", None).as_str(), "cafe-strasse");
        let arabic = slug_for("فواصل ميديا", Some("https://www.fawasel.example/x"));
        assert!(arabic.as_str().len() >= 4, "{arabic}");
        assert_eq!(arabic, slug_for("فواصل ميديا", None));
        assert_ne!(arabic, slug_for("مسبار", None));
        let hindi = slug_for("फ़ैक्ट", None);
        assert_eq!(hindi, slug_for("फ़ैक्ट", None));
        assert_ne!(hindi, slug_for("सच", None));
        assert_ne!(slug_for("新华社", None), slug_for("人民日报", None));
        // Nothing to spell: the host, never a platform's; else a hash.
        assert_eq!(
            slug_for("!?", Some("https://www.fawasel.example/x")).as_str(),
            "fawasel-example"
        );
        let h = slug_for("!?", Some("https://www.facebook.com/x"));
        assert!(h.as_str().starts_with("src-"), "{h}");
        let long = "x".repeat(100);
        assert_eq!(slug_for(&long, None).as_str().len(), SourceId::MAX_LEN);
    }

    #[test]
    fn suffixes_keep_ids_apart_and_short() {
        let id = SourceId::parse("full-fact", "t").unwrap();
        assert_eq!(suffixed(&id, 2).as_str(), "full-fact-2");
        let long = slug_for(&"x".repeat(100), None);
        assert_eq!(suffixed(&long, 12).as_str().len(), SourceId::MAX_LEN);
        assert!(suffixed(&long, 12).as_str().ends_with("-12"));
    }

    proptest::proptest! {
        /// However names collide on their slugs, settling them one after
        /// another into a ledger gives different names different ids, and
        /// the same name the same id.
        #[test]
        fn ids_of_different_names_never_collide(
            names in proptest::collection::vec("[a-zA-Zéß][a-zA-Zéß .-]{0,11}|[\u{0627}-\u{064A}]{1,6}|[A-Z]{2}", 1..20)
        ) {
            let mut ledger: std::collections::HashMap<SourceId, String> = Default::default();
            let mut given: Vec<(String, SourceId)> = Vec::new();
            for n in &names {
                let (body, from_name) = source_body(&Party {
                    name: n.clone(),
                    kind: crate::record::SourceKind::Person,
                    url: None,
                    slug: None,
                });
                let id = settle(&body, from_name, |id| {
                    Ok::<_, std::convert::Infallible>(ledger.get(id).cloned())
                })
                .unwrap();
                ledger.entry(id.clone()).or_insert_with(|| body.name.clone());
                given.push((body.name.clone(), id));
            }
            for (a, ia) in &given {
                for (b, ib) in &given {
                    if !same_name(a, b) {
                        proptest::prop_assert_ne!(ia, ib, "{} and {}", a, b);
                    }
                    if a == b {
                        proptest::prop_assert_eq!(ia, ib);
                    }
                }
            }
        }
    }

    #[test]
    fn clipping_respects_characters() {
        assert_eq!(clip("abc", 3), "abc");
        let s = "ééééé";
        let c = clip(s, 6);
        assert!(c.len() <= 6 && c.ends_with('…'), "{c}");
    }
}
