//! State restore: a stage with a changelog replays changelog partition p into its processor
//! when input partition p is assigned, before any input record of p.

use std::time::{Duration, Instant};

use rdkafka::consumer::{BaseConsumer, Consumer};
use rdkafka::error::KafkaError;
use rdkafka::message::Message;
use rdkafka::{Offset, TopicPartitionList};

use super::processor::Processor;
use super::shared::Shared;
use super::{lock, ServiceError};
use crate::admin::Condition;
use crate::kafka::{client_config, ServiceContext};
use crate::metrics::ErrorKind;

impl<P: Processor + 'static> Shared<P> {
    /// Replays the changelog partitions mirroring `partitions` into the processor.
    pub(crate) fn restore(&self, partitions: &[i32]) -> Result<(), ServiceError> {
        let Some(changelog) = &self.spec.changelog else {
            return Ok(());
        };
        if partitions.is_empty() {
            return Ok(());
        }
        self.health.set(
            Condition::Processor,
            false,
            "restoring state from the changelog",
        );
        let started = Instant::now();
        let mut cfg = client_config(&self.cfg.kafka);
        cfg.set("group.id", format!("{}-restore", self.cfg.kafka.group_id))
            .set("enable.auto.commit", "false")
            .set("enable.partition.eof", "true")
            .set("isolation.level", "read_committed")
            .set("auto.offset.reset", "earliest");
        // The service's context: librdkafka's partition-EOF notices are expected here, not
        // errors worth a log line.
        let consumer: BaseConsumer<ServiceContext> = cfg.create_with_context(
            ServiceContext::new(self.metrics.clone(), self.health.clone()),
        )?;
        let mut tpl = TopicPartitionList::new();
        for &p in partitions {
            tpl.add_partition_offset(changelog, p, Offset::Beginning)?;
        }
        consumer.assign(&tpl)?;
        let mut remaining: std::collections::HashSet<i32> = partitions.iter().copied().collect();
        let mut records = 0u64;
        let mut last_progress = Instant::now();
        let mut processor = lock(&self.processor);
        while !remaining.is_empty() {
            if self.shutdown.is_triggered() {
                return Err(ServiceError::Restore {
                    partition: *remaining.iter().next().unwrap_or(&-1),
                    message: "shut down during restore".into(),
                });
            }
            match consumer.poll(Duration::from_millis(200)) {
                None => {
                    if last_progress.elapsed() > Duration::from_secs(120) {
                        return Err(ServiceError::Restore {
                            partition: *remaining.iter().next().unwrap_or(&-1),
                            message: "no progress for 120 s".into(),
                        });
                    }
                }
                Some(Err(KafkaError::PartitionEOF(p))) => {
                    remaining.remove(&p);
                }
                Some(Err(e)) => {
                    self.metrics.error(ErrorKind::State);
                    tracing::warn!(error = %e, "reading the changelog; retrying");
                }
                Some(Ok(m)) => {
                    last_progress = Instant::now();
                    records += 1;
                    let key = m.key().unwrap_or_default();
                    if let Err(message) = processor.restore(m.partition(), key, m.payload()) {
                        // A record this version cannot read: skip it rather than refuse to
                        // start; the event it held is rebuilt by its next report.
                        self.metrics.error(ErrorKind::State);
                        tracing::warn!(partition = m.partition(), offset = m.offset(), %message, "skipping changelog record");
                    }
                }
            }
        }
        let took = started.elapsed();
        self.metrics.state_restored(took);
        tracing::info!(
            ?partitions,
            records,
            took_ms = took.as_millis() as u64,
            "state restored"
        );
        self.health.set(Condition::Processor, true, "");
        Ok(())
    }
}
