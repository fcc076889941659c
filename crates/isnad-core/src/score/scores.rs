//! The scores of a replay, and the explanations behind them.
//!
//! [`Scores::compute`] runs once the fold is over, in this order: what
//! stands ([`Standing`]), each verdict's weight after decay, each source's
//! evidence and opinion, then stories and each story's credibility, which
//! reads the sources' published figures. Explanations recompute one source
//! or story with the same functions, so they always add up to the score.

use crate::ids::{EntryHash, Seq, SourceId};
use crate::record::{Grade, Rating};
use crate::time::Timestamp;

use super::decay::Decay;
use super::evidence::{quarters, shares, split, weight};
use super::facts::{Facts, Ix, Node};
use super::fixed::{Micro, ONE, div_round};
use super::opinion::{Opinion, Published, fuse_averaging, fuse_cumulative};
use super::params::Params;
use super::report::{
    ClaimExplanation, ClaimScore, ClaimVerdictItem, Credibility, EvidenceItem, NoShare, OriginItem,
    ReportItem, SourceExplanation, SourceScore, UnmovedItem, VerdictStatus,
};
use super::resolve::Standing;
use super::stories::{Links, Origin};

/// Everything a replay computed: a score for every source and every claim
/// that stands, with explanations on demand.
pub struct Scores {
    params: Params,
    facts: Facts,
    standing: Standing,
    links: Links,
    decay: Decay,
    decay_time: Option<Timestamp>,
    /// Weight of each verdict after decay; 0 when it does not count.
    weights: Vec<Micro>,
    /// Verdicts grouped by claim: `by_claim[start[c]..start[c + 1]]`.
    by_claim: Vec<Ix>,
    by_claim_start: Vec<u32>,
    /// Indexed like `facts.sources`.
    sources: Vec<SourceScore>,
    /// Indexed like `facts.claims`; `None` when retracted.
    claims: Vec<Option<ClaimScore>>,
}

/// A story's credibility, worked out.
struct StoryCalc {
    reports: Vec<ReportCalc>,
    groups: Vec<GroupCalc>,
    verdicts: Vec<VerdictCalc>,
    verdict_opinion: Option<Opinion>,
    fused: Opinion,
    confirmations: u32,
}

struct ReportCalc {
    claim: Ix,
    origin: Origin,
    trust: f64,
    opinion: Opinion,
}

struct GroupCalc {
    source: Ix,
    reports: u32,
    opinion: Opinion,
}

struct VerdictCalc {
    verdict: Ix,
    status: VerdictStatus,
    r: Micro,
    s: Micro,
    confirms: bool,
}

impl Scores {
    pub(crate) fn compute(params: Params, facts: Facts, decay_time: Option<Timestamp>) -> Scores {
        let standing = Standing::resolve(&facts);
        let decay = Decay::new(params.half_life_secs);
        let weights = facts
            .verdicts
            .iter()
            .enumerate()
            .map(|(v, fact)| match standing.verdict_status(&facts, v as Ix) {
                VerdictStatus::Counts => {
                    weight(fact.confidence, decay.factor(age(fact.time, decay_time)))
                }
                _ => Micro::ZERO,
            })
            .collect();
        let links = Links::build(&facts, &standing);

        let mut by_claim: Vec<Ix> = (0..facts.verdicts.len() as Ix).collect();
        by_claim.sort_by_key(|&v| (facts.verdicts[v as usize].claim, v));
        let mut by_claim_start = vec![0u32; facts.claims.len() + 1];
        for &v in &by_claim {
            by_claim_start[facts.verdicts[v as usize].claim as usize + 1] += 1;
        }
        for c in 0..facts.claims.len() {
            by_claim_start[c + 1] += by_claim_start[c];
        }

        let mut scores = Scores {
            params,
            facts,
            standing,
            links,
            decay,
            decay_time,
            weights,
            by_claim,
            by_claim_start,
            sources: Vec::new(),
            claims: Vec::new(),
        };
        scores.sources = scores.source_scores();
        scores.claims = scores.claim_scores();
        scores
    }

    // -----------------------------------------------------------------------
    // Sources

