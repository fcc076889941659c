//! Inclusion and consistency proofs as self-contained JSON documents, and
//! their verification with nothing but the log's verifier key.
//!
//! A proof carries the signed checkpoint it was made against, so a reader
//! who trusts the log key checks, in order: the checkpoint's signature; that
//! the proof's origin, size and root are the checkpoint's; and the Merkle
//! path (RFC 9162 §2.1.3.2, §2.1.4.2). Nothing here touches the store.
//!
//! ```
//! use isnad_format::checkpoint::Checkpoint;
//! use isnad_format::merkle;
//! use isnad_format::proof::InclusionProof;
//! use isnad_format::KeyPair;
//!
//! let log = KeyPair::from_seed("news.example/isnad", &[7; 32])?;
//! let leaves: Vec<_> = (0u8..5).map(|i| merkle::leaf_hash(&[i])).collect();
//! let signed = Checkpoint::new("news.example/isnad", 5, merkle::root(&leaves))?.into_signed(&log)?;
//! let proof = InclusionProof::new(2, leaves[2], merkle::inclusion_proof(&leaves, 2)?, &signed);
//! let json = serde_json::to_string(&proof).unwrap();
//!
//! // Elsewhere, with only the log's verifier key:
//! let proof: InclusionProof = serde_json::from_str(&json).unwrap();
//! let checked = proof.verify(log.verifier())?;
//! assert_eq!(checked.size(), 5);
//! # Ok::<(), isnad_format::Error>(())
//! ```

use serde::{Deserialize, Serialize};

use crate::checkpoint::{Checkpoint, SignedCheckpoint};
use crate::entry::Entry;
use crate::error::Error;
use crate::keys::VerifierKey;
use crate::merkle::{self, Hash};

/// The most hashes a proof can need: one per tree level, and two more for
/// a consistency proof's edges. Longer lists are refused before any hashing.
const MAX_PROOF_HASHES: usize = 130;

/// Proof that one entry is in the tree a checkpoint commits to.
///
/// JSON: `{"origin", "index", "tree_size", "root_hash", "leaf_hash",
/// "hashes", "checkpoint"}`, hashes in standard padded base64 (see
/// docs/FORMAT.md).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct InclusionProof {
    origin: String,
    index: u64,
    tree_size: u64,
    #[serde(with = "b64")]
    root_hash: Hash,
    #[serde(with = "b64")]
    leaf_hash: Hash,
    #[serde(with = "b64_list")]
    hashes: Vec<Hash>,
    checkpoint: String,
}

/// Proof that the tree of a later size extends the tree of an earlier one.
///
/// JSON: `{"origin", "old_size", "old_root", "new_size", "new_root",
/// "hashes", "checkpoint"}`; the checkpoint is the new size's.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ConsistencyProof {
    origin: String,
    old_size: u64,
    #[serde(with = "b64")]
    old_root: Hash,
    new_size: u64,
    #[serde(with = "b64")]
    new_root: Hash,
    #[serde(with = "b64_list")]
    hashes: Vec<Hash>,
    checkpoint: String,
}

impl InclusionProof {
    /// A proof of leaf `index` (whose leaf hash is `leaf_hash`) against a
    /// signed checkpoint; `hashes` is the audit path.
    pub fn new(index: u64, leaf_hash: Hash, hashes: Vec<Hash>, at: &SignedCheckpoint) -> Self {
        let cp = at.checkpoint();
        InclusionProof {
            origin: cp.origin().to_owned(),
            index,
            tree_size: cp.size(),
            root_hash: *cp.root(),
            leaf_hash,
            hashes,
            checkpoint: at.note().to_owned(),
        }
    }

    /// The entry's position (its `seq`).
    pub fn index(&self) -> u64 {
        self.index
    }

    /// The tree size the proof is for.
    pub fn tree_size(&self) -> u64 {
        self.tree_size
    }

    /// The entry's leaf hash.
    pub fn leaf_hash(&self) -> &Hash {
        &self.leaf_hash
    }

    /// The audit path.
    pub fn hashes(&self) -> &[Hash] {
        &self.hashes
    }

