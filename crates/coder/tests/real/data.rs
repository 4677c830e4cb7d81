//! The labelled real text (`tests/data/real/`, see its README) read and coded: shared by the
//! scorer (`tests/real.rs`) and the filter's training (`examples/train_filter.rs`).

use std::collections::HashMap;
use std::path::PathBuf;

use chrono::{NaiveDate, TimeZone, Utc};
use dragoman_coder::Coder;
use dragoman_model::{CandidateEvent, CleanArticle};
use serde_json::Value;

pub fn data(name: &str) -> String {
    let p = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data/real")
        .join(name);
    std::fs::read_to_string(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

/// The guidelines' codes for a few bodies that CAMEO's actor dictionaries spell otherwise
/// (GUIDELINES.md named them before the coder was run): the same body either way.
const BODY_SPELLINGS: &[(&str, &str)] = &[
    ("IGOASNASE", "IGOSEAASN"),
    ("IGOOSCE", "IGOEURSCE"),
    ("IGOICC", "IGOJUDICC"),
    ("IGOICJ", "IGOUNOJUDICJ"),
    ("IGOG7", "IGOGOS"),
    ("IGOG20", "IGOGTW"),
    ("IGOWB", "IGOUNODEVWBK"),
];

/// The part of an actor code the scores compare: the country, or the IGO/NGO body.
pub fn key(code: &str) -> String {
    let code = BODY_SPELLINGS
        .iter()
        .find(|(label, _)| *label == code)
        .map_or(code, |(_, dict)| dict);
    if code.starts_with("IGO") || code.starts_with("NGO") {
        code[..code.len().min(6)].to_string()
    } else if code == "-" || code.len() < 3 {
        code.to_string()
    } else {
        code[..3].to_string()
    }
}

pub fn actor_key(a: &Option<dragoman_model::Actor>) -> String {
    a.as_ref().map_or("-".to_string(), |a| key(&a.code))
}

/// One labelled event, one direction.
#[derive(Debug, Clone)]
pub struct Gold {
    pub code: String,
    pub source: String,
    pub target: String,
}

/// Labels by item id; an empty list is an item labelled "no political event".
pub fn labels(file: &str) -> HashMap<String, Vec<Gold>> {
    let mut out: HashMap<String, Vec<Gold>> = HashMap::new();
    for line in data(file).lines().skip(1) {
        let f: Vec<&str> = line.split('\t').collect();
        assert!(f.len() >= 5, "{file}: {line}");
        let events = out.entry(f[0].to_string()).or_default();
        if f[1] == "-" {
            continue;
        }
        let (s, t) = (key(f[2]), key(f[3]));
        events.push(Gold {
            code: f[1].to_string(),
            source: s.clone(),
            target: t.clone(),
        });
        if f[4] == "1" {
            events.push(Gold {
                code: f[1].to_string(),
                source: t,
                target: s,
            });
        }
    }
    out
}

pub const NON_POLITICAL: [&str; 6] = [
    "Disasters and accidents",
    "Sports",
    "Arts and culture",
    "Science and technology",
    "Business and economy",
    "Health and environment",
];

/// One labelled item (a current-events summary, or a sentence of a release) with the events
/// the coder gave it.
pub struct Item {
    pub id: String,
    /// `studied` or `blind`.
    pub part: String,
    pub text: String,
    /// A current-events item of a non-political category that its labels say holds no
    /// political event.
    pub nonpolitical: bool,
    pub gold: Vec<Gold>,
    pub events: Vec<CandidateEvent>,
}

/// The current-events items, coded by `coder`.
pub fn current_events(coder: &Coder) -> Vec<Item> {
    let gold = labels("current-events.labels.tsv");
    let mut out = Vec::new();
    for line in data("current-events.items.jsonl").lines() {
        let item: Value = serde_json::from_str(line).unwrap();
        let id = item["id"].as_str().unwrap();
        let date = NaiveDate::parse_from_str(item["date"].as_str().unwrap(), "%Y-%m-%d").unwrap();
        let at = Utc.from_utc_datetime(&date.and_hms_opt(12, 0, 0).unwrap());
        let text = item["text"].as_str().unwrap();
        let events = coder.code_article(&CleanArticle::from_text(id, text, at));
        let category = item["category"].as_str().unwrap_or_default();
        let labelled = gold.get(id).unwrap_or_else(|| panic!("{id} has no label"));
        out.push(Item {
            id: id.to_string(),
            part: item["part"].as_str().unwrap().to_string(),
            text: text.to_string(),
            nonpolitical: labelled.is_empty()
                && NON_POLITICAL
                    .iter()
                    .any(|c| c.eq_ignore_ascii_case(category)),
            gold: labelled.clone(),
            events,
        });
    }
    out
}

/// The State Department sentences: each release coded whole as an article through ingest,
/// its events given to the sentences they were found in.
pub fn state_department(coder: &Coder) -> Vec<Item> {
    let gold = labels("state-department.labels.tsv");
    let mut sentences: HashMap<String, Vec<Value>> = HashMap::new();
    for line in data("state-department.items.jsonl").lines() {
        let s: Value = serde_json::from_str(line).unwrap();
        sentences
            .entry(s["release"].as_str().unwrap().to_string())
            .or_default()
            .push(s);
    }
    let now = Utc.with_ymd_and_hms(2022, 6, 1, 0, 0, 0).unwrap();
    let mut out = Vec::new();
    for line in data("state-department.articles.jsonl").lines() {
        let clean = dragoman_ingest::clean(line.as_bytes(), now, &Default::default()).unwrap();
        let events = coder.code_article(&clean);
        let raw: Value = serde_json::from_str(line).unwrap();
        let release = raw["id"].as_str().unwrap();
        for s in &sentences[release] {
            let n = s["n"].as_u64().unwrap() as u32;
            let text = s["text"].as_str().unwrap();
            // The coder's sentence index, checked against the text the labels were read on.
            let mine: Vec<CandidateEvent> = events
                .iter()
                .filter(|e| {
                    e.evidence.sentence_index == n
                        && (text.starts_with(e.evidence.sentence.as_str())
                            || e.evidence.sentence.starts_with(text))
                })
                .cloned()
                .collect();
            let id = s["id"].as_str().unwrap();
            out.push(Item {
                id: id.to_string(),
                part: s["part"].as_str().unwrap().to_string(),
                text: text.to_string(),
                nonpolitical: false,
                gold: gold
                    .get(id)
                    .unwrap_or_else(|| panic!("{id} has no label"))
                    .clone(),
                events: mine,
            });
        }
    }
    out
}
