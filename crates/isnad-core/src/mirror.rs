//! Following a published log: a mirror fetches a tiled log's checkpoint,
//! tiles and entry bundles (C2SP tlog-tiles, see [`crate::tiles`]), checks
//! them, and keeps a verified copy as an ordinary isnad ledger.
//!
//! A mirror directory holds `ledger/`, the copy (every isnad command that
//! reads a ledger works on it), and `checkpoint`, the last checkpoint it
//! verified, as the source published it. Each run of [`mirror`]:
//!
//! 1. fetches `checkpoint` and opens it with the log's verifier key (the
//!    key's name is the origin);
//! 2. refuses it if it is smaller than the last checkpoint verified (the log
//!    rolled back) or has another root at the same size (the log rewrote
//!    history);
//! 3. fetches the entry bundles of the new entries, and computes the root
//!    of the mirror's own entries followed by theirs: it must be the signed
//!    root, or the log rewrote history (or its bundles were altered);
//! 4. fetches every hash tile that is new at the checkpoint's size and
//!    checks each hash against the same computation;
//! 5. only then writes: the new entries go through the ledger's import,
//!    which checks every signature and rule, and the checkpoint is kept in
//!    the ledger (and copied to `checkpoint`) for the next run to start from.
//!
//! Until step 5 nothing is written but a temporary file of the new entries
//! in the mirror directory, which is removed whatever happens. A mirror
//! detects a rewrite or a rollback between the checkpoints it saw; it
//! cannot tell whether others were shown another history (a split view)
//! without comparing checkpoints with them, which witnesses do.
//!
//! Fetching is behind [`Fetch`], so the library does no networking:
//! [`DirSource`] reads a directory written by
//! [`Ledger::export_tiles`]; the command line brings an HTTP client.

use std::collections::HashMap;
use std::io::{BufWriter, Read as _, Write as _};
use std::path::{Path, PathBuf};

use crate::checkpoint::{self, SignedCheckpoint};
use crate::cosignature::Quorum;
use crate::error::Error;
use crate::ids::Seq;
use crate::keys::VerifierKey;
use crate::merkle::{self, Hash};
use crate::store::{Ledger, OpenOptions};
use crate::tiles::{self, Tile};
use crate::time::Timestamp;

/// The mirror's ledger, inside the mirror directory.
pub const LEDGER_DIR: &str = "ledger";
/// The last verified checkpoint, inside the mirror directory.
pub const CHECKPOINT_FILE: &str = "checkpoint";
/// The new entries of a run between fetching and importing them.
const SPOOL_FILE: &str = ".incoming.jsonl";
/// The largest checkpoint fetched.
const MAX_CHECKPOINT_BYTES: usize = 64 * 1024;

/// Where a published log is read from: a prefix under which `checkpoint`
/// and `tile/…` resolve.
pub trait Fetch {
    /// The bytes of `path` (`checkpoint`, `tile/0/000`, …, no leading
    /// slash). A body longer than `max` bytes must be refused rather than
    /// read whole.
    ///
    /// # Errors
    /// [`Error::Fetch`] naming the path: missing, unreachable, too large.
    fn fetch(&mut self, path: &str, max: usize) -> Result<Vec<u8>, Error>;
}

/// A log published as files in a directory (as `export tiles` writes it).
#[derive(Clone, Debug)]
pub struct DirSource {
    root: PathBuf,
}

impl DirSource {
    /// Reads the log under `root`.
    pub fn new(root: &Path) -> DirSource {
        DirSource {
            root: root.to_path_buf(),
        }
    }
}

impl Fetch for DirSource {
    fn fetch(&mut self, path: &str, max: usize) -> Result<Vec<u8>, Error> {
        let failed = |reason: String| Error::Fetch {
            path: path.to_owned(),
            reason,
        };
        let file = self.root.join(path);
        let f = std::fs::File::open(&file).map_err(|e| {
            if e.kind() == std::io::ErrorKind::NotFound {
                failed(format!("no such file in {}", self.root.display()))
            } else {
                failed(format!("{}: {e}", file.display()))
            }
        })?;
        let mut out = Vec::new();
        f.take(max as u64 + 1)
            .read_to_end(&mut out)
            .map_err(|e| failed(format!("{}: {e}", file.display())))?;
        if out.len() > max {
            return Err(failed(format!("larger than {max} bytes")));
        }
        Ok(out)
    }
}

