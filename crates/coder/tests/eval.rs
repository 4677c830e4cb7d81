//! Scores the coder against the team's labelled sets in `tests/data/` and fails below the
//! bars. `cargo test -p dragoman-coder --test eval -- --nocapture` prints the report:
//! precision and recall per root code.

use std::collections::BTreeMap;
use std::path::PathBuf;

use chrono::{NaiveDate, TimeZone, Utc};
use dragoman_coder::Coder;
use dragoman_model::{CandidateEvent, CleanArticle};

/// A labelled file from `tests/data/`, or from `$DRAGOMAN_EVAL_DATA` (a frozen copy, to compare
/// two versions of the coder while a set is being written).
fn data(name: &str) -> Option<String> {
    let dir = std::env::var_os("DRAGOMAN_EVAL_DATA").map_or_else(
        || PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/data"),
        PathBuf::from,
    );
    let p = dir.join(name);
    std::fs::read_to_string(&p).ok()
}

fn article(id: &str, body: &str, published: NaiveDate) -> CleanArticle {
    let at = Utc.from_utc_datetime(&published.and_hms_opt(12, 0, 0).unwrap());
    CleanArticle::from_text(id, body, at)
}

/// The part of an actor code the scores compare: the country, or the whole IGO/NGO code.
fn key(code: &str) -> &str {
    if code.starts_with("IGO") || code.starts_with("NGO") {
        // The body (IGOUNO for the UN and its agencies), not the agency.
        &code[..code.len().min(6)]
    } else if code == "-" || code.len() < 3 {
        code
    } else {
        &code[..3]
    }
}

fn actor_key(a: &Option<dragoman_model::Actor>) -> &str {
    a.as_ref().map_or("-", |a| key(&a.code))
}

#[derive(Default, Debug)]
struct RootScore {
    labelled: u32,
    root_found: u32,
    exact: u32,
    actors_right: u32,
    predicted: u32,
    predicted_right: u32,
}

struct Report {
    roots: BTreeMap<String, RootScore>,
    lines: u32,
    negatives: u32,
    negative_with_events: u32,
}

impl Report {
    fn print(&self) {
        println!("\nroot  lines  root-recall  exact  src+tgt  precision");
        let mut t = RootScore::default();
        for (root, s) in &self.roots {
            let pct = |a: u32, b: u32| {
                if b == 0 {
                    0.0
                } else {
                    100.0 * a as f64 / b as f64
                }
            };
            println!(
                "{root}    {:>4}   {:>6.1}%   {:>6.1}%  {:>6.1}%   {:>6.1}% ({} predicted)",
                s.labelled,
                pct(s.root_found, s.labelled),
                pct(s.exact, s.labelled),
                pct(s.actors_right, s.labelled),
                pct(s.predicted_right, s.predicted),
                s.predicted
            );
            t.labelled += s.labelled;
            t.root_found += s.root_found;
            t.exact += s.exact;
            t.actors_right += s.actors_right;
            t.predicted += s.predicted;
            t.predicted_right += s.predicted_right;
        }
        let f = |a: u32, b: u32| if b == 0 { 0.0 } else { a as f64 / b as f64 };
        println!(
            "all   {:>4}   {:>6.1}%   {:>6.1}%  {:>6.1}%   {:>6.1}%",
            t.labelled,
            100.0 * f(t.root_found, t.labelled),
            100.0 * f(t.exact, t.labelled),
            100.0 * f(t.actors_right, t.labelled),
            100.0 * f(t.predicted_right, t.predicted)
        );
        println!(
            "negative lines: {} of {} gave an event",
            self.negative_with_events, self.negatives
        );
    }

    fn totals(&self) -> (f64, f64, f64) {
        let (mut n, mut r, mut e, mut a) = (0, 0, 0, 0);
        for s in self.roots.values() {
            n += s.labelled;
            r += s.root_found;
            e += s.exact;
            a += s.actors_right;
        }
        let n = n.max(1) as f64;
        (r as f64 / n, e as f64 / n, a as f64 / n)
    }
}

/// Which lines of the file a run scores: every line, or only the even or odd line numbers
/// (1-based, as an editor shows them). Study misses on one half, check the other.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Half {
    All,
    Even,
    Odd,
}

impl Half {
    fn keeps(self, line_no: usize) -> bool {
        match self {
            Half::All => true,
            Half::Even => line_no.is_multiple_of(2),
            Half::Odd => !line_no.is_multiple_of(2),
        }
    }
}

