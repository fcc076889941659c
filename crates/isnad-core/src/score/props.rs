//! Property tests: verdict monotonicity, relays that add no origin,
//! replays that agree, and reordering that changes no score.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use proptest::prelude::*;

use crate::ids::EntryHash;
use crate::keys::KeyPair;
use crate::record::{ClaimRelation, Grade, Rating, SourceKind};
use crate::time::Timestamp;

use super::testkit::Book;
use super::*;

const RELATIONS: [ClaimRelation; 4] = [
    ClaimRelation::SameAs,
    ClaimRelation::Corroborates,
    ClaimRelation::DerivedFrom,
    ClaimRelation::Contradicts,
];
const GRADES: [Grade; 6] = [Grade::A, Grade::B, Grade::C, Grade::D, Grade::E, Grade::F];

/// A random ledger, described by indexes.
#[derive(Clone, Debug)]
struct Model {
    /// Per source: is it anonymous?
    sources: Vec<bool>,
    /// Per claim: text number (0-3), a spelling variant, and the chain as
    /// source numbers (publisher first; repeats dropped).
    claims: Vec<(u8, bool, Vec<u8>)>,
    /// (claim, rating, confidence, second checker, days before it)
    verdicts: Vec<(u8, u8, u8, bool, u16)>,
    /// (from, relation, to): `derived-from` only to an earlier claim,
    /// at most one per claim.
    relations: Vec<(u8, u8, u8)>,
    /// (source, grade), at most one per source.
    priors: Vec<(u8, u8)>,
}

fn model() -> impl Strategy<Value = Model> {
    (
        prop::collection::vec(prop::bool::weighted(0.2), 2..6),
        prop::collection::vec(
            (
                0u8..4,
                any::<bool>(),
                prop::collection::vec(any::<u8>(), 1..4),
            ),
            1..8,
        ),
        prop::collection::vec(
            (any::<u8>(), 0u8..7, 0u8..=100, any::<bool>(), 0u16..800),
            0..12,
        ),
        prop::collection::vec((any::<u8>(), 0u8..4, any::<u8>()), 0..4),
        prop::collection::vec((any::<u8>(), 0u8..6), 0..3),
    )
        .prop_map(|(sources, claims, verdicts, relations, priors)| {
            let ns = sources.len() as u8;
            let nc = claims.len() as u8;
            let claims = claims
                .into_iter()
                .map(|(t, v, chain)| {
                    let mut c: Vec<u8> = Vec::new();
                    for s in chain.into_iter().map(|s| s % ns) {
                        if !c.contains(&s) {
                            c.push(s);
                        }
                    }
                    (t, v, c)
                })
                .collect();
            let verdicts = verdicts
                .into_iter()
                .map(|(c, r, conf, two, d)| (c % nc, r, conf, two, d))
                .collect();
            let mut derived = Vec::new();
            let relations = relations
                .into_iter()
                .filter_map(|(a, r, b)| {
                    let (a, b) = (a % nc, b % nc);
                    if a == b {
                        return None;
                    }
                    if RELATIONS[r as usize] == ClaimRelation::DerivedFrom {
                        // Acyclic and one per claim: later derives from earlier.
                        let (from, to) = (a.max(b), a.min(b));
                        if derived.contains(&from) {
                            return None;
                        }
                        derived.push(from);
                        return Some((from, r, to));
                    }
                    Some((a, r, b))
                })
                .collect();
            let mut seen = Vec::new();
            let priors = priors
                .into_iter()
                .filter_map(|(s, g)| {
                    let s = s % ns;
                    (!seen.contains(&s)).then(|| {
                        seen.push(s);
                        (s, g)
                    })
                })
                .collect();
            Model {
                sources,
                claims,
                verdicts,
                relations,
                priors,
            }
        })
}

fn slug(i: u8) -> String {
    format!("s{i}")
}

fn text(t: u8, variant: bool) -> String {
    if variant {
        format!("  Story   NUMBER {t} ")
    } else {
        format!("story number {t}")
    }
}

fn checker(two: bool) -> KeyPair {
    if two {
        KeyPair::from_seed("checker-two", &[4; 32]).unwrap()
    } else {
        KeyPair::from_seed("checker", &[3; 32]).unwrap()
    }
}

/// One record of the model, to be written in some order.
#[derive(Clone, Copy, Debug)]
enum Item {
    Claim(usize),
    Verdict(usize),
    Relation(usize),
    Prior(usize),
}

impl Model {
    fn items(&self) -> Vec<Item> {
        let mut v: Vec<Item> = (0..self.claims.len()).map(Item::Claim).collect();
        v.extend((0..self.priors.len()).map(Item::Prior));
        v.extend((0..self.verdicts.len()).map(Item::Verdict));
        v.extend((0..self.relations.len()).map(Item::Relation));
        v
    }

