//! `dragoman dict check`: every problem of a dictionary directory, with its file and line.
//!
//! A directory in the project's format is checked as the coder would load it, laid over the
//! bundled dictionaries; with no directory, the bundled ones. Reported: lines that do not
//! parse (all of them, not only the first), unknown CAMEO codes, unknown agents, classes and
//! countries, duplicate keys, names that point to two actors at once, and patterns, rules and
//! compositions that can never match.

use std::collections::{BTreeSet, HashMap, HashSet};
use std::fmt;
use std::path::Path;

use chrono::NaiveDate;
use dragoman_model::CameoTable;

use super::lines::{fields, lines_of, strip_comment, Line};
use super::rules::{Action, Cond, RuleSet, SlotTest};
use super::{actors, compose, facts, overlay, rules, verbs, words, Dictionaries, F, FILES};
use crate::classes::{engine_class_names, WordClasses};
use crate::dict::{ActorDict, ActorKind, VerbDict};
use crate::error::DictError;

/// One problem: where, and what.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Problem {
    pub file: String,
    pub line: usize,
    pub message: String,
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}: {}", self.file, self.line, self.message)
    }
}

/// What a check found.
#[derive(Debug, Default)]
pub struct Report {
    pub problems: Vec<Problem>,
    /// Entries per file, for the summary.
    pub counts: Vec<(String, usize)>,
}

#[derive(Default)]
struct Problems(Vec<Problem>);

impl Problems {
    fn at(&mut self, file: &str, line: usize, message: impl Into<String>) {
        self.0.push(Problem {
            file: file.to_string(),
            line,
            message: message.into(),
        });
    }

    fn line(&mut self, l: &Line, message: impl Into<String>) {
        self.at(l.file, l.line, message);
    }

    fn error(&mut self, e: DictError) {
        match e {
            DictError::Parse {
                file,
                line,
                message,
            } => self.at(&file, line, message),
            other => self.at("", 0, other.to_string()),
        }
    }
}

/// Checks `dir` laid over the bundled dictionaries, or the bundled ones when `dir` is `None`.
/// A PETRARCH-2 directory is checked by loading it. Errors only when the directory cannot be
/// read.
pub fn check(dir: Option<&Path>) -> Result<Report, DictError> {
    if let Some(d) = dir.filter(|d| super::petrarch::is_petrarch(d)) {
        let mut p = Problems::default();
        if let Err(e) = crate::Coder::from_petrarch(d) {
            p.error(e);
        }
        return Ok(Report {
            problems: p.0,
            counts: Vec::new(),
        });
    }
    let user = match dir {
        Some(d) => super::read_dir(d)?,
        None => vec![None; FILES.len()],
    };
    let mut p = Problems::default();
    let mut files: Vec<Vec<Line>> = Vec::with_capacity(FILES.len());
    for (name, u) in FILES.iter().zip(&user) {
        let bundled = lines_of(name, super::bundled_text(name));
        files.push(match u {
            Some((path, text)) => {
                lint_physical(name, &lines_of(path, text), &mut p);
                overlay::merge(name, bundled, lines_of(path, text))
            }
            None => {
                if dir.is_none() {
                    lint_physical(name, &bundled, &mut p);
                }
                bundled
            }
        });
    }
    let d = parse_all(&mut files, &mut p);
    lint_actors(&files, &mut p);
    lint_verbs(&files[F::Verbs as usize], &d.verbs, &mut p);
    lint_words(&d, &mut p);
    let agents: HashSet<&str> = d
        .actors
        .entries
        .iter()
        .filter(|e| e.kind == ActorKind::Agent)
        .map(|e| &*e.code)
        .collect();
    lint_rules(&d, &agents, &mut p);
    lint_facts(&files[F::Facts as usize], &d.actors, &agents, &mut p);
    lint_compose(&files[F::Compose as usize], &mut p);
    if let Err(e) = crate::Coder::from_dictionaries(d.clone()) {
        p.error(e);
    }
    let mut problems = p.0;
    problems.sort();
    problems.dedup();
    let counts = vec![
        ("verb patterns".into(), d.verbs.pattern_count()),
        ("word classes".into(), d.words.classes.len()),
        ("rules".into(), d.rules.rules.len()),
        ("actor phrases".into(), d.actors.phrases.len()),
    ];
    Ok(Report { problems, counts })
}

