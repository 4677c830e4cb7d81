//! The core metrics of every dragoman service, and the registry each stage extends.
//!
//! The runtime counts what every stage does alike: records in and out, dead letters, errors,
//! time per record, consumer lag, broker connection, readiness. A stage registers its own
//! metrics on the same registry ([`Metrics::counter_vec`] and the like) from the crate that
//! defines it, and declares the dead-letter reasons it uses ([`Metrics::declare_dlq_reasons`]).
//! `docs/metrics.md` is the contract with the dashboards; a test of the binary, which sees
//! every stage, checks that the names, types and labels there and in the registries agree, both
//! ways. Label values are bounded: every method that takes one maps it onto a closed set, so no
//! id can ever become a label.

use std::sync::{OnceLock, RwLock};
use std::time::Duration;

use prometheus::core::Collector;
use prometheus::{
    Encoder, Gauge, Histogram, HistogramOpts, HistogramVec, IntCounter, IntCounterVec, IntGauge,
    IntGaugeVec, Opts, Registry, TextEncoder,
};

use crate::config::Stage;

/// The DLQ `reason` values of the runtime itself: `invalid_record`, what a stage uses for a
/// record it cannot decode (and what an undeclared reason is counted as), and `too_large`, a
/// record the producer or broker refused for its size. A stage declares its own besides.
pub const CORE_DLQ_REASONS: [&str; 2] = ["invalid_record", "too_large"];

/// `kind` of `dragoman_errors_total`: errors that did not lose data.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorKind {
    Broker,
    Produce,
    Commit,
    Deserialize,
    State,
}

impl ErrorKind {
    pub const ALL: [ErrorKind; 5] = [
        ErrorKind::Broker,
        ErrorKind::Produce,
        ErrorKind::Commit,
        ErrorKind::Deserialize,
        ErrorKind::State,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ErrorKind::Broker => "broker",
            ErrorKind::Produce => "produce",
            ErrorKind::Commit => "commit",
            ErrorKind::Deserialize => "deserialize",
            ErrorKind::State => "state",
        }
    }
}

/// Buckets for per-record processing: from 10 µs (a short record) to 1 s.
const PROCESSING_BUCKETS: [f64; 14] = [
    1e-5, 2.5e-5, 5e-5, 1e-4, 2.5e-4, 5e-4, 1e-3, 2.5e-3, 5e-3, 0.01, 0.025, 0.1, 0.25, 1.0,
];
/// Buckets for end-to-end latency: from 1 ms to 1 min.
const LATENCY_BUCKETS: [f64; 14] = [
    0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 60.0,
];

/// The metrics of one service; cheap to share behind an `Arc`.
pub struct Metrics {
    registry: Registry,
    stage: &'static str,
    pub records_in: IntCounter,
    pub records_out: IntCounter,
    dlq: IntCounterVec,
    /// The reasons counted under their own name: the runtime's and those stages declared.
    dlq_reasons: RwLock<Vec<&'static str>>,
    errors: IntCounterVec,
    pub processing_seconds: Histogram,
    /// From a record's first sight by the pipeline to its output leaving the last stage.
    pub event_latency_seconds: Histogram,
    consumer_lag: IntGaugeVec,
    pub broker_connected: IntGauge,
    pub ready: IntGauge,
    /// Where a stage with a changelog wants the time of its last state restore.
    state_restore_seconds: OnceLock<Gauge>,
}

impl Metrics {
    pub fn new(stage: Stage) -> Metrics {
        Self::try_new(stage).expect("metric definitions are valid and registered once")
    }

