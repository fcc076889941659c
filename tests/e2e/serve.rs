//! `isnad serve` end to end over loopback: the API, problems, `--server`
//! writes, many writers and readers at once, and a graceful shutdown that
//! loses nothing acknowledged.

use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};

use crate::common::*;
use serde_json::{Value, json};

/// The longest wait for something the test waits on (an append to be
/// acknowledged): a bound so that nothing hangs, not a timing expectation.
const WAIT: Duration = Duration::from_secs(120);

fn agent() -> ureq::Agent {
    http_agent()
}

/// GET: status, content type and body.
fn get(url: &str) -> (u16, String, String) {
    http_answer(agent().get(url).call())
}

fn get_json(url: &str) -> Value {
    let (status, _, body) = get(url);
    assert_eq!(status, 200, "{url}: {body}");
    serde_json::from_str(&body).unwrap()
}

fn post(url: &str, body: &[u8]) -> (u16, Value) {
    let mut r = agent()
        .post(url)
        .header("content-type", "application/json")
        .send(body)
        .unwrap();
    let status = r.status().as_u16();
    let text = r.body_mut().read_to_string().unwrap();
    (status, serde_json::from_str(&text).unwrap_or(Value::Null))
}

/// Posts a request announcing a body of `len` bytes and reads the status
/// line the server answers with before the body is sent (a server refuses
/// an oversized body from its length alone, then closes the connection).
fn post_announcing(url: &str, len: usize) -> u16 {
    use std::io::{Read as _, Write as _};
    let addr = url.trim_start_matches("http://");
    let mut c = std::net::TcpStream::connect(addr).unwrap();
    write!(
        c,
        "POST /v1/entries HTTP/1.1\r\nHost: {addr}\r\nContent-Type: application/json\r\nContent-Length: {len}\r\n\r\n"
    )
    .unwrap();
    let _ = c.write_all(&vec![b' '; 4096]);
    let mut head = [0u8; 12];
    c.read_exact(&mut head).unwrap();
    String::from_utf8_lossy(&head[9..12]).parse().unwrap()
}

