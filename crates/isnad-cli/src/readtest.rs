//! `isnad bench serve --entries N`: how fast `isnad serve` answers readers
//! on a generated ledger of N entries, over loopback.
//!
//! The generator's ledger (`isnad bench gen N`) is imported into a
//! temporary directory and served in this process on `127.0.0.1:0`. Then,
//! in order:
//!
//! 1. **cold**: the first `GET /v1/sources`, which replays the ledger;
//! 2. **warm**: each read route the explorer uses, asked `ROUNDS` times
//!    one after another after one unmeasured call (p50, p95, max);
//! 3. **after a write**: `WRITES` times, a claim signed by one of the
//!    generator's editors is posted, and the time of the first read after
//!    the `201` is measured (a source page, which needs the new scores);
//! 4. **home pages**: `PAGES` clients at once each load the home page as
//!    a browser does (the page, its script and style, then the four API
//!    calls it makes), each on connections of its own; the total is the
//!    wall time from their common start to the last response.
//!
//! No timing is asserted: the numbers are reported beside the machine's
//! cores, as every bench does.

use std::io::{BufReader, BufWriter, Write as _};
use std::sync::{Arc, Barrier};
use std::time::{Duration, Instant};

use anyhow::{Context as _, Result, anyhow, bail};
use isnad_core::record::{Appearance, ClaimBody, Hop, HopRelation};
use isnad_core::{Draft, EntryHash, KeyPair, Ledger, Record, Seq, Timestamp};
use serde_json::{Value, json};

use crate::commands::{Ctx, now};
use crate::loadtest::InProcess;
use crate::output::{outln, print_json};

/// Calls per route in the warm measurement.
const ROUNDS: usize = 40;
/// Writes in the after-a-write measurement.
const WRITES: usize = 20;

/// Runs the read measurements on a generated ledger of `entries`.
pub fn run(ctx: &Ctx, entries: u64, seed: u64, pages: u32) -> Result<()> {
    let dir = tempfile::Builder::new()
        .prefix("isnad-readtest-")
        .tempdir()
        .context("creating a work directory")?;
    let export = dir.path().join("export.jsonl");
    {
        let f = std::fs::File::create(&export).context("creating the export")?;
        let mut out = BufWriter::with_capacity(1 << 20, f);
        isnad_bench::generate::write_export(entries, seed, &mut out)?;
        out.flush().context("writing the export")?;
    }
    let log = KeyPair::generate("readtest.isnad.example/log")?;
    let ledger = Ledger::create(&dir.path().join("ledger"))?;
    ledger.set_log_key(log.verifier())?;
    let mut input = BufReader::with_capacity(
        1 << 20,
        std::fs::File::open(&export).context("reading the export")?,
    );
    let imported = ledger.import_jsonl(&mut input, now(), &mut |_| {})?;
    drop(input);
    std::fs::remove_file(&export).context("removing the export")?;
    let editor = isnad_bench::generate::keys(seed)?
        .editors
        .into_iter()
        .next()
        .ok_or_else(|| anyhow!("the generator has no editor"))?;

    let state = Arc::new(isnad_server::AppState::new(ledger, Some(log)));
    let server = InProcess::start(Arc::clone(&state))?;
    let url = server.url.clone();
    let agent = agent();

    // 1. Cold: the replay.
    let t = Instant::now();
    let sources = get_json(&agent, &format!("{url}/v1/sources"))?;
    let cold = t.elapsed();

    // What to ask for: the busiest source, a claim, a word of it, a checker.
    let busiest = sources["sources"]
        .as_array()
        .and_then(|all| {
            all.iter()
                .max_by_key(|s| s["verdicts"].as_u64().unwrap_or(0))
        })
        .and_then(|s| s["id"].as_str())
        .ok_or_else(|| anyhow!("the generated ledger has no source"))?
        .to_owned();
    let latest = get_json(&agent, &format!("{url}/v1/claims?limit=1"))?;
    let claim = latest["claims"][0]["id"]
        .as_str()
        .ok_or_else(|| anyhow!("the generated ledger has no claim"))?
        .to_owned();
    let word = latest["claims"][0]["text"]
        .as_str()
        .and_then(|t| t.split_whitespace().find(|w| w.len() > 5))
        .unwrap_or("minister")
        .to_owned();
    let checkers = get_json(&agent, &format!("{url}/v1/checkers"))?;
    let checker = checkers["checkers"][0]["id"]
        .as_str()
        .unwrap_or("none")
        .to_owned();
    let size = imported.added;
    let routes: Vec<(&str, String)> = vec![
        ("page /", "/".into()),
        ("script", "/assets/app.js".into()),
        ("head", "/v1/head".into()),
        ("entries", "/v1/entries?limit=100".into()),
        ("entry", format!("/v1/entries/{claim}")),
        ("latest claims", "/v1/claims?limit=20".into()),
        ("search", format!("/v1/claims?limit=100&q={word}")),
        ("claim", format!("/v1/claims/{claim}")),
        ("sources", "/v1/sources".into()),
        ("busiest source", format!("/v1/sources/{busiest}")),
        ("its history", format!("/v1/sources/{busiest}/history")),
        ("scores", "/v1/scores".into()),
        ("checkers", "/v1/checkers".into()),
        ("checker", format!("/v1/checkers/{checker}")),
        ("inclusion proof", format!("/v1/proofs/inclusion/{claim}")),
        (
            "consistency proof",
            format!("/v1/proofs/consistency?old={}", size / 2),
        ),
        ("checkpoint", "/checkpoint".into()),
        ("tile", "/tile/0/000".into()),
        ("openapi", "/v1/openapi.json".into()),
    ];

    // 2. Warm.
    let mut warm = Vec::new();
    for (name, path) in &routes {
        let u = format!("{url}{path}");
        call(&agent, &u)?;
        let mut times = Vec::with_capacity(ROUNDS);
        for _ in 0..ROUNDS {
            let t = Instant::now();
            call(&agent, &u)?;
            times.push(t.elapsed());
        }
        warm.push((*name, path.clone(), Stats::of(times)));
    }

    // 3. The first read after a write.
    let mut after = Vec::with_capacity(WRITES);
    let first = format!("{url}/v1/sources/{busiest}");
    for i in 0..WRITES {
        post_claim(&agent, &url, &editor, &format!("Read test claim {i}"))?;
        let t = Instant::now();
        call(&agent, &first)?;
        after.push(t.elapsed());
    }
    let after = Stats::of(after);

    // 4. Home pages at once.
    let home = home_pages(&url, pages)?;

    server.stop()?;
    drop(state);

    report(ctx, entries, cold, &warm, &after, pages, home)
}

