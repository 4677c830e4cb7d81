//! `cargo run --release -p dragoman-pipeline --example stage_cpu -- ARTICLES.jsonl`: where the
//! embedded pipeline's CPU goes, stage by stage, on one thread. Every article is first cleaned
//! by ingest, then every clean article coded (the coder alone, no cache), then every candidate
//! deduplicated, then every event written as JSON (as `dragoman run --output` does), each
//! phase timed by this thread's CPU time; last, the same lines through [`Pipeline::process`]
//! and its events to JSON, and the stages by batches of 1, 16 and 256 records (what
//! `Pipeline::process_batch` does). Prints sentences per CPU-second for
//! each, the sentences being those the coder splits the clean bodies into. `make bench-e2e`
//! runs it on articles built from real news sentences (`scripts/real_corpus.py`).

use std::io::{BufRead, Write};
use std::sync::Arc;

use chrono::Utc;
use dragoman_coder::{Coder, Cuts};
use dragoman_dedup::Deduplicator;
use dragoman_pipeline::{Extractor, Pipeline, PipelineConfig, RecordOutcome};
use dragoman_testkit::thread_cpu_seconds;

fn timed<T>(f: impl FnOnce() -> T) -> (T, f64) {
    let t0 = thread_cpu_seconds();
    let out = f();
    (out, thread_cpu_seconds() - t0)
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let path = std::env::args()
        .nth(1)
        .ok_or("usage: stage_cpu ARTICLES.jsonl")?;
    let file = std::io::BufReader::new(std::fs::File::open(path)?);
    let lines: Vec<Vec<u8>> = file.split(b'\n').collect::<Result<_, _>>()?;
    let coder = Arc::new(Coder::bundled()?);
    let config = PipelineConfig::documented();
    let now = Utc::now();

    let (articles, t_ingest) = timed(|| {
        lines
            .iter()
            .filter_map(|l| dragoman_ingest::clean(l, now, &config.ingest).ok())
            .collect::<Vec<_>>()
    });
    let sentences: usize = articles
        .iter()
        .filter(|a| a.is_english)
        .map(|a| {
            let (mut toks, mut s) = (Vec::new(), Vec::new());
            dragoman_coder::text::tokenize(&a.body, &mut toks);
            dragoman_coder::text::split_sentences(&a.body, &toks, &mut s);
            s.len()
        })
        .sum();
    let (candidates, t_coder) = timed(|| {
        let mut cuts = Cuts::default();
        articles
            .iter()
            .flat_map(|a| coder.code_article_counted(a, &mut cuts))
            .collect::<Vec<_>>()
    });
    let (_, t_extract) = timed(|| {
        let mut extractor = Extractor::new(coder.clone(), config.extract_cache_size);
        articles
            .iter()
            .map(|a| extractor.extract(a).candidates.len())
            .sum::<usize>()
    });
    let ((_, t_dedup_owned), _) = timed(|| {
        let mut dedup = Deduplicator::new(config.dedup.clone());
        let owned = candidates.clone();
        let t0 = thread_cpu_seconds();
        let n = owned
            .into_iter()
            .filter_map(|c| dedup.process_owned(c, now).ok()?.event)
            .count();
        (n, thread_cpu_seconds() - t0)
    });
    let (events, t_dedup) = timed(|| {
        let mut dedup = Deduplicator::new(config.dedup.clone());
        candidates
            .iter()
            .filter_map(|c| dedup.process(c, now).ok()?.event)
            .collect::<Vec<_>>()
    });
    let (_, t_json) = timed(|| json_out(&events));
    let (_, t_pipeline) = timed(|| {
        let mut pipeline = Pipeline::new(coder.clone(), config.clone());
        let mut out = std::io::BufWriter::new(std::io::sink());
        for l in &lines {
            if let RecordOutcome::Events(events) = pipeline.process(l, now) {
                for e in events {
                    serde_json::to_writer(&mut out, &e).expect("an event serialises");
                    out.write_all(b"\n").expect("a sink takes bytes");
                }
            }
        }
    });

    let mut batched = Vec::new();
    for batch in [1usize, 16, 256] {
        let (_, t) = timed(|| {
            let mut extractor = Extractor::new(coder.clone(), config.extract_cache_size);
            let mut dedup = Deduplicator::new(config.dedup.clone());
            let mut out = std::io::BufWriter::new(std::io::sink());
            for chunk in lines.chunks(batch) {
                let clean: Vec<_> = chunk
                    .iter()
                    .filter_map(|l| dragoman_ingest::clean(l, now, &config.ingest).ok())
                    .collect();
                let coded: Vec<_> = clean.iter().map(|a| extractor.extract(a)).collect();
                for x in &coded {
                    for c in x.candidates.iter() {
                        if let Some(e) = dedup.process(c, now).ok().and_then(|o| o.event) {
                            serde_json::to_writer(&mut out, &e).expect("an event serialises");
                            out.write_all(b"\n").expect("a sink takes bytes");
                        }
                    }
                }
            }
        });
        batched.push((batch, t));
    }
    let rate = |t: f64| sentences as f64 / t.max(1e-9);
    println!(
        "{} articles, {sentences} sentences, {} candidates, {} events",
        articles.len(),
        candidates.len(),
        events.len()
    );
    for (what, t) in [
        ("ingest", t_ingest),
        ("coder alone", t_coder),
        ("extract (the coder behind its cache)", t_extract),
        ("dedup", t_dedup),
        ("dedup of owned candidates", t_dedup_owned),
        ("events to JSON", t_json),
        (
            "the stages one after the other",
            t_ingest + t_coder + t_dedup + t_json,
        ),
        ("Pipeline::process, events to JSON", t_pipeline),
    ] {
        println!("{what:<36} {t:>7.3} CPU-s {:>9.0} sentences/CPU-s", rate(t));
    }
    for (b, t) in &batched {
        println!(
            "{:<36} {t:>7.3} CPU-s {:>9.0} sentences/CPU-s",
            format!("stages by batches of {b} records"),
            rate(*t)
        );
    }
    Ok(())
}

fn json_out(events: &[dragoman_model::Event]) {
    let mut out = std::io::BufWriter::new(std::io::sink());
    for e in events {
        serde_json::to_writer(&mut out, e).expect("an event serialises");
        out.write_all(b"\n").expect("a sink takes bytes");
    }
}
