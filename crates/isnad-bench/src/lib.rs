//! isnad's benchmark suite.
//!
//! - [`generate`]: a seeded, deterministic generator of realistic ledgers,
//!   written as an export that `isnad import jsonl` reads;
//! - [`claimreview`]: a deterministic generator of ClaimReview dumps, for
//!   `isnad import claimreview` at scale;
//! - [`limits`]: what this machine allows (signing, verification, hashing,
//!   sled inserts, a durable write), measured in the same run as the
//!   results;
//! - [`run`]: the measurements of `isnad bench`, as one [`run::Report`];
//! - [`targets`]: the figures `isnad bench` is held to, and whether a report
//!   meets them;
//! - [`plot`]: several reports as one SVG of how each cost grows with the
//!   ledger's size.
//!
//! The library prints nothing: [`run::run`] reports its progress through a
//! callback and returns numbers; the command line decides how to show them.

#![forbid(unsafe_code)]

pub mod claimreview;
pub mod generate;
pub mod limits;
pub mod plot;
pub mod run;
pub mod targets;

/// What can stop a benchmark run.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The ledger or the generator failed.
    #[error(transparent)]
    Core(#[from] isnad_core::Error),
    /// The scratch database of the sled limit failed.
    #[error("storage: {0}")]
    Storage(#[from] sled::Error),
    /// A file or directory of the work directory could not be used.
    #[error("{path}: {error}")]
    Io {
        /// The file or directory.
        path: String,
        /// The OS error (in the message, not a `source()`, to print it once).
        error: std::io::Error,
    },
    /// The configuration cannot be run.
    #[error("{what}: {reason}")]
    Config {
        /// Which setting.
        what: &'static str,
        /// Why not.
        reason: String,
    },
    /// A run of the `isnad` executable (the CLI append measurement) failed.
    #[error("`{command}` failed: {reason}")]
    Command {
        /// The command line, without its arguments' values.
        command: String,
        /// Its exit status and the first line of its error output.
        reason: String,
    },
}

impl Error {
    /// An [`Error::Io`] about `path`.
    pub(crate) fn io(path: &std::path::Path, error: std::io::Error) -> Self {
        Error::Io {
            path: path.display().to_string(),
            error,
        }
    }
}
