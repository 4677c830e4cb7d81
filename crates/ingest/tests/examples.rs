//! The team's sample articles (`examples/articles.jsonl`) through the ingest library: every
//! line has the outcome `examples/README.md` promises.

use std::collections::HashMap;
use std::path::PathBuf;

use chrono::{TimeZone, Utc};
use dragoman_ingest::{clean, hamming, IngestOptions};
use dragoman_model::CleanArticle;

fn examples() -> Vec<String> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../examples/articles.jsonl");
    std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()))
        .lines()
        .map(str::to_owned)
        .collect()
}

/// Text that is page furniture or a "Related Articles" headline in the sample pages: none of
/// it may reach a cleaned body, where the coder would turn it into events.
const FURNITURE: &[&str] = &[
    "Related Articles",
    "Back to top",
    "Skip to content",
    "Share this",
    "Facebook",
    "Twitter",
    "WhatsApp",
    "cookies",
    "newsletter",
    "All rights reserved",
    "Tags:",
    "By Wire Staff",
    "Read more",
    "Most read",
    "Home",
    "Reporting by",
    "Iran accuses Saudi Arabia",
    "Pakistan accuses India",
    "Russia expels German diplomats",
    "Turkey threatens",
    "China warns US over Taiwan",
    "Azerbaijan sends troops",
    "Suicide bomber",
    "Pakistan shoots down",
    "North Korea fires",
    "China sanctions US defence firms",
    "Iran warns Israel",
    "Jordan recalls ambassador",
    "Israel strikes targets",
    "Chad's president",
    "Markets rally",
];

#[test]
fn every_example_line_has_its_documented_outcome() {
    let now = Utc.with_ymd_and_hms(2024, 1, 1, 0, 0, 0).unwrap();
    let opts = IngestOptions::default();
    let lines = examples();
    assert!(lines.len() >= 36, "{} lines", lines.len());

    let mut ok: Vec<CleanArticle> = Vec::new();
    let mut reasons = Vec::new();
    for (n, line) in lines.iter().enumerate() {
        match clean(line.as_bytes(), now, &opts) {
            Ok(a) => {
                if std::env::var_os("SHOW_EXAMPLES").is_some() {
                    println!(
                        "--- line {} id={} lang={} removed={} title={:?}\n{}\n",
                        n + 1,
                        a.id,
                        a.language,
                        a.boilerplate_removed,
                        a.title,
                        a.body
                    );
                }
                for f in FURNITURE {
                    assert!(
                        !a.body.contains(f),
                        "line {}: {f:?} left in body:\n{}",
                        n + 1,
                        a.body
                    );
                }
                if let Some(t) = &a.title {
                    assert!(
                        !a.body.contains(t.as_str()),
                        "line {}: title in body",
                        n + 1
                    );
                }
                assert!(!a.published_at_inferred, "line {}", n + 1);
                ok.push(a);
            }
            Err(e) => reasons.push((n + 1, e.reason())),
        }
    }

    // The six bad lines at the end, in order.
    assert_eq!(
        reasons,
        [
            (32, "invalid_json"),
            (33, "not_an_object"),
            (34, "missing_body"),
            (35, "empty_body"),
            (36, "invalid_field"),
            (37, "invalid_field"),
        ]
    );

    let by_id: HashMap<&str, &CleanArticle> = ok.iter().map(|a| (a.id.as_str(), a)).collect();
    // 31 good lines, one of them a redelivery of ex-002.
    assert_eq!(ok.len(), 31);
    assert_eq!(by_id.len(), 30);
    let twice: Vec<_> = ok.iter().filter(|a| a.id == "ex-002").collect();
    assert_eq!(twice.len(), 2);
    assert_eq!(twice[0], twice[1]);

    // Derived ids: from the url for line 4, from the content for line 11.
    assert!(ok[3].id.starts_with("u-"), "{}", ok[3].id);
    assert!(ok[10].id.starts_with("h-"), "{}", ok[10].id);

    // Language.
    for a in &ok {
        let expect_en = !a.id.starts_with("ex-fr") && !a.id.starts_with("ex-es");
        assert_eq!(a.is_english, expect_en, "{} is {}", a.id, a.language);
    }
    assert_eq!(by_id["ex-fr-01"].language, "fr");
    assert_eq!(by_id["ex-es-01"].language, "es");

    // Syndicated copies sit a few bits from the original; the independent report and the
    // other stories do not.
    let original = by_id["ex-013"];
    for copy in ["ex-013-c1", "ex-013-c2", "ex-013-c3"] {
        let d = hamming(&original.simhash, &by_id[copy].simhash).unwrap();
        assert!(d <= 10, "{copy} is {d} bits from ex-013");
    }
    assert_eq!(
        original.body, by_id["ex-013-c2"].body,
        "only furniture differed"
    );
    for a in &ok {
        if !a.id.starts_with("ex-013") && a.id != "ex-002" {
            let d = hamming(&original.simhash, &a.simhash).unwrap();
            assert!(d > 16, "{} is only {d} bits from ex-013", a.id);
        }
    }
    let r4 = hamming(&original.simhash, &by_id["ex-013-r4"].simhash).unwrap();
    assert!(r4 > 12, "the independent report is {r4} bits away");
}
