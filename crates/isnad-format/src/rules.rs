//! The ledger's rules: what makes an entry acceptable at its position.
//!
//! [`check`] is the one place where an [`Entry`] becomes a [`VerifiedEntry`].
//! It is a pure function of the entry and a [`View`] of what came before it,
//! so the same code checks an append to the sled store, an import, and an
//! export file verified with no database at all.

use std::collections::HashMap;

use crate::entry::Entry;
use crate::error::Error;
use crate::ids::{EntryHash, OrgId, Seq, SourceId};
use crate::record::{
    AmendmentBody, Change, Hop, KeyBody, Kind, Record, RelationBody, RevocationBody, Role,
    SourceBody, TrustBody, VerdictBody,
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
    /// The organisation it belongs to: its own `org`, or for a rotation
    /// without one the replaced key's, and so on back (`docs/FORMAT.md`
    /// §8). `None` when no key of its line named one.
    pub org: Option<OrgId>,
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
    /// The first entry that enrolled a key naming this organisation in its
    /// own `org`, if any. (A rotation without `org` belongs to the replaced
    /// key's organisation, which an earlier key named.)
    ///
    /// # Errors
    /// Storage errors only.
    fn org(&self, org: &OrgId) -> Result<Option<Seq>, Error>;
}

/// An entry that passed every check at its position: canonical bytes,
/// sequence, prev link, signature, enrolment, role and references. Only
/// [`check`] makes one.
#[derive(Clone, Debug)]
pub struct VerifiedEntry {
    entry: Entry,
    /// For a key entry, the organisation of the key it enrols, as the
    /// ledger before it decides (see [`VerifiedEntry::key_org`]).
    key_org: Option<OrgId>,
}

impl VerifiedEntry {
    /// The entry.
    pub fn entry(&self) -> &Entry {
        &self.entry
    }

    /// Gives back the entry.
    pub fn into_entry(self) -> Entry {
        self.entry
    }

    /// For a `key` entry, the organisation the enrolled key belongs to: its
    /// `org`, or for a rotation without one the replaced key's
    /// ([`KeyFacts::org`]). `None` for other kinds, and for a key of no
    /// organisation.
    pub fn key_org(&self) -> Option<&OrgId> {
        self.key_org.as_ref()
    }
}

impl std::ops::Deref for VerifiedEntry {
    type Target = Entry;
    fn deref(&self) -> &Entry {
        &self.entry
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
    let key_org = key_org(&cx)?;
    Ok(VerifiedEntry { entry, key_org })
}

/// The rules that concern the entry and its position alone (§9 rules 2-5:
/// sequence, link, time and signature), which [`check`] begins with. The
/// store runs them before recognising content already recorded, so that an
/// entry copying recorded content is answered as a duplicate only when its
/// own signature verifies at the next position.
///
/// # Errors
/// As [`check`], for those rules.
pub fn check_placed(entry: &Entry, at: Position) -> Result<(), Error> {
    sequence(entry, at)?;
    link(entry, at)?;
    time(entry, at)?;
    signature_verifies(entry, None)
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
        Record::Trust(t) => trust_references(cx, t),
    }
}

/// §9 rule 9, `key`: (a) not already enrolled, except on the genesis
/// entry; (b) its public key not enrolled under any name; (c) a rotation
/// is signed by the key it replaces, (d) which holds every role handed
/// over; (e) see [`rotation_org`].
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
        rotation_org(cx, old, k.org.as_ref())?;
    }
    Ok(())
}

/// The organisation of the key `old`, enrolled before the entry checked
/// ([`KeyFacts::org`]).
fn org_of(cx: &Checking<'_>, old: &str) -> Result<Option<OrgId>, Error> {
    Ok(cx
        .view
        .key(old)?
        .filter(|f| cx.before(f.seq))
        .and_then(|f| f.org))
}

/// §9 rule 9, `key` (e): a rotation that carries `org` names the replaced
/// key's organisation. A key keeps its organisation through rotations: a
/// rotation without `org` belongs to the replaced key's, and one with it
/// may not move the key to another organisation or give it one.
fn rotation_org(cx: &Checking<'_>, old: &str, org: Option<&OrgId>) -> Result<(), Error> {
    let Some(org) = org else {
        return Ok(());
    };
    match org_of(cx, old)? {
        Some(held) if held == *org => Ok(()),
        Some(held) => Err(Error::field(
            "body.org",
            format!(
                "the replaced key belongs to organisation `{held}`, not `{org}`; a rotation \
                 keeps the organisation (name `{held}` or leave `org` out)"
            ),
        )),
        None => Err(Error::field(
            "body.org",
            format!(
                "the replaced key belongs to no organisation, so its rotation cannot name \
                 `{org}`; enrol a new key with `org` instead"
            ),
        )),
    }
}

