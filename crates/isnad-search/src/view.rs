//! [`View`]: searching and matching over one committed state of the index.
//!
//! tantivy finds the documents (the postings of each term, the filters as
//! queries over indexed fields, deletions); the scores are computed here,
//! from exact statistics, so that they are the documented formula and do
//! not depend on how the index happens to be split into segments: an
//! index extended entry by entry ranks exactly as one built at once.

use std::collections::{BTreeSet, HashMap};
use std::ops::Bound;

use isnad_core::search::catalog::Filters;
use isnad_core::search::terms::terms;
use isnad_core::search::{B, K1, MIN_RESEMBLANCE, RECENCY_HALF_LIFE_SECS, RECENCY_WEIGHT};
use tantivy::postings::Postings;
use tantivy::query::{BooleanQuery, EnableScoring, Occur, Query, RangeQuery, TermQuery};
use tantivy::schema::{Field, IndexRecordOption, Value};
use tantivy::{
    DocAddress, DocId, DocSet, Searcher, SegmentReader, TERMINATED, TantivyDocument, Term,
};

use crate::SearchError;
use crate::schema::{self, Fields};

/// Candidates [`View::resemble`] scores.
const CANDIDATES: usize = 200;

/// One search or match result.
#[derive(Clone, Copy, Debug, PartialEq)]
#[non_exhaustive]
pub struct Hit {
    /// The claim's position in the ledger.
    pub claim: u64,
    /// Which of its texts matched best: 0 its own, i its i-th translation.
    pub field: u16,
    /// BM25 times the recency factor (search), or the resemblance (match).
    pub score: f64,
    /// Where that text's document is, in the view that found it.
    address: DocAddress,
}

/// What a hit shows: the claim and the text that matched, as indexed.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct Found {
    /// The claim's entry hash, hex.
    pub id: String,
    /// Its text as it stands.
    pub text: String,
    /// Its language.
    pub lang: String,
    /// Its appearance date.
    pub date: String,
    /// The text that matched (the claim's own when the hit's field is 0).
    pub matched_text: String,
    /// That text's language.
    pub matched_lang: String,
}

/// One committed state of a ledger's index, to search: cheap to clone,
/// shareable between threads, and unchanged by later commits.
#[derive(Clone)]
pub struct View {
    searcher: Searcher,
    fields: Fields,
    newest: i64,
    words: u64,
}

impl std::fmt::Debug for View {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("View")
            .field("texts", &self.searcher.num_docs())
            .field("words", &self.words)
            .finish_non_exhaustive()
    }
}

/// A text holding a query term, with what its score needs.
struct Posting {
    doc: Doc,
    /// How often it holds the term.
    tf: u32,
    /// Its terms.
    len: u64,
    /// Its claim's time.
    time: i64,
}

/// A document that matched: where it is and its claim.
#[derive(Clone, Copy)]
struct Doc {
    address: DocAddress,
    claim: u64,
    field: u16,
}

impl View {
    pub(crate) fn new(searcher: Searcher, fields: Fields, newest: i64, words: u64) -> View {
        View {
            searcher,
            fields,
            newest,
            words,
        }
    }

    /// Texts indexed (each claim's own and its translations, retracted
    /// claims' left out).
    pub fn texts(&self) -> u64 {
        self.searcher.num_docs()
    }

