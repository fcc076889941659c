//! Known answers through real replays: the table of `docs/SCORING.md`, decay,
//! amendments, stories, the state text, and the demo's state root.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::ids::Seq;
use crate::record::{Change, ClaimRelation, Grade, Rating, SourceKind};
use crate::time::Timestamp;

use super::testkit::{Book, T0, sid};
use super::*;

fn src(s: &Scores, slug: &str) -> SourceScore {
    s.source(&sid(slug)).unwrap().clone()
}

/// What `raw` millionths of one checker's evidence about a source count for
/// after saturation (K = 6 units) and the weight of a checker with no
/// shared record (its prior, 0.8): raw × 6/(raw + 6) × 0.8.
fn sat(raw: u64) -> Micro {
    let n = u128::from(raw);
    Micro(super::fixed::div_round(
        n * 6_000_000 * 800_000,
        (n + 6_000_000) * 1_000_000,
    ))
}

// The fusion rows of the known-answer table, through one ledger in a sled
// store read at successive positions with `AsOf::Seq`: the same origin
// through two relays is averaged (circular), a second origin is fused as
// independent, "several sources" changes nothing, and a false verdict on
// the story moves its origin and relay the right way. Sources' track
// records come from two checkers, as A needs.
#[test]
fn known_answer_table_through_a_ledger() {
    let mut b = Book::on_disk();
    for s in ["agenzia-nova", "agenzia-b", "fawasel-media", "other-origin"] {
        b.outlet(s);
    }
    b.source("several-sources", SourceKind::Anonymous);
    let two = crate::keys::KeyPair::from_seed("checker-two", &[4; 32]).unwrap();
    for i in 0..8 {
        for s in ["agenzia-nova", "agenzia-b"] {
            let c = b.claim(&format!("{s} report {i}"), &[s]);
            b.verdict(c, Rating::True, 100);
            b.verdict_by(&two, c, Rating::True, 100, None);
        }
    }
    for s in ["fawasel-media", "other-origin"] {
        for (i, rating) in [Rating::True, Rating::True, Rating::True, Rating::False]
            .into_iter()
            .enumerate()
        {
            let c = b.claim(&format!("{s} report {i}"), &[s]);
            b.verdict(c, rating, 100);
        }
    }
    let at = |b: &Book| AsOf::Seq(Seq(b.entries.len() as u64 - 1));
    let records = at(&b);

    let x1 = b.claim(
        "Officers loyal to Haftar are training in Russia",
        &["agenzia-nova", "fawasel-media"],
    );
    let one_report = at(&b);
    let x2 = b.claim(
        "Officers loyal to Haftar are training in Russia",
        &["agenzia-b", "fawasel-media"],
    );
    let two_relays = at(&b);
    let x3 = b.claim(
        "  officers LOYAL to Haftar are training in Russia ",
        &["agenzia-b", "other-origin"],
    );
    let second_origin = at(&b);
    let x4 = b.claim(
        "Officers loyal to Haftar are training in Russia",
        &["agenzia-nova", "several-sources"],
    );
    let plus_anonymous = at(&b);
    b.verdict(x1, Rating::False, 100);

    let s = b.scores_at(records);
    // Two checkers agreeing on 16 claims: both weigh (16 + 2 × 0.8)/18.
    for c in s.checkers() {
        assert_eq!((c.shared, c.weight), (16, Micro(977_778)), "{c:?}");
    }
    // Nova: 8 units from each checker, saturated and weighted:
    // 8 × 6/14 × 0.977778 = 3.352382 each.
    let nova = src(&s, "agenzia-nova");
    assert_eq!((nova.r, nova.s), (Micro(6_704_764), Micro(0)));
    assert_eq!((nova.verdicts, nova.checkers), (16, 2));
    // E = (6.704764 + 1)/8.704764 = 0.885 < 0.9: B, though two checkers agree.
    assert_eq!(nova.grade, Grade::B);
    // Fawasel: one checker, 3 true 1 false: 3 × 6/10 × 0.977778 and 1 × 6/10 × 0.977778.
    let fawasel = src(&s, "fawasel-media");
    assert_eq!((fawasel.r, fawasel.s), (Micro(1_760_000), Micro(586_667)));
    assert_eq!(fawasel.grade, Grade::C);

    // Nova → Fawasel: Fawasel's opinion discounted by T = E(Nova).
    let s1 = b.scores_at(one_report);
    let c = s1.claim(&x1).unwrap();
    let (fo, t) = (
        src(&s1, "fawasel-media").opinion,
        src(&s1, "agenzia-nova").opinion.e,
    );
    let expect = Opinion::from_micro(fo.b, fo.d, fo.u, fo.a).discount(t.to_f64());
    assert_eq!(c.opinion.b, Micro::from_f64(expect.b));
    assert_eq!((c.reports, c.origins, c.circular), (1, 1, false));
    // Unchecked, one origin: truth cannot be judged, whatever the source.
    assert_eq!(c.credibility, Credibility::CannotBeJudged);
    assert_eq!(c.pair(), "C6");

    // Twice, same origin: averaged, so not more certain than the more
    // certain report (fusing them as independent would be); circular.
    let s2 = b.scores_at(two_relays);
    let x = s2.explain_claim(&x1).unwrap();
    let ops: Vec<Opinion> = x
        .reports
        .iter()
        .map(|r| Opinion::from_micro(r.opinion.b, r.opinion.d, r.opinion.u, r.opinion.a))
        .collect();
    let averaged = fuse_averaging(&ops, 0.5).publish();
    assert_eq!((x.origins.len(), x.origins[0].reports), (1, 2));
    assert_eq!(x.origins[0].opinion, averaged);
    assert_ne!(averaged, fuse_cumulative(&ops, 0.5).publish());
    assert!(averaged.u >= ops.iter().map(|o| Micro::from_f64(o.u)).min().unwrap());
    for x in [x1, x2] {
        let c2 = s2.claim(&x).unwrap();
        assert_eq!((c2.reports, c2.origins, c2.circular), (2, 1, true));
        assert_eq!(c2.confirmations, 0);
        // No verdict: the story's opinion is the averaged origin's.
        assert_eq!(c2.opinion, averaged);
    }

    // A second, independent origin: cumulative, more certain; the digit
    // says "possibly true" (agreeing origins, nothing checked).
    let s3 = b.scores_at(second_origin);
    let c3 = s3.claim(&x3).unwrap();
    assert_eq!((c3.reports, c3.origins, c3.circular), (3, 2, true));
    assert_eq!(c3.confirmations, 1);
    assert!(c3.opinion.u < s2.claim(&x2).unwrap().opinion.u);
    assert_eq!(c3.credibility, Credibility::PossiblyTrue);

    // Plus "several sources": the same opinion; independence unknown.
    let s4 = b.scores_at(plus_anonymous);
    let c4 = s4.claim(&x4).unwrap();
    assert_eq!(c4.opinion, c3.opinion);
    assert_eq!((c4.reports, c4.origins, c4.unknown), (4, 2, 1));
    assert!(c4.independence_unknown);

    // A false verdict, confidence 100, on Nova → Fawasel: Fawasel's s and
    // Nova's (relay, ρ = 0.5) grow; one checker's false is improbable.
    let s5 = b.scores_at(AsOf::Head);
    let fawasel = src(&s5, "fawasel-media");
    // Raw r = 3, s = 2 from one checker: × 6/11 × 0.977778.
    assert_eq!((fawasel.r, fawasel.s), (Micro(1_600_000), Micro(1_066_667)));
    // E = (1.6 + 1)/4.666667 = 0.557.
    assert_eq!(fawasel.grade, Grade::D);
    let nova = src(&s5, "agenzia-nova");
    assert!(nova.s.0 > 0);
    let c5 = s5.claim(&x1).unwrap();
    assert_eq!(c5.credibility, Credibility::Improbable);
    assert_eq!(c5.checkers, 1);

    // The same ledger in memory, and its export, give the same root.
    let root = s5.state_root();
    let ledger = b.ledger().unwrap();
    assert_eq!(
        replay_ledger(ledger, AsOf::Head, &Params::default())
            .unwrap()
            .state_root(),
        root
    );
    let export = b.export();
    assert_eq!(
        replay_jsonl(&mut export.as_slice(), AsOf::Head, &Params::default())
            .unwrap()
            .state_root(),
        root
    );
}

