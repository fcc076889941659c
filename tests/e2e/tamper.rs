//! Tampering with an export: every changed byte, every deleted, swapped or
//! duplicated line must be rejected both by `verify_jsonl` (no database) and
//! by `Ledger::import_jsonl`, and a rejected import must leave the ledger
//! exactly as it was.

// Test helpers panic with a message on purpose; clippy allows that in
// `#[test]` functions only.

use std::path::Path;
use std::time::Instant;

use isnad_core::record::{
    Appearance, ClaimBody, ClaimRelation, Hop, HopRelation, KeyBody, Rating, RelationBody,
    SourceBody, SourceKind, Translation, VerdictBody,
};
use isnad_core::{EntryHash, Error, KeyPair, Ledger, Record, Role, Timestamp, init, jsonl, store};

struct Keys {
    admin: KeyPair,
    editor: KeyPair,
    checker: KeyPair,
}

fn keys() -> Keys {
    Keys {
        admin: KeyPair::from_seed("desk-admin", &[1; 32]).expect("admin key"),
        editor: KeyPair::from_seed("editor", &[2; 32]).expect("editor key"),
        checker: KeyPair::from_seed("fact-checker", &[3; 32]).expect("checker key"),
    }
}

fn at(minute: i64) -> Timestamp {
    let base = Timestamp::parse("2025-02-18T09:00:00Z").expect("time");
    Timestamp::from_unix(base.unix() + 60 * minute)
}

/// A new, empty ledger in `dir`.
fn create(dir: &Path) -> Ledger {
    Ledger::create(dir).expect("create")
}

/// A new ledger in `dir` with `admin` as its founding key.
fn init_ledger(dir: &Path, admin: &KeyPair, now: Timestamp) -> Ledger {
    init(dir, admin, now).expect("init")
}

/// Number of entries [`build`] writes.
const ENTRIES: usize = 9;

/// Builds the small ledger every test here tampers with. Keys are from fixed
/// seeds and times are fixed, so the bytes are the same on every run.
/// `variant` changes the claim at seq 5 (and so everything after it): two
/// variants share exactly their first five entries.
fn build(dir: &Path, variant: u8) -> Ledger {
    let k = keys();
    let ledger = init_ledger(dir, &k.admin, at(0));
    let mut t = 0;
    let mut add = |key: &KeyPair, record: Record| -> EntryHash {
        t += 1;
        let a = ledger.append(key, record, at(t)).expect("append");
        assert!(a.is_new());
        a.entry().hash()
    };
    let enrol = |kp: &KeyPair, role: Role| {
        Record::Key(KeyBody {
            key: kp.verifier().to_string(),
            roles: vec![role],
            holder: Some(format!("{} desk", kp.name())),
            replaces: None,
            org: None,
        })
    };
    add(&k.admin, enrol(&k.editor, Role::Editor));
    add(&k.admin, enrol(&k.checker, Role::FactChecker));
    add(
        &k.editor,
        Record::Source(SourceBody {
            id: "agenzia-nova".parse().expect("slug"),
            name: "Agenzia Nova".into(),
            kind: SourceKind::Outlet,
            url: Some("https://www.agenzianova.com/".into()),
            language: Some("it".into()),
            affiliations: vec![],
            description: Some("Italian news agency; caffè \"quoted\" \\ slash".into()),
        }),
    );
    add(
        &k.editor,
        Record::Source(SourceBody {
            id: "fawasel-media".parse().expect("slug"),
            name: "Fawasel Media — فواصل".into(),
            kind: SourceKind::Outlet,
            url: None,
            language: Some("ar".into()),
            affiliations: vec!["agenzia-nova".parse().expect("slug")],
            description: None,
        }),
    );
    let text = if variant == 0 {
        "15-20 ضابطاً موالين لحفتر يتدربون في روسيا على طائرات ميغ-29"
    } else {
        "Une autre affirmation, différente"
    };
    let claim = add(
        &k.editor,
        Record::Claim(ClaimBody {
            text: text.into(),
            lang: "ar".into(),
            quote: None,
            translations: vec![Translation {
                lang: "en".into(),
                text: "15-20 officers loyal to Haftar are training in Russia on MiG-29s".into(),
            }],
            chain: vec![
                Hop {
                    source: "agenzia-nova".parse().expect("slug"),
                    relation: HopRelation::Reported,
                },
                Hop {
                    source: "fawasel-media".parse().expect("slug"),
                    relation: HopRelation::Cited,
                },
            ],
            appeared: Appearance {
                date: "2025-02-18".into(),
                url: Some("https://www.agenzianova.com/a/1".into()),
                venue: None,
            },
        }),
    );
    let second = add(
        &k.checker,
        Record::Claim(ClaimBody {
            text: "MiG-29 training reported".into(),
            lang: "en".into(),
            quote: Some("«training»".into()),
            translations: vec![],
            chain: vec![Hop {
                source: "fawasel-media".parse().expect("slug"),
                relation: HopRelation::Reported,
            }],
            appeared: Appearance {
                date: "2025-02-19T10:00:00Z".into(),
                url: None,
                venue: Some("Telegram".into()),
            },
        }),
    );
    add(
        &k.checker,
        Record::Verdict(VerdictBody {
            claim,
            rating: Rating::Unverifiable,
            confidence: 80,
            // A tab and a control character: JCS writes them as `\t` and
            // `\u000f`, whose hex digits could be upper-cased without
            // changing the string's meaning. That must still be rejected.
            rationale: "No independent confirmation;\tcontrol \u{f} char".into(),
            evidence: vec!["https://example.org/evidence".into()],
            supersedes: None,
            review: None,
        }),
    );
    add(
        &k.editor,
        Record::Relation(RelationBody {
            from: second,
            relation: ClaimRelation::DerivedFrom,
            to: claim,
            note: Some("same origin".into()),
        }),
    );
    assert_eq!(ledger.len().expect("len"), ENTRIES as u64);
    ledger
}

