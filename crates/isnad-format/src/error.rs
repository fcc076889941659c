//! The libraries' error type: every failure names what failed, and says
//! what kind of failure it is.
//!
//! [`Error::kind`] is the one classification of the variants: the command
//! line's exit codes and the server's HTTP statuses are both decided from
//! it, so no caller keeps its own list of variants.

use crate::ids::{EntryHash, Seq};

/// What kind of failure an [`Error`] is, for callers that must decide what
/// to do about it (an exit code, an HTTP status) without knowing every
/// variant. New variants of [`Error`] map to one of these. Deliberately not
/// `#[non_exhaustive]`: a new kind must make every caller decide about it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ErrorKind {
    /// The input is malformed or breaks a rule of the format: bad JSON, a
    /// bad field, a non-canonical entry, a reference to nothing, a
    /// malformed key, tile or time.
    Input,
    /// Well-formed data that is proven false: a hash, root, proof, signed
    /// note or checkpoint that does not hold, a file that differs from the
    /// ledger it should extend.
    Integrity,
    /// An entry's signature does not verify.
    Signature,
    /// The signer is not enrolled, was revoked, or lacks the role.
    Forbidden,
    /// The entry is not at the ledger's next position: another writer took
    /// it, or it was signed against another head.
    Conflict,
    /// Nothing by that id, size or path.
    NotFound,
    /// The command was pointed at the wrong place: not a ledger, not empty,
    /// already a ledger, another log key.
    Usage,
    /// Another process holds the ledger.
    Busy,
    /// A published resource could not be fetched.
    Unavailable,
    /// The storage under the ledger, or a file, failed to read or write.
    Storage,
    /// The store found its own data inconsistent: damage or tampering on
    /// disk, or a bug.
    Damaged,
}

impl ErrorKind {
    /// Every kind.
    pub const ALL: [ErrorKind; 11] = [
        ErrorKind::Input,
        ErrorKind::Integrity,
        ErrorKind::Signature,
        ErrorKind::Forbidden,
        ErrorKind::Conflict,
        ErrorKind::NotFound,
        ErrorKind::Usage,
        ErrorKind::Busy,
        ErrorKind::Unavailable,
        ErrorKind::Storage,
        ErrorKind::Damaged,
    ];
}

/// An error of the storage engine under a ledger, kept opaque so that this
/// crate, and the error type, name no storage engine.
pub struct StorageError(Box<dyn std::error::Error + Send + Sync + 'static>);

impl StorageError {
    /// Wraps an error of the storage engine.
    pub fn new(error: impl std::error::Error + Send + Sync + 'static) -> Self {
        StorageError(Box::new(error))
    }

    /// The storage engine's own error, to downcast.
    pub fn get_ref(&self) -> &(dyn std::error::Error + Send + Sync + 'static) {
        &*self.0
    }
}

impl std::fmt::Display for StorageError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.0.fmt(f)
    }
}

impl std::fmt::Debug for StorageError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.0.fmt(f)
    }
}

