//! Property tests: verdict monotonicity, relays that add no origin,
//! replays that agree, reordering that changes no score, no single checker
//! making or breaking a source, and compromise undoing everything a thief
//! signed.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use proptest::prelude::*;

use crate::ids::EntryHash;
use crate::keys::KeyPair;
use crate::record::{Change, ClaimRelation, Grade, Rating, Role, SourceBody, SourceKind};
use crate::time::Timestamp;

use super::testkit::{ADMIN, Book, CHECKER, CHECKER2, CHECKER3, DESK, EDITOR, T0, key, known};
use super::*;

const RELATIONS: [ClaimRelation; 4] = [
    ClaimRelation::SameAs,
    ClaimRelation::Corroborates,
    ClaimRelation::DerivedFrom,
    ClaimRelation::Contradicts,
];
const GRADES: [Grade; 6] = Grade::ALL;

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

    /// Each claim's story, as a representative claim number: claims with
    /// the same text number, or joined by a relation other than
    /// `contradicts`, tell one story (the model retracts nothing).
    fn stories(&self) -> Vec<usize> {
        let mut root: Vec<usize> = (0..self.claims.len()).collect();
        fn find(root: &mut [usize], mut x: usize) -> usize {
            while root[x] != x {
                x = root[x];
            }
            x
        }
        let join = |root: &mut Vec<usize>, a: usize, b: usize| {
            let (ra, rb) = (find(root, a), find(root, b));
            root[ra.max(rb)] = ra.min(rb);
        };
        for a in 0..self.claims.len() {
            for b in 0..a {
                if self.claims[a].0 == self.claims[b].0 {
                    join(&mut root, a, b);
                }
            }
        }
        for &(from, r, to) in &self.relations {
            if RELATIONS[r as usize] != ClaimRelation::Contradicts {
                join(&mut root, from as usize, to as usize);
            }
        }
        (0..self.claims.len()).map(|c| find(&mut root, c)).collect()
    }

    /// The model with at most one verdict per checker per story (the
    /// first): in v2 a checker's latest verdict on a claim is its voice
    /// there, and its latest on any claim of a story is its voice on the
    /// story, so the order of two verdicts by one checker on one story
    /// matters by design.
    fn one_voice_per_story(&self) -> Model {
        let story = self.stories();
        let mut seen = Vec::new();
        let mut m = self.clone();
        m.verdicts.retain(|&(c, _, _, two, _)| {
            let k = (story[c as usize], two);
            let fresh = !seen.contains(&k);
            seen.push(k);
            fresh
        });
        m
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

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, .. ProptestConfig::default() })]

    // v1 said: a true verdict never lowers its originator's expected value,
    // a false one never raises it. In v2 that is false in general, by
    // design: a checker's new verdict on a claim it already rated replaces
    // its earlier one (one voice), so "true 5 %" after "true 100 %" lowers
    // the originator; and a voice on a story other checkers rate changes
    // their agreement, so checker weights (which scale all of a checker's
    // evidence, about every source) and the story's dispute factor move.
    //
    // What must hold: a new true (false) verdict by a checker with no
    // counting verdict on that claim yet, on a claim whose story has no
    // value voice from another checker, changes no checker's weight and
    // lowers (raises) no source's expected value. It replaces nothing, no
    // agreement or conflict changes (a story needs two checkers' value
    // voices for either), so all it does is add r (s) to the hops of the
    // claim's chain under the rating; saturation n·K/(n+K) of a checker's
    // part grows with its r and shrinks with its s, and E grows with r and
    // shrinks with s. Both replays are read at the same as-of time.
    #[test]
    fn a_verdict_moves_its_originator_the_right_way(
        m in model(),
        pick in any::<u8>(),
        use_fresh in prop::bool::weighted(0.25),
        fresh_chain in prop::collection::vec(any::<u8>(), 1..4),
        truth in any::<bool>(),
        confidence in 0u8..=100,
        two in any::<bool>(),
    ) {
        let (mut b, ids) = m.build(true);
        let as_of = AsOf::Time(Timestamp::from_unix(b.time.unix() + 86_400));
        let me = checker(two);
        let s = b.scores_at(as_of);
        let mine = s
            .checkers()
            .find(|c| c.keys.iter().any(|k| k == me.verifier().name()))
            .map(|c| c.id.clone());
        prop_assert!(mine.is_some(), "the checker is listed");
        // Claims where the new verdict is a first voice that meets no other
        // checker's value voice on its story.
        let eligible: Vec<EntryHash> = ids
            .iter()
            .copied()
            .filter(|id| {
                let x = s.explain_claim(id).unwrap();
                !x.verdicts.iter().any(|v| {
                    let valued = !matches!(v.rating, Rating::Unverifiable | Rating::Misattributed);
                    (v.voice && valued && v.checker != mine)
                        || (v.claim == *id && v.checker == mine && v.status == VerdictStatus::Counts)
                })
            })
            .collect();
        let claim = if use_fresh || eligible.is_empty() {
            let mut slugs: Vec<String> = Vec::new();
            for i in fresh_chain {
                let hop = slug(i % m.sources.len() as u8);
                if !slugs.contains(&hop) {
                    slugs.push(hop);
                }
            }
            let slugs: Vec<&str> = slugs.iter().map(String::as_str).collect();
            b.claim("a story nobody has rated", &slugs)
        } else {
            eligible[pick as usize % eligible.len()]
        };
        let before = b.scores_at(as_of);
        let rating = if truth { Rating::True } else { Rating::False };
        let v = b.verdict_by(&me, claim, rating, confidence, None);
        let after = b.scores_at(as_of);
        let x = after.explain_claim(&claim).unwrap();
        prop_assert!(
            x.verdicts.iter().any(|i| i.verdict == v && i.voice && i.status == VerdictStatus::Counts),
            "the new verdict is its checker's voice"
        );
        for c in before.checkers() {
            prop_assert_eq!(after.checker(&c.id).unwrap().weight, c.weight, "weight of {}", c.id);
        }
        for s0 in before.sources() {
            let (e0, e1) = (s0.opinion.e, after.source(&s0.id).unwrap().opinion.e);
            if truth {
                prop_assert!(e1 >= e0, "true verdict lowered {} from {e0} to {e1}", s0.id);
            } else {
                prop_assert!(e1 <= e0, "false verdict raised {} from {e0} to {e1}", s0.id);
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
    // it refers to) changes no score. Two verdicts by one checker on one
    // story are not independent in v2 (the later one is its voice), so the
    // model keeps one per checker per story.
    #[test]
    fn reordering_independent_records_changes_no_score(
        m in model().prop_map(|m| m.one_voice_per_story()),
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

// ---------------------------------------------------------------------------
// One checker alone

/// What one checker's keys write, in order.
#[derive(Clone, Debug)]
enum SoloOp {
    /// A source of its own (anonymous or not).
    Source(bool),
    /// A claim: text number, chain (source picks).
    Claim(u8, Vec<u8>),
    /// A verdict: claim pick, rating, confidence, and whether it names the
    /// latest verdict of the same key on that claim as superseded.
    Verdict(u8, u8, u8, bool),
    /// A relation: from pick, relation, to pick.
    Relation(u8, u8, u8),
    /// With the editor role: a retraction of something it wrote.
    Retract(u16),
    /// With the editor role: a prior (source pick, grade).
    Prior(u8, u8),
    /// With the editor role: a new chain for a claim.
    Reattribute(u8, Vec<u8>),
    /// The key hands over to a new one (the same checker).
    Rotate,
    /// Days pass.
    Wait(u16),
}

/// A rating index into `Rating::ALL`, mostly true or false (the ratings
/// that move a source most), and a confidence, often 100.
fn strong_rating() -> impl Strategy<Value = (u8, u8)> {
    (
        prop_oneof![2 => Just(0u8), 2 => Just(4u8), 1 => 0u8..7],
        prop_oneof![3 => Just(100u8), 1 => 0u8..=100],
    )
}

// Weighted so that one checker gets as close to A and E as it can: few
// sources, many claims each with a strong verdict, priors often.
fn solo_op() -> impl Strategy<Value = SoloOp> {
    let chain = || prop::collection::vec(any::<u8>(), 1..3);
    prop_oneof![
        1 => any::<bool>().prop_map(SoloOp::Source),
        8 => (0u8..4, prop_oneof![3 => prop::collection::vec(any::<u8>(), 1..2), 1 => chain()])
            .prop_map(|(t, c)| SoloOp::Claim(t, c)),
        10 => (any::<u8>(), strong_rating(), any::<bool>())
            .prop_map(|(c, (r, conf), sup)| SoloOp::Verdict(c, r, conf, sup)),
        1 => (any::<u8>(), 0u8..4, any::<u8>()).prop_map(|(a, r, b)| SoloOp::Relation(a, r, b)),
        1 => any::<u16>().prop_map(SoloOp::Retract),
        2 => (any::<u8>(), 0u8..6).prop_map(|(s, g)| SoloOp::Prior(s, g)),
        1 => (any::<u8>(), chain()).prop_map(|(c, ch)| SoloOp::Reattribute(c, ch)),
        1 => Just(SoloOp::Rotate),
        1 => (0u16..30).prop_map(SoloOp::Wait),
    ]
}

/// Picks `i` modulo the length, if there is anything to pick.
fn nth<T: Copy>(v: &[T], i: usize) -> Option<T> {
    (!v.is_empty()).then(|| v[i % v.len()])
}

/// Slugs of `picks` among `slugs`, without repeats.
fn chain_of(slugs: &[String], picks: &[u8]) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for &p in picks {
        let s = &slugs[p as usize % slugs.len()];
        if !out.contains(s) {
            out.push(s.clone());
        }
    }
    out
}

fn strs(v: &[String]) -> Vec<&str> {
    v.iter().map(String::as_str).collect()
}

/// Writes `ops` as one checker, in a ledger where nobody else rates
/// anything: `desk` (fact-checker and editor) when `editor`, else
/// `checker3` (fact-checker only). Returns the book and the names of the
/// checker's keys, in order.
fn solo(editor: bool, ops: &[SoloOp]) -> (Book, Vec<String>) {
    let mut b = Book::with_extra_keys();
    let (name, seed) = if editor { DESK } else { CHECKER3 };
    let roles: &[Role] = if editor {
        &[Role::Editor, Role::FactChecker]
    } else {
        &[Role::FactChecker]
    };
    let mut cur = key(name, seed);
    let mut names = vec![name.to_owned()];
    let mut slugs: Vec<String> = Vec::new();
    let mut claims: Vec<EntryHash> = Vec::new();
    // (verdict, claim, key generation)
    let mut verdicts: Vec<(EntryHash, EntryHash, usize)> = Vec::new();
    let mut retractable: Vec<EntryHash> = Vec::new();
    for i in 0..2 {
        let slug = format!("x{i}");
        let id = b.source_as(&cur, &slug, SourceKind::Outlet);
        slugs.push(slug);
        retractable.push(id);
    }
    for op in ops {
        let generation = names.len() - 1;
        match op {
            SoloOp::Source(anon) => {
                let slug = format!("x{}", slugs.len());
                let kind = if *anon {
                    SourceKind::Anonymous
                } else {
                    SourceKind::Outlet
                };
                let id = b.source_as(&cur, &slug, kind);
                slugs.push(slug);
                retractable.push(id);
            }
            SoloOp::Claim(t, picks) => {
                let chain = chain_of(&slugs, picks);
                let id = b.claim_as(&cur, &text(*t, false), &strs(&chain));
                claims.push(id);
                retractable.push(id);
            }
            SoloOp::Verdict(c, r, conf, sup) => {
                let Some(claim) = nth(&claims, *c as usize) else {
                    continue;
                };
                let supersedes = if *sup {
                    verdicts
                        .iter()
                        .rev()
                        .find(|(_, on, g)| *on == claim && *g == generation)
                        .map(|(v, _, _)| *v)
                } else {
                    None
                };
                let v = b.verdict_by(&cur, claim, Rating::ALL[*r as usize], *conf, supersedes);
                verdicts.push((v, claim, generation));
                retractable.push(v);
            }
            SoloOp::Relation(x, r, y) => {
                let (Some(from), Some(to)) = (nth(&claims, *x as usize), nth(&claims, *y as usize))
                else {
                    continue;
                };
                if from != to {
                    let id = b.relation_as(&cur, from, RELATIONS[*r as usize], to);
                    retractable.push(id);
                }
            }
            SoloOp::Retract(i) if editor => {
                let Some(target) = nth(&retractable, *i as usize) else {
                    continue;
                };
                let id = b.retract_as(&cur, target);
                retractable.push(id);
            }
            SoloOp::Prior(s, g) if editor => {
                let slug = slugs[*s as usize % slugs.len()].clone();
                let id = b.prior_as(&cur, &slug, GRADES[*g as usize]);
                retractable.push(id);
            }
            SoloOp::Reattribute(c, picks) if editor => {
                let Some(claim) = nth(&claims, *c as usize) else {
                    continue;
                };
                let chain = chain_of(&slugs, picks);
                let id = b.amend_as(
                    &cur,
                    claim,
                    Change::Reattribute {
                        chain: Book::chain(&strs(&chain)),
                    },
                );
                retractable.push(id);
            }
            SoloOp::Retract(_) | SoloOp::Prior(..) | SoloOp::Reattribute(..) => {}
            SoloOp::Rotate if names.len() < 3 => {
                let new_name = format!("{name}-{}", names.len());
                let new = key(&new_name, 30 + names.len() as u8);
                b.rotate(&cur, &new, roles);
                cur = new;
                names.push(new_name);
            }
            SoloOp::Rotate => {}
            SoloOp::Wait(days) => b.days(i64::from(*days)),
        }
    }
    (b, names)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, .. ProptestConfig::default() })]

    // No single checker makes or breaks a source: whatever one checker's
    // keys sign (sources, claims, verdicts of any rating and confidence,
    // supersessions, relations, and with the editor role retractions,
    // priors and new chains; rotating its key on the way), in a ledger
    // where no one else rates anything, no source reaches grade A or E,
    // at the head or later.
    #[test]
    fn one_checker_alone_never_gives_grade_a_or_e(
        editor in any::<bool>(),
        ops in prop::collection::vec(solo_op(), 1..60),
        later in prop::option::of(0u16..200),
    ) {
        let (b, names) = solo(editor, &ops);
        let as_of = match later {
            None => AsOf::Head,
            Some(d) => AsOf::Time(Timestamp::from_unix(b.time.unix() + i64::from(d) * 86_400)),
        };
        let s = b.scores_at(as_of);
        for src in s.sources() {
            prop_assert!(
                !matches!(src.grade, Grade::A | Grade::E),
                "one checker gave {} grade {:?}: {:?}", src.id, src.grade, src
            );
            prop_assert!(src.checkers <= 1, "{:?}", src);
        }
        // The rotated keys are one checker, the only one with a voice.
        let speaking: Vec<&CheckerScore> = s.checkers().filter(|c| c.voices > 0).collect();
        prop_assert!(speaking.len() <= 1, "{:?}", speaking);
        if let Some(c) = speaking.first() {
            prop_assert_eq!(&c.keys, &names);
        }
    }
}

