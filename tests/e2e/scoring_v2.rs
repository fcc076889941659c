//! The situations of scoring v2 through the `isnad` binary: one test per
//! row of the table in the v2 design note (rows 1-14), each building the
//! situation with the CLI and reading what a fact-checker relies on from
//! `--json` output (`score`, `score SOURCE --explain`, `credibility CLAIM
//! --explain`, `replay`); and replay's state root, the same from the
//! ledger and from an export, with one thread or two. Three more tests
//! press on rows 3, 7 and 14 where the first test of the row holds: a
//! thief who also rotates the stolen key, a weak split on a corroborated
//! story, and the letter shown beside the digit.
//!
//! JSON only: the field names are those of the published score types
//! (`isnad_core::score::{SourceScore, ClaimScore, …}`), which the text
//! output is free to word differently.

use std::cell::Cell;
use std::path::{Path, PathBuf};

use crate::common::*;
use isnad_core::Timestamp;
use serde_json::Value;

/// The as-of time most figures are read at, and the date of most claims:
/// later than any entry a test signs, and with statements of age 0 there,
/// decay is 1 and each weight is exactly its confidence.
const AT: &str = "2100-01-01T00:00:00Z";

/// A desk with its sources (`agenzia-nova`, `fawasel-media`, `harchaoui`,
/// `rusi`), the editor, the fact-checker `checker`, and two more
/// fact-checkers, each a checker of its own.
struct Newsroom {
    d: Desk,
    checker2: PathBuf,
    checker3: PathBuf,
    n: Cell<u32>,
}

impl Newsroom {
    fn new() -> Newsroom {
        let d = Desk::with_sources();
        let mut n = Newsroom {
            d,
            checker2: PathBuf::new(),
            checker3: PathBuf::new(),
            n: Cell::new(0),
        };
        n.checker2 = n.key("checker-two", &["fact-checker"]);
        n.checker3 = n.key("checker-three", &["fact-checker"]);
        n
    }

    /// A new key `name`, enrolled by the admin with `roles`.
    fn key(&self, name: &str, roles: &[&str]) -> PathBuf {
        let path = self.d.dir().join(format!("{name}.key"));
        self.d.ok(&["key", "new", name, "--out", s(&path)]);
        let mut args = vec!["key", "enroll", s(&path)];
        for r in roles {
            args.extend(["--role", r]);
        }
        self.d.ok(&args);
        path
    }

    /// Something different every time, so that no two records are the
    /// same content (the ledger would return the first).
    fn serial(&self) -> String {
        self.n.set(self.n.get() + 1);
        format!("note {}", self.n.get())
    }

    /// `claim add` signed by `key`: `publisher`, then each `via` hop
    /// (`SOURCE[:RELATION]`), dated `date`.
    fn claim(&self, key: &Path, text: &str, publisher: &str, via: &[&str], date: &str) -> String {
        self.d.add_chain_claim(key, text, publisher, via, date)
    }

    /// A claim the editor records, dated [`AT`]: most rows need nothing else.
    fn report(&self, text: &str, publisher: &str, via: &[&str]) -> String {
        self.claim(&self.d.editor, text, publisher, via, AT)
    }

    /// `verdict add` signed by `key`.
    fn verdict(&self, key: &Path, claim: &str, rating: &str, confidence: u8) -> String {
        self.verdict_superseding(key, claim, rating, confidence, None)
    }

    fn verdict_superseding(
        &self,
        key: &Path,
        claim: &str,
        rating: &str,
        confidence: u8,
        supersedes: Option<&str>,
    ) -> String {
        let confidence = confidence.to_string();
        let rationale = self.serial();
        let mut args = vec![
            "verdict",
            "add",
            claim,
            "--rating",
            rating,
            "--confidence",
            &confidence,
            "--rationale",
            &rationale,
        ];
        if let Some(old) = supersedes {
            args.extend(["--supersedes", old]);
        }
        self.d.add(key, &args)
    }

    /// `prior SOURCE GRADE` signed by `key`.
    /// `key revoke KEY --reason compromised --since SINCE`, as the admin.
    fn revoke_compromised(&self, key: &Path, since: &str) -> String {
        self.d.ok(&compromised(key, since))
    }

    fn prior(&self, key: &Path, source: &str, grade: &str) -> String {
        let reason = self.serial();
        self.d
            .add(key, &["prior", source, grade, "--reason", &reason])
    }

    /// `amend TARGET --retract` signed by `key`.
    fn retract(&self, key: &Path, target: &str) -> String {
        let reason = self.serial();
        self.d
            .add(key, &["amend", target, "--retract", "--reason", &reason])
    }

    /// `credibility CLAIM --json`, as of [`AT`]: the claim's score, with
    /// its counts (`reports`, `origins`).
    fn claim_score(&self, claim: &str) -> Value {
        self.d.json(&["credibility", claim, "--as-of", AT])
    }

