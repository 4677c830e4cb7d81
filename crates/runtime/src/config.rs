//! The runtime's part of the one configuration of every dragoman program, and the loader to
//! which each stage adds its own section.
//!
//! Layers, lowest first: `config/default.toml` (compiled in, so the binary runs from any
//! directory), the file given with `--config`, then `DRAGOMAN__SECTION__KEY` environment
//! variables. The runtime owns the sections every service has (`delivery`, `[kafka]`,
//! `[admin]`, `[topics]`, `[shutdown]`, `[log]`); a stage declares its own table as a
//! [`Section`] and registers it with the [`Loader`], which reads it from the same layers. Every
//! section denies unknown keys and checks its values, so a typo stops the service at start with
//! a message that names the key instead of being ignored.

use std::net::SocketAddr;
use std::path::Path;
use std::time::Duration;

use serde::Deserialize;

/// The defaults, compiled in. Also the documentation of every key, the stages' included: the
/// loader keeps the tables of the sections a program registers and drops the others.
pub const DEFAULT_TOML: &str = include_str!("../../../config/default.toml");

/// Environment prefix and separator: `DRAGOMAN__KAFKA__BROKERS` is `kafka.brokers`.
pub const ENV_PREFIX: &str = "DRAGOMAN";
pub const ENV_SEPARATOR: &str = "__";

mod error;
mod kafka;
mod section;

pub use error::ConfigError;
pub use kafka::{KafkaConfig, Secret};
pub use section::{Loader, Section, Sections};

/// Which program is being configured: decides the defaults that differ per service
/// (`kafka.group_id`, `admin.listen`) and labels its metrics. The runtime knows a stage only by
/// the name and port it is given.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stage {
    /// A Kafka service: `name` is the bounded `stage` label of its metrics and its consumer
    /// group is `dragoman-<name>`; `admin` is its default admin address.
    Service {
        name: &'static str,
        admin: &'static str,
    },
    /// The embedded pipeline and the command-line tools (produce, consume, loadgen, ...).
    Run,
}

impl Stage {
    /// The bounded `stage` label value of the metrics.
    pub fn as_str(self) -> &'static str {
        match self {
            Stage::Service { name, .. } => name,
            Stage::Run => "run",
        }
    }

    fn default_admin(self) -> &'static str {
        match self {
            Stage::Service { admin, .. } => admin,
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

/// The top-level keys of [`Config`]; any other top-level key is a stage's [`Section`].
pub(crate) const CORE_KEYS: [&str; 6] = ["delivery", "kafka", "admin", "topics", "shutdown", "log"];

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    pub delivery: Delivery,
    pub kafka: KafkaConfig,
    pub admin: AdminConfig,
    pub topics: TopicsConfig,
    pub shutdown: ShutdownConfig,
    pub log: LogConfig,
    /// The stages' sections this program registered with the [`Loader`].
    #[serde(skip)]
    pub sections: Sections,
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
    /// How the stages write the values of the topics between them (`articles_clean`,
    /// `events_extracted`); readers take either.
    pub internal_encoding: InternalEncoding,
}

/// The encoding of the internal topics' values: MessagePack maps (compact, field names kept)
/// or JSON. The `events` topic is JSON whatever this says.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum InternalEncoding {
    Msgpack,
    Json,
}

impl TopicsConfig {
    pub fn dlq_of(&self, input: &str) -> String {
        format!("{input}{}", self.dlq_suffix)
    }

