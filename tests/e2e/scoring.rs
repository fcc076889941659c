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
    assert!(state.starts_with("isnad-state-v2\n"), "{state}");
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
    // Ranked by the lower bound, then by E.
    let key: Vec<(f64, f64)> = sources
        .iter()
        .map(|s| {
            (
                s["lower"].as_f64().unwrap(),
                s["opinion"]["e"].as_f64().unwrap(),
            )
        })
        .collect();
    assert!(
        key.windows(2)
            .all(|w| w[0].0 > w[1].0 || (w[0].0 == w[1].0 && w[0].1 >= w[1].1)),
        "ranked by lower bound, then E: {key:?}"
    );
    assert_eq!(v["sources"][0]["id"], "agenzia-nova", "the only evidence");
    // Agenzia Nova originated the two claims with counting verdicts: less
    // than a unit of evidence, so its grade is its editor's prior alone.
    let nova = d.json(&["score", "agenzia-nova", "--explain"]);
    assert_eq!(nova["id"], "agenzia-nova");
    assert_eq!(nova["prior"], "B");
    assert_eq!(nova["grade"], "F");
    assert_eq!(nova["grade_wording"], "reliability cannot be judged");
    assert_eq!(
        nova["grade_text"],
        "B, prior only (2 verdicts from 1 checker)"
    );
    assert_eq!(
        (nova["verdicts"].as_u64(), nova["checkers"].as_u64()),
        (Some(2), Some(1))
    );
    let evidence = nova["evidence"].as_array().unwrap();
    assert_eq!(evidence.len(), 2);
    // The verdicts' raw evidence adds up to the checker's raw evidence, and
    // the checker's part after saturation and weight to the source's.
    let raw: f64 = evidence.iter().map(|e| e["r"].as_f64().unwrap()).sum();
    let shares = nova["checker_shares"].as_array().unwrap();
    assert_eq!(shares.len(), 1);
    assert!(
        (raw - shares[0]["raw_r"].as_f64().unwrap()).abs() < 2e-6,
        "evidence adds up: {nova}"
    );
    assert_eq!(shares[0]["r"], nova["r"]);
    assert_eq!(shares[0]["s"], nova["s"]);
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
    assert!(
        text.contains(
            "grade B, prior only (2 verdicts from 1 checker); from evidence alone F (reliability cannot be judged)"
        ),
        "{text}"
    );
    let checker = d.json(&["checkers"])["checkers"][0]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    assert!(
        text.contains(&format!("  checker {checker}: 2 verdicts, raw r ")),
        "{text}"
    );
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
    assert_eq!(v["pair"], "F6");
    let text = d.ok(&["credibility", "ad8f"]);
    assert!(
        text.contains("\n  circular reporting: 2 reports trace back to fawasel-media\n"),
        "{text}"
    );
    assert!(
        text.starts_with("credibility F6: origin fawasel-media F "),
        "{text}"
    );
    let trace = d.ok(&["trace", "ad8f"]);
    assert!(
        trace.contains("1 independent origin (fawasel-media)"),
        "{trace}"
    );
    assert!(
        trace.contains("circular reporting: 2 reports trace back to fawasel-media"),
        "{trace}"
    );
    let t = d.json(&["trace", "ad8f"]);
    assert_eq!(t["credibility"]["circular"], true);
    assert_eq!(t["credibility"]["pair"], "F6");
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
    // A second, independent origin: two origins, and still circular, since
    // two of the reports share one (the relays of Fawasel Media count once).
    claim("agenzia-nova", "harchaoui:quoted");
    let v = d.json(&["credibility", &a]);
    assert_eq!(
        (v["reports"].as_u64(), v["origins"].as_u64()),
        (Some(3), Some(2))
    );
    assert_eq!(v["circular"], true);
    let text = d.ok(&["credibility", &a]);
    assert!(
        text.contains("  circular reporting: 2 reports trace back to fawasel-media\n"),
        "{text}"
    );
    assert!(!text.contains("back to harchaoui"), "{text}");
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
    let after = d.json(&["score", "fawasel-media", "--explain"]);
    assert!(after["opinion"]["e"].as_f64().unwrap() < before, "{after}");
    // All of the verdict's weight goes against the originator: its
    // confidence, decayed from the statement's date (2025-02-18, so by
    // now less than 1), then saturated and weighted as its checker's.
    let e = &after["evidence"][0];
    assert_eq!(
        (e["role"].as_str(), e["r"].as_f64()),
        (Some("originator"), Some(0.0))
    );
    assert_eq!(e["s"], e["weight"], "{after}");
    let decay = e["decay"].as_f64().unwrap();
    assert!(decay > 0.0 && decay < 1.0, "{after}");
    assert_eq!(e["dispute"], 1.0);
    let share = &after["checker_shares"][0];
    assert_eq!(share["raw_s"], e["s"], "{after}");
    assert_eq!(share["s"], after["s"], "{after}");
    let expected = e["s"].as_f64().unwrap()
        * share["saturation"].as_f64().unwrap()
        * share["weight"].as_f64().unwrap();
    assert!(
        (after["s"].as_f64().unwrap() - expected).abs() < 3e-6,
        "{after}"
    );
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