    /// `credibility CLAIM --explain --json`, as of [`AT`]: the score with
    /// the lists behind it (`reports`, `origins` and `verdicts` are lists
    /// here).
    fn credibility(&self, claim: &str) -> Value {
        self.d
            .json(&["credibility", claim, "--explain", "--as-of", AT])
    }

    /// `score SOURCE --explain --json`, as of [`AT`].
    fn source(&self, slug: &str) -> Value {
        self.d.json(&["score", slug, "--explain", "--as-of", AT])
    }

    /// An entry's time, from `show --json`.
    fn time_of(&self, id: &str) -> String {
        let v = self.d.json(&["show", id]);
        v["entry"]["time"].as_str().expect("time").to_owned()
    }
}

fn f(v: &Value) -> f64 {
    v.as_f64().unwrap_or_else(|| panic!("not a number: {v}"))
}

fn unix(t: &str) -> i64 {
    Timestamp::parse(t).expect("a time").unix()
}

fn now_unix() -> i64 {
    let d = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .expect("after 1970");
    i64::try_from(d.as_secs()).expect("in range")
}

/// Waits until the clock has passed `t` (an entry's time, in seconds), so
/// that the next entry is signed strictly later.
fn wait_past(t: &str) {
    let t = unix(t);
    while now_unix() <= t {
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
}

/// The verdict items of a `credibility --explain --json`.
fn verdicts(cr: &Value) -> &Vec<Value> {
    cr["verdicts"].as_array().expect("verdicts")
}

fn verdict_item<'a>(cr: &'a Value, id: &str) -> &'a Value {
    verdicts(cr)
        .iter()
        .find(|v| v["verdict"] == id)
        .unwrap_or_else(|| panic!("verdict {id} listed: {cr}"))
}

/// Row 1: one key rates one claim "true" 50 times. One checker, one voice
/// per claim: it counts once, for the source and for the claim.
/// The arguments revoking `key` as compromised since `since`.
fn compromised<'a>(key: &'a Path, since: &'a str) -> [&'a str; 7] {
    [
        "key",
        "revoke",
        s(key),
        "--reason",
        "compromised",
        "--since",
        since,
    ]
}

#[test]
fn row01_one_key_rating_a_claim_fifty_times_counts_once() {
    let n = Newsroom::new();
    let c = n.report(
        "Officers loyal to Haftar are training in Russia",
        "rusi",
        &[],
    );
    n.verdict(&n.d.checker, &c, "true", 100);
    let once = n.source("rusi");
    let mut last = String::new();
    for _ in 1..50 {
        last = n.verdict(&n.d.checker, &c, "true", 100);
    }
    let fifty = n.source("rusi");
    for field in [
        "r", "s", "opinion", "lower", "grade", "verdicts", "checkers",
    ] {
        assert_eq!(fifty[field], once[field], "{field}: 50 verdicts = 1");
    }
    assert_eq!(
        (&fifty["verdicts"], &fifty["checkers"]),
        (&1.into(), &1.into())
    );
    assert_ne!(fifty["grade"], "A", "{fifty}");
    let evidence = fifty["evidence"].as_array().unwrap();
    assert_eq!(evidence.len(), 1, "{fifty}");
    assert_eq!(evidence[0]["verdict"], last.as_str());

    let cr = n.credibility(&c);
    assert_eq!(cr["checkers"], 1);
    let items = verdicts(&cr);
    assert_eq!(items.len(), 50);
    let voices: Vec<&Value> = items.iter().filter(|v| v["voice"] == true).collect();
    assert_eq!(voices.len(), 1, "{cr}");
    assert_eq!(voices[0]["verdict"], last.as_str());
    assert_eq!(voices[0]["status"], "counts");
    for v in items.iter().filter(|v| v["verdict"] != last.as_str()) {
        assert_eq!(v["status"]["superseded"]["by"], last.as_str(), "{v}");
    }
    // One checker's true verdict is one confirmation, not fifty, and never
    // "confirmed".
    assert_eq!(cr["confirmations"], 1, "{cr}");
    assert_ne!(cr["credibility"], 1, "{cr}");
}

