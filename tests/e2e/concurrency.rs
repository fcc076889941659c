//! Several writers and readers at once. Between processes: sled's lock lets
//! one in at a time, and the others wait (`--wait`) and then proceed, or
//! stop with a clear "in use" error; nothing is lost and the ledger
//! verifies. Within one process: threads read while one appends, and every
//! reader sees a consistent prefix of the ledger.

use std::collections::HashSet;
use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};

use crate::common::{self, Desk, bin, claim_args, s};
use isnad_core::Ledger;

/// Where the children append: the working directory, ledger and key.
#[derive(Clone, Copy)]
struct Target<'a> {
    dir: &'a Path,
    ledger: &'a Path,
    key: &'a Path,
}

impl<'a> Target<'a> {
    fn editor_of(d: &'a Desk) -> Self {
        Target {
            dir: d.dir(),
            ledger: &d.ledger,
            key: &d.editor,
        }
    }
}

/// `isnad --ledger L --wait W --key K --json claim add …` as a child.
fn append_process(t: Target<'_>, wait: &str, text: &str) -> std::process::Child {
    let mut args = vec![
        "--ledger",
        s(t.ledger),
        "--wait",
        wait,
        "--json",
        "--key",
        s(t.key),
    ];
    args.extend_from_slice(&claim_args(text));
    Command::new(bin())
        .current_dir(t.dir)
        .env_remove("ISNAD_LEDGER")
        .env_remove("ISNAD_KEY")
        .args(&args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn isnad")
}

/// The id a successful `--json` append printed.
fn appended_id(out: &std::process::Output) -> String {
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    v["id"].as_str().expect("id").to_owned()
}

/// Waits until `child` sleeps between tries of the ledger's lock, as Linux
/// shows it: the kernel function its main thread waits in
/// (`/proc/PID/wchan`). A process held up by another sleeps a moment
/// between tries, and sleeps nowhere else before it has the ledger open.
/// Fails if the child exits instead, or is not seen waiting within a
/// generous bound.
fn waits_between_tries(child: &mut std::process::Child) {
    let wchan = format!("/proc/{}/wchan", child.id());
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(120);
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            panic!("the process exited ({status}) while the ledger was held");
        }
        let at = std::fs::read_to_string(&wchan).unwrap_or_default();
        if at.contains("nanosleep") {
            return;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "the process was never seen waiting for the ledger (last in {at:?})"
        );
        // A poll, not a guess at how long the child takes.
        std::thread::sleep(std::time::Duration::from_millis(1));
    }
}

// A process that finds the ledger held waits for it, within `--wait`, and
// then does its work.
#[test]
fn a_waiting_process_proceeds_once_the_ledger_is_free() {
    let d = Desk::with_sources();
    let held = Ledger::open(&d.ledger).unwrap();
    let mut child = append_process(Target::editor_of(&d), "120", "appended after a wait");
    // It finds the ledger held and waits between tries rather than failing;
    // then it goes on once the ledger is let go.
    waits_between_tries(&mut child);
    drop(held);
    let id = appended_id(&child.wait_with_output().unwrap());
    let v = d.json(&["verify"]);
    assert_eq!(v["ok"], true);
    assert_eq!(v["head"].as_str(), Some(id.as_str()));
}

// Four processes, each appending five claims, all at once: every append
// is acknowledged, every acknowledged claim is in the ledger once, and the
// ledger verifies.
#[test]
fn processes_appending_at_once_all_land() {
    let d = Desk::with_sources();
    let before = d.json(&["verify"])["entries"].as_u64().unwrap();
    let ids: Vec<String> = std::thread::scope(|scope| {
        let workers: Vec<_> = (0..4)
            .map(|w| {
                let t = Target::editor_of(&d);
                scope.spawn(move || {
                    (0..5)
                        .map(|i| {
                            let text = format!("claim {i} of writer {w}");
                            let out = append_process(t, "120", &text).wait_with_output().unwrap();
                            appended_id(&out)
                        })
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        workers
            .into_iter()
            .flat_map(|w| w.join().unwrap())
            .collect()
    });
    assert_eq!(ids.iter().collect::<HashSet<_>>().len(), 20);
    let v = d.json(&["verify"]);
    assert_eq!(v["ok"], true, "{v}");
    assert_eq!(v["entries"].as_u64().unwrap(), before + 20);
    for id in &ids {
        d.ok(&["show", id]);
    }
}

// In one process, one thread appends while others read. Every read sees a
// prefix: sequence numbers from 0 without gaps, each entry linked to the
// one before, the count at least what the ledger held when the read began,
// and the tree root of that count equal to the root recomputed from the
// leaves read.
#[test]
fn readers_in_one_process_see_a_consistent_prefix_while_one_appends() {
    let d = Desk::with_sources();
    let ledger = Ledger::open(&d.ledger).unwrap();
    let editor = common::Desk::keypair(&d.editor);
    let done = AtomicBool::new(false);
    let t = common::now();
    std::thread::scope(|scope| {
        let ledger = &ledger;
        let done = &done;
        for _ in 0..3 {
            scope.spawn(move || {
                let mut reads = 0;
                while !done.load(Ordering::Relaxed) || reads == 0 {
                    let n = ledger.len().unwrap();
                    let mut prev = isnad_core::EntryHash::ZERO;
                    let mut leaves = Vec::new();
                    for (i, e) in ledger.iter().enumerate() {
                        let e = e.unwrap();
                        assert_eq!(e.seq().0, i as u64);
                        assert_eq!(e.prev(), prev);
                        prev = e.hash();
                        leaves.push(*e.hash().as_bytes());
                    }
                    let seen = leaves.len() as u64;
                    assert!(seen >= n, "read {seen} entries of at least {n}");
                    assert_eq!(
                        ledger.tree_root(n).unwrap(),
                        isnad_core::merkle::root(&leaves[..n as usize])
                    );
                    reads += 1;
                }
            });
        }
        // Readers stop when the appends end, even if one fails.
        let _stop = Stop(done);
        for i in 0..60 {
            let record = common::one_hop_claim(&format!("Concurrent claim number {i}"), "rusi");
            ledger.append(&editor, record, t).unwrap();
        }
    });
    assert_eq!(ledger.verify(&mut |_| {}).unwrap().entries, 7 + 60);
}

/// Sets its flag when dropped.
struct Stop<'a>(&'a AtomicBool);

impl Drop for Stop<'_> {
    fn drop(&mut self) {
        self.0.store(true, Ordering::Relaxed);
    }
}
