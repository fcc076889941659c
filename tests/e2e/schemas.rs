//! The JSON Schemas under `schemas/`.
//!
//! 1. The committed files are exactly what `isnad_core::schema::all()`
//!    generates (`ISNAD_BLESS=1` rewrites them).
//! 2. Every schema is a valid draft 2020-12 schema and compiles.
//! 3. Every line of an export of a ledger holding every record kind
//!    validates against `entry.schema.json`, and its body against the body
//!    schema of its kind; mutated lines are judged by the schema exactly as
//!    the Rust parser judges them (extra or missing fields, nulls, empty
//!    lists, bad patterns), so a schema that accepts too much fails here.
//! 4. Every line of the demo ledger validates.
//! 5. The demo's ClaimReview export validates, and the schema is strict
//!    enough to reject a review missing a field or carrying an extra one.
//! 6. The PROV-JSON export (`isnad export prov`) of the demo ledger and of
//!    the ledger of 3 validates against `prov-export.schema.json`, which
//!    rejects what the export never writes.

// Test helpers panic with a message on purpose; clippy allows that in
// `#[test]` functions only.

use std::path::{Path, PathBuf};

use isnad_core::canon::to_canonical;
use isnad_core::record::{
    AmendmentBody, Appearance, Change, ClaimBody, ClaimRelation, Grade, Hop, HopRelation, KeyBody,
    PriorBody, Rating, RelationBody, RevocationBody, RevocationReason, SourceBody, SourceKind,
    Translation, TrustBody, VerdictBody,
};
use isnad_core::schema;
use isnad_core::{Entry, EntryHash, KeyPair, Kind, Ledger, Record, Role, Timestamp, init};
use jsonschema::Validator;
use serde_json::{Value, json};

const STALE: &str = "schemas/ is stale: run ISNAD_BLESS=1 cargo test -p isnad-cli --test e2e -- schemas::committed, then again without ISNAD_BLESS";

fn schemas_dir() -> PathBuf {
    crate::common::repo().join("schemas")
}

fn schema_named(name: &str) -> Value {
    schema::all()
        .into_iter()
        .find(|(n, _)| *n == name)
        .unwrap_or_else(|| panic!("no schema named {name}"))
        .1
}

fn validator(name: &str) -> Validator {
    jsonschema::draft202012::options()
        .should_validate_formats(true)
        .build(&schema_named(name))
        .unwrap_or_else(|e| panic!("{name} does not compile: {e}"))
}

/// The validation errors, as text (empty when `instance` is valid).
fn errors(v: &Validator, instance: &Value) -> Vec<String> {
    v.iter_errors(instance)
        .map(|e| format!("{e} (at `{}`)", e.instance_path()))
        .collect()
}

fn body_schema_file(kind: &str) -> String {
    format!("{kind}.schema.json")
}

// ---------------------------------------------------------------------------
// 1. The committed files are up to date.

#[test]
fn committed_schemas_match_the_generated_ones() {
    let dir = schemas_dir();
    if crate::common::blessing() {
        schema::write_all(&dir).unwrap();
        crate::common::blessed("schemas/");
    }
    let all = schema::all();
    assert_eq!(all.len(), Kind::ALL.len() + 3);
    let mut problems = Vec::new();
    for (name, s) in &all {
        let want = schema::render(s);
        match std::fs::read_to_string(dir.join(name)) {
            Ok(have) if have == want => {}
            Ok(_) => problems.push(format!("schemas/{name} differs from the generated schema")),
            Err(e) => problems.push(format!("schemas/{name}: {e}")),
        }
    }
    assert!(problems.is_empty(), "{STALE}\n{}", problems.join("\n"));
}

// ---------------------------------------------------------------------------
// 2. The schemas are valid draft 2020-12 and say what they are.

