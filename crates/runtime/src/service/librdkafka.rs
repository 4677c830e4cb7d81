//! The clients on librdkafka: the loop's traits (`clients.rs`) implemented by rdkafka's
//! `BaseConsumer` and `ThreadedProducer`, their configuration, and the contexts that turn
//! librdkafka's callbacks (rebalances, delivery reports, errors, statistics) into calls of
//! the loop's shared state.

use std::sync::Arc;
use std::time::Duration;

use rdkafka::consumer::{
    BaseConsumer, CommitMode, Consumer, ConsumerContext, ConsumerGroupMetadata, Rebalance,
};
use rdkafka::error::{KafkaError, KafkaResult, RDKafkaErrorCode};
use rdkafka::message::{Header, Headers, Message, OwnedHeaders};
use rdkafka::producer::{BaseRecord, DeliveryResult, Producer, ProducerContext, ThreadedProducer};
use rdkafka::{ClientContext, Offset, TopicPartitionList};

use super::clients::{Backend, Consume, Outgoing, Produce, ReadChangelog, Replayed};
use super::delivery::{is_fatal_code, Deliveries, Refused};
use super::holds::Ack;
use super::processor::{InputRecord, Processor};
use super::shared::Shared;
use super::transaction::transactional_id;
use super::ServiceSpec;
use crate::config::{Config, Delivery};
use crate::kafka::{client_config, ServiceContext};

/// Makes the service's librdkafka consumers and changelog readers.
pub(crate) struct Librdkafka {
    pub(crate) cfg: Config,
    pub(crate) svc: Arc<ServiceContext>,
}

impl Backend for Librdkafka {
    type Group = ConsumerGroupMetadata;
    type Producer = ThreadedProducer<ProducerCtx>;
    type Consumer<P: Processor + 'static> = BaseConsumer<ConsumerCtx<P>>;
    type Changelog = BaseConsumer<ServiceContext>;

    fn consumer<P: Processor + 'static>(
        &self,
        shared: &Arc<Shared<P, Self>>,
    ) -> KafkaResult<Self::Consumer<P>> {
        let cfg = &self.cfg;
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
        let consumer: BaseConsumer<ConsumerCtx<P>> = ccfg.create_with_context(ConsumerCtx {
            svc: ServiceContext::new(shared.metrics.clone(), shared.health.clone()),
            shared: shared.clone(),
        })?;
        consumer.subscribe(&[&shared.spec.input])?;
        Ok(consumer)
    }

    fn changelog(&self, topic: &str, partitions: &[i32]) -> KafkaResult<Self::Changelog> {
        let mut cfg = client_config(&self.cfg.kafka);
        cfg.set("group.id", format!("{}-restore", self.cfg.kafka.group_id))
            .set("enable.auto.commit", "false")
            .set("enable.partition.eof", "true")
            .set("isolation.level", "read_committed")
            .set("auto.offset.reset", "earliest");
        // The service's context: librdkafka's partition-EOF notices are expected here, not
        // errors worth a log line.
        let svc = &self.svc;
        let consumer: BaseConsumer<ServiceContext> = cfg.create_with_context(
            ServiceContext::new(svc.metrics().clone(), svc.health().clone()),
        )?;
        let mut tpl = TopicPartitionList::new();
        for &p in partitions {
            tpl.add_partition_offset(topic, p, Offset::Beginning)?;
        }
        consumer.assign(&tpl)?;
        Ok(consumer)
    }
}

