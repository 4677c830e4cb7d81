//! Event dates from the words of a sentence, relative to the article's publication date.

use chrono::{Datelike, Days, Months, NaiveDate, Weekday};
use dragoman_model::DatePrecision;

use crate::text::{TokKind, Token};

/// A date expression found in a sentence.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DateExpr {
    pub date: NaiveDate,
    pub precision: DatePrecision,
    /// Token range of the expression.
    pub start: usize,
    pub end: usize,
}

/// The months' names (actors and engine use them too).
pub(crate) use dragoman_gazetteer::MONTHS;
const MONTH_ABBR: &[&str] = &[
    "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec",
];

/// The month (1-12) a word names, in full or abbreviated (`Jan.`, `sept`).
pub(crate) fn month(w: &str) -> Option<u32> {
    let w = w.trim_end_matches('.');
    MONTHS
        .iter()
        .position(|m| *m == w)
        .or_else(|| MONTH_ABBR.iter().position(|m| *m == w))
        .or_else(|| (w == "sept").then_some(8))
        .map(|i| i as u32 + 1)
}

pub(crate) fn weekday(w: &str) -> Option<Weekday> {
    Some(match w {
        "monday" => Weekday::Mon,
        "tuesday" => Weekday::Tue,
        "wednesday" => Weekday::Wed,
        "thursday" => Weekday::Thu,
        "friday" => Weekday::Fri,
        "saturday" => Weekday::Sat,
        "sunday" => Weekday::Sun,
        _ => return None,
    })
}

fn day(w: &str) -> Option<u32> {
    let d = w
        .trim_end_matches("st")
        .trim_end_matches("nd")
        .trim_end_matches("rd")
        .trim_end_matches("th");
    d.parse().ok().filter(|d| (1..=31).contains(d))
}

fn year(w: &str) -> Option<i32> {
    w.parse().ok().filter(|y| (1900..=2100).contains(y))
}

/// Finds date expressions in `tokens[range]`. `future` says whether the event is an
/// intention, so that a bare weekday points forward ("will visit on Friday") instead of back.
pub fn find_dates(
    lower: &str,
    tokens: &[Token],
    range: (usize, usize),
    published: NaiveDate,
    future: bool,
    out: &mut Vec<DateExpr>,
) {
    let r = Reader {
        lower,
        tokens,
        range,
        published,
        future,
    };
    let mut i = range.0;
    while i < range.1 {
        if let Some(next) = r
            .month_first(i, out)
            .or_else(|| r.day_first(i, out))
            .or_else(|| r.weekday(i, out))
        {
            i = next;
            continue;
        }
        r.relative(i, out);
        i += 1;
    }
}

/// A sentence's tokens as dates are read from them.
struct Reader<'a> {
    lower: &'a str,
    tokens: &'a [Token],
    range: (usize, usize),
    published: NaiveDate,
    future: bool,
}

fn push(
    out: &mut Vec<DateExpr>,
    date: Option<NaiveDate>,
    precision: DatePrecision,
    start: usize,
    end: usize,
) {
    if let Some(date) = date {
        out.push(DateExpr {
            date,
            precision,
            start,
            end,
        });
    }
}

