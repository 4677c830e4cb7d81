//! Tests of the generator's stream as a whole.

use std::collections::HashMap;

use chrono::Datelike;
use serde_json::Value;

use super::*;

fn generator(seed: u64) -> Generator {
    Generator::new(LoadgenOptions {
        seed,
        ..Default::default()
    })
}

/// Checks a valid record against docs/contracts.md#article-input and returns it as JSON.
fn check_article(r: &Record) -> Value {
    let v: Value = serde_json::from_slice(&r.payload).expect("valid records are JSON");
    let obj = v.as_object().expect("an article is an object");
    let body = obj["body"].as_str().expect("body is a string");
    assert!(!body.trim().is_empty());
    assert!(body.len() < TOO_LARGE_BYTES);
    for field in ["url", "source", "title", "language"] {
        assert!(obj[field].is_string(), "{field} in {v}");
    }
    assert_eq!(obj["language"], "en");
    if let Some(t) = obj.get("published_at") {
        DateTime::parse_from_rfc3339(t.as_str().unwrap()).expect("published_at is RFC 3339");
    }
    assert_eq!(r.key.as_deref(), obj.get("id").and_then(Value::as_str));
    let source = obj["source"].as_str().unwrap();
    assert!(OUTLETS.iter().any(|(_, d)| *d == source));
    assert!(obj["url"]
        .as_str()
        .unwrap()
        .starts_with(&format!("https://www.{source}/")));
    if obj.get("content_type").is_some() {
        assert_eq!(obj["content_type"], "text/html");
        assert!(body.starts_with("<!DOCTYPE html>"));
    }
    // The model type agrees, so ingest can take it as it is.
    serde_json::from_slice::<Article>(&r.payload).expect("parses as model::Article");
    v
}

#[test]
fn same_seed_same_stream_other_seed_other_stream() {
    let (mut a, mut b, mut c) = (generator(42), generator(42), generator(43));
    let mut differs = false;
    for _ in 0..2000 {
        let (x, y, z) = (a.next_record(), b.next_record(), c.next_record());
        assert_eq!(x, y);
        differs |= x != z;
    }
    assert!(differs);
}

#[test]
fn fractions_over_ten_thousand_records() {
    let mut g = generator(1);
    let n = 10_000;
    let mut counts: HashMap<&str, usize> = HashMap::new();
    let mut bad_kinds: HashMap<BadKind, usize> = HashMap::new();
    let mut html = 0;
    for _ in 0..n {
        let r = g.next_record();
        let name = match r.kind {
            RecordKind::Article => "article",
            RecordKind::SyndicatedCopy => "copy",
            RecordKind::Bad(k) => {
                *bad_kinds.entry(k).or_default() += 1;
                "bad"
            }
        };
        *counts.entry(name).or_default() += 1;
        if !matches!(r.kind, RecordKind::Bad(_)) && r.payload.starts_with(b"{") {
            let v: Value = serde_json::from_slice(&r.payload).unwrap();
            html += v["body"].as_str().unwrap().starts_with("<!DOCTYPE") as usize;
        }
    }
    let share = |k: &str| counts.get(k).copied().unwrap_or(0) as f64 / n as f64;
    // Binomial standard deviations at n = 10,000 are 0.3% (copies) and 0.1% (bad): these
    // bounds are over four of them.
    assert!((share("copy") - 0.10).abs() < 0.015, "{counts:?}");
    assert!((share("bad") - 0.01).abs() < 0.005, "{counts:?}");
    let valid = n - counts["bad"];
    let html_share = html as f64 / valid as f64;
    assert!((html_share - 0.3).abs() < 0.02, "html {html_share}");
    assert!(bad_kinds.len() >= 5, "bad kinds seen: {bad_kinds:?}");
}

#[test]
fn fractions_follow_the_options() {
    let mut g = Generator::new(LoadgenOptions {
        seed: 5,
        html_fraction: 1.0,
        copy_fraction: 0.0,
        bad_fraction: 0.5,
        ..Default::default()
    });
    let (mut bad, mut copies) = (0, 0);
    for _ in 0..2000 {
        let r = g.next_record();
        match r.kind {
            RecordKind::Bad(_) => bad += 1,
            RecordKind::SyndicatedCopy => copies += 1,
            RecordKind::Article => {
                let v = check_article(&r);
                assert!(v["body"].as_str().unwrap().starts_with("<!DOCTYPE html>"));
            }
        }
    }
    assert_eq!(copies, 0);
    assert!((900..1100).contains(&bad), "{bad}");
}

#[test]
fn valid_records_are_articles() {
    let mut g = generator(9);
    let mut sources = std::collections::HashSet::new();
    let mut last_time: Option<DateTime<chrono::FixedOffset>> = None;
    for _ in 0..3000 {
        let r = g.next_record();
        if matches!(r.kind, RecordKind::Bad(_)) {
            continue;
        }
        let v = check_article(&r);
        sources.insert(v["source"].as_str().unwrap().to_owned());
        if let Some(t) = v.get("published_at") {
            let t = DateTime::parse_from_rfc3339(t.as_str().unwrap()).unwrap();
            if let Some(prev) = last_time {
                assert!(t > prev, "published_at advances");
            }
            last_time = Some(t);
        }
    }
    assert!(sources.len() >= 25, "{} outlets", sources.len());
}

