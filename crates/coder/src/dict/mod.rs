//! Dictionaries: actors and verb patterns, in the project's format or PETRARCH-2's.

pub mod actors;
pub mod petrarch;
pub mod verbs;

use std::path::Path;

use crate::error::DictError;
pub use actors::{ActorDict, ActorEntry, ActorKind};
pub use verbs::{Block, Elem, Family, Pattern, VerbDict};

mod bundled {
    include!(concat!(env!("OUT_DIR"), "/bundled.rs"));
}

/// The files of a dictionary directory in the project's format.
pub const FILES: [&str; 6] = [
    "countries.txt",
    "people.txt",
    "igos.txt",
    "groups.txt",
    "agents.txt",
    "verbs.txt",
];

/// Everything the coder knows, before compilation into automata.
#[derive(Debug, Clone, Default)]
pub struct Dictionaries {
    pub actors: ActorDict,
    pub verbs: VerbDict,
    /// Where they came from, for `CoderInfo`: `bundled`, a directory, `petrarch2`.
    pub label: String,
}

impl Dictionaries {
    /// Parses the six texts of the project's format. Missing texts are empty.
    pub fn parse(texts: [(&str, &str); 6], label: String) -> Result<Self, DictError> {
        let mut actors = ActorDict::default();
        let [countries, people, igos, groups, agents, verbs] = texts;
        actors::parse_countries(countries.0, countries.1, &mut actors)?;
        actors::parse_people(people.0, people.1, &mut actors)?;
        actors::parse_coded_names(igos.0, igos.1, ActorKind::Igo, &mut actors)?;
        actors::parse_coded_names(groups.0, groups.1, ActorKind::Group, &mut actors)?;
        actors::parse_coded_names(agents.0, agents.1, ActorKind::Agent, &mut actors)?;
        let verbs = verbs::parse_verbs(verbs.0, verbs.1)?;
        Ok(Self {
            actors,
            verbs,
            label,
        })
    }

    /// The dictionaries compiled into the library.
    pub fn bundled() -> Result<Self, DictError> {
        Self::parse(
            [
                ("countries.txt", bundled::COUNTRIES),
                ("people.txt", bundled::PEOPLE),
                ("igos.txt", bundled::IGOS),
                ("groups.txt", bundled::GROUPS),
                ("agents.txt", bundled::AGENTS),
                ("verbs.txt", bundled::VERBS),
            ],
            "bundled".into(),
        )
    }

    /// A directory in the project's format. Files that are absent fall back to the bundled
    /// ones, so a user can override only the verbs, or only the people.
    pub fn from_dir(dir: &Path) -> Result<Self, DictError> {
        let bundled = [
            bundled::COUNTRIES,
            bundled::PEOPLE,
            bundled::IGOS,
            bundled::GROUPS,
            bundled::AGENTS,
            bundled::VERBS,
        ];
        let mut texts: Vec<(String, String)> = Vec::with_capacity(6);
        let mut found = 0;
        for (name, fallback) in FILES.iter().zip(bundled) {
            let path = dir.join(name);
            if path.exists() {
                found += 1;
                let text = std::fs::read_to_string(&path).map_err(|source| DictError::Io {
                    path: path.clone(),
                    source,
                })?;
                texts.push((path.display().to_string(), text));
            } else {
                texts.push((format!("bundled {name}"), fallback.to_string()));
            }
        }
        if found == 0 {
            return Err(DictError::Empty {
                dir: dir.to_path_buf(),
                expected: FILES.join(", "),
            });
        }
        let t = |i: usize| (texts[i].0.as_str(), texts[i].1.as_str());
        Self::parse(
            [t(0), t(1), t(2), t(3), t(4), t(5)],
            dir.display().to_string(),
        )
    }
}
