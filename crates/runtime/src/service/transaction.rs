//! Exactly-once delivery: one transaction holds a stretch of outputs and the input offsets
//! that produced them; a failed commit aborts it and replays from the committed offsets.

use std::collections::HashMap;
use std::time::{Duration, Instant};

use rdkafka::error::{KafkaError, RDKafkaErrorCode};
use rdkafka::Offset;

use super::clients::{Backend, Consume, Produce};
use super::processor::Processor;
use super::shared::Shared;
use super::{lock, ServiceError, ServiceSpec};
use crate::config::Config;
use crate::metrics::ErrorKind;
use crate::shutdown::Shutdown;

/// The open transaction (exactly-once): next offsets consumed in it, per partition.
#[derive(Default)]
pub(crate) struct Txn {
    pub(crate) open: bool,
    /// A record's outputs could not all be sent: abort instead of committing.
    pub(crate) poisoned: bool,
    pub(crate) offsets: HashMap<i32, i64>,
    pub(crate) started: Option<Instant>,
}

impl<P: Processor + 'static, B: Backend> Shared<P, B> {
    pub(crate) fn begin_transaction(&self) -> Result<(), ServiceError> {
        let mut txn = lock(&self.txn);
        if !txn.open {
            self.producer
                .begin_transaction()
                .map_err(|e| ServiceError::Transaction(e.to_string()))?;
            txn.open = true;
            txn.started = Some(Instant::now());
        }
        Ok(())
    }

    pub(crate) fn commit_transaction<C: Consume<Group = B::Group>>(
        &self,
        consumer: &C,
    ) -> Result<(), KafkaError> {
        let mut txn = lock(&self.txn);
        if !txn.open {
            return Ok(());
        }
        if txn.poisoned {
            // Not a broker error: recover_transaction aborts and replays.
            return Err(KafkaError::Canceled);
        }
        let timeout = self.budget();
        if !txn.offsets.is_empty() {
            let offsets: Vec<(i32, i64)> = txn.offsets.iter().map(|(&p, &o)| (p, o)).collect();
            let meta = consumer
                .group_metadata()
                .ok_or(KafkaError::MetadataFetch(RDKafkaErrorCode::InvalidGroupId))?;
            self.producer.send_offsets_to_transaction(
                &self.spec.input,
                &offsets,
                &meta,
                timeout,
            )?;
        }
        self.producer.commit_transaction(timeout)?;
        txn.open = false;
        txn.offsets.clear();
        txn.started = None;
        Ok(())
    }

    pub(crate) fn abort_transaction(&self) {
        let mut txn = lock(&self.txn);
        if txn.open {
            if let Err(e) = self.producer.abort_transaction(self.budget()) {
                tracing::error!(error = %e, "aborting the transaction failed");
            }
        }
        txn.open = false;
        txn.poisoned = false;
        txn.offsets.clear();
        txn.started = None;
    }
}

/// Decides what a failed transaction commit means: abort and replay, or stop.
pub(crate) fn recover_transaction<P: Processor + 'static, B: Backend, C: Consume>(
    shared: &Shared<P, B>,
    consumer: &C,
    error: KafkaError,
) -> Result<(), ServiceError> {
    if error.rdkafka_error_code() == Some(RDKafkaErrorCode::UnsupportedFeature) {
        return Err(ServiceError::Unsupported(error.to_string()));
    }
    if let KafkaError::Transaction(e) = &error {
        if e.code() == RDKafkaErrorCode::UnsupportedFeature {
            return Err(ServiceError::Unsupported(e.to_string()));
        }
        if e.is_fatal() {
            return Err(ServiceError::Transaction(e.to_string()));
        }
        if e.is_retriable() && !e.txn_requires_abort() {
            tracing::warn!(error = %e, "transaction commit; retrying");
            return Ok(());
        }
    }
    shared.metrics.error(ErrorKind::Commit);
    tracing::warn!(%error, "transaction aborted; replaying from the last committed offsets");
    shared.abort_transaction();
    // The processor's state saw the aborted records: rebuild it from the committed changelog
    // and consume again from the committed offsets.
    let input = &shared.spec.input;
    let assigned = consumer.assignment(input).unwrap_or_default();
    lock(&shared.processor).revoked(&assigned);
    shared.restore(&assigned)?;
    lock(&shared.processor).assigned(&assigned);
    let timeout = Duration::from_secs(10);
    for (p, committed) in consumer.committed(input, &assigned, timeout)? {
        let offset = committed.map_or(Offset::Beginning, Offset::Offset);
        consumer.seek(input, p, offset, timeout)?;
    }
    Ok(())
}

/// Refuses exactly-once at start when the broker lacks EndTxn (tansu 0.6 routes every other
/// transactional request but not that one: a transaction could never commit, and the service
/// would consume, produce invisible records and stall).
pub(crate) fn check_transactions_supported(cfg: &Config) -> Result<(), ServiceError> {
    if !cfg
        .kafka
        .security_protocol
        .eq_ignore_ascii_case("plaintext")
    {
        return Ok(());
    }
    let mut last_error = None;
    for broker in cfg
        .kafka
        .brokers
        .split(',')
        .map(str::trim)
        .filter(|b| !b.is_empty())
    {
        match crate::kafka::broker_api_versions(broker, Duration::from_secs(5)) {
            Ok(apis) if apis.contains_key(&crate::kafka::API_END_TXN) => return Ok(()),
            Ok(_) => {
                return Err(ServiceError::Unsupported(format!(
                    "the broker at {broker} does not implement EndTxn (Kafka API 26), so no \
                     transaction can commit; use delivery = \"at_least_once\" (dedup makes \
                     redelivery invisible downstream)"
                )))
            }
            Err(e) => last_error = Some(format!("{broker}: {e}")),
        }
    }
    // Unreachable now: librdkafka retries and the first commit reports the problem.
    if let Some(e) = last_error {
        tracing::warn!(error = %e, "could not probe the broker for transaction support");
    }
    Ok(())
}

pub(crate) fn is_fatal(e: &KafkaError) -> bool {
    match e {
        KafkaError::Transaction(t) => t.is_fatal(),
        _ => false,
    }
}

/// Stable per instance, so that a restarted instance fences its crashed predecessor and aborts
/// its open transaction at once instead of leaving read_committed consumers waiting for the
/// transaction timeout. `kafka.properties."transactional.id"` overrides it.
pub(crate) fn transactional_id(cfg: &Config, spec: &ServiceSpec) -> String {
    let host = std::fs::read_to_string("/proc/sys/kernel/hostname")
        .map(|h| h.trim().to_owned())
        .unwrap_or_else(|_| "localhost".into());
    format!("{}-{}-{}", cfg.kafka.group_id, spec.input, host)
}

/// Registers the transactional id with the coordinator (fencing a crashed predecessor),
/// retrying while the broker is unreachable; `false` when shutdown came first.
pub(crate) fn init_transactions(
    producer: &impl Produce,
    shutdown: &Shutdown,
) -> Result<bool, ServiceError> {
    let mut backoff = Duration::from_millis(250);
    loop {
        match producer.init_transactions(Duration::from_secs(30)) {
            Ok(()) => return Ok(true),
            Err(e) if !is_fatal(&e) => {
                tracing::warn!(error = %e, retry_in = ?backoff, "init_transactions; retrying");
                if shutdown.wait_timeout(backoff) {
                    return Ok(false);
                }
                backoff = (backoff * 2).min(Duration::from_secs(10));
            }
            Err(e) => return Err(ServiceError::Transaction(e.to_string())),
        }
    }
}
