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
use crate::record::{
    AmendmentBody, Change, Hop, KeyBody, Kind, Record, RelationBody, RevocationBody, Role,
    SourceBody, VerdictBody,
};
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
/// The rules are those of `docs/FORMAT.md` §9, one function each, called
/// in the order of the section (and of the verifier in §13): the first
/// rule broken is the error reported. Rule 1 (form) is not here: an
/// [`Entry`] can only be made from well-formed canonical bytes. Rule 10
/// (remember) is [`MemoryView::add`], or the store's index.
///
/// # Errors
/// As [`check`].
pub fn check_with(
    entry: Entry,
    at: Position,
    view: &dyn View,
    signature: Option<SignatureCheck>,
) -> Result<VerifiedEntry, Error> {
    sequence(&entry, at)?;
    link(&entry, at)?;
    time(&entry, at)?;
    signature_verifies(&entry, signature)?;
    let cx = Checking::new(&entry, view);
    if cx.seq == Seq(0) {
        genesis(&cx)?;
    } else {
        let key = enrolment(&cx)?;
        role(&cx, &key)?;
    }
    references(&cx)?;
    Ok(VerifiedEntry(entry))
}

/// §9 rule 2, sequence: `seq` is the number of entries before this one.
fn sequence(entry: &Entry, at: Position) -> Result<(), Error> {
    if entry.seq() != at.seq {
        return Err(Error::Sequence {
            seq: entry.seq(),
            expected: at.seq,
        });
    }
    Ok(())
}

/// §9 rule 3, link: `prev` is the leaf hash of the entry before (zeros on
/// the first).
fn link(entry: &Entry, at: Position) -> Result<(), Error> {
    if entry.prev() != at.prev {
        return Err(Error::PrevLink {
            seq: entry.seq(),
            found: entry.prev(),
            expected: at.prev,
        });
    }
    Ok(())
}

/// §9 rule 4, time: not earlier than the entry before (equal is fine).
fn time(entry: &Entry, at: Position) -> Result<(), Error> {
    if let Some(pt) = at.prev_time {
        if entry.time() < pt {
            return Err(Error::Time {
                seq: entry.seq(),
                reason: format!("{} is earlier than the previous entry's {pt}", entry.time()),
            });
        }
    }
    Ok(())
}

/// §9 rule 5, signature: `sig` verifies strictly for `signer`, here or in
/// the batch check given.
fn signature_verifies(entry: &Entry, signature: Option<SignatureCheck>) -> Result<(), Error> {
    match signature {
        Some(check) => check.into_result_for(entry),
        None => entry.check_signature(),
    }
}

/// One entry being checked against the ledger before it: what rules 6-9
/// share.
struct Checking<'a> {
    entry: &'a Entry,
    view: &'a dyn View,
    /// The entry's position: anything the view knows at or after it is
    /// ignored.
    seq: Seq,
    /// The entry's signer, as a verifier key string.
    signer: String,
}

impl<'a> Checking<'a> {
    fn new(entry: &'a Entry, view: &'a dyn View) -> Self {
        Checking {
            entry,
            view,
            seq: entry.seq(),
            signer: entry.signer().to_string(),
        }
    }

    /// Whether `s` is earlier than the entry: nothing later counts.
    fn before(&self, s: Seq) -> bool {
        s < self.seq
    }

    /// The earlier entry `id`, which `field` refers to and which must be of
    /// one of `kinds`.
    fn need(&self, field: &str, id: &EntryHash, kinds: &[Kind]) -> Result<EntryFacts, Error> {
        let wanted: Vec<&str> = kinds.iter().map(|k| k.as_str()).collect();
        match self.view.facts(id)?.filter(|f| self.before(f.seq)) {
            Some(f) if kinds.contains(&f.kind) => Ok(f),
            Some(f) => Err(Error::Reference {
                seq: self.seq,
                field: field.to_owned(),
                reason: format!(
                    "{} is a {} entry, expected {}",
                    id.short(),
                    f.kind,
                    wanted.join(" or ")
                ),
            }),
            None => Err(Error::Reference {
                seq: self.seq,
                field: field.to_owned(),
                reason: format!("no earlier {} entry {}", wanted.join(" or "), id.short()),
            }),
        }
    }

    /// The source `id`, which `field` refers to, was defined earlier.
    fn need_source(&self, field: &str, id: &SourceId) -> Result<(), Error> {
        match self.view.source(id)? {
            Some(s) if self.before(s) => Ok(()),
            _ => Err(Error::Reference {
                seq: self.seq,
                field: field.to_owned(),
                reason: format!("unknown source `{id}`"),
            }),
        }
    }

