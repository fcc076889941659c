//! The web explorer in a real browser: headless Chromium driven over
//! WebDriver (Debian's `chromium` and `chromium-driver`, which
//! `tests/setup.sh` installs). A reader searches for a seed claim of the
//! demo in Arabic and in English, opens it, sees its attribution chain
//! drawn with the sources' names, its verdicts and credibility, the Arabic
//! text laid out right to left and a proof to download, then follows a
//! source from the graph to its page with its grade and the plot of its
//! expected value.
//!
//! Without Chromium or its driver these tests fail, saying what to install;
//! they never pass by skipping.
//!
//! A test binary of its own: Chromium is the heaviest process any test
//! starts, and its page waits are bounded; beside the umbrella binary's
//! CPU-bound tests on a small machine they would be starved, so Cargo runs
//! this binary after that one, not alongside it.

#![allow(
    clippy::expect_used,
    clippy::unwrap_used,
    reason = "test helpers panic on failed setup"
)]

#[allow(
    dead_code,
    reason = "the shared helpers serve every test binary; this one uses the demo and `isnad serve` helpers"
)]
mod common;

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use common::*;
use fantoccini::elements::Element;
use fantoccini::{Client, ClientBuilder, Locator};
use serde_json::{Value, json};

const INSTALL: &str = "the browser tests need headless Chromium and its WebDriver: \
     apt-get install chromium chromium-driver";

/// How long the page may take to show what a step waits for.
const WAIT: Duration = Duration::from_secs(30);

/// A program on `PATH`.
fn program(names: &[&str]) -> Option<PathBuf> {
    let path = std::env::var_os("PATH").unwrap_or_default();
    let dirs: Vec<PathBuf> = std::env::split_paths(&path).collect();
    names
        .iter()
        .flat_map(|n| dirs.iter().map(move |d| d.join(n)))
        .find(|p| p.is_file())
}

fn chromium() -> PathBuf {
    program(&["chromium", "chromium-browser"])
        .unwrap_or_else(|| panic!("no chromium on PATH; {INSTALL}"))
}

fn chromedriver_program() -> PathBuf {
    program(&["chromedriver"]).unwrap_or_else(|| panic!("no chromedriver on PATH; {INSTALL}"))
}

fn agent() -> ureq::Agent {
    ureq::Agent::config_builder()
        .http_status_as_error(false)
        .timeout_global(Some(Duration::from_secs(30)))
        .build()
        .into()
}

/// GET: status, headers we look at, body.
fn get(url: &str) -> (u16, String, String, String) {
    let mut r = agent().get(url).call().unwrap();
    let header = |name: &str| {
        r.headers()
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
            .to_owned()
    };
    let (ct, csp) = (header("content-type"), header("content-security-policy"));
    let body = r.body_mut().read_to_string().unwrap();
    (r.status().as_u16(), ct, csp, body)
}

/// Starts of ChromeDriver [`Driver::start`] tries before it gives up.
const ATTEMPTS: usize = 3;

/// `chromedriver` on a loopback port the system picks, killed when
/// dropped.
struct Driver {
    child: Child,
    url: String,
}

impl Driver {
    /// Starts ChromeDriver with `--port=0` and reads the port it bound from
    /// the line it prints once it listens, `ChromeDriver was started
    /// successfully on port N.`; then waits for its status to say ready.
    fn start() -> Driver {
        // With `--port=0` ChromeDriver now and then exits at once with
        // "IPv4 port not available" (its pick raced another listener):
        // a fresh start picks again.
        let mut seen = String::new();
        for _ in 0..ATTEMPTS {
            match Driver::try_start() {
                Ok(d) => return d,
                Err(said) => seen = said,
            }
        }
        panic!("chromedriver never said which port it listens on: {seen:?}; {INSTALL}");
    }

    /// One start of [`Driver::start`]: what ChromeDriver said when it
    /// never told its port.
    fn try_start() -> Result<Driver, String> {
        use std::io::BufRead as _;
        let program = chromedriver_program();
        let mut child = Command::new(&program)
            .arg("--port=0")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start {}: {e}; {INSTALL}", program.display()));
        let mut out = std::io::BufReader::new(child.stdout.take().expect("piped stdout"));
        let mut port = None;
        let mut seen = String::new();
        let mut line = String::new();
        while port.is_none() && out.read_line(&mut line).is_ok_and(|n| n > 0) {
            port = line
                .trim_end()
                .strip_prefix("ChromeDriver was started successfully on port ")
                .and_then(|p| p.trim_end_matches('.').parse::<u16>().ok());
            seen.push_str(&line);
            line.clear();
        }
        let Some(port) = port else {
            let _ = child.kill();
            let _ = child.wait();
            return Err(seen);
        };
        // Keep reading, so the driver never blocks on a full pipe.
        std::thread::spawn(move || std::io::copy(&mut out, &mut std::io::sink()));
        let driver = Driver {
            child,
            url: format!("http://127.0.0.1:{port}"),
        };
        let deadline = Instant::now() + WAIT;
        loop {
            let ready = agent()
                .get(&format!("{}/status", driver.url))
                .call()
                .ok()
                .and_then(|mut r| r.body_mut().read_to_string().ok())
                .and_then(|body| serde_json::from_str::<Value>(&body).ok())
                .is_some_and(|v| v["value"]["ready"] == true);
            if ready {
                return Ok(driver);
            }
            assert!(
                Instant::now() < deadline,
                "chromedriver did not become ready on port {port}; {INSTALL}"
            );
            std::thread::sleep(Duration::from_millis(100));
        }
    }
}

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A WebDriver session of headless Chromium with its own profile.
async fn browser(driver: &Driver, profile: &Path) -> Client {
    let caps = json!({
        "browserName": "chrome",
        "goog:chromeOptions": {
            "binary": chromium().to_str().unwrap(),
            "args": [
                "--headless=new",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-dev-shm-usage",
                "--no-first-run",
                "--no-default-browser-check",
                "--disable-extensions",
                "--window-size=1280,1000",
                format!("--user-data-dir={}", profile.display()),
            ],
        },
    });
    let serde_json::Value::Object(caps) = caps else {
        unreachable!()
    };
    ClientBuilder::new(hyper_util::client::legacy::connect::HttpConnector::new())
        .capabilities(caps)
        .connect(&driver.url)
        .await
        .unwrap_or_else(|e| panic!("cannot open a Chromium session: {e}; {INSTALL}"))
}

async fn wait_for(c: &Client, css: &str) -> Element {
    c.wait()
        .at_most(WAIT)
        .for_element(Locator::Css(css))
        .await
        .unwrap_or_else(|e| {
            panic!("the page never showed `{css}`: {e}");
        })
}

