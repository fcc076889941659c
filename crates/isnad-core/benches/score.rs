//! Replay and scoring: the fold over parsed entries (the engine alone), the
//! parse of stored leaf bytes it needs first, and a replay straight from a
//! sled ledger.
//!
//! The ledger is synthetic and deterministic: 1,000 sources (one in fifty
//! unnamed), then 50% claims with 1-3 hop chains, 40% verdicts by a
//! fact-checker over every rating, 10% relations. `ISNAD_BENCH_ENTRIES`
//! sets its size (default 1,000,000).
//!
//! ```text
//! cargo bench -p isnad-core --bench score
//! ISNAD_BENCH_ENTRIES=20000 cargo bench -p isnad-core --bench score -- --quick
//! ```

#![allow(
    missing_docs,
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "a benchmark, not library code"
)]

mod common;

use std::hint::black_box;
use std::path::Path;
use std::time::{Duration, Instant};

use common::{START, admin, editor, entries};
use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use isnad_core::record::{
    Appearance, ClaimBody, ClaimRelation, Hop, HopRelation, KeyBody, Rating, RelationBody,
    SourceBody, SourceKind, VerdictBody,
};
use isnad_core::score::{AsOf, Params, replay, replay_ledger};
use isnad_core::{
    Draft, Entry, EntryHash, KeyPair, Ledger, Record, Role, Seq, SourceId, Timestamp,
};

const SOURCES: u64 = 1000;

/// xorshift64: a fixed sequence, the same on every machine.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

fn checker() -> KeyPair {
    KeyPair::from_seed("bench-checker", &[4; 32]).unwrap()
}

fn source(i: u64) -> SourceId {
    format!("source-{i}").parse().unwrap()
}

/// Who signs a record: an index into [`keys`].
const ADMIN: usize = 0;
const EDITOR: usize = 1;
const CHECKER: usize = 2;

fn keys() -> [KeyPair; 3] {
    [admin(), editor(), checker()]
}

/// The records of the synthetic ledger, with their signers.
fn records(n: u64) -> Vec<(usize, Record)> {
    let keys = keys();
    let mut out: Vec<(usize, Record)> = Vec::with_capacity(n as usize);
    for (k, role) in [
        (ADMIN, Role::Admin),
        (EDITOR, Role::Editor),
        (CHECKER, Role::FactChecker),
    ] {
        let body = KeyBody {
            key: keys[k].verifier().to_string(),
            roles: vec![role],
            holder: None,
            replaces: None,
            org: None,
        };
        out.push((ADMIN, Record::Key(body)));
    }
    for i in 0..SOURCES {
        out.push((
            EDITOR,
            Record::Source(SourceBody {
                id: source(i),
                name: format!("Source {i}"),
                kind: if i % 50 == 0 {
                    SourceKind::Anonymous
                } else {
                    SourceKind::Outlet
                },
                url: None,
                language: None,
                affiliations: vec![],
                description: None,
            }),
        ));
    }
    let ratings = Rating::ALL;
    let relations = [
        ClaimRelation::SameAs,
        ClaimRelation::Corroborates,
        ClaimRelation::DerivedFrom,
        ClaimRelation::Contradicts,
    ];
    // Claims are referred to by position; ids are filled in when signing.
    let mut claims: Vec<usize> = Vec::new();
    let mut rng = Rng(0x5eed);
    while (out.len() as u64) < n {
        let k = rng.below(10);
        if k < 5 || claims.len() < 10 {
            let hops = 1 + rng.below(3) as usize;
            let mut chain: Vec<Hop> = Vec::new();
            while chain.len() < hops {
                let s = source(rng.below(SOURCES));
                if chain.iter().all(|h| h.source != s) {
                    let relation = if chain.is_empty() {
                        HopRelation::Reported
                    } else {
                        HopRelation::Cited
                    };
                    chain.push(Hop {
                        source: s,
                        relation,
                    });
                }
            }
            let text = format!(
                "Claim {} about the story of the day: officers are said to be training \
                 abroad on fighter aircraft, according to an outlet that names no source.",
                rng.below(n / 3 + 1)
            );
            claims.push(out.len());
            out.push((
                EDITOR,
                Record::Claim(ClaimBody {
                    text,
                    lang: "en".into(),
                    quote: None,
                    translations: vec![],
                    chain,
                    appeared: Appearance {
                        date: "2025-02-18".into(),
                        url: None,
                        venue: None,
                    },
                }),
            ));
        } else if k < 9 {
            let c = claims[rng.below(claims.len() as u64) as usize];
            out.push((
                CHECKER,
                Record::Verdict(VerdictBody {
                    claim: placeholder(c),
                    rating: ratings[rng.below(7) as usize],
                    confidence: rng.below(101) as u8,
                    rationale: "Checked against the outlet's own archive.".into(),
                    evidence: vec![],
                    supersedes: None,
                    review: None,
                }),
            ));
        } else {
            let a = claims[rng.below(claims.len() as u64) as usize];
            let b = claims[rng.below(claims.len() as u64) as usize];
            if a != b {
                out.push((
                    EDITOR,
                    Record::Relation(RelationBody {
                        from: placeholder(a),
                        relation: relations[rng.below(4) as usize],
                        to: placeholder(b),
                        note: None,
                    }),
                ));
            }
        }
    }
    out
}

