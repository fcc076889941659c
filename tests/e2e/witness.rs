//! `isnad witness`: a witness created, told of a ledger's log, served over
//! HTTP with the C2SP tlog-witness `add-checkpoint` protocol; its answers
//! (cosignatures and the specified refusal statuses) across a restart, a
//! split view kept as evidence, and its cosignatures checked by
//! `tests/interop/cosignature_check.py`, a second implementation of the
//! C2SP formats in Python, whose own cosignatures isnad accepts.

use std::path::Path;
use std::process::{Command, Output};

use crate::common::*;
use isnad_core::checkpoint::{Checkpoint, SignedCheckpoint};
use isnad_core::cosignature::{CosignerKey, verified_cosigners};
use isnad_core::proof::InclusionProof;
use isnad_core::{KeyPair, merkle};
use serde_json::Value;

/// Runs the Python implementation of the C2SP cosignature formats.
fn python(args: &[&str]) -> Output {
    Command::new("python3")
        .arg("-I")
        .arg(repo().join("tests/interop/cosignature_check.py"))
        .args(args)
        .output()
        .expect("the interop tests need python3 with `cryptography` (tests/setup.sh)")
}

fn isnad(dir: &Path, args: &[&str]) -> String {
    let out = isnad_in(dir).args(args).output().unwrap();
    assert_success(&out, args);
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn a_witness_cosigns_a_ledger_and_refuses_as_specified() {
    let d = Desk::new();
    let vkey = d.ok(&["checkpoint", "--vkey"]).trim().to_owned();
    let note3 = d.ok(&["checkpoint"]);
    let wdir = d.dir().join("witness");
    let wkey = isnad(
        d.dir(),
        &["witness", "init", s(&wdir), "--name", "witness.example/w1"],
    );
    let wkey = wkey.trim().to_owned();
    assert!(wkey.starts_with("witness.example/w1+"), "{wkey}");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        let mode = std::fs::metadata(wdir.join("witness.key"))
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o600);
    }
    let secret = std::fs::read_to_string(wdir.join("witness.key")).unwrap();
    assert!(!wkey.contains(secret.trim()));
    isnad(d.dir(), &["witness", "add-log", s(&wdir), "--vkey", &vkey]);

    let w = WitnessServer::start(&wdir);
    let (status, _, line) = w.add(0, &[], &note3);
    assert_eq!(status, 200, "{line}");
    // The Python implementation verifies the cosigned note.
    let cosigned = d.file("cosigned3", format!("{note3}{line}").as_bytes());
    let out = python(&["verify", s(&cosigned), &wkey]);
    assert!(out.status.success(), "{out:?}");

    // Grow the ledger by two entries and ask again with the proof from 3.
    let extra = d.dir().join("extra.key");
    d.ok(&["key", "new", "extra", "--out", s(&extra)]);
    d.ok(&["key", "enroll", s(&extra), "--role", "editor"]);
    d.ok(&[
        "key",
        "new",
        "extra2",
        "--out",
        s(&d.dir().join("extra2.key")),
    ]);
    d.ok(&[
        "key",
        "enroll",
        s(&d.dir().join("extra2.key")),
        "--role",
        "editor",
    ]);
    let note5 = d.ok(&["checkpoint"]);
    let proof: Value = serde_json::from_str(&d.ok(&["prove", "--consistency", "3"])).unwrap();
    let hashes: Vec<String> = proof["hashes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h.as_str().unwrap().to_owned())
        .collect();
    let mut bad = hashes.clone();
    bad[0] = bad[0].replacen(
        &bad[0][..1],
        if bad[0].starts_with('A') { "B" } else { "A" },
        1,
    );
    let (status, _, _) = w.add(3, &bad, &note5);
    assert_eq!(status, 422);
    let (status, _, line) = w.add(3, &hashes, &note5);
    assert_eq!(status, 200, "{line}");
    let cosigned = d.file("cosigned5", format!("{note5}{line}").as_bytes());
    assert!(python(&["verify", s(&cosigned), &wkey]).status.success());
    // A proof whose checkpoint carries the cosignature meets a quorum of
    // this witness, and not one of two.
    let mut cosigned_proof = proof.clone();
    cosigned_proof["checkpoint"] = Value::String(format!("{note5}{line}"));
    let path = d.file("proof5", cosigned_proof.to_string().as_bytes());
    let verify = |extra: &[&str]| {
        let mut args = vec!["verify-proof", s(&path), "--vkey", &vkey];
        args.extend_from_slice(extra);
        d.out(&args)
    };
    let out = verify(&["--witness", &wkey]);
    assert_success(&out, &["verify-proof", "--witness"]);
    assert!(String::from_utf8_lossy(&out.stdout).contains("1 of the 1 listed witnesses"));
    let py_key = python(&["vkey", "py.example/w", &"42".repeat(32)]).stdout;
    let py_key = String::from_utf8(py_key).unwrap().trim().to_owned();
    let e = error_line(
        &verify(&["--witness", &wkey, "--witness", &py_key, "--quorum", "2"]),
        1,
    );
    assert!(
        e.contains("1 of the 2 needed; missing: py.example/w"),
        "{e}"
    );
    assert_eq!(
        verify(&["--witness", &wkey, "--witness", &py_key, "--quorum", "1"])
            .status
            .code(),
        Some(0)
    );
    // Without the cosignature, or with one for another checkpoint, it fails.
    let e = error_line(
        &d.out(&[
            "verify-proof",
            s(&d.file("plain5", proof.to_string().as_bytes())),
            "--vkey",
            &vkey,
            "--witness",
            &wkey,
        ]),
        1,
    );
    assert!(e.contains("missing: witness.example/w1"), "{e}");
    error_line(&verify(&["--witness", &wkey, "--quorum", "2"]), 2);
    // `verify --since` asks the same of the checkpoint saved earlier.
    let since = |file: &Path, extra: &[&str]| {
        let mut args = vec!["verify", "--since", s(file)];
        args.extend_from_slice(extra);
        d.out(&args)
    };
    let out = since(&cosigned, &["--witness", &wkey]);
    assert_success(&out, &["verify --since --witness"]);
    assert!(
        String::from_utf8_lossy(&out.stdout)
            .contains("1 of the 1 listed witnesses cosigned that checkpoint"),
        "{out:?}"
    );
    let plain = d.file("plain-note5", note5.as_bytes());
    let e = error_line(&since(&plain, &["--witness", &wkey]), 1);
    assert!(e.contains("missing: witness.example/w1"), "{e}");
    assert_success(&since(&plain, &[]), &["verify --since, no witness asked"]);
    let e = error_line(&d.out(&["verify", "--witness", &wkey]), 2);
    assert!(e.contains("--since"), "{e}");

    // Restarted, it remembers 5: an old size of 0 is told the size (409),
    // the checkpoint of 3 is a rollback (400).
    w.stop();
    let w = WitnessServer::start(&wdir);
    let (status, ct, body) = w.add(0, &[], &note5);
    assert_eq!(
        (status, ct.as_str(), body.as_str()),
        (409, "text/x.tlog.size", "5\n")
    );
    assert_eq!(w.add(5, &[], &note3).0, 400);
    // The log's signature altered (403); another log (404); garbage (400).
    let mut forged = note5.clone().into_bytes();
    let at = forged.len() - 10; // inside the signature, past the key id
    forged[at] = if forged[at] == b'A' { b'B' } else { b'A' };
    let forged = String::from_utf8(forged).unwrap();
    assert_eq!(w.add(5, &[], &forged).0, 403);
    let other = Desk::new();
    assert_eq!(w.add(0, &[], &other.ok(&["checkpoint"])).0, 404);
    assert_eq!(w.add(0, &[], "not a note").0, 400);
    // The same checkpoint again is cosigned again.
    assert_eq!(w.add(5, &[], &note5).0, 200);
    // A mirror that demands the witness refuses the published checkpoint
    // until it carries the witness's cosignature.
    let published = d.dir().join("published");
    d.ok(&["export", "tiles", s(&published)]);
    let mirror = |m: &str| {
        let args = [
            "mirror",
            s(&published),
            m,
            "--vkey",
            &vkey,
            "--witness",
            &wkey,
        ];
        d.out(&args)
    };
    let e = error_line(&mirror("m1"), 1);
    assert!(e.contains("missing: witness.example/w1"), "{e}");
    assert!(!d.dir().join("m1").join("ledger").exists());
    let exported = std::fs::read_to_string(published.join("checkpoint")).unwrap();
    let (status, _, line) = w.add(5, &[], &exported);
    assert_eq!(status, 200, "{line}");
    std::fs::write(published.join("checkpoint"), format!("{exported}{line}")).unwrap();
    assert_success(&mirror("m1"), &["mirror", "--witness"]);
    w.stop();
    assert_eq!(
        isnad(d.dir(), &["witness", "evidence", s(&wdir)])
            .lines()
            .count(),
        1
    );
    let shown = isnad(d.dir(), &["witness", "show", s(&wdir)]);
    assert!(shown.contains(&format!("{vkey} 5")), "{shown}");
    d.assert_no_secrets();
}

