//! The strict parse with the direct canonical writer against the same parse
//! through a `serde_json::Value` and the generic RFC 8785 serialiser, the
//! path it replaced: over entries of every record kind, valid and not, and
//! over mutations of their leaf bytes that a canonical check exists to
//! catch, both must accept the same inputs with the same entry and refuse
//! the others with the same error.

use proptest::prelude::*;
use serde_json::Value;

use super::*;
use crate::ids::{OrgId, SourceId};
use crate::record::{
    AmendmentBody, Appearance, Change, ClaimBody, ClaimRelation, Grade, Hop, HopRelation, KeyBody,
    PriorBody, Rating, RelationBody, ReviewOrigin, RevocationBody, RevocationReason, Role,
    SourceBody, SourceKind, Translation, TrustBody, VerdictBody,
};

/// Parses `bytes` both ways and checks that the outcomes are the same.
fn agree(bytes: &[u8]) -> Result<(), TestCaseError> {
    let direct = Parser::new().parse_rebuilding(bytes, Rebuild::Direct);
    let tree = Parser::new().parse_rebuilding(bytes, Rebuild::ValueTree);
    match (direct, tree) {
        (Ok(a), Ok(b)) => {
            prop_assert_eq!(a.hash(), b.hash());
            prop_assert_eq!(a.leaf_bytes(), b.leaf_bytes());
            prop_assert_eq!(a.record(), b.record());
            prop_assert_eq!(a.seq(), b.seq());
            prop_assert_eq!(a.prev(), b.prev());
            prop_assert_eq!(a.time(), b.time());
            prop_assert_eq!(a.signer(), b.signer());
            prop_assert_eq!(a.signature(), b.signature());
        }
        (Err(a), Err(b)) => {
            prop_assert_eq!(std::mem::discriminant(&a), std::mem::discriminant(&b));
            prop_assert_eq!(a.to_string(), b.to_string());
        }
        (a, b) => prop_assert!(
            false,
            "direct {:?} but value tree {:?} for {}",
            a.map(|e| e.hash()),
            b.map(|e| e.hash()),
            String::from_utf8_lossy(bytes)
        ),
    }
    Ok(())
}

fn signer_keys() -> Vec<KeyPair> {
    (0u8..3)
        .map(|i| KeyPair::from_seed(&format!("k{i}"), &[i + 1; 32]).unwrap())
        .collect()
}

/// Text that is usually valid (non-empty, NFC) and often hostile: quotes,
/// backslashes, solidus, controls, DEL, U+2028, composed and decomposed
/// accents, non-BMP characters and characters whose UTF-16 and UTF-8
/// orders differ.
fn text() -> BoxedStrategy<String> {
    let hostile = prop_oneof![
        Just('"'),
        Just('\\'),
        Just('/'),
        Just('\u{7f}'),
        Just('\u{2028}'),
        Just('\u{e9}'),
        Just('\u{301}'),
        Just('\u{1f600}'),
        Just('\u{10ffff}'),
        Just('\u{fb33}'),
        Just('\u{627}'),
        Just(' '),
        (0u8..0x20).prop_map(char::from),
        any::<char>(),
        "[a-z]".prop_map(|s| s.chars().next().unwrap_or('a')),
    ];
    prop_oneof![
        3 => "[A-Za-z0-9][A-Za-z0-9 .,'()-]{0,30}",
        3 => proptest::collection::vec(hostile, 1..16)
            .prop_map(|cs| format!("x{}", cs.into_iter().collect::<String>())),
        1 => Just(String::new()),
        1 => Just(" \t".to_owned()),
        1 => Just("cafe\u{301}".to_owned()),
    ]
    .boxed()
}

fn slug() -> impl Strategy<Value = String> {
    "[a-z0-9][a-z0-9-]{0,10}"
}

fn source_id() -> impl Strategy<Value = SourceId> {
    slug().prop_map(|s| s.parse().unwrap())
}

fn org_id() -> impl Strategy<Value = OrgId> {
    slug().prop_map(|s| s.parse().unwrap())
}

fn hash() -> impl Strategy<Value = EntryHash> {
    any::<[u8; 32]>().prop_map(EntryHash::from_bytes)
}

