//! The record kinds an entry can carry, as they appear on the wire.
//!
//! These serde types *are* the wire format: every struct rejects unknown
//! fields, optional fields are omitted when absent and lists when empty (so
//! each record has exactly one canonical form), and no field is a float.
//! [`Record::check`] enforces what serde cannot: lengths, NFC text, language
//! tags, URLs and dates. References to other entries are checked later,
//! against the ledger, in [`crate::rules`].

use serde::{Deserialize, Serialize};

use crate::canon::is_nfc;
use crate::error::Error;
use crate::ids::{EntryHash, OrgId, SourceId};
use crate::limits;

/// A signer's role; each role may write certain record kinds.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Debug, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "kebab-case")]
pub enum Role {
    /// Enrols and revokes keys; sets the prior trust in checker
    /// organisations.
    Admin,
    /// Sources, claims, relations, amendments, priors.
    Editor,
    /// Verdicts, claims, relations, sources.
    FactChecker,
    /// Reads and verifies; writes nothing.
    Auditor,
}

impl Role {
    /// The wire name.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Admin => "admin",
            Role::Editor => "editor",
            Role::FactChecker => "fact-checker",
            Role::Auditor => "auditor",
        }
    }

    /// The record kinds this role may sign.
    pub fn may_write(self, kind: Kind) -> bool {
        use Kind::*;
        match self {
            Role::Admin => matches!(kind, Key | Revocation | Trust),
            Role::Editor => matches!(kind, Source | Claim | Relation | Amendment | Prior),
            // Sources too, so that a fact-checker can record who made a claim
            // it rates (an imported ClaimReview names its claimant).
            Role::FactChecker => matches!(kind, Verdict | Claim | Relation | Source),
            Role::Auditor => false,
        }
    }
}

impl std::str::FromStr for Role {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self, Error> {
        Ok(match s {
            "admin" => Role::Admin,
            "editor" => Role::Editor,
            "fact-checker" => Role::FactChecker,
            "auditor" => Role::Auditor,
            _ => {
                return Err(Error::field(
                    "roles",
                    format!("`{s}` is not a role (admin, editor, fact-checker, auditor)"),
                ));
            }
        })
    }
}

/// The kind of record an entry carries (the entry's `kind` field).
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Debug, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "kebab-case")]
pub enum Kind {
    /// Enrols a signing key.
    Key,
    /// Describes a source.
    Source,
    /// Records a claim with its attribution chain.
    Claim,
    /// A fact-checker's rating of a claim.
    Verdict,
    /// A relation between two claims.
    Relation,
    /// Corrects or retracts an earlier record.
    Amendment,
    /// An editor's Admiralty grade for a source.
    Prior,
    /// Retires a signing key: no entry it signs after this is accepted.
    Revocation,
    /// An admin's prior grade for a checker organisation (format version 2).
    Trust,
}

impl Kind {
    /// The wire name.
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Key => "key",
            Kind::Source => "source",
            Kind::Claim => "claim",
            Kind::Verdict => "verdict",
            Kind::Relation => "relation",
            Kind::Amendment => "amendment",
            Kind::Prior => "prior",
            Kind::Revocation => "revocation",
            Kind::Trust => "trust",
        }
    }

    /// All kinds, in wire order.
    pub const ALL: [Kind; 9] = [
        Kind::Key,
        Kind::Source,
        Kind::Claim,
        Kind::Verdict,
        Kind::Relation,
        Kind::Amendment,
        Kind::Prior,
        Kind::Revocation,
        Kind::Trust,
    ];
}

impl std::fmt::Display for Kind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// `key`: enrols a signer. Signed by an admin; the genesis entry is the
/// founding admin enrolling itself.
#[derive(Clone, PartialEq, Eq, Debug, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct KeyBody {
    /// C2SP verifier key string `name+keyid+base64(0x01 ‖ key)`.
    #[cfg_attr(
        feature = "schema",
        schemars(pattern(crate::pattern::VERIFIER_KEY_PATTERN))
    )]
    pub key: String,
    /// Roles, sorted and without repeats.
    #[cfg_attr(feature = "schema", schemars(length(min = 1), extend("uniqueItems" = true)))]
    pub roles: Vec<Role>,
    /// Who holds the key (a person or desk), for people reading the log.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "schema", schemars(length(min = 1, max = limits::MAX_NAME)))]
    pub holder: Option<String>,
    /// A rotation: the key this one replaces, which signs this entry
    /// itself. The new key takes (some of) its roles, and the old key is
    /// retired (superseded) from this entry on.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(
        feature = "schema",
        schemars(pattern(crate::pattern::VERIFIER_KEY_PATTERN))
    )]
    pub replaces: Option<String>,
    /// The organisation (a fact-checking desk or newsroom) that holds the
    /// key. A key entry with `org` is format version 2. A rotation without
    /// it belongs to the replaced key's organisation; with it, it must name
    /// that same organisation (`docs/FORMAT.md` §9).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub org: Option<OrgId>,
}

/// What a source is.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "kebab-case")]
pub enum SourceKind {
    /// A news outlet or agency.
    Outlet,
    /// A named person.
    Person,
    /// An organisation (think tank, company, NGO).
    Organization,
    /// A government, ministry or official body.
    Government,
    /// An account or feed on a platform (posts on X).
    SocialAccount,
    /// Unnamed sources ("several sources").
    Anonymous,
}

