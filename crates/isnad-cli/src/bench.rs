//! `isnad bench`, `isnad bench gen` and `isnad bench plot`: the benchmark
//! of `isnad-bench` with progress on a terminal and its report as a table
//! or JSON, and several reports drawn as one SVG.
//!
//! The run works in `--dir`, or in a fresh directory under the system's
//! temporary directory (`$TMPDIR` or `/tmp`), removed afterwards unless
//! `--keep`. The import, CLI append and verify process measurements run
//! this very executable (`std::env::current_exe`). What each number
//! measures is documented in `isnad_bench::run`, the targets in
//! `isnad_bench::targets`.

use std::io::{BufWriter, IsTerminal as _, Write as _};
use std::path::PathBuf;

use anyhow::{Context as _, Result, anyhow};
use indicatif::ProgressBar;
use isnad_bench::limits::{BATCH, FSYNC_BLOCK, MESSAGE_BYTES};
use isnad_bench::run::{self, Config, Phase, Report, sign_and_insert_per_s};
use isnad_bench::targets::{self, Target};

use crate::cli::{BenchArgs, BenchCommand, BenchRunArgs};
use crate::commands::Ctx;
use crate::output::{outln, progress};

/// Runs `bench` or `bench gen`.
pub fn run(ctx: &Ctx, a: BenchArgs) -> Result<()> {
    match a.command {
        Some(BenchCommand::Gen { entries, seed }) => gen_export(entries, seed),
        Some(BenchCommand::Plot { files }) => plot(&files),
        Some(BenchCommand::Serve {
            entries: Some(entries),
            seed,
            pages,
            ..
        }) => crate::readtest::run(ctx, entries, seed, pages),
        Some(BenchCommand::Serve {
            clients,
            appends,
            readers,
            ..
        }) => crate::loadtest::run(ctx, clients, appends, readers),
        None => bench(ctx, &a.run),
    }
}

/// Writes the generated export to standard output.
fn gen_export(entries: u64, seed: u64) -> Result<()> {
    let stdout = std::io::stdout();
    let mut out = BufWriter::with_capacity(1 << 20, stdout.lock());
    match isnad_bench::generate::write_export(entries, seed, &mut out) {
        Ok(_) => {}
        // The OS error itself, so that a closed pipe ends the run quietly
        // (`main` looks for it in the error's chain).
        Err(isnad_core::Error::Io { error, .. }) => {
            return Err(anyhow::Error::new(error).context("standard output"));
        }
        Err(e) => return Err(e.into()),
    }
    out.flush().context("standard output")?;
    Ok(())
}

/// Reads the reports in `files` and writes their SVG to standard output.
/// A file that cannot be read or is not a report is an error naming it.
fn plot(files: &[PathBuf]) -> Result<()> {
    let mut reports = Vec::with_capacity(files.len());
    for file in files {
        let text = std::fs::read_to_string(file).with_context(|| file.display().to_string())?;
        let report = isnad_bench::plot::parse_report(&text)
            .map_err(|reason| anyhow!("{}: {reason}", file.display()))?;
        reports.push(report);
    }
    let svg = isnad_bench::plot::svg(&reports);
    let mut out = std::io::stdout().lock();
    out.write_all(svg.as_bytes())
        .and_then(|()| out.flush())
        .context("standard output")?;
    Ok(())
}

fn bench(ctx: &Ctx, a: &BenchRunArgs) -> Result<()> {
    let isnad = std::env::current_exe().context("finding the isnad executable")?;
    // Our own temp dir, so that its name is unpredictable; the run cleans
    // what it makes in it and dropping the handle removes the directory.
    let (dir, temp) = match &a.dir {
        Some(d) => (d.clone(), None),
        None => {
            let t = tempfile::Builder::new()
                .prefix("isnad-bench-")
                .tempdir()
                .context("creating a work directory under the system temp directory")?;
            // Kept even if the run fails, as the run keeps its files then.
            if a.keep {
                let kept = t.keep();
                eprintln!("keeping the work directory {}", kept.display());
                (kept, None)
            } else {
                (t.path().to_path_buf(), Some(t))
            }
        }
    };
    let mut config = Config::new(a.entries, dir);
    config.seed = a.seed;
    config.keep = a.keep;
    config.isnad = Some(isnad);

    let terminal = std::io::stderr().is_terminal();
    let mut bar: Option<ProgressBar> = None;
    let result = run::run(&config, &mut |p| match p {
        Phase::Start { step, total } => {
            bar = Some(progress(total, step.label()));
        }
        Phase::Progress { done, .. } => {
            if let Some(b) = &bar {
                b.set_position(done);
            }
        }
        Phase::Done { step, seconds } => {
            if let Some(b) = bar.take() {
                b.finish_and_clear();
            }
            if terminal {
                eprintln!("{:<24} {seconds:>8.1} s", step.label());
            }
        }
        _ => {}
    });
    if let Some(b) = bar.take() {
        b.finish_and_clear();
    }
    let report = result?;
    // Removes the temp dir (its contents are gone already).
    drop(temp);
    if ctx.json {
        // Straight from the struct, so the keys keep its order (the issue's
        // keys first); a `Value` would sort them.
        outln!("{}", serde_json::to_string(&report)?);
    } else {
        print_table(&report)?;
    }
    Ok(())
}

