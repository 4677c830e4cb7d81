//! The consumer group: rebalance callbacks (drain and commit what is revoked, restore and
//! hand over what is assigned) and offset commits.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

use rdkafka::consumer::{BaseConsumer, CommitMode, Consumer, ConsumerContext, Rebalance};
use rdkafka::error::{KafkaError, KafkaResult, RDKafkaErrorCode};
use rdkafka::producer::Producer;
use rdkafka::{ClientContext, Offset, TopicPartitionList};

use super::lock;
use super::processor::Processor;
use super::shared::Shared;
use crate::admin::Condition;
use crate::kafka::ServiceContext;
use crate::metrics::ErrorKind;

pub(crate) struct ConsumerCtx<P: Processor + 'static> {
    pub(crate) svc: ServiceContext,
    pub(crate) shared: Arc<Shared<P>>,
}

impl<P: Processor + 'static> ClientContext for ConsumerCtx<P> {
    fn stats_raw(&self, statistics: &[u8]) {
        self.svc.stats_raw(statistics)
    }
    fn error(&self, error: KafkaError, reason: &str) {
        self.svc.error(error, reason)
    }
    fn log(&self, level: rdkafka::config::RDKafkaLogLevel, fac: &str, log_message: &str) {
        self.svc.log(level, fac, log_message)
    }
}

impl<P: Processor + 'static> ConsumerContext for ConsumerCtx<P> {
    fn pre_rebalance(&self, consumer: &BaseConsumer<Self>, rebalance: &Rebalance<'_>) {
        if let Rebalance::Revoke(tpl) = rebalance {
            let partitions = partitions_of(tpl, &self.shared.spec.input);
            tracing::info!(?partitions, "partitions revoked: draining");
            self.shared.drain_and_commit(consumer, &partitions);
            lock(&self.shared.processor).revoked(&partitions);
            for p in &partitions {
                self.shared
                    .metrics
                    .clear_consumer_lag(&self.shared.spec.input, *p);
            }
        }
    }

    fn post_rebalance(&self, consumer: &BaseConsumer<Self>, rebalance: &Rebalance<'_>) {
        match rebalance {
            Rebalance::Assign(tpl) => {
                let partitions = partitions_of(tpl, &self.shared.spec.input);
                tracing::info!(?partitions, "partitions assigned");
                {
                    let mut tracker = lock(&self.shared.tracker);
                    for p in &partitions {
                        tracker.assign(*p);
                    }
                }
                if let Err(e) = self.shared.restore(&partitions) {
                    tracing::error!(error = %e, "state restore failed");
                    *lock(&self.shared.failure) = Some(e);
                    return;
                }
                if self.shared.spec.changelog.is_some() && !partitions.is_empty() {
                    let committed = committed_offsets(consumer, tpl, &self.shared.spec.input);
                    let mut processor = lock(&self.shared.processor);
                    for p in &partitions {
                        processor.resumed(*p, committed.get(p).copied());
                    }
                }
                lock(&self.shared.processor).assigned(&partitions);
                self.shared.health.set(Condition::Group, true, "");
            }
            Rebalance::Revoke(_) => {
                self.shared
                    .health
                    .set(Condition::Group, false, "rebalancing");
            }
            Rebalance::Error(e) => {
                tracing::warn!(error = %e, "rebalance error");
                self.shared.metrics.error(ErrorKind::Broker);
            }
        }
    }

    fn commit_callback(&self, result: KafkaResult<()>, _offsets: &TopicPartitionList) {
        if let Err(e) = result {
            // Async commits: the next one carries later offsets of the same partitions.
            if !matches!(e.rdkafka_error_code(), Some(RDKafkaErrorCode::NoOffset)) {
                self.shared.metrics.error(ErrorKind::Commit);
                tracing::warn!(error = %e, "offset commit failed; retried with the next one");
            }
        }
    }
}

/// The group's committed offsets of `topic`'s partitions in `tpl` (none when the broker does
/// not answer: a stage then treats the whole restored state as possibly ahead of its output).
pub(crate) fn committed_offsets<C: ConsumerContext>(
    consumer: &BaseConsumer<C>,
    tpl: &TopicPartitionList,
    topic: &str,
) -> HashMap<i32, i64> {
    let mut out = HashMap::new();
    match consumer.committed_offsets(tpl.clone(), Duration::from_secs(10)) {
        Ok(committed) => {
            for e in committed.elements() {
                if let (true, Offset::Offset(o)) = (e.topic() == topic, e.offset()) {
                    out.insert(e.partition(), o);
                }
            }
        }
        Err(e) => tracing::warn!(error = %e, "reading the committed offsets after a restore"),
    }
    out
}

pub(crate) fn partitions_of(tpl: &TopicPartitionList, topic: &str) -> Vec<i32> {
    let mut v: Vec<i32> = tpl
        .elements()
        .iter()
        .filter(|e| e.topic() == topic)
        .map(|e| e.partition())
        .collect();
    v.sort_unstable();
    v
}

impl<P: Processor + 'static> Shared<P> {
    /// Finishes everything in flight and commits it (partitions being revoked, or shutdown).
    pub(crate) fn drain_and_commit(
        &self,
        consumer: &BaseConsumer<ConsumerCtx<P>>,
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

    pub(crate) fn commit_offsets(
        &self,
        consumer: &BaseConsumer<ConsumerCtx<P>>,
        offsets: &[(i32, i64)],
        mode: CommitMode,
    ) {
        if offsets.is_empty() {
            return;
        }
        let mut tpl = TopicPartitionList::new();
        for &(p, o) in offsets {
            if tpl
                .add_partition_offset(&self.spec.input, p, Offset::Offset(o))
                .is_err()
            {
                continue;
            }
        }
        if let Err(e) = consumer.commit(&tpl, mode) {
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