    /// Claims matching `query` that pass `filters`, best first, among
    /// those recorded before position `below` (every one when `None`).
    ///
    /// Of the texts passing the filters, those holding every term of the
    /// query count, or when none does, those holding the most of them;
    /// each scores BM25 (k1 = 1.2, b = 0.75, over every live text) times
    /// the recency factor; a claim counts once, with its best text (the
    /// lower field on a tie); equal scores list the newer claim first.
    ///
    /// # Errors
    /// The index cannot be read.
    pub fn search(
        &self,
        query: &str,
        filters: &Filters,
        below: Option<u64>,
    ) -> Result<Vec<Hit>, SearchError> {
        let asked: BTreeSet<String> = terms(query).into_iter().collect();
        if asked.is_empty() {
            return Ok(Vec::new());
        }
        let n = self.searcher.num_docs().max(1) as f64;
        let avg = (self.words as f64 / n).max(1.0);
        let filter = self.filter_query(filters);
        // Per term, the live texts holding it with how often, those that
        // pass marked: document frequency counts them all.
        let mut per_term: Vec<(u64, Vec<Posting>)> = Vec::new();
        let columns = self
            .searcher
            .segment_readers()
            .iter()
            .map(|seg| Columns::of(seg, self, filter.as_deref(), below))
            .collect::<Result<Vec<_>, _>>()?;
        for t in &asked {
            let term = Term::from_field_text(self.fields.terms, t);
            let mut df = 0u64;
            let mut found = Vec::new();
            for (ord, seg) in self.searcher.segment_readers().iter().enumerate() {
                let cols = &columns[ord];
                let option = IndexRecordOption::WithFreqs;
                live_postings(seg, self.fields.terms, &term, option, &mut |doc, tf| {
                    df += 1;
                    if let Some(d) = cols.passing(ord, doc) {
                        let len = cols.len.first(doc).unwrap_or(0);
                        let time = cols.time.first(doc).unwrap_or(0);
                        found.push(Posting {
                            doc: d,
                            tf,
                            len,
                            time,
                        });
                    }
                })?;
            }
            per_term.push((df, found));
        }
        // Per text: terms matched, BM25, and the claim's time.
        let mut acc: HashMap<DocAddress, (Doc, usize, f64, i64)> = HashMap::new();
        for (df, found) in per_term {
            let df = df as f64;
            let idf = (1.0 + (n - df + 0.5) / (df + 0.5)).ln();
            for Posting {
                doc: d,
                tf,
                len,
                time,
            } in found
            {
                let tf = f64::from(tf);
                let len = len as f64;
                let part = idf * tf * (K1 + 1.0) / (tf + K1 * (1.0 - B + B * len / avg));
                let e = acc.entry(d.address).or_insert((d, 0, 0.0, time));
                e.1 += 1;
                e.2 += part;
            }
        }
        let most = acc.values().map(|a| a.1).max().unwrap_or(0);
        let mut best = HashMap::new();
        for (d, matched, bm25, time) in acc.into_values() {
            if matched < most {
                continue;
            }
            keep_best(
                &mut best,
                Hit {
                    claim: d.claim,
                    field: d.field,
                    score: bm25 * self.recency(time),
                    address: d.address,
                },
            );
        }
        Ok(ranked(best))
    }

    /// 1 + [`RECENCY_WEIGHT`] × 2^(−age / half-life), age from the newest
    /// claim.
    fn recency(&self, time: i64) -> f64 {
        let age = (self.newest - time).max(0) as f64;
        1.0 + RECENCY_WEIGHT * (-age / RECENCY_HALF_LIFE_SECS).exp2()
    }

