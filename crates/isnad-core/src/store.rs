//! The sled store: an append-only ledger on disk.
//!
//! Layout, store format 3 (one sled database in `<dir>/store`; the packed
//! values are described in [`rows`]):
//!
//! | tree       | key                          | value                      |
//! |------------|------------------------------|----------------------------|
//! | `entries`  | seq / 16 (u64 big-endian)    | up to 16 entries' leaf bytes, each after its length |
//! | `ids`      | bucket of the leaf hash      | records (leaf hash, seq)   |
//! | `content`  | bucket of the content key    | records (content key, seq of the first such entry) |
//! | `refs`     | bucket of the referenced hash | records (referenced hash, referrer seq) |
//! | `sources`  | bucket of the slug's SHA-256 | records (slug, seq of its `source` entry) |
//! | `keys`     | verifier key string          | seq of its enrolment       |
//! | `keys`     | `" pk:"` ‖ public key        | seq of its enrolment       |
//! | `keys`     | `" rv:"` ‖ verifier key string | seq of what retired it   |
//! | `keys`     | `" org:"` ‖ org slug ‖ 0x00 ‖ seq | seq of a key entry with that `org` |
//! | `mentions` | source slug ‖ 0x00 ‖ row (u32) | up to 512 seqs (u64 each) |
//! | `merkle`   | band (1 byte) ‖ row (u64)    | the complete nodes of 6 levels over 64 nodes |
//! | `meta`     | `format`, `head`, `log_key`  | see [`Head`]               |
//! | `meta`     | `witnessed:` ‖ witness verifier key | size it last cosigned (u64) |
//! | `checkpoints` | tree size (u64)           | signed checkpoint note, with the witnesses' cosignatures gathered |
//!
//! A bucket is the first 14 bits of a hash (as two big-endian bytes); a
//! bucket's records are in ledger order. Store format 2 (tag
//! `isnad-ledger-v2`, from the version before) is the same layout with
//! buckets of 12 bits; such a ledger is read and written as it is
//! ([`rows::Buckets`]). `merkle` holds every complete subtree of the RFC 6962
//! tree over the entries' leaf hashes: node (level, i) covers entries
//! `[i·2^level, (i+1)·2^level)` and lives in band `level / 6`. An append
//! extends the rows its leaf and the O(log n) nodes it completes fall in,
//! in the same transaction; roots and proofs for any size read O(log n)
//! nodes, never recomputing the tree.
//!
//! A ledger of the first store format (`<dir>/db`, one row per entry,
//! index key and Merkle node) is rebuilt in this one when opened (see
//! [`migrate`]).
//!
//! `checkpoints` keeps every checkpoint the log signs (see [`log`]); they
//! are signed only for the head of the moment and only after checking that
//! the tree extends the previous one. A checkpoint's row gains the
//! witnesses' cosignature lines as they come ([`witnessing`]); its text and
//! the log's signature never change.
//!
//! Every append writes the entry, all its index rows and the head in one sled
//! transaction and flushes before returning, so an acknowledged append is on
//! disk and a crash leaves either all of it or none. The public API has no
//! way to update or delete anything.

use std::io::{BufRead, Write};
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use rayon::prelude::*;
use sled::Transactional as _;
use sled::transaction::{ConflictableTransactionError, TransactionError};

use crate::entry::{Draft, Entry, Parser, content_key};
use crate::error::Error;
use crate::ids::{EntryHash, OrgId, Seq, SourceId};
use crate::jsonl::Lines;
use crate::keys::KeyPair;
use crate::limits::MAX_CLOCK_SKEW_SECS;
use crate::merkle;
use crate::record::{KeyBody, Record};
use crate::rules::{self, EntryFacts, KeyFacts, MemoryView, Position, VerifiedEntry, View};
use crate::signatures;
use crate::time::Timestamp;

mod batch;
mod bulk;
mod changes;
pub mod create;
mod mark;
pub mod migrate;
pub mod rows;
pub use batch::Batch;
pub mod log;
#[cfg(test)]
pub(crate) mod testkit;
mod tiles;
mod verify;
pub mod witnessing;
pub use tiles::TilesExport;
pub(crate) use tiles::write_if_changed;

/// The store format this version writes (in `meta` and the marker file).
const FORMAT_TAG: &[u8] = b"isnad-ledger-v3";
/// The second store format: the third's layout with a quarter of the index
/// buckets ([`rows::Buckets`]). Read as it is; nothing needs rebuilding.
const FORMAT_TAG_V2: &[u8] = b"isnad-ledger-v2";
/// The first store format, which [`migrate`] rebuilds in this one.
const FORMAT_TAG_V1: &[u8] = b"isnad-ledger-v1";
/// Lowest Merkle level whose nodes [`Ledger`] keeps in memory once read:
/// a node there covers 64 entries, so a ledger of n entries has fewer than
/// n/32 of them (2 MiB at a million entries). It is the level just above a
/// band row of the lowest band, so an inclusion proof reads one row of the
/// store, its leaf's, and finds the rest here.
const CACHED_LEVEL: u32 = rows::BAND_HEIGHTS;
/// Most Merkle nodes kept in memory (about 64 bytes each with the map).
const CACHED_NODES: usize = 1 << 20;
/// Checked entries an import holds in memory before it writes them
/// (beyond the head, see `bulk`): an import this small that meets a bad
/// line has written nothing at all.
const IMPORT_BUFFER: usize = 8192;
/// Merkle rows [`Ledger`] keeps from its last reads (a proof touches one
/// row per band).
const RECENT_ROWS: usize = 8;
/// Entries [`Ledger::for_each_chunk`] parses at a time (a few in unit
/// tests, so that their replays read many chunks, each beside the next).
const READ_CHUNK: usize = if cfg!(test) { 5 } else { 4096 };
/// Extra reads of each entries row in a scan of the log ([`Leaves`]).
/// sled 0.34 tells its cache of a page's use only in batches of 64 uses
/// per cache shard (of 256): a scan reads each page once, so a shard's
/// batch rarely fills, the cache never evicts, and every page a scan read
/// stays in memory (`isnad export jsonl` of 1,000,000 entries peaked at
/// 793 MB, a replay at 1.3 GB). Two more reads of each row, which find its
/// page in memory, fill the batches, and the cache keeps to its size (162
/// MB and 700 MB).
const SCAN_TOUCHES: usize = 2;
/// Prefix of `keys` rows indexed by raw public key; a key string never
/// starts with a space.
const PUBLIC_KEY_PREFIX: &[u8] = b" pk:";
/// Prefix of `keys` rows naming the entry that revoked a key (by key
/// string): a revocation, or a rotation away from it.
const REVOKED_PREFIX: &[u8] = b" rv:";

fn revoked_key(key: &str) -> Vec<u8> {
    let mut k = REVOKED_PREFIX.to_vec();
    k.extend_from_slice(key.as_bytes());
    k
}
/// Prefix of `keys` rows naming the key entries that carry an `org`, one
/// row per entry: the prefix, the slug, 0x00 (no slug has it), the entry's
/// sequence number. The rows of one organisation sort by sequence number,
/// so the first is its earliest key.
const ORG_PREFIX: &[u8] = b" org:";

fn org_rows_prefix(org: &OrgId) -> Vec<u8> {
    let mut k = ORG_PREFIX.to_vec();
    k.extend_from_slice(org.as_str().as_bytes());
    k.push(0);
    k
}
/// The last entry of a ledger.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Head {
    /// Its position; the ledger holds `seq + 1` entries.
    pub seq: Seq,
    /// Its leaf hash.
    pub hash: EntryHash,
    /// Its time.
    pub time: Timestamp,
}

impl Head {
    fn to_bytes(self) -> [u8; 48] {
        let mut b = [0u8; 48];
        b[..8].copy_from_slice(&self.seq.to_be_bytes());
        b[8..40].copy_from_slice(self.hash.as_bytes());
        b[40..].copy_from_slice(&self.time.unix().to_be_bytes());
        b
    }

    fn from_bytes(b: &[u8]) -> Result<Head, Error> {
        let b: &[u8; 48] = b.try_into().map_err(|_| Error::Corrupt {
            reason: "head record has the wrong length".into(),
        })?;
        let (seq, rest) = b.split_at(8);
        let (hash, time) = rest.split_at(32);
        Ok(Head {
            seq: Seq(u64::from_be_bytes(seq.try_into().unwrap_or_default())),
            hash: EntryHash::from_bytes(hash.try_into().unwrap_or_default()),
            time: Timestamp::from_unix(i64::from_be_bytes(time.try_into().unwrap_or_default())),
        })
    }

    /// Where the next entry goes.
    pub fn next_position(self) -> Position {
        Position {
            seq: self.seq.next(),
            prev: self.hash,
            prev_time: Some(self.time),
        }
    }
}

/// The result of an append.
#[derive(Debug)]
pub struct Appended {
    entry: VerifiedEntry,
    new: bool,
}

impl Appended {
    /// The entry in the ledger.
    pub fn entry(&self) -> &VerifiedEntry {
        &self.entry
    }

    /// False when the same content by the same signer was already there and
    /// that earlier entry is returned instead.
    pub fn is_new(&self) -> bool {
        self.new
    }
}

/// What an import did.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ImportReport {
    /// Lines read.
    pub lines: u64,
    /// Lines that matched entries the ledger already had.
    pub existing: u64,
    /// Entries added.
    pub added: u64,
}

pub use crate::jsonl::VerifyReport;