impl SourceKind {
    /// The wire name.
    pub fn as_str(self) -> &'static str {
        match self {
            SourceKind::Outlet => "outlet",
            SourceKind::Person => "person",
            SourceKind::Organization => "organization",
            SourceKind::Government => "government",
            SourceKind::SocialAccount => "social-account",
            SourceKind::Anonymous => "anonymous",
        }
    }

    /// All kinds of source, in wire order.
    pub const ALL: [SourceKind; 6] = [
        SourceKind::Outlet,
        SourceKind::Person,
        SourceKind::Organization,
        SourceKind::Government,
        SourceKind::SocialAccount,
        SourceKind::Anonymous,
    ];
}

impl std::str::FromStr for SourceKind {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self, Error> {
        from_wire_name(&Self::ALL, Self::as_str, s, "kind", "kind of source")
    }
}

/// `source`: a stable description of who can say things.
#[derive(Clone, PartialEq, Eq, Debug, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct SourceBody {
    /// Stable slug id, unique in the ledger.
    pub id: SourceId,
    /// Display name.
    #[cfg_attr(feature = "schema", schemars(length(min = 1, max = limits::MAX_NAME)))]
    pub name: String,
    /// What the source is.
    pub kind: SourceKind,
    /// Home page or profile.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "schema", schemars(pattern(crate::pattern::URL_PATTERN), length(min = 1, max = limits::MAX_URL)))]
    pub url: Option<String>,
    /// Main language, a BCP-47 tag.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "schema", schemars(pattern(crate::pattern::LANG_PATTERN), length(min = 2, max = crate::pattern::LANG_MAX_LEN)))]
    pub language: Option<String>,
    /// Sources this one belongs to or speaks for (a person's institution).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[cfg_attr(feature = "schema", schemars(length(min = 1, max = limits::MAX_AFFILIATIONS), extend("uniqueItems" = true)))]
    pub affiliations: Vec<SourceId>,
    /// A short description (role, title) as the ledger's editors understand it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "schema", schemars(length(min = 1, max = limits::MAX_NAME)))]
    pub description: Option<String>,
}

/// How a hop of an attribution chain stands to the hop before it.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "kebab-case")]
pub enum HopRelation {
    /// The publisher states it (the first hop, and only the first).
    Reported,
    /// The previous hop quotes this source's words.
    Quoted,
    /// The previous hop cites this source as its source.
    Cited,
    /// The previous hop is where this source published it (an account or platform).
    PublishedOn,
    /// The previous hop credits unnamed sources (this hop).
    Anonymous,
}

/// One hop of an attribution chain.
#[derive(Clone, PartialEq, Eq, Debug, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct Hop {
    /// The source at this hop.
    pub source: SourceId,
    /// How it stands to the previous hop (`reported` for the publisher).
    pub relation: HopRelation,
}

/// A translation of a claim's text.
#[derive(Clone, PartialEq, Eq, Debug, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct Translation {
    /// BCP-47 tag of the translation.
    #[cfg_attr(feature = "schema", schemars(pattern(crate::pattern::LANG_PATTERN), length(min = 2, max = crate::pattern::LANG_MAX_LEN)))]
    pub lang: String,
    /// The translated text (NFC).
    #[cfg_attr(feature = "schema", schemars(length(min = 1, max = limits::MAX_TEXT)))]
    pub text: String,
}

/// Where and when a claim appeared.
#[derive(Clone, PartialEq, Eq, Debug, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct Appearance {
    /// Date (`YYYY-MM-DD`) or UTC time (`YYYY-MM-DDTHH:MM:SSZ`) of publication.
    #[cfg_attr(feature = "schema", schemars(pattern(crate::pattern::DATE_PATTERN)))]
    pub date: String,
    /// URL of the publication.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "schema", schemars(pattern(crate::pattern::URL_PATTERN), length(min = 1, max = limits::MAX_URL)))]
    pub url: Option<String>,
    /// Where it appeared, in words (title, programme, page).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "schema", schemars(length(min = 1, max = limits::MAX_NAME)))]
    pub venue: Option<String>,
}

/// `claim`: a statement with the chain it reached the reader through.
#[derive(Clone, PartialEq, Eq, Debug, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct ClaimBody {
    /// The statement in its original language (NFC).
    #[cfg_attr(feature = "schema", schemars(length(min = 1, max = limits::MAX_TEXT)))]
    pub text: String,
    /// BCP-47 tag of `text`.
    #[cfg_attr(feature = "schema", schemars(pattern(crate::pattern::LANG_PATTERN), length(min = 2, max = crate::pattern::LANG_MAX_LEN)))]
    pub lang: String,
    /// The verbatim words, when the publication quotes them.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "schema", schemars(length(min = 1, max = limits::MAX_TEXT)))]
    pub quote: Option<String>,
    /// Translations, at most one per language.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[cfg_attr(feature = "schema", schemars(length(min = 1, max = limits::MAX_TRANSLATIONS)))]
    pub translations: Vec<Translation>,
    /// Publisher first, originator last.
    #[cfg_attr(feature = "schema", schemars(length(min = 1, max = limits::MAX_CHAIN)))]
    pub chain: Vec<Hop>,
    /// Where and when it appeared.
    pub appeared: Appearance,
}

