//! A ledger made by isnad before the store format changed (format 1: the
//! demo ledger, with one signed checkpoint, as that version wrote it) opens
//! in this one: its store is rebuilt once, and everything a user or an
//! outside verifier can see of it stays byte for byte what it was.

use std::path::{Path, PathBuf};

use crate::common::{Desk, assert_success, copy_dir, isnad_in, s};

/// What the format-1 demo ledger said of itself, read with the version
/// that wrote it.
const HEAD: &str = "52b6c58c723565b8b2b875dbc412800821766a030e1249f141b0fee5ebf8383c";
const ROOT: &str = "Dx2iscnPPJa3XH6bN7diP/xiNgers6wOvzD/ePoegXY=";
const STATE_ROOT: &str = "99a91c37d192b79e850ce326215ef9f847e67c50144111ac08b2c1c78f436af2";

fn fixture() -> PathBuf {
    crate::common::repo().join("tests/fixtures/store-v1")
}

/// A copy of the format-1 ledger in `d`'s directory, its key files
/// private again (a checkout does not keep modes).
fn v1_copy(d: &Desk, name: &str) -> PathBuf {
    copy_of(d, &fixture().join("demo"), name)
}

/// The same demo ledger as the version before this one wrote it (store
/// format 2, checkpoint signed at 35), copied as [`v1_copy`] does.
fn v2_copy(d: &Desk, name: &str) -> PathBuf {
    copy_of(
        d,
        &crate::common::repo().join("tests/fixtures/store-v2/demo"),
        name,
    )
}

fn copy_of(d: &Desk, from: &Path, name: &str) -> PathBuf {
    let to = d.dir().join(name);
    copy_dir(from, &to);
    for e in std::fs::read_dir(to.join("keys")).unwrap() {
        let p = e.unwrap().path();
        let mut perms = std::fs::metadata(&p).unwrap().permissions();
        std::os::unix::fs::PermissionsExt::set_mode(&mut perms, 0o600);
        std::fs::set_permissions(&p, perms).unwrap();
    }
    to
}

fn run(d: &Desk, ledger: &Path, args: &[&str]) -> std::process::Output {
    d.run(isnad_in(d.dir()).arg("--ledger").arg(ledger).args(args))
}

fn ok(d: &Desk, ledger: &Path, args: &[&str]) -> String {
    let o = run(d, ledger, args);
    assert_success(&o, args);
    String::from_utf8(o.stdout).unwrap()
}

/// [`ok`], for a command that must also say nothing on standard error
/// (no note about the ledger's format).
fn quiet_ok(d: &Desk, ledger: &Path, args: &[&str]) -> String {
    let o = run(d, ledger, args);
    assert_success(&o, args);
    assert!(
        o.stderr.is_empty(),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    String::from_utf8(o.stdout).unwrap()
}

/// Every file under `dir`, with its bytes.
fn files(dir: &Path) -> std::collections::BTreeMap<PathBuf, Vec<u8>> {
    let mut out = std::collections::BTreeMap::new();
    let mut todo = vec![dir.to_path_buf()];
    while let Some(d) = todo.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                todo.push(p);
            } else {
                out.insert(
                    p.strip_prefix(dir).unwrap().to_path_buf(),
                    std::fs::read(&p).unwrap(),
                );
            }
        }
    }
    out
}

#[test]
fn a_format_1_ledger_opens_migrated_with_everything_kept() {
    let d = Desk::bare();
    let l = v1_copy(&d, "old");
    // The first command that opens it says what it does, then does its job.
    let o = run(&d, &l, &["verify"]);
    assert_success(&o, &["verify"]);
    let out = String::from_utf8_lossy(&o.stdout);
    assert!(
        out.contains(&format!("35 entries verified, head {HEAD}")),
        "{out}"
    );
    assert!(out.contains(&format!("merkle root {ROOT}")), "{out}");
    assert!(out.contains("1 signed checkpoint"), "{out}");
    let note = String::from_utf8_lossy(&o.stderr);
    assert!(note.contains("made by an earlier isnad"), "{note}");
    assert!(l.join("store").is_dir() && !l.join("db").exists());
    assert!(!l.join(".migrating").exists());
    assert_eq!(
        std::fs::read(l.join("isnad.ledger")).unwrap(),
        b"isnad-ledger-v3\n"
    );
    // Once: the next command has nothing to say about it.
    let replayed = quiet_ok(&d, &l, &["replay"]);
    assert!(replayed.contains(&format!("state root {STATE_ROOT}")));
    // The proofs, with the checkpoint signed before the migration, are the
    // very documents the old version printed.
    let incl = ok(&d, &l, &["prove", "52b6c58c", "--size", "35"]);
    let want = std::fs::read_to_string(fixture().join("inclusion-52b6c58c-35.json")).unwrap();
    assert_eq!(incl, want);
    let cons = ok(&d, &l, &["prove", "--consistency", "20", "--size", "35"]);
    let want = std::fs::read_to_string(fixture().join("consistency-20-35.json")).unwrap();
    assert_eq!(cons, want);
    // It grows as any ledger does, and the log still signs.
    let editor = l.join("keys/demo-desk-editor.key");
    ok(
        &d,
        &l,
        &[
            "--key",
            s(&editor),
            "source",
            "add",
            "after-migration",
            "--kind",
            "outlet",
            "--name",
            "After the migration",
        ],
    );
    let cp = ok(&d, &l, &["checkpoint"]);
    assert!(cp.contains("\n36\n"), "{cp}");
    let v = ok(&d, &l, &["verify"]);
    assert!(
        v.contains("36 entries verified") && v.contains("2 signed checkpoints"),
        "{v}"
    );
    let again = ok(&d, &l, &["migrate"]);
    assert!(
        again.contains("already in store format 3 (36 entries)"),
        "{again}"
    );
}

