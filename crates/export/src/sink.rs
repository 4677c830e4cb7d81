//! One writer for every output format, so that `dragoman run`, `consume` and `export` write
//! events the same way.

use std::fmt;
use std::io::{self, Write};
use std::str::FromStr;

use dragoman_model::Event;

use crate::latest::Latest;
use crate::table::TableWriter;
use crate::{csv, gdelt};

/// An output format for events.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// `dragoman.event/v1` JSON, one event (revision) a line: for programs.
    Jsonl,
    /// One aligned line per event: for people.
    Table,
    /// The GDELT 2.0 event table: 61 tab-separated columns, one line per event id.
    Gdelt,
    /// The same 61 columns as CSV, with a header line.
    Csv,
}

impl Format {
    pub const ALL: [Format; 4] = [Format::Jsonl, Format::Table, Format::Gdelt, Format::Csv];

    pub fn as_str(self) -> &'static str {
        match self {
            Format::Jsonl => "jsonl",
            Format::Table => "table",
            Format::Gdelt => "gdelt",
            Format::Csv => "csv",
        }
    }

    /// Whether the format writes one row per event id, its latest revision, and so holds the
    /// events until the input ends.
    pub fn one_row_per_event(self) -> bool {
        matches!(self, Format::Gdelt | Format::Csv)
    }

    /// The format when none is asked for: a table for a person at a terminal, JSONL for a
    /// program (as ripgrep and git decide by whether standard output is a terminal).
    pub fn default_for(stdout_is_terminal: bool) -> Format {
        if stdout_is_terminal {
            Format::Table
        } else {
            Format::Jsonl
        }
    }
}

impl fmt::Display for Format {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Format {
    type Err = String;

    fn from_str(s: &str) -> Result<Format, String> {
        Format::ALL
            .into_iter()
            .find(|f| f.as_str() == s)
            .ok_or_else(|| format!("unknown format {s:?}: expected jsonl, table, gdelt or csv"))
    }
}

/// What a sink wrote, for the closing summary.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Written {
    /// Events (revisions) given to the sink.
    pub events: u64,
    /// Lines or rows written (the header aside).
    pub rows: u64,
}

/// Writes events in a [`Format`]: JSONL and the table as they come, GDELT and CSV at
/// [`EventSink::finish`], one row per event id (its latest revision).
pub struct EventSink<W: Write> {
    format: Format,
    out: W,
    table: Option<TableWriter>,
    latest: Latest,
    written: Written,
}

impl<W: Write> EventSink<W> {
    /// `width` is the terminal's width, for the table.
    pub fn new(format: Format, out: W, width: usize) -> EventSink<W> {
        EventSink {
            format,
            out,
            table: (format == Format::Table).then(|| TableWriter::new(width)),
            latest: Latest::new(),
            written: Written::default(),
        }
    }

    pub fn format(&self) -> Format {
        self.format
    }

    pub fn write(&mut self, event: Event) -> io::Result<()> {
        self.written.events += 1;
        match self.format {
            Format::Jsonl => {
                serde_json::to_writer(&mut self.out, &event)?;
                self.out.write_all(b"\n")?;
                self.written.rows += 1;
            }
            Format::Table => {
                let table = self
                    .table
                    .as_mut()
                    .expect("a table sink has a table writer");
                let (header, line) = table.lines(&event);
                for text in header.iter().chain(&line) {
                    self.out.write_all(text.as_bytes())?;
                    self.out.write_all(b"\n")?;
                }
                self.written.rows += u64::from(line.is_some());
            }
            Format::Gdelt | Format::Csv => self.latest.insert(event),
        }
        Ok(())
    }

    /// Flushes what was written so far (the formats that hold events back keep them).
    pub fn flush(&mut self) -> io::Result<()> {
        self.out.flush()
    }

    /// A tombstone: the event is gone (only the one-row-per-event formats can act on it).
    pub fn remove(&mut self, event_id: &str) {
        self.latest.remove(event_id);
    }