/// A fact-checker's rating.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "kebab-case")]
pub enum Rating {
    /// Accurate.
    True,
    /// Accurate with minor caveats.
    MostlyTrue,
    /// Partly accurate.
    Mixed,
    /// Mostly inaccurate.
    MostlyFalse,
    /// Inaccurate.
    False,
    /// Cannot be checked.
    Unverifiable,
    /// The statement is real but was not made by the named source.
    Misattributed,
}

impl Rating {
    /// The wire name.
    pub fn as_str(self) -> &'static str {
        match self {
            Rating::True => "true",
            Rating::MostlyTrue => "mostly-true",
            Rating::Mixed => "mixed",
            Rating::MostlyFalse => "mostly-false",
            Rating::False => "false",
            Rating::Unverifiable => "unverifiable",
            Rating::Misattributed => "misattributed",
        }
    }

    /// All ratings, in wire order: every list of ratings is this one.
    pub const ALL: [Rating; 7] = [
        Rating::True,
        Rating::MostlyTrue,
        Rating::Mixed,
        Rating::MostlyFalse,
        Rating::False,
        Rating::Unverifiable,
        Rating::Misattributed,
    ];
}

impl std::str::FromStr for Rating {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self, Error> {
        from_wire_name(&Self::ALL, Self::as_str, s, "rating", "rating")
    }
}

/// `verdict`: a fact-checker's rating of a claim.
#[derive(Clone, PartialEq, Eq, Debug, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct VerdictBody {
    /// The claim's entry id.
    pub claim: EntryHash,
    /// The rating.
    pub rating: Rating,
    /// Confidence in percent, 0-100 (an integer: no floats in signed data).
    #[cfg_attr(feature = "schema", schemars(range(min = 0, max = 100)))]
    pub confidence: u8,
    /// Why.
    #[cfg_attr(feature = "schema", schemars(length(min = 1, max = limits::MAX_TEXT)))]
    pub rationale: String,
    /// URLs or citations that support the rating.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[cfg_attr(feature = "schema", schemars(length(min = 1, max = limits::MAX_EVIDENCE), inner(length(min = 1, max = limits::MAX_URL))))]
    pub evidence: Vec<String>,
    /// An earlier verdict by the same signer on the same claim that this replaces.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub supersedes: Option<EntryHash>,
    /// For a verdict imported from another fact-checker's published
    /// review: who published it, where and when. A verdict with `review`
    /// is format version 3.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub review: Option<ReviewOrigin>,
}

/// The published review an imported verdict comes from (format version 3):
/// the importing desk signs the verdict, and this says whose finding it
/// records.
#[derive(Clone, PartialEq, Eq, Debug, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct ReviewOrigin {
    /// The organisation that published the review, as it names itself.
    #[cfg_attr(feature = "schema", schemars(length(min = 1, max = limits::MAX_NAME)))]
    pub by: String,
    /// That organisation's home page (absolute http(s)).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "schema", schemars(length(min = 1, max = limits::MAX_URL)))]
    pub site: Option<String>,
    /// The review's own page (absolute http(s)), or the name it gave
    /// itself (`@id`) when it had no page.
    #[cfg_attr(feature = "schema", schemars(length(min = 1, max = limits::MAX_URL)))]
    pub url: String,
    /// When the review was published: `YYYY-MM-DD` or a UTC time.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub date: Option<String>,
}

/// How one claim stands to another.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "kebab-case")]
pub enum ClaimRelation {
    /// `from` supports `to` independently.
    Corroborates,
    /// `from` contradicts `to`.
    Contradicts,
    /// `from` was derived from `to` (shares its origin).
    DerivedFrom,
    /// `from` and `to` are the same story.
    SameAs,
}

impl ClaimRelation {
    /// The wire name.
    pub fn as_str(self) -> &'static str {
        match self {
            ClaimRelation::Corroborates => "corroborates",
            ClaimRelation::Contradicts => "contradicts",
            ClaimRelation::DerivedFrom => "derived-from",
            ClaimRelation::SameAs => "same-as",
        }
    }

    /// All relations, in wire order.
    pub const ALL: [ClaimRelation; 4] = [
        ClaimRelation::Corroborates,
        ClaimRelation::Contradicts,
        ClaimRelation::DerivedFrom,
        ClaimRelation::SameAs,
    ];
}

impl std::str::FromStr for ClaimRelation {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self, Error> {
        from_wire_name(&Self::ALL, Self::as_str, s, "relation", "relation")
    }
}

/// The one of `all` whose wire name is `s`; else an error on `field`
/// listing the names, so a message never lists them from memory.
fn from_wire_name<T: Copy>(
    all: &[T],
    name: fn(T) -> &'static str,
    s: &str,
    field: &str,
    what: &str,
) -> Result<T, Error> {
    all.iter().copied().find(|&v| name(v) == s).ok_or_else(|| {
        let names: Vec<&str> = all.iter().map(|&v| name(v)).collect();
        Error::field(
            field,
            format!("`{s}` is not a {what} ({})", names.join(", ")),
        )
    })
}

