//! The event contract (docs/contracts.md#event-output) held against what dragoman writes:
//! every event of the sample run and of the end-to-end tests' inputs is valid against
//! `docs/event.schema.json`, and an event broken in any one way is not.
//!
//! The services' own outputs are checked too, wherever an end-to-end test reads the events
//! topic through `latest_events` or `duplicate_revisions` (tests/support).

use std::collections::BTreeSet;
use std::path::Path;
use std::process::Command;

use dragoman_e2e::{article, dragoman_bin, event_schema_errors, workspace_root};
use serde_json::{json, Value};

/// `dragoman run --format jsonl` on `input`: every event line, parsed.
fn run_events(input: &Path) -> Vec<Value> {
    let out = Command::new(dragoman_bin())
        .args(["run", "--format", "jsonl", "--input"])
        .arg(input)
        .output()
        .expect("running dragoman run");
    assert!(
        out.status.success(),
        "dragoman run failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout)
        .expect("UTF-8 output")
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("not JSON ({e}): {l}")))
        .collect()
}

/// Asserts every event is valid, naming the first few that are not.
fn assert_all_valid(events: &[Value]) {
    let bad: Vec<String> = events
        .iter()
        .filter_map(|e| {
            let errors = event_schema_errors(e);
            (!errors.is_empty()).then(|| format!("{}\n  {}", e, errors.join("\n  ")))
        })
        .take(5)
        .collect();
    assert!(
        bad.is_empty(),
        "events that break the schema:\n{}",
        bad.join("\n")
    );
}

/// The variety a run must show for its validation to mean something: every quad class, events
/// with and without a place, a target, a PLOVER type, agents.
fn assert_varied(events: &[Value]) {
    let quads: BTreeSet<u64> = events
        .iter()
        .filter_map(|e| e["quad_class"].as_u64())
        .collect();
    assert_eq!(quads, BTreeSet::from([1, 2, 3, 4]), "quad classes");
    for (field, what) in [
        ("location", "a place"),
        ("target", "a target"),
        ("plover", "a PLOVER type"),
    ] {
        assert!(
            events.iter().any(|e| e[field].is_null()),
            "no event without {what}"
        );
        assert!(
            events.iter().any(|e| !e[field].is_null()),
            "no event with {what}"
        );
    }
    assert!(
        events.iter().any(|e| e["source"]["agents"]
            .as_array()
            .is_some_and(|a| !a.is_empty())),
        "no actor with agents"
    );
}

#[test]
fn every_event_of_the_sample_run_matches_the_schema() {
    let events = run_events(&workspace_root().join("examples/articles.jsonl"));
    assert!(
        events.len() >= 100,
        "only {} events from the sample",
        events.len()
    );
    assert_all_valid(&events);
    assert_varied(&events);
}

/// The inputs the end-to-end tests send the services: their hand-written articles and the
/// generated stream (`dragoman loadgen`: HTML pages, syndicated copies, bad records) that the
/// crash and chaos tests use, through the same stages in one process.
#[test]
fn every_event_of_the_end_to_end_inputs_matches_the_schema() {
    let dir = tempfile::tempdir().expect("tempdir");
    let corpus = dir.path().join("corpus.jsonl");
    let status = Command::new(dragoman_bin())
        .args(["loadgen", "--count", "3000", "--seed", "12", "--output"])
        .arg(&corpus)
        .status()
        .expect("running dragoman loadgen");
    assert!(status.success(), "dragoman loadgen failed");
    // Bytes, not text: the generated bad records include one that is not UTF-8.
    let mut corpus_bytes = std::fs::read(&corpus).expect("corpus");
    if !corpus_bytes.ends_with(b"\n") {
        corpus_bytes.push(b'\n');
    }
    for (id, body) in [
        (
            "e2e-1",
            "Russia and Libya signed a cooperation agreement in Moscow on Monday.",
        ),
        (
            "e2e-2",
            "French President Emmanuel Macron visited Germany on Tuesday.",
        ),
        (
            "e2e-3",
            "The weather was sunny and warm across the region all week.",
        ),
    ] {
        corpus_bytes.extend(article(id, "example-news.ly", "2019-03-25T09:30:00Z", body));
        corpus_bytes.push(b'\n');
    }
    std::fs::write(&corpus, corpus_bytes).expect("writing the corpus");

    let events = run_events(&corpus);
    assert!(
        events.len() >= 1000,
        "only {} events from 3,000 articles",
        events.len()
    );
    assert_all_valid(&events);
    assert_varied(&events);
    assert!(
        events.iter().any(|e| e["revision"].as_u64() > Some(1)),
        "no revision above 1: the copies should update events"
    );
}

