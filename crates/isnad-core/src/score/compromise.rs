//! Compromise is total: which entries count for nothing.
//!
//! A key revoked as `compromised` since T may have signed anything from T
//! on, so every entry it signed at or after T counts for nothing, of every
//! kind: verdicts, supersessions, retractions and corrections, priors,
//! relations, sources, claims, enrolments of other keys (whose own entries
//! then count for nothing either) and revocations. What those entries
//! retracted or superseded stands again, because resolution
//! ([`super::resolve`]) simply never sees them.
//!
//! A revocation can itself come from a stolen key, so revocations are
//! judged from the last to the first: each counts unless its signer is
//! already void at its time under the revocations after it that count.
//! **Decision**: the later word wins, because whoever revokes later knows
//! more (the owner revoking the thief's key after the thief revoked the
//! owner's). A key's compromise time is the earliest `since` among the
//! revocations that count of it or of a key that replaced it by rotation
//! ([`compromise_lineage`]).

use crate::time::Timestamp;

use super::facts::{Facts, Ix, Sig};

/// Which keys count, and from when they do not.
pub(crate) struct Compromise {
    /// Compromised from this time on.
    since: Vec<Option<Timestamp>>,
    /// The key's enrolment counts (it was enrolled by a key that counted
    /// at the time).
    enrolled: Vec<bool>,
}

fn hit(since: Option<Timestamp>, t: Timestamp) -> bool {
    since.is_some_and(|s| t >= s)
}

/// Whether key `k`'s enrolment counts under `since`: walks the chain of
/// enrolling keys back to the genesis key, which enrols itself.
fn enrolled_under(f: &Facts, since: &[Option<Timestamp>], mut k: Ix) -> bool {
    // Each key was enrolled by an earlier one, so the walk ends; the bound
    // makes that plain.
    for _ in 0..=f.keys.len() {
        let e = f.keys[k as usize].enrolled;
        match e.signer {
            Some(s) if s == k => return !hit(since[k as usize], e.time),
            Some(s) if s < k => {
                if hit(since[s as usize], e.time) {
                    return false;
                }
                k = s;
            }
            _ => return false,
        }
    }
    false
}

/// Marks key `k` compromised from `t`, and every key it was rotated from
/// as well: a rotated key is the same checker, and a thief who rotated a
/// stolen key to one of their own signed the handover with the stolen one,
/// so "the new key is compromised since T", with T before the new key
/// existed, says the old one was held by the thief from T. (Entries the old
/// key signed before T, or before the rotation if that was before T, are
/// untouched.) The ledger never lets a retired key be revoked again, so
/// this is how its owner voids it: by revoking the key that replaced it.
fn compromise_lineage(f: &Facts, since: &mut [Option<Timestamp>], mut k: Ix, t: Timestamp) {
    // Each rotation replaces an earlier key, so the walk ends; the bound
    // makes that plain.
    for _ in 0..=f.keys.len() {
        let s = &mut since[k as usize];
        *s = Some(s.map_or(t, |x| x.min(t)));
        match f.keys[k as usize].replaces {
            Some(p) if p < k => k = p,
            _ => return,
        }
    }
}

impl Compromise {
    pub fn resolve(f: &Facts) -> Compromise {
        let mut since: Vec<Option<Timestamp>> = vec![None; f.keys.len()];
        for r in (0..f.revocations.len()).rev() {
            let fact = &f.revocations[r];
            let signer_ok = fact.sig.signer.is_some_and(|s| {
                !hit(since[s as usize], fact.sig.time) && enrolled_under(f, &since, s)
            });
            if signer_ok {
                compromise_lineage(f, &mut since, fact.key, fact.since);
            }
        }
        let mut enrolled = vec![false; f.keys.len()];
        for k in 0..f.keys.len() {
            let e = f.keys[k].enrolled;
            enrolled[k] = match e.signer {
                Some(s) if s as usize == k => !hit(since[k], e.time),
                Some(s) if (s as usize) < k => {
                    enrolled[s as usize] && !hit(since[s as usize], e.time)
                }
                _ => false,
            };
        }
        Compromise { since, enrolled }
    }

    /// An entry signed as `sig` counts for nothing: its signer is unknown,
    /// its signer's enrolment does not count, or its signer was compromised
    /// at its time.
    pub fn void(&self, sig: Sig) -> bool {
        match sig.signer {
            None => true,
            Some(k) => !self.enrolled[k as usize] || hit(self.since[k as usize], sig.time),
        }
    }

    /// The time key `k` is compromised from, if a revocation that counts
    /// says so.
    pub fn since(&self, k: Ix) -> Option<Timestamp> {
        self.since[k as usize]
    }
}