/// `relation`: links two claims.
#[derive(Clone, PartialEq, Eq, Debug, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct RelationBody {
    /// The claim the relation is stated for.
    pub from: EntryHash,
    /// How `from` stands to `to`.
    pub relation: ClaimRelation,
    /// The other claim.
    pub to: EntryHash,
    /// Why the editor or fact-checker links them.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "schema", schemars(length(min = 1, max = limits::MAX_TEXT)))]
    pub note: Option<String>,
}

/// What an amendment changes.
#[derive(Clone, PartialEq, Eq, Debug, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(tag = "type", rename_all = "kebab-case", deny_unknown_fields)]
pub enum Change {
    /// The target no longer stands (it stays in the ledger).
    Retract,
    /// The claim's attribution chain is replaced, e.g. extended back to an
    /// earlier origin.
    Reattribute {
        /// The corrected chain, publisher first.
        #[cfg_attr(feature = "schema", schemars(length(min = 1, max = limits::MAX_CHAIN)))]
        chain: Vec<Hop>,
    },
    /// The claim's text, language, quote or translations are corrected.
    CorrectClaim {
        /// The whole corrected claim (its chain included).
        claim: ClaimBody,
    },
    /// The source's description is corrected (same id).
    CorrectSource {
        /// The whole corrected source record.
        source: SourceBody,
    },
}

impl Change {
    /// The wire name of the change.
    pub fn as_str(&self) -> &'static str {
        match self {
            Change::Retract => "retract",
            Change::Reattribute { .. } => "reattribute",
            Change::CorrectClaim { .. } => "correct-claim",
            Change::CorrectSource { .. } => "correct-source",
        }
    }
}

/// `amendment`: corrects or retracts an earlier record, which stays in the
/// ledger for ever.
#[derive(Clone, PartialEq, Eq, Debug, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct AmendmentBody {
    /// The amended entry's id.
    pub target: EntryHash,
    /// What changes.
    pub change: Change,
    /// Why.
    #[cfg_attr(feature = "schema", schemars(length(min = 1, max = limits::MAX_TEXT)))]
    pub reason: String,
}

/// An Admiralty (NATO STANAG 2511) source-reliability grade.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Debug, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub enum Grade {
    /// Completely reliable.
    A,
    /// Usually reliable.
    B,
    /// Fairly reliable.
    C,
    /// Not usually reliable.
    D,
    /// Unreliable.
    E,
    /// Reliability cannot be judged.
    F,
}

impl Grade {
    /// Every grade, A to F.
    pub const ALL: [Grade; 6] = [Grade::A, Grade::B, Grade::C, Grade::D, Grade::E, Grade::F];

    /// The letter, `A` to `F`.
    pub fn as_str(self) -> &'static str {
        match self {
            Grade::A => "A",
            Grade::B => "B",
            Grade::C => "C",
            Grade::D => "D",
            Grade::E => "E",
            Grade::F => "F",
        }
    }
}

/// The letter.
impl std::fmt::Display for Grade {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.pad(self.as_str())
    }
}

impl std::str::FromStr for Grade {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self, Error> {
        Ok(match s {
            "A" | "a" => Grade::A,
            "B" | "b" => Grade::B,
            "C" | "c" => Grade::C,
            "D" | "d" => Grade::D,
            "E" | "e" => Grade::E,
            "F" | "f" => Grade::F,
            _ => return Err(Error::field("grade", format!("`{s}` is not a grade A-F"))),
        })
    }
}

/// `prior`: an editor's grade for a source, used as its base rate.
#[derive(Clone, PartialEq, Eq, Debug, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct PriorBody {
    /// The source.
    pub source: SourceId,
    /// The grade.
    pub grade: Grade,
    /// Why.
    #[cfg_attr(feature = "schema", schemars(length(min = 1, max = limits::MAX_TEXT)))]
    pub reason: String,
}

/// `trust`: an admin's prior grade (A–F) for a checker organisation, the
/// `org` of keys enrolled earlier. A later `trust` for the same
/// organisation replaces the earlier one; an amendment may retract one.
/// Format version 2.
#[derive(Clone, PartialEq, Eq, Debug, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct TrustBody {
    /// The organisation graded: the `org` of a key enrolled earlier.
    pub checker: OrgId,
    /// The grade.
    pub grade: Grade,
    /// Why.
    #[cfg_attr(feature = "schema", schemars(length(min = 1, max = limits::MAX_TEXT)))]
    pub reason: String,
}

/// Why a key is revoked.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "kebab-case")]
pub enum RevocationReason {
    /// Retired in the ordinary way (replaced, or its holder left): what it
    /// signed before stays valid.
    Superseded,
    /// Its private key may be known to someone else: nothing it signs
    /// after the revocation is accepted, and scoring ignores its verdicts
    /// from `since` on.
    Compromised,
}

impl RevocationReason {
    /// The wire name.
    pub fn as_str(self) -> &'static str {
        match self {
            RevocationReason::Superseded => "superseded",
            RevocationReason::Compromised => "compromised",
        }
    }
}

impl std::str::FromStr for RevocationReason {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self, Error> {
        match s {
            "superseded" => Ok(RevocationReason::Superseded),
            "compromised" => Ok(RevocationReason::Compromised),
            _ => Err(Error::field(
                "reason",
                format!("`{s}` is not superseded or compromised"),
            )),
        }
    }
}

