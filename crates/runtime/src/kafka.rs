//! librdkafka clients: configuration (with security settings), the client context that turns
//! librdkafka's error and statistics callbacks into health and metrics, and topic creation.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use rdkafka::admin::{AdminClient, AdminOptions, NewTopic, TopicReplication};
use rdkafka::client::{ClientContext, DefaultClientContext};
use rdkafka::config::ClientConfig;
use rdkafka::error::{KafkaError, RDKafkaErrorCode};
use serde::Deserialize;

use crate::admin::{Condition, Health};
use crate::config::KafkaConfig;
use crate::metrics::{ErrorKind, Metrics};
use crate::shutdown::Shutdown;

#[derive(Debug, thiserror::Error)]
pub enum KafkaSetupError {
    #[error("kafka client: {0}")]
    Client(#[from] KafkaError),
    #[error("creating topic {topic}: {code}")]
    CreateTopic {
        topic: String,
        code: RDKafkaErrorCode,
    },
    #[error("shut down while waiting for the broker")]
    Shutdown,
}

/// librdkafka's `message.max.bytes` for every client (16 MiB).
pub const MESSAGE_MAX_BYTES: usize = 16 << 20;

/// Base librdkafka settings shared by every client: bootstrap, identity, security, then the
/// free-form `[kafka.properties]` (last, so an operator can override anything).
pub fn client_config(kafka: &KafkaConfig) -> ClientConfig {
    let mut c = ClientConfig::new();
    c.set("bootstrap.servers", &kafka.brokers)
        .set("client.id", &kafka.client_id)
        // Records over the 1 MiB article limit must still travel, to the DLQ as they came:
        // the client-side cap is raised and the broker's own limit decides.
        .set("message.max.bytes", MESSAGE_MAX_BYTES.to_string())
        .set(
            "security.protocol",
            kafka.security_protocol.to_ascii_lowercase(),
        );
    let optional = [
        ("sasl.mechanism", kafka.sasl_mechanism.as_str()),
        ("sasl.username", kafka.sasl_username.as_str()),
        ("sasl.password", kafka.sasl_password.expose()),
        ("ssl.ca.location", kafka.ssl_ca_location.as_str()),
        (
            "ssl.certificate.location",
            kafka.ssl_certificate_location.as_str(),
        ),
        ("ssl.key.location", kafka.ssl_key_location.as_str()),
        ("ssl.key.password", kafka.ssl_key_password.expose()),
    ];
    for (key, value) in optional {
        if !value.is_empty() {
            c.set(key, value);
        }
    }
    for (key, value) in &kafka.properties {
        c.set(key, value);
    }
    c
}

/// Client context of every long-lived client of a service: broker health and lag.
pub struct ServiceContext {
    metrics: Arc<Metrics>,
    health: Arc<Health>,
    /// Millis since `epoch` of the last "broker down" warning, to log with backoff rather than
    /// once per librdkafka retry.
    last_warning_ms: AtomicU64,
    warnings: AtomicU64,
    epoch: Instant,
}

impl ServiceContext {
    pub fn new(metrics: Arc<Metrics>, health: Arc<Health>) -> Self {
        ServiceContext {
            metrics,
            health,
            last_warning_ms: AtomicU64::new(0),
            warnings: AtomicU64::new(0),
            epoch: Instant::now(),
        }
    }

    pub fn metrics(&self) -> &Arc<Metrics> {
        &self.metrics
    }

    pub fn health(&self) -> &Arc<Health> {
        &self.health
    }

    /// The broker answered (a fetch, an ack, metadata): mark it connected.
    pub fn broker_up(&self) {
        // Every acknowledged record says so: when nothing changes, take no lock.
        if self.health.is_met(Condition::Broker) {
            if self.warnings.load(Ordering::Relaxed) != 0 {
                self.warnings.store(0, Ordering::Relaxed);
            }
            return;
        }
        tracing::info!("broker reachable");
        self.metrics.broker_connected.set(1);
        self.health.set(Condition::Broker, true, "");
        self.warnings.store(0, Ordering::Relaxed);
    }

