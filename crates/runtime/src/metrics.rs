//! Every metric a dragoman service exports, in one typed place.
//!
//! `docs/metrics.md` is the contract with the dashboards; the test at the bottom checks that the
//! names, types and labels here and there agree, both ways. Label values are bounded: every
//! method that takes one maps it onto a closed set, so no id can ever become a label.

use std::time::Duration;

use prometheus::{
    Encoder, Gauge, Histogram, HistogramOpts, HistogramVec, IntCounter, IntCounterVec, IntGauge,
    IntGaugeVec, Opts, Registry, TextEncoder,
};

use crate::config::Stage;

/// DLQ `reason` values (docs/metrics.md): ingest's reasons (`IngestError::REASONS`, kept equal
/// by a test of the binary, which sees both crates) and `invalid_record`, what a stage after
/// ingest uses for a record it cannot decode.
pub const DLQ_REASONS: [&str; 9] = [
    "invalid_json",
    "not_utf8",
    "not_an_object",
    "missing_body",
    "empty_body",
    "invalid_field",
    "date_out_of_range",
    "too_large",
    "invalid_record",
];

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

/// `cause` of `dragoman_dedup_evictions_total`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EvictionCause {
    Window,
    Bound,
}

/// Buckets for per-record processing: from 10 µs (ingest of a short article) to 1 s.
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
    errors: IntCounterVec,
    pub processing_seconds: Histogram,
    pub event_latency_seconds: Histogram,
    events: IntCounterVec,
    articles: IntCounterVec,
    pub boilerplate_paragraphs: IntCounter,
    pub extract_cache_hits: IntCounter,
    coder_bounds: IntCounterVec,
    dedup_decisions: IntCounterVec,
    pub dedup_live_keys: IntGauge,
    pub dedup_max_keys: IntGauge,
    dedup_evictions: IntCounterVec,
    pub dedup_state_restore_seconds: Gauge,
    consumer_lag: IntGaugeVec,
    pub broker_connected: IntGauge,
    pub ready: IntGauge,
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
                "From the article's first sight by ingest to its event leaving dedup.",
            )
            .buckets(LATENCY_BUCKETS.to_vec()),
        )?;
        registry.register(Box::new(event_latency_seconds.clone()))?;
        let events = counter_vec(
            &registry,
            "dragoman_events_total",
            "Events produced: candidates by extract, published revisions by dedup.",
            &["stage", "root_code", "quad_class"],
        )?;
        let articles = counter_vec(
            &registry,
            "dragoman_articles_total",
            "Articles cleaned by ingest.",
            &["language"],
        )?;
        let boilerplate_paragraphs = IntCounter::new(
            "dragoman_boilerplate_paragraphs_total",
            "Paragraphs ingest dropped as page boilerplate.",
        )?;
        registry.register(Box::new(boilerplate_paragraphs.clone()))?;
        let extract_cache_hits = IntCounter::new(
            "dragoman_extract_cache_hits_total",
            "Articles whose identical text was already coded.",
        )?;
        registry.register(Box::new(extract_cache_hits.clone()))?;
        let coder_bounds = counter_vec(
            &registry,
            "dragoman_coder_bound_cuts_total",
            "Cuts made by the coder's bounds on one article's work (long sentences split, \
             events dropped, evidence clipped).",
            &["bound"],
        )?;
        let dedup_decisions = counter_vec(
            &registry,
            "dragoman_dedup_decisions_total",
            "Dedup decisions per candidate.",
            &["decision"],
        )?;
        let dedup_live_keys =
            IntGauge::new("dragoman_dedup_live_keys", "Events held in dedup state.")?;
        registry.register(Box::new(dedup_live_keys.clone()))?;
        let dedup_max_keys = IntGauge::new(
            "dragoman_dedup_max_keys",
            "The configured bound on live keys.",
        )?;
        registry.register(Box::new(dedup_max_keys.clone()))?;
        let dedup_evictions = counter_vec(
            &registry,
            "dragoman_dedup_evictions_total",
            "Keys dropped from dedup state.",
            &["cause"],
        )?;
        let dedup_state_restore_seconds = Gauge::new(
            "dragoman_dedup_state_restore_seconds",
            "Time the last state restore took.",
        )?;
        registry.register(Box::new(dedup_state_restore_seconds.clone()))?;
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
        for reason in DLQ_REASONS {
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
            errors,
            processing_seconds: processing.with_label_values(&[s]),
            event_latency_seconds,
            events,
            articles,
            boilerplate_paragraphs,
            extract_cache_hits,
            coder_bounds,
            dedup_decisions,
            dedup_live_keys,
            dedup_max_keys,
            dedup_evictions,
            dedup_state_restore_seconds,
            consumer_lag,
            broker_connected: broker_connected.with_label_values(&[s]),
            ready: ready.with_label_values(&[s]),
            registry,
        })
    }

    pub fn stage(&self) -> &'static str {
        self.stage
    }

    /// A record sent to the DLQ. An unknown reason is counted as `invalid_record` rather than
    /// opening the label set.
    pub fn dlq(&self, reason: &str) {
        let reason = DLQ_REASONS
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

    /// An event produced; `root_code` is a CAMEO root ("01".."20"), anything else is `other`.
    pub fn event(&self, root_code: &str, quad_class: u8) {
        let root = match root_code.parse::<u8>() {
            Ok(1..=20) if root_code.len() == 2 => root_code,
            _ => "other",
        };
        let quad = match quad_class {
            1 => "1",
            2 => "2",
            3 => "3",
            4 => "4",
            _ => "0",
        };
        self.events
            .with_label_values(&[self.stage, root, quad])
            .inc();
    }

    /// An article cleaned by ingest, by its language code (mapped onto `en`, `other`, `und`).
    pub fn article(&self, language: &str) {
        let label = match language {
            "en" => "en",
            "" | "und" => "und",
            _ => "other",
        };
        self.articles.with_label_values(&[label]).inc();
    }

    /// A dedup decision (`new`, `update`, `redelivery`, `copy`); anything else is `other`.
    pub fn dedup_decision(&self, decision: &str) {
        let label = match decision {
            "new" | "update" | "redelivery" | "copy" => decision,
            _ => "other",
        };
        self.dedup_decisions.with_label_values(&[label]).inc();
    }

    pub fn dedup_evictions(&self, cause: EvictionCause, n: u64) {
        if n == 0 {
            return;
        }
        let label = match cause {
            EvictionCause::Window => "window",
            EvictionCause::Bound => "bound",
        };
        self.dedup_evictions.with_label_values(&[label]).inc_by(n);
    }

    /// `n` cuts by one of the coder's bounds (`sentence_tokens`, `sentence_events`,
    /// `article_events`, `evidence_bytes`).
    pub fn coder_bound_cuts(&self, bound: &str, n: u64) {
        if n > 0 {
            self.coder_bounds.with_label_values(&[bound]).inc_by(n);
        }
    }

    pub fn observe_processing(&self, took: Duration) {
        self.processing_seconds.observe(took.as_secs_f64());
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
        use prometheus::core::Collector;
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

fn counter_vec(
    registry: &Registry,
    name: &str,
    help: &str,
    labels: &[&str],
) -> prometheus::Result<IntCounterVec> {
    let v = IntCounterVec::new(Opts::new(name, help), labels)?;
    registry.register(Box::new(v.clone()))?;
    Ok(v)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;

    /// (name -> (type, labels)) from the table of docs/metrics.md.
    fn catalogue() -> BTreeMap<String, (String, Vec<String>)> {
        let doc = include_str!("../../../docs/metrics.md");
        let mut out = BTreeMap::new();
        for line in doc.lines() {
            let cells: Vec<&str> = line.split('|').map(str::trim).collect();
            if cells.len() < 6 || !cells[1].starts_with("`dragoman_") {
                continue;
            }
            let name = cells[1].trim_matches('`').to_owned();
            let kind = cells[2].to_owned();
            let labels = cells[4]
                .split(',')
                .map(|l| l.trim().trim_matches('`').to_owned())
                .filter(|l| !l.is_empty() && l != "(none)")
                .collect();
            out.insert(name, (kind, labels));
        }
        out
    }

    #[test]
    fn registry_matches_the_catalogue_both_ways() {
        let m = Metrics::new(Stage::Dedup);
        // Touch the label sets that have no always-present child.
        m.event("05", 1);
        m.article("en");
        m.dedup_decision("new");
        m.dedup_evictions(EvictionCause::Bound, 1);
        m.coder_bound_cuts("sentence_tokens", 1);
        m.set_consumer_lag("events.extracted", 0, 3);

        let doc = catalogue();
        assert!(doc.len() >= 19, "catalogue parsed: {doc:?}");
        let mut registered = BTreeMap::new();
        for fam in m.registry().gather() {
            let name = fam.name().to_owned();
            if name.starts_with("process_") {
                continue;
            }
            let kind = match fam.get_field_type() {
                prometheus::proto::MetricType::COUNTER => "counter",
                prometheus::proto::MetricType::GAUGE => "gauge",
                prometheus::proto::MetricType::HISTOGRAM => "histogram",
                other => panic!("unexpected type {other:?}"),
            };
            let labels: Vec<String> = fam.get_metric()[0]
                .get_label()
                .iter()
                .map(|l| l.name().to_owned())
                .collect();
            registered.insert(name, (kind.to_owned(), labels));
        }
        for (name, (kind, labels)) in &doc {
            let Some((rk, rl)) = registered.get(name) else {
                panic!("{name} is in docs/metrics.md but not registered");
            };
            assert_eq!(rk, kind, "{name}: type");
            let mut a = rl.clone();
            let mut b = labels.clone();
            a.sort();
            b.sort();
            assert_eq!(a, b, "{name}: labels");
        }
        for name in registered.keys() {
            assert!(
                doc.contains_key(name),
                "{name} is registered but not in docs/metrics.md"
            );
        }
    }

    #[test]
    fn label_values_stay_bounded() {
        let m = Metrics::new(Stage::Extract);
        m.dlq("something_new");
        assert_eq!(m.dlq_count("invalid_record"), 1);
        m.event("057", 1);
        m.event("21", 9);
        m.article("fr");
        m.article("");
        m.dedup_decision("weird");
        let text = m.render();
        assert!(text.contains("root_code=\"other\""), "{text}");
        assert!(!text.contains("root_code=\"057\""));
        assert!(text.contains("quad_class=\"0\""));
        assert!(text.contains("language=\"other\""));
        assert!(text.contains("language=\"und\""));
        assert!(text.contains("decision=\"other\""));
    }

    #[test]
    fn root_codes_are_accepted_as_labels() {
        let m = Metrics::new(Stage::Extract);
        for root in ["01", "09", "10", "19", "20"] {
            m.event(root, 2);
        }
        let text = m.render();
        for root in ["01", "09", "10", "19", "20"] {
            assert!(text.contains(&format!("root_code=\"{root}\"")), "{root}");
        }
        assert!(!text.contains("root_code=\"other\""));
    }

    #[test]
    fn stage_children_exist_at_zero() {
        let m = Metrics::new(Stage::Ingest);
        let text = m.render();
        assert!(text.contains("dragoman_records_in_total{stage=\"ingest\"} 0"));
        assert!(
            text.contains("dragoman_dlq_records_total{reason=\"too_large\",stage=\"ingest\"} 0")
        );
        assert!(text.contains("dragoman_build_info{stage=\"ingest\",version="));
        m.clear_consumer_lag("t", 1);
    }
}
