//! RFC 6962 / RFC 9162 Merkle tree hashing and proof verification.
//!
//! Pure functions over hashes: no storage, so an auditor's client can check
//! inclusion and consistency proofs without the ledger. The leaves are the
//! entries' leaf bytes; a leaf's hash is SHA-256(0x00 ‖ bytes), which is
//! exactly [`EntryHash::of_leaf`](crate::EntryHash::of_leaf).

use sha2::{Digest, Sha256};

use crate::error::Error;

/// A 32-byte tree hash.
pub type Hash = [u8; 32];

/// SHA-256 of the empty string: the root of the empty tree.
pub fn empty_root() -> Hash {
    Sha256::digest([]).into()
}

/// SHA-256(0x00 ‖ data).
pub fn leaf_hash(data: &[u8]) -> Hash {
    let mut h = Sha256::new();
    h.update([0u8]);
    h.update(data);
    h.finalize().into()
}

/// SHA-256(0x01 ‖ left ‖ right).
pub fn node_hash(left: &Hash, right: &Hash) -> Hash {
    let mut h = Sha256::new();
    h.update([1u8]);
    h.update(left);
    h.update(right);
    h.finalize().into()
}

/// The largest power of two strictly less than `n` (`n` ≥ 2).
fn split(n: u64) -> u64 {
    debug_assert!(n >= 2);
    1 << (63 - (n - 1).leading_zeros())
}

/// MTH over leaf hashes, recursively as RFC 6962 §2.1 defines it. For
/// tests and small trees; the store keeps the tree incrementally.
pub fn root(leaves: &[Hash]) -> Hash {
    match leaves.len() {
        0 => empty_root(),
        1 => leaves[0],
        n => {
            let k = split(n as u64) as usize;
            node_hash(&root(&leaves[..k]), &root(&leaves[k..]))
        }
    }
}

/// The hash of the subtree over leaves `[start, end)`, as a proof builder
/// asks for it: from memory, or from nodes stored on disk.
pub type SubtreeFn<'a> = dyn FnMut(u64, u64) -> Result<Hash, Error> + 'a;

/// The audit path for leaf `index` in a tree of `size` leaves (RFC 6962
/// §2.1.1), asking `subtree` for the hashes it needs.
///
/// # Errors
/// [`Error::Proof`] when `index` is not below `size`; errors of `subtree`.
pub fn inclusion_proof_with(
    index: u64,
    size: u64,
    subtree: &mut SubtreeFn<'_>,
) -> Result<Vec<Hash>, Error> {
    if index >= size {
        return Err(proof_err(format!(
            "index {index} is not in a tree of size {size}"
        )));
    }
    let mut out = Vec::new();
    let (mut lo, mut hi, mut m) = (0u64, size, index);
    // Walk down, collecting siblings; the path lists them bottom-up.
    while hi - lo > 1 {
        let k = split(hi - lo);
        if m < k {
            out.push(subtree(lo + k, hi)?);
            hi = lo + k;
        } else {
            out.push(subtree(lo, lo + k)?);
            lo += k;
            m -= k;
        }
    }
    out.reverse();
    Ok(out)
}

/// The consistency proof from size `old` to size `new` (RFC 6962 §2.1.2),
/// asking `subtree` for the hashes it needs.
///
/// # Errors
/// [`Error::Proof`] unless 0 < `old` ≤ `new`; errors of `subtree`.
pub fn consistency_proof_with(
    old: u64,
    new: u64,
    subtree: &mut SubtreeFn<'_>,
) -> Result<Vec<Hash>, Error> {
    if old == 0 || old > new {
        return Err(proof_err(format!(
            "no consistency proof from size {old} to size {new}"
        )));
    }
    let mut out = Vec::new();
    let (mut lo, mut hi, mut m, mut complete) = (0u64, new, old, true);
    loop {
        let n = hi - lo;
        if m == n {
            if !complete {
                out.push(subtree(lo, hi)?);
            }
            break;
        }
        let k = split(n);
        if m <= k {
            out.push(subtree(lo + k, hi)?);
            hi = lo + k;
        } else {
            out.push(subtree(lo, lo + k)?);
            lo += k;
            m -= k;
            complete = false;
        }
    }
    out.reverse();
    Ok(out)
}

fn in_memory(leaves: &[Hash]) -> impl FnMut(u64, u64) -> Result<Hash, Error> + '_ {
    move |a, b| Ok(root(&leaves[a as usize..b as usize]))
}