/// An open ledger. Holds sled's exclusive lock on the directory until dropped.
pub struct Ledger {
    dir: PathBuf,
    db: sled::Db,
    entries: sled::Tree,
    ids: sled::Tree,
    content: sled::Tree,
    keys: sled::Tree,
    sources: sled::Tree,
    refs: sled::Tree,
    mentions: sled::Tree,
    meta: sled::Tree,
    // RFC 6962 tree: complete-subtree nodes, key level ‖ index (BE).
    merkle: sled::Tree,
    // Signed checkpoints, key tree size (BE).
    checkpoints: sled::Tree,
    // Merkle nodes of the upper levels, read through: a complete subtree's
    // hash never changes, so the cache never needs invalidating.
    upper_nodes: std::sync::RwLock<std::collections::HashMap<(u32, u64), merkle::Hash>>,
    // Enrolled keys' facts, read through: an enrolment never changes once
    // written, and every entry's check asks for its signer's.
    key_facts: std::sync::RwLock<std::collections::HashMap<String, KeyFacts>>,
    // Appends are checked against the head and then written: one at a time.
    writer: Mutex<()>,
    // The size mark as last read or written (see `mark`).
    size_mark: std::sync::atomic::AtomicU64,
    // What a bulk write (an import, a large `Batch`) holds back until it
    // commits, up to a cap: the records it adds to index buckets and the
    // last mentions rows (see `bulk`). Lookups see it; only a bulk write,
    // under the writer lock, changes it.
    deferred: Mutex<Option<Box<changes::Changes>>>,
    // Bytes `deferred` may hold before a bulk write writes it out (tests
    // set it low to write out after every batch).
    deferred_cap: usize,
    // The Merkle rows read last: a proof or a root reads several nodes of
    // one row in turn. A row only ever gains nodes, so a kept copy is
    // right about every node it has; one it lacks is read afresh.
    recent_rows: Mutex<Vec<([u8; 9], sled::IVec)>>,
    // How many buckets the hashed indexes have: the store format's.
    buckets: rows::Buckets,
}

impl Drop for Ledger {
    // Records how far the ledger grew while this handle had it: appends
    // flush before they return, so what `len` counts is on disk.
    fn drop(&mut self) {
        if let Ok(len) = self.len() {
            if len > self.size_mark.load(std::sync::atomic::Ordering::Relaxed) {
                mark::write(&self.dir, len);
            }
        }
    }
}

impl std::fmt::Debug for Ledger {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Ledger({})", self.dir.display())
    }
}

fn db_path(dir: &Path) -> PathBuf {
    dir.join("store")
}

/// Where the first store format kept its database.
fn v1_db_path(dir: &Path) -> PathBuf {
    dir.join("db")
}

/// True when `dir` holds a sled database of either store format.
fn has_database(dir: &Path) -> bool {
    db_path(dir).join("conf").is_file() || v1_db_path(dir).join("conf").is_file()
}

/// The file beside the database that says "this is an isnad ledger", read
/// before sled is let near the directory: sled rewrites a database when it
/// opens it, so a directory that is not a ledger must be refused first.
const MARKER_FILE: &str = "isnad.ledger";

fn marker_bytes() -> Vec<u8> {
    marker_of(FORMAT_TAG)
}

fn marker_of(tag: &[u8]) -> Vec<u8> {
    let mut b = tag.to_vec();
    b.push(b'\n');
    b
}

/// How to open a ledger.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct OpenOptions {
    /// How long to wait for another process to let go of the ledger
    /// before giving up with [`Error::InUse`]. sled holds an exclusive lock
    /// on an open database; the wait is bounded so that nothing hangs.
    pub wait: std::time::Duration,
    /// The most memory sled's page cache may hold. A pass over the whole
    /// ledger (`verify`) reads each row once and gains nothing from a large
    /// one; a server answering random reads does.
    pub cache_bytes: u64,
}

impl Default for OpenOptions {
    /// Half a second: sled releases its lock from a background thread
    /// shortly after a handle is dropped, so even a reopen in the same
    /// process can briefly find it held.
    fn default() -> Self {
        OpenOptions {
            wait: std::time::Duration::from_millis(500),
            cache_bytes: CACHE_BYTES,
        }
    }
}

/// How often a waiting open retries sled's lock.
const LOCK_RETRY_PAUSE: std::time::Duration = std::time::Duration::from_millis(25);

/// sled's page cache by default. Its own default (1 GiB) made a verify of
/// a million entries hold gigabytes; past about 100 MiB a larger cache
/// bought no speed on the benchmark ledgers (docs/PERFORMANCE.md).
pub const CACHE_BYTES: u64 = 128 << 20;

/// sled's log segment size for this store format. A tree node is written
/// out of line (a file of its own) once it exceeds a quarter of a segment,
/// and the packed rows make nodes of up to about 200 KiB; sled's default
/// (512 KiB) would send most of them out of line.
const SEGMENT_BYTES: usize = 1 << 20;

/// Which store format a database was written in: their sled settings
/// differ.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum StoreFormat {
    V1,
    V2,
}

/// Removes snapshot files sled left half-written (`snap.*.generating`):
/// sled writes a snapshot under that name and renames it when complete, so
/// one that is still there was cut short (a full disk, a kill), and sled
/// 0.34 would read it as the newest snapshot and refuse to open. Returns
/// how many it removed.
fn remove_unfinished_snapshots(db: &Path) -> Result<usize, Error> {
    let mut removed = 0;
    for item in std::fs::read_dir(db).map_err(|e| io(db, e))? {
        let path = item.map_err(|e| io(db, e))?.path();
        let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
        if name.starts_with("snap.") && name.ends_with(".generating") {
            std::fs::remove_file(&path).map_err(|e| io(&path, e))?;
            removed += 1;
        }
    }
    Ok(removed)
}

/// Why [`open_waiting`] gave up.
pub(crate) enum OpenFailure {
    /// Another handle still held sled's lock when the wait ran out.
    InUse(std::time::Duration),
    /// Anything else sled said.
    Sled(sled::Error),
}

/// Opens a sled database, retrying while another handle holds its lock,
/// until `started + wait`. sled lets go of its lock from a background
/// thread after a handle is dropped, so even a reopen in the same process
/// (a restart) can briefly find it held; every sled database isnad opens
/// (ledgers, witnesses) goes through here.
pub(crate) fn open_waiting(
    config: &sled::Config,
    started: std::time::Instant,
    wait: std::time::Duration,
) -> Result<sled::Db, OpenFailure> {
    loop {
        match config.open() {
            Ok(db) => return Ok(db),
            Err(sled::Error::Io(io)) if io.to_string().contains("could not acquire lock") => {
                let waited = started.elapsed();
                if waited >= wait {
                    return Err(OpenFailure::InUse(waited));
                }
                std::thread::sleep(LOCK_RETRY_PAUSE.min(wait - waited));
            }
            Err(e) => return Err(OpenFailure::Sled(e)),
        }
    }
}

fn open_db(dir: &Path, format: StoreFormat, options: &OpenOptions) -> Result<sled::Db, Error> {
    let path = match format {
        StoreFormat::V1 => v1_db_path(dir),
        StoreFormat::V2 => db_path(dir),
    };
    let mut config = sled::Config::new()
        .path(&path)
        .mode(sled::Mode::HighThroughput)
        .flush_every_ms(None)
        .cache_capacity(options.cache_bytes);
    if format == StoreFormat::V2 {
        config = config.segment_size(SEGMENT_BYTES);
    }
    let started = std::time::Instant::now();
    let mut cleaned = false;
    loop {
        match open_waiting(&config, started, options.wait) {
            Ok(db) => return Ok(db),
            Err(OpenFailure::InUse(waited)) => {
                return Err(Error::InUse {
                    path: dir.display().to_string(),
                    waited_ms: u64::try_from(waited.as_millis()).unwrap_or(u64::MAX),
                });
            }
            // Only once, and only after sled itself failed: a process that
            // holds the ledger would have made the open fail on its lock.
            Err(OpenFailure::Sled(sled::Error::Corruption { .. }))
                if !cleaned && remove_unfinished_snapshots(&path)? > 0 =>
            {
                cleaned = true;
            }
            Err(OpenFailure::Sled(e)) => return Err(sled_error(e)),
        }
    }
}

impl Ledger {
    /// Creates an empty ledger (no entries) in `dir`, which must not exist or
    /// be an empty directory, all at once (see [`Ledger::create_with`]).
    /// [`crate::init`] adds the genesis entry.
    ///
    /// # Errors
    /// [`Error::AlreadyExists`] when `dir` holds a ledger,
    /// [`Error::NotEmpty`] when it holds other files.
    pub fn create(dir: &Path) -> Result<Ledger, Error> {
        create::create_with(dir, &OpenOptions::default(), |_, _| Ok::<(), Error>(()))
            .map(|(l, ())| l)
    }

    /// Creates a ledger in `dir` all at once: `setup` fills it (genesis,
    /// log key, an import, files beside the database) in a staging
    /// directory, which is renamed to `dir` only when `setup` succeeded, so
    /// a failure or a kill leaves `dir` as it was (see [`create`]).
    ///
    /// # Errors
    /// As [`create::create_with`].
    pub fn create_with<T, E: From<Error>>(
        dir: &Path,
        setup: impl FnOnce(&Ledger, &Path) -> Result<T, E>,
    ) -> Result<(Ledger, T), E> {
        create::create_with(dir, &OpenOptions::default(), setup)
    }

    /// [`Ledger::create_with`], the store opened with `options` (an import
    /// into a new ledger, say, with a small page cache).
    ///
    /// # Errors
    /// As [`create::create_with`].
    pub fn create_with_options<T, E: From<Error>>(
        dir: &Path,
        options: &OpenOptions,
        setup: impl FnOnce(&Ledger, &Path) -> Result<T, E>,
    ) -> Result<(Ledger, T), E> {
        create::create_with(dir, options, setup)
    }

    /// Creates an empty ledger in `dir`, a directory nothing else uses (a
    /// staging directory of [`create`]).
    fn create_here(dir: &Path, options: &OpenOptions) -> Result<Ledger, Error> {
        std::fs::create_dir_all(dir).map_err(|e| io(dir, e))?;
        let marker = dir.join(MARKER_FILE);
        std::fs::write(&marker, marker_bytes()).map_err(|e| io(&marker, e))?;
        let db = open_db(dir, StoreFormat::V2, options)?;
        db.open_tree("meta")
            .map_err(sled_error)?
            .insert("format", FORMAT_TAG)
            .map_err(sled_error)?;
        db.flush().map_err(sled_error)?;
        // Keep this handle: sled releases its file lock from a background
        // thread after a drop, so reopening at once could see "in use".
        Ledger::from_db(dir, db, rows::Buckets::V3)
    }

    /// The store format of this ledger's database: 3 for one this
    /// version made or migrated, 2 for one made by the version before
    /// (read and written as it is).
    pub fn store_format(&self) -> u32 {
        if self.buckets == rows::Buckets::V2 {
            2
        } else {
            3
        }
    }

