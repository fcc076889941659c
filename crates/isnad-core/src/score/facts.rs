//! The fold: what the ledger says, entry by entry, kept compactly.
//!
//! [`Replay::push`] reads one entry and records the facts scoring needs,
//! with sources, claims and keys interned to `u32` indexes and texts
//! reduced to a [`TextKey`]. Nothing is decided here that a later entry
//! could change (a retraction, a correction, a superseding verdict, the
//! as-of time that decay is measured from); [`super::resolve`] and the
//! scoring modules do that once the fold is over.
//!
//! The input is assumed to be in ledger order and verified (as
//! [`crate::rules::check`] does for every append, import and export). The
//! fold insists on consecutive sequence numbers from 0; a reference it
//! cannot resolve (which the rules make impossible) makes the record that
//! holds it ignored rather than fail the replay.

use std::collections::{BTreeMap, HashMap};
use std::hash::{BuildHasherDefault, Hasher};

use crate::entry::Entry;
use crate::error::Error;
use crate::ids::{EntryHash, Seq, SourceId};
use crate::record::{
    Change, ClaimRelation, Grade, Hop as WireHop, HopRelation, Rating, Record, RevocationReason,
    Role, SourceKind,
};
use crate::time::Timestamp;

use super::AsOf;
use super::normalize::{TextKey, text_key_with};
use super::params::Params;
use super::scores::Scores;

/// An index into one of the fact tables.
pub(crate) type Ix = u32;

/// One hop of a chain, interned.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Hop {
    /// The source.
    pub source: Ix,
    /// The hop's relation is `anonymous` (the previous hop credits unnamed
    /// sources). A hop is also anonymous when its source's kind is.
    pub anonymous: bool,
}

/// Who signed an entry, and when: what decides whether a compromise
/// revocation voids it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Sig {
    /// The enrolled key that signed it (same public key and name).
    pub signer: Option<Ix>,
    /// The entry's time.
    pub time: Timestamp,
}

#[derive(Clone)]
pub(crate) struct KeyFact {
    pub name: Box<str>,
    /// `name+keyid`: the key's identity as a checker when no organisation
    /// holds it.
    pub label: Box<str>,
    pub fact_checker: bool,
    pub editor: bool,
    pub admin: bool,
    /// Who enrolled it (itself, for the genesis entry).
    pub enrolled: Sig,
    /// A rotation: the key it replaces, whose checker it stays.
    pub replaces: Option<Ix>,
    /// The organisation that holds it, as its `key` record says.
    pub org: Option<Box<str>>,
}

/// A revocation as `compromised`: every entry the key signed from `since`
/// on counts for nothing, if the revocation itself counts.
#[derive(Clone)]
pub(crate) struct RevocationFact {
    pub key: Ix,
    pub sig: Sig,
    pub since: Timestamp,
}

/// An admin's prior grade for a checker organisation.
#[derive(Clone)]
pub(crate) struct TrustFact {
    pub org: Box<str>,
    pub grade: Grade,
    pub sig: Sig,
}

#[derive(Clone)]
pub(crate) struct SourceFact {
    pub id: SourceId,
    pub entry: EntryHash,
    pub anonymous: bool,
    pub sig: Sig,
}

#[derive(Clone)]
pub(crate) struct ClaimFact {
    pub entry: EntryHash,
    pub seq: Seq,
    pub chain: Box<[Hop]>,
    pub text: TextKey,
    /// When the statement was made (`appeared.date`, midnight UTC for a
    /// date): a source's evidence ages from here.
    pub said: Timestamp,
    pub sig: Sig,
}

#[derive(Clone)]
pub(crate) struct VerdictFact {
    pub entry: EntryHash,
    pub claim: Ix,
    /// The earlier verdict it names in `supersedes`, if that one rates the
    /// same claim.
    pub supersedes: Option<Ix>,
    pub rating: Rating,
    pub confidence: u8,
    pub sig: Sig,
    /// For an imported verdict, the organisation whose review it records
    /// (`review.by`): that organisation is the verdict's checker.
    pub reviewed_by: Option<Box<str>>,
}

#[derive(Clone)]
pub(crate) struct RelationFact {
    pub from: Ix,
    pub to: Ix,
    pub relation: ClaimRelation,
    pub sig: Sig,
}

#[derive(Clone)]
pub(crate) struct PriorFact {
    pub source: Ix,
    pub grade: Grade,
    pub sig: Sig,
}

#[derive(Clone)]
pub(crate) enum Amend {
    Retract,
    Reattribute(Box<[Hop]>),
    CorrectClaim(Box<[Hop]>, TextKey, Timestamp),
    CorrectSource { anonymous: bool },
}

#[derive(Clone)]
pub(crate) struct AmendmentFact {
    pub target: Node,
    pub change: Amend,
    pub sig: Sig,
}

