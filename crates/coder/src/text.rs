//! Tokens and sentences with byte offsets into the article body.
//!
//! The coder works on a lower-cased copy of the body made with `to_ascii_lowercase`, which
//! keeps every byte offset unchanged: one allocation per article, and every token is a pair of
//! offsets valid in both the original and the lower-cased text.

use crate::classes::ABBREVIATION;

/// What a token is made of.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokKind {
    Word,
    Number,
    Punct,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Token {
    pub start: u32,
    pub end: u32,
    pub kind: TokKind,
    /// Starts with an upper-case letter in the original text.
    pub cap: bool,
}

impl Token {
    pub fn range(&self) -> std::ops::Range<usize> {
        self.start as usize..self.end as usize
    }
}

/// A sentence: a range of tokens, and the byte span it covers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Sentence {
    /// First and one-past-last token index into the article's token list.
    pub tokens: (usize, usize),
    /// The first token of the sentence's own content: after a dateline such as
    /// `TRIPOLI, March 25 (Reuters) -`, whose place is not an actor of the sentence
    /// ([`skip_dateline`]); else the first token.
    pub content_start: usize,
    pub span: (u32, u32),
}

fn is_apostrophe(c: char) -> bool {
    c == '\'' || c == '\u{2019}'
}

fn is_word_char(c: char) -> bool {
    c.is_alphanumeric()
}

/// Splits text into tokens. Possessive `'s`, the `'t` of `didn't` and hyphens are tokens of
/// their own ("Libya's" -> `Libya` `'s`; "UN-recognized" -> `UN` `-` `recognized`), so that
/// dictionary phrases match their words; dotted abbreviations (`U.S.`) stay one token.
pub fn tokenize(text: &str, out: &mut Vec<Token>) {
    let bytes = text.as_bytes();
    let mut chars = text.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        if c.is_whitespace() {
            continue;
        }
        if is_word_char(c) {
            let numeric = c.is_ascii_digit();
            let mut end = i + c.len_utf8();
            let mut all_digits = numeric;
            // Letter-dot sequences: U.S., U.N., a.m.
            let dotted = c.is_alphabetic()
                && bytes.get(end) == Some(&b'.')
                && text[end + 1..]
                    .chars()
                    .next()
                    .is_some_and(|n| n.is_alphabetic())
                && text[end + 1..].chars().nth(1).is_some_and(|n| n == '.');
            if dotted {
                while let Some(&(j, d)) = chars.peek() {
                    if d.is_alphabetic() || d == '.' {
                        end = j + d.len_utf8();
                        chars.next();
                        if d == '.'
                            && !text[end..]
                                .chars()
                                .next()
                                .is_some_and(|n| n.is_alphabetic())
                        {
                            break;
                        }
                    } else {
                        break;
                    }
                }
                out.push(Token {
                    start: i as u32,
                    end: end as u32,
                    kind: TokKind::Word,
                    cap: c.is_uppercase(),
                });
                continue;
            }
            while let Some(&(j, d)) = chars.peek() {
                if is_word_char(d) {
                    all_digits &= d.is_ascii_digit();
                    end = j + d.len_utf8();
                    chars.next();
                } else if all_digits
                    && (d == '.' || d == ',')
                    && text[j + 1..]
                        .chars()
                        .next()
                        .is_some_and(|n| n.is_ascii_digit())
                {
                    end = j + 1;
                    chars.next();
                } else {
                    break;
                }
            }
            // "didn't": the word is "did" and the negation "n't".
            let rest = &text[end..];
            let mut ac = rest.chars();
            if let (Some(a), Some('t')) = (ac.next(), ac.next()) {
                if is_apostrophe(a)
                    && !ac.next().is_some_and(is_word_char)
                    && text[..end].ends_with('n')
                    && end - i > 1
                {
                    out.push(Token {
                        start: i as u32,
                        end: (end - 1) as u32,
                        kind: TokKind::Word,
                        cap: c.is_uppercase(),
                    });
                    let neg_end = end + a.len_utf8() + 1;
                    out.push(Token {
                        start: (end - 1) as u32,
                        end: neg_end as u32,
                        kind: TokKind::Word,
                        cap: false,
                    });
                    while chars.peek().is_some_and(|&(j, _)| j < neg_end) {
                        chars.next();
                    }
                    continue;
                }
            }
            out.push(Token {
                start: i as u32,
                end: end as u32,
                kind: if all_digits {
                    TokKind::Number
                } else {
                    TokKind::Word
                },
                cap: c.is_uppercase(),
            });
            continue;
        }
        if is_apostrophe(c) {
            // Possessive 's directly after a word.
            let after = i + c.len_utf8();
            let prev_is_word = out.last().is_some_and(|t| t.end as usize == i);
            let mut rest = text[after..].chars();
            if prev_is_word
                && matches!(rest.next(), Some('s') | Some('S'))
                && !rest.next().is_some_and(is_word_char)
            {
                out.push(Token {
                    start: i as u32,
                    end: (after + 1) as u32,
                    kind: TokKind::Word,
                    cap: false,
                });
                chars.next();
                continue;
            }
        }
        out.push(Token {
            start: i as u32,
            end: (i + c.len_utf8()) as u32,
            kind: TokKind::Punct,
            cap: false,
        });
    }
}