/// Row 2: one fact-checker key describes a friend, records its claims and
/// rates them all true (and an enemy's, false). Grades A and E need a
/// record from two independent checkers; a second checker's agreement
/// gives them.
#[test]
fn row02_one_checker_cannot_make_or_break_a_source() {
    let n = Newsroom::new();
    let ck = &n.d.checker;
    for (slug, name) in [("friend", "A friend"), ("enemy", "An enemy")] {
        n.d.add(
            ck,
            &["source", "add", slug, "--name", name, "--kind", "outlet"],
        );
    }
    // The editor's priors are the attacker's best case.
    n.prior(&n.d.editor, "friend", "A");
    n.prior(&n.d.editor, "enemy", "E");
    let (mut friend_claims, mut enemy_claims) = (Vec::new(), Vec::new());
    for i in 0..8 {
        let c = n.claim(ck, &format!("The friend's report {i}"), "friend", &[], AT);
        n.verdict(ck, &c, "true", 100);
        friend_claims.push(c);
        let c = n.claim(ck, &format!("The enemy's report {i}"), "enemy", &[], AT);
        n.verdict(ck, &c, "false", 100);
        enemy_claims.push(c);
    }
    let friend = n.source("friend");
    assert_eq!(
        (&friend["verdicts"], &friend["checkers"]),
        (&8.into(), &1.into())
    );
    assert!(f(&friend["opinion"]["e"]) >= 0.9, "{friend}");
    assert_eq!(friend["grade"], "B", "E alone would say A: {friend}");
    let enemy = n.source("enemy");
    assert_eq!(
        (&enemy["verdicts"], &enemy["checkers"]),
        (&8.into(), &1.into())
    );
    assert!(f(&enemy["opinion"]["e"]) < 0.4, "{enemy}");
    assert_eq!(enemy["grade"], "D", "E alone would say E: {enemy}");

    // An independent checker agrees once on each.
    n.verdict(&n.checker2, &friend_claims[0], "true", 100);
    n.verdict(&n.checker2, &enemy_claims[0], "false", 100);
    let friend = n.source("friend");
    assert_eq!(friend["checkers"], 2);
    assert_eq!(friend["grade"], "A", "{friend}");
    let enemy = n.source("enemy");
    assert_eq!(enemy["checkers"], 2);
    assert_eq!(enemy["grade"], "E", "{enemy}");
}

/// Row 3: a key is revoked as compromised since T; the thief had
/// superseded the owner's earlier verdict. Nothing signed with the key
/// from T counts, and what it superseded stands again.
#[test]
fn row03_a_thiefs_supersession_is_undone_by_the_compromise() {
    let n = Newsroom::new();
    let c = n.report(
        "Russian instructors arrived at al-Khadim",
        "agenzia-nova",
        &[],
    );
    let owner = n.verdict(&n.d.checker, &c, "true", 90);
    wait_past(&n.time_of(&owner));
    let stolen = n.verdict_superseding(&n.d.checker, &c, "false", 100, Some(&owner));
    let t = n.time_of(&stolen);
    // Before the revocation the thief's verdict is the voice.
    assert_eq!(verdict_item(&n.credibility(&c), &owner)["voice"], false);
    n.revoke_compromised(&n.d.checker, &t);

    let cr = n.credibility(&c);
    let o = verdict_item(&cr, &owner);
    assert_eq!(
        (&o["status"], &o["voice"]),
        (&"counts".into(), &true.into())
    );
    let x = verdict_item(&cr, &stolen);
    assert_eq!(
        (&x["status"], &x["voice"]),
        (&"key-compromised".into(), &false.into())
    );
    assert_eq!(cr["checkers"], 1);
    assert!(f(&cr["truth"]["e"]) > 0.5, "the owner's true stands: {cr}");
    assert!(f(&cr["truth"]["d"]) == 0.0, "{cr}");

    let nova = n.source("agenzia-nova");
    assert_eq!(f(&nova["s"]), 0.0, "{nova}");
    assert!(f(&nova["r"]) > 0.0, "{nova}");
    let evidence = nova["evidence"].as_array().unwrap();
    assert_eq!(evidence.len(), 1);
    assert_eq!(evidence[0]["verdict"], owner.as_str());
    let unmoved = nova["unmoved"].as_array().unwrap();
    assert!(
        unmoved
            .iter()
            .any(|u| u["verdict"] == stolen.as_str() && u["why"]["status"] == "key-compromised"),
        "{nova}"
    );
}

/// Row 3, when the thief also rotates the stolen key to one of its own
/// (the old key signs the handover, as any key may). The retired key
/// cannot be revoked again (the ledger says so, and how to proceed); the
/// owner revokes the thief's new key as compromised since T, and then
/// nothing either key signed from T counts and the owner's verdict stands
/// again.
#[test]
fn row03_a_key_its_thief_rotated_is_voided_by_revoking_the_new_key() {
    let n = Newsroom::new();
    let c = n.report("The garrison at Brak withdrew", "agenzia-nova", &[]);
    let owner = n.verdict(&n.d.checker, &c, "true", 90);
    wait_past(&n.time_of(&owner));
    let stolen = n.verdict_superseding(&n.d.checker, &c, "false", 100, Some(&owner));
    let t = n.time_of(&stolen);
    let theirs = n.d.dir().join("thief.key");
    n.d.ok(&[
        "--key",
        s(&n.d.checker),
        "key",
        "rotate",
        "thief",
        "--out",
        s(&theirs),
    ]);
    let later = n.verdict(&theirs, &c, "false", 100);

    n.d.refused(
        None,
        &compromised(&n.d.checker, &t),
        &["already revoked", "revoke the key that replaced it"],
    );

    n.revoke_compromised(&theirs, &t);
    let cr = n.credibility(&c);
    assert_eq!(verdict_item(&cr, &owner)["status"], "counts", "{cr}");
    assert_eq!(
        verdict_item(&cr, &stolen)["status"],
        "key-compromised",
        "{cr}"
    );
    assert_eq!(
        verdict_item(&cr, &later)["status"],
        "key-compromised",
        "{cr}"
    );
}

