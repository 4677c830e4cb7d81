//! Writing stories: choosing who acts on whom, filling templates, dating them.

use chrono::{DateTime, Datelike, Duration, Utc};
use rand::Rng;

use crate::templates::{Template, TEMPLATES};
use crate::world::{Country, COUNTRIES, FILLERS, IGOS, TOPICS, WEEKDAYS};

/// Who a story is about and when it was published: what template slots are filled from.
pub struct Scene {
    pub a: &'static Country,
    pub b: &'static Country,
    pub now: DateTime<Utc>,
}

/// A story as written once, before any outlet's page or dateline: what copies reuse.
pub struct Story {
    pub title: String,
    /// The sentences, the lead first.
    pub sentences: Vec<String>,
    /// How many sentences each paragraph holds, in order; sums to `sentences.len()`.
    pub paragraphs: Vec<u8>,
    /// The dateline's city, when the story carries one ("TRIPOLI, March 3 (Outlet) - ").
    pub dateline: Option<&'static str>,
    pub section: &'static str,
}

impl Scene {
    pub fn pick(rng: &mut impl Rng, now: DateTime<Utc>) -> Scene {
        let a = rng.gen_range(0..COUNTRIES.len());
        // Any other country: shift by 1..len so that b != a without a retry loop.
        let b = (a + rng.gen_range(1..COUNTRIES.len())) % COUNTRIES.len();
        Scene {
            a: &COUNTRIES[a],
            b: &COUNTRIES[b],
            now,
        }
    }

    /// The same scene with the roles swapped, for follow-up sentences ("B responded ...").
    pub fn swapped(&self) -> Scene {
        Scene {
            a: self.b,
            b: self.a,
            now: self.now,
        }
    }
}

/// Writes a story of 4 to 10 sentences: at least two coded events about the scene's pair of
/// countries, and filler sentences that code nothing, in paragraphs of one to three.
pub fn write_story(rng: &mut impl Rng, scene: &Scene) -> Story {
    let total = rng.gen_range(4..=10usize);
    let events = rng.gen_range(2..=total.min(6) - 1);
    let lead = &TEMPLATES[rng.gen_range(0..TEMPLATES.len())];

    let mut sentences = Vec::with_capacity(total);
    let mut first = String::with_capacity(160);
    render(rng, scene, lead.sentence, &mut first);
    sentences.push(first);

    // Place the remaining events among the fillers at random positions after the lead.
    let mut remaining_events = events - 1;
    for slot in 1..total {
        let left = total - slot;
        let mut s = String::with_capacity(160);
        if rng.gen_range(0..left) < remaining_events {
            remaining_events -= 1;
            let t: &Template = &TEMPLATES[rng.gen_range(0..TEMPLATES.len())];
            if rng.gen_bool(0.3) {
                render(rng, &scene.swapped(), t.sentence, &mut s);
            } else {
                render(rng, scene, t.sentence, &mut s);
            }
        } else {
            s.push_str(FILLERS[rng.gen_range(0..FILLERS.len())]);
        }
        sentences.push(s);
    }

    let mut paragraphs = Vec::new();
    let mut left = total;
    while left > 0 {
        let n = rng.gen_range(1..=3usize).min(left);
        paragraphs.push(n as u8);
        left -= n;
    }

    let mut title = String::with_capacity(80);
    render(rng, scene, lead.headline, &mut title);
    let dateline = rng.gen_bool(0.6).then_some(scene.a.capital);
    Story {
        title,
        sentences,
        paragraphs,
        dateline,
        section: crate::world::SECTIONS[rng.gen_range(0..crate::world::SECTIONS.len())],
    }
}

/// Fills `template` into `out`, capitalising its first letter.
pub fn render(rng: &mut impl Rng, scene: &Scene, template: &str, out: &mut String) {
    let start = out.len();
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let Some(close) = rest[open..].find('}') else {
            out.push_str(&rest[open..]);
            rest = "";
            break;
        };
        fill(rng, scene, &rest[open + 1..open + close], out);
        rest = &rest[open + close + 1..];
    }
    out.push_str(rest);
    capitalise_at(out, start);
}

