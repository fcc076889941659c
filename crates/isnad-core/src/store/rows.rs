//! How the store packs many small things into few sled rows.
//!
//! sled 0.34 rebuilds its page table and rewrites its free segments every
//! time a database is opened, so what a process pays before its first read
//! grows with the number of tree nodes, and a node holds at most 16 rows.
//! The first store format kept seven to ten rows per entry (one per Merkle
//! node, index key and mention); this one keeps far fewer, each a packed
//! value of a few kilobytes (docs/PERFORMANCE.md has the measurements):
//!
//! - entries, [`ENTRIES_PER_ROW`] to a row ([`EntryRow`]);
//! - Merkle nodes, a band of [`BAND_HEIGHTS`] levels over
//!   [`BAND_WIDTH`] nodes to a row ([`NodeRow`]);
//! - lookups by hash or name, in [`Buckets::V3`] buckets per index
//!   ([`Bucket`]; [`Buckets::V2`] in the second store format);
//! - each source's mentions, [`POSTINGS_PER_ROW`] positions to a row.
//!
//! Every packed value grows only at its end as the ledger grows, so
//! rows written beyond the head (an import under way) are removed by
//! cutting values back ([`EntryRow::truncate`], [`NodeRow::truncate`],
//! [`Bucket::retain_below`]).

use crate::error::Error;
use crate::ids::Seq;
use crate::merkle::Hash;

/// Entries packed into one row of `entries`.
pub const ENTRIES_PER_ROW: u64 = 16;
/// Levels of the Merkle tree one row of `merkle` holds.
pub const BAND_HEIGHTS: u32 = 6;
/// Nodes at the lowest level of a band row (2^[`BAND_HEIGHTS`]).
pub const BAND_WIDTH: u64 = 1 << BAND_HEIGHTS;
/// Positions packed into one row of `mentions`.
pub const POSTINGS_PER_ROW: usize = 512;

fn damaged(what: &str) -> Error {
    Error::Corrupt {
        reason: format!("a stored {what} is malformed"),
    }
}

/// The key of the `entries` row that holds entry `seq`.
pub fn entry_row_key(seq: Seq) -> [u8; 8] {
    (seq.0 / ENTRIES_PER_ROW).to_be_bytes()
}

/// One row of `entries`: consecutive entries' leaf bytes, each after its
/// length (u32, big-endian). The row with key k holds entries
/// `k·16 .. k·16 + count`.
#[derive(Clone, Debug, Default)]
pub struct EntryRow {
    bytes: Vec<u8>,
}

impl EntryRow {
    /// A row as stored.
    pub fn from_stored(bytes: &[u8]) -> Self {
        EntryRow {
            bytes: bytes.to_vec(),
        }
    }

    /// Adds the next entry's leaf bytes.
    pub fn push(&mut self, leaf: &[u8]) {
        // An entry is far below 4 GiB (the format caps it at kilobytes).
        let len = u32::try_from(leaf.len()).unwrap_or(u32::MAX);
        self.bytes.extend_from_slice(&len.to_be_bytes());
        self.bytes.extend_from_slice(leaf);
    }

    /// The stored value.
    pub fn as_bytes(&self) -> &[u8] {
        &self.bytes
    }

    /// The stored value, taken.
    pub fn into_bytes(self) -> Vec<u8> {
        self.bytes
    }

    /// Keeps the first `count` entries.
    ///
    /// # Errors
    /// [`Error::Corrupt`] when the row is malformed.
    pub fn truncate(&mut self, count: usize) -> Result<(), Error> {
        let mut end = 0;
        for (i, r) in spans(&self.bytes).enumerate() {
            if i == count {
                break;
            }
            end = r?.end;
        }
        self.bytes.truncate(end);
        Ok(())
    }

    /// How many entries it holds.
    ///
    /// # Errors
    /// [`Error::Corrupt`] when the row is malformed.
    pub fn count(&self) -> Result<usize, Error> {
        count_spans(&self.bytes)
    }
}

