//! The loop: poll a record, process it, send its outputs, commit now and then; on shutdown
//! or failure, finish what is in flight, commit it and leave the group.

use std::sync::Arc;
use std::time::{Duration, Instant};

use rdkafka::consumer::CommitMode;

use super::clients::{Backend, Consume};
use super::delivery::Deliveries;
use super::librdkafka::{self, Librdkafka};
use super::processor::Processor;
use super::produce::Resends;
use super::shared::{Parts, Shared};
use super::transaction::{check_transactions_supported, init_transactions, recover_transaction};
use super::{lock, topic_specs, ServiceError, ServiceSpec};
use crate::admin::{Condition, Health};
use crate::config::{Config, Delivery};
use crate::kafka::{ensure_topics, KafkaSetupError, ServiceContext};
use crate::metrics::{ErrorKind, Metrics};
use crate::progress::{Progress, ProgressWatch};
use crate::shutdown::Shutdown;
use crate::watchdog::OrphanWatch;

/// The loop's clock: tokio's, so that the loop's tests pause and advance it; outside a
/// runtime with a paused clock it is the system's monotonic clock.
pub(crate) fn now() -> Instant {
    tokio::time::Instant::now().into_std()
}

/// Builds the processor and the clients, runs the loop until shutdown or a failure, closes.
pub(crate) fn run_loop<P, F>(
    cfg: Config,
    spec: ServiceSpec,
    make: F,
    shutdown: Shutdown,
    metrics: Arc<Metrics>,
    health: Arc<Health>,
) -> Result<(), ServiceError>
where
    P: Processor + 'static,
    F: FnOnce(&Arc<Metrics>) -> Result<P, String>,
{
    let processor = make(&metrics).map_err(ServiceError::Processor)?;
    if spec.changelog.is_none() {
        health.set(Condition::Processor, true, "");
    }
    if cfg.topics.create && !create_topics(&cfg, &spec, &shutdown, &metrics, &health)? {
        return Ok(());
    }
    let exactly_once = cfg.delivery == Delivery::ExactlyOnce;
    if exactly_once {
        check_transactions_supported(&cfg)?;
    }
    let svc = || ServiceContext::new(metrics.clone(), health.clone());
    let deliveries = Arc::new(Deliveries::new(svc(), exactly_once));
    let producer = librdkafka::producer(&cfg, &spec, deliveries.clone())?;
    if exactly_once && !init_transactions(&producer, &shutdown)? {
        return Ok(());
    }
    let backend = Librdkafka {
        cfg: cfg.clone(),
        svc: Arc::new(svc()),
    };
    let parts = Parts {
        cfg,
        spec,
        metrics,
        health,
        shutdown,
        producer,
        backend,
        deliveries,
    };
    let mut service = Loop::new(Arc::new(Shared::new(parts, processor)))?;
    let outcome = service.run();
    service.close(outcome)
}

/// Creates the service's topics; `false` when shutdown came first.
fn create_topics(
    cfg: &Config,
    spec: &ServiceSpec,
    shutdown: &Shutdown,
    metrics: &Arc<Metrics>,
    health: &Arc<Health>,
) -> Result<bool, ServiceError> {
    let ctx = ServiceContext::new(metrics.clone(), health.clone());
    match ensure_topics(&cfg.kafka, &topic_specs(cfg, spec), shutdown, &|why| {
        ctx.broker_down(why)
    }) {
        Ok(()) => {
            ctx.broker_up();
            Ok(true)
        }
        Err(KafkaSetupError::Shutdown) => Ok(false),
        Err(e) => Err(e.into()),
    }
}

/// The loop's own state: the consumer and the clocks of its periodic steps.
pub(crate) struct Loop<P: Processor + 'static, B: Backend> {
    pub(crate) shared: Arc<Shared<P, B>>,
    consumer: B::Consumer<P>,
    resends: Resends,
    dlq: Arc<str>,
    commit_every: Duration,
    last_commit: Instant,
    txn_failures: u32,
    orphans: OrphanWatch,
    progress: ProgressWatch,
    last_progress_check: Instant,
    consumed: u64,
}

