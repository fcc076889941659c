//! `Ledger::verify`: every entry re-checked in one pass over the store,
//! and every stored row compared with what the entries imply.
//!
//! The entries are read in order, row by row; parsing, the signatures
//! (batched) and the rules run on both cores a chunk at a time, beside the
//! in-order work of the chunk before (see [`Ledger::verify`]). What the
//! entries imply for the packed rows is gathered as it goes, in little
//! memory: a running SHA-256 of each index bucket's records and of each
//! mentions row (a stored value is exactly its records in order, so equal
//! digests are equal rows), the Merkle rows being filled (a band row is
//! compared as soon as it is complete), and the rows of `keys`. The trees
//! are then read once each and compared.

use std::collections::{HashMap, HashSet};

use rayon::prelude::*;
use sha2::{Digest as _, Sha256};

use crate::entry::Entry;
use crate::error::Error;
use crate::ids::{EntryHash, OrgId, Seq, SourceId};
use crate::merkle;
use crate::record::{Kind, Record};
use crate::rules::{self, EntryFacts, KeyFacts, Position, VerifiedEntry, View};
use crate::signatures::{self, How};

use super::changes::{INDEXES, Index, IndexRecord, index_records};
use super::rows::{self, BAND_HEIGHTS, BAND_WIDTH, NodeRow};
use super::{Ledger, VerifyReport, at_entry, sled_error};

/// The facts the rules ask of earlier entries, kept in memory as the
/// entries are read (about 80 bytes an entry), so that checking an entry
/// that refers to another never reads the other back from the store.
/// Everything else the rules ask (keys, sources, organisations) is looked
/// up in the store's small indexes.
struct Facts<'l> {
    ledger: &'l Ledger,
    hashes: Vec<[u8; 32]>,
    /// Every entry's position in `hashes`, found by the first 8 bytes of
    /// its hash (uniform, as SHA-256 output is, so they serve as the
    /// table's hash). Four bytes an entry where a map from prefix to
    /// position took sixteen: about 26 MB less at a million entries.
    by_prefix: hashbrown::HashTable<u32>,
    compact: Vec<Compact>,
    signers: Vec<String>,
    signer_ids: HashMap<String, u32>,
    /// Verdicts' claims.
    claims: Vec<EntryHash>,
    /// Source entries' ids.
    sources: Vec<SourceId>,
}

/// One entry's facts, by index into [`Facts`]' tables.
#[derive(Clone, Copy)]
struct Compact {
    kind: Kind,
    signer: u32,
    /// Into `claims`, or `u32::MAX`.
    claim: u32,
    /// Into `sources`, or `u32::MAX`.
    source: u32,
}

fn prefix(h: &[u8; 32]) -> u64 {
    let mut p = [0u8; 8];
    p.copy_from_slice(&h[..8]);
    u64::from_be_bytes(p)
}

impl<'l> Facts<'l> {
    /// Room for `n` entries, reserved at once: grown by doubling, the
    /// tables would hold up to twice what they need.
    fn new(ledger: &'l Ledger, n: usize) -> Self {
        Facts {
            ledger,
            hashes: Vec::with_capacity(n),
            by_prefix: hashbrown::HashTable::with_capacity(n),
            compact: Vec::with_capacity(n),
            signers: Vec::new(),
            signer_ids: HashMap::new(),
            claims: Vec::new(),
            sources: Vec::new(),
        }
    }

    /// Records `e`, the entry after the last one added.
    fn add(&mut self, e: &Entry) -> Result<(), Error> {
        let hash = *e.hash().as_bytes();
        let seq = u32::try_from(self.hashes.len()).map_err(|_| Error::Corrupt {
            reason: format!(
                "verify holds at most {} entries in memory; this ledger has more",
                u32::MAX
            ),
        })?;
        self.hashes.push(hash);
        let hashes = &self.hashes;
        self.by_prefix
            .insert_unique(prefix(&hash), seq, |&s| prefix(&hashes[s as usize]));
        let signer = e.signer().to_string();
        let next = self.signers.len();
        let signer = match self.signer_ids.get(&signer) {
            Some(&i) => i,
            None => {
                // Fewer than 2^32 distinct signers: keys are enrolled one
                // entry each.
                let i = u32::try_from(next).unwrap_or(u32::MAX);
                self.signers.push(signer.clone());
                self.signer_ids.insert(signer, i);
                i
            }
        };
        let (mut claim, mut source) = (u32::MAX, u32::MAX);
        match e.record() {
            Record::Verdict(v) => {
                claim = u32::try_from(self.claims.len()).unwrap_or(u32::MAX);
                self.claims.push(v.claim);
            }
            Record::Source(s) => {
                source = u32::try_from(self.sources.len()).unwrap_or(u32::MAX);
                self.sources.push(s.id.clone());
            }
            _ => {}
        }
        self.compact.push(Compact {
            kind: e.kind(),
            signer,
            claim,
            source,
        });
        Ok(())
    }