    /// Opens an existing ledger.
    ///
    /// # Errors
    /// [`Error::NotALedger`] when `dir` is not one, [`Error::InUse`] when
    /// another process has it open.
    pub fn open(dir: &Path) -> Result<Ledger, Error> {
        Ledger::open_with(dir, &OpenOptions::default())
    }

    /// Opens an existing ledger, waiting as `options` say for another
    /// process to let go of it.
    ///
    /// # Errors
    /// As [`Ledger::open`].
    pub fn open_with(dir: &Path, options: &OpenOptions) -> Result<Ledger, Error> {
        let not = |reason: &str| Error::NotALedger {
            path: dir.display().to_string(),
            reason: reason.into(),
        };
        if !dir.is_dir() {
            return Err(not("no such directory; create one with `isnad init`"));
        }
        let mut tag = FORMAT_TAG;
        match std::fs::read(dir.join(MARKER_FILE)) {
            Ok(b) if b == marker_bytes() => migrate::finish(dir)?,
            Ok(b) if b == marker_of(FORMAT_TAG_V2) => {
                migrate::finish(dir)?;
                tag = FORMAT_TAG_V2;
            }
            Ok(b) if b == marker_of(FORMAT_TAG_V1) => {
                if db_path(dir).join("conf").is_file() {
                    // A migration was killed after its rebuilt store went
                    // into place: only the marker and the old files are left.
                    migrate::finish(dir)?;
                } else if v1_db_path(dir).join("conf").is_file() {
                    migrate::migrate_with(dir, options, &mut |_| {})?;
                } else {
                    return Err(not("no database in it"));
                }
            }
            Ok(_) => return Err(not("its isnad.ledger file names another format")),
            Err(_) if has_database(dir) => {
                return Err(not("no isnad.ledger file beside its database"));
            }
            Err(_) => return Err(not("no database in it")),
        }
        if !db_path(dir).join("conf").is_file() {
            return Err(not("no database in it"));
        }
        let db = open_db(dir, StoreFormat::V2, options)?;
        if db
            .open_tree("meta")
            .map_err(sled_error)?
            .get("format")
            .map_err(sled_error)?
            .as_deref()
            != Some(tag)
        {
            return Err(not("its format tag is missing or unknown"));
        }
        let buckets = if tag == FORMAT_TAG_V2 {
            rows::Buckets::V2
        } else {
            rows::Buckets::V3
        };
        let ledger = Ledger::from_db(dir, db, buckets)?;
        // An import that failed or was killed may have left rows beyond the
        // head; they were never part of the ledger.
        if ledger.bulk_pending()? {
            ledger.discard_uncommitted()?;
        }
        let (len, seen) = (ledger.len()?, mark::read(dir));
        if len < seen {
            return Err(Error::Corrupt {
                reason: format!(
                    "it holds {len} entries, but it held {seen} before: its database was cut \
                     short or damaged (restore it from a backup or a mirror)"
                ),
            });
        }
        if len > seen {
            mark::write(dir, len);
        }
        ledger
            .size_mark
            .store(len, std::sync::atomic::Ordering::Relaxed);
        Ok(ledger)
    }

    fn recent_rows(&self) -> std::sync::MutexGuard<'_, Vec<([u8; 9], sled::IVec)>> {
        // A poisoned lock only means a reader panicked; the rows are valid.
        self.recent_rows
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Forgets what the in-memory caches hold (after rows were removed).
    fn forget_cached(&self) {
        self.recent_rows().clear();
        // A poisoned lock only means a reader panicked; clearing is safe.
        self.upper_nodes
            .write()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .clear();
        self.key_facts
            .write()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .clear();
    }

    fn from_db(dir: &Path, db: sled::Db, buckets: rows::Buckets) -> Result<Ledger, Error> {
        let meta = db.open_tree("meta").map_err(sled_error)?;
        let t = |name: &str| db.open_tree(name).map_err(sled_error);
        Ok(Ledger {
            dir: dir.to_path_buf(),
            entries: t("entries")?,
            ids: t(changes::Index::Ids.tree_name())?,
            content: t(changes::Index::Content.tree_name())?,
            keys: t("keys")?,
            sources: t(changes::Index::Sources.tree_name())?,
            refs: t(changes::Index::Refs.tree_name())?,
            mentions: t("mentions")?,
            merkle: t("merkle")?,
            checkpoints: t("checkpoints")?,
            upper_nodes: std::sync::RwLock::default(),
            key_facts: std::sync::RwLock::default(),
            meta,
            db,
            writer: Mutex::new(()),
            size_mark: std::sync::atomic::AtomicU64::new(0),
            deferred: Mutex::new(None),
            deferred_cap: bulk::DEFERRED_BYTES,
            recent_rows: Mutex::new(Vec::new()),
            buckets,
        })
    }

    /// What bulk writes hold back (see [`Ledger::deferred`]'s field).
    fn deferred_changes(&self) -> std::sync::MutexGuard<'_, Option<Box<changes::Changes>>> {
        // A poisoned lock only means a panic elsewhere; the import that
        // held it failed and its rows are discarded with it.
        self.deferred
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// The tree of a hashed index.
    fn index_tree(&self, index: changes::Index) -> &sled::Tree {
        match index {
            changes::Index::Ids => &self.ids,
            changes::Index::Content => &self.content,
            changes::Index::Refs => &self.refs,
            changes::Index::Sources => &self.sources,
        }
    }

    /// The trees a write may touch, and `meta`, in the order
    /// [`Ledger::target_number`] numbers them.
    fn write_trees(&self) -> [&sled::Tree; 9] {
        [
            &self.entries,
            &self.ids,
            &self.content,
            &self.refs,
            &self.sources,
            &self.keys,
            &self.mentions,
            &self.merkle,
            &self.meta,
        ]
    }

    /// A tree's place in [`Ledger::write_trees`].
    fn target_number(target: changes::Target) -> usize {
        use changes::{Index, Target};
        match target {
            Target::Entries => 0,
            Target::Index(Index::Ids) => 1,
            Target::Index(Index::Content) => 2,
            Target::Index(Index::Refs) => 3,
            Target::Index(Index::Sources) => 4,
            Target::Keys => 5,
            Target::Mentions => 6,
            Target::Merkle => 7,
        }
    }

    /// The ledger directory.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// The last entry, or `None` for an empty ledger.
    ///
    /// # Errors
    /// Storage errors.
    pub fn head(&self) -> Result<Option<Head>, Error> {
        self.meta
            .get("head")
            .map_err(sled_error)?
            .map(|b| Head::from_bytes(&b))
            .transpose()
    }

    /// Number of entries.
    ///
    /// # Errors
    /// Storage errors.
    pub fn len(&self) -> Result<u64, Error> {
        Ok(self.head()?.map_or(0, |h| h.seq.0 + 1))
    }

    /// True when the ledger has no entries.
    ///
    /// # Errors
    /// Storage errors.
    pub fn is_empty(&self) -> Result<bool, Error> {
        Ok(self.head()?.is_none())
    }

    fn position(&self) -> Result<Position, Error> {
        Ok(self.head()?.map_or(Position::GENESIS, Head::next_position))
    }

    /// Signs `record` with `key` and appends it, durably.
    ///
    /// The entry's time is `now`, or the previous entry's time if the clock
    /// reads earlier (times never go backwards). If the same signer already
    /// recorded the same content, that entry is returned and nothing is
    /// written.
    ///
    /// # Errors
    /// The first rule the record breaks; the ledger is unchanged.
    pub fn append(&self, key: &KeyPair, record: Record, now: Timestamp) -> Result<Appended, Error> {
        let _w = self.lock_writer();
        // `Draft::sign` checks the record; nothing is written before that.
        if let Some(existing) = self.existing(&content_key(key.verifier(), &record)?)? {
            return Ok(Appended {
                entry: existing,
                new: false,
            });
        }
        let at = self.position()?;
        let time = at.prev_time.map_or(now, |t| t.max(now));
        let entry = Draft::new(at.seq, at.prev, time, key.verifier().clone(), record).sign(key)?;
        self.append_checked(entry, at, now)
    }

    /// Appends an entry signed elsewhere (by a client, or read from a file).
    /// It must be at the ledger's next position, with a signature that
    /// verifies, before anything else is looked at; then content its signer
    /// already recorded comes back as the recorded entry.
    ///
    /// # Errors
    /// The first rule the entry breaks, or a time more than five minutes
    /// after `now`; the ledger is unchanged.
    pub fn append_entry(&self, entry: Entry, now: Timestamp) -> Result<Appended, Error> {
        let _w = self.lock_writer();
        let at = self.position()?;
        // The entry's own signature and position first: a copy of recorded
        // content with a forged signature, or signed for another position,
        // must be refused, not answered as the recorded entry.
        rules::check_placed(&entry, at)?;
        if let Some(existing) = self.existing(&entry.content_key()?)? {
            return Ok(Appended {
                entry: existing,
                new: false,
            });
        }
        self.append_checked(entry, at, now)
    }

    fn lock_writer(&self) -> std::sync::MutexGuard<'_, ()> {
        // A poisoned lock only means another appending thread panicked; the
        // store itself is transactional, so carry on.
        self.writer
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    fn existing(&self, ck: &[u8; 32]) -> Result<Option<VerifiedEntry>, Error> {
        let Some(seq) = self.first_in(changes::Index::Content, ck)? else {
            return Ok(None);
        };
        // Beyond the head too: a batch that wrote its first entries there
        // must find them as it finds committed ones.
        let entry = self.stored_entry(seq)?.ok_or_else(|| Error::Corrupt {
            reason: format!("content index names missing entry {seq}"),
        })?;
        // It passed the rules when it was appended; re-check its signature
        // before vouching for it again.
        entry.check_signature()?;
        let at = if seq.0 == 0 {
            Position::GENESIS
        } else {
            let prev = self
                .stored_entry(Seq(seq.0 - 1))?
                .ok_or_else(|| Error::Corrupt {
                    reason: format!("entry before {seq} is missing"),
                })?;
            Position::after(&prev)
        };
        rules::check(entry, at, self).map(Some)
    }

