//! Loader for PETRARCH-2 dictionaries, so that users who keep them can bring them:
//! `CAMEO.2.0.txt` (verb blocks, synonym sets, patterns), `Phoenix.*.actors.txt` (actors with
//! dated codes) and `Phoenix.agents.txt`.
//!
//! The conversion keeps what a shallow coder can use: every synonym of a verb block becomes a
//! trigger, pattern words (prepositional phrases and `{...}` phrases flattened to words), `&SETS`,
//! `$` and `+`. Patterns whose code is not a CAMEO code (`[---]`) are skipped; `[042:043]` keeps
//! its source-to-target code. Malformed dates in actor files skip that code line only.

use std::path::Path;

use chrono::NaiveDate;
use rustc_hash::FxHashMap;

use dragoman_model::CameoTable;

use super::actors::{ActorDict, ActorEntry, ActorKind};
use super::verbs::{Block, Elem, Pattern, VerbDict};
use super::{Dictionaries, Inflections};
use crate::error::DictError;
use crate::lexicon::{self, Form};

const VERBS: &str = "CAMEO.2.0.txt";
const AGENTS: &str = "Phoenix.agents.txt";

fn read(dir: &Path, name: &str) -> Result<Option<String>, DictError> {
    let path = dir.join(name);
    if !path.exists() {
        return Ok(None);
    }
    // PETRARCH files are mostly ASCII with a few Latin-1 bytes: read lossily.
    let bytes = std::fs::read(&path).map_err(|source| DictError::Io {
        path: path.clone(),
        source,
    })?;
    Ok(Some(String::from_utf8_lossy(&bytes).into_owned()))
}

/// Whether a directory holds PETRARCH-2 dictionaries (its verb file).
pub fn is_petrarch(dir: &Path) -> bool {
    dir.join(VERBS).is_file()
}

/// Loads every PETRARCH file found in `dir`; the verb file is required.
pub fn load(dir: &Path) -> Result<Dictionaries, DictError> {
    let verbs_text = read(dir, VERBS)?.ok_or_else(|| DictError::Empty {
        dir: dir.to_path_buf(),
        expected: VERBS.into(),
    })?;
    // The word classes, inflections and rules are the bundled ones.
    let mut d = Dictionaries::bundled()?;
    let verbs = parse_verbs(VERBS, &verbs_text, &d.inflections)?;
    let mut actors = ActorDict::default();
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .map_err(|source| DictError::Io {
            path: dir.to_path_buf(),
            source,
        })?
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".actors.txt"))
        .collect();
    names.sort();
    for n in &names {
        if let Some(text) = read(dir, n)? {
            let group = n.contains("MilNonState");
            parse_actors(n, &text, group, &mut actors)?;
        }
    }
    if let Some(text) = read(dir, AGENTS)? {
        parse_agents(AGENTS, &text, &mut actors)?;
    }
    d.actors = actors;
    d.verbs = verbs;
    d.label = format!("petrarch2:{}", dir.display());
    Ok(d)
}

fn strip_comment(l: &str) -> &str {
    l.split('#').next().unwrap_or("")
}

/// `WORD_WORD_` -> "word word".
fn phrase(p: &str) -> String {
    let p = match (p.find('!'), p.rfind('!')) {
        (Some(a), Some(b)) if b > a => format!("{}{}", &p[..a], &p[b + 1..]),
        _ => p.to_string(),
    };
    p.replace('_', " ").trim().to_ascii_lowercase()
}

/// A name as the actor automaton should see it: short single words stay upper case so that
/// they match as acronyms only ("US", "UN"); others match in any case.
fn actor_name(p: &str) -> String {
    let ph = phrase(p);
    if !ph.contains(' ') && ph.len() <= 4 {
        ph.to_ascii_uppercase()
    } else {
        ph
    }
}

fn yymmdd(file: &str, line: usize, s: &str) -> Result<NaiveDate, DictError> {
    let bad = || {
        DictError::parse(
            file,
            line,
            format!("bad date {s:?}, expected YYMMDD or YYYYMMDD"),
        )
    };
    if !(s.len() == 6 || s.len() == 8) || !s.bytes().all(|b| b.is_ascii_digit()) {
        return Err(bad());
    }
    let (year, s) = if s.len() == 8 {
        (s[..4].parse().map_err(|_| bad())?, &s[2..])
    } else {
        let yy: i32 = s[..2].parse().map_err(|_| bad())?;
        (if yy > 50 { 1900 + yy } else { 2000 + yy }, s)
    };
    let (m, d) = (
        s[2..4].parse().map_err(|_| bad())?,
        s[4..6].parse().map_err(|_| bad())?,
    );
    NaiveDate::from_ymd_opt(year, m, d).ok_or_else(bad)
}

