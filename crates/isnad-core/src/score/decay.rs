//! Decay of a verdict's weight with age, computed the same on every machine.
//!
//! decay = 2^(−age / half-life). `powf` and `exp2` come from the platform's
//! libm and may differ in the last bit between platforms, so the factor is
//! built from operations IEEE 754 rounds exactly (× and sqrt), in a fixed
//! order:
//!
//! 1. `n = age ÷ h` whole half-lives and the remainder `rem = age mod h`
//!    (integers, seconds);
//! 2. the fraction `rem / h` truncated to [`FRACTION_BITS`] binary digits,
//!    `bits = ⌊rem · 2^32 / h⌋` (integer arithmetic);
//! 3. `c_i = 2^(−2^(−i))` for i = 1…32, where `c_1 = sqrt(0.5)` and
//!    `c_(i+1) = sqrt(c_i)`;
//! 4. `x = 1.0`, then for i = 1…32 in that order, `x = x · c_i` when bit
//!    `32 − i` of `bits` (the i-th digit after the binary point) is set;
//! 5. `x` halved `n` times (exact), times 10^6, rounded half up to whole
//!    millionths. From 64 half-lives on the factor is 0.
//!
//! Truncating the fraction to 32 bits changes the factor by less than
//! ln 2 · 2^(−32) ≈ 1.6 × 10^(−10) relative, far below a millionth.

use super::fixed::{Micro, ONE, round_f64};

/// Binary digits of the fraction of a half-life that the decay honours.
pub const FRACTION_BITS: u32 = 32;

/// The decay for one half-life, with its table of roots computed once.
#[derive(Clone, Debug)]
pub struct Decay {
    half_life: u64,
    /// `roots[i]` is 2^(−2^(−(i+1))).
    roots: [f64; FRACTION_BITS as usize],
}

impl Decay {
    /// The decay for a half-life in seconds (at least 1; 0 is taken as 1).
    pub fn new(half_life_secs: u64) -> Decay {
        let mut roots = [0.0; FRACTION_BITS as usize];
        let mut c = 0.5f64;
        for r in &mut roots {
            c = c.sqrt();
            *r = c;
        }
        Decay {
            half_life: half_life_secs.max(1),
            roots,
        }
    }

    /// The factor 2^(−age/h) for an age in seconds, in millionths.
    pub fn factor(&self, age_secs: u64) -> Micro {
        let h = self.half_life;
        let n = age_secs / h;
        if n >= 64 {
            return Micro::ZERO;
        }
        let rem = age_secs % h;
        // rem < h, so bits < 2^32.
        let bits = ((u128::from(rem) << FRACTION_BITS) / u128::from(h)) as u64;
        let mut x = 1.0f64;
        for (i, c) in self.roots.iter().enumerate() {
            if bits & (1 << (FRACTION_BITS as usize - 1 - i)) != 0 {
                x *= c;
            }
        }
        for _ in 0..n {
            x *= 0.5;
        }
        Micro(round_f64(x * ONE as f64))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::score::params::DAY_SECS;

    #[test]
    fn known_answers() {
        let d = Decay::new(730 * DAY_SECS);
        assert_eq!(d.factor(0), Micro(1_000_000));
        assert_eq!(d.factor(730 * DAY_SECS), Micro(500_000));
        assert_eq!(d.factor(1460 * DAY_SECS), Micro(250_000));
        assert_eq!(d.factor(2190 * DAY_SECS), Micro(125_000));
        // Half a half-life: 1/sqrt(2) = 0.70710678…
        assert_eq!(d.factor(365 * DAY_SECS), Micro(707_107));
        // A quarter: 2^(-1/4) = 0.84089641…
        assert_eq!(d.factor(730 * DAY_SECS / 4), Micro(840_896));
        // One and a half: 0.35355339…
        assert_eq!(d.factor(1095 * DAY_SECS), Micro(353_553));
        // 2^(-0.1) = 0.93303299…
        assert_eq!(d.factor(73 * DAY_SECS), Micro(933_033));
        // 2^(-21) < 0.5e-6 rounds to nothing, as does everything older.
        assert_eq!(d.factor(21 * 730 * DAY_SECS), Micro(0));
        assert_eq!(d.factor(u64::MAX), Micro(0));
    }

    #[test]
    fn never_increases_with_age() {
        let d = Decay::new(730 * DAY_SECS);
        let mut last = d.factor(0);
        for day in 1..3000 {
            let f = d.factor(day * DAY_SECS);
            assert!(f <= last, "day {day}");
            last = f;
        }
    }
}