    /// Checks the proof: the checkpoint's signature by `log_key`, that the
    /// proof's origin, size and root are the checkpoint's, and the path.
    ///
    /// # Errors
    /// [`Error::Note`] for a bad checkpoint signature, [`Error::Proof`]
    /// naming the field or step that does not hold.
    pub fn verify(&self, log_key: &VerifierKey) -> Result<Checkpoint, Error> {
        let cp = bind(
            &self.checkpoint,
            log_key,
            &self.origin,
            self.tree_size,
            &self.root_hash,
        )?;
        check_len(&self.hashes)?;
        merkle::verify_inclusion(
            self.index,
            self.tree_size,
            &self.leaf_hash,
            &self.hashes,
            &self.root_hash,
        )?;
        Ok(cp)
    }

    /// [`InclusionProof::verify`], and that `line` (an entry as exported,
    /// one JSON line, a trailing newline allowed) is the proven leaf: its
    /// leaf hash is the proof's, its `seq` the proof's index, and its own
    /// signature verifies.
    ///
    /// # Errors
    /// As [`InclusionProof::verify`]; [`Error::Proof`] when the line is not
    /// the leaf; the entry's own parse or signature error.
    pub fn verify_entry(&self, log_key: &VerifierKey, line: &[u8]) -> Result<Entry, Error> {
        self.verify(log_key)?;
        let line = line.strip_suffix(b"\n").unwrap_or(line);
        if merkle::leaf_hash(line) != self.leaf_hash {
            return Err(Error::Proof {
                reason: "the entry's leaf hash is not the proof's leaf_hash".into(),
            });
        }
        let entry = Entry::parse(line)?;
        if entry.seq().0 != self.index {
            return Err(Error::Proof {
                reason: format!(
                    "the entry is number {}, the proof is for index {}",
                    entry.seq(),
                    self.index
                ),
            });
        }
        entry.check_signature()?;
        Ok(entry)
    }
}

impl ConsistencyProof {
    /// A proof that the tree of `old_size` leaves with root `old_root`
    /// is a prefix of the tree a signed checkpoint commits to.
    pub fn new(old_size: u64, old_root: Hash, hashes: Vec<Hash>, at: &SignedCheckpoint) -> Self {
        let cp = at.checkpoint();
        ConsistencyProof {
            origin: cp.origin().to_owned(),
            old_size,
            old_root,
            new_size: cp.size(),
            new_root: *cp.root(),
            hashes,
            checkpoint: at.note().to_owned(),
        }
    }

    /// The earlier size.
    pub fn old_size(&self) -> u64 {
        self.old_size
    }

    /// The earlier root.
    pub fn old_root(&self) -> &Hash {
        &self.old_root
    }

    /// The later size.
    pub fn new_size(&self) -> u64 {
        self.new_size
    }

    /// The proof hashes.
    pub fn hashes(&self) -> &[Hash] {
        &self.hashes
    }

    /// Checks the proof: the new checkpoint's signature, that the proof's
    /// origin, new size and new root are the checkpoint's, and the path
    /// from the old root to the new.
    ///
    /// The old root is the proof's claim; compare it with a checkpoint of
    /// the old size you trust ([`ConsistencyProof::verify_from`] does).
    ///
    /// # Errors
    /// [`Error::Note`] or [`Error::Proof`] naming what does not hold.
    pub fn verify(&self, log_key: &VerifierKey) -> Result<Checkpoint, Error> {
        let cp = bind(
            &self.checkpoint,
            log_key,
            &self.origin,
            self.new_size,
            &self.new_root,
        )?;
        check_len(&self.hashes)?;
        merkle::verify_consistency(
            self.old_size,
            self.new_size,
            &self.old_root,
            &self.new_root,
            &self.hashes,
        )?;
        Ok(cp)
    }

    /// [`ConsistencyProof::verify`], and that the old side is the signed
    /// checkpoint `old` (a note the reader saved earlier).
    ///
    /// # Errors
    /// As [`ConsistencyProof::verify`]; [`Error::Proof`] when `old` names a
    /// different origin, size or root.
    pub fn verify_from(&self, log_key: &VerifierKey, old: &str) -> Result<Checkpoint, Error> {
        let cp = self.verify(log_key)?;
        let old = Checkpoint::open(old, log_key)?;
        if old.origin() != self.origin {
            return Err(mismatch("origin", "the old checkpoint's"));
        }
        if old.size() != self.old_size {
            return Err(mismatch("old_size", "the old checkpoint's size"));
        }
        if *old.root() != self.old_root {
            return Err(mismatch("old_root", "the old checkpoint's root"));
        }
        Ok(cp)
    }
}

