//! Rebuilding a ledger of the first store format in the current one.
//!
//! Store format 1 (`<dir>/db`) kept one sled row per entry, per index key
//! and per Merkle node; format 2 (`<dir>/store`) packs them (see
//! [`super::rows`]). Nothing about the ledger itself changes: the entries,
//! their hashes, the signed checkpoints and the log's key are carried over
//! byte for byte, and every entry is checked again on the way, as an
//! import checks it (signatures, rules, hash chain).
//!
//! The steps, and what a kill at each leaves:
//!
//! 1. the new store is built in `<dir>/.migrating/store`; a kill leaves the
//!    old database untouched and the next open starts again;
//! 2. it is renamed to `<dir>/store` (one atomic rename, the commit point);
//! 3. the marker file is rewritten to name format 2;
//! 4. the old database and the work directory are removed.
//!
//! After step 2 an open finds the new store and finishes steps 3 and 4
//! ([`finish`]), so a ledger opens as before or as migrated, never neither.

use std::io::{BufRead, Read};
use std::path::{Path, PathBuf};

use crate::error::Error;
use crate::ids::Seq;
use crate::time::Timestamp;

use super::{
    FORMAT_TAG_V1, Head, Ledger, MARKER_FILE, OpenOptions, StoreFormat, db_path, io, marker_bytes,
    marker_of, open_db, sled_error, tiles::write_atomic, v1_db_path,
};

/// What a migration did.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct MigrateReport {
    /// The store format the ledger had: 1 (migrated), or its own (2 or 3)
    /// if it needed nothing.
    pub from: u32,
    /// Entries carried over (and checked again).
    pub entries: u64,
    /// Signed checkpoints carried over.
    pub checkpoints: u64,
}

fn work_dir(dir: &Path) -> PathBuf {
    dir.join(".migrating")
}

/// True when the ledger in `dir` is of the first store format and opening
/// it will rebuild its store (see [`migrate`]).
pub fn needs_migration(dir: &Path) -> bool {
    std::fs::read(dir.join(MARKER_FILE)).is_ok_and(|b| b == marker_of(FORMAT_TAG_V1))
        && !db_path(dir).join("conf").is_file()
        && v1_db_path(dir).join("conf").is_file()
}

/// Rebuilds the store of the ledger in `dir` in the current format, if it
/// has the first one; `progress` hears how many entries are done.
///
/// # Errors
/// [`Error::NotALedger`] when `dir` is not a ledger, [`Error::InUse`] when
/// another process has it open, and any entry that fails its checks (the
/// ledger is then left as it was).
pub fn migrate(dir: &Path, progress: &mut dyn FnMut(u64)) -> Result<MigrateReport, Error> {
    if !needs_migration(dir) {
        // Opening finishes an interrupted migration, and checks the rest.
        let ledger = Ledger::open(dir)?;
        return Ok(MigrateReport {
            from: ledger.store_format(),
            entries: ledger.len()?,
            checkpoints: ledger.checkpoints.len() as u64,
        });
    }
    migrate_with(dir, &OpenOptions::default(), progress)
}

/// [`migrate`] of a ledger known to need it.
pub(super) fn migrate_with(
    dir: &Path,
    options: &OpenOptions,
    progress: &mut dyn FnMut(u64),
) -> Result<MigrateReport, Error> {
    let old = open_db(dir, StoreFormat::V1, options)?;
    let meta = old.open_tree("meta").map_err(sled_error)?;
    if meta.get("format").map_err(sled_error)?.as_deref() != Some(FORMAT_TAG_V1) {
        return Err(Error::NotALedger {
            path: dir.display().to_string(),
            reason: "its database's format tag is missing or unknown".into(),
        });
    }
    let head = meta
        .get("head")
        .map_err(sled_error)?
        .map(|b| Head::from_bytes(&b))
        .transpose()?;
    let len = head.map_or(0, |h| h.seq.0 + 1);
    let work = work_dir(dir);
    if work.exists() {
        // Left by a migration that was killed before its commit point.
        std::fs::remove_dir_all(&work).map_err(|e| io(&work, e))?;
    }
    std::fs::create_dir_all(&work).map_err(|e| io(&work, e))?;
    let built = build(&old, &work, len, progress);
    let report = match built {
        Ok(r) => r,
        Err(e) => {
            let _ = std::fs::remove_dir_all(&work);
            return Err(e);
        }
    };
    if let (Some(h), Some(last)) = (head, report.1) {
        if h != last {
            let _ = std::fs::remove_dir_all(&work);
            return Err(Error::Corrupt {
                reason: "the old store's head does not match its last entry".into(),
            });
        }
    }
    drop(old);
    sync(&db_path(&work))?;
    sync(&work)?;
    // The commit point.
    std::fs::rename(db_path(&work), db_path(dir)).map_err(|e| io(&db_path(dir), e))?;
    sync(dir)?;
    finish(dir)?;
    Ok(MigrateReport {
        from: 1,
        entries: len,
        checkpoints: report.0,
    })
}