/// Waits until the element `css` reads `expected` (after a navigation
/// within the page, the old page's elements are there until the new one
/// is drawn).
async fn wait_for_text(c: &Client, css: &str, expected: &str) {
    let deadline = Instant::now() + WAIT;
    let mut seen = String::new();
    while Instant::now() < deadline {
        if let Ok(e) = c.find(Locator::Css(css)).await {
            seen = e.text().await.unwrap_or_default();
            if seen == expected {
                return;
            }
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("`{css}` reads {seen:?}, never {expected:?}");
}

async fn text_of(c: &Client, css: &str) -> String {
    wait_for(c, css).await.text().await.unwrap()
}

/// Every number under `css` (an explained list of facts) has its meaning
/// in words beneath it, and its term carries the same words as a tooltip;
/// returns how many numbers there are.
async fn explained_numbers(c: &Client, css: &str) -> usize {
    let v = c
        .execute(
            "const dl = document.querySelector(arguments[0]);
             if (!dl) return -1;
             const terms = [...dl.querySelectorAll('dt')];
             const ok = terms.every((dt) => {
               const words = dt.getAttribute('title') || '';
               const dd = dt.nextElementSibling && dt.nextElementSibling.nextElementSibling;
               return words.length > 20 && dd && dd.classList.contains('explain')
                 && dd.textContent === words;
             });
             return ok ? terms.length : 0;",
            vec![serde_json::json!(css)],
        )
        .await
        .unwrap();
    usize::try_from(v.as_i64().unwrap()).unwrap()
}

/// Every column heading of `table` explains itself as a tooltip, and the
/// legend beside it lists the same words; returns the column count.
async fn explained_columns(c: &Client, table: &str) -> usize {
    let v = c
        .execute(
            "const t = document.querySelector(arguments[0]);
             if (!t) return -1;
             const heads = [...t.querySelectorAll('thead th')];
             const box = t.closest('.table-scroll').nextElementSibling;
             const legend = box ? [...box.querySelectorAll('dl.legend dd')].map((d) => d.textContent) : [];
             const ok = heads.length === legend.length
               && heads.every((th, i) => (th.getAttribute('title') || '').length > 10 && th.getAttribute('title') === legend[i]);
             return ok ? heads.length : 0;",
            vec![serde_json::json!(table)],
        )
        .await
        .unwrap();
    usize::try_from(v.as_i64().unwrap()).unwrap()
}

async fn search(c: &Client, query: &str) -> Vec<String> {
    let input = wait_for(c, "#search-q").await;
    input.clear().await.unwrap();
    input.send_keys(query).await.unwrap();
    click(c, "#search-form button[type=submit]").await;
    let selector = format!("#results[data-query=\"{query}\"]");
    let results = wait_for(c, &selector).await;
    let mut hrefs = Vec::new();
    for link in results
        .find_all(Locator::Css("a.claim-link"))
        .await
        .unwrap()
    {
        hrefs.push(link.attr("href").await.unwrap().unwrap_or_default());
    }
    hrefs
}

/// What a reader does, step by step.
async fn explore(c: Client, base: String) {
    c.goto(&format!("{base}/")).await.unwrap();

    // The start page: the latest checkpoint and the ranked sources.
    let cp = text_of(&c, "#checkpoint").await;
    assert!(
        cp.contains("demo.isnad.example/agenzia-nova-2025") && cp.contains("35"),
        "{cp}"
    );
    let ranked = c.find_all(Locator::Css("#sources tbody tr")).await.unwrap();
    assert_eq!(ranked.len(), 13);
    // The first ranked, with its grade as text; the demo's one checker.
    let first = ranked[0].text().await.unwrap();
    assert!(
        first.contains("Agenzia Nova")
            && first.contains("B, prior only (2 verdicts from 1 checker)"),
        "{first}"
    );
    let checkers = c
        .find_all(Locator::Css("#checkers tr.checker-row"))
        .await
        .unwrap();
    assert_eq!(checkers.len(), 1);

    // The latest claims, newest first.
    let recent = text_of(&c, "#recent").await;
    assert!(recent.contains("Latest claims"), "{recent}");
    let (_, _, _, body) = get(&format!("{base}/v1/claims?limit=1"));
    let newest: serde_json::Value = serde_json::from_str(&body).unwrap();
    let newest = newest["claims"][0]["id"].as_str().unwrap().to_owned();
    let first = c
        .find(Locator::Css("#recent a.claim-link"))
        .await
        .unwrap()
        .attr("href")
        .await
        .unwrap()
        .unwrap_or_default();
    assert!(first.contains(&newest[..12]), "{first} is not {newest}");

    // Search in Arabic, then in English: the seed claim both times.
    let seed = "#/claim/ad8f";
    let ar = search(&c, "حفتر").await;
    assert!(ar.iter().any(|h| h.starts_with(seed)), "{ar:?}");
    let en = search(&c, "MiG-29").await;
    assert!(en.iter().any(|h| h.starts_with(seed)), "{en:?}");
    // Words in any order, punctuation aside, with the true total and the
    // translation that matched shown under the Arabic claim.
    let spaced = search(&c, "29 MiG").await;
    assert!(spaced.iter().any(|h| h.starts_with(seed)), "{spaced:?}");
    let count = text_of(&c, "#result-count").await;
    assert!(count.starts_with("3 claims"), "{count}");
    let matched = text_of(&c, "#results .matched").await;
    assert!(
        matched.contains("Matched its en translation") && matched.contains("MiG-29"),
        "{matched}"
    );

    // Open it.
    c.find(Locator::Css(&format!(
        "#results a.claim-link[href^=\"{seed}\"]"
    )))
    .await
    .unwrap()
    .click()
    .await
    .unwrap();
    let graph = wait_for(&c, "#chain-graph").await;
    let drawn = graph.text().await.unwrap();
    for name in ["Agenzia Nova", "Fawasel Media", "cited"] {
        assert!(
            drawn.contains(name),
            "the chain graph lacks {name}: {drawn}"
        );
    }
    let nodes = graph.find_all(Locator::Css("a.chain-node")).await.unwrap();
    assert_eq!(nodes.len(), 2);
    // Wide enough: left to right.
    assert_eq!(
        graph.attr("data-layout").await.unwrap().as_deref(),
        Some("horizontal")
    );
    let claim_url = c.current_url().await.unwrap().to_string();

    // The Arabic text, right to left; its English translation beside it.
    let claim_text = wait_for(&c, "#claim-text").await;
    assert_eq!(
        claim_text.attr("lang").await.unwrap().as_deref(),
        Some("ar")
    );
    assert_eq!(claim_text.css_value("direction").await.unwrap(), "rtl");
    assert!(claim_text.text().await.unwrap().contains("حفتر"));
    let translation = text_of(&c, ".translation-text").await;
    assert!(translation.contains("MiG-29"), "{translation}");

    // Its verdict and its credibility (circular: two reports, one origin).
    let verdicts = text_of(&c, "#verdicts").await;
    assert!(
        verdicts.contains("unverifiable") && verdicts.contains("70%"),
        "{verdicts}"
    );
    assert_eq!(text_of(&c, "#credibility-digit").await, "6");
    assert_eq!(text_of(&c, "#credibility-pair").await, "F6");
    // Every number of the claim's credibility says what it means.
    assert_eq!(
        explained_numbers(&c, ".credibility-box dl.explained").await,
        9
    );
    assert_eq!(text_of(&c, "#checkers").await, "1");
    assert_eq!(text_of(&c, "#reports").await, "2");
    assert_eq!(text_of(&c, "#origins").await, "1");
    assert!(
        text_of(&c, "#circular")
            .await
            .contains("Circular reporting")
    );

    // The proof link downloads the inclusion proof with its checkpoint.
    let link = wait_for(&c, "#proof-link").await;
    assert!(link.attr("download").await.unwrap().is_some());
    let href = link.prop("href").await.unwrap().unwrap();
    assert!(href.starts_with(&format!("{base}/v1/proofs/inclusion/ad8f")));
    let (status, ct, _, body) = get(&href);
    assert_eq!((status, ct.as_str()), (200, "application/json"), "{body}");
    let proof: Value = serde_json::from_str(&body).unwrap();
    assert_eq!(proof["index"], 18);
    assert_eq!(proof["tree_size"], 35);
    assert!(proof["hashes"].as_array().is_some_and(|h| !h.is_empty()));
    assert!(
        proof["checkpoint"]
            .as_str()
            .is_some_and(|n| n.starts_with("demo.isnad.example/agenzia-nova-2025\n35\n"))
    );
    assert!(text_of(&c, "#proof").await.contains("agenzia-nova-2025"));

    // From the graph to a source: its grade and the plot of its history.
    c.find(Locator::Css(
        "#chain-graph a.chain-node[data-source=\"fawasel-media\"]",
    ))
    .await
    .unwrap()
    .click()
    .await
    .unwrap();
    let plot = wait_for(&c, "#history-plot").await;
    assert_eq!(text_of(&c, "#source-name").await, "Fawasel Media");
    assert_eq!(text_of(&c, "#grade").await, "F");
    // So does every number of its score.
    assert_eq!(explained_numbers(&c, "#score dl.explained").await, 7);
    assert_eq!(
        text_of(&c, "#grade-wording").await,
        "reliability cannot be judged"
    );
    let points = plot.find_all(Locator::Css("circle.point")).await.unwrap();
    assert!(points.len() >= 2, "{} points", points.len());
    assert!(plot.find(Locator::Css("path.series")).await.is_ok());
    assert!(
        c.current_url()
            .await
            .unwrap()
            .as_str()
            .ends_with("#/source/fawasel-media")
    );

    // A source moved by verdicts lists them, linked to their claims.
    c.goto(&format!("{base}/#/source/agenzia-nova"))
        .await
        .unwrap();
    wait_for_text(&c, "#source-name", "Agenzia Nova").await;
    // Less than a unit of evidence: its grade is its editor's prior alone.
    assert_eq!(text_of(&c, "#grade").await, "F");
    assert_eq!(
        text_of(&c, "#grade-text").await,
        "B, prior only (2 verdicts from 1 checker)"
    );
    let evidence = c
        .find_all(Locator::Css("#evidence tr.evidence-item a.claim-link"))
        .await
        .unwrap();
    assert_eq!(evidence.len(), 2);
    // Every column of the evidence says what it means.
    assert_eq!(explained_columns(&c, "table.evidence-table").await, 9);
    // Every row shows its claim's text, and the rows are paged.
    for row in &evidence {
        let snippet = row.find(Locator::Css(".claim-snippet")).await.unwrap();
        assert!(!snippet.text().await.unwrap().is_empty());
    }
    assert_eq!(
        text_of(&c, "#evidence-count").await,
        "Showing 2 of 2 verdicts, in ledger order."
    );
    let points = c
        .find_all(Locator::Css("#history-plot circle.point"))
        .await
        .unwrap();
    // Sampled evenly over the ledger since its definition, then the head.
    assert!((2..=24).contains(&points.len()), "{} points", points.len());

    // Each checker's part of the evidence, linked to the checker's page:
    // its weight, from the default prior alone (no other checker).
    let shares = text_of(&c, "#checker-shares").await;
    assert!(shares.contains("demo-desk-checker+"), "{shares}");
    click(&c, "#checker-shares a.checker").await;
    let name = text_of(&c, "#checker-name").await;
    assert!(name.starts_with("demo-desk-checker+"), "{name}");
    assert_eq!(text_of(&c, "#checker-weight").await, "0.800");
    assert_eq!(text_of(&c, "#shared").await, "0");
    assert!(
        text_of(&c, "#stories")
            .await
            .contains("No other checker has rated the same stories")
    );
    // And the list of checkers.
    c.goto(&format!("{base}/#/checkers")).await.unwrap();
    let list = text_of(&c, "#checker-table").await;
    assert_eq!(explained_columns(&c, "#checker-table").await, 7);
    assert!(
        list.contains("demo-desk-checker+") && list.contains("0.800"),
        "{list}"
    );

    // On a phone the chain turns vertical, and every hop is on screen with
    // its full name at hand.
    c.set_window_size(390, 844).await.unwrap();
    assert_eq!(whole_chain(&c, &claim_url, Some("vertical")).await, 2);

    // Every page fits the phone's width: wide tables scroll inside their
    // own box, the page itself never sideways.
    for (route, ready) in [
        ("#/", "#checker-table"),
        ("#/source/agenzia-nova", "table.evidence-table"),
        ("#/checkers", "#checker-table"),
        (
            claim_url.rsplit_once('#').map_or("#/", |(_, r)| r),
            "#chain-graph",
        ),
    ] {
        let route = route.trim_start_matches('#');
        c.goto(&format!("{base}/#{route}")).await.unwrap();
        wait_for(&c, ready).await;
        let widths = c
            .execute(
                "const d = document.documentElement; return [d.scrollWidth, d.clientWidth];",
                vec![],
            )
            .await
            .unwrap();
        let (scroll, client) = (widths[0].as_f64().unwrap(), widths[1].as_f64().unwrap());
        assert!(
            scroll <= client,
            "{route}: the page is {scroll} px wide on a {client} px screen"
        );
    }
}

/// Serves `ledger`, opens Chromium on it and runs `steps` with the browser
/// and the server's address; the browser is closed and the server stopped
/// even when a step fails, and a failed step's panic is the test's.
fn in_browser<F, Fut, T>(ledger: &Path, scratch: &Path, steps: F) -> T
where
    F: FnOnce(Client, String) -> Fut,
    Fut: std::future::Future<Output = T> + Send + 'static,
    T: Send + 'static,
{
    let server = Server::start(ledger);
    let outcome = drive(scratch, &server.url, steps);
    drop(server);
    outcome
}

/// Opens Chromium and runs `steps` with it and `url` (where it is to
/// read), closing the browser even when a step fails; a failed step's
/// panic is the caller's.
fn drive<F, Fut, T>(scratch: &Path, url: &str, steps: F) -> T
where
    F: FnOnce(Client, String) -> Fut,
    Fut: std::future::Future<Output = T> + Send + 'static,
    T: Send + 'static,
{
    let driver = Driver::start();
    let profile = scratch.join("chromium-profile");
    std::fs::create_dir_all(&profile).unwrap();
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let outcome = rt.block_on(async {
        let client = browser(&driver, &profile).await;
        // Run the steps apart, so the browser is closed even when one fails.
        let run = tokio::spawn(steps(client.clone(), url.to_owned())).await;
        let _ = client.close().await;
        run
    });
    drop(driver);
    match outcome {
        Ok(value) => value,
        Err(e) if e.is_panic() => std::panic::resume_unwind(e.into_panic()),
        Err(e) => panic!("the browser steps did not finish: {e}"),
    }
}

/// The demo ledger in a scratch directory, once the browser and its driver
/// are known to be there (a test fails, never skips, without them).
fn demo_for_browser() -> (tempfile::TempDir, PathBuf) {
    chromium();
    chromedriver_program();
    let tmp = tempfile::tempdir().unwrap();
    let ledger = build_demo(tmp.path());
    (tmp, ledger)
}

#[test]
fn a_reader_finds_a_claim_its_chain_and_a_sources_history() {
    let (tmp, ledger) = demo_for_browser();
    in_browser(&ledger, tmp.path(), explore);
}

#[test]
fn explorer_files_are_served_with_a_strict_policy() {
    let tmp = tempfile::tempdir().unwrap();
    let ledger = build_demo(tmp.path());
    let server = Server::start(&ledger);
    let u = &server.url;
    for (path, ct) in isnad_server::explorer::PAGES {
        let (status, got, csp, body) = get(&format!("{u}{path}"));
        assert_eq!((status, got.as_str()), (200, *ct), "{path}");
        assert_eq!(
            csp,
            isnad_server::explorer::CONTENT_SECURITY_POLICY,
            "{path}"
        );
        assert!(!body.is_empty());
    }
    // The explorer's pages are not API: the OpenAPI document lists none.
    let (_, _, _, doc) = get(&format!("{u}/v1/openapi.json"));
    let doc: Value = serde_json::from_str(&doc).unwrap();
    let paths = doc["paths"].as_object().unwrap();
    assert!(
        paths
            .keys()
            .all(|p| p.starts_with("/v1/") || p == "/checkpoint" || p.starts_with("/tile/"))
    );
    // API answers keep their own types, and unknown paths are problems.
    let (status, ct, _, _) = get(&format!("{u}/assets/nothing.js"));
    assert_eq!((status, ct.as_str()), (404, "application/problem+json"));
}

/// Every hop of the chain on `claim_url` is drawn inside the window's
/// width (in the layout given, or either), with its full name at hand;
/// returns the number of hops drawn.
async fn whole_chain(c: &Client, claim_url: &str, layout: Option<&str>) -> usize {
    // Loaded afresh: the graph is laid out for the width it is drawn at.
    c.goto(claim_url).await.unwrap();
    c.refresh().await.unwrap();
    let graph = match layout {
        Some(l) => wait_for(c, &format!("#chain-graph[data-layout=\"{l}\"]")).await,
        None => wait_for(c, "#chain-graph").await,
    };
    let layout = layout.unwrap_or("any layout");
    let screen = c
        .execute("return document.documentElement.clientWidth", vec![])
        .await
        .unwrap()
        .as_f64()
        .unwrap();
    let nodes = graph.find_all(Locator::Css("a.chain-node")).await.unwrap();
    for node in &nodes {
        let (x, _, w, _) = node.rectangle().await.unwrap();
        assert!(
            x >= 0.0 && x + w <= screen,
            "{layout}: a hop at {x}+{w} of {screen}"
        );
        let name = node.attr("data-name").await.unwrap().unwrap_or_default();
        let title = node.find(Locator::Css("title")).await.unwrap();
        let full = title.html(true).await.unwrap();
        assert!(!name.is_empty() && full.contains(&name), "{name}: {full}");
    }
    nodes.len()
}

// A four-hop chain (publisher, two relays, originator) is drawn whole on a
// desktop window and, top to bottom, on a phone. Regression: the graph
// measured the window rather than the page's column, so at 1280 px it ran
// past the column's edge and the originator was off screen.
#[test]
fn a_four_hop_chain_is_drawn_whole_on_a_desktop_and_a_phone() {
    let (tmp, ledger) = demo_for_browser();
    let editor = ledger.join("keys").join("demo-desk-editor.key");
    let out = isnad_in(tmp.path())
        .args([
            "--ledger",
            s(&ledger),
            "--key",
            s(&editor),
            "--json",
            "claim",
            "add",
        ])
        .args([
            "--text",
            "Officers loyal to Haftar are training on MiG-29s in Russia",
        ])
        .args([
            "--lang",
            "en",
            "--date",
            "2025-02-18",
            "--publisher",
            "agenzia-nova",
        ])
        .args(["--via", "fawasel-media", "--via", "haftar-affiliates"])
        .args(["--via", "jalel-harchaoui:quoted"])
        .output()
        .unwrap();
    assert_success(&out, &["claim add"]);
    let added: Value = serde_json::from_slice(&out.stdout).unwrap();
    let id = added["id"].as_str().unwrap().to_owned();
    let counts = in_browser(&ledger, tmp.path(), |c, base| async move {
        let url = format!("{base}/#/claim/{id}");
        c.set_window_size(1280, 900).await.unwrap();
        // Too long to go across the page's column: it may turn vertical
        // here too; what matters is that no hop is cut off.
        let wide = whole_chain(&c, &url, None).await;
        c.set_window_size(390, 844).await.unwrap();
        let phone = whole_chain(&c, &url, Some("vertical")).await;
        (wide, phone)
    });
    assert_eq!(counts, (4, 4));
}

/// A recording proxy on a loopback port: every connection is passed on to
/// the server, and every byte the browser sends (request lines, headers and
/// bodies, queries included) is kept, so a test can say what left the page.
/// `before_post`, if given, runs once, just before the first
/// `POST /v1/entries` is passed on (to make another writer win the race);
/// `alter`, if given, rewrites each piece the browser sent after it is
/// kept and before it is passed on (a man in the middle).
struct Recorder {
    url: String,
    sent: std::sync::Arc<std::sync::Mutex<Vec<u8>>>,
}

impl Recorder {
    fn start(
        upstream: &str,
        before_post: Option<Box<dyn FnOnce() + Send>>,
        alter: Option<Alter>,
    ) -> Recorder {
        use std::io::{Read as _, Write as _};
        use std::net::{Shutdown, TcpListener, TcpStream};
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        let upstream = upstream.trim_start_matches("http://").to_owned();
        let sent = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
        let kept = std::sync::Arc::clone(&sent);
        let hook = std::sync::Arc::new(std::sync::Mutex::new(before_post));
        let alter = std::sync::Arc::new(alter);
        std::thread::spawn(move || {
            for client in listener.incoming() {
                let Ok(mut client) = client else { continue };
                let Ok(mut server) = TcpStream::connect(&upstream) else {
                    continue;
                };
                let (Ok(mut client_back), Ok(mut server_back)) =
                    (client.try_clone(), server.try_clone())
                else {
                    continue;
                };
                let kept = std::sync::Arc::clone(&kept);
                let hook = std::sync::Arc::clone(&hook);
                let alter = std::sync::Arc::clone(&alter);
                std::thread::spawn(move || {
                    let mut buf = [0u8; 16 * 1024];
                    while let Ok(n) = client.read(&mut buf) {
                        if n == 0 {
                            break;
                        }
                        kept.lock().unwrap().extend_from_slice(&buf[..n]);
                        if buf[..n].starts_with(b"POST /v1/entries ") {
                            let run = hook.lock().unwrap().take();
                            if let Some(run) = run {
                                run();
                            }
                        }
                        let passed = match alter.as_ref() {
                            Some(alter) => alter(&buf[..n]),
                            None => buf[..n].to_vec(),
                        };
                        if server.write_all(&passed).is_err() {
                            break;
                        }
                    }
                    let _ = server.shutdown(Shutdown::Write);
                });
                std::thread::spawn(move || {
                    let _ = std::io::copy(&mut server_back, &mut client_back);
                    let _ = client_back.shutdown(Shutdown::Write);
                });
            }
        });
        Recorder { url, sent }
    }
}

/// What runs before the first post, given the server's own address.
type BeforePost = Box<dyn FnOnce(&str) + Send>;

/// How a man in the middle rewrites what the browser sends.
type Alter = Box<dyn Fn(&[u8]) -> Vec<u8> + Send + Sync>;

/// What the [`Recorder`] does besides recording.
#[derive(Default)]
struct Meddling {
    /// Runs once, given the server's own address, just before the first
    /// `POST /v1/entries` is passed on.
    before_post: Option<BeforePost>,
    /// Rewrites what the browser sends on its way to the server.
    alter: Option<Alter>,
}

/// Like [`in_browser`], with the browser talking to the server through a
/// [`Recorder`]; also returns every byte the browser sent and the server's
/// request log.
fn in_recorded_browser<F, Fut, T>(
    ledger: &Path,
    scratch: &Path,
    meddling: Meddling,
    steps: F,
) -> (T, Vec<u8>, Vec<String>)
where
    F: FnOnce(Client, String) -> Fut,
    Fut: std::future::Future<Output = T> + Send + 'static,
    T: Send + 'static,
{
    let server = Server::start(ledger);
    let url = server.url.clone();
    let hook = meddling
        .before_post
        .map(|f| -> Box<dyn FnOnce() + Send> { Box::new(move || f(&url)) });
    let recorder = Recorder::start(&server.url, hook, meddling.alter);
    // The server is stopped and its log read even when a step failed;
    // the step's panic then comes last.
    let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        drive(scratch, &recorder.url, steps)
    }));
    let log = server.log.lock().unwrap().clone();
    let status = server.stop();
    let value = match outcome {
        Ok(value) => value,
        Err(panic) => std::panic::resume_unwind(panic),
    };
    assert!(status.success(), "isnad serve stopped with {status}");
    let sent = recorder.sent.lock().unwrap().clone();
    (value, sent, log)
}

