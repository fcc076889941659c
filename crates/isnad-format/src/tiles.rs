//! C2SP tlog-tiles: the ledger's Merkle tree and entries as static files.
//!
//! A tiled log publishes, under one URL prefix or directory:
//!
//! - `checkpoint`: the signed checkpoint (see [`crate::checkpoint`]);
//! - `tile/<L>/<N>[.p/<W>]`: hash tiles. The tile at level `L` and index
//!   `N` holds up to 256 consecutive hashes of the RFC 6962 tree, each the
//!   root of a complete subtree of `256^L` leaves: hash `i` is
//!   `MTH(D[(N·256 + i)·256^L : (N·256 + i + 1)·256^L])`. Level 0 holds the
//!   leaf hashes; each hash at level `L + 1` is the root of one full tile
//!   at level `L`;
//! - `tile/entries/<N>[.p/<W>]`: entry bundles, the entries whose leaf
//!   hashes level-0 tile `N` holds, each as a big-endian 16-bit length and
//!   the entry's leaf bytes (an export line without its newline).
//!
//! `N` is written in groups of three decimal digits, every group but the
//! last prefixed with `x` (`1234067` is `x001/x234/067`). A full tile has
//! 256 items; the rightmost tile of a level may be partial, with `W` items
//! (1 to 255) and the `.p/<W>` suffix. Full tiles never change once
//! published; a partial tile is superseded by a wider one as the log grows.
//!
//! This module is pure: paths, the list of tiles a tree has, encoding and
//! parsing of tiles and bundles, and computing or checking a root from
//! tiles. `Ledger::tile_data` in isnad-core serves tiles from
//! the store; `isnad_core::mirror` follows a published log.
//!
//! **Entries larger than 65,535 bytes.** The C2SP format gives each entry a
//! 16-bit length, and isnad entries may be up to 1 MiB
//! ([`crate::limits::MAX_ENTRY_BYTES`]). isnad keeps to the format: a
//! bundle that would hold a longer entry is refused with [`Error::Tile`]
//! naming the entry, so a ledger holding one cannot be published as tiles
//! (its hash tiles, proofs and exports are unaffected).
//!
//! ```
//! use isnad_format::merkle;
//! use isnad_format::tiles::{self, Tile};
//!
//! let t = Tile::parse("tile/0/x001/x234/067.p/8")?;
//! assert_eq!((t.level(), t.index(), t.width()), (Some(0), 1_234_067, 8));
//! assert_eq!(t.path(), "tile/0/x001/x234/067.p/8");
//!
//! // A tree of 300 leaves: one full and one partial level-0 tile, one
//! // partial level-1 tile; the partial tiles alone give the root.
//! let leaves: Vec<_> = (0u32..300).map(|i| merkle::leaf_hash(&i.to_be_bytes())).collect();
//! let paths: Vec<String> = tiles::tiles(300).map(|t| t.path()).collect();
//! assert_eq!(paths, ["tile/0/000", "tile/0/001.p/44", "tile/1/000.p/1"]);
//! let root = tiles::root_from_tiles(300, &mut |t| tiles::tile_from_leaves(t, &leaves))?;
//! assert_eq!(root, merkle::root(&leaves));
//! # Ok::<(), isnad_format::Error>(())
//! ```

use std::collections::HashMap;

use crate::error::{Error, one_line};
use crate::merkle::{self, Frontier, Hash};

/// The path of the signed checkpoint under a log's prefix.
pub const CHECKPOINT_PATH: &str = "checkpoint";
/// Levels of the RFC 6962 tree one tile spans.
pub const HEIGHT: u32 = 8;
/// Items in a full tile or bundle.
pub const FULL_WIDTH: u16 = 256;
/// The highest level a tile path may name.
pub const MAX_LEVEL: u8 = 63;
/// Bytes of a full hash tile.
pub const MAX_TILE_BYTES: usize = FULL_WIDTH as usize * 32;
/// The longest entry a bundle can hold: its length is a 16-bit number.
pub const MAX_BUNDLE_ENTRY_BYTES: usize = u16::MAX as usize;
/// Bytes of the largest possible bundle: 256 entries of the longest size.
pub const MAX_BUNDLE_BYTES: usize = FULL_WIDTH as usize * (2 + MAX_BUNDLE_ENTRY_BYTES);
/// The highest level a tree of at most 2^64 − 1 leaves has tiles at.
const TOP_LEVEL: u8 = 7;

/// What a tile holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum TileKind {
    /// Hashes of the tree at this tile level (0: leaf hashes).
    Hashes(u8),
    /// Entries (the bundle beside level-0 tile of the same index).
    Entries,
}