    /// Writes what the format held back, flushes, and says what was written.
    pub fn finish(mut self) -> io::Result<(W, Written)> {
        let latest = std::mem::take(&mut self.latest);
        match self.format {
            Format::Gdelt => {
                for e in latest.into_events() {
                    gdelt::write_tsv(&mut self.out, &gdelt::fields(&e))?;
                    self.written.rows += 1;
                }
            }
            Format::Csv => {
                csv::write_row(&mut self.out, &gdelt::COLUMNS)?;
                for e in latest.into_events() {
                    csv::write_row(&mut self.out, &gdelt::fields(&e))?;
                    self.written.rows += 1;
                }
            }
            Format::Jsonl | Format::Table => {}
        }
        self.out.flush()?;
        Ok((self.out, self.written))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::gdelt::tests::sample_event;

    fn run(format: Format, events: &[Event]) -> (String, Written) {
        let mut sink = EventSink::new(format, Vec::new(), 120);
        for e in events {
            sink.write(e.clone()).unwrap();
        }
        let (out, written) = sink.finish().unwrap();
        (String::from_utf8(out).unwrap(), written)
    }

    fn revisions() -> Vec<Event> {
        let mut a2 = sample_event();
        a2.revision = 2;
        a2.mentions.num_mentions = 7;
        let mut b = sample_event();
        b.event_id = "0000000000000002".into();
        vec![sample_event(), b, a2]
    }

    #[test]
    fn formats_parse_from_their_names() {
        for f in Format::ALL {
            assert_eq!(f.as_str().parse::<Format>(), Ok(f));
        }
        assert!("xml"
            .parse::<Format>()
            .unwrap_err()
            .contains("jsonl, table, gdelt or csv"));
        assert_eq!(Format::default_for(true), Format::Table);
        assert_eq!(Format::default_for(false), Format::Jsonl);
    }

    #[test]
    fn jsonl_writes_every_revision() {
        let (out, w) = run(Format::Jsonl, &revisions());
        assert_eq!(out.lines().count(), 3);
        assert_eq!(w, Written { events: 3, rows: 3 });
        let first: Event = serde_json::from_str(out.lines().next().unwrap()).unwrap();
        assert_eq!(first, sample_event());
    }

    #[test]
    fn table_writes_a_header_and_each_event_once() {
        let (out, w) = run(Format::Table, &revisions());
        assert_eq!(out.lines().count(), 3, "{out}");
        assert_eq!(w.rows, 2);
    }

    #[test]
    fn gdelt_and_csv_write_the_latest_revision_of_each_event() {
        let (out, w) = run(Format::Gdelt, &revisions());
        let rows: Vec<Vec<&str>> = out.lines().map(|l| l.split('\t').collect()).collect();
        assert_eq!(rows.len(), 2);
        assert!(rows.iter().all(|r| r.len() == 61));
        let mentions = gdelt::column("NumMentions").unwrap();
        assert_eq!(
            rows[0][mentions], "7",
            "the latest revision, in first-seen order"
        );
        assert_eq!(rows[1][0], "2");
        assert_eq!(w, Written { events: 3, rows: 2 });

        let (csv, _) = run(Format::Csv, &revisions());
        let lines: Vec<&str> = csv.lines().collect();
        assert_eq!(lines.len(), 3);
        assert!(lines[0].starts_with("GLOBALEVENTID,SQLDATE,"));
        assert!(
            lines[1].contains("\"LIBYA'S MINISTRY OF HEALTH\"")
                || lines[1].contains("LIBYA'S MINISTRY OF HEALTH")
        );
    }

    #[test]
    fn a_tombstone_drops_the_event_from_the_export() {
        let mut sink = EventSink::new(Format::Gdelt, Vec::new(), 120);
        for e in revisions() {
            sink.write(e).unwrap();
        }
        sink.remove("0000000000000002");
        let (out, w) = sink.finish().unwrap();
        assert_eq!(String::from_utf8(out).unwrap().lines().count(), 1);
        assert_eq!(w.rows, 1);
    }
}
