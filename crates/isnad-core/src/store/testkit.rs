//! The ledger the store's tests start from: a founding admin that has
//! enrolled an editor, at one fixed time, with the same keys every run.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::Path;

use crate::Role;
use crate::keys::KeyPair;
use crate::record::{KeyBody, Record, SourceBody, SourceKind};
use crate::store::Ledger;
use crate::time::Timestamp;

/// The time of every entry the tests append.
pub fn t() -> Timestamp {
    Timestamp::parse("2025-02-18T08:00:00Z").unwrap()
}

/// The founding admin.
pub fn admin() -> KeyPair {
    KeyPair::from_seed("admin", &[1; 32]).unwrap()
}

/// The editor the admin enrols.
pub fn editor() -> KeyPair {
    KeyPair::from_seed("ed", &[2; 32]).unwrap()
}

/// A new ledger in `dir` of two entries: the admin's genesis, and the
/// editor's enrolment with the editor role.
pub fn admin_and_editor(dir: &Path) -> Ledger {
    let l = crate::init(dir, &admin(), t()).unwrap();
    l.append(
        &admin(),
        Record::Key(KeyBody {
            key: editor().verifier().to_string(),
            roles: vec![Role::Editor],
            holder: None,
            replaces: None,
            org: None,
        }),
        t(),
    )
    .unwrap();
    l
}

/// Source record number `i`, an outlet with slug `s<i>`.
pub fn outlet(i: usize) -> Record {
    Record::Source(SourceBody {
        id: format!("s{i}").parse().unwrap(),
        name: format!("Source {i}"),
        kind: SourceKind::Outlet,
        url: None,
        language: None,
        affiliations: vec![],
        description: None,
    })
}
