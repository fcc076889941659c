//! Stories: which reports tell the same story, where each one comes from.
//!
//! Claims that are not retracted are joined into stories (union-find) by
//! standing `same-as`, `corroborates` and `derived-from` relations between
//! them and by equal normalised text. `contradicts` joins nothing.
//!
//! A report's origin is the last hop of its chain as it stands, unless:
//!
//! - a counting `misattributed` verdict with non-zero confidence rates it:
//!   the named origin did not say it, so its origin is unknown;
//! - it is `derived-from` another claim (the latest standing such relation
//!   wins): then it has that claim's origin, found by following
//!   `derived-from` links; a cycle of them is cut where the walk first comes
//!   back to a claim, taking the own origin of the last claim before it.
//!
//! An anonymous hop (relation `anonymous`, or a source of kind `anonymous`)
//! as origin makes the origin unknown too. Reports with an unknown origin
//! count as reports but bring the vacuous opinion: no confirmation.

use std::collections::HashMap;
use std::hash::BuildHasherDefault;

use crate::record::{ClaimRelation, Rating};

use super::facts::{Facts, Hop, IdHasher, Ix};
use super::normalize::TextKey;
use super::report::VerdictStatus;
use super::resolve::Standing;

/// Where a report comes from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Origin {
    /// A named source.
    Named(Ix),
    /// Anonymous, or unknown after a misattribution.
    Unknown,
}

/// Stories and origins for every claim.
pub(crate) struct Links {
    /// The claim a claim derives from (the latest standing relation).
    pub derived: Vec<Option<Ix>>,
    /// A counting misattributed verdict rates the claim.
    pub misattributed: Vec<bool>,
    /// Effective origin; `Unknown` for retracted claims too.
    pub origin: Vec<Origin>,
    /// Claims in story order: grouped by story, each story in ledger order,
    /// stories ordered by their first claim. Retracted claims are left out.
    pub members: Vec<Ix>,
    /// For each claim, the range of its story in `members` (start, len);
    /// (0, 0) for a retracted claim.
    pub story: Vec<(u32, u32)>,
}

impl Links {
    pub fn build(f: &Facts, st: &Standing) -> Links {
        let n = f.claims.len();
        let live = |c: Ix| !st.claim_retracted[c as usize];

        let mut misattributed = vec![false; n];
        for (v, fact) in f.verdicts.iter().enumerate() {
            if fact.rating == Rating::Misattributed
                && fact.confidence > 0
                && st.verdict_status(v as Ix) == VerdictStatus::Counts
            {
                misattributed[fact.claim as usize] = true;
            }
        }

        let mut uf = UnionFind::new(n);
        let mut derived = vec![None; n];
        for (r, rel) in f.relations.iter().enumerate() {
            if st.relation_retracted[r] || !live(rel.from) || !live(rel.to) {
                continue;
            }
            match rel.relation {
                ClaimRelation::Contradicts => continue,
                ClaimRelation::DerivedFrom => derived[rel.from as usize] = Some(rel.to),
                ClaimRelation::SameAs | ClaimRelation::Corroborates => {}
            }
            uf.union(rel.from, rel.to);
        }
        // Looked up only: which claim came first decides, not the map.
        let mut by_text: HashMap<TextKey, Ix, BuildHasherDefault<IdHasher>> =
            HashMap::with_capacity_and_hasher(n, BuildHasherDefault::default());
        for c in (0..n as Ix).filter(|&c| live(c)) {
            let first = *by_text.entry(st.text(f, c)).or_insert(c);
            uf.union(first, c);
        }

        let own = |c: Ix| -> Origin {
            if misattributed[c as usize] {
                return Origin::Unknown;
            }
            match st.chain(f, c).last() {
                Some(h) if !st.anonymous(*h) => Origin::Named(h.source),
                _ => Origin::Unknown,
            }
        };
        let mut origin: Vec<Option<Origin>> = vec![None; n];
        let mut on_path = vec![false; n];
        let mut path = Vec::new();
        for c in 0..n as Ix {
            if !live(c) {
                origin[c as usize] = Some(Origin::Unknown);
                continue;
            }
            path.clear();
            let mut cur = c;
            let found = loop {
                if let Some(o) = origin[cur as usize] {
                    break o;
                }
                if on_path[cur as usize] {
                    // A cycle: the last claim walked closed it.
                    break path.last().map_or(Origin::Unknown, |&p| own(p));
                }
                if misattributed[cur as usize] {
                    break Origin::Unknown;
                }
                on_path[cur as usize] = true;
                path.push(cur);
                match derived[cur as usize] {
                    Some(t) => cur = t,
                    None => break own(cur),
                }
            };
            for &p in &path {
                on_path[p as usize] = false;
                origin[p as usize] = Some(found);
            }
            origin[c as usize] = Some(found);
        }
        let origin: Vec<Origin> = origin
            .into_iter()
            .map(|o| o.unwrap_or(Origin::Unknown))
            .collect();

        // Stories: sort live claims by (root, claim). Roots are the smallest
        // claim of each story, so stories come in order of their first claim.
        let mut members: Vec<Ix> = (0..n as Ix).filter(|&c| live(c)).collect();
        let roots: Vec<Ix> = (0..n as Ix).map(|c| uf.find(c)).collect();
        members.sort_by_key(|&c| (roots[c as usize], c));
        let mut story = vec![(0u32, 0u32); n];
        let mut start = 0;
        while start < members.len() {
            let root = roots[members[start] as usize];
            let len = members[start..]
                .iter()
                .take_while(|&&c| roots[c as usize] == root)
                .count();
            for &c in &members[start..start + len] {
                story[c as usize] = (start as u32, len as u32);
            }
            start += len;
        }

        Links {
            derived,
            misattributed,
            origin,
            members,
            story,
        }
    }

    /// The claims of `c`'s story, in ledger order (empty when retracted).
    pub fn story_of(&self, c: Ix) -> &[Ix] {
        let (start, len) = self.story[c as usize];
        &self.members[start as usize..(start + len) as usize]
    }

    /// The hops whose trust discounts claim `c`'s report: the chain before
    /// its origin; all of it when the origin comes through `derived-from`
    /// and is not the chain's own last hop.
    pub fn relays<'a>(&self, f: &'a Facts, st: &Standing, c: Ix) -> &'a [Hop] {
        let chain = st.chain(f, c);
        let k = chain.len().saturating_sub(1);
        let through_derivation = self.derived[c as usize].is_some()
            && matches!(self.origin[c as usize],
                Origin::Named(o) if chain.last().is_none_or(|h| h.source != o));
        if through_derivation {
            chain
        } else {
            &chain[..k]
        }
    }
}

/// Union-find with path halving; the root of a set is its smallest member.
struct UnionFind {
    parent: Vec<Ix>,
}

impl UnionFind {
    fn new(n: usize) -> Self {
        UnionFind {
            parent: (0..n as Ix).collect(),
        }
    }

    fn find(&mut self, mut x: Ix) -> Ix {
        while self.parent[x as usize] != x {
            let p = self.parent[x as usize];
            self.parent[x as usize] = self.parent[p as usize];
            x = self.parent[x as usize];
        }
        x
    }

    fn union(&mut self, a: Ix, b: Ix) {
        let (ra, rb) = (self.find(a), self.find(b));
        let (lo, hi) = if ra < rb { (ra, rb) } else { (rb, ra) };
        self.parent[hi as usize] = lo;
    }
}
