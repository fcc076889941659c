//! Storage faults, given to the `isnad` binary as a process: a directory
//! that is not an isnad ledger, a ledger on a read-only file system and a
//! ledger on a full one. Each gives exit code 2 and one clear error line,
//! and leaves the data that was there intact.
//!
//! The read-only and full file systems are small tmpfs mounts made by the
//! test, which needs root (permission bits alone do not stop root). Where
//! mounting is refused these tests fail, unless `ISNAD_SKIP_MOUNT_TESTS=1`
//! is set to say that this machine cannot check those faults: then they
//! pass without checking them, and say so on stderr. CI runs as root and
//! does not set it.
//!
//! A test binary of its own: it mounts file systems and fills them, which
//! no other test's process should share.

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

use std::collections::BTreeMap;
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use common::{Desk, error_line, isnad_in, jsonl, s};
use isnad_core::Draft;
use tempfile::TempDir;

/// How long any one command may take here before it counts as hung: a
/// storage fault must end in an error, not a wait.
const HUNG: Duration = Duration::from_secs(120);

/// Set to `1` where tmpfs cannot be mounted (not root, a container without
/// the capability): the read-only and full-disk tests then pass unchecked.
const SKIP: &str = "ISNAD_SKIP_MOUNT_TESTS";

fn skip_mount_tests() -> bool {
    std::env::var(SKIP).as_deref() == Ok("1")
}

/// A tmpfs mounted on a fresh temp directory, unmounted when dropped (also
/// when the test fails), so no mount outlives its test.
struct Tmpfs {
    dir: PathBuf,
    _tmp: TempDir,
}

impl Tmpfs {
    /// Mounts a tmpfs of `size` bytes. When mounting is refused: fails,
    /// or, with `ISNAD_SKIP_MOUNT_TESTS=1`, says why on stderr and returns
    /// `None`.
    fn mount(size: u64, test: &str) -> Option<Tmpfs> {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().join("mnt");
        std::fs::create_dir(&dir).unwrap();
        let out = Command::new("mount")
            .args(["-t", "tmpfs", "-o", &format!("size={size}"), "tmpfs"])
            .arg(&dir)
            .output();
        match out {
            Ok(o) if o.status.success() => Some(Tmpfs { dir, _tmp: tmp }),
            other => {
                let why = match other {
                    Ok(o) => String::from_utf8_lossy(&o.stderr).trim().to_owned(),
                    Err(e) => e.to_string(),
                };
                assert!(
                    skip_mount_tests(),
                    "{test}: cannot mount a tmpfs here ({why}): run the tests as root, \
                     or set {SKIP}=1 to leave this fault unchecked on this machine"
                );
                eprintln!("WARNING: {test}: NOT CHECKED ({SKIP}=1): cannot mount a tmpfs ({why})");
                None
            }
        }
    }

    /// Remounts read-only (`ro`) or read-write (`rw`).
    fn remount(&self, how: &str) {
        let o = Command::new("mount")
            .args(["-o", &format!("remount,{how}")])
            .arg(&self.dir)
            .output()
            .unwrap();
        assert!(
            o.status.success(),
            "remount {how}: {}",
            String::from_utf8_lossy(&o.stderr)
        );
    }
}

impl Drop for Tmpfs {
    fn drop(&mut self) {
        let ok = Command::new("umount")
            .arg(&self.dir)
            .status()
            .is_ok_and(|st| st.success());
        if !ok {
            // Still busy (a hung child): detach it now, it goes when freed.
            let _ = Command::new("umount").arg("-l").arg(&self.dir).status();
        }
    }
}

/// Every file and directory under `path` (or `path` itself, if a file),
/// with the SHA-256 of each file (short enough to print when they differ).
fn snapshot(path: &Path) -> BTreeMap<PathBuf, Option<String>> {
    fn walk(root: &Path, at: &Path, out: &mut BTreeMap<PathBuf, Option<String>>) {
        use sha2::Digest as _;
        let rel = at.strip_prefix(root).unwrap().to_path_buf();
        if at.is_dir() {
            out.insert(rel, None);
            for e in std::fs::read_dir(at).unwrap() {
                walk(root, &e.unwrap().path(), out);
            }
        } else {
            let bytes = std::fs::read(at).unwrap();
            out.insert(rel, Some(hex::encode(sha2::Sha256::digest(&bytes))));
        }
    }
    let mut out = BTreeMap::new();
    walk(path, path, &mut out);
    out
}

