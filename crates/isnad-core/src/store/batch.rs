//! Several records appended as one: all of them, or none.
//!
//! An import that turns one outside document into many records (a
//! ClaimReview becomes sources, a claim and a verdict) must not leave half
//! of them behind when a later one is refused. A [`Batch`] holds the
//! writer lock, signs and checks each record against the ledger with the
//! batch's earlier records laid over it, and makes nothing part of the
//! ledger until [`Batch::commit`]. Its memory does not grow with its size:
//! every 8,192 entries it writes what waits beyond the head,
//! as an import does (`store/bulk.rs`), and dropping it uncommitted
//! removes those rows again.

use crate::store::sled_error;
use std::collections::HashMap;
use std::sync::MutexGuard;

use crate::entry::{Draft, content_key};
use crate::error::Error;
use crate::ids::SourceId;
use crate::keys::KeyPair;
use crate::record::Record;
use crate::rules::{self, MemoryView, Position, VerifiedEntry, View as _};
use crate::time::Timestamp;

use super::{Appended, IMPORT_BUFFER, Ledger};

/// Records signed and checked, waiting to be written together. Made by
/// [`Ledger::batch`]; holds the ledger's writer lock until committed or
/// dropped. Dropping it without committing writes nothing.
pub struct Batch<'l> {
    ledger: &'l Ledger,
    _writer: MutexGuard<'l, ()>,
    now: Timestamp,
    at: Position,
    fresh: MemoryView,
    pending: Vec<VerifiedEntry>,
    /// Content key → index into `pending`, so that the same record twice
    /// in one batch is one entry, as it is across appends.
    content: HashMap<[u8; 32], usize>,
    /// Rows beyond the head may exist (entries written before commit).
    bulk: bool,
    /// The last entry written beyond the head.
    last: Option<super::Head>,
    /// Entries written beyond the head.
    written: usize,
}

impl Ledger {
    /// Starts a batch of appends timed `now` (or the previous entry's time,
    /// whichever is later), holding the writer lock until it is committed
    /// or dropped.
    ///
    /// # Errors
    /// Storage errors.
    pub fn batch(&self, now: Timestamp) -> Result<Batch<'_>, Error> {
        let writer = self.lock_writer();
        let at = self.position()?;
        Ok(Batch {
            ledger: self,
            _writer: writer,
            now,
            at,
            fresh: MemoryView::new(),
            pending: Vec::new(),
            content: HashMap::new(),
            bulk: false,
            last: None,
            written: 0,
        })
    }
}

impl Drop for Batch<'_> {
    /// A batch dropped uncommitted leaves the ledger as it was: rows it
    /// wrote beyond the head go. If removing them fails, the mark stays
    /// and the next open removes them.
    fn drop(&mut self) {
        if self.bulk {
            let _ = self.ledger.discard_uncommitted();
        }
    }
}

