//! [`SearchIndex`]: the tantivy index under a ledger, opened (or rebuilt
//! when it is not the ledger's), and extended by the entries appended
//! since it last ran.

use std::collections::{BTreeSet, HashMap};
use std::path::{Path, PathBuf};

use isnad_core::attribution::ClaimView;
use isnad_core::record::{ClaimBody, Record};
use isnad_core::{Entry, EntryHash, Ledger, Seq};
use serde::{Deserialize, Serialize};
use tantivy::directory::error::LockError;
use tantivy::schema::IndexRecordOption;
use tantivy::tokenizer::{PreTokenizedString, Token};
use tantivy::{DocSet, Index, IndexReader, IndexWriter, ReloadPolicy, TERMINATED, TantivyDocument};
use tantivy::{TantivyError, Term};

use crate::schema::Fields;
use crate::view::View;
use crate::{Rebuilt, SearchError};

/// The directory under a ledger that holds its index.
pub const DIR: &str = "search";

/// What the commit payload says; written with every commit, so that it
/// always describes exactly the documents committed with it.
#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq)]
struct State {
    /// The payload's layout; another is rebuilt.
    version: u32,
    /// Entries folded: positions 0 to `folded` − 1.
    folded: u64,
    /// The hash of entry `folded` − 1, hex: the ledger must still have it
    /// there, or the index belongs to another ledger.
    last: Option<String>,
    /// The newest claim's time, Unix seconds (recency's reference; a
    /// retraction does not lower it).
    newest: i64,
    /// Terms in the live documents (BM25's average length; tantivy's own
    /// count keeps deleted documents until they are merged away).
    words: u64,
}

/// The payload layout written.
const VERSION: u32 = 1;

/// Memory the writer buffers before it writes a segment: enough that a
/// rebuild writes few segments, small enough for a 2-core laptop.
const WRITER_MEMORY: usize = 64 << 20;

/// A ledger's search index, opened for writing: see the crate
/// documentation. One process at a time holds it (tantivy's writer lock).
pub struct SearchIndex {
    dir: PathBuf,
    index: Index,
    reader: IndexReader,
    writer: IndexWriter,
    fields: Fields,
    state: State,
}

impl std::fmt::Debug for SearchIndex {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SearchIndex")
            .field("dir", &self.dir)
            .field("folded", &self.state.folded)
            .finish_non_exhaustive()
    }
}

/// What [`SearchIndex::catch_up`] did.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct CaughtUp {
    /// Entries the index had folded before.
    pub before: u64,
    /// Entries it has folded now.
    pub after: u64,
    /// Claims whose documents were written (added, replaced or removed).
    pub claims: u64,
}

impl SearchIndex {
    /// The index directory of the ledger at `ledger_dir`.
    pub fn dir_of(ledger_dir: &Path) -> PathBuf {
        ledger_dir.join(DIR)
    }

    /// Opens `ledger`'s index, creating it when missing, and starting it
    /// again, empty, when it cannot be read or was built from another
    /// ledger (the second value says why). Folds nothing: see
    /// [`SearchIndex::catch_up`].
    ///
    /// # Errors
    /// [`SearchError::Busy`] when another process writes it; the
    /// directory cannot be created or cleared; the ledger cannot be read.
    pub fn open(ledger: &Ledger) -> Result<(SearchIndex, Option<Rebuilt>), SearchError> {
        SearchIndex::open_at(ledger, &SearchIndex::dir_of(ledger.dir()))
    }

    /// [`SearchIndex::open`] with the index in `dir` rather than under
    /// the ledger (a second index of one ledger, to compare with).
    ///
    /// # Errors
    /// As [`SearchIndex::open`].
    pub fn open_at(
        ledger: &Ledger,
        dir: &Path,
    ) -> Result<(SearchIndex, Option<Rebuilt>), SearchError> {
        let dir = dir.to_path_buf();
        let why = if dir.exists() {
            match SearchIndex::open_existing(&dir) {
                Ok(ix) => match ix.belongs_to(ledger)? {
                    None => return Ok((ix, None)),
                    Some(why) => {
                        drop(ix);
                        why
                    }
                },
                Err(SearchError::Busy { path }) => return Err(SearchError::Busy { path }),
                Err(e) => Rebuilt::Unreadable(e.to_string()),
            }
        } else {
            Rebuilt::Missing
        };
        if dir.exists() {
            std::fs::remove_dir_all(&dir).map_err(|source| SearchError::Io {
                path: dir.clone(),
                source,
            })?;
        }
        let ix = SearchIndex::create(&dir)?;
        Ok((ix, Some(why)))
    }