    fn seq_of(&self, id: &EntryHash) -> Option<u64> {
        let h = id.as_bytes();
        // Compared whole: two hashes sharing their first 8 bytes are two
        // elements of the table, and only the right one matches.
        self.by_prefix
            .find(prefix(h), |&s| self.hashes[s as usize] == *h)
            .map(|&s| u64::from(s))
    }
}

impl View for Facts<'_> {
    fn facts(&self, id: &EntryHash) -> Result<Option<EntryFacts>, Error> {
        let Some(seq) = self.seq_of(id) else {
            return Ok(None);
        };
        let Some(c) = usize::try_from(seq).ok().and_then(|i| self.compact.get(i)) else {
            return Ok(None);
        };
        let get = |i: u32| usize::try_from(i).ok();
        Ok(Some(EntryFacts {
            seq: Seq(seq),
            kind: c.kind,
            signer: get(c.signer)
                .and_then(|i| self.signers.get(i))
                .cloned()
                .unwrap_or_default(),
            claim: get(c.claim).and_then(|i| self.claims.get(i)).copied(),
            source: get(c.source).and_then(|i| self.sources.get(i)).cloned(),
        }))
    }

    fn key(&self, key: &str) -> Result<Option<KeyFacts>, Error> {
        self.ledger.key(key)
    }

    fn source(&self, id: &SourceId) -> Result<Option<Seq>, Error> {
        self.ledger.source(id)
    }

    fn public_key(&self, key: &[u8; 32]) -> Result<Option<Seq>, Error> {
        self.ledger.public_key(key)
    }

    fn revoked(&self, key: &str) -> Result<Option<Seq>, Error> {
        self.ledger.revoked(key)
    }

    fn org(&self, org: &OrgId) -> Result<Option<Seq>, Error> {
        self.ledger.org(org)
    }
}

/// What the entries read so far imply for the stored rows.
struct Expected {
    /// Per index, per bucket: the digest of its records so far.
    buckets: [Vec<Option<Sha256>>; 4],
    /// Content keys seen (the first 16 bytes: the index keeps the first
    /// entry with given content; 128 bits make a false match negligible).
    content_seen: HashSet<u128>,
    /// Rows of `keys` found so far.
    keys: usize,
    /// Per source: its current mentions row, the positions in it, and
    /// their digest so far.
    mentions: HashMap<Vec<u8>, (u32, usize, Sha256)>,
    /// Digests of the mentions rows already full.
    full_mentions: HashMap<Vec<u8>, [u8; 32]>,
    /// Per band: the row being filled and its number.
    bands: Vec<(u64, NodeRow)>,
    /// Merkle rows compared so far.
    merkle_rows: usize,
}

fn damaged(reason: String) -> Error {
    Error::Corrupt { reason }
}

/// The largest chunk [`Ledger::verify`] parses at a time.
const VERIFY_CHUNK: usize = 1024;

/// A chunk of leaves as read, and the read error that ended it, if any.
type LeafChunk = (Vec<(Seq, sled::IVec)>, Option<Error>);

/// The next chunk of leaves: chunks start small (a bad entry near the
/// start is found after little work) and grow. Empty at the end; a failed
/// read ends the chunk, with its error.
fn read_chunk(
    leaves: &mut (impl Iterator<Item = Result<(Seq, sled::IVec), Error>> + Send),
    sizes: &mut signatures::Chunks,
) -> LeafChunk {
    let size = sizes.next_size();
    let mut chunk: Vec<(Seq, sled::IVec)> = Vec::with_capacity(size);
    for kv in leaves.by_ref().take(size) {
        match kv {
            Ok(leaf) => chunk.push(leaf),
            Err(e) => return (chunk, Some(e)),
        }
    }
    (chunk, None)
}

