//! The cost of one replay (fold, scoring and state root) of a ledger, as
//! CPU time and wall time per replay, over several replays of entries
//! already read into memory:
//!
//! ```sh
//! ISNAD_BENCH_ENTRIES=100000 cargo bench -p isnad-core --bench score -- replay_ledger  # builds target/isnad-bench/score-100000
//! cargo run --release -p isnad-core --example replay_cost -- target/isnad-bench/score-100000 15
//! ```
//!
//! Criterion's wall-clock figures move by 15 % and more when anything else
//! runs on the machine; the CPU time of the process's threads (from Linux's
//! `/proc/self/task/*/schedstat`) moves much less, and the minimum over the
//! replays is what comparisons between two versions use. Under
//! `valgrind --tool=cachegrind --cache-sim=no`, the difference between
//! runs with 1 and 3 replays is the instruction count of two, independent
//! of the machine's load altogether.

use std::error::Error;
use std::path::PathBuf;
use std::time::Instant;

use isnad_core::Ledger;
use isnad_core::score::{AsOf, Params, replay};

/// CPU time used so far by every thread of this process, in nanoseconds
/// (0 where Linux's scheduler statistics are not available).
fn cpu_ns() -> u64 {
    let Ok(tasks) = std::fs::read_dir("/proc/self/task") else {
        return 0;
    };
    tasks
        .filter_map(|t| std::fs::read_to_string(t.ok()?.path().join("schedstat")).ok())
        .filter_map(|s| s.split_whitespace().next()?.parse::<u64>().ok())
        .sum()
}

fn main() -> Result<(), Box<dyn Error>> {
    let mut args = std::env::args().skip(1);
    let dir = PathBuf::from(args.next().ok_or("usage: replay_cost LEDGER [REPLAYS]")?);
    let rounds: usize = args.next().map_or(Ok(15), |r| r.parse())?;
    let ledger = Ledger::open(&dir)?;
    let entries = ledger.iter().collect::<Result<Vec<_>, _>>()?;
    let params = Params::default();
    let (mut cpu, mut wall) = (Vec::new(), Vec::new());
    let mut root = None;
    for _ in 0..rounds.max(1) {
        let (c0, w0) = (cpu_ns(), Instant::now());
        let scores = replay(&entries, AsOf::Head, &params)?;
        root = Some(scores.state_root());
        let elapsed = w0.elapsed();
        cpu.push((cpu_ns() - c0) as f64 / 1e6);
        wall.push(elapsed.as_secs_f64() * 1e3);
        // Dropping the scores is part of a replay's cost in a process.
        drop(scores);
    }
    cpu.sort_by(f64::total_cmp);
    wall.sort_by(f64::total_cmp);
    let mid = cpu.len() / 2;
    println!(
        "{} entries, {} replays: cpu ms min {:.1} median {:.1}; wall ms min {:.1} median {:.1}; \
         {:.0} entries/s at the minimum cpu; root {}",
        entries.len(),
        cpu.len(),
        cpu[0],
        cpu[mid],
        wall[0],
        wall[mid],
        entries.len() as f64 / (cpu[0] / 1e3),
        root.map(|r| r.to_hex()).unwrap_or_default(),
    );
    Ok(())
}
