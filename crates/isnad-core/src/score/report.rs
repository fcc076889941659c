//! What scoring publishes: a score per source and per claim, the Admiralty
//! grades and digits, and the explanations behind each number.

use serde::Serialize;

use crate::ids::{EntryHash, Seq, SourceId};
use crate::record::{Grade, Rating};
use crate::time::Timestamp;

use super::fixed::Micro;
use super::opinion::Published;

/// A source's credibility.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct SourceScore {
    /// The source.
    pub id: SourceId,
    /// Its `source` entry.
    pub entry: EntryHash,
    /// Unnamed sources (kind `anonymous`, as the source stands after
    /// corrections). They take no evidence: see `docs/SCORING.md`.
    pub anonymous: bool,
    /// The source record has been retracted. It is still scored, since
    /// claims may still name it.
    pub retracted: bool,
    /// The editor's prior grade that sets the base rate, if any.
    pub prior: Option<Grade>,
    /// Positive evidence r, after decay.
    pub r: Micro,
    /// Negative evidence s, after decay.
    pub s: Micro,
    /// The opinion (b, d, u, a, E).
    pub opinion: Published,
    /// Admiralty reliability grade.
    pub grade: Grade,
    /// How many verdicts moved its evidence.
    pub verdicts: u32,
}

/// A claim's credibility: the credibility of its story (every report of it
/// and every verdict on any of them), shown on each claim of the story.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ClaimScore {
    /// The claim's entry id.
    pub claim: EntryHash,
    /// Its position in the ledger.
    pub seq: Seq,
    /// The first claim (in ledger order) of its story.
    pub story: EntryHash,
    /// The fused opinion (b, d, u, a, E).
    pub opinion: Published,
    /// Reports (claims) in the story.
    pub reports: u32,
    /// Distinct named origins the reports trace back to.
    pub origins: u32,
    /// Independent confirmations: the named origins plus the fact-checkers
    /// with a counting true or mostly-true verdict on the story.
    pub confirmations: u32,
    /// The Admiralty credibility digit.
    pub credibility: Credibility,
    /// Circular reporting: two or more reports and at most one named origin.
    pub circular: bool,
}

/// Admiralty (STANAG 2511) information-credibility rating, 1 to 6.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Credibility {
    /// 1: confirmed by other sources.
    Confirmed = 1,
    /// 2: probably true.
    ProbablyTrue = 2,
    /// 3: possibly true.
    PossiblyTrue = 3,
    /// 4: doubtful.
    Doubtful = 4,
    /// 5: improbable.
    Improbable = 5,
    /// 6: truth cannot be judged.
    CannotBeJudged = 6,
}

/// Serialises as its digit.
impl Serialize for Credibility {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_u8(self.digit())
    }
}

impl Credibility {
    /// The digit, 1-6.
    pub fn digit(self) -> u8 {
        self as u8
    }

    /// The Admiralty wording.
    pub fn wording(self) -> &'static str {
        match self {
            Credibility::Confirmed => "confirmed by other sources",
            Credibility::ProbablyTrue => "probably true",
            Credibility::PossiblyTrue => "possibly true",
            Credibility::Doubtful => "doubtful",
            Credibility::Improbable => "improbable",
            Credibility::CannotBeJudged => "truth cannot be judged",
        }
    }
}

/// The Admiralty wording of a reliability grade.
pub fn grade_wording(g: Grade) -> &'static str {
    match g {
        Grade::A => "completely reliable",
        Grade::B => "usually reliable",
        Grade::C => "fairly reliable",
        Grade::D => "not usually reliable",
        Grade::E => "unreliable",
        Grade::F => "reliability cannot be judged",
    }
}

/// Whether a verdict counts, and if not, why.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum VerdictStatus {
    /// It counts.
    Counts,
    /// Its signer is not enrolled with the fact-checker role.
    NotFactChecker,
    /// Its signer's key was revoked as compromised from a time at or
    /// before the verdict's.
    KeyCompromised,
    /// An amendment retracted it.
    Retracted,
    /// A later verdict by the same signer superseded it.
    Superseded {
        /// The superseding verdict.
        by: EntryHash,
    },
    /// The claim it rates has been retracted.
    ClaimRetracted,
}

/// How a verdict moved a source's evidence.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum EvidenceRole {
    /// The source is the claim's originator: the full weight.
    Originator,
    /// The source relayed the claim: the relay share ρ.
    Relay,
    /// The source is the nearest named relay before an anonymous origin and
    /// vouches for it: the originator's full weight instead of ρ.
    VouchesForAnonymous,
    /// The verdict is `misattributed` and this hop made the attribution:
    /// s += w.
    MadeMisattribution,
}

