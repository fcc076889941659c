//! Bad input of every kind, given to the `isnad` binary as a process: each
//! is refused with exit code 2 and one error line naming the field or entry,
//! and leaves the ledger exactly as it was (same entries, same head, same
//! export bytes). Also: tampered exports, a ledger in use, a directory that
//! is not a ledger.

use crate::common::{self, Desk, error_line, isnad_in, jsonl, one_hop_claim, s, unix_now};
use isnad_core::record::{KeyBody, SourceBody, SourceKind};
use isnad_core::{Draft, Entry, KeyPair, Ledger, Record, Role, Timestamp};
use serde_json::Value;

/// The ledger's export with `extra` lines appended, imported (1) into the
/// ledger itself and (2) into a directory that does not exist yet: both are
/// refused naming `fragments`, the ledger is unchanged and the new directory
/// is not left behind.
fn import_rejected(d: &Desk, extra: &[Vec<u8>], fragments: &[&str]) -> String {
    let mut lines = d.export_lines();
    lines.extend_from_slice(extra);
    let bytes = jsonl(&lines);
    import_bytes_rejected(d, &bytes, fragments)
}

/// Like [`import_rejected`] for a whole file's bytes.
fn import_bytes_rejected(d: &Desk, bytes: &[u8], fragments: &[&str]) -> String {
    let f = d.file("import.jsonl", bytes);
    let line = d.refused(None, &["import", "jsonl", s(&f)], fragments);
    let fresh = d.dir().join("fresh");
    let o = d.run(
        isnad_in(d.dir())
            .args(["import", "jsonl", s(&f), "--ledger"])
            .arg(&fresh),
    );
    let line2 = error_line(&o, 2);
    for frag in fragments {
        assert!(line2.contains(frag), "{line2:?} should mention {frag:?}");
    }
    assert!(!fresh.exists(), "a failed import left {}", fresh.display());
    line
}

/// An entry signed with the library at the ledger's next position.
fn next_entry(d: &Desk, key: &KeyPair, record: Record, time: i64) -> Entry {
    let last = d.last_entry();
    Draft::new(
        last.seq().next(),
        last.hash(),
        Timestamp::from_unix(time),
        key.verifier().clone(),
        record,
    )
    .sign(key)
    .unwrap()
}

fn source(id: &str) -> Record {
    Record::Source(SourceBody {
        id: id.parse().unwrap(),
        name: format!("Source {id}"),
        kind: SourceKind::Outlet,
        url: None,
        language: None,
        affiliations: vec![],
        description: None,
    })
}

/// Replaces the first occurrence of `from` in `line` by `to`.
fn replace(line: &[u8], from: &str, to: &[u8]) -> Vec<u8> {
    let at = line
        .windows(from.len())
        .position(|w| w == from.as_bytes())
        .unwrap_or_else(|| panic!("{from:?} not in {}", String::from_utf8_lossy(line)));
    let mut out = line[..at].to_vec();
    out.extend_from_slice(to);
    out.extend_from_slice(&line[at + from.len()..]);
    out
}

/// A desk with sources plus a ledger `prefix` holding its first four entries,
/// so that a changed fifth line is a *new* line for the prefix's import.
fn desk_and_prefix() -> (Desk, Desk, Vec<Vec<u8>>) {
    let d = Desk::with_sources();
    let lines = d.export_lines();
    let p = Desk::bare();
    let f = p.file("prefix.jsonl", &jsonl(&lines[..4]));
    p.ok(&["import", "jsonl", s(&f)]);
    assert_eq!(p.state().entries, 4);
    (d, p, lines)
}

#[test]
fn malformed_json_on_import() {
    let d = Desk::with_sources();
    let line = import_rejected(&d, &[b"{\"v\":1,\"seq\":7,".to_vec()], &["line 8"]);
    assert!(line.contains("JSON"), "{line}");
    import_rejected(&d, &[b"not json at all".to_vec()], &["line 8", "JSON"]);
    // An empty line in the middle of the file.
    import_rejected(&d, &[Vec::new()], &["line 8"]);
    // The last line cut short (no newline).
    let mut bytes = jsonl(&d.export_lines());
    bytes.extend_from_slice(b"{\"v\":1}");
    import_bytes_rejected(&d, &bytes, &["line 8", "newline"]);
    // A line longer than the entry limit.
    let mut big = b"{\"body\":\"".to_vec();
    big.resize(1024 * 1024 + 16, b'a');
    import_rejected(&d, &[big], &["line 8", "limit"]);
}

