//! The measurements of `isnad bench`: one run on a generated ledger, with
//! the machine's [`limits`] measured in the same run.
//!
//! [`run`] works in [`Config::dir`] and goes through these steps, in order
//! (each reported to the caller as a [`Phase`]):
//!
//! 1. **generate** (not part of any rate): [`generate::write_export`] writes
//!    `export.jsonl` of [`Config::entries`] entries, streamed to the file.
//! 2. **import**: a fresh ledger `ledger/` imports the export, streamed
//!    from the file: every line parsed, checked and signature-verified,
//!    written, and flushed once at the end by the import itself. With the
//!    `isnad` executable ([`Config::isnad`]) this is an
//!    `isnad --json --ledger DIR import jsonl FILE --origin …` process,
//!    which creates the ledger with a log key of its own (the bench signs
//!    checkpoints with it, read from `ledger/keys/log.key`):
//!    `import_per_s` = entries it added / its wall time from spawn to exit,
//!    and `import_rss_bytes` its peak resident memory, read as
//!    `verify_rss_bytes` is (step 4); its progress is estimated from the
//!    bytes it has read (`/proc/<pid>/io`). Without the executable the import
//!    runs in the bench process (`Ledger::import_jsonl` into a ledger with
//!    the bench's log key, `import_per_s` its wall time) and
//!    `import_rss_bytes` is `null`; `run.import_process` says which. The
//!    import is not made twice: it is the longest step of a run.
//! 3. **append**: the generator's admin enrols a bench editor key and the
//!    editor adds a source (both untimed); then [`Config::appends`] claims
//!    of about 600 bytes are appended one at a time with `Ledger::append`,
//!    which signs, checks, writes and flushes each. `append_p50_us` and
//!    `append_p99_us` are the nearest-rank percentiles of the wall time of
//!    each call.
//! 4. **CLI append**: the ledger is closed and the `isnad` executable
//!    ([`Config::isnad`]) runs `--ledger DIR --key FILE claim add …`
//!    [`Config::cli_appends`] times, after one untimed run (which also
//!    waits out sled's release of the lock the bench process held and
//!    warms the page cache). The key file is written with mode 0600.
//!    `cli_append_ms` is the median wall time from spawn to exit: process
//!    start, opening the ledger, the durable append, exit. Then
//!    `isnad verify` runs as a process over the ledger; `verify_rss_bytes`
//!    is its peak resident memory (`VmHWM` of its `/proc/<pid>/status`,
//!    read every few milliseconds until it exits), which the bench
//!    process's own peak cannot show.
//! 5. **verify**: `Ledger::verify` over the whole ledger; `verify_per_s` =
//!    entries checked / wall time.
//! 6. **replay**: `score::replay_ledger` with the default parameters to
//!    the head; `replay_per_s` = ledger entries / wall time.
//! 7. **proofs**: [`Config::proofs`] leaf indexes spread over the ledger by
//!    a fixed multiplicative hash. `prove_us` is the mean time of
//!    `Ledger::inclusion_proof` (the path read from the stored tree) at the
//!    ledger's size, in a second pass over the indexes (the first, untimed,
//!    warms the caches as a log serving proofs has them);
//!    `verify_proof_us` the mean time of `merkle::verify_inclusion` of
//!    those paths. The same for consistency proofs from each index (as an
//!    old size) to the ledger's size, under `consistency`.
//! 8. **checkpoint**: one checkpoint is signed (untimed), then
//!    [`Config::checkpoints`] times an append (untimed) and
//!    `Ledger::sign_checkpoint` (timed: the consistency check from the last
//!    checkpoint, the signature and a flush); `checkpoint_us` is the median.
//! 9. **peak RSS and disk**: the ledger is flushed and closed;
//!    `peak_rss_bytes` is `VmHWM` of `/proc/self/status` at that point: the
//!    peak resident memory of the whole bench process so far (generation,
//!    the import when it ran in process, verify, replay and the rest
//!    together; the `isnad` child processes are not counted; `null` where
//!    there is no `/proc`).
//!    `disk_bytes_per_entry` is the apparent size of every file under
//!    `ledger/` divided by the ledger's entries (generated, plus the
//!    bench's own appends).
//! 10. **limits**: [`limits::measure`], last, so that its scratch database
//!     does not count in the peak RSS; its fsync file is written in the
//!     work directory, on the ledger's disk.
//!
//! The ratios: `ratios.verify` = `verify_per_s` / `limits.batch_verify_per_s`;
//! `ratios.import` = `import_per_s` / the rate signing and a sled insert
//! allow together, `1 / (1/sign_per_s + 1/sled_insert_per_s)`;
//! `ratios.append` = `append_p99_us` / `limits.fsync_p99_us`, how far the
//! slowest appends are from the slowest bare durable writes on that disk.
//!
//! `targets` holds every target of [`crate::targets`] against the report's
//! own figures ([`crate::targets::evaluate`] of its JSON).
//!
//! The work directory must be empty or absent. Unless [`Config::keep`],
//! everything the run made in it is removed at the end, even when a step
//! fails, and the directory itself if the run created it.

