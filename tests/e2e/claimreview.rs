//! `isnad export claimreview` and `isnad import claimreview`, end to end.
//!
//! - A round trip (export from one ledger, import into a fresh one) keeps
//!   every claim's text, rating and originator, for every rating.
//! - Importing the same file twice adds nothing; an updated review
//!   supersedes the verdict of the earlier import.
//! - Messy published markup (an `@graph` without context, references by
//!   `@id`, relative URLs, HTML entities, an HTML page, Fact Check Tools'
//!   response in six languages) imports as the fixtures say.
//! - Bad reviews are listed one per line with their position and nothing
//!   is written (or, with `--skip-invalid`, only the good ones); every
//!   refusal leaves the ledger exactly as it was.
//! - PyLD, a JSON-LD processor, expands the export with every field intact
//!   (`tests/interop/claimreview_jsonld.py`; needs the packages in
//!   `tests/interop/requirements.txt`).

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Command;

use crate::common::*;
use serde_json::{Value, json};

fn fixture(name: &str) -> PathBuf {
    repo().join("tests/fixtures").join("claimreview").join(name)
}

const RATINGS: [&str; 7] = [
    "true",
    "mostly-true",
    "mixed",
    "mostly-false",
    "false",
    "unverifiable",
    "misattributed",
];

/// A desk whose fact-checker rated seven claims, one per rating, with
/// chains of one, two and three hops; one claim reattributed, one verdict
/// superseded and one retracted (neither of those two is exported).
fn rated_desk() -> Desk {
    let d = Desk::with_sources();
    d.add(
        &d.editor,
        &[
            "source",
            "add",
            "anon",
            "--name",
            "Unnamed sources",
            "--kind",
            "anonymous",
        ],
    );
    let mut claims = Vec::new();
    for (i, rating) in RATINGS.iter().enumerate() {
        let text = format!(
            "Claim number {i} about officers training in Russia on MiG-29 jets, which is a long \
             sentence so that the short form is cut with an ellipsis ({rating})"
        );
        let mut args = vec![
            "claim",
            "add",
            "--text",
            &text,
            "--lang",
            "en",
            "--date",
            "2025-02-18",
        ];
        match i % 3 {
            0 => args.extend(["--publisher", "harchaoui"]),
            1 => args.extend(["--publisher", "agenzia-nova", "--via", "fawasel-media"]),
            _ => args.extend([
                "--publisher",
                "agenzia-nova",
                "--via",
                "fawasel-media",
                "--via",
                "anon:anonymous",
            ]),
        }
        args.extend(["--url", "https://www.agenzianova.com/a/1"]);
        let c = d.add(&d.checker, &args);
        d.add(
            &d.checker,
            &[
                "verdict",
                "add",
                &c,
                "--rating",
                rating,
                "--confidence",
                "70",
                "--rationale",
                &format!("Because {rating}."),
                "--evidence",
                "https://evidence.example/1",
            ],
        );
        claims.push(c);
    }
    // Re-attributed: the originator becomes RUSI.
    d.add(
        &d.editor,
        &[
            "amend",
            &claims[0],
            "--publisher",
            "agenzia-nova",
            "--via",
            "rusi:quoted",
            "--reason",
            "RUSI said it",
        ],
    );
    // A retracted claim with a verdict, and a superseded verdict.
    let gone = d.add_claim(&d.checker, "A claim later retracted");
    d.add(
        &d.checker,
        &[
            "verdict",
            "add",
            &gone,
            "--rating",
            "false",
            "--confidence",
            "50",
            "--rationale",
            "r",
        ],
    );
    d.add(
        &d.editor,
        &["amend", &gone, "--retract", "--reason", "withdrawn"],
    );
    d
}

fn export(d: &Desk, extra: &[&str]) -> Vec<Value> {
    let mut args = vec!["export", "claimreview"];
    args.extend_from_slice(extra);
    let v: Value = serde_json::from_str(&d.ok(&args)).unwrap();
    v.as_array().unwrap().clone()
}