    fn source_scores(&self) -> Vec<SourceScore> {
        let (f, st) = (&self.facts, &self.standing);
        let n = f.sources.len();
        let (mut r, mut s, mut moved) = (vec![0u64; n], vec![0u64; n], vec![0u32; n]);
        for (v, fact) in f.verdicts.iter().enumerate() {
            let w = self.weights[v];
            if st.verdict_status(f, v as Ix) != VerdictStatus::Counts {
                continue;
            }
            let chain = st.chain(f, fact.claim);
            let q = quarters(fact.rating).unwrap_or(0);
            let rho = self.params.relay_share;
            shares(
                chain,
                |h| st.anonymous(h),
                fact.rating,
                rho,
                |sh| {
                    let src = chain[sh.hop].source as usize;
                    let (dr, ds) = split(w, q, sh.share);
                    r[src] = r[src].saturating_add(dr.0);
                    s[src] = s[src].saturating_add(ds.0);
                    moved[src] += 1;
                },
            );
        }
        f.sources
            .iter()
            .enumerate()
            .map(|(i, src)| {
                let prior = st.prior[i];
                let a = self.params.base_rate(prior);
                let (r, s) = (Micro(r[i]), Micro(s[i]));
                let opinion = source_opinion(r, s, self.params.prior_weight, a);
                SourceScore {
                    id: src.id.clone(),
                    entry: src.entry,
                    anonymous: st.source_anonymous[i],
                    retracted: st.source_retracted[i],
                    prior,
                    r,
                    s,
                    grade: reliability(r, s, opinion.e),
                    opinion,
                    verdicts: moved[i],
                }
            })
            .collect()
    }

    // -----------------------------------------------------------------------
    // Claims

    fn claim_scores(&self) -> Vec<Option<ClaimScore>> {
        let f = &self.facts;
        let mut out: Vec<Option<ClaimScore>> = vec![None; f.claims.len()];
        let members = &self.links.members;
        let mut start = 0;
        while start < members.len() {
            let story = self.links.story_of(members[start]);
            let calc = self.story_calc(story, false);
            let origins = calc.groups.len() as u32;
            let reports = story.len() as u32;
            let opinion = calc.fused.publish();
            let first = f.claims[story[0] as usize].entry;
            for &c in story {
                let fact = &f.claims[c as usize];
                out[c as usize] = Some(ClaimScore {
                    claim: fact.entry,
                    seq: fact.seq,
                    story: first,
                    opinion,
                    reports,
                    origins,
                    confirmations: calc.confirmations,
                    credibility: credibility(&opinion, calc.confirmations),
                    circular: reports >= 2 && origins <= 1,
                });
            }
            start += story.len();
        }
        out
    }

    fn source_opinion_of(&self, s: Ix) -> Opinion {
        let p = &self.sources[s as usize].opinion;
        Opinion::from_micro(p.b, p.d, p.u, p.a)
    }

    fn verdicts_on(&self, c: Ix) -> &[Ix] {
        let (a, b) = (
            self.by_claim_start[c as usize],
            self.by_claim_start[c as usize + 1],
        );
        &self.by_claim[a as usize..b as usize]
    }

