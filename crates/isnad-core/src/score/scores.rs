//! The scores of a replay, and the explanations behind them.
//!
//! [`Scores::compute`] runs once the fold is over, in this order: which
//! entries a compromise voids ([`Compromise`]), who the checkers are, what
//! stands ([`Standing`], one voice per checker per claim), stories and
//! origins, each story's voices, the checkers' weights, each story's
//! conflict, each verdict's weight for source evidence, each source's
//! evidence (saturated per checker) and opinion, then each story's
//! credibility, which reads the sources' figures without that story's own
//! verdicts. Explanations recompute one source, story or checker with the
//! same functions, so they always add up to the score.

use std::borrow::Cow;

use rayon::prelude::*;

use crate::ids::{EntryHash, Seq, SourceId};
use crate::record::{Grade, Rating};
use crate::time::Timestamp;

use super::checkers::{self, CheckerIds, Voice};
use super::compromise::Compromise;
use super::decay::Decay;
use super::evidence::{quarters, shares, split};
use super::facts::{Facts, Hop, Ix, Node};
use super::fixed::{Micro, ONE, div_round};
use super::groups::Groups;
use super::opinion::{Opinion, Published, fuse_averaging, fuse_cumulative};
use super::params::Params;
use super::report::{
    AgreementItem, CheckerExplanation, CheckerScore, CheckerShare, ClaimExplanation, ClaimScore,
    ClaimVerdictItem, Credibility, EvidenceItem, NoShare, OriginItem, ReportItem,
    SourceExplanation, SourceScore, UnmovedItem, VerdictStatus,
};
use super::resolve::Standing;
use super::stories::{Links, Origin};

/// Everything a replay computed: a score for every source, claim and
/// checker, with explanations on demand.
pub struct Scores {
    params: Params,
    facts: Facts,
    comp: Compromise,
    ids: CheckerIds,
    standing: Standing,
    links: Links,
    decay: Decay,
    decay_time: Option<Timestamp>,
    /// Each standing claim's story number; `u32::MAX` when retracted.
    story_no: Vec<u32>,
    /// Each story's range in `links.members`.
    story_range: Vec<(u32, u32)>,
    /// Each story's voices (verdicts), by story number.
    voices: Groups<Ix>,
    /// Each story's conflict and dispute.
    conflict: Vec<Micro>,
    disputed: Vec<bool>,
    /// Indexed like `ids`.
    checkers: Vec<CheckerScore>,
    checker_weight: Vec<Micro>,
    /// Each verdict's weight for source evidence; 0 when it does not count.
    weights: Vec<Micro>,
    /// Verdicts by claim, in ledger order.
    by_claim: Groups<Ix>,
    /// Each source's evidence by checker, before saturation, by checker
    /// index.
    parts: Groups<Part>,
    /// Each verdict's contributions to sources, kept so that a story can
    /// take its own verdicts out.
    contrib: Groups<Contribution>,
    /// Indexed like `facts.sources`.
    sources: Vec<SourceScore>,
    /// Indexed like `facts.claims`; `None` when retracted.
    claims: Vec<Option<ClaimScore>>,
}

/// One checker's raw evidence about one source.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Part {
    checker: Ix,
    r: u64,
    s: u64,
    verdicts: u32,
}

/// One verdict's contribution to one source.
#[derive(Clone, Copy)]
struct Contribution {
    source: Ix,
    checker: Ix,
    r: u64,
    s: u64,
}

/// A story's credibility, worked out. Its vectors are reused from story to
/// story ([`Scores::story_calc_into`]): a replay works out every story, and
/// fresh vectors for each cost more than the arithmetic.
struct StoryCalc {
    reports: Vec<ReportCalc>,
    groups: Vec<GroupCalc>,
    verdicts: Vec<VerdictCalc>,
    truth: Option<Opinion>,
    fused: Opinion,
    /// Each member's letter: its origin's grade without the story's own
    /// verdicts (F when unknown), in member order.
    letters: Vec<Grade>,
    unknown: u32,
    confirmations: u32,
    confirming_checkers: u32,
    checkers: u32,
    /// Scratch space, kept between stories for its capacity.
    scratch: StoryScratch,
}

/// What every claim of a story shares, worked out once per story.
struct StoryFigures {
    first: EntryHash,
    opinion: Published,
    reports: u32,
    origins: u32,
    unknown: u32,
    confirmations: u32,
    checkers: u32,
    truth: Option<Published>,
    credibility: Credibility,
    circular: bool,
    /// Each member's letter, in member order.
    letters: Vec<Grade>,
}

impl Default for StoryCalc {
    // Empty, to be filled by `story_calc_into`, which sets every field.
    fn default() -> Self {
        StoryCalc {
            reports: Vec::new(),
            groups: Vec::new(),
            verdicts: Vec::new(),
            truth: None,
            fused: Opinion::vacuous(0.0),
            letters: Vec::new(),
            unknown: 0,
            confirmations: 0,
            confirming_checkers: 0,
            checkers: 0,
            scratch: StoryScratch::default(),
        }
    }
}

/// Working vectors of [`Scores::story_calc_into`].
#[derive(Default)]
struct StoryScratch {
    /// What the story's verdicts gave each source.
    own: Vec<Contribution>,
    /// (origin, discounted opinion) of every report with a named origin.
    named: Vec<(Ix, Opinion)>,
    /// One origin's opinions, to average.
    ops: Vec<Opinion>,
    /// Each voice's (verdict, r, s, confirms).
    voices: Vec<(Ix, Micro, Micro, bool)>,
    /// Every opinion to fuse.
    all: Vec<Opinion>,
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
    voice: bool,
    r: Micro,
    s: Micro,
    confirms: bool,
}