/// `revocation`: retires a signing key. Signed by an admin or by the key
/// itself; entries the key signs after this one are refused.
#[derive(Clone, PartialEq, Eq, Debug, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct RevocationBody {
    /// The revoked key's verifier key string.
    #[cfg_attr(
        feature = "schema",
        schemars(pattern(crate::pattern::VERIFIER_KEY_PATTERN))
    )]
    pub key: String,
    /// Why.
    pub reason: RevocationReason,
    /// For a compromised key: the time (`YYYY-MM-DDTHH:MM:SSZ`) from which
    /// its signatures are not to be trusted, at or before this entry's
    /// time; scoring ignores its verdicts from then on. Absent: this
    /// entry's time.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "schema", schemars(pattern(crate::pattern::TIME_PATTERN)))]
    pub since: Option<String>,
}

/// A record: the `kind` and `body` of an entry.
#[derive(Clone, PartialEq, Eq, Debug)]
pub enum Record {
    /// See [`KeyBody`].
    Key(KeyBody),
    /// See [`SourceBody`].
    Source(SourceBody),
    /// See [`ClaimBody`].
    Claim(ClaimBody),
    /// See [`VerdictBody`].
    Verdict(VerdictBody),
    /// See [`RelationBody`].
    Relation(RelationBody),
    /// See [`AmendmentBody`].
    Amendment(AmendmentBody),
    /// See [`PriorBody`].
    Prior(PriorBody),
    /// See [`RevocationBody`].
    Revocation(RevocationBody),
    /// See [`TrustBody`].
    Trust(TrustBody),
}

impl Record {
    /// The record's kind.
    pub fn kind(&self) -> Kind {
        match self {
            Record::Key(_) => Kind::Key,
            Record::Source(_) => Kind::Source,
            Record::Claim(_) => Kind::Claim,
            Record::Verdict(_) => Kind::Verdict,
            Record::Relation(_) => Kind::Relation,
            Record::Amendment(_) => Kind::Amendment,
            Record::Prior(_) => Kind::Prior,
            Record::Revocation(_) => Kind::Revocation,
            Record::Trust(_) => Kind::Trust,
        }
    }

    /// The entry format version (`v`) an entry carrying this record is
    /// written with: [`crate::entry::FORMAT_VERSION_2`] when the record uses
    /// what version 2 added (a `trust` record, a `key` with `org`), else
    /// [`crate::entry::FORMAT_VERSION`]. Each record has this one version:
    /// an entry that states another is refused, so ledgers that use
    /// nothing of version 2 are byte for byte what version 1 wrote.
    ///
    /// A verdict with `review` is [`crate::entry::FORMAT_VERSION_3`]: what
    /// version 3 adds is that field alone.
    pub fn format_version(&self) -> u32 {
        match self {
            Record::Trust(_) | Record::Key(KeyBody { org: Some(_), .. }) => {
                crate::entry::FORMAT_VERSION_2
            }
            Record::Verdict(VerdictBody {
                review: Some(_), ..
            }) => crate::entry::FORMAT_VERSION_3,
            _ => crate::entry::FORMAT_VERSION,
        }
    }

    /// The body as a JSON value (the entry's `body`).
    ///
    /// # Errors
    /// [`Error::Canonical`] only if serde fails, which the types rule out.
    pub fn body_value(&self) -> Result<serde_json::Value, Error> {
        let v = match self {
            Record::Key(b) => serde_json::to_value(b),
            Record::Source(b) => serde_json::to_value(b),
            Record::Claim(b) => serde_json::to_value(b),
            Record::Verdict(b) => serde_json::to_value(b),
            Record::Relation(b) => serde_json::to_value(b),
            Record::Amendment(b) => serde_json::to_value(b),
            Record::Prior(b) => serde_json::to_value(b),
            Record::Revocation(b) => serde_json::to_value(b),
            Record::Trust(b) => serde_json::to_value(b),
        };
        v.map_err(|e| Error::Canonical {
            reason: e.to_string(),
        })
    }

