//! From two readings of each service to the lines on the screen: rates over the last
//! interval, lag, dead letters by reason, p99 times from the histograms' buckets, readiness.

use std::collections::BTreeMap;

use super::prom::Sample;
use super::scrape::{Scrape, Target};

/// A service's state as `/ready` and the scrape tell it.
#[derive(Debug, Clone, PartialEq)]
pub enum State {
    Ready,
    NotReady(String),
    /// `/metrics` could not be read: the error.
    Down(String),
}

/// One service's line.
#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    pub addr: String,
    pub stage: String,
    pub state: State,
    /// Records per second consumed and produced over the last interval.
    pub in_rate: Option<f64>,
    pub out_rate: Option<f64>,
    /// Consumer lag summed over the partitions the service holds.
    pub lag: Option<f64>,
    pub dlq_rate: Option<f64>,
    /// Dead letters since the service started, by reason (those with any).
    pub dlq: BTreeMap<String, f64>,
    /// p99 of the time to process one record: over the last interval when records were
    /// processed in it, else since the start.
    pub p99_record: Option<f64>,
    /// p99 of the time from an article's first sight to its event (dedup only).
    pub p99_latency: Option<f64>,
}

impl Row {
    /// Builds a service's row from its current reading and the one before it.
    pub fn new(target: &Target, cur: &Scrape, prev: Option<&Scrape>) -> Row {
        let stage = target.stage.clone().unwrap_or_else(|| "?".to_owned());
        let samples = match &cur.metrics {
            Ok(s) => s,
            Err(e) => {
                return Row {
                    addr: target.addr.clone(),
                    stage,
                    state: State::Down(e.clone()),
                    in_rate: None,
                    out_rate: None,
                    lag: None,
                    dlq_rate: None,
                    dlq: BTreeMap::new(),
                    p99_record: None,
                    p99_latency: None,
                }
            }
        };
        let prev_samples = prev.and_then(|p| p.metrics.as_ref().ok());
        let secs = prev.map(|p| cur.at.saturating_duration_since(p.at).as_secs_f64());
        let rate = |name: &str| -> Option<f64> {
            let (prev, secs) = (prev_samples?, secs.filter(|s| *s > 0.0)?);
            let delta = sum(samples, name)? - sum(prev, name)?;
            // A counter that went down is a restarted service: no rate for this interval.
            (delta >= 0.0).then_some(delta / secs)
        };
        let stage = samples
            .iter()
            .find(|s| s.name == "dragoman_build_info")
            .and_then(|s| s.label("stage"))
            .map_or(stage, str::to_owned);
        let mut dlq = BTreeMap::new();
        for s in samples
            .iter()
            .filter(|s| s.name == "dragoman_dlq_records_total" && s.value > 0.0)
        {
            *dlq.entry(s.label("reason").unwrap_or("?").to_owned())
                .or_insert(0.0) += s.value;
        }
        let state = match &cur.ready {
            Some((200, _)) => State::Ready,
            Some((_, why)) => State::NotReady(why.clone()),
            None => State::NotReady("/ready did not answer".to_owned()),
        };
        Row {
            addr: target.addr.clone(),
            stage,
            state,
            in_rate: rate("dragoman_records_in_total"),
            out_rate: rate("dragoman_records_out_total"),
            lag: sum(samples, "dragoman_consumer_lag"),
            dlq_rate: rate("dragoman_dlq_records_total"),
            dlq,
            p99_record: p99(samples, prev_samples, "dragoman_processing_seconds"),
            p99_latency: p99(samples, prev_samples, "dragoman_event_latency_seconds"),
        }
    }
}

/// The sum of every sample of a metric, `None` if it has none.
fn sum(samples: &[Sample], name: &str) -> Option<f64> {
    let mut found = false;
    let total = samples
        .iter()
        .filter(|s| s.name == name)
        .inspect(|_| found = true)
        .map(|s| s.value)
        .sum();
    found.then_some(total)
}

