//! End-to-end tests of `isnad bench` and `isnad bench gen` through the
//! binary. No test looks at how fast anything was: only that every number
//! is there and sensible, that the generator is deterministic and its
//! ledger imports and verifies, and that the work directory goes away
//! unless kept.

use std::path::Path;

use crate::common::{self, assert_success, error_line, isnad_in, s};
use serde_json::Value;

/// The keys `isnad bench --json` must print (issue 5), in its order.
const KEYS: [&str; 14] = [
    "entries",
    "import_per_s",
    "append_p50_us",
    "append_p99_us",
    "cli_append_ms",
    "verify_per_s",
    "replay_per_s",
    "prove_us",
    "verify_proof_us",
    "checkpoint_us",
    "peak_rss_bytes",
    "disk_bytes_per_entry",
    "limits",
    "ratios",
];
const LIMITS: [&str; 10] = [
    "sign_per_s",
    "verify_per_s",
    "batch_verify_per_s",
    "sha256_bytes_per_s",
    "sled_insert_per_s",
    "cores",
    "fsync_p50_us",
    "fsync_p99_us",
    "sled_flush_p50_us",
    "sled_flush_p99_us",
];
/// The targets of issue 18, in the order the report gives them.
const TARGETS: [&str; 11] = [
    "cli_append_ms",
    "verify_per_s",
    "import_per_s",
    "replay_per_s",
    "prove_us",
    "disk_bytes_per_entry",
    "verify_rss_mib",
    "import_rss_mib",
    "consistency_prove_us",
    "checkpoint_us",
    "append_p99_over_fsync_p99",
];

/// `isnad bench gen N --seed S`'s standard output.
fn generated(cwd: &Path, n: &str, seed: &str) -> Vec<u8> {
    let out = isnad_in(cwd)
        .args(["bench", "gen", n, "--seed", seed])
        .output()
        .unwrap();
    assert_success(&out, &["bench", "gen", n, "--seed", seed]);
    assert!(
        out.stderr.is_empty(),
        "{:?}",
        String::from_utf8_lossy(&out.stderr)
    );
    out.stdout
}

/// The names in a directory.
fn names(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    v.sort();
    v
}

/// A positive finite number.
fn positive(v: &Value, what: &str) -> f64 {
    let x = v
        .as_f64()
        .unwrap_or_else(|| panic!("{what} is not a number: {v}"));
    assert!(x.is_finite() && x > 0.0, "{what} = {x}");
    x
}

#[test]
fn gen_is_deterministic_and_imports_and_verifies() {
    let tmp = tempfile::tempdir().unwrap();
    let a = generated(tmp.path(), "300", "1");
    let b = generated(tmp.path(), "300", "1");
    assert_eq!(a, b, "same seed, same bytes");
    assert_ne!(generated(tmp.path(), "300", "2"), a, "another seed differs");
    assert_eq!(a.iter().filter(|&&c| c == b'\n').count(), 300);
    assert!(a.ends_with(b"\n"));

    let export = tmp.path().join("gen.jsonl");
    std::fs::write(&export, &a).unwrap();
    let ledger = tmp.path().join("ledger");
    let out = isnad_in(tmp.path())
        .args([
            "--json",
            "--ledger",
            s(&ledger),
            "import",
            "jsonl",
            s(&export),
        ])
        .output()
        .unwrap();
    assert_success(&out, &["import", "jsonl"]);
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["added"], 300, "{v}");
    let out = isnad_in(tmp.path())
        .args(["--json", "--ledger", s(&ledger), "verify"])
        .output()
        .unwrap();
    assert_success(&out, &["verify"]);
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["ok"], true, "{v}");
    assert_eq!(v["entries"], 300, "{v}");
    // The export of the imported ledger is the generated file, byte for byte.
    let out = isnad_in(tmp.path())
        .args(["--ledger", s(&ledger), "export", "jsonl"])
        .output()
        .unwrap();
    assert_success(&out, &["export", "jsonl"]);
    assert_eq!(out.stdout, a);
}

