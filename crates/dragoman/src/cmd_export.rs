//! `dragoman export`: events, from a JSONL file or from the `events` topic (its beginning to
//! its current end), to the GDELT 2.0 event table or CSV, one row per `event_id` (its latest
//! revision). Also the event writing that `dragoman consume --format` shares.

use std::io::{self, BufRead, BufReader, IsTerminal, Write};
use std::path::PathBuf;
use std::time::Duration;

use anyhow::Context;
use clap::builder::TypedValueParser;
use dragoman_export::{EventSink, Format};
use dragoman_model::{Event, EVENT_SCHEMA};
use dragoman_runtime::config::Stage;
use dragoman_runtime::tools::{read_topic, Record};

/// The `--format` parser: the names with their help.
pub fn format_parser() -> impl TypedValueParser<Value = Format> {
    clap::builder::PossibleValuesParser::new(Format::ALL.map(Format::as_str))
        .map(|s| s.parse::<Format>().expect("one of the possible values"))
}

/// The `--format` of `export`: the one-row-per-event formats.
fn table_formats() -> impl TypedValueParser<Value = Format> {
    clap::builder::PossibleValuesParser::new(["gdelt", "csv"])
        .map(|s| s.parse::<Format>().expect("gdelt or csv"))
}

/// The width of the table: the terminal's, else `COLUMNS`, else 120.
pub fn table_width(to_terminal: bool) -> usize {
    let terminal = to_terminal.then(dragoman_console::terminal_width).flatten();
    terminal
        .or_else(|| std::env::var("COLUMNS").ok()?.parse().ok())
        .unwrap_or(120)
}

/// Whether standard output is a terminal.
pub fn stdout_is_terminal() -> bool {
    io::stdout().is_terminal()
}

#[derive(clap::Args)]
pub struct ExportArgs {
    /// Events as JSONL (`dragoman run`'s output, or `dragoman consume --topic events`), or -
    /// for stdin.
    #[arg(long, conflicts_with = "topic", required_unless_present = "topic")]
    pub input: Option<String>,
    /// Read the events topic from its beginning to its current end instead (default name:
    /// topics.events).
    #[arg(long, num_args = 0..=1, default_missing_value = "")]
    pub topic: Option<String>,
    /// Where to write, or - for stdout.
    #[arg(long, default_value = "-")]
    pub output: String,
    /// gdelt: the GDELT 2.0 event table (61 tab-separated columns, no header);
    /// csv: the same columns as CSV with a header line.
    #[arg(long, default_value = "gdelt", value_parser = table_formats())]
    pub format: Format,
    #[arg(long)]
    pub config: Option<PathBuf>,
    /// Bootstrap servers (overrides kafka.brokers).
    #[arg(long)]
    pub brokers: Option<String>,
    /// Give up reading the topic after this many seconds.
    #[arg(long, default_value_t = 60)]
    pub timeout: u64,
}

/// What was read, for the closing line.
#[derive(Debug, Default)]
pub struct Tally {
    pub records: u64,
    pub bad: u64,
    pub tombstones: u64,
}

pub fn export(args: &ExportArgs) -> anyhow::Result<()> {
    let out = output(&args.output)?;
    let mut sink = EventSink::new(args.format, out, 0);
    let mut tally = Tally::default();
    let from = if let Some(topic) = &args.topic {
        let mut cfg = crate::stages::config(Stage::Run, args.config.as_deref())?;
        if let Some(b) = &args.brokers {
            cfg.kafka.brokers.clone_from(b);
        }
        let topic = if topic.is_empty() {
            cfg.topics.events.clone()
        } else {
            topic.clone()
        };
        eprintln!(
            "export: reading topic {topic} on {} from its beginning to its current end",
            cfg.kafka.brokers
        );
        let records = read_topic(&cfg.kafka, &topic, Duration::from_secs(args.timeout))
            .with_context(|| format!("reading {topic}"))?;
        tally = write_records(&records, &topic, &mut sink)?;
        format!("topic {topic}")
    } else {
        let input = args.input.as_deref().unwrap_or("-");
        eprintln!("export: reading {input}");
        let reader: Box<dyn BufRead> = if input == "-" {
            Box::new(BufReader::new(io::stdin().lock()))
        } else {
            let f = std::fs::File::open(input).with_context(|| format!("opening {input}"))?;
            Box::new(BufReader::new(f))
        };
        for (n, line) in reader.split(b'\n').enumerate() {
            let line = line.with_context(|| format!("reading {input}"))?;
            if line.iter().all(u8::is_ascii_whitespace) {
                continue;
            }
            tally.records += 1;
            match parse_event(&line) {
                Ok(e) => sink.write(e)?,
                Err(why) => {
                    tally.bad += 1;
                    eprintln!("{input}:{}: skipped: {why}", n + 1);
                }
            }
        }
        input.to_owned()
    };
    let (_, written) = sink.finish()?;
    eprintln!(
        "export: end of {from}: {} records ({} bad, {} tombstones), {} events written as {} \
         (the latest revision of each) to {}",
        tally.records, tally.bad, tally.tombstones, written.rows, args.format, args.output
    );
    Ok(())
}

