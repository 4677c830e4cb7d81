//! Progress on a backlog, for readiness that tells the truth.
//!
//! A service can be live, joined and connected and still move nothing: after a broker restart
//! that lost its topics and producer state, an extract service sat at lag 16 for good, with
//! `/ready` answering 200. The watch compares what the consumer reports as lag with what the
//! loop consumed: a backlog that does not move for `stall` makes the service not ready, with
//! the reason on `/ready`; one that does not move for `exit_after` stops the service with an
//! error (exit status non-zero), so that an orchestrator restarts it. While the broker is down
//! or the processor is still loading, nothing counts as a stall: a restart would not help.

use std::time::{Duration, Instant};

/// What the loop should do about progress.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Progress {
    /// Records move, or there is nothing to move.
    Moving,
    /// A backlog has not moved for a while: not ready, with this reason.
    Stalled(String),
    /// A backlog has not moved for so long that only a restart can help.
    GiveUp(String),
}

#[derive(Debug)]
pub struct ProgressWatch {
    stall: Duration,
    exit_after: Duration,
    consumed: u64,
    since: Instant,
}

impl ProgressWatch {
    /// `stall` zero turns the watch off.
    pub fn new(stall: Duration, exit_after: Duration, now: Instant) -> Self {
        ProgressWatch {
            stall,
            exit_after: exit_after.max(stall),
            consumed: 0,
            since: now,
        }
    }

    /// `consumed`: records consumed so far; `lag`: records behind on the partitions held;
    /// `able`: the broker answers and the processor is loaded.
    pub fn check(&mut self, consumed: u64, lag: i64, able: bool, now: Instant) -> Progress {
        if self.stall.is_zero() || consumed != self.consumed || lag <= 0 || !able {
            self.consumed = consumed;
            self.since = now;
            return Progress::Moving;
        }
        let still = now.saturating_duration_since(self.since);
        if still >= self.exit_after {
            Progress::GiveUp(format!(
                "{lag} records behind and none consumed for {}s",
                still.as_secs()
            ))
        } else if still >= self.stall {
            Progress::Stalled(format!(
                "{lag} records behind and none consumed for {}s",
                still.as_secs()
            ))
        } else {
            Progress::Moving
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn watch(t0: Instant) -> ProgressWatch {
        ProgressWatch::new(Duration::from_secs(30), Duration::from_secs(120), t0)
    }

    #[test]
    fn a_backlog_that_does_not_move_makes_the_service_not_ready_then_stops_it() {
        let t0 = Instant::now();
        let mut w = watch(t0);
        assert_eq!(w.check(5, 16, true, t0), Progress::Moving);
        let at = |s| t0 + Duration::from_secs(s);
        assert_eq!(w.check(5, 16, true, at(29)), Progress::Moving);
        assert!(
            matches!(w.check(5, 16, true, at(31)), Progress::Stalled(r) if r.contains("16 records behind"))
        );
        assert!(matches!(w.check(5, 16, true, at(121)), Progress::GiveUp(_)));
    }

    #[test]
    fn consuming_resets_the_watch() {
        let t0 = Instant::now();
        let mut w = watch(t0);
        w.check(5, 16, true, t0);
        let at = |s| t0 + Duration::from_secs(s);
        assert!(matches!(w.check(5, 16, true, at(40)), Progress::Stalled(_)));
        assert_eq!(w.check(6, 15, true, at(41)), Progress::Moving);
        assert_eq!(w.check(6, 15, true, at(60)), Progress::Moving);
    }

    #[test]
    fn no_backlog_is_never_a_stall() {
        let t0 = Instant::now();
        let mut w = watch(t0);
        assert_eq!(
            w.check(0, 0, true, t0 + Duration::from_secs(500)),
            Progress::Moving
        );
    }

    #[test]
    fn a_broker_outage_or_a_loading_processor_is_not_a_stall() {
        let t0 = Instant::now();
        let mut w = watch(t0);
        let at = |s| t0 + Duration::from_secs(s);
        assert_eq!(w.check(0, 16, false, at(300)), Progress::Moving);
        // The clock restarts when the service becomes able again.
        assert_eq!(w.check(0, 16, true, at(310)), Progress::Moving);
        assert!(matches!(
            w.check(0, 16, true, at(341)),
            Progress::Stalled(_)
        ));
    }

    #[test]
    fn a_zero_stall_turns_the_watch_off() {
        let t0 = Instant::now();
        let mut w = ProgressWatch::new(Duration::ZERO, Duration::ZERO, t0);
        assert_eq!(
            w.check(0, 16, true, t0 + Duration::from_secs(999)),
            Progress::Moving
        );
    }
}