/// Row 4: the same thief's priors and retractions (of another checker's
/// verdict) after T count for nothing; neither do its verdicts.
#[test]
fn row04_a_thiefs_priors_and_retractions_count_for_nothing() {
    let n = Newsroom::new();
    let desk = n.key("desk", &["editor", "fact-checker"]);
    let c = n.report("The airport at Sirte reopened", "fawasel-media", &[]);
    n.prior(&desk, "fawasel-media", "B");
    let other = n.verdict(&n.checker2, &c, "false", 100);
    wait_past(&n.time_of(&other));
    // The thief, with the desk's key.
    let prior = n.prior(&desk, "fawasel-media", "E");
    let t = n.time_of(&prior);
    n.retract(&desk, &other);
    let forged = n.verdict(&desk, &c, "true", 100);
    // While the key stands, the thief's entries count.
    let before = n.source("fawasel-media");
    assert_eq!(before["prior"], "E", "{before}");
    n.revoke_compromised(&desk, &t);

    let faw = n.source("fawasel-media");
    assert_eq!(faw["prior"], "B", "the honest prior stands: {faw}");
    assert_eq!(f(&faw["opinion"]["a"]), 0.8, "{faw}");
    assert_eq!(f(&faw["r"]), 0.0, "{faw}");
    assert!(f(&faw["s"]) > 0.0, "{faw}");
    let evidence = faw["evidence"].as_array().unwrap();
    assert_eq!(evidence.len(), 1, "{faw}");
    assert_eq!(evidence[0]["verdict"], other.as_str());

    let cr = n.credibility(&c);
    assert_eq!(verdict_item(&cr, &other)["status"], "counts");
    assert_eq!(verdict_item(&cr, &forged)["status"], "key-compromised");
    assert_eq!(cr["checkers"], 1);
    assert_eq!(cr["disputed"], false);
}

/// Row 5: a claim debunked (false, 100 %) stays debunked however long ago;
/// only the evidence about its source ages.
#[test]
fn row05_a_debunked_claim_stays_debunked() {
    let n = Newsroom::new();
    let c = n.claim(
        &n.d.editor,
        "A vaccine changes your DNA",
        "rusi",
        &[],
        "2020-03-01",
    );
    n.verdict(&n.d.checker, &c, "false", 100);
    let now = n.d.json(&["credibility", &c, "--explain"]);
    let later = n.credibility(&c);
    assert_eq!(now["credibility"], 5, "improbable: {now}");
    assert_eq!(later["credibility"], 5, "still improbable: {later}");
    assert_eq!(later["truth"], now["truth"], "truth does not decay");
    assert_eq!(later["verdict_opinion"], now["verdict_opinion"]);
    let weight = |cr: &Value| verdicts(cr)[0]["s"].clone();
    assert_eq!(weight(&later), weight(&now));

    // The source's evidence does age.
    let src_now = n.d.json(&["score", "rusi", "--explain"]);
    let src_later = n.source("rusi");
    assert!(
        f(&src_later["s"]) < f(&src_now["s"]),
        "{src_now} {src_later}"
    );
    assert!(
        f(&src_later["evidence"][0]["decay"]) < f(&src_now["evidence"][0]["decay"]),
        "{src_later}"
    );
}

