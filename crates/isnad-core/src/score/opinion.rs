//! Subjective Logic opinions (Jøsang 2016): belief, disbelief, uncertainty
//! and base rate, with discounting and the two fusion operators the model
//! uses.
//!
//! Fusion takes any number of opinions at once. For opinions with `u > 0`
//! both operators are sums of `b/u`, `d/u` and `1/u`, which is the pairwise
//! formula of `docs/SCORING.md` extended to n opinions (and equal to it for
//! two):
//!
//! ```text
//! averaging:   b = Σ(b_i/u_i) / Σ(1/u_i)                u = n / Σ(1/u_i)
//! cumulative:  b = Σ(b_i/u_i) / (Σ(1/u_i) − (n − 1))    u = 1 / (Σ(1/u_i) − (n − 1))
//! ```
//!
//! (d like b). When some `u_i` is exactly 0, those dogmatic opinions
//! decide: their `b` and `d` are averaged and `u` is 0, the limit both
//! operators reach (and the "both u are 0" rule of the spec). Sums run over
//! the terms sorted by value, so the result does not depend on the order the
//! opinions are given in (floating-point addition is not associative).

use super::fixed::Micro;

/// A binomial opinion: `b + d + u = 1`, all in [0, 1], and a base rate `a`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Opinion {
    /// Belief.
    pub b: f64,
    /// Disbelief.
    pub d: f64,
    /// Uncertainty.
    pub u: f64,
    /// Base rate: the prior probability in the absence of evidence.
    pub a: f64,
}

impl Opinion {
    /// Total ignorance: (0, 0, 1) with base rate `a`.
    pub fn vacuous(a: f64) -> Opinion {
        Opinion {
            b: 0.0,
            d: 0.0,
            u: 1.0,
            a,
        }
    }

    /// The opinion from `r` positive and `s` negative units of evidence with
    /// prior weight `w` (Beta Reputation System): `b = r/(r+s+w)`,
    /// `d = s/(r+s+w)`, `u = w/(r+s+w)`. All three are given in the same
    /// unit (millionths here), so the unit cancels.
    pub fn from_evidence(r: u64, s: u64, w: u64, a: f64) -> Opinion {
        let total = r as f64 + s as f64 + w as f64;
        if total == 0.0 {
            return Opinion::vacuous(a);
        }
        Opinion {
            b: r as f64 / total,
            d: s as f64 / total,
            u: w as f64 / total,
            a,
        }
    }

    /// The opinion from published millionths.
    pub fn from_micro(b: Micro, d: Micro, u: Micro, a: Micro) -> Opinion {
        Opinion {
            b: b.to_f64(),
            d: d.to_f64(),
            u: u.to_f64(),
            a: a.to_f64(),
        }
    }

    /// Expected value (projected probability) `E = b + a·u`.
    pub fn expected(&self) -> f64 {
        self.b + self.a * self.u
    }

    /// Discounted by trust `t` in the path that delivered it:
    /// `b' = t·b`, `d' = t·d`, `u' = 1 − t·(b + d)` (never below 0).
    pub fn discount(&self, t: f64) -> Opinion {
        let b = t * self.b;
        let d = t * self.d;
        Opinion {
            b,
            d,
            u: (1.0 - (b + d)).max(0.0),
            a: self.a,
        }
    }

    /// Rounded to millionths for publication, with `E` from the unrounded
    /// opinion.
    pub fn publish(&self) -> Published {
        Published {
            b: Micro::from_f64(self.b),
            d: Micro::from_f64(self.d),
            u: Micro::from_f64(self.u),
            a: Micro::from_f64(self.a),
            e: Micro::from_f64(self.expected()),
        }
    }
}

/// An opinion as published: every figure in millionths.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default, serde::Serialize)]
pub struct Published {
    /// Belief.
    pub b: Micro,
    /// Disbelief.
    pub d: Micro,
    /// Uncertainty.
    pub u: Micro,
    /// Base rate.
    pub a: Micro,
    /// Expected value `b + a·u`.
    pub e: Micro,
}