/// §9 rule 10 for a `key` entry: the organisation of the key it enrols,
/// its own `org` or, for a rotation, the replaced key's. Rule 9 (e) has
/// made sure the two agree when both are there. `None` for other kinds.
fn key_org(cx: &Checking<'_>) -> Result<Option<OrgId>, Error> {
    let Record::Key(k) = cx.entry.record() else {
        return Ok(None);
    };
    match (&k.org, &k.replaces) {
        (Some(org), _) => Ok(Some(org.clone())),
        (None, Some(old)) => org_of(cx, old),
        (None, None) => Ok(None),
    }
}

/// §9 rule 9, `trust`: `checker` is the organisation of a key enrolled by
/// an earlier entry (named by that key's own `org`).
fn trust_references(cx: &Checking<'_>, t: &TrustBody) -> Result<(), Error> {
    match cx.view.org(&t.checker)? {
        Some(s) if cx.before(s) => Ok(()),
        _ => Err(Error::Reference {
            seq: cx.seq,
            field: "body.checker".into(),
            reason: format!(
                "no key enrolled earlier belongs to organisation `{}` (enrol one with `org`)",
                t.checker
            ),
        }),
    }
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
            format!(
                "{} was already revoked at entry {at} (if a rotation retired it, revoke the key \
                 that replaced it as compromised, with `since`, to void both from then)",
                r.key
            ),
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
            Kind::Trust,
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
    orgs: HashMap<OrgId, Seq>,
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
                    org: entry.key_org().cloned(),
                });
                if let Some(org) = &k.org {
                    self.orgs.entry(org.clone()).or_insert(entry.seq());
                }
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
    fn org(&self, org: &OrgId) -> Result<Option<Seq>, Error> {
        Ok(self.orgs.get(org).copied())
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
    // Keys of both layers may name one organisation: the ledger's come
    // first.
    fn org(&self, org: &OrgId) -> Result<Option<Seq>, Error> {
        match self.base.org(org)? {
            Some(s) => Ok(Some(s)),
            None => self.top.org(org),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::entry::Draft;
    use crate::keys::KeyPair;
    use crate::record::{Grade, SourceBody, SourceKind};
    use crate::time::Timestamp;

    fn key(name: &str, n: u8) -> KeyPair {
        KeyPair::from_seed(name, &[n; 32]).unwrap()
    }

    fn org(s: &str) -> OrgId {
        s.parse().unwrap()
    }

    fn enrol(k: &KeyPair, roles: &[Role], org: Option<&str>) -> Record {
        Record::Key(KeyBody {
            key: k.verifier().to_string(),
            roles: roles.to_vec(),
            holder: None,
            replaces: None,
            org: org.map(|o| o.parse().unwrap()),
        })
    }

    fn rotate(old: &KeyPair, new: &KeyPair, roles: &[Role], org: Option<&str>) -> Record {
        Record::Key(KeyBody {
            replaces: Some(old.verifier().to_string()),
            ..match enrol(new, roles, org) {
                Record::Key(k) => k,
                _ => unreachable!(),
            }
        })
    }

    fn trust(checker: &str) -> Record {
        Record::Trust(TrustBody {
            checker: org(checker),
            grade: Grade::B,
            reason: "Corrections policy published and kept.".into(),
        })
    }

    /// A ledger in memory: entries appended through [`check`] and
    /// remembered in a [`MemoryView`], as an export is verified.
    struct Book {
        view: MemoryView,
        at: Position,
        entries: Vec<VerifiedEntry>,
    }

    impl Book {
        /// The founding admin's genesis entry, with a fact-checker of
        /// `verifica-desk` and an editor enrolled.
        fn new() -> (Book, KeyPair, KeyPair) {
            let admin = key("admin", 1);
            let mut b = Book {
                view: MemoryView::new(),
                at: Position::GENESIS,
                entries: Vec::new(),
            };
            b.put(&admin, enrol(&admin, &[Role::Admin], None)).unwrap();
            let checker = key("checker", 2);
            let editor = key("editor", 3);
            b.put(
                &admin,
                enrol(&checker, &[Role::FactChecker], Some("verifica-desk")),
            )
            .unwrap();
            b.put(&admin, enrol(&editor, &[Role::Editor], None))
                .unwrap();
            (b, checker, editor)
        }

        fn draft(&self, by: &KeyPair, record: Record) -> Entry {
            draft_at(self.at, by, record)
        }

        /// Checks `record` signed by `by` at the next position and, if it
        /// passes, appends it.
        fn put(&mut self, by: &KeyPair, record: Record) -> Result<&VerifiedEntry, Error> {
            let v = check(self.draft(by, record), self.at, &self.view)?;
            self.view.add(&v);
            self.at = Position::after(&v);
            self.entries.push(v);
            Ok(self.entries.last().unwrap())
        }

        /// The founding admin.
        fn admin(&self) -> KeyPair {
            key("admin", 1)
        }
    }

    /// `record` signed by `by` for position `at`.
    fn draft_at(at: Position, by: &KeyPair, record: Record) -> Entry {
        let t = Timestamp::parse("2025-02-18T09:00:00Z").unwrap();
        Draft::new(at.seq, at.prev, t, by.verifier().clone(), record)
            .sign(by)
            .unwrap()
    }

    /// The field a refusal names, and its kind.
    fn refusal(e: &Error) -> (Option<&str>, crate::error::ErrorKind) {
        (e.field_name(), e.kind())
    }

    #[test]
    fn an_admin_sets_trust_in_an_enrolled_organisation() {
        let (mut b, checker, _) = Book::new();
        let v = b.put(&b.admin(), trust("verifica-desk")).unwrap();
        assert_eq!(v.kind(), Kind::Trust);
        assert!(String::from_utf8_lossy(v.leaf_bytes()).ends_with(",\"v\":2}"));
        // A later one for the same organisation is just as valid.
        b.put(&b.admin(), trust("verifica-desk")).unwrap();
        // The key's facts carry its organisation.
        let f = b
            .view
            .key(&checker.verifier().to_string())
            .unwrap()
            .unwrap();
        assert_eq!(f.org, Some(org("verifica-desk")));
        assert_eq!(b.view.org(&org("verifica-desk")).unwrap(), Some(Seq(1)));
    }

    #[test]
    fn trust_in_an_organisation_no_earlier_key_names_is_refused() {
        let (mut b, _, _) = Book::new();
        let e = b.put(&b.admin(), trust("other-desk")).unwrap_err();
        assert_eq!(
            refusal(&e),
            (Some("body.checker"), crate::error::ErrorKind::Input)
        );
        assert!(matches!(e, Error::Reference { seq: Seq(3), .. }), "{e}");
        assert!(e.to_string().contains("`other-desk`"), "{e}");
        // A source of that name is not an organisation.
        let (mut b, _, editor) = Book::new();
        b.put(
            &editor,
            Record::Source(SourceBody {
                id: "other-desk".parse().unwrap(),
                name: "Other desk".into(),
                kind: SourceKind::Organization,
                url: None,
                language: None,
                affiliations: vec![],
                description: None,
            }),
        )
        .unwrap();
        let e = b.put(&b.admin(), trust("other-desk")).unwrap_err();
        assert_eq!(e.field_name(), Some("body.checker"));
    }

    // What the view knows at or after the entry's position does not count:
    // the organisation's key must come first.
    #[test]
    fn trust_needs_the_organisations_key_before_it() {
        let (mut b, _, _) = Book::new();
        let at = b.at;
        let early = b.draft(&b.admin(), trust("late-desk"));
        let late = key("late", 9);
        b.put(
            &b.admin(),
            enrol(&late, &[Role::FactChecker], Some("late-desk")),
        )
        .unwrap();
        let e = check(early, at, &b.view).unwrap_err();
        assert_eq!(e.field_name(), Some("body.checker"));
        b.put(&b.admin(), trust("late-desk")).unwrap();
    }

    #[test]
    fn only_an_admin_writes_trust() {
        let (mut b, checker, editor) = Book::new();
        for k in [&checker, &editor] {
            let e = b.put(k, trust("verifica-desk")).unwrap_err();
            assert!(
                matches!(e, Error::RoleNotAllowed { kind: "trust", .. }),
                "{e}"
            );
            assert_eq!(
                refusal(&e),
                (Some("signer"), crate::error::ErrorKind::Forbidden)
            );
        }
    }

    #[test]
    fn an_editor_may_retract_a_trust() {
        let (mut b, _, editor) = Book::new();
        let t = b.put(&b.admin(), trust("verifica-desk")).unwrap().hash();
        b.put(
            &editor,
            Record::Amendment(AmendmentBody {
                target: t,
                change: Change::Retract,
                reason: "Set in error.".into(),
            }),
        )
        .unwrap();
    }

    // A rotation without `org` keeps the replaced key's organisation, through
    // any number of rotations; one with `org` must name that organisation.
    #[test]
    fn rotations_keep_the_organisation() {
        let (mut b, checker, _) = Book::new();
        let fc = [Role::FactChecker];
        let two = key("checker-2", 4);
        let v = b.put(&checker, rotate(&checker, &two, &fc, None)).unwrap();
        assert_eq!(v.key_org(), Some(&org("verifica-desk")));
        assert!(String::from_utf8_lossy(v.leaf_bytes()).ends_with(",\"v\":1}"));
        let three = key("checker-3", 5);
        let v = b
            .put(&two, rotate(&two, &three, &fc, Some("verifica-desk")))
            .unwrap();
        assert_eq!(v.key_org(), Some(&org("verifica-desk")));
        let four = key("checker-4", 6);
        b.put(&three, rotate(&three, &four, &fc, None)).unwrap();
        let f = b.view.key(&four.verifier().to_string()).unwrap().unwrap();
        assert_eq!(f.org, Some(org("verifica-desk")));

        // Another organisation, at any depth, is refused and names `org`.
        let five = key("checker-5", 7);
        let e = b
            .put(&four, rotate(&four, &five, &fc, Some("other-desk")))
            .unwrap_err();
        assert_eq!(
            refusal(&e),
            (Some("body.org"), crate::error::ErrorKind::Input)
        );
        assert!(e.to_string().contains("`verifica-desk`"), "{e}");
        // The inherited organisation may be named again.
        b.put(&four, rotate(&four, &five, &fc, Some("verifica-desk")))
            .unwrap();
    }

    #[test]
    fn a_rotation_cannot_give_a_key_an_organisation() {
        let (mut b, _, editor) = Book::new();
        let two = key("editor-2", 4);
        let e = b
            .put(
                &editor,
                rotate(&editor, &two, &[Role::Editor], Some("desk")),
            )
            .unwrap_err();
        assert_eq!(
            refusal(&e),
            (Some("body.org"), crate::error::ErrorKind::Input)
        );
        // Without `org` it is an ordinary rotation, of no organisation.
        let v = b
            .put(&editor, rotate(&editor, &two, &[Role::Editor], None))
            .unwrap();
        assert_eq!(v.key_org(), None);
    }

    // An import is checked against the ledger under it: a rotation in the
    // import of a key the ledger enrolled inherits the ledger's organisation.
    #[test]
    fn layered_views_find_the_organisation_below() {
        let (b, checker, _) = Book::new();
        let top = MemoryView::new();
        let layered = Layered {
            base: &b.view,
            top: &top,
        };
        let two = key("checker-2", 4);
        let entry = b.draft(&checker, rotate(&checker, &two, &[Role::FactChecker], None));
        let v = check(entry, b.at, &layered).unwrap();
        assert_eq!(v.key_org(), Some(&org("verifica-desk")));
        let mut top = MemoryView::new();
        top.add(&v);
        let layered = Layered {
            base: &b.view,
            top: &top,
        };
        let f = layered.key(&two.verifier().to_string()).unwrap().unwrap();
        assert_eq!(f.org, Some(org("verifica-desk")));
        assert_eq!(layered.org(&org("verifica-desk")).unwrap(), Some(Seq(1)));
        let three = key("checker-3", 5);
        let at = Position::after(&v);
        let entry = draft_at(
            at,
            &two,
            rotate(&two, &three, &[Role::FactChecker], Some("other-desk")),
        );
        let e = check(entry, at, &layered).unwrap_err();
        assert_eq!(e.field_name(), Some("body.org"));
    }
}