#[test]
fn reading_the_demo_over_http() {
    let tmp = tempfile::tempdir().unwrap();
    let ledger = build_demo(tmp.path());
    // What `isnad replay` says, before the server owns the ledger.
    let replay = isnad_in(tmp.path())
        .args(["--ledger", s(&ledger), "--json", "replay"])
        .output()
        .unwrap();
    assert!(replay.status.success());
    let replayed: Value = serde_json::from_slice(&replay.stdout).unwrap();
    let srv = Server::start(&ledger);
    let u = &srv.url;

    let head = get_json(&format!("{u}/v1/head"));
    assert_eq!(head["size"], 35);
    assert_eq!(head["origin"], "demo.isnad.example/agenzia-nova-2025");

    // Search in English (a translation) and Arabic, on normalised text.
    let en = get_json(&format!("{u}/v1/claims?q=mig-29"));
    let ar = get_json(&format!("{u}/v1/claims?q=%D8%AD%D9%81%D8%AA%D8%B1")); // حفتر
    assert!(!ar["claims"].as_array().unwrap().is_empty(), "{ar}");
    let ids = |v: &Value| -> Vec<String> {
        v["claims"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c["id"].as_str().unwrap().to_owned())
            .collect()
    };
    assert!(ids(&ar).iter().any(|i| i.starts_with("ad8f")), "{ar}");
    assert!(ids(&en).iter().any(|i| i.starts_with("ad8f")), "{en}");

    // The claim page: chain with names, verdicts, credibility explained.
    let c = get_json(&format!("{u}/v1/claims/ad8f"));
    assert_eq!(c["chain"][0]["source"], "agenzia-nova");
    assert_eq!(c["chain"][0]["name"], "Agenzia Nova");
    assert_eq!(c["chain"][1]["source"], "fawasel-media");
    assert!(c["verdicts"].as_array().is_some_and(|v| !v.is_empty()));
    assert!(c["credibility"]["opinion"]["e"].is_number());
    assert!(c["explanation"]["reports"].is_array());

    // Sources, one source, its history, scores.
    let all = get_json(&format!("{u}/v1/sources"));
    assert_eq!(all["sources"].as_array().unwrap().len(), 13);
    let src = get_json(&format!("{u}/v1/sources/fawasel-media"));
    assert_eq!(src["source"]["name"], "Fawasel Media");
    assert!(src["score"]["grade"].is_string() && src["explanation"]["evidence"].is_array());
    let hist = get_json(&format!("{u}/v1/sources/fawasel-media/history"));
    let points = hist["points"].as_array().unwrap();
    assert!(points.len() >= 2, "{hist}");
    assert!(
        points
            .windows(2)
            .all(|w| w[0]["seq"].as_u64() < w[1]["seq"].as_u64())
    );
    let scores = get_json(&format!("{u}/v1/scores"));
    // The same state root as `isnad replay` on the ledger.
    assert_eq!(scores["state_root"], replayed["state_root"]);
    assert_eq!(scores["state_root"].as_str().unwrap().len(), 64);

    // Entries page by page, each with its exact signed line.
    let page = get_json(&format!("{u}/v1/entries?limit=10"));
    assert_eq!(page["entries"].as_array().unwrap().len(), 10);
    assert_eq!(page["next_after"], 9);
    let rest = get_json(&format!("{u}/v1/entries?after=9&limit=1000"));
    assert_eq!(rest["entries"].as_array().unwrap().len(), 25);
    assert_eq!(rest["next_after"], Value::Null);
    let one = get_json(&format!("{u}/v1/entries/ad8f"));
    isnad_core::Entry::parse(one["leaf"].as_str().unwrap().as_bytes())
        .unwrap()
        .check_signature()
        .unwrap();

    // The checkpoint and a proof that `isnad verify-proof` accepts.
    let (status, ct, note) = get(&format!("{u}/checkpoint"));
    assert_eq!((status, ct.as_str()), (200, "text/plain; charset=utf-8"));
    assert!(
        note.starts_with("demo.isnad.example/agenzia-nova-2025\n35\n"),
        "{note}"
    );
    let proof = get_json(&format!("{u}/v1/proofs/inclusion/ad8f"));
    let dir = tmp.path();
    std::fs::write(dir.join("proof.json"), proof.to_string()).unwrap();
    std::fs::write(dir.join("entry.jsonl"), one["leaf"].as_str().unwrap()).unwrap();
    // The ledger is the server's now: `checkpoint --vkey` reads the key
    // file (regression: it needed the ledger), as `key show` does.
    let vkey = isnad_in(dir)
        .args(["--ledger", s(&ledger), "checkpoint", "--vkey"])
        .output()
        .unwrap();
    assert!(
        vkey.status.success(),
        "{}",
        String::from_utf8_lossy(&vkey.stderr)
    );
    let vkey = String::from_utf8(vkey.stdout).unwrap();
    let shown = isnad_in(dir)
        .args(["key", "show", s(&ledger.join("keys").join("log.key"))])
        .output()
        .unwrap();
    assert_eq!(vkey, String::from_utf8(shown.stdout).unwrap());
    let ok = isnad_in(dir)
        .args([
            "verify-proof",
            "proof.json",
            "--vkey",
            vkey.trim(),
            "--entry",
            "entry.jsonl",
        ])
        .output()
        .unwrap();
    assert!(
        ok.status.success(),
        "{}",
        String::from_utf8_lossy(&ok.stderr)
    );
    let cons = get_json(&format!("{u}/v1/proofs/consistency?old=20"));
    assert_eq!(
        (cons["old_size"].as_u64(), cons["new_size"].as_u64()),
        (Some(20), Some(35)),
        "{cons}"
    );

    // Problems: RFC 9457, naming what is wrong.
    for (path, status) in [
        ("/v1/entries/zz", 400),
        ("/v1/entries/ffffffff", 404),
        ("/v1/claims/52b6", 404),
        ("/v1/sources/no-such-source", 404),
        ("/v1/sources/Not%20A%20Slug", 400),
        ("/v1/checkers/nobody", 404),
        ("/v1/proofs/consistency", 400),
        ("/nowhere", 404),
    ] {
        let (got, ct, body) = get(&format!("{u}{path}"));
        assert_eq!(got, status, "{path}: {body}");
        assert_eq!(ct, "application/problem+json", "{path}");
        let p: Value = serde_json::from_str(&body).unwrap();
        assert_eq!(p["status"], status, "{path}");
        for f in ["type", "title", "detail"] {
            assert!(p[f].as_str().is_some_and(|t| !t.is_empty()), "{path}: {p}");
        }
    }
    drop(srv);
}

#[test]
fn openapi_describes_exactly_the_routes_served() {
    let tmp = tempfile::tempdir().unwrap();
    let ledger = build_demo(tmp.path());
    let srv = Server::start(&ledger);
    let doc = get_json(&format!("{}/v1/openapi.json", srv.url));
    assert_eq!(doc["openapi"], "3.1.0");
    let mut documented = Vec::new();
    for (path, ops) in doc["paths"].as_object().unwrap() {
        for method in ops.as_object().unwrap().keys() {
            documented.push((method.clone(), path.clone()));
        }
    }
    documented.sort();
    let mut served: Vec<(String, String)> = isnad_server::ROUTES
        .iter()
        .map(|(m, p)| ((*m).to_owned(), (*p).to_owned()))
        .collect();
    served.sort();
    assert_eq!(documented, served);
    // Every documented GET is answered by its handler (not the "no route"
    // fallback), with parameters filled in.
    let checkers = get_json(&format!("{}/v1/checkers", srv.url));
    let checker = checkers["checkers"][0]["id"].as_str().unwrap().to_owned();
    // The key the genesis entry enrolled.
    let first = get_json(&format!("{}/v1/entries?limit=1", srv.url));
    let genesis_key = first["entries"][0]["entry"]["body"]["key"]
        .as_str()
        .unwrap()
        .to_owned();
    for (method, path) in &documented {
        if method != "get" {
            continue;
        }
        let id = if path.starts_with("/v1/checkers/") {
            checker.as_str()
        } else {
            "ad8f"
        };
        let concrete = path
            .replace("{id}", id)
            .replace("{slug}", "fawasel-media")
            .replace("{path}", "0/000.p/35");
        let query = if concrete.ends_with("consistency") {
            "?old=1".to_owned()
        } else if concrete == "/v1/keys" {
            format!("?key={}", query_value(&genesis_key))
        } else {
            String::new()
        };
        let (status, _, body) = get(&format!("{}{concrete}{query}", srv.url));
        assert_eq!(status, 200, "{path}: {body}");
    }
    // And the POST route exists: an empty body is a problem, not a 404/405.
    let (status, p) = post(&format!("{}/v1/entries", srv.url), b"");
    assert_eq!(status, 400, "{p}");
}

