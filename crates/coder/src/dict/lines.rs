//! Lines of dictionary files with where they come from, so that every parser reports a wrong
//! line by file and number, and so that a user's directory can be read on top of the bundled
//! files (its lines after theirs).

use crate::error::DictError;

/// One line of a dictionary file.
#[derive(Debug, Clone, Copy)]
pub struct Line<'a> {
    pub file: &'a str,
    /// 1-based.
    pub line: usize,
    pub text: &'a str,
}

impl Line<'_> {
    pub fn error(&self, message: impl Into<String>) -> DictError {
        DictError::parse(self.file, self.line, message)
    }
}

/// The lines of one file.
pub fn lines_of<'a>(file: &'a str, text: &'a str) -> Vec<Line<'a>> {
    text.lines()
        .enumerate()
        .map(|(n, t)| Line {
            file,
            line: n + 1,
            text: t.trim_end_matches('\r'),
        })
        .collect()
}

/// The text before a comment: `#` at the start of the line, or after a space or a tab.
pub fn strip_comment(l: &str) -> &str {
    match l.find(" #").or_else(|| l.find("\t#")) {
        Some(i) => &l[..i],
        None if l.trim_start().starts_with('#') => "",
        None => l,
    }
}

/// The whitespace-separated fields of a line without its comment, and whether the line is
/// indented; `None` for a blank or comment line.
pub fn fields(text: &str) -> Option<(bool, Vec<&str>)> {
    let l = strip_comment(text);
    let words: Vec<&str> = l.split_whitespace().collect();
    if words.is_empty() {
        return None;
    }
    Some((l.starts_with([' ', '\t']), words))
}