    /// The broker is unreachable: health, metric, and a warning with exponential backoff
    /// (1 s, 2 s, 4 s ... 60 s between lines).
    pub fn broker_down(&self, reason: &str) {
        self.metrics.broker_connected.set(0);
        self.health.set(
            Condition::Broker,
            false,
            format!("broker unreachable: {reason}"),
        );
        self.metrics.error(ErrorKind::Broker);
        let now = self.epoch.elapsed().as_millis() as u64;
        let n = self.warnings.load(Ordering::Relaxed);
        let wait = 1000u64.saturating_mul(1 << n.min(6)).min(60_000);
        let last = self.last_warning_ms.load(Ordering::Relaxed);
        if n == 0 || now.saturating_sub(last) >= wait {
            self.last_warning_ms.store(now, Ordering::Relaxed);
            self.warnings.store(n + 1, Ordering::Relaxed);
            tracing::warn!(
                reason,
                "broker unreachable; librdkafka keeps retrying, nothing is dropped"
            );
        }
    }
}

/// Plain consumers of a service (the state restore) share its health and metrics.
impl rdkafka::consumer::ConsumerContext for ServiceContext {}

/// The part of librdkafka's statistics JSON we use.
#[derive(Deserialize)]
struct Stats {
    #[serde(default, rename = "type")]
    kind: String,
    #[serde(default)]
    brokers: HashMap<String, BrokerStats>,
    #[serde(default)]
    topics: HashMap<String, TopicStats>,
}

#[derive(Deserialize)]
struct BrokerStats {
    #[serde(default)]
    state: String,
    #[serde(default)]
    nodeid: i32,
}

#[derive(Deserialize)]
struct TopicStats {
    #[serde(default)]
    partitions: HashMap<String, PartitionStats>,
}

#[derive(Deserialize)]
struct PartitionStats {
    #[serde(default)]
    partition: i32,
    #[serde(default)]
    consumer_lag: i64,
    #[serde(default)]
    fetch_state: String,
}

impl ClientContext for ServiceContext {
    fn stats_raw(&self, statistics: &[u8]) {
        let stats: Stats = match serde_json::from_slice(statistics) {
            Ok(s) => s,
            Err(e) => {
                tracing::debug!(error = %e, "unparsable librdkafka statistics");
                return;
            }
        };
        // Bootstrap entries (nodeid -1) are placeholders; a learned broker that is UP means
        // the cluster answers.
        let up = stats
            .brokers
            .values()
            .any(|b| b.state == "UP" && b.nodeid >= 0);
        if up {
            self.broker_up();
        }
        if stats.kind == "consumer" {
            for (topic, t) in &stats.topics {
                for p in t.partitions.values() {
                    // -1 is librdkafka's internal "unassigned" partition; lag -1 is unknown.
                    if p.partition < 0 || p.fetch_state == "none" || p.consumer_lag < 0 {
                        continue;
                    }
                    self.metrics
                        .set_consumer_lag(topic, p.partition, p.consumer_lag);
                }
            }
        }
    }

    fn error(&self, error: KafkaError, reason: &str) {
        match error.rdkafka_error_code() {
            Some(RDKafkaErrorCode::AllBrokersDown) => self.broker_down(reason),
            // Reaching the end of a partition is news only to a reader that asked for it.
            Some(RDKafkaErrorCode::PartitionEOF) => {}
            Some(RDKafkaErrorCode::BrokerTransportFailure) | Some(RDKafkaErrorCode::Resolve) => {
                // One connection failing is routine (idle reconnects); only count it.
                self.metrics.error(ErrorKind::Broker);
                tracing::debug!(%error, reason, "broker connection");
            }
            _ => {
                self.metrics.error(ErrorKind::Broker);
                tracing::warn!(%error, reason, "kafka client error");
            }
        }
    }

