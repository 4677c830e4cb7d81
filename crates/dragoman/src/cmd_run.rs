//! `dragoman run`: the embedded pipeline. Articles as JSONL in, deduplicated events out (as
//! JSONL, an aligned table, the GDELT event table or CSV: dragoman-export), every stage in one
//! process and no broker. Bad lines are reported on stderr with their line number and skipped;
//! the run goes on. On a terminal, a progress line on stderr (dragoman-console) while it reads.

use std::fs::File;
use std::io::{self, BufRead, BufReader, IsTerminal};
use std::sync::Arc;
use std::time::Instant;

use anyhow::Context;
use chrono::Utc;
use dragoman_console::progress::{Counts, Progress};
use dragoman_dedup::DedupSection;
use dragoman_export::{EventSink, Format};
use dragoman_ingest::IngestOptions;
use dragoman_pipeline::{ExtractSection, Pipeline, PipelineConfig, RecordOutcome};
use dragoman_runtime::config::Stage;
use dragoman_runtime::Config;

use crate::{cmd_export, RunArgs};

/// Records per batch through the stages, where batching is on: large enough that each stage's
/// tables stay warm over a batch, small enough to hold (256 articles of a few KB).
const BATCH: usize = 256;

pub fn run(args: &RunArgs) -> anyhow::Result<()> {
    let cfg = crate::stages::config(Stage::Run, args.config.as_deref())?;
    let config = pipeline_config(&cfg)?;
    let started = Instant::now();
    let coder = Arc::new(crate::cmd_dict::coder(&cfg)?);
    let mut pipeline = Pipeline::new(coder, config);

    let (input, input_bytes): (Box<dyn BufRead>, Option<u64>) = if args.input == "-" {
        (Box::new(BufReader::new(io::stdin().lock())), None)
    } else {
        let f = File::open(&args.input).with_context(|| format!("opening {}", args.input))?;
        let size = f.metadata().ok().filter(|m| m.is_file()).map(|m| m.len());
        (Box::new(BufReader::new(f)), size)
    };
    let to_terminal = args.output == "-" && cmd_export::stdout_is_terminal();
    let format = args.format.unwrap_or(Format::default_for(to_terminal));
    let width = cmd_export::table_width(to_terminal);
    let mut output = EventSink::new(format, cmd_export::output(&args.output)?, width);
    let mut err = io::stderr();
    // The progress line shares no terminal with the events: where the events scroll by, they
    // are the progress, and a redrawn line would land in the middle of theirs.
    let show_progress = err.is_terminal() && !to_terminal;
    let mut progress = Progress::new("dragoman run", show_progress, input_bytes, started);
    eprintln!(
        "dragoman run: articles from {}, events as {format} to {}, every stage in this process \
         (no broker)",
        args.input,
        if args.output == "-" {
            "stdout"
        } else {
            &args.output
        }
    );

    // Records go through the stages a batch at a time (`Pipeline::process_batch`: the same
    // events for less CPU), but one at a time where events are shown as each article is read
    // (a terminal) or the input arrives as it is written (stdin).
    let batch_size = if to_terminal || input_bytes.is_none() {
        1
    } else {
        BATCH
    };
    let mut reader = input;
    let mut lines: Vec<Vec<u8>> = Vec::new();
    // Of each record of the batch: its line number and when it was read.
    let mut seen: Vec<(u64, chrono::DateTime<Utc>)> = Vec::with_capacity(batch_size);
    let mut line_no = 0u64;
    let mut bytes = 0u64;
    let mut output_closed = false;
    let mut stopped_at = 0u64;
    let mut eof = false;
    while !eof && !output_closed {
        seen.clear();
        while seen.len() < batch_size {
            if lines.len() == seen.len() {
                lines.push(Vec::new());
            }
            let line = &mut lines[seen.len()];
            line.clear();
            // Lines are read as bytes: a line that is not UTF-8 is bad input, not a fatal error.
            let n = reader.read_until(b'\n', line)?;
            if n == 0 {
                eof = true;
                break;
            }
            bytes += n as u64;
            line_no += 1;
            if !trim_line_end(line).iter().all(u8::is_ascii_whitespace) {
                seen.push((line_no, Utc::now()));
            }
        }
        let records: Vec<(&[u8], _)> = seen
            .iter()
            .zip(&lines)
            .map(|((_, now), line)| (trim_line_end(line), *now))
            .collect();
        for (&(line_no, _), done) in seen.iter().zip(pipeline.process_batch(&records)) {
            match done.outcome {
                RecordOutcome::Rejected(e) => {
                    progress.clear(&mut err)?;
                    eprintln!("{}:{line_no}: skipped ({}): {e}", args.input, e.reason());
                }
                RecordOutcome::Events(events) => {
                    for event in events {
                        match output.write(event) {
                            // The reader went away (`| head`, a closed pager): stop, not fail.
                            Err(e) if e.kind() == io::ErrorKind::BrokenPipe => output_closed = true,
                            other => other?,
                        }
                    }
                }
            }
            for (candidate, why) in &done.refused {
                progress.clear(&mut err)?;
                eprintln!(
                    "{}:{line_no}: candidate refused ({}): {why}, sentence {} of article {}",
                    args.input,
                    why.reason(),
                    candidate.evidence.sentence_index,
                    candidate.article.id
                );
            }
            // Events reach a terminal as each article is coded, not a buffer at a time.
            if to_terminal && !output_closed {
                match output.flush() {
                    Err(e) if e.kind() == io::ErrorKind::BrokenPipe => output_closed = true,
                    other => other?,
                }
            }
            if output_closed {
                stopped_at = line_no;
                break;
            }
        }
        let s = pipeline.stats();
        let counts = Counts {
            articles: s.articles,
            events: s.published,
            bad: s.dead_letters,
            bytes,
        };
        progress.tick(counts, Instant::now(), &mut err)?;
    }
    progress.clear(&mut err)?;
    let written = match output.finish() {
        Ok((_, written)) => Some(written),
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => {
            output_closed = true;
            None
        }
        Err(e) => return Err(e.into()),
    };
    if output_closed {
        eprintln!(
            "dragoman run: stopped at line {stopped_at} of {}: the output was closed",
            args.input
        );
    }
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
    if let Some(w) = written.filter(|_| format.one_row_per_event()) {
        eprintln!(
            "dragoman run: {} events written as {format} rows (the latest revision of each)",
            w.rows
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

/// The stages' sections of the one configuration, as the libraries take them: `dragoman run`
/// is configured as the services are.
pub fn pipeline_config(c: &Config) -> anyhow::Result<PipelineConfig> {
    Ok(PipelineConfig::from_sections(
        c.section::<IngestOptions>()?,
        c.section::<ExtractSection>()?,
        c.section::<DedupSection>()?,
    ))
}
