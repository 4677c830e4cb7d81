//! The verb pattern dictionary in the project's own format (`dict/verbs.txt`):
//!
//! ```text
//! # synonym sets: one word per member, plurals are added
//! &AGREEMENT = agreement | accord | treaty | deal
//!
//! verb sign                 # a block: verb or noun, its lemma, extra irregular forms
//!   057  * &AGREEMENT       # CAMEO code, then the pattern around the trigger `*`
//!   057  *
//! verb urge @appeal         # a control verb: "urged X to <verb>" composes an appeal
//! ```
//!
//! Pattern elements: `*` the trigger; a word or `word|word`; `&SET`; `+` the target actor;
//! `$` the source actor. Elements before `*` must come right before the trigger; elements after
//! it in order, with a few words allowed between them. The most specific matching pattern wins.

use rustc_hash::FxHashMap;

use dragoman_model::CameoTable;

use crate::classes::WordClasses;
use crate::dict::lines::{strip_comment, Line};
use crate::dict::rules::{parse_cond, resolve_cond, Cond, Syntax};
use crate::dict::Inflections;
use crate::error::DictError;
use crate::lexicon::{self, Form};

/// How a control verb changes the event of the verb it governs ("plans to visit").
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Family {
    /// "plans to", "will", "pledged to": 03x.
    Intent,
    /// "urged X to", "called on X to": 02x.
    Appeal,
    /// "demanded that", "insisted": 10x.
    Demand,
    /// "refused to", "rejected calls to": 12x.
    Reject,
    /// "threatened to": 13x.
    Threaten,
    /// "failed to": the action did not happen.
    Negate,
    /// "tried to": an attempt (185 for an assassination), otherwise not coded.
    Attempt,
    /// "said", "told": reported speech; 010 when nothing more specific is said.
    Speech,
}

impl Family {
    pub const ALL: [Family; 8] = [
        Family::Intent,
        Family::Appeal,
        Family::Demand,
        Family::Reject,
        Family::Threaten,
        Family::Negate,
        Family::Attempt,
        Family::Speech,
    ];

    pub(crate) fn parse(s: &str) -> Option<Self> {
        Some(match s {
            "intent" => Family::Intent,
            "appeal" => Family::Appeal,
            "demand" => Family::Demand,
            "reject" => Family::Reject,
            "threaten" => Family::Threaten,
            "negate" => Family::Negate,
            "attempt" => Family::Attempt,
            "speech" => Family::Speech,
            _ => return None,
        })
    }
}

/// One element of a pattern.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Elem {
    /// Any of these lower-case words.
    Words(Vec<Box<str>>),
    Target,
    Source,
}

#[derive(Debug, Clone)]
pub struct Pattern {
    pub code: &'static str,
    /// Elements before the trigger, nearest last.
    pub before: Vec<Elem>,
    pub after: Vec<Elem>,
    /// Readable rule: `sign + &AGREEMENT`.
    pub rule: Box<str>,
    /// Number of word elements: more words, more specific.
    pub specificity: u8,
    /// Where it was written (file and line), for `dragoman dict check`.
    pub origin: Option<(Box<str>, u32)>,
    /// Conditions on the event the pattern would code (`if target all person; ...`): the
    /// pattern matches only when they hold.
    pub guard: Vec<Cond>,
}

#[derive(Debug, Clone)]
pub struct Block {
    pub lemma: Box<str>,
    pub noun: bool,
    pub forms: Vec<(String, Form)>,
    pub family: Option<Family>,
    pub patterns: Vec<Pattern>,
}

#[derive(Debug, Clone, Default)]
pub struct VerbDict {
    pub blocks: Vec<Block>,
    /// Lower-case word form -> (block, form).
    pub index: FxHashMap<Box<str>, Vec<(u32, Form)>>,
}

