//! The model's parameters, with the defaults of `docs/SCORING.md`.
//!
//! Every number is an integer (seconds, or [`Micro`] millionths) so that a
//! parameter set has one exact meaning and can be written into the state
//! root's serialisation.

use crate::error::Error;
use crate::record::Grade;

use super::fixed::{Micro, ONE};

/// Seconds in a day.
pub const DAY_SECS: u64 = 86_400;

/// The scoring model's parameters. [`Params::default`] is the model of
/// `docs/SCORING.md`; change a field only to study the model, since scores
/// computed with other parameters have another state root.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Params {
    /// Half-life of a verdict's weight, in seconds (730 days): evidence
    /// about a source's reliability should fade over a few years, as
    /// outlets change staff and owners.
    pub half_life_secs: u64,
    /// Share ρ of a verdict's weight that each relay of a chain takes
    /// (0.5): a relay chose to repeat the claim, but did not make it.
    pub relay_share: Micro,
    /// Prior weight W (2 units of evidence): the uncertainty a source with
    /// no record starts with, as in the Beta Reputation System.
    pub prior_weight: Micro,
    /// Units of evidence a verdict on a claim is worth for that claim's own
    /// credibility (10): a fact-check outweighs the reports it checks.
    pub verdict_weight: u64,
    /// Base rate for an editor's prior grade A, B, C, D, E, F (0.95, 0.8,
    /// 0.65, 0.45, 0.25, 0.5): Admiralty grades as probabilities, F being
    /// "cannot be judged" and so the neutral 0.5.
    pub grade_base_rates: [Micro; 6],
    /// Base rate of a source with no prior (0.5, no opinion either way).
    pub default_base_rate: Micro,
    /// Base rate of every claim (0.5).
    pub claim_base_rate: Micro,
    /// Saturation K (6 units): what one checker's verdicts about one source
    /// can add up to. n units of its evidence count as n·K/(n + K), so one
    /// checker alone never gives a source more than K units, and each
    /// further verdict adds less than the one before.
    pub saturation: Micro,
    /// Prior weight of a checker's weight (2 units of agreement): how much
    /// track record against other checkers it takes to move a checker's
    /// weight away from its prior.
    pub checker_prior_weight: Micro,
    /// A checker's prior weight when no admin `trust` record grades it
    /// (0.8, the base rate of grade B, "usually reliable"): below 1, so a
    /// checker that agrees with the others can earn more.
    pub checker_default_trust: Micro,
}

impl Default for Params {
    fn default() -> Self {
        Params {
            half_life_secs: 730 * DAY_SECS,
            relay_share: Micro(500_000),
            prior_weight: Micro(2 * ONE),
            verdict_weight: 10,
            grade_base_rates: [
                Micro(950_000),
                Micro(800_000),
                Micro(650_000),
                Micro(450_000),
                Micro(250_000),
                Micro(500_000),
            ],
            default_base_rate: Micro(500_000),
            claim_base_rate: Micro(500_000),
            saturation: Micro(6 * ONE),
            checker_prior_weight: Micro(2 * ONE),
            checker_default_trust: Micro(800_000),
        }
    }
}

/// The largest verdict weight accepted: keeps every sum of evidence far
/// inside `u64` and exactly representable as an `f64`.
pub const MAX_VERDICT_WEIGHT: u64 = 1_000;
/// The largest prior weight accepted, in units of evidence.
pub const MAX_PRIOR_WEIGHT: u64 = 1_000;

impl Params {
    /// The base rate a source gets from its prior grade, if any.
    pub fn base_rate(&self, prior: Option<Grade>) -> Micro {
        match prior {
            None => self.default_base_rate,
            Some(g) => self.grade_base_rates[g as usize],
        }
    }

    /// The prior weight a checker starts from: its admin `trust` grade's
    /// base rate, else [`Params::checker_default_trust`].
    pub fn checker_trust(&self, grade: Option<Grade>) -> Micro {
        match grade {
            None => self.checker_default_trust,
            Some(g) => self.grade_base_rates[g as usize],
        }
    }

    /// Checks that the parameters make sense: a positive half-life, prior
    /// weights and saturation, shares and base rates within [0, 1], weights
    /// within the bounds above.
    ///
    /// # Errors
    /// [`Error::Field`] naming the parameter (`params.half_life_secs`).
    pub fn check(&self) -> Result<(), Error> {
        let bad = |field: &str, why: &str| Err(Error::field(format!("params.{field}"), why));
        if self.half_life_secs == 0 {
            return bad("half_life_secs", "must be positive");
        }
        if self.relay_share.0 > ONE {
            return bad("relay_share", "must be at most 1");
        }
        if self.prior_weight.0 == 0 || self.prior_weight.0 > MAX_PRIOR_WEIGHT * ONE {
            return bad("prior_weight", "must be positive and at most 1000");
        }
        if self.saturation.0 == 0 || self.saturation.0 > MAX_PRIOR_WEIGHT * ONE {
            return bad("saturation", "must be positive and at most 1000");
        }
        if self.checker_prior_weight.0 == 0 || self.checker_prior_weight.0 > MAX_PRIOR_WEIGHT * ONE
        {
            return bad("checker_prior_weight", "must be positive and at most 1000");
        }
        if self.verdict_weight > MAX_VERDICT_WEIGHT {
            return bad("verdict_weight", "must be at most 1000");
        }
        let rates = self.grade_base_rates.iter().chain([
            &self.default_base_rate,
            &self.claim_base_rate,
            &self.checker_default_trust,
        ]);
        if rates.into_iter().any(|r| r.0 > ONE) {
            return bad("base rates", "must be at most 1");
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_are_the_documented_model() {
        let p = Params::default();
        assert!(p.check().is_ok());
        assert_eq!(p.half_life_secs, 63_072_000);
        assert_eq!(p.base_rate(None), Micro(500_000));
        assert_eq!(p.base_rate(Some(Grade::A)), Micro(950_000));
        assert_eq!(p.base_rate(Some(Grade::C)), Micro(650_000));
        assert_eq!(p.base_rate(Some(Grade::F)), Micro(500_000));
    }

    #[test]
    fn nonsense_is_refused() {
        let mut p = Params {
            half_life_secs: 0,
            ..Params::default()
        };
        assert!(p.check().is_err());
        p.half_life_secs = 1;
        p.prior_weight = Micro(0);
        assert!(p.check().is_err());
        p.prior_weight = Micro(ONE);
        p.relay_share = Micro(ONE + 1);
        assert!(p.check().is_err());
    }
}
