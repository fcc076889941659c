//! What full-text search and near-duplicate matching mean for the
//! ledger: the terms a text is split into ([`terms::terms`]), the claims
//! as they stand ([`catalog::Catalog`]) with the filters a search takes
//! ([`catalog::Filters`]), and the constants of the ranking. The index
//! itself lives in the `isnad-search` crate (a tantivy index kept under
//! the ledger's directory, derived state never part of what is verified).
//!
//! **Search**: the texts (a claim's own and each stored translation) that
//! hold every word of the query, in any order (or, when no text holds
//! them all, those holding the most of them), ranked by BM25 ([`K1`],
//! [`B`]) times a recency factor, 1 + [`RECENCY_WEIGHT`] × 2^(−age /
//! [`RECENCY_HALF_LIFE_SECS`]), where age is how much older the claim was
//! recorded than the newest claim. A claim counts once, with its best
//! text, which the hit names.
//!
//! **Matching**: given a new claim's text, the claims most likely to be
//! the same claim. Both texts become sets of word shingles (each pair of
//! consecutive terms; a one-term text is its term), and the score is their
//! resemblance, |A ∩ B| / |A ∪ B| (Jaccard), over the texts sharing the
//! most distinct terms with the input; those scoring at least
//! [`MIN_RESEMBLANCE`] count, best first, one per claim.

pub mod catalog;
pub mod terms;

/// BM25's term-frequency saturation.
pub const K1: f64 = 1.2;
/// BM25's length normalisation.
pub const B: f64 = 0.75;
/// How much recency adds at most: a claim as new as the newest scores
/// 1.25 times its BM25.
pub const RECENCY_WEIGHT: f64 = 0.25;
/// The age at which recency's bonus halves, in seconds (365 days).
pub const RECENCY_HALF_LIFE_SECS: f64 = 365.0 * 86_400.0;
/// The lowest resemblance a match reports.
pub const MIN_RESEMBLANCE: f64 = 0.2;
