//! Dedup killed and restarted between the third and fourth report of one event: its state
//! comes back from the changelog, so the fourth report continues the revisions and the counts.

use std::time::Duration;

use dragoman_e2e::{article, json, Broker, Env, Record};

const WAIT: Duration = Duration::from_secs(90);
const PUBLISHED: &str = "2019-03-25T09:30:00Z";

fn rus_lby(records: &[Record]) -> Vec<serde_json::Value> {
    records
        .iter()
        .map(json)
        .filter(|e| {
            e["code"] == "057" && e["source"]["code"] == "RUS" && e["target"]["code"] == "LBY"
        })
        .collect()
}

fn max_revision(records: &[Record]) -> u64 {
    rus_lby(records)
        .iter()
        .filter_map(|e| e["revision"].as_u64())
        .max()
        .unwrap_or(0)
}

// The reports mention no other date: an event dated later would move dedup's event-time
// window and could evict this one, which is windowing, not the restart under test.
#[test]
fn dedup_state_survives_a_kill_between_reports_3_and_4() {
    let broker = Broker::shared();
    let env = Env::new("dedup-restart", &broker.brokers());
    let [mut ingest, mut extract, mut dedup] = env.start_pipeline(WAIT);

    let story_a = "Russia and Libya signed a cooperation agreement in Moscow on Monday. \
        The agreement covers medical supplies, the training of Libyan doctors and new \
        equipment for hospitals in Tripoli and Benghazi, the ministry said in a statement.";
    let story_c = "Russia and Libya signed a cooperation agreement in Moscow on Monday. \
        Officials from both governments met for three hours and discussed oil exports, grain \
        deliveries and the reconstruction of the port of Misrata.";
    let reports = [
        ("r1", "first.example", story_a.to_owned()),
        // A syndicated copy of the first report: the same text under another outlet.
        ("r2", "second.example", story_a.to_owned()),
        ("r3", "third.example", story_c.to_owned()),
        // A syndicated copy of the third.
        ("r4", "fourth.example", story_c.to_owned()),
    ];
    let raw = env.topic("articles.raw");
    let events_topic = env.topic("events");
    for (i, (id, source, body)) in reports.iter().take(3).enumerate() {
        env.produce(&raw, &[(Some(*id), article(id, source, PUBLISHED, body))]);
        env.read_until(&events_topic, WAIT, |r| max_revision(r) > i as u64);
    }
    // Let the offsets of report 3 commit, then kill without any chance to flush.
    std::thread::sleep(Duration::from_secs(1));
    dedup.kill9();
    let mut dedup = env.start("dedup", &[]);
    dedup.wait_ready(WAIT);
    assert!(
        dedup.metric("dragoman_dedup_live_keys") >= 1.0,
        "state restored from the changelog:\n{}",
        dedup.log()
    );

    let (id, source, body) = &reports[3];
    env.produce(&raw, &[(Some(*id), article(id, source, PUBLISHED, body))]);
    let events = env.read_until(&events_topic, WAIT, |r| max_revision(r) >= 4);
    let all = rus_lby(&events);
    let last = all.iter().max_by_key(|e| e["revision"].as_u64()).unwrap();
    assert_eq!(last["revision"], 4, "{last}");
    assert_eq!(last["mentions"]["num_articles"], 4, "{last}");
    assert_eq!(last["mentions"]["num_sources"], 4, "{last}");
    assert_eq!(last["mentions"]["num_independent"], 2, "{last}");
    let ids: std::collections::BTreeSet<_> =
        all.iter().map(|e| e["event_id"].to_string()).collect();
    assert_eq!(ids.len(), 1, "one event, revised: {ids:?}");
    let mut revisions: Vec<u64> = all.iter().filter_map(|e| e["revision"].as_u64()).collect();
    revisions.sort();
    assert_eq!(revisions, vec![1, 2, 3, 4], "each revision once");
    for svc in [&mut ingest, &mut extract, &mut dedup] {
        let (status, _) = svc.terminate(Duration::from_secs(15));
        assert!(status.success(), "{}: {status}", svc.stage);
    }
}
