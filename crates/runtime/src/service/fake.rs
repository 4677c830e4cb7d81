//! In-memory clients for the loop's unit tests: a consumer that plays a script of
//! assignments, records and revocations (running the rebalance steps from inside `poll`, as
//! librdkafka does), a producer that keeps what it was sent until the test acknowledges or
//! refuses it, and a log of commits and revocations in the order they happened.

use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use rdkafka::consumer::CommitMode;
use rdkafka::error::{KafkaError, KafkaResult, RDKafkaErrorCode};
use rdkafka::Offset;

use super::clients::{Backend, Consume, Outgoing, Produce, ReadChangelog, Replayed};
use super::delivery::{Deliveries, Refused};
use super::holds::Ack;
use super::lock;
use super::processor::{InputRecord, Processor};
use super::run_loop::Loop;
use super::shared::{Parts, Shared};
use super::ServiceSpec;
use crate::admin::Health;
use crate::config::{Config, Stage};
use crate::kafka::ServiceContext;
use crate::metrics::Metrics;
use crate::shutdown::Shutdown;

pub(crate) const INPUT: &str = "in";
/// The stage of the tests.
pub(crate) const STAGE: Stage = Stage::Service {
    name: "extract",
    admin: "127.0.0.1:0",
};
pub(crate) const CHANGELOG: &str = "state";
/// `kafka.commit_interval_ms` of the tests.
pub(crate) const COMMIT_EVERY: Duration = Duration::from_millis(1000);

/// What the consumer hands out, in order.
pub(crate) enum Event {
    Assign(Vec<i32>),
    Revoke(Vec<i32>),
    Record(i32, i64, Vec<u8>),
}

/// What happened at the group, in order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Logged {
    Commit(i32, i64),
    Revoked(i32),
}

/// A record the producer was given.
pub(crate) struct SentRecord {
    pub(crate) topic: String,
    pub(crate) partition: Option<i32>,
    pub(crate) key: Option<Vec<u8>>,
    pub(crate) payload: Vec<u8>,
    pub(crate) headers: Vec<(String, Vec<u8>)>,
    /// Until the test (or a flush) acknowledges or refuses it.
    ack: Option<Box<Ack>>,
}

#[derive(Default)]
pub(crate) struct Script {
    events: VecDeque<Event>,
    assigned: Vec<i32>,
    committed: HashMap<i32, i64>,
    pub(crate) log: Vec<Logged>,
    pub(crate) sent: Vec<SentRecord>,
    /// A flush acknowledges nothing and times out (a broker that does not answer).
    pub(crate) stuck: bool,
    /// High watermarks of the input's partitions (0 when not set).
    pub(crate) high: HashMap<i32, i64>,
    /// Consumers made: members that joined the group.
    pub(crate) joins: usize,
}

/// The backend of the tests: every client shares one script.
pub(crate) struct Fake {
    script: Arc<Mutex<Script>>,
}

pub(crate) struct FakeConsumer<P: Processor + 'static> {
    script: Arc<Mutex<Script>>,
    shared: Arc<Shared<P, Fake>>,
}

pub(crate) struct FakeProducer {
    script: Arc<Mutex<Script>>,
    deliveries: Arc<Deliveries>,
}

/// Every changelog partition is empty.
pub(crate) struct EmptyChangelog(Vec<i32>);

impl Backend for Fake {
    type Group = ();
    type Producer = FakeProducer;
    type Consumer<P: Processor + 'static> = FakeConsumer<P>;
    type Changelog = EmptyChangelog;

    fn consumer<P: Processor + 'static>(
        &self,
        shared: &Arc<Shared<P, Self>>,
    ) -> KafkaResult<FakeConsumer<P>> {
        lock(&self.script).joins += 1;
        Ok(FakeConsumer {
            script: self.script.clone(),
            shared: shared.clone(),
        })
    }

    fn changelog(&self, _topic: &str, partitions: &[i32]) -> KafkaResult<EmptyChangelog> {
        Ok(EmptyChangelog(partitions.to_vec()))
    }
}

impl ReadChangelog for EmptyChangelog {
    fn poll<R>(&mut self, _timeout: Duration, f: impl FnOnce(Replayed<'_>) -> R) -> Option<R> {
        self.0.pop().map(|p| f(Replayed::End(p)))
    }
}

impl<P: Processor + 'static> Consume for FakeConsumer<P> {
    type Group = ();

