//! End-to-end tests of the `isnad` binary, run as a process: every command
//! works, prints what a user or a script relies on, and never prints a
//! private key.

use std::io::Read as _;
use std::path::Path;
use std::process::Stdio;

use crate::common::{self, Desk, assert_success, error_line, isnad_in, jsonl, s};
use isnad_core::record::{KeyBody, SourceBody, SourceKind};
use isnad_core::{Draft, EntryHash, KeyPair, Record, Role, Seq, Timestamp};
use serde_json::Value;

/// Text of the first claim, in Arabic, as a user would paste it.
const AR: &str = "حفتر أرسل وفداً من الضباط إلى روسيا للتدريب على قيادة مقاتلات ميج 29";
const EN: &str = "Haftar sent a delegation of officers to Russia to train on MiG-29 fighters";

/// The id a claim was given, from `--json claim add`.
fn add_claim(d: &Desk, key: &Path, args: &[&str]) -> String {
    let mut a = vec!["claim", "add"];
    a.extend_from_slice(args);
    d.add(key, &a)
}

fn show_body(d: &Desk, id: &str) -> Value {
    let v = d.json(&["show", id]);
    assert_eq!(v["id"], id);
    v["entry"]["body"].clone()
}

#[test]
#[cfg(unix)]
fn init_creates_the_ledger_and_private_key_files_0600() {
    let d = Desk::bare();
    let out = d.ok(&["init"]);
    let admin = d.ledger.join("keys").join("admin.key");
    let log = d.ledger.join("keys").join("log.key");
    assert_eq!(common::mode(&admin), 0o600);
    assert_eq!(common::mode(&log), 0o600);
    // The verifier keys printed are those of the key files.
    let admin_vk = Desk::keypair(&admin).verifier().to_string();
    let log_vk = Desk::keypair(&log).verifier().to_string();
    assert!(admin_vk.starts_with("admin+"), "{admin_vk}");
    assert!(out.contains(&admin_vk), "{out}");
    assert!(out.contains(&log_vk), "{out}");
    // One entry: the founding admin enrolling itself.
    let v = d.json(&["verify"]);
    assert_eq!(v["entries"], 1);
    assert!(
        out.contains(v["head"].as_str().unwrap()),
        "genesis id: {out}"
    );
    let genesis = d.json(&["log"]);
    assert_eq!(genesis[0]["entry"]["kind"], "key");
    assert_eq!(genesis[0]["entry"]["signer"], admin_vk.as_str());
    assert_eq!(genesis[0]["entry"]["body"]["roles"][0], "admin");

    // A second init refuses and leaves the keys and the ledger alone.
    let before = std::fs::read(&admin).unwrap();
    let state = d.state();
    let line = d.fail(&["init"], 2);
    assert!(line.contains("already"), "{line}");
    assert_eq!(std::fs::read(&admin).unwrap(), before);
    assert_eq!(d.state(), state);
    assert!(d.assert_no_secrets() >= 2, "key files were checked");
}

#[test]
fn init_json_and_default_ledger_directory() {
    let tmp = tempfile::tempdir().unwrap();
    let out = isnad_in(tmp.path())
        .args(["--json", "init", "--admin-name", "desk-admin"])
        .output()
        .unwrap();
    assert_success(&out, &["init"]);
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    let dir = tmp.path().join("isnad-ledger");
    assert!(dir.join("keys").join("admin.key").is_file());
    assert!(v["admin_key"].as_str().unwrap().starts_with("desk-admin+"));
    // The default origin is random and names the log key.
    let origin = v["origin"].as_str().unwrap();
    let hex = origin.strip_prefix("isnad/").unwrap();
    assert!(
        hex.len() == 16 && hex.bytes().all(|b| b.is_ascii_hexdigit()),
        "{origin}"
    );
    assert!(
        v["log_key"]
            .as_str()
            .unwrap()
            .starts_with(&format!("{origin}+"))
    );
    assert_eq!(v["genesis"].as_str().unwrap().len(), 64);
    let printed = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(!printed.contains("PRIVATE"), "{printed}");
    // The default ledger is used by later commands too.
    let out = isnad_in(tmp.path())
        .args(["--json", "verify"])
        .output()
        .unwrap();
    assert_success(&out, &["verify"]);
    let w: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(w["head"], v["genesis"]);
}

#[test]
#[cfg(unix)]
fn key_new_writes_a_0600_file_and_refuses_to_overwrite() {
    let d = Desk::bare();
    let path = d.dir().join("sub").join("reporter.key");
    let out = d.out(&["key", "new", "reporter", "--out", s(&path)]);
    assert_success(&out, &["key", "new"]);
    let vk = String::from_utf8(out.stdout).unwrap();
    let vk = vk.trim();
    assert_eq!(common::mode(&path), 0o600);
    assert_eq!(Desk::keypair(&path).verifier().to_string(), vk);
    assert!(vk.starts_with("reporter+"));

    // Refuses to overwrite, and the file is untouched.
    let before = std::fs::read(&path).unwrap();
    let line = d.fail(&["key", "new", "reporter", "--out", s(&path)], 2);
    assert!(line.contains("already exists"), "{line}");
    assert!(line.contains("reporter.key"), "{line}");
    assert_eq!(std::fs::read(&path).unwrap(), before);

    // Default file name: NAME.key in the current directory.
    let v = d.json(&["key", "new", "desk2"]);
    let default = d.dir().join("desk2.key");
    assert_eq!(common::mode(&default), 0o600);
    assert_eq!(
        v["key"].as_str().unwrap(),
        Desk::keypair(&default).verifier().to_string()
    );

    // A bad name is an input error and writes nothing.
    let line = d.fail(&["key", "new", "bad+name", "--out", "bad.key"], 2);
    assert!(line.contains("bad+name"), "{line}");
    assert!(!d.dir().join("bad.key").exists());
    assert!(d.assert_no_secrets() >= 2, "key files were checked");
}

