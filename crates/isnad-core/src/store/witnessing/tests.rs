#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::sync::Mutex;

use super::*;
use crate::KeyPair;
use crate::ids::Seq;
use crate::store::testkit::{admin_and_editor, editor, outlet, t};
use crate::witness::Witness;

fn log_key() -> KeyPair {
    KeyPair::from_seed("isnad.test/newsroom", &[5; 32]).unwrap()
}

/// A ledger with an admin and an editor (2 entries), and a log key.
fn ledger(dir: &Path) -> Ledger {
    let l = admin_and_editor(dir);
    l.set_log_key(log_key().verifier()).unwrap();
    l
}

/// Witnesses in this process, reached by URL; a URL with none is down.
/// Every request body is kept.
struct Witnesses {
    at: Vec<(String, Witness)>,
    sent: Mutex<Vec<(String, String)>>,
}

impl Witnesses {
    /// `n` witnesses following the test log, at `http://wN.test`.
    fn new(dir: &Path, n: usize) -> Self {
        let at = (1..=n)
            .map(|i| {
                let w = Witness::init(&dir.join(format!("w{i}")), &format!("w{i}.test/w")).unwrap();
                w.add_log(log_key().verifier()).unwrap();
                (format!("http://w{i}.test"), w)
            })
            .collect();
        Witnesses {
            at,
            sent: Mutex::new(Vec::new()),
        }
    }

    fn get(&self, i: usize) -> &Witness {
        &self.at[i].1
    }

    fn listed(&self, i: usize) -> LogWitness {
        LogWitness::new(&self.at[i].0, self.get(i).cosigner_key()).unwrap()
    }

    /// The old sizes sent to the witness at `url`, in order.
    fn olds(&self, url: &str) -> Vec<u64> {
        self.sent
            .lock()
            .unwrap()
            .iter()
            .filter(|(u, _)| u == url)
            .map(|(_, body)| AddCheckpoint::parse(body).unwrap().old_size)
            .collect()
    }
}

impl WitnessClient for Witnesses {
    fn add_checkpoint(&self, witness: &LogWitness, body: &str) -> Result<Reply, Error> {
        self.sent
            .lock()
            .unwrap()
            .push((witness.url().to_owned(), body.to_owned()));
        let Some((_, w)) = self.at.iter().find(|(u, _)| u == witness.url()) else {
            return Err(Error::Fetch {
                path: witness.endpoint(),
                reason: "connection refused".into(),
            });
        };
        let a = w.answer(body, 1_700_000_000);
        Ok(Reply::new(a.status, a.body))
    }
}

fn config(listed: &[LogWitness], quorum: Option<usize>) -> WitnessConfig {
    let mut c = WitnessConfig::default();
    for w in listed {
        c.add(w.clone()).unwrap();
    }
    c.set_quorum(quorum).unwrap();
    c
}

#[test]
fn two_witnesses_cosign_and_every_reader_gets_their_lines() {
    let d = tempfile::tempdir().unwrap();
    let l = ledger(&d.path().join("ledger"));
    let ws = Witnesses::new(d.path(), 2);
    let c = config(&[ws.listed(0), ws.listed(1)], None);
    l.sign_checkpoint(&log_key()).unwrap();
    let round = l.cosign_latest(&c, &ws).unwrap();
    assert_eq!(
        (round.cosigned(), round.needed(), round.met()),
        (2, 2, true)
    );
    let quorum = c.reader_quorum().unwrap();
    assert_eq!(quorum.check(round.checkpoint().note()).unwrap(), 2);
    // Kept on the row: the latest checkpoint, a proof and verify see it.
    let kept = l.latest_checkpoint().unwrap().unwrap();
    assert_eq!(kept, *round.checkpoint());
    let proof = l.prove_inclusion(Seq(1), 2).unwrap();
    let proof = serde_json::to_value(&proof).unwrap();
    assert_eq!(proof["checkpoint"], kept.note());
    l.verify(&mut |_| {}).unwrap();
    // Asked again, nobody is sent anything.
    let again = l.cosign_latest(&c, &ws).unwrap();
    assert!(again.results().iter().all(|(_, a)| *a == Asked::Had));
    assert_eq!(ws.sent.lock().unwrap().len(), 2);
    // The ledger grows: each witness is asked from the size it cosigned.
    for i in 0..5 {
        l.append(&editor(), outlet(i), t()).unwrap();
    }
    l.sign_checkpoint(&log_key()).unwrap();
    let round = l.cosign_latest(&c, &ws).unwrap();
    assert!(round.met());
    assert_eq!(round.checkpoint().size(), 7);
    assert_eq!(ws.olds("http://w1.test"), [0, 2]);
    // The cosignatures of size 2 stay on its row.
    let old = l.checkpoint_at(2).unwrap().unwrap();
    assert_eq!(quorum.check(old.note()).unwrap(), 2);
}

