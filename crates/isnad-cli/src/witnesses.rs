//! `isnad witnesses …`: the witnesses this ledger asks to cosign its
//! checkpoints and its quorum (`isnad_core::store::witnessing`), and the
//! plain blocking HTTP client that `checkpoint`, `prove`, `export tiles`
//! and `serve` reach them with.

use std::time::Duration;

use anyhow::{Context as _, Result};
use isnad_core::store::witnessing::{
    Asked, LogWitness, Reply, WitnessClient, WitnessConfig, WitnessRound,
};
use isnad_core::{Error, Ledger};
use serde_json::{Value, json};

use crate::QuorumNotMet;
use crate::cli::WitnessesCommand;
use crate::commands::{Ctx, read_cosigner_key};
use crate::output::{outln, print_json};
use crate::serve::say;

/// How long a witness may take to answer when the command gives no
/// `--witness-timeout`.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(5);

/// The largest answer read from a witness: a few signature lines.
const MAX_ANSWER: u64 = 64 * 1024;

/// Witnesses reached over HTTP(S), each request within a timeout.
pub struct HttpWitnesses {
    agent: ureq::Agent,
}

impl HttpWitnesses {
    /// A client whose every request, connection and answer included,
    /// takes at most `timeout`.
    pub fn new(timeout: Duration) -> Self {
        let agent = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .timeout_global(Some(timeout))
            .build()
            .into();
        HttpWitnesses { agent }
    }
}

impl WitnessClient for HttpWitnesses {
    fn add_checkpoint(&self, witness: &LogWitness, body: &str) -> Result<Reply, Error> {
        let endpoint = witness.endpoint();
        let failed = |reason: String| Error::Fetch {
            path: endpoint.clone(),
            reason,
        };
        let mut resp = self
            .agent
            .post(&endpoint)
            .header("content-type", "text/plain; charset=utf-8")
            .send(body.as_bytes())
            .map_err(|e| failed(e.to_string()))?;
        let status = resp.status().as_u16();
        let text = resp
            .body_mut()
            .with_config()
            .limit(MAX_ANSWER)
            .read_to_string()
            .map_err(|e| failed(e.to_string()))?;
        Ok(Reply::new(status, text))
    }
}

/// `witnesses …`: reads and writes `witnesses.json` in the ledger's
/// directory, without opening the store (so it works while `isnad serve`
/// runs; the server reads the file again before each round).
pub fn run(ctx: &Ctx, command: WitnessesCommand) -> Result<()> {
    let dir = &ctx.ledger;
    let mut config = WitnessConfig::load(dir)?;
    match command {
        WitnessesCommand::Add { url, vkey } => {
            let key = read_cosigner_key(&vkey, "--vkey")?;
            let witness = LogWitness::new(&url, key).context("URL")?;
            let said = format!(
                "isnad: asking witness {} at {}",
                witness.name(),
                witness.url()
            );
            config.add(witness).context("--vkey")?;
            config.save(dir)?;
            say(&format!("{said}; {}", quorum_text(&config)));
        }
        WitnessesCommand::Remove { witness } => {
            let gone = config.remove(&witness)?;
            config.save(dir)?;
            say(&format!(
                "isnad: no longer asking witness {} at {}; {}",
                gone.name(),
                gone.url(),
                quorum_text(&config)
            ));
        }
        WitnessesCommand::Quorum { quorum } => {
            let k = match quorum.trim() {
                "all" => None,
                n => Some(n.parse::<usize>().map_err(|_| {
                    anyhow::anyhow!("quorum `{n}`: give a number of witnesses or `all`")
                })?),
            };
            config.set_quorum(k)?;
            config.save(dir)?;
            say(&format!("isnad: {}", quorum_text(&config)));
        }
        WitnessesCommand::List => {
            if ctx.json {
                print_json(&json!({
                    "quorum": config.needed(),
                    "witnesses": config.witnesses().iter().map(|w| json!({
                        "name": w.name(),
                        "url": w.url(),
                        "vkey": w.key().to_string(),
                    })).collect::<Vec<_>>(),
                }))?;
            } else {
                outln!("{}", quorum_text(&config));
                for w in config.witnesses() {
                    outln!("{} {} {}", w.name(), w.url(), w.key());
                }
            }
        }
    }
    Ok(())
}

/// "quorum: 2 of the 3 witnesses".
fn quorum_text(config: &WitnessConfig) -> String {
    let all = config.witnesses().len();
    format!(
        "quorum: {} of the {all} witness{}{}",
        config.needed(),
        if all == 1 { "" } else { "es" },
        if config.quorum_setting().is_none() {
            " (all)"
        } else {
            ""
        }
    )
}

/// Asks the witnesses of `config` to cosign the ledger's latest
/// checkpoint; `None` when it lists none.
pub(crate) fn cosign(
    ledger: &Ledger,
    config: &WitnessConfig,
    timeout: Duration,
) -> Result<Option<WitnessRound>> {
    if config.is_empty() {
        return Ok(None);
    }
    Ok(Some(
        ledger.cosign_latest(config, &HttpWitnesses::new(timeout))?,
    ))
}

/// One line for each witness that did not cosign in `round`.
pub(crate) fn failures(round: &WitnessRound) -> Vec<String> {
    round
        .failures()
        .map(|(w, f)| {
            format!(
                "witness {} ({}) did not cosign the checkpoint of size {}: {f}",
                w.name(),
                w.url(),
                round.checkpoint().size()
            )
        })
        .collect()
}

/// Says on standard error which witnesses did not cosign.
pub(crate) fn report(round: &WitnessRound) {
    for line in failures(round) {
        say(&format!("isnad: {line}"));
    }
}

/// The round's summary, as an error when the quorum is not met.
pub(crate) fn check_quorum(round: &WitnessRound) -> Result<()> {
    if round.met() {
        return Ok(());
    }
    Err(QuorumNotMet(format!(
        "{} of the {} witnesses needed cosigned the checkpoint of size {}: {}",
        round.cosigned(),
        round.needed(),
        round.checkpoint().size(),
        failures(round).join("; ")
    ))
    .into())
}

/// The round as JSON: each witness and whether it cosigned.
pub(crate) fn round_json(round: &WitnessRound) -> Value {
    json!({
        "cosigned": round.cosigned(),
        "quorum": round.needed(),
        "witnesses": round.results().iter().map(|(w, a)| json!({
            "name": w.name(),
            "url": w.url(),
            "cosigned": a.cosigned(),
            "error": match a {
                Asked::Failed(f) => Some(f.to_string()),
                _ => None,
            },
        })).collect::<Vec<_>>(),
    })
}

/// What `serve` says of each round: the witnesses that did not cosign,
/// and how many did, on standard error.
pub(crate) fn report_served(outcome: &Result<WitnessRound, Error>) {
    match outcome {
        Ok(round) => {
            if round.results().iter().all(|(_, a)| *a == Asked::Had) {
                return;
            }
            report(round);
            say(&format!(
                "isnad: checkpoint of size {} cosigned by {} of the {} witnesses ({} needed)",
                round.checkpoint().size(),
                round.cosigned(),
                round.results().len(),
                round.needed()
            ));
        }
        Err(e) => say(&format!("isnad: witnesses: {e}")),
    }
}