impl<P: Processor + 'static, B: Backend> Loop<P, B> {
    pub(crate) fn new(shared: Arc<Shared<P, B>>) -> Result<Self, ServiceError> {
        let consumer = shared.backend.consumer(&shared)?;
        let cfg = &shared.cfg;
        let t0 = now();
        Ok(Loop {
            dlq: Arc::from(cfg.topics.dlq_of(&shared.spec.input)),
            commit_every: Duration::from_millis(cfg.kafka.commit_interval_ms),
            last_commit: t0,
            txn_failures: 0,
            orphans: OrphanWatch::new(cfg, t0),
            progress: ProgressWatch::new(
                Duration::from_millis(cfg.kafka.stall_timeout_ms),
                Duration::from_millis(cfg.kafka.stall_exit_ms),
                t0,
            ),
            last_progress_check: t0,
            consumed: 0,
            resends: Resends::default(),
            consumer,
            shared,
        })
    }

    /// Turns until shutdown (`Ok`) or a failure that stops the service.
    fn run(&mut self) -> Result<(), ServiceError> {
        while self.turn()? {}
        Ok(())
    }

    /// One turn of the loop: `false` once shutdown is requested.
    pub(crate) fn turn(&mut self) -> Result<bool, ServiceError> {
        if self.shared.shutdown.is_triggered() {
            return Ok(false);
        }
        self.check_failures()?;
        self.resends.resend(&self.shared, now());
        self.shared.send_released();
        self.poll()?;
        self.watch_progress()?;
        self.watch_orphans()?;
        self.commit_if_due()?;
        Ok(true)
    }

    /// A rebalance callback or the producer failed in a way that stops the service.
    fn check_failures(&self) -> Result<(), ServiceError> {
        if let Some(e) = lock(&self.shared.failure).take() {
            return Err(e);
        }
        if let Some(why) = lock(&self.shared.fatal).clone() {
            return Err(ServiceError::Producer(why));
        }
        Ok(())
    }

    /// Polls the consumer (which also runs rebalance callbacks) and handles one record.
    fn poll(&mut self) -> Result<(), ServiceError> {
        let (shared, dlq) = (&self.shared, &self.dlq);
        let polled = self.consumer.poll(Duration::from_millis(100), |m| match m {
            Ok(input) => shared.handle(&input, dlq).map(|()| 1),
            Err(e) => {
                shared.metrics.error(ErrorKind::Broker);
                tracing::warn!(error = %e, "consume");
                Ok(0)
            }
        });
        self.consumed += polled.transpose()?.unwrap_or(0);
        Ok(())
    }

    /// Readiness (and, in the end, exit) on a backlog that does not move.
    fn watch_progress(&mut self) -> Result<(), ServiceError> {
        let now = now();
        if now.saturating_duration_since(self.last_progress_check) < Duration::from_secs(1) {
            return Ok(());
        }
        self.last_progress_check = now;
        let health = &self.shared.health;
        let able = health.is_met(Condition::Broker) && health.is_met(Condition::Processor);
        let lag = self.shared.metrics.consumer_lag_total();
        match self
            .progress
            .check(self.consumed, lag, able, Instant::now())
        {
            Progress::Moving if self.orphans.waiting.is_none() => {
                health.set(Condition::Progress, true, "")
            }
            Progress::Moving => {}
            Progress::Stalled(why) => {
                tracing::warn!(reason = %why, "no progress on a backlog: not ready");
                health.set(Condition::Progress, false, why);
            }
            Progress::GiveUp(why) => return Err(ServiceError::Stalled(why)),
        }
        Ok(())
    }

    /// The stall watchdog ([`OrphanWatch`], `kafka.stall_watchdog`): rejoins the group when
    /// partitions with a backlog are held by a member that commits nothing.
    fn watch_orphans(&mut self) -> Result<(), ServiceError> {
        if !self.shared.cfg.kafka.stall_watchdog || !self.orphans.due(now()) {
            return Ok(());
        }
        let input = &self.shared.spec.input;
        let rejoin = self.orphans.stalled(&self.consumer, input);
        if let Some(lag) = self.orphans.waiting {
            let why = format!(
                "holds no partition of {input} while {lag} records wait and nobody consumes them"
            );
            self.shared.health.set(Condition::Progress, false, why);
        }
        if rejoin {
            tracing::warn!(
                %input,
                "partitions with lag are held by a group member that commits nothing (dead, and \
                 not evicted by the coordinator): rejoining the group as a new member"
            );
            // A new client, hence a new member id: the old one leaves the group on close,
            // which also clears a stale member of this very process that the coordinator
            // kept after a session timeout.
            self.consumer.unsubscribe();
            self.consumer = self.shared.backend.consumer(&self.shared)?;
        }
        Ok(())
    }

    /// Every `commit_interval_ms`: the acknowledged offsets, or the open transaction.
    fn commit_if_due(&mut self) -> Result<(), ServiceError> {
        let now = now();
        if now.saturating_duration_since(self.last_commit) < self.commit_every {
            return Ok(());
        }
        self.last_commit = now;
        let shared = &self.shared;
        if !shared.exactly_once() {
            let offsets = lock(&shared.tracker).take_committable();
            shared.commit_offsets(&self.consumer, &offsets, CommitMode::Async);
            return Ok(());
        }
        match shared.commit_transaction(&self.consumer) {
            Ok(()) => self.txn_failures = 0,
            Err(e) => {
                self.txn_failures += 1;
                recover_transaction(shared, &self.consumer, e)?;
                if self.txn_failures > 20 {
                    return Err(ServiceError::Transaction(
                        "20 transactions in a row failed".into(),
                    ));
                }
            }
        }
        Ok(())
    }

    /// Shutdown (or failure): stop consuming, finish in flight, commit, leave the group.
    pub(crate) fn close(self, outcome: Result<(), ServiceError>) -> Result<(), ServiceError> {
        let shared = &self.shared;
        let consumer = self.consumer;
        let input = &shared.spec.input;
        shared
            .health
            .set(Condition::Running, false, "shutting down");
        let all = consumer.assignment(input).unwrap_or_default();
        if outcome.is_ok() {
            shared.drain_and_commit(&consumer, &[]);
        } else if shared.exactly_once() {
            shared.abort_transaction();
        }
        let pending = lock(&shared.tracker).total_pending();
        if pending > 0 && !shared.exactly_once() {
            tracing::warn!(pending, "records not acknowledged within the grace period: not committed, they will be consumed again");
        }
        // Leaving the group runs the revoke callback (nothing left to drain) and hands the
        // partitions over without waiting for the session timeout.
        consumer.unsubscribe();
        let deadline = Instant::now() + shared.budget().min(Duration::from_secs(5));
        while Instant::now() < deadline
            && !consumer
                .assignment(input)
                .map(|a| a.is_empty())
                .unwrap_or(true)
        {
            consumer.poll(Duration::from_millis(50), |_| ());
        }
        tracing::info!(partitions = ?all, "stopped");
        drop(consumer);
        outcome
    }
}