/// The commands every fault is tried with: reads, then writes.
fn commands(d: &Desk, import: &Path) -> Vec<Vec<String>> {
    let editor = s(&d.editor).to_owned();
    let v = |a: &[&str]| a.iter().map(|x| (*x).to_owned()).collect::<Vec<_>>();
    vec![
        v(&["verify"]),
        v(&["log"]),
        v(&["export", "jsonl"]),
        v(&[
            "--key",
            &editor,
            "claim",
            "add",
            "--text",
            "During the fault",
        ])
        .into_iter()
        .chain(v(&[
            "--lang",
            "en",
            "--publisher",
            "rusi",
            "--date",
            "2025-02-18",
        ]))
        .collect(),
        v(&[
            "--key", &editor, "source", "add", "late", "--name", "Late", "--kind", "outlet",
        ]),
        v(&["import", "jsonl", s(import)]),
    ]
}

/// Runs `isnad --ledger LEDGER ARGS…` from the desk, giving up if it hangs.
fn run_on(d: &Desk, ledger: &Path, args: &[String]) -> std::process::Output {
    d.run(
        isnad_in(d.dir())
            .arg("--ledger")
            .arg(ledger)
            .args(args)
            .timeout(HUNG),
    )
}

/// An import file: the desk's export and one new claim after it, signed
/// with the library, so that importing it writes.
fn import_file(d: &Desk) -> PathBuf {
    extending(d, d.export_lines())
}

/// An import file: `lines` (an export) and one new claim after them.
fn extending(d: &Desk, mut lines: Vec<Vec<u8>>) -> PathBuf {
    let key = Desk::keypair(&d.editor);
    let last = isnad_core::Entry::parse(lines.last().unwrap()).unwrap();
    let entry = Draft::new(
        last.seq().next(),
        last.hash(),
        common::now(),
        key.verifier().clone(),
        common::one_hop_claim("Imported during the fault", "rusi"),
    )
    .sign(&key)
    .unwrap();
    lines.push(entry.leaf_bytes().to_vec());
    d.file("extends.jsonl", &jsonl(&lines))
}

/// A sled database at `dir/db`, as another program might leave one: data,
/// and a `meta` tree holding `format` = `tag` when one is given.
fn foreign_sled(dir: &Path, tag: Option<&[u8]>) {
    let db = sled::open(dir.join("db")).unwrap();
    db.insert("greeting", "hello").unwrap();
    if let Some(tag) = tag {
        db.open_tree("meta").unwrap().insert("format", tag).unwrap();
    }
    db.flush().unwrap();
}

/// A ledger made by `isnad init` at `dir`, with its `store/db` file replaced
/// by what `damage` makes of it.
fn damaged_ledger(d: &Desk, dir: &Path, damage: impl FnOnce(&mut Vec<u8>)) {
    let o = run_on(d, dir, &["init".to_owned()]);
    common::assert_success(&o, &["init"]);
    let file = dir.join("store").join("db");
    let mut bytes = std::fs::read(&file).unwrap();
    damage(&mut bytes);
    std::fs::write(&file, bytes).unwrap();
}

/// The directories of the not-a-ledger tests, beside the desk's ledger.
fn not_ledgers(d: &Desk) -> Vec<PathBuf> {
    let empty = d.dir().join("empty");
    std::fs::create_dir(&empty).unwrap();
    let untagged = d.dir().join("untagged-sled");
    foreign_sled(&untagged, None);
    let other = d.dir().join("other-format-sled");
    foreign_sled(&other, Some(b"someone-elses-format-v3"));
    vec![empty, untagged, other]
}

