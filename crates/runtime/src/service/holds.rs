//! Outputs held back until the changelog records of their input are acknowledged, and what
//! rides with each produced record to its delivery report.

use std::collections::HashMap;

use super::processor::OutputRecord;
use crate::offsets::Token;

/// Where an output goes, for counting and for the ack bookkeeping.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum OutKind {
    Output,
    DeadLetter,
    Changelog,
}

/// Rides with each produced record to its delivery report.
pub(crate) struct Ack {
    pub(crate) token: Option<Token>,
    pub(crate) kind: OutKind,
    /// The deferred outputs this changelog record releases once acknowledged.
    pub(crate) defer: Option<u64>,
    /// A record the broker refused before, sent again.
    pub(crate) resent: bool,
}

/// Outputs of one input record held back until its changelog records are acknowledged
/// (stages with a changelog, at-least-once): an output is never out before the state that
/// produced it is durable, so a restarted stage never publishes it a second time.
struct Deferred {
    waiting: u32,
    token: Option<Token>,
    outputs: Vec<(OutputRecord, OutKind)>,
}

/// Deferred outputs by id, and those released, in release order, for the loop to send.
#[derive(Default)]
pub(crate) struct Holds {
    next: u64,
    waiting: HashMap<u64, Deferred>,
    pub(crate) ready: Vec<(OutputRecord, OutKind, Option<Token>)>,
}

impl Holds {
    pub(crate) fn hold(
        &mut self,
        waiting: u32,
        token: Option<Token>,
        outputs: Vec<(OutputRecord, OutKind)>,
    ) -> u64 {
        self.next += 1;
        self.waiting.insert(
            self.next,
            Deferred {
                waiting,
                token,
                outputs,
            },
        );
        self.next
    }

    pub(crate) fn release(&mut self, id: u64) {
        let Some(d) = self.waiting.get_mut(&id) else {
            return;
        };
        d.waiting = d.waiting.saturating_sub(1);
        if d.waiting == 0 {
            let d = self.waiting.remove(&id).expect("present");
            let token = d.token;
            self.ready
                .extend(d.outputs.into_iter().map(|(o, k)| (o, k, token)));
        }
    }

    pub(crate) fn drop_partitions(&mut self, partitions: &[i32]) {
        let gone = |t: &Option<Token>| t.is_some_and(|t| partitions.contains(&t.partition));
        self.waiting.retain(|_, d| !gone(&d.token));
        self.ready.retain(|(_, _, t)| !gone(t));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;

    fn out(name: &str) -> (OutputRecord, OutKind) {
        let topic: Arc<str> = Arc::from("events");
        (
            OutputRecord::new(topic, None, name.as_bytes().to_vec()),
            OutKind::Output,
        )
    }

    fn token(partition: i32, offset: i64) -> Option<Token> {
        Some(Token {
            partition,
            offset,
            generation: 1,
        })
    }

    fn names(h: &Holds) -> Vec<String> {
        h.ready
            .iter()
            .map(|(o, _, _)| String::from_utf8(o.payload.clone().unwrap()).unwrap())
            .collect()
    }

    #[test]
    fn outputs_wait_for_every_changelog_record_of_their_input_and_leave_in_release_order() {
        let mut h = Holds::default();
        let a = h.hold(2, token(0, 1), vec![out("a1"), out("a2")]);
        let b = h.hold(1, token(0, 2), vec![out("b")]);
        h.release(a);
        assert!(
            h.ready.is_empty(),
            "one of a's two changelog records is still unacknowledged"
        );
        h.release(b);
        h.release(a);
        assert_eq!(names(&h), ["b", "a1", "a2"]);
        h.release(a);
        assert_eq!(h.ready.len(), 3, "a stale release changes nothing");
    }

    #[test]
    fn outputs_held_for_a_revoked_partition_are_never_sent() {
        let mut h = Holds::default();
        let a = h.hold(1, token(0, 1), vec![out("p0")]);
        h.hold(1, token(1, 1), vec![out("p1")]);
        h.release(a);
        h.drop_partitions(&[0, 1]);
        assert!(h.ready.is_empty() && h.waiting.is_empty());
    }
}