    /// The body for serialising as it is, with no value tree: what
    /// [`Record::body_value`] holds, for the canonical entry writer.
    pub(crate) fn body(&self) -> BodyRef<'_> {
        BodyRef(self)
    }

    /// Parses a body of the given kind, rejecting unknown fields.
    ///
    /// # Errors
    /// [`Error::Field`] naming `body` and serde's explanation.
    pub fn from_body(kind: Kind, body: serde_json::Value) -> Result<Self, Error> {
        Record::deserialize_body(kind, body)
    }

    /// Parses a body of the given kind straight from its JSON text, with no
    /// intermediate value tree; rejects unknown fields like
    /// [`Record::from_body`].
    ///
    /// # Errors
    /// [`Error::Field`] naming `body` and serde's explanation.
    pub fn from_body_json(kind: Kind, body: &str) -> Result<Self, Error> {
        Record::deserialize_body(kind, &mut serde_json::Deserializer::from_str(body))
    }

    fn deserialize_body<'de, D>(kind: Kind, d: D) -> Result<Self, Error>
    where
        D: serde::Deserializer<'de>,
    {
        fn p<'de, T: Deserialize<'de>, D: serde::Deserializer<'de>>(d: D) -> Result<T, Error> {
            T::deserialize(d).map_err(|e| Error::field("body", e.to_string()))
        }
        Ok(match kind {
            Kind::Key => Record::Key(p(d)?),
            Kind::Source => Record::Source(p(d)?),
            Kind::Claim => Record::Claim(p(d)?),
            Kind::Verdict => Record::Verdict(p(d)?),
            Kind::Relation => Record::Relation(p(d)?),
            Kind::Amendment => Record::Amendment(p(d)?),
            Kind::Prior => Record::Prior(p(d)?),
            Kind::Revocation => Record::Revocation(p(d)?),
            Kind::Trust => Record::Trust(p(d)?),
        })
    }

    /// Checks everything about the record that needs no ledger: lengths, NFC,
    /// language tags, URLs, dates, list sizes and order.
    ///
    /// # Errors
    /// [`Error::Field`] naming the first field at fault (`body.chain[1].source`).
    pub fn check(&self) -> Result<(), Error> {
        match self {
            Record::Key(b) => {
                b.key
                    .parse::<crate::keys::VerifierKey>()
                    .map_err(|e| Error::field("body.key", e.to_string()))?;
                if b.roles.is_empty() {
                    return Err(Error::field("body.roles", "at least one role is required"));
                }
                if !b.roles.windows(2).all(|w| w[0] < w[1]) {
                    return Err(Error::field(
                        "body.roles",
                        "roles must be sorted and distinct",
                    ));
                }
                opt_text("body.holder", b.holder.as_deref(), limits::MAX_NAME)?;
                if let Some(old) = &b.replaces {
                    old.parse::<crate::keys::VerifierKey>()
                        .map_err(|e| Error::field("body.replaces", e.to_string()))?;
                    if *old == b.key {
                        return Err(Error::field("body.replaces", "a key cannot replace itself"));
                    }
                }
            }
            Record::Source(b) => check_source("body", b)?,
            Record::Claim(b) => check_claim("body", b)?,
            Record::Verdict(b) => {
                if b.confidence > 100 {
                    return Err(Error::field("body.confidence", "must be 0-100"));
                }
                text("body.rationale", &b.rationale, limits::MAX_TEXT)?;
                if b.evidence.len() > limits::MAX_EVIDENCE {
                    return Err(Error::field(
                        "body.evidence",
                        format!("at most {} items", limits::MAX_EVIDENCE),
                    ));
                }
                for (i, e) in b.evidence.iter().enumerate() {
                    text(&format!("body.evidence[{i}]"), e, limits::MAX_URL)?;
                }
                if b.supersedes == Some(b.claim) {
                    return Err(Error::field(
                        "body.supersedes",
                        "must name a verdict, not the claim",
                    ));
                }
                if let Some(r) = &b.review {
                    text("body.review.by", &r.by, limits::MAX_NAME)?;
                    if let Some(site) = &r.site {
                        check_url("body.review.site", site)?;
                    }
                    text("body.review.url", &r.url, limits::MAX_URL)?;
                    if let Some(d) = &r.date {
                        check_date("body.review.date", d)?;
                    }
                }
            }
            Record::Relation(b) => {
                if b.from == b.to {
                    return Err(Error::field(
                        "body.to",
                        "a claim cannot be related to itself",
                    ));
                }
                opt_text("body.note", b.note.as_deref(), limits::MAX_TEXT)?;
            }
            Record::Amendment(b) => {
                text("body.reason", &b.reason, limits::MAX_TEXT)?;
                match &b.change {
                    Change::Retract => {}
                    Change::Reattribute { chain } => check_chain("body.change.chain", chain)?,
                    Change::CorrectClaim { claim } => check_claim("body.change.claim", claim)?,
                    Change::CorrectSource { source } => check_source("body.change.source", source)?,
                }
            }
            Record::Prior(b) => text("body.reason", &b.reason, limits::MAX_TEXT)?,
            Record::Trust(b) => text("body.reason", &b.reason, limits::MAX_TEXT)?,
            Record::Revocation(b) => {
                b.key
                    .parse::<crate::keys::VerifierKey>()
                    .map_err(|e| Error::field("body.key", e.to_string()))?;
                if let Some(since) = &b.since {
                    crate::time::Timestamp::parse(since)
                        .map_err(|e| Error::field("body.since", e.to_string()))?;
                    if b.reason != RevocationReason::Compromised {
                        return Err(Error::field(
                            "body.since",
                            "only a compromised key is revoked from an earlier time",
                        ));
                    }
                }
            }
        }
        Ok(())
    }
}

/// A record's body, serialised as the body type it holds (see
/// [`Record::body`]).
pub(crate) struct BodyRef<'a>(&'a Record);

impl Serialize for BodyRef<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self.0 {
            Record::Key(b) => b.serialize(s),
            Record::Source(b) => b.serialize(s),
            Record::Claim(b) => b.serialize(s),
            Record::Verdict(b) => b.serialize(s),
            Record::Relation(b) => b.serialize(s),
            Record::Amendment(b) => b.serialize(s),
            Record::Prior(b) => b.serialize(s),
            Record::Revocation(b) => b.serialize(s),
            Record::Trust(b) => b.serialize(s),
        }
    }
}

