//! Property test of the coder: [`Coder::code_article`] on generated text that real news never
//! looks like (run-on sentences of thousands of clauses, one name repeated, tokens of
//! hundreds of KB, deep brackets and quotes, abbreviations without end, random Unicode) and
//! on news-like text with impossible dates, under publication dates from year 0 to 9999. For
//! every input: no panic, output within [`Coder::limits`] (events per article, evidence
//! bytes), evidence that points into the text, codes from the CAMEO table, and heap linear in
//! the input. The time of each input is measured and the slowest printed (not asserted: the
//! machine is shared).
//!
//! Inputs come from a seeded generator: `DRAGOMAN_FUZZ_SEED` replays or varies them,
//! `DRAGOMAN_FUZZ_SCALE` (default 1) multiplies the number of cases for a longer run.

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::time::Duration;

use dragoman_testkit::{measured, scale, Counting, Rng};

use chrono::{DateTime, TimeZone, Utc};
use dragoman_coder::{Coder, Cuts};
use dragoman_model::{CameoTable, CleanArticle};

#[global_allocator]
static ALLOC: Counting = Counting;

fn seed() -> u64 {
    dragoman_testkit::seed(0x00C0_DE12)
}

const SPECIAL_CHARS: [char; 20] = [
    '\0',
    '\u{1}',
    '\u{1b}',
    '\r',
    '\t',
    '\n',
    '\u{85}',
    '\u{a0}',
    '\u{ad}',
    '\u{200b}',
    '\u{202e}',
    '\u{2028}',
    '\u{3000}',
    '\u{feff}',
    '\u{fffd}',
    '\u{fdfa}',
    '\u{1f600}',
    '\u{e9}',
    '\u{301}',
    '\u{2019}',
];

// ---- text generators ----

const ACTORS: [&str; 24] = [
    "Russia",
    "China",
    "the United States",
    "France",
    "Germany",
    "Ukraine",
    "Israel",
    "Iran",
    "Egypt",
    "Sudan",
    "Libya",
    "NATO",
    "the United Nations",
    "President Vladimir Putin",
    "Xi Jinping",
    "Emmanuel Macron",
    "police",
    "rebels",
    "the government",
    "protesters",
    "Hamas",
    "the European Union",
    "Turkish troops",
    "the Kremlin",
];
const VERBS: [&str; 16] = [
    "signed an agreement with",
    "attacked",
    "accused",
    "met with",
    "criticized",
    "threatened",
    "imposed sanctions on",
    "praised",
    "arrested",
    "killed",
    "expelled diplomats of",
    "called for talks with",
    "condemned",
    "shelled",
    "hosted",
    "rejected a proposal from",
];
const WHEN: [&str; 14] = [
    "on Monday",
    "last week",
    "on 31 February 2019",
    "in 1066",
    "next year",
    "on Tuesday night",
    "on 9999-12-31",
    "yesterday",
    "in December",
    "on January 1",
    "two days ago",
    "on the 45th",
    "in the year 0",
    "tomorrow",
];
const PLACES: [&str; 8] = [
    "in Moscow",
    "in Tripoli",
    "in Beijing",
    "near the border",
    "in Gaza",
    "at the UN",
    "in Springfield",
    "in Paris, Texas",
];

fn clause(rng: &mut Rng) -> String {
    let mut c = format!(
        "{} {} {}",
        rng.pick(&ACTORS),
        rng.pick(&VERBS),
        rng.pick(&ACTORS)
    );
    if rng.chance(40) {
        c.push(' ');
        c.push_str(rng.word(&PLACES));
    }
    if rng.chance(40) {
        c.push(' ');
        c.push_str(rng.word(&WHEN));
    }
    c
}

/// The kinds of text; each gives a body of about `size` bytes.
const KINDS: [&str; 9] = [
    "run-on sentence",
    "repeated name",
    "huge token",
    "deep brackets",
    "deep quotes",
    "abbreviations",
    "random unicode",
    "news soup",
    "punctuation storm",
];