#[test]
fn a_witness_that_is_down_or_lies_is_reported_and_changes_nothing() {
    let d = tempfile::tempdir().unwrap();
    let l = ledger(&d.path().join("ledger"));
    let ws = Witnesses::new(d.path(), 1);
    let other = KeyPair::from_seed("down.test/w", &[9; 32]).unwrap();
    let down = LogWitness::new("http://down.test/", CosignerKey::of(&other)).unwrap();
    assert_eq!(down.url(), "http://down.test");
    let c = config(&[ws.listed(0), down], Some(2));
    let before = l.sign_checkpoint(&log_key()).unwrap();
    let round = l.cosign_latest(&c, &ws).unwrap();
    assert_eq!((round.cosigned(), round.met()), (1, false));
    let failures: Vec<String> = round
        .failures()
        .map(|(w, f)| format!("{}: {f}", w.name()))
        .collect();
    assert_eq!(failures.len(), 1);
    assert!(
        failures[0].starts_with("down.test/w: unreachable: ") && failures[0].contains("refused"),
        "{failures:?}"
    );
    // The one that answered is kept; appends go on.
    let kept = l.latest_checkpoint().unwrap().unwrap();
    assert_ne!(kept, before);
    assert!(kept.note().starts_with(before.note()));
    l.append(&editor(), outlet(0), t()).unwrap();

    // A witness whose answer is its cosignature of another text.
    struct Liar(KeyPair);
    impl WitnessClient for Liar {
        fn add_checkpoint(&self, _: &LogWitness, _: &str) -> Result<Reply, Error> {
            let line = Cosignature::sign("another\n", &self.0, 5).unwrap().line();
            Ok(Reply::new(200, line))
        }
    }
    let liar = KeyPair::from_seed("liar.test/w", &[7; 32]).unwrap();
    let listed = LogWitness::new("https://liar.test", CosignerKey::of(&liar)).unwrap();
    let c = config(&[listed], None);
    l.sign_checkpoint(&log_key()).unwrap();
    let before = l.latest_checkpoint().unwrap().unwrap();
    let round = l.cosign_latest(&c, &Liar(liar)).unwrap();
    assert!(!round.met());
    let (_, f) = round.failures().next().unwrap();
    assert!(matches!(f, Failure::BadAnswer(_)), "{f}");
    assert_eq!(l.latest_checkpoint().unwrap().unwrap(), before);
}

