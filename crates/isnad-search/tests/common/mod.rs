//! A newsroom's ledger as the search tests start from it: genesis, an
//! editor's and a fact-checker's keys, and one source, `wire`.

#![allow(
    clippy::unwrap_used,
    reason = "test code: a failed expectation is the test failing"
)]

use isnad_core::record::{KeyBody, SourceBody, SourceKind};
use isnad_core::{KeyPair, Ledger, Record, Role, Timestamp, init};

/// The ledger (in a directory of its own) and its two writers.
pub struct Newsroom {
    pub dir: tempfile::TempDir,
    pub ledger: Ledger,
    pub editor: KeyPair,
    pub checker: KeyPair,
}

/// A newsroom's ledger whose entries are all timed `now`.
pub fn newsroom(now: Timestamp) -> Newsroom {
    let dir = tempfile::tempdir().unwrap();
    let admin = KeyPair::generate("admin").unwrap();
    let ledger = init(&dir.path().join("ledger"), &admin, now).unwrap();
    let editor = KeyPair::generate("editor").unwrap();
    let checker = KeyPair::generate("checker").unwrap();
    for (k, role) in [(&editor, Role::Editor), (&checker, Role::FactChecker)] {
        let key = KeyBody {
            key: k.verifier().to_string(),
            roles: vec![role],
            holder: None,
            replaces: None,
            org: None,
        };
        ledger.append(&admin, Record::Key(key), now).unwrap();
    }
    let wire = SourceBody {
        id: "wire".parse().unwrap(),
        name: "Wire".into(),
        kind: SourceKind::Outlet,
        url: None,
        language: None,
        affiliations: vec![],
        description: None,
    };
    ledger.append(&editor, Record::Source(wire), now).unwrap();
    Newsroom {
        dir,
        ledger,
        editor,
        checker,
    }
}
