//! Which consumed offsets may be committed under at-least-once delivery.
//!
//! A consumed record may produce any number of output records (none, one event, a DLQ record,
//! several events). Its offset becomes committable once every one of those outputs is
//! acknowledged *and* every earlier offset of the same partition is committable, because a
//! Kafka commit means "everything before this offset is done". Acks arrive out of order
//! across partitions and, after retries, within one; this structure absorbs that.

use std::collections::{HashMap, VecDeque};

/// Identifies one consumed record for the acks of its outputs. `generation` changes each time
/// the partition is (re)assigned, so an ack that arrives after a revoke cannot complete an
/// offset of a later assignment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Token {
    pub partition: i32,
    pub offset: i64,
    pub generation: u64,
}

#[derive(Debug, Default)]
struct Partition {
    generation: u64,
    /// Consumed offsets, ascending, with the number of outputs not yet acknowledged.
    pending: VecDeque<(i64, u32)>,
    /// Next offset to commit (last completed + 1), when it moved since the last `take`.
    committable: Option<i64>,
}

impl Partition {
    fn advance(&mut self) {
        while let Some(&(offset, 0)) = self.pending.front() {
            self.pending.pop_front();
            self.committable = Some(offset + 1);
        }
    }
}

#[derive(Debug, Default)]
pub struct OffsetTracker {
    partitions: HashMap<i32, Partition>,
    next_generation: u64,
    rewinds: u64,
}

impl OffsetTracker {
    pub fn new() -> Self {
        Self::default()
    }

    /// Starts tracking `partition` afresh (a new assignment).
    pub fn assign(&mut self, partition: i32) {
        self.next_generation += 1;
        self.partitions.insert(
            partition,
            Partition {
                generation: self.next_generation,
                ..Partition::default()
            },
        );
    }

    /// Stops tracking `partition`; returns the offset to commit for it, if any moved.
    pub fn revoke(&mut self, partition: i32) -> Option<i64> {
        self.partitions
            .remove(&partition)
            .and_then(|p| p.committable)
    }

    /// Records a consumed offset with the number of outputs sent for it; returns the token
    /// that the acks of those outputs carry. `None` if the partition is not assigned.
    pub fn consumed(&mut self, partition: i32, offset: i64, outputs: u32) -> Option<Token> {
        let p = self.partitions.get_mut(&partition)?;
        if p.pending.back().is_some_and(|&(last, _)| last >= offset) {
            // The consumer went back (an offset reset, a re-fetch after a coordinator hiccup):
            // the records from here on come again. Forget the pending ones (their acks become
            // stale) and track the partition afresh; nothing past `offset` is committed until
            // it is produced again.
            self.next_generation += 1;
            p.generation = self.next_generation;
            p.pending.clear();
            p.committable = None;
            self.rewinds += 1;
        }
        p.pending.push_back((offset, outputs));
        p.advance();
        Some(Token {
            partition,
            offset,
            generation: p.generation,
        })
    }

    /// One output of `token` is acknowledged. Stale tokens (revoked partition) are ignored.
    pub fn acked(&mut self, token: Token) {
        let Some(p) = self.partitions.get_mut(&token.partition) else {
            return;
        };
        if p.generation != token.generation {
            return;
        }
        if let Ok(i) = p.pending.binary_search_by_key(&token.offset, |&(o, _)| o) {
            let outstanding = &mut p.pending[i].1;
            *outstanding = outstanding.saturating_sub(1);
            if i == 0 {
                p.advance();
            }
        }
    }

    /// Offsets (partition, next offset) that moved since the last call.
    pub fn take_committable(&mut self) -> Vec<(i32, i64)> {
        let mut out = Vec::new();
        for (&partition, p) in &mut self.partitions {
            if let Some(offset) = p.committable.take() {
                out.push((partition, offset));
            }
        }
        out.sort_unstable();
        out
    }

    /// A commit of `offset` failed: offer it again with the next `take_committable`, unless a
    /// later offset of the partition is already waiting.
    pub fn retry_commit(&mut self, partition: i32, offset: i64) {
        if let Some(p) = self.partitions.get_mut(&partition) {
            if p.committable.is_none_or(|o| o < offset) {
                p.committable = Some(offset);
            }
        }
    }