// ---------------------------------------------------------------------------
// Compromise

/// One act in the compromise scenario.
#[derive(Clone, Debug)]
enum Act {
    /// A claim: text number, chain (source picks).
    Claim(u8, Vec<u8>),
    /// A verdict: claim pick, rating, confidence, supersede the signer's
    /// latest verdict on the claim.
    Verdict(u8, u8, u8, bool),
    /// A relation between two claim picks.
    Relation(u8, u8, u8),
    /// A prior: source pick, grade.
    Prior(u8, u8),
    /// A retraction of a pick among the entries that can be retracted.
    Retract(u16),
    /// A new chain for a claim pick.
    Reattribute(u8, Vec<u8>),
    /// A correction making a source pick anonymous.
    Hide(u8),
    /// A new source (the thief's only: honest sources are all described
    /// before T, so their entries are the same in both ledgers).
    Source,
}

fn act() -> impl Strategy<Value = Act> {
    let chain = || prop::collection::vec(any::<u8>(), 1..4);
    prop_oneof![
        3 => (0u8..4, chain()).prop_map(|(t, c)| Act::Claim(t, c)),
        6 => (any::<u8>(), 0u8..7, 0u8..=100, prop::bool::weighted(0.4))
            .prop_map(|(c, r, conf, sup)| Act::Verdict(c, r, conf, sup)),
        1 => (any::<u8>(), 0u8..4, any::<u8>()).prop_map(|(a, r, b)| Act::Relation(a, r, b)),
        1 => (any::<u8>(), 0u8..6).prop_map(|(s, g)| Act::Prior(s, g)),
        2 => any::<u16>().prop_map(Act::Retract),
        1 => (any::<u8>(), chain()).prop_map(|(c, ch)| Act::Reattribute(c, ch)),
        1 => any::<u8>().prop_map(Act::Hide),
        1 => Just(Act::Source),
    ]
}

