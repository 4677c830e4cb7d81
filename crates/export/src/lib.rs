//! dragoman's events as people and other tools read them.
//!
//! - [`table`]: one aligned line per event, for a person at a terminal.
//! - [`gdelt`]: the GDELT 2.0 event table (61 tab-separated columns), for the analysis code
//!   and packages written against GDELT; [`actor`] splits CAMEO actor codes into its columns.
//! - CSV: the same columns, for spreadsheets and data frames.
//! - [`latest`]: the latest revision of each event, since the stream publishes every revision.
//!
//! [`EventSink`] writes any of them, and JSONL, one event at a time. The columns, what fills
//! them and what is left empty are described in `docs/export.md`.

pub mod actor;
mod countries;
mod csv;
pub mod gdelt;
pub mod latest;
mod sink;
pub mod table;

pub use sink::{EventSink, Format, Written};
