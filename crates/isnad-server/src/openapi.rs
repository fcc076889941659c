//! The OpenAPI 3.1 document of the API, served at `/v1/openapi.json`.
//!
//! Written out here rather than derived: it is the contract clients read,
//! and a test (`paths_match_the_routes`) keeps its paths and methods equal
//! to [`crate::API`], the table the router is built from.

use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};

fn problem_responses() -> Value {
    json!({
        "400": {"$ref": "#/components/responses/Problem"},
        "404": {"$ref": "#/components/responses/Problem"},
        "500": {"$ref": "#/components/responses/Problem"}
    })
}

fn get(summary: &str, params: Value, ok: Value) -> Value {
    let mut responses = problem_responses();
    responses["200"] = ok;
    json!({"get": {"summary": summary, "parameters": params, "responses": responses}})
}

fn ok_json(description: &str) -> Value {
    json!({"description": description, "content": {"application/json": {"schema": {"type": "object"}}}})
}

fn path_param(name: &str, description: &str) -> Value {
    json!({"name": name, "in": "path", "required": true, "description": description, "schema": {"type": "string"}})
}

fn query_param(name: &str, description: &str, kind: &str) -> Value {
    json!({"name": name, "in": "query", "required": false, "description": description, "schema": {"type": kind}})
}

