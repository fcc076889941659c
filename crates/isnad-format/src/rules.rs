//! The ledger's rules: what makes an entry acceptable at its position.
//!
//! [`check`] is the one place where an [`Entry`] becomes a [`VerifiedEntry`].
//! It is a pure function of the entry and a [`View`] of what came before it,
//! so the same code checks an append to the sled store, an import, and an
//! export file verified with no database at all.

use std::collections::HashMap;

use crate::entry::Entry;
use crate::error::Error;
use crate::ids::{EntryHash, Seq, SourceId};
use crate::record::{Change, Kind, Record, Role};
use crate::signatures::SignatureCheck;

/// What the rules need to know about an earlier entry that others refer to.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EntryFacts {
    /// Its position.
    pub seq: Seq,
    /// Its kind.
    pub kind: Kind,
    /// Its signer's verifier key string.
    pub signer: String,
    /// For a verdict, the claim it rates; for a source, nothing.
    pub claim: Option<EntryHash>,
    /// For a source, its id.
    pub source: Option<SourceId>,
}

impl EntryFacts {
    /// The facts of `entry`.
    pub fn of(entry: &Entry) -> Self {
        let (claim, source) = match entry.record() {
            Record::Verdict(v) => (Some(v.claim), None),
            Record::Source(s) => (None, Some(s.id.clone())),
            _ => (None, None),
        };
        EntryFacts {
            seq: entry.seq(),
            kind: entry.kind(),
            signer: entry.signer().to_string(),
            claim,
            source,
        }
    }
}

/// An enrolled key.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct KeyFacts {
    /// The entry that enrolled it.
    pub seq: Seq,
    /// Its roles.
    pub roles: Vec<Role>,
}

/// Read access to the ledger as far as the rules need it. Implementations may
/// know about entries *after* the one being checked (a store being
/// re-verified); [`check`] ignores anything at or after the entry's position.
pub trait View {
    /// Facts about the entry with this id.
    ///
    /// # Errors
    /// Storage errors only.
    fn facts(&self, id: &EntryHash) -> Result<Option<EntryFacts>, Error>;
    /// The enrolment of this key.
    ///
    /// # Errors
    /// Storage errors only.
    fn key(&self, key: &str) -> Result<Option<KeyFacts>, Error>;
    /// The entry that defined this source.
    ///
    /// # Errors
    /// Storage errors only.
    fn source(&self, id: &SourceId) -> Result<Option<Seq>, Error>;
    /// The enrolment of this Ed25519 public key, under whatever name.
    ///
    /// # Errors
    /// Storage errors only.
    fn public_key(&self, key: &[u8; 32]) -> Result<Option<Seq>, Error>;
    /// The entry that revoked this key (a revocation, or a rotation to a
    /// new key), if any.
    ///
    /// # Errors
    /// Storage errors only.
    fn revoked(&self, key: &str) -> Result<Option<Seq>, Error>;
}

/// An entry that passed every check at its position: canonical bytes,
/// sequence, prev link, signature, enrolment, role and references. Only
/// [`check`] makes one.
#[derive(Clone, Debug)]
pub struct VerifiedEntry(Entry);

impl VerifiedEntry {
    /// The entry.
    pub fn entry(&self) -> &Entry {
        &self.0
    }

    /// Gives back the entry.
    pub fn into_entry(self) -> Entry {
        self.0
    }
}

impl std::ops::Deref for VerifiedEntry {
    type Target = Entry;
    fn deref(&self) -> &Entry {
        &self.0
    }
}

/// Where an entry must go: the position and prev link the ledger expects.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Position {
    /// The expected sequence number.
    pub seq: Seq,
    /// The expected prev link (leaf hash of the entry before).
    pub prev: EntryHash,
    /// The time of the entry before, if any: times never go backwards.
    pub prev_time: Option<crate::time::Timestamp>,
}

impl Position {
    /// The position of the first entry.
    pub const GENESIS: Position = Position {
        seq: Seq(0),
        prev: EntryHash::ZERO,
        prev_time: None,
    };

    /// The position after `entry`.
    pub fn after(entry: &Entry) -> Position {
        Position {
            seq: entry.seq().next(),
            prev: entry.hash(),
            prev_time: Some(entry.time()),
        }
    }
}

