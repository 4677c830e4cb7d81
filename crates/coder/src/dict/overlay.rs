//! A user's dictionary directory laid over the bundled one: its entries add to the bundled
//! entries and replace those with the same key, file by file.
//!
//! | file | an entry | its key |
//! |---|---|---|
//! | `countries.txt`, `agents.txt` | a line | its code |
//! | `igos.txt`, `groups.txt` | a line | its code and first name |
//! | `people.txt` | a line | code, dates, role and first name (lines sharing a key are one entry) |
//! | `verbs.txt` | a block, a `&SET` | `verb LEMMA` or `noun LEMMA` (all its blocks), the set's name |
//! | `compose.txt` | a line | family and code (a user's lines come first: the first match decides) |
//! | `words.txt` | a word of a class | the class and the word (`-word` removes one) |
//! | `rules.txt` | a rule | its name (a new rule comes after the bundled ones of its phase) |
//! | `facts.txt` | a fact | `theatre`/`roams` by group, `agents` by group name; others add |
//! | `inflections.txt` | a verb | its lemma |
//!
//! A replaced entry keeps the bundled entry's place, so that a copy of the bundled directory
//! codes exactly as the bundled dictionaries.

use std::collections::{HashMap, HashSet};

use super::lines::{fields, strip_comment, Line};

/// The lines of file `name` with a user's lines laid over the bundled ones.
pub fn merge<'a>(name: &str, bundled: Vec<Line<'a>>, user: Vec<Line<'a>>) -> Vec<Line<'a>> {
    match name {
        "countries.txt" | "agents.txt" => in_place(bundled, user, |c| c[0].trim().to_string()),
        "igos.txt" | "groups.txt" => in_place(bundled, user, |c| {
            format!("{}\t{}", c[0].trim(), first_name(c.get(1).copied()))
        }),
        "people.txt" => in_place(bundled, user, |c| {
            let head = c[..c.len().min(4)].join("\t");
            format!("{head}\t{}", first_name(c.get(4).copied()))
        }),
        "verbs.txt" => merge_verbs(bundled, user),
        "compose.txt" => {
            let mine: HashSet<Vec<String>> = user.iter().filter_map(compose_key).collect();
            let mut out = user;
            out.extend(
                bundled
                    .into_iter()
                    .filter(|l| compose_key(l).is_none_or(|k| !mine.contains(&k))),
            );
            out
        }
        // The parsers of the other files read a later definition as an addition or a
        // replacement: the user's lines simply follow.
        _ => bundled.into_iter().chain(user).collect(),
    }
}

/// The first of `a|b|c`.
fn first_name(column: Option<&str>) -> &str {
    column
        .and_then(|c| c.split('|').next())
        .unwrap_or("")
        .trim()
}

/// A composition line's family and code.
fn compose_key(l: &Line) -> Option<Vec<String>> {
    fields(l.text).map(|(_, w)| w.iter().take(2).map(|x| x.to_string()).collect())
}

/// A TSV line's key by `key` over its columns; none for comments and blank lines.
fn row_key(l: &Line, key: fn(&[&str]) -> String) -> Option<String> {
    let t = l.text;
    if t.trim().is_empty() || t.trim_start().starts_with('#') {
        return None;
    }
    Some(key(&t.split('\t').collect::<Vec<_>>()))
}

/// Entries of one line (or of several lines with the same key), replaced where they stood.
fn in_place<'a>(
    bundled: Vec<Line<'a>>,
    user: Vec<Line<'a>>,
    columns: fn(&[&str]) -> String,
) -> Vec<Line<'a>> {
    let key = |l: &Line| row_key(l, columns);
    let mut mine: HashMap<String, Vec<Line<'a>>> = HashMap::new();
    let mut order: Vec<String> = Vec::new();
    let mut loose = Vec::new();
    for l in user {
        match key(&l) {
            Some(k) => {
                if !mine.contains_key(&k) {
                    order.push(k.clone());
                }
                mine.entry(k).or_default().push(l);
            }
            None => loose.push(l),
        }
    }
    let mut out = Vec::with_capacity(bundled.len() + mine.len());
    let mut placed: HashSet<String> = HashSet::new();
    for l in bundled {
        match key(&l) {
            Some(k) if mine.contains_key(&k) => {
                if placed.insert(k.clone()) {
                    out.extend(mine[&k].iter().copied());
                }
            }
            _ => out.push(l),
        }
    }
    out.extend(loose);
    for k in order {
        if !placed.contains(&k) {
            out.extend(mine.remove(&k).unwrap_or_default());
        }
    }
    out
}