    /// The credibility of the story made of `members`. With `detail`, also
    /// the per-report and per-verdict figures an explanation shows.
    fn story_calc(&self, members: &[Ix], detail: bool) -> StoryCalc {
        let (f, st) = (&self.facts, &self.standing);
        let a = self.params.claim_base_rate.to_f64();

        let mut reports = Vec::new();
        // (origin, discounted opinion) of every report with a named origin.
        let mut named: Vec<(Ix, Opinion)> = Vec::with_capacity(members.len());
        for &c in members {
            let origin = self.links.origin[c as usize];
            let (trust, opinion) = match origin {
                Origin::Named(o) => {
                    let mut t = 1.0;
                    for h in self.links.relays(f, st, c) {
                        t *= self.sources[h.source as usize].opinion.e.to_f64();
                    }
                    let op = self.source_opinion_of(o).discount(t);
                    named.push((o, op));
                    (t, op)
                }
                Origin::Unknown => (0.0, Opinion::vacuous(a)),
            };
            if detail {
                reports.push(ReportCalc {
                    claim: c,
                    origin,
                    trust,
                    opinion,
                });
            }
        }
        // Group by origin (a stable sort keeps ledger order within a group;
        // fusion does not depend on it anyway).
        named.sort_by_key(|(o, _)| *o);
        let mut groups: Vec<GroupCalc> = named
            .chunk_by(|x, y| x.0 == y.0)
            .map(|g| {
                let ops: Vec<Opinion> = g.iter().map(|(_, op)| *op).collect();
                GroupCalc {
                    source: g[0].0,
                    reports: g.len() as u32,
                    opinion: fuse_averaging(&ops, a),
                }
            })
            .collect();
        if detail {
            groups.sort_by(|x, y| {
                f.sources[x.source as usize]
                    .id
                    .cmp(&f.sources[y.source as usize].id)
            });
        }

        let vw = u128::from(self.params.verdict_weight);
        let (mut rs, mut ss) = (0u64, 0u64);
        let mut confirmers: Vec<Option<Ix>> = Vec::new();
        let mut verdicts = Vec::new();
        let mut on_story: Vec<Ix> = members
            .iter()
            .flat_map(|&c| self.verdicts_on(c).iter().copied())
            .collect();
        on_story.sort_unstable();
        for v in on_story {
            let fact = &f.verdicts[v as usize];
            let status = st.verdict_status(f, v);
            let w = self.weights[v as usize];
            let (mut r, mut s) = (Micro::ZERO, Micro::ZERO);
            if let (VerdictStatus::Counts, Some(q)) = (status, quarters(fact.rating)) {
                let vw_w = vw * u128::from(w.0);
                r = Micro(div_round(vw_w * u128::from(q), 4));
                s = Micro(div_round(vw_w * u128::from(4 - q), 4));
                rs = rs.saturating_add(r.0);
                ss = ss.saturating_add(s.0);
            }
            let confirms = status == VerdictStatus::Counts
                && matches!(fact.rating, Rating::True | Rating::MostlyTrue)
                && w.0 > 0;
            if confirms {
                confirmers.push(fact.signer);
            }
            if detail {
                verdicts.push(VerdictCalc {
                    verdict: v,
                    status,
                    r,
                    s,
                    confirms,
                });
            }
        }
        confirmers.sort_unstable();
        confirmers.dedup();
        let verdict_opinion =
            (rs + ss > 0).then(|| Opinion::from_evidence(rs, ss, self.params.prior_weight.0, a));

        let mut all: Vec<Opinion> = groups.iter().map(|g| g.opinion).collect();
        all.extend(verdict_opinion);
        StoryCalc {
            confirmations: (groups.len() + confirmers.len()) as u32,
            fused: fuse_cumulative(&all, a),
            reports,
            groups,
            verdicts,
            verdict_opinion,
        }
    }

    // -----------------------------------------------------------------------
    // Public API

    /// Every source, in slug order.
    pub fn sources(&self) -> impl Iterator<Item = &SourceScore> {
        self.facts
            .source_index
            .values()
            .map(|&i| &self.sources[i as usize])
    }

    /// Sources ranked: highest expected value first, then more evidence
    /// (r + s) first, then by slug.
    pub fn ranked(&self) -> Vec<&SourceScore> {
        let mut v: Vec<&SourceScore> = self.sources().collect();
        v.sort_by(|x, y| {
            y.opinion
                .e
                .cmp(&x.opinion.e)
                .then((y.r.0 + y.s.0).cmp(&(x.r.0 + x.s.0)))
                .then(x.id.cmp(&y.id))
        });
        v
    }

    /// One source's score.
    pub fn source(&self, id: &SourceId) -> Option<&SourceScore> {
        let i = *self.facts.source_index.get(id)?;
        self.sources.get(i as usize)
    }

    /// Every claim that stands (not retracted), in ledger order.
    pub fn claims(&self) -> impl Iterator<Item = &ClaimScore> {
        self.claims.iter().flatten()
    }

