//! Checkers: the organisations behind fact-checker keys, and how much each
//! one's word weighs.
//!
//! A key's checker is the checker of the key it replaces (a rotated key is
//! the same checker), else the organisation its `key` record names (`org`),
//! else the key itself, named `name+keyid`. A verdict imported from
//! another organisation's published review (a verdict with `review`,
//! format version 3) is that organisation's voice, not the importing
//! key's: its checker is named `review:` and the organisation's name as
//! the review gives it (`review:Full Fact`), a name no key's checker can
//! have (organisation ids are slugs, key names have no colon).
//!
//! A checker's weight is a Beta-style estimate of how often its verdicts
//! side with the other checkers' consensus, starting from a prior:
//!
//! ```text
//! for every story where checker c and at least one other checker have a
//! value voice (true … false, as quarters q):
//!     wⱼ = confidenceⱼ × pⱼ                      (the others' confidence × their prior)
//!     m  = Σ wⱼ (2qⱼ − 4) / (4 Σ wⱼ)            (the others' lean, −1 … 1)
//!     strength = |m|;  x = q_c/4 if m > 0, else (4 − q_c)/4
//!     α += strength × x,  δ += strength × (1 − x)
//! weight = (α + P·p_c) / (α + δ + P)     (P: checker prior weight, p: prior)
//! ```
//!
//! A story counts as much as the others agree among themselves: where they
//! split evenly there is no consensus to side with, and nobody's weight
//! moves. The others are weighted by their priors, not by their computed
//! weights, so one pass decides every weight and the order of checkers
//! cannot matter.

use std::collections::BTreeMap;

use super::facts::{Facts, Ix};
use super::fixed::{Micro, ONE, div_round};

/// The prefix of the checker names of reviewing organisations.
pub(crate) const REVIEW_PREFIX: &str = "review:";

/// Checker identities.
pub(crate) struct CheckerIds {
    /// The checker of each key.
    key_checker: Vec<Ix>,
    /// Each checker's name: an organisation id, or `name+keyid`.
    pub names: Vec<Box<str>>,
    /// Whether a checker's name is an organisation (an admin `trust` can
    /// grade it) rather than a lone key.
    pub is_org: Vec<bool>,
    /// The names of each checker's keys, in enrolment order.
    pub keys: Vec<Vec<Box<str>>>,
    /// Name → checker; iterated in name order for output.
    pub index: BTreeMap<Box<str>, Ix>,
    /// Some key of the checker has the fact-checker role.
    pub fact_checker: Vec<bool>,
}

impl CheckerIds {
    pub fn build(f: &Facts) -> CheckerIds {
        let mut ids = CheckerIds {
            key_checker: Vec::with_capacity(f.keys.len()),
            names: Vec::new(),
            is_org: Vec::new(),
            keys: Vec::new(),
            index: BTreeMap::new(),
            fact_checker: Vec::new(),
        };
        for (k, key) in f.keys.iter().enumerate() {
            let c = match key.replaces.filter(|&r| (r as usize) < k) {
                Some(r) => ids.key_checker[r as usize],
                None => {
                    let (name, is_org) = match &key.org {
                        Some(org) => (org.clone(), true),
                        None => (key.label.clone(), false),
                    };
                    ids.intern(name, is_org)
                }
            };
            ids.key_checker.push(c);
            ids.keys[c as usize].push(key.name.clone());
            ids.fact_checker[c as usize] |= key.fact_checker;
        }
        for v in &f.verdicts {
            if let Some(by) = &v.reviewed_by {
                let c = ids.intern(format!("{REVIEW_PREFIX}{by}").into(), false);
                // Its verdicts count only when an importing fact-checker's
                // key signed them ([`Self::of_verdict`]).
                ids.fact_checker[c as usize] = true;
            }
        }
        ids
    }

