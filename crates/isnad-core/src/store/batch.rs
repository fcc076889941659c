//! Several records appended as one: all of them, or none.
//!
//! An import that turns one outside document into many records (a
//! ClaimReview becomes sources, a claim and a verdict) must not leave half
//! of them behind when a later one is refused. A [`Batch`] holds the
//! writer lock, signs and checks each record against the ledger with the
//! batch's earlier records laid over it, and writes nothing until
//! [`Batch::commit`].

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
        })
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
        Ok(Appended {
            entry: v,
            new: true,
        })
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
    /// A small batch is one transaction; a large one is written beyond the
    /// head and committed by moving the head, as an import is, so either
    /// way a crash leaves the ledger as it was before or with all of it.
    ///
    /// # Errors
    /// Storage errors; the ledger is as it was.
    pub fn commit(self) -> Result<usize, Error> {
        let Some(last) = self.pending.last() else {
            return Ok(0);
        };
        let ledger = self.ledger;
        if self.pending.len() <= IMPORT_BUFFER {
            ledger.write(&self.pending)?;
            ledger.db.flush().map_err(Error::storage)?;
            return Ok(self.pending.len());
        }
        let head = super::Head {
            seq: last.seq(),
            hash: last.hash(),
            time: last.time(),
        };
        let written = (|| {
            ledger.begin_bulk()?;
            for chunk in self.pending.chunks(IMPORT_BUFFER) {
                ledger.write_bulk(chunk)?;
            }
            ledger.commit_bulk(head)
        })();
        if let Err(e) = written {
            // If removing the rows fails too, the mark stays and the next
            // open removes them.
            let _ = ledger.discard_uncommitted();
            return Err(e);
        }
        Ok(self.pending.len())
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
}
