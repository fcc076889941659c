//! Checking many entries' signatures at once, on every core.
//!
//! Two ways, for two kinds of input:
//!
//! - [`strict`]: each signature with `verify_strict`, in parallel. For bytes
//!   from outside (an import, an export being verified), where the exact
//!   acceptance rule of docs/FORMAT.md §5 must hold for every signature.
//! - [`batched`]: Ed25519 batch verification over groups of entries, in
//!   parallel, falling back to `verify_strict` one by one in a group that
//!   fails so the error names the first bad entry. For re-verifying the
//!   ledger's own store, whose every signature passed `verify_strict` on the
//!   way in. A batch accepts every signature `verify_strict` accepts; the
//!   only signatures it may accept that `verify_strict` refuses are ones
//!   that only the key's holder can make (small-order or torsion
//!   components), never a change by someone without the key.
//!
//! Both return one result per entry, in order, so that the caller can
//! report errors in ledger order.

use ed25519_dalek::Signature;
#[cfg(feature = "parallel")]
use rayon::prelude::*;

use crate::entry::{Entry, Parser};
use crate::error::Error;
use crate::ids::EntryHash;

/// The outcome of checking one entry's signature. Only this module makes
/// one, and it remembers which entry it is about, so that
/// [`crate::rules::check_with`] can take it in place of checking again
/// without letting anyone else vouch for a signature.
#[derive(Debug)]
pub struct SignatureCheck {
    hash: EntryHash,
    result: Result<(), Error>,
}

impl SignatureCheck {
    fn of(e: &Entry) -> Self {
        SignatureCheck {
            hash: e.hash(),
            result: e.check_signature(),
        }
    }

    /// Whether the signature verified.
    pub fn is_ok(&self) -> bool {
        self.result.is_ok()
    }

    /// Why it did not verify, if it did not.
    pub fn error(&self) -> Option<&Error> {
        self.result.as_ref().err()
    }

    /// The outcome for `entry`: this one's if it is about `entry`, else the
    /// signature checked now (a check is never moved to another entry).
    pub(crate) fn into_result_for(self, entry: &Entry) -> Result<(), Error> {
        if self.hash == entry.hash() {
            self.result
        } else {
            entry.check_signature()
        }
    }
}

/// Entries per batch verification: large enough to amortise, small enough
/// that a failed batch is cheap to redo one by one. One batch verification
/// of 256 cost 13.5 µs a signature here, of 64 18.3 µs, of 1,024 12.3 µs
/// (one core, four signers).
pub const BATCH: usize = 256;

/// Sizes of the runs of lines checked together: small at first, so that a
/// bad line near the start is found after little work, then doubling to a
/// size that keeps every core busy with flat memory.
#[derive(Debug)]
pub struct Chunks {
    next: usize,
    largest: usize,
}

/// First and largest run.
const FIRST_CHUNK: usize = 16;
const LARGEST_CHUNK: usize = 4096;

impl Chunks {
    /// Starts small.
    pub fn new() -> Self {
        Chunks::up_to(LARGEST_CHUNK)
    }

    /// Starts small and grows to at most `largest` (at least the first
    /// run's size): for a caller that holds two runs at once.
    pub fn up_to(largest: usize) -> Self {
        Chunks {
            next: FIRST_CHUNK,
            largest: largest.max(FIRST_CHUNK),
        }
    }

    /// The size of the next run.
    pub fn next_size(&mut self) -> usize {
        let n = self.next;
        self.next = (n * 2).min(self.largest);
        n
    }
}

impl Default for Chunks {
    fn default() -> Self {
        Chunks::new()
    }
}

/// Which check [`parse_and_check`] runs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum How {
    /// [`strict`]: input from outside.
    Strict,
    /// [`batched`]: the store's own bytes.
    Batched,
}

/// A run of consecutive lines, parsed strictly and their signatures checked.
#[derive(Debug)]
pub struct Checked {
    /// The entries that parsed, in order, up to the first line that did not.
    pub entries: Vec<Entry>,
    /// The signature check of each entry in `entries`.
    pub signatures: Vec<SignatureCheck>,
    /// The parse error of the line after the last entry, if one failed.
    pub error: Option<Error>,
}

/// Parses `lines` with [`Entry::parse`]'s rules and checks the signatures
/// of those that parse, all in parallel; `wrap` turns line `i`'s parse error
/// into the caller's form (adding a line number, say).
pub fn parse_and_check(
    lines: &[&[u8]],
    how: How,
    wrap: &(dyn Fn(usize, Error) -> Error + Sync),
) -> Checked {
    let parse = |p: &mut Parser, (i, line): (usize, &&[u8])| {
        let e = p.parse(line).map_err(|e| wrap(i, e))?;
        // The store indexes every entry by its content key: compute it
        // here, in parallel, rather than in the ordered pass.
        e.content_key().map_err(|err| wrap(i, err))?;
        Ok(e)
    };
    #[cfg(feature = "parallel")]
    let parsed: Vec<Result<Entry, Error>> = lines
        .par_iter()
        .enumerate()
        .map(|x| Parser::with_thread_parser(|p| parse(p, x)))
        .collect();
    #[cfg(not(feature = "parallel"))]
    let parsed: Vec<Result<Entry, Error>> = {
        let mut p = Parser::new();
        lines.iter().enumerate().map(|x| parse(&mut p, x)).collect()
    };
    let mut entries = Vec::with_capacity(parsed.len());
    let mut error = None;
    for r in parsed {
        match r {
            Ok(e) => entries.push(e),
            Err(e) => {
                error = Some(e);
                break;
            }
        }
    }
    let signatures = match how {
        How::Strict => strict(&entries),
        How::Batched => batched(&entries),
    };
    Checked {
        entries,
        signatures,
        error,
    }
}