    fn append_checked(
        &self,
        entry: Entry,
        at: Position,
        now: Timestamp,
    ) -> Result<Appended, Error> {
        if entry.time().unix() > now.unix() + MAX_CLOCK_SKEW_SECS {
            return Err(Error::Time {
                seq: entry.seq(),
                reason: format!(
                    "{} is more than {} seconds in the future",
                    entry.time(),
                    MAX_CLOCK_SKEW_SECS
                ),
            });
        }
        let verified = rules::check(entry, at, self)?;
        self.write(std::slice::from_ref(&verified))?;
        self.db.flush().map_err(sled_error)?;
        Ok(Appended {
            entry: verified,
            new: true,
        })
    }

    /// Writes verified entries, which must follow the head in order, in one
    /// transaction with their index rows and the new head.
    fn write(&self, batch: &[VerifiedEntry]) -> Result<(), Error> {
        let Some(last) = batch.last() else {
            return Ok(());
        };
        let expected_first = self.position()?.seq;
        let mut changes = changes::Changes::default();
        for v in batch {
            changes.add(self, v)?;
        }
        let rows: Vec<(usize, Vec<u8>, Vec<u8>)> = changes
            .into_rows(self)?
            .into_iter()
            .map(|(t, k, v)| (Ledger::target_number(t), k, v))
            .collect();
        let head = Head {
            seq: last.seq(),
            hash: last.hash(),
            time: last.time(),
        };
        let trees = self.write_trees();
        let result = trees.as_slice().transaction(|tx| {
            let cur = tx[8].get("head")?;
            let next = match cur {
                Some(b) => Head::from_bytes(&b)
                    .map_err(ConflictableTransactionError::Abort)?
                    .seq
                    .next(),
                None => Seq(0),
            };
            if next != expected_first {
                return Err(ConflictableTransactionError::Abort(Error::Corrupt {
                    reason: "the head moved during an append".into(),
                }));
            }
            for (tree, k, v) in &rows {
                tx[*tree].insert(k.as_slice(), v.as_slice())?;
            }
            tx[8].insert("head", &head.to_bytes()[..])?;
            Ok(())
        });
        match result {
            Ok(()) => Ok(()),
            Err(TransactionError::Abort(e)) => Err(e),
            Err(TransactionError::Storage(e)) => Err(sled_error(e)),
        }
    }

    /// A stored Merkle node. Levels from [`CACHED_LEVEL`] up are kept in
    /// memory once read (at most [`CACHED_NODES`] of them): every proof
    /// passes through them, while the lower levels differ from proof to
    /// proof. `verify` reads the tree directly and never through here.
    fn node(&self, level: u32, index: u64) -> Result<merkle::Hash, Error> {
        if level < CACHED_LEVEL {
            return self.stored_node(level, index);
        }
        // A poisoned lock only means a reader panicked; the map is still valid.
        let cached = self
            .upper_nodes
            .read()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .get(&(level, index))
            .copied();
        if let Some(h) = cached {
            return Ok(h);
        }
        let h = self.stored_node(level, index)?;
        let mut cache = self
            .upper_nodes
            .write()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if cache.len() < CACHED_NODES {
            cache.insert((level, index), h);
        }
        Ok(h)
    }

    fn stored_node(&self, level: u32, index: u64) -> Result<merkle::Hash, Error> {
        let missing = || Error::Corrupt {
            reason: format!("Merkle node {level}/{index} is missing"),
        };
        let malformed = |_| Error::Corrupt {
            reason: format!("the Merkle row holding node {level}/{index} is malformed"),
        };
        let (key, h, pos) = rows::node_place(level, index);
        let kept = self
            .recent_rows()
            .iter()
            .find(|(k, _)| *k == key)
            .map(|(_, row)| row.clone());
        if let Some(row) = kept {
            if let Some(hash) = rows::node_in(&row, h, pos).map_err(malformed)? {
                return Ok(hash);
            }
        }
        let row = self
            .merkle
            .get(key)
            .map_err(sled_error)?
            .ok_or_else(missing)?;
        let hash = rows::node_in(&row, h, pos).map_err(malformed)?;
        let mut recent = self.recent_rows();
        recent.retain(|(k, _)| *k != key);
        if recent.len() >= RECENT_ROWS {
            recent.remove(0);
        }
        recent.push((key, row));
        drop(recent);
        hash.ok_or_else(missing)
    }

    fn check_size(&self, size: u64) -> Result<(), Error> {
        let len = self.len()?;
        if size > len {
            return Err(Error::Proof {
                reason: format!("the ledger has {len} entries, not {size}"),
            });
        }
        Ok(())
    }

    /// The RFC 6962 root over the first `size` entries, from stored nodes
    /// (O(log n) reads).
    ///
    /// # Errors
    /// [`Error::Proof`] if the ledger is smaller than `size`.
    pub fn tree_root(&self, size: u64) -> Result<merkle::Hash, Error> {
        self.check_size(size)?;
        if size == 0 {
            return Ok(merkle::empty_root());
        }
        merkle::subtree_from_nodes(0, size, &mut |l, i| self.node(l, i))
    }

    /// The inclusion proof of entry `index` in the tree of the first `size`
    /// entries.
    ///
    /// # Errors
    /// [`Error::Proof`] for an index or size the ledger does not have.
    pub fn inclusion_proof(&self, index: u64, size: u64) -> Result<Vec<merkle::Hash>, Error> {
        self.check_size(size)?;
        merkle::inclusion_proof_with(index, size, &mut |a, b| {
            merkle::subtree_from_nodes(a, b, &mut |l, i| self.node(l, i))
        })
    }

    /// The consistency proof from the first `old` entries to the first `new`.
    ///
    /// # Errors
    /// [`Error::Proof`] unless 0 < `old` ≤ `new` ≤ the ledger's size.
    pub fn consistency_proof(&self, old: u64, new: u64) -> Result<Vec<merkle::Hash>, Error> {
        self.check_size(new)?;
        merkle::consistency_proof_with(old, new, &mut |a, b| {
            merkle::subtree_from_nodes(a, b, &mut |l, i| self.node(l, i))
        })
    }

    /// The entry at `seq`, if the ledger has one.
    ///
    /// # Errors
    /// Storage errors, or [`Error::Corrupt`] if stored bytes do not parse.
    pub fn entry(&self, seq: Seq) -> Result<Option<Entry>, Error> {
        if seq.0 >= self.len()? {
            return Ok(None);
        }
        self.stored_entry(seq)
    }

    /// The stored entry at `seq`, even beyond the head (an import's own
    /// checks see the entries it has written but not yet committed).
    fn stored_entry(&self, seq: Seq) -> Result<Option<Entry>, Error> {
        self.stored_leaf(seq)?
            .map(|b| parse_stored(seq, &b))
            .transpose()
    }

    /// The stored leaf bytes of entry `seq`, even beyond the head.
    fn stored_leaf(&self, seq: Seq) -> Result<Option<sled::IVec>, Error> {
        let Some(row) = self
            .entries
            .get(rows::entry_row_key(seq))
            .map_err(sled_error)?
        else {
            return Ok(None);
        };
        // Fewer than 16 entries to a row: the index fits usize.
        let nth = (seq.0 % rows::ENTRIES_PER_ROW) as usize;
        match rows::spans(&row).nth(nth) {
            Some(span) => {
                let span = span.map_err(|e| at_entry(seq, e))?;
                Ok(Some(row.subslice(span.start, span.len())))
            }
            None => Ok(None),
        }
    }

    /// The first entry recorded under `key` in a hashed index, if any.
    fn first_in(&self, index: changes::Index, key: &[u8]) -> Result<Option<Seq>, Error> {
        let bucket = match index {
            changes::Index::Sources => self.buckets.of_name(key),
            _ => match <&[u8; 32]>::try_from(key) {
                Ok(h) => self.buckets.of_hash(h),
                Err(_) => return Ok(None),
            },
        };
        if let Some(b) = self.index_tree(index).get(bucket).map_err(sled_error)? {
            if let Some(seq) = rows::lookup(&b, key).next().transpose()? {
                return Ok(Some(seq));
            }
        }
        // An import's records not written yet come after the stored ones.
        match self.deferred_changes().as_ref() {
            Some(held) => match held.bucket_added(index, bucket) {
                Some(b) => rows::lookup(b.as_bytes(), key).next().transpose(),
                None => Ok(None),
            },
            None => Ok(None),
        }
    }

    /// The entry with this id.
    ///
    /// # Errors
    /// Storage errors.
    pub fn entry_by_hash(&self, id: &EntryHash) -> Result<Option<Entry>, Error> {
        match self.first_in(changes::Index::Ids, id.as_bytes())? {
            Some(seq) => self.entry(seq),
            None => Ok(None),
        }
    }

