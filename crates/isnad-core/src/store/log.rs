//! The ledger as a transparency log: its key and origin, the checkpoints it
//! signs, and the proofs it serves.
//!
//! The log key's name is the log's origin (C2SP recommends that the two be
//! the same). A ledger gets its log key once, when it is made; it never
//! changes, because readers pin it.
//!
//! The log signs a checkpoint only for its current size, and only after
//! checking that the tree extends the last checkpoint it signed: a log
//! must never sign two inconsistent checkpoints. Every signed checkpoint is
//! kept, so that proofs against earlier sizes come with a signature; a size
//! that was never checkpointed is refused ([`Error::NoCheckpoint`]) rather
//! than signed after the fact.

use crate::checkpoint::{Checkpoint, SignedCheckpoint};
use crate::error::Error;
use crate::ids::Seq;
use crate::keys::{KeyPair, VerifierKey};
use crate::merkle;
use crate::proof::{ConsistencyProof, InclusionProof};
use crate::store::sled_error;

use super::Ledger;

pub(super) const LOG_KEY: &str = "log_key";

impl Ledger {
    /// Records the log's verifier key; its name becomes the origin. Setting
    /// the same key again is a no-op.
    ///
    /// # Errors
    /// [`Error::LogKey`] if the ledger already has a different log key;
    /// [`Error::Field`] if the key's name is not a valid origin.
    pub fn set_log_key(&self, key: &VerifierKey) -> Result<(), Error> {
        crate::checkpoint::check_origin(key.name())?;
        let _w = self.lock_writer();
        match self.log_key()? {
            Some(k) if &k == key => Ok(()),
            Some(k) => Err(Error::LogKey {
                reason: format!("this ledger's log key is already {k}; a log keeps one identity"),
            }),
            None => {
                self.meta
                    .insert(LOG_KEY, key.to_string().as_bytes())
                    .map_err(sled_error)?;
                self.db.flush().map_err(sled_error)?;
                Ok(())
            }
        }
    }

    /// The log's verifier key, if one was set.
    ///
    /// # Errors
    /// Storage errors; [`Error::Corrupt`] if the stored key does not parse.
    pub fn log_key(&self) -> Result<Option<VerifierKey>, Error> {
        let Some(raw) = self.meta.get(LOG_KEY).map_err(sled_error)? else {
            return Ok(None);
        };
        let text = std::str::from_utf8(&raw).map_err(|_| corrupt("the log key is not UTF-8"))?;
        text.parse()
            .map(Some)
            .map_err(|_| corrupt("the stored log key does not parse"))
    }

    pub(super) fn require_log_key(&self) -> Result<VerifierKey, Error> {
        self.log_key()?.ok_or_else(|| Error::LogKey {
            reason: "this ledger has no log key, so it cannot sign or check checkpoints".into(),
        })
    }

    /// The log's origin: the name of its log key.
    ///
    /// # Errors
    /// As [`Ledger::log_key`].
    pub fn origin(&self) -> Result<Option<String>, Error> {
        Ok(self.log_key()?.map(|k| k.name().to_owned()))
    }

    /// Every checkpoint the log signed, smallest first, each with its
    /// signature checked against the log key.
    ///
    /// # Errors
    /// [`Error::Checkpoint`] for a stored note that does not verify or is
    /// filed under the wrong size; storage errors.
    pub fn checkpoints(&self) -> Result<Vec<SignedCheckpoint>, Error> {
        if self.checkpoints.is_empty() {
            return Ok(Vec::new());
        }
        let key = self.require_log_key()?;
        let mut out = Vec::new();
        for kv in self.checkpoints.iter() {
            let (k, v) = kv.map_err(sled_error)?;
            out.push(open_stored(&key, &k, &v)?);
        }
        Ok(out)
    }

    /// The signed checkpoint of `size` entries, if the log signed one.
    ///
    /// # Errors
    /// As [`Ledger::checkpoints`].
    pub fn checkpoint_at(&self, size: u64) -> Result<Option<SignedCheckpoint>, Error> {
        let Some(v) = self
            .checkpoints
            .get(size.to_be_bytes())
            .map_err(sled_error)?
        else {
            return Ok(None);
        };
        let key = self.require_log_key()?;
        open_stored(&key, &size.to_be_bytes(), &v).map(Some)
    }