/// Opens the checkpoint note and checks that the proof describes it.
fn bind(
    note: &str,
    log_key: &VerifierKey,
    origin: &str,
    size: u64,
    root: &Hash,
) -> Result<Checkpoint, Error> {
    let cp = Checkpoint::open(note, log_key)?;
    // An isnad log's key is named for its origin (docs/FORMAT.md §15).
    if cp.origin() != log_key.name() {
        return Err(Error::Proof {
            reason: format!(
                "the checkpoint's origin is not the log key's name `{}`",
                log_key.name()
            ),
        });
    }
    if cp.origin() != origin {
        return Err(mismatch("origin", "the checkpoint's origin"));
    }
    if cp.size() != size {
        return Err(mismatch("size", "the checkpoint's tree size"));
    }
    if cp.root() != root {
        return Err(mismatch("root", "the checkpoint's root hash"));
    }
    Ok(cp)
}

fn mismatch(field: &str, what: &str) -> Error {
    Error::Proof {
        reason: format!("the proof's {field} is not {what}"),
    }
}

fn check_len(hashes: &[Hash]) -> Result<(), Error> {
    if hashes.len() > MAX_PROOF_HASHES {
        return Err(Error::Proof {
            reason: format!("more than {MAX_PROOF_HASHES} hashes"),
        });
    }
    Ok(())
}

/// One hash as standard padded base64.
mod b64 {
    use base64::Engine as _;
    use base64::engine::general_purpose::STANDARD;
    use serde::{Deserialize as _, Deserializer, Serializer};

    use crate::merkle::Hash;

    pub(super) fn serialize<S: Serializer>(h: &Hash, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&STANDARD.encode(h))
    }

    pub(super) fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Hash, D::Error> {
        decode(&String::deserialize(d)?).map_err(serde::de::Error::custom)
    }

    pub(super) fn decode(s: &str) -> Result<Hash, &'static str> {
        // 32 bytes are 44 base64 characters; refuse anything longer unread.
        if s.len() != 44 {
            return Err("a hash is 44 characters of standard padded base64");
        }
        let raw = STANDARD
            .decode(s)
            .map_err(|_| "a hash is 44 characters of standard padded base64")?;
        raw.try_into().map_err(|_| "a hash is 32 bytes")
    }
}

/// A list of hashes as standard padded base64 strings.
mod b64_list {
    use serde::de::{SeqAccess, Visitor};
    use serde::ser::SerializeSeq as _;
    use serde::{Deserializer, Serializer};

    use super::MAX_PROOF_HASHES;
    use crate::merkle::Hash;

    pub(super) fn serialize<S: Serializer>(hs: &[Hash], s: S) -> Result<S::Ok, S::Error> {
        let mut seq = s.serialize_seq(Some(hs.len()))?;
        for h in hs {
            seq.serialize_element(&base64::Engine::encode(
                &base64::engine::general_purpose::STANDARD,
                h,
            ))?;
        }
        seq.end()
    }

    pub(super) fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<Hash>, D::Error> {
        struct List;
        impl<'de> Visitor<'de> for List {
            type Value = Vec<Hash>;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a list of base64 hashes")
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut a: A) -> Result<Vec<Hash>, A::Error> {
                let mut out = Vec::new();
                while let Some(s) = a.next_element::<String>()? {
                    // Stop early rather than collect a list the input sized.
                    if out.len() == MAX_PROOF_HASHES {
                        return Err(serde::de::Error::custom(format!(
                            "more than {MAX_PROOF_HASHES} hashes"
                        )));
                    }
                    out.push(super::b64::decode(&s).map_err(serde::de::Error::custom)?);
                }
                Ok(out)
            }
        }
        d.deserialize_seq(List)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::keys::KeyPair;

    fn log() -> KeyPair {
        KeyPair::from_seed("isnad.test/log", &[9; 32]).unwrap()
    }

    fn leaves(n: u8) -> Vec<Hash> {
        (0..n).map(|i| merkle::leaf_hash(&[i, i])).collect()
    }

    fn signed(leaves: &[Hash]) -> SignedCheckpoint {
        Checkpoint::new("isnad.test/log", leaves.len() as u64, merkle::root(leaves))
            .unwrap()
            .into_signed(&log())
            .unwrap()
    }

