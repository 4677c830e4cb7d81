//! `cargo run --release -p dragoman-coder --example train_filter [-- --write]`: trains the
//! learned filter (src/filter.rs) on the STUDIED part of the labelled real text and prints what
//! it would do there by 5-fold cross-validation (never the blind part: its items are skipped
//! before anything is read from them). With `--write`, trains on the whole studied part and
//! writes `filter/weights.tsv`.
//!
//! An example is an event the rules give an item (once per code, source and target, as the
//! scorer counts them); it is right when the item's labels hold an event of its root. The model
//! is an L2-regularised logistic regression on the features of `filter::features`, the
//! threshold the one of 0.1, 0.15 ... 0.5 that the cross-validation finds best by wrong
//! events dropped minus three times the right events dropped: the filter only removes where it
//! is about three to one sure, as a right event lost is also a miss on the measures that count
//! recall.

// Shared with the scorer, which reads fields this does not.
#[allow(dead_code)]
#[path = "../tests/real/data.rs"]
mod data;

use std::collections::{BTreeSet, HashMap};

use chrono::TimeZone;
use dragoman_coder::{filter, Coder, EventFilter};

struct Example {
    item: usize,
    features: Vec<u32>,
    right: bool,
}

/// Feature names seen at least twice, and every example's features as indices into them.
fn examples(items: &[data::Item]) -> (Vec<String>, Vec<Example>) {
    let mut raw: Vec<(usize, Vec<String>, bool)> = Vec::new();
    for (i, item) in items.iter().enumerate() {
        let mut seen = BTreeSet::new();
        for e in &item.events {
            let triple = (
                e.code.clone(),
                data::actor_key(&e.source),
                data::actor_key(&e.target),
            );
            if !seen.insert(triple) {
                continue;
            }
            let mut f = Vec::new();
            filter::features(e, |name| f.push(name.to_string()));
            let right = item.gold.iter().any(|g| g.code[..2] == e.root_code);
            raw.push((i, f, right));
        }
    }
    let mut counts: HashMap<&str, u32> = HashMap::new();
    for (_, f, _) in &raw {
        for name in f {
            *counts.entry(name).or_default() += 1;
        }
    }
    let mut names: Vec<String> = counts
        .iter()
        .filter(|(_, c)| **c >= 2)
        .map(|(n, _)| n.to_string())
        .collect();
    names.sort();
    let index: HashMap<&str, u32> = names
        .iter()
        .enumerate()
        .map(|(i, n)| (n.as_str(), i as u32))
        .collect();
    let examples = raw
        .iter()
        .map(|(item, f, right)| Example {
            item: *item,
            features: f
                .iter()
                .filter_map(|n| index.get(n.as_str()).copied())
                .collect(),
            right: *right,
        })
        .collect();
    (names, examples)
}

/// Logistic regression by full-batch gradient descent (AdaGrad steps), L2 `lambda`.
fn train(examples: &[&Example], dims: usize, lambda: f64) -> (f64, Vec<f64>) {
    let (mut bias, mut w) = (0.0f64, vec![0.0f64; dims]);
    let (mut gb2, mut g2) = (1e-8f64, vec![1e-8f64; dims]);
    let n = examples.len().max(1) as f64;
    for _ in 0..400 {
        let mut gb = 0.0;
        let mut g = vec![0.0f64; dims];
        for e in examples {
            let z = bias + e.features.iter().map(|&i| w[i as usize]).sum::<f64>();
            let p = 1.0 / (1.0 + (-z).exp());
            let d = p - f64::from(u8::from(e.right));
            gb += d;
            for &i in &e.features {
                g[i as usize] += d;
            }
        }
        gb /= n;
        gb2 += gb * gb;
        bias -= 0.5 * gb / gb2.sqrt();
        for i in 0..dims {
            let gi = g[i] / n + lambda * w[i];
            g2[i] += gi * gi;
            w[i] -= 0.5 * gi / g2[i].sqrt();
        }
    }
    (bias, w)
}

fn probability(model: &(f64, Vec<f64>), e: &Example) -> f64 {
    let z = model.0 + e.features.iter().map(|&i| model.1[i as usize]).sum::<f64>();
    1.0 / (1.0 + (-z).exp())
}

/// The team-written sets of `tests/data/` that are not held out.
const TEAM_SETS: [&str; 3] = ["codebook.tsv", "codebook2.tsv", "sentences.tsv"];