/// A source's figures from its per-checker parts.
struct SourceCalc {
    r: Micro,
    s: Micro,
    opinion: Published,
    grade: Grade,
    verdicts: u32,
    checkers: u32,
}

impl Scores {
    pub(crate) fn compute(params: Params, facts: Facts, decay_time: Option<Timestamp>) -> Scores {
        let comp = Compromise::resolve(&facts);
        let ids = CheckerIds::build(&facts);
        let standing = Standing::resolve(&facts, &comp, &ids);
        let links = Links::build(&facts, &standing);
        let decay = Decay::new(params.half_life_secs);

        let mut sorted: Vec<Ix> = (0..facts.verdicts.len() as Ix).collect();
        sorted.sort_by_key(|&v| (facts.verdicts[v as usize].claim, v));
        let mut by_claim = Groups::default();
        let mut next = sorted.into_iter().peekable();
        for c in 0..facts.claims.len() as Ix {
            while let Some(v) = next.next_if(|&v| facts.verdicts[v as usize].claim == c) {
                by_claim.push(v);
            }
            by_claim.close();
        }

        let mut scores = Scores {
            params,
            facts,
            comp,
            ids,
            standing,
            links,
            decay,
            decay_time,
            story_no: Vec::new(),
            story_range: Vec::new(),
            voices: Groups::default(),
            conflict: Vec::new(),
            disputed: Vec::new(),
            checkers: Vec::new(),
            checker_weight: Vec::new(),
            weights: Vec::new(),
            by_claim,
            parts: Groups::default(),
            contrib: Groups::default(),
            sources: Vec::new(),
            claims: Vec::new(),
        };
        scores.stories_and_voices();
        scores.checker_weights();
        scores.conflicts();
        scores.verdict_weights();
        scores.source_evidence();
        scores.sources = scores.source_scores();
        scores.claims = scores.claim_scores();
        scores
    }

    // -----------------------------------------------------------------------
    // Stories and voices

    fn stories_and_voices(&mut self) {
        let n = self.facts.claims.len();
        let mut story_no = vec![u32::MAX; n];
        let mut ranges = Vec::new();
        let members = &self.links.members;
        let mut start = 0;
        while start < members.len() {
            let len = self.links.story_of(members[start]).len();
            let no = ranges.len() as u32;
            for &c in &members[start..start + len] {
                story_no[c as usize] = no;
            }
            ranges.push((start as u32, len as u32));
            start += len;
        }
        let mut voices = Groups::default();
        let mut on_story: Vec<Ix> = Vec::new();
        for &(a, len) in &ranges {
            on_story.clear();
            for &c in &members[a as usize..(a + len) as usize] {
                on_story.extend(
                    self.verdicts_on(c)
                        .iter()
                        .copied()
                        .filter(|&v| self.standing.verdict_status(v) == VerdictStatus::Counts),
                );
            }
            // The latest voice of each checker on the story: ledger order,
            // keep the last per checker.
            on_story.sort_unstable();
            for &v in on_story.iter().rev() {
                let checker = self.standing.voice_of[v as usize];
                if !voices
                    .open_mut()
                    .iter()
                    .any(|&w: &Ix| self.standing.voice_of[w as usize] == checker)
                {
                    voices.push(v);
                }
            }
            voices.open_mut().reverse();
            voices.close();
        }
        self.story_no = story_no;
        self.story_range = ranges;
        self.voices = voices;
    }

    fn story_voices(&self, story: u32) -> &[Ix] {
        self.voices.get(story as usize)
    }

    /// A story's value voices, for agreement and conflict.
    fn value_voices(&self, story: u32) -> Vec<Voice> {
        self.story_voices(story)
            .iter()
            .filter_map(|&v| {
                let fact = &self.facts.verdicts[v as usize];
                Some(Voice {
                    checker: self.standing.voice_of[v as usize]?,
                    q: quarters(fact.rating)?,
                    confidence: fact.confidence,
                })
            })
            .collect()
    }

    fn prior_trust(&self, c: Ix) -> (Option<Grade>, Micro) {
        let grade = if self.ids.is_org[c as usize] {
            self.standing
                .trust
                .get(&self.ids.names[c as usize])
                .copied()
        } else {
            None
        };
        (grade, self.params.checker_trust(grade))
    }

    // -----------------------------------------------------------------------
    // Checkers

    fn checker_weights(&mut self) {
        let n = self.ids.len();
        let priors: Vec<(Option<Grade>, Micro)> =
            (0..n as Ix).map(|c| self.prior_trust(c)).collect();
        let prior: Vec<Micro> = priors.iter().map(|p| p.1).collect();
        let (mut agree, mut disagree, mut shared) = (vec![0u64; n], vec![0u64; n], vec![0u32; n]);
        for story in 0..self.story_range.len() as u32 {
            if self.story_voices(story).len() < 2 {
                continue;
            }
            let vs = self.value_voices(story);
            for me in &vs {
                if let Some((a, d)) = checkers::agreement(me, &vs, &prior) {
                    let c = me.checker as usize;
                    agree[c] += a.0;
                    disagree[c] += d.0;
                    shared[c] += 1;
                }
            }
        }
        let mut voices = vec![0u32; n];
        for (v, st) in
            (0..self.facts.verdicts.len() as Ix).map(|v| (v, self.standing.verdict_status(v)))
        {
            if let (VerdictStatus::Counts, Some(c)) = (st, self.standing.voice_of[v as usize]) {
                voices[c as usize] += 1;
            }
        }
        self.checkers = (0..n)
            .map(|c| {
                let weight = checkers::weight(
                    Micro(agree[c]),
                    Micro(disagree[c]),
                    prior[c],
                    self.params.checker_prior_weight,
                );
                CheckerScore {
                    id: self.ids.names[c].to_string(),
                    organisation: self.ids.is_org[c],
                    keys: self.ids.keys[c].iter().map(|k| k.to_string()).collect(),
                    prior: priors[c].0,
                    prior_weight: prior[c],
                    shared: shared[c],
                    agree: Micro(agree[c]),
                    disagree: Micro(disagree[c]),
                    weight,
                    voices: voices[c],
                }
            })
            .collect();
        self.checker_weight = self.checkers.iter().map(|c| c.weight).collect();
    }

