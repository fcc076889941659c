//! The worked example: a ledger built from the Agenzia Nova (Arabic service)
//! article of February 2025 on Haftar, Russia and Belarus.
//!
//! Everything the demo records lives in `src/demo/fixture.json`, compiled into
//! the library with `include_str!`: the article itself (so tests can check
//! every claim against it), its thirteen sources, its twelve claims with their
//! attribution chains, and the editorial work done on them. Nothing is read
//! from outside the crate at run time.
//!
//! # What the ledger holds
//!
//! | kind      | n  | signer              | what |
//! |-----------|----|---------------------|------|
//! | key       | 3  | `demo-admin`        | the admin's genesis, then the desk's editor and fact-checker |
//! | source    | 13 | `demo-desk-editor`  | outlets, people, institutions, an X account, unnamed sources |
//! | prior     | 2  | `demo-desk-editor`  | illustrative grades: Agenzia Nova B, Fawasel Media C |
//! | claim     | 12 | `demo-desk-editor`  | the article's statements, in Arabic, with an English translation |
//! | relation  | 1  | `demo-desk-editor`  | claim 2 `derived-from` claim 1 (one story, one origin) |
//! | amendment | 1  | `demo-desk-editor`  | Joe Wilson is a member of the House, not a senator |
//! | verdict   | 3  | `demo-desk-checker` | ILLUSTRATIVE ratings of claims 1, 8 and 11 |
//!
//! The verdicts and priors are illustrative, signed by a fictional desk
//! ("Demo Verification Desk (fictional)"); every verdict's rationale starts
//! with [`ILLUSTRATIVE_VERDICT`]. They are not findings about the real outlets
//! or people.
//!
//! # Decisions
//!
//! - **Date.** The article says Tripoli celebrated the revolution's
//!   anniversary "yesterday" (أمس); the anniversary celebrations were on
//!   17 February 2025, so every claim's `appeared.date` is `2025-02-18`, with
//!   venue "Agenzia Nova (Arabic service)" and no URL (the fixture has none).
//! - **Claim text** is the article's Arabic, copied verbatim and trimmed to
//!   the statement: leading connectives ("في هذه الأثناء،", "في موازاة ذلك،")
//!   and trailing editorial glosses ("في إشارة إلى …") are left out. Claim 12
//!   spans two sentences. The English translations are the project's own.
//! - **Quotes.** Claims 5, 6 and 9 carry the verbatim quoted words; claim 9
//!   quotes two separate fragments, joined by " … ".
//! - **Joe Wilson** is first recorded as the article describes him
//!   ("Republican senator, as described by Agenzia Nova") with no
//!   affiliation; an editor's `correct-source` amendment then makes him a
//!   member of the US House of Representatives, affiliated with it. His X
//!   account is a `social-account` affiliated with him; claim 9's chain is
//!   Nova → (quoted) his posts on X → (published-on) Joe Wilson.
//! - **Haftar affiliates** (تابعون لحفتر) are a source of kind `anonymous`:
//!   the article names no one, so scoring treats them like "several
//!   sources" and Agenzia Nova vouches for them. The hop is `cited`: Nova
//!   relies on the photos they published, not on tips from unnamed people.
//! - **No re-attribution amendment.** Claim 2 mixes the Fawasel Media story
//!   (claim 1) with Nova's own analysis (Belarus), so extending its chain to
//!   Fawasel Media would over-state; the `derived-from` relation records the
//!   shared origin instead.
//! - **Claim 11's verdict** is `mostly-true`, not `true`: Wilson did
//!   introduce the Libya Stabilization Act with Ted Deutch, but the House
//!   passed it in November 2020 and September 2021, not in autumn 2023.
//!
//! # Determinism
//!
//! Keys are derived from fixed labels ([`key`]) and entry `i` (in build order,
//! the genesis being 0) is dated [`START`] plus `i` × [`STEP_SECS`] seconds,
//! so two builds anywhere give byte-identical ledgers. Building again into
//! the same directory appends nothing: the ledger returns the existing entry
//! for the same content by the same signer.

