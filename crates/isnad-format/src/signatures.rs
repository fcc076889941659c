//! Checking many entries' signatures at once, on every core.
//!
//! Two ways, for two kinds of input:
//!
//! - [`strict`]: each signature with `verify_strict`, in parallel. For bytes
//!   from outside (an import, an export being verified), where the exact
//!   acceptance rule of docs/FORMAT.md §5 must hold for every signature.
//! - [`batched`]: Ed25519 batch verification over groups of entries, in
//!   parallel, falling back to `verify_strict` one by one in a group that
//!   fails so the error names the first bad entry. The batch equation is
//!   ed25519-dalek's, with each signer's terms added up before the
//!   multiplication (a ledger has few signers), which halves the work. For
//!   re-verifying the ledger's own store, whose every signature passed
//!   `verify_strict` on the way in. A batch accepts every signature `verify_strict` accepts; the
//!   only signatures it may accept that `verify_strict` refuses are ones
//!   that only the key's holder can make (small-order or torsion
//!   components), never a change by someone without the key.
//!
//! Both return one result per entry, in order, so that the caller can
//! report errors in ledger order.

use std::collections::HashMap;

use curve25519_dalek::constants::ED25519_BASEPOINT_POINT;
use curve25519_dalek::edwards::{CompressedEdwardsY, EdwardsPoint};
use curve25519_dalek::scalar::Scalar;
use curve25519_dalek::traits::{IsIdentity, VartimeMultiscalarMul};
use ed25519_dalek::VerifyingKey;
#[cfg(feature = "parallel")]
use rayon::prelude::*;
use sha2::{Digest, Sha512};

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
/// that a failed batch is cheap to redo one by one. With four signers on
/// one core, ed25519-dalek's own batch cost 18.3 µs a signature in
/// batches of 64, 13.5 µs in batches of 256 and 12.3 µs in batches of
/// 1,024; the batch here, 9.6 µs in batches of 256.
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
    let items: Vec<Signed<'_>> = group
        .iter()
        .zip(&messages)
        .map(|(e, m)| Signed {
            message: m,
            signature: e.signature(),
            key: e.signer().verifying_key(),
        })
        .collect();
    batch_holds(&items)
}

/// Whether every signature verifies for its message and key, by the batch
/// verification [`batched`] uses (described at `batch_holds` in the
/// source); `false` if the three lengths differ. Public for benchmarks of
/// the machine's limits.
pub fn verify_batch(messages: &[&[u8]], signatures: &[[u8; 64]], keys: &[VerifyingKey]) -> bool {
    if messages.len() != signatures.len() || messages.len() != keys.len() {
        return false;
    }
    let items: Vec<Signed<'_>> = messages
        .iter()
        .zip(signatures)
        .zip(keys)
        .map(|((message, signature), key)| Signed {
            message,
            signature,
            key,
        })
        .collect();
    batch_holds(&items)
}

/// One signature to check in a batch.
struct Signed<'a> {
    message: &'a [u8],
    signature: &'a [u8; 64],
    key: &'a VerifyingKey,
}