    /// The checker named `name`, added (without keys) if new.
    fn intern(&mut self, name: Box<str>, is_org: bool) -> Ix {
        if let Some(&c) = self.index.get(&name) {
            return c;
        }
        let c = Ix::try_from(self.names.len()).unwrap_or(Ix::MAX);
        self.index.insert(name.clone(), c);
        self.names.push(name);
        self.is_org.push(is_org);
        self.keys.push(Vec::new());
        self.fact_checker.push(false);
        c
    }

    /// The checker a verdict signed by key `k` speaks for: the reviewing
    /// organisation's for an imported review, else the key's.
    pub fn of_verdict(&self, k: Ix, reviewed_by: Option<&str>) -> Ix {
        match reviewed_by {
            Some(by) => self
                .index
                .get(format!("{REVIEW_PREFIX}{by}").as_str())
                .copied()
                .unwrap_or_else(|| self.of_key(k)),
            None => self.of_key(k),
        }
    }

    /// The checker key `k` speaks for.
    pub fn of_key(&self, k: Ix) -> Ix {
        self.key_checker[k as usize]
    }

    pub fn len(&self) -> usize {
        self.names.len()
    }
}

/// One value voice on a story, as agreement and conflict read it.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Voice {
    pub checker: Ix,
    /// Quarters: true 4 … false 0.
    pub q: u64,
    /// Confidence, percent.
    pub confidence: u8,
}

/// A checker's agreement and disagreement with the others' consensus on
/// one story, in millionths: with wⱼ = confidenceⱼ × priorⱼ over the other
/// voices j, the consensus leans m = Σ wⱼ (2qⱼ − 4) / (4 Σ wⱼ); its
/// strength |m| is shared between agreement (the checker's value on the
/// consensus side, q/4 or (4 − q)/4) and disagreement. `None` when no other
/// voice has weight.
pub(crate) fn agreement(me: &Voice, others: &[Voice], prior: &[Micro]) -> Option<(Micro, Micro)> {
    let (mut lean, mut den) = (0i128, 0u128);
    for o in others.iter().filter(|o| o.checker != me.checker) {
        let w = u128::from(o.confidence) * u128::from(prior[o.checker as usize].0);
        den += w;
        // 2q − 4 is within ±4 and w < 2^27 × 100: far inside i128.
        lean += w as i128 * (2 * o.q as i128 - 4);
    }
    if den == 0 {
        return None;
    }
    let one = u128::from(ONE);
    let strength = div_round(lean.unsigned_abs() * one, 4 * den);
    let side = if lean > 0 { me.q } else { 4 - me.q.min(4) };
    let agree = div_round(u128::from(strength) * u128::from(side), 4);
    Some((Micro(agree), Micro(strength - agree)))
}

/// The weight from agreement α, disagreement δ, prior p and prior weight P
/// (all millionths): (α + P·p) / (α + δ + P).
pub(crate) fn weight(agree: Micro, disagree: Micro, prior: Micro, prior_weight: Micro) -> Micro {
    let one = u128::from(ONE);
    let num = u128::from(agree.0) * one + u128::from(prior_weight.0) * u128::from(prior.0);
    let den = u128::from(agree.0) + u128::from(disagree.0) + u128::from(prior_weight.0);
    Micro(div_round(num, den))
}

/// The conflict among a story's value voices, in millionths: the weighted
/// mean distance between two checkers' ratings,
/// Σᵢ<ⱼ wᵢwⱼ|qᵢ − qⱼ| / (4 Σᵢ<ⱼ wᵢwⱼ), with wᵢ = confidenceᵢ × weightᵢ.
/// 0 with fewer than two weighted voices.
pub(crate) fn conflict(voices: &[Voice], weights: &[Micro]) -> Micro {
    let w = |v: &Voice| u128::from(v.confidence) * u128::from(weights[v.checker as usize].0);
    let (mut num, mut den) = (0u128, 0u128);
    for (i, a) in voices.iter().enumerate() {
        for b in &voices[i + 1..] {
            let ww = w(a) * w(b);
            den += ww;
            num += ww * u128::from(a.q.abs_diff(b.q));
        }
    }
    if den == 0 {
        Micro::ZERO
    } else {
        Micro(div_round(num * u128::from(ONE), 4 * den))
    }
}