#[test]
fn invalid_utf8_on_import_and_in_a_text_file() {
    let d = Desk::with_sources();
    let e = next_entry(
        &d,
        &Desk::keypair(&d.editor),
        source("new-outlet"),
        unix_now(),
    );
    let bad = replace(e.leaf_bytes(), "Source new-outlet", b"Source \xff\xfe");
    import_rejected(&d, &[bad], &["line 8", "UTF-8"]);

    let f = d.file("bad.txt", b"Haftar \xc3\x28 Russia\n");
    let line = d.refused(
        Some(&d.editor),
        &[
            "claim",
            "add",
            "--text-file",
            s(&f),
            "--lang",
            "en",
            "--publisher",
            "rusi",
            "--date",
            "2025-02-18",
        ],
        &["bad.txt", "UTF-8"],
    );
    assert!(line.contains("byte 7"), "{line}");
}

#[test]
fn unknown_fields_on_import() {
    let d = Desk::with_sources();
    let e = next_entry(
        &d,
        &Desk::keypair(&d.editor),
        source("new-outlet"),
        unix_now(),
    );
    let leaf = e.leaf_bytes();
    // Keys kept in canonical order, so it is the unknown field that is refused.
    assert!(leaf.ends_with(b",\"v\":1}"));
    let mut top = leaf[..leaf.len() - 1].to_vec();
    top.extend_from_slice(b",\"w\":1}");
    let line = import_rejected(&d, &[top], &["line 8", "unknown field"]);
    assert!(line.contains("`w`"), "{line}");
    let body = replace(leaf, "{\"body\":{", b"{\"body\":{\"aaa\":1,");
    let line = import_rejected(&d, &[body], &["line 8", "unknown field", "body"]);
    assert!(line.contains("`aaa`"), "{line}");
    // And the genuine entry goes in.
    let mut all = d.export_lines();
    all.push(leaf.to_vec());
    let f = d.file("good.jsonl", &jsonl(&all));
    let v = d.json(&["import", "jsonl", s(&f)]);
    assert_eq!(v["added"], 1);
}

#[test]
fn unknown_source_in_a_claim_chain() {
    let d = Desk::with_sources();
    d.refused(
        Some(&d.editor),
        &[
            "claim",
            "add",
            "--text",
            "x",
            "--lang",
            "en",
            "--publisher",
            "agenzia-nova",
            "--via",
            "nobody",
            "--date",
            "2025-02-18",
        ],
        &["body.chain[1].source", "nobody"],
    );
    d.refused(
        Some(&d.editor),
        &[
            "claim",
            "add",
            "--text",
            "x",
            "--lang",
            "en",
            "--publisher",
            "nobody",
            "--date",
            "2025-02-18",
        ],
        &["body.chain[0].source", "nobody"],
    );
    // Unknown affiliation, prior for an unknown source.
    d.refused(
        Some(&d.editor),
        &[
            "source",
            "add",
            "x",
            "--name",
            "X",
            "--kind",
            "person",
            "--affiliation",
            "nobody",
        ],
        &["body.affiliations[0]", "nobody"],
    );
    d.refused(
        Some(&d.editor),
        &["prior", "nobody", "A", "--reason", "r"],
        &["body.source", "nobody"],
    );
    // The same rule holds for an entry signed elsewhere and imported.
    let e = next_entry(
        &d,
        &Desk::keypair(&d.editor),
        one_hop_claim("A claim", "nobody"),
        unix_now(),
    );
    import_rejected(
        &d,
        &[e.leaf_bytes().to_vec()],
        &["line 8", "body.chain[0].source", "nobody"],
    );
}