/// Row 6: evidence about a source ages from when the source made the
/// statement (the claim's date), not from when it was rated.
#[test]
fn row06_source_evidence_ages_from_the_statement() {
    let n = Newsroom::new();
    let old = n.claim(
        &n.d.editor,
        "The port will be privatised",
        "rusi",
        &[],
        "2010-06-01",
    );
    // Dated now: a fresh statement rated at the same time.
    let today = Timestamp::from_unix(now_unix()).to_string();
    let fresh = n.claim(
        &n.d.editor,
        "The port will stay public",
        "agenzia-nova",
        &[],
        &today,
    );
    n.verdict(&n.d.checker, &old, "false", 100);
    n.verdict(&n.d.checker, &fresh, "false", 100);
    let head = n.d.json(&["score"]);
    let decay_time = head["decay_time"].as_str().unwrap().to_owned();

    let rusi = n.d.json(&["score", "rusi", "--explain"]);
    let e_old = &rusi["evidence"][0];
    assert_eq!(e_old["said"], "2010-06-01T00:00:00Z");
    assert_eq!(
        e_old["age_secs"].as_i64().unwrap(),
        unix(&decay_time) - unix("2010-06-01T00:00:00Z"),
        "{e_old}"
    );
    let nova = n.d.json(&["score", "agenzia-nova", "--explain"]);
    let e_fresh = &nova["evidence"][0];
    assert_eq!(e_fresh["said"], today.as_str());
    assert!(e_fresh["age_secs"].as_i64().unwrap() < 86_400, "{e_fresh}");
    // Sixteen years and more is eight half-lives: under 1/256 of a fresh
    // statement's weight.
    assert!(
        f(&e_old["weight"]) * 256.0 < f(&e_fresh["weight"]),
        "{e_old} {e_fresh}"
    );
    assert!(f(&rusi["s"]) * 100.0 < f(&nova["s"]), "{rusi} {nova}");
}

/// Row 7: one checker says true, another false, both 100 %: the claim is
/// disputed, shows both verdicts, and is never "possibly true" or better;
/// the dispute moves the source less than an uncontested verdict.
#[test]
fn row07_opposite_verdicts_make_a_visible_dispute() {
    let n = Newsroom::new();
    let c = n.report(
        "The ceasefire was broken first in Tarhuna",
        "agenzia-nova",
        &[],
    );
    let yes = n.verdict(&n.d.checker, &c, "true", 100);
    let no = n.verdict(&n.checker2, &c, "false", 100);
    let u = n.report(
        "The ceasefire was broken first in Gharyan",
        "fawasel-media",
        &[],
    );
    n.verdict(&n.d.checker, &u, "false", 100);

    let cr = n.credibility(&c);
    assert_eq!(cr["disputed"], true, "{cr}");
    assert_eq!(f(&cr["conflict"]), 1.0, "{cr}");
    assert!(f(&cr["credibility"]) >= 4.0, "never 1-3 on a split: {cr}");
    assert_eq!(cr["checkers"], 2);
    for v in [&yes, &no] {
        let item = verdict_item(&cr, v);
        assert_eq!(
            (&item["status"], &item["voice"]),
            (&"counts".into(), &true.into())
        );
    }

    let nova = n.source("agenzia-nova");
    let evidence = nova["evidence"].as_array().unwrap();
    assert_eq!(evidence.len(), 2, "{nova}");
    for e in evidence {
        assert_eq!(f(&e["dispute"]), 0.5, "1 - conflict/2: {e}");
        assert_eq!(f(&e["weight"]), 0.5, "{e}");
    }
    let faw = n.source("fawasel-media");
    assert_eq!(f(&faw["evidence"][0]["dispute"]), 1.0);
    assert_eq!(f(&faw["evidence"][0]["weight"]), 1.0);
    assert!(f(&faw["evidence"][0]["s"]) > f(&evidence[1]["s"]));
}

/// Row 7, weakly: two checkers split with little confidence on a story
/// that two independent origins tell. A split is never "possibly true":
/// the digit stays at 4 or worse, however weak the verdicts.
#[test]
fn row07_a_weak_split_on_a_corroborated_story_is_never_possibly_true() {
    let n = Newsroom::new();
    let text = "The refinery at Zawiya was shelled";
    let c = n.report(text, "agenzia-nova", &[]);
    n.report(text, "rusi", &["fawasel-media"]);
    assert_eq!(
        n.claim_score(&c)["credibility"],
        3,
        "two origins, unchecked"
    );
    n.verdict(&n.d.checker, &c, "true", 5);
    n.verdict(&n.checker2, &c, "false", 5);
    let score = n.claim_score(&c);
    assert_eq!(score["disputed"], true, "{score}");
    assert!(
        f(&score["credibility"]) >= 4.0,
        "disputed, yet digit {}: {score}",
        score["credibility"]
    );
}

/// Row 8: an uncorroborated report has no confirmation (the origin does
/// not confirm itself); another independent origin is one; a relay of the
/// same origin is none.
#[test]
fn row08_confirmations_exclude_the_origin() {
    let n = Newsroom::new();
    let text = "Ships unloaded armoured vehicles in Benghazi";
    let a = n.report(text, "agenzia-nova", &[]);
    let cr = n.claim_score(&a);
    assert_eq!((&cr["reports"], &cr["origins"]), (&1.into(), &1.into()));
    assert_eq!(cr["confirmations"], 0, "{cr}");
    assert_eq!(cr["credibility"], 6, "{cr}");

    // An independent origin: one confirmation.
    n.report(text, "rusi", &["fawasel-media"]);
    let cr = n.claim_score(&a);
    assert_eq!((&cr["reports"], &cr["origins"]), (&2.into(), &2.into()));
    assert_eq!(cr["confirmations"], 1, "{cr}");
    assert_eq!(cr["circular"], false);

    // A relay of an origin already counted: nothing more.
    n.report(text, "harchaoui", &["agenzia-nova"]);
    let cr = n.claim_score(&a);
    assert_eq!((&cr["reports"], &cr["origins"]), (&3.into(), &2.into()));
    assert_eq!(cr["confirmations"], 1, "{cr}");
    assert_eq!(cr["circular"], true);
}

