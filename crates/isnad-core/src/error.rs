//! The library's error type: every failure names what failed.

use crate::ids::{EntryHash, Seq};

/// Everything that can go wrong in isnad-core.
///
/// Variants name the field, entry or file at fault so that a caller can print
/// one clear line. The enum is `#[non_exhaustive]`: later versions add variants.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// Input was not the JSON we expected.
    #[error("{what}: malformed JSON: {reason}")]
    Json {
        /// Which input (a field, "line 3", "entry").
        what: &'static str,
        /// The parser's explanation.
        reason: String,
    },
    /// Input bytes were not UTF-8.
    #[error("{what}: invalid UTF-8 at byte {offset}")]
    Utf8 {
        /// Which input.
        what: &'static str,
        /// Offset of the first invalid byte.
        offset: usize,
    },
    /// A field's value is not acceptable.
    #[error("field `{field}`: {reason}")]
    Field {
        /// Dotted path of the field, e.g. `body.chain[1].source`.
        field: String,
        /// What is wrong with it.
        reason: String,
    },
    /// A value could not be put into canonical JSON.
    #[error("cannot canonicalise: {reason}")]
    Canonical {
        /// Why.
        reason: String,
    },
    /// The bytes of an entry are valid JSON but not its canonical form.
    #[error("entry {seq}: not in canonical form (RFC 8785, NFC text)")]
    NotCanonical {
        /// Sequence number claimed by the entry.
        seq: Seq,
    },
    /// An entry is not at the position it claims.
    #[error("entry {seq}: expected sequence number {expected}")]
    Sequence {
        /// Sequence number in the entry.
        seq: Seq,
        /// The position it is at.
        expected: Seq,
    },
    /// An entry's `prev` is not the leaf hash of the entry before it.
    #[error("entry {seq}: prev is {found}, expected {expected}")]
    PrevLink {
        /// The entry.
        seq: Seq,
        /// The `prev` it carries.
        found: EntryHash,
        /// The previous entry's leaf hash.
        expected: EntryHash,
    },
    /// The Ed25519 signature does not verify.
    #[error("entry {seq}: signature does not verify for signer {signer}")]
    BadSignature {
        /// The entry.
        seq: Seq,
        /// The signer named in the entry.
        signer: String,
    },
    /// The signer is not enrolled at this point of the ledger.
    #[error("entry {seq}: signer {signer} is not enrolled")]
    NotEnrolled {
        /// The entry.
        seq: Seq,
        /// The signer.
        signer: String,
    },
    /// The signer's key was revoked (or rotated) before this entry.
    #[error("entry {seq}: signer {signer} was revoked at entry {at}")]
    Revoked {
        /// The entry.
        seq: Seq,
        /// The signer.
        signer: String,
        /// The revocation (or rotation) entry.
        at: Seq,
    },
    /// The signer is enrolled but lacks the role to write this kind.
    #[error("entry {seq}: signer {signer} has no role that may write a {kind} record")]
    RoleNotAllowed {
        /// The entry.
        seq: Seq,
        /// The signer.
        signer: String,
        /// The record kind.
        kind: &'static str,
    },
    /// A reference names nothing earlier in the ledger.
    #[error("entry {seq}: field `{field}`: {reason}")]
    Reference {
        /// The entry.
        seq: Seq,
        /// The referring field.
        field: String,
        /// What was expected and not found.
        reason: String,
    },
    /// The entry's time is unacceptable.
    #[error("entry {seq}: field `time`: {reason}")]
    Time {
        /// The entry.
        seq: Seq,
        /// Why.
        reason: String,
    },
    /// A record built from one review of an imported document was refused.
    #[error("{at}: {error}")]
    Review {
        /// Where the review was in the document (`$.@graph[2]`).
        at: String,
        /// Why its record was refused.
        error: Box<Error>,
    },
    /// An id prefix matched nothing.
    #[error("no entry matches id `{prefix}`")]
    UnknownId {
        /// The prefix given.
        prefix: String,
    },
    /// An id prefix matched more than one entry.
    #[error("id `{prefix}` is ambiguous: it matches {count} entries; give more digits")]
    AmbiguousId {
        /// The prefix given.
        prefix: String,
        /// How many entries matched (at least 2).
        count: usize,
    },
    /// A key file or key string is malformed.
    #[error("key: {reason}")]
    Key {
        /// Why.
        reason: String,
    },
    /// Another process has the ledger open.
    #[error(
        "ledger is in use by another process ({path}), still after waiting {waited_ms} ms; \
         wait for it to finish or stop it, then retry"
    )]
    InUse {
        /// The ledger directory.
        path: String,
        /// How long the open waited for it.
        waited_ms: u64,
    },
    /// The directory is not an isnad ledger.
    #[error("{path} is not an isnad ledger ({reason})")]
    NotALedger {
        /// The directory.
        path: String,
        /// What was missing or wrong.
        reason: String,
    },
    /// `init` on a directory that already holds a ledger.
    #[error("{path} already holds a ledger")]
    AlreadyExists {
        /// The directory.
        path: String,
    },
    /// An import file does not extend the ledger.
    #[error(
        "line {line}: differs from the ledger's entry {seq}: the file does not extend this ledger"
    )]
    Diverged {
        /// 1-based line number in the file.
        line: u64,
        /// The ledger entry it differs from.
        seq: Seq,
    },
    /// The store found its own data inconsistent (a bug or tampering on disk).
    #[error("store is corrupt: {reason}")]
    Corrupt {
        /// What was inconsistent.
        reason: String,
    },
    /// An error from an import or export line, with its position.
    // The inner error is part of the message, not a `source()`, so that
    // printing the chain does not say it twice.
    #[error("line {line}: {error}")]
    Line {
        /// 1-based line number.
        line: u64,
        /// The error on that line.
        error: Box<Error>,
    },
    /// A Merkle proof does not hold.
    #[error("proof: {reason}")]
    Proof {
        /// What does not hold.
        reason: String,
    },
    /// A signed note is malformed or its signatures do not verify.
    #[error("signed note: {reason}")]
    Note {
        /// What is wrong.
        reason: String,
    },
    /// A checkpoint does not match the ledger, or cannot be signed.
    #[error("checkpoint of size {size}: {reason}")]
    Checkpoint {
        /// The checkpoint's tree size.
        size: u64,
        /// What does not hold.
        reason: String,
    },
    /// A proof or check needs a checkpoint of a size the log never signed.
    /// The log signs only its head, so earlier sizes cannot be made up later.
    #[error(
        "the log has no checkpoint of size {size}: checkpoints are signed only for the ledger's head at the time"
    )]
    NoCheckpoint {
        /// The tree size asked for.
        size: u64,
    },
    /// A tile path, a tile or an entry bundle is malformed: not the C2SP
    /// tlog-tiles form, the wrong length, bad framing, or an entry too long
    /// for a bundle. The input is unusable rather than proven false.
    #[error("{path}: {reason}")]
    Tile {
        /// The tile's path (`tile/0/x001/067`), or what was given as one.
        path: String,
        /// What is wrong.
        reason: String,
    },
    /// A well-formed tile that the tree does not have (yet): its leaves
    /// reach past the ledger's size. A server answers it with "not found".
    #[error("{path}: no such tile in the tree of {size} entries")]
    NoTile {
        /// The tile's path.
        path: String,
        /// The tree's size.
        size: u64,
    },
    /// A published resource (checkpoint, tile, bundle) could not be fetched:
    /// a network error, a missing file, an HTTP error status, or a body
    /// larger than the resource can be.
    #[error("fetching {path}: {reason}")]
    Fetch {
        /// The resource's path under the log's prefix (`checkpoint`, `tile/…`).
        path: String,
        /// What went wrong.
        reason: String,
    },
    /// A published tile or bundle is well-formed but is not what the
    /// signed checkpoint commits to: a hash or an entry differs.
    #[error("{path}: {reason}")]
    TileMismatch {
        /// The tile's path.
        path: String,
        /// What differs.
        reason: String,
    },
    /// The ledger has no log key, or a different one.
    #[error("log key: {reason}")]
    LogKey {
        /// What is wrong.
        reason: String,
    },
    /// sled reported an error. Its message is in this one's, so it is not
    /// also given as the `source` (a report walking the chain would print
    /// it twice).
    #[error("storage: {0}")]
    Storage(sled::Error),
    /// A file could not be read or written.
    #[error("{path}: {error}")]
    Io {
        /// The file.
        path: String,
        /// The OS error (in the message, not a `source()`, to print it once).
        error: std::io::Error,
    },
    /// `init` or an import into a directory that holds other files.
    #[error("{path} is not empty and holds no isnad ledger; choose an empty or new directory")]
    NotEmpty {
        /// The directory.
        path: String,
    },
}