/// What a run of [`mirror`] did.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MirrorReport {
    /// True when this run created the mirror.
    pub created: bool,
    /// Entries the mirror held before.
    pub before: u64,
    /// Entries it holds now: the checkpoint's size.
    pub size: u64,
    /// Every path fetched, in order.
    pub fetched: Vec<String>,
    /// The checkpoint verified and kept.
    pub checkpoint: SignedCheckpoint,
}

impl MirrorReport {
    /// Entries added by this run.
    pub fn added(&self) -> u64 {
        self.size - self.before
    }
}

/// Brings the mirror in `dir` up to the log published at `source`, whose
/// checkpoints `log_key` signs. Creates the mirror on the first run (`dir`
/// absent or empty). See the module documentation for the checks.
///
/// `now` is the time the new entries are checked against (none may be
/// dated more than five minutes after it, as for any import).
///
/// # Errors
/// [`Error::Fetch`] when a resource cannot be fetched; [`Error::Tile`]
/// for a malformed tile or bundle; [`Error::Note`] for a checkpoint not
/// signed by `log_key`; [`Error::Checkpoint`] for a rollback, a rewritten
/// history or entries that do not hash to the signed root;
/// [`Error::TileMismatch`] for a tile or bundle that differs from what the
/// checkpoint commits to; the import's errors for an entry that breaks the
/// ledger's rules; [`Error::LogKey`] when the mirror follows another log;
/// [`Error::NotEmpty`] for a `dir` that holds something else. On any error
/// the mirror is as it was (and a mirror this run would have created does
/// not exist).
pub fn mirror(
    dir: &Path,
    source: &mut dyn Fetch,
    log_key: &VerifierKey,
    now: Timestamp,
    options: &OpenOptions,
) -> Result<MirrorReport, Error> {
    mirror_with_quorum(dir, source, log_key, &Quorum::default(), now, options)
}

/// [`mirror`], refusing a checkpoint that fewer than the quorum's number
/// of its witnesses cosigned ([`Error::Quorum`]) before anything is
/// fetched beyond it.
///
/// # Errors
/// As [`mirror`], and [`Error::Quorum`].
pub fn mirror_with_quorum(
    dir: &Path,
    source: &mut dyn Fetch,
    log_key: &VerifierKey,
    quorum: &Quorum,
    now: Timestamp,
    options: &OpenOptions,
) -> Result<MirrorReport, Error> {
    checkpoint::check_origin(log_key.name())?;
    let mut fetched = Vec::new();
    let signed = fetch_checkpoint(source, log_key, &mut fetched)?;
    quorum.check(signed.note())?;
    let ledger_dir = dir.join(LEDGER_DIR);
    if ledger_dir.exists() {
        let ledger = Ledger::open_with(&ledger_dir, options)?;
        match ledger.log_key()? {
            Some(k) if &k == log_key => {}
            Some(k) => {
                return Err(Error::LogKey {
                    reason: format!("this mirror follows the log {k}, not {log_key}"),
                });
            }
            None => {
                return Err(Error::LogKey {
                    reason: format!(
                        "{} has no log key: it is not a mirror",
                        ledger_dir.display()
                    ),
                });
            }
        }
        let spool = Spool::new(dir);
        return sync(&ledger, dir, &signed, source, now, fetched, false, &spool);
    }
    // A new mirror: an empty ledger that follows this log. A creation
    // killed before it finished left only its staging directory.
    crate::store::create::remove_abandoned(&ledger_dir)?;
    let existed = dir.exists();
    if existed {
        let mut items = std::fs::read_dir(dir).map_err(|e| io(dir, e))?;
        if items.next().is_some() {
            return Err(Error::NotEmpty {
                path: dir.display().to_string(),
            });
        }
    }
    // Made all at once with its log key, so that a kill leaves no ledger
    // or one that the next run resumes.
    let created = Ledger::create_with(&ledger_dir, |ledger, _| ledger.set_log_key(log_key))
        .map(|(ledger, ())| ledger);
    let result = created.and_then(|ledger| {
        let spool = Spool::new(dir);
        let r = sync(&ledger, dir, &signed, source, now, fetched, true, &spool);
        drop(ledger);
        r
    });
    if result.is_err() {
        // Leave the directory as it was: absent, or empty.
        let _ = std::fs::remove_dir_all(&ledger_dir);
        let _ = std::fs::remove_file(dir.join(CHECKPOINT_FILE));
        if !existed {
            let _ = std::fs::remove_dir_all(dir);
        }
    }
    result
}