#[test]
fn directories_that_are_not_ledgers_are_refused_with_one_clear_line() {
    let d = Desk::with_sources();
    let before = d.state();
    let import = import_file(&d);
    for dir in not_ledgers(&d) {
        let empty = std::fs::read_dir(&dir).unwrap().next().is_none();
        for args in commands(&d, &import) {
            if empty && args[0] == "import" {
                continue; // importing into an empty directory makes a ledger
            }
            let o = run_on(&d, &dir, &args);
            let line = error_line(&o, 2);
            assert!(line.contains("not an isnad ledger"), "{args:?}: {line}");
            assert!(line.contains(s(&dir)), "{args:?}: {line}");
        }
    }
    assert_eq!(d.state(), before, "the desk's own ledger changed");
}

#[test]
fn an_empty_directory_is_refused_and_stays_empty() {
    let d = Desk::with_sources();
    let dir = d.dir().join("empty");
    std::fs::create_dir(&dir).unwrap();
    for args in commands(&d, &d.file("unused", b"")) {
        if args[0] == "import" {
            continue;
        }
        let o = run_on(&d, &dir, &args);
        let line = error_line(&o, 2);
        assert!(line.contains("no database in it"), "{line}");
    }
    assert_eq!(std::fs::read_dir(&dir).unwrap().count(), 0);
}

// Regression: opening ran sled on any database, which rewrites its files
// (and adds a `meta` tree), before isnad could check the format tag; the
// `isnad.ledger` file beside the database is now checked first. (The
// garbled ledger of `not_ledgers` is an isnad ledger, damaged: sled may
// rewrite it while finding out, so it is not among these.)
#[test]
fn a_database_that_is_not_a_ledger_is_left_byte_for_byte() {
    let d = Desk::with_sources();
    let import = import_file(&d);
    let mut dirs = not_ledgers(&d);
    dirs.pop();
    for dir in dirs {
        let before = snapshot(&dir);
        for args in commands(&d, &import) {
            if before.len() == 1 && args[0] == "import" {
                continue; // the empty directory: import makes a ledger there
            }
            error_line(&run_on(&d, &dir, &args), 2);
            assert_eq!(snapshot(&dir), before, "{args:?} changed {}", dir.display());
        }
    }
}

// A ledger whose database was damaged (overwritten with garbage, or cut to
// half its size, which sled would recover as a ledger whose last writes
// were cut short) is refused as damaged, naming it: `verify` fails (exit 1,
// as for any failed check), every other command exits 2; nothing is
// written.
#[test]
fn a_damaged_or_truncated_database_is_refused_as_damaged() {
    let d = Desk::with_sources();
    let import = import_file(&d);
    let garbage = d.dir().join("garbage-db");
    damaged_ledger(&d, &garbage, |b| {
        for (i, x) in b.iter_mut().enumerate() {
            *x = u8::try_from(i * 7 % 251).unwrap();
        }
    });
    // Without its snapshot, sled reads a log cut short as one whose last
    // writes were lost in a crash: the ledger would open with 0 entries
    // (without the size mark, `verify` said "ok: 0 entries verified").
    let truncated = d.dir().join("truncated");
    let generated = Command::new(common::bin())
        .args(["bench", "gen", "60", "--seed", "2"])
        .output()
        .unwrap();
    let export = d.file("generated.jsonl", &generated.stdout);
    let o = run_on(
        &d,
        &truncated,
        &["import".into(), "jsonl".into(), s(&export).into()],
    );
    common::assert_success(&o, &["import"]);
    for item in std::fs::read_dir(truncated.join("store")).unwrap() {
        let p = item.unwrap().path();
        if p.file_name()
            .unwrap()
            .to_string_lossy()
            .starts_with("snap.")
        {
            std::fs::remove_file(p).unwrap();
        }
    }
    // Cut to its first 4 KiB: where in the file sled put the entries
    // varies from run to run, so a cut by fraction does not always lose
    // them; this one always does.
    let file = truncated.join("store").join("db");
    let mut bytes = std::fs::read(&file).unwrap();
    bytes.truncate(4096);
    std::fs::write(&file, bytes).unwrap();
    for (dir, says) in [
        (&garbage, "cannot be read back"),
        (&truncated, "held 60 before"),
    ] {
        let before = snapshot(dir);
        for args in commands(&d, &import) {
            let code = if args[0] == "verify" { 1 } else { 2 };
            let line = error_line(&run_on(&d, dir, &args), code);
            eprintln!("damaged: {}: {line}", args.join(" "));
            assert!(
                line.contains("corrupt") && line.contains(says),
                "{args:?}: {line}"
            );
            assert!(line.contains(s(dir)), "{args:?}: {line}");
            assert!(!line.contains("backtrace"), "{args:?}: {line}");
            // sled recovers what it can read each time it opens a database
            // (a damaged one too), rewriting its files; isnad writes nothing,
            // and the ledger is never taken for a shorter one.
            if dir == &garbage {
                assert_eq!(snapshot(dir), before, "{args:?} changed {}", dir.display());
            }
        }
    }
    let mark = std::fs::read_to_string(truncated.join("isnad.size")).unwrap();
    assert_eq!(mark, "60\n");
}