/// One chunk's entries after the rules, and the error that ended the
/// chunk early (a parse or read failure after its last entry).
struct Ruled {
    results: Vec<Result<VerifiedEntry, Error>>,
    error: Option<Error>,
}

/// The last stage of [`Ledger::verify`], in ledger order: what the entries
/// checked so far imply for the stored rows, the Merkle frontier, and the
/// signed checkpoints not yet reached.
struct Tail<'s> {
    expected: Expected,
    frontier: merkle::Frontier,
    pending: std::iter::Peekable<std::slice::Iter<'s, crate::checkpoint::SignedCheckpoint>>,
    /// Entries taken in.
    n: u64,
}

impl Tail<'_> {
    /// Takes in a chunk's entries in order; the first error (an entry's,
    /// a stored row's, a root's, or the chunk's own) ends it.
    fn take(&mut self, ledger: &Ledger, ruled: Ruled) -> Result<(), Error> {
        for r in ruled.results {
            let v = r?;
            self.expected.add(ledger, &v)?;
            let index = v.seq().0;
            let mut node_error = Ok(());
            let expected = &mut self.expected;
            self.frontier
                .push_with(*v.hash().as_bytes(), &mut |level, hash| {
                    if node_error.is_ok() {
                        node_error = expected.node(ledger, level, index >> level, hash);
                    }
                });
            node_error?;
            self.check_roots()?;
            self.n += 1;
        }
        ruled.error.map_or(Ok(()), Err)
    }

    /// Every signed checkpoint of the frontier's size must have its root.
    fn check_roots(&mut self) -> Result<(), Error> {
        let size = self.frontier.size();
        while let Some(cp) = self.pending.next_if(|c| c.size() == size) {
            if cp.checkpoint().root() != &self.frontier.root() {
                return Err(Error::Checkpoint {
                    size: cp.size(),
                    reason: "its root hash is not the root of the ledger's first entries: \
                             the ledger no longer matches what the log signed"
                        .into(),
                });
            }
        }
        Ok(())
    }
}

impl Expected {
    fn new(n: usize, buckets: rows::Buckets) -> Self {
        let empty = || vec![None; buckets.count()];
        Expected {
            buckets: [empty(), empty(), empty(), empty()],
            content_seen: HashSet::with_capacity(n),
            keys: 0,
            mentions: HashMap::new(),
            full_mentions: HashMap::new(),
            bands: Vec::new(),
            merkle_rows: 0,
        }
    }

    fn record(&mut self, index: Index, key: &[u8], bucket: [u8; 2], seq: Seq) {
        let b = usize::from(u16::from_be_bytes(bucket));
        let h = self.buckets[index as usize][b].get_or_insert_with(Sha256::new);
        // Keys are at most 255 bytes (ids are 32, slugs far shorter).
        h.update([u8::try_from(key.len()).unwrap_or(u8::MAX)]);
        h.update(key);
        h.update(seq.to_be_bytes());
    }

    fn add(&mut self, ledger: &Ledger, v: &VerifiedEntry) -> Result<(), Error> {
        let seq = v.seq();
        let mut keys = Vec::new();
        index_records(v, &mut |r| match r {
            IndexRecord::Hashed(Index::Content, ck) => {
                let mut fp = [0u8; 16];
                fp.copy_from_slice(&ck[..16]);
                if self.content_seen.insert(u128::from_be_bytes(fp)) {
                    self.record(Index::Content, &ck, ledger.buckets.of_hash(&ck), seq);
                }
            }
            IndexRecord::Hashed(index, key) => {
                self.record(index, &key, ledger.buckets.of_hash(&key), seq);
            }
            IndexRecord::Source(slug) => {
                self.record(Index::Sources, slug, ledger.buckets.of_name(slug), seq);
            }
            IndexRecord::Key(k) => keys.push(k),
            IndexRecord::Mention(slug) => {
                let row = self
                    .mentions
                    .entry(slug.to_vec())
                    .or_insert_with(|| (0, 0, Sha256::new()));
                if row.1 == rows::POSTINGS_PER_ROW {
                    let done = std::mem::take(&mut row.2).finalize().into();
                    self.full_mentions
                        .insert(rows::mention_key(slug, row.0), done);
                    row.0 += 1;
                    row.1 = 0;
                }
                row.1 += 1;
                row.2.update(seq.to_be_bytes());
            }
        })?;
        // Key rows are few; read back at once, so that a lost one is
        // reported as the damage it is before a later entry's rules miss it.
        for k in keys {
            let got = ledger.keys.get(&k).map_err(sled_error)?;
            if got.as_deref() != Some(&seq.to_be_bytes()[..]) {
                return Err(damaged(format!(
                    "entry {seq}: index `keys` is missing or wrong"
                )));
            }
            self.keys += 1;
        }
        Ok(())
    }

