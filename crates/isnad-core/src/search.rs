//! Full-text search over claims, and near-duplicate matching: "has this
//! claim already been recorded, in any wording or language?"
//!
//! [`Index`] holds the terms ([`terms::terms`]) of every text of every
//! claim: its own text and each stored translation. It is derived state,
//! built from the ledger ([`catalog::Catalog`] folds entries into it one
//! at a time, so a server extends it with each append) and never part of
//! what is verified or scored.
//!
//! **Search** ([`Index::search`]): the texts that hold every word of the
//! query, in any order (or, when no text holds them all, those holding
//! the most of them), ranked by BM25 (k1 = 1.2, b = 0.75) times a recency
//! factor, 1 + 0.25 × 2^(−age / 365 days), where age is how much older the
//! claim was recorded than the newest claim. A claim counts once, with its
//! best text, which the hit names.
//!
//! **Matching** ([`Index::resemble`]): given a new claim's text, the claims
//! most likely to be the same claim. Both texts become sets of word
//! shingles (each pair of consecutive terms; a one-term text is its term),
//! and the score is their resemblance, |A ∩ B| / |A ∪ B| (Jaccard). The
//! candidates are the 200 texts sharing the most distinct terms with the
//! input; those scoring at least [`MIN_RESEMBLANCE`] are returned, best
//! first, one per claim.

pub mod catalog;
pub mod terms;

use std::collections::{BTreeSet, HashMap};

/// A claim's number in an index: its place in [`catalog::Catalog::claims`].
pub type ClaimIx = u32;

/// BM25's term-frequency saturation.
const K1: f64 = 1.2;
/// BM25's length normalisation.
const B: f64 = 0.75;
/// How much recency adds at most: a claim as new as the newest scores
/// 1.25 times its BM25.
pub const RECENCY_WEIGHT: f64 = 0.25;
/// The age at which recency's bonus halves, in seconds (365 days).
pub const RECENCY_HALF_LIFE_SECS: f64 = 365.0 * 86_400.0;
/// The lowest resemblance [`Index::resemble`] reports.
pub const MIN_RESEMBLANCE: f64 = 0.2;
/// Candidates [`Index::resemble`] scores.
const CANDIDATES: usize = 200;

/// One indexed text.
#[derive(Clone, Debug)]
struct Text {
    claim: ClaimIx,
    /// 0 for the claim's text, i for its i-th translation.
    field: u16,
    /// Its terms, as term numbers, in order.
    words: Box<[u32]>,
    live: bool,
}

/// The search index: see the module documentation.
#[derive(Clone, Debug, Default)]
pub struct Index {
    term_ids: HashMap<String, u32>,
    /// Per term, the texts holding it with how often.
    postings: Vec<Vec<(u32, u16)>>,
    texts: Vec<Text>,
    /// Per claim, its live texts and when it was recorded (Unix seconds).
    claims: Vec<(Vec<u32>, i64)>,
    live_texts: u64,
    live_words: u64,
    newest: i64,
}

/// One search result.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Hit {
    /// The claim.
    pub claim: ClaimIx,
    /// Which of its texts matched best: 0 its own, i its i-th translation.
    pub field: u16,
    /// BM25 times the recency factor.
    pub score: f64,
}

impl Index {
    /// An empty index.
    pub fn new() -> Index {
        Index::default()
    }

    /// Indexes `texts` (its own, then each translation's) as claim
    /// `claim`'s, recorded at `time` (Unix seconds), in place of whatever
    /// it had.
    pub fn set(&mut self, claim: ClaimIx, time: i64, texts: &[&str]) {
        self.remove(claim);
        let c = claim as usize;
        if self.claims.len() <= c {
            self.claims.resize(c + 1, (Vec::new(), 0));
        }
        let mut mine = Vec::with_capacity(texts.len());
        for (field, text) in texts.iter().enumerate() {
            let words: Box<[u32]> = terms::terms(text)
                .into_iter()
                .map(|t| self.term_id(t))
                .collect();
            let no = u32::try_from(self.texts.len()).unwrap_or(u32::MAX);
            let mut counts: Vec<u32> = words.to_vec();
            counts.sort_unstable();
            let mut i = 0;
            while i < counts.len() {
                let t = counts[i];
                let n = counts[i..].iter().take_while(|&&x| x == t).count();
                self.postings[t as usize].push((no, u16::try_from(n).unwrap_or(u16::MAX)));
                i += n;
            }
            self.live_texts += 1;
            self.live_words += words.len() as u64;
            self.texts.push(Text {
                claim,
                field: u16::try_from(field).unwrap_or(u16::MAX),
                words,
                live: true,
            });
            mine.push(no);
        }
        self.claims[c] = (mine, time);
        self.newest = self.newest.max(time);
    }