use std::collections::BTreeMap;
use std::path::Path;

use serde::Deserialize;
use sha2::{Digest, Sha256};

use crate::canon::nfc;
use crate::error::Error;
use crate::ids::{EntryHash, Seq, SourceId};
use crate::keys::KeyPair;
use crate::record::{
    AmendmentBody, Appearance, Change, ClaimBody, ClaimRelation, Hop, KeyBody, PriorBody, Rating,
    Record, RelationBody, Role, SourceBody, Translation, VerdictBody,
};
use crate::store::Ledger;
use crate::time::Timestamp;

/// The fixture, compiled in.
const FIXTURE: &str = include_str!("demo/fixture.json");

/// Prefix of the text hashed into each demo key's seed: the seed of key
/// `name` is SHA-256(`KEY_SEED_LABEL` ‖ `name`).
pub const KEY_SEED_LABEL: &str = "isnad demo key v1: ";
/// Name of the demo's founding admin key.
pub const ADMIN_KEY: &str = "demo-admin";
/// Name of the fictional desk's editor key.
pub const EDITOR_KEY: &str = "demo-desk-editor";
/// Name of the fictional desk's fact-checker key.
pub const CHECKER_KEY: &str = "demo-desk-checker";
/// The `holder` of the editor key.
pub const EDITOR_HOLDER: &str = "Demo Desk editor (fictional)";
/// The `holder` of the fact-checker key: the fictional desk.
pub const CHECKER_HOLDER: &str = "Demo Verification Desk (fictional)";
/// The demo log's origin, which is also its log key's name.
pub const ORIGIN: &str = "demo.isnad.example/agenzia-nova-2025";
/// Time of the genesis entry.
pub const START: &str = "2025-02-18T08:00:00Z";
/// Seconds between consecutive demo entries.
pub const STEP_SECS: i64 = 60;
/// How every demo verdict's rationale starts.
pub const ILLUSTRATIVE_VERDICT: &str = "Illustrative demo verdict (fictional desk):";

/// A built demo ledger and the (fictional, deterministic) keys that signed it.
pub struct DemoLedger {
    /// The open ledger.
    pub ledger: Ledger,
    /// The demo's keys: admin first, then the desk's editor and fact-checker.
    pub keys: Vec<KeyPair>,
    /// The claims' entry ids in the article's numbering: `claims[0]` is
    /// claim 1 of `seed/ATTRIBUTIONS.md`.
    pub claims: Vec<EntryHash>,
    /// The sources' ids with their `source` entry ids, in the order recorded.
    pub sources: Vec<(SourceId, EntryHash)>,
    /// The verdicts' entry ids, in the order recorded.
    pub verdicts: Vec<EntryHash>,
    /// How many entries this call appended: all of them for a new ledger,
    /// 0 when `dir` already held the complete demo.
    pub added: u64,
    /// The log key (named [`ORIGIN`]), derived like the other demo keys.
    pub log: KeyPair,
    /// The log's checkpoint of the whole demo ledger.
    pub checkpoint: crate::checkpoint::SignedCheckpoint,
}

/// The demo key called `name`, derived from SHA-256(`KEY_SEED_LABEL` ‖ `name`).
///
/// # Errors
/// [`Error::Key`] if `name` is not a valid key name.
pub fn key(name: &str) -> Result<KeyPair, Error> {
    let mut h = Sha256::new();
    h.update(KEY_SEED_LABEL.as_bytes());
    h.update(name.as_bytes());
    let seed: [u8; 32] = h.finalize().into();
    KeyPair::from_seed(name, &seed)
}

/// The demo's three keys: admin, editor, fact-checker.
///
/// # Errors
/// Never in practice: the names are valid (see the tests).
pub fn keys() -> Result<Vec<KeyPair>, Error> {
    [ADMIN_KEY, EDITOR_KEY, CHECKER_KEY]
        .into_iter()
        .map(key)
        .collect()
}

