//! Word classes as bits per token: the classes of `dict/words.txt` and the words of the verb
//! patterns, looked up once per token instead of compared word by word at every rule that
//! asks.

use rustc_hash::FxHashMap;

use crate::dict::{Elem, VerbDict, WordDict};
use crate::error::DictError;
use crate::text::Token;

/// A word class: one bit of a [`ClassSet`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Class(pub u8);

/// The classes a word is in.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ClassSet([u64; 2]);

/// How many classes the engine can tell apart, its own and the dictionaries' together.
pub const CAPACITY: usize = 128;

impl ClassSet {
    #[inline]
    pub fn has(&self, c: Class) -> bool {
        (self.0[usize::from(c.0 >> 6)] >> (c.0 & 63)) & 1 != 0
    }

    fn add(&mut self, c: Class) {
        self.0[usize::from(c.0 >> 6)] |= 1 << (c.0 & 63);
    }
}

/// The classes the engine itself asks about, each a constant; their names in `words.txt` are
/// the constants' names in lower case with `-` for `_`.
macro_rules! known_classes {
    ($($name:ident),* $(,)?) => {
        #[allow(non_camel_case_types, clippy::upper_case_acronyms, dead_code)]
        #[repr(u8)]
        enum Known { VERB_FORM, $($name),* }
        /// A form in the verb dictionary's index (no class of `words.txt`).
        pub const VERB_FORM: Class = Class(Known::VERB_FORM as u8);
        $(pub const $name: Class = Class(Known::$name as u8);)*
        /// The engine's classes with their names as constants.
        const KNOWN: &[(Class, &str)] = &[$((Class(Known::$name as u8), stringify!($name))),*];
    };
}

known_classes! {
    CLAUSE_BREAK, PREP, DET, QUANTITY, PLACE_PREP, TARGET_PREP, ADVERB, AUX_BE, AUX_SKIP,
    AUX_HAVE, BE_BASE, RELATIVE, RELATIVE_OPEN, PAIR_DET, PAIR_NOUN,
    NEGATION, FUTURE, INTENT, ACTUAL, HYPOTHETICAL, CONDITIONAL, INVERTED_CONDITIONAL,
    LAW_VERB, LAW_NOUN, ORDINAL, ATTEMPT_VERB, ATTEMPT_ON_LIFE,
    SPEECH_VERB, ADDRESSEE_VERB, DENY_VERB, DISMISS_VERB, DENIED_OBJECT, SPEAKER_PRONOUN,
    PERSON_PRONOUN,
    GERUND_NOUN_PREP, MODIFIER_BEFORE, PARTICIPLE_OWNER, PARTICIPLE_STOP, BACKGROUND_MARKER,
    CUSTODY, ARTICLE, COMPOUND_STOP, POSSESSIVE, VERB_BEFORE, OBJECT_PREFIX,
    MODIFIER_DET, QUANTITY_LINK, QUANTITY_STEP, AGENT_COUNTRY_LINK, COMPASS, OBJECT_STOP,
    NAME_JOINER, GENERAL_NOUN, NAME_LINKER, TITLE_LINK, AGENT_MODIFIER, NOT_TRADE,
    LEADER_SUFFIX, NAME_PARTICLE, NOT_NAME, AGENT_VERB_OBJECT, BACKER_SUFFIX, FAVOUR_PREFIX,
    LOCATIVE_PREP, MOTION, SETTLEMENT, ABBREVIATION, SPORT_VERB, SPORTS,
    PRONOUN, CONTINUES_CLAUSE, NUMBER_SCALE, WHERE_PREP,
    DEMAND_LEADERSHIP, DEMAND_RIGHTS, DEMAND_INSTITUTIONS, DEMAND_POLICY, DEMAND_MARKER,
    DEMAND_SUBJECT_MARKER, RULER, RULER_OF_DEMAND, RAID, CRIME, INTERNATIONAL, TIME_CONJUNCTION,
    RELATIVE_CLAUSE, NATURAL_FORCE, TONE_PESSIMISTIC, TONE_OPTIMISTIC, TONE_READY,
    TONE_READY_OBJECT, AFTER_PLACE, FIRST_PERSON, BACK_TITLE,
    PAIR_PRONOUN, OBJECT_START, INSTRUMENT_PREP, QUANTITY_BOUND, ATTACK_NOUN,
}

