//! The text-level boilerplate pass, shared by HTML and plain text.
//!
//! Structure (in [`crate::html`]) removes what markup can tell; this pass removes what only
//! the words can: the category tag and headline repeated over the body, bylines, share
//! prompts, "Related Articles" and the headlines listed after it, "Back to top", cookie and
//! newsletter notices, copyright and photo credits, dates on their own, menus flattened into
//! short lines. It works on whole blocks and never edits inside a paragraph, so every kept
//! paragraph is exactly the text the article printed.
//!
//! The guard against losing article text is "prose": a block that ends like a sentence (or
//! is long) is only dropped by an explicit furniture phrase, never by a shape heuristic.

use std::collections::HashSet;
use std::sync::OnceLock;

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, MatchKind};

use crate::blocks::{ends_sentence, Block, BlockKind};

/// What is left of the article once boilerplate is gone.
#[derive(Debug, Default)]
pub(crate) struct Stripped {
    /// The article's paragraphs, in order.
    pub paragraphs: Vec<String>,
    /// Blocks dropped as boilerplate (a headline repeated over the body is not counted).
    pub removed: u32,
    /// The headline found at the top of the body when the article had no title.
    pub found_title: Option<String>,
}

/// Blocks longer than this (in bytes) are never furniture by their words, only by links.
const LONG_BLOCK: usize = 400;

/// Lines that are page furniture when they stand alone (compared by [`key`]).
const FURNITURE: &[&str] = &[
    "back to top",
    "back to top button",
    "scroll to top",
    "go to top",
    "return to top",
    "top of page",
    "top",
    "share",
    "share this",
    "share this article",
    "share this story",
    "share this page",
    "share on facebook",
    "share on twitter",
    "share via email",
    "tweet",
    "email",
    "e mail",
    "print",
    "print this article",
    "print article",
    "facebook",
    "twitter",
    "x",
    "whatsapp",
    "linkedin",
    "telegram",
    "reddit",
    "pinterest",
    "messenger",
    "copy link",
    "link copied",
    "continue reading",
    "show more",
    "load more",
    "advertisement",
    "advertisements",
    "ad",
    "sponsored",
    "sponsored content",
    "skip to content",
    "skip to main content",
    "skip to navigation",
    "menu",
    "main menu",
    "close",
    "search",
    "home",
    "subscribe",
    "subscribe now",
    "sign up",
    "sign in",
    "log in",
    "login",
    "register",
    "comments",
    "comment",
    "leave a comment",
    "leave a reply",
    "post a comment",
    "view comments",
    "show comments",
    "0 comments",
    "no comments",
    "listen to this article",
    "listen",
    "font size",
    "follow us",
    "follow",
    "next article",
    "previous article",
    "next",
    "previous",
    "next post",
    "previous post",
    "accept",
    "accept all",
    "reject all",
    "manage preferences",
    "cookie settings",
    "got it",
    "photo",
    "video",
    "watch",
    "gallery",
    "image",
    "live",
    "breaking",
    "breaking news",
    "exclusive",
    "staff reporter",
    "staff writer",
    "reuters staff",
    "agencies",
    "news desk",
    "web desk",
];

/// Headings that introduce a list of other stories: the heading and the headlines after it
/// go, up to the next real paragraph.
const RELATED: &[&str] = &[
    "related articles",
    "related",
    "related news",
    "related stories",
    "related content",
    "related posts",
    "related topics",
    "related links",
    "related coverage",
    "related reading",
    "more stories",
    "more news",
    "more articles",
    "more",
    "read more",
    "you may also like",
    "you might also like",
    "you may be interested in",
    "recommended",
    "recommended for you",
    "recommended stories",
    "recommended articles",
    "most read",
    "most popular",
    "most viewed",
    "popular",
    "popular stories",
    "trending",
    "trending now",
    "latest news",
    "latest stories",
    "latest",
    "read next",
    "up next",
    "more on this story",
    "more on this topic",
    "also read",
    "read also",
    "see also",
    "top stories",
    "editors picks",
    "editor s picks",
    "in other news",
    "other news",
    "further reading",
    "what to read next",
    "around the web",
    "from the web",
    "more from",
    "don t miss",
    "dont miss",
];