/// An entry that others may refer to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Node {
    Source(Ix),
    Claim(Ix),
    Verdict(Ix),
    Relation(Ix),
    Amendment(Ix),
    Prior(Ix),
    Trust(Ix),
}

/// Hashes an entry id (or a [`TextKey`]) by its first eight bytes. Both are
/// SHA-256 outputs, already uniform, so this needs neither SipHash's work nor its
/// random seed (the fold uses no randomness at all).
#[derive(Default)]
pub(crate) struct IdHasher(u64);

impl Hasher for IdHasher {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        // A 32-byte hash writes its bytes in one call (after its length,
        // which `write_usize` ignores): its first eight bytes are the hash.
        for &b in bytes.iter().take(8) {
            self.0 = self.0 << 8 | u64::from(b);
        }
    }

    fn write_usize(&mut self, _: usize) {}
}

/// The story key a fold of `entry` needs (a claim's text, or a corrected
/// claim's), if any. Normalising is the costliest part of a fold and
/// depends on the entry alone, so a caller may compute it in parallel.
pub(crate) fn text_key_of(entry: &Entry) -> Option<TextKey> {
    match entry.record() {
        Record::Claim(c) => Some(super::normalize::text_key(&c.text)),
        Record::Amendment(a) => match &a.change {
            Change::CorrectClaim { claim } => Some(super::normalize::text_key(&claim.text)),
            _ => None,
        },
        _ => None,
    }
}

/// Everything the fold kept.
#[derive(Clone, Default)]
pub(crate) struct Facts {
    pub keys: Vec<KeyFact>,
    /// Raw Ed25519 public key → key. The rules enrol a public key once.
    /// Only looked up (once per entry, for its signer), never iterated.
    key_index: HashMap<[u8; 32], Ix, BuildHasherDefault<IdHasher>>,
    pub sources: Vec<SourceFact>,
    /// Slug → source; iterated in slug order for output.
    pub source_index: BTreeMap<SourceId, Ix>,
    /// The same, hashed: every hop of every chain is looked up, and a
    /// hash beats a walk of the tree. Only looked up, never iterated, so
    /// its order cannot reach a result; the hasher has a fixed seed.
    source_lookup: HashMap<SourceId, Ix, foldhash::fast::FixedState>,
    pub claims: Vec<ClaimFact>,
    pub verdicts: Vec<VerdictFact>,
    pub relations: Vec<RelationFact>,
    pub priors: Vec<PriorFact>,
    pub amendments: Vec<AmendmentFact>,
    pub revocations: Vec<RevocationFact>,
    pub trusts: Vec<TrustFact>,
    /// Entry id → node. Only looked up, never iterated, so its order cannot
    /// reach a result; hashed by [`IdHasher`], with no random seed.
    pub nodes: HashMap<EntryHash, Node, BuildHasherDefault<IdHasher>>,
    /// The last entry folded.
    pub last: Option<(Seq, Timestamp)>,
    /// Scratch space for normalising claim texts.
    text_buf: String,
}

fn ix(len: usize) -> Ix {
    // The ledger's sequence numbers stop at 2^53, but a table of more than
    // 2^32 facts would exhaust memory long before; saturating keeps the
    // arithmetic total.
    Ix::try_from(len).unwrap_or(Ix::MAX)
}

impl Facts {
    /// The source with this slug.
    pub fn source(&self, id: &SourceId) -> Option<Ix> {
        self.source_lookup.get(id).copied()
    }

    fn chain(&self, hops: &[WireHop]) -> Option<Box<[Hop]>> {
        hops.iter()
            .map(|h| {
                Some(Hop {
                    source: self.source(&h.source)?,
                    anonymous: h.relation == HopRelation::Anonymous,
                })
            })
            .collect()
    }

    fn node(&self, id: &EntryHash) -> Option<Node> {
        self.nodes.get(id).copied()
    }

    fn claim_node(&self, id: &EntryHash) -> Option<Ix> {
        match self.node(id)? {
            Node::Claim(c) => Some(c),
            _ => None,
        }
    }

    /// The enrolled key that signed `entry`: same public key and same name.
    fn signer(&self, entry: &Entry) -> Option<Ix> {
        let signer = entry.signer();
        let k = *self.key_index.get(signer.verifying_key().as_bytes())?;
        (*self.keys[k as usize].name == *signer.name()).then_some(k)
    }