/// Row 9: the letter grades the source, the digit the information, each
/// on its own: one source's claims can read B1 and B5, two sources' A6
/// and E6.
#[test]
fn row09_letter_and_digit_are_independent() {
    let n = Newsroom::new();
    let (c1, c2) = (&n.d.checker, &n.checker2);
    // Records: Nova reliable, Fawasel not, by two agreeing checkers.
    n.prior(&n.d.editor, "agenzia-nova", "A");
    for i in 0..3 {
        let c = n.claim(
            &n.d.editor,
            &format!("Nova record {i}"),
            "agenzia-nova",
            &[],
            AT,
        );
        n.verdict(c1, &c, "true", 100);
        n.verdict(c2, &c, "true", 100);
        let c = n.claim(
            &n.d.editor,
            &format!("Fawasel record {i}"),
            "fawasel-media",
            &[],
            AT,
        );
        n.verdict(c1, &c, "false", 100);
        n.verdict(c2, &c, "false", 100);
    }
    // Unchecked, uncorroborated: the digit cannot be judged, whatever the
    // source.
    let x = n.report("Nova alone says X", "agenzia-nova", &[]);
    let y = n.report("Fawasel alone says Y", "fawasel-media", &[]);
    // Checked: the digit follows the verdicts, whatever the source.
    let z = n.report("Fawasel says Z", "fawasel-media", &[]);
    n.verdict(c1, &z, "true", 100);
    n.verdict(c2, &z, "true", 100);
    let w = n.report("Nova says W", "agenzia-nova", &[]);
    n.verdict(c1, &w, "false", 100);
    n.verdict(c2, &w, "false", 100);

    let nova = n.source("agenzia-nova")["grade"].clone();
    let faw = n.source("fawasel-media")["grade"].clone();
    assert_ne!(nova, faw);
    let [x, y, z, w] = [&x, &y, &z, &w].map(|c| n.credibility(c));
    assert_eq!((&x["letter"], &x["credibility"]), (&nova, &6.into()), "{x}");
    assert_eq!((&y["letter"], &y["credibility"]), (&faw, &6.into()), "{y}");
    assert_eq!((&z["letter"], &z["credibility"]), (&faw, &1.into()), "{z}");
    // The letter beside the digit leaves the story's own verdicts out:
    // without the two falses on this claim Nova's record is A, though its
    // grade with them is B. A reliable source, improbable information: A5.
    assert_eq!(nova, "B");
    assert_eq!(
        (&w["letter"], &w["credibility"]),
        (&"A".into(), &5.into()),
        "{w}"
    );
}

/// Row 10: an editor's prior A with no evidence shows as the prior (grade
/// F, no verdict, no checker, nothing raising the lower bound), and ranks
/// below a source with evidence even though its E is higher.
#[test]
fn row10_a_prior_alone_shows_as_a_prior_and_ranks_below_evidence() {
    let n = Newsroom::new();
    n.prior(&n.d.editor, "agenzia-nova", "A");
    let c = n.report("The central bank reunified", "rusi", &[]);
    n.verdict(&n.d.checker, &c, "true", 100);

    let all = n.d.json(&["score", "--as-of", AT]);
    let sources = all["sources"].as_array().unwrap();
    let at = |slug: &str| sources.iter().position(|s| s["id"] == slug).unwrap();
    let (nova, rusi) = (&sources[at("agenzia-nova")], &sources[at("rusi")]);
    assert_eq!((&nova["grade"], &nova["prior"]), (&"F".into(), &"A".into()));
    assert_eq!(
        (&nova["verdicts"], &nova["checkers"]),
        (&0.into(), &0.into())
    );
    assert_eq!(f(&nova["lower"]), 0.0, "a prior raises no lower bound");
    assert_eq!(f(&nova["opinion"]["e"]), 0.95);
    assert_eq!(
        (&rusi["verdicts"], &rusi["checkers"]),
        (&1.into(), &1.into())
    );
    assert!(f(&rusi["lower"]) > 0.0);
    assert!(f(&nova["opinion"]["e"]) > f(&rusi["opinion"]["e"]));
    assert!(
        at("rusi") < at("agenzia-nova"),
        "evidence ranks first: {all}"
    );
}

