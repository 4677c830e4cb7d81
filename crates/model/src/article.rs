//! Articles as they arrive (`Article`) and as ingest hands them on (`CleanArticle`).

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::ArticleRef;

/// An input article, docs/contracts.md#article-input. Field types are checked by serde; the
/// semantic checks (non-empty body, size limit, RFC 3339 date) belong to ingest.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Article {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    /// The outlet that published the article (`example-news.ly`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
    /// RFC 3339, kept as text so that ingest can report a bad value precisely.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub published_at: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    pub body: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub language: Option<String>,
    /// `text/html` or `text/plain`; HTML is also detected when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub content_type: Option<String>,
    /// Unknown fields are kept (and ignored) so that nothing the producer sent is lost.
    #[serde(flatten)]
    pub extra: serde_json::Map<String, serde_json::Value>,
}

/// An article after ingest: boilerplate removed, text normalised, language known, id stable.
/// This is the value of the `articles.clean` topic.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CleanArticle {
    pub id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
    /// The publication time, or `first_seen` when the article had none
    /// (then `published_at_inferred` is true).
    pub published_at: DateTime<Utc>,
    #[serde(default)]
    pub published_at_inferred: bool,
    /// When the pipeline first saw the article (ingest time).
    pub first_seen: DateTime<Utc>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    /// Cleaned, normalised plain text. Evidence spans are byte ranges into this string.
    pub body: String,
    /// ISO 639-1 code (`en`), or `und` when it could not be told.
    pub language: String,
    /// Whether the coder should treat the text as English.
    pub is_english: bool,
    /// 64-bit hash of the normalised body, hex: equal bodies are the same content.
    pub content_hash: String,
    /// 64-bit SimHash of the body's word shingles, hex: near-duplicates differ in few bits.
    pub simhash: String,
    /// Paragraphs dropped as page boilerplate, for explanation and metrics.
    #[serde(default)]
    pub boilerplate_removed: u32,
    /// Where the story was filed, when its first paragraph opens with a dateline
    /// ("CAIRO, June 4 (Reuters) - ..."). The dateline stays in `body`, so that evidence spans
    /// and fingerprints keep meaning the text as published; `end` says where the story's own
    /// words begin.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dateline: Option<Dateline>,
}

/// A dateline: the place a story says it was filed from, at the top of its first paragraph.
/// It is not where the story's events happened: the coder uses it for an event's location
/// only when the text names no place (docs/contracts.md#location).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Dateline {
    /// The place as the dateline writes it: `CAIRO`, `NEW DELHI`, `Kyiv, Ukraine`.
    pub place: String,
    /// Byte offset in the body where the story's text begins, after the dateline and its
    /// dash or colon.
    pub end: u32,
}

impl CleanArticle {
    /// An English article of already clean plain text, with no outlet, url or fingerprints:
    /// what coding a text outside the pipeline starts from (tests, benchmarks, tools). No
    /// dateline is looked for here; the coder looks for one in a body that has none recorded.
    pub fn from_text(
        id: impl Into<String>,
        body: impl Into<String>,
        published_at: DateTime<Utc>,
    ) -> Self {
        Self {
            id: id.into(),
            url: None,
            source: None,
            published_at,
            published_at_inferred: false,
            first_seen: published_at,
            title: None,
            body: body.into(),
            language: "en".into(),
            is_english: true,
            content_hash: String::new(),
            simhash: String::new(),
            boilerplate_removed: 0,
            dateline: None,
        }
    }

    /// The article as the events coded from it refer to it.
    pub fn article_ref(&self) -> ArticleRef {
        ArticleRef {
            id: self.id.clone(),
            source: self.source.clone(),
            url: self.url.clone(),
            published_at: self.published_at,
            first_seen: self.first_seen,
            content_hash: self.content_hash.clone(),
            simhash: self.simhash.clone(),
        }
    }
}