/// The document.
pub fn document() -> Value {
    let id = path_param(
        "id",
        "An entry id (64 hex digits) or a unique prefix of at least 4",
    );
    let slug = path_param("slug", "A source's slug");
    let checker = path_param(
        "id",
        "A checker's id: an organisation id, or `name+keyid` for a key no organisation holds",
    );
    let mut entries = get(
        "Entries in ledger order",
        json!([
            query_param("after", "Start after this sequence number", "integer"),
            query_param(
                "limit",
                "At most this many (1-1000, default 100)",
                "integer"
            )
        ]),
        ok_json(
            "`entries` (each with `id`, `seq`, `kind`, `time`, `signer`, `entry` and its exact signed line `leaf`), `size`, `next_after`",
        ),
    );
    entries["post"] = json!({
        "summary": "Append one entry signed by the client, with exactly the checks of a local append",
        "requestBody": {"required": true, "description": "One entry line (its canonical JSON with the signature), as `isnad export jsonl` writes it; at most 1 MiB",
            "content": {"application/json": {"schema": {"type": "object"}}}},
        "responses": {
            "201": ok_json("Appended: `id`, `seq`, `kind`, `new: true`"),
            "200": ok_json("The same signer already recorded the same content: the existing entry, `new: false`"),
            "400": {"$ref": "#/components/responses/Problem"},
            "403": {"$ref": "#/components/responses/Problem"},
            "409": {"$ref": "#/components/responses/Problem"},
            "413": {"$ref": "#/components/responses/Problem"},
            "500": {"$ref": "#/components/responses/Problem"}
        }
    });
    json!({
        "openapi": "3.1.0",
        "info": {
            "title": "isnad",
            "version": env!("CARGO_PKG_VERSION"),
            "description": "A claim-provenance and source-credibility ledger. Writers sign entries themselves and post them; readers get entries, claims, sources, scores and proofs. Errors are RFC 9457 problem details. The log is also published as a C2SP signed checkpoint."
        },
        "paths": {
            "/v1/head": get("Where the next entry goes: size, head id and time, origin", json!([]), ok_json("`size`, `head`, `time`, `origin`")),
            "/v1/entries": entries,
            "/v1/entries/{id}": get("One entry", json!([id]), ok_json("The entry")),
            "/v1/keys": get("What the ledger says of a verifier key: its enrolment (roles, holder, organisation) and the entry that retired it, if any; 404 when no key entry enrolled it", json!([
                query_param("key", "The verifier key string (`name+keyid+base64`)", "string")
            ]), ok_json("`key`, `enrolled` (`seq`, `id`, `roles`, `holder`, `org`), `retired` (`seq`, `id`) or null")),
            "/v1/claims": get("Standing claims, newest first, or those matching `q` (every word in any order, in the text or a translation, folded and stemmed; ranked by BM25 and recency)", json!([
                query_param("q", "Words to find", "string"),
                query_param("lang", "Only claims in this language", "string"),
                query_param("source", "Only claims with this source in their chain", "string"),
                query_param("rating", "Only claims with a standing verdict of this rating", "string"),
                query_param("from", "Only claims that appeared on or after this date (YYYY-MM-DD)", "string"),
                query_param("to", "Only claims that appeared on or before this date (YYYY-MM-DD)", "string"),
                query_param("limit", "At most this many (1-500, default 50)", "integer"),
                query_param("offset", "Skip this many matches first", "integer")
            ]), ok_json("`total` (every match), `offset`, `claims`: id, seq, time, text, lang, date, publisher, originator, credibility, pair, and with `q` its `score` and `matched` (`field`, `lang`, `text`)")),
            "/v1/match": {"post": {
                "summary": "The standing claims most likely to be the same claim as a new text (resemblance of normalised word shingles), best first",
                "requestBody": {"required": true, "description": "`{\"text\": \"…\", \"limit\": N}` (limit 1-100, default 10)",
                    "content": {"application/json": {"schema": {"type": "object"}}}},
                "responses": {
                    "200": ok_json("`matches`: claims as `GET /v1/claims` lists them, each with `score` (0-1) and `matched`"),
                    "400": {"$ref": "#/components/responses/Problem"},
                    "413": {"$ref": "#/components/responses/Problem"},
                    "500": {"$ref": "#/components/responses/Problem"}
                }
            }},
            "/v1/claims/{id}": get("A claim as it stands: chain, verdicts, credibility (with its Admiralty `pair`, `disputed`, `misattributed`, `circular`, `independence_unknown`) and its explanation", json!([id]), ok_json("The claim")),
            "/v1/sources": get("Every source, ranked by credibility (its lower bound, then E)", json!([]), ok_json("`sources`, each with `grade_text`")),
            "/v1/sources/{slug}": get("A source as it stands: score, Admiralty grade, the verdicts behind them, a page at a time", json!([
                slug,
                query_param("offset", "Skip this many of the verdicts behind it first", "integer"),
                query_param("limit", "Verdicts behind it to include, 1-1000 (default 100)", "integer")
            ]), ok_json("The source, with `evidence_total` (every verdict behind it), `evidence_offset` and `evidence_limit`")),
            "/v1/sources/{slug}/history": get("A source's expected value over time", json!([slug]), ok_json("`points`: seq, time, expected, grade")),
            "/v1/checkers": get("Every fact-checker (an organisation, or a key no organisation holds) with its weight and the inputs of its weight", json!([]), ok_json("`checkers` (each with `id`, `organisation`, `keys`, `prior`, `prior_weight`, `shared`, `agree`, `disagree`, `weight`, `voices`), `checker_prior_weight`, `checker_default_trust`")),
            "/v1/checkers/{id}": get("One checker's weight and every story it shares with other checkers", json!([checker]), ok_json("`id`, `score`, `explanation` (`stories`: each with `story`, `verdict`, `rating`, `others`, `agree`, `disagree`), `checker_prior_weight`")),
            "/v1/scores": get("The replay's state root and the ranked sources", json!([]), ok_json("`state_root`, `as_of`, `sources`")),
            "/v1/proofs/inclusion/{id}": get("An inclusion proof document, as `isnad prove` prints it", json!([id,
                query_param("size", "Tree size (a signed checkpoint's); default the size of `/checkpoint`'s checkpoint when it includes the entry, else the current one", "integer")
            ]), ok_json("The proof with its signed checkpoint")),
            "/v1/proofs/consistency": get("A consistency proof document", json!([
                {"name": "old", "in": "query", "required": true, "description": "The older size", "schema": {"type": "integer"}},
                query_param("size", "The newer size; default the size of `/checkpoint`'s checkpoint when it is at least `old`, else the current one", "integer")
            ]), ok_json("The proof with its signed checkpoint")),
            "/v1/openapi.json": get("This document", json!([]), ok_json("OpenAPI 3.1")),
            "/checkpoint": get("The newest signed checkpoint (C2SP signed note) that a quorum of the ledger's witnesses cosigned, with their cosignature lines; the checkpoint of the current size when the ledger lists no witness. 503 (`/problems/not-witnessed`) while no checkpoint has met the quorum", json!([]),
                json!({"description": "The note", "content": {"text/plain": {"schema": {"type": "string"}}}})),
            "/v1/checkpoint/latest": get("The signed checkpoint of the current size (C2SP signed note), with the cosignatures gathered so far, whether or not they meet the quorum", json!([]),
                json!({"description": "The note", "content": {"text/plain": {"schema": {"type": "string"}}}})),
            "/v1/witnesses": get("The ledger's witnesses as this server asks them: the quorum, each witness's name, URL and verifier key, the size it last cosigned for this log, and its last answer in this server's rounds", json!([]),
                ok_json("`quorum`, `latest_size` (the newest signed checkpoint), `served_size` (what `/checkpoint` serves, `null` while none met the quorum), `witnesses`: each with `name`, `url`, `vkey`, `cosigned_size` (0: never), `last_size` and `last_error` (`null` when it cosigned; both `null` until this server asked it)")),
            "/tile/{path}": get("A C2SP tlog-tiles hash tile (`tile/<L>/<N>[.p/<W>]`) or entry bundle (`tile/entries/<N>[.p/<W>]`); the path after `/tile/`", json!([path_param("path", "The rest of the tile path, e.g. `0/x001/234.p/8` or `entries/000`")]),
                json!({"description": "The tile's bytes", "content": {"application/octet-stream": {"schema": {"type": "string", "format": "binary"}}}}))
        },
        "components": {
            "responses": {
                "Problem": {
                    "description": "RFC 9457 problem details",
                    "content": {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}}
                }
            },
            "schemas": {
                "Problem": {
                    "type": "object",
                    "required": ["type", "title", "status", "detail"],
                    "properties": {
                        "type": {"type": "string", "description": "A relative URI naming the kind of problem"},
                        "title": {"type": "string"},
                        "status": {"type": "integer"},
                        "detail": {"type": "string", "description": "One line, as the command line prints it"},
                        "field": {"type": "string", "description": "The field at fault"},
                        "entry": {"type": "integer", "description": "The sequence number of the entry at fault"}
                    }
                }
            }
        }
    })
}

/// `GET /v1/openapi.json`.
pub async fn serve() -> Response {
    axum::Json(document()).into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_match_the_routes() {
        let doc = document();
        let mut documented: Vec<(String, String)> = Vec::new();
        for (path, ops) in doc["paths"].as_object().unwrap() {
            for method in ops.as_object().unwrap().keys() {
                documented.push((method.clone(), path.clone()));
            }
        }
        documented.sort();
        let mut routes: Vec<(String, String)> = crate::API
            .iter()
            .map(|r| (r.method.as_str().to_owned(), r.path.to_owned()))
            .collect();
        routes.sort();
        assert_eq!(documented, routes);
    }
}
