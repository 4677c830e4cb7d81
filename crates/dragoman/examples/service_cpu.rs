//! `cargo run --release -p dragoman --example service_cpu -- ARTICLES.jsonl`: the CPU the three
//! services' processors take on one thread with no broker, each fed the records the one
//! before it produced (ingest on the raw records, extract on ingest's output, dedup on
//! extract's, by the partition its key would go to), and the embedded pipeline's CPU on the
//! same articles. `make bench-e2e` sets these beside the services' CPU under Kafka: the rest is
//! what the Kafka hops cost (librdkafka's threads, delivery reports, the broker).

use std::io::BufRead;
use std::sync::Arc;

use dragoman_coder::Coder;
use dragoman_dedup::service::{DedupMetrics, DedupProcessor};
use dragoman_dedup::DedupSection;
use dragoman_ingest::service::{IngestMetrics, IngestProcessor};
use dragoman_ingest::IngestOptions;
use dragoman_pipeline::service::{ExtractMetrics, ExtractProcessor};
use dragoman_pipeline::{CoderSection, ExtractSection, Pipeline, PipelineConfig, RecordOutcome};
use dragoman_runtime::config::{Config, Loader, Stage};
use dragoman_runtime::{InputRecord, Metrics, OutputRecord, Processor, Verdict};
use dragoman_testkit::thread_cpu_seconds;

fn config(stage: Stage) -> Config {
    Loader::new(stage)
        .section::<IngestOptions>()
        .section::<ExtractSection>()
        .section::<CoderSection>()
        .section::<DedupSection>()
        .load()
        .expect("the default configuration loads")
}

/// A stable spread of keys over the partitions (FNV-1a): not the one librdkafka's partitioner
/// picks, but dedup's work does not depend on which partition a key lands on, only on all of
/// one key's candidates landing on the same.
fn partition_of(key: Option<&[u8]>, partitions: i32) -> i32 {
    let h = key.map_or(0u64, |k| {
        k.iter().fold(0xcbf29ce484222325u64, |h, b| {
            (h ^ u64::from(*b)).wrapping_mul(0x100000001b3)
        })
    });
    (h % partitions as u64) as i32
}

/// Feeds `records` through `p`, returning what it produced for `topic` and the CPU it took.
fn run(
    p: &mut dyn Processor,
    records: &[OutputRecord],
    topic: &str,
    partitions: i32,
) -> (Vec<OutputRecord>, f64) {
    let t0 = thread_cpu_seconds();
    let mut out = Vec::new();
    for (offset, r) in records.iter().enumerate() {
        let rec = InputRecord {
            topic,
            partition: r
                .partition
                .unwrap_or_else(|| partition_of(r.key.as_deref(), partitions)),
            offset: offset as i64,
            key: r.key.as_deref(),
            payload: r.payload.as_deref(),
            timestamp_ms: None,
        };
        if let Verdict::Produce(records) = p.process(&rec) {
            out.extend(records);
        }
    }
    (out, thread_cpu_seconds() - t0)
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let path = std::env::args()
        .nth(1)
        .ok_or("usage: service_cpu ARTICLES.jsonl")?;
    // Lines as bytes: the generated corpus holds records that are not UTF-8 on purpose.
    let raw: Vec<OutputRecord> = std::io::BufReader::new(std::fs::File::open(path)?)
        .split(b'\n')
        .map(|l| l.map(|l| OutputRecord::new(Arc::from("articles.raw"), None, l)))
        .collect::<Result<_, _>>()?;
    let coder = Arc::new(Coder::bundled()?);
    let ingest_cfg = config(dragoman_ingest::service::STAGE);
    let partitions = ingest_cfg.topics.partitions;

    let m = Arc::new(Metrics::new(dragoman_ingest::service::STAGE));
    let mut ingest = IngestProcessor::new(&ingest_cfg, IngestMetrics::register(&m)?)?;
    let (clean, t_ingest) = run(&mut ingest, &raw, "articles.raw", partitions);

    let cfg = config(dragoman_pipeline::service::STAGE);
    let m = Arc::new(Metrics::new(dragoman_pipeline::service::STAGE));
    let mut extract = ExtractProcessor::new(&cfg, coder.clone(), ExtractMetrics::register(&m)?)?;
    let (candidates, t_extract) = run(&mut extract, &clean, "articles.clean", partitions);

    let cfg = config(dragoman_dedup::service::STAGE);
    let m = Arc::new(Metrics::new(dragoman_dedup::service::STAGE));
    let mut dedup = DedupProcessor::new(&cfg, Arc::new(DedupMetrics::register(&m)?))?;
    let (out, t_dedup) = run(&mut dedup, &candidates, "events.extracted", partitions);
    let events = out.iter().filter(|r| &*r.topic == "events").count();

    let mut pipeline = Pipeline::new(coder, PipelineConfig::documented());
    let t0 = thread_cpu_seconds();
    let mut embedded_events = 0usize;
    for r in &raw {
        let bytes = r.payload.as_deref().unwrap_or_default();
        if let RecordOutcome::Events(e) = pipeline.process(bytes, chrono::Utc::now()) {
            embedded_events += e.len();
        }
    }
    let t_embedded = thread_cpu_seconds() - t0;

    println!(
        "processors alone (no broker, one thread) on {} articles: ingest {t_ingest:.3} CPU-s \
         ({} clean), extract {t_extract:.3} ({} candidates), dedup {t_dedup:.3} ({events} events, \
         {} changelog records); together {:.3}; embedded pipeline {t_embedded:.3} \
         ({embedded_events} events)",
        raw.len(),
        clean.len(),
        candidates.len(),
        out.len() - events,
        t_ingest + t_extract + t_dedup,
    );
    Ok(())
}