use std::fs::File;
use std::io::{BufReader, BufWriter, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use isnad_core::record::{
    Appearance, ClaimBody, Hop, HopRelation, KeyBody, SourceBody, SourceKind,
};
use isnad_core::score::{AsOf, Params, replay_ledger};
use isnad_core::{KeyPair, Ledger, Record, Role, Seq, SourceId, Timestamp, merkle};
use serde::Serialize;

use crate::limits::{self, Limits, PerCore, per_second};
use crate::targets::{self, Targets};
use crate::{Error, generate};

/// The export file in the work directory.
pub const EXPORT_FILE: &str = "export.jsonl";
/// The ledger directory in the work directory.
pub const LEDGER_DIR: &str = "ledger";
/// The bench editor's private key file in the work directory.
pub const KEY_FILE: &str = "editor.key";
/// Where `isnad import` puts a new ledger's log key, under the ledger.
const LOG_KEY_FILE: [&str; 2] = ["keys", "log.key"];
/// The source the bench's own claims cite.
const SOURCE: &str = "isnad-bench-outlet";
/// The log's name (origin) for the bench ledger's checkpoints.
const LOG_NAME: &str = "bench.isnad.example/log";

/// What to run.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Config {
    /// Entries to generate and import (at least 1).
    pub entries: u64,
    /// The generator's seed.
    pub seed: u64,
    /// The work directory: empty or absent.
    pub dir: PathBuf,
    /// Keep the work directory's contents (export, ledger, key file).
    pub keep: bool,
    /// The `isnad` executable for the import, CLI append and verify process
    /// measurements; `None` imports in process and skips the others
    /// (`cli_append_ms`, `import_rss_bytes` and `verify_rss_bytes` are then
    /// `null`).
    pub isnad: Option<PathBuf>,
    /// Timed in-process appends (at least 1).
    pub appends: usize,
    /// Timed CLI appends (at least 1 when `isnad` is given).
    pub cli_appends: usize,
    /// Leaf indexes proved (at least 1).
    pub proofs: u64,
    /// Timed checkpoint signings (at least 1).
    pub checkpoints: usize,
    /// How long each limit is measured.
    pub limit_time: Duration,
}

impl Config {
    /// The defaults for `entries` entries in `dir`: seed 1, nothing kept,
    /// no CLI appends, 200 appends, 1,000 proofs, 5 checkpoints, 300 ms per
    /// limit.
    pub fn new(entries: u64, dir: PathBuf) -> Config {
        Config {
            entries,
            seed: 1,
            dir,
            keep: false,
            isnad: None,
            appends: 200,
            cli_appends: 20,
            proofs: 1000,
            checkpoints: 5,
            limit_time: Duration::from_millis(300),
        }
    }

    fn check(&self) -> Result<(), Error> {
        let bad = |what, reason: &str| {
            Err(Error::Config {
                what,
                reason: reason.into(),
            })
        };
        if self.entries == 0 {
            return bad("entries", "must be at least 1");
        }
        if self.appends == 0 {
            return bad("appends", "must be at least 1");
        }
        if self.isnad.is_some() && self.cli_appends == 0 {
            return bad("cli appends", "must be at least 1");
        }
        if self.proofs == 0 {
            return bad("proofs", "must be at least 1");
        }
        if self.checkpoints == 0 {
            return bad("checkpoints", "must be at least 1");
        }
        Ok(())
    }
}

/// A step of the run, in the order they happen.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Step {
    /// Writing the export.
    Generate,
    /// Importing it.
    Import,
    /// In-process appends.
    Append,
    /// Appends by the `isnad` executable.
    CliAppend,
    /// `isnad verify` as a process, for its peak memory.
    VerifyProcess,
    /// Verifying the ledger.
    Verify,
    /// Replaying and scoring it.
    Replay,
    /// Generating and verifying proofs.
    Proofs,
    /// Signing checkpoints.
    Checkpoint,
    /// Measuring the machine's limits.
    Limits,
}

impl Step {
    /// A short lowercase description ("importing").
    pub fn label(self) -> &'static str {
        match self {
            Step::Generate => "generating",
            Step::Import => "importing",
            Step::Append => "appending",
            Step::CliAppend => "appending with the CLI",
            Step::VerifyProcess => "verifying with the CLI",
            Step::Verify => "verifying",
            Step::Replay => "replaying",
            Step::Proofs => "proving",
            Step::Checkpoint => "checkpointing",
            Step::Limits => "measuring limits",
        }
    }
}

/// Progress of a run, for the caller to show.
#[derive(Clone, Copy, Debug, PartialEq)]
#[non_exhaustive]
pub enum Phase {
    /// A step starts; it will count up to `total` (entries, appends, …).
    Start {
        /// The step.
        step: Step,
        /// Units of work in it.
        total: u64,
    },
    /// Units done so far in the current step.
    Progress {
        /// The step.
        step: Step,
        /// Units done.
        done: u64,
    },
    /// A step ended.
    Done {
        /// The step.
        step: Step,
        /// Its wall time.
        seconds: f64,
    },
}

/// The ratios of results to the limits that bound them.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct Ratios {
    /// `verify_per_s / limits.batch_verify_per_s`.
    pub verify: f64,
    /// `import_per_s / sign_and_insert_per_s(limits)`.
    pub import: f64,
    /// `append_p99_us / limits.fsync_p99_us`: the slowest durable appends
    /// over the slowest bare durable writes (lower is better; 1 is the
    /// disk's floor).
    pub append: f64,
}

impl Ratios {
    /// The ratios of the given results to `limits`.
    pub fn new(
        import_per_s: f64,
        verify_per_s: f64,
        append_p99_us: f64,
        limits: &Limits,
    ) -> Ratios {
        Ratios {
            verify: verify_per_s / limits.batch_verify_per_s,
            import: import_per_s / sign_and_insert_per_s(limits),
            append: append_p99_us / limits.fsync_p99_us,
        }
    }
}

/// Entries per second that signing and one sled insert per entry allow:
/// `1 / (1/sign_per_s + 1/sled_insert_per_s)`.
pub fn sign_and_insert_per_s(limits: &Limits) -> f64 {
    1.0 / (1.0 / limits.sign_per_s + 1.0 / limits.sled_insert_per_s)
}

/// Consistency proofs, as inclusion proofs are in the report's top level.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct Consistency {
    /// Mean µs to read a consistency proof from the store.
    pub prove_us: f64,
    /// Mean µs to verify one.
    pub verify_us: f64,
}