/// Percentiles of a set of durations.
struct Stats {
    p50: Duration,
    p95: Duration,
    max: Duration,
}

impl Stats {
    fn of(mut d: Vec<Duration>) -> Stats {
        d.sort_unstable();
        let at = |p: f64| -> Duration {
            let i = ((d.len() as f64 - 1.0) * p).round() as usize;
            d.get(i).copied().unwrap_or_default()
        };
        Stats {
            p50: at(0.50),
            p95: at(0.95),
            max: at(1.0),
        }
    }

    fn json(&self) -> Value {
        json!({"p50": ms(self.p50), "p95": ms(self.p95), "max": ms(self.max)})
    }
}

fn ms(d: Duration) -> f64 {
    (d.as_secs_f64() * 1000.0 * 100.0).round() / 100.0
}

fn agent() -> ureq::Agent {
    ureq::Agent::config_builder()
        .http_status_as_error(false)
        .timeout_global(Some(Duration::from_secs(300)))
        .build()
        .into()
}

/// GET `url`, reading the whole body; a status other than 200 is an error.
fn call(agent: &ureq::Agent, url: &str) -> Result<Vec<u8>> {
    let mut r = agent
        .get(url)
        .call()
        .with_context(|| format!("GET {url}"))?;
    let body = r
        .body_mut()
        .with_config()
        .limit(64 << 20)
        .read_to_vec()
        .with_context(|| format!("GET {url}"))?;
    if r.status() != 200 {
        bail!(
            "GET {url}: {}: {}",
            r.status(),
            String::from_utf8_lossy(&body)
        );
    }
    Ok(body)
}

fn get_json(agent: &ureq::Agent, url: &str) -> Result<Value> {
    Ok(serde_json::from_slice(&call(agent, url)?)?)
}