fn lang() -> BoxedStrategy<String> {
    prop_oneof![
        Just("en"),
        Just("ar"),
        Just("fr-CA"),
        Just("zh-Hant-TW"),
        Just("EN-gb"),
        Just("e")
    ]
    .prop_map(str::to_owned)
    .boxed()
}

fn url() -> BoxedStrategy<String> {
    prop_oneof![
        4 => "https?://[a-z]{1,8}\\.example/[a-z0-9/_%?=&.-]{0,20}",
        1 => text(),
    ]
    .boxed()
}

fn date() -> BoxedStrategy<String> {
    prop_oneof![
        Just("2025-02-18"),
        Just("2025-02-18T09:00:00Z"),
        Just("2025-2-18")
    ]
    .prop_map(str::to_owned)
    .boxed()
}

fn verifier_text() -> BoxedStrategy<String> {
    let keys: Vec<String> = signer_keys()
        .iter()
        .map(|k| k.verifier().to_string())
        .collect();
    prop_oneof![
        6 => proptest::sample::select(keys),
        1 => text(),
    ]
    .boxed()
}

fn role_list() -> BoxedStrategy<Vec<Role>> {
    let all = vec![Role::Admin, Role::Editor, Role::FactChecker, Role::Auditor];
    (proptest::sample::subsequence(all, 0..=4), any::<bool>())
        .prop_map(|(mut r, flip)| {
            if flip && r.len() > 1 {
                r.reverse();
            }
            r
        })
        .boxed()
}

fn source_body() -> BoxedStrategy<SourceBody> {
    (
        source_id(),
        text(),
        proptest::sample::select(SourceKind::ALL.to_vec()),
        proptest::option::of(url()),
        proptest::option::of(lang()),
        proptest::collection::vec(source_id(), 0..3),
        proptest::option::of(text()),
        any::<bool>(),
    )
        .prop_map(
            |(id, name, kind, url, language, mut affiliations, description, sort)| {
                if sort {
                    affiliations.sort();
                    affiliations.dedup();
                }
                SourceBody {
                    id,
                    name,
                    kind,
                    url,
                    language,
                    affiliations,
                    description,
                }
            },
        )
        .boxed()
}

fn chain() -> BoxedStrategy<Vec<Hop>> {
    let later = prop_oneof![
        6 => proptest::sample::select(vec![
            HopRelation::Quoted,
            HopRelation::Cited,
            HopRelation::PublishedOn,
            HopRelation::Anonymous,
        ]),
        1 => Just(HopRelation::Reported),
    ];
    (
        source_id(),
        proptest::collection::vec((source_id(), later), 0..3),
    )
        .prop_map(|(first, rest)| {
            std::iter::once(Hop {
                source: first,
                relation: HopRelation::Reported,
            })
            .chain(
                rest.into_iter()
                    .map(|(source, relation)| Hop { source, relation }),
            )
            .collect()
        })
        .boxed()
}

fn claim_body() -> BoxedStrategy<ClaimBody> {
    (
        text(),
        lang(),
        proptest::option::of(text()),
        proptest::collection::vec((lang(), text()), 0..3),
        chain(),
        (
            date(),
            proptest::option::of(url()),
            proptest::option::of(text()),
        ),
    )
        .prop_map(
            |(text, lang, quote, translations, chain, (date, url, venue))| ClaimBody {
                text,
                lang,
                quote,
                translations: translations
                    .into_iter()
                    .map(|(lang, text)| Translation { lang, text })
                    .collect(),
                chain,
                appeared: Appearance { date, url, venue },
            },
        )
        .boxed()
}

fn verdict_body() -> BoxedStrategy<VerdictBody> {
    let review = (
        text(),
        proptest::option::of(url()),
        url(),
        proptest::option::of(date()),
    )
        .prop_map(|(by, site, url, date)| ReviewOrigin {
            by,
            site,
            url,
            date,
        });
    (
        hash(),
        proptest::sample::select(Rating::ALL.to_vec()),
        prop_oneof![10 => 0u8..=100, 1 => any::<u8>()],
        text(),
        proptest::collection::vec(url(), 0..3),
        proptest::option::of(hash()),
        proptest::option::of(review),
    )
        .prop_map(
            |(claim, rating, confidence, rationale, evidence, supersedes, review)| VerdictBody {
                claim,
                rating,
                confidence,
                rationale,
                evidence,
                supersedes,
                review,
            },
        )
        .boxed()
}