/// What must survive a round trip: full text, rating words and value,
/// originator (slug and name), publisher.
fn essentials(reviews: &[Value]) -> BTreeSet<String> {
    reviews
        .iter()
        .map(|r| {
            let item = &r["itemReviewed"];
            json!([
                item["text"],
                r["reviewRating"]["alternateName"],
                r["reviewRating"]["ratingValue"],
                item["author"]["identifier"],
                item["author"]["name"],
                item["author"]["@type"],
                item["appearance"][0]["author"]["identifier"],
                item["inLanguage"],
                item["datePublished"],
            ])
            .to_string()
        })
        .collect()
}

fn write(d: &Desk, name: &str, v: &Value) -> PathBuf {
    d.file(name, serde_json::to_string_pretty(v).unwrap().as_bytes())
}

#[test]
fn export_has_one_review_per_standing_verdict() {
    let d = rated_desk();
    let reviews = export(&d, &["--base-url", "https://desk.example/isnad/"]);
    assert_eq!(reviews.len(), RATINGS.len());
    for (r, rating) in reviews.iter().zip(RATINGS) {
        let text = r["itemReviewed"]["text"].as_str().unwrap();
        assert!(text.ends_with(&format!("({rating})")), "{text}");
        let short = r["claimReviewed"].as_str().unwrap();
        assert!(
            short.chars().count() <= 75 && short.ends_with('…'),
            "{short}"
        );
        assert!(text.starts_with(short.trim_end_matches('…')));
        let id = r["identifier"].as_str().unwrap();
        assert_eq!(r["url"], format!("https://desk.example/isnad/{id}"));
        assert_eq!(r["@id"], format!("urn:isnad:entry:{id}"));
        let value = r["reviewRating"]["ratingValue"].as_u64();
        let want = match rating {
            "false" => Some(1),
            "mostly-false" => Some(2),
            "mixed" => Some(3),
            "mostly-true" => Some(4),
            "true" => Some(5),
            _ => None,
        };
        assert_eq!(value, want, "{rating}");
        assert_eq!(r["reviewRating"]["bestRating"], 5);
        assert_eq!(r["reviewRating"]["worstRating"], 1);
        assert_eq!(r["author"]["name"], "checker");
        assert_eq!(r["citation"], json!(["https://evidence.example/1"]));
        assert_eq!(
            r["itemReviewed"]["firstAppearance"],
            r["itemReviewed"]["appearance"][0]
        );
    }
    // The originator is the chain's last hop, after re-attribution.
    let origin = |i: usize| reviews[i]["itemReviewed"]["author"]["identifier"].clone();
    assert_eq!(origin(0), "rusi");
    assert_eq!(origin(1), "fawasel-media");
    assert_eq!(origin(2), "anon");
    assert_eq!(origin(3), "harchaoui");
    assert_eq!(
        reviews[3]["itemReviewed"]["author"]["additionalType"],
        "urn:isnad:vocab:source-kind:person"
    );
    // Without --base-url there is no url, and the export says so.
    let out = d.out(&["export", "claimreview"]);
    assert_success(&out, &["export", "claimreview"]);
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(v.as_array().unwrap().iter().all(|r| r.get("url").is_none()));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--base-url"));
    // --org names the organisation.
    let named = export(
        &d,
        &[
            "--org",
            "Example Checks",
            "--org-url",
            "https://checks.example",
        ],
    );
    assert_eq!(
        named[0]["author"],
        json!({"@type": "Organization", "name": "Example Checks", "url": "https://checks.example"})
    );
}