fn text(rng: &mut Rng, kind: usize, size: usize) -> String {
    let mut out = String::with_capacity(size + 256);
    match kind {
        0 => {
            // One sentence of clauses and no full stop.
            while out.len() < size {
                out.push_str(&clause(rng));
                out.push_str(rng.word(&[", and ", " and ", "; ", ", while ", " - "]));
            }
        }
        1 => {
            let name = *rng.pick(&ACTORS);
            let sep = *rng.pick(&[" ", " and ", ", ", "-", ". "]);
            while out.len() < size {
                out.push_str(name);
                out.push_str(sep);
                if rng.chance(2) {
                    out.push_str(rng.word(&VERBS));
                    out.push(' ');
                }
            }
        }
        2 => {
            let unit = *rng.pick(&[
                "a",
                "Russia-",
                "9",
                "https://x.example/",
                "\u{4e2d}",
                "e\u{301}",
            ]);
            out.push_str("Russia signed an agreement with ");
            while out.len() < size {
                out.push_str(unit);
            }
            out.push_str(" in Moscow on Monday.");
        }
        3 => {
            let depth = size / 4;
            out.push_str(&"(".repeat(depth));
            out.push_str(&clause(rng));
            out.push_str(&")".repeat(depth));
            out.push('.');
        }
        4 => {
            let depth = size / 8;
            for i in 0..depth {
                out.push_str(if i % 2 == 0 { "\"" } else { "'" });
                out.push_str(if i % 3 == 0 { "\u{201c}" } else { "" });
            }
            out.push_str(&clause(rng));
            out.push_str(&"\u{201d}\"'".repeat(depth / 2));
        }
        5 => {
            while out.len() < size {
                out.push_str(rng.word(&["U.S.", "Mr.", "Dr. ", "U.N.", "e.g.", "No. 5 ", "St. "]));
                if rng.chance(5) {
                    out.push_str(&clause(rng));
                    out.push(' ');
                }
            }
        }
        6 => {
            while out.len() < size {
                let word: String = (0..1 + rng.below(12))
                    .map(|_| rng.char(&SPECIAL_CHARS))
                    .collect();
                out.push_str(&word);
                out.push(*rng.pick(&[' ', ' ', ' ', '.', ',', '\n']));
            }
        }
        7 => {
            while out.len() < size {
                out.push_str(&clause(rng));
                out.push_str(rng.word(&[". ", ".\n\n", "! ", "? ", ", officials said. "]));
            }
        }
        _ => {
            while out.len() < size {
                out.push_str(rng.word(&[
                    "...", "?!", "\u{2014}", ";;", "!!!", "\"", "(", ")", "[", "]", "--", ". . .",
                    ":", "\u{2026}", " ", "\n",
                ]));
                if rng.chance(3) {
                    out.push_str(&clause(rng));
                }
            }
        }
    }
    out
}

/// Publication dates the coder may be handed: ordinary ones and the ends of what ingest has
/// let through (years 0 to 9999).
fn published(rng: &mut Rng) -> DateTime<Utc> {
    let (y, m, d) = *rng.pick(&[
        (2024, 5, 2),
        (2019, 3, 25),
        (2024, 2, 29),
        (1970, 1, 1),
        (1800, 1, 1),
        (0, 1, 1),
        (9999, 12, 31),
    ]);
    Utc.with_ymd_and_hms(y, m, d, 12, 0, 0).unwrap()
}

// ---- what must hold of every input ----

/// Heap per input: a fixed allowance plus this many bytes per input byte (the coder's
/// tokens, classes and mentions cost some tens of bytes per byte of text).
const HEAP_BASE: usize = 8 << 20;
const HEAP_PER_BYTE: usize = 200;

#[derive(Default)]
struct Report {
    cases: usize,
    bytes: usize,
    events: usize,
    cuts: Cuts,
    total_time: Duration,
    /// The slowest inputs: (time, bytes, label), slowest first.
    slowest: Vec<(Duration, usize, String)>,
    worst_heap: (usize, usize, String),
    failures: Vec<String>,
}

