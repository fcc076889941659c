//! Key lifecycle through the `isnad` binary: `key rotate` (the old key
//! signs the handover) and `key revoke` (by an admin or by the key
//! itself). A retired key signs nothing more, what it signed before stays,
//! and a key revoked as compromised has its verdicts from `since` on
//! ignored by scoring. Entries a revoked key signed after its revocation
//! are refused on import and reported by `verify --export`.

use crate::common::{self, Desk, s};
use isnad_core::{Draft, Record, Seq};
use serde_json::Value;

/// `verdict add CLAIM --rating R` arguments.
fn verdict<'a>(claim: &'a str, rating: &'a str) -> [&'a str; 9] {
    [
        "verdict",
        "add",
        claim,
        "--rating",
        rating,
        "--confidence",
        "80",
        "--rationale",
        "checked against the archive",
    ]
}

/// The statuses of a claim's verdicts, in order.
fn statuses(d: &Desk, claim: &str) -> Vec<String> {
    let v = d.json(&["credibility", claim, "--explain"]);
    v["verdicts"]
        .as_array()
        .expect("verdicts")
        .iter()
        .map(|x| {
            let st = &x["status"];
            st.as_str()
                .map(str::to_owned)
                .unwrap_or_else(|| st.to_string())
        })
        .collect()
}

// Rotation: the new key takes over the old one's roles; the old key's
// verdict made before stays and counts; the old key can sign nothing more.
// The new key is the same checker, so its later verdict on the claim is
// the checker's voice there and supersedes the old key's.
#[test]
fn a_rotated_key_hands_over_and_signs_nothing_more() {
    let d = Desk::with_sources();
    let claim = d.add_claim(&d.editor, "Officers are training in Russia");
    d.add(&d.checker, &verdict(&claim, "false"));
    let new_key = d.dir().join("checker-2.key");
    let v = d.json(&[
        "--key",
        s(&d.checker),
        "key",
        "rotate",
        "checker-2",
        "--out",
        s(&new_key),
    ]);
    assert_eq!(v["new"], true, "{v}");
    assert_eq!(common::mode(&new_key), 0o600);
    let shown = d.json(&["show", v["id"].as_str().unwrap()]);
    let body = &shown["entry"]["body"];
    let old = Desk::keypair(&d.checker).verifier().to_string();
    assert_eq!(body["replaces"], old.as_str(), "{body}");
    assert_eq!(body["roles"], serde_json::json!(["fact-checker"]));

    let before = d.state();
    let line = d.fail_as(&d.checker, &verdict(&claim, "true"), 2);
    assert!(line.contains("was revoked at entry"), "{line}");
    assert_eq!(d.state(), before);
    assert_eq!(statuses(&d, &claim), ["counts"]);
    let later = d.add(&new_key, &verdict(&claim, "true"));
    assert_eq!(
        statuses(&d, &claim),
        [
            serde_json::json!({"superseded": {"by": later}}).to_string(),
            "counts".to_owned()
        ]
    );
    let checkers = d.json(&["checkers"]);
    assert_eq!(
        checkers["checkers"].as_array().unwrap().len(),
        1,
        "{checkers}"
    );
    assert_eq!(
        checkers["checkers"][0]["keys"],
        serde_json::json!(["checker", "checker-2"])
    );
    assert_eq!(d.json(&["verify"])["ok"], true);
}

// A rotation must be signed by the key it replaces and cannot add roles.
#[test]
fn a_rotation_is_signed_by_the_old_key_and_adds_no_role() {
    let d = Desk::with_sources();
    let before = d.state();
    // The editor's key holds no admin role: it cannot pass one on. Build
    // the record by hand to ask for it.
    let editor = Desk::keypair(&d.editor);
    let new = isnad_core::KeyPair::from_seed("editor-2", &[9; 32]).unwrap();
    let ledger = isnad_core::Ledger::open(&d.ledger).unwrap();
    let wider = Record::Key(isnad_core::record::KeyBody {
        key: new.verifier().to_string(),
        roles: vec![isnad_core::Role::Admin, isnad_core::Role::Editor],
        holder: None,
        replaces: Some(editor.verifier().to_string()),
        org: None,
    });
    let now = common::now();
    let err = ledger.append(&editor, wider, now).unwrap_err().to_string();
    assert!(err.contains("does not hold the admin role"), "{err}");
    // The admin may not rotate someone else's key.
    let admin = d.admin();
    let other = Record::Key(isnad_core::record::KeyBody {
        key: new.verifier().to_string(),
        roles: vec![isnad_core::Role::Editor],
        holder: None,
        replaces: Some(editor.verifier().to_string()),
        org: None,
    });
    let err = ledger.append(&admin, other, now).unwrap_err().to_string();
    assert!(err.contains("signed by the key it replaces"), "{err}");
    drop(ledger);
    assert_eq!(d.state(), before);
}