    /// Whether the index describes a prefix of `ledger`: `None` if so,
    /// else why not.
    fn belongs_to(&self, ledger: &Ledger) -> Result<Option<Rebuilt>, SearchError> {
        let s = &self.state;
        let len = ledger.len()?;
        if s.folded > len {
            return Ok(Some(Rebuilt::Replaced));
        }
        if s.folded == 0 {
            return Ok(None);
        }
        let there = ledger.entry(Seq(s.folded - 1))?.map(|e| e.hash().to_hex());
        Ok(if there.is_some() && there == s.last {
            None
        } else {
            Some(Rebuilt::Replaced)
        })
    }

    fn create(dir: &Path) -> Result<SearchIndex, SearchError> {
        std::fs::create_dir_all(dir).map_err(|source| SearchError::Io {
            path: dir.to_path_buf(),
            source,
        })?;
        let (schema, _) = Fields::build();
        let index = Index::create_in_dir(dir, schema).map_err(|e| index_error(dir, e))?;
        let mut ix = SearchIndex::with(dir, index, State::default())?;
        // An empty commit, so that the payload (and a valid index) exist
        // from the start.
        ix.state.version = VERSION;
        ix.commit()?;
        Ok(ix)
    }

    fn open_existing(dir: &Path) -> Result<SearchIndex, SearchError> {
        let index = Index::open_in_dir(dir).map_err(|e| index_error(dir, e))?;
        let (schema, _) = Fields::build();
        if index.schema() != schema {
            return Err(SearchError::Layout {
                path: dir.to_path_buf(),
                reason: "its fields are not this version's".into(),
            });
        }
        let metas = index.load_metas().map_err(|e| index_error(dir, e))?;
        let state: State = metas
            .payload
            .as_deref()
            .and_then(|p| serde_json::from_str(p).ok())
            .filter(|s: &State| s.version == VERSION)
            .ok_or_else(|| SearchError::Layout {
                path: dir.to_path_buf(),
                reason: "its commit does not say what it folded".into(),
            })?;
        SearchIndex::with(dir, index, state)
    }

    fn with(dir: &Path, index: Index, state: State) -> Result<SearchIndex, SearchError> {
        let (_, fields) = Fields::build();
        let threads = std::thread::available_parallelism().map_or(1, |n| n.get().min(2));
        let writer = index
            .writer_with_num_threads(threads, WRITER_MEMORY)
            .map_err(|e| match e {
                TantivyError::LockFailure(LockError::LockBusy, _) => SearchError::Busy {
                    path: dir.to_path_buf(),
                },
                e => index_error(dir, e),
            })?;
        let reader = index
            .reader_builder()
            .reload_policy(ReloadPolicy::Manual)
            .try_into()
            .map_err(|e| index_error(dir, e))?;
        Ok(SearchIndex {
            dir: dir.to_path_buf(),
            index,
            reader,
            writer,
            fields,
            state,
        })
    }

    /// Lets go of the index (and its writer lock), first finishing the
    /// merges its commits started: a short-lived process (a search on the
    /// command line) that left them would leave the index in ever more
    /// pieces, each one more for every search to read.
    ///
    /// # Errors
    /// A merge failed; the index stays as its last commit left it.
    pub fn close(self) -> Result<(), SearchError> {
        let dir = self.dir;
        self.writer
            .wait_merging_threads()
            .map_err(|e| index_error(&dir, e))
    }

    /// Its directory.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// Entries folded (the first `folded` of the ledger).
    pub fn folded(&self) -> u64 {
        self.state.folded
    }

    /// What it holds now, to search: an immutable view, unchanged by
    /// later folds (a server's snapshot keeps one).
    pub fn view(&self) -> View {
        View::new(
            self.reader.searcher(),
            self.fields,
            self.state.newest,
            self.state.words,
        )
    }

    /// Folds every entry of `ledger` it has not folded, and commits.
    ///
    /// # Errors
    /// As [`SearchIndex::catch_up_to`].
    pub fn catch_up(&mut self, ledger: &Ledger) -> Result<CaughtUp, SearchError> {
        let len = ledger.len()?;
        self.catch_up_to(ledger, len)
    }