impl VerbDict {
    pub fn distinct_codes(&self) -> std::collections::BTreeSet<&'static str> {
        self.blocks
            .iter()
            .flat_map(|b| b.patterns.iter().map(|p| p.code))
            .collect()
    }

    pub fn pattern_count(&self) -> usize {
        self.blocks.iter().map(|b| b.patterns.len()).sum()
    }

    /// Every word the guards name as it is written.
    pub fn guard_words(&self) -> Vec<Box<str>> {
        let mut out = Vec::new();
        for p in self.blocks.iter().flat_map(|b| b.patterns.iter()) {
            p.guard
                .iter()
                .for_each(|c| crate::dict::rules::cond_words(c, &mut out));
        }
        out
    }

    /// The guards' word classes resolved; every class that is not there, with its pattern's
    /// file and line.
    pub fn resolve_guards(&mut self, classes: &WordClasses) -> Vec<DictError> {
        let mut errors = Vec::new();
        for p in self.blocks.iter_mut().flat_map(|b| b.patterns.iter_mut()) {
            for c in &mut p.guard {
                if let Err(m) = resolve_cond(c, classes) {
                    let (file, line) = p.origin.clone().unwrap_or_default();
                    errors.push(DictError::parse(&file, line as usize, m));
                }
            }
        }
        errors
    }

    pub fn push_block(&mut self, block: Block) {
        let id = self.blocks.len() as u32;
        for (f, k) in &block.forms {
            let e = self.index.entry(f.as_str().into()).or_default();
            if !e.iter().any(|&(b, _)| b == id) {
                e.push((id, *k));
            }
        }
        self.blocks.push(block);
    }
}

/// The synonym sets (`&NAME = word | word`): one word per member, with its plural.
fn parse_sets(lines: &[Line]) -> Result<FxHashMap<String, Vec<Box<str>>>, DictError> {
    let mut sets: FxHashMap<String, Vec<Box<str>>> = FxHashMap::default();
    for line in lines {
        let (file, n) = (line.file, line.line - 1);
        let l = strip_comment(line.text).trim();
        if let Some(rest) = l.strip_prefix('&') {
            let (name, members) = rest
                .split_once('=')
                .ok_or_else(|| DictError::parse(file, n + 1, "a set is `&NAME = word | word`"))?;
            let mut words: Vec<Box<str>> = Vec::new();
            for m in members.split('|').map(str::trim).filter(|m| !m.is_empty()) {
                if m.contains(' ') {
                    return Err(DictError::parse(
                        file,
                        n + 1,
                        format!("set member {m:?}: one word per member"),
                    ));
                }
                let m = m.to_ascii_lowercase();
                let p = lexicon::plural(&m);
                words.push(m.into());
                words.push(p.into());
            }
            words.dedup();
            if sets.insert(format!("&{}", name.trim()), words).is_some() {
                return Err(DictError::parse(
                    file,
                    n + 1,
                    format!("set &{} defined twice", name.trim()),
                ));
            }
        }
    }
    Ok(sets)
}

/// A pattern's guard: conditions of `rules.txt` separated by `;`.
fn parse_guard(tokens: &[&str]) -> Result<Vec<Cond>, String> {
    let text = tokens.join(" ");
    text.split(';')
        .map(|c| parse_cond(&c.split_whitespace().collect::<Vec<_>>()))
        .collect()
}