// The newest checkpoint that met a quorum: the latest while every witness
// answers, then the last one both cosigned once one of them is down; a
// quorum the witnesses never met finds none; only checkpoints above the
// size given are looked at.
#[test]
fn the_newest_checkpoint_that_met_the_quorum() {
    let d = tempfile::tempdir().unwrap();
    let l = ledger(&d.path().join("ledger"));
    let ws = Witnesses::new(d.path(), 2);
    let both = config(&[ws.listed(0), ws.listed(1)], None);
    let quorum = both.reader_quorum().unwrap();
    assert_eq!(l.newest_checkpoint_meeting(&quorum, None).unwrap(), None);
    l.sign_checkpoint(&log_key()).unwrap();
    assert_eq!(l.newest_checkpoint_meeting(&quorum, None).unwrap(), None);
    l.cosign_latest(&both, &ws).unwrap();
    let met = |above| {
        l.newest_checkpoint_meeting(&quorum, above)
            .unwrap()
            .map(|cp| cp.size())
    };
    assert_eq!(met(None), Some(2));
    assert_eq!(l.witnessed_size(ws.listed(1).key()).unwrap(), 2);
    // The second witness is down from here on (no longer reachable).
    let url = ws.at[0].0.clone();
    drop(ws);
    let one = Witnesses {
        at: vec![(url, Witness::open(&d.path().join("w1")).unwrap())],
        sent: Mutex::new(Vec::new()),
    };
    l.append(&editor(), outlet(0), t()).unwrap();
    l.sign_checkpoint(&log_key()).unwrap();
    let round = l.cosign_latest(&both, &one).unwrap();
    assert_eq!((round.cosigned(), round.met()), (1, false));
    assert_eq!(met(None), Some(2));
    assert_eq!(met(Some(2)), None);
    assert_eq!(met(Some(1)), Some(2));
    // A quorum of one accepts the newest.
    let lower = config(&[one.listed(0), both.witnesses()[1].clone()], Some(1));
    let lower = lower.reader_quorum().unwrap();
    let newest = l.newest_checkpoint_meeting(&lower, None).unwrap().unwrap();
    assert_eq!(newest.size(), 3);
    assert_eq!(l.witnessed_size(both.witnesses()[1].key()).unwrap(), 2);
    assert_eq!(l.witnessed_size(one.listed(0).key()).unwrap(), 3);
}

// A witness that cosigned this log from elsewhere (the ledger does not
// know it) answers 409 with its size; the ledger asks once more from it.
#[test]
fn a_409_with_a_size_is_retried_from_that_size() {
    let d = tempfile::tempdir().unwrap();
    let l = ledger(&d.path().join("ledger"));
    let ws = Witnesses::new(d.path(), 1);
    let c = config(&[ws.listed(0)], None);
    let first = l.sign_checkpoint(&log_key()).unwrap();
    let req = AddCheckpoint {
        old_size: 0,
        proof: vec![],
        note: first.note().to_owned(),
    };
    ws.get(0).add_checkpoint(&req, 1).unwrap();
    for i in 0..3 {
        l.append(&editor(), outlet(i), t()).unwrap();
    }
    l.sign_checkpoint(&log_key()).unwrap();
    let round = l.cosign_latest(&c, &ws).unwrap();
    assert!(round.met(), "{:?}", round.results());
    assert_eq!(ws.olds("http://w1.test"), [0, 2]);
}

// Two ledgers with one log key that differ after their first entries: a
// witness that cosigned one history refuses the other at the same size,
// keeps it as evidence, and the second ledger reports the split view.
#[test]
fn a_split_view_is_refused_and_reported() {
    let d = tempfile::tempdir().unwrap();
    let (a, b) = (ledger(&d.path().join("a")), ledger(&d.path().join("b")));
    a.append(&editor(), outlet(1), t()).unwrap();
    b.append(&editor(), outlet(2), t()).unwrap();
    let ws = Witnesses::new(d.path(), 1);
    let c = config(&[ws.listed(0)], None);
    a.sign_checkpoint(&log_key()).unwrap();
    assert!(a.cosign_latest(&c, &ws).unwrap().met());
    let forked = b.sign_checkpoint(&log_key()).unwrap();
    let round = b.cosign_latest(&c, &ws).unwrap();
    assert!(!round.met());
    let (_, f) = round.failures().next().unwrap();
    assert!(
        matches!(f, Failure::Refused { status: 409, .. }) && f.to_string().contains("split view"),
        "{f}"
    );
    assert_eq!(b.latest_checkpoint().unwrap().unwrap(), forked);
    assert_eq!(ws.get(0).evidence().unwrap().len(), 1);
    // A witness past the checkpoint's size: the ledger was rolled back.
    for i in 0..3 {
        a.append(&editor(), outlet(10 + i), t()).unwrap();
    }
    a.sign_checkpoint(&log_key()).unwrap();
    assert!(a.cosign_latest(&c, &ws).unwrap().met());
    b.append(&editor(), outlet(20), t()).unwrap();
    b.sign_checkpoint(&log_key()).unwrap();
    let round = b.cosign_latest(&c, &ws).unwrap();
    let (_, f) = round.failures().next().unwrap();
    assert_eq!(*f, Failure::Ahead { size: 6 });
}