/// Parses every file, collecting every line that does not parse: a wrong line is reported and
/// left out, and the file is parsed again.
fn parse_all(files: &mut [Vec<Line>], p: &mut Problems) -> Dictionaries {
    fn each<T: Default>(
        lines: &mut Vec<Line>,
        p: &mut Problems,
        mut parse: impl FnMut(&[Line]) -> Result<T, DictError>,
    ) -> T {
        loop {
            match parse(lines) {
                Ok(t) => return t,
                Err(DictError::Parse {
                    file,
                    line,
                    message,
                }) => {
                    p.at(&file, line, message);
                    let before = lines.len();
                    lines.retain(|l| !(l.file == file && l.line == line));
                    if lines.len() == before {
                        return T::default();
                    }
                }
                Err(e) => {
                    p.error(e);
                    return T::default();
                }
            }
        }
    }
    let mut d = Dictionaries::default();
    let f = |x: F| x as usize;
    d.inflections = each(&mut files[f(F::Inflections)], p, words::parse_inflections);
    d.words = each(&mut files[f(F::Words)], p, words::parse_words);
    for (x, kind) in [
        (F::Countries, ActorKind::Country),
        (F::People, ActorKind::Person),
        (F::Igos, ActorKind::Igo),
        (F::Groups, ActorKind::Group),
        (F::Agents, ActorKind::Agent),
    ] {
        let part = each(&mut files[f(x)], p, |ls| {
            let mut a = ActorDict::default();
            match kind {
                ActorKind::Country => actors::parse_countries(ls, &mut a)?,
                ActorKind::Person => actors::parse_people(ls, &mut a)?,
                k => actors::parse_coded_names(ls, k, &mut a)?,
            }
            Ok(a)
        });
        d.actors.extend(part);
    }
    let inf = d.inflections.clone();
    d.verbs = each(&mut files[f(F::Verbs)], p, |ls| {
        verbs::parse_verbs(ls, &inf)
    });
    d.compose = each(&mut files[f(F::Compose)], p, compose::parse_compose);
    d.facts = each(&mut files[f(F::Facts)], p, facts::parse_facts);
    d.rules = each(&mut files[f(F::Rules)], p, rules::parse_rules);
    d.label = "check".into();
    d
}

/// What a file must be as a file: UTF-8 (read), LF line ends, and for the actor files a first
/// line that says where the entries come from.
fn lint_physical(name: &str, lines: &[Line], p: &mut Problems) {
    for l in lines {
        if l.text.ends_with('\r') {
            p.line(l, "CRLF line ending");
        }
    }
    if layout(name).is_some() {
        let ok = lines.first().is_some_and(|l| {
            l.text.starts_with('#') && l.text.trim_matches(['#', ' ']).len() >= 20
        });
        if !ok {
            let file = lines.first().map_or(name, |l| l.file);
            p.at(
                file,
                1,
                "the first line must be a comment giving provenance and licence",
            );
        }
    }
}

/// The columns of an actor file and the columns that hold names.
fn layout(name: &str) -> Option<(usize, &'static [usize])> {
    let i = FILES.iter().position(|f| *f == name)?;
    Some(match i {
        x if x == F::Countries as usize => (6, &[1, 2, 3, 4, 5]),
        x if x == F::People as usize => (5, &[4]),
        x if x == F::Igos as usize || x == F::Groups as usize || x == F::Agents as usize => {
            (2, &[1])
        }
        _ => return None,
    })
}

const ROLES: [&str; 5] = [
    "head_of_state",
    "head_of_government",
    "foreign_minister",
    "defense_minister",
    "other",
];

/// A name's entry for the collision check: where, which code, when.
struct Named<'a> {
    file: &'a str,
    line: usize,
    code: &'a str,
    start: NaiveDate,
    end: NaiveDate,
}

