//! Plain Kafka clients for the command-line tools (`dragoman produce|consume|topics|loadgen`)
//! and the end-to-end tests (Debian's kcat does not work against tansu; these do), and the
//! decoding of an internal topic's JSON record that stages share.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use rdkafka::consumer::{BaseConsumer, Consumer};
use rdkafka::error::{KafkaError, RDKafkaErrorCode};
use rdkafka::message::{Header, Headers, Message, OwnedHeaders};
use rdkafka::producer::{BaseRecord, DeliveryResult, Producer, ProducerContext, ThreadedProducer};
use rdkafka::{ClientContext, Offset, TopicPartitionList};

use crate::config::KafkaConfig;
use crate::kafka::client_config;

/// A producer that counts what the broker did with its records: acknowledged (stored with
/// `acks=all`), refused for their size, failed (timed out, refused otherwise). `flush` waits for
/// every answer and succeeds only when every record sent was acknowledged, so that a tool never
/// reports as sent what the broker never stored.
pub struct SimpleProducer {
    inner: ThreadedProducer<DeliveryCounter>,
}

/// The fate of the records given to a [`SimpleProducer`] so far.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Deliveries {
    /// Records given to `send`.
    pub sent: u64,
    /// Records the broker acknowledged.
    pub acknowledged: u64,
    /// Records refused as over the size limit, by the client or the broker.
    pub too_large: u64,
    /// Records that failed otherwise: not delivered within the delivery timeout (the broker
    /// down, unreachable or frozen), or refused by the broker.
    pub failed: u64,
    /// The first error of `failed` (or else of `too_large`).
    pub first_error: Option<String>,
}

impl Deliveries {
    /// Records with no answer yet: after a `flush` that timed out, neither acknowledged nor
    /// known to be lost.
    pub fn unanswered(&self) -> u64 {
        self.sent
            .saturating_sub(self.acknowledged + self.too_large + self.failed)
    }

    pub fn all_acknowledged(&self) -> bool {
        self.acknowledged == self.sent
    }
}

impl std::fmt::Display for Deliveries {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} of {} records acknowledged by the broker",
            self.acknowledged, self.sent
        )?;
        if self.too_large > 0 {
            write!(f, ", {} refused as too large", self.too_large)?;
        }
        if self.failed > 0 {
            write!(f, ", {} not delivered", self.failed)?;
        }
        if self.unanswered() > 0 {
            write!(f, ", {} without an answer", self.unanswered())?;
        }
        if let Some(e) = &self.first_error {
            write!(f, " (first error: {e})")?;
        }
        Ok(())
    }
}

/// Some records sent were not acknowledged: what became of all of them.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct NotDelivered(pub Deliveries);

/// Counts delivery reports (called on librdkafka's threads).
#[derive(Default)]
struct DeliveryCounter {
    sent: AtomicU64,
    acknowledged: AtomicU64,
    too_large: AtomicU64,
    failed: AtomicU64,
    first_error: Mutex<Option<String>>,
}

impl DeliveryCounter {
    fn fail(&self, e: &KafkaError) {
        let too_large = matches!(
            e.rdkafka_error_code(),
            Some(RDKafkaErrorCode::MessageSizeTooLarge | RDKafkaErrorCode::InvalidMessageSize)
        );
        let count = if too_large {
            &self.too_large
        } else {
            &self.failed
        };
        count.fetch_add(1, Ordering::Relaxed);
        let mut first = self.first_error.lock().unwrap_or_else(|p| p.into_inner());
        // A size refusal is expected of some loadgen records: any other error is the one to show.
        if first.is_none() || (!too_large && self.failed.load(Ordering::Relaxed) == 1) {
            *first = Some(e.to_string());
        }
    }

    fn snapshot(&self) -> Deliveries {
        Deliveries {
            sent: self.sent.load(Ordering::Relaxed),
            acknowledged: self.acknowledged.load(Ordering::Relaxed),
            too_large: self.too_large.load(Ordering::Relaxed),
            failed: self.failed.load(Ordering::Relaxed),
            first_error: self
                .first_error
                .lock()
                .unwrap_or_else(|p| p.into_inner())
                .clone(),
        }
    }
}

impl ClientContext for DeliveryCounter {}

impl ProducerContext for DeliveryCounter {
    type DeliveryOpaque = ();