/// A compromise: honest entries before T (the victim's key among the
/// signers), then honest and thief entries interleaved from T on, then the
/// victim's key revoked as compromised since T.
#[derive(Clone, Debug)]
struct Heist {
    /// Per honest source: anonymous?
    sources: Vec<bool>,
    /// Before T: (signer pick, act, hours since the previous entry).
    before: Vec<(u8, Act, u8)>,
    /// T is one second after the last honest entry before it, or a day.
    tight: bool,
    /// From T on: (by the thief?, signer pick, act, an hour after the
    /// previous entry or at the same time). The first is at T itself.
    after: Vec<(bool, u8, Act, bool)>,
    /// The victim is `desk` (fact-checker and editor), else `checker3`.
    victim_editor: bool,
    /// The victim's key revokes itself, else the admin revokes it.
    self_revoke: bool,
}

fn heist() -> impl Strategy<Value = Heist> {
    (
        prop::collection::vec(prop::bool::weighted(0.2), 2..5),
        prop::collection::vec((any::<u8>(), act(), 0u8..48), 0..10),
        any::<bool>(),
        prop::collection::vec((any::<bool>(), any::<u8>(), act(), any::<bool>()), 1..16),
        prop::bool::weighted(0.75),
        any::<bool>(),
    )
        .prop_map(
            |(sources, before, tight, after, victim_editor, self_revoke)| Heist {
                sources,
                before,
                tight,
                after,
                victim_editor,
                self_revoke,
            },
        )
}

