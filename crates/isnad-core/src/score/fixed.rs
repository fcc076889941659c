//! Millionths: the fixed-point numbers the state keeps and publishes.
//!
//! Evidence, weights, decay factors and every published score are whole
//! numbers of millionths ([`Micro`]), so that the state root hashes integers
//! and an auditor never has to match someone else's last floating-point bit
//! in what is published. Where a rational number becomes millionths it is
//! rounded **half up** (ties away from zero; every quantity here is
//! non-negative).

use std::fmt;

/// One million: the denominator of [`Micro`].
pub const ONE: u64 = 1_000_000;

/// A non-negative number in millionths: `Micro(666_667)` is 0.666667.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Debug, Default)]
pub struct Micro(pub u64);

impl Micro {
    /// Zero.
    pub const ZERO: Micro = Micro(0);
    /// One.
    pub const ONE: Micro = Micro(ONE);

    /// As a float (exact for every value below 2^53 millionths).
    pub fn to_f64(self) -> f64 {
        self.0 as f64 / ONE as f64
    }

    /// A float in [0, ∞) rounded half up to millionths (ties away from
    /// zero, computed without libm).
    pub fn from_f64(x: f64) -> Micro {
        Micro(round_f64(x * ONE as f64))
    }
}

/// Serialises as a JSON number with at most six decimals (`0.666667`): the
/// shortest decimal that reads back as the same float, which for millionths
/// is the decimal itself.
impl serde::Serialize for Micro {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_f64(self.to_f64())
    }
}

impl fmt::Display for Micro {
    /// Decimal with exactly six places: `0.666667`, `8.500000`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let s = format!("{}.{:06}", self.0 / ONE, self.0 % ONE);
        f.pad(&s)
    }
}

/// `num / den` rounded half up, in exact integer arithmetic. A zero `den`
/// gives 0 (callers never divide by zero: [`super::Params::check`] keeps the
/// prior weight positive).
pub fn div_round(num: u128, den: u128) -> u64 {
    if den == 0 {
        return 0;
    }
    let half = den / 2;
    // The same quotient in 64 bits when everything fits: a 128-bit division
    // is a library call several times slower, and replay does millions.
    if let (Ok(n), Ok(d)) = (u64::try_from(num + half), u64::try_from(den)) {
        return n / d;
    }
    let q = (num + half) / den;
    u64::try_from(q).unwrap_or(u64::MAX)
}

/// A non-negative float rounded half up to a whole number, without libm:
/// the truncating cast is exact, and the comparison decides the tie.
/// NaN and negative values give 0; values beyond `u64` saturate.
pub fn round_f64(y: f64) -> u64 {
    if y.is_nan() || y <= 0.0 {
        return 0;
    }
    // `as` saturates for values above u64::MAX.
    let t = y as u64;
    if y - t as f64 >= 0.5 {
        t.saturating_add(1)
    } else {
        t
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rounding_is_half_up() {
        assert_eq!(div_round(2, 3), 1);
        assert_eq!(div_round(1, 3), 0);
        assert_eq!(div_round(1, 2), 1);
        assert_eq!(div_round(5, 0), 0);
        // The 128-bit path: quotients past 64 bits saturate, and a sum
        // past 64 bits still divides exactly.
        let max = u128::from(u64::MAX);
        assert_eq!(div_round(max * 3, 3), u64::MAX);
        assert_eq!(div_round(max * 4, 2), u64::MAX);
        assert_eq!(div_round(max + 7, 2), u64::MAX / 2 + 4);
        assert_eq!(round_f64(0.5), 1);
        assert_eq!(round_f64(0.499_999), 0);
        assert_eq!(round_f64(2.5), 3);
        assert_eq!(round_f64(-1.0), 0);
        assert_eq!(round_f64(f64::NAN), 0);
        assert_eq!(Micro::from_f64(2.0 / 3.0), Micro(666_667));
    }

    #[test]
    fn display_has_six_places() {
        assert_eq!(Micro(666_667).to_string(), "0.666667");
        assert_eq!(Micro(8_500_000).to_string(), "8.500000");
        assert_eq!(Micro(0).to_string(), "0.000000");
        assert_eq!(format!("{:>10}", Micro(1)), "  0.000001");
    }
}
