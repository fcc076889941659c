//! End-to-end tests of the scoring commands through the `isnad` binary:
//! `replay` (on the ledger and on an export, with `--as-of` and `--state`),
//! `score`, `credibility`, and the scoring lines of `trace` and `demo`.

use crate::common::*;
use serde_json::Value;
use sha2::{Digest as _, Sha256};

/// The demo's state root, pinned in the library's tests too
/// (`score::tests::demo_state_root`) and in docs/SCORING.md.
const DEMO_ROOT: &str = "99a91c37d192b79e850ce326215ef9f847e67c50144111ac08b2c1c78f436af2";

/// The demo ledger in a desk's directory, as its `ledger`.
fn demo() -> Desk {
    let d = Desk::bare();
    d.ok(&["demo", s(&d.ledger)]);
    d
}

#[test]
fn replay_gives_the_same_root_from_the_ledger_an_export_and_the_state_text() {
    let d = demo();
    let v = d.json(&["replay"]);
    assert_eq!(v["state_root"], DEMO_ROOT);
    assert_eq!(v["entries"], 35);
    assert_eq!(v["sources"], 13);
    assert_eq!(v["claims"], 12);
    let text = d.ok(&["replay"]);
    assert!(
        text.starts_with(&format!("state root {DEMO_ROOT}\n")),
        "{text}"
    );
    // The state text hashes to the root.
    let state = d.ok(&["replay", "--state"]);
    assert!(state.starts_with("isnad-state-v1\n"), "{state}");
    assert_eq!(hex::encode(Sha256::digest(state.as_bytes())), DEMO_ROOT);
    // From an export, with no ledger at all.
    let export = d.dir().join("demo.jsonl");
    d.ok(&["export", "jsonl", "--out", s(&export)]);
    let empty = tempfile::tempdir().unwrap();
    let out = isnad_in(empty.path())
        .args(["--json", "--ledger", "nowhere", "replay", "--export"])
        .arg(&export)
        .output()
        .unwrap();
    assert_success(&out, &["replay --export"]);
    let w: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(w["state_root"], DEMO_ROOT);
    // An imported copy replays to the same root.
    let copy = d.dir().join("copy");
    let mut c = isnad_in(d.dir());
    c.args(["--ledger", s(&copy), "import", "jsonl", s(&export)]);
    assert_success(&d.run(&mut c), &["import"]);
    let mut c = isnad_in(d.dir());
    c.args(["--json", "--ledger", s(&copy), "replay"]);
    let out = d.run(&mut c);
    let w: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(w["state_root"], DEMO_ROOT);
}

#[test]
fn replay_as_of_a_position_or_a_time() {
    let d = demo();
    let at20 = d.json(&["replay", "--as-of", "20"]);
    assert_eq!(at20["entries"], 21);
    assert_eq!(at20["last_seq"], 20);
    assert_ne!(at20["state_root"], DEMO_ROOT);
    // Entry 20 of the demo was signed at 08:20; the same cut by time.
    let by_time = d.json(&["replay", "--as-of", "2025-02-18T08:20:00Z"]);
    assert_eq!(by_time["entries"], 21);
    // Decay is measured from the time given.
    assert_eq!(by_time["decay_time"], "2025-02-18T08:20:00Z");
    let later = d.json(&["replay", "--as-of", "2027-02-18T08:34:00Z"]);
    assert_eq!(later["entries"], 35);
    assert_eq!(later["decay_time"], "2027-02-18T08:34:00Z");
    assert_ne!(
        later["state_root"], DEMO_ROOT,
        "two years of decay change the scores"
    );
    // Beyond the end: all of it.
    assert_eq!(
        d.json(&["replay", "--as-of", "999"])["state_root"],
        DEMO_ROOT
    );
    for bad in ["yesterday", "-1", "2025-02-18", "1e3"] {
        let line = d.fail(&["replay", &format!("--as-of={bad}")], 2);
        assert!(line.contains("as-of"), "{bad}: {line}");
    }
}

#[test]
fn score_ranks_sources_and_explains_each_number() {
    let d = demo();
    let v = d.json(&["score"]);
    assert_eq!(v["state_root"], DEMO_ROOT);
    let sources = v["sources"].as_array().unwrap();
    assert_eq!(sources.len(), 13);
    let e: Vec<f64> = sources
        .iter()
        .map(|s| s["opinion"]["e"].as_f64().unwrap())
        .collect();
    assert!(e.windows(2).all(|w| w[0] >= w[1]), "ranked by E: {e:?}");
    // Agenzia Nova originated the two claims with counting verdicts.
    let nova = d.json(&["score", "agenzia-nova", "--explain"]);
    assert_eq!(nova["id"], "agenzia-nova");
    assert_eq!(nova["prior"], "B");
    assert_eq!(nova["grade_wording"], "fairly reliable");
    let evidence = nova["evidence"].as_array().unwrap();
    assert_eq!(evidence.len(), 2);
    let r: f64 = evidence.iter().map(|e| e["r"].as_f64().unwrap()).sum();
    assert!(
        (r - nova["r"].as_f64().unwrap()).abs() < 2e-6,
        "evidence adds up"
    );
    assert!(evidence.iter().all(|e| e["role"] == "originator"));
    // The unverifiable verdict on claim 1 moved nothing, and says why.
    let fawasel = d.json(&["score", "fawasel-media", "--explain"]);
    assert_eq!(fawasel["grade"], "F");
    assert_eq!(fawasel["evidence"].as_array().unwrap().len(), 0);
    assert_eq!(fawasel["unmoved"][0]["why"], "unverifiable");
    // Text: a table, and an explanation that names the verdicts.
    let table = d.ok(&["score"]);
    assert!(
        table.lines().nth(1).unwrap().starts_with("rank  source"),
        "{table}"
    );
    assert!(table.contains("agenzia-nova"));
    let text = d.ok(&["score", "agenzia-nova", "--explain"]);
    assert!(text.contains("as originator"), "{text}");
    assert!(text.contains("grade C (fairly reliable)"), "{text}");
    let line = d.fail(&["score", "nobody"], 2);
    assert!(line.contains("no source `nobody`"), "{line}");
    d.fail(&["score", "Not A Slug"], 2);
}

