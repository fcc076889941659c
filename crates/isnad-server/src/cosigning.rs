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
//! given (the command line writes it on standard error).

use std::sync::{Arc, Condvar, Mutex, PoisonError};

use isnad_core::Error;
use isnad_core::store::witnessing::{WitnessClient, WitnessConfig, WitnessRound};

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
                    (c.report)(&outcome);
                }
            }
        })
        .map(|_| ())
}

/// One round, or `None` when there is nothing to ask (no witness
/// listed, or no checkpoint to show them).
fn round(state: &AppState, c: &Cosigning) -> Result<Option<WitnessRound>, Error> {
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
    ledger.cosign_latest(&config, c.client.as_ref()).map(Some)
}