/// The checkers and the facts the scores publish (grade text, Admiralty
/// pairs, disputes, misattribution, unknown independence), as the API
/// serves them to the explorer.
#[test]
fn checkers_and_the_scores_facts_over_http() {
    let d = Desk::with_sources();
    let second = d.dir().join("checker2.key");
    d.ok(&["key", "new", "checker2", "--out", s(&second)]);
    d.ok(&["key", "enroll", s(&second), "--role", "fact-checker"]);
    d.add(
        &d.editor,
        &[
            "source",
            "add",
            "unnamed",
            "--name",
            "Unnamed sources",
            "--kind",
            "anonymous",
        ],
    );
    let claim = |text: &str, publisher: &str, via: &str| {
        d.add_chain_claim(&d.editor, text, publisher, &[via], "2025-02-18")
    };
    // Disputed: the two checkers disagree on one story.
    let disputed = claim("MiG-29s were delivered", "agenzia-nova", "harchaoui:quoted");
    d.rate(&d.checker, &disputed, "true");
    d.rate(&second, &disputed, "false");
    // Misattributed, and a second report from unnamed sources.
    let text = "Officers are training in Belarus";
    let misattributed = claim(text, "agenzia-nova", "fawasel-media:cited");
    claim(text, "rusi", "unnamed:anonymous");
    d.rate(&d.checker, &misattributed, "misattributed");
    let cli_checkers = d.json(&["checkers"]);
    let cli_one = d.json(&["checkers", "checker", "--explain"]);
    let cli_claim = d.json(&["credibility", &disputed]);

    let srv = Server::start(&d.ledger);
    let u = &srv.url;

    // Every checker, with its weight and what the weight comes from: the
    // same facts as `isnad checkers`.
    let all = get_json(&format!("{u}/v1/checkers"));
    assert_eq!(all["checkers"], cli_checkers["checkers"], "{all}");
    assert_eq!(all["checker_prior_weight"], 2.0);
    assert_eq!(all["checker_default_trust"], 0.8);
    let list = all["checkers"].as_array().unwrap();
    assert_eq!(list.len(), 2, "{all}");
    assert!(
        list.iter()
            .all(|c| c["weight"] == 0.533333 && c["shared"] == 1),
        "{all}"
    );
    // One checker: its '+' written as is or percent-encoded.
    let id = cli_one["id"].as_str().unwrap();
    assert!(id.starts_with("checker+"), "{id}");
    let one = get_json(&format!("{u}/v1/checkers/{id}"));
    let encoded = get_json(&format!("{u}/v1/checkers/{}", id.replace('+', "%2B")));
    assert_eq!(one, encoded);
    assert_eq!(one["id"], id);
    assert_eq!(one["score"]["weight"], 0.533333);
    assert_eq!(one["checker_prior_weight"], 2.0);
    let stories = one["explanation"]["stories"].as_array().unwrap();
    assert_eq!(one["explanation"]["stories"], cli_one["stories"]);
    assert_eq!(stories.len(), 1, "{one}");
    assert_eq!(stories[0]["story"], disputed.as_str());
    assert_eq!(stories[0]["rating"], "true");
    // One story against a checker who said false: all disagreement.
    assert_eq!(
        (&stories[0]["agree"], &stories[0]["disagree"]),
        (&0.0.into(), &1.0.into())
    );
    assert!(
        stories[0]["others"][0]
            .as_str()
            .unwrap()
            .starts_with("checker2+")
    );
    let (status, ct, body) = get(&format!("{u}/v1/checkers/checker"));
    assert_eq!(
        (status, ct.as_str()),
        (404, "application/problem+json"),
        "{body}"
    );
    assert!(body.contains("no checker `checker`"), "{body}");

    // Sources: the grade as text, the lower bound, each checker's part.
    let sources = get_json(&format!("{u}/v1/sources"));
    for s in sources["sources"].as_array().unwrap() {
        let text = s["grade_text"].as_str().unwrap();
        assert!(text.starts_with(s["grade"].as_str().unwrap()), "{s}");
        assert!(s["lower"].is_number() && s["checkers"].is_number(), "{s}");
    }
    let scores = get_json(&format!("{u}/v1/scores"));
    assert!(scores["sources"][0]["grade_text"].is_string(), "{scores}");
    let nova = get_json(&format!("{u}/v1/sources/harchaoui"));
    assert_eq!(
        nova["grade_text"],
        nova["score"]["grade"]
            .as_str()
            .map(|g| format!("{g}, 2 verdicts, 2 checkers"))
            .unwrap()
    );
    let shares = nova["explanation"]["checkers"].as_array().unwrap();
    assert_eq!(shares.len(), 2, "{nova}");
    // The verdicts behind a source come a page at a time, with the total;
    // the pages together are the whole list, in ledger order.
    let all = nova["explanation"]["evidence"].as_array().unwrap().clone();
    assert_eq!(all.len(), 2, "{nova}");
    assert_eq!(nova["evidence_total"], 2);
    let page = |q: &str| get_json(&format!("{u}/v1/sources/harchaoui?{q}"));
    let mut paged = Vec::new();
    for q in ["limit=1", "offset=1&limit=1", "offset=2&limit=1"] {
        let p = page(q);
        assert_eq!(p["evidence_total"], 2, "{q}: {p}");
        assert_eq!(
            p["explanation"]["checkers"],
            nova["explanation"]["checkers"]
        );
        let ev = p["explanation"]["evidence"].as_array().unwrap();
        assert!(ev.len() <= 1, "{q}: {p}");
        // Each page carries the text of the claims its verdicts rated.
        for e in ev {
            let claim = e["claim"].as_str().unwrap();
            assert!(p["claims"][claim]["text"].is_string(), "{q}: {p}");
        }
        paged.extend(ev.iter().cloned());
    }
    assert_eq!(paged, all);
    let (status, _, body) = get(&format!("{u}/v1/sources/harchaoui?limit=0"));
    assert_eq!(status, 400, "{body}");
    assert!(body.contains("\"limit\""), "{body}");
    assert!(
        shares
            .iter()
            .all(|c| c["saturation"].is_number() && c["weight"] == 0.533333),
        "{nova}"
    );
    let evidence = nova["explanation"]["evidence"].as_array().unwrap();
    assert!(
        evidence
            .iter()
            .all(|e| e["said"] == "2025-02-18T00:00:00Z" && e["dispute"].is_number()),
        "{nova}"
    );

    // Claims: the Admiralty pair, a dispute, a misattribution, reports of
    // unknown origin; the verdicts with their checker and voice.
    let pair_ok = |p: &Value| {
        let p = p.as_str().unwrap_or("").as_bytes();
        p.len() == 2 && (b'A'..=b'F').contains(&p[0]) && (b'1'..=b'6').contains(&p[1])
    };
    let c = get_json(&format!("{u}/v1/claims/{disputed}"));
    assert!(pair_ok(&c["pair"]), "{c}");
    assert_eq!(c["pair"], cli_claim["pair"]);
    assert_eq!(c["credibility"]["disputed"], true, "{c}");
    assert_eq!(c["credibility"]["conflict"], cli_claim["conflict"]);
    assert!(c["chain"][0]["grade_text"].is_string(), "{c}");
    let verdicts = c["explanation"]["verdicts"].as_array().unwrap();
    assert!(
        verdicts
            .iter()
            .all(|v| v["voice"] == true && v["checker"].is_string()),
        "{c}"
    );
    let m = get_json(&format!("{u}/v1/claims/{misattributed}"));
    assert_eq!(m["credibility"]["misattributed"], "fawasel-media", "{m}");
    assert_eq!(m["credibility"]["independence_unknown"], true, "{m}");
    assert!(pair_ok(&m["pair"]), "{m}");
    let found = get_json(&format!("{u}/v1/claims?q=belarus"));
    let found = found["claims"].as_array().unwrap();
    assert_eq!(found.len(), 2);
    assert!(found.iter().all(|c| pair_ok(&c["pair"])), "{found:?}");
    drop(srv);
}