// A verdict 730 days old counts half; 1460 days, a quarter.
#[test]
fn decay_through_a_ledger() {
    let mut b = Book::on_disk();
    b.outlet("agenzia-nova");
    let c = b.claim("It rained in Tripoli", &["agenzia-nova"]);
    b.verdict(c, Rating::True, 100);
    let fresh = AsOf::Seq(Seq(b.entries.len() as u64 - 1));
    b.days(730);
    b.outlet("later-1");
    let half = AsOf::Seq(Seq(b.entries.len() as u64 - 1));
    b.days(730);
    b.outlet("later-2");

    let r = |a: AsOf| src(&b.scores_at(a), "agenzia-nova").r;
    assert_eq!(r(fresh), sat(1_000_000));
    assert_eq!(r(half), sat(500_000));
    assert_eq!(r(AsOf::Head), sat(250_000));
    // A given as-of time decays from that time, even past the last entry.
    let day = |d: i64| Timestamp::from_unix(T0 + d * 86_400);
    assert_eq!(r(AsOf::Time(day(365))), sat(707_107));
    assert_eq!(r(AsOf::Time(day(2190))), sat(125_000));
    // The claim's truth does not decay.
    let truth = |a: AsOf| b.scores_at(a).claim(&c).unwrap().truth;
    assert_eq!(truth(fresh), truth(AsOf::Time(day(2190))));
    let s = b.scores_at(AsOf::Time(day(365)));
    assert!(s.source(&sid("later-1")).is_none(), "not yet recorded");
    assert_eq!(s.decay_time(), Some(day(365)));
    // The explanation shows the weight after decay.
    let e = s.explain_source(&sid("agenzia-nova")).unwrap();
    assert_eq!(e.evidence.len(), 1);
    assert_eq!(e.evidence[0].age_secs, 365 * 86_400);
    assert_eq!(e.evidence[0].weight, Micro(707_107));
    assert_eq!(e.evidence[0].role, EvidenceRole::Originator);
}