/// A tile's coordinates: what it holds, its index within its level, and
/// its width (256 for a full tile, 1 to 255 for a partial one).
///
/// Values are always valid: the level is at most [`MAX_LEVEL`] and the
/// width between 1 and 256.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Tile {
    kind: TileKind,
    index: u64,
    width: u16,
}

fn bad_path(path: &str, reason: &str) -> Error {
    let shown: String = path.chars().take(120).collect();
    Error::Tile {
        path: one_line(&shown),
        reason: reason.into(),
    }
}

fn check_width(width: u16) -> Result<(), String> {
    if (1..=FULL_WIDTH).contains(&width) {
        Ok(())
    } else {
        Err(format!("a tile's width is 1 to 256, not {width}"))
    }
}

impl Tile {
    /// The hash tile at `level`, `index`, `width`.
    ///
    /// # Errors
    /// [`Error::Tile`] for a level above 63 or a width outside 1-256.
    pub fn hashes(level: u8, index: u64, width: u16) -> Result<Tile, Error> {
        let t = Tile {
            kind: TileKind::Hashes(level),
            index,
            width,
        };
        if level > MAX_LEVEL {
            return Err(bad_path(&t.path(), "the level is at most 63"));
        }
        check_width(width).map_err(|r| bad_path(&t.path(), &r))?;
        Ok(t)
    }

    /// The entry bundle at `index`, `width`.
    ///
    /// # Errors
    /// [`Error::Tile`] for a width outside 1-256.
    pub fn entries(index: u64, width: u16) -> Result<Tile, Error> {
        let t = Tile {
            kind: TileKind::Entries,
            index,
            width,
        };
        check_width(width).map_err(|r| bad_path(&t.path(), &r))?;
        Ok(t)
    }

    /// What the tile holds.
    pub fn kind(&self) -> TileKind {
        self.kind
    }

    /// The level of a hash tile; `None` for an entry bundle.
    pub fn level(&self) -> Option<u8> {
        match self.kind {
            TileKind::Hashes(l) => Some(l),
            TileKind::Entries => None,
        }
    }

    /// The tile's index within its level.
    pub fn index(&self) -> u64 {
        self.index
    }

    /// Number of items (hashes or entries) in the tile.
    pub fn width(&self) -> u16 {
        self.width
    }

    /// True for a tile of fewer than 256 items.
    pub fn is_partial(&self) -> bool {
        self.width < FULL_WIDTH
    }

    /// The full tile with the same level and index.
    pub fn full(&self) -> Tile {
        Tile {
            width: FULL_WIDTH,
            ..*self
        }
    }

    /// The level in the RFC 6962 tree of the tile's items: 8 × its tile
    /// level (0 for leaves and entries).
    pub fn tree_level(&self) -> u32 {
        HEIGHT * u32::from(self.level().unwrap_or(0))
    }

    /// The node of the RFC 6962 tree that item `i` is, as (tree level,
    /// index within that level): the complete subtree over leaves
    /// `[index·2^level, (index + 1)·2^level)`, as the store keys its nodes.
    /// `None` if the index does not fit 64 bits.
    pub fn node(&self, i: u16) -> Option<(u32, u64)> {
        let at = self
            .index
            .checked_mul(u64::from(FULL_WIDTH))?
            .checked_add(u64::from(i))?;
        Some((self.tree_level(), at))
    }

    /// Leaves below one item: 256^level. `None` when that exceeds 2^64 − 1.
    fn leaves_per_item(&self) -> Option<u64> {
        1u64.checked_shl(self.tree_level())
            .filter(|_| self.tree_level() < 64)
    }

    /// The first leaf (entry) the tile covers; `None` past 2^64 − 1.
    pub fn start(&self) -> Option<u64> {
        self.node(0)?.1.checked_mul(self.leaves_per_item()?)
    }

    /// One past the last leaf the tile covers: the smallest tree size that
    /// has this tile. `None` when no tree of at most 2^64 − 1 leaves does.
    pub fn end(&self) -> Option<u64> {
        self.node(0)?
            .1
            .checked_add(u64::from(self.width))?
            .checked_mul(self.leaves_per_item()?)
    }

    /// The tile's path, `tile/<L>/<N>[.p/<W>]` or
    /// `tile/entries/<N>[.p/<W>]`, with no leading slash.
    pub fn path(&self) -> String {
        let mut out = String::from("tile/");
        match self.kind {
            TileKind::Hashes(l) => out.push_str(&l.to_string()),
            TileKind::Entries => out.push_str("entries"),
        }
        out.push('/');
        out.push_str(&index_path(self.index));
        if self.is_partial() {
            out.push_str(&format!(".p/{}", self.width));
        }
        out
    }

