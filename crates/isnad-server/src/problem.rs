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
use isnad_core::Error;
use serde::Serialize;

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
            detail,
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

impl From<Error> for Problem {
    /// What each library error means for a client: its own input at fault
    /// (400), a key that may not write (403), a position another writer
    /// took first (409: sign again at the new head), something missing
    /// (404), or the server's storage (500).
    fn from(e: Error) -> Self {
        let detail = e.to_string();
        let (status, kind, title) = match &e {
            Error::NotEnrolled { .. } | Error::Revoked { .. } | Error::RoleNotAllowed { .. } => (
                StatusCode::FORBIDDEN,
                "/problems/forbidden",
                "The signing key may not write this entry",
            ),
            Error::BadSignature { .. } => (
                StatusCode::FORBIDDEN,
                "/problems/bad-signature",
                "The signature does not verify",
            ),
            Error::Sequence { .. } | Error::PrevLink { .. } => (
                StatusCode::CONFLICT,
                "/problems/stale-position",
                "The entry is not at the ledger's next position",
            ),
            Error::UnknownId { .. } | Error::NoTile { .. } => {
                (StatusCode::NOT_FOUND, "/problems/not-found", "Not found")
            }
            Error::Storage(_) | Error::Io { .. } | Error::Corrupt { .. } | Error::InUse { .. } => (
                StatusCode::INTERNAL_SERVER_ERROR,
                "/problems/internal",
                "Internal server error",
            ),
            _ => (
                StatusCode::BAD_REQUEST,
                "/problems/invalid-entry",
                "The entry or request is not valid",
            ),
        };
        let mut p = Problem::new(status, kind, title, detail);
        p.field = field_of(&e);
        p.entry = entry_of(&e);
        p
    }
}

/// The field an error names, if any.
fn field_of(e: &Error) -> Option<String> {
    match e {
        Error::Field { field, .. } | Error::Reference { field, .. } => Some(field.clone()),
        Error::Time { .. } => Some("time".into()),
        Error::BadSignature { .. } => Some("sig".into()),
        Error::NotEnrolled { .. } | Error::Revoked { .. } | Error::RoleNotAllowed { .. } => {
            Some("signer".into())
        }
        Error::Sequence { .. } => Some("seq".into()),
        Error::PrevLink { .. } => Some("prev".into()),
        _ => None,
    }
}

/// The entry (sequence number) an error names, if any.
fn entry_of(e: &Error) -> Option<u64> {
    match e {
        Error::Sequence { seq, .. }
        | Error::PrevLink { seq, .. }
        | Error::BadSignature { seq, .. }
        | Error::NotEnrolled { seq, .. }
        | Error::Revoked { seq, .. }
        | Error::RoleNotAllowed { seq, .. }
        | Error::Reference { seq, .. }
        | Error::Time { seq, .. }
        | Error::NotCanonical { seq } => Some(seq.0),
        _ => None,
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