#[test]
fn superseded_and_retracted_verdicts_stop_counting() {
    let mut b = Book::new();
    b.outlet("nova");
    let c = b.claim("A", &["nova"]);
    let v1 = b.verdict(c, Rating::True, 100);
    let ck = crate::keys::KeyPair::from_seed("checker", &[3; 32]).unwrap();
    let v2 = b.verdict_by(&ck, c, Rating::False, 100, Some(v1));
    let s = b.scores();
    let nova = src(&s, "nova");
    assert_eq!((nova.r, nova.s), (Micro(0), sat(1_000_000)));
    let e = s.explain_source(&sid("nova")).unwrap();
    assert_eq!(e.unmoved.len(), 1);
    assert_eq!(
        e.unmoved[0].why,
        NoShare::Status(VerdictStatus::Superseded { by: v2 })
    );

    // Retracting v2 leaves the checker's earlier word, v1, as its voice.
    let undo = b.retract(v2);
    let nova = src(&b.scores(), "nova");
    assert_eq!((nova.r, nova.s), (sat(1_000_000), Micro(0)));
    // Retracting the retraction restores v2.
    b.retract(undo);
    let nova = src(&b.scores(), "nova");
    assert_eq!((nova.r, nova.s), (Micro(0), sat(1_000_000)));
}

// Exports list what checkers published: a verdict replaced by name is gone,
// one the same checker only spoke after is still published, though scores
// hear only the latest.
#[test]
fn published_verdicts_are_those_not_withdrawn() {
    let mut b = Book::new();
    b.outlet("nova");
    let c = b.claim("A", &["nova"]);
    let first = b.verdict(c, Rating::True, 100);
    let second = b.verdict(c, Rating::Mixed, 100);
    let published = |b: &Book| b.scores().published().map(|(v, _)| v).collect::<Vec<_>>();
    assert_eq!(published(&b), [first, second]);
    let ck = crate::keys::KeyPair::from_seed("checker", &[3; 32]).unwrap();
    let third = b.verdict_by(&ck, c, Rating::False, 100, Some(second));
    assert_eq!(published(&b), [first, third]);
    b.retract(third);
    assert_eq!(published(&b), [first, second]);
}

// One checker, one voice per claim: the latest counts, whether or not it
// names what it supersedes, however many there are.
#[test]
fn one_voice_per_checker_per_claim() {
    let mut b = Book::new();
    b.outlet("nova");
    let c = b.claim("A", &["nova"]);
    for _ in 0..50 {
        b.verdict(c, Rating::True, 100);
    }
    let s = b.scores();
    let nova = src(&s, "nova");
    assert_eq!(
        (nova.r, nova.verdicts, nova.checkers),
        (sat(1_000_000), 1, 1)
    );
    let claim = s.claim(&c).unwrap();
    assert_eq!((claim.checkers, claim.confirmations), (1, 1));
    assert_ne!(claim.credibility, Credibility::Confirmed);
    // A later false verdict by the same checker, naming nothing, replaces
    // all fifty.
    b.verdict(c, Rating::False, 100);
    let nova = src(&b.scores(), "nova");
    assert_eq!(
        (nova.r, nova.s, nova.verdicts),
        (Micro(0), sat(1_000_000), 1)
    );
}

#[test]
fn retracted_claims_do_not_count_and_have_no_score() {
    let mut b = Book::new();
    b.outlet("nova");
    let c = b.claim("A", &["nova"]);
    b.verdict(c, Rating::False, 100);
    let other = b.claim("a", &["nova"]);
    assert_eq!(b.scores().claim(&other).unwrap().reports, 2);
    b.retract(c);
    let s = b.scores();
    assert!(s.claim(&c).is_none());
    assert!(s.is_retracted(&c));
    assert_eq!(src(&s, "nova").s, Micro(0));
    assert_eq!(s.claim(&other).unwrap().reports, 1);
    assert!(!s.state_text().contains(&c.to_hex()));
}

#[test]
fn reattribution_moves_the_evidence() {
    let mut b = Book::new();
    for s in ["nova", "fawasel", "rusi"] {
        b.outlet(s);
    }
    let c = b.claim("A", &["nova", "fawasel"]);
    b.verdict(c, Rating::False, 100);
    assert_eq!(src(&b.scores(), "fawasel").s, sat(1_000_000));
    b.amend(
        c,
        Change::Reattribute {
            chain: Book::chain(&["nova", "rusi"]),
        },
    );
    let s = b.scores();
    assert_eq!(src(&s, "fawasel").s, Micro(0));
    assert_eq!(src(&s, "rusi").s, sat(1_000_000));
    assert_eq!(src(&s, "nova").s, sat(500_000));
    // correct-claim changes text and chain: now one story with "B".
    let d = b.claim("B", &["rusi"]);
    b.amend(
        c,
        Change::CorrectClaim {
            claim: Book::claim_body("b", &["nova", "fawasel"]),
        },
    );
    let s = b.scores();
    assert_eq!(src(&s, "fawasel").s, sat(1_000_000));
    assert_eq!(s.story(&d), vec![c, d]);
}