/// The source the workbench test adds, as form fields and as `isnad
/// source add` arguments. The affiliations are typed out of order and the
/// name has Arabic in it.
const NEW_SOURCE: &[(&str, &str)] = &[
    ("id", "libya-observer"),
    (
        "name",
        "Libya Observer \u{2014} \u{645}\u{631}\u{635}\u{62f} \u{644}\u{64a}\u{628}\u{64a}\u{627}",
    ),
    ("kind", "outlet"),
    ("url", "https://libyaobserver.example/"),
    ("language", "en"),
    ("description", "Independent news site"),
    ("affiliations", "fawasel-media agenzia-nova"),
];

fn new_source(field: &str) -> &'static str {
    NEW_SOURCE
        .iter()
        .find(|(f, _)| *f == field)
        .map(|(_, v)| *v)
        .unwrap()
}

/// `source add` and its arguments for [`NEW_SOURCE`], as a writer would
/// give them to the command line.
fn new_source_args() -> Vec<String> {
    let mut args = vec![
        "source".to_owned(),
        "add".to_owned(),
        new_source("id").to_owned(),
    ];
    for field in ["name", "kind", "url", "language", "description"] {
        args.push(format!("--{field}"));
        args.push(new_source(field).to_owned());
    }
    for a in new_source("affiliations").split(' ') {
        args.push("--affiliation".to_owned());
        args.push(a.to_owned());
    }
    args
}

/// Runs `isnad --ledger LEDGER --key KEY --json ARGS…` (a command that
/// writes one entry) and returns the new entry's id.
fn cli_writes(ledger: &Path, key: &Path, args: &[String]) -> String {
    let out = isnad_in(ledger.parent().unwrap())
        .args(["--ledger", s(ledger), "--key", s(key), "--json"])
        .args(args)
        .output()
        .unwrap();
    assert_success(&out, &args.iter().map(String::as_str).collect::<Vec<_>>());
    let added: Value = serde_json::from_slice(&out.stdout).unwrap();
    added["id"].as_str().unwrap().to_owned()
}

/// Runs `isnad --ledger LEDGER ARGS…` (beside the ledger), which must
/// succeed, and returns what it printed.
fn on_ledger(ledger: &Path, args: &[&str]) -> String {
    let out = isnad_in(ledger.parent().unwrap())
        .args(["--ledger", s(ledger)])
        .args(args)
        .output()
        .unwrap();
    assert_success(&out, args);
    String::from_utf8(out.stdout).unwrap()
}