    fn log(&self, level: rdkafka::config::RDKafkaLogLevel, fac: &str, log_message: &str) {
        use rdkafka::config::RDKafkaLogLevel as L;
        match level {
            L::Emerg | L::Alert | L::Critical | L::Error => {
                tracing::error!(target: "librdkafka", fac, "{log_message}")
            }
            L::Warning => tracing::warn!(target: "librdkafka", fac, "{log_message}"),
            L::Notice | L::Info => tracing::info!(target: "librdkafka", fac, "{log_message}"),
            L::Debug => tracing::debug!(target: "librdkafka", fac, "{log_message}"),
        }
    }
}

/// A topic to create if missing.
#[derive(Debug, Clone)]
pub struct TopicSpec {
    pub name: String,
    pub partitions: i32,
    pub replication: i32,
    /// `cleanup.policy=compact` (changelogs, the events topic).
    pub compact: bool,
}

/// Creates `topics` if missing, retrying with backoff while the broker is unreachable, until
/// `shutdown`. An existing topic is fine whatever its partition count.
pub fn ensure_topics(
    kafka: &KafkaConfig,
    topics: &[TopicSpec],
    shutdown: &Shutdown,
    on_retry: &dyn Fn(&str),
) -> Result<(), KafkaSetupError> {
    if topics.is_empty() {
        return Ok(());
    }
    let admin: AdminClient<DefaultClientContext> = client_config(kafka).create()?;
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| KafkaSetupError::Client(KafkaError::AdminOpCreation(e.to_string())))?;
    let mut backoff = Duration::from_millis(250);
    loop {
        // An unreachable broker holds the request for its whole timeout: watch for shutdown
        // meanwhile, so that SIGTERM stops the service at once in this state too.
        let attempt = rt.block_on(async {
            let create = create_once(&admin, topics);
            tokio::pin!(create);
            loop {
                tokio::select! {
                    r = &mut create => return Some(r),
                    _ = tokio::time::sleep(Duration::from_millis(100)) => {
                        if shutdown.is_triggered() {
                            return None;
                        }
                    }
                }
            }
        });
        let Some(attempt) = attempt else {
            return Err(KafkaSetupError::Shutdown);
        };
        match attempt {
            Ok(()) => return Ok(()),
            Err(KafkaSetupError::CreateTopic { topic, code }) if !is_transient(code) => {
                return Err(KafkaSetupError::CreateTopic { topic, code })
            }
            Err(e) => {
                on_retry(&e.to_string());
                tracing::warn!(error = %e, retry_in = ?backoff, "creating topics; retrying");
                if shutdown.wait_timeout(backoff) {
                    return Err(KafkaSetupError::Shutdown);
                }
                backoff = (backoff * 2).min(Duration::from_secs(10));
            }
        }
    }
}

fn is_transient(code: RDKafkaErrorCode) -> bool {
    !matches!(
        code,
        RDKafkaErrorCode::InvalidTopic
            | RDKafkaErrorCode::InvalidPartitions
            | RDKafkaErrorCode::InvalidReplicationFactor
            | RDKafkaErrorCode::TopicAuthorizationFailed
            | RDKafkaErrorCode::ClusterAuthorizationFailed
            | RDKafkaErrorCode::PolicyViolation
    )
}

async fn create_once(
    admin: &AdminClient<DefaultClientContext>,
    topics: &[TopicSpec],
) -> Result<(), KafkaSetupError> {
    let new: Vec<NewTopic<'_>> = topics
        .iter()
        .map(|t| {
            let n = NewTopic::new(
                &t.name,
                t.partitions,
                TopicReplication::Fixed(t.replication),
            );
            if t.compact {
                n.set("cleanup.policy", "compact")
            } else {
                n
            }
        })
        .collect();
    let opts = AdminOptions::new().operation_timeout(Some(Duration::from_secs(10)));
    let results = admin.create_topics(new.iter(), &opts).await?;
    for r in results {
        if let Err((topic, code)) = r {
            if code != RDKafkaErrorCode::TopicAlreadyExists {
                return Err(KafkaSetupError::CreateTopic { topic, code });
            }
        }
    }
    Ok(())
}

