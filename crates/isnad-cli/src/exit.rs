//! Exit codes, and the one place a library error is classified for them.
//!
//! 0: success. 1: the data checked failed verification (`verify`,
//! `verify-proof`, `mirror`). 2: everything else that went wrong — bad
//! usage or input, a ledger in use, storage (clap's own usage errors also
//! exit 2). 3: `checkpoint` signed the checkpoint, but fewer of the
//! ledger's witnesses cosigned it than its quorum (the checkpoint and the
//! cosignatures that came are kept; running it again asks the others).

use isnad_core::{Error, ErrorKind};

/// Exit code: the data failed verification.
pub const VERIFY: u8 = 1;
/// Exit code: bad usage or input, or anything else that went wrong.
pub const INPUT: u8 = 2;
/// Exit code: a checkpoint was signed but its witnesses' quorum not met.
pub const QUORUM: u8 = 3;

/// What a verifying command was checking, which decides whether a fault
/// in its input fails verification or is unusable input.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Checking {
    /// A ledger or an export as a whole (`verify`, `verify-proof`): any
    /// fault in what it holds fails verification.
    Data,
    /// A log published as a checkpoint, tiles and bundles (`mirror`): what
    /// is proven false fails verification, as does any entry of the log
    /// that breaks the ledger's rules; a resource too malformed to check is
    /// unusable input.
    Publication,
}

/// Whether `e`, met while checking, means the data failed verification
/// (exit 1) rather than that it could not be checked (exit 2).
pub fn fails_verification(e: &Error, checking: Checking) -> bool {
    let proven_false = match e.kind() {
        ErrorKind::Integrity
        | ErrorKind::Signature
        | ErrorKind::Forbidden
        | ErrorKind::Conflict => true,
        ErrorKind::Input | ErrorKind::Damaged => checking == Checking::Data,
        ErrorKind::NotFound
        | ErrorKind::Usage
        | ErrorKind::Busy
        | ErrorKind::Unavailable
        | ErrorKind::Storage => false,
    };
    // An entry of a published log that breaks a rule: the log is at fault
    // whatever the rule.
    let entry_of_the_log =
        checking == Checking::Publication && (e.seq().is_some() || e.line().is_some());
    proven_false || entry_of_the_log
}

/// The hint to add to an error, if any: a busy ledger can be waited for.
pub fn hint(e: &Error) -> Option<&'static str> {
    (e.kind() == ErrorKind::Busy).then_some("`--wait SECONDS` waits longer")
}

#[cfg(test)]
mod tests {
    use super::*;

    // The command line and the server tell the same story about every kind
    // of error: what the server blames on the server (5xx) never fails a
    // verification, and what it refuses as the client's fault (4xx other
    // than 404) fails the verification of a ledger or an export.
    #[test]
    fn command_line_and_server_agree_on_every_kind() {
        for kind in ErrorKind::ALL {
            let (status, _, _) = isnad_server::problem::status_of(kind);
            let e = sample(kind);
            assert_eq!(e.kind(), kind);
            let data = fails_verification(&e, Checking::Data);
            if status.is_server_error() {
                assert!(
                    !fails_verification(&e, Checking::Publication),
                    "{kind:?}: a server fault cannot fail a published log"
                );
                assert!(
                    !data || kind == ErrorKind::Damaged,
                    "{kind:?}: a server fault fails verification"
                );
            } else if status.as_u16() == 404 {
                assert!(!data, "{kind:?}");
            } else if matches!(status.as_u16(), 403 | 409) {
                assert!(data, "{kind:?}: refused by the server, accepted by verify");
                assert!(fails_verification(&e, Checking::Publication), "{kind:?}");
            }
        }
    }

    /// An error of each kind.
    fn sample(kind: ErrorKind) -> Error {
        let seq = isnad_core::Seq(3);
        let path = || "p".to_owned();
        match kind {
            ErrorKind::Input => Error::field("body.text", "empty"),
            ErrorKind::Integrity => Error::Proof {
                reason: "no".into(),
            },
            ErrorKind::Signature => Error::BadSignature {
                seq,
                signer: "s".into(),
            },
            ErrorKind::Forbidden => Error::NotEnrolled {
                seq,
                signer: "s".into(),
            },
            ErrorKind::Conflict => Error::Sequence {
                seq,
                expected: isnad_core::Seq(4),
            },
            ErrorKind::NotFound => Error::UnknownId {
                prefix: "ab".into(),
            },
            ErrorKind::Usage => Error::NotEmpty { path: path() },
            ErrorKind::Busy => Error::InUse {
                path: path(),
                waited_ms: 0,
            },
            ErrorKind::Unavailable => Error::Fetch {
                path: path(),
                reason: "down".into(),
            },
            ErrorKind::Storage => Error::Io {
                path: path(),
                error: std::io::Error::other("disk"),
            },
            ErrorKind::Damaged => Error::Corrupt { reason: "r".into() },
        }
    }

    // A malformed tile of a published log is unusable input; the same fault
    // in an export, or in an entry of the log, fails verification.
    #[test]
    fn publication_and_data_differ_only_on_unusable_input() {
        let tile = Error::Tile {
            path: "tile/0/000".into(),
            reason: "short".into(),
        };
        assert!(!fails_verification(&tile, Checking::Publication));
        assert!(fails_verification(&tile, Checking::Data));
        let line = Error::Line {
            line: 4,
            error: Box::new(Error::field("body", "bad")),
        };
        assert!(fails_verification(&line, Checking::Publication));
    }
}
