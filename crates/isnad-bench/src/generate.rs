//! A seeded generator of ledgers, written as an export (one entry per
//! line) that `isnad import jsonl` reads.
//!
//! PLACEHOLDER: a minimal ledger (the admin's genesis, one editor, one
//! source, then one-hop claims) with the final API; the realistic mix
//! replaces it.

use std::io::Write;

use isnad_core::record::{Appearance, ClaimBody, Hop, HopRelation, KeyBody, SourceBody, SourceKind};
use isnad_core::{Draft, EntryHash, Error, KeyPair, Record, Role, Seq, Timestamp};

/// The keys a generated ledger is signed with, derived from the seed.
pub struct Keys {
    /// The founding admin.
    pub admin: KeyPair,
    /// Editors (sources, claims, relations, amendments, priors).
    pub editors: Vec<KeyPair>,
    /// Fact-checkers (verdicts).
    pub checkers: Vec<KeyPair>,
}

/// What a generation wrote.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Stats {
    /// Entries written.
    pub entries: u64,
    /// Bytes written.
    pub bytes: u64,
    /// Time of the last entry.
    pub last_time: Option<Timestamp>,
}

/// The keys of the ledger `seed` generates.
///
/// # Errors
/// Never in practice (the names are valid).
pub fn keys(seed: u64) -> Result<Keys, Error> {
    let k = |name: &str, i: u8| {
        let mut s = [i; 32];
        s[..8].copy_from_slice(&seed.to_le_bytes());
        KeyPair::from_seed(name, &s)
    };
    Ok(Keys {
        admin: k("gen-admin", 1)?,
        editors: vec![k("gen-editor-1", 2)?],
        checkers: vec![k("gen-checker-1", 3)?],
    })
}

/// Writes a ledger of `n` entries generated from `seed` to `out`.
///
/// # Errors
/// I/O errors on `out` ([`Error::Io`]).
pub fn write_export(n: u64, seed: u64, out: &mut dyn Write) -> Result<Stats, Error> {
    let keys = keys(seed)?;
    let start = Timestamp::parse("2024-01-01T00:00:00Z")?.unix();
    let mut prev = EntryHash::ZERO;
    let mut stats = Stats::default();
    for seq in 0..n {
        let (key, record) = match seq {
            0 => (&keys.admin, Record::Key(KeyBody { key: keys.admin.verifier().to_string(), roles: vec![Role::Admin], holder: None })),
            1 => (&keys.admin, Record::Key(KeyBody { key: keys.editors[0].verifier().to_string(), roles: vec![Role::Editor], holder: None })),
            2 => (&keys.editors[0], Record::Source(SourceBody { id: "gen-outlet".parse()?, name: "Outlet".into(), kind: SourceKind::Outlet, url: None, language: None, affiliations: vec![], description: None })),
            i => (&keys.editors[0], Record::Claim(ClaimBody { text: format!("Claim {i}"), lang: "en".into(), quote: None, translations: vec![], chain: vec![Hop { source: "gen-outlet".parse()?, relation: HopRelation::Reported }], appeared: Appearance { date: "2024-01-01".into(), url: None, venue: None } })),
        };
        let time = Timestamp::from_unix(start + seq as i64);
        let e = Draft::new(Seq(seq), prev, time, key.verifier().clone(), record).sign(key)?;
        prev = e.hash();
        let io = |e: std::io::Error| Error::Io { path: "output".into(), error: e };
        out.write_all(e.leaf_bytes()).map_err(io)?;
        out.write_all(b"\n").map_err(io)?;
        stats.entries += 1;
        stats.bytes += e.leaf_bytes().len() as u64 + 1;
        stats.last_time = Some(time);
    }
    Ok(stats)
}