/// The temporary file of a run's new entries; removed when dropped.
struct Spool {
    path: PathBuf,
}

impl Spool {
    fn new(dir: &Path) -> Spool {
        Spool {
            path: dir.join(SPOOL_FILE),
        }
    }
}

impl Drop for Spool {
    fn drop(&mut self) {
        // Absent when nothing was spooled.
        let _ = std::fs::remove_file(&self.path);
    }
}

fn io(path: &Path, error: std::io::Error) -> Error {
    Error::Io {
        path: path.display().to_string(),
        error,
    }
}

fn fetch_checkpoint(
    source: &mut dyn Fetch,
    log_key: &VerifierKey,
    fetched: &mut Vec<String>,
) -> Result<SignedCheckpoint, Error> {
    fetched.push(tiles::CHECKPOINT_PATH.into());
    let bytes = source.fetch(tiles::CHECKPOINT_PATH, MAX_CHECKPOINT_BYTES)?;
    let text = String::from_utf8(bytes).map_err(|_| Error::Tile {
        path: tiles::CHECKPOINT_PATH.into(),
        reason: "not UTF-8 text".into(),
    })?;
    let signed = SignedCheckpoint::open(&text, log_key)?;
    if signed.checkpoint().origin() != log_key.name() {
        return Err(Error::Checkpoint {
            size: signed.size(),
            reason: format!(
                "its origin is `{}`, but the log key is named `{}`",
                signed.checkpoint().origin(),
                log_key.name()
            ),
        });
    }
    Ok(signed)
}

