//! dragoman-runtime: the streaming backbone every dragoman service runs on.
//!
//! Kafka (consume -> process -> produce with at-least-once or exactly-once delivery, dead
//! letters, changelog-backed state), configuration, metrics, health and shutdown. It knows
//! nothing of CAMEO: a stage plugs in as a [`Processor`].

pub mod admin;
pub mod config;
pub mod dead_letter;
pub mod kafka;
pub mod metrics;
pub mod offsets;
pub mod progress;
pub mod service;
pub mod shutdown;
pub mod telemetry;
pub mod tools;
pub mod watchdog;

pub use admin::{Condition, Health};
pub use config::{Config, ConfigError, Delivery, Loader, Section, Stage};
pub use metrics::{ErrorKind, Metrics};
pub use service::{
    run_service, InputRecord, OutputRecord, Processor, ServiceError, ServiceSpec, Verdict,
};
pub use shutdown::Shutdown;
