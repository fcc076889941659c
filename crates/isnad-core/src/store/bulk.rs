//! Bulk writes: an import's entries go to the store as they are checked, in
//! large per-tree batches, and become part of the ledger only when the head
//! moves past them.
//!
//! The head is the commit point. Rows beyond it are never read as ledger
//! entries: [`Ledger::entry`], [`Ledger::leaves`] and [`Ledger::iter`]
//! stop at the head. A mark in `meta`, written and flushed before the first
//! row, says that rows beyond the head may exist; the head moves and the
//! mark goes in one atomic batch. If the import fails, or the process dies,
//! the rows are removed ([`Ledger::discard_uncommitted`], run by
//! [`Ledger::open`] whenever it finds the mark), leaving the ledger exactly
//! as it was.
//!
//! Why not one sled transaction per chunk, as an append uses: across nine
//! trees they cost most of an import's time, and holding every entry until
//! all are checked costs memory in proportion to the file.

use crate::store::sled_error;
use rayon::prelude::*;

use crate::error::Error;
use crate::ids::Seq;
use crate::rules::VerifiedEntry;

use super::changes::{Changes, INDEXES, Row};
use super::{Head, Ledger, rows, seq_of};

/// Memory an import's held-back index records and mentions rows may take
/// before it writes them anyway (see [`super::changes::Changes::take_final`]):
/// about 100 to 200 bytes an entry, so an import writes them out every
/// 200,000 entries or so, each time reading and rewriting the buckets it
/// added to (measured at 2,000,000 entries: docs/PERFORMANCE.md).
pub(super) const DEFERRED_BYTES: usize = 32 << 20;

/// Rows handed to sled in one batch by [`Ledger::apply_rows`].
const APPLY_ROWS: usize = 1024;

/// Held-back buckets merged with the stored ones and written at a time
/// (each a few kilobytes to a few tens of kilobytes): a few megabytes.
const FLUSH_BUCKETS: usize = 256;

/// `meta` key present while rows beyond the head may exist.
pub(super) const BULK_MARK: &str = "bulk";

impl Ledger {
    /// Marks, durably, that rows beyond the head are about to be written.
    pub(super) fn begin_bulk(&self) -> Result<(), Error> {
        self.meta
            .insert(BULK_MARK, &self.len()?.to_be_bytes())
            .map_err(sled_error)?;
        self.db.flush().map_err(sled_error)?;
        Ok(())
    }

    /// Writes checked entries, which must follow the last one written,
    /// without moving the head. One sled batch per tree, applied in
    /// parallel.
    pub(super) fn write_bulk(&self, batch: &[VerifiedEntry]) -> Result<(), Error> {
        let mut deferred = self.deferred_changes();
        let changes = deferred.get_or_insert_with(|| Box::new(Changes::for_bulk()));
        for v in batch {
            changes.add(self, v)?;
        }
        let rows = changes.take_final();
        let flush = changes.deferred_bytes() > self.deferred_cap;
        drop(deferred);
        self.apply_rows(rows)?;
        if flush {
            self.flush_deferred()?;
        }
        Ok(())
    }

    /// Writes the index records and mentions rows held back, a slice of
    /// buckets at a time. The lock stays held throughout, so that a lookup
    /// never falls between a bucket taken out and its merged value
    /// written.
    fn flush_deferred(&self) -> Result<(), Error> {
        let mut deferred = self.deferred_changes();
        let Some(changes) = deferred.as_mut() else {
            return Ok(());
        };
        loop {
            let rows = changes.take_deferred(self, FLUSH_BUCKETS)?;
            if rows.is_empty() {
                return Ok(());
            }
            self.apply_rows(rows)?;
        }
    }

