//! Generated news articles for demos, benchmarks and crash tests: `dragoman loadgen` sends
//! [`Generator::next_record`] payloads to the raw articles topic.
//!
//! The stream looks like what scrapers deliver: articles (docs/contracts.md#article-input)
//! from some thirty invented outlets about real countries, written from templates across all
//! 20 CAMEO roots with filler sentences that code nothing; a share of them as HTML pages full of
//! boilerplate; syndicated copies of earlier stories under other outlets with small edits;
//! and bad records of every [`BadKind`] that ingest must send to the dead-letter topic.
//!
//! Everything is drawn from one seeded RNG, so a seed always gives the same stream (on a
//! given build of `rand`), and a record costs a few microseconds.
//!
//! ```
//! use dragoman_loadgen::{Generator, LoadgenOptions, RecordKind};
//! let mut g = Generator::new(LoadgenOptions { seed: 7, ..Default::default() });
//! let r = g.next_record();
//! if r.kind == RecordKind::Article {
//!     let v: serde_json::Value = serde_json::from_slice(&r.payload).unwrap();
//!     assert!(v["body"].is_string());
//! }
//! ```

mod bad;
mod page;
mod templates;
mod text;
mod world;

use std::collections::VecDeque;

use chrono::{DateTime, Duration, TimeZone, Utc};
use dragoman_model::Article;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

use page::Edition;
use text::{Scene, Story};
use world::OUTLETS;

pub use templates::{Template, TEMPLATES};

/// The size over which ingest must refuse an article; [`BadKind::TooLarge`] bodies exceed it.
pub const TOO_LARGE_BYTES: usize = 1 << 20;

/// How many earlier stories syndicated copies and "Related Articles" boxes draw from.
const HISTORY: usize = 64;

#[derive(Debug, Clone, PartialEq)]
pub struct LoadgenOptions {
    pub seed: u64,
    /// Share of articles (and copies) delivered as HTML pages, 0..=1.
    pub html_fraction: f64,
    /// Share of all records that are syndicated copies of an earlier article, 0..=1.
    pub copy_fraction: f64,
    /// Share of all records that are bad, 0..=1.
    pub bad_fraction: f64,
    /// The publication time of the first article; later ones follow every few seconds.
    pub start: DateTime<Utc>,
    /// The ingest size limit that [`BadKind::TooLarge`] records exceed. Set it to the
    /// deployment's `ingest.max_bytes`: a broker refuses records much over 1 MB by default.
    pub too_large_bytes: usize,
}

impl Default for LoadgenOptions {
    fn default() -> Self {
        LoadgenOptions {
            seed: 0,
            html_fraction: 0.3,
            copy_fraction: 0.1,
            bad_fraction: 0.01,
            // A fixed start keeps default runs reproducible; callers pass `Utc::now()` for
            // live demos.
            start: Utc.with_ymd_and_hms(2024, 3, 4, 6, 0, 0).unwrap(),
            too_large_bytes: TOO_LARGE_BYTES,
        }
    }
}

/// One message for the raw articles topic.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Record {
    /// The article id, or `None` for records sent without a key (as producers may).
    pub key: Option<String>,
    pub payload: Vec<u8>,
    pub kind: RecordKind,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum RecordKind {
    Article,
    /// An earlier article's story under another outlet, lightly edited.
    SyndicatedCopy,
    Bad(BadKind),
}

/// The ways a record can fail to be an article, one per dead-letter reason ingest knows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum BadKind {
    /// Not parseable as JSON (a truncated message, or plain text).
    InvalidJson,
    /// Invalid UTF-8 bytes inside the JSON.
    NotUtf8,
    /// Valid JSON, but an array of articles rather than one object.
    JsonArray,
    /// An object with no `body`.
    MissingBody,
    /// A `body` that is empty or only whitespace.
    EmptyBody,
    /// A field of the wrong JSON type (`"body": 42`, `"published_at": 1553506200`, ...).
    WrongType,
    /// A valid article whose body is over [`TOO_LARGE_BYTES`].
    TooLarge,
    /// A `published_at` no article can have: a placeholder year 1 or 0, or 9999-12-31 late in
    /// a time zone behind UTC (year 10000 in UTC).
    DateOutOfRange,
}

impl BadKind {
    pub const ALL: [BadKind; 8] = [
        BadKind::InvalidJson,
        BadKind::NotUtf8,
        BadKind::JsonArray,
        BadKind::MissingBody,
        BadKind::EmptyBody,
        BadKind::WrongType,
        BadKind::TooLarge,
        BadKind::DateOutOfRange,
    ];
}

/// A story once published, kept so that later records can copy it.
struct Published {
    story: Story,
    outlet: usize,
}

pub struct Generator {
    opts: LoadgenOptions,
    rng: StdRng,
    /// Records produced so far; numbers ids and urls.
    seq: u64,
    now: DateTime<Utc>,
    history: VecDeque<Published>,
}

impl Generator {
    pub fn new(opts: LoadgenOptions) -> Self {
        Generator {
            rng: StdRng::seed_from_u64(opts.seed),
            seq: 0,
            now: opts.start,
            history: VecDeque::with_capacity(HISTORY),
            opts,
        }
    }

    /// The next record of the stream: the same sequence for the same options.
    pub fn next_record(&mut self) -> Record {
        self.seq += 1;
        // Whole seconds, as published_at is written: every record is strictly later.
        self.now += Duration::seconds(self.rng.gen_range(1..=20));
        let roll: f64 = self.rng.gen();
        if roll < self.opts.bad_fraction {
            let kind = BadKind::ALL[self.rng.gen_range(0..BadKind::ALL.len())];
            return self.bad(kind);
        }
        if roll < self.opts.bad_fraction + self.opts.copy_fraction && !self.history.is_empty() {
            return self.copy();
        }
        self.article()
    }

