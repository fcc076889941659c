//! The log's side of witnessing: a ledger told of its witnesses (`isnad
//! witnesses add`), `isnad checkpoint`, `prove`, `export tiles` and `isnad
//! serve` asking real `isnad witness serve` processes for cosignatures,
//! and the readers (`verify-proof`, `verify --since`, `mirror`) accepting
//! the cosigned notes with `--quorum`; a witness that is down reported
//! without holding back an append; a split view refused and reported.

use std::path::PathBuf;
use std::time::{Duration, Instant};

use crate::common::*;
use serde_json::Value;

/// The longest wait for the server's witness round to show: a bound so
/// that nothing hangs, not a timing expectation.
const WAIT: Duration = Duration::from_secs(120);

/// A witness `name` following the desk's log, in `DIR/name-of-it`: its
/// directory and verifier key.
fn witness(d: &Desk, tag: &str) -> (PathBuf, String) {
    let vkey = d.ok(&["checkpoint", "--vkey"]).trim().to_owned();
    let dir = d.dir().join(format!("witness-{tag}"));
    let name = format!("witness.example/{tag}");
    let wkey = d.ok(&["witness", "init", s(&dir), "--name", &name]);
    d.ok(&["witness", "add-log", s(&dir), "--vkey", &vkey]);
    (dir, wkey.trim().to_owned())
}

/// [`witness`], served, and listed as the desk's ledger's witness: its
/// directory, verifier key and server.
fn listed_witness(d: &Desk, tag: &str) -> (PathBuf, String, WitnessServer) {
    let (dir, key) = witness(d, tag);
    let w = WitnessServer::start(&dir);
    d.ok(&["witnesses", "add", &w.url, "--vkey", &key]);
    (dir, key, w)
}

/// The log's verifier key, and witnesses `w1` and `w2` served and listed.
fn two_listed(
    d: &Desk,
) -> (
    String,
    (PathBuf, String, WitnessServer),
    (PathBuf, String, WitnessServer),
) {
    let vkey = d.ok(&["checkpoint", "--vkey"]).trim().to_owned();
    (vkey, listed_witness(d, "w1"), listed_witness(d, "w2"))
}

/// How many cosignature lines of `witness.example/…` a note carries.
fn cosignatures(note: &str) -> usize {
    note.lines()
        .filter(|l| l.starts_with("\u{2014} witness.example/"))
        .count()
}

/// Appends one source, signed by the desk's editor.
fn append(d: &Desk, slug: &str) {
    d.add(
        &d.editor,
        &["source", "add", slug, "--name", slug, "--kind", "outlet"],
    );
}