#[test]
fn a_split_view_is_refused_over_http_and_kept_as_evidence() {
    let tmp = tempfile::tempdir().unwrap();
    let log = ForkedLog::new("split.example/log", 2, 6);
    let wdir = log.witness(tmp.path());
    let wkey = isnad(tmp.path(), &["witness", "show", s(&wdir)]);
    let wkey = wkey.lines().next().unwrap();
    let (a, b) = (&log.forks[0], &log.forks[1]);
    let note = |leaves: &[merkle::Hash]| log.note(leaves);
    let w = WitnessServer::start(&wdir);
    assert_eq!(w.add(0, &[], &note(&a[..4])).0, 200);
    // b at the same size: a conflict; b grown, with b's own proof: refused.
    assert_eq!(w.add(4, &[], &note(&b[..4])).0, 409);
    assert_eq!(w.add(4, &proof_from(b, 4), &note(b)).0, 422);
    // a goes on.
    let (status, _, line) = w.add(4, &proof_from(a, 4), &note(a));
    assert_eq!(status, 200);
    w.stop();
    let key: CosignerKey = wkey.trim().parse().unwrap();
    let cosigned = format!("{}{line}", note(a));
    assert_eq!(
        verified_cosigners(&cosigned, std::slice::from_ref(&key))
            .unwrap()
            .len(),
        1
    );
    // End to end: a proof of leaf 3 against history a, as cosigned, meets
    // the quorum; the same leaf of history b, whose checkpoint the witness
    // refused, does not, bare or with a's cosignature moved onto it.
    let vkey = log.key.verifier().to_string();
    let verify = |leaves: &[merkle::Hash], signed: &str| {
        let at = SignedCheckpoint::open(signed, log.key.verifier()).unwrap();
        let path = merkle::inclusion_proof(leaves, 3).unwrap();
        let proof = InclusionProof::new(3, leaves[3], path, &at);
        let file = tmp.path().join("proof.json");
        std::fs::write(&file, serde_json::to_string(&proof).unwrap()).unwrap();
        isnad_in(tmp.path())
            .args(["verify-proof", s(&file), "--vkey", &vkey, "--witness", wkey])
            .output()
            .unwrap()
    };
    assert_success(&verify(a, &cosigned), &["verify-proof", "a"]);
    let e = error_line(&verify(b, &note(b)), 1);
    assert!(e.contains("missing: witness.example/w2"), "{e}");
    let e = error_line(&verify(b, &format!("{}{line}", note(b))), 1);
    assert!(e.contains("not verifying: witness.example/w2"), "{e}");
    let evidence = isnad(tmp.path(), &["witness", "evidence", s(&wdir)]);
    let first: Value = serde_json::from_str(evidence.lines().next().unwrap()).unwrap();
    assert_eq!(first["shown"], note(&b[..4]));
    assert_eq!(first["cosigned"], note(&a[..4]));
    assert_eq!(evidence.lines().count(), 2);
}

