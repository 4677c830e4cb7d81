//! Ingest as a Kafka service (feature `service`): its section of the configuration, its
//! metrics, and the processor the runtime runs, `articles.raw` -> `articles.clean` (or the
//! dead-letter topic with ingest's reason). The library above knows nothing of Kafka.

use std::sync::Arc;

use chrono::Utc;
use dragoman_model::wire;
use dragoman_runtime::config::{Config, InternalEncoding, Section, Stage};
use dragoman_runtime::{ConfigError, InputRecord, Metrics, OutputRecord, Processor, Verdict};
use prometheus::{IntCounter, IntCounterVec};

use crate::{IngestError, IngestOptions};

/// The service's name (metrics label, consumer group `dragoman-ingest`) and admin address.
pub const STAGE: Stage = Stage::Service {
    name: "ingest",
    admin: "127.0.0.1:9464",
};

impl Section for IngestOptions {
    const NAME: &'static str = "ingest";

    fn validate(&self) -> Result<(), ConfigError> {
        if self.max_bytes == 0 {
            return Err(ConfigError::invalid("ingest.max_bytes", "must be > 0"));
        }
        Ok(())
    }
}

/// Ingest's own metrics, on the service's registry.
pub struct IngestMetrics {
    articles: IntCounterVec,
    pub boilerplate_paragraphs: IntCounter,
}

impl IngestMetrics {
    /// Registers them, and declares ingest's dead-letter reasons.
    pub fn register(core: &Metrics) -> prometheus::Result<Self> {
        core.declare_dlq_reasons(&IngestError::REASONS);
        Ok(IngestMetrics {
            articles: core.counter_vec(
                "dragoman_articles_total",
                "Articles cleaned by ingest.",
                &["language"],
            )?,
            boilerplate_paragraphs: core.counter(
                "dragoman_boilerplate_paragraphs_total",
                "Paragraphs ingest dropped as page boilerplate.",
            )?,
        })
    }

    /// An article cleaned, by its language code (mapped onto `en`, `other`, `und`).
    pub fn article(&self, language: &str) {
        let label = match language {
            "en" => "en",
            "" | "und" => "und",
            _ => "other",
        };
        self.articles.with_label_values(&[label]).inc();
    }
}

/// How the stages write the internal topics' values (`topics.internal_encoding`).
pub fn wire_encoding(cfg: &Config) -> wire::Encoding {
    match cfg.topics.internal_encoding {
        InternalEncoding::Msgpack => wire::Encoding::Msgpack,
        InternalEncoding::Json => wire::Encoding::Json,
    }
}

/// articles.raw -> articles.clean (or the DLQ with ingest's reason).
pub struct IngestProcessor {
    opts: IngestOptions,
    output: Arc<str>,
    encoding: wire::Encoding,
    metrics: IngestMetrics,
}

impl IngestProcessor {
    /// The processor for the service configured by `cfg`, counting on `metrics`.
    pub fn new(cfg: &Config, metrics: IngestMetrics) -> Result<Self, String> {
        crate::load_data();
        Ok(IngestProcessor {
            opts: cfg
                .section::<IngestOptions>()
                .map_err(|e| e.to_string())?
                .clone(),
            output: Arc::from(cfg.topics.articles_clean.as_str()),
            encoding: wire_encoding(cfg),
            metrics,
        })
    }
}