/// The page's entries are the command line's for the same input, one for
/// one: the same bytes once their time and signature are set aside, and
/// with them what follows from those (each entry's id, hence the next
/// one's `prev` and any reference to it).
fn assert_same_but_time_and_signature(page: &[String], cli: &[String]) {
    assert_eq!(page.len(), cli.len());
    let field = |line: &str, name: &str| {
        serde_json::from_str::<Value>(line).unwrap()[name]
            .as_str()
            .unwrap()
            .to_owned()
    };
    let id = |line: &str| {
        isnad_core::Entry::parse(line.as_bytes())
            .unwrap()
            .hash()
            .to_hex()
    };
    let mut ids: Vec<(String, String)> = Vec::new();
    for (p, c) in page.iter().zip(cli) {
        let mut same = p
            .replace(&field(p, "time"), &field(c, "time"))
            .replace(&field(p, "sig"), &field(c, "sig"));
        for (from, to) in &ids {
            same = same.replace(from, to);
        }
        assert_eq!(same, *c);
        ids.push((id(p), id(c)));
    }
}

/// Neither the line of any key file at `keys`, nor its base64 secret, nor
/// the 32-byte seed, is anywhere in `sent`.
fn assert_no_key_material(sent: &[u8], keys: &[&Path]) {
    use base64::Engine as _;
    let sent_text = String::from_utf8_lossy(sent);
    for path in keys {
        let line = std::fs::read_to_string(path).unwrap();
        let line = line.trim_end();
        // `PRIVATE+KEY+name+id+base64`; the base64 may itself hold `+`.
        let secret = line.splitn(5, '+').nth(4).unwrap();
        assert!(secret.len() >= 44, "{path:?}");
        let seed = base64::engine::general_purpose::STANDARD
            .decode(secret)
            .unwrap();
        assert!(!sent_text.contains(line), "{path:?}");
        assert!(!sent_text.contains(secret), "{path:?}");
        assert!(!sent.windows(32).any(|w| w == &seed[1..]), "{path:?}");
    }
}

/// How many requests in `sent` start with `request_line` (`POST /v1/entries `).
fn requests(sent: &[u8], request_line: &str) -> usize {
    String::from_utf8_lossy(sent).matches(request_line).count()
}

/// Types `value` into the field `css`, replacing what it held.
async fn fill(c: &Client, css: &str, value: &str) {
    let el = wait_for(c, css).await;
    el.clear().await.unwrap();
    el.send_keys(value).await.unwrap();
}

/// Clicks the element `css`, once it is on the page.
async fn click(c: &Client, css: &str) {
    wait_for(c, css).await.click().await.unwrap();
}

async fn select(c: &Client, css: &str, value: &str) {
    wait_for(c, css).await.select_by_value(value).await.unwrap();
}

/// Moves the page to the hash route `route` as a link in it would, without
/// loading it again: the loaded key stays.
async fn go(c: &Client, route: &str) {
    c.execute("location.hash = arguments[0];", vec![json!(route)])
        .await
        .unwrap();
}

/// Opens the page of the claim `id` (keeping the key) and waits until it
/// says what the key may sign about it.
async fn open_claim(c: &Client, id: &str) {
    go(c, &format!("#/claim/{id}")).await;
    wait_for(c, &format!("h1 code.id[title=\"{id}\"]")).await;
    wait_for(c, "#write-status, #write-none").await;
}

/// Opens the workbench at `base`, loads the key file at `key` (one that
/// may write) and opens the page of the claim `id`.
async fn with_key_on_claim(c: &Client, base: &str, key: &Path, id: &str) {
    c.goto(&format!("{base}/#/workbench")).await.unwrap();
    load_key(c, key, "ok").await;
    open_claim(c, id).await;
}

/// Loads the key file at `path` in the workbench, after forgetting any
/// other, and waits until the page says where it stands (`status`).
async fn use_key(c: &Client, path: &Path, status: &str) {
    go(c, "#/workbench").await;
    click(c, "#key-forget").await;
    wait_for(c, "#key-none").await;
    load_key(c, path, status).await;
}

/// Types `query` into the source chooser `id`, picks the offer of source
/// `value`, and waits until the chooser shows it chosen.
async fn choose_source(c: &Client, id: &str, query: &str, value: &str) {
    fill(c, &format!("#{id}"), query).await;
    click(c, &format!("#{id}-offers button[data-value=\"{value}\"]")).await;
    wait_for(c, &format!("#{id}-chosen[data-source=\"{value}\"]")).await;
}

/// The text of the page's refusal for the form `prefix`, by the page
/// itself or by the server (`by`).
async fn refused(c: &Client, prefix: &str, by: &str) -> String {
    text_of(c, &format!("#{prefix}-refused[data-by=\"{by}\"]")).await
}

/// Checks that `ledger` verifies and ends with the entries `ids`, each
/// with a signature that verifies; returns their lines.
fn verified_last_entries(ledger: &Path, ids: &[&String]) -> Vec<String> {
    on_ledger(ledger, &["verify"]);
    let lines = last_lines(ledger, ids.len());
    for (line, id) in lines.iter().zip(ids) {
        let entry = isnad_core::Entry::parse(line.as_bytes()).unwrap();
        entry.check_signature().unwrap();
        assert_eq!(&entry.hash().to_hex(), *id);
    }
    lines
}

/// `isnad trace --json` of the claim `id` in `ledger`, and its chain's
/// sources in order.
fn trace(ledger: &Path, id: &str) -> (Value, Vec<String>) {
    let trace: Value = serde_json::from_str(&on_ledger(ledger, &["--json", "trace", id])).unwrap();
    let chain = trace["chain"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h["source"].as_str().unwrap().to_owned())
        .collect();
    (trace, chain)
}

/// The demo's claims in ledger order: each one's id and record body.
fn demo_claims(ledger: &Path) -> Vec<(String, Value)> {
    ledger_lines(ledger)
        .iter()
        .filter_map(|line| {
            let v: Value = serde_json::from_str(line).unwrap();
            (v["kind"] == "claim").then(|| {
                let id = isnad_core::Entry::parse(line.as_bytes())
                    .unwrap()
                    .hash()
                    .to_hex();
                (id, v["body"].clone())
            })
        })
        .collect()
}

/// Loads the key file at `path` in the workbench and waits until the page
/// says where the key stands (`status`, as `data-status`).
async fn load_key(c: &Client, path: &Path, status: &str) {
    let input = wait_for(c, "#key-file").await;
    input.send_keys(s(path)).await.unwrap();
    wait_for(c, &format!("#key-status[data-status=\"{status}\"]")).await;
}

async fn fill_source(c: &Client, fields: &[(&str, &str)]) {
    for (name, value) in fields {
        let el = wait_for(c, &format!("#source-{name}")).await;
        if *name == "kind" {
            el.select_by_value(value).await.unwrap();
        } else {
            el.clear().await.unwrap();
            el.send_keys(value).await.unwrap();
        }
    }
    click(c, "#source-submit").await;
}

/// What the workbench test does in the page: three keys, one refused
/// write, one source added. Returns the new entry's id and the key strings
/// the page showed.
async fn workbench(c: Client, base: String, keys: [PathBuf; 3]) -> (String, Vec<String>) {
    let [admin, stranger, editor] = keys;
    c.goto(&format!("{base}/#/workbench")).await.unwrap();
    wait_for(&c, "#key-none").await;
    let mut shown = Vec::new();

    // The admin key may not add sources: told so, and no form to sign with.
    load_key(&c, &admin, "no-role").await;
    shown.push(text_of(&c, "#key-vkey").await);
    assert_eq!(text_of(&c, "#key-roles").await, "admin");
    let status = text_of(&c, "#key-status").await;
    assert!(
        status.contains("may not record claims or add sources"),
        "{status}"
    );
    assert!(c.find(Locator::Css("#source-form")).await.is_err());

    // A key the ledger never enrolled: told so before it signs anything.
    load_key(&c, &stranger, "unknown").await;
    shown.push(text_of(&c, "#key-vkey").await);
    let status = text_of(&c, "#key-status").await;
    assert!(status.contains("not enrolled"), "{status}");
    assert!(c.find(Locator::Css("#source-form")).await.is_err());

    // The editor's key: the form.
    load_key(&c, &editor, "ok").await;
    shown.push(text_of(&c, "#key-vkey").await);
    assert_eq!(text_of(&c, "#key-roles").await, "editor");

    // A source id the ledger has: the server refuses, in plain words.
    fill_source(
        &c,
        &[
            ("id", "agenzia-nova"),
            ("name", "Agenzia Nova again"),
            ("kind", "outlet"),
        ],
    )
    .await;
    let refused = text_of(&c, "#source-refused").await;
    assert!(
        refused.starts_with("The server refused the entry: ") && refused.contains("agenzia-nova"),
        "{refused}"
    );

    // A new source, every optional field filled in.
    fill_source(&c, NEW_SOURCE).await;
    let done = wait_for(&c, "#source-done").await;
    assert_eq!(done.attr("data-seq").await.unwrap().as_deref(), Some("35"));
    let text = done.text().await.unwrap();
    assert!(text.starts_with("Recorded as entry #35"), "{text}");
    let id = done.attr("data-id").await.unwrap().unwrap();
    (id, shown)
}

/// The last line of `isnad export jsonl` of `ledger`.
fn last_line(ledger: &Path) -> String {
    last_lines(ledger, 1).remove(0)
}

/// The last `n` lines of `isnad export jsonl` of `ledger`, in ledger order.
fn last_lines(ledger: &Path, n: usize) -> Vec<String> {
    let all = ledger_lines(ledger);
    all[all.len() - n..].to_vec()
}

/// Every line of `isnad export jsonl` of `ledger`.
fn ledger_lines(ledger: &Path) -> Vec<String> {
    on_ledger(ledger, &["export", "jsonl"])
        .lines()
        .map(str::to_owned)
        .collect()
}

