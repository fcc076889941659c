//! What a search and a match answer, on small ledgers: words in any
//! order, translations found and named, the most words first, recency
//! breaking even, corrections and retractions as they stand, filters, the
//! snapshot bound, and matching reworded claims.

#![allow(
    clippy::expect_used,
    clippy::unwrap_used,
    reason = "test code: a failed expectation is the test failing"
)]

use isnad_core::record::*;
use isnad_core::search::MIN_RESEMBLANCE;
use isnad_core::search::catalog::Filters;
use isnad_core::{EntryHash, KeyPair, Ledger, Record, Timestamp};
use isnad_search::{SearchIndex, View};

mod common;

const T0: i64 = 1_700_000_000;
/// Entries before the first claim: genesis, two keys, a source.
const FIRST: u64 = 4;

struct Desk {
    _dir: tempfile::TempDir,
    ledger: Ledger,
    editor: KeyPair,
    checker: KeyPair,
}

impl Desk {
    fn new() -> Desk {
        let n = common::newsroom(Timestamp::from_unix(T0));
        Desk {
            _dir: n.dir,
            ledger: n.ledger,
            editor: n.editor,
            checker: n.checker,
        }
    }

    /// A claim: its text (Arabic when it has Arabic letters), each
    /// translation in English (French for an English claim), recorded `days` after the start.
    fn claim(&self, texts: &[&str], days: i64) -> EntryHash {
        let ar = texts[0]
            .chars()
            .any(|c| ('\u{0600}'..='\u{06FF}').contains(&c));
        let body = ClaimBody {
            text: texts[0].into(),
            lang: if ar { "ar" } else { "en" }.into(),
            quote: None,
            translations: texts[1..]
                .iter()
                .map(|t| Translation {
                    lang: if ar { "en" } else { "fr" }.into(),
                    text: (*t).into(),
                })
                .collect(),
            chain: vec![Hop {
                source: "wire".parse().unwrap(),
                relation: HopRelation::Reported,
            }],
            appeared: Appearance {
                date: "2025-03-01".into(),
                url: None,
                venue: None,
            },
        };
        self.append(&self.editor, Record::Claim(body), days)
    }

    fn append(&self, key: &KeyPair, record: Record, days: i64) -> EntryHash {
        let now = Timestamp::from_unix(T0 + days * 86_400);
        self.ledger.append(key, record, now).unwrap().entry().hash()
    }

    fn view(&self) -> View {
        let (mut ix, _) = SearchIndex::open(&self.ledger).unwrap();
        ix.catch_up(&self.ledger).unwrap();
        ix.view()
    }
}

/// The claims found, as numbers from 0 in the order they were recorded.
fn claims(view: &View, q: &str) -> Vec<u64> {
    view.search(q, &Filters::default(), None)
        .unwrap()
        .iter()
        .map(|h| h.claim - FIRST)
        .collect()
}

#[test]
fn words_in_any_order_whole_words_only() {
    let d = Desk::new();
    d.claim(&["Libya received MiG-29 fighters from Russia"], 0);
    d.claim(&["Migrants crossed the sea"], 5);
    d.claim(&["Officers loyal to Haftar moved south"], 10);
    let v = d.view();
    assert_eq!(claims(&v, "MiG 29"), [0]);
    assert_eq!(claims(&v, "mig-29"), [0]);
    assert_eq!(claims(&v, "MiG"), [0]);
    assert_eq!(claims(&v, "loyal officers"), [2]);
    assert!(claims(&v, "nothing here").is_empty());
    assert!(claims(&v, " ,.; ").is_empty());
}

#[test]
fn translations_match_and_are_named() {
    let d = Desk::new();
    d.claim(
        &["وصلت طائرات ميغ إلى ليبيا", "MiG aircraft arrived in Libya"],
        0,
    );
    let v = d.view();
    let hits = v
        .search("aircraft Libya", &Filters::default(), None)
        .unwrap();
    assert_eq!((hits[0].claim, hits[0].field), (FIRST, 1));
    let found = v.found(&hits[0]).unwrap();
    assert_eq!(
        (found.lang.as_str(), found.matched_lang.as_str()),
        ("ar", "en")
    );
    assert_eq!(found.matched_text, "MiG aircraft arrived in Libya");
    assert_eq!(found.text, "وصلت طائرات ميغ إلى ليبيا");
    let hits = v.search("ليبيا", &Filters::default(), None).unwrap();
    assert_eq!(hits[0].field, 0);
    // Found through both: counted once.
    d.claim(&["Libya", "Libya"], 1);
    let v = d.view();
    let hits = v.search("libya", &Filters::default(), None).unwrap();
    assert_eq!(hits.len(), 2, "{hits:?}");
}

#[test]
fn the_most_words_win_then_recency_breaks_even() {
    let d = Desk::new();
    d.claim(&["army moved"], 0);
    d.claim(&["army moved north"], 0);
    // The same words (the same text would be the same entry).
    d.claim(&["moved army"], 400);
    let v = d.view();
    assert_eq!(claims(&v, "army moved north"), [1]);
    let hits = v.search("army moved", &Filters::default(), None).unwrap();
    assert_eq!(claims(&v, "army moved")[0], 2, "{hits:?}");
    // The same text recorded 400 days apart: the newer scores 1.25 times
    // BM25, the older 1 + 0.25 × 2^(−400/365).
    let hits = v.search("army moved", &Filters::default(), None).unwrap();
    let old = hits.iter().find(|h| h.claim == FIRST).unwrap().score;
    let new = hits.iter().find(|h| h.claim == FIRST + 2).unwrap().score;
    let want = 1.25 / (1.0 + 0.25 * (-400.0f64 / 365.0).exp2());
    assert!((new / old - want).abs() < 1e-12, "{new} / {old}");
}