#[test]
fn round_trip_keeps_claims_ratings_and_originators() {
    let a = rated_desk();
    let reviews = export(&a, &["--base-url", "https://desk.example/isnad"]);
    let file = write(&a, "reviews.json", &Value::Array(reviews.clone()));

    let b = Desk::new();
    let report = b.json(&["--key", s(&b.checker), "import", "claimreview", s(&file)]);
    assert_eq!(report["reviews"], RATINGS.len());
    assert_eq!(report["verdicts"], RATINGS.len());
    assert_eq!(report["claims"], RATINGS.len());
    let back = export(&b, &["--base-url", "https://other.example"]);
    assert_eq!(essentials(&back), essentials(&reviews));
    // The imported verdicts point back to the reviews.
    let evidence: BTreeSet<String> = back.iter().map(|r| r["citation"][0].to_string()).collect();
    let urls: BTreeSet<String> = reviews.iter().map(|r| r["url"].to_string()).collect();
    assert_eq!(evidence, urls);
    // Scores come out of the imported ledger as of any other.
    b.ok(&["verify"]);
    b.ok(&["replay"]);

    // Without a url, the review's @id is what the verdict keeps.
    let c = Desk::new();
    let bare = export(&a, &[]);
    let file = write(&c, "bare.json", &Value::Array(bare.clone()));
    c.ok(&["--key", s(&c.checker), "import", "claimreview", s(&file)]);
    let back = export(&c, &[]);
    assert_eq!(essentials(&back), essentials(&bare));
    assert!(
        back[0]["citation"][0]
            .as_str()
            .unwrap()
            .starts_with("urn:isnad:entry:")
    );
}

#[test]
fn importing_twice_adds_nothing_and_an_update_supersedes() {
    let d = Desk::new();
    let file = fixture("factcheck-tools.json");
    let first = d.json(&["--key", s(&d.checker), "import", "claimreview", s(&file)]);
    assert_eq!(first["reviews"], 6);
    let before = d.state();
    let again = d.json(&["--key", s(&d.checker), "import", "claimreview", s(&file)]);
    assert_eq!(again["added"], 0, "{again}");
    assert_eq!(d.state(), before);

    // The Arabic checker changes its rating from misleading to false.
    let text = std::fs::read_to_string(&file)
        .unwrap()
        .replace("\"مضلل\"", "\"زائف\"");
    let updated = d.file("updated.json", text.as_bytes());
    let up = d.json(&["--key", s(&d.checker), "import", "claimreview", s(&updated)]);
    assert_eq!(
        (up["added"].as_u64(), up["updated"].as_u64()),
        (Some(1), Some(1)),
        "{up}"
    );
    let line = String::from_utf8(d.export_lines().last().unwrap().clone()).unwrap();
    assert!(
        line.contains("\"rating\":\"false\"") && line.contains("\"supersedes\""),
        "{line}"
    );
    // Only the new verdict is exported.
    let reviews = export(&d, &[]);
    let arabic: Vec<&Value> = reviews
        .iter()
        .filter(|r| r["itemReviewed"]["inLanguage"] == "ar")
        .collect();
    assert_eq!(arabic.len(), 1);
    assert_eq!(arabic[0]["reviewRating"]["alternateName"], "False");
    // And importing the update again adds nothing.
    let before = d.state();
    d.ok(&["--key", s(&d.checker), "import", "claimreview", s(&updated)]);
    assert_eq!(d.state(), before);
}

