//! `dragoman run`: the embedded pipeline. Articles as JSONL in, deduplicated events as JSONL
//! out, every stage in one process and no broker. Bad lines are reported on stderr with their
//! line number and skipped; the run goes on.

use std::fs::File;
use std::io::{self, BufRead, BufReader, BufWriter, Write};
use std::sync::Arc;
use std::time::Instant;

use anyhow::Context;
use chrono::Utc;
use dragoman_coder::Coder;
use dragoman_dedup::Emit;
use dragoman_ingest::IngestOptions;
use dragoman_pipeline::{Pipeline, PipelineConfig, RecordOutcome};
use dragoman_runtime::config::{DedupEmit, Stage};
use dragoman_runtime::Config;

use crate::RunArgs;

pub fn run(args: &RunArgs) -> anyhow::Result<()> {
    let config = pipeline_config(&Config::load(Stage::Run, args.config.as_deref())?);
    let started = Instant::now();
    let coder = Arc::new(Coder::bundled().context("loading the bundled dictionaries")?);
    let mut pipeline = Pipeline::new(coder, config);

    let input: Box<dyn BufRead> = if args.input == "-" {
        Box::new(BufReader::new(io::stdin().lock()))
    } else {
        let f = File::open(&args.input).with_context(|| format!("opening {}", args.input))?;
        Box::new(BufReader::new(f))
    };
    let mut output: Box<dyn Write> = if args.output == "-" {
        Box::new(BufWriter::new(io::stdout().lock()))
    } else {
        let f = File::create(&args.output).with_context(|| format!("creating {}", args.output))?;
        Box::new(BufWriter::new(f))
    };

    let mut line = Vec::new();
    let mut reader = input;
    let mut line_no = 0u64;
    loop {
        line.clear();
        // Lines are read as bytes: a line that is not UTF-8 is bad input, not a fatal error.
        if reader.read_until(b'\n', &mut line)? == 0 {
            break;
        }
        line_no += 1;
        let record = trim_line_end(&line);
        if record.iter().all(u8::is_ascii_whitespace) {
            continue;
        }
        match pipeline.process(record, Utc::now()) {
            RecordOutcome::Rejected(e) => {
                eprintln!("{}:{line_no}: skipped ({}): {e}", args.input, e.reason());
            }
            RecordOutcome::Events(events) => {
                for event in events {
                    serde_json::to_writer(&mut output, &event)?;
                    output.write_all(b"\n")?;
                }
            }
        }
        for (candidate, why) in pipeline.refused() {
            eprintln!(
                "{}:{line_no}: candidate refused ({}): {why}, sentence {} of article {}",
                args.input,
                why.reason(),
                candidate.evidence.sentence_index,
                candidate.article.id
            );
        }
    }
    output.flush()?;
    let s = pipeline.stats();
    eprintln!(
        "dragoman run: {} records, {} articles ({} not English, {} bad), {} candidates \
         ({} texts already coded), {} events published: {} new, {} updates, {} syndicated copies, \
         {} redeliveries, in {:.2?}",
        s.records,
        s.articles,
        s.non_english,
        s.dead_letters,
        s.candidates,
        s.cache_hits,
        s.published,
        s.new_events,
        s.updates,
        s.copies,
        s.redeliveries,
        started.elapsed()
    );
    if s.cuts.any() {
        let cuts: Vec<String> = s
            .cuts
            .by_bound()
            .iter()
            .filter(|(_, n)| *n > 0)
            .map(|(bound, n)| format!("{bound} {n}"))
            .collect();
        eprintln!(
            "dragoman run: the coder's bounds cut over-long articles: {}",
            cuts.join(", ")
        );
    }
    Ok(())
}

fn trim_line_end(line: &[u8]) -> &[u8] {
    let mut end = line.len();
    while end > 0 && matches!(line[end - 1], b'\n' | b'\r') {
        end -= 1;
    }
    &line[..end]
}

/// The stage settings of the one configuration, as the libraries take them.
pub fn pipeline_config(c: &Config) -> PipelineConfig {
    PipelineConfig {
        ingest: IngestOptions {
            max_bytes: c.ingest.max_bytes,
        },
        extract_cache_size: c.extract.cache_size,
        dedup: dedup_config(c),
    }
}

pub fn dedup_config(c: &Config) -> dragoman_dedup::DedupConfig {
    dragoman_dedup::DedupConfig {
        match_window_days: i64::from(c.dedup.match_window_days),
        state_window: chrono::Duration::hours(i64::from(c.dedup.state_window_hours)),
        max_keys: c.dedup.max_keys,
        copy_max_hamming: c.dedup.copy_max_hamming,
        emit: match c.dedup.emit {
            DedupEmit::Updates => Emit::Updates,
            DedupEmit::First => Emit::First,
        },
    }
}
