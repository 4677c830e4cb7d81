//! Dictionaries: actors, verb patterns, word classes and inflections, in the project's format
//! or PETRARCH-2's.

pub mod actors;
pub mod compose;
pub mod facts;
pub mod lines;
pub mod petrarch;
pub mod rules;
pub mod verbs;
pub mod words;

use std::path::Path;

use crate::error::DictError;
pub use actors::{ActorDict, ActorEntry, ActorKind};
pub use compose::ComposeTable;
pub use facts::Facts;
use lines::{lines_of, Line};
pub use rules::RuleSet;
pub use verbs::{Block, Elem, Family, Pattern, VerbDict};
pub use words::{Inflections, WordClass, WordDict};

mod bundled {
    include!(concat!(env!("OUT_DIR"), "/bundled.rs"));
}

/// The files of a dictionary directory in the project's format, in the order they are read.
pub const FILES: [&str; 11] = [
    "countries.txt",
    "people.txt",
    "igos.txt",
    "groups.txt",
    "agents.txt",
    "inflections.txt",
    "verbs.txt",
    "words.txt",
    "compose.txt",
    "facts.txt",
    "rules.txt",
];

/// A file of [`FILES`] by its index there.
#[derive(Clone, Copy)]
enum F {
    Countries,
    People,
    Igos,
    Groups,
    Agents,
    Inflections,
    Verbs,
    Words,
    Compose,
    Facts,
    Rules,
}

/// The bundled text of a dictionary file, empty when there is none.
pub fn bundled_text(name: &str) -> &'static str {
    bundled::TEXTS
        .iter()
        .find(|(n, _)| *n == name)
        .map_or("", |(_, t)| t)
}

/// Everything the coder knows, before compilation into automata.
#[derive(Debug, Clone, Default)]
pub struct Dictionaries {
    pub actors: ActorDict,
    pub verbs: VerbDict,
    pub words: WordDict,
    pub inflections: Inflections,
    pub compose: ComposeTable,
    pub facts: Facts,
    pub rules: RuleSet,
    /// Where they came from, for `CoderInfo`: `bundled`, a directory, `petrarch2`.
    pub label: String,
}

impl Dictionaries {
    /// Parses the texts of the project's format, one `(name as reported, text)` per file of
    /// [`FILES`], in that order. Missing texts are empty.
    pub fn parse(texts: &[(&str, &str)], label: String) -> Result<Self, DictError> {
        let lines = |f: F| -> Vec<Line> {
            texts
                .get(f as usize)
                .map_or_else(Vec::new, |(name, text)| lines_of(name, text))
        };
        let text = |f: F| texts.get(f as usize).copied().unwrap_or(("", ""));
        let inflections = words::parse_inflections(&lines(F::Inflections))?;
        let words = words::parse_words(&lines(F::Words))?;
        let mut actors = ActorDict::default();
        let (file, t) = text(F::Countries);
        actors::parse_countries(file, t, &mut actors)?;
        let (file, t) = text(F::People);
        actors::parse_people(file, t, &mut actors)?;
        for (f, kind) in [
            (F::Igos, ActorKind::Igo),
            (F::Groups, ActorKind::Group),
            (F::Agents, ActorKind::Agent),
        ] {
            let (file, t) = text(f);
            actors::parse_coded_names(file, t, kind, &mut actors)?;
        }
        let (file, t) = text(F::Verbs);
        let verbs = verbs::parse_verbs(file, t, &inflections)?;
        Ok(Self {
            actors,
            verbs,
            words,
            inflections,
            compose: compose::parse_compose(&lines(F::Compose))?,
            facts: facts::parse_facts(&lines(F::Facts))?,
            rules: rules::parse_rules(&lines(F::Rules))?,
            label,
        })
    }

    /// The dictionaries compiled into the library.
    pub fn bundled() -> Result<Self, DictError> {
        let texts: Vec<(&str, &str)> = FILES.iter().map(|n| (*n, bundled_text(n))).collect();
        Self::parse(&texts, "bundled".into())
    }

    /// The bundled word classes alone.
    pub fn bundled_words() -> Result<WordDict, DictError> {
        let name = FILES[F::Words as usize];
        words::parse_words(&lines_of(name, bundled_text(name)))
    }

    /// The bundled inflections alone.
    pub fn bundled_inflections() -> Result<Inflections, DictError> {
        let name = FILES[F::Inflections as usize];
        words::parse_inflections(&lines_of(name, bundled_text(name)))
    }

    /// A directory in the project's format. Files that are absent fall back to the bundled
    /// ones, so a user can override only the verbs, or only the people.
    pub fn from_dir(dir: &Path) -> Result<Self, DictError> {
        let mut texts: Vec<(String, String)> = Vec::with_capacity(FILES.len());
        let mut found = 0;
        for name in FILES {
            let path = dir.join(name);
            if path.exists() {
                found += 1;
                let text = std::fs::read_to_string(&path).map_err(|source| DictError::Io {
                    path: path.clone(),
                    source,
                })?;
                texts.push((path.display().to_string(), text));
            } else {
                texts.push((format!("bundled {name}"), bundled_text(name).to_string()));
            }
        }
        if found == 0 {
            return Err(DictError::Empty {
                dir: dir.to_path_buf(),
                expected: FILES.join(", "),
            });
        }
        let texts: Vec<(&str, &str)> = texts.iter().map(|(n, t)| (&**n, &**t)).collect();
        Self::parse(&texts, dir.display().to_string())
    }
}