    /// Every hop's source of `chain`, at `field[i].source`, was defined
    /// earlier.
    fn need_chain(&self, field: &str, chain: &[Hop]) -> Result<(), Error> {
        for (i, h) in chain.iter().enumerate() {
            self.need_source(&format!("{field}[{i}].source"), &h.source)?;
        }
        Ok(())
    }

    /// Every source of `ids`, at `field[i]`, was defined earlier.
    fn need_sources(&self, field: &str, ids: &[SourceId]) -> Result<(), Error> {
        for (i, a) in ids.iter().enumerate() {
            self.need_source(&format!("{field}[{i}]"), a)?;
        }
        Ok(())
    }
}

/// §9 rule 6, genesis: the first entry is the founding admin key enrolling
/// itself with the admin role.
fn genesis(cx: &Checking<'_>) -> Result<(), Error> {
    let ok = matches!(cx.entry.record(), Record::Key(k) if k.key == cx.signer && k.roles.contains(&Role::Admin));
    if !ok {
        return Err(Error::field(
            "body",
            "the first entry must be the founding admin key enrolling itself with the admin role",
        ));
    }
    Ok(())
}

/// §9 rule 7, enrolment: a later entry's signer was enrolled earlier and
/// not retired earlier. Returns its enrolment, for rule 8.
fn enrolment(cx: &Checking<'_>) -> Result<KeyFacts, Error> {
    let key = cx
        .view
        .key(&cx.signer)?
        .filter(|k| cx.before(k.seq))
        .ok_or_else(|| Error::NotEnrolled {
            seq: cx.seq,
            signer: cx.signer.clone(),
        })?;
    if let Some(at) = cx.view.revoked(&cx.signer)?.filter(|s| cx.before(*s)) {
        return Err(Error::Revoked {
            seq: cx.seq,
            signer: cx.signer.clone(),
            at,
        });
    }
    Ok(key)
}

/// §9 rule 8, role: one of the signer's roles may write the entry's kind;
/// any key may hand itself over to a new key, and revoke itself.
fn role(cx: &Checking<'_>, key: &KeyFacts) -> Result<(), Error> {
    let own = match cx.entry.record() {
        Record::Key(k) => k.replaces.as_deref() == Some(cx.signer.as_str()),
        Record::Revocation(r) => r.key == cx.signer,
        _ => false,
    };
    if !own && !key.roles.iter().any(|r| r.may_write(cx.entry.kind())) {
        return Err(Error::RoleNotAllowed {
            seq: cx.seq,
            signer: cx.signer.clone(),
            kind: cx.entry.kind().as_str(),
        });
    }
    Ok(())
}

/// §9 rule 9, references: what the record refers to is earlier and of the
/// kind stated, kind by kind (in the order of the section's list).
fn references(cx: &Checking<'_>) -> Result<(), Error> {
    match cx.entry.record() {
        Record::Key(k) => key_references(cx, k),
        Record::Revocation(r) => revocation_references(cx, r),
        Record::Source(s) => source_references(cx, s),
        Record::Claim(c) => cx.need_chain("body.chain", &c.chain),
        Record::Verdict(v) => verdict_references(cx, v),
        Record::Relation(r) => relation_references(cx, r),
        Record::Amendment(a) => amendment_references(cx, a),
        Record::Prior(p) => cx.need_source("body.source", &p.source),
    }
}

/// §9 rule 9, `key`: (a) not already enrolled, except on the genesis
/// entry; (b) its public key not enrolled under any name; (c) a rotation
/// is signed by the key it replaces, (d) which holds every role handed
/// over.
fn key_references(cx: &Checking<'_>, k: &KeyBody) -> Result<(), Error> {
    // (a)
    if cx.seq != Seq(0) && cx.view.key(&k.key)?.is_some_and(|f| cx.before(f.seq)) {
        return Err(Error::field(
            "body.key",
            format!("{} is already enrolled", k.key),
        ));
    }
    // (b) One public key, one identity: the same key under another name
    // would let one signer pass for two.
    let vk: crate::keys::VerifierKey = k
        .key
        .parse()
        .map_err(|e: Error| Error::field("body.key", e.to_string()))?;
    if cx
        .view
        .public_key(vk.verifying_key().as_bytes())?
        .is_some_and(|s| cx.before(s))
    {
        return Err(Error::field(
            "body.key",
            "this public key is already enrolled under another name",
        ));
    }
    if let Some(old) = &k.replaces {
        // (c) The old key signs its own handover (rule 7 found it enrolled
        // and not revoked) ...
        if *old != cx.signer {
            return Err(Error::field(
                "body.replaces",
                "a rotation is signed by the key it replaces",
            ));
        }
        // (d) ... and passes on no more than it has.
        let held = cx.view.key(old)?.map(|f| f.roles).unwrap_or_default();
        if let Some(r) = k.roles.iter().find(|r| !held.contains(r)) {
            return Err(Error::field(
                "body.roles",
                format!("the replaced key does not hold the {} role", r.as_str()),
            ));
        }
    }
    Ok(())
}

