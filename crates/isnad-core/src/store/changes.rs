//! What writing a run of verified entries changes in each tree, gathered
//! in memory first: every packed row a run touches is read once, extended
//! by all the run's entries, and written once (in one transaction for an
//! append, in per-tree batches for an import's bulk writes).

use std::collections::{BTreeMap, HashMap};

use crate::error::Error;
use crate::ids::{EntryHash, Seq, SourceId};
use crate::merkle;
use crate::record::{Change, Record};
use crate::rules::VerifiedEntry;

use super::rows::{
    self, Bucket, ENTRIES_PER_ROW, EntryRow, NodeRow, POSTINGS_PER_ROW, entry_row_key, mention_key,
    node_place,
};
use super::{Ledger, PUBLIC_KEY_PREFIX, org_rows_prefix, revoked_key, sled_error};

/// The hashed indexes, in the order of [`Changes::buckets`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Index {
    /// Leaf hash → entry.
    Ids = 0,
    /// Content key → first entry with that content.
    Content = 1,
    /// Referenced entry's hash → referring entries.
    Refs = 2,
    /// Source slug → its `source` entry.
    Sources = 3,
}

impl Index {
    /// Its sled tree's name.
    pub(super) fn tree_name(self) -> &'static str {
        match self {
            Index::Ids => "ids",
            Index::Content => "content",
            Index::Refs => "refs",
            Index::Sources => "sources",
        }
    }
}

/// The hashed indexes, in [`Index`] order.
pub(super) const INDEXES: [Index; 4] = [Index::Ids, Index::Content, Index::Refs, Index::Sources];

/// The trees a write touches, in the order of [`Changes::into_rows`]'s
/// tree numbers.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Target {
    Entries,
    Index(Index),
    Keys,
    Mentions,
    Merkle,
}

