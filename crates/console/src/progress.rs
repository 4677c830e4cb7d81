//! A progress line on standard error, redrawn in place while a long input is read:
//!
//! ```text
//! dragoman run: 12,345 articles, 2,310/s, 45,678 events, 12 bad lines, 1m 05s left
//! ```
//!
//! The time left is the bytes still to read at the rate read so far (so only for a file,
//! whose size is known). The line appears only after the first second (a small input shows
//! nothing), is redrawn four times a second at most, and is erased before any other message
//! and at the end, so the terminal keeps only what was printed for good.

use std::io::{self, Write};
use std::time::{Duration, Instant};

/// How long a run goes before the line appears.
const QUIET_START: Duration = Duration::from_secs(1);
/// The least time between two draws.
const REDRAW: Duration = Duration::from_millis(250);

/// What has been done so far.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Counts {
    pub articles: u64,
    pub events: u64,
    pub bad: u64,
    /// Bytes of input read.
    pub bytes: u64,
}

#[derive(Debug)]
pub struct Progress {
    label: String,
    enabled: bool,
    started: Instant,
    total_bytes: Option<u64>,
    last_draw: Option<Instant>,
    visible: bool,
}

impl Progress {
    /// `enabled` when standard error is a terminal; `total_bytes`, the input's size if known.
    pub fn new(label: &str, enabled: bool, total_bytes: Option<u64>, now: Instant) -> Progress {
        Progress {
            label: label.to_owned(),
            enabled,
            started: now,
            total_bytes,
            last_draw: None,
            visible: false,
        }
    }

    /// The line for `c` at `now`.
    pub fn line(&self, c: Counts, now: Instant) -> String {
        let elapsed = now.saturating_duration_since(self.started).as_secs_f64();
        let mut s = format!("{}: {} articles", self.label, thousands(c.articles));
        if elapsed > 0.0 {
            let rate = c.articles as f64 / elapsed;
            s.push_str(&format!(", {}/s", thousands(rate.round() as u64)));
        }
        s.push_str(&format!(", {} events", thousands(c.events)));
        let lines = if c.bad == 1 { "line" } else { "lines" };
        s.push_str(&format!(", {} bad {lines}", thousands(c.bad)));
        if let Some(total) = self.total_bytes {
            if c.bytes > 0 && elapsed > 0.0 {
                let bytes_per_s = c.bytes as f64 / elapsed;
                let left = total.saturating_sub(c.bytes) as f64 / bytes_per_s;
                s.push_str(&format!(", {} left", duration(left)));
            }
        }
        s
    }

    /// Draws the line if it is due.
    pub fn tick(&mut self, c: Counts, now: Instant, out: &mut impl Write) -> io::Result<()> {
        if !self.enabled || now.saturating_duration_since(self.started) < QUIET_START {
            return Ok(());
        }
        if self
            .last_draw
            .is_some_and(|t| now.saturating_duration_since(t) < REDRAW)
        {
            return Ok(());
        }
        self.last_draw = Some(now);
        self.visible = true;
        write!(out, "\r{}\x1b[K", self.line(c, now))?;
        out.flush()
    }

    /// Erases the line (before another message, and at the end); the next tick redraws it.
    pub fn clear(&mut self, out: &mut impl Write) -> io::Result<()> {
        if self.visible {
            self.visible = false;
            self.last_draw = None;
            out.write_all(b"\r\x1b[K")?;
            out.flush()?;
        }
        Ok(())
    }
}

/// 1234567 -> "1,234,567".
pub fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut s = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, d) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            s.push(',');
        }
        s.push(d);
    }
    s
}

/// Seconds as "45s", "1m 05s", "2h 03m".
fn duration(secs: f64) -> String {
    let s = secs.max(0.0).round() as u64;
    match s {
        0..60 => format!("{s}s"),
        60..3600 => format!("{}m {:02}s", s / 60, s % 60),
        _ => format!("{}h {:02}m", s / 3600, s % 3600 / 60),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn counts(articles: u64, bytes: u64) -> Counts {
        Counts {
            articles,
            events: articles * 3,
            bad: 1,
            bytes,
        }
    }

    #[test]
    fn the_line_says_articles_rate_events_bad_lines_and_time_left() {
        let t0 = Instant::now();
        let p = Progress::new("dragoman run", true, Some(10_000_000), t0);
        let line = p.line(counts(12_345, 2_500_000), t0 + Duration::from_secs(5));
        assert_eq!(
            line,
            "dragoman run: 12,345 articles, 2,469/s, 37,035 events, 1 bad line, 15s left"
        );
        let stdin = Progress::new("dragoman run", true, None, t0);
        assert!(!stdin
            .line(counts(10, 100), t0 + Duration::from_secs(2))
            .contains("left"));
    }

    #[test]
    fn draws_after_the_first_second_at_most_four_times_a_second() {
        let t0 = Instant::now();
        let mut p = Progress::new("run", true, Some(1000), t0);
        let mut out = Vec::new();
        p.tick(counts(1, 10), t0 + Duration::from_millis(500), &mut out)
            .unwrap();
        assert!(out.is_empty(), "a short run shows nothing");
        p.tick(counts(1, 10), t0 + Duration::from_millis(1100), &mut out)
            .unwrap();
        assert!(out.starts_with(b"\rrun: 1 articles"));
        let drawn = out.len();
        p.tick(counts(2, 20), t0 + Duration::from_millis(1200), &mut out)
            .unwrap();
        assert_eq!(out.len(), drawn, "not again within 250 ms");
        p.tick(counts(2, 20), t0 + Duration::from_millis(1400), &mut out)
            .unwrap();
        assert!(out.len() > drawn);
        out.clear();
        p.clear(&mut out).unwrap();
        assert_eq!(out, b"\r\x1b[K");
        out.clear();
        p.clear(&mut out).unwrap();
        assert!(out.is_empty(), "nothing to erase twice");
    }

    #[test]
    fn disabled_progress_writes_nothing() {
        let t0 = Instant::now();
        let mut p = Progress::new("run", false, Some(1000), t0);
        let mut out = Vec::new();
        p.tick(counts(1, 10), t0 + Duration::from_secs(5), &mut out)
            .unwrap();
        p.clear(&mut out).unwrap();
        assert!(out.is_empty());
    }

    #[test]
    fn numbers_and_durations_read_well() {
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(1000), "1,000");
        assert_eq!(thousands(1_234_567), "1,234,567");
        assert_eq!(duration(4.6), "5s");
        assert_eq!(duration(65.0), "1m 05s");
        assert_eq!(duration(7380.0), "2h 03m");
    }
}