#[test]
fn unknown_claim_in_a_verdict() {
    let d = Desk::with_sources();
    let verdict = |claim: &str| {
        vec![
            "verdict".to_owned(),
            "add".to_owned(),
            claim.to_owned(),
            "--rating".to_owned(),
            "false".to_owned(),
            "--confidence".to_owned(),
            "80".to_owned(),
            "--rationale".to_owned(),
            "r".to_owned(),
        ]
    };
    let args = verdict(&"0".repeat(64));
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    d.refused(Some(&d.checker), &args, &["claim", "no entry matches"]);
    // An id that exists but is not a claim.
    let src = d.json(&["source", "show", "rusi"])["entry"]
        .as_str()
        .unwrap()
        .to_owned();
    let args = verdict(&src);
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    d.refused(
        Some(&d.checker),
        &args,
        &["body.claim", "source entry, expected claim"],
    );
    // Relations name both ends.
    let c = d.add_claim(&d.editor, "x");
    d.refused(
        Some(&d.editor),
        &["relate", &c, "corroborates", "ffffffff"],
        &["to", "ffffffff"],
    );
    d.refused(
        Some(&d.editor),
        &["relate", &c, "corroborates", &c[..10]],
        &["body.to", "itself"],
    );
    d.refused(
        Some(&d.editor),
        &["amend", "eeeeeeee", "--retract", "--reason", "r"],
        &["target", "eeeeeeee"],
    );
}

#[test]
fn empty_text_is_refused() {
    let d = Desk::with_sources();
    for t in ["", "   ", "\n\t"] {
        let a = common::claim_args(t);
        d.refused(Some(&d.editor), &a, &["body.text", "empty"]);
    }
    let f = d.file("empty.txt", b"\n");
    d.refused(
        Some(&d.editor),
        &[
            "claim",
            "add",
            "--text-file",
            s(&f),
            "--lang",
            "en",
            "--publisher",
            "rusi",
            "--date",
            "2025-02-18",
        ],
        &["body.text", "empty"],
    );
    d.refused(
        Some(&d.editor),
        &["source", "add", "x", "--name", "", "--kind", "outlet"],
        &["body.name", "empty"],
    );
    d.refused(
        Some(&d.editor),
        &["prior", "rusi", "B", "--reason", " "],
        &["body.reason", "empty"],
    );
}

#[test]
fn text_over_64_kib_is_refused_and_64_kib_is_accepted() {
    let d = Desk::with_sources();
    let too_long = "a".repeat(65537);
    d.refused(
        Some(&d.editor),
        &[
            "claim",
            "add",
            "--text",
            &too_long,
            "--lang",
            "en",
            "--publisher",
            "rusi",
            "--date",
            "2025-02-18",
        ],
        &["body.text", "65537", "65536"],
    );
    let f = d.file("long.txt", too_long.as_bytes());
    d.refused(
        Some(&d.editor),
        &[
            "claim",
            "add",
            "--text-file",
            s(&f),
            "--lang",
            "en",
            "--publisher",
            "rusi",
            "--date",
            "2025-02-18",
        ],
        &["body.text", "65537"],
    );
    // Multi-byte text is measured in bytes: 32769 Arabic letters are 65538.
    let ar = "ب".repeat(32769);
    let f = d.file("long-ar.txt", ar.as_bytes());
    d.refused(
        Some(&d.editor),
        &[
            "claim",
            "add",
            "--text-file",
            s(&f),
            "--lang",
            "ar",
            "--publisher",
            "rusi",
            "--date",
            "2025-02-18",
        ],
        &["body.text", "65538"],
    );
    // The limit itself is fine.
    let f = d.file("max.txt", "a".repeat(65536).as_bytes());
    d.add(
        &d.editor,
        &[
            "claim",
            "add",
            "--text-file",
            s(&f),
            "--lang",
            "en",
            "--publisher",
            "rusi",
            "--date",
            "2025-02-18",
        ],
    );
    assert_eq!(d.state().entries, 8);
}

#[test]
fn a_time_more_than_five_minutes_in_the_future_is_refused_on_import() {
    let d = Desk::with_sources();
    let admin = d.admin();
    let newcomer = KeyPair::from_seed("newcomer", &[9; 32]).unwrap();
    let enrol = Record::Key(KeyBody {
        key: newcomer.verifier().to_string(),
        roles: vec![Role::Auditor],
        holder: None,
        replaces: None,
    });
    let future = next_entry(&d, &admin, enrol.clone(), unix_now() + 10 * 60);
    import_rejected(
        &d,
        &[future.leaf_bytes().to_vec()],
        &["line 8", "`time`", "future"],
    );
    // A couple of minutes of clock skew is tolerated.
    let soon = next_entry(&d, &admin, enrol, unix_now() + 120);
    let mut lines = d.export_lines();
    lines.push(soon.leaf_bytes().to_vec());
    let f = d.file("soon.jsonl", &jsonl(&lines));
    let v = d.json(&["import", "jsonl", s(&f)]);
    assert_eq!(v["added"], 1);
    // A time before the previous entry's is refused too.
    let past = next_entry(&d, &Desk::keypair(&d.editor), source("past"), 1_000_000);
    import_rejected(
        &d,
        &[past.leaf_bytes().to_vec()],
        &["line 9", "`time`", "earlier"],
    );
}