fn check(coder: &Coder, report: &mut Report, label: &str, body: String, at: DateTime<Utc>) {
    let limits = *coder.limits();
    let table = CameoTable::global();
    report.cases += 1;
    report.bytes += body.len();
    let article = CleanArticle::from_text("fuzz", body, at);
    let mut cuts = Cuts::default();
    let (out, took, heap) = measured(|| {
        catch_unwind(AssertUnwindSafe(|| {
            coder.code_article_counted(&article, &mut cuts)
        }))
    });
    let body = &article.body;
    report.total_time += took;
    report.cuts.add(&cuts);
    if report.slowest.len() < 3 || took > report.slowest[2].0 {
        report.slowest.push((took, body.len(), label.to_owned()));
        report.slowest.sort_by_key(|s| std::cmp::Reverse(s.0));
        report.slowest.truncate(3);
    }
    if heap > report.worst_heap.0 {
        report.worst_heap = (heap, body.len(), label.to_owned());
    }
    let case = report.cases;
    let mut fail = |what: String| {
        let head: String = body.chars().take(120).collect();
        report.failures.push(format!(
            "case {case} ({label}, {} bytes, published {at}): {what}; text {head:?}",
            body.len()
        ));
    };
    let events = match out {
        Ok(events) => events,
        Err(panic) => {
            let msg = dragoman_testkit::panic_message(&*panic);
            return fail(format!("panicked: {msg}"));
        }
    };
    if heap > HEAP_BASE + HEAP_PER_BYTE * body.len() {
        fail(format!("held {heap} bytes of heap at once"));
    }
    if events.len() > limits.max_events_per_article {
        fail(format!(
            "{} events, over max_events_per_article {}",
            events.len(),
            limits.max_events_per_article
        ));
    }
    for e in &events {
        let ev = &e.evidence;
        if ev.sentence.len() > limits.max_evidence_bytes {
            fail(format!("evidence of {} bytes", ev.sentence.len()));
        }
        let [s0, s1] = ev.span.map(|x| x as usize);
        match body.get(s0..s1) {
            Some(whole) if whole.starts_with(&ev.sentence) => {
                if whole.len() <= limits.max_evidence_bytes && whole != ev.sentence {
                    fail(format!(
                        "evidence {:?} is not its span {s0}..{s1}",
                        ev.sentence
                    ));
                }
            }
            _ => fail(format!("span {s0}..{s1} is not the evidence's text")),
        }
        if ev.article_id != "fuzz" || e.article.id != "fuzz" {
            fail(format!("article id {:?}", ev.article_id));
        }
        match table.get(&e.code) {
            Some(c) if c.root_code == e.root_code && c.quad_class.number() == e.quad_class => {}
            _ => fail(format!(
                "code {} root {} quad {}",
                e.code, e.root_code, e.quad_class
            )),
        }
        if !(e.goldstein.is_finite() && (-10.0..=10.0).contains(&e.goldstein)) {
            fail(format!("goldstein {}", e.goldstein));
        }
        if !(e.confidence.is_finite() && (0.0..=1.0).contains(&e.confidence)) {
            fail(format!("confidence {}", e.confidence));
        }
        if let Some(loc) = &e.location {
            if !(loc.lat.is_finite() && loc.lon.is_finite()) {
                fail(format!("location {loc:?}"));
            }
        }
    }
    report.events += events.len();
}

#[test]
fn generated_text_is_coded_within_the_limits() {
    let coder = Coder::bundled().expect("dictionaries");
    let mut rng = Rng(seed());
    let mut report = Report::default();
    for _ in 0..700 * scale() {
        let kind = rng.below(KINDS.len());
        let size = 1 + rng.len(64 * 1024);
        let mut body = text(&mut rng, kind, size);
        let mut label = KINDS[kind].to_owned();
        // Sometimes two kinds spliced: junk in the middle of news.
        if rng.chance(20) {
            let other = rng.below(KINDS.len());
            let size = 1 + rng.len(16 * 1024);
            let junk = text(&mut rng, other, size);
            let at = body.floor_char_boundary(rng.below(body.len() + 1));
            body.insert_str(at, &junk);
            label = format!("{label} + {}", KINDS[other]);
        }
        let at = published(&mut rng);
        check(&coder, &mut report, &label, body, at);
    }
    // Each kind at length: 512 KB.
    for (kind, name) in KINDS.iter().enumerate() {
        let mut rng = Rng(seed() ^ kind as u64);
        let body = text(&mut rng, kind, 512 * 1024);
        let at = published(&mut rng);
        check(&coder, &mut report, &format!("512 KB {name}"), body, at);
    }

    eprintln!(
        "coder fuzz: {} inputs ({:.1} MB), {} events, {:.2?} in all; cuts {:?}; most heap \
         {:.1} MB ({} bytes, {})",
        report.cases,
        report.bytes as f64 / 1e6,
        report.events,
        report.total_time,
        report.cuts,
        report.worst_heap.0 as f64 / 1e6,
        report.worst_heap.1,
        report.worst_heap.2
    );
    for (took, bytes, label) in &report.slowest {
        eprintln!("coder fuzz: slow: {took:.2?} for {bytes} bytes ({label})");
    }
    assert!(
        report.failures.is_empty(),
        "coder fuzz (seed {}): {} of {} inputs failed:\n{}",
        seed(),
        report.failures.len(),
        report.cases,
        report.failures[..report.failures.len().min(20)].join("\n")
    );
}

#[test]
fn the_generator_makes_the_sizes_asked() {
    let mut rng = Rng(1);
    for (kind, name) in KINDS.iter().enumerate() {
        let t = text(&mut rng, kind, 10_000);
        assert!(t.len() >= 5_000 && t.len() < 40_000, "{name}: {}", t.len());
    }
}
