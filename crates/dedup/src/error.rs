//! Errors of the dedup library.

use chrono::NaiveDate;
use thiserror::Error;

/// What can go wrong in restoring state from changelog records or in validating a
/// configuration. (Processing a candidate fails only as a [`Rejection`].)
#[derive(Debug, Error, PartialEq, Eq)]
pub enum DedupError {
    /// A changelog key that this library did not write (wrong length).
    #[error("changelog key has {len} bytes, expected {expected}")]
    BadKey { len: usize, expected: usize },
    /// A changelog value written by a newer (or unknown) version of the encoding.
    #[error("changelog value has unknown encoding version {0}")]
    UnknownVersion(u8),
    /// A changelog value that is truncated or inconsistent.
    #[error("changelog value is corrupt: {0}")]
    Corrupt(&'static str),
    /// The key and the value of a changelog record disagree on the event id.
    #[error("changelog key and value name different events")]
    KeyMismatch,
    /// A configuration value that cannot work.
    #[error("invalid dedup configuration: {0}")]
    InvalidConfig(String),
}

/// A candidate dedup refuses to turn into an event. State is left as it was; the stage sends
/// the record to its dead-letter topic with [`Rejection::reason`] (`dragoman run` reports it
/// on stderr with its line number).
#[derive(Debug, Clone, Copy, Error, PartialEq, Eq)]
pub enum Rejection {
    /// The event date is before [`crate::EARLIEST_EVENT_DATE`] or more than
    /// [`crate::MAX_DAYS_AHEAD`] days past the day the candidate is processed: a misread or
    /// misstated date (an article "published" in year 1 or 9999, whose "Monday" the coder
    /// dutifully dated in year 1 or 10000), not an event.
    #[error("event date {date} is outside the dates dedup accepts ({earliest} to {latest})")]
    DateOutOfRange {
        date: NaiveDate,
        earliest: NaiveDate,
        latest: NaiveDate,
    },
}

impl Rejection {
    /// Every [`Rejection::reason`].
    pub const REASONS: [&'static str; 1] = ["date_out_of_range"];

    /// The `reason` of the dead letter (`dragoman.error.reason`, and the label of
    /// `dragoman_dlq_records_total`).
    pub fn reason(&self) -> &'static str {
        match self {
            Self::DateOutOfRange { .. } => "date_out_of_range",
        }
    }
}
