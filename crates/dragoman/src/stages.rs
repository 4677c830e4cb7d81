//! The three stages (and the benchmark's pass-through) as runtime processors: each adapts a
//! library (ingest, the extractor, dedup) to records, and counts what it did.

use std::collections::HashMap;
use std::sync::Arc;

use chrono::Utc;
use dragoman_dedup::{DedupConfig, Deduplicator};
use dragoman_ingest::IngestOptions;
use dragoman_model::{CandidateEvent, CleanArticle};
use dragoman_pipeline::Extractor;
use dragoman_runtime::config::Config;
use dragoman_runtime::metrics::EvictionCause;
use dragoman_runtime::{InputRecord, Metrics, OutputRecord, Processor, Verdict};

/// articles.raw -> articles.clean (or the DLQ with ingest's reason).
pub struct IngestProcessor {
    opts: IngestOptions,
    output: Arc<str>,
    metrics: Arc<Metrics>,
}

impl IngestProcessor {
    pub fn new(cfg: &Config, metrics: &Arc<Metrics>) -> Self {
        IngestProcessor {
            opts: IngestOptions {
                max_bytes: cfg.ingest.max_bytes,
            },
            output: Arc::from(cfg.topics.articles_clean.as_str()),
            metrics: metrics.clone(),
        }
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
        match dragoman_ingest::clean(bytes, Utc::now(), &self.opts) {
            Ok(article) => {
                self.metrics.article(&article.language);
                self.metrics
                    .boilerplate_paragraphs
                    .inc_by(u64::from(article.boilerplate_removed));
                // Sized for the body (most of the record) plus its fields: one allocation
                // instead of a doubling series.
                let mut payload = Vec::with_capacity(article.body.len() + 512);
                match serde_json::to_writer(&mut payload, &article) {
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

/// articles.clean -> events.extracted (candidates keyed by their dedup key).
pub struct ExtractProcessor {
    extractor: Extractor,
    output: Arc<str>,
    metrics: Arc<Metrics>,
}

impl ExtractProcessor {
    pub fn new(cfg: &Config, metrics: &Arc<Metrics>) -> Result<Self, String> {
        let coder = crate::cmd_dict::coder(cfg).map_err(|e| format!("{e:#}"))?;
        Ok(ExtractProcessor {
            extractor: Extractor::new(Arc::new(coder), cfg.extract.cache_size),
            output: Arc::from(cfg.topics.events_extracted.as_str()),
            metrics: metrics.clone(),
        })
    }
}

/// A record of an internal topic, decoded. One UTF-8 check of the whole value, then parsing
/// from `&str`: `from_slice` checks every string again on its own, and that made parsing
/// a third slower (a dedup stage spends a quarter of its time parsing candidates).
fn from_json<T: serde::de::DeserializeOwned>(payload: &[u8]) -> Result<T, String> {
    let text = std::str::from_utf8(payload).map_err(|e| format!("not UTF-8: {e}"))?;
    serde_json::from_str(text).map_err(|e| e.to_string())
}

impl Processor for ExtractProcessor {
    fn process(&mut self, rec: &InputRecord<'_>) -> Verdict {
        let article: CleanArticle = match rec.payload.map(from_json) {
            Some(Ok(a)) => a,
            Some(Err(e)) => {
                self.metrics.error(dragoman_runtime::ErrorKind::Deserialize);
                return Verdict::DeadLetter {
                    reason: "invalid_record",
                    message: format!("not a cleaned article: {e}"),
                };
            }
            None => {
                return Verdict::DeadLetter {
                    reason: "invalid_record",
                    message: "record has no value".into(),
                }
            }
        };
        let outcome = self.extractor.extract(&article);
        if outcome.cache_hit {
            self.metrics.extract_cache_hits.inc();
        }
        if outcome.cuts.any() {
            for (bound, n) in outcome.cuts.by_bound() {
                self.metrics.coder_bound_cuts(bound, n);
            }
            tracing::warn!(article = %article.id, cuts = ?outcome.cuts, "the coder's bounds cut this article");
        }
        let mut out = Vec::with_capacity(outcome.candidates.len());
        for c in &outcome.candidates {
            let mut payload = Vec::with_capacity(c.evidence.sentence.len() + 768);
            match serde_json::to_writer(&mut payload, c) {
                Ok(()) => {
                    self.metrics.event(&c.root_code, c.quad_class);
                    out.push(OutputRecord::new(
                        self.output.clone(),
                        Some(c.partition_key().into_bytes()),
                        payload,
                    ));
                }
                Err(e) => {
                    self.metrics.error(dragoman_runtime::ErrorKind::Deserialize);
                    tracing::error!(error = %e, article = %article.id, "cannot encode a candidate");
                }
            }
        }
        Verdict::Produce(out)
    }
}

/// events.extracted -> events, with one deduplicator per input partition whose state lives in
/// the changelog partition of the same number.
pub struct DedupProcessor {
    config: DedupConfig,
    by_partition: HashMap<i32, Deduplicator>,
    output: Arc<str>,
    changelog: Arc<str>,
    metrics: Arc<Metrics>,
}

impl DedupProcessor {
    pub fn new(cfg: &Config, metrics: &Arc<Metrics>) -> Result<Self, String> {
        let config = crate::cmd_run::dedup_config(cfg);
        config.validate().map_err(|e| e.to_string())?;
        metrics.dedup_max_keys.set(cfg.dedup.max_keys as i64);
        Ok(DedupProcessor {
            config,
            by_partition: HashMap::new(),
            output: Arc::from(cfg.topics.events.as_str()),
            changelog: Arc::from(cfg.topics.dedup_changelog.as_str()),
            metrics: metrics.clone(),
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
        self.metrics.dedup_live_keys.set(live as i64);
    }
}

impl Processor for DedupProcessor {
    fn process(&mut self, rec: &InputRecord<'_>) -> Verdict {
        let candidate: CandidateEvent = match rec.payload.map(from_json) {
            Some(Ok(c)) => c,
            Some(Err(e)) => {
                self.metrics.error(dragoman_runtime::ErrorKind::Deserialize);
                return Verdict::DeadLetter {
                    reason: "invalid_record",
                    message: format!("not an event candidate: {e}"),
                };
            }
            None => {
                return Verdict::DeadLetter {
                    reason: "invalid_record",
                    message: "record has no value".into(),
                }
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
        self.metrics.dedup_decision(outcome.kind.as_str());
        self.metrics
            .dedup_evictions(EvictionCause::Window, u64::from(outcome.evicted_window));
        self.metrics
            .dedup_evictions(EvictionCause::Bound, u64::from(outcome.evicted_bound));
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
                    self.metrics.event(&event.root_code, event.quad_class);
                    let latency = (now - first_seen).to_std().unwrap_or_default();
                    self.metrics
                        .event_latency_seconds
                        .observe(latency.as_secs_f64());
                    out.push(OutputRecord::new(
                        self.output.clone(),
                        Some(event.event_id.into_bytes()),
                        payload,
                    ));
                }
                Err(e) => {
                    self.metrics.error(dragoman_runtime::ErrorKind::Deserialize);
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

/// The benchmark baseline: the same records out as in, no work.
pub struct PassthroughProcessor {
    output: Arc<str>,
}

impl PassthroughProcessor {
    pub fn new(output: &str) -> Self {
        PassthroughProcessor {
            output: Arc::from(output),
        }
    }
}

impl Processor for PassthroughProcessor {
    fn process(&mut self, rec: &InputRecord<'_>) -> Verdict {
        Verdict::Produce(vec![OutputRecord {
            topic: self.output.clone(),
            key: rec.key.map(<[u8]>::to_vec),
            payload: rec.payload.map(<[u8]>::to_vec),
            partition: None,
            headers: Vec::new(),
        }])
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use dragoman_runtime::config::Stage;

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

    #[test]
    fn ingest_cleans_or_dead_letters_with_the_reason() {
        let cfg = Config::load_with_env(Stage::Ingest, None, Some(Default::default())).unwrap();
        let metrics = Arc::new(Metrics::new(Stage::Ingest));
        let mut p = IngestProcessor::new(&cfg, &metrics);
        let good = br#"{"id":"a1","body":"Russia and Libya signed a cooperation agreement in Moscow on Monday.","published_at":"2019-03-25T09:30:00Z","language":"en"}"#;
        match p.process(&record(good)) {
            Verdict::Produce(out) => {
                assert_eq!(out.len(), 1);
                assert_eq!(&*out[0].topic, "articles.clean");
                assert_eq!(out[0].key.as_deref(), Some(&b"a1"[..]));
                let clean: CleanArticle =
                    serde_json::from_slice(out[0].payload.as_ref().unwrap()).unwrap();
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

    /// The metrics pre-register and count DLQ reasons from their own list (the runtime knows
    /// nothing of ingest): a reason missing there would be counted as `invalid_record`.
    #[test]
    fn every_ingest_dead_letter_reason_is_counted_under_its_own_name() {
        use dragoman_runtime::metrics::DLQ_REASONS;
        for reason in dragoman_ingest::IngestError::REASONS {
            assert!(DLQ_REASONS.contains(&reason), "{reason} not in DLQ_REASONS");
        }
        assert!(DLQ_REASONS.contains(&"invalid_record"));
        let metrics = Metrics::new(Stage::Ingest);
        metrics.dlq("date_out_of_range");
        assert_eq!(metrics.dlq_count("date_out_of_range"), 1);
        assert_eq!(metrics.dlq_count("invalid_record"), 0);
    }

    fn candidate_json(article: &str) -> Vec<u8> {
        use chrono::{NaiveDate, TimeZone};
        use dragoman_model::{Actor, ArticleRef, CoderInfo, DatePrecision, Evidence};
        let actor = |code: &str| Actor {
            code: code.into(),
            country: Some(code.into()),
            agents: vec![],
            name: code.into(),
            text: code.into(),
        };
        let c = CandidateEvent {
            event_date: NaiveDate::from_ymd_opt(2019, 3, 22).unwrap(),
            date_precision: DatePrecision::Day,
            code: "057".into(),
            base_code: "057".into(),
            root_code: "05".into(),
            quad_class: 1,
            goldstein: 8.0,
            plover: None,
            source: Some(actor("RUS")),
            target: Some(actor("LBY")),
            location: None,
            evidence: Evidence {
                article_id: article.into(),
                sentence_index: 0,
                sentence: "Russia and Libya signed an agreement.".into(),
                span: [0, 36],
                rule: "sign + &AGREEMENT".into(),
            },
            confidence: 0.8,
            negated: false,
            article: ArticleRef {
                id: article.into(),
                source: Some("tass.ru".into()),
                url: None,
                published_at: Utc.with_ymd_and_hms(2019, 3, 22, 9, 0, 0).unwrap(),
                first_seen: Utc.with_ymd_and_hms(2019, 3, 22, 9, 1, 0).unwrap(),
                content_hash: "00000000000aaaa1".into(),
                simhash: "0f0f3c3ca5a59999".into(),
            },
            coder: CoderInfo {
                version: "0.1.0".into(),
                dictionaries: "test".into(),
            },
        };
        serde_json::to_vec(&c).unwrap()
    }

    /// The changelog records and the events of a verdict.
    fn split(v: Verdict) -> (Vec<OutputRecord>, Vec<serde_json::Value>) {
        let Verdict::Produce(out) = v else {
            panic!("{v:?}")
        };
        let (log, events): (Vec<_>, Vec<_>) = out
            .into_iter()
            .partition(|o| &*o.topic == "events.dedup.changelog");
        let events = events
            .iter()
            .map(|o| serde_json::from_slice(o.payload.as_ref().unwrap()).unwrap())
            .collect();
        (log, events)
    }

    #[test]
    fn a_dedup_killed_after_its_changelog_publishes_the_revision_when_it_resumes() {
        let cfg = Config::load_with_env(Stage::Dedup, None, Some(Default::default())).unwrap();
        assert_eq!(cfg.topics.dedup_changelog, "events.dedup.changelog");
        let metrics = Arc::new(Metrics::new(Stage::Dedup));
        let payload = candidate_json("wire-1");
        let rec = InputRecord {
            topic: "events.extracted",
            partition: 3,
            offset: 41,
            key: None,
            payload: Some(&payload),
            timestamp_ms: None,
        };
        let mut p = DedupProcessor::new(&cfg, &metrics).unwrap();
        p.assigned(&[3]);
        let (log, events) = split(p.process(&rec));
        assert_eq!(events.len(), 1);
        assert_eq!(events[0]["revision"], 1);
        let id = events[0]["event_id"].clone();
        // Killed: the changelog records are acknowledged, the event is not.
        let restart = |committed: Option<i64>| {
            let mut p = DedupProcessor::new(&cfg, &metrics).unwrap();
            for r in &log {
                let key = r.key.as_deref().unwrap();
                p.restore(3, key, r.payload.as_deref()).unwrap();
            }
            p.resumed(3, committed);
            p.assigned(&[3]);
            p
        };
        // Consumption resumes at 41: the replayed record publishes the event, as revision 2.
        let (again, events) = split(restart(Some(41)).process(&rec));
        assert_eq!(events.len(), 1);
        assert_eq!(
            (&events[0]["event_id"], &events[0]["revision"]),
            (&id, &2.into())
        );
        assert_eq!(again.len(), 1, "its changelog record");
        // Offset 41 was committed (its event acknowledged): the replay publishes nothing.
        let (none, events) = split(restart(Some(42)).process(&rec));
        assert!(none.is_empty() && events.is_empty());
    }

    #[test]
    fn passthrough_copies_key_and_value() {
        let mut p = PassthroughProcessor::new("out");
        let mut rec = record(b"payload");
        rec.key = Some(b"k");
        match p.process(&rec) {
            Verdict::Produce(out) => {
                assert_eq!(out[0].key.as_deref(), Some(&b"k"[..]));
                assert_eq!(out[0].payload.as_deref(), Some(&b"payload"[..]));
                assert_eq!(&*out[0].topic, "out");
            }
            other => panic!("{other:?}"),
        }
    }
}
