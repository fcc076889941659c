//! The HTTP API: writing entries, reading entries, claims, sources,
//! checkers and scores, proofs, the checkpoint and the C2SP tiles.
//!
//! Every handler runs its ledger work on the blocking pool (sled and the
//! replay block); errors are RFC 9457 problems ([`crate::problem`]).

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{FromRequestParts, Path, Query, State};
use axum::http::request::Parts;
use axum::http::{StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};
use isnad_core::attribution::ClaimView;
use isnad_core::record::{Rating, Record};
use isnad_core::score::{Scores, grade_wording};
use isnad_core::search::catalog::{Claim, Filters};
use isnad_core::{Entry, Kind, Seq, SourceId, Timestamp};
use isnad_search::Hit;
use serde::Deserialize;
use serde::de::DeserializeOwned;
use serde_json::{Value, json};

use crate::cosigning::{Witnessing, witnessing};
use crate::derived::{Snapshot, search_problem};
use crate::problem::{Problem, quote};
use crate::state::{AppState, MAX_BODY};

/// Shared state, as handlers take it.
pub type Shared = Arc<AppState>;

/// Runs `f` on the blocking pool.
pub async fn blocking<T, F>(f: F) -> Result<T, Problem>
where
    T: Send + 'static,
    F: FnOnce() -> Result<T, Problem> + Send + 'static,
{
    tokio::task::spawn_blocking(f)
        .await
        .map_err(|e| Problem::internal(format!("request failed: {e}")))?
}

/// A query string parsed into `T`, or a 400 problem naming the parameter
/// that does not parse (axum's own extractor answers in plain text).
pub struct Params<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequestParts<S> for Params<T> {
    type Rejection = Problem;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Problem> {
        match Query::<T>::try_from_uri(&parts.uri) {
            Ok(Query(v)) => Ok(Params(v)),
            Err(e) => {
                let text = e.body_text();
                // "Failed to deserialize query string: limit: invalid digit…"
                let reason = text.split_once(": ").map_or(text.as_str(), |(_, r)| r);
                let field = reason.split_once(": ").map(|(f, _)| f).filter(|f| {
                    !f.is_empty() && f.bytes().all(|b| b.is_ascii_lowercase() || b == b'_')
                });
                let mut p = Problem::bad_request(format!("bad query string: {}", quote(reason)));
                if let Some(f) = field {
                    p = p.with_field(f);
                }
                Err(p)
            }
        }
    }
}

/// `limit` checked against its range: `default` when absent, a 400 naming
/// the field when outside 1..=`max` (rather than quietly clamped, which
/// would hide a client's mistake).
pub fn limit(given: Option<u64>, default: usize, max: usize) -> Result<usize, Problem> {
    match given {
        None => Ok(default),
        Some(n) if n >= 1 && n <= max as u64 => Ok(n as usize),
        Some(n) => {
            Err(Problem::bad_request(format!("limit {n} is outside 1-{max}")).with_field("limit"))
        }
    }
}

/// A JSON response rendered once per snapshot: until the ledger grows,
/// the same path and query get the same bytes without rendering again.
fn rendered(
    s: &AppState,
    key: String,
    render: impl FnOnce(&Snapshot) -> Result<Value, Problem>,
) -> Result<Response, Problem> {
    let snap = s.snapshot()?;
    let body = match snap.cached(&key) {
        Some(body) => body,
        None => {
            let v = render(&snap)?;
            let body =
                Bytes::from(serde_json::to_vec(&v).map_err(|e| Problem::internal(e.to_string()))?);
            snap.keep(key, body.clone());
            body
        }
    };
    let mut r = (StatusCode::OK, body).into_response();
    let h = r.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        header::HeaderValue::from_static("application/json"),
    );
    h.insert(
        header::CACHE_CONTROL,
        header::HeaderValue::from_static("no-store"),
    );
    Ok(r)
}

/// The cache key of a request: its path and query.
fn key_of(uri: &Uri) -> String {
    uri.path_and_query()
        .map_or_else(|| uri.path().to_owned(), |pq| pq.as_str().to_owned())
}