    /// Takes claim `claim` out of every result (a retraction).
    pub fn remove(&mut self, claim: ClaimIx) {
        let Some((texts, _)) = self.claims.get_mut(claim as usize) else {
            return;
        };
        for no in texts.drain(..) {
            let t = &mut self.texts[no as usize];
            t.live = false;
            self.live_texts -= 1;
            self.live_words -= t.words.len() as u64;
        }
    }

    fn term_id(&mut self, term: String) -> u32 {
        let next = u32::try_from(self.postings.len()).unwrap_or(u32::MAX);
        let id = *self.term_ids.entry(term).or_insert(next);
        if id == next {
            self.postings.push(Vec::new());
        }
        id
    }

    /// Every claim matching `query` that `keep` accepts, best first.
    pub fn search(&self, query: &str, keep: &dyn Fn(ClaimIx) -> bool) -> Vec<Hit> {
        let wanted: BTreeSet<u32> = terms::terms(query)
            .iter()
            .filter_map(|t| self.term_ids.get(t).copied())
            .collect();
        let asked: BTreeSet<String> = terms::terms(query).into_iter().collect();
        if asked.is_empty() {
            return Vec::new();
        }
        let n = self.live_texts.max(1) as f64;
        let avg = (self.live_words as f64 / n).max(1.0);
        // Per text: terms matched, BM25.
        let mut acc: HashMap<u32, (usize, f64)> = HashMap::new();
        for &t in &wanted {
            let list = &self.postings[t as usize];
            let df = list.len() as f64;
            let idf = (1.0 + (n - df + 0.5) / (df + 0.5)).ln();
            for &(no, tf) in list {
                let text = &self.texts[no as usize];
                if !text.live {
                    continue;
                }
                let tf = f64::from(tf);
                let len = text.words.len() as f64;
                let part = idf * tf * (K1 + 1.0) / (tf + K1 * (1.0 - B + B * len / avg));
                let e = acc.entry(no).or_insert((0, 0.0));
                e.0 += 1;
                e.1 += part;
            }
        }
        let most = acc.values().map(|&(m, _)| m).max().unwrap_or(0);
        let mut best: HashMap<ClaimIx, Hit> = HashMap::new();
        for (no, (matched, bm25)) in acc {
            if matched < most {
                continue;
            }
            let text = &self.texts[no as usize];
            if !keep(text.claim) {
                continue;
            }
            keep_best(
                &mut best,
                Hit {
                    claim: text.claim,
                    field: text.field,
                    score: bm25 * self.recency(text.claim),
                },
            );
        }
        ranked(best)
    }

    /// 1 + [`RECENCY_WEIGHT`] × 2^(−age / half-life).
    fn recency(&self, claim: ClaimIx) -> f64 {
        let time = self.claims.get(claim as usize).map_or(0, |c| c.1);
        let age = (self.newest - time).max(0) as f64;
        1.0 + RECENCY_WEIGHT * (-age / RECENCY_HALF_LIFE_SECS).exp2()
    }

    /// The claims most likely to be the same claim as `text`, best first,
    /// each with its resemblance (see the module documentation).
    pub fn resemble(&self, text: &str, keep: &dyn Fn(ClaimIx) -> bool) -> Vec<Hit> {
        // Terms not in the index get numbers of their own, past the index's.
        let mut unknown: HashMap<String, u32> = HashMap::new();
        let base = u32::try_from(self.postings.len()).unwrap_or(u32::MAX);
        let words: Vec<u32> = terms::terms(text)
            .into_iter()
            .map(|t| match self.term_ids.get(&t) {
                Some(&id) => id,
                None => {
                    let next = base.saturating_add(u32::try_from(unknown.len()).unwrap_or(0));
                    *unknown.entry(t).or_insert(next)
                }
            })
            .collect();
        let mine = shingles(&words);
        if mine.is_empty() {
            return Vec::new();
        }
        let distinct: BTreeSet<u32> = words.iter().copied().filter(|&w| w < base).collect();
        let mut shared: HashMap<u32, u32> = HashMap::new();
        for &t in &distinct {
            for &(no, _) in &self.postings[t as usize] {
                if self.texts[no as usize].live {
                    *shared.entry(no).or_insert(0) += 1;
                }
            }
        }
        let mut candidates: Vec<(u32, u32)> = shared.into_iter().collect();
        candidates.sort_by(|a, b| b.1.cmp(&a.1).then(b.0.cmp(&a.0)));
        candidates.truncate(CANDIDATES);
        let mut best: HashMap<ClaimIx, Hit> = HashMap::new();
        for (no, _) in candidates {
            let t = &self.texts[no as usize];
            if !keep(t.claim) {
                continue;
            }
            let theirs = shingles(&t.words);
            let both = mine.intersection(&theirs).count() as f64;
            let either = mine.union(&theirs).count() as f64;
            let score = if either > 0.0 { both / either } else { 0.0 };
            if score < MIN_RESEMBLANCE {
                continue;
            }
            keep_best(
                &mut best,
                Hit {
                    claim: t.claim,
                    field: t.field,
                    score,
                },
            );
        }
        ranked(best)
    }
}