/// A claim's position, standing in for its id until it is signed.
fn placeholder(pos: usize) -> EntryHash {
    let mut b = [0u8; 32];
    b[..8].copy_from_slice(&(pos as u64).to_be_bytes());
    EntryHash::from_bytes(b)
}

fn resolve(h: &EntryHash, ids: &[EntryHash]) -> EntryHash {
    let pos = u64::from_be_bytes(h.as_bytes()[..8].try_into().unwrap());
    ids[pos as usize]
}

/// Signs the synthetic records into entries, in order.
fn signed(n: u64) -> Vec<Entry> {
    let keys = keys();
    let mut ids: Vec<EntryHash> = Vec::with_capacity(n as usize);
    let mut out: Vec<Entry> = Vec::with_capacity(n as usize);
    for (seq, (signer, mut record)) in records(n).into_iter().enumerate() {
        let key = &keys[signer];
        match &mut record {
            Record::Verdict(v) => v.claim = resolve(&v.claim, &ids),
            Record::Relation(r) => {
                r.from = resolve(&r.from, &ids);
                r.to = resolve(&r.to, &ids);
            }
            _ => {}
        }
        let prev = ids.last().copied().unwrap_or(EntryHash::ZERO);
        let time = Timestamp::from_unix(START + seq as i64 * 60);
        let e = Draft::new(Seq(seq as u64), prev, time, key.verifier().clone(), record)
            .sign(key)
            .unwrap();
        ids.push(e.hash());
        out.push(e);
    }
    out
}

/// The synthetic ledger in sled, built once and kept.
fn stored(n: u64, entries: &[Entry]) -> Ledger {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../target/isnad-bench")
        .join(format!("score-{n}"));
    if let Ok(l) = Ledger::open(&dir) {
        if l.len().unwrap() == n {
            return l;
        }
        drop(l);
    }
    let _ = std::fs::remove_dir_all(&dir);
    let mut export = Vec::new();
    for e in entries {
        export.extend_from_slice(e.leaf_bytes());
        export.push(b'\n');
    }
    let l = Ledger::create(&dir).unwrap();
    let t = Instant::now();
    let now = Timestamp::from_unix(START + n as i64 * 60);
    l.import_jsonl(&mut &export[..], now, &mut |_| {}).unwrap();
    eprintln!(
        "imported {n} entries into {} in {:.1?}",
        dir.display(),
        t.elapsed()
    );
    l
}

fn rss_bytes() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmRSS:"))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|k| k.parse::<u64>().ok())
        })
        .map_or(0, |kib| kib * 1024)
}

fn bench_score(c: &mut Criterion) {
    let n = entries();
    let t = Instant::now();
    let parsed = signed(n);
    eprintln!("signed {n} synthetic entries in {:.1?}", t.elapsed());
    let params = Params::default();

    // Memory: what one replay adds to the process, per entry.
    let before = rss_bytes();
    let scores = replay(&parsed, AsOf::Head, &params).unwrap();
    let root = scores.state_root();
    let grown = rss_bytes().saturating_sub(before);
    eprintln!(
        "state root {root}; replay grew the process by {} bytes per entry",
        grown / n
    );
    drop(scores);

    let mut g = c.benchmark_group("score");
    g.sample_size(10);
    g.warm_up_time(Duration::from_secs(1));
    g.throughput(Throughput::Elements(n));
    g.bench_function(BenchmarkId::new("replay_parsed_entries", n), |b| {
        b.iter(|| black_box(replay(&parsed, AsOf::Head, &params).unwrap().state_root()));
    });
    let sample: Vec<&[u8]> = parsed.iter().take(20_000).map(Entry::leaf_bytes).collect();
    g.throughput(Throughput::Elements(sample.len() as u64));
    g.bench_function(
        BenchmarkId::new("parse_stored_entries", sample.len()),
        |b| {
            b.iter(|| {
                for bytes in &sample {
                    black_box(Entry::parse(bytes).unwrap());
                }
            });
        },
    );
    let ledger = stored(n, &parsed);
    g.throughput(Throughput::Elements(n));
    g.bench_function(BenchmarkId::new("replay_ledger", n), |b| {
        b.iter(|| {
            black_box(
                replay_ledger(&ledger, AsOf::Head, &params)
                    .unwrap()
                    .state_root(),
            )
        });
    });
    g.finish();
}

criterion_group!(benches, bench_score);
criterion_main!(benches);