#[test]
fn credibility_and_trace_show_origins_and_circular_reporting() {
    let d = demo();
    // Claim 1 (ad8f…) and claim 2, derived from it: one story, one origin.
    let v = d.json(&["credibility", "ad8f", "--explain"]);
    assert_eq!(v["reports"].as_array().unwrap().len(), 2);
    assert_eq!(v["origins"].as_array().unwrap().len(), 1);
    assert_eq!(v["circular"], true);
    assert_eq!(v["origin_sources"][0], "fawasel-media");
    assert_eq!(v["credibility"], 6);
    let text = d.ok(&["credibility", "ad8f"]);
    assert!(text.contains("CIRCULAR REPORTING: 2 reports trace back to 1 named origin"));
    let trace = d.ok(&["trace", "ad8f"]);
    assert!(
        trace.contains("1 independent origin (fawasel-media)"),
        "{trace}"
    );
    assert!(trace.contains("CIRCULAR"));
    let t = d.json(&["trace", "ad8f"]);
    assert_eq!(t["credibility"]["circular"], true);
    // Not a claim, or no such entry: usage errors.
    let source_entry = d.json(&["log", "--kind", "source", "--limit", "1"])[0]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let line = d.fail(&["credibility", &source_entry], 2);
    assert!(line.contains("not a claim"), "{line}");
    d.fail(&["credibility", "ffffffff"], 2);
    // The demo prints the scores and the state root.
    let again = d.ok(&["demo", s(&d.ledger)]);
    assert!(again.contains("Source credibility"), "{again}");
    assert!(again.contains(&format!("state root {DEMO_ROOT}")));
}

/// Independent origins count; relays of one origin do not. A `false`
/// verdict lowers the originator; a retraction takes the claim's score away.
#[test]
fn independence_verdicts_and_retractions_through_the_cli() {
    let d = Desk::with_sources();
    let claim = |publisher: &str, via: &str| {
        d.add(
            &d.editor,
            &[
                "claim",
                "add",
                "--text",
                "Officers loyal to Haftar are training in Russia",
                "--lang",
                "en",
                "--date",
                "2025-02-18",
                "--publisher",
                publisher,
                "--via",
                via,
            ],
        )
    };
    // The same text through two relays of one origin: circular.
    let a = claim("agenzia-nova", "fawasel-media:cited");
    claim("rusi", "fawasel-media:cited");
    let v = d.json(&["credibility", &a]);
    assert_eq!(
        (v["reports"].as_u64(), v["origins"].as_u64()),
        (Some(2), Some(1))
    );
    assert_eq!(v["circular"], true);
    // A second, independent origin: no longer circular, two origins.
    claim("agenzia-nova", "harchaoui:quoted");
    let v = d.json(&["credibility", &a]);
    assert_eq!(
        (v["reports"].as_u64(), v["origins"].as_u64()),
        (Some(3), Some(2))
    );
    assert_eq!(v["circular"], false);
    // A false verdict on a report originated by Fawasel Media lowers it.
    let before = d.json(&["score", "fawasel-media"])["opinion"]["e"]
        .as_f64()
        .unwrap();
    d.add(
        &d.checker,
        &[
            "verdict",
            "add",
            &a,
            "--rating",
            "false",
            "--confidence",
            "100",
            "--rationale",
            "No such training",
        ],
    );
    let after = d.json(&["score", "fawasel-media"]);
    assert!(after["opinion"]["e"].as_f64().unwrap() < before, "{after}");
    assert!(after["s"].as_f64().unwrap() > 0.99, "{after}");
    // Retracting the claim: it has no credibility any more.
    d.add(
        &d.editor,
        &["amend", &a, "--retract", "--reason", "wrong story"],
    );
    let line = d.fail(&["credibility", &a], 2);
    assert!(line.contains("retracted"), "{line}");
    assert!(d.ok(&["trace", &a]).contains("no credibility"));
}

/// Claims whose texts differ only by case folding are one story (Greek
/// final sigma: ΟΔΟΣ and οδος, ß and SS); a text that differs by an accent
/// is another.
#[test]
fn texts_equal_up_to_case_folding_are_one_story() {
    let d = Desk::with_sources();
    let upper = d.add_claim(&d.editor, "Η ΟΔΟΣ ΕΚΛΕΙΣΕ ΣΤΗ STRASSE");
    let lower = d.add_claim(&d.editor, "η οδος εκλεισε στη Straße");
    let accent = d.add_claim(&d.editor, "η οδός εκλεισε στη Straße");
    let reports = |claim: &str| -> Vec<String> {
        let v = d.json(&["credibility", claim, "--explain"]);
        v["reports"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r["claim"].as_str().unwrap().to_owned())
            .collect()
    };
    for claim in [&upper, &lower] {
        assert_eq!(reports(claim), [upper.as_str(), lower.as_str()]);
        assert_eq!(d.json(&["credibility", claim])["reports"], 2);
    }
    assert_eq!(reports(&accent), [accent.as_str()]);
    assert_eq!(d.json(&["credibility", &accent])["reports"], 1);
}
