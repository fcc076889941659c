//! # isnad-server
//!
//! isnad as a service. sled lets one process open a ledger; this crate is
//! that process for a newsroom: it owns the ledger and serves many writers
//! and readers over HTTP.
//!
//! - **Writing**: `POST /v1/entries` takes one entry signed by the client
//!   (`isnad --server URL claim add …` signs locally and posts) and applies
//!   exactly the checks of a local append. Keys never leave the writers.
//! - **Reading**: entries, claims with chains, verdicts and credibility,
//!   sources with scores and explanations, inclusion and consistency
//!   proofs, under `/v1/`; the signed checkpoint at `/checkpoint` and the
//!   log's C2SP tiles under `/tile/` (the layout `isnad export tiles`
//!   writes and `isnad mirror` follows); the OpenAPI document at
//!   `/v1/openapi.json`.
//! - **Errors**: RFC 9457 problem details ([`problem`]).
//! - **The web explorer** at `/`: claim search, claim pages with their
//!   attribution chains drawn, source pages with their grades and history,
//!   the latest checkpoint and proofs to download ([`explorer`]). Its routes
//!   are pages, not API, and are not in [`ROUTES`].
//!
//! The routes are in [`router`]; [`serve`] runs them until a shutdown
//! signal, finishing the requests in flight. Every append is durable before
//! it is acknowledged, so a shutdown (or a crash) loses nothing a client
//! was told was written.
//!
//! ```
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! use isnad_core::{KeyPair, Timestamp};
//!
//! let dir = tempfile::tempdir()?;
//! let admin = KeyPair::from_seed("admin", &[1; 32])?;
//! let ledger = isnad_core::init(dir.path(), &admin, Timestamp::parse("2025-02-18T08:00:00Z")?)?;
//! let state = isnad_server::AppState::new(ledger, None);
//! let app = isnad_server::router(std::sync::Arc::new(state));
//! # let _ = app;
//! # Ok(())
//! # }
//! ```

#![forbid(unsafe_code)]

pub mod api;
pub mod explorer;
pub mod openapi;
pub mod problem;
pub mod state;

use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::routing::get;

pub use problem::Problem;
pub use state::AppState;

/// Every API route the server answers, with its handler. The OpenAPI
/// document ([`openapi::document`]) lists the same paths; a test keeps them
/// equal. The explorer's pages ([`explorer::PAGES`]) are not API and are
/// not listed here.
pub const ROUTES: &[(&str, &str)] = &[
    ("get", "/v1/head"),
    ("get", "/v1/entries"),
    ("post", "/v1/entries"),
    ("get", "/v1/entries/{id}"),
    ("get", "/v1/claims"),
    ("get", "/v1/claims/{id}"),
    ("get", "/v1/sources"),
    ("get", "/v1/sources/{slug}"),
    ("get", "/v1/sources/{slug}/history"),
    ("get", "/v1/scores"),
    ("get", "/v1/proofs/inclusion/{id}"),
    ("get", "/v1/proofs/consistency"),
    ("get", "/v1/openapi.json"),
    ("get", "/checkpoint"),
    ("get", "/tile/{path}"),
];

/// The application: every route of [`ROUTES`] over `state`, and the
/// explorer's pages ([`explorer::routes`]).
pub fn router(state: Arc<AppState>) -> Router {
    use api::*;
    Router::new()
        .route("/v1/head", get(head))
        .route("/v1/entries", get(entries).post(post_entry))
        .route("/v1/entries/{id}", get(entry))
        .route("/v1/claims", get(claims))
        .route("/v1/claims/{id}", get(claim))
        .route("/v1/sources", get(sources))
        .route("/v1/sources/{slug}", get(source))
        .route("/v1/sources/{slug}/history", get(source_history))
        .route("/v1/scores", get(scores))
        .route("/v1/proofs/inclusion/{id}", get(inclusion))
        .route("/v1/proofs/consistency", get(consistency))
        .route("/v1/openapi.json", get(openapi::serve))
        .route("/checkpoint", get(checkpoint))
        .route("/tile/{*path}", get(tile))
        .merge(explorer::routes())
        .fallback(not_found)
        .layer(DefaultBodyLimit::max(state::MAX_BODY))
        .with_state(state)
}

/// Unknown paths are problems too.
async fn not_found(uri: axum::http::Uri) -> Problem {
    Problem::not_found(format!("no route {}", uri.path()))
}

/// How to serve.
#[derive(Clone, Debug)]
pub struct Config {
    /// Address to listen on.
    pub listen: SocketAddr,
}

/// Serves `state` on `config.listen` until `shutdown` completes, then
/// finishes the requests in flight and flushes the ledger. `ready` is
/// called with the bound address (useful with port 0).
///
/// # Errors
/// Binding the address, or serving.
pub async fn serve(
    state: Arc<AppState>,
    config: Config,
    shutdown: impl Future<Output = ()> + Send + 'static,
    ready: impl FnOnce(SocketAddr),
) -> std::io::Result<()> {
    let listener = tokio::net::TcpListener::bind(config.listen).await?;
    ready(listener.local_addr()?);
    let app = router(Arc::clone(&state));
    axum::serve(listener, app)
        .with_graceful_shutdown(shutdown)
        .await?;
    // Appends flush before they are acknowledged; this is for the rest
    // (signed checkpoints).
    let flushed = tokio::task::spawn_blocking(move || state.ledger().flush()).await;
    match flushed {
        Ok(Ok(())) => Ok(()),
        Ok(Err(e)) => Err(std::io::Error::other(e.to_string())),
        Err(e) => Err(std::io::Error::other(e.to_string())),
    }
}

/// Completes on SIGINT or SIGTERM.
pub async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = term => {},
    }
}
