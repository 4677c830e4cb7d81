//! The stage logic that is more than one library call, shared by the Kafka services and by
//! `dragoman run`:
//!
//! - [`Extractor`]: the coder behind a cache of recently coded texts, so that a syndicated copy
//!   whose cleaned text is identical to one already coded costs no second extraction;
//! - [`Pipeline`]: ingest, extract and dedup chained in one process, with no broker.
//!
//! Neither knows anything of Kafka: the runtime feeds the same types through topics.

mod cache;
mod config;
mod extractor;
mod pipeline;
#[cfg(feature = "service")]
pub mod service;

pub use cache::ContentCache;
pub use config::{CoderSection, ExtractSection};
pub use extractor::{ExtractOutcome, Extractor};
pub use pipeline::{Pipeline, PipelineConfig, PipelineStats, Processed, RecordOutcome};
