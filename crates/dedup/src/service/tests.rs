use std::collections::HashMap;

use chrono::{NaiveDate, TimeZone};
use dragoman_model::{Actor, ArticleRef, CoderInfo, DatePrecision, Evidence};
use dragoman_runtime::Loader;

use super::*;

fn config() -> Config {
    Loader::new(STAGE)
        .env(HashMap::new())
        .section::<DedupSection>()
        .load()
        .unwrap()
}

fn metrics() -> Arc<DedupMetrics> {
    Arc::new(DedupMetrics::register(&Arc::new(Metrics::new(STAGE))).unwrap())
}

fn candidate_json(article: &str) -> Vec<u8> {
    serde_json::to_vec(&candidate(article)).unwrap()
}

fn candidate(article: &str) -> CandidateEvent {
    let actor = |code: &str| Actor {
        code: code.into(),
        country: Some(code.into()),
        agents: vec![],
        name: code.into(),
        text: code.into(),
    };
    CandidateEvent {
        event_date: NaiveDate::from_ymd_opt(2019, 3, 22).unwrap(),
        date_precision: DatePrecision::Day,
        code: "057".into(),
        base_code: "057".into(),
        root_code: "05".into(),
        quad_class: 1,
        goldstein: 8.0,
        plover: None,
        source: Some(actor("RUS")),
        target: Some(actor("LBY")),
        location: None,
        evidence: Evidence {
            article_id: article.into(),
            sentence_index: 0,
            sentence: "Russia and Libya signed an agreement.".into(),
            span: [0, 36],
            rule: "sign + &AGREEMENT".into(),
        },
        confidence: 0.8,
        negated: false,
        article: ArticleRef {
            id: article.into(),
            source: Some("tass.ru".into()),
            url: None,
            published_at: Utc.with_ymd_and_hms(2019, 3, 22, 9, 0, 0).unwrap(),
            first_seen: Utc.with_ymd_and_hms(2019, 3, 22, 9, 1, 0).unwrap(),
            content_hash: "00000000000aaaa1".into(),
            simhash: "0f0f3c3ca5a59999".into(),
        },
        coder: CoderInfo {
            version: "0.1.0".into(),
            dictionaries: "test".into(),
        },
    }
}

/// A record of `events.extracted` at `partition` and `offset`.
fn extracted(partition: i32, offset: i64, payload: Option<&[u8]>) -> InputRecord<'_> {
    InputRecord {
        topic: "events.extracted",
        partition,
        offset,
        key: None,
        payload,
        timestamp_ms: None,
    }
}

/// The changelog records and the events of a verdict.
fn split(v: Verdict) -> (Vec<OutputRecord>, Vec<serde_json::Value>) {
    let Verdict::Produce(out) = v else {
        panic!("{v:?}")
    };
    let (log, events): (Vec<_>, Vec<_>) = out
        .into_iter()
        .partition(|o| &*o.topic == "events.dedup.changelog");
    let events = events
        .iter()
        .map(|o| serde_json::from_slice(o.payload.as_ref().unwrap()).unwrap())
        .collect();
    (log, events)
}

#[test]
fn a_dedup_killed_after_its_changelog_publishes_the_revision_when_it_resumes() {
    let cfg = config();
    assert_eq!(cfg.topics.dedup_changelog, "events.dedup.changelog");
    let metrics = metrics();
    let payload = candidate_json("wire-1");
    let rec = extracted(3, 41, Some(&payload));
    let mut p = DedupProcessor::new(&cfg, metrics.clone()).unwrap();
    p.assigned(&[3]);
    let (log, events) = split(p.process(&rec));
    assert_eq!(events.len(), 1);
    assert_eq!(events[0]["revision"], 1);
    let id = events[0]["event_id"].clone();
    // Killed: the changelog records are acknowledged, the event is not.
    let restart = |committed: Option<i64>| {
        let mut p = DedupProcessor::new(&cfg, metrics.clone()).unwrap();
        for r in &log {
            let key = r.key.as_deref().unwrap();
            p.restore(3, key, r.payload.as_deref()).unwrap();
        }
        p.resumed(3, committed);
        p.assigned(&[3]);
        p
    };
    // Consumption resumes at 41: the replayed record publishes the event, as revision 2.
    let (again, events) = split(restart(Some(41)).process(&rec));
    assert_eq!(events.len(), 1);
    assert_eq!(
        (&events[0]["event_id"], &events[0]["revision"]),
        (&id, &2.into())
    );
    assert_eq!(again.len(), 1, "its changelog record");
    // Offset 41 was committed (its event acknowledged): the replay publishes nothing.
    let (none, events) = split(restart(Some(42)).process(&rec));
    assert!(none.is_empty() && events.is_empty());
}

