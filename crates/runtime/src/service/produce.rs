//! Sending outputs: one record, waiting while librdkafka's queue is full; one too large sent
//! truncated to the dead-letter topic instead; records the broker refused sent again.

use std::collections::HashMap;
use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::time::{Duration, Instant};

use rdkafka::error::RDKafkaErrorCode;

use super::clients::{Backend, Outgoing, Produce};
use super::delivery::{is_fatal_code, too_large, Retry};
use super::holds::{Ack, OutKind};
use super::lock;
use super::processor::{InputRecord, OutputRecord, Processor};
use super::shared::Shared;
use crate::admin::Condition;
use crate::dead_letter::{dead_letter, truncated, HEADER_MESSAGE, HEADER_REASON, HEADER_STAGE};
use crate::metrics::ErrorKind;
use crate::offsets::Token;

/// Sends of one record the broker refused before the service gives up and exits (so that an
/// orchestrator restarts it, and the record is consumed again) instead of retrying forever.
pub(crate) const MAX_RESENDS: u32 = 5;

/// What became of a send.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Sent {
    Queued,
    /// Shutdown interrupted the wait for room in the queue: not sent.
    Interrupted,
    /// Too large for the producer: send a truncated dead letter instead.
    TooLarge,
    /// The producer failed for good (the loop reads why from `fatal`).
    Failed,
}

impl<P: Processor + 'static, B: Backend> Shared<P, B> {
    /// Sends one output; one too large for the producer goes to the dead-letter topic `dlq`
    /// truncated instead (the dead letter of `input` when there is one, else the output):
    /// never retried forever.
    pub(crate) fn send_output(
        &self,
        out: &OutputRecord,
        kind: OutKind,
        token: Option<Token>,
        defer: Option<u64>,
        dlq: &Arc<str>,
        input: Option<&InputRecord<'_>>,
    ) -> Sent {
        let sent = self.send(
            out,
            Box::new(Ack {
                token,
                kind,
                defer,
                resent: false,
            }),
        );
        if sent != Sent::TooLarge {
            return sent;
        }
        let stage = self.spec.stage.as_str();
        let why = "an output of this record is too large to produce";
        let whole = match (kind, input) {
            (OutKind::DeadLetter, _) => out.clone(),
            (_, Some(input)) => dead_letter(dlq, stage, "too_large", why, input),
            (_, None) => OutputRecord {
                topic: dlq.clone(),
                key: out.key.clone(),
                payload: out.payload.clone(),
                partition: None,
                headers: vec![
                    (HEADER_STAGE, stage.as_bytes().to_vec()),
                    (HEADER_REASON, b"too_large".to_vec()),
                    (HEADER_MESSAGE, why.as_bytes().to_vec()),
                ],
            },
        };
        if kind != OutKind::DeadLetter {
            self.metrics.dlq("too_large");
        }
        let ack = Box::new(Ack {
            token,
            kind: OutKind::DeadLetter,
            defer,
            resent: false,
        });
        match self.send(&truncated(&whole), ack) {
            Sent::TooLarge => {
                lock(&self.fatal)
                    .get_or_insert_with(|| "a truncated dead letter is still too large".into());
                Sent::Failed
            }
            sent => sent,
        }
    }

    /// Sends the outputs whose changelog records were acknowledged since the last call.
    pub(crate) fn send_released(&self) -> bool {
        let ready = std::mem::take(&mut lock(&self.holds).ready);
        if ready.is_empty() {
            return true;
        }
        let dlq: Arc<str> = Arc::from(self.cfg.topics.dlq_of(&self.spec.input));
        for (out, kind, token) in ready {
            if self.send_output(&out, kind, token, None, &dlq, None) != Sent::Queued {
                return false;
            }
        }
        true
    }

    /// Sends one record, waiting while librdkafka's queue is full. When shutdown interrupts
    /// the wait, the record is not sent and its offset never committed.
    pub(crate) fn send(&self, out: &OutputRecord, ack: Box<Ack>) -> Sent {
        let record = Outgoing {
            topic: &out.topic,
            partition: out.partition,
            key: out.key.as_deref(),
            payload: out.payload.as_deref(),
            headers: out
                .headers
                .iter()
                .map(|(k, v)| (*k, v.as_slice()))
                .collect(),
        };
        self.send_record(&record, ack)
    }

    pub(crate) fn send_record(&self, record: &Outgoing<'_>, mut ack: Box<Ack>) -> Sent {
        let mut backoff = Duration::from_millis(5);
        let mut refusals = 0u32;
        // A queue that stays full while the broker is up means the broker takes nothing (a
        // topic that vanished with a broker restart): not ready, then give up, as a stalled
        // backlog does. During a broker outage the wait is the right thing and never ends it.
        let mut full_since = Instant::now();
        let stall = Duration::from_millis(self.cfg.kafka.stall_timeout_ms);
        let give_up = Duration::from_millis(self.cfg.kafka.stall_exit_ms).max(stall);
        loop {
            match self.producer.send(record, ack) {
                Ok(()) => {
                    if full_since.elapsed() >= stall && !stall.is_zero() {
                        self.health.set(Condition::Progress, true, "");
                    }
                    return Sent::Queued;
                }
                Err((e, back)) => {
                    if e.rdkafka_error_code() != Some(RDKafkaErrorCode::QueueFull) {
                        self.metrics.error(ErrorKind::Produce);
                        if too_large(&e) {
                            tracing::warn!(error = %e, topic = record.topic, "record too large to produce");
                            return Sent::TooLarge;
                        }
                        refusals += 1;
                        if is_fatal_code(&e) || refusals > MAX_RESENDS {
                            let why = format!("produce refused {refusals} times: {e}");
                            lock(&self.fatal).get_or_insert(why);
                            return Sent::Failed;
                        }
                        tracing::warn!(error = %e, "produce refused; retrying");
                    }
                    ack = back;
                    if !self.health.is_met(Condition::Broker) {
                        full_since = Instant::now();
                    } else if !stall.is_zero() && full_since.elapsed() >= stall {
                        let why = format!(
                            "the producer's queue has been full for {}s while the broker is up",
                            full_since.elapsed().as_secs()
                        );
                        if full_since.elapsed() >= give_up {
                            lock(&self.fatal).get_or_insert(why);
                            return Sent::Failed;
                        }
                        self.health.set(Condition::Progress, false, why);
                    }
                    // A full queue is backpressure (slow or absent broker): wait for acks.
                    if self.shutdown.is_triggered()
                        && self.shutdown.requested_at().is_some_and(|at| {
                            at.elapsed() + Duration::from_secs(1) >= self.cfg.grace()
                        })
                    {
                        return Sent::Interrupted;
                    }
                    std::thread::sleep(backoff);
                    backoff = (backoff * 2).min(Duration::from_millis(500));
                }
            }
        }
    }
}