/// Averaging fusion: for opinions that are not independent (reports that
/// trace back to the same origin). Empty input gives the vacuous opinion.
pub fn fuse_averaging(ops: &[Opinion], a: f64) -> Opinion {
    fuse(ops, a, false)
}

/// Cumulative fusion: for independent opinions (different origins, and
/// verdicts). The vacuous opinion is its neutral element. Empty input gives
/// the vacuous opinion.
pub fn fuse_cumulative(ops: &[Opinion], a: f64) -> Opinion {
    fuse(ops, a, true)
}

fn fuse(ops: &[Opinion], a: f64, cumulative: bool) -> Opinion {
    match ops {
        [] => return Opinion::vacuous(a),
        // Either operator leaves a single opinion as it is (the sums below
        // would only add rounding).
        [one] => return Opinion { a, ..*one },
        _ => {}
    }
    let dogmatic: Vec<&Opinion> = ops.iter().filter(|o| o.u == 0.0).collect();
    if !dogmatic.is_empty() {
        let n = dogmatic.len() as f64;
        let b = sorted_sum(dogmatic.iter().map(|o| o.b)) / n;
        let d = sorted_sum(dogmatic.iter().map(|o| o.d)) / n;
        return Opinion { b, d, u: 0.0, a };
    }
    let inv = sorted_sum(ops.iter().map(|o| 1.0 / o.u));
    let bs = sorted_sum(ops.iter().map(|o| o.b / o.u));
    let ds = sorted_sum(ops.iter().map(|o| o.d / o.u));
    let n = ops.len() as f64;
    let (den, u_num) = if cumulative {
        (inv - (n - 1.0), 1.0)
    } else {
        (inv, n)
    };
    if den <= 0.0 {
        // Only for opinions with u > 1, which no caller makes.
        return Opinion::vacuous(a);
    }
    Opinion {
        b: bs / den,
        d: ds / den,
        u: u_num / den,
        a,
    }
}