#[test]
fn anonymous_origins_are_vouched_for_and_confirm_nothing() {
    let mut b = Book::new();
    b.outlet("nova");
    b.outlet("fawasel");
    b.source("several-sources", SourceKind::Anonymous);
    let c = b.claim("A", &["nova", "fawasel", "several-sources"]);
    b.verdict(c, Rating::True, 100);
    let s = b.scores();
    // The nearest named relay takes the full share; the others ρ.
    assert_eq!(src(&s, "fawasel").r, sat(1_000_000));
    assert_eq!(src(&s, "nova").r, sat(500_000));
    assert_eq!(src(&s, "several-sources").r, Micro(0));
    assert!(src(&s, "several-sources").anonymous);
    let c = s.claim(&c).unwrap();
    assert_eq!((c.reports, c.origins, c.unknown), (1, 0, 1));
    // One fact-checker's true verdict is one confirmation, not two.
    assert_eq!(c.confirmations, 1);
    assert_eq!(c.credibility, Credibility::ProbablyTrue);
    // One report: nothing to be independent of.
    assert!(!c.independence_unknown && !c.circular);
}

#[test]
fn misattribution_charges_the_hop_that_made_it() {
    let mut b = Book::new();
    for s in ["nova", "x-account", "wilson"] {
        b.outlet(s);
    }
    let c = b.claim("A", &["nova", "x-account", "wilson"]);
    let v = b.verdict(c, Rating::Misattributed, 100);
    let s = b.scores();
    assert_eq!(src(&s, "x-account").s, sat(1_000_000));
    assert_eq!(src(&s, "wilson").s, Micro(0));
    assert_eq!(src(&s, "nova").s, Micro(0));
    let e = s.explain_source(&sid("wilson")).unwrap();
    assert_eq!(e.unmoved[0].verdict, v);
    assert_eq!(e.unmoved[0].why, NoShare::Misattribution);
    // The claim's origin is unknown: no named origin, no confirmation.
    let x = s.explain_claim(&c).unwrap();
    assert!(x.reports[0].misattributed);
    assert_eq!(x.reports[0].origin, None);
    assert_eq!(x.score.origins, 0);
    // The chain shows who did not say it.
    assert_eq!(x.score.misattributed, Some(sid("wilson")));
}

#[test]
fn priors_set_the_base_rate() {
    let mut b = Book::new();
    b.outlet("nova");
    b.prior("nova", Grade::B);
    let s = src(&b.scores(), "nova");
    assert_eq!(s.prior, Some(Grade::B));
    assert_eq!(s.opinion.a, Micro(800_000));
    assert_eq!(s.opinion.e, Micro(800_000));
    // No evidence: grade F however good the prior.
    assert_eq!(s.grade, Grade::F);
    let p = b.prior("nova", Grade::E);
    assert_eq!(src(&b.scores(), "nova").opinion.a, Micro(250_000));
    b.retract(p);
    assert_eq!(src(&b.scores(), "nova").opinion.a, Micro(800_000));
}

#[test]
fn derived_from_passes_the_origin() {
    let mut b = Book::new();
    b.outlet("nova");
    b.outlet("fawasel");
    let c1 = b.claim("Officers are training in Russia", &["nova", "fawasel"]);
    let c2 = b.claim("Haftar sent officers to Russia", &["nova"]);
    let s = b.scores();
    assert_eq!(s.claim(&c2).unwrap().origins, 1);
    assert!(!s.claim(&c2).unwrap().circular);
    b.relation(c2, ClaimRelation::DerivedFrom, c1);
    let s = b.scores();
    for c in [c1, c2] {
        let c = s.claim(&c).unwrap();
        assert_eq!((c.reports, c.origins, c.circular), (2, 1, true));
    }
    let x = s.explain_claim(&c2).unwrap();
    let r2 = &x.reports[1];
    assert_eq!(r2.derived_from, Some(c1));
    assert_eq!(r2.origin, Some(sid("fawasel")));
    assert_eq!(r2.relays, vec![sid("nova")]);
    // `contradicts` joins nothing.
    let c3 = b.claim("Nobody went to Russia", &["fawasel"]);
    b.relation(c3, ClaimRelation::Contradicts, c1);
    assert_eq!(b.scores().claim(&c3).unwrap().reports, 1);
}

#[test]
fn arabic_reports_with_and_without_harakat_are_one_story() {
    let mut b = Book::new();
    b.outlet("nova");
    b.outlet("alwasat");
    b.outlet("fawasel");
    let c1 = b.claim("أرسل حفتر وفدا من الضباط إلى روسيا", &["nova", "fawasel"]);
    let c2 = b.claim(
        "أَرْسَلَ حَفْتَر وَفْدًا مِنَ الضُّبّاط إِلى روسـيا",
        &["alwasat", "fawasel"],
    );
    let s = b.scores();
    assert_eq!(s.story(&c1), vec![c1, c2]);
    let c = s.claim(&c2).unwrap();
    assert_eq!((c.reports, c.origins, c.circular), (2, 1, true));
}