    /// The standing claims recorded before `below` most likely to be the
    /// same claim as `text`, best first, each with its resemblance: the
    /// [`CANDIDATES`] texts sharing the most distinct terms with it
    /// (the newer claim first on a tie), scored by Jaccard over word-pair
    /// shingles, those at or above [`MIN_RESEMBLANCE`], one per claim.
    ///
    /// # Errors
    /// The index cannot be read.
    pub fn resemble(&self, text: &str, below: Option<u64>) -> Result<Vec<Hit>, SearchError> {
        let words = terms(text);
        let mine = shingles(&words);
        if mine.is_empty() {
            return Ok(Vec::new());
        }
        let distinct: BTreeSet<&String> = words.iter().collect();
        let mut shared: HashMap<DocAddress, (Doc, u32)> = HashMap::new();
        for (ord, seg) in self.searcher.segment_readers().iter().enumerate() {
            let cols = Columns::of(seg, self, None, below)?;
            for t in &distinct {
                let term = Term::from_field_text(self.fields.terms, t);
                let option = IndexRecordOption::Basic;
                live_postings(seg, self.fields.terms, &term, option, &mut |doc, _| {
                    if let Some(d) = cols.passing(ord, doc) {
                        shared.entry(d.address).or_insert((d, 0)).1 += 1;
                    }
                })?;
            }
        }
        let mut candidates: Vec<(Doc, u32)> = shared.into_values().collect();
        candidates.sort_by(|a, b| {
            b.1.cmp(&a.1)
                .then(b.0.claim.cmp(&a.0.claim))
                .then(a.0.field.cmp(&b.0.field))
        });
        candidates.truncate(CANDIDATES);
        let mut best = HashMap::new();
        for (d, _) in candidates {
            let stored: TantivyDocument = self.searcher.doc(d.address).map_err(read)?;
            let their_words = terms(first_str(&stored, self.fields.text));
            let theirs = shingles(&their_words);
            let both = mine.intersection(&theirs).count() as f64;
            let either = mine.union(&theirs).count() as f64;
            let score = if either > 0.0 { both / either } else { 0.0 };
            if score < MIN_RESEMBLANCE {
                continue;
            }
            keep_best(
                &mut best,
                Hit {
                    claim: d.claim,
                    field: d.field,
                    score,
                    address: d.address,
                },
            );
        }
        Ok(ranked(best))
    }

    /// What `hit`, found in this view, shows.
    ///
    /// # Errors
    /// The index cannot be read.
    pub fn found(&self, hit: &Hit) -> Result<Found, SearchError> {
        let f = &self.fields;
        let doc: TantivyDocument = self.searcher.doc(hit.address).map_err(read)?;
        let s = |field| first_str(&doc, field).to_owned();
        let matched_text = s(f.text);
        let text = if hit.field == 0 {
            matched_text.clone()
        } else {
            s(f.claim_text)
        };
        Ok(Found {
            id: s(f.id),
            text,
            lang: s(f.claim_lang),
            date: s(f.date),
            matched_text,
            matched_lang: s(f.lang),
        })
    }

    /// The filters as one query over the indexed fields; `None` when
    /// nothing narrows.
    fn filter_query(&self, filters: &Filters) -> Option<Box<dyn Query>> {
        let f = &self.fields;
        let term = |field, v: &str| -> (Occur, Box<dyn Query>) {
            (
                Occur::Must,
                Box::new(TermQuery::new(
                    Term::from_field_text(field, v),
                    IndexRecordOption::Basic,
                )),
            )
        };
        let mut must = Vec::new();
        if let Some(l) = &filters.lang {
            must.push(term(f.claim_lang, l));
        }
        if let Some(s) = &filters.source {
            must.push(term(f.source, s.as_str()));
        }
        if let Some(r) = filters.rating {
            must.push(term(f.rating, r.as_str()));
        }
        if filters.from.is_some() || filters.to.is_some() {
            let bound = |d: &Option<String>| match d {
                Some(d) => Bound::Included(Term::from_field_text(f.day, d)),
                None => Bound::Unbounded,
            };
            must.push((
                Occur::Must,
                Box::new(RangeQuery::new(bound(&filters.from), bound(&filters.to))),
            ));
        }
        (!must.is_empty()).then(|| Box::new(BooleanQuery::new(must)) as Box<dyn Query>)
    }
}

/// A segment's columns and which of its documents pass the filters.
struct Columns {
    claim: tantivy::columnar::Column<u64>,
    field: tantivy::columnar::Column<u64>,
    len: tantivy::columnar::Column<u64>,
    time: tantivy::columnar::Column<i64>,
    /// Per document, whether it passes the filters (`None`: all do).
    pass: Option<Vec<bool>>,
    below: Option<u64>,
}

