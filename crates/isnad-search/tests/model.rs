//! The index kept up to date entry by entry against one built at once:
//! random claims (some with translations), verdicts, corrections and
//! retractions, interleaved with searches and matches. At every search
//! the persisted index, reopened and caught up as `isnad search` does,
//! must answer exactly as a fresh index of the whole ledger: the same
//! claims, in the same order, with the same texts and scores.

#![allow(
    clippy::expect_used,
    clippy::unwrap_used,
    reason = "test code: a failed expectation is the test failing"
)]

mod common;

use isnad_core::record::*;
use isnad_core::search::catalog::Filters;
use isnad_core::{EntryHash, KeyPair, Ledger, Record, Timestamp};
use isnad_search::{Hit, Rebuilt, SearchIndex, View};
use proptest::prelude::*;

const WORDS: [&str; 10] = [
    "army",
    "moved",
    "north",
    "libya",
    "aircraft",
    "الجيش",
    "ليبيا",
    "floods",
    "derna",
    "mig",
];

#[derive(Clone, Debug)]
enum Op {
    /// A claim of these words (indexes into WORDS), with translations.
    Claim(Vec<usize>, Vec<Vec<usize>>, bool),
    /// A verdict on the i-th claim (modulo), with a rating.
    Verdict(usize, usize),
    /// The i-th verdict retracted.
    RetractVerdict(usize),
    /// The i-th claim corrected to these words.
    Correct(usize, Vec<usize>),
    /// The i-th claim retracted.
    RetractClaim(usize),
    /// A search for these words, filtered by language or rating.
    Search(Vec<usize>, Option<bool>, Option<usize>),
    /// A match of these words.
    Match(Vec<usize>),
}

fn words() -> impl Strategy<Value = Vec<usize>> {
    prop::collection::vec(0..WORDS.len(), 1..6)
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        4 => (words(), prop::collection::vec(words(), 0..3), any::<bool>())
            .prop_map(|(w, t, ar)| Op::Claim(w, t, ar)),
        2 => (any::<usize>(), 0..3usize).prop_map(|(c, r)| Op::Verdict(c, r)),
        1 => any::<usize>().prop_map(Op::RetractVerdict),
        1 => (any::<usize>(), words()).prop_map(|(c, w)| Op::Correct(c, w)),
        1 => any::<usize>().prop_map(Op::RetractClaim),
        3 => (words(), prop::option::of(any::<bool>()), prop::option::of(0..3usize))
            .prop_map(|(w, l, r)| Op::Search(w, l, r)),
        1 => words().prop_map(Op::Match),
    ]
}

const RATINGS: [Rating; 3] = [Rating::True, Rating::False, Rating::Mixed];

fn text(w: &[usize]) -> String {
    w.iter().map(|&i| WORDS[i]).collect::<Vec<_>>().join(" ")
}

fn body(w: &[usize], translations: &[Vec<usize>], ar: bool) -> ClaimBody {
    ClaimBody {
        text: text(w),
        lang: if ar { "ar" } else { "en" }.into(),
        quote: None,
        translations: translations
            .iter()
            .map(|t| Translation {
                lang: "fr".into(),
                text: text(t),
            })
            .collect(),
        chain: vec![Hop {
            source: "wire".parse().unwrap(),
            relation: HopRelation::Reported,
        }],
        appeared: Appearance {
            date: "2025-01-01".into(),
            url: None,
            venue: None,
        },
    }
}

struct World {
    _dir: tempfile::TempDir,
    fresh_dir: tempfile::TempDir,
    ledger: Ledger,
    editor: KeyPair,
    checker: KeyPair,
    claims: Vec<(EntryHash, ClaimBody)>,
    verdicts: Vec<EntryHash>,
    day: i64,
}

impl World {
    fn new() -> World {
        let n = common::newsroom(Timestamp::from_unix(1_700_000_000));
        World {
            _dir: n.dir,
            fresh_dir: tempfile::tempdir().unwrap(),
            ledger: n.ledger,
            editor: n.editor,
            checker: n.checker,
            claims: Vec::new(),
            verdicts: Vec::new(),
            day: 0,
        }
    }

    /// Retracts `target`, a claim or a verdict, as its editor.
    fn retract(&mut self, target: EntryHash) {
        self.append(
            false,
            Record::Amendment(AmendmentBody {
                target,
                change: Change::Retract,
                reason: "withdrawn".into(),
            }),
        );
    }

