//! What the server holds: the ledger, its log key, and views derived from
//! the ledger at its current head (scores, the search index, source
//! histories), recomputed when the head moves.
//!
//! Every method here blocks (sled, replay): handlers call them through
//! `tokio::task::spawn_blocking`.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};

use isnad_core::attribution::ClaimView;
use isnad_core::record::Record;
use isnad_core::score::{self, AsOf, Params, Scores};
use isnad_core::{EntryHash, KeyPair, Ledger, Seq, SourceId, Timestamp};
use serde::Serialize;

use crate::problem::Problem;

/// Largest request body accepted, in bytes: one entry line at its largest
/// plus room for a trailing newline.
pub const MAX_BODY: usize = isnad_core::limits::MAX_ENTRY_BYTES + 2;

/// Most points in a source's history.
const HISTORY_POINTS: usize = 24;

/// A claim as the search index holds it.
#[derive(Clone, Debug)]
pub struct Indexed {
    /// The claim.
    pub id: EntryHash,
    /// Its normalised text and translations, for matching.
    pub normalized: String,
}

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

/// Derived views, each valid for one ledger length.
#[derive(Default)]
struct Cache {
    scores: Option<(u64, Arc<Scores>)>,
    search: Option<(u64, Arc<Vec<Indexed>>)>,
    history: HashMap<SourceId, (u64, Arc<Vec<Point>>)>,
}

/// The server's state, shared by every request.
pub struct AppState {
    ledger: Arc<Ledger>,
    log_key: Option<KeyPair>,
    cache: Mutex<Cache>,
}

impl AppState {
    /// A server for `ledger`, signing checkpoints with `log_key` when given.
    pub fn new(ledger: Ledger, log_key: Option<KeyPair>) -> Self {
        AppState {
            ledger: Arc::new(ledger),
            log_key,
            cache: Mutex::new(Cache::default()),
        }
    }

    /// The ledger.
    pub fn ledger(&self) -> &Ledger {
        &self.ledger
    }

    /// The log key, if the server signs checkpoints.
    pub fn log_key(&self) -> Option<&KeyPair> {
        self.log_key.as_ref()
    }

    fn cache(&self) -> std::sync::MutexGuard<'_, Cache> {
        // A panic while holding the cache leaves at worst a stale entry,
        // which the length check replaces.
        self.cache.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// The scores at the current head (a replay, done once per head).
    ///
    /// # Errors
    /// Storage errors.
    pub fn scores(&self) -> Result<Arc<Scores>, Problem> {
        let len = self.ledger.len()?;
        if let Some((at, s)) = &self.cache().scores {
            if *at == len {
                return Ok(Arc::clone(s));
            }
        }
        let scores = Arc::new(score::replay_ledger(
            &self.ledger,
            AsOf::Seq(Seq(len.saturating_sub(1))),
            &Params::default(),
        )?);
        self.cache().scores = Some((len, Arc::clone(&scores)));
        Ok(scores)
    }

    /// Every standing claim with its normalised text, in ledger order.
    ///
    /// # Errors
    /// Storage errors.
    pub fn search_index(&self) -> Result<Arc<Vec<Indexed>>, Problem> {
        let len = self.ledger.len()?;
        if let Some((at, s)) = &self.cache().search {
            if *at == len {
                return Ok(Arc::clone(s));
            }
        }
        let mut index = Vec::new();
        for e in self.ledger.iter() {
            let e = e?;
            if !matches!(e.record(), Record::Claim(_)) {
                continue;
            }
            let id = e.hash();
            let view = ClaimView::load(&self.ledger, e)?;
            if view.retracted_by.is_some() {
                continue;
            }
            let mut normalized = score::normalize(&view.current.text);
            for t in &view.current.translations {
                normalized.push('\n');
                normalized.push_str(&score::normalize(&t.text));
            }
            index.push(Indexed { id, normalized });
        }
        let index = Arc::new(index);
        self.cache().search = Some((len, Arc::clone(&index)));
        Ok(index)
    }

    /// A source's expected value over time: a replay as of each of up to
    /// 24 entries (the source's definition, the verdicts
    /// that moved its evidence, evenly sampled, and the head).
    ///
    /// # Errors
    /// Storage errors; `None` when there is no such source.
    pub fn history(&self, id: &SourceId) -> Result<Option<Arc<Vec<Point>>>, Problem> {
        let len = self.ledger.len()?;
        if let Some((at, h)) = self.cache().history.get(id) {
            if *at == len {
                return Ok(Some(Arc::clone(h)));
            }
        }
        let scores = self.scores()?;
        let Some(now) = scores.source(id) else {
            return Ok(None);
        };
        let Some(defined) = self.ledger.entry_by_hash(&now.entry)? else {
            return Ok(None);
        };
        let mut seqs = vec![defined.seq().0];
        if let Some(ex) = scores.explain_source(id) {
            for item in &ex.evidence {
                if let Some(e) = self.ledger.entry_by_hash(&item.verdict)? {
                    seqs.push(e.seq().0);
                }
            }
        }
        seqs.push(len.saturating_sub(1));
        seqs.sort_unstable();
        seqs.dedup();
        let seqs = sample(&seqs, HISTORY_POINTS);
        let mut points = Vec::with_capacity(seqs.len());
        for seq in seqs {
            let s = score::replay_ledger(&self.ledger, AsOf::Seq(Seq(seq)), &Params::default())?;
            let Some(at) = s.source(id) else { continue };
            let time = self
                .ledger
                .entry(Seq(seq))?
                .map(|e| e.time())
                .unwrap_or_else(|| Timestamp::from_unix(0));
            points.push(Point {
                seq,
                time: time.to_string(),
                expected: at.opinion.e.to_f64(),
                grade: at.grade.as_str().to_owned(),
            });
        }
        let points = Arc::new(points);
        self.cache()
            .history
            .insert(id.clone(), (len, Arc::clone(&points)));
        Ok(Some(points))
    }
}

/// At most `n` of `items`, evenly spaced, always keeping the first and last.
fn sample(items: &[u64], n: usize) -> Vec<u64> {
    if items.len() <= n || n < 2 {
        return items.to_vec();
    }
    (0..n)
        .map(|i| items[i * (items.len() - 1) / (n - 1)])
        .collect()
}

#[cfg(test)]
mod tests {
    use super::sample;

    #[test]
    fn sampling_keeps_the_ends() {
        let v: Vec<u64> = (0..100).collect();
        let s = sample(&v, 5);
        assert_eq!(s, [0, 24, 49, 74, 99]);
        assert_eq!(sample(&[1, 2], 5), [1, 2]);
    }
}