#[test]
fn isnad_accepts_cosignatures_made_in_python() {
    let tmp = tempfile::tempdir().unwrap();
    let log = KeyPair::from_seed("py.example/log", &[3; 32]).unwrap();
    let note = Checkpoint::new("py.example/log", 7, [4; 32])
        .unwrap()
        .sign(&log)
        .unwrap();
    let path = tmp.path().join("note");
    std::fs::write(&path, &note).unwrap();
    let seed = "42".repeat(32);
    let out = python(&["vkey", "py.example/w", &seed]);
    assert!(out.status.success(), "{out:?}");
    let key: CosignerKey = String::from_utf8(out.stdout)
        .unwrap()
        .trim()
        .parse()
        .unwrap();
    let out = python(&["sign", s(&path), "py.example/w", &seed, "1700000123"]);
    assert!(out.status.success(), "{out:?}");
    let cosigned = format!("{note}{}", String::from_utf8(out.stdout).unwrap());
    let found = verified_cosigners(&cosigned, std::slice::from_ref(&key)).unwrap();
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].1, 1_700_000_123);
    // And the Python side refuses a cosignature moved to another checkpoint.
    let moved = cosigned.replacen("\n7\n", "\n8\n", 1);
    std::fs::write(&path, &moved).unwrap();
    let vkey = key.to_string();
    assert_eq!(python(&["verify", s(&path), &vkey]).status.code(), Some(1));
}