#[test]
fn checkpoint_gathers_cosignatures_that_every_reader_accepts() {
    let d = Desk::new();
    let (vkey, (w1dir, k1, w1), (_, k2, w2)) = two_listed(&d);
    let (_, k3) = witness(&d, "w3");
    let listed = d.json(&["witnesses", "list"]);
    assert_eq!(listed["quorum"], 2);
    assert_eq!(listed["witnesses"][1]["vkey"], k2.as_str());
    assert_eq!(listed["witnesses"][1]["url"], w2.url.as_str());

    append(&d, "outlet-one");
    let note = d.ok(&["checkpoint"]);
    assert_eq!(cosignatures(&note), 2, "{note}");
    assert!(note.starts_with(&format!("{}\n4\n", vkey.split('+').next().unwrap())));
    let saved = d.file("checkpoint4", note.as_bytes());
    // Asked again at the same size, the checkpoint is the same note.
    assert_eq!(d.ok(&["checkpoint"]), note);

    // The ledger grows: each witness is asked from the size it cosigned.
    append(&d, "outlet-two");
    let id = d.add(
        &d.editor,
        &[
            "source",
            "add",
            "outlet-three",
            "--name",
            "Three",
            "--kind",
            "outlet",
        ],
    );
    let proof = d.ok(&["prove", &id]);
    let v: Value = serde_json::from_str(&proof).unwrap();
    let cosigned = v["checkpoint"].as_str().unwrap();
    assert_eq!(cosignatures(cosigned), 2, "{cosigned}");
    assert!(cosigned.contains("\n6\n"), "{cosigned}");
    let proof = d.file("proof.json", proof.as_bytes());
    let verify = |extra: &[&str]| {
        let mut args = vec!["verify-proof", s(&proof), "--vkey", &vkey];
        args.extend_from_slice(extra);
        d.out(&args)
    };
    let two = ["--witness", &k1, "--witness", &k2, "--quorum", "2"];
    assert_success(&verify(&two), &["verify-proof", "--quorum", "2"]);
    // A witness the ledger does not ask is missing.
    let e = error_line(
        &verify(&["--witness", &k1, "--witness", &k3, "--quorum", "2"]),
        1,
    );
    assert!(
        e.contains("1 of the 2 needed; missing: witness.example/w3"),
        "{e}"
    );
    // `verify --since` the checkpoint saved at 4.
    let out = d.out(&[
        "verify",
        "--since",
        s(&saved),
        "--witness",
        &k1,
        "--witness",
        &k2,
    ]);
    assert_success(&out, &["verify --since", "--witness"]);

    // `export tiles` publishes the cosigned note; a mirror demanding both
    // witnesses follows it, one demanding another does not.
    let published = d.dir().join("published");
    d.ok(&["export", "tiles", s(&published)]);
    let exported = std::fs::read_to_string(published.join("checkpoint")).unwrap();
    assert_eq!(exported, cosigned);
    let mirror = |m: &str, extra: &[&str]| {
        let mut args = vec!["mirror", s(&published), m, "--vkey", &vkey];
        args.extend_from_slice(extra);
        d.out(&args)
    };
    assert_success(&mirror("m1", &two), &["mirror", "--quorum", "2"]);
    let e = error_line(&mirror("m2", &["--witness", &k3]), 1);
    assert!(e.contains("missing: witness.example/w3"), "{e}");
    assert!(!d.dir().join("m2").join("ledger").exists());

    // A witness down: the append goes through; `checkpoint` keeps the
    // other's cosignature, names the one missing and exits 3.
    w2.stop();
    append(&d, "outlet-four");
    let out = d.out(&["checkpoint"]);
    let e = error_line(&out, 3);
    assert!(
        e.contains("1 of the 2 witnesses needed cosigned the checkpoint of size 7")
            && e.contains(&format!("witness.example/w2 ({})", w2_url(&listed)))
            && e.contains("unreachable"),
        "{e}"
    );
    let note7 = String::from_utf8(out.stdout).unwrap();
    assert_eq!(cosignatures(&note7), 1, "{note7}");
    assert!(note7.contains("\u{2014} witness.example/w1 "));
    d.ok(&["verify"]);
    // With a quorum of one it succeeds, and still says who is missing.
    d.ok(&["witnesses", "quorum", "1"]);
    let out = d.out(&["checkpoint", "--witness-timeout", "2"]);
    assert_success(&out, &["checkpoint", "quorum 1"]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.starts_with("isnad: witness witness.example/w2 (") && err.contains("unreachable"),
        "{err}"
    );
    // The witness that stayed up cosigned each size it was shown.
    w1.stop();
    let shown = d.ok(&["witness", "show", s(&w1dir)]);
    assert!(shown.contains(&format!("{vkey} 7")), "{shown}");
    d.assert_no_secrets();
}

/// The URL of the second witness listed.
fn w2_url(listed: &Value) -> String {
    listed["witnesses"][1]["url"].as_str().unwrap().to_owned()
}

#[test]
fn bad_witness_settings_are_refused_and_change_nothing() {
    let d = Desk::new();
    let vkey = d.ok(&["checkpoint", "--vkey"]).trim().to_owned();
    let (_, k1) = witness(&d, "w1");
    // The key in a file; the URL's final slash dropped.
    let k1file = d.file("w1.vkey", format!("{k1}\n").as_bytes());
    d.ok(&[
        "witnesses",
        "add",
        "http://127.0.0.1:9/",
        "--vkey",
        s(&k1file),
    ]);
    let listed = d.json(&["witnesses", "list"]);
    assert_eq!(listed["witnesses"][0]["url"], "http://127.0.0.1:9");
    assert_eq!(listed["witnesses"][0]["vkey"], k1.as_str());
    let file = d.ledger.join("witnesses.json");
    let before = std::fs::read(&file).unwrap();
    let refused = |args: &[&str], what: &str| {
        let e = d.fail(args, 2);
        assert!(e.contains(what), "{args:?}: {e}");
        assert_eq!(std::fs::read(&file).unwrap(), before, "{args:?}");
    };
    let (_, k2) = witness(&d, "w2");
    refused(
        &["witnesses", "add", "witness.example", "--vkey", &k2],
        "url",
    );
    refused(
        &["witnesses", "add", "ftp://w.example", "--vkey", &k2],
        "url",
    );
    // The log's own key is no witness key; neither is a private key.
    refused(
        &["witnesses", "add", "http://w.example", "--vkey", &vkey],
        "--vkey",
    );
    let secret = std::fs::read_to_string(d.dir().join("witness-w2/witness.key")).unwrap();
    refused(
        &[
            "witnesses",
            "add",
            "http://w.example",
            "--vkey",
            secret.trim(),
        ],
        "--vkey",
    );
    refused(
        &["witnesses", "add", "http://w2.example", "--vkey", &k1],
        "listed already",
    );
    refused(&["witnesses", "quorum", "2"], "quorum");
    refused(&["witnesses", "quorum", "two"], "quorum");
    refused(
        &["witnesses", "remove", "witness.example/w9"],
        "no listed witness",
    );
    // A witness that never answers (nothing listens there): the checkpoint
    // is signed, the ledger's entries untouched, and the exit code is 3.
    let state = d.state();
    let e = error_line(&d.out(&["checkpoint"]), 3);
    assert!(
        e.contains("witness.example/w1") && e.contains("unreachable"),
        "{e}"
    );
    assert_eq!(d.state(), state);
    // Removed by name, the ledger asks nobody: `checkpoint` succeeds.
    d.ok(&["witnesses", "remove", "witness.example/w1"]);
    assert_eq!(
        d.json(&["witnesses", "list"])["witnesses"],
        Value::Array(vec![])
    );
    d.ok(&["checkpoint"]);
    d.assert_no_secrets();
}