    fn poll<R>(
        &self,
        _timeout: Duration,
        f: impl FnOnce(KafkaResult<InputRecord<'_>>) -> R,
    ) -> Option<R> {
        // The script's lock is not held while the rebalance steps run: they commit.
        let event = lock(&self.script).events.pop_front()?;
        match event {
            Event::Assign(partitions) => {
                lock(&self.script).assigned.extend(&partitions);
                self.shared.assigned(self, &partitions);
                None
            }
            Event::Revoke(partitions) => {
                self.shared.revoking(self, &partitions);
                let mut script = lock(&self.script);
                script.assigned.retain(|p| !partitions.contains(p));
                script
                    .log
                    .extend(partitions.iter().map(|&p| Logged::Revoked(p)));
                drop(script);
                self.shared.revoked();
                None
            }
            Event::Record(partition, offset, payload) => Some(f(Ok(InputRecord {
                topic: INPUT,
                partition,
                offset,
                key: None,
                payload: Some(&payload),
                timestamp_ms: None,
            }))),
        }
    }

    fn commit(&self, _topic: &str, offsets: &[(i32, i64)], _mode: CommitMode) -> KafkaResult<()> {
        let mut script = lock(&self.script);
        for &(p, o) in offsets {
            script.log.push(Logged::Commit(p, o));
            script.committed.insert(p, o);
        }
        Ok(())
    }

    fn committed(
        &self,
        _topic: &str,
        partitions: &[i32],
        _timeout: Duration,
    ) -> KafkaResult<Vec<(i32, Option<i64>)>> {
        let script = lock(&self.script);
        Ok(partitions
            .iter()
            .map(|p| (*p, script.committed.get(p).copied()))
            .collect())
    }

    fn assignment(&self, _topic: &str) -> KafkaResult<Vec<i32>> {
        Ok(lock(&self.script).assigned.clone())
    }

    fn seek(&self, _: &str, _: i32, _: Offset, _: Duration) -> KafkaResult<()> {
        Ok(())
    }

    /// As librdkafka: the revocation runs in a later poll.
    fn unsubscribe(&self) {
        let mut script = lock(&self.script);
        let all = script.assigned.clone();
        script.events.push_front(Event::Revoke(all));
    }

    fn group_metadata(&self) -> Option<()> {
        Some(())
    }

    fn partitions(&self, _topic: &str, _timeout: Duration) -> KafkaResult<Vec<i32>> {
        Ok(vec![0, 1])
    }

    fn watermarks(&self, _: &str, partition: i32, _: Duration) -> KafkaResult<(i64, i64)> {
        Ok((
            0,
            lock(&self.script)
                .high
                .get(&partition)
                .copied()
                .unwrap_or(0),
        ))
    }
}

impl Produce for FakeProducer {
    type Group = ();

    fn send(&self, record: &Outgoing<'_>, ack: Box<Ack>) -> Result<(), (KafkaError, Box<Ack>)> {
        lock(&self.script).sent.push(SentRecord {
            topic: record.topic.to_owned(),
            partition: record.partition,
            key: record.key.map(<[u8]>::to_vec),
            payload: record.payload.unwrap_or_default().to_vec(),
            headers: (record.headers.iter())
                .map(|(k, v)| (k.to_string(), v.to_vec()))
                .collect(),
            ack: Some(ack),
        });
        Ok(())
    }

    /// Acknowledges everything in flight, in order, unless the script is `stuck`.
    fn flush(&self, _timeout: Duration) -> KafkaResult<()> {
        if lock(&self.script).stuck {
            return Err(KafkaError::Flush(RDKafkaErrorCode::OperationTimedOut));
        }
        loop {
            let ack = lock(&self.script)
                .sent
                .iter_mut()
                .find_map(|s| s.ack.take());
            match ack {
                Some(ack) => self.deliveries.delivered(&ack),
                None => return Ok(()),
            }
        }
    }

    fn init_transactions(&self, _: Duration) -> KafkaResult<()> {
        Ok(())
    }
    fn begin_transaction(&self) -> KafkaResult<()> {
        Ok(())
    }
    fn send_offsets_to_transaction(
        &self,
        _: &str,
        _: &[(i32, i64)],
        _: &(),
        _: Duration,
    ) -> KafkaResult<()> {
        Ok(())
    }
    fn commit_transaction(&self, _: Duration) -> KafkaResult<()> {
        Ok(())
    }
    fn abort_transaction(&self, _: Duration) -> KafkaResult<()> {
        Ok(())
    }
}

/// The test's hands on a loop's clients.
pub(crate) struct Handle {
    script: Arc<Mutex<Script>>,
    deliveries: Arc<Deliveries>,
    pub(crate) shutdown: Shutdown,
}

impl Handle {
    pub(crate) fn push(&self, event: Event) {
        lock(&self.script).events.push_back(event);
    }