    /// Every named topic with its key, for checks.
    fn named(&self) -> [(&'static str, &str); 5] {
        [
            ("topics.articles_raw", &self.articles_raw),
            ("topics.articles_clean", &self.articles_clean),
            ("topics.events_extracted", &self.events_extracted),
            ("topics.events", &self.events),
            ("topics.dedup_changelog", &self.dedup_changelog),
        ]
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

impl Config {
    /// Loads the runtime's sections for `stage` with `env` standing in for the process
    /// environment (`None`: the real one). Other top-level tables are left unread: they are
    /// stages' sections, which the programs that run stages register and check with a
    /// [`Loader`]. For clients of a configuration, such as the tests' harness.
    pub fn load_with_env(
        stage: Stage,
        file: Option<&Path>,
        env: Option<std::collections::HashMap<String, String>>,
    ) -> Result<Config, ConfigError> {
        let mut loader = Loader::new(stage).file(file).partial();
        if let Some(env) = env {
            loader = loader.env(env);
        }
        loader.load()
    }

    /// The section `S` as loaded. An error only if the program did not register it: a
    /// wiring mistake, reported rather than answered with defaults nobody chose.
    pub fn section<S: Section>(&self) -> Result<&S, ConfigError> {
        self.sections
            .get::<S>()
            .ok_or(ConfigError::NotRegistered { section: S::NAME })
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

    /// Checks the values that the types alone cannot (the runtime's sections; each stage's
    /// section checks its own, [`Section::validate`]).
    pub fn validate(&self) -> Result<(), ConfigError> {
        // Messages say what is wrong, never the value: it may be a secret (see `error.rs`).
        fn invalid(key: &'static str, message: impl Into<String>) -> ConfigError {
            ConfigError::invalid(key, message)
        }
        self.kafka.validate()?;
        if self.admin.listen.parse::<SocketAddr>().is_err() {
            return Err(invalid(
                "admin.listen",
                "is not an address like 127.0.0.1:9464",
            ));
        }
        for (key, name) in self.topics.named() {
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

    /// Two services, as a program would name them.
    const ALPHA: Stage = Stage::Service {
        name: "alpha",
        admin: "127.0.0.1:9465",
    };
    const BETA: Stage = Stage::Service {
        name: "beta",
        admin: "127.0.0.1:9466",
    };

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
        let cfg = Config::load_with_env(ALPHA, None, env(&[])).unwrap();
        assert_eq!(cfg.kafka.brokers, "127.0.0.1:9092");
        assert_eq!(cfg.kafka.group_id, "dragoman-alpha");
        assert_eq!(cfg.admin.listen, "127.0.0.1:9465");
        assert_eq!(cfg.topics.articles_raw, "articles.raw");
        assert_eq!(cfg.topics.articles_clean, "articles.clean");
        assert_eq!(cfg.topics.events_extracted, "events.extracted");
        assert_eq!(cfg.topics.events, "events");
        assert_eq!(cfg.topics.dlq_of("articles.raw"), "articles.raw.dlq");
        assert_eq!(cfg.delivery, Delivery::AtLeastOnce);
        let beta = Config::load_with_env(BETA, None, env(&[])).unwrap();
        assert_eq!(beta.admin.listen, "127.0.0.1:9466");
        assert_eq!(beta.kafka.group_id, "dragoman-beta");
        let run = Config::load_with_env(Stage::Run, None, env(&[])).unwrap();
        assert_eq!(run.admin.listen, "127.0.0.1:9468");
        assert_eq!(run.kafka.group_id, "dragoman-run");
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
            ALPHA,
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
        let err = Config::load_with_env(ALPHA, None, env(&[("DRAGOMAN__KAFKA__BROKRES", "x:1")]))
            .unwrap_err()
            .to_string();
        assert!(err.contains("brokres"), "{err}");
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
            let err = Config::load_with_env(ALPHA, None, env(&[(var, value)]))
                .unwrap_err()
                .to_string();
            assert!(err.contains(key), "{var}={value}: {err}");
        }
        let err =
            Config::load_with_env(ALPHA, None, env(&[("DRAGOMAN__DELIVERY", "at_most_once")]))
                .unwrap_err()
                .to_string();
        assert!(err.contains("delivery"), "{err}");
    }

    #[test]
    fn secrets_come_from_files_and_never_print() {
        let dir = tempfile::tempdir().unwrap();
        let secret = dir.path().join("pw");
        std::fs::write(&secret, "hunter2\n").unwrap();
        let cfg = Config::load_with_env(
            ALPHA,
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
        let err =
            Config::load_with_env(ALPHA, file.map(|_| path.as_path()), env(vars)).unwrap_err();
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
            ("DRAGOMAN__LOG__FORMAT", SECRET, "log.format"),
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
        let (err, _) = secret_free_error(None, &[("DRAGOMAN__TOPICS__PARTITIONS", SECRET)]);
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
                ALPHA,
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
            ALPHA,
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
            ALPHA,
            Some(Path::new("/nonexistent/dragoman.toml")),
            env(&[]),
        )
        .unwrap_err()
        .to_string();
        assert!(err.contains("/nonexistent/dragoman.toml"), "{err}");
        assert!(err.contains("cannot read"), "{err}");
    }
}