    /// The largest checkpoint the log signed.
    ///
    /// # Errors
    /// As [`Ledger::checkpoints`].
    pub fn latest_checkpoint(&self) -> Result<Option<SignedCheckpoint>, Error> {
        let Some((k, v)) = self.checkpoints.last().map_err(sled_error)? else {
            return Ok(None);
        };
        let key = self.require_log_key()?;
        open_stored(&key, &k, &v).map(Some)
    }

    /// Signs (or returns, if already signed) the checkpoint of the ledger's
    /// current size and keeps it.
    ///
    /// Before signing, the tree is checked to extend the last checkpoint:
    /// its root at that size is recomputed from the stored nodes and a
    /// consistency proof from there to now must verify.
    ///
    /// # Errors
    /// [`Error::LogKey`] when `key` is not the ledger's log key;
    /// [`Error::Checkpoint`] when the tree does not extend the last
    /// checkpoint (nothing is signed); storage errors.
    pub fn sign_checkpoint(&self, key: &KeyPair) -> Result<SignedCheckpoint, Error> {
        let log = self.require_log_key()?;
        if key.verifier() != &log {
            return Err(Error::LogKey {
                reason: format!(
                    "the key given is {}, but this ledger's log key is {log}",
                    key.verifier()
                ),
            });
        }
        // Hold the writer lock so the head cannot move between reading the
        // size and storing the checkpoint.
        let _w = self.lock_writer();
        let size = self.len()?;
        let root = self.tree_root(size)?;
        if let Some(last) = self.latest_checkpoint()? {
            let (m, old_root) = (last.size(), *last.checkpoint().root());
            if m == size {
                if old_root != root {
                    return Err(refuse(m, "its root is not the ledger's root at that size"));
                }
                return Ok(last);
            }
            if m > size {
                return Err(refuse(m, "it is larger than the ledger"));
            }
            if self.tree_root(m)? != old_root {
                return Err(refuse(m, "the ledger's root at that size differs"));
            }
            let proof = self.consistency_proof(m, size)?;
            merkle::verify_consistency(m, size, &old_root, &root, &proof)
                .map_err(|_| refuse(m, "the consistency proof to the new size fails"))?;
        }
        let signed = Checkpoint::new(log.name(), size, root)?.into_signed(key)?;
        self.checkpoints
            .insert(size.to_be_bytes(), signed.note().as_bytes())
            .map_err(sled_error)?;
        self.db.flush().map_err(sled_error)?;
        Ok(signed)
    }

    /// Keeps a checkpoint that this log's key signed elsewhere: a mirror
    /// keeps the source's checkpoints it verified, so that it can prove
    /// entries against them, republish them, and check the next one. The
    /// checkpoint must be of the ledger's current size and its root the
    /// ledger's root; every kept checkpoint is then one the entries
    /// themselves confirm, as [`Ledger::verify`] rechecks. Keeping a
    /// checkpoint of the same size and root again returns the one kept.
    ///
    /// # Errors
    /// [`Error::Note`] when the note does not verify with the log key;
    /// [`Error::Checkpoint`] for another origin, another size or another
    /// root (nothing is kept).
    pub fn keep_checkpoint(&self, note: &str) -> Result<SignedCheckpoint, Error> {
        let key = self.require_log_key()?;
        let signed = SignedCheckpoint::open(note, &key)?;
        let size = signed.size();
        let refuse = |reason: String| Error::Checkpoint { size, reason };
        if signed.checkpoint().origin() != key.name() {
            return Err(refuse(format!(
                "its origin is `{}`, this log's is `{}`",
                signed.checkpoint().origin(),
                key.name()
            )));
        }
        let _w = self.lock_writer();
        let len = self.len()?;
        if size != len {
            return Err(refuse(format!(
                "only a checkpoint of the ledger's own size ({len}) can be kept"
            )));
        }
        if &self.tree_root(size)? != signed.checkpoint().root() {
            return Err(refuse(
                "its root is not the root of the ledger's entries".into(),
            ));
        }
        if let Some(kept) = self.checkpoint_at(size)? {
            return Ok(kept);
        }
        self.checkpoints
            .insert(size.to_be_bytes(), signed.note().as_bytes())
            .map_err(sled_error)?;
        self.db.flush().map_err(sled_error)?;
        Ok(signed)
    }