/// Voices on both sides of `mixed`: one checker rates it true or mostly
/// true and another false or mostly false, each with some weight.
pub(crate) fn disputed(voices: &[Voice], weights: &[Micro]) -> bool {
    let weighed = |v: &&Voice| v.confidence > 0 && weights[v.checker as usize].0 > 0;
    let up = voices.iter().filter(weighed).any(|v| v.q >= 3);
    let down = voices.iter().filter(weighed).any(|v| v.q <= 1);
    up && down
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v(checker: Ix, q: u64, confidence: u8) -> Voice {
        Voice {
            checker,
            q,
            confidence,
        }
    }

    #[test]
    fn agreement_with_the_others_consensus() {
        let prior = [Micro(800_000); 4];
        let m = |a: u64, d: u64| Some((Micro(a), Micro(d)));
        // Alone: nothing to agree with.
        assert_eq!(agreement(&v(0, 4, 100), &[v(0, 4, 100)], &prior), None);
        // The others split evenly: no consensus, no evidence either way.
        let split = [v(0, 4, 100), v(1, 4, 100), v(2, 0, 100)];
        assert_eq!(agreement(&split[0], &split, &prior), m(0, 0));
        // Against two agreeing others: full disagreement.
        assert_eq!(agreement(&split[2], &split, &prior), m(0, ONE));
        // With them: full agreement; mixed against them: half and half.
        assert_eq!(agreement(&v(3, 4, 100), &split[..2], &prior), m(ONE, 0));
        assert_eq!(
            agreement(&v(3, 2, 100), &split[..2], &prior),
            m(500_000, 500_000)
        );
        // Three others, two true, one false: a third of a consensus.
        let four = [v(0, 4, 100), v(1, 4, 100), v(2, 0, 100), v(3, 4, 100)];
        assert_eq!(agreement(&four[3], &four, &prior), m(333_333, 0));
        // Others saying false: true is disagreement.
        assert_eq!(agreement(&v(3, 4, 100), &[v(0, 0, 100)], &prior), m(0, ONE));
        assert_eq!(
            agreement(&v(3, 1, 100), &[v(0, 0, 100)], &prior),
            m(750_000, 250_000)
        );
    }

    #[test]
    fn weight_moves_from_the_prior_with_the_record() {
        let p = Micro(800_000);
        let pw = Micro(2 * ONE);
        assert_eq!(weight(Micro(0), Micro(0), p, pw), p);
        // Ten agreements: (10 + 1.6) / 12.
        assert_eq!(weight(Micro(10 * ONE), Micro(0), p, pw), Micro(966_667));
        // Ten disagreements: 1.6 / 12.
        assert_eq!(weight(Micro(0), Micro(10 * ONE), p, pw), Micro(133_333));
    }

    #[test]
    fn conflict_and_disputes() {
        let w = [Micro(ONE); 4];
        assert_eq!(conflict(&[v(0, 4, 100)], &w), Micro(0));
        assert_eq!(conflict(&[v(0, 4, 100), v(1, 0, 100)], &w), Micro(ONE));
        assert_eq!(conflict(&[v(0, 4, 100), v(1, 3, 100)], &w), Micro(250_000));
        // Three trues, one false: 3 of 6 pairs disagree fully.
        let three = [v(0, 4, 100), v(1, 4, 100), v(2, 4, 100), v(3, 0, 100)];
        assert_eq!(conflict(&three, &w), Micro(500_000));
        assert!(disputed(&three, &w));
        assert!(!disputed(&[v(0, 4, 100), v(1, 2, 100)], &w));
        assert!(!disputed(&[v(0, 4, 100), v(1, 0, 0)], &w));
    }
}
