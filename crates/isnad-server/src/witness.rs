//! The C2SP tlog-witness HTTP interface of an `isnad_core::witness::Witness`:
//! `POST /add-checkpoint`, answered with the witness's cosignature line or
//! the status the protocol gives each refusal.

use std::net::SocketAddr;
use std::sync::Arc;

use axum::Router;
use axum::extract::{DefaultBodyLimit, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use isnad_core::add_checkpoint::AddCheckpoint;
use isnad_core::error::Refusal;
use isnad_core::witness::Witness;
use isnad_core::{Error, ErrorKind};

/// The largest request body: 63 proof lines and a note of a few
/// signatures fit many times over.
const MAX_BODY: usize = 64 * 1024;

/// The witness's routes.
pub fn router(witness: Arc<Witness>) -> Router {
    Router::new()
        .route("/add-checkpoint", post(add_checkpoint))
        .layer(DefaultBodyLimit::max(MAX_BODY))
        .with_state(witness)
}

/// Serves `witness` on `listen` until `shutdown` completes. `ready` is
/// called with the bound address.
///
/// # Errors
/// When the address cannot be bound or the server fails.
pub async fn serve(
    witness: Arc<Witness>,
    listen: SocketAddr,
    shutdown: impl Future<Output = ()> + Send + 'static,
    ready: impl FnOnce(SocketAddr),
) -> std::io::Result<()> {
    let listener = tokio::net::TcpListener::bind(listen).await?;
    ready(listener.local_addr()?);
    axum::serve(listener, router(witness))
        .with_graceful_shutdown(shutdown)
        .await
}

fn text(status: StatusCode, body: String) -> Response {
    (
        status,
        [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
        body,
    )
        .into_response()
}

async fn add_checkpoint(State(witness): State<Arc<Witness>>, body: String) -> Response {
    let req = match AddCheckpoint::parse(&body) {
        Ok(r) => r,
        Err(e) => return text(StatusCode::BAD_REQUEST, format!("{e}\n")),
    };
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    // Checking and storing block on the disk; keep them off the runtime.
    let done = tokio::task::spawn_blocking(move || witness.add_checkpoint(&req, now)).await;
    match done {
        Ok(Ok(cosignature)) => text(StatusCode::OK, cosignature.line()),
        Ok(Err(e)) => refusal(&e),
        Err(e) => text(StatusCode::INTERNAL_SERVER_ERROR, format!("{e}\n")),
    }
}

fn refusal(e: &Error) -> Response {
    match e {
        Error::Witness {
            refusal: Refusal::StaleOldSize { latest },
            ..
        } => (
            StatusCode::CONFLICT,
            [(header::CONTENT_TYPE, "text/x.tlog.size")],
            format!("{latest}\n"),
        )
            .into_response(),
        Error::Witness { refusal, .. } => text(
            StatusCode::from_u16(refusal.http_status())
                .unwrap_or(StatusCode::INTERNAL_SERVER_ERROR),
            format!("{e}\n"),
        ),
        // A note too malformed to name its log.
        _ if matches!(e.kind(), ErrorKind::Input | ErrorKind::Integrity) => {
            text(StatusCode::BAD_REQUEST, format!("{e}\n"))
        }
        _ => text(StatusCode::INTERNAL_SERVER_ERROR, format!("{e}\n")),
    }
}
