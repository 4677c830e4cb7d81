//! Event candidates (what extract finds in one sentence) and events (what dedup publishes),
//! docs/contracts.md#event-output (its JSON Schema: docs/event.schema.json).

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

/// The `schema` value of every published event.
pub const EVENT_SCHEMA: &str = "dragoman.event/v1";

/// A CAMEO actor: a country, an international body, or either with agent parts.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Actor {
    /// The full CAMEO actor code: `RUS`, `RUSGOV`, `IGOUNO`, `LBYHLH`.
    pub code: String,
    /// The country part (`RUS`), or `None` for bodies with no country (`IGOUNO`).
    pub country: Option<String>,
    /// The agent parts, three letters each: `["GOV"]`, `["LEG"]`.
    #[serde(default)]
    pub agents: Vec<String>,
    /// A readable name for the actor: `Russia`, `Libya's Ministry of Health`.
    pub name: String,
    /// The words of the sentence the actor was found from.
    pub text: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum DatePrecision {
    Day,
    Week,
    Month,
    Year,
    /// No date in the text: the event is dated by the article's publication.
    Published,
    /// No date in the text and no publication time: dated by when the pipeline saw it.
    FirstSeen,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum LocationPrecision {
    City,
    Region,
    Country,
    /// The text names no place: the place of the article's dateline, where the story was
    /// filed, which is where the event happened only as far as one of its actors belongs
    /// there. Dedup does not tell events apart by it (docs/contracts.md#location).
    Dateline,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Location {
    pub name: String,
    /// ISO 3166 alpha-3 / CAMEO country code.
    pub country: String,
    pub lat: f64,
    pub lon: f64,
    pub precision: LocationPrecision,
}

/// What lets a reader check an event against its text.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Evidence {
    pub article_id: String,
    pub sentence_index: u32,
    pub sentence: String,
    /// Byte range of the sentence (or of the matched clause) within the cleaned article body.
    pub span: [u32; 2],
    /// The pattern that produced the event, readable: `sign + &AGREEMENT`.
    pub rule: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CoderInfo {
    pub version: String,
    pub dictionaries: String,
}

/// The article a candidate came from, as dedup needs to know it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ArticleRef {
    pub id: String,
    /// The outlet (`example-news.ly`), or `None` when the article did not say.
    pub source: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    pub published_at: DateTime<Utc>,
    pub first_seen: DateTime<Utc>,
    /// Hex hashes copied from [`crate::CleanArticle`]: identical content and near-duplicates.
    pub content_hash: String,
    pub simhash: String,
}

/// One coded event as found in one sentence of one article: the value of `events.extracted`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CandidateEvent {
    pub event_date: NaiveDate,
    pub date_precision: DatePrecision,
    pub code: String,
    pub base_code: String,
    pub root_code: String,
    pub quad_class: u8,
    pub goldstein: f32,
    pub plover: Option<String>,
    pub source: Option<Actor>,
    pub target: Option<Actor>,
    pub location: Option<Location>,
    pub evidence: Evidence,
    pub confidence: f32,
    pub negated: bool,
    pub article: ArticleRef,
    pub coder: CoderInfo,
}

impl CandidateEvent {
    /// The key of `events.extracted`: every candidate that could describe the same event
    /// (same actors, same root code) shares it, so they land on one partition and one dedup
    /// instance sees them all. Dates and places are compared inside dedup, not in the key.
    pub fn partition_key(&self) -> String {
        fn code(a: &Option<Actor>) -> &str {
            a.as_ref().map_or("-", |a| a.code.as_str())
        }
        format!(
            "{}|{}|{}",
            code(&self.source),
            code(&self.target),
            self.root_code
        )
    }
}

/// How many reports carry an event.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Mentions {
    /// Sentences (across all articles) that reported the event.
    pub num_mentions: u32,
    pub num_articles: u32,
    /// Distinct outlets.
    pub num_sources: u32,
    /// Reports that are not syndicated copies of one another.
    pub num_independent: u32,
    pub article_ids: Vec<String>,
    pub sources: Vec<String>,
    pub first_seen: DateTime<Utc>,
    pub last_seen: DateTime<Utc>,
}

/// A deduplicated event: the value of the `events` topic.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Event {
    pub schema: String,
    pub event_id: String,
    pub revision: u32,
    pub event_date: NaiveDate,
    pub date_precision: DatePrecision,
    pub code: String,
    pub base_code: String,
    pub root_code: String,
    pub quad_class: u8,
    pub goldstein: f32,
    pub plover: Option<String>,
    pub source: Option<Actor>,
    pub target: Option<Actor>,
    pub location: Option<Location>,
    pub evidence: Evidence,
    pub confidence: f32,
    pub negated: bool,
    pub mentions: Mentions,
    pub coder: CoderInfo,
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The first revision of an event built from its first candidate (dedup builds published
    /// events itself, reusing the candidate's strings; this is the plain form for the test).
    fn from_candidate(c: &CandidateEvent, event_id: String, mentions: Mentions) -> Event {
        Event {
            schema: EVENT_SCHEMA.to_string(),
            event_id,
            revision: 1,
            event_date: c.event_date,
            date_precision: c.date_precision,
            code: c.code.clone(),
            base_code: c.base_code.clone(),
            root_code: c.root_code.clone(),
            quad_class: c.quad_class,
            goldstein: c.goldstein,
            plover: c.plover.clone(),
            source: c.source.clone(),
            target: c.target.clone(),
            location: c.location.clone(),
            evidence: c.evidence.clone(),
            confidence: c.confidence,
            negated: c.negated,
            mentions,
            coder: c.coder.clone(),
        }
    }

    fn actor(code: &str) -> Actor {
        Actor {
            code: code.into(),
            country: Some(code[..3].into()),
            agents: vec![],
            name: code.into(),
            text: code.into(),
        }
    }

    #[test]
    fn partition_key_groups_by_actors_and_root() {
        let json = serde_json::json!({
            "event_date": "2019-03-22", "date_precision": "day", "code": "057",
            "base_code": "057", "root_code": "05", "quad_class": 1, "goldstein": 8.0,
            "plover": "SUPPORT", "source": null, "target": null, "location": null,
            "evidence": {"article_id": "a", "sentence_index": 0, "sentence": "s",
                         "span": [0, 1], "rule": "r"},
            "confidence": 0.9, "negated": false,
            "article": {"id": "a", "source": "x", "published_at": "2019-03-25T09:30:00Z",
                        "first_seen": "2019-03-25T09:31:00Z", "content_hash": "00",
                        "simhash": "00"},
            "coder": {"version": "0.1.0", "dictionaries": "2026.11"}
        });
        let mut c: CandidateEvent = serde_json::from_value(json).unwrap();
        assert_eq!(c.partition_key(), "-|-|05");
        c.source = Some(actor("RUS"));
        c.target = Some(actor("LBYGOV"));
        assert_eq!(c.partition_key(), "RUS|LBYGOV|05");
        let e = from_candidate(
            &c,
            "abc".into(),
            Mentions {
                num_mentions: 1,
                num_articles: 1,
                num_sources: 1,
                num_independent: 1,
                article_ids: vec!["a".into()],
                sources: vec!["x".into()],
                first_seen: c.article.first_seen,
                last_seen: c.article.first_seen,
            },
        );
        let v = serde_json::to_value(&e).unwrap();
        assert_eq!(v["schema"], "dragoman.event/v1");
        assert_eq!(v["code"], "057");
        assert_eq!(v["date_precision"], "day");
    }
}
