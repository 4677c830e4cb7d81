use std::sync::Arc;

use chrono::{DateTime, Utc};
use dragoman_coder::Coder;
use dragoman_dedup::{DecisionKind, DedupConfig, DedupSection, Deduplicator, Rejection};
use dragoman_ingest::{IngestError, IngestOptions};
use dragoman_model::{CandidateEvent, CleanArticle, Event};

use crate::{ExtractOutcome, Extractor};

#[derive(Debug, Clone, Default)]
pub struct PipelineConfig {
    pub ingest: IngestOptions,
    pub extract_cache_size: usize,
    pub dedup: DedupConfig,
}

impl PipelineConfig {
    /// The stages' sections of the configuration, as the libraries take them: `dragoman run`
    /// is configured as the services are.
    pub fn from_sections(
        ingest: &IngestOptions,
        extract: &crate::ExtractSection,
        dedup: &DedupSection,
    ) -> Self {
        PipelineConfig {
            ingest: ingest.clone(),
            extract_cache_size: extract.cache_size,
            dedup: dedup.dedup_config(),
        }
    }

    /// What the sections' defaults (those of `config/default.toml`) give; the libraries' own
    /// defaults ([`Default`]) differ.
    pub fn documented() -> Self {
        Self::from_sections(
            &IngestOptions::default(),
            &crate::ExtractSection::default(),
            &DedupSection::default(),
        )
    }
}

/// Counts over a run, for the summary `dragoman run` prints.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PipelineStats {
    pub records: u64,
    pub dead_letters: u64,
    pub articles: u64,
    pub non_english: u64,
    pub cache_hits: u64,
    pub candidates: u64,
    pub new_events: u64,
    pub updates: u64,
    pub copies: u64,
    pub redeliveries: u64,
    /// Candidates dedup refused ([`Pipeline::refused`]; a service dead-letters them).
    pub refused: u64,
    pub published: u64,
    /// Cuts made by the coder's bounds on articles too long or too dense to code whole.
    pub cuts: dragoman_coder::Cuts,
}

/// What became of one input record.
#[derive(Debug)]
pub enum RecordOutcome {
    /// Not a valid article: the service would dead-letter it.
    Rejected(IngestError),
    /// A valid article, and the events (new ones and new revisions) it published.
    Events(Vec<Event>),
}

/// One record of [`Pipeline::process_batch`]: what became of it, and its candidates that dedup
/// refused, with why (what the dedup service sends to `events.extracted.dlq`).
#[derive(Debug)]
pub struct Processed {
    pub outcome: RecordOutcome,
    pub refused: Vec<(CandidateEvent, Rejection)>,
}

/// Ingest, extract and dedup in one process. One deduplicator holds all state, which is what
/// the Kafka deployment gets per partition since candidates are keyed by their actors and root.
pub struct Pipeline {
    ingest: IngestOptions,
    extractor: Extractor,
    dedup: Deduplicator,
    refused: Vec<(CandidateEvent, Rejection)>,
    stats: PipelineStats,
}

impl Pipeline {
    pub fn new(coder: Arc<Coder>, config: PipelineConfig) -> Self {
        Self {
            ingest: config.ingest,
            extractor: Extractor::new(coder, config.extract_cache_size),
            dedup: Deduplicator::new(config.dedup),
            refused: Vec::new(),
            stats: PipelineStats::default(),
        }
    }

    /// Runs one raw record (the bytes of one JSONL line or one Kafka message) through every
    /// stage. `now` is when the pipeline saw it.
    ///
    /// Candidates of the article that dedup refuses (dated outside the dates it accepts) are
    /// not events: they are left out of the outcome and listed by [`Pipeline::refused`].
    pub fn process(&mut self, bytes: &[u8], now: DateTime<Utc>) -> RecordOutcome {
        let one = self.process_batch(&[(bytes, now)]).pop();
        let Processed { outcome, refused } = one.expect("one outcome per record");
        self.refused = refused;
        outcome
    }