/// One thing an entry adds to the indexes (besides its row in `entries`
/// and its Merkle nodes).
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) enum IndexRecord<'a> {
    /// A record under a 32-byte key in `ids`, `content` or `refs`.
    Hashed(Index, [u8; 32]),
    /// The `sources` record of a source entry.
    Source(&'a [u8]),
    /// A row of `keys` (its value is the entry's position).
    Key(Vec<u8>),
    /// A source the entry mentions (each once).
    Mention(&'a [u8]),
}

/// A row to write: its tree, its key, its new value.
pub(super) type Row = (Target, Vec<u8>, Vec<u8>);

/// Everything `v` adds to the indexes, in a fixed order: the store's
/// writes and `verify` derive rows from this one list.
pub(super) fn index_records<'a>(
    v: &'a VerifiedEntry,
    out: &mut dyn FnMut(IndexRecord<'a>),
) -> Result<(), Error> {
    out(IndexRecord::Hashed(Index::Ids, *v.hash().as_bytes()));
    out(IndexRecord::Hashed(Index::Content, v.content_key()?));
    let mut refs: Vec<&EntryHash> = Vec::new();
    let mut mentioned: Vec<&SourceId> = Vec::new();
    match v.record() {
        Record::Key(k) => {
            out(IndexRecord::Key(k.key.as_bytes().to_vec()));
            if let Some(old) = &k.replaces {
                out(IndexRecord::Key(revoked_key(old)));
            }
            // Keyed by the raw public key too, under a prefix no key
            // string has.
            if let Ok(vk) = k.key.parse::<crate::keys::VerifierKey>() {
                let mut pk = PUBLIC_KEY_PREFIX.to_vec();
                pk.extend_from_slice(vk.verifying_key().as_bytes());
                out(IndexRecord::Key(pk));
            }
            if let Some(org) = &k.org {
                let mut row = org_rows_prefix(org);
                row.extend_from_slice(&v.seq().to_be_bytes());
                out(IndexRecord::Key(row));
            }
        }
        Record::Source(s) => {
            out(IndexRecord::Source(s.id.as_str().as_bytes()));
            mentioned.push(&s.id);
            mentioned.extend(&s.affiliations);
        }
        Record::Claim(c) => mentioned.extend(c.chain.iter().map(|h| &h.source)),
        Record::Verdict(vd) => {
            refs.push(&vd.claim);
            refs.extend(&vd.supersedes);
        }
        Record::Relation(r) => refs.extend([&r.from, &r.to]),
        Record::Amendment(a) => {
            refs.push(&a.target);
            match &a.change {
                Change::Reattribute { chain } => {
                    mentioned.extend(chain.iter().map(|h| &h.source));
                }
                Change::CorrectClaim { claim } => {
                    mentioned.extend(claim.chain.iter().map(|h| &h.source));
                }
                Change::CorrectSource { source } => {
                    mentioned.push(&source.id);
                    mentioned.extend(&source.affiliations);
                }
                Change::Retract => {}
            }
        }
        Record::Prior(p) => mentioned.push(&p.source),
        Record::Revocation(r) => out(IndexRecord::Key(revoked_key(&r.key))),
        Record::Trust(_) => {}
    }
    for target in refs {
        out(IndexRecord::Hashed(Index::Refs, *target.as_bytes()));
    }
    mentioned.sort();
    mentioned.dedup();
    for s in mentioned {
        out(IndexRecord::Mention(s.as_str().as_bytes()));
    }
    Ok(())
}

/// New values for the rows a run of entries touches.
#[derive(Default)]
pub(super) struct Changes {
    pub(super) entries: BTreeMap<[u8; 8], EntryRow>,
    /// Each touched bucket: its whole new value, or (for a bulk write,
    /// [`Changes::for_bulk`]) only the records this run adds, which
    /// [`Changes::take_deferred`] appends to the stored value.
    pub(super) buckets: [BTreeMap<[u8; 2], Bucket>; 4],
    /// Buckets hold only this run's records (see `buckets`).
    added_only: bool,
    pub(super) keys: Vec<(Vec<u8>, [u8; 8])>,
    /// Slug → (row number, positions) of its last mentions row.
    pub(super) mentions: HashMap<Vec<u8>, (u32, Vec<u8>)>,
    /// Mentions rows this run filled and left behind.
    mentions_full: Vec<(Vec<u8>, Vec<u8>)>,
    pub(super) merkle: BTreeMap<[u8; 9], NodeRow>,
    /// Merkle nodes of this run, for the left siblings of later ones.
    fresh: HashMap<(u32, u64), merkle::Hash>,
}

impl Changes {
    /// Changes for a bulk write, which may grow to millions of entries
    /// before they are written: index buckets then hold only the records
    /// the run adds (a few tens of bytes an entry), not copies of the
    /// stored buckets they extend (the whole index, soon), and are merged
    /// with the stored ones when written.
    pub(super) fn for_bulk() -> Self {
        Changes {
            added_only: true,
            ..Changes::default()
        }
    }

    /// Adds `v`, the entry after the ones already added (or after the
    /// stored ones).
    pub(super) fn add(&mut self, ledger: &Ledger, v: &VerifiedEntry) -> Result<(), Error> {
        let seq = v.seq();
        self.add_leaf(ledger, seq, v.leaf_bytes())?;
        self.add_merkle(ledger, seq, *v.hash().as_bytes())?;
        let mut result = Ok(());
        index_records(v, &mut |r| {
            if result.is_ok() {
                result = self.add_record(ledger, seq, r);
            }
        })?;
        result
    }

    fn add_record(&mut self, ledger: &Ledger, seq: Seq, r: IndexRecord<'_>) -> Result<(), Error> {
        match r {
            IndexRecord::Hashed(Index::Content, ck) => {
                let bucket = self.bucket(ledger, Index::Content, ledger.buckets.of_hash(&ck))?;
                // The content index keeps the first entry with that content
                // (against the stored records too when they are merged in,
                // `take_deferred`).
                if rows::lookup(bucket.as_bytes(), &ck).next().is_none() {
                    bucket.push(&ck, seq)?;
                }
                Ok(())
            }
            IndexRecord::Hashed(index, key) => self.bucket_push(ledger, index, &key, seq),
            IndexRecord::Source(slug) => self
                .bucket(ledger, Index::Sources, ledger.buckets.of_name(slug))?
                .push(slug, seq),
            IndexRecord::Key(k) => {
                self.keys.push((k, seq.to_be_bytes()));
                Ok(())
            }
            IndexRecord::Mention(slug) => self.mention(ledger, slug, seq),
        }
    }

    fn add_leaf(&mut self, ledger: &Ledger, seq: Seq, leaf: &[u8]) -> Result<(), Error> {
        let key = entry_row_key(seq);
        let row = match self.entries.entry(key) {
            std::collections::btree_map::Entry::Occupied(o) => o.into_mut(),
            std::collections::btree_map::Entry::Vacant(v) => {
                let stored = ledger.entries.get(key).map_err(sled_error)?;
                v.insert(stored.map_or_else(EntryRow::default, |b| EntryRow::from_stored(&b)))
            }
        };
        // The row must hold exactly the entries before this one.
        if row.count()? as u64 != seq.0 % ENTRIES_PER_ROW {
            return Err(Error::Corrupt {
                reason: format!("entry {seq}: the stored row of entries around it is not complete"),
            });
        }
        row.push(leaf);
        Ok(())
    }

    /// The leaf and every subtree it completes, into their band rows.
    fn add_merkle(&mut self, ledger: &Ledger, seq: Seq, leaf: merkle::Hash) -> Result<(), Error> {
        let (mut level, mut index) = (0u32, seq.0);
        let mut hash = leaf;
        loop {
            self.fresh.insert((level, index), hash);
            self.put_node(ledger, level, index, &hash)?;
            if index & 1 == 0 {
                break;
            }
            let left = match self.fresh.get(&(level, index - 1)) {
                Some(h) => *h,
                None => ledger.node(level, index - 1)?,
            };
            hash = merkle::node_hash(&left, &hash);
            level += 1;
            index >>= 1;
        }
        Ok(())
    }

    fn put_node(
        &mut self,
        ledger: &Ledger,
        level: u32,
        index: u64,
        hash: &merkle::Hash,
    ) -> Result<(), Error> {
        let (key, h, pos) = node_place(level, index);
        let row = match self.merkle.entry(key) {
            std::collections::btree_map::Entry::Occupied(o) => o.into_mut(),
            std::collections::btree_map::Entry::Vacant(v) => {
                let stored = ledger.merkle.get(key).map_err(sled_error)?;
                v.insert(match stored {
                    Some(b) => NodeRow::from_stored(&b)?,
                    None => NodeRow::default(),
                })
            }
        };
        row.push(h, pos, hash).map_err(|_| Error::Corrupt {
            reason: format!("Merkle node {level}/{index}: the stored tree before it is incomplete"),
        })
    }

    fn bucket(&mut self, ledger: &Ledger, index: Index, b: [u8; 2]) -> Result<&mut Bucket, Error> {
        let map = &mut self.buckets[index as usize];
        Ok(match map.entry(b) {
            std::collections::btree_map::Entry::Occupied(o) => o.into_mut(),
            std::collections::btree_map::Entry::Vacant(v) if self.added_only => {
                v.insert(Bucket::default())
            }
            std::collections::btree_map::Entry::Vacant(v) => {
                let stored = ledger.index_tree(index).get(b).map_err(sled_error)?;
                v.insert(stored.map_or_else(Bucket::default, |s| Bucket::from_stored(&s)))
            }
        })
    }

    fn bucket_push(
        &mut self,
        ledger: &Ledger,
        index: Index,
        key: &[u8; 32],
        seq: Seq,
    ) -> Result<(), Error> {
        self.bucket(ledger, index, ledger.buckets.of_hash(key))?
            .push(key, seq)
    }

    fn mention(&mut self, ledger: &Ledger, slug: &[u8], seq: Seq) -> Result<(), Error> {
        let row = match self.mentions.entry(slug.to_vec()) {
            std::collections::hash_map::Entry::Occupied(o) => o.into_mut(),
            std::collections::hash_map::Entry::Vacant(v) => {
                let last = ledger
                    .mentions
                    .scan_prefix(mention_key(slug, 0).split_at(slug.len() + 1).0)
                    .next_back()
                    .transpose()
                    .map_err(sled_error)?;
                v.insert(match last {
                    Some((k, value)) => {
                        let mut n = [0u8; 4];
                        n.copy_from_slice(&k[k.len() - 4..]);
                        (u32::from_be_bytes(n), value.to_vec())
                    }
                    None => (0, Vec::new()),
                })
            }
        };
        if row.1.len() >= 8 * POSTINGS_PER_ROW {
            // The full row stays as written; positions go on in the next.
            self.mentions_full
                .push((mention_key(slug, row.0), std::mem::take(&mut row.1)));
            row.0 += 1;
        }
        row.1.extend_from_slice(&seq.to_be_bytes());
        Ok(())
    }
}

impl Changes {
    /// Every row to write: the tree, the key, the new value.
    ///
    /// # Errors
    /// Storage errors, and a malformed stored bucket.
    pub(super) fn into_rows(mut self, ledger: &Ledger) -> Result<Vec<Row>, Error> {
        let mut out = self.take_final();
        out.extend(self.take_deferred(ledger, usize::MAX)?);
        Ok(out)
    }

    /// The rows that later entries only ever follow, never change (full
    /// mentions rows, keys) or that they change only at one end (entries
    /// and Merkle rows, read back from the store when extended), taken out
    /// to be written now. What is left is the indexes' buckets and the
    /// last mentions row of each source: an import writes those at its end
    /// rather than once per batch, as every batch would rewrite most of
    /// them (see `bulk`).
    pub(super) fn take_final(&mut self) -> Vec<Row> {
        let mut out = Vec::new();
        for (k, row) in std::mem::take(&mut self.entries) {
            out.push((Target::Entries, k.to_vec(), row.into_bytes()));
        }
        for (k, v) in self.keys.drain(..) {
            out.push((Target::Keys, k, v.to_vec()));
        }
        for (k, v) in self.mentions_full.drain(..) {
            out.push((Target::Mentions, k, v));
        }
        for (k, row) in std::mem::take(&mut self.merkle) {
            out.push((Target::Merkle, k.to_vec(), row.into_bytes()));
        }
        // Written, so readable from the store from now on.
        self.fresh.clear();
        out
    }

    /// Buckets and last mentions rows held back by [`Changes::take_final`],
    /// taken out to be written: up to `limit` buckets, then every mentions
    /// row (none left: an empty list). Buckets of a bulk write are merged with the stored
    /// ones here, a few at a time, so that writing them out never holds
    /// the whole index in memory.
    ///
    /// # Errors
    /// Storage errors, and a malformed stored bucket.
    pub(super) fn take_deferred(
        &mut self,
        ledger: &Ledger,
        limit: usize,
    ) -> Result<Vec<Row>, Error> {
        let mut out = Vec::new();
        for index in INDEXES {
            while out.len() < limit {
                let Some((k, added)) = self.buckets[index as usize].pop_first() else {
                    break;
                };
                let value = if self.added_only {
                    let stored = ledger.index_tree(index).get(k).map_err(sled_error)?;
                    merged(index, stored.as_deref().unwrap_or_default(), &added)?
                } else {
                    added.into_bytes()
                };
                out.push((Target::Index(index), k.to_vec(), value));
            }
        }
        // The mentions rows all at once: they are moved, not copied, and
        // are a few kilobytes a source at most.
        if out.len() < limit {
            for (slug, (n, v)) in std::mem::take(&mut self.mentions) {
                out.push((Target::Mentions, mention_key(&slug, n), v));
            }
        }
        Ok(out)
    }

    /// Bytes of memory held back by [`Changes::take_final`].
    pub(super) fn deferred_bytes(&self) -> usize {
        let buckets: usize = self
            .buckets
            .iter()
            .flat_map(|m| m.values())
            .map(Bucket::held_bytes)
            .sum();
        let mentions: usize = self
            .mentions
            .iter()
            .map(|(k, v)| k.capacity() + v.1.capacity())
            .sum();
        buckets + mentions
    }

    /// The records this bulk write adds to bucket `b` of `index` and has
    /// not written yet, if any (they follow the stored ones).
    pub(super) fn bucket_added(&self, index: Index, b: [u8; 2]) -> Option<&Bucket> {
        debug_assert!(self.added_only);
        self.buckets[index as usize].get(&b)
    }
}

/// A stored bucket with a bulk write's records after it; in the content
/// index a key already stored keeps its first entry.
pub(super) fn merged(index: Index, stored: &[u8], added: &Bucket) -> Result<Vec<u8>, Error> {
    if index != Index::Content {
        let mut value = Vec::with_capacity(stored.len() + added.as_bytes().len());
        value.extend_from_slice(stored);
        value.extend_from_slice(added.as_bytes());
        return Ok(value);
    }
    let known = rows::records(stored)
        .map(|r| r.map(|(k, _)| k))
        .collect::<Result<std::collections::HashSet<&[u8]>, Error>>()?;
    let mut value = Bucket::from_stored(stored);
    for r in rows::records(added.as_bytes()) {
        let (k, seq) = r?;
        if !known.contains(k) {
            value.push(k, seq)?;
        }
    }
    Ok(value.into_bytes())
}