fn record() -> BoxedStrategy<Record> {
    let key = (
        verifier_text(),
        role_list(),
        proptest::option::of(text()),
        proptest::option::of(verifier_text()),
        proptest::option::of(org_id()),
    )
        .prop_map(|(key, roles, holder, replaces, org)| {
            Record::Key(KeyBody {
                key,
                roles,
                holder,
                replaces,
                org,
            })
        });
    let relation = (
        hash(),
        proptest::sample::select(ClaimRelation::ALL.to_vec()),
        prop_oneof![hash(), Just(EntryHash::ZERO)],
        proptest::option::of(text()),
    )
        .prop_map(|(from, relation, to, note)| {
            Record::Relation(RelationBody {
                from,
                relation,
                to,
                note,
            })
        });
    let change = prop_oneof![
        Just(Change::Retract),
        chain().prop_map(|chain| Change::Reattribute { chain }),
        claim_body().prop_map(|claim| Change::CorrectClaim { claim }),
        source_body().prop_map(|source| Change::CorrectSource { source }),
    ];
    let amendment = (hash(), change, text()).prop_map(|(target, change, reason)| {
        Record::Amendment(AmendmentBody {
            target,
            change,
            reason,
        })
    });
    let grade = proptest::sample::select(Grade::ALL.to_vec());
    let prior = (source_id(), grade.clone(), text()).prop_map(|(source, grade, reason)| {
        Record::Prior(PriorBody {
            source,
            grade,
            reason,
        })
    });
    let trust = (org_id(), grade, text()).prop_map(|(checker, grade, reason)| {
        Record::Trust(TrustBody {
            checker,
            grade,
            reason,
        })
    });
    let revocation = (
        verifier_text(),
        proptest::sample::select(vec![
            RevocationReason::Superseded,
            RevocationReason::Compromised,
        ]),
        proptest::option::of(prop_oneof![
            Just("2025-02-18T08:00:00Z".to_owned()),
            Just("2025-02-18".to_owned())
        ]),
    )
        .prop_map(|(key, reason, since)| Record::Revocation(RevocationBody { key, reason, since }));
    prop_oneof![
        key,
        source_body().prop_map(Record::Source),
        claim_body().prop_map(Record::Claim),
        verdict_body().prop_map(Record::Verdict),
        relation,
        amendment,
        prior,
        revocation,
        trust,
    ]
    .boxed()
}

/// Canonical leaf bytes of an entry, written by the generic path (whether
/// or not the record passes its checks), with a random signature and now
/// and then a wrong version or an out-of-range position.
fn leaf() -> BoxedStrategy<Vec<u8>> {
    (
        record(),
        prop_oneof![
            8 => 0u64..100_000,
            1 => Just(MAX_SEQ),
            1 => Just(MAX_SEQ + 1),
        ],
        hash(),
        0i64..4_000_000_000,
        0usize..3,
        any::<[u8; 32]>(),
        prop_oneof![9 => Just(None), 1 => (0u32..5).prop_map(Some)],
    )
        .prop_map(|(record, seq, prev, time, signer, sig, v)| {
            let signer = signer_keys()[signer].verifier().clone();
            let draft = Draft::new(Seq(seq), prev, Timestamp::from_unix(time), signer, record);
            let mut sig64 = [0u8; 64];
            sig64[..32].copy_from_slice(&sig);
            sig64[32..].copy_from_slice(&sig);
            let mut wire = draft.wire(Some(STANDARD.encode(sig64))).unwrap();
            if let Some(v) = v {
                wire.v = v;
            }
            to_canonical(&wire).unwrap()
        })
        .boxed()
}

