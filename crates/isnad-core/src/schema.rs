//! JSON Schemas (draft 2020-12) for the record bodies, for an exported
//! entry and for the PROV-JSON export, generated from the Rust types.
//!
//! The files under `schemas/` in the repository are the output of
//! [`write_all`]; the test `tests/e2e/schemas.rs` fails when they differ
//! from what [`all`] generates (re-bless with
//! `ISNAD_BLESS=1 cargo test -p isnad-cli --test e2e schemas`).
//!
//! # Files and identifiers
//!
//! | file | describes |
//! |------|-----------|
//! | `key.schema.json` … `trust.schema.json` | the `body` of an entry of that `kind` |
//! | `entry.schema.json` | one line of `isnad export jsonl`: the whole entry, its `body` checked against the body schema its `kind` names |
//! | `claimreview-export.schema.json` | the output of `isnad export claimreview` |
//! | `prov-export.schema.json` | the output of `isnad export prov`: the PROV-JSON document of [`crate::interop::prov::export`] |
//!
//! Every schema's `$id` is [`ID_BASE`] followed by its file name, e.g.
//! `https://isnad.invalid/schemas/claim.schema.json`. The `.invalid` top-level
//! domain (RFC 2606) never resolves: the `$id`s name the schemas, they do not
//! locate them. Each schema is self-contained: everything it refers to is in
//! its own `$defs`, so no validator ever needs to fetch anything.
//!
//! # What the schemas say, and what they cannot
//!
//! The schemas describe the canonical wire form, which is stricter than
//! what serde alone would accept:
//!
//! - every object has `additionalProperties: false` (every record type
//!   denies unknown fields);
//! - optional fields are absent, never `null`, and optional lists are absent
//!   rather than empty (`minItems: 1`): the canonical form omits them, and a
//!   line that spells them out is not canonical and is rejected;
//! - times, dates, language tags, URLs, verifier keys, entry ids, source ids
//!   and signatures have patterns; confidence is 0–100.
//!
//! Length limits come from [`crate::limits`], which counts UTF-8 bytes; JSON
//! Schema's `maxLength` counts code points, so the schema's bound is looser
//! than the ledger's (a string of *n* bytes never has more than *n* code
//! points). Some rules are beyond JSON Schema and are checked only by
//! [`crate::record::Record::check`] and [`crate::rules`]: Unicode NFC, sorted
//! lists, the shape of an attribution chain (only the first hop is
//! `reported`), calendar dates (the patterns accept 30 February; an entry's
//! `time` also carries `format: date-time` for validators that assert
//! formats), references to earlier entries, signatures, the hash chain.
//! A line that passes `entry.schema.json` is well-formed, not verified.

use std::fmt::Write as _;
use std::path::Path;

use schemars::JsonSchema;
use schemars::generate::{SchemaGenerator, SchemaSettings};
use serde_json::{Map, Value, json};

use crate::entry::{FORMAT_VERSION, FORMAT_VERSION_2, FORMAT_VERSION_3};
use crate::error::Error;
use crate::ids::EntryHash;
use crate::interop::prov::ProvDocument;
use crate::record::{
    AmendmentBody, ClaimBody, KeyBody, Kind, PriorBody, RelationBody, RevocationBody, SourceBody,
    TrustBody, VerdictBody,
};

/// The meta-schema every schema declares in `$schema`: JSON Schema draft 2020-12.
pub const META_SCHEMA: &str = "https://json-schema.org/draft/2020-12/schema";

/// The prefix of every schema's `$id`; the file name follows it.
pub const ID_BASE: &str = "https://isnad.invalid/schemas/";

/// File name of the exported-entry schema.
pub const ENTRY_SCHEMA_FILE: &str = "entry.schema.json";

/// File name of the schema of the PROV-JSON export.
pub const PROV_SCHEMA_FILE: &str = "prov-export.schema.json";

