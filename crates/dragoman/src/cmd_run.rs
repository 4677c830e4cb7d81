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

    let mut line = Vec::new();
    let mut reader = input;
    let mut line_no = 0u64;
    let mut bytes = 0u64;
    let mut output_closed = false;
    loop {
        line.clear();
        // Lines are read as bytes: a line that is not UTF-8 is bad input, not a fatal error.
        let n = reader.read_until(b'\n', &mut line)?;
        if n == 0 {
            break;
        }
        bytes += n as u64;
        line_no += 1;
        let record = trim_line_end(&line);
        if record.iter().all(u8::is_ascii_whitespace) {
            continue;
        }
        match pipeline.process(record, Utc::now()) {
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
        for (candidate, why) in pipeline.refused() {
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
            break;
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
            "dragoman run: stopped at line {line_no} of {}: the output was closed",
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