/// A desk with sources and a second fact-checker key, `checker2`, whose
/// private key file is returned.
fn two_checkers() -> (Desk, std::path::PathBuf) {
    let d = Desk::with_sources();
    let second = d.dir().join("checker2.key");
    d.ok(&["key", "new", "checker2", "--out", s(&second)]);
    d.ok(&["key", "enroll", s(&second), "--role", "fact-checker"]);
    (d, second)
}

/// A claim published by `publisher` through `via` hops, with a fixed text.
fn report(d: &Desk, text: &str, publisher: &str, via: &[&str]) -> String {
    d.add_chain_claim(&d.editor, text, publisher, via, "2025-02-18")
}

/// The id of the checker holding the key named `key`, as `checkers` lists it.
fn checker_id(d: &Desk, key: &str) -> String {
    let v = d.json(&["checkers"]);
    v["checkers"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["keys"].as_array().unwrap().iter().any(|k| k == key))
        .unwrap_or_else(|| panic!("no checker with key {key}: {v}"))["id"]
        .as_str()
        .unwrap()
        .to_owned()
}

/// Whether `text` has a word `credibility XN` with X a reliability letter
/// and N a credibility digit.
fn has_pair(text: &str) -> bool {
    text.lines().any(|l| {
        let b = l.trim_start().as_bytes();
        b.starts_with(b"credibility ")
            && b.len() >= 15
            && (b'A'..=b'F').contains(&b[12])
            && (b'1'..=b'6').contains(&b[13])
            && b[14] == b':'
    })
}

