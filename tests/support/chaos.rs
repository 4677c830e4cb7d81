//! Helpers for tests that break things on purpose (`tests/chaos.rs`, which includes this file
//! as its module `support`): a seeded random source, a service's progress as its metrics tell
//! it, and the order of revisions in the `events` topic.

use std::collections::BTreeMap;

use dragoman_e2e::{json, Record, Service};

/// The seeded generator of the property tests: its stream depends on the seed alone, so that
/// a printed seed replays the same choices.
pub use dragoman_testkit::Rng;

/// A seed from the clock, for runs that should explore a new schedule each time (and print
/// the seed so that a failure can be replayed).
pub fn clock_seed() -> u64 {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos() as u64)
        .unwrap_or_default();
    Rng::new(nanos ^ u64::from(std::process::id())).next_u64()
}

/// What a service's `/metrics` say about its progress.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Progress {
    pub records_in: f64,
    pub records_out: f64,
    pub dead_letters: f64,
    /// Partitions with a known consumer lag, and their lag summed.
    pub lag_partitions: usize,
    pub lag: f64,
}

impl Progress {
    /// Parses the Prometheus text exposition of one service.
    pub fn parse(metrics: &str) -> Progress {
        let mut p = Progress::default();
        for line in metrics.lines().filter(|l| !l.starts_with('#')) {
            let Some((name, value)) = line.rsplit_once(' ') else {
                continue;
            };
            let Ok(value) = value.parse::<f64>() else {
                continue;
            };
            let family = name.split('{').next().unwrap_or(name);
            match family {
                "dragoman_records_in_total" => p.records_in += value,
                "dragoman_records_out_total" => p.records_out += value,
                "dragoman_dlq_records_total" => p.dead_letters += value,
                "dragoman_consumer_lag" => {
                    p.lag_partitions += 1;
                    p.lag += value;
                }
                _ => {}
            }
        }
        p
    }

    /// The same counts: nothing was consumed or produced between the two samples.
    pub fn same_counts(&self, other: &Progress) -> bool {
        self.records_in == other.records_in
            && self.records_out == other.records_out
            && self.dead_letters == other.dead_letters
    }
}

/// The service's progress, or `None` when its admin port does not answer.
pub fn progress(svc: &Service) -> Option<Progress> {
    match svc.get("/metrics") {
        Some((200, body)) => Some(Progress::parse(&body)),
        _ => None,
    }
}

/// Whether the service's process has exited (on its own: a child that nobody waited for
/// stays a zombie until its `Service` is dropped). Linux only, through /proc.
pub fn has_exited(svc: &Service) -> bool {
    let stat = std::fs::read_to_string(format!("/proc/{}/stat", svc.pid()));
    match stat {
        // "pid (comm) S ...": the state follows the last parenthesis (comm may hold any).
        Ok(stat) => stat
            .rsplit_once(')')
            .and_then(|(_, rest)| rest.trim_start().chars().next())
            .is_none_or(|state| matches!(state, 'Z' | 'X' | 'x')),
        Err(_) => true,
    }
}

/// The last `n` lines of the service's log.
pub fn log_tail(svc: &Service, n: usize) -> String {
    let log = svc.log();
    let lines: Vec<&str> = log.lines().collect();
    lines[lines.len().saturating_sub(n)..].join("\n")
}

/// A revision published after a higher revision of the same event (in topic order).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Regression {
    pub event_id: String,
    pub partition: i32,
    pub offset: i64,
    pub revision: u64,
    /// The highest revision of the event published before it.
    pub after: u64,
}

/// How the revisions of each event follow one another in the `events` topic.
#[derive(Debug, Clone, Default)]
pub struct RevisionOrder {
    /// Distinct `event_id`s.
    pub events: usize,
    /// Revisions lower than one published before them.
    pub regressions: Vec<Regression>,
    /// Event ids published to more than one partition: their order is not defined.
    pub split: Vec<String>,
    /// Revisions that skip a number (informational: a revision can be lost only with its
    /// report, and `accounted` checks the reports).
    pub gaps: usize,
}

/// Checks that the revisions of every `event_id` only go up in topic order (per partition,
/// by offset: an event's revisions share a key, hence a partition).
pub fn revision_order(records: &[Record]) -> RevisionOrder {
    let mut by_id: BTreeMap<String, Vec<(i32, i64, u64)>> = BTreeMap::new();
    for r in records {
        let e = json(r);
        let id = e["event_id"].as_str().unwrap_or_default().to_owned();
        let rev = e["revision"].as_u64().unwrap_or_default();
        by_id
            .entry(id)
            .or_default()
            .push((r.partition, r.offset, rev));
    }
    let mut out = RevisionOrder {
        events: by_id.len(),
        ..RevisionOrder::default()
    };
    for (id, mut revs) in by_id {
        if revs.iter().any(|r| r.0 != revs[0].0) {
            out.split.push(id.clone());
        }
        revs.sort();
        let mut max = 0u64;
        for (partition, offset, rev) in revs {
            if rev < max {
                out.regressions.push(Regression {
                    event_id: id.clone(),
                    partition,
                    offset,
                    revision: rev,
                    after: max,
                });
            } else if rev > max + 1 {
                out.gaps += 1;
            }
            max = max.max(rev);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn event(partition: i32, offset: i64, id: &str, revision: u64) -> Record {
        Record {
            partition,
            offset,
            timestamp_ms: None,
            key: Some(id.as_bytes().to_vec()),
            payload: Some(
                serde_json::to_vec(&serde_json::json!({"event_id": id, "revision": revision}))
                    .unwrap(),
            ),
            headers: Vec::new(),
        }
    }

    #[test]
    fn revisions_going_back_are_found_in_offset_order() {
        let records = [
            event(0, 5, "a", 2),
            event(0, 1, "a", 1),
            event(0, 9, "a", 1),
            event(1, 0, "b", 1),
            event(1, 3, "b", 3),
        ];
        let order = revision_order(&records);
        assert_eq!(order.events, 2);
        assert_eq!(
            order.regressions,
            vec![Regression {
                event_id: "a".into(),
                partition: 0,
                offset: 9,
                revision: 1,
                after: 2
            }]
        );
        assert_eq!(order.gaps, 1, "b skips revision 2");
        assert!(order.split.is_empty());
    }

    #[test]
    fn progress_sums_the_series_of_a_family() {
        let text = "# HELP x\n\
            dragoman_records_in_total{stage=\"extract\"} 12\n\
            dragoman_dlq_records_total{reason=\"a\",stage=\"extract\"} 2\n\
            dragoman_dlq_records_total{reason=\"b\",stage=\"extract\"} 1\n\
            dragoman_consumer_lag{partition=\"0\",stage=\"extract\",topic=\"t\"} 0\n\
            dragoman_consumer_lag{partition=\"1\",stage=\"extract\",topic=\"t\"} 4\n";
        let p = Progress::parse(text);
        assert_eq!(p.records_in, 12.0);
        assert_eq!(p.dead_letters, 3.0);
        assert_eq!((p.lag_partitions, p.lag), (2, 4.0));
    }

    #[test]
    fn the_rng_replays_its_seed() {
        let a: Vec<u64> = (0..4).map(|_| Rng::new(7).next_u64()).collect();
        assert!(a.windows(2).all(|w| w[0] == w[1]));
        let mut r = Rng::new(7);
        assert!((0..1000).all(|_| r.below(3) < 3 && r.unit() < 1.0));
    }
}