/// The audit path for leaf `index` over in-memory leaf hashes.
///
/// # Errors
/// [`Error::Proof`] when `index` is not below the number of leaves.
pub fn inclusion_proof(leaves: &[Hash], index: u64) -> Result<Vec<Hash>, Error> {
    inclusion_proof_with(index, leaves.len() as u64, &mut in_memory(leaves))
}

/// The consistency proof from the first `old` leaves to all of them.
///
/// # Errors
/// [`Error::Proof`] unless 0 < `old` ≤ number of leaves.
pub fn consistency_proof(leaves: &[Hash], old: u64) -> Result<Vec<Hash>, Error> {
    consistency_proof_with(old, leaves.len() as u64, &mut in_memory(leaves))
}

/// The hash of leaves `[start, end)` from stored complete-subtree nodes:
/// `node(level, index)` is the root over leaves
/// `[index << level, (index + 1) << level)`. Reads O(log n) nodes.
///
/// # Errors
/// [`Error::Proof`] for an empty range; errors of `node`.
pub fn subtree_from_nodes(
    start: u64,
    end: u64,
    node: &mut dyn FnMut(u32, u64) -> Result<Hash, Error>,
) -> Result<Hash, Error> {
    let n = end.saturating_sub(start);
    if n == 0 {
        return Err(proof_err(format!("empty range [{start}, {end})")));
    }
    if n.is_power_of_two() && start % n == 0 {
        let level = n.trailing_zeros();
        return node(level, start >> level);
    }
    let k = split(n);
    let left = subtree_from_nodes(start, start + k, node)?;
    let right = subtree_from_nodes(start + k, end, node)?;
    Ok(node_hash(&left, &right))
}

/// Verifies an inclusion proof (RFC 9162 §2.1.3.2).
///
/// # Errors
/// [`Error::Proof`] saying what does not hold.
pub fn verify_inclusion(
    index: u64,
    size: u64,
    leaf: &Hash,
    proof: &[Hash],
    root: &Hash,
) -> Result<(), Error> {
    if index >= size {
        return Err(proof_err(format!(
            "index {index} is not in a tree of size {size}"
        )));
    }
    let mut r = *leaf;
    walk(index, size - 1, proof, &mut |left, p| {
        r = if left {
            node_hash(p, &r)
        } else {
            node_hash(&r, p)
        };
    })?;
    if &r != root {
        return Err(proof_err(
            "inclusion proof does not lead to the root hash".into(),
        ));
    }
    Ok(())
}

/// Verifies a consistency proof between two tree heads (RFC 9162 §2.1.4.2).
///
/// # Errors
/// [`Error::Proof`] saying what does not hold.
pub fn verify_consistency(
    old_size: u64,
    new_size: u64,
    old_root: &Hash,
    new_root: &Hash,
    proof: &[Hash],
) -> Result<(), Error> {
    if old_size > new_size {
        return Err(proof_err(format!(
            "old size {old_size} is larger than new size {new_size}"
        )));
    }
    if old_size == new_size {
        if !proof.is_empty() {
            return Err(proof_err("proof between equal sizes must be empty".into()));
        }
        return if old_root == new_root {
            Ok(())
        } else {
            Err(proof_err("equal sizes with different roots".into()))
        };
    }
    if old_size == 0 {
        // Every tree extends the empty tree, whose root is fixed.
        if !proof.is_empty() {
            return Err(proof_err("proof from the empty tree must be empty".into()));
        }
        return if *old_root == empty_root() {
            Ok(())
        } else {
            Err(proof_err(
                "the old root of an empty tree must be SHA-256(\"\")".into(),
            ))
        };
    }
    // When old_size is a power of two the old root itself starts the walk;
    // otherwise the proof's first hash does.
    let (start, rest) = if old_size.is_power_of_two() {
        (*old_root, proof)
    } else {
        let (first, rest) = proof
            .split_first()
            .ok_or_else(|| proof_err("consistency proof is empty".into()))?;
        (*first, rest)
    };
    let (mut f_n, mut s_n) = (old_size - 1, new_size - 1);
    while f_n & 1 == 1 {
        f_n >>= 1;
        s_n >>= 1;
    }
    let (mut fr, mut sr) = (start, start);
    walk(f_n, s_n, rest, &mut |left, c| {
        if left {
            fr = node_hash(c, &fr);
            sr = node_hash(c, &sr);
        } else {
            sr = node_hash(&sr, c);
        }
    })?;
    if &fr != old_root {
        return Err(proof_err(
            "consistency proof does not match the old root".into(),
        ));
    }
    if &sr != new_root {
        return Err(proof_err(
            "consistency proof does not match the new root".into(),
        ));
    }
    Ok(())
}