/// Wall time of each step, in seconds.
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize)]
pub struct Seconds {
    /// Writing the export.
    pub generate: f64,
    /// Importing it (the rate's time; the process's, with the executable).
    pub import: f64,
    /// The timed in-process appends, summed.
    pub append: f64,
    /// The CLI append step, untimed run included.
    pub cli_append: f64,
    /// Verifying.
    pub verify: f64,
    /// Verifying as an `isnad verify` process.
    pub verify_process: f64,
    /// Replaying.
    pub replay: f64,
    /// The proof step.
    pub proofs: f64,
    /// The checkpoint step, untimed appends included.
    pub checkpoint: f64,
    /// Measuring the limits.
    pub limits: f64,
    /// The whole run.
    pub total: f64,
}

/// Where the run ran.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Machine {
    /// The CPU's model name, from `/proc/cpuinfo`.
    pub cpu: Option<String>,
    /// Cores available to the process.
    pub cores: usize,
    /// Operating system.
    pub os: &'static str,
    /// CPU architecture.
    pub arch: &'static str,
    /// `release` or `debug`: how the bench library was built.
    pub build: &'static str,
}

/// What was run, for reading the numbers.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct RunInfo {
    /// The generator's seed.
    pub seed: u64,
    /// Bytes of the generated export.
    pub export_bytes: u64,
    /// Entries in the ledger at the end (generated plus the bench's own).
    pub ledger_entries: u64,
    /// Bytes under the ledger directory at the end.
    pub disk_bytes: u64,
    /// Whether the import ran as an `isnad import` process (`false`: in the
    /// bench process).
    pub import_process: bool,
    /// Timed in-process appends.
    pub appends: usize,
    /// Timed CLI appends (0 when not measured).
    pub cli_appends: usize,
    /// Proofs of each kind averaged.
    pub proofs: u64,
    /// Timed checkpoints.
    pub checkpoints: usize,
    /// The scores' state root after the replay. It differs from run to run:
    /// the bench's own appends carry the time they were made.
    pub state_root: String,
    /// The work directory, when kept.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub kept_dir: Option<String>,
}

/// Everything a run measured. Serialises to the JSON object of
/// `isnad bench --json`; see the module documentation for what each
/// number is.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Report {
    /// Entries generated and imported.
    pub entries: u64,
    /// Bulk import rate, entries per second, durable at the end (of the
    /// `isnad import` process when there is one).
    pub import_per_s: f64,
    /// Median durable in-process append, µs.
    pub append_p50_us: f64,
    /// 99th-percentile durable in-process append, µs.
    pub append_p99_us: f64,
    /// Median wall time of one `isnad claim add` process, ms.
    pub cli_append_ms: Option<f64>,
    /// Full verification rate, entries per second.
    pub verify_per_s: f64,
    /// Replay-and-score rate, entries per second.
    pub replay_per_s: f64,
    /// Mean inclusion proof generation from the store, µs.
    pub prove_us: f64,
    /// Mean inclusion proof (path) verification, µs.
    pub verify_proof_us: f64,
    /// Median time to sign a checkpoint after an append, µs.
    pub checkpoint_us: f64,
    /// Peak resident memory of the bench process, bytes.
    pub peak_rss_bytes: Option<u64>,
    /// Peak resident memory of an `isnad verify` process over the ledger,
    /// bytes (`None` without the binary or `/proc`).
    pub verify_rss_bytes: Option<u64>,
    /// Peak resident memory of the `isnad import` process, bytes (`None`
    /// without the binary or `/proc`).
    pub import_rss_bytes: Option<u64>,
    /// Bytes on disk per ledger entry.
    pub disk_bytes_per_entry: f64,
    /// The machine's limits.
    pub limits: Limits,
    /// Results over the limits that bound them.
    pub ratios: Ratios,
    /// Every target, the figure measured and whether it is met.
    pub targets: Targets,
    /// Consistency proofs.
    pub consistency: Consistency,
    /// The CPU limits of one thread.
    pub per_core: PerCore,
    /// Wall time of each step.
    pub seconds: Seconds,
    /// Where it ran.
    pub machine: Machine,
    /// What ran.
    pub run: RunInfo,
}

/// The `p`-th percentile (0 < p ≤ 100) of `sorted` (ascending) by the
/// nearest-rank method: the smallest value with at least p% of the values
/// at or below it. `None` when `sorted` is empty.
pub fn percentile(sorted: &[f64], p: f64) -> Option<f64> {
    if sorted.is_empty() {
        return None;
    }
    let rank = (p / 100.0 * sorted.len() as f64).ceil() as usize;
    sorted.get(rank.clamp(1, sorted.len()) - 1).copied()
}

/// The median of `values` (nearest rank, so always one of them).
fn median(values: &mut [f64]) -> Option<f64> {
    values.sort_by(f64::total_cmp);
    percentile(values, 50.0)
}

/// Runs the benchmark described by `config`, reporting progress to `phase`.
///
/// # Errors
/// [`Error::Config`] for an unusable configuration or a work directory that
/// is not empty; the first failure of a step otherwise. The work directory
/// is cleaned up either way unless [`Config::keep`].
pub fn run(config: &Config, phase: &mut dyn FnMut(Phase)) -> Result<Report, Error> {
    config.check()?;
    let work = WorkDir::prepare(&config.dir, config.keep)?;
    let mut report = measure(config, &work, phase)?;
    if config.keep {
        report.run.kept_dir = Some(work.dir.display().to_string());
    }
    let json = serde_json::to_value(&report).map_err(|e| Error::Config {
        what: "report",
        reason: e.to_string(),
    })?;
    report.targets = targets::evaluate(&json);
    Ok(report)
}

