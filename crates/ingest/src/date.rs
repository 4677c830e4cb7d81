//! `published_at`: an RFC 3339 date-time within the span in which news can have been published.
//!
//! The date anchors every relative date of the article ("Monday", "in February"), so a
//! placeholder that parses ("0000-01-01", "9999-12-31") would date its events in antiquity or
//! past year 9999 ("+10000-01-02" once a time zone or "tomorrow" pushes it over). Such an article
//! is dead-lettered as `date_out_of_range` instead. The span is:
//!
//! - from [`EARLIEST_PUBLISHED`], 1800-01-01T00:00:00Z: digitised archives of 19th-century papers
//!   are news, a year 0 or 1 is a producer's "unknown". 1970-01-01 (a Unix time of 0) is a real
//!   date and stays valid;
//! - to [`MAX_AHEAD_HOURS`] (48) hours after the moment ingest sees the article: enough for
//!   clock skew and for a local time written with the wrong offset, never a date in next year.
//!
//! Both bounds compare instants, in UTC.

use chrono::{DateTime, SecondsFormat, TimeDelta, TimeZone, Utc};

use crate::error::IngestError;

/// The earliest publication instant ingest accepts.
pub fn earliest_published() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(1800, 1, 1, 0, 0, 0)
        .single()
        .expect("1800-01-01 is a valid instant")
}

/// The earliest accepted publication instant, as written in messages and docs.
pub const EARLIEST_PUBLISHED: &str = "1800-01-01T00:00:00Z";

/// How far past the moment ingest sees an article its publication may lie.
pub const MAX_AHEAD_HOURS: i64 = 48;

/// The latest publication instant accepted for an article seen at `now`.
pub fn latest_published(now: DateTime<Utc>) -> DateTime<Utc> {
    now + TimeDelta::hours(MAX_AHEAD_HOURS)
}

/// Parses a non-empty `published_at` and checks its range.
pub(crate) fn parse_published_at(
    s: &str,
    now: DateTime<Utc>,
) -> Result<DateTime<Utc>, IngestError> {
    let s = s.trim();
    let shown = || s.chars().take(64).collect::<String>();
    let out_of_range = || IngestError::DateOutOfRange {
        value: shown(),
        latest: latest_published(now).to_rfc3339_opts(SecondsFormat::Secs, true),
    };
    let at = match DateTime::parse_from_rfc3339(s) {
        Ok(at) => at.with_timezone(&Utc),
        // RFC 3339 years have four digits: "+10000-01-01T00:00:00Z" or "-0001-..." is a date,
        // only one outside the range, and is reported as such rather than as a bad format.
        Err(_) if expanded_year_outside_range(s) => return Err(out_of_range()),
        Err(_) => return Err(IngestError::BadDate { value: shown() }),
    };
    if at < earliest_published() || at > latest_published(now) {
        return Err(out_of_range());
    }
    Ok(at)
}

/// Whether `s` is an RFC 3339 date-time but for an ISO 8601 expanded year (a sign, or more
/// than four digits) that lies outside the years 1800..=9999.
fn expanded_year_outside_range(s: &str) -> bool {
    let (negative, unsigned) = match s.as_bytes().first() {
        Some(b'+') => (false, &s[1..]),
        Some(b'-') => (true, &s[1..]),
        _ => (false, s),
    };
    let digits = unsigned.bytes().take_while(u8::is_ascii_digit).count();
    if digits < 4 || (digits == 4 && unsigned.len() == s.len()) {
        return false;
    }
    // Up to 18 digits fit an i64; more is out of range whatever they say.
    let year = unsigned[..digits]
        .parse::<i64>()
        .map_or(i64::MAX, |y| if negative { -y } else { y });
    let rest_is_a_date =
        DateTime::parse_from_rfc3339(&format!("2000{}", &unsigned[digits..])).is_ok();
    rest_is_a_date && !(1800..=9999).contains(&year)
}