/// Builds the new store in `work` from the old database's first `len`
/// entries, its log key and its checkpoints. Returns the checkpoints
/// carried over and the new store's head.
fn build(
    old: &sled::Db,
    work: &Path,
    len: u64,
    progress: &mut dyn FnMut(u64),
) -> Result<(u64, Option<Head>), Error> {
    let ledger = Ledger::create_here(work, &super::OpenOptions::default())?;
    let entries = old.open_tree("entries").map_err(sled_error)?;
    let mut lines = OldEntries {
        rows: entries.range(..Seq(len).to_be_bytes()),
        next: 0,
        line: Vec::new(),
        at: 0,
    };
    // The entries were accepted when they were appended: a clock that has
    // gone back since must not refuse them now.
    let now = Timestamp::from_unix(i64::MAX / 4);
    let report = ledger
        .import_jsonl(&mut lines, now, progress)
        .map_err(|e| match e {
            // Lines of the old store are its entries, from the first.
            Error::Line { error, .. } => Error::Corrupt {
                reason: format!("the store to migrate fails its checks: {error}"),
            },
            e => e,
        })?;
    if report.added != len {
        return Err(Error::Corrupt {
            reason: format!("the old store holds {} of its {len} entries", report.added),
        });
    }
    let old_meta = old.open_tree("meta").map_err(sled_error)?;
    if let Some(key) = old_meta.get(super::log::LOG_KEY).map_err(sled_error)? {
        ledger
            .meta
            .insert(super::log::LOG_KEY, key)
            .map_err(sled_error)?;
    }
    let mut checkpoints = 0;
    for kv in old.open_tree("checkpoints").map_err(sled_error)?.iter() {
        let (k, v) = kv.map_err(sled_error)?;
        ledger.checkpoints.insert(k, v).map_err(sled_error)?;
        checkpoints += 1;
    }
    ledger.flush()?;
    // The checkpoints were carried over as bytes: each must still be signed
    // by the log key and name the root of the entries it covers.
    for cp in ledger.checkpoints()? {
        if cp.size() > len || ledger.tree_root(cp.size())? != *cp.checkpoint().root() {
            return Err(Error::Checkpoint {
                size: cp.size(),
                reason: "the store to migrate kept a checkpoint that does not match its entries"
                    .into(),
            });
        }
    }
    let head = ledger.head()?;
    Ok((checkpoints, head))
}

/// Completes a migration whose new store is in place (steps 3 and 4), and
/// removes what a killed one left; does nothing on a ledger that needs
/// nothing.
pub(super) fn finish(dir: &Path) -> Result<(), Error> {
    if !db_path(dir).join("conf").is_file() {
        return Ok(());
    }
    // Only a first-format marker is left behind by a migration; a
    // second-format ledger keeps its own (it is read as it is).
    let marker = dir.join(MARKER_FILE);
    if std::fs::read(&marker).ok().as_deref() == Some(marker_of(FORMAT_TAG_V1).as_slice()) {
        write_atomic(&marker, &marker_bytes())?;
    }
    for leftover in [v1_db_path(dir), work_dir(dir)] {
        if leftover.exists() {
            std::fs::remove_dir_all(&leftover).map_err(|e| io(&leftover, e))?;
        }
    }
    Ok(())
}

fn sync(path: &Path) -> Result<(), Error> {
    std::fs::File::open(path)
        .and_then(|f| f.sync_all())
        .map_err(|e| io(path, e))
}

/// The old database's entries as the lines of an export.
struct OldEntries {
    rows: sled::Iter,
    next: u64,
    line: Vec<u8>,
    at: usize,
}

impl OldEntries {
    /// Makes the next entry's line current once the last is consumed;
    /// false at the end.
    fn refill(&mut self) -> std::io::Result<bool> {
        if self.at < self.line.len() {
            return Ok(true);
        }
        let Some(kv) = self.rows.next() else {
            return Ok(false);
        };
        let (k, v) = kv.map_err(std::io::Error::other)?;
        if k.as_ref() != self.next.to_be_bytes() {
            return Err(std::io::Error::other(format!(
                "entry {} is missing from the old store",
                Seq(self.next)
            )));
        }
        self.next += 1;
        self.line.clear();
        self.line.extend_from_slice(&v);
        self.line.push(b'\n');
        self.at = 0;
        Ok(true)
    }
}

impl Read for OldEntries {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.fill_buf()?.read(buf)?;
        self.consume(n);
        Ok(n)
    }
}

impl BufRead for OldEntries {
    fn fill_buf(&mut self) -> std::io::Result<&[u8]> {
        self.refill()?;
        Ok(&self.line[self.at..])
    }