/// A ledger of the second store format (a quarter of the index buckets)
/// is read and written as it is: nothing is rebuilt, every lookup through
/// its buckets finds what it did, and it stays in its format.
#[test]
fn a_format_2_ledger_is_read_and_written_as_it_is() {
    let d = Desk::bare();
    let l = v2_copy(&d, "v2");
    let marker = b"isnad-ledger-v2\n";
    assert_eq!(std::fs::read(l.join("isnad.ledger")).unwrap(), marker);
    let out = quiet_ok(&d, &l, &["verify"]);
    assert!(
        out.contains(&format!("35 entries verified, head {HEAD}"))
            && out.contains(&format!("merkle root {ROOT}"))
            && out.contains("1 signed checkpoint"),
        "{out}"
    );
    assert!(ok(&d, &l, &["replay"]).contains(&format!("state root {STATE_ROOT}")));
    // Found by id prefix (the `ids` buckets), with the proof the format-1
    // version printed for the same ledger.
    assert!(ok(&d, &l, &["show", "52b6c58c"]).contains(HEAD));
    let incl = ok(&d, &l, &["prove", "52b6c58c", "--size", "35"]);
    let want = std::fs::read_to_string(fixture().join("inclusion-52b6c58c-35.json")).unwrap();
    assert_eq!(incl, want);
    // The claim's verdicts and amendments are found through `refs`, its
    // sources through `sources`.
    let trace = ok(&d, &l, &["trace", "ad8f4087"]);
    assert!(
        trace.contains("citing Fawasel Media (fawasel-media, outlet)")
            && trace.contains("verdict a7aeb6b8b252 by demo-desk-checker")
            && trace.contains("43f4d1674f67 derived-from ad8f40871697"),
        "{trace}"
    );
    // A write, and the same write again found in `content`.
    let editor = l.join("keys/demo-desk-editor.key");
    let add = [
        "--key",
        s(&editor),
        "source",
        "add",
        "after-format-3",
        "--kind",
        "outlet",
        "--name",
        "After format 3",
    ];
    ok(&d, &l, &add);
    let again = ok(&d, &l, &add);
    assert!(again.contains("already"), "{again}");
    let v = ok(&d, &l, &["verify"]);
    assert!(v.contains("36 entries verified"), "{v}");
    let m = ok(&d, &l, &["migrate"]);
    assert!(m.contains("is in store format 2 (36 entries)"), "{m}");
    assert_eq!(std::fs::read(l.join("isnad.ledger")).unwrap(), marker);
}

#[test]
fn migrate_reports_what_it_did() {
    let d = Desk::bare();
    let l = v1_copy(&d, "old");
    let out = ok(&d, &l, &["--json", "migrate"]);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["from_format"], 1);
    assert_eq!(v["entries"], 35);
    assert_eq!(v["checkpoints"], 1);
    assert_eq!(v["migrated"], true);
}

/// A damaged format-1 ledger is refused as it stands: one line naming what
/// is wrong, exit 1 (a failed check), and not a byte of it changed.
#[test]
fn a_damaged_format_1_ledger_is_refused_and_left_as_it_was() {
    let d = Desk::bare();
    let l = v1_copy(&d, "old");
    // Entry 5's signature changed, as a disk or a hand might change it.
    {
        let db = sled::open(l.join("db")).unwrap();
        let entries = db.open_tree("entries").unwrap();
        let key = 5u64.to_be_bytes();
        let mut leaf = entries.get(key).unwrap().unwrap().to_vec();
        let at = leaf.windows(7).position(|w| w == b"\"sig\":\"").unwrap() + 8;
        leaf[at] = if leaf[at] == b'A' { b'B' } else { b'A' };
        entries.insert(key, leaf).unwrap();
        db.flush().unwrap();
    }
    // sled brings its snapshot up to date when it opens a database it
    // did not close itself: once here, so that what follows compares the
    // files as any later open would find them.
    drop(sled::open(l.join("db")).unwrap());
    let before = files(&l);
    let o = run(&d, &l, &["verify"]);
    // The note that the store is being rebuilt, then the one error line.
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(1), "{stderr}");
    let lines: Vec<&str> = stderr.lines().collect();
    assert_eq!(lines.len(), 2, "{stderr}");
    assert!(lines[0].starts_with("isnad: note: "), "{stderr}");
    assert!(lines[1].starts_with("isnad: error: "), "{stderr}");
    assert!(
        lines[1].contains("entry #5: signature does not verify"),
        "{stderr}"
    );
    assert_eq!(files(&l), before, "the ledger changed");
    assert!(!l.join(".migrating").exists() && !l.join("store").exists());
}