/// The byte ranges of the leaves packed in an `entries` row, in order.
pub fn spans(row: &[u8]) -> impl Iterator<Item = Result<std::ops::Range<usize>, Error>> + '_ {
    let mut at = 0usize;
    std::iter::from_fn(move || {
        if at >= row.len() {
            return None;
        }
        let Some(len) = row.get(at..at + 4) else {
            at = row.len();
            return Some(Err(damaged("entry row")));
        };
        let len = u32::from_be_bytes([len[0], len[1], len[2], len[3]]) as usize;
        let start = at + 4;
        let end = start.saturating_add(len);
        if end > row.len() {
            at = row.len();
            return Some(Err(damaged("entry row")));
        }
        at = end;
        Some(Ok(start..end))
    })
}

/// How many leaves an `entries` row holds.
///
/// # Errors
/// [`Error::Corrupt`] when the row is malformed.
pub fn count_spans(row: &[u8]) -> Result<usize, Error> {
    let mut n = 0;
    for r in spans(row) {
        r?;
        n += 1;
    }
    Ok(n)
}

/// The key of the `merkle` row holding node (`level`, `index`), and the
/// node's place in it: (band, row index, height within the band, position
/// at that height).
pub fn node_place(level: u32, index: u64) -> ([u8; 9], u32, u64) {
    let band = level / BAND_HEIGHTS;
    let h = level % BAND_HEIGHTS;
    let per_row = BAND_WIDTH >> h;
    let row = index / per_row;
    let pos = index % per_row;
    let mut k = [0u8; 9];
    // Levels never exceed 64: a band number fits a byte.
    k[0] = band as u8;
    k[1..].copy_from_slice(&row.to_be_bytes());
    (k, h, pos)
}

/// The key of band `band`'s row `row` in `merkle`.
pub fn node_row_key(band: u32, row: u64) -> [u8; 9] {
    let mut k = [0u8; 9];
    k[0] = band as u8;
    k[1..].copy_from_slice(&row.to_be_bytes());
    k
}

/// Nodes in a band row whose lowest level holds `w` nodes: `w` at the
/// lowest level, `w/2` above it, and so on for [`BAND_HEIGHTS`] levels
/// (a node is stored once its subtree is complete).
fn nodes_for_width(w: usize) -> usize {
    (0..BAND_HEIGHTS).map(|h| w >> h).sum()
}

/// One row of `merkle`: the complete nodes of a band of
/// [`BAND_HEIGHTS`] levels over [`BAND_WIDTH`] consecutive nodes of the
/// band's lowest level, level by level from the lowest, 32 bytes each.
/// The number of lowest-level nodes (the width) follows from the length.
#[derive(Clone, Debug, Default)]
pub struct NodeRow {
    width: usize,
    bytes: Vec<u8>,
}

impl NodeRow {
    /// A row as stored.
    ///
    /// # Errors
    /// [`Error::Corrupt`] when its length fits no width.
    pub fn from_stored(bytes: &[u8]) -> Result<Self, Error> {
        Ok(NodeRow {
            width: width_of(bytes.len())?,
            bytes: bytes.to_vec(),
        })
    }

    /// The stored value.
    pub fn as_bytes(&self) -> &[u8] {
        &self.bytes
    }

    /// The stored value, taken.
    pub fn into_bytes(self) -> Vec<u8> {
        self.bytes
    }

    /// Nodes at the band's lowest level.
    pub fn width(&self) -> usize {
        self.width
    }

    /// Adds node (`h`, `pos`) of this band, which must be the next one at
    /// height `h`: a leaf first, then the nodes it completes, lowest first.
    ///
    /// # Errors
    /// [`Error::Corrupt`] when it is not the next node there.
    pub fn push(&mut self, h: u32, pos: u64, hash: &Hash) -> Result<(), Error> {
        let w = self.width;
        if h == 0 {
            if pos != w as u64 || w >= BAND_WIDTH as usize {
                return Err(damaged("Merkle row"));
            }
            // A new lowest node: the levels above it move up by 32 bytes,
            // and a level whose count grows gets a slot that the pushes of
            // the nodes this one completes fill next.
            let w1 = w + 1;
            let mut next = Vec::with_capacity(32 * nodes_for_width(w1));
            for level in 0..BAND_HEIGHTS {
                let have = w >> level;
                let at = self.offset(level, 0);
                next.extend_from_slice(&self.bytes[at..at + 32 * have]);
                if level == 0 {
                    next.extend_from_slice(hash);
                } else if (w1 >> level) > have {
                    next.extend_from_slice(&[0u8; 32]);
                }
            }
            self.bytes = next;
            self.width = w1;
            return Ok(());
        }
        // A node above the lowest level is stored when the node just pushed
        // completes it: it is the newest at its level.
        if h >= BAND_HEIGHTS || pos + 1 != (w >> h) as u64 {
            return Err(damaged("Merkle row"));
        }
        let at = self.offset(h, pos as usize);
        self.bytes[at..at + 32].copy_from_slice(hash);
        Ok(())
    }