/// The article the demo is built from, exactly as in the project's seed
/// (UTF-8, NFC, lines joined with `\n`).
///
/// # Errors
/// Only if the compiled-in fixture is malformed, which the tests rule out.
pub fn article() -> Result<String, Error> {
    Ok(Fixture::load()?.article.lines.join("\n"))
}

/// Builds the demo ledger in `dir`.
///
/// A missing or empty `dir` gets a new ledger whose genesis enrols the demo
/// admin. A `dir` that already holds the demo ledger (complete or partly
/// built) is opened and every record appended again: the ones already there
/// are returned as they are, so re-running is idempotent and gives the same
/// head. The claims appeared on 2025-02-18, the day after Tripoli's
/// anniversary celebrations (see the module docs).
///
/// # Errors
/// [`Error::AlreadyExists`] when `dir` holds some other ledger (its first
/// entry is not the demo admin's genesis); [`Error::NotALedger`] when it holds
/// other files; [`Error::InUse`] and storage errors.
pub fn build(dir: &Path) -> Result<DemoLedger, Error> {
    let fixture = Fixture::load()?;
    let keys = keys()?;
    let [admin, editor, checker] = keys.as_slice() else {
        return Err(Error::Key {
            reason: "the demo needs exactly three keys".into(),
        });
    };
    let start = Timestamp::parse(START)?.unix();
    let at = |step: i64| Timestamp::from_unix(start + step * STEP_SECS);

    let non_empty = dir.is_dir()
        && std::fs::read_dir(dir)
            .map_err(|e| Error::Io {
                path: dir.display().to_string(),
                error: e,
            })?
            .next()
            .is_some();
    let (ledger, added) = if non_empty {
        let ledger = Ledger::open(dir)?;
        let genesis = genesis(admin);
        match ledger.entry(Seq(0))? {
            None => {
                ledger.append(admin, genesis, at(0))?;
                (ledger, 1)
            }
            Some(first) if first.signer() == admin.verifier() && *first.record() == genesis => {
                (ledger, 0)
            }
            Some(_) => {
                return Err(Error::AlreadyExists {
                    path: dir.display().to_string(),
                });
            }
        }
    } else {
        (crate::init(dir, admin, at(0))?, 1)
    };

    let log = key(ORIGIN)?;
    ledger.set_log_key(log.verifier())?;

    let mut b = Builder {
        ledger,
        start,
        step: 0,
        added,
    };

    // Keys: the admin enrols the desk.
    for (k, role, holder) in [
        (editor, Role::Editor, EDITOR_HOLDER),
        (checker, Role::FactChecker, CHECKER_HOLDER),
    ] {
        b.put(
            admin,
            Record::Key(KeyBody {
                key: k.verifier().to_string(),
                roles: vec![role],
                holder: Some(holder.to_owned()),
                replaces: None,
                org: None,
            }),
        )?;
    }

    // Sources.
    let mut sources = Vec::with_capacity(fixture.sources.len());
    for s in &fixture.sources {
        let id = b.put(editor, Record::Source(s.clone()))?;
        sources.push((s.id.clone(), id));
    }
    let source_ids: BTreeMap<&SourceId, EntryHash> = sources.iter().map(|(s, h)| (s, *h)).collect();

    // Priors.
    for p in &fixture.priors {
        b.put(editor, Record::Prior(p.clone()))?;
    }

    // Claims.
    let a = &fixture.article;
    let mut claims = Vec::with_capacity(fixture.claims.len());
    for c in &fixture.claims {
        let body = ClaimBody {
            text: c.text.clone(),
            lang: a.lang.clone(),
            quote: c.quote.clone(),
            translations: vec![Translation {
                lang: "en".into(),
                text: c.en.clone(),
            }],
            chain: c.chain.clone(),
            appeared: Appearance {
                date: a.date.clone(),
                url: None,
                venue: Some(a.venue.clone()),
            },
        };
        claims.push(b.put(editor, Record::Claim(body))?);
    }
    let claim = |field: String, n: usize| -> Result<EntryHash, Error> {
        n.checked_sub(1)
            .and_then(|i| claims.get(i))
            .copied()
            .ok_or_else(|| Error::field(field, format!("no claim {n} in the demo fixture")))
    };

    // Relations.
    for (i, r) in fixture.relations.iter().enumerate() {
        let body = RelationBody {
            from: claim(format!("demo.relations[{i}].from"), r.from)?,
            relation: r.relation,
            to: claim(format!("demo.relations[{i}].to"), r.to)?,
            note: r.note.clone(),
        };
        b.put(editor, Record::Relation(body))?;
    }

    // Amendments.
    for (i, m) in fixture.amendments.iter().enumerate() {
        let field = format!("demo.amendments[{i}].target");
        let target = match &m.target {
            Target::Claim(n) => claim(field, *n)?,
            Target::Source(id) => source_ids.get(id).copied().ok_or_else(|| {
                Error::field(field, format!("no source `{id}` in the demo fixture"))
            })?,
        };
        let body = AmendmentBody {
            target,
            change: m.change.clone(),
            reason: m.reason.clone(),
        };
        b.put(editor, Record::Amendment(body))?;
    }

    // Verdicts, by the fictional desk's fact-checker.
    let mut verdicts = Vec::with_capacity(fixture.verdicts.len());
    for (i, v) in fixture.verdicts.iter().enumerate() {
        let body = VerdictBody {
            claim: claim(format!("demo.verdicts[{i}].claim"), v.claim)?,
            rating: v.rating,
            confidence: v.confidence,
            rationale: v.rationale.clone(),
            evidence: v.evidence.clone(),
            supersedes: None,
            review: None,
        };
        verdicts.push(b.put(checker, Record::Verdict(body))?);
    }

    let checkpoint = b.ledger.sign_checkpoint(&log)?;
    Ok(DemoLedger {
        ledger: b.ledger,
        keys,
        claims,
        sources,
        verdicts,
        added: b.added,
        log,
        checkpoint,
    })
}