#[test]
fn an_unenrolled_key_is_refused() {
    let d = Desk::with_sources();
    let stranger = d.dir().join("stranger.key");
    d.ok(&["key", "new", "stranger", "--out", s(&stranger)]);
    let line = d.refused(
        Some(&stranger),
        &["source", "add", "x", "--name", "X", "--kind", "outlet"],
        &["not enrolled", "stranger+"],
    );
    assert!(line.contains("entry #7"), "{line}");
    d.refused(
        Some(&stranger),
        &["prior", "rusi", "A", "--reason", "r"],
        &["not enrolled"],
    );
    // Nor may a stranger enrol itself.
    d.refused(
        Some(&stranger),
        &["key", "enroll", s(&stranger), "--role", "admin"],
        &["not enrolled", "stranger+"],
    );
    // The same entry signed elsewhere and imported.
    let e = next_entry(&d, &Desk::keypair(&stranger), source("x"), unix_now());
    import_rejected(&d, &[e.leaf_bytes().to_vec()], &["line 8", "not enrolled"]);
    // A missing key file, a key file that is not a key.
    d.refused(
        Some(&d.dir().join("missing.key")),
        &["prior", "rusi", "A", "--reason", "r"],
        &["missing.key"],
    );
    let junk = d.dir().join("junk.key");
    std::fs::write(&junk, "not a key\n").unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        std::fs::set_permissions(&junk, std::fs::Permissions::from_mode(0o600)).unwrap();
    }
    d.refused(
        Some(&junk),
        &["prior", "rusi", "A", "--reason", "r"],
        &["junk.key"],
    );
}

#[test]
#[cfg(unix)]
fn a_key_file_others_can_read_is_refused() {
    use std::os::unix::fs::PermissionsExt as _;
    let d = Desk::with_sources();
    std::fs::set_permissions(&d.editor, std::fs::Permissions::from_mode(0o644)).unwrap();
    d.refused(
        Some(&d.editor),
        &["prior", "rusi", "A", "--reason", "r"],
        &["editor.key", "644", "chmod 600"],
    );
}

#[test]
fn a_role_that_may_not_write_the_record_is_refused() {
    let d = Desk::with_sources();
    let c = d.add_claim(&d.editor, "x");
    // An editor signing a verdict.
    let line = d.refused(
        Some(&d.editor),
        &[
            "verdict",
            "add",
            &c[..8],
            "--rating",
            "true",
            "--confidence",
            "90",
            "--rationale",
            "r",
        ],
        &["editor+", "verdict"],
    );
    assert!(line.contains("no role"), "{line}");
    // A fact-checker setting a prior, amending; it may define a source
    // (the claimant of a claim it rates).
    d.add(
        &d.checker,
        &[
            "source",
            "add",
            "claimant",
            "--name",
            "A claimant",
            "--kind",
            "person",
        ],
    );
    d.refused(
        Some(&d.checker),
        &["prior", "rusi", "A", "--reason", "r"],
        &["checker+", "no role", "prior"],
    );
    d.refused(
        Some(&d.checker),
        &["amend", &c[..8], "--retract", "--reason", "r"],
        &["checker+", "no role", "amendment"],
    );
    // An editor enrolling keys; the admin writing anything but keys.
    d.refused(
        Some(&d.editor),
        &["key", "enroll", s(&d.checker), "--role", "admin"],
        &["editor+", "no role", "key"],
    );
    let admin = d.ledger.join("keys").join("admin.key");
    d.refused(
        Some(&admin),
        &["source", "add", "x", "--name", "X", "--kind", "outlet"],
        &["admin+", "no role", "source"],
    );
    // An auditor writes nothing.
    let auditor = d.dir().join("auditor.key");
    d.ok(&["key", "new", "auditor", "--out", s(&auditor)]);
    d.ok(&["key", "enroll", s(&auditor), "--role", "auditor"]);
    d.refused(
        Some(&auditor),
        &[
            "claim",
            "add",
            "--text",
            "y",
            "--lang",
            "en",
            "--publisher",
            "rusi",
            "--date",
            "2025-02-18",
        ],
        &["auditor+", "no role", "claim"],
    );
    // The same on import: a verdict signed by the editor.
    let e = next_entry(&d, &Desk::keypair(&d.editor), source("y"), unix_now());
    let ok = d.file("ok.jsonl", &{
        let mut l = d.export_lines();
        l.push(e.leaf_bytes().to_vec());
        jsonl(&l)
    });
    d.ok(&["import", "jsonl", s(&ok)]);
    // A prior signed by the fact-checker (who may define sources, not
    // grade them).
    let prior = isnad_core::Record::Prior(isnad_core::record::PriorBody {
        source: "rusi".parse().unwrap(),
        grade: isnad_core::record::Grade::A,
        reason: "r".into(),
    });
    let e = next_entry(&d, &Desk::keypair(&d.checker), prior, unix_now());
    import_rejected(
        &d,
        &[e.leaf_bytes().to_vec()],
        &["line 12", "no role", "prior"],
    );
}