    /// Writes the sources, then `items` in order; `timed` moves the clock
    /// before each verdict. Returns the claims' ids by model number.
    fn write(&self, b: &mut Book, items: &[Item], timed: bool) -> Vec<EntryHash> {
        for (i, &anon) in self.sources.iter().enumerate() {
            let kind = if anon {
                SourceKind::Anonymous
            } else {
                SourceKind::Outlet
            };
            b.source(&slug(i as u8), kind);
        }
        let mut ids = vec![EntryHash::ZERO; self.claims.len()];
        for item in items {
            match *item {
                Item::Claim(i) => {
                    let (t, v, chain) = &self.claims[i];
                    let slugs: Vec<String> = chain.iter().map(|&s| slug(s)).collect();
                    let slugs: Vec<&str> = slugs.iter().map(String::as_str).collect();
                    ids[i] = b.claim(&text(*t, *v), &slugs);
                }
                Item::Verdict(i) => {
                    let (c, r, conf, two, days) = self.verdicts[i];
                    if timed {
                        b.days(i64::from(days));
                    }
                    b.verdict_by(
                        &checker(two),
                        ids[c as usize],
                        Rating::ALL[r as usize],
                        conf,
                        None,
                    );
                }
                Item::Relation(i) => {
                    let (from, r, to) = self.relations[i];
                    b.relation(ids[from as usize], RELATIONS[r as usize], ids[to as usize]);
                }
                Item::Prior(i) => {
                    let (s, g) = self.priors[i];
                    b.prior(&slug(s), GRADES[g as usize]);
                }
            }
        }
        ids
    }

    fn build(&self, timed: bool) -> (Book, Vec<EntryHash>) {
        let mut b = Book::new();
        let ids = self.write(&mut b, &self.items(), timed);
        (b, ids)
    }

    /// The claim an item refers to, which must come first.
    fn needs(&self, item: Item) -> Vec<usize> {
        match item {
            Item::Claim(_) | Item::Prior(_) => vec![],
            Item::Verdict(i) => vec![self.verdicts[i].0 as usize],
            Item::Relation(i) => vec![self.relations[i].0 as usize, self.relations[i].2 as usize],
        }
    }
}