/// The entries acts can refer to: honest ones, and the thief's (which
/// only the thief's acts may name).
#[derive(Default)]
struct Seen {
    slugs: Vec<String>,
    source_ids: Vec<(String, EntryHash)>,
    claims: Vec<EntryHash>,
    /// (verdict, claim, signer name)
    verdicts: Vec<(EntryHash, EntryHash, String)>,
    retractable: Vec<EntryHash>,
}

/// The honest claims' ids in order, the thief's claims' ids, T, the as-of
/// time, and the victim's key name.
struct Built {
    book: Book,
    honest_claims: Vec<EntryHash>,
    thief_claims: Vec<EntryHash>,
    t: Timestamp,
    as_of: Timestamp,
    victim: &'static str,
}

impl Heist {
    /// Writes the scenario; without the thief's entries when `thief` is
    /// false (everything else at the same times).
    fn build(&self, thief: bool) -> Built {
        let mut b = Book::with_extra_keys();
        let victim_id = if self.victim_editor { DESK } else { CHECKER3 };
        let mut honest = Seen::default();
        let mut stolen = Seen::default();
        for (i, &anon) in self.sources.iter().enumerate() {
            let slug = format!("h{i}");
            let kind = if anon {
                SourceKind::Anonymous
            } else {
                SourceKind::Outlet
            };
            let id = b.source(&slug, kind);
            honest.slugs.push(slug.clone());
            honest.source_ids.push((slug, id));
            honest.retractable.push(id);
        }
        let mut time = T0_PLUS_DAY;
        for (who, act, gap) in &self.before {
            time += i64::from(*gap) * 3600;
            b.time = Timestamp::from_unix(time);
            // The victim's key is honest before T: a checker among others,
            // and an editor when it has the role.
            let signer = match act {
                Act::Verdict(..) => [CHECKER, CHECKER2, CHECKER3, victim_id][*who as usize % 4],
                Act::Claim(..) if who % 2 == 1 => victim_id,
                _ if who % 2 == 1 && self.victim_editor => victim_id,
                _ => EDITOR,
            };
            apply(&mut b, &known(signer), act, &mut honest, None);
        }
        let t = time + if self.tight { 1 } else { 86_400 };
        let mut time = t;
        let mut thief_claims = Vec::new();
        for (i, (by_thief, who, act, same)) in self.after.iter().enumerate() {
            if i > 0 && !same {
                time += 3600;
            }
            b.time = Timestamp::from_unix(time);
            if *by_thief {
                if !thief {
                    continue;
                }
                let editor_act = !matches!(
                    act,
                    Act::Claim(..) | Act::Verdict(..) | Act::Relation(..) | Act::Source
                );
                if editor_act && !self.victim_editor {
                    continue;
                }
                let before = stolen.claims.len();
                apply(&mut b, &known(victim_id), act, &mut stolen, Some(&honest));
                thief_claims.extend_from_slice(&stolen.claims[before..]);
            } else {
                // Every checker but the victim.
                let checkers: &[(&str, u8)] = if self.victim_editor {
                    &[CHECKER, CHECKER2, CHECKER3]
                } else {
                    &[CHECKER, CHECKER2]
                };
                let signer = match act {
                    Act::Verdict(..) => checkers[*who as usize % checkers.len()],
                    _ => EDITOR,
                };
                apply(&mut b, &known(signer), act, &mut honest, None);
            }
        }
        b.time = Timestamp::from_unix(time + 3600);
        let victim = known(victim_id);
        let signer = if self.self_revoke {
            known(victim_id)
        } else {
            known(ADMIN)
        };
        b.revoke_compromised(&signer, &victim, Some(Timestamp::from_unix(t)));
        Built {
            as_of: Timestamp::from_unix(time + 3600 + 86_400),
            book: b,
            honest_claims: honest.claims,
            thief_claims,
            t: Timestamp::from_unix(t),
            victim: victim_id.0,
        }
    }
}

