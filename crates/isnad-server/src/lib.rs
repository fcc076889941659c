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
//!   sources with scores and explanations, fact-checkers with their
//!   weights, inclusion and consistency
//!   proofs, under `/v1/`; the signed checkpoint at `/checkpoint` and the
//!   log's C2SP tiles under `/tile/` (the layout `isnad export tiles`
//!   writes and `isnad mirror` follows); the OpenAPI document at
//!   `/v1/openapi.json`.
//! - **Witnesses**: after appends, a thread of its own signs the new
//!   checkpoint and asks the ledger's witnesses to cosign it
//!   ([`cosigning`]); `/checkpoint` and proofs carry the cosignatures.
//! - **Errors**: RFC 9457 problem details ([`problem`]).
//! - **The web explorer** at `/`: claim search, claim pages with their
//!   attribution chains drawn, source pages with their grades and history,
//!   checker pages with their weights,
//!   the latest checkpoint and proofs to download ([`explorer`]). Its routes
//!   are pages, not API, and are not in [`API`].
//!
//! The API's routes are the table [`API`], which [`router`] is built from
//! and the OpenAPI document is checked against; [`serve`] runs them until a shutdown
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
pub mod connections;
pub mod cosigning;
pub mod derived;
pub mod explorer;
pub mod openapi;
pub mod problem;
pub mod requests;
pub mod state;
pub mod witness;

use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::routing::{MethodFilter, MethodRouter};

pub use connections::Limits;
pub use problem::Problem;
pub use requests::{RequestLog, RequestRecord};
pub use state::AppState;

/// An HTTP method of the API.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Method {
    /// `GET` (which also answers `HEAD`).
    Get,
    /// `POST`.
    Post,
}

impl Method {
    /// Its name in lower case, as the OpenAPI document's keys give it.
    pub const fn as_str(self) -> &'static str {
        match self {
            Method::Get => "get",
            Method::Post => "post",
        }
    }

    fn filter(self) -> MethodFilter {
        match self {
            Method::Get => MethodFilter::GET,
            Method::Post => MethodFilter::POST,
        }
    }
}

/// One route of the API: [`router`] serves exactly these, and the OpenAPI
/// document ([`openapi::document`]) describes exactly these (a test keeps
/// its paths and methods equal to the table's).
#[derive(Clone, Copy, Debug)]
pub struct Route {
    /// The method.
    pub method: Method,
    /// The path as the OpenAPI document gives it. A final `{path}`
    /// parameter takes the rest of the URL, slashes included (OpenAPI has
    /// no such parameter, so the document names it as one).
    pub path: &'static str,
    /// The handler, routed on the method it is given (the method is said
    /// once, above).
    pub handler: fn(MethodFilter) -> MethodRouter<api::Shared>,
}

impl Route {
    /// The router's pattern for [`Route::path`].
    fn pattern(&self) -> String {
        match self.path.strip_suffix("/{path}") {
            Some(prefix) => format!("{prefix}/{{*path}}"),
            None => self.path.to_owned(),
        }
    }
}