    pub(crate) fn record(&self, partition: i32, offset: i64, payload: &str) {
        self.push(Event::Record(
            partition,
            offset,
            payload.as_bytes().to_vec(),
        ));
    }

    pub(crate) fn script(&self) -> std::sync::MutexGuard<'_, Script> {
        lock(&self.script)
    }

    /// The broker acknowledges the `i`th record sent.
    pub(crate) fn ack(&self, i: usize) {
        let ack = lock(&self.script).sent[i].ack.take().expect("in flight");
        self.deliveries.delivered(&ack);
    }

    /// The broker refuses the `i`th record sent for good.
    pub(crate) fn refuse(&self, i: usize, code: RDKafkaErrorCode) {
        let (ack, refused) = {
            let mut script = lock(&self.script);
            let s = &mut script.sent[i];
            let refused = Refused {
                topic: s.topic.clone(),
                partition: s.partition.unwrap_or(0),
                key: s.key.clone(),
                payload: Some(s.payload.clone()),
                headers: s.headers.clone(),
            };
            (s.ack.take().expect("in flight"), refused)
        };
        let error = KafkaError::MessageProduction(code);
        self.deliveries.failed(&error, || refused, ack);
    }

    /// Payloads sent to `topic`, in order.
    pub(crate) fn sent_to(&self, topic: &str) -> Vec<String> {
        (lock(&self.script).sent.iter())
            .filter(|s| s.topic == topic)
            .map(|s| String::from_utf8_lossy(&s.payload).into_owned())
            .collect()
    }

    pub(crate) fn commits(&self) -> Vec<(i32, i64)> {
        (lock(&self.script).log.iter())
            .filter_map(|l| match l {
                Logged::Commit(p, o) => Some((*p, *o)),
                Logged::Revoked(_) => None,
            })
            .collect()
    }
}

/// The test configuration (at least once, the dead-letter topic `in.dlq`), with `extra`
/// settings.
pub(crate) fn config(extra: &[(&str, &str)]) -> Config {
    let env: HashMap<String, String> = [
        ("DRAGOMAN__KAFKA__COMMIT_INTERVAL_MS", "1000"),
        ("DRAGOMAN__SHUTDOWN__GRACE_SECONDS", "5"),
    ]
    .iter()
    .chain(extra)
    .map(|(k, v)| (k.to_string(), v.to_string()))
    .collect();
    Config::load_with_env(STAGE, None, Some(env)).expect("test configuration")
}

/// A loop over `processor` on the fake clients; with `changelog`, its processor's records to
/// [`CHANGELOG`] are changelog records.
pub(crate) fn service<P: Processor + 'static>(
    processor: P,
    changelog: bool,
) -> (Loop<P, Fake>, Handle) {
    service_with(processor, changelog, &[])
}

/// [`service`] with `extra` settings.
pub(crate) fn service_with<P: Processor + 'static>(
    processor: P,
    changelog: bool,
    extra: &[(&str, &str)],
) -> (Loop<P, Fake>, Handle) {
    let cfg = config(extra);
    let spec = ServiceSpec {
        stage: STAGE,
        input: INPUT.into(),
        outputs: vec!["out".into()],
        changelog: changelog.then(|| CHANGELOG.into()),
    };
    let metrics = Arc::new(Metrics::new(spec.stage));
    metrics.declare_dlq_reasons(&["invalid_json"]);
    let health = Health::new(metrics.clone());
    let script = Arc::new(Mutex::new(Script::default()));
    let svc = ServiceContext::new(metrics.clone(), health.clone());
    let deliveries = Arc::new(Deliveries::new(svc, false));
    let shutdown = Shutdown::new();
    let parts = Parts {
        cfg,
        spec,
        metrics,
        health,
        shutdown: shutdown.clone(),
        producer: FakeProducer {
            script: script.clone(),
            deliveries: deliveries.clone(),
        },
        backend: Fake {
            script: script.clone(),
        },
        deliveries: deliveries.clone(),
    };
    let service = Loop::new(Arc::new(Shared::new(parts, processor))).expect("fake clients");
    let handle = Handle {
        script,
        deliveries,
        shutdown,
    };
    (service, handle)
}
