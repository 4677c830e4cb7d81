//! What the loop needs of Kafka, as traits: the group consumer, the producer, the changelog
//! reader, and the backend that makes consumers and readers.
//!
//! librdkafka implements them (`librdkafka.rs`); the loop's unit tests implement them in
//! memory (`fake.rs`). The loop is generic over them (static dispatch: the record path calls
//! the same librdkafka functions as before, inlined).
//!
//! Rebalances stay callbacks, as in librdkafka: a consumer runs `Shared::revoking` and
//! `Shared::assigned` from inside `poll`, so that revoked partitions are drained and committed
//! before another member can own them.

use std::sync::Arc;
use std::time::Duration;

use rdkafka::consumer::CommitMode;
use rdkafka::error::{KafkaError, KafkaResult};
use rdkafka::Offset;

use super::holds::Ack;
use super::processor::{InputRecord, Processor};
use super::shared::Shared;

/// The consumer of the service's input topic, a member of its group.
pub(crate) trait Consume {
    /// What the consumer's group hands the producer to commit offsets in a transaction.
    type Group;

    /// Waits up to `timeout` for a record (running rebalance callbacks meanwhile) and hands it,
    /// or the error, to `f`; `None` when nothing came.
    fn poll<R>(
        &self,
        timeout: Duration,
        f: impl FnOnce(KafkaResult<InputRecord<'_>>) -> R,
    ) -> Option<R>;

    /// Commits `offsets` (partition, next offset to consume) of `topic` for the group.
    fn commit(&self, topic: &str, offsets: &[(i32, i64)], mode: CommitMode) -> KafkaResult<()>;

    /// The group's committed offsets of `partitions` (`None`: nothing committed).
    fn committed(
        &self,
        topic: &str,
        partitions: &[i32],
        timeout: Duration,
    ) -> KafkaResult<Vec<(i32, Option<i64>)>>;

    /// Partitions of `topic` assigned to this member.
    fn assignment(&self, topic: &str) -> KafkaResult<Vec<i32>>;

    /// Where the next poll of `partition` starts.
    fn seek(
        &self,
        topic: &str,
        partition: i32,
        offset: Offset,
        timeout: Duration,
    ) -> KafkaResult<()>;

    /// Leaves the group (the revoke callback runs in a later poll).
    fn unsubscribe(&self);

    fn group_metadata(&self) -> Option<Self::Group>;

    /// Every partition of `topic`, from the cluster's metadata.
    fn partitions(&self, topic: &str, timeout: Duration) -> KafkaResult<Vec<i32>>;

    /// Low and high watermarks of a partition.
    fn watermarks(&self, topic: &str, partition: i32, timeout: Duration)
        -> KafkaResult<(i64, i64)>;
}

/// A record to produce, borrowed from an [`OutputRecord`](super::OutputRecord) or from a
/// [`Refused`] one.
pub(crate) struct Outgoing<'a> {
    pub(crate) topic: &'a str,
    /// `None` lets the partitioner hash the key.
    pub(crate) partition: Option<i32>,
    pub(crate) key: Option<&'a [u8]>,
    /// `None` produces a tombstone.
    pub(crate) payload: Option<&'a [u8]>,
    pub(crate) headers: Vec<(&'a str, &'a [u8])>,
}

/// The producer of outputs, dead letters and changelog records. Its delivery reports go to
/// the [`Deliveries`](super::delivery::Deliveries) it was made with.
pub(crate) trait Produce: Send + Sync {
    type Group;

    /// Queues `record`; `ack` rides with it to its delivery report. On a refusal (a full
    /// queue among them) the ack comes back with the error.
    fn send(&self, record: &Outgoing<'_>, ack: Box<Ack>) -> Result<(), (KafkaError, Box<Ack>)>;

    /// Waits up to `timeout` for every queued record's delivery report.
    fn flush(&self, timeout: Duration) -> KafkaResult<()>;

    fn init_transactions(&self, timeout: Duration) -> KafkaResult<()>;
    fn begin_transaction(&self) -> KafkaResult<()>;
    /// Puts the consumed `offsets` of `topic` into the open transaction.
    fn send_offsets_to_transaction(
        &self,
        topic: &str,
        offsets: &[(i32, i64)],
        group: &Self::Group,
        timeout: Duration,
    ) -> KafkaResult<()>;
    fn commit_transaction(&self, timeout: Duration) -> KafkaResult<()>;
    fn abort_transaction(&self, timeout: Duration) -> KafkaResult<()>;
}

/// What a changelog reader hands over.
pub(crate) enum Replayed<'a> {
    Record {
        partition: i32,
        offset: i64,
        key: &'a [u8],
        /// `None` for a deletion.
        value: Option<&'a [u8]>,
    },
    /// The end of a partition: it is restored.
    End(i32),
    Error(KafkaError),
}

/// Reads changelog partitions from the beginning, committed records only.
pub(crate) trait ReadChangelog {
    fn poll<R>(&mut self, timeout: Duration, f: impl FnOnce(Replayed<'_>) -> R) -> Option<R>;
}

/// Makes the clients that the loop creates while it runs: a group consumer (at start, and
/// again when the stall watchdog rejoins) and changelog readers (at each assignment).
pub(crate) trait Backend: Sized + Send + Sync + 'static {
    type Group;
    type Producer: Produce<Group = Self::Group>;
    type Consumer<P: Processor + 'static>: Consume<Group = Self::Group>;
    type Changelog: ReadChangelog;

    /// A new member of the group, subscribed to the input, its rebalances handled by `shared`.
    fn consumer<P: Processor + 'static>(
        &self,
        shared: &Arc<Shared<P, Self>>,
    ) -> KafkaResult<Self::Consumer<P>>;

    /// A reader of `partitions` of the changelog `topic`.
    fn changelog(&self, topic: &str, partitions: &[i32]) -> KafkaResult<Self::Changelog>;
}
