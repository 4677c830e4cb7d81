//! Issue finding 4, "the same (event_id, revision) is published twice", end to end through
//! `dragoman run`: a loadgen stream (with its bad records) plus late repeats of earlier
//! articles, articles that state publication dates in years 1, 1970, 2099 and 9999 or none at
//! all, and a plan dated in 2099. Before the fix, a report dated a week past its article ("will
//! visit next week") moved dedup's window a week and every event of the days before left state;
//! their next copies and repeats were published again as revision 1 under the same ids.

use std::collections::HashMap;
use std::process::Command;

use chrono::{Datelike, NaiveDate, Utc};
use dragoman_e2e::dragoman_bin;
use dragoman_loadgen::{Generator, LoadgenOptions};

/// xorshift64: the same stream every run, without a dependency.
struct Rng(u64);

impl Rng {
    fn below(&mut self, n: usize) -> usize {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        (self.0 % n as u64) as usize
    }
}

/// The loadgen's records, then late repeats and odd articles spread over the last three
/// quarters of the stream. Returns the lines and the 1-based line number of the 2099 plan.
fn mixed_stream() -> (Vec<Vec<u8>>, usize) {
    let mut gen = Generator::new(LoadgenOptions {
        seed: 11,
        ..LoadgenOptions::default()
    });
    let mut lines: Vec<Vec<u8>> = (0..3000).map(|_| gen.next_record().payload).collect();
    let articles: Vec<serde_json::Value> = lines
        .iter()
        .filter_map(|l| serde_json::from_slice::<serde_json::Value>(l).ok())
        .filter(|v| v["body"].is_string())
        .collect();
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    let mut extra = Vec::new();
    for _ in 0..60 {
        extra.push(serde_json::to_vec(&articles[rng.below(articles.len())]).unwrap());
    }
    for (k, year) in [1, 1970, 2099, 9999].iter().cycle().take(16).enumerate() {
        let mut a = articles[rng.below(articles.len())].clone();
        a["id"] = format!("odd-{year}-{k}").into();
        a["published_at"] = format!("{year:04}-03-0{}T10:00:00Z", 1 + k % 9).into();
        extra.push(serde_json::to_vec(&a).unwrap());
    }
    for k in 0..8 {
        let mut a = articles[rng.below(articles.len())].clone();
        a["id"] = format!("undated-{k}").into();
        a.as_object_mut().unwrap().remove("published_at");
        extra.push(serde_json::to_vec(&a).unwrap());
    }
    for e in extra {
        let at = lines.len() / 4 + rng.below(lines.len() * 3 / 4);
        lines.insert(at, e);
    }
    let plan = dragoman_e2e::article(
        "plan-2099",
        "far.example",
        "2024-03-05T10:00:00Z",
        "Russia will host talks with Libya in March 2099.",
    );
    let at = lines.len() / 2;
    lines.insert(at, plan);
    (lines, at + 1)
}

#[test]
fn a_mixed_stream_through_dragoman_run_publishes_each_revision_once_and_in_order() {
    let dir = tempfile::tempdir().unwrap();
    let (input, output) = (
        dir.path().join("mixed.jsonl"),
        dir.path().join("events.jsonl"),
    );
    let (lines, plan_line) = mixed_stream();
    std::fs::write(&input, lines.join(&b"\n"[..])).unwrap();
    let out = Command::new(dragoman_bin())
        .args(["run", "--input"])
        .arg(&input)
        .arg("--output")
        .arg(&output)
        .output()
        .expect("running dragoman run");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");

    // Revisions of each event_id only go up, in output order: no pair twice, none back.
    let latest = Utc::now().date_naive() + chrono::Duration::days(366);
    let earliest = NaiveDate::from_ymd_opt(1800, 1, 1).unwrap();
    let mut last: HashMap<String, u64> = HashMap::new();
    let (mut events, mut wrong, mut odd) = (0, Vec::new(), Vec::new());
    for line in std::fs::read_to_string(&output).unwrap().lines() {
        let e: serde_json::Value = serde_json::from_str(line).unwrap();
        events += 1;
        let id = e["event_id"].as_str().unwrap().to_owned();
        let revision = e["revision"].as_u64().unwrap();
        if let Some(before) = last.insert(id.clone(), revision) {
            if revision <= before {
                wrong.push(format!("{id}: revision {revision} after {before}"));
            }
        }
        let date: NaiveDate = e["event_date"].as_str().unwrap().parse().unwrap();
        if !(earliest..=latest).contains(&date) {
            odd.push(format!("{id} dated {date} (year {})", date.year()));
        }
    }
    assert!(events > 5000 && last.len() > 4000, "{events} events");
    assert!(
        wrong.is_empty(),
        "{} revisions published twice or going back, e.g. {:?}",
        wrong.len(),
        &wrong[..wrong.len().min(5)]
    );

    assert!(
        odd.is_empty(),
        "events outside 1800 to a year ahead: {odd:?}"
    );

    // The plan dated in 2099 is a dead letter, reported with its line.
    let input = input.display().to_string();
    let refused = format!("{input}:{plan_line}: candidate refused (date_out_of_range): ");
    assert!(stderr.contains(&refused), "{stderr}");
}
