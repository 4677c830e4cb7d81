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

/// Issue finding "publication dates of year 0 or 10000 produce events dated +10000-01-02":
/// `dragoman run` reports each such line as bad, with its line number and the reason
/// `date_out_of_range`, codes the lines around them, and publishes no event outside the years
/// 1800..=9999.
#[test]
fn publication_dates_of_year_0_or_10000_are_bad_lines_not_events() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("articles.jsonl");
    let events = dir.path().join("events.jsonl");
    let body = "Russia and Libya signed a cooperation agreement in Moscow on Monday. \
                The two countries will hold talks tomorrow.";
    let line = |id: &str, published_at: &str| {
        String::from_utf8(dragoman_e2e::article(id, "example.ly", published_at, body)).unwrap()
    };
    let lines = [
        line("ok-2019", "2019-03-25T09:30:00Z"),
        line("year-0", "0000-01-01T00:00:00Z"),
        line("year-1", "0001-01-01T00:00:00Z"),
        // 9999-12-31 23:00 at UTC-5 is year 10000 in UTC: this dated events "+10000-01-01".
        line("year-9999", "9999-12-31T23:00:00-05:00"),
        line("year-10000", "+10000-01-01T00:00:00Z"),
        // A Unix time of 0 is a real date.
        line("ok-1970", "1970-01-01T00:00:00Z"),
    ];
    std::fs::write(&input, lines.join("\n") + "\n").unwrap();

    let out = std::process::Command::new(dragoman_e2e::dragoman_bin())
        .args(["run", "--input"])
        .arg(&input)
        .arg("--output")
        .arg(&events)
        .output()
        .expect("running dragoman");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        out.status.success(),
        "bad lines do not stop the run: {stderr}"
    );
    let input = input.display().to_string();
    for n in [2, 3, 4, 5] {
        let prefix = format!("{input}:{n}: skipped (date_out_of_range): ");
        assert!(stderr.contains(&prefix), "line {n} not reported: {stderr}");
    }
    let skipped = stderr.lines().filter(|l| l.contains(": skipped (")).count();
    assert_eq!(skipped, 4, "{stderr}");

    let published = std::fs::read_to_string(&events).unwrap();
    let mut articles = std::collections::BTreeSet::new();
    for line in published.lines() {
        let e: serde_json::Value = serde_json::from_str(line).unwrap();
        let date = e["event_date"].as_str().unwrap_or_default();
        let year: i64 = date.get(..4).and_then(|y| y.parse().ok()).unwrap_or(-1);
        assert!(
            date.len() == 10 && (1800..=9999).contains(&year),
            "event dated {date}: {e}"
        );
        for id in e["mentions"]["article_ids"].as_array().unwrap() {
            articles.insert(id.as_str().unwrap().to_owned());
        }
    }
    assert_eq!(
        articles.into_iter().collect::<Vec<_>>(),
        ["ok-1970", "ok-2019"],
        "{published}"
    );
}
