//! Delivery on librdkafka's own mock cluster (`rdkafka::mocking::MockCluster`): a Kafka
//! cluster inside this test process, listening on loopback, that implements the transaction
//! requests tansu lacks (EndTxn) and injects request errors, round-trip delays and broker
//! outages on demand. The services run against it as processes, as in production. Most tests
//! use `dragoman ingest` alone: one input record, one output keyed by the article id, so
//! every id tells whether its record was lost or duplicated.
//!
//! What they show: exactly-once runs end to end, the three stages and dedup's changelog
//! included (it never had: tansu has no EndTxn); a commit that fails aborts the transaction
//! and the input is processed again, nothing lost; a transaction whose offsets fail to commit
//! is aborted, outputs included, never committed without them; a service killed
//! mid-transaction is replaced by one that processes the input again and commits; under
//! at-least-once, injected produce errors, produce requests that time out and a broker that
//! goes down and comes back lose no record.
//!
//! What the mock cannot do (librdkafka 2.12.1, `rdkafka_mock_handlers.c`, `rdkafka_mock.c`,
//! `rdkafka_mock_cgrp.c`), so what these tests do not show:
//!
//! - Transaction markers. EndTxn only checks the producer id: no commit or abort marker is
//!   written, and Fetch answers with LastStableOffset = high watermark and no aborted
//!   transactions. A `read_committed` consumer sees every transactional record at once,
//!   aborted ones and those of an open transaction included. That an aborted transaction's
//!   outputs are never seen, and that a crash replays with no duplicate visible, needs a
//!   real broker: here the aborted outputs are visible, so the tests check that nothing is
//!   lost and that the input is processed again, not that each output is seen once.
//! - Transactional offsets. TxnOffsetCommit is acknowledged but not stored: the group's
//!   committed offset never moves under `exactly_once`, so a restarted or aborting service
//!   resumes from the beginning of its input, and that the offsets committed with the outputs
//!   cannot be read back.
//! - Idempotence outside transactions. Sequence numbers are checked only for transactional
//!   producers: a plain idempotent producer's retried batch is appended again, where a real
//!   broker acknowledges it as a duplicate. Under at-least-once, records may then arrive twice.
//! - Group requests that time out. A consumer whose coordinator requests time out and are
//!   retried trips an assertion in the mock (`rdkafka_mock_cgrp.c:243`, `!member->resp`),
//!   which aborts this test process, or never gets back into its group after its session
//!   expired; so only produce requests are made to time out.
//! - CreateTopics. The tests create the topics on the mock and set `topics.create = false`.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Mutex;
use std::time::Duration;

use dragoman_e2e::{article, duplicate_revisions, json, latest_events, Env, Service};
use rdkafka::mocking::{MockCluster, MockCoordinator};
use rdkafka::producer::{
    BaseProducer, BaseRecord, DefaultProducerContext, DeliveryResult, Producer, ProducerContext,
};
use rdkafka::types::{RDKafkaApiKey, RDKafkaRespErr};
use rdkafka::{ClientConfig, ClientContext};

const READY: Duration = Duration::from_secs(60);
const ARRIVE: Duration = Duration::from_secs(90);

type Cluster = MockCluster<'static, DefaultProducerContext>;

/// A mock cluster with the pipeline's topics, and the environment of a service on it.
struct Mock {
    cluster: Cluster,
    env: Env,
}

impl Mock {
    fn new(test: &str, delivery: &str) -> Mock {
        Mock::with_brokers(test, delivery, 1)
    }

    fn with_brokers(test: &str, delivery: &str, brokers: i32) -> Mock {
        let cluster = MockCluster::new(brokers).expect("mock cluster");
        let mut env = Env::new(test, &cluster.bootstrap_servers());
        for topic in [
            "articles.raw",
            "articles.raw.dlq",
            "articles.clean",
            "articles.clean.dlq",
            "events.extracted",
            "events.extracted.dlq",
            "events",
            "dedup.changelog",
        ] {
            cluster
                .create_topic(&env.topic(topic), 2, 1)
                .expect("creating a topic on the mock");
        }
        env.set("DRAGOMAN__TOPICS__CREATE", "false")
            .set("DRAGOMAN__DELIVERY", delivery);
        Mock { cluster, env }
    }

    fn ingest(&self, extra: &[(&str, &str)]) -> Service {
        let mut s = self.env.start("ingest", extra);
        s.wait_ready(READY);
        s
    }

