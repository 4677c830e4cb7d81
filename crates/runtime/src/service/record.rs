//! One input record: the processor's verdict as records to send (outputs, changelog records,
//! dead letters), tracked so that its offset commits once they are all acknowledged, and sent
//! or held (see [`Holds`](super::holds::Holds)).

use std::sync::Arc;
use std::time::Instant;

use super::clients::Backend;
use super::holds::OutKind;
use super::lock;
use super::processor::{InputRecord, OutputRecord, Processor, Verdict};
use super::produce::Sent;
use super::shared::Shared;
use super::ServiceError;
use crate::dead_letter::dead_letter;
use crate::offsets::Token;

impl<P: Processor + 'static, B: Backend> Shared<P, B> {
    /// One input record: process it, then send its outputs (or hold them, see `Holds`),
    /// tracked so that its offset commits once they are all acknowledged.
    pub(crate) fn handle(
        &self,
        input: &InputRecord<'_>,
        dlq: &Arc<str>,
    ) -> Result<(), ServiceError> {
        let exactly_once = self.exactly_once();
        if exactly_once {
            self.begin_transaction()?;
        }
        self.metrics.records_in.inc();
        let outputs = self.process(input, dlq);
        let token = if exactly_once {
            None
        } else {
            self.track(input, outputs.len() as u32)
        };
        let all_sent = self.send_outputs(outputs, token, dlq, input);
        if exactly_once {
            let mut txn = lock(&self.txn);
            if all_sent {
                txn.offsets.insert(input.partition, input.offset + 1);
            } else {
                // Part of this record's output is missing: the transaction must not commit.
                txn.poisoned = true;
            }
        }
        Ok(())
    }

    /// The processor's verdict as records to send, each with where it goes.
    fn process(&self, input: &InputRecord<'_>, dlq: &Arc<str>) -> Vec<(OutputRecord, OutKind)> {
        let started = Instant::now();
        let verdict = lock(&self.processor).process(input);
        self.metrics.observe_processing(started.elapsed());
        match verdict {
            Verdict::Produce(outputs) => outputs
                .into_iter()
                .map(|o| {
                    let kind = if Some(&*o.topic) == self.spec.changelog.as_deref() {
                        OutKind::Changelog
                    } else {
                        OutKind::Output
                    };
                    (o, kind)
                })
                .collect(),
            Verdict::DeadLetter { reason, message } => {
                self.metrics.dlq(reason);
                let (partition, offset) = (input.partition, input.offset);
                tracing::debug!(partition, offset, reason, %message, "dead letter");
                let stage = self.spec.stage.as_str();
                let letter = dead_letter(dlq, stage, reason, &message, input);
                vec![(letter, OutKind::DeadLetter)]
            }
        }
    }

    /// Registers the record's outputs before sending them, so that no ack can precede it.
    /// Outputs abandoned at shutdown are never acknowledged, so the offset is never committed.
    fn track(&self, input: &InputRecord<'_>, outputs: u32) -> Option<Token> {
        let (partition, offset) = (input.partition, input.offset);
        let mut t = lock(&self.tracker);
        let rewinds = t.rewinds();
        let token = t.consumed(partition, offset, outputs);
        if t.rewinds() != rewinds {
            tracing::warn!(
                partition,
                offset,
                "the consumer went back: records from here are processed again"
            );
        }
        token
    }

    /// Sends a record's outputs; with a changelog, at least once, the other outputs wait for
    /// the changelog records (see `Holds`). `false` when one could not be sent.
    fn send_outputs(
        &self,
        outputs: Vec<(OutputRecord, OutKind)>,
        token: Option<Token>,
        dlq: &Arc<str>,
        input: &InputRecord<'_>,
    ) -> bool {
        let exactly_once = self.exactly_once();
        let (now, later): (Vec<_>, Vec<_>) = outputs
            .into_iter()
            .partition(|(_, kind)| exactly_once || *kind != OutKind::Output);
        let defer = if later.is_empty() {
            None
        } else {
            let changelog = now.iter().filter(|(_, k)| *k == OutKind::Changelog).count();
            if changelog == 0 {
                None
            } else {
                Some(lock(&self.holds).hold(changelog as u32, token, later.clone()))
            }
        };
        let send_now: Vec<_> = if defer.is_some() {
            now
        } else {
            now.into_iter().chain(later).collect()
        };
        for (out, kind) in &send_now {
            let defer = defer.filter(|_| *kind == OutKind::Changelog);
            let sent = self.send_output(out, *kind, token, defer, dlq, Some(input));
            if sent != Sent::Queued {
                return false;
            }
        }
        true
    }
}