impl Columns {
    fn of(
        seg: &SegmentReader,
        view: &View,
        filter: Option<&dyn Query>,
        below: Option<u64>,
    ) -> Result<Columns, SearchError> {
        let ff = seg.fast_fields();
        let pass = match filter {
            None => None,
            Some(q) => {
                let weight = q
                    .weight(EnableScoring::disabled_from_searcher(&view.searcher))
                    .map_err(read)?;
                let mut pass = vec![false; seg.max_doc() as usize];
                let mut scorer = weight.scorer(seg, 1.0).map_err(read)?;
                let mut doc = scorer.doc();
                while doc != TERMINATED {
                    if let Some(p) = pass.get_mut(doc as usize) {
                        *p = true;
                    }
                    doc = scorer.advance();
                }
                Some(pass)
            }
        };
        Ok(Columns {
            claim: ff.u64(schema::CLAIM).map_err(read)?,
            field: ff.u64(schema::FIELD).map_err(read)?,
            len: ff.u64(schema::LEN).map_err(read)?,
            time: ff.i64(schema::TIME).map_err(read)?,
            pass,
            below,
        })
    }

    /// Document `doc` of segment `ord`, if it passes the filters and the
    /// bound.
    fn passing(&self, ord: usize, doc: u32) -> Option<Doc> {
        if let Some(p) = &self.pass {
            if !p.get(doc as usize).copied().unwrap_or(false) {
                return None;
            }
        }
        let claim = self.claim.first(doc)?;
        if self.below.is_some_and(|b| claim >= b) {
            return None;
        }
        Some(Doc {
            address: DocAddress::new(u32::try_from(ord).unwrap_or(u32::MAX), doc),
            claim,
            field: u16::try_from(self.field.first(doc).unwrap_or(0)).unwrap_or(u16::MAX),
        })
    }
}

fn first_str(doc: &TantivyDocument, field: tantivy::schema::Field) -> &str {
    doc.get_first(field).and_then(|v| v.as_str()).unwrap_or("")
}

fn read(e: tantivy::TantivyError) -> SearchError {
    SearchError::Read {
        source: Box::new(e),
    }
}

/// Keeps `hit` as its claim's if it scores higher than the one kept, or
/// as high from a lower field (so the choice never depends on order).
fn keep_best(best: &mut HashMap<u64, Hit>, hit: Hit) {
    best.entry(hit.claim)
        .and_modify(|h| {
            if hit.score > h.score || (hit.score == h.score && hit.field < h.field) {
                *h = hit;
            }
        })
        .or_insert(hit);
}

/// The hits kept, best first; equal scores newest first, so the order is
/// total.
fn ranked(best: HashMap<u64, Hit>) -> Vec<Hit> {
    let mut hits: Vec<Hit> = best.into_values().collect();
    hits.sort_by(|a, b| b.score.total_cmp(&a.score).then(b.claim.cmp(&a.claim)));
    hits
}

/// The word shingles of a text: each pair of consecutive terms, or the
/// one term of a one-term text.
fn shingles(words: &[String]) -> BTreeSet<(&str, &str)> {
    match words {
        [] => BTreeSet::new(),
        [w] => BTreeSet::from([(w.as_str(), w.as_str())]),
        _ => words
            .windows(2)
            .map(|p| (p[0].as_str(), p[1].as_str()))
            .collect(),
    }
}

/// Calls `each` with every document of `seg` that holds `term` and is not
/// deleted, and how often it holds it (with [`IndexRecordOption::Basic`],
/// which reads no frequencies, that is 1).
fn live_postings(
    seg: &SegmentReader,
    field: Field,
    term: &Term,
    option: IndexRecordOption,
    each: &mut dyn FnMut(DocId, u32),
) -> Result<(), SearchError> {
    let inv = seg.inverted_index(field).map_err(read)?;
    let Some(mut p) = inv
        .read_postings(term, option)
        .map_err(|e| read(e.into()))?
    else {
        return Ok(());
    };
    let mut doc = p.doc();
    while doc != TERMINATED {
        if !seg.is_deleted(doc) {
            each(doc, p.term_freq());
        }
        doc = p.advance();
    }
    Ok(())
}