    /// Folds `entry`; `key` is its [`text_key_of`], when the caller
    /// computed it already (in parallel).
    fn fold(&mut self, entry: &Entry, key: Option<TextKey>) {
        let hash = entry.hash();
        let sig = Sig {
            signer: self.signer(entry),
            time: entry.time(),
        };
        match entry.record() {
            Record::Key(k) => {
                let Ok(vk) = k.key.parse::<crate::keys::VerifierKey>() else {
                    return;
                };
                let pk = *vk.verifying_key().as_bytes();
                if self.key_index.contains_key(&pk) {
                    return;
                }
                let i = ix(self.keys.len());
                let replaces = k
                    .replaces
                    .as_deref()
                    .and_then(|r| r.parse::<crate::keys::VerifierKey>().ok())
                    .and_then(|r| self.key_index.get(r.verifying_key().as_bytes()).copied());
                self.key_index.insert(pk, i);
                let label = format!("{}+{}", vk.name(), hex::encode(vk.id()));
                self.keys.push(KeyFact {
                    name: vk.name().into(),
                    label: label.into(),
                    fact_checker: k.roles.contains(&Role::FactChecker),
                    editor: k.roles.contains(&Role::Editor),
                    admin: k.roles.contains(&Role::Admin),
                    // The genesis entry is signed by the key it enrols.
                    enrolled: Sig {
                        signer: sig.signer.or(Some(i)),
                        time: sig.time,
                    },
                    replaces,
                    org: k.org.as_ref().map(|o| o.as_str().into()),
                });
            }
            Record::Source(s) => {
                if self.source_index.contains_key(&s.id) {
                    return;
                }
                let i = ix(self.sources.len());
                self.source_index.insert(s.id.clone(), i);
                self.source_lookup.insert(s.id.clone(), i);
                self.sources.push(SourceFact {
                    id: s.id.clone(),
                    entry: hash,
                    anonymous: s.kind == SourceKind::Anonymous,
                    sig,
                });
                self.nodes.insert(hash, Node::Source(i));
            }
            Record::Claim(c) => {
                let Some(chain) = self.chain(&c.chain) else {
                    return;
                };
                let text = key.unwrap_or_else(|| text_key_with(&c.text, &mut self.text_buf));
                let i = ix(self.claims.len());
                self.claims.push(ClaimFact {
                    entry: hash,
                    seq: entry.seq(),
                    chain,
                    text,
                    said: said(&c.appeared.date, sig.time),
                    sig,
                });
                self.nodes.insert(hash, Node::Claim(i));
            }
            Record::Verdict(v) => {
                let Some(claim) = self.claim_node(&v.claim) else {
                    return;
                };
                let i = ix(self.verdicts.len());
                let supersedes = match v.supersedes.and_then(|old| self.node(&old)) {
                    Some(Node::Verdict(j)) if self.verdicts[j as usize].claim == claim => Some(j),
                    _ => None,
                };
                self.verdicts.push(VerdictFact {
                    entry: hash,
                    claim,
                    supersedes,
                    rating: v.rating,
                    confidence: v.confidence.min(100),
                    sig,
                    reviewed_by: v.review.as_ref().map(|r| r.by.as_str().into()),
                });
                self.nodes.insert(hash, Node::Verdict(i));
            }
            Record::Relation(r) => {
                let (Some(from), Some(to)) = (self.claim_node(&r.from), self.claim_node(&r.to))
                else {
                    return;
                };
                let i = ix(self.relations.len());
                self.relations.push(RelationFact {
                    from,
                    to,
                    relation: r.relation,
                    sig,
                });
                self.nodes.insert(hash, Node::Relation(i));
            }
            Record::Amendment(a) => {
                let Some(target) = self.node(&a.target) else {
                    return;
                };
                let change = match (&a.change, target) {
                    (Change::Retract, _) => Amend::Retract,
                    (Change::Reattribute { chain }, Node::Claim(_)) => match self.chain(chain) {
                        Some(c) => Amend::Reattribute(c),
                        None => return,
                    },
                    (Change::CorrectClaim { claim }, Node::Claim(_)) => {
                        let Some(c) = self.chain(&claim.chain) else {
                            return;
                        };
                        let text =
                            key.unwrap_or_else(|| text_key_with(&claim.text, &mut self.text_buf));
                        Amend::CorrectClaim(c, text, said(&claim.appeared.date, sig.time))
                    }
                    (Change::CorrectSource { source }, Node::Source(s))
                        if self.sources[s as usize].id == source.id =>
                    {
                        Amend::CorrectSource {
                            anonymous: source.kind == SourceKind::Anonymous,
                        }
                    }
                    _ => return,
                };
                let i = ix(self.amendments.len());
                self.amendments.push(AmendmentFact {
                    target,
                    change,
                    sig,
                });
                self.nodes.insert(hash, Node::Amendment(i));
            }
            Record::Prior(p) => {
                let Some(source) = self.source(&p.source) else {
                    return;
                };
                let i = ix(self.priors.len());
                self.priors.push(PriorFact {
                    source,
                    grade: p.grade,
                    sig,
                });
                self.nodes.insert(hash, Node::Prior(i));
            }
            Record::Trust(t) => {
                let i = ix(self.trusts.len());
                self.trusts.push(TrustFact {
                    org: t.checker.as_str().into(),
                    grade: t.grade,
                    sig,
                });
                self.nodes.insert(hash, Node::Trust(i));
            }
            Record::Revocation(r) => {
                if r.reason != RevocationReason::Compromised {
                    return;
                }
                let Ok(vk) = r.key.parse::<crate::keys::VerifierKey>() else {
                    return;
                };
                let Some(&k) = self.key_index.get(vk.verifying_key().as_bytes()) else {
                    return;
                };
                let since = r
                    .since
                    .as_deref()
                    .and_then(|t| Timestamp::parse(t).ok())
                    .unwrap_or(sig.time);
                self.revocations.push(RevocationFact { key: k, sig, since });
            }
        }
    }
}