/// Row 11: a standing "misattributed" verdict: the claim says who it was
/// attributed to, who did not say it; that person gets nothing, the hop
/// that made the attribution is charged.
#[test]
fn row11_a_misattribution_names_who_did_not_say_it() {
    let n = Newsroom::new();
    let c = n.report(
        "I will resign tomorrow",
        "agenzia-nova",
        &["harchaoui:quoted"],
    );
    n.verdict(&n.d.checker, &c, "misattributed", 100);

    let score = n.claim_score(&c);
    assert_eq!(score["misattributed"], "harchaoui", "{score}");
    assert_eq!(score["origin"], Value::Null, "{score}");
    assert_eq!(
        (&score["origins"], &score["unknown"]),
        (&0.into(), &1.into())
    );
    assert_eq!(score["letter"], "F");
    let cr = n.credibility(&c);
    assert_eq!(
        cr["origins"],
        serde_json::json!([]),
        "no named origin: {cr}"
    );
    let report = &cr["reports"][0];
    assert_eq!(
        report["chain"],
        serde_json::json!(["agenzia-nova", "harchaoui"])
    );
    assert_eq!(report["misattributed"], true);
    assert_eq!(report["origin"], Value::Null);

    let h = n.source("harchaoui");
    assert_eq!((f(&h["r"]), f(&h["s"])), (0.0, 0.0), "{h}");
    assert_eq!(h["unmoved"][0]["why"], "misattribution", "{h}");
    let nova = n.source("agenzia-nova");
    assert_eq!(nova["evidence"][0]["role"], "made-misattribution", "{nova}");
    assert!(f(&nova["s"]) > 0.0);
}

/// Row 12: two reports whose origins are both unknown are not circular
/// reporting; their independence is unknown. Two through one named origin
/// are circular.
#[test]
fn row12_unknown_origins_are_not_circular() {
    let n = Newsroom::new();
    n.d.add(
        &n.d.editor,
        &[
            "source",
            "add",
            "several-sources",
            "--name",
            "Several sources",
            "--kind",
            "anonymous",
        ],
    );
    let text = "Mercenaries left Sirte overnight";
    let a = n.report(text, "agenzia-nova", &["several-sources"]);
    n.report(text, "rusi", &["fawasel-media:anonymous"]);
    let cr = n.claim_score(&a);
    assert_eq!(
        (&cr["reports"], &cr["origins"], &cr["unknown"]),
        (&2.into(), &0.into(), &2.into())
    );
    assert_eq!(cr["circular"], false, "{cr}");
    assert_eq!(cr["independence_unknown"], true, "{cr}");
    assert_eq!(cr["confirmations"], 0, "{cr}");

    let text = "Mercenaries reached Jufra";
    let b = n.report(text, "agenzia-nova", &["harchaoui"]);
    n.report(text, "rusi", &["harchaoui"]);
    let cr = n.claim_score(&b);
    assert_eq!((&cr["reports"], &cr["origins"]), (&2.into(), &1.into()));
    assert_eq!(cr["circular"], true, "{cr}");
    assert_eq!(cr["independence_unknown"], false, "{cr}");
}

/// Row 13: a false verdict on a claim derived from another (origin O)
/// charges O as originator; the derived claim's own publisher is a relay.
#[test]
fn row13_blame_follows_the_origin_a_claim_derives_from() {
    let n = Newsroom::new();
    let c1 = n.report(
        "Haftar's officers are training on MiG-29s",
        "agenzia-nova",
        &["fawasel-media"],
    );
    let c2 = n.report("Libyan pilots are in Russia", "rusi", &[]);
    let note = n.serial();
    n.d.add(
        &n.d.editor,
        &["relate", &c2, "derived-from", &c1, "--note", &note],
    );
    n.verdict(&n.d.checker, &c2, "false", 100);

    let cr = n.credibility(&c2);
    let report = cr["reports"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["claim"] == c2.as_str())
        .unwrap_or_else(|| panic!("the derived report: {cr}"));
    assert_eq!(report["derived_from"], c1.as_str());
    assert_eq!(report["origin"], "fawasel-media");

    let faw = n.source("fawasel-media");
    let e = faw["evidence"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["claim"] == c2.as_str())
        .unwrap_or_else(|| panic!("the origin is charged: {faw}"));
    assert_eq!(e["role"], "originator");
    assert_eq!((f(&e["share"]), f(&e["s"])), (1.0, 1.0), "{e}");
    let rusi = n.source("rusi");
    let e = &rusi["evidence"][0];
    assert_eq!(e["role"], "relay", "{rusi}");
    assert_eq!((f(&e["share"]), f(&e["s"])), (0.5, 0.5), "{e}");
}