fn text(field: &str, s: &str, max: usize) -> Result<(), Error> {
    if s.trim().is_empty() {
        return Err(Error::field(field, "must not be empty"));
    }
    if s.len() > max {
        return Err(Error::field(
            field,
            format!("is {} bytes; the limit is {max}", s.len()),
        ));
    }
    if !is_nfc(s) {
        return Err(Error::field(field, "text is not in Unicode NFC"));
    }
    Ok(())
}

fn opt_text(field: &str, s: Option<&str>, max: usize) -> Result<(), Error> {
    s.map_or(Ok(()), |s| text(field, s, max))
}

/// A BCP-47 tag, checked for shape: 2-8 letters, then `-`-separated
/// subtags of 1-8 letters or digits.
pub fn check_lang(field: &str, tag: &str) -> Result<(), Error> {
    let mut parts = tag.split('-');
    let first_ok = parts
        .next()
        .is_some_and(|p| (2..=8).contains(&p.len()) && p.bytes().all(|b| b.is_ascii_alphabetic()));
    let rest_ok =
        parts.all(|p| (1..=8).contains(&p.len()) && p.bytes().all(|b| b.is_ascii_alphanumeric()));
    if !first_ok || !rest_ok || tag.len() > 35 {
        return Err(Error::field(
            field,
            format!("`{tag}` is not a BCP-47 language tag"),
        ));
    }
    Ok(())
}

fn check_url(field: &str, url: &str) -> Result<(), Error> {
    text(field, url, limits::MAX_URL)?;
    let ok = (url.starts_with("https://") || url.starts_with("http://"))
        && !url.chars().any(|c| c.is_whitespace() || c.is_control());
    if !ok {
        return Err(Error::field(
            field,
            format!("`{url}` is not an http(s) URL"),
        ));
    }
    Ok(())
}

/// A date `YYYY-MM-DD` or a UTC time `YYYY-MM-DDTHH:MM:SSZ`.
fn check_date(field: &str, s: &str) -> Result<(), Error> {
    match crate::time::Timestamp::parse_date_or_time(s) {
        Ok(_) => Ok(()),
        Err(_) => Err(Error::field(
            field,
            format!("`{s}` is not YYYY-MM-DD or YYYY-MM-DDTHH:MM:SSZ"),
        )),
    }
}

fn check_source(at: &str, b: &SourceBody) -> Result<(), Error> {
    text(&format!("{at}.name"), &b.name, limits::MAX_NAME)?;
    if let Some(u) = &b.url {
        check_url(&format!("{at}.url"), u)?;
    }
    if let Some(l) = &b.language {
        check_lang(&format!("{at}.language"), l)?;
    }
    if b.affiliations.len() > limits::MAX_AFFILIATIONS {
        return Err(Error::field(
            format!("{at}.affiliations"),
            format!("at most {} affiliations", limits::MAX_AFFILIATIONS),
        ));
    }
    if !b.affiliations.windows(2).all(|w| w[0] < w[1]) {
        return Err(Error::field(
            format!("{at}.affiliations"),
            "affiliations must be sorted and distinct",
        ));
    }
    if b.affiliations.contains(&b.id) {
        return Err(Error::field(
            format!("{at}.affiliations"),
            "a source cannot be affiliated with itself",
        ));
    }
    opt_text(
        &format!("{at}.description"),
        b.description.as_deref(),
        limits::MAX_NAME,
    )
}

fn check_chain(at: &str, chain: &[Hop]) -> Result<(), Error> {
    if chain.is_empty() {
        return Err(Error::field(at, "needs at least the publisher"));
    }
    if chain.len() > limits::MAX_CHAIN {
        return Err(Error::field(
            at,
            format!("{} hops; the limit is {}", chain.len(), limits::MAX_CHAIN),
        ));
    }
    for (i, hop) in chain.iter().enumerate() {
        let first = i == 0;
        if first != (hop.relation == HopRelation::Reported) {
            return Err(Error::field(
                format!("{at}[{i}].relation"),
                "the first hop, and only the first, is `reported`",
            ));
        }
        if chain[..i].iter().any(|h| h.source == hop.source) {
            return Err(Error::field(
                format!("{at}[{i}].source"),
                format!("`{}` appears twice in the chain", hop.source),
            ));
        }
    }
    Ok(())
}

