//! The loader, and the sections stages add to the runtime's configuration.
//!
//! A stage declares its table (`[NAME]` in a file, `DRAGOMAN__NAME__KEY` in the environment)
//! as a type implementing [`Section`]: its keys, its defaults and its checks live with the
//! stage. A program registers the sections of the stages it runs with a [`Loader`], which
//! reads them from the same layers as the runtime's own and reports their errors the same way:
//! the key named, the value never shown.

use std::any::Any;
use std::collections::{BTreeMap, HashMap};
use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use config::Source;
use serde::de::DeserializeOwned;
use serde::Deserialize;

use super::{
    error, Config, ConfigError, Stage, CORE_KEYS, DEFAULT_TOML, ENV_PREFIX, ENV_SEPARATOR,
};

/// A stage's own table of the configuration.
///
/// The type should deny unknown keys (`#[serde(deny_unknown_fields)]`) and take missing ones
/// from its `Default` (`#[serde(default)]`), which is also what a program gets when no layer
/// has the table. Its `Debug` is shown in logs: a section with secrets must redact them.
pub trait Section: DeserializeOwned + Default + fmt::Debug + Send + Sync + 'static {
    /// The table's name: the section is read from `[NAME]` and `DRAGOMAN__NAME__KEY`.
    const NAME: &'static str;

    /// Checks the values that the types alone cannot. The error names the key
    /// ([`ConfigError::invalid`] with `NAME.key`) and never the value.
    fn validate(&self) -> Result<(), ConfigError> {
        Ok(())
    }
}

/// A section read and checked, kept by its name.
trait Loaded: Any + Send + Sync + fmt::Debug {
    fn as_any(&self) -> &dyn Any;
}

impl<T: Any + Send + Sync + fmt::Debug> Loaded for T {
    fn as_any(&self) -> &dyn Any {
        self
    }
}