/// Checks `entry` at position `at` against what came before it.
///
/// # Errors
/// The first rule broken, naming the entry and the field.
pub fn check(entry: Entry, at: Position, view: &dyn View) -> Result<VerifiedEntry, Error> {
    check_with(entry, at, view, None)
}

/// [`check`], with the entry's signature already checked by
/// [`crate::signatures`] (in a parallel batch, say): `signature` is that
/// check, reported at the same point of the checks as [`check`] would, so
/// the first error named is the same. A check about another entry is not
/// used: the signature is then checked here.
///
/// # Errors
/// As [`check`].
pub fn check_with(
    entry: Entry,
    at: Position,
    view: &dyn View,
    signature: Option<SignatureCheck>,
) -> Result<VerifiedEntry, Error> {
    let seq = entry.seq();
    if seq != at.seq {
        return Err(Error::Sequence {
            seq,
            expected: at.seq,
        });
    }
    if entry.prev() != at.prev {
        return Err(Error::PrevLink {
            seq,
            found: entry.prev(),
            expected: at.prev,
        });
    }
    if let Some(pt) = at.prev_time {
        if entry.time() < pt {
            return Err(Error::Time {
                seq,
                reason: format!("{} is earlier than the previous entry's {pt}", entry.time()),
            });
        }
    }
    match signature {
        Some(check) => check.into_result_for(&entry)?,
        None => entry.check_signature()?,
    }
    let before = |s: Seq| s < seq;
    let signer = entry.signer().to_string();
    let facts = |id: &EntryHash| -> Result<Option<EntryFacts>, Error> {
        Ok(view.facts(id)?.filter(|f| before(f.seq)))
    };
    let need = |field: &str, id: &EntryHash, kinds: &[Kind]| -> Result<EntryFacts, Error> {
        let wanted: Vec<&str> = kinds.iter().map(|k| k.as_str()).collect();
        match facts(id)? {
            Some(f) if kinds.contains(&f.kind) => Ok(f),
            Some(f) => Err(Error::Reference {
                seq,
                field: field.to_owned(),
                reason: format!(
                    "{} is a {} entry, expected {}",
                    id.short(),
                    f.kind,
                    wanted.join(" or ")
                ),
            }),
            None => Err(Error::Reference {
                seq,
                field: field.to_owned(),
                reason: format!("no earlier {} entry {}", wanted.join(" or "), id.short()),
            }),
        }
    };
    let need_source = |field: &str, id: &SourceId| -> Result<(), Error> {
        match view.source(id)? {
            Some(s) if before(s) => Ok(()),
            _ => Err(Error::Reference {
                seq,
                field: field.to_owned(),
                reason: format!("unknown source `{id}`"),
            }),
        }
    };

    // Who may sign.
    if seq == Seq(0) {
        let ok = matches!(entry.record(), Record::Key(k) if k.key == signer && k.roles.contains(&Role::Admin));
        if !ok {
            return Err(Error::field(
                "body",
                "the first entry must be the founding admin key enrolling itself with the admin role",
            ));
        }
    } else {
        let key = view
            .key(&signer)?
            .filter(|k| before(k.seq))
            .ok_or_else(|| Error::NotEnrolled {
                seq,
                signer: signer.clone(),
            })?;
        if let Some(at) = view.revoked(&signer)?.filter(|s| before(*s)) {
            return Err(Error::Revoked { seq, signer, at });
        }
        // A key may hand itself over to a new key, and revoke itself,
        // whatever its roles.
        let own = match entry.record() {
            Record::Key(k) => k.replaces.as_deref() == Some(signer.as_str()),
            Record::Revocation(r) => r.key == signer,
            _ => false,
        };
        if !own && !key.roles.iter().any(|r| r.may_write(entry.kind())) {
            return Err(Error::RoleNotAllowed {
                seq,
                signer,
                kind: entry.kind().as_str(),
            });
        }
    }

    // What the record refers to.
    match entry.record() {
        Record::Key(k) => {
            if seq != Seq(0) && view.key(&k.key)?.is_some_and(|f| before(f.seq)) {
                return Err(Error::field(
                    "body.key",
                    format!("{} is already enrolled", k.key),
                ));
            }
            // One public key, one identity: the same key under another name
            // would let one signer pass for two.
            let vk: crate::keys::VerifierKey = k
                .key
                .parse()
                .map_err(|e: Error| Error::field("body.key", e.to_string()))?;
            if view
                .public_key(vk.verifying_key().as_bytes())?
                .is_some_and(before)
            {
                return Err(Error::field(
                    "body.key",
                    "this public key is already enrolled under another name",
                ));
            }
            if let Some(old) = &k.replaces {
                // The old key signs its own handover (checked above as
                // enrolled and not revoked) and passes on no more than it
                // has.
                if *old != signer {
                    return Err(Error::field(
                        "body.replaces",
                        "a rotation is signed by the key it replaces",
                    ));
                }
                let held = view.key(old)?.map(|f| f.roles).unwrap_or_default();
                if let Some(r) = k.roles.iter().find(|r| !held.contains(r)) {
                    return Err(Error::field(
                        "body.roles",
                        format!("the replaced key does not hold the {} role", r.as_str()),
                    ));
                }
            }
        }
        Record::Source(s) => {
            if view.source(&s.id)?.is_some_and(before) {
                return Err(Error::field(
                    "body.id",
                    format!("source `{}` already exists; amend it to correct it", s.id),
                ));
            }
            for (i, a) in s.affiliations.iter().enumerate() {
                need_source(&format!("body.affiliations[{i}]"), a)?;
            }
        }
        Record::Claim(c) => {
            for (i, h) in c.chain.iter().enumerate() {
                need_source(&format!("body.chain[{i}].source"), &h.source)?;
            }
        }
        Record::Verdict(v) => {
            need("body.claim", &v.claim, &[Kind::Claim])?;
            if let Some(old) = &v.supersedes {
                let f = need("body.supersedes", old, &[Kind::Verdict])?;
                if f.claim != Some(v.claim) {
                    return Err(Error::field(
                        "body.supersedes",
                        "the superseded verdict rates a different claim",
                    ));
                }
                if f.signer != signer {
                    return Err(Error::field(
                        "body.supersedes",
                        "only the signer of a verdict can supersede it",
                    ));
                }
            }
        }
        Record::Relation(r) => {
            need("body.from", &r.from, &[Kind::Claim])?;
            need("body.to", &r.to, &[Kind::Claim])?;
        }
        Record::Amendment(a) => {
            let allowed: &[Kind] = match &a.change {
                Change::Retract => &[
                    Kind::Source,
                    Kind::Claim,
                    Kind::Verdict,
                    Kind::Relation,
                    Kind::Amendment,
                    Kind::Prior,
                ],
                Change::Reattribute { .. } | Change::CorrectClaim { .. } => &[Kind::Claim],
                Change::CorrectSource { .. } => &[Kind::Source],
            };
            let target = need("body.target", &a.target, allowed)?;
            match &a.change {
                Change::Reattribute { chain } => {
                    for (i, h) in chain.iter().enumerate() {
                        need_source(&format!("body.change.chain[{i}].source"), &h.source)?;
                    }
                }
                Change::CorrectClaim { claim } => {
                    for (i, h) in claim.chain.iter().enumerate() {
                        need_source(&format!("body.change.claim.chain[{i}].source"), &h.source)?;
                    }
                }
                Change::CorrectSource { source } => {
                    if target.source.as_ref() != Some(&source.id) {
                        return Err(Error::field(
                            "body.change.source.id",
                            "a correction keeps the source's id",
                        ));
                    }
                    for (i, a) in source.affiliations.iter().enumerate() {
                        need_source(&format!("body.change.source.affiliations[{i}]"), a)?;
                    }
                }
                Change::Retract => {}
            }
        }
        Record::Prior(p) => need_source("body.source", &p.source)?,
        Record::Revocation(r) => {
            if !view.key(&r.key)?.is_some_and(|f| before(f.seq)) {
                return Err(Error::Reference {
                    seq,
                    field: "body.key".into(),
                    reason: format!("{} is not an enrolled key", r.key),
                });
            }
            if let Some(at) = view.revoked(&r.key)?.filter(|s| before(*s)) {
                return Err(Error::field(
                    "body.key",
                    format!("{} was already revoked at entry {at}", r.key),
                ));
            }
            if let Some(since) = &r.since {
                let since = crate::time::Timestamp::parse(since)?;
                if since > entry.time() {
                    return Err(Error::field(
                        "body.since",
                        format!("{since} is after this entry's time {}", entry.time()),
                    ));
                }
            }
        }
    }
    Ok(VerifiedEntry(entry))
}