    fn claim_ix(&self, id: &EntryHash) -> Option<Ix> {
        match self.facts.nodes.get(id)? {
            Node::Claim(c) => Some(*c),
            _ => None,
        }
    }

    /// One claim's credibility; `None` when `id` is not a claim folded by
    /// this replay, or the claim is retracted (see [`Scores::is_retracted`]).
    pub fn claim(&self, id: &EntryHash) -> Option<&ClaimScore> {
        self.claims.get(self.claim_ix(id)? as usize)?.as_ref()
    }

    /// True when `id` is a claim that has been retracted: it has no score.
    pub fn is_retracted(&self, id: &EntryHash) -> bool {
        self.claim_ix(id)
            .is_some_and(|c| self.standing.claim_retracted[c as usize])
    }

    /// The claims of `id`'s story, in ledger order (empty when `id` is not a
    /// standing claim).
    pub fn story(&self, id: &EntryHash) -> Vec<EntryHash> {
        self.claim_ix(id).map_or_else(Vec::new, |c| {
            self.links
                .story_of(c)
                .iter()
                .map(|&m| self.facts.claims[m as usize].entry)
                .collect()
        })
    }

    /// Every verdict folded, in ledger order: its id, the claim it rates
    /// and whether it counts (the one rule for which verdicts stand, used
    /// by exports as well as scores).
    pub fn verdicts(&self) -> impl Iterator<Item = (EntryHash, EntryHash, VerdictStatus)> + '_ {
        let (f, st) = (&self.facts, &self.standing);
        (0..f.verdicts.len()).map(move |v| {
            let fact = &f.verdicts[v];
            (
                fact.entry,
                f.claims[fact.claim as usize].entry,
                st.verdict_status(f, v as Ix),
            )
        })
    }

    /// The parameters the scores were computed with.
    pub fn params(&self) -> &Params {
        &self.params
    }

    /// The last entry folded (position and time), if any.
    pub fn last_entry(&self) -> Option<(Seq, Timestamp)> {
        self.facts.last
    }

    /// The as-of time decay is measured from: the time given with
    /// [`super::AsOf::Time`], else the last folded entry's time.
    pub fn decay_time(&self) -> Option<Timestamp> {
        self.decay_time
    }

    /// Explains a source's score: every verdict that moved its evidence,
    /// with its weight after decay and its share, and the verdicts on claims
    /// naming it that did not.
    pub fn explain_source(&self, id: &SourceId) -> Option<SourceExplanation> {
        let (f, st) = (&self.facts, &self.standing);
        let me = *f.source_index.get(id)?;
        let score = self.sources[me as usize].clone();
        let mut evidence = Vec::new();
        let mut unmoved = Vec::new();
        for (v, fact) in f.verdicts.iter().enumerate() {
            let chain = st.chain(f, fact.claim);
            let Some(pos) = chain.iter().position(|h| h.source == me) else {
                continue;
            };
            let claim = f.claims[fact.claim as usize].entry;
            let status = st.verdict_status(f, v as Ix);
            let mut got = None;
            if status == VerdictStatus::Counts {
                let rho = self.params.relay_share;
                shares(
                    chain,
                    |h| st.anonymous(h),
                    fact.rating,
                    rho,
                    |sh| {
                        if sh.hop == pos {
                            got = Some(sh);
                        }
                    },
                );
            }
            let why = match (status, got) {
                (VerdictStatus::Counts, Some(sh)) => {
                    let age = age(fact.time, self.decay_time);
                    let w = self.weights[v];
                    let (r, s) = split(w, quarters(fact.rating).unwrap_or(0), sh.share);
                    evidence.push(EvidenceItem {
                        verdict: fact.entry,
                        claim,
                        signer: self.signer_name(v as Ix).unwrap_or_default(),
                        rating: fact.rating,
                        confidence: fact.confidence,
                        time: fact.time,
                        age_secs: age,
                        decay: self.decay.factor(age),
                        weight: w,
                        role: sh.role,
                        share: sh.share,
                        r,
                        s,
                    });
                    continue;
                }
                (VerdictStatus::Counts, None) if st.anonymous(chain[pos]) => NoShare::Anonymous,
                (VerdictStatus::Counts, None) if fact.rating == Rating::Misattributed => {
                    NoShare::Misattribution
                }
                (VerdictStatus::Counts, None) => NoShare::Unverifiable,
                (other, _) => NoShare::Status(other),
            };
            unmoved.push(UnmovedItem {
                verdict: fact.entry,
                claim,
                rating: fact.rating,
                why,
            });
        }
        Some(SourceExplanation {
            score,
            evidence,
            unmoved,
        })
    }

    /// Explains a claim's credibility: every report of its story with its
    /// chain, trust and origin, the origins with their averaged opinions,
    /// and every verdict on the story. `None` when `id` is not a standing
    /// claim.
    pub fn explain_claim(&self, id: &EntryHash) -> Option<ClaimExplanation> {
        let (f, st) = (&self.facts, &self.standing);
        let c = self.claim_ix(id)?;
        let score = self.claims.get(c as usize)?.clone()?;
        let calc = self.story_calc(self.links.story_of(c), true);
        let slug = |s: Ix| f.sources[s as usize].id.clone();
        let reports = calc
            .reports
            .iter()
            .map(|rc| {
                let relays = self.links.relays(f, st, rc.claim);
                ReportItem {
                    claim: f.claims[rc.claim as usize].entry,
                    chain: st
                        .chain(f, rc.claim)
                        .iter()
                        .map(|h| slug(h.source))
                        .collect(),
                    derived_from: self.links.derived[rc.claim as usize]
                        .map(|t| f.claims[t as usize].entry),
                    misattributed: self.links.misattributed[rc.claim as usize],
                    relays: match rc.origin {
                        Origin::Named(_) => relays.iter().map(|h| slug(h.source)).collect(),
                        Origin::Unknown => Vec::new(),
                    },
                    origin: match rc.origin {
                        Origin::Named(o) => Some(slug(o)),
                        Origin::Unknown => None,
                    },
                    trust: Micro::from_f64(rc.trust),
                    opinion: rc.opinion.publish(),
                }
            })
            .collect();
        let origins = calc
            .groups
            .iter()
            .map(|g| OriginItem {
                source: slug(g.source),
                reports: g.reports,
                opinion: g.opinion.publish(),
            })
            .collect();
        let verdicts = calc
            .verdicts
            .iter()
            .map(|vc| {
                let fact = &f.verdicts[vc.verdict as usize];
                ClaimVerdictItem {
                    verdict: fact.entry,
                    claim: f.claims[fact.claim as usize].entry,
                    signer: self.signer_name(vc.verdict),
                    rating: fact.rating,
                    confidence: fact.confidence,
                    status: vc.status,
                    weight: self.weights[vc.verdict as usize],
                    r: vc.r,
                    s: vc.s,
                    confirms: vc.confirms,
                }
            })
            .collect();
        Some(ClaimExplanation {
            score,
            reports,
            origins,
            verdicts,
            verdict_opinion: calc.verdict_opinion.map(|o| o.publish()),
        })
    }

    fn signer_name(&self, v: Ix) -> Option<String> {
        let k = self.facts.verdicts[v as usize].signer?;
        Some(self.facts.keys[k as usize].name.to_string())
    }

    /// Sources in slug order and standing claims in id order, for the state
    /// root.
    pub(crate) fn root_order(&self) -> (Vec<&SourceScore>, Vec<&ClaimScore>) {
        let mut claims: Vec<&ClaimScore> = self.claims().collect();
        claims.sort_by_key(|c| c.claim);
        (self.sources().collect(), claims)
    }
}