#[test]
fn writing_through_the_server_checks_like_a_local_append() {
    let d = Desk::with_sources();
    let srv = Server::start(&d.ledger);
    let u = srv.url.clone();
    let remote = |key: &Path, args: &[&str]| {
        let mut a = vec!["--server", u.as_str(), "--key", s(key), "--json"];
        a.extend_from_slice(args);
        let out = isnad_in(d.dir()).args(&a).output().unwrap();
        (
            out.status.code(),
            String::from_utf8_lossy(&out.stdout).into_owned(),
            String::from_utf8_lossy(&out.stderr).into_owned(),
        )
    };
    let (code, out, err) = remote(&d.checker, &claim_args("Served claim one"));
    assert_eq!(code, Some(0), "{err}");
    let v: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["new"], true);
    let claim = v["id"].as_str().unwrap().to_owned();
    // The same again: nothing added, as locally.
    let (_, out, _) = remote(&d.checker, &claim_args("Served claim one"));
    let again: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(
        (again["new"].clone(), again["id"].clone()),
        (json!(false), json!(claim))
    );
    // A verdict by prefix, an amendment that reads the claim as it stands.
    let (code, _, err) = remote(
        &d.checker,
        &[
            "verdict",
            "add",
            &claim[..8],
            "--rating",
            "false",
            "--confidence",
            "80",
            "--rationale",
            "r",
        ],
    );
    assert_eq!(code, Some(0), "{err}");
    let (code, _, err) = remote(
        &d.editor,
        &[
            "amend",
            &claim[..8],
            "--text",
            "Served claim one, corrected",
            "--reason",
            "typo",
        ],
    );
    assert_eq!(code, Some(0), "{err}");
    // Refusals are one line, exit 2, naming what is wrong; nothing changes.
    let before = get_json(&format!("{u}/v1/head"));
    let (code, _, err) = remote(
        &d.editor,
        &[
            "verdict",
            "add",
            &claim[..8],
            "--rating",
            "true",
            "--confidence",
            "1",
            "--rationale",
            "r",
        ],
    );
    assert_eq!(code, Some(2));
    assert!(err.contains("403") && err.contains("no role"), "{err}");
    assert_eq!(err.lines().count(), 1, "{err}");
    let (code, _, err) = remote(
        &d.checker,
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
    );
    assert_eq!(code, Some(2));
    assert!(err.contains("400") && err.contains("nobody"), "{err}");
    assert_eq!(get_json(&format!("{u}/v1/head")), before);

    // Raw posts: 403 for an unenrolled key, 409 for a stale position,
    // 413 for an oversized body, 400 naming the field.
    let stranger = isnad_core::KeyPair::from_seed("stranger", &[9; 32]).unwrap();
    let head = get_json(&format!("{u}/v1/head"));
    let size = head["size"].as_u64().unwrap();
    let prev: isnad_core::EntryHash = head["head"].as_str().unwrap().parse().unwrap();
    let t = isnad_core::Timestamp::parse(head["time"].as_str().unwrap()).unwrap();
    let record = one_hop_claim("stranger's claim", "rusi");
    let sign = |seq: u64, key: &isnad_core::KeyPair| {
        isnad_core::Draft::new(
            isnad_core::Seq(seq),
            prev,
            t,
            key.verifier().clone(),
            record.clone(),
        )
        .sign(key)
        .unwrap()
    };
    let (status, p) = post(
        &format!("{u}/v1/entries"),
        sign(size, &stranger).leaf_bytes(),
    );
    assert_eq!(status, 403, "{p}");
    assert_eq!(p["field"], "signer");
    let checker = Desk::keypair(&d.checker);
    let (status, p) = post(
        &format!("{u}/v1/entries"),
        sign(size - 1, &checker).leaf_bytes(),
    );
    assert_eq!(status, 409, "{p}");
    assert_eq!(post_announcing(&u, 2 * 1024 * 1024), 413);
    let (status, p) = post(&format!("{u}/v1/entries"), br#"{"v":1}"#);
    assert_eq!(status, 400, "{p}");
    assert_eq!(get_json(&format!("{u}/v1/head")), head);

    // Reading commands say --server is for writes.
    let out = isnad_in(d.dir())
        .args(["--server", &u, "log"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&out.stderr)
            .contains("--server applies to the commands that write")
    );
    let status = srv.stop();
    assert!(status.success(), "{status:?}");
    d.ok(&["verify"]);
}