    fn consume(&mut self, amt: usize) {
        self.at = (self.at + amt).min(self.line.len());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A copy of the format-1 demo ledger of the repository's fixtures.
    fn v1_ledger(to: &Path) {
        let from = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures/store-v1/demo");
        copy(&from, to);
    }

    fn copy(from: &Path, to: &Path) {
        std::fs::create_dir_all(to).unwrap();
        for e in std::fs::read_dir(from).unwrap() {
            let e = e.unwrap();
            if e.file_type().unwrap().is_dir() {
                copy(&e.path(), &to.join(e.file_name()));
            } else {
                std::fs::copy(e.path(), to.join(e.file_name())).unwrap();
            }
        }
    }

    fn head_of(dir: &Path) -> (u64, Option<Head>) {
        let l = Ledger::open(dir).unwrap();
        l.verify(&mut |_| {}).unwrap();
        (l.len().unwrap(), l.head().unwrap())
    }

    // A kill before the commit point leaves the old store as it was and a
    // work directory, which the next open clears before starting again.
    #[test]
    fn killed_before_the_rename_starts_again() {
        let t = tempfile::tempdir().unwrap();
        let dir = t.path().join("l");
        v1_ledger(&dir);
        assert!(needs_migration(&dir));
        std::fs::create_dir_all(work_dir(&dir).join("store")).unwrap();
        std::fs::write(work_dir(&dir).join("store/db"), b"half").unwrap();
        let (len, head) = head_of(&dir);
        assert_eq!(len, 35);
        assert!(head.is_some());
        assert!(!work_dir(&dir).exists() && !v1_db_path(&dir).exists());
        assert!(!needs_migration(&dir));
    }

    // A kill after the rename (the commit point) and before the marker is
    // rewritten: the new store is what opens, and the rest is finished.
    #[test]
    fn killed_after_the_rename_finishes() {
        let t = tempfile::tempdir().unwrap();
        let done = t.path().join("done");
        v1_ledger(&done);
        let want = head_of(&done);
        let dir = t.path().join("l");
        v1_ledger(&dir);
        // The state between steps 2 and 3: the new store in place beside
        // the old database, the marker still naming format 1.
        copy(&db_path(&done), &db_path(&dir));
        assert!(!needs_migration(&dir));
        assert_eq!(head_of(&dir), want);
        assert_eq!(
            std::fs::read(dir.join(MARKER_FILE)).unwrap(),
            marker_bytes()
        );
        assert!(!v1_db_path(&dir).exists());
        // And between steps 3 and 4: only the old files to remove.
        let dir = t.path().join("l2");
        v1_ledger(&dir);
        copy(&db_path(&done), &db_path(&dir));
        std::fs::write(dir.join(MARKER_FILE), marker_bytes()).unwrap();
        assert_eq!(head_of(&dir), want);
        assert!(!v1_db_path(&dir).exists());
    }

    // A kept checkpoint whose root is not the entries' (signed with the
    // log key, so only its root gives it away) stops the migration, and
    // the old store stays as it was.
    #[test]
    fn a_checkpoint_that_does_not_match_stops_the_migration() {
        let t = tempfile::tempdir().unwrap();
        let dir = t.path().join("l");
        v1_ledger(&dir);
        // A checkout does not keep the fixture's private mode.
        let key_file = dir.join("keys/log.key");
        let mut perms = std::fs::metadata(&key_file).unwrap().permissions();
        std::os::unix::fs::PermissionsExt::set_mode(&mut perms, 0o600);
        std::fs::set_permissions(&key_file, perms).unwrap();
        let key = crate::keyfile::read_key_file(&key_file).unwrap();
        {
            let db = sled::open(v1_db_path(&dir)).unwrap();
            let origin = String::from_utf8(
                db.open_tree("checkpoints")
                    .unwrap()
                    .iter()
                    .next()
                    .unwrap()
                    .unwrap()
                    .1
                    .to_vec(),
            )
            .unwrap()
            .lines()
            .next()
            .unwrap()
            .to_owned();
            let note = crate::checkpoint::Checkpoint::new(&origin, 10, [7u8; 32])
                .unwrap()
                .sign(&key)
                .unwrap();
            db.open_tree("checkpoints")
                .unwrap()
                .insert(10u64.to_be_bytes(), note.as_bytes())
                .unwrap();
            db.flush().unwrap();
        }
        let err = migrate(&dir, &mut |_| {}).unwrap_err();
        assert!(matches!(err, Error::Checkpoint { size: 10, .. }), "{err}");
        assert!(needs_migration(&dir) && !work_dir(&dir).exists());
    }

    #[test]
    fn migrating_a_current_ledger_does_nothing() {
        let t = tempfile::tempdir().unwrap();
        let dir = t.path().join("l");
        v1_ledger(&dir);
        let first = migrate(&dir, &mut |_| {}).unwrap();
        assert_eq!((first.from, first.entries, first.checkpoints), (1, 35, 1));
        let again = migrate(&dir, &mut |_| {}).unwrap();
        assert_eq!((again.from, again.entries, again.checkpoints), (3, 35, 1));
    }
}
