//! Asking the ledger's witnesses to cosign, off the request path.
//!
//! One thread per server waits to be woken: once when the server starts
//! and after every new entry. Then it reads the ledger's witness
//! configuration again (`isnad witnesses …` may have changed it), signs the
//! checkpoint of the current size when the server holds the log key, and
//! asks the witnesses for their cosignatures
//! ([`isnad_core::store::witnessing`]). Appends made meanwhile wake it
//! again, so one round may cover many entries; an append never waits for
//! a witness. Each round's outcome goes to the reporter the server was
//! given (the command line writes it on standard error), and what each
//! witness last answered is kept for `GET /v1/witnesses`.
//!
//! [`witnessing`] says which checkpoint `GET /checkpoint` serves: the
//! newest one that met the ledger's quorum, once witnesses are listed.

use std::collections::HashMap;
use std::sync::{Arc, Condvar, Mutex, PoisonError};

use isnad_core::Error;
use isnad_core::checkpoint::SignedCheckpoint;
use isnad_core::cosignature::Quorum;
use isnad_core::store::witnessing::{Asked, WitnessClient, WitnessConfig, WitnessRound};

use crate::AppState;

/// Where each round's outcome goes: the round, or why none could be run.
pub type Reporter = Box<dyn Fn(&Result<WitnessRound, Error>) + Send + Sync>;

/// The witness rounds of one server: how witnesses are reached, where
/// outcomes go, and whether a round is due.
pub struct Cosigning {
    client: Box<dyn WitnessClient + Send + Sync>,
    report: Reporter,
    due: Mutex<Due>,
    woken: Condvar,
    /// Each witness's last answer, by its verifier key.
    answers: Mutex<HashMap<String, LastAnswer>>,
}

/// What a witness last answered in this server's rounds.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LastAnswer {
    /// The size of the checkpoint it was asked about (or had cosigned).
    pub size: u64,
    /// Why it did not cosign it; `None` when it did.
    pub error: Option<String>,
}

#[derive(Default)]
struct Due {
    round: bool,
    stop: bool,
}

impl Cosigning {
    /// Rounds that reach witnesses through `client` and give each outcome
    /// to `report`.
    pub fn new(client: Box<dyn WitnessClient + Send + Sync>, report: Reporter) -> Self {
        Cosigning {
            client,
            report,
            due: Mutex::new(Due::default()),
            woken: Condvar::new(),
            answers: Mutex::new(HashMap::new()),
        }
    }

    fn due(&self) -> std::sync::MutexGuard<'_, Due> {
        // The flags are plain booleans: a panic cannot leave them torn.
        self.due.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Asks for a round (after an append); returns at once.
    pub fn wake(&self) {
        self.due().round = true;
        self.woken.notify_one();
    }

    /// Stops the thread after its current round.
    pub fn stop(&self) {
        self.due().stop = true;
        self.woken.notify_one();
    }

    /// The last answer of the witness with verifier key `vkey` since the
    /// server started, if it was asked.
    pub fn last_answer(&self, vkey: &str) -> Option<LastAnswer> {
        // Whole values are inserted: a panic cannot leave one torn.
        self.answers
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .get(vkey)
            .cloned()
    }

    fn remember(&self, round: &WitnessRound) {
        let size = round.checkpoint().size();
        let mut answers = self.answers.lock().unwrap_or_else(PoisonError::into_inner);
        for (w, asked) in round.results() {
            let error = match asked {
                Asked::Failed(f) => Some(f.to_string()),
                _ => None,
            };
            answers.insert(w.key().to_string(), LastAnswer { size, error });
        }
    }

    /// Waits for a round to be due; false once stopped.
    fn wait(&self) -> bool {
        let mut due = self.due();
        while !due.round && !due.stop {
            due = self.woken.wait(due).unwrap_or_else(PoisonError::into_inner);
        }
        due.round = false;
        !due.stop
    }
}