    /// A bad record of the given kind (also used by tests and crash drills directly).
    pub fn bad(&mut self, kind: BadKind) -> Record {
        // Stories of bad records are not remembered: copies are of articles that got through.
        let article = self.fresh_article(false, false);
        let key = article.id.clone();
        let payload = bad::make(&mut self.rng, kind, article, self.opts.too_large_bytes);
        Record {
            key,
            payload,
            kind: RecordKind::Bad(kind),
        }
    }

    fn article(&mut self) -> Record {
        let html = self.rng.gen_bool(self.opts.html_fraction.clamp(0.0, 1.0));
        let article = self.fresh_article(html, true);
        self.finish(article, RecordKind::Article)
    }

    /// Writes a new story, lays it out for a random outlet, and (if `remember`) keeps it for
    /// later copies.
    fn fresh_article(&mut self, html: bool, remember: bool) -> Article {
        let scene = Scene::pick(&mut self.rng, self.now);
        let story = text::write_story(&mut self.rng, &scene);
        let outlet = self.rng.gen_range(0..OUTLETS.len());
        let stamp = Stamp {
            now: self.now,
            seq: self.seq,
        };
        let article = lay_out(
            &mut self.rng,
            &self.history,
            stamp,
            &story,
            outlet,
            None,
            html,
            None,
        );
        if remember {
            if self.history.len() == HISTORY {
                self.history.pop_front();
            }
            self.history.push_back(Published { story, outlet });
        }
        article
    }

    /// A copy of an earlier story: another outlet, its own dateline and page, the headline
    /// lightly edited, and (for longer stories) one sentence after the lead dropped.
    fn copy(&mut self) -> Record {
        let i = self.rng.gen_range(0..self.history.len());
        let original_outlet = self.history[i].outlet;
        let outlet = (original_outlet + self.rng.gen_range(1..OUTLETS.len())) % OUTLETS.len();
        let n = self.history[i].story.sentences.len();
        let drop = (n > 4).then(|| self.rng.gen_range(1..n));
        let title = {
            let original = &self.history[i].story.title;
            match self.rng.gen_range(0..4) {
                0 => format!("UPDATE 1-{original}"),
                1 => format!("{original} - sources"),
                2 => format!("{original}: officials"),
                _ => original.clone(),
            }
        };
        let html = self.rng.gen_bool(self.opts.html_fraction.clamp(0.0, 1.0));
        let article = lay_out(
            &mut self.rng,
            &self.history,
            Stamp {
                now: self.now,
                seq: self.seq,
            },
            &self.history[i].story,
            outlet,
            drop,
            html,
            Some(title),
        );
        self.finish(article, RecordKind::SyndicatedCopy)
    }

    fn finish(&self, article: Article, kind: RecordKind) -> Record {
        let key = article.id.clone();
        // Serialising our own struct to a Vec cannot fail.
        let payload = serde_json::to_vec(&article).unwrap_or_default();
        Record { key, payload, kind }
    }
}

/// When and as which record of the stream an article is laid out.
#[derive(Clone, Copy)]
struct Stamp {
    now: DateTime<Utc>,
    seq: u64,
}

/// Lays a story out as `outlet` publishes it, as an article.
#[allow(clippy::too_many_arguments)] // private, and each argument is one decision
fn lay_out(
    rng: &mut StdRng,
    history: &VecDeque<Published>,
    stamp: Stamp,
    story: &Story,
    outlet: usize,
    drop_sentence: Option<usize>,
    html: bool,
    title: Option<String>,
) -> Article {
    let (outlet_name, domain) = OUTLETS[outlet];
    let ed = Edition {
        outlet: outlet_name,
        published: stamp.now,
        drop_sentence,
    };
    let title = title.unwrap_or_else(|| story.title.clone());
    let mut body = String::with_capacity(if html { 4096 } else { 1024 });
    if html {
        let related: Vec<&str> = (0..rng.gen_range(0..=4))
            .filter_map(|_| {
                let n = history.len();
                (n > 0).then(|| history[rng.gen_range(0..n)].story.title.as_str())
            })
            .collect();
        page::html_page(rng, story, &ed, &related, &mut body);
    } else {
        page::plain_body(story, &ed, &mut body);
    }

    let day = stamp.now.format("%Y%m%d");
    let id = format!("lg-{day}-{:08}", stamp.seq);
    let url = format!(
        "https://www.{domain}/{}/{}/{}-{}",
        story.section,
        stamp.now.format("%Y/%m"),
        slug(&title),
        stamp.seq
    );
    // Some producers send no id (ingest derives it from the url) and, rarely, no
    // publication time (ingest uses first-seen time); HTML pages usually say what they are.
    let with_id = rng.gen_bool(0.95);
    let with_time = rng.gen_bool(0.98);
    let typed = html && rng.gen_bool(0.9);
    Article {
        id: with_id.then_some(id),
        url: Some(url),
        source: Some(domain.to_owned()),
        published_at: with_time
            .then(|| stamp.now.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)),
        title: Some(title),
        body,
        language: Some("en".to_owned()),
        content_type: typed.then(|| "text/html".to_owned()),
        extra: serde_json::Map::new(),
    }
}

/// A url slug from a headline: lower-case words joined by hyphens, at most eight.
fn slug(title: &str) -> String {
    let mut out = String::with_capacity(title.len());
    for word in title
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
        .take(8)
    {
        if !out.is_empty() {
            out.push('-');
        }
        out.extend(word.chars().map(|c| c.to_ascii_lowercase()));
    }
    out
}

#[cfg(test)]
mod tests;
