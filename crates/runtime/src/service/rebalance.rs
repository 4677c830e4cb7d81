//! The consumer group: what a rebalance does (drain and commit what is revoked, restore and
//! hand over what is assigned) and offset commits. A consumer calls these from inside its
//! `poll`, before the rebalance completes.

use std::collections::HashMap;
use std::time::{Duration, Instant};

use rdkafka::consumer::CommitMode;

use super::clients::{Backend, Consume, Produce};
use super::lock;
use super::processor::Processor;
use super::shared::Shared;
use crate::admin::Condition;
use crate::metrics::ErrorKind;

impl<P: Processor + 'static, B: Backend> Shared<P, B> {
    /// `partitions` are being revoked: finish and commit what is in flight for them, and
    /// tell the processor, before another member can own them.
    pub(crate) fn revoking<C: Consume<Group = B::Group>>(&self, consumer: &C, partitions: &[i32]) {
        tracing::info!(?partitions, "partitions revoked: draining");
        self.drain_and_commit(consumer, partitions);
        lock(&self.processor).revoked(partitions);
        for p in partitions {
            self.metrics.clear_consumer_lag(&self.spec.input, *p);
        }
    }

    /// The rebalance that revoked partitions is under way: not ready until it assigns.
    pub(crate) fn revoked(&self) {
        self.health.set(Condition::Group, false, "rebalancing");
    }

    /// `partitions` are now this member's: track them, restore their state, then hand them
    /// to the processor. A failed restore stops the service (the loop reads `failure`).
    pub(crate) fn assigned<C: Consume>(&self, consumer: &C, partitions: &[i32]) {
        tracing::info!(?partitions, "partitions assigned");
        {
            let mut tracker = lock(&self.tracker);
            for p in partitions {
                tracker.assign(*p);
            }
        }
        if let Err(e) = self.restore(partitions) {
            tracing::error!(error = %e, "state restore failed");
            *lock(&self.failure) = Some(e);
            return;
        }
        if self.spec.changelog.is_some() && !partitions.is_empty() {
            let committed = committed_offsets(consumer, &self.spec.input, partitions);
            let mut processor = lock(&self.processor);
            for p in partitions {
                processor.resumed(*p, committed.get(p).copied());
            }
        }
        lock(&self.processor).assigned(partitions);
        self.health.set(Condition::Group, true, "");
    }

    pub(crate) fn rebalance_failed(&self, error: &dyn std::fmt::Display) {
        tracing::warn!(%error, "rebalance error");
        self.metrics.error(ErrorKind::Broker);
    }

    /// Finishes everything in flight and commits it (partitions being revoked, or shutdown).
    pub(crate) fn drain_and_commit<C: Consume<Group = B::Group>>(
        &self,
        consumer: &C,
        revoked: &[i32],
    ) {
        if self.exactly_once() {
            if let Err(e) = self.commit_transaction(consumer) {
                tracing::warn!(error = %e, "commit of the open transaction failed; aborting it (its records are processed again)");
                self.abort_transaction();
            }
            return;
        }
        // Flushing acknowledges changelog records, which releases held outputs: send those
        // and flush again until nothing is held.
        let deadline = Instant::now() + self.budget();
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            if let Err(e) = self.producer.flush(left) {
                tracing::warn!(error = %e, "flush did not finish: unacknowledged records stay uncommitted and will be consumed again");
                break;
            }
            let released = !lock(&self.holds).ready.is_empty();
            if !released || left.is_zero() || !self.send_released() {
                break;
            }
        }
        // Outputs still held for partitions that leave this instance are not sent: the next
        // owner consumes their records again from the committed offset.
        lock(&self.holds).drop_partitions(revoked);
        let mut offsets = lock(&self.tracker).take_committable();
        {
            let mut tracker = lock(&self.tracker);
            for p in revoked {
                if let Some(o) = tracker.revoke(*p) {
                    offsets.push((*p, o));
                }
            }
        }
        self.commit_offsets(consumer, &offsets, CommitMode::Sync);
    }

    pub(crate) fn commit_offsets<C: Consume>(
        &self,
        consumer: &C,
        offsets: &[(i32, i64)],
        mode: CommitMode,
    ) {
        if offsets.is_empty() {
            return;
        }
        if let Err(e) = consumer.commit(&self.spec.input, offsets, mode) {
            self.metrics.error(ErrorKind::Commit);
            tracing::warn!(error = %e, "offset commit failed");
            // Put them back so the next tick tries again.
            let mut tracker = lock(&self.tracker);
            for &(p, o) in offsets {
                tracker.retry_commit(p, o);
            }
        }
    }
}

/// The group's committed offsets of `partitions` (none when the broker does not answer: a
/// stage then treats the whole restored state as possibly ahead of its output).
pub(crate) fn committed_offsets<C: Consume>(
    consumer: &C,
    topic: &str,
    partitions: &[i32],
) -> HashMap<i32, i64> {
    match consumer.committed(topic, partitions, Duration::from_secs(10)) {
        Ok(committed) => committed
            .into_iter()
            .filter_map(|(p, o)| o.map(|o| (p, o)))
            .collect(),
        Err(e) => {
            tracing::warn!(error = %e, "reading the committed offsets after a restore");
            HashMap::new()
        }
    }
}