/// The path walk RFC 9162 shares between inclusion (§2.1.3.2) and
/// consistency (§2.1.4.2) verification: `step` is told, for each proof hash,
/// whether it is a left sibling. Fails if the proof is too long or too short.
fn walk(
    mut f_n: u64,
    mut s_n: u64,
    proof: &[Hash],
    step: &mut dyn FnMut(bool, &Hash),
) -> Result<(), Error> {
    for p in proof {
        if s_n == 0 {
            return Err(proof_err("proof is too long".into()));
        }
        if f_n & 1 == 1 || f_n == s_n {
            step(true, p);
            while f_n & 1 == 0 && f_n != 0 {
                f_n >>= 1;
                s_n >>= 1;
            }
        } else {
            step(false, p);
        }
        f_n >>= 1;
        s_n >>= 1;
    }
    if s_n != 0 {
        return Err(proof_err("proof is too short".into()));
    }
    Ok(())
}

fn proof_err(reason: String) -> Error {
    Error::Proof { reason }
}

#[cfg(test)]
mod tests {
    use super::*;

    // Leaves and roots from RFC 6962's reference tests (shared vectors).
    const LEAVES: [&str; 8] = [
        "",
        "00",
        "10",
        "2021",
        "3031",
        "40414243",
        "5051525354555657",
        "606162636465666768696a6b6c6d6e6f",
    ];
    const ROOTS: [&str; 9] = [
        "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
        "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
        "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
        "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
        "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
        "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
        "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
        "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
        "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
    ];

    fn leaves() -> Vec<Hash> {
        LEAVES
            .iter()
            .map(|h| leaf_hash(&hex::decode(h).unwrap()))
            .collect()
    }

    #[test]
    fn roots_match_rfc6962_vectors() {
        let l = leaves();
        for (n, want) in ROOTS.iter().enumerate() {
            assert_eq!(hex::encode(root(&l[..n])), *want, "size {n}");
        }
    }

    #[test]
    fn every_inclusion_proof_verifies_and_no_other() {
        let l = leaves();
        for n in 1..=8u64 {
            let r = root(&l[..n as usize]);
            for i in 0..n {
                let p = inclusion_proof(&l[..n as usize], i).unwrap();
                verify_inclusion(i, n, &l[i as usize], &p, &r).unwrap();
                // Wrong leaf, wrong index, a changed hash, a short proof: all fail.
                let other = l[((i + 1) % n) as usize];
                if n > 1 {
                    assert!(verify_inclusion(i, n, &other, &p, &r).is_err());
                    assert!(verify_inclusion((i + 1) % n, n, &l[i as usize], &p, &r).is_err());
                    let mut bad = p.clone();
                    bad[0][0] ^= 1;
                    assert!(verify_inclusion(i, n, &l[i as usize], &bad, &r).is_err());
                    assert!(verify_inclusion(i, n, &l[i as usize], &p[1..], &r).is_err());
                }
                let mut long = p.clone();
                long.push([0; 32]);
                assert!(verify_inclusion(i, n, &l[i as usize], &long, &r).is_err());
            }
        }
    }

    #[test]
    fn every_consistency_proof_verifies_and_no_other() {
        let l = leaves();
        for n in 1..=8u64 {
            let new_root = root(&l[..n as usize]);
            for m in 1..=n {
                let old_root = root(&l[..m as usize]);
                let p = consistency_proof(&l[..n as usize], m).unwrap();
                verify_consistency(m, n, &old_root, &new_root, &p).unwrap();
                if m < n {
                    let mut bad = p.clone();
                    bad[0][0] ^= 1;
                    assert!(verify_consistency(m, n, &old_root, &new_root, &bad).is_err());
                    let wrong_old = root(&l[1..=m as usize]);
                    assert!(verify_consistency(m, n, &wrong_old, &new_root, &p).is_err());
                    assert!(verify_consistency(m, n, &old_root, &old_root, &p).is_err());
                }
            }
        }
        assert!(verify_consistency(3, 2, &[0; 32], &[0; 32], &[]).is_err());
        verify_consistency(0, 5, &empty_root(), &root(&l[..5]), &[]).unwrap();
        // Regression: any old root was accepted for size 0.
        assert!(verify_consistency(0, 5, &[0; 32], &root(&l[..5]), &[]).is_err());
    }

