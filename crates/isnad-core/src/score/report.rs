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
    /// Admiralty reliability grade, from evidence alone: F ("cannot be
    /// judged") until there is a unit of it, whatever the prior says; A
    /// and E only with at least two checkers leaning that way.
    pub grade: Grade,
    /// The lower bound that ranks sources: the belief b, which only
    /// evidence raises (a prior adds nothing to it).
    pub lower: Micro,
    /// How many verdicts (one per checker per claim) moved its evidence.
    pub verdicts: u32,
    /// How many checkers those verdicts come from.
    pub checkers: u32,
}

impl SourceScore {
    /// The grade as people read it: `"C, 3 verdicts, 1 checker"`, or
    /// `"A, prior only"` for an editor's prior with no evidence behind it.
    pub fn grade_text(&self) -> String {
        let plural = |n: u32, one: &str| {
            if n == 1 {
                format!("{n} {one}")
            } else {
                format!("{n} {one}s")
            }
        };
        match self.prior {
            Some(p) if self.grade == Grade::F && self.r.0 + self.s.0 < super::fixed::ONE => {
                let ev = if self.verdicts == 0 {
                    String::new()
                } else {
                    format!(
                        " ({} from {})",
                        plural(self.verdicts, "verdict"),
                        plural(self.checkers, "checker")
                    )
                };
                format!("{}, prior only{ev}", p.as_str())
            }
            _ => format!(
                "{}, {}, {}",
                self.grade.as_str(),
                plural(self.verdicts, "verdict"),
                plural(self.checkers, "checker")
            ),
        }
    }
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
    /// Reports of the story whose origin is unknown (anonymous, or
    /// misattributed).
    pub unknown: u32,
    /// Independent confirmations beyond the first account: named origins
    /// after the first, plus the checkers whose voice on the story is true
    /// or mostly true.
    pub confirmations: u32,
    /// Checkers with a voice (their latest counting verdict) on the story.
    pub checkers: u32,
    /// The verdicts' opinion on the story (truth alone, no decay), if any
    /// checker gave a value rating.
    pub truth: Option<Published>,
    /// How much the checkers' value ratings disagree, 0 to 1 (millionths).
    pub conflict: Micro,
    /// Checkers disagree: one rates it true or mostly true, another false
    /// or mostly false.
    pub disputed: bool,
    /// The Admiralty credibility digit, from the information alone
    /// (verdicts and corroboration), never from the source.
    pub credibility: Credibility,
    /// The Admiralty reliability letter of this report's origin, graded
    /// without the story's own verdicts so that letter and digit stay
    /// independent (F when the origin is unknown).
    pub letter: Grade,
    /// This report's named origin, if any.
    pub origin: Option<SourceId>,
    /// A counting `misattributed` verdict says this source, the chain's
    /// originator, did not say it.
    pub misattributed: Option<SourceId>,
    /// Circular reporting: two or more reports of the story trace back to
    /// the same named origin.
    pub circular: bool,
    /// Two or more reports, some of unknown origin: whether they are
    /// independent cannot be told.
    pub independence_unknown: bool,
}

impl ClaimScore {
    /// The Admiralty pair, letter then digit: `"C3"`.
    pub fn pair(&self) -> String {
        format!("{}{}", self.letter.as_str(), self.credibility.digit())
    }
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
    /// before the verdict's, or was enrolled by a key that was.
    KeyCompromised,
    /// An amendment retracted it.
    Retracted,
    /// A later counting verdict by the same checker on the same claim is
    /// its voice now.
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
    /// The checker it speaks for.
    pub checker: String,
    /// The rating.
    pub rating: Rating,
    /// The confidence, percent.
    pub confidence: u8,
    /// When the source made the statement (the claim's date): evidence
    /// about a source ages from then.
    pub said: Timestamp,
    /// The statement's age at the as-of time, seconds.
    pub age_secs: u64,
    /// 2^(−age/half-life).
    pub decay: Micro,
    /// 1 − conflict/2 of the claim's story: a dispute moves a source less.
    pub dispute: Micro,
    /// Weight w = confidence/100 × decay × dispute.
    pub weight: Micro,
    /// The source's role in the claim's chain.
    pub role: EvidenceRole,
    /// The share of w the role takes (1, or ρ for a relay).
    pub share: Micro,
    /// Added to the checker's r before saturation.
    pub r: Micro,
    /// Added to the checker's s before saturation.
    pub s: Micro,
}

/// What one checker's verdicts add up to for one source.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct CheckerShare {
    /// The checker.
    pub checker: String,
    /// Its verdicts that moved the source.
    pub verdicts: u32,
    /// Their r and s before saturation.
    pub raw_r: Micro,
    /// See `raw_r`.
    pub raw_s: Micro,
    /// K / (n + K), n = raw_r + raw_s: what is left after saturation.
    pub saturation: Micro,
    /// The checker's weight.
    pub weight: Micro,
    /// r after saturation and weight: raw_r × saturation × weight.
    pub r: Micro,
    /// s after saturation and weight.
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
    /// Each checker's part, by checker name: the sums of `r`, `s` are the
    /// source's.
    pub checkers: Vec<CheckerShare>,
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
    /// The origin's reliability letter without the story's own verdicts
    /// (F when unknown).
    pub letter: Grade,
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
    /// The checker it speaks for, when its signer is a fact-checker.
    pub checker: Option<String>,
    /// The rating.
    pub rating: Rating,
    /// The confidence, percent.
    pub confidence: u8,
    /// Whether it counts.
    pub status: VerdictStatus,
    /// It is its checker's voice on the story (its latest counting verdict
    /// on any claim of the story).
    pub voice: bool,
    /// The checker's weight (0 when not a voice).
    pub weight: Micro,
    /// Evidence for the claim, verdict weight × confidence × checker
    /// weight × x (no decay: truth does not age).
    pub r: Micro,
    /// Evidence against, the same × (1 − x).
    pub s: Micro,
    /// A true or mostly-true voice: an independent confirmation.
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

/// A checker organisation (or a lone key) and the weight of its word.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct CheckerScore {
    /// An organisation id, or `name+keyid` for a key no organisation holds.
    pub id: String,
    /// `id` names an organisation.
    pub organisation: bool,
    /// The names of its keys, in enrolment order (rotations included).
    pub keys: Vec<String>,
    /// The admin's `trust` grade, if any.
    pub prior: Option<Grade>,
    /// The prior weight p it starts from (from `prior`, or the default).
    pub prior_weight: Micro,
    /// Stories it shares with other checkers' value verdicts.
    pub shared: u32,
    /// Agreement α with the others over those stories.
    pub agree: Micro,
    /// Disagreement δ.
    pub disagree: Micro,
    /// Its weight: (α + P·p) / (α + δ + P).
    pub weight: Micro,
    /// Its voices (latest counting verdict per claim).
    pub voices: u32,
}

/// One story a checker shares with others, and how far it agreed.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct AgreementItem {
    /// The story's first claim.
    pub story: EntryHash,
    /// The checker's voice there.
    pub verdict: EntryHash,
    /// Its rating.
    pub rating: Rating,
    /// The other checkers with a value voice on the story.
    pub others: Vec<String>,
    /// What the story added to the checker's agreement α: the consensus
    /// strength times how far its rating sides with it.
    pub agree: Micro,
    /// What it added to the disagreement δ.
    pub disagree: Micro,
}

/// Everything behind a checker's weight.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct CheckerExplanation {
    /// The score.
    pub score: CheckerScore,
    /// Every shared story, in story order.
    pub stories: Vec<AgreementItem>,
}
