//! RFC 9457 problem details: every error the API returns.
//!
//! A problem is a JSON object served as `application/problem+json` with
//! `type`, `title`, `status` and `detail`, plus `field` when one field of
//! the request is at fault and `entry` when one entry is. `type` is a
//! relative URI naming the kind of problem (`/problems/forbidden`), stable
//! for clients to match on; `detail` is the same one-line message the
//! command line prints.

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use isnad_core::{Error, ErrorKind};
use serde::Serialize;

/// The longest detail, in characters: longer ones are cut there (with
/// `…`), whatever they quote.
pub const MAX_DETAIL: usize = 300;

/// The most characters of one piece of input a detail quotes.
pub const MAX_QUOTE: usize = 64;

/// `text` for a detail: as it is when short, else its first
/// [`MAX_QUOTE`] characters and `…`.
pub fn quote(text: &str) -> String {
    cut(text, MAX_QUOTE)
}

/// `text` cut to at most `max` characters, `…` marking a cut.
fn cut(text: &str, max: usize) -> String {
    match text.char_indices().nth(max) {
        Some((at, _)) => format!("{}…", &text[..at]),
        None => text.to_owned(),
    }
}

/// One problem.
#[derive(Clone, Debug, Serialize)]
pub struct Problem {
    #[serde(rename = "type")]
    kind: &'static str,
    title: &'static str,
    status: u16,
    detail: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    field: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    entry: Option<u64>,
}

impl Problem {
    /// A problem of a given status and kind.
    pub fn new(
        status: StatusCode,
        kind: &'static str,
        title: &'static str,
        detail: String,
    ) -> Self {
        Problem {
            kind,
            title,
            status: status.as_u16(),
            detail: cut(&detail, MAX_DETAIL),
            field: None,
            entry: None,
        }
    }

    /// 400: the request is malformed.
    pub fn bad_request(detail: impl Into<String>) -> Self {
        Problem::new(
            StatusCode::BAD_REQUEST,
            "/problems/bad-request",
            "Bad request",
            detail.into(),
        )
    }

    /// 404: nothing there.
    pub fn not_found(detail: impl Into<String>) -> Self {
        Problem::new(
            StatusCode::NOT_FOUND,
            "/problems/not-found",
            "Not found",
            detail.into(),
        )
    }

    /// 413: the body is larger than the server accepts.
    pub fn too_large(limit: usize) -> Self {
        Problem::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "/problems/too-large",
            "Request body too large",
            format!("the request body is larger than {limit} bytes"),
        )
    }

    /// A problem that its status alone explains (RFC 9457's
    /// `about:blank`, titled with the status's reason phrase): the server
    /// refused the request before any handler saw it.
    pub fn of_status(status: StatusCode, detail: impl Into<String>) -> Self {
        Problem::new(
            status,
            "about:blank",
            status.canonical_reason().unwrap_or("Error"),
            detail.into(),
        )
    }

    /// 414: the request's URI is longer than `limit` bytes.
    pub fn uri_too_long(limit: usize) -> Self {
        Problem::new(
            StatusCode::URI_TOO_LONG,
            "/problems/uri-too-long",
            "URI too long",
            format!("the request's path and query are longer than {limit} bytes"),
        )
    }

    /// 500: the server failed (storage).
    pub fn internal(detail: impl Into<String>) -> Self {
        Problem::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "/problems/internal",
            "Internal server error",
            detail.into(),
        )
    }

    /// Names the field at fault.
    pub fn with_field(mut self, field: impl Into<String>) -> Self {
        self.field = Some(field.into());
        self
    }

    /// The HTTP status.
    pub fn status(&self) -> u16 {
        self.status
    }

    /// The one-line explanation.
    pub fn detail(&self) -> &str {
        &self.detail
    }
}

/// The status, problem type and title of each kind of library error: the
/// client's own input at fault (400), a key that may not write or a
/// signature that does not verify (403), a position another writer took
/// first (409: sign again at the new head), something missing (404), or
/// the server's storage (500). The one place errors become statuses.
pub fn status_of(kind: ErrorKind) -> (StatusCode, &'static str, &'static str) {
    match kind {
        ErrorKind::Forbidden => (
            StatusCode::FORBIDDEN,
            "/problems/forbidden",
            "The signing key may not write this entry",
        ),
        ErrorKind::Signature => (
            StatusCode::FORBIDDEN,
            "/problems/bad-signature",
            "The signature does not verify",
        ),
        ErrorKind::Conflict => (
            StatusCode::CONFLICT,
            "/problems/stale-position",
            "The entry is not at the ledger's next position",
        ),
        ErrorKind::NotFound => (StatusCode::NOT_FOUND, "/problems/not-found", "Not found"),
        ErrorKind::Storage | ErrorKind::Busy | ErrorKind::Damaged => (
            StatusCode::INTERNAL_SERVER_ERROR,
            "/problems/internal",
            "Internal server error",
        ),
        ErrorKind::Input | ErrorKind::Integrity | ErrorKind::Usage | ErrorKind::Unavailable => (
            StatusCode::BAD_REQUEST,
            "/problems/invalid-entry",
            "The entry or request is not valid",
        ),
    }
}

impl From<Error> for Problem {
    fn from(e: Error) -> Self {
        let (status, kind, title) = status_of(e.kind());
        let mut p = Problem::new(status, kind, title, e.to_string());
        p.field = e.field_name().map(str::to_owned);
        p.entry = e.seq().map(|s| s.0);
        p
    }
}

impl IntoResponse for Problem {
    fn into_response(self) -> Response {
        let status = StatusCode::from_u16(self.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        let body = serde_json::to_vec(&self).unwrap_or_default();
        let mut r = (status, body).into_response();
        r.headers_mut().insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/problem+json"),
        );
        r
    }
}