/// A line or a record's value as an event of dragoman's schema.
pub fn parse_event(bytes: &[u8]) -> Result<Event, String> {
    let e: Event = serde_json::from_slice(bytes).map_err(|e| format!("not an event: {e}"))?;
    if e.schema != EVENT_SCHEMA {
        return Err(format!("schema {:?}, not {EVENT_SCHEMA}", e.schema));
    }
    Ok(e)
}

/// Writes the events of a topic's records; a record with a key and no value (a tombstone on
/// a compacted topic) removes its event. Records are taken partition by partition, in offset
/// order: a read interleaves partitions as their fetches come back, and the rows' order (the
/// order event ids are first seen) must not depend on it. An event's revisions share its key,
/// so its partition.
pub fn write_records<W: Write>(
    records: &[Record],
    topic: &str,
    sink: &mut EventSink<W>,
) -> anyhow::Result<Tally> {
    let mut tally = Tally::default();
    let mut ordered: Vec<&Record> = records.iter().collect();
    ordered.sort_by_key(|r| (r.partition, r.offset));
    for r in ordered {
        tally.records += 1;
        let Some(value) = r.payload.as_deref() else {
            tally.tombstones += 1;
            if let Some(key) = r.key.as_deref() {
                sink.remove(&String::from_utf8_lossy(key));
            }
            continue;
        };
        match parse_event(value) {
            Ok(e) => sink.write(e)?,
            Err(why) => {
                tally.bad += 1;
                eprintln!(
                    "{topic} partition {} offset {}: skipped: {why}",
                    r.partition, r.offset
                );
            }
        }
    }
    Ok(tally)
}

/// `dragoman consume --format`: the records of the events topic written as events.
pub fn consume_events(records: &[Record], topic: &str, format: Format) -> anyhow::Result<()> {
    let stdout = io::stdout();
    let width = table_width(stdout.is_terminal());
    let mut sink = EventSink::new(format, io::BufWriter::new(stdout.lock()), width);
    write_records(records, topic, &mut sink)?;
    sink.finish()?;
    Ok(())
}

/// The format `consume` uses: the one asked for; else a table when standard output is a
/// terminal and the topic is the events topic; else the records as they are (`None`).
pub fn consume_format(asked: Option<Format>, topic: &str, events_topic: &str) -> Option<Format> {
    asked.or_else(|| (topic == events_topic && stdout_is_terminal()).then_some(Format::Table))
}

pub fn output(path: &str) -> anyhow::Result<Box<dyn Write>> {
    Ok(if path == "-" {
        Box::new(io::BufWriter::new(io::stdout().lock()))
    } else {
        let f = std::fs::File::create(path).with_context(|| format!("creating {path}"))?;
        Box::new(io::BufWriter::new(f))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_dragoman_events_are_read() {
        assert!(parse_event(b"{}").unwrap_err().starts_with("not an event"));
        assert!(parse_event(b"not json").is_err());
    }

    #[test]
    fn consume_keeps_the_format_asked_for_and_other_topics_as_they_are() {
        assert_eq!(
            consume_format(Some(Format::Gdelt), "t", "events"),
            Some(Format::Gdelt)
        );
        assert_eq!(consume_format(None, "articles.raw", "events"), None);
    }
}