    fn leaves_64() -> Vec<Hash> {
        (0u8..64).map(|i| leaf_hash(&[i; 3])).collect()
    }

    /// Every proof in every tree of 1 to 64 leaves, with every single-bit
    /// change to every proof hash, a wrong index or size, and a missing or
    /// extra hash.
    #[test]
    fn every_inclusion_proof_up_to_64_and_every_mutation_fails() {
        let l = leaves_64();
        for n in 1..=64u64 {
            let r = root(&l[..n as usize]);
            for i in 0..n {
                let leaf = &l[i as usize];
                let p = inclusion_proof(&l[..n as usize], i).unwrap();
                verify_inclusion(i, n, leaf, &p, &r).unwrap();
                for h in 0..p.len() {
                    let mut bad = p.clone();
                    bad[h][(i as usize + h) % 32] ^= 1 << (h % 8);
                    assert!(
                        verify_inclusion(i, n, leaf, &bad, &r).is_err(),
                        "{n}/{i}/{h}"
                    );
                }
                for j in (0..n).filter(|&j| j != i) {
                    assert!(
                        verify_inclusion(j, n, leaf, &p, &r).is_err(),
                        "{n}: {i} as {j}"
                    );
                }
                // A checkpoint binds the size to its root: a proof for one
                // size never verifies against another size's root.
                for m in (i + 1..=64).filter(|&m| m != n) {
                    let rm = root(&l[..m as usize]);
                    assert!(verify_inclusion(i, m, leaf, &p, &rm).is_err(), "{n} as {m}");
                }
                if let Some((_, shorter)) = p.split_last() {
                    assert!(verify_inclusion(i, n, leaf, shorter, &r).is_err());
                }
                let mut longer = p.clone();
                longer.push(l[0]);
                assert!(verify_inclusion(i, n, leaf, &longer, &r).is_err());
            }
        }
    }

    #[test]
    fn every_consistency_proof_up_to_64_and_every_mutation_fails() {
        let l = leaves_64();
        let roots: Vec<Hash> = (0..=65).map(|n| root(&l[..n.min(64)])).collect();
        for n in 1..=64u64 {
            for m in 1..=n {
                let (old, new) = (&roots[m as usize], &roots[n as usize]);
                let p = consistency_proof(&l[..n as usize], m).unwrap();
                verify_consistency(m, n, old, new, &p).unwrap();
                if m == n {
                    assert!(p.is_empty());
                    continue;
                }
                for h in 0..p.len() {
                    let mut bad = p.clone();
                    bad[h][(m as usize + h) % 32] ^= 1 << (h % 8);
                    assert!(
                        verify_consistency(m, n, old, new, &bad).is_err(),
                        "{m}->{n}/{h}"
                    );
                }
                // Sizes are bound to roots by checkpoints: use the roots of
                // the sizes claimed.
                for (om, on) in [(m + 1, n), (m, n + 1), (m - 1, n), (m, n - 1)] {
                    if (om, on) != (m, n) && om >= 1 && om <= on && on <= 64 {
                        let (ro, rn) = (&roots[om as usize], &roots[on as usize]);
                        assert!(
                            verify_consistency(om, on, ro, rn, &p).is_err(),
                            "{m}->{n} as {om}->{on}"
                        );
                    }
                }
                let mut longer = p.clone();
                longer.push(l[0]);
                assert!(verify_consistency(m, n, old, new, &longer).is_err());
                if let Some((_, shorter)) = p.split_last() {
                    assert!(verify_consistency(m, n, old, new, shorter).is_err());
                }
                assert!(verify_consistency(m, n, &roots[m as usize - 1], new, &p).is_err());
            }
        }
    }

    // The Go checksum database's one-record tree (shared vectors).
    #[test]
    fn go_sumdb_one_record_root() {
        use base64::Engine as _;
        let r = root(&[leaf_hash(b"hello world")]);
        assert_eq!(
            base64::engine::general_purpose::STANDARD.encode(r),
            "TszzRgjTG6xce+z2AG31kAXYKBgQVtCSCE40HmuwBb0="
        );
    }
}

/// The right edge of a growing tree: the roots of its complete subtrees,
/// largest first. Appending a leaf is amortised O(1); memory is O(log n).
/// Used to recompute a root while streaming entries.
#[derive(Clone, Debug, Default)]
pub struct Frontier {
    size: u64,
    // (height, hash) of each complete subtree, left to right.
    stack: Vec<(u32, Hash)>,
}