    /// [`Pipeline::process`] of several records, each with the time it was seen, stage by
    /// stage: every record is cleaned, then every article coded, then every candidate
    /// deduplicated, in the records' order. The outcomes, refused candidates and statistics
    /// are those of processing the records one by one; only the CPU's caches fare better,
    /// each stage's tables staying warm across the batch (on articles of real news sentences,
    /// batches of 256 took 5 to 10% less CPU than one record at a time: the pipeline's example
    /// `stage_cpu`). A caller that shows events as each record is read passes one at a time.
    pub fn process_batch(&mut self, records: &[(&[u8], DateTime<Utc>)]) -> Vec<Processed> {
        self.refused.clear();
        let cleaned: Vec<_> = records
            .iter()
            .map(|(bytes, now)| dragoman_ingest::clean(bytes, *now, &self.ingest))
            .collect();
        let extracted: Vec<_> = cleaned
            .iter()
            .map(|article| article.as_ref().ok().map(|a| self.extractor.extract(a)))
            .collect();
        cleaned
            .into_iter()
            .zip(extracted)
            .zip(records)
            .map(|((article, extracted), (_, now))| {
                self.stats.records += 1;
                match (article, extracted) {
                    (Ok(article), Some(extracted)) => self.deduplicate(&article, extracted, *now),
                    (Err(e), _) => {
                        self.stats.dead_letters += 1;
                        Processed {
                            outcome: RecordOutcome::Rejected(e),
                            refused: Vec::new(),
                        }
                    }
                    (Ok(_), None) => unreachable!("every clean article is extracted"),
                }
            })
            .collect()
    }

    fn deduplicate(
        &mut self,
        article: &CleanArticle,
        extracted: ExtractOutcome,
        now: DateTime<Utc>,
    ) -> Processed {
        self.stats.articles += 1;
        if !article.is_english {
            self.stats.non_english += 1;
        }
        self.stats.cache_hits += u64::from(extracted.cache_hit);
        self.stats.cuts.add(&extracted.cuts);
        self.stats.candidates += extracted.candidates.len() as u64;
        let mut events = Vec::new();
        let mut refused = Vec::new();
        for candidate in extracted.candidates.iter() {
            let outcome = match self.dedup.process(candidate, now) {
                Ok(outcome) => outcome,
                Err(why) => {
                    self.stats.refused += 1;
                    refused.push((candidate.clone(), why));
                    continue;
                }
            };
            match outcome.kind {
                DecisionKind::New => self.stats.new_events += 1,
                DecisionKind::Update => self.stats.updates += 1,
                DecisionKind::Copy => self.stats.copies += 1,
                DecisionKind::Redelivery => self.stats.redeliveries += 1,
            }
            if let Some(event) = outcome.event {
                self.stats.published += 1;
                events.push(event);
            }
        }
        Processed {
            outcome: RecordOutcome::Events(events),
            refused,
        }
    }

    /// The candidates of the record last processed that dedup refused, with why: what the
    /// dedup service sends to `events.extracted.dlq`.
    pub fn refused(&self) -> &[(CandidateEvent, Rejection)] {
        &self.refused
    }

