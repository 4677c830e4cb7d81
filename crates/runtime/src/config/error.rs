//! Configuration errors that name the file, the line or the key and what is wrong, and never
//! quote a value.
//!
//! A configuration holds secrets (`kafka.sasl_password`, `kafka.ssl_key_password`, and any
//! `kafka.properties` value), and the error of a value is printed at start, where logs are
//! collected. The loader's own errors quote what they read: a TOML syntax error shows the whole
//! offending line, a type error the value (`invalid type: string "hunter2"`), a bad variable of the
//! environment its bytes. So [`ConfigError`] holds none of them: every error of the `config`
//! crate is translated here into a key, where the value came from, and a description made of the
//! expected and found *kinds* of value; a message this module does not recognise is replaced by
//! a fixed text rather than passed on.

use std::path::PathBuf;

/// Why the configuration cannot be loaded. Neither `Display` nor `Debug` shows a value.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    /// The file given with `--config` cannot be read.
    #[error("configuration file {}: cannot read it: {error}", path.display())]
    Read {
        path: PathBuf,
        error: std::io::Error,
    },
    /// The file is not TOML. The line is not shown: it may hold a secret.
    #[error(
        "configuration file {}, line {line}, column {column}: not valid TOML: {message} \
         (the line is not shown: it may hold a secret)",
        path.display()
    )]
    Syntax {
        path: PathBuf,
        line: usize,
        column: usize,
        /// The parser's description of the error, made of grammar terms only.
        message: String,
    },
    /// An unknown key, a value of the wrong type, or a value the service cannot use.
    #[error("configuration key `{key}`{}: {message}", from(origin))]
    Invalid {
        key: String,
        /// Where the value came from (a file, "the environment"), when known.
        origin: Option<String>,
        message: String,
    },
    /// The file named by a `*_file` key cannot be read. Its path is not shown: a password put
    /// there by mistake would be printed.
    #[error("configuration key `{key}`: cannot read the file it names: {error}")]
    SecretFile {
        key: &'static str,
        error: std::io::Error,
    },
    /// An error the loader reports without a key.
    #[error("configuration{}: {message}", from(origin))]
    Other {
        origin: Option<String>,
        message: String,
    },
    /// A program asked for a section it did not register with the loader: a wiring mistake.
    #[error("configuration section `[{section}]` was not registered with the loader")]
    NotRegistered { section: &'static str },
}

fn from(origin: &Option<String>) -> String {
    origin
        .as_deref()
        .map(|o| format!(" (from {o})"))
        .unwrap_or_default()
}

impl ConfigError {
    /// A value the service cannot use: `key` is its full name (`section.key`), `message` says
    /// what is wrong and must not quote the value.
    pub fn invalid(key: impl Into<String>, message: impl Into<String>) -> Self {
        ConfigError::Invalid {
            key: key.into(),
            origin: None,
            message: message.into(),
        }
    }
}

/// The position of byte `offset` of `text`, as a 1-based line and column (in characters).
pub(crate) fn line_column(text: &str, offset: usize) -> (usize, usize) {
    let offset = text.floor_char_boundary(offset.min(text.len()));
    let before = &text[..offset];
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    (
        before.matches('\n').count() + 1,
        before[line_start..].chars().count() + 1,
    )
}

/// Checks that `text` (the contents of `path`) is TOML, with the parser `config` uses.
pub(crate) fn check_toml(path: &std::path::Path, text: &str) -> Result<(), ConfigError> {
    let Err(e) = toml::de::DeTable::parse(text) else {
        return Ok(());
    };
    // `Display` of the error quotes the line; its message alone is grammar ("invalid string,
    // expected `\"`"), its span locates it.
    let (line, column) = line_column(text, e.span().map_or(0, |s| s.start));
    Err(ConfigError::Syntax {
        path: path.to_owned(),
        line,
        column,
        message: e.message().trim().replace('\n', "; "),
    })
}

/// Translates an error of the `config` crate into one that quotes no value. `file` is the
/// `--config` file, the only origin of a value other than the defaults and the environment.
pub(crate) fn redact(err: &config::ConfigError, file: Option<&std::path::Path>) -> ConfigError {
    let mut key = None;
    let mut origin = None;
    let message = describe(err, &mut key, &mut origin);
    // `config` names a file by a path of its own making (relative to the working directory).
    let origin = origin.map(|o| match file {
        Some(path) if o != ENVIRONMENT => path.display().to_string(),
        _ => o,
    });
    match key {
        Some(key) => ConfigError::Invalid {
            key,
            origin,
            message,
        },
        None => ConfigError::Other { origin, message },
    }
}

