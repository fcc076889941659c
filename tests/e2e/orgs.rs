//! Organisations and `trust`, the additions of format version 2, through
//! the `isnad` binary: `key enroll --org`, `key rotate [--org]`, `trust`,
//! what `log`, `show` and `verify` make of them, an export verified with no
//! ledger and imported, the independent Python verifier agreeing with
//! `isnad verify-proof` on version 2 entries and on entries whose `v` is
//! wrong, refusals that leave the ledger as it was, docs/FORMAT.md's
//! version 2 example, and the demo (which uses nothing of version 2)
//! exported byte for byte as version 1 wrote it.

use std::path::PathBuf;
use std::process::Output;

use crate::common::*;
use crate::interop::{code, isnad_verify_proof, printed, python_proof};
use isnad_core::checkpoint::Checkpoint;
use isnad_core::proof::InclusionProof;
use isnad_core::{Entry, KeyPair, merkle};
use serde_json::Value;
use sha2::{Digest as _, Sha256};

/// SHA-256 of the demo's export (`isnad demo`, then `export jsonl`), as
/// format version 1 wrote it: version 2 must not change a byte of a ledger
/// that uses nothing it added.
const DEMO_EXPORT_SHA256: &str = "f7124d8c009a2ad7bc3dda6ba1c51b1014832dec09729ae37b2c5b62eb42f650";

/// A desk whose ledger holds its admin, a fact-checker `checker` of
/// `verifica-desk` and an editor of no organisation (3 entries), with the
/// keys' files under the desk's directory.
fn desk() -> Desk {
    let d = Desk::bare();
    d.ok(&["init"]);
    d.ok(&["key", "new", "editor", "--out", s(&d.editor)]);
    d.ok(&["key", "new", "checker", "--out", s(&d.checker)]);
    d.ok(&[
        "key",
        "enroll",
        s(&d.checker),
        "--role",
        "fact-checker",
        "--org",
        "verifica-desk",
        "--holder",
        "Verification desk",
    ]);
    d.ok(&["key", "enroll", s(&d.editor), "--role", "editor"]);
    d
}

/// The `v` of an export line.
fn version(line: &[u8]) -> u64 {
    let v: Value = serde_json::from_slice(line).unwrap();
    v["v"].as_u64().unwrap()
}

/// The `log --json` entries of the desk's ledger.
fn log(d: &Desk) -> Vec<Value> {
    d.json(&["log"]).as_array().unwrap().clone()
}

#[test]
fn enrol_with_an_org_set_trust_export_verify_and_import() {
    let d = desk();
    let trust = d.add(
        &d.ledger.join("keys").join("admin.key"),
        &[
            "trust",
            "verifica-desk",
            "b",
            "--reason",
            "Publishes its corrections",
        ],
    );
    // A handover keeps the organisation: left out, or named again.
    let two = d.dir().join("checker-2.key");
    d.ok(&[
        "--key",
        s(&d.checker),
        "key",
        "rotate",
        "checker-2",
        "--out",
        s(&two),
    ]);
    let three = d.dir().join("checker-3.key");
    d.ok(&[
        "--key",
        s(&two),
        "key",
        "rotate",
        "checker-3",
        "--out",
        s(&three),
        "--org",
        "verifica-desk",
    ]);

    // The versions: genesis and the editor's enrolment, and the rotation
    // that leaves `org` out, are version 1; the rest version 2.
    let lines = d.export_lines();
    let versions: Vec<u64> = lines.iter().map(|l| version(l)).collect();
    assert_eq!(versions, [1, 2, 1, 2, 1, 2]);

    // `log` and `show` say what the entries are.
    let text = d.ok(&["log"]);
    assert!(
        text.contains("enrol checker as fact-checker (org verifica-desk)"),
        "{text}"
    );
    assert!(text.contains("checker verifica-desk grade B"), "{text}");
    assert!(text.contains("rotate checker-2 to checker-3 as fact-checker (org verifica-desk)"));
    let entries = log(&d);
    assert_eq!(entries[3]["id"], trust.as_str());
    assert_eq!(entries[3]["entry"]["kind"], "trust");
    assert_eq!(entries[3]["entry"]["v"], 2);
    assert_eq!(entries[3]["entry"]["body"]["checker"], "verifica-desk");
    assert_eq!(entries[3]["entry"]["body"]["grade"], "B");
    assert_eq!(entries[1]["entry"]["body"]["org"], "verifica-desk");
    assert!(entries[4]["entry"]["body"].get("org").is_none());
    let trusts = d.json(&["log", "--kind", "trust"]);
    assert_eq!(trusts.as_array().map(Vec::len), Some(1));
    let shown = d.ok(&["show", &trust[..8]]);
    assert!(shown.contains("kind    trust"), "{shown}");
    assert!(shown.contains("\"checker\": \"verifica-desk\""), "{shown}");
    let leaf = d.ok(&["show", &trust, "--leaf"]);
    assert!(leaf.ends_with(",\"v\":2}\n"), "{leaf}");

    // The export verifies with no ledger, and imports into a new one that
    // is the same, byte for byte, and applies the same rules after it.
    let export = d.file("export.jsonl", &jsonl(&lines));
    let empty = tempfile::tempdir().unwrap();
    let out = isnad_in(empty.path())
        .args(["--json", "--ledger", "nowhere", "verify", "--export"])
        .arg(&export)
        .output()
        .unwrap();
    assert_success(&out, &["verify --export"]);
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        (v["ok"].as_bool(), v["entries"].as_u64()),
        (Some(true), Some(6))
    );
    let copy = d.dir().join("copy");
    let mut c = isnad_in(d.dir());
    c.args(["--ledger", s(&copy), "import", "jsonl", s(&export)]);
    assert_success(&d.run(&mut c), &["import"]);
    assert_eq!(d.state_at(&copy), d.state());
    let four = d.dir().join("checker-4.key");
    let mut c = isnad_in(d.dir());
    c.args(["--ledger", s(&copy), "--key", s(&three), "key", "rotate"])
        .args(["checker-4", "--out", s(&four), "--org", "other-desk"]);
    let line = error_line(&d.run(&mut c), 2);
    assert!(
        line.contains("body.org") && line.contains("verifica-desk"),
        "{line}"
    );
    assert!(!four.exists(), "the refused rotation's key file is removed");
    d.assert_no_secrets();
}