/// Everything [`run`] does between preparing and cleaning the work dir.
fn measure(config: &Config, work: &WorkDir, phase: &mut dyn FnMut(Phase)) -> Result<Report, Error> {
    let started = Instant::now();
    let mut seconds = Seconds::default();
    let keys = generate::keys(config.seed)?;
    let export = work.path(EXPORT_FILE);
    let ledger_dir = work.path(LEDGER_DIR);
    let key_file = work.path(KEY_FILE);

    // 1. Generate.
    let step = Step::Generate;
    phase(Phase::Start {
        step,
        total: config.entries,
    });
    let t = Instant::now();
    let stats = {
        let f = File::create(&export).map_err(|e| Error::io(&export, e))?;
        let mut out = LineCounter {
            inner: BufWriter::with_capacity(1 << 20, f),
            lines: 0,
            step,
            phase: &mut *phase,
        };
        let stats = generate::write_export(config.entries, config.seed, &mut out)?;
        let f = out
            .inner
            .into_inner()
            .map_err(|e| Error::io(&export, e.into_error()))?;
        // The import reads the file back from the page cache either way;
        // syncing keeps the generator's writeback out of the import's time.
        f.sync_all().map_err(|e| Error::io(&export, e))?;
        stats
    };
    seconds.generate = done(phase, step, t);

    // 2. Import.
    let step = Step::Import;
    phase(Phase::Start {
        step,
        total: stats.entries,
    });
    let t = Instant::now();
    let (ledger, log_key, import_per_s, import_rss_bytes) = match &config.isnad {
        Some(isnad) => {
            let imported = import_process(isnad, &export, &ledger_dir, &stats, &mut |done| {
                phase(Phase::Progress { step, done });
            })?;
            let ledger = Ledger::open(&ledger_dir)?;
            let log_key = isnad_core::keyfile::read_key_file(
                &LOG_KEY_FILE
                    .iter()
                    .fold(ledger_dir.clone(), |p, name| p.join(name)),
            )?;
            let rate = per_second(imported.added, imported.took);
            (ledger, log_key, rate, imported.peak_rss)
        }
        None => {
            let log_key = KeyPair::from_seed(LOG_NAME, &seeded(config.seed, 0x10))?;
            let ledger = Ledger::create(&ledger_dir)?;
            ledger.set_log_key(log_key.verifier())?;
            let now = stats.last_time.map_or_else(clock, |t| t.max(clock()));
            let mut input = BufReader::with_capacity(
                1 << 20,
                File::open(&export).map_err(|e| Error::io(&export, e))?,
            );
            let t = Instant::now();
            let imported = ledger.import_jsonl(&mut input, now, &mut |done| {
                phase(Phase::Progress { step, done });
            })?;
            let rate = per_second(imported.added, t.elapsed());
            (ledger, log_key, rate, None)
        }
    };
    seconds.import = done(phase, step, t);

    // 3. In-process appends.
    let step = Step::Append;
    let editor = KeyPair::from_seed("isnad-bench-editor", &seeded(config.seed, 0x11))?;
    ledger.append(
        &keys.admin,
        Record::Key(KeyBody {
            key: editor.verifier().to_string(),
            roles: vec![Role::Editor],
            holder: Some("isnad bench".into()),
            replaces: None,
            org: None,
        }),
        clock(),
    )?;
    ledger.append(
        &editor,
        Record::Source(SourceBody {
            id: source_id()?,
            name: "isnad bench outlet".into(),
            kind: SourceKind::Outlet,
            url: None,
            language: None,
            affiliations: vec![],
            description: None,
        }),
        clock(),
    )?;
    phase(Phase::Start {
        step,
        total: config.appends as u64,
    });
    let t = Instant::now();
    let mut latencies = Vec::with_capacity(config.appends);
    for i in 0..config.appends {
        let record = claim(&format!("append {i}"))?;
        let now = clock();
        let a = Instant::now();
        ledger.append(&editor, record, now)?;
        latencies.push(a.elapsed().as_secs_f64() * 1e6);
        phase(Phase::Progress {
            step,
            done: i as u64 + 1,
        });
    }
    seconds.append = latencies.iter().sum::<f64>() / 1e6;
    done(phase, step, t);
    latencies.sort_by(f64::total_cmp);
    let append_p50_us = percentile(&latencies, 50.0).unwrap_or(f64::NAN);
    let append_p99_us = percentile(&latencies, 99.0).unwrap_or(f64::NAN);

    // 4. CLI appends: the process must not hold the ledger meanwhile.
    drop(ledger);
    let mut cli_append_ms = None;
    let mut verify_rss_bytes = None;
    if let Some(isnad) = &config.isnad {
        let step = Step::CliAppend;
        phase(Phase::Start {
            step,
            total: config.cli_appends as u64,
        });
        let t = Instant::now();
        // The key file the CLI reads: mode 0600, or it refuses it.
        isnad_core::keyfile::write_key_file(&key_file, &editor)?;
        let cli = CliAppend {
            isnad,
            ledger: &ledger_dir,
            key: &key_file,
        };
        cli.once("cli warm-up")?;
        let mut times = Vec::with_capacity(config.cli_appends);
        for i in 0..config.cli_appends {
            times.push(cli.once(&format!("cli append {i}"))?.as_secs_f64() * 1e3);
            phase(Phase::Progress {
                step,
                done: i as u64 + 1,
            });
        }
        cli_append_ms = median(&mut times);
        seconds.cli_append = done(phase, step, t);

        // 4b. `isnad verify` as a process, for its own peak memory.
        let step = Step::VerifyProcess;
        phase(Phase::Start { step, total: 1 });
        let t = Instant::now();
        verify_rss_bytes = verify_process(isnad, &ledger_dir)?;
        seconds.verify_process = done(phase, step, t);
    }
    let ledger = Ledger::open(&ledger_dir)?;

    // 5. Verify.
    let step = Step::Verify;
    let size = ledger.len()?;
    phase(Phase::Start { step, total: size });
    let t = Instant::now();
    let verified = ledger.verify(&mut |done| phase(Phase::Progress { step, done }))?;
    let verify_per_s = per_second(verified.entries, t.elapsed());
    seconds.verify = done(phase, step, t);

    // 6. Replay.
    let step = Step::Replay;
    phase(Phase::Start { step, total: size });
    let t = Instant::now();
    let scores = replay_ledger(&ledger, AsOf::Head, &Params::default())?;
    let replay_per_s = per_second(size, t.elapsed());
    let state_root = scores.state_root().to_hex();
    drop(scores);
    seconds.replay = done(phase, step, t);

    // 7. Proofs.
    let step = Step::Proofs;
    phase(Phase::Start {
        step,
        total: config.proofs,
    });
    let t = Instant::now();
    let proofs = Proofs::measure(&ledger, size, config.proofs)?;
    seconds.proofs = done(phase, step, t);

    // 8. Checkpoints.
    let step = Step::Checkpoint;
    phase(Phase::Start {
        step,
        total: config.checkpoints as u64,
    });
    let t = Instant::now();
    ledger.sign_checkpoint(&log_key)?;
    let mut times = Vec::with_capacity(config.checkpoints);
    for i in 0..config.checkpoints {
        ledger.append(&editor, claim(&format!("checkpoint {i}"))?, clock())?;
        let c = Instant::now();
        ledger.sign_checkpoint(&log_key)?;
        times.push(c.elapsed().as_secs_f64() * 1e6);
        phase(Phase::Progress {
            step,
            done: i as u64 + 1,
        });
    }
    let checkpoint_us = median(&mut times).unwrap_or(f64::NAN);
    seconds.checkpoint = done(phase, step, t);

    // 9. Memory and disk.
    ledger.flush()?;
    let ledger_entries = ledger.len()?;
    drop(ledger);
    let peak_rss_bytes = peak_rss();
    let disk_bytes = dir_bytes(&ledger_dir)?;

    // 10. Limits.
    let step = Step::Limits;
    phase(Phase::Start { step, total: 0 });
    let t = Instant::now();
    let cores = limits::available_cores();
    let measured = limits::measure(cores, &work.dir, config.limit_time)?;
    seconds.limits = done(phase, step, t);
    seconds.total = started.elapsed().as_secs_f64();

    let limits = measured.limits;
    Ok(Report {
        entries: config.entries,
        import_per_s,
        append_p50_us,
        append_p99_us,
        cli_append_ms,
        verify_per_s,
        replay_per_s,
        prove_us: proofs.prove_us,
        verify_proof_us: proofs.verify_us,
        checkpoint_us,
        peak_rss_bytes,
        verify_rss_bytes,
        import_rss_bytes,
        disk_bytes_per_entry: disk_bytes as f64 / ledger_entries.max(1) as f64,
        limits,
        ratios: Ratios::new(import_per_s, verify_per_s, append_p99_us, &limits),
        targets: Targets::default(),
        consistency: proofs.consistency,
        per_core: measured.per_core,
        seconds,
        machine: Machine {
            cpu: cpu_model(),
            cores,
            os: std::env::consts::OS,
            arch: std::env::consts::ARCH,
            build: if cfg!(debug_assertions) {
                "debug"
            } else {
                "release"
            },
        },
        run: RunInfo {
            seed: config.seed,
            export_bytes: stats.bytes,
            ledger_entries,
            disk_bytes,
            import_process: config.isnad.is_some(),
            appends: config.appends,
            cli_appends: if config.isnad.is_some() {
                config.cli_appends
            } else {
                0
            },
            proofs: config.proofs,
            checkpoints: config.checkpoints,
            state_root,
            kept_dir: None,
        },
    })
}