    pub fn stats(&self) -> &PipelineStats {
        &self.stats
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{Datelike, TimeZone};

    fn pipeline() -> Pipeline {
        let coder = Arc::new(Coder::bundled().expect("bundled dictionaries load"));
        Pipeline::new(
            coder,
            PipelineConfig {
                extract_cache_size: 64,
                ..PipelineConfig::default()
            },
        )
    }

    fn article(id: &str, source: &str, title: &str, body: &str) -> Vec<u8> {
        serde_json::json!({
            "id": id, "source": source, "title": title, "body": body,
            "published_at": "2024-05-14T10:00:00Z", "language": "en",
        })
        .to_string()
        .into_bytes()
    }

    const BODY: &str = "Russia and Libya signed a cooperation agreement on health care in Moscow \
                        on Monday, officials said. The deal covers hospitals and medical training.";

    #[test]
    fn redelivery_and_copies_update_one_event_per_direction() {
        let mut p = pipeline();
        let now = Utc.with_ymd_and_hms(2024, 5, 14, 12, 0, 0).unwrap();
        let first = article("a1", "wire.example", "Russia, Libya sign health pact", BODY);
        let RecordOutcome::Events(e1) = p.process(&first, now) else {
            panic!("valid article rejected")
        };
        let directions: Vec<_> = e1
            .iter()
            .filter(|e| e.code == "057")
            .map(|e| {
                (
                    e.source.as_ref().unwrap().country.clone(),
                    e.target.as_ref().unwrap().country.clone(),
                )
            })
            .collect();
        assert!(
            directions.contains(&(Some("RUS".into()), Some("LBY".into()))),
            "{e1:#?}"
        );
        assert!(
            directions.contains(&(Some("LBY".into()), Some("RUS".into()))),
            "{e1:#?}"
        );

        // The same record again changes nothing.
        let RecordOutcome::Events(again) = p.process(&first, now) else {
            panic!()
        };
        assert!(again.is_empty(), "a redelivery published {again:#?}");

        // A copy with another id, outlet and headline: no second extraction, new revisions.
        let copy = article(
            "b7",
            "daily.example",
            "Moscow and Tripoli agree on health",
            BODY,
        );
        let RecordOutcome::Events(e2) = p.process(&copy, now) else {
            panic!()
        };
        assert!(p.stats().cache_hits >= 1);
        let agree: Vec<_> = e2.iter().filter(|e| e.code == "057").collect();
        assert!(!agree.is_empty());
        for e in agree {
            let before = e1
                .iter()
                .find(|x| x.event_id == e.event_id)
                .expect("same event id");
            assert_eq!(e.revision, before.revision + 1);
            assert_eq!(e.mentions.num_articles, 2);
            assert_eq!(e.mentions.num_independent, 1);
        }
    }

    #[test]
    fn a_plan_dated_in_2099_is_refused_and_the_rest_of_the_article_published() {
        let mut p = pipeline();
        let now = Utc.with_ymd_and_hms(2024, 5, 14, 12, 0, 0).unwrap();
        let body = "Russia and Libya signed a cooperation agreement in Moscow on Monday. \
                    Russia will host talks with Libya in March 2099.";
        let RecordOutcome::Events(events) = p.process(&article("a1", "w", "t", body), now) else {
            panic!("valid article rejected")
        };
        assert!(events.iter().any(|e| e.code == "057"), "{events:#?}");
        assert!(events.iter().all(|e| e.event_date.year() < 2025));
        let refused = p.refused();
        assert!(!refused.is_empty());
        for (c, why) in refused {
            assert_eq!(why.reason(), "date_out_of_range");
            assert_eq!(c.event_date.to_string(), "2099-03-01");
        }
        assert_eq!(p.stats().refused, refused.len() as u64);
        assert_eq!(
            p.stats().candidates,
            p.stats().refused + p.stats().new_events,
            "every other candidate is an event"
        );
        // The next record starts a new list.
        p.process(b"{not json", now);
        assert!(p.refused().is_empty());
    }

    #[test]
    fn bad_records_are_rejected_with_their_reason() {
        let mut p = pipeline();
        let now = Utc::now();
        for (bytes, reason) in [
            (&b"{not json"[..], "invalid_json"),
            (&b"[1,2]"[..], "not_an_object"),
            (&b"{\"title\":\"x\"}"[..], "missing_body"),
            (&b"{\"body\":42}"[..], "invalid_field"),
            (&b"{\"body\":\"\\u00e9\xff\"}"[..], "not_utf8"),
        ] {
            match p.process(bytes, now) {
                RecordOutcome::Rejected(e) => assert_eq!(e.reason(), reason, "{e}"),
                RecordOutcome::Events(e) => panic!("accepted {bytes:?}: {e:?}"),
            }
        }
        assert_eq!(p.stats().dead_letters, 5);
        assert_eq!(p.stats().articles, 0);
    }

    #[test]
    fn a_batch_gives_what_the_records_give_one_by_one() {
        let now = Utc.with_ymd_and_hms(2024, 5, 14, 12, 0, 0).unwrap();
        let plan = "Russia and Libya will sign a treaty in Moscow on March 1, 2099. \
                    Egypt and Sudan resumed talks in Cairo on Monday.";
        let records: Vec<Vec<u8>> = vec![
            article("a1", "wire.example", "Russia, Libya sign health pact", BODY),
            b"{not json".to_vec(),
            article("a2", "post.example", "Russia, Libya sign health pact", BODY),
            article("a3", "daily.example", "Plans", plan),
            article("a1", "wire.example", "Russia, Libya sign health pact", BODY),
        ];
        let mut one = pipeline();
        let mut expected = Vec::new();
        for r in &records {
            let outcome = format!("{:?}", one.process(r, now));
            expected.push((outcome, format!("{:?}", one.refused())));
        }
        let mut batch = pipeline();
        let input: Vec<(&[u8], _)> = records.iter().map(|r| (&r[..], now)).collect();
        let got: Vec<_> = batch
            .process_batch(&input)
            .into_iter()
            .map(|p| (format!("{:?}", p.outcome), format!("{:?}", p.refused)))
            .collect();
        assert_eq!(got, expected);
        assert_eq!(batch.stats(), one.stats());
        assert!(
            one.stats().refused > 0 && one.stats().cache_hits > 0 && one.stats().dead_letters == 1
        );
    }
}
