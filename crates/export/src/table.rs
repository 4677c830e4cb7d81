//! Events for a person at a terminal: one aligned line each, date, CAMEO code and its name,
//! source -> target by name, place, and the start of the evidence sentence.
//!
//! ```text
//! DATE        CODE  EVENT                SOURCE -> TARGET                PLACE          EVIDENCE
//! 2019-03-22  057   Sign formal agree…   Russia -> Libya                 Moscow         Cooperation agreements between…
//! ```
//!
//! Lines are written as events arrive, so the columns have fixed widths, fitted to the
//! terminal's width: a longer value is cut with an ellipsis.

use std::collections::HashSet;

use dragoman_model::{CameoTable, DatePrecision, Event};

use crate::gdelt::global_event_id;

const GAP: &str = "  ";
const DATE: usize = 10;
const CODE: usize = 4;

/// Column widths for a terminal `width` characters wide.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Layout {
    pub event: usize,
    pub who: usize,
    pub place: usize,
    pub evidence: usize,
}

impl Layout {
    pub fn for_width(width: usize) -> Layout {
        let rest = width.saturating_sub(DATE + CODE + 5 * GAP.len());
        let share = |percent: usize, min: usize, max: usize| (rest * percent / 100).clamp(min, max);
        let event = share(22, 12, 30);
        let who = share(36, 20, 44);
        let place = share(12, 8, 20);
        let evidence = rest.saturating_sub(event + who + place).max(12);
        Layout {
            event,
            who,
            place,
            evidence,
        }
    }
}

/// The header line (no line break).
pub fn header(layout: Layout) -> String {
    row(
        layout,
        "DATE",
        "CODE",
        "EVENT",
        "SOURCE -> TARGET",
        "PLACE",
        "EVIDENCE",
    )
}

/// An event's line (no line break).
pub fn line(e: &Event, layout: Layout) -> String {
    let name = CameoTable::global().get(&e.code).map_or("", |c| c.name);
    fn actor(a: &Option<dragoman_model::Actor>) -> &str {
        a.as_ref().map_or("-", |a| a.name.as_str())
    }
    let who = format!("{} -> {}", actor(&e.source), actor(&e.target));
    let place = e.location.as_ref().map_or("", |l| l.name.as_str());
    row(
        layout,
        &date(e),
        &e.code,
        name,
        &who,
        place,
        &e.evidence.sentence,
    )
}

/// The date as precise as the text gave it: `2019-03` for "in March 2019", `2019` for a year.
fn date(e: &Event) -> String {
    let format = match e.date_precision {
        DatePrecision::Month => "%Y-%m",
        DatePrecision::Year => "%Y",
        _ => "%Y-%m-%d",
    };
    e.event_date.format(format).to_string()
}

fn row(l: Layout, date: &str, code: &str, event: &str, who: &str, place: &str, ev: &str) -> String {
    let mut s = String::with_capacity(DATE + CODE + l.event + l.who + l.place + l.evidence + 16);
    for (text, width) in [
        (date, DATE),
        (code, CODE),
        (event, l.event),
        (who, l.who),
        (place, l.place),
    ] {
        fit(&mut s, text, width, true);
        s.push_str(GAP);
    }
    fit(&mut s, ev, l.evidence, false);
    s
}

/// Appends `text` cut to `width` characters (an ellipsis marks a cut), padded to it if `pad`.
/// Control characters (a line break in a name) become spaces.
fn fit(out: &mut String, text: &str, width: usize, pad: bool) {
    let clean = |c: char| if c.is_control() { ' ' } else { c };
    let n = text.chars().count();
    if n <= width {
        out.extend(text.chars().map(clean));
        if pad {
            out.extend(std::iter::repeat_n(' ', width - n));
        }
    } else if width > 0 {
        out.extend(text.chars().take(width - 1).map(clean));
        out.push('…');
    }
}

/// Writes the table as events arrive: the header before the first event, then a line for
/// each event the first time its id is seen (its later revisions update its counts, not what
/// the line shows).
#[derive(Debug)]
pub struct TableWriter {
    layout: Layout,
    seen: HashSet<u64>,
    header_written: bool,
}

impl TableWriter {
    pub fn new(width: usize) -> TableWriter {
        TableWriter {
            layout: Layout::for_width(width),
            seen: HashSet::new(),
            header_written: false,
        }
    }

    /// What to write for `e`: the header before the first event, and the event's line (none
    /// for a later revision of an event already shown).
    pub fn lines(&mut self, e: &Event) -> (Option<String>, Option<String>) {
        if !self.seen.insert(global_event_id(&e.event_id)) {
            return (None, None);
        }
        let header = (!self.header_written).then(|| header(self.layout));
        self.header_written = true;
        (header, Some(line(e, self.layout)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::gdelt::tests::sample_event;

    #[test]
    fn columns_line_up_whatever_the_lengths() {
        let layout = Layout::for_width(120);
        let mut long = sample_event();
        long.target.as_mut().unwrap().name = "x".repeat(200);
        long.location = None;
        let h = header(layout);
        let a = line(&sample_event(), layout);
        let b = line(&long, layout);
        // Each column starts at the same character in every line.
        let starts = |s: &str| -> Vec<usize> {
            let chars: Vec<char> = s.chars().collect();
            (1..chars.len())
                .filter(|&i| {
                    chars[i - 1] == ' ' && chars[i] != ' ' && i >= 2 && chars[i - 2] == ' '
                })
                .collect()
        };
        let hs = starts(&h);
        assert_eq!(hs.len(), 5, "{h}");
        for s in [&a, &b] {
            let cs: Vec<char> = s.chars().collect();
            for &i in &hs[..3] {
                assert!(cs[i] != ' ' && cs[i - 1] == ' ', "{s}\n{h}");
            }
            assert!(s.chars().count() <= 120, "{s}");
        }
        assert!(a.starts_with("2019-03-22  057   Sign formal agree"), "{a}");
        assert!(a.contains("Russia -> Libya's Ministry of"), "{a}");
        assert!(a.contains("Moscow"), "{a}");
        assert!(a.contains("Cooperation agreements"), "{a}");
        assert!(b.contains("Russia -> xxx"), "{b}");
        assert!(b.contains('…'), "{b}");
    }

    #[test]
    fn missing_actors_and_imprecise_dates_show_as_such() {
        let mut e = sample_event();
        e.target = None;
        e.date_precision = DatePrecision::Month;
        let l = line(&e, Layout::for_width(120));
        assert!(l.starts_with("2019-03     057"), "{l}");
        assert!(l.contains("Russia -> -"), "{l}");
    }

    #[test]
    fn each_event_shows_once_and_the_header_once() {
        let mut t = TableWriter::new(100);
        let e = sample_event();
        let (header, first) = t.lines(&e);
        assert!(header.unwrap().starts_with("DATE"));
        assert!(first.unwrap().starts_with("2019-03-22"));
        let mut again = e.clone();
        again.revision = 2;
        assert_eq!(t.lines(&again), (None, None));
        let mut other = e;
        other.event_id = "0000000000000002".into();
        let (header, line) = t.lines(&other);
        assert!(header.is_none() && line.is_some());
    }

    #[test]
    fn narrow_and_wide_terminals_get_sane_widths() {
        let narrow = Layout::for_width(40);
        assert!(narrow.event >= 12 && narrow.who >= 20 && narrow.evidence >= 12);
        let wide = Layout::for_width(300);
        assert_eq!((wide.event, wide.who, wide.place), (30, 44, 20));
        assert_eq!(DATE + CODE + 10 + 30 + 44 + 20 + wide.evidence, 300);
    }
}