#[test]
fn a_read_only_ledger_refuses_writes_and_keeps_its_data() {
    let Some(fs) = Tmpfs::mount(64 << 20, "a_read_only_ledger") else {
        return;
    };
    let mut d = Desk::with_sources();
    d.add_claim(&d.editor, "Recorded before the remount");
    let import = import_file(&d);
    let ledger = fs.dir.join("ledger");
    common::copy_dir(&d.ledger, &ledger);
    d.ledger = ledger;
    let before = d.state();
    fs.remount("ro");
    for args in commands(&d, &import) {
        let o = run_on(&d, &d.ledger, &args);
        let write = args.iter().any(|a| a == "add" || a == "import");
        if o.status.success() {
            assert!(!write, "{args:?} succeeded on a read-only file system");
            continue;
        }
        let line = error_line(&o, 2);
        eprintln!("read-only: {}: {line}", args.join(" "));
        assert!(line.contains("Read-only file system"), "{args:?}: {line}");
        assert!(line.contains(s(&d.ledger)), "{args:?}: {line}");
        assert_eq!(line.matches("os error").count(), 1, "said once: {line}");
    }
    fs.remount("rw");
    assert_eq!(d.state(), before);
}

/// Writes zeros to `path` until the file system is full.
fn fill(path: &Path) {
    let mut f = std::fs::File::create(path).unwrap();
    let chunk = vec![0u8; 64 * 1024];
    loop {
        if let Err(e) = f.write_all(&chunk) {
            assert_eq!(e.raw_os_error(), Some(28), "ENOSPC: {e}");
            break;
        }
    }
    // What is left is smaller than a chunk: fill it byte by byte.
    while f.write_all(&[0]).is_ok() {}
    let _ = f.sync_all();
}

/// A desk whose ledger lives on a full tmpfs of 16 MiB, after three
/// acknowledged claims, appends until the disk refused one. Returns the
/// desk, the mount, the filler file, the acknowledged ids and the refusal.
fn fill_up(fs: &Tmpfs) -> (Desk, PathBuf, Vec<String>, String) {
    let mut d = Desk::with_sources();
    let ledger = fs.dir.join("ledger");
    common::copy_dir(&d.ledger, &ledger);
    d.ledger = ledger;
    let claim = |text: &str| {
        let mut args = vec!["--json".to_owned(), "--key".to_owned(), s(&d.editor).into()];
        args.extend(common::claim_args(text).map(str::to_owned));
        let o = run_on(&d, &d.ledger, &args);
        if o.status.success() {
            let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
            Ok(v["id"].as_str().unwrap().to_owned())
        } else {
            Err(error_line(&o, 2))
        }
    };
    let mut acknowledged: Vec<String> = (0..3)
        .map(|i| claim(&format!("Claim {i} while there is room")).unwrap())
        .collect();
    let filler = fs.dir.join("filler");
    fill(&filler);
    // The database may still have room in pages it holds: append until the
    // disk refuses one.
    let mut refusal = None;
    for i in 0..500 {
        match claim(&format!("Claim {i} on a full disk")) {
            Ok(id) => acknowledged.push(id),
            Err(line) => {
                refusal = Some(line);
                break;
            }
        }
    }
    let line = refusal.expect("the full disk refused an append");
    (d, filler, acknowledged, line)
}