impl Batch<'_> {
    /// Signs `record` with `key` and checks it against the ledger and the
    /// batch so far. Content the same signer already recorded (in the
    /// ledger or earlier in the batch) is returned as not new, and nothing
    /// is added.
    ///
    /// # Errors
    /// The first rule the record breaks; the batch is as it was.
    pub fn append(&mut self, key: &KeyPair, record: Record) -> Result<Appended, Error> {
        let ck = content_key(key.verifier(), &record)?;
        if let Some(&i) = self.content.get(&ck) {
            if let Some(v) = self.pending.get(i) {
                return Ok(Appended {
                    entry: v.clone(),
                    new: false,
                });
            }
        }
        if let Some(existing) = self.ledger.existing(&ck)? {
            return Ok(Appended {
                entry: existing,
                new: false,
            });
        }
        let at = self.at;
        let time = at.prev_time.map_or(self.now, |t| t.max(self.now));
        let entry = Draft::new(at.seq, at.prev, time, key.verifier().clone(), record).sign(key)?;
        let view = rules::Layered {
            base: self.ledger,
            top: &self.fresh,
        };
        let v = rules::check(entry, at, &view)?;
        self.fresh.add(&v);
        self.at = Position::after(&v);
        self.content.insert(ck, self.pending.len());
        self.pending.push(v.clone());
        if self.pending.len() >= IMPORT_BUFFER {
            self.spill()?;
        }
        Ok(Appended {
            entry: v,
            new: true,
        })
    }

    /// Writes what waits beyond the head (not yet part of the ledger); the
    /// rules and [`Ledger::existing`] see it there through the indexes.
    fn spill(&mut self) -> Result<(), Error> {
        let Some(last) = self.pending.last() else {
            return Ok(());
        };
        if !self.bulk {
            self.ledger.begin_bulk()?;
            self.bulk = true;
        }
        let head = super::Head {
            seq: last.seq(),
            hash: last.hash(),
            time: last.time(),
        };
        self.ledger.write_bulk(&self.pending)?;
        self.written += self.pending.len();
        self.last = Some(head);
        self.pending.clear();
        self.content.clear();
        self.fresh = MemoryView::new();
        Ok(())
    }

    /// True when source `id` is defined in the ledger or by the batch.
    ///
    /// # Errors
    /// Storage errors.
    pub fn has_source(&self, id: &SourceId) -> Result<bool, Error> {
        let view = rules::Layered {
            base: self.ledger,
            top: &self.fresh,
        };
        Ok(view.source(id)?.is_some())
    }

    /// The name source `id` was defined with, in the ledger or by the
    /// batch, if it is defined.
    ///
    /// # Errors
    /// Storage errors.
    pub fn source_name(&self, id: &SourceId) -> Result<Option<String>, Error> {
        let view = rules::Layered {
            base: self.ledger,
            top: &self.fresh,
        };
        let Some(seq) = view.source(id)? else {
            return Ok(None);
        };
        let pending = self.pending.iter().find(|v| v.seq() == seq);
        let entry = match pending {
            Some(v) => Some(v.entry().clone()),
            None => self.ledger.stored_entry(seq)?,
        };
        Ok(entry.and_then(|e| match e.record() {
            Record::Source(s) => Some(s.name.clone()),
            _ => None,
        }))
    }

    /// The ledger the batch appends to (reads see only committed entries).
    pub fn ledger(&self) -> &Ledger {
        self.ledger
    }

    /// How many new entries are waiting.
    pub fn len(&self) -> usize {
        self.pending.len()
    }

    /// True when nothing new is waiting.
    pub fn is_empty(&self) -> bool {
        self.pending.is_empty()
    }

    /// Writes every new entry, durably, and returns how many there were.
    /// A small batch is one transaction; a large one was written beyond the
    /// head as it grew and is committed by moving the head, as an import
    /// is, so either way a crash leaves the ledger as it was before or with
    /// all of it.
    ///
    /// # Errors
    /// Storage errors; the ledger is as it was.
    pub fn commit(mut self) -> Result<usize, Error> {
        let ledger = self.ledger;
        if !self.bulk {
            if self.pending.is_empty() {
                return Ok(0);
            }
            // Fewer than IMPORT_BUFFER entries: one transaction.
            ledger.write(&self.pending)?;
            ledger.db.flush().map_err(sled_error)?;
            return Ok(self.pending.len());
        }
        // On error, dropping the batch removes the rows.
        self.spill()?;
        let head = self.last.ok_or_else(|| Error::Corrupt {
            reason: "a bulk batch with nothing written".into(),
        })?;
        ledger.commit_bulk(head)?;
        self.bulk = false;
        Ok(self.written)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::record::{SourceBody, SourceKind};
    use crate::store::testkit::{admin_and_editor, editor, t};
    use crate::{Kind, Seq};

    fn source(id: &str) -> Record {
        Record::Source(SourceBody {
            id: id.parse().unwrap(),
            name: id.to_uppercase(),
            kind: SourceKind::Outlet,
            url: None,
            language: None,
            affiliations: vec![],
            description: None,
        })
    }

    fn ledger() -> (tempfile::TempDir, Ledger, KeyPair) {
        let dir = tempfile::tempdir().unwrap();
        let l = admin_and_editor(dir.path());
        (dir, l, editor())
    }

    #[test]
    fn nothing_is_written_until_commit_and_all_of_it_then() {
        let (_d, l, ed) = ledger();
        let mut b = l.batch(t()).unwrap();
        assert!(b.append(&ed, source("a")).unwrap().is_new());
        assert!(b.has_source(&"a".parse().unwrap()).unwrap());
        // The same record again is the same entry.
        assert!(!b.append(&ed, source("a")).unwrap().is_new());
        assert!(b.append(&ed, source("b")).unwrap().is_new());
        assert_eq!(l.len().unwrap(), 2);
        assert_eq!(b.commit().unwrap(), 2);
        assert_eq!(l.len().unwrap(), 4);
        assert_eq!(l.entry(Seq(3)).unwrap().unwrap().kind(), Kind::Source);
        l.verify(&mut |_| {}).unwrap();
        // Appending what is already stored adds nothing.
        let mut b = l.batch(t()).unwrap();
        assert!(!b.append(&ed, source("b")).unwrap().is_new());
        assert_eq!(b.commit().unwrap(), 0);
        assert_eq!(l.len().unwrap(), 4);
    }

    #[test]
    fn a_refused_record_leaves_the_batch_usable_and_a_dropped_batch_writes_nothing() {
        let (_d, l, ed) = ledger();
        let mut b = l.batch(t()).unwrap();
        b.append(&ed, source("a")).unwrap();
        // A second definition of `a` (different name) breaks the rules.
        let again = Record::Source(SourceBody {
            id: "a".parse().unwrap(),
            name: "Another".into(),
            kind: SourceKind::Person,
            url: None,
            language: None,
            affiliations: vec![],
            description: None,
        });
        assert!(b.append(&ed, again).is_err());
        assert_eq!(b.len(), 1);
        drop(b);
        assert_eq!(l.len().unwrap(), 2);
        assert!(l.source_entry(&"a".parse().unwrap()).unwrap().is_none());
    }

    #[test]
    fn a_large_batch_goes_through_the_bulk_path() {
        let (_d, l, ed) = ledger();
        let mut b = l.batch(t()).unwrap();
        let n = IMPORT_BUFFER + 10;
        for i in 0..n {
            b.append(&ed, source(&format!("s{i}"))).unwrap();
        }
        assert_eq!(b.commit().unwrap(), n);
        assert_eq!(l.len().unwrap(), 2 + n as u64);
        l.verify(&mut |_| {}).unwrap();
    }

    #[test]
    fn a_large_batch_dropped_uncommitted_leaves_the_ledger_as_it_was() {
        let (_d, l, ed) = ledger();
        let before = l.head().unwrap();
        let mut b = l.batch(t()).unwrap();
        // Past one spill: rows are written beyond the head.
        for i in 0..IMPORT_BUFFER + 10 {
            b.append(&ed, source(&format!("s{i}"))).unwrap();
        }
        // What was spilled is still found, by content and by id.
        assert!(!b.append(&ed, source("s1")).unwrap().is_new());
        assert_eq!(
            b.source_name(&"s1".parse().unwrap()).unwrap().as_deref(),
            Some("S1")
        );
        drop(b);
        assert_eq!(l.head().unwrap(), before);
        assert_eq!(l.len().unwrap(), 2);
        assert!(l.source_entry(&"s1".parse().unwrap()).unwrap().is_none());
        l.verify(&mut |_| {}).unwrap();
        // And the next batch writes from the same place.
        let mut b = l.batch(t()).unwrap();
        assert!(b.append(&ed, source("s1")).unwrap().is_new());
        assert_eq!(b.commit().unwrap(), 1);
        assert_eq!(l.len().unwrap(), 3);
    }
}