fn json_response(status: StatusCode, v: &Value) -> Response {
    let mut r = (status, axum::Json(v.clone())).into_response();
    r.headers_mut().insert(
        header::CACHE_CONTROL,
        header::HeaderValue::from_static("no-store"),
    );
    r
}

fn now() -> Timestamp {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    Timestamp::from_unix(i64::try_from(secs).unwrap_or(i64::MAX))
}

/// An entry as the API shows it: its id, its fields, and its exact signed
/// line (`leaf`), which a client can check on its own.
pub fn entry_json(e: &Entry) -> Value {
    let fields: Value = serde_json::from_slice(e.leaf_bytes()).unwrap_or(Value::Null);
    json!({
        "id": e.hash().to_hex(),
        "seq": e.seq().0,
        "kind": e.kind().as_str(),
        "time": e.time().to_string(),
        "signer": e.signer().to_string(),
        "entry": fields,
        "leaf": String::from_utf8_lossy(e.leaf_bytes()),
    })
}

/// `GET /v1/head`: where the next entry goes (what a client signs at).
pub async fn head(State(s): State<Shared>) -> Result<Response, Problem> {
    blocking(move || {
        let l = s.ledger();
        let head = l.head()?;
        Ok(json_response(
            StatusCode::OK,
            &json!({
                "size": l.len()?,
                "head": head.map(|h| h.hash.to_hex()),
                "time": head.map(|h| h.time.to_string()),
                "origin": l.origin()?,
            }),
        ))
    })
    .await
}

/// `POST /v1/entries`: one entry line signed by the client, appended with
/// exactly the checks of a local append. 201 when new, 200 when the same
/// signer already recorded the same content (nothing added), 409 when
/// another writer took the position first (sign again at the new head).
pub async fn post_entry(
    State(s): State<Shared>,
    req: axum::extract::Request,
) -> Result<Response, Problem> {
    // Refuse an announced oversized body at once, before reading any of it.
    let announced = req
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<usize>().ok());
    if announced.is_some_and(|n| n > MAX_BODY) {
        return Err(Problem::too_large(MAX_BODY));
    }
    let body = axum::body::to_bytes(req.into_body(), MAX_BODY)
        .await
        .map_err(|_| Problem::too_large(MAX_BODY))?;
    let writer = Arc::clone(&s);
    let (response, new) = blocking(move || {
        let s = writer;
        let line = body.strip_suffix(b"\n").unwrap_or(&body);
        let entry = Entry::parse(line)?;
        let appended = s.ledger().append_entry(entry, now())?;
        let e = appended.entry();
        let status = if appended.is_new() {
            StatusCode::CREATED
        } else {
            StatusCode::OK
        };
        let mut r = json_response(
            status,
            &json!({
                "id": e.hash().to_hex(),
                "seq": e.seq().0,
                "kind": e.kind().as_str(),
                "new": appended.is_new(),
            }),
        );
        if let Ok(v) = header::HeaderValue::from_str(&format!("/v1/entries/{}", e.hash().to_hex()))
        {
            r.headers_mut().insert(header::LOCATION, v);
        }
        Ok((r, appended.is_new()))
    })
    .await?;
    if new {
        // Fold the new entry now, off this request's path, so that the
        // next read finds the scores up to date (or nearly).
        tokio::task::spawn_blocking(move || {
            // The witnesses are asked on a thread of their own.
            if let Some(c) = s.cosigning() {
                c.wake();
            }
            // A failure here is met again, and answered, by the next read.
            let _ = s.refresh();
        });
    }
    Ok(response)
}

/// Paging of `GET /v1/entries`.
#[derive(Deserialize)]
pub struct Page {
    after: Option<u64>,
    limit: Option<u64>,
}

/// `GET /v1/entries?after=SEQ&limit=N`: entries in ledger order.
pub async fn entries(
    State(s): State<Shared>,
    Params(p): Params<Page>,
) -> Result<Response, Problem> {
    let limit = limit(p.limit, 100, 1000)?;
    blocking(move || {
        let start = p.after.map_or(0, |a| a.saturating_add(1));
        let l = s.ledger();
        let len = l.len()?;
        let mut out = Vec::new();
        let mut seq = start;
        while seq < len && out.len() < limit {
            if let Some(e) = l.entry(Seq(seq))? {
                out.push(entry_json(&e));
            }
            seq += 1;
        }
        let next = (seq < len).then(|| seq - 1);
        Ok(json_response(
            StatusCode::OK,
            &json!({"entries": out, "size": len, "next_after": next}),
        ))
    })
    .await
}