#[test]
fn many_writers_and_readers_at_once_then_a_graceful_stop() {
    let d = Desk::with_sources();
    let srv = Server::start(&d.ledger);
    let url = Arc::new(srv.url.clone());
    let before = get_json(&format!("{url}/v1/head"))["size"]
        .as_u64()
        .unwrap();
    const WRITERS: usize = 4;
    const EACH: usize = 8;
    let mut handles = Vec::new();
    for w in 0..WRITERS {
        let url = Arc::clone(&url);
        let key = if w % 2 == 0 {
            d.checker.clone()
        } else {
            d.editor.clone()
        };
        let dir = d.dir().to_path_buf();
        handles.push(std::thread::spawn(move || {
            let mut ids = Vec::new();
            for i in 0..EACH {
                let text = format!("Concurrent claim {w}-{i}");
                let mut args = vec!["--server", url.as_str(), "--key", s(&key), "--json"];
                args.extend_from_slice(&claim_args(&text));
                let out = isnad_in(&dir).args(&args).output().unwrap();
                assert!(
                    out.status.success(),
                    "{}",
                    String::from_utf8_lossy(&out.stderr)
                );
                let v: Value = serde_json::from_slice(&out.stdout).unwrap();
                ids.push(v["id"].as_str().unwrap().to_owned());
            }
            ids
        }));
    }
    let mut readers = Vec::new();
    for _ in 0..2 {
        let url = Arc::clone(&url);
        readers.push(std::thread::spawn(move || {
            for _ in 0..20 {
                let v = get_json(&format!("{url}/v1/claims?q=concurrent"));
                assert!(v["claims"].is_array());
                let (status, _, _) = get(&format!("{url}/checkpoint"));
                assert_eq!(status, 200);
            }
        }));
    }
    let mut acknowledged = Vec::new();
    for h in handles {
        acknowledged.extend(h.join().unwrap());
    }
    for r in readers {
        r.join().unwrap();
    }
    let status = srv.stop();
    assert!(status.success(), "{status:?}");
    // Every acknowledged entry is there, the ledger verifies.
    let st = d.state();
    assert_eq!(st.entries, before + (WRITERS * EACH) as u64);
    for id in &acknowledged {
        d.ok(&["show", &id[..16]]);
    }
}

#[test]
fn shutdown_while_writing_loses_nothing_acknowledged() {
    let d = Desk::with_sources();
    let srv = Server::start(&d.ledger);
    let url = srv.url.clone();
    let dir = d.dir().to_path_buf();
    let key = d.checker.clone();
    // The writer reports each acknowledged append; the server is stopped
    // once a few are in, while the writer goes on.
    let (acked, news) = std::sync::mpsc::channel();
    let writer = std::thread::spawn(move || {
        let mut ids = Vec::new();
        for i in 0..200 {
            let text = format!("Claim written during shutdown {i}");
            let mut args = vec!["--server", url.as_str(), "--key", s(&key), "--json"];
            args.extend_from_slice(&claim_args(&text));
            let out = isnad_in(&dir).args(&args).output().unwrap();
            if !out.status.success() {
                break;
            }
            let v: Value = serde_json::from_slice(&out.stdout).unwrap();
            ids.push(v["id"].as_str().unwrap().to_owned());
            let _ = acked.send(ids.len());
        }
        ids
    });
    const BEFORE_STOP: usize = 3;
    let deadline = Instant::now() + WAIT;
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        match news.recv_timeout(left) {
            Ok(n) if n >= BEFORE_STOP => break,
            Ok(_) => {}
            Err(e) => panic!("{BEFORE_STOP} appends were not acknowledged in {WAIT:?}: {e}"),
        }
    }
    let status = srv.stop();
    assert!(status.success(), "{status:?}");
    let acknowledged = writer.join().unwrap();
    assert!(acknowledged.len() >= BEFORE_STOP, "{acknowledged:?}");
    d.state();
    for id in &acknowledged {
        d.ok(&["show", &id[..16]]);
    }
}