#[test]
fn checkers_lists_explains_and_refuses_an_unknown_id() {
    let (d, second) = two_checkers();
    // The desk's two checkers disagree outright on one claim.
    let a = report(&d, "A MiG-29 squadron moved", "agenzia-nova", &[]);
    d.rate(&d.checker, &a, "true");
    d.rate(&second, &a, "false");
    let one = checker_id(&d, "checker");
    let two = checker_id(&d, "checker2");
    assert!(one.starts_with("checker+") && two.starts_with("checker2+"));

    // The list: every checker with its weight and its inputs.
    let v = d.json(&["checkers"]);
    let list = v["checkers"].as_array().unwrap();
    assert_eq!(list.len(), 2, "{v}");
    assert_eq!(v["checker_prior_weight"], 2.0);
    assert_eq!(v["checker_default_trust"], 0.8);
    for c in list {
        assert_eq!(c["organisation"], false, "{c}");
        assert_eq!(c["prior"], Value::Null, "{c}");
        assert_eq!(c["prior_weight"], 0.8, "{c}");
        assert_eq!(c["shared"], 1, "{c}");
        // One story, full disagreement: (0 + 2 × 0.8) / (0 + 1 + 2).
        assert_eq!(c["agree"], 0.0, "{c}");
        assert_eq!(c["disagree"], 1.0, "{c}");
        assert_eq!(c["weight"], 0.533333, "{c}");
        assert_eq!(c["voices"], 1, "{c}");
    }
    let table = d.ok(&["checkers"]);
    let header = table.lines().nth(1).unwrap();
    for col in ["checker", "weight", "prior", "shared", "α", "δ", "voices"] {
        assert!(header.contains(col), "{col}: {table}");
    }
    let row = table
        .lines()
        .find(|l| l.starts_with(&format!("{one} ")))
        .unwrap_or_else(|| panic!("{one}: {table}"));
    assert!(row.contains("0.533333") && row.contains("default"), "{row}");
    assert!(
        table.contains("weight = (α + P·p) / (α + δ + P), P = 2"),
        "{table}"
    );

    // One checker explained, by id or by its key's name.
    let text = d.ok(&["checkers", &one, "--explain"]);
    assert!(
        text.contains(&format!(
            "checker {one} (a key no organisation holds; key checker)"
        )),
        "{text}"
    );
    assert!(
        text.contains(
            "weight 0.533333 = (α 0.000000 + P 2.000000 × p 0.800000) / (α 0.000000 + δ 1.000000 + P 2.000000)"
        ),
        "{text}"
    );
    assert!(text.contains("prior p 0.800000: the default"), "{text}");
    assert!(
        text.contains("shares 1 story with other checkers"),
        "{text}"
    );
    let story = format!("story {}: its verdict ", &a[..12]);
    let line = text
        .lines()
        .find(|l| l.trim_start().starts_with(&story))
        .unwrap_or_else(|| panic!("{story}: {text}"));
    assert!(
        line.contains(&format!(
            "rated true; others {two}; α +0.000000 δ +1.000000"
        )),
        "{line}"
    );
    assert_eq!(d.ok(&["checkers", "checker", "--explain"]), text);
    let j = d.json(&["checkers", &two, "--explain"]);
    assert_eq!(j["id"], two.as_str());
    assert_eq!(j["keys"][0], "checker2");
    assert_eq!(j["checker_prior_weight"], 2.0);
    let stories = j["stories"].as_array().unwrap();
    assert_eq!(stories.len(), 1, "{j}");
    assert_eq!(stories[0]["story"], a.as_str());
    assert_eq!(stories[0]["rating"], "false");
    assert_eq!(stories[0]["others"][0], one.as_str());
    assert_eq!(
        (&stories[0]["agree"], &stories[0]["disagree"]),
        (&0.0.into(), &1.0.into())
    );
    // Without --explain, no stories.
    assert_eq!(d.json(&["checkers", &two]).get("stories"), None);

    // An unknown checker: one line, exit 2 (usage or input error).
    let line = d.fail(&["checkers", "nobody"], 2);
    assert!(line.contains("no checker `nobody` in the ledger"), "{line}");
    d.fail(&["--json", "checkers", "nobody+00000000", "--explain"], 2);
    // A key that is not a fact-checker's is no checker either.
    d.fail(&["checkers", "editor"], 2);
}

#[test]
fn checkers_on_a_ledger_without_them() {
    let d = Desk::bare();
    d.ok(&["init"]);
    let text = d.ok(&["checkers"]);
    assert!(text.contains("no fact-checker in the ledger"), "{text}");
    let v = d.json(&["checkers"]);
    assert_eq!(v["checkers"].as_array().unwrap().len(), 0);
}