fn score_sentences(coder: &Coder, tsv: &str, half: Half, verbose: bool) -> Report {
    let mut rep = Report {
        roots: BTreeMap::new(),
        lines: 0,
        negatives: 0,
        negative_with_events: 0,
    };
    for (n, line) in tsv.lines().enumerate().skip(1) {
        let f: Vec<&str> = line.split('\t').collect();
        if f.len() != 5 || !half.keeps(n + 1) {
            continue;
        }
        let (code, src, tgt) = (f[0], f[1], f[2]);
        let published = NaiveDate::parse_from_str(f[3], "%Y-%m-%d").expect("published date");
        let events: Vec<CandidateEvent> =
            coder.code_article(&article(&format!("s{n}"), f[4], published));
        rep.lines += 1;
        if code == "-" {
            rep.negatives += 1;
            if !events.is_empty() {
                rep.negative_with_events += 1;
                if verbose {
                    println!(
                        "FALSE+ line {}: {:?} | {}",
                        n + 1,
                        events.iter().map(|e| &e.code).collect::<Vec<_>>(),
                        f[4]
                    );
                }
            }
            continue;
        }
        let root = &code[..2];
        let s = rep.roots.entry(root.to_string()).or_default();
        s.labelled += 1;
        let root_found = events.iter().any(|e| e.root_code == root);
        let exact = events.iter().any(|e| e.code == code);
        let actors = events.iter().any(|e| {
            e.root_code == root
                && actor_key(&e.source) == key(src)
                && actor_key(&e.target) == key(tgt)
        });
        s.root_found += root_found as u32;
        s.exact += exact as u32;
        s.actors_right += actors as u32;
        if verbose && !(exact && actors) {
            let got: Vec<String> = events
                .iter()
                .map(|e| {
                    format!(
                        "{} {}>{}",
                        e.code,
                        actor_key(&e.source),
                        actor_key(&e.target)
                    )
                })
                .collect();
            println!(
                "MISS line {} want {code} {src}>{tgt} got {got:?} | {}",
                n + 1,
                f[4]
            );
        }
        // Precision: every predicted event's root against the line's root.
        let mut roots_predicted: Vec<&str> = events.iter().map(|e| e.root_code.as_str()).collect();
        roots_predicted.sort();
        roots_predicted.dedup();
        for r in roots_predicted {
            let p = rep.roots.entry(r.to_string()).or_default();
            p.predicted += 1;
            if r == root {
                p.predicted_right += 1;
            }
        }
    }
    rep
}

#[test]
fn labelled_sentences_meet_the_bars() {
    let Some(tsv) = data("sentences.tsv") else {
        eprintln!("SKIP: tests/data/sentences.tsv is absent");
        return;
    };
    let coder = Coder::bundled().expect("bundled dictionaries load");
    // DRAGOMAN_EVAL_VERBOSE=1 lists every miss; =even or =odd only that half's.
    let verbose = std::env::var("DRAGOMAN_EVAL_VERBOSE").ok();
    let shown = match verbose.as_deref() {
        Some("even") => Some(Half::Even),
        Some("odd") => Some(Half::Odd),
        Some(_) => Some(Half::All),
        None => None,
    };
    for half in [Half::Even, Half::Odd] {
        let r = score_sentences(&coder, &tsv, half, shown == Some(half));
        let (root, exact, actors) = r.totals();
        println!(
            "{half:?} lines: root {:.1}%, exact {:.1}%, src+tgt {:.1}%, negatives with events {} of {}",
            100.0 * root,
            100.0 * exact,
            100.0 * actors,
            r.negative_with_events,
            r.negatives
        );
    }
    let rep = score_sentences(&coder, &tsv, Half::All, shown == Some(Half::All));
    rep.print();
    let (root, exact, actors) = rep.totals();
    assert!(
        rep.lines >= 400,
        "the labelled set has {} lines, expected at least 400",
        rep.lines
    );
    // Bars a little below what the coder reaches today (root 94.5%, exact 84.4%, actors 88.4%,
    // 0 of 26 negatives), so that a regression fails. They were 95.0 / 84.9 / 88.8 until a
    // statement that names no one it is about stopped being an event (010 with no target),
    // and a ban or curfew with no target became one on the source's people (172x X -> X): the
    // real-text labels count both that way, these sets the other.
    assert!(root >= 0.943, "root recall {root:.3}");
    assert!(exact >= 0.842, "exact-code recall {exact:.3}");
    assert!(actors >= 0.875, "source/target recall {actors:.3}");
    assert!(
        rep.negative_with_events <= 2,
        "{} negative lines gave events",
        rep.negative_with_events
    );
}

