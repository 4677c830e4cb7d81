//! Extract as a Kafka service (feature `service`): its sections of the configuration, its
//! metrics, and the processor the runtime runs, `articles.clean` -> `events.extracted`
//! (candidates keyed by their dedup key). The library above knows nothing of Kafka.

use std::sync::Arc;

use dragoman_coder::Coder;
use dragoman_dedup::service::EventCounter;
use dragoman_ingest::service::wire_encoding;
use dragoman_model::{wire, CleanArticle};
use dragoman_runtime::config::{Config, Section, Stage};
use dragoman_runtime::{ErrorKind, InputRecord, Metrics, OutputRecord, Processor, Verdict};
use prometheus::{IntCounter, IntCounterVec};

use crate::{CoderSection, ExtractSection, Extractor};

/// The service's name (metrics label, consumer group `dragoman-extract`) and admin address.
pub const STAGE: Stage = Stage::Service {
    name: "extract",
    admin: "127.0.0.1:9465",
};

impl Section for ExtractSection {
    const NAME: &'static str = "extract";
}

impl Section for CoderSection {
    const NAME: &'static str = "coder";
}

/// Extract's own metrics, on the service's registry.
pub struct ExtractMetrics {
    core: Arc<Metrics>,
    pub events: EventCounter,
    pub cache_hits: IntCounter,
    bound_cuts: IntCounterVec,
}

impl ExtractMetrics {
    pub fn register(core: &Arc<Metrics>) -> prometheus::Result<Self> {
        Ok(ExtractMetrics {
            events: EventCounter::register(core)?,
            cache_hits: core.counter(
                "dragoman_extract_cache_hits_total",
                "Articles whose identical text was already coded.",
            )?,
            bound_cuts: core.counter_vec(
                "dragoman_coder_bound_cuts_total",
                "Cuts made by the coder's bounds on one article's work (long sentences split, \
                 events dropped, evidence clipped).",
                &["bound"],
            )?,
            core: core.clone(),
        })
    }

    /// `n` cuts by one of the coder's bounds (`Cuts::by_bound`: a closed set).
    pub fn bound_cuts(&self, bound: &str, n: u64) {
        if n > 0 {
            self.bound_cuts.with_label_values(&[bound]).inc_by(n);
        }
    }
}

/// articles.clean -> events.extracted (candidates keyed by their dedup key).
pub struct ExtractProcessor {
    extractor: Extractor,
    output: Arc<str>,
    encoding: wire::Encoding,
    metrics: ExtractMetrics,
}

impl ExtractProcessor {
    /// The processor for the service configured by `cfg`, with `coder` (loaded from the
    /// `[coder]` section) and counting on `metrics`.
    pub fn new(cfg: &Config, coder: Arc<Coder>, metrics: ExtractMetrics) -> Result<Self, String> {
        let section = cfg.section::<ExtractSection>().map_err(|e| e.to_string())?;
        Ok(ExtractProcessor {
            extractor: Extractor::new(coder, section.cache_size),
            output: Arc::from(cfg.topics.events_extracted.as_str()),
            encoding: wire_encoding(cfg),
            metrics,
        })
    }
}

impl Processor for ExtractProcessor {
    fn process(&mut self, rec: &InputRecord<'_>) -> Verdict {
        let article: CleanArticle = match wire::decode_record(rec.payload) {
            Ok(a) => a,
            Err(e) => {
                self.metrics.core.error(ErrorKind::Deserialize);
                return Verdict::DeadLetter {
                    reason: "invalid_record",
                    message: format!("not a cleaned article: {e}"),
                };
            }
        };
        let outcome = self.extractor.extract(&article);
        if outcome.cache_hit {
            self.metrics.cache_hits.inc();
        }
        if outcome.cuts.any() {
            for (bound, n) in outcome.cuts.by_bound() {
                self.metrics.bound_cuts(bound, n);
            }
            tracing::warn!(article = %article.id, cuts = ?outcome.cuts, "the coder's bounds cut this article");
        }
        let mut out = Vec::with_capacity(outcome.candidates.len());
        for c in outcome.candidates.iter() {
            let mut payload = Vec::with_capacity(c.evidence.sentence.len() + 768);
            match wire::encode(c, self.encoding, &mut payload) {
                Ok(()) => {
                    self.metrics.events.count(&c.root_code, c.quad_class);
                    out.push(OutputRecord::new(
                        self.output.clone(),
                        Some(c.partition_key().into_bytes()),
                        payload,
                    ));
                }
                Err(e) => {
                    self.metrics.core.error(ErrorKind::Deserialize);
                    tracing::error!(error = %e, article = %article.id, "cannot encode a candidate");
                }
            }
        }
        Verdict::Produce(out)
    }
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use dragoman_runtime::Loader;

    use super::*;

    #[test]
    fn extract_codes_an_article_and_counts_a_repeat_as_a_cache_hit() {
        let cfg = Loader::new(STAGE)
            .env(HashMap::from([(
                "DRAGOMAN__EXTRACT__CACHE_SIZE".to_owned(),
                "4".to_owned(),
            )]))
            .section::<ExtractSection>()
            .load()
            .unwrap();
        let core = Arc::new(Metrics::new(STAGE));
        let metrics = ExtractMetrics::register(&core).unwrap();
        let coder = Arc::new(Coder::bundled().unwrap());
        let mut p = ExtractProcessor::new(&cfg, coder, metrics).unwrap();
        let raw = br#"{"id":"a1","body":"Russia and Libya signed a cooperation agreement in Moscow on Monday.","published_at":"2019-03-25T09:30:00Z","language":"en"}"#;
        let article = dragoman_ingest::clean(raw, chrono::Utc::now(), &Default::default()).unwrap();
        let payload = serde_json::to_vec(&article).unwrap();
        let rec = InputRecord {
            topic: "articles.clean",
            partition: 0,
            offset: 0,
            key: None,
            payload: Some(&payload),
            timestamp_ms: None,
        };
        for _ in 0..2 {
            match p.process(&rec) {
                Verdict::Produce(out) => {
                    assert!(!out.is_empty());
                    assert_eq!(&*out[0].topic, "events.extracted");
                    let payload = out[0].payload.as_deref().unwrap();
                    assert!(wire::is_msgpack(payload), "the default internal encoding");
                    let c: dragoman_model::CandidateEvent = wire::decode(payload).unwrap();
                    assert_eq!(c.article.id, "a1");
                }
                other => panic!("{other:?}"),
            }
        }
        let text = core.render();
        assert!(
            text.contains("dragoman_extract_cache_hits_total 1"),
            "{text}"
        );
        assert!(text.contains("stage=\"extract\""), "{text}");
        let bad = InputRecord {
            payload: Some(b"{}"),
            ..rec
        };
        assert!(matches!(
            p.process(&bad),
            Verdict::DeadLetter {
                reason: "invalid_record",
                ..
            }
        ));
        assert_eq!(core.error_count(ErrorKind::Deserialize), 1);
    }
}