#[test]
fn score_explain_shows_each_verdicts_checker_and_each_checkers_part() {
    let (d, second) = two_checkers();
    let a = report(&d, "Officers are training in Russia", "agenzia-nova", &[]);
    let b = report(&d, "Officers are training in Belarus", "agenzia-nova", &[]);
    d.rate(&d.checker, &a, "false");
    d.rate(&d.checker, &b, "false");
    d.rate(&second, &b, "false");
    let one = checker_id(&d, "checker");
    let two = checker_id(&d, "checker2");

    let v = d.json(&["score", "agenzia-nova", "--explain"]);
    assert_eq!(v["verdicts"], 3, "{v}");
    assert_eq!(v["checkers"], 2, "{v}");
    assert_eq!(
        v["grade_text"],
        format!("{}, 3 verdicts, 2 checkers", v["grade"].as_str().unwrap())
    );
    assert!(v["lower"].is_number(), "{v}");
    let evidence = v["evidence"].as_array().unwrap();
    assert_eq!(evidence.len(), 3, "{v}");
    for e in evidence {
        assert!(
            e["checker"] == one.as_str() || e["checker"] == two.as_str(),
            "{e}"
        );
        assert_eq!(e["said"], "2025-02-18T00:00:00Z", "{e}");
        assert!(e["decay"].is_number() && e["dispute"] == 1.0, "{e}");
    }
    let shares = v["checker_shares"].as_array().unwrap();
    assert_eq!(shares.len(), 2, "{v}");
    let mine = shares
        .iter()
        .find(|c| c["checker"] == one.as_str())
        .unwrap();
    assert_eq!(mine["verdicts"], 2);
    // r and s after saturation and weight add up to the source's.
    let sum = |k: &str| -> f64 { shares.iter().map(|c| c[k].as_f64().unwrap()).sum() };
    assert!((sum("s") - v["s"].as_f64().unwrap()).abs() < 3e-6, "{v}");
    assert!(mine["saturation"].as_f64().unwrap() < 1.0, "{mine}");

    let text = d.ok(&["score", "agenzia-nova", "--explain"]);
    assert!(
        text.contains(&format!(
            "source agenzia-nova: grade {}",
            v["grade_text"].as_str().unwrap()
        )),
        "{text}"
    );
    assert!(text.contains("ranked by its lower bound"), "{text}");
    assert!(
        text.contains(&format!("by checker for checker {one}")),
        "{text}"
    );
    assert!(
        text.contains("said 2025-02-18T00:00:00Z, ")
            && text.contains("× dispute 1.000000 × confidence → weight"),
        "{text}"
    );
    assert!(
        text.contains(
            "checkers (saturation K/(n+K) over each checker's raw evidence n, then its weight)"
        ),
        "{text}"
    );
    let line = format!(
        "  checker {one}: 2 verdicts, raw r {} s {}, saturation {}, weight {} → r {} s {}",
        micro(&mine["raw_r"]),
        micro(&mine["raw_s"]),
        micro(&mine["saturation"]),
        micro(&mine["weight"]),
        micro(&mine["r"]),
        micro(&mine["s"])
    );
    assert!(text.lines().any(|l| l == line), "{line:?} in {text}");
    assert!(
        text.contains(&format!("  checker {two}: 1 verdict, raw r ")),
        "{text}"
    );

    // The ranked table shows the grade as text and the lower bound.
    let table = d.ok(&["score"]);
    let header = table.lines().nth(1).unwrap();
    assert!(header.starts_with("rank  source"), "{table}");
    assert!(
        header.contains("grade") && header.contains("lower"),
        "{header}"
    );
    let row = table
        .lines()
        .find(|l| l.contains(" agenzia-nova "))
        .unwrap();
    assert!(row.contains(v["grade_text"].as_str().unwrap()), "{row}");
    assert!(table.contains("ranked by the lower bound"), "{table}");
    let listed = d.json(&["score"]);
    let ranked = listed["sources"].as_array().unwrap();
    assert!(
        ranked.iter().all(|s| s["grade_text"].is_string()),
        "{listed}"
    );
    // Only evidence against it: last.
    assert_eq!(ranked.last().unwrap()["id"], "agenzia-nova", "{listed}");
}

/// A JSON number of millionths as the CLI prints it (six decimals).
fn micro(v: &Value) -> String {
    format!("{:.6}", v.as_f64().unwrap())
}