/// `GET /v1/entries/{id}`: one entry by id or unique prefix.
pub async fn entry(State(s): State<Shared>, Path(id): Path<String>) -> Result<Response, Problem> {
    blocking(move || {
        let e = s.ledger().resolve(&id)?;
        Ok(json_response(StatusCode::OK, &entry_json(&e)))
    })
    .await
}

/// `?key=` of `GET /v1/keys`.
#[derive(Deserialize)]
pub struct KeyQuery {
    key: Option<String>,
}

/// `GET /v1/keys?key=K`: what the ledger says of verifier key K, from its
/// indexes (no replay, no scan): the entry that enrolled it, with its
/// roles, holder and organisation, and the entry that retired it (a
/// revocation, or a rotation away from it), if any. 404 when no key entry
/// enrolled K. What a writer (the workbench page) asks before it signs.
pub async fn key(State(s): State<Shared>, Query(q): Query<KeyQuery>) -> Result<Response, Problem> {
    blocking(move || {
        use isnad_core::rules::View as _;
        let Some(key) = q.key.filter(|k| !k.is_empty()) else {
            return Err(Problem::bad_request("give the verifier key as ?key=").with_field("key"));
        };
        let l = s.ledger();
        let Some(facts) = l.key(&key)? else {
            return Err(Problem::not_found(format!("no key entry enrolled `{key}`")));
        };
        let enrolment = l.entry(facts.seq)?;
        let holder = match enrolment.as_ref().map(|e| e.record()) {
            Some(Record::Key(k)) => k.holder.clone(),
            _ => None,
        };
        let retired = l.revoked(&key)?.map(|seq| -> Result<Value, Problem> {
            Ok(json!({
                "seq": seq.0,
                "id": l.entry(seq)?.map(|e| e.hash().to_hex()),
            }))
        });
        Ok(json_response(
            StatusCode::OK,
            &json!({
                "key": key,
                "enrolled": {
                    "seq": facts.seq.0,
                    "id": enrolment.map(|e| e.hash().to_hex()),
                    "roles": facts.roles,
                    "holder": holder,
                    "org": facts.org,
                },
                "retired": retired.transpose()?,
            }),
        ))
    })
    .await
}

/// Search terms, filters and paging.
#[derive(Deserialize)]
pub struct Search {
    q: Option<String>,
    lang: Option<String>,
    source: Option<String>,
    rating: Option<String>,
    from: Option<String>,
    to: Option<String>,
    limit: Option<u64>,
    offset: Option<u64>,
}

impl Search {
    fn filters(&self) -> Result<Filters, Problem> {
        let date = |field: &'static str, d: &Option<String>| -> Result<Option<String>, Problem> {
            match d {
                None => Ok(None),
                Some(d) if is_date(d) => Ok(Some(d.clone())),
                Some(d) => Err(Problem::bad_request(format!(
                    "{field} `{}` is not a date (YYYY-MM-DD)",
                    quote(d)
                ))
                .with_field(field)),
            }
        };
        Ok(Filters {
            lang: self.lang.clone(),
            source: self.source.as_deref().map(slug).transpose()?,
            rating: self
                .rating
                .as_deref()
                .map(|r| {
                    r.parse::<Rating>()
                        .map_err(|e| Problem::from(e).with_field("rating"))
                })
                .transpose()?,
            from: date("from", &self.from)?,
            to: date("to", &self.to)?,
        })
    }
}

/// `YYYY-MM-DD`, digits where digits go.
fn is_date(d: &str) -> bool {
    d.len() == 10
        && d.bytes().enumerate().all(|(i, b)| {
            if i == 4 || i == 7 {
                b == b'-'
            } else {
                b.is_ascii_digit()
            }
        })
}