/// Openings of furniture lines ("Read more: ...", "Tags: ...", "Photo: ..."), matched on
/// word boundaries of the [`key`], and only on short lines (see [`is_prefixed_furniture`]).
const PREFIXES: &[&str] = &[
    "read more",
    "read also",
    "also read",
    "see also",
    "related",
    "more from",
    "tags",
    "tagged",
    "filed under",
    "topics",
    "topic",
    "categories",
    "category",
    "share this",
    "share on",
    "follow us",
    "follow",
    "published",
    "updated",
    "last updated",
    "posted",
    "written by",
    "reporting by",
    "additional reporting",
    "editing by",
    "writing by",
    "compiled by",
    "author",
    "photo",
    "photos",
    "image",
    "picture",
    "file photo",
    "credit",
    "source",
    "click here",
    "sign up",
    "subscribe",
    "advertisement",
    "listen to",
    "watch",
    "video",
    "copyright",
    "all rights reserved",
    "disclaimer",
];

/// Phrases that mark a notice wherever they appear in a short block.
const NOTICE_PHRASES: &[&str] = &[
    "we use cookies",
    "uses cookies",
    "use of cookies",
    "accept cookies",
    "accept all cookies",
    "cookie policy",
    "cookie settings",
    "privacy policy",
    "terms of use",
    "terms of service",
    "our newsletter",
    "newsletter sign",
    "sign up for our",
    "subscribe to our",
    "delivered to your inbox",
    "enter your email",
    "enable javascript",
    "your browser does not support",
    "all rights reserved",
    "follow us on",
    "download our app",
    "support our journalism",
];

/// Words a date or time line is made of ("Updated: Mon 25 Mar 2019, 10:32 GMT").
const DATE_WORDS: &[&str] = &[
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
    "jan",
    "feb",
    "mar",
    "apr",
    "jun",
    "jul",
    "aug",
    "sep",
    "sept",
    "oct",
    "nov",
    "dec",
    "monday",
    "tuesday",
    "wednesday",
    "thursday",
    "friday",
    "saturday",
    "sunday",
    "mon",
    "tue",
    "tues",
    "wed",
    "thu",
    "thur",
    "thurs",
    "fri",
    "sat",
    "sun",
    "am",
    "pm",
    "gmt",
    "utc",
    "est",
    "edt",
    "bst",
    "cet",
    "cest",
    "updated",
    "published",
    "posted",
    "on",
    "at",
    "last",
    "modified",
    "local",
    "time",
    "st",
    "nd",
    "rd",
    "th",
];

struct Lexicon {
    furniture: HashSet<&'static str>,
    related: HashSet<&'static str>,
    date_words: HashSet<&'static str>,
    notices: AhoCorasick,
}

fn lexicon() -> &'static Lexicon {
    static LEXICON: OnceLock<Lexicon> = OnceLock::new();
    LEXICON.get_or_init(|| Lexicon {
        furniture: FURNITURE.iter().copied().collect(),
        related: RELATED.iter().copied().collect(),
        date_words: DATE_WORDS.iter().copied().collect(),
        notices: AhoCorasickBuilder::new()
            .ascii_case_insensitive(true)
            .match_kind(MatchKind::LeftmostFirst)
            .build(NOTICE_PHRASES)
            .expect("notice phrases are valid literals"),
    })
}

/// Comparison key: lowercase alphanumeric words separated by single spaces
/// ("Related Articles:" and "RELATED  ARTICLES" give "related articles").
pub(crate) fn key(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut pending_space = false;
    for c in text.chars() {
        if c.is_alphanumeric() {
            if pending_space && !out.is_empty() {
                out.push(' ');
            }
            pending_space = false;
            if c.is_ascii() {
                out.push(c.to_ascii_lowercase());
            } else {
                out.extend(c.to_lowercase());
            }
        } else {
            pending_space = true;
        }
    }
    out
}

/// What the pass needs to know about one block, computed once.
struct Info {
    key: String,
    words: usize,
    prose: bool,
    link_dense: bool,
    list_item: bool,
}

impl Info {
    fn of(block: &Block) -> Self {
        let words = block.text.split_whitespace().count();
        Info {
            // Only short blocks are ever compared by key (furniture, headings, the title).
            key: if block.text.len() <= LONG_BLOCK {
                key(&block.text)
            } else {
                String::new()
            },
            words,
            // Article paragraphs end like sentences; long blocks are prose even when a scraper
            // lost their final stop.
            prose: (ends_sentence(&block.text) && words >= 4) || words >= 25,
            link_dense: block.link_density() >= 0.5 && words < 40,
            list_item: block.kind == BlockKind::ListItem,
        }
    }

