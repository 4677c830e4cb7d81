//! Property test of the article parser and cleaner: [`dragoman_ingest::clean`] on arbitrary
//! bytes, on token soup that is almost JSON, on the sample articles mutated byte by byte and
//! field by field, and on generated HTML pages full of hostile markup. For every input: no
//! panic, a refusal under one of the known reasons or a clean article whose every field is
//! bounded by the input's size, and heap use linear in the input. The time of each input is
//! measured and the worst printed (not asserted: the machine is shared).
//!
//! Inputs come from a seeded generator: `DRAGOMAN_FUZZ_SEED` replays or varies them,
//! `DRAGOMAN_FUZZ_SCALE` (default 1) multiplies the number of cases for a longer run.

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::time::Duration;

use dragoman_testkit::{measured, scale, Counting, Rng};

use chrono::{DateTime, TimeZone, Utc};
use dragoman_ingest::{clean, IngestError, IngestOptions};
use serde_json::Value;

#[global_allocator]
static ALLOC: Counting = Counting;

fn seed() -> u64 {
    dragoman_testkit::seed(0x001D_6E57)
}

/// Characters that have broken text handling somewhere: controls, invisible marks, direction
/// overrides, line separators, the NFKC expansions, the replacement character, a BOM.
const SPECIAL_CHARS: [char; 24] = [
    '\0',
    '\u{1}',
    '\u{7}',
    '\u{1b}',
    '\u{7f}',
    '\r',
    '\t',
    '\u{85}',
    '\u{a0}',
    '\u{ad}',
    '\u{200b}',
    '\u{200d}',
    '\u{202e}',
    '\u{2028}',
    '\u{2029}',
    '\u{3000}',
    '\u{feff}',
    '\u{fffd}',
    '\u{fdfa}',
    '\u{fb2c}',
    '\u{1f600}',
    '\u{e9}',
    'e',
    '\u{301}',
];

// ---- what must hold of every input ----

/// The clean articles' size over the input's size: entities shrink, NFKC may grow a
/// character up to 18 characters (U+FDFA: 3 bytes to 33), nothing else adds text.
const GROWTH: usize = 12;
/// Heap per input: a fixed allowance plus this many bytes per input byte (an HTML parse tree
/// costs some hundred bytes per element, and an element can be three bytes, `<b>`).
const HEAP_BASE: usize = 8 << 20;
const HEAP_PER_BYTE: usize = 300;

#[derive(Default)]
struct Report {
    cases: usize,
    accepted: usize,
    bytes: usize,
    /// The slowest inputs: (time, bytes, label), slowest first.
    slowest: Vec<(Duration, usize, String)>,
    worst_heap: (usize, usize, String),
    total_time: Duration,
    failures: Vec<String>,
}

impl Report {
    fn print(&self, name: &str) {
        eprintln!(
            "{name}: {} inputs ({} accepted, {:.1} MB), {:.2?} in all; most heap {:.1} MB \
             ({} bytes, {})",
            self.cases,
            self.accepted,
            self.bytes as f64 / 1e6,
            self.total_time,
            self.worst_heap.0 as f64 / 1e6,
            self.worst_heap.1,
            self.worst_heap.2,
        );
        for (took, bytes, label) in &self.slowest {
            eprintln!("{name}: slow: {took:.2?} for {bytes} bytes ({label})");
        }
    }

    fn assert_ok(&self, name: &str) {
        self.print(name);
        assert!(
            self.failures.is_empty(),
            "{name} (seed {}): {} of {} inputs failed:\n{}",
            seed(),
            self.failures.len(),
            self.cases,
            self.failures[..self.failures.len().min(20)].join("\n")
        );
    }
}

fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2024, 3, 4, 12, 0, 0).unwrap()
}

fn preview(bytes: &[u8]) -> String {
    let head = String::from_utf8_lossy(&bytes[..bytes.len().min(160)]);
    format!("{head:?}{}", if bytes.len() > 160 { "..." } else { "" })
}

