//! The ledger's tree and entries as C2SP tlog-tiles (see [`crate::tiles`]):
//! tiles and bundles served from the stored Merkle nodes and entries, and
//! `export tiles`, which writes them as static files beside the signed
//! checkpoint.
//!
//! A child module of `store` so that it reads the stored nodes and entry
//! rows directly, without widening the store's API.

use std::io::Read as _;
use std::path::{Path, PathBuf};

use crate::checkpoint::SignedCheckpoint;
use crate::error::Error;
use crate::ids::Seq;
use crate::merkle::{Frontier, Hash};
use crate::tiles::{self, Tile, TileKind};

use super::{Ledger, io};

/// What [`Ledger::export_tiles`] did.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TilesExport {
    /// The tree size exported (the checkpoint's).
    pub size: u64,
    /// The size of the checkpoint the directory held before, if any.
    pub previous: Option<u64>,
    /// Files written (tiles, bundles and the checkpoint): new, or changed.
    pub written: u64,
    /// Files already there with the right contents.
    pub unchanged: u64,
    /// Stale partial tiles and bundles removed: those whose full tile now
    /// exists.
    pub removed: u64,
    /// Temporary files that an earlier export, killed while it wrote,
    /// left behind (`.NAME.PID.tmp`, their process gone): removed.
    pub abandoned: u64,
}

impl Ledger {
    /// The hash tile at `level`, `index`, `width`: its hashes read from the
    /// stored Merkle nodes, concatenated (32 × width bytes).
    ///
    /// # Errors
    /// [`Error::Tile`] for coordinates no tile has; [`Error::NoTile`] when
    /// the tile reaches past the ledger's entries.
    pub fn tile(&self, level: u8, index: u64, width: u16) -> Result<Vec<u8>, Error> {
        self.tile_data(&Tile::hashes(level, index, width)?)
    }

    /// The entry bundle at `index`, `width`: the leaf bytes of entries
    /// `index·256` to `index·256 + width − 1`, each after its big-endian
    /// 16-bit length.
    ///
    /// # Errors
    /// [`Error::Tile`] for a bad width or an entry longer than 65,535
    /// bytes; [`Error::NoTile`] past the ledger's entries.
    pub fn entry_bundle(&self, index: u64, width: u16) -> Result<Vec<u8>, Error> {
        self.tile_data(&Tile::entries(index, width)?)
    }

    /// The bytes of any tile or bundle the ledger's tree has: a full one,
    /// or a partial one of any width up to the ledger's size (a partial
    /// tile of an earlier size never changes, so it stays servable for
    /// readers of that size's checkpoint). What a server returns for
    /// `GET /<path>` after [`Tile::parse`].
    ///
    /// # Errors
    /// [`Error::NoTile`] when the tile reaches past the ledger's entries;
    /// [`Error::Tile`] for an entry too long for a bundle; storage errors.
    pub fn tile_data(&self, tile: &Tile) -> Result<Vec<u8>, Error> {
        let size = self.len()?;
        let Some(end) = tile.end().filter(|&end| end <= size) else {
            return Err(Error::NoTile {
                path: tile.path(),
                size,
            });
        };
        match tile.kind() {
            TileKind::Hashes(_) => tiles::tile_from_nodes(tile, &mut |l, i| self.node(l, i)),
            TileKind::Entries => {
                // Within the head, as checked above: every row is committed.
                let start = end - u64::from(tile.width());
                let mut rows = Vec::with_capacity(usize::from(tile.width()));
                for kv in self.leaves_between(Seq(start), end) {
                    rows.push(kv?.1);
                }
                if rows.len() != usize::from(tile.width()) {
                    return Err(Error::Corrupt {
                        reason: format!("entries {start} to {end} are not all stored"),
                    });
                }
                let refs: Vec<&[u8]> = rows.iter().map(|r| r.as_ref()).collect();
                tiles::encode_bundle(tile, &refs)
            }
        }
    }

    /// The stored hash of the complete subtree over entries
    /// `[index·2^level, (index + 1)·2^level)`, which must lie within the
    /// ledger (level 0: an entry's leaf hash).
    ///
    /// # Errors
    /// [`Error::Proof`] for a subtree reaching past the ledger's entries.
    pub(crate) fn stored_subtree(&self, level: u32, index: u64) -> Result<Hash, Error> {
        let end = index
            .checked_add(1)
            .zip(1u64.checked_shl(level))
            .and_then(|(i, per)| i.checked_mul(per));
        match end {
            Some(end) => self.check_size(end)?,
            None => {
                return Err(Error::Proof {
                    reason: format!("no subtree {level}/{index} in a ledger"),
                });
            }
        }
        self.node(level, index)
    }