fn is_closing_quote(s: &str) -> bool {
    matches!(s, "\"" | "\u{201d}" | "'" | "\u{2019}" | ")")
}

/// Splits tokens into sentences. A line break always ends a sentence (paragraphs and
/// headlines); `.`, `!` and `?` end one unless the period belongs to an abbreviation.
pub fn split_sentences(text: &str, tokens: &[Token], out: &mut Vec<Sentence>) {
    let words = crate::classes::bundled();
    let abbreviation = |i: usize| {
        words
            .of_word(&text[tokens[i].range()].to_ascii_lowercase())
            .has(ABBREVIATION)
    };
    split_sentences_with(text, tokens, &abbreviation, out);
}

/// [`split_sentences`] with the abbreviations of a dictionary: `abbreviation` says whether the
/// word of token `i`, before a period, is one (`gen`, `jan`; `U.S.` is one token already).
pub fn split_sentences_with(
    text: &str,
    tokens: &[Token],
    abbreviation: &dyn Fn(usize) -> bool,
    out: &mut Vec<Sentence>,
) {
    let mut start = 0usize;
    let mut i = 0usize;
    let push = |out: &mut Vec<Sentence>, s: usize, e: usize| {
        if e > s {
            out.push(Sentence {
                tokens: (s, e),
                content_start: s,
                span: (tokens[s].start, tokens[e - 1].end),
            });
        }
    };
    while i < tokens.len() {
        let t = tokens[i];
        // A line break between this token and the next ends the sentence.
        let next_start = tokens.get(i + 1).map(|n| n.start as usize);
        let gap_has_newline = next_start.is_some_and(|n| text[t.end as usize..n].contains('\n'));
        let s = &text[t.range()];
        let mut end_here = gap_has_newline;
        if !end_here && t.kind == TokKind::Punct && matches!(s, "." | "!" | "?" | "\u{2026}") {
            let prev = if i > start { Some(tokens[i - 1]) } else { None };
            let abbrev = s == "."
                && prev.is_some_and(|p| {
                    p.end == t.start && {
                        let w = &text[p.range()];
                        abbreviation(i - 1)
                            || (w.len() == 1 && w.chars().all(|c| c.is_alphabetic()))
                    }
                });
            if !abbrev {
                // Swallow closing quotes and brackets that belong to this sentence.
                while i + 1 < tokens.len()
                    && tokens[i + 1].start == tokens[i].end
                    && is_closing_quote(&text[tokens[i + 1].range()])
                {
                    i += 1;
                }
                // Only a capital, digit or quote after the mark starts a new sentence.
                end_here = match tokens.get(i + 1) {
                    None => true,
                    Some(n) => {
                        let c = text[n.range()].chars().next().unwrap_or(' ');
                        c.is_uppercase()
                            || c.is_ascii_digit()
                            || matches!(c, '"' | '\u{201c}' | '\'' | '(' | '\u{2018}')
                    }
                };
            }
        } else if !end_here && t.kind == TokKind::Word && s.ends_with('.') && s.len() > 2 {
            // A dotted abbreviation (U.S.) ends a sentence only before a capitalised
            // function word, which cannot continue a noun phrase.
            if let Some(n) = tokens.get(i + 1) {
                let w = &text[n.range()];
                end_here = matches!(w, "The" | "He" | "She" | "It" | "They" | "We" | "In" | "On");
            }
        }
        if end_here {
            push(out, start, i + 1);
            start = i + 1;
        }
        i += 1;
    }
    push(out, start, tokens.len());
}

