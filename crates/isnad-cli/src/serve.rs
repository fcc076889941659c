//! `isnad serve`: runs `isnad_server` on a Tokio runtime until SIGINT or
//! SIGTERM.

use std::net::{SocketAddr, ToSocketAddrs as _};
use std::sync::Arc;

use anyhow::{Context as _, Result, anyhow};
use isnad_server::cosigning::Cosigning;
use isnad_server::{AppState, Config, Limits, RequestRecord};

use crate::cli::ServeArgs;
use crate::commands::{Ctx, keys_dir};
use crate::keyfile;
use crate::witnesses::HttpWitnesses;

/// The port `--listen HOST` listens on.
const DEFAULT_PORT: u16 = 8350;

pub(crate) fn listen_addr(raw: &str) -> Result<SocketAddr> {
    let with_port = if raw.parse::<SocketAddr>().is_ok()
        || raw
            .rsplit_once(':')
            .is_some_and(|(h, p)| !h.ends_with(':') && p.parse::<u16>().is_ok())
    {
        raw.to_owned()
    } else {
        format!("{raw}:{DEFAULT_PORT}")
    };
    with_port
        .to_socket_addrs()
        .with_context(|| format!("--listen `{raw}`"))?
        .next()
        .ok_or_else(|| anyhow!("--listen `{raw}`: no address"))
}

/// `serve`.
pub fn run(ctx: &Ctx, a: &ServeArgs) -> Result<()> {
    let listen = listen_addr(&a.listen)?;
    let ledger = ctx.open()?;
    let log_key = match &a.log_key {
        Some(p) => Some(keyfile::read(p)?),
        None => {
            let p = keys_dir(&ctx.ledger).join("log.key");
            p.exists().then(|| keyfile::read(&p)).transpose()?
        }
    };
    if let (Some(k), Some(origin)) = (&log_key, ledger.origin()?) {
        if k.name() != origin {
            anyhow::bail!(
                "the log key is named `{}`, but the ledger's origin is `{origin}`",
                k.name()
            );
        }
    }
    let cosigning = Cosigning::new(
        Box::new(HttpWitnesses::new(a.witness_timeout)),
        Box::new(crate::witnesses::report_served),
    );
    let state = Arc::new(AppState::new(ledger, log_key).with_cosigning(cosigning));
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("starting the server's runtime")?;
    let dir = ctx.ledger.display().to_string();
    runtime
        .block_on(isnad_server::serve(
            state,
            Config {
                listen,
                limits: Limits {
                    header_timeout: a.header_timeout,
                    idle_timeout: a.idle_timeout,
                    max_connections: a.max_connections,
                },
                log: (!a.quiet).then(|| Arc::new(log_request) as isnad_server::RequestLog),
            },
            isnad_server::shutdown_signal(),
            |addr| {
                say(&format!(
                    "isnad: serving {dir} at http://{addr}/ (Ctrl-C stops)"
                ))
            },
        ))
        .with_context(|| format!("serving on {listen}"))?;
    say("isnad: stopped; every acknowledged entry is on disk");
    Ok(())
}

/// The request log: one JSON object a line on standard error
/// (`{"method":"GET","path":"/v1/head","status":200,"ms":0.412}`).
fn log_request(r: &RequestRecord) {
    if let Ok(line) = serde_json::to_string(r) {
        say(&line);
    }
}

/// A line on standard error that is not an error if nobody reads it (a
/// supervisor that closed the pipe must not make the shutdown fail).
pub(crate) fn say(line: &str) {
    use std::io::Write as _;
    let _ = writeln!(std::io::stderr(), "{line}");
}
