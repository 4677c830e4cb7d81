//! kill -9 of the extract service while thousands of articles flow: after a restart every
//! valid article is still accounted for downstream, and no event is published twice with the
//! same (event_id, revision).

use std::collections::{BTreeMap, BTreeSet};
use std::process::Command;
use std::sync::Arc;
use std::time::Duration;

use dragoman_e2e::{dragoman_bin, duplicate_revisions, json, Broker, Env};
use dragoman_loadgen::{Generator, LoadgenOptions, RecordKind};
use dragoman_model::{wire, CandidateEvent, CleanArticle};

const COUNT: u64 = 2500;
const SEED: u64 = 42;
const WAIT: Duration = Duration::from_secs(240);

/// What identifies a candidate, independent of when it was extracted.
fn candidate_id(c: &CandidateEvent) -> String {
    format!(
        "{}|{}|{}|{}|{}",
        c.evidence.article_id,
        c.evidence.sentence_index,
        c.code,
        c.source.as_ref().map_or("-", |a| a.code.as_str()),
        c.target.as_ref().map_or("-", |a| a.code.as_str()),
    )
}

#[test]
fn kill_9_extract_mid_stream_loses_nothing_and_publishes_no_revision_twice() {
    let broker = Broker::shared();
    // The default window (72 h of event time) on a load whose dates spread over weeks: events
    // leave dedup's state and come back, as the issue's "208 duplicate pairs with a kill -9 of
    // extract" had them (an event that came back started over at revision 1 under its id).
    let env = Env::new("crash", &broker.brokers());
    let [mut ingest, mut extract, mut dedup] = env.start_pipeline(WAIT);

    let raw = env.topic("articles.raw");
    let mut loadgen = Command::new(dragoman_bin())
        .args([
            "loadgen",
            "--count",
            &COUNT.to_string(),
            "--seed",
            &SEED.to_string(),
        ])
        .args(["--topic", &raw, "--rate", "400"])
        .args([
            "--html-fraction",
            "0.3",
            "--copy-fraction",
            "0.1",
            "--bad-fraction",
            "0.02",
        ])
        .envs(&env.vars)
        .spawn()
        .expect("loadgen");

    // Mid-stream: extract has done some work, much is still to come.
    extract.wait_metric("dragoman_records_in_total{stage=\"extract\"}", 300.0, WAIT);
    extract.kill9();
    std::thread::sleep(Duration::from_millis(500));
    let mut extract = env.start("extract", &[]);
    extract.wait_ready(WAIT);
    assert!(loadgen.wait().expect("loadgen").success());

    // The stream the loadgen sent, regenerated: which records are valid articles.
    let mut gen = Generator::new(LoadgenOptions {
        seed: SEED,
        html_fraction: 0.3,
        copy_fraction: 0.1,
        bad_fraction: 0.02,
        ..LoadgenOptions::default()
    });
    let mut bad = 0usize;
    let mut valid = 0usize;
    for _ in 0..COUNT {
        match gen.next_record().kind {
            RecordKind::Bad(_) => bad += 1,
            _ => valid += 1,
        }
    }

    // Ingest (not killed): every record cleaned or dead-lettered.
    ingest.wait_metric(
        "dragoman_records_in_total{stage=\"ingest\"}",
        COUNT as f64,
        WAIT,
    );
    let clean = env.read_until(&env.topic("articles.clean"), WAIT, |r| r.len() >= valid);
    let dlq = env.read(&format!("{raw}.dlq"));
    assert_eq!(dlq.len(), bad, "bad records in the DLQ");
    let articles: BTreeMap<String, CleanArticle> = clean
        .iter()
        .map(|r| {
            let a: CleanArticle = wire::decode(r.payload.as_deref().unwrap()).unwrap();
            (a.id.clone(), a)
        })
        .collect();
    assert_eq!(clean.len(), valid, "each valid article cleaned once");
    assert_eq!(articles.len(), valid, "distinct article ids");

    // Extract (killed): every candidate of every article is in events.extracted, at least
    // once. The oracle is the same coder, run here.
    let coder = Arc::new(dragoman_coder::Coder::bundled().expect("dictionaries"));
    let mut oracle = dragoman_pipeline::Extractor::new(coder, 1000);
    let mut expected = BTreeSet::new();
    for a in articles.values() {
        for c in oracle.extract(a).candidates.iter() {
            expected.insert(candidate_id(c));
        }
    }
    assert!(
        expected.len() > 100,
        "the load yields events ({})",
        expected.len()
    );
    let extracted_topic = env.topic("events.extracted");
    let extracted = env.read_until(&extracted_topic, WAIT, |r| {
        let got: BTreeSet<String> = r
            .iter()
            .filter_map(|r| wire::decode::<CandidateEvent>(r.payload.as_deref()?).ok())
            .map(|c| candidate_id(&c))
            .collect();
        expected.is_subset(&got)
    });
    let got: BTreeSet<String> = extracted
        .iter()
        .map(|r| {
            candidate_id(&wire::decode::<CandidateEvent>(r.payload.as_deref().unwrap()).unwrap())
        })
        .collect();
    assert_eq!(got, expected, "no candidate from nowhere");
    eprintln!(
        "crash: {valid} articles, {} candidates, {} candidate records (redelivered: {})",
        expected.len(),
        extracted.len(),
        extracted.len() - expected.len()
    );

    // Dedup consumed every candidate record, and redelivery stayed invisible downstream.
    dedup.wait_metric(
        "dragoman_records_in_total{stage=\"dedup\"}",
        extracted.len() as f64,
        WAIT,
    );
    std::thread::sleep(Duration::from_secs(1));
    let events = env.read(&env.topic("events"));
    assert!(!events.is_empty());
    let dups = duplicate_revisions(&events);
    if !dups.is_empty() {
        // Tell redelivery (the same report published twice: the runtime's business) from two
        // different reports both taken for a first report (dedup's matching).
        let mut same_report = 0;
        for (id, rev) in &dups {
            let reports: Vec<String> = events
                .iter()
                .map(json)
                .filter(|e| e["event_id"] == id.as_str() && e["revision"] == *rev)
                .map(|e| {
                    format!(
                        "{}#{}",
                        e["evidence"]["article_id"], e["evidence"]["sentence_index"]
                    )
                })
                .collect();
            let distinct: BTreeSet<&String> = reports.iter().collect();
            if distinct.len() < reports.len() {
                same_report += 1;
            }
        }
        panic!(
            "{} (event_id, revision) published twice ({same_report} from the same report), e.g. {:?}",
            dups.len(),
            &dups[..dups.len().min(5)]
        );
    }
    for e in &events {
        let e = json(e);
        let id = e["evidence"]["article_id"].as_str().unwrap_or_default();
        assert!(
            articles.contains_key(id),
            "event from an unknown article {id}"
        );
    }
    for svc in [&mut ingest, &mut extract, &mut dedup] {
        let (status, _) = svc.terminate(Duration::from_secs(15));
        assert!(status.success(), "{}: {status}", svc.stage);
    }
}