    /// Parses a tile path as [`Tile::path`] writes it. Strict: only the
    /// canonical spelling of each coordinate is accepted (no leading zeros
    /// beyond the three-digit groups, no empty or extra groups, a `.p/<W>`
    /// suffix only for widths 1-255, no leading slash).
    ///
    /// # Errors
    /// [`Error::Tile`] saying what is wrong.
    pub fn parse(path: &str) -> Result<Tile, Error> {
        let bad = |reason: &str| bad_path(path, reason);
        let rest = path
            .strip_prefix("tile/")
            .ok_or_else(|| bad("a tile path starts with `tile/`"))?;
        let (level, rest) = rest
            .split_once('/')
            .ok_or_else(|| bad("a tile path is tile/<L>/<N>[.p/<W>]"))?;
        let kind = if level == "entries" {
            TileKind::Entries
        } else {
            let l = parse_decimal(level)
                .filter(|&l| l <= u64::from(MAX_LEVEL))
                .ok_or_else(|| bad("the level is a number from 0 to 63 without leading zeros"))?;
            // At most 63: fits a byte.
            TileKind::Hashes(u8::try_from(l).map_err(|_| bad("the level is at most 63"))?)
        };
        let mut groups: Vec<&str> = rest.split('/').collect();
        let mut width = FULL_WIDTH;
        if groups.len() >= 2 && groups[groups.len() - 2].ends_with(".p") {
            let w = groups.pop().unwrap_or_default();
            width = parse_decimal(w)
                .filter(|w| (1..u64::from(FULL_WIDTH)).contains(w))
                .and_then(|w| u16::try_from(w).ok())
                .ok_or_else(|| {
                    bad("a partial tile's width is a number from 1 to 255 without leading zeros")
                })?;
            if let Some(last) = groups.last_mut() {
                *last = last.strip_suffix(".p").unwrap_or(last);
            }
        }
        let index = parse_index(&groups).ok_or_else(|| {
            bad("the index is groups of three digits, all but the last starting with `x`")
        })?;
        Ok(Tile { kind, index, width })
    }
}

impl std::fmt::Display for Tile {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.path())
    }
}

/// `N` as three-digit groups, all but the last prefixed with `x`.
fn index_path(index: u64) -> String {
    let digits = index.to_string();
    let pad = (3 - digits.len() % 3) % 3;
    let padded = format!("{}{digits}", "0".repeat(pad));
    let groups: Vec<&str> = (0..padded.len() / 3)
        .map(|g| &padded[g * 3..g * 3 + 3])
        .collect();
    let mut out = String::new();
    for (i, g) in groups.iter().enumerate() {
        if i + 1 < groups.len() {
            out.push('x');
            out.push_str(g);
            out.push('/');
        } else {
            out.push_str(g);
        }
    }
    out
}

/// A decimal number with no sign and no leading zero (except `0` itself).
fn parse_decimal(text: &str) -> Option<u64> {
    let canonical = !text.is_empty()
        && text.bytes().all(|b| b.is_ascii_digit())
        && (text == "0" || !text.starts_with('0'));
    canonical.then(|| text.parse().ok()).flatten()
}

fn parse_index(groups: &[&str]) -> Option<u64> {
    let (last, first) = groups.split_last()?;
    let mut digits = String::new();
    for g in first {
        digits.push_str(g.strip_prefix('x')?);
    }
    digits.push_str(last);
    let three_digit_groups = first
        .iter()
        .map(|g| &g[1..])
        .chain([*last])
        .all(|g| g.len() == 3 && g.bytes().all(|b| b.is_ascii_digit()));
    if !three_digit_groups {
        return None;
    }
    let index: u64 = digits.parse().ok()?;
    // Canonical: exactly as many groups as the number needs.
    (index_path(index).split('/').count() == groups.len()).then_some(index)
}

/// The shift that turns a leaf count into a count of this kind's items.
fn shift_of(kind: TileKind) -> u32 {
    HEIGHT
        * u32::from(match kind {
            TileKind::Hashes(l) => l,
            TileKind::Entries => 0,
        })
}

/// How many full tiles of this kind a tree of `size` leaves has, and the
/// width of its partial tile (0 for none).
fn counts(size: u64, kind: TileKind) -> (u64, u16) {
    let shift = shift_of(kind);
    let full = size.checked_shr(shift + HEIGHT).unwrap_or(0);
    let partial = size.checked_shr(shift).unwrap_or(0) % u64::from(FULL_WIDTH);
    // Less than 256: fits.
    (full, u16::try_from(partial).unwrap_or(0))
}

