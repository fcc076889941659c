//! The state root: SHA-256 over a canonical text of every score.
//!
//! The text is ASCII, one record per line, each line ending in a single
//! line feed (0x0A), fields separated by one space (0x20). Numbers are
//! unsigned decimal integers with no sign and no leading zeros (`0` for
//! zero); every fraction is given in millionths (`666667` is 0.666667).
//!
//! ```text
//! isnad-state-v2
//! as-of <seq> <time>
//! params <half-life-secs> <ρ> <W> <verdict-weight> <aA> <aB> <aC> <aD> <aE> <aF> <a-default> <a-claim> <K> <P> <p-default>
//! checker <id> <prior> <p> <shared> <α> <δ> <weight> <voices>          (one per checker, by id)
//! source <slug> <r> <s> <a> <b> <d> <u> <E> <grade> <verdicts> <checkers>   (one per source, by slug)
//! claim <id> <b> <d> <u> <E> <tb> <td> <tu> <tE> <reports> <origins> <unknown> <confirmations>
//!       <checkers> <conflict> <disputed> <digit> <letter> <circular> <independence-unknown> <misattributed>
//!                                                             (one per standing claim, by id, on one line)
//! ```
//!
//! - `as-of`: the sequence number of the last entry folded (decimal) and
//!   the as-of time decay is measured from (`YYYY-MM-DDTHH:MM:SSZ`); `-`
//!   for either when there is none;
//! - `params`: the [`Params`](super::Params) fields in declaration order;
//! - `checker` lines in ascending byte order of the id; `<prior>` is the
//!   admin's grade letter or `-`;
//! - `source` lines in ascending byte order of the slug; `<grade>` is one
//!   letter `A`-`F`;
//! - `claim` lines in ascending order of the entry id (64 lowercase hex
//!   digits); `<tb> <td> <tu> <tE>` the verdicts' opinion or four `-`;
//!   `<digit>` is 1-6, `<letter>` `A`-`F`, flags `1` or `0`,
//!   `<misattributed>` the slug of the source that did not say it, or `-`.
//!   Retracted claims have no line.

use std::fmt;

use rayon::prelude::*;
use sha2::{Digest, Sha256};

use super::report::ClaimScore;
use super::scores::Scores;

/// The first line of the state text: names this serialisation.
pub const STATE_VERSION: &str = "isnad-state-v2";

/// SHA-256 of the state text.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Debug)]
pub struct StateRoot(pub [u8; 32]);

impl StateRoot {
    /// Lowercase hex, 64 characters.
    pub fn to_hex(&self) -> String {
        hex::encode(self.0)
    }
}

impl fmt::Display for StateRoot {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_hex())
    }
}

impl Scores {
    /// The state text whose SHA-256 is the state root (see the module
    /// documentation of `score::root` and `docs/SCORING.md`).
    pub fn state_text(&self) -> String {
        let mut out = Vec::new();
        self.write_state(&mut |b| out.extend_from_slice(b));
        // Every byte written is ASCII.
        String::from_utf8_lossy(&out).into_owned()
    }

    /// The state root: SHA-256 of [`Scores::state_text`], hashed as it is
    /// written rather than held in memory.
    pub fn state_root(&self) -> StateRoot {
        let mut h = Sha256::new();
        self.write_state(&mut |b| h.update(b));
        StateRoot(h.finalize().into())
    }