/// One way of breaking an event.
type Mutation = fn(&mut Value);

/// A valid event, then the same event broken one way at a time: each must be refused, so the
/// tests above cannot pass by a schema that accepts anything.
#[test]
fn an_event_missing_a_field_or_with_a_wrong_type_is_refused() {
    let valid = json!({
        "schema": "dragoman.event/v1",
        "event_id": "9f2c4b1e7a0d3c55",
        "revision": 1,
        "event_date": "2019-03-22",
        "date_precision": "day",
        "code": "057",
        "base_code": "057",
        "root_code": "05",
        "quad_class": 1,
        "goldstein": 8.0,
        "plover": "AGREE",
        "source": {"code": "RUS", "country": "RUS", "agents": [], "name": "Russia", "text": "Russia"},
        "target": {"code": "LBYGOV", "country": "LBY", "agents": ["GOV"], "name": "Libya", "text": "Libya"},
        "location": {"name": "Moscow", "country": "RUS", "lat": 55.7558, "lon": 37.6173, "precision": "city"},
        "evidence": {"article_id": "lo-20190325-0042", "sentence_index": 1,
                     "sentence": "Cooperation agreements between Libya and Russia have been signed.",
                     "span": [0, 63], "rule": "sign + &AGREEMENT"},
        "confidence": 0.86,
        "negated": false,
        "mentions": {"num_mentions": 2, "num_articles": 1, "num_sources": 1, "num_independent": 1,
                     "article_ids": ["lo-20190325-0042"], "sources": ["example-news.ly"],
                     "first_seen": "2019-03-25T09:31:02Z", "last_seen": "2019-03-25T09:31:02Z"},
        "coder": {"version": "0.1.0", "dictionaries": "bundled"}
    });
    assert_eq!(event_schema_errors(&valid), Vec::<String>::new());
    let mut nulls = valid.clone();
    for field in ["source", "target", "location", "plover"] {
        nulls[field] = Value::Null;
    }
    assert_eq!(
        event_schema_errors(&nulls),
        Vec::<String>::new(),
        "nullable fields"
    );

    // Every top-level field is required.
    for field in valid.as_object().unwrap().keys() {
        let mut e = valid.clone();
        e.as_object_mut().unwrap().remove(field);
        assert!(
            !event_schema_errors(&e).is_empty(),
            "accepted without {field}"
        );
    }
    // Wrong types, values out of their set, fields the contract does not have.
    let broken: [(&str, Mutation); 20] = [
        ("code as a number", |e| e["code"] = json!(57)),
        ("code without its leading zero", |e| e["code"] = json!("57")),
        ("revision as a string", |e| e["revision"] = json!("1")),
        ("revision 0", |e| e["revision"] = json!(0)),
        ("quad class 5", |e| e["quad_class"] = json!(5)),
        ("goldstein as text", |e| e["goldstein"] = json!("8.0")),
        ("goldstein beyond 10", |e| e["goldstein"] = json!(11.0)),
        ("negated as text", |e| e["negated"] = json!("false")),
        ("an unknown PLOVER type", |e| e["plover"] = json!("HUG")),
        ("an unknown date precision", |e| {
            e["date_precision"] = json!("hour")
        }),
        ("an impossible date", |e| {
            e["event_date"] = json!("2019-13-45")
        }),
        ("another schema", |e| {
            e["schema"] = json!("dragoman.event/v2")
        }),
        ("an event id that is no hash", |e| {
            e["event_id"] = json!("abc")
        }),
        ("an extra field", |e| e["tone"] = json!(-2.5)),
        ("an actor without agents", |e| {
            e["source"].as_object_mut().unwrap().remove("agents");
        }),
        ("a location without coordinates", |e| {
            e["location"].as_object_mut().unwrap().remove("lat");
        }),
        ("a span of three numbers", |e| {
            e["evidence"]["span"] = json!([0, 1, 2])
        }),
        ("a negative sentence index", |e| {
            e["evidence"]["sentence_index"] = json!(-1)
        }),
        ("a time that is not RFC 3339", |e| {
            e["mentions"]["first_seen"] = json!("25/03/2019 09:31")
        }),
        ("mentions as a number", |e| e["mentions"] = json!(2)),
    ];
    for (what, mutate) in broken {
        let mut e = valid.clone();
        mutate(&mut e);
        assert!(!event_schema_errors(&e).is_empty(), "accepted {what}: {e}");
    }
}