// The story fold is part of the state root (docs/SCORING.md): it does not
// fold ta marbuta or alef maqsura, as the verdict-words fold does, and
// these two reports stay two stories.
#[test]
fn ta_marbuta_and_alef_maqsura_keep_stories_apart() {
    let mut b = Book::new();
    b.outlet("nova");
    b.outlet("alwasat");
    let c1 = b.claim("وصلت طائرة إلى روسيا", &["nova"]);
    let c2 = b.claim("وصلت طائره إلي روسيا", &["alwasat"]);
    let s = b.scores();
    assert_eq!(s.story(&c1), vec![c1]);
    assert_eq!(s.claim(&c2).unwrap().reports, 1);
}

#[test]
fn two_independent_confirmations_make_digit_one() {
    let mut b = Book::new();
    for s in ["a", "b", "c"] {
        b.outlet(s);
    }
    let x = b.claim("The story", &["c", "a"]);
    let y = b.claim("The story", &["b"]);
    let s = b.scores();
    let c = s.claim(&x).unwrap();
    // Two independent named origins, unchecked: possibly true.
    assert_eq!((c.origins, c.confirmations), (2, 1));
    assert_eq!(c.credibility, Credibility::PossiblyTrue);
    assert_eq!(
        s.claim(&y).unwrap(),
        &ClaimScore {
            claim: y,
            seq: c.seq.next(),
            origin: Some(sid("b")),
            ..c.clone()
        }
    );
    // Two origins and one checker's true verdict: confirmed.
    b.verdict(x, Rating::True, 90);
    let c = b.scores().claim(&x).cloned().unwrap();
    assert_eq!((c.origins, c.confirmations), (2, 2));
    assert_eq!(c.credibility, Credibility::Confirmed);

    // One origin and one true verdict: probably true, one confirmation.
    let z = b.claim("Another story", &["a"]);
    let two = crate::keys::KeyPair::from_seed("checker-two", &[4; 32]).unwrap();
    b.verdict_by(&two, z, Rating::True, 90, None);
    let c = b.scores().claim(&z).cloned().unwrap();
    assert_eq!((c.origins, c.confirmations), (1, 1));
    assert_eq!(c.credibility, Credibility::ProbablyTrue);
    let x = b.scores().explain_claim(&z).unwrap();
    assert_eq!(x.verdicts.len(), 1);
    // 10 units × 90 % × the checker's weight 0.8.
    assert_eq!(x.verdicts[0].r, Micro(7_200_000));
    assert!(x.verdicts[0].confirms);
    // A second checker's true verdict: two checkers confirm it.
    b.verdict(z, Rating::True, 90);
    let c = b.scores().claim(&z).cloned().unwrap();
    assert_eq!((c.origins, c.confirmations, c.checkers), (1, 2, 2));
    assert_eq!(c.credibility, Credibility::Confirmed);
}

// A verdict signed by a key without the fact-checker role never passes the
// ledger's rules; fed to the fold directly, it is still ignored.
#[test]
fn only_fact_checkers_verdicts_count() {
    use crate::entry::Draft;
    use crate::record::{Record, VerdictBody};
    let mut b = Book::new();
    b.outlet("nova");
    let c = b.claim("A", &["nova"]);
    let last = b.entries.last().unwrap().clone();
    let editor = crate::keys::KeyPair::from_seed("editor", &[2; 32]).unwrap();
    let rogue = Draft::new(
        last.seq().next(),
        last.hash(),
        last.time(),
        editor.verifier().clone(),
        Record::Verdict(VerdictBody {
            claim: c,
            rating: Rating::False,
            confidence: 100,
            rationale: "not a checker".into(),
            evidence: vec![],
            supersedes: None,
            review: None,
        }),
    )
    .sign(&editor)
    .unwrap();
    let mut entries = b.entries.clone();
    entries.push(rogue.clone());
    let s = replay(&entries, AsOf::Head, &Params::default()).unwrap();
    assert_eq!(src(&s, "nova").s, Micro(0));
    let x = s.explain_claim(&c).unwrap();
    assert_eq!(x.verdicts[0].status, VerdictStatus::NotFactChecker);
}

#[test]
fn replay_insists_on_consecutive_entries() {
    let mut b = Book::new();
    b.outlet("nova");
    let err = replay(&b.entries[1..], AsOf::Head, &Params::default())
        .err()
        .unwrap();
    assert!(matches!(err, crate::Error::Sequence { .. }), "{err}");
    let mut gap = b.entries.clone();
    gap.remove(2);
    assert!(replay(&gap, AsOf::Head, &Params::default()).is_err());
    // An as-of beyond the ledger means all of it.
    let all = b.scores();
    let far = b.scores_at(AsOf::Seq(Seq(1_000)));
    assert_eq!(all.state_root(), far.state_root());
    // Before the genesis: nothing folded.
    let none = b.scores_at(AsOf::Time(Timestamp::from_unix(T0 - 1)));
    assert!(
        none.state_text()
            .starts_with("isnad-state-v2\nas-of - 2025-02-18T07:59:59Z\n")
    );
}