impl Error {
    /// Shorthand for a [`Error::Field`] error.
    pub fn field(field: impl Into<String>, reason: impl Into<String>) -> Self {
        Error::Field {
            field: field.into(),
            reason: one_line(&reason.into()),
        }
    }

    /// The entry an error is about, when it names one.
    pub fn seq(&self) -> Option<Seq> {
        match self {
            Error::NotCanonical { seq }
            | Error::Sequence { seq, .. }
            | Error::PrevLink { seq, .. }
            | Error::BadSignature { seq, .. }
            | Error::NotEnrolled { seq, .. }
            | Error::Revoked { seq, .. }
            | Error::RoleNotAllowed { seq, .. }
            | Error::Reference { seq, .. }
            | Error::Time { seq, .. }
            | Error::Diverged { seq, .. } => Some(*seq),
            Error::Line { error, .. } => error.seq(),
            _ => None,
        }
    }

    /// The 1-based line of an import or export file an error is about.
    pub fn line(&self) -> Option<u64> {
        match self {
            Error::Line { line, .. } | Error::Diverged { line, .. } => Some(*line),
            _ => None,
        }
    }
}

/// `text` with every control character (and the Unicode line and paragraph
/// separators) written as an escape, so that a message quoting input stays
/// one line whatever the input holds.
pub(crate) fn one_line(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if c.is_control() || c == '\u{2028}' || c == '\u{2029}' {
            out.extend(c.escape_default());
        } else {
            out.push(c);
        }
    }
    out
}

impl From<sled::Error> for Error {
    fn from(e: sled::Error) -> Self {
        Error::Storage(e)
    }
}
