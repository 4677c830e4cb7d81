//! Blocks: the unit the boilerplate pass works on, one per paragraph, heading or list item.
//!
//! HTML and plain text both become a list of [`Block`]s so that one text-level pass
//! ([`crate::boilerplate`]) serves both.

use crate::normalize::{map_chars, push_collapsed, Newlines};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum BlockKind {
    Paragraph,
    Heading,
    ListItem,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Block {
    /// Normalised text: one line, single spaces, no leading or trailing space.
    pub text: String,
    /// Non-space characters of `text` that sat inside links (HTML only; 0 for plain text).
    pub link_chars: usize,
    pub kind: BlockKind,
}

impl Block {
    pub(crate) fn paragraph(text: String) -> Self {
        Block {
            text,
            link_chars: 0,
            kind: BlockKind::Paragraph,
        }
    }

    /// Share of the visible characters that are link text: menus and headline lists are
    /// almost all links, article paragraphs almost none.
    pub(crate) fn link_density(&self) -> f32 {
        let visible = self.text.chars().filter(|c| !c.is_whitespace()).count();
        if visible == 0 {
            0.0
        } else {
            self.link_chars as f32 / visible as f32
        }
    }
}

/// Plain text to blocks. Blank lines separate blocks; inside a block, lines are joined when
/// they look hard-wrapped (long, mostly not ending a sentence) and kept apart otherwise, so
/// that a scraped "headline\nparagraph" or a list of related headlines stays separable.
pub(crate) fn plain_blocks(text: &str) -> Vec<Block> {
    let mut mapped = String::new();
    map_chars(text, Newlines::Keep, &mut mapped);

    let mut blocks = Vec::new();
    let mut chunk: Vec<&str> = Vec::new();
    for line in mapped.split('\n') {
        let line = line.trim();
        if line.is_empty() {
            flush_chunk(&mut chunk, &mut blocks);
        } else {
            chunk.push(line);
        }
    }
    flush_chunk(&mut chunk, &mut blocks);
    blocks
}

fn flush_chunk(chunk: &mut Vec<&str>, blocks: &mut Vec<Block>) {
    if chunk.is_empty() {
        return;
    }
    if is_hard_wrapped(chunk) {
        let mut text = String::new();
        for line in chunk.iter() {
            push_collapsed(line, &mut text);
        }
        blocks.push(Block::paragraph(text));
    } else {
        for line in chunk.iter() {
            let mut text = String::with_capacity(line.len());
            push_collapsed(line, &mut text);
            blocks.push(Block::paragraph(text));
        }
    }
    chunk.clear();
}

fn is_hard_wrapped(lines: &[&str]) -> bool {
    let Some((_, body)) = lines.split_last() else {
        return true;
    };
    if body.is_empty() {
        return true;
    }
    if body.len() == 1 {
        // Two lines: a headline over its first paragraph looks just like one wrapped line,
        // so join only when the break is visibly mid-sentence.
        let next_lower = lines[1].chars().next().is_some_and(char::is_lowercase);
        return body[0].len() >= 30
            && !ends_sentence(body[0])
            && (next_lower || body[0].ends_with([',', ';', '-']));
    }
    let lens = body.iter().map(|l| l.chars().count());
    let (min, max) = lens.fold((usize::MAX, 0), |(lo, hi), n| (lo.min(n), hi.max(n)));
    let ending = body.iter().filter(|l| ends_sentence(l)).count();
    min >= 30 && max <= 120 && (max - min) * 3 <= max && ending * 2 < body.len()
}

/// Whether text ends like a sentence: `.`, `!` or `?`, possibly inside closing quotes or
/// brackets.
pub(crate) fn ends_sentence(text: &str) -> bool {
    let trimmed = text.trim_end_matches(['"', '\'', ')', ']', '\u{bb}', '\u{201d}', '\u{2019}']);
    trimmed.ends_with(['.', '!', '?'])
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(blocks: &[Block]) -> Vec<&str> {
        blocks.iter().map(|b| b.text.as_str()).collect()
    }

    #[test]
    fn blank_lines_separate_blocks() {
        let b = plain_blocks("Tag\n\nHeadline here\n\n  First   paragraph.  \r\n\r\nSecond.");
        assert_eq!(
            texts(&b),
            ["Tag", "Headline here", "First paragraph.", "Second."]
        );
    }

    #[test]
    fn hard_wrapped_lines_are_joined() {
        let text = "The foreign ministers of Egypt and Sudan met in Cairo on\n\
                    Tuesday to discuss the dam on the Blue Nile, officials said,\n\
                    and agreed to meet again next month.";
        let b = plain_blocks(text);
        assert_eq!(b.len(), 1);
        assert!(b[0]
            .text
            .starts_with("The foreign ministers of Egypt and Sudan met in Cairo on Tuesday"));
    }

    #[test]
    fn short_lines_stay_apart() {
        let b =
            plain_blocks("Related Articles\nTurkey shells Kurdish positions\nIran seizes tanker");
        assert_eq!(b.len(), 3);
        let b = plain_blocks(
            "A headline without a stop\nThe first sentence of the body is here and long.",
        );
        assert_eq!(b.len(), 2);
    }

    #[test]
    fn sentence_endings() {
        assert!(ends_sentence("He said so."));
        assert!(ends_sentence("\"We agree.\""));
        assert!(ends_sentence("(See below.)"));
        assert!(!ends_sentence("Related Articles"));
        assert!(!ends_sentence("Read more:"));
    }
}