    /// An inclusion proof of entry `seq` against the signed checkpoint of
    /// `size` entries.
    ///
    /// # Errors
    /// [`Error::NoCheckpoint`] if the log never signed that size;
    /// [`Error::Proof`] if the entry is not in it.
    pub fn prove_inclusion(&self, seq: Seq, size: u64) -> Result<InclusionProof, Error> {
        let at = self
            .checkpoint_at(size)?
            .ok_or(Error::NoCheckpoint { size })?;
        if seq.0 >= size {
            return Err(Error::Proof {
                reason: format!("entry {seq} is not in the tree of size {size}"),
            });
        }
        // The leaf hash is the tree's level-0 node: no need to parse the entry.
        let leaf = self.node(0, seq.0)?;
        let hashes = self.inclusion_proof(seq.0, size)?;
        Ok(InclusionProof::new(seq.0, leaf, hashes, &at))
    }

    /// A consistency proof from the first `old` entries to the signed
    /// checkpoint of `new` entries.
    ///
    /// # Errors
    /// [`Error::NoCheckpoint`] if the log never signed `new`;
    /// [`Error::Proof`] unless 1 ≤ `old` ≤ `new`.
    pub fn prove_consistency(&self, old: u64, new: u64) -> Result<ConsistencyProof, Error> {
        let at = self
            .checkpoint_at(new)?
            .ok_or(Error::NoCheckpoint { size: new })?;
        if old == 0 || old > new {
            return Err(Error::Proof {
                reason: format!("old size must be between 1 and {new}, not {old}"),
            });
        }
        let hashes = self.consistency_proof(old, new)?;
        Ok(ConsistencyProof::new(
            old,
            self.tree_root(old)?,
            hashes,
            &at,
        ))
    }

    /// Checks that the ledger extends a checkpoint saved earlier: signed by
    /// this log's key, the same origin, no larger than the ledger, and a
    /// consistency proof from it to the ledger's current root verifies.
    ///
    /// Returns the checkpoint and the ledger's current size. Trust the
    /// answer only after [`Ledger::verify`]: the proof is read from the
    /// stored tree, which verify recomputes.
    ///
    /// # Errors
    /// [`Error::Note`] for a bad signature; [`Error::Checkpoint`] naming
    /// which condition fails.
    pub fn check_extends(&self, note: &str) -> Result<(Checkpoint, u64), Error> {
        let key = self.require_log_key()?;
        let cp = Checkpoint::open(note, &key)?;
        let m = cp.size();
        if cp.origin() != key.name() {
            return Err(Error::Checkpoint {
                size: m,
                reason: format!(
                    "its origin is `{}`, this log's is `{}`",
                    cp.origin(),
                    key.name()
                ),
            });
        }
        let n = self.len()?;
        if m > n {
            return Err(Error::Checkpoint {
                size: m,
                reason: format!(
                    "the ledger holds only {n} entries: it is behind the checkpoint or was truncated"
                ),
            });
        }
        let extends = if m == 0 {
            cp.root() == &merkle::empty_root()
        } else {
            let proof = self.consistency_proof(m, n)?;
            merkle::verify_consistency(m, n, cp.root(), &self.tree_root(n)?, &proof).is_ok()
        };
        if !extends {
            return Err(Error::Checkpoint {
                size: m,
                reason: format!(
                    "the ledger of {n} entries does not extend it: the consistency proof fails, \
                     so the first {m} entries are not the ones the log signed"
                ),
            });
        }
        Ok((cp, n))
    }
}

pub(super) fn open_stored(
    key: &VerifierKey,
    k: &[u8],
    v: &[u8],
) -> Result<SignedCheckpoint, Error> {
    let size = k
        .try_into()
        .map(u64::from_be_bytes)
        .map_err(|_| corrupt("a checkpoint row has a bad key"))?;
    let bad = |reason: &str| Error::Checkpoint {
        size,
        reason: reason.into(),
    };
    let note = std::str::from_utf8(v).map_err(|_| bad("the stored note is not UTF-8"))?;
    let signed = SignedCheckpoint::open(note, key)
        .map_err(|_| bad("the stored note does not verify with the log key"))?;
    if signed.size() != size {
        return Err(bad("the stored note is filed under another size"));
    }
    Ok(signed)
}