/// `true` for produce/commit errors that resolve themselves once the broker is back.
pub fn is_retriable(err: &KafkaError) -> bool {
    match err.rdkafka_error_code() {
        Some(code) => matches!(
            code,
            RDKafkaErrorCode::QueueFull
                | RDKafkaErrorCode::MessageTimedOut
                | RDKafkaErrorCode::AllBrokersDown
                | RDKafkaErrorCode::BrokerTransportFailure
                | RDKafkaErrorCode::RequestTimedOut
                | RDKafkaErrorCode::NotLeaderForPartition
                | RDKafkaErrorCode::LeaderNotAvailable
                | RDKafkaErrorCode::NetworkException
                | RDKafkaErrorCode::NotEnoughReplicas
                | RDKafkaErrorCode::NotEnoughReplicasAfterAppend
                | RDKafkaErrorCode::UnknownTopicOrPartition
                | RDKafkaErrorCode::CoordinatorLoadInProgress
                | RDKafkaErrorCode::CoordinatorNotAvailable
                | RDKafkaErrorCode::NotCoordinator
                | RDKafkaErrorCode::RebalanceInProgress
                | RDKafkaErrorCode::OperationTimedOut
        ),
        None => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::{Config, Stage};
    use std::collections::HashMap as Map;

    #[test]
    fn security_and_properties_reach_librdkafka() {
        let env: Map<String, String> = [
            ("DRAGOMAN__KAFKA__SECURITY_PROTOCOL", "SASL_SSL"),
            ("DRAGOMAN__KAFKA__SASL_MECHANISM", "PLAIN"),
            ("DRAGOMAN__KAFKA__SASL_USERNAME", "u"),
            ("DRAGOMAN__KAFKA__SASL_PASSWORD", "p"),
            ("DRAGOMAN__KAFKA__SSL_CA_LOCATION", "/ca.pem"),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_owned(), v.to_owned()))
        .collect();
        let mut cfg = Config::load_with_env(Stage::Run, None, Some(env)).unwrap();
        cfg.kafka
            .properties
            .insert("socket.keepalive.enable".into(), "true".into());
        let c = client_config(&cfg.kafka);
        assert_eq!(c.get("security.protocol"), Some("sasl_ssl"));
        assert_eq!(c.get("sasl.mechanism"), Some("PLAIN"));
        assert_eq!(c.get("sasl.username"), Some("u"));
        assert_eq!(c.get("sasl.password"), Some("p"));
        assert_eq!(c.get("ssl.ca.location"), Some("/ca.pem"));
        assert_eq!(c.get("socket.keepalive.enable"), Some("true"));
        assert_eq!(c.get("ssl.key.location"), None, "empty keys are not set");
    }

    #[test]
    fn statistics_feed_lag_and_broker_health() {
        let metrics = Arc::new(Metrics::new(Stage::Service {
            name: "extract",
            admin: "127.0.0.1:0",
        }));
        let health = Health::new(metrics.clone());
        let ctx = ServiceContext::new(metrics.clone(), health.clone());
        let stats = br#"{"type":"consumer","brokers":{
              "127.0.0.1:9092/bootstrap":{"state":"UP","nodeid":-1},
              "127.0.0.1:9092/111":{"state":"UP","nodeid":111}},
            "topics":{"articles.clean":{"partitions":{
              "0":{"partition":0,"consumer_lag":42,"fetch_state":"active"},
              "1":{"partition":1,"consumer_lag":-1,"fetch_state":"active"},
              "-1":{"partition":-1,"consumer_lag":0,"fetch_state":"none"}}}}}"#;
        ctx.stats_raw(stats);
        let text = metrics.render();
        assert!(text.contains(
            "dragoman_consumer_lag{partition=\"0\",stage=\"extract\",topic=\"articles.clean\"} 42"
        ), "{text}");
        assert!(!text.contains("partition=\"1\""));
        assert!(!text.contains("partition=\"-1\""));
        assert!(health.is_met(Condition::Broker));
        assert_eq!(metrics.broker_connected.get(), 1);

        ctx.error(
            KafkaError::Global(RDKafkaErrorCode::AllBrokersDown),
            "1/1 brokers are down",
        );
        assert!(!health.is_met(Condition::Broker));
        assert!(health.ready().unwrap_err().contains("1/1 brokers are down"));
        assert_eq!(metrics.broker_connected.get(), 0);
        assert_eq!(metrics.error_count(ErrorKind::Broker), 1);
    }
}