/// Reports the end of `step`, begun at `t`; its seconds.
fn done(phase: &mut dyn FnMut(Phase), step: Step, t: Instant) -> f64 {
    let seconds = t.elapsed().as_secs_f64();
    phase(Phase::Done { step, seconds });
    seconds
}

/// A 32-byte key seed from the run's seed and a purpose byte, so that the
/// bench's own keys differ per seed and from the generator's.
fn seeded(seed: u64, purpose: u8) -> [u8; 32] {
    let mut s = [purpose; 32];
    s[..8].copy_from_slice(&seed.to_le_bytes());
    s
}

/// The time now, to the second.
fn clock() -> Timestamp {
    let secs = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    Timestamp::from_unix(i64::try_from(secs).unwrap_or(i64::MAX))
}

fn source_id() -> Result<SourceId, Error> {
    Ok(SOURCE.parse()?)
}

/// A claim of about the size of a generated one, citing the bench's source.
fn claim(tag: &str) -> Result<Record, Error> {
    Ok(Record::Claim(ClaimBody {
        text: claim_text(tag),
        lang: "en".into(),
        quote: None,
        translations: vec![],
        chain: vec![Hop {
            source: source_id()?,
            relation: HopRelation::Reported,
        }],
        appeared: Appearance {
            date: "2025-02-18".into(),
            url: None,
            venue: None,
        },
    }))
}

fn claim_text(tag: &str) -> String {
    format!(
        "Bench {tag}: a group of fifteen to twenty officers is said to be training abroad \
         on fighter aircraft for three months, according to a regional outlet that names \
         no source of its own."
    )
}

/// One `isnad claim add` process against the bench ledger.
struct CliAppend<'a> {
    isnad: &'a Path,
    ledger: &'a Path,
    key: &'a Path,
}

impl CliAppend<'_> {
    /// Runs it with a claim tagged `tag`; its wall time.
    fn once(&self, tag: &str) -> Result<Duration, Error> {
        let mut cmd = Command::new(self.isnad);
        cmd.arg("--ledger")
            .arg(self.ledger)
            .arg("--key")
            .arg(self.key)
            .args(["claim", "add", "--text", &claim_text(tag)])
            .args([
                "--lang",
                "en",
                "--publisher",
                SOURCE,
                "--date",
                "2025-02-18",
            ])
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped());
        let t = Instant::now();
        let out = cmd.output().map_err(|e| Error::io(self.isnad, e))?;
        let took = t.elapsed();
        if !out.status.success() {
            let stderr = String::from_utf8_lossy(&out.stderr);
            return Err(Error::Command {
                command: format!("{} claim add", self.isnad.display()),
                reason: format!(
                    "{}: {}",
                    out.status,
                    stderr.lines().next().unwrap_or("no error output")
                ),
            });
        }
        Ok(took)
    }
}