/// Seconds from `t` to the as-of time (0 if `t` is not earlier).
fn age(t: Timestamp, as_of: Option<Timestamp>) -> u64 {
    as_of.map_or(0, |now| {
        u64::try_from(now.unix().saturating_sub(t.unix())).unwrap_or(0)
    })
}

/// A source's opinion from its evidence, as exact rationals rounded half up
/// to millionths: b = r/(r+s+W), d = s/(r+s+W), u = W/(r+s+W),
/// E = (r + a·W)/(r+s+W).
fn source_opinion(r: Micro, s: Micro, w: Micro, a: Micro) -> Published {
    let total = u128::from(r.0) + u128::from(s.0) + u128::from(w.0);
    let one = u128::from(ONE);
    Published {
        b: Micro(div_round(u128::from(r.0) * one, total)),
        d: Micro(div_round(u128::from(s.0) * one, total)),
        u: Micro(div_round(u128::from(w.0) * one, total)),
        a,
        e: Micro(div_round(
            u128::from(r.0) * one + u128::from(a.0) * u128::from(w.0),
            total,
        )),
    }
}

/// The Admiralty reliability grade from published figures.
fn reliability(r: Micro, s: Micro, e: Micro) -> Grade {
    if r.0.saturating_add(s.0) < ONE {
        Grade::F
    } else if e.0 >= 900_000 {
        Grade::A
    } else if e.0 >= 750_000 {
        Grade::B
    } else if e.0 >= 600_000 {
        Grade::C
    } else if e.0 >= 400_000 {
        Grade::D
    } else {
        Grade::E
    }
}