/// Kafka API key of EndTxn, the request that commits or aborts a transaction.
pub const API_END_TXN: i16 = 26;

/// The API keys (with version ranges) a broker advertises, by a plain ApiVersions v0 request.
///
/// librdkafka only finds out that a broker lacks an API when it first needs it (for EndTxn: at
/// the first transaction commit, after records were already produced). Asking up front lets a
/// service refuse a configuration the broker cannot honour, at start, with a clear message.
/// Plaintext listeners only; callers skip the probe under TLS/SASL.
pub fn broker_api_versions(
    addr: &str,
    timeout: Duration,
) -> std::io::Result<HashMap<i16, (i16, i16)>> {
    use std::io::{Error, ErrorKind, Read, Write};
    use std::net::ToSocketAddrs;
    let sock = addr
        .to_socket_addrs()?
        .next()
        .ok_or_else(|| Error::new(ErrorKind::NotFound, format!("cannot resolve {addr}")))?;
    let mut s = std::net::TcpStream::connect_timeout(&sock, timeout)?;
    s.set_read_timeout(Some(timeout))?;
    s.set_write_timeout(Some(timeout))?;
    let client = b"dragoman-probe";
    // Request header v1: api_key, api_version, correlation_id, client_id (int16-length string).
    let mut req = Vec::with_capacity(32);
    req.extend_from_slice(&18i16.to_be_bytes());
    req.extend_from_slice(&0i16.to_be_bytes());
    req.extend_from_slice(&7i32.to_be_bytes());
    req.extend_from_slice(&(client.len() as i16).to_be_bytes());
    req.extend_from_slice(client);
    let mut frame = (req.len() as i32).to_be_bytes().to_vec();
    frame.extend_from_slice(&req);
    s.write_all(&frame)?;
    let mut len = [0u8; 4];
    s.read_exact(&mut len)?;
    let len = i32::from_be_bytes(len);
    if !(10..=1 << 20).contains(&len) {
        return Err(Error::new(
            ErrorKind::InvalidData,
            "ApiVersions: bad frame length",
        ));
    }
    let mut body = vec![0u8; len as usize];
    s.read_exact(&mut body)?;
    parse_api_versions_v0(&body)
        .ok_or_else(|| Error::new(ErrorKind::InvalidData, "ApiVersions: malformed response"))
}

/// Response v0: correlation_id, error_code, [api_key, min_version, max_version].
fn parse_api_versions_v0(body: &[u8]) -> Option<HashMap<i16, (i16, i16)>> {
    let i16_at = |at: usize| {
        body.get(at..at + 2)
            .map(|b| i16::from_be_bytes([b[0], b[1]]))
    };
    let error = i16_at(4)?;
    if error != 0 {
        return None;
    }
    let n = i32::from_be_bytes(body.get(6..10)?.try_into().ok()?);
    let mut out = HashMap::new();
    for i in 0..n.max(0) as usize {
        let at = 10 + i * 6;
        out.insert(i16_at(at)?, (i16_at(at + 2)?, i16_at(at + 4)?));
    }
    Some(out)
}

#[cfg(test)]
mod probe_tests {
    #[test]
    fn parses_an_api_versions_response() {
        let mut body = 7i32.to_be_bytes().to_vec();
        body.extend_from_slice(&0i16.to_be_bytes());
        body.extend_from_slice(&2i32.to_be_bytes());
        for (k, lo, hi) in [(18i16, 0i16, 4i16), (26, 0, 3)] {
            body.extend_from_slice(&k.to_be_bytes());
            body.extend_from_slice(&lo.to_be_bytes());
            body.extend_from_slice(&hi.to_be_bytes());
        }
        let v = super::parse_api_versions_v0(&body).unwrap();
        assert_eq!(v.get(&super::API_END_TXN), Some(&(0, 3)));
        assert_eq!(v.len(), 2);
        body[5] = 35; // UNSUPPORTED_VERSION
        assert!(super::parse_api_versions_v0(&body).is_none());
        assert!(super::parse_api_versions_v0(&body[..3]).is_none());
    }
}