/// Runs `isnad --json ARGS` in `cwd` with rayon limited to `threads`.
fn json_with_threads(cwd: &Path, threads: &str, args: &[&str]) -> Value {
    let out = isnad_in(cwd)
        .env("RAYON_NUM_THREADS", threads)
        .arg("--json")
        .args(args)
        .output()
        .unwrap();
    assert_success(&out, args);
    serde_json::from_slice(&out.stdout).unwrap()
}

// A generated ledger larger than an import's in-memory buffer (so the
// import writes several bulk batches and commits at the end) and than a
// read chunk: it imports to the same bytes, verifies, and replays to the
// same state root with one thread or several, from the store or from the
// export with no database.
#[test]
fn a_large_import_verifies_and_replays_the_same_on_any_thread_count() {
    let tmp = tempfile::tempdir().unwrap();
    let lines = generated(tmp.path(), "9000", "5");
    let export = tmp.path().join("gen.jsonl");
    std::fs::write(&export, &lines).unwrap();
    let ledger = tmp.path().join("ledger");
    let l = s(&ledger);
    let v = json_with_threads(
        tmp.path(),
        "2",
        &["--ledger", l, "import", "jsonl", s(&export)],
    );
    assert_eq!(v["added"], 9000, "{v}");
    let out = isnad_in(tmp.path())
        .args(["--ledger", l, "export", "jsonl"])
        .output()
        .unwrap();
    assert_success(&out, &["export", "jsonl"]);
    assert_eq!(out.stdout, lines);
    let mut roots = Vec::new();
    for threads in ["1", "3"] {
        let v = json_with_threads(tmp.path(), threads, &["--ledger", l, "verify"]);
        assert_eq!(
            (v["ok"].clone(), v["entries"].clone()),
            (true.into(), 9000.into()),
            "{v}"
        );
        let v = json_with_threads(tmp.path(), threads, &["--ledger", l, "replay"]);
        roots.push(v["state_root"].as_str().expect("state_root").to_owned());
        let v = json_with_threads(tmp.path(), threads, &["replay", "--export", s(&export)]);
        roots.push(v["state_root"].as_str().expect("state_root").to_owned());
    }
    assert_eq!(roots[0].len(), 64, "{roots:?}");
    assert!(roots.iter().all(|r| *r == roots[0]), "{roots:?}");
}