/// A log whose two forks share their first `common` leaves.
struct ForkedLog {
    key: KeyPair,
    forks: [Vec<merkle::Hash>; 2],
}

impl ForkedLog {
    fn new(origin: &str, common: usize, leaves: usize) -> Self {
        let fork = |tag: &str| {
            (0..leaves)
                .map(|i| {
                    let name = if i < common {
                        format!("{i}")
                    } else {
                        format!("{tag}{i}")
                    };
                    merkle::leaf_hash(name.as_bytes())
                })
                .collect()
        };
        ForkedLog {
            key: KeyPair::from_seed(origin, &[9; 32]).unwrap(),
            forks: [fork("a"), fork("b")],
        }
    }

    /// The log's signed checkpoint of `leaves`.
    fn note(&self, leaves: &[merkle::Hash]) -> String {
        Checkpoint::new(self.key.name(), leaves.len() as u64, merkle::root(leaves))
            .unwrap()
            .sign(&self.key)
            .unwrap()
    }

    /// A new witness in `dir/w` that follows this log.
    fn witness(&self, dir: &Path) -> std::path::PathBuf {
        let wdir = dir.join("w");
        isnad(
            dir,
            &["witness", "init", s(&wdir), "--name", "witness.example/w2"],
        );
        let vkey = self.key.verifier().to_string();
        isnad(dir, &["witness", "add-log", s(&wdir), "--vkey", &vkey]);
        wdir
    }
}

/// The consistency proof from `old` to all of `leaves`, one base64 hash each.
fn proof_from(leaves: &[merkle::Hash], old: u64) -> Vec<String> {
    use base64::Engine as _;
    merkle::consistency_proof(leaves, old)
        .unwrap()
        .iter()
        .map(|h| base64::engine::general_purpose::STANDARD.encode(h))
        .collect()
}

