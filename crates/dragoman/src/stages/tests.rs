use std::collections::{BTreeMap, HashMap};

use dragoman_runtime::{Metrics, Section};

use super::*;

fn load(stage: Stage, file: Option<&str>, env: &[(&str, &str)]) -> Result<Config, ConfigError> {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("dragoman.toml");
    if let Some(text) = file {
        std::fs::write(&path, text).unwrap();
    }
    let env: HashMap<String, String> = env
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    let loader = Loader::new(stage)
        .file(file.map(|_| path.as_path()))
        .env(env)
        .section::<IngestOptions>()
        .section::<ExtractSection>()
        .section::<CoderSection>()
        .section::<DedupSection>();
    loader.load()
}

fn documented<S: Section + Clone>(cfg: &Config) -> S {
    cfg.section::<S>().unwrap().clone()
}

/// `config/default.toml` documents every key with its default, and is the defaults layer;
/// a stage's section defaults to the same values when no layer has it (its crate's tests).
#[test]
fn each_stage_section_defaults_to_the_documented_values() {
    let cfg = load(Stage::Run, None, &[]).unwrap();
    assert_eq!(documented::<IngestOptions>(&cfg), IngestOptions::default());
    assert_eq!(
        documented::<ExtractSection>(&cfg),
        ExtractSection::default()
    );
    assert_eq!(documented::<CoderSection>(&cfg), CoderSection::default());
    assert_eq!(documented::<DedupSection>(&cfg), DedupSection::default());
}

/// One file serves every service: each reads the whole file and checks every section.
#[test]
fn one_file_with_every_section_configures_every_program() {
    let file = "delivery = \"at_least_once\"\n[kafka]\nbrokers = \"b:1\"\n[ingest]\nmax_bytes = 4096\n\
                [extract]\ncache_size = 5\n[coder]\ndictionaries = \"\"\n[dedup]\nemit = \"first\"\n";
    for stage in [INGEST, EXTRACT, DEDUP, PASSTHROUGH, Stage::Run] {
        let cfg = load(stage, Some(file), &[]).unwrap();
        assert_eq!(cfg.section::<IngestOptions>().unwrap().max_bytes, 4096);
        assert_eq!(cfg.section::<ExtractSection>().unwrap().cache_size, 5);
        let dedup = cfg.section::<DedupSection>().unwrap().dedup_config();
        assert_eq!(dedup.emit, dragoman_dedup::Emit::First);
    }
    assert_eq!(
        load(DEDUP, None, &[]).unwrap().kafka.group_id,
        "dragoman-dedup"
    );
    assert_eq!(
        load(INGEST, None, &[]).unwrap().admin.listen,
        "127.0.0.1:9464"
    );
}

#[test]
fn a_stage_key_unknown_or_bad_stops_every_program_naming_it() {
    for stage in [INGEST, DEDUP, Stage::Run] {
        let err = load(stage, Some("[dedup]\nmax_keyz = 3\n"), &[])
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("`dedup.max_keyz`") && err.contains("unknown key"),
            "{err}"
        );
        let err = load(stage, None, &[("DRAGOMAN__INGEST__MAX_BYTES", "lots")])
            .unwrap_err()
            .to_string();
        assert!(err.contains("`ingest.max_bytes`"), "{err}");
        let err = load(stage, None, &[("DRAGOMAN__DEDUP__EMIT", "hunter2")])
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("`dedup.emit`") && !err.contains("hunter2"),
            "{err}"
        );
        let err = load(stage, Some("[coder]\ndictionary = \"x\"\n"), &[])
            .unwrap_err()
            .to_string();
        assert!(err.contains("`coder.dictionary`"), "{err}");
        let err = load(stage, None, &[("DRAGOMAN__DEDUP__COPY_MAX_HAMMING", "65")])
            .unwrap_err()
            .to_string();
        assert!(err.contains("`dedup.copy_max_hamming`"), "{err}");
    }
}

/// (name -> (type, labels)) from the table of docs/metrics.md.
fn catalogue() -> BTreeMap<String, (String, Vec<String>)> {
    let doc = include_str!("../../../../docs/metrics.md");
    let mut out = BTreeMap::new();
    for line in doc.lines() {
        let cells: Vec<&str> = line.split('|').map(str::trim).collect();
        if cells.len() < 6 || !cells[1].starts_with("`dragoman_") {
            continue;
        }
        let name = cells[1].trim_matches('`').to_owned();
        let kind = cells[2].to_owned();
        let mut labels: Vec<String> = cells[4]
            .split(',')
            .map(|l| l.trim().trim_matches('`').to_owned())
            .filter(|l| !l.is_empty() && l != "(none)")
            .collect();
        labels.sort();
        out.insert(name, (kind, labels));
    }
    out
}

/// The metrics of each service, core and stage's, as its registry has them (label sets that
/// have no child until something is counted are touched first).
fn registered() -> BTreeMap<String, (String, Vec<String>)> {
    let ingest = Arc::new(Metrics::new(INGEST));
    IngestMetrics::register(&ingest).unwrap().article("en");
    let extract = Arc::new(Metrics::new(EXTRACT));
    let e = ExtractMetrics::register(&extract).unwrap();
    e.events.count("05", 1);
    e.bound_cuts("sentence_tokens", 1);
    let dedup = Arc::new(Metrics::new(DEDUP));
    let d = DedupMetrics::register(&dedup).unwrap();
    d.decision("new");
    dedup.set_consumer_lag("events.extracted", 0, 3);
    let mut out = BTreeMap::new();
    for m in [&ingest, &extract, &dedup] {
        for fam in m.registry().gather() {
            let name = fam.name().to_owned();
            if name.starts_with("process_") {
                continue;
            }
            let kind = match fam.get_field_type() {
                prometheus::proto::MetricType::COUNTER => "counter",
                prometheus::proto::MetricType::GAUGE => "gauge",
                prometheus::proto::MetricType::HISTOGRAM => "histogram",
                other => panic!("unexpected type {other:?}"),
            };
            let mut labels: Vec<String> = fam.get_metric()[0]
                .get_label()
                .iter()
                .map(|l| l.name().to_owned())
                .collect();
            labels.sort();
            let entry = (kind.to_owned(), labels);
            let previous = out.insert(name.clone(), entry.clone());
            assert!(
                previous.is_none_or(|p| p == entry),
                "{name}: two stages register it differently"
            );
        }
    }
    out
}

#[test]
fn the_services_registries_match_the_catalogue_both_ways() {
    let doc = catalogue();
    assert!(doc.len() >= 19, "catalogue parsed: {doc:?}");
    let registered = registered();
    for (name, documented) in &doc {
        let Some(actual) = registered.get(name) else {
            panic!("{name} is in docs/metrics.md but no service registers it");
        };
        assert_eq!(actual, documented, "{name}: type and labels");
    }
    for name in registered.keys() {
        assert!(
            doc.contains_key(name),
            "{name} is registered but not in docs/metrics.md"
        );
    }
}

#[test]
fn passthrough_copies_key_and_value() {
    let mut p = PassthroughProcessor::new("out");
    let rec = InputRecord {
        topic: "in",
        partition: 0,
        offset: 7,
        key: Some(b"k"),
        payload: Some(b"payload"),
        timestamp_ms: None,
    };
    match p.process(&rec) {
        Verdict::Produce(out) => {
            assert_eq!(out[0].key.as_deref(), Some(&b"k"[..]));
            assert_eq!(out[0].payload.as_deref(), Some(&b"payload"[..]));
            assert_eq!(&*out[0].topic, "out");
        }
        other => panic!("{other:?}"),
    }
}