/// A claim in a list: what a result row shows.
fn claim_row(c: &Claim, scores: &Scores) -> Value {
    let body = &c.current;
    json!({
        "id": c.id.to_hex(),
        "seq": c.seq,
        "time": c.time.to_string(),
        "text": body.text,
        "lang": body.lang,
        "date": body.appeared.date,
        "publisher": body.chain.first().map(|h| h.source.as_str()),
        "originator": body.chain.last().map(|h| h.source.as_str()),
        "credibility": scores.claim(&c.id),
        "pair": scores.claim(&c.id).map(|sc| sc.pair()),
    })
}

/// A search or match result: the claim's row, its score, and which of
/// its texts matched.
fn hit_row(c: &Claim, h: &Hit, scores: &Scores) -> Value {
    let (lang, text) = c.text(h.field);
    let mut row = claim_row(c, scores);
    row["score"] = json!(h.score);
    row["matched"] = json!({
        "field": if h.field == 0 { "text" } else { "translation" },
        "lang": lang,
        "text": text,
    });
    row
}

/// `GET /v1/claims?q=TEXT&lang=&source=&rating=&from=&to=&limit=N&offset=K`:
/// standing claims passing the filters; with `q`, those matching it
/// (`isnad_core::search`: every word in any order, folded and stemmed,
/// ranked by BM25 and recency), else newest first. `total` counts every
/// match, not only the page.
pub async fn claims(
    State(s): State<Shared>,
    uri: Uri,
    Params(q): Params<Search>,
) -> Result<Response, Problem> {
    let limit = limit(q.limit, 50, 500)?;
    let offset = usize::try_from(q.offset.unwrap_or(0)).unwrap_or(usize::MAX);
    let filters = q.filters()?;
    blocking(move || {
        rendered(&s, key_of(&uri), |snap| {
            let (catalog, known) = snap.catalog();
            let claims = &catalog.claims()[..known];
            let query = q.q.as_deref().unwrap_or("").trim();
            let (total, rows): (usize, Vec<Value>) = if query.is_empty() {
                let mut total = 0;
                let mut rows = Vec::new();
                for c in claims.iter().rev().filter(|c| filters.pass(c)) {
                    total += 1;
                    if total > offset && rows.len() < limit {
                        rows.push(claim_row(c, &snap.scores));
                    }
                }
                (total, rows)
            } else {
                let hits = snap
                    .search()?
                    .search(query, &filters, Some(snap.len))
                    .map_err(search_problem)?;
                let rows = hits
                    .iter()
                    .skip(offset)
                    .take(limit)
                    .filter_map(|h| {
                        Snapshot::claim_at(&catalog, known, h.claim)
                            .map(|c| hit_row(c, h, &snap.scores))
                    })
                    .collect();
                (hits.len(), rows)
            };
            Ok(json!({
                "query": q.q,
                "total": total,
                "offset": offset,
                "claims": rows,
            }))
        })
    })
    .await
}

/// The body of `POST /v1/match`.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MatchRequest {
    text: String,
    limit: Option<u64>,
}

/// `POST /v1/match` with `{"text": "…"}`: the standing claims most likely
/// to be the same claim, each with its resemblance (0-1) and the text it
/// resembles, best first.
pub async fn match_claim(State(s): State<Shared>, body: Bytes) -> Result<Response, Problem> {
    let req: MatchRequest = serde_json::from_slice(&body).map_err(|e| {
        Problem::bad_request(format!(
            "the body is not {{\"text\": \"…\"}}: {}",
            quote(&e.to_string())
        ))
    })?;
    let limit = limit(req.limit, 10, 100)?;
    if req.text.len() > isnad_core::limits::MAX_TEXT {
        return Err(Problem::bad_request(format!(
            "text is longer than {} bytes",
            isnad_core::limits::MAX_TEXT
        ))
        .with_field("text"));
    }
    blocking(move || {
        let snap = s.snapshot()?;
        let (catalog, known) = snap.catalog();
        let rows: Vec<Value> = snap
            .search()?
            .resemble(&req.text, Some(snap.len))
            .map_err(search_problem)?
            .iter()
            .filter_map(|h| {
                Snapshot::claim_at(&catalog, known, h.claim).map(|c| hit_row(c, h, &snap.scores))
            })
            .take(limit)
            .collect();
        Ok(json_response(StatusCode::OK, &json!({"matches": rows})))
    })
    .await
}

