//! The `[kafka]` section: how a service reaches its cluster, with secrets that never print.

use std::collections::BTreeMap;
use std::fmt;

use serde::Deserialize;

#[derive(Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct KafkaConfig {
    pub brokers: String,
    /// Empty means `dragoman-<stage>`.
    pub group_id: String,
    pub client_id: String,
    pub security_protocol: String,
    pub sasl_mechanism: String,
    pub sasl_username: String,
    pub sasl_password: Secret,
    pub sasl_password_file: String,
    pub ssl_ca_location: String,
    pub ssl_certificate_location: String,
    pub ssl_key_location: String,
    pub ssl_key_password: Secret,
    pub statistics_interval_ms: u64,
    pub commit_interval_ms: u64,
    pub transaction_timeout_ms: u64,
    pub session_timeout_ms: u64,
    /// How long a fetch waits on the broker for new records (librdkafka `fetch.wait.max.ms`).
    pub fetch_wait_max_ms: u64,
    /// Bytes a fetch waits for, up to `fetch_wait_max_ms` (librdkafka `fetch.min.bytes`).
    pub fetch_min_bytes: u64,
    /// Producer batching delay (librdkafka `linger.ms`).
    pub linger_ms: u64,
    /// A backlog that does not move for this long makes the service not ready (0: off).
    pub stall_timeout_ms: u64,
    /// A backlog that does not move for this long stops the service with an error.
    pub stall_exit_ms: u64,
    /// The stall watchdog (`watchdog.rs`): a member holding no partition rejoins the group
    /// when the partitions with a backlog sit with a member that commits nothing. For brokers
    /// whose coordinator never evicts a dead member (the test broker, tansu); off by default.
    pub stall_watchdog: bool,
    /// Passed to librdkafka as is, after every typed key (so it can override them).
    pub properties: BTreeMap<String, String>,
}

impl fmt::Debug for KafkaConfig {
    // Spelled out so that a secret can never reach a log through `{:?}`; `properties` may hold
    // secrets too (`sasl.password`), so only its keys are shown.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("KafkaConfig")
            .field("brokers", &self.brokers)
            .field("group_id", &self.group_id)
            .field("client_id", &self.client_id)
            .field("security_protocol", &self.security_protocol)
            .field("sasl_mechanism", &self.sasl_mechanism)
            .field("sasl_username", &self.sasl_username)
            .field("sasl_password", &self.sasl_password)
            .field("sasl_password_file", &self.sasl_password_file)
            .field("ssl_ca_location", &self.ssl_ca_location)
            .field("ssl_certificate_location", &self.ssl_certificate_location)
            .field("ssl_key_location", &self.ssl_key_location)
            .field("ssl_key_password", &self.ssl_key_password)
            .field("statistics_interval_ms", &self.statistics_interval_ms)
            .field("commit_interval_ms", &self.commit_interval_ms)
            .field("transaction_timeout_ms", &self.transaction_timeout_ms)
            .field("session_timeout_ms", &self.session_timeout_ms)
            .field("fetch_wait_max_ms", &self.fetch_wait_max_ms)
            .field("fetch_min_bytes", &self.fetch_min_bytes)
            .field("linger_ms", &self.linger_ms)
            .field("stall_timeout_ms", &self.stall_timeout_ms)
            .field("stall_exit_ms", &self.stall_exit_ms)
            .field("stall_watchdog", &self.stall_watchdog)
            .field("properties", &self.properties.keys().collect::<Vec<_>>())
            .finish()
    }
}

/// A secret value: deserialised like a string, never printed.
#[derive(Clone, Default, Deserialize, PartialEq, Eq)]
#[serde(transparent)]
pub struct Secret(String);

impl Secret {
    pub fn new(value: impl Into<String>) -> Self {
        Secret(value.into())
    }
    pub fn expose(&self) -> &str {
        &self.0
    }
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.0.is_empty() {
            f.write_str("\"\"")
        } else {
            f.write_str("\"<redacted>\"")
        }
    }
}

impl KafkaConfig {
    /// Checks the values that the types alone cannot; the message names the key, never the
    /// value (it may be a secret).
    pub(super) fn validate(&self) -> Result<(), super::ConfigError> {
        use super::ConfigError;
        if self.brokers.trim().is_empty() {
            return Err(ConfigError::invalid(
                "kafka.brokers",
                "must name at least one broker",
            ));
        }
        const PROTOCOLS: [&str; 4] = ["plaintext", "ssl", "sasl_plaintext", "sasl_ssl"];
        let protocol = self.security_protocol.to_ascii_lowercase();
        if !PROTOCOLS.contains(&protocol.as_str()) {
            return Err(ConfigError::invalid(
                "kafka.security_protocol",
                format!("must be one of {PROTOCOLS:?}"),
            ));
        }
        if protocol.starts_with("sasl") && self.sasl_mechanism.is_empty() {
            return Err(ConfigError::invalid(
                "kafka.sasl_mechanism",
                "required when kafka.security_protocol is sasl_*",
            ));
        }
        if self.commit_interval_ms == 0 {
            return Err(ConfigError::invalid(
                "kafka.commit_interval_ms",
                "must be > 0",
            ));
        }
        Ok(())
    }
}