    /// Appends `record`; the clock moves on a month each time, so that
    /// recency tells claims apart.
    fn append(&mut self, key_is_checker: bool, record: Record) -> Option<EntryHash> {
        self.day += 30;
        let now = Timestamp::from_unix(1_700_000_000 + self.day * 86_400);
        let key = if key_is_checker {
            &self.checker
        } else {
            &self.editor
        };
        // The rules may refuse (a verdict on a retracted claim, say):
        // then nothing was appended, and nothing is to be indexed.
        self.ledger
            .append(key, record, now)
            .ok()
            .map(|a| a.entry().hash())
    }

    fn apply(&mut self, op: &Op) -> Option<(Vec<usize>, Filters, bool)> {
        match op {
            Op::Claim(w, t, ar) => {
                let b = body(w, t, *ar);
                if let Some(h) = self.append(false, Record::Claim(b.clone())) {
                    self.claims.push((h, b));
                }
            }
            Op::Verdict(c, r) if !self.claims.is_empty() => {
                let claim = self.claims[c % self.claims.len()].0;
                let v = self.append(
                    true,
                    Record::Verdict(VerdictBody {
                        claim,
                        rating: RATINGS[*r],
                        confidence: 90,
                        rationale: "checked".into(),
                        evidence: vec![],
                        supersedes: None,
                        review: None,
                    }),
                );
                self.verdicts.extend(v);
            }
            Op::RetractVerdict(v) if !self.verdicts.is_empty() => {
                let target = self.verdicts[v % self.verdicts.len()];
                self.retract(target);
            }
            Op::Correct(c, w) if !self.claims.is_empty() => {
                let (target, old) = self.claims[c % self.claims.len()].clone();
                let mut claim = old.clone();
                claim.text = text(w);
                self.append(
                    false,
                    Record::Amendment(AmendmentBody {
                        target,
                        change: Change::CorrectClaim { claim },
                        reason: "corrected".into(),
                    }),
                );
            }
            Op::RetractClaim(c) if !self.claims.is_empty() => {
                let target = self.claims[c % self.claims.len()].0;
                self.retract(target);
            }
            Op::Search(w, lang, rating) => {
                let filters = Filters {
                    lang: lang.map(|ar| if ar { "ar" } else { "en" }.to_owned()),
                    rating: rating.map(|r| RATINGS[r]),
                    ..Filters::default()
                };
                return Some((w.clone(), filters, false));
            }
            Op::Match(w) => return Some((w.clone(), Filters::default(), true)),
            _ => {}
        }
        None
    }
}

/// What a view answers, comparable across views.
fn answer(view: &View, w: &[usize], filters: &Filters, resemble: bool) -> Vec<(u64, u16, f64)> {
    let q = text(w);
    let hits: Vec<Hit> = if resemble {
        view.resemble(&q, None).unwrap()
    } else {
        view.search(&q, filters, None).unwrap()
    };
    hits.iter().map(|h| (h.claim, h.field, h.score)).collect()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]

    #[test]
    fn kept_up_to_date_it_answers_as_one_built_at_once(ops in prop::collection::vec(op(), 1..40)) {
        let mut world = World::new();
        let mut folded = 0;
        for op in &ops {
            let Some((w, filters, resemble)) = world.apply(op) else {
                continue;
            };
            // As `isnad search` does: open the persisted index, fold what
            // is new, search.
            let (mut kept, rebuilt) = SearchIndex::open(&world.ledger).unwrap();
            prop_assert!(rebuilt.is_none() || (rebuilt == Some(Rebuilt::Missing) && folded == 0));
            let done = kept.catch_up(&world.ledger).unwrap();
            prop_assert_eq!(done.before, folded);
            folded = done.after;
            prop_assert_eq!(folded, world.ledger.len().unwrap());
            // And one built from nothing.
            let fresh_dir = world.fresh_dir.path().join("index");
            let _ = std::fs::remove_dir_all(&fresh_dir);
            let (mut fresh, _) = SearchIndex::open_at(&world.ledger, &fresh_dir).unwrap();
            fresh.catch_up(&world.ledger).unwrap();
            let (a, b) = (kept.view(), fresh.view());
            prop_assert_eq!(a.texts(), b.texts());
            let (x, y) = (answer(&a, &w, &filters, resemble), answer(&b, &w, &filters, resemble));
            prop_assert_eq!(x.len(), y.len(), "{:?} vs {:?}", x, y);
            for (h, g) in x.iter().zip(&y) {
                prop_assert_eq!((h.0, h.1), (g.0, g.1), "{:?} vs {:?}", x, y);
                prop_assert!((h.2 - g.2).abs() <= 1e-9, "{:?} vs {:?}", x, y);
            }
            for h in &x {
                prop_assert!(h.2 > 0.0);
            }
        }
    }
}