    /// Finds the one entry whose id starts with `prefix` (hex, any case, at
    /// least 4 digits), as git does.
    ///
    /// # Errors
    /// [`Error::UnknownId`] or [`Error::AmbiguousId`].
    pub fn resolve(&self, prefix: &str) -> Result<Entry, Error> {
        let p = prefix.to_ascii_lowercase();
        if p.len() < 4 || p.len() > 64 || !p.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Err(Error::field(
                "id",
                format!("`{prefix}` is not an entry id or a prefix of at least 4 hex digits"),
            ));
        }
        // Four hex digits or more: the prefix names one bucket.
        let raw = hex::decode(&p[..4]).map_err(|e| Error::field("id", e.to_string()))?;
        let mut first = [0u8; 32];
        first[..2].copy_from_slice(&raw);
        let bucket = self
            .ids
            .get(self.buckets.of_hash(&first))
            .map_err(sled_error)?;
        let mut found = Vec::new();
        let len = self.len()?;
        for r in rows::records(bucket.as_deref().unwrap_or_default()) {
            let (k, seq) = r?;
            if seq.0 < len && hex::encode(k).starts_with(&p) {
                found.push(seq);
            }
        }
        match found.as_slice() {
            [] => Err(Error::UnknownId {
                prefix: prefix.to_owned(),
            }),
            [one] => self.entry(*one)?.ok_or_else(|| Error::Corrupt {
                reason: format!("id index names missing entry {one}"),
            }),
            _ => Err(Error::AmbiguousId {
                prefix: prefix.to_owned(),
                count: found.len(),
            }),
        }
    }

    /// The `source` entry that defined `id`.
    ///
    /// # Errors
    /// Storage errors.
    pub fn source_entry(&self, id: &SourceId) -> Result<Option<Entry>, Error> {
        match self.first_in(changes::Index::Sources, id.as_str().as_bytes())? {
            Some(seq) => self.entry(seq),
            None => Ok(None),
        }
    }

    /// Entries that refer to `id` (verdicts on a claim, relations, amendments),
    /// in ledger order.
    ///
    /// # Errors
    /// Storage errors.
    pub fn referrers(&self, id: &EntryHash) -> Result<Vec<Entry>, Error> {
        let mut out = Vec::new();
        let Some(b) = self
            .refs
            .get(self.buckets.of_hash(id.as_bytes()))
            .map_err(sled_error)?
        else {
            return Ok(out);
        };
        for seq in rows::lookup(&b, id.as_bytes()) {
            if let Some(e) = self.entry(seq?)? {
                out.push(e);
            }
        }
        Ok(out)
    }

    /// Entries that mention source `id` (its definition, chains, priors,
    /// affiliations, corrections), in ledger order.
    ///
    /// # Errors
    /// Storage errors.
    pub fn mentions(&self, id: &SourceId) -> Result<Vec<Entry>, Error> {
        let mut prefix = id.as_str().as_bytes().to_vec();
        prefix.push(0);
        let mut out = Vec::new();
        for kv in self.mentions.scan_prefix(&prefix) {
            let (_, row) = kv.map_err(sled_error)?;
            for seq in rows::postings(&row)? {
                if let Some(e) = self.entry(seq)? {
                    out.push(e);
                }
            }
        }
        Ok(out)
    }

    /// All entries in order, parsed (signatures not re-checked).
    pub fn iter(&self) -> impl Iterator<Item = Result<Entry, Error>> + '_ {
        let mut parser = Parser::new();
        self.leaves().map(move |kv| {
            let (seq, v) = kv?;
            parser.parse_stored(&v).map_err(|e| at_entry(seq, e))
        })
    }

    /// The leaves of the entries before `end`, from `first` on, read
    /// row by row; a row missing or ending early is a damaged store.
    fn leaves_between(&self, first: Seq, end: u64) -> Leaves {
        Leaves {
            tree: self.entries.clone(),
            rows: self.entries.range(rows::entry_row_key(first)..),
            next: first.0,
            end,
            ready: std::collections::VecDeque::new(),
            failed: None,
            done: false,
        }
    }

    /// All entries in order, parsed in parallel a chunk at a time (the
    /// reading and `f` stay in order), each passed through `each` on the
    /// thread that parsed it: `f` gets each chunk and returns whether to
    /// go on. For passes over the whole ledger, such as a replay, where
    /// `each` does the per-entry work that needs no order.
    ///
    /// The next chunk is read from the store while this one is parsed.
    ///
    /// # Errors
    /// Storage errors, stored bytes that do not parse, and `f`'s errors;
    /// a chunk's parse error before a read error of the chunk after it.
    pub fn for_each_chunk<T: Send>(
        &self,
        each: &(dyn Fn(Entry) -> T + Sync),
        f: &mut dyn FnMut(Vec<T>) -> Result<bool, Error>,
    ) -> Result<(), Error> {
        let end = self.len()?;
        let mut leaves = self.leaves_between(Seq(0), end);
        let mut hashes = self.leaf_hashes(end);
        // Each leaf with its hash, from the Merkle rows: hashing every leaf
        // again was a sixth of a replay's work before the fold. Both cover
        // entries 0 to `end` and stop short of it only with an error, so
        // they stay in step.
        let mut read = || -> Result<Vec<HashedLeaf>, Error> {
            leaves
                .by_ref()
                .take(READ_CHUNK)
                .zip(hashes.by_ref())
                .map(|(leaf, hash)| Ok((leaf?, hash?)))
                .collect()
        };
        let mut next = read();
        loop {
            let chunk = next?;
            if chunk.is_empty() {
                return Ok(());
            }
            let (parsed, after) = rayon::join(
                || {
                    chunk
                        .par_iter()
                        .map(|((seq, leaf), hash)| {
                            Parser::with_thread_parser(|p| p.parse_stored_hashed(leaf, *hash))
                                .map(each)
                                .map_err(|e| at_entry(*seq, e))
                        })
                        .collect::<Result<Vec<T>, Error>>()
                },
                &mut read,
            );
            if !f(parsed?)? {
                return Ok(());
            }
            next = after;
        }
    }

    /// The leaf hashes of entries 0 to `end` (exclusive) in order, read
    /// from the lowest band of the Merkle rows; a missing or short row
    /// ends them with an error.
    fn leaf_hashes(&self, end: u64) -> LeafHashes {
        LeafHashes {
            rows: self
                .merkle
                .range(rows::node_row_key(0, 0)..rows::node_row_key(1, 0)),
            row: None,
            next: 0,
            end,
            done: false,
        }
    }

    /// All leaf bytes in order, up to the head as it is now (a failed read
    /// of the head is the first and only item).
    pub fn leaves(&self) -> impl Iterator<Item = Result<(Seq, sled::IVec), Error>> + '_ {
        let (end, failed) = match self.len() {
            Ok(n) => (n, None),
            Err(e) => (0, Some(Err(e))),
        };
        failed.into_iter().chain(self.leaves_between(Seq(0), end))
    }

    /// Writes every entry's leaf bytes, one per line.
    ///
    /// # Errors
    /// Storage or I/O errors.
    pub fn export_jsonl(&self, out: &mut dyn Write) -> Result<u64, Error> {
        let mut n = 0;
        for kv in self.leaves() {
            let (_, leaf) = kv?;
            out.write_all(&leaf).map_err(|e| io_named("output", e))?;
            out.write_all(b"\n").map_err(|e| io_named("output", e))?;
            n += 1;
        }
        out.flush().map_err(|e| io_named("output", e))?;
        Ok(n)
    }

    /// Imports an export. Lines the ledger already has must match it byte
    /// for byte. New lines are checked in order and written in large
    /// batches beyond the head as they pass; the head moves past them at
    /// the end, with one flush, so the import is all or nothing: on a bad
    /// line, or if the process dies, what was written is removed (see
    /// `store/bulk.rs`). Memory stays bounded whatever the file's length.
    ///
    /// # Errors
    /// The first bad line, with its number; the ledger is unchanged.
    pub fn import_jsonl(
        &self,
        input: &mut dyn BufRead,
        now: Timestamp,
        progress: &mut dyn FnMut(u64),
    ) -> Result<ImportReport, Error> {
        self.import_buffered(input, Seq(0), now, progress, IMPORT_BUFFER)
    }

    /// [`Ledger::import_jsonl`] for a file that starts at entry `first`
    /// rather than at the genesis entry: the part of a log that follows
    /// what the ledger holds (a mirror imports what was published since its
    /// last run). Lines for entries the ledger has must match them byte for
    /// byte; line numbers in errors count from the file's first line.
    ///
    /// # Errors
    /// [`Error::Sequence`] (on line 1) when `first` is past the ledger's
    /// end, so the file would leave a gap; otherwise as
    /// [`Ledger::import_jsonl`]. The ledger is unchanged.
    pub fn import_jsonl_at(
        &self,
        input: &mut dyn BufRead,
        first: Seq,
        now: Timestamp,
        progress: &mut dyn FnMut(u64),
    ) -> Result<ImportReport, Error> {
        self.import_buffered(input, first, now, progress, IMPORT_BUFFER)
    }

    /// [`Ledger::import_jsonl_at`], writing whenever `buffer` checked
    /// entries are waiting (tests make it small to exercise the bulk path).
    fn import_buffered(
        &self,
        input: &mut dyn BufRead,
        first: Seq,
        now: Timestamp,
        progress: &mut dyn FnMut(u64),
        buffer: usize,
    ) -> Result<ImportReport, Error> {
        let _w = self.lock_writer();
        let mut bulk = false;
        let result = self.import_locked(input, first, now, progress, buffer, &mut bulk);
        if result.is_err() && bulk {
            // The error is what the caller needs; if removing the rows fails
            // too, the mark stays and the next open removes them.
            let _ = self.discard_uncommitted();
        }
        result
    }

    /// [`Ledger::import_jsonl`] under the writer lock; sets `bulk` once
    /// rows beyond the head may exist, and leaves them there on error.
    fn import_locked(
        &self,
        input: &mut dyn BufRead,
        first: Seq,
        now: Timestamp,
        progress: &mut dyn FnMut(u64),
        buffer: usize,
        bulk: &mut bool,
    ) -> Result<ImportReport, Error> {
        let len = self.len()?;
        if first.0 > len {
            return Err(Error::Line {
                line: 1,
                error: Box::new(Error::Sequence {
                    seq: first,
                    expected: Seq(len),
                }),
            });
        }
        let mut at = self.position()?;
        // Checked entries not yet written, and what the rules need to know
        // of them; written (beyond the head) once there are enough.
        let mut fresh = MemoryView::new();
        let mut pending: Vec<VerifiedEntry> = Vec::new();
        let mut last: Option<Head> = None;
        let mut report = ImportReport {
            lines: 0,
            existing: 0,
            added: 0,
        };
        let flush_pending = |pending: &mut Vec<VerifiedEntry>,
                             fresh: &mut MemoryView,
                             bulk: &mut bool|
         -> Result<(), Error> {
            if pending.is_empty() {
                return Ok(());
            }
            if !*bulk {
                self.begin_bulk()?;
                *bulk = true;
            }
            self.write_bulk(pending)?;
            pending.clear();
            *fresh = MemoryView::new();
            Ok(())
        };
        let mut lines = Lines::new(input);
        // New lines wait here to be parsed and signature-checked in parallel
        // a chunk at a time; the rules then run over them in order.
        let mut sizes = signatures::Chunks::new();
        let mut size = sizes.next_size();
        let mut batch: Vec<Vec<u8>> = Vec::new();
        // Parsing and checking the signatures of one chunk (on both cores)
        // overlaps with the rules and writes of the chunk before it (in
        // order, on one): `check` owns its lines, `apply` the ledger state.
        let check = |batch: Vec<Vec<u8>>, first_line: u64| {
            let refs: Vec<&[u8]> = batch.iter().map(Vec::as_slice).collect();
            let checked =
                signatures::parse_and_check(&refs, signatures::How::Strict, &|i, e| Error::Line {
                    line: first_line + i as u64,
                    error: Box::new(e),
                });
            (checked, first_line, first_line + batch.len() as u64 - 1)
        };
        let mut apply = |(checked, first_line, last_line): (signatures::Checked, u64, u64)|
         -> Result<(u64, u64), Error> {
            let mut added = 0u64;
            for (i, (entry, sig)) in checked
                .entries
                .into_iter()
                .zip(checked.signatures)
                .enumerate()
            {
                let line = first_line + i as u64;
                let one = || -> Result<(), Error> {
                    check_not_future(&entry, now)?;
                    let view = rules::Layered {
                        base: self,
                        top: &fresh,
                    };
                    let v = rules::check_with(entry, at, &view, Some(sig))?;
                    fresh.add(&v);
                    at = Position::after(&v);
                    last = Some(Head {
                        seq: v.seq(),
                        hash: v.hash(),
                        time: v.time(),
                    });
                    pending.push(v);
                    Ok(())
                };
                one().map_err(|e| Error::Line {
                    line,
                    error: Box::new(e),
                })?;
                added += 1;
            }
            if let Some(e) = checked.error {
                return Err(e);
            }
            if pending.len() >= buffer {
                flush_pending(&mut pending, &mut fresh, bulk)?;
            }
            Ok((last_line, added))
        };
        let mut ready: Option<(signatures::Checked, u64, u64)> = None;
        let mut next_chunk = |batch: Vec<Vec<u8>>,
                              first_line: u64,
                              ready: &mut Option<(signatures::Checked, u64, u64)>|
         -> Result<Option<(u64, u64)>, Error> {
            let (next, done) = match ready.take() {
                None => (check(batch, first_line), None),
                Some(prev) => {
                    let (next, done) = rayon::join(|| check(batch, first_line), || apply(prev));
                    (next, Some(done?))
                }
            };
            *ready = Some(next);
            Ok(done)
        };
        while let Some(line) = lines.next_line()? {
            report.lines += 1;
            let n = report.lines;
            // Line n is entry first + n - 1; at most u64::MAX lines fit.
            let seq = Seq(first.0.saturating_add(n - 1));
            if seq.0 < len {
                let ours = self.stored_leaf(seq)?;
                if ours.as_deref() != Some(line) {
                    return Err(Error::Diverged { line: n, seq });
                }
                report.existing += 1;
                continue;
            }
            batch.push(line.to_vec());
            if batch.len() == size {
                let first_line = n + 1 - batch.len() as u64;
                if let Some((done, added)) =
                    next_chunk(std::mem::take(&mut batch), first_line, &mut ready)?
                {
                    report.added += added;
                    progress(done);
                }
                size = sizes.next_size();
            }
        }
        if !batch.is_empty() {
            let first_line = report.lines + 1 - batch.len() as u64;
            if let Some((done, added)) =
                next_chunk(std::mem::take(&mut batch), first_line, &mut ready)?
            {
                report.added += added;
                progress(done);
            }
        }
        if let Some(prev) = ready.take() {
            let (done, added) = apply(prev)?;
            report.added += added;
            progress(done);
        }
        flush_pending(&mut pending, &mut fresh, bulk)?;
        if let Some(head) = last {
            self.commit_bulk(head)?;
        }
        progress(report.lines);
        Ok(report)
    }

    /// Flushes everything to disk (appends already do).
    ///
    /// # Errors
    /// Storage errors.
    pub fn flush(&self) -> Result<(), Error> {
        self.db.flush().map_err(sled_error)?;
        Ok(())
    }
}