#[test]
fn schemas_are_valid_draft_2020_12() {
    // The meta-schema check is live: it rejects a malformed schema.
    assert!(jsonschema::draft202012::meta::validate(&json!({"type": 5})).is_err());

    let names: Vec<&str> = schema::all().iter().map(|(n, _)| *n).collect();
    let mut want: Vec<String> = Kind::ALL
        .iter()
        .map(|k| body_schema_file(k.as_str()))
        .collect();
    want.push("entry.schema.json".into());
    want.push("claimreview-export.schema.json".into());
    want.push("prov-export.schema.json".into());
    assert_eq!(names, want);

    for (name, s) in schema::all() {
        assert_eq!(
            s["$schema"], "https://json-schema.org/draft/2020-12/schema",
            "{name}"
        );
        assert_eq!(
            s["$id"],
            format!("https://isnad.invalid/schemas/{name}"),
            "{name}"
        );
        for field in ["title", "description"] {
            assert!(
                s[field].as_str().is_some_and(|t| !t.trim().is_empty()),
                "{name}: no {field}"
            );
        }
        if let Err(e) = jsonschema::draft202012::meta::validate(&s) {
            panic!("{name} is not a valid draft 2020-12 schema: {e}");
        }
        let v = validator(name);
        // Not vacuous: an empty object and a non-object are both rejected.
        assert!(!v.is_valid(&json!({})), "{name} accepts {{}}");
        assert!(!v.is_valid(&json!("body")), "{name} accepts a string");
        // Closed objects: the schema's own, or (for an export, which is an
        // array) its items'.
        let closed = if s["type"] == "array" {
            let item = s["items"]["$ref"]
                .as_str()
                .unwrap()
                .rsplit('/')
                .next()
                .unwrap();
            &s["$defs"][item]["additionalProperties"]
        } else {
            &s["additionalProperties"]
        };
        assert_eq!(*closed, json!(false), "{name}");
    }
}

// ---------------------------------------------------------------------------
// 3. Entries of every kind validate; mutations are judged as Rust judges them.

fn key(name: &str, n: u8) -> KeyPair {
    KeyPair::from_seed(name, &[n; 32]).unwrap()
}

fn hop(source: &str, relation: HopRelation) -> Hop {
    Hop {
        source: source.parse().unwrap(),
        relation,
    }
}

