//! What the server derives from the ledger and extends entry by entry: the
//! score replay, every source and claim as it stands after amendments,
//! the score history's sample points, and the search index.
//! [`Derived::fold`] takes the next entry; [`Derived::publish`] makes the
//! immutable [`Snapshot`] that requests read.
//!
//! Nothing here but the search index is stored: the rest is rebuilt from
//! the ledger when the server starts. The search index is the ledger's
//! (`isnad_search`, under its directory, the one `isnad search` keeps):
//! the server opens it once, extends it with each batch of appends and
//! commits, and each snapshot keeps the committed state it was published
//! with. All of it only ever reflects entries the store accepted.

use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, Mutex, PoisonError, RwLock, RwLockReadGuard};

use axum::body::Bytes;
use isnad_core::record::{Change, Grade, Record, SourceBody};
use isnad_core::score::{AsOf, Params, Replay, Scores};
use isnad_core::search::catalog::{Catalog, Claim};
use isnad_core::{Entry, EntryHash, Ledger, SourceId, Timestamp};
use isnad_search::{SearchIndex, View};

use crate::problem::Problem;

/// Most points in a source's history (the head's included).
pub const HISTORY_POINTS: u64 = 24;

/// Most responses kept per snapshot; the cache is emptied when full.
const MAX_CACHED: usize = 1024;

/// A source as it stands.
#[derive(Clone, Debug)]
pub struct SourceInfo {
    /// The entry that defined it.
    pub entry: EntryHash,
    /// Its record after standing corrections.
    pub current: SourceBody,
    /// The standing retraction, if any.
    pub retracted_by: Option<EntryHash>,
}

/// A source's definition and the amendments that concern it, in ledger
/// order: what [`isnad_core::attribution::SourceView`] reads from the
/// store, kept so that a source is brought up to date without reading
/// everything that mentions it.
#[derive(Clone, Debug)]
struct SourceChanges {
    entry: EntryHash,
    original: SourceBody,
    changes: Vec<(EntryHash, SourceChange)>,
}

/// One amendment concerning a source.
#[derive(Clone, Debug)]
enum SourceChange {
    /// Corrects the source's record.
    Correct(SourceBody),
    /// Retracts the source.
    Retract,
    /// Retracts the change at this place.
    Withdraw(usize),
    /// Changes nothing of a source (the rules let no other change name
    /// one; kept so places stay aligned).
    Other,
}

impl SourceChanges {
    /// Whether change `i` stands: no standing change withdraws it.
    /// Withdrawals only name earlier changes, so this ends.
    fn stands(&self, i: usize) -> bool {
        !self.changes[i + 1..].iter().enumerate().any(|(j, (_, c))| {
            matches!(c, SourceChange::Withdraw(k) if *k == i) && self.stands(i + 1 + j)
        })
    }

    /// The source as it stands: the original, each standing correction in
    /// order, and the first standing retraction.
    fn info(&self) -> SourceInfo {
        let mut info = SourceInfo {
            entry: self.entry,
            current: self.original.clone(),
            retracted_by: None,
        };
        for (i, (hash, change)) in self.changes.iter().enumerate() {
            if !self.stands(i) {
                continue;
            }
            match change {
                SourceChange::Correct(body) => info.current = body.clone(),
                SourceChange::Retract => info.retracted_by = info.retracted_by.or(Some(*hash)),
                SourceChange::Withdraw(_) | SourceChange::Other => {}
            }
        }
        info
    }
}

/// Every source's expected value and grade as of one entry.
#[derive(Clone, Debug)]
pub struct GridPoint {
    /// The entry the scores stop at.
    pub seq: u64,
    /// Its time.
    pub time: Timestamp,
    /// Each source with its expected value (0-1) and grade, by slug.
    pub sources: BTreeMap<SourceId, (f64, Grade)>,
}

/// The sample points of score histories: every source's values as of
/// each entry whose position plus one is a multiple of `step`, a power of
/// two chosen so that at most [`HISTORY_POINTS`] − 1 fall in the ledger.
/// When the ledger outgrows it the step doubles, which keeps a subset of
/// the points already computed; so the grid costs one extra scoring every
/// `step` appends, and a history is read without replaying anything.
#[derive(Clone, Debug, Default)]
struct Grid {
    step: u64,
    points: Vec<Arc<GridPoint>>,
}

impl Grid {
    /// Widens the step for a ledger of `len` entries.
    fn fit(&mut self, len: u64) {
        if self.step == 0 {
            self.step = 1;
        }
        while len / self.step > HISTORY_POINTS - 1 {
            self.step *= 2;
        }
        let step = self.step;
        self.points.retain(|p| (p.seq + 1) % step == 0);
    }

    fn due(&self, seq: u64) -> bool {
        self.step > 0 && (seq + 1) % self.step == 0
    }
}

/// A search index failure as a problem.
pub(crate) fn search_problem(e: isnad_search::SearchError) -> Problem {
    Problem::internal(format!("search index: {e}"))
}

