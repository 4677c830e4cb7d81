//! Dedup as a Kafka service (feature `service`): its section of the configuration, its
//! metrics, and the processor the runtime runs, `events.extracted` -> `events` with state in
//! the changelog. The library above knows nothing of Kafka; this module adapts it.

use std::collections::HashMap;
use std::sync::Arc;

use chrono::Utc;
use dragoman_model::{wire, CandidateEvent};
use dragoman_runtime::config::{Config, Section, Stage};
use dragoman_runtime::{
    ConfigError, ErrorKind, InputRecord, Metrics, OutputRecord, Processor, Verdict,
};
use prometheus::{IntCounter, IntGauge};

use crate::{DedupConfig, DedupSection, Deduplicator, Rejection};

/// The service's name (metrics label, consumer group `dragoman-dedup`) and admin address.
pub const STAGE: Stage = Stage::Service {
    name: "dedup",
    admin: "127.0.0.1:9466",
};

impl Section for DedupSection {
    const NAME: &'static str = "dedup";

    fn validate(&self) -> Result<(), ConfigError> {
        self.check()
            .map_err(|(key, message)| ConfigError::invalid(key, message))
    }
}

/// `dragoman_events_total`: the events a stage produced (extract's candidates, dedup's
/// revisions), by CAMEO root code and quad class, both mapped onto closed sets. Every series is
/// made at registration, so that counting an event is an index, not a lookup by labels.
pub struct EventCounter {
    /// By root (0 for `other`, else 1..=20), then quad class (0 for unknown, else 1..=4).
    series: Vec<[IntCounter; 5]>,
}

impl EventCounter {
    pub fn register(metrics: &Metrics) -> prometheus::Result<Self> {
        let events = metrics.counter_vec(
            "dragoman_events_total",
            "Events produced: candidates by extract, published revisions by dedup.",
            &["stage", "root_code", "quad_class"],
        )?;
        let stage = metrics.stage();
        let series = (0..=20u8)
            .map(|root| {
                let root = if root == 0 {
                    "other".to_owned()
                } else {
                    format!("{root:02}")
                };
                ["0", "1", "2", "3", "4"]
                    .map(|quad| events.with_label_values(&[stage, root.as_str(), quad]))
            })
            .collect();
        Ok(EventCounter { series })
    }

    /// An event produced; `root_code` is a CAMEO root ("01".."20"), anything else is `other`.
    pub fn count(&self, root_code: &str, quad_class: u8) {
        let root = match root_code.parse::<u8>() {
            Ok(r @ 1..=20) if root_code.len() == 2 => usize::from(r),
            _ => 0,
        };
        let quad = if (1..=4).contains(&quad_class) {
            usize::from(quad_class)
        } else {
            0
        };
        self.series[root][quad].inc();
    }
}

/// Dedup's own metrics, on the service's registry.
pub struct DedupMetrics {
    core: Arc<Metrics>,
    pub events: EventCounter,
    /// `new`, `update`, `redelivery`, `copy`, `other`: made at registration (one per record).
    decisions: [IntCounter; 5],
    pub live_keys: IntGauge,
    pub max_keys: IntGauge,
    evicted_window: IntCounter,
    evicted_bound: IntCounter,
}

impl DedupMetrics {
    pub fn register(core: &Arc<Metrics>) -> prometheus::Result<Self> {
        let evictions = core.counter_vec(
            "dragoman_dedup_evictions_total",
            "Keys dropped from dedup state.",
            &["cause"],
        )?;
        let decisions = core.counter_vec(
            "dragoman_dedup_decisions_total",
            "Dedup decisions per candidate.",
            &["decision"],
        )?;
        let restore = core.gauge(
            "dragoman_dedup_state_restore_seconds",
            "Time the last state restore took.",
        )?;
        core.report_state_restore_to(restore);
        core.declare_dlq_reasons(&Rejection::REASONS);
        Ok(DedupMetrics {
            events: EventCounter::register(core)?,
            decisions: ["new", "update", "redelivery", "copy", "other"]
                .map(|d| decisions.with_label_values(&[d])),
            live_keys: core.int_gauge("dragoman_dedup_live_keys", "Events held in dedup state.")?,
            max_keys: core.int_gauge(
                "dragoman_dedup_max_keys",
                "The configured bound on live keys.",
            )?,
            evicted_window: evictions.with_label_values(&["window"]),
            evicted_bound: evictions.with_label_values(&["bound"]),
            core: core.clone(),
        })
    }

    /// A decision (`new`, `update`, `redelivery`, `copy`); anything else is `other`.
    pub fn decision(&self, decision: &str) {
        let i = match decision {
            "new" => 0,
            "update" => 1,
            "redelivery" => 2,
            "copy" => 3,
            _ => 4,
        };
        self.decisions[i].inc();
    }

    fn evicted(&self, window: u32, bound: u32) {
        self.evicted_window.inc_by(u64::from(window));
        self.evicted_bound.inc_by(u64::from(bound));
    }
}