/// A ledger with every record kind and every optional field used at least
/// once; returns its export, one line per entry.
fn sample_export(dir: &Path) -> Vec<String> {
    let t0 = Timestamp::parse("2025-02-18T09:00:00Z").unwrap();
    let mut step = 0;
    let mut now = || {
        step += 1;
        Timestamp::from_unix(t0.unix() + step * 60)
    };
    let admin = key("desk-admin", 1);
    let editor = key("desk-editor", 2);
    let checker = key("desk-checker", 3);
    let ledger: Ledger = init(dir, &admin, t0).unwrap();
    let append = |k: &KeyPair, r: Record, t: Timestamp| -> EntryHash {
        let kind = r.kind();
        ledger
            .append(k, r, t)
            .unwrap_or_else(|e| panic!("append {kind}: {e}"))
            .entry()
            .hash()
    };

    append(
        &admin,
        Record::Key(KeyBody {
            key: editor.verifier().to_string(),
            roles: vec![Role::Editor],
            holder: Some("The editing desk".into()),
            replaces: None,
            org: None,
        }),
        now(),
    );
    append(
        &admin,
        Record::Key(KeyBody {
            key: checker.verifier().to_string(),
            roles: vec![Role::FactChecker, Role::Auditor],
            holder: None,
            replaces: None,
            org: Some("verifica-desk".parse().unwrap()),
        }),
        now(),
    );
    append(
        &admin,
        Record::Trust(TrustBody {
            checker: "verifica-desk".parse().unwrap(),
            grade: Grade::B,
            reason: "Signatory of a fact-checkers' code of principles.".into(),
        }),
        now(),
    );
    let source = |id: &str, name: &str, kind, affiliations: &[&str]| SourceBody {
        id: id.parse().unwrap(),
        name: name.into(),
        kind,
        url: None,
        language: None,
        affiliations: affiliations.iter().map(|a| a.parse().unwrap()).collect(),
        description: None,
    };
    append(
        &editor,
        Record::Source(SourceBody {
            url: Some("https://www.rusi.org/".into()),
            language: Some("en-GB".into()),
            description: Some("A defence and security think tank in London.".into()),
            ..source("rusi", "RUSI", SourceKind::Organization, &[])
        }),
        now(),
    );
    let harchaoui = source(
        "harchaoui",
        "Jalel Harchaoui",
        SourceKind::Person,
        &["rusi"],
    );
    let harchaoui_entry = append(&editor, Record::Source(harchaoui.clone()), now());
    append(
        &editor,
        Record::Source(SourceBody {
            language: Some("ar".into()),
            ..source("agenzia-nova", "Agenzia Nova", SourceKind::Outlet, &[])
        }),
        now(),
    );
    append(
        &editor,
        Record::Source(source(
            "several-sources",
            "Several sources",
            SourceKind::Anonymous,
            &[],
        )),
        now(),
    );
    let claim1 = ClaimBody {
        text: "Haftar's officers are training in Russia.".into(),
        lang: "en".into(),
        quote: Some("training in Russia".into()),
        translations: vec![Translation {
            lang: "ar".into(),
            text: "ضباط حفتر يتدربون في روسيا".into(),
        }],
        chain: vec![
            hop("agenzia-nova", HopRelation::Reported),
            hop("harchaoui", HopRelation::Quoted),
        ],
        appeared: Appearance {
            date: "2025-02-18".into(),
            url: Some("https://www.agenzianova.com/a/1".into()),
            venue: Some("Agenzia Nova (Arabic service)".into()),
        },
    };
    let c1 = append(&editor, Record::Claim(claim1.clone()), now());
    let c2 = append(
        &checker,
        Record::Claim(ClaimBody {
            text: "Belarus is involved in the training.".into(),
            lang: "en".into(),
            quote: None,
            translations: vec![],
            chain: vec![
                hop("agenzia-nova", HopRelation::Reported),
                hop("several-sources", HopRelation::Anonymous),
            ],
            appeared: Appearance {
                date: "2025-02-18T10:30:00Z".into(),
                url: None,
                venue: None,
            },
        }),
        now(),
    );
    let v1 = append(
        &checker,
        Record::Verdict(VerdictBody {
            claim: c1,
            rating: Rating::Mixed,
            confidence: 0,
            rationale: "First look.".into(),
            evidence: vec![],
            supersedes: None,
            review: None,
        }),
        now(),
    );
    append(
        &checker,
        Record::Verdict(VerdictBody {
            claim: c1,
            rating: Rating::MostlyTrue,
            confidence: 100,
            rationale: "Confirmed by two independent reports.".into(),
            evidence: vec![
                "https://example.org/report-1".into(),
                "Interview, 20 February 2025".into(),
            ],
            supersedes: Some(v1),
            review: None,
        }),
        now(),
    );
    let rel = append(
        &editor,
        Record::Relation(RelationBody {
            from: c2,
            relation: ClaimRelation::DerivedFrom,
            to: c1,
            note: Some("One story, one origin.".into()),
        }),
        now(),
    );
    append(
        &editor,
        Record::Amendment(AmendmentBody {
            target: harchaoui_entry,
            change: Change::CorrectSource {
                source: SourceBody {
                    description: Some("Associate fellow.".into()),
                    ..harchaoui
                },
            },
            reason: "Add his position.".into(),
        }),
        now(),
    );
    append(
        &editor,
        Record::Amendment(AmendmentBody {
            target: c1,
            change: Change::CorrectClaim {
                claim: ClaimBody {
                    text: "Haftar's officers are training in Russia on MiG-29s.".into(),
                    ..claim1
                },
            },
            reason: "The article names the aircraft.".into(),
        }),
        now(),
    );
    append(
        &editor,
        Record::Amendment(AmendmentBody {
            target: c2,
            change: Change::Reattribute {
                chain: vec![hop("agenzia-nova", HopRelation::Reported)],
            },
            reason: "Nova's own analysis.".into(),
        }),
        now(),
    );
    append(
        &editor,
        Record::Amendment(AmendmentBody {
            target: rel,
            change: Change::Retract,
            reason: "Linked in error.".into(),
        }),
        now(),
    );
    append(
        &editor,
        Record::Prior(PriorBody {
            source: "agenzia-nova".parse().unwrap(),
            grade: Grade::B,
            reason: "Usually reliable wire service.".into(),
        }),
        now(),
    );
    append(
        &editor,
        Record::Prior(PriorBody {
            source: "several-sources".parse().unwrap(),
            grade: Grade::F,
            reason: "Unnamed.".into(),
        }),
        now(),
    );
    // The checker hands over to a new key, which the admin then revokes.
    let checker2 = key("desk-checker-2", 4);
    append(
        &checker,
        Record::Key(KeyBody {
            key: checker2.verifier().to_string(),
            roles: vec![Role::FactChecker],
            holder: Some("Verification desk".into()),
            replaces: Some(checker.verifier().to_string()),
            org: None,
        }),
        now(),
    );
    let when = now();
    append(
        &admin,
        Record::Revocation(RevocationBody {
            key: checker2.verifier().to_string(),
            reason: RevocationReason::Compromised,
            since: Some(t0.to_string()),
        }),
        when,
    );
    export(&ledger)
}