    /// Writes rows in batches per tree, each tree's in parallel with the
    /// others'. Rows are handed to sled a few thousand at a time: a batch
    /// holds a copy of every value until it is applied.
    fn apply_rows(&self, rows: Vec<Row>) -> Result<(), Error> {
        let trees = self.write_trees();
        let mut per_tree: Vec<Vec<(Vec<u8>, Vec<u8>)>> = trees.iter().map(|_| Vec::new()).collect();
        for (target, k, v) in rows {
            per_tree[Ledger::target_number(target)].push((k, v));
        }
        trees
            .par_iter()
            .zip(per_tree)
            .try_for_each(|(tree, rows)| {
                let mut rows = rows.into_iter().peekable();
                while rows.peek().is_some() {
                    let mut b = sled::Batch::default();
                    for (k, v) in rows.by_ref().take(APPLY_ROWS) {
                        b.insert(k, v);
                    }
                    tree.apply_batch(b)?;
                }
                Ok(())
            })
            .map_err(sled_error)?;
        Ok(())
    }

    pub(super) fn commit_bulk(&self, head: Head) -> Result<(), Error> {
        // The buckets and mentions rows held back, before the head moves
        // past the entries they index.
        let rows = match self.deferred_changes().as_mut() {
            Some(changes) => changes.take_final(),
            None => Vec::new(),
        };
        self.apply_rows(rows)?;
        self.flush_deferred()?;
        *self.deferred_changes() = None;
        let mut b = sled::Batch::default();
        b.insert("head", &head.to_bytes()[..]);
        b.remove(BULK_MARK);
        self.meta.apply_batch(b).map_err(sled_error)?;
        self.db.flush().map_err(sled_error)?;
        Ok(())
    }

    /// True when a bulk write began and did not commit: rows beyond the
    /// head may exist.
    pub(super) fn bulk_pending(&self) -> Result<bool, Error> {
        self.meta.contains_key(BULK_MARK).map_err(sled_error)
    }

    /// Removes every row that belongs to an entry beyond the head (rows a
    /// bulk write left when it failed or its process died), forgets what
    /// the in-memory caches learnt from them, removes the mark and flushes.
    /// Returns the number of rows removed.
    ///
    /// Index rows are found by the sequence number each carries (in its
    /// value, or at the end of its key), so a batch that was only partly
    /// written is removed as completely as a whole one. This reads every
    /// index: it runs only after a failed import.
    pub(super) fn discard_uncommitted(&self) -> Result<u64, Error> {
        *self.deferred_changes() = None;
        let len = self.len()?;
        let mut changed = 0u64;
        // Entries: the head's row cut back to the entries before the head,
        // the rows after it removed.
        let mut doomed: Vec<sled::IVec> = Vec::new();
        let head_row = rows::entry_row_key(Seq(len));
        for kv in self.entries.range(head_row..) {
            let (k, v) = kv.map_err(sled_error)?;
            if len % rows::ENTRIES_PER_ROW > 0 && k.as_ref() == head_row {
                let mut row = rows::EntryRow::from_stored(&v);
                row.truncate((len % rows::ENTRIES_PER_ROW) as usize)?;
                self.entries.insert(k, row.as_bytes()).map_err(sled_error)?;
                changed += 1;
            } else {
                doomed.push(k);
            }
        }
        changed += remove_all(&self.entries, &mut doomed)?;
        // Hashed indexes: the records of entries past the head dropped.
        for index in INDEXES {
            let tree = self.index_tree(index);
            let mut b = sled::Batch::default();
            for kv in tree.iter() {
                let (k, v) = kv.map_err(sled_error)?;
                let mut bucket = rows::Bucket::from_stored(&v);
                if bucket.retain_below(Seq(len))? {
                    changed += 1;
                    if bucket.as_bytes().is_empty() {
                        b.remove(k);
                    } else {
                        b.insert(k, bucket.as_bytes());
                    }
                }
            }
            tree.apply_batch(b).map_err(sled_error)?;
        }
        for kv in self.keys.iter() {
            let (k, v) = kv.map_err(sled_error)?;
            if seq_of(&v)?.0 >= len {
                doomed.push(k);
            }
        }
        changed += remove_all(&self.keys, &mut doomed)?;
        let mut b = sled::Batch::default();
        for kv in self.mentions.iter() {
            let (k, v) = kv.map_err(sled_error)?;
            let kept: Vec<u8> = rows::postings(&v)?
                .filter(|s| s.0 < len)
                .flat_map(|s| s.to_be_bytes())
                .collect();
            if kept.len() != v.len() {
                changed += 1;
                if kept.is_empty() {
                    b.remove(k);
                } else {
                    b.insert(k, kept);
                }
            }
        }
        self.mentions.apply_batch(b).map_err(sled_error)?;
        // Merkle rows: each band keeps the nodes over the first entries.
        let mut b = sled::Batch::default();
        for kv in self.merkle.iter() {
            let (k, v) = kv.map_err(sled_error)?;
            let (band, row) = match (k.first(), k.get(1..).map(seq_of)) {
                (Some(&band), Some(Ok(row))) => (u32::from(band), row.0),
                _ => {
                    return Err(Error::Corrupt {
                        reason: "a Merkle row has a malformed key".into(),
                    });
                }
            };
            // Nodes at the band's lowest level over the first `len` entries.
            let lowest = len.checked_shr(band * rows::BAND_HEIGHTS).unwrap_or(0);
            let keep = lowest
                .saturating_sub(row * rows::BAND_WIDTH)
                .min(rows::BAND_WIDTH);
            let mut r = rows::NodeRow::from_stored(&v)?;
            if (keep as usize) < r.width() {
                changed += 1;
                if keep == 0 {
                    b.remove(k);
                } else {
                    r.truncate(keep as usize);
                    b.insert(k, r.as_bytes());
                }
            }
        }
        self.merkle.apply_batch(b).map_err(sled_error)?;
        self.forget_cached();
        self.meta.remove(BULK_MARK).map_err(sled_error)?;
        self.db.flush().map_err(sled_error)?;
        Ok(changed)
    }
}