/// Cleans `input` and checks the result; `label` says what kind of input it was.
fn check(report: &mut Report, label: &str, input: &[u8], opts: &IngestOptions) {
    // Data loaded once per process (as the service does at start) is not an input's heap.
    dragoman_ingest::load_data();
    report.cases += 1;
    report.bytes += input.len();
    let (out, took, heap) =
        measured(|| catch_unwind(AssertUnwindSafe(|| clean(input, now(), opts))));
    report.total_time += took;
    if report.slowest.len() < 3 || took > report.slowest[2].0 {
        report.slowest.push((took, input.len(), label.to_owned()));
        report.slowest.sort_by_key(|s| std::cmp::Reverse(s.0));
        report.slowest.truncate(3);
    }
    if heap > report.worst_heap.0 {
        report.worst_heap = (heap, input.len(), label.to_owned());
    }
    let mut fail = |what: String| {
        report.failures.push(format!(
            "case {} ({label}, {} bytes): {what}; input {}",
            report.cases,
            input.len(),
            preview(input)
        ));
    };
    let out = match out {
        Ok(out) => out,
        Err(panic) => {
            let msg = dragoman_testkit::panic_message(&*panic);
            return fail(format!("panicked: {msg}"));
        }
    };
    if heap > HEAP_BASE + HEAP_PER_BYTE * input.len() {
        fail(format!("held {heap} bytes of heap at once"));
    }
    match out {
        Err(e) => check_refusal(&e, input, opts, &mut fail),
        Ok(a) => {
            report.accepted += 1;
            let bound = GROWTH * input.len() + 64;
            if input.len() > opts.max_bytes {
                fail(format!("accepted over max_bytes {}", opts.max_bytes));
            }
            if a.body.trim().is_empty() {
                fail("accepted with an empty body".into());
            }
            for (field, len) in [
                ("body", a.body.len()),
                ("title", a.title.as_deref().map_or(0, str::len)),
                ("id", a.id.len()),
                ("language", a.language.len()),
            ] {
                if len > bound {
                    fail(format!("{field} of {len} bytes"));
                }
            }
            if a.id.trim().is_empty() {
                fail("an empty id".into());
            }
            if a.is_english != (a.language == "en") {
                fail(format!("is_english {} for {:?}", a.is_english, a.language));
            }
            let hex16 = |s: &str| s.len() == 16 && s.bytes().all(|b| b.is_ascii_hexdigit());
            if !hex16(&a.content_hash) || !hex16(&a.simhash) {
                fail(format!("fingerprints {:?} {:?}", a.content_hash, a.simhash));
            }
            if a.first_seen != now() || (a.published_at_inferred && a.published_at != now()) {
                fail(format!(
                    "dates: first_seen {} published_at {} inferred {}",
                    a.first_seen, a.published_at, a.published_at_inferred
                ));
            }
        }
    }
}

fn check_refusal(
    e: &IngestError,
    input: &[u8],
    opts: &IngestOptions,
    fail: &mut dyn FnMut(String),
) {
    let reason = e.reason();
    if !IngestError::REASONS.contains(&reason) {
        fail(format!("unknown reason {reason}"));
    }
    // The message goes into a DLQ header and a log line: it must not echo the input.
    let message = e.to_string();
    if message.len() > 1024 {
        fail(format!("a {}-byte error message", message.len()));
    }
    if input.len() > opts.max_bytes && reason != "too_large" {
        fail(format!("{reason} for a record over max_bytes"));
    }
}

// ---- inputs ----

/// The team's sample articles (valid and invalid ones), as raw lines.
fn samples() -> Vec<Vec<u8>> {
    let path =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/articles.jsonl");
    std::fs::read(&path)
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()))
        .split(|b| *b == b'\n')
        .filter(|l| !l.is_empty())
        .map(<[u8]>::to_vec)
        .collect()
}

const TOKENS: [&str; 28] = [
    "{",
    "}",
    "[",
    "]",
    ":",
    ",",
    "\"",
    "\"body\"",
    "\"title\"",
    "\"published_at\"",
    "\"id\"",
    "\"url\"",
    "\"content_type\"",
    "null",
    "true",
    "1e999",
    "-0",
    "\"\\u0000\"",
    "\"\\ud800\"",
    "\"\\u",
    "\\",
    "\"text/html\"",
    "\"<p>Russia and China met.</p>\"",
    "\"2019-03-25T09:30:00Z\"",
    " ",
    "\n",
    "\u{feff}",
    "\"\u{e9}\"",
];

fn token_soup(rng: &mut Rng, max: usize) -> Vec<u8> {
    let mut out = Vec::new();
    if rng.chance(70) {
        out.extend_from_slice(b"{\"body\":");
    }
    let n = rng.len(max / 4);
    for _ in 0..n {
        out.extend_from_slice(rng.pick(&TOKENS).as_bytes());
    }
    out
}

fn random_bytes(rng: &mut Rng, max: usize) -> Vec<u8> {
    let n = rng.len(max);
    match rng.below(3) {
        0 => (0..n).map(|_| rng.next_u64() as u8).collect(),
        1 => (0..n).map(|_| b' ' + rng.below(95) as u8).collect(),
        _ => (0..n)
            .map(|_| rng.char(&SPECIAL_CHARS))
            .collect::<String>()
            .into_bytes(),
    }
}

