//! # isnad-search
//!
//! Full-text search and near-duplicate matching over an isnad ledger's
//! claims, on a [tantivy](https://docs.rs/tantivy) index kept in the
//! ledger's directory (`<ledger>/search/`).
//!
//! The index is **derived state**: built from the ledger and nothing
//! else, never exported, mirrored or verified, and safe to delete at any
//! time (the next [`SearchIndex::open`] starts it again and
//! [`SearchIndex::catch_up`] rebuilds it). Appending to the ledger never
//! touches it: whoever searches first folds what was appended since it
//! last ran, and commits.
//!
//! What each commit folded is recorded with it (tantivy's commit
//! payload): how many entries, and the hash of the last. When the ledger
//! no longer has that entry at that position (it was replaced by another
//! under the same path), or the index cannot be read (damaged, or written
//! by another version), [`SearchIndex::open`] starts it again, empty, and
//! says why ([`Rebuilt`]).
//!
//! Analysis is the ledger's own ([`isnad_core::search::terms::terms`]):
//! texts are indexed as already split into those terms, and queries are
//! split the same way and looked up term by term (no query parser), so
//! both always meet. Scores are computed here from exact statistics
//! (see [`View::search`] and [`View::resemble`]); tantivy finds the texts.
//!
//! ## Concurrency
//!
//! One process writes an index at a time: [`SearchIndex::open`] takes
//! tantivy's writer lock and answers [`SearchError::Busy`] when another
//! holds it, rather than wait. In practice the ledger's own lock comes
//! first (a process opens the ledger before its index), so this is met
//! only when something else holds the index open. A [`View`] is a
//! committed state: it can be searched from any thread while the index
//! goes on folding.
//!
//! ## Tutorial
//!
//! Record a claim, open the index (built on first use), and search:
//!
//! ```
//! use isnad_core::record::*;
//! use isnad_core::search::catalog::Filters;
//! use isnad_core::{init, KeyPair, Record, Role, Timestamp};
//! use isnad_search::{Rebuilt, SearchIndex};
//!
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let dir = tempfile::tempdir()?;
//! let now = Timestamp::parse("2025-02-18T09:00:00Z")?;
//! let admin = KeyPair::generate("desk-admin")?;
//! let ledger = init(dir.path(), &admin, now)?;
//! let editor = KeyPair::generate("editor")?;
//! ledger.append(&admin, Record::Key(KeyBody {
//!     key: editor.verifier().to_string(), roles: vec![Role::Editor],
//!     holder: None, replaces: None, org: None,
//! }), now)?;
//! ledger.append(&editor, Record::Source(SourceBody {
//!     id: "agenzia-nova".parse()?, name: "Agenzia Nova".into(),
//!     kind: SourceKind::Outlet, url: None, language: None,
//!     affiliations: vec![], description: None,
//! }), now)?;
//! let claim = |text: &str| Record::Claim(ClaimBody {
//!     text: text.into(),
//!     lang: "en".into(),
//!     quote: None,
//!     translations: vec![],
//!     chain: vec![Hop { source: "agenzia-nova".parse().unwrap(), relation: HopRelation::Reported }],
//!     appeared: Appearance { date: "2025-02-18".into(), url: None, venue: None },
//! });
//! ledger.append(&editor, claim("Officers loyal to Haftar are training on MiG-29s"), now)?;
//!
//! // The first open finds no index and starts one; catching up folds
//! // the whole ledger.
//! let (mut index, rebuilt) = SearchIndex::open(&ledger)?;
//! assert_eq!(rebuilt, Some(Rebuilt::Missing));
//! index.catch_up(&ledger)?;
//! assert_eq!(index.folded(), 4);
//!
//! // Words in any order, any case, English endings folded.
//! let view = index.view();
//! let hits = view.search("loyal officer", &Filters::default(), None)?;
//! assert_eq!(hits.len(), 1);
//! assert_eq!(view.found(&hits[0])?.matched_text, "Officers loyal to Haftar are training on MiG-29s");
//!
//! // An append is folded by the next catch-up, and only it.
//! ledger.append(&editor, claim("MiG-29s were delivered to Libya"), now)?;
//! let done = index.catch_up(&ledger)?;
//! assert_eq!((done.before, done.after), (4, 5));
//! let hits = index.view().search("mig 29", &Filters::default(), None)?;
//! assert_eq!(hits.len(), 2);
//!
//! // Near-duplicates of a new wording.
//! let same = index.view().resemble("MiG-29s were delivered to Libya.", None)?;
//! assert_eq!(same[0].claim, 4);
//! # Ok(()) }
//! ```

#![forbid(unsafe_code)]

mod index;
mod schema;
mod view;

use std::path::PathBuf;

pub use index::{CaughtUp, DIR, SearchIndex};
pub use view::{Found, Hit, View};

/// Why [`SearchIndex::open`] started the index again.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Rebuilt {
    /// There was none.
    Missing,
    /// It was built from another ledger: the entry it last folded is not
    /// at that position in this one.
    Replaced,
    /// It could not be read (damaged, or another version's); the reason.
    Unreadable(String),
}

impl std::fmt::Display for Rebuilt {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Rebuilt::Missing => f.write_str("there was none"),
            Rebuilt::Replaced => f.write_str("it was built from another ledger"),
            Rebuilt::Unreadable(why) => write!(f, "it could not be read: {why}"),
        }
    }
}

/// What failed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum SearchError {
    /// Reading the ledger failed.
    #[error("reading the ledger: {0}")]
    Ledger(#[from] isnad_core::Error),
    /// Another process is writing the index.
    #[error("the search index {} is being written by another process", path.display())]
    Busy {
        /// The index directory.
        path: PathBuf,
    },
    /// Opening, writing or committing the index failed.
    #[error("the search index {}: {source}", path.display())]
    Index {
        /// The index directory.
        path: PathBuf,
        /// tantivy's error.
        source: Box<tantivy::TantivyError>,
    },
    /// Reading a committed state of the index failed.
    #[error("reading the search index: {source}")]
    Read {
        /// tantivy's error.
        source: Box<tantivy::TantivyError>,
    },
    /// The index is not laid out as this version writes it.
    #[error("the search index {} is not this version's: {reason}", path.display())]
    Layout {
        /// The index directory.
        path: PathBuf,
        /// What differs.
        reason: String,
    },
    /// Creating or clearing the index directory failed.
    #[error("the search index {}: {source}", path.display())]
    Io {
        /// The directory.
        path: PathBuf,
        /// The operating system's error.
        source: std::io::Error,
    },
}