/// Row 14: a claim's own verdict counts once: as a verdict on the claim,
/// not also through its origin's reputation. A verdict on another claim of
/// the same origin does reach it through the reputation.
#[test]
fn row14_a_claims_own_verdict_counts_once() {
    let n = Newsroom::new();
    let c = n.report("The oil fields reopened", "harchaoui", &[]);
    n.verdict(&n.d.checker, &c, "true", 100);
    let h = n.source("harchaoui");
    assert!(f(&h["r"]) > 0.0, "the verdict moves the source: {h}");

    let cr = n.credibility(&c);
    let report = &cr["reports"][0];
    assert_eq!(
        f(&report["opinion"]["u"]),
        1.0,
        "the origin's opinion for this story leaves this story's verdict out: {cr}"
    );
    for k in ["b", "d", "u", "e"] {
        let (fused, truth) = (f(&cr["opinion"][k]), f(&cr["truth"][k]));
        assert!(
            (fused - truth).abs() <= 1e-6,
            "{k}: {fused} vs {truth}: {cr}"
        );
    }

    // Another claim of the same origin, rated by another checker: that
    // does count for this one, through the origin.
    let other = n.report("The oil fields are guarded", "harchaoui", &[]);
    n.verdict(&n.checker2, &other, "true", 100);
    let cr = n.credibility(&c);
    assert!(f(&cr["reports"][0]["opinion"]["u"]) < 1.0, "{cr}");
    assert!(f(&cr["opinion"]["e"]) > f(&cr["truth"]["e"]), "{cr}");
}

/// Rows 9 and 14 together: the letter shown beside a claim's digit grades
/// its origin apart from that claim's own verdicts, as the claim's opinion
/// does; otherwise the same two verdicts make both the letter and the
/// digit ("E5" for a source with no other record).
#[test]
fn row14_the_letter_beside_the_digit_leaves_the_storys_own_verdicts_out() {
    let n = Newsroom::new();
    let c = n.report("The dam at Derna was inspected", "harchaoui", &[]);
    n.verdict(&n.d.checker, &c, "false", 100);
    n.verdict(&n.checker2, &c, "false", 100);
    let h = n.source("harchaoui");
    assert_eq!(h["grade"], "E", "two checkers, both false: {h}");
    let cr = n.credibility(&c);
    assert_eq!(cr["credibility"], 5, "{cr}");
    assert_eq!(
        f(&cr["reports"][0]["opinion"]["u"]),
        1.0,
        "the opinion leaves the story's verdicts out: {cr}"
    );
    assert_eq!(
        cr["letter"], "F",
        "the letter should too: no record apart from this claim ({cr})"
    );
}

/// The state root does not depend on where the entries are read from (the
/// ledger or an export) nor on how many threads read them.
#[test]
fn replay_roots_agree_from_the_ledger_the_export_and_any_thread_count() {
    let n = Newsroom::new();
    let ck = &n.d.checker;
    let mut claims = Vec::new();
    for (i, publisher) in ["agenzia-nova", "fawasel-media", "rusi", "harchaoui"]
        .iter()
        .enumerate()
    {
        let c = n.claim(
            &n.d.editor,
            &format!("Report number {}", i % 2),
            publisher,
            &["fawasel-media"][..usize::from(*publisher == "rusi")],
            "2024-05-01",
        );
        claims.push(c);
    }
    n.verdict(ck, &claims[0], "true", 80);
    n.verdict(&n.checker2, &claims[0], "false", 70);
    n.verdict(&n.checker3, &claims[1], "mostly-true", 60);
    n.verdict(ck, &claims[2], "misattributed", 100);
    let note = n.serial();
    n.d.add(
        &n.d.editor,
        &[
            "relate",
            &claims[3],
            "derived-from",
            &claims[1],
            "--note",
            &note,
        ],
    );
    n.prior(&n.d.editor, "rusi", "C");
    n.revoke_compromised(&n.checker3, "2000-01-01T00:00:00Z");

    let export = n.d.dir().join("ledger.jsonl");
    n.d.ok(&["export", "jsonl", "--out", s(&export)]);
    let root = |threads: Option<&str>, from_export: bool| -> Value {
        let mut c = n.d.cmd();
        if let Some(t) = threads {
            c.env("RAYON_NUM_THREADS", t);
        }
        c.args(["--json", "replay"]);
        if from_export {
            c.arg("--export").arg(&export);
        }
        let out = n.d.run(&mut c);
        assert_success(&out, &["replay", threads.unwrap_or("-")]);
        let v: Value = serde_json::from_slice(&out.stdout).unwrap();
        v["state_root"].clone()
    };
    let head = root(None, false);
    assert_eq!(head.as_str().map(str::len), Some(64), "{head}");
    for threads in [None, Some("1"), Some("2")] {
        for from_export in [false, true] {
            assert_eq!(
                root(threads, from_export),
                head,
                "{threads:?} {from_export}"
            );
        }
    }
}