/// `GET /v1/claims/{id}`: a claim as it stands, its chain with each
/// source's name and score, its verdicts and its credibility explained.
pub async fn claim(State(s): State<Shared>, Path(id): Path<String>) -> Result<Response, Problem> {
    blocking(move || {
        let l = s.ledger();
        let e = l.resolve(&id)?;
        if e.kind() != Kind::Claim {
            return Err(Problem::not_found(format!(
                "{} is a {} entry, not a claim",
                e.hash().short(),
                e.kind()
            )));
        }
        let id = e.hash();
        let view = ClaimView::load(l, e.clone())?;
        let snap = s.snapshot()?;
        let scores = &snap.scores;
        let mut chain = Vec::new();
        for hop in &view.current.chain {
            let source = snap.sources.get(&hop.source);
            let score = scores.source(&hop.source);
            chain.push(json!({
                "source": hop.source.as_str(),
                "relation": hop.relation,
                "name": source.map(|v| v.current.name.clone()),
                "kind": source.map(|v| v.current.kind),
                "expected": score.map(|sc| sc.opinion.e),
                "grade": score.map(|sc| sc.grade),
                "grade_text": score.map(|sc| sc.grade_text()),
            }));
        }
        let verdicts: Vec<Value> = view
            .verdicts
            .iter()
            .map(|v| {
                let body = match v.entry.record() {
                    Record::Verdict(b) => serde_json::to_value(b).unwrap_or(Value::Null),
                    _ => Value::Null,
                };
                json!({
                    "id": v.entry.hash().to_hex(),
                    "time": v.entry.time().to_string(),
                    "signer": v.entry.signer().name(),
                    "verdict": body,
                    "current": v.is_current(),
                    "superseded_by": v.superseded_by.map(|h| h.to_hex()),
                    "retracted_by": v.retracted_by.map(|h| h.to_hex()),
                })
            })
            .collect();
        Ok(json_response(
            StatusCode::OK,
            &json!({
                "id": id.to_hex(),
                "seq": e.seq().0,
                "time": e.time().to_string(),
                "signer": e.signer().name(),
                "claim": view.current,
                "amended": !view.amendments.is_empty(),
                "retracted_by": view.retracted_by.map(|h| h.to_hex()),
                "chain": chain,
                "verdicts": verdicts,
                "credibility": scores.claim(&id),
                "pair": scores.claim(&id).map(|sc| sc.pair()),
                "explanation": scores.explain_claim(&id),
            }),
        ))
    })
    .await
}

/// `GET /v1/sources`: every source, ranked by credibility.
pub async fn sources(State(s): State<Shared>, uri: Uri) -> Result<Response, Problem> {
    blocking(move || {
        rendered(&s, key_of(&uri), |snap| {
            let out: Vec<Value> = snap
                .scores
                .ranked()
                .into_iter()
                .map(|sc| {
                    let mut v = serde_json::to_value(sc).unwrap_or(Value::Null);
                    v["name"] = json!(snap.name(&sc.id));
                    v["grade_wording"] = json!(grade_wording(sc.grade));
                    v["grade_text"] = json!(sc.grade_text());
                    v
                })
                .collect();
            Ok(json!({"sources": out}))
        })
    })
    .await
}

fn slug(id: &str) -> Result<SourceId, Problem> {
    SourceId::parse(id, "source").map_err(|e| Problem::from(e).with_field("source"))
}