#[test]
fn as_of_parses_a_position_or_a_time() {
    assert_eq!("42".parse::<AsOf>().unwrap(), AsOf::Seq(Seq(42)));
    assert_eq!(
        "2025-02-18T09:00:00Z".parse::<AsOf>().unwrap(),
        AsOf::Time(Timestamp::parse("2025-02-18T09:00:00Z").unwrap())
    );
    for bad in ["", "-1", "2025-02-18", "99999999999999999999999"] {
        assert!(bad.parse::<AsOf>().is_err(), "{bad}");
    }
}

// The state text of a tiny ledger, computed by hand (docs/SCORING.md):
//
// checkers: `checker` and `checker-two`, no shared stories: weight = prior
//   0.8; `checker` has one voice.
// nova: the verdict (true, confidence 80, said at the as-of time so no
//   decay) gives raw r = 0.8; saturated and weighted, r = 0.8 × 6/6.8 × 0.8
//   = 0.564706; r+s+W = 2.564706: b = 0.220184, u = 0.779816,
//   E = (0.564706 + 1)/2.564706 = 0.610092; under one unit: grade F.
// claim: the truth, 10 × 0.8 × 0.8 = 6.4 units for: b = 6.4/8.4 =
//   0.761905, u = 0.238095, E = 0.880952. Nova's opinion without this
//   story's own verdict is vacuous, which fusion ignores: the fused
//   opinion is the truth's. No confirmation beyond the first account but
//   the checker's: 1; one checker alone: digit 2. Pair F2.
#[test]
fn state_text_of_a_tiny_ledger() {
    let mut b = Book::new();
    b.outlet("nova");
    let c = b.claim("It rained.", &["nova"]);
    b.verdict(c, Rating::True, 80);
    let s = b.scores();
    let id = |name: &str| {
        let k = s.checkers().find(|k| k.keys == [name]).unwrap();
        k.id.clone()
    };
    let expected = format!(
        "isnad-state-v2\n\
         as-of 6 2025-02-18T08:00:00Z\n\
         params 63072000 500000 2000000 10 950000 800000 650000 450000 250000 500000 500000 500000 6000000 2000000 800000\n\
         checker {} - 800000 0 0 0 800000 1\n\
         checker {} - 800000 0 0 0 800000 0\n\
         source nova 564706 0 500000 220184 0 779816 610092 F 1 1\n\
         claim {c} 761905 0 238095 880952 761905 0 238095 880952 1 1 0 1 1 0 0 2 F 0 0 -\n",
        id("checker"),
        id("checker-two"),
    );
    assert_eq!(s.state_text(), expected);
    let root = <sha2::Sha256 as sha2::Digest>::digest(expected.as_bytes());
    assert_eq!(s.state_root().0, <[u8; 32]>::from(root));
    assert_eq!(s.claim(&c).unwrap().pair(), "F2");
    // The keys are fixed seeds and the time fixed, so the claim id and the
    // root are too.
    assert_eq!(
        c.to_hex(),
        "c685af2664041f03a14ef1234d5b836c54f460203d01775276397fdf7c1fadfd"
    );
    assert_eq!(
        s.state_root().to_hex(),
        "018cb32cd3867c4b296e3885dcc63aaa7a9020bdd49c22cad53bb75f4480e3cd"
    );
}

// The demo ledger's state root, pinned: computed once by this replay
// (`cargo test -p isnad-core demo_state_root -- --nocapture` prints it).
// A change here means the demo, the model or the serialisation changed:
// say so in docs/SCORING.md.
#[test]
fn demo_state_root() {
    let dir = tempfile::tempdir().unwrap();
    let demo = crate::demo::build(dir.path()).unwrap();
    let s = replay_ledger(&demo.ledger, AsOf::Head, &Params::default()).unwrap();
    println!("{}", s.state_text());
    println!("demo state root {}", s.state_root());
    assert_eq!(
        s.state_root().to_hex(),
        "99a91c37d192b79e850ce326215ef9f847e67c50144111ac08b2c1c78f436af2"
    );
    // Again, and from an imported copy.
    let again = replay_ledger(&demo.ledger, AsOf::Head, &Params::default()).unwrap();
    assert_eq!(again.state_root(), s.state_root());
    let mut export = Vec::new();
    demo.ledger.export_jsonl(&mut export).unwrap();
    let copy_dir = tempfile::tempdir().unwrap();
    let copy = crate::store::Ledger::create(copy_dir.path()).unwrap();
    let now = Timestamp::parse("2030-01-01T00:00:00Z").unwrap();
    copy.import_jsonl(&mut export.as_slice(), now, &mut |_| {})
        .unwrap();
    let imported = replay_ledger(&copy, AsOf::Head, &Params::default()).unwrap();
    assert_eq!(imported.state_root(), s.state_root());
    let from_file = replay_jsonl(&mut export.as_slice(), AsOf::Head, &Params::default()).unwrap();
    assert_eq!(from_file.state_root(), s.state_root());

    // What the demo shows: claim 2 derives from claim 1, one origin.
    for n in [0, 1] {
        let c = s.claim(&demo.claims[n]).unwrap();
        assert_eq!((c.reports, c.origins, c.circular), (2, 1, true));
    }
    // Claim 10 rests on "several sources": no named origin.
    assert_eq!(s.claim(&demo.claims[9]).unwrap().origins, 0);
    // Priors: Nova B (a = 0.8), Fawasel C (a = 0.65).
    assert_eq!(src(&s, "agenzia-nova").opinion.a, Micro(800_000));
    assert_eq!(src(&s, "fawasel-media").opinion.a, Micro(650_000));
}