impl Reader<'_> {
    fn w(&self, i: usize) -> &str {
        if i < self.range.1 {
            &self.lower[self.tokens[i].range()]
        } else {
            ""
        }
    }

    /// Month [day[-day]][, year] | month year | in month. The token after the expression when
    /// one starts at `i`.
    fn month_first(&self, i: usize, out: &mut Vec<DateExpr>) -> Option<usize> {
        let (w, tokens, published) = (|k| self.w(k), self.tokens, self.published);
        let m = month(w(i))?;
        // "may" is a month only when followed by a day or a year, or after "in".
        let capitalised = tokens[i].cap;
        // "Jan. 5": the abbreviation's period is a token of its own.
        let n = if w(i + 1) == "." { i + 2 } else { i + 1 };
        if let Some(d) = day(w(n)).filter(|_| tokens[n].kind == TokKind::Number) {
            let mut end = n + 1;
            if (w(end) == "-" || w(end) == "\u{2013}") && day(w(end + 1)).is_some() {
                end += 2;
            }
            let mut y = None;
            if w(end) == "," && year(w(end + 1)).is_some() {
                y = year(w(end + 1));
                end += 2;
            } else if year(w(end)).is_some() {
                y = year(w(end));
                end += 1;
            }
            if capitalised || m != 5 {
                let date = resolve_month_day(published, m, d, y, self.future);
                push(out, date, DatePrecision::Day, i, end);
                return Some(end);
            }
        }
        let after_in = i > self.range.0
            && matches!(
                w(i - 1),
                "in" | "since" | "during" | "early" | "late" | "mid" | "last" | "next" | "until"
            );
        if !(capitalised && (m != 5 || after_in)) {
            return None;
        }
        let (y, end) = match year(w(i + 1)) {
            Some(y) => (Some(y), i + 2),
            None => (None, i + 1),
        };
        let y = y.unwrap_or_else(|| {
            // "In February" dates what was said or done, even for an intention: a month
            // after the publication month is last year's.
            let py = published.year();
            if m > published.month() {
                py - 1
            } else {
                py
            }
        });
        push(
            out,
            NaiveDate::from_ymd_opt(y, m, 1),
            DatePrecision::Month,
            i,
            end,
        );
        Some(end)
    }

    /// day Month [year] (British style): "17 March".
    fn day_first(&self, i: usize, out: &mut Vec<DateExpr>) -> Option<usize> {
        if self.tokens[i].kind != TokKind::Number {
            return None;
        }
        let (d, m) = (day(self.w(i))?, month(self.w(i + 1))?);
        if !self.tokens[i + 1].cap {
            return None;
        }
        let (y, end) = match year(self.w(i + 2)) {
            Some(y) => (Some(y), i + 3),
            None => (None, i + 2),
        };
        let date = resolve_month_day(self.published, m, d, y, self.future);
        push(out, date, DatePrecision::Day, i, end);
        Some(end)
    }

    /// A weekday: the next one for an intention ("will visit on Friday"), else the last.
    fn weekday(&self, i: usize, out: &mut Vec<DateExpr>) -> Option<usize> {
        let wd = weekday(self.w(i))?;
        let date = if self.future && !matches!(self.w(i.wrapping_sub(1)), "last") {
            next_weekday(self.published, wd)
        } else {
            last_weekday(self.published, wd)
        };
        push(out, Some(date), DatePrecision::Day, i, i + 1);
        Some(i + 1)
    }

    /// "yesterday", "last week", "next month", "in 2019".
    fn relative(&self, i: usize, out: &mut Vec<DateExpr>) {
        let p = self.published;
        let first = |d: Option<NaiveDate>| d.and_then(|d| d.with_day(1));
        let (date, precision, len) = match (self.w(i), self.w(i + 1)) {
            ("yesterday", _) => (p.checked_sub_days(Days::new(1)), DatePrecision::Day, 1),
            ("today", _) | ("tonight", _) => (Some(p), DatePrecision::Day, 1),
            ("tomorrow", _) => (p.checked_add_days(Days::new(1)), DatePrecision::Day, 1),
            ("last", "week") => (p.checked_sub_days(Days::new(7)), DatePrecision::Week, 2),
            ("next", "week") => (p.checked_add_days(Days::new(7)), DatePrecision::Week, 2),
            ("last", "month") => (
                first(p.checked_sub_months(Months::new(1))),
                DatePrecision::Month,
                2,
            ),
            ("next", "month") => (
                first(p.checked_add_months(Months::new(1))),
                DatePrecision::Month,
                2,
            ),
            ("last", "year") => (
                NaiveDate::from_ymd_opt(p.year() - 1, 1, 1),
                DatePrecision::Year,
                2,
            ),
            ("next", "year") => (
                NaiveDate::from_ymd_opt(p.year() + 1, 1, 1),
                DatePrecision::Year,
                2,
            ),
            ("in", y)
                if year(y).is_some()
                    && self
                        .tokens
                        .get(i + 1)
                        .is_some_and(|t| t.kind == TokKind::Number) =>
            {
                (
                    NaiveDate::from_ymd_opt(year(y).unwrap_or(0), 1, 1),
                    DatePrecision::Year,
                    2,
                )
            }
            _ => return,
        };
        push(out, date, precision, i, i + len);
    }
}