#[test]
fn credibility_shows_the_pair_disputes_and_each_verdicts_voice() {
    let (d, second) = two_checkers();
    let one = checker_id(&d, "checker");
    let text = "Haftar's officers are training on MiG-29s";
    let a = report(&d, text, "agenzia-nova", &["fawasel-media:cited"]);
    let b = report(&d, text, "rusi", &["harchaoui:quoted"]);
    // The first checker speaks on the story twice: its later verdict (on
    // the other report) is its voice.
    let first = d.rate(&d.checker, &a, "mostly-false");
    let later = d.rate(&d.checker, &b, "false");
    d.rate(&second, &a, "true");

    let out = d.ok(&["credibility", &a]);
    assert!(has_pair(&out), "{out}");
    let v = d.json(&["credibility", &a, "--explain"]);
    let pair = v["pair"].as_str().unwrap();
    assert!(
        out.starts_with(&format!("credibility {pair}: origin fawasel-media ")),
        "{out}"
    );
    assert_eq!(v["disputed"], true, "{v}");
    assert_eq!(v["checkers"], 2, "{v}");
    assert!(v["truth"]["e"].is_number(), "{v}");
    assert_eq!(v["origin"], "fawasel-media");
    assert_eq!(v["letter"], pair[..1]);
    assert_eq!(v["credibility"].as_u64().unwrap().to_string(), pair[1..]);
    assert!(
        out.contains(&format!("  disputed (conflict {})", micro(&v["conflict"]))),
        "{out}"
    );
    assert!(
        out.contains("  truth, from the verdicts alone (no decay): E "),
        "{out}"
    );
    assert!(
        out.contains("  fused from the reports and the verdicts: E "),
        "{out}"
    );
    assert!(
        out.contains("story of 2 reports, 2 independent origins (fawasel-media, harchaoui); "),
        "{out}"
    );
    assert!(out.contains(", 2 checkers\n"), "{out}");
    assert!(!out.contains("circular"), "{out}");
    // Each report with its pair; each verdict with its checker and voice.
    let reports = v["reports"].as_array().unwrap();
    assert_eq!(reports.len(), 2);
    for r in reports {
        let p = r["pair"].as_str().unwrap();
        assert_eq!(p.len(), 2);
        assert_eq!(p[..1], *r["letter"].as_str().unwrap());
    }
    let verdicts = v["verdicts"].as_array().unwrap();
    let item = |id: &str| verdicts.iter().find(|x| x["verdict"] == id).unwrap();
    assert_eq!(item(&first)["voice"], false);
    assert_eq!(item(&first)["weight"], 0.0);
    assert_eq!(item(&first)["checker"], one.as_str());
    assert_eq!(item(&later)["voice"], true);
    assert!(item(&later)["weight"].as_f64().unwrap() > 0.0);
    let explained = d.ok(&["credibility", &a, "--explain"]);
    let lines: Vec<&str> = explained.lines().collect();
    let after = |id: &str| {
        let at = lines
            .iter()
            .position(|l| l.trim_start().starts_with(&id[..12]))
            .unwrap_or_else(|| panic!("{id}: {explained}"));
        format!("{}\n{}", lines[at], lines[at + 1])
    };
    let f = after(&first);
    assert!(f.contains(&format!("by checker for checker {one}")), "{f}");
    assert!(
        f.contains("counts; not a voice: its checker's later verdict on the story speaks; checker weight 0.000000"),
        "{f}"
    );
    let l = after(&later);
    assert!(
        l.contains(&format!(
            "counts; its checker's voice; checker weight {}",
            micro(&item(&later)["weight"])
        )),
        "{l}"
    );
    assert!(
        explained.contains(&format!(
            "  {}  {}  agenzia-nova → fawasel-media",
            &a[..12],
            reports[0]["pair"].as_str().unwrap()
        )),
        "{explained}"
    );
}

#[test]
fn misattribution_circular_reporting_and_unknown_independence() {
    let d = Desk::with_sources();
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
    let text = "Wagner officers trained Haftar's pilots";
    let a = report(&d, text, "agenzia-nova", &["fawasel-media:cited"]);
    report(&d, text, "rusi", &["fawasel-media:cited"]);
    // Two reports, one named origin: circular.
    let out = d.ok(&["credibility", &a]);
    assert!(
        out.contains("  circular reporting: 2 reports trace back to fawasel-media\n"),
        "{out}"
    );
    assert!(!out.contains("independence unknown"), "{out}");
    assert!(d.ok(&["trace", &a]).contains("[origin]"));
    // A third report from unnamed sources: its independence is unknown.
    report(&d, text, "harchaoui", &["unnamed:anonymous"]);
    let out = d.ok(&["credibility", &a]);
    assert!(
        out.contains("  independence unknown: 1 report of unknown origin\n"),
        "{out}"
    );
    let v = d.json(&["credibility", &a]);
    assert_eq!(
        (v["independence_unknown"].as_bool(), v["unknown"].as_u64()),
        (Some(true), Some(1))
    );
    // Fawasel Media never said it: the trace names the misattribution
    // where it marked the origin.
    d.rate(&d.checker, &a, "misattributed");
    let v = d.json(&["credibility", &a]);
    assert_eq!(v["misattributed"], "fawasel-media", "{v}");
    let out = d.ok(&["credibility", &a]);
    assert!(
        out.contains("  attributed to fawasel-media, who did not say it\n"),
        "{out}"
    );
    assert!(has_pair(&out), "{out}");
    let trace = d.ok(&["trace", &a]);
    assert!(
        trace.contains("citing Fawasel Media (fawasel-media, outlet)  [attributed to fawasel-media, who did not say it]"),
        "{trace}"
    );
    assert!(!trace.contains("[origin]"), "{trace}");
    assert!(
        trace.contains("  attributed to fawasel-media, who did not say it"),
        "{trace}"
    );
    let t = d.json(&["trace", &a]);
    assert_eq!(t["credibility"]["misattributed"], "fawasel-media");
    assert!(t["credibility"]["pair"].is_string());
}