fn export(ledger: &Ledger) -> Vec<u8> {
    let mut out = Vec::new();
    let n = ledger.export_jsonl(&mut out).expect("export");
    assert_eq!(n, ledger.len().expect("len"));
    out
}

fn lines(data: &[u8]) -> Vec<Vec<u8>> {
    assert_eq!(data.last(), Some(&b'\n'));
    data[..data.len() - 1]
        .split(|&b| b == b'\n')
        .map(<[u8]>::to_vec)
        .collect()
}

fn join(lines: &[Vec<u8>]) -> Vec<u8> {
    let mut out = Vec::new();
    for l in lines {
        out.extend_from_slice(l);
        out.push(b'\n');
    }
    out
}

fn verify(data: &[u8]) -> Result<store::VerifyReport, Error> {
    jsonl::verify_jsonl(&mut &data[..], &mut |_| {})
}

fn import(ledger: &Ledger, data: &[u8]) -> Result<store::ImportReport, Error> {
    // Entries are at most a few minutes after `at(0)`; import an hour later.
    ledger.import_jsonl(&mut &data[..], at(60), &mut |_| {})
}

fn line_of(e: &Error) -> Option<u64> {
    match e {
        Error::Line { line, .. } => Some(*line),
        _ => None,
    }
}

/// The changes tried at a byte: flip the lowest bit; for letters also flip
/// the case (hex digits, base64, escapes like `\u000f` vs `\u000F` whose
/// meaning may not change); and where the bit flip gives no printable
/// character, a space (the one byte JSON may ignore).
fn changes(b: u8) -> Vec<u8> {
    let mut out = vec![b ^ 0x01];
    if b.is_ascii_alphabetic() {
        out.push(b ^ 0x20);
    }
    // A newline, or `~` (whose flip is DEL), also becomes a space.
    if b.is_ascii() && !(0x20..0x7f).contains(&(b ^ 0x01)) {
        out.push(b' ');
    }
    out
}

#[test]
fn original_export_verifies_and_imports() {
    let src = tempfile::tempdir().expect("tempdir");
    let ledger = build(src.path(), 0);
    let data = export(&ledger);
    let report = verify(&data).expect("the untouched export verifies");
    assert_eq!(report.entries, ENTRIES as u64);
    let head = ledger.head().expect("head").expect("not empty");
    assert_eq!(report.head, Some(head.hash));
    assert_eq!(lines(&data).len(), ENTRIES);

    let dst = tempfile::tempdir().expect("tempdir");
    let fresh = create(&dst.path().join("l"));
    let r = import(&fresh, &data).expect("import");
    assert_eq!(
        (r.lines, r.existing, r.added),
        (ENTRIES as u64, 0, ENTRIES as u64)
    );
    assert_eq!(fresh.head().expect("head"), Some(head));
    assert_eq!(export(&fresh), data);
    fresh.verify(&mut |_| {}).expect("verify imported");

    // The same construction gives the same bytes (keys, times and
    // signatures are deterministic), which the other tests rely on.
    let again = tempfile::tempdir().expect("tempdir");
    assert_eq!(export(&build(again.path(), 0)), data);
}

