//! The types that flow through dragoman, each defined once:
//! raw bytes -> [`Article`] -> [`CleanArticle`] -> [`CandidateEvent`] -> [`Event`].
//!
//! This crate depends on nothing of ours; every stage converts at its edges only.

pub mod article;
pub mod cameo;
pub mod event;
pub mod wire;

pub use article::{Article, CleanArticle, Dateline};
pub use cameo::{CameoCode, CameoTable, QuadClass};
pub use event::{
    Actor, ArticleRef, CandidateEvent, CoderInfo, DatePrecision, Event, Evidence, Location,
    LocationPrecision, Mentions, EVENT_SCHEMA,
};