    fn delivery(&self, result: &DeliveryResult<'_>, _: ()) {
        match result {
            Ok(_) => {
                self.acknowledged.fetch_add(1, Ordering::Relaxed);
            }
            Err((e, _)) => self.fail(e),
        }
    }
}

impl SimpleProducer {
    /// Gives up on a record the broker has not acknowledged within 120 s.
    pub fn new(kafka: &KafkaConfig) -> Result<Self, KafkaError> {
        Self::with_delivery_timeout(kafka, Duration::from_secs(120))
    }

    /// Gives up on a record the broker has not acknowledged within `timeout` (librdkafka's
    /// `message.timeout.ms`, retries included): it then counts as failed.
    pub fn with_delivery_timeout(
        kafka: &KafkaConfig,
        timeout: Duration,
    ) -> Result<Self, KafkaError> {
        let mut c = client_config(kafka);
        c.set("acks", "all")
            .set("enable.idempotence", "true")
            .set("linger.ms", "5")
            .set("message.timeout.ms", timeout.as_millis().max(1).to_string());
        Ok(SimpleProducer {
            inner: c.create_with_context(DeliveryCounter::default())?,
        })
    }

    /// Queues one record, waiting while the local queue is full. A record the client refuses
    /// at once is counted (and its error returned); the others are counted when the broker
    /// answers.
    pub fn send(
        &self,
        topic: &str,
        key: Option<&[u8]>,
        payload: &[u8],
        headers: &[(&str, &[u8])],
    ) -> Result<(), KafkaError> {
        let counter = self.inner.context();
        counter.sent.fetch_add(1, Ordering::Relaxed);
        let mut record: BaseRecord<'_, [u8], [u8]> = BaseRecord::to(topic).payload(payload);
        if let Some(k) = key {
            record = record.key(k);
        }
        if !headers.is_empty() {
            let mut h = OwnedHeaders::new_with_capacity(headers.len());
            for (k, v) in headers {
                h = h.insert(Header {
                    key: k,
                    value: Some(*v),
                });
            }
            record = record.headers(h);
        }
        loop {
            match self.inner.send(record) {
                Ok(()) => return Ok(()),
                Err((e, back)) if e.rdkafka_error_code() == Some(RDKafkaErrorCode::QueueFull) => {
                    record = back;
                    std::thread::sleep(Duration::from_millis(5));
                }
                Err((e, _)) => {
                    counter.fail(&e);
                    return Err(e);
                }
            }
        }
    }

    /// What became of the records so far.
    pub fn deliveries(&self) -> Deliveries {
        self.inner.context().snapshot()
    }

    /// Waits up to `timeout` for the broker's answer on every record sent. `Ok` only when every
    /// one was acknowledged; the counts either way.
    pub fn flush(&self, timeout: Duration) -> Result<Deliveries, NotDelivered> {
        if let Err(e) = self.inner.flush(timeout) {
            tracing::warn!(error = %e, "flush: records still without an answer");
        }
        let deliveries = self.deliveries();
        if deliveries.all_acknowledged() {
            Ok(deliveries)
        } else {
            Err(NotDelivered(deliveries))
        }
    }
}

/// A record read by [`read_topic`].
#[derive(Debug, Clone)]
pub struct Record {
    pub partition: i32,
    pub offset: i64,
    pub timestamp_ms: Option<i64>,
    pub key: Option<Vec<u8>>,
    pub payload: Option<Vec<u8>>,
    pub headers: Vec<(String, Vec<u8>)>,
}

impl Record {
    pub fn header(&self, key: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k == key)
            .and_then(|(_, v)| std::str::from_utf8(v).ok())
    }
}