/// A change to canonical leaf bytes. Indexes are reduced modulo the number
/// of places the change can apply to.
#[derive(Clone, Debug)]
enum Mutation {
    None,
    /// Whitespace inserted at a byte offset.
    Whitespace(usize, &'static str),
    /// One byte inserted at an offset.
    InsertByte(usize, u8),
    /// The byte at an offset removed.
    DeleteByte(usize),
    /// An object's members written in reverse order.
    Reverse(usize),
    /// An object's first member written again at its end.
    Duplicate(usize),
    /// A number written in another form (see [`number_form`]).
    Number(usize, u8),
    /// A string (member names included) written with other escapes (see
    /// [`escaped`]).
    Escape(usize, u8),
    /// The body given a member: an empty list, a null, or an unknown one.
    AddToBody(&'static str, Value),
    /// The entry's `kind` replaced.
    Kind(Kind),
}

fn mutation() -> BoxedStrategy<Mutation> {
    let ws = proptest::sample::select(vec![" ", "\n", "\t", "\r", "  "]);
    let optional = proptest::sample::select(vec![
        ("evidence", Value::Array(vec![])),
        ("translations", Value::Array(vec![])),
        ("affiliations", Value::Array(vec![])),
        ("holder", Value::Null),
        ("supersedes", Value::Null),
        ("review", Value::Null),
        ("note", Value::Null),
        ("org", Value::Null),
        ("since", Value::Null),
        ("quote", Value::Null),
        ("extra", Value::from(1)),
        ("\u{1f600}", Value::from("x")),
    ]);
    prop_oneof![
        1 => Just(Mutation::None),
        2 => (any::<usize>(), ws).prop_map(|(i, w)| Mutation::Whitespace(i, w)),
        1 => (any::<usize>(), any::<u8>()).prop_map(|(i, b)| Mutation::InsertByte(i, b)),
        1 => any::<usize>().prop_map(Mutation::DeleteByte),
        2 => any::<usize>().prop_map(Mutation::Reverse),
        2 => any::<usize>().prop_map(Mutation::Duplicate),
        3 => (any::<usize>(), 0u8..8).prop_map(|(i, f)| Mutation::Number(i, f)),
        4 => (any::<usize>(), 0u8..8).prop_map(|(i, f)| Mutation::Escape(i, f)),
        2 => optional.prop_map(|(k, v)| Mutation::AddToBody(k, v)),
        1 => proptest::sample::select(Kind::ALL.to_vec()).prop_map(Mutation::Kind),
    ]
    .boxed()
}

/// `n` written in one of several forms that JSON reads as a number but
/// RFC 8785 does not write (or, for some, as another number).
fn number_form(n: &str, form: u8) -> String {
    match form {
        0 => format!("{n}.0"),
        1 => format!("{n}e0"),
        2 => format!("{n}E+00"),
        3 => format!("0{n}"),
        4 => format!("-{n}"),
        5 => format!("{n}.5"),
        6 => format!("{n}0"),
        _ => format!("{n}.000e+0"),
    }
}

fn u_escape(out: &mut String, c: char, upper: bool) {
    let mut units = [0u16; 2];
    for u in c.encode_utf16(&mut units) {
        if upper {
            out.push_str(&format!("\\u{u:04X}"));
        } else {
            out.push_str(&format!("\\u{u:04x}"));
        }
    }
}

/// `s` as a JSON string with escapes RFC 8785 does not use (or, for some
/// forms, with other text).
fn escaped(s: &str, form: u8) -> String {
    let plain = serde_json::to_string(s).unwrap();
    let mut out = String::from("\"");
    match form {
        // Every character as \u, lowercase or uppercase hex (surrogate
        // pairs beyond the BMP).
        0 | 1 => s.chars().for_each(|c| u_escape(&mut out, c, form == 1)),
        // Only the first character.
        2 => {
            let mut cs = s.chars();
            if let Some(c) = cs.next() {
                u_escape(&mut out, c, false);
            }
            let rest: String = cs.collect();
            let rest = serde_json::to_string(&rest).unwrap();
            out.push_str(&rest[1..rest.len() - 1]);
        }
        // `\/` for every solidus.
        3 => return plain.replace('/', "\\/"),
        // Non-ASCII characters escaped.
        4 => {
            for c in s.chars() {
                if c.is_ascii() {
                    let one = serde_json::to_string(&c.to_string()).unwrap();
                    out.push_str(&one[1..one.len() - 1]);
                } else {
                    u_escape(&mut out, c, false);
                }
            }
        }
        // The text decomposed (NFD).
        5 => {
            use unicode_normalization::UnicodeNormalization;
            return serde_json::to_string(&s.nfd().collect::<String>()).unwrap();
        }
        // Controls as \u00xx instead of their short forms.
        6 => {
            return plain
                .replace("\\n", "\\u000a")
                .replace("\\t", "\\u0009")
                .replace("\\r", "\\u000D")
                .replace("\\b", "\\u0008")
                .replace("\\f", "\\u000c");
        }
        // Uppercase ASCII: other text.
        _ => return serde_json::to_string(&s.to_ascii_uppercase()).unwrap(),
    }
    out.push('"');
    out
}

/// Writes JSON from a value tree, members in RFC 8785 order, applying one
/// structural mutation to the object, number or string it counts to.
struct Emit<'a> {
    mutation: &'a Mutation,
    objects: usize,
    numbers: usize,
    strings: usize,
    out: String,
}

impl Emit<'_> {
    fn string(&mut self, s: &str) {
        let here = self.strings;
        self.strings += 1;
        match *self.mutation {
            Mutation::Escape(i, form) if i == here => self.out.push_str(&escaped(s, form)),
            _ => self.out.push_str(&serde_json::to_string(s).unwrap()),
        }
    }