/// `GET /v1/sources/{slug}?offset=K&limit=N`: a source as it stands, its
/// score, Admiralty grade and the verdicts behind them, N (100 unless
/// given, at most 1,000) from the K-th, with how many there are in all.
pub async fn source(
    State(s): State<Shared>,
    uri: Uri,
    Path(id): Path<String>,
    Params(page): Params<EvidencePage>,
) -> Result<Response, Problem> {
    let limit = limit(page.limit, EVIDENCE_PAGE, EVIDENCE_PAGE_MAX)?;
    let offset = usize::try_from(page.offset.unwrap_or(0)).unwrap_or(usize::MAX);
    blocking(move || {
        let id = slug(&id)?;
        rendered(&s, key_of(&uri), |snap| {
            let Some(view) = snap.sources.get(&id) else {
                return Err(Problem::not_found(format!("no source `{id}`")));
            };
            let scores = &snap.scores;
            let score = scores.source(&id);
            let mut explanation = scores.explain_source(&id);
            // One page of the verdicts behind it: a source rated thousands
            // of times would otherwise answer megabytes on every call.
            let evidence_total = explanation.as_ref().map_or(0, |ex| ex.evidence.len());
            if let Some(ex) = explanation.as_mut() {
                let end = offset.saturating_add(limit).min(ex.evidence.len());
                ex.evidence.truncate(end);
                ex.evidence.drain(..offset.min(end));
            }
            // Every rated claim's text, so that a page lists them without
            // asking for each claim.
            let mut texts = serde_json::Map::new();
            if let Some(ex) = &explanation {
                let (catalog, _) = snap.catalog();
                let ids = ex.evidence.iter().map(|e| e.claim);
                for claim in ids.chain(ex.unmoved.iter().map(|u| u.claim)) {
                    if let Some(c) = catalog.claim(&claim) {
                        texts.insert(
                            claim.to_hex(),
                            json!({"text": c.current.text, "lang": c.current.lang}),
                        );
                    }
                }
            }
            Ok(json!({
                "id": id.as_str(),
                "entry": view.entry.to_hex(),
                "source": view.current,
                "retracted_by": view.retracted_by.map(|h| h.to_hex()),
                "prior": score.and_then(|sc| sc.prior),
                "score": score,
                "grade_wording": score.map(|sc| grade_wording(sc.grade)),
                "grade_text": score.map(|sc| sc.grade_text()),
                "explanation": explanation,
                "evidence_total": evidence_total,
                "evidence_offset": offset,
                "evidence_limit": limit,
                "claims": texts,
            }))
        })
    })
    .await
}

/// Paging of the verdicts behind a source, `GET /v1/sources/{slug}`.
#[derive(Deserialize)]
pub struct EvidencePage {
    limit: Option<u64>,
    offset: Option<u64>,
}

/// Verdicts behind a source in one response unless asked otherwise.
const EVIDENCE_PAGE: usize = 100;
/// Most verdicts behind a source in one response.
const EVIDENCE_PAGE_MAX: usize = 1000;

/// `GET /v1/sources/{slug}/history`: the source's expected value over time.
pub async fn source_history(
    State(s): State<Shared>,
    Path(id): Path<String>,
) -> Result<Response, Problem> {
    blocking(move || {
        let id = slug(&id)?;
        let points = s
            .history(&id)?
            .ok_or_else(|| Problem::not_found(format!("no source `{id}`")))?;
        Ok(json_response(
            StatusCode::OK,
            &json!({"id": id.as_str(), "points": points}),
        ))
    })
    .await
}

/// `GET /v1/scores`: the replay's state root and the ranked sources.
pub async fn scores(State(s): State<Shared>, uri: Uri) -> Result<Response, Problem> {
    blocking(move || {
        rendered(&s, key_of(&uri), |snap| {
        let scores = &snap.scores;
        let ranked: Vec<Value> = scores
            .ranked()
            .iter()
            .map(|sc| {
                let mut v = serde_json::to_value(sc).unwrap_or(Value::Null);
                v["grade_text"] = json!(sc.grade_text());
                v
            })
            .collect();
        Ok(json!({
            "state_root": scores.state_root().to_hex(),
            "as_of": scores.last_entry().map(|(seq, t)| json!({"seq": seq.0, "time": t.to_string()})),
            "sources": ranked,
        }))
        })
    })
    .await
}