    /// Articles `a<from>` .. `a<to - 1>`, keyed by their id.
    fn send(&self, ids: std::ops::Range<usize>) -> BTreeSet<String> {
        let body = "Russia and Libya signed a cooperation agreement in Moscow on Monday.";
        let ids: BTreeSet<String> = ids.map(|i| format!("a{i}")).collect();
        let records: Vec<(Option<&str>, Vec<u8>)> = ids
            .iter()
            .map(|id| {
                let a = article(id, "mock.example", "2019-03-25T09:30:00Z", body);
                (Some(id.as_str()), a)
            })
            .collect();
        self.env.produce(&self.env.topic("articles.raw"), &records);
        ids
    }

    /// How many times each article id is in `articles.clean`, read as `read_committed`.
    fn clean_counts(&self) -> BTreeMap<String, usize> {
        let mut counts = BTreeMap::new();
        for r in self.env.read(&self.env.topic("articles.clean")) {
            let id = json(&r)["id"].as_str().unwrap_or_default().to_owned();
            *counts.entry(id).or_default() += 1;
        }
        counts
    }

    /// Waits until every id of `want` is in `articles.clean`; the counts then.
    fn wait_clean(&self, want: &BTreeSet<String>) -> BTreeMap<String, usize> {
        let clean = self.env.topic("articles.clean");
        self.env.read_until(&clean, ARRIVE, |records| {
            let seen: BTreeSet<String> = records
                .iter()
                .filter_map(|r| json(r)["id"].as_str().map(str::to_owned))
                .collect();
            want.is_subset(&seen)
        });
        self.clean_counts()
    }

    /// Fails the next `n` requests of `api` with `error`, whoever sends them.
    fn fail_next(&self, api: RDKafkaApiKey, error: RDKafkaRespErr, n: usize) {
        self.cluster.request_errors(api, &vec![error; n]);
    }

    /// Whether a record sent now, with no retry, is acknowledged: false while errors pushed
    /// on Produce are still waiting for a request.
    fn produce_once_succeeds(&self) -> bool {
        let p: BaseProducer<Acked> = ClientConfig::new()
            .set("bootstrap.servers", self.cluster.bootstrap_servers())
            .set("enable.idempotence", "false")
            .set("retries", "0")
            .set("message.timeout.ms", "10000")
            .create_with_context(Acked::default())
            .expect("probe producer");
        let topic = self.env.topic("articles.raw.dlq");
        p.send(BaseRecord::<[u8], [u8]>::to(&topic).payload(b"probe"))
            .map_err(|(e, _)| e)
            .expect("queueing the probe");
        let _ = p.flush(Duration::from_secs(15));
        let acked = *p.context().0.lock().unwrap() == Some(true);
        acked
    }
}

/// The delivery report of the last record a producer sent.
#[derive(Default)]
struct Acked(Mutex<Option<bool>>);

impl ClientContext for Acked {}

impl ProducerContext for Acked {
    type DeliveryOpaque = ();
    fn delivery(&self, result: &DeliveryResult<'_>, _: ()) {
        *self.0.lock().unwrap() = Some(result.is_ok());
    }
}

fn metric(s: &Service, name: &str) -> f64 {
    s.metric(&format!("{name}{{stage=\"ingest\"}}"))
}

fn commit_errors(s: &Service) -> f64 {
    s.metric(&format!(
        "dragoman_errors_total{{kind=\"commit\",stage=\"{}\"}}",
        s.stage
    ))
}

fn stop(mut s: Service) {
    let (status, _) = s.terminate(Duration::from_secs(20));
    assert!(status.success(), "{} exit {status}:\n{}", s.stage, s.log());
}

fn assert_each_once(counts: &BTreeMap<String, usize>, want: &BTreeSet<String>) {
    let wrong: Vec<_> = counts.iter().filter(|(_, n)| **n != 1).collect();
    assert!(wrong.is_empty(), "ids not exactly once: {wrong:?}");
    let ids: BTreeSet<String> = counts.keys().cloned().collect();
    assert_eq!(&ids, want);
}

fn assert_none_lost(counts: &BTreeMap<String, usize>, want: &BTreeSet<String>) {
    let lost: Vec<_> = want.iter().filter(|id| !counts.contains_key(*id)).collect();
    assert!(lost.is_empty(), "lost: {lost:?}");
}

#[test]
fn exactly_once_on_the_mock_commits_every_output_once() {
    let mock = Mock::new("mock-eos", "exactly_once");
    let ingest = mock.ingest(&[]);
    let want = mock.send(0..40);
    let counts = mock.wait_clean(&want);
    assert_each_once(&counts, &want);
    assert_eq!(metric(&ingest, "dragoman_records_in_total"), 40.0);
    assert_eq!(commit_errors(&ingest), 0.0, "{}", ingest.log());
    stop(ingest);
}

