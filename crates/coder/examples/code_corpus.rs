//! The coder's candidates for a corpus, for `scripts/coder_diff.sh`: the events before dedup,
//! so that a change to the coder shows even where dedup would merge it away.
//!
//! ```text
//! cargo run --release -p dragoman-coder --example code_corpus -- clean RAW.jsonl CLEAN.jsonl
//! cargo run --release -p dragoman-coder --example code_corpus -- code CLEAN.jsonl OUT.jsonl [DICT_DIR]
//! ```
//!
//! `clean` runs ingest on input articles (JSONL in the contract's format) with a fixed clock,
//! keeping the clean articles; bad records are skipped. `code` codes clean articles with the
//! bundled dictionaries (or a directory laid over them, as `[coder] dictionaries` does) and
//! writes every candidate event as JSONL, in article order.

use std::io::{BufRead, BufReader, BufWriter, Write};

use chrono::{TimeZone, Utc};
use dragoman_coder::Coder;
use dragoman_model::CleanArticle;

type Res<T> = Result<T, Box<dyn std::error::Error>>;

/// The lines of a file as bytes: generated corpora hold bad records on purpose, some of
/// them not UTF-8.
fn lines(path: &str) -> Res<impl Iterator<Item = std::io::Result<Vec<u8>>>> {
    Ok(BufReader::new(std::fs::File::open(path)?).split(b'\n'))
}

fn clean(input: &str, output: &str) -> Res<()> {
    let now = Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).unwrap();
    let opts = dragoman_ingest::IngestOptions::default();
    let mut out = BufWriter::new(std::fs::File::create(output)?);
    let (mut kept, mut bad) = (0, 0);
    for line in lines(input)? {
        let line = line?;
        if line.trim_ascii().is_empty() {
            continue;
        }
        match dragoman_ingest::clean(&line, now, &opts) {
            Ok(a) => {
                serde_json::to_writer(&mut out, &a)?;
                out.write_all(b"\n")?;
                kept += 1;
            }
            Err(_) => bad += 1,
        }
    }
    out.flush()?;
    eprintln!("{input}: {kept} clean articles, {bad} rejected");
    Ok(())
}

fn code(input: &str, output: &str, dict: Option<&str>) -> Res<()> {
    let coder = match dict {
        Some(d) => Coder::load(Some(std::path::Path::new(d)))?,
        None => Coder::bundled()?,
    };
    let mut out = BufWriter::new(std::fs::File::create(output)?);
    let (mut articles, mut events) = (0, 0);
    for line in lines(input)? {
        let a: CleanArticle = serde_json::from_slice(&line?)?;
        articles += 1;
        for e in coder.code_article(&a) {
            serde_json::to_writer(&mut out, &e)?;
            out.write_all(b"\n")?;
            events += 1;
        }
    }
    out.flush()?;
    eprintln!("{input}: {articles} articles, {events} candidates");
    Ok(())
}

fn main() -> Res<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let a: Vec<&str> = args.iter().map(String::as_str).collect();
    match a.as_slice() {
        ["clean", i, o] => clean(i, o),
        ["code", i, o] => code(i, o, None),
        ["code", i, o, d] => code(i, o, Some(d)),
        _ => Err("usage: code_corpus clean RAW CLEAN | code CLEAN OUT [DICT_DIR]".into()),
    }
}