#[test]
fn gen_into_a_closed_pipe_ends_quietly() {
    let tmp = tempfile::tempdir().unwrap();
    let mut child = std::process::Command::new(common::bin())
        .current_dir(tmp.path())
        .args(["bench", "gen", "20000"])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    // Close the reading end at once.
    drop(child.stdout.take());
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success(), "{out:?}");
    assert!(
        out.stderr.is_empty(),
        "{:?}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn bench_json_has_every_number_and_removes_its_work_dir() {
    let tmp = tempfile::tempdir().unwrap();
    let temp = tmp.path().join("tmp");
    std::fs::create_dir(&temp).unwrap();
    let out = isnad_in(tmp.path())
        .env("TMPDIR", &temp)
        .args(["bench", "--entries", "2000", "--json"])
        .output()
        .unwrap();
    assert_success(&out, &["bench", "--entries", "2000", "--json"]);
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert_eq!(stdout.lines().count(), 1, "one line: {stdout}");
    let v: Value = serde_json::from_str(&stdout).unwrap();
    let obj = v.as_object().unwrap();
    for k in KEYS {
        assert!(obj.contains_key(k), "{k} missing: {v}");
    }
    // The issue's keys come first, in its order (`Value` sorts its keys,
    // so look at the text).
    let at: Vec<usize> = KEYS
        .iter()
        .map(|k| stdout.find(&format!("\"{k}\":")).unwrap())
        .collect();
    assert!(at.windows(2).all(|w| w[0] < w[1]), "key order: {stdout}");

    assert_eq!(v["entries"], 2000);
    for k in &KEYS[1..12] {
        positive(&v[k], k);
    }
    assert!(v["peak_rss_bytes"].is_u64(), "{v}");
    let p50 = positive(&v["append_p50_us"], "p50");
    let p99 = positive(&v["append_p99_us"], "p99");
    assert!(p50 <= p99, "p50 {p50} > p99 {p99}");

    let limits = v["limits"].as_object().unwrap();
    let mut keys: Vec<&str> = limits.keys().map(String::as_str).collect();
    let mut want = LIMITS.to_vec();
    keys.sort_unstable();
    want.sort_unstable();
    assert_eq!(keys, want);
    for k in LIMITS {
        positive(&limits[k], k);
    }
    assert!(limits["cores"].is_u64());
    let ratios = v["ratios"].as_object().unwrap();
    let keys: Vec<&str> = ratios.keys().map(String::as_str).collect();
    assert_eq!(keys, ["append", "import", "verify"]);
    let fsync50 = positive(&limits["fsync_p50_us"], "fsync p50");
    let fsync99 = positive(&limits["fsync_p99_us"], "fsync p99");
    assert!(fsync50 <= fsync99, "fsync p50 {fsync50} > p99 {fsync99}");
    let sled50 = positive(&limits["sled_flush_p50_us"], "sled flush p50");
    let sled99 = positive(&limits["sled_flush_p99_us"], "sled flush p99");
    assert!(sled50 <= sled99, "sled flush p50 {sled50} > p99 {sled99}");
    assert!((positive(&ratios["append"], "ratios.append") / (p99 / fsync99) - 1.0).abs() < 1e-9);
    // The ratios are the issue's arithmetic on the numbers printed.
    let verify =
        positive(&v["verify_per_s"], "verify") / positive(&limits["batch_verify_per_s"], "");
    assert!((positive(&ratios["verify"], "ratios.verify") / verify - 1.0).abs() < 1e-9);
    let bound = 1.0
        / (1.0 / positive(&limits["sign_per_s"], "")
            + 1.0 / positive(&limits["sled_insert_per_s"], ""));
    let import = positive(&v["import_per_s"], "import") / bound;
    assert!((positive(&ratios["import"], "ratios.import") / import - 1.0).abs() < 1e-9);

    // The import ran as an `isnad import` process, its memory read as
    // `isnad verify`'s is.
    assert_eq!(v["run"]["import_process"], true, "{v}");
    positive(&v["import_rss_bytes"], "import_rss_bytes");
    positive(&v["verify_rss_bytes"], "verify_rss_bytes");

    // Every target: the figure, the target, and the verdict computed from
    // them; in the issue's order.
    let targets = v["targets"].as_object().unwrap();
    assert_eq!(targets.len(), TARGETS.len(), "{v}");
    let at: Vec<usize> = TARGETS
        .iter()
        .map(|k| stdout.find(&format!("\"{k}\":{{")).unwrap())
        .collect();
    assert!(at.windows(2).all(|w| w[0] < w[1]), "target order: {stdout}");
    for k in TARGETS {
        let t = &targets[k];
        let measured = positive(&t["measured"], k);
        let target = positive(&t["target"], k);
        let met = match t["compare"].as_str() {
            Some("<=") => measured <= target,
            Some(">=") => measured >= target,
            other => panic!("{k}: compare {other:?}"),
        };
        assert_eq!(t["met"], met, "{k}: {t}");
        assert!(t["unit"].is_string(), "{k}: {t}");
    }
    for (k, figure) in [
        ("cli_append_ms", &v["cli_append_ms"]),
        ("verify_per_s", &v["verify_per_s"]),
        ("import_per_s", &v["import_per_s"]),
        ("consistency_prove_us", &v["consistency"]["prove_us"]),
        ("append_p99_over_fsync_p99", &ratios["append"]),
    ] {
        assert_eq!(&targets[k]["measured"], figure, "{k}");
    }
    let rss = positive(&v["verify_rss_bytes"], "") / (1024.0 * 1024.0);
    assert!((positive(&targets["verify_rss_mib"]["measured"], "") / rss - 1.0).abs() < 1e-9);

    // The generated entries, the bench's own appends (an enrolment, a
    // source, 200 in-process, 1 + 20 by the CLI, 5 before checkpoints).
    assert_eq!(v["run"]["ledger_entries"], 2000 + 2 + 200 + 21 + 5, "{v}");
    assert!(v["run"].get("kept_dir").is_none());
    assert!(names(&temp).is_empty(), "left behind: {:?}", names(&temp));

    // The report plots: one panel per target, each with its dashed target.
    let report = tmp.path().join("report.json");
    std::fs::write(&report, &stdout).unwrap();
    let out = isnad_in(tmp.path())
        .args(["bench", "plot", s(&report)])
        .output()
        .unwrap();
    assert_success(&out, &["bench", "plot"]);
    let svg = String::from_utf8(out.stdout).unwrap();
    assert!(
        svg.starts_with("<?xml") && svg.ends_with("</svg>\n"),
        "{svg}"
    );
    for k in TARGETS {
        assert!(svg.contains(&format!("id=\"panel-{k}\"")), "{k}");
    }
    assert_eq!(svg.matches("stroke-dasharray").count(), TARGETS.len());
    assert_eq!(svg.matches("<circle").count(), TARGETS.len(), "{svg}");
}