#[test]
#[cfg(unix)]
fn key_show_prints_the_verifier_key_only() {
    let d = Desk::new();
    let vk = Desk::keypair(&d.editor).verifier().to_string();
    assert_eq!(d.ok(&["key", "show", s(&d.editor)]).trim(), vk);
    // The --key file by default, and the --json form.
    assert_eq!(d.ok(&["--key", s(&d.editor), "key", "show"]).trim(), vk);
    let v = d.json(&["key", "show", s(&d.editor)]);
    assert_eq!(v["key"], vk.as_str());
    assert_eq!(v["name"], "editor");
    // No key given at all.
    let line = d.fail(&["key", "show"], 2);
    assert!(line.contains("--key"), "{line}");
    // A key file others can read is refused.
    use std::os::unix::fs::PermissionsExt as _;
    std::fs::set_permissions(&d.editor, std::fs::Permissions::from_mode(0o644)).unwrap();
    let line = d.fail(&["key", "show", s(&d.editor)], 2);
    assert!(line.contains("chmod 600"), "{line}");
    assert!(line.contains("editor.key"), "{line}");
    assert!(d.assert_no_secrets() >= 2, "key files were checked");
}

#[test]
fn key_enroll_with_a_key_file_and_with_a_verifier_string() {
    let d = Desk::bare();
    d.ok(&["init"]);
    let ed = d.dir().join("ed.key");
    let ck = d.dir().join("ck.key");
    d.ok(&["key", "new", "ed", "--out", s(&ed)]);
    let ck_vk = d.ok(&["key", "new", "ck", "--out", s(&ck)]);
    let ck_vk = ck_vk.trim();

    // With a private key file (signed by the ledger's own admin key).
    let v = d.json(&["key", "enroll", s(&ed), "--role", "editor"]);
    assert_eq!(v["new"], true);
    assert_eq!(v["kind"], "key");
    let body = show_body(&d, v["id"].as_str().unwrap());
    assert_eq!(
        body["key"],
        Desk::keypair(&ed).verifier().to_string().as_str()
    );
    assert_eq!(body["roles"], serde_json::json!(["editor"]));

    // With a verifier string, two roles, a holder, and an explicit admin key.
    let admin = d.ledger.join("keys").join("admin.key");
    let id = d.add(
        &admin,
        &[
            "key",
            "enroll",
            ck_vk,
            "--role",
            "fact-checker",
            "--role",
            "editor",
            "--holder",
            "Verification desk",
        ],
    );
    let body = show_body(&d, &id);
    assert_eq!(body["key"], ck_vk);
    assert_eq!(body["roles"], serde_json::json!(["editor", "fact-checker"]));
    assert_eq!(body["holder"], "Verification desk");

    // Both can now sign what their roles allow.
    d.add(
        &ed,
        &[
            "source",
            "add",
            "rusi",
            "--name",
            "RUSI",
            "--kind",
            "organization",
        ],
    );
    d.add(
        &ck,
        &[
            "source", "add", "nova", "--name", "Nova", "--kind", "outlet",
        ],
    );
    assert_eq!(d.json(&["verify"])["entries"], 5);

    // An unknown role, a malformed verifier string.
    let line = d.fail(&["key", "enroll", s(&ed), "--role", "boss"], 2);
    assert!(line.contains("boss"), "{line}");
    let line = d.fail(
        &["key", "enroll", "ck+00000000+AAAA", "--role", "editor"],
        2,
    );
    assert!(line.contains("key"), "{line}");
    assert_eq!(d.json(&["verify"])["entries"], 5);
    assert!(d.assert_no_secrets() >= 2, "key files were checked");
}

#[test]
fn source_add_show_and_list() {
    let d = Desk::new();
    let rusi = d.add(
        &d.editor,
        &[
            "source",
            "add",
            "rusi",
            "--name",
            "Royal United Services Institute",
            "--kind",
            "organization",
            "--url",
            "https://rusi.org",
            "--language",
            "en",
        ],
    );
    let h = d.add(
        &d.editor,
        &[
            "source",
            "add",
            "harchaoui",
            "--name",
            "Jalel Harchaoui",
            "--kind",
            "person",
            "--affiliation",
            "rusi",
            "--description",
            "Libya analyst",
        ],
    );
    let body = show_body(&d, &h);
    assert_eq!(body["id"], "harchaoui");
    assert_eq!(body["kind"], "person");
    assert_eq!(body["affiliations"], serde_json::json!(["rusi"]));

    let text = d.ok(&["source", "show", "harchaoui"]);
    assert!(
        text.contains("Jalel Harchaoui (harchaoui, person)"),
        "{text}"
    );
    assert!(text.contains("Libya analyst"), "{text}");
    assert!(
        text.contains("affiliated with Royal United Services Institute (rusi, organization)"),
        "{text}"
    );
    let v = d.json(&["source", "show", "rusi"]);
    assert_eq!(v["entry"], rusi.as_str());
    assert_eq!(v["current"]["url"], "https://rusi.org");
    assert_eq!(v["current"]["language"], "en");
    // rusi is mentioned by its own entry and by harchaoui's affiliation.
    assert_eq!(v["mentions"], serde_json::json!([rusi, h]));

    let list = d.ok(&["source", "list"]);
    let lines: Vec<&str> = list.lines().collect();
    assert_eq!(lines.len(), 2, "{list}");
    assert!(lines[0].starts_with("rusi") && lines[0].contains("organization"));
    assert!(lines[1].starts_with("harchaoui") && lines[1].contains("Jalel Harchaoui"));
    let v = d.json(&["source", "list"]);
    let ids: Vec<&str> = v
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, ["rusi", "harchaoui"]);

    // An unknown source and a malformed slug are input errors.
    let line = d.fail(&["source", "show", "nobody"], 2);
    assert!(line.contains("nobody"), "{line}");
    let line = d.fail_as(
        &d.editor,
        &[
            "source", "add", "Bad Slug", "--name", "x", "--kind", "outlet",
        ],
        2,
    );
    assert!(line.contains("Bad Slug"), "{line}");
    assert!(d.assert_no_secrets() >= 2, "key files were checked");
}

#[test]
fn source_list_is_a_table() {
    let d = Desk::with_sources();
    let list = d.ok(&["source", "list"]);
    let kind_col: Vec<usize> = list
        .lines()
        .map(|l| {
            let kind = l.split_whitespace().nth(1).unwrap();
            l.find(&format!(" {kind} ")).unwrap()
        })
        .collect();
    assert!(kind_col.windows(2).all(|w| w[0] == w[1]), "{list}");
}