    fn conflicts(&mut self) {
        let stories = self.story_range.len() as u32;
        let (mut conflict, mut disputed) = (Vec::new(), Vec::new());
        for story in 0..stories {
            if self.story_voices(story).len() < 2 {
                conflict.push(Micro::ZERO);
                disputed.push(false);
                continue;
            }
            let vs = self.value_voices(story);
            conflict.push(checkers::conflict(&vs, &self.checker_weight));
            disputed.push(checkers::disputed(&vs, &self.checker_weight));
        }
        self.conflict = conflict;
        self.disputed = disputed;
    }

    // -----------------------------------------------------------------------
    // Sources

    /// The dispute factor of claim `c`'s story: 1 − conflict/2.
    fn dispute_factor(&self, c: Ix) -> Micro {
        match self.story_no.get(c as usize) {
            Some(&s) if s != u32::MAX => Micro(ONE - self.conflict[s as usize].0 / 2),
            _ => Micro::ONE,
        }
    }

    fn verdict_weights(&mut self) {
        let (f, st) = (&self.facts, &self.standing);
        self.weights = (0..f.verdicts.len())
            .map(|v| {
                let fact = &f.verdicts[v];
                if st.verdict_status(v as Ix) != VerdictStatus::Counts {
                    return Micro::ZERO;
                }
                let decay = self
                    .decay
                    .factor(age(st.said(f, fact.claim), self.decay_time));
                let dispute = self.dispute_factor(fact.claim);
                Micro(div_round(
                    u128::from(fact.confidence.min(100))
                        * u128::from(decay.0)
                        * u128::from(dispute.0),
                    100 * u128::from(ONE),
                ))
            })
            .collect();
    }