#[test]
fn bench_keeps_its_work_dir_when_asked_and_prints_a_table() {
    let tmp = tempfile::tempdir().unwrap();
    let temp = tmp.path().join("tmp");
    std::fs::create_dir(&temp).unwrap();
    let out = isnad_in(tmp.path())
        .env("TMPDIR", &temp)
        .args(["bench", "--entries", "300", "--keep", "--seed", "7"])
        .output()
        .unwrap();
    assert_success(&out, &["bench", "--keep"]);
    let text = String::from_utf8(out.stdout).unwrap();
    for row in [
        "bound by",
        "bulk import",
        "full verify",
        "batch verify",
        "ratios: verify",
        "fsync of 4096 bytes",
        "import by an isnad process",
        "targets (set for 1,000,000 entries)",
        "open + durable append (isnad process)",
        "append p99 / fsync p99",
    ] {
        assert!(text.contains(row), "{row:?} in {text}");
    }
    let kept = names(&temp);
    assert_eq!(kept.len(), 1, "{kept:?}");
    assert!(kept[0].starts_with("isnad-bench-"), "{kept:?}");
    let work = temp.join(&kept[0]);
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(stderr.contains(s(&work)), "{stderr}");
    assert_eq!(names(&work), ["editor.key", "export.jsonl", "ledger"]);
    // The export is the generator's, and the kept ledger verifies.
    assert_eq!(
        std::fs::read(work.join("export.jsonl")).unwrap(),
        generated(tmp.path(), "300", "7")
    );
    let out = isnad_in(tmp.path())
        .args(["--json", "--ledger", s(&work.join("ledger")), "verify"])
        .output()
        .unwrap();
    assert_success(&out, &["verify"]);
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["entries"], 300 + 2 + 200 + 21 + 5, "{v}");
    #[cfg(unix)]
    assert_eq!(common::mode(&work.join("editor.key")), 0o600);
}

