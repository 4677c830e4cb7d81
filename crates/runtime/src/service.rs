//! The stage loop: consume -> process -> produce, with the delivery guarantees of SPEC §4.
//!
//! One synchronous loop per service owns the consumer and calls the stage's [`Processor`];
//! a threaded producer sends its outputs. Under at-least-once delivery a consumed offset is
//! committed only once every record produced from it, and every earlier offset of its
//! partition, is acknowledged ([`OffsetTracker`]); partitions being revoked are drained (producer
//! flushed) and committed inside the rebalance callback, before another member can own them.
//! Under exactly-once the outputs and the consumed offsets commit in one Kafka transaction.
//!
//! Stateful stages (dedup) keep their state in a changelog topic whose partition p mirrors input
//! partition p; when p is assigned, the loop replays changelog p into the processor before any
//! input record of p is processed.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use rdkafka::consumer::{BaseConsumer, CommitMode, Consumer, ConsumerContext, Rebalance};
use rdkafka::error::{KafkaError, KafkaResult, RDKafkaErrorCode};
use rdkafka::message::{Header, Headers, Message, OwnedHeaders, OwnedMessage};
use rdkafka::producer::{BaseRecord, DeliveryResult, Producer, ProducerContext, ThreadedProducer};
use rdkafka::{ClientContext, Offset, TopicPartitionList};

use crate::admin::{AdminServer, Condition, Health};
use crate::config::{Config, Delivery, Stage};
use crate::dead_letter::{dead_letter, truncated};
use crate::kafka::{client_config, ensure_topics, KafkaSetupError, ServiceContext, TopicSpec};
use crate::metrics::{ErrorKind, Metrics};
use crate::offsets::{OffsetTracker, Token};
use crate::shutdown::Shutdown;
use crate::watchdog::{Progress, ProgressWatch};

/// Header names of a dead-letter record (SPEC §4), plus where it came from.
pub const HEADER_STAGE: &str = "dragoman.error.stage";
pub const HEADER_REASON: &str = "dragoman.error.reason";
pub const HEADER_MESSAGE: &str = "dragoman.error.message";
pub const HEADER_SOURCE_TOPIC: &str = "dragoman.source.topic";
pub const HEADER_SOURCE_PARTITION: &str = "dragoman.source.partition";
pub const HEADER_SOURCE_OFFSET: &str = "dragoman.source.offset";

/// A consumed record, borrowed from the consumer's buffer.
#[derive(Debug, Clone, Copy)]
pub struct InputRecord<'a> {
    pub topic: &'a str,
    pub partition: i32,
    pub offset: i64,
    pub key: Option<&'a [u8]>,
    /// `None` for a tombstone.
    pub payload: Option<&'a [u8]>,
    /// Milliseconds since the epoch (create or log-append time), when the broker gave one.
    pub timestamp_ms: Option<i64>,
}

