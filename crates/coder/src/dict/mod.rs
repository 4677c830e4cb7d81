//! Dictionaries: actors, verb patterns, word classes and inflections, in the project's format
//! or PETRARCH-2's.

pub mod actors;
pub mod check;
pub mod compose;
pub mod facts;
pub mod lines;
pub mod overlay;
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
    /// Parses the lines of the project's format, one list per file of [`FILES`], in that
    /// order (lines may come from several files: a user's over the bundled). Missing files are
    /// empty.
    pub fn parse_lines(files: &[Vec<Line>], label: String) -> Result<Self, DictError> {
        let lines = |f: F| files.get(f as usize).map_or(&[][..], |l| &l[..]);
        let inflections = words::parse_inflections(lines(F::Inflections))?;
        let words = words::parse_words(lines(F::Words))?;
        let mut actors = ActorDict::default();
        actors::parse_countries(lines(F::Countries), &mut actors)?;
        actors::parse_people(lines(F::People), &mut actors)?;
        for (f, kind) in [
            (F::Igos, ActorKind::Igo),
            (F::Groups, ActorKind::Group),
            (F::Agents, ActorKind::Agent),
        ] {
            actors::parse_coded_names(lines(f), kind, &mut actors)?;
        }
        let verbs = verbs::parse_verbs(lines(F::Verbs), &inflections)?;
        Ok(Self {
            actors,
            verbs,
            words,
            inflections,
            compose: compose::parse_compose(lines(F::Compose))?,
            facts: facts::parse_facts(lines(F::Facts))?,
            rules: rules::parse_rules(lines(F::Rules))?,
            label,
        })
    }

    /// Parses the texts of the project's format, one `(name as reported, text)` per file of
    /// [`FILES`], in that order.
    pub fn parse(texts: &[(&str, &str)], label: String) -> Result<Self, DictError> {
        let files: Vec<Vec<Line>> = texts.iter().map(|(n, t)| lines_of(n, t)).collect();
        Self::parse_lines(&files, label)
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

    /// A directory in the project's format whose files replace the bundled ones: files that
    /// are absent fall back to the bundled ones, so a user can replace only the verbs, or only
    /// the people. See [`Dictionaries::overlay`] to add to the bundled entries instead.
    pub fn from_dir(dir: &Path) -> Result<Self, DictError> {
        let user = read_dir(dir)?;
        let texts: Vec<(String, &str)> = FILES
            .iter()
            .zip(&user)
            .map(|(name, u)| match u {
                Some((path, text)) => (path.clone(), text.as_str()),
                None => (format!("bundled {name}"), bundled_text(name)),
            })
            .collect();
        let texts: Vec<(&str, &str)> = texts.iter().map(|(n, t)| (&**n, *t)).collect();
        Self::parse(&texts, dir.display().to_string())
    }

    /// A directory in the project's format laid over the bundled dictionaries: its entries add
    /// to the bundled entries and replace those with the same key (see [`overlay`]). Errors
    /// name the user's file and line.
    pub fn overlay(dir: &Path) -> Result<Self, DictError> {
        let user = read_dir(dir)?;
        let files: Vec<Vec<Line>> = FILES
            .iter()
            .zip(&user)
            .map(|(name, u)| {
                let bundled = lines_of(name, bundled_text(name));
                match u {
                    Some((path, text)) => overlay::merge(name, bundled, lines_of(path, text)),
                    None => bundled,
                }
            })
            .collect();
        Self::parse_lines(&files, format!("bundled+{}", dir.display()))
    }
}

/// The files of [`FILES`] a directory has, as (path, text); an error when it has none.
pub fn read_dir(dir: &Path) -> Result<Vec<Option<(String, String)>>, DictError> {
    if !dir.is_dir() {
        return Err(DictError::NotFound {
            dir: dir.to_path_buf(),
        });
    }
    let mut out = Vec::with_capacity(FILES.len());
    for name in FILES {
        let path = dir.join(name);
        out.push(if path.exists() {
            let text = std::fs::read_to_string(&path).map_err(|source| DictError::Io {
                path: path.clone(),
                source,
            })?;
            Some((path.display().to_string(), text))
        } else {
            None
        });
    }
    if out.iter().all(Option::is_none) {
        return Err(DictError::Empty {
            dir: dir.to_path_buf(),
            expected: FILES.join(", "),
        });
    }
    Ok(out)
}
