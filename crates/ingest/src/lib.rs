//! The ingest stage as a library: raw article bytes in, a [`CleanArticle`] out.
//!
//! [`clean`] validates the record (docs/contracts.md#article-input), turns HTML into text,
//! strips page boilerplate, normalises Unicode and whitespace, identifies the language, records
//! the dateline that opens the story (docs/contracts.md#location), gives the article a stable
//! id and fingerprints its body. It knows nothing of Kafka: the runtime
//! calls it per record and routes an [`IngestError`] to the dead-letter topic under
//! [`IngestError::reason`].
//!
//! ```
//! let now = chrono::Utc::now();
//! let raw = br#"{"url":"https://example.com/a","title":"Talks resume",
//!                "body":"Egypt and Sudan resumed talks on Tuesday.\n\nBack to top button"}"#;
//! let article = dragoman_ingest::clean(raw, now, &Default::default()).unwrap();
//! assert_eq!(article.body, "Egypt and Sudan resumed talks on Tuesday.");
//! assert!(article.is_english);
//! assert!(article.id.starts_with("u-"));
//! ```

mod blocks;
mod boilerplate;
mod date;
mod error;
mod hash;
mod html;
mod lang;
mod normalize;
mod parse;
#[cfg(feature = "service")]
pub mod service;

use chrono::{DateTime, Utc};
use dragoman_model::{Article, CleanArticle};

pub use date::{earliest_published, latest_published, EARLIEST_PUBLISHED, MAX_AHEAD_HOURS};
pub use error::{IngestError, JsonKind};
pub use hash::{content_hash, hamming, hex64, simhash};
pub use lang::detect_language;
pub use normalize::normalize_line;
pub use parse::parse_article;

/// Limits of the ingest stage; also its `[ingest]` section of the configuration.
#[derive(Debug, Clone, PartialEq, Eq, serde::Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct IngestOptions {
    /// Largest accepted record, in raw bytes (default 1 MiB). Larger records go to the DLQ
    /// as `too_large` before any decoding.
    pub max_bytes: usize,
}

impl Default for IngestOptions {
    fn default() -> Self {
        IngestOptions { max_bytes: 1 << 20 }
    }
}

/// Loads the data [`clean`] reads on first use (the gazetteer, which tells a bare dateline
/// such as "KABUL - " from "NATO - "), so that no article pays for it: a service calls it
/// at start.
pub fn load_data() {
    dragoman_gazetteer::Gazetteer::bundled();
}

/// Parses, validates and cleans one raw article. `now` is when the pipeline first saw it.
pub fn clean(
    bytes: &[u8],
    now: DateTime<Utc>,
    opts: &IngestOptions,
) -> Result<CleanArticle, IngestError> {
    let article = parse_article(bytes, opts.max_bytes)?;
    clean_article(article, now)
}

/// Cleans an article that is already parsed (for callers that hold an [`Article`]).
pub fn clean_article(article: Article, now: DateTime<Utc>) -> Result<CleanArticle, IngestError> {
    let (published_at, published_at_inferred) = match article.published_at.as_deref() {
        Some(s) if !s.trim().is_empty() => (date::parse_published_at(s, now)?, false),
        // An empty string is how some producers say "unknown".
        _ => (now, true),
    };

    if article.body.trim().is_empty() {
        return Err(IngestError::EmptyBody);
    }
    let is_html = match article.content_type.as_deref() {
        Some(ct) if ct.to_ascii_lowercase().contains("html") => true,
        Some(ct) if ct.to_ascii_lowercase().contains("plain") => false,
        _ => html::looks_like_html(&article.body),
    };
    let (blocks, page_title, skipped) = if is_html {
        let page = html::extract(&article.body);
        (page.blocks, page.title, page.skipped)
    } else {
        (blocks::plain_blocks(&article.body), None, 0)
    };

    let given_title = article
        .title
        .as_deref()
        .map(|t| clean_title(t, article.source.as_deref()))
        .filter(|t| !t.is_empty());
    let page_title = page_title
        .map(|t| clean_title(&t, article.source.as_deref()))
        .filter(|t| !t.is_empty());
    let search_title = given_title.as_deref().or(page_title.as_deref());
    let stripped = boilerplate::strip(blocks, search_title);
    let title = given_title.or(page_title).or(stripped.found_title);

    if stripped.paragraphs.is_empty() {
        return Err(IngestError::EmptyBody);
    }
    let body = stripped.paragraphs.join("\n\n");
    let dateline = dateline(&body);

    let language = detect_language(&body, article.language.as_deref());
    let id = match (article.id.as_deref().map(str::trim), article.url.as_deref()) {
        (Some(id), _) if !id.is_empty() => id.to_owned(),
        (_, Some(url)) if !url.trim().is_empty() => hash::id_from_url(url),
        _ => hash::id_from_content(title.as_deref(), &body),
    };

    Ok(CleanArticle {
        id,
        url: article.url,
        source: article.source,
        published_at,
        published_at_inferred,
        first_seen: now,
        title,
        is_english: language == "en",
        language,
        content_hash: hex64(content_hash(&body)),
        simhash: hex64(simhash(&body)),
        boilerplate_removed: stripped.removed + skipped,
        body,
        dateline,
    })
}

/// The dateline that opens the body ("CAIRO, June 4 (Reuters) - "), docs/contracts.md#location.
/// It stays in the body, so that copies filed with other datelines keep their own
/// fingerprints and the extractor's cache, keyed by the body, never gives one article
/// another's dateline. The gazetteer is only read for a bare one ("KABUL - ").
fn dateline(body: &str) -> Option<dragoman_model::Dateline> {
    dragoman_gazetteer::find_dateline(body, |name| {
        dragoman_gazetteer::Gazetteer::bundled().is_place_name(name)
    })
}

/// A headline as it should be shown: markup and entities resolved, normalised, and the site
/// name that pages append ("Talks resume | Example News") removed.
/// Longest raw headline read, in bytes. A headline is a line; markup past this is not one, and
/// html5ever's tree builder is quadratic in unclosed tags (200 KB of `<div>` in a title took
/// 7.7 s).
const MAX_TITLE_BYTES: usize = 4096;

fn clean_title(raw: &str, source: Option<&str>) -> String {
    let raw = &raw[..raw.floor_char_boundary(MAX_TITLE_BYTES)];
    let title = if raw.contains('<') || raw.contains('&') {
        html::fragment_text(raw)
    } else {
        normalize_line(raw)
    };
    // "Headline | Site": the headline is the longest part.
    let title = match title.split(" | ").max_by_key(|part| part.len()) {
        Some(longest) if title.contains(" | ") => longest.trim().to_owned(),
        _ => title,
    };
    // "Headline - Site" only when the tail names the source: hyphens also join headlines.
    if let (Some((head, tail)), Some(source)) = (title.rsplit_once(" - "), source) {
        let squash = |s: &str| boilerplate::key(s).replace(' ', "");
        let tail_key = squash(tail);
        if !tail_key.is_empty() && squash(source).contains(&tail_key) {
            return head.trim().to_owned();
        }
    }
    title
}

#[cfg(test)]
mod tests;