    /// Menus flattened to text, tags and section names: a few words, not a sentence.
    fn is_short_line(&self) -> bool {
        !self.prose && self.words <= 5
    }
}

/// Drops boilerplate blocks and the headline repeated at the top of the body.
pub(crate) fn strip(blocks: Vec<Block>, title: Option<&str>) -> Stripped {
    let infos: Vec<Info> = blocks.iter().map(Info::of).collect();
    let mut drop = vec![false; blocks.len()];

    // 1. Blocks that are furniture on their own, and "Related" headings with their lists.
    let mut in_related = false;
    for (i, (block, info)) in blocks.iter().zip(&infos).enumerate() {
        if in_related {
            if info.prose && !info.link_dense {
                in_related = false;
            } else {
                drop[i] = true;
                continue;
            }
        }
        if is_related_heading(info) {
            drop[i] = true;
            in_related = true;
        } else if is_furniture(block, info) {
            drop[i] = true;
        }
    }

    // 2. The top of the body: category tags, the headline, bylines and datelines on their
    //    own lines, all before the first real paragraph.
    let title_key = title.map(key).filter(|k| !k.is_empty());
    let mut headline_blocks = vec![false; blocks.len()];
    let mut found_title = None;
    let kept: Vec<usize> = (0..blocks.len()).filter(|&i| !drop[i]).collect();
    let first_prose = kept.iter().position(|&i| infos[i].prose);
    if let Some(first_prose) = first_prose.filter(|&p| p <= 6) {
        let leading = &kept[..first_prose];
        if title_key.is_none() {
            // The last headline-shaped line before the body is the headline.
            if let Some(&t) = leading
                .iter()
                .rev()
                .find(|&&i| (3..=30).contains(&infos[i].words) && !infos[i].list_item)
            {
                found_title = Some(blocks[t].text.clone());
                headline_blocks[t] = true;
            }
        }
        for &i in leading {
            drop[i] = true;
        }
    }
    let title_key = title_key.or_else(|| found_title.as_deref().map(key));
    if let Some(tk) = &title_key {
        // The headline may also sit lower (under a byline) or be the first kept block.
        for &i in kept.iter().take(8) {
            if infos[i].key == *tk {
                drop[i] = true;
                headline_blocks[i] = true;
            }
        }
    }

    // 3. Runs of three or more short lines anywhere: a menu or a tag cloud.
    let kept: Vec<usize> = (0..blocks.len()).filter(|&i| !drop[i]).collect();
    let mut run_start = 0;
    for j in 0..=kept.len() {
        let short = j < kept.len() && infos[kept[j]].is_short_line();
        if !short {
            if j - run_start >= 3 {
                for &i in &kept[run_start..j] {
                    drop[i] = true;
                }
            }
            run_start = j + 1;
        }
    }

    // 4. After the last paragraph: tags, author lines, share prompts. Only when there is a
    //    paragraph at all: a body of one unpunctuated line is still a body.
    let has_prose = kept.iter().any(|&i| !drop[i] && infos[i].prose);
    for &i in kept.iter().rev().filter(|_| has_prose) {
        if drop[i] {
            continue;
        }
        if infos[i].prose || infos[i].words > 10 {
            break;
        }
        drop[i] = true;
    }

    let mut out = Stripped {
        found_title,
        ..Stripped::default()
    };
    for (i, block) in blocks.into_iter().enumerate() {
        if !drop[i] {
            out.paragraphs.push(block.text);
        } else if !headline_blocks[i] {
            out.removed += 1;
        }
    }
    out
}

fn is_related_heading(info: &Info) -> bool {
    !info.prose
        && (lexicon().related.contains(info.key.as_str())
            || (info.words <= 6 && info.key.starts_with("more from ")))
}

fn is_furniture(block: &Block, info: &Info) -> bool {
    let lex = lexicon();
    let text = block.text.as_str();
    if text.len() > LONG_BLOCK {
        return info.link_dense;
    }
    if lex.furniture.contains(info.key.as_str()) || info.key.is_empty() {
        return true;
    }
    if info.link_dense {
        return true;
    }
    if lex.notices.is_match(text) {
        return true;
    }
    if text.len() < 200 && (text.starts_with('\u{a9}') || text.contains("\u{a9} ")) {
        return true;
    }
    is_prefixed_furniture(text, info)
        || is_byline(text, info)
        || is_date_line(info)
        || is_breadcrumb(text, info)
}