/// Checks that every acknowledged id is in the export of `d`'s ledger.
fn all_there(d: &Desk, acknowledged: &[String]) {
    let ids: Vec<String> = d
        .export_lines()
        .iter()
        .map(|l| isnad_core::EntryHash::of_leaf(l).to_hex())
        .collect();
    for id in acknowledged {
        assert!(ids.contains(id), "acknowledged {id} is gone");
    }
}

#[test]
fn a_full_disk_refuses_appends_with_one_clear_line() {
    let Some(fs) = Tmpfs::mount(16 << 20, "a_full_disk") else {
        return;
    };
    let (mut d, filler, acknowledged, line) = fill_up(&fs);
    eprintln!(
        "full disk: claim add (after {} acknowledged): {line}",
        acknowledged.len()
    );
    assert!(line.contains("No space left on device"), "{line}");
    assert!(line.contains(s(&d.ledger)), "{line}");
    assert_eq!(line.matches("os error").count(), 1, "said once: {line}");
    let full = d.ledger.clone();
    // An import is refused too (with what the open meets; see the ignored
    // test below). Its file extends the ledger as a copy of it reads now.
    d.ledger = usable_copy(&d, &full, "copy-full");
    let import = import_file(&d);
    d.ledger = full.clone();
    let o = run_on(
        &d,
        &d.ledger,
        &["import".into(), "jsonl".into(), s(&import).into()],
    );
    let line = error_line(&o, 2);
    eprintln!("full disk: import jsonl: {line}");
    assert!(line.contains(s(&d.ledger)), "{line}");
    // Regression: sled's message for an I/O error is Rust's debug form
    // (`Os { code: 28, kind: StorageFull, … }`); the line has the words.
    assert!(!line.contains("Os {") && !line.contains("kind:"), "{line}");
    assert_eq!(line.matches("os error").count(), 1, "said once: {line}");
    // With room again, nothing acknowledged was lost, and the ledger takes
    // appends: checked on a copy, for the reason above.
    std::fs::remove_file(&filler).unwrap();
    d.ledger = usable_copy(&d, &full, "copy-freed");
    all_there(&d, &acknowledged);
    d.add_claim(&d.editor, "Recorded once there was room again");
}

/// A copy of `ledger` in the desk's directory without the empty snapshot
/// file sled leaves behind when it cannot write one (`snap.*.generating`),
/// which stops it opening the ledger at all.
fn usable_copy(d: &Desk, ledger: &Path, name: &str) -> PathBuf {
    let copy = d.dir().join(name);
    common::copy_dir(ledger, &copy);
    for e in std::fs::read_dir(copy.join("store")).unwrap() {
        let p = e.unwrap().path();
        if p.to_string_lossy().ends_with(".generating") {
            std::fs::remove_file(p).unwrap();
        }
    }
    copy
}

// Regression: a failed snapshot write left an empty `db/snap.*.generating`
// file, which sled 0.34 read as the newest snapshot, so every later open
// failed with `Read corrupted data`; opening now removes such files.
#[test]
fn a_full_disk_ledger_opens_again_once_there_is_room() {
    let Some(fs) = Tmpfs::mount(16 << 20, "a_full_disk_ledger_opens_again") else {
        return;
    };
    let (d, filler, acknowledged, _) = fill_up(&fs);
    // A read on the full disk, as someone looking into the failure would.
    let o = run_on(&d, &d.ledger, &["verify".into()]);
    eprintln!(
        "full disk: verify: {:?}",
        String::from_utf8_lossy(&o.stderr)
    );
    std::fs::remove_file(&filler).unwrap();
    all_there(&d, &acknowledged);
    d.add_claim(&d.editor, "Recorded once there was room again");
}