/// An in-memory [`View`] built from verified entries: used to verify an
/// export with no database and to check an import before writing it.
///
/// Memory: a few dozen bytes per entry (its id and kind), which reference
/// checking cannot avoid without an index on disk.
#[derive(Default, Debug)]
pub struct MemoryView {
    facts: HashMap<EntryHash, EntryFacts>,
    keys: HashMap<String, KeyFacts>,
    revoked: HashMap<String, Seq>,
    public_keys: HashMap<[u8; 32], Seq>,
    sources: HashMap<SourceId, Seq>,
}

impl MemoryView {
    /// An empty view.
    pub fn new() -> Self {
        Self::default()
    }

    /// Records what later entries may refer to in `entry`.
    pub fn add(&mut self, entry: &VerifiedEntry) {
        match entry.record() {
            Record::Key(k) => {
                self.keys.entry(k.key.clone()).or_insert(KeyFacts {
                    seq: entry.seq(),
                    roles: k.roles.clone(),
                });
                if let Ok(vk) = k.key.parse::<crate::keys::VerifierKey>() {
                    self.public_keys
                        .entry(*vk.verifying_key().as_bytes())
                        .or_insert(entry.seq());
                }
            }
            Record::Source(s) => {
                self.sources.entry(s.id.clone()).or_insert(entry.seq());
            }
            Record::Revocation(r) => {
                self.revoked.entry(r.key.clone()).or_insert(entry.seq());
            }
            _ => {}
        }
        if let Record::Key(crate::record::KeyBody {
            replaces: Some(old),
            ..
        }) = entry.record()
        {
            self.revoked.entry(old.clone()).or_insert(entry.seq());
        }
        // Keys and priors are never referenced by id; everything else may be.
        if !matches!(entry.kind(), Kind::Key) {
            self.facts.insert(entry.hash(), EntryFacts::of(entry));
        }
    }
}