    /// The chain a verdict on claim `c` shares evidence along: its own,
    /// and for a value rating on a claim whose origin comes through
    /// `derived-from`, that origin appended as the originator (blame
    /// follows the origin the claim derives from; its own hops relayed it).
    fn evidence_chain(&self, c: Ix, rating: Rating) -> Cow<'_, [Hop]> {
        let (f, st) = (&self.facts, &self.standing);
        let own = st.chain(f, c);
        if rating == Rating::Misattributed || self.links.derived[c as usize].is_none() {
            return Cow::Borrowed(own);
        }
        let last = own.last().map(|h| h.source);
        let extra = match self.links.origin[c as usize] {
            Origin::Named(o) if Some(o) != last => Hop {
                source: o,
                anonymous: false,
            },
            Origin::Named(_) => return Cow::Borrowed(own),
            // An anonymous origin: the nearest named hop vouches for it.
            Origin::Unknown if !self.links.misattributed[c as usize] => Hop {
                source: Ix::MAX,
                anonymous: true,
            },
            Origin::Unknown => return Cow::Borrowed(own),
        };
        let mut chain = own.to_vec();
        chain.push(extra);
        Cow::Owned(chain)
    }

    /// Calls `out` for every source verdict `v` gives evidence to.
    fn contributions(
        &self,
        v: Ix,
        mut out: impl FnMut(Contribution, usize, super::evidence::Share),
    ) {
        let (f, st) = (&self.facts, &self.standing);
        if st.verdict_status(v) != VerdictStatus::Counts {
            return;
        }
        let Some(checker) = st.voice_of[v as usize] else {
            return;
        };
        let fact = &f.verdicts[v as usize];
        let chain = self.evidence_chain(fact.claim, fact.rating);
        let w = self.weights[v as usize];
        let q = quarters(fact.rating).unwrap_or(0);
        shares(
            &chain,
            |h| h.anonymous || st.anonymous(h),
            fact.rating,
            self.params.relay_share,
            |sh| {
                let source = chain[sh.hop].source;
                let (r, s) = split(w, q, sh.share);
                out(
                    Contribution {
                        source,
                        checker,
                        r: r.0,
                        s: s.0,
                    },
                    sh.hop,
                    sh,
                );
            },
        );
    }

    fn source_evidence(&mut self) {
        // Per source, its checkers' parts; a source has few checkers, so a
        // short vector searched in place beats sorting every contribution.
        let n = self.facts.sources.len();
        let mut by_source: Vec<Vec<Part>> = vec![Vec::new(); n];
        let mut contrib = Groups::default();
        for v in 0..self.facts.verdicts.len() as Ix {
            self.contributions(v, |c, _, _| {
                contrib.push(c);
                let parts = &mut by_source[c.source as usize];
                match parts.iter_mut().find(|p| p.checker == c.checker) {
                    Some(p) => {
                        p.r = p.r.saturating_add(c.r);
                        p.s = p.s.saturating_add(c.s);
                        p.verdicts += 1;
                    }
                    None => parts.push(Part {
                        checker: c.checker,
                        r: c.r,
                        s: c.s,
                        verdicts: 1,
                    }),
                }
            });
            contrib.close();
        }
        let mut parts = Groups::default();
        for mut of_source in by_source {
            of_source.sort_unstable_by_key(|p| p.checker);
            for p in of_source {
                parts.push(p);
            }
            parts.close();
        }
        self.parts = parts;
        self.contrib = contrib;
    }

    fn parts_of(&self, s: Ix) -> &[Part] {
        self.parts.get(s as usize)
    }

    /// Saturation and weight of one checker's part: r × K/(n + K) × weight,
    /// and the same for s.
    fn saturate(&self, p: &Part) -> (Micro, Micro) {
        let k = u128::from(self.params.saturation.0);
        let n = u128::from(p.r) + u128::from(p.s);
        if n == 0 {
            return (Micro::ZERO, Micro::ZERO);
        }
        let wc = u128::from(self.checker_weight[p.checker as usize].0);
        let den = (n + k) * u128::from(ONE);
        (
            Micro(div_round(u128::from(p.r) * k * wc, den)),
            Micro(div_round(u128::from(p.s) * k * wc, den)),
        )
    }

    /// What saturation leaves of a part: K / (n + K).
    fn saturation_factor(&self, p: &Part) -> Micro {
        let k = u128::from(self.params.saturation.0);
        let n = u128::from(p.r) + u128::from(p.s);
        Micro(div_round(k * u128::from(ONE), n + k))
    }

    /// A source's figures from `parts` (its per-checker evidence, possibly
    /// with one story's verdicts taken out).
    fn source_calc(&self, s: Ix, parts: impl Iterator<Item = Part>) -> SourceCalc {
        let a = self.params.base_rate(self.standing.prior[s as usize]);
        let (mut r, mut sn, mut verdicts, mut checkers, mut up, mut down) =
            (0u64, 0u64, 0u32, 0u32, 0u32, 0u32);
        for p in parts {
            if p.verdicts == 0 {
                continue;
            }
            let (pr, ps) = self.saturate(&p);
            r = r.saturating_add(pr.0);
            sn = sn.saturating_add(ps.0);
            verdicts += p.verdicts;
            checkers += 1;
            up += u32::from(pr.0 > ps.0);
            down += u32::from(ps.0 > pr.0);
        }
        let opinion = source_opinion(Micro(r), Micro(sn), self.params.prior_weight, a);
        SourceCalc {
            r: Micro(r),
            s: Micro(sn),
            grade: reliability(Micro(r), Micro(sn), opinion.e, up, down),
            opinion,
            verdicts,
            checkers,
        }
    }

    fn source_scores(&self) -> Vec<SourceScore> {
        let (f, st) = (&self.facts, &self.standing);
        f.sources
            .iter()
            .enumerate()
            .map(|(i, src)| {
                let calc = self.source_calc(i as Ix, self.parts_of(i as Ix).iter().copied());
                SourceScore {
                    id: src.id.clone(),
                    entry: src.entry,
                    anonymous: st.source_anonymous[i],
                    retracted: st.source_retracted[i],
                    prior: st.prior[i],
                    r: calc.r,
                    s: calc.s,
                    lower: calc.opinion.b,
                    opinion: calc.opinion,
                    grade: calc.grade,
                    verdicts: calc.verdicts,
                    checkers: calc.checkers,
                }
            })
            .collect()
    }

    // -----------------------------------------------------------------------
    // Claims

    fn claim_scores(&self) -> Vec<Option<ClaimScore>> {
        let f = &self.facts;
        // Each story's figures depend on that story alone, and each claim's
        // score on its story's figures: both passes run in parallel, and
        // their results are put in story and claim order, so the thread
        // count cannot change them.
        let stories: Vec<StoryFigures> = (0..self.story_range.len() as u32)
            .into_par_iter()
            .map_init(StoryCalc::default, |calc, story| {
                self.story_calc_into(story, false, calc);
                let members = self.members(story);
                let truth = calc.truth.map(|t| t.publish());
                let disputed = self.disputed[story as usize];
                let origins = calc.groups.len() as u32;
                StoryFigures {
                    first: f.claims[members[0] as usize].entry,
                    opinion: calc.fused.publish(),
                    reports: members.len() as u32,
                    origins,
                    unknown: calc.unknown,
                    confirmations: calc.confirmations,
                    checkers: calc.checkers,
                    credibility: credibility(
                        truth.as_ref(),
                        disputed,
                        origins,
                        calc.confirming_checkers,
                    ),
                    truth,
                    circular: calc.groups.iter().any(|g| g.reports >= 2),
                    letters: calc.letters.clone(),
                }
            })
            .collect();
        // Each member's letter, by claim.
        let mut letters = vec![Grade::F; f.claims.len()];
        for (story, figures) in stories.iter().enumerate() {
            for (&c, &letter) in self.members(story as u32).iter().zip(&figures.letters) {
                letters[c as usize] = letter;
            }
        }
        (0..f.claims.len())
            .into_par_iter()
            .map(|c| {
                let story = *self.story_no.get(c)?;
                let s = stories.get(story as usize)?;
                let fact = &f.claims[c];
                let origin = match self.links.origin[c] {
                    Origin::Named(o) => Some(o),
                    Origin::Unknown => None,
                };
                Some(ClaimScore {
                    claim: fact.entry,
                    seq: fact.seq,
                    story: s.first,
                    opinion: s.opinion,
                    reports: s.reports,
                    origins: s.origins,
                    unknown: s.unknown,
                    confirmations: s.confirmations,
                    checkers: s.checkers,
                    truth: s.truth,
                    conflict: self.conflict[story as usize],
                    disputed: self.disputed[story as usize],
                    credibility: s.credibility,
                    letter: letters[c],
                    origin: origin.map(|o| f.sources[o as usize].id.clone()),
                    misattributed: self.misattributed_to(c as Ix),
                    circular: s.circular,
                    independence_unknown: s.reports >= 2 && s.unknown >= 1,
                })
            })
            .collect()
    }

    /// The named originator a standing misattribution says did not say
    /// claim `c`.
    fn misattributed_to(&self, c: Ix) -> Option<SourceId> {
        if !self.links.misattributed[c as usize] {
            return None;
        }
        let h = self.standing.chain(&self.facts, c).last()?;
        (!self.standing.anonymous(*h)).then(|| self.facts.sources[h.source as usize].id.clone())
    }

    fn members(&self, story: u32) -> &[Ix] {
        let (a, len) = self.story_range[story as usize];
        &self.links.members[a as usize..(a + len) as usize]
    }

    fn verdicts_on(&self, c: Ix) -> &[Ix] {
        self.by_claim.get(c as usize)
    }

    /// The credibility of a story. Sources are read without the evidence
    /// the story's own verdicts gave them, so a verdict counts once for the
    /// story, not also through its origin's reputation. With `detail`, also
    /// the per-report and per-verdict figures an explanation shows.
    fn story_calc_into(&self, story: u32, detail: bool, out: &mut StoryCalc) {
        let (f, st) = (&self.facts, &self.standing);
        let a = self.params.claim_base_rate.to_f64();
        let members = self.members(story);
        let StoryCalc {
            reports,
            groups,
            verdicts,
            letters,
            scratch,
            ..
        } = out;
        let StoryScratch {
            own,
            named,
            ops,
            voices: verdict_rs,
            all,
        } = scratch;
        reports.clear();
        groups.clear();
        verdicts.clear();
        letters.clear();
        own.clear();
        named.clear();
        verdict_rs.clear();
        all.clear();

        // What this story's verdicts gave each source, to take out.
        for &c in members {
            for &v in self.verdicts_on(c) {
                own.extend_from_slice(self.contrib.get(v as usize));
            }
        }
        own.sort_unstable_by_key(|x| (x.source, x.checker));
        let without = |s: Ix| -> Option<SourceCalc> {
            let lo = own.partition_point(|x| x.source < s);
            let hi = own.partition_point(|x| x.source <= s);
            if lo == hi {
                return None;
            }
            let mine = &own[lo..hi];
            let parts = self.parts_of(s).iter().map(|p| {
                let (mut r, mut sn, mut n) = (p.r, p.s, p.verdicts);
                for x in mine.iter().filter(|x| x.checker == p.checker) {
                    r = r.saturating_sub(x.r);
                    sn = sn.saturating_sub(x.s);
                    n = n.saturating_sub(1);
                }
                Part {
                    checker: p.checker,
                    r,
                    s: sn,
                    verdicts: n,
                }
            });
            Some(self.source_calc(s, parts))
        };
        let published = |s: Ix| -> Published {
            match without(s) {
                Some(calc) => calc.opinion,
                None => self.sources[s as usize].opinion,
            }
        };

        let mut unknown = 0u32;
        for &c in members {
            let origin = self.links.origin[c as usize];
            let (trust, opinion) = match origin {
                Origin::Named(o) => {
                    let mut t = 1.0;
                    for h in self.links.relays(f, st, c) {
                        t *= published(h.source).e.to_f64();
                    }
                    let (p, grade) = match without(o) {
                        Some(calc) => (calc.opinion, calc.grade),
                        None => {
                            let src = &self.sources[o as usize];
                            (src.opinion, src.grade)
                        }
                    };
                    letters.push(grade);
                    let op = Opinion::from_micro(p.b, p.d, p.u, p.a).discount(t);
                    named.push((o, op));
                    (t, op)
                }
                Origin::Unknown => {
                    letters.push(Grade::F);
                    unknown += 1;
                    (0.0, Opinion::vacuous(a))
                }
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
        named.sort_by_key(|(o, _)| *o);
        for g in named.chunk_by(|x, y| x.0 == y.0) {
            ops.clear();
            ops.extend(g.iter().map(|(_, op)| *op));
            groups.push(GroupCalc {
                source: g[0].0,
                reports: g.len() as u32,
                opinion: fuse_averaging(ops, a),
            });
        }
        if detail {
            groups.sort_by(|x, y| {
                f.sources[x.source as usize]
                    .id
                    .cmp(&f.sources[y.source as usize].id)
            });
        }

        // The truth: each checker's voice, weighted, with no decay.
        let voices = self.story_voices(story);
        let vw = u128::from(self.params.verdict_weight);
        let (mut rs, mut ss) = (0u64, 0u64);
        let mut confirming = 0u32;
        for &v in voices {
            let fact = &f.verdicts[v as usize];
            let wc = self.voice_weight(v);
            let (mut r, mut s) = (Micro::ZERO, Micro::ZERO);
            if let Some(q) = quarters(fact.rating) {
                let e = vw * u128::from(fact.confidence) * u128::from(wc.0);
                r = Micro(div_round(e * u128::from(q), 400));
                s = Micro(div_round(e * u128::from(4 - q), 400));
                rs = rs.saturating_add(r.0);
                ss = ss.saturating_add(s.0);
            }
            let confirms = matches!(fact.rating, Rating::True | Rating::MostlyTrue)
                && fact.confidence > 0
                && wc.0 > 0;
            confirming += u32::from(confirms);
            verdict_rs.push((v, r, s, confirms));
        }
        let truth =
            (rs + ss > 0).then(|| Opinion::from_evidence(rs, ss, self.params.prior_weight.0, a));

        if detail {
            let mut on_story: Vec<Ix> = members
                .iter()
                .flat_map(|&c| self.verdicts_on(c).iter().copied())
                .collect();
            on_story.sort_unstable();
            for v in on_story {
                let voice = verdict_rs.iter().find(|x| x.0 == v);
                verdicts.push(VerdictCalc {
                    verdict: v,
                    status: st.verdict_status(v),
                    voice: voice.is_some(),
                    r: voice.map_or(Micro::ZERO, |x| x.1),
                    s: voice.map_or(Micro::ZERO, |x| x.2),
                    confirms: voice.is_some_and(|x| x.3),
                });
            }
        }

        all.extend(groups.iter().map(|g| g.opinion));
        all.extend(truth);
        out.confirmations = (groups.len() as u32).saturating_sub(1) + confirming;
        out.confirming_checkers = confirming;
        out.checkers = voices.len() as u32;
        out.unknown = unknown;
        out.fused = fuse_cumulative(all, a);
        out.truth = truth;
    }

    /// The weight of verdict `v`'s checker.
    fn voice_weight(&self, v: Ix) -> Micro {
        self.standing.voice_of[v as usize].map_or(Micro::ZERO, |c| self.checker_weight[c as usize])
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

    /// Sources ranked by the lower bound b (evidence, never the prior,
    /// raises it), then expected value, then more evidence (r + s), then
    /// slug.
    pub fn ranked(&self) -> Vec<&SourceScore> {
        let mut v: Vec<&SourceScore> = self.sources().collect();
        v.sort_by(|x, y| {
            y.lower
                .cmp(&x.lower)
                .then(y.opinion.e.cmp(&x.opinion.e))
                .then((y.r.0 + y.s.0).cmp(&(x.r.0 + x.s.0)))
                .then(x.id.cmp(&y.id))
        });
        v
    }

    /// One source's score.
    pub fn source(&self, id: &SourceId) -> Option<&SourceScore> {
        let i = self.facts.source(id)?;
        self.sources.get(i as usize)
    }

    /// Every checker (organisation, or lone key), by id.
    pub fn checkers(&self) -> impl Iterator<Item = &CheckerScore> {
        self.ids
            .index
            .values()
            .filter(|&&c| self.ids.fact_checker[c as usize])
            .map(|&c| &self.checkers[c as usize])
    }

    /// One checker by id (an organisation id or `name+keyid`).
    pub fn checker(&self, id: &str) -> Option<&CheckerScore> {
        let c = *self.ids.index.get(id)?;
        self.ids.fact_checker[c as usize].then(|| &self.checkers[c as usize])
    }

    /// Explains a checker's weight: every story it shares with other
    /// checkers, its voice there and how far it agreed.
    pub fn explain_checker(&self, id: &str) -> Option<CheckerExplanation> {
        let score = self.checker(id)?.clone();
        let me = *self.ids.index.get(id)?;
        let prior: Vec<Micro> = self.checkers.iter().map(|c| c.prior_weight).collect();
        let mut stories = Vec::new();
        for story in 0..self.story_range.len() as u32 {
            let vs = self.value_voices(story);
            let Some(mine) = vs.iter().find(|v| v.checker == me) else {
                continue;
            };
            let Some((agree, disagree)) = checkers::agreement(mine, &vs, &prior) else {
                continue;
            };
            let Some(&verdict) = self
                .story_voices(story)
                .iter()
                .find(|&&v| self.standing.voice_of[v as usize] == Some(me))
            else {
                continue;
            };
            let fact = &self.facts.verdicts[verdict as usize];
            stories.push(AgreementItem {
                story: self.facts.claims[self.members(story)[0] as usize].entry,
                verdict: fact.entry,
                rating: fact.rating,
                others: vs
                    .iter()
                    .filter(|v| v.checker != me)
                    .map(|v| self.ids.names[v.checker as usize].to_string())
                    .collect(),
                agree,
                disagree,
            });
        }
        Some(CheckerExplanation { score, stories })
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

    /// True when `id` is a claim that has been retracted, or written by a
    /// key compromised at the time: it has no score.
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
        let f = &self.facts;
        (0..f.verdicts.len()).map(move |v| {
            let fact = &f.verdicts[v];
            (
                fact.entry,
                f.claims[fact.claim as usize].entry,
                self.standing.verdict_status(v as Ix),
            )
        })
    }

    /// The verdicts still published, in ledger order, with the claim each
    /// rates: those that count, and those that lost the count only to a
    /// later verdict of the same checker that does not name them in
    /// `supersedes`. Scores hear one voice per checker per claim; a
    /// review that was never withdrawn nor replaced by name is still what
    /// its checker published (exports of reviews list it).
    pub fn published(&self) -> impl Iterator<Item = (EntryHash, EntryHash)> + '_ {
        let f = &self.facts;
        let mut replaced = vec![false; f.verdicts.len()];
        for (v, fact) in f.verdicts.iter().enumerate() {
            let counts = !matches!(
                self.standing.verdict_status(v as Ix),
                VerdictStatus::NotFactChecker
                    | VerdictStatus::KeyCompromised
                    | VerdictStatus::Retracted
                    | VerdictStatus::ClaimRetracted
            );
            if let (true, Some(old)) = (counts, fact.supersedes) {
                if self.standing.voice_of[old as usize] == self.standing.voice_of[v] {
                    replaced[old as usize] = true;
                }
            }
        }
        (0..f.verdicts.len()).filter_map(move |v| {
            let fact = &f.verdicts[v];
            let shown = match self.standing.verdict_status(v as Ix) {
                VerdictStatus::Counts => true,
                VerdictStatus::Superseded { .. } => !replaced[v],
                _ => false,
            };
            shown.then(|| (fact.entry, f.claims[fact.claim as usize].entry))
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

    /// The time from which `key` (a key name) is compromised, if a
    /// compromise revocation that counts says so.
    pub fn compromised_since(&self, key: &str) -> Option<Timestamp> {
        self.facts
            .keys
            .iter()
            .position(|k| &*k.name == key)
            .and_then(|k| self.comp.since(k as Ix))
    }

    /// Explains a source's score: every verdict that moved its evidence,
    /// with its weight after decay and dispute and its share, each
    /// checker's part with its saturation and weight, and the verdicts on
    /// claims naming it that did not.
    pub fn explain_source(&self, id: &SourceId) -> Option<SourceExplanation> {
        let (f, st) = (&self.facts, &self.standing);
        let me = f.source(id)?;
        let score = self.sources[me as usize].clone();
        let mut evidence = Vec::new();
        let mut unmoved = Vec::new();
        for (v, fact) in f.verdicts.iter().enumerate() {
            let v = v as Ix;
            let chain = self.evidence_chain(fact.claim, fact.rating);
            let Some(pos) = chain.iter().position(|h| h.source == me) else {
                continue;
            };
            let claim = f.claims[fact.claim as usize].entry;
            let status = st.verdict_status(v);
            let mut got = None;
            self.contributions(v, |c, hop, sh| {
                if hop == pos {
                    got = Some((c, sh));
                }
            });
            let why = match (status, got) {
                (VerdictStatus::Counts, Some((c, sh))) => {
                    let said = st.said(f, fact.claim);
                    let age = age(said, self.decay_time);
                    evidence.push(EvidenceItem {
                        verdict: fact.entry,
                        claim,
                        signer: self.signer_name(v).unwrap_or_default(),
                        checker: self.ids.names[c.checker as usize].to_string(),
                        rating: fact.rating,
                        confidence: fact.confidence,
                        said,
                        age_secs: age,
                        decay: self.decay.factor(age),
                        dispute: self.dispute_factor(fact.claim),
                        weight: self.weights[v as usize],
                        role: sh.role,
                        share: sh.share,
                        r: Micro(c.r),
                        s: Micro(c.s),
                    });
                    continue;
                }
                (VerdictStatus::Counts, None)
                    if chain[pos].anonymous || st.anonymous(chain[pos]) =>
                {
                    NoShare::Anonymous
                }
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
        let checkers = self
            .parts_of(me)
            .iter()
            .map(|p| {
                let (r, s) = self.saturate(p);
                let saturation = self.saturation_factor(p);
                CheckerShare {
                    checker: self.ids.names[p.checker as usize].to_string(),
                    verdicts: p.verdicts,
                    raw_r: Micro(p.r),
                    raw_s: Micro(p.s),
                    saturation,
                    weight: self.checker_weight[p.checker as usize],
                    r,
                    s,
                }
            })
            .collect();
        Some(SourceExplanation {
            score,
            evidence,
            checkers,
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
        let story = self.story_no[c as usize];
        let mut calc = StoryCalc::default();
        self.story_calc_into(story, true, &mut calc);
        let slug = |s: Ix| f.sources[s as usize].id.clone();
        let reports = calc
            .reports
            .iter()
            .enumerate()
            .map(|(i, rc)| {
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
                    letter: calc.letters.get(i).copied().unwrap_or(Grade::F),
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
                    checker: st.voice_of[vc.verdict as usize]
                        .map(|c| self.ids.names[c as usize].to_string()),
                    rating: fact.rating,
                    confidence: fact.confidence,
                    status: vc.status,
                    voice: vc.voice,
                    weight: if vc.voice {
                        self.voice_weight(vc.verdict)
                    } else {
                        Micro::ZERO
                    },
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
            verdict_opinion: calc.truth.map(|o| o.publish()),
        })
    }

    fn signer_name(&self, v: Ix) -> Option<String> {
        let k = self.facts.verdicts[v as usize].sig.signer?;
        Some(self.facts.keys[k as usize].name.to_string())
    }

    /// Checkers by id, sources in slug order and standing claims in id
    /// order, for the state root.
    pub(crate) fn root_order(&self) -> (Vec<&CheckerScore>, Vec<&SourceScore>, Vec<&ClaimScore>) {
        // Ids are hashes: their first eight bytes, read big-endian, almost
        // always decide the order, and comparing them as one integer is
        // several times cheaper than comparing 32 bytes (the whole id
        // breaks ties, so the order is exactly the ids' byte order).
        let mut keyed: Vec<(u64, &ClaimScore)> =
            self.claims().map(|c| (id_prefix(&c.claim), c)).collect();
        // Ids are unique, so the order is total and the parallel sort's
        // result is the one order.
        keyed.par_sort_unstable_by(|x, y| x.0.cmp(&y.0).then_with(|| x.1.claim.cmp(&y.1.claim)));
        let claims = keyed.into_iter().map(|(_, c)| c).collect();
        (self.checkers().collect(), self.sources().collect(), claims)
    }
}

/// The first eight bytes of an entry id as a big-endian integer.
fn id_prefix(id: &EntryHash) -> u64 {
    let b = id.as_bytes();
    u64::from_be_bytes([b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7]])
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

/// The Admiralty reliability grade from published figures: F under one
/// unit of evidence; otherwise by E, except that A needs at least two
/// checkers whose own evidence leans positive (`up`), and E two leaning
/// negative (`down`): one checker alone never makes or breaks a source.
fn reliability(r: Micro, s: Micro, e: Micro, up: u32, down: u32) -> Grade {
    if r.0.saturating_add(s.0) < ONE {
        Grade::F
    } else if e.0 >= 900_000 {
        if up >= 2 { Grade::A } else { Grade::B }
    } else if e.0 >= 750_000 {
        Grade::B
    } else if e.0 >= 600_000 {
        Grade::C
    } else if e.0 >= 400_000 {
        Grade::D
    } else if down >= 2 {
        Grade::E
    } else {
        Grade::D
    }
}

/// The Admiralty credibility digit, from the information alone: the
/// verdicts' opinion on the story (`truth`), whether checkers dispute it,
/// how many independent named origins tell it and how many checkers
/// confirm it. Never from the source's reliability.
fn credibility(
    truth: Option<&Published>,
    disputed: bool,
    origins: u32,
    confirming: u32,
) -> Credibility {
    // Verdicts decide when they carry at least a third of certainty
    // (u ≤ 2/3; 2/3 itself publishes as 666 667).
    let decisive = truth.filter(|t| t.u.0 <= 666_667);
    let by_value = |e: Micro| {
        if e.0 >= 750_000 {
            Credibility::ProbablyTrue
        } else if e.0 >= 500_000 {
            Credibility::PossiblyTrue
        } else if e.0 >= 300_000 {
            Credibility::Doubtful
        } else {
            Credibility::Improbable
        }
    };
    let digit = match decisive {
        Some(t) => match by_value(t.e) {
            Credibility::ProbablyTrue if origins >= 2 || confirming >= 2 => Credibility::Confirmed,
            d => d,
        },
        // Unchecked: agreeing independent origins make it possible, no more.
        None if origins >= 2 => Credibility::PossiblyTrue,
        None => Credibility::CannotBeJudged,
    };
    // A dispute never reads as true, however weak or corroborated:
    // doubtful at best.
    if disputed {
        digit.max(Credibility::Doubtful)
    } else {
        digit
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn m(x: f64) -> Micro {
        Micro::from_f64(x)
    }

    // SCORING.md's source rows, in millionths: (r, s) → (b, d, u, E), grade
    // with two checkers leaning each way and with one.
    #[test]
    fn source_known_answers_exactly() {
        let w = Micro(2 * ONE);
        let half = Micro(500_000);
        let rows: [(f64, f64, [u64; 4], Grade, Grade); 6] = [
            (
                3.0,
                1.0,
                [500_000, 166_667, 333_333, 666_667],
                Grade::C,
                Grade::C,
            ),
            (8.0, 0.0, [800_000, 0, 200_000, 900_000], Grade::A, Grade::B),
            (
                3.0,
                2.0,
                [428_571, 285_714, 285_714, 571_429],
                Grade::D,
                Grade::D,
            ),
            (
                8.0,
                0.5,
                [761_905, 47_619, 190_476, 857_143],
                Grade::B,
                Grade::B,
            ),
            (0.0, 8.0, [0, 800_000, 200_000, 100_000], Grade::E, Grade::D),
            // Less than one unit of evidence: cannot be judged.
            (0.9, 0.0, [310_345, 0, 689_655, 655_172], Grade::F, Grade::F),
        ];
        for (r, s, [b, d, u, e], two, one) in rows {
            let o = source_opinion(m(r), m(s), w, half);
            assert_eq!(
                (o.b, o.d, o.u, o.e),
                (Micro(b), Micro(d), Micro(u), Micro(e)),
                "r {r} s {s}"
            );
            assert_eq!(reliability(m(r), m(s), o.e, 2, 2), two, "r {r} s {s}");
            assert_eq!(reliability(m(r), m(s), o.e, 1, 1), one, "r {r} s {s}");
        }
    }

    #[test]
    fn digits_come_from_the_information_alone() {
        let t = |u: f64, e: f64| Published {
            u: m(u),
            e: m(e),
            ..Published::default()
        };
        use Credibility::*;
        // Too uncertain to decide, no corroboration: cannot be judged.
        assert_eq!(credibility(Some(&t(0.7, 0.9)), false, 1, 1), CannotBeJudged);
        assert_eq!(credibility(None, false, 1, 0), CannotBeJudged);
        // Two independent origins, unchecked: possibly true, no more.
        assert_eq!(credibility(None, false, 2, 0), PossiblyTrue);
        // 2/3 publishes as 666 667: decisive.
        assert_eq!(
            credibility(Some(&t(2.0 / 3.0, 0.9)), false, 2, 0),
            Confirmed
        );
        assert_eq!(credibility(Some(&t(0.1, 0.9)), false, 1, 2), Confirmed);
        assert_eq!(credibility(Some(&t(0.1, 0.9)), false, 1, 1), ProbablyTrue);
        assert_eq!(credibility(Some(&t(0.1, 0.75)), false, 0, 0), ProbablyTrue);
        assert_eq!(credibility(Some(&t(0.1, 0.5)), false, 3, 2), PossiblyTrue);
        assert_eq!(credibility(Some(&t(0.1, 0.3)), false, 3, 2), Doubtful);
        assert_eq!(
            credibility(Some(&t(0.1, 0.299_999)), false, 3, 2),
            Improbable
        );
        // A dispute is never read as true.
        assert_eq!(credibility(Some(&t(0.1, 0.9)), true, 3, 3), Doubtful);
        assert_eq!(credibility(Some(&t(0.1, 0.5)), true, 3, 1), Doubtful);
        assert_eq!(credibility(Some(&t(0.1, 0.2)), true, 3, 1), Improbable);
        // Weak verdicts on both sides of a corroborated story: still not
        // "possibly true".
        assert_eq!(credibility(Some(&t(0.8, 0.5)), true, 2, 1), Doubtful);
        assert_eq!(credibility(None, true, 1, 0), CannotBeJudged);
    }
}