/// `1234567.8` as `1,234,568`.
fn thousands(x: f64) -> String {
    if !x.is_finite() {
        return "-".into();
    }
    let digits = format!("{:.0}", x.abs());
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    if x < 0.0 && digits != "0" {
        out.insert(0, '-');
    }
    out
}

/// A rate, per second.
fn per_s(x: f64) -> String {
    format!("{} /s", thousands(x))
}

/// A duration given in microseconds, in µs, ms or s.
fn micros(us: f64) -> String {
    if !us.is_finite() {
        "-".into()
    } else if us < 100.0 {
        format!("{us:.1} µs")
    } else if us < 1e4 {
        format!("{:.0} µs", us)
    } else if us < 1e7 {
        format!("{:.1} ms", us / 1e3)
    } else {
        format!("{:.1} s", us / 1e6)
    }
}

/// A figure of a target in its unit (`targets::Spec::unit`).
fn in_unit(x: f64, unit: &str) -> String {
    match unit {
        "ms" => micros(x * 1e3),
        "µs" => micros(x),
        "entries/s" => per_s(x),
        "MiB" => format!("{x:.0} MiB"),
        "bytes" => format!("{} bytes", thousands(x)),
        _ => format!("{x:.2}"),
    }
}

/// The target's row: what was measured, the target, whether it is met.
fn target_row(t: &Target) -> (String, String, &'static str) {
    (
        t.measured
            .map_or_else(|| "-".into(), |m| in_unit(m, t.unit)),
        format!("{} {}", t.compare.symbol(), in_unit(t.target, t.unit)),
        match t.met {
            Some(true) => "yes",
            Some(false) => "no",
            None => "-",
        },
    )
}

/// Bytes, in binary units.
fn bytes(b: f64) -> String {
    const UNITS: [&str; 5] = ["bytes", "KiB", "MiB", "GiB", "TiB"];
    let mut v = b;
    let mut unit = 0;
    while v >= 1024.0 && unit + 1 < UNITS.len() {
        v /= 1024.0;
        unit += 1;
    }
    if unit == 0 {
        format!("{v:.0} bytes")
    } else {
        format!("{v:.2} {}", UNITS[unit])
    }
}

