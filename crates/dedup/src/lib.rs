//! Deduplication of coded events, docs/contracts.md#event-output (`event_id`, `revision`, `mentions`).
//!
//! The same happening reaches dragoman many times: Kafka redelivers a record, outlets
//! republish a wire story under their own headline, agencies report the same meeting in their
//! own words. A [`Deduplicator`] (one per input partition of `events.extracted`, whose key
//! [`dragoman_model::CandidateEvent::partition_key`] sends every candidate that could match
//! to the same partition) turns candidates into events with a stable `event_id`, a growing
//! `revision` and counts of mentions, articles, outlets and independent reports; each
//! (event_id, revision) is published once, and an event that left state and returns gets a
//! new id rather than revisions that go back. A candidate dated outside the dates it accepts
//! is a [`Rejection`] (a dead letter). It knows nothing of Kafka: it returns the events to
//! publish and the changelog records to write, and rebuilds its state from those records with
//! [`Deduplicator::restore`].

mod config;
mod dedup;
mod error;
mod hash;
#[cfg(feature = "service")]
pub mod service;
mod state;

pub use config::{DedupConfig, DedupSection, Emit};
pub use dedup::{
    ChangelogRecord, DecisionKind, DedupStats, Deduplicator, Outcome, EARLIEST_EVENT_DATE,
    MAX_DAYS_AHEAD,
};
pub use error::{DedupError, Rejection};
pub use state::{MAX_LISTED, MAX_TRACKED_ARTICLES};