#[test]
fn other_field_errors_name_the_field() {
    let d = Desk::with_sources();
    let claim = |extra: &[&str]| {
        let mut a = vec!["claim", "add", "--text", "x", "--publisher", "agenzia-nova"];
        a.extend_from_slice(extra);
        a.iter().map(|x| (*x).to_owned()).collect::<Vec<_>>()
    };
    for (extra, fragments) in [
        (
            &["--lang", "en", "--date", "2025-02-30"][..],
            &["body.appeared.date", "2025-02-30"][..],
        ),
        (
            &["--lang", "english!", "--date", "2025-02-18"],
            &["body.lang"],
        ),
        (
            &["--lang", "en", "--date", "2025-02-18", "--url", "ftp://x"],
            &["body.appeared.url", "ftp://x"],
        ),
        (
            &[
                "--lang",
                "en",
                "--date",
                "2025-02-18",
                "--via",
                "rusi:heard",
            ],
            &["--via", "heard"],
        ),
        (
            &[
                "--lang",
                "en",
                "--date",
                "2025-02-18",
                "--via",
                "rusi",
                "--via",
                "rusi",
            ],
            &["body.chain[2].source", "twice"],
        ),
        (
            &[
                "--lang",
                "en",
                "--date",
                "2025-02-18",
                "--translation",
                "fr",
            ],
            &["--translation", "LANG=TEXT"],
        ),
        (
            &[
                "--lang",
                "en",
                "--date",
                "2025-02-18",
                "--translation",
                "en=same language",
            ],
            &["body.translations[0].lang"],
        ),
        (
            &[
                "--lang",
                "en",
                "--date",
                "2025-02-18",
                "--via",
                "Not A Slug",
            ],
            &["via", "Not A Slug"],
        ),
    ] {
        let a = claim(extra);
        let a: Vec<&str> = a.iter().map(String::as_str).collect();
        d.refused(Some(&d.editor), &a, fragments);
    }
    let c = d.add_claim(&d.editor, "x");
    d.refused(
        Some(&d.checker),
        &[
            "verdict",
            "add",
            &c[..8],
            "--rating",
            "true",
            "--confidence",
            "101",
            "--rationale",
            "r",
        ],
        &["body.confidence", "0-100"],
    );
    d.refused(
        Some(&d.editor),
        &["prior", "rusi", "Z", "--reason", "r"],
        &["grade", "Z"],
    );
    // A second source with an existing id (different content).
    d.refused(
        Some(&d.editor),
        &[
            "source", "add", "rusi", "--name", "Other", "--kind", "outlet",
        ],
        &["body.id", "rusi", "already exists"],
    );
    // A key enrolled twice with other roles.
    d.refused(
        None,
        &["key", "enroll", s(&d.editor), "--role", "admin"],
        &["body.key", "already enrolled"],
    );
}