/// The sections a program registered, as loaded.
#[derive(Clone, Default)]
pub struct Sections(Vec<(&'static str, Arc<dyn Loaded>)>);

impl Sections {
    pub fn get<S: Section>(&self) -> Option<&S> {
        self.0
            .iter()
            .find(|(name, _)| *name == S::NAME)
            .and_then(|(_, value)| value.as_ref().as_any().downcast_ref())
    }
}

impl fmt::Debug for Sections {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_map()
            .entries(self.0.iter().map(|(name, value)| (name, value.as_ref())))
            .finish()
    }
}

/// Reads and checks one registered section from its table (`None`: no layer has it).
type Parse = fn(Option<config::Value>, Option<&Path>) -> Result<Arc<dyn Loaded>, ConfigError>;

fn parse<S: Section>(
    table: Option<config::Value>,
    file: Option<&Path>,
) -> Result<Arc<dyn Loaded>, ConfigError> {
    let section = match table {
        None => S::default(),
        Some(table) => {
            // Read as the one entry of a map, so that the loader names a bad key `NAME.key`,
            // as it names the runtime's own.
            let mut root = config::Map::new();
            root.insert(S::NAME.to_owned(), table);
            let mut one = BTreeMap::<String, S>::deserialize(config::Value::new(None, root))
                .map_err(|e| error::redact(&e, file))?;
            one.remove(S::NAME).unwrap_or_default()
        }
    };
    section.validate()?;
    Ok(Arc::new(section))
}

/// Loads the configuration of one program: the runtime's sections and the stages' sections
/// it registers, from the defaults, a file and the environment.
#[must_use]
pub struct Loader {
    stage: Stage,
    file: Option<PathBuf>,
    env: Option<HashMap<String, String>>,
    sections: Vec<(&'static str, Parse)>,
    partial: bool,
}

impl Loader {
    pub fn new(stage: Stage) -> Loader {
        Loader {
            stage,
            file: None,
            env: None,
            sections: Vec::new(),
            partial: false,
        }
    }

    /// The file given with `--config`, if any.
    pub fn file(mut self, file: Option<&Path>) -> Loader {
        self.file = file.map(Path::to_owned);
        self
    }

    /// Variables standing in for the process environment (tests).
    pub fn env(mut self, env: HashMap<String, String>) -> Loader {
        self.env = Some(env);
        self
    }

    /// Reads and checks section `S` too; [`Config::section`] returns it.
    pub fn section<S: Section>(mut self) -> Loader {
        if !self.sections.iter().any(|(name, _)| *name == S::NAME) {
            self.sections.push((S::NAME, parse::<S>));
        }
        self
    }

    /// Leaves the top-level tables of sections nobody registered unread and unchecked: for a
    /// client that reads part of a configuration whose other sections a service checks.
    /// Without it, such a table is an unknown key.
    pub fn partial(mut self) -> Loader {
        self.partial = true;
        self
    }

    pub fn load(self) -> Result<Config, ConfigError> {
        let file = self.file.as_deref();
        let mut root = self.layers()?;
        let mut tables: Vec<Option<config::Value>> = Vec::with_capacity(self.sections.len());
        for (name, _) in &self.sections {
            tables.push(root.remove(*name));
        }
        if self.partial {
            root.retain(|key, _| CORE_KEYS.contains(&key.as_str()));
        }
        let mut cfg = Config::deserialize(config::Value::new(None, root))
            .map_err(|e| error::redact(&e, file))?;
        cfg.apply_stage_defaults(self.stage);
        cfg.read_secret_files()?;
        cfg.validate()?;
        for ((name, parse), table) in self.sections.iter().zip(tables) {
            let section = parse(table, file)?;
            cfg.sections.0.push((name, section));
        }
        Ok(cfg)
    }

    /// The layers merged into one table: the defaults of the runtime's and the registered
    /// sections, the file, the environment.
    fn layers(&self) -> Result<config::Map<String, config::Value>, ConfigError> {
        let file = self.file.as_deref();
        let redact = |e: config::ConfigError| error::redact(&e, file);
        let defaults = config::File::from_str(DEFAULT_TOML, config::FileFormat::Toml)
            .collect()
            .map_err(redact)?;
        let mut builder = config::Config::builder();
        for (key, value) in defaults {
            let registered = self.sections.iter().any(|(name, _)| *name == key);
            if registered || CORE_KEYS.contains(&key.as_str()) {
                builder = builder.set_default(key, value).map_err(redact)?;
            }
        }
        if let Some(path) = file {
            // Read and checked here, so that an unreadable file or a syntax error is reported
            // by path and line, without the line (see `error.rs`).
            let text = std::fs::read_to_string(path).map_err(|error| ConfigError::Read {
                path: path.to_owned(),
                error,
            })?;
            error::check_toml(path, &text)?;
            builder = builder.add_source(config::File::from(path).format(config::FileFormat::Toml));
        }
        // No `try_parsing`: it would turn a password of "0123" into the number 123 (and back
        // into "123"). Values stay strings; numeric and boolean keys parse them when read.
        let mut environment = config::Environment::with_prefix(ENV_PREFIX)
            .prefix_separator(ENV_SEPARATOR)
            .separator(ENV_SEPARATOR);
        if let Some(env) = &self.env {
            environment = environment.source(Some(env.clone().into_iter().collect()));
        }
        builder
            .add_source(environment)
            .build()
            .and_then(|built| built.collect())
            .map_err(redact)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A stage's section, as a stage crate declares one.
    #[derive(Debug, Clone, PartialEq, Deserialize)]
    #[serde(default, deny_unknown_fields)]
    struct Sample {
        size: usize,
        mode: Mode,
    }

    #[derive(Debug, Clone, Copy, PartialEq, Deserialize)]
    #[serde(rename_all = "snake_case")]
    enum Mode {
        Fast,
        Careful,
    }

    impl Default for Sample {
        fn default() -> Self {
            Sample {
                size: 10,
                mode: Mode::Fast,
            }
        }
    }

    impl Section for Sample {
        const NAME: &'static str = "sample";
        fn validate(&self) -> Result<(), ConfigError> {
            if self.size == 0 {
                return Err(ConfigError::invalid("sample.size", "must be > 0"));
            }
            Ok(())
        }
    }

    fn load(file: Option<&str>, vars: &[(&str, &str)]) -> Result<Config, ConfigError> {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("my.toml");
        if let Some(text) = file {
            std::fs::write(&path, text).unwrap();
        }
        let env = vars
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        Loader::new(Stage::Run)
            .file(file.map(|_| path.as_path()))
            .env(env)
            .section::<Sample>()
            .load()
    }

    #[test]
    fn a_registered_section_is_read_from_the_file_and_the_environment() {
        let cfg = load(None, &[]).unwrap();
        assert_eq!(cfg.section::<Sample>().unwrap(), &Sample::default());
        let cfg = load(
            Some("[sample]\nsize = 3\n"),
            &[("DRAGOMAN__SAMPLE__MODE", "careful")],
        )
        .unwrap();
        let sample = cfg.section::<Sample>().unwrap();
        assert_eq!((sample.size, sample.mode), (3, Mode::Careful));
        let cfg = load(
            Some("[sample]\nsize = 3\n"),
            &[("DRAGOMAN__SAMPLE__SIZE", "7")],
        )
        .unwrap();
        assert_eq!(cfg.section::<Sample>().unwrap().size, 7);
        assert!(format!("{cfg:?}").contains("sample"));
    }

    #[test]
    fn a_bad_key_or_value_of_a_section_is_named() {
        let err = load(Some("[sample]\nsizz = 3\n"), &[])
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("`sample.sizz`") && err.contains("unknown key"),
            "{err}"
        );
        let err = load(None, &[("DRAGOMAN__SAMPLE__SIZE", "lots")])
            .unwrap_err()
            .to_string();
        assert!(err.contains("`sample.size`"), "{err}");
        assert!(
            err.contains("from the environment") && !err.contains("lots"),
            "{err}"
        );
        let err = load(Some("[sample]\nmode = \"hunter2\"\n"), &[])
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("`sample.mode`") && !err.contains("hunter2"),
            "{err}"
        );
        let err = load(Some("sample = \"hunter2\"\n"), &[])
            .unwrap_err()
            .to_string();
        assert!(err.contains("`sample`") && err.contains("a table"), "{err}");
        let err = load(Some("[sample]\nsize = 0\n"), &[])
            .unwrap_err()
            .to_string();
        assert!(err.contains("`sample.size`: must be > 0"), "{err}");
    }

    #[test]
    fn a_table_nobody_registered_is_an_unknown_key_unless_the_load_is_partial() {
        let strict = |text: &str| {
            let dir = tempfile::tempdir().unwrap();
            let path = dir.path().join("my.toml");
            std::fs::write(&path, text).unwrap();
            let loader = Loader::new(Stage::Run)
                .file(Some(&path))
                .env(HashMap::new());
            (
                loader.load(),
                Config::load_with_env(Stage::Run, Some(&path), Some(HashMap::new())),
            )
        };
        let (err, partial) = strict("[other]\nx = 1\n");
        let err = err.unwrap_err().to_string();
        assert!(
            err.contains("`other`") && err.contains("unknown key"),
            "{err}"
        );
        partial.unwrap();
        // The defaults' own stage tables are dropped unless registered, in either mode.
        Loader::new(Stage::Run).env(HashMap::new()).load().unwrap();
        // A typo in the runtime's own sections is caught in either mode.
        let (strict, partial) = strict("[kafka]\nbrokres = \"x\"\n");
        assert!(strict.unwrap_err().to_string().contains("`kafka.brokres`"));
        assert!(partial.unwrap_err().to_string().contains("`kafka.brokres`"));
    }

    #[test]
    fn a_section_not_registered_is_a_wiring_error() {
        let cfg = Config::load_with_env(Stage::Run, None, Some(HashMap::new())).unwrap();
        let err = cfg.section::<Sample>().unwrap_err().to_string();
        assert!(
            err.contains("[sample]") && err.contains("not registered"),
            "{err}"
        );
    }
}
