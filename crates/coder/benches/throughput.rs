//! `cargo bench -p dragoman-coder`: dictionary load time, sentences and MB per second on one
//! core, and memory. The corpus is the labelled sentences and articles of `tests/data` when
//! present, else sentences generated from templates; it is repeated to a few MB.

use std::time::Instant;

use chrono::{TimeZone, Utc};
use dragoman_coder::Coder;
use dragoman_model::CleanArticle;

fn status(key: &str) -> String {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with(key))
                .map(|l| l[key.len()..].trim().to_string())
        })
        .unwrap_or_else(|| "n/a".into())
}

fn corpus() -> Vec<String> {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data");
    let mut bodies = Vec::new();
    if let Ok(tsv) = std::fs::read_to_string(dir.join("sentences.tsv")) {
        // Articles of ~12 labelled sentences each, like a news story's body.
        let sents: Vec<&str> = tsv
            .lines()
            .skip(1)
            .filter_map(|l| l.split('\t').nth(4))
            .collect();
        for chunk in sents.chunks(12) {
            bodies.push(chunk.join(" "));
        }
    }
    if let Ok(jsonl) = std::fs::read_to_string(dir.join("articles.jsonl")) {
        for l in jsonl.lines() {
            if let Some(b) = serde_json::from_str::<serde_json::Value>(l)
                .ok()
                .and_then(|v| v["article"]["body"].as_str().map(String::from))
            {
                bodies.push(b);
            }
        }
    }
    if bodies.is_empty() {
        let actors = [
            "Russia",
            "Libya",
            "France",
            "the United Nations",
            "Turkish President Recep Tayyip Erdogan",
            "Iranian protesters",
        ];
        let verbs = [
            "signed an agreement with",
            "accused",
            "held talks with",
            "imposed sanctions on",
            "urged",
            "will visit",
        ];
        for i in 0..600 {
            let mut b = String::new();
            for j in 0..12 {
                let k = i * 12 + j;
                b.push_str(&format!(
                    "{} {} {} on Monday, officials said in a statement. ",
                    actors[k % actors.len()],
                    verbs[(k / 3) % verbs.len()],
                    actors[(k + 1) % actors.len()]
                ));
            }
            bodies.push(b);
        }
    }
    bodies
}

fn main() {
    let before = status("VmRSS:");
    let t = Instant::now();
    let coder = Coder::bundled().expect("bundled dictionaries");
    let load = t.elapsed();
    println!("dictionaries: {}", coder.version().dictionaries);
    println!(
        "load time: {:.1} ms (RSS before {before}, after {})",
        load.as_secs_f64() * 1e3,
        status("VmRSS:")
    );

    let at = Utc.with_ymd_and_hms(2023, 6, 1, 12, 0, 0).unwrap();
    let base = corpus();
    let mut articles = Vec::new();
    let mut bytes = 0usize;
    while bytes < 4 << 20 {
        for (i, b) in base.iter().enumerate() {
            bytes += b.len();
            articles.push(CleanArticle::from_text(
                format!("bench-{}", articles.len() + i),
                b.clone(),
                at,
            ));
        }
    }
    // Sentences as the coder splits them.
    let mut sentences = 0usize;
    for a in &articles {
        let mut toks = Vec::new();
        dragoman_coder::text::tokenize(&a.body, &mut toks);
        let mut s = Vec::new();
        dragoman_coder::text::split_sentences(&a.body, &toks, &mut s);
        sentences += s.len();
    }
    // Warm up, then measure the best of three passes on one thread.
    let mut events = 0usize;
    for a in articles.iter().take(200) {
        events += coder.code_article(a).len();
    }
    let mut best = f64::MAX;
    for _ in 0..3 {
        events = 0;
        let t = Instant::now();
        for a in &articles {
            events += coder.code_article(a).len();
        }
        best = best.min(t.elapsed().as_secs_f64());
    }
    println!(
        "corpus: {} articles, {sentences} sentences, {:.1} MB; {events} events",
        articles.len(),
        bytes as f64 / 1e6
    );
    println!(
        "throughput (1 core): {:.0} sentences/s, {:.2} MB/s, {:.0} articles/s",
        sentences as f64 / best,
        bytes as f64 / 1e6 / best,
        articles.len() as f64 / best
    );
    println!(
        "memory: VmRSS {}, VmHWM {}",
        status("VmRSS:"),
        status("VmHWM:")
    );
}
