//! End-to-end tests of the transparency log through the `isnad` binary:
//! `checkpoint`, `prove`, `verify-proof` (with no ledger) and
//! `verify --since`, including a forked ledger and tampered proofs.

use std::path::PathBuf;

use crate::common::*;
use isnad_core::checkpoint::Checkpoint;
use isnad_core::merkle;
use serde_json::Value;

/// Writes `text` to a file in the desk's directory and returns its path.
fn file(d: &Desk, name: &str, text: &str) -> PathBuf {
    let p = d.dir().join(name);
    std::fs::write(&p, text).unwrap();
    p
}

/// The RFC 6962 root of the ledger's export, computed here from the lines.
fn root_of_export(d: &Desk) -> (u64, merkle::Hash) {
    let export = d.ok(&["export", "jsonl"]);
    let leaves: Vec<merkle::Hash> = export
        .lines()
        .map(|l| merkle::leaf_hash(l.as_bytes()))
        .collect();
    (leaves.len() as u64, merkle::root(&leaves))
}

fn vkey(d: &Desk) -> String {
    d.ok(&["checkpoint", "--vkey"]).trim().to_owned()
}

/// `verify-proof` with no ledger at all: run from an empty directory, with
/// `--ledger` pointing nowhere.
fn verify_proof(d: &Desk, args: &[&str]) -> std::process::Output {
    let empty = tempfile::tempdir().unwrap();
    let mut c = isnad_in(empty.path());
    c.args(["--ledger", "no-such-ledger", "verify-proof"])
        .args(args);
    d.run(&mut c)
}

#[test]
fn init_origin_names_the_log_and_checkpoints_are_signed_notes() {
    let d = Desk::bare();
    let v = d.json(&["init", "--origin", "news.example/isnad"]);
    assert_eq!(v["origin"], "news.example/isnad");
    let vk = vkey(&d);
    assert!(vk.starts_with("news.example/isnad+"), "{vk}");
    assert_eq!(vk, v["log_key"]);
    let note = d.ok(&["checkpoint"]);
    let lines: Vec<&str> = note.lines().collect();
    assert_eq!(lines[0], "news.example/isnad");
    assert_eq!(lines[1], "1");
    assert_eq!(lines[3], "");
    assert!(lines[4].starts_with("\u{2014} news.example/isnad "));
    let cp = Checkpoint::open(&note, &vk.parse().unwrap()).unwrap();
    assert_eq!((cp.size(), *cp.root()), root_of_export(&d));
    // Asking again at the same size gives the same note; JSON carries it.
    let j = d.json(&["checkpoint"]);
    assert_eq!(j["checkpoint"], note.as_str());
    assert_eq!(j["size"], 1);
}

#[test]
fn bad_origins_are_refused_and_nothing_is_created() {
    let d = Desk::bare();
    let long = "x".repeat(300);
    for origin in ["has space", "a+b", "", "tab\there", long.as_str()] {
        let line = d.fail(&["init", "--origin", origin], 2);
        assert!(line.contains("origin"), "{line}");
        assert!(!d.ledger.exists(), "{origin:?} created the ledger");
    }
}

