//! The worked example: a ledger built from the Agenzia Nova article of
//! February 2025 (to be filled in).

use std::path::Path;

use crate::error::Error;
use crate::keys::KeyPair;
use crate::store::Ledger;

/// A built demo ledger and the (fictional, deterministic) keys that signed it.
pub struct DemoLedger {
    /// The open ledger.
    pub ledger: Ledger,
    /// The demo's keys: admin first, then the desk's editor and fact-checker.
    pub keys: Vec<KeyPair>,
}

/// Builds the demo ledger in `dir`.
///
/// # Errors
/// Storage errors, or a `dir` holding some other ledger.
pub fn build(dir: &Path) -> Result<DemoLedger, Error> {
    let _ = dir;
    Err(Error::Corrupt {
        reason: "demo not implemented yet".into(),
    })
}