/// The tile of this kind and index that a tree of `size` leaves has
/// (full, or its partial one), if any.
fn tile_at(size: u64, kind: TileKind, index: u64) -> Option<Tile> {
    let (full, partial) = counts(size, kind);
    let width = if index < full {
        FULL_WIDTH
    } else if index == full && partial > 0 {
        partial
    } else {
        return None;
    };
    Some(Tile { kind, index, width })
}

/// The tiles of one kind and level (`Entries` counts as level 0) for a
/// tree of `size` leaves: the full tiles, then the partial one if any.
fn level_tiles(size: u64, kind: TileKind) -> impl Iterator<Item = Tile> {
    let (full, partial) = counts(size, kind);
    let last = (partial > 0).then_some(Tile {
        kind,
        index: full,
        width: partial,
    });
    (0..full)
        .map(move |index| Tile {
            kind,
            index,
            width: FULL_WIDTH,
        })
        .chain(last)
}

/// The tile levels a tree of `size` leaves has, from 0 up.
fn levels(size: u64) -> impl Iterator<Item = u8> {
    (0..=TOP_LEVEL).take_while(move |&l| size.checked_shr(HEIGHT * u32::from(l)).unwrap_or(0) > 0)
}

/// Every hash tile of a tree of `size` leaves, full and partial, level 0
/// first and in index order within a level. A tree of 256 leaves has a
/// full level-0 tile and a level-1 tile of width 1; the empty tree has none.
pub fn tiles(size: u64) -> impl Iterator<Item = Tile> {
    levels(size).flat_map(move |l| level_tiles(size, TileKind::Hashes(l)))
}

/// Every entry bundle of a tree of `size` leaves, in index order.
pub fn bundles(size: u64) -> impl Iterator<Item = Tile> {
    level_tiles(size, TileKind::Entries)
}

/// The partial hash tile at `level` of a tree of `size` leaves, if it has
/// one: width `⌊size / 256^level⌋ mod 256`.
pub fn partial_tile(size: u64, level: u8) -> Option<Tile> {
    let kind = TileKind::Hashes(level);
    tile_at(size, kind, counts(size, kind).0).filter(Tile::is_partial)
}

/// The bytes of a hash tile: its hashes, concatenated.
pub fn tile_bytes(hashes: &[Hash]) -> Vec<u8> {
    hashes.concat()
}

/// A hash tile read from its items' nodes: `node(tree level, index)` is
/// the stored root of that complete subtree (see [`Tile::node`]).
///
/// # Errors
/// [`Error::Tile`] for an entry bundle or an index past 2^64; errors of
/// `node`.
pub fn tile_from_nodes(
    tile: &Tile,
    node: &mut dyn FnMut(u32, u64) -> Result<Hash, Error>,
) -> Result<Vec<u8>, Error> {
    if tile.level().is_none() {
        return Err(bad_path(&tile.path(), "an entry bundle holds no hashes"));
    }
    let mut out = Vec::with_capacity(usize::from(tile.width) * 32);
    for i in 0..tile.width {
        let (level, index) = tile
            .node(i)
            .ok_or_else(|| bad_path(&tile.path(), "its index is too large"))?;
        out.extend_from_slice(&node(level, index)?);
    }
    Ok(out)
}

/// A hash tile computed from all the leaf hashes of a tree (for tests and
/// small trees: each item hashes its `256^level` leaves).
///
/// # Errors
/// [`Error::NoTile`] when the tile reaches past the leaves given.
pub fn tile_from_leaves(tile: &Tile, leaves: &[Hash]) -> Result<Vec<u8>, Error> {
    let size = leaves.len() as u64;
    if tile.end().is_none_or(|end| end > size) {
        return Err(Error::NoTile {
            path: tile.path(),
            size,
        });
    }
    tile_from_nodes(tile, &mut |level, index| {
        // Within the leaves, as checked above.
        let (a, b) = ((index << level) as usize, ((index + 1) << level) as usize);
        Ok(merkle::root(&leaves[a..b]))
    })
}

/// Reads a hash tile: exactly `width` hashes of 32 bytes.
///
/// # Errors
/// [`Error::Tile`] for a bundle or the wrong length.
pub fn parse_tile(tile: &Tile, bytes: &[u8]) -> Result<Vec<Hash>, Error> {
    if tile.level().is_none() {
        return Err(bad_path(&tile.path(), "an entry bundle holds no hashes"));
    }
    let want = usize::from(tile.width) * 32;
    if bytes.len() != want {
        return Err(bad_path(
            &tile.path(),
            &format!(
                "{} bytes, but a tile of {} hashes is {want}",
                bytes.len(),
                tile.width
            ),
        ));
    }
    Ok(bytes
        .chunks_exact(32)
        .map(|c| {
            let mut h = [0u8; 32];
            h.copy_from_slice(c);
            h
        })
        .collect())
}