/// Markup that has broken HTML-to-text code somewhere, each at most a few hundred KB.
fn hostile_markup(rng: &mut Rng) -> String {
    let kind = rng.below(HOSTILE_KINDS);
    hostile(rng, kind)
}

const HOSTILE_KINDS: usize = 18;

fn hostile(rng: &mut Rng, kind: usize) -> String {
    let n = 1 + rng.len(20_000);
    match kind {
        0 => "<div>".repeat(n),
        1 => format!(
            "{}text{}",
            "<table><tr><td>".repeat(n / 4 + 1),
            "</td></tr></table>".repeat(n / 4 + 1)
        ),
        2 => "<script>var a = '</scr' + 'ipt>'; ".to_owned() + &"x".repeat(n),
        3 => "<!-- unclosed comment ".to_owned() + &"-".repeat(n),
        4 => "<![CDATA[".to_owned() + &"]".repeat(n),
        5 => "&#x110000;&#0;&#xD800;&#99999999999;&amp;amp;&lt;&#x;&;".repeat(n / 40 + 1),
        6 => "<p></p>".repeat(n),
        7 => "a".repeat(n * 10),
        8 => format!("<a href=\"{}\">link</a>", "h".repeat(n * 5)),
        9 => "<br>".repeat(n),
        10 => "&nbsp;".repeat(n),
        11 => "e\u{301}\u{302}\u{303}\u{304}".repeat(n),
        12 => "\u{202e}\u{200b}\u{feff}\u{fdfa}".repeat(n),
        13 => "<p class=\"share related nav cookie\">Share this article</p>".repeat(n / 40 + 1),
        14 => "<title>".repeat(n / 10 + 1) + "headline",
        15 => "\r\n".repeat(n),
        16 => "<svg><math><template><noscript><iframe>".repeat(n / 40 + 1),
        _ => (0..n).map(|_| rng.char(&SPECIAL_CHARS)).collect(),
    }
}

const TAGS: [&str; 34] = [
    "div",
    "p",
    "span",
    "script",
    "style",
    "article",
    "main",
    "nav",
    "header",
    "footer",
    "aside",
    "h1",
    "h2",
    "h3",
    "ul",
    "ol",
    "li",
    "table",
    "tr",
    "td",
    "a",
    "b",
    "i",
    "em",
    "img",
    "figure",
    "figcaption",
    "blockquote",
    "pre",
    "noscript",
    "iframe",
    "template",
    "form",
    "section",
];
const CLASSES: [&str; 10] = [
    "article-body",
    "content",
    "share",
    "related",
    "nav",
    "cookie",
    "byline",
    "ad",
    "story",
    "",
];
const WORDS: [&str; 24] = [
    "Russia",
    "China",
    "the",
    "signed",
    "an",
    "agreement",
    "with",
    "Libya",
    "in",
    "Moscow",
    "on",
    "Monday",
    ".",
    ",",
    "Read",
    "more",
    "Share",
    "this",
    "\u{e9}t\u{e9}",
    "\u{4e2d}\u{56fd}",
    "said",
    "police",
    "attacked",
    "protesters",
];

/// A random page: nested tags with attributes and news-like text, up to about `max` bytes.
fn html_page(rng: &mut Rng, max: usize) -> String {
    let mut out =
        String::from("<!doctype html><html><head><title>Talks | Site</title></head><body>");
    let mut open: Vec<&str> = Vec::new();
    while out.len() < max {
        match rng.below(10) {
            0..=2 if open.len() < 300 => {
                let tag = *rng.pick(&TAGS);
                let class = *rng.pick(&CLASSES);
                out.push_str(&format!(
                    "<{tag} class=\"{class}\" id=\"x{}\">",
                    rng.below(100)
                ));
                open.push(tag);
            }
            3 | 4 => {
                if let Some(tag) = open.pop() {
                    // Sometimes the wrong closing tag, as scrapers deliver.
                    let tag = if rng.chance(10) {
                        *rng.pick(&TAGS)
                    } else {
                        tag
                    };
                    out.push_str(&format!("</{tag}>"));
                }
            }
            5 if rng.chance(10) => out.push_str(&hostile_markup(rng)),
            _ => {
                for _ in 0..1 + rng.below(30) {
                    let word = *rng.pick(&WORDS);
                    out.push_str(word);
                    out.push(' ');
                }
            }
        }
    }
    out
}

