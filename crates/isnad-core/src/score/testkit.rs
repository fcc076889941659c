//! Test helpers: small ledgers written record by record, in memory (fast,
//! for property tests) or in a real sled store.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::entry::{Draft, Entry};
use crate::ids::{EntryHash, SourceId};
use crate::keys::KeyPair;
use crate::record::*;
use crate::rules::{self, MemoryView, Position};
use crate::store::Ledger;
use crate::time::Timestamp;

use super::{AsOf, Params, Scores, replay};

/// 2025-02-18T08:00:00Z, the demo's start.
pub const T0: i64 = 1_739_865_600;

enum Backend {
    Memory {
        view: MemoryView,
        at: Position,
    },
    Disk {
        ledger: Ledger,
        _dir: tempfile::TempDir,
    },
}

/// A ledger under construction with an admin, an editor and two
/// fact-checkers enrolled; entries are dated `time`, which tests move on.
pub struct Book {
    backend: Backend,
    pub entries: Vec<Entry>,
    pub time: Timestamp,
    pub admin: KeyPair,
    pub editor: KeyPair,
    pub checker: KeyPair,
    pub checker2: KeyPair,
    n: u64,
}

fn key(name: &str, seed: u8) -> KeyPair {
    KeyPair::from_seed(name, &[seed; 32]).unwrap()
}

impl Book {
    fn with(backend: Backend) -> Book {
        let mut b = Book {
            backend,
            entries: Vec::new(),
            time: Timestamp::from_unix(T0),
            admin: key("admin", 1),
            editor: key("editor", 2),
            checker: key("checker", 3),
            checker2: key("checker-two", 4),
            n: 0,
        };
        let genesis = Record::Key(KeyBody {
            key: b.admin.verifier().to_string(),
            roles: vec![Role::Admin],
            holder: None,
            replaces: None,
            org: None,
        });
        let admin = key("admin", 1);
        b.put(&admin, genesis);
        for (k, role) in [
            (b.editor.verifier().to_string(), Role::Editor),
            (b.checker.verifier().to_string(), Role::FactChecker),
            (b.checker2.verifier().to_string(), Role::FactChecker),
        ] {
            b.put(
                &admin,
                Record::Key(KeyBody {
                    key: k,
                    roles: vec![role],
                    holder: None,
                    replaces: None,
                    org: None,
                }),
            );
        }
        b
    }

    /// In memory: entries signed and checked with the ledger's rules.
    pub fn new() -> Book {
        Book::with(Backend::Memory {
            view: MemoryView::new(),
            at: Position::GENESIS,
        })
    }

    /// In a sled ledger in a temporary directory, through `Ledger::append`.
    pub fn on_disk() -> Book {
        let dir = tempfile::tempdir().unwrap();
        let ledger = Ledger::create(dir.path()).unwrap();
        Book::with(Backend::Disk { ledger, _dir: dir })
    }

    pub fn ledger(&self) -> Option<&Ledger> {
        match &self.backend {
            Backend::Disk { ledger, .. } => Some(ledger),
            Backend::Memory { .. } => None,
        }
    }

    /// Appends `record` signed by `key`; returns the entry id.
    pub fn put(&mut self, key: &KeyPair, record: Record) -> EntryHash {
        let entry = match &mut self.backend {
            Backend::Memory { view, at } => {
                let e = Draft::new(at.seq, at.prev, self.time, key.verifier().clone(), record)
                    .sign(key)
                    .unwrap();
                let v = rules::check(e, *at, view).unwrap();
                view.add(&v);
                *at = Position::after(&v);
                v.into_entry()
            }
            Backend::Disk { ledger, .. } => {
                let a = ledger.append(key, record, self.time).unwrap();
                assert!(a.is_new(), "a test appended the same content twice");
                a.entry().entry().clone()
            }
        };
        self.entries.push(entry.clone());
        entry.hash()
    }

    /// Moves the clock on by `days`.
    pub fn days(&mut self, days: i64) {
        self.time = Timestamp::from_unix(self.time.unix() + days * 86_400);
    }