#[test]
fn labelled_articles_meet_the_bars() {
    let Some(jsonl) = data("articles.jsonl") else {
        eprintln!("SKIP: tests/data/articles.jsonl is absent");
        return;
    };
    let coder = Coder::bundled().expect("bundled dictionaries load");
    let verbose = std::env::var("DRAGOMAN_EVAL_VERBOSE").is_ok();
    let (
        mut expected,
        mut root_actor_hits,
        mut exact_hits,
        mut forbidden,
        mut articles,
        mut events_total,
    ) = (0u32, 0u32, 0u32, 0u32, 0u32, 0usize);
    for (n, line) in jsonl.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let v: serde_json::Value = serde_json::from_str(line).expect("articles.jsonl line is JSON");
        let raw = serde_json::to_vec(&v["article"]).unwrap();
        let now = Utc::now();
        let clean = dragoman_ingest::clean(&raw, now, &dragoman_ingest::IngestOptions::default())
            .unwrap_or_else(|e| {
                panic!(
                    "articles.jsonl line {}: ingest rejected the article: {e}",
                    n + 1
                )
            });
        let events = coder.code_article(&clean);
        articles += 1;
        events_total += events.len();
        for exp in v["expected"].as_array().into_iter().flatten() {
            let code = exp["code"].as_str().unwrap_or("");
            let src = exp["source"].as_str().unwrap_or("-");
            let tgt = exp["target"].as_str().unwrap_or("-");
            expected += 1;
            let actors_ok = |e: &&CandidateEvent| {
                actor_key(&e.source) == key(src) && actor_key(&e.target) == key(tgt)
            };
            let root_hit = events
                .iter()
                .filter(actors_ok)
                .any(|e| e.root_code == code[..2]);
            let exact_hit = events.iter().filter(actors_ok).any(|e| e.code == code);
            root_actor_hits += root_hit as u32;
            exact_hits += exact_hit as u32;
            if verbose && !exact_hit {
                println!("ARTICLE {} missing {code} {src}>{tgt}", n + 1);
            }
        }
        for r in v["forbidden_roots"].as_array().into_iter().flatten() {
            let r = r.as_str().unwrap_or("");
            for e in events.iter().filter(|e| e.root_code == r) {
                forbidden += 1;
                if verbose {
                    println!(
                        "ARTICLE {} forbidden {} in: {}",
                        n + 1,
                        e.code,
                        e.evidence.sentence
                    );
                }
            }
        }
    }
    let f = |a: u32| 100.0 * a as f64 / expected.max(1) as f64;
    println!(
        "\narticles: {articles}, expected events {expected}: root+actors {:.1}%, exact code+actors {:.1}%; \
         {events_total} events coded; {forbidden} events of forbidden roots",
        f(root_actor_hits),
        f(exact_hits)
    );
    assert!(articles >= 20, "{articles} articles, expected at least 20");
    // Today: 84.4% root+actors, 73.3% exact, no forbidden root.
    assert!(
        f(root_actor_hits) >= 83.5,
        "root+actors {:.1}%",
        f(root_actor_hits)
    );
    assert!(f(exact_hits) >= 72.5, "exact+actors {:.1}%", f(exact_hits));
    assert!(
        forbidden == 0,
        "{forbidden} events of forbidden roots (boilerplate or wrong reading)"
    );
}

/// Scores a codebook-style set: prints its halves and its per-root table, and lists the misses
/// of the half `shown` (never the odd half of a held-out set: that is how we keep it held out).
fn score_codebook(coder: &Coder, name: &str, tsv: &str, shown: Option<Half>) -> (f64, f64, f64) {
    for half in [Half::Even, Half::Odd] {
        let r = score_sentences(coder, tsv, half, shown == Some(half));
        let (root, exact, actors) = r.totals();
        println!(
            "{name} {half:?} lines: root {:.1}%, exact {:.1}%, src+tgt {:.1}%",
            100.0 * root,
            100.0 * exact,
            100.0 * actors,
        );
    }
    let rep = score_sentences(coder, tsv, Half::All, false);
    println!("\n{name}:");
    rep.print();
    let (root, exact, actors) = rep.totals();
    println!(
        "{name}: {} lines, root {:.1}%, exact {:.1}%, src+tgt {:.1}%, negatives with events {} of {}",
        rep.lines,
        100.0 * root,
        100.0 * exact,
        100.0 * actors,
        rep.negative_with_events,
        rep.negatives
    );
    (root, exact, actors)
}

