#![allow(clippy::unwrap_used, clippy::expect_used)]

use proptest::prelude::*;

use super::*;
use crate::checkpoint::Checkpoint;
use crate::cosignature::verified_cosigners;

const ORIGIN: &str = "log.example/test";

/// A log's history: its leaves, and its key.
struct History {
    key: KeyPair,
    leaves: Vec<Hash>,
}

impl History {
    /// `n` leaves, the first `common` shared by every `fork`.
    fn new(n: usize, common: usize, fork: u8) -> Self {
        let leaves = (0..n)
            .map(|i| {
                let tag = if i < common { 0 } else { fork };
                merkle::leaf_hash(format!("{tag}/{i}").as_bytes())
            })
            .collect();
        History {
            key: KeyPair::from_seed(ORIGIN, &[5; 32]).unwrap(),
            leaves,
        }
    }

    fn note(&self, size: usize) -> String {
        Checkpoint::new(ORIGIN, size as u64, merkle::root(&self.leaves[..size]))
            .unwrap()
            .sign(&self.key)
            .unwrap()
    }

    fn request(&self, old: usize, size: usize) -> AddCheckpoint {
        let proof = if old == 0 || old >= size {
            vec![]
        } else {
            merkle::consistency_proof(&self.leaves[..size], old as u64).unwrap()
        };
        AddCheckpoint {
            old_size: old as u64,
            proof,
            note: self.note(size),
        }
    }
}

fn witness(dir: &Path) -> Witness {
    let w = Witness::init(dir, "witness.example/w").unwrap();
    w.add_log(History::new(0, 0, 0).key.verifier()).unwrap();
    w
}

fn refusal(r: Result<Cosignature, Error>) -> Refusal {
    match r {
        Err(Error::Witness { refusal, .. }) => refusal,
        other => panic!("expected a refusal, got {other:?}"),
    }
}

#[test]
fn cosigns_a_growing_log_and_remembers_it() {
    let dir = tempfile::tempdir().unwrap();
    let log = History::new(9, 9, 0);
    let w = witness(dir.path());
    let ck = w.cosigner_key();
    for (old, size) in [(0, 3), (3, 3), (3, 8)] {
        let req = log.request(old, size);
        let c = w.add_checkpoint(&req, 1_700_000_000).unwrap();
        let cosigned = format!("{}{}", req.note, c.line());
        let found = verified_cosigners(&cosigned, std::slice::from_ref(&ck)).unwrap();
        assert_eq!(found.len(), 1);
    }
    drop(w);
    let w = Witness::open(dir.path()).unwrap();
    assert_eq!(w.log(ORIGIN).unwrap().unwrap().size, 8);
    assert_eq!(w.cosigner_key(), ck);
    // Restarted, it goes on from 8 and from nothing else.
    assert_eq!(
        refusal(w.add_checkpoint(&log.request(3, 9), 1)),
        Refusal::StaleOldSize { latest: 8 }
    );
    w.add_checkpoint(&log.request(8, 9), 1).unwrap();
}

#[test]
fn refusals_have_the_specified_kinds() {
    let dir = tempfile::tempdir().unwrap();
    let log = History::new(9, 9, 0);
    let w = witness(dir.path());
    w.add_checkpoint(&log.request(0, 5), 1).unwrap();
    // Unknown log (404).
    let stranger = KeyPair::from_seed("other.example", &[6; 32]).unwrap();
    let mut req = log.request(5, 6);
    req.note = Checkpoint::new("other.example", 6, [0; 32])
        .unwrap()
        .sign(&stranger)
        .unwrap();
    assert_eq!(refusal(w.add_checkpoint(&req, 1)), Refusal::UnknownLog);
    // Signed by another key under the log's name (403).
    let impostor = KeyPair::from_seed(ORIGIN, &[7; 32]).unwrap();
    let mut req = log.request(5, 6);
    req.note = Checkpoint::new(ORIGIN, 6, merkle::root(&log.leaves[..6]))
        .unwrap()
        .sign(&impostor)
        .unwrap();
    let r = refusal(w.add_checkpoint(&req, 1));
    assert_eq!((r.http_status(), r), (403, Refusal::BadSignature));
    // Old size past the checkpoint (400), and a rollback to 4 (400).
    let r = refusal(w.add_checkpoint(&log.request(7, 6), 1));
    assert_eq!(r.http_status(), 400);
    let r = refusal(w.add_checkpoint(&log.request(5, 4), 1));
    assert_eq!(r.http_status(), 400);
    // Not the size last cosigned (409).
    let r = refusal(w.add_checkpoint(&log.request(4, 6), 1));
    assert_eq!(
        (r.http_status(), r),
        (409, Refusal::StaleOldSize { latest: 5 })
    );
    // A proof that does not hold (422): kept as evidence.
    let mut req = log.request(5, 7);
    req.proof[0][0] ^= 1;
    let r = refusal(w.add_checkpoint(&req, 1));
    assert_eq!(r.http_status(), 422);
    assert_eq!(w.evidence().unwrap().len(), 1);
    // Nothing of it changed the state.
    assert_eq!(w.log(ORIGIN).unwrap().unwrap().size, 5);
    assert!(w.evidence().unwrap().iter().all(|e| e.origin == ORIGIN));
}