#[test]
fn an_editor_adds_a_source_signed_in_the_browser() {
    let (tmp, ledger) = demo_for_browser();
    // The same ledger, for the command line to add the same source to.
    let twin = tmp.path().join("twin");
    copy_dir(&ledger, &twin);
    let admin = ledger.join("keys/demo-admin.key");
    let editor = ledger.join("keys/demo-desk-editor.key");
    let stranger = tmp.path().join("stranger.key");
    isnad_core::keyfile::write_key_file(
        &stranger,
        &isnad_core::KeyPair::from_seed("stranger", &[9; 32]).unwrap(),
    )
    .unwrap();
    let keys = [admin.clone(), stranger.clone(), editor.clone()];

    let ((id, shown), sent, log) =
        in_recorded_browser(&ledger, tmp.path(), Meddling::default(), move |c, base| {
            workbench(c, base, keys)
        });

    // The page derived each key's verifier string from the file alone.
    let expected: Vec<String> = [&admin, &stranger, &editor]
        .iter()
        .map(|p| {
            isnad_core::keyfile::read_key_file(p)
                .unwrap()
                .verifier()
                .to_string()
        })
        .collect();
    assert_eq!(shown, expected);

    // No key file's secret, nor its private key, in anything the page sent.
    assert_no_key_material(&sent, &[&admin, &stranger, &editor]);
    let sent_text = String::from_utf8_lossy(&sent).into_owned();
    // Only the editor's two attempts were posted: the refused one and the
    // new source; the other keys were stopped before signing.
    assert_eq!(sent_text.matches("POST /v1/entries ").count(), 2, "{log:?}");
    let posts: Vec<&String> = log
        .iter()
        .filter(|l| l.contains("\"method\":\"POST\""))
        .collect();
    assert_eq!(posts.len(), 2, "{log:?}");
    assert!(
        posts[0].contains("\"status\":400") && posts[1].contains("\"status\":201"),
        "{posts:?}"
    );

    // The ledger verifies, and the new entry is the one the page reported.
    on_ledger(&ledger, &["verify"]);
    let leaf = last_line(&ledger);
    assert_eq!(
        on_ledger(&ledger, &["show", &id, "--leaf"]).trim_end(),
        leaf
    );
    // The recorder saw the request bodies: the posted line is among them.
    assert!(sent_text.contains(&leaf));
    let entry = isnad_core::Entry::parse(leaf.as_bytes()).unwrap();
    entry.check_signature().unwrap();
    assert_eq!(entry.hash().to_hex(), id);

    // The command line adds the same source to the twin ledger: the two
    // entries are the same bytes but for the time and the signature.
    let editor_key = twin.join("keys/demo-desk-editor.key");
    cli_writes(&twin, &editor_key, &new_source_args());
    let cli = last_line(&twin);
    assert_same_but_time_and_signature(std::slice::from_ref(&leaf), &[cli]);
    assert!(
        leaf.contains(r#""affiliations":["agenzia-nova","fawasel-media"]"#),
        "{leaf}"
    );
}

/// What the conflict test does in the page: the editor adds a source.
async fn add_after_a_conflict(c: Client, base: String, editor: PathBuf) -> String {
    c.goto(&format!("{base}/#/workbench")).await.unwrap();
    load_key(&c, &editor, "ok").await;
    fill_source(&c, NEW_SOURCE).await;
    let done = wait_for(&c, "#source-done").await;
    done.attr("data-seq").await.unwrap().unwrap()
}

#[test]
fn the_workbench_signs_again_when_another_writer_took_the_position() {
    let (tmp, ledger) = demo_for_browser();
    let editor = ledger.join("keys/demo-desk-editor.key");
    let checker = ledger.join("keys/demo-desk-checker.key");
    let dir = tmp.path().to_owned();
    // Just before the page's entry reaches the server, the fact-checker
    // adds a source through the command line and takes position 35.
    let other_writer = Box::new(move |url: &str| {
        let out = isnad_in(&dir)
            .args([
                "--server",
                url,
                "--key",
                s(&checker),
                "source",
                "add",
                "other-outlet",
            ])
            .args(["--name", "Other outlet", "--kind", "outlet"])
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    });
    let meddling = Meddling {
        before_post: Some(other_writer),
        ..Meddling::default()
    };
    let (seq, sent, log) = in_recorded_browser(&ledger, tmp.path(), meddling, move |c, base| {
        add_after_a_conflict(c, base, editor)
    });
    // The page's first entry lost position 35 (409); it fetched the head,
    // signed again and was recorded at 36.
    assert_eq!(seq, "36");
    let statuses: Vec<&str> = log
        .iter()
        .filter(|l| l.contains("\"method\":\"POST\""))
        .map(|l| {
            if l.contains("\"status\":409") {
                "409"
            } else if l.contains("\"status\":201") {
                "201"
            } else {
                "other"
            }
        })
        .collect();
    assert_eq!(statuses, ["201", "409", "201"], "{log:?}");
    assert_eq!(
        String::from_utf8_lossy(&sent)
            .matches("POST /v1/entries ")
            .count(),
        2
    );
    on_ledger(&ledger, &["verify"]);
    let leaf = last_line(&ledger);
    assert!(
        leaf.contains("\"id\":\"libya-observer\"") && leaf.contains("\"seq\":36"),
        "{leaf}"
    );
}

/// A proxy on a loopback port that passes GET requests on to `upstream`
/// and hands the browser each answer with the same status and headers
/// the explorer relies on, after `doctor` has had a go at the body (the
/// request's path and the body): a server that lies, for the tests.
struct Doctor {
    url: String,
}

type Doctoring = std::sync::Arc<dyn Fn(&str, String) -> String + Send + Sync>;

impl Doctor {
    fn start(upstream: &str, doctor: Doctoring) -> Doctor {
        use std::io::{BufRead as _, Write as _};
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        let upstream = upstream.to_owned();
        std::thread::spawn(move || {
            for client in listener.incoming() {
                let Ok(client) = client else { continue };
                let (upstream, doctor) = (upstream.clone(), std::sync::Arc::clone(&doctor));
                std::thread::spawn(move || {
                    let Ok(mut out) = client.try_clone() else {
                        return;
                    };
                    let mut reader = std::io::BufReader::new(client);
                    loop {
                        let mut head = Vec::new();
                        let mut line = String::new();
                        while reader.read_line(&mut line).is_ok_and(|n| n > 0) {
                            if line.trim_end().is_empty() {
                                break;
                            }
                            head.push(line.trim_end().to_owned());
                            line.clear();
                        }
                        let Some(request) = head.first() else { return };
                        let mut parts = request.split(' ');
                        let (Some("GET"), Some(path)) = (parts.next(), parts.next()) else {
                            let _ = out.write_all(
                                b"HTTP/1.1 405 Method Not Allowed\r\nContent-Length: 0\r\nConnection: close\r\n\r\n",
                            );
                            return;
                        };
                        let accept = head
                            .iter()
                            .find_map(|h| h.strip_prefix("Accept: ").or(h.strip_prefix("accept: ")))
                            .unwrap_or("*/*");
                        let mut r = agent()
                            .get(&format!("{upstream}{path}"))
                            .header("Accept", accept)
                            .call()
                            .unwrap();
                        let mut answer = format!("HTTP/1.1 {}\r\n", r.status());
                        for name in [
                            "content-type",
                            "content-security-policy",
                            "cache-control",
                            "x-content-type-options",
                        ] {
                            if let Some(v) = r.headers().get(name).and_then(|v| v.to_str().ok()) {
                                answer.push_str(&format!("{name}: {v}\r\n"));
                            }
                        }
                        let body = doctor(path, r.body_mut().read_to_string().unwrap());
                        answer.push_str(&format!("content-length: {}\r\n\r\n{body}", body.len()));
                        if out.write_all(answer.as_bytes()).is_err() {
                            return;
                        }
                    }
                });
            }
        });
        Doctor { url }
    }
}

/// A ledger followed by witnesses: the demo, with two `isnad witness
/// serve` processes listed as its witnesses (quorum: both), one more
/// witness that is not, and a fork made with the same log key.
struct Witnessed {
    tmp: tempfile::TempDir,
    ledger: PathBuf,
    fork: PathBuf,
    log_key: String,
    keys: [String; 3],
    _servers: Vec<WitnessServer>,
}

impl Witnessed {
    fn isnad(&self, ledger: &Path, args: &[&str]) -> std::process::Output {
        isnad_in(self.tmp.path())
            .args(["--ledger", s(ledger)])
            .args(args)
            .output()
            .unwrap()
    }

    fn new() -> Witnessed {
        let (tmp, ledger) = demo_for_browser();
        let mut w = Witnessed {
            fork: tmp.path().join("fork"),
            tmp,
            ledger,
            log_key: String::new(),
            keys: Default::default(),
            _servers: Vec::new(),
        };
        w.log_key = on_ledger(&w.ledger, &["checkpoint", "--vkey"])
            .trim()
            .to_owned();
        for (i, tag) in ["w1", "w2", "w3"].iter().enumerate() {
            let dir = w.tmp.path().join(format!("witness-{tag}"));
            let name = format!("witness.example/{tag}");
            let key = on_ledger(&w.ledger, &["witness", "init", s(&dir), "--name", &name]);
            w.keys[i] = key.trim().to_owned();
            on_ledger(
                &w.ledger,
                &["witness", "add-log", s(&dir), "--vkey", &w.log_key],
            );
            if *tag != "w3" {
                let server = WitnessServer::start(&dir);
                on_ledger(
                    &w.ledger,
                    &["witnesses", "add", &server.url, "--vkey", &w.keys[i]],
                );
                w._servers.push(server);
            }
        }
        // Both witnesses cosign the demo's 35 entries; the fork starts here.
        on_ledger(&w.ledger, &["checkpoint"]);
        copy_dir(&w.ledger, &w.fork);
        w
    }

    /// Adds a claim to `ledger` and asks for its checkpoint: the claim's
    /// id and the checkpoint note (with the exit code `code`).
    fn claim(&self, ledger: &Path, text: &str, code: i32) -> (String, String) {
        let editor = ledger.join("keys/demo-desk-editor.key");
        let mut args = vec![
            "--key",
            s(&editor),
            "--json",
            "claim",
            "add",
            "--text",
            text,
        ];
        args.extend("--lang en --date 2025-03-01 --publisher agenzia-nova".split(' '));
        let added = on_ledger(ledger, &args);
        let id = serde_json::from_str::<Value>(&added).unwrap()["id"]
            .as_str()
            .unwrap()
            .to_owned();
        let out = self.isnad(ledger, &["checkpoint"]);
        assert_eq!(out.status.code(), Some(code), "{out:?}");
        (id, String::from_utf8(out.stdout).unwrap())
    }
}

/// The cosignature blob of `witness` in `note`.
fn cosignature_of(note: &str, witness: &str) -> String {
    let prefix = format!("\u{2014} {witness} ");
    note.lines()
        .find_map(|l| l.strip_prefix(&prefix))
        .unwrap_or_else(|| panic!("no line by {witness} in {note}"))
        .to_owned()
}

/// Fills in the proof check's form on the claim page at `url` and waits
/// for its verdict (`ok` or `refused`); the verdict's text.
async fn check_proof(
    c: &Client,
    url: &str,
    log_key: &str,
    witnesses: &[&str],
    quorum: &str,
    status: &str,
) -> String {
    // Loaded afresh, so that no element of the page before is left.
    c.goto(url).await.unwrap();
    c.refresh().await.unwrap();
    // Once settings are kept, the form is folded away: unfold it.
    let settings = wait_for(c, "#proof-check-settings").await;
    if settings.attr("open").await.unwrap().is_none() {
        settings
            .find(Locator::Css("summary"))
            .await
            .unwrap()
            .click()
            .await
            .unwrap();
    }
    let form = [
        ("#check-log-key", log_key.to_owned()),
        ("#check-witnesses", witnesses.join("\n")),
        ("#check-quorum", quorum.to_owned()),
    ];
    for (css, value) in form {
        let input = wait_for(c, css).await;
        input.clear().await.unwrap();
        input.send_keys(&value).await.unwrap();
    }
    click(c, "#check-save").await;
    text_of(c, &format!("#proof-check-result[data-status=\"{status}\"]")).await
}

/// What each listed witness's line says, as the page lists them.
async fn witness_states(c: &Client) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for li in c
        .find_all(Locator::Css("#proof-witnesses li"))
        .await
        .unwrap()
    {
        out.push((
            li.attr("data-witness").await.unwrap().unwrap_or_default(),
            li.attr("data-state").await.unwrap().unwrap_or_default(),
        ));
    }
    out
}

/// Whether the page offers the checked download (a link to the bytes it
/// checked) and no refusal, or the reverse.
async fn offers_checked_download(c: &Client) -> bool {
    let refused = c.find(Locator::Css("#proof-refused")).await.is_ok();
    match c.find(Locator::Css("#proof-link")).await {
        Ok(link) => {
            let href = link.attr("href").await.unwrap().unwrap_or_default();
            let checked = link.attr("data-checked").await.unwrap();
            assert!(!refused);
            href.starts_with("blob:") && checked.as_deref() == Some("true")
        }
        Err(_) => {
            assert!(refused, "neither a download nor a refusal");
            false
        }
    }
}

