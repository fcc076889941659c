//! `isnad export prov` read by the W3C PROV library for Python
//! (`tests/interop/prov_check.py`): the demo ledger's export loads without
//! a warning, its PROV-N rendering names every source and every claim, each
//! chain's attributions and derivations (with their `prov:Quotation` and
//! `prov:PrimarySource` types) are what the ledger's chains say, and the
//! document survives the library's PROV-JSON and PROV-N round trips. The
//! check is seen to fail when a name is missing or a type is dropped.
//!
//! Python 3 must be on PATH as `python3`, with the packages in
//! `tests/interop/requirements.txt`. Without them these tests fail rather
//! than skip, so that a machine without them cannot pass them silently.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use crate::common::*;
use serde_json::{Value, json};
use tempfile::TempDir;

const REQUIREMENTS: &str = "pip install -r tests/interop/requirements.txt";

/// Runs the PROV check on `export` with the expectations in `expected`.
fn prov_check(export: &Path, expected: &Path) -> Output {
    let script = repo().join("tests/interop").join("prov_check.py");
    let out = Command::new("python3")
        .arg(script)
        .arg(export)
        .arg(expected)
        .output()
        .unwrap_or_else(|e| {
            panic!("cannot run `python3` ({e}): the PROV interop tests need Python 3 on PATH")
        });
    // Exit 3: the script could not import `prov`.
    assert_ne!(
        out.status.code(),
        Some(3),
        "the PROV interop tests need the Python package `prov`: {REQUIREMENTS}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

/// What a process printed, for assertion messages.
fn printed(out: &Output) -> String {
    format!(
        "exit {:?}; stdout: {:?}; stderr: {:?}",
        out.status.code(),
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

/// The demo ledger, its PROV export, and what the export must say.
struct Demo {
    tmp: TempDir,
    export: PathBuf,
    /// `{"sources": [slug…], "claims": {id: chain}}`, from `isnad --json log`.
    expected: Value,
}

impl Demo {
    fn new() -> Demo {
        let tmp = tempfile::tempdir().unwrap();
        let ledger = tmp.path().join("demo");
        let out = isnad_in(tmp.path())
            .arg("demo")
            .arg(&ledger)
            .output()
            .unwrap();
        assert_success(&out, &["demo"]);

        let export = tmp.path().join("demo.prov.json");
        let args = ["export", "prov", "--out", s(&export)];
        let out = isnad_in(tmp.path())
            .arg("--ledger")
            .arg(&ledger)
            .args(args)
            .output()
            .unwrap();
        assert_success(&out, &args);
        assert_eq!(
            String::from_utf8_lossy(&out.stderr).trim(),
            "exported 13 agents, 25 entities"
        );

        // The demo retracts nothing and amends no claim, so every source
        // and claim entry stands, each claim with the chain it was
        // recorded with.
        let out = isnad_in(tmp.path())
            .arg("--ledger")
            .arg(&ledger)
            .args(["--json", "log"])
            .output()
            .unwrap();
        assert_success(&out, &["--json", "log"]);
        let log: Value = serde_json::from_slice(&out.stdout).unwrap();
        let mut sources = Vec::new();
        let mut claims = serde_json::Map::new();
        for e in log.as_array().unwrap() {
            let body = &e["entry"]["body"];
            match e["entry"]["kind"].as_str().unwrap() {
                "source" => sources.push(body["id"].clone()),
                "claim" => {
                    claims.insert(e["id"].as_str().unwrap().to_owned(), body["chain"].clone());
                }
                "amendment" => assert!(
                    body["change"]["type"] == "correct-source",
                    "the demo gained an amendment this test does not expect: {body}"
                ),
                _ => {}
            }
        }
        assert_eq!((sources.len(), claims.len()), (13, 12));
        Demo {
            tmp,
            export,
            expected: json!({ "sources": sources, "claims": claims }),
        }
    }

    /// Writes `v` as JSON to `name` in the temp directory.
    fn file(&self, name: &str, v: &Value) -> PathBuf {
        let p = self.tmp.path().join(name);
        std::fs::write(&p, serde_json::to_vec(v).unwrap()).unwrap();
        p
    }

    fn export_json(&self) -> Value {
        serde_json::from_slice(&std::fs::read(&self.export).unwrap()).unwrap()
    }

    /// Runs the check on `export`; asserts it fails (exit 1) saying `why`.
    fn refused(&self, export: &Path, expected: &Path, why: &str) {
        let out = prov_check(export, expected);
        assert_eq!(out.status.code(), Some(1), "{}", printed(&out));
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(
            stderr.starts_with("prov_check: check failed: ") && stderr.contains(why),
            "expected a failure naming {why:?}; {}",
            printed(&out)
        );
    }
}

#[test]
fn prov_library_reads_the_demo_export() {
    let d = Demo::new();
    let expected = d.file("expected.json", &d.expected);
    let out = prov_check(&d.export, &expected);
    assert!(out.status.success(), "{}", printed(&out));
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        stdout.contains("13 agents, 25 entities") && stdout.contains("13 sources and 12 claims"),
        "{}",
        printed(&out)
    );
}

#[test]
fn the_check_fails_when_a_name_is_missing() {
    let d = Demo::new();

    // A source the export does not have.
    let mut more = d.expected.clone();
    more["sources"]
        .as_array_mut()
        .unwrap()
        .push(json!("no-such-source"));
    let expected = d.file("more.json", &more);
    d.refused(&d.export, &expected, "`no-such-source`");

    // The export without one claim's entity.
    let expected = d.file("expected.json", &d.expected);
    let id = d.expected["claims"]
        .as_object()
        .unwrap()
        .keys()
        .next()
        .unwrap()
        .clone();
    let mut doc = d.export_json();
    doc["entity"]
        .as_object_mut()
        .unwrap()
        .remove(&format!("entry:{id}"))
        .unwrap();
    let without = d.file("without-claim.json", &doc);
    d.refused(&without, &expected, &id);

    // The export without one agent.
    let mut doc = d.export_json();
    doc["agent"]
        .as_object_mut()
        .unwrap()
        .remove("src:jalel-harchaoui")
        .unwrap();
    let without = d.file("without-agent.json", &doc);
    d.refused(&without, &expected, "`jalel-harchaoui`");
}

#[test]
fn the_check_fails_when_a_derivation_is_mistyped() {
    let d = Demo::new();
    let expected = d.file("expected.json", &d.expected);

    // Drop `prov:Quotation` from a quotation that is also the primary source.
    let mut doc = d.export_json();
    let both = json!([
        {"$": "prov:Quotation", "type": "xsd:QName"},
        {"$": "prov:PrimarySource", "type": "xsd:QName"},
    ]);
    let derivation = doc["wasDerivedFrom"]
        .as_object_mut()
        .unwrap()
        .values_mut()
        .find(|r| r["prov:type"] == both)
        .expect("the demo quotes an originator");
    derivation["prov:type"] = json!({"$": "prov:PrimarySource", "type": "xsd:QName"});
    let mistyped = d.file("mistyped.json", &doc);
    d.refused(&mistyped, &expected, "prov:Quotation");

    // Attribute a claim to its publisher instead of its originator.
    let mut doc = d.export_json();
    let attribution = doc["wasAttributedTo"]
        .as_object_mut()
        .unwrap()
        .values_mut()
        .find(|r| r["prov:agent"] == "src:jalel-harchaoui")
        .unwrap();
    attribution["prov:agent"] = json!("src:agenzia-nova");
    let misattributed = d.file("misattributed.json", &doc);
    d.refused(&misattributed, &expected, "is attributed to");
}

#[test]
fn stdout_export_is_the_same_document() {
    let d = Demo::new();
    let out = isnad_in(d.tmp.path())
        .arg("--ledger")
        .arg(d.tmp.path().join("demo"))
        .args(["export", "prov"])
        .output()
        .unwrap();
    assert_success(&out, &["export", "prov"]);
    assert_eq!(out.stdout, std::fs::read(&d.export).unwrap());
    assert!(out.stderr.is_empty(), "{}", printed(&out));
}
