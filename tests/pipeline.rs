//! The three services as processes on the real broker: expected events arrive, every bad
//! record is in the DLQ with its reason and original bytes, nothing is lost, and SIGTERM
//! exits 0 within the grace period after committing.

use std::collections::BTreeSet;
use std::time::Duration;

use dragoman_e2e::{article, duplicate_revisions, json, latest_events, Broker, Env, Record};

const READY: Duration = Duration::from_secs(60);

#[test]
fn articles_become_events_bad_records_go_to_the_dlq_and_sigterm_commits() {
    let broker = Broker::shared();
    let mut env = Env::new("pipeline", &broker.brokers());
    // Small limit, so a too-large article fits in a Kafka record.
    env.set("DRAGOMAN__INGEST__MAX_BYTES", "4096");

    let [mut ingest, mut extract, mut dedup] = env.start_pipeline(READY);

    let good = [
        (
            "e2e-1",
            "example-news.ly",
            "Russia and Libya signed a cooperation agreement in Moscow on Monday.",
        ),
        (
            "e2e-2",
            "wire.example.com",
            "French President Emmanuel Macron visited Germany on Tuesday.",
        ),
        (
            "e2e-3",
            "daily.example.org",
            "The weather was sunny and warm across the region all week.",
        ),
    ];
    let too_large = article(
        "e2e-big",
        "x.example",
        "2019-03-25T09:30:00Z",
        &"word ".repeat(2000),
    );
    let bad: Vec<(&str, Vec<u8>)> = vec![
        ("invalid_json", b"{\"id\": \"broken\", \"body\": ".to_vec()),
        (
            "not_utf8",
            b"{\"id\":\"nu\",\"body\":\"caf\xe9 \xff\"}".to_vec(),
        ),
        (
            "not_an_object",
            br#"[{"id":"arr","body":"Russia and Libya signed."}]"#.to_vec(),
        ),
        (
            "missing_body",
            br#"{"id":"nobody","title":"No body here"}"#.to_vec(),
        ),
        ("empty_body", br#"{"id":"empty","body":"   "}"#.to_vec()),
        ("invalid_field", br#"{"id":"types","body":42}"#.to_vec()),
        ("too_large", too_large),
    ];
    let mut records: Vec<(Option<&str>, Vec<u8>)> = good
        .iter()
        .map(|(id, src, body)| (Some(*id), article(id, src, "2019-03-25T09:30:00Z", body)))
        .collect();
    records.extend(bad.iter().map(|(_, b)| (None, b.clone())));
    let raw = env.topic("articles.raw");
    env.produce(&raw, &records);

    // Every record is consumed by ingest, and accounted for: cleaned or dead-lettered.
    let total = records.len() as f64;
    ingest.wait_metric("dragoman_records_in_total{stage=\"ingest\"}", total, READY);
    let clean = env.read_until(&env.topic("articles.clean"), READY, |r| {
        r.len() >= good.len()
    });
    let clean_ids: BTreeSet<String> = clean
        .iter()
        .map(|r| json(r)["id"].as_str().unwrap_or_default().to_owned())
        .collect();
    let want: BTreeSet<String> = good.iter().map(|(id, ..)| id.to_string()).collect();
    assert_eq!(clean_ids, want, "every valid article is cleaned, once");

    let dlq = env.read_until(&format!("{raw}.dlq"), READY, |r| r.len() >= bad.len());
    assert_eq!(dlq.len(), bad.len(), "one DLQ record per bad record");
    for (reason, bytes) in &bad {
        let r = dlq
            .iter()
            .find(|r| r.header("dragoman.error.reason") == Some(reason))
            .unwrap_or_else(|| panic!("no DLQ record with reason {reason}"));
        assert_eq!(
            r.payload.as_deref(),
            Some(bytes.as_slice()),
            "{reason}: original bytes"
        );
        assert_eq!(r.header("dragoman.error.stage"), Some("ingest"));
        assert!(r
            .header("dragoman.error.message")
            .is_some_and(|m| !m.is_empty()));
        let sample = format!("dragoman_dlq_records_total{{reason=\"{reason}\",stage=\"ingest\"}}");
        assert_eq!(ingest.metric(&sample), 1.0, "{sample}");
    }

    // Extract consumes every cleaned article; dedup every candidate.
    extract.wait_metric(
        "dragoman_records_in_total{stage=\"extract\"}",
        good.len() as f64,
        READY,
    );
    let extracted = env.read(&env.topic("events.extracted"));
    assert_internal_records_read_as_json(&env, &extracted);
    dedup.wait_metric(
        "dragoman_records_in_total{stage=\"dedup\"}",
        extracted.len() as f64,
        READY,
    );

    // The reciprocal agreement: two events, RUS->LBY and LBY->RUS, code 057.
    let events = env.read_until(&env.topic("events"), READY, |r| {
        let latest = latest_events(r);
        let pair = |s: &str, t: &str| {
            latest
                .values()
                .any(|e| e["code"] == "057" && e["source"]["code"] == s && e["target"]["code"] == t)
        };
        pair("RUS", "LBY") && pair("LBY", "RUS")
    });
    for e in latest_events(&events).values() {
        assert_eq!(e["schema"], "dragoman.event/v1");
        let article_id = e["evidence"]["article_id"].as_str().unwrap_or_default();
        assert!(
            want.contains(article_id),
            "event from an unknown article: {e}"
        );
        assert!(
            e["code"].as_str().is_some_and(|c| c.len() >= 3),
            "CAMEO code with leading zeros: {e}"
        );
    }
    assert!(duplicate_revisions(&events).is_empty());
    assert!(
        !latest_events(&events)
            .values()
            .any(|e| e["evidence"]["article_id"] == "e2e-3"),
        "the weather report has no political event"
    );

    // SIGTERM: exit 0 within the grace period (10 s here), offsets committed.
    for svc in [&mut ingest, &mut extract, &mut dedup] {
        let (status, took) = svc.terminate(Duration::from_secs(15));
        assert!(
            status.success(),
            "{} exit {status}:\n{}",
            svc.stage,
            svc.log()
        );
        assert!(
            took < Duration::from_secs(10),
            "{} took {took:?}",
            svc.stage
        );
    }
    // A restarted ingest in the same group finds nothing left to consume: the offsets were
    // committed before the exit.
    let mut again = env.start("ingest", &[]);
    again.wait_ready(READY);
    std::thread::sleep(Duration::from_secs(2));
    assert_eq!(
        again.metric("dragoman_records_in_total{stage=\"ingest\"}"),
        0.0,
        "{}",
        again.log()
    );
    let (status, _) = again.terminate(Duration::from_secs(15));
    assert!(status.success());
}

/// Candidates travel as MessagePack (the default `topics.internal_encoding`), and
/// `dragoman consume` prints each of them as the JSON of the same candidate.
fn assert_internal_records_read_as_json(env: &Env, extracted: &[Record]) {
    assert!(!extracted.is_empty());
    for r in extracted {
        let value = r.payload.as_deref().unwrap_or_default();
        assert!(dragoman_model::wire::is_msgpack(value), "{value:?}");
    }
    let shown: Vec<serde_json::Value> = env
        .dragoman(&["consume", "--topic", &env.topic("events.extracted")])
        .lines()
        .map(|l| serde_json::from_str(l).expect("consume prints JSON"))
        .collect();
    let decoded: Vec<serde_json::Value> = extracted.iter().map(json).collect();
    assert_eq!(shown.len(), decoded.len());
    for e in &shown {
        assert!(decoded.contains(e), "{e}");
        assert!(e["evidence"]["article_id"].is_string(), "{e}");
    }
}