/// A mutated copy of `base`: a few byte-level edits, with a splice from `other`.
fn mutate_bytes(rng: &mut Rng, base: &[u8], other: &[u8]) -> Vec<u8> {
    let mut out = base.to_vec();
    for _ in 0..1 + rng.below(8) {
        let at = rng.below(out.len() + 1);
        match rng.below(7) {
            0 if !out.is_empty() => {
                let i = at.min(out.len() - 1);
                out[i] ^= 1 << rng.below(8);
            }
            1 if !out.is_empty() => {
                let i = at.min(out.len() - 1);
                out[i] = rng.next_u64() as u8;
            }
            2 => {
                let junk: Vec<u8> = (0..rng.len(64)).map(|_| rng.next_u64() as u8).collect();
                out.splice(at..at, junk);
            }
            3 => {
                let end = (at + rng.len(256)).min(out.len());
                out.drain(at..end);
            }
            4 => {
                let end = (at + rng.len(4096)).min(out.len());
                let chunk = out[at..end].to_vec();
                out.splice(at..at, chunk);
            }
            5 => out.truncate(at),
            _ => {
                let from = rng.below(other.len() + 1);
                let end = (from + rng.len(1024)).min(other.len());
                out.splice(at..at, other[from..end].iter().copied());
            }
        }
    }
    out
}

/// Inserts `snippet` into `text` at a random character boundary.
fn insert(rng: &mut Rng, text: &mut String, snippet: &str) {
    let at = text.floor_char_boundary(rng.below(text.len() + 1));
    text.insert_str(at, snippet);
}

const DATES: [&str; 12] = [
    "2019-03-25T09:30:00Z",
    "2019-03-25T09:30:00+14:00",
    "1970-01-01T00:00:00Z",
    "0000-01-01T00:00:00Z",
    "9999-12-31T23:59:59Z",
    "2016-12-31T23:59:60Z",
    "",
    "  ",
    "2019-02-30T00:00:00Z",
    "yesterday",
    "2019-03-25T09:30:00.123456789123Z",
    "\u{0}",
];
const CONTENT_TYPES: [&str; 6] = [
    "text/html",
    "text/plain",
    "application/xhtml+xml; charset=utf-8",
    "TEXT/HTML",
    "",
    "image/png",
];

fn random_value(rng: &mut Rng) -> Value {
    match rng.below(7) {
        0 => Value::Null,
        1 => Value::Bool(rng.chance(50)),
        2 => Value::from(rng.next_u64() as i64),
        3 => Value::from(f64::from_bits(rng.next_u64()).clamp(-1e300, 1e300)),
        4 => Value::Array(vec![Value::from("x"); rng.below(4)]),
        5 => Value::Object(serde_json::Map::new()),
        _ => Value::from(
            (0..rng.len(200))
                .map(|_| rng.char(&SPECIAL_CHARS))
                .collect::<String>(),
        ),
    }
}

/// A mutated copy of a sample article, field by field: the JSON stays valid, so the text
/// reaches the HTML, boilerplate, language and fingerprint code.
fn mutate_article(rng: &mut Rng, base: &[u8]) -> (Vec<u8>, String) {
    let Ok(Value::Object(mut map)) = serde_json::from_slice::<Value>(base) else {
        return (base.to_vec(), "sample, not an object".into());
    };
    let mut done = Vec::new();
    for _ in 0..1 + rng.below(4) {
        match rng.below(8) {
            0..=2 => {
                let mut body = map
                    .get("body")
                    .and_then(Value::as_str)
                    .unwrap_or_default()
                    .to_owned();
                let kind = rng.below(HOSTILE_KINDS);
                let snippet = hostile(rng, kind);
                insert(rng, &mut body, &snippet);
                map.insert("body".into(), body.into());
                done.push(format!("body+markup#{kind}"));
            }
            3 => {
                let size = 1 + rng.len(64 * 1024);
                let page = html_page(rng, size);
                map.insert("body".into(), page.into());
                if rng.chance(50) {
                    map.insert("content_type".into(), "text/html".into());
                }
                done.push("body=page".into());
            }
            4 => {
                map.insert("published_at".into(), (*rng.pick(&DATES)).into());
                done.push("date".into());
            }
            5 => {
                map.insert("content_type".into(), (*rng.pick(&CONTENT_TYPES)).into());
                done.push("content_type".into());
            }
            6 => {
                let field = *rng.pick(&[
                    "id",
                    "url",
                    "source",
                    "title",
                    "language",
                    "body",
                    "published_at",
                    "extra",
                ]);
                map.insert(field.into(), random_value(rng));
                done.push(format!("{field}=value"));
            }
            _ => {
                let mut title = map
                    .get("title")
                    .and_then(Value::as_str)
                    .unwrap_or_default()
                    .to_owned();
                let kind = rng.below(HOSTILE_KINDS);
                let mut snippet = hostile(rng, kind);
                // Headlines are short: a few KB keeps the case count up (see the last loop
                // of the test for long ones).
                snippet.truncate(snippet.floor_char_boundary(4096));
                insert(rng, &mut title, &snippet);
                map.insert("title".into(), title.into());
                done.push(format!("title+markup#{kind}"));
            }
        }
    }
    let label = format!("sample, fields mutated: {}", done.join(" "));
    (serde_json::to_vec(&Value::Object(map)).unwrap(), label)
}

