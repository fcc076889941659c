//! # isnad-format
//!
//! The byte format of the isnad ledger, and everything needed to verify it,
//! with no database: ids and times, canonical JSON, Ed25519 keys, the record
//! kinds, signed entries, the ledger's rules, export files, the RFC 6962
//! Merkle tree, C2SP signed notes, checkpoints, proofs and tiles.
//! `docs/FORMAT.md` specifies the same bytes in prose.
//!
//! The storage, scoring and interchange layers live in `isnad-core`, which
//! builds on this crate and re-exports its modules.
//!
//! ## A verifier in a few dozen lines
//!
//! A desk signs entries and publishes an export, one entry per line; the
//! log signs a checkpoint of its Merkle tree and hands out a proof that one
//! entry is in it. An auditor with nothing but the export, the proof and
//! the log's verifier key checks all of it:
//!
//! ```
//! use isnad_format::record::{KeyBody, Record, Role, SourceBody, SourceKind};
//! use isnad_format::{checkpoint::Checkpoint, jsonl, merkle, proof::InclusionProof};
//! use isnad_format::{Draft, Entry, EntryHash, KeyPair, Seq, Timestamp};
//!
//! # fn main() -> Result<(), isnad_format::Error> {
//! // The desk: a founding admin enrols itself and an editor, who describes
//! // a source.
//! let admin = KeyPair::from_seed("desk-admin", &[1; 32])?;
//! let editor = KeyPair::from_seed("editor", &[2; 32])?;
//! let now = Timestamp::parse("2025-02-18T09:00:00Z")?;
//! let enrol = |key: &KeyPair, role| Record::Key(KeyBody {
//!     key: key.verifier().to_string(),
//!     roles: vec![role],
//!     holder: None,
//!     replaces: None,
//!     org: None,
//! });
//! let source = Record::Source(SourceBody {
//!     id: "agenzia-nova".parse()?,
//!     name: "Agenzia Nova".into(),
//!     kind: SourceKind::Outlet,
//!     url: None,
//!     language: None,
//!     affiliations: vec![],
//!     description: None,
//! });
//! let records = [
//!     (&admin, enrol(&admin, Role::Admin)),
//!     (&admin, enrol(&editor, Role::Editor)),
//!     (&editor, source),
//! ];
//! let (mut export, mut prev, mut leaves) = (Vec::new(), EntryHash::ZERO, Vec::new());
//! for (seq, (key, record)) in records.into_iter().enumerate() {
//!     let entry = Draft::new(Seq(seq as u64), prev, now, key.verifier().clone(), record)
//!         .sign(key)?;
//!     export.extend_from_slice(entry.leaf_bytes());
//!     export.push(b'\n');
//!     leaves.push(merkle::leaf_hash(entry.leaf_bytes()));
//!     prev = entry.hash();
//! }
//! // The log: a signed checkpoint of the tree, and a proof for entry 2.
//! let log = KeyPair::from_seed("news.example/isnad", &[3; 32])?;
//! let signed = Checkpoint::new("news.example/isnad", 3, merkle::root(&leaves))?
//!     .into_signed(&log)?;
//! let proof = InclusionProof::new(2, leaves[2], merkle::inclusion_proof(&leaves, 2)?, &signed);
//! let proof_json = serde_json::to_string(&proof).expect("a proof serialises");
//!
//! // The auditor: every line parsed, canonical, linked, signed by an
//! // enrolled key allowed to write it, references resolved.
//! let report = jsonl::verify_jsonl(&mut export.as_slice(), &mut |_| {})?;
//! assert_eq!(report.entries, 3);
//! // The proof: the checkpoint's signature by the log key, the Merkle path,
//! // and that the export's third line is the proven leaf.
//! let proof: InclusionProof = serde_json::from_str(&proof_json).expect("a proof parses");
//! let line = export.split(|b| *b == b'\n').nth(2).unwrap_or_default();
//! let entry: Entry = proof.verify_entry(log.verifier(), line)?;
//! assert_eq!(entry.seq(), Seq(2));
//! // The export is the whole tree the checkpoint commits to.
//! let root = merkle::root(&export.split(|b| *b == b'\n').filter(|l| !l.is_empty())
//!     .map(merkle::leaf_hash).collect::<Vec<_>>());
//! assert_eq!(&root, proof.verify(log.verifier())?.root());
//!
//! // One changed byte anywhere is caught.
//! let tampered = String::from_utf8_lossy(&export).replace("Agenzia Nova", "Agenzia Nuova");
//! assert!(jsonl::verify_jsonl(&mut tampered.as_bytes(), &mut |_| {}).is_err());
//! # Ok(()) }
//! ```
//!
//! `examples/verify.rs` does the same for files: an export, a proof from
//! `isnad prove`, and the log's verifier key.
//!
//! Features: `parallel` checks many signatures at once on every core
//! (rayon); `schema` derives JSON Schemas of the record types (schemars).
//! Both are off by default.

#![forbid(unsafe_code)]

pub mod add_checkpoint;
pub mod canon;
pub mod checkpoint;
pub mod cosignature;
pub mod entry;
pub mod error;
pub mod ids;
pub mod jsonl;
pub mod keys;
pub mod limits;
pub mod merkle;
pub mod note;
pub mod pattern;
pub mod proof;
pub mod record;
pub mod rules;
pub mod signatures;
pub mod tiles;
pub mod time;

pub use entry::{Draft, Entry};
pub use error::{Error, ErrorKind};
pub use ids::{EntryHash, OrgId, Seq, SourceId};
pub use keys::{KeyPair, VerifierKey};
pub use record::{Kind, Record, Role};
pub use rules::VerifiedEntry;
pub use time::Timestamp;