impl View for Ledger {
    fn facts(&self, id: &EntryHash) -> Result<Option<EntryFacts>, Error> {
        let Some(seq) = self.first_in(changes::Index::Ids, id.as_bytes())? else {
            return Ok(None);
        };
        Ok(self.stored_entry(seq)?.map(|e| EntryFacts::of(&e)))
    }

    fn key(&self, key: &str) -> Result<Option<KeyFacts>, Error> {
        if let Some(cached) = self.cached_key(key) {
            return Ok(Some(cached));
        }
        let Some((seq, k)) = self.key_entry(key)? else {
            return Ok(None);
        };
        let org = match (k.org, &k.replaces) {
            (Some(org), _) => Some(org),
            (None, Some(old)) => self.inherited_org(old, seq)?,
            (None, None) => None,
        };
        let facts = KeyFacts {
            seq,
            roles: k.roles,
            org,
        };
        self.key_facts
            .write()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .insert(key.to_owned(), facts.clone());
        Ok(Some(facts))
    }

    fn org(&self, org: &OrgId) -> Result<Option<Seq>, Error> {
        match self.keys.scan_prefix(org_rows_prefix(org)).next() {
            Some(row) => Ok(Some(seq_of(&row.map_err(sled_error)?.1)?)),
            None => Ok(None),
        }
    }

    fn public_key(&self, key: &[u8; 32]) -> Result<Option<Seq>, Error> {
        let mut k = PUBLIC_KEY_PREFIX.to_vec();
        k.extend_from_slice(key);
        self.keys
            .get(k)
            .map_err(sled_error)?
            .map(|s| seq_of(&s))
            .transpose()
    }

    fn source(&self, id: &SourceId) -> Result<Option<Seq>, Error> {
        self.first_in(changes::Index::Sources, id.as_str().as_bytes())
    }

    fn revoked(&self, key: &str) -> Result<Option<Seq>, Error> {
        self.keys
            .get(revoked_key(key))
            .map_err(sled_error)?
            .map(|s| seq_of(&s))
            .transpose()
    }
}

impl Ledger {
    /// The facts of `key` already read, if any.
    fn cached_key(&self, key: &str) -> Option<KeyFacts> {
        // A poisoned lock only means a reader panicked; the map is still valid.
        self.key_facts
            .read()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .get(key)
            .cloned()
    }

    /// The entry that enrolled `key`, as the key index names it: its
    /// position and body.
    fn key_entry(&self, key: &str) -> Result<Option<(Seq, KeyBody)>, Error> {
        let Some(s) = self.keys.get(key.as_bytes()).map_err(sled_error)? else {
            return Ok(None);
        };
        let seq = seq_of(&s)?;
        match self.stored_entry(seq)?.as_ref().map(Entry::record) {
            Some(Record::Key(k)) => Ok(Some((seq, k.clone()))),
            _ => Err(Error::Corrupt {
                reason: format!("key index names {seq}, which is not a key entry"),
            }),
        }
    }

    /// The organisation of `old`, the key that the rotation at `at`
    /// replaced: the first `org` back along its line of rotations. Walks
    /// the line in a loop, not by recursion, however long it is; every step
    /// goes to an earlier entry, since a key is replaced only after it was
    /// enrolled.
    fn inherited_org(&self, old: &str, at: Seq) -> Result<Option<OrgId>, Error> {
        let (mut key, mut after) = (old.to_owned(), at);
        loop {
            if let Some(f) = self.cached_key(&key) {
                return Ok(f.org);
            }
            let Some((seq, k)) = self.key_entry(&key)? else {
                return Ok(None);
            };
            if seq >= after {
                return Err(Error::Corrupt {
                    reason: format!(
                        "key index names {seq} for a key replaced at entry {after}, not before"
                    ),
                });
            }
            match (k.org, k.replaces) {
                (Some(org), _) => return Ok(Some(org)),
                (None, Some(earlier)) => (key, after) = (earlier, seq),
                (None, None) => return Ok(None),
            }
        }
    }
}

/// A stored leaf, its position and its hash from the Merkle rows.
type HashedLeaf = ((Seq, sled::IVec), EntryHash);

/// See [`Ledger::leaf_hashes`].
struct LeafHashes {
    rows: sled::Iter,
    /// The row holding the next hash, and its number.
    row: Option<(u64, sled::IVec)>,
    next: u64,
    end: u64,
    done: bool,
}

impl Iterator for LeafHashes {
    type Item = Result<EntryHash, Error>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.done || self.next >= self.end {
            return None;
        }
        let at = self.next;
        let missing = || Error::Corrupt {
            reason: format!("the Merkle row holding entry {}'s hash is missing", Seq(at)),
        };
        let want = at / rows::BAND_WIDTH;
        if self.row.as_ref().is_none_or(|(n, _)| *n != want) {
            self.row = match self.rows.next() {
                Some(Ok((k, v))) if k.as_ref() == rows::node_row_key(0, want) => Some((want, v)),
                Some(Err(e)) => {
                    self.done = true;
                    return Some(Err(sled_error(e)));
                }
                _ => {
                    self.done = true;
                    return Some(Err(missing()));
                }
            };
        }
        let found = self.row.as_ref().map_or(Ok(None), |(_, row)| {
            rows::node_in(row, 0, at % rows::BAND_WIDTH)
        });
        match found {
            Ok(Some(h)) => {
                self.next += 1;
                Some(Ok(EntryHash::from_bytes(h)))
            }
            Ok(None) => {
                self.done = true;
                Some(Err(missing()))
            }
            Err(e) => {
                self.done = true;
                Some(Err(e))
            }
        }
    }
}

/// Leaf bytes read row by row from `entries` (see
/// [`Ledger::leaves_between`]).
struct Leaves {
    /// The entries tree, for the extra reads of [`SCAN_TOUCHES`].
    tree: sled::Tree,
    rows: sled::Iter,
    next: u64,
    end: u64,
    ready: std::collections::VecDeque<(Seq, sled::IVec)>,
    failed: Option<Error>,
    done: bool,
}

impl Leaves {
    fn fail(&mut self, e: Error) -> Option<Result<(Seq, sled::IVec), Error>> {
        self.done = true;
        Some(Err(e))
    }
}

impl Iterator for Leaves {
    type Item = Result<(Seq, sled::IVec), Error>;