fn export(ledger: &Ledger) -> Vec<String> {
    let mut out = Vec::new();
    let n = ledger.export_jsonl(&mut out).unwrap();
    let text = String::from_utf8(out).unwrap();
    let lines: Vec<String> = text.lines().map(str::to_owned).collect();
    assert_eq!(lines.len() as u64, n);
    lines
}

/// Validates every line against the entry schema and its body against its
/// kind's schema; returns the kinds seen.
fn check_lines(lines: &[String]) -> Vec<String> {
    let entry = validator("entry.schema.json");
    let bodies: Vec<(String, Validator)> = Kind::ALL
        .iter()
        .map(|k| {
            (
                k.as_str().to_owned(),
                validator(&body_schema_file(k.as_str())),
            )
        })
        .collect();
    let mut kinds = Vec::new();
    for (i, line) in lines.iter().enumerate() {
        let v: Value = serde_json::from_str(line).unwrap();
        let errs = errors(&entry, &v);
        assert!(
            errs.is_empty(),
            "line {i} fails entry.schema.json: {errs:?}\n{line}"
        );
        let kind = v["kind"].as_str().unwrap().to_owned();
        let (_, body) = bodies.iter().find(|(k, _)| *k == kind).unwrap();
        let errs = errors(body, &v["body"]);
        assert!(
            errs.is_empty(),
            "line {i}: body fails {kind}.schema.json: {errs:?}\n{line}"
        );
        if !kinds.contains(&kind) {
            kinds.push(kind);
        }
    }
    kinds.sort();
    kinds
}

fn all_kinds() -> Vec<String> {
    let mut k: Vec<String> = Kind::ALL.iter().map(|k| k.as_str().to_owned()).collect();
    k.sort();
    k
}

#[test]
fn exported_entries_validate() {
    let dir = tempfile::tempdir().unwrap();
    let lines = sample_export(dir.path());
    assert_eq!(lines.len(), 21);
    assert_eq!(check_lines(&lines), all_kinds());
}

/// Whether the Rust parser accepts `v` as an entry: canonical bytes, then
/// [`Entry::parse`] (form and content, not signatures or references).
fn rust_accepts(v: &Value) -> bool {
    to_canonical(v).is_ok_and(|bytes| Entry::parse(&bytes).is_ok())
}

