//! A learned check on the events the rules found: a logistic model of whether a reader of the
//! sentence would code an event of that root there. It only removes: an event whose
//! probability falls under the model's threshold is dropped (`dragoman code --explain` lists
//! it with its probability). The weights (`filter/weights.tsv`, compiled in) are trained by
//! `cargo run --release -p dragoman-coder --example train_filter` on the studied part of the
//! labelled real text (`tests/data/real/`), never on its blind part, and on the team's sets that
//! are not held out (without them it learned that codes rare in the news are wrong).
//!
//! The features are what any event has, whatever the dictionaries: its root and code, the
//! pattern and rules that produced it, what kind of actors it has, the rules' confidence and
//! whether the text dated it. The words of the sentence were tried and left out: with a
//! thousand training events they fit the studied part and lost on held-out folds. A feature
//! the weights do not name weighs nothing.

use std::collections::HashMap;

use rustc_hash::FxHashMap;

use dragoman_model::CandidateEvent;

use crate::engine::RULE_SEPARATOR;

/// The bundled model.
const BUNDLED: &str = include_str!("../filter/weights.tsv");

#[derive(Debug, Clone, PartialEq)]
pub struct EventFilter {
    bias: f32,
    /// Events with a probability under this are dropped.
    threshold: f32,
    /// By the name's hash ([`name_hash`]): scoring builds no string.
    weights: FxHashMap<u64, f32>,
    /// By name, for writing the model back.
    names: Vec<(String, f32)>,
}

#[derive(Debug, thiserror::Error, PartialEq)]
#[error("filter weights, line {line}: {message}")]
pub struct FilterError {
    pub line: usize,
    pub message: String,
}

impl EventFilter {
    /// The model compiled into the library.
    pub fn bundled() -> Self {
        Self::parse(BUNDLED).expect("the bundled filter weights parse")
    }

    /// A filter that keeps every event.
    pub fn keep_all() -> Self {
        EventFilter {
            bias: 0.0,
            threshold: 0.0,
            weights: FxHashMap::default(),
            names: Vec::new(),
        }
    }

    /// Reads `bias B`, `threshold T` and `FEATURE<TAB>WEIGHT` lines (`#` comments).
    pub fn parse(text: &str) -> Result<Self, FilterError> {
        let mut f = Self::keep_all();
        for (i, line) in text.lines().enumerate() {
            let line = line.trim_end();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let err = |message: &str| FilterError {
                line: i + 1,
                message: message.to_string(),
            };
            let (name, value) = line
                .split_once('\t')
                .ok_or_else(|| err("want a name, a tab and a number"))?;
            let value: f32 = value.parse().map_err(|_| err("not a number"))?;
            match name {
                "bias" => f.bias = value,
                "threshold" => f.threshold = value,
                _ => f.insert(name, value),
            }
        }
        Ok(f)
    }

    /// The model as `parse` reads it, features sorted.
    pub fn write(&self, header: &str) -> String {
        let mut out = String::new();
        for l in header.lines() {
            out.push_str(&format!("# {l}\n"));
        }
        out.push_str(&format!(
            "bias\t{}\nthreshold\t{}\n",
            self.bias, self.threshold
        ));
        let mut w: Vec<_> = self.names.iter().collect();
        w.sort_by(|a, b| a.0.cmp(&b.0));
        for (name, value) in w {
            out.push_str(&format!("{name}\t{value}\n"));
        }
        out
    }

    /// A model of these weights.
    pub fn new(bias: f32, threshold: f32, weights: HashMap<String, f32>) -> Self {
        let mut f = EventFilter {
            bias,
            threshold,
            ..Self::keep_all()
        };
        for (name, value) in weights {
            f.insert(&name, value);
        }
        f
    }

    fn insert(&mut self, name: &str, value: f32) {
        self.weights.insert(name_hash(&[name]), value);
        self.names.push((name.to_string(), value));
    }