/// EndTxn answers UNKNOWN_PRODUCER_ID (an abortable error) to the commit: the service aborts,
/// rebuilds and processes the transaction's input again, and nothing is lost. On a real broker
/// the aborted outputs would be invisible to read_committed; the mock shows them (see above).
#[test]
fn exactly_once_a_failed_commit_aborts_and_processes_the_input_again() {
    let mock = Mock::new("mock-eos-abort", "exactly_once");
    let ingest = mock.ingest(&[]);
    mock.fail_next(
        RDKafkaApiKey::EndTxn,
        RDKafkaRespErr::RD_KAFKA_RESP_ERR_UNKNOWN_PRODUCER_ID,
        1,
    );
    let want = mock.send(0..40);
    let counts = mock.wait_clean(&want);
    assert_none_lost(&counts, &want);
    ingest.wait_metric(
        "dragoman_errors_total{kind=\"commit\",stage=\"ingest\"}",
        1.0,
        ARRIVE,
    );
    assert!(
        ingest.log().contains("transaction aborted"),
        "{}",
        ingest.log()
    );
    // Processed again: more records consumed than sent.
    ingest.wait_metric("dragoman_records_in_total{stage=\"ingest\"}", 41.0, ARRIVE);
    stop(ingest);
}

/// TxnOffsetCommit fails: the service does not commit the outputs without their offsets, it
/// aborts the transaction (outputs included) and processes the input again.
#[test]
fn exactly_once_offsets_that_fail_to_commit_abort_the_outputs_too() {
    let mock = Mock::new("mock-eos-offsets", "exactly_once");
    let ingest = mock.ingest(&[]);
    mock.fail_next(
        RDKafkaApiKey::TxnOffsetCommit,
        RDKafkaRespErr::RD_KAFKA_RESP_ERR_UNKNOWN_PRODUCER_ID,
        1,
    );
    let want = mock.send(0..40);
    let counts = mock.wait_clean(&want);
    assert_none_lost(&counts, &want);
    ingest.wait_metric(
        "dragoman_errors_total{kind=\"commit\",stage=\"ingest\"}",
        1.0,
        ARRIVE,
    );
    ingest.wait_metric("dragoman_records_in_total{stage=\"ingest\"}", 41.0, ARRIVE);
    stop(ingest);
}

/// kill -9 while a transaction is open (a minute long here): the successor, under the same
/// transactional id (which fences the killed instance and aborts its transaction), processes
/// the input again; nothing is lost and it commits.
#[test]
fn exactly_once_a_service_killed_mid_transaction_is_replayed_by_its_successor() {
    let mock = Mock::new("mock-eos-kill", "exactly_once");
    let long = [("DRAGOMAN__KAFKA__COMMIT_INTERVAL_MS", "60000")];
    let mut first = mock.ingest(&long);
    let want = mock.send(0..40);
    first.wait_metric("dragoman_records_in_total{stage=\"ingest\"}", 40.0, ARRIVE);
    first.kill9();

    let second = mock.ingest(&[]);
    second.wait_metric("dragoman_records_in_total{stage=\"ingest\"}", 40.0, ARRIVE);
    let more = mock.send(40..50);
    let counts = mock.wait_clean(&want.union(&more).cloned().collect());
    assert_none_lost(&counts, &want);
    assert_eq!(commit_errors(&second), 0.0, "{}", second.log());
    stop(second);
}

/// Produce requests fail with retriable errors (not enough replicas, leader moved, request
/// timed out on the broker, connection dropped): every record arrives.
#[test]
fn at_least_once_produce_errors_lose_nothing() {
    let mock = Mock::new("mock-alo-produce", "at_least_once");
    let want = mock.send(0..40);
    let ingest = {
        use RDKafkaRespErr::*;
        for error in [
            RD_KAFKA_RESP_ERR_NOT_ENOUGH_REPLICAS,
            RD_KAFKA_RESP_ERR_NOT_LEADER_FOR_PARTITION,
            RD_KAFKA_RESP_ERR_REQUEST_TIMED_OUT,
            RD_KAFKA_RESP_ERR__TRANSPORT,
        ] {
            mock.fail_next(RDKafkaApiKey::Produce, error, 2);
        }
        mock.ingest(&[])
    };
    let counts = mock.wait_clean(&want);
    assert_none_lost(&counts, &want);
    stop(ingest);
    // Every injected error met a request of the service's.
    assert!(mock.produce_once_succeeds(), "injected produce errors left");
}