#[test]
fn messy_markup_imports() {
    let d = Desk::new();
    for f in ["graph.jsonld", "page.html", "factcheck-tools.json"] {
        d.ok(&[
            "--key",
            s(&d.checker),
            "import",
            "claimreview",
            s(&fixture(f)),
        ]);
    }
    let reviews = export(&d, &[]);
    let by_text = |needle: &str| -> &Value {
        reviews
            .iter()
            .find(|r| r["itemReviewed"]["text"].as_str().unwrap().contains(needle))
            .unwrap_or_else(|| panic!("no review of a claim with {needle:?}"))
    };
    // graph.jsonld: claimReviewed has two wordings (two claims); the
    // words ("Unproven") win over a number that disagrees (2 of 1-5,
    // mostly false); the publisher is a reference.
    let r = by_text("15-20 officers loyal to Haftar are training in Russia on MiG-29s");
    assert_eq!(
        r["itemReviewed"]["text"],
        "15-20 officers loyal to Haftar are training in Russia on MiG-29s"
    );
    assert_eq!(r["reviewRating"]["alternateName"], "Unverifiable");
    assert_eq!(r["itemReviewed"]["author"]["identifier"], "fawasel-media");
    assert_eq!(
        r["itemReviewed"]["appearance"][0]["author"]["identifier"],
        "agenzia-nova"
    );
    assert_eq!(
        r["itemReviewed"]["appearance"][0]["name"],
        "Agenzia Nova – Arabic service"
    );
    assert_eq!(
        r["citation"][0],
        "https://checks.example/2025/02/officers-russia"
    );
    assert!(r["reviewBody"].as_str().unwrap().starts_with(
        "Checks & Balances (example) rated it “Unproven” (2 on a scale of 1 to 5) on 2025-02-21."
    ));
    by_text("Officers loyal to Haftar train on MiG-29 jets in Russia");
    // page.html: French, an altered photo.
    let r = by_text("avions russes à Benghazi");
    assert_eq!(r["itemReviewed"]["inLanguage"], "fr");
    assert_eq!(r["reviewRating"]["alternateName"], "False");
    // Fact Check Tools, rating words in six languages.
    for (needle, words, lang) in [
        ("الجفرة", "Mostly false", "ar"),
        ("प्रशिक्षण", "Unverifiable", "hi"),
        ("Die Bilder sind echt", "True", "de"),
    ] {
        let r = by_text(needle);
        assert_eq!(r["reviewRating"]["alternateName"], words, "{needle}");
        assert_eq!(r["itemReviewed"]["inLanguage"], lang, "{needle}");
    }
    // Two reviews of one claim (Spanish and Portuguese checkers) rate the
    // same claim: partly true and satire (false).
    let spanish: Vec<&Value> = reviews
        .iter()
        .filter(|r| r["itemReviewed"]["text"] == "Rusia entrena a pilotos libios")
        .collect();
    assert_eq!(spanish.len(), 2);
    assert_eq!(
        spanish[0]["itemReviewed"]["identifier"],
        spanish[1]["itemReviewed"]["identifier"]
    );
    let words: BTreeSet<&str> = spanish
        .iter()
        .map(|r| r["reviewRating"]["alternateName"].as_str().unwrap())
        .collect();
    assert_eq!(words, BTreeSet::from(["Mixed", "False"]));
    // Words no table knows: unverifiable, with the words kept.
    let unknown = reviews
        .iter()
        .find(|r| {
            r["reviewBody"]
                .as_str()
                .unwrap()
                .contains("“Needs a closer look”")
        })
        .expect("the unmapped review");
    assert_eq!(unknown["reviewRating"]["alternateName"], "Unverifiable");
    assert!(
        unknown["reviewBody"]
            .as_str()
            .unwrap()
            .contains("recorded as unverifiable")
    );
    // Claimants: a Facebook page in Arabic is a social account.
    let r = by_text("الجفرة");
    assert_eq!(
        r["itemReviewed"]["author"]["additionalType"],
        "urn:isnad:vocab:source-kind:social-account"
    );
    d.ok(&["verify"]);
}

fn bad_file(d: &Desk) -> PathBuf {
    let good = |n: u32| {
        json!({"@context": "https://schema.org", "@type": "ClaimReview",
               "url": format!("https://checks.example/{n}"),
               "claimReviewed": format!("Claim {n}"), "datePublished": "2025-02-20",
               "reviewRating": {"@type": "Rating", "alternateName": "False"},
               "itemReviewed": {"@type": "Claim", "author": {"@type": "Person", "name": "Someone"}}})
    };
    let mut no_rating = good(3);
    no_rating.as_object_mut().unwrap().remove("reviewRating");
    let mut relative = good(4);
    relative["url"] = json!("/relative/4");
    let mut huge = good(5);
    huge["itemReviewed"]["author"]["name"] = json!("N".repeat(5000));
    huge["claimReviewed"] = json!("x".repeat(70_000));
    write(
        d,
        "mixed.json",
        &json!([good(1), no_rating, good(2), relative, huge]),
    )
}