fn origin_of(m: &Model, claim: u8) -> Option<u8> {
    let chain = &m.claims[claim as usize].2;
    let last = *chain.last()?;
    (!m.sources[last as usize]).then_some(last)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, .. ProptestConfig::default() })]

    // A true verdict never lowers its originator's expected value; a false
    // one never raises it. Both replays are read at the same as-of time, so
    // only the new verdict differs.
    #[test]
    fn a_verdict_moves_its_originator_the_right_way(
        m in model(),
        claim in any::<u8>(),
        truth in any::<bool>(),
        confidence in 0u8..=100,
        two in any::<bool>(),
    ) {
        let (mut b, ids) = m.build(true);
        let claim = claim % m.claims.len() as u8;
        let as_of = AsOf::Time(Timestamp::from_unix(b.time.unix() + 86_400));
        let before = b.scores_at(as_of);
        let rating = if truth { Rating::True } else { Rating::False };
        b.verdict_by(&checker(two), ids[claim as usize], rating, confidence, None);
        let after = b.scores_at(as_of);
        if let Some(o) = origin_of(&m, claim) {
            let id = slug(o).parse().unwrap();
            let (e0, e1) = (before.source(&id).unwrap().opinion.e, after.source(&id).unwrap().opinion.e);
            if truth {
                prop_assert!(e1 >= e0, "true verdict lowered {e0} to {e1}");
            } else {
                prop_assert!(e1 <= e0, "false verdict raised {e0} to {e1}");
            }
        }
    }

    // Adding reports of an existing origin through new relays never adds an
    // independent origin or a confirmation, so it never makes a story with
    // fewer than two confirmations "confirmed" (digit 1).
    #[test]
    fn relays_of_an_existing_origin_confirm_nothing(
        m in model(),
        claim in any::<u8>(),
        relays in prop::collection::vec(prop::collection::vec(0u8..3, 0..3), 1..4),
        strong in any::<bool>(),
    ) {
        let (mut b, ids) = m.build(false);
        let claim = claim % m.claims.len() as u8;
        let id = ids[claim as usize];
        // An origin the story already has (after misattributions and
        // derivations), if it has any.
        let Some(x) = b.scores().explain_claim(&id) else { return Ok(()) };
        let Some(origin) = x.origins.first().map(|o| o.source.to_string()) else {
            return Ok(());
        };
        // New relays, with a strong record or none.
        for r in 0..3 {
            b.outlet(&format!("relay{r}"));
            if strong {
                for i in 0..5 {
                    let c = b.claim(&format!("relay{r} record {i}"), &[&format!("relay{r}")]);
                    b.verdict(c, Rating::True, 100);
                }
            }
        }
        let before = b.scores().claim(&id).cloned().unwrap();
        let (t, v, _) = &m.claims[claim as usize];
        for chain in relays {
            let mut slugs: Vec<String> = Vec::new();
            for r in chain {
                let s = format!("relay{r}");
                if !slugs.contains(&s) {
                    slugs.push(s);
                }
            }
            slugs.push(origin.clone());
            let slugs: Vec<&str> = slugs.iter().map(String::as_str).collect();
            b.claim(&text(*t, *v), &slugs);
        }
        let after = b.scores().claim(&id).cloned().unwrap();
        prop_assert_eq!(after.origins, before.origins);
        prop_assert_eq!(after.confirmations, before.confirmations);
        prop_assert!(after.reports > before.reports);
        if before.confirmations < 2 {
            prop_assert_ne!(after.credibility, Credibility::Confirmed);
        }
        if before.origins <= 1 {
            prop_assert!(after.circular);
        }
    }

    // Replaying the same entries twice, or the export verified from a file,
    // gives the same state root.
    #[test]
    fn replays_agree(m in model()) {
        let (b, _) = m.build(true);
        let root = b.scores().state_root();
        prop_assert_eq!(b.scores().state_root(), root);
        let export = b.export();
        let from_file = replay_jsonl(&mut export.as_slice(), AsOf::Head, &Params::default()).unwrap();
        prop_assert_eq!(from_file.state_root(), root);
    }

    // Writing independent records in another order (each still after what
    // it refers to) changes no score.
    #[test]
    fn reordering_independent_records_changes_no_score(
        m in model(),
        keys in prop::collection::vec(any::<u32>(), 40),
    ) {
        let (a, ids_a) = m.build(false);
        // A random topological order: repeatedly take the first item, by
        // random key, whose claims are written.
        let mut pending: Vec<(u32, Item)> = m
            .items()
            .into_iter()
            .enumerate()
            .map(|(i, it)| (keys[i % keys.len()] ^ i as u32, it))
            .collect();
        pending.sort_by_key(|(k, _)| *k);
        let mut written = vec![false; m.claims.len()];
        let mut order = Vec::new();
        while !pending.is_empty() {
            let pos = pending
                .iter()
                .position(|(_, it)| m.needs(*it).iter().all(|&c| written[c]))
                .unwrap();
            let (_, it) = pending.remove(pos);
            if let Item::Claim(c) = it {
                written[c] = true;
            }
            order.push(it);
        }
        let mut b = Book::new();
        let ids_b = m.write(&mut b, &order, false);
        let (sa, sb) = (a.scores(), b.scores());
        let sources_a: Vec<SourceScore> = sa.sources().cloned().collect();
        let sources_b: Vec<SourceScore> = sb.sources().cloned().collect();
        prop_assert_eq!(sources_a, sources_b);
        for (x, y) in ids_a.iter().zip(&ids_b) {
            let (ca, cb) = (sa.claim(x).unwrap(), sb.claim(y).unwrap());
            prop_assert_eq!(
                (ca.opinion, ca.reports, ca.origins, ca.confirmations, ca.credibility, ca.circular),
                (cb.opinion, cb.reports, cb.origins, cb.confirmations, cb.credibility, cb.circular)
            );
        }
    }
}

proptest! {
    // A sled store per case: fewer cases.
    #![proptest_config(ProptestConfig { cases: 6, .. ProptestConfig::default() })]

    // A ledger imported from an export gives the same state root as the
    // entries it was exported from.
    #[test]
    fn an_imported_copy_has_the_same_root(m in model()) {
        let (b, _) = m.build(true);
        let root = b.scores().state_root();
        let dir = tempfile::tempdir().unwrap();
        let ledger = crate::store::Ledger::create(dir.path()).unwrap();
        let now = Timestamp::from_unix(b.time.unix() + 86_400);
        ledger.import_jsonl(&mut b.export().as_slice(), now, &mut |_| {}).unwrap();
        let copy = replay_ledger(&ledger, AsOf::Head, &Params::default()).unwrap();
        prop_assert_eq!(copy.state_root(), root);
        // And its own export, imported again.
        let mut out = Vec::new();
        ledger.export_jsonl(&mut out).unwrap();
        let dir2 = tempfile::tempdir().unwrap();
        let again = crate::store::Ledger::create(dir2.path()).unwrap();
        again.import_jsonl(&mut out.as_slice(), now, &mut |_| {}).unwrap();
        prop_assert_eq!(replay_ledger(&again, AsOf::Head, &Params::default()).unwrap().state_root(), root);
    }
}