#[test]
fn the_server_asks_the_witnesses_after_appends_without_waiting_for_them() {
    let d = Desk::with_sources();
    let (vkey, (_, k1, w1), (_, k2, w2)) = two_listed(&d);
    let srv = Server::start_with(&d.ledger, &["--quiet"]);
    let remote = |slug: &str| {
        let out = isnad_in(d.dir())
            .args(["--server", &srv.url, "--key", s(&d.editor)])
            .args(["source", "add", slug, "--name", slug, "--kind", "outlet"])
            .output()
            .unwrap();
        assert_success(&out, &["--server", "source add"]);
    };
    remote("served-one");
    let note = wait_for_checkpoint(&srv, 8, 2);
    assert_eq!(cosignatures(&note), 2);
    let two = ["--witness", &k1, "--witness", &k2, "--quorum", "2"];
    let mirror = |m: &str, extra: &[&str]| {
        let mut args = vec!["mirror", &srv.url, m, "--vkey", &vkey];
        args.extend_from_slice(extra);
        d.out(&args)
    };
    let m = d.dir().join("mirror");
    assert_success(&mirror(s(&m), &two), &["mirror", "--quorum", "2"]);
    // A proof from the server carries them too.
    let proof = d.file(
        "served-proof.json",
        ureq_get(&format!("{}/v1/proofs/consistency?old=7", srv.url)).as_bytes(),
    );
    let mut args = vec!["verify-proof", s(&proof), "--vkey", &vkey];
    args.extend_from_slice(&two);
    assert_success(&d.out(&args), &["verify-proof", "served"]);

    // One witness down: appends are acknowledged as before; the server
    // says which witness did not cosign, and signs the new checkpoint,
    // but `/checkpoint` keeps serving the last one both cosigned, so
    // readers demanding both still follow the log (up to there).
    w2.stop();
    remote("served-two");
    let said = wait_for_log(&srv, "witness.example/w2");
    assert!(
        said.contains("unreachable") && said.contains("size 9"),
        "{said}"
    );
    let latest = wait_for_note(&srv, "/v1/checkpoint/latest", 9, 1);
    assert_eq!(cosignatures(&latest), 1);
    assert_eq!(ureq_get(&format!("{}/checkpoint", srv.url)), note);
    let m2 = d.dir().join("mirror-two");
    assert_success(&mirror(s(&m2), &two), &["mirror", "--quorum", "2"]);
    assert_eq!(
        std::fs::read_to_string(m2.join("checkpoint")).unwrap(),
        note
    );
    // The status names the failing witness and what each cosigned.
    let status: Value =
        serde_json::from_str(&ureq_get(&format!("{}/v1/witnesses", srv.url))).unwrap();
    assert_eq!(
        (
            &status["quorum"],
            &status["latest_size"],
            &status["served_size"]
        ),
        (&Value::from(2), &Value::from(9), &Value::from(8)),
        "{status}"
    );
    let (first, second) = (&status["witnesses"][0], &status["witnesses"][1]);
    assert_eq!(first["name"], "witness.example/w1");
    assert_eq!(first["vkey"], k1.as_str());
    assert_eq!(
        (&first["cosigned_size"], &first["last_size"]),
        (&Value::from(9), &Value::from(9))
    );
    assert_eq!(first["last_error"], Value::Null);
    assert_eq!(second["name"], "witness.example/w2");
    assert_eq!(second["cosigned_size"], 8);
    assert_eq!(second["last_size"], 9);
    let why = second["last_error"].as_str().unwrap_or_default();
    assert!(why.starts_with("unreachable"), "{status}");
    // The operator lowers the quorum to one: the server reads the file
    // again and serves the newest checkpoint, which w1 cosigned.
    d.ok(&["witnesses", "quorum", "1"]);
    assert_eq!(ureq_get(&format!("{}/checkpoint", srv.url)), latest);
    assert_success(
        &mirror(
            s(&m),
            &["--witness", &k1, "--witness", &k2, "--quorum", "1"],
        ),
        &["mirror", "--quorum", "1"],
    );
    // A quorum no checkpoint has met: nothing is served as witnessed.
    d.ok(&["witnesses", "quorum", "2"]);
    let (_, k3) = witness(&d, "w3");
    d.ok(&["witnesses", "add", "http://127.0.0.1:9", "--vkey", &k3]);
    d.ok(&["witnesses", "quorum", "3"]);
    let (status, ct, body) =
        http_answer(http_agent().get(&format!("{}/checkpoint", srv.url)).call());
    assert_eq!(
        (status, ct.as_str()),
        (503, "application/problem+json"),
        "{body}"
    );
    assert!(
        body.contains("/problems/not-witnessed") && body.contains("/v1/checkpoint/latest"),
        "{body}"
    );
    assert_eq!(
        ureq_get(&format!("{}/v1/checkpoint/latest", srv.url)),
        latest
    );
    drop(w1);
    srv.stop();
}