/// A body-field value to try wherever a body has that field; every one of
/// them is rejected by the Rust checks.
fn bad_values() -> Vec<(&'static str, Value)> {
    vec![
        ("confidence", json!(101)),
        ("confidence", json!(-1)),
        ("confidence", json!(50.5)),
        ("confidence", json!("50")),
        ("lang", json!("e")),
        ("lang", json!("en_GB")),
        // A primary subtag of 15 letters (BCP 47 allows at most 8):
        // "english-language" was here, and is a well-formed tag.
        ("language", json!("englishlanguage")),
        ("url", json!("ftp://example.org/")),
        ("url", json!("https://example.org/a b")),
        ("date", json!("18 February 2025")),
        ("date", json!("2025-02-18T10:30:00+01:00")),
        ("key", json!("desk-editor")),
        ("roles", json!([])),
        ("roles", json!(["editor", "editor"])),
        ("roles", json!(["publisher"])),
        ("text", json!("")),
        ("name", json!("")),
        ("holder", json!("")),
        ("rationale", json!("")),
        ("reason", json!("")),
        ("evidence", json!([""])),
        ("evidence", json!([7])),
        ("chain", json!([])),
        ("chain", json!("agenzia-nova")),
        ("id", json!("Agenzia Nova")),
        ("source", json!("-nova")),
        ("grade", json!("G")),
        ("rating", json!("maybe")),
        ("kind", json!("newspaper")),
        ("claim", json!("abc")),
        // Upper-case hex ("00…00" upper-cased, here before, is itself).
        ("target", json!("AB".repeat(32))),
        ("change", json!({"type": "retract", "chain": []})),
        ("change", json!({"type": "delete"})),
        ("affiliations", json!(["rusi", "rusi"])),
        ("org", json!("Verifica Desk")),
        ("org", json!("")),
        ("checker", json!("-desk")),
    ]
}

/// A changed entry, what changed, and whether it is invalid: `false` where
/// it may be valid or not (dropping a body field the kind may go without).
struct Mutation {
    label: String,
    entry: Value,
    invalid: bool,
}

/// Mutations of a whole entry line.
fn mutations(line: &Value) -> Vec<Mutation> {
    let mut out = Vec::new();
    let obj = line.as_object().unwrap();
    let mut with = |label: String, invalid: bool, f: &dyn Fn(&mut Value)| {
        let mut entry = line.clone();
        f(&mut entry);
        out.push(Mutation {
            label,
            entry,
            invalid,
        });
    };
    with("extra top-level field".into(), true, &|v| {
        v["extra"] = json!(1);
    });
    for field in obj.keys() {
        let f = field.clone();
        with(format!("no `{field}`"), true, &move |v| {
            v.as_object_mut().unwrap().remove(&f);
        });
    }
    // Each entry has one version: the other one, or one that does not
    // exist, is refused.
    with("the other version".into(), true, &|v| {
        v["v"] = json!(3 - v["v"].as_u64().unwrap());
    });
    with("v = 3".into(), true, &|v| v["v"] = json!(3));
    with("v = 0".into(), true, &|v| v["v"] = json!(0));
    with("seq = -1".into(), true, &|v| v["seq"] = json!(-1));
    with("seq as a string".into(), true, &|v| v["seq"] = json!("3"));
    with("prev too short".into(), true, &|v| v["prev"] = json!("00"));
    with("time with an offset".into(), true, &|v| {
        v["time"] = json!("2025-02-18T09:00:00+00:00");
    });
    with("time with fractions".into(), true, &|v| {
        v["time"] = json!("2025-02-18T09:00:00.5Z");
    });
    with("signer without a key".into(), true, &|v| {
        v["signer"] = json!("desk-editor+01020304");
    });
    with("sig unpadded".into(), true, &|v| {
        let s = v["sig"].as_str().unwrap().trim_end_matches('=').to_owned();
        v["sig"] = json!(s);
    });
    with("sig too short".into(), true, &|v| v["sig"] = json!("AAAA"));
    with("body is null".into(), true, &|v| v["body"] = Value::Null);
    with("unknown kind".into(), true, &|v| v["kind"] = json!("note"));
    for k in Kind::ALL {
        if obj["kind"] != k.as_str() {
            with(format!("kind `{k}` with this body"), true, &|v| {
                v["kind"] = json!(k.as_str());
            });
        }
    }
    with("extra body field".into(), true, &|v| {
        v["body"]["extra"] = json!(1)
    });
    for field in obj["body"].as_object().unwrap().keys() {
        let f = field.clone();
        with(format!("no body `{field}`"), false, &move |v| {
            v["body"].as_object_mut().unwrap().remove(&f);
        });
        with(format!("body `{field}` null"), false, &|v| {
            v["body"][field.as_str()] = Value::Null;
        });
        if obj["body"][field.as_str()].is_array() {
            with(format!("body `{field}` empty"), false, &|v| {
                v["body"][field.as_str()] = json!([]);
            });
        }
    }
    for (field, bad) in bad_values() {
        if obj["body"].get(field).is_some() {
            with(format!("body `{field}` = {bad}"), true, &|v| {
                v["body"][field] = bad.clone();
            });
        }
    }
    out
}

