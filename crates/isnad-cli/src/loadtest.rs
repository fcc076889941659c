//! `isnad bench serve`: a bounded load test of `isnad serve` over
//! loopback.
//!
//! A fresh ledger in a temporary directory (an admin, one enrolled key per
//! writer, one source) is served on `127.0.0.1:0` by `isnad_server` in
//! this process. Each writer thread is a `--server` client: it signs its
//! claims at the head the server reports and posts them, signing again
//! when another writer took the position first (HTTP 409). Reader threads
//! search claims and fetch the checkpoint meanwhile. The run ends when
//! every append is acknowledged; then the server stops and the ledger is
//! verified. Latency is measured per acknowledged append, from the first
//! `GET /v1/head` to the `201`, retries included.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use anyhow::{Context as _, Result, anyhow, bail};
use isnad_core::record::{KeyBody, Role, SourceBody, SourceKind};
use isnad_core::{KeyPair, Ledger, Record};
use serde_json::json;

use crate::commands::{Ctx, now};
use crate::output::{outln, print_json};
use crate::remote::Remote;

/// Runs the load test.
pub fn run(ctx: &Ctx, clients: u32, appends: u32, readers: u32) -> Result<()> {
    let dir = tempfile::Builder::new()
        .prefix("isnad-loadtest-")
        .tempdir()
        .context("creating a work directory")?;
    let path = dir.path().join("ledger");
    let admin = KeyPair::generate("admin")?;
    let log = KeyPair::generate("loadtest.isnad.example/log")?;
    let ledger = isnad_core::init(&path, &admin, now())?;
    ledger.set_log_key(log.verifier())?;
    let mut keys = Vec::new();
    for i in 0..clients {
        let k = KeyPair::generate(&format!("writer-{i}"))?;
        ledger.append(
            &admin,
            Record::Key(KeyBody {
                key: k.verifier().to_string(),
                roles: vec![Role::Editor, Role::FactChecker],
                holder: None,
                replaces: None,
                org: None,
            }),
            now(),
        )?;
        keys.push(k);
    }
    ledger.append(
        &keys[0],
        Record::Source(SourceBody {
            id: "wire".parse()?,
            name: "Wire service".into(),
            kind: SourceKind::Outlet,
            url: None,
            language: None,
            affiliations: Vec::new(),
            description: None,
        }),
        now(),
    )?;
    let before = ledger.len()?;

    // The server, on its own runtime thread.
    let state = Arc::new(isnad_server::AppState::new(ledger, Some(log)));
    let server = InProcess::start(Arc::clone(&state))?;
    let url = server.url.clone();

    let done = Arc::new(AtomicBool::new(false));
    let mut read_threads = Vec::new();
    for _ in 0..readers {
        let (url, done) = (url.clone(), Arc::clone(&done));
        read_threads.push(std::thread::spawn(move || -> Result<u64> {
            let agent: ureq::Agent = ureq::Agent::config_builder()
                .http_status_as_error(false)
                .build()
                .into();
            let mut reads = 0u64;
            while !done.load(Ordering::Relaxed) {
                for path in ["/v1/claims?q=claim%2010&limit=5", "/checkpoint", "/v1/head"] {
                    let mut r = agent.get(&format!("{url}{path}")).call()?;
                    let _ = r.body_mut().read_to_vec()?;
                    reads += 1;
                }
            }
            Ok(reads)
        }));
    }

    let started = Instant::now();
    let mut writers = Vec::new();
    for (w, key) in keys.into_iter().enumerate() {
        let share = appends / clients + u32::from((w as u32) < appends % clients);
        let url = url.clone();
        writers.push(std::thread::spawn(
            move || -> Result<(Vec<Duration>, u64)> {
                let remote = Remote::new(&url)?;
                let mut lat = Vec::with_capacity(share as usize);
                for i in 0..share {
                    let text = format!("Load test claim {i} by writer {w}");
                    let record = Record::Claim(isnad_core::record::ClaimBody {
                        text,
                        lang: "en".into(),
                        quote: None,
                        translations: Vec::new(),
                        chain: vec![isnad_core::record::Hop {
                            source: "wire".parse()?,
                            relation: isnad_core::record::HopRelation::Reported,
                        }],
                        appeared: isnad_core::record::Appearance {
                            date: "2025-02-18".into(),
                            url: None,
                            venue: None,
                        },
                    });
                    let t = Instant::now();
                    let (_, new) = remote.append(&key, record, now())?;
                    if !new {
                        bail!("writer {w}: claim {i} was already recorded");
                    }
                    lat.push(t.elapsed());
                }
                Ok((lat, remote.conflicts()))
            },
        ));
    }
    let mut latencies = Vec::new();
    let mut conflicts = 0;
    for w in writers {
        let (lat, c) = w.join().map_err(|_| anyhow!("a writer panicked"))??;
        latencies.extend(lat);
        conflicts += c;
    }
    let elapsed = started.elapsed();
    done.store(true, Ordering::Relaxed);
    let mut reads = 0;
    for r in read_threads {
        reads += r.join().map_err(|_| anyhow!("a reader panicked"))??;
    }
    server.stop()?;
    drop(state);

    // Everything acknowledged is there, and the ledger verifies.
    let ledger = Ledger::open(&path)?;
    let report = ledger.verify(&mut |_| {})?;
    let added = report.entries - before;
    if added != u64::from(appends) {
        bail!("{appends} appends acknowledged but {added} entries added");
    }

    latencies.sort_unstable();
    let pct = |p: f64| -> Duration {
        let i = ((latencies.len() as f64 - 1.0) * p).round() as usize;
        latencies.get(i).copied().unwrap_or_default()
    };
    let per_s = f64::from(appends) / elapsed.as_secs_f64();
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    let cpu = cpu_model();
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    if ctx.json {
        print_json(&json!({
            "clients": clients,
            "readers": readers,
            "appends": appends,
            "seconds": elapsed.as_secs_f64(),
            "appends_per_s": per_s,
            "latency_ms": {"p50": ms(pct(0.50)), "p90": ms(pct(0.90)), "p99": ms(pct(0.99)), "max": ms(pct(1.0))},
            "conflicts": conflicts,
            "reads": reads,
            "machine": {"cores": cores, "cpu": cpu},
        }))?;
    } else {
        outln!(
            "isnad serve over loopback: {clients} writers, {readers} readers, {appends} appends"
        );
        outln!("machine         {cores} cores, {cpu}");
        outln!(
            "appends         {per_s:.0}/s ({appends} in {:.2} s; each one signed, checked and flushed to disk before it is acknowledged)",
            elapsed.as_secs_f64()
        );
        outln!(
            "latency         p50 {:.1} ms, p90 {:.1} ms, p99 {:.1} ms, max {:.1} ms",
            ms(pct(0.50)),
            ms(pct(0.90)),
            ms(pct(0.99)),
            ms(pct(1.0))
        );
        outln!("conflicts       {conflicts} (signed again after another writer took the position)");
        outln!("reads           {reads} during the run");
        outln!("verified        {} entries", report.entries);
    }
    Ok(())
}