/// The producer of every output, dead letter and changelog record.
pub(crate) fn producer(
    cfg: &Config,
    spec: &ServiceSpec,
    deliveries: Arc<Deliveries>,
) -> KafkaResult<ThreadedProducer<ProducerCtx>> {
    let mut pcfg = client_config(&cfg.kafka);
    pcfg.set(
        "statistics.interval.ms",
        cfg.kafka.statistics_interval_ms.to_string(),
    )
    .set("acks", "all")
    .set("linger.ms", cfg.kafka.linger_ms.to_string())
    .set("enable.idempotence", "true");
    if cfg.delivery == Delivery::ExactlyOnce {
        pcfg.set("transactional.id", transactional_id(cfg, spec))
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
    pcfg.create_with_context(ProducerCtx { deliveries })
}

/// Turns the producer's callbacks into [`Deliveries`] calls.
pub(crate) struct ProducerCtx {
    deliveries: Arc<Deliveries>,
}

impl ClientContext for ProducerCtx {
    fn stats_raw(&self, statistics: &[u8]) {
        self.deliveries.svc.stats_raw(statistics)
    }
    fn error(&self, error: KafkaError, reason: &str) {
        if is_fatal_code(&error) {
            // An idempotent producer fenced or out of sequence (a broker that lost its
            // producer state): every later send fails, so the loop stops the service.
            self.deliveries.fail(format!("{error}: {reason}"));
        }
        self.deliveries.svc.error(error, reason)
    }
    fn log(&self, level: rdkafka::config::RDKafkaLogLevel, fac: &str, log_message: &str) {
        self.deliveries.svc.log(level, fac, log_message)
    }
}

impl ProducerContext for ProducerCtx {
    type DeliveryOpaque = Box<Ack>;

    fn delivery(&self, result: &DeliveryResult<'_>, ack: Box<Ack>) {
        match result {
            Ok(_) => self.deliveries.delivered(&ack),
            Err((error, message)) => {
                let refused = || Refused {
                    topic: message.topic().to_owned(),
                    partition: message.partition(),
                    key: message.key().map(<[u8]>::to_vec),
                    payload: message.payload().map(<[u8]>::to_vec),
                    headers: (message.headers().into_iter())
                        .flat_map(|h| h.iter())
                        .map(|h| (h.key.to_owned(), h.value.unwrap_or_default().to_vec()))
                        .collect(),
                };
                self.deliveries.failed(error, refused, ack)
            }
        }
    }
}

impl Produce for ThreadedProducer<ProducerCtx> {
    type Group = ConsumerGroupMetadata;

    fn send(&self, out: &Outgoing<'_>, ack: Box<Ack>) -> Result<(), (KafkaError, Box<Ack>)> {
        let mut record: BaseRecord<'_, [u8], [u8], Box<Ack>> =
            BaseRecord::with_opaque_to(out.topic, ack);
        if let Some(k) = out.key {
            record = record.key(k);
        }
        if let Some(p) = out.payload {
            record = record.payload(p);
        }
        if let Some(p) = out.partition {
            record = record.partition(p);
        }
        if !out.headers.is_empty() {
            let mut h = OwnedHeaders::new_with_capacity(out.headers.len());
            for &(key, value) in &out.headers {
                h = h.insert(Header {
                    key,
                    value: Some(value),
                });
            }
            record = record.headers(h);
        }
        ThreadedProducer::send(self, record).map_err(|(e, back)| (e, back.delivery_opaque))
    }

    fn flush(&self, timeout: Duration) -> KafkaResult<()> {
        Producer::flush(self, timeout)
    }
    fn init_transactions(&self, timeout: Duration) -> KafkaResult<()> {
        Producer::init_transactions(self, timeout)
    }
    fn begin_transaction(&self) -> KafkaResult<()> {
        Producer::begin_transaction(self)
    }
    fn send_offsets_to_transaction(
        &self,
        topic: &str,
        offsets: &[(i32, i64)],
        group: &ConsumerGroupMetadata,
        timeout: Duration,
    ) -> KafkaResult<()> {
        let tpl = partition_list(topic, offsets)?;
        Producer::send_offsets_to_transaction(self, &tpl, group, timeout)
    }
    fn commit_transaction(&self, timeout: Duration) -> KafkaResult<()> {
        Producer::commit_transaction(self, timeout)
    }
    fn abort_transaction(&self, timeout: Duration) -> KafkaResult<()> {
        Producer::abort_transaction(self, timeout)
    }
}

fn partition_list(topic: &str, offsets: &[(i32, i64)]) -> KafkaResult<TopicPartitionList> {
    let mut tpl = TopicPartitionList::new();
    for &(p, o) in offsets {
        tpl.add_partition_offset(topic, p, Offset::Offset(o))?;
    }
    Ok(tpl)
}

/// Turns the group consumer's callbacks into calls of the loop's [`Shared`] state.
pub(crate) struct ConsumerCtx<P: Processor + 'static> {
    svc: ServiceContext,
    shared: Arc<Shared<P, Librdkafka>>,
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
            self.shared.revoking(consumer, &partitions);
        }
    }

    fn post_rebalance(&self, consumer: &BaseConsumer<Self>, rebalance: &Rebalance<'_>) {
        match rebalance {
            Rebalance::Assign(tpl) => {
                let partitions = partitions_of(tpl, &self.shared.spec.input);
                self.shared.assigned(consumer, &partitions);
            }
            Rebalance::Revoke(_) => self.shared.revoked(),
            Rebalance::Error(e) => self.shared.rebalance_failed(e),
        }
    }

    fn commit_callback(&self, result: KafkaResult<()>, _offsets: &TopicPartitionList) {
        if let Err(e) = result {
            // Async commits: the next one carries later offsets of the same partitions.
            if !matches!(e.rdkafka_error_code(), Some(RDKafkaErrorCode::NoOffset)) {
                self.shared.metrics.error(crate::metrics::ErrorKind::Commit);
                tracing::warn!(error = %e, "offset commit failed; retried with the next one");
            }
        }
    }
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