#[test]
fn schemas_judge_mutated_entries_as_the_parser_does() {
    let dir = tempfile::tempdir().unwrap();
    let lines = sample_export(dir.path());
    let entry = validator("entry.schema.json");
    let (mut accepted, mut rejected, mut invalid) = (0, 0, 0);
    let mut disagreements = Vec::new();
    let mut let_through = Vec::new();
    for (i, line) in lines.iter().enumerate() {
        let original: Value = serde_json::from_str(line).unwrap();
        assert!(rust_accepts(&original), "line {i}");
        assert!(errors(&entry, &original).is_empty(), "line {i}");
        for Mutation {
            label,
            entry: m,
            invalid: must_fail,
        } in mutations(&original)
        {
            let rust = rust_accepts(&m);
            let errs = errors(&entry, &m);
            // An invalid entry is refused by each of them, not merely by
            // both alike.
            if must_fail {
                invalid += 1;
                if rust {
                    let_through.push(format!("line {i}, {label}: the parser accepts it"));
                }
                if errs.is_empty() {
                    let_through.push(format!("line {i}, {label}: the schema accepts it"));
                }
            }
            if rust != errs.is_empty() {
                disagreements.push(format!(
                    "line {i} ({}), {label}: parser {}, schema {} {errs:?}",
                    original["kind"],
                    if rust { "accepts" } else { "rejects" },
                    if errs.is_empty() {
                        "accepts"
                    } else {
                        "rejects"
                    },
                ));
            }
            if rust {
                accepted += 1;
            } else {
                rejected += 1;
            }
        }
    }
    assert!(
        disagreements.is_empty(),
        "{} disagreements:\n{}",
        disagreements.len(),
        disagreements.join("\n")
    );
    assert!(
        let_through.is_empty(),
        "{} invalid entries accepted:\n{}",
        let_through.len(),
        let_through.join("\n")
    );
    eprintln!(
        "{accepted} mutations accepted, {rejected} rejected, by both; \
         {invalid} of them invalid and rejected by each"
    );
    // Both outcomes were exercised: dropping optional fields stays valid.
    assert!(accepted > 10 && rejected > 300, "{accepted} / {rejected}");
    assert!(invalid > 300, "{invalid} invalid mutations");
}