/// Splits every sentence longer than `max_tokens` into pieces of at most that many tokens, so
/// that the coder's work stays linear in the article's size whatever its punctuation (a page
/// with no full stops is one "sentence"). A piece ends after the last comma, semicolon, colon
/// or dash of its second half when it has one, else at the bound. Returns how many sentences
/// were split.
pub fn bound_sentences(
    text: &str,
    tokens: &[Token],
    sentences: &mut Vec<Sentence>,
    max_tokens: usize,
) -> usize {
    let max_tokens = max_tokens.max(2);
    if sentences
        .iter()
        .all(|s| s.tokens.1 - s.tokens.0 <= max_tokens)
    {
        return 0;
    }
    let mut split = 0;
    let mut out = Vec::with_capacity(sentences.len() + 1);
    for s in sentences.drain(..) {
        if s.tokens.1 - s.tokens.0 <= max_tokens {
            out.push(s);
            continue;
        }
        split += 1;
        let mut start = s.tokens.0;
        while start < s.tokens.1 {
            let mut end = (start + max_tokens).min(s.tokens.1);
            if end < s.tokens.1 {
                let half = start + max_tokens / 2;
                if let Some(p) = (half..end).rev().find(|&i| {
                    tokens[i].kind == TokKind::Punct
                        && matches!(&text[tokens[i].range()], "," | ";" | ":" | "-" | "\u{2014}")
                }) {
                    end = p + 1;
                }
            }
            out.push(Sentence {
                tokens: (start, end),
                content_start: if start == s.tokens.0 {
                    s.content_start.min(end)
                } else {
                    start
                },
                span: (tokens[start].start, tokens[end - 1].end),
            });
            start = end;
        }
    }
    *sentences = out;
    split
}

