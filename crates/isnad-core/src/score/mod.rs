//! The credibility engine: replays the ledger into a score for every source
//! and every claim, deterministically.
//!
//! The model, every formula and parameter, the decay method and the
//! byte-exact state root are specified in `docs/SCORING.md`; this is the map
//! of the code.
//!
//! # Using it
//!
//! Replay a ledger, then read scores, rankings and explanations:
//!
//! ```
//! use isnad_core::score::{self, AsOf, Params};
//!
//! # fn main() -> Result<(), isnad_core::Error> {
//! let dir = tempfile::tempdir().unwrap();
//! let demo = isnad_core::demo::build(dir.path())?;
//! let scores = score::replay_ledger(&demo.ledger, AsOf::Head, &Params::default())?;
//!
//! // The state root: the same on every machine, for every copy of the ledger.
//! println!("{}", scores.state_root());
//!
//! // Sources, most credible first, each with an Admiralty grade.
//! for s in scores.ranked() {
//!     println!("{} {:?} E={}", s.id, s.grade, s.opinion.e);
//! }
//! let nova = scores.explain_source(&"agenzia-nova".parse()?).unwrap();
//! assert!(!nova.evidence.is_empty());
//!
//! // Claim 2 derives from claim 1: one story, one origin, flagged circular.
//! let c2 = scores.claim(&demo.claims[1]).unwrap();
//! assert_eq!((c2.reports, c2.origins, c2.circular), (2, 1, true));
//! println!("{} ({})", c2.credibility.digit(), c2.credibility.wording());
//! # Ok(()) }
//! ```
//!
//! Entries can also come from anywhere else in ledger order, for example
//! a stream already verified, through [`Replay`]; [`replay_jsonl`] verifies
//! an export line by line and replays it with no database.
//!
//! # How it is built
//!
//! | module | holds |
//! |---|---|
//! | `params` | [`Params`]: the model's numbers and their defaults |
//! | `fixed` | [`Micro`]: integer millionths, half-up rounding |
//! | `groups` | lists of lists in one vector (verdicts by claim, voices by story) |
//! | `decay` | [`Decay`]: 2^(−age/half-life) without libm |
//! | `opinion` | [`Opinion`]: Subjective Logic, discounting, fusion |
//! | `normalize` | [`normalize()`]: the text two reports must share to be one story |
//! | `facts` | [`Replay`]: the fold, entry by entry, into compact facts |
//! | `compromise` | which entries a compromise revocation voids |
//! | `checkers` | checker identities, agreement, weights, conflict |
//! | `resolve` | what stands after amendments, retractions, one voice per checker |
//! | `evidence` | a verdict's weight and its shares along a chain |
//! | `stories` | stories (union-find), `derived-from`, origins |
//! | `scores` | [`Scores`]: source and claim scores, explanations |
//! | `report` | the published types: [`SourceScore`], [`ClaimScore`], … |
//! | `root` | [`StateRoot`]: the canonical state text and its hash |
//!
//! The fold has no I/O, clock or randomness: time comes from the entries
//! (or the caller's [`AsOf::Time`]), maps that are iterated are `BTreeMap`s
//! or vectors in ledger order, and every floating-point computation uses
//! only + − × ÷ and sqrt in a documented order, so IEEE 754 fixes every
//! bit. Published numbers are integer millionths.

mod checkers;
mod compromise;
mod decay;
mod evidence;
mod facts;
mod fixed;
mod groups;
mod normalize;
mod opinion;
mod params;
mod report;
mod resolve;
mod root;
mod scores;
mod stories;

#[cfg(test)]
mod props;
#[cfg(test)]
mod testkit;
#[cfg(test)]
mod tests;

use std::io::BufRead;
use std::str::FromStr;

pub use decay::{Decay, FRACTION_BITS};
pub use facts::Replay;
pub use fixed::Micro;
pub use normalize::{TextKey, normalize, text_key};
pub use opinion::{Opinion, Published, fuse_averaging, fuse_cumulative};
pub use params::{DAY_SECS, Params};
pub use report::{
    AgreementItem, CheckerExplanation, CheckerScore, CheckerShare, ClaimExplanation, ClaimScore,
    ClaimVerdictItem, Credibility, EvidenceItem, EvidenceRole, NoShare, OriginItem, ReportItem,
    SourceExplanation, SourceScore, UnmovedItem, VerdictStatus, grade_wording,
};
pub use root::{STATE_VERSION, StateRoot};
pub use scores::Scores;