fn check_claim(at: &str, b: &ClaimBody) -> Result<(), Error> {
    text(&format!("{at}.text"), &b.text, limits::MAX_TEXT)?;
    check_lang(&format!("{at}.lang"), &b.lang)?;
    opt_text(&format!("{at}.quote"), b.quote.as_deref(), limits::MAX_TEXT)?;
    if b.translations.len() > limits::MAX_TRANSLATIONS {
        return Err(Error::field(
            format!("{at}.translations"),
            format!("at most {} translations", limits::MAX_TRANSLATIONS),
        ));
    }
    for (i, t) in b.translations.iter().enumerate() {
        check_lang(&format!("{at}.translations[{i}].lang"), &t.lang)?;
        text(
            &format!("{at}.translations[{i}].text"),
            &t.text,
            limits::MAX_TEXT,
        )?;
        if t.lang.eq_ignore_ascii_case(&b.lang)
            || b.translations[..i]
                .iter()
                .any(|o| o.lang.eq_ignore_ascii_case(&t.lang))
        {
            return Err(Error::field(
                format!("{at}.translations[{i}].lang"),
                format!("a second text in `{}`", t.lang),
            ));
        }
    }
    check_chain(&format!("{at}.chain"), &b.chain)?;
    check_date(&format!("{at}.appeared.date"), &b.appeared.date)?;
    if let Some(u) = &b.appeared.url {
        check_url(&format!("{at}.appeared.url"), u)?;
    }
    opt_text(
        &format!("{at}.appeared.venue"),
        b.appeared.venue.as_deref(),
        limits::MAX_NAME,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    // Each list's names are serde's, without repeats, and read back by
    // `FromStr`.
    #[test]
    fn wire_names_read_back() {
        fn check<T>(all: &[T], name: fn(T) -> &'static str)
        where
            T: Copy + PartialEq + std::fmt::Debug + Serialize + std::str::FromStr,
        {
            let mut seen = std::collections::HashSet::new();
            for &v in all {
                let wire = serde_json::to_value(v).unwrap_or_default();
                assert_eq!(wire.as_str(), Some(name(v)), "{v:?}");
                assert!(seen.insert(name(v)), "{v:?} twice");
                assert!(name(v).parse::<T>().ok() == Some(v), "{v:?}");
            }
            assert!("nonsense".parse::<T>().is_err());
        }
        check(&Rating::ALL, Rating::as_str);
        check(&SourceKind::ALL, SourceKind::as_str);
        check(&ClaimRelation::ALL, ClaimRelation::as_str);
        assert_eq!(
            "maybe".parse::<Rating>().map_err(|e| e.to_string()).err(),
            Some(
                "field `rating`: `maybe` is not a rating (true, mostly-true, mixed, \
                 mostly-false, false, unverifiable, misattributed)"
                    .to_owned()
            )
        );
    }

    // `trust` bodies: read back, closed, their reason held to the limits of
    // a prior's; only an admin writes them. A key's `org` is omitted when
    // absent.
    #[test]
    fn trust_bodies_and_key_organisations() {
        use serde_json::json;
        let body = json!({"checker": "verifica-desk", "grade": "B", "reason": "Kept its code."});
        let r = Record::from_body(Kind::Trust, body.clone()).unwrap();
        assert_eq!(r.kind(), Kind::Trust);
        assert!(r.check().is_ok());
        assert_eq!(r.body_value().unwrap(), body);
        let refused = |b: serde_json::Value| {
            Record::from_body(Kind::Trust, b)
                .and_then(|r| r.check())
                .unwrap_err()
                .field_name()
                .map(str::to_owned)
        };
        let mut extra = body.clone();
        extra["source"] = json!("x");
        assert_eq!(refused(extra).as_deref(), Some("body"));
        let mut bad = body.clone();
        bad["checker"] = json!("Verifica Desk");
        assert_eq!(refused(bad).as_deref(), Some("body"));
        for reason in [
            json!(""),
            json!(" "),
            json!("x".repeat(limits::MAX_TEXT + 1)),
        ] {
            let mut b = body.clone();
            b["reason"] = reason;
            assert_eq!(refused(b).as_deref(), Some("body.reason"));
        }
        let mut at_limit = body;
        at_limit["reason"] = json!("x".repeat(limits::MAX_TEXT));
        assert!(accepted(at_limit));
        assert!(Role::Admin.may_write(Kind::Trust));
        for role in [Role::Editor, Role::FactChecker, Role::Auditor] {
            assert!(!role.may_write(Kind::Trust), "{role:?}");
        }
        assert_eq!(
            serde_json::from_value::<Kind>(json!("trust")).ok(),
            Some(Kind::Trust)
        );
        assert_eq!(Kind::Trust.as_str(), "trust");

        let key = json!({"key": "k", "roles": ["fact-checker"], "org": "verifica-desk"});
        let Ok(Record::Key(k)) = Record::from_body(Kind::Key, key) else {
            panic!("a key body with org")
        };
        assert_eq!(k.org.as_ref().map(OrgId::as_str), Some("verifica-desk"));
        let plain = KeyBody { org: None, ..k };
        assert!(serde_json::to_value(&plain).unwrap().get("org").is_none());
    }

    fn accepted(b: serde_json::Value) -> bool {
        Record::from_body(Kind::Trust, b)
            .and_then(|r| r.check())
            .is_ok()
    }

    // Regression: chrono alone accepted `2025-2-18`, ` 2025-2-18` and `+2025-2-18`.
    #[test]
    fn publication_dates_have_one_shape() {
        assert!(check_date("d", "2025-02-18").is_ok());
        assert!(check_date("d", "2025-02-18T09:00:00Z").is_ok());
        for bad in [
            " 2025-2-18",
            "\t2025-2-18",
            "+2025-2-18",
            "2025- 2-18",
            "2025-2-18",
            "2025-02-30",
        ] {
            assert!(check_date("d", bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn language_tags_are_checked_for_shape() {
        assert!(check_lang("l", "ar").is_ok());
        assert!(check_lang("l", "en-GB").is_ok());
        for bad in ["", "a", "en_GB", "en--GB", "toolongtag1"] {
            assert!(check_lang("l", bad).is_err(), "{bad:?}");
        }
    }
}