fn resolve_month_day(
    published: NaiveDate,
    m: u32,
    d: u32,
    y: Option<i32>,
    future: bool,
) -> Option<NaiveDate> {
    if let Some(y) = y {
        return NaiveDate::from_ymd_opt(y, m, d);
    }
    let this_year = NaiveDate::from_ymd_opt(published.year(), m, d)?;
    // News reports the past: a date more than a month after publication is last year's.
    if !future && this_year > published + Days::new(31) {
        NaiveDate::from_ymd_opt(published.year() - 1, m, d)
    } else if future && this_year + Days::new(31) < published {
        NaiveDate::from_ymd_opt(published.year() + 1, m, d)
    } else {
        Some(this_year)
    }
}

/// The latest `wd` on or before `date`.
pub fn last_weekday(date: NaiveDate, wd: Weekday) -> NaiveDate {
    let back = (7 + date.weekday().num_days_from_monday() - wd.num_days_from_monday()) % 7;
    date - Days::new(back as u64)
}

/// The next `wd` on or after `date`.
pub fn next_weekday(date: NaiveDate, wd: Weekday) -> NaiveDate {
    let fwd = (7 + wd.num_days_from_monday() - date.weekday().num_days_from_monday()) % 7;
    date + Days::new(fwd as u64)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::text::tokenize;

    fn dates(text: &str, future: bool) -> Vec<(String, DatePrecision)> {
        let lower = text.to_ascii_lowercase();
        let mut t = Vec::new();
        tokenize(text, &mut t);
        let mut out = Vec::new();
        let published = NaiveDate::from_ymd_opt(2019, 3, 25).unwrap(); // a Monday
        find_dates(&lower, &t, (0, t.len()), published, future, &mut out);
        out.into_iter()
            .map(|d| (d.date.to_string(), d.precision))
            .collect()
    }

    #[test]
    fn weekday_is_latest_on_or_before_publication() {
        assert_eq!(
            dates("told Sputnik Monday", false),
            [("2019-03-25".into(), DatePrecision::Day)]
        );
        assert_eq!(
            dates("met on Thursday", false),
            [("2019-03-21".into(), DatePrecision::Day)]
        );
        assert_eq!(
            dates("will meet on Thursday", true),
            [("2019-03-28".into(), DatePrecision::Day)]
        );
    }

    #[test]
    fn ranges_start_on_their_first_day_and_months_have_month_precision() {
        assert_eq!(
            dates("visit to Moscow March 17-22, led by", false),
            [("2019-03-17".into(), DatePrecision::Day)]
        );
        assert_eq!(
            dates("In February, she said", false),
            [("2019-02-01".into(), DatePrecision::Month)]
        );
        assert_eq!(
            dates("in December", false),
            [("2018-12-01".into(), DatePrecision::Month)]
        );
        assert_eq!(
            dates("on 5 January 2020", false),
            [("2020-01-05".into(), DatePrecision::Day)]
        );
        assert_eq!(
            dates("on Jan. 5, 2018", false),
            [("2018-01-05".into(), DatePrecision::Day)]
        );
    }

    #[test]
    fn relative_words() {
        assert_eq!(
            dates("talks next week", true),
            [("2019-04-01".into(), DatePrecision::Week)]
        );
        assert_eq!(
            dates("said yesterday", false),
            [("2019-03-24".into(), DatePrecision::Day)]
        );
        assert!(dates("he may visit", true).is_empty());
    }
}