/// One verdict's effect on one source.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct EvidenceItem {
    /// The verdict.
    pub verdict: EntryHash,
    /// The claim it rates.
    pub claim: EntryHash,
    /// The signing key's name.
    pub signer: String,
    /// The rating.
    pub rating: Rating,
    /// The confidence, percent.
    pub confidence: u8,
    /// When the verdict was signed.
    pub time: Timestamp,
    /// Its age at the as-of time, seconds.
    pub age_secs: u64,
    /// 2^(−age/half-life).
    pub decay: Micro,
    /// Weight w = confidence/100 × decay.
    pub weight: Micro,
    /// The source's role in the claim's chain.
    pub role: EvidenceRole,
    /// The share of w the role takes (1, or ρ for a relay).
    pub share: Micro,
    /// Added to r.
    pub r: Micro,
    /// Added to s.
    pub s: Micro,
}

/// Why a verdict on a claim that names a source gave it no evidence.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum NoShare {
    /// The verdict does not count.
    Status(VerdictStatus),
    /// `unverifiable` gives no evidence.
    Unverifiable,
    /// `misattributed` charges only the hop that made the attribution.
    Misattribution,
    /// Anonymous sources take no evidence.
    Anonymous,
}

/// A verdict on a claim naming the source that did not move its evidence.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct UnmovedItem {
    /// The verdict.
    pub verdict: EntryHash,
    /// The claim it rates.
    pub claim: EntryHash,
    /// The rating.
    pub rating: Rating,
    /// Why it gave nothing.
    pub why: NoShare,
}

/// Everything behind a source's score.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct SourceExplanation {
    /// The score.
    pub score: SourceScore,
    /// Every verdict that moved its evidence, in ledger order.
    pub evidence: Vec<EvidenceItem>,
    /// Verdicts on claims naming it (in their current chain) that did not,
    /// in ledger order.
    pub unmoved: Vec<UnmovedItem>,
}

/// One report of a story.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ReportItem {
    /// The claim.
    pub claim: EntryHash,
    /// Its chain as it stands (publisher first).
    pub chain: Vec<SourceId>,
    /// The claim it derives from, if a `derived-from` relation says so.
    pub derived_from: Option<EntryHash>,
    /// A counting `misattributed` verdict makes its origin unknown.
    pub misattributed: bool,
    /// The hops whose trust discounts the report: the chain before the
    /// origin, or the whole chain when the origin comes through
    /// `derived-from`.
    pub relays: Vec<SourceId>,
    /// The named origin it traces back to; `None` when anonymous or unknown.
    pub origin: Option<SourceId>,
    /// Trust T, the product of the relays' expected values.
    pub trust: Micro,
    /// The origin's opinion discounted by T (vacuous without a named origin).
    pub opinion: Published,
}

/// The reports of a story that share one named origin, fused by averaging.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct OriginItem {
    /// The origin.
    pub source: SourceId,
    /// How many reports trace back to it.
    pub reports: u32,
    /// Their averaged opinion.
    pub opinion: Published,
}

/// A verdict on a claim of the story, as it enters the claim's credibility.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ClaimVerdictItem {
    /// The verdict.
    pub verdict: EntryHash,
    /// The claim it rates.
    pub claim: EntryHash,
    /// The signing key's name, when the key is enrolled.
    pub signer: Option<String>,
    /// The rating.
    pub rating: Rating,
    /// The confidence, percent.
    pub confidence: u8,
    /// Whether it counts.
    pub status: VerdictStatus,
    /// Weight w after decay (0 when it does not count).
    pub weight: Micro,
    /// Evidence for the claim, verdict weight × w × x.
    pub r: Micro,
    /// Evidence against, verdict weight × w × (1 − x).
    pub s: Micro,
    /// A counting true or mostly-true verdict: an independent confirmation.
    pub confirms: bool,
}

/// Everything behind a claim's credibility.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ClaimExplanation {
    /// The score.
    pub score: ClaimScore,
    /// Every report of the story, in ledger order.
    pub reports: Vec<ReportItem>,
    /// The named origins, by slug, each with its averaged reports.
    pub origins: Vec<OriginItem>,
    /// Every verdict on a claim of the story, in ledger order.
    pub verdicts: Vec<ClaimVerdictItem>,
    /// The opinion from the counting verdicts' evidence, if there is any.
    pub verdict_opinion: Option<Published>,
}