/// The origin `config` gives values from the environment.
const ENVIRONMENT: &str = "the environment";

/// What is wrong, with the key and origin found on the way down the error's layers.
fn describe(
    err: &config::ConfigError,
    key: &mut Option<String>,
    origin: &mut Option<String>,
) -> String {
    use config::ConfigError as E;
    match err {
        E::Type {
            origin: o,
            unexpected,
            expected,
            key: k,
        } => {
            if key.is_none() {
                key.clone_from(k);
            }
            if origin.is_none() {
                origin.clone_from(o);
            }
            format!(
                "expected {expected}, found {}",
                kind_of(&unexpected.to_string())
            )
        }
        E::At {
            error,
            origin: o,
            key: k,
        } => {
            if key.is_none() {
                key.clone_from(k);
            }
            if origin.is_none() {
                origin.clone_from(o);
            }
            describe(error, key, origin)
        }
        E::NotFound(k) => {
            if key.is_none() {
                *key = Some(k.clone());
            }
            "missing".to_owned()
        }
        E::Message(m) => describe_message(m, key),
        E::FileParse { uri, cause } => {
            if origin.is_none() {
                origin.clone_from(uri);
            }
            // After `check_toml`, only a number too large for 64 bits gets here.
            if cause.is::<std::num::ParseIntError>() || cause.is::<std::num::ParseFloatError>() {
                format!("a number cannot be read: {cause}")
            } else {
                "not valid configuration".to_owned()
            }
        }
        E::Foreign(cause) => match cause.downcast_ref::<std::io::Error>() {
            Some(io) => format!("cannot be read: {}", io.kind()),
            None => "cannot be loaded".to_owned(),
        },
        _ => "cannot be loaded".to_owned(),
    }
}

/// The messages of serde and of the `config` crate, without the values they quote. The
/// `key` found so far (a section) is completed with a field name where the message has one.
fn describe_message(m: &str, key: &mut Option<String>) -> String {
    const SEE_DEFAULTS: &str = "(config/default.toml lists every key and its accepted values)";
    if let Some(field) = between(m, "unknown field `", "`") {
        *key = Some(match key.take() {
            Some(section) => format!("{section}.{field}"),
            None => field.to_owned(),
        });
        return format!("unknown key {SEE_DEFAULTS}");
    }
    if m.starts_with("unknown variant `") || m.contains(" does not have variant constructor ") {
        return format!("not one of the values this key accepts {SEE_DEFAULTS}");
    }
    if m.starts_with("value of enum ") {
        return format!("must be a string naming one of its values {SEE_DEFAULTS}");
    }
    for prefix in ["invalid type: ", "invalid value: "] {
        if let Some(rest) = m.strip_prefix(prefix) {
            // "invalid type: string \"hunter2\", expected u64": the expectation comes from the
            // type being read, the rest from the input.
            let expected = match rest.rsplit_once(", expected ") {
                // A section given a plain value (`kafka = "..."`).
                Some((_, e)) if e.starts_with("struct ") || e.starts_with("a map") => "a table",
                Some((_, e)) => e,
                None => "another value",
            };
            return format!("expected {expected}, found {}", kind_of(rest));
        }
    }
    if let Some(var) = between(m, "env variable \"", "\"") {
        // The environment source's keys are lowercase, prefix removed, `__` not yet replaced.
        *key = Some(var.replace("__", "."));
        return "its environment variable is not valid UTF-8".to_owned();
    }
    "invalid value (the loader's message is not shown: it may quote a secret)".to_owned()
}

fn between<'a>(m: &'a str, start: &str, end: &str) -> Option<&'a str> {
    let rest = m.strip_prefix(start)?;
    rest.split_once(end).map(|(inside, _)| inside)
}

/// The kind of a value described as serde and `config` describe it ("string \"hunter2\"",
/// "64-bit integer `5`"): the description without the value.
fn kind_of(unexpected: &str) -> &'static str {
    const KINDS: [(&str, &str); 12] = [
        ("string", "a string"),
        ("boolean", "a boolean"),
        ("floating point", "a number with a fraction"),
        ("integer", "an integer"),
        ("64-bit", "an integer"),
        ("128-bit", "an integer"),
        ("char", "a character"),
        ("unit variant", "an enum variant"),
        ("unit value", "nothing"),
        ("sequence", "a list"),
        ("map", "a table"),
        ("byte array", "bytes"),
    ];
    KINDS
        .iter()
        .find(|(prefix, _)| unexpected.starts_with(prefix))
        .map_or("a value of another type", |(_, kind)| kind)
}