/// The actor files: columns, codes, dates, roles, sorting, duplicate codes, people's codes,
/// and names that point to two actors at overlapping dates.
fn lint_actors(files: &[Vec<Line>], p: &mut Problems) {
    let (min, max) = (NaiveDate::MIN, NaiveDate::MAX);
    let mut names: HashMap<String, Vec<Named>> = HashMap::new();
    let mut phrases: HashMap<String, Vec<Named>> = HashMap::new();
    let (mut countries, mut orgs, mut agents) = (HashSet::new(), HashSet::new(), HashSet::new());
    let mut people = Vec::new();
    for (i, name) in FILES.iter().enumerate() {
        let Some((ncols, name_cols)) = layout(name) else {
            continue;
        };
        let mut prev: HashMap<&str, &str> = HashMap::new();
        let mut seen: HashSet<&str> = HashSet::new();
        for l in &files[i] {
            let t = l.text.trim_end_matches('\r');
            if t.trim().is_empty() || t.trim_start().starts_with('#') {
                continue;
            }
            let c: Vec<&str> = t.split('\t').collect();
            if c.len() != ncols {
                p.line(l, format!("{} columns, expected {ncols}", c.len()));
                continue;
            }
            let code = c[0];
            let last = prev.insert(l.file, code).unwrap_or("");
            if code < last {
                p.line(l, format!("not sorted by code: {code} after {last}"));
            }
            let (mut start, mut end) = (min, max);
            match i {
                x if x == F::Countries as usize || x == F::Agents as usize => {
                    let ok = code.len() == 3 && code.bytes().all(|b| b.is_ascii_uppercase());
                    if !ok {
                        p.line(l, format!("code {code:?} must be three capital letters"));
                    }
                    if !seen.insert(code) {
                        p.line(
                            l,
                            format!("duplicate key: code {code} is on an earlier line"),
                        );
                    }
                    if x == F::Agents as usize {
                        agents.insert(code);
                    } else {
                        countries.insert(code);
                    }
                }
                x => {
                    if code.len() < 3 || !code.bytes().all(|b| b.is_ascii_uppercase()) {
                        p.line(l, format!("code {code:?} must be capital letters"));
                    }
                    if x == F::People as usize {
                        let date = |s: &str| NaiveDate::parse_from_str(s, "%Y-%m-%d").ok();
                        start = date(c[1]).unwrap_or(min);
                        end = date(c[2]).unwrap_or(max);
                        if !ROLES.contains(&c[3]) {
                            p.line(
                                l,
                                format!("role {:?} is not one of {}", c[3], ROLES.join(", ")),
                            );
                        }
                        people.push((l, code));
                    } else {
                        orgs.insert(code);
                    }
                }
            }
            for &col in name_cols {
                let alts: Vec<&str> = if c[col].is_empty() {
                    if col == 1 || (col == 4 && i == F::People as usize) {
                        p.line(l, format!("column {} is empty", col + 1));
                    }
                    Vec::new()
                } else {
                    c[col].split('|').collect()
                };
                for a in alts {
                    if a.is_empty() {
                        p.line(l, format!("column {} has an empty alternative", col + 1));
                        continue;
                    }
                    if a != a.trim() || a.contains("  ") {
                        p.line(
                            l,
                            format!("column {} alternative {a:?} has stray spaces", col + 1),
                        );
                    }
                    let key = a
                        .split_whitespace()
                        .collect::<Vec<_>>()
                        .join(" ")
                        .to_lowercase();
                    let e = Named {
                        file: l.file,
                        line: l.line,
                        code,
                        start,
                        end,
                    };
                    if i == F::Agents as usize {
                        if a != a.to_lowercase() {
                            p.line(l, format!("agent phrase {a:?} must be lower case"));
                        }
                        phrases.entry(key).or_default().push(e);
                    } else {
                        names.entry(key).or_default().push(e);
                    }
                }
            }
        }
    }
    lint_people_codes(&people, &countries, &orgs, &agents, p);
    for (what, index) in [("name", &names), ("phrase", &phrases)] {
        let mut sorted: Vec<_> = index.iter().collect();
        sorted.sort_by(|a, b| a.0.cmp(b.0));
        for (name, entries) in sorted {
            for (k, a) in entries.iter().enumerate() {
                for b in &entries[k + 1..] {
                    if a.code != b.code && a.start <= b.end && b.start <= a.end {
                        p.at(
                            b.file,
                            b.line,
                            format!(
                                "{what} {name:?} maps to {} here and to {} at {}:{} at overlapping dates",
                                b.code, a.code, a.file, a.line
                            ),
                        );
                    }
                }
            }
        }
    }
}

/// A person's code is a known country or organisation followed by agents of `agents.txt`.
fn lint_people_codes(
    people: &[(&Line, &str)],
    countries: &HashSet<&str>,
    orgs: &HashSet<&str>,
    agents: &HashSet<&str>,
    p: &mut Problems,
) {
    let mut by_length: Vec<&&str> = orgs.iter().collect();
    by_length.sort_by_key(|o| (std::cmp::Reverse(o.len()), **o));
    for (l, code) in people {
        let base = by_length
            .iter()
            .find(|o| code.starts_with(***o))
            .map(|o| **o)
            .or_else(|| code.get(..3).filter(|c| countries.contains(c)));
        let Some(base) = base else {
            p.line(
                l,
                format!("code {code} starts with no known country or organisation"),
            );
            continue;
        };
        let rest = &code[base.len()..];
        for k in (0..rest.len()).step_by(3) {
            let part = &rest[k..(k + 3).min(rest.len())];
            if !agents.contains(part) {
                p.line(
                    l,
                    format!("code {code}: {part:?} is not an agent of agents.txt"),
                );
            }
        }
    }
}