#[test]
fn a_tampered_line_is_refused_on_import() {
    let (d, p, lines) = desk_and_prefix();
    // Line 6 changed: new to the prefix ledger, so its signature is checked.
    let mut bad = lines.clone();
    bad[5] = replace(&lines[5], "Jalel Harchaoui", b"Jalel Harchaoul");
    let line = import_bytes_rejected(&p, &jsonl(&bad), &["line 6", "signature"]);
    assert!(line.contains("editor+"), "{line}");
    // A changed line where the ledger already has an entry: named as diverging.
    let mut bad = lines.clone();
    bad[2] = replace(&lines[2], "\"fact-checker\"", b"\"admin\"");
    let f = p.file("diverged.jsonl", &jsonl(&bad));
    p.refused(None, &["import", "jsonl", s(&f)], &["line 3", "#2"]);
    // Lines out of order, or one missing.
    let mut swapped = lines.clone();
    swapped.swap(4, 5);
    import_bytes_rejected(&p, &jsonl(&swapped), &["line 5"]);
    let mut gap = lines.clone();
    gap.remove(4);
    import_bytes_rejected(&p, &jsonl(&gap), &["line 5"]);
    // The whole export of another ledger does not extend this one.
    let other = Desk::with_sources();
    let f = p.file("other.jsonl", &other.state().export);
    p.refused(
        None,
        &["import", "jsonl", s(&f)],
        &["line 1", "does not extend"],
    );
    // And the untouched file still imports.
    let f = p.file("good.jsonl", &jsonl(&lines));
    assert_eq!(p.json(&["import", "jsonl", s(&f)])["added"], 3);
    assert_eq!(p.state(), d.state());
}

#[test]
fn a_non_canonical_line_is_refused_on_import() {
    let (_d, p, lines) = desk_and_prefix();
    let l = &lines[4];
    // Keys reordered: `v` first (same JSON value, not the canonical bytes).
    assert!(l.ends_with(b",\"v\":1}"));
    let mut reordered = b"{\"v\":1,".to_vec();
    reordered.extend_from_slice(&l[1..l.len() - 7]);
    reordered.push(b'}');
    let v1: Value = serde_json::from_slice(&reordered).unwrap();
    let v2: Value = serde_json::from_slice(l).unwrap();
    assert_eq!(v1, v2);
    // Whitespace, an escaped character that need not be, a trailing CR.
    let spaced = replace(l, "\"kind\":", b"\"kind\": ");
    let escaped = replace(l, "\"source\"", b"\"sourc\\u0065\"");
    let mut crlf = l.clone();
    crlf.push(b'\r');
    for variant in [reordered, spaced, escaped, crlf] {
        let mut file = lines[..4].to_vec();
        file.push(variant);
        import_bytes_rejected(&p, &jsonl(&file), &["line 5", "canonical"]);
    }
}

#[test]
fn verify_export_names_the_first_bad_line_and_exits_1() {
    let d = Desk::with_sources();
    let lines = d.export_lines();
    let mut bad = lines.clone();
    bad[4] = replace(&lines[4], "Fawasel Media", b"Fawasel Medie");
    let f = d.file("tampered.jsonl", &jsonl(&bad));
    let o = d.run(isnad_in(d.dir()).args(["verify", "--export", s(&f)]));
    let line = error_line(&o, 1);
    assert!(line.contains("verification failed"), "{line}");
    assert!(line.contains("line 5"), "{line}");
    assert!(line.contains("signature"), "{line}");
    assert!(o.stdout.is_empty());
    // --json says the same on stdout, for programs.
    let o = d.run(isnad_in(d.dir()).args(["--json", "verify", "--export", s(&f)]));
    error_line(&o, 1);
    let v: Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["ok"], false);
    assert_eq!(v["line"], 5);
    assert_eq!(v["seq"], 4);
    // A deleted line and a non-canonical line are found too.
    let mut gap = lines.clone();
    gap.remove(2);
    let f = d.file("gap.jsonl", &jsonl(&gap));
    let o = d.run(isnad_in(d.dir()).args(["verify", "--export", s(&f)]));
    assert!(error_line(&o, 1).contains("line 3"));
    let mut spaced = lines.clone();
    spaced[6] = replace(&lines[6], "\"seq\":", b"\"seq\": ");
    let f = d.file("spaced.jsonl", &jsonl(&spaced));
    let o = d.run(isnad_in(d.dir()).args(["verify", "--export", s(&f)]));
    let line = error_line(&o, 1);
    assert!(
        line.contains("line 7") && line.contains("canonical"),
        "{line}"
    );
    // The untouched export verifies.
    let f = d.file("good.jsonl", &jsonl(&lines));
    let o = d.run(isnad_in(d.dir()).args(["verify", "--export", s(&f)]));
    assert!(o.status.success());
}

