//! `dragoman top`: the running services, live, in the terminal, as `vector top` shows Vector's
//! components: per stage records in and out per second, consumer lag, dead letters by reason,
//! p99 time per record (and end to end, from dedup), readiness. It reads each service's
//! `/metrics` and `/ready` once a second; `q` quits.
//!
//! A thread reads the services and sends each round of readings to the screen loop, which
//! waits for keys in between, so a service that is slow to answer never delays `q`.

mod prom;
mod scrape;
mod view;

use std::io::{self, Write};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use crossterm::event::{self, Event, KeyCode, KeyEventKind, KeyModifiers};
use crossterm::{cursor, execute, queue, terminal};

pub use prom::{parse, Sample};
pub use scrape::{get, scrape, Scrape, Target};
pub use view::{quantile, render, Row, State};

/// Reads every target once, in parallel.
fn read_all(targets: &[Target]) -> Vec<Scrape> {
    std::thread::scope(|s| {
        let handles: Vec<_> = targets
            .iter()
            .map(|t| s.spawn(move || scrape::scrape(t)))
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().expect("a scrape does not panic"))
            .collect()
    })
}

/// The screen's lines for a round of readings and the round before it.
fn frame(
    targets: &[Target],
    cur: &[Scrape],
    prev: Option<&[Scrape]>,
    refresh: Duration,
    keys: &str,
) -> Vec<String> {
    let mut rows: Vec<Row> = targets
        .iter()
        .zip(cur)
        .enumerate()
        .map(|(i, (t, c))| Row::new(t, c, prev.and_then(|p| p.get(i))))
        .collect();
    view::sort(&mut rows);
    let title = format!(
        "dragoman top: {} service{}, every {:.0?}{keys}{:>28}",
        targets.len(),
        if targets.len() == 1 { "" } else { "s" },
        refresh,
        chrono::Utc::now().format("%Y-%m-%d %H:%M:%S UTC")
    );
    render(&title, &rows)
}

/// Prints `frames` frames (forever if `None`) as plain text, one every `refresh`: for a
/// standard output that is not a terminal (a pipe, a log). The first frame comes after two
/// readings, so that it has rates.
pub fn run_plain(
    targets: &[Target],
    refresh: Duration,
    frames: Option<u64>,
    out: &mut impl Write,
) -> io::Result<()> {
    let mut prev = read_all(targets);
    let mut printed = 0;
    while frames.is_none_or(|n| printed < n) {
        std::thread::sleep(refresh);
        let cur = read_all(targets);
        if printed > 0 {
            writeln!(out)?;
        }
        for line in frame(targets, &cur, Some(&prev), refresh, "") {
            writeln!(out, "{line}")?;
        }
        out.flush()?;
        prev = cur;
        printed += 1;
    }
    Ok(())
}

/// The terminal in raw mode on the alternate screen, restored when dropped (also on a panic).
struct Screen;

impl Screen {
    fn enter(out: &mut impl Write) -> io::Result<Screen> {
        terminal::enable_raw_mode()?;
        let screen = Screen;
        execute!(out, terminal::EnterAlternateScreen, cursor::Hide)?;
        Ok(screen)
    }
}

impl Drop for Screen {
    fn drop(&mut self) {
        let _ = execute!(io::stdout(), cursor::Show, terminal::LeaveAlternateScreen);
        let _ = terminal::disable_raw_mode();
    }
}

/// Runs the live view on the terminal until `q` (or Esc, or Ctrl-C); returns why it stopped.
pub fn run_interactive(targets: Vec<Target>, refresh: Duration) -> io::Result<String> {
    let mut out = io::stdout();
    let _screen = Screen::enter(&mut out)?;
    let (tx, rx) = mpsc::channel::<Vec<Scrape>>();
    {
        let targets = targets.clone();
        // Detached: it ends with the process, or at its next send once the screen is gone.
        std::thread::Builder::new()
            .name("dragoman-top-scrape".into())
            .spawn(move || loop {
                let started = Instant::now();
                if tx.send(read_all(&targets)).is_err() {
                    return;
                }
                std::thread::sleep(refresh.saturating_sub(started.elapsed()));
            })?;
    }
    let addrs: Vec<&str> = targets.iter().map(|t| t.addr.as_str()).collect();
    let mut lines = vec![format!("dragoman top: reading {}", addrs.join(", "))];
    let (mut prev, mut cur): (Option<Vec<Scrape>>, Option<Vec<Scrape>>) = (None, None);
    let mut dirty = true;
    loop {
        if dirty {
            draw(&mut out, &lines)?;
            dirty = false;
        }
        if event::poll(Duration::from_millis(50))? {
            match event::read()? {
                Event::Key(k) if k.kind != KeyEventKind::Release => match k.code {
                    KeyCode::Char('q') | KeyCode::Char('Q') => return Ok("q pressed".into()),
                    KeyCode::Esc => return Ok("Esc pressed".into()),
                    KeyCode::Char('c') if k.modifiers.contains(KeyModifiers::CONTROL) => {
                        return Ok("Ctrl-C pressed".into())
                    }
                    _ => {}
                },
                Event::Resize(..) => dirty = true,
                _ => {}
            }
        }
        let mut fresh = false;
        while let Ok(round) = rx.try_recv() {
            prev = cur.take();
            cur = Some(round);
            fresh = true;
        }
        if let (true, Some(c)) = (fresh, &cur) {
            lines = frame(&targets, c, prev.as_deref(), refresh, ", q quits");
            dirty = true;
        }
    }
}

/// Draws `lines` from the top left, each cut to the terminal's width, clearing what was there.
fn draw(out: &mut impl Write, lines: &[String]) -> io::Result<()> {
    let (cols, rows) = terminal::size().unwrap_or((80, 24));
    for (i, line) in lines.iter().take(usize::from(rows)).enumerate() {
        let cut: String = line.chars().take(usize::from(cols)).collect();
        queue!(
            out,
            cursor::MoveTo(0, i as u16),
            crossterm::style::Print(cut),
            terminal::Clear(terminal::ClearType::UntilNewLine)
        )?;
    }
    queue!(
        out,
        cursor::MoveTo(0, lines.len().min(usize::from(rows)) as u16),
        terminal::Clear(terminal::ClearType::FromCursorDown)
    )?;
    out.flush()
}