/// Verb patterns: `|` separates single words, and a pattern written twice for the same
/// lemma can never be the one that matches.
fn lint_verbs(lines: &[Line], verbs: &VerbDict, p: &mut Problems) {
    const FUNCTION: [&str; 12] = [
        "of", "to", "for", "the", "a", "an", "in", "on", "with", "and", "from", "by",
    ];
    for l in lines.iter().filter(|l| l.text.starts_with("  ")) {
        let mut seen: BTreeSet<&str> = BTreeSet::new();
        for el in strip_comment(l.text).split_whitespace().skip(1) {
            let words: BTreeSet<&str> = el
                .split('|')
                .filter(|w| !matches!(*w, "*" | "+" | "$") && !FUNCTION.contains(w))
                .collect();
            let again: Vec<&&str> = words.intersection(&seen).collect();
            if !again.is_empty() {
                p.line(l, format!("{again:?} repeated: `|` separates single words"));
            }
            seen.extend(words);
        }
    }
    let mut first: HashMap<(bool, &str, String), (&str, u32)> = HashMap::new();
    for b in &verbs.blocks {
        for pat in &b.patterns {
            let Some((file, line)) = &pat.origin else {
                continue;
            };
            let shape = format!("{:?}{:?}{:?}", pat.before, pat.after, pat.guard);
            match first.get(&(b.noun, &*b.lemma, shape.clone())) {
                Some((f, n)) => p.at(
                    file,
                    *line as usize,
                    format!(
                        "can never match: the same pattern of {} is at {f}:{n}",
                        b.lemma
                    ),
                ),
                None => {
                    first.insert((b.noun, &b.lemma, shape), (file, *line));
                }
            }
        }
    }
}

/// Every class the engine asks about is defined.
fn lint_words(d: &Dictionaries, p: &mut Problems) {
    let file = FILES[F::Words as usize];
    for name in engine_class_names() {
        if d.words.get(&name).is_none() {
            p.at(
                file,
                0,
                format!("class {name}, which the engine needs, is not defined"),
            );
        }
    }
}

/// Rules: classes and agents they name exist, and a code they ask for can be made.
fn lint_rules(d: &Dictionaries, agents: &HashSet<&str>, p: &mut Problems) {
    let mut literal = d.rules.literal_words();
    literal.extend(d.verbs.guard_words());
    let classes = match WordClasses::build_with(&d.words, &d.verbs, &literal) {
        Ok(c) => c,
        Err(e) => return p.error(e),
    };
    for r in &d.rules.rules {
        let mut one = RuleSet::default();
        one.rules.push(r.clone());
        if let Err(e) = one.resolve(&classes) {
            p.error(e);
        }
    }
    let made = codes_made(d);
    for r in &d.rules.rules {
        let mut codes = Vec::new();
        for c in &r.conds {
            rule_agents(c, &mut codes);
            if let Cond::Code(pats) = c {
                if !made.iter().any(|m| pats.iter().any(|pt| pt.matches(m))) {
                    p.at(&r.file, r.line, format!("rule {} can never match: no pattern, composition or rule makes its codes", r.name));
                }
            }
        }
        for a in &r.actions {
            if let Action::Select { tests, .. } = a {
                slot_agents(tests, &mut codes);
            }
        }
        for c in codes.into_iter().filter(|c| !agents.contains(c)) {
            p.at(
                &r.file,
                r.line,
                format!("rule {}: unknown agent {c}", r.name),
            );
        }
    }
}

fn rule_agents<'a>(c: &'a Cond, out: &mut Vec<&'a str>) {
    match c {
        Cond::Members(_, _, t) => out.extend(t.codes.iter().map(|c| &**c)),
        Cond::Not(c) => rule_agents(c, out),
        _ => {}
    }
}

fn slot_agents<'a>(tests: &'a [SlotTest], out: &mut Vec<&'a str>) {
    for t in tests {
        match t {
            SlotTest::Test { actor: Some(a), .. } => out.extend(a.codes.iter().map(|c| &**c)),
            SlotTest::Either(alts) => alts.iter().for_each(|a| slot_agents(a, out)),
            _ => {}
        }
    }
}