#[test]
fn corrected_and_retracted_claims_are_searched_as_they_stand() {
    let d = Desk::new();
    let id = d.claim(&["first wording"], 0);
    let mut claim = match d.ledger.entry_by_hash(&id).unwrap().unwrap().record() {
        Record::Claim(c) => c.clone(),
        _ => unreachable!(),
    };
    claim.text = "second wording".into();
    let amend = |change| {
        Record::Amendment(AmendmentBody {
            target: id,
            change,
            reason: "why".into(),
        })
    };
    d.append(&d.editor, amend(Change::CorrectClaim { claim }), 1);
    let v = d.view();
    assert!(claims(&v, "first").is_empty());
    assert_eq!(claims(&v, "second"), [0]);
    d.append(&d.editor, amend(Change::Retract), 2);
    let v = d.view();
    assert!(claims(&v, "wording").is_empty());
    assert!(v.resemble("second wording", None).unwrap().is_empty());
    assert_eq!(v.texts(), 0);
}

#[test]
fn filters_and_the_bound_are_applied_before_counting() {
    let d = Desk::new();
    let a = d.claim(&["army moved north"], 0);
    d.claim(&["الجيش", "army moved"], 1);
    let v = d.view();
    let lang = |l: &str| Filters {
        lang: Some(l.into()),
        ..Filters::default()
    };
    // Among Arabic claims none holds every word: the most of them count.
    let hits = v.search("army moved north", &lang("ar"), None).unwrap();
    assert_eq!(
        hits.iter().map(|h| h.claim).collect::<Vec<_>>(),
        [FIRST + 1]
    );
    // A rating only once a standing verdict gives it.
    let rated = Filters {
        rating: Some(Rating::False),
        ..Filters::default()
    };
    assert!(v.search("army", &rated, None).unwrap().is_empty());
    let verdict = VerdictBody {
        claim: a,
        rating: Rating::False,
        confidence: 80,
        rationale: "checked".into(),
        evidence: vec![],
        supersedes: None,
        review: None,
    };
    d.append(&d.checker, Record::Verdict(verdict), 2);
    let v = d.view();
    let hits = v.search("army", &rated, None).unwrap();
    assert_eq!(hits.iter().map(|h| h.claim).collect::<Vec<_>>(), [FIRST]);
    // Dates, inclusive; sources anywhere in the chain.
    let dates = |from: &str, to: &str| Filters {
        from: Some(from.into()),
        to: Some(to.into()),
        ..Filters::default()
    };
    assert_eq!(
        v.search("army", &dates("2025-03-01", "2025-03-01"), None)
            .unwrap()
            .len(),
        2
    );
    assert!(
        v.search("army", &dates("2025-03-02", "2025-12-31"), None)
            .unwrap()
            .is_empty()
    );
    let source = |s: &str| Filters {
        source: Some(s.parse().unwrap()),
        ..Filters::default()
    };
    assert_eq!(v.search("army", &source("wire"), None).unwrap().len(), 2);
    assert!(v.search("army", &source("other"), None).unwrap().is_empty());
    // A snapshot's bound: claims at or past it are not its own.
    let hits = v
        .search("army", &Filters::default(), Some(FIRST + 1))
        .unwrap();
    assert_eq!(hits.iter().map(|h| h.claim).collect::<Vec<_>>(), [FIRST]);
}

#[test]
fn resemblance_finds_the_same_claim_reworded() {
    let d = Desk::new();
    d.claim(
        &["Russia delivered six MiG-29 fighter jets to eastern Libya"],
        0,
    );
    d.claim(&["Egypt opened the Rafah crossing for aid"], 0);
    let v = d.view();
    let hits = v
        .resemble(
            "Six MiG-29 fighter jets delivered to eastern Libya by Russia",
            None,
        )
        .unwrap();
    assert_eq!(hits.len(), 1, "{hits:?}");
    assert_eq!(hits[0].claim, FIRST);
    assert!(hits[0].score >= MIN_RESEMBLANCE && hits[0].score <= 1.0);
    let same = v
        .resemble(
            "Russia delivered six MiG-29 fighter jets to eastern Libya",
            None,
        )
        .unwrap();
    assert!((same[0].score - 1.0).abs() < 1e-12);
    assert!(
        v.resemble("unrelated words entirely", None)
            .unwrap()
            .is_empty()
    );
}

#[test]
fn a_second_writer_is_told_the_index_is_busy() {
    let d = Desk::new();
    d.claim(&["army moved north"], 0);
    let (first, _) = SearchIndex::open(&d.ledger).unwrap();
    let err = SearchIndex::open(&d.ledger).unwrap_err();
    assert!(
        matches!(err, isnad_search::SearchError::Busy { .. }),
        "{err:?}"
    );
    assert!(err.to_string().contains("another process"), "{err}");
    // Let go, and the next one opens it.
    first.close().unwrap();
    let (mut ix, rebuilt) = SearchIndex::open(&d.ledger).unwrap();
    assert_eq!(rebuilt, None);
    assert_eq!(ix.catch_up(&d.ledger).unwrap().after, FIRST + 1);
}