/// A server for a state on `127.0.0.1:0`, on a runtime thread of its own
/// in this process (the load and read measurements run it).
pub(crate) struct InProcess {
    /// Its base URL, `http://127.0.0.1:PORT`.
    pub url: String,
    stop: tokio::sync::oneshot::Sender<()>,
    thread: std::thread::JoinHandle<Result<()>>,
}

impl InProcess {
    /// Starts serving `state` and waits until it listens.
    pub fn start(state: Arc<isnad_server::AppState>) -> Result<InProcess> {
        let (addr_tx, addr_rx) = std::sync::mpsc::channel();
        let (stop, stop_rx) = tokio::sync::oneshot::channel::<()>();
        let thread = std::thread::spawn(move || -> Result<()> {
            let rt = tokio::runtime::Builder::new_multi_thread()
                .enable_all()
                .build()?;
            rt.block_on(isnad_server::serve(
                state,
                isnad_server::Config::new(([127, 0, 0, 1], 0).into()),
                async {
                    let _ = stop_rx.await;
                },
                |addr| {
                    let _ = addr_tx.send(addr);
                },
            ))?;
            Ok(())
        });
        let addr = addr_rx
            .recv_timeout(Duration::from_secs(30))
            .map_err(|_| anyhow!("the server did not start"))?;
        Ok(InProcess {
            url: format!("http://{addr}"),
            stop,
            thread,
        })
    }

    /// Stops it gracefully and waits for it.
    pub fn stop(self) -> Result<()> {
        let _ = self.stop.send(());
        self.thread
            .join()
            .map_err(|_| anyhow!("the server panicked"))?
    }
}

/// The CPU's model name, from /proc/cpuinfo where there is one.
fn cpu_model() -> String {
    std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|t| {
            t.lines()
                .find(|l| l.starts_with("model name"))
                .and_then(|l| l.split_once(':'))
                .map(|(_, v)| v.trim().to_owned())
        })
        .unwrap_or_else(|| "unknown CPU".into())
}