/// Runs `check` on `data` with each change of [`changes`] applied in turn,
/// one byte at a time; `check` gets the changed bytes, the 1-based line the
/// changed byte belongs to (a line's newline belongs to it) and a
/// description of the change.
fn for_each_change(data: &[u8], mut check: impl FnMut(&[u8], u64, &dyn Fn() -> String)) -> usize {
    let mut buf = data.to_vec();
    let mut line = 1u64;
    let mut tried = 0;
    for pos in 0..data.len() {
        for new in changes(data[pos]) {
            assert_ne!(new, data[pos]);
            buf[pos] = new;
            tried += 1;
            let what = || {
                format!(
                    "byte {pos} (line {line}) changed from {:?} to {:?}",
                    char::from(data[pos]),
                    char::from(new)
                )
            };
            check(&buf, line, &what);
        }
        buf[pos] = data[pos];
        if data[pos] == b'\n' {
            line += 1;
        }
    }
    assert_eq!(buf, data);
    tried
}

#[test]
fn every_changed_byte_is_rejected() {
    let started = Instant::now();
    let src = tempfile::tempdir().expect("tempdir");
    let data = export(&build(src.path(), 0));
    let dst = tempfile::tempdir().expect("tempdir");
    // One empty ledger for every import: a rejected import writes nothing.
    let target = create(&dst.path().join("l"));

    // `verify_jsonl` needs no ledger: check it on a second thread while
    // this one imports (CI has two cores).
    let tried = std::thread::scope(|scope| {
        let verifier = scope.spawn(|| {
            for_each_change(&data, |buf, line, what| match verify(buf) {
                Ok(r) => panic!("verify_jsonl accepted {}: {r:?}", what()),
                Err(e) => assert_eq!(
                    line_of(&e),
                    Some(line),
                    "verify_jsonl named the wrong line for {}: {e}",
                    what()
                ),
            })
        });
        let imported = for_each_change(&data, |buf, line, what| {
            match import(&target, buf) {
                Ok(r) => panic!("import accepted {}: {r:?}", what()),
                Err(e) => assert_eq!(
                    line_of(&e),
                    Some(line),
                    "import named the wrong line for {}: {e}",
                    what()
                ),
            }
            assert_eq!(
                target.len().expect("len"),
                0,
                "import wrote after {}",
                what()
            );
        });
        let verified = verifier
            .join()
            .unwrap_or_else(|p| std::panic::resume_unwind(p));
        assert_eq!(verified, imported);
        imported
    });
    assert!(tried > data.len());

    // Among those changes are some that keep the JSON's meaning, caught only
    // because the bytes must be canonical: `\u000f` written `\u000F`.
    let at = data
        .windows(6)
        .position(|w| w == b"\\u000f")
        .expect("the verdict's control character is escaped as \\u000f");
    let mut same_meaning = data.clone();
    same_meaning[at + 5] = b'F';
    let e = verify(&same_meaning).expect_err("\\u000F accepted");
    assert!(
        matches!(&e, Error::Line { error, .. } if matches!(**error, Error::NotCanonical { .. })),
        "expected a canonical-form error, got {e}"
    );

    // The reused ledger is still usable and empty: the untouched export
    // imports into it.
    assert!(target.head().expect("head").is_none());
    let r = import(&target, &data).expect("import of the untouched export");
    assert_eq!(r.added, ENTRIES as u64);
    eprintln!(
        "every_changed_byte_is_rejected: {tried} changes over {} bytes, each \
         verified and imported, in {:.2?}",
        data.len(),
        started.elapsed()
    );
}

#[test]
fn deleted_swapped_and_duplicated_lines_are_rejected() {
    let src = tempfile::tempdir().expect("tempdir");
    let data = export(&build(src.path(), 0));
    let orig = lines(&data);
    let dst = tempfile::tempdir().expect("tempdir");
    let target = create(&dst.path().join("l"));

    let check_rejected = |what: String, ls: &[Vec<u8>]| {
        let bytes = join(ls);
        assert!(verify(&bytes).is_err(), "verify_jsonl accepted {what}");
        assert!(import(&target, &bytes).is_err(), "import accepted {what}");
        assert_eq!(target.len().expect("len"), 0, "import wrote after {what}");
    };

    for i in 0..ENTRIES - 1 {
        let mut ls = orig.clone();
        ls.remove(i);
        check_rejected(format!("line {} deleted", i + 1), &ls);
    }
    for i in 0..ENTRIES {
        for j in i + 1..ENTRIES {
            let mut ls = orig.clone();
            ls.swap(i, j);
            check_rejected(format!("lines {} and {} swapped", i + 1, j + 1), &ls);
        }
    }
    for i in 0..ENTRIES {
        // Repeated in place, and repeated at the end.
        let mut ls = orig.clone();
        ls.insert(i, orig[i].clone());
        check_rejected(format!("line {} repeated", i + 1), &ls);
        let mut ls = orig.clone();
        ls.push(orig[i].clone());
        check_rejected(format!("line {} appended again", i + 1), &ls);
    }
    // An empty line, a line with trailing whitespace, CRLF endings.
    for i in 0..=ENTRIES {
        let mut ls = orig.clone();
        ls.insert(i, Vec::new());
        check_rejected(format!("empty line before line {}", i + 1), &ls);
    }
    let mut ls = orig.clone();
    ls[3].push(b' ');
    check_rejected("trailing space on line 4".into(), &ls);
    let mut ls = orig.clone();
    for l in &mut ls {
        l.push(b'\r');
    }
    check_rejected("CRLF line endings".into(), &ls);

    // Dropping the *last* line leaves a valid, shorter ledger: an export on
    // its own cannot show that it was cut short (a signed checkpoint can).
    let prefix = join(&orig[..ENTRIES - 1]);
    let r = verify(&prefix).expect("a prefix is a valid ledger");
    assert_eq!(r.entries, ENTRIES as u64 - 1);
    // An empty file is a valid, empty ledger too.
    assert_eq!(verify(b"").expect("empty").entries, 0);
}