/// How often [`watch`] reads the child's peak memory.
const RSS_POLL: Duration = Duration::from_millis(5);

/// What [`watch`] saw of a process that succeeded.
struct Watched {
    /// Its peak resident memory, bytes; `None` where there is no `/proc`.
    peak_rss: Option<u64>,
    /// Wall time from spawn until it was seen to have exited.
    took: Duration,
    /// Its standard output (small: read once it has exited).
    stdout: String,
}

/// Runs `cmd` (`what` names it in errors) with its standard output and
/// error piped, reading its peak resident memory every [`RSS_POLL`]:
/// `VmHWM` never decreases, so the last reading before the process exits
/// is its peak, give or take what it allocated in the last poll. `poll` is
/// called with the child's id at each reading. The commands run this way
/// print a line or two, far less than a pipe holds, so their output is
/// read after they exit.
fn watch(mut cmd: Command, what: &str, poll: &mut dyn FnMut(u32)) -> Result<Watched, Error> {
    let program = PathBuf::from(cmd.get_program());
    let t = Instant::now();
    let mut child = cmd
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| Error::io(&program, e))?;
    let status_file = PathBuf::from(format!("/proc/{}/status", child.id()));
    let mut peak_rss = None;
    let status = loop {
        if let Some(kib) = std::fs::read_to_string(&status_file)
            .ok()
            .as_deref()
            .and_then(vm_hwm_kib)
        {
            peak_rss = Some(kib * 1024);
        }
        poll(child.id());
        if let Some(status) = child.try_wait().map_err(|e| Error::io(&program, e))? {
            break status;
        }
        std::thread::sleep(RSS_POLL);
    };
    let took = t.elapsed();
    let stdout = read_all(child.stdout.take());
    if !status.success() {
        let stderr = read_all(child.stderr.take());
        return Err(Error::Command {
            command: format!("{} {what}", program.display()),
            reason: format!(
                "{status}: {}",
                stderr.lines().next().unwrap_or("no error output")
            ),
        });
    }
    Ok(Watched {
        peak_rss,
        took,
        stdout,
    })
}

/// What is left to read in `pipe`, as text; empty if there is no pipe or
/// it cannot be read (the exit status says whether the process worked;
/// its output is read for its figures or its error message).
fn read_all(pipe: Option<impl std::io::Read>) -> String {
    let mut text = String::new();
    if let Some(mut p) = pipe {
        let _ = p.read_to_string(&mut text);
    }
    text
}

/// Runs `isnad verify` over `ledger` and returns its peak resident memory
/// (`None` where there is no `/proc`).
fn verify_process(isnad: &Path, ledger: &Path) -> Result<Option<u64>, Error> {
    let mut cmd = Command::new(isnad);
    cmd.arg("--ledger").arg(ledger).arg("verify");
    Ok(watch(cmd, "verify", &mut |_| {})?.peak_rss)
}

/// What an `isnad import` process did.
struct Imported {
    /// Entries it added.
    added: u64,
    /// Its wall time.
    took: Duration,
    /// Its peak resident memory, bytes.
    peak_rss: Option<u64>,
}

/// Runs `isnad --json --ledger LEDGER import jsonl EXPORT` into the new
/// ledger `ledger`, reporting progress (entries, estimated from the bytes
/// the process has read of `stats.bytes`) to `progress`.
fn import_process(
    isnad: &Path,
    export: &Path,
    ledger: &Path,
    stats: &generate::Stats,
    progress: &mut dyn FnMut(u64),
) -> Result<Imported, Error> {
    let mut cmd = Command::new(isnad);
    cmd.arg("--json")
        .arg("--ledger")
        .arg(ledger)
        .args(["import", "jsonl"])
        .arg(export)
        .args(["--origin", LOG_NAME]);
    let watched = watch(cmd, "import jsonl", &mut |pid| {
        if let Some(read) = bytes_read(pid) {
            progress(entries_read(read, stats.bytes, stats.entries));
        }
    })?;
    let added = serde_json::from_str::<serde_json::Value>(&watched.stdout)
        .ok()
        .and_then(|v| v.get("added")?.as_u64())
        .ok_or_else(|| Error::Command {
            command: format!("{} import jsonl", isnad.display()),
            reason: format!(
                "no count of entries added in its output {:?}",
                watched.stdout.trim()
            ),
        })?;
    Ok(Imported {
        added,
        took: watched.took,
        peak_rss: watched.peak_rss,
    })
}

