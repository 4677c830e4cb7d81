//! Why an input record is not a valid article.
//!
//! Every variant maps to one bounded `reason` string: it labels the
//! `dragoman_dlq_records_total` counter and the `dragoman.error.reason` DLQ header, so the set
//! is closed and must stay in step with `docs/metrics.md`.

use thiserror::Error;

/// The JSON type of a value, for error messages ("expected a string, got a number").
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum JsonKind {
    Null,
    Bool,
    Number,
    String,
    Array,
    Object,
}

impl JsonKind {
    pub(crate) fn of(v: &serde_json::Value) -> Self {
        use serde_json::Value;
        match v {
            Value::Null => JsonKind::Null,
            Value::Bool(_) => JsonKind::Bool,
            Value::Number(_) => JsonKind::Number,
            Value::String(_) => JsonKind::String,
            Value::Array(_) => JsonKind::Array,
            Value::Object(_) => JsonKind::Object,
        }
    }

    fn article(self) -> &'static str {
        match self {
            JsonKind::Null => "null",
            JsonKind::Bool => "a boolean",
            JsonKind::Number => "a number",
            JsonKind::String => "a string",
            JsonKind::Array => "an array",
            JsonKind::Object => "an object",
        }
    }
}

impl std::fmt::Display for JsonKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.article())
    }
}

/// A record that ingest rejects. It goes to the dead-letter topic with its original bytes.
#[derive(Debug, Clone, PartialEq, Error)]
pub enum IngestError {
    #[error("article is {size} bytes, over the limit of {limit} bytes")]
    TooLarge { size: usize, limit: usize },

    #[error("article is not valid UTF-8: invalid byte sequence at byte {valid_up_to}")]
    NotUtf8 { valid_up_to: usize },

    #[error("article is not valid JSON: {message} (line {line}, column {column})")]
    InvalidJson {
        message: String,
        line: usize,
        column: usize,
    },

    #[error("article must be a JSON object, got {found}")]
    NotAnObject { found: JsonKind },

    #[error("article has no `body` field")]
    MissingBody,

    #[error("article `body` is empty once whitespace and page boilerplate are removed")]
    EmptyBody,

    #[error("field `{field}` must be {expected}, got {found}")]
    FieldType {
        field: &'static str,
        expected: &'static str,
        found: JsonKind,
    },

    #[error("field `published_at` must be an RFC 3339 date-time such as 2019-03-25T09:30:00Z, got {value:?}")]
    BadDate { value: String },

    /// A date that parses but that no article can have been published on (see `date.rs`).
    #[error(
        "field `published_at` is {value:?}, outside the accepted range from {earliest} to {latest} \
         ({ahead} hours after ingest saw the article)",
        earliest = crate::date::EARLIEST_PUBLISHED,
        ahead = crate::date::MAX_AHEAD_HOURS,
    )]
    DateOutOfRange { value: String, latest: String },
}

impl IngestError {
    /// The bounded reason for metrics labels and the DLQ header.
    pub fn reason(&self) -> &'static str {
        match self {
            IngestError::TooLarge { .. } => "too_large",
            IngestError::NotUtf8 { .. } => "not_utf8",
            IngestError::InvalidJson { .. } => "invalid_json",
            IngestError::NotAnObject { .. } => "not_an_object",
            IngestError::MissingBody => "missing_body",
            IngestError::EmptyBody => "empty_body",
            IngestError::FieldType { .. } | IngestError::BadDate { .. } => "invalid_field",
            IngestError::DateOutOfRange { .. } => "date_out_of_range",
        }
    }

    /// Every reason `reason()` can return, for pre-registering metric label values.
    pub const REASONS: [&'static str; 8] = [
        "invalid_json",
        "not_utf8",
        "not_an_object",
        "missing_body",
        "empty_body",
        "invalid_field",
        "too_large",
        "date_out_of_range",
    ];
}
