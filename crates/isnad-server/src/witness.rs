//! The C2SP tlog-witness HTTP interface of an `isnad_core::witness::Witness`:
//! `POST /add-checkpoint`, answered with the witness's cosignature line or
//! the status the protocol gives each refusal
//! (`isnad_core::witness::Witness::answer`).

use std::net::SocketAddr;
use std::sync::Arc;

use axum::Router;
use axum::extract::{DefaultBodyLimit, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use isnad_core::witness::Witness;

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

async fn add_checkpoint(State(witness): State<Arc<Witness>>, body: String) -> Response {
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    // Checking and storing block on the disk; keep them off the runtime.
    match tokio::task::spawn_blocking(move || witness.answer(&body, now)).await {
        Ok(a) => (
            StatusCode::from_u16(a.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR),
            [(header::CONTENT_TYPE, a.content_type)],
            a.body,
        )
            .into_response(),
        Err(e) => (StatusCode::INTERNAL_SERVER_ERROR, format!("{e}\n")).into_response(),
    }
}