/// A histogram's cumulative buckets, `(le, count)` by bound, summed over its label sets.
fn buckets(samples: &[Sample], name: &str) -> Vec<(f64, f64)> {
    let bucket = format!("{name}_bucket");
    let mut by_le: Vec<(f64, f64)> = Vec::new();
    for s in samples.iter().filter(|s| s.name == bucket) {
        let Some(le) = s.label("le").and_then(|le| match le {
            "+Inf" => Some(f64::INFINITY),
            v => v.parse().ok(),
        }) else {
            continue;
        };
        match by_le.iter_mut().find(|(b, _)| *b == le) {
            Some((_, n)) => *n += s.value,
            None => by_le.push((le, s.value)),
        }
    }
    by_le.sort_by(|a, b| a.0.total_cmp(&b.0));
    by_le
}

/// p99 over the last interval when it saw observations, else since the start.
fn p99(samples: &[Sample], prev: Option<&Vec<Sample>>, name: &str) -> Option<f64> {
    let now = buckets(samples, name);
    if let Some(prev) = prev {
        let before = buckets(prev, name);
        let delta: Vec<(f64, f64)> = now
            .iter()
            .map(|&(le, n)| {
                let was = before.iter().find(|(b, _)| *b == le).map_or(0.0, |b| b.1);
                (le, n - was)
            })
            .collect();
        if delta.last().is_some_and(|(_, n)| *n > 0.0) && delta.iter().all(|(_, n)| *n >= 0.0) {
            return quantile(0.99, &delta);
        }
    }
    quantile(0.99, &now)
}

/// The `q` quantile of cumulative buckets, interpolated within its bucket as Prometheus'
/// `histogram_quantile` does; in the `+Inf` bucket, the highest finite bound.
pub fn quantile(q: f64, buckets: &[(f64, f64)]) -> Option<f64> {
    let total = buckets.last()?.1;
    if total <= 0.0 {
        return None;
    }
    let rank = q * total;
    let mut lower = (0.0, 0.0);
    for &(le, n) in buckets {
        if n >= rank {
            if le.is_infinite() {
                return Some(lower.0);
            }
            let in_bucket = n - lower.1;
            let share = if in_bucket > 0.0 {
                (rank - lower.1) / in_bucket
            } else {
                1.0
            };
            return Some(lower.0 + (le - lower.0) * share);
        }
        lower = (le, n);
    }
    Some(lower.0)
}

/// The order stages flow in; others after, by name.
fn stage_rank(stage: &str) -> usize {
    ["ingest", "extract", "dedup", "passthrough"]
        .iter()
        .position(|s| *s == stage)
        .unwrap_or(4)
}

pub fn sort(rows: &mut [Row]) {
    rows.sort_by(|a, b| {
        (stage_rank(&a.stage), &a.stage, &a.addr).cmp(&(stage_rank(&b.stage), &b.stage, &b.addr))
    });
}