/// The server's `/checkpoint` once it is of `size` entries with at least
/// `cosigned` witness cosignatures.
fn wait_for_checkpoint(srv: &Server, size: u64, cosigned: usize) -> String {
    wait_for_note(srv, "/checkpoint", size, cosigned)
}

/// The note at `path` on the server once it is of `size` entries with at
/// least `cosigned` witness cosignatures.
fn wait_for_note(srv: &Server, path: &str, size: u64, cosigned: usize) -> String {
    let start = Instant::now();
    loop {
        let note = ureq_get(&format!("{}{path}", srv.url));
        if note.contains(&format!("\n{size}\n")) && cosignatures(&note) >= cosigned {
            return note;
        }
        assert!(start.elapsed() < WAIT, "no such checkpoint; last: {note}");
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// The first line of the server's log that contains `what`.
fn wait_for_log(srv: &Server, what: &str) -> String {
    let start = Instant::now();
    loop {
        if let Some(line) = srv.log.lock().unwrap().iter().find(|l| l.contains(what)) {
            return line.clone();
        }
        assert!(start.elapsed() < WAIT, "no line with {what}");
        std::thread::sleep(Duration::from_millis(50));
    }
}

fn ureq_get(url: &str) -> String {
    http_answer(http_agent().get(url).call()).2
}

// Two copies of one ledger, with the same log key, that each take another
// entry at the same position: the witness cosigns the first it is shown;
// the other's `checkpoint` is refused as a split view, reported, and kept
// by the witness as evidence; readers who demand the witness refuse it.
#[test]
fn a_split_view_is_refused_by_the_witness_and_reported() {
    let d = Desk::new();
    let vkey = d.ok(&["checkpoint", "--vkey"]).trim().to_owned();
    let (wdir, k1, w) = listed_witness(&d, "w1");
    let fork = d.dir().join("fork");
    copy_dir(&d.ledger, &fork);
    append(&d, "one-history");
    d.ok(&["checkpoint"]);
    let other = |args: &[&str]| {
        let mut a = vec!["--ledger", s(&fork)];
        a.extend_from_slice(args);
        d.run(isnad_in(d.dir()).args(&a))
    };
    let added = other(&[
        "--key",
        s(&d.editor),
        "source",
        "add",
        "another-history",
        "--name",
        "Another",
        "--kind",
        "outlet",
    ]);
    assert_success(&added, &["fork", "source add"]);
    let out = other(&["checkpoint"]);
    let e = error_line(&out, 3);
    assert!(
        e.contains("witness.example/w1") && e.contains("split view") && e.contains("size 4"),
        "{e}"
    );
    let forked = String::from_utf8(out.stdout).unwrap();
    assert_eq!(cosignatures(&forked), 0, "{forked}");
    w.stop();
    let evidence = d.ok(&["witness", "evidence", s(&wdir)]);
    let first: Value = serde_json::from_str(evidence.lines().next().unwrap()).unwrap();
    assert_eq!(first["shown"], forked);
    // A reader demanding the witness refuses the fork's checkpoint.
    let saved = d.file("forked", forked.as_bytes());
    let e = error_line(
        &other(&["verify", "--since", s(&saved), "--witness", &k1]),
        1,
    );
    assert!(e.contains("missing: witness.example/w1"), "{e}");
    // And so does a mirror of the fork's published tiles.
    let published = d.dir().join("fork-published");
    let exported = other(&["export", "tiles", s(&published)]);
    assert!(exported.status.success(), "{exported:?}");
    let m = d.dir().join("fork-mirror");
    let e = error_line(
        &d.out(&[
            "mirror",
            s(&published),
            s(&m),
            "--vkey",
            &vkey,
            "--witness",
            &k1,
            "--quorum",
            "1",
        ]),
        1,
    );
    assert!(e.contains("missing: witness.example/w1"), "{e}");
    assert!(!m.join("ledger").exists());
}