#[test]
fn a_mirror_follows_a_served_ledger() {
    let d = Desk::with_sources();
    let srv = Server::start(&d.ledger);
    let u = srv.url.clone();
    let vkey = d.ok(&["key", "show", s(&d.ledger.join("keys").join("log.key"))]);
    let mirror = d.dir().join("mirror");
    let follow = || {
        let out = isnad_in(d.dir())
            .args(["mirror", &u, s(&mirror), "--vkey", vkey.trim()])
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout).into_owned()
    };
    let first = follow();
    assert!(first.contains("mirrored"), "{first}");
    // A write through the server, then the mirror catches up.
    let mut args = vec!["--server", u.as_str(), "--key", s(&d.checker)];
    args.extend_from_slice(&claim_args("Written after the first mirror"));
    let out = isnad_in(d.dir()).args(&args).output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let second = follow();
    assert!(second.contains("mirrored 1 new"), "{second}");
    // Tiles: a full-size entry bundle and its hash tile, as C2SP lays them out.
    let size = get_json(&format!("{u}/v1/head"))["size"].as_u64().unwrap();
    let (status, ct, _) = get(&format!("{u}/tile/entries/000.p/{size}"));
    assert_eq!((status, ct.as_str()), (200, "application/octet-stream"));
    let (status, _, _) = get(&format!("{u}/tile/0/000.p/{}", size + 1));
    assert_eq!(status, 404);
    let (status, _, _) = get(&format!("{u}/tile/0/0"));
    assert_eq!(status, 400);
    drop(srv);
    let out = isnad_in(d.dir())
        .args(["--ledger", s(&mirror.join("ledger")), "verify"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn the_load_test_runs_and_accounts_for_every_append() {
    let v = bench_serve(&["--clients", "3", "--appends", "30", "--readers", "1"]);
    assert_eq!(v["appends"], 30);
    assert!(v["appends_per_s"].as_f64().unwrap() > 0.0);
    // Each latency is there and a number: a missing one must fail here,
    // not compare as `None <= None`.
    let latency = |q: &str| {
        v["latency_ms"][q]
            .as_f64()
            .unwrap_or_else(|| panic!("latency_ms.{q} is not a number: {v}"))
    };
    let (p50, p99, max) = (latency("p50"), latency("p99"), latency("max"));
    assert!(0.0 <= p50 && p50 <= p99 && p99 <= max, "{v}");
    assert!(v["machine"]["cores"].as_u64().unwrap() >= 1);
}

/// `isnad --json bench serve ARGS…` in a fresh directory: its report.
fn bench_serve(args: &[&str]) -> Value {
    let tmp = tempfile::tempdir().unwrap();
    let mut all = vec!["--json", "bench", "serve"];
    all.extend_from_slice(args);
    let out = isnad_in(tmp.path()).args(&all).output().unwrap();
    assert_success(&out, &all);
    serde_json::from_slice(&out.stdout).unwrap()
}

/// A raw request over a fresh connection: the status line and headers, and
/// the body (the server closes after answering).
fn raw(url: &str, request: &str) -> (u16, String, String) {
    use std::io::{Read as _, Write as _};
    let addr = url.trim_start_matches("http://");
    let mut c = std::net::TcpStream::connect(addr).unwrap();
    c.set_read_timeout(Some(WAIT)).unwrap();
    c.write_all(request.as_bytes()).unwrap();
    let mut out = Vec::new();
    let _ = c.read_to_end(&mut out);
    let text = String::from_utf8_lossy(&out).into_owned();
    let (head, body) = text.split_once("\r\n\r\n").unwrap_or((&text, ""));
    let status = head.get(9..12).and_then(|s| s.parse().ok()).unwrap_or(0);
    (status, head.to_ascii_lowercase(), body.to_owned())
}

/// Every answer is a problem document when it is an error, carries
/// `nosniff`, and is logged; limits out of range are refused, not clamped.
#[test]
fn every_error_is_a_problem_and_every_request_is_logged() {
    let tmp = tempfile::tempdir().unwrap();
    let ledger = build_demo(tmp.path());
    let srv = Server::start(&ledger);
    let u = &srv.url;
    let long = "a".repeat(5000);
    let cases: Vec<(String, u16, Option<&str>)> = vec![
        ("/v1/entries?limit=0".into(), 400, Some("limit")),
        ("/v1/entries?limit=1001".into(), 400, Some("limit")),
        ("/v1/entries?limit=ten".into(), 400, Some("limit")),
        ("/v1/entries?after=-1".into(), 400, Some("after")),
        ("/v1/claims?limit=501".into(), 400, Some("limit")),
        ("/v1/proofs/consistency?old=x".into(), 400, Some("old")),
        (format!("/nowhere/{long}"), 404, None),
        (format!("/v1/checkers/{long}"), 404, None),
        (format!("/v1/head?q={}", "b".repeat(9000)), 414, None),
    ];
    for (path, status, field) in &cases {
        let (got, ct, body) = get(&format!("{u}{path}"));
        let shown = &path[..path.len().min(60)];
        assert_eq!(got, *status, "{shown}: {body}");
        assert_eq!(ct, "application/problem+json", "{shown}");
        let p: Value = serde_json::from_str(&body).unwrap();
        assert_eq!(p["status"], *status, "{shown}");
        assert_eq!(p["field"].as_str(), *field, "{shown}: {p}");
        // Input is quoted only up to a bound.
        let detail = p["detail"].as_str().unwrap();
        assert!(
            !detail.is_empty() && detail.chars().count() <= 301,
            "{shown}: {detail}"
        );
    }
    // A known path with another method: 405 as a problem, with Allow.
    let (status, head, body) = raw(
        u,
        "POST /v1/head HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\nConnection: close\r\n\r\n",
    );
    assert_eq!(status, 405, "{head}");
    assert!(
        head.contains("content-type: application/problem+json"),
        "{head}"
    );
    assert!(head.contains("allow: get,head"), "{head}");
    let p: Value = serde_json::from_str(&body).unwrap();
    assert_eq!(
        (p["status"].as_u64(), p["type"].as_str()),
        (Some(405), Some("about:blank"))
    );
    // nosniff on everything: pages, API, tiles' checkpoint, errors.
    for path in [
        "/",
        "/assets/app.js",
        "/v1/head",
        "/checkpoint",
        "/v1/claims/zz",
        "/nope",
    ] {
        let (_, head, _) = raw(
            u,
            &format!("GET {path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"),
        );
        assert!(
            head.contains("x-content-type-options: nosniff"),
            "{path}: {head}"
        );
    }
    // The request log: one JSON line per request, path without its query.
    let log = srv.log.lock().unwrap().clone();
    let records: Vec<Value> = log
        .iter()
        .filter_map(|l| serde_json::from_str(l).ok())
        .collect();
    let limit0 = records
        .iter()
        .find(|r| r["path"] == "/v1/entries" && r["status"] == 400)
        .unwrap_or_else(|| panic!("{log:?}"));
    assert_eq!(limit0["method"], "GET");
    assert!(
        limit0["ms"].as_f64().is_some_and(|ms| ms >= 0.0),
        "{limit0}"
    );
    assert!(
        records
            .iter()
            .any(|r| r["status"] == 405 && r["method"] == "POST")
    );
    assert!(
        records
            .iter()
            .all(|r| r["path"].as_str().unwrap().chars().count() <= 65)
    );
    drop(srv);
}

/// An idle connection and one that never finishes its headers are closed;
/// beyond the connection limit, a connection waits until a slot frees.
#[test]
fn idle_connections_are_closed_and_connections_are_limited() {
    use std::io::{Read as _, Write as _};
    let tmp = tempfile::tempdir().unwrap();
    let ledger = build_demo(tmp.path());
    let srv = Server::start_with(
        &ledger,
        &[
            "--header-timeout",
            "1",
            "--idle-timeout",
            "2",
            "--max-connections",
            "1",
        ],
    );
    let addr = srv.url.trim_start_matches("http://").to_owned();
    let closed = |c: &mut std::net::TcpStream| {
        c.set_read_timeout(Some(WAIT)).unwrap();
        let mut buf = [0u8; 256];
        // The server closes (0 bytes, or a reset) well before WAIT.
        !matches!(c.read(&mut buf), Err(e) if e.kind() == std::io::ErrorKind::WouldBlock
            || e.kind() == std::io::ErrorKind::TimedOut)
    };
    // Half a request line, then nothing.
    let mut slow = std::net::TcpStream::connect(&addr).unwrap();
    slow.write_all(b"GET /v1/he").unwrap();
    // While it holds the only slot, another connection is not served.
    let (tx, rx) = std::sync::mpsc::channel();
    let url = srv.url.clone();
    std::thread::spawn(move || {
        let _ = tx.send(get(&format!("{url}/v1/head")).0);
    });
    std::thread::sleep(Duration::from_millis(300));
    assert!(
        rx.try_recv().is_err(),
        "answered beyond the connection limit"
    );
    assert!(closed(&mut slow), "a request that never finished was kept");
    assert_eq!(rx.recv_timeout(WAIT).unwrap(), 200);
    // A connection that says nothing at all is closed too.
    let mut silent = std::net::TcpStream::connect(&addr).unwrap();
    assert!(closed(&mut silent));
    drop(srv);
}

/// Regression: a post copying a recorded entry's content was answered
/// 200 with the recorded entry before its own signature was checked.
#[test]
fn a_forged_copy_of_recorded_content_is_refused() {
    let d = Desk::with_sources();
    let srv = Server::start(&d.ledger);
    let u = srv.url.clone();
    let checker = Desk::keypair(&d.checker);
    let head_now = || {
        let h = get_json(&format!("{u}/v1/head"));
        (
            h["size"].as_u64().unwrap(),
            h["head"]
                .as_str()
                .unwrap()
                .parse::<isnad_core::EntryHash>()
                .unwrap(),
            isnad_core::Timestamp::parse(h["time"].as_str().unwrap()).unwrap(),
            h,
        )
    };
    let sign = |record: isnad_core::Record| {
        let (size, prev, t, _) = head_now();
        isnad_core::Draft::new(
            isnad_core::Seq(size),
            prev,
            t,
            checker.verifier().clone(),
            record,
        )
        .sign(&checker)
        .unwrap()
    };
    let record = one_hop_claim("A claim worth copying", "rusi");
    let original = sign(record.clone());
    let (status, p) = post(&format!("{u}/v1/entries"), original.leaf_bytes());
    assert_eq!(status, 201, "{p}");

    // The same content at the next position, with another entry's signature.
    let genuine = sign(record);
    let other = sign(one_hop_claim("Something else", "rusi"));
    let mut forged: Value = serde_json::from_slice(genuine.leaf_bytes()).unwrap();
    let other_sig: Value =
        serde_json::from_slice::<Value>(other.leaf_bytes()).unwrap()["sig"].clone();
    forged["sig"] = other_sig;
    let before = head_now().3;
    let (status, p) = post(
        &format!("{u}/v1/entries"),
        &serde_json::to_vec(&forged).unwrap(),
    );
    assert_eq!(status, 403, "{p}");
    assert_eq!(p["type"], "/problems/bad-signature");
    // The recorded entry itself, posted again at its old position, is stale.
    let (status, p) = post(&format!("{u}/v1/entries"), original.leaf_bytes());
    assert_eq!(status, 409, "{p}");
    // Correctly signed at the head, the same content is the recorded entry.
    let (status, p) = post(&format!("{u}/v1/entries"), genuine.leaf_bytes());
    assert_eq!((status, p["new"].as_bool()), (200, Some(false)), "{p}");
    assert_eq!(p["id"].as_str(), Some(original.hash().to_hex().as_str()));
    assert_eq!(head_now().3, before);
    let status = srv.stop();
    assert!(status.success(), "{status:?}");
    d.ok(&["verify"]);
}

/// The read measurements report every route, the first read after a
/// write and the concurrent home pages, on a small generated ledger.
#[test]
fn the_read_bench_reports_every_route() {
    let v = bench_serve(&["--entries", "400", "--pages", "4"]);
    assert_eq!(v["entries"], 400);
    assert!(v["cold_ms"].as_f64().is_some(), "{v}");
    let warm = v["warm_ms"].as_array().unwrap();
    for path in ["/v1/sources", "/v1/claims?limit=20", "/checkpoint", "/"] {
        assert!(warm.iter().any(|r| r["path"] == path), "{path}: {v}");
    }
    for r in warm {
        let q = |k: &str| r["ms"][k].as_f64().unwrap_or_else(|| panic!("{r}"));
        assert!(
            0.0 <= q("p50") && q("p50") <= q("p95") && q("p95") <= q("max"),
            "{r}"
        );
    }
    assert!(
        v["first_read_after_write_ms"]["p95"].as_f64().is_some(),
        "{v}"
    );
    assert_eq!(v["home_pages"]["clients"], 4);
    assert!(v["home_pages"]["total_ms"].as_f64().is_some(), "{v}");
}

/// A verifier key string as a query value.
fn query_value(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

// What a writer asks before signing: a key's enrolment and whether it was
// retired, answered from the indexes; a key never enrolled is a 404
// problem and a missing key a 400 naming the field.
#[test]
fn a_keys_enrolment_and_retirement_are_served() {
    let d = Desk::with_sources();
    let editor = Desk::keypair(&d.editor).verifier().to_string();
    let stranger = isnad_core::KeyPair::from_seed("stranger", &[9; 32])
        .unwrap()
        .verifier()
        .to_string();
    let srv = Server::start(&d.ledger);
    let url = |k: &str| format!("{}/v1/keys?key={}", srv.url, query_value(k));
    let v = get_json(&url(&editor));
    assert_eq!(v["key"], editor.as_str());
    assert_eq!(v["enrolled"]["roles"], serde_json::json!(["editor"]), "{v}");
    assert!(
        v["enrolled"]["id"]
            .as_str()
            .is_some_and(|id| id.len() == 64),
        "{v}"
    );
    assert_eq!(v["retired"], Value::Null);
    let (status, ct, body) = get(&url(&stranger));
    assert_eq!(
        (status, ct.as_str()),
        (404, "application/problem+json"),
        "{body}"
    );
    assert!(body.contains("no key entry enrolled"), "{body}");
    let (status, _, body) = get(&format!("{}/v1/keys", srv.url));
    assert_eq!(status, 400, "{body}");
    assert!(body.contains("\"field\":\"key\""), "{body}");
    drop(srv);
    // Retired: the editor revokes itself; the answer names the revocation.
    let revocation = d.add(
        &d.editor,
        &["key", "revoke", &editor, "--reason", "superseded"],
    );
    let srv = Server::start(&d.ledger);
    let v = get_json(&format!("{}/v1/keys?key={}", srv.url, query_value(&editor)));
    assert_eq!(v["retired"]["id"], revocation.trim(), "{v}");
    assert!(v["retired"]["seq"].as_u64().is_some(), "{v}");
}