#[test]
fn bench_refuses_bad_input_with_one_line() {
    let tmp = tempfile::tempdir().unwrap();
    for (args, fragment) in [
        (&["bench", "--entries", "0"][..], "--entries"),
        (&["bench", "--entries", "abc"][..], "--entries"),
        (&["bench", "--entries", "-5"][..], "-5"),
        (&["bench", "gen", "abc"][..], "abc"),
        (&["bench", "gen"][..], "N"),
        (&["bench", "--entries", "5", "gen", "3"][..], "gen"),
        (&["bench", "plot"][..], "FILE"),
    ] {
        let out = isnad_in(tmp.path()).args(args).output().unwrap();
        let line = error_line(&out, 2);
        assert!(line.contains(fragment), "{args:?}: {line}");
        assert!(out.stdout.is_empty(), "{args:?}");
    }
    // A work directory with something in it is not used (nor emptied).
    let dir = tmp.path().join("busy");
    std::fs::create_dir(&dir).unwrap();
    std::fs::write(dir.join("notes.txt"), "mine").unwrap();
    let out = isnad_in(tmp.path())
        .args(["bench", "--entries", "10", "--dir", s(&dir)])
        .output()
        .unwrap();
    let line = error_line(&out, 2);
    assert!(line.contains("not empty"), "{line}");
    assert_eq!(names(&dir), ["notes.txt"]);
}

/// A small report as `isnad bench --json` writes one, at `entries`.
fn small_report(entries: u64, cli_append_ms: f64) -> String {
    serde_json::json!({
        "entries": entries,
        "import_per_s": 9000.0,
        "cli_append_ms": cli_append_ms,
        "verify_per_s": 30000.0,
        "replay_per_s": 150000.0,
        "prove_us": 35.0,
        "disk_bytes_per_entry": 2800.0,
        "verify_rss_bytes": 200_000_000u64,
    })
    .to_string()
}

#[test]
fn bench_plot_draws_each_report_and_names_a_bad_file() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let mut files = Vec::new();
    for (n, ms) in [(10_000, 20.0), (100_000, 80.0), (1_000_000, 560.0)] {
        let f = dir.join(format!("r{n}.json"));
        std::fs::write(&f, small_report(n, ms)).unwrap();
        files.push(f);
    }
    let mut args = vec!["bench", "plot"];
    args.extend(files.iter().map(|f| s(f)));
    let out = isnad_in(dir).args(&args).output().unwrap();
    assert_success(&out, &args);
    assert!(out.stderr.is_empty());
    let svg = String::from_utf8(out.stdout).unwrap();
    assert!(
        svg.starts_with("<?xml") && svg.ends_with("</svg>\n"),
        "{svg}"
    );
    assert!(svg.contains("(3 reports)"), "{svg}");
    let panel = svg.split("id=\"panel-cli_append_ms\"").nth(1).unwrap();
    let panel = panel.split("</g>").next().unwrap();
    assert_eq!(panel.matches("<circle").count(), 3, "{panel}");
    assert!(
        panel.contains("1,000,000 entries: 560 ms (misses the target)"),
        "{panel}"
    );
    // Figures the reports lack are said to be missing, not drawn.
    let panel = svg.split("id=\"panel-import_rss_mib\"").nth(1).unwrap();
    assert!(panel.split("</g>").next().unwrap().contains("not measured"));

    // A file that is not JSON, not a report, or not there: one line that
    // names it, exit 2, nothing on standard output.
    let not_json = dir.join("notes.json");
    std::fs::write(&not_json, "isnad bench, 10000 entries\n").unwrap();
    let not_report = dir.join("other.json");
    std::fs::write(&not_report, r#"{"verify_per_s": 5}"#).unwrap();
    let absent = dir.join("absent.json");
    for (bad, reason) in [
        (&not_json, "not JSON"),
        (&not_report, "not a report"),
        (&absent, "absent.json"),
    ] {
        let out = isnad_in(dir)
            .args(["bench", "plot", s(&files[0]), s(bad)])
            .output()
            .unwrap();
        let line = error_line(&out, 2);
        assert!(line.contains(s(bad)), "{line}");
        assert!(line.contains(reason), "{line}");
        assert!(out.stdout.is_empty(), "{bad:?}");
    }
}