    /// Folds the entries from [`SearchIndex::folded`] up to `len`, and
    /// commits, so that the index and what it says it folded change
    /// together. A claim recorded in them is added; one that a verdict,
    /// an amendment, or the retraction of either concerns is written again
    /// as it stands ([`ClaimView`]), or removed when retracted.
    ///
    /// # Errors
    /// Ledger and index errors; on one, nothing of the batch is kept.
    pub fn catch_up_to(&mut self, ledger: &Ledger, len: u64) -> Result<CaughtUp, SearchError> {
        let before = self.state.folded;
        if len <= before {
            return Ok(CaughtUp {
                before,
                after: before,
                claims: 0,
            });
        }
        let r = self.fold(ledger, len);
        if r.is_err() {
            // Back to the last commit, which still says what it folded.
            let _ = self.writer.rollback();
            if let Ok(Some(state)) = self
                .index
                .load_metas()
                .map(|m| m.payload.and_then(|p| serde_json::from_str(&p).ok()))
            {
                self.state = state;
            }
        }
        let claims = r?;
        Ok(CaughtUp {
            before,
            after: self.state.folded,
            claims,
        })
    }

    fn fold(&mut self, ledger: &Ledger, len: u64) -> Result<u64, SearchError> {
        let from = self.state.folded;
        // Claims recorded in this batch, by hash, with whether anything in
        // the batch refers to them; claims from before it to write again.
        let mut fresh: HashMap<EntryHash, (u64, bool)> = HashMap::new();
        let mut older: BTreeSet<u64> = BTreeSet::new();
        let mut newest = self.state.newest;
        let mut last = None;
        for seq in from..len {
            let e =
                ledger
                    .entry(Seq(seq))?
                    .ok_or(SearchError::Ledger(isnad_core::Error::Corrupt {
                        reason: format!("entry {seq} is missing below the head"),
                    }))?;
            let target = match e.record() {
                Record::Claim(_) => {
                    fresh.insert(e.hash(), (seq, false));
                    newest = newest.max(e.time().unix());
                    None
                }
                Record::Verdict(v) => Some(v.claim),
                Record::Amendment(a) => Some(a.target),
                _ => None,
            };
            if let Some(t) = target {
                if let Some(f) = fresh.get_mut(&t) {
                    f.1 = true;
                } else if let Some(claim) = claim_of(ledger, &t, &fresh)? {
                    match fresh.get_mut(&claim.1) {
                        Some(f) => f.1 = true,
                        None => {
                            older.insert(claim.0);
                        }
                    }
                }
            }
            last = Some(e.hash());
        }
        let mut written = 0;
        let searcher = self.reader.searcher();
        let mut words = self.state.words;
        // Claims from before the batch: their documents out, then in again
        // as they stand.
        for &seq in &older {
            words = words.saturating_sub(self.words_of(&searcher, seq)?);
            self.writer
                .delete_term(Term::from_field_u64(self.fields.claim, seq));
            let e = entry_at(ledger, seq)?;
            let view = ClaimView::load(ledger, e.clone())?;
            if view.retracted_by.is_none() {
                words += self.add(&e, &view.current, &ratings(&view))?;
            }
            written += 1;
        }
        let mut fresh: Vec<(u64, bool)> = fresh.into_values().collect();
        fresh.sort_unstable();
        for (seq, referred) in fresh {
            let e = entry_at(ledger, seq)?;
            if referred {
                let view = ClaimView::load(ledger, e.clone())?;
                if view.retracted_by.is_none() {
                    words += self.add(&e, &view.current, &ratings(&view))?;
                }
            } else if let Record::Claim(c) = e.record() {
                // Nothing refers to it yet: it stands as recorded.
                words += self.add(&e, c, &[])?;
            }
            written += 1;
        }
        self.state.version = VERSION;
        self.state.folded = len;
        self.state.last = last.map(|h| h.to_hex());
        self.state.newest = newest;
        self.state.words = words;
        self.commit()?;
        Ok(written)
    }

    /// The terms in claim `seq`'s live documents.
    fn words_of(&self, searcher: &tantivy::Searcher, seq: u64) -> Result<u64, SearchError> {
        let term = Term::from_field_u64(self.fields.claim, seq);
        let mut n = 0;
        for seg in searcher.segment_readers() {
            let inv = seg
                .inverted_index(self.fields.claim)
                .map_err(|e| index_error(&self.dir, e))?;
            let Some(mut p) = inv
                .read_postings(&term, IndexRecordOption::Basic)
                .map_err(|e| index_error(&self.dir, e.into()))?
            else {
                continue;
            };
            let len = seg
                .fast_fields()
                .u64(crate::schema::LEN)
                .map_err(|e| index_error(&self.dir, e))?;
            let mut doc = p.doc();
            while doc != TERMINATED {
                if !seg.is_deleted(doc) {
                    n += len.first(doc).unwrap_or(0);
                }
                doc = p.advance();
            }
        }
        Ok(n)
    }