/// A team set's sentences (`code source target published sentence`), coded one by one.
fn team_set(coder: &Coder, name: &str) -> Vec<data::Item> {
    let path = format!("{}/tests/data/{name}", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(&path).unwrap_or_default();
    text.lines()
        .skip(1)
        .enumerate()
        .filter_map(|(n, line)| {
            let f: Vec<&str> = line.split('\t').collect();
            let date = chrono::NaiveDate::parse_from_str(f.get(3)?, "%Y-%m-%d").ok()?;
            let at = chrono::Utc.from_utc_datetime(&date.and_hms_opt(12, 0, 0)?);
            let id = format!("{name}#{n}");
            let article = dragoman_model::CleanArticle::from_text(&id, f[4], at);
            let gold = (f[0] != "-")
                .then(|| data::Gold {
                    code: f[0].to_string(),
                    source: data::key(f[1]),
                    target: data::key(f[2]),
                })
                .into_iter()
                .collect();
            Some(data::Item {
                id,
                part: "studied".into(),
                text: f[4].to_string(),
                nonpolitical: false,
                gold,
                events: coder.code_article(&article),
            })
        })
        .collect()
}

const THRESHOLDS: [f64; 9] = [0.1, 0.15, 0.2, 0.25, 0.3, 0.35, 0.4, 0.45, 0.5];
const LAMBDAS: [f64; 3] = [0.001, 0.003, 0.01];

/// (threshold, wrong dropped, right dropped) by 5-fold cross-validation over items.
fn cross_validate(examples: &[Example], dims: usize, lambda: f64) -> Vec<(f64, u32, u32)> {
    let mut p = vec![0.0; examples.len()];
    for fold in 0..5 {
        let train_set: Vec<&Example> = examples.iter().filter(|e| e.item % 5 != fold).collect();
        let model = train(&train_set, dims, lambda);
        for (i, e) in examples.iter().enumerate() {
            if e.item % 5 == fold {
                p[i] = probability(&model, e);
            }
        }
    }
    THRESHOLDS
        .iter()
        .map(|&t| {
            let (mut wrong, mut right) = (0, 0);
            for (e, &p) in examples.iter().zip(&p) {
                if p < t {
                    if e.right {
                        right += 1;
                    } else {
                        wrong += 1;
                    }
                }
            }
            (t, wrong, right)
        })
        .collect()
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let write = std::env::args().any(|a| a == "--write");
    let coder = Coder::bundled()?.with_filter(EventFilter::keep_all());
    let mut items = data::current_events(&coder);
    items.extend(data::state_department(&coder));
    items.retain(|i| i.part == "studied");
    // The team's sets too (codebook3, held out, never): sentences written to show each code,
    // as the CAMEO codebook's examples do, so that what is rare in the news is not learned as
    // wrong.
    for set in TEAM_SETS {
        items.extend(team_set(&coder, set));
    }
    let (names, examples) = examples(&items);
    let wrong_total = examples.iter().filter(|e| !e.right).count();
    println!(
        "studied: {} items, {} events ({} right, {wrong_total} wrong), {} features",
        items.len(),
        examples.len(),
        examples.len() - wrong_total,
        names.len()
    );
    let mut best = (f64::MIN, 0.0, 0.0);
    for lambda in LAMBDAS {
        println!("lambda {lambda}: threshold, wrong dropped, right dropped (5-fold)");
        for (t, wrong, right) in cross_validate(&examples, names.len(), lambda) {
            println!("  {t:.2}  {wrong:>4}  {right:>4}");
            let gain = f64::from(wrong) - 3.0 * f64::from(right);
            if gain > best.0 {
                best = (gain, lambda, t);
            }
        }
    }
    let (gain, lambda, threshold) = best;
    println!("chosen: lambda {lambda}, threshold {threshold} (gain {gain})");
    if write {
        let all: Vec<&Example> = examples.iter().collect();
        let (bias, w) = train(&all, names.len(), lambda);
        let weights = names
            .iter()
            .zip(&w)
            .filter(|(_, w)| w.abs() >= 1e-3)
            .map(|(n, w)| (n.clone(), *w as f32))
            .collect();
        let model = EventFilter::new(bias as f32, threshold as f32, weights);
        let header = format!(
            "The learned filter's model (crates/coder/src/filter.rs), written by\n\
             `cargo run --release -p dragoman-coder --example train_filter -- --write`\n\
             from the studied part of tests/data/real ({} events of {} items; lambda {lambda},\n\
             threshold chosen by 5-fold cross-validation). Do not edit by hand: train again.",
            examples.len(),
            items.len()
        );
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/filter/weights.tsv");
        std::fs::write(path, model.write(&header))?;
        println!("wrote {path}");
    }
    Ok(())
}