/// Keeps `hit` as its claim's if it scores higher than the one kept.
fn keep_best(best: &mut HashMap<ClaimIx, Hit>, hit: Hit) {
    best.entry(hit.claim)
        .and_modify(|h| {
            if hit.score > h.score {
                *h = hit;
            }
        })
        .or_insert(hit);
}

/// The hits kept, best first; equal scores newest first, so the order is
/// total (a hash map's order never shows).
fn ranked(best: HashMap<ClaimIx, Hit>) -> Vec<Hit> {
    let mut hits: Vec<Hit> = best.into_values().collect();
    hits.sort_by(|a, b| b.score.total_cmp(&a.score).then(b.claim.cmp(&a.claim)));
    hits
}

/// The word shingles of a text: each pair of consecutive terms, or the
/// one term of a one-term text.
fn shingles(words: &[u32]) -> BTreeSet<(u32, u32)> {
    match words {
        [] => BTreeSet::new(),
        [w] => BTreeSet::from([(*w, *w)]),
        _ => words.windows(2).map(|p| (p[0], p[1])).collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn index(texts: &[(&[&str], i64)]) -> Index {
        let mut ix = Index::new();
        for (i, (t, time)) in texts.iter().enumerate() {
            ix.set(i as ClaimIx, *time, t);
        }
        ix
    }

    const ALL: &dyn Fn(ClaimIx) -> bool = &|_| true;

    #[test]
    fn words_in_any_order_whole_words_only() {
        let ix = index(&[
            (&["Libya received MiG-29 fighters from Russia"], 0),
            (&["Migrants crossed the sea"], 10),
            (&["Officers loyal to Haftar moved south"], 5),
        ]);
        let claims = |q: &str| {
            ix.search(q, ALL)
                .iter()
                .map(|h| h.claim)
                .collect::<Vec<_>>()
        };
        assert_eq!(claims("MiG 29"), [0]);
        assert_eq!(claims("mig-29"), [0]);
        assert_eq!(claims("MiG"), [0]);
        assert_eq!(claims("loyal officers"), [2]);
        assert!(claims("nothing here").is_empty());
    }

    #[test]
    fn translations_match_and_are_named() {
        let ix = index(&[(
            &["وصلت طائرات ميغ إلى ليبيا", "MiG aircraft arrived in Libya"],
            0,
        )]);
        let hits = ix.search("aircraft Libya", ALL);
        assert_eq!((hits[0].claim, hits[0].field), (0, 1));
        let hits = ix.search("ليبيا", ALL);
        assert_eq!(hits[0].field, 0);
    }

    #[test]
    fn the_most_words_win_then_recency_breaks_even() {
        let ix = index(&[
            (&["army moved"], 0),
            (&["army moved north"], 0),
            (&["army moved"], 400 * 86_400),
        ]);
        let hits = ix.search("army moved north", ALL);
        assert_eq!(hits.iter().map(|h| h.claim).collect::<Vec<_>>(), [1]);
        let hits = ix.search("army moved", ALL);
        assert_eq!(hits[0].claim, 2, "{hits:?}");
    }

    #[test]
    fn replaced_and_removed_texts_no_longer_match() {
        let mut ix = index(&[(&["first wording"], 0)]);
        ix.set(0, 0, &["second wording"]);
        assert!(ix.search("first", ALL).is_empty());
        assert_eq!(ix.search("second", ALL).len(), 1);
        ix.remove(0);
        assert!(ix.search("second", ALL).is_empty());
        assert!(ix.search("wording", &|_| true).is_empty());
    }

    #[test]
    fn resemblance_finds_the_same_claim_reworded() {
        let ix = index(&[
            (
                &["Russia delivered six MiG-29 fighter jets to eastern Libya"],
                0,
            ),
            (&["Egypt opened the Rafah crossing for aid"], 0),
        ]);
        let hits = ix.resemble(
            "Six MiG-29 fighter jets delivered to eastern Libya by Russia",
            ALL,
        );
        assert_eq!(hits.len(), 1, "{hits:?}");
        assert_eq!(hits[0].claim, 0);
        assert!(hits[0].score >= MIN_RESEMBLANCE && hits[0].score <= 1.0);
        let same = ix.resemble(
            "Russia delivered six MiG-29 fighter jets to eastern Libya",
            ALL,
        );
        assert!((same[0].score - 1.0).abs() < 1e-12);
        assert!(ix.resemble("unrelated words entirely", ALL).is_empty());
    }
}
