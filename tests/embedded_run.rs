//! The sample feed (`examples/articles.jsonl`) through the embedded pipeline, as `make run`
//! runs it: bad lines are rejected with their reasons, the redelivery and the syndicated copies
//! change no event twice, and the copies of one story merge into its events.

use std::collections::HashMap;
use std::sync::Arc;

use chrono::{TimeZone, Utc};
use dragoman_e2e::workspace_root;
use dragoman_pipeline::{Pipeline, PipelineConfig, RecordOutcome};

#[test]
fn the_sample_feed_publishes_each_revision_once_and_merges_copies() {
    let text = std::fs::read_to_string(workspace_root().join("examples/articles.jsonl"))
        .expect("examples/articles.jsonl");
    let coder = Arc::new(dragoman_coder::Coder::bundled().expect("dictionaries"));
    let mut pipeline = Pipeline::new(
        coder,
        PipelineConfig {
            extract_cache_size: 1000,
            ..PipelineConfig::default()
        },
    );
    let now = Utc.with_ymd_and_hms(2024, 1, 1, 0, 0, 0).unwrap();

    let mut rejected = Vec::new();
    let mut published: HashMap<(String, u32), usize> = HashMap::new();
    let mut latest: HashMap<String, dragoman_model::Event> = HashMap::new();
    for (n, line) in text.lines().enumerate() {
        match pipeline.process(line.as_bytes(), now) {
            RecordOutcome::Rejected(e) => rejected.push((n + 1, e.reason())),
            RecordOutcome::Events(events) => {
                for e in events {
                    *published
                        .entry((e.event_id.clone(), e.revision))
                        .or_default() += 1;
                    latest.insert(e.event_id.clone(), e);
                }
            }
        }
    }

    let reasons: Vec<&str> = rejected.iter().map(|(_, r)| *r).collect();
    assert_eq!(
        reasons,
        [
            "invalid_json",
            "not_an_object",
            "missing_body",
            "empty_body",
            "invalid_field",
            "invalid_field"
        ]
    );
    let twice: Vec<_> = published.iter().filter(|(_, n)| **n > 1).collect();
    assert!(twice.is_empty(), "published twice: {twice:?}");
    let stats = pipeline.stats();
    assert!(stats.redeliveries > 0, "{stats:?}");
    assert!(stats.copies > 0, "{stats:?}");
    assert!(stats.cache_hits > 0, "{stats:?}");

    // The Israel-Hamas ceasefire of line 13 and its three syndicated copies (lines 14, 15, 26):
    // one event per direction, four articles from four outlets, one independent report.
    for (source, target) in [("ISR", "PSE"), ("PSE", "ISR")] {
        let e = latest
            .values()
            .find(|e| {
                e.code == "087"
                    && e.source
                        .as_ref()
                        .is_some_and(|a| a.code.starts_with(source))
                    && e.target
                        .as_ref()
                        .is_some_and(|a| a.code.starts_with(target))
                    && e.event_date.to_string() == "2021-05-21"
            })
            .unwrap_or_else(|| panic!("no 087 {source} -> {target} on 2021-05-21"));
        assert!(e.mentions.num_articles >= 4, "{:?}", e.mentions);
        assert!(e.mentions.num_sources >= 4, "{:?}", e.mentions);
        assert_eq!(e.mentions.num_independent, 1, "{:?}", e.mentions);
        assert_eq!(e.revision, e.mentions.num_mentions, "{:?}", e.mentions);
    }
}

/// `dragoman loadgen --output` writes a corpus `dragoman run` reads back record for record:
/// every generated record is one line, its bad records are reported with their line numbers,
/// and the articles give events.
#[test]
fn a_loadgen_corpus_file_runs_through_the_embedded_pipeline() {
    let dir = std::env::temp_dir().join(format!("dragoman-corpus-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let corpus = dir.join("corpus.jsonl");
    let events = dir.join("events.jsonl");
    let (corpus, events) = (corpus.to_str().unwrap(), events.to_str().unwrap());
    // Runs the binary, which must succeed; its stderr.
    let dragoman = |args: &[&str]| -> String {
        let out = std::process::Command::new(dragoman_e2e::dragoman_bin())
            .args(args)
            .output()
            .expect("running dragoman");
        let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
        assert!(out.status.success(), "dragoman {args:?}: {stderr}");
        stderr
    };
    dragoman(&[
        "loadgen",
        "--count",
        "400",
        "--seed",
        "5",
        "--bad-fraction",
        "0.05",
        "--output",
        corpus,
    ]);
    let text = std::fs::read(corpus).unwrap();
    assert_eq!(
        text.split(|b| *b == b'\n')
            .filter(|l| !l.is_empty())
            .count(),
        400
    );

    let stderr = dragoman(&["run", "--input", corpus, "--output", events]);
    let skipped = stderr.lines().filter(|l| l.contains(": skipped (")).count();
    assert!(skipped > 5, "5% bad records, every one reported: {stderr}");
    assert!(
        stderr.contains("dragoman run: 400 records"),
        "one record per line: {stderr}"
    );
    let published = std::fs::read_to_string(events).unwrap();
    let n = published.lines().count();
    assert!(n > 400, "a few events per article, got {n}");
    for line in published.lines() {
        let e: serde_json::Value = serde_json::from_str(line).unwrap();
        assert!(
            e["event_id"].is_string() && e["root_code"].is_string(),
            "{e}"
        );
    }
    std::fs::remove_dir_all(&dir).ok();
}
