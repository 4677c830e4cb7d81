//! The processor API: what a stage sees of a record, and what it answers.

use std::sync::Arc;

/// A consumed record, borrowed from the consumer's buffer.
#[derive(Debug, Clone, Copy)]
pub struct InputRecord<'a> {
    pub topic: &'a str,
    pub partition: i32,
    pub offset: i64,
    pub key: Option<&'a [u8]>,
    /// `None` for a tombstone.
    pub payload: Option<&'a [u8]>,
    /// Milliseconds since the epoch (create or log-append time), when the broker gave one.
    pub timestamp_ms: Option<i64>,
}

/// A record to produce.
#[derive(Debug, Clone)]
pub struct OutputRecord {
    pub topic: Arc<str>,
    pub key: Option<Vec<u8>>,
    /// `None` produces a tombstone (a changelog deletion).
    pub payload: Option<Vec<u8>>,
    /// `None` lets the partitioner hash the key.
    pub partition: Option<i32>,
    pub headers: Vec<(&'static str, Vec<u8>)>,
}

impl OutputRecord {
    pub fn new(topic: Arc<str>, key: Option<Vec<u8>>, payload: Vec<u8>) -> Self {
        OutputRecord {
            topic,
            key,
            payload: Some(payload),
            partition: None,
            headers: Vec::new(),
        }
    }
}

/// What a processor decided for one input record.
#[derive(Debug)]
pub enum Verdict {
    /// Produce these records (possibly none: the input yielded nothing, and is done).
    Produce(Vec<OutputRecord>),
    /// The input is not valid: send its original bytes to `<input>.dlq` with this reason (a
    /// closed set: `metrics::CORE_DLQ_REASONS` and those the stage declares) and a message.
    DeadLetter {
        reason: &'static str,
        message: String,
    },
}

/// The work of one stage. Knows nothing of Kafka beyond partitions.
pub trait Processor: Send {
    fn process(&mut self, record: &InputRecord<'_>) -> Verdict;

    /// Partitions now owned by this instance (after their state is restored: see `restore`).
    fn assigned(&mut self, _partitions: &[i32]) {}

    /// Partitions no longer owned: drop their state.
    fn revoked(&mut self, _partitions: &[i32]) {}

    /// A stage with a changelog: `partition`'s state is restored and consumption resumes at
    /// `committed` (the group's committed offset; `None` when it has none). State written for
    /// input records at or after it may describe outputs that were never sent: under
    /// at-least-once delivery a record's outputs go out only after its changelog records are
    /// acknowledged, so a crash between the two leaves the changelog ahead of the output.
    fn resumed(&mut self, _partition: i32, _committed: Option<i64>) {}

    /// One changelog record of `partition`, replayed in order before the partition's first
    /// input record. `value` is `None` for a deletion.
    fn restore(
        &mut self,
        _partition: i32,
        _key: &[u8],
        _value: Option<&[u8]>,
    ) -> Result<(), String> {
        Ok(())
    }
}