fn print_table(r: &Report) -> Result<()> {
    let l = &r.limits;
    let c = &r.per_core;
    let machine = &r.machine;
    outln!(
        "isnad bench: {} entries (seed {}), {}, {} cores, {} build",
        thousands(r.entries as f64),
        r.run.seed,
        machine.cpu.as_deref().unwrap_or("unknown CPU"),
        machine.cores,
        machine.build
    );
    outln!();
    // Per-core times of single operations, for the rows bound by them.
    let sign_us = 1e6 / c.sign_per_s;
    let node_us = 1e6 / c.node_hash_per_s;
    let depth = (r.run.ledger_entries.max(2) as f64).log2().ceil();
    let leaf_bytes = r.run.export_bytes as f64 / r.entries.max(1) as f64;
    let rows: Vec<(&str, String, String)> = vec![
        (
            if r.run.import_process {
                "bulk import by an isnad process"
            } else {
                "bulk import (durable at the end)"
            },
            per_s(r.import_per_s),
            format!(
                "signing + sled insert {}, ratio {:.2}",
                per_s(sign_and_insert_per_s(l)),
                r.ratios.import
            ),
        ),
        (
            "durable append, p50",
            micros(r.append_p50_us),
            format!("one signature {} + a flush", micros(sign_us)),
        ),
        (
            "durable append, p99",
            micros(r.append_p99_us),
            format!(
                "fsync p99 {}, ratio {:.2}; sled's p99 {}",
                micros(l.fsync_p99_us),
                r.ratios.append,
                micros(l.sled_flush_p99_us)
            ),
        ),
        (
            "append by an isnad process",
            r.cli_append_ms
                .map_or_else(|| "-".into(), |ms| micros(ms * 1e3)),
            "process start + open + durable append".into(),
        ),
        (
            "full verify",
            per_s(r.verify_per_s),
            format!(
                "batch verify {}, ratio {:.2}",
                per_s(l.batch_verify_per_s),
                r.ratios.verify
            ),
        ),
        (
            "replay and score",
            per_s(r.replay_per_s),
            format!(
                "parse + fold; hashing the entries alone, one core {}",
                per_s(c.sha256_bytes_per_s / leaf_bytes.max(1.0))
            ),
        ),
        (
            "inclusion proof from the store",
            micros(r.prove_us),
            "stored node reads".into(),
        ),
        (
            "inclusion proof verification",
            micros(r.verify_proof_us),
            format!("{depth:.0} node hashes {}", micros(depth * node_us)),
        ),
        (
            "consistency proof from the store",
            micros(r.consistency.prove_us),
            "stored node reads".into(),
        ),
        (
            "consistency proof verification",
            micros(r.consistency.verify_us),
            format!(
                "up to {:.0} node hashes {}",
                2.0 * depth,
                micros(2.0 * depth * node_us)
            ),
        ),
        (
            "checkpoint after an append",
            micros(r.checkpoint_us),
            format!("one signature {} + a flush", micros(sign_us)),
        ),
        (
            "peak RSS (the bench process)",
            r.peak_rss_bytes
                .map_or_else(|| "-".into(), |b| bytes(b as f64)),
            String::new(),
        ),
        (
            "peak RSS of `isnad verify`",
            r.verify_rss_bytes
                .map_or_else(|| "-".into(), |b| bytes(b as f64)),
            "sled's page cache + parallel chunks".into(),
        ),
        (
            "peak RSS of `isnad import`",
            r.import_rss_bytes
                .map_or_else(|| "-".into(), |b| bytes(b as f64)),
            String::new(),
        ),
        (
            "disk per entry",
            bytes(r.disk_bytes_per_entry),
            format!("export {} per entry", bytes(leaf_bytes)),
        ),
    ];
    outln!("{:<34} {:>14}   bound by", "result", "");
    for (what, value, bound) in &rows {
        let line = format!("{what:<34} {value:>14}   {bound}");
        outln!("{}", line.trim_end());
    }
    outln!();
    outln!(
        "limits ({} cores: one thread's rate times {}; sled on one thread)",
        l.cores,
        l.cores
    );
    let limits = [
        (
            format!("Ed25519 sign ({MESSAGE_BYTES}-byte messages)"),
            per_s(l.sign_per_s),
        ),
        ("Ed25519 strict verify".to_owned(), per_s(l.verify_per_s)),
        (
            format!("Ed25519 batch verify (batches of {BATCH})"),
            per_s(l.batch_verify_per_s),
        ),
        (
            format!("SHA-256 ({MESSAGE_BYTES}-byte leaves)"),
            format!("{}/s", bytes(l.sha256_bytes_per_s)),
        ),
        (
            format!("sled insert ({MESSAGE_BYTES}-byte values, no flush)"),
            per_s(l.sled_insert_per_s),
        ),
        (
            format!("sled insert ({MESSAGE_BYTES} bytes) + flush, p50 / p99"),
            format!(
                "{} / {}",
                micros(l.sled_flush_p50_us),
                micros(l.sled_flush_p99_us)
            ),
        ),
        (
            format!("fsync of {FSYNC_BLOCK} bytes, p50 / p99"),
            format!("{} / {}", micros(l.fsync_p50_us), micros(l.fsync_p99_us)),
        ),
    ];
    for (what, value) in &limits {
        outln!("  {what:<46} {value:>16}");
    }
    outln!(
        "ratios: verify {:.3} (verify / batch verify), import {:.3} (import / signing + sled insert), append {:.2} (append p99 / fsync p99)",
        r.ratios.verify,
        r.ratios.import,
        r.ratios.append
    );
    outln!();
    let (met, measured) = r.targets.met();
    outln!(
        "targets (set for {} entries): {met} of {measured} measured met",
        thousands(targets::AT_ENTRIES as f64)
    );
    outln!(
        "  {:<40} {:>14} {:>16}  met",
        "target",
        "measured",
        "target"
    );
    for (spec, t) in &r.targets.0 {
        let (measured, target, met) = target_row(t);
        outln!("  {:<40} {measured:>14} {target:>16}  {met}", spec.label);
    }
    outln!("took {:.1} s", r.seconds.total);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn number_formats() {
        assert_eq!(thousands(0.0), "0");
        assert_eq!(thousands(999.4), "999");
        assert_eq!(thousands(1000.0), "1,000");
        assert_eq!(thousands(1_234_567.8), "1,234,568");
        assert_eq!(thousands(f64::NAN), "-");
        assert_eq!(micros(2.14), "2.1 µs");
        assert_eq!(micros(512.0), "512 µs");
        assert_eq!(micros(12_345.0), "12.3 ms");
        assert_eq!(bytes(512.0), "512 bytes");
        assert_eq!(bytes(1536.0), "1.50 KiB");
        assert_eq!(in_unit(79.4, "ms"), "79.4 ms");
        assert_eq!(in_unit(300.0, "MiB"), "300 MiB");
        assert_eq!(in_unit(1.234, "ratio"), "1.23");
        assert_eq!(in_unit(1600.0, "bytes"), "1,600 bytes");
    }

    #[test]
    fn target_rows_show_the_verdict() {
        let report = serde_json::json!({"cli_append_ms": 79.4, "verify_per_s": 61_000.0});
        let t = targets::evaluate(&report);
        let row = |key: &str| target_row(&t.0.iter().find(|(s, _)| s.key == key).unwrap().1);
        assert_eq!(
            row("cli_append_ms"),
            ("79.4 ms".into(), "≤ 50.0 ms".into(), "no")
        );
        assert_eq!(
            row("verify_per_s"),
            ("61,000 /s".into(), "≥ 60,000 /s".into(), "yes")
        );
        assert_eq!(
            row("replay_per_s"),
            ("-".into(), "≥ 300,000 /s".into(), "-")
        );
    }
}