    /// The right edge of the tree of the first `size` entries, from the
    /// stored nodes (one per bit of `size`): pushing the following leaf
    /// hashes onto it gives the roots of the larger trees, as a mirror
    /// checks a new checkpoint before it writes anything.
    ///
    /// # Errors
    /// [`Error::Proof`] if the ledger is smaller than `size`; storage errors.
    pub fn frontier(&self, size: u64) -> Result<Frontier, Error> {
        self.check_size(size)?;
        let mut f = Frontier::new();
        for height in (0..64u32).rev() {
            if size & (1 << height) != 0 {
                let index = f.size() >> height;
                f.push_subtree(height, self.node(height, index)?)?;
            }
        }
        Ok(f)
    }

    /// Writes the ledger's tiles into `dir` as static files, ready for any
    /// web host: every hash tile and entry bundle the tree of its current
    /// size has (`tile/…`), then `checkpoint`, the signed note of that
    /// size, which `checkpoint(size)` supplies once the tiles are written
    /// (the one kept, or one signed then: a refused export signs nothing).
    /// It must be this log's and its root the ledger's.
    ///
    /// `dir` may be new, empty, or hold an earlier export of this log.
    /// Then the tiles and bundles the earlier checkpoint already covered
    /// are trusted and not read again if present (full tiles never change);
    /// everything else is computed, and written only where the file is
    /// missing or differs. A directory whose checkpoint this ledger does
    /// not extend (a larger size, another root, another log) is refused
    /// before anything is written, so an export never publishes a rollback
    /// or a rewrite of what a reader may already have seen.
    ///
    /// Every file is written to a temporary name, synced and renamed, and
    /// the checkpoint comes last: a reader (or an upload) never sees a
    /// checkpoint whose tiles are not all in place. Partial tiles of
    /// earlier sizes are kept, because readers of those checkpoints may
    /// still ask for them, until the full tile of their index exists; then
    /// they are removed (as C2SP allows).
    ///
    /// # Errors
    /// [`Error::Checkpoint`] for a directory holding a checkpoint this
    /// ledger does not extend, or a supplied checkpoint that is not this
    /// ledger's; [`Error::Tile`] for an entry longer than a bundle allows;
    /// [`Error::Io`] for the files; errors of `checkpoint`. The directory
    /// keeps its old checkpoint whenever the export fails.
    pub fn export_tiles(
        &self,
        dir: &Path,
        checkpoint: &mut dyn FnMut(u64) -> Result<SignedCheckpoint, Error>,
    ) -> Result<TilesExport, Error> {
        let key = self.require_log_key()?;
        let size = self.len()?;
        let previous = self.published_size(dir, size)?;
        let trusted = previous.unwrap_or(0);
        let mut report = TilesExport {
            size,
            previous,
            written: 0,
            unchanged: 0,
            removed: 0,
            abandoned: 0,
        };
        // The directories this export writes in: where an export killed
        // before it published its checkpoint (from the same trusted size)
        // may have left temporary files.
        let mut written_in: std::collections::BTreeSet<PathBuf> = std::collections::BTreeSet::new();
        // Bundles first: an entry too long for one stops the export before
        // most of the work.
        for tile in tiles::bundles(size).chain(tiles::tiles(size)) {
            let path = dir.join(tile.path());
            if tile.end().is_some_and(|end| end <= trusted) && path.is_file() {
                report.unchanged += 1;
                continue;
            }
            if let Some(parent) = path.parent() {
                written_in.insert(parent.to_path_buf());
            }
            let data = self.tile_data(&tile)?;
            if write_if_changed(&path, &data)? {
                report.written += 1;
            } else {
                report.unchanged += 1;
            }
        }
        let supplied = checkpoint(size)?;
        let refuse = |reason: &str| Error::Checkpoint {
            size: supplied.size(),
            reason: reason.into(),
        };
        // Only this log's own, signed checkpoint of this size is published.
        let ours = SignedCheckpoint::open(supplied.note(), &key)
            .map_err(|_| refuse("it is not signed by this ledger's log key"))?;
        if ours.checkpoint().origin() != key.name() {
            return Err(refuse("its origin is not this log's"));
        }
        if ours.size() != size || &self.tree_root(size)? != ours.checkpoint().root() {
            return Err(refuse(&format!(
                "it is not the checkpoint of this ledger's {size} entries"
            )));
        }
        if write_if_changed(&dir.join(tiles::CHECKPOINT_PATH), ours.note().as_bytes())? {
            report.written += 1;
        } else {
            report.unchanged += 1;
        }
        // The partial tiles of indexes that are now full.
        for tile in tiles::bundles(size).chain(tiles::tiles(size)) {
            if tile.is_partial() || tile.end().is_some_and(|end| end <= trusted) {
                continue;
            }
            let partials = PathBuf::from(format!("{}.p", dir.join(tile.path()).display()));
            if partials.is_dir() {
                for item in std::fs::read_dir(&partials).map_err(|e| io(&partials, e))? {
                    let p = item.map_err(|e| io(&partials, e))?.path();
                    std::fs::remove_file(&p).map_err(|e| io(&p, e))?;
                    report.removed += 1;
                }
                std::fs::remove_dir(&partials).map_err(|e| io(&partials, e))?;
            }
        }
        written_in.insert(dir.to_path_buf());
        for d in &written_in {
            report.abandoned += remove_abandoned_temporaries(d)?;
        }
        Ok(report)
    }