/// An actor code with its optional start and end dates.
type CodeSpec = (String, Option<NaiveDate>, Option<NaiveDate>);

/// `[CODE]`, `[CODE 030101-051031]`, `[CODE >030101]`, `[CODE <030101]`.
fn code_spec(file: &str, line: usize, s: &str) -> Result<Option<CodeSpec>, DictError> {
    let inner = s
        .trim()
        .trim_start_matches('[')
        .trim_end_matches(']')
        .trim();
    let mut parts = inner.split_whitespace();
    let Some(code) = parts.next() else {
        return Ok(None);
    };
    let code = code.trim_matches('~').to_string();
    if code.is_empty() || code.starts_with("---") {
        return Ok(None);
    }
    let (mut start, mut end) = (None, None);
    // The published Phoenix files carry a few malformed dates ("9008223"): such a code line is
    // skipped rather than refusing the whole file, as PETRARCH itself does.
    let checked = |r: Result<NaiveDate, DictError>| r.ok();
    if let Some(d) = parts.next() {
        let valid = d
            .trim_start_matches(['>', '<'])
            .split('-')
            .all(|x| checked(yymmdd(file, line, x)).is_some());
        if !valid {
            return Ok(None);
        }
        if let Some(x) = d.strip_prefix('>') {
            start = Some(yymmdd(file, line, x)?);
        } else if let Some(x) = d.strip_prefix('<') {
            end = Some(yymmdd(file, line, x)?);
        } else if let Some((a, b)) = d.split_once('-') {
            start = Some(yymmdd(file, line, a)?);
            end = Some(yymmdd(file, line, b)?);
        }
    }
    Ok(Some((code, start, end)))
}

type Pending = (
    Vec<String>,
    Vec<(String, Option<NaiveDate>, Option<NaiveDate>)>,
);

fn flush(cur: &mut Option<Pending>, group: bool, dict: &mut ActorDict) {
    let Some((names, codes)) = cur.take() else {
        return;
    };
    if names.is_empty() {
        return;
    }
    for (code, start, end) in codes {
        let kind = if start.is_some() || end.is_some() {
            ActorKind::Person
        } else if code.starts_with("IGO") || code.starts_with("NGO") || code.starts_with("MNC") {
            ActorKind::Igo
        } else if group {
            ActorKind::Group
        } else if code.len() == 3 {
            ActorKind::Country
        } else {
            ActorKind::Person
        };
        let entry = ActorEntry {
            kind,
            name: names[0].clone().into(),
            code: code.into(),
            start,
            end,
        };
        dict.add(entry, names.iter());
    }
}

/// Phoenix actor files: `NAME_ [CODE]`, `+SYNONYM_`, and indented `[CODE dates]` lines.
pub fn parse_actors(
    file: &str,
    text: &str,
    group: bool,
    dict: &mut ActorDict,
) -> Result<(), DictError> {
    let mut cur: Option<Pending> = None;
    for (n, raw) in text.lines().enumerate() {
        let line = n + 1;
        let l = strip_comment(raw);
        if l.trim().is_empty() {
            continue;
        }
        let t = l.trim();
        if let Some(syn) = t.strip_prefix('+') {
            if let Some((names, _)) = cur.as_mut() {
                let name = syn.split('[').next().unwrap_or("").trim();
                if !name.is_empty() {
                    names.push(actor_name(name));
                }
            }
            continue;
        }
        if t.starts_with('[') {
            if let (Some((_, codes)), Some(spec)) = (cur.as_mut(), code_spec(file, line, t)?) {
                codes.push(spec);
            }
            continue;
        }
        flush(&mut cur, group, dict);
        let (name, rest) = match t.find('[') {
            Some(i) => (&t[..i], &t[i..]),
            None => (t, ""),
        };
        let name = name.trim();
        if name.is_empty() {
            continue;
        }
        let mut codes = Vec::new();
        if !rest.is_empty() {
            let close = rest
                .find(']')
                .ok_or_else(|| DictError::parse(file, line, "unclosed ["))?;
            if let Some(spec) = code_spec(file, line, &rest[..=close])? {
                codes.push(spec);
            }
        }
        cur = Some((vec![actor_name(name)], codes));
    }
    flush(&mut cur, group, dict);
    Ok(())
}