/// Bytes process `pid` has read (`rchar` of `/proc/<pid>/io`).
fn bytes_read(pid: u32) -> Option<u64> {
    let io = std::fs::read_to_string(format!("/proc/{pid}/io")).ok()?;
    let line = io.lines().find(|l| l.starts_with("rchar:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

/// The entries of a file of `bytes` bytes and `entries` lines that `read`
/// bytes amount to, at most `entries` (a process reads more than the file).
fn entries_read(read: u64, bytes: u64, entries: u64) -> u64 {
    if bytes == 0 {
        return entries;
    }
    let done = u128::from(read.min(bytes)) * u128::from(entries) / u128::from(bytes);
    u64::try_from(done).unwrap_or(entries)
}

/// The `VmHWM` line of a `/proc/<pid>/status` text, in KiB.
fn vm_hwm_kib(status: &str) -> Option<u64> {
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

/// The proof timings.
struct Proofs {
    prove_us: f64,
    verify_us: f64,
    consistency: Consistency,
}

impl Proofs {
    /// Proofs for `count` indexes spread over a ledger of `size` entries.
    fn measure(ledger: &Ledger, size: u64, count: u64) -> Result<Proofs, Error> {
        // Knuth's multiplicative hash: a fixed spread over the whole tree,
        // the same on every run, not clustered in one subtree.
        let picks: Vec<u64> = (0..count)
            .map(|i| i.wrapping_mul(2_654_435_761) % size)
            .collect();
        let root = ledger.tree_root(size)?;
        let leaves = picks
            .iter()
            .map(|&p| {
                let e = ledger.entry(Seq(p))?.ok_or_else(|| missing(p))?;
                Ok(*e.hash().as_bytes())
            })
            .collect::<Result<Vec<merkle::Hash>, Error>>()?;

        // One untimed pass first: the timed one then sees the steady state
        // of a log that answers proofs (upper tree levels cached, sled's
        // pages in memory), not the first reads after opening.
        for &p in &picks {
            ledger.inclusion_proof(p, size)?;
        }
        let t = Instant::now();
        let paths = picks
            .iter()
            .map(|&p| ledger.inclusion_proof(p, size))
            .collect::<Result<Vec<_>, _>>()?;
        let prove = t.elapsed();
        let t = Instant::now();
        for ((&p, leaf), path) in picks.iter().zip(&leaves).zip(&paths) {
            merkle::verify_inclusion(p, size, leaf, path, &root)?;
        }
        let verify = t.elapsed();

        // Consistency from each index taken as an old size (at least 1).
        let olds: Vec<u64> = picks.iter().map(|&p| p.max(1)).collect();
        let old_roots = olds
            .iter()
            .map(|&m| ledger.tree_root(m))
            .collect::<Result<Vec<_>, _>>()?;
        for &m in &olds {
            ledger.consistency_proof(m, size)?;
        }
        let t = Instant::now();
        let paths = olds
            .iter()
            .map(|&m| ledger.consistency_proof(m, size))
            .collect::<Result<Vec<_>, _>>()?;
        let c_prove = t.elapsed();
        let t = Instant::now();
        for ((&m, old), path) in olds.iter().zip(&old_roots).zip(&paths) {
            merkle::verify_consistency(m, size, old, &root, path)?;
        }
        let c_verify = t.elapsed();

        let us = |d: Duration| d.as_secs_f64() * 1e6 / count as f64;
        Ok(Proofs {
            prove_us: us(prove),
            verify_us: us(verify),
            consistency: Consistency {
                prove_us: us(c_prove),
                verify_us: us(c_verify),
            },
        })
    }
}

fn missing(seq: u64) -> Error {
    Error::Core(isnad_core::Error::Corrupt {
        reason: format!("entry {seq} is missing below the head"),
    })
}

/// `VmHWM` of this process, in bytes, where `/proc` has it.
fn peak_rss() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    Some(vm_hwm_kib(&status)? * 1024)
}

/// The CPU's model name, where `/proc/cpuinfo` has it.
fn cpu_model() -> Option<String> {
    let info = std::fs::read_to_string("/proc/cpuinfo").ok()?;
    let line = info.lines().find(|l| l.starts_with("model name"))?;
    Some(line.split_once(':')?.1.trim().to_owned())
}

/// The apparent size of every file under `dir`.
fn dir_bytes(dir: &Path) -> Result<u64, Error> {
    let mut total = 0;
    for item in std::fs::read_dir(dir).map_err(|e| Error::io(dir, e))? {
        let item = item.map_err(|e| Error::io(dir, e))?;
        let path = item.path();
        let meta = std::fs::symlink_metadata(&path).map_err(|e| Error::io(&path, e))?;
        total += if meta.is_dir() {
            dir_bytes(&path)?
        } else {
            meta.len()
        };
    }
    Ok(total)
}

/// A writer that reports every 1,024th line written through it.
struct LineCounter<'a, W: Write> {
    inner: W,
    lines: u64,
    step: Step,
    phase: &'a mut dyn FnMut(Phase),
}

impl<W: Write> Write for LineCounter<'_, W> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let n = self.inner.write(buf)?;
        let before = self.lines;
        self.lines += buf[..n].iter().filter(|&&b| b == b'\n').count() as u64;
        if self.lines / 1024 != before / 1024 {
            (self.phase)(Phase::Progress {
                step: self.step,
                done: self.lines,
            });
        }
        Ok(n)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.inner.flush()
    }
}

/// The work directory; on drop, removes what the run made in it unless
/// kept.
struct WorkDir {
    dir: PathBuf,
    keep: bool,
    created: bool,
}

impl WorkDir {
    /// Checks that `dir` is empty or absent and creates it if absent.
    fn prepare(dir: &Path, keep: bool) -> Result<WorkDir, Error> {
        let created = match std::fs::read_dir(dir) {
            Ok(mut items) => {
                if items.next().is_some() {
                    return Err(Error::Config {
                        what: "work directory",
                        reason: format!(
                            "{} is not empty; give an empty or new directory",
                            dir.display()
                        ),
                    });
                }
                false
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
                true
            }
            Err(e) => return Err(Error::io(dir, e)),
        };
        Ok(WorkDir {
            dir: dir.to_path_buf(),
            keep,
            created,
        })
    }

    fn path(&self, name: &str) -> PathBuf {
        self.dir.join(name)
    }
}