/// Everything that can go wrong in the isnad libraries.
///
/// Variants name the field, entry or file at fault so that a caller can print
/// one clear line; [`Error::kind`] says what kind of failure it is. The enum
/// is `#[non_exhaustive]`: later versions add variants.
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
    /// A witness directory that cannot be used: not a witness's, already
    /// one, or held by another process.
    #[error("{path}: {reason}")]
    WitnessDir {
        /// The directory.
        path: String,
        /// What is wrong.
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
    /// A cosignature line is malformed, or does not verify with the
    /// witness's key.
    #[error("cosignature by {witness}: {reason}")]
    Cosignature {
        /// The witness's key name, as the line gives it.
        witness: String,
        /// What is wrong.
        reason: String,
    },
    /// Fewer witnesses than required cosigned a checkpoint.
    #[error(
        "cosignatures: {valid} of the {needed} needed; missing: {}; not verifying: {}",
        names(missing),
        names(invalid)
    )]
    Quorum {
        /// The quorum asked for.
        needed: usize,
        /// Distinct listed witnesses whose cosignature verifies.
        valid: usize,
        /// Listed witnesses with no cosignature line.
        missing: Vec<String>,
        /// Listed witnesses whose lines do not verify.
        invalid: Vec<String>,
    },
    /// A witness refused to cosign a checkpoint of a log.
    #[error("checkpoint of {origin}: {refusal}")]
    Witness {
        /// The checkpoint's origin line.
        origin: String,
        /// Why the witness refused.
        refusal: Refusal,
    },
    /// The ledger's list of witnesses (`witnesses.json` in its directory)
    /// cannot be read, written or used as it is.
    #[error("{path}: {field}: {reason}")]
    WitnessConfig {
        /// The file.
        path: String,
        /// What in it is wrong: `witnesses[1].vkey`, `quorum`, or the file.
        field: String,
        /// What is wrong.
        reason: String,
    },
    /// The ledger has no log key, or a different one.
    #[error("log key: {reason}")]
    LogKey {
        /// What is wrong.
        reason: String,
    },
    /// The storage engine reported an error. Its message is in this one's,
    /// so it is not also given as the `source` (a report walking the chain
    /// would print it twice).
    #[error("storage: {0}")]
    Storage(StorageError),
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

    /// An error of the storage engine.
    pub fn storage(error: impl std::error::Error + Send + Sync + 'static) -> Self {
        Error::Storage(StorageError::new(error))
    }

    /// What kind of failure this is. An error about one line or one review
    /// of a document is of the kind of what was wrong with it.
    pub fn kind(&self) -> ErrorKind {
        use ErrorKind as K;
        match self {
            Error::Json { .. }
            | Error::Utf8 { .. }
            | Error::Field { .. }
            | Error::Canonical { .. }
            | Error::NotCanonical { .. }
            | Error::Reference { .. }
            | Error::Time { .. }
            | Error::AmbiguousId { .. }
            | Error::Key { .. }
            | Error::Tile { .. } => K::Input,
            Error::Witness { refusal, .. } => refusal.kind(),
            Error::Diverged { .. }
            | Error::Proof { .. }
            | Error::Cosignature { .. }
            | Error::Quorum { .. }
            | Error::Note { .. }
            | Error::Checkpoint { .. }
            | Error::TileMismatch { .. } => K::Integrity,
            Error::BadSignature { .. } => K::Signature,
            Error::NotEnrolled { .. } | Error::Revoked { .. } | Error::RoleNotAllowed { .. } => {
                K::Forbidden
            }
            Error::Sequence { .. } | Error::PrevLink { .. } => K::Conflict,
            Error::UnknownId { .. } | Error::NoCheckpoint { .. } | Error::NoTile { .. } => {
                K::NotFound
            }
            Error::NotALedger { .. }
            | Error::AlreadyExists { .. }
            | Error::NotEmpty { .. }
            | Error::WitnessDir { .. }
            | Error::WitnessConfig { .. }
            | Error::LogKey { .. } => K::Usage,
            Error::InUse { .. } => K::Busy,
            Error::Fetch { .. } => K::Unavailable,
            Error::Storage(_) | Error::Io { .. } => K::Storage,
            Error::Corrupt { .. } => K::Damaged,
            Error::Review { error, .. } | Error::Line { error, .. } => error.kind(),
        }
    }

    /// The field of an entry an error is about, when it names one: a
    /// dotted path into the entry (`body.chain[1].source`), or one of its
    /// top-level members (`time`, `sig`, `signer`, `seq`, `prev`).
    pub fn field_name(&self) -> Option<&str> {
        match self {
            Error::Field { field, .. } | Error::Reference { field, .. } => Some(field),
            Error::Time { .. } => Some("time"),
            Error::BadSignature { .. } => Some("sig"),
            Error::NotEnrolled { .. } | Error::Revoked { .. } | Error::RoleNotAllowed { .. } => {
                Some("signer")
            }
            Error::Sequence { .. } => Some("seq"),
            Error::PrevLink { .. } => Some("prev"),
            Error::Review { error, .. } | Error::Line { error, .. } => error.field_name(),
            _ => None,
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

/// Why a witness refused a checkpoint: the cases the C2SP tlog-witness
/// protocol answers with distinct HTTP statuses.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Refusal {
    /// The witness follows no log with this origin (404).
    UnknownLog,
    /// No signature by the log's key verifies (403).
    BadSignature,
    /// The request's old size is larger than the checkpoint's (400).
    OldSizeTooLarge {
        /// The old size given.
        old: u64,
        /// The checkpoint's size.
        size: u64,
    },
    /// The old size is not the size the witness last cosigned (409); the
    /// log should retry from `latest`.
    StaleOldSize {
        /// The size of the latest checkpoint the witness cosigned.
        latest: u64,
    },
    /// The consistency proof from the old size does not verify (422).
    BadProof {
        /// What does not hold.
        reason: String,
    },
    /// A checkpoint of the size last cosigned, with another root (409).
    RootMismatch {
        /// The size both checkpoints claim.
        size: u64,
    },
}

impl Refusal {
    /// The kind of error the refusal is.
    pub fn kind(&self) -> ErrorKind {
        match self {
            Refusal::UnknownLog => ErrorKind::NotFound,
            Refusal::BadSignature => ErrorKind::Signature,
            Refusal::OldSizeTooLarge { .. } => ErrorKind::Input,
            Refusal::StaleOldSize { .. } | Refusal::RootMismatch { .. } => ErrorKind::Conflict,
            Refusal::BadProof { .. } => ErrorKind::Integrity,
        }
    }

    /// The HTTP status the tlog-witness protocol gives the refusal.
    pub fn http_status(&self) -> u16 {
        match self {
            Refusal::UnknownLog => 404,
            Refusal::BadSignature => 403,
            Refusal::OldSizeTooLarge { .. } => 400,
            Refusal::StaleOldSize { .. } | Refusal::RootMismatch { .. } => 409,
            Refusal::BadProof { .. } => 422,
        }
    }
}

impl std::fmt::Display for Refusal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Refusal::UnknownLog => f.write_str("the witness follows no log of this origin"),
            Refusal::BadSignature => f.write_str("no signature by the log's key verifies"),
            Refusal::OldSizeTooLarge { old, size } => {
                write!(
                    f,
                    "old size {old} is larger than the checkpoint's size {size}"
                )
            }
            Refusal::StaleOldSize { latest } => {
                write!(f, "old size is not {latest}, the size last cosigned")
            }
            Refusal::BadProof { reason } => write!(f, "consistency proof: {reason}"),
            Refusal::RootMismatch { size } => write!(
                f,
                "another root than the one cosigned at size {size} (a split view)"
            ),
        }
    }
}

