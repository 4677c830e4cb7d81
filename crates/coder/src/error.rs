//! Errors of dictionary loading. Coding itself never fails: a sentence the coder does not
//! understand simply yields no event.

use std::path::PathBuf;

/// A dictionary could not be loaded. Every parse error names the file and the line, so that a
/// maintainer can go straight to the wrong entry.
#[derive(Debug, thiserror::Error)]
pub enum DictError {
    #[error("{file}:{line}: {message}")]
    Parse {
        file: String,
        line: usize,
        message: String,
    },
    #[error("cannot read {path}: {source}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("dictionary directory {dir} does not exist or is not a directory")]
    NotFound { dir: PathBuf },
    #[error("dictionary directory {dir} has none of the expected files ({expected})")]
    Empty { dir: PathBuf, expected: String },
    #[error("cannot build the {what} automaton: {message}")]
    Automaton { what: &'static str, message: String },
}

impl DictError {
    pub(crate) fn parse(file: &str, line: usize, message: impl Into<String>) -> Self {
        DictError::Parse {
            file: file.to_string(),
            line,
            message: message.into(),
        }
    }
}
