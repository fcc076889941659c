//! # isnad-core
//!
//! A claim-provenance and source-credibility ledger: claims with their whole
//! attribution chain, sources, fact-checkers' verdicts, as Ed25519-signed,
//! content-hashed entries in an append-only sled store.
//!
//! ## A tour
//!
//! Create a ledger with its founding admin, enrol an editor, describe two
//! sources and record a claim that one cites the other:
//!
//! ```
//! use isnad_core::{init, KeyPair, Ledger, Record, Role, Timestamp};
//! use isnad_core::record::*;
//!
//! # fn main() -> Result<(), isnad_core::Error> {
//! let dir = tempfile::tempdir().unwrap();
//! let now = Timestamp::parse("2025-02-18T09:00:00Z")?;
//! let admin = KeyPair::generate("desk-admin")?;
//! let ledger = init(dir.path(), &admin, now)?;
//!
//! let editor = KeyPair::generate("editor")?;
//! ledger.append(&admin, Record::Key(KeyBody {
//!     key: editor.verifier().to_string(),
//!     roles: vec![Role::Editor],
//!     holder: None,
//!     replaces: None,
//!     org: None,
//! }), now)?;
//!
//! for (id, name) in [("agenzia-nova", "Agenzia Nova"), ("fawasel-media", "Fawasel Media")] {
//!     ledger.append(&editor, Record::Source(SourceBody {
//!         id: id.parse()?, name: name.into(), kind: SourceKind::Outlet,
//!         url: None, language: None, affiliations: vec![], description: None,
//!     }), now)?;
//! }
//!
//! let claim = ledger.append(&editor, Record::Claim(ClaimBody {
//!     text: "15-20 officers loyal to Haftar are training in Russia on MiG-29s".into(),
//!     lang: "en".into(),
//!     quote: None,
//!     translations: vec![],
//!     chain: vec![
//!         Hop { source: "agenzia-nova".parse()?, relation: HopRelation::Reported },
//!         Hop { source: "fawasel-media".parse()?, relation: HopRelation::Cited },
//!     ],
//!     appeared: Appearance { date: "2025-02-18".into(), url: None, venue: None },
//! }), now)?;
//! assert!(claim.is_new());
//!
//! // Every entry, signature and link checks out, and the id resolves by prefix.
//! let report = ledger.verify(&mut |_| {})?;
//! assert_eq!(report.entries, 5);
//! let id = claim.entry().hash().to_hex();
//! assert_eq!(ledger.resolve(&id[..8])?.hash(), claim.entry().hash());
//! # Ok(()) }
//! ```
//!
//! The same checks run on an export with no database at all:
//! [`jsonl::verify_jsonl`]. The byte format is specified in `docs/FORMAT.md`.
//!
//! Fact-checks published as schema.org ClaimReview come in, and verdicts and
//! the attribution graph go out as ClaimReview and W3C PROV, through
//! [`interop`] (with a tour of its own). Several records that must land
//! together are appended as one with [`Ledger::batch`].

#![forbid(unsafe_code)]

pub mod attribution;
pub mod demo;
pub mod fold;
pub mod interop;
pub mod keyfile;
pub mod mirror;
pub mod schema;
pub mod score;
pub mod search;
pub mod store;
pub mod witness;

// The format, re-exported so that `isnad_core::record` and the like name the
// same items as `isnad_format::record`.
pub use isnad_format::{
    add_checkpoint, canon, checkpoint, cosignature, entry, error, ids, jsonl, keys, limits, merkle,
    note, pattern, proof, record, rules, signatures, tiles, time,
};

pub use entry::{Draft, Entry};
pub use error::{Error, ErrorKind};
pub use ids::{EntryHash, OrgId, Seq, SourceId};
pub use keys::{KeyPair, VerifierKey};
pub use record::{Kind, Record, Role};
pub use rules::VerifiedEntry;
pub use store::{Appended, Batch, Head, Ledger, OpenOptions};
pub use time::Timestamp;

/// Creates a ledger in `dir` whose genesis entry enrols `admin` as the
/// founding admin, all at once (see [`Ledger::create_with`]).
///
/// # Errors
/// [`Error::AlreadyExists`] if `dir` is not empty; storage errors.
pub fn init(dir: &std::path::Path, admin: &KeyPair, now: Timestamp) -> Result<Ledger, Error> {
    init_with(dir, admin, now, |_, _| Ok(())).map(|(l, ())| l)
}

/// [`init`], with `setup` run on the new ledger after its genesis entry and
/// before it appears at `dir` (in the staging directory it is given:
/// setting the log key, writing key files beside it).
///
/// # Errors
/// As [`init`], and what `setup` returns.
pub fn init_with<T, E: From<Error>>(
    dir: &std::path::Path,
    admin: &KeyPair,
    now: Timestamp,
    setup: impl FnOnce(&Ledger, &std::path::Path) -> Result<T, E>,
) -> Result<(Ledger, T), E> {
    Ledger::create_with(dir, |ledger, staging| {
        ledger.append(
            admin,
            Record::Key(record::KeyBody {
                key: admin.verifier().to_string(),
                roles: vec![Role::Admin],
                holder: None,
                replaces: None,
                org: None,
            }),
            now,
        )?;
        setup(ledger, staging)
    })
}
