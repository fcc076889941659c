//! Interoperability with a second, independent verifier:
//! `tests/interop/isnad_verify.py`, written in Python (standard library only)
//! from `docs/FORMAT.md` and the public specifications, without the Rust
//! sources. It must open the demo ledger's signed checkpoint, accept every
//! inclusion and consistency proof `isnad prove` makes, and agree with
//! `isnad verify-proof` on every tampered or unusual proof below.
//!
//! Python 3 must be on PATH as `python3`. Without it these tests fail rather
//! than skip, so that a machine without Python cannot pass them silently.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use crate::common::*;
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use ed25519_dalek::{Signer as _, SigningKey};
use isnad_core::merkle;
use serde_json::{Value, json};
use sha2::{Digest as _, Sha256};
use tempfile::TempDir;

/// The number of entries `isnad demo` writes (FORMAT.md section 14).
const DEMO_ENTRIES: usize = 35;

/// Runs the Python verifier with `args`.
///
/// `-I -S` (isolated, no `site`) keeps the environment and any installed
/// packages out, so the verifier is seen to need the standard library only;
/// it also cuts Python's start-up time, which dominates these tests.
pub(crate) fn python(args: &[&str]) -> Output {
    let script = repo().join("tests/interop").join("isnad_verify.py");
    Command::new("python3")
        .args(["-I", "-S"])
        .arg(script)
        .args(args)
        .output()
        .unwrap_or_else(|e| {
            panic!(
                "cannot run `python3` ({e}): the interop tests need Python 3 on PATH \
                 (standard library only, no packages)"
            )
        })
}

/// The exit code of a finished process (a signal counts as a failure).
pub(crate) fn code(out: &Output) -> i32 {
    out.status.code().unwrap_or(-1)
}