/// `GET /v1/checkers`: every fact-checker (an organisation, or a key no
/// organisation holds) with its weight and what the weight comes from.
pub async fn checkers(State(s): State<Shared>, uri: Uri) -> Result<Response, Problem> {
    blocking(move || {
        rendered(&s, key_of(&uri), |snap| {
            let scores = &snap.scores;
            let params = scores.params();
            let out: Vec<&isnad_core::score::CheckerScore> = scores.checkers().collect();
            Ok(json!({
                "checkers": out,
                "checker_prior_weight": params.checker_prior_weight,
                "checker_default_trust": params.checker_default_trust,
            }))
        })
    })
    .await
}

/// `GET /v1/checkers/{id}`: one checker's weight, and every story it
/// shares with other checkers with how far it agreed.
pub async fn checker(
    State(s): State<Shared>,
    uri: Uri,
    Path(id): Path<String>,
) -> Result<Response, Problem> {
    blocking(move || {
        rendered(&s, key_of(&uri), |snap| {
            let scores = &snap.scores;
            let Some(explanation) = scores.explain_checker(&id) else {
                return Err(Problem::not_found(format!("no checker `{}`", quote(&id))));
            };
            Ok(json!({
                "id": id,
                "score": explanation.score,
                "explanation": explanation,
                "checker_prior_weight": scores.params().checker_prior_weight,
            }))
        })
    })
    .await
}

/// The proof's size: given; else that of the checkpoint `/checkpoint`
/// serves when it has at least `covers` entries; else the current one
/// (signing its checkpoint if none is kept for it).
fn proof_size(s: &AppState, size: Option<u64>, covers: u64) -> Result<u64, Problem> {
    if let Some(n) = size {
        return Ok(n);
    }
    if let Witnessing::On { met: Some(cp), .. } = witnessing(s)? {
        if cp.size() >= covers {
            return Ok(cp.size());
        }
    }
    let cp = current_checkpoint(s)?;
    Ok(cp.size())
}

/// The checkpoint of the current size, signed now if the server holds the
/// log key and none is kept for this size yet.
pub fn current_checkpoint(
    s: &AppState,
) -> Result<isnad_core::checkpoint::SignedCheckpoint, Problem> {
    let l = s.ledger();
    let len = l.len()?;
    if let Some(cp) = l.latest_checkpoint()? {
        if cp.size() == len {
            return Ok(cp);
        }
    }
    match s.log_key() {
        Some(k) => Ok(l.sign_checkpoint(k)?),
        None => l
            .latest_checkpoint()?
            .ok_or_else(|| Problem::not_found("the ledger has no signed checkpoint yet")),
    }
}

/// Proof parameters.
#[derive(Deserialize)]
pub struct ProofQuery {
    size: Option<u64>,
    old: Option<u64>,
}

/// `GET /v1/proofs/inclusion/{id}?size=N`: the inclusion proof document
/// (as `isnad prove` prints it).
pub async fn inclusion(
    State(s): State<Shared>,
    Path(id): Path<String>,
    Params(q): Params<ProofQuery>,
) -> Result<Response, Problem> {
    blocking(move || {
        let e = s.ledger().resolve(&id)?;
        let size = proof_size(&s, q.size, e.seq().0.saturating_add(1))?;
        let proof = s.ledger().prove_inclusion(e.seq(), size)?;
        let v = serde_json::to_value(&proof).map_err(|e| Problem::internal(e.to_string()))?;
        Ok(json_response(StatusCode::OK, &v))
    })
    .await
}

/// `GET /v1/proofs/consistency?old=N&size=M`.
pub async fn consistency(
    State(s): State<Shared>,
    Params(q): Params<ProofQuery>,
) -> Result<Response, Problem> {
    blocking(move || {
        let old = q.old.ok_or_else(|| {
            Problem::bad_request("give old=N, the size to prove from").with_field("old")
        })?;
        let size = proof_size(&s, q.size, old)?;
        let proof = s.ledger().prove_consistency(old, size)?;
        let v = serde_json::to_value(&proof).map_err(|e| Problem::internal(e.to_string()))?;
        Ok(json_response(StatusCode::OK, &v))
    })
    .await
}