/// The screen: a title, a line per service, then end-to-end latency, dead letters by reason,
/// and why services are not ready or down. `title` carries the refresh and the clock.
pub fn render(title: &str, rows: &[Row]) -> Vec<String> {
    let mut lines = vec![title.to_owned(), String::new()];
    lines.push(format!(
        "{:<9} {:<21} {:<9} {:>9} {:>9} {:>9} {:>7} {:>7} {:>11}",
        "STAGE", "ADMIN", "STATE", "IN/S", "OUT/S", "LAG", "DLQ/S", "DLQ", "P99 RECORD"
    ));
    for r in rows {
        let state = match r.state {
            State::Ready => "ready",
            State::NotReady(_) => "not ready",
            State::Down(_) => "down",
        };
        // Folded from +0: an empty f64 sum is -0, shown as "-0".
        let dlq_total = r.dlq.values().fold(0.0, |a, b| a + b);
        let dlq = if matches!(r.state, State::Down(_)) {
            "-".to_owned()
        } else {
            count(Some(dlq_total))
        };
        lines.push(format!(
            "{:<9} {:<21} {:<9} {:>9} {:>9} {:>9} {:>7} {:>7} {:>11}",
            r.stage,
            r.addr,
            state,
            rate(r.in_rate),
            rate(r.out_rate),
            count(r.lag),
            rate(r.dlq_rate),
            dlq,
            seconds(r.p99_record),
        ));
    }
    lines.push(String::new());
    for r in rows.iter().filter(|r| r.p99_latency.is_some()) {
        lines.push(format!(
            "end-to-end p99 ({} {}): {} from an article's first sight to its event",
            r.stage,
            r.addr,
            seconds(r.p99_latency)
        ));
    }
    let dead: Vec<&Row> = rows.iter().filter(|r| !r.dlq.is_empty()).collect();
    if dead.is_empty() {
        lines.push("dead letters: none".to_owned());
    } else {
        lines.push("dead letters by reason:".to_owned());
        for r in dead {
            let reasons: Vec<String> = r
                .dlq
                .iter()
                .map(|(reason, n)| format!("{reason} {}", count(Some(*n))))
                .collect();
            lines.push(format!("  {:<9} {}", r.stage, reasons.join(", ")));
        }
    }
    for r in rows {
        match &r.state {
            State::NotReady(why) => lines.push(format!("{} {}: not ready: {why}", r.stage, r.addr)),
            State::Down(why) => lines.push(format!("{} {}: down: {why}", r.stage, r.addr)),
            State::Ready => {}
        }
    }
    lines
}

fn rate(r: Option<f64>) -> String {
    match r {
        None => "-".to_owned(),
        Some(r) if r < 10.0 => format!("{r:.1}"),
        Some(r) => format!("{r:.0}"),
    }
}

fn count(n: Option<f64>) -> String {
    n.map_or("-".to_owned(), |n| format!("{n:.0}"))
}