/// Encodes an entry bundle: each entry as a big-endian 16-bit length and
/// its bytes. `entries` are the tile's entries in order.
///
/// # Errors
/// [`Error::Tile`] when the count is not the tile's width, or an entry is
/// longer than 65,535 bytes (naming its position in the log).
pub fn encode_bundle(tile: &Tile, entries: &[&[u8]]) -> Result<Vec<u8>, Error> {
    if tile.level().is_some() {
        return Err(bad_path(&tile.path(), "a hash tile holds no entries"));
    }
    if entries.len() != usize::from(tile.width) {
        return Err(bad_path(
            &tile.path(),
            &format!("{} entries for a bundle of {}", entries.len(), tile.width),
        ));
    }
    let first = tile.start().unwrap_or(0);
    let mut out = Vec::with_capacity(entries.iter().map(|e| e.len() + 2).sum());
    for (i, e) in entries.iter().enumerate() {
        let len = u16::try_from(e.len()).map_err(|_| {
            bad_path(
                &tile.path(),
                &format!(
                    "entry {} is {} bytes; an entry bundle holds entries of at most \
                     {MAX_BUNDLE_ENTRY_BYTES} bytes (a 16-bit length), so this ledger \
                     cannot be published as tiles",
                    first + i as u64,
                    e.len()
                ),
            )
        })?;
        out.extend_from_slice(&len.to_be_bytes());
        out.extend_from_slice(e);
    }
    Ok(out)
}

/// Reads an entry bundle into its entries: exactly `width` of them, each a
/// big-endian 16-bit length and that many bytes, and nothing after.
///
/// # Errors
/// [`Error::Tile`] for a hash tile or bad framing.
pub fn parse_bundle<'a>(tile: &Tile, bytes: &'a [u8]) -> Result<Vec<&'a [u8]>, Error> {
    if tile.level().is_some() {
        return Err(bad_path(&tile.path(), "a hash tile holds no entries"));
    }
    let bad = |reason: String| bad_path(&tile.path(), &reason);
    let mut out = Vec::with_capacity(usize::from(tile.width));
    let mut rest = bytes;
    while !rest.is_empty() {
        if out.len() == usize::from(tile.width) {
            return Err(bad(format!(
                "{} bytes after its {} entries",
                rest.len(),
                tile.width
            )));
        }
        let Some((len, tail)) = rest.split_first_chunk::<2>() else {
            return Err(bad(format!(
                "entry {} has a truncated length",
                out.len() + 1
            )));
        };
        let len = usize::from(u16::from_be_bytes(*len));
        if tail.len() < len {
            return Err(bad(format!(
                "entry {} says {len} bytes but {} remain",
                out.len() + 1,
                tail.len()
            )));
        }
        let (entry, tail) = tail.split_at(len);
        out.push(entry);
        rest = tail;
    }
    if out.len() != usize::from(tile.width) {
        return Err(bad(format!(
            "{} entries, but the bundle's width is {}",
            out.len(),
            tile.width
        )));
    }
    Ok(out)
}

/// Checks a bundle's entries against the level-0 tile of the same index:
/// entry `i`'s leaf hash must be hash `i`.
///
/// # Errors
/// [`Error::TileMismatch`] naming the first entry that differs;
/// [`Error::Tile`] when the two do not have the same width.
pub fn check_bundle(bundle: &Tile, entries: &[&[u8]], hashes: &[Hash]) -> Result<(), Error> {
    if entries.len() != hashes.len() {
        return Err(bad_path(
            &bundle.path(),
            &format!(
                "{} entries against a tile of {} hashes",
                entries.len(),
                hashes.len()
            ),
        ));
    }
    let first = bundle.start().unwrap_or(0);
    for (i, (e, h)) in entries.iter().zip(hashes).enumerate() {
        if merkle::leaf_hash(e) != *h {
            return Err(Error::TileMismatch {
                path: bundle.path(),
                reason: format!(
                    "entry {} does not hash to its leaf in the level-0 tile",
                    first + i as u64
                ),
            });
        }
    }
    Ok(())
}