    fn inclusion(l: &[Hash], i: u64) -> InclusionProof {
        InclusionProof::new(
            i,
            l[i as usize],
            merkle::inclusion_proof(l, i).unwrap(),
            &signed(l),
        )
    }

    #[test]
    fn inclusion_round_trips_through_json_and_verifies() {
        let l = leaves(13);
        for i in 0..13 {
            let p = inclusion(&l, i);
            let json = serde_json::to_string(&p).unwrap();
            let back: InclusionProof = serde_json::from_str(&json).unwrap();
            assert_eq!(back, p);
            assert_eq!(back.verify(log().verifier()).unwrap().size(), 13);
        }
    }

    #[test]
    fn inclusion_fails_on_every_field_change() {
        let l = leaves(13);
        let p = inclusion(&l, 5);
        let key = log();
        let other = KeyPair::from_seed("isnad.test/log", &[8; 32]).unwrap();
        assert!(matches!(
            p.verify(other.verifier()),
            Err(Error::Note { .. })
        ));
        let mut v = serde_json::to_value(&p).unwrap();
        let cases: Vec<(&str, serde_json::Value)> = vec![
            ("origin", "isnad.test/other".into()),
            ("index", 6.into()),
            ("tree_size", 14.into()),
            ("root_hash", base64_of(&l[0]).into()),
            ("leaf_hash", base64_of(&l[6]).into()),
        ];
        for (field, value) in cases {
            let saved = v[field].clone();
            v[field] = value;
            let bad: InclusionProof = serde_json::from_value(v.clone()).unwrap();
            assert!(bad.verify(key.verifier()).is_err(), "{field}");
            v[field] = saved;
        }
        // A checkpoint of another size, validly signed: refused as well.
        let mut other_cp = p.clone();
        other_cp.checkpoint = signed(&l[..12]).note().to_owned();
        assert!(other_cp.verify(key.verifier()).is_err());
    }

    #[test]
    fn json_shape_is_strict() {
        let p = inclusion(&leaves(4), 1);
        let v = serde_json::to_value(&p).unwrap();
        let mut extra = v.clone();
        extra["more"] = 1.into();
        assert!(serde_json::from_value::<InclusionProof>(extra).is_err());
        let mut short = v.clone();
        short["hashes"][0] = "AAAA".into();
        assert!(serde_json::from_value::<InclusionProof>(short).is_err());
        let mut long = v.clone();
        long["hashes"] = serde_json::Value::Array(vec![base64_of(&[0; 32]).into(); 200]);
        assert!(serde_json::from_value::<InclusionProof>(long).is_err());
        // Regression: a repeated member must be refused, not "last one wins".
        let text = serde_json::to_string(&v).unwrap();
        let twice = text.replacen('{', "{\"index\":0,", 1);
        let err = serde_json::from_str::<InclusionProof>(&twice).unwrap_err();
        assert!(err.to_string().contains("duplicate"), "{err}");
    }

    #[test]
    fn the_checkpoint_origin_must_be_the_log_key_name() {
        let l = leaves(4);
        // Signed by the right key, but naming another origin.
        let cp = Checkpoint::new("isnad.test/elsewhere", 4, merkle::root(&l))
            .unwrap()
            .into_signed(&log())
            .unwrap();
        let p = InclusionProof::new(1, l[1], merkle::inclusion_proof(&l, 1).unwrap(), &cp);
        let err = p.verify(log().verifier()).unwrap_err();
        assert!(err.to_string().contains("log key's name"), "{err}");
    }

    #[test]
    fn consistency_verifies_and_binds_the_old_checkpoint() {
        let l = leaves(20);
        let key = log();
        for m in 1..=20 {
            let p = ConsistencyProof::new(
                m,
                merkle::root(&l[..m as usize]),
                merkle::consistency_proof(&l, m).unwrap(),
                &signed(&l),
            );
            let json = serde_json::to_string(&p).unwrap();
            let back: ConsistencyProof = serde_json::from_str(&json).unwrap();
            back.verify(key.verifier()).unwrap();
            back.verify_from(key.verifier(), signed(&l[..m as usize]).note())
                .unwrap();
            if m > 1 {
                let wrong = signed(&l[..m as usize - 1]);
                assert!(back.verify_from(key.verifier(), wrong.note()).is_err());
            }
        }
    }

    fn base64_of(h: &Hash) -> String {
        base64::Engine::encode(&base64::engine::general_purpose::STANDARD, h)
    }
}
