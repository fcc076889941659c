//! Evidence from verdicts: a verdict's weight, and how it is shared out
//! along the rated claim's chain.
//!
//! All in integer millionths, each amount rounded half up on its own, so a
//! source's total does not depend on the order verdicts are added in:
//!
//! ```text
//! w        = round(confidence × decay × dispute / 100)        (decay, dispute in millionths)
//! r_share  = round(w × q × share / (4 × 10^6))                (q = 4x: true 4 … false 0)
//! s_share  = round(w × (4 − q) × share / (4 × 10^6))
//! ```

use crate::record::Rating;

use super::facts::Hop;
use super::fixed::{Micro, ONE, div_round};
use super::report::EvidenceRole;

/// A rating's value x in quarters (true 4, mostly-true 3, mixed 2,
/// mostly-false 1, false 0); `None` for the ratings that carry no value.
pub fn quarters(rating: Rating) -> Option<u64> {
    match rating {
        Rating::True => Some(4),
        Rating::MostlyTrue => Some(3),
        Rating::Mixed => Some(2),
        Rating::MostlyFalse => Some(1),
        Rating::False => Some(0),
        Rating::Unverifiable | Rating::Misattributed => None,
    }
}

/// The (r, s) a share of weight `w` adds for a rating of `q` quarters.
pub fn split(w: Micro, q: u64, share: Micro) -> (Micro, Micro) {
    let den = 4 * u128::from(ONE);
    let ws = u128::from(w.0) * u128::from(share.0);
    (
        Micro(div_round(ws * u128::from(q), den)),
        Micro(div_round(ws * u128::from(4 - q.min(4)), den)),
    )
}

/// One hop's share of a verdict.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Share {
    /// Position of the hop in the chain (0 is the publisher).
    pub hop: usize,
    /// The role that earns the share.
    pub role: EvidenceRole,
    /// The fraction of w: 1, or ρ for a relay.
    pub share: Micro,
}

/// Calls `out` for every hop of `chain` that a verdict with `rating` gives
/// evidence to, in chain order. `anonymous` says whether a hop is unnamed;
/// unnamed hops never take evidence.
///
/// - value ratings: the originator (last hop) takes 1, each named relay ρ;
///   when the originator is anonymous, the nearest named relay before it
///   takes 1 instead of ρ (it vouches for its unnamed sources);
/// - `misattributed`: the hop that made the attribution, the one just
///   before the originator (or, if that hop is unnamed, the nearest named
///   one before it, which vouches for it), takes 1 and the rating counts as
///   false (s += w); a one-hop chain has no such hop;
/// - `unverifiable`: nothing.
pub fn shares(
    chain: &[Hop],
    anonymous: impl Fn(Hop) -> bool,
    rating: Rating,
    relay_share: Micro,
    mut out: impl FnMut(Share),
) {
    let Some(k) = chain.len().checked_sub(1) else {
        return;
    };
    let nearest_named_before = |end: usize| (0..end).rev().find(|&i| !anonymous(chain[i]));
    match rating {
        Rating::Unverifiable => {}
        Rating::Misattributed => {
            if let Some(j) = nearest_named_before(k) {
                out(Share {
                    hop: j,
                    role: EvidenceRole::MadeMisattribution,
                    share: Micro::ONE,
                });
            }
        }
        _ => {
            let origin_named = !anonymous(chain[k]);
            let voucher = if origin_named {
                None
            } else {
                nearest_named_before(k)
            };
            for (i, h) in chain[..k].iter().enumerate() {
                if anonymous(*h) {
                    continue;
                }
                let (role, share) = if voucher == Some(i) {
                    (EvidenceRole::VouchesForAnonymous, Micro::ONE)
                } else {
                    (EvidenceRole::Relay, relay_share)
                };
                out(Share {
                    hop: i,
                    role,
                    share,
                });
            }
            if origin_named {
                out(Share {
                    hop: k,
                    role: EvidenceRole::Originator,
                    share: Micro::ONE,
                });
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hops(anon: &[bool]) -> Vec<Hop> {
        anon.iter()
            .enumerate()
            .map(|(i, &a)| Hop {
                source: i as u32,
                anonymous: a,
            })
            .collect()
    }

    fn collect(chain: &[Hop], rating: Rating) -> Vec<(usize, EvidenceRole, u64)> {
        let mut v = Vec::new();
        shares(
            chain,
            |h| h.anonymous,
            rating,
            Micro(500_000),
            |s| {
                v.push((s.hop, s.role, s.share.0));
            },
        );
        v
    }

    #[test]
    fn split_by_rating() {
        assert_eq!(split(Micro(ONE), 4, Micro(ONE)), (Micro(ONE), Micro(0)));
        assert_eq!(
            split(Micro(ONE), 0, Micro(500_000)),
            (Micro(0), Micro(500_000))
        );
        assert_eq!(
            split(Micro(ONE), 3, Micro(500_000)),
            (Micro(375_000), Micro(125_000))
        );
    }

    #[test]
    fn roles_along_a_chain() {
        use EvidenceRole::*;
        let named = hops(&[false, false, false]);
        assert_eq!(
            collect(&named, Rating::False),
            [
                (0, Relay, 500_000),
                (1, Relay, 500_000),
                (2, Originator, ONE)
            ]
        );
        // Anonymous origin: the nearest named relay vouches for it.
        let anon = hops(&[false, false, true]);
        assert_eq!(
            collect(&anon, Rating::True),
            [(0, Relay, 500_000), (1, VouchesForAnonymous, ONE)]
        );
        // Misattributed: only the hop that made the attribution.
        assert_eq!(
            collect(&named, Rating::Misattributed),
            [(1, MadeMisattribution, ONE)]
        );
        let via_anon = hops(&[false, true, false]);
        assert_eq!(
            collect(&via_anon, Rating::Misattributed),
            [(0, MadeMisattribution, ONE)]
        );
        assert!(collect(&hops(&[false]), Rating::Misattributed).is_empty());
        assert!(collect(&named, Rating::Unverifiable).is_empty());
        assert_eq!(
            collect(&hops(&[false]), Rating::True),
            [(0, Originator, ONE)]
        );
    }
}