/// The root of a tree of `size` leaves from its tiles alone: the partial
/// tile of each level, from the top down, covers the leaves in order
/// (`size = Σ w_L · 256^L`), and each hash is an aligned complete subtree,
/// so they fold into the root as a [`Frontier`] does. Only partial tiles
/// are asked for; the empty tree needs none.
///
/// `get` returns a tile's bytes (fetched, read from disk, …).
///
/// # Errors
/// [`Error::Tile`] for a tile of the wrong length; errors of `get`.
pub fn root_from_tiles(
    size: u64,
    get: &mut dyn FnMut(&Tile) -> Result<Vec<u8>, Error>,
) -> Result<Hash, Error> {
    let mut frontier = Frontier::new();
    for level in (0..=TOP_LEVEL).rev() {
        let Some(tile) = partial_tile(size, level) else {
            continue;
        };
        for h in parse_tile(&tile, &get(&tile)?)? {
            frontier.push_subtree(tile.tree_level(), h)?;
        }
    }
    Ok(frontier.root())
}

/// Checks every hash tile of a tree of `size` leaves against its `root`:
/// the partial tiles must give the root ([`root_from_tiles`]), and each
/// full tile must hash (as an RFC 6962 tree of its 256 hashes) to its item
/// in the tile one level up. Tiles one level up are kept while needed;
/// level-0 tiles are read once.
///
/// # Errors
/// [`Error::TileMismatch`] naming the first tile that does not hold;
/// [`Error::Tile`] for a malformed tile; errors of `get`.
pub fn verify_tiles(
    size: u64,
    root: &Hash,
    get: &mut dyn FnMut(&Tile) -> Result<Vec<u8>, Error>,
) -> Result<(), Error> {
    // Parents are only looked up, never iterated.
    let mut parents: HashMap<Tile, Vec<Hash>> = HashMap::new();
    let computed = root_from_tiles(size, &mut |t| {
        let bytes = get(t)?;
        parents.insert(*t, parse_tile(t, &bytes)?);
        Ok(bytes)
    })?;
    if &computed != root {
        return Err(Error::TileMismatch {
            path: "tile".into(),
            reason: format!("the tiles of {size} leaves do not hash to the checkpoint's root"),
        });
    }
    // Top down, so each parent is checked before its children are.
    let levels: Vec<u8> = levels(size).collect();
    for &level in levels.iter().rev() {
        for tile in level_tiles(size, TileKind::Hashes(level)).filter(|t| !t.is_partial()) {
            let hashes = parse_tile(&tile, &get(&tile)?)?;
            let parent_tile = tile_at(
                size,
                TileKind::Hashes(level + 1),
                tile.index / u64::from(FULL_WIDTH),
            )
            .ok_or_else(|| bad_path(&tile.path(), "it has no parent tile"))?;
            // The parent was checked already: a partial tile against the
            // root, a full one against its own parent, one level up.
            let slot = (tile.index % u64::from(FULL_WIDTH)) as usize;
            let want = parents
                .get(&parent_tile)
                .and_then(|p| p.get(slot))
                .ok_or_else(|| bad_path(&parent_tile.path(), "not read before its children"))?;
            if merkle::root(&hashes) != *want {
                return Err(Error::TileMismatch {
                    path: tile.path(),
                    reason: format!(
                        "its hashes do not hash to item {slot} of {}",
                        parent_tile.path()
                    ),
                });
            }
            if level > 0 {
                parents.insert(tile, hashes);
            }
        }
        // Tiles of the level above are not needed again.
        parents.retain(|t, _| t.level() != Some(level + 1));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn leaves(n: u32) -> Vec<Hash> {
        (0..n)
            .map(|i| merkle::leaf_hash(&i.to_be_bytes()))
            .collect()
    }

    #[test]
    fn paths_known_answers() {
        let cases = [
            (Tile::hashes(0, 0, 256), "tile/0/000"),
            (Tile::hashes(0, 1_234_067, 256), "tile/0/x001/x234/067"),
            (Tile::hashes(1, 1_234_067, 8), "tile/1/x001/x234/067.p/8"),
            (Tile::hashes(2, 999, 1), "tile/2/999.p/1"),
            (Tile::hashes(0, 1000, 256), "tile/0/x001/000"),
            (Tile::hashes(63, 5, 255), "tile/63/005.p/255"),
            (Tile::entries(0, 35), "tile/entries/000.p/35"),
            (Tile::entries(1_234_067, 256), "tile/entries/x001/x234/067"),
            (
                Tile::hashes(0, u64::MAX, 256),
                "tile/0/x018/x446/x744/x073/x709/x551/615",
            ),
        ];
        for (t, path) in cases {
            let t = t.unwrap();
            assert_eq!(t.path(), path);
            assert_eq!(Tile::parse(path).unwrap(), t, "{path}");
            assert_eq!(t.to_string(), path);
        }
    }

    #[test]
    fn parse_round_trips() {
        for index in (0..2000u64).chain([999_999, 1_000_000, 1 << 40, u64::MAX - 1]) {
            for width in [1u16, 7, 255, 256] {
                for t in [
                    Tile::hashes((index % 64) as u8, index, width).unwrap(),
                    Tile::entries(index, width).unwrap(),
                ] {
                    assert_eq!(Tile::parse(&t.path()).unwrap(), t);
                }
            }
        }
    }

    #[test]
    fn parse_rejects_non_canonical_paths() {
        for bad in [
            "",
            "tile",
            "tile/",
            "/tile/0/000",
            "tile/0/000/",
            "tile/0/00",
            "tile/0/0000",
            "tile/0/0",
            "tile/0/x000/001",
            "tile/0/x001",
            "tile/0/001/002",
            "tile/0/x01/002",
            "tile/0/xx01/002",
            "tile/0/+01",
            "tile/0/-01",
            "tile/0/0a1",
            "tile/00/000",
            "tile/01/000",
            "tile/64/000",
            "tile/-1/000",
            "tile/+1/000",
            "tile/data/000",
            "tile/Entries/000",
            "tile/0/000.p",
            "tile/0/000.p/",
            "tile/0/000.p/0",
            "tile/0/000.p/256",
            "tile/0/000.p/05",
            "tile/0/000.p/5/",
            "tile/0/000.p/x5",
            "tile/0/000.P/5",
            "tile/0/000.p/5.p/5",
            "tile/0/x001.p/000",
            "tile/0/x018/x446/x744/x073/x709/x551/616",
            "tile/0/x001/x018/x446/x744/x073/x709/x551/615",
            "tile/8/0/000",
            "tile/entries/000.p/256",
            "tile/0/000\n",
            "tile/0/ 000",
        ] {
            let err = Tile::parse(bad).unwrap_err();
            assert!(matches!(err, Error::Tile { .. }), "{bad:?}: {err}");
            assert!(!err.to_string().contains('\n'), "{err}");
        }
        assert!(Tile::hashes(64, 0, 256).is_err());
        assert!(Tile::hashes(0, 0, 0).is_err());
        assert!(Tile::entries(0, 257).is_err());
    }

    #[test]
    fn the_tiles_of_a_size() {
        let list = |n: u64| tiles(n).map(|t| t.path()).collect::<Vec<_>>();
        assert!(list(0).is_empty());
        assert_eq!(list(1), ["tile/0/000.p/1"]);
        assert_eq!(list(256), ["tile/0/000", "tile/1/000.p/1"]);
        assert_eq!(
            list(513),
            [
                "tile/0/000",
                "tile/0/001",
                "tile/0/002.p/1",
                "tile/1/000.p/2"
            ]
        );
        // The example of the specification: 70,000 leaves.
        let t: Vec<Tile> = tiles(70_000).collect();
        let count = |level: u8, partial: bool| {
            t.iter()
                .filter(|x| x.level() == Some(level) && x.is_partial() == partial)
                .count()
        };
        assert_eq!((count(0, false), count(0, true)), (273, 1));
        assert_eq!((count(1, false), count(1, true)), (1, 1));
        assert_eq!((count(2, false), count(2, true)), (0, 1));
        assert_eq!(partial_tile(70_000, 0).unwrap().width(), 112);
        assert_eq!(partial_tile(70_000, 1).unwrap().width(), 17);
        assert_eq!(partial_tile(70_000, 2).unwrap().width(), 1);
        assert_eq!(partial_tile(70_000, 3), None);
        // The largest tree: tiles up to level 7, and their ends fit.
        let top: Vec<Tile> = (0..=8).filter_map(|l| partial_tile(u64::MAX, l)).collect();
        assert_eq!(top.len(), 8);
        assert!(top.iter().all(|t| t.end().is_some()));
        assert_eq!(
            bundles(600).map(|t| t.path()).collect::<Vec<_>>(),
            [
                "tile/entries/000",
                "tile/entries/001",
                "tile/entries/002.p/88"
            ]
        );
        // Every tile of a size reaches no further than that size, and a
        // tile is new at a size exactly when it reaches past the old one.
        for n in [1u64, 255, 256, 257, 65_535, 65_536, 70_000] {
            for t in tiles(n).chain(bundles(n)) {
                assert!(t.end().unwrap() <= n, "{t} of {n}");
            }
            for m in [0, 1, n / 2, n - 1] {
                let old: Vec<Tile> = tiles(m).collect();
                for t in tiles(n) {
                    assert_eq!(old.contains(&t), t.end().unwrap() <= m, "{t}: {m} -> {n}");
                }
            }
        }
        assert_eq!(Tile::hashes(1, 0, 1).unwrap().end(), Some(256));
        assert_eq!(Tile::hashes(8, 0, 1).unwrap().end(), None);
    }

    // The partial tiles alone give the root of every tree of 0 to 700
    // leaves, and every tile of those trees checks against it.
    #[test]
    fn tiles_reconstruct_every_root_up_to_700() {
        let all = leaves(700);
        for n in 0..=700usize {
            let l = &all[..n];
            let want = merkle::root(l);
            let got = root_from_tiles(n as u64, &mut |t| tile_from_leaves(t, l)).unwrap();
            assert_eq!(got, want, "size {n}");
            verify_tiles(n as u64, &want, &mut |t| tile_from_leaves(t, l)).unwrap();
        }
    }

    #[test]
    fn a_changed_tile_is_caught() {
        let l = leaves(600);
        let root = merkle::root(&l);
        let tiles_600: Vec<Tile> = tiles(600).collect();
        for target in &tiles_600 {
            for byte in [0usize, 31, usize::from(target.width()) * 32 - 1] {
                let err = verify_tiles(600, &root, &mut |t| {
                    let mut b = tile_from_leaves(t, &l)?;
                    if t == target {
                        b[byte] ^= 1;
                    }
                    Ok(b)
                })
                .unwrap_err();
                assert!(matches!(err, Error::TileMismatch { .. }), "{target}: {err}");
            }
            let err = verify_tiles(600, &root, &mut |t| {
                let mut b = tile_from_leaves(t, &l)?;
                if t == target {
                    b.pop();
                }
                Ok(b)
            })
            .unwrap_err();
            assert!(matches!(err, Error::Tile { .. }), "{target}: {err}");
        }
        assert!(verify_tiles(600, &[0; 32], &mut |t| tile_from_leaves(t, &l)).is_err());
    }

    #[test]
    fn bundles_round_trip_and_check_against_their_tile() {
        let entries: Vec<Vec<u8>> = (0..300u32)
            .map(|i| format!("{{\"n\":{i}}}").into_bytes())
            .collect();
        let mut with_edges = entries.clone();
        with_edges[3] = Vec::new();
        with_edges[4] = vec![b'x'; MAX_BUNDLE_ENTRY_BYTES];
        let hashes: Vec<Hash> = with_edges.iter().map(|e| merkle::leaf_hash(e)).collect();
        for t in bundles(300) {
            let start = t.start().unwrap() as usize;
            let slice: Vec<&[u8]> = with_edges[start..start + usize::from(t.width())]
                .iter()
                .map(Vec::as_slice)
                .collect();
            let bytes = encode_bundle(&t, &slice).unwrap();
            let back = parse_bundle(&t, &bytes).unwrap();
            assert_eq!(back, slice);
            let level0 = Tile::hashes(0, t.index(), t.width()).unwrap();
            let tile = parse_tile(&level0, &tile_from_leaves(&level0, &hashes).unwrap()).unwrap();
            check_bundle(&t, &back, &tile).unwrap();
            // Framing errors.
            let bad = |b: &[u8]| parse_bundle(&t, b).unwrap_err();
            assert!(matches!(bad(&bytes[..bytes.len() - 1]), Error::Tile { .. }));
            assert!(matches!(
                bad(&[bytes.as_slice(), &[0, 0]].concat()),
                Error::Tile { .. }
            ));
            assert!(matches!(
                bad(&[bytes.as_slice(), &[0]].concat()),
                Error::Tile { .. }
            ));
            assert!(matches!(
                bad(&bytes[..2 + slice[0].len()]),
                Error::Tile { .. }
            ));
            // One changed byte of an entry: its leaf hash differs.
            let mut changed = bytes.clone();
            let last = changed.len() - 1;
            changed[last] ^= 1;
            let entries = parse_bundle(&t, &changed).unwrap();
            assert!(matches!(
                check_bundle(&t, &entries, &tile),
                Err(Error::TileMismatch { .. })
            ));
        }
        // One byte too many for the 16-bit length, named by position.
        let big = vec![b'x'; MAX_BUNDLE_ENTRY_BYTES + 1];
        let t = Tile::entries(1, 1).unwrap();
        let err = encode_bundle(&t, &[&big]).unwrap_err();
        assert!(
            err.to_string().contains("entry 256 is 65536 bytes"),
            "{err}"
        );
        assert!(encode_bundle(&t, &[]).is_err());
        let h = Tile::hashes(0, 0, 1).unwrap();
        assert!(encode_bundle(&h, &[b"x"]).is_err());
        assert!(parse_bundle(&h, b"").is_err());
        assert!(parse_tile(&t, &[0; 32]).is_err());
    }
}
