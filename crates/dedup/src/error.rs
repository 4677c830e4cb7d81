//! Errors of the dedup library.

use thiserror::Error;

/// What can go wrong in dedup. Processing a candidate cannot fail (every candidate gets a
/// decision); only restoring state from changelog records and validating a configuration can.
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