/// Every code a pattern, a control verb's composition or a rule can give an event, and the
/// codes the coder refines by place or demand.
fn codes_made(d: &Dictionaries) -> BTreeSet<&'static str> {
    let table = CameoTable::global();
    let mut made: BTreeSet<&'static str> = d.verbs.distinct_codes();
    for f in super::Family::ALL {
        for c in made.clone() {
            made.extend(d.compose.compose(f, c));
        }
    }
    for r in &d.rules.rules {
        for a in &r.actions {
            match a {
                Action::Code(c) => {
                    made.insert(c);
                }
                Action::CodeMap(m) => made.extend(m.iter().map(|(_, to)| *to)),
                _ => {}
            }
        }
    }
    // The sentence-level rules refine a code by its last digit (a protest by what it
    // demands) and give a statement its tone.
    for c in made.clone() {
        made.extend((1..=9).filter_map(|k| table.get(&format!("{c}{k}")).map(|x| x.code)));
    }
    made
}

/// Facts: the agents, countries and groups they name exist.
fn lint_facts(lines: &[Line], actors: &ActorDict, agents: &HashSet<&str>, p: &mut Problems) {
    let countries: HashSet<&str> = actors
        .entries
        .iter()
        .filter(|e| e.kind == ActorKind::Country)
        .map(|e| &*e.code)
        .collect();
    let known: HashSet<&str> = actors.entries.iter().map(|e| &*e.code).collect();
    for l in lines {
        let Some((_, w)) = fields(l.text) else {
            continue;
        };
        match w[..] {
            ["agents", _, ref codes @ ..] => {
                for c in codes.iter().filter(|c| !agents.contains(*c)) {
                    p.line(l, format!("unknown agent {c}"));
                }
            }
            ["theatre" | "roams", group, ref cs @ ..] => {
                if !known.contains(group) {
                    p.line(l, format!("unknown actor {group}"));
                }
                for c in cs.iter().filter(|c| !countries.contains(*c)) {
                    p.line(l, format!("unknown country {c}"));
                }
            }
            _ => {}
        }
    }
}

/// A composition line after a broader one of the same family can never match.
fn lint_compose(lines: &[Line], p: &mut Problems) {
    let mut earlier: Vec<(&str, &str, bool, &Line)> = Vec::new();
    for l in lines {
        let Some((_, w)) = fields(l.text) else {
            continue;
        };
        let [family, code, _] = w[..] else {
            continue;
        };
        let (c, prefix) = match code.strip_suffix('*') {
            Some(c) => (c, true),
            None => (code, false),
        };
        let shadow = earlier.iter().find(|(f, e, ep, _)| {
            *f == family && ((*ep && c.starts_with(e)) || (!*ep && !prefix && *e == c))
        });
        if let Some((_, _, _, by)) = shadow {
            p.line(
                l,
                format!(
                    "can never match: line {} of {} decides first",
                    by.line, by.file
                ),
            );
        }
        earlier.push((family, c, prefix, l));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_bundled_dictionaries_have_no_problem() {
        let r = check(None).unwrap();
        let shown: Vec<String> = r.problems.iter().take(20).map(|p| p.to_string()).collect();
        assert!(r.problems.is_empty(), "{}", shown.join("\n"));
    }

    #[test]
    fn every_wrong_line_is_reported_with_its_file_and_line() {
        let dir = std::env::temp_dir().join(format!("dragoman-check-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(
            dir.join("rules.txt"),
            "rule a\n  if code 999\n  then code 190\nrule b\n  if source all agent XYZ\n  then code 190\n",
        )
        .unwrap();
        std::fs::write(
            dir.join("verbs.txt"),
            "verb sign\n  057 * deal\n  057 * deal\n  58 *\n",
        )
        .unwrap();
        let r = check(Some(&dir)).unwrap();
        let shown: Vec<String> = r.problems.iter().map(|p| p.to_string()).collect();
        let has = |s: &str| shown.iter().any(|x| x.contains(s));
        assert!(has("rules.txt:2: \"999\" is not a CAMEO"), "{shown:#?}");
        assert!(has("rules.txt:4: rule b: unknown agent XYZ"), "{shown:#?}");
        assert!(has("verbs.txt:3: can never match"), "{shown:#?}");
        assert!(
            has("verbs.txt:4: \"58\" is not a CAMEO event code"),
            "{shown:#?}"
        );
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
