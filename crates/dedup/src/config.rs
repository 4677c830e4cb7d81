//! The dedup configuration: [`DedupSection`], the `[dedup]` table of the one configuration as
//! users write it, and [`DedupConfig`], what the library takes.

use serde::{Deserialize, Serialize};

use crate::DedupError;

/// Which revisions of an event are published.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Emit {
    /// Every revision: the first report, and each later report that changes the counts.
    #[default]
    Updates,
    /// Only the first revision of each event; later reports still update state (and the
    /// changelog), so that they are recognised, but publish nothing.
    First,
}

/// The `[dedup]` section of the configuration (`config/default.toml` documents each key; its
/// defaults are these). Whole days and hours, as users write them.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct DedupSection {
    pub match_window_days: u32,
    pub state_window_hours: u32,
    pub max_keys: usize,
    pub copy_max_hamming: u32,
    pub emit: Emit,
}

impl Default for DedupSection {
    fn default() -> Self {
        DedupSection {
            match_window_days: 1,
            state_window_hours: 72,
            max_keys: 1_000_000,
            copy_max_hamming: 10,
            emit: Emit::Updates,
        }
    }
}

impl DedupSection {
    /// The settings as the library takes them.
    pub fn dedup_config(&self) -> DedupConfig {
        DedupConfig {
            match_window_days: i64::from(self.match_window_days),
            state_window: chrono::Duration::hours(i64::from(self.state_window_hours)),
            max_keys: self.max_keys,
            copy_max_hamming: self.copy_max_hamming,
            emit: self.emit,
        }
    }

    /// The first value the service cannot use, as (key, what is wrong).
    pub fn check(&self) -> Result<(), (&'static str, String)> {
        if self.match_window_days == 0 {
            return Err(("dedup.match_window_days", "must be >= 1".into()));
        }
        if self.state_window_hours == 0 {
            return Err(("dedup.state_window_hours", "must be >= 1".into()));
        }
        if self.max_keys == 0 {
            return Err(("dedup.max_keys", "must be >= 1".into()));
        }
        if self.copy_max_hamming > 64 {
            return Err((
                "dedup.copy_max_hamming",
                "must be <= 64 (bits of a simhash)".into(),
            ));
        }
        self.dedup_config()
            .validate()
            .map_err(|e| ("dedup.state_window_hours", e.to_string()))
    }
}

/// How dedup decides that two reports are one event, and how much state it keeps.
#[derive(Debug, Clone, PartialEq)]
pub struct DedupConfig {
    /// Two reports are the same event when their event dates are at most this many days
    /// apart (compared with the event's first report).
    pub match_window_days: i64,
    /// How long an event stays in state (then it is dropped, cause `window`), in event time,
    /// not wall-clock time: until the watermark (the newest event date seen) passes
    /// max(the event's date, the watermark at its last report) plus this window. An event
    /// reported on time leaves once its date is this far behind the newest date; a late one
    /// stays matchable for this long after its last report.
    pub state_window: chrono::Duration,
    /// Bound on the events held in state; beyond it the least recently updated event is
    /// dropped (cause `bound`).
    pub max_keys: usize,
    /// Two articles whose 64-bit SimHashes differ in at most this many bits are syndicated
    /// copies of one another.
    pub copy_max_hamming: u32,
    pub emit: Emit,
}

impl Default for DedupConfig {
    fn default() -> Self {
        Self {
            match_window_days: 1,
            state_window: chrono::Duration::days(3),
            max_keys: 1_000_000,
            copy_max_hamming: 8,
            emit: Emit::Updates,
        }
    }
}

impl DedupConfig {
    /// Checks the values that cannot work together; the service calls this at start so that a
    /// wrong value stops it with a message naming the key.
    pub fn validate(&self) -> Result<(), DedupError> {
        if self.match_window_days < 0 {
            return Err(DedupError::InvalidConfig(format!(
                "dedup.match_window_days must be >= 0, got {}",
                self.match_window_days
            )));
        }
        if self.state_window_days() < self.match_window_days {
            return Err(DedupError::InvalidConfig(format!(
                "dedup.state_window ({} days) must be at least dedup.match_window_days ({}): \
                 an event must stay in state while reports can still match it",
                self.state_window_days(),
                self.match_window_days
            )));
        }
        if self.max_keys == 0 {
            return Err(DedupError::InvalidConfig(
                "dedup.max_keys must be > 0".into(),
            ));
        }
        if self.copy_max_hamming > 64 {
            return Err(DedupError::InvalidConfig(format!(
                "dedup.copy_max_hamming must be <= 64 (bits of a SimHash), got {}",
                self.copy_max_hamming
            )));
        }
        Ok(())
    }

    /// The state window in whole days, rounded up: event dates have day resolution, so a
    /// window of 36 hours keeps two days.
    pub(crate) fn state_window_days(&self) -> i64 {
        let secs = self.state_window.num_seconds().max(0);
        (secs + 86_399) / 86_400
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_are_valid_and_documented_values() {
        let c = DedupConfig::default();
        c.validate().unwrap();
        assert_eq!(c.match_window_days, 1);
        assert_eq!(c.state_window_days(), 3);
        assert_eq!(c.max_keys, 1_000_000);
        assert_eq!(c.emit, Emit::Updates);
    }

    #[test]
    fn the_section_reads_as_users_write_it_and_names_what_is_wrong() {
        let s: DedupSection =
            serde_json::from_str(r#"{"state_window_hours": 36, "emit": "first"}"#).unwrap();
        assert_eq!(s.match_window_days, 1, "missing keys take their defaults");
        let c = s.dedup_config();
        assert_eq!((c.state_window_days(), c.emit), (2, Emit::First));
        assert!(serde_json::from_str::<DedupSection>(r#"{"max_keyz": 3}"#).is_err());
        DedupSection::default().check().unwrap();
        for (bad, key) in [
            (r#"{"max_keys": 0}"#, "dedup.max_keys"),
            (r#"{"match_window_days": 0}"#, "dedup.match_window_days"),
            (r#"{"copy_max_hamming": 65}"#, "dedup.copy_max_hamming"),
            (
                r#"{"match_window_days": 4, "state_window_hours": 24}"#,
                "dedup.state_window_hours",
            ),
        ] {
            let s: DedupSection = serde_json::from_str(bad).unwrap();
            assert_eq!(s.check().unwrap_err().0, key, "{bad}");
        }
    }

    #[test]
    fn emit_reads_lowercase() {
        let e: Emit = serde_json::from_str("\"first\"").unwrap();
        assert_eq!(e, Emit::First);
        let e: Emit = serde_json::from_str("\"updates\"").unwrap();
        assert_eq!(e, Emit::Updates);
        assert!(serde_json::from_str::<Emit>("\"Updates\"").is_err());
    }

    #[test]
    fn impossible_values_are_named() {
        let bad = DedupConfig {
            max_keys: 0,
            ..Default::default()
        };
        assert!(bad.validate().unwrap_err().to_string().contains("max_keys"));
        let bad = DedupConfig {
            match_window_days: 5,
            state_window: chrono::Duration::days(2),
            ..Default::default()
        };
        assert!(bad
            .validate()
            .unwrap_err()
            .to_string()
            .contains("state_window"));
        let bad = DedupConfig {
            copy_max_hamming: 65,
            ..Default::default()
        };
        assert!(bad
            .validate()
            .unwrap_err()
            .to_string()
            .contains("copy_max_hamming"));
        let hours = DedupConfig {
            state_window: chrono::Duration::hours(36),
            ..Default::default()
        };
        assert_eq!(hours.state_window_days(), 2);
    }
}
