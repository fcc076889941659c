//! What the server holds: the ledger, its log key, and the state derived
//! from it ([`crate::derived`]): the score replay and every source and
//! claim as they stand, extended by each append rather than rebuilt.
//!
//! A request reads the latest [`Snapshot`]. When the ledger has grown
//! since it was made, the request brings it up to date first, folding
//! only the new entries and scoring once; [`AppState::refresh`] does the
//! same right after an append, off the request path, so that the next
//! reader usually finds it done. One thread folds at a time; the others
//! wait for its result rather than repeat it.
//!
//! Every method here blocks (sled, scoring): handlers call them through
//! `tokio::task::spawn_blocking`.

use std::sync::{Arc, Mutex, PoisonError, RwLock};

use isnad_core::{KeyPair, Ledger, SourceId};
use serde::Serialize;

use crate::cosigning::{Cosigning, Witnessed};
use crate::derived::{Derived, HISTORY_POINTS, Snapshot};
use crate::problem::Problem;

/// Largest request body accepted, in bytes: one entry line at its largest
/// plus room for a trailing newline.
pub const MAX_BODY: usize = isnad_core::limits::MAX_ENTRY_BYTES + 2;

/// One point of a source's history: its expected value as of an entry.
#[derive(Clone, Debug, Serialize)]
pub struct Point {
    /// The entry the replay stopped at.
    pub seq: u64,
    /// That entry's time.
    pub time: String,
    /// The source's expected value E then (0-1).
    pub expected: f64,
    /// Its Admiralty grade then.
    pub grade: String,
}

/// The server's state, shared by every request.
pub struct AppState {
    ledger: Arc<Ledger>,
    log_key: Option<KeyPair>,
    /// The latest snapshot published.
    current: RwLock<Option<Arc<Snapshot>>>,
    /// The state being extended; held by the one thread folding.
    derived: Mutex<Option<Derived>>,
    /// The witness rounds, when the server asks witnesses.
    cosigning: Option<Cosigning>,
    /// The newest checkpoint known to meet the ledger's quorum
    /// ([`crate::cosigning::witnessing`]).
    witnessed: Mutex<Option<Witnessed>>,
}

impl AppState {
    /// A server for `ledger`, signing checkpoints with `log_key` when given.
    /// Nothing is derived until the first request (or
    /// [`AppState::refresh`]).
    pub fn new(ledger: Ledger, log_key: Option<KeyPair>) -> Self {
        AppState {
            ledger: Arc::new(ledger),
            log_key,
            current: RwLock::new(None),
            derived: Mutex::new(None),
            cosigning: None,
            witnessed: Mutex::new(None),
        }
    }

    /// This server, asking the ledger's witnesses to cosign its
    /// checkpoints as [`crate::cosigning`] says ([`crate::serve`] starts
    /// the rounds).
    #[must_use]
    pub fn with_cosigning(mut self, cosigning: Cosigning) -> Self {
        self.cosigning = Some(cosigning);
        self
    }

    /// The witness rounds, if the server runs them.
    pub fn cosigning(&self) -> Option<&Cosigning> {
        self.cosigning.as_ref()
    }

    /// What is known of the newest checkpoint that met the quorum. Its
    /// fields are replaced whole, so a panic cannot leave them torn.
    pub(crate) fn witnessed(&self) -> std::sync::MutexGuard<'_, Option<Witnessed>> {
        self.witnessed
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
    }

    /// The ledger.
    pub fn ledger(&self) -> &Ledger {
        &self.ledger
    }

    /// The log key, if the server signs checkpoints.
    pub fn log_key(&self) -> Option<&KeyPair> {
        self.log_key.as_ref()
    }

    fn published(&self) -> Option<Arc<Snapshot>> {
        // A panic while publishing leaves the previous snapshot, which is
        // still a true (older) state.
        self.current
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }

    /// The derived state at the ledger's current length, brought up to
    /// date first if the ledger grew.
    ///
    /// # Errors
    /// Storage errors.
    pub fn snapshot(&self) -> Result<Arc<Snapshot>, Problem> {
        let len = self.ledger.len()?;
        if let Some(s) = self.published() {
            if s.len >= len {
                return Ok(s);
            }
        }
        self.refresh()
    }

    /// Folds whatever was appended since the last snapshot and publishes
    /// a new one. A thread that finds another folding waits for it, then
    /// folds only what is left.
    ///
    /// # Errors
    /// Storage errors.
    pub fn refresh(&self) -> Result<Arc<Snapshot>, Problem> {
        // A panic while folding leaves a state that may be part way
        // through an entry: start again from nothing.
        let mut guard = match self.derived.lock() {
            Ok(g) => g,
            Err(poisoned) => {
                let mut g = poisoned.into_inner();
                *g = None;
                g
            }
        };
        let len = self.ledger.len()?;
        if let Some(s) = self.published() {
            if s.len >= len {
                return Ok(s);
            }
        }
        let derived = match guard.as_mut() {
            Some(d) => d,
            None => guard.insert(Derived::new()?),
        };
        derived.catch_up(&self.ledger, len)?;
        let snapshot = Arc::new(derived.publish());
        *self.current.write().unwrap_or_else(PoisonError::into_inner) = Some(Arc::clone(&snapshot));
        Ok(snapshot)
    }

    /// A source's expected value over time: every point of the history
    /// grid at or after its definition, then the current value. `None`
    /// when there is no such source.
    ///
    /// # Errors
    /// Storage errors.
    pub fn history(&self, id: &SourceId) -> Result<Option<Vec<Point>>, Problem> {
        let snap = self.snapshot()?;
        let Some(now) = snap.scores.source(id) else {
            return Ok(None);
        };
        let mut points: Vec<Point> = snap
            .grid
            .iter()
            .filter_map(|g| {
                let (e, grade) = g.sources.get(id)?;
                Some(Point {
                    seq: g.seq,
                    time: g.time.to_string(),
                    expected: *e,
                    grade: grade.as_str().to_owned(),
                })
            })
            .collect();
        if let Some((seq, time)) = snap.scores.last_entry() {
            if points.last().is_none_or(|p| p.seq < seq.0) {
                points.push(Point {
                    seq: seq.0,
                    time: time.to_string(),
                    expected: now.opinion.e.to_f64(),
                    grade: now.grade.as_str().to_owned(),
                });
            }
        }
        let keep = points.len().saturating_sub(HISTORY_POINTS as usize);
        points.drain(..keep);
        Ok(Some(points))
    }
}
