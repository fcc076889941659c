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
/// fact-checkers enrolled (and, with [`Book::with_extra_keys`], a third
/// fact-checker [`CHECKER3`] and a [`DESK`] key that is both fact-checker
/// and editor); entries are dated `time`, which tests move on.
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

// Names and seeds of the keys a book knows: [`known`] makes each again, for
// a caller that needs a key while the book is borrowed.
/// The genesis admin.
pub const ADMIN: (&str, u8) = ("admin", 1);
/// The editor.
pub const EDITOR: (&str, u8) = ("editor", 2);
/// The first fact-checker, its own checker.
pub const CHECKER: (&str, u8) = ("checker", 3);
/// The second fact-checker, another checker.
pub const CHECKER2: (&str, u8) = ("checker-two", 4);
/// A third fact-checker ([`Book::with_extra_keys`]).
pub const CHECKER3: (&str, u8) = ("checker-three", 5);
/// A key with both the fact-checker and editor roles
/// ([`Book::with_extra_keys`]).
pub const DESK: (&str, u8) = ("desk", 6);

/// The key of `name` and `seed` (the seed byte repeated).
pub fn key(name: &str, seed: u8) -> KeyPair {
    KeyPair::from_seed(name, &[seed; 32]).unwrap()
}

/// [`key`] of one of the constants above.
pub fn known(k: (&str, u8)) -> KeyPair {
    key(k.0, k.1)
}

impl Book {
    fn with(backend: Backend) -> Book {
        let mut b = Book {
            backend,
            entries: Vec::new(),
            time: Timestamp::from_unix(T0),
            admin: known(ADMIN),
            editor: known(EDITOR),
            checker: known(CHECKER),
            checker2: known(CHECKER2),
            n: 0,
        };
        let genesis = Record::Key(KeyBody {
            key: b.admin.verifier().to_string(),
            roles: vec![Role::Admin],
            holder: None,
            replaces: None,
            org: None,
        });
        let admin = known(ADMIN);
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

    /// In memory, as [`Book::new`], then [`CHECKER3`] (fact-checker) and
    /// [`DESK`] (fact-checker and editor) enrolled by the admin. The first
    /// entries are those of [`Book::new`], so its positions hold.
    pub fn with_extra_keys() -> Book {
        let mut b = Book::new();
        let (c3, desk) = (known(CHECKER3), known(DESK));
        b.enrol(&c3, &[Role::FactChecker]);
        b.enrol(&desk, &[Role::Editor, Role::FactChecker]);
        b
    }

    /// Enrols `key` with `roles` (sorted here, as the format wants),
    /// signed by the admin.
    pub fn enrol(&mut self, key: &KeyPair, roles: &[Role]) -> EntryHash {
        let mut roles = roles.to_vec();
        roles.sort();
        roles.dedup();
        let admin = known(ADMIN);
        self.put(
            &admin,
            Record::Key(KeyBody {
                key: key.verifier().to_string(),
                roles,
                holder: None,
                replaces: None,
                org: None,
            }),
        )
    }

    /// `old` hands over to `new` with `roles` (a rotation, signed by `old`):
    /// `new` speaks for the same checker, and `old` signs nothing more.
    pub fn rotate(&mut self, old: &KeyPair, new: &KeyPair, roles: &[Role]) -> EntryHash {
        let mut roles = roles.to_vec();
        roles.sort();
        roles.dedup();
        self.put(
            old,
            Record::Key(KeyBody {
                key: new.verifier().to_string(),
                roles,
                holder: None,
                replaces: Some(old.verifier().to_string()),
                org: None,
            }),
        )
    }

    /// Revokes `key` as compromised from `since` (this entry's time when
    /// `None`), signed by `signer` (an admin, or the key itself).
    pub fn revoke_compromised(
        &mut self,
        signer: &KeyPair,
        key: &KeyPair,
        since: Option<Timestamp>,
    ) -> EntryHash {
        self.put(
            signer,
            Record::Revocation(RevocationBody {
                key: key.verifier().to_string(),
                reason: RevocationReason::Compromised,
                since: since.map(|t| t.to_string()),
            }),
        )
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
        self.source_as(&known(EDITOR), slug, kind)
    }

    /// A source described by `signer` (an editor or a fact-checker).
    pub fn source_as(&mut self, signer: &KeyPair, slug: &str, kind: SourceKind) -> EntryHash {
        self.put(
            signer,
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
        self.claim_as(&known(EDITOR), text, slugs)
    }

    /// A claim recorded by `signer` (an editor or a fact-checker).
    pub fn claim_as(&mut self, signer: &KeyPair, text: &str, slugs: &[&str]) -> EntryHash {
        self.put(signer, Record::Claim(Book::claim_body(text, slugs)))
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
                review: None,
            }),
        )
    }

    pub fn verdict(&mut self, claim: EntryHash, rating: Rating, confidence: u8) -> EntryHash {
        let checker = known(CHECKER);
        self.verdict_by(&checker, claim, rating, confidence, None)
    }

    pub fn relation(&mut self, from: EntryHash, relation: ClaimRelation, to: EntryHash) {
        self.relation_as(&known(EDITOR), from, relation, to);
    }

    /// A relation stated by `signer` (an editor or a fact-checker).
    pub fn relation_as(
        &mut self,
        signer: &KeyPair,
        from: EntryHash,
        relation: ClaimRelation,
        to: EntryHash,
    ) -> EntryHash {
        self.put(
            signer,
            Record::Relation(RelationBody {
                from,
                relation,
                to,
                note: None,
            }),
        )
    }

    pub fn amend(&mut self, target: EntryHash, change: Change) -> EntryHash {
        self.amend_as(&known(EDITOR), target, change)
    }

    /// An amendment signed by `signer` (an editor).
    pub fn amend_as(&mut self, signer: &KeyPair, target: EntryHash, change: Change) -> EntryHash {
        let n = self.serial();
        self.put(
            signer,
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

    /// A retraction signed by `signer` (an editor).
    pub fn retract_as(&mut self, signer: &KeyPair, target: EntryHash) -> EntryHash {
        self.amend_as(signer, target, Change::Retract)
    }

    pub fn prior(&mut self, slug: &str, grade: Grade) -> EntryHash {
        self.prior_as(&known(EDITOR), slug, grade)
    }

    /// A prior set by `signer` (an editor).
    pub fn prior_as(&mut self, signer: &KeyPair, slug: &str, grade: Grade) -> EntryHash {
        let n = self.serial();
        self.put(
            signer,
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
