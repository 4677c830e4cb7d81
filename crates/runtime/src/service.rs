//! The stage loop: consume -> process -> produce, with the delivery guarantees of
//! docs/contracts.md.
//!
//! One synchronous loop per service owns the consumer and calls the stage's [`Processor`];
//! a threaded producer sends its outputs. Under at-least-once delivery a consumed offset is
//! committed only once every record produced from it, and every earlier offset of its
//! partition, is acknowledged ([`OffsetTracker`](crate::offsets::OffsetTracker)); partitions
//! being revoked are drained (producer flushed) and committed inside the rebalance callback,
//! before another member can own them. Under exactly-once the outputs and the consumed offsets
//! commit in one Kafka transaction.
//!
//! Stateful stages (dedup) keep their state in a changelog topic whose partition p mirrors input
//! partition p; when p is assigned, the loop replays changelog p into the processor before any
//! input record of p is processed.
//!
//! One module per job: [`processor`] (the API a stage implements), `run_loop` (the loop, as
//! named steps), `record` (one input record), `produce` and `delivery` (sending, and delivery
//! reports), `holds` (outputs waiting for their changelog records), `rebalance` (group
//! callbacks and commits), `restore` (changelog replay), `transaction` (exactly-once). The loop
//! reaches Kafka through the traits of `clients`, implemented on librdkafka in `librdkafka` and
//! in memory for the loop's unit tests in `fake`.

mod clients;
mod delivery;
#[cfg(test)]
mod fake;
mod holds;
mod librdkafka;
#[cfg(test)]
mod loop_tests;
pub mod processor;
mod produce;
mod rebalance;
mod record;
mod restore;
mod run_loop;
mod shared;
mod transaction;

use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use rdkafka::error::KafkaError;

use crate::admin::{AdminServer, Condition, Health};
use crate::config::{Config, Stage};
use crate::kafka::{KafkaSetupError, TopicSpec};
use crate::metrics::Metrics;
use crate::shutdown::Shutdown;

pub use crate::dead_letter::{
    header_str, HEADER_MESSAGE, HEADER_REASON, HEADER_SOURCE_OFFSET, HEADER_SOURCE_PARTITION,
    HEADER_SOURCE_TOPIC, HEADER_STAGE,
};
pub(crate) use clients::Consume;
pub use processor::{InputRecord, OutputRecord, Processor, Verdict};

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
    shutdown.exit_after_grace(cfg.grace())?;
    let result = run_loop::run_loop(cfg, spec, make, shutdown, metrics, health.clone());
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

pub(crate) fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    // A panic while holding one of these locks ends the process anyway; recovering the guard
    // keeps the shutdown path working during unwinding.
    m.lock().unwrap_or_else(|e| e.into_inner())
}