/// Parses `verbs.txt`. Codes are checked against the CAMEO table, so a typo is a load error.
pub fn parse_verbs(lines: &[Line], inf: &Inflections) -> Result<VerbDict, DictError> {
    let table = CameoTable::global();
    // Sets may be used before their definition: collect them first.
    let sets = parse_sets(lines)?;
    let mut dict = VerbDict::default();
    let mut current: Option<Block> = None;
    for ln in lines {
        let (file, line) = (ln.file, ln.line);
        let l = strip_comment(ln.text).trim();
        if l.is_empty() || l.starts_with('&') {
            continue;
        }
        let mut words = l.split_whitespace();
        let head = words.next().unwrap_or("");
        if head == "verb" || head == "noun" {
            if let Some(b) = current.take() {
                dict.push_block(b);
            }
            let lemma = words
                .next()
                .ok_or_else(|| DictError::parse(file, line, "a block needs a lemma"))?
                .to_ascii_lowercase();
            let noun = head == "noun";
            let mut forms = if noun {
                lexicon::noun_forms(&lemma)
            } else {
                lexicon::verb_forms(&lemma, inf)
            };
            let mut family = None;
            for w in words {
                if let Some(f) = w.strip_prefix('@') {
                    family = Some(Family::parse(f).ok_or_else(|| {
                        DictError::parse(file, line, format!("unknown family @{f}"))
                    })?);
                } else {
                    let kind = if noun {
                        Form::Noun
                    } else {
                        Form::PastOrParticiple
                    };
                    forms.push((w.to_ascii_lowercase(), kind));
                }
            }
            current = Some(Block {
                lemma: lemma.into(),
                noun,
                forms,
                family,
                patterns: Vec::new(),
            });
            continue;
        }
        let block = current
            .as_mut()
            .ok_or_else(|| DictError::parse(file, line, "pattern outside a verb or noun block"))?;
        let code = table.get(head).map(|c| c.code).ok_or_else(|| {
            DictError::parse(file, line, format!("{head:?} is not a CAMEO event code"))
        })?;
        let mut before = Vec::new();
        let mut after = Vec::new();
        let mut specificity = 0u8;
        let mut rule = String::from(&*block.lemma);
        let all: Vec<&str> = words.collect();
        let (rest, guard) = match all
            .iter()
            .position(|w| Syntax::parse(w) == Some(Syntax::If))
        {
            Some(i) => (
                &all[..i],
                parse_guard(&all[i + 1..]).map_err(|m| DictError::parse(file, line, m))?,
            ),
            None => (&all[..], Vec::new()),
        };
        let rest = rest.to_vec();
        // Without an explicit trigger, every element follows it.
        let mut seen_trigger = !rest.contains(&"*");
        for w in rest {
            let elem = match w {
                "*" => {
                    if seen_trigger {
                        return Err(DictError::parse(file, line, "`*` appears twice"));
                    }
                    seen_trigger = true;
                    continue;
                }
                "+" => Elem::Target,
                "$" => Elem::Source,
                s => {
                    specificity += 1;
                    // Alternatives may mix words and sets: `&ANGER|criticism`.
                    let mut ws: Vec<Box<str>> = Vec::new();
                    for part in s.split('|') {
                        if part.starts_with('&') {
                            let set = sets.get(part).ok_or_else(|| {
                                DictError::parse(file, line, format!("unknown set {part}"))
                            })?;
                            ws.extend(set.iter().cloned());
                        } else {
                            ws.push(part.to_ascii_lowercase().into());
                        }
                    }
                    Elem::Words(ws)
                }
            };
            rule.push_str(if seen_trigger { " + " } else { " < " });
            rule.push_str(w);
            if seen_trigger {
                after.push(elem);
            } else {
                before.push(elem);
            }
        }
        if !guard.is_empty() {
            rule.push(' ');
            rule.push_str(
                &all[all.len()
                    - all
                        .iter()
                        .rev()
                        .take_while(|w| Syntax::parse(w) != Some(Syntax::If))
                        .count()
                    - 1..]
                    .join(" "),
            );
        }
        block.patterns.push(Pattern {
            code,
            before,
            after,
            rule: rule.into(),
            specificity,
            origin: Some((file.into(), line as u32)),
            guard,
        });
    }
    if let Some(b) = current.take() {
        dict.push_block(b);
    }
    Ok(dict)
}

#[cfg(test)]
mod tests {
    use super::*;

    use crate::dict::lines::lines_of;

    fn inf() -> Inflections {
        crate::dict::Dictionaries::bundled_inflections().unwrap()
    }

    #[test]
    fn blocks_sets_and_rules() {
        let d = parse_verbs(
            &lines_of(
                "verbs.txt",
                "&AGREEMENT = agreement | accord\n# c\nverb sign\n  057 * &AGREEMENT\n  057 *\nverb urge @appeal\n",
            ),
            &inf(),
        )
        .unwrap();
        assert_eq!(d.blocks.len(), 2);
        let p = &d.blocks[0].patterns[0];
        assert_eq!(&*p.rule, "sign + &AGREEMENT");
        assert_eq!(p.specificity, 1);
        assert!(matches!(&p.after[0], Elem::Words(w) if w.iter().any(|w| &**w == "accords")));
        assert_eq!(d.blocks[1].family, Some(Family::Appeal));
        assert!(d.index.contains_key("signed"));
    }

    #[test]
    fn bad_code_and_unknown_set_are_reported_with_their_line() {
        let e = parse_verbs(&lines_of("verbs.txt", "verb sign\n  57 *\n"), &inf()).unwrap_err();
        assert_eq!(
            e.to_string(),
            "verbs.txt:2: \"57\" is not a CAMEO event code"
        );
        let e = parse_verbs(
            &lines_of("verbs.txt", "verb sign\n\n  057 * &NOPE\n"),
            &inf(),
        )
        .unwrap_err();
        assert_eq!(e.to_string(), "verbs.txt:3: unknown set &NOPE");
        let e = parse_verbs(&lines_of("verbs.txt", "  057 *\n"), &inf()).unwrap_err();
        assert!(e.to_string().contains("outside a verb"));
    }
}