#[test]
fn plain_bodies_are_four_to_ten_sentences() {
    let mut g = Generator::new(LoadgenOptions {
        seed: 11,
        html_fraction: 0.0,
        copy_fraction: 0.0,
        bad_fraction: 0.0,
        ..Default::default()
    });
    for _ in 0..500 {
        let r = g.next_record();
        let v = check_article(&r);
        let body = v["body"].as_str().unwrap();
        // Every template and filler ends its sentence with a full stop.
        let sentences = body.matches(". ").count() + body.matches(".\n").count() + 1;
        assert!((4..=10).contains(&sentences), "{sentences}: {body}");
        assert!(!body.contains('<'));
    }
}

#[test]
fn copies_repeat_an_earlier_story_under_another_outlet() {
    let mut g = Generator::new(LoadgenOptions {
        seed: 3,
        html_fraction: 0.0,
        copy_fraction: 0.3,
        bad_fraction: 0.0,
        ..Default::default()
    });
    // Originals by their lead sentence: stories are random enough that it identifies one.
    let mut originals: Vec<(String, String)> = Vec::new();
    let mut checked = 0;
    for _ in 0..600 {
        let r = g.next_record();
        let v = check_article(&r);
        let body = v["body"].as_str().unwrap().to_owned();
        let source = v["source"].as_str().unwrap().to_owned();
        // The lead sentence, after any dateline (no template has a full stop inside).
        let first = body.split('.').next().unwrap();
        let lead = first.rsplit(") - ").next().unwrap().to_owned();
        match r.kind {
            RecordKind::Article => originals.push((lead, source)),
            RecordKind::SyndicatedCopy => {
                let (_, orig_source) = originals
                    .iter()
                    .rev()
                    .find(|(l, _)| *l == lead)
                    .expect("a copy's lead is an earlier article's lead");
                assert_ne!(*orig_source, source, "copies come from another outlet");
                checked += 1;
            }
            RecordKind::Bad(_) => unreachable!(),
        }
    }
    assert!(checked > 100, "{checked}");
}

#[test]
fn bad_records_fail_as_intended() {
    let mut g = generator(17);
    for kind in BadKind::ALL {
        for _ in 0..20 {
            let r = g.bad(kind);
            assert_eq!(r.kind, RecordKind::Bad(kind));
            let p = &r.payload;
            match kind {
                BadKind::InvalidJson => {
                    assert!(std::str::from_utf8(p).is_ok(), "valid UTF-8");
                    assert!(serde_json::from_slice::<Value>(p).is_err());
                }
                BadKind::NotUtf8 => {
                    assert!(std::str::from_utf8(p).is_err());
                    assert!(serde_json::from_slice::<Value>(p).is_err());
                }
                BadKind::JsonArray => {
                    let v: Value = serde_json::from_slice(p).unwrap();
                    assert!(v.as_array().is_some_and(|a| a[0]["body"].is_string()));
                }
                BadKind::MissingBody => {
                    let v: Value = serde_json::from_slice(p).unwrap();
                    assert!(v.is_object() && v.get("body").is_none());
                    assert!(v["url"].is_string(), "otherwise an article");
                }
                BadKind::EmptyBody => {
                    let v: Value = serde_json::from_slice(p).unwrap();
                    assert!(v["body"].as_str().unwrap().trim().is_empty());
                }
                BadKind::WrongType => {
                    let v: Value = serde_json::from_slice(p).unwrap();
                    assert!(v.is_object());
                    assert!(serde_json::from_slice::<Article>(p).is_err());
                }
                BadKind::TooLarge => {
                    let a: Article = serde_json::from_slice(p).expect("well-formed article");
                    assert!(a.body.len() > TOO_LARGE_BYTES);
                    assert!(p.len() < 2 * TOO_LARGE_BYTES);
                }
                BadKind::DateOutOfRange => {
                    let a: Article = serde_json::from_slice(p).expect("well-formed article");
                    let at = a.published_at.unwrap();
                    let year = chrono::DateTime::parse_from_rfc3339(&at)
                        .map(|d| d.with_timezone(&chrono::Utc).year())
                        .unwrap();
                    assert!(!(1800..=9999).contains(&year), "{at}");
                }
            }
        }
    }
}

#[test]
fn generation_is_cheap() {
    // Not a benchmark (see examples/loadgen_rate.rs), a guard against accidental
    // quadratic work: even unoptimised, thousands of records take well under a second each.
    let mut g = generator(2);
    let t = std::time::Instant::now();
    let bytes: usize = (0..2000).map(|_| g.next_record().payload.len()).sum();
    assert!(bytes > 0);
    assert!(t.elapsed().as_secs() < 20, "{:?}", t.elapsed());
}

#[test]
fn every_place_written_about_is_in_the_gazetteer() {
    let g = dragoman_gazetteer::Gazetteer::bundled();
    let mut missing = Vec::new();
    for c in world::COUNTRIES {
        let Some(country) = g
            .lookup(c.name)
            .iter()
            .find(|p| p.kind == dragoman_gazetteer::PlaceKind::Country)
        else {
            missing.push(c.name.to_owned());
            continue;
        };
        let code = country.country.as_str();
        for city in std::iter::once(&c.capital).chain(c.cities) {
            match g.resolve(city, &[code]) {
                Some(p) if p.country == code => {}
                other => missing.push(format!("{city} ({code}): {other:?}")),
            }
        }
    }
    assert!(missing.is_empty(), "not resolvable: {missing:#?}");
}