#[test]
fn a_ledger_in_use_by_another_process_is_a_clear_error() {
    let d = Desk::with_sources();
    let before = d.state();
    let export = d.file("e.jsonl", &before.export);
    {
        let _held = Ledger::open(&d.ledger).unwrap();
        for args in [
            &["log"][..],
            &["verify"],
            &["source", "list"],
            &["export", "jsonl"],
            &["import", "jsonl", s(&export)],
            &["--key", s(&d.editor), "prior", "rusi", "A", "--reason", "r"],
            &[
                "--key",
                s(&d.editor),
                "source",
                "add",
                "x",
                "--name",
                "X",
                "--kind",
                "outlet",
            ],
        ] {
            let mut waiting = vec!["--wait", "0.2"];
            waiting.extend_from_slice(args);
            let line = d.fail(&waiting, 2);
            assert!(line.contains("ledger is in use"), "{args:?}: {line}");
            assert!(line.contains("--wait SECONDS"), "{args:?}: {line}");
        }
    }
    assert_eq!(d.state(), before);
}

#[test]
fn a_directory_that_is_not_a_ledger_is_a_clear_error() {
    let d = Desk::with_sources();
    let export = d.file("e.jsonl", &d.state().export);
    let not = d.dir().join("not-a-ledger");
    std::fs::create_dir(&not).unwrap();
    std::fs::write(not.join("notes.txt"), "hello").unwrap();
    let file = d.dir().join("plain-file");
    std::fs::write(&file, "x").unwrap();
    for dir in [&not, &file, &d.dir().join("missing")] {
        for args in [
            &["log"][..],
            &["verify"],
            &["show", "abcd"],
            &["import", "jsonl", s(&export)],
            &["--key", s(&d.editor), "prior", "rusi", "A", "--reason", "r"],
        ] {
            if args[0] == "import" && !dir.exists() {
                continue; // importing into a missing directory creates a ledger
            }
            let o = d.run(isnad_in(d.dir()).arg("--ledger").arg(dir).args(args));
            let line = error_line(&o, 2);
            if args[0] == "import" && dir.is_file() {
                // Import would create a ledger in a missing or empty
                // directory: a file there is refused as not a directory.
                assert!(line.contains("Not a directory"), "{line}");
            } else {
                assert!(line.contains("not an isnad ledger"), "{args:?}: {line}");
            }
            assert!(line.contains(s(dir)), "{line}");
        }
    }
    // Nothing was created or changed in them.
    assert_eq!(std::fs::read_dir(&not).unwrap().count(), 1);
    assert_eq!(std::fs::read_to_string(&file).unwrap(), "x");
    assert!(!d.dir().join("missing").exists());
    // `init` into a directory holding other files refuses too.
    let o = d.run(isnad_in(d.dir()).arg("--ledger").arg(&not).arg("init"));
    error_line(&o, 2);
    assert_eq!(std::fs::read_dir(&not).unwrap().count(), 1);
}

#[test]
fn a_file_error_is_reported_once() {
    let d = Desk::with_sources();
    let export = d.file("e.jsonl", &d.state().export);
    let file = d.dir().join("plain-file");
    std::fs::write(&file, "x").unwrap();
    let o =
        d.run(
            isnad_in(d.dir())
                .arg("--ledger")
                .arg(&file)
                .args(["import", "jsonl", s(&export)]),
        );
    let line = error_line(&o, 2);
    assert_eq!(line.matches("Not a directory").count(), 1, "{line}");
}

#[test]
fn a_private_key_given_as_a_verifier_key_is_not_echoed() {
    let d = Desk::new();
    let secret = std::fs::read_to_string(&d.editor).unwrap();
    let line = d.refused(
        None,
        &["key", "enroll", secret.trim(), "--role", "editor"],
        &["key"],
    );
    assert!(!line.contains(secret.trim()), "{line}");
}
