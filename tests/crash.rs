//! Crash safety: `isnad` processes killed with SIGKILL at seeded random
//! moments. After every kill the ledger opens, `isnad verify` passes, every
//! append acknowledged before the kill is there, and an import is all or
//! nothing.
//!
//! `cargo test` kills 40 appends, 20 imports and 20 migrations of a
//! ledger of the first store format. A longer run, with the
//! kill count per test:
//!
//! ```sh
//! ISNAD_CRASH_KILLS=1000 cargo test -p isnad-cli --test crash -- --nocapture
//! ```
//!
//! A test binary of its own: the kill moments are spread over the time an
//! untimed run takes, measured first; other tests loading the machine in
//! the same run would stretch some runs and not others, and the kills would
//! miss the moments they are meant for.

#![allow(
    clippy::expect_used,
    clippy::unwrap_used,
    reason = "test helpers panic on failed setup"
)]

#[allow(
    dead_code,
    reason = "the shared helpers serve every test binary; this one uses the desk and process helpers"
)]
mod common;

use std::collections::HashSet;
use std::path::Path;
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

use common::{Desk, Rng, bin, claim_args, s};
use sha2::{Digest, Sha256};

/// Kills per test: `ISNAD_CRASH_KILLS`, or `default`.
fn kills_wanted(default: usize) -> usize {
    std::env::var("ISNAD_CRASH_KILLS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// The binary on `ledger`, spawned with its output captured.
fn spawn(dir: &Path, ledger: &Path, args: &[&str]) -> Child {
    Command::new(bin())
        .current_dir(dir)
        .env_remove("ISNAD_LEDGER")
        .env_remove("ISNAD_KEY")
        .arg("--ledger")
        .arg(ledger)
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn isnad")
}

/// Lets `child` run for `after`, kills it with SIGKILL (if it is still
/// running) and returns its output; `true` when the kill ended it.
fn kill_after(child: Child, after: Duration) -> (Output, bool) {
    let mut child = child;
    std::thread::sleep(after);
    // Killing a child that already exited is harmless.
    let _ = child.kill();
    let out = child.wait_with_output().expect("wait for isnad");
    let killed = out.status.code().is_none();
    if !killed {
        assert!(
            out.status.success(),
            "isnad failed on its own: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    (out, killed)
}

/// Waits for `child`, which must succeed.
fn run_to_end(child: Child) {
    let out = child.wait_with_output().expect("wait for isnad");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// `isnad verify --json` passes; the entry count.
fn verified(dir: &Path, ledger: &Path) -> u64 {
    let out = Command::new(bin())
        .current_dir(dir)
        .arg("--json")
        .arg("--ledger")
        .arg(ledger)
        .arg("verify")
        .output()
        .expect("run isnad verify");
    assert!(
        out.status.success(),
        "verify after a kill: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["ok"], true, "{v}");
    v["entries"].as_u64().expect("entries")
}

/// The ids (leaf hashes) of every exported entry.
fn ids(d: &Desk) -> HashSet<String> {
    let export = d.ok(&["export", "jsonl"]);
    export
        .lines()
        .map(|l| {
            let mut h = Sha256::new();
            h.update([0u8]);
            h.update(l.as_bytes());
            hex::encode(h.finalize())
        })
        .collect()
}

// Appends, each a process of its own, killed at random points of their
// run: what was acknowledged (exit 0, id printed) is always there, and the
// ledger verifies after every kill.
#[test]
fn killed_appends_lose_nothing_acknowledged() {
    let d = Desk::with_sources();
    let mut rng = Rng(0x15ad_0001);
    // An untimed append shows how long one takes here; kills are spread
    // over one and a half times that.
    let t = Instant::now();
    d.add_claim(&d.editor, "warm-up claim");
    let span = (t.elapsed().as_micros() as u64 * 3 / 2).max(1);
    let wanted = kills_wanted(40);
    let (mut kills, mut acked) = (0, Vec::new());
    let mut entries = verified(d.dir(), &d.ledger);
    for i in 0.. {
        if kills >= wanted {
            break;
        }
        assert!(i < wanted * 20, "only {kills} of {i} appends were killed");
        let text = format!("claim {i} for the crash test");
        let mut args = vec!["--json", "--key", s(&d.editor)];
        args.extend_from_slice(&claim_args(&text));
        let child = spawn(d.dir(), &d.ledger, &args);
        let (out, killed) = kill_after(child, Duration::from_micros(rng.below(span)));
        if killed {
            kills += 1;
        } else {
            let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
            acked.push(v["id"].as_str().expect("id").to_owned());
        }
        let now = verified(d.dir(), &d.ledger);
        assert!(now >= entries, "the ledger shrank from {entries} to {now}");
        entries = now;
        let have = ids(&d);
        for id in &acked {
            assert!(have.contains(id), "acknowledged append {id} is missing");
        }
    }
    println!(
        "{kills} appends killed, {} acknowledged, {entries} entries",
        acked.len()
    );
}

// Imports of a generated ledger killed at random points: afterwards the
// ledger verifies and holds either what it held before or the whole file,
// never part of it. The file is longer than an import holds in memory, so
// kills also land while it writes beyond the head.
#[test]
fn killed_imports_are_all_or_nothing() {
    let d = Desk::bare();
    let generated = Command::new(bin())
        .args(["bench", "gen", "9000", "--seed", "3"])
        .output()
        .expect("run isnad bench gen");
    assert!(generated.status.success());
    let lines: Vec<&[u8]> = generated.stdout.split_inclusive(|&b| b == b'\n').collect();
    let total = lines.len() as u64;
    let file = d.dir().join("gen.jsonl");
    std::fs::write(&file, &generated.stdout).unwrap();
    let head = d.dir().join("head.jsonl");
    std::fs::write(&head, lines[..3].concat()).unwrap();
    let fresh = |ledger: &Path| {
        if ledger.exists() {
            std::fs::remove_dir_all(ledger).unwrap();
        }
        run_to_end(spawn(d.dir(), ledger, &["import", "jsonl", s(&head)]));
        assert_eq!(verified(d.dir(), ledger), 3);
    };
    // An untimed whole import shows how long one takes here.
    let ledger = d.dir().join("ledger");
    fresh(&ledger);
    let t = Instant::now();
    run_to_end(spawn(d.dir(), &ledger, &["import", "jsonl", s(&file)]));
    let mut span = t.elapsed().as_micros() as u64;
    assert_eq!(verified(d.dir(), &ledger), total);
    let mut rng = Rng(0x15ad_0002);
    let wanted = kills_wanted(20);
    let (mut kills, mut whole) = (0, 0);
    fresh(&ledger);
    for i in 0.. {
        if kills >= wanted {
            break;
        }
        assert!(i < wanted * 20, "only {kills} of {i} imports were killed");
        let child = spawn(d.dir(), &ledger, &["import", "jsonl", s(&file)]);
        // Between a third of the way in and a little past the end.
        let at = span / 3 + rng.below(span * 4 / 5);
        let (_, killed) = kill_after(child, Duration::from_micros(at));
        kills += usize::from(killed);
        match verified(d.dir(), &ledger) {
            3 => {}
            n if n == total => {
                whole += 1;
                fresh(&ledger);
                // It finished first: imports run faster than the timed one
                // did (the machine's load changed), so aim earlier, or a
                // loaded machine could spend most tries on whole imports.
                span = (span * 3 / 4).max(1);
            }
            n => panic!("a killed import left {n} entries, neither 3 nor {total}"),
        }
    }
    println!("{kills} imports killed, {whole} finished first");
}

/// What a creation killed at some moment left at `ledger`: `None` when
/// there is no ledger (the directory is absent, or empty), else its entry
/// count, after checking that it verifies and can still sign a checkpoint
/// (its log key file was written with it).
fn created(dir: &Path, ledger: &Path) -> Option<u64> {
    match std::fs::read_dir(ledger) {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return None,
        Err(e) => panic!("{}: {e}", ledger.display()),
        // An empty directory is no ledger either.
        Ok(mut items) => {
            items.next()?.expect("a directory entry");
        }
    }
    let n = verified(dir, ledger);
    run_to_end(spawn(dir, ledger, &["checkpoint"]));
    Some(n)
}

/// The staging directories (`.NAME.creating.PID`) in `dir`.
fn staging_dirs(dir: &Path) -> Vec<String> {
    std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains(".creating."))
        .collect()
}

// `init` and an `import jsonl` that creates its ledger, killed in their
// first moments (where the marker file, sled's files, the format tag, the
// log key and the key files used to be written one after the other):
// afterwards there is no ledger, or a whole one that verifies and signs a
// checkpoint; never a directory that nothing opens. Where there is none,
// running the command again succeeds and clears what the killed run left.
#[test]
fn killed_creations_leave_no_ledger_or_a_whole_one() {
    let d = Desk::bare();
    let generated = Command::new(bin())
        .args(["bench", "gen", "200", "--seed", "5"])
        .output()
        .expect("run isnad bench gen");
    assert!(generated.status.success());
    let file = d.dir().join("gen.jsonl");
    std::fs::write(&file, &generated.stdout).unwrap();
    let total = generated.stdout.iter().filter(|&&b| b == b'\n').count() as u64;
    let mut rng = Rng(0x15ad_0003);
    let wanted = kills_wanted(20);
    for (what, args, whole) in [
        ("init", vec!["init"], 1),
        ("import", vec!["import", "jsonl", s(&file)], total),
    ] {
        // An untimed run shows how long one takes; kills are spread over
        // one and a half times that.
        let t = Instant::now();
        run_to_end(spawn(
            d.dir(),
            &d.dir().join(format!("{what}-timed")),
            &args,
        ));
        let span = (t.elapsed().as_micros() as u64 * 3 / 2).max(1);
        let (mut kills, mut absent) = (0, 0);
        for i in 0.. {
            if kills >= wanted {
                break;
            }
            assert!(
                i < wanted * 20,
                "only {kills} of {i} {what} runs were killed"
            );
            let ledger = d.dir().join(format!("{what}-{i}"));
            let child = spawn(d.dir(), &ledger, &args);
            let (_, killed) = kill_after(child, Duration::from_micros(rng.below(span)));
            kills += usize::from(killed);
            match created(d.dir(), &ledger) {
                Some(n) => assert_eq!(n, whole, "{what} left a partial ledger"),
                None => {
                    absent += 1;
                    run_to_end(spawn(d.dir(), &ledger, &args));
                    assert_eq!(created(d.dir(), &ledger), Some(whole));
                    let name = format!(".{what}-{i}.creating.");
                    let left: Vec<String> = staging_dirs(d.dir())
                        .into_iter()
                        .filter(|n| n.starts_with(&name))
                        .collect();
                    assert!(left.is_empty(), "{left:?} left after a re-run");
                }
            }
        }
        println!("{what}: {kills} killed, {absent} left no ledger");
    }
}

/// A fresh copy of the repository's store-format-1 ledger (the demo, 35
/// entries, as an earlier isnad wrote it) at `to`.
fn format_1_ledger(to: &Path) {
    if to.exists() {
        std::fs::remove_dir_all(to).unwrap();
    }
    common::copy_dir(&common::repo().join("tests/fixtures/store-v1/demo"), to);
}

// A migration killed at any moment leaves a ledger that opens, as it was
// or as migrated (the next open finishes or restarts it), never one that
// nothing opens; every entry is there either way.
#[test]
fn killed_migrations_leave_the_ledger_as_it_was_or_migrated() {
    let d = Desk::bare();
    let ledger = d.dir().join("old");
    format_1_ledger(&ledger);
    let t = Instant::now();
    run_to_end(spawn(d.dir(), &ledger, &["migrate"]));
    let span = t.elapsed().as_micros() as u64;
    assert_eq!(verified(d.dir(), &ledger), 35);
    let mut rng = Rng(0x15ad_0004);
    let wanted = kills_wanted(20);
    let (mut kills, mut before, mut after) = (0, 0, 0);
    for i in 0.. {
        if kills >= wanted {
            break;
        }
        assert!(
            i < wanted * 20,
            "only {kills} of {i} migrations were killed"
        );
        format_1_ledger(&ledger);
        let child = spawn(d.dir(), &ledger, &["migrate"]);
        let (_, killed) = kill_after(child, Duration::from_micros(rng.below(span * 6 / 5)));
        kills += usize::from(killed);
        if !killed {
            continue;
        }
        if ledger.join("store").join("conf").is_file() {
            after += 1;
        } else {
            assert!(
                ledger.join("db").join("conf").is_file(),
                "neither store is there"
            );
            before += 1;
        }
        assert_eq!(verified(d.dir(), &ledger), 35);
        assert!(!ledger.join("db").exists() && !ledger.join(".migrating").exists());
    }
    println!("{kills} migrations killed: {before} before the new store went in, {after} after");
}