/// The codebook-style set (`tests/data/codebook.tsv`, same format as `sentences.tsv`): its odd
/// lines were our estimate of the coder on sentences nobody tuned it on until the ninth round,
/// which studied both halves: `DRAGOMAN_EVAL_CODEBOOK=even` or `=odd` lists a half's misses.
#[test]
fn codebook_sentences_meet_the_bars() {
    let Some(tsv) = data("codebook.tsv") else {
        eprintln!("SKIP: tests/data/codebook.tsv is absent");
        return;
    };
    let coder = Coder::bundled().expect("bundled dictionaries load");
    let shown = match std::env::var("DRAGOMAN_EVAL_CODEBOOK").ok().as_deref() {
        Some("even") => Some(Half::Even),
        Some("odd") => Some(Half::Odd),
        _ => None,
    };
    let (root, exact, actors) = score_codebook(&coder, "codebook", &tsv, shown);
    // Bars a little below its score at 320 lines (root 96.9%, exact 88.1%, src+tgt 92.8%; 97.5
    // / 88.4 / 93.1 before a statement naming no one it is about (010 with no target) stopped
    // being an event, and a ban with no target became one on the source's people, as the
    // real-text labels have them); the acceptance bars are 80 / 60 / 70.
    assert!(root >= 0.966, "root recall {root:.3}");
    assert!(exact >= 0.878, "exact-code recall {exact:.3}");
    assert!(actors >= 0.913, "source/target recall {actors:.3}");
}

/// The second codebook-style set (`tests/data/codebook2.tsv`): its odd lines are held out and
/// their misses never listed; `DRAGOMAN_EVAL_CODEBOOK2=even` lists the misses of its even lines.
#[test]
fn codebook2_sentences_meet_the_bars() {
    let Some(tsv) = data("codebook2.tsv") else {
        eprintln!("SKIP: tests/data/codebook2.tsv is absent");
        return;
    };
    let coder = Coder::bundled().expect("bundled dictionaries load");
    let shown = match std::env::var("DRAGOMAN_EVAL_CODEBOOK2").ok().as_deref() {
        Some("even") => Some(Half::Even),
        _ => None,
    };
    let (root, exact, actors) = score_codebook(&coder, "codebook2", &tsv, shown);
    // Bars a little below its score at 320 lines (root 91.6%, exact 80.6%, src+tgt 83.8%; odd
    // lines alone 88.1 / 72.5 / 76.2).
    // Now 91.2 / 80.3 / 82.2, since a statement naming no one it is about (010 with no target)
    // is no event and a ban with no target acts on the source's people.
    assert!(root >= 0.909, "root recall {root:.3}");
    assert!(exact >= 0.800, "exact-code recall {exact:.3}");
    assert!(actors >= 0.819, "source/target recall {actors:.3}");
}

/// The third codebook-style set (`tests/data/codebook3.tsv`), written blind after the eighth
/// round: held out whole. Its misses are never listed (no environment variable shows them);
/// only its scores are printed.
#[test]
fn codebook3_sentences_meet_the_bars() {
    let Some(tsv) = data("codebook3.tsv") else {
        eprintln!("SKIP: tests/data/codebook3.tsv is absent");
        return;
    };
    let coder = Coder::bundled().expect("bundled dictionaries load");
    let (root, exact, actors) = score_codebook(&coder, "codebook3", &tsv, None);
    // Bars a little below its score at the end of the ninth round (root 86.9%, exact 69.7%,
    // src+tgt 73.1%; eighth round 85.6 / 68.4 / 71.9; before it 83.1 / 65.6 / 68.4).
    // Now 85.9 / 69.4 / 71.9, since a statement naming no one it is about (010 with no target)
    // is no event and a ban with no target acts on the source's people.
    assert!(root >= 0.856, "root recall {root:.3}");
    assert!(exact >= 0.691, "exact-code recall {exact:.3}");
    assert!(actors >= 0.716, "source/target recall {actors:.3}");
}