/// A list of names for a message: comma-separated, or "none".
fn names(list: &[String]) -> String {
    if list.is_empty() {
        "none".into()
    } else {
        one_line(&list.join(", "))
    }
}

/// `text` with every control character (and the Unicode line and paragraph
/// separators) written as an escape, so that a message quoting input stays
/// one line whatever the input holds.
pub fn one_line(text: &str) -> String {
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

#[cfg(test)]
mod tests {
    use super::*;

    // Known answers: what the command line and the server decide from.
    // (`kind` itself is an exhaustive match, so every variant has one.)
    #[test]
    fn kinds_of_variants() {
        let seq = Seq(7);
        let cases = [
            (Error::field("body.text", "empty"), ErrorKind::Input),
            (Error::NotCanonical { seq }, ErrorKind::Input),
            (
                Error::PrevLink {
                    seq,
                    found: EntryHash::ZERO,
                    expected: EntryHash::ZERO,
                },
                ErrorKind::Conflict,
            ),
            (
                Error::BadSignature {
                    seq,
                    signer: "k".into(),
                },
                ErrorKind::Signature,
            ),
            (
                Error::Revoked {
                    seq,
                    signer: "k".into(),
                    at: Seq(2),
                },
                ErrorKind::Forbidden,
            ),
            (Error::Diverged { line: 3, seq }, ErrorKind::Integrity),
            (Error::NoCheckpoint { size: 9 }, ErrorKind::NotFound),
            (
                Error::Quorum {
                    needed: 2,
                    valid: 1,
                    missing: vec!["w".into()],
                    invalid: vec![],
                },
                ErrorKind::Integrity,
            ),
            (
                Error::Witness {
                    origin: "o".into(),
                    refusal: Refusal::UnknownLog,
                },
                ErrorKind::NotFound,
            ),
            (
                Error::Witness {
                    origin: "o".into(),
                    refusal: Refusal::StaleOldSize { latest: 3 },
                },
                ErrorKind::Conflict,
            ),
            (
                Error::LogKey {
                    reason: "other".into(),
                },
                ErrorKind::Usage,
            ),
            (
                Error::storage(std::io::Error::other("disk")),
                ErrorKind::Storage,
            ),
            (
                Error::Corrupt {
                    reason: "node".into(),
                },
                ErrorKind::Damaged,
            ),
        ];
        for (e, kind) in cases {
            assert_eq!(e.kind(), kind, "{e}");
            // An error about a line or a review is of the kind of its cause,
            // and names the same entry and field.
            let wrapped = Error::Line {
                line: 4,
                error: Box::new(e),
            };
            assert_eq!(wrapped.kind(), kind);
            let Error::Line { error, .. } = &wrapped else {
                unreachable!()
            };
            assert_eq!(wrapped.field_name(), error.field_name());
            assert_eq!(wrapped.seq(), error.seq());
        }
    }

    // The server's `entry` once missed these: every entry-naming variant
    // names it through `seq`.
    #[test]
    fn diverged_and_lines_name_their_entry() {
        assert_eq!(
            Error::Diverged {
                line: 3,
                seq: Seq(5)
            }
            .seq(),
            Some(Seq(5))
        );
        let e = Error::Line {
            line: 2,
            error: Box::new(Error::Time {
                seq: Seq(8),
                reason: "early".into(),
            }),
        };
        assert_eq!(e.seq(), Some(Seq(8)));
        assert_eq!(e.field_name(), Some("time"));
    }

    // Each refusal's status is the one C2SP tlog-witness gives it.
    #[test]
    fn refusal_statuses() {
        let cases = [
            (Refusal::UnknownLog, 404),
            (Refusal::BadSignature, 403),
            (Refusal::OldSizeTooLarge { old: 2, size: 1 }, 400),
            (Refusal::StaleOldSize { latest: 1 }, 409),
            (Refusal::RootMismatch { size: 1 }, 409),
            (Refusal::BadProof { reason: "x".into() }, 422),
        ];
        for (r, status) in cases {
            assert_eq!(r.http_status(), status, "{r}");
        }
    }

    // The storage engine's error is opaque but its message is kept.
    #[test]
    fn storage_errors_keep_their_message() {
        let e = Error::storage(std::io::Error::other("no space left"));
        assert_eq!(e.to_string(), "storage: no space left");
        let Error::Storage(inner) = &e else {
            unreachable!()
        };
        assert!(inner.get_ref().downcast_ref::<std::io::Error>().is_some());
    }
}