impl View for MemoryView {
    fn facts(&self, id: &EntryHash) -> Result<Option<EntryFacts>, Error> {
        Ok(self.facts.get(id).cloned())
    }
    fn key(&self, key: &str) -> Result<Option<KeyFacts>, Error> {
        Ok(self.keys.get(key).cloned())
    }
    fn source(&self, id: &SourceId) -> Result<Option<Seq>, Error> {
        Ok(self.sources.get(id).copied())
    }
    fn public_key(&self, key: &[u8; 32]) -> Result<Option<Seq>, Error> {
        Ok(self.public_keys.get(key).copied())
    }
    fn revoked(&self, key: &str) -> Result<Option<Seq>, Error> {
        Ok(self.revoked.get(key).copied())
    }
}

/// A view of `base` with `top` laid over it: an import checked against the
/// ledger it extends.
pub struct Layered<'a> {
    /// The ledger so far.
    pub base: &'a dyn View,
    /// The entries checked since.
    pub top: &'a MemoryView,
}

impl View for Layered<'_> {
    // The new entries are looked up first: they are in memory, and an id,
    // key or source is in at most one of the two layers.
    fn facts(&self, id: &EntryHash) -> Result<Option<EntryFacts>, Error> {
        match self.top.facts(id)? {
            Some(f) => Ok(Some(f)),
            None => self.base.facts(id),
        }
    }
    fn key(&self, key: &str) -> Result<Option<KeyFacts>, Error> {
        match self.top.key(key)? {
            Some(f) => Ok(Some(f)),
            None => self.base.key(key),
        }
    }
    fn source(&self, id: &SourceId) -> Result<Option<Seq>, Error> {
        match self.top.source(id)? {
            Some(f) => Ok(Some(f)),
            None => self.base.source(id),
        }
    }
    fn public_key(&self, key: &[u8; 32]) -> Result<Option<Seq>, Error> {
        match self.top.public_key(key)? {
            Some(f) => Ok(Some(f)),
            None => self.base.public_key(key),
        }
    }
    // A key enrolled in the ledger may be revoked by a new entry: look in
    // both, the ledger first (its revocation is the earlier).
    fn revoked(&self, key: &str) -> Result<Option<Seq>, Error> {
        match self.base.revoked(key)? {
            Some(s) => Ok(Some(s)),
            None => self.top.revoked(key),
        }
    }
}