fn options(rng: &mut Rng) -> IngestOptions {
    IngestOptions {
        // Mostly the default limit; sometimes a small one, to hit the size check often.
        max_bytes: if rng.chance(10) {
            1 + rng.len(4096)
        } else {
            IngestOptions::default().max_bytes
        },
    }
}

/// An object of the article's fields (and others) with random values, the body mostly a
/// random string: most are articles, of any text.
fn random_object(rng: &mut Rng, max: usize) -> Vec<u8> {
    let mut map = serde_json::Map::new();
    for field in [
        "id",
        "url",
        "source",
        "published_at",
        "title",
        "language",
        "content_type",
        "extra",
    ] {
        if rng.chance(50) {
            let value = if rng.chance(70) {
                Value::from(
                    (0..rng.len(64))
                        .map(|_| rng.char(&SPECIAL_CHARS))
                        .collect::<String>(),
                )
            } else {
                random_value(rng)
            };
            map.insert(field.into(), value);
        }
    }
    let body = if rng.chance(90) {
        let n = rng.len(max / 2);
        Value::from((0..n).map(|_| rng.char(&SPECIAL_CHARS)).collect::<String>())
    } else {
        random_value(rng)
    };
    map.insert("body".into(), body);
    serde_json::to_vec(&Value::Object(map)).unwrap()
}

#[test]
fn arbitrary_bytes_are_refused_or_cleaned_within_bounds() {
    let mut rng = Rng(seed());
    let mut report = Report::default();
    for _ in 0..3000 * scale() {
        let opts = options(&mut rng);
        match rng.below(3) {
            0 => {
                let input = random_bytes(&mut rng, 32 * 1024);
                check(&mut report, "random bytes", &input, &opts);
            }
            1 => {
                let input = token_soup(&mut rng, 32 * 1024);
                check(&mut report, "token soup", &input, &opts);
            }
            _ => {
                let input = random_object(&mut rng, 32 * 1024);
                check(&mut report, "random object", &input, &opts);
            }
        }
    }
    report.assert_ok("arbitrary bytes");
}

#[test]
fn mutated_articles_and_hostile_html_are_cleaned_within_bounds() {
    let mut rng = Rng(seed() ^ 0xA871C1E);
    let samples = samples();
    assert!(samples.len() > 20, "the sample articles");
    let mut report = Report::default();
    for _ in 0..1000 * scale() {
        let opts = options(&mut rng);
        let base = rng.pick(&samples).clone();
        match rng.below(4) {
            0 => {
                let other = rng.pick(&samples).clone();
                let input = mutate_bytes(&mut rng, &base, &other);
                check(&mut report, "sample, bytes mutated", &input, &opts);
            }
            1 | 2 => {
                let (input, label) = mutate_article(&mut rng, &base);
                check(&mut report, &label, &input, &opts);
            }
            _ => {
                let size = 1 + rng.len(128 * 1024);
                let page = html_page(&mut rng, size);
                let input = serde_json::to_vec(&serde_json::json!({
                    "url": "https://example.com/a",
                    "published_at": "2024-03-04T06:00:00Z",
                    "body": page,
                }))
                .unwrap();
                check(&mut report, "generated page", &input, &opts);
            }
        }
    }
    // Each kind of hostile markup at length: a 256 KB body, and an 8 KB headline.
    for kind in 0..HOSTILE_KINDS {
        let mut rng = Rng(seed() ^ kind as u64);
        for (field, size) in [("body", 256 * 1024), ("title", 8 * 1024)] {
            let mut text = String::new();
            while text.len() < size {
                text.push_str(&hostile(&mut rng, kind));
            }
            text.truncate(text.floor_char_boundary(size));
            let mut article = serde_json::json!({
                "body": "<p>Russia and Libya signed a cooperation agreement in Moscow.</p>",
                "content_type": "text/html",
            });
            article[field] = text.into();
            let input = serde_json::to_vec(&article).unwrap();
            let label = format!("{} KB {field} of markup #{kind}", size / 1024);
            check(&mut report, &label, &input, &IngestOptions::default());
        }
    }
    report.assert_ok("mutated articles");
}