/// The name a known class has in `words.txt`: `CLAUSE_BREAK` -> `clause-break`.
fn file_name(constant: &str) -> String {
    constant.to_ascii_lowercase().replace('_', "-")
}

/// The names of the classes the engine needs, as written in `words.txt`.
pub fn engine_class_names() -> Vec<String> {
    KNOWN.iter().map(|(_, n)| file_name(n)).collect()
}

/// The classes of the bundled `words.txt`, for callers without a coder: `text::split_sentences`
/// and tests.
pub fn bundled() -> &'static WordClasses {
    static BUNDLED: std::sync::OnceLock<WordClasses> = std::sync::OnceLock::new();
    BUNDLED.get_or_init(|| {
        let words = crate::dict::Dictionaries::bundled_words().expect("bundled words.txt parses");
        WordClasses::build(&words, &VerbDict::default()).expect("bundled words.txt fits")
    })
}

/// The word classes of the engine and the dictionaries, and the words of the verb patterns as
/// ids, by word.
#[derive(Debug, Default)]
pub struct WordClasses {
    map: FxHashMap<Box<str>, (ClassSet, u32)>,
    /// Entries of several words, by the class they are in.
    phrases: Vec<(Class, Box<[Box<str>]>)>,
    /// Class id -> name.
    names: Vec<Box<str>>,
    /// Per block, per pattern: the ids of each element's words (none for actor slots).
    pub(crate) patterns: Vec<Vec<PatternIds>>,
    /// Per block, the classes of its lemma ("beat" is a verb of sports results).
    pub(crate) block_classes: Vec<ClassSet>,
    /// Per block, its lemma's word id (0 when no pattern or rule names it).
    pub(crate) block_ids: Vec<u32>,
    /// Per block, its pattern indices by decreasing specificity (ties in dictionary order):
    /// the first that matches is the one that wins, so the rest need not be tried.
    pub(crate) by_specificity: Vec<Box<[u32]>>,
}

#[derive(Debug, Default)]
pub(crate) struct PatternIds {
    pub before: Vec<Box<[u32]>>,
    pub after: Vec<Box<[u32]>>,
}

impl WordClasses {
    pub fn build(words: &WordDict, verbs: &VerbDict) -> Result<Self, DictError> {
        Self::build_with(words, verbs, &[])
    }