    /// The size of the checkpoint a tiles directory already publishes, if
    /// it has one and this ledger extends it to `size`.
    fn published_size(&self, dir: &Path, size: u64) -> Result<Option<u64>, Error> {
        let path = dir.join(tiles::CHECKPOINT_PATH);
        if !path.exists() {
            return Ok(None);
        }
        let mut text = String::new();
        std::fs::File::open(&path)
            .and_then(|f| {
                f.take(crate::note::MAX_NOTE_BYTES as u64)
                    .read_to_string(&mut text)
            })
            .map_err(|e| io(&path, e))?;
        let key = self.require_log_key()?;
        let shown = path.display();
        let old = SignedCheckpoint::open(&text, &key).map_err(|_| Error::Checkpoint {
            size,
            reason: format!("{shown} is not a checkpoint of this log; export into a new directory"),
        })?;
        let m = old.size();
        if m > size {
            return Err(Error::Checkpoint {
                size,
                reason: format!(
                    "{shown} already publishes {m} entries: exporting {size} would roll the log back"
                ),
            });
        }
        if &self.tree_root(m)? != old.checkpoint().root() {
            return Err(Error::Checkpoint {
                size,
                reason: format!(
                    "{shown} publishes a tree of {m} entries that this ledger does not extend: \
                     exporting would rewrite history"
                ),
            });
        }
        Ok(Some(m))
    }
}

/// Writes `data` to `path` unless the file already holds exactly it;
/// returns whether it wrote. Writes a temporary file beside it, syncs it,
/// and renames it into place.
pub(crate) fn write_if_changed(path: &Path, data: &[u8]) -> Result<bool, Error> {
    if let Ok(meta) = std::fs::metadata(path) {
        if meta.is_file() && meta.len() == data.len() as u64 {
            let existing = std::fs::read(path).map_err(|e| io(path, e))?;
            if existing == data {
                return Ok(false);
            }
        }
    }
    write_atomic(path, data)?;
    Ok(true)
}

/// The process id in the name of a temporary file of [`write_atomic`]
/// (`.NAME.PID.tmp`), if `name` is one.
fn temporary_of(name: &str) -> Option<u32> {
    let rest = name.strip_prefix('.')?.strip_suffix(".tmp")?;
    rest.rsplit_once('.')?.1.parse().ok()
}

/// Removes the temporary files in `dir` that a killed [`write_atomic`] left
/// (their process is gone). Returns how many.
fn remove_abandoned_temporaries(dir: &Path) -> Result<u64, Error> {
    let Ok(items) = std::fs::read_dir(dir) else {
        return Ok(0);
    };
    let mut removed = 0;
    for item in items.flatten() {
        let name = item.file_name();
        let Some(pid) = name.to_str().and_then(temporary_of) else {
            continue;
        };
        if pid == std::process::id() || super::create::running(pid) {
            continue;
        }
        let path = item.path();
        std::fs::remove_file(&path).map_err(|e| io(&path, e))?;
        removed += 1;
    }
    Ok(removed)
}

