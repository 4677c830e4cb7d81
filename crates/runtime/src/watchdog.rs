//! The stall watchdog: a member that holds no partition rejoins the group when the partitions
//! with a backlog are held by a member that commits nothing.
//!
//! It exists for brokers that stall the group's fetches this way: the test broker (tansu),
//! whose coordinator can leave a dead member owning every partition for good. A Kafka
//! coordinator evicts such a member after its session timeout, so the watchdog is off unless
//! `kafka.stall_watchdog = true` (the end-to-end tests turn it on, in `tests/support`).

use std::time::{Duration, Instant};

use crate::config::Config;
use crate::service::Consume;

/// Detects partitions orphaned by a dead group member.
///
/// A member killed with SIGKILL stays in the group until the coordinator notices its missing
/// heartbeats, then a rebalance hands its partitions over. tansu 0.6 checks missed heartbeats
/// only lazily and can leave a surviving member "stable" with an empty assignment while the
/// dead one keeps every partition, indefinitely. A member with nothing assigned therefore
/// checks, now and then, whether the group's committed offsets lag behind the log without
/// moving; two such checks in a row mean nobody is consuming, and it rejoins the group, which
/// makes the coordinator rebalance. On a healthy group (an idle spare member) the committed
/// offsets either have no lag or move, so this never fires.
pub struct OrphanWatch {
    every: Duration,
    last: Instant,
    previous: Option<Vec<(i32, i64)>>,
    strikes: u32,
    /// Records the group has not consumed while this member holds no partition and the
    /// group's committed offsets do not move: the member is not ready meanwhile.
    pub waiting: Option<i64>,
}

impl OrphanWatch {
    pub fn new(cfg: &Config, now: Instant) -> Self {
        OrphanWatch {
            every: Duration::from_millis(cfg.kafka.session_timeout_ms.max(5000)),
            last: now,
            previous: None,
            strikes: 0,
            waiting: None,
        }
    }

    pub fn due(&mut self, now: Instant) -> bool {
        if now.saturating_duration_since(self.last) < self.every {
            return false;
        }
        self.last = now;
        true
    }

    pub(crate) fn stalled<C: Consume>(&mut self, consumer: &C, input: &str) -> bool {
        let owned = consumer.assignment(input).map(|a| a.len()).unwrap_or(0);
        if owned > 0 {
            self.previous = None;
            self.strikes = 0;
            self.waiting = None;
            return false;
        }
        let timeout = Duration::from_secs(5);
        let Ok(partitions) = consumer.partitions(input, timeout) else {
            return false;
        };
        let Ok(committed) = consumer.committed(input, &partitions, timeout) else {
            return false;
        };
        let mut now = Vec::new();
        let mut lag = 0i64;
        for (partition, offset) in committed {
            let Ok((low, high)) = consumer.watermarks(input, partition, timeout) else {
                return false;
            };
            let at = offset.unwrap_or(low);
            lag += (high - at).max(0);
            now.push((partition, at));
        }
        now.sort_unstable();
        let stuck = lag > 0 && self.previous.as_ref() == Some(&now);
        self.previous = Some(now);
        self.waiting = stuck.then_some(lag);
        self.strikes = if stuck { self.strikes + 1 } else { 0 };
        if self.strikes >= 2 {
            self.strikes = 0;
            self.previous = None;
            return true;
        }
        false
    }
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use crate::config::{Config, Stage};

    const STAGE: Stage = Stage::Service {
        name: "extract",
        admin: "127.0.0.1:0",
    };

    fn load(env: &[(&str, &str)]) -> Config {
        let env: HashMap<String, String> = (env.iter())
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        Config::load_with_env(STAGE, None, Some(env)).unwrap()
    }

    #[test]
    fn the_stall_watchdog_is_off_unless_configured() {
        assert!(!load(&[]).kafka.stall_watchdog);
        let on = load(&[("DRAGOMAN__KAFKA__STALL_WATCHDOG", "true")]);
        assert!(on.kafka.stall_watchdog);
    }
}