/// When a statement was made: `appeared.date` (a date means midnight UTC),
/// or `fallback` (the entry's time) if it cannot be read (the rules make
/// that impossible).
fn said(date: &str, fallback: Timestamp) -> Timestamp {
    Timestamp::parse_date_or_time(date).unwrap_or(fallback)
}

/// A replay in progress: feed it entries in ledger order with
/// [`Replay::push`], then [`Replay::finish`] it into [`Scores`].
///
/// ```
/// # use isnad_core::score::{AsOf, Params, Replay};
/// let mut replay = Replay::new(Params::default(), AsOf::Head)?;
/// // for entry in ledger.iter() { if !replay.push(&entry?)? { break } }
/// let scores = replay.finish();
/// assert_eq!(scores.sources().count(), 0);
/// # Ok::<(), isnad_core::Error>(())
/// ```
///
/// A replay can be kept and extended: [`Replay::scores`] scores what was
/// folded so far and leaves the replay ready for the next entries (a
/// server keeps one, folding each append, instead of replaying the whole
/// ledger again).
#[derive(Clone)]
pub struct Replay {
    params: Params,
    as_of: AsOf,
    facts: Facts,
    next: u64,
    stopped: bool,
}

impl Replay {
    /// A replay with `params`, folding entries up to `as_of`.
    ///
    /// # Errors
    /// [`Error::Field`] when [`Params::check`] refuses the parameters.
    pub fn new(params: Params, as_of: AsOf) -> Result<Replay, Error> {
        params.check()?;
        Ok(Replay {
            params,
            as_of,
            facts: Facts::default(),
            next: 0,
            stopped: false,
        })
    }

    /// Makes room for about `n` more entries at once, so the id index is
    /// not rebuilt again and again as it grows (each rebuild touches fresh
    /// memory, and at scale page faults cost more than the fold).
    pub fn expect_entries(&mut self, n: usize) {
        self.facts.nodes.reserve(n);
    }

    /// Folds `entry`, the next entry of the ledger. Returns `false`, folding
    /// nothing, once an entry lies beyond the as-of bound: every later entry
    /// does too (sequence numbers grow and times never go back), so the
    /// caller can stop reading.
    ///
    /// # Errors
    /// [`Error::Sequence`] when `entry` is not the next entry (the first
    /// must be entry 0): a replay must see the whole ledger, in order.
    pub fn push(&mut self, entry: &Entry) -> Result<bool, Error> {
        self.push_keyed(entry, None)
    }

    /// [`Replay::push`] with the entry's [`text_key_of`] computed already.
    pub(crate) fn push_keyed(
        &mut self,
        entry: &Entry,
        key: Option<TextKey>,
    ) -> Result<bool, Error> {
        if self.stopped {
            return Ok(false);
        }
        let seq = entry.seq();
        if seq.0 != self.next {
            return Err(Error::Sequence {
                seq,
                expected: Seq(self.next),
            });
        }
        let past = match self.as_of {
            AsOf::Head => false,
            AsOf::Seq(s) => seq > s,
            AsOf::Time(t) => entry.time() > t,
        };
        if past {
            self.stopped = true;
            return Ok(false);
        }
        self.next += 1;
        self.facts.fold(entry, key);
        self.facts.last = Some((seq, entry.time()));
        Ok(true)
    }

    /// How many entries have been folded.
    pub fn folded(&self) -> u64 {
        self.next
    }

    /// [`Replay::finish`] on a copy, keeping this replay to fold more.
    pub fn scores(&self) -> Scores {
        self.clone().finish()
    }

    /// Scores everything folded. Decay is measured from the as-of time: the
    /// time given as [`AsOf::Time`], else the time of the last entry folded.
    pub fn finish(self) -> Scores {
        let decay_time = match self.as_of {
            AsOf::Time(t) => Some(t),
            _ => self.facts.last.map(|(_, t)| t),
        };
        Scores::compute(self.params, self.facts, decay_time)
    }
}