/// The state the server extends with each entry.
pub struct Derived {
    replay: Replay,
    len: u64,
    sources: HashMap<SourceId, Arc<SourceInfo>>,
    /// Each source's definition and the amendments that concern it.
    source_changes: HashMap<SourceId, SourceChanges>,
    /// Source entries to their source, and amendments of them (or of
    /// those amendments) to their source and place in its changes.
    source_of: HashMap<EntryHash, (SourceId, Option<usize>)>,
    /// Claims as they stand: shared with the snapshots rather than
    /// copied (it is large), and written only while one entry is folded.
    catalog: Arc<RwLock<Catalog>>,
    /// The search index, opened by the first catch-up.
    search: Option<SearchIndex>,
    grid: Grid,
}

impl Derived {
    /// Nothing folded yet.
    ///
    /// # Errors
    /// Only if the default parameters were refused, which they are not.
    pub fn new() -> Result<Derived, Problem> {
        Ok(Derived {
            replay: Replay::new(Params::default(), AsOf::Head)?,
            len: 0,
            sources: HashMap::new(),
            source_changes: HashMap::new(),
            source_of: HashMap::new(),
            catalog: Arc::new(RwLock::new(Catalog::new())),
            search: None,
            grid: Grid::default(),
        })
    }

    /// Entries folded so far.
    pub fn len(&self) -> u64 {
        self.len
    }

    /// Whether nothing was folded.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Folds the ledger's entries from [`Derived::len`] up to `len`.
    ///
    /// # Errors
    /// Storage errors.
    pub fn catch_up(&mut self, ledger: &Ledger, len: u64) -> Result<(), Problem> {
        self.grid.fit(len);
        while self.len < len {
            let seq = isnad_core::Seq(self.len);
            let Some(e) = ledger.entry(seq)? else {
                return Err(Problem::internal(format!("entry {} is missing", seq.0)));
            };
            self.fold(ledger, &e)?;
        }
        self.extend_search(ledger, len);
        Ok(())
    }

    /// Brings the search index up to `len`, opening it first if need be.
    /// A failure is said on standard error and leaves the server without
    /// search until the next catch-up tries again: the other routes do not
    /// depend on it.
    fn extend_search(&mut self, ledger: &Ledger, len: u64) {
        if self.search.is_none() {
            match SearchIndex::open(ledger) {
                Ok((s, rebuilt)) => {
                    if let Some(why) = rebuilt {
                        eprintln!(
                            "building the search index {} from the ledger ({why})",
                            s.dir().display()
                        );
                    }
                    self.search = Some(s);
                }
                Err(e) => eprintln!("search is unavailable: {e}"),
            }
        }
        if let Some(s) = &mut self.search {
            if let Err(e) = s.catch_up_to(ledger, len) {
                eprintln!("search is unavailable: {e}");
                self.search = None;
            }
        }
    }

    /// Folds `entry`, the next entry of `ledger`.
    fn fold(&mut self, ledger: &Ledger, entry: &Entry) -> Result<(), Problem> {
        self.replay.push(entry)?;
        self.catalog
            .write()
            .unwrap_or_else(PoisonError::into_inner)
            .fold(ledger, entry)?;
        let seq = entry.seq().0;
        match entry.record() {
            Record::Source(s) => {
                self.source_of.insert(entry.hash(), (s.id.clone(), None));
                let changes = SourceChanges {
                    entry: entry.hash(),
                    original: s.clone(),
                    changes: Vec::new(),
                };
                self.sources.insert(s.id.clone(), Arc::new(changes.info()));
                self.source_changes.insert(s.id.clone(), changes);
            }
            // A change to a source, or the retraction of such a change.
            Record::Amendment(a) => {
                if let Some((id, of)) = self.source_of.get(&a.target).cloned() {
                    if let Some(changes) = self.source_changes.get_mut(&id) {
                        let change = match (&a.change, of) {
                            (Change::CorrectSource { source }, None) => {
                                SourceChange::Correct(source.clone())
                            }
                            (Change::Retract, None) => SourceChange::Retract,
                            (Change::Retract, Some(k)) => SourceChange::Withdraw(k),
                            _ => SourceChange::Other,
                        };
                        self.source_of
                            .insert(entry.hash(), (id.clone(), Some(changes.changes.len())));
                        changes.changes.push((entry.hash(), change));
                        self.sources.insert(id, Arc::new(changes.info()));
                    }
                }
            }
            _ => {}
        }
        self.len = seq + 1;
        if self.grid.due(seq) {
            let scores = self.replay.scores();
            self.grid.points.push(Arc::new(GridPoint {
                seq,
                time: entry.time(),
                sources: scores
                    .sources()
                    .map(|s| (s.id.clone(), (s.opinion.e.to_f64(), s.grade)))
                    .collect(),
            }));
        }
        Ok(())
    }

    /// Scores what was folded, and everything requests read with them.
    pub fn publish(&self) -> Snapshot {
        Snapshot {
            len: self.len,
            scores: Arc::new(self.replay.scores()),
            sources: Arc::new(self.sources.clone()),
            catalog: Arc::clone(&self.catalog),
            search: self.search.as_ref().map(SearchIndex::view),
            grid: Arc::new(self.grid.points.clone()),
            responses: Mutex::new(HashMap::new()),
        }
    }
}

