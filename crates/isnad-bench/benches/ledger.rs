//! Bulk import and full verification of a generated, realistic ledger
//! (`isnad bench gen`), the two paths bound by signature checking.
//!
//! `ISNAD_BENCH_ENTRIES` sets the size (default 100,000); the export is
//! generated once per run, in memory.
//!
//! ```text
//! cargo bench -p isnad-bench --bench ledger
//! ISNAD_BENCH_ENTRIES=2000 cargo bench -p isnad-bench --bench ledger -- --quick
//! ```

#![allow(
    missing_docs,
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "a benchmark, not library code"
)]

use std::hint::black_box;
use std::time::Duration;

use criterion::{BatchSize, BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use isnad_bench::generate;
use isnad_core::{Ledger, Timestamp};

fn entries() -> u64 {
    std::env::var("ISNAD_BENCH_ENTRIES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(100_000)
}

fn bench_ledger(c: &mut Criterion) {
    let n = entries();
    let mut export = Vec::new();
    let stats = generate::write_export(n, 1, &mut export).unwrap();
    let now = Timestamp::from_unix(stats.last_time.map_or(0, |t| t.unix()) + 60);
    let mut g = c.benchmark_group("ledger");
    g.sample_size(10);
    g.warm_up_time(Duration::from_secs(1));
    g.throughput(Throughput::Elements(n));
    g.bench_function(BenchmarkId::new("import", n), |b| {
        b.iter_batched(
            || tempfile::tempdir().unwrap(),
            |dir| {
                let l = Ledger::create(&dir.path().join("l")).unwrap();
                black_box(l.import_jsonl(&mut &export[..], now, &mut |_| {}).unwrap());
                dir
            },
            BatchSize::PerIteration,
        );
    });
    let dir = tempfile::tempdir().unwrap();
    let l = Ledger::create(&dir.path().join("l")).unwrap();
    l.import_jsonl(&mut &export[..], now, &mut |_| {}).unwrap();
    g.bench_function(BenchmarkId::new("verify", n), |b| {
        b.iter(|| black_box(l.verify(&mut |_| {}).unwrap()));
    });
    g.bench_function(BenchmarkId::new("verify_export", n), |b| {
        b.iter(|| {
            black_box(isnad_core::jsonl::verify_jsonl(&mut &export[..], &mut |_| {}).unwrap())
        });
    });
    g.finish();
}

criterion_group!(benches, bench_ledger);
criterion_main!(benches);