/// Sum in ascending order of value, so that the order of the inputs does not
/// matter. (Every term here is non-negative and finite, so the order of the
/// bit patterns is the order of the values.)
fn sorted_sum(xs: impl Iterator<Item = f64>) -> f64 {
    let mut v: Vec<u64> = xs.map(f64::to_bits).collect();
    v.sort_unstable();
    v.into_iter()
        .map(f64::from_bits)
        .fold(0.0, |acc, x| acc + x)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn op(b: f64, d: f64, u: f64) -> Opinion {
        Opinion { b, d, u, a: 0.5 }
    }

    /// Rounded to four places, as the table in SCORING.md gives them.
    fn four(x: f64) -> f64 {
        (x * 10_000.0).round() / 10_000.0
    }

    fn assert_row(o: &Opinion, b: f64, d: f64, u: f64, e: f64) {
        assert_eq!(
            (four(o.b), four(o.d), four(o.u), four(o.expected())),
            (b, d, u, e),
            "{o:?}"
        );
    }

    // The known-answer table of docs/SCORING.md, row by row, on the
    // operators alone (the replay tests check it again through a ledger).
    #[test]
    fn known_answer_rows() {
        let fawasel = Opinion::from_evidence(3, 1, 2, 0.5);
        assert_row(&fawasel, 0.5, 0.1667, 0.3333, 0.6667);
        let nova = Opinion::from_evidence(8, 0, 2, 0.5);
        assert_row(&nova, 0.8, 0.0, 0.2, 0.9);

        let t = nova.expected();
        let report = fawasel.discount(t);
        assert_row(&report, 0.45, 0.15, 0.4, 0.65);

        // Twice through two relays of E = 0.9, same origin: averaging.
        let same = fuse_averaging(&[report, report], 0.5);
        assert_row(&same, 0.45, 0.15, 0.4, 0.65);
        // The same two wrongly fused as independent.
        let wrong = fuse_cumulative(&[report, report], 0.5);
        assert_row(&wrong, 0.5625, 0.1875, 0.25, 0.6875);
        // A second, independent origin with the same opinion.
        let two = fuse_cumulative(&[same, report], 0.5);
        assert_row(&two, 0.5625, 0.1875, 0.25, 0.6875);
        // Plus "several sources": vacuous, unchanged.
        let plus = fuse_cumulative(&[same, report, Opinion::vacuous(0.5)], 0.5);
        assert_row(&plus, 0.5625, 0.1875, 0.25, 0.6875);

        // A false verdict on Nova → Fawasel: Fawasel r = 3, s = 2; Nova
        // r = 8, s = 0.5.
        assert_row(
            &Opinion::from_evidence(3, 2, 2, 0.5),
            0.4286,
            0.2857,
            0.2857,
            0.5714,
        );
        assert_row(
            &Opinion::from_evidence(16, 1, 4, 0.5),
            0.7619,
            0.0476,
            0.1905,
            0.8571,
        );
    }

    // The n-ary sums are the pairwise formulas of SCORING.md for two.
    #[test]
    fn pairwise_formulas() {
        let x = op(0.3, 0.2, 0.5);
        let y = op(0.6, 0.1, 0.3);
        let avg = fuse_averaging(&[x, y], 0.5);
        let den = x.u + y.u;
        assert!((avg.b - (x.b * y.u + y.b * x.u) / den).abs() < 1e-15);
        assert!((avg.d - (x.d * y.u + y.d * x.u) / den).abs() < 1e-15);
        assert!((avg.u - 2.0 * x.u * y.u / den).abs() < 1e-15);
        let cum = fuse_cumulative(&[x, y], 0.5);
        let den = x.u + y.u - x.u * y.u;
        assert!((cum.b - (x.b * y.u + y.b * x.u) / den).abs() < 1e-15);
        assert!((cum.d - (x.d * y.u + y.d * x.u) / den).abs() < 1e-15);
        assert!((cum.u - x.u * y.u / den).abs() < 1e-15);
        for o in [avg, cum] {
            assert!((o.b + o.d + o.u - 1.0).abs() < 1e-15);
        }
    }

    #[test]
    fn dogmatic_opinions_are_averaged() {
        let x = op(1.0, 0.0, 0.0);
        let y = op(0.5, 0.5, 0.0);
        let z = op(0.2, 0.2, 0.6);
        for o in [
            fuse_cumulative(&[x, y, z], 0.5),
            fuse_averaging(&[z, y, x], 0.5),
        ] {
            assert_eq!((o.b, o.d, o.u), (0.75, 0.25, 0.0));
        }
    }

    #[test]
    fn vacuous_is_neutral_for_cumulative_and_empty_is_vacuous() {
        let x = op(0.3, 0.2, 0.5);
        assert_eq!(fuse_cumulative(&[x, Opinion::vacuous(0.5)], 0.5), x);
        assert_eq!(fuse_cumulative(&[], 0.5), Opinion::vacuous(0.5));
        assert_eq!(fuse_averaging(&[], 0.5), Opinion::vacuous(0.5));
    }

    #[test]
    fn order_does_not_matter() {
        let ops = [
            op(0.1, 0.7, 0.2),
            op(0.33, 0.33, 0.34),
            op(0.9, 0.05, 0.05),
            op(0.0, 0.0, 1.0),
        ];
        let mut rev = ops;
        rev.reverse();
        assert_eq!(fuse_cumulative(&ops, 0.5), fuse_cumulative(&rev, 0.5));
        assert_eq!(fuse_averaging(&ops, 0.5), fuse_averaging(&rev, 0.5));
    }

    #[test]
    fn publish_rounds_to_millionths() {
        let p = Opinion::from_evidence(3, 1, 2, 0.5).publish();
        assert_eq!(
            (p.b, p.d, p.u, p.a, p.e),
            (
                Micro(500_000),
                Micro(166_667),
                Micro(333_333),
                Micro(500_000),
                Micro(666_667)
            )
        );
    }
}