/// Checks a run of export lines numbered from `first_line`: parses them and
/// checks their signatures strictly, in parallel, then hands each entry and
/// its signature result to `each`, in order, until `each` returns `false`.
/// Every error, from the parse or from `each`, is wrapped in
/// [`Error::Line`] with its line number. Returns whether `each` asked to go
/// on to the next run.
///
/// # Errors
/// The first bad line.
pub fn check_run(
    lines: &[&[u8]],
    first_line: u64,
    each: &mut dyn FnMut(Entry, SignatureCheck) -> Result<bool, Error>,
) -> Result<bool, Error> {
    let wrap = |i: usize, e: Error| Error::Line {
        line: first_line + i as u64,
        error: Box::new(e),
    };
    let checked = parse_and_check(lines, How::Strict, &wrap);
    for (i, (entry, sig)) in checked
        .entries
        .into_iter()
        .zip(checked.signatures)
        .enumerate()
    {
        if !each(entry, sig).map_err(|e| wrap(i, e))? {
            return Ok(false);
        }
    }
    checked.error.map_or(Ok(true), Err)
}

/// Checks every signature strictly (in parallel with the `parallel`
/// feature).
pub fn strict(entries: &[Entry]) -> Vec<SignatureCheck> {
    #[cfg(feature = "parallel")]
    let checks = entries.par_iter().map(SignatureCheck::of).collect();
    #[cfg(not(feature = "parallel"))]
    let checks = entries.iter().map(SignatureCheck::of).collect();
    checks
}

/// Checks every signature by batch verification (in parallel with the
/// `parallel` feature); a group that fails is checked again one by one.
pub fn batched(entries: &[Entry]) -> Vec<SignatureCheck> {
    let group = |group: &[Entry]| -> Vec<SignatureCheck> {
        if batch_ok(group) {
            group
                .iter()
                .map(|e| SignatureCheck {
                    hash: e.hash(),
                    result: Ok(()),
                })
                .collect()
        } else {
            group.iter().map(SignatureCheck::of).collect()
        }
    };
    #[cfg(feature = "parallel")]
    let checks = entries.par_chunks(BATCH).flat_map_iter(group).collect();
    #[cfg(not(feature = "parallel"))]
    let checks = entries.chunks(BATCH).flat_map(group).collect();
    checks
}

fn batch_ok(group: &[Entry]) -> bool {
    let mut messages = Vec::with_capacity(group.len());
    for e in group {
        match e.signing_input() {
            Ok(m) => messages.push(m),
            Err(_) => return false,
        }
    }
    let refs: Vec<&[u8]> = messages.iter().map(Vec::as_slice).collect();
    let sigs: Vec<Signature> = group
        .iter()
        .map(|e| Signature::from_bytes(e.signature()))
        .collect();
    let keys: Vec<ed25519_dalek::VerifyingKey> =
        group.iter().map(|e| *e.signer().verifying_key()).collect();
    ed25519_dalek::verify_batch(&refs, &sigs, &keys).is_ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::entry::Draft;
    use crate::ids::{EntryHash, Seq};
    use crate::keys::KeyPair;
    use crate::record::{KeyBody, Record, Role};
    use crate::time::Timestamp;

    fn entries(n: u64) -> Vec<Entry> {
        let key = KeyPair::from_seed("k", &[1; 32]).unwrap();
        (0..n)
            .map(|i| {
                let other = KeyPair::from_seed(&format!("k{i}"), &[2; 32]).unwrap();
                let r = Record::Key(KeyBody {
                    key: other.verifier().to_string(),
                    roles: vec![Role::Editor],
                    holder: None,
                    replaces: None,
                    org: None,
                });
                let t = Timestamp::from_unix(1_700_000_000);
                Draft::new(Seq(i), EntryHash::ZERO, t, key.verifier().clone(), r)
                    .sign(&key)
                    .unwrap()
            })
            .collect()
    }

    // Both ways agree with one-by-one checking, for good signatures and for
    // a bad one anywhere, in any group.
    #[test]
    fn strict_and_batched_agree_with_one_by_one() {
        let good = entries(200);
        assert!(strict(&good).iter().all(SignatureCheck::is_ok));
        assert!(batched(&good).iter().all(SignatureCheck::is_ok));
        // Another entry's signature in place of one: only that one fails.
        for bad_at in [0usize, 63, 64, 130, 199] {
            let mut es = good.clone();
            let line = String::from_utf8(es[bad_at].leaf_bytes().to_vec()).unwrap();
            let donor = String::from_utf8(es[(bad_at + 1) % 200].leaf_bytes().to_vec()).unwrap();
            let sig = |l: &str| l.split("\"sig\":\"").nth(1).unwrap()[..88].to_owned();
            let forged = line.replace(&sig(&line), &sig(&donor));
            es[bad_at] = Entry::parse(forged.as_bytes()).unwrap();
            for results in [strict(&es), batched(&es)] {
                let failed: Vec<usize> = results
                    .iter()
                    .enumerate()
                    .filter(|(_, r)| !r.is_ok())
                    .map(|(i, _)| i)
                    .collect();
                assert_eq!(failed, vec![bad_at]);
                assert!(matches!(
                    results[bad_at].error(),
                    Some(Error::BadSignature { .. })
                ));
            }
        }
    }
}
