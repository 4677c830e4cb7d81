//! State restore: a stage with a changelog replays changelog partition p into its processor
//! when input partition p is assigned, before any input record of p.

use std::collections::HashSet;
use std::time::{Duration, Instant};

use super::clients::{Backend, ReadChangelog, Replayed};
use super::lock;
use super::processor::Processor;
use super::shared::Shared;
use super::ServiceError;
use crate::admin::Condition;
use crate::metrics::ErrorKind;

impl<P: Processor + 'static, B: Backend> Shared<P, B> {
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
        let mut reader = self.backend.changelog(changelog, partitions)?;
        let mut remaining: HashSet<i32> = partitions.iter().copied().collect();
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
            let polled = reader.poll(Duration::from_millis(200), |r| match r {
                Replayed::End(p) => {
                    remaining.remove(&p);
                }
                Replayed::Error(e) => {
                    self.metrics.error(ErrorKind::State);
                    tracing::warn!(error = %e, "reading the changelog; retrying");
                }
                Replayed::Record {
                    partition,
                    offset,
                    key,
                    value,
                } => {
                    last_progress = Instant::now();
                    records += 1;
                    if let Err(message) = processor.restore(partition, key, value) {
                        // A record this version cannot read: skip it rather than refuse to
                        // start; the event it held is rebuilt by its next report.
                        self.metrics.error(ErrorKind::State);
                        tracing::warn!(partition, offset, %message, "skipping changelog record");
                    }
                }
            });
            if polled.is_none() && last_progress.elapsed() > Duration::from_secs(120) {
                return Err(ServiceError::Restore {
                    partition: *remaining.iter().next().unwrap_or(&-1),
                    message: "no progress for 120 s".into(),
                });
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