    fn try_new(stage: Stage) -> prometheus::Result<Metrics> {
        let registry = Registry::new();
        let s = stage.as_str();

        let build_info = IntGaugeVec::new(
            Opts::new("dragoman_build_info", "Always 1; carries the version."),
            &["version", "stage"],
        )?;
        build_info
            .with_label_values(&[env!("CARGO_PKG_VERSION"), s])
            .set(1);
        registry.register(Box::new(build_info))?;

        let records_in = counter_vec(
            &registry,
            "dragoman_records_in_total",
            "Records consumed from the stage's input topic.",
            &["stage"],
        )?;
        let records_out = counter_vec(
            &registry,
            "dragoman_records_out_total",
            "Records produced to the stage's output topic (acknowledged).",
            &["stage"],
        )?;
        let dlq = counter_vec(
            &registry,
            "dragoman_dlq_records_total",
            "Records sent to the dead-letter topic of the input.",
            &["stage", "reason"],
        )?;
        let errors = counter_vec(
            &registry,
            "dragoman_errors_total",
            "Errors that did not lose data.",
            &["stage", "kind"],
        )?;
        let processing = HistogramVec::new(
            HistogramOpts::new(
                "dragoman_processing_seconds",
                "Time to process one record inside the stage (no broker time).",
            )
            .buckets(PROCESSING_BUCKETS.to_vec()),
            &["stage"],
        )?;
        registry.register(Box::new(processing.clone()))?;
        let event_latency_seconds = Histogram::with_opts(
            HistogramOpts::new(
                "dragoman_event_latency_seconds",
                "From a record's first sight by the pipeline to its result leaving the last stage.",
            )
            .buckets(LATENCY_BUCKETS.to_vec()),
        )?;
        registry.register(Box::new(event_latency_seconds.clone()))?;
        let consumer_lag = IntGaugeVec::new(
            Opts::new(
                "dragoman_consumer_lag",
                "Consumer lag per assigned partition, from librdkafka statistics.",
            ),
            &["stage", "topic", "partition"],
        )?;
        registry.register(Box::new(consumer_lag.clone()))?;
        let broker_connected = IntGaugeVec::new(
            Opts::new(
                "dragoman_broker_connected",
                "1 while the service reaches the broker.",
            ),
            &["stage"],
        )?;
        registry.register(Box::new(broker_connected.clone()))?;
        let ready = IntGaugeVec::new(
            Opts::new("dragoman_ready", "1 once /ready answers 200."),
            &["stage"],
        )?;
        registry.register(Box::new(ready.clone()))?;

        #[cfg(target_os = "linux")]
        registry.register(Box::new(
            prometheus::process_collector::ProcessCollector::for_self(),
        ))?;

        // Children that always exist start at zero, so dashboards see a series from the start
        // and `rate()` sees the first increment.
        for reason in CORE_DLQ_REASONS {
            dlq.with_label_values(&[s, reason]);
        }
        for kind in ErrorKind::ALL {
            errors.with_label_values(&[s, kind.as_str()]);
        }
        Ok(Metrics {
            stage: s,
            records_in: records_in.with_label_values(&[s]),
            records_out: records_out.with_label_values(&[s]),
            dlq,
            dlq_reasons: RwLock::new(CORE_DLQ_REASONS.to_vec()),
            errors,
            processing_seconds: processing.with_label_values(&[s]),
            event_latency_seconds,
            consumer_lag,
            broker_connected: broker_connected.with_label_values(&[s]),
            ready: ready.with_label_values(&[s]),
            state_restore_seconds: OnceLock::new(),
            registry,
        })
    }

    /// The bounded `stage` label of this service.
    pub fn stage(&self) -> &'static str {
        self.stage
    }

    /// Declares the dead-letter reasons a stage uses: each is counted under its own name (from
    /// zero, so a series exists from the start) instead of as `invalid_record`.
    pub fn declare_dlq_reasons(&self, reasons: &[&'static str]) {
        let mut known = self.dlq_reasons.write().unwrap_or_else(|e| e.into_inner());
        for reason in reasons {
            if !known.contains(reason) {
                known.push(reason);
                self.dlq.with_label_values(&[self.stage, reason]);
            }
        }
    }

    /// A record sent to the DLQ. A reason nobody declared is counted as `invalid_record`
    /// rather than opening the label set.
    pub fn dlq(&self, reason: &str) {
        let reason = self
            .dlq_reasons
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .iter()
            .find(|r| **r == reason)
            .copied()
            .unwrap_or("invalid_record");
        self.dlq.with_label_values(&[self.stage, reason]).inc();
    }

    pub fn dlq_count(&self, reason: &str) -> u64 {
        self.dlq.with_label_values(&[self.stage, reason]).get()
    }

    pub fn error(&self, kind: ErrorKind) {
        self.errors
            .with_label_values(&[self.stage, kind.as_str()])
            .inc();
    }

    pub fn error_count(&self, kind: ErrorKind) -> u64 {
        self.errors
            .with_label_values(&[self.stage, kind.as_str()])
            .get()
    }

    pub fn observe_processing(&self, took: Duration) {
        self.processing_seconds.observe(took.as_secs_f64());
    }

    /// Where the time of a state restore goes: a stage with a changelog registers its gauge.
    pub fn report_state_restore_to(&self, gauge: Gauge) {
        let _ = self.state_restore_seconds.set(gauge);
    }

    /// How long the last restore of the stage's state from its changelog took.
    pub fn state_restored(&self, took: Duration) {
        if let Some(gauge) = self.state_restore_seconds.get() {
            gauge.set(took.as_secs_f64());
        }
    }

    pub fn set_consumer_lag(&self, topic: &str, partition: i32, lag: i64) {
        // Partitions are few and bounded by the topic's partition count.
        let p = partition.to_string();
        self.consumer_lag
            .with_label_values(&[self.stage, topic, &p])
            .set(lag);
    }

    /// The lag summed over every partition this instance holds, as the consumer last reported.
    pub fn consumer_lag_total(&self) -> i64 {
        self.consumer_lag
            .collect()
            .iter()
            .flat_map(|family| family.get_metric())
            .map(|m| m.get_gauge().get_value() as i64)
            .sum()
    }

    /// Drops the lag series of a partition this instance no longer owns, so a revoked
    /// partition does not show a stale lag forever.
    pub fn clear_consumer_lag(&self, topic: &str, partition: i32) {
        let p = partition.to_string();
        let _ = self
            .consumer_lag
            .remove_label_values(&[self.stage, topic, &p]);
    }

    /// Registers a stage's counter.
    pub fn counter(&self, name: &str, help: &str) -> prometheus::Result<IntCounter> {
        register(&self.registry, IntCounter::new(name, help)?)
    }

    /// Registers a stage's labelled counter; the stage keeps its label values bounded.
    pub fn counter_vec(
        &self,
        name: &str,
        help: &str,
        labels: &[&str],
    ) -> prometheus::Result<IntCounterVec> {
        counter_vec(&self.registry, name, help, labels)
    }

    /// Registers a stage's gauge of a count.
    pub fn int_gauge(&self, name: &str, help: &str) -> prometheus::Result<IntGauge> {
        register(&self.registry, IntGauge::new(name, help)?)
    }

    /// Registers a stage's gauge of a measure.
    pub fn gauge(&self, name: &str, help: &str) -> prometheus::Result<Gauge> {
        register(&self.registry, Gauge::new(name, help)?)
    }

    /// The Prometheus text exposition of every metric.
    pub fn render(&self) -> String {
        let mut buf = Vec::with_capacity(16 * 1024);
        // Encoding into a Vec cannot fail on I/O; a malformed family would be a bug here.
        if let Err(e) = TextEncoder::new().encode(&self.registry.gather(), &mut buf) {
            tracing::error!(error = %e, "encoding metrics");
        }
        String::from_utf8(buf).unwrap_or_default()
    }

    pub fn registry(&self) -> &Registry {
        &self.registry
    }
}