    fn offset(&self, h: u32, pos: usize) -> usize {
        offset(self.width, h, pos)
    }

    /// Keeps the nodes over the first `width` lowest-level nodes.
    pub fn truncate(&mut self, width: usize) {
        if width >= self.width {
            return;
        }
        let mut next = Vec::with_capacity(32 * nodes_for_width(width));
        for level in 0..BAND_HEIGHTS {
            let at = self.offset(level, 0);
            next.extend_from_slice(&self.bytes[at..at + 32 * (width >> level)]);
        }
        self.bytes = next;
        self.width = width;
    }
}

/// Node (`h`, `pos`) of a stored band row, read in place; `None` when the
/// row does not hold it (yet).
///
/// # Errors
/// [`Error::Corrupt`] when the row's length fits no width.
pub fn node_in(row: &[u8], h: u32, pos: u64) -> Result<Option<Hash>, Error> {
    let w = width_of(row.len())?;
    let Ok(pos) = usize::try_from(pos) else {
        return Ok(None);
    };
    if h >= BAND_HEIGHTS || pos >= w >> h {
        return Ok(None);
    }
    let at = offset(w, h, pos);
    Ok(row.get(at..at + 32).and_then(|b| b.try_into().ok()))
}

/// Where node (`h`, `pos`) starts in a band row of width `w`: after the
/// levels below it, then `pos` nodes of its own level.
fn offset(w: usize, h: u32, pos: usize) -> usize {
    32 * ((0..h).map(|l| w >> l).sum::<usize>() + pos)
}

/// The width of a band row `len` bytes long.
fn width_of(len: usize) -> Result<usize, Error> {
    if len % 32 != 0 {
        return Err(damaged("Merkle row"));
    }
    let nodes = len / 32;
    // nodes_for_width is increasing: at most 64 candidates.
    (1..=BAND_WIDTH as usize)
        .find(|&w| nodes_for_width(w) == nodes)
        .ok_or_else(|| damaged("Merkle row"))
}

/// How many buckets each hashed index (`ids`, `content`, `refs`,
/// `sources`) has: a key's bucket is the first bits of its hash. A store
/// format fixes it, and a [`crate::Ledger`] reads it from the format tag.
///
/// Store format 3 has four times the buckets of format 2. At 2,000,000
/// entries a format-2 bucket holds about 17 KB and sled's leaf of up to 16
/// of them about 270 KB; sled 0.34 keeps whole leaves it has read beyond
/// its cache setting, so a million-review import held about 120 MB more in
/// format 2 (docs/PERFORMANCE.md), and each append rewrote three such
/// buckets.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Buckets {
    bits: u32,
}

impl Buckets {
    /// Store format 2: 4,096 buckets (12 bits).
    pub const V2: Buckets = Buckets { bits: 12 };
    /// Store format 3: 16,384 buckets (14 bits).
    pub const V3: Buckets = Buckets { bits: 14 };

    /// The number of buckets.
    pub fn count(self) -> usize {
        1 << self.bits
    }

    /// The bucket of a 32-byte key (a hash): its first bits, as two
    /// big-endian bytes (the bucket's row key).
    pub fn of_hash(self, key: &[u8; 32]) -> [u8; 2] {
        let b = u16::from_be_bytes([key[0], key[1]]) >> (16 - self.bits);
        b.to_be_bytes()
    }