/// `Phoenix.agents.txt`: `PHRASE [~AGT]`.
pub fn parse_agents(file: &str, text: &str, dict: &mut ActorDict) -> Result<(), DictError> {
    for (n, raw) in text.lines().enumerate() {
        let l = strip_comment(raw).trim();
        if l.is_empty() || l.starts_with('+') {
            continue;
        }
        let Some(i) = l.find('[') else { continue };
        // A typo in the published file closes one bracket with `}`: accept it.
        let close = l[i..]
            .find([']', '}'])
            .ok_or_else(|| DictError::parse(file, n + 1, "unclosed ["))?;
        let code: String = l[i + 1..i + close]
            .chars()
            .filter(|c| c.is_ascii_uppercase())
            .take(3)
            .collect();
        if code.len() != 3 {
            continue;
        }
        let name = phrase(l[..i].trim());
        if name.is_empty() {
            continue;
        }
        dict.add(
            ActorEntry {
                kind: ActorKind::Agent,
                name: name.clone().into(),
                code: code.into(),
                start: None,
                end: None,
            },
            [name],
        );
    }
    Ok(())
}

/// `CAMEO.2.0.txt`: synonym sets (`&SET` then `+WORD` lines) and verb blocks
/// (`--- LEMMA [CODE] ---`, synonym lines, `- pattern [CODE]` lines).
pub fn parse_verbs(file: &str, text: &str, inf: &Inflections) -> Result<VerbDict, DictError> {
    let sets = parse_sets(text);
    let mut dict = VerbDict::default();
    let mut block: Option<Block> = None;
    let mut in_verbs = false;
    for (n, raw) in text.lines().enumerate() {
        let line = n + 1;
        if raw.contains("VERB PATTERNS") {
            in_verbs = true;
        }
        let l = strip_comment(raw).trim();
        if l.contains("VERB PATTERNS") {
            in_verbs = true;
        }
        if !in_verbs || l.is_empty() {
            continue;
        }
        if let Some(rest) = l.strip_prefix("---") {
            if let Some(b) = block.take() {
                if !b.patterns.is_empty() {
                    dict.push_block(b);
                }
            }
            block = Some(new_block(rest));
            continue;
        }
        let Some(b) = block.as_mut() else { continue };
        if let Some(p) = l.strip_prefix('-') {
            if let Some(pattern) = parse_pattern(file, line, &b.lemma, p, &sets)? {
                b.patterns.push(pattern);
            }
            continue;
        }
        // A synonym line: `WORD {FORM FORM}` or `MULTI_WORD`.
        let (word, forms) = match (l.find('{'), l.find('}')) {
            (Some(a), Some(z)) if z > a => (l[..a].trim(), Some(&l[a + 1..z])),
            _ => (l, None),
        };
        let word = phrase(word);
        if word.is_empty() || word.contains(' ') {
            continue;
        }
        b.forms.extend(lexicon::verb_forms(&word, inf));
        if let Some(fs) = forms {
            b.forms.extend(
                fs.split_whitespace()
                    .map(|f| (f.to_ascii_lowercase(), Form::PastOrParticiple)),
            );
        }
    }
    if let Some(b) = block.take() {
        if !b.patterns.is_empty() {
            dict.push_block(b);
        }
    }
    Ok(dict)
}

/// The synonym sets (`&NAME` then `+word` lines): one word per member, the head noun of a
/// phrase, with its plural.
fn parse_sets(text: &str) -> FxHashMap<String, Vec<Box<str>>> {
    let mut sets: FxHashMap<String, Vec<Box<str>>> = FxHashMap::default();
    let mut current_set: Option<String> = None;
    for raw in text.lines() {
        if raw.starts_with("####") {
            current_set = None;
        }
        let l = strip_comment(raw).trim();
        if l.starts_with("---") {
            current_set = None;
        }
        if let Some(name) = l.strip_prefix('&') {
            if !name.contains(' ') && !name.is_empty() {
                current_set = Some(format!("&{name}"));
                sets.entry(format!("&{name}")).or_default();
            }
        } else if let (Some(set), Some(w)) = (&current_set, l.strip_prefix('+')) {
            let p = phrase(w);
            // One word per member: the head noun of a phrase ("nuclear weapon" -> weapon).
            if let Some(last) = p.split_whitespace().last() {
                let e = sets.get_mut(set).expect("set exists");
                e.push(last.into());
                e.push(lexicon::plural(last).into());
            }
        }
    }
    sets
}

/// A verb block from its header line (`--- LEMMA [CODE]`), with the header's code as its bare
/// pattern.
fn new_block(rest: &str) -> Block {
    let table = CameoTable::global();
    let mut words = rest.split_whitespace();
    let lemma = words.next().unwrap_or("").to_ascii_lowercase();
    let code = words
        .next()
        .unwrap_or("")
        .trim_matches(|c| c == '[' || c == ']');
    let mut b = Block {
        lemma: lemma.clone().into(),
        noun: false,
        forms: Vec::new(),
        family: None,
        patterns: Vec::new(),
    };
    if let Some(c) = table.get(code) {
        b.patterns.push(Pattern {
            code: c.code,
            before: Vec::new(),
            after: Vec::new(),
            rule: lemma.clone().into(),
            specificity: 0,
            origin: None,
            guard: Vec::new(),
        });
    }
    b
}

