//! State shared by the loop and the clients' callbacks.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use super::clients::Backend;
use super::delivery::{Deliveries, Fatal};
use super::holds::Holds;
use super::processor::Processor;
use super::transaction::Txn;
use super::{ServiceError, ServiceSpec};
use crate::admin::Health;
use crate::config::{Config, Delivery};
use crate::metrics::Metrics;
use crate::offsets::OffsetTracker;
use crate::shutdown::Shutdown;

/// State shared by the loop and the consumer's rebalance callbacks (which run inside
/// `poll` on the loop's own thread, so the locks are never contended).
pub(crate) struct Shared<P, B: Backend> {
    pub(crate) cfg: Config,
    pub(crate) spec: ServiceSpec,
    pub(crate) metrics: Arc<Metrics>,
    pub(crate) health: Arc<Health>,
    pub(crate) shutdown: Shutdown,
    pub(crate) processor: Mutex<P>,
    pub(crate) producer: B::Producer,
    pub(crate) backend: B,
    /// Where the producer's delivery reports go (`tracker`, `holds` and `fatal` are its).
    pub(crate) deliveries: Arc<Deliveries>,
    pub(crate) tracker: Arc<Mutex<OffsetTracker>>,
    pub(crate) holds: Arc<Mutex<Holds>>,
    /// Set when the producer cannot go on.
    pub(crate) fatal: Fatal,
    pub(crate) txn: Mutex<Txn>,
    /// Set by a rebalance callback that failed in a way the loop must act on.
    pub(crate) failure: Mutex<Option<ServiceError>>,
}

/// What the loop runs on, besides the processor.
pub(crate) struct Parts<B: Backend> {
    pub(crate) cfg: Config,
    pub(crate) spec: ServiceSpec,
    pub(crate) metrics: Arc<Metrics>,
    pub(crate) health: Arc<Health>,
    pub(crate) shutdown: Shutdown,
    pub(crate) producer: B::Producer,
    pub(crate) backend: B,
    pub(crate) deliveries: Arc<Deliveries>,
}

impl<P: Processor + 'static, B: Backend> Shared<P, B> {
    pub(crate) fn new(parts: Parts<B>, processor: P) -> Self {
        let d = &parts.deliveries;
        Shared {
            tracker: d.tracker.clone(),
            holds: d.holds.clone(),
            fatal: d.fatal.clone(),
            cfg: parts.cfg,
            spec: parts.spec,
            metrics: parts.metrics,
            health: parts.health,
            shutdown: parts.shutdown,
            processor: Mutex::new(processor),
            producer: parts.producer,
            backend: parts.backend,
            deliveries: parts.deliveries,
            txn: Mutex::new(Txn::default()),
            failure: Mutex::new(None),
        }
    }

    pub(crate) fn exactly_once(&self) -> bool {
        self.cfg.delivery == Delivery::ExactlyOnce
    }

    /// Remaining time of the grace period, or the whole period when not shutting down.
    pub(crate) fn budget(&self) -> Duration {
        let grace = self.cfg.grace();
        match self.shutdown.requested_at() {
            // Keep a second for the commit and the close after the flush.
            Some(at) => grace
                .saturating_sub(at.elapsed())
                .saturating_sub(Duration::from_secs(1))
                .max(Duration::from_millis(100)),
            None => grace,
        }
    }
}
