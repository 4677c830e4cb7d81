//! Delivery reports: librdkafka's producer callbacks acknowledge outputs (offsets, held
//! outputs), queue refused records to be sent again, and note a producer that cannot go on.

use std::sync::{Arc, Mutex};

use rdkafka::error::{KafkaError, RDKafkaErrorCode};
use rdkafka::message::{Message, OwnedMessage};
use rdkafka::producer::{DeliveryResult, ProducerContext, ThreadedProducer};
use rdkafka::ClientContext;

use super::holds::{Ack, Holds, OutKind};
use super::lock;
use crate::kafka::ServiceContext;
use crate::metrics::ErrorKind;
use crate::offsets::OffsetTracker;

/// A record whose delivery failed for good (librdkafka gave up): sent again by the loop, so
/// that its input offset is never committed without it.
pub(crate) struct Retry {
    pub(crate) message: OwnedMessage,
    pub(crate) ack: Box<Ack>,
    pub(crate) error: KafkaError,
}

/// A reason the producer cannot go on, set from librdkafka's callbacks, read by the loop.
pub(crate) type Fatal = Arc<Mutex<Option<String>>>;

pub(crate) struct ProducerCtx {
    pub(crate) svc: ServiceContext,
    pub(crate) tracker: Arc<Mutex<OffsetTracker>>,
    pub(crate) retries: Arc<Mutex<Vec<Retry>>>,
    pub(crate) exactly_once: bool,
    pub(crate) fatal: Fatal,
    pub(crate) holds: Arc<Mutex<Holds>>,
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

impl ClientContext for ProducerCtx {
    fn stats_raw(&self, statistics: &[u8]) {
        self.svc.stats_raw(statistics)
    }
    fn error(&self, error: KafkaError, reason: &str) {
        if is_fatal_code(&error) {
            // An idempotent producer fenced or out of sequence (a broker that lost its
            // producer state): every later send fails, so the loop stops the service.
            lock(&self.fatal).get_or_insert_with(|| format!("{error}: {reason}"));
        }
        self.svc.error(error, reason)
    }
    fn log(&self, level: rdkafka::config::RDKafkaLogLevel, fac: &str, log_message: &str) {
        self.svc.log(level, fac, log_message)
    }
}

impl ProducerContext for ProducerCtx {
    type DeliveryOpaque = Box<Ack>;

    fn delivery(&self, result: &DeliveryResult<'_>, ack: Box<Ack>) {
        match result {
            Ok(_) => {
                self.svc.broker_up();
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
            Err((error, message)) => {
                self.svc.metrics().error(ErrorKind::Produce);
                if is_fatal_code(error) {
                    lock(&self.fatal).get_or_insert_with(|| error.to_string());
                }
                if self.exactly_once {
                    // The transaction cannot commit now; the loop aborts and replays it.
                    tracing::warn!(%error, "delivery failed inside a transaction");
                    return;
                }
                tracing::warn!(%error, topic = message.topic(), "delivery failed; will send again");
                lock(&self.retries).push(Retry {
                    message: message.detach(),
                    ack,
                    error: error.clone(),
                });
            }
        }
    }
}

pub(crate) type Prod = ThreadedProducer<ProducerCtx>;