/// The Admiralty credibility digit from published figures.
fn credibility(p: &Published, confirmations: u32) -> Credibility {
    // 2/3 in millionths, rounded: u = 2/3 exactly publishes as 666 667.
    if p.u.0 > 666_667 {
        Credibility::CannotBeJudged
    } else if p.e.0 >= 750_000 && confirmations >= 2 {
        Credibility::Confirmed
    } else if p.e.0 >= 750_000 {
        Credibility::ProbablyTrue
    } else if p.e.0 >= 500_000 {
        Credibility::PossiblyTrue
    } else if p.e.0 >= 300_000 {
        Credibility::Doubtful
    } else {
        Credibility::Improbable
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn m(x: f64) -> Micro {
        Micro::from_f64(x)
    }

    // SCORING.md's source rows, in millionths: (r, s) → (b, d, u, E), grade.
    #[test]
    fn source_known_answers_exactly() {
        let w = Micro(2 * ONE);
        let half = Micro(500_000);
        let rows: [(f64, f64, [u64; 4], Grade); 5] = [
            (3.0, 1.0, [500_000, 166_667, 333_333, 666_667], Grade::C),
            (8.0, 0.0, [800_000, 0, 200_000, 900_000], Grade::A),
            (3.0, 2.0, [428_571, 285_714, 285_714, 571_429], Grade::D),
            (8.0, 0.5, [761_905, 47_619, 190_476, 857_143], Grade::B),
            // Less than one unit of evidence: cannot be judged.
            (0.9, 0.0, [310_345, 0, 689_655, 655_172], Grade::F),
        ];
        for (r, s, [b, d, u, e], grade) in rows {
            let o = source_opinion(m(r), m(s), w, half);
            assert_eq!(
                (o.b, o.d, o.u, o.e),
                (Micro(b), Micro(d), Micro(u), Micro(e)),
                "r {r} s {s}"
            );
            assert_eq!(reliability(m(r), m(s), o.e), grade, "r {r} s {s}");
        }
    }

    #[test]
    fn digits() {
        let p = |u: f64, e: f64| Published {
            u: m(u),
            e: m(e),
            ..Published::default()
        };
        assert_eq!(credibility(&p(0.7, 0.9), 5), Credibility::CannotBeJudged);
        assert_eq!(
            credibility(&p(0.666_668, 0.9), 5),
            Credibility::CannotBeJudged
        );
        assert_eq!(credibility(&p(2.0 / 3.0, 0.9), 5), Credibility::Confirmed);
        assert_eq!(credibility(&p(0.1, 0.75), 1), Credibility::ProbablyTrue);
        assert_eq!(credibility(&p(0.1, 0.5), 2), Credibility::PossiblyTrue);
        assert_eq!(credibility(&p(0.1, 0.3), 2), Credibility::Doubtful);
        assert_eq!(credibility(&p(0.1, 0.299_999), 2), Credibility::Improbable);
    }
}