    /// Consumed records of `partition` whose outputs are not all acknowledged.
    pub fn pending(&self, partition: i32) -> usize {
        self.partitions
            .get(&partition)
            .map_or(0, |p| p.pending.len())
    }

    pub fn total_pending(&self) -> usize {
        self.partitions.values().map(|p| p.pending.len()).sum()
    }

    /// How many times a partition's offsets went backwards.
    pub fn rewinds(&self) -> u64 {
        self.rewinds
    }

    pub fn is_assigned(&self, partition: i32) -> bool {
        self.partitions.contains_key(&partition)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn offset_waits_for_all_outputs_and_all_earlier_offsets() {
        let mut t = OffsetTracker::new();
        t.assign(0);
        let a = t.consumed(0, 10, 2).unwrap();
        let b = t.consumed(0, 11, 1).unwrap();
        assert!(t.take_committable().is_empty());
        t.acked(b);
        assert!(t.take_committable().is_empty(), "11 done but 10 is not");
        t.acked(a);
        assert!(t.take_committable().is_empty(), "10 has one output left");
        t.acked(a);
        assert_eq!(t.take_committable(), vec![(0, 12)]);
        assert_eq!(t.pending(0), 0);
        assert!(t.take_committable().is_empty(), "taken once");
    }

    #[test]
    fn records_without_outputs_complete_in_order() {
        let mut t = OffsetTracker::new();
        t.assign(3);
        t.consumed(3, 0, 0).unwrap();
        assert_eq!(t.take_committable(), vec![(3, 1)]);
        let x = t.consumed(3, 1, 1).unwrap();
        t.consumed(3, 2, 0).unwrap();
        assert!(t.take_committable().is_empty());
        t.acked(x);
        assert_eq!(t.take_committable(), vec![(3, 3)]);
    }

    #[test]
    fn partitions_are_independent() {
        let mut t = OffsetTracker::new();
        t.assign(0);
        t.assign(1);
        let a = t.consumed(0, 5, 1).unwrap();
        let b = t.consumed(1, 7, 1).unwrap();
        t.acked(b);
        assert_eq!(t.take_committable(), vec![(1, 8)]);
        assert_eq!(t.total_pending(), 1);
        t.acked(a);
        assert_eq!(t.take_committable(), vec![(0, 6)]);
    }

    #[test]
    fn acks_after_revoke_do_not_touch_a_new_assignment() {
        let mut t = OffsetTracker::new();
        t.assign(0);
        let old = t.consumed(0, 1, 1).unwrap();
        assert_eq!(t.revoke(0), None);
        assert_eq!(t.consumed(0, 2, 1), None, "not assigned");
        t.assign(0);
        let new = t.consumed(0, 1, 1).unwrap();
        t.acked(old);
        assert!(t.take_committable().is_empty(), "stale ack ignored");
        t.acked(new);
        assert_eq!(t.take_committable(), vec![(0, 2)]);
    }

    #[test]
    fn a_rewind_starts_the_partition_afresh() {
        let mut t = OffsetTracker::new();
        t.assign(0);
        let a = t.consumed(0, 10, 1).unwrap();
        t.consumed(0, 11, 1).unwrap();
        // The consumer goes back to 10: the first 10 and 11 will never be committed as such.
        let again = t.consumed(0, 10, 1).unwrap();
        assert_eq!(t.rewinds(), 1);
        assert_eq!(t.pending(0), 1);
        t.acked(a);
        assert!(
            t.take_committable().is_empty(),
            "ack of the superseded record ignored"
        );
        t.acked(again);
        assert_eq!(t.take_committable(), vec![(0, 11)]);
    }

    #[test]
    fn revoke_returns_the_last_committable_offset() {
        let mut t = OffsetTracker::new();
        t.assign(2);
        t.consumed(2, 40, 0).unwrap();
        t.consumed(2, 41, 1).unwrap();
        assert_eq!(t.revoke(2), Some(41));
        assert!(!t.is_assigned(2));
    }
}