#[test]
fn bad_reviews_are_listed_and_nothing_is_written() {
    let d = Desk::new();
    let file = bad_file(&d);
    let before = d.state();
    let out = d.out(&import_args(&d, &file, &[]));
    assert_eq!(out.status.code(), Some(2));
    assert!(out.stdout.is_empty());
    let stderr = String::from_utf8(out.stderr).unwrap();
    let lines: Vec<&str> = stderr.lines().collect();
    assert_eq!(lines.len(), 4, "{stderr}");
    let f = s(&file);
    assert!(
        lines[0].starts_with(&format!("isnad: {f}: $[1]: no reviewRating")),
        "{stderr}"
    );
    assert!(
        lines[1].starts_with(&format!("isnad: {f}: $[3]: url `/relative/4` is relative")),
        "{stderr}"
    );
    assert!(
        lines[2].starts_with(&format!("isnad: {f}: $[4]: field `body.text`")),
        "{stderr}"
    );
    assert!(
        lines[3].starts_with("isnad: error: 3 of 5 reviews"),
        "{stderr}"
    );
    assert!(lines[3].contains("nothing was written"));
    assert_eq!(d.state(), before);

    // --skip-invalid imports the two good ones and counts the rest.
    let out = d.ok(&import_args(&d, &file, &["--skip-invalid"]));
    assert!(
        out.contains("imported 2 reviews") && out.contains("3 invalid reviews skipped"),
        "{out}"
    );
    // --base-url rescues the relative one.
    let v = d.json(&[
        "--key",
        s(&d.checker),
        "import",
        "claimreview",
        s(&file),
        "--skip-invalid",
        "--base-url",
        "https://checks.example/",
    ]);
    assert_eq!(
        (
            v["reviews"].as_u64(),
            v["added"].as_u64(),
            v["skipped"].as_u64()
        ),
        (Some(3), Some(2), Some(2)),
        "{v}"
    );
}

