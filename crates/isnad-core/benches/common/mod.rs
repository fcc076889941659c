//! The ledger the benchmarks run on: generated once (signed claims, imported
//! in one batch) and kept under `target/isnad-bench/` for later runs.

#![allow(dead_code, reason = "each bench uses a different subset")]

use std::path::{Path, PathBuf};
use std::time::Instant;

use isnad_core::record::{
    Appearance, ClaimBody, Hop, HopRelation, KeyBody, SourceBody, SourceKind,
};
use isnad_core::{Draft, EntryHash, KeyPair, Ledger, Record, Role, Seq, Timestamp};

/// 2025-02-18T08:00:00Z, the time of the first entry.
pub const START: i64 = 1_739_865_600;

pub fn entries() -> u64 {
    std::env::var("ISNAD_BENCH_ENTRIES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1_000_000)
}

pub fn admin() -> KeyPair {
    KeyPair::from_seed("bench-admin", &[1; 32]).unwrap()
}

pub fn editor() -> KeyPair {
    KeyPair::from_seed("bench-editor", &[2; 32]).unwrap()
}

pub fn log_key() -> KeyPair {
    KeyPair::from_seed("bench.isnad.example/log", &[3; 32]).unwrap()
}

/// A claim of realistic length; `i` makes each one distinct.
pub fn claim(i: u64) -> Record {
    Record::Claim(ClaimBody {
        text: format!(
            "Report {i}: a group of fifteen to twenty officers is said to be training abroad \
             on fighter aircraft for three months, according to a regional outlet that names \
             no source of its own."
        ),
        lang: "en".into(),
        quote: None,
        translations: vec![],
        chain: vec![Hop {
            source: "bench-outlet".parse().unwrap(),
            relation: HopRelation::Reported,
        }],
        appeared: Appearance {
            date: "2025-02-18".into(),
            url: None,
            venue: None,
        },
    })
}

/// Writes an export of `n` entries: genesis, the editor's key, one source,
/// then claims.
pub fn generate(n: u64) -> Vec<u8> {
    let (admin, editor) = (admin(), editor());
    let mut out = Vec::with_capacity(n as usize * 700);
    let mut prev = EntryHash::ZERO;
    for seq in 0..n {
        let (key, record) = match seq {
            0 => (
                &admin,
                Record::Key(KeyBody {
                    key: admin.verifier().to_string(),
                    roles: vec![Role::Admin],
                    holder: None,
                    replaces: None,
                    org: None,
                }),
            ),
            1 => (
                &admin,
                Record::Key(KeyBody {
                    key: editor.verifier().to_string(),
                    roles: vec![Role::Editor],
                    holder: None,
                    replaces: None,
                    org: None,
                }),
            ),
            2 => (
                &editor,
                Record::Source(SourceBody {
                    id: "bench-outlet".parse().unwrap(),
                    name: "Bench Outlet".into(),
                    kind: SourceKind::Outlet,
                    url: None,
                    language: None,
                    affiliations: vec![],
                    description: None,
                }),
            ),
            i => (&editor, claim(i)),
        };
        let time = Timestamp::from_unix(START + (seq / 100) as i64);
        let e = Draft::new(Seq(seq), prev, time, key.verifier().clone(), record)
            .sign(key)
            .unwrap();
        prev = e.hash();
        out.extend_from_slice(e.leaf_bytes());
        out.push(b'\n');
    }
    out
}

/// The ledger of `n` entries with a checkpoint at `n`, built once and kept.
pub fn ledger(n: u64) -> Ledger {
    let dir: PathBuf = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../target/isnad-bench")
        .join(format!("log-{n}"));
    if let Ok(l) = Ledger::open(&dir) {
        if l.len().unwrap() >= n && l.checkpoint_at(n).unwrap().is_some() {
            return l;
        }
        drop(l);
    }
    let _ = std::fs::remove_dir_all(&dir);
    eprintln!("building a ledger of {n} entries in {}", dir.display());
    let t = Instant::now();
    let export = generate(n);
    eprintln!("  signed {n} entries in {:.1?}", t.elapsed());
    let l = Ledger::create(&dir).unwrap();
    l.set_log_key(log_key().verifier()).unwrap();
    let t = Instant::now();
    let now = Timestamp::from_unix(START + n as i64);
    l.import_jsonl(&mut &export[..], now, &mut |_| {}).unwrap();
    eprintln!("  imported in {:.1?}", t.elapsed());
    l.sign_checkpoint(&log_key()).unwrap();
    l
}
