//! Word classes (`dict/words.txt`): the words the engine and the rules ask about, by what they
//! do in a sentence, and the irregular inflections of English verbs (`dict/inflections.txt`).
//!
//! ```text
//! class negation                # a name, then its words on indented lines
//!   not n't 't never no
//!   neither nor without cannot
//! class ruler
//!   government president prime_minister      # `_` joins the words of a phrase
//! ```
//!
//! Words are lower case (the engine reads a lower-cased copy of the text) and may be
//! punctuation (`;`, `'s`, `“`). A directory laid over the bundled one adds its words to the
//! bundled class of the same name; `-word` takes a word out.

use std::collections::BTreeMap;

use crate::dict::lines::{fields, Line};
use crate::error::DictError;

/// One class: its name, its words (phrases with their words joined by a space) and where it
/// was defined.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct WordClass {
    pub name: Box<str>,
    pub words: Vec<Box<str>>,
    pub file: Box<str>,
    pub line: usize,
}

/// Every word class, in the order of their files.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct WordDict {
    pub classes: Vec<WordClass>,
}

impl WordDict {
    pub fn get(&self, name: &str) -> Option<&WordClass> {
        self.classes.iter().find(|c| &*c.name == name)
    }

    /// Whether `word` is in class `name`.
    pub fn has(&self, name: &str, word: &str) -> bool {
        self.get(name)
            .is_some_and(|c| c.words.iter().any(|w| &**w == word))
    }
}

/// Parses word classes from the lines of one or more files; a class named again (in a user's
/// file laid over the bundled one) gains the new words and loses those written `-word`.
pub fn parse_words(lines: &[Line]) -> Result<WordDict, DictError> {
    let mut dict = WordDict::default();
    let mut current: Option<usize> = None;
    let mut defined: BTreeMap<(Box<str>, Box<str>), usize> = BTreeMap::new();
    for l in lines {
        let Some((indented, words)) = fields(l.text) else {
            continue;
        };
        if !indented {
            let [kw, name] = words[..] else {
                return Err(l.error("expected `class NAME`"));
            };
            if kw != "class" || !valid_name(name) {
                return Err(l.error("expected `class NAME` (lower case, digits, `-`)"));
            }
            // The same name twice in one file is a mistake; in another file, an addition.
            let key = (l.file.into(), name.into());
            if let Some(first) = defined.insert(key, l.line) {
                return Err(l.error(format!("class {name} defined twice (first line {first})")));
            }
            current = Some(match dict.classes.iter().position(|c| &*c.name == name) {
                Some(i) => i,
                None => {
                    dict.classes.push(WordClass {
                        name: name.into(),
                        words: Vec::new(),
                        file: l.file.into(),
                        line: l.line,
                    });
                    dict.classes.len() - 1
                }
            });
            continue;
        }
        let class = current
            .map(|i| &mut dict.classes[i])
            .ok_or_else(|| l.error("a word outside a class"))?;
        for w in words {
            let (remove, w) = match w.strip_prefix('-') {
                Some(rest) if !rest.is_empty() => (true, rest),
                _ => (false, w),
            };
            if w.chars().any(|c| c.is_uppercase()) {
                return Err(l.error(format!("{w:?}: words are lower case")));
            }
            let word: Box<str> = w.replace('_', " ").into();
            if remove {
                class.words.retain(|x| *x != word);
            } else if !class.words.contains(&word) {
                class.words.push(word);
            }
        }
    }
    Ok(dict)
}

pub(crate) fn valid_name(name: &str) -> bool {
    !name.is_empty()
        && name
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
}

/// The inflections the rules of `lexicon` cannot make.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Inflections {
    /// Lemma -> (simple past, past participle).
    pub irregular: BTreeMap<Box<str>, (Box<str>, Box<str>)>,
    /// Verbs of more than one syllable whose last consonant doubles ("admitted").
    pub doubling: Vec<Box<str>>,
    /// Short verbs whose last consonant does not double ("opened").
    pub single: Vec<Box<str>>,
}

/// Parses `inflections.txt`: `irregular LEMMA PAST PARTICIPLE`, `doubling VERB ...`,
/// `single VERB ...`.
pub fn parse_inflections(lines: &[Line]) -> Result<Inflections, DictError> {
    let mut inf = Inflections::default();
    for l in lines {
        let Some((_, words)) = fields(l.text) else {
            continue;
        };
        match words[..] {
            ["irregular", lemma, past, part] => {
                inf.irregular.insert(lemma.into(), (past.into(), part.into()));
            }
            ["doubling", ref verbs @ ..] => inf.doubling.extend(verbs.iter().map(|&v| v.into())),
            ["single", ref verbs @ ..] => inf.single.extend(verbs.iter().map(|&v| v.into())),
            _ => {
                return Err(l.error(
                    "expected `irregular LEMMA PAST PARTICIPLE`, `doubling VERB ...` or `single VERB ...`",
                ))
            }
        }
    }
    Ok(inf)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dict::lines::lines_of;

    #[test]
    fn classes_phrases_and_additions() {
        let a = "class neg   # c\n  not n't\n  never\nclass ruler\n  king prime_minister\n";
        let b = "class neg\n  nor -never\n";
        let mut lines = lines_of("words.txt", a);
        lines.extend(lines_of("user/words.txt", b));
        let d = parse_words(&lines).unwrap();
        assert_eq!(d.classes.len(), 2);
        let neg: Vec<&str> = d.get("neg").unwrap().words.iter().map(|w| &**w).collect();
        assert_eq!(neg, ["not", "n't", "nor"]);
        assert!(d.has("ruler", "prime minister"));
    }

    #[test]
    fn mistakes_name_file_and_line() {
        let e = parse_words(&lines_of("words.txt", "  not\n")).unwrap_err();
        assert_eq!(e.to_string(), "words.txt:1: a word outside a class");
        let e = parse_words(&lines_of("words.txt", "class a\nclass a\n")).unwrap_err();
        assert_eq!(
            e.to_string(),
            "words.txt:2: class a defined twice (first line 1)"
        );
        let e = parse_words(&lines_of("words.txt", "class a\n  Not\n")).unwrap_err();
        assert!(e.to_string().starts_with("words.txt:2:"), "{e}");
        let e = parse_inflections(&lines_of("inflections.txt", "irregular go went\n"));
        assert!(e.unwrap_err().to_string().starts_with("inflections.txt:1:"));
    }
}