/// Writes `data` to `path` through a synced temporary file and a rename,
/// creating the parent directories.
pub(crate) fn write_atomic(path: &Path, data: &[u8]) -> Result<(), Error> {
    use std::io::Write as _;
    let parent = path.parent().unwrap_or_else(|| Path::new("."));
    std::fs::create_dir_all(parent).map_err(|e| io(parent, e))?;
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let tmp = parent.join(format!(".{name}.{}.tmp", std::process::id()));
    let result = std::fs::File::create(&tmp)
        .and_then(|mut f| {
            f.write_all(data)?;
            f.sync_all()
        })
        .and_then(|()| std::fs::rename(&tmp, path));
    if let Err(e) = result {
        let _ = std::fs::remove_file(&tmp);
        return Err(io(path, e));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::keys::KeyPair;
    use crate::merkle;
    use crate::record::Record;
    use crate::store::testkit::{admin_and_editor, editor, outlet, t};

    fn log_key() -> KeyPair {
        KeyPair::from_seed("isnad.test/tiles", &[5; 32]).unwrap()
    }

    /// A ledger of `n` entries (n ≥ 2) with a log key.
    fn ledger(dir: &Path, n: usize) -> Ledger {
        let l = admin_and_editor(dir);
        for i in 2..n {
            l.append(&editor(), outlet(i), t()).unwrap();
        }
        l.set_log_key(log_key().verifier()).unwrap();
        l
    }

    fn leaves(l: &Ledger) -> Vec<merkle::Hash> {
        l.iter().map(|e| *e.unwrap().hash().as_bytes()).collect()
    }

    // Every tile and bundle the store serves is the one computed from the
    // entries alone, for every size the ledger passed through; tiles past
    // the ledger's end are refused.
    #[test]
    fn served_tiles_are_the_tree_of_the_entries() {
        let d = tempfile::tempdir().unwrap();
        let l = ledger(d.path(), 300);
        let all = leaves(&l);
        let lines: Vec<Vec<u8>> = l.leaves().map(|kv| kv.unwrap().1.to_vec()).collect();
        for n in [1u64, 2, 35, 255, 256, 257, 299, 300] {
            for t in tiles::tiles(n) {
                let want = tiles::tile_from_leaves(&t, &all[..n as usize]).unwrap();
                assert_eq!(l.tile_data(&t).unwrap(), want, "{t}");
            }
            for b in tiles::bundles(n) {
                let bytes = l.tile_data(&b).unwrap();
                let start = b.start().unwrap() as usize;
                let got = tiles::parse_bundle(&b, &bytes).unwrap();
                assert_eq!(
                    got,
                    lines[start..start + got.len()]
                        .iter()
                        .map(Vec::as_slice)
                        .collect::<Vec<_>>()
                );
            }
            let f = l.frontier(n).unwrap();
            assert_eq!((f.size(), f.root()), (n, merkle::root(&all[..n as usize])));
        }
        assert!(matches!(
            l.tile(0, 1, 45),
            Err(Error::NoTile { size: 300, .. })
        ));
        assert!(matches!(l.entry_bundle(2, 1), Err(Error::NoTile { .. })));
        assert!(matches!(l.tile(1, 0, 2), Err(Error::NoTile { .. })));
        assert!(matches!(l.tile(9, 0, 1), Err(Error::NoTile { .. })));
        assert!(matches!(l.tile(0, 0, 0), Err(Error::Tile { .. })));
        assert!(l.tile(1, 0, 1).is_ok());
        assert!(l.frontier(301).is_err());
    }

    /// What `export tiles` does for the checkpoint: sign the current size.
    fn signer(l: &Ledger) -> impl FnMut(u64) -> Result<SignedCheckpoint, Error> + '_ {
        let key = log_key();
        move |_| l.sign_checkpoint(&key)
    }

    fn files(dir: &Path) -> std::collections::BTreeMap<String, Vec<u8>> {
        let mut out = std::collections::BTreeMap::new();
        let mut stack = vec![dir.to_path_buf()];
        while let Some(d) = stack.pop() {
            for e in std::fs::read_dir(&d).unwrap() {
                let p = e.unwrap().path();
                if p.is_dir() {
                    stack.push(p);
                } else {
                    let rel = p.strip_prefix(dir).unwrap().to_string_lossy().into_owned();
                    out.insert(rel, std::fs::read(&p).unwrap());
                }
            }
        }
        out
    }

    #[test]
    fn export_writes_what_changed_and_refuses_a_rewrite() {
        let d = tempfile::tempdir().unwrap();
        let l = ledger(&d.path().join("l"), 250);
        let out = d.path().join("tiles");
        let r = l.export_tiles(&out, &mut signer(&l)).unwrap();
        let cp = l.checkpoint_at(250).unwrap().unwrap();
        assert_eq!(
            (r.size, r.previous, r.written, r.removed),
            (250, None, 3, 0)
        );
        let first = files(&out);
        assert_eq!(
            first.keys().collect::<Vec<_>>(),
            ["checkpoint", "tile/0/000.p/250", "tile/entries/000.p/250"]
        );
        assert_eq!(first["checkpoint"], cp.note().as_bytes());
        // Again: nothing to write.
        let r = l.export_tiles(&out, &mut signer(&l)).unwrap();
        assert_eq!((r.previous, r.written, r.unchanged), (Some(250), 0, 3));
        assert_eq!(files(&out), first);
        // Grown past a full tile: the full tiles are new, the old partials
        // of that index go, and the level-1 tile appears.
        let ed = KeyPair::from_seed("ed", &[2; 32]).unwrap();
        for i in 250..260 {
            l.append(&ed, outlet(i), t()).unwrap();
        }
        let r = l.export_tiles(&out, &mut signer(&l)).unwrap();
        assert_eq!((r.previous, r.removed), (Some(250), 2));
        let grown = files(&out);
        assert_eq!(
            grown.keys().collect::<Vec<_>>(),
            [
                "checkpoint",
                "tile/0/000",
                "tile/0/001.p/4",
                "tile/1/000.p/1",
                "tile/entries/000",
                "tile/entries/001.p/4"
            ]
        );
        let all = leaves(&l);
        let root = tiles::root_from_tiles(260, &mut |t| Ok(grown[&t.path()].clone())).unwrap();
        assert_eq!(root, merkle::root(&all));
        // A fork with the same log key: its export into this directory is
        // refused, and so is an older checkpoint (a rollback).
        let fork = ledger(&d.path().join("fork"), 255);
        for i in 1000..1020 {
            fork.append(&ed, outlet(i), t()).unwrap();
        }
        let before = files(&out);
        let err = fork.export_tiles(&out, &mut signer(&fork)).unwrap_err();
        assert!(err.to_string().contains("rewrite history"), "{err}");
        assert!(fork.checkpoints().unwrap().is_empty(), "nothing signed");
        // An older ledger (a rollback): refused.
        let behind = ledger(&d.path().join("behind"), 255);
        let err = behind.export_tiles(&out, &mut signer(&behind)).unwrap_err();
        assert!(err.to_string().contains("roll the log back"), "{err}");
        // A checkpoint that is not this ledger's current one is not published.
        let old = l.checkpoint_at(250).unwrap().unwrap();
        let err = l.export_tiles(&out, &mut |_| Ok(old.clone())).unwrap_err();
        assert!(matches!(err, Error::Checkpoint { .. }), "{err}");
        let other = KeyPair::from_seed("isnad.test/other", &[9; 32]).unwrap();
        let foreign =
            crate::checkpoint::Checkpoint::new("isnad.test/other", 260, l.tree_root(260).unwrap())
                .unwrap()
                .into_signed(&other)
                .unwrap();
        assert!(l.export_tiles(&out, &mut |_| Ok(foreign.clone())).is_err());
        // An entry too long for a bundle: refused, naming it, and the
        // checkpoint published stays the old one.
        use crate::record::{Appearance, ClaimBody, Hop, HopRelation, Translation};
        let big = Record::Claim(ClaimBody {
            text: "a".repeat(60_000),
            lang: "en".into(),
            quote: None,
            translations: vec![Translation {
                lang: "fr".into(),
                text: "b".repeat(10_000),
            }],
            chain: vec![Hop {
                source: "s2".parse().unwrap(),
                relation: HopRelation::Reported,
            }],
            appeared: Appearance {
                date: "2025-02-18".into(),
                url: None,
                venue: None,
            },
        });
        let seq = l.append(&ed, big, t()).unwrap().entry().seq().0;
        let before_checkpoints = l.checkpoints().unwrap();
        let err = l.export_tiles(&out, &mut signer(&l)).unwrap_err();
        assert!(matches!(err, Error::Tile { .. }), "{err}");
        assert!(
            err.to_string().contains(&format!("entry {seq} is ")),
            "{err}"
        );
        assert_eq!(l.checkpoints().unwrap(), before_checkpoints);
        assert_eq!(files(&out), before);
    }
}