#[test]
fn an_extra_or_missing_field_fails() {
    let dir = tempfile::tempdir().unwrap();
    let lines = sample_export(dir.path());
    let entry = validator("entry.schema.json");
    let claim_schema = validator("claim.schema.json");
    let line: Value = lines
        .iter()
        .map(|l| serde_json::from_str::<Value>(l).unwrap())
        .find(|v| v["kind"] == "claim")
        .unwrap();
    assert!(entry.is_valid(&line));
    assert!(claim_schema.is_valid(&line["body"]));

    let mut extra = line.clone();
    extra["note"] = json!("hello");
    assert!(!entry.is_valid(&extra), "extra top-level field accepted");

    let mut missing = line.clone();
    missing.as_object_mut().unwrap().remove("sig");
    assert!(!entry.is_valid(&missing), "entry without sig accepted");

    let mut extra_body = line.clone();
    extra_body["body"]["speaker"] = json!("someone");
    assert!(!entry.is_valid(&extra_body), "extra body field accepted");
    assert!(!claim_schema.is_valid(&extra_body["body"]));

    let mut missing_body = line.clone();
    missing_body["body"]
        .as_object_mut()
        .unwrap()
        .remove("chain");
    assert!(
        !entry.is_valid(&missing_body),
        "claim without chain accepted"
    );
    assert!(!claim_schema.is_valid(&missing_body["body"]));

    let mut nested = line.clone();
    nested["body"]["chain"][0]["via"] = json!("x");
    assert!(!entry.is_valid(&nested), "extra field in a hop accepted");
}

#[test]
fn genesis_rule() {
    let dir = tempfile::tempdir().unwrap();
    let lines = sample_export(dir.path());
    let entry = validator("entry.schema.json");
    let genesis: Value = serde_json::from_str(&lines[0]).unwrap();
    assert_eq!(genesis["seq"], 0);
    assert!(entry.is_valid(&genesis));
    // seq 0 must follow 64 zeros and be a key entry.
    let mut second: Value = serde_json::from_str(&lines[1]).unwrap();
    assert!(entry.is_valid(&second));
    second["seq"] = json!(0);
    assert!(
        !entry.is_valid(&second),
        "seq 0 with a non-zero prev accepted"
    );
    let mut prior: Value = serde_json::from_str(&lines[lines.len() - 3]).unwrap();
    assert_eq!(prior["kind"], "prior");
    prior["seq"] = json!(0);
    prior["prev"] = genesis["prev"].clone();
    assert!(!entry.is_valid(&prior), "a prior as genesis accepted");
}

// ---------------------------------------------------------------------------
// 4. The demo ledger validates.

#[test]
fn demo_entries_validate() {
    let dir = tempfile::tempdir().unwrap();
    let demo = isnad_core::demo::build(&dir.path().join("demo"))
        .unwrap_or_else(|e| panic!("isnad_core::demo::build failed: {e}"));
    let lines = export(&demo.ledger);
    assert!(lines.len() > 30, "{} lines", lines.len());
    let kinds = check_lines(&lines);
    // The demo revokes no key and, written with version 1 only, sets no
    // trust.
    let mut want = all_kinds();
    want.retain(|k| k != "revocation" && k != "trust");
    assert!(lines.iter().all(|l| l.ends_with(",\"v\":1}")));
    assert_eq!(kinds, want);
}

// ---------------------------------------------------------------------------
// 5. The ClaimReview export validates.

#[test]
fn claimreview_export_validates() {
    use isnad_core::interop::claimreview::{ExportOptions, export};
    let dir = tempfile::tempdir().unwrap();
    let demo = isnad_core::demo::build(&dir.path().join("demo")).unwrap();
    let options = ExportOptions {
        base_url: Some("https://desk.example/isnad".into()),
        organization: None,
    };
    let reviews = serde_json::to_value(export(&demo.ledger, &options).unwrap()).unwrap();
    assert_eq!(reviews.as_array().map(Vec::len), Some(3));
    let v = validator(schema::CLAIMREVIEW_EXPORT_FILE);
    assert_eq!(errors(&v, &reviews), Vec::<String>::new());
    // Without a base URL reviews have no url, and still validate.
    let bare =
        serde_json::to_value(export(&demo.ledger, &ExportOptions::default()).unwrap()).unwrap();
    assert_eq!(errors(&v, &bare), Vec::<String>::new());

    let mut missing = reviews.clone();
    missing[0]["itemReviewed"]
        .as_object_mut()
        .unwrap()
        .remove("author");
    assert!(!errors(&v, &missing).is_empty());
    let mut extra = reviews.clone();
    extra[1]["reviewRating"]["ratingValu"] = json!(3);
    assert!(!errors(&v, &extra).is_empty());
    let mut out_of_scale = reviews;
    out_of_scale[1]["reviewRating"]["ratingValue"] = json!(6);
    assert!(!errors(&v, &out_of_scale).is_empty());
}