/// Each refusal exits 2 with one line naming the field, and leaves the
/// ledger exactly as it was.
#[test]
fn refusals_leave_the_ledger_as_it_was() {
    let d = desk();
    let admin = d.ledger.join("keys").join("admin.key");
    let reason = ["--reason", "Publishes its corrections"];
    let trust = |org: &'static str, grade: &'static str| {
        let mut a = vec!["trust", org, grade];
        a.extend_from_slice(&reason);
        a
    };
    // No key names the organisation (a source of that name would not do).
    d.refused(
        Some(&admin),
        &trust("other-desk", "B"),
        &["field `body.checker`", "`other-desk`"],
    );
    // Only an admin sets trust: not the organisation's own checker, nor an
    // editor.
    for key in [&d.checker, &d.editor] {
        d.refused(
            Some(key),
            &trust("verifica-desk", "B"),
            &["no role that may write a trust record"],
        );
    }
    d.refused(
        Some(&admin),
        &trust("verifica-desk", "G"),
        &["`G` is not a grade"],
    );
    d.refused(
        Some(&admin),
        &trust("Verifica", "B"),
        &["field `org`", "organisation slug"],
    );
    d.refused(
        Some(&admin),
        &["trust", "verifica-desk", "B", "--reason", " "],
        &["field `body.reason`"],
    );
    d.refused(
        None,
        &[
            "key",
            "enroll",
            s(&d.editor),
            "--role",
            "editor",
            "--org=-desk",
        ],
        &["field `org`"],
    );
    // A rotation keeps the organisation; a key of none cannot gain one.
    for (key, org, why) in [
        (
            &d.checker,
            "other-desk",
            "belongs to organisation `verifica-desk`",
        ),
        (&d.editor, "verifica-desk", "belongs to no organisation"),
    ] {
        let out = d.dir().join("rotated.key");
        d.refused(
            Some(key),
            &["key", "rotate", "rotated", "--out", s(&out), "--org", org],
            &["field `body.org`", why],
        );
        assert!(!out.exists());
    }
    // And nothing above was written: the export is still the three entries.
    assert_eq!(d.state().entries, 3);
    let after = d.add(&admin, &trust("verifica-desk", "C"));
    assert_eq!(after.len(), 64);
}

/// A log with `lines` as its entries, signed by a log key made here, and
/// an inclusion proof of each entry: so that a line `isnad` would never
/// append (a wrong `v`) can be proven and handed to both verifiers.
struct Log {
    dir: tempfile::TempDir,
    vkey: String,
    proofs: Vec<PathBuf>,
    entries: Vec<PathBuf>,
}