    /// The probability that a reader would code `e`'s root in its sentence.
    pub fn probability(&self, e: &CandidateEvent) -> f32 {
        if self.weights.is_empty() {
            return 1.0;
        }
        let mut z = self.bias;
        each_feature(e, |parts| {
            z += self.weights.get(&name_hash(parts)).copied().unwrap_or(0.0)
        });
        1.0 / (1.0 + (-z).exp())
    }

    /// Whether `e` stays.
    pub fn keeps(&self, e: &CandidateEvent) -> bool {
        self.threshold <= 0.0 || self.probability(e) >= self.threshold
    }
}

/// FNV-1a of the parts' bytes one after the other: the hash of their concatenation, which is
/// the feature's name.
fn name_hash(parts: &[&str]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in parts.iter().flat_map(|p| p.bytes()) {
        h = (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3);
    }
    h
}

/// Calls `f` with the name of each feature of `e` (each once).
pub fn features(e: &CandidateEvent, mut f: impl FnMut(&str)) {
    each_feature(e, |parts| f(&parts.concat()));
}

/// Calls `emit` with each feature of `e` as the parts of its name.
fn each_feature(e: &CandidateEvent, mut emit: impl FnMut(&[&str])) {
    emit(&["root:", &e.root_code]);
    emit(&["code:", &e.code]);
    let mut rules = e.evidence.rule.split(RULE_SEPARATOR);
    if let Some(pattern) = rules.next() {
        emit(&["pattern:", pattern]);
    }
    for r in rules {
        emit(&["rule:", r]);
    }
    fn kind(a: &Option<dragoman_model::Actor>) -> &str {
        match a {
            None => "none",
            Some(a) if a.country.is_none() => "body",
            Some(a) => a.agents.first().map_or("state", String::as_str),
        }
    }
    emit(&["source:", kind(&e.source)]);
    emit(&["target:", kind(&e.target)]);
    emit(&["actors:", kind(&e.source), "/", kind(&e.target)]);
    emit(&["root/target:", &e.root_code, "/", kind(&e.target)]);
    let same = matches!((&e.source, &e.target), (Some(s), Some(t)) if s.country.is_some() && s.country == t.country);
    if same {
        emit(&["same-country"]);
    }
    if e.negated {
        emit(&["negated"]);
    }
    // The rules' own certainty (pattern specificity, how sure the actors are), in tenths.
    let tenths = ["0", "1", "2", "3", "4", "5", "6", "7", "8", "9"];
    emit(&[
        "confidence:",
        tenths[((e.confidence * 10.0) as usize).min(9)],
    ]);
    let dated = match e.date_precision {
        dragoman_model::DatePrecision::Published | dragoman_model::DatePrecision::FirstSeen => {
            "undated"
        }
        _ => "dated",
    };
    emit(&["date:", dated]);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_bundled_weights_parse_and_write_back_the_same() {
        let f = EventFilter::bundled();
        assert_eq!(EventFilter::parse(&f.write("x")).unwrap(), f);
    }

    #[test]
    fn a_bad_weight_line_names_its_line() {
        let e = EventFilter::parse("# model\nbias\t0.5\nroot:19 2\n").unwrap_err();
        assert_eq!(e.line, 3);
    }

    #[test]
    fn an_event_under_the_threshold_is_dropped_and_one_over_it_kept() {
        let coder = crate::Coder::bundled()
            .unwrap()
            .with_filter(EventFilter::keep_all());
        let at = chrono::NaiveDate::from_ymd_opt(2025, 3, 3).unwrap();
        let events = coder
            .explain("Russian forces shelled Kharkiv on Monday.", at)
            .events;
        let e = &events[0];
        let mut weights = HashMap::new();
        weights.insert("pattern:shell".to_string(), -4.0);
        let f = EventFilter::new(0.0, 0.3, weights);
        assert!(f.probability(e) < 0.3);
        assert!(!f.keeps(e));
        let mut weights = HashMap::new();
        weights.insert(format!("root:{}", e.root_code), 2.0);
        assert!(EventFilter::new(0.0, 0.3, weights).keeps(e));
    }
}
