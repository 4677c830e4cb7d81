//! Throughput of `dragoman_ingest::clean` on a plain-text and an HTML article.
//!
//! `cargo bench -p dragoman-ingest` prints articles/s and MB/s for each. A plain harness
//! (no criterion) keeps the build light on the shared machine; each case runs for a fixed
//! wall-clock budget after a warm-up, and the best of five rounds is reported.

use std::hint::black_box;
use std::time::{Duration, Instant};

use dragoman_ingest::{clean, IngestOptions};

const PARAGRAPH: &str = "The foreign ministers of Egypt and Sudan met their Ethiopian counterpart \
in Addis Ababa on Tuesday for a new round of talks on the filling of the Grand Ethiopian \
Renaissance Dam, officials said, after months in which the negotiations had stalled over the \
rules for drought years.";

fn plain_article() -> Vec<u8> {
    let mut body = String::from("AfricaPolitics\n\nEgypt, Sudan and Ethiopia resume dam talks\n\n");
    for i in 0..8 {
        body.push_str(&format!(
            "{PARAGRAPH} Paragraph {i} adds that the next meeting is due in Cairo.\n\n"
        ));
    }
    body.push_str(
        "Related Articles\n\nTurkey accuses Greece over Aegean flights\n\nBack to top button",
    );
    serde_json::json!({
        "url": "https://example.com/africa/dam-talks",
        "source": "example.com",
        "published_at": "2021-04-06T09:30:00Z",
        "title": "Egypt, Sudan and Ethiopia resume dam talks",
        "body": body,
    })
    .to_string()
    .into_bytes()
}

fn html_article() -> Vec<u8> {
    let mut body = String::from(
        "<!doctype html><html><head><title>Dam talks | Example</title><script>var a=1;</script></head><body>\
         <nav><ul><li><a href='/'>Home</a></li><li><a href='/world'>World</a></li></ul></nav>\
         <div class='share-bar'><a>Facebook</a><a>Twitter</a></div><article><h1>Egypt, Sudan and Ethiopia resume dam talks</h1>\
         <p class='byline'>By Jane Doe</p>",
    );
    for i in 0..8 {
        body.push_str(&format!("<p>{PARAGRAPH} Paragraph <b>{i}</b> adds that the <a href='/x'>next meeting</a> is due in Cairo.</p>"));
    }
    body.push_str(
        "<h3>Related Articles</h3><ul><li><a href='/1'>Turkey accuses Greece over Aegean flights</a></li></ul>\
         </article><footer>&copy; 2021 Example</footer></body></html>",
    );
    serde_json::json!({
        "url": "https://example.com/africa/dam-talks.html",
        "published_at": "2021-04-06T09:30:00Z",
        "body": body,
    })
    .to_string()
    .into_bytes()
}

fn measure(name: &str, input: &[u8]) {
    let opts = IngestOptions::default();
    let now = chrono::Utc::now();
    clean(input, now, &opts).expect("bench article is valid");
    let budget = Duration::from_millis(600);
    let mut best = f64::MAX;
    for _ in 0..5 {
        let start = Instant::now();
        let mut n = 0u64;
        while start.elapsed() < budget {
            for _ in 0..50 {
                black_box(clean(black_box(input), now, &opts).ok());
            }
            n += 50;
        }
        best = best.min(start.elapsed().as_secs_f64() / n as f64);
    }
    println!(
        "{name:<6} {:>6} bytes  {:>9.0} articles/s  {:>7.1} MB/s  ({:.1} us/article)",
        input.len(),
        1.0 / best,
        input.len() as f64 / best / 1e6,
        best * 1e6
    );
}

/// Hostile inputs near the 1 MiB limit: each must stay far from blocking the stage.
fn worst_cases() {
    let limit = IngestOptions::default().max_bytes - 64;
    let fill = |unit: &str| unit.repeat(limit / unit.len());
    let cases = [
        ("nested <div>", fill("<div>")),
        ("unclosed <a", fill("<a")),
        ("<b><i><u>", fill("<b><i><u>x")),
        ("<p> soup", fill("<p>word ")),
        ("entities", format!("<p>{}</p>", fill("&amp;"))),
        ("one line", fill("word ")),
        ("newlines", fill("w\n")),
        ("tiny words", fill("a. ")),
    ];
    for (name, mut body) in cases {
        let mut bytes = serde_json::json!({ "body": body }).to_string().into_bytes();
        // JSON escaping can grow the body past the limit: shrink it until it fits.
        while bytes.len() > limit {
            let keep = body.len() * limit / bytes.len();
            body.truncate(keep); // every fill is ASCII, so any index is a char boundary
            bytes = serde_json::json!({ "body": body }).to_string().into_bytes();
        }
        let bytes = &bytes[..];
        let start = Instant::now();
        let outcome = clean(bytes, chrono::Utc::now(), &IngestOptions::default())
            .map(|_| "ok")
            .unwrap_or_else(|e| e.reason());
        println!(
            "worst  {name:<13} {:>8} bytes  {:>8.1} ms  ({outcome})",
            bytes.len(),
            start.elapsed().as_secs_f64() * 1e3
        );
    }
}

fn main() {
    // `cargo bench` passes `--bench`; `cargo test --all-targets` does not, and only checks
    // that the bench still builds and runs.
    if !std::env::args().any(|a| a == "--bench") {
        return;
    }
    measure("plain", &plain_article());
    measure("html", &html_article());
    worst_cases();
}