impl Log {
    fn new(lines: &[Vec<u8>]) -> Log {
        let dir = tempfile::tempdir().unwrap();
        let origin = "orgs.isnad.example/log";
        let key = KeyPair::from_seed(origin, &[42; 32]).unwrap();
        let leaves: Vec<merkle::Hash> = lines.iter().map(|l| merkle::leaf_hash(l)).collect();
        let signed = Checkpoint::new(origin, leaves.len() as u64, merkle::root(&leaves))
            .unwrap()
            .into_signed(&key)
            .unwrap();
        let (mut proofs, mut entries) = (Vec::new(), Vec::new());
        for (i, line) in lines.iter().enumerate() {
            let path = merkle::inclusion_proof(&leaves, i as u64).unwrap();
            let proof = InclusionProof::new(i as u64, leaves[i], path, &signed);
            let p = dir.path().join(format!("proof-{i}.json"));
            std::fs::write(&p, serde_json::to_vec(&proof).unwrap()).unwrap();
            let e = dir.path().join(format!("entry-{i}.jsonl"));
            std::fs::write(&e, jsonl(std::slice::from_ref(line))).unwrap();
            proofs.push(p);
            entries.push(e);
        }
        Log {
            vkey: key.verifier().to_string(),
            dir,
            proofs,
            entries,
        }
    }

    /// `isnad verify-proof` and the Python verifier run on entry `i` of
    /// the log.
    fn check(&self, i: usize) -> (Output, Output) {
        assert!(self.dir.path().exists());
        let opts = ["--entry", s(&self.entries[i])];
        (
            isnad_verify_proof(&self.proofs[i], &self.vkey, &opts),
            python_proof(&self.proofs[i], &self.vkey, &opts),
        )
    }
}

/// `line` with its `v` set to `v` and signed again by `key`, so that the
/// signature holds and only the version is wrong.
fn with_version(line: &[u8], v: u64, key: &KeyPair) -> Vec<u8> {
    let mut e: Value = serde_json::from_slice(line).unwrap();
    let obj = e.as_object_mut().unwrap();
    obj.remove("sig");
    obj.insert("v".into(), v.into());
    let mut input = b"isnad-entry-v1\n".to_vec();
    input.extend(isnad_core::canon::to_canonical(&e).unwrap());
    use base64::Engine as _;
    let sig = base64::engine::general_purpose::STANDARD.encode(key.sign(&input));
    e["sig"] = sig.into();
    isnad_core::canon::to_canonical(&e).unwrap()
}

#[test]
fn python_and_isnad_agree_on_version_2_entries() {
    let d = desk();
    d.ok(&[
        "trust",
        "verifica-desk",
        "A",
        "--reason",
        "Signatory of a code",
    ]);
    let two = d.dir().join("checker-2.key");
    d.ok(&[
        "--key",
        s(&d.checker),
        "key",
        "rotate",
        "checker-2",
        "--out",
        s(&two),
    ]);
    let lines = d.export_lines();
    // genesis, checker (org), editor, trust, rotation (no org).
    assert_eq!(lines.len(), 5);
    let admin = d.admin();
    let checker = Desk::keypair(&d.checker);
    let mut all = lines.clone();
    // Each line under the other version, re-signed by its signer, and the
    // trust line under a version that does not exist.
    let signer = |i: usize| if i == 4 { &checker } else { &admin };
    let mut wrong = Vec::new();
    for (i, line) in lines.iter().enumerate() {
        let other = 3 - version(line);
        all.push(with_version(line, other, signer(i)));
        wrong.push(format!("line {i} as v {other}"));
    }
    all.push(with_version(&lines[3], 3, &admin));
    wrong.push("the trust line as v 3".into());
    // The altered lines parse as the library parses: refused, naming `v`.
    for line in &all[lines.len()..] {
        let e = Entry::parse(line).unwrap_err();
        assert_eq!(e.field_name(), Some("v"), "{e}");
    }

    let log = Log::new(&all);
    for i in 0..all.len() {
        let (rust, py) = log.check(i);
        let what = format!("isnad: {}\npython: {}", printed(&rust), printed(&py));
        if i < lines.len() {
            assert_eq!((code(&rust), code(&py)), (0, 0), "line {i}:\n{what}");
            continue;
        }
        // Refused by both, for its version and nothing else.
        let label = &wrong[i - lines.len()];
        assert_eq!((code(&rust), code(&py)), (1, 1), "{label}:\n{what}");
        assert!(
            String::from_utf8_lossy(&rust.stderr).contains("field `v`"),
            "{label}:\n{what}"
        );
        assert!(
            String::from_utf8_lossy(&py.stderr).contains("format version"),
            "{label}:\n{what}"
        );
    }
    // The real log agrees: `isnad prove` of the trust entry, checked by both.
    let trust_id = log_id(&d, 3);
    let proof = d.file("trust-proof.json", d.ok(&["prove", &trust_id]).as_bytes());
    let entry = d.file(
        "trust.jsonl",
        d.ok(&["show", &trust_id, "--leaf"]).as_bytes(),
    );
    let vkey = d.ok(&["checkpoint", "--vkey"]).trim().to_owned();
    let opts = ["--entry", s(&entry)];
    let rust = isnad_verify_proof(&proof, &vkey, &opts);
    let py = python_proof(&proof, &vkey, &opts);
    assert_eq!(
        (code(&rust), code(&py)),
        (0, 0),
        "{}\n{}",
        printed(&rust),
        printed(&py)
    );
}