/// What a process printed, for assertion messages.
pub(crate) fn printed(out: &Output) -> String {
    format!(
        "exit {:?}; stdout: {:?}; stderr: {:?}",
        out.status.code(),
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

fn b64(bytes: &[u8]) -> String {
    STANDARD.encode(bytes)
}

/// The demo ledger in a temp directory, with its log key and entry ids.
struct Demo {
    tmp: TempDir,
    ledger: PathBuf,
    /// The log's verifier key string.
    vkey: String,
    /// Entry ids in `seq` order.
    ids: Vec<String>,
}

impl Demo {
    fn new() -> Demo {
        let tmp = tempfile::tempdir().unwrap();
        let ledger = tmp.path().join("demo");
        let out = isnad_in(tmp.path())
            .arg("demo")
            .arg(&ledger)
            .output()
            .unwrap();
        assert_success(&out, &["demo"]);
        let mut d = Demo {
            tmp,
            ledger,
            vkey: String::new(),
            ids: Vec::new(),
        };
        d.vkey = d.ok(&["checkpoint", "--vkey"]).trim().to_owned();
        let log: Value = serde_json::from_str(&d.ok(&["--json", "log"])).unwrap();
        d.ids = log
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["id"].as_str().unwrap().to_owned())
            .collect();
        assert_eq!(d.ids.len(), DEMO_ENTRIES);
        d
    }

    /// Runs `isnad --ledger DEMO ARGS…`, checks it succeeded, returns stdout.
    fn ok(&self, args: &[&str]) -> String {
        let out = isnad_in(self.tmp.path())
            .arg("--ledger")
            .arg(&self.ledger)
            .args(args)
            .output()
            .unwrap();
        assert_success(&out, args);
        String::from_utf8(out.stdout).unwrap()
    }

    /// Writes `bytes` to `name` in the temp directory.
    fn file(&self, name: &str, bytes: impl AsRef<[u8]>) -> PathBuf {
        let p = self.tmp.path().join(name);
        std::fs::write(&p, bytes).unwrap();
        p
    }

    /// `isnad prove ARGS…`, parsed.
    fn prove(&self, args: &[&str]) -> Value {
        let mut a = vec!["prove"];
        a.extend_from_slice(args);
        serde_json::from_str(&self.ok(&a)).unwrap()
    }
}

/// `isnad verify-proof PROOF --vkey VKEY OPTS…`, with no ledger at hand: run
/// from an empty directory with `--ledger` pointing nowhere.
pub(crate) fn isnad_verify_proof(proof: &Path, vkey: &str, opts: &[&str]) -> Output {
    let empty = tempfile::tempdir().unwrap();
    isnad_in(empty.path())
        .args(["--ledger", "no-such-ledger", "verify-proof"])
        .arg(proof)
        .args(["--vkey", vkey])
        .args(opts)
        .output()
        .unwrap()
}

/// `isnad_verify.py proof PROOF VKEY OPTS…`.
pub(crate) fn python_proof(proof: &Path, vkey: &str, opts: &[&str]) -> Output {
    let mut a = vec!["proof", s(proof), vkey];
    a.extend_from_slice(opts);
    python(&a)
}

/// A 44-character base64 hash with its first digit changed: still valid
/// base64 of 32 bytes, but another hash.
fn other_hash(h: &Value) -> Value {
    let h = h.as_str().unwrap();
    let c = if h.starts_with('A') { "B" } else { "A" };
    format!("{c}{}", &h[1..]).into()
}

/// The indexes of the first and the last item of a non-empty JSON array.
fn first_and_last(list: &Value) -> Vec<usize> {
    let n = list.as_array().unwrap().len();
    assert!(n > 0, "a proof with hashes");
    if n == 1 { vec![0] } else { vec![0, n - 1] }
}

/// `v` with member `field` set to `x`.
fn with(v: &Value, field: &str, x: Value) -> Value {
    let mut w = v.clone();
    w[field] = x;
    w
}

/// `v` with its signed note replaced by `note`.
fn with_note(v: &Value, note: &str) -> Value {
    with(v, "checkpoint", note.into())
}

/// The signed note of a proof.
fn note_of(v: &Value) -> &str {
    v["checkpoint"].as_str().unwrap()
}

/// A C2SP key made here, to sign notes the log never would.
struct NoteKey {
    name: String,
    key: SigningKey,
}

impl NoteKey {
    fn new(name: &str, seed: u8) -> NoteKey {
        NoteKey {
            name: name.to_owned(),
            key: SigningKey::from_bytes(&[seed; 32]),
        }
    }

    /// SHA-256(name ‖ 0x0A ‖ 0x01 ‖ A)[..4] (FORMAT.md section 6).
    fn id(&self) -> [u8; 4] {
        let mut h = Sha256::new();
        h.update(self.name.as_bytes());
        h.update([0x0a, 0x01]);
        h.update(self.key.verifying_key().as_bytes());
        let d = h.finalize();
        [d[0], d[1], d[2], d[3]]
    }

    fn vkey(&self) -> String {
        let mut raw = vec![0x01];
        raw.extend_from_slice(self.key.verifying_key().as_bytes());
        format!("{}+{}+{}", self.name, hex::encode(self.id()), b64(&raw))
    }

    /// The signature line for `text`, claiming key id `id`.
    fn line_as(&self, id: [u8; 4], text: &str) -> String {
        let mut blob = id.to_vec();
        blob.extend_from_slice(&self.key.sign(text.as_bytes()).to_bytes());
        format!("\u{2014} {} {}\n", self.name, b64(&blob))
    }

    /// A signed note of `text` by this key alone.
    fn note(&self, text: &str) -> String {
        format!("{text}\n{}", self.line_as(self.id(), text))
    }
}

/// A note's text: everything before its last empty line, with its newline.
fn text_of(note: &str) -> &str {
    let split = note.rfind("\n\n").unwrap();
    &note[..=split]
}

#[test]
fn python_selftest_passes_on_the_vectors() {
    let vectors = repo().join("tests/vectors");
    let out = python(&["selftest", s(&vectors)]);
    assert_eq!(code(&out), 0, "{}", printed(&out));
    let stdout = String::from_utf8(out.stdout).unwrap();
    for part in ["merkle:", "ed25519:", "signed-note:"] {
        assert!(stdout.contains(part), "{stdout}");
    }
}

#[test]
fn python_opens_the_demo_checkpoint() {
    let d = Demo::new();
    let note = d.ok(&["checkpoint"]);
    let cp = d.file("demo.cp", &note);
    // The expected values come from the ledger itself: the origin is the
    // log key's name, and the root is computed from the exported lines.
    let origin = d.vkey.split('+').next().unwrap();
    let leaves: Vec<merkle::Hash> = d
        .ok(&["export", "jsonl"])
        .lines()
        .map(|l| merkle::leaf_hash(l.as_bytes()))
        .collect();
    assert_eq!(leaves.len(), DEMO_ENTRIES);
    let want = format!("{origin} {DEMO_ENTRIES} {}\n", b64(&merkle::root(&leaves)));
    let vkey_file = d.file("log.vkey", format!("{}\n", d.vkey));
    for vkey in [d.vkey.as_str(), s(&vkey_file)] {
        let out = python(&["checkpoint", s(&cp), vkey]);
        assert_eq!(code(&out), 0, "{}", printed(&out));
        assert_eq!(String::from_utf8(out.stdout).unwrap(), want);
    }
    let out = python(&["note", s(&cp), &d.vkey]);
    assert_eq!(code(&out), 0, "{}", printed(&out));
    assert_eq!(String::from_utf8(out.stdout).unwrap(), text_of(&note));
    // Under another key, the note does not open.
    let stranger = NoteKey::new(origin, 9).vkey();
    let out = python(&["checkpoint", s(&cp), &stranger]);
    assert_eq!(code(&out), 1, "{}", printed(&out));
}

#[test]
fn every_demo_entry_proves_in_python() {
    let d = Demo::new();
    for (i, id) in d.ids.iter().enumerate() {
        let proof = d.file("proof.json", d.ok(&["prove", id]));
        let entry = d.file("entry.jsonl", d.ok(&["show", id, "--leaf"]));
        let out = python_proof(&proof, &d.vkey, &["--entry", s(&entry)]);
        assert_eq!(code(&out), 0, "entry {i}: {}", printed(&out));
        let stdout = String::from_utf8(out.stdout).unwrap();
        assert!(
            stdout.contains(&format!("leaf {i} ")),
            "entry {i}: {stdout}"
        );
    }
}

#[test]
fn every_old_size_is_consistent_with_the_demo_in_python() {
    let d = Demo::new();
    for m in 1..=DEMO_ENTRIES {
        let proof = d.file("c.json", d.ok(&["prove", "--consistency", &m.to_string()]));
        let out = python_proof(&proof, &d.vkey, &[]);
        assert_eq!(code(&out), 0, "from {m}: {}", printed(&out));
    }
    // The demo signed only its final checkpoint, so that is the one old
    // checkpoint a proof can start from.
    let cp = d.file("demo.cp", d.ok(&["checkpoint"]));
    let proof = d.file(
        "c.json",
        d.ok(&["prove", "--consistency", &DEMO_ENTRIES.to_string()]),
    );
    let out = python_proof(&proof, &d.vkey, &["--old", s(&cp)]);
    assert_eq!(code(&out), 0, "{}", printed(&out));
}

/// A proof document (or raw bytes standing for one) and the options to
/// check it with.
struct Case {
    what: String,
    proof: Vec<u8>,
    opts: Vec<String>,
    vkey: String,
}

impl Case {
    fn new(what: impl Into<String>, proof: &Value, vkey: &str) -> Case {
        Case::raw(what, proof.to_string(), vkey)
    }

    fn raw(what: impl Into<String>, proof: impl Into<Vec<u8>>, vkey: &str) -> Case {
        Case {
            what: what.into(),
            proof: proof.into(),
            opts: Vec::new(),
            vkey: vkey.to_owned(),
        }
    }

    fn opt(mut self, flag: &str, path: &Path) -> Case {
        self.opts.extend([flag.to_owned(), s(path).to_owned()]);
        self
    }

    /// Runs both verifiers on the case, with the proof written into `dir`,
    /// and returns (Python's exit code, isnad's exit code) after checking
    /// that each printed one line on stderr exactly when it failed.
    fn run(&self, dir: &Path) -> (i32, i32) {
        let proof = dir.join("proof.json");
        std::fs::write(&proof, &self.proof).unwrap();
        let opts: Vec<&str> = self.opts.iter().map(String::as_str).collect();
        let py = python_proof(&proof, &self.vkey, &opts);
        let rs = isnad_verify_proof(&proof, &self.vkey, &opts);
        for out in [&py, &rs] {
            let stderr_lines = String::from_utf8_lossy(&out.stderr).lines().count();
            let want = usize::from(code(out) != 0);
            assert_eq!(stderr_lines, want, "{}: {}", self.what, printed(out));
        }
        (code(&py), code(&rs))
    }
}

/// Runs every case, several at a time, and returns each with both codes.
fn run_all(cases: &[Case]) -> Vec<(&Case, i32, i32)> {
    let workers = std::thread::available_parallelism().map_or(4, usize::from);
    let chunk = cases.len().div_ceil(workers).max(1);
    std::thread::scope(|scope| {
        let handles: Vec<_> = cases
            .chunks(chunk)
            .map(|part| {
                scope.spawn(move || {
                    let dir = tempfile::tempdir().unwrap();
                    part.iter()
                        .map(|c| {
                            let (py, rs) = c.run(dir.path());
                            (c, py, rs)
                        })
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        handles
            .into_iter()
            .flat_map(|h| h.join().unwrap())
            .collect()
    })
}

#[test]
fn tampered_proofs_fail_in_python_and_in_isnad() {
    let d = Demo::new();
    let origin = d.vkey.split('+').next().unwrap().to_owned();
    let log_id: [u8; 4] = hex::decode(d.vkey.split('+').nth(1).unwrap())
        .unwrap()
        .try_into()
        .unwrap();
    let stranger = NoteKey::new(&origin, 9);
    let mut cases = Vec::new();

    // Notes that must not open under the log key. Opening the note does not
    // depend on the proof, so each is tried with one proof of each kind.
    let note = d.ok(&["checkpoint"]);
    let text = text_of(&note);
    let bad_notes = [
        ("altered size", note.replacen("\n35\n", "\n34\n", 1)),
        ("altered origin", note.replacen('\n', "x\n", 1)),
        ("signed by another key", stranger.note(text)),
        (
            "signed by another key under the log's key id",
            format!("{text}\n{}", stranger.line_as(log_id, text)),
        ),
    ];

    // The first and the last leaf, and a complete and an incomplete old
    // tree: paths of different shapes. Each change costs two processes, so
    // only the first and the last hash of each proof is changed.
    for i in [0, DEMO_ENTRIES - 1] {
        let v = d.prove(&[&d.ids[i]]);
        let other = (i + 1) % DEMO_ENTRIES;
        let what = |s: &str| format!("inclusion {i}: {s}");
        for h in first_and_last(&v["hashes"]) {
            let mut w = v.clone();
            w["hashes"][h] = other_hash(&v["hashes"][h]);
            cases.push(Case::new(what(&format!("hash {h}")), &w, &d.vkey));
        }
        let index = v["index"].as_u64().unwrap();
        let size = v["tree_size"].as_u64().unwrap();
        for (field, x) in [
            ("index", json!((index + 1) % size)),
            ("tree_size", json!(size + 1)),
            ("tree_size", json!(size - 1)),
            ("root_hash", other_hash(&v["root_hash"])),
            ("leaf_hash", other_hash(&v["leaf_hash"])),
        ] {
            cases.push(Case::new(what(field), &with(&v, field, x), &d.vkey));
        }
        if i == 0 {
            for (name, bad) in &bad_notes {
                cases.push(Case::new(what(name), &with_note(&v, bad), &d.vkey));
            }
        }
        let line = d.file(
            &format!("entry-{other}.jsonl"),
            d.ok(&["show", &d.ids[other], "--leaf"]),
        );
        cases.push(Case::new(what("another entry's line"), &v, &d.vkey).opt("--entry", &line));
    }

    for m in [1, 32] {
        let v = d.prove(&["--consistency", &m.to_string()]);
        let what = |s: &str| format!("consistency from {m}: {s}");
        for h in first_and_last(&v["hashes"]) {
            let mut w = v.clone();
            w["hashes"][h] = other_hash(&v["hashes"][h]);
            cases.push(Case::new(what(&format!("hash {h}")), &w, &d.vkey));
        }
        for (field, x) in [
            ("old_size", json!(m + 1)),
            ("old_size", json!(m - 1)),
            ("new_size", json!(DEMO_ENTRIES + 1)),
            ("old_root", other_hash(&v["old_root"])),
            ("new_root", other_hash(&v["new_root"])),
        ] {
            cases.push(Case::new(what(field), &with(&v, field, x), &d.vkey));
        }
        if m == 1 {
            for (name, bad) in &bad_notes {
                cases.push(Case::new(what(name), &with_note(&v, bad), &d.vkey));
            }
        }
        let cp = d.file("demo.cp", &note);
        cases.push(Case::new(what("--old of size 35"), &v, &d.vkey).opt("--old", &cp));
    }

    for (c, py, rs) in run_all(&cases) {
        assert_eq!((py, rs), (1, 1), "{}: (python, isnad) exit codes", c.what);
    }
}

/// `b64` (padded, so its last digit has unused low bits) with the lowest of
/// those bits set: the same bytes to a lenient decoder, not canonical.
fn loosen_base64(b64: &str) -> String {
    const DIGITS: &str = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let data = b64.trim_end_matches('=');
    assert!(data.len() < b64.len(), "{b64} has no padding");
    let last = DIGITS.find(&data[data.len() - 1..]).unwrap() ^ 1;
    format!(
        "{}{}{}",
        &data[..data.len() - 1],
        &DIGITS[last..=last],
        &b64[data.len()..]
    )
}

/// Adds the group order L to the little-endian scalar `s` of a signature:
/// the same point equation, but `s` is no longer below L.
fn plus_group_order(s: &mut [u8]) {
    // L = 2^252 + 27742317777372353535851937790883648493, little-endian.
    let l =
        hex::decode("edd3f55c1a631258d69cf7a2def9de1400000000000000000000000000000010").unwrap();
    let mut carry = 0u16;
    for (b, x) in s.iter_mut().zip(l) {
        let sum = u16::from(*b) + u16::from(x) + carry;
        *b = sum.to_le_bytes()[0];
        carry = sum >> 8;
    }
    assert_eq!(carry, 0, "s + L fits in 32 bytes since s < L < 2^253");
}

/// Cases where `isnad verify-proof` is known to differ from FORMAT.md and
/// the Python verifier: the case, isnad's exit code, and why. The test fails
/// when isnad's behaviour changes, so a fix must remove the entry here.
const KNOWN_DIFFERENCES: &[(&str, i32, &str)] = &[];

#[test]
fn python_and_isnad_agree_on_unusual_proofs() {
    let d = Demo::new();
    let vk = d.vkey.as_str();
    let inc = d.prove(&[&d.ids[17]]);
    let con = d.prove(&["--consistency", "20"]);
    let note = note_of(&inc).to_owned();
    let text = text_of(&note).to_owned();
    let sig_line = note[text.len() + 1..].to_owned();
    let stranger = NoteKey::new("stranger.example/log", 9);
    let stranger_line = stranger.line_as(stranger.id(), &text);
    // Each case, and whether FORMAT.md says it holds (exit 0) or not.
    let mut cases: Vec<Case> = Vec::new();
    let mut holds: Vec<bool> = Vec::new();
    let mut add = |case: Case, ok: bool| {
        cases.push(case);
        holds.push(ok);
    };

    // The proof as made, with the entry line as a file may hold it.
    let line = d.ok(&["show", &d.ids[17], "--leaf"]);
    let entry = d.file("entry.jsonl", &line);
    add(
        Case::new("entry line", &inc, vk).opt("--entry", &entry),
        true,
    );
    let bare = d.file("bare.jsonl", line.trim_end_matches('\n'));
    add(
        Case::new("entry line without newline", &inc, vk).opt("--entry", &bare),
        true,
    );
    let crlf = d.file("crlf.jsonl", line.replace('\n', "\r\n"));
    add(
        Case::new("entry line with CRLF", &inc, vk).opt("--entry", &crlf),
        false,
    );

    // Inclusion members out of range or of the wrong type.
    for (what, field, x) in [
        ("index = tree_size", "index", inc["tree_size"].clone()),
        ("index as a float", "index", json!(17.0)),
        ("negative index", "index", json!(-1)),
        ("tree_size 0", "tree_size", json!(0)),
        ("no hashes", "hashes", json!([])),
        (
            "131 hashes",
            "hashes",
            json!(vec![inc["hashes"][0].clone(); 131]),
        ),
        ("a hash not base64", "root_hash", json!("!".repeat(44))),
        ("a hash of 31 bytes", "root_hash", json!(b64(&[7; 31]))),
        (
            "a hash in non-canonical base64",
            "root_hash",
            json!(loosen_base64(inc["root_hash"].as_str().unwrap())),
        ),
    ] {
        add(Case::new(what, &with(&inc, field, x), vk), false);
    }
    let big = inc
        .to_string()
        .replacen("\"tree_size\":35", "\"tree_size\":18446744073709551616", 1);
    add(Case::raw("tree_size 2^64", big, vk), false);

    // Documents that are not proofs, and options that do not fit.
    add(
        Case::new("an extra member", &with(&inc, "extra", json!(1)), vk),
        false,
    );
    let mut missing = inc.clone();
    missing.as_object_mut().unwrap().remove("checkpoint");
    add(Case::new("no checkpoint member", &missing, vk), false);
    add(
        Case::new(
            "members of both kinds",
            &with(&inc, "old_size", json!(1)),
            vk,
        ),
        false,
    );
    add(Case::raw("not JSON", "{", vk), false);
    // `index` 5, then the proof's own 17: a reader that keeps the first
    // would check another leaf than one that keeps the last.
    let repeated = inc.to_string().replacen('{', "{\"index\":5,", 1);
    add(Case::raw("a repeated member", repeated, vk), false);
    add(
        Case::new("--old with an inclusion proof", &inc, vk).opt("--old", &entry),
        false,
    );
    add(
        Case::new("--entry with a consistency proof", &con, vk).opt("--entry", &entry),
        false,
    );

    // Consistency between sizes FORMAT.md treats specially.
    let con_from = |old: usize, old_root: &Value, hashes: Value| {
        let mut w = con.clone();
        w["old_size"] = old.into();
        w["old_root"] = old_root.clone();
        w["hashes"] = hashes;
        w
    };
    let new_root = con["new_root"].clone();
    let n = DEMO_ENTRIES;
    for (what, w, ok) in [
        (
            "from size 0",
            con_from(0, &json!(STANDARD.encode(merkle::empty_root())), json!([])),
            true,
        ),
        (
            "from size 0 with a root other than the empty tree's",
            con_from(0, &con["old_root"], json!([])),
            false,
        ),
        ("equal sizes", con_from(n, &new_root, json!([])), true),
        (
            "equal sizes with a hash",
            con_from(n, &new_root, con["hashes"].clone()),
            false,
        ),
        (
            "equal sizes, another root",
            con_from(n, &other_hash(&new_root), json!([])),
            false,
        ),
        (
            "old size above new",
            con_from(n + 1, &new_root, json!([])),
            false,
        ),
    ] {
        add(Case::new(what, &w, vk), ok);
    }
    let from_32 = d.prove(&["--consistency", "32"]);
    add(Case::new("from a power of two", &from_32, vk), true);
    let mut short = from_32.clone();
    short["hashes"].as_array_mut().unwrap().remove(0);
    add(
        Case::new("from a power of two, a hash short", &short, vk),
        false,
    );

    // The log's signed note, rearranged.
    for (what, bad, ok) in [
        (
            "an unknown signer after",
            format!("{note}{stranger_line}"),
            true,
        ),
        (
            "an unknown signer before",
            format!("{text}\n{stranger_line}{sig_line}"),
            true,
        ),
        (
            "99 unknown signers",
            format!("{note}{}", stranger_line.repeat(99)),
            true,
        ),
        (
            "100 unknown signers",
            format!("{note}{}", stranger_line.repeat(100)),
            false,
        ),
        (
            "the signature line twice",
            format!("{note}{sig_line}"),
            true,
        ),
        ("CRLF", note.replace('\n', "\r\n"), false),
        (
            "no final newline",
            note.trim_end_matches('\n').to_owned(),
            false,
        ),
        ("an empty line at the end", format!("{note}\n"), false),
        (
            "an empty line in the text",
            note.replacen('\n', "\n\n", 1),
            false,
        ),
        (
            "a hyphen for the dash",
            note.replacen('\u{2014}', "-", 1),
            false,
        ),
        (
            "two spaces before the signature",
            note.replacen(" NKd1", "  NKd1", 1),
            false,
        ),
        (
            "a '+' in an unknown name",
            format!("{note}\u{2014} a+b AAAAAAAA\n"),
            false,
        ),
        (
            "an unknown 3-byte signature",
            format!("{note}\u{2014} x AAAA\n"),
            false,
        ),
        (
            "an unknown name of 129 bytes",
            format!("{note}\u{2014} {} AAAAAAAA\n", "a".repeat(129)),
            false,
        ),
        (
            "an unknown name not in NFC",
            format!("{note}\u{2014} e\u{301} AAAAAAAA\n"),
            false,
        ),
    ] {
        add(
            Case::new(format!("note: {what}"), &with_note(&inc, &bad), vk),
            ok,
        );
    }
    // The log's signature itself, bent.
    let blob_b64 = sig_line.trim_end().rsplit(' ').next().unwrap().to_owned();
    let blob = STANDARD.decode(&blob_b64).unwrap();
    let mut s_plus_l = blob.clone();
    plus_group_order(&mut s_plus_l[36..]);
    for (what, sig) in [
        ("a 67-byte signature", b64(&blob[..67])),
        ("s + L", b64(&s_plus_l)),
        ("non-canonical base64", loosen_base64(&blob_b64)),
        ("unpadded base64", blob_b64.trim_end_matches('=').to_owned()),
    ] {
        let bad = note.replacen(&blob_b64, &sig, 1);
        add(
            Case::new(format!("signature: {what}"), &with_note(&inc, &bad), vk),
            false,
        );
    }

    // Checkpoints the log would never sign, signed here by a key of our own
    // and carried by a consistency proof between equal sizes (which needs no
    // hashes), so that only the note and the checkpoint text are tested.
    let ours = NoteKey::new("interop.example/log", 42);
    let root = b64(&[7; 32]);
    let checkpoint_doc = |text: &str, size: Value| {
        let mut w = con.clone();
        w["origin"] = text.lines().next().unwrap().into();
        w["old_size"] = size.clone();
        w["new_size"] = size;
        w["old_root"] = root.clone().into();
        w["new_root"] = root.clone().into();
        w["hashes"] = json!([]);
        w["checkpoint"] = ours.note(text).into();
        w
    };
    let o = ours.name.as_str();
    let plain = checkpoint_doc(&format!("{o}\n5\n{root}\n"), json!(5));
    add(Case::new("checkpoint: plain", &plain, &ours.vkey()), true);
    for (what, text, size, ok) in [
        (
            "an extension line",
            format!("{o}\n5\n{root}\nnote: x\n"),
            json!(5),
            true,
        ),
        ("size 0", format!("{o}\n0\n{root}\n"), json!(0), true),
        (
            "size 2^64 - 1",
            format!("{o}\n18446744073709551615\n{root}\n"),
            json!(u64::MAX),
            true,
        ),
        (
            "size 2^64",
            format!("{o}\n18446744073709551616\n{root}\n"),
            json!(0),
            false,
        ),
        (
            "a leading zero",
            format!("{o}\n05\n{root}\n"),
            json!(5),
            false,
        ),
        ("a plus sign", format!("{o}\n+5\n{root}\n"), json!(5), false),
        (
            "an unpadded root",
            format!("{o}\n5\n{}\n", root.trim_end_matches('=')),
            json!(5),
            false,
        ),
        (
            "a 31-byte root",
            format!("{o}\n5\n{}\n", b64(&[7; 31])),
            json!(5),
            false,
        ),
        ("two lines", format!("{o}\n5\n"), json!(5), false),
        (
            "a tab in an extension line",
            format!("{o}\n5\n{root}\na\tb\n"),
            json!(5),
            false,
        ),
        (
            "a DEL in an extension line",
            format!("{o}\n5\n{root}\na\u{7f}b\n"),
            json!(5),
            false,
        ),
        (
            "a C1 control in an extension line",
            format!("{o}\n5\n{root}\na\u{85}b\n"),
            json!(5),
            false,
        ),
        (
            "a space in the origin",
            format!("a b\n5\n{root}\n"),
            json!(5),
            false,
        ),
        (
            "an origin other than the key's name",
            format!("other.example/log\n5\n{root}\n"),
            json!(5),
            false,
        ),
    ] {
        let w = checkpoint_doc(&text, size);
        add(
            Case::new(format!("checkpoint: {what}"), &w, &ours.vkey()),
            ok,
        );
    }

    // Verifier key strings that do not parse.
    let id = hex::encode(ours.id());
    let key_b64 = ours.vkey().splitn(3, '+').nth(2).unwrap().to_owned();
    for (what, bad) in [
        (
            "uppercase key id",
            format!("{o}+{}+{key_b64}", id.to_uppercase()),
        ),
        ("wrong key id", format!("{o}+00000000+{key_b64}")),
    ] {
        add(Case::new(format!("vkey: {what}"), &plain, &bad), false);
    }

    let mut disagreements = Vec::new();
    for ((c, py, rs), ok) in run_all(&cases).into_iter().zip(holds) {
        if let Some((_, code, why)) = KNOWN_DIFFERENCES.iter().find(|k| k.0 == c.what) {
            assert_eq!(
                (py == 0, rs),
                (ok, *code),
                "{}: a known difference changed ({why}); if isnad was fixed, \
                 remove it from KNOWN_DIFFERENCES",
                c.what
            );
        } else if py != rs || (py == 0) != ok {
            disagreements.push(format!(
                "{}: python exits {py}, isnad {rs}; FORMAT.md says it {}",
                c.what,
                if ok { "holds" } else { "does not hold" }
            ));
        }
    }
    assert!(disagreements.is_empty(), "{disagreements:#?}");
}
