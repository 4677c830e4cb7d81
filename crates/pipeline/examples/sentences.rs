//! `cargo run -p dragoman-pipeline --example sentences -- ARTICLES.jsonl`: each article through
//! ingest, then split into the sentences the coder reads, one JSON object per sentence
//! (`id`, `n`, `start`, `end`, `text`). Used to prepare labelled sets of real text: the labels
//! are written against these sentences before the coder runs on them.

use std::io::{BufRead, Write};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let path = std::env::args()
        .nth(1)
        .ok_or("usage: sentences ARTICLES.jsonl")?;
    let file = std::io::BufReader::new(std::fs::File::open(path)?);
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    let now = chrono::Utc::now();
    let (mut tokens, mut sentences) = (Vec::new(), Vec::new());
    for line in file.lines() {
        let line = line?;
        let clean = match dragoman_ingest::clean(line.as_bytes(), now, &Default::default()) {
            Ok(c) => c,
            Err(e) => {
                eprintln!("skipped: {e}");
                continue;
            }
        };
        let body = &clean.body;
        tokens.clear();
        sentences.clear();
        dragoman_coder::text::tokenize(body, &mut tokens);
        dragoman_coder::text::split_sentences(body, &tokens, &mut sentences);
        for (n, s) in sentences.iter().enumerate() {
            let (start, end) = (s.span.0 as usize, s.span.1 as usize);
            let v = serde_json::json!({
                "id": clean.id, "source_id": line_id(&line), "n": n,
                "start": start, "end": end, "text": &body[start..end],
            });
            writeln!(out, "{v}")?;
        }
    }
    Ok(())
}

fn line_id(line: &str) -> String {
    serde_json::from_str::<serde_json::Value>(line)
        .ok()
        .and_then(|v| v.get("id").and_then(|i| i.as_str()).map(str::to_string))
        .unwrap_or_default()
}
