//! The one normal form that names are indexed and looked up under, so that "Zürich", "ZURICH"
//! and "Zurich" meet, as do "Port-au-Prince" and "Port au Prince".
//!
//! Mirrored by `fold` in scripts/gen_gazetteer.py, which uses it only to deduplicate alternates;
//! the two need not agree byte for byte, since the index is built here.

use unicode_normalization::char::{decompose_canonical, is_combining_mark};

/// Longest name folded on the stack; longer (or non-ASCII) names take one allocation.
const STACK_KEY: usize = 64;

/// Folds `name` to its index key: lower case, accents stripped, hyphens and dashes as spaces,
/// typographic apostrophes as `'`, runs of whitespace as one space, no leading/trailing space.
pub fn fold(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    let mut pending_space = false;
    for c in name.chars() {
        // Canonical decomposition splits "ü" into "u" + U+0308; the mark is then dropped.
        decompose_canonical(c, |d| {
            // Lower-casing can itself yield a mark ('İ' -> "i\u{307}"), so check after it.
            for l in d.to_lowercase().filter(|&l| !is_combining_mark(l)) {
                push_folded(&mut out, l, &mut pending_space);
            }
        });
    }
    out
}

fn push_folded(out: &mut String, c: char, pending_space: &mut bool) {
    let mapped: &str = match c {
        '-' | '\u{2010}' | '\u{2011}' | '\u{2013}' | '\u{2014}' => " ",
        '\u{2018}' | '\u{2019}' | '\u{02bc}' | '\u{02bb}' | '\u{02bf}' | '\u{02be}' | '`'
        | '\u{b4}' => "'",
        // Letters that carry their "accent" in the base letter, so NFD leaves them alone.
        'ß' => "ss",
        'ø' => "o",
        'æ' => "ae",
        'œ' => "oe",
        'ł' => "l",
        'đ' | 'ð' => "d",
        'ı' => "i",
        'þ' => "th",
        'ħ' => "h",
        'ŧ' => "t",
        c if c.is_whitespace() => " ",
        c => {
            if *pending_space {
                out.push(' ');
                *pending_space = false;
            }
            out.push(c);
            return;
        }
    };
    if mapped == " " {
        *pending_space = !out.is_empty();
    } else {
        if *pending_space {
            out.push(' ');
            *pending_space = false;
        }
        out.push_str(mapped);
    }
}

/// Folds an ASCII name into `buf` without allocating, or returns `None` when the name is not
/// ASCII or too long, and the caller must use [`fold`]. Same result as [`fold`] on ASCII.
pub fn fold_ascii_into<'b>(name: &str, buf: &'b mut [u8; STACK_KEY]) -> Option<&'b str> {
    if !name.is_ascii() || name.len() > STACK_KEY {
        return None;
    }
    let mut n = 0;
    let mut pending_space = false;
    for &b in name.as_bytes() {
        let b = match b {
            b'-' => b' ',
            b'`' => b'\'',
            b if b.is_ascii_whitespace() => b' ',
            b => b.to_ascii_lowercase(),
        };
        if b == b' ' {
            pending_space = n > 0;
            continue;
        }
        if pending_space {
            buf[n] = b' ';
            n += 1;
            pending_space = false;
        }
        buf[n] = b;
        n += 1;
    }
    // Only ASCII bytes were written, so this cannot fail.
    std::str::from_utf8(&buf[..n]).ok()
}

/// A stack buffer for [`fold_ascii_into`].
pub fn stack_buf() -> [u8; STACK_KEY] {
    [0; STACK_KEY]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strips_accents_and_case() {
        assert_eq!(fold("Zürich"), "zurich");
        assert_eq!(fold("ZÜRICH"), "zurich");
        assert_eq!(fold("Ţarābulus"), "tarabulus");
        assert_eq!(fold("Łódź"), "lodz");
        assert_eq!(fold("Straße"), "strasse");
        assert_eq!(fold("İstanbul"), "istanbul");
    }

    #[test]
    fn normalises_separators() {
        assert_eq!(fold("Port-au-Prince"), "port au prince");
        assert_eq!(fold("  Port  au\tPrince "), "port au prince");
        assert_eq!(fold("Xi’an"), "xi'an");
        assert_eq!(fold("Ta‘if"), fold("Ta'if"));
    }

    #[test]
    fn ascii_fast_path_agrees_with_fold() {
        for name in [
            "Tripoli",
            "  New   York-City ",
            "SAN`A",
            "",
            "-",
            "Port-au-Prince",
        ] {
            let mut buf = stack_buf();
            assert_eq!(
                fold_ascii_into(name, &mut buf),
                Some(fold(name).as_str()),
                "{name:?}"
            );
        }
        let mut buf = stack_buf();
        assert_eq!(fold_ascii_into("Zürich", &mut buf), None);
        assert_eq!(fold_ascii_into(&"a".repeat(65), &mut buf), None);
    }
}