/// The day after the book's setup: the first honest act's earliest time.
const T0_PLUS_DAY: i64 = T0 + 86_400;

/// Writes `act` signed by `signer` into `own`; with `also`, it may name
/// those entries too (the thief names honest entries; honest acts never
/// name the thief's). Only the thief (`also` given) describes sources.
fn apply(b: &mut Book, signer: &KeyPair, act: &Act, own: &mut Seen, also: Option<&Seen>) {
    let cat = |f: &dyn Fn(&Seen) -> Vec<EntryHash>| -> Vec<EntryHash> {
        let mut v = also.map(f).unwrap_or_default();
        v.extend(f(own));
        v
    };
    let claims = cat(&|s| s.claims.clone());
    let mut slugs: Vec<String> = also.map(|s| s.slugs.clone()).unwrap_or_default();
    slugs.extend(own.slugs.iter().cloned());
    let name = signer.verifier().name().to_owned();
    match act {
        Act::Claim(t, picks) => {
            if slugs.is_empty() {
                return;
            }
            let chain = chain_of(&slugs, picks);
            let id = b.claim_as(signer, &text(*t, false), &strs(&chain));
            own.claims.push(id);
            own.retractable.push(id);
        }
        Act::Verdict(c, r, conf, sup) => {
            let Some(claim) = nth(&claims, *c as usize) else {
                return;
            };
            let mut mine: Vec<(EntryHash, EntryHash, String)> =
                also.map(|s| s.verdicts.clone()).unwrap_or_default();
            mine.extend(own.verdicts.iter().cloned());
            let supersedes = if *sup {
                mine.iter()
                    .rev()
                    .find(|(_, on, by)| *on == claim && *by == name)
                    .map(|(v, _, _)| *v)
            } else {
                None
            };
            let v = b.verdict_by(signer, claim, Rating::ALL[*r as usize], *conf, supersedes);
            own.verdicts.push((v, claim, name));
            own.retractable.push(v);
        }
        Act::Relation(x, r, y) => {
            let (Some(from), Some(to)) = (nth(&claims, *x as usize), nth(&claims, *y as usize))
            else {
                return;
            };
            if from != to {
                let id = b.relation_as(signer, from, RELATIONS[*r as usize], to);
                own.retractable.push(id);
            }
        }
        Act::Prior(s, g) => {
            if slugs.is_empty() {
                return;
            }
            let slug = slugs[*s as usize % slugs.len()].clone();
            let id = b.prior_as(signer, &slug, GRADES[*g as usize]);
            own.retractable.push(id);
        }
        Act::Retract(i) => {
            let Some(target) = nth(&cat(&|s| s.retractable.clone()), *i as usize) else {
                return;
            };
            let id = b.retract_as(signer, target);
            own.retractable.push(id);
        }
        Act::Reattribute(c, picks) => {
            let Some(claim) = nth(&claims, *c as usize) else {
                return;
            };
            if slugs.is_empty() {
                return;
            }
            let chain = chain_of(&slugs, picks);
            let id = b.amend_as(
                signer,
                claim,
                Change::Reattribute {
                    chain: Book::chain(&strs(&chain)),
                },
            );
            own.retractable.push(id);
        }
        Act::Hide(s) => {
            let mut ids: Vec<(String, EntryHash)> =
                also.map(|s| s.source_ids.clone()).unwrap_or_default();
            ids.extend(own.source_ids.iter().cloned());
            let Some((slug, target)) =
                (!ids.is_empty()).then(|| ids[*s as usize % ids.len()].clone())
            else {
                return;
            };
            let id = b.amend_as(
                signer,
                target,
                Change::CorrectSource {
                    source: SourceBody {
                        id: slug.parse().unwrap(),
                        name: slug.clone(),
                        kind: SourceKind::Anonymous,
                        url: None,
                        language: None,
                        affiliations: vec![],
                        description: None,
                    },
                },
            );
            own.retractable.push(id);
        }
        Act::Source => {
            if also.is_none() {
                return;
            }
            let slug = format!("t{}", own.slugs.len());
            let id = b.source_as(signer, &slug, SourceKind::Outlet);
            own.slugs.push(slug.clone());
            own.source_ids.push((slug, id));
            own.retractable.push(id);
        }
    }
}