impl<C: ConsumerContext> Consume for BaseConsumer<C> {
    type Group = ConsumerGroupMetadata;

    fn poll<R>(
        &self,
        timeout: Duration,
        f: impl FnOnce(KafkaResult<InputRecord<'_>>) -> R,
    ) -> Option<R> {
        Some(match BaseConsumer::poll(self, timeout)? {
            Ok(m) => f(Ok(InputRecord {
                topic: m.topic(),
                partition: m.partition(),
                offset: m.offset(),
                key: m.key(),
                payload: m.payload(),
                timestamp_ms: m.timestamp().to_millis(),
            })),
            Err(e) => f(Err(e)),
        })
    }

    fn commit(&self, topic: &str, offsets: &[(i32, i64)], mode: CommitMode) -> KafkaResult<()> {
        let mut tpl = TopicPartitionList::new();
        for &(p, o) in offsets {
            // A partition the list refuses is left out; the others still commit.
            let _ = tpl.add_partition_offset(topic, p, Offset::Offset(o));
        }
        Consumer::commit(self, &tpl, mode)
    }

    fn committed(
        &self,
        topic: &str,
        partitions: &[i32],
        timeout: Duration,
    ) -> KafkaResult<Vec<(i32, Option<i64>)>> {
        let mut tpl = TopicPartitionList::new();
        for &p in partitions {
            tpl.add_partition(topic, p);
        }
        let committed = self.committed_offsets(tpl, timeout)?;
        Ok(committed
            .elements()
            .iter()
            .filter(|e| e.topic() == topic)
            .map(|e| match e.offset() {
                Offset::Offset(o) => (e.partition(), Some(o)),
                _ => (e.partition(), None),
            })
            .collect())
    }

    fn assignment(&self, topic: &str) -> KafkaResult<Vec<i32>> {
        Ok(partitions_of(&Consumer::assignment(self)?, topic))
    }

    fn seek(
        &self,
        topic: &str,
        partition: i32,
        offset: Offset,
        timeout: Duration,
    ) -> KafkaResult<()> {
        Consumer::seek(self, topic, partition, offset, timeout)
    }

    fn unsubscribe(&self) {
        Consumer::unsubscribe(self)
    }

    fn group_metadata(&self) -> Option<ConsumerGroupMetadata> {
        Consumer::group_metadata(self)
    }

    fn partitions(&self, topic: &str, timeout: Duration) -> KafkaResult<Vec<i32>> {
        let md = self.fetch_metadata(Some(topic), timeout)?;
        Ok(md
            .topics()
            .iter()
            .filter(|t| t.name() == topic)
            .flat_map(|t| t.partitions().iter().map(|p| p.id()))
            .collect())
    }

    fn watermarks(
        &self,
        topic: &str,
        partition: i32,
        timeout: Duration,
    ) -> KafkaResult<(i64, i64)> {
        self.fetch_watermarks(topic, partition, timeout)
    }
}

impl ReadChangelog for BaseConsumer<ServiceContext> {
    fn poll<R>(&mut self, timeout: Duration, f: impl FnOnce(Replayed<'_>) -> R) -> Option<R> {
        Some(match BaseConsumer::poll(self, timeout)? {
            Err(KafkaError::PartitionEOF(p)) => f(Replayed::End(p)),
            Err(e) => f(Replayed::Error(e)),
            Ok(m) => f(Replayed::Record {
                partition: m.partition(),
                offset: m.offset(),
                key: m.key().unwrap_or_default(),
                value: m.payload(),
            }),
        })
    }
}
