//! [`Groups`]: items kept group after group in one vector, with where each
//! group starts, so that a replay of a million entries holds its per-claim,
//! per-story and per-source lists in a few allocations rather than one each.

/// Groups 0, 1, 2, … of items, in the order they were pushed.
pub(crate) struct Groups<T> {
    items: Vec<T>,
    /// `start[g]..start[g + 1]` is group g in `items`; starts with 0.
    start: Vec<u32>,
}

impl<T> Default for Groups<T> {
    fn default() -> Self {
        Groups {
            items: Vec::new(),
            start: vec![0],
        }
    }
}

impl<T> Groups<T> {
    /// Adds an item to the group being built.
    pub fn push(&mut self, item: T) {
        self.items.push(item);
    }

    /// Closes the group being built; the next push starts the next group.
    pub fn close(&mut self) {
        // A replay's tables stop at 2^32 items (see `facts::ix`).
        self.start
            .push(u32::try_from(self.items.len()).unwrap_or(u32::MAX));
    }

    /// Group `g`; empty when there is no such group.
    pub fn get(&self, g: usize) -> &[T] {
        match (self.start.get(g), self.start.get(g + 1)) {
            (Some(&a), Some(&b)) => self.items.get(a as usize..b as usize).unwrap_or(&[]),
            _ => &[],
        }
    }

    /// The last group being built (after the last [`Groups::close`]).
    pub fn open_mut(&mut self) -> &mut [T] {
        let from = self.start.last().map_or(0, |&a| a as usize);
        &mut self.items[from..]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn groups_keep_their_items_and_their_bounds() {
        let mut g = Groups::default();
        g.push(1);
        g.push(2);
        g.close();
        g.close();
        g.push(3);
        g.open_mut().reverse();
        g.close();
        assert_eq!(g.get(0), [1, 2]);
        assert!(g.get(1).is_empty());
        assert_eq!(g.get(2), [3]);
        assert!(g.get(3).is_empty());
    }
}