/// events.extracted -> events, with one deduplicator per input partition whose state lives in
/// the changelog partition of the same number.
pub struct DedupProcessor {
    config: DedupConfig,
    by_partition: HashMap<i32, Deduplicator>,
    output: Arc<str>,
    changelog: Arc<str>,
    metrics: Arc<DedupMetrics>,
}

impl DedupProcessor {
    /// The processor for the service configured by `cfg`, counting on `metrics`.
    pub fn new(cfg: &Config, metrics: Arc<DedupMetrics>) -> Result<Self, String> {
        let section = cfg.section::<DedupSection>().map_err(|e| e.to_string())?;
        metrics.max_keys.set(section.max_keys as i64);
        Ok(DedupProcessor {
            config: section.dedup_config(),
            by_partition: HashMap::new(),
            output: Arc::from(cfg.topics.events.as_str()),
            changelog: Arc::from(cfg.topics.dedup_changelog.as_str()),
            metrics,
        })
    }

    fn partition(&mut self, p: i32) -> &mut Deduplicator {
        let config = &self.config;
        self.by_partition
            .entry(p)
            .or_insert_with(|| Deduplicator::new(config.clone()))
    }

    fn update_live_keys(&self) {
        let live: usize = self
            .by_partition
            .values()
            .map(Deduplicator::live_keys)
            .sum();
        self.metrics.live_keys.set(live as i64);
    }
}

impl Processor for DedupProcessor {
    fn process(&mut self, rec: &InputRecord<'_>) -> Verdict {
        let candidate: CandidateEvent = match wire::decode_record(rec.payload) {
            Ok(c) => c,
            Err(e) => {
                self.metrics.core.error(ErrorKind::Deserialize);
                return Verdict::DeadLetter {
                    reason: "invalid_record",
                    message: format!("not an event candidate: {e}"),
                };
            }
        };
        let now = Utc::now();
        let partition = rec.partition;
        let first_seen = candidate.article.first_seen;
        // Owned: the published event takes the candidate's strings instead of copying them.
        // The offset goes into the changelog with the revision it produces (`resumed`).
        let outcome = match self
            .partition(partition)
            .process_owned_from(candidate, now, rec.offset)
        {
            Ok(outcome) => outcome,
            Err(why) => {
                return Verdict::DeadLetter {
                    reason: why.reason(),
                    message: why.to_string(),
                }
            }
        };
        self.metrics.decision(outcome.kind.as_str());
        self.metrics
            .evicted(outcome.evicted_window, outcome.evicted_bound);
        let mut out = Vec::with_capacity(outcome.changelog.len() + 1);
        // State first: the event is only as durable as the state that explains its revision.
        for c in outcome.changelog {
            out.push(OutputRecord {
                topic: self.changelog.clone(),
                key: Some(c.key),
                payload: c.value,
                partition: Some(partition),
                headers: Vec::new(),
            });
        }
        if let Some(event) = outcome.event {
            let mut payload = Vec::with_capacity(event.evidence.sentence.len() + 1024);
            match serde_json::to_writer(&mut payload, &event) {
                Ok(()) => {
                    self.metrics
                        .events
                        .count(&event.root_code, event.quad_class);
                    let latency = (now - first_seen).to_std().unwrap_or_default();
                    self.metrics
                        .core
                        .event_latency_seconds
                        .observe(latency.as_secs_f64());
                    out.push(OutputRecord::new(
                        self.output.clone(),
                        Some(event.event_id.into_bytes()),
                        payload,
                    ));
                }
                Err(e) => {
                    self.metrics.core.error(ErrorKind::Deserialize);
                    tracing::error!(error = %e, "cannot encode an event");
                }
            }
        }
        self.update_live_keys();
        Verdict::Produce(out)
    }

    fn assigned(&mut self, partitions: &[i32]) {
        for &p in partitions {
            self.partition(p);
        }
        self.update_live_keys();
    }

    fn revoked(&mut self, partitions: &[i32]) {
        for p in partitions {
            self.by_partition.remove(p);
        }
        self.update_live_keys();
    }

    fn restore(&mut self, partition: i32, key: &[u8], value: Option<&[u8]>) -> Result<(), String> {
        self.partition(partition)
            .restore(key, value)
            .map_err(|e| e.to_string())
    }

    /// Restored events whose latest revision was produced at or after the committed offset
    /// may never have been published (the runtime sends an output once its changelog records
    /// are acknowledged, and a crash can fall between): they are *in doubt*, and the next
    /// candidate that reaches one, even the replayed record that produced it, publishes it
    /// under the next revision ([`Deduplicator::resume`]).
    fn resumed(&mut self, partition: i32, committed: Option<i64>) {
        let in_doubt = self.partition(partition).resume(committed);
        if in_doubt > 0 {
            tracing::info!(
                partition,
                ?committed,
                in_doubt,
                "restored events whose latest revision may not have been published"
            );
        }
    }
}

#[cfg(test)]
mod tests;