// ---------------------------------------------------------------------------
// 6. The PROV export validates.

fn prov_export(ledger: &Ledger) -> Value {
    let doc = isnad_core::interop::prov::export(ledger)
        .unwrap_or_else(|e| panic!("interop::prov::export failed: {e}"));
    serde_json::to_value(doc).unwrap()
}

fn assert_valid_prov(v: &Validator, doc: &Value, what: &str) {
    let errs = errors(v, doc);
    assert!(
        errs.is_empty(),
        "{what}: the PROV export fails prov-export.schema.json: {errs:?}"
    );
}

#[test]
fn prov_exports_validate() {
    let v = validator("prov-export.schema.json");

    let dir = tempfile::tempdir().unwrap();
    let demo = isnad_core::demo::build(&dir.path().join("demo"))
        .unwrap_or_else(|e| panic!("isnad_core::demo::build failed: {e}"));
    let doc = prov_export(&demo.ledger);
    assert_valid_prov(&v, &doc, "demo");
    // 13 sources; 12 claims with their appearances and one middle hop.
    assert_eq!(doc["agent"].as_object().unwrap().len(), 13);
    assert_eq!(doc["entity"].as_object().unwrap().len(), 12 * 2 + 1);

    // Every optional field: URLs, a translation, a quote, a time, amended
    // claims and sources.
    let sample = tempfile::tempdir().unwrap();
    sample_export(sample.path());
    let ledger = Ledger::open(sample.path()).unwrap();
    let doc = prov_export(&ledger);
    assert_valid_prov(&v, &doc, "sample ledger");
    let claims: Vec<&Value> = doc["entity"]
        .as_object()
        .unwrap()
        .values()
        .filter(|e| e["prov:type"]["$"] == "isnad:Claim")
        .collect();
    assert!(claims.iter().any(|c| c.get("isnad:translation").is_some()));
    assert!(claims.iter().any(|c| c.get("isnad:amendedBy").is_some()));

    // Not vacuous: what the export never writes is rejected.
    let some_key = |m: &str| doc[m].as_object().unwrap().keys().next().unwrap().clone();
    let (agent, entity, derivation) = (
        some_key("agent"),
        some_key("entity"),
        some_key("wasDerivedFrom"),
    );
    let rejects = |label: &str, mutate: &dyn Fn(&mut Value)| {
        let mut m = doc.clone();
        mutate(&mut m);
        assert!(!v.is_valid(&m), "prov-export.schema.json accepts {label}");
    };
    rejects("an unknown member", &|d| d["bundle"] = json!({}));
    rejects("another namespace", &|d| {
        d["prefix"]["src"] = json!("https://example.org/");
    });
    rejects("an agent without isnad:entry", &|d| {
        d["agent"][agent.as_str()]
            .as_object_mut()
            .unwrap()
            .remove("isnad:entry");
    });
    rejects("an agent with an extra attribute", &|d| {
        d["agent"][agent.as_str()]["isnad:grade"] = json!("B");
    });
    rejects("an agent named outside src:", &|d| {
        d["agent"]["ex:nova"] = d["agent"][agent.as_str()].clone();
    });
    rejects("an entity with a short entry id", &|d| {
        d["entity"][entity.as_str()]["isnad:entry"] = json!("ad8f");
    });
    rejects("an unknown derivation type", &|d| {
        d["wasDerivedFrom"][derivation.as_str()]["prov:type"] =
            json!({"$": "prov:Revision", "type": "xsd:QName"});
    });
    rejects("an unknown hop relation", &|d| {
        d["wasDerivedFrom"][derivation.as_str()]["isnad:relation"] = json!("heard");
    });
}
