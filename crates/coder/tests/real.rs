//! Scores the coder on real text nobody on the team wrote (`tests/data/real/`, see its
//! README): Wikipedia's current-events items and State Department releases, labelled before
//! the coder ran on them. Two parts, by a hash of the id fixed before tuning: `studied`, whose
//! misses may be read (`DRAGOMAN_REAL_MISSES=1`), and `blind`, of which only totals are ever
//! printed. The blind totals are the headline.
//!
//! `cargo test --release -p dragoman-coder --test real -- --nocapture` prints the report.

#[path = "real/data.rs"]
mod data;

use std::collections::{BTreeMap, BTreeSet};

use dragoman_coder::Coder;
use dragoman_model::CandidateEvent;

use data::{actor_key, Gold, Item};

#[derive(Default, Debug, Clone, Copy)]
struct Score {
    labelled: u32,
    root: u32,
    exact: u32,
    actors: u32,
    emitted: u32,
    emitted_right: u32,
}

impl Score {
    fn add(&mut self, o: &Score) {
        self.labelled += o.labelled;
        self.root += o.root;
        self.exact += o.exact;
        self.actors += o.actors;
        self.emitted += o.emitted;
        self.emitted_right += o.emitted_right;
    }
}

#[derive(Default)]
struct Part {
    roots: BTreeMap<String, Score>,
    items: u32,
    silent_items: u32,
    silent_with_events: u32,
    nonpolitical: u32,
    nonpolitical_with_events: u32,
}

impl Part {
    fn total(&self) -> Score {
        let mut t = Score::default();
        for s in self.roots.values() {
            t.add(s);
        }
        t
    }

    fn print(&self, name: &str) {
        let pct = |a: u32, b: u32| {
            if b == 0 {
                0.0
            } else {
                100.0 * a as f64 / b as f64
            }
        };
        println!("\n{name}: {} items", self.items);
        println!("root  lines  root    exact   src+tgt  precision (emitted)");
        let mut rows: Vec<(String, Score)> =
            self.roots.iter().map(|(r, s)| (r.clone(), *s)).collect();
        rows.push(("all".into(), self.total()));
        for (root, s) in rows {
            println!(
                "{root:<4}  {:>5}  {:>5.1}%  {:>5.1}%  {:>6.1}%  {:>6.1}% ({})",
                s.labelled,
                pct(s.root, s.labelled),
                pct(s.exact, s.labelled),
                pct(s.actors, s.labelled),
                pct(s.emitted_right, s.emitted),
                s.emitted
            );
        }
        println!(
            "items labelled 'none' that gave an event: {} of {} ({:.1}%)",
            self.silent_with_events,
            self.silent_items,
            pct(self.silent_with_events, self.silent_items)
        );
        if self.nonpolitical > 0 {
            println!(
                "non-political items (disasters, sports, culture, science, business, health) \
                 that gave an event: {} of {} ({:.1}%)",
                self.nonpolitical_with_events,
                self.nonpolitical,
                pct(self.nonpolitical_with_events, self.nonpolitical)
            );
        }
    }
}

/// Scores one item's emitted events against its labels; prints the misses of studied items
/// when asked.
fn score_item(part: &mut Part, id: &str, gold: &[Gold], events: &[&CandidateEvent], show: bool) {
    part.items += 1;
    // An event emitted twice (two sentences, or a copy) counts once.
    let emitted: BTreeSet<(String, String, String)> = events
        .iter()
        .map(|e| (e.code.clone(), actor_key(&e.source), actor_key(&e.target)))
        .collect();
    if gold.is_empty() {
        part.silent_items += 1;
        part.silent_with_events += u32::from(!emitted.is_empty());
    }
    for g in gold {
        let root = &g.code[..2];
        let s = part.roots.entry(root.to_string()).or_default();
        s.labelled += 1;
        let root_hit = emitted.iter().any(|(c, _, _)| &c[..2] == root);
        s.root += u32::from(root_hit);
        s.exact += u32::from(emitted.iter().any(|(c, _, _)| *c == g.code));
        let actors = emitted
            .iter()
            .any(|(c, src, tgt)| &c[..2] == root && *src == g.source && *tgt == g.target);
        s.actors += u32::from(actors);
    }
    for (c, src, tgt) in &emitted {
        let root = c[..2].to_string();
        let right = gold.iter().any(|g| g.code[..2] == root);
        let s = part.roots.entry(root).or_default();
        s.emitted += 1;
        s.emitted_right += u32::from(right);
        if show && !right {
            println!("  EXTRA {id}: {c} {src}>{tgt}");
        }
    }
    if show {
        for g in gold {
            let hit = emitted
                .iter()
                .any(|(c, s, t)| c[..2] == g.code[..2] && *s == g.source && *t == g.target);
            if !hit {
                println!(
                    "  MISS  {id}: want {} {}>{} got {emitted:?}",
                    g.code, g.source, g.target
                );
            }
        }
    }
}

/// Scores every item of a set into its part (`studied`, `blind`).
fn score_set(items: &[Item], parts: &mut BTreeMap<String, Part>, show: bool) {
    for item in items {
        let part = parts.entry(item.part.clone()).or_default();
        if item.nonpolitical {
            part.nonpolitical += 1;
            part.nonpolitical_with_events += u32::from(!item.events.is_empty());
        }
        let show = show && item.part == "studied";
        if show {
            println!("{} | {}", item.id, item.text);
        }
        let events: Vec<&CandidateEvent> = item.events.iter().collect();
        score_item(part, &item.id, &item.gold, &events, show);
    }
}

#[test]
fn real_text_scores() {
    let coder = Coder::bundled().unwrap();
    let show = std::env::var_os("DRAGOMAN_REAL_MISSES").is_some();
    let mut ce = BTreeMap::new();
    score_set(&data::current_events(&coder), &mut ce, show);
    let mut sd = BTreeMap::new();
    score_set(&data::state_department(&coder), &mut sd, show);
    for (set, parts) in [("current-events", &ce), ("state-department", &sd)] {
        for (name, part) in parts.iter() {
            part.print(&format!("{set} / {name}"));
        }
    }
    // Floors a little under today's blind figures: a change that loses accuracy on real text
    // fails here (raise them as the coder improves).
    for (set, parts, floor) in [
        ("current-events", &ce, 0.62),
        ("state-department", &sd, 0.47),
    ] {
        let blind = parts["blind"].total();
        let root = blind.root as f64 / blind.labelled as f64;
        assert!(root > floor, "{set} blind root recall {root:.3}");
    }
}