fn register<C: Collector + Clone + 'static>(registry: &Registry, c: C) -> prometheus::Result<C> {
    registry.register(Box::new(c.clone()))?;
    Ok(c)
}

fn counter_vec(
    registry: &Registry,
    name: &str,
    help: &str,
    labels: &[&str],
) -> prometheus::Result<IntCounterVec> {
    register(registry, IntCounterVec::new(Opts::new(name, help), labels)?)
}

#[cfg(test)]
mod tests {
    use super::*;

    const ALPHA: Stage = Stage::Service {
        name: "alpha",
        admin: "127.0.0.1:0",
    };

    /// The names in the table of docs/metrics.md.
    fn catalogue() -> Vec<String> {
        include_str!("../../../docs/metrics.md")
            .lines()
            .filter_map(|line| line.split('|').nth(1))
            .map(str::trim)
            .filter(|cell| cell.starts_with("`dragoman_"))
            .map(|cell| cell.trim_matches('`').to_owned())
            .collect()
    }

    /// The whole catalogue, stages' metrics included, is checked by the binary's test, which
    /// sees every stage; here, that the runtime registers nothing the catalogue lacks.
    #[test]
    fn every_core_metric_is_in_the_catalogue() {
        let m = Metrics::new(ALPHA);
        m.set_consumer_lag("t", 0, 3);
        let doc = catalogue();
        assert!(doc.len() >= 19, "catalogue parsed: {doc:?}");
        for fam in m.registry().gather() {
            let name = fam.name();
            assert!(
                name.starts_with("process_") || doc.iter().any(|d| d == name),
                "{name} is registered but not in docs/metrics.md"
            );
        }
    }

    #[test]
    fn dead_letter_reasons_are_counted_only_when_declared() {
        let m = Metrics::new(ALPHA);
        m.dlq("something_new");
        assert_eq!(m.dlq_count("invalid_record"), 1);
        m.dlq("too_large");
        assert_eq!(m.dlq_count("too_large"), 1);
        m.declare_dlq_reasons(&["something_new"]);
        assert!(m
            .render()
            .contains("dragoman_dlq_records_total{reason=\"something_new\",stage=\"alpha\"} 0"));
        m.dlq("something_new");
        assert_eq!(m.dlq_count("something_new"), 1);
        assert_eq!(m.dlq_count("invalid_record"), 1);
    }

    #[test]
    fn a_stage_extends_the_registry() {
        let m = Metrics::new(ALPHA);
        let c = m
            .counter_vec("dragoman_alpha_total", "A stage's.", &["x"])
            .unwrap();
        c.with_label_values(&["y"]).inc();
        assert!(m.render().contains("dragoman_alpha_total{x=\"y\"} 1"));
        assert!(m.counter("dragoman_alpha_total", "Twice.").is_err());
        m.state_restored(Duration::from_secs(1));
        let g = m
            .gauge("dragoman_alpha_restore_seconds", "Restore.")
            .unwrap();
        m.report_state_restore_to(g.clone());
        m.state_restored(Duration::from_millis(1500));
        assert_eq!(g.get(), 1.5);
    }

    #[test]
    fn stage_children_exist_at_zero() {
        let m = Metrics::new(ALPHA);
        let text = m.render();
        assert!(text.contains("dragoman_records_in_total{stage=\"alpha\"} 0"));
        assert!(text.contains("dragoman_dlq_records_total{reason=\"too_large\",stage=\"alpha\"} 0"));
        assert!(text.contains("dragoman_errors_total{kind=\"broker\",stage=\"alpha\"} 0"));
        assert!(text.contains("dragoman_build_info{stage=\"alpha\",version="));
        m.clear_consumer_lag("t", 1);
    }
}