/// One run against an open mirror ledger.
#[allow(
    clippy::too_many_arguments,
    reason = "one private step of `mirror`, called twice"
)]
fn sync(
    ledger: &Ledger,
    dir: &Path,
    signed: &SignedCheckpoint,
    source: &mut dyn Fetch,
    now: Timestamp,
    mut fetched: Vec<String>,
    created: bool,
    spool: &Spool,
) -> Result<MirrorReport, Error> {
    let len = ledger.len()?;
    let (m, last_root) = match ledger.latest_checkpoint()? {
        Some(c) => (c.size(), *c.checkpoint().root()),
        None => (0, merkle::empty_root()),
    };
    let n = signed.size();
    let root = *signed.checkpoint().root();
    let history = |reason: String| Error::Checkpoint { size: n, reason };
    if n < m || n < len {
        return Err(history(format!(
            "the log rolled back: this mirror verified {} entries of it before",
            m.max(len)
        )));
    }
    if n == m && root != last_root {
        return Err(history(format!(
            "the log rewrote history: this mirror verified another root for the same size ({})",
            b64(&last_root)
        )));
    }
    let report = |fetched, checkpoint| MirrorReport {
        created,
        before: len,
        size: n,
        fetched,
        checkpoint,
    };
    if n == len {
        if ledger.tree_root(n)? != root {
            return Err(history(format!(
                "the log rewrote history: its root is not the root of the {n} entries \
                 this mirror holds"
            )));
        }
        let kept = ledger.keep_checkpoint(signed.note())?;
        publish(dir, signed)?;
        return Ok(report(fetched, kept));
    }
    // The new entries: their leaf hashes, and every complete subtree they
    // complete at a tile level, computed from the mirror's own tree.
    let mut frontier = ledger.frontier(len)?;
    let mut leaves: Vec<Hash> = Vec::new();
    let mut nodes: HashMap<(u32, u64), Hash> = HashMap::new();
    let spool_file = std::fs::File::create(&spool.path).map_err(|e| io(&spool.path, e))?;
    let mut out = BufWriter::new(spool_file);
    let first_bundle = len / u64::from(tiles::FULL_WIDTH);
    for bundle in tiles::bundles(n).skip_while(|b| b.index() < first_bundle) {
        let path = bundle.path();
        fetched.push(path.clone());
        let bytes = source.fetch(&path, tiles::MAX_BUNDLE_BYTES)?;
        let entries = tiles::parse_bundle(&bundle, &bytes)?;
        let start = bundle.start().unwrap_or(0);
        for (seq, entry) in (start..).zip(entries) {
            let leaf = merkle::leaf_hash(entry);
            if seq < len {
                if leaf != ledger.stored_subtree(0, seq)? {
                    return Err(history(format!(
                        "the log rewrote history: entry {seq} in {path} is not the entry \
                         this mirror verified"
                    )));
                }
                continue;
            }
            if entry.contains(&b'\n') {
                return Err(Error::Tile {
                    path,
                    reason: format!("entry {seq} holds a newline, so it is no isnad entry"),
                });
            }
            frontier.push_with(leaf, &mut |level, hash| {
                if level > 0 && level % tiles::HEIGHT == 0 {
                    nodes.insert((level, seq >> level), *hash);
                }
            });
            leaves.push(leaf);
            out.write_all(entry)
                .and_then(|()| out.write_all(b"\n"))
                .map_err(|e| io(&spool.path, e))?;
        }
    }
    out.flush().map_err(|e| io(&spool.path, e))?;
    drop(out);
    if frontier.root() != root {
        return Err(history(if len == 0 {
            format!(
                "the {n} entries published do not hash to its root: the entry bundles \
                 were altered, or hold another history than the one signed"
            )
        } else {
            format!(
                "its root is not the root of the {len} entries this mirror verified followed \
                 by the {} published since: the log rewrote history, or its entry bundles \
                 were altered",
                n - len
            )
        }));
    }
    // Every tile new at this size must hold what the entries give.
    for tile in tiles::tiles(n).filter(|t| t.end().is_some_and(|end| end > len)) {
        let path = tile.path();
        fetched.push(path.clone());
        let bytes = source.fetch(&path, tiles::MAX_TILE_BYTES)?;
        let hashes = tiles::parse_tile(&tile, &bytes)?;
        for (i, got) in (0u16..).zip(&hashes) {
            let want = expected(ledger, &tile, i, len, &leaves, &nodes)?;
            if *got != want {
                return Err(Error::TileMismatch {
                    path,
                    reason: format!(
                        "hash {i} is not the one the log's entries give (the checkpoint \
                         of {n} entries commits to those)"
                    ),
                });
            }
        }
    }
    // Checked: now the entries go through the rules, all or nothing.
    let file = std::fs::File::open(&spool.path).map_err(|e| io(&spool.path, e))?;
    let mut input = std::io::BufReader::new(file);
    ledger.import_jsonl_at(&mut input, Seq(len), now, &mut |_| {})?;
    if ledger.tree_root(n)? != root {
        return Err(Error::Corrupt {
            reason: format!("the mirror's tree of {n} entries is not the one it checked"),
        });
    }
    let kept = ledger.keep_checkpoint(signed.note())?;
    publish(dir, signed)?;
    Ok(report(fetched, kept))
}

/// The hash item `i` of `tile` must have: from the new entries when it
/// covers any of them, from the mirror's stored tree otherwise.
fn expected(
    ledger: &Ledger,
    tile: &Tile,
    i: u16,
    len: u64,
    leaves: &[Hash],
    nodes: &HashMap<(u32, u64), Hash>,
) -> Result<Hash, Error> {
    let bad = || Error::Tile {
        path: tile.path(),
        reason: "its index is too large".into(),
    };
    let (level, index) = tile.node(i).ok_or_else(bad)?;
    if level == 0 {
        return match index.checked_sub(len) {
            // Below `n`, which is `len` plus the leaves' count.
            Some(k) => leaves.get(k as usize).copied().ok_or_else(bad),
            None => ledger.stored_subtree(0, index),
        };
    }
    match nodes.get(&(level, index)) {
        Some(h) => Ok(*h),
        // Not completed by a new entry: it ends within the mirror's entries.
        None => ledger.stored_subtree(level, index),
    }
}

/// Writes the verified checkpoint beside the ledger.
fn publish(dir: &Path, signed: &SignedCheckpoint) -> Result<(), Error> {
    crate::store::write_if_changed(&dir.join(CHECKPOINT_FILE), signed.note().as_bytes())?;
    Ok(())
}