#[test]
fn refusals_leave_the_ledger_exactly_as_it_was() {
    let d = Desk::new();
    let good = fixture("factcheck-tools.json");
    // An editor may define sources and claims but not sign verdicts: the
    // sources and claims of the batch are not written either.
    let line = d.refused(
        Some(&d.editor),
        &["import", "claimreview", s(&good)],
        &["$.claims[0].claimReview[0]", "no role", "verdict"],
    );
    assert!(line.contains("editor+"), "{line}");
    let unenrolled = d.dir().join("stranger.key");
    d.ok(&["key", "new", "stranger", "--out", s(&unenrolled)]);
    d.refused(
        Some(&unenrolled),
        &["import", "claimreview", s(&good)],
        &["not enrolled"],
    );
    d.refused(
        None,
        &["import", "claimreview", s(&good)],
        &["no signing key"],
    );
    let garbage = d.file("garbage.json", b"{\"claims\": [");
    d.refused(
        Some(&d.checker),
        &["import", "claimreview", s(&garbage)],
        &["garbage.json", "malformed JSON"],
    );
    let empty = d.file("empty.json", b"");
    d.refused(
        Some(&d.checker),
        &["import", "claimreview", s(&empty)],
        &["empty"],
    );
    let binary = d.file("binary.json", &[0xff, 0xfe, 0x00, 0x81]);
    d.refused(
        Some(&d.checker),
        &["import", "claimreview", s(&binary)],
        &["not UTF-8"],
    );
    let none = d.file("none.json", br#"{"@type": "WebPage"}"#);
    let out = d.out(&["--key", s(&d.checker), "import", "claimreview", s(&none)]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("no ClaimReview here"));
    d.refused(
        Some(&d.checker),
        &["import", "claimreview", "missing.json"],
        &["missing.json"],
    );
    d.refused(
        Some(&d.checker),
        &["import", "claimreview", s(&good), "--base-url", "not a url"],
        &["--base-url"],
    );
    d.refused(
        Some(&d.checker),
        &["import", "claimreview", s(&good), "--lang", "english!"],
        &["--lang", "BCP-47"],
    );
    d.refused(
        Some(&d.checker),
        &["import", "claimreview", s(&good), "--confidence", "101"],
        &["--confidence"],
    );
    d.refused(
        None,
        &["export", "claimreview", "--base-url", "ftp://x"],
        &["--base-url"],
    );
    d.assert_no_secrets();
}

#[test]
fn pyld_expands_every_field() {
    let d = rated_desk();
    let reviews = export(&d, &["--base-url", "https://desk.example/isnad"]);
    let good = write(&d, "reviews.json", &Value::Array(reviews.clone()));
    let script = repo().join("tests/interop").join("claimreview_jsonld.py");
    let run = |file: &Path| {
        Command::new("python3")
            .arg(&script)
            .arg(file)
            .output()
            .unwrap_or_else(|e| panic!("cannot run python3 ({e}): the interop tests need Python 3"))
    };
    let out = run(&good);
    assert!(
        out.status.success(),
        "PyLD check failed (pip install -r tests/interop/requirements.txt?): {}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains("7 reviews expand"));
    // The check can fail: a misspelt term and a missing context do.
    let mut misspelt = reviews.clone();
    let item = misspelt[2]["itemReviewed"].as_object_mut().unwrap();
    let author = item.remove("author").unwrap();
    item.insert("autor".into(), author);
    let mut no_context = reviews;
    no_context[0].as_object_mut().unwrap().remove("@context");
    for (name, bad) in [("misspelt.json", misspelt), ("no-context.json", no_context)] {
        let out = run(&write(&d, name, &Value::Array(bad)));
        assert_eq!(
            out.status.code(),
            Some(1),
            "{name}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
}

/// The rating table as docs/INTEROP.md prints it: a row per category
/// and language, languages in the order the code's table first names them.
fn rating_table() -> String {
    use isnad_core::interop::rating::{Category, WORDS};
    let mut langs: Vec<&str> = Vec::new();
    for (_, l, _) in WORDS {
        if !langs.contains(l) {
            langs.push(l);
        }
    }
    let mut out =
        String::from("| words for | isnad rating | language | words |\n|---|---|---|---|\n");
    for c in Category::ALL {
        for l in &langs {
            let words: Vec<&str> = WORDS
                .iter()
                .filter(|(cc, ll, _)| *cc == c && ll == l)
                .flat_map(|(_, _, w)| w.iter().copied())
                .collect();
            if words.is_empty() {
                continue;
            }
            out.push_str(&format!(
                "| {} | `{}` | {l} | {} |\n",
                c.name(),
                c.rating().as_str(),
                words.join(", ")
            ));
        }
    }
    out
}

#[test]
fn the_documented_rating_table_is_the_one_in_the_code() {
    let path = repo().join("docs/INTEROP.md");
    let doc = std::fs::read_to_string(&path).unwrap();
    let (begin, end) = ("<!-- rating-table:begin -->\n", "<!-- rating-table:end -->");
    let start = doc.find(begin).expect("begin marker") + begin.len();
    let stop = doc.find(end).expect("end marker");
    let want = rating_table();
    if blessing() {
        let fresh = format!("{}{want}{}", &doc[..start], &doc[stop..]);
        std::fs::write(&path, fresh).unwrap();
        blessed("docs/INTEROP.md's rating table");
    }
    assert_eq!(
        &doc[start..stop],
        want,
        "docs/INTEROP.md's rating table is stale: run ISNAD_BLESS=1 cargo test -p isnad-cli \
         --test e2e -- claimreview::the_documented_rating_table, then again without ISNAD_BLESS"
    );
}

// ---------------------------------------------------------------------------
// A property: for generated reviews, importing twice adds nothing, and an
// export read back gives the same claims, ratings and originators.

mod property {
    use isnad_core::interop::claimreview::{ExportOptions, export};
    use isnad_core::interop::import::{ImportOptions, apply, prepare};
    use isnad_core::interop::read::{ReadOptions, read};
    use isnad_core::record::{KeyBody, Role};
    use isnad_core::{KeyPair, Record, Timestamp};
    use proptest::prelude::*;
    use serde_json::{Value, json};

    fn text() -> impl Strategy<Value = String> {
        // Latin, Arabic and Devanagari words, HTML entities and odd spacing.
        let word = prop_oneof![
            "[a-zA-Z]{1,10}",
            Just("حفتر".to_owned()),
            Just("روسيا".to_owned()),
            Just("प्रशिक्षण".to_owned()),
            Just("&amp;".to_owned()),
            Just("Zürich".to_owned()),
        ];
        proptest::collection::vec(word, 1..30).prop_map(|w| w.join("  "))
    }

    fn rating() -> impl Strategy<Value = Value> {
        prop_oneof![
            (1u8..=5).prop_map(|v| json!({"ratingValue": v, "bestRating": 5, "worstRating": 1})),
            (0u8..=10).prop_map(
                |v| json!({"ratingValue": v.to_string(), "bestRating": "10", "worstRating": "0"})
            ),
            prop::sample::select(vec![
                "False",
                "Engañoso",
                "صحيح",
                "आधा सच",
                "Satire",
                "Unknown words",
                "Misattributed"
            ])
            .prop_map(|w| json!({"alternateName": w})),
        ]
    }

    fn review() -> impl Strategy<Value = Value> {
        (text(), rating(), "[A-Z][a-z]{2,8}( [A-Z][a-z]{2,8})?", any::<bool>(), 0u32..1000)
            .prop_map(|(claim, rating, author, person, n)| {
                json!({
                    "@type": "ClaimReview",
                    "url": format!("https://checks.example/{n}"),
                    "claimReviewed": claim,
                    "datePublished": "2025-02-20",
                    "author": {"@type": "Organization", "name": "Checks"},
                    "reviewRating": rating,
                    "itemReviewed": {"@type": "Claim",
                        "author": {"@type": if person { "Person" } else { "Organization" }, "name": author}}
                })
            })
    }

    fn essentials(doc: &str) -> Vec<(Vec<String>, String, String)> {
        let r = read(doc, &ReadOptions::default()).unwrap();
        assert!(r.problems.is_empty(), "{:?}", r.problems);
        let mut out: Vec<_> = r
            .reviews
            .iter()
            .map(|r| {
                (
                    r.claims.clone(),
                    r.rating.rating.as_str().to_owned(),
                    r.originator.name.clone(),
                )
            })
            .collect();
        out.sort();
        out.dedup();
        out
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 24, failure_persistence: None, ..ProptestConfig::default() })]

        #[test]
        fn import_is_idempotent_and_round_trips(reviews in proptest::collection::vec(review(), 1..6)) {
            let t = Timestamp::parse("2025-03-01T00:00:00Z").unwrap();
            let dir = tempfile::tempdir().unwrap();
            let admin = KeyPair::from_seed("admin", &[1; 32]).unwrap();
            let checker = KeyPair::from_seed("checker", &[2; 32]).unwrap();
            let ledger = isnad_core::init(&dir.path().join("a"), &admin, t).unwrap();
            ledger.append(&admin, Record::Key(KeyBody {
                key: checker.verifier().to_string(), roles: vec![Role::FactChecker],
                holder: Some("Checks".into()), replaces: None,
                org: None,
            }), t).unwrap();
            let doc = Value::Array(reviews).to_string();
            let reading = read(&doc, &ReadOptions::default()).unwrap();
            prop_assert!(reading.problems.is_empty(), "{:?}", reading.problems);
            let (prepared, unfit) = prepare(&reading.reviews, &ImportOptions::default());
            prop_assert!(unfit.is_empty(), "{:?}", unfit);
            let first = apply(&ledger, &checker, &prepared, t).unwrap();
            prop_assert!(first.added() > 0);
            let len = ledger.len().unwrap();
            let again = apply(&ledger, &checker, &prepared, t).unwrap();
            prop_assert_eq!(again.added(), 0);
            prop_assert_eq!(ledger.len().unwrap(), len);
            ledger.verify(&mut |_| {}).unwrap();

            let exported = export(&ledger, &ExportOptions::default()).unwrap();
            let text = serde_json::to_string(&exported).unwrap();
            let back = essentials(&text);
            let want = essentials(&doc);
            // Every claim comes back, and every review exported is one of
            // the input's (text, rating, originator).
            let claims = |v: &[(Vec<String>, String, String)]| {
                v.iter().map(|e| e.0.clone()).collect::<std::collections::BTreeSet<_>>()
            };
            prop_assert_eq!(claims(&back), claims(&want));
            for b in &back {
                prop_assert!(want.contains(b), "{:?} not in {:?}", b, want);
            }
        }
    }
}

/// An imported review stays the publisher's: export names its organisation,
/// page and date, never the importing desk; a second ledger importing that
/// export keeps the same reviewer; and scoring counts the publisher as the
/// checker.
#[test]
fn imported_reviews_keep_their_reviewer_through_a_round_trip() {
    let first = Desk::new();
    first.ok(&[
        "--key",
        s(&first.checker),
        "import",
        "claimreview",
        s(&fixture("factcheck-tools.json")),
    ]);
    let reviewer_of = |reviews: &[Value], url: &str| -> (String, String, String) {
        let r = reviews
            .iter()
            .find(|r| r["url"] == url)
            .unwrap_or_else(|| panic!("no review at {url}"));
        (
            r["author"]["name"].as_str().unwrap().to_owned(),
            r["author"]["url"].as_str().unwrap_or_default().to_owned(),
            r["datePublished"].as_str().unwrap().to_owned(),
        )
    };
    let want = (
        "Example Arabic Checker".to_owned(),
        "https://ar-checker.example/".to_owned(),
        "2025-02-12".to_owned(),
    );
    // Even with --org naming the desk, the imported review is the
    // publisher's.
    let out = export(&first, &["--org", "Import desk"]);
    assert_eq!(reviewer_of(&out, "https://ar-checker.example/jufra"), want);
    let file = first.file("out.json", serde_json::to_string(&out).unwrap().as_bytes());

    let second = Desk::new();
    second.ok(&[
        "--key",
        s(&second.checker),
        "import",
        "claimreview",
        s(&file),
    ]);
    let again = export(&second, &[]);
    assert_eq!(
        reviewer_of(&again, "https://ar-checker.example/jufra"),
        want
    );
    // Scoring: the publisher is the checker, not the importing key.
    let checkers = second.json(&["checkers"]);
    let ids: Vec<&str> = checkers["checkers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["id"].as_str().unwrap())
        .collect();
    assert!(ids.contains(&"review:Example Arabic Checker"), "{ids:?}");
    second.ok(&["verify"]);
}

/// `--skip-invalid` exits 0 when it imported something and lists the rest;
/// a file over `--max-bytes` is refused before it is read, with one line,
/// exit 2 and the ledger as it was.
#[test]
fn skip_invalid_exits_zero_and_the_size_cap_refuses_early() {
    let d = Desk::new();
    let good = json!({"@type": "ClaimReview", "url": "https://c.example/1",
        "claimReviewed": "A claim", "datePublished": "2025-01-02",
        "reviewRating": {"alternateName": "False"}});
    let bad = json!({"@type": "ClaimReview", "url": "https://c.example/2",
        "claimReviewed": "B claim", "reviewRating": {"alternateName": "False"}});
    let file = d.file("mixed.json", json!([good, bad]).to_string().as_bytes());
    let before = d.state();
    let out = d.out(&import_args(&d, &file, &[]));
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("$[1]: no date"), "{err}");
    assert!(err.contains("1 of 2 reviews"), "{err}");
    assert_eq!(d.state(), before);
    let out = d.out(&import_args(&d, &file, &["--skip-invalid"]));
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains("imported 1 reviews"));
    assert!(String::from_utf8_lossy(&out.stderr).contains("$[1]"));
    // Over the cap: refused before reading.
    d.refused(
        Some(&d.checker),
        &["import", "claimreview", s(&file), "--max-bytes", "10"],
        &["over the import cap of 10 bytes", "--max-bytes"],
    );
}

/// `--key CHECKER import claimreview FILE EXTRA…`.
fn import_args<'a>(d: &'a Desk, file: &'a Path, extra: &[&'a str]) -> Vec<&'a str> {
    let mut args = vec!["--key", s(&d.checker), "import", "claimreview", s(file)];
    args.extend_from_slice(extra);
    args
}