/// How long refused records wait before they are sent again, so that a persistent refusal
/// does not spin (librdkafka does not time out with `message.timeout.ms=0`).
pub(crate) const RESEND_PAUSE: Duration = Duration::from_millis(200);

/// Sends again what the broker refused. A record refused for its size goes again truncated
/// ([`truncated`]), to the dead-letter topic if it was an output; one refused [`MAX_RESENDS`]
/// times makes the producer fail (the loop exits with an error, and the record is consumed
/// again after the restart).
#[derive(Default)]
pub(crate) struct Resends {
    attempts: HashMap<(String, i32, Vec<u8>), u32>,
    due: Option<Instant>,
}

impl Resends {
    pub(crate) fn resend<P: Processor + 'static, B: Backend>(
        &mut self,
        shared: &Shared<P, B>,
        now: Instant,
    ) {
        if lock(&shared.deliveries.retries).is_empty() {
            // Refusals stopped once every record sent again is acknowledged: count afresh.
            if shared.deliveries.resending.load(Ordering::Relaxed) == 0 {
                self.attempts.clear();
            }
            self.due = None;
            return;
        }
        if now < *self.due.get_or_insert(now + RESEND_PAUSE) {
            return;
        }
        self.due = None;
        let failed: Vec<Retry> = std::mem::take(&mut *lock(&shared.deliveries.retries));
        for retry in failed {
            if !self.resend_one(shared, retry) {
                return;
            }
        }
    }

    /// `false` when the record was refused too often: the producer failed.
    fn resend_one<P: Processor + 'static, B: Backend>(
        &mut self,
        shared: &Shared<P, B>,
        retry: Retry,
    ) -> bool {
        let Retry {
            record: refused,
            mut ack,
            error,
        } = retry;
        let key = (
            refused.topic.clone(),
            refused.partition,
            refused.key.clone().unwrap_or_default(),
        );
        let n = self.attempts.entry(key).or_insert(0);
        *n += 1;
        if *n > MAX_RESENDS {
            let topic = &refused.topic;
            let why = format!("a record for {topic} was refused {MAX_RESENDS} times: {error}");
            shared.deliveries.fail(why);
            return false;
        }
        let mut out = OutputRecord {
            topic: Arc::from(refused.topic.as_str()),
            key: refused.key,
            payload: refused.payload,
            partition: Some(refused.partition),
            headers: Vec::new(),
        };
        if too_large(&error) {
            if ack.kind != OutKind::DeadLetter {
                // Never a truncated record in an output topic: the output goes to the
                // dead-letter topic of the stage's input instead.
                out.topic = Arc::from(shared.cfg.topics.dlq_of(&shared.spec.input));
                out.partition = None;
                out.headers = vec![
                    (HEADER_STAGE, shared.spec.stage.as_str().as_bytes().to_vec()),
                    (HEADER_REASON, b"too_large".to_vec()),
                    (
                        HEADER_MESSAGE,
                        format!("output refused: {error}").into_bytes(),
                    ),
                ];
                ack.kind = OutKind::DeadLetter;
                shared.metrics.dlq("too_large");
            }
            out = truncated(&out);
        }
        let mut headers: Vec<(&str, &[u8])> = (refused.headers.iter())
            .map(|(k, v)| (k.as_str(), v.as_slice()))
            .collect();
        headers.extend(out.headers.iter().map(|(k, v)| (*k, v.as_slice())));
        let record = Outgoing {
            topic: &out.topic,
            partition: out.partition,
            key: out.key.as_deref(),
            payload: out.payload.as_deref(),
            headers,
        };
        ack.resent = true;
        shared.deliveries.resending.fetch_add(1, Ordering::Relaxed);
        if shared.send_record(&record, ack) == Sent::TooLarge {
            shared
                .deliveries
                .fail("a truncated record is still too large".into());
        }
        true
    }
}