    /// The bucket of a name (a source id): the first bits of its SHA-256.
    pub fn of_name(self, name: &[u8]) -> [u8; 2] {
        use sha2::Digest as _;
        let digest: [u8; 32] = sha2::Sha256::digest(name).into();
        self.of_hash(&digest)
    }
}

/// One bucket of a hashed index: records of a key (at most 255 bytes,
/// after its length byte) and an entry's position (u64, big-endian), in
/// the order they were added (ledger order).
#[derive(Clone, Debug, Default)]
pub struct Bucket {
    bytes: Vec<u8>,
}

impl Bucket {
    /// A bucket as stored.
    pub fn from_stored(bytes: &[u8]) -> Self {
        Bucket {
            bytes: bytes.to_vec(),
        }
    }

    /// The stored value.
    pub fn as_bytes(&self) -> &[u8] {
        &self.bytes
    }

    /// The stored value, taken.
    pub fn into_bytes(self) -> Vec<u8> {
        self.bytes
    }

    /// Bytes of memory it holds (its allocation, not only its value).
    pub fn held_bytes(&self) -> usize {
        self.bytes.capacity()
    }

    /// Adds a record.
    ///
    /// # Errors
    /// [`Error::Corrupt`] for a key longer than 255 bytes (ids and source
    /// slugs are far shorter).
    pub fn push(&mut self, key: &[u8], seq: Seq) -> Result<(), Error> {
        let len = u8::try_from(key.len()).map_err(|_| damaged("index key"))?;
        self.bytes.push(len);
        self.bytes.extend_from_slice(key);
        self.bytes.extend_from_slice(&seq.to_be_bytes());
        Ok(())
    }

    /// Keeps the records of entries before `end`.
    ///
    /// # Errors
    /// [`Error::Corrupt`] when the bucket is malformed.
    pub fn retain_below(&mut self, end: Seq) -> Result<bool, Error> {
        let mut kept = Bucket::default();
        for r in records(&self.bytes) {
            let (key, seq) = r?;
            if seq < end {
                kept.push(key, seq)?;
            }
        }
        let changed = kept.bytes.len() != self.bytes.len();
        *self = kept;
        Ok(changed)
    }
}

/// The records of a stored bucket, in order.
pub fn records(bucket: &[u8]) -> impl Iterator<Item = Result<(&[u8], Seq), Error>> + '_ {
    let mut at = 0usize;
    std::iter::from_fn(move || {
        if at >= bucket.len() {
            return None;
        }
        let len = bucket[at] as usize;
        let key = at + 1..at + 1 + len;
        let seq = key.end..key.end + 8;
        let Some(seq_bytes) = bucket.get(seq.clone()) else {
            at = bucket.len();
            return Some(Err(damaged("index bucket")));
        };
        let mut s = [0u8; 8];
        s.copy_from_slice(seq_bytes);
        at = seq.end;
        Some(Ok((&bucket[key], Seq(u64::from_be_bytes(s)))))
    })
}

/// The positions recorded for `key` in a stored bucket, in ledger order.
///
/// # Errors
/// [`Error::Corrupt`] when the bucket is malformed.
pub fn lookup<'a>(
    bucket: &'a [u8],
    key: &'a [u8],
) -> impl Iterator<Item = Result<Seq, Error>> + 'a {
    records(bucket).filter_map(move |r| match r {
        Ok((k, seq)) if k == key => Some(Ok(seq)),
        Ok(_) => None,
        Err(e) => Some(Err(e)),
    })
}

/// The key of row `chunk` of a source's mentions: its slug, 0x00 (no slug
/// has it), the chunk number (u32, big-endian).
pub fn mention_key(slug: &[u8], chunk: u32) -> Vec<u8> {
    let mut k = Vec::with_capacity(slug.len() + 5);
    k.extend_from_slice(slug);
    k.push(0);
    k.extend_from_slice(&chunk.to_be_bytes());
    k
}