    fn value(&mut self, v: &Value) {
        match v {
            Value::Object(map) => {
                let here = self.objects;
                self.objects += 1;
                let mut members: Vec<(&String, &Value)> = map.iter().collect();
                members.sort_by(|a, b| a.0.encode_utf16().cmp(b.0.encode_utf16()));
                match *self.mutation {
                    Mutation::Reverse(i) if i == here => members.reverse(),
                    Mutation::Duplicate(i) if i == here => {
                        if let Some(&first) = members.first() {
                            members.push(first);
                        }
                    }
                    _ => {}
                }
                self.out.push('{');
                for (n, (k, v)) in members.into_iter().enumerate() {
                    if n > 0 {
                        self.out.push(',');
                    }
                    self.string(k);
                    self.out.push(':');
                    self.value(v);
                }
                self.out.push('}');
            }
            Value::Array(items) => {
                self.out.push('[');
                for (n, v) in items.iter().enumerate() {
                    if n > 0 {
                        self.out.push(',');
                    }
                    self.value(v);
                }
                self.out.push(']');
            }
            Value::String(s) => self.string(s),
            Value::Number(n) => {
                let here = self.numbers;
                self.numbers += 1;
                match *self.mutation {
                    Mutation::Number(i, form) if i == here => {
                        self.out.push_str(&number_form(&n.to_string(), form));
                    }
                    _ => self.out.push_str(&n.to_string()),
                }
            }
            other => self.out.push_str(&other.to_string()),
        }
    }
}

/// Index `i` of `n` places, or none when there are no places.
fn nth(i: usize, n: usize) -> usize {
    if n == 0 { usize::MAX } else { i % n }
}