fn b64(h: &Hash) -> String {
    use base64::Engine as _;
    base64::engine::general_purpose::STANDARD.encode(h)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::keys::KeyPair;
    use crate::record::{KeyBody, Record, SourceBody, SourceKind};

    fn t() -> Timestamp {
        Timestamp::parse("2025-02-18T08:00:00Z").unwrap()
    }

    fn log_key() -> KeyPair {
        KeyPair::from_seed("isnad.test/mirrored", &[5; 32]).unwrap()
    }

    fn ed() -> KeyPair {
        KeyPair::from_seed("ed", &[2; 32]).unwrap()
    }

    fn outlet(i: usize) -> Record {
        Record::Source(SourceBody {
            id: format!("o{i}").parse().unwrap(),
            name: format!("Outlet {i}"),
            kind: SourceKind::Outlet,
            url: None,
            language: None,
            affiliations: vec![],
            description: None,
        })
    }

    /// A source ledger of 2 + `outlets.len()` entries with a log key.
    fn source(dir: &Path, outlets: std::ops::Range<usize>) -> Ledger {
        let admin = KeyPair::from_seed("admin", &[1; 32]).unwrap();
        let l = crate::init(dir, &admin, t()).unwrap();
        l.append(
            &admin,
            Record::Key(KeyBody {
                key: ed().verifier().to_string(),
                roles: vec![crate::Role::Editor],
                holder: None,
                replaces: None,
                org: None,
            }),
            t(),
        )
        .unwrap();
        for i in outlets {
            l.append(&ed(), outlet(i), t()).unwrap();
        }
        l.set_log_key(log_key().verifier()).unwrap();
        l
    }

    fn publish_to(l: &Ledger, dir: &Path) {
        let key = log_key();
        l.export_tiles(dir, &mut |_| l.sign_checkpoint(&key))
            .unwrap();
    }

    fn run(dir: &Path, published: &Path) -> Result<MirrorReport, Error> {
        mirror(
            dir,
            &mut DirSource::new(published),
            log_key().verifier(),
            t(),
            &OpenOptions::default(),
        )
    }

    fn export(dir: &Path) -> Vec<u8> {
        let l = Ledger::open(&dir.join(LEDGER_DIR)).unwrap();
        let mut out = Vec::new();
        l.export_jsonl(&mut out).unwrap();
        out.extend_from_slice(&std::fs::read(dir.join(CHECKPOINT_FILE)).unwrap());
        out
    }

    #[test]
    fn follows_a_growing_log_fetching_only_what_is_new() {
        let d = tempfile::tempdir().unwrap();
        let (src, published, m) = (
            d.path().join("src"),
            d.path().join("pub"),
            d.path().join("m"),
        );
        let l = source(&src, 0..298);
        publish_to(&l, &published);
        let r = run(&m, &published).unwrap();
        assert_eq!(
            (r.created, r.before, r.size, r.added()),
            (true, 0, 300, 300)
        );
        assert_eq!(
            r.fetched,
            [
                "checkpoint",
                "tile/entries/000",
                "tile/entries/001.p/44",
                "tile/0/000",
                "tile/0/001.p/44",
                "tile/1/000.p/1"
            ]
        );
        let r = run(&m, &published).unwrap();
        assert_eq!((r.added(), r.fetched.len()), (0, 1));
        for i in 298..310 {
            l.append(&ed(), outlet(i), t()).unwrap();
        }
        publish_to(&l, &published);
        let r = run(&m, &published).unwrap();
        assert_eq!((r.created, r.before, r.size), (false, 300, 312));
        assert_eq!(
            r.fetched,
            ["checkpoint", "tile/entries/001.p/56", "tile/0/001.p/56"]
        );
        let mirror = Ledger::open(&m.join(LEDGER_DIR)).unwrap();
        assert_eq!(mirror.verify(&mut |_| {}).unwrap().checkpoints, 2);
        let (mut a, mut b) = (Vec::new(), Vec::new());
        mirror.export_jsonl(&mut a).unwrap();
        l.export_jsonl(&mut b).unwrap();
        assert_eq!(a, b);
        assert_eq!(
            std::fs::read(m.join(CHECKPOINT_FILE)).unwrap(),
            std::fs::read(published.join("checkpoint")).unwrap()
        );
        // Another log's key is not this mirror's.
        drop(mirror);
        let other = KeyPair::from_seed("isnad.test/other", &[6; 32]).unwrap();
        let err = mirror_with(&m, &published, other.verifier()).unwrap_err();
        assert!(matches!(err, Error::Note { .. }), "{err}");
    }

    fn mirror_with(dir: &Path, published: &Path, key: &VerifierKey) -> Result<MirrorReport, Error> {
        mirror(
            dir,
            &mut DirSource::new(published),
            key,
            t(),
            &OpenOptions::default(),
        )
    }

    // A fork of the log (the same key, another history) is refused at the
    // same size, at a larger one, and at a size that crosses a tile.
    #[test]
    fn a_rewritten_or_rolled_back_history_is_refused() {
        let d = tempfile::tempdir().unwrap();
        let (published, m) = (d.path().join("pub"), d.path().join("m"));
        let l = source(&d.path().join("src"), 0..40);
        publish_to(&l, &published);
        run(&m, &published).unwrap();
        let before = export(&m);
        for (name, outlets, grow) in [
            ("same-size", 0..39, 1000..1001),
            ("larger", 0..39, 1000..1010),
            ("across-tiles", 0..39, 1000..1300),
            ("rollback", 0..30, 0..0),
        ] {
            let fork = source(&d.path().join(name), outlets);
            for i in grow {
                fork.append(&ed(), outlet(i), t()).unwrap();
            }
            let fork_pub = d.path().join(format!("{name}-pub"));
            publish_to(&fork, &fork_pub);
            let err = run(&m, &fork_pub).unwrap_err();
            assert!(matches!(err, Error::Checkpoint { .. }), "{name}: {err}");
            let text = err.to_string();
            assert!(
                text.contains("rewrote history") || text.contains("rolled back"),
                "{name}: {text}"
            );
            assert_eq!(export(&m), before, "{name}");
            assert!(!m.join(SPOOL_FILE).exists());
        }
    }

    // Every byte of every tile and bundle matters: a change is refused,
    // and a mirror the run would have created is not there afterwards.
    #[test]
    fn a_changed_byte_anywhere_is_refused() {
        let d = tempfile::tempdir().unwrap();
        let published = d.path().join("pub");
        let l = source(&d.path().join("src"), 0..258);
        publish_to(&l, &published);
        let m = d.path().join("m");
        let mut files: Vec<PathBuf> = Vec::new();
        let mut stack = vec![published.join("tile")];
        while let Some(dir) = stack.pop() {
            for e in std::fs::read_dir(&dir).unwrap() {
                let p = e.unwrap().path();
                if p.is_dir() {
                    stack.push(p);
                } else {
                    files.push(p);
                }
            }
        }
        files.sort();
        assert_eq!(files.len(), 5);
        for f in &files {
            let good = std::fs::read(f).unwrap();
            for at in [2, good.len() / 2, good.len() - 1] {
                let mut bad = good.clone();
                bad[at] ^= 0x20;
                std::fs::write(f, &bad).unwrap();
                let err = run(&m, &published).unwrap_err();
                assert!(
                    matches!(
                        err,
                        Error::Checkpoint { .. }
                            | Error::TileMismatch { .. }
                            | Error::Tile { .. }
                            | Error::Line { .. }
                    ),
                    "{}@{at}: {err}",
                    f.display()
                );
                assert!(
                    !m.exists(),
                    "{}@{at}: the mirror was left behind",
                    f.display()
                );
            }
            std::fs::write(f, &good).unwrap();
        }
        // A missing tile is a fetch error, and a bad checkpoint a note error.
        std::fs::rename(&files[0], d.path().join("aside")).unwrap();
        assert!(matches!(run(&m, &published), Err(Error::Fetch { .. })));
        std::fs::rename(d.path().join("aside"), &files[0]).unwrap();
        let cp = std::fs::read_to_string(published.join("checkpoint")).unwrap();
        std::fs::write(
            published.join("checkpoint"),
            cp.replacen("\n260\n", "\n259\n", 1),
        )
        .unwrap();
        assert!(matches!(run(&m, &published), Err(Error::Note { .. })));
        std::fs::write(published.join("checkpoint"), &cp).unwrap();
        assert_eq!(run(&m, &published).unwrap().size, 260);
        // A directory with other things in it is not made a mirror.
        let busy = d.path().join("busy");
        std::fs::create_dir(&busy).unwrap();
        std::fs::write(busy.join("notes.txt"), "x").unwrap();
        assert!(matches!(
            run(&busy, &published),
            Err(Error::NotEmpty { .. })
        ));
    }
}