/// "Read more: ...", "Tags: Libya, Russia", "Photo: AFP": a furniture word opening a short
/// line, either followed by a colon or on a line that is not a sentence.
fn is_prefixed_furniture(text: &str, info: &Info) -> bool {
    if text.len() >= 200 {
        return false;
    }
    let colon_early = text.find(':').is_some_and(|p| p <= 25);
    if info.prose && !colon_early {
        return false;
    }
    if !colon_early && info.words > 12 {
        return false;
    }
    PREFIXES.iter().any(|p| {
        info.key.starts_with(p)
            && (info.key.len() == p.len() || info.key.as_bytes().get(p.len()) == Some(&b' '))
    })
}

/// "By Jane Doe", "By JANE DOE, Associated Press", "By Reuters Staff | March 25, 2019";
/// not "By Monday, the two sides had agreed to a ceasefire."
fn is_byline(text: &str, info: &Info) -> bool {
    if text.len() > 120 || info.words > 15 || info.words < 2 {
        return false;
    }
    let mut words = text.split_whitespace();
    if !words.next().is_some_and(|w| w.eq_ignore_ascii_case("by")) {
        return false;
    }
    let mut names = 0;
    for w in words {
        let bare = w.trim_end_matches([',', '|', ';']);
        if !bare.starts_with(char::is_alphanumeric) {
            // "|" or "-": the name is over, a date or an outlet may follow.
            break;
        }
        let capital = bare.chars().next().is_some_and(char::is_uppercase);
        let connector = matches!(
            bare,
            "and" | "de" | "da" | "van" | "von" | "bin" | "al" | "el"
        );
        if !(capital || connector) {
            return false;
        }
        names += usize::from(capital);
        if bare.len() != w.len() || names >= 5 {
            break;
        }
    }
    names >= 1 && !(info.prose && info.words > 6)
}

/// A line that only dates the page: "Monday, 25 March 2019 10:32 GMT".
fn is_date_line(info: &Info) -> bool {
    if info.words > 10 || info.key.is_empty() {
        return false;
    }
    let lex = lexicon();
    let mut digit = false;
    for w in info.key.split(' ') {
        if w.bytes().all(|b| b.is_ascii_digit()) {
            digit = true;
        } else if !lex.date_words.contains(w) {
            return false;
        }
    }
    digit
}