/// A record to produce.
#[derive(Debug, Clone)]
pub struct OutputRecord {
    pub topic: Arc<str>,
    pub key: Option<Vec<u8>>,
    /// `None` produces a tombstone (a changelog deletion).
    pub payload: Option<Vec<u8>>,
    /// `None` lets the partitioner hash the key.
    pub partition: Option<i32>,
    pub headers: Vec<(&'static str, Vec<u8>)>,
}

impl OutputRecord {
    pub fn new(topic: Arc<str>, key: Option<Vec<u8>>, payload: Vec<u8>) -> Self {
        OutputRecord {
            topic,
            key,
            payload: Some(payload),
            partition: None,
            headers: Vec::new(),
        }
    }
}

/// What a processor decided for one input record.
#[derive(Debug)]
pub enum Verdict {
    /// Produce these records (possibly none: the input yielded nothing, and is done).
    Produce(Vec<OutputRecord>),
    /// The input is not valid: send its original bytes to `<input>.dlq` with this reason (a
    /// closed set, see `metrics::DLQ_REASONS`) and a human-readable message.
    DeadLetter {
        reason: &'static str,
        message: String,
    },
}

/// The work of one stage. Knows nothing of Kafka beyond partitions.
pub trait Processor: Send {
    fn process(&mut self, record: &InputRecord<'_>) -> Verdict;

    /// Partitions now owned by this instance (after their state is restored: see `restore`).
    fn assigned(&mut self, _partitions: &[i32]) {}

    /// Partitions no longer owned: drop their state.
    fn revoked(&mut self, _partitions: &[i32]) {}

    /// A stage with a changelog: `partition`'s state is restored and consumption resumes at
    /// `committed` (the group's committed offset; `None` when it has none). State written for
    /// input records at or after it may describe outputs that were never sent: under
    /// at-least-once delivery a record's outputs go out only after its changelog records are
    /// acknowledged, so a crash between the two leaves the changelog ahead of the output.
    fn resumed(&mut self, _partition: i32, _committed: Option<i64>) {}

    /// One changelog record of `partition`, replayed in order before the partition's first
    /// input record. `value` is `None` for a deletion.
    fn restore(
        &mut self,
        _partition: i32,
        _key: &[u8],
        _value: Option<&[u8]>,
    ) -> Result<(), String> {
        Ok(())
    }
}

/// What a service reads and writes.
#[derive(Debug, Clone)]
pub struct ServiceSpec {
    pub stage: Stage,
    pub input: String,
    /// Topics the processor produces to (created at start if missing).
    pub outputs: Vec<String>,
    /// Changelog of the processor's state, if it has one.
    pub changelog: Option<String>,
}

#[derive(Debug, thiserror::Error)]
pub enum ServiceError {
    #[error(transparent)]
    Setup(#[from] KafkaSetupError),
    #[error("kafka: {0}")]
    Kafka(#[from] KafkaError),
    #[error("admin server on {addr}: {source}")]
    Admin {
        addr: std::net::SocketAddr,
        source: std::io::Error,
    },
    #[error("loading the processor: {0}")]
    Processor(String),
    #[error("restoring state of partition {partition}: {message}")]
    Restore { partition: i32, message: String },
    #[error("delivery = \"exactly_once\" cannot work with this broker: {0}")]
    Unsupported(String),
    #[error("transaction failed fatally: {0}")]
    Transaction(String),
    #[error("the producer cannot go on: {0}; exiting so that the service is restarted")]
    Producer(String),
    #[error("stalled: {0}; exiting so that the service is restarted")]
    Stalled(String),
    #[error("runtime: {0}")]
    Io(#[from] std::io::Error),
}

/// Where an output goes, for counting and for the ack bookkeeping.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum OutKind {
    Output,
    DeadLetter,
    Changelog,
}

/// Rides with each produced record to its delivery report.
struct Ack {
    token: Option<Token>,
    kind: OutKind,
    /// The deferred outputs this changelog record releases once acknowledged.
    defer: Option<u64>,
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
struct Holds {
    next: u64,
    waiting: HashMap<u64, Deferred>,
    ready: Vec<(OutputRecord, OutKind, Option<Token>)>,
}

impl Holds {
    fn hold(
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

    fn release(&mut self, id: u64) {
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

    fn drop_partitions(&mut self, partitions: &[i32]) {
        let gone = |t: &Option<Token>| t.is_some_and(|t| partitions.contains(&t.partition));
        self.waiting.retain(|_, d| !gone(&d.token));
        self.ready.retain(|(_, _, t)| !gone(t));
    }
}

/// A record whose delivery failed for good (librdkafka gave up): sent again by the loop, so
/// that its input offset is never committed without it.
struct Retry {
    message: OwnedMessage,
    ack: Box<Ack>,
    error: KafkaError,
}

/// Sends of one record the broker refused before the service gives up and exits (so that an
/// orchestrator restarts it, and the record is consumed again) instead of retrying forever.
const MAX_RESENDS: u32 = 5;

/// A reason the producer cannot go on, set from librdkafka's callbacks, read by the loop.
type Fatal = Arc<Mutex<Option<String>>>;

struct ProducerCtx {
    svc: ServiceContext,
    tracker: Arc<Mutex<OffsetTracker>>,
    retries: Arc<Mutex<Vec<Retry>>>,
    exactly_once: bool,
    fatal: Fatal,
    holds: Arc<Mutex<Holds>>,
}

/// The producer refused `error` because of the record's size: it will never take it whole.
fn too_large(error: &KafkaError) -> bool {
    matches!(
        error.rdkafka_error_code(),
        Some(RDKafkaErrorCode::MessageSizeTooLarge | RDKafkaErrorCode::InvalidMessageSize)
    )
}

fn is_fatal_code(error: &KafkaError) -> bool {
    error.rdkafka_error_code() == Some(RDKafkaErrorCode::Fatal)
}

/// What became of a send.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Sent {
    Queued,
    /// Shutdown interrupted the wait for room in the queue: not sent.
    Interrupted,
    /// Too large for the producer: send a truncated dead letter instead.
    TooLarge,
    /// The producer failed for good (the loop reads why from `fatal`).
    Failed,
}

impl ClientContext for ProducerCtx {
    fn stats_raw(&self, statistics: &[u8]) {
        self.svc.stats_raw(statistics)
    }
    fn error(&self, error: KafkaError, reason: &str) {
        if is_fatal_code(&error) {
            // An idempotent producer fenced or out of sequence (a broker that lost its
            // producer state): every later send fails, so the loop stops the service.
            lock(&self.fatal).get_or_insert_with(|| format!("{error}: {reason}"));
        }
        self.svc.error(error, reason)
    }
    fn log(&self, level: rdkafka::config::RDKafkaLogLevel, fac: &str, log_message: &str) {
        self.svc.log(level, fac, log_message)
    }
}

impl ProducerContext for ProducerCtx {
    type DeliveryOpaque = Box<Ack>;

    fn delivery(&self, result: &DeliveryResult<'_>, ack: Box<Ack>) {
        match result {
            Ok(_) => {
                self.svc.broker_up();
                if ack.kind == OutKind::Output {
                    self.svc.metrics().records_out.inc();
                }
                if let Some(id) = ack.defer {
                    lock(&self.holds).release(id);
                }
                if let Some(token) = ack.token {
                    lock(&self.tracker).acked(token);
                }
            }
            Err((error, message)) => {
                self.svc.metrics().error(ErrorKind::Produce);
                if is_fatal_code(error) {
                    lock(&self.fatal).get_or_insert_with(|| error.to_string());
                }
                if self.exactly_once {
                    // The transaction cannot commit now; the loop aborts and replays it.
                    tracing::warn!(%error, "delivery failed inside a transaction");
                    return;
                }
                tracing::warn!(%error, topic = message.topic(), "delivery failed; will send again");
                lock(&self.retries).push(Retry {
                    message: message.detach(),
                    ack,
                    error: error.clone(),
                });
            }
        }
    }
}

type Prod = ThreadedProducer<ProducerCtx>;

/// State shared by the loop and the consumer's rebalance callbacks (which run inside
/// `poll` on the loop's own thread, so the locks are never contended).
struct Shared<P> {
    cfg: Config,
    spec: ServiceSpec,
    metrics: Arc<Metrics>,
    health: Arc<Health>,
    shutdown: Shutdown,
    processor: Mutex<P>,
    producer: Prod,
    tracker: Arc<Mutex<OffsetTracker>>,
    txn: Mutex<Txn>,
    /// Set by a rebalance callback that failed in a way the loop must act on.
    failure: Mutex<Option<ServiceError>>,
    /// Set when the producer cannot go on.
    fatal: Fatal,
    holds: Arc<Mutex<Holds>>,
}

/// The open transaction (exactly-once): next offsets consumed in it, per partition.
#[derive(Default)]
struct Txn {
    open: bool,
    /// A record's outputs could not all be sent: abort instead of committing.
    poisoned: bool,
    offsets: HashMap<i32, i64>,
    started: Option<Instant>,
}

struct ConsumerCtx<P: Processor + 'static> {
    svc: ServiceContext,
    shared: Arc<Shared<P>>,
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
fn committed_offsets<C: ConsumerContext>(
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

fn partitions_of(tpl: &TopicPartitionList, topic: &str) -> Vec<i32> {
    let mut v: Vec<i32> = tpl
        .elements()
        .iter()
        .filter(|e| e.topic() == topic)
        .map(|e| e.partition())
        .collect();
    v.sort_unstable();
    v
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    // A panic while holding one of these locks ends the process anyway; recovering the guard
    // keeps the shutdown path working during unwinding.
    m.lock().unwrap_or_else(|e| e.into_inner())
}

impl<P: Processor + 'static> Shared<P> {
    fn exactly_once(&self) -> bool {
        self.cfg.delivery == Delivery::ExactlyOnce
    }

    /// Remaining time of the grace period, or the whole period when not shutting down.
    fn budget(&self) -> Duration {
        let grace = self.cfg.grace();
        match self.shutdown.requested_at() {
            // Keep a second for the commit and the close after the flush.
            Some(at) => grace
                .saturating_sub(at.elapsed())
                .saturating_sub(Duration::from_secs(1))
                .max(Duration::from_millis(100)),
            None => grace,
        }
    }

    /// Finishes everything in flight and commits it (partitions being revoked, or shutdown).
    fn drain_and_commit(&self, consumer: &BaseConsumer<ConsumerCtx<P>>, revoked: &[i32]) {
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

    fn commit_offsets(
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

    fn begin_transaction(&self) -> Result<(), ServiceError> {
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

    fn commit_transaction(
        &self,
        consumer: &BaseConsumer<ConsumerCtx<P>>,
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
            let mut tpl = TopicPartitionList::new();
            for (&p, &o) in &txn.offsets {
                tpl.add_partition_offset(&self.spec.input, p, Offset::Offset(o))?;
            }
            let meta = consumer
                .group_metadata()
                .ok_or(KafkaError::MetadataFetch(RDKafkaErrorCode::InvalidGroupId))?;
            self.producer
                .send_offsets_to_transaction(&tpl, &meta, timeout)?;
        }
        self.producer.commit_transaction(timeout)?;
        txn.open = false;
        txn.offsets.clear();
        txn.started = None;
        Ok(())
    }

    fn abort_transaction(&self) {
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

    /// Replays the changelog partitions mirroring `partitions` into the processor.
    fn restore(&self, partitions: &[i32]) -> Result<(), ServiceError> {
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
        self.metrics
            .dedup_state_restore_seconds
            .set(took.as_secs_f64());
        tracing::info!(
            ?partitions,
            records,
            took_ms = took.as_millis() as u64,
            "state restored"
        );
        self.health.set(Condition::Processor, true, "");
        Ok(())
    }

    /// Sends one output; one too large for the producer goes to the dead-letter topic `dlq`
    /// truncated instead (the dead letter of `input` when there is one, else the output):
    /// never retried forever.
    fn send_output(
        &self,
        out: &OutputRecord,
        kind: OutKind,
        token: Option<Token>,
        defer: Option<u64>,
        dlq: &Arc<str>,
        input: Option<&InputRecord<'_>>,
    ) -> Sent {
        let sent = self.send(out, Box::new(Ack { token, kind, defer }));
        if sent != Sent::TooLarge {
            return sent;
        }
        let stage = self.spec.stage.as_str();
        let why = "an output of this record is too large to produce";
        let whole = match (kind, input) {
            (OutKind::DeadLetter, _) => out.clone(),
            (_, Some(input)) => dead_letter(dlq, stage, "too_large", why, input),
            (_, None) => OutputRecord {
                topic: dlq.clone(),
                key: out.key.clone(),
                payload: out.payload.clone(),
                partition: None,
                headers: vec![
                    (HEADER_STAGE, stage.as_bytes().to_vec()),
                    (HEADER_REASON, b"too_large".to_vec()),
                    (HEADER_MESSAGE, why.as_bytes().to_vec()),
                ],
            },
        };
        if kind != OutKind::DeadLetter {
            self.metrics.dlq("too_large");
        }
        let ack = Box::new(Ack {
            token,
            kind: OutKind::DeadLetter,
            defer,
        });
        match self.send(&truncated(&whole), ack) {
            Sent::TooLarge => {
                lock(&self.fatal)
                    .get_or_insert_with(|| "a truncated dead letter is still too large".into());
                Sent::Failed
            }
            sent => sent,
        }
    }

    /// Sends the outputs whose changelog records were acknowledged since the last call.
    fn send_released(&self) -> bool {
        let ready = std::mem::take(&mut lock(&self.holds).ready);
        if ready.is_empty() {
            return true;
        }
        let dlq: Arc<str> = Arc::from(self.cfg.topics.dlq_of(&self.spec.input));
        for (out, kind, token) in ready {
            if self.send_output(&out, kind, token, None, &dlq, None) != Sent::Queued {
                return false;
            }
        }
        true
    }

    /// Sends one record, waiting while librdkafka's queue is full. When shutdown interrupts
    /// the wait, the record is not sent and its offset never committed.
    fn send(&self, out: &OutputRecord, ack: Box<Ack>) -> Sent {
        let mut headers = None;
        if !out.headers.is_empty() {
            let mut h = OwnedHeaders::new_with_capacity(out.headers.len());
            for (k, v) in &out.headers {
                h = h.insert(Header {
                    key: k,
                    value: Some(v.as_slice()),
                });
            }
            headers = Some(h);
        }
        let mut record: BaseRecord<'_, [u8], [u8], Box<Ack>> =
            BaseRecord::with_opaque_to(&out.topic, ack);
        if let Some(k) = &out.key {
            record = record.key(k.as_slice());
        }
        if let Some(p) = &out.payload {
            record = record.payload(p.as_slice());
        }
        if let Some(p) = out.partition {
            record = record.partition(p);
        }
        if let Some(h) = headers {
            record = record.headers(h);
        }
        self.send_record(record)
    }

    fn send_record(&self, mut record: BaseRecord<'_, [u8], [u8], Box<Ack>>) -> Sent {
        let mut backoff = Duration::from_millis(5);
        let mut refusals = 0u32;
        // A queue that stays full while the broker is up means the broker takes nothing (a
        // topic that vanished with a broker restart): not ready, then give up, as a stalled
        // backlog does. During a broker outage the wait is the right thing and never ends it.
        let mut full_since = Instant::now();
        let stall = Duration::from_millis(self.cfg.kafka.stall_timeout_ms);
        let give_up = Duration::from_millis(self.cfg.kafka.stall_exit_ms).max(stall);
        loop {
            match self.producer.send(record) {
                Ok(()) => {
                    if full_since.elapsed() >= stall && !stall.is_zero() {
                        self.health.set(Condition::Progress, true, "");
                    }
                    return Sent::Queued;
                }
                Err((e, back)) => {
                    if e.rdkafka_error_code() != Some(RDKafkaErrorCode::QueueFull) {
                        self.metrics.error(ErrorKind::Produce);
                        if too_large(&e) {
                            tracing::warn!(error = %e, topic = back.topic, "record too large to produce");
                            return Sent::TooLarge;
                        }
                        refusals += 1;
                        if is_fatal_code(&e) || refusals > MAX_RESENDS {
                            let why = format!("produce refused {refusals} times: {e}");
                            lock(&self.fatal).get_or_insert(why);
                            return Sent::Failed;
                        }
                        tracing::warn!(error = %e, "produce refused; retrying");
                    }
                    record = back;
                    if !self.health.is_met(Condition::Broker) {
                        full_since = Instant::now();
                    } else if !stall.is_zero() && full_since.elapsed() >= stall {
                        let why = format!(
                            "the producer's queue has been full for {}s while the broker is up",
                            full_since.elapsed().as_secs()
                        );
                        if full_since.elapsed() >= give_up {
                            lock(&self.fatal).get_or_insert(why);
                            return Sent::Failed;
                        }
                        self.health.set(Condition::Progress, false, why);
                    }
                    // A full queue is backpressure (slow or absent broker): wait for acks.
                    if self.shutdown.is_triggered()
                        && self.shutdown.requested_at().is_some_and(|at| {
                            at.elapsed() + Duration::from_secs(1) >= self.cfg.grace()
                        })
                    {
                        return Sent::Interrupted;
                    }
                    std::thread::sleep(backoff);
                    backoff = (backoff * 2).min(Duration::from_millis(500));
                }
            }
        }
    }
}

/// Runs the service until shutdown: topics, admin server, consumer group, the loop.
///
/// `make` builds the processor (loading dictionaries may take a while: `/live` answers and
/// `/ready` says "loading" meanwhile).
pub fn run_service<P, F>(
    cfg: Config,
    spec: ServiceSpec,
    make: F,
    shutdown: Shutdown,
) -> Result<(), ServiceError>
where
    P: Processor + 'static,
    F: FnOnce(&Arc<Metrics>) -> Result<P, String>,
{
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .thread_name("dragoman-admin")
        .enable_all()
        .build()?;
    shutdown.listen_for_signals(rt.handle());
    let metrics = Arc::new(Metrics::new(spec.stage));
    let health = Health::new(metrics.clone());
    health.set(Condition::Running, true, "");
    let addr = cfg.admin_addr();
    let admin = rt
        .block_on(AdminServer::bind(addr, metrics.clone(), health.clone()))
        .map_err(|source| ServiceError::Admin { addr, source })?;
    tracing::info!(
        stage = spec.stage.as_str(),
        admin = %admin.addr,
        brokers = %cfg.kafka.brokers,
        input = %spec.input,
        delivery = ?cfg.delivery,
        "starting"
    );
    // Watchdog: the grace period is a promise to the orchestrator, kept even if a flush hangs.
    {
        let shutdown = shutdown.clone();
        let grace = cfg.grace();
        std::thread::Builder::new()
            .name("dragoman-watchdog".into())
            .spawn(move || {
                while !shutdown.wait_timeout(Duration::from_secs(3600)) {}
                std::thread::sleep(grace + Duration::from_millis(500));
                tracing::error!("grace period exceeded: exiting without a clean close");
                std::process::exit(1);
            })?;
    }
    let result = run_loop(cfg, spec, make, shutdown, metrics, health.clone());
    health.set(Condition::Running, false, "stopped");
    admin.stop();
    rt.shutdown_timeout(Duration::from_millis(200));
    result
}

fn topic_specs(cfg: &Config, spec: &ServiceSpec) -> Vec<TopicSpec> {
    let plain = |name: &str, compact: bool| TopicSpec {
        name: name.to_owned(),
        partitions: cfg.topics.partitions,
        replication: cfg.topics.replication_factor,
        compact,
    };
    let mut topics = vec![
        plain(&spec.input, false),
        plain(&cfg.topics.dlq_of(&spec.input), false),
    ];
    for o in &spec.outputs {
        topics.push(plain(o, false));
    }
    if let Some(c) = &spec.changelog {
        topics.push(plain(c, true));
    }
    topics
}

fn run_loop<P, F>(
    cfg: Config,
    spec: ServiceSpec,
    make: F,
    shutdown: Shutdown,
    metrics: Arc<Metrics>,
    health: Arc<Health>,
) -> Result<(), ServiceError>
where
    P: Processor + 'static,
    F: FnOnce(&Arc<Metrics>) -> Result<P, String>,
{
    let processor = make(&metrics).map_err(ServiceError::Processor)?;
    if spec.changelog.is_none() {
        health.set(Condition::Processor, true, "");
    }

    if cfg.topics.create {
        let ctx = ServiceContext::new(metrics.clone(), health.clone());
        match ensure_topics(&cfg.kafka, &topic_specs(&cfg, &spec), &shutdown, &|why| {
            ctx.broker_down(why)
        }) {
            Ok(()) => ctx.broker_up(),
            Err(KafkaSetupError::Shutdown) => return Ok(()),
            Err(e) => return Err(e.into()),
        }
    }

    let exactly_once = cfg.delivery == Delivery::ExactlyOnce;
    if exactly_once {
        check_transactions_supported(&cfg)?;
    }
    let tracker = Arc::new(Mutex::new(OffsetTracker::new()));
    let retries = Arc::new(Mutex::new(Vec::new()));
    let fatal: Fatal = Arc::new(Mutex::new(None));
    let holds = Arc::new(Mutex::new(Holds::default()));
    let mut pcfg = client_config(&cfg.kafka);
    pcfg.set(
        "statistics.interval.ms",
        cfg.kafka.statistics_interval_ms.to_string(),
    )
    .set("acks", "all")
    .set("linger.ms", cfg.kafka.linger_ms.to_string())
    .set("enable.idempotence", "true");
    if exactly_once {
        pcfg.set("transactional.id", transactional_id(&cfg, &spec))
            .set(
                "transaction.timeout.ms",
                cfg.kafka.transaction_timeout_ms.to_string(),
            )
            .set(
                "message.timeout.ms",
                cfg.kafka.transaction_timeout_ms.to_string(),
            );
    } else {
        // Never give up on a record: a broker outage delays it, it does not drop it.
        pcfg.set("message.timeout.ms", "0");
    }
    for (k, v) in &cfg.kafka.properties {
        pcfg.set(k, v);
    }
    let producer: Prod = pcfg.create_with_context(ProducerCtx {
        svc: ServiceContext::new(metrics.clone(), health.clone()),
        tracker: tracker.clone(),
        retries: retries.clone(),
        exactly_once,
        fatal: fatal.clone(),
        holds: holds.clone(),
    })?;
    if exactly_once {
        let mut backoff = Duration::from_millis(250);
        loop {
            match producer.init_transactions(Duration::from_secs(30)) {
                Ok(()) => break,
                Err(e) if !is_fatal(&e) => {
                    tracing::warn!(error = %e, retry_in = ?backoff, "init_transactions; retrying");
                    if shutdown.wait_timeout(backoff) {
                        return Ok(());
                    }
                    backoff = (backoff * 2).min(Duration::from_secs(10));
                }
                Err(e) => return Err(ServiceError::Transaction(e.to_string())),
            }
        }
    }

    let shared = Arc::new(Shared {
        cfg: cfg.clone(),
        spec: spec.clone(),
        metrics: metrics.clone(),
        health: health.clone(),
        shutdown: shutdown.clone(),
        processor: Mutex::new(processor),
        producer,
        tracker: tracker.clone(),
        txn: Mutex::new(Txn::default()),
        failure: Mutex::new(None),
        fatal: fatal.clone(),
        holds,
    });

    let mut ccfg = client_config(&cfg.kafka);
    ccfg.set("group.id", &cfg.kafka.group_id)
        .set("enable.auto.commit", "false")
        .set("auto.offset.reset", "earliest")
        .set("isolation.level", "read_committed")
        .set(
            "session.timeout.ms",
            cfg.kafka.session_timeout_ms.to_string(),
        )
        .set("fetch.wait.max.ms", cfg.kafka.fetch_wait_max_ms.to_string())
        .set("fetch.min.bytes", cfg.kafka.fetch_min_bytes.to_string())
        .set(
            "statistics.interval.ms",
            cfg.kafka.statistics_interval_ms.to_string(),
        );
    for (k, v) in &cfg.kafka.properties {
        ccfg.set(k, v);
    }
    let join = || -> Result<BaseConsumer<ConsumerCtx<P>>, KafkaError> {
        let consumer: BaseConsumer<ConsumerCtx<P>> = ccfg.create_with_context(ConsumerCtx {
            svc: ServiceContext::new(metrics.clone(), health.clone()),
            shared: shared.clone(),
        })?;
        consumer.subscribe(&[&spec.input])?;
        Ok(consumer)
    };
    let mut consumer = join()?;

    let dlq_topic: Arc<str> = Arc::from(cfg.topics.dlq_of(&spec.input));
    let stage = spec.stage.as_str();
    let commit_every = Duration::from_millis(cfg.kafka.commit_interval_ms);
    let mut last_commit = Instant::now();
    let mut consecutive_txn_failures = 0u32;
    let mut orphans = OrphanWatch::new(&cfg);
    let mut resends = HashMap::new();
    let mut progress = ProgressWatch::new(
        Duration::from_millis(cfg.kafka.stall_timeout_ms),
        Duration::from_millis(cfg.kafka.stall_exit_ms),
        Instant::now(),
    );
    let mut last_progress_check = Instant::now();
    let mut consumed = 0u64;

    let outcome: Result<(), ServiceError> = loop {
        if shutdown.is_triggered() {
            break Ok(());
        }
        if let Some(e) = lock(&shared.failure).take() {
            break Err(e);
        }
        if let Some(why) = lock(&fatal).clone() {
            break Err(ServiceError::Producer(why));
        }
        resend_failed(&shared, &retries, &mut resends);
        shared.send_released();

        match consumer.poll(Duration::from_millis(100)) {
            None => {}
            Some(Err(e)) => {
                shared.metrics.error(ErrorKind::Broker);
                tracing::warn!(error = %e, "consume");
            }
            Some(Ok(msg)) => {
                let partition = msg.partition();
                let offset = msg.offset();
                if exactly_once {
                    if let Err(e) = shared.begin_transaction() {
                        break Err(e);
                    }
                }
                metrics.records_in.inc();
                consumed += 1;
                let input = InputRecord {
                    topic: msg.topic(),
                    partition,
                    offset,
                    key: msg.key(),
                    payload: msg.payload(),
                    timestamp_ms: msg.timestamp().to_millis(),
                };
                let started = Instant::now();
                let verdict = lock(&shared.processor).process(&input);
                metrics.observe_processing(started.elapsed());
                let outputs = match verdict {
                    Verdict::Produce(outputs) => outputs
                        .into_iter()
                        .map(|o| {
                            let kind = if Some(&*o.topic) == spec.changelog.as_deref() {
                                OutKind::Changelog
                            } else {
                                OutKind::Output
                            };
                            (o, kind)
                        })
                        .collect::<Vec<_>>(),
                    Verdict::DeadLetter { reason, message } => {
                        metrics.dlq(reason);
                        tracing::debug!(partition, offset, reason, %message, "dead letter");
                        vec![(
                            dead_letter(&dlq_topic, stage, reason, &message, &input),
                            OutKind::DeadLetter,
                        )]
                    }
                };
                let token = if exactly_once {
                    None
                } else {
                    // Registered before sending, so that no ack can precede it. Outputs
                    // abandoned at shutdown are never acknowledged, so the offset is
                    // never committed.
                    let mut t = lock(&tracker);
                    let rewinds = t.rewinds();
                    let token = t.consumed(partition, offset, outputs.len() as u32);
                    if t.rewinds() != rewinds {
                        tracing::warn!(
                            partition,
                            offset,
                            "the consumer went back: records from here are processed again"
                        );
                    }
                    token
                };
                // A stage with a changelog, at least once: the other outputs wait for the
                // changelog records (see `Holds`).
                let (now, later): (Vec<_>, Vec<_>) = outputs
                    .into_iter()
                    .partition(|(_, kind)| exactly_once || *kind != OutKind::Output);
                let defer = if later.is_empty() {
                    None
                } else {
                    let changelog = now.iter().filter(|(_, k)| *k == OutKind::Changelog).count();
                    if changelog == 0 {
                        None
                    } else {
                        Some(lock(&shared.holds).hold(changelog as u32, token, later.clone()))
                    }
                };
                let send_now: Vec<_> = if defer.is_some() {
                    now
                } else {
                    now.into_iter().chain(later).collect()
                };
                let mut all_sent = true;
                for (out, kind) in &send_now {
                    let defer = defer.filter(|_| *kind == OutKind::Changelog);
                    let sent =
                        shared.send_output(out, *kind, token, defer, &dlq_topic, Some(&input));
                    if sent != Sent::Queued {
                        all_sent = false;
                        break;
                    }
                }
                if exactly_once {
                    let mut txn = lock(&shared.txn);
                    if all_sent {
                        txn.offsets.insert(partition, offset + 1);
                    } else {
                        // Part of this record's output is missing: the transaction must
                        // not commit.
                        txn.poisoned = true;
                    }
                }
            }
        }

        if last_progress_check.elapsed() >= Duration::from_secs(1) {
            last_progress_check = Instant::now();
            let able = health.is_met(Condition::Broker) && health.is_met(Condition::Processor);
            let lag = metrics.consumer_lag_total();
            match progress.check(consumed, lag, able, Instant::now()) {
                Progress::Moving if orphans.waiting.is_none() => {
                    health.set(Condition::Progress, true, "")
                }
                Progress::Moving => {}
                Progress::Stalled(why) => {
                    tracing::warn!(reason = %why, "no progress on a backlog: not ready");
                    health.set(Condition::Progress, false, why);
                }
                Progress::GiveUp(why) => break Err(ServiceError::Stalled(why)),
            }
        }

        let orphan_check = orphans.due();
        let rejoin = orphan_check && orphans.stalled(&consumer, &spec.input);
        if orphan_check {
            if let Some(lag) = orphans.waiting {
                let why = format!(
                    "holds no partition of {} while {lag} records wait and nobody consumes them",
                    spec.input
                );
                health.set(Condition::Progress, false, why);
            }
        }
        if rejoin {
            tracing::warn!(
                input = %spec.input,
                "partitions with lag are held by a group member that commits nothing (dead, and \
                 not evicted by the coordinator): rejoining the group as a new member"
            );
            // A new client, hence a new member id: the old one leaves the group on close,
            // which also clears a stale member of this very process that the coordinator
            // kept after a session timeout.
            consumer.unsubscribe();
            drop(consumer);
            consumer = join()?;
        }

        if last_commit.elapsed() >= commit_every {
            last_commit = Instant::now();
            if exactly_once {
                match shared.commit_transaction(&consumer) {
                    Ok(()) => consecutive_txn_failures = 0,
                    Err(e) => {
                        consecutive_txn_failures += 1;
                        if let Err(fatal) = recover_transaction(&shared, &consumer, e) {
                            break Err(fatal);
                        }
                        if consecutive_txn_failures > 20 {
                            break Err(ServiceError::Transaction(
                                "20 transactions in a row failed".into(),
                            ));
                        }
                    }
                }
            } else {
                let offsets = lock(&tracker).take_committable();
                shared.commit_offsets(&consumer, &offsets, CommitMode::Async);
            }
        }
    };

    // Shutdown (or failure): stop consuming, finish in flight, commit, leave the group.
    health.set(Condition::Running, false, "shutting down");
    let all = consumer
        .assignment()
        .map(|tpl| partitions_of(&tpl, &spec.input))
        .unwrap_or_default();
    if outcome.is_ok() {
        shared.drain_and_commit(&consumer, &[]);
    } else if exactly_once {
        shared.abort_transaction();
    }
    let pending = lock(&tracker).total_pending();
    if pending > 0 && !exactly_once {
        tracing::warn!(pending, "records not acknowledged within the grace period: not committed, they will be consumed again");
    }
    // Leaving the group runs the revoke callback (nothing left to drain) and hands the
    // partitions over without waiting for the session timeout.
    consumer.unsubscribe();
    let deadline = Instant::now() + shared.budget().min(Duration::from_secs(5));
    while Instant::now() < deadline
        && !consumer
            .assignment()
            .map(|a| a.count() == 0)
            .unwrap_or(true)
    {
        let _ = consumer.poll(Duration::from_millis(50));
    }
    tracing::info!(partitions = ?all, "stopped");
    drop(consumer);
    outcome
}

/// Detects partitions orphaned by a dead group member.
///
/// A member killed with SIGKILL stays in the group until the coordinator notices its missing
/// heartbeats, then a rebalance hands its partitions over. tansu 0.6 checks missed heartbeats
/// only lazily and can leave a surviving member "stable" with an empty assignment while the
/// dead one keeps every partition, indefinitely. A member with nothing assigned therefore
/// checks, now and then, whether the group's committed offsets lag behind the log without
/// moving; two such checks in a row mean nobody is consuming, and it rejoins the group, which
/// makes the coordinator rebalance. On a healthy group (an idle spare member) the committed
/// offsets either have no lag or move, so this never fires.
struct OrphanWatch {
    every: Duration,
    last: Instant,
    previous: Option<Vec<(i32, i64)>>,
    strikes: u32,
    /// Records the group has not consumed while this member holds no partition and the
    /// group's committed offsets do not move: the member is not ready meanwhile.
    waiting: Option<i64>,
}

impl OrphanWatch {
    fn new(cfg: &Config) -> Self {
        OrphanWatch {
            every: Duration::from_millis(cfg.kafka.session_timeout_ms.max(5000)),
            last: Instant::now(),
            previous: None,
            strikes: 0,
            waiting: None,
        }
    }

    fn due(&mut self) -> bool {
        if self.last.elapsed() < self.every {
            return false;
        }
        self.last = Instant::now();
        true
    }

    fn stalled<C: ConsumerContext>(&mut self, consumer: &BaseConsumer<C>, input: &str) -> bool {
        let owned = consumer.assignment().map(|a| a.count()).unwrap_or(0);
        if owned > 0 {
            self.previous = None;
            self.strikes = 0;
            self.waiting = None;
            return false;
        }
        let timeout = Duration::from_secs(5);
        let Ok(md) = consumer.fetch_metadata(Some(input), timeout) else {
            return false;
        };
        let Some(topic) = md.topics().iter().find(|t| t.name() == input) else {
            return false;
        };
        let mut tpl = TopicPartitionList::new();
        for p in topic.partitions() {
            tpl.add_partition(input, p.id());
        }
        let Ok(committed) = consumer.committed_offsets(tpl, timeout) else {
            return false;
        };
        let mut now = Vec::new();
        let mut lag = 0i64;
        for e in committed.elements() {
            let Ok((low, high)) = consumer.fetch_watermarks(input, e.partition(), timeout) else {
                return false;
            };
            let at = match e.offset() {
                Offset::Offset(o) => o,
                _ => low,
            };
            lag += (high - at).max(0);
            now.push((e.partition(), at));
        }
        now.sort_unstable();
        let stuck = lag > 0 && self.previous.as_ref() == Some(&now);
        self.previous = Some(now);
        self.waiting = stuck.then_some(lag);
        self.strikes = if stuck { self.strikes + 1 } else { 0 };
        if self.strikes >= 2 {
            self.strikes = 0;
            self.previous = None;
            return true;
        }
        false
    }
}

/// Decides what a failed transaction commit means: abort and replay, or stop.
fn recover_transaction<P: Processor + 'static>(
    shared: &Arc<Shared<P>>,
    consumer: &BaseConsumer<ConsumerCtx<P>>,
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
    let assigned = consumer
        .assignment()
        .map(|tpl| partitions_of(&tpl, &shared.spec.input))
        .unwrap_or_default();
    lock(&shared.processor).revoked(&assigned);
    shared.restore(&assigned)?;
    lock(&shared.processor).assigned(&assigned);
    let committed = consumer.committed(Duration::from_secs(10))?;
    let mut seek = TopicPartitionList::new();
    for e in committed.elements() {
        let offset = match e.offset() {
            Offset::Offset(o) => Offset::Offset(o),
            _ => Offset::Beginning,
        };
        seek.add_partition_offset(e.topic(), e.partition(), offset)?;
    }
    consumer.seek_partitions(seek, Duration::from_secs(10))?;
    Ok(())
}

/// Refuses exactly-once at start when the broker lacks EndTxn (tansu 0.6 routes every other
/// transactional request but not that one: a transaction could never commit, and the service
/// would consume, produce invisible records and stall).
fn check_transactions_supported(cfg: &Config) -> Result<(), ServiceError> {
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

fn is_fatal(e: &KafkaError) -> bool {
    match e {
        KafkaError::Transaction(t) => t.is_fatal(),
        _ => false,
    }
}

/// Sends again what the broker refused. A record refused for its size goes again truncated
/// ([`truncated`]); one refused [`MAX_RESENDS`] times makes the producer fail (the loop exits
/// with an error, and the record is consumed again after the restart).
fn resend_failed<P: Processor + 'static>(
    shared: &Shared<P>,
    retries: &Mutex<Vec<Retry>>,
    attempts: &mut HashMap<(String, i32, Vec<u8>), u32>,
) {
    let failed: Vec<Retry> = std::mem::take(&mut *lock(retries));
    if failed.is_empty() {
        attempts.clear();
        return;
    }
    // The broker refused these for good (librdkafka does not time out with
    // message.timeout.ms=0): pause a little so a persistent refusal does not spin.
    std::thread::sleep(Duration::from_millis(200));
    for Retry {
        message,
        mut ack,
        error,
    } in failed
    {
        let mut out = OutputRecord {
            topic: Arc::from(message.topic()),
            key: message.key().map(<[u8]>::to_vec),
            payload: message.payload().map(<[u8]>::to_vec),
            partition: Some(message.partition()),
            headers: Vec::new(),
        };
        let key = (
            out.topic.to_string(),
            message.partition(),
            out.key.clone().unwrap_or_default(),
        );
        let n = attempts.entry(key).or_insert(0);
        *n += 1;
        if *n > MAX_RESENDS {
            let why = format!(
                "a record for {} was refused {MAX_RESENDS} times: {error}",
                out.topic
            );
            lock(&shared.fatal).get_or_insert(why);
            return;
        }
        if too_large(&error) {
            if ack.kind != OutKind::DeadLetter {
                // Never a truncated record in an output topic: the output goes to the
                // dead-letter topic of the stage's input instead.
                out.topic = Arc::from(shared.cfg.topics.dlq_of(&shared.spec.input));
                out.partition = None;
                out.headers = vec![
                    (HEADER_STAGE, shared.spec.stage.as_str().as_bytes().to_vec()),
                    (HEADER_REASON, b"too_large".to_vec()),
                    (
                        HEADER_MESSAGE,
                        format!("output refused: {error}").into_bytes(),
                    ),
                ];
                ack.kind = OutKind::DeadLetter;
                shared.metrics.dlq("too_large");
            }
            out = truncated(&out);
        }
        let mut record: BaseRecord<'_, [u8], [u8], Box<Ack>> =
            BaseRecord::with_opaque_to(&out.topic, ack);
        if let Some(p) = out.partition {
            record = record.partition(p);
        }
        if let Some(k) = &out.key {
            record = record.key(k.as_slice());
        }
        if let Some(p) = &out.payload {
            record = record.payload(p.as_slice());
        }
        let mut headers = message.headers().cloned().unwrap_or_default();
        for (k, v) in &out.headers {
            headers = headers.insert(Header {
                key: k,
                value: Some(v.as_slice()),
            });
        }
        if headers.count() > 0 {
            record = record.headers(headers);
        }
        if shared.send_record(record) == Sent::TooLarge {
            lock(&shared.fatal)
                .get_or_insert_with(|| "a truncated record is still too large".into());
        }
    }
}

/// Stable per instance, so that a restarted instance fences its crashed predecessor and aborts
/// its open transaction at once instead of leaving read_committed consumers waiting for the
/// transaction timeout. `kafka.properties."transactional.id"` overrides it.
fn transactional_id(cfg: &Config, spec: &ServiceSpec) -> String {
    let host = std::fs::read_to_string("/proc/sys/kernel/hostname")
        .map(|h| h.trim().to_owned())
        .unwrap_or_else(|_| "localhost".into());
    format!("{}-{}-{}", cfg.kafka.group_id, spec.input, host)
}

/// Header value of a record, as text.
pub fn header_str<'a>(
    headers: &'a rdkafka::message::BorrowedHeaders,
    key: &str,
) -> Option<&'a str> {
    headers
        .iter()
        .find(|h| h.key == key)
        .and_then(|h| h.value)
        .and_then(|v| std::str::from_utf8(v).ok())
}

#[cfg(test)]
mod tests {
    use super::*;

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