pub use isnad_format::pattern::{
    DATE_PATTERN, LANG_MAX_LEN, LANG_PATTERN, SIGNATURE_PATTERN, TIME_PATTERN, URL_PATTERN,
    VERIFIER_KEY_PATTERN,
};

/// The settings every schema is generated with: draft 2020-12, definitions
/// under `$defs`, describing what is accepted (the deserialise contract).
fn generator() -> SchemaGenerator {
    SchemaSettings::draft2020_12().into_generator()
}

/// The file name of the body schema for `kind`.
pub fn body_file(kind: Kind) -> &'static str {
    match kind {
        Kind::Key => "key.schema.json",
        Kind::Source => "source.schema.json",
        Kind::Claim => "claim.schema.json",
        Kind::Verdict => "verdict.schema.json",
        Kind::Relation => "relation.schema.json",
        Kind::Amendment => "amendment.schema.json",
        Kind::Prior => "prior.schema.json",
        Kind::Revocation => "revocation.schema.json",
        Kind::Trust => "trust.schema.json",
    }
}

/// Every schema with its file name: the body schema of each record kind, in
/// [`Kind::ALL`] order, then [`ENTRY_SCHEMA_FILE`], then [`PROV_SCHEMA_FILE`].
pub fn all() -> Vec<(&'static str, Value)> {
    let mut out: Vec<(&'static str, Value)> = Kind::ALL
        .into_iter()
        .map(|kind| (body_file(kind), body_schema(kind)))
        .collect();
    out.push((ENTRY_SCHEMA_FILE, entry_schema()));
    out.push((CLAIMREVIEW_EXPORT_FILE, claimreview_export_schema()));
    out.push((PROV_SCHEMA_FILE, prov_schema()));
    out
}

/// The file name of the schema of `isnad export claimreview`'s output.
pub const CLAIMREVIEW_EXPORT_FILE: &str = "claimreview-export.schema.json";

/// The schema of `isnad export claimreview`'s output: a JSON array of
/// schema.org ClaimReview objects in the shape isnad writes them.
pub fn claimreview_export_schema() -> Value {
    let generated = generator()
        .into_root_schema_for::<Vec<crate::interop::claimreview::ClaimReview>>()
        .to_value();
    finish(
        generated,
        CLAIMREVIEW_EXPORT_FILE,
        "isnad ClaimReview export",
        "The output of `isnad export claimreview`: one schema.org ClaimReview (JSON-LD) per \
         verdict that stands, in ledger order. This describes what isnad writes, which is \
         stricter than what ClaimReview allows; `isnad import claimreview` reads far more.",
    )
}

/// The schema of the `body` of an entry of `kind`.
pub fn body_schema(kind: Kind) -> Value {
    fn root<T: JsonSchema>() -> Value {
        generator().into_root_schema_for::<T>().to_value()
    }
    let generated = match kind {
        Kind::Key => root::<KeyBody>(),
        Kind::Source => root::<SourceBody>(),
        Kind::Claim => root::<ClaimBody>(),
        Kind::Verdict => root::<VerdictBody>(),
        Kind::Relation => root::<RelationBody>(),
        Kind::Amendment => root::<AmendmentBody>(),
        Kind::Prior => root::<PriorBody>(),
        Kind::Revocation => root::<RevocationBody>(),
        Kind::Trust => root::<TrustBody>(),
    };
    let doc = generated
        .get("description")
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_owned();
    let version = match kind {
        Kind::Key => format!("{FORMAT_VERSION}, or {FORMAT_VERSION_2} when `org` is present"),
        Kind::Trust => FORMAT_VERSION_2.to_string(),
        Kind::Verdict => {
            format!("{FORMAT_VERSION}, or {FORMAT_VERSION_3} when `review` is present")
        }
        _ => FORMAT_VERSION.to_string(),
    };
    let description = format!(
        "{doc}\n\nThe `body` of an isnad entry whose `kind` is `{kind}` (entry format \
         version {version}), in canonical form: optional fields are absent, never null or \
         empty. See {ENTRY_SCHEMA_FILE} for the whole entry."
    );
    finish(
        generated,
        body_file(kind),
        &format!("isnad {kind} record body"),
        &description,
    )
}

/// The schema of one exported entry (one line of `isnad export jsonl`).
pub fn entry_schema() -> Value {
    let mut g = generator();
    let kind = g.subschema_for::<Kind>().to_value();
    let entry_id = g.subschema_for::<EntryHash>().to_value();
    let bodies: Vec<(Kind, Value)> = Kind::ALL
        .into_iter()
        .map(|k| {
            let r = match k {
                Kind::Key => g.subschema_for::<KeyBody>(),
                Kind::Source => g.subschema_for::<SourceBody>(),
                Kind::Claim => g.subschema_for::<ClaimBody>(),
                Kind::Verdict => g.subschema_for::<VerdictBody>(),
                Kind::Relation => g.subschema_for::<RelationBody>(),
                Kind::Amendment => g.subschema_for::<AmendmentBody>(),
                Kind::Prior => g.subschema_for::<PriorBody>(),
                Kind::Revocation => g.subschema_for::<RevocationBody>(),
                Kind::Trust => g.subschema_for::<TrustBody>(),
            };
            (k, r.to_value())
        })
        .collect();
    let mut defs = g.take_definitions(true);
    defs.insert(
        "Timestamp".into(),
        json!({
            "description": "A UTC time with whole seconds, RFC 3339 `YYYY-MM-DDTHH:MM:SSZ` \
                            (the only accepted form).",
            "type": "string",
            "format": "date-time",
            "pattern": TIME_PATTERN,
        }),
    );
    defs.insert(
        "VerifierKey".into(),
        json!({
            "description": "A C2SP signed-note verifier key string \
                            `name+<8 hex key id>+base64(0x01 ‖ Ed25519 public key)`.",
            "type": "string",
            "pattern": VERIFIER_KEY_PATTERN,
        }),
    );
    defs.insert(
        "Signature".into(),
        json!({
            "description": "An Ed25519 signature (64 bytes) in canonical standard padded \
                            base64.",
            "type": "string",
            "pattern": SIGNATURE_PATTERN,
        }),
    );

    let mut conditions: Vec<Value> = bodies
        .into_iter()
        .map(|(k, body_ref)| {
            json!({
                "if": { "properties": { "kind": { "const": k.as_str() } }, "required": ["kind"] },
                "then": { "properties": { "body": body_ref } },
            })
        })
        .collect();
    let verdict_with_review = json!({
        "properties": {
            "kind": { "const": Kind::Verdict.as_str() },
            "body": { "required": ["review"] },
        },
        "required": ["kind", "body"],
    });
    conditions.push(json!({
        "description": format!(
            "Format version {FORMAT_VERSION_3} is for exactly the entries that use what it \
             added, a `verdict` record with `review`."
        ),
        "if": verdict_with_review.clone(),
        "then": { "properties": { "v": { "const": FORMAT_VERSION_3 } } },
    }));
    conditions.push(json!({
        "description": format!(
            "Format version {FORMAT_VERSION_2} is for exactly the entries that use what it \
             added, a `trust` record or a `key` record with `org`; every other entry is \
             version {FORMAT_VERSION} (or {FORMAT_VERSION_3}, above)."
        ),
        "if": {
            "anyOf": [
                { "properties": { "kind": { "const": Kind::Trust.as_str() } }, "required": ["kind"] },
                {
                    "properties": {
                        "kind": { "const": Kind::Key.as_str() },
                        "body": { "required": ["org"] },
                    },
                    "required": ["kind", "body"],
                },
            ]
        },
        "then": { "properties": { "v": { "const": FORMAT_VERSION_2 } } },
        "else": {
            "if": verdict_with_review,
            "else": { "properties": { "v": { "const": FORMAT_VERSION } } },
        },
    }));
    conditions.push(json!({
        "description": "The genesis entry (seq 0) follows 32 zero bytes and enrols the \
                        founding admin.",
        "if": { "properties": { "seq": { "const": 0 } }, "required": ["seq"] },
        "then": {
            "properties": {
                "prev": { "const": EntryHash::ZERO.to_hex() },
                "kind": { "const": Kind::Key.as_str() },
            }
        },
    }));

    let with_doc = |mut schema: Value, doc: &str| {
        if let Value::Object(m) = &mut schema {
            m.insert("description".into(), doc.into());
        }
        schema
    };
    let generated = json!({
        "type": "object",
        "properties": {
            "v": {
                "description": "The entry format version: 2 for an entry that uses what \
                                version 2 added, 3 for one that uses what version 3 added, 1 \
                                for every other.",
                "enum": [FORMAT_VERSION, FORMAT_VERSION_2, FORMAT_VERSION_3],
            },
            "seq": {
                "description": "The entry's position in the ledger, from 0 (the genesis entry).",
                "type": "integer",
                "minimum": 0,
                "maximum": u64::MAX,
            },
            "prev": with_doc(entry_id, "The leaf hash of the previous entry; 64 zeros for the genesis entry."),
            "time": with_doc(json!({ "$ref": "#/$defs/Timestamp" }), "When the entry was signed."),
            "signer": with_doc(json!({ "$ref": "#/$defs/VerifierKey" }), "Who signed the entry: an enrolled key's verifier key string."),
            "kind": with_doc(kind, "The record kind; it selects the schema of `body`."),
            "body": {
                "description": "The record, whose schema depends on `kind`.",
                "type": "object",
            },
            "sig": with_doc(json!({ "$ref": "#/$defs/Signature" }), "Ed25519 signature over `isnad-entry-v1\\n` followed by the canonical bytes of the entry without `sig`."),
        },
        "required": ["v", "seq", "prev", "time", "signer", "kind", "body", "sig"],
        "additionalProperties": false,
        "allOf": conditions,
        "$defs": defs,
    });
    let description = format!(
        "One line of `isnad export jsonl`: an entry's leaf bytes, the RFC 8785 canonical JSON \
         of the signed entry (format version {FORMAT_VERSION}, or {FORMAT_VERSION_2} for an \
         entry with a `trust` record or a key's `org`, or {FORMAT_VERSION_3} for a verdict \
         with `review`). Exactly these eight fields; `body` \
         must match the body schema its `kind` names (the same schemas as key.schema.json … \
         trust.schema.json, copied into `$defs`). Passing this schema means well-formed, not \
         verified: canonical form, NFC text, signatures, the hash chain and references are \
         checked by `isnad verify`."
    );
    finish(
        generated,
        ENTRY_SCHEMA_FILE,
        "isnad entry (export line)",
        &description,
    )
}

/// The schema of the PROV-JSON document `isnad export prov` writes.
///
/// It describes what the export writes (schemars' serialize contract), which
/// is a small, fixed subset of PROV-JSON: a PROV-JSON reader needs no schema
/// to read it, and a document that passes this one came from the mapping in
/// [`crate::interop::prov`] (or looks exactly like it).
pub fn prov_schema() -> Value {
    let generated = SchemaSettings::draft2020_12()
        .for_serialize()
        .into_generator()
        .into_root_schema_for::<ProvDocument>()
        .to_value();
    let description = "The output of `isnad export prov`: a ledger's attribution graph as a \
         W3C PROV-JSON document. Standing sources are agents `src:<slug>` (affiliations as \
         actedOnBehalfOf); standing claims are entities `entry:<claim id>`, with an appearance \
         `entry:<claim id>/appearance` and one entity `entry:<claim id>/hop/<i>` per middle hop \
         of the chain; wasAttributedTo and wasDerivedFrom follow the chain. `isnad:entry` \
         holds the id (leaf hash) of the signed entry each agent or entity comes from.";
    finish(
        generated,
        PROV_SCHEMA_FILE,
        "isnad PROV-JSON export",
        description,
    )
}

/// Puts `$schema`, `$id`, `title` and `description` first and normalises
/// the generated schema (see [`normalise`]).
fn finish(mut generated: Value, file: &str, title: &str, description: &str) -> Value {
    normalise(&mut generated);
    let mut out = Map::new();
    out.insert("$schema".into(), META_SCHEMA.into());
    out.insert("$id".into(), format!("{ID_BASE}{file}").into());
    out.insert("title".into(), title.into());
    out.insert("description".into(), description.into());
    if let Value::Object(rest) = generated {
        for (k, v) in rest {
            if !matches!(k.as_str(), "$schema" | "$id" | "title" | "description") {
                out.insert(k, v);
            }
        }
    }
    Value::Object(out)
}

/// Removes `null` from every schema: schemars describes `Option<T>` as
/// nullable, but the canonical form leaves absent values out, so a `null`
/// never appears on the wire. Also drops schemars' integer formats
/// (`uint8`, `uint64`, …), which are not JSON Schema formats and which strict
/// validators reject; `minimum` and `maximum` carry the range.
fn normalise(v: &mut Value) {
    match v {
        Value::Object(m) => {
            if m.get("format")
                .and_then(Value::as_str)
                .is_some_and(|f| f.starts_with("int") || f.starts_with("uint"))
            {
                m.remove("format");
            }
            if let Some(Value::Array(types)) = m.get_mut("type") {
                types.retain(|t| t != "null");
                if let [single] = types.as_slice() {
                    let single = single.clone();
                    m.insert("type".into(), single);
                }
            }
            let null = json!({ "type": "null" });
            if let Some(Value::Array(alts)) = m.get_mut("anyOf") {
                alts.retain(|a| *a != null);
                if let [Value::Object(single)] = alts.as_slice() {
                    let single = single.clone();
                    m.remove("anyOf");
                    for (k, s) in single {
                        m.entry(k).or_insert(s);
                    }
                }
            }
            m.values_mut().for_each(normalise);
        }
        Value::Array(a) => a.iter_mut().for_each(normalise),
        _ => {}
    }
}

/// Keywords printed first, in this order, in every schema object; other keys
/// follow in code-point order.
const KEYWORD_ORDER: &[&str] = &[
    "$schema",
    "$id",
    "title",
    "description",
    "$ref",
    "type",
    "const",
    "format",
    "pattern",
    "minLength",
    "maxLength",
    "minimum",
    "maximum",
    "items",
    "minItems",
    "maxItems",
    "uniqueItems",
    "properties",
    "required",
    "additionalProperties",
    "if",
    "then",
    "else",
    "oneOf",
    "anyOf",
    "allOf",
    "$defs",
];

/// The text of a schema file: pretty-printed JSON (two-space indent) and a
/// trailing newline. Schema keywords come in a fixed order (`$schema`,
/// `$id`, `title`, `description`, …, `$defs` last) and the names under
/// `properties` and `$defs` in code-point order, whatever the order of
/// serde_json's maps.
pub fn render(schema: &Value) -> String {
    let mut out = String::new();
    write_pretty(&mut out, schema, 0, false);
    out.push('\n');
    out
}

fn write_pretty(out: &mut String, v: &Value, indent: usize, names: bool) {
    let pad = |n: usize| "  ".repeat(n);
    match v {
        Value::Object(m) if m.is_empty() => out.push_str("{}"),
        Value::Object(m) => {
            let mut keys: Vec<&String> = m.keys().collect();
            let rank = |k: &str| {
                if names {
                    KEYWORD_ORDER.len()
                } else {
                    KEYWORD_ORDER
                        .iter()
                        .position(|w| *w == k)
                        .unwrap_or(KEYWORD_ORDER.len())
                }
            };
            keys.sort_by(|a, b| (rank(a), a.as_str()).cmp(&(rank(b), b.as_str())));
            out.push_str("{\n");
            for (i, k) in keys.iter().enumerate() {
                let _ = write!(out, "{}{}: ", pad(indent + 1), Value::String((*k).clone()));
                let child_names = !names && matches!(k.as_str(), "properties" | "$defs");
                if let Some(child) = m.get(k.as_str()) {
                    write_pretty(out, child, indent + 1, child_names);
                }
                out.push_str(if i + 1 < keys.len() { ",\n" } else { "\n" });
            }
            let _ = write!(out, "{}}}", pad(indent));
        }
        Value::Array(a) if a.is_empty() => out.push_str("[]"),
        Value::Array(a) => {
            out.push_str("[\n");
            for (i, item) in a.iter().enumerate() {
                out.push_str(&pad(indent + 1));
                write_pretty(out, item, indent + 1, false);
                out.push_str(if i + 1 < a.len() { ",\n" } else { "\n" });
            }
            let _ = write!(out, "{}]", pad(indent));
        }
        scalar => {
            let _ = write!(out, "{scalar}");
        }
    }
}

/// Writes every schema of [`all`] to `dir/<file name>` as [`render`] prints
/// it, creating `dir` if needed.
///
/// # Errors
/// [`Error::Io`] naming the directory or file that could not be written.
pub fn write_all(dir: &Path) -> Result<(), Error> {
    std::fs::create_dir_all(dir).map_err(|e| Error::Io {
        path: dir.display().to_string(),
        error: e,
    })?;
    for (name, schema) in all() {
        let path = dir.join(name);
        std::fs::write(&path, render(&schema)).map_err(|e| Error::Io {
            path: path.display().to_string(),
            error: e,
        })?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn walk<'a>(v: &'a Value, f: &mut dyn FnMut(&'a Map<String, Value>)) {
        match v {
            Value::Object(m) => {
                f(m);
                m.values().for_each(|c| walk(c, f));
            }
            Value::Array(a) => a.iter().for_each(|c| walk(c, f)),
            _ => {}
        }
    }

    #[test]
    fn every_schema_has_its_header() {
        let all = all();
        assert_eq!(all.len(), Kind::ALL.len() + 3);
        for (name, s) in &all {
            assert_eq!(s["$schema"], META_SCHEMA, "{name}");
            assert_eq!(s["$id"], format!("{ID_BASE}{name}"), "{name}");
            assert!(s["title"].as_str().is_some_and(|t| !t.is_empty()), "{name}");
            assert!(
                s["description"].as_str().is_some_and(|t| !t.is_empty()),
                "{name}"
            );
        }
    }

    #[test]
    fn no_nulls_and_closed_objects() {
        for (name, s) in all() {
            walk(&s, &mut |m| {
                assert_ne!(m.get("type"), Some(&json!("null")), "{name}: {m:?}");
                if let Some(f) = m.get("format").and_then(Value::as_str) {
                    assert!(!f.contains("int"), "{name}: format {f}");
                }
                if let Some(Value::Array(t)) = m.get("type") {
                    assert!(!t.contains(&json!("null")), "{name}: {m:?}");
                }
                if m.contains_key("properties") && m.get("type") == Some(&json!("object")) {
                    assert_eq!(
                        m.get("additionalProperties"),
                        Some(&json!(false)),
                        "{name}: {m:?}"
                    );
                }
            });
        }
    }

    #[test]
    fn render_is_serde_json_with_ordered_keys() {
        for (name, s) in all() {
            let text = render(&s);
            assert!(text.ends_with("}\n"), "{name}");
            let back: Value = serde_json::from_str(&text).unwrap();
            assert_eq!(back, s, "{name}");
        }
        assert_eq!(
            render(&json!({"b": [1, {}], "type": "x", "properties": {"type": []}})),
            "{\n  \"type\": \"x\",\n  \"properties\": {\n    \"type\": []\n  },\n  \"b\": [\n    1,\n    {}\n  ]\n}\n"
        );
    }
}
