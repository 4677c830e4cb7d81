//! Delivery reports: an acknowledged output moves its input's offset and releases the
//! outputs held for it; a refused one is queued to be sent again; a producer that cannot go
//! on is noted for the loop, which stops the service.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use rdkafka::error::{KafkaError, RDKafkaErrorCode};

use super::holds::{Ack, Holds, OutKind};
use super::lock;
use crate::kafka::ServiceContext;
use crate::metrics::ErrorKind;
use crate::offsets::OffsetTracker;

/// A record the broker refused for good (librdkafka gave up), as it was sent.
#[derive(Debug, Clone)]
pub(crate) struct Refused {
    pub(crate) topic: String,
    pub(crate) partition: i32,
    pub(crate) key: Option<Vec<u8>>,
    pub(crate) payload: Option<Vec<u8>>,
    pub(crate) headers: Vec<(String, Vec<u8>)>,
}

/// A refused record, sent again by the loop so that its input offset is never committed
/// without it.
pub(crate) struct Retry {
    pub(crate) record: Refused,
    pub(crate) ack: Box<Ack>,
    pub(crate) error: KafkaError,
}

/// A reason the producer cannot go on, set from librdkafka's callbacks, read by the loop.
pub(crate) type Fatal = Arc<Mutex<Option<String>>>;

/// Where delivery reports go: shared by the producer's callbacks (on librdkafka's thread) and
/// the loop.
pub(crate) struct Deliveries {
    pub(crate) svc: ServiceContext,
    pub(crate) tracker: Arc<Mutex<OffsetTracker>>,
    pub(crate) retries: Mutex<Vec<Retry>>,
    pub(crate) exactly_once: bool,
    pub(crate) fatal: Fatal,
    pub(crate) holds: Arc<Mutex<Holds>>,
    /// Records sent again and not yet acknowledged or refused.
    pub(crate) resending: AtomicUsize,
}

impl Deliveries {
    pub(crate) fn new(svc: ServiceContext, exactly_once: bool) -> Self {
        Deliveries {
            svc,
            tracker: Arc::new(Mutex::new(OffsetTracker::new())),
            retries: Mutex::new(Vec::new()),
            exactly_once,
            fatal: Arc::new(Mutex::new(None)),
            holds: Arc::new(Mutex::new(Holds::default())),
            resending: AtomicUsize::new(0),
        }
    }

    /// The broker acknowledged the record `ack` rode with.
    pub(crate) fn delivered(&self, ack: &Ack) {
        self.svc.broker_up();
        if ack.resent {
            self.resending.fetch_sub(1, Ordering::Relaxed);
        }
        if ack.kind == OutKind::Output {
            self.svc.metrics().records_out.inc();
        }
        if let Some(id) = ack.defer {
            lock(&self.holds).release(id);
        }
        if let Some(token) = ack.token {
            lock(&self.tracker).acked(token);
        }
    }

    /// The broker refused `record` for good.
    pub(crate) fn failed(
        &self,
        error: &KafkaError,
        record: impl FnOnce() -> Refused,
        ack: Box<Ack>,
    ) {
        self.svc.metrics().error(ErrorKind::Produce);
        if ack.resent {
            self.resending.fetch_sub(1, Ordering::Relaxed);
        }
        if is_fatal_code(error) {
            self.fail(error.to_string());
        }
        if self.exactly_once {
            // The transaction cannot commit now; the loop aborts and replays it.
            tracing::warn!(%error, "delivery failed inside a transaction");
            return;
        }
        let record = record();
        tracing::warn!(%error, topic = record.topic, "delivery failed; will send again");
        lock(&self.retries).push(Retry {
            record,
            ack,
            error: error.clone(),
        });
    }

    /// The producer cannot go on (the first reason is kept).
    pub(crate) fn fail(&self, why: String) {
        lock(&self.fatal).get_or_insert(why);
    }
}

/// The producer refused `error` because of the record's size: it will never take it whole.
pub(crate) fn too_large(error: &KafkaError) -> bool {
    matches!(
        error.rdkafka_error_code(),
        Some(RDKafkaErrorCode::MessageSizeTooLarge | RDKafkaErrorCode::InvalidMessageSize)
    )
}

pub(crate) fn is_fatal_code(error: &KafkaError) -> bool {
    error.rdkafka_error_code() == Some(RDKafkaErrorCode::Fatal)
}