fn refuse(size: u64, why: &str) -> Error {
    Error::Checkpoint {
        size,
        reason: format!("refusing to sign a new checkpoint: {why}"),
    }
}

fn corrupt(reason: &str) -> Error {
    Error::Corrupt {
        reason: reason.into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn log_key() -> KeyPair {
        KeyPair::from_seed("isnad.test/newsroom", &[5; 32]).unwrap()
    }

    use crate::store::testkit::{admin_and_editor, editor as ed, outlet as source, t};

    /// A ledger with an admin and an editor, and a log key.
    fn ledger(dir: &std::path::Path) -> Ledger {
        let l = admin_and_editor(dir);
        l.set_log_key(log_key().verifier()).unwrap();
        l
    }

    #[test]
    fn log_key_is_set_once() {
        let d = tempfile::tempdir().unwrap();
        let l = ledger(d.path());
        assert_eq!(l.origin().unwrap().as_deref(), Some("isnad.test/newsroom"));
        l.set_log_key(log_key().verifier()).unwrap();
        let other = KeyPair::from_seed("isnad.test/other", &[6; 32]).unwrap();
        assert!(matches!(
            l.set_log_key(other.verifier()),
            Err(Error::LogKey { .. })
        ));
        assert!(matches!(
            l.sign_checkpoint(&other),
            Err(Error::LogKey { .. })
        ));
        assert!(l.checkpoints().unwrap().is_empty());
    }

    #[test]
    fn every_signed_size_proves_every_entry_and_unsigned_sizes_are_refused() {
        let d = tempfile::tempdir().unwrap();
        let l = ledger(d.path());
        let key = log_key();
        let mut signed = vec![l.sign_checkpoint(&key).unwrap().size()];
        for i in 0..12 {
            l.append(&ed(), source(i), t()).unwrap();
            if i % 3 == 0 {
                signed.push(l.sign_checkpoint(&key).unwrap().size());
            }
        }
        // Signing again at the same size returns the stored note.
        let again = l.sign_checkpoint(&key).unwrap();
        assert_eq!(l.sign_checkpoint(&key).unwrap(), again);
        signed.push(again.size());
        let sizes: Vec<u64> = l.checkpoints().unwrap().iter().map(|c| c.size()).collect();
        assert_eq!(sizes, signed);
        for &n in &signed {
            for i in 0..n {
                let p = l.prove_inclusion(Seq(i), n).unwrap();
                let line = l.entry(Seq(i)).unwrap().unwrap();
                p.verify_entry(key.verifier(), line.leaf_bytes()).unwrap();
            }
            for &m in signed.iter().filter(|&&m| m <= n) {
                let p = l.prove_consistency(m, n).unwrap();
                let old = l.checkpoint_at(m).unwrap().unwrap();
                p.verify_from(key.verifier(), old.note()).unwrap();
            }
        }
        for n in 1..=l.len().unwrap() {
            if !signed.contains(&n) {
                assert!(matches!(
                    l.prove_inclusion(Seq(0), n),
                    Err(Error::NoCheckpoint { size }) if size == n
                ));
            }
        }
        assert_eq!(
            l.verify(&mut |_| {}).unwrap().checkpoints,
            signed.len() as u64
        );
    }

    // Two ledgers with the same keys and origin that differ at one entry:
    // each one's checkpoints are refused by the other.
    #[test]
    fn a_fork_is_caught() {
        let d = tempfile::tempdir().unwrap();
        let (a, b) = (ledger(&d.path().join("a")), ledger(&d.path().join("b")));
        let key = log_key();
        for i in 0..3 {
            a.append(&ed(), source(i), t()).unwrap();
            b.append(&ed(), source(i), t()).unwrap();
        }
        let common = a.sign_checkpoint(&key).unwrap();
        assert_eq!(b.sign_checkpoint(&key).unwrap(), common);
        a.append(&ed(), source(10), t()).unwrap();
        b.append(&ed(), source(11), t()).unwrap();
        for i in 20..25 {
            a.append(&ed(), source(i), t()).unwrap();
            b.append(&ed(), source(i), t()).unwrap();
        }
        let fork = b.sign_checkpoint(&key).unwrap();
        let (_, n) = a.check_extends(common.note()).unwrap();
        assert_eq!(n, a.len().unwrap());
        let err = a.check_extends(fork.note()).unwrap_err();
        assert!(matches!(err, Error::Checkpoint { .. }), "{err}");
        assert!(err.to_string().contains("does not extend"), "{err}");
        // A checkpoint from a later, larger ledger: "behind".
        b.append(&ed(), source(30), t()).unwrap();
        b.append(&ed(), source(31), t()).unwrap();
        b.append(&ed(), source(32), t()).unwrap();
        let ahead = b.sign_checkpoint(&key).unwrap();
        assert!(
            a.check_extends(ahead.note())
                .unwrap_err()
                .to_string()
                .contains("only")
        );
        // Another log's checkpoint: its signature is not this log's.
        let other = KeyPair::from_seed("isnad.test/other", &[6; 32]).unwrap();
        let foreign = Checkpoint::new("isnad.test/other", 1, [0; 32])
            .unwrap()
            .sign(&other)
            .unwrap();
        assert!(matches!(a.check_extends(&foreign), Err(Error::Note { .. })));
    }

    // A checkpoint signed elsewhere by the log key is kept only for the
    // ledger's own size and root.
    #[test]
    fn a_copy_keeps_the_checkpoints_of_its_source() {
        let d = tempfile::tempdir().unwrap();
        let src = ledger(&d.path().join("src"));
        let early = src.sign_checkpoint(&log_key()).unwrap();
        src.append(&ed(), source(0), t()).unwrap();
        let late = src.sign_checkpoint(&log_key()).unwrap();
        let mut export = Vec::new();
        src.export_jsonl(&mut export).unwrap();
        let copy = Ledger::create(&d.path().join("copy")).unwrap();
        copy.set_log_key(log_key().verifier()).unwrap();
        let two: Vec<u8> = export
            .split_inclusive(|b| *b == b'\n')
            .take(2)
            .flatten()
            .copied()
            .collect();
        copy.import_jsonl(&mut &two[..], t(), &mut |_| {}).unwrap();
        assert!(matches!(
            copy.keep_checkpoint(late.note()),
            Err(Error::Checkpoint { size: 3, .. })
        ));
        assert_eq!(copy.keep_checkpoint(early.note()).unwrap(), early);
        assert_eq!(copy.keep_checkpoint(early.note()).unwrap(), early);
        copy.import_jsonl(&mut &export[..], t(), &mut |_| {})
            .unwrap();
        // Same size, another root: refused.
        let forged = Checkpoint::new(log_key().name(), 3, [7; 32])
            .unwrap()
            .sign(&log_key())
            .unwrap();
        assert!(copy.keep_checkpoint(&forged).is_err());
        let other = KeyPair::from_seed("isnad.test/newsroom", &[8; 32]).unwrap();
        let foreign = Checkpoint::new(other.name(), 3, copy.tree_root(3).unwrap())
            .unwrap()
            .sign(&other)
            .unwrap();
        assert!(matches!(
            copy.keep_checkpoint(&foreign),
            Err(Error::Note { .. })
        ));
        copy.keep_checkpoint(late.note()).unwrap();
        let sizes: Vec<u64> = copy
            .checkpoints()
            .unwrap()
            .iter()
            .map(|c| c.size())
            .collect();
        assert_eq!(sizes, [2, 3]);
        assert_eq!(copy.verify(&mut |_| {}).unwrap().checkpoints, 2);
        // A continuation: only the lines after what the copy holds.
        let tail = Ledger::create(&d.path().join("tail")).unwrap();
        tail.import_jsonl(&mut &two[..], t(), &mut |_| {}).unwrap();
        let rest: Vec<u8> = export
            .split_inclusive(|b| *b == b'\n')
            .skip(2)
            .flatten()
            .copied()
            .collect();
        let gap = tail
            .import_jsonl_at(&mut &rest[..], Seq(3), t(), &mut |_| {})
            .unwrap_err();
        assert!(matches!(gap, Error::Line { line: 1, .. }), "{gap}");
        let r = tail
            .import_jsonl_at(&mut &rest[..], Seq(2), t(), &mut |_| {})
            .unwrap();
        assert_eq!((r.added, tail.len().unwrap()), (1, 3));
        // Overlapping lines must match what is there.
        let r = tail
            .import_jsonl_at(&mut &export[..], Seq(0), t(), &mut |_| {})
            .unwrap();
        assert_eq!((r.existing, r.added), (3, 0));
        assert_eq!(tail.tree_root(3).unwrap(), src.tree_root(3).unwrap());
    }

    // An import adds many entries at once: the sizes inside it were never
    // the head and have no checkpoint.
    #[test]
    fn sizes_inside_an_import_have_no_checkpoint() {
        let d = tempfile::tempdir().unwrap();
        let src = ledger(&d.path().join("src"));
        for i in 0..6 {
            src.append(&ed(), source(i), t()).unwrap();
        }
        let mut export = Vec::new();
        src.export_jsonl(&mut export).unwrap();
        let copy = Ledger::create(&d.path().join("copy")).unwrap();
        copy.set_log_key(log_key().verifier()).unwrap();
        copy.import_jsonl(&mut &export[..], t(), &mut |_| {})
            .unwrap();
        let cp = copy.sign_checkpoint(&log_key()).unwrap();
        assert_eq!(cp.size(), 8);
        for n in 1..8 {
            assert!(matches!(
                copy.prove_inclusion(Seq(0), n),
                Err(Error::NoCheckpoint { .. })
            ));
        }
    }

    // A stored checkpoint that no longer matches the entries, or whose note
    // was altered, fails verify and blocks further signing.
    #[test]
    fn verify_checks_every_stored_checkpoint() {
        let d = tempfile::tempdir().unwrap();
        let l = ledger(d.path());
        let key = log_key();
        l.sign_checkpoint(&key).unwrap();
        l.append(&ed(), source(0), t()).unwrap();
        l.sign_checkpoint(&key).unwrap();
        l.verify(&mut |_| {}).unwrap();
        // A validly signed checkpoint for a root the ledger never had, at
        // the latest size: verify names it, and the log refuses to sign on.
        let good = l.checkpoint_at(3).unwrap().unwrap();
        let forged = Checkpoint::new(key.name(), 3, [9; 32])
            .unwrap()
            .sign(&key)
            .unwrap();
        l.checkpoints
            .insert(3u64.to_be_bytes(), forged.as_bytes())
            .unwrap();
        let err = l.verify(&mut |_| {}).unwrap_err();
        assert!(matches!(err, Error::Checkpoint { size: 3, .. }), "{err}");
        l.append(&ed(), source(1), t()).unwrap();
        let err = l.sign_checkpoint(&key).unwrap_err();
        assert!(err.to_string().contains("refusing"), "{err}");
        assert!(l.checkpoint_at(4).unwrap().is_none());
        // An altered note (its size line changed, so the signature fails).
        let bent = good.note().replacen("\n3\n", "\n4\n", 1);
        l.checkpoints
            .insert(3u64.to_be_bytes(), bent.as_bytes())
            .unwrap();
        assert!(matches!(
            l.verify(&mut |_| {}),
            Err(Error::Checkpoint { size: 3, .. })
        ));
        l.checkpoints
            .insert(3u64.to_be_bytes(), good.note().as_bytes())
            .unwrap();
        l.verify(&mut |_| {}).unwrap();
        // A checkpoint beyond the ledger's end (entries were removed).
        l.checkpoints.remove(3u64.to_be_bytes()).unwrap();
        let beyond = Checkpoint::new(key.name(), 9, [1; 32])
            .unwrap()
            .sign(&key)
            .unwrap();
        l.checkpoints
            .insert(9u64.to_be_bytes(), beyond.as_bytes())
            .unwrap();
        assert!(matches!(
            l.verify(&mut |_| {}),
            Err(Error::Checkpoint { size: 9, .. })
        ));
    }
}