/// The genesis record: the admin enrolling itself, exactly as [`crate::init`]
/// writes it.
fn genesis(admin: &KeyPair) -> Record {
    Record::Key(KeyBody {
        key: admin.verifier().to_string(),
        roles: vec![Role::Admin],
        holder: None,
        replaces: None,
        org: None,
    })
}

/// Appends records in order, entry `step` dated `start + step × STEP_SECS`.
struct Builder {
    ledger: Ledger,
    /// Unix time of the genesis.
    start: i64,
    /// The step of the last entry appended (the genesis is step 0).
    step: i64,
    /// Entries that were new.
    added: u64,
}

impl Builder {
    fn put(&mut self, key: &KeyPair, record: Record) -> Result<EntryHash, Error> {
        self.step += 1;
        let now = Timestamp::from_unix(self.start + self.step * STEP_SECS);
        let appended = self.ledger.append(key, record, now)?;
        if appended.is_new() {
            self.added += 1;
        }
        Ok(appended.entry().hash())
    }
}

// ---------------------------------------------------------------------------
// The fixture's shape. Claims, relations, amendments and verdicts refer to
// claims by their 1-based number in the article (ATTRIBUTIONS.md) and to
// sources by id; the builder resolves them to entry ids.

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Fixture {
    /// What the file is, for people reading it.
    #[serde(rename = "about")]
    _about: String,
    article: Article,
    sources: Vec<SourceBody>,
    priors: Vec<PriorBody>,
    claims: Vec<ClaimFixture>,
    relations: Vec<RelationFixture>,
    amendments: Vec<AmendmentFixture>,
    verdicts: Vec<VerdictFixture>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Article {
    /// SHA-256 (hex) of the article's UTF-8 bytes, `lines` joined with `\n`.
    #[cfg_attr(not(test), allow(dead_code))]
    sha256: String,
    /// Publication date, `YYYY-MM-DD`.
    date: String,
    /// Where it appeared.
    venue: String,
    /// Its language (BCP-47).
    lang: String,
    /// Its text, line by line.
    lines: Vec<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ClaimFixture {
    /// The claim's number, 1-based, in fixture order.
    n: usize,
    /// The Arabic statement, verbatim from the article.
    text: String,
    /// The verbatim quoted words, if any.
    #[serde(default)]
    quote: Option<String>,
    /// The project's English translation.
    en: String,
    /// Publisher first.
    chain: Vec<Hop>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RelationFixture {
    from: usize,
    relation: ClaimRelation,
    to: usize,
    #[serde(default)]
    note: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
enum Target {
    /// A claim, by number.
    Claim(usize),
    /// A source, by id.
    Source(SourceId),
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct AmendmentFixture {
    target: Target,
    change: Change,
    reason: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct VerdictFixture {
    claim: usize,
    rating: Rating,
    confidence: u8,
    rationale: String,
    #[serde(default)]
    evidence: Vec<String>,
}

impl Fixture {
    /// Parses the compiled-in fixture and puts every text in NFC.
    fn load() -> Result<Fixture, Error> {
        let mut f: Fixture = serde_json::from_str(FIXTURE).map_err(|e| Error::Json {
            what: "demo fixture",
            reason: crate::error::one_line(&e.to_string()),
        })?;
        f.normalise();
        for (i, c) in f.claims.iter().enumerate() {
            if c.n != i + 1 {
                return Err(Error::field(
                    format!("demo.claims[{i}].n"),
                    format!("is {}; claims must be numbered 1, 2, … in order", c.n),
                ));
            }
        }
        Ok(f)
    }

    /// Unicode NFC on every text the demo signs.
    fn normalise(&mut self) {
        let a = &mut self.article;
        for s in [&mut a.date, &mut a.venue, &mut a.lang] {
            nfc_mut(s);
        }
        a.lines.iter_mut().for_each(nfc_mut);
        self.sources.iter_mut().for_each(nfc_source);
        for p in &mut self.priors {
            nfc_mut(&mut p.reason);
        }
        for c in &mut self.claims {
            nfc_mut(&mut c.text);
            nfc_opt(&mut c.quote);
            nfc_mut(&mut c.en);
        }
        for r in &mut self.relations {
            nfc_opt(&mut r.note);
        }
        for m in &mut self.amendments {
            nfc_mut(&mut m.reason);
            match &mut m.change {
                Change::CorrectSource { source } => nfc_source(source),
                Change::CorrectClaim { claim } => nfc_claim(claim),
                Change::Retract | Change::Reattribute { .. } => {}
            }
        }
        for v in &mut self.verdicts {
            nfc_mut(&mut v.rationale);
            v.evidence.iter_mut().for_each(nfc_mut);
        }
    }
}

fn nfc_mut(s: &mut String) {
    *s = nfc(s);
}

fn nfc_opt(s: &mut Option<String>) {
    if let Some(s) = s {
        nfc_mut(s);
    }
}

fn nfc_source(s: &mut SourceBody) {
    nfc_mut(&mut s.name);
    nfc_opt(&mut s.url);
    nfc_opt(&mut s.language);
    nfc_opt(&mut s.description);
}

fn nfc_claim(c: &mut ClaimBody) {
    nfc_mut(&mut c.text);
    nfc_mut(&mut c.lang);
    nfc_opt(&mut c.quote);
    for t in &mut c.translations {
        nfc_mut(&mut t.lang);
        nfc_mut(&mut t.text);
    }
    nfc_mut(&mut c.appeared.date);
    nfc_opt(&mut c.appeared.url);
    nfc_opt(&mut c.appeared.venue);
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]

    use super::*;
    use crate::attribution::SourceView;

    // The store's fast read gives exactly the entry the strict parse gives,
    // for every kind of record in the demo (its claims hold Arabic text,
    // translations and multi-hop chains).
    #[test]
    fn parse_stored_agrees_with_parse() {
        let dir = tempfile::tempdir().unwrap();
        let demo = build(dir.path()).unwrap();
        let mut p = crate::entry::Parser::new();
        let mut kinds = std::collections::BTreeSet::new();
        for e in demo.ledger.iter() {
            let e = e.unwrap();
            let strict = crate::Entry::parse(e.leaf_bytes()).unwrap();
            let fast = p.parse_stored(e.leaf_bytes()).unwrap();
            assert_eq!(fast.hash(), strict.hash());
            assert_eq!(fast.record(), strict.record());
            assert_eq!(fast.signer(), strict.signer());
            assert_eq!(
                (fast.seq(), fast.prev(), fast.time()),
                (strict.seq(), strict.prev(), strict.time())
            );
            assert_eq!(fast.signature(), strict.signature());
            kinds.insert(e.kind().as_str());
        }
        assert_eq!(kinds.len(), 7, "{kinds:?}");
        // Bytes that are not an entry are still refused.
        assert!(p.parse_stored(b"{}").is_err());
        assert!(p.parse_stored(b"not json").is_err());
    }

    // The signing input and content key the format slices from a leaf are
    // exactly the ones serialised from its parts, for every demo entry (all
    // seven kinds, Arabic text, chains, amendments).
    #[test]
    fn sliced_signing_input_and_content_key_match_the_demo() {
        let dir = tempfile::tempdir().unwrap();
        let demo = build(dir.path()).unwrap();
        for e in demo.ledger.iter() {
            let e = crate::Entry::parse(e.unwrap().leaf_bytes()).unwrap();
            assert_eq!(
                e.signing_input().unwrap(),
                crate::Draft::new(
                    e.seq(),
                    e.prev(),
                    e.time(),
                    e.signer().clone(),
                    e.record().clone()
                )
                .signing_input()
                .unwrap()
            );
            assert_eq!(
                e.content_key().unwrap(),
                crate::entry::content_key(e.signer(), e.record()).unwrap()
            );
        }
    }
    use crate::canon::is_nfc;
    use crate::record::{HopRelation, Kind, SourceKind};

    fn export(ledger: &Ledger) -> Vec<u8> {
        let mut out = Vec::new();
        ledger.export_jsonl(&mut out).unwrap();
        out
    }

    fn counts(ledger: &Ledger) -> BTreeMap<Kind, usize> {
        let mut m = BTreeMap::new();
        for e in ledger.iter() {
            *m.entry(e.unwrap().kind()).or_insert(0) += 1;
        }
        m
    }

    #[test]
    fn builds_a_valid_ledger_with_every_kind() {
        let tmp = tempfile::tempdir().unwrap();
        let demo = build(&tmp.path().join("demo")).unwrap();
        let report = demo.ledger.verify(&mut |_| {}).unwrap();
        assert_eq!(report.entries, 35);
        assert_eq!(demo.added, 35);
        let expected: BTreeMap<Kind, usize> = [
            (Kind::Key, 3),
            (Kind::Source, 13),
            (Kind::Prior, 2),
            (Kind::Claim, 12),
            (Kind::Relation, 1),
            (Kind::Amendment, 1),
            (Kind::Verdict, 3),
        ]
        .into_iter()
        .collect();
        assert_eq!(counts(&demo.ledger), expected);
        assert_eq!(demo.claims.len(), 12);
        assert_eq!(demo.sources.len(), 13);
        assert_eq!(demo.verdicts.len(), 3);
        assert_eq!(demo.keys.len(), 3);

        // Entry i is dated START + i steps.
        let start = Timestamp::parse(START).unwrap().unix();
        for (i, e) in demo.ledger.iter().enumerate() {
            let e = e.unwrap();
            assert_eq!(e.time().unix(), start + i as i64 * STEP_SECS, "entry {i}");
        }
        // The export verifies with no database too.
        let bytes = export(&demo.ledger);
        let r = crate::jsonl::verify_jsonl(&mut bytes.as_slice(), &mut |_| {}).unwrap();
        assert_eq!(r.entries, 35);
    }

    #[test]
    fn building_again_is_idempotent() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().join("demo");
        let first = build(&dir).unwrap();
        let head = first.ledger.head().unwrap().unwrap();
        let bytes = export(&first.ledger);
        let claims = first.claims.clone();
        drop(first);
        let second = build(&dir).unwrap();
        assert_eq!(second.added, 0);
        assert_eq!(second.ledger.head().unwrap().unwrap(), head);
        assert_eq!(second.claims, claims);
        assert_eq!(export(&second.ledger), bytes);
    }

    #[test]
    fn two_builds_are_byte_identical() {
        let a = tempfile::tempdir().unwrap();
        let b = tempfile::tempdir().unwrap();
        // One into an existing empty directory, one into a new one.
        let la = build(a.path()).unwrap();
        let lb = build(&b.path().join("x/y")).unwrap();
        assert_eq!(export(&la.ledger), export(&lb.ledger));
        assert_eq!(la.claims, lb.claims);
    }

    #[test]
    fn a_partial_demo_is_completed_identically() {
        let full = tempfile::tempdir().unwrap();
        let full = build(full.path()).unwrap();
        let tmp = tempfile::tempdir().unwrap();
        // Only the genesis, as `isnad init` with the demo admin would write it.
        let admin = key(ADMIN_KEY).unwrap();
        drop(crate::init(tmp.path(), &admin, Timestamp::parse(START).unwrap()).unwrap());
        let done = build(tmp.path()).unwrap();
        assert_eq!(done.added, 34);
        assert_eq!(export(&done.ledger), export(&full.ledger));
    }

    #[test]
    fn another_ledger_is_refused() {
        let tmp = tempfile::tempdir().unwrap();
        let other = KeyPair::from_seed("someone-else", &[7; 32]).unwrap();
        let now = Timestamp::parse(START).unwrap();
        drop(crate::init(tmp.path(), &other, now).unwrap());
        let err = build(tmp.path()).err().unwrap();
        assert!(matches!(err, Error::AlreadyExists { .. }), "{err}");

        let junk = tempfile::tempdir().unwrap();
        std::fs::write(junk.path().join("notes.txt"), "hello").unwrap();
        let err = build(junk.path()).err().unwrap();
        assert!(matches!(err, Error::NotALedger { .. }), "{err}");
    }

    #[test]
    fn keys_are_fixed_and_named() {
        let ks = keys().unwrap();
        let names: Vec<&str> = ks.iter().map(KeyPair::name).collect();
        assert_eq!(names, [ADMIN_KEY, EDITOR_KEY, CHECKER_KEY]);
        let again = keys().unwrap();
        for (a, b) in ks.iter().zip(&again) {
            assert_eq!(a.verifier(), b.verifier());
        }
        // The seed is SHA-256 of the label.
        let seed: [u8; 32] = Sha256::digest(b"isnad demo key v1: demo-admin").into();
        let admin = KeyPair::from_seed("demo-admin", &seed).unwrap();
        assert_eq!(admin.verifier(), ks[0].verifier());
    }

    #[test]
    fn article_is_the_seed_and_claims_quote_it_verbatim() {
        let f = Fixture::load().unwrap();
        let text = article().unwrap();
        assert!(is_nfc(&text));
        let digest = hex::encode(Sha256::digest(text.as_bytes()));
        assert_eq!(digest, f.article.sha256);
        // The seed file's hash, pinned here so editing both is noticed.
        assert_eq!(
            digest,
            "064efa382f9e0f69d673dcde4a9c0143312bc4b68db6e801ecb4cb7fd170af4e"
        );
        assert_eq!(f.claims.len(), 12);
        for c in &f.claims {
            assert!(is_nfc(&c.text) && is_nfc(&c.en), "claim {}", c.n);
            assert_eq!(c.text, c.text.trim(), "claim {}", c.n);
            assert!(text.contains(&c.text), "claim {} is not verbatim", c.n);
            if let Some(q) = &c.quote {
                assert!(is_nfc(q));
                for part in q.split(" … ") {
                    assert!(c.text.contains(part), "claim {} quote `{part}`", c.n);
                }
            }
        }
        let quoted: Vec<usize> = f
            .claims
            .iter()
            .filter(|c| c.quote.is_some())
            .map(|c| c.n)
            .collect();
        assert_eq!(quoted, [5, 6, 9]);
    }

    #[test]
    fn records_are_as_the_attributions_say() {
        let tmp = tempfile::tempdir().unwrap();
        let demo = build(tmp.path()).unwrap();
        let l = &demo.ledger;
        let checker = key(CHECKER_KEY).unwrap();
        let editor = key(EDITOR_KEY).unwrap();
        let mut chains = Vec::new();
        for e in l.iter() {
            let e = e.unwrap();
            match e.record() {
                Record::Claim(c) => {
                    assert_eq!(e.signer(), editor.verifier());
                    assert!(is_nfc(&c.text));
                    assert_eq!(c.lang, "ar");
                    assert_eq!(c.appeared.date, "2025-02-18");
                    assert_eq!(
                        c.appeared.venue.as_deref(),
                        Some("Agenzia Nova (Arabic service)")
                    );
                    assert_eq!(c.translations.len(), 1);
                    assert_eq!(c.translations[0].lang, "en");
                    assert_eq!(c.chain[0].source.as_str(), "agenzia-nova");
                    chains.push(
                        c.chain
                            .iter()
                            .map(|h| (h.source.as_str().to_owned(), h.relation))
                            .collect::<Vec<_>>(),
                    );
                }
                Record::Verdict(v) => {
                    assert_eq!(e.signer(), checker.verifier());
                    assert!(v.rationale.starts_with(ILLUSTRATIVE_VERDICT));
                }
                Record::Key(k) if k.key == checker.verifier().to_string() => {
                    assert_eq!(k.holder.as_deref(), Some(CHECKER_HOLDER));
                    assert_eq!(k.roles, [Role::FactChecker]);
                }
                Record::Prior(p) => assert!(p.reason.starts_with("Illustrative")),
                _ => {}
            }
        }
        use HopRelation::*;
        let n = |v: &[(&str, HopRelation)]| -> Vec<(String, HopRelation)> {
            v.iter().map(|(s, r)| ((*s).to_owned(), *r)).collect()
        };
        let nova = ("agenzia-nova", Reported);
        let hc = ("jalel-harchaoui", Quoted);
        assert_eq!(
            chains,
            [
                n(&[nova, ("fawasel-media", Cited)]),
                n(&[nova]),
                n(&[nova, hc]),
                n(&[nova, hc]),
                n(&[nova, hc]),
                n(&[nova, ("alexander-lukashenko", Quoted)]),
                n(&[nova]),
                n(&[nova]),
                n(&[nova, ("joe-wilson-x", Quoted), ("joe-wilson", PublishedOn)]),
                n(&[nova, ("several-sources", Anonymous)]),
                n(&[nova]),
                n(&[nova, ("haftar-affiliates", Cited)]),
            ]
        );

        // Claim 2 derives from claim 1.
        let rel = l.referrers(&demo.claims[1]).unwrap();
        assert!(rel.iter().any(|e| matches!(e.record(),
            Record::Relation(r) if r.from == demo.claims[1]
                && r.to == demo.claims[0]
                && r.relation == ClaimRelation::DerivedFrom)));

        // Joe Wilson: a senator as first recorded, a House member as amended.
        let id: SourceId = "joe-wilson".parse().unwrap();
        let v = SourceView::load(l, &id).unwrap().unwrap();
        let Record::Source(orig) = v.entry.record() else {
            panic!("not a source")
        };
        assert!(orig.description.as_deref().unwrap().contains("senator"));
        assert!(orig.affiliations.is_empty());
        assert_eq!(v.amendments.len(), 1);
        assert_eq!(v.current.kind, SourceKind::Person);
        assert_eq!(
            v.current.affiliations,
            ["us-house-of-representatives".parse::<SourceId>().unwrap()]
        );
        assert!(v.current.description.as_deref().unwrap().contains("House"));
    }
}