/// The id of entry `i` of the desk's ledger.
fn log_id(d: &Desk, i: usize) -> String {
    log(d)[i]["id"].as_str().unwrap().to_owned()
}

/// The demo uses nothing of version 2: every line is `v` 1 and the export
/// is the same bytes version 1 wrote.
#[test]
fn the_demo_exports_exactly_as_version_1_did() {
    let dir = tempfile::tempdir().unwrap();
    let ledger = build_demo(dir.path());
    let out = isnad_in(dir.path())
        .args(["--ledger", s(&ledger), "export", "jsonl"])
        .output()
        .unwrap();
    assert_success(&out, &["export jsonl"]);
    assert!(
        out.stdout
            .split(|b| *b == b'\n')
            .filter(|l| !l.is_empty())
            .all(|l| l.ends_with(b",\"v\":1}"))
    );
    assert_eq!(hex::encode(Sha256::digest(&out.stdout)), DEMO_EXPORT_SHA256);
}

/// The lines of the fenced block after `marker` in `text`.
fn block_after<'a>(text: &'a str, marker: &str) -> &'a str {
    text.split(marker)
        .nth(1)
        .unwrap_or_else(|| panic!("FORMAT.md has {marker:?}"))
        .split("```\n")
        .nth(1)
        .expect("a code block after it")
}

/// docs/FORMAT.md's version 2 example is an export `isnad` verifies, with
/// the ids, hashes and versions the section states.
#[test]
fn format_md_version_2_example_holds() {
    let format = std::fs::read_to_string(repo().join("docs/FORMAT.md")).unwrap();
    let section = format
        .split("### A version 2 example")
        .nth(1)
        .expect("FORMAT.md has the version 2 example")
        .split("\n## ")
        .next()
        .unwrap();
    let lines: Vec<Vec<u8>> = block_after(section, "`trust` is signed by the founding")
        .lines()
        .map(|l| l.as_bytes().to_vec())
        .collect();
    assert_eq!(lines.len(), 3);
    let export = jsonl(&lines);
    let file_hash = hex::encode(Sha256::digest(&export));
    assert!(
        section.contains(&file_hash),
        "FORMAT.md should give {file_hash}"
    );
    for (i, line) in lines.iter().enumerate() {
        let id = hex::encode(merkle::leaf_hash(line));
        let row = format!("| {} | {i} | {} | `{id}` |", i + 1, version(line));
        assert!(section.contains(&row), "FORMAT.md should have {row:?}");
    }
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("export-v2.jsonl");
    std::fs::write(&path, &export).unwrap();
    let out = isnad_in(dir.path())
        .args(["--ledger", "nowhere", "verify", "--export"])
        .arg(&path)
        .output()
        .unwrap();
    assert_success(&out, &["verify --export"]);
    let said = String::from_utf8(out.stdout).unwrap();
    let head = hex::encode(merkle::leaf_hash(&lines[2]));
    assert_eq!(said, format!("ok: 3 entries verified, head {head}\n"));
    // The signing input and content key of line 3.
    let e = Entry::parse(&lines[2]).unwrap();
    let input = e.signing_input().unwrap();
    assert_eq!(input.len(), 304);
    assert!(section.contains(&hex::encode(Sha256::digest(&input))));
    assert!(section.contains(&hex::encode(e.content_key().unwrap())));
    assert!(section.contains(&format!("Line 3 is {} bytes", lines[2].len())));
    // What it says of the same line under version 1.
    let e = Entry::parse(&with_version_unsigned(&lines[2], 1)).unwrap_err();
    let msg = e.to_string();
    let quoted = msg.replace("format version 2, not 1", "format\nversion 2, not 1");
    assert!(section.contains(&quoted) || section.contains(&msg), "{msg}");
}

/// `line` with its `v` changed and its signature left as it was (parsing
/// does not check signatures).
fn with_version_unsigned(line: &[u8], v: u64) -> Vec<u8> {
    let mut e: Value = serde_json::from_slice(line).unwrap();
    e["v"] = v.into();
    isnad_core::canon::to_canonical(&e).unwrap()
}