use crate::entry::Entry;
use crate::error::Error;
use crate::ids::Seq;
use crate::store::Ledger;
use crate::time::Timestamp;

/// How far to replay.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum AsOf {
    /// Every entry; decay is measured from the last entry's time.
    #[default]
    Head,
    /// Entries up to and including this position; decay is measured from
    /// that entry's time. A position beyond the ledger means all of it.
    Seq(Seq),
    /// Entries signed at or before this time; decay is measured from this
    /// time (which may be later than the last entry).
    Time(Timestamp),
}

impl FromStr for AsOf {
    type Err = Error;
    /// A sequence number (`42`) or a UTC time (`2025-02-18T09:00:00Z`).
    fn from_str(s: &str) -> Result<AsOf, Error> {
        if !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit()) {
            let n: u64 = s.parse().map_err(|_| {
                Error::field("as-of", format!("`{s}` is too large for a sequence number"))
            })?;
            return Ok(AsOf::Seq(Seq(n)));
        }
        Timestamp::parse(s).map(AsOf::Time).map_err(|_| {
            Error::field(
                "as-of",
                format!("`{s}` is neither a sequence number nor YYYY-MM-DDTHH:MM:SSZ"),
            )
        })
    }
}

/// Replays `entries`, which must be a ledger's entries in order from the
/// first, up to `as_of`.
///
/// # Errors
/// [`Error::Sequence`] when the entries are not consecutive from 0;
/// [`Error::Field`] for unusable parameters.
pub fn replay<'a>(
    entries: impl IntoIterator<Item = &'a Entry>,
    as_of: AsOf,
    params: &Params,
) -> Result<Scores, Error> {
    let mut r = Replay::new(params.clone(), as_of)?;
    let entries = entries.into_iter();
    r.expect_entries(entries.size_hint().0);
    for e in entries {
        if !r.push(e)? {
            break;
        }
    }
    Ok(r.finish())
}

/// Replays a ledger's entries (read with [`Ledger::iter`], whose signatures
/// the store checked on append) up to `as_of`.
///
/// # Errors
/// Storage errors, and those of [`replay`].
pub fn replay_ledger(ledger: &Ledger, as_of: AsOf, params: &Params) -> Result<Scores, Error> {
    let mut r = Replay::new(params.clone(), as_of)?;
    r.expect_entries(usize::try_from(ledger.len()?).unwrap_or(0));
    // Reading and parsing the store, and normalising claim texts, take
    // longer than the fold: a reader thread does them (the parsing in
    // parallel) a chunk ahead of the fold, which stays in ledger order.
    let (tx, rx) = std::sync::mpsc::sync_channel::<Vec<(Entry, Option<TextKey>)>>(2);
    std::thread::scope(|scope| {
        let reader = scope.spawn(move || {
            let keyed = |e: Entry| {
                let key = facts::text_key_of(&e);
                (e, key)
            };
            ledger.for_each_chunk(&keyed, &mut |chunk| {
                // A closed channel means the fold has stopped: so do we.
                Ok(tx.send(chunk).is_ok())
            })
        });
        let folded = fold_chunks(&mut r, rx);
        let read = match reader.join() {
            Ok(read) => read,
            Err(panic) => std::panic::resume_unwind(panic),
        };
        // A storage error explains a short read; report it first.
        read.and(folded)
    })?;
    Ok(r.finish())
}

/// Folds chunks from `rx` until they end, an entry lies past the as-of
/// bound, or an error; dropping `rx` then tells the reader to stop.
fn fold_chunks(
    r: &mut Replay,
    rx: std::sync::mpsc::Receiver<Vec<(Entry, Option<TextKey>)>>,
) -> Result<(), Error> {
    for chunk in rx {
        for (e, key) in &chunk {
            if !r.push_keyed(e, *key)? {
                return Ok(());
            }
        }
    }
    Ok(())
}

/// Verifies an export (as [`crate::jsonl::verify_jsonl`] does: every line
/// canonical, linked, signed, allowed and its references resolved) and
/// replays it, with no database: an auditor's way to recompute the state
/// root from a file. Lines after the as-of bound are not read.
///
/// # Errors
/// The first bad line, as [`Error::Line`]; those of [`replay`].
pub fn replay_jsonl(
    input: &mut dyn BufRead,
    as_of: AsOf,
    params: &Params,
) -> Result<Scores, Error> {
    let mut r = Replay::new(params.clone(), as_of)?;
    crate::jsonl::check_lines(input, &mut |_| {}, &mut |v| r.push(v))?;
    Ok(r.finish())
}