    /// Adds claim entry `e`'s documents, its record as it stands being
    /// `c`; returns how many terms they hold.
    fn add(&self, e: &Entry, c: &ClaimBody, ratings: &[&str]) -> Result<u64, SearchError> {
        let f = &self.fields;
        let mut words = 0;
        let day = c.appeared.date.get(..10).unwrap_or(&c.appeared.date);
        let texts = std::iter::once((c.lang.as_str(), c.text.as_str())).chain(
            c.translations
                .iter()
                .map(|t| (t.lang.as_str(), t.text.as_str())),
        );
        for (field, (lang, text)) in texts.enumerate() {
            let terms = isnad_core::search::terms::terms(text);
            let n = terms.len() as u64;
            let mut doc = TantivyDocument::new();
            doc.add_pre_tokenized_text(f.terms, pre_tokenized(terms));
            doc.add_u64(f.claim, e.seq().0);
            doc.add_u64(f.field, field as u64);
            doc.add_u64(f.len, n);
            doc.add_i64(f.time, e.time().unix());
            doc.add_text(f.id, e.hash().to_hex());
            doc.add_text(f.text, text);
            doc.add_text(f.lang, lang);
            if field > 0 {
                doc.add_text(f.claim_text, &c.text);
            }
            doc.add_text(f.claim_lang, &c.lang);
            doc.add_text(f.date, &c.appeared.date);
            doc.add_text(f.day, day);
            for hop in &c.chain {
                doc.add_text(f.source, hop.source.as_str());
            }
            for r in ratings {
                doc.add_text(f.rating, r);
            }
            self.writer
                .add_document(doc)
                .map_err(|e| index_error(&self.dir, e))?;
            words += n;
        }
        Ok(words)
    }

    /// Commits what was written with the state as payload, and makes it
    /// what [`SearchIndex::view`] reads.
    fn commit(&mut self) -> Result<(), SearchError> {
        let payload = serde_json::to_string(&self.state).map_err(|e| SearchError::Layout {
            path: self.dir.clone(),
            reason: e.to_string(),
        })?;
        let mut prepared = self
            .writer
            .prepare_commit()
            .map_err(|e| index_error(&self.dir, e))?;
        prepared.set_payload(&payload);
        prepared.commit().map_err(|e| index_error(&self.dir, e))?;
        self.reader
            .reload()
            .map_err(|e| index_error(&self.dir, e))?;
        Ok(())
    }
}

/// Our terms as tantivy tokens, so that tantivy's own analysis never runs.
fn pre_tokenized(terms: Vec<String>) -> PreTokenizedString {
    let tokens = terms
        .into_iter()
        .enumerate()
        .map(|(position, text)| Token {
            offset_from: 0,
            offset_to: 0,
            position,
            text,
            position_length: 1,
        })
        .collect();
    PreTokenizedString {
        text: String::new(),
        tokens,
    }
}

/// The ratings of a claim's standing verdicts.
fn ratings(view: &ClaimView) -> Vec<&'static str> {
    view.verdicts
        .iter()
        .filter(|v| v.is_current())
        .filter_map(|v| match v.entry.record() {
            Record::Verdict(v) => Some(v.rating.as_str()),
            _ => None,
        })
        .collect()
}

fn entry_at(ledger: &Ledger, seq: u64) -> Result<Entry, SearchError> {
    ledger
        .entry(Seq(seq))?
        .ok_or(SearchError::Ledger(isnad_core::Error::Corrupt {
            reason: format!("entry {seq} is missing below the head"),
        }))
}

/// The claim an entry concerns, with its position: itself, a verdict's
/// claim, an amendment's target's (amendments of amendments included);
/// `fresh` knows the claims of the batch without reading them.
fn claim_of(
    ledger: &Ledger,
    id: &EntryHash,
    fresh: &HashMap<EntryHash, (u64, bool)>,
) -> Result<Option<(u64, EntryHash)>, SearchError> {
    let mut id = *id;
    // Each step goes to an earlier entry, so this ends; the bound only
    // guards against a store that loops.
    for _ in 0..64 {
        if let Some(&(seq, _)) = fresh.get(&id) {
            return Ok(Some((seq, id)));
        }
        let Some(e) = ledger.entry_by_hash(&id)? else {
            return Ok(None);
        };
        id = match e.record() {
            Record::Claim(_) => return Ok(Some((e.seq().0, id))),
            Record::Verdict(v) => v.claim,
            Record::Amendment(a) => a.target,
            _ => return Ok(None),
        };
    }
    Ok(None)
}

pub(crate) fn index_error(path: &Path, source: TantivyError) -> SearchError {
    SearchError::Index {
        path: path.to_path_buf(),
        source: Box::new(source),
    }
}