/// The chunks of `verbs.txt`: a set line, or a block's header and the lines after it, keyed
/// by `&NAME` or `verb LEMMA`; lines before the first block have no key.
fn chunks<'a>(lines: Vec<Line<'a>>) -> Vec<(Option<String>, Vec<Line<'a>>)> {
    let mut out: Vec<(Option<String>, Vec<Line<'a>>)> = vec![(None, Vec::new())];
    for l in lines {
        let t = strip_comment(l.text).trim();
        let key = if let Some(set) = t.strip_prefix('&') {
            set.split('=').next().map(|n| format!("&{}", n.trim()))
        } else {
            let mut w = t.split_whitespace();
            match (w.next(), w.next()) {
                (Some(k @ ("verb" | "noun")), Some(lemma)) => {
                    Some(format!("{k} {}", lemma.to_ascii_lowercase()))
                }
                _ => None,
            }
        };
        match key {
            Some(k) => out.push((Some(k), vec![l])),
            None => out.last_mut().expect("a first chunk").1.push(l),
        }
    }
    out
}

fn merge_verbs<'a>(bundled: Vec<Line<'a>>, user: Vec<Line<'a>>) -> Vec<Line<'a>> {
    let mut mine: Vec<(Option<String>, Vec<Line<'a>>)> = chunks(user);
    let keys: HashSet<String> = mine.iter().filter_map(|(k, _)| k.clone()).collect();
    let mut out = Vec::new();
    let mut placed: HashSet<String> = HashSet::new();
    for (k, lines) in chunks(bundled) {
        match k {
            Some(k) if keys.contains(&k) => {
                if placed.insert(k.clone()) {
                    for (_, ls) in mine.iter().filter(|(m, _)| m.as_deref() == Some(&*k)) {
                        out.extend(ls.iter().copied());
                    }
                }
            }
            _ => out.extend(lines),
        }
    }
    mine.retain(|(k, _)| k.as_ref().is_none_or(|k| !placed.contains(k)));
    for (_, ls) in mine {
        out.extend(ls);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dict::lines::lines_of;

    fn texts(lines: &[Line]) -> Vec<String> {
        lines
            .iter()
            .map(|l| format!("{}:{}", l.file, l.text))
            .collect()
    }

    #[test]
    fn lines_with_a_key_replace_in_place_and_new_ones_follow() {
        let b = lines_of("b", "# h\nAAA\tA\nBBB\tB\nCCC\tC\n");
        let u = lines_of("u", "BBB\tBee\nDDD\tD\n");
        let m = merge("countries.txt", b, u);
        assert_eq!(
            texts(&m),
            ["b:# h", "b:AAA\tA", "u:BBB\tBee", "b:CCC\tC", "u:DDD\tD"]
        );
    }

    #[test]
    fn verb_blocks_replace_every_bundled_block_of_their_lemma() {
        let b = lines_of(
            "b",
            "&S = a | b\nverb sign\n  057 *\nverb meet\n  040 *\nverb sign\n  057 * deal\n",
        );
        let u = lines_of(
            "u",
            "verb sign\n  057 * accord\nverb visit\n  042 *\n&S = c\n",
        );
        let m = merge("verbs.txt", b, u);
        assert_eq!(
            texts(&m),
            [
                "u:&S = c",
                "u:verb sign",
                "u:  057 * accord",
                "b:verb meet",
                "b:  040 *",
                "u:verb visit",
                "u:  042 *"
            ]
        );
    }

    #[test]
    fn a_user_composition_comes_first() {
        let b = lines_of("b", "intent 04* 036\nintent 05* 032\n");
        let u = lines_of("u", "intent 05* 033\nintent 06* 031\n");
        let m = merge("compose.txt", b, u);
        assert_eq!(
            texts(&m),
            ["u:intent 05* 033", "u:intent 06* 031", "b:intent 04* 036"]
        );
    }
}
