//! The one typed configuration of every dragoman service.
//!
//! Layers, lowest first: `config/default.toml` (compiled in, so the binary runs from any
//! directory), the file given with `--config`, then `DRAGOMAN__SECTION__KEY` environment
//! variables. Every section denies unknown keys, and [`Config::validate`] checks values, so a typo
//! stops the service at start with a message that names the key instead of being ignored.

use std::collections::BTreeMap;
use std::fmt;
use std::net::SocketAddr;
use std::path::Path;
use std::time::Duration;

use serde::Deserialize;

/// The defaults, compiled in. Also the documentation of every key.
pub const DEFAULT_TOML: &str = include_str!("../../../config/default.toml");

/// Environment prefix and separator: `DRAGOMAN__KAFKA__BROKERS` is `kafka.brokers`.
pub const ENV_PREFIX: &str = "DRAGOMAN";
pub const ENV_SEPARATOR: &str = "__";

mod error;

pub use error::ConfigError;

/// Which service is being configured: decides the defaults that differ per stage
/// (`kafka.group_id`, `admin.listen`). The runtime knows stages only by name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stage {
    Ingest,
    Extract,
    Dedup,
    /// The pass-through baseline of the end-to-end benchmark.
    Passthrough,
    /// The embedded pipeline and the command-line tools (produce, consume, loadgen, ...).
    Run,
}