fn fill(rng: &mut impl Rng, scene: &Scene, slot: &str, out: &mut String) {
    let (a, b) = (scene.a, scene.b);
    match slot {
        "A" => actor(rng, a, out),
        "B" => {
            // Now and then the other side is an international body, not a state.
            if rng.gen_bool(0.1) {
                out.push_str(IGOS[rng.gen_range(0..IGOS.len())]);
            } else {
                actor(rng, b, out);
            }
        }
        "AN" => out.push_str(a.name),
        "BN" => out.push_str(b.name),
        "AADJ" => out.push_str(a.adj),
        "BADJ" => out.push_str(b.adj),
        "ACAP" => out.push_str(a.capital),
        "BCAP" => out.push_str(b.capital),
        "ACITY" => out.push_str(city(rng, a)),
        "BCITY" => out.push_str(city(rng, b)),
        "LEADER" => leader(rng, a, out),
        "DATE" => date_phrase(rng, scene.now, out),
        "TOPIC" => out.push_str(TOPICS[rng.gen_range(0..TOPICS.len())]),
        "IGO" => out.push_str(IGOS[rng.gen_range(0..IGOS.len())]),
        "NUM" => {
            use std::fmt::Write;
            let _ = write!(out, "{}", rng.gen_range(2..=60u32));
        }
        // Templates are ours and tested; an unknown slot is written back as it is.
        other => {
            out.push('{');
            out.push_str(other);
            out.push('}');
        }
    }
}

/// An actor of country `c`, in one of the forms news uses.
fn actor(rng: &mut impl Rng, c: &Country, out: &mut String) {
    match rng.gen_range(0..8) {
        0 | 1 => out.push_str(c.name),
        2 => {
            out.push_str("the ");
            out.push_str(c.adj);
            out.push_str(" government");
        }
        3 => out.push_str(c.capital),
        4 => {
            out.push_str("the ");
            out.push_str(c.adj);
            out.push_str(" foreign ministry");
        }
        _ => leader(rng, c, out),
    }
}

fn leader(rng: &mut impl Rng, c: &Country, out: &mut String) {
    const ROLES: &[&str] = &[
        "president",
        "foreign minister",
        "prime minister",
        "defence minister",
        "interior minister",
        "army chief",
    ];
    out.push_str("the ");
    out.push_str(c.adj);
    out.push(' ');
    out.push_str(ROLES[rng.gen_range(0..ROLES.len())]);
}

fn city(rng: &mut impl Rng, c: &Country) -> &'static str {
    let i = rng.gen_range(0..=c.cities.len());
    c.cities.get(i).copied().unwrap_or(c.capital)
}

/// A date phrase relative to publication, with its leading space, or nothing (about a third
/// of the time), as news writes them: " on Monday", " on March 3", " last week".
fn date_phrase(rng: &mut impl Rng, now: DateTime<Utc>, out: &mut String) {
    match rng.gen_range(0..9) {
        0..=2 => {}
        3..=5 => {
            let day = now - Duration::days(rng.gen_range(1..=6));
            out.push_str(" on ");
            out.push_str(WEEKDAYS[day.weekday().num_days_from_monday() as usize]);
        }
        6 | 7 => {
            use std::fmt::Write;
            let day = now - Duration::days(rng.gen_range(1..=20));
            let _ = write!(out, " on {}", day.format("%B %-d"));
        }
        _ => out.push_str(if rng.gen_bool(0.5) {
            " last week"
        } else {
            " earlier this month"
        }),
    }
}

fn capitalise_at(s: &mut String, at: usize) {
    if let Some(c) = s[at..].chars().next() {
        if c.is_lowercase() {
            let upper: String = c.to_uppercase().collect();
            s.replace_range(at..at + c.len_utf8(), &upper);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::rngs::StdRng;
    use rand::SeedableRng;

    #[test]
    fn every_template_slot_is_known() {
        let mut rng = StdRng::seed_from_u64(1);
        let scene = Scene::pick(&mut rng, Utc::now());
        for t in TEMPLATES {
            for text in [t.sentence, t.headline] {
                let mut out = String::new();
                render(&mut rng, &scene, text, &mut out);
                assert!(!out.contains('{') && !out.contains('}'), "{text} -> {out}");
                assert!(out.starts_with(|c: char| c.is_uppercase()), "{out}");
            }
        }
    }

    #[test]
    fn templates_cover_all_twenty_roots() {
        let mut roots: Vec<&str> = crate::templates::roots().collect();
        roots.sort_unstable();
        roots.dedup();
        let expected: Vec<String> = (1..=20).map(|r| format!("{r:02}")).collect();
        assert_eq!(roots, expected);
    }

    #[test]
    fn stories_have_4_to_10_sentences_in_paragraphs() {
        let mut rng = StdRng::seed_from_u64(7);
        for _ in 0..500 {
            let scene = Scene::pick(&mut rng, Utc::now());
            assert_ne!(scene.a.name, scene.b.name);
            let s = write_story(&mut rng, &scene);
            assert!((4..=10).contains(&s.sentences.len()));
            let sum: usize = s.paragraphs.iter().map(|&n| n as usize).sum();
            assert_eq!(sum, s.sentences.len());
            let fillers = s
                .sentences
                .iter()
                .filter(|x| FILLERS.contains(&x.as_str()))
                .count();
            assert!(s.sentences.len() - fillers >= 2, "{:?}", s.sentences);
        }
    }
}