/// The derived state at one ledger length, read by requests and never
/// changed: a later length gets a new snapshot.
pub struct Snapshot {
    /// Entries it covers.
    pub len: u64,
    /// The scores.
    pub scores: Arc<Scores>,
    /// Every source as it stands, by slug.
    pub sources: Arc<HashMap<SourceId, Arc<SourceInfo>>>,
    /// Claims as they stand. It may have folded entries beyond `len` by
    /// the time it is read: read it through [`Snapshot::catalog`], which
    /// says how many of its claims are this snapshot's.
    catalog: Arc<RwLock<Catalog>>,
    /// The search index as committed when this snapshot was published
    /// (`None` when it could not be brought up to date); searches pass
    /// `len` as their bound all the same.
    search: Option<View>,
    /// The history's sample points, oldest first.
    pub grid: Arc<Vec<Arc<GridPoint>>>,
    /// Responses rendered from this snapshot, by path and query.
    responses: Mutex<HashMap<String, Bytes>>,
}

impl Snapshot {
    /// A response rendered earlier for `key`.
    pub fn cached(&self, key: &str) -> Option<Bytes> {
        self.responses
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .get(key)
            .cloned()
    }

    /// Keeps `body` as the response for `key`.
    pub fn keep(&self, key: String, body: Bytes) {
        let mut r = self
            .responses
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        if r.len() >= MAX_CACHED {
            r.clear();
        }
        r.insert(key, body);
    }

    /// Claims and the index, and how many of the claims existed at this
    /// snapshot's length (a hit beyond is newer, and left out).
    pub fn catalog(&self) -> (RwLockReadGuard<'_, Catalog>, usize) {
        let c = self.catalog.read().unwrap_or_else(PoisonError::into_inner);
        let n = c.claims().partition_point(|cl| cl.seq < self.len);
        (c, n)
    }

    /// The search index as of this snapshot.
    ///
    /// # Errors
    /// The index could not be opened or brought up to date (the server's
    /// standard error says why).
    pub fn search(&self) -> Result<&View, Problem> {
        self.search.as_ref().ok_or_else(|| {
            Problem::internal("the search index is unavailable (the server's log says why)")
        })
    }

    /// The claim at position `seq`, if this snapshot has it.
    pub fn claim_at(catalog: &Catalog, known: usize, seq: u64) -> Option<&Claim> {
        let claims = catalog.claims().get(..known)?;
        claims
            .binary_search_by_key(&seq, |c| c.seq)
            .ok()
            .map(|i| &claims[i])
    }

    /// A source's name, if it is defined.
    pub fn name(&self, id: &SourceId) -> Option<&str> {
        self.sources.get(id).map(|s| s.current.name.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn point(seq: u64) -> Arc<GridPoint> {
        Arc::new(GridPoint {
            seq,
            time: Timestamp::from_unix(0),
            sources: BTreeMap::new(),
        })
    }

    fn body(name: &str) -> SourceBody {
        SourceBody {
            id: "wire".parse().unwrap(),
            name: name.into(),
            kind: isnad_core::record::SourceKind::Outlet,
            url: None,
            language: None,
            affiliations: Vec::new(),
            description: None,
        }
    }

    fn h(n: u8) -> EntryHash {
        EntryHash::from_bytes([n; 32])
    }

    // Corrections apply in order; a withdrawn one does not, unless its
    // withdrawal is withdrawn in turn; a standing retraction is kept.
    #[test]
    fn a_source_stands_as_its_standing_changes_say() {
        let mut c = SourceChanges {
            entry: h(0),
            original: body("First"),
            changes: Vec::new(),
        };
        c.changes
            .push((h(1), SourceChange::Correct(body("Second"))));
        c.changes.push((h(2), SourceChange::Correct(body("Third"))));
        assert_eq!(c.info().current.name, "Third");
        c.changes.push((h(3), SourceChange::Withdraw(1)));
        assert_eq!(c.info().current.name, "Second");
        c.changes.push((h(4), SourceChange::Withdraw(2)));
        assert_eq!(c.info().current.name, "Third");
        c.changes.push((h(5), SourceChange::Retract));
        assert_eq!(c.info().retracted_by, Some(h(5)));
        c.changes.push((h(6), SourceChange::Withdraw(4)));
        assert_eq!(
            (c.info().current.name.as_str(), c.info().retracted_by),
            ("Third", None)
        );
    }

    // The step doubles as the ledger grows, keeping a subset of the points
    // and never more than HISTORY_POINTS - 1 of them.
    #[test]
    fn the_grid_widens_keeping_its_points() {
        let mut g = Grid::default();
        g.fit(10);
        assert_eq!(g.step, 1);
        g.points = (0..10).map(point).collect();
        g.fit(100);
        assert_eq!(g.step, 8);
        assert_eq!(g.points.iter().map(|p| p.seq).collect::<Vec<_>>(), [7]);
        assert!(g.due(15) && !g.due(16));
        for len in [1, 23, 24, 1000, 100_000, 1_000_000] {
            g.fit(len);
            assert!(len / g.step < HISTORY_POINTS, "{len}");
        }
    }
}