impl Frontier {
    /// The empty tree.
    pub fn new() -> Self {
        Self::default()
    }

    /// Number of leaves pushed.
    pub fn size(&self) -> u64 {
        self.size
    }

    /// Adds a leaf hash.
    pub fn push(&mut self, leaf: Hash) {
        self.push_with(leaf, &mut |_, _| {});
    }

    /// Adds a leaf hash and reports every complete subtree it completes,
    /// as (level, hash), the leaf itself first: the nodes a store keeps.
    pub fn push_with(&mut self, leaf: Hash, completed: &mut dyn FnMut(u32, &Hash)) {
        let mut node = (0u32, leaf);
        completed(0, &leaf);
        while let Some(&(h, left)) = self.stack.last() {
            if h != node.0 {
                break;
            }
            self.stack.pop();
            node = (h + 1, node_hash(&left, &node.1));
            completed(node.0, &node.1);
        }
        self.stack.push(node);
        self.size += 1;
    }

    /// Adds a whole complete subtree of `2^height` leaves, given by its
    /// hash, as if its leaves had been pushed one by one. It must start
    /// where the tree ends and be aligned: the size so far must be a
    /// multiple of its leaf count (so that it is a subtree of the RFC 6962
    /// tree, as a stored node or a tile's hash is).
    ///
    /// # Errors
    /// [`Error::Proof`] when the subtree would not be aligned, or the tree
    /// would outgrow 2^64 − 1 leaves.
    pub fn push_subtree(&mut self, height: u32, hash: Hash) -> Result<(), Error> {
        let leaves = 1u64
            .checked_shl(height)
            .filter(|_| height < 64)
            .ok_or_else(|| proof_err(format!("a subtree of height {height} is too tall")))?;
        if self.size % leaves != 0 {
            return Err(proof_err(format!(
                "a subtree of {leaves} leaves cannot follow {} leaves",
                self.size
            )));
        }
        let size = self
            .size
            .checked_add(leaves)
            .ok_or_else(|| proof_err("the tree would outgrow 2^64 - 1 leaves".into()))?;
        let mut node = (height, hash);
        while let Some(&(h, left)) = self.stack.last() {
            if h != node.0 {
                break;
            }
            self.stack.pop();
            node = (h + 1, node_hash(&left, &node.1));
        }
        self.stack.push(node);
        self.size = size;
        Ok(())
    }

    /// The root of the tree so far.
    pub fn root(&self) -> Hash {
        let mut it = self.stack.iter().rev();
        let Some(&(_, mut acc)) = it.next() else {
            return empty_root();
        };
        for (_, left) in it {
            acc = node_hash(left, &acc);
        }
        acc
    }
}

#[cfg(test)]
mod frontier_tests {
    use super::*;

    #[test]
    fn frontier_root_equals_recursive_root() {
        let leaves: Vec<Hash> = (0u32..70).map(|i| leaf_hash(&i.to_be_bytes())).collect();
        let mut f = Frontier::new();
        assert_eq!(f.root(), empty_root());
        for (n, l) in leaves.iter().enumerate() {
            f.push(*l);
            assert_eq!(f.root(), root(&leaves[..=n]), "size {}", n + 1);
        }
    }

    // Pushing the binary decomposition of a size as whole subtrees gives
    // the same tree as pushing its leaves; misaligned subtrees are refused.
    #[test]
    fn subtrees_push_like_their_leaves() {
        let leaves: Vec<Hash> = (0u32..100).map(|i| leaf_hash(&i.to_be_bytes())).collect();
        for n in 0..=leaves.len() {
            let mut f = Frontier::new();
            let mut at = 0usize;
            for bit in (0..7).rev() {
                let width = 1usize << bit;
                if n & width != 0 {
                    f.push_subtree(bit, root(&leaves[at..at + width])).unwrap();
                    at += width;
                }
            }
            assert_eq!((f.size(), f.root()), (n as u64, root(&leaves[..n])));
            for l in &leaves[n..] {
                f.push(*l);
            }
            assert_eq!(f.root(), root(&leaves));
        }
        let mut f = Frontier::new();
        f.push(leaves[0]);
        assert!(f.push_subtree(1, leaves[1]).is_err());
        assert_eq!(f.size(), 1);
        assert!(Frontier::new().push_subtree(64, leaves[0]).is_err());
    }
}