/// Every API route the server answers, with its handler. The explorer's
/// pages ([`explorer::PAGES`]) are not API and are not listed here.
pub const API: &[Route] = {
    use Method::{Get, Post};
    use api::*;
    use axum::routing::on;
    &[
        Route {
            method: Get,
            path: "/v1/head",
            handler: |m| on(m, head),
        },
        Route {
            method: Get,
            path: "/v1/entries",
            handler: |m| on(m, entries),
        },
        Route {
            method: Post,
            path: "/v1/entries",
            handler: |m| on(m, post_entry),
        },
        Route {
            method: Get,
            path: "/v1/entries/{id}",
            handler: |m| on(m, entry),
        },
        Route {
            method: Get,
            path: "/v1/keys",
            handler: |m| on(m, key),
        },
        Route {
            method: Get,
            path: "/v1/claims",
            handler: |m| on(m, claims),
        },
        Route {
            method: Post,
            path: "/v1/match",
            handler: |m| on(m, match_claim),
        },
        Route {
            method: Get,
            path: "/v1/claims/{id}",
            handler: |m| on(m, claim),
        },
        Route {
            method: Get,
            path: "/v1/sources",
            handler: |m| on(m, sources),
        },
        Route {
            method: Get,
            path: "/v1/sources/{slug}",
            handler: |m| on(m, source),
        },
        Route {
            method: Get,
            path: "/v1/sources/{slug}/history",
            handler: |m| on(m, source_history),
        },
        Route {
            method: Get,
            path: "/v1/checkers",
            handler: |m| on(m, checkers),
        },
        Route {
            method: Get,
            path: "/v1/checkers/{id}",
            handler: |m| on(m, checker),
        },
        Route {
            method: Get,
            path: "/v1/scores",
            handler: |m| on(m, scores),
        },
        Route {
            method: Get,
            path: "/v1/proofs/inclusion/{id}",
            handler: |m| on(m, inclusion),
        },
        Route {
            method: Get,
            path: "/v1/proofs/consistency",
            handler: |m| on(m, consistency),
        },
        Route {
            method: Get,
            path: "/v1/openapi.json",
            handler: |m| on(m, openapi::serve),
        },
        Route {
            method: Get,
            path: "/v1/checkpoint/latest",
            handler: |m| on(m, latest_checkpoint),
        },
        Route {
            method: Get,
            path: "/v1/witnesses",
            handler: |m| on(m, witnesses),
        },
        Route {
            method: Get,
            path: "/checkpoint",
            handler: |m| on(m, checkpoint),
        },
        Route {
            method: Get,
            path: "/tile/{path}",
            handler: |m| on(m, tile),
        },
    ]
};

/// Every API route as (method, path): [`API`] without its handlers, for
/// callers that compare it with a document.
pub const ROUTES: &[(&str, &str)] = &{
    let mut out = [("", ""); API.len()];
    let mut i = 0;
    while i < API.len() {
        out[i] = (API[i].method.as_str(), API[i].path);
        i += 1;
    }
    out
};

/// The application: every route of [`API`] over `state`, and the
/// explorer's pages ([`explorer::routes`]), each request through
/// [`requests::envelope`] with no request log.
pub fn router(state: Arc<AppState>) -> Router {
    router_logged(state, None)
}

/// [`router`], giving each request's record to `log` when there is one.
pub fn router_logged(state: Arc<AppState>, log: Option<RequestLog>) -> Router {
    let mut app = Router::new();
    for r in API {
        // A second method on a path joins the first (axum merges them).
        app = app.route(&r.pattern(), (r.handler)(r.method.filter()));
    }
    app.merge(explorer::routes())
        .fallback(not_found)
        .layer(DefaultBodyLimit::max(state::MAX_BODY))
        .with_state(state)
        .layer(axum::middleware::from_fn_with_state(
            log,
            requests::envelope,
        ))
}

/// Unknown paths are problems too.
async fn not_found(uri: axum::http::Uri) -> Problem {
    Problem::not_found(format!("no route {}", problem::quote(uri.path())))
}

/// How to serve.
#[derive(Clone)]
pub struct Config {
    /// Address to listen on.
    pub listen: SocketAddr,
    /// Timeouts and the connection limit.
    pub limits: Limits,
    /// Where each request's record goes, if anywhere.
    pub log: Option<RequestLog>,
}

impl Config {
    /// Listening on `listen` with the default [`Limits`] and no request log.
    pub fn new(listen: SocketAddr) -> Config {
        Config {
            listen,
            limits: Limits::default(),
            log: None,
        }
    }
}

impl std::fmt::Debug for Config {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Config")
            .field("listen", &self.listen)
            .field("limits", &self.limits)
            .field("log", &self.log.is_some())
            .finish()
    }
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
    cosigning::start(&state)?;
    let app = router_logged(Arc::clone(&state), config.log);
    let served = connections::run(listener, app, config.limits, shutdown).await;
    if let Some(c) = state.cosigning() {
        c.stop();
    }
    served?;
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

#[cfg(test)]
mod tests {
    use super::*;

    // ROUTES is API without its handlers; only the tile route takes the
    // rest of the URL.
    #[test]
    fn routes_are_the_table_and_patterns_follow_paths() {
        assert_eq!(ROUTES.len(), API.len());
        for (r, (method, path)) in API.iter().zip(ROUTES) {
            assert_eq!((r.method.as_str(), r.path), (*method, *path));
            let pattern = r.pattern();
            if r.path == "/tile/{path}" {
                assert_eq!(pattern, "/tile/{*path}");
            } else {
                assert_eq!(pattern, r.path);
            }
        }
    }
}