/// "Home > World > Africa", "News | Politics | Libya".
fn is_breadcrumb(text: &str, info: &Info) -> bool {
    if info.prose || info.words > 16 {
        return false;
    }
    let separators = [" > ", " \u{bb} ", " \u{203a} ", " / ", " | "];
    let Some(sep) = separators.iter().find(|s| text.matches(**s).count() >= 2) else {
        return false;
    };
    text.split(*sep)
        .all(|seg| seg.split_whitespace().count() <= 4)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::blocks::plain_blocks;

    const P1: &str =
        "Egypt and Sudan resumed talks on the Nile dam in Khartoum on Tuesday, officials said.";
    const P2: &str = "The two delegations agreed to meet again in Cairo next month.";

    fn run(text: &str, title: Option<&str>) -> Stripped {
        strip(plain_blocks(text), title)
    }

    fn body_of(text: &str) -> Vec<String> {
        run(text, None).paragraphs
    }

    #[test]
    fn keys_ignore_case_and_punctuation() {
        assert_eq!(key("RELATED  Articles:"), "related articles");
        assert_eq!(key("Editor's picks"), "editor s picks");
        assert_eq!(key("\u{2014}"), "");
    }

    #[test]
    fn category_tag_and_headline_leave_the_body() {
        let s = run(
            &format!("WorldPolitics\n\nEgypt, Sudan resume dam talks\n\n{P1}\n\n{P2}"),
            None,
        );
        assert_eq!(s.paragraphs, [P1, P2]);
        assert_eq!(
            s.found_title.as_deref(),
            Some("Egypt, Sudan resume dam talks")
        );
        assert_eq!(s.removed, 1, "the tag is boilerplate, the headline is not");

        let s = run(
            &format!("WorldPolitics\n\nEgypt, Sudan resume dam talks\n\n{P1}"),
            Some("Egypt, Sudan resume dam talks"),
        );
        assert_eq!(s.paragraphs, [P1]);
        assert_eq!(s.found_title, None);
    }

    #[test]
    fn related_articles_and_their_headlines_go() {
        let text = format!(
            "{P1}\n\n{P2}\n\nRelated Articles\n\nTurkey accuses Greece of violating airspace\n\n\
             Iran seizes British tanker in Gulf\n\nBack to top button"
        );
        let s = run(&text, None);
        assert_eq!(s.paragraphs, [P1, P2]);
        assert_eq!(s.removed, 4);
    }

    #[test]
    fn related_block_mid_article_stops_at_prose() {
        let text = format!("{P1}\n\nRead also:\n\nIran seizes British tanker in Gulf\n\n{P2}");
        assert_eq!(body_of(&text), [P1, P2]);
    }

    #[test]
    fn share_bars_and_prompts() {
        let text = format!("Share\nTweet\nEmail\n\n{P1}\n\nShare this article\n\n{P2}\n\nRead more: Egypt warns Ethiopia over dam");
        assert_eq!(body_of(&text), [P1, P2]);
    }

    #[test]
    fn bylines_but_not_sentences_starting_with_by() {
        let by_monday = "By Monday, the two sides had agreed to a ceasefire along the border.";
        let text = format!("{P1}\n\nBy JANE DOE, Associated Press\n\n{by_monday}\n\n{P2}");
        assert_eq!(body_of(&text), [P1, by_monday, P2]);
        let info = |t: &str| Info::of(&Block::paragraph(t.to_owned()));
        assert!(is_byline("By Jane Doe", &info("By Jane Doe")));
        assert!(is_byline(
            "By Reuters Staff | March 25, 2019",
            &info("By Reuters Staff | March 25, 2019")
        ));
        assert!(!is_byline(by_monday, &info(by_monday)));
        assert!(!is_byline("By train to Kyiv", &info("By train to Kyiv")));
    }

    #[test]
    fn cookie_newsletter_and_copyright_notices() {
        let text = format!(
            "{P1}\n\nWe use cookies to improve your experience. By continuing you accept our cookie policy.\n\n\
             {P2}\n\nSign up for our newsletter and get the news delivered to your inbox.\n\n\
             \u{a9} 2019 Example Media. All rights reserved.\n\nCopyright 2019 Example Media"
        );
        assert_eq!(body_of(&text), [P1, P2]);
    }

    #[test]
    fn tags_dates_and_credits() {
        let text = format!(
            "Published: Monday, 25 March 2019 10:32 GMT\n\n{P1}\n\nPhoto: AFP\n\n{P2}\n\nTags: Egypt, Sudan, Nile\n\n\
             Egypt\nSudan\nEthiopia\nAfrica"
        );
        assert_eq!(body_of(&text), [P1, P2]);
        let d = Info::of(&Block::paragraph("25 March 2019".into()));
        assert!(is_date_line(&d));
    }

    #[test]
    fn navigation_menus_and_breadcrumbs() {
        let text = format!(
            "Home\nWorld\nPolitics\nBusiness\nSport\n\nHome > World > Africa\n\n{P1}\n\n{P2}"
        );
        assert_eq!(body_of(&text), [P1, P2]);
    }

    #[test]
    fn subheadings_inside_the_article_are_kept() {
        let text = format!("{P1}\n\nTalks stalled\n\n{P2}");
        assert_eq!(body_of(&text), [P1, "Talks stalled", P2]);
    }

    #[test]
    fn link_lists_in_html_blocks() {
        let mut blocks = vec![Block::paragraph(P1.into())];
        let headline = "Iran seizes British tanker in the Gulf of Oman".to_owned();
        blocks.push(Block {
            link_chars: headline.chars().filter(|c| !c.is_whitespace()).count(),
            text: headline,
            kind: BlockKind::ListItem,
        });
        blocks.push(Block::paragraph(P2.into()));
        assert_eq!(strip(blocks, None).paragraphs, [P1, P2]);
    }

    #[test]
    fn short_articles_are_not_eaten() {
        assert_eq!(
            body_of("Talks resumed on Tuesday."),
            ["Talks resumed on Tuesday."]
        );
        assert_eq!(body_of(P1), [P1]);
    }
}
