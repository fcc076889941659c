//! The transparency log's hot paths on a real sled ledger: proof generation
//! from the store, proof verification, checkpoint signing, and the cost of
//! a durable append as the ledger grows.
//!
//! `ISNAD_BENCH_ENTRIES` sets the ledger size (default 1,000,000). The
//! ledger is generated once (signed claims, imported in one batch) and kept
//! under `target/isnad-bench/` for later runs. The machine's limits that
//! bound these numbers (cores, CPU, SHA-256 node hashes per second, one
//! Ed25519 verification) are measured and printed first.
//!
//! ```text
//! cargo bench -p isnad-core --bench log                       # 1,000,000 entries
//! ISNAD_BENCH_ENTRIES=20000 cargo bench -p isnad-core --bench log -- --quick
//! ```

#![allow(
    missing_docs,
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "a benchmark, not library code"
)]

use std::hint::black_box;
use std::time::{Duration, Instant};

mod common;

use common::{START, claim, editor, entries, ledger, log_key};
use criterion::{BenchmarkId, Criterion, criterion_group, criterion_main};
use isnad_core::checkpoint::Checkpoint;
use isnad_core::{Seq, Timestamp, merkle};

/// The limits these paths are bound by, measured on this machine now.
fn print_limits() {
    let cpu = std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|c| {
            c.lines()
                .find(|l| l.starts_with("model name"))
                .and_then(|l| l.split(':').nth(1))
                .map(|m| m.trim().to_owned())
        })
        .unwrap_or_else(|| "unknown CPU".into());
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    let (a, b) = ([1u8; 32], [2u8; 32]);
    let reps = 1_000_000u32;
    let t = Instant::now();
    let mut h = a;
    for _ in 0..reps {
        h = merkle::node_hash(black_box(&h), &b);
    }
    black_box(h);
    let node_ns = t.elapsed().as_nanos() as f64 / f64::from(reps);
    let key = log_key();
    let note = Checkpoint::new(key.name(), 1, [0; 32])
        .unwrap()
        .sign(&key)
        .unwrap();
    let reps = 2000u32;
    let t = Instant::now();
    for _ in 0..reps {
        black_box(Checkpoint::open(black_box(&note), key.verifier()).unwrap());
    }
    let open_us = t.elapsed().as_secs_f64() * 1e6 / f64::from(reps);
    eprintln!(
        "limits: {cpu}, {cores} cores; one RFC 6962 node hash {node_ns:.0} ns \
         ({:.1} M/s); opening a signed checkpoint (one Ed25519 verify) {open_us:.1} us",
        1e3 / node_ns
    );
}

fn bench_log(c: &mut Criterion) {
    print_limits();
    let n = entries();
    let l = ledger(n);
    let key = log_key();
    let root = l.tree_root(n).unwrap();
    // A fixed spread of indexes so every run reads the same paths.
    let picks: Vec<u64> = (0..64u64).map(|i| (i * 2_654_435_761) % n).collect();
    let mut g = c.benchmark_group("log");
    g.warm_up_time(Duration::from_secs(1));

    let mut i = 0usize;
    g.bench_function(BenchmarkId::new("tree_root", n), |b| {
        b.iter(|| black_box(l.tree_root(n).unwrap()));
    });
    g.bench_function(BenchmarkId::new("inclusion_proof_from_store", n), |b| {
        b.iter(|| {
            i = (i + 1) % picks.len();
            black_box(l.inclusion_proof(picks[i], n).unwrap())
        });
    });
    g.bench_function(BenchmarkId::new("prove_inclusion_document", n), |b| {
        b.iter(|| {
            i = (i + 1) % picks.len();
            black_box(l.prove_inclusion(Seq(picks[i]), n).unwrap())
        });
    });
    let proofs: Vec<(u64, merkle::Hash, Vec<merkle::Hash>)> = picks
        .iter()
        .map(|&p| {
            let leaf = *l.entry(Seq(p)).unwrap().unwrap().hash().as_bytes();
            (p, leaf, l.inclusion_proof(p, n).unwrap())
        })
        .collect();
    g.bench_function(BenchmarkId::new("verify_inclusion_path", n), |b| {
        b.iter(|| {
            i = (i + 1) % proofs.len();
            let (p, leaf, proof) = &proofs[i];
            merkle::verify_inclusion(*p, n, leaf, proof, black_box(&root)).unwrap();
        });
    });
    let docs: Vec<_> = picks
        .iter()
        .map(|&p| l.prove_inclusion(Seq(p), n).unwrap())
        .collect();
    g.bench_function(BenchmarkId::new("verify_inclusion_document", n), |b| {
        b.iter(|| {
            i = (i + 1) % docs.len();
            black_box(docs[i].verify(key.verifier()).unwrap())
        });
    });
    g.bench_function(BenchmarkId::new("consistency_proof_from_store", n), |b| {
        b.iter(|| {
            i = (i + 1) % picks.len();
            black_box(l.consistency_proof(picks[i].max(1), n).unwrap())
        });
    });
    let cons: Vec<(u64, merkle::Hash, Vec<merkle::Hash>)> = picks
        .iter()
        .map(|&p| {
            let m = p.max(1);
            (
                m,
                l.tree_root(m).unwrap(),
                l.consistency_proof(m, n).unwrap(),
            )
        })
        .collect();
    g.bench_function(BenchmarkId::new("verify_consistency_path", n), |b| {
        b.iter(|| {
            i = (i + 1) % cons.len();
            let (m, old, proof) = &cons[i];
            merkle::verify_consistency(*m, n, old, black_box(&root), proof).unwrap();
        });
    });
    let cp = Checkpoint::new(key.name(), n, root).unwrap();
    g.bench_function(BenchmarkId::new("sign_checkpoint_note", n), |b| {
        b.iter(|| black_box(cp.sign(&key).unwrap()));
    });
    g.finish();
    drop(l);

    // A durable append (one transaction with the Merkle nodes, one flush)
    // on ledgers of growing size: the Merkle part is O(log n).
    let mut g = c.benchmark_group("append_durable");
    g.sample_size(20);
    let ed = editor();
    for size in [1_000u64, 10_000, n] {
        if size > n {
            continue;
        }
        let l = ledger(size);
        let mut k = 10_000_000_000u64 + size * 1000;
        g.bench_function(BenchmarkId::from_parameter(size), |b| {
            b.iter(|| {
                k += 1;
                let now = Timestamp::from_unix(START + 10_000_000);
                black_box(l.append(&ed, claim(k), now).unwrap())
            });
        });
    }
    g.finish();
}

criterion_group!(benches, bench_log);
criterion_main!(benches);