impl Drop for WorkDir {
    fn drop(&mut self) {
        if self.keep {
            return;
        }
        // Only the run's own files: the directory was empty before.
        for name in [EXPORT_FILE, KEY_FILE, limits::SCRATCH_FSYNC] {
            let _ = std::fs::remove_file(self.path(name));
        }
        for name in [LEDGER_DIR, limits::SCRATCH_DB] {
            let _ = std::fs::remove_dir_all(self.path(name));
        }
        if self.created {
            let _ = std::fs::remove_dir(&self.dir);
        }
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, reason = "tests")]

    use super::*;

    #[test]
    fn percentiles_by_nearest_rank() {
        let v: Vec<f64> = (1..=200).map(f64::from).collect();
        assert_eq!(percentile(&v, 50.0), Some(100.0));
        assert_eq!(percentile(&v, 99.0), Some(198.0));
        assert_eq!(percentile(&v, 100.0), Some(200.0));
        assert_eq!(percentile(&[7.0], 50.0), Some(7.0));
        assert_eq!(percentile(&[7.0], 99.0), Some(7.0));
        assert_eq!(percentile(&[1.0, 2.0], 50.0), Some(1.0));
        assert_eq!(percentile(&[], 50.0), None);
        assert_eq!(median(&mut [3.0, 1.0, 2.0]), Some(2.0));
    }

    fn limits(sign: f64, insert: f64, batch: f64) -> Limits {
        Limits {
            sign_per_s: sign,
            verify_per_s: 1.0,
            batch_verify_per_s: batch,
            sha256_bytes_per_s: 1.0,
            sled_insert_per_s: insert,
            cores: 2,
            fsync_p50_us: 400.0,
            fsync_p99_us: 2_000.0,
            sled_flush_p50_us: 500.0,
            sled_flush_p99_us: 2_500.0,
        }
    }

    #[test]
    fn ratio_arithmetic() {
        // 1 / (1/100,000 + 1/400,000) = 80,000 entries/s.
        let l = limits(100_000.0, 400_000.0, 150_000.0);
        assert!((sign_and_insert_per_s(&l) - 80_000.0).abs() < 1e-6);
        let r = Ratios::new(20_000.0, 30_000.0, 3_000.0, &l);
        assert!((r.import - 0.25).abs() < 1e-12);
        assert!((r.verify - 0.2).abs() < 1e-12);
        // The append p99 over the fsync p99: 3,000 µs / 2,000 µs.
        assert!((r.append - 1.5).abs() < 1e-12);
    }

    #[test]
    fn entries_read_is_proportional_and_bounded() {
        assert_eq!(entries_read(0, 1_000, 10), 0);
        assert_eq!(entries_read(500, 1_000, 10), 5);
        assert_eq!(entries_read(1_000, 1_000, 10), 10);
        // A process reads more than the file (its own files too).
        assert_eq!(entries_read(5_000, 1_000, 10), 10);
        assert_eq!(entries_read(7, 0, 10), 10);
        assert_eq!(entries_read(u64::MAX, u64::MAX, u64::MAX), u64::MAX);
    }

    #[test]
    fn vm_hwm_is_read_in_kib() {
        let status = "Name:\tisnad\nVmPeak:\t  9000 kB\nVmHWM:\t    1234 kB\nVmRSS:\t 1000 kB\n";
        assert_eq!(vm_hwm_kib(status), Some(1234));
        assert_eq!(vm_hwm_kib("Name:\tisnad\n"), None);
    }

    #[test]
    fn a_small_run_reports_every_number_and_cleans_up() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().join("work");
        let mut config = Config::new(50, dir.clone());
        config.appends = 5;
        config.proofs = 20;
        config.checkpoints = 2;
        config.limit_time = Duration::from_millis(5);
        let mut steps = Vec::new();
        let r = run(&config, &mut |p| {
            if let Phase::Done { step, .. } = p {
                steps.push(step);
            }
        })
        .unwrap();
        assert_eq!(
            steps,
            [
                Step::Generate,
                Step::Import,
                Step::Append,
                Step::Verify,
                Step::Replay,
                Step::Proofs,
                Step::Checkpoint,
                Step::Limits
            ]
        );
        assert_eq!(r.entries, 50);
        // Generated, the enrolment and the source, the appends, and an
        // append before each timed checkpoint.
        assert_eq!(r.run.ledger_entries, 50 + 2 + 5 + 2);
        assert_eq!(r.cli_append_ms, None);
        for x in [
            r.import_per_s,
            r.append_p50_us,
            r.append_p99_us,
            r.verify_per_s,
            r.replay_per_s,
            r.prove_us,
            r.verify_proof_us,
            r.checkpoint_us,
            r.disk_bytes_per_entry,
            r.ratios.verify,
            r.ratios.import,
        ] {
            assert!(x.is_finite() && x > 0.0, "{x}: {r:?}");
        }
        assert!(r.append_p50_us <= r.append_p99_us);
        assert_eq!((r.import_rss_bytes, r.verify_rss_bytes), (None, None));
        assert!(!r.run.import_process);
        // The append ratio is the report's own arithmetic.
        assert_eq!(r.ratios.append, r.append_p99_us / r.limits.fsync_p99_us);
        // Every target, in order; those the run could not measure without
        // the executable have no verdict, the others one computed from the
        // figure.
        let keys: Vec<&str> = r.targets.0.iter().map(|(s, _)| s.key).collect();
        let want: Vec<&str> = crate::targets::SPECS.iter().map(|s| s.key).collect();
        assert_eq!(keys, want);
        for (spec, t) in &r.targets.0 {
            let process = ["cli_append_ms", "verify_rss_mib", "import_rss_mib"];
            if process.contains(&spec.key) {
                assert_eq!((t.measured, t.met), (None, None), "{}", spec.key);
            } else {
                let m = t.measured.unwrap();
                assert_eq!(
                    t.met,
                    Some(spec.compare.met(m, spec.target)),
                    "{}",
                    spec.key
                );
            }
        }
        let verify = &r.targets.0[1];
        assert_eq!(verify.1.measured, Some(r.verify_per_s));
        assert!(!dir.exists(), "the work dir it created is removed");

        // Kept: the export, the ledger; a second run refuses the dir.
        config.keep = true;
        let r = run(&config, &mut |_| {}).unwrap();
        assert_eq!(r.run.kept_dir.as_deref(), dir.to_str());
        assert!(dir.join(EXPORT_FILE).is_file());
        assert!(Ledger::open(&dir.join(LEDGER_DIR)).is_ok());
        let e = run(&config, &mut |_| {}).unwrap_err();
        assert!(matches!(e, Error::Config { .. }), "{e}");
    }

    #[test]
    fn a_bad_config_is_refused_before_touching_the_disk() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().join("work");
        let e = run(&Config::new(0, dir.clone()), &mut |_| {}).unwrap_err();
        assert!(
            matches!(
                e,
                Error::Config {
                    what: "entries",
                    ..
                }
            ),
            "{e}"
        );
        assert!(!dir.exists());
    }
}