/// Reads every partition of `topic` from the beginning (committed records only) until each
/// has reached its end, waiting up to `timeout` for the topic to exist. No consumer group.
pub fn read_topic(
    kafka: &KafkaConfig,
    topic: &str,
    timeout: Duration,
) -> Result<Vec<Record>, KafkaError> {
    let mut c = client_config(kafka);
    c.set("group.id", "dragoman-tools")
        .set("enable.auto.commit", "false")
        .set("enable.partition.eof", "true")
        .set("isolation.level", "read_committed")
        .set("auto.offset.reset", "earliest");
    let consumer: BaseConsumer = c.create()?;
    let deadline = Instant::now() + timeout;
    let partitions = loop {
        let md = consumer.fetch_metadata(Some(topic), Duration::from_secs(5));
        if let Ok(md) = md {
            if let Some(t) = md.topics().iter().find(|t| t.name() == topic) {
                if t.error().is_none() && !t.partitions().is_empty() {
                    break t.partitions().iter().map(|p| p.id()).collect::<Vec<_>>();
                }
            }
        }
        if Instant::now() >= deadline {
            return Err(KafkaError::MetadataFetch(
                RDKafkaErrorCode::UnknownTopicOrPartition,
            ));
        }
        std::thread::sleep(Duration::from_millis(200));
    };
    let mut tpl = TopicPartitionList::new();
    for p in &partitions {
        tpl.add_partition_offset(topic, *p, Offset::Beginning)?;
    }
    consumer.assign(&tpl)?;
    let mut at_end: HashMap<i32, bool> = partitions.iter().map(|p| (*p, false)).collect();
    let mut out = Vec::new();
    while at_end.values().any(|e| !e) {
        if Instant::now() >= deadline {
            return Err(KafkaError::MessageConsumption(
                RDKafkaErrorCode::OperationTimedOut,
            ));
        }
        match consumer.poll(Duration::from_millis(200)) {
            None => {}
            Some(Err(KafkaError::PartitionEOF(p))) => {
                at_end.insert(p, true);
            }
            Some(Err(e)) => return Err(e),
            Some(Ok(m)) => {
                at_end.insert(m.partition(), false);
                out.push(Record {
                    partition: m.partition(),
                    offset: m.offset(),
                    timestamp_ms: m.timestamp().to_millis(),
                    key: m.key().map(<[u8]>::to_vec),
                    payload: m.payload().map(<[u8]>::to_vec),
                    headers: m
                        .headers()
                        .map(|hs| {
                            hs.iter()
                                .map(|h| (h.key.to_owned(), h.value.unwrap_or_default().to_vec()))
                                .collect()
                        })
                        .unwrap_or_default(),
                });
            }
        }
    }
    Ok(out)
}

/// Topics and their partition counts, as the broker reports them.
pub fn list_topics(
    kafka: &KafkaConfig,
    timeout: Duration,
) -> Result<Vec<(String, usize)>, KafkaError> {
    let consumer: BaseConsumer = client_config(kafka).create()?;
    let md = consumer.fetch_metadata(None, timeout)?;
    let mut v: Vec<(String, usize)> = md
        .topics()
        .iter()
        .map(|t| (t.name().to_owned(), t.partitions().len()))
        .collect();
    v.sort();
    Ok(v)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Issue finding "loadgen reported records sent during a broker outage that the broker never
    /// stored": without a broker, nothing is acknowledged and `flush` says so.
    #[test]
    fn a_record_no_broker_acknowledges_is_counted_as_not_delivered() {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .unwrap()
            .port();
        let mut kafka = crate::Config::load_with_env(
            crate::Stage::Run,
            None,
            Some(std::collections::HashMap::new()),
        )
        .unwrap()
        .kafka;
        kafka.brokers = format!("127.0.0.1:{port}");
        let p = SimpleProducer::with_delivery_timeout(&kafka, Duration::from_millis(500)).unwrap();
        for i in 0..5u8 {
            p.send("nowhere", None, &[i], &[]).unwrap();
        }
        let NotDelivered(d) = p.flush(Duration::from_secs(30)).unwrap_err();
        assert_eq!(
            (d.sent, d.acknowledged, d.failed, d.unanswered()),
            (5, 0, 5, 0)
        );
        assert!(
            d.first_error
                .as_deref()
                .unwrap_or_default()
                .contains("timed out"),
            "{d}"
        );
        assert!(!d.all_acknowledged());
    }

    #[test]
    fn deliveries_say_what_was_not_acknowledged() {
        let d = Deliveries {
            sent: 10,
            acknowledged: 6,
            too_large: 1,
            failed: 2,
            first_error: Some("Local: Message timed out".into()),
        };
        assert_eq!(d.unanswered(), 1);
        assert_eq!(
            d.to_string(),
            "6 of 10 records acknowledged by the broker, 1 refused as too large, 2 not delivered, \
             1 without an answer (first error: Local: Message timed out)"
        );
        let all = Deliveries {
            sent: 3,
            acknowledged: 3,
            ..Deliveries::default()
        };
        assert!(all.all_acknowledged());
        assert_eq!(all.to_string(), "3 of 3 records acknowledged by the broker");
    }
}