/// Applies `m` to canonical `leaf`.
fn mutate(leaf: &[u8], m: &Mutation) -> Vec<u8> {
    let at = |i: usize| {
        if leaf.is_empty() {
            0
        } else {
            i % (leaf.len() + 1)
        }
    };
    let mut bytes = leaf.to_vec();
    match m {
        Mutation::None => {}
        Mutation::Whitespace(i, w) => {
            let i = at(*i);
            bytes.splice(i..i, w.bytes());
        }
        Mutation::InsertByte(i, b) => bytes.insert(at(*i), *b),
        Mutation::DeleteByte(i) => {
            bytes.remove(at(*i).min(leaf.len() - 1));
        }
        Mutation::Reverse(_)
        | Mutation::Duplicate(_)
        | Mutation::Number(..)
        | Mutation::Escape(..)
        | Mutation::AddToBody(..)
        | Mutation::Kind(_) => {
            let mut tree: Value = serde_json::from_slice(leaf).unwrap();
            match m {
                Mutation::AddToBody(k, v) => {
                    tree["body"][*k] = v.clone();
                }
                Mutation::Kind(k) => tree["kind"] = Value::from(k.as_str()),
                _ => {}
            }
            // A first pass counts the places; the second mutates one.
            let mut count = Emit {
                mutation: &Mutation::None,
                objects: 0,
                numbers: 0,
                strings: 0,
                out: String::new(),
            };
            count.value(&tree);
            let reduced = match *m {
                Mutation::Reverse(i) => Mutation::Reverse(nth(i, count.objects)),
                Mutation::Duplicate(i) => Mutation::Duplicate(nth(i, count.objects)),
                Mutation::Number(i, f) => Mutation::Number(nth(i, count.numbers), f),
                Mutation::Escape(i, f) => Mutation::Escape(nth(i, count.strings), f),
                _ => Mutation::None,
            };
            let mut emit = Emit {
                mutation: &reduced,
                objects: 0,
                numbers: 0,
                strings: 0,
                out: String::new(),
            };
            emit.value(&tree);
            bytes = emit.out.into_bytes();
        }
    }
    bytes
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2048))]

    // The generic path's leaf, written again without mutation by the
    // test's own writer: the mutations start from exactly the leaf.
    #[test]
    fn the_emitter_reproduces_leaves(leaf in leaf()) {
        let tree: Value = serde_json::from_slice(&leaf).unwrap();
        let mut emit = Emit {
            mutation: &Mutation::None,
            objects: 0,
            numbers: 0,
            strings: 0,
            out: String::new(),
        };
        emit.value(&tree);
        prop_assert_eq!(emit.out.as_bytes(), &leaf[..]);
    }

    #[test]
    fn direct_and_value_tree_parses_agree(leaf in leaf(), m in mutation()) {
        agree(&leaf)?;
        agree(&mutate(&leaf, &m))?;
    }
}

// The hand-picked cases the mutations aim at, on one valid entry.
#[test]
fn direct_and_value_tree_parses_agree_on_known_cases() {
    let key = &signer_keys()[0];
    let record = Record::Source(SourceBody {
        id: "agenzia-nova".parse().unwrap(),
        name: "Agenzia \u{e9}/\u{1f600} \"Nova\"".into(),
        kind: SourceKind::Outlet,
        url: Some("https://nova.example/a/b".into()),
        language: Some("it".into()),
        affiliations: vec![],
        description: Some("tab\there".into()),
    });
    let e = Draft::new(
        Seq(7),
        EntryHash::ZERO,
        Timestamp::from_unix(1_700_000_000),
        key.verifier().clone(),
        record,
    )
    .sign(key)
    .unwrap();
    let leaf = String::from_utf8(e.leaf_bytes().to_vec()).unwrap();
    let cases = [
        leaf.clone(),
        leaf.replacen("\u{e9}", "\\u00e9", 1),
        leaf.replacen("\u{e9}", "\\u00E9", 1),
        leaf.replacen("/\u{1f600}", "\\/\u{1f600}", 1),
        leaf.replacen("\u{1f600}", "\\ud83d\\ude00", 1),
        leaf.replacen("\u{1f600}", "\\uD83D\\uDE00", 1),
        leaf.replacen("\\t", "\\u0009", 1),
        leaf.replacen("\u{e9}", "e\u{301}", 1),
        leaf.replacen("\"seq\":7", "\"seq\":7.0", 1),
        leaf.replacen("\"seq\":7", "\"seq\":07", 1),
        leaf.replacen("\"seq\":7", "\"seq\":7e0", 1),
        leaf.replacen("\"v\":1", "\"v\":1.0", 1),
        leaf.replacen(
            "\"kind\":\"outlet\"",
            "\"affiliations\":[],\"kind\":\"outlet\"",
            1,
        ),
        leaf.replacen("{\"body\":", "{ \"body\":", 1),
        leaf.replacen(",\"v\":1}", ",\"v\":1,\"v\":1}", 1),
        leaf.replacen(",\"v\":1}", "}", 1)
            .replacen('{', "{\"v\":1,", 1),
        leaf.replacen("\"v\"", "\"\\u0076\"", 1),
    ];
    for (i, case) in cases.iter().enumerate() {
        if i > 0 {
            assert_ne!(case, &leaf, "case {i} changes nothing");
        }
        agree(case.as_bytes()).unwrap_or_else(|e| panic!("case {i}: {e}"));
    }
    assert!(Entry::parse(leaf.as_bytes()).is_ok());
}