/// A claim's score with the fields that name entries (which differ between
/// two ledgers with different entries) left out; the story is given as
/// the position of its first claim among the honest claims.
fn published(c: &ClaimScore, story: Option<usize>) -> impl PartialEq + std::fmt::Debug {
    (
        story,
        (
            c.opinion,
            c.reports,
            c.origins,
            c.unknown,
            c.confirmations,
            c.checkers,
        ),
        (c.truth, c.conflict, c.disputed, c.credibility, c.letter),
        (
            c.origin.clone(),
            c.misattributed.clone(),
            c.circular,
            c.independence_unknown,
        ),
    )
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 32, .. ProptestConfig::default() })]

    // Compromise is total: once a key is revoked as compromised since T,
    // every published figure (each source's and claim's score, every
    // checker's line, each source's per-checker lines) is what the same
    // ledger gives without the entries that key signed at or after T:
    // verdicts, supersessions, retractions, priors, relations, claims,
    // corrections, sources. What the thief superseded or retracted stands
    // again. Both are read at the same as-of time.
    #[test]
    fn a_compromised_keys_entries_after_since_count_for_nothing(h in heist()) {
        let full = h.build(true);
        let clean = h.build(false);
        let at = AsOf::Time(full.as_of);
        prop_assert_eq!(full.as_of, clean.as_of);
        let (sa, sb) = (full.book.scores_at(at), clean.book.scores_at(at));
        prop_assert_eq!(sa.compromised_since(full.victim), Some(full.t));
        prop_assert_eq!(sb.compromised_since(clean.victim), Some(clean.t));

        let ca: Vec<CheckerScore> = sa.checkers().cloned().collect();
        let cb: Vec<CheckerScore> = sb.checkers().cloned().collect();
        prop_assert_eq!(ca, cb);

        for s in sb.sources() {
            prop_assert_eq!(sa.source(&s.id), Some(s));
            let (xa, xb) = (sa.explain_source(&s.id).unwrap(), sb.explain_source(&s.id).unwrap());
            prop_assert_eq!(xa.checkers, xb.checkers, "checker lines of {}", s.id);
        }
        // The thief's own sources are there only as retracted, with nothing.
        for s in sa.sources().filter(|s| sb.source(&s.id).is_none()) {
            prop_assert!(s.retracted, "{:?}", s);
            prop_assert_eq!((s.r, s.s, s.verdicts, s.checkers, s.grade, s.prior), (Micro::ZERO, Micro::ZERO, 0, 0, Grade::F, None));
        }

        let story = |ids: &[EntryHash], c: &ClaimScore| ids.iter().position(|x| *x == c.story);
        for (a, b) in full.honest_claims.iter().zip(&clean.honest_claims) {
            match (sa.claim(a), sb.claim(b)) {
                (Some(x), Some(y)) => prop_assert_eq!(
                    published(x, story(&full.honest_claims, x)),
                    published(y, story(&clean.honest_claims, y))
                ),
                (None, None) => prop_assert!(sa.is_retracted(a) && sb.is_retracted(b)),
                (x, y) => prop_assert!(false, "scored in one ledger only: {:?} / {:?}", x, y),
            }
        }
        for c in &full.thief_claims {
            prop_assert!(sa.claim(c).is_none() && sa.is_retracted(c));
        }
        prop_assert_eq!(sa.claims().count(), sb.claims().count());
    }
}