    /// [`WordClasses::build`], with ids for more words: those the rules name literally.
    pub fn build_with(
        words: &WordDict,
        verbs: &VerbDict,
        extra: &[Box<str>],
    ) -> Result<Self, DictError> {
        let mut names: Vec<Box<str>> = vec![Box::from("")];
        names.extend(KNOWN.iter().map(|(_, n)| file_name(n).into()));
        let mut map: FxHashMap<Box<str>, (ClassSet, u32)> = FxHashMap::default();
        let mut phrases = Vec::new();
        for class in &words.classes {
            let id = match names.iter().position(|n| *n == class.name) {
                Some(i) => i,
                None => {
                    names.push(class.name.clone());
                    names.len() - 1
                }
            };
            if id >= CAPACITY {
                return Err(DictError::parse(
                    &class.file,
                    class.line,
                    format!("more than {CAPACITY} word classes"),
                ));
            }
            let c = Class(id as u8);
            for w in &class.words {
                if w.contains(' ') {
                    phrases.push((c, w.split(' ').map(Box::from).collect()));
                } else {
                    map.entry(w.clone()).or_default().0.add(c);
                }
            }
        }
        for w in verbs.index.keys() {
            map.entry(w.clone()).or_default().0.add(VERB_FORM);
        }
        let mut next_id = 0;
        let mut ids = |elems: &[Elem]| -> Vec<Box<[u32]>> {
            elems
                .iter()
                .map(|e| match e {
                    Elem::Words(ws) => ws
                        .iter()
                        .map(|w| {
                            let id = &mut map.entry(w.clone()).or_default().1;
                            if *id == 0 {
                                next_id += 1;
                                *id = next_id;
                            }
                            *id
                        })
                        .collect(),
                    Elem::Source | Elem::Target => Box::default(),
                })
                .collect()
        };
        let patterns = verbs
            .blocks
            .iter()
            .map(|b| {
                b.patterns
                    .iter()
                    .map(|p| PatternIds {
                        before: ids(&p.before),
                        after: ids(&p.after),
                    })
                    .collect()
            })
            .collect();
        for w in extra {
            let id = &mut map.entry(w.clone()).or_default().1;
            if *id == 0 {
                next_id += 1;
                *id = next_id;
            }
        }
        let by_specificity = verbs
            .blocks
            .iter()
            .map(|b| {
                let mut order: Vec<u32> = (0..b.patterns.len() as u32).collect();
                order.sort_by_key(|&i| std::cmp::Reverse(b.patterns[i as usize].specificity));
                order.into_boxed_slice()
            })
            .collect();
        let block_classes = verbs
            .blocks
            .iter()
            .map(|b| map.get(&*b.lemma).map_or(ClassSet::default(), |e| e.0))
            .collect();
        let block_ids = verbs
            .blocks
            .iter()
            .map(|b| map.get(&*b.lemma).map_or(0, |e| e.1))
            .collect();
        Ok(WordClasses {
            block_classes,
            block_ids,
            map,
            phrases,
            names,
            patterns,
            by_specificity,
        })
    }

    /// The class of this name, if the dictionaries or the engine have it.
    pub fn class(&self, name: &str) -> Option<Class> {
        self.names
            .iter()
            .position(|n| &**n == name)
            .map(|i| Class(i as u8))
    }

    pub fn name(&self, c: Class) -> &str {
        self.names.get(usize::from(c.0)).map_or("", |n| n)
    }

    /// The id of a word a pattern or a rule names, 0 for any other word.
    pub fn id(&self, w: &str) -> u32 {
        self.map.get(w).map_or(0, |e| e.1)
    }

    /// The classes of a lower-case word.
    pub fn of_word(&self, w: &str) -> ClassSet {
        self.map.get(w).map_or(ClassSet::default(), |e| e.0)
    }

    /// Whether `words[k..]` starts with a word or a phrase of class `c`.
    pub fn at(&self, words: &[&str], classes: &[ClassSet], k: usize, c: Class) -> bool {
        classes.get(k).is_some_and(|s| s.has(c))
            || self.phrases.iter().any(|(pc, ws)| {
                *pc == c
                    && words.len() >= k + ws.len()
                    && ws.iter().zip(&words[k..]).all(|(a, b)| **a == **b)
            })
    }

    /// The classes of every token of a lower-cased text.
    pub fn of_text(&self, lower: &str, tokens: &[Token]) -> Vec<ClassSet> {
        tokens
            .iter()
            .map(|t| self.of_word(&lower[t.range()]))
            .collect()
    }

    /// The lower-case word, classes and pattern word id of every token.
    pub fn of_tokens<'a>(
        &self,
        lower: &'a str,
        tokens: &[Token],
        words: &mut Vec<&'a str>,
        classes: &mut Vec<ClassSet>,
        ids: &mut Vec<u32>,
    ) {
        for t in tokens {
            let w = &lower[t.range()];
            let (c, id) = self.map.get(w).copied().unwrap_or_default();
            words.push(w);
            classes.push(c);
            ids.push(id);
        }
    }
}