#[test]
fn every_entry_proves_at_every_signed_size_and_no_other() {
    let d = Desk::with_sources();
    let first = d.ok(&["checkpoint"]);
    let first_size = Checkpoint::parse_text(&first).unwrap().size();
    d.add_claim(&d.editor, "one");
    d.add_claim(&d.editor, "two");
    let vk = vkey(&d);
    let vk_file = file(&d, "log.vkey", &format!("{vk}\n"));
    let (n, root) = root_of_export(&d);
    let ids: Vec<String> = d
        .json(&["log"])
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["id"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(ids.len() as u64, n);
    for (i, id) in ids.iter().enumerate() {
        // Without --size: the current size, whose checkpoint is signed now.
        let proof = d.ok(&["prove", id]);
        let p: Value = serde_json::from_str(&proof).unwrap();
        assert_eq!(p["index"], i as u64);
        assert_eq!(p["tree_size"], n);
        assert_eq!(p["root_hash"], b64(&root));
        let pf = file(&d, "proof.json", &proof);
        let leaf = d.ok(&["show", id, "--leaf"]);
        let entry = file(&d, "entry.jsonl", &leaf);
        for key in [vk.as_str(), s(&vk_file)] {
            let out = verify_proof(&d, &[s(&pf), "--vkey", key, "--entry", s(&entry)]);
            assert_success(&out, &["verify-proof"]);
        }
        // The line of another entry is not this leaf.
        let other = d.ok(&["show", &ids[(i + 1) % ids.len()], "--leaf"]);
        let other = file(&d, "other.jsonl", &other);
        let out = verify_proof(&d, &[s(&pf), "--vkey", &vk, "--entry", s(&other)]);
        assert!(error_line(&out, 1).contains("leaf"));
        // At the earlier signed size, entries before it prove; later ones do not.
        let size = first_size.to_string();
        if (i as u64) < first_size {
            let old = d.ok(&["prove", id, "--size", &size]);
            let pf = file(&d, "old.json", &old);
            assert_success(&verify_proof(&d, &[s(&pf), "--vkey", &vk]), &["old"]);
            assert!(old.contains(&b64(Checkpoint::parse_text(&first).unwrap().root())));
        } else {
            let line = d.fail(&["prove", id, "--size", &size], 2);
            assert!(line.contains("not in the tree"), "{line}");
        }
    }
    // Sizes that were never signed are refused, not signed after the fact.
    let before = d.state();
    for size in (1..n).filter(|&s| s != first_size) {
        let line = d.fail(&["prove", &ids[0], "--size", &size.to_string()], 2);
        assert!(
            line.contains(&format!("no checkpoint of size {size}")),
            "{line}"
        );
    }
    assert!(
        d.fail(&["prove", &ids[0], "--size", "99"], 2)
            .contains("99")
    );
    assert_eq!(d.state(), before);
}

fn b64(h: &[u8; 32]) -> String {
    use base64::Engine as _;
    base64::engine::general_purpose::STANDARD.encode(h)
}

/// A proof and the pieces to check it, from a desk with a few claims.
fn desk_with_proof() -> (Desk, String, PathBuf, Value) {
    let d = Desk::with_sources();
    let id = d.add_claim(&d.editor, "first");
    d.add_claim(&d.editor, "second");
    d.add_claim(&d.editor, "third");
    let proof = d.ok(&["prove", &id]);
    let vk = vkey(&d);
    let pf = file(&d, "proof.json", &proof);
    let v: Value = serde_json::from_str(&proof).unwrap();
    (d, vk, pf, v)
}

#[test]
fn verify_proof_fails_on_every_change_to_a_proof() {
    let (d, vk, pf, v) = desk_with_proof();
    assert_success(&verify_proof(&d, &[s(&pf), "--vkey", &vk]), &["ok"]);
    let mut cases: Vec<(String, Value)> = Vec::new();
    let hashes = v["hashes"].as_array().unwrap().clone();
    assert!(hashes.len() >= 3);
    // Every hash with one base64 digit changed (still valid base64).
    for (i, h) in hashes.iter().enumerate() {
        let h = h.as_str().unwrap();
        let c = if h.starts_with('A') { "B" } else { "A" };
        let mut w = v.clone();
        w["hashes"][i] = format!("{c}{}", &h[1..]).into();
        cases.push((format!("hash {i}"), w));
    }
    let mut w = v.clone();
    w["hashes"].as_array_mut().unwrap().pop();
    cases.push(("missing hash".into(), w));
    let mut w = v.clone();
    w["hashes"].as_array_mut().unwrap().push(hashes[0].clone());
    cases.push(("extra hash".into(), w));
    for (field, value) in [
        ("index", Value::from(v["index"].as_u64().unwrap() + 1)),
        (
            "tree_size",
            Value::from(v["tree_size"].as_u64().unwrap() + 1),
        ),
        ("origin", Value::from("someone.else/log")),
        ("leaf_hash", hashes[0].clone()),
        ("root_hash", hashes[1].clone()),
    ] {
        let mut w = v.clone();
        w[field] = value;
        cases.push((field.into(), w));
    }
    let mut w = v.clone();
    let note = v["checkpoint"].as_str().unwrap();
    w["checkpoint"] = note.replacen('\n', "x\n", 1).into();
    cases.push(("checkpoint origin".into(), w));
    for (what, w) in cases {
        let bad = file(&d, "bad.json", &w.to_string());
        let out = verify_proof(&d, &[s(&bad), "--vkey", &vk]);
        let line = error_line(&out, 1);
        assert!(line.contains("verification failed"), "{what}: {line}");
    }
    // Another log's key: the checkpoint's signature is not by it.
    let other = Desk::bare();
    other.ok(&["init", "--origin", "other.example/log"]);
    let out = verify_proof(&d, &[s(&pf), "--vkey", &vkey(&other)]);
    assert!(error_line(&out, 1).contains("signed note"));
}

#[test]
fn verify_proof_input_errors_exit_2() {
    let (d, vk, pf, v) = desk_with_proof();
    let not_json = file(&d, "x.json", "{not json");
    let line = error_line(&verify_proof(&d, &[s(&not_json), "--vkey", &vk]), 2);
    assert!(line.contains("not JSON"), "{line}");
    let mut extra = v.clone();
    extra["extra"] = 1.into();
    let extra = file(&d, "extra.json", &extra.to_string());
    let line = error_line(&verify_proof(&d, &[s(&extra), "--vkey", &vk]), 2);
    assert!(line.contains("extra"), "{line}");
    let line = error_line(&verify_proof(&d, &[s(&pf), "--vkey", "nonsense"]), 2);
    assert!(line.contains("--vkey"), "{line}");
    let private = d.ledger.join("keys").join("log.key");
    let line = error_line(&verify_proof(&d, &[s(&pf), "--vkey", s(&private)]), 2);
    assert!(line.contains("private key"), "{line}");
    assert!(!line.contains("PRIVATE+KEY"), "{line}");
    let missing = d.dir().join("missing.json");
    error_line(&verify_proof(&d, &[s(&missing), "--vkey", &vk]), 2);
    let big = file(&d, "big.json", &" ".repeat(2 << 20));
    let line = error_line(&verify_proof(&d, &[s(&big), "--vkey", &vk]), 2);
    assert!(line.contains("larger than"), "{line}");
}

#[test]
fn consistency_proofs_between_checkpoints() {
    let d = Desk::with_sources();
    let old_note = d.ok(&["checkpoint"]);
    let old = file(&d, "old.cp", &old_note);
    let old_size = Checkpoint::parse_text(&old_note).unwrap().size();
    for t in ["a", "b", "c", "d", "e"] {
        d.add_claim(&d.editor, t);
    }
    let vk = vkey(&d);
    let (n, root) = root_of_export(&d);
    for m in 1..=n {
        let proof = d.ok(&["prove", "--consistency", &m.to_string()]);
        let v: Value = serde_json::from_str(&proof).unwrap();
        assert_eq!(
            (v["old_size"].as_u64(), v["new_size"].as_u64()),
            (Some(m), Some(n))
        );
        assert_eq!(v["new_root"], b64(&root));
        let pf = file(&d, "c.json", &proof);
        assert_success(&verify_proof(&d, &[s(&pf), "--vkey", &vk]), &["c"]);
        // Against the saved old checkpoint: only its own size matches.
        let out = verify_proof(&d, &[s(&pf), "--vkey", &vk, "--old", s(&old)]);
        if m == old_size {
            assert_success(&out, &["--old"]);
        } else {
            assert!(error_line(&out, 1).contains("old checkpoint"));
        }
    }
    // Up to an earlier signed size.
    let proof = d.ok(&[
        "prove",
        "--consistency",
        "2",
        "--size",
        &old_size.to_string(),
    ]);
    let pf = file(&d, "c2.json", &proof);
    assert_success(&verify_proof(&d, &[s(&pf), "--vkey", &vk]), &["c2"]);
    d.fail(&["prove", "--consistency", "0"], 2);
    d.fail(&["prove", "--consistency", &(n + 1).to_string()], 2);
    let line = d.fail(
        &[
            "prove",
            "--consistency",
            "1",
            "--size",
            &(n - 1).to_string(),
        ],
        2,
    );
    assert!(line.contains("no checkpoint"), "{line}");
}

#[test]
fn verify_since_accepts_extensions_and_catches_a_fork() {
    let d = Desk::with_sources();
    let saved = file(&d, "saved.cp", &d.ok(&["checkpoint"]));
    // A fork: the same ledger copied, then each copy gets a different entry.
    let fork_dir = d.dir().join("fork");
    copy_dir(&d.ledger, &fork_dir);
    d.add_claim(&d.editor, "what the original says");
    let fork = |args: &[&str]| {
        let mut c = isnad_in(d.dir());
        c.arg("--ledger").arg(&fork_dir).args(args);
        d.run(&mut c)
    };
    let fork_claim = |text: &str| {
        let mut c = vec!["--key", s(&d.editor)];
        c.extend(claim_args(text));
        assert_success(&fork(&c), &["fork claim", text]);
    };
    fork_claim("what the fork says");
    let out = fork(&["checkpoint"]);
    assert_success(&out, &["fork checkpoint"]);
    let forked = file(&d, "fork.cp", &String::from_utf8(out.stdout).unwrap());
    // Both share the origin and the log key.
    assert_eq!(
        String::from_utf8(fork(&["checkpoint", "--vkey"]).stdout)
            .unwrap()
            .trim(),
        vkey(&d)
    );

    let ok = d.ok(&["verify", "--since", s(&saved)]);
    assert!(ok.contains("extends the checkpoint"), "{ok}");
    let v = d.json(&["verify", "--since", s(&saved)]);
    assert_eq!(v["extends"]["size"], 7);
    assert_success(&fork(&["verify", "--since", s(&saved)]), &["fork since"]);

    let before = d.state();
    let line = d.fail(&["verify", "--since", s(&forked)], 1);
    assert!(line.contains("does not extend"), "{line}");
    // A checkpoint larger than the ledger: the ledger is behind or truncated.
    fork_claim("x");
    fork_claim("y");
    let ahead = file(
        &d,
        "ahead.cp",
        &String::from_utf8(fork(&["checkpoint"]).stdout).unwrap(),
    );
    let line = d.fail(&["verify", "--since", s(&ahead)], 1);
    assert!(line.contains("holds only"), "{line}");
    // An altered checkpoint: its signature fails.
    let text = std::fs::read_to_string(&saved).unwrap();
    let bent = file(&d, "bent.cp", &text.replacen("\n7\n", "\n6\n", 1));
    let line = d.fail(&["verify", "--since", s(&bent)], 1);
    assert!(line.contains("signed note"), "{line}");
    // Another log's checkpoint.
    let other = Desk::bare();
    other.ok(&["init", "--origin", "other.example/log"]);
    let foreign = file(&d, "foreign.cp", &other.ok(&["checkpoint"]));
    d.fail(&["verify", "--since", s(&foreign)], 1);
    // A file that is missing is a usage error, not a failed verification.
    d.fail(&["verify", "--since", "missing.cp"], 2);
    assert_eq!(d.state(), before);
}

#[test]
fn verify_checks_the_stored_checkpoints() {
    let d = Desk::with_sources();
    d.ok(&["checkpoint"]);
    d.add_claim(&d.editor, "later");
    d.ok(&["checkpoint"]);
    let v = d.json(&["verify"]);
    assert_eq!(v["checkpoints"], 2);
    let text = d.ok(&["verify"]);
    assert!(text.contains("2 signed checkpoints"), "{text}");
}

#[test]
fn checkpoint_needs_the_log_key_and_refuses_another() {
    let d = Desk::with_sources();
    let before = d.state();
    let line = d.fail(&["checkpoint", "--log-key", s(&d.editor)], 2);
    assert!(line.contains("log key"), "{line}");
    std::fs::rename(d.ledger.join("keys/log.key"), d.dir().join("log.key")).unwrap();
    let line = d.fail(&["checkpoint"], 2);
    assert!(line.contains("--log-key"), "{line}");
    assert_eq!(d.state(), before);
    let note = d.ok(&["checkpoint", "--log-key", "log.key"]);
    assert!(note.contains("\n7\n"));
}

#[test]
fn an_imported_copy_is_a_log_of_its_own() {
    let d = Desk::with_sources();
    let export = file(&d, "export.jsonl", &d.ok(&["export", "jsonl"]));
    let copy = d.dir().join("copy");
    let mut c = isnad_in(d.dir());
    c.args(["--ledger", s(&copy), "--json", "import", "jsonl"]);
    c.args([s(&export), "--origin", "mirror.example/copy"]);
    assert_success(&d.run(&mut c), &["import"]);
    let mut c = isnad_in(d.dir());
    c.args(["--ledger", s(&copy), "checkpoint"]);
    let out = d.run(&mut c);
    assert_success(&out, &["checkpoint"]);
    let note = String::from_utf8(out.stdout).unwrap();
    assert!(note.starts_with("mirror.example/copy\n7\n"), "{note}");
    // The same entries give the same root under either origin.
    let original = Checkpoint::parse_text(&d.ok(&["checkpoint"])).unwrap();
    assert_eq!(
        Checkpoint::parse_text(&note).unwrap().root(),
        original.root()
    );
    // --origin on an existing ledger is refused.
    let line = d.fail(
        &["import", "jsonl", s(&export), "--origin", "x.example/y"],
        2,
    );
    assert!(line.contains("--origin"), "{line}");
}