    fn serial(&mut self) -> u64 {
        self.n += 1;
        self.n
    }

    pub fn source(&mut self, slug: &str, kind: SourceKind) -> EntryHash {
        let editor = key("editor", 2);
        self.put(
            &editor,
            Record::Source(SourceBody {
                id: slug.parse().unwrap(),
                name: slug.to_owned(),
                kind,
                url: None,
                language: None,
                affiliations: vec![],
                description: None,
            }),
        )
    }

    pub fn outlet(&mut self, slug: &str) -> EntryHash {
        self.source(slug, SourceKind::Outlet)
    }

    /// A chain: publisher `reported`, then each hop `cited`.
    pub fn chain(slugs: &[&str]) -> Vec<Hop> {
        slugs
            .iter()
            .enumerate()
            .map(|(i, s)| Hop {
                source: s.parse().unwrap(),
                relation: if i == 0 {
                    HopRelation::Reported
                } else {
                    HopRelation::Cited
                },
            })
            .collect()
    }

    pub fn claim_body(text: &str, slugs: &[&str]) -> ClaimBody {
        ClaimBody {
            text: text.to_owned(),
            lang: "en".into(),
            quote: None,
            translations: vec![],
            chain: Book::chain(slugs),
            appeared: Appearance {
                // The statement is made at T0: evidence ages from here.
                date: "2025-02-18T08:00:00Z".into(),
                url: None,
                venue: None,
            },
        }
    }

    pub fn claim(&mut self, text: &str, slugs: &[&str]) -> EntryHash {
        let editor = key("editor", 2);
        self.put(&editor, Record::Claim(Book::claim_body(text, slugs)))
    }

    pub fn verdict_by(
        &mut self,
        checker: &KeyPair,
        claim: EntryHash,
        rating: Rating,
        confidence: u8,
        supersedes: Option<EntryHash>,
    ) -> EntryHash {
        let n = self.serial();
        self.put(
            checker,
            Record::Verdict(VerdictBody {
                claim,
                rating,
                confidence,
                rationale: format!("checked ({n})"),
                evidence: vec![],
                supersedes,
            }),
        )
    }

    pub fn verdict(&mut self, claim: EntryHash, rating: Rating, confidence: u8) -> EntryHash {
        let checker = key("checker", 3);
        self.verdict_by(&checker, claim, rating, confidence, None)
    }

    pub fn relation(&mut self, from: EntryHash, relation: ClaimRelation, to: EntryHash) {
        let editor = key("editor", 2);
        self.put(
            &editor,
            Record::Relation(RelationBody {
                from,
                relation,
                to,
                note: None,
            }),
        );
    }

    pub fn amend(&mut self, target: EntryHash, change: Change) -> EntryHash {
        let editor = key("editor", 2);
        let n = self.serial();
        self.put(
            &editor,
            Record::Amendment(AmendmentBody {
                target,
                change,
                reason: format!("amended ({n})"),
            }),
        )
    }

    pub fn retract(&mut self, target: EntryHash) -> EntryHash {
        self.amend(target, Change::Retract)
    }

    pub fn prior(&mut self, slug: &str, grade: Grade) -> EntryHash {
        let editor = key("editor", 2);
        let n = self.serial();
        self.put(
            &editor,
            Record::Prior(PriorBody {
                source: slug.parse().unwrap(),
                grade,
                reason: format!("prior ({n})"),
            }),
        )
    }

    pub fn scores_at(&self, as_of: AsOf) -> Scores {
        replay(&self.entries, as_of, &Params::default()).unwrap()
    }

    pub fn scores(&self) -> Scores {
        self.scores_at(AsOf::Head)
    }

    /// The export: every entry's leaf bytes and a newline.
    pub fn export(&self) -> Vec<u8> {
        let mut out = Vec::new();
        for e in &self.entries {
            out.extend_from_slice(e.leaf_bytes());
            out.push(b'\n');
        }
        out
    }
}

pub fn sid(s: &str) -> SourceId {
    s.parse().unwrap()
}