#[test]
fn bad_witness_input_is_one_line_and_exit_2() {
    let tmp = tempfile::tempdir().unwrap();
    let run = |args: &[&str]| isnad_in(tmp.path()).args(args).output().unwrap();
    let not_empty = tmp.path().join("full");
    std::fs::create_dir(&not_empty).unwrap();
    std::fs::write(not_empty.join("x"), "x").unwrap();
    let e = error_line(&run(&["witness", "init", s(&not_empty), "--name", "w"]), 2);
    assert!(e.contains("not empty"), "{e}");
    let e = error_line(&run(&["witness", "evidence", s(&not_empty)]), 2);
    assert!(e.contains("holds no witness"), "{e}");
    let wdir = tmp.path().join("w");
    isnad(tmp.path(), &["witness", "init", s(&wdir), "--name", "w"]);
    let e = error_line(
        &run(&["witness", "add-log", s(&wdir), "--vkey", "garbage"]),
        2,
    );
    assert!(e.contains("key"), "{e}");
    // A private key given as a log key is refused without being echoed.
    let secret = std::fs::read_to_string(wdir.join("witness.key")).unwrap();
    let e = error_line(
        &run(&["witness", "add-log", s(&wdir), "--vkey", secret.trim()]),
        2,
    );
    assert!(!e.contains(&secret.trim()[20..]), "{e}");
    let e = error_line(
        &run(&["witness", "init", s(&tmp.path().join("v")), "--name", "a b"]),
        2,
    );
    assert!(e.contains("key name"), "{e}");
}

// SIGKILL at arbitrary moments while a log sends both of two forks: every
// cosignature ever returned, across all the restarts, is of one history
// past the fork point, at sizes that never go back; a cosignature lost to
// a kill is still remembered (the next request learns its size from 409).
#[test]
fn a_witness_killed_at_random_moments_never_cosigns_two_histories() {
    const COMMON: usize = 3;
    const LEAVES: usize = 48;
    let tmp = tempfile::tempdir().unwrap();
    let log = ForkedLog::new("kill.example/log", COMMON, LEAVES);
    let wdir = log.witness(tmp.path());
    let (forks, note) = (&log.forks, |leaves: &[merkle::Hash]| log.note(leaves));
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    // Every 200 answer, in order: (fork, size).
    let mut cosigned: Vec<(usize, usize)> = Vec::new();
    let mut known = 0usize;
    for _round in 0..6 {
        let w = WitnessServer::start(&wdir);
        let pid = w.pid();
        let kill_after = rng.below(12) as usize;
        for i in 0..16 {
            let fork = rng.below(2) as usize;
            let size = known + rng.below((LEAVES - known + 1) as u64) as usize;
            let leaves = &forks[fork][..size];
            let proof = if known == 0 || known == size {
                vec![]
            } else {
                proof_from(leaves, known as u64)
            };
            if i == kill_after {
                // The request goes out while the witness is being killed:
                // it may be answered, stored without an answer, or lost.
                let kill = std::thread::spawn(move || {
                    let _ = Command::new("kill")
                        .args(["-KILL", &pid.to_string()])
                        .status();
                });
                let sent = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                    w.add(known as u64, &proof, &note(leaves))
                }));
                kill.join().unwrap();
                if let Ok((200, _, _)) = sent {
                    cosigned.push((fork, size));
                    known = size;
                }
                break;
            }
            match w.add(known as u64, &proof, &note(leaves)) {
                (200, _, _) => {
                    cosigned.push((fork, size));
                    known = size;
                }
                (409, ct, body) if ct == "text/x.tlog.size" => known = body.trim().parse().unwrap(),
                (409 | 422, _, _) => {}
                other => panic!("unexpected answer {other:?}"),
            }
        }
        drop(w);
        // After the restart, the witness tells the size it last stored.
        let w = WitnessServer::start(&wdir);
        let (status, ct, body) = w.add(0, &[], &note(&forks[0][..0]));
        if status == 409 {
            assert_eq!(ct, "text/x.tlog.size");
            let stored: usize = body.trim().parse().unwrap();
            assert!(stored >= known, "stored {stored} < answered {known}");
            known = stored;
        } else {
            assert_eq!((status, known), (200, 0), "{body}");
        }
        w.stop();
    }
    assert!(!cosigned.is_empty());
    for pair in cosigned.windows(2) {
        assert!(pair[0].1 <= pair[1].1, "{cosigned:?}");
        if pair[0].1 > COMMON {
            assert_eq!(pair[0].0, pair[1].0, "{cosigned:?}");
        }
    }
}