/// `GET /checkpoint`, as C2SP tlog-tiles serves it: the newest signed
/// note that met the quorum of the ledger's witnesses, or the note of the
/// current size when the ledger lists none. 503 while none has met it.
pub async fn checkpoint(State(s): State<Shared>) -> Result<Response, Problem> {
    blocking(move || match witnessing(&s)? {
        Witnessing::Off => Ok(note_response(&current_checkpoint(&s)?)),
        Witnessing::On { met: Some(cp), .. } => Ok(note_response(&cp)),
        Witnessing::On { quorum, met: None } => Err(Problem::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "/problems/not-witnessed",
            "No checkpoint has met the witness quorum",
            format!(
                "no checkpoint has been cosigned by {} of the ledger's {} witnesses yet; \
                 the newest signed one is at /v1/checkpoint/latest",
                quorum.needed(),
                quorum.witnesses().len()
            ),
        )),
    })
    .await
}

/// `GET /v1/checkpoint/latest`: the signed note of the current size, with
/// the cosignatures gathered so far, whether or not they meet the quorum.
pub async fn latest_checkpoint(State(s): State<Shared>) -> Result<Response, Problem> {
    blocking(move || Ok(note_response(&current_checkpoint(&s)?))).await
}

/// `GET /v1/witnesses`: the ledger's witnesses and quorum, the size each
/// last cosigned, what each last answered in this server's rounds, the
/// newest checkpoint and the one `/checkpoint` serves.
pub async fn witnesses(State(s): State<Shared>) -> Result<Response, Problem> {
    blocking(move || {
        let l = s.ledger();
        let config = isnad_core::store::witnessing::WitnessConfig::load(l.dir())?;
        let mut listed = Vec::new();
        for w in config.witnesses() {
            let vkey = w.key().to_string();
            let last = s.cosigning().and_then(|c| c.last_answer(&vkey));
            listed.push(json!({
                "name": w.name(),
                "url": w.url(),
                "vkey": vkey,
                "cosigned_size": l.witnessed_size(w.key())?,
                "last_size": last.as_ref().map(|a| a.size),
                "last_error": last.and_then(|a| a.error),
            }));
        }
        let latest = l.latest_checkpoint()?;
        let served = match witnessing(&s)? {
            Witnessing::Off => latest.as_ref().map(|cp| cp.size()),
            Witnessing::On { met, .. } => met.map(|cp| cp.size()),
        };
        Ok(json_response(
            StatusCode::OK,
            &json!({
                "quorum": config.needed(),
                "witnesses": listed,
                "latest_size": latest.map(|cp| cp.size()),
                "served_size": served,
            }),
        ))
    })
    .await
}

/// A signed note as `text/plain`, never cached.
fn note_response(cp: &isnad_core::checkpoint::SignedCheckpoint) -> Response {
    let mut r = (StatusCode::OK, cp.note().to_owned()).into_response();
    r.headers_mut().insert(
        header::CONTENT_TYPE,
        header::HeaderValue::from_static("text/plain; charset=utf-8"),
    );
    r.headers_mut().insert(
        header::CACHE_CONTROL,
        header::HeaderValue::from_static("no-store"),
    );
    r
}

/// `GET /tile/{path}`: a C2SP tlog-tiles hash tile or entry bundle, the
/// same bytes `isnad export tiles` writes. Full tiles never change, so
/// they may be cached for good; partial ones change as the log grows.
pub async fn tile(State(s): State<Shared>, Path(rest): Path<String>) -> Result<Response, Problem> {
    blocking(move || {
        let path = format!("tile/{rest}");
        let t = isnad_core::tiles::Tile::parse(&path)
            .map_err(|e| Problem::from(e).with_field("path"))?;
        let bytes = s.ledger().tile_data(&t)?;
        let mut r = (StatusCode::OK, bytes).into_response();
        r.headers_mut().insert(
            header::CONTENT_TYPE,
            header::HeaderValue::from_static("application/octet-stream"),
        );
        let cache = if t.is_partial() {
            "no-store"
        } else {
            "public, max-age=31536000, immutable"
        };
        r.headers_mut().insert(
            header::CACHE_CONTROL,
            header::HeaderValue::from_static(cache),
        );
        Ok(r)
    })
    .await
}