// Revocation by an admin and by the key itself; anyone else is refused,
// and a key is revoked once.
#[test]
fn a_key_is_revoked_by_an_admin_or_by_itself() {
    let d = Desk::with_sources();
    let checker = Desk::keypair(&d.checker).verifier().to_string();
    let editor = Desk::keypair(&d.editor).verifier().to_string();
    // The editor may not revoke the checker.
    let before = d.state();
    let line = d.fail_as(
        &d.editor,
        &["key", "revoke", &checker, "--reason", "superseded"],
        2,
    );
    assert!(
        line.contains("no role that may write a revocation"),
        "{line}"
    );
    assert_eq!(d.state(), before);
    // The editor revokes itself, then can sign nothing more.
    d.add(
        &d.editor,
        &["key", "revoke", &editor, "--reason", "superseded"],
    );
    let line = d.fail_as(&d.editor, &common::claim_args("after revocation"), 2);
    assert!(line.contains("was revoked at entry"), "{line}");
    // The ledger's admin revokes the checker (its key file by path), once:
    // the same revocation again is the same entry (appends are
    // idempotent), a different one is refused.
    let admin_key = d.ledger.join("keys").join("admin.key");
    let first = d.add(
        &admin_key,
        &["key", "revoke", s(&d.checker), "--reason", "superseded"],
    );
    let again = d.json(&["key", "revoke", &checker, "--reason", "superseded"]);
    assert_eq!(
        (again["new"].clone(), again["id"].as_str()),
        (false.into(), Some(first.as_str()))
    );
    let line = d.fail(&["key", "revoke", &checker, "--reason", "compromised"], 2);
    assert!(line.contains("already revoked"), "{line}");
    // A --since is for compromised keys only, and a bad reason is named.
    let admin = d.admin().verifier().to_string();
    let line = d.fail(
        &[
            "key",
            "revoke",
            &admin,
            "--reason",
            "superseded",
            "--since",
            "2000-01-01T00:00:00Z",
        ],
        2,
    );
    assert!(line.contains("only a compromised key"), "{line}");
    let line = d.fail(&["key", "revoke", s(&d.editor), "--reason", "lost"], 2);
    assert!(
        line.contains("`lost` is not superseded or compromised"),
        "{line}"
    );
    assert_eq!(d.json(&["verify"])["ok"], true);
}

// Compromised from a time: the key's verdicts from then on stop counting
// in scores; revoked as superseded, its verdicts keep counting.
#[test]
fn verdicts_of_a_compromised_key_stop_counting_from_since() {
    let d = Desk::with_sources();
    let claim = d.add_claim(&d.editor, "Officers are training in Russia");
    d.add(&d.checker, &verdict(&claim, "false"));
    assert_eq!(statuses(&d, &claim), ["counts"]);
    let before = d.json(&["replay"])["state_root"].clone();
    // Since a time before the verdict: it no longer counts.
    d.ok(&[
        "key",
        "revoke",
        s(&d.checker),
        "--reason",
        "compromised",
        "--since",
        "2000-01-01T00:00:00Z",
    ]);
    assert_eq!(statuses(&d, &claim), ["key-compromised"]);
    assert_ne!(d.json(&["replay"])["state_root"], before);
    let explained = d.ok(&["credibility", &claim, "--explain"]);
    assert!(explained.contains("compromised"), "{explained}");

    let d = Desk::with_sources();
    let claim = d.add_claim(&d.editor, "Officers are training in Russia");
    d.add(&d.checker, &verdict(&claim, "false"));
    d.ok(&["key", "revoke", s(&d.checker), "--reason", "superseded"]);
    assert_eq!(statuses(&d, &claim), ["counts"]);
    // A time after the revocation's own is refused.
    let line = d.fail(
        &[
            "key",
            "revoke",
            s(&d.editor),
            "--reason",
            "compromised",
            "--since",
            "2999-01-01T00:00:00Z",
        ],
        2,
    );
    assert!(line.contains("body.since"), "{line}");
}

// An entry signed by a revoked key after its revocation, made outside
// isnad and added to an export: `verify --export` exits 1 naming it, and
// import refuses it, leaving the ledger as it was.
#[test]
fn an_entry_signed_after_its_keys_revocation_is_reported() {
    let d = Desk::with_sources();
    d.ok(&["key", "revoke", s(&d.editor), "--reason", "compromised"]);
    let before = d.state();
    let last = d.last_entry();
    let editor = Desk::keypair(&d.editor);
    let late = Draft::new(
        Seq(last.seq().0 + 1),
        last.hash(),
        last.time(),
        editor.verifier().clone(),
        Record::Source(isnad_core::record::SourceBody {
            id: "late-outlet".parse().unwrap(),
            name: "Late Outlet".into(),
            kind: isnad_core::record::SourceKind::Outlet,
            url: None,
            language: None,
            affiliations: vec![],
            description: None,
        }),
    )
    .sign(&editor)
    .unwrap();
    let mut lines = d.export_lines();
    lines.push(late.leaf_bytes().to_vec());
    let file = d.file("late.jsonl", &common::jsonl(&lines));
    let out = d.out(&["--json", "verify", "--export", s(&file)]);
    assert_eq!(out.status.code(), Some(1));
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(v.to_string().contains("was revoked at entry"), "{v}");
    let line = d.fail(&["import", "jsonl", s(&file)], 2);
    assert!(line.contains("was revoked at entry"), "{line}");
    assert_eq!(d.state(), before);
}