/// §9 rule 9, `revocation`: the key was enrolled earlier and is not
/// already revoked; `since` is not after the entry's time.
fn revocation_references(cx: &Checking<'_>, r: &RevocationBody) -> Result<(), Error> {
    if !cx.view.key(&r.key)?.is_some_and(|f| cx.before(f.seq)) {
        return Err(Error::Reference {
            seq: cx.seq,
            field: "body.key".into(),
            reason: format!("{} is not an enrolled key", r.key),
        });
    }
    if let Some(at) = cx.view.revoked(&r.key)?.filter(|s| cx.before(*s)) {
        return Err(Error::field(
            "body.key",
            format!("{} was already revoked at entry {at}", r.key),
        ));
    }
    if let Some(since) = &r.since {
        let since = crate::time::Timestamp::parse(since)?;
        if since > cx.entry.time() {
            return Err(Error::field(
                "body.since",
                format!("{since} is after this entry's time {}", cx.entry.time()),
            ));
        }
    }
    Ok(())
}

/// §9 rule 9, `source`: the id is new; every affiliation is a defined
/// source.
fn source_references(cx: &Checking<'_>, s: &SourceBody) -> Result<(), Error> {
    if cx.view.source(&s.id)?.is_some_and(|at| cx.before(at)) {
        return Err(Error::field(
            "body.id",
            format!("source `{}` already exists; amend it to correct it", s.id),
        ));
    }
    cx.need_sources("body.affiliations", &s.affiliations)
}

/// §9 rule 9, `verdict`: `claim` is an earlier claim; `supersedes`, if
/// present, an earlier verdict by the same signer on the same claim.
fn verdict_references(cx: &Checking<'_>, v: &VerdictBody) -> Result<(), Error> {
    cx.need("body.claim", &v.claim, &[Kind::Claim])?;
    if let Some(old) = &v.supersedes {
        let f = cx.need("body.supersedes", old, &[Kind::Verdict])?;
        if f.claim != Some(v.claim) {
            return Err(Error::field(
                "body.supersedes",
                "the superseded verdict rates a different claim",
            ));
        }
        if f.signer != cx.signer {
            return Err(Error::field(
                "body.supersedes",
                "only the signer of a verdict can supersede it",
            ));
        }
    }
    Ok(())
}

/// §9 rule 9, `relation`: `from` and `to` are earlier claims.
fn relation_references(cx: &Checking<'_>, r: &RelationBody) -> Result<(), Error> {
    cx.need("body.from", &r.from, &[Kind::Claim])?;
    cx.need("body.to", &r.to, &[Kind::Claim])?;
    Ok(())
}

/// §9 rule 9, `amendment`: the kinds of entry each change may target (the
/// section's table). A key is never a target.
fn amendment_targets(change: &Change) -> &'static [Kind] {
    match change {
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
    }
}

/// §9 rule 9, `amendment`: `target` is an earlier entry of a kind the
/// change allows; the sources a change names are defined, and a
/// correction keeps the source's id.
fn amendment_references(cx: &Checking<'_>, a: &AmendmentBody) -> Result<(), Error> {
    let target = cx.need("body.target", &a.target, amendment_targets(&a.change))?;
    match &a.change {
        Change::Reattribute { chain } => cx.need_chain("body.change.chain", chain),
        Change::CorrectClaim { claim } => cx.need_chain("body.change.claim.chain", &claim.chain),
        Change::CorrectSource { source } => {
            if target.source.as_ref() != Some(&source.id) {
                return Err(Error::field(
                    "body.change.source.id",
                    "a correction keeps the source's id",
                ));
            }
            cx.need_sources("body.change.source.affiliations", &source.affiliations)
        }
        Change::Retract => Ok(()),
    }
}

/// An in-memory [`View`] built from verified entries: used to verify an
/// export with no database and to check an import before writing it.
/// [`MemoryView::add`] is `docs/FORMAT.md` §9 rule 10 (remember).
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
        if let Record::Key(KeyBody {
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