/// Starts the rounds of `state` on a thread of their own, with a first
/// round due; a server without [`Cosigning`] starts nothing.
///
/// # Errors
/// When the thread cannot be started.
pub fn start(state: &Arc<AppState>) -> std::io::Result<()> {
    let Some(c) = state.cosigning() else {
        return Ok(());
    };
    c.wake();
    let state = Arc::clone(state);
    std::thread::Builder::new()
        .name("isnad-witnesses".into())
        .spawn(move || {
            let Some(c) = state.cosigning() else {
                return;
            };
            while c.wait() {
                if let Some(outcome) = round(&state, c).transpose() {
                    if let Ok((config, r)) = &outcome {
                        c.remember(r);
                        if r.met() {
                            met(&state, config, r.checkpoint());
                        }
                    }
                    (c.report)(&outcome.map(|(_, r)| r));
                }
            }
        })
        .map(|_| ())
}

/// One round with the configuration it ran with, or `None` when there
/// is nothing to ask (no witness listed, or no checkpoint to show them).
fn round(state: &AppState, c: &Cosigning) -> Result<Option<(WitnessConfig, WitnessRound)>, Error> {
    let ledger = state.ledger();
    let config = WitnessConfig::load(ledger.dir())?;
    if config.is_empty() {
        return Ok(None);
    }
    if let Some(key) = state.log_key() {
        ledger.sign_checkpoint(key)?;
    } else if ledger.latest_checkpoint()?.is_none() {
        return Ok(None);
    }
    let round = ledger.cosign_latest(&config, c.client.as_ref())?;
    Ok(Some((config, round)))
}

/// The newest checkpoint known to meet a quorum, and the largest
/// checkpoint already looked at for it. Checkpoints gain cosignatures only
/// in this server's rounds, which report each one that meets the quorum
/// ([`met`]); so a request looks only at checkpoints signed since the last
/// look, and a witness that stays down costs one look per checkpoint, not
/// one per request.
pub struct Witnessed {
    quorum: Quorum,
    met: Option<SignedCheckpoint>,
    examined: Option<u64>,
}

/// Which checkpoint the server publishes at `GET /checkpoint`.
#[derive(Debug)]
#[non_exhaustive]
pub enum Witnessing {
    /// The ledger lists no witness, or needs none: the newest checkpoint.
    Off,
    /// The newest checkpoint with cosignatures from `quorum`, if any.
    On {
        /// The quorum of the ledger's witnesses, as configured now.
        quorum: Quorum,
        /// The newest checkpoint that met it.
        met: Option<SignedCheckpoint>,
    },
}

/// The ledger's witnessing as its configuration stands now (read again
/// at each call, as the rounds do), with the newest checkpoint that met
/// its quorum.
///
/// # Errors
/// An unusable witness configuration; storage errors.
pub fn witnessing(state: &AppState) -> Result<Witnessing, Error> {
    let ledger = state.ledger();
    let config = WitnessConfig::load(ledger.dir())?;
    if config.needed() == 0 {
        return Ok(Witnessing::Off);
    }
    let quorum = config.reader_quorum()?;
    let mut cache = state.witnessed();
    if cache.as_ref().is_some_and(|c| c.quorum != quorum) {
        *cache = None;
    }
    let c = cache.get_or_insert_with(|| Witnessed {
        quorum: quorum.clone(),
        met: None,
        examined: None,
    });
    let latest = ledger.latest_checkpoint()?.map(|cp| cp.size());
    if latest > c.examined {
        if let Some(cp) = ledger.newest_checkpoint_meeting(&quorum, c.examined)? {
            c.met = Some(cp);
        }
        c.examined = latest;
    }
    Ok(Witnessing::On {
        quorum,
        met: c.met.clone(),
    })
}

/// A round's checkpoint met the quorum of `config`: it is the newest that
/// did, unless the configuration changed meanwhile (the next look starts
/// again).
fn met(state: &AppState, config: &WitnessConfig, cp: &SignedCheckpoint) {
    let Ok(quorum) = config.reader_quorum() else {
        return;
    };
    let mut cache = state.witnessed();
    if let Some(c) = cache.as_mut().filter(|c| c.quorum == quorum) {
        if c.met.as_ref().is_none_or(|m| m.size() <= cp.size()) {
            c.met = Some(cp.clone());
        }
    }
}
