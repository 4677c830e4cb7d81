//! Unicode and whitespace normalisation, one policy for every article.
//!
//! The policy, chosen so that the coder's dictionaries see one spelling of each thing:
//! - NFC, so that "é" is one code point whether the page composed it or not;
//! - typographic quotes become ASCII (`’` -> `'`, `“ ”` -> `"`): "Libya’s" and "Libya's" must
//!   match the same possessive rule; guillemets are kept, they are not English punctuation;
//! - hyphens, en dashes and minus signs become `-` ("March 17–22" parses as a range), em dashes
//!   and horizontal bars become ` - ` so that "Moscow—which" does not glue into one token;
//! - `…` becomes `...`;
//! - zero-width characters, soft hyphens, bidi controls and other control characters are removed;
//! - every kind of space (no-break, thin, ideographic...) and tab becomes a plain space, and
//!   runs of spaces collapse to one; line and paragraph separators become line breaks.

use unicode_normalization::{is_nfc_quick, IsNormalized, UnicodeNormalization};

/// What a line break in the input means.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Newlines {
    /// Plain text: keep `\n` (paragraph structure lives there).
    Keep,
    /// HTML text nodes: a newline is just whitespace.
    Space,
}

/// Maps every character by the policy above into `out`; whitespace is not collapsed yet.
pub(crate) fn map_chars(input: &str, newlines: Newlines, out: &mut String) {
    out.reserve(input.len());
    // Most text is printable ASCII: copy runs of it whole, and map the rest char by char.
    let bytes = input.as_bytes();
    let mut start = 0;
    while start < bytes.len() {
        let run = bytes[start..]
            .iter()
            .position(|b| !(b' '..=b'~').contains(b))
            .unwrap_or(bytes.len() - start);
        out.push_str(&input[start..start + run]);
        start += run;
        if start == bytes.len() {
            break;
        }
        let next_ascii = bytes[start + 1..]
            .iter()
            .position(|b| (b' '..=b'~').contains(b))
            .map_or(bytes.len(), |p| start + 1 + p);
        // `next_ascii` sits on a char boundary: printable ASCII never continues a sequence.
        map_slow(&input[start..next_ascii], newlines, out);
        start = next_ascii;
    }
    if is_nfc_quick(out.chars()) != IsNormalized::Yes {
        let composed: String = out.nfc().collect();
        *out = composed;
    }
}

fn map_slow(input: &str, newlines: Newlines, out: &mut String) {
    let mut chars = input.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\r' => {
                // \r\n and a lone \r are both one line break.
                if chars.peek() == Some(&'\n') {
                    chars.next();
                }
                push_newline(out, newlines);
            }
            '\n' | '\u{0b}' | '\u{0c}' | '\u{85}' | '\u{2028}' => push_newline(out, newlines),
            '\u{2029}' => {
                push_newline(out, newlines);
                push_newline(out, newlines);
            }
            '\t'
            | '\u{a0}'
            | '\u{1680}'
            | '\u{2000}'..='\u{200a}'
            | '\u{202f}'
            | '\u{205f}'
            | '\u{3000}' => out.push(' '),
            // Zero-width and invisible formatting characters.
            '\u{ad}'
            | '\u{200b}'..='\u{200f}'
            | '\u{202a}'..='\u{202e}'
            | '\u{2060}'..='\u{2064}'
            | '\u{2066}'..='\u{2069}'
            | '\u{feff}'
            | '\u{fff9}'..='\u{fffb}' => {}
            '\u{2018}' | '\u{2019}' | '\u{201a}' | '\u{201b}' => out.push('\''),
            '\u{201c}' | '\u{201d}' | '\u{201e}' | '\u{201f}' => out.push('"'),
            '\u{2010}'..='\u{2013}' | '\u{2212}' | '\u{fe63}' | '\u{ff0d}' => out.push('-'),
            '\u{2014}' | '\u{2015}' => out.push_str(" - "),
            '\u{2026}' => out.push_str("..."),
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
}

fn push_newline(out: &mut String, newlines: Newlines) {
    match newlines {
        Newlines::Keep => out.push('\n'),
        Newlines::Space => out.push(' '),
    }
}

/// Appends `text` to `out` with runs of whitespace collapsed to one space and no space at
/// either end of what it appends.
pub(crate) fn push_collapsed(text: &str, out: &mut String) {
    for word in text.split_whitespace() {
        if !out.is_empty() && !out.ends_with(' ') {
            out.push(' ');
        }
        out.push_str(word);
    }
}

/// One line of text, fully normalised: mapped characters, single spaces, trimmed.
pub fn normalize_line(text: &str) -> String {
    let mut mapped = String::new();
    map_chars(text, Newlines::Space, &mut mapped);
    let mut out = String::with_capacity(mapped.len());
    push_collapsed(&mapped, &mut out);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keep(s: &str) -> String {
        let mut out = String::new();
        map_chars(s, Newlines::Keep, &mut out);
        out
    }

    #[test]
    fn quotes_and_dashes_are_normalised() {
        assert_eq!(
            normalize_line("Libya\u{2019}s \u{201c}language of compromise\u{201d}"),
            "Libya's \"language of compromise\""
        );
        assert_eq!(normalize_line("March 17\u{2013}22"), "March 17-22");
        assert_eq!(normalize_line("Moscow\u{2014}which"), "Moscow - which");
        assert_eq!(normalize_line("Moscow \u{2014} which"), "Moscow - which");
        assert_eq!(normalize_line("wait\u{2026}"), "wait...");
        assert_eq!(
            normalize_line("\u{ab} bonjour \u{bb}"),
            "\u{ab} bonjour \u{bb}"
        );
    }

    #[test]
    fn invisible_and_control_characters_are_removed() {
        assert_eq!(
            normalize_line("Ne\u{200b}tan\u{ad}yahu\u{feff} met\u{7} Putin\u{200e}"),
            "Netanyahu met Putin"
        );
        assert_eq!(normalize_line("a\u{9f}b"), "ab");
    }

    #[test]
    fn all_spaces_collapse_to_one() {
        assert_eq!(
            normalize_line("  10\u{a0}000 \t troops\u{202f}in\u{3000}\u{2009}Idlib  "),
            "10 000 troops in Idlib"
        );
    }

    #[test]
    fn nfc_composes_decomposed_letters() {
        assert_eq!(normalize_line("Mishri\u{0301} cafe\u{0301}"), "Mishrí café");
    }

    #[test]
    fn line_breaks_in_plain_text() {
        assert_eq!(keep("a\r\nb\rc\u{2028}d\u{2029}e"), "a\nb\nc\nd\n\ne");
        let mut html = String::new();
        map_chars("a\r\nb\nc", Newlines::Space, &mut html);
        assert_eq!(html, "a b c");
    }
}