#[test]
fn claim_add_with_arabic_text_file_translations_and_a_multi_hop_chain() {
    let d = Desk::with_sources();
    let f = d.file("claim.txt", format!("{AR}\n").as_bytes());
    let id = add_claim(
        &d,
        &d.editor,
        &[
            "--text-file",
            s(&f),
            "--lang",
            "ar",
            "--translation",
            &format!("en={EN}"),
            "--translation",
            "it=Haftar ha inviato ufficiali in Russia",
            "--publisher",
            "agenzia-nova",
            "--via",
            "fawasel-media",
            "--via",
            "harchaoui:quoted",
            "--date",
            "2025-02-18",
            "--url",
            "https://www.agenzianova.com/ar/a/1",
            "--venue",
            "Agenzia Nova (Arabic service)",
        ],
    );
    let body = show_body(&d, &id);
    // The file's trailing newline is not part of the claim.
    assert_eq!(body["text"], AR);
    assert_eq!(body["lang"], "ar");
    assert_eq!(body["translations"][0]["lang"], "en");
    assert_eq!(body["translations"][0]["text"], EN);
    assert_eq!(body["translations"][1]["lang"], "it");
    let hops: Vec<(&str, &str)> = body["chain"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| {
            (
                h["source"].as_str().unwrap(),
                h["relation"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        hops,
        [
            ("agenzia-nova", "reported"),
            ("fawasel-media", "cited"),
            ("harchaoui", "quoted")
        ]
    );
    assert_eq!(body["appeared"]["date"], "2025-02-18");
    assert_eq!(body["appeared"]["venue"], "Agenzia Nova (Arabic service)");

    // The trace shows the chain from publisher to origin, with the text.
    let t = d.ok(&["trace", &id[..10]]);
    assert!(t.contains(AR), "{t}");
    assert!(t.contains(EN), "{t}");
    let nova = t.find("reported by Agenzia Nova").expect("publisher");
    let fawasel = t.find("citing Fawasel Media").expect("second hop");
    let origin = t
        .find("quoting Jalel Harchaoui (harchaoui, person)  [origin]")
        .expect("origin");
    assert!(nova < fawasel && fawasel < origin, "{t}");

    // The log line shows the chain in order.
    let log = d.ok(&["log", "--kind", "claim"]);
    assert!(
        log.contains("agenzia-nova → fawasel-media → harchaoui"),
        "{log}"
    );

    // --text works as well, and text is stored in Unicode NFC.
    let id2 = add_claim(
        &d,
        &d.checker,
        &[
            "--text",
            "Cafe\u{301} officials deny the visit",
            "--lang",
            "en",
            "--publisher",
            "fawasel-media",
            "--date",
            "2025-02-19T10:00:00Z",
        ],
    );
    assert_eq!(
        show_body(&d, &id2)["text"],
        "Caf\u{e9} officials deny the visit"
    );
    assert_eq!(d.json(&["verify"])["entries"], 9);
    assert!(d.assert_no_secrets() >= 2, "key files were checked");
}

#[test]
fn verdict_relate_and_prior_by_id_prefix() {
    let d = Desk::with_sources();
    let c1 = add_claim(
        &d,
        &d.editor,
        &[
            "--text",
            AR,
            "--lang",
            "ar",
            "--publisher",
            "agenzia-nova",
            "--via",
            "fawasel-media",
            "--date",
            "2025-02-18",
        ],
    );
    let c2 = add_claim(
        &d,
        &d.editor,
        &[
            "--text",
            "Officers loyal to Haftar are training in Russia",
            "--lang",
            "en",
            "--publisher",
            "fawasel-media",
            "--date",
            "2025-02-17",
        ],
    );
    // A verdict by an 8-digit prefix, in upper case as some people type.
    let v1 = d.add(
        &d.checker,
        &[
            "verdict",
            "add",
            &c1[..8].to_uppercase(),
            "--rating",
            "misattributed",
            "--confidence",
            "70",
            "--rationale",
            "Fawasel Media did not publish this",
            "--evidence",
            "https://example.org/archive",
        ],
    );
    let body = show_body(&d, &v1);
    assert_eq!(body["claim"], c1.as_str());
    assert_eq!(body["rating"], "misattributed");
    assert_eq!(body["confidence"], 70);
    assert_eq!(
        body["evidence"],
        serde_json::json!(["https://example.org/archive"])
    );
    // A later verdict superseding the first.
    let v2 = d.add(
        &d.checker,
        &[
            "verdict",
            "add",
            &c1[..6],
            "--rating",
            "unverifiable",
            "--confidence",
            "60",
            "--rationale",
            "Archive unavailable",
            "--supersedes",
            &v1[..8],
        ],
    );
    assert_eq!(show_body(&d, &v2)["supersedes"], v1.as_str());

    let r = d.add(
        &d.editor,
        &[
            "relate",
            &c1[..8],
            "derived-from",
            &c2[..8],
            "--note",
            "same wording",
        ],
    );
    let body = show_body(&d, &r);
    assert_eq!(body["from"], c1.as_str());
    assert_eq!(body["to"], c2.as_str());
    assert_eq!(body["relation"], "derived-from");

    let p = d.add(
        &d.editor,
        &["prior", "agenzia-nova", "B", "--reason", "usually reliable"],
    );
    assert_eq!(show_body(&d, &p)["grade"], "B");
    let src = d.ok(&["source", "show", "agenzia-nova"]);
    assert!(src.contains("prior grade B"), "{src}");

    let t = d.ok(&["trace", &c1]);
    assert!(
        t.contains(&format!("verdict {} by checker", &v1[..12])),
        "{t}"
    );
    assert!(t.contains("(superseded)"), "{t}");
    assert!(t.contains(&format!("relation {}", &r[..12])), "{t}");
    let tj = d.json(&["trace", &c1]);
    let verdicts = tj["verdicts"].as_array().unwrap();
    assert_eq!(verdicts.len(), 2);
    assert_eq!(verdicts[0]["current"], false);
    assert_eq!(verdicts[1]["id"], v2.as_str());
    assert_eq!(verdicts[1]["current"], true);
    assert_eq!(tj["relations"], serde_json::json!([r]));
    assert!(d.assert_no_secrets() >= 2, "key files were checked");
}

#[test]
fn amend_retracts_reattributes_and_corrects_a_source() {
    let d = Desk::with_sources();
    let c = add_claim(
        &d,
        &d.editor,
        &[
            "--text",
            AR,
            "--lang",
            "ar",
            "--publisher",
            "agenzia-nova",
            "--via",
            "fawasel-media",
            "--date",
            "2025-02-18",
        ],
    );
    // Re-attribution: Nova quoting Harchaoui directly.
    let a = d.add(
        &d.editor,
        &[
            "amend",
            &c[..8],
            "--reason",
            "Nova quoted Harchaoui, not Fawasel",
            "--publisher",
            "agenzia-nova",
            "--via",
            "harchaoui:quoted",
        ],
    );
    let body = show_body(&d, &a);
    assert_eq!(body["target"], c.as_str());
    assert_eq!(body["change"]["type"], "reattribute");

    let t = d.ok(&["trace", &c[..8]]);
    assert!(
        t.contains("quoting Jalel Harchaoui (harchaoui, person)  [origin]"),
        "{t}"
    );
    assert!(!t.contains("citing Fawasel"), "old chain still shown: {t}");
    assert!(t.contains(&format!("amended {}", &a[..12])), "{t}");
    let tj = d.json(&["trace", &c[..8]]);
    let chain: Vec<(&str, &str)> = tj["chain"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| {
            (
                h["source"].as_str().unwrap(),
                h["relation"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        chain,
        [("agenzia-nova", "reported"), ("harchaoui", "quoted")]
    );
    assert_eq!(tj["amendments"], serde_json::json!([a]));
    assert_eq!(tj["retracted"], Value::Null);
    // The original entry is unchanged in the ledger.
    assert_eq!(show_body(&d, &c)["chain"][1]["source"], "fawasel-media");

    // Correcting a source: description and affiliation, same id.
    let h = d.json(&["source", "show", "harchaoui"])["entry"]
        .as_str()
        .unwrap()
        .to_owned();
    let fix = d.add(
        &d.editor,
        &[
            "amend",
            &h[..8],
            "--reason",
            "add affiliation",
            "--description",
            "Associate fellow, RUSI",
            "--affiliation",
            "rusi",
        ],
    );
    assert_eq!(show_body(&d, &fix)["change"]["type"], "correct-source");
    let v = d.json(&["source", "show", "harchaoui"]);
    assert_eq!(v["current"]["description"], "Associate fellow, RUSI");
    assert_eq!(v["current"]["affiliations"], serde_json::json!(["rusi"]));
    assert_eq!(v["current"]["name"], "Jalel Harchaoui");
    let t = d.ok(&["trace", &c]);
    assert!(
        t.contains("affiliated with Royal United Services Institute"),
        "{t}"
    );

    // Retraction.
    let r = d.add(
        &d.editor,
        &["amend", &c[..8], "--retract", "--reason", "story withdrawn"],
    );
    assert_eq!(show_body(&d, &r)["change"]["type"], "retract");
    let t = d.ok(&["trace", &c]);
    assert!(t.contains(&format!("RETRACTED by {}", &r[..12])), "{t}");
    assert_eq!(d.json(&["trace", &c])["retracted"], r.as_str());

    // Amending with nothing to change, or a claim fix on a source, is refused.
    let before = d.state();
    let line = d.fail_as(&d.editor, &["amend", &c[..8], "--reason", "x"], 2);
    assert!(line.contains("--retract"), "{line}");
    let line = d.fail_as(
        &d.editor,
        &["amend", &h[..8], "--reason", "x", "--publisher", "rusi"],
        2,
    );
    assert!(line.contains("source"), "{line}");
    assert_eq!(d.state(), before);
    assert!(d.assert_no_secrets() >= 2, "key files were checked");
}

#[test]
fn log_filters_by_kind_limits_and_prints_json() {
    let d = Desk::with_sources();
    let c = add_claim(
        &d,
        &d.editor,
        &[
            "--text",
            "A claim",
            "--lang",
            "en",
            "--publisher",
            "rusi",
            "--date",
            "2025-02-18",
        ],
    );
    let all = d.ok(&["log"]);
    let lines: Vec<&str> = all.lines().collect();
    assert_eq!(lines.len(), 8, "{all}");
    for (i, l) in lines.iter().enumerate() {
        assert!(
            l.trim_start().starts_with(&format!("{i} ")),
            "seq first: {l}"
        );
    }
    assert!(lines[7].contains(&c[..12]) && lines[7].contains("claim"));
    assert!(lines[3].contains("source") && lines[3].contains("agenzia-nova"));

    let j = d.json(&["log"]);
    let arr = j.as_array().unwrap();
    assert_eq!(arr.len(), 8);
    for (i, e) in arr.iter().enumerate() {
        assert_eq!(e["entry"]["seq"], i);
        assert_eq!(e["id"].as_str().unwrap().len(), 64);
    }
    assert_eq!(arr[7]["id"], c.as_str());
    // Each entry's prev is the id of the one before.
    for w in arr.windows(2) {
        assert_eq!(w[1]["entry"]["prev"], w[0]["id"]);
    }

    let sources = d.json(&["log", "--kind", "source"]);
    let kinds: Vec<&str> = sources
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["entry"]["kind"].as_str().unwrap())
        .collect();
    assert_eq!(kinds, ["source"; 4]);
    let text = d.ok(&["log", "--kind", "key"]);
    assert_eq!(text.lines().count(), 3, "{text}");

    // --limit keeps the latest.
    let last2 = d.json(&["log", "--limit", "2"]);
    let seqs: Vec<u64> = last2
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["entry"]["seq"].as_u64().unwrap())
        .collect();
    assert_eq!(seqs, [6, 7]);
    let one = d.json(&["log", "--kind", "source", "--limit", "1"]);
    assert_eq!(one[0]["entry"]["body"]["id"], "rusi");
    assert_eq!(d.ok(&["log", "--limit", "1"]).lines().count(), 1);

    let line = d.fail(&["log", "--kind", "nonsense"], 2);
    assert!(line.contains("nonsense"), "{line}");
}

/// Builds, with the library, an export of a ledger in which two entries share
/// the first four hex digits of their ids (deterministic keys and times, so
/// the same file every run). Returns the file and the shared prefix.
fn ledger_with_an_id_collision() -> (Vec<u8>, String, Vec<String>) {
    let admin = KeyPair::from_seed("desk-admin", &[7; 32]).unwrap();
    let editor = KeyPair::from_seed("editor", &[8; 32]).unwrap();
    let t0 = Timestamp::parse("2025-02-18T09:00:00Z").unwrap();
    let mut lines = Vec::new();
    let mut ids: Vec<String> = Vec::new();
    let mut prev = EntryHash::ZERO;
    let mut push = |key: &KeyPair, record: Record, lines: &mut Vec<Vec<u8>>| -> String {
        let seq = Seq(lines.len() as u64);
        let e = Draft::new(
            seq,
            prev,
            Timestamp::from_unix(t0.unix() + seq.0 as i64),
            key.verifier().clone(),
            record,
        )
        .sign(key)
        .unwrap();
        prev = e.hash();
        lines.push(e.leaf_bytes().to_vec());
        e.hash().to_hex()
    };
    let enrol = |k: &KeyPair, role: Role| {
        Record::Key(KeyBody {
            key: k.verifier().to_string(),
            roles: vec![role],
            holder: None,
            replaces: None,
            org: None,
        })
    };
    ids.push(push(&admin, enrol(&admin, Role::Admin), &mut lines));
    ids.push(push(&admin, enrol(&editor, Role::Editor), &mut lines));
    for i in 0.. {
        let id = push(
            &editor,
            Record::Source(SourceBody {
                id: format!("source-{i}").parse().unwrap(),
                name: format!("Source {i}"),
                kind: SourceKind::Outlet,
                url: None,
                language: None,
                affiliations: vec![],
                description: None,
            }),
            &mut lines,
        );
        if let Some(other) = ids.iter().find(|x| x[..4] == id[..4]) {
            let prefix = other[..4].to_owned();
            ids.push(id);
            return (jsonl(&lines), prefix, ids);
        }
        ids.push(id);
        assert!(i < 5000, "no collision found");
    }
    unreachable!()
}

#[test]
fn show_resolves_unique_prefixes_and_rejects_ambiguous_or_unknown_ones() {
    let (file, prefix, ids) = ledger_with_an_id_collision();
    let d = Desk::bare();
    let f = d.file("big.jsonl", &file);
    let v = d.json(&["import", "jsonl", s(&f)]);
    assert_eq!(v["added"], ids.len());
    assert_eq!(d.state().export, file);

    // Ambiguous: exit 2, one line naming the prefix; more digits resolve it.
    let line = d.fail(&["show", &prefix], 2);
    assert!(line.contains("ambiguous"), "{line}");
    assert!(line.contains(&prefix), "{line}");
    let line = d.fail(&["trace", &prefix], 2);
    assert!(line.contains("ambiguous"), "{line}");
    let last = ids.last().unwrap();
    assert_eq!(d.json(&["show", last])["id"], last.as_str());

    // A 4-digit prefix that is unique works, in text and JSON.
    let unique = ids
        .iter()
        .find(|x| ids.iter().filter(|y| y[..4] == x[..4]).count() == 1)
        .unwrap();
    let v = d.json(&["show", &unique[..4]]);
    assert_eq!(v["id"], unique.as_str());
    let text = d.ok(&["show", &unique[..4]]);
    assert!(text.contains(&format!("id      {unique}")), "{text}");

    // Unknown, too short, not hex.
    let line = d.fail(&["show", &"0".repeat(64)], 2);
    assert!(line.contains("no entry matches"), "{line}");
    let line = d.fail(&["show", "abc"], 2);
    assert!(line.contains("4 hex digits"), "{line}");
    let line = d.fail(&["show", "zzzzzz"], 2);
    assert!(line.contains("zzzzzz"), "{line}");
}

#[test]
fn show_prints_the_entry() {
    let d = Desk::with_sources();
    let h = d.json(&["source", "show", "rusi"])["entry"]
        .as_str()
        .unwrap()
        .to_owned();
    let text = d.ok(&["show", &h[..5]]);
    assert!(text.contains(&format!("id      {h}")), "{text}");
    assert!(text.contains("kind    source"), "{text}");
    assert!(text.contains("seq     6"), "{text}");
    assert!(text.contains("signer  editor+"), "{text}");
    assert!(
        text.contains("\"name\": \"Royal United Services Institute\""),
        "{text}"
    );
    // --json is the exact exported entry.
    let v = d.json(&["show", &h]);
    let line = &d.export_lines()[6];
    assert_eq!(v["entry"], serde_json::from_slice::<Value>(line).unwrap());
}

#[test]
fn verify_ok_text_and_json_and_verify_export_needs_no_database() {
    let d = Desk::with_sources();
    let text = d.ok(&["verify"]);
    let v = d.json(&["verify"]);
    assert_eq!(v["ok"], true);
    assert_eq!(v["entries"], 7);
    let head = v["head"].as_str().unwrap().to_owned();
    let mut lines = text.lines();
    assert_eq!(
        lines.next(),
        Some(format!("ok: 7 entries verified, head {head}").as_str())
    );
    // The Merkle root, recomputed, and no checkpoint signed yet.
    let root = lines.next().unwrap();
    assert!(root.starts_with("merkle root "), "{root}");
    assert!(
        root.ends_with("matches the stored tree and 0 signed checkpoints"),
        "{root}"
    );
    assert_eq!(v["checkpoints"], 0);

    let out = d.dir().join("ledger.jsonl");
    d.ok(&["export", "jsonl", "--out", s(&out)]);
    // Move the ledger away: verifying the export must not need it.
    std::fs::rename(&d.ledger, d.dir().join("elsewhere")).unwrap();
    let o = d.run(
        isnad_in(d.dir())
            .args(["--ledger", "nowhere", "verify", "--export"])
            .arg(&out),
    );
    assert_success(&o, &["verify", "--export"]);
    assert!(o.stderr.is_empty());
    assert_eq!(
        String::from_utf8(o.stdout).unwrap().trim(),
        format!("ok: 7 entries verified, head {head}")
    );
    let o = d.run(
        isnad_in(d.dir())
            .args(["verify", "--json", "--export"])
            .arg(&out),
    );
    assert_success(&o, &["verify", "--export", "--json"]);
    let w: Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(w, v);
    assert!(!d.dir().join("nowhere").exists());
    assert!(!d.dir().join("isnad-ledger").exists());

    // A missing export file is an input error.
    let o = d.run(isnad_in(d.dir()).args(["verify", "--export", "missing.jsonl"]));
    let line = error_line(&o, 2);
    assert!(line.contains("missing.jsonl"), "{line}");
}

#[test]
fn export_and_import_reproduce_the_ledger_byte_for_byte() {
    let d = Desk::with_sources();
    let c = add_claim(
        &d,
        &d.editor,
        &[
            "--text",
            AR,
            "--lang",
            "ar",
            "--translation",
            &format!("en={EN}"),
            "--publisher",
            "agenzia-nova",
            "--via",
            "fawasel-media",
            "--date",
            "2025-02-18",
        ],
    );
    d.add(
        &d.checker,
        &[
            "verdict",
            "add",
            &c,
            "--rating",
            "mixed",
            "--confidence",
            "50",
            "--rationale",
            "partly",
        ],
    );
    let st = d.state();
    assert_eq!(st.entries, 9);
    let lines: Vec<&[u8]> = st.export.split(|b| *b == b'\n').collect();
    assert_eq!(lines.len(), 10, "9 lines, each ending in a newline");
    assert!(lines[9].is_empty());

    // --out writes the same bytes as stdout and says how many on stderr.
    let file = d.dir().join("out.jsonl");
    let o = d.out(&["export", "jsonl", "--out", s(&file)]);
    assert_success(&o, &["export"]);
    assert!(o.stdout.is_empty());
    assert!(String::from_utf8_lossy(&o.stderr).contains("9 entries"));
    assert_eq!(std::fs::read(&file).unwrap(), st.export);

    // Import into a directory that does not exist yet.
    let copy = Desk::bare();
    let o = copy.out(&["import", "jsonl", s(&file)]);
    assert_success(&o, &["import"]);
    assert!(o.stderr.is_empty(), "quiet when piped");
    let out = String::from_utf8(o.stdout).unwrap();
    assert!(out.contains("imported 9 new entries"), "{out}");
    assert_eq!(copy.state(), st);
    // The copy works like the original.
    assert_eq!(copy.json(&["trace", &c[..8]])["text"], AR);

    // Importing the same file again adds nothing.
    let v = copy.json(&["import", "jsonl", s(&file)]);
    assert_eq!(
        v,
        serde_json::json!({"lines": 9, "existing": 9, "added": 0})
    );
    assert_eq!(copy.state(), st);

    // Import into an existing empty directory.
    let empty = Desk::bare();
    std::fs::create_dir(&empty.ledger).unwrap();
    empty.ok(&["import", "jsonl", s(&file)]);
    assert_eq!(empty.state(), st);
}

#[test]
fn import_extends_a_ledger_holding_a_prefix() {
    let d = Desk::with_sources();
    let all = d.export_lines();
    assert_eq!(all.len(), 7);
    let prefix = d.file("prefix.jsonl", &jsonl(&all[..4]));
    let full = d.file("full.jsonl", &jsonl(&all));

    let other = Desk::bare();
    let v = other.json(&["import", "jsonl", s(&prefix)]);
    assert_eq!(
        v,
        serde_json::json!({"lines": 4, "existing": 0, "added": 4})
    );
    assert_eq!(other.json(&["verify"])["entries"], 4);
    let v = other.json(&["import", "jsonl", s(&full)]);
    assert_eq!(
        v,
        serde_json::json!({"lines": 7, "existing": 4, "added": 3})
    );
    assert_eq!(other.state(), d.state());
    // And the extended copy accepts new entries signed by the same keys.
    other.add(&d.editor, &["prior", "rusi", "A", "--reason", "think tank"]);
    assert_eq!(other.json(&["verify"])["entries"], 8);
}

#[test]
#[cfg(unix)]
fn demo_builds_a_verified_worked_example() {
    let tmp = tempfile::tempdir().unwrap();
    let out = isnad_in(tmp.path())
        .args(["demo", "nova"])
        .output()
        .unwrap();
    assert_success(&out, &["demo"]);
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("Agenzia Nova"), "{text}");
    assert!(text.contains("ILLUSTRATIVE"), "{text}");
    let printed = format!("{text}{}", String::from_utf8_lossy(&out.stderr));
    assert!(!printed.contains("PRIVATE"), "{printed}");

    let dir = tmp.path().join("nova");
    let v: Value = serde_json::from_slice(
        &isnad_in(tmp.path())
            .args(["--ledger", "nova", "--json", "verify"])
            .output()
            .unwrap()
            .stdout,
    )
    .unwrap();
    assert_eq!(v["ok"], true);
    assert!(v["entries"].as_u64().unwrap() > 5, "{v}");
    // Claims with chains, and the key files written 0600.
    let claims: Value = serde_json::from_slice(
        &isnad_in(tmp.path())
            .args(["--ledger", "nova", "--json", "log", "--kind", "claim"])
            .output()
            .unwrap()
            .stdout,
    )
    .unwrap();
    assert!(!claims.as_array().unwrap().is_empty());
    let keys: Vec<_> = std::fs::read_dir(dir.join("keys"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    assert!(!keys.is_empty());
    for k in &keys {
        assert_eq!(common::mode(k), 0o600, "{}", k.display());
        let secret = std::fs::read_to_string(k).unwrap();
        assert!(!printed.contains(secret.trim()));
    }
    // --json demo describes the ledger it built.
    let tmp2 = tempfile::tempdir().unwrap();
    let out = isnad_in(tmp2.path())
        .args(["--json", "demo", "d2"])
        .output()
        .unwrap();
    assert_success(&out, &["--json", "demo"]);
    let j: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(j["entries"], v["entries"]);
    assert!(!j["sources"].as_array().unwrap().is_empty());
    // The demo is deterministic: the same ledger, byte for byte, every time.
    assert_eq!(j["head"], v["head"]);
    // Running it again on its own directory is fine and changes nothing.
    let out = isnad_in(tmp.path())
        .args(["--json", "demo", "nova"])
        .output()
        .unwrap();
    assert_success(&out, &["demo", "again"]);
    let again: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(again["head"], v["head"]);
    assert_eq!(again["entries"], v["entries"]);
}

/// The subcommands a `--help` text lists under `Commands:` (one per line,
/// indented two spaces; wrapped descriptions are indented further), but
/// `help` itself.
fn subcommands(help: &str) -> Vec<String> {
    help.lines()
        .skip_while(|l| *l != "Commands:")
        .skip(1)
        .take_while(|l| l.starts_with("  "))
        .filter(|l| !l[2..].starts_with(' '))
        .filter_map(|l| l.split_whitespace().next())
        .filter(|name| *name != "help")
        .map(str::to_owned)
        .collect()
}

/// How many commands `isnad` had when this test learnt to find them: it
/// walks the tree that `--help` shows, so a new command is covered without
/// being listed here, and losing one fails.
const COMMANDS: usize = 43;

#[test]
fn help_works_on_every_subcommand() {
    let tmp = tempfile::tempdir().unwrap();
    let help = |args: &[String]| {
        let out = isnad_in(tmp.path())
            .args(args)
            .arg("--help")
            .output()
            .unwrap();
        assert_success(&out, &args.iter().map(String::as_str).collect::<Vec<_>>());
        assert!(out.stderr.is_empty(), "{args:?}");
        String::from_utf8(out.stdout).unwrap()
    };
    let mut todo: Vec<Vec<String>> = vec![vec![]];
    let mut seen = Vec::new();
    while let Some(path) = todo.pop() {
        let text = help(&path);
        assert!(text.contains("Usage: isnad"), "{path:?}: {text}");
        if let Some(last) = path.last() {
            assert!(text.contains(last.as_str()), "{path:?}: {text}");
        }
        // `isnad help PATH…` says the same.
        let out = isnad_in(tmp.path())
            .arg("help")
            .args(&path)
            .output()
            .unwrap();
        assert_success(&out, &["help"]);
        assert_eq!(
            String::from_utf8(out.stdout).unwrap(),
            text,
            "help {path:?}"
        );
        for name in subcommands(&text) {
            let mut child = path.clone();
            child.push(name);
            todo.push(child);
        }
        if !path.is_empty() {
            seen.push(path.join(" "));
        }
    }
    seen.sort();
    assert!(
        seen.len() >= COMMANDS,
        "{} commands found, {COMMANDS} expected: {seen:?}",
        seen.len()
    );
    // Among them, every command this test listed by hand before it walked.
    for known in [
        "init",
        "key",
        "key new",
        "key show",
        "key enroll",
        "source",
        "source add",
        "source show",
        "source list",
        "claim",
        "claim add",
        "verdict",
        "verdict add",
        "relate",
        "amend",
        "prior",
        "log",
        "show",
        "trace",
        "verify",
        "replay",
        "score",
        "credibility",
        "checkers",
        "checkpoint",
        "prove",
        "verify-proof",
        "export",
        "export jsonl",
        "export tiles",
        "import",
        "import jsonl",
        "mirror",
        "demo",
        "witness",
        "witness init",
        "witness add-log",
        "witness evidence",
        "witness serve",
    ] {
        assert!(
            seen.iter().any(|c| c == known),
            "{known} not found: {seen:?}"
        );
    }
    // `help` works too, and the version.
    let out = isnad_in(tmp.path())
        .args(["help", "claim", "add"])
        .output()
        .unwrap();
    assert_success(&out, &["help"]);
    assert!(String::from_utf8_lossy(&out.stdout).contains("--text-file"));
    let out = isnad_in(tmp.path()).arg("--version").output().unwrap();
    assert_success(&out, &["--version"]);
    assert!(String::from_utf8_lossy(&out.stdout).starts_with("isnad "));
    // Nothing was created by asking for help.
    assert_eq!(std::fs::read_dir(tmp.path()).unwrap().count(), 0);
}

#[test]
fn usage_errors_exit_2() {
    let d = Desk::new();
    let before = d.state();
    for args in [
        &["frobnicate"][..],
        &["log", "--limit", "many"],
        &[
            "verdict",
            "add",
            "abcd",
            "--rating",
            "great",
            "--confidence",
            "5",
        ],
        &[
            "verdict",
            "add",
            "abcd",
            "--rating",
            "true",
            "--confidence",
            "256",
            "--rationale",
            "x",
        ],
        &["source", "add", "x", "--name", "X", "--kind", "blog"],
        &[
            "amend",
            "abcd",
            "--reason",
            "r",
            "--retract",
            "--publisher",
            "rusi",
        ],
        &[
            "claim",
            "add",
            "--text",
            "x",
            "--text-file",
            "f",
            "--lang",
            "en",
            "--date",
            "2025-01-01",
        ],
    ] {
        let out = d.out(args);
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        assert!(out.stdout.is_empty(), "{args:?}");
        assert!(!out.stderr.is_empty(), "{args:?}");
    }
    assert_eq!(d.state(), before);
}

#[test]
fn global_options_are_accepted_after_the_subcommand() {
    let d = Desk::with_sources();
    let ledger = s(&d.ledger);
    let key = s(&d.editor);
    let run = |args: &[&str]| {
        let o = d.run(isnad_in(d.dir()).args(args));
        assert_success(&o, args);
        String::from_utf8(o.stdout).unwrap()
    };
    let v: Value = serde_json::from_str(&run(&["verify", "--ledger", ledger, "--json"])).unwrap();
    assert_eq!(v["entries"], 7);
    let v: Value =
        serde_json::from_str(&run(&["log", "--json", "--limit", "1", "--ledger", ledger])).unwrap();
    assert_eq!(v[0]["entry"]["seq"], 6);
    let v: Value = serde_json::from_str(&run(&[
        "source", "show", "rusi", "--ledger", ledger, "--json",
    ]))
    .unwrap();
    assert_eq!(v["id"], "rusi");
    let v: Value = serde_json::from_str(&run(&[
        "claim",
        "add",
        "--text",
        "After",
        "--lang",
        "en",
        "--publisher",
        "rusi",
        "--date",
        "2025-02-18",
        "--ledger",
        ledger,
        "--key",
        key,
        "--json",
    ]))
    .unwrap();
    assert_eq!(v["new"], true);
    assert_eq!(v["seq"], 7);
    let v: Value = serde_json::from_str(&run(&["key", "show", "--key", key, "--json"])).unwrap();
    assert_eq!(v["name"], "editor");
    let v: Value = serde_json::from_str(&run(&[
        "prior", "rusi", "A", "--reason", "r", "--key", key, "--ledger", ledger, "--json",
    ]))
    .unwrap();
    assert_eq!(v["kind"], "prior");
}

#[test]
fn isnad_ledger_and_isnad_key_environment_variables() {
    let d = Desk::with_sources();
    let env = |args: &[&str]| {
        let mut c = isnad_in(d.dir());
        c.env("ISNAD_LEDGER", &d.ledger)
            .env("ISNAD_KEY", &d.editor)
            .args(args);
        d.run(&mut c)
    };
    let o = env(&[
        "--json",
        "source",
        "add",
        "libya-observer",
        "--name",
        "Libya Observer",
        "--kind",
        "outlet",
    ]);
    assert_success(&o, &["source", "add"]);
    let v: Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["seq"], 7);
    // It went into ISNAD_LEDGER, signed by ISNAD_KEY.
    let e = d.json(&["show", v["id"].as_str().unwrap()]);
    assert_eq!(
        e["entry"]["signer"],
        Desk::keypair(&d.editor).verifier().to_string().as_str()
    );
    let o = env(&["key", "show"]);
    assert_success(&o, &["key", "show"]);
    assert!(String::from_utf8_lossy(&o.stdout).starts_with("editor+"));
    // The command line wins over the environment.
    let o = env(&[
        "--key",
        s(&d.checker),
        "--json",
        "claim",
        "add",
        "--text",
        "x",
        "--lang",
        "en",
        "--publisher",
        "rusi",
        "--date",
        "2025-02-18",
    ]);
    assert_success(&o, &["claim", "add"]);
    let v: Value = serde_json::from_slice(&o.stdout).unwrap();
    let e = d.json(&["show", v["id"].as_str().unwrap()]);
    assert!(
        e["entry"]["signer"]
            .as_str()
            .unwrap()
            .starts_with("checker+")
    );
    let o = env(&["--ledger", "elsewhere", "log"]);
    let line = error_line(&o, 2);
    assert!(line.contains("elsewhere"), "{line}");
    assert!(!d.dir().join("elsewhere").exists());
    assert!(d.assert_no_secrets() >= 2, "key files were checked");
}

#[test]
fn the_same_content_twice_gives_the_same_id_and_adds_nothing() {
    let d = Desk::with_sources();
    let args = [
        "--key",
        s(&d.editor),
        "claim",
        "add",
        "--text",
        AR,
        "--lang",
        "ar",
        "--publisher",
        "agenzia-nova",
        "--via",
        "fawasel-media",
        "--date",
        "2025-02-18",
    ];
    let first = d.ok(&args);
    let before = d.state();
    let again = d.ok(&args);
    let id = first.split_whitespace().nth(2).unwrap();
    assert_eq!(id.len(), 64, "{first}");
    assert!(again.contains(id), "{again}");
    assert!(again.contains("already recorded; nothing added"), "{again}");
    assert_eq!(d.state(), before);
    let v = d.json(&args);
    assert_eq!(v["id"], id);
    assert_eq!(v["new"], false);
    assert_eq!(v["seq"], 7);
    assert_eq!(d.state(), before);

    // The same source, the same enrolment, the same verdict: nothing new.
    let src = [
        "source",
        "add",
        "rusi",
        "--name",
        "Royal United Services Institute",
        "--kind",
        "organization",
    ];
    let mut a = vec!["--key", s(&d.editor)];
    a.extend_from_slice(&src);
    assert_eq!(d.json(&a)["new"], false);
    let v = d.json(&["key", "enroll", s(&d.editor), "--role", "editor"]);
    assert_eq!(v["new"], false);
    assert_eq!(v["seq"], 1);
    let verdict = [
        "verdict",
        "add",
        id,
        "--rating",
        "false",
        "--confidence",
        "90",
        "--rationale",
        "no",
    ];
    let v1 = d.add(&d.checker, &verdict);
    let mut a = vec!["--key", s(&d.checker)];
    a.extend_from_slice(&verdict);
    let v2 = d.json(&a);
    assert_eq!(v2["id"], v1.as_str());
    assert_eq!(v2["new"], false);
    // But the same claim by another signer is another entry.
    let mut other = args;
    other[1] = s(&d.checker);
    let out = d.ok(&other);
    assert!(!out.contains(id) && !out.contains("already"), "{out}");
    assert_eq!(d.json(&["verify"])["entries"], 10);
}

#[test]
fn verify_and_import_are_quiet_on_stderr_when_piped() {
    let d = Desk::with_sources();
    let file = d.dir().join("e.jsonl");
    d.ok(&["export", "jsonl", "--out", s(&file)]);
    for args in [
        vec!["verify"],
        vec!["--json", "verify"],
        vec!["verify", "--export", s(&file)],
    ] {
        let o = d.out(&args);
        assert_success(&o, &args);
        assert!(o.stderr.is_empty(), "{args:?}: {:?}", o.stderr);
    }
    let copy = Desk::bare();
    for _ in 0..2 {
        let o = copy.out(&["import", "jsonl", s(&file)]);
        assert_success(&o, &["import"]);
        assert!(o.stderr.is_empty(), "{:?}", o.stderr);
    }
}

#[test]
#[cfg(unix)]
fn a_closed_stdout_pipe_is_not_a_panic() {
    let d = Desk::with_sources();
    for args in [
        &["log"][..],
        &["--json", "log"],
        &["source", "list"],
        &["verify"],
    ] {
        let (reader, writer) = std::io::pipe().unwrap();
        drop(reader);
        let mut c = std::process::Command::new(common::bin());
        c.current_dir(d.dir())
            .arg("--ledger")
            .arg(&d.ledger)
            .args(args)
            .env_remove("RUST_BACKTRACE")
            .stdout(Stdio::from(writer))
            .stderr(Stdio::piped());
        let mut child = c.spawn().unwrap();
        let mut err = String::new();
        child
            .stderr
            .take()
            .unwrap()
            .read_to_string(&mut err)
            .unwrap();
        let status = child.wait().unwrap();
        assert!(!err.contains("panicked"), "{args:?}: {err}");
        assert!(
            matches!(status.code(), Some(0 | 2)),
            "{args:?}: {status:?} {err}"
        );
        assert!(err.lines().count() <= 1, "{args:?}: {err}");
    }
}