impl Stage {
    /// The bounded `stage` label value of the metrics.
    pub fn as_str(self) -> &'static str {
        match self {
            Stage::Ingest => "ingest",
            Stage::Extract => "extract",
            Stage::Dedup => "dedup",
            Stage::Passthrough => "passthrough",
            Stage::Run => "run",
        }
    }

    fn default_admin(self) -> &'static str {
        match self {
            Stage::Ingest => "127.0.0.1:9464",
            Stage::Extract => "127.0.0.1:9465",
            Stage::Dedup => "127.0.0.1:9466",
            Stage::Passthrough => "127.0.0.1:9467",
            Stage::Run => "127.0.0.1:9468",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Delivery {
    /// Offsets are stored only once every record produced from them is acknowledged.
    AtLeastOnce,
    /// Kafka transactions: outputs and consumed offsets commit atomically.
    ExactlyOnce,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    pub delivery: Delivery,
    pub kafka: KafkaConfig,
    pub admin: AdminConfig,
    pub topics: TopicsConfig,
    pub shutdown: ShutdownConfig,
    pub log: LogConfig,
    pub ingest: IngestConfig,
    pub extract: ExtractConfig,
    pub dedup: DedupConfig,
    pub coder: CoderConfig,
}

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

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AdminConfig {
    /// Empty means the stage's default port on 127.0.0.1.
    pub listen: String,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TopicsConfig {
    pub articles_raw: String,
    pub articles_clean: String,
    pub events_extracted: String,
    pub events: String,
    pub dedup_changelog: String,
    /// Suffix of the dead-letter topic of an input topic.
    pub dlq_suffix: String,
    /// Whether a service creates the topics it uses at start (tansu does not auto-create them).
    pub create: bool,
    pub partitions: i32,
    pub replication_factor: i32,
}

impl TopicsConfig {
    pub fn dlq_of(&self, input: &str) -> String {
        format!("{input}{}", self.dlq_suffix)
    }
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ShutdownConfig {
    pub grace_seconds: u64,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LogConfig {
    pub format: LogFormat,
    /// A `tracing` filter directive, e.g. `info` or `dragoman_runtime=debug,info`.
    pub level: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LogFormat {
    Text,
    Json,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IngestConfig {
    pub max_bytes: usize,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ExtractConfig {
    pub cache_size: usize,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CoderConfig {
    /// A dictionary directory laid over the bundled dictionaries (or a PETRARCH-2 directory);
    /// empty means the bundled ones alone.
    pub dictionaries: String,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DedupConfig {
    pub match_window_days: u32,
    pub state_window_hours: u32,
    pub max_keys: usize,
    pub copy_max_hamming: u32,
    pub emit: DedupEmit,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DedupEmit {
    /// Every revision of an event is published.
    Updates,
    /// Only the first report of an event is published.
    First,
}

impl Config {
    /// Loads the layers for `stage` from the real environment.
    pub fn load(stage: Stage, file: Option<&Path>) -> Result<Config, ConfigError> {
        Self::load_with_env(stage, file, None)
    }

    /// Loads the layers with `env` standing in for the process environment (tests).
    pub fn load_with_env(
        stage: Stage,
        file: Option<&Path>,
        env: Option<std::collections::HashMap<String, String>>,
    ) -> Result<Config, ConfigError> {
        let mut builder = config::Config::builder().add_source(config::File::from_str(
            DEFAULT_TOML,
            config::FileFormat::Toml,
        ));
        if let Some(path) = file {
            // Read and checked here, so that an unreadable file or a syntax error is reported
            // by path and line, without the line (see `error.rs`).
            let text = std::fs::read_to_string(path).map_err(|error| ConfigError::Read {
                path: path.to_owned(),
                error,
            })?;
            error::check_toml(path, &text)?;
            builder = builder.add_source(config::File::from(path).format(config::FileFormat::Toml));
        }
        // No `try_parsing`: it would turn a password of "0123" into the number 123 (and back
        // into "123"). Values stay strings; numeric and boolean keys parse them when read.
        let mut environment = config::Environment::with_prefix(ENV_PREFIX)
            .prefix_separator(ENV_SEPARATOR)
            .separator(ENV_SEPARATOR);
        if let Some(env) = env {
            environment = environment.source(Some(env.into_iter().collect()));
        }
        let mut cfg: Config = builder
            .add_source(environment)
            .build()
            .and_then(config::Config::try_deserialize)
            .map_err(|e| error::redact(&e, file))?;
        cfg.apply_stage_defaults(stage);
        cfg.read_secret_files()?;
        cfg.validate()?;
        Ok(cfg)
    }

    fn apply_stage_defaults(&mut self, stage: Stage) {
        if self.kafka.group_id.is_empty() {
            self.kafka.group_id = format!("dragoman-{}", stage.as_str());
        }
        if self.admin.listen.is_empty() {
            self.admin.listen = stage.default_admin().to_owned();
        }
    }

    fn read_secret_files(&mut self) -> Result<(), ConfigError> {
        let path = self.kafka.sasl_password_file.trim();
        if !path.is_empty() {
            let text = std::fs::read_to_string(path).map_err(|error| ConfigError::SecretFile {
                key: "kafka.sasl_password_file",
                error,
            })?;
            // A trailing newline in a mounted secret is never part of the password.
            self.kafka.sasl_password = Secret::new(text.trim_end_matches(['\n', '\r']));
        }
        Ok(())
    }

    /// Checks the values that the types alone cannot.
    pub fn validate(&self) -> Result<(), ConfigError> {
        // Messages say what is wrong, never the value: it may be a secret (see `error.rs`).
        fn invalid(key: &'static str, message: impl Into<String>) -> ConfigError {
            ConfigError::invalid(key, message)
        }
        if self.kafka.brokers.trim().is_empty() {
            return Err(invalid("kafka.brokers", "must name at least one broker"));
        }
        const PROTOCOLS: [&str; 4] = ["plaintext", "ssl", "sasl_plaintext", "sasl_ssl"];
        if !PROTOCOLS.contains(&self.kafka.security_protocol.to_ascii_lowercase().as_str()) {
            return Err(invalid(
                "kafka.security_protocol",
                format!("must be one of {PROTOCOLS:?}"),
            ));
        }
        if self
            .kafka
            .security_protocol
            .to_ascii_lowercase()
            .starts_with("sasl")
            && self.kafka.sasl_mechanism.is_empty()
        {
            return Err(invalid(
                "kafka.sasl_mechanism",
                "required when kafka.security_protocol is sasl_*",
            ));
        }
        if self.kafka.commit_interval_ms == 0 {
            return Err(invalid("kafka.commit_interval_ms", "must be > 0"));
        }
        if self.admin.listen.parse::<SocketAddr>().is_err() {
            return Err(invalid(
                "admin.listen",
                "is not an address like 127.0.0.1:9464",
            ));
        }
        let topics = [
            ("topics.articles_raw", &self.topics.articles_raw),
            ("topics.articles_clean", &self.topics.articles_clean),
            ("topics.events_extracted", &self.topics.events_extracted),
            ("topics.events", &self.topics.events),
            ("topics.dedup_changelog", &self.topics.dedup_changelog),
        ];
        for (key, name) in topics {
            if !valid_topic_name(name) {
                return Err(invalid(
                    key,
                    "is not a Kafka topic name ([a-zA-Z0-9._-], 1..=200 chars)",
                ));
            }
        }
        if self.topics.dlq_suffix.is_empty() {
            return Err(invalid("topics.dlq_suffix", "must not be empty"));
        }
        if self.topics.partitions < 1 {
            return Err(invalid("topics.partitions", "must be >= 1"));
        }
        if self.topics.replication_factor < 1 {
            return Err(invalid("topics.replication_factor", "must be >= 1"));
        }
        if self.shutdown.grace_seconds == 0 {
            return Err(invalid("shutdown.grace_seconds", "must be >= 1"));
        }
        if self.ingest.max_bytes == 0 {
            return Err(invalid("ingest.max_bytes", "must be > 0"));
        }
        if self.dedup.match_window_days == 0 {
            return Err(invalid("dedup.match_window_days", "must be >= 1"));
        }
        if self.dedup.state_window_hours == 0 {
            return Err(invalid("dedup.state_window_hours", "must be >= 1"));
        }
        if self.dedup.max_keys == 0 {
            return Err(invalid("dedup.max_keys", "must be >= 1"));
        }
        if self.dedup.copy_max_hamming > 64 {
            return Err(invalid(
                "dedup.copy_max_hamming",
                "must be <= 64 (bits of a simhash)",
            ));
        }
        Ok(())
    }

    pub fn admin_addr(&self) -> SocketAddr {
        // Validated in `validate`.
        self.admin.listen.parse().expect("admin.listen validated")
    }

    pub fn grace(&self) -> Duration {
        Duration::from_secs(self.shutdown.grace_seconds)
    }
}

fn valid_topic_name(name: &str) -> bool {
    (1..=200).contains(&name.len())
        && name != "."
        && name != ".."
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'-'))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;
    use std::path::PathBuf;

    fn env(pairs: &[(&str, &str)]) -> Option<HashMap<String, String>> {
        Some(
            pairs
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
        )
    }

    #[test]
    fn defaults_follow_the_spec() {
        let cfg = Config::load_with_env(Stage::Extract, None, env(&[])).unwrap();
        assert_eq!(cfg.kafka.brokers, "127.0.0.1:9092");
        assert_eq!(cfg.kafka.group_id, "dragoman-extract");
        assert_eq!(cfg.admin.listen, "127.0.0.1:9465");
        assert_eq!(cfg.topics.articles_raw, "articles.raw");
        assert_eq!(cfg.topics.articles_clean, "articles.clean");
        assert_eq!(cfg.topics.events_extracted, "events.extracted");
        assert_eq!(cfg.topics.events, "events");
        assert_eq!(cfg.topics.dlq_of("articles.raw"), "articles.raw.dlq");
        assert_eq!(cfg.delivery, Delivery::AtLeastOnce);
        assert_eq!(cfg.ingest.max_bytes, 1 << 20);
        let ingest = Config::load_with_env(Stage::Ingest, None, env(&[])).unwrap();
        assert_eq!(ingest.admin.listen, "127.0.0.1:9464");
        let dedup = Config::load_with_env(Stage::Dedup, None, env(&[])).unwrap();
        assert_eq!(dedup.admin.listen, "127.0.0.1:9466");
        assert_eq!(dedup.kafka.group_id, "dragoman-dedup");
    }

    #[test]
    fn environment_overrides_file_which_overrides_defaults() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("c.toml");
        std::fs::write(
            &path,
            "delivery = \"exactly_once\"\n[kafka]\nbrokers = \"file:1\"\ngroup_id = \"g\"\n",
        )
        .unwrap();
        let cfg = Config::load_with_env(
            Stage::Extract,
            Some(&path),
            env(&[
                ("DRAGOMAN__KAFKA__BROKERS", "127.0.0.1:19092"),
                ("DRAGOMAN__ADMIN__LISTEN", "127.0.0.1:0"),
                ("DRAGOMAN__TOPICS__PARTITIONS", "7"),
            ]),
        )
        .unwrap();
        assert_eq!(cfg.kafka.brokers, "127.0.0.1:19092");
        assert_eq!(cfg.kafka.group_id, "g");
        assert_eq!(cfg.admin.listen, "127.0.0.1:0");
        assert_eq!(cfg.topics.partitions, 7);
        assert_eq!(cfg.delivery, Delivery::ExactlyOnce);
    }

    #[test]
    fn unknown_key_is_named() {
        let err = Config::load_with_env(
            Stage::Ingest,
            None,
            env(&[("DRAGOMAN__KAFKA__BROKRES", "x:1")]),
        )
        .unwrap_err()
        .to_string();
        assert!(err.contains("brokres"), "{err}");

        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("c.toml");
        std::fs::write(&path, "[dedup]\nmax_keyz = 3\n").unwrap();
        let err = Config::load_with_env(Stage::Dedup, Some(&path), env(&[]))
            .unwrap_err()
            .to_string();
        assert!(err.contains("max_keyz"), "{err}");
    }

    #[test]
    fn bad_values_are_named() {
        let cases = [
            ("DRAGOMAN__TOPICS__PARTITIONS", "0", "topics.partitions"),
            ("DRAGOMAN__ADMIN__LISTEN", "nowhere", "admin.listen"),
            ("DRAGOMAN__TOPICS__EVENTS", "bad topic", "topics.events"),
            (
                "DRAGOMAN__KAFKA__SECURITY_PROTOCOL",
                "carrier_pigeon",
                "kafka.security_protocol",
            ),
            (
                "DRAGOMAN__SHUTDOWN__GRACE_SECONDS",
                "0",
                "shutdown.grace_seconds",
            ),
        ];
        for (var, value, key) in cases {
            let err = Config::load_with_env(Stage::Ingest, None, env(&[(var, value)]))
                .unwrap_err()
                .to_string();
            assert!(err.contains(key), "{var}={value}: {err}");
        }
        let err = Config::load_with_env(
            Stage::Ingest,
            None,
            env(&[("DRAGOMAN__DELIVERY", "at_most_once")]),
        )
        .unwrap_err()
        .to_string();
        assert!(err.contains("delivery"), "{err}");
        let err = Config::load_with_env(
            Stage::Ingest,
            None,
            env(&[("DRAGOMAN__INGEST__MAX_BYTES", "lots")]),
        )
        .unwrap_err()
        .to_string();
        assert!(err.contains("max_bytes"), "{err}");
    }

    #[test]
    fn secrets_come_from_files_and_never_print() {
        let dir = tempfile::tempdir().unwrap();
        let secret = dir.path().join("pw");
        std::fs::write(&secret, "hunter2\n").unwrap();
        let cfg = Config::load_with_env(
            Stage::Ingest,
            None,
            env(&[
                ("DRAGOMAN__KAFKA__SECURITY_PROTOCOL", "sasl_ssl"),
                ("DRAGOMAN__KAFKA__SASL_MECHANISM", "SCRAM-SHA-512"),
                ("DRAGOMAN__KAFKA__SASL_USERNAME", "svc"),
                (
                    "DRAGOMAN__KAFKA__SASL_PASSWORD_FILE",
                    secret.to_str().unwrap(),
                ),
                ("DRAGOMAN__KAFKA__SSL_KEY_PASSWORD", "keypass"),
            ]),
        )
        .unwrap();
        assert_eq!(cfg.kafka.sasl_password.expose(), "hunter2");
        let shown = format!("{cfg:?}");
        assert!(!shown.contains("hunter2"), "{shown}");
        assert!(!shown.contains("keypass"), "{shown}");
        assert!(shown.contains("<redacted>"));
    }

    // --- config errors never echo values (issue: "a TOML syntax error in a config file echoes
    // the offending line, a password included") ----------------------------------------------

    const SECRET: &str = "hunter2-s3cret";

    /// The error of loading `file` (TOML text) and `vars`, checked to quote no secret in its
    /// `Display`, alternate `Display` or `Debug`.
    fn secret_free_error(file: Option<&str>, vars: &[(&str, &str)]) -> (String, PathBuf) {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("my.toml");
        if let Some(text) = file {
            std::fs::write(&path, text).unwrap();
        }
        let err = Config::load_with_env(Stage::Ingest, file.map(|_| path.as_path()), env(vars))
            .unwrap_err();
        let shown = [
            err.to_string(),
            format!("{err:#}"),
            format!("{err:?}"),
            format!("{err:#?}"),
        ];
        for text in &shown {
            assert!(!text.contains(SECRET), "{text}");
            assert!(!text.contains("hunter2"), "{text}");
            assert!(!text.contains("s3cret"), "{text}");
        }
        (shown[0].clone(), path)
    }

    #[test]
    fn a_toml_syntax_error_never_echoes_the_line() {
        let cases = [
            // An unterminated string: the rest of the file would be quoted.
            (format!("[kafka]\nsasl_password = \"{SECRET}\n"), 2),
            // A value without quotes.
            (
                format!("[kafka]\nbrokers = \"b:1\"\nsasl_password = {SECRET}\n"),
                3,
            ),
            // A missing `=`.
            (format!("\n[kafka]\nssl_key_password \"{SECRET}\"\n"), 3),
            // Text after the value.
            (format!("[kafka]\nsasl_password = '{SECRET}' and more\n"), 2),
            // A multi-line string never closed, in the free-form properties: found at the end.
            (
                format!("[kafka.properties]\n\"sasl.password\" = \"\"\"{SECRET}\n"),
                3,
            ),
            // A duplicate key.
            (
                format!("[kafka]\nsasl_password = \"a\"\nsasl_password = \"{SECRET}\"\n"),
                3,
            ),
        ];
        for (text, line) in cases {
            let (err, path) = secret_free_error(Some(&text), &[]);
            assert!(err.contains(&path.display().to_string()), "{err}");
            assert!(err.contains(&format!("line {line},")), "{text:?}: {err}");
            assert!(err.contains("not valid TOML"), "{err}");
        }
    }

    #[test]
    fn a_value_of_the_wrong_type_in_a_file_is_named_without_its_value() {
        let (err, path) = secret_free_error(
            Some(&format!("[kafka]\nstatistics_interval_ms = \"{SECRET}\"\n")),
            &[],
        );
        assert!(err.contains("kafka.statistics_interval_ms"), "{err}");
        assert!(err.contains(&path.display().to_string()), "{err}");
        assert!(err.contains("found a string"), "{err}");

        for text in [
            format!("[kafka]\nsasl_password = [\"{SECRET}\"]\n"),
            format!("[kafka]\nsasl_password = {{ value = \"{SECRET}\" }}\n"),
            format!("delivery = \"{SECRET}\"\n"),
            format!("[log]\nformat = \"{SECRET}\"\n"),
            format!("[topics]\ncreate = \"{SECRET}\"\n"),
            format!("[kafka]\nproperties = \"{SECRET}\"\n"),
            format!("kafka = \"{SECRET}\"\n"),
        ] {
            let (err, _) = secret_free_error(Some(&text), &[]);
            assert!(err.contains("configuration key `"), "{text:?}: {err}");
        }
    }

    #[test]
    fn an_unknown_key_is_named_without_its_value() {
        let (err, _) = secret_free_error(
            Some(&format!("[kafka]\nsasl_pasword = \"{SECRET}\"\n")),
            &[],
        );
        assert!(err.contains("`kafka.sasl_pasword`"), "{err}");
        assert!(err.contains("unknown key"), "{err}");
        let (err, _) = secret_free_error(None, &[("DRAGOMAN__KAFKA__SASL_PASWORD", SECRET)]);
        assert!(err.contains("`kafka.sasl_pasword`"), "{err}");
    }

    #[test]
    fn a_bad_value_from_the_environment_is_named_without_its_value() {
        let not_a_topic = format!("{SECRET}!");
        let cases = [
            (
                "DRAGOMAN__KAFKA__SESSION_TIMEOUT_MS",
                SECRET,
                "kafka.session_timeout_ms",
            ),
            ("DRAGOMAN__TOPICS__PARTITIONS", SECRET, "topics.partitions"),
            ("DRAGOMAN__TOPICS__CREATE", SECRET, "topics.create"),
            ("DRAGOMAN__DELIVERY", SECRET, "delivery"),
            ("DRAGOMAN__DEDUP__EMIT", SECRET, "dedup.emit"),
            ("DRAGOMAN__ADMIN__LISTEN", SECRET, "admin.listen"),
            ("DRAGOMAN__TOPICS__EVENTS", &not_a_topic, "topics.events"),
            (
                "DRAGOMAN__KAFKA__SECURITY_PROTOCOL",
                SECRET,
                "kafka.security_protocol",
            ),
        ];
        for (var, value, key) in cases {
            let (err, _) = secret_free_error(None, &[(var, value)]);
            assert!(err.contains(&format!("`{key}`")), "{var}: {err}");
        }
        let (err, _) = secret_free_error(None, &[("DRAGOMAN__INGEST__MAX_BYTES", SECRET)]);
        assert!(err.contains("from the environment"), "{err}");
    }

    #[test]
    fn a_non_utf8_environment_variable_is_named_without_its_bytes() {
        // What the `config` crate reports for DRAGOMAN__KAFKA__SASL_PASSWORD=b"hunter2\xff"
        // (config 0.15, env.rs): the variable and its bytes.
        let raw = config::ConfigError::Message(format!(
            "env variable {:?} contains non-Unicode data: {:?}",
            "kafka__sasl_password",
            std::ffi::OsStr::new(SECRET)
        ));
        assert!(
            raw.to_string().contains(SECRET),
            "the loader's own message quotes it"
        );
        let err = error::redact(&raw, None);
        let shown = format!("{err} {err:?}");
        assert!(!shown.contains(SECRET), "{shown}");
        assert!(shown.contains("`kafka.sasl_password`"), "{shown}");
        assert!(shown.contains("UTF-8"), "{shown}");
    }

    #[test]
    fn a_message_the_loader_does_not_recognise_is_not_passed_on() {
        let err = error::redact(&config::ConfigError::Message(format!("odd {SECRET}")), None);
        assert!(!format!("{err} {err:?}").contains(SECRET), "{err}");
    }

    #[test]
    fn an_unreadable_secret_file_is_named_by_its_key_not_its_path() {
        let (err, _) = secret_free_error(
            None,
            &[(
                "DRAGOMAN__KAFKA__SASL_PASSWORD_FILE",
                &format!("/nonexistent/{SECRET}"),
            )],
        );
        assert!(err.contains("`kafka.sasl_password_file`"), "{err}");
    }

    #[test]
    fn a_numeric_looking_secret_from_the_environment_is_kept_as_written() {
        for password in ["0123", "1e3", "TRUE", "1.50", "-0"] {
            let cfg = Config::load_with_env(
                Stage::Ingest,
                None,
                env(&[
                    ("DRAGOMAN__KAFKA__SASL_PASSWORD", password),
                    ("DRAGOMAN__KAFKA__GROUP_ID", password),
                ]),
            )
            .unwrap();
            assert_eq!(cfg.kafka.sasl_password.expose(), password);
            assert_eq!(cfg.kafka.group_id, password);
        }
        // Numbers and booleans still parse from the environment.
        let cfg = Config::load_with_env(
            Stage::Ingest,
            None,
            env(&[
                ("DRAGOMAN__TOPICS__PARTITIONS", "7"),
                ("DRAGOMAN__TOPICS__CREATE", "false"),
                ("DRAGOMAN__KAFKA__LINGER_MS", "0"),
            ]),
        )
        .unwrap();
        assert_eq!(cfg.topics.partitions, 7);
        assert!(!cfg.topics.create);
        assert_eq!(cfg.kafka.linger_ms, 0);
    }

    #[test]
    fn an_unreadable_config_file_is_named() {
        let err = Config::load_with_env(
            Stage::Ingest,
            Some(Path::new("/nonexistent/dragoman.toml")),
            env(&[]),
        )
        .unwrap_err()
        .to_string();
        assert!(err.contains("/nonexistent/dragoman.toml"), "{err}");
        assert!(err.contains("cannot read"), "{err}");
    }
}