/// A pattern line (`- WORDS * WORDS [CODE]`) of block `lemma`; `None` when its code is no
/// CAMEO code (`[---]`).
fn parse_pattern(
    file: &str,
    line: usize,
    lemma: &str,
    p: &str,
    sets: &FxHashMap<String, Vec<Box<str>>>,
) -> Result<Option<Pattern>, DictError> {
    let table = CameoTable::global();
    let (body, code) = match (p.find('['), p.find(']')) {
        (Some(a), Some(z)) if z > a => (&p[..a], &p[a + 1..z]),
        _ => return Err(DictError::parse(file, line, "a pattern needs a [CODE]")),
    };
    let code = code.split(':').next().unwrap_or("").trim();
    let Some(c) = table.get(code) else {
        return Ok(None);
    };
    let mut before = Vec::new();
    let mut after = Vec::new();
    let mut seen = false;
    let mut spec = 0u8;
    for tok in body.split_whitespace() {
        let tok = tok.trim_matches(|ch| matches!(ch, '(' | ')' | '{' | '}'));
        let elems: Vec<Elem> = match tok {
            "" | "%" | "^" | "=" | "|" => continue,
            "*" => {
                seen = true;
                continue;
            }
            "$" => vec![Elem::Source],
            "+" => vec![Elem::Target],
            s if s.starts_with('&') => match sets.get(s) {
                Some(ws) => vec![Elem::Words(ws.clone())],
                None => continue,
            },
            s => phrase(s)
                .split_whitespace()
                .map(|w| Elem::Words(vec![w.into()]))
                .collect(),
        };
        for e in elems {
            if matches!(e, Elem::Words(_)) {
                spec = spec.saturating_add(1);
            }
            if seen {
                after.push(e)
            } else {
                before.push(e)
            }
        }
    }
    if !seen {
        after.append(&mut before);
    }
    Ok(Some(Pattern {
        code: c.code,
        before,
        after,
        rule: format!("{lemma} {}", body.trim().to_ascii_lowercase()).into(),
        specificity: spec,
        origin: Some((file.into(), line as u32)),
        guard: Vec::new(),
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn actors_with_dates_synonyms_and_agents() {
        let mut d = ActorDict::default();
        parse_actors(
            "a",
            "AFGHANISTAN_  [AFG]\n+AFGHAN_\nHAMID_KARZAI_ # x\n\t[AFGGOV 011222-140929]\n",
            false,
            &mut d,
        )
        .unwrap();
        parse_agents(
            "g",
            "SOLDIER [~MIL] # x\nBUDDHIST_CLERGY!PERSON!  [~BUD]\n",
            &mut d,
        )
        .unwrap();
        let names: Vec<&str> = d.phrases.iter().map(|(p, _)| &**p).collect();
        assert_eq!(
            names,
            [
                "afghanistan",
                "afghan",
                "hamid karzai",
                "soldier",
                "buddhist clergy"
            ]
        );
        let karzai = &d.entries[1];
        assert_eq!(karzai.kind, ActorKind::Person);
        assert_eq!(karzai.start, NaiveDate::from_ymd_opt(2001, 12, 22));
        assert_eq!(&*d.entries[2].code, "MIL");
    }

    #[test]
    fn verb_blocks_and_sets() {
        let text = "&FOOD\n+FOOD\n+FOOD_AID\n\n####### VERB PATTERNS #######\n---  SEND   [---]  ---\nSEND {SENT SENDING}\nDISPATCH\n- * &FOOD (TO +)  [073]  # x\n- * $ [---]\n";
        let inf = Dictionaries::bundled_inflections().unwrap();
        let v = parse_verbs("CAMEO.2.0.txt", text, &inf).unwrap();
        assert_eq!(v.blocks.len(), 1);
        assert!(v.index.contains_key("sent") && v.index.contains_key("dispatched"));
        let p = &v.blocks[0].patterns[0];
        assert_eq!(p.code, "073");
        assert_eq!(p.after.len(), 3);
        // A malformed date skips the code line; the date parser names file and line.
        assert_eq!(code_spec("f", 7, "[AFGGOV 011322-140929]").unwrap(), None);
        let e = yymmdd("f", 7, "9008223").unwrap_err();
        assert!(e.to_string().starts_with("f:7:"), "{e}");
        assert_eq!(
            yymmdd("f", 1, "19270101").unwrap(),
            NaiveDate::from_ymd_opt(1927, 1, 1).unwrap()
        );
    }
}