    /// Writes the state text to `sink`, a line at a time. Formatting is done
    /// by hand (decimal and hex digits into a reused buffer): at a million
    /// claims, `write!` would cost more than scoring them.
    fn write_state(&self, sink: &mut dyn FnMut(&[u8])) {
        let mut l = Vec::with_capacity(256);
        l.extend_from_slice(STATE_VERSION.as_bytes());
        l.extend_from_slice(b"\nas-of ");
        match self.last_entry() {
            Some((seq, _)) => num(&mut l, seq.0),
            None => l.push(b'-'),
        }
        l.push(b' ');
        match self.decay_time() {
            Some(t) => l.extend_from_slice(t.to_string().as_bytes()),
            None => l.push(b'-'),
        }
        l.extend_from_slice(b"\nparams");
        let p = self.params();
        let rates = p
            .grade_base_rates
            .iter()
            .chain([&p.default_base_rate, &p.claim_base_rate])
            .map(|a| a.0);
        for n in [
            p.half_life_secs,
            p.relay_share.0,
            p.prior_weight.0,
            p.verdict_weight,
        ]
        .into_iter()
        .chain(rates)
        .chain([
            p.saturation.0,
            p.checker_prior_weight.0,
            p.checker_default_trust.0,
        ]) {
            l.push(b' ');
            num(&mut l, n);
        }
        l.push(b'\n');
        sink(&l);

        let (checkers, sources, claims) = self.root_order();
        for c in checkers {
            l.clear();
            l.extend_from_slice(b"checker ");
            l.extend_from_slice(c.id.as_bytes());
            l.push(b' ');
            match c.prior {
                Some(g) => l.extend_from_slice(g.as_str().as_bytes()),
                None => l.push(b'-'),
            }
            for n in [
                c.prior_weight.0,
                u64::from(c.shared),
                c.agree.0,
                c.disagree.0,
                c.weight.0,
                u64::from(c.voices),
            ] {
                l.push(b' ');
                num(&mut l, n);
            }
            l.push(b'\n');
            sink(&l);
        }
        for s in sources {
            l.clear();
            l.extend_from_slice(b"source ");
            l.extend_from_slice(s.id.as_str().as_bytes());
            let o = &s.opinion;
            for n in [s.r.0, s.s.0, o.a.0, o.b.0, o.d.0, o.u.0, o.e.0] {
                l.push(b' ');
                num(&mut l, n);
            }
            l.push(b' ');
            l.extend_from_slice(s.grade.as_str().as_bytes());
            for n in [u64::from(s.verdicts), u64::from(s.checkers)] {
                l.push(b' ');
                num(&mut l, n);
            }
            l.push(b'\n');
            sink(&l);
        }
        // Claims are most of the text: their lines are written in
        // parallel, a part at a time, and handed to `sink` in order.
        for window in claims.chunks(CLAIM_WINDOW) {
            let parts: Vec<Vec<u8>> = window
                .par_chunks(CLAIM_PART)
                .map(|part| {
                    let mut text = Vec::with_capacity(part.len() * 192);
                    for c in part {
                        claim_line(&mut text, c);
                    }
                    text
                })
                .collect();
            for text in &parts {
                sink(text);
            }
        }
    }
}

// Tiny in unit tests, so that the pinned state roots there (the demo's,
// the model's) are written across many windows and parts.
/// Claims whose lines are written at once: a bounded buffer.
const CLAIM_WINDOW: usize = if cfg!(test) { 7 } else { 1 << 16 };
/// Claims whose lines one thread writes in one piece.
const CLAIM_PART: usize = if cfg!(test) { 3 } else { 2048 };

/// Appends claim `c`'s line of the state text to `l`.
fn claim_line(l: &mut Vec<u8>, c: &ClaimScore) {
    l.extend_from_slice(b"claim ");
    let mut hex = [0u8; 64];
    // 32 bytes always fit 64 hex digits.
    let _ = hex::encode_to_slice(c.claim.as_bytes(), &mut hex);
    l.extend_from_slice(&hex);
    let o = &c.opinion;
    for n in [o.b.0, o.d.0, o.u.0, o.e.0] {
        l.push(b' ');
        num(l, n);
    }
    match &c.truth {
        Some(t) => {
            for n in [t.b.0, t.d.0, t.u.0, t.e.0] {
                l.push(b' ');
                num(l, n);
            }
        }
        None => l.extend_from_slice(b" - - - -"),
    }
    for n in [
        u64::from(c.reports),
        u64::from(c.origins),
        u64::from(c.unknown),
        u64::from(c.confirmations),
        u64::from(c.checkers),
        c.conflict.0,
        u64::from(c.disputed),
        u64::from(c.credibility.digit()),
    ] {
        l.push(b' ');
        num(l, n);
    }
    l.push(b' ');
    l.extend_from_slice(c.letter.as_str().as_bytes());
    for n in [u64::from(c.circular), u64::from(c.independence_unknown)] {
        l.push(b' ');
        num(l, n);
    }
    l.push(b' ');
    match &c.misattributed {
        Some(s) => l.extend_from_slice(s.as_str().as_bytes()),
        None => l.push(b'-'),
    }
    l.push(b'\n');
}

/// Appends `n` in decimal, no leading zeros (`itoa`: a state text has
/// about twenty numbers a claim, and formatting them is a fifth of a replay).
fn num(out: &mut Vec<u8>, n: u64) {
    out.extend_from_slice(itoa::Buffer::new().format(n).as_bytes());
}