    /// Adds Merkle node (`level`, `index`) to its band row; a row that was
    /// complete before it is compared with the stored one.
    fn node(
        &mut self,
        ledger: &Ledger,
        level: u32,
        index: u64,
        hash: &merkle::Hash,
    ) -> Result<(), Error> {
        let band = (level / BAND_HEIGHTS) as usize;
        let h = level % BAND_HEIGHTS;
        while self.bands.len() <= band {
            self.bands.push((0, NodeRow::default()));
        }
        if h == 0 && self.bands[band].1.width() == BAND_WIDTH as usize {
            self.finish_row(ledger, band)?;
            let (row, _) = self.bands[band];
            self.bands[band] = (row + 1, NodeRow::default());
        }
        let pos = index % (BAND_WIDTH >> h);
        let (row, stored) = &mut self.bands[band];
        stored.push(h, pos, hash).map_err(|_| {
            damaged(format!(
                "Merkle node {level}/{index} does not follow the nodes before it (row {row})"
            ))
        })
    }

    fn finish_row(&mut self, ledger: &Ledger, band: usize) -> Result<(), Error> {
        let (row, want) = &self.bands[band];
        if want.width() == 0 {
            return Ok(());
        }
        // Bands are few (levels / 6): the number fits.
        let key = rows::node_row_key(band as u32, *row);
        let stored = ledger.merkle.get(key).map_err(sled_error)?;
        if stored.as_deref() != Some(want.as_bytes()) {
            let first = row * (BAND_WIDTH << (band as u32 * BAND_HEIGHTS));
            return Err(damaged(format!(
                "the Merkle nodes of entries {} on (band {band}, row {row}) are missing or wrong",
                Seq(first)
            )));
        }
        self.merkle_rows += 1;
        Ok(())
    }
}

impl Ledger {
    /// Re-checks every entry in order, as [`crate::jsonl::verify_jsonl`] does for a file,
    /// plus every index row, the Merkle tree, the head and the signed
    /// checkpoints, in one pass over the store (see `store/verify.rs`).
    ///
    /// `progress` is called with the number of entries checked so far.
    ///
    /// # Errors
    /// The first bad entry and what is wrong with it, or the first stored
    /// row that does not match the entries.
    pub fn verify(&self, progress: &mut dyn FnMut(u64)) -> Result<VerifyReport, Error> {
        let mut at = Position::GENESIS;
        // The head says how many entries to expect; a damaged head only
        // makes the reservation wrong, not the check.
        let expect = usize::try_from(self.len()?).unwrap_or(0);
        let mut facts = Facts::new(self, expect);
        let signed = self.checkpoints()?;
        let mut tail = Tail {
            expected: Expected::new(expect, self.buckets),
            frontier: merkle::Frontier::new(),
            pending: signed.iter().peekable(),
            n: 0,
        };
        tail.check_roots()?;
        // Three stages overlap, so that both cores stay busy: everything
        // that depends on one entry alone runs a chunk at a time in
        // parallel (parsing, signatures batched, the rules), and beside a
        // chunk's parse run what must go in order for the chunk before it
        // (the expected rows, the Merkle frontier, the signed roots) and
        // then the reading of the chunk after it. The rules see a whole
        // chunk's facts at once because every lookup they make is limited
        // to entries before the one checked, and an entry's expected
        // position only needs the raw entry before it (if that one is bad,
        // its own error comes first). Errors still come out in ledger
        // order: a chunk's are returned only after everything before it
        // has passed. (A reader thread of its own kept about 25 MB more
        // at the end, in its allocator arena.)
        self.check_chunks(&mut facts, &mut tail, &mut at, progress)?;
        let Tail {
            mut expected,
            frontier,
            n,
            ..
        } = tail;
        progress(n);
        // What the rules needed is done with: let it go before the trees
        // are read (about 100 MB at a million entries), so that their pages
        // take its place rather than adding to it.
        drop(facts);
        expected.content_seen = HashSet::new();
        let head = self.head()?;
        let stored = head.map(|h| (h.seq, h.hash));
        let seen = (n > 0).then(|| (Seq(n - 1), at.prev));
        if stored != seen {
            return Err(damaged(format!(
                "the stored head does not match the last entry (entries: {n})"
            )));
        }
        self.check_rows(&mut expected, n)?;
        if self.tree_root(n)? != frontier.root() {
            return Err(damaged(format!(
                "the stored Merkle tree does not match the {n} entries"
            )));
        }
        if let Some(cp) = signed.iter().find(|c| c.size() > n) {
            return Err(Error::Checkpoint {
                size: cp.size(),
                reason: format!("the log signed this size but the ledger holds only {n} entries"),
            });
        }
        Ok(VerifyReport {
            entries: n,
            head: seen.map(|s| s.1),
            checkpoints: signed.len() as u64,
        })
    }