mod checkers_and_compromise {
    use super::*;
    use crate::ids::OrgId;
    use crate::keys::KeyPair;
    use crate::record::{KeyBody, Record, RevocationBody, RevocationReason, Role, TrustBody};

    fn enrol(b: &mut Book, new: &KeyPair, roles: &[Role], org: Option<&str>) {
        let admin = key("admin", 1);
        b.put(
            &admin,
            Record::Key(KeyBody {
                key: new.verifier().to_string(),
                roles: roles.to_vec(),
                holder: None,
                replaces: None,
                org: org.map(|o| o.parse::<OrgId>().unwrap()),
            }),
        );
    }

    fn revoke(b: &mut Book, by: &KeyPair, key: &KeyPair, since: i64) {
        b.put(
            by,
            Record::Revocation(RevocationBody {
                key: key.verifier().to_string(),
                reason: RevocationReason::Compromised,
                since: Some(Timestamp::from_unix(since).to_string()),
            }),
        );
    }

    fn key(name: &str, seed: u8) -> KeyPair {
        KeyPair::from_seed(name, &[seed; 32]).unwrap()
    }

    // Two keys of one organisation are one checker: one voice per claim.
    #[test]
    fn an_organisation_is_one_checker() {
        let mut b = Book::new();
        let (k1, k2) = (key("afp-paris", 11), key("afp-tunis", 12));
        enrol(&mut b, &k1, &[Role::FactChecker], Some("afp"));
        enrol(&mut b, &k2, &[Role::FactChecker], Some("afp"));
        b.outlet("nova");
        let c = b.claim("A", &["nova"]);
        b.verdict_by(&k1, c, Rating::True, 100, None);
        let v2 = b.verdict_by(&k2, c, Rating::False, 100, None);
        let s = b.scores();
        let nova = src(&s, "nova");
        assert_eq!(
            (nova.r, nova.s, nova.verdicts),
            (Micro(0), sat(1_000_000), 1)
        );
        let afp = s.checker("afp").unwrap();
        assert_eq!(afp.keys, ["afp-paris", "afp-tunis"]);
        assert!(afp.organisation);
        assert_eq!(afp.voices, 1);
        // Not a dispute: one organisation cannot disagree with itself.
        assert!(!s.claim(&c).unwrap().disputed);
        let x = s.explain_claim(&c).unwrap();
        assert!(x.verdicts.iter().any(|v| v.verdict == v2 && v.voice));
        assert!(
            x.verdicts
                .iter()
                .any(|v| matches!(v.status, VerdictStatus::Superseded { by } if by == v2))
        );
    }

    // An admin's trust grade is the checker's prior weight.
    #[test]
    fn trust_sets_a_checkers_prior() {
        let mut b = Book::new();
        let k = key("afp-paris", 11);
        enrol(&mut b, &k, &[Role::FactChecker], Some("afp"));
        let admin = key("admin", 1);
        b.put(
            &admin,
            Record::Trust(TrustBody {
                checker: "afp".parse().unwrap(),
                grade: Grade::A,
                reason: "audited".into(),
            }),
        );
        b.outlet("nova");
        let c = b.claim("A", &["nova"]);
        b.verdict_by(&k, c, Rating::True, 100, None);
        let s = b.scores();
        let afp = s.checker("afp").unwrap();
        assert_eq!(
            (afp.prior, afp.prior_weight, afp.weight),
            (Some(Grade::A), Micro(950_000), Micro(950_000))
        );
        // 1 × 6/7 × 0.95.
        assert_eq!(src(&s, "nova").r, Micro(814_286));
    }