/// Moves the content of the sentences that start before byte `end`, the end of the article's
/// dateline ([`dragoman_model::Dateline::end`]), past it: the dateline's words are no
/// actors of the story's first sentence.
pub fn skip_dateline(sentences: &mut [Sentence], tokens: &[Token], end: u32) {
    for s in sentences.iter_mut() {
        if s.span.0 >= end {
            break;
        }
        s.content_start = (s.tokens.0..s.tokens.1)
            .find(|&i| tokens[i].start >= end)
            .unwrap_or(s.tokens.1);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(text: &str) -> Vec<&str> {
        let mut t = Vec::new();
        tokenize(text, &mut t);
        t.iter().map(|t| &text[t.range()]).collect()
    }

    fn sentences(text: &str) -> Vec<&str> {
        let mut t = Vec::new();
        tokenize(text, &mut t);
        let mut s = Vec::new();
        split_sentences(text, &t, &mut s);
        s.iter()
            .map(|s| &text[s.span.0 as usize..s.span.1 as usize])
            .collect()
    }

    #[test]
    fn tokens_split_possessives_negations_and_hyphens() {
        assert_eq!(
            words("Libya's UN-recognized government didn't sign."),
            vec![
                "Libya",
                "'s",
                "UN",
                "-",
                "recognized",
                "government",
                "did",
                "n't",
                "sign",
                "."
            ]
        );
        assert_eq!(
            words("Russia\u{2019}s envoy"),
            vec!["Russia", "\u{2019}s", "envoy"]
        );
        assert_eq!(
            words("the U.S. said 1,200.5"),
            vec!["the", "U.S.", "said", "1,200.5"]
        );
    }

    #[test]
    fn offsets_point_into_the_text() {
        let text = "Moscow hosted talks.";
        let mut t = Vec::new();
        tokenize(text, &mut t);
        assert_eq!(&text[t[1].range()], "hosted");
        assert_eq!(t[1].start, 7);
    }

    fn bounded(text: &str, max: usize) -> (Vec<&str>, usize) {
        let mut t = Vec::new();
        tokenize(text, &mut t);
        let mut s = Vec::new();
        split_sentences(text, &t, &mut s);
        let split = bound_sentences(text, &t, &mut s, max);
        let pieces = s
            .iter()
            .map(|s| &text[s.span.0 as usize..s.span.1 as usize])
            .collect();
        (pieces, split)
    }

    #[test]
    fn a_long_run_on_sentence_is_cut_into_bounded_pieces() {
        let text = "Russia and France held talks with Germany about Ukraine ".repeat(50);
        let (pieces, split) = bounded(&text, 40);
        assert_eq!(split, 1);
        assert!(pieces.len() >= 400 / 40, "{} pieces", pieces.len());
        let mut all = 0;
        for p in &pieces {
            let mut t = Vec::new();
            tokenize(p, &mut t);
            assert!(t.len() <= 40, "a piece of {} tokens", t.len());
            all += t.len();
        }
        assert_eq!(all, 450, "every token is in exactly one piece");
    }

    #[test]
    fn a_long_sentence_is_cut_after_a_comma_in_the_second_half() {
        let text = "one two three four five six, seven eight nine ten eleven twelve.";
        let (pieces, split) = bounded(text, 10);
        assert_eq!(split, 1);
        assert_eq!(pieces[0], "one two three four five six,");
    }

    #[test]
    fn sentences_under_the_bound_are_left_alone() {
        let text = "Russia met France. Germany met Spain.";
        let (pieces, split) = bounded(text, 10);
        assert_eq!(
            (pieces, split),
            (vec!["Russia met France.", "Germany met Spain."], 0)
        );
    }

    #[test]
    fn sentences_survive_abbreviations_and_quotes() {
        let text =
            "Gen. Haftar met Mr. Smith in the U.S. on Jan. 5. \"We agreed,\" he said. Talks end.";
        assert_eq!(
            sentences(text),
            vec![
                "Gen. Haftar met Mr. Smith in the U.S. on Jan. 5.",
                "\"We agreed,\" he said.",
                "Talks end."
            ]
        );
    }

    #[test]
    fn a_line_break_ends_a_sentence() {
        assert_eq!(
            sentences("Headline here\nBody text."),
            vec!["Headline here", "Body text."]
        );
    }

    #[test]
    fn dateline_is_not_content() {
        let text = "TRIPOLI, March 25 (Reuters) - Libya signed a deal.";
        let mut t = Vec::new();
        tokenize(text, &mut t);
        let mut s = Vec::new();
        split_sentences(text, &t, &mut s);
        assert_eq!(s.len(), 1);
        assert_eq!(s[0].content_start, 0);
        skip_dateline(&mut s, &t, text.find("Libya").unwrap() as u32);
        assert_eq!(&text[t[s[0].content_start].range()], "Libya");
        // A dateline the splitter cut in two ("ST." ends a sentence) is no content either.
        let text = "ST. PETERSBURG (AFP) - Putin met Lukashenko. Belarus agreed.";
        let mut t = Vec::new();
        tokenize(text, &mut t);
        let mut s = Vec::new();
        split_sentences(text, &t, &mut s);
        skip_dateline(&mut s, &t, text.find("Putin").unwrap() as u32);
        let content: Vec<&str> = s
            .iter()
            .filter(|s| s.content_start < s.tokens.1)
            .map(|s| &text[t[s.content_start].range()])
            .collect();
        assert_eq!(content, ["Putin", "Belarus"]);
    }
}