    /// The chunks of [`Ledger::verify`]: each is parsed and checked while
    /// `tail` takes in the one before it and the one after it is read.
    fn check_chunks(
        &self,
        facts: &mut Facts<'_>,
        tail: &mut Tail<'_>,
        at: &mut Position,
        progress: &mut dyn FnMut(u64),
    ) -> Result<(), Error> {
        let mut leaves = self.leaves();
        // Two chunks are held at once (one parsed, one in the tail), so
        // they are kept to a quarter of the usual size: at 4,096 entries a
        // chunk, the peak memory of a million-entry verify rose by 25 MB.
        let mut sizes = signatures::Chunks::up_to(VERIFY_CHUNK);
        let mut prev: Option<Ruled> = None;
        let (mut chunk, mut read_error) = read_chunk(&mut leaves, &mut sizes);
        loop {
            // A chunk that failed to parse or read is the last one checked:
            // its entries before the failure go through the tail, then its
            // error is the answer.
            if prev.as_ref().is_some_and(|p| p.error.is_some()) || chunk.is_empty() {
                if let Some(p) = prev.take() {
                    tail.take(self, p)?;
                }
                return read_error.map_or(Ok(()), Err);
            }
            let lines: Vec<&[u8]> = chunk.iter().map(|(_, l)| l.as_ref()).collect();
            let last = read_error.is_some();
            let (checked, (before, next)) = rayon::join(
                || {
                    signatures::parse_and_check(&lines, How::Batched, &|i, e| {
                        at_entry(chunk[i].0, e)
                    })
                },
                || {
                    let before = prev.take().map_or(Ok(()), |p| tail.take(self, p));
                    // After a failed read, nothing more is read.
                    let next = if before.is_ok() && !last {
                        read_chunk(&mut leaves, &mut sizes)
                    } else {
                        LeafChunk::default()
                    };
                    (before, next)
                },
            );
            before?;
            progress(tail.n);
            let mut ats = Vec::with_capacity(checked.entries.len());
            for e in &checked.entries {
                ats.push(*at);
                *at = Position::after(e);
                // The rules look only at entries before the one checked,
                // so the whole chunk may be known to them at once.
                facts.add(e)?;
            }
            let view = &*facts;
            let results: Vec<Result<VerifiedEntry, Error>> = checked
                .entries
                .into_par_iter()
                .zip(checked.signatures)
                .zip(ats)
                .zip(&chunk)
                .map(|(((entry, sig), at), (seq, _))| {
                    if entry.seq() != *seq {
                        return Err(Error::Sequence {
                            seq: entry.seq(),
                            expected: *seq,
                        });
                    }
                    rules::check_with(entry, at, view, Some(sig))
                })
                .collect();
            prev = Some(Ruled {
                results,
                error: checked.error.or(read_error),
            });
            (chunk, read_error) = next;
        }
    }

