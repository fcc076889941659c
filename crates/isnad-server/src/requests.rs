//! What every request goes through, API and explorer alike: a bound on
//! the URI, errors made RFC 9457 problems whoever produced them, the
//! `X-Content-Type-Options: nosniff` header, and one line of the request
//! log.
//!
//! Handlers return problems themselves; what this layer converts is what
//! the router and extractors answer on their own (405 for a known path
//! with another method, 400 for a path segment that does not decode, 413
//! from the body limit), keeping their text, bounded, as the detail.

use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::extract::{Request, State};
use axum::http::{HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use serde::Serialize;

use crate::problem::{Problem, quote};

/// The longest path and query accepted, in bytes; a longer one gets 414.
pub const MAX_URI: usize = 8 * 1024;

/// The most bytes of a non-problem error body kept as the problem's
/// detail (the rest is cut at [`crate::problem::MAX_DETAIL`] characters).
const MAX_ERROR_BODY: usize = 4 * 1024;

/// One line of the request log: what was asked, what was answered, and
/// how long it took. The query string is left out (it may hold a search),
/// and the path is quoted up to a bound.
#[derive(Clone, Debug, Serialize)]
pub struct RequestRecord {
    /// The method.
    pub method: String,
    /// The path, without the query string, cut after 64 characters.
    pub path: String,
    /// The status answered.
    pub status: u16,
    /// From the request reaching the router to the response's headers.
    #[serde(rename = "ms", serialize_with = "millis")]
    pub duration: Duration,
}

/// A duration as milliseconds with microsecond precision.
fn millis<S: serde::Serializer>(d: &Duration, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_f64(d.as_micros() as f64 / 1000.0)
}

/// Where request records go (the CLI writes them to standard error).
pub type RequestLog = Arc<dyn Fn(&RequestRecord) + Send + Sync>;

/// The layer: see the module documentation.
pub async fn envelope(State(log): State<Option<RequestLog>>, req: Request, next: Next) -> Response {
    let started = Instant::now();
    let method = req.method().clone();
    let path = quote(req.uri().path());
    let uri_len = req.uri().path_and_query().map_or(0, |pq| pq.as_str().len());
    let mut response = if uri_len > MAX_URI {
        Problem::uri_too_long(MAX_URI).into_response()
    } else {
        next.run(req).await
    };
    if needs_problem(&response) {
        response = as_problem(response, &method).await;
    }
    response.headers_mut().insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    if let Some(log) = &log {
        log(&RequestRecord {
            method: method.to_string(),
            path,
            status: response.status().as_u16(),
            duration: started.elapsed(),
        });
    }
    response
}

/// An error answered in anything but a problem document.
fn needs_problem(r: &Response) -> bool {
    let status = r.status();
    (status.is_client_error() || status.is_server_error())
        && r.headers()
            .get(header::CONTENT_TYPE)
            .is_none_or(|ct| ct != "application/problem+json")
}

/// The same status and headers that matter (`Allow` on a 405), as a
/// problem whose detail is the original text when there was one.
async fn as_problem(r: Response, method: &Method) -> Response {
    let status = r.status();
    let allow = r.headers().get(header::ALLOW).cloned();
    let body = axum::body::to_bytes(r.into_body(), MAX_ERROR_BODY)
        .await
        .unwrap_or_default();
    let text = String::from_utf8_lossy(&body);
    let detail = if !text.trim().is_empty() {
        text.trim().to_owned()
    } else if status == StatusCode::METHOD_NOT_ALLOWED {
        format!(
            "{method} is not allowed here{}",
            allow
                .as_ref()
                .and_then(|a| a.to_str().ok())
                .map(|a| format!("; allowed: {a}"))
                .unwrap_or_default()
        )
    } else {
        status.canonical_reason().unwrap_or("error").to_owned()
    };
    let mut out = Problem::of_status(status, detail).into_response();
    if let Some(a) = allow {
        out.headers_mut().insert(header::ALLOW, a);
    }
    out
}