/// The positions in a stored `mentions` row.
///
/// # Errors
/// [`Error::Corrupt`] when its length is not a multiple of 8.
pub fn postings(row: &[u8]) -> Result<impl Iterator<Item = Seq> + '_, Error> {
    if row.len() % 8 != 0 {
        return Err(damaged("mentions row"));
    }
    Ok(row.chunks_exact(8).map(|c| {
        let mut s = [0u8; 8];
        s.copy_from_slice(c);
        Seq(u64::from_be_bytes(s))
    }))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::merkle;

    #[test]
    fn entry_rows_hold_their_leaves_in_order() {
        let mut row = EntryRow::default();
        let leaves: Vec<Vec<u8>> = (0..5u8).map(|i| vec![i; usize::from(i) * 3]).collect();
        for l in &leaves {
            row.push(l);
        }
        let got: Vec<&[u8]> = spans(row.as_bytes())
            .map(|r| &row.as_bytes()[r.unwrap()])
            .collect();
        assert_eq!(got, leaves.iter().map(Vec::as_slice).collect::<Vec<_>>());
        row.truncate(2).unwrap();
        assert_eq!(row.count().unwrap(), 2);
        let cut = &row.as_bytes()[..row.as_bytes().len() - 1];
        assert!(count_spans(cut).is_err());
    }

    // Pushing leaves one by one, with the nodes each completes, gives the
    // RFC 6962 subtree hashes; cutting back gives the smaller band.
    #[test]
    fn node_rows_hold_the_complete_subtrees() {
        let leaves: Vec<Hash> = (0..64u8).map(|i| [i; 32]).collect();
        let mut row = NodeRow::default();
        let mut f = merkle::Frontier::new();
        for (i, leaf) in leaves.iter().enumerate() {
            row.push(0, i as u64, leaf).unwrap();
            f.push_with(*leaf, &mut |level, hash| {
                if level > 0 && level < BAND_HEIGHTS {
                    row.push(level, i as u64 >> level, hash).unwrap();
                }
            });
            let again = NodeRow::from_stored(row.as_bytes()).unwrap();
            assert_eq!(again.width(), i + 1);
        }
        for h in 0..BAND_HEIGHTS {
            for pos in 0..(64u64 >> h) {
                let a = (pos << h) as usize;
                let b = a + (1 << h);
                assert_eq!(
                    node_in(row.as_bytes(), h, pos).unwrap(),
                    Some(merkle::root(&leaves[a..b])),
                    "{h}/{pos}"
                );
            }
        }
        row.truncate(13);
        assert_eq!(row.width(), 13);
        assert_eq!(
            node_in(row.as_bytes(), 2, 2).unwrap(),
            Some(merkle::root(&leaves[8..12]))
        );
        assert_eq!(node_in(row.as_bytes(), 2, 3).unwrap(), None);
        assert!(NodeRow::from_stored(&[0u8; 33]).is_err());
    }

    #[test]
    fn buckets_keep_records_and_cut_back() {
        let mut b = Bucket::default();
        b.push(b"abc", Seq(1)).unwrap();
        b.push(b"de", Seq(2)).unwrap();
        b.push(b"abc", Seq(7)).unwrap();
        let found: Vec<Seq> = lookup(b.as_bytes(), b"abc").map(Result::unwrap).collect();
        assert_eq!(found, [Seq(1), Seq(7)]);
        assert!(b.retain_below(Seq(7)).unwrap());
        let found: Vec<Seq> = lookup(b.as_bytes(), b"abc").map(Result::unwrap).collect();
        assert_eq!(found, [Seq(1)]);
        assert!(records(&b.as_bytes()[..5]).any(|r| r.is_err()));
        for b in [Buckets::V2, Buckets::V3] {
            let last = u16::try_from(b.count() - 1).unwrap();
            assert_eq!(b.of_hash(&[0xff; 32]), last.to_be_bytes());
            assert_eq!(b.of_hash(&[0; 32]), [0, 0]);
        }
        // Format 2's buckets are the first 12 bits, format 3's the first
        // 14: the rows an existing ledger holds stay where they are.
        let mut key = [0u8; 32];
        key[..2].copy_from_slice(&[0xab, 0xcd]);
        assert_eq!(Buckets::V2.of_hash(&key), 0x0abc_u16.to_be_bytes());
        assert_eq!(Buckets::V3.of_hash(&key), 0x2af3_u16.to_be_bytes());
    }
}