// The explorer checks a proof's checkpoint against the reader's witnesses
// before it offers the download: accepted with both of the ledger's
// witnesses, refused naming a witness that never cosigned, refused naming
// a witness whose cosignature a lying server altered, and refused for the
// fork of the ledger that the witnesses would not cosign (a split view).
#[test]
fn the_proof_download_needs_a_quorum_of_the_readers_witnesses() {
    let w = Witnessed::new();
    let (claim, note) = w.claim(&w.ledger, "The port of Benghazi reopened", 0);
    let (forked_claim, forked) = w.claim(&w.fork, "The port of Benghazi stayed shut", 3);
    assert!(
        note.contains("\n36\n") && forked.contains("\n36\n"),
        "{note}\n{forked}"
    );
    assert_eq!(
        forked.matches("\u{2014} witness.example/").count(),
        0,
        "{forked}"
    );
    // w2's cosignature with one character of its signature changed.
    let blob = cosignature_of(&note, "witness.example/w2");
    let at = 60;
    let swapped = if &blob[at..=at] == "A" { "B" } else { "A" };
    let tampered = format!("{}{swapped}{}", &blob[..at], &blob[at + 1..]);

    let server = Server::start(&w.ledger);
    let fork_server = Server::start(&w.fork);
    let doctor = Doctor::start(
        &server.url,
        std::sync::Arc::new(move |path: &str, body: String| {
            if path.starts_with("/v1/proofs/") {
                body.replace(&blob, &tampered)
            } else {
                body
            }
        }),
    );
    let [k1, k2, k3] = w.keys.clone();
    let log_key = w.log_key.clone();
    let (fork_url, doctor_url) = (fork_server.url.clone(), doctor.url.clone());
    drive(w.tmp.path(), &server.url, move |c, base| async move {
        let page = format!("{base}/#/claim/{claim}");
        // Nothing given: the server's link, marked as not checked here.
        c.goto(&page).await.unwrap();
        wait_for(&c, "#proof-check-result[data-status=\"unchecked\"]").await;
        let link = wait_for(&c, "#proof-link").await;
        assert!(link.attr("data-checked").await.unwrap().is_none());

        // Both witnesses of the ledger, both needed: the checked download.
        let said = check_proof(&c, &page, &log_key, &[&k1, &k2], "2", "ok").await;
        assert!(
            said.contains("tree of 36 entries") && said.contains("2 needed"),
            "{said}"
        );
        assert!(offers_checked_download(&c).await);
        let cosigned = vec![
            ("witness.example/w1".to_owned(), "cosigned".to_owned()),
            ("witness.example/w2".to_owned(), "cosigned".to_owned()),
        ];
        assert_eq!(witness_states(&c).await, cosigned);
        // Remembered for the session: another claim is checked the same way.
        // and after a reload.
        c.goto(&format!("{base}/#/claim/ad8f")).await.unwrap();
        c.refresh().await.unwrap();
        wait_for(&c, "#proof-check-result[data-status=\"ok\"]").await;
        assert!(offers_checked_download(&c).await);

        // A third witness the ledger never asked, all three needed.
        let said = check_proof(&c, &page, &log_key, &[&k1, &k2, &k3], "", "refused").await;
        assert_eq!(
            said,
            "Refused: cosignatures: 2 of the 3 needed; missing: witness.example/w3."
        );
        assert!(!offers_checked_download(&c).await);
        // A quorum above the witnesses listed is refused as input.
        let q = wait_for(&c, "#check-quorum").await;
        q.clear().await.unwrap();
        q.send_keys("4").await.unwrap();
        click(&c, "#check-save").await;
        let e = text_of(&c, "#check-error").await;
        assert!(e.contains("quorum is 4, but only 3"), "{e}");

        // A server that alters w2's cosignature: refused, naming it.
        let lied = format!("{doctor_url}/#/claim/{claim}");
        let said = check_proof(&c, &lied, &log_key, &[&k1, &k2], "2", "refused").await;
        assert_eq!(
            said,
            "Refused: cosignatures: 1 of the 2 needed; not verifying: witness.example/w2."
        );
        assert!(!offers_checked_download(&c).await);
        assert_eq!(witness_states(&c).await[1].1, "invalid");

        // The fork, with the same log key: its checkpoint verifies with the
        // log's key, and no witness cosigned it, whatever the quorum.
        let forked = format!("{fork_url}/#/claim/{forked_claim}");
        let said = check_proof(&c, &forked, &log_key, &[&k1, &k2], "2", "refused").await;
        assert_eq!(
            said,
            "Refused: cosignatures: 0 of the 2 needed; missing: witness.example/w1, witness.example/w2."
        );
        let said = check_proof(&c, &forked, &log_key, &[&k1, &k2], "1", "refused").await;
        assert!(said.contains("0 of the 1 needed"), "{said}");
        assert!(!offers_checked_download(&c).await);
        // With no witnesses asked for, the log's signature and the proof
        // hold: the fork is a well-signed history only witnesses can catch.
        let said = check_proof(&c, &forked, &log_key, &[], "", "ok").await;
        assert!(said.contains("tree of 36 entries"), "{said}");
    });
    drop(doctor);
    drop(fork_server);
    drop(server);
}

/// What an editor with the worked example's first claim in hand does in
/// the workbench, and then a fact-checker: another outlet (a new source,
/// added from the chain's first hop) carried the claim, citing Fawasel
/// Media; the editor records it in Arabic with its English translation,
/// is offered the recorded claim it resembles and records it as the same
/// story; the checker rates it from its page. Returns the four entries'
/// ids: source, claim, relation, verdict.
async fn record_and_rate(
    c: Client,
    base: String,
    [editor, checker]: [PathBuf; 2],
    seed: (String, String, String),
) -> [String; 4] {
    let (seed_id, text, english) = seed;
    c.goto(&format!("{base}/#/workbench")).await.unwrap();
    load_key(&c, &editor, "ok").await;
    wait_for(&c, "#claim-form").await;

    // The publisher is not in the ledger yet: from the hop, a new source.
    fill(&c, "#claim-hop-0", "Libya Observer").await;
    click(&c, "#claim-hop-0-new").await;
    let id = wait_for(&c, "#source-id").await;
    assert_eq!(
        id.prop("value").await.unwrap().as_deref(),
        Some("libya-observer")
    );
    fill_source(&c, NEW_SOURCE).await;
    let source = wait_for(&c, "#source-done").await;
    let source = source.attr("data-id").await.unwrap().unwrap();
    // Recorded, it is the hop's source.
    wait_for(&c, "#claim-hop-0-chosen[data-source=\"libya-observer\"]").await;

    // The hop it cites, found by part of its name.
    click(&c, "#claim-hop-add").await;
    choose_source(&c, "claim-hop-1", "fawasel", "fawasel-media").await;
    select(&c, "#claim-hop-1-relation", "cited").await;

    fill(&c, "#claim-text", &text).await;
    fill(&c, "#claim-lang", "ar").await;
    fill(&c, "#claim-url", CLAIM_URL).await;
    fill(&c, "#claim-venue", CLAIM_VENUE).await;
    click(&c, "#claim-tr-add").await;
    fill(&c, "#claim-tr-0-lang", "en").await;
    fill(&c, "#claim-tr-0-text", &english).await;

    // A day February does not have: the page says so, and signs nothing.
    fill(&c, "#claim-date", "2025-02-30").await;
    click(&c, "#claim-submit").await;
    let why = refused(&c, "claim", "page").await;
    assert!(why.contains("The date must be a date"), "{why}");
    fill(&c, "#claim-date", CLAIM_DATE).await;
    click(&c, "#claim-submit").await;

    // The seed claim has the same words: offered, and chosen.
    wait_for(&c, "#claim-duplicates").await;
    click(
        &c,
        &format!("#claim-duplicates button.same-as[data-claim=\"{seed_id}\"]"),
    )
    .await;
    let claim = wait_for(&c, "#claim-done").await;
    let claim = claim.attr("data-id").await.unwrap().unwrap();
    let relation = wait_for(&c, "#relation-done").await;
    let relation = relation.attr("data-id").await.unwrap().unwrap();

    // The fact-checker rates the new claim from its page.
    use_key(&c, &checker, "ok").await;
    open_claim(&c, &claim).await;
    select(&c, "#verdict-rating", VERDICT_RATING).await;
    fill(&c, "#verdict-confidence", VERDICT_CONFIDENCE).await;
    fill(&c, "#verdict-rationale", VERDICT_RATIONALE).await;
    fill(&c, "#verdict-evidence", &VERDICT_EVIDENCE.join("\n")).await;
    click(&c, "#verdict-submit").await;
    let verdict = wait_for(&c, "#verdict-done").await;
    let verdict = verdict.attr("data-id").await.unwrap().unwrap();
    [source, claim, relation, verdict]
}

const CLAIM_DATE: &str = "2025-02-19";
const CLAIM_URL: &str = "https://libyaobserver.example/ar/haftar-mig-29";
const CLAIM_VENUE: &str = "Libya Observer (Arabic)";
const VERDICT_RATING: &str = "unverifiable";
const VERDICT_CONFIDENCE: &str = "70";
const VERDICT_RATIONALE: &str =
    "Fawasel Media is the only source named, and no one has confirmed or denied the training.";
const VERDICT_EVIDENCE: [&str; 2] = [
    "https://libyaobserver.example/ar/haftar-mig-29",
    "Agenzia Nova (Arabic service), 18 February 2025",
];