impl Processor for IngestProcessor {
    fn process(&mut self, rec: &InputRecord<'_>) -> Verdict {
        let Some(bytes) = rec.payload else {
            return Verdict::DeadLetter {
                reason: "invalid_json",
                message: "record has no value".into(),
            };
        };
        match crate::clean(bytes, Utc::now(), &self.opts) {
            Ok(article) => {
                self.metrics.article(&article.language);
                self.metrics
                    .boilerplate_paragraphs
                    .inc_by(u64::from(article.boilerplate_removed));
                // Sized for the body (most of the record) plus its fields: one allocation
                // instead of a doubling series.
                let mut payload = Vec::with_capacity(article.body.len() + 512);
                match wire::encode(&article, self.encoding, &mut payload) {
                    Ok(()) => Verdict::Produce(vec![OutputRecord::new(
                        self.output.clone(),
                        Some(article.id.into_bytes()),
                        payload,
                    )]),
                    Err(e) => Verdict::DeadLetter {
                        reason: "invalid_record",
                        message: format!("cannot encode the cleaned article: {e}"),
                    },
                }
            }
            Err(e) => Verdict::DeadLetter {
                reason: e.reason(),
                message: e.to_string(),
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use dragoman_model::CleanArticle;
    use dragoman_runtime::Loader;

    use super::*;

    fn record(payload: &[u8]) -> InputRecord<'_> {
        InputRecord {
            topic: "articles.raw",
            partition: 0,
            offset: 7,
            key: None,
            payload: Some(payload),
            timestamp_ms: None,
        }
    }

    fn load(env: &[(&str, &str)]) -> Result<Config, ConfigError> {
        let env = env
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect::<HashMap<_, _>>();
        Loader::new(STAGE)
            .env(env)
            .section::<IngestOptions>()
            .load()
    }

    #[test]
    fn clean_articles_are_written_in_the_configured_internal_encoding() {
        let good = br#"{"id":"a1","body":"Russia and Libya signed an agreement.","language":"en"}"#;
        for (env, msgpack) in [
            (&[][..], true),
            (
                &[("DRAGOMAN__TOPICS__INTERNAL_ENCODING", "json")][..],
                false,
            ),
        ] {
            let metrics = IngestMetrics::register(&Metrics::new(STAGE)).unwrap();
            let mut p = IngestProcessor::new(&load(env).unwrap(), metrics).unwrap();
            let Verdict::Produce(out) = p.process(&record(good)) else {
                panic!("not cleaned")
            };
            let payload = out[0].payload.as_deref().unwrap();
            assert_eq!(wire::is_msgpack(payload), msgpack);
            let clean: CleanArticle = wire::decode(payload).unwrap();
            assert_eq!(clean.id, "a1");
        }
        let bad = load(&[("DRAGOMAN__TOPICS__INTERNAL_ENCODING", "cbor")]).unwrap_err();
        assert!(
            bad.to_string().contains("topics.internal_encoding"),
            "{bad}"
        );
    }

    #[test]
    fn ingest_cleans_or_dead_letters_with_the_reason() {
        let cfg = load(&[]).unwrap();
        let metrics = IngestMetrics::register(&Metrics::new(STAGE)).unwrap();
        let mut p = IngestProcessor::new(&cfg, metrics).unwrap();
        let good = br#"{"id":"a1","body":"Russia and Libya signed a cooperation agreement in Moscow on Monday.","published_at":"2019-03-25T09:30:00Z","language":"en"}"#;
        match p.process(&record(good)) {
            Verdict::Produce(out) => {
                assert_eq!(out.len(), 1);
                assert_eq!(&*out[0].topic, "articles.clean");
                assert_eq!(out[0].key.as_deref(), Some(&b"a1"[..]));
                let clean: CleanArticle = wire::decode(out[0].payload.as_ref().unwrap()).unwrap();
                assert_eq!(clean.id, "a1");
            }
            other => panic!("{other:?}"),
        }
        for (bad, reason) in [
            (&b"{not json"[..], "invalid_json"),
            (&b"[1,2]"[..], "not_an_object"),
            (&b"{\"id\":\"x\"}"[..], "missing_body"),
            (&b"{\"body\":\"  \"}"[..], "empty_body"),
            (&b"{\"body\":42}"[..], "invalid_field"),
            (&b"{\"body\":\"\xff\xfe\"}"[..], "not_utf8"),
            (
                &b"{\"body\":\"x\",\"published_at\":\"9999-12-31T23:00:00-05:00\"}"[..],
                "date_out_of_range",
            ),
        ] {
            match p.process(&record(bad)) {
                Verdict::DeadLetter { reason: r, .. } => {
                    assert_eq!(r, reason, "{:?}", String::from_utf8_lossy(bad))
                }
                other => panic!("{other:?}"),
            }
        }
    }

    /// The runtime knows nothing of ingest: a reason ingest did not declare would be counted
    /// as `invalid_record`.
    #[test]
    fn every_ingest_dead_letter_reason_is_counted_under_its_own_name() {
        let core = Metrics::new(STAGE);
        let _metrics = IngestMetrics::register(&core).unwrap();
        for reason in IngestError::REASONS {
            core.dlq(reason);
            assert_eq!(core.dlq_count(reason), 1, "{reason}");
        }
        assert_eq!(core.dlq_count("invalid_record"), 0);
    }

    #[test]
    fn articles_are_counted_by_a_bounded_language_label() {
        let core = Metrics::new(STAGE);
        let m = IngestMetrics::register(&core).unwrap();
        for language in ["en", "fr", "", "und"] {
            m.article(language);
        }
        let text = core.render();
        assert!(text.contains("dragoman_articles_total{language=\"en\"} 1"));
        assert!(text.contains("dragoman_articles_total{language=\"other\"} 1"));
        assert!(text.contains("dragoman_articles_total{language=\"und\"} 2"));
    }

    #[test]
    fn the_ingest_section_is_read_and_checked() {
        let cfg = load(&[("DRAGOMAN__INGEST__MAX_BYTES", "4096")]).unwrap();
        assert_eq!(cfg.section::<IngestOptions>().unwrap().max_bytes, 4096);
        let err = load(&[("DRAGOMAN__INGEST__MAX_BYTES", "lots")])
            .unwrap_err()
            .to_string();
        assert!(err.contains("`ingest.max_bytes`"), "{err}");
        let err = load(&[("DRAGOMAN__INGEST__MAX_BYTES", "0")])
            .unwrap_err()
            .to_string();
        assert!(err.contains("`ingest.max_bytes`: must be > 0"), "{err}");
        let err = load(&[("DRAGOMAN__INGEST__MAX_BYTEZ", "1")])
            .unwrap_err()
            .to_string();
        assert!(err.contains("`ingest.max_bytez`"), "{err}");
    }
}