/// Signs a one-hop claim at the server's head and posts it.
fn post_claim(agent: &ureq::Agent, url: &str, key: &KeyPair, text: &str) -> Result<()> {
    let head = get_json(agent, &format!("{url}/v1/head"))?;
    let size = head["size"].as_u64().ok_or_else(|| anyhow!("no size"))?;
    let prev: EntryHash = head["head"]
        .as_str()
        .ok_or_else(|| anyhow!("no head"))?
        .parse()?;
    let head_time = Timestamp::parse(head["time"].as_str().unwrap_or_default())?;
    let t = if now() > head_time { now() } else { head_time };
    let publisher = get_json(agent, &format!("{url}/v1/sources"))?["sources"][0]["id"]
        .as_str()
        .ok_or_else(|| anyhow!("no source"))?
        .parse()?;
    let record = Record::Claim(ClaimBody {
        text: text.into(),
        lang: "en".into(),
        quote: None,
        translations: Vec::new(),
        chain: vec![Hop {
            source: publisher,
            relation: HopRelation::Reported,
        }],
        appeared: Appearance {
            date: "2025-09-01".into(),
            url: None,
            venue: None,
        },
    });
    let entry = Draft::new(Seq(size), prev, t, key.verifier().clone(), record).sign(key)?;
    let mut r = agent
        .post(&format!("{url}/v1/entries"))
        .header("content-type", "application/json")
        .send(entry.leaf_bytes())?;
    let body = r.body_mut().read_to_string()?;
    if r.status() != 201 {
        bail!("posting a claim: {}: {body}", r.status());
    }
    Ok(())
}

/// `pages` clients loading the home page at once; the wall time from
/// their common start until the last has every response.
fn home_pages(url: &str, pages: u32) -> Result<Duration> {
    const HOME: [&str; 7] = [
        "/",
        "/assets/app.js",
        "/assets/app.css",
        "/v1/head",
        "/checkpoint",
        "/v1/sources",
        "/v1/claims?limit=20",
    ];
    let start = Arc::new(Barrier::new(pages as usize + 1));
    let mut clients = Vec::new();
    for _ in 0..pages {
        let (url, start) = (url.to_owned(), Arc::clone(&start));
        clients.push(std::thread::spawn(move || -> Result<Instant> {
            let agent = agent();
            start.wait();
            // As a browser does: the page, then its assets and API calls.
            for path in HOME.iter().chain(["/v1/checkers"].iter()) {
                call(&agent, &format!("{url}{path}"))?;
            }
            Ok(Instant::now())
        }));
    }
    start.wait();
    let t = Instant::now();
    let mut last = t;
    for c in clients {
        let done = c.join().map_err(|_| anyhow!("a client panicked"))??;
        last = last.max(done);
    }
    Ok(last - t)
}

fn report(
    ctx: &Ctx,
    entries: u64,
    cold: Duration,
    warm: &[(&str, String, Stats)],
    after: &Stats,
    pages: u32,
    home: Duration,
) -> Result<()> {
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    let worst = warm.iter().map(|(_, _, s)| s.p95).max().unwrap_or_default();
    if ctx.json {
        print_json(&json!({
            "entries": entries,
            "cores": cores,
            "cold_ms": ms(cold),
            "warm_ms": warm
                .iter()
                .map(|(name, path, s)| json!({"route": name, "path": path, "ms": s.json()}))
                .collect::<Vec<_>>(),
            "worst_warm_p95_ms": ms(worst),
            "first_read_after_write_ms": after.json(),
            "home_pages": {"clients": pages, "total_ms": ms(home)},
        }))?;
        return Ok(());
    }
    outln!(
        "isnad serve over loopback: reads on a generated ledger of {entries} entries ({cores} cores)"
    );
    outln!(
        "cold            first /v1/sources (replays the ledger): {:.1} ms",
        ms(cold)
    );
    outln!("warm            {ROUNDS} calls per route, one after another:");
    for (name, path, s) in warm {
        outln!(
            "  {name:<18} p50 {:>7.2} ms  p95 {:>7.2} ms  max {:>7.2} ms  {path}",
            ms(s.p50),
            ms(s.p95),
            ms(s.max)
        );
    }
    outln!("  worst p95        {:.2} ms", ms(worst));
    outln!(
        "after a write   first read of the busiest source, {WRITES} writes: p50 {:.1} ms, p95 {:.1} ms, max {:.1} ms",
        ms(after.p50),
        ms(after.p95),
        ms(after.max)
    );
    outln!(
        "home pages      {pages} at once (page, script, style and 5 API calls each): {:.0} ms in total",
        ms(home)
    );
    Ok(())
}