#[test]
fn an_editor_records_a_two_hop_claim_and_a_checker_rates_it_in_the_browser() {
    let (tmp, ledger) = demo_for_browser();
    let twin = tmp.path().join("twin");
    copy_dir(&ledger, &twin);
    let editor = ledger.join("keys/demo-desk-editor.key");
    let checker = ledger.join("keys/demo-desk-checker.key");
    // The worked example's first claim: Arabic, with its English translation.
    let (seed_id, seed_body) = demo_claims(&ledger).remove(0);
    let text = seed_body["text"].as_str().unwrap().to_owned();
    let english = seed_body["translations"][0]["text"]
        .as_str()
        .unwrap()
        .to_owned();
    let seed = (seed_id.clone(), text.clone(), english.clone());
    let keys = [editor.clone(), checker.clone()];
    let (ids, sent, log) =
        in_recorded_browser(&ledger, tmp.path(), Meddling::default(), move |c, base| {
            record_and_rate(c, base, keys, seed)
        });
    let [source, claim, relation, verdict] = ids;

    // Four entries posted, each accepted; one look for near-duplicates;
    // the refused date never left the page.
    assert_eq!(requests(&sent, "POST /v1/entries "), 4, "{log:?}");
    assert_eq!(requests(&sent, "POST /v1/match "), 1, "{log:?}");
    let posted: Vec<&String> = log
        .iter()
        .filter(|l| l.contains("\"path\":\"/v1/entries\""))
        .collect();
    assert!(
        posted.len() == 4 && posted.iter().all(|l| l.contains("\"status\":201")),
        "{posted:?}"
    );
    assert_no_key_material(&sent, &[&editor, &checker]);

    // The ledger verifies, and ends with the page's four entries.
    let page = verified_last_entries(&ledger, &[&source, &claim, &relation, &verdict]);

    // Traced, the claim is what the editor typed, with its chain, the
    // checker's verdict and the relation to the seed claim.
    let (trace, chain) = trace(&ledger, &claim);
    assert_eq!(trace["text"], text.as_str());
    assert_eq!(trace["lang"], "ar");
    assert_eq!(chain, ["libya-observer", "fawasel-media"]);
    assert_eq!(trace["chain"][1]["relation"], "cited");
    assert_eq!(
        trace["verdicts"],
        json!([{
            "id": verdict,
            "signer": isnad_core::keyfile::read_key_file(&checker).unwrap().verifier().to_string(),
            "rating": VERDICT_RATING,
            "confidence": 70,
            "current": true,
        }])
    );
    assert_eq!(trace["relations"], json!([relation]));

    // The command line, given the same input on a copy of the ledger as it
    // was, makes the same entries.
    let twin_editor = twin.join("keys/demo-desk-editor.key");
    let twin_checker = twin.join("keys/demo-desk-checker.key");
    cli_writes(&twin, &twin_editor, &new_source_args());
    let args = |list: &[&str]| list.iter().map(|a| (*a).to_owned()).collect::<Vec<_>>();
    let twin_claim = cli_writes(
        &twin,
        &twin_editor,
        &args(&[
            "claim",
            "add",
            "--text",
            &text,
            "--lang",
            "ar",
            "--translation",
            &format!("en={english}"),
            "--publisher",
            "libya-observer",
            "--via",
            "fawasel-media:cited",
            "--date",
            CLAIM_DATE,
            "--url",
            CLAIM_URL,
            "--venue",
            CLAIM_VENUE,
        ]),
    );
    cli_writes(
        &twin,
        &twin_editor,
        &args(&["relate", &twin_claim, "same-as", &seed_id]),
    );
    let mut rate = args(&[
        "verdict",
        "add",
        &twin_claim,
        "--rating",
        VERDICT_RATING,
        "--confidence",
        VERDICT_CONFIDENCE,
        "--rationale",
        VERDICT_RATIONALE,
    ]);
    for e in VERDICT_EVIDENCE {
        rate.extend(["--evidence".to_owned(), e.to_owned()]);
    }
    cli_writes(&twin, &twin_checker, &rate);
    assert_same_but_time_and_signature(&page, &last_lines(&twin, 4));
}

/// What the roles test does in the page: each key is told where it stands
/// at the workbench and on a claim's page, and offered only the forms its
/// roles allow; then the editor's key is retired while the page is open,
/// and its next entry is stopped before it is signed.
async fn who_may_write(
    c: Client,
    base: String,
    [admin, retired, stranger, checker, editor]: [PathBuf; 5],
    seed: String,
) -> String {
    c.goto(&format!("{base}/#/workbench")).await.unwrap();
    wait_for(&c, "#key-none").await;
    let forms = [
        "#claim-form",
        "#source-form",
        "#verdict-form",
        "#relation-form",
        "#amend-form",
    ];
    let offered = |c: Client| async move {
        let mut shown = Vec::new();
        for form in forms {
            if c.find(Locator::Css(form)).await.is_ok() {
                shown.push(form);
            }
        }
        shown
    };
    // Without a key, a claim's page says where to load one.
    open_claim(&c, &seed).await;
    assert!(offered(c.clone()).await.is_empty());

    for (key, status, words) in [
        (&admin, "no-role", "may not record claims or add sources"),
        (&retired, "revoked", "was retired by entry #36"),
        (&stranger, "unknown", "not enrolled"),
    ] {
        use_key(&c, key, status).await;
        let told = text_of(&c, "#key-status").await;
        assert!(told.contains(words), "{told}");
        assert!(offered(c.clone()).await.is_empty(), "{status}");
        open_claim(&c, &seed).await;
        let told = text_of(&c, &format!("#write-status[data-status=\"{status}\"]")).await;
        assert!(
            told.contains(if status == "no-role" {
                "may not rate, relate or amend"
            } else {
                words
            }),
            "{told}"
        );
        assert!(offered(c.clone()).await.is_empty(), "{status}");
    }

    // A fact-checker rates and relates, an editor amends and relates.
    use_key(&c, &checker, "ok").await;
    wait_for(&c, "#source-form").await;
    assert_eq!(offered(c.clone()).await, ["#claim-form", "#source-form"]);
    open_claim(&c, &seed).await;
    assert_eq!(
        offered(c.clone()).await,
        ["#verdict-form", "#relation-form"]
    );
    use_key(&c, &editor, "ok").await;
    wait_for(&c, "#source-form").await;
    open_claim(&c, &seed).await;
    assert_eq!(offered(c.clone()).await, ["#relation-form", "#amend-form"]);

    // The editor picks a claim to relate; meanwhile an admin retires the
    // editor's key. Submitting, the page asks again and signs nothing.
    fill(&c, "#relation-to", "Belarus").await;
    click(&c, "#relation-to-offers button.offer").await;
    wait_for(&c, "#relation-to-chosen[data-claim]").await;
    let out = isnad_in(admin.parent().unwrap())
        .args([
            "--server",
            &base,
            "--key",
            s(&admin),
            "key",
            "revoke",
            s(&editor),
        ])
        .args(["--reason", "superseded"])
        .output()
        .unwrap();
    assert_success(&out, &["key revoke"]);
    click(&c, "#relation-submit").await;
    refused(&c, "relation", "page").await
}

#[test]
fn keys_without_the_role_or_standing_are_stopped_before_they_sign() {
    let (tmp, ledger) = demo_for_browser();
    let keys = ledger.join("keys");
    let admin = keys.join("demo-admin.key");
    // A key enrolled as an editor and retired (entries 35 and 36), and one
    // the ledger never enrolled.
    let retired = tmp.path().join("retired.key");
    let stranger = tmp.path().join("stranger.key");
    for (path, name, seed) in [(&retired, "retired", 7), (&stranger, "stranger", 9)] {
        isnad_core::keyfile::write_key_file(
            path,
            &isnad_core::KeyPair::from_seed(name, &[seed; 32]).unwrap(),
        )
        .unwrap();
    }
    for args in [
        ["key", "enroll", s(&retired), "--role", "editor"],
        ["key", "revoke", s(&retired), "--reason", "superseded"],
    ] {
        on_ledger(&ledger, &[&["--key", s(&admin)][..], &args].concat());
    }
    let before = ledger_lines(&ledger).len();
    let seed = demo_claims(&ledger).remove(0).0;
    let page_keys = [
        admin.clone(),
        retired.clone(),
        stranger.clone(),
        keys.join("demo-desk-checker.key"),
        keys.join("demo-desk-editor.key"),
    ];
    let (told, sent, log) =
        in_recorded_browser(&ledger, tmp.path(), Meddling::default(), move |c, base| {
            who_may_write(c, base, page_keys, seed)
        });
    assert!(
        told.contains("was retired by entry #37") && told.ends_with("Nothing was signed."),
        "{told}"
    );
    // The one entry posted is the admin's revocation, from the command
    // line: the page posted none.
    assert_eq!(requests(&sent, "POST /v1/entries "), 1, "{log:?}");
    let lines = ledger_lines(&ledger);
    assert_eq!(lines.len(), before + 1);
    let last: Value = serde_json::from_str(&lines[before]).unwrap();
    assert_eq!(last["kind"], "revocation");
    assert!(last["signer"].as_str().unwrap().starts_with("demo-admin+"));
}

/// What the tampering test does in the page: the checker signs a verdict
/// of `false` on the seed claim; returns what the page then says.
async fn rate_through_a_meddler(c: Client, base: String, checker: PathBuf, seed: String) -> String {
    with_key_on_claim(&c, &base, &checker, &seed).await;
    select(&c, "#verdict-rating", "false").await;
    fill(&c, "#verdict-confidence", "80").await;
    fill(&c, "#verdict-rationale", "The photos were taken elsewhere.").await;
    click(&c, "#verdict-submit").await;
    refused(&c, "verdict", "server").await
}