#[test]
fn the_configuration_keeps_names_keys_and_quorum_consistent() {
    let d = tempfile::tempdir().unwrap();
    let l = ledger(&d.path().join("ledger"));
    let dir = l.dir().to_path_buf();
    assert_eq!(WitnessConfig::load(&dir).unwrap(), WitnessConfig::default());
    let ws = Witnesses::new(d.path(), 2);
    let mut c = WitnessConfig::default();
    c.add(ws.listed(0)).unwrap();
    // The same key, or the same name, again.
    let field = |e: Error| match e {
        Error::Field { field, .. } => field,
        e => panic!("{e}"),
    };
    let again = LogWitness::new("http://elsewhere.test", ws.get(0).cosigner_key()).unwrap();
    assert_eq!(field(c.add(again).unwrap_err()), "vkey");
    c.add(ws.listed(1)).unwrap();
    assert_eq!(field(c.set_quorum(Some(3)).unwrap_err()), "quorum");
    c.set_quorum(Some(2)).unwrap();
    assert_eq!(field(c.remove("w1.test/w").unwrap_err()), "quorum");
    c.set_quorum(Some(1)).unwrap();
    c.save(&dir).unwrap();
    assert_eq!(WitnessConfig::load(&dir).unwrap(), c);
    assert_eq!(c.remove("http://w1.test/").unwrap(), ws.listed(0));
    assert_eq!(field(c.remove("w1.test/w").unwrap_err()), "witness");
    let key = ws.get(1).cosigner_key().to_string();
    assert_eq!(field(c.remove(&key).unwrap_err()), "quorum");
    c.set_quorum(None).unwrap();
    assert_eq!(c.remove(&key).unwrap(), ws.listed(1));
    assert_eq!(c.needed(), 0);
    for bad in [
        "ftp://w.test",
        "http://",
        "http://u:p@w.test",
        "http://w.test/?a=1",
        "w.test",
    ] {
        let e = LogWitness::new(bad, ws.get(0).cosigner_key()).unwrap_err();
        assert_eq!(field(e), "url", "{bad}");
    }
    // A file edited by hand into something unusable names what is wrong.
    let path = WitnessConfig::path(&dir);
    let text = std::fs::read_to_string(&path).unwrap();
    std::fs::write(&path, text.replacen("+", "-", 1)).unwrap();
    match WitnessConfig::load(&dir).unwrap_err() {
        Error::WitnessConfig { field, .. } => assert_eq!(field, "witnesses[0].vkey"),
        e => panic!("{e}"),
    }
    std::fs::write(&path, "{\"quorum\": 1, \"witnesses\": []}").unwrap();
    match WitnessConfig::load(&dir).unwrap_err() {
        Error::WitnessConfig { field, .. } => assert_eq!(field, "quorum"),
        e => panic!("{e}"),
    }
    // Not a ledger's directory.
    assert!(matches!(
        WitnessConfig::load(d.path()),
        Err(Error::NotALedger { .. })
    ));
}