    fn next(&mut self) -> Option<Self::Item> {
        loop {
            if let Some(leaf) = self.ready.pop_front() {
                return Some(Ok(leaf));
            }
            if let Some(e) = self.failed.take() {
                return self.fail(e);
            }
            if self.done || self.next >= self.end {
                return None;
            }
            let at = self.next;
            let missing = || Error::Corrupt {
                reason: format!("entry {} is missing from the store", Seq(at)),
            };
            let (k, row) = match self.rows.next() {
                Some(Ok(kv)) => kv,
                Some(Err(e)) => return self.fail(sled_error(e)),
                None => return self.fail(missing()),
            };
            for _ in 0..SCAN_TOUCHES {
                // Only for sled's cache (see SCAN_TOUCHES): the row was
                // just read, and an error here would show on the next read.
                let _ = self.tree.get(&k);
            }
            match seq_of(&k) {
                Ok(r) if r.0 == self.next / rows::ENTRIES_PER_ROW => {}
                Ok(_) => return self.fail(missing()),
                Err(e) => return self.fail(e),
            }
            let base = self.next - self.next % rows::ENTRIES_PER_ROW;
            let before = self.next;
            for (i, span) in rows::spans(&row).enumerate() {
                let seq = base + i as u64;
                if seq >= self.end {
                    break;
                }
                match span {
                    Ok(span) if seq >= self.next => {
                        self.ready
                            .push_back((Seq(seq), row.subslice(span.start, span.len())));
                        self.next = seq + 1;
                    }
                    Ok(_) => {}
                    Err(e) => {
                        // What came before the bad entry is still read.
                        self.failed = Some(at_entry(Seq(seq), e));
                        return self.next();
                    }
                }
            }
            if self.next == before {
                return self.fail(missing());
            }
        }
    }
}

/// Entries are signed "now": one dated more than [`MAX_CLOCK_SKEW_SECS`]
/// after the receiving clock is refused.
fn check_not_future(entry: &Entry, now: Timestamp) -> Result<(), Error> {
    if entry.time().unix() > now.unix().saturating_add(MAX_CLOCK_SKEW_SECS) {
        return Err(Error::Time {
            seq: entry.seq(),
            reason: format!(
                "{} is more than {MAX_CLOCK_SKEW_SECS} seconds in the future",
                entry.time()
            ),
        });
    }
    Ok(())
}

fn seq_of(b: &[u8]) -> Result<Seq, Error> {
    let arr: [u8; 8] = b.try_into().map_err(|_| Error::Corrupt {
        reason: "an index row holds a malformed sequence number".into(),
    })?;
    Ok(Seq(u64::from_be_bytes(arr)))
}

thread_local! {
    // One parser per thread, kept: it remembers the signer keys it has
    // decoded, and decoding an Ed25519 point is most of a stored entry's
    // parse (the rules read an earlier entry for almost every entry checked).
    static PARSER: std::cell::RefCell<Parser> = std::cell::RefCell::new(Parser::new());
}

fn parse_stored(seq: Seq, bytes: &[u8]) -> Result<Entry, Error> {
    PARSER
        .with(|p| p.borrow_mut().parse_stored(bytes))
        .map_err(|e| at_entry(seq, e))
}

fn at_entry(seq: Seq, e: Error) -> Error {
    match e {
        Error::NotCanonical { .. } => Error::NotCanonical { seq },
        other => Error::Corrupt {
            reason: format!("entry {seq}: {other}"),
        },
    }
}

/// An error of sled, as one line that says what happened: its I/O errors
/// as the operating system words them ("No space left on device (os error
/// 28)", where sled's own message would print Rust's debug form), and data
/// it found corrupted as a damaged store ([`Error::Corrupt`], which a check
/// reports as failed) rather than as a storage failure.
pub(crate) fn sled_error(e: sled::Error) -> Error {
    match e {
        sled::Error::Io(io) => Error::storage(io),
        sled::Error::Corruption { .. } => Error::Corrupt {
            reason: "its database holds data that cannot be read back (damaged on disk)".into(),
        },
        other => Error::storage(other),
    }
}

fn io(path: &Path, error: std::io::Error) -> Error {
    Error::Io {
        path: path.display().to_string(),
        error,
    }
}

fn io_named(what: &str, error: std::io::Error) -> Error {
    Error::Io {
        path: what.to_owned(),
        error,
    }
}

#[cfg(test)]
mod tests {
    use super::testkit::{admin, admin_and_editor, editor, outlet};
    use super::*;

    // Regression: `create` dropped its handle and reopened, and sled releases
    // its lock from a background thread, so this failed now and then with
    // "in use".
    #[test]
    fn create_then_reopen_is_never_in_use() {
        for _ in 0..50 {
            let dir = tempfile::tempdir().unwrap();
            let l = Ledger::create(&dir.path().join("l")).unwrap();
            drop(l);
            Ledger::open(&dir.path().join("l")).unwrap();
        }
    }