#[test]
fn a_verdict_changed_after_it_was_signed_is_refused_and_not_recorded() {
    let (tmp, ledger) = demo_for_browser();
    let checker = ledger.join("keys/demo-desk-checker.key");
    let seed = demo_claims(&ledger).remove(0).0;
    let before = ledger_lines(&ledger);
    // A man in the middle turns the signed `false` into `mixed`.
    let changed = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let counter = std::sync::Arc::clone(&changed);
    let (from, to) = (br#""rating":"false""#, br#""rating":"mixed""#);
    let alter: Alter = Box::new(move |piece: &[u8]| {
        let mut out = piece.to_vec();
        if let Some(at) = piece.windows(from.len()).position(|w| w == from) {
            out[at..at + to.len()].copy_from_slice(to);
            counter.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        }
        out
    });
    let meddling = Meddling {
        alter: Some(alter),
        ..Meddling::default()
    };
    let key = checker.clone();
    let (told, sent, log) = in_recorded_browser(&ledger, tmp.path(), meddling, move |c, base| {
        rate_through_a_meddler(c, base, key, seed)
    });
    // The page signed and sent `false`; the server got `mixed` and refused
    // it, and the page said why in words.
    assert_eq!(changed.load(std::sync::atomic::Ordering::SeqCst), 1);
    assert!(String::from_utf8_lossy(&sent).contains(r#""rating":"false""#));
    assert!(
        told.contains("changed after it was signed") && told.ends_with("Nothing was recorded."),
        "{told}"
    );
    let posted: Vec<&String> = log
        .iter()
        .filter(|l| l.contains("\"path\":\"/v1/entries\""))
        .collect();
    assert!(
        posted.len() == 1 && posted[0].contains("\"status\":403"),
        "{posted:?}"
    );
    // The ledger is as it was, and still verifies.
    assert_eq!(ledger_lines(&ledger), before);
    on_ledger(&ledger, &["verify"]);
}

const REATTRIBUTION: &str = "Fawasel Media credits people close to Haftar.";
const RELATION_NOTE: &str = "Both describe Haftar's MiG-29 programme with Russia.";
const CORRECTION: &str = "The minister is now named in full.";

/// What the amendment test does in the page: the editor extends the seed
/// claim's chain by a hop, relates it to another claim found by its words,
/// and corrects a third claim's text. Returns the three entries' ids.
async fn amend_and_relate(
    c: Client,
    base: String,
    editor: PathBuf,
    [seed, photos, minister]: [String; 3],
    corrected: String,
) -> [String; 3] {
    with_key_on_claim(&c, &base, &editor, &seed).await;

    // Re-attribution: the chain as it stands, one hop further back.
    wait_for(&c, "#amend-hop-1-chosen[data-source=\"fawasel-media\"]").await;
    click(&c, "#amend-hop-add").await;
    choose_source(&c, "amend-hop-2", "haftar aff", "haftar-affiliates").await;
    fill(&c, "#amend-reason", REATTRIBUTION).await;
    click(&c, "#amend-submit").await;
    let amended = wait_for(&c, "#amend-done").await;
    let amended = amended.attr("data-id").await.unwrap().unwrap();

    // A relation to the claim about the photos, found as one types.
    select(&c, "#relation-kind", "corroborates").await;
    fill(&c, "#relation-to", "Jufra MiG-29").await;
    click(
        &c,
        &format!("#relation-to-offers button[data-value=\"{photos}\"]"),
    )
    .await;
    wait_for(&c, &format!("#relation-to-chosen[data-claim=\"{photos}\"]")).await;
    fill(&c, "#relation-note", RELATION_NOTE).await;
    click(&c, "#relation-submit").await;
    let related = wait_for(&c, "#relation-done").await;
    let related = related.attr("data-id").await.unwrap().unwrap();

    // A correction of another claim's text.
    open_claim(&c, &minister).await;
    select(&c, "#amend-change", "correct-claim").await;
    fill(&c, "#amend-claim-text", &corrected).await;
    fill(&c, "#amend-reason", CORRECTION).await;
    click(&c, "#amend-submit").await;
    let corrected = wait_for(&c, "#amend-done").await;
    let corrected = corrected.attr("data-id").await.unwrap().unwrap();
    [amended, related, corrected]
}

#[test]
fn an_editor_amends_and_relates_claims_in_the_browser_as_the_command_line_would() {
    let (tmp, ledger) = demo_for_browser();
    let twin = tmp.path().join("twin");
    copy_dir(&ledger, &twin);
    let editor = ledger.join("keys/demo-desk-editor.key");
    let claims = demo_claims(&ledger);
    // The demo's first claim, its twelfth (the photos at al-Jufra) and its
    // seventh (the minister's meeting), whose name is corrected.
    let (seed, photos, minister) = (
        claims[0].0.clone(),
        claims[11].0.clone(),
        claims[6].0.clone(),
    );
    let corrected = claims[6].1["text"]
        .as_str()
        .unwrap()
        .replace("الحويج", "الحويج (عبد الهادي)");
    let targets = [seed.clone(), photos.clone(), minister.clone()];
    let text = corrected.clone();
    let (ids, sent, _) =
        in_recorded_browser(&ledger, tmp.path(), Meddling::default(), move |c, base| {
            amend_and_relate(c, base, editor, targets, text)
        });
    assert_eq!(requests(&sent, "POST /v1/entries "), 3);
    let page = verified_last_entries(&ledger, &ids.iter().collect::<Vec<_>>());
    // The seed claim now traces back through three hops, and is related.
    let (trace, chain) = trace(&ledger, &seed);
    assert_eq!(
        chain,
        ["agenzia-nova", "fawasel-media", "haftar-affiliates"]
    );
    assert!(
        trace["amendments"]
            .as_array()
            .unwrap()
            .contains(&json!(ids[0]))
    );
    assert!(
        trace["relations"]
            .as_array()
            .unwrap()
            .contains(&json!(ids[1]))
    );

    // The command line makes the same three entries on the copy.
    let key = twin.join("keys/demo-desk-editor.key");
    let args = |list: &[&str]| list.iter().map(|a| (*a).to_owned()).collect::<Vec<_>>();
    cli_writes(
        &twin,
        &key,
        &args(&[
            "amend",
            &seed,
            "--reason",
            REATTRIBUTION,
            "--publisher",
            "agenzia-nova",
            "--via",
            "fawasel-media",
            "--via",
            "haftar-affiliates",
        ]),
    );
    cli_writes(
        &twin,
        &key,
        &args(&[
            "relate",
            &seed,
            "corroborates",
            &photos,
            "--note",
            RELATION_NOTE,
        ]),
    );
    cli_writes(
        &twin,
        &key,
        &args(&[
            "amend", &minister, "--reason", CORRECTION, "--text", &corrected,
        ]),
    );
    assert_same_but_time_and_signature(&page, &last_lines(&twin, 3));
}

/// What the page's own IndexedDB holds for the kept key, read from the
/// page: `null` when nothing is kept; otherwise the record's fields, the
/// key's `extractable` flag and how `crypto.subtle.exportKey` ended for
/// each format (the error's name, or `exported`).
async fn kept_record(c: &Client) -> Value {
    let script = r#"
        const done = arguments[arguments.length - 1];
        const open = indexedDB.open('isnad-workbench');
        open.onerror = () => done({ error: String(open.error) });
        open.onsuccess = () => {
          const db = open.result;
          if (!db.objectStoreNames.contains('kept-key')) { db.close(); done(null); return; }
          const get = db.transaction('kept-key').objectStore('kept-key').get('key');
          get.onsuccess = async () => {
            db.close();
            const kept = get.result;
            if (!kept) { done(null); return; }
            const exports = {};
            for (const format of ['pkcs8', 'jwk', 'raw']) {
              try {
                await crypto.subtle.exportKey(format, kept.privateKey);
                exports[format] = 'exported';
              } catch (err) {
                exports[format] = err.name;
              }
            }
            done({
              fields: Object.keys(kept).sort(),
              vkey: kept.vkey,
              extractable: kept.privateKey.extractable,
              exports,
            });
          };
        };
    "#;
    c.execute_async(script, vec![]).await.unwrap()
}

/// Reloads the page (a real navigation: the script starts again, with
/// nothing in memory) and waits for the workbench.
async fn reload_workbench(c: &Client) {
    c.refresh().await.unwrap();
    wait_for(c, "#key-none").await;
}

/// What the keep-the-key test does in the page: the editor loads the key
/// file, keeps the key, reloads, signs a source with the kept key, then
/// forgets it. Returns the new entry's id, the verifier key the page
/// offered after the reload and the kept record as the page saw it.
async fn keep_sign_forget(c: Client, base: String, editor: PathBuf) -> (String, String, Value) {
    c.goto(&format!("{base}/#/workbench")).await.unwrap();
    wait_for(&c, "#kept-none").await;
    assert_eq!(kept_record(&c).await, Value::Null);

    // Memory only by default; kept when asked.
    load_key(&c, &editor, "ok").await;
    let vkey = text_of(&c, "#key-vkey").await;
    assert_eq!(kept_record(&c).await, Value::Null);
    click(&c, "#key-keep").await;
    wait_for(&c, "#kept-status").await;

    // After a reload the page has no key, and offers the kept one.
    reload_workbench(&c).await;
    let offered = text_of(&c, "#kept-vkey").await;
    let record = kept_record(&c).await;
    click(&c, "#key-use-kept").await;
    wait_for(&c, "#key-status[data-status=\"ok\"]").await;
    assert_eq!(text_of(&c, "#key-vkey").await, vkey);
    wait_for(&c, "#kept-status").await;

    // It signs without the file.
    fill_source(&c, NEW_SOURCE).await;
    let done = wait_for(&c, "#source-done").await;
    let id = done.attr("data-id").await.unwrap().unwrap();

    // Forgotten: gone from the browser and from the page, and not offered
    // after a reload.
    click(&c, "#key-forget-kept").await;
    wait_for(&c, "#kept-none").await;
    wait_for(&c, "#key-none").await;
    assert_eq!(kept_record(&c).await, Value::Null);
    reload_workbench(&c).await;
    wait_for(&c, "#kept-none").await;
    assert!(c.find(Locator::Css("#key-use-kept")).await.is_err());
    (id, offered, record)
}

#[test]
fn a_key_kept_in_the_browser_signs_after_a_reload_until_it_is_forgotten() {
    let (tmp, ledger) = demo_for_browser();
    let editor = ledger.join("keys/demo-desk-editor.key");
    let key = editor.clone();
    let ((id, offered, record), sent, _) =
        in_recorded_browser(&ledger, tmp.path(), Meddling::default(), move |c, base| {
            keep_sign_forget(c, base, key)
        });
    let vkey = isnad_core::keyfile::read_key_file(&editor)
        .unwrap()
        .verifier()
        .to_string();
    assert_eq!(offered, vkey);
    // The browser kept the key object, its verifier string and holder,
    // and nothing the page could export.
    assert_eq!(record["fields"], json!(["holder", "privateKey", "vkey"]));
    assert_eq!(record["vkey"], json!(vkey));
    assert_eq!(record["extractable"], json!(false));
    for format in ["pkcs8", "jwk", "raw"] {
        assert_eq!(
            record["exports"][format],
            json!("InvalidAccessError"),
            "{record}"
        );
    }
    // One entry posted, by the kept key; no key material sent.
    assert_eq!(requests(&sent, "POST /v1/entries "), 1);
    assert_no_key_material(&sent, &[&editor]);
    let line = verified_last_entries(&ledger, &[&id]).remove(0);
    let entry: Value = serde_json::from_str(&line).unwrap();
    assert_eq!(entry["signer"], json!(vkey));
    assert_eq!(entry["kind"], json!("source"));
}

// A busy source's verdicts come from the API a page at a time (100) and
// are shown 25 at a time: the reader pages past the first response's
// verdicts, every row has its claim's text, and the count reaches the
// total the API gives.
#[test]
fn a_busy_sources_verdicts_are_paged_past_the_first_response() {
    let tmp = tempfile::tempdir().unwrap();
    let generated = isnad_in(tmp.path())
        .args(["bench", "gen", "3000", "--seed", "1"])
        .output()
        .unwrap();
    assert_success(&generated, &["bench gen"]);
    let export = tmp.path().join("gen.jsonl");
    std::fs::write(&export, &generated.stdout).unwrap();
    let ledger = tmp.path().join("ledger");
    let out = isnad_in(tmp.path())
        .args(["--ledger", s(&ledger), "import", "jsonl", s(&export)])
        .output()
        .unwrap();
    assert_success(&out, &["import jsonl"]);
    let server = Server::start(&ledger);
    // The source with the most verdicts behind it.
    let (_, _, _, body) = get(&format!("{}/v1/sources", server.url));
    let sources: Value = serde_json::from_str(&body).unwrap();
    let busiest = sources["sources"]
        .as_array()
        .unwrap()
        .iter()
        .max_by_key(|s| s["verdicts"].as_u64().unwrap_or(0))
        .unwrap()["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let (_, _, _, body) = get(&format!("{}/v1/sources/{busiest}", server.url));
    let first: Value = serde_json::from_str(&body).unwrap();
    let total = first["evidence_total"].as_u64().unwrap();
    assert!(total > 100, "{busiest}: only {total} verdicts behind it");
    assert_eq!(
        first["explanation"]["evidence"].as_array().unwrap().len(),
        100
    );
    let shown = drive(tmp.path(), &server.url, move |c, base| async move {
        c.goto(&format!("{base}/#/source/{busiest}")).await.unwrap();
        wait_for(&c, "#evidence-count").await;
        // Past the 100 the first response carried: the page asks for more.
        let target = total.min(150);
        for n in (50..=target).step_by(25).chain([target]) {
            click(&c, "#evidence-more").await;
            let want = format!(
                "Showing {} of {total} verdicts, in ledger order.",
                n.min(target)
            );
            wait_for_text(&c, "#evidence-count", &want).await;
            if n >= target {
                break;
            }
        }
        let rows = c
            .find_all(Locator::Css("#evidence tr.evidence-item"))
            .await
            .unwrap();
        for row in &rows {
            let snippet = row.find(Locator::Css(".claim-snippet")).await.unwrap();
            assert!(!snippet.text().await.unwrap().is_empty());
        }
        rows.len() as u64
    });
    drop(server);
    assert_eq!(shown, total.min(150));
}