    /// Compares every tree with what the `n` entries imply.
    fn check_rows(&self, expected: &mut Expected, n: u64) -> Result<(), Error> {
        // Reads stop at the head, so an entry planted past it would go
        // unseen: the head's row holds nothing more, and no row follows.
        let mut beyond = self.entries.range(rows::entry_row_key(Seq(n))..);
        let in_head_row = n % rows::ENTRIES_PER_ROW;
        let extra = match beyond.next().transpose().map_err(sled_error)? {
            Some((k, row)) if in_head_row > 0 && k.as_ref() == rows::entry_row_key(Seq(n)) => {
                rows::count_spans(&row)? as u64 != in_head_row
                    || beyond.next().transpose().map_err(sled_error)?.is_some()
            }
            Some(_) => true,
            None => false,
        };
        if extra {
            return Err(damaged(format!(
                "`entries` holds rows beyond the head (entry {n} and on)"
            )));
        }
        for band in 0..expected.bands.len() {
            expected.finish_row(self, band)?;
        }
        let merkle_rows = self.merkle.len();
        if merkle_rows != expected.merkle_rows {
            return Err(damaged(format!(
                "`merkle` holds {merkle_rows} rows; the {n} entries account for {}",
                expected.merkle_rows
            )));
        }
        if self.keys.len() != expected.keys {
            return Err(damaged(format!(
                "index `keys` holds {} rows; the entries account for {}",
                self.keys.len(),
                expected.keys
            )));
        }
        // The hashed indexes and the mentions, each read once, one after
        // another: read in parallel, their pages came in faster than sled's
        // cache let them go, and the check's peak memory rose by about
        // 120 MB at a million entries (docs/PERFORMANCE.md).
        let trees: Vec<(Option<Index>, &sled::Tree)> = INDEXES
            .iter()
            .map(|&i| (Some(i), self.index_tree(i)))
            .chain([(None, &self.mentions)])
            .collect();
        let mut mentions = std::mem::take(&mut expected.full_mentions);
        for (slug, (row, _, h)) in std::mem::take(&mut expected.mentions) {
            mentions.insert(rows::mention_key(&slug, row), h.finalize().into());
        }
        let buckets: Vec<Vec<Option<[u8; 32]>>> = std::mem::take(&mut expected.buckets)
            .into_iter()
            .map(|v| {
                v.into_iter()
                    .map(|h| h.map(|h| h.finalize().into()))
                    .collect()
            })
            .collect();
        for (index, tree) in &trees {
            match index {
                Some(i) => check_buckets(tree, *i, &buckets[*i as usize])?,
                None => check_mentions(tree, &mentions)?,
            }
        }
        Ok(())
    }
}

fn check_buckets(tree: &sled::Tree, index: Index, want: &[Option<[u8; 32]>]) -> Result<(), Error> {
    let name = index.tree_name();
    let mut rows_seen = 0usize;
    for kv in tree.iter() {
        let (k, v) = kv.map_err(sled_error)?;
        let b = <[u8; 2]>::try_from(k.as_ref())
            .ok()
            .map(|b| usize::from(u16::from_be_bytes(b)));
        let expected = b.and_then(|b| want.get(b)).copied().flatten();
        let got: [u8; 32] = Sha256::digest(&v).into();
        if expected != Some(got) {
            return Err(damaged(format!(
                "index `{name}` is wrong in bucket {}: its records are not those the entries imply",
                b.map_or_else(|| "(malformed key)".into(), |b| b.to_string())
            )));
        }
        rows_seen += 1;
    }
    let rows_wanted = want.iter().filter(|w| w.is_some()).count();
    if rows_seen != rows_wanted {
        return Err(damaged(format!(
            "index `{name}` holds {rows_seen} buckets; the entries account for {rows_wanted}"
        )));
    }
    Ok(())
}

fn check_mentions(tree: &sled::Tree, want: &HashMap<Vec<u8>, [u8; 32]>) -> Result<(), Error> {
    let mut rows_seen = 0usize;
    for kv in tree.iter() {
        let (k, v) = kv.map_err(sled_error)?;
        let got: [u8; 32] = Sha256::digest(&v).into();
        if want.get(k.as_ref()) != Some(&got) {
            let slug = k.split(|&b| b == 0).next().unwrap_or_default();
            return Err(damaged(format!(
                "index `mentions` is wrong for source `{}`",
                String::from_utf8_lossy(slug)
            )));
        }
        rows_seen += 1;
    }
    if rows_seen != want.len() {
        return Err(damaged(format!(
            "index `mentions` holds {rows_seen} rows; the entries account for {}",
            want.len()
        )));
    }
    Ok(())
}