/// The broker that leads the output topic answers in 3 s while the service waits at most 2 s
/// (`socket.timeout.ms`): its produce requests time out and are sent again, over new
/// connections, until the delay is lifted; every record arrives. (Some twice: the mock checks
/// sequence numbers only for transactional producers, so it appends a plain idempotent
/// producer's retried batch again where a real broker would acknowledge it as a duplicate.
/// At-least-once allows that; dedup hides it downstream.)
///
/// Only that broker is slow: the input's leader and the group coordinator are another one.
/// When the coordinator's requests time out, the mock cannot follow: the consumer's retried
/// SyncGroup trips an assertion in the mock (`rdkafka_mock_cgrp.c:243`, `!member->resp`) and
/// aborts the test process, or a member whose session expired never gets back into the group.
#[test]
fn at_least_once_produce_request_timeouts_lose_nothing() {
    let mock = Mock::with_brokers("mock-alo-rtt", "at_least_once", 3);
    let group = format!("{}-ingest", mock.env.prefix);
    mock.cluster
        .coordinator(MockCoordinator::Group(group), 1)
        .expect("coordinator");
    for p in 0..2 {
        for (topic, leader) in [
            ("articles.raw", 1),
            ("articles.raw.dlq", 1),
            ("articles.clean", 2),
        ] {
            mock.cluster
                .partition_leader(&mock.env.topic(topic), p, Some(leader))
                .expect("leader");
        }
    }
    let dir = tempfile::tempdir().expect("tempdir");
    let config = dir.path().join("timeouts.toml");
    std::fs::write(
        &config,
        "[kafka.properties]\n\"socket.timeout.ms\" = \"2000\"\n",
    )
    .expect("config file");
    let args = ["--config".as_ref(), config.as_os_str()];
    let mut ingest = Service::start_with_args("ingest", &args, &mock.env, &[]);
    ingest.wait_ready(READY);
    let before = mock.send(0..20);
    mock.wait_clean(&before);
    mock.cluster
        .broker_round_trip_time(2, Duration::from_secs(3))
        .expect("rtt");
    let during = mock.send(20..40);
    ingest.wait_metric("dragoman_records_in_total{stage=\"ingest\"}", 40.0, ARRIVE);
    std::thread::sleep(Duration::from_secs(5));
    mock.cluster
        .broker_round_trip_time(2, Duration::ZERO)
        .expect("rtt");
    let want: BTreeSet<String> = before.union(&during).cloned().collect();
    let counts = mock.wait_clean(&want);
    assert_none_lost(&counts, &want);
    assert!(
        ingest.log().contains("Timed out ProduceRequest"),
        "no produce request timed out:\n{}",
        ingest.log()
    );
    stop(ingest);
}

/// The broker goes down with records in flight, and comes back: every record arrives.
#[test]
fn at_least_once_a_broker_down_and_up_loses_nothing() {
    let mock = Mock::new("mock-alo-down", "at_least_once");
    let ingest = mock.ingest(&[]);
    let before = mock.send(0..20);
    mock.wait_clean(&before);
    let during = mock.send(20..40);
    mock.cluster.broker_down(-1).expect("broker down");
    std::thread::sleep(Duration::from_secs(5));
    mock.cluster.broker_up(-1).expect("broker up");
    let after = mock.send(40..50);
    let want: BTreeSet<String> = before.union(&during).chain(after.iter()).cloned().collect();
    let counts = mock.wait_clean(&want);
    assert_none_lost(&counts, &want);
    stop(ingest);
}

/// The three stages under `exactly_once`, dedup's changelog included, each in its own
/// transactions: the reciprocal agreement comes out as its two events, valid against
/// docs/event.schema.json, each revision once.
#[test]
fn exactly_once_the_three_stages_publish_events() {
    let mock = Mock::new("mock-eos-pipeline", "exactly_once");
    let mut services = ["ingest", "extract", "dedup"].map(|stage| mock.env.start(stage, &[]));
    for s in &mut services {
        s.wait_ready(READY);
    }
    let body = "Russia and Libya signed a cooperation agreement in Moscow on Monday.";
    let a = article("eos-1", "example-news.ly", "2019-03-25T09:30:00Z", body);
    mock.env
        .produce(&mock.env.topic("articles.raw"), &[(Some("eos-1"), a)]);
    let events = mock
        .env
        .read_until(&mock.env.topic("events"), ARRIVE, |r| r.len() >= 2);
    let pairs: BTreeSet<(String, String)> = latest_events(&events)
        .values()
        .filter(|e| e["code"] == "057")
        .map(|e| {
            let code = |side: &str| e[side]["code"].as_str().unwrap_or_default().to_owned();
            (code("source"), code("target"))
        })
        .collect();
    let want = [("RUS", "LBY"), ("LBY", "RUS")].map(|(s, t)| (s.to_owned(), t.to_owned()));
    assert_eq!(pairs, BTreeSet::from(want));
    assert!(duplicate_revisions(&events).is_empty());
    for s in services {
        assert_eq!(commit_errors(&s), 0.0);
        stop(s);
    }
}