/// Seconds as "850 µs", "1.2 ms", "130 ms", "2.3 s".
pub fn seconds(s: Option<f64>) -> String {
    match s {
        None => "-".to_owned(),
        Some(s) if s < 1e-3 => format!("{:.0} µs", s * 1e6),
        Some(s) if s < 1e-2 => format!("{:.1} ms", s * 1e3),
        Some(s) if s < 1.0 => format!("{:.0} ms", s * 1e3),
        Some(s) => format!("{s:.1} s"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::top::prom::parse;
    use std::time::{Duration, Instant};

    fn reading(at: Instant, text: &str, ready: (u16, &str)) -> Scrape {
        Scrape {
            at,
            metrics: Ok(parse(text)),
            ready: Some((ready.0, ready.1.to_owned())),
        }
    }

    fn metrics(records_in: u64, records_out: u64, fast: u64, slow: u64) -> String {
        format!(
            "dragoman_build_info{{stage=\"ingest\",version=\"0.1.0\"}} 1\n\
             dragoman_records_in_total{{stage=\"ingest\"}} {records_in}\n\
             dragoman_records_out_total{{stage=\"ingest\"}} {records_out}\n\
             dragoman_dlq_records_total{{reason=\"invalid_json\",stage=\"ingest\"}} 3\n\
             dragoman_dlq_records_total{{reason=\"too_large\",stage=\"ingest\"}} 0\n\
             dragoman_consumer_lag{{partition=\"0\",stage=\"ingest\",topic=\"t\"}} 5\n\
             dragoman_consumer_lag{{partition=\"1\",stage=\"ingest\",topic=\"t\"}} 7\n\
             dragoman_processing_seconds_bucket{{stage=\"ingest\",le=\"0.001\"}} {fast}\n\
             dragoman_processing_seconds_bucket{{stage=\"ingest\",le=\"0.01\"}} {}\n\
             dragoman_processing_seconds_bucket{{stage=\"ingest\",le=\"+Inf\"}} {}\n",
            fast + slow,
            fast + slow
        )
    }

    #[test]
    fn rates_lag_dead_letters_and_p99_over_the_last_interval() {
        let t0 = Instant::now();
        let target = Target {
            addr: "127.0.0.1:9464".into(),
            stage: None,
        };
        let before = reading(t0, &metrics(100, 90, 100, 0), (200, ""));
        let now = reading(
            t0 + Duration::from_secs(2),
            &metrics(300, 290, 100, 200),
            (200, ""),
        );
        let r = Row::new(&target, &now, Some(&before));
        assert_eq!(r.stage, "ingest");
        assert_eq!(r.state, State::Ready);
        assert_eq!(r.in_rate, Some(100.0));
        assert_eq!(r.out_rate, Some(100.0));
        assert_eq!(r.lag, Some(12.0));
        assert_eq!(r.dlq_rate, Some(0.0));
        assert_eq!(r.dlq.len(), 1);
        // In the last interval every record took 1-10 ms: p99 is in that bucket.
        let p = r.p99_record.unwrap();
        assert!((0.009..=0.01).contains(&p), "{p}");
        // The first reading has no rates yet.
        let first = Row::new(&target, &before, None);
        assert_eq!(first.in_rate, None);
        assert_eq!(first.p99_record, Some(0.00099));
    }

    #[test]
    fn quantile_interpolates_like_prometheus() {
        let b = [(0.1, 50.0), (0.2, 100.0), (f64::INFINITY, 100.0)];
        assert!((quantile(0.5, &b).unwrap() - 0.1).abs() < 1e-9);
        assert!((quantile(0.75, &b).unwrap() - 0.15).abs() < 1e-9);
        assert_eq!(quantile(0.99, &[(0.1, 0.0), (f64::INFINITY, 0.0)]), None);
        assert_eq!(
            quantile(0.99, &[(0.1, 1.0), (f64::INFINITY, 10.0)]),
            Some(0.1)
        );
    }

    #[test]
    fn the_screen_shows_every_service_and_why_one_is_not_ready() {
        let t0 = Instant::now();
        let ok = Row::new(
            &Target {
                addr: "127.0.0.1:9464".into(),
                stage: Some("ingest".into()),
            },
            &reading(t0, &metrics(1, 1, 1, 0), (200, "")),
            None,
        );
        let waiting = Row::new(
            &Target {
                addr: "127.0.0.1:9466".into(),
                stage: Some("dedup".into()),
            },
            &reading(
                t0,
                "dragoman_ready{stage=\"dedup\"} 0\n",
                (503, "group: joining"),
            ),
            None,
        );
        let down = Row::new(
            &Target {
                addr: "127.0.0.1:9465".into(),
                stage: Some("extract".into()),
            },
            &Scrape {
                at: t0,
                metrics: Err("connection refused".into()),
                ready: None,
            },
            None,
        );
        let mut rows = vec![waiting, down, ok];
        sort(&mut rows);
        let screen = render("dragoman top", &rows).join("\n");
        let order: Vec<usize> = ["ingest ", "extract ", "dedup "]
            .iter()
            .map(|s| screen.find(s).unwrap())
            .collect();
        assert!(order.windows(2).all(|w| w[0] < w[1]), "{screen}");
        assert!(
            screen.contains("dedup 127.0.0.1:9466: not ready: group: joining"),
            "{screen}"
        );
        assert!(
            screen.contains("extract 127.0.0.1:9465: down: connection refused"),
            "{screen}"
        );
        assert!(screen.contains("ingest    invalid_json 3"), "{screen}");
        assert!(!screen.contains("-0"), "{screen}");
    }

    #[test]
    fn durations_read_well() {
        assert_eq!(seconds(Some(0.00085)), "850 µs");
        assert_eq!(seconds(Some(0.0012)), "1.2 ms");
        assert_eq!(seconds(Some(0.13)), "130 ms");
        assert_eq!(seconds(Some(2.34)), "2.3 s");
        assert_eq!(seconds(None), "-");
    }
}