#[test]
fn a_record_that_is_not_a_candidate_is_dead_lettered_as_invalid_record() {
    let core = Arc::new(Metrics::new(STAGE));
    let metrics = Arc::new(DedupMetrics::register(&core).unwrap());
    let mut p = DedupProcessor::new(&config(), metrics).unwrap();
    // A MessagePack map that is no candidate, as extract writes candidates by default.
    let not_candidate = [0x81, 0xa3, b'n', b'o', b't', 0x01];
    for payload in [None, Some(&b"{\"not\":1}"[..]), Some(&not_candidate[..])] {
        let rec = extracted(0, 0, payload);
        match p.process(&rec) {
            Verdict::DeadLetter { reason, .. } => assert_eq!(reason, "invalid_record"),
            other => panic!("{other:?}"),
        }
    }
    assert_eq!(core.error_count(ErrorKind::Deserialize), 3);
}

#[test]
fn a_candidate_reads_in_either_internal_encoding_to_the_same_event() {
    let mut events = Vec::new();
    for encoding in [wire::Encoding::Msgpack, wire::Encoding::Json] {
        let mut p = DedupProcessor::new(&config(), metrics()).unwrap();
        let mut payload = Vec::new();
        wire::encode(&candidate("a1"), encoding, &mut payload).unwrap();
        let rec = extracted(0, 0, Some(&payload));
        let (_, mut e) = split(p.process(&rec));
        assert_eq!(e.len(), 1);
        events.push(e.remove(0));
    }
    assert_eq!(events[0], events[1]);
}

#[test]
fn dedup_counts_its_decisions_and_labels_stay_bounded() {
    let core = Arc::new(Metrics::new(STAGE));
    let m = DedupMetrics::register(&core).unwrap();
    m.decision("new");
    m.decision("weird");
    m.events.count("057", 1);
    m.events.count("21", 9);
    m.events.count("20", 4);
    m.evicted(2, 0);
    core.state_restored(std::time::Duration::from_millis(250));
    let text = core.render();
    for line in [
        "dragoman_dedup_decisions_total{decision=\"new\"} 1",
        "dragoman_dedup_decisions_total{decision=\"other\"} 1",
        "dragoman_events_total{quad_class=\"0\",root_code=\"other\",stage=\"dedup\"} 1",
        "dragoman_events_total{quad_class=\"1\",root_code=\"other\",stage=\"dedup\"} 1",
        "dragoman_events_total{quad_class=\"4\",root_code=\"20\",stage=\"dedup\"} 1",
        "dragoman_dedup_evictions_total{cause=\"window\"} 2",
        "dragoman_dedup_evictions_total{cause=\"bound\"} 0",
        "dragoman_dedup_state_restore_seconds 0.25",
        "dragoman_dlq_records_total{reason=\"date_out_of_range\",stage=\"dedup\"} 0",
    ] {
        assert!(text.contains(line), "{line}\n{text}");
    }
    assert!(!text.contains("root_code=\"057\""));
}

#[test]
fn a_bad_dedup_value_stops_the_service_naming_the_key() {
    let env = HashMap::from([("DRAGOMAN__DEDUP__MAX_KEYS".to_owned(), "0".to_owned())]);
    let err = Loader::new(STAGE)
        .env(env)
        .section::<DedupSection>()
        .load()
        .unwrap_err()
        .to_string();
    assert!(err.contains("`dedup.max_keys`"), "{err}");
}
