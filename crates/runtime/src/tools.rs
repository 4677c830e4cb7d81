//! Plain Kafka clients for the command-line tools (`dragoman produce|consume|topics|loadgen`)
//! and the end-to-end tests. Debian's kcat does not work against tansu; these do.

use std::collections::HashMap;
use std::time::{Duration, Instant};

use rdkafka::consumer::{BaseConsumer, Consumer};
use rdkafka::error::{KafkaError, RDKafkaErrorCode};
use rdkafka::message::{Header, Headers, Message, OwnedHeaders};
use rdkafka::producer::{BaseRecord, DefaultProducerContext, Producer, ThreadedProducer};
use rdkafka::{Offset, TopicPartitionList};

use crate::config::KafkaConfig;
use crate::kafka::client_config;

/// A producer that waits for its records on `flush`.
pub struct SimpleProducer {
    inner: ThreadedProducer<DefaultProducerContext>,
}

impl SimpleProducer {
    pub fn new(kafka: &KafkaConfig) -> Result<Self, KafkaError> {
        let mut c = client_config(kafka);
        c.set("acks", "all")
            .set("enable.idempotence", "true")
            .set("linger.ms", "5")
            .set("message.timeout.ms", "120000");
        Ok(SimpleProducer { inner: c.create()? })
    }

    /// Queues one record, waiting while the local queue is full.
    pub fn send(
        &self,
        topic: &str,
        key: Option<&[u8]>,
        payload: &[u8],
        headers: &[(&str, &[u8])],
    ) -> Result<(), KafkaError> {
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
                Err((e, _)) => return Err(e),
            }
        }
    }

    pub fn flush(&self, timeout: Duration) -> Result<(), KafkaError> {
        self.inner.flush(timeout)
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