/// Whether every signature of `items` verifies, by one multiscalar
/// multiplication: with 128-bit scalars z_i that nobody can choose,
///
/// ```text
/// [−Σ z_i·s_i]B + Σ [z_i]R_i + Σ_A [Σ_{i signed with A} z_i·h_i]A = 0,
/// h_i = SHA-512(R_i ‖ A_i ‖ M_i) mod ℓ.
/// ```
///
/// This is the equation of ed25519-dalek's `verify_batch` (cofactorless,
/// `s` canonical, `R` a valid encoding) with the terms of each signer's key
/// added up before the multiplication: a ledger has few signers, so it
/// multiplies about n + 1 points instead of 2n + 1, and accepts exactly
/// the same batches for the same z_i. Like ed25519-dalek, the z_i are
/// derived from every input (a SHA-512 of each h_i and s_i, then one hash
/// per four of them): changing any signature, key or message changes them
/// all, so a forger would have to predict SHA-512 to make a batch cancel.
fn batch_holds(items: &[Signed<'_>]) -> bool {
    let mut seed = Sha512::new();
    seed.update(b"isnad batch verification v1\n");
    let mut rs = Vec::with_capacity(items.len());
    let mut ss = Vec::with_capacity(items.len());
    let mut hs = Vec::with_capacity(items.len());
    for item in items {
        let (r, s) = item.signature.split_at(32);
        let (Ok(r), Ok(s)) = (<[u8; 32]>::try_from(r), <[u8; 32]>::try_from(s)) else {
            return false;
        };
        let Some(s) = Option::<Scalar>::from(Scalar::from_canonical_bytes(s)) else {
            return false;
        };
        let Some(r_point) = CompressedEdwardsY(r).decompress() else {
            return false;
        };
        let h: [u8; 64] = Sha512::new()
            .chain_update(r)
            .chain_update(item.key.as_bytes())
            .chain_update(item.message)
            .finalize()
            .into();
        seed.update(h);
        seed.update(s.as_bytes());
        rs.push(r_point);
        ss.push(s);
        hs.push(Scalar::from_bytes_mod_order_wide(&h));
    }
    let seed: [u8; 64] = seed.finalize().into();
    let zs: Vec<Scalar> = (0..items.len().div_ceil(4))
        .flat_map(|block| {
            let z: [u8; 64] = Sha512::new()
                .chain_update(seed)
                .chain_update((block as u64).to_le_bytes())
                .finalize()
                .into();
            (0..4).map(move |k| {
                let mut bytes = [0u8; 16];
                bytes.copy_from_slice(&z[16 * k..16 * (k + 1)]);
                Scalar::from(u128::from_le_bytes(bytes))
            })
        })
        .take(items.len())
        .collect();
    // Each signer's point and coefficient, keys in the order first seen.
    let mut signers: Vec<(EdwardsPoint, Scalar)> = Vec::new();
    let mut index: HashMap<&[u8; 32], usize> = HashMap::new();
    let mut b = Scalar::ZERO;
    for (i, item) in items.iter().enumerate() {
        b += zs[i] * ss[i];
        let zh = zs[i] * hs[i];
        let bytes = item.key.as_bytes();
        match index.get(bytes) {
            Some(&k) => signers[k].1 += zh,
            None => {
                index.insert(bytes, signers.len());
                signers.push((item.key.to_edwards(), zh));
            }
        }
    }
    let scalars = std::iter::once(-b)
        .chain(zs.iter().copied())
        .chain(signers.iter().map(|(_, c)| *c));
    let points = std::iter::once(ED25519_BASEPOINT_POINT)
        .chain(rs.iter().copied())
        .chain(signers.iter().map(|(p, _)| *p));
    EdwardsPoint::vartime_multiscalar_mul(scalars, points).is_identity()
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

    /// How a proptest batch is spoiled, if it is.
    #[derive(Clone, Copy, Debug)]
    enum Spoil {
        None,
        /// A bit of `s` flipped.
        S(u8),
        /// A bit of `R` flipped.
        R(u8),
        /// A byte of the message changed.
        Message(u8),
        /// Checked against another signer's key.
        Key,
        /// `s + ℓ` in place of `s`: the same scalar, not canonical.
        NotCanonical,
    }

    fn spoil() -> impl proptest::strategy::Strategy<Value = Spoil> {
        use proptest::prelude::*;
        prop_oneof![
            2 => Just(Spoil::None),
            1 => any::<u8>().prop_map(Spoil::S),
            1 => any::<u8>().prop_map(Spoil::R),
            1 => any::<u8>().prop_map(Spoil::Message),
            1 => Just(Spoil::Key),
            1 => Just(Spoil::NotCanonical),
        ]
    }

    /// `a + b` for little-endian 256-bit numbers (no overflow here: both
    /// are below 2^253).
    fn add_le(a: &[u8; 32], b: &[u8; 32]) -> [u8; 32] {
        let mut out = [0u8; 32];
        let mut carry = 0u16;
        for i in 0..32 {
            let t = u16::from(a[i]) + u16::from(b[i]) + carry;
            out[i] = t as u8;
            carry = t >> 8;
        }
        out
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig { cases: 64, .. proptest::prelude::ProptestConfig::default() })]

        // The batch with each signer's terms added up accepts and refuses
        // exactly what ed25519-dalek's `verify_batch` does, whatever the
        // signers, messages and spoiled signature.
        #[test]
        fn batch_agrees_with_ed25519_dalek(
            signers in proptest::collection::vec(0u8..6, 1..40),
            at in 0usize..40,
            how in spoil(),
        ) {
            use ed25519_dalek::Signer as _;
            let keys: Vec<ed25519_dalek::SigningKey> = (0..6u8)
                .map(|i| ed25519_dalek::SigningKey::from_bytes(&[i + 1; 32]))
                .collect();
            let mut messages: Vec<Vec<u8>> = (0..signers.len())
                .map(|i| format!("isnad-entry-v1\nmessage {i}").into_bytes())
                .collect();
            let mut sigs: Vec<[u8; 64]> = messages
                .iter()
                .zip(&signers)
                .map(|(m, &k)| keys[usize::from(k)].sign(m).to_bytes())
                .collect();
            let mut verifiers: Vec<VerifyingKey> = signers
                .iter()
                .map(|&k| keys[usize::from(k)].verifying_key())
                .collect();
            let at = at % signers.len();
            match how {
                Spoil::None => {}
                Spoil::S(bit) => sigs[at][32 + usize::from(bit % 253) / 8] ^= 1 << (bit % 8),
                Spoil::R(bit) => sigs[at][usize::from(bit) / 8] ^= 1 << (bit % 8),
                Spoil::Message(b) => {
                    let n = messages[at].len();
                    messages[at][usize::from(b) % n] ^= 0x20;
                }
                Spoil::Key => {
                    let other = (usize::from(signers[at]) + 1) % keys.len();
                    verifiers[at] = keys[other].verifying_key();
                }
                Spoil::NotCanonical => {
                    let mut s = [0u8; 32];
                    s.copy_from_slice(&sigs[at][32..]);
                    // ℓ, the order of the base point, little-endian.
                    let l: [u8; 32] = [0xed, 0xd3, 0xf5, 0x5c, 0x1a, 0x63, 0x12, 0x58, 0xd6, 0x9c, 0xf7, 0xa2, 0xde, 0xf9, 0xde, 0x14, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x10];
                    sigs[at][32..].copy_from_slice(&add_le(&s, &l));
                }
            }
            let items: Vec<Signed<'_>> = (0..signers.len())
                .map(|i| Signed { message: &messages[i], signature: &sigs[i], key: &verifiers[i] })
                .collect();
            let refs: Vec<&[u8]> = messages.iter().map(Vec::as_slice).collect();
            let dalek_sigs: Vec<ed25519_dalek::Signature> =
                sigs.iter().map(ed25519_dalek::Signature::from_bytes).collect();
            let theirs = ed25519_dalek::verify_batch(&refs, &dalek_sigs, &verifiers).is_ok();
            let ours = batch_holds(&items);
            proptest::prop_assert_eq!(ours, theirs, "{:?} at {}", how, at);
            proptest::prop_assert_eq!(ours, matches!(how, Spoil::None), "{:?}", how);
        }
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