    #[test]
    fn create_names_what_is_in_the_way() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("notes.txt"), "x").unwrap();
        assert!(matches!(
            Ledger::create(dir.path()),
            Err(Error::NotEmpty { .. })
        ));
        let l = dir.path().join("l");
        drop(Ledger::create(&l).unwrap());
        assert!(matches!(
            Ledger::create(&l),
            Err(Error::AlreadyExists { .. })
        ));
    }

    /// [`small`] and then `n` sources more, each added by the editor.
    fn small_with_outlets(n: usize) -> (tempfile::TempDir, Ledger) {
        let (d, l, _) = small();
        let ed = editor();
        for i in 0..n {
            l.append(&ed, outlet(100 + i), super::testkit::t()).unwrap();
        }
        (d, l)
    }

    fn small() -> (tempfile::TempDir, Ledger, VerifiedEntry) {
        use crate::record::*;
        let dir = tempfile::tempdir().unwrap();
        let t = super::testkit::t();
        let ed = editor();
        let l = admin_and_editor(&dir.path().join("l"));
        let src = Record::Source(SourceBody {
            id: "agenzia-nova".parse().unwrap(),
            name: "Agenzia Nova".into(),
            kind: SourceKind::Outlet,
            url: None,
            language: None,
            affiliations: vec![],
            description: None,
        });
        let s = l.append(&ed, src, t).unwrap();
        let retract = Record::Amendment(AmendmentBody {
            target: s.entry().hash(),
            change: Change::Retract,
            reason: "test".into(),
        });
        let a = l.append(&ed, retract, t).unwrap();
        (dir, l, a.entry().clone())
    }

    // Organisations: the index finds a key's, inherited through rotations
    // after a reopen (nothing cached), verify checks its rows, and an
    // import (through the bulk path, and failing half way) keeps them
    // right.
    #[test]
    fn organisations_are_indexed_inherited_and_imported() {
        use crate::record::{Grade, KeyBody, TrustBody};
        let dir = tempfile::tempdir().unwrap();
        let t = super::testkit::t();
        let path = dir.path().join("l");
        let l = admin_and_editor(&path);
        let desk: OrgId = "verifica-desk".parse().unwrap();
        let keys: Vec<KeyPair> = (0..4)
            .map(|i| KeyPair::from_seed(&format!("fc{i}"), &[10 + i; 32]).unwrap())
            .collect();
        let body = |i: usize, org: Option<&OrgId>| KeyBody {
            key: keys[i].verifier().to_string(),
            roles: vec![crate::Role::FactChecker],
            holder: None,
            replaces: (i > 0).then(|| keys[i - 1].verifier().to_string()),
            org: org.cloned(),
        };
        let enrolled = l
            .append(&admin(), Record::Key(body(0, Some(&desk))), t)
            .unwrap()
            .entry()
            .seq();
        let trust = Record::Trust(TrustBody {
            checker: desk.clone(),
            grade: Grade::A,
            reason: "Signatory of a fact-checkers' code.".into(),
        });
        l.append(&admin(), trust, t).unwrap();
        l.append(&keys[0], Record::Key(body(1, None)), t).unwrap();
        l.append(&keys[1], Record::Key(body(2, None)), t).unwrap();
        drop(l);
        let l = Ledger::open(&path).unwrap();
        let facts = l.key(&keys[2].verifier().to_string()).unwrap().unwrap();
        assert_eq!(facts.org.as_ref(), Some(&desk));
        assert_eq!(l.org(&desk).unwrap(), Some(enrolled));
        assert_eq!(l.org(&"verifica".parse().unwrap()).unwrap(), None);
        l.verify(&mut |_| {}).unwrap();
        let other: OrgId = "other-desk".parse().unwrap();
        let err = l
            .append(&keys[2], Record::Key(body(3, Some(&other))), t)
            .unwrap_err();
        assert_eq!(err.field_name(), Some("body.org"), "{err}");

        let mut export = Vec::new();
        l.export_jsonl(&mut export).unwrap();
        // A lost organisation row is damage that verify reports.
        let mut row = org_rows_prefix(&desk);
        row.extend_from_slice(&enrolled.to_be_bytes());
        let stored = l.keys.remove(&row).unwrap().unwrap();
        let err = l.verify(&mut |_| {}).unwrap_err();
        assert!(matches!(err, Error::Corrupt { .. }), "{err}");
        l.keys.insert(&row, stored).unwrap();

        // An import a line at a time writes beyond the head as it goes;
        // one that fails on its last line leaves no organisation behind.
        let copy = Ledger::create(&dir.path().join("copy")).unwrap();
        let mut bad = export.clone();
        bad.extend_from_slice(b"{}\n");
        let at = Seq(0);
        assert!(
            copy.import_buffered(&mut bad.as_slice(), at, t, &mut |_| {}, 1)
                .is_err()
        );
        assert_eq!(copy.org(&desk).unwrap(), None);
        let report = copy
            .import_buffered(&mut export.as_slice(), at, t, &mut |_| {}, 1)
            .unwrap();
        assert_eq!(report.added, 6);
        copy.verify(&mut |_| {}).unwrap();
        let facts = copy.key(&keys[2].verifier().to_string()).unwrap().unwrap();
        assert_eq!(facts.org, Some(desk));
    }

    // Verify checks every index, not only the entries: a lost or an extra
    // row in any tree is reported.
    #[test]
    fn verify_finds_index_tampering() {
        let (_d, l, amendment) = small();
        l.verify(&mut |_| {}).unwrap();
        let crate::Record::Amendment(a) = amendment.record() else {
            unreachable!()
        };
        let bucket = l.buckets.of_hash(a.target.as_bytes());
        let stored = l.refs.get(bucket).unwrap().unwrap();
        // One record fewer: the last one is this amendment's.
        let cut = &stored[..stored.len() - 41];
        l.refs.insert(bucket, cut).unwrap();
        assert!(matches!(l.verify(&mut |_| {}), Err(Error::Corrupt { .. })));
        l.refs.insert(bucket, stored).unwrap();
        l.verify(&mut |_| {}).unwrap();
        l.mentions
            .insert(rows::mention_key(b"nobody", 0), &9u64.to_be_bytes()[..])
            .unwrap();
        assert!(matches!(l.verify(&mut |_| {}), Err(Error::Corrupt { .. })));
    }

    // A scan takes each leaf's hash from the Merkle rows: across rows (64
    // entries each) and chunks (5 in tests) every entry gets its own leaf's
    // hash, and a missing row is refused naming the entry, never read as
    // a shorter ledger.
    #[test]
    fn scans_take_each_leaf_hash_from_its_merkle_row() {
        let (_d, l) = small_with_outlets(140);
        let n = l.len().unwrap();
        let mut seen = 0u64;
        l.for_each_chunk(&|e: Entry| e, &mut |chunk| {
            for e in &chunk {
                assert_eq!(e.seq(), Seq(seen));
                assert_eq!(e.hash(), EntryHash::of_leaf(e.leaf_bytes()), "{}", e.seq());
                seen += 1;
            }
            Ok(true)
        })
        .unwrap();
        assert_eq!(seen, n);
        // The second row of the lowest band (entries 64-127) removed.
        l.merkle.remove(rows::node_row_key(0, 1)).unwrap();
        let err = l
            .for_each_chunk(&|e: Entry| e, &mut |_| Ok(true))
            .unwrap_err();
        assert!(err.to_string().contains("#64"), "{err}");
    }

    // Verify checks a chunk's entries beside the stored rows of the chunk
    // before it: damage found in the earlier chunk is still the answer
    // when a later entry is bad too, and the later entry is named when it
    // is the only fault.
    #[test]
    fn verify_reports_the_first_fault_in_ledger_order_across_chunks() {
        let (_d, l) = small_with_outlets(200);
        // Chunks run 16, 32, 64, 128 entries: entry 64 completes the first
        // Merkle row (compared then, in the chunk of entries 48-111) and
        // entry 150 lies in the chunk after.
        let bad_seq = Seq(150);
        let entry_key = rows::entry_row_key(bad_seq);
        let entry_row = l.entries.get(entry_key).unwrap().unwrap();
        let mut forged = rows::EntryRow::default();
        for (i, span) in rows::spans(&entry_row).enumerate() {
            let mut leaf = entry_row[span.unwrap()].to_vec();
            if i as u64 == bad_seq.0 % rows::ENTRIES_PER_ROW {
                let at = leaf.windows(6).position(|w| w == b"Source").unwrap();
                leaf[at] = b'Z';
            }
            forged.push(&leaf);
        }
        l.entries.insert(entry_key, forged.as_bytes()).unwrap();
        let err = l.verify(&mut |_| {}).unwrap_err();
        assert!(err.to_string().contains("#150"), "{err}");
        let node_key = rows::node_row_key(0, 0);
        let nodes = l.merkle.get(node_key).unwrap().unwrap();
        let mut wrong = nodes.to_vec();
        wrong[0] ^= 1;
        l.merkle.insert(node_key, wrong).unwrap();
        let err = l.verify(&mut |_| {}).unwrap_err();
        assert!(
            matches!(err, Error::Corrupt { .. })
                && err.to_string().contains("Merkle nodes of entries #0"),
            "{err}"
        );
        l.merkle.insert(node_key, nodes).unwrap();
        l.entries.insert(entry_key, entry_row).unwrap();
        l.verify(&mut |_| {}).unwrap();
    }

    // A packed row of entries lost or cut short inside the ledger is a
    // damaged store, never a shorter ledger: every whole-ledger read fails
    // naming the first entry missing.
    #[test]
    fn a_lost_or_short_entries_row_is_damage_not_a_shorter_ledger() {
        let (_d, l) = small_with_outlets(40);
        let n = l.len().unwrap();
        assert!(n > 32);
        let key = rows::entry_row_key(Seq(16));
        let stored = l.entries.remove(key).unwrap().unwrap();
        let err = l.verify(&mut |_| {}).unwrap_err();
        assert!(err.to_string().contains("entry #16 is missing"), "{err}");
        assert!(l.leaves().any(|r| r.is_err()));
        assert!(l.iter().filter_map(Result::ok).count() < n as usize);
        let mut short = rows::EntryRow::from_stored(&stored);
        short.truncate(5).unwrap();
        l.entries.insert(key, short.as_bytes()).unwrap();
        let err = l.verify(&mut |_| {}).unwrap_err();
        assert!(err.to_string().contains("entry #21 is missing"), "{err}");
        l.entries.insert(key, stored).unwrap();
        assert_eq!(l.verify(&mut |_| {}).unwrap().entries, n);
    }

    // Regression: reads stop at the head, so an entry row planted past it
    // was invisible to verify once imports could leave rows there.
    #[test]
    fn verify_finds_an_entry_beyond_the_head() {
        let (_d, l, last) = small();
        l.verify(&mut |_| {}).unwrap();
        let key = rows::entry_row_key(last.seq().next());
        let mut row = rows::EntryRow::from_stored(&l.entries.get(key).unwrap().unwrap_or_default());
        row.push(last.leaf_bytes());
        l.entries.insert(key, row.as_bytes()).unwrap();
        let err = l.verify(&mut |_| {}).unwrap_err();
        assert!(err.to_string().contains("beyond the head"), "{err}");
    }

    // One public key cannot be enrolled twice under different names.
    #[test]
    fn a_public_key_is_enrolled_once() {
        let (_d, l, _) = small();
        let alias = KeyPair::from_seed("ed-alias", &[2; 32]).unwrap();
        let t = super::testkit::t();
        let before = l.head().unwrap();
        let err = l
            .append(
                &admin(),
                Record::Key(crate::record::KeyBody {
                    key: alias.verifier().to_string(),
                    roles: vec![crate::Role::Editor],
                    holder: None,
                    replaces: None,
                    org: None,
                }),
                t,
            )
            .unwrap_err();
        assert!(err.to_string().contains("already enrolled"), "{err}");
        assert_eq!(l.head().unwrap(), before);
    }

    // Past 256 entries the upper Merkle levels are served from memory; the
    // roots and proofs must not change whether a node came from the cache
    // or from sled, nor as the ledger grows after they were cached.
    #[test]
    fn upper_level_cache_gives_the_stored_tree() {
        let (_d, l, _) = small();
        let ed = editor();
        let t = super::testkit::t();
        let mut records: Vec<Record> = (0..700).map(outlet).collect();
        let check = |l: &Ledger| {
            let leaves: Vec<merkle::Hash> =
                l.iter().map(|e| *e.unwrap().hash().as_bytes()).collect();
            for n in [257u64, 512, 513, 600, leaves.len() as u64] {
                let n = n.min(leaves.len() as u64);
                let want = merkle::root(&leaves[..n as usize]);
                for _ in 0..2 {
                    assert_eq!(l.tree_root(n).unwrap(), want, "size {n}");
                    for i in [0, 1, 255, 256, n / 2, n - 1] {
                        let p = l.inclusion_proof(i, n).unwrap();
                        assert_eq!(
                            p,
                            merkle::inclusion_proof(&leaves[..n as usize], i).unwrap()
                        );
                    }
                    for m in [1, 256, n / 3, n] {
                        let p = l.consistency_proof(m, n).unwrap();
                        assert_eq!(
                            p,
                            merkle::consistency_proof(&leaves[..n as usize], m).unwrap()
                        );
                    }
                }
            }
        };
        for r in records.drain(..600) {
            l.append(&ed, r, t).unwrap();
        }
        check(&l);
        for r in records {
            l.append(&ed, r, t).unwrap();
        }
        check(&l);
        assert!(!l.upper_nodes.read().unwrap().is_empty());
        l.verify(&mut |_| {}).unwrap();
    }

    // The stored tree gives the same roots and proofs as the recursive
    // definition, for every size, whether entries came one by one or in an
    // imported batch.
    #[test]
    fn stored_merkle_tree_matches_rfc6962() {
        let (_d, l, _) = small();
        let ed = editor();
        let t = super::testkit::t();
        for i in 0..20 {
            l.append(&ed, outlet(i), t).unwrap();
        }
        let mut export = Vec::new();
        l.export_jsonl(&mut export).unwrap();
        let dir = tempfile::tempdir().unwrap();
        let copy = Ledger::create(&dir.path().join("c")).unwrap();
        copy.import_jsonl(&mut &export[..], t, &mut |_| {}).unwrap();
        let leaves: Vec<merkle::Hash> = l.iter().map(|e| *e.unwrap().hash().as_bytes()).collect();
        for ledger in [&l, &copy] {
            ledger.verify(&mut |_| {}).unwrap();
            for n in 0..=leaves.len() as u64 {
                let want = merkle::root(&leaves[..n as usize]);
                assert_eq!(ledger.tree_root(n).unwrap(), want, "size {n}");
                for i in 0..n {
                    let p = ledger.inclusion_proof(i, n).unwrap();
                    merkle::verify_inclusion(i, n, &leaves[i as usize], &p, &want).unwrap();
                }
                for m in 1..=n {
                    let p = ledger.consistency_proof(m, n).unwrap();
                    let old = merkle::root(&leaves[..m as usize]);
                    merkle::verify_consistency(m, n, &old, &want, &p).unwrap();
                }
            }
            assert!(ledger.tree_root(leaves.len() as u64 + 1).is_err());
        }
        // A changed node is found by verify.
        let (key, _, _) = rows::node_place(0, 3);
        let mut row = l.merkle.get(key).unwrap().unwrap().to_vec();
        row[3 * 32] ^= 7;
        l.merkle.insert(key, row).unwrap();
        assert!(matches!(l.verify(&mut |_| {}), Err(Error::Corrupt { .. })));
    }
}
