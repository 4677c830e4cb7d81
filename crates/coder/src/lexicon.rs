//! Inflections generated from a lemma, so that the verb dictionary lists `sign` once and the
//! coder still finds "signs", "signed" and "signing". What the rules cannot make (irregular
//! verbs, doubled consonants) is in `dict/inflections.txt`.

use crate::dict::Inflections;

/// What a word form is, as far as voice and modality need to know.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Form {
    Base,
    Third,
    /// Simple past only ("took").
    Past,
    /// Past participle only ("taken").
    Participle,
    /// Both past and participle ("signed", "met").
    PastOrParticiple,
    Gerund,
    Noun,
}

impl Form {
    pub fn is_participle(self) -> bool {
        matches!(self, Form::Participle | Form::PastOrParticiple)
    }
}

fn is_vowel(c: u8) -> bool {
    matches!(c, b'a' | b'e' | b'i' | b'o' | b'u')
}

/// Whether the final consonant doubles before -ed/-ing ("ban" -> "banned").
fn doubles(lemma: &str, inf: &Inflections) -> bool {
    if inf.doubling.iter().any(|d| &**d == lemma) {
        return true;
    }
    // Unstressed last syllables do not double ("opened", "edited", "exited").
    if inf.single.iter().any(|d| &**d == lemma) {
        return false;
    }
    let b = lemma.as_bytes();
    let n = b.len();
    if !(3..=4).contains(&n) || !lemma.is_ascii() {
        return false;
    }
    let (c1, v, c2) = (b[n - 3], b[n - 2], b[n - 1]);
    !is_vowel(c1) && is_vowel(v) && !is_vowel(c2) && !matches!(c2, b'w' | b'x' | b'y')
}

fn third(lemma: &str) -> String {
    let b = lemma.as_bytes();
    if lemma.ends_with('y') && b.len() > 1 && !is_vowel(b[b.len() - 2]) {
        format!("{}ies", &lemma[..lemma.len() - 1])
    } else if ["s", "x", "z", "ch", "sh", "o"]
        .iter()
        .any(|e| lemma.ends_with(e))
    {
        format!("{lemma}es")
    } else {
        format!("{lemma}s")
    }
}

/// The plural of a noun ("talk" -> "talks", "sanction" -> "sanctions", "party" -> "parties").
pub fn plural(noun: &str) -> String {
    if noun.ends_with('s') && !noun.ends_with("ss") {
        return noun.to_string();
    }
    let b = noun.as_bytes();
    if noun.ends_with('y') && b.len() > 1 && !is_vowel(b[b.len() - 2]) {
        format!("{}ies", &noun[..noun.len() - 1])
    } else if ["ss", "x", "z", "ch", "sh"]
        .iter()
        .any(|e| noun.ends_with(e))
    {
        format!("{noun}es")
    } else {
        format!("{noun}s")
    }
}

fn regular_past(lemma: &str, inf: &Inflections) -> String {
    let b = lemma.as_bytes();
    if lemma.ends_with('e') {
        format!("{lemma}d")
    } else if lemma.ends_with('y') && b.len() > 1 && !is_vowel(b[b.len() - 2]) {
        format!("{}ied", &lemma[..lemma.len() - 1])
    } else if doubles(lemma, inf) {
        format!("{lemma}{}ed", &lemma[lemma.len() - 1..])
    } else {
        format!("{lemma}ed")
    }
}

fn gerund(lemma: &str, inf: &Inflections) -> String {
    if let Some(stem) = lemma.strip_suffix("ie") {
        format!("{stem}ying")
    } else if lemma.ends_with('e')
        && !["ee", "ye", "oe"].iter().any(|e| lemma.ends_with(e))
        && lemma != "be"
    {
        format!("{}ing", &lemma[..lemma.len() - 1])
    } else if doubles(lemma, inf) {
        format!("{lemma}{}ing", &lemma[lemma.len() - 1..])
    } else {
        format!("{lemma}ing")
    }
}

/// Every form of a verb lemma. Multi-word lemmas inflect their first word ("carry out").
pub fn verb_forms(lemma: &str, inf: &Inflections) -> Vec<(String, Form)> {
    let (head, tail) = match lemma.split_once(' ') {
        Some((h, t)) => (h, format!(" {t}")),
        None => (lemma, String::new()),
    };
    let mut out = vec![
        (format!("{head}{tail}"), Form::Base),
        (format!("{}{tail}", third(head)), Form::Third),
        (format!("{}{tail}", gerund(head, inf)), Form::Gerund),
    ];
    match inf.irregular.get(head) {
        Some((past, part)) if past == part => {
            out.push((format!("{past}{tail}"), Form::PastOrParticiple))
        }
        Some((past, part)) => {
            out.push((format!("{past}{tail}"), Form::Past));
            out.push((format!("{part}{tail}"), Form::Participle));
        }
        None => out.push((
            format!("{}{tail}", regular_past(head, inf)),
            Form::PastOrParticiple,
        )),
    }
    out
}

/// The forms of a noun lemma: itself and its plural.
pub fn noun_forms(lemma: &str) -> Vec<(String, Form)> {
    let mut out = vec![(lemma.to_string(), Form::Noun)];
    let p = plural(lemma);
    if p != lemma {
        out.push((p, Form::Noun));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn forms(l: &str) -> Vec<String> {
        let inf = crate::dict::Dictionaries::bundled_inflections().unwrap();
        verb_forms(l, &inf).into_iter().map(|(f, _)| f).collect()
    }

    #[test]
    fn regular_and_irregular_verbs() {
        assert_eq!(forms("sign"), ["sign", "signs", "signing", "signed"]);
        assert_eq!(
            forms("accuse"),
            ["accuse", "accuses", "accusing", "accused"]
        );
        assert_eq!(forms("ban"), ["ban", "bans", "banning", "banned"]);
        assert_eq!(forms("deny"), ["deny", "denies", "denying", "denied"]);
        assert_eq!(forms("expel"), ["expel", "expels", "expelling", "expelled"]);
        assert_eq!(forms("meet"), ["meet", "meets", "meeting", "met"]);
        assert_eq!(forms("take"), ["take", "takes", "taking", "took", "taken"]);
        assert_eq!(forms("visit"), ["visit", "visits", "visiting", "visited"]);
        assert_eq!(forms("open"), ["open", "opens", "opening", "opened"]);
        assert_eq!(
            forms("carry out"),
            ["carry out", "carries out", "carrying out", "carried out"]
        );
    }

    #[test]
    fn participles_are_marked_for_the_passive() {
        let inf = crate::dict::Dictionaries::bundled_inflections().unwrap();
        let f = verb_forms("take", &inf);
        assert!(f.iter().any(|(w, k)| w == "taken" && k.is_participle()));
        assert!(f.iter().any(|(w, k)| w == "took" && !k.is_participle()));
    }

    #[test]
    fn plurals() {
        assert_eq!(plural("talk"), "talks");
        assert_eq!(plural("party"), "parties");
        assert_eq!(plural("clash"), "clashes");
        assert_eq!(plural("talks"), "talks");
    }
}