fn remove_all(tree: &sled::Tree, keys: &mut Vec<sled::IVec>) -> Result<u64, Error> {
    let n = keys.len() as u64;
    let mut b = sled::Batch::default();
    for k in keys.drain(..) {
        b.remove(k);
    }
    tree.apply_batch(b).map_err(sled_error)?;
    Ok(n)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::testkit::{admin_and_editor, editor, outlet, t};

    type Dump = Vec<(Vec<u8>, Vec<(Vec<u8>, Vec<u8>)>)>;

    /// Every row of every tree.
    fn dump(l: &Ledger) -> Dump {
        let mut out = Vec::new();
        for name in l.db.tree_names() {
            let rows =
                l.db.open_tree(&name)
                    .unwrap()
                    .iter()
                    .map(|kv| {
                        let (k, v) = kv.unwrap();
                        (k.to_vec(), v.to_vec())
                    })
                    .collect();
            out.push((name.to_vec(), rows));
        }
        out.sort();
        out
    }

    /// An export of `n` outlets after a founding admin and an editor.
    fn export(n: usize) -> Vec<Vec<u8>> {
        let dir = tempfile::tempdir().unwrap();
        let l = admin_and_editor(&dir.path().join("l"));
        for i in 0..n {
            l.append(&editor(), outlet(i), t()).unwrap();
        }
        l.leaves().map(|kv| kv.unwrap().1.to_vec()).collect()
    }

    fn jsonl(lines: &[Vec<u8>]) -> Vec<u8> {
        lines
            .iter()
            .flat_map(|l| l.iter().copied().chain([b'\n']))
            .collect()
    }

    /// A ledger holding the first `n` lines.
    fn with_prefix(dir: &std::path::Path, lines: &[Vec<u8>], n: usize) -> Ledger {
        let l = Ledger::create(&dir.join("l")).unwrap();
        l.import_jsonl(&mut &jsonl(&lines[..n])[..], t(), &mut |_| {})
            .unwrap();
        l
    }

    // An import written in many bulk batches gives the same ledger as the
    // appends that made the export.
    #[test]
    fn bulk_import_gives_the_same_ledger() {
        let lines = export(300);
        let dir = tempfile::tempdir().unwrap();
        let l = with_prefix(dir.path(), &lines, 5);
        let r = l
            .import_buffered(&mut &jsonl(&lines)[..], Seq(0), t(), &mut |_| {}, 16)
            .unwrap();
        assert_eq!((r.existing, r.added), (5, lines.len() as u64 - 5));
        let got: Vec<Vec<u8>> = l.leaves().map(|kv| kv.unwrap().1.to_vec()).collect();
        assert_eq!(got, lines);
        assert_eq!(l.verify(&mut |_| {}).unwrap().entries, lines.len() as u64);
        assert!(!l.bulk_pending().unwrap());
    }

    // A bad line after several bulk batches were written: the error names
    // it, and every row those batches wrote is gone.
    #[test]
    fn failed_bulk_import_leaves_the_ledger_as_it_was() {
        let mut lines = export(300);
        let dir = tempfile::tempdir().unwrap();
        let l = with_prefix(dir.path(), &lines, 5);
        let before = dump(&l);
        let last = lines.len() - 1;
        let mut bad = lines[last].clone();
        let at = bad.len() - 20;
        bad[at] ^= 1;
        lines[last] = bad;
        let err = l
            .import_buffered(&mut &jsonl(&lines)[..], Seq(0), t(), &mut |_| {}, 16)
            .unwrap_err();
        assert!(
            err.to_string().contains(&format!("line {}", last + 1)),
            "{err}"
        );
        assert_eq!(dump(&l), before);
        assert_eq!(l.verify(&mut |_| {}).unwrap().entries, 5);
        // The caches forgot the discarded entries: the same import, fixed,
        // goes through.
        lines.pop();
        l.import_buffered(&mut &jsonl(&lines)[..], Seq(0), t(), &mut |_| {}, 16)
            .unwrap();
        assert_eq!(l.verify(&mut |_| {}).unwrap().entries, lines.len() as u64);
    }

    // Held-back index records written out after every batch (as a large
    // import does every few hundred thousand entries) are merged with the
    // stored buckets: the same rows, row for row, as an import that holds
    // them to the end, and lookups during the import find them.
    #[test]
    fn index_records_written_out_mid_import_give_the_same_rows() {
        let lines = export(300);
        let held = tempfile::tempdir().unwrap();
        let l = with_prefix(held.path(), &lines, 5);
        l.import_buffered(&mut &jsonl(&lines)[..], Seq(0), t(), &mut |_| {}, 16)
            .unwrap();
        let flushed = tempfile::tempdir().unwrap();
        let mut f = with_prefix(flushed.path(), &lines, 5);
        f.deferred_cap = 0;
        f.import_buffered(&mut &jsonl(&lines)[..], Seq(0), t(), &mut |_| {}, 16)
            .unwrap();
        assert_eq!(dump(&f), dump(&l));
        assert_eq!(f.verify(&mut |_| {}).unwrap().entries, lines.len() as u64);
        // A failed import after some were written out leaves the ledger
        // as it was.
        let failed = tempfile::tempdir().unwrap();
        let mut g = with_prefix(failed.path(), &lines, 5);
        g.deferred_cap = 0;
        let before = dump(&g);
        let mut bad = lines.clone();
        bad.push(b"{}".to_vec());
        g.import_buffered(&mut &jsonl(&bad)[..], Seq(0), t(), &mut |_| {}, 16)
            .unwrap_err();
        assert_eq!(dump(&g), before);
    }

    // Merging a bulk write's records into a stored bucket: appended in
    // order, except that the content index keeps a key's first entry.
    #[test]
    fn merged_buckets_keep_the_first_content_entry() {
        use crate::store::rows::Bucket;
        let (a, b) = ([1u8; 32], [2u8; 32]);
        let mut stored = Bucket::default();
        stored.push(&a, Seq(1)).unwrap();
        let mut added = Bucket::default();
        added.push(&a, Seq(5)).unwrap();
        added.push(&b, Seq(6)).unwrap();
        let records = |v: &[u8]| -> Vec<(Vec<u8>, Seq)> {
            rows::records(v)
                .map(|r| r.map(|(k, s)| (k.to_vec(), s)).unwrap())
                .collect()
        };
        let merged =
            |index| super::super::changes::merged(index, stored.as_bytes(), &added).unwrap();
        let content = merged(super::super::changes::Index::Content);
        assert_eq!(
            records(&content),
            [(a.to_vec(), Seq(1)), (b.to_vec(), Seq(6))]
        );
        let ids = merged(super::super::changes::Index::Ids);
        assert_eq!(
            records(&ids),
            [
                (a.to_vec(), Seq(1)),
                (a.to_vec(), Seq(5)),
                (b.to_vec(), Seq(6))
            ]
        );
    }

    // The Merkle rows a failed import read while it wrote (kept for the
    // proofs that follow) held nodes of entries it then removed; a
    // different entry at the same position must give the ledger's own
    // roots and proofs, not the kept ones.
    #[test]
    fn a_failed_import_leaves_no_merkle_nodes_behind_in_memory() {
        let mut lines = export(300);
        let dir = tempfile::tempdir().unwrap();
        let l = with_prefix(dir.path(), &lines, 5);
        lines.push(b"{}".to_vec());
        l.import_buffered(&mut &jsonl(&lines)[..], Seq(0), t(), &mut |_| {}, 16)
            .unwrap_err();
        for i in 0..80 {
            l.append(&editor(), outlet(10_000 + i), t()).unwrap();
        }
        let leaves: Vec<crate::merkle::Hash> =
            l.iter().map(|e| *e.unwrap().hash().as_bytes()).collect();
        let n = leaves.len() as u64;
        assert_eq!(l.tree_root(n).unwrap(), crate::merkle::root(&leaves));
        for i in [0, 5, 6, 63, 64, n - 1] {
            assert_eq!(
                l.inclusion_proof(i, n).unwrap(),
                crate::merkle::inclusion_proof(&leaves, i).unwrap(),
                "entry {i}"
            );
        }
        l.verify(&mut |_| {}).unwrap();
    }

    // A process that dies in the middle of an import leaves rows beyond the
    // head. Until then nothing reads them as entries; the next open removes
    // them, leaving the ledger exactly as it was.
    #[test]
    fn rows_left_by_a_dead_import_are_removed_on_open() {
        let mut lines = export(200);
        let dir = tempfile::tempdir().unwrap();
        let l = with_prefix(dir.path(), &lines, 5);
        let before = dump(&l);
        lines.push(b"{}".to_vec());
        let mut bulk = false;
        let _w = l.lock_writer();
        l.import_locked(
            &mut &jsonl(&lines)[..],
            Seq(0),
            t(),
            &mut |_| {},
            16,
            &mut bulk,
        )
        .unwrap_err();
        drop(_w);
        assert!(bulk && l.bulk_pending().unwrap());
        assert!(l.entries.len() > 5, "the import wrote rows beyond the head");
        assert_eq!(l.len().unwrap(), 5);
        assert_eq!(l.iter().count(), 5);
        assert_eq!(l.leaves().count(), 5);
        assert!(l.entry(Seq(5)).unwrap().is_none());
        drop(l);
        let l = Ledger::open(&dir.path().join("l")).unwrap();
        assert_eq!(dump(&l), before);
        assert_eq!(l.verify(&mut |_| {}).unwrap().entries, 5);
    }
}