#[test]
fn import_extends_a_prefix_and_rejects_a_diverging_file() {
    let a_dir = tempfile::tempdir().expect("tempdir");
    let a = build(a_dir.path(), 0);
    let full = export(&a);
    let a_head = a.head().expect("head").expect("not empty");
    let b_dir = tempfile::tempdir().expect("tempdir");
    let other = export(&build(b_dir.path(), 1));
    let ls = lines(&full);
    let other_ls = lines(&other);
    // The two variants share exactly their first five entries.
    assert_eq!(ls[..5], other_ls[..5]);
    assert_ne!(ls[5], other_ls[5]);
    verify(&other).expect("the variant is a valid ledger of its own");

    let dir = tempfile::tempdir().expect("tempdir");
    let ledger = create(&dir.path().join("l"));

    // Import a prefix, then the whole file on top of it.
    let r = import(&ledger, &join(&ls[..5])).expect("prefix");
    assert_eq!((r.lines, r.existing, r.added), (5, 0, 5));
    let r = import(&ledger, &join(&ls[..7])).expect("longer prefix");
    assert_eq!((r.lines, r.existing, r.added), (7, 5, 2));
    assert_eq!(ledger.len().expect("len"), 7);

    // A file that agrees on five entries and then differs from the ledger's
    // sixth and seventh: rejected, nothing written.
    let check_unchanged = |ledger: &Ledger, what: &str, data: &[u8], expect_line: u64| {
        let before = ledger.head().expect("head");
        let len = ledger.len().expect("len");
        let e = import(ledger, data).expect_err(what);
        assert!(
            matches!(e, Error::Diverged { line, .. } if line == expect_line),
            "{what}: expected divergence at line {expect_line}, got {e}"
        );
        assert_eq!(ledger.head().expect("head"), before, "{what}: head moved");
        assert_eq!(ledger.len().expect("len"), len, "{what}: length changed");
    };
    check_unchanged(&ledger, "diverging file", &other, 6);
    check_unchanged(&ledger, "diverging prefix", &join(&other_ls[..6]), 6);

    // The real continuation still imports.
    let r = import(&ledger, &full).expect("full file");
    assert_eq!((r.lines, r.existing, r.added), (ENTRIES as u64, 7, 2));
    assert_eq!(ledger.head().expect("head"), Some(a_head));
    ledger.verify(&mut |_| {}).expect("verify");

    // Now complete, the ledger still rejects the other variant, and a file
    // from an unrelated ledger diverges at its first line.
    check_unchanged(&ledger, "diverging file after completion", &other, 6);
    let c_dir = tempfile::tempdir().expect("tempdir");
    let c = init_ledger(
        &c_dir.path().join("l"),
        &KeyPair::from_seed("another-admin", &[9; 32]).expect("key"),
        at(0),
    );
    check_unchanged(&ledger, "unrelated ledger", &export(&c), 1);

    // A file that is a prefix of the ledger adds nothing and changes nothing.
    let r = import(&ledger, &join(&ls[..3])).expect("shorter file");
    assert_eq!((r.lines, r.existing, r.added), (3, 3, 0));
    assert_eq!(ledger.head().expect("head"), Some(a_head));

    // Divergence is only about entries the ledger already holds: a ledger
    // with just the shared five entries accepts either continuation.
    let p_dir = tempfile::tempdir().expect("tempdir");
    let p = create(&p_dir.path().join("l"));
    import(&p, &join(&ls[..5])).expect("prefix");
    let r = import(&p, &other).expect("the other continuation");
    assert_eq!(r.added, ENTRIES as u64 - 5);
    assert_eq!(export(&p), other);
}