    // A checker that contradicts two agreeing checkers weighs less than
    // its prior, they more.
    #[test]
    fn checkers_are_weighed_by_agreement() {
        let mut b = Book::new();
        let third = key("checker-three", 13);
        enrol(&mut b, &third, &[Role::FactChecker], None);
        let two = key("checker-two", 4);
        b.outlet("nova");
        for i in 0..3 {
            let c = b.claim(&format!("claim {i}"), &["nova"]);
            b.verdict(c, Rating::True, 100);
            b.verdict_by(&two, c, Rating::True, 100, None);
            b.verdict_by(&third, c, Rating::False, 100, None);
        }
        let s = b.scores();
        let w = |name: &str| s.checkers().find(|c| c.keys == [name]).unwrap().weight;
        // Against a consensus of two, three times: δ = 3, (0 + 1.6)/5.
        assert_eq!(w("checker-three"), Micro(320_000));
        // For the two, the others split one-one: no consensus, no change.
        assert_eq!(w("checker"), Micro(800_000));
        let x = s
            .explain_checker(
                &s.checkers()
                    .find(|c| c.keys == ["checker-three"])
                    .unwrap()
                    .id,
            )
            .unwrap();
        assert_eq!(x.stories.len(), 3);
        assert!(
            x.stories
                .iter()
                .all(|st| (st.agree, st.disagree) == (Micro(0), Micro::ONE))
        );
    }

    // Everything a stolen key signed from `since` on counts for nothing;
    // what it superseded or retracted stands again.
    #[test]
    fn compromise_voids_every_kind_of_entry() {
        // The same ledger twice: once clean, once with the thief's entries
        // (signed with `checker`'s stolen key) and the admin's revocation.
        let replay_with = |extra: &dyn Fn(&mut Book)| {
            let mut b = Book::new();
            b.outlet("nova");
            b.outlet("rusi");
            let c = b.claim("A", &["nova"]);
            let d = b.claim("B", &["rusi"]);
            b.verdict(c, Rating::True, 100);
            let two = key("checker-two", 4);
            b.verdict_by(&two, d, Rating::False, 100, None);
            b.days(10);
            extra(&mut b);
            b.days(1);
            b
        };
        let clean = replay_with(&|_| {});
        let robbed = replay_with(&|b: &mut Book| {
            // The thief holds the checker's and the editor's keys.
            let (ck, ed) = (key("checker", 3), key("editor", 2));
            // Entries 6, 7: claims A and B; 9: checker-two's false on B.
            let (a, d, other) = (
                b.entries[6].hash(),
                b.entries[7].hash(),
                b.entries[9].hash(),
            );
            // A false on A, superseding the owner's true; a true on B.
            b.verdict_by(&ck, a, Rating::False, 100, None);
            b.verdict_by(&ck, d, Rating::True, 100, None);
            // Checker-two's verdict retracted; a prior for nova.
            b.put(
                &ed,
                Record::Amendment(crate::record::AmendmentBody {
                    target: other,
                    change: Change::Retract,
                    reason: "stolen".into(),
                }),
            );
            b.prior("nova", Grade::A);
            let admin = key("admin", 1);
            let since = b.time.unix();
            revoke(b, &admin, &ck, since);
            revoke(b, &admin, &ed, since);
        });
        let at = AsOf::Time(Timestamp::from_unix(T0 + 30 * 86_400));
        let (a, z) = (clean.scores_at(at), robbed.scores_at(at));
        for slug in ["nova", "rusi"] {
            assert_eq!(src(&a, slug), src(&z, slug), "{slug}");
        }
        let claims = |s: &Scores| s.claims().cloned().collect::<Vec<_>>();
        assert_eq!(claims(&a), claims(&z));
        // And the thief's verdict shows why it does not count.
        let x = z.explain_claim(&robbed.entries[6].hash()).unwrap();
        assert!(
            x.verdicts
                .iter()
                .any(|v| v.status == VerdictStatus::KeyCompromised)
        );
        assert!(z.compromised_since("checker").is_some());
    }

    // A revocation signed by a stolen admin key is itself void when another
    // admin revokes that key from before it: the later word wins.
    #[test]
    fn a_later_revocation_wins() {
        let mut b = Book::new();
        let (admin2, admin3) = (key("admin-two", 21), key("admin-three", 23));
        enrol(&mut b, &admin2, &[Role::Admin], None);
        enrol(&mut b, &admin3, &[Role::Admin], None);
        b.outlet("nova");
        let c = b.claim("A", &["nova"]);
        b.verdict(c, Rating::True, 100);
        b.days(1);
        let stolen_from = b.time.unix();
        b.days(1);
        // The thief, with admin-two, revokes the first admin as compromised
        // since the genesis: if that counted, every key it enrolled (all of
        // them) would be void, and nothing would count.
        let admin = key("admin", 1);
        revoke(&mut b, &admin2, &admin, T0);
        b.days(1);
        // The third admin revokes admin-two from before that.
        revoke(&mut b, &admin3, &admin2, stolen_from);
        let at = AsOf::Time(b.time);
        let s = b.scores_at(at);
        assert_eq!(s.compromised_since("admin"), None);
        assert!(s.compromised_since("admin-two").is_some());
        // Everything stands as before the two revocations.
        let n = b.entries.len() - 2;
        let before = replay(&b.entries[..n], at, &Params::default()).unwrap();
        assert_eq!(src(&s, "nova"), src(&before, "nova"));
        assert!(src(&s, "nova").r.0 > 0);
    }
}