#[test]
fn a_split_view_is_refused_and_kept_as_evidence() {
    let dir = tempfile::tempdir().unwrap();
    let (a, b) = (History::new(8, 4, 1), History::new(8, 4, 2));
    let w = witness(dir.path());
    w.add_checkpoint(&a.request(0, 6), 1).unwrap();
    // The other history at the same size (409), then at a larger size with
    // its own (valid) proof from 6, which does not lead from a's root (422).
    let r = refusal(w.add_checkpoint(&b.request(6, 6), 2));
    assert_eq!(
        (r.http_status(), r),
        (409, Refusal::RootMismatch { size: 6 })
    );
    let r = refusal(w.add_checkpoint(&b.request(6, 8), 3));
    assert_eq!(r.http_status(), 422);
    // The same conflicting note again is not stored twice.
    let _ = w.add_checkpoint(&b.request(6, 6), 4);
    drop(w);
    let w = Witness::open(dir.path()).unwrap();
    let ev = w.evidence().unwrap();
    assert_eq!(ev.len(), 2);
    assert_eq!(ev[0].shown, b.note(6));
    assert_eq!(ev[0].cosigned.as_deref(), Some(a.note(6).as_str()));
    // Both notes carry the log's signature: the pair proves the fork.
    let vk = a.key.verifier();
    let shown = Checkpoint::open(&ev[0].shown, vk).unwrap();
    let cosigned = Checkpoint::open(ev[0].cosigned.as_deref().unwrap(), vk).unwrap();
    assert_eq!(shown.size(), cosigned.size());
    assert_ne!(shown.root(), cosigned.root());
    // And history a goes on.
    w.add_checkpoint(&a.request(6, 8), 5).unwrap();
}

#[test]
fn directories_and_logs_are_checked() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("x"), "x").unwrap();
    assert!(matches!(
        Witness::init(dir.path(), "w"),
        Err(Error::WitnessDir { .. })
    ));
    let empty = tempfile::tempdir().unwrap();
    assert!(matches!(
        Witness::open(empty.path()),
        Err(Error::WitnessDir { .. })
    ));
    let w = witness(&empty.path().join("w"));
    // The same key again is fine; another key for the origin is not.
    w.add_log(History::new(0, 0, 0).key.verifier()).unwrap();
    let other = KeyPair::from_seed(ORIGIN, &[8; 32]).unwrap();
    assert!(matches!(
        w.add_log(other.verifier()),
        Err(Error::LogKey { .. })
    ));
    // A second process cannot open it while this one has it.
    assert!(Witness::open(w.dir()).is_err());
}

/// One request of the model: which history, which old size and size, what
/// to do to the proof, and whether to restart the witness first.
#[derive(Clone, Debug)]
struct Step {
    fork: u8,
    old: usize,
    size: usize,
    tamper: bool,
    restart: bool,
}

fn step() -> impl Strategy<Value = Step> {
    (
        1u8..=2,
        0usize..=12,
        0usize..=12,
        proptest::bool::weighted(0.2),
        proptest::bool::weighted(0.2),
    )
        .prop_map(|(fork, old, size, tamper, restart)| Step {
            fork,
            old,
            size,
            tamper,
            restart,
        })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(24))]

    // Whatever two forks of a log send, in whatever order, with restarts:
    // the sizes cosigned never decrease, everything cosigned past the fork
    // point is of one history, the stored state is the last cosigned, and
    // a request is cosigned exactly when the model says it should be.
    #[test]
    fn never_cosigns_two_histories(common in 0usize..=6, steps in proptest::collection::vec(step(), 1..24)) {
        let dir = tempfile::tempdir().unwrap();
        let forks = [History::new(12, common, 1), History::new(12, common, 2)];
        let mut w = witness(dir.path());
        let mut cosigned: Vec<(u8, usize)> = Vec::new();
        for s in steps {
            if s.restart {
                drop(w);
                w = Witness::open(dir.path()).unwrap();
            }
            let h = &forks[usize::from(s.fork - 1)];
            let mut req = h.request(s.old.min(s.size), s.size);
            req.old_size = s.old as u64;
            if s.tamper {
                match req.proof.first_mut() {
                    Some(p) => p[0] ^= 1,
                    None => req.proof.push([1; 32]),
                }
            }
            // The model: the last cosigned state, and whether this extends it.
            let (last_fork, last) = cosigned.last().copied().unwrap_or((s.fork, 0));
            let same_history = s.fork == last_fork || last <= common;
            let honest_proof = !s.tamper && s.old <= s.size;
            let expect = s.old == last && s.size >= last && honest_proof && (same_history || s.size == 0);
            let got = w.add_checkpoint(&req, 1);
            prop_assert_eq!(got.is_ok(), expect, "{:?} after {:?}: {:?}", s, cosigned, got);
            if got.is_ok() {
                // An empty tree is every fork's.
                let fork = if s.size <= common { last_fork } else { s.fork };
                cosigned.push((fork, s.size));
            }
        }
        for pair in cosigned.windows(2) {
            prop_assert!(pair[0].1 <= pair[1].1);
            if pair[0].1 > common {
                prop_assert_eq!(pair[0].0, pair[1].0);
            }
        }
        let state = w.log(ORIGIN).unwrap().unwrap();
        prop_assert_eq!(state.size as usize, cosigned.last().map_or(0, |c| c.1));
    }
}
