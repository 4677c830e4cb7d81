//! HTML pages to blocks, using the page structure to leave out site chrome.
//!
//! html5ever (through `scraper`) parses like a browser, so broken markup from scrapers still
//! gives a sensible tree. Then:
//! 1. the article container is preferred (`itemprop=articleBody`, else the `<article>` with
//!    the most paragraph text, else `<main>`), falling back to the whole page;
//! 2. elements that are never article text are skipped with their subtree: navigation,
//!    headers, footers, asides, scripts, forms, buttons, figures, hidden elements, and
//!    elements whose class or id names page furniture (nav, share, related, cookie...);
//! 3. the rest becomes one block per paragraph, heading or list item, with its link density
//!    recorded for the text-level pass.

use ego_tree::iter::Edge;
use ego_tree::NodeRef;
use scraper::{ElementRef, Html, Node};

use crate::blocks::{Block, BlockKind};
use crate::normalize::{map_chars, normalize_line, push_collapsed, Newlines};

/// The blocks of a page, and the headline it carries (`<h1>`, else `<title>`).
pub(crate) struct Page {
    pub blocks: Vec<Block>,
    pub title: Option<String>,
    /// Visible page elements left out for their tag or class (menus, share bars, footers...).
    pub skipped: u32,
}

/// Deeper markup than this is not a news page. html5ever's tree builder scans the stack of
/// open elements for each new tag, so a megabyte of unclosed `<div>`s would cost minutes;
/// such input is read as tag soup instead.
const MAX_NESTING: usize = 512;

/// Whether a body declared as nothing in particular is HTML. Only real tags count, so that
/// plain text mentioning "a < b" stays plain text.
pub(crate) fn looks_like_html(body: &str) -> bool {
    const TAGS: [&str; 16] = [
        "<p>",
        "<p ",
        "</p>",
        "<div",
        "<html",
        "<body",
        "<br",
        "<article",
        "<!doctype",
        "<span",
        "<a href",
        "<li>",
        "<h1",
        "<h2",
        "<section",
        "<main",
    ];
    // Scanning the head of the body is enough: a page starts with markup.
    let head = &body[..body.floor_char_boundary(4096)];
    if !head.contains('<') {
        return false;
    }
    let lower = head.to_ascii_lowercase();
    TAGS.iter().any(|t| lower.contains(t))
}

pub(crate) fn extract(body: &str) -> Page {
    if nesting_estimate(body, MAX_NESTING) > MAX_NESTING {
        return Page {
            blocks: crate::blocks::plain_blocks(&tag_soup_text(body)),
            title: None,
            skipped: 0,
        };
    }
    let doc = Html::parse_document(body);
    let title = page_title(&doc);
    let root = content_root(&doc).unwrap_or_else(|| doc.root_element());
    let (mut blocks, mut skipped) = blocks_under(*root);
    if blocks.is_empty() && root != doc.root_element() {
        (blocks, skipped) = blocks_under(*doc.root_element());
    }
    Page {
        blocks,
        title,
        skipped,
    }
}

/// Elements that close themselves or are closed by their next sibling: they do not nest.
fn is_flat_tag(name: &[u8]) -> bool {
    const FLAT: [&[u8]; 22] = [
        b"p", b"li", b"td", b"th", b"tr", b"dt", b"dd", b"option", b"br", b"img", b"hr", b"meta",
        b"link", b"input", b"area", b"base", b"col", b"embed", b"source", b"track", b"wbr",
        b"param",
    ];
    FLAT.iter().any(|f| f.eq_ignore_ascii_case(name))
}

/// Upper bound of the element nesting depth, by counting tags (stops once past `limit`).
fn nesting_estimate(body: &str, limit: usize) -> usize {
    let bytes = body.as_bytes();
    let (mut depth, mut max) = (0usize, 0usize);
    let mut i = 0;
    // Position of the next '>' at or after the current tag name, found once per region so that
    // a body full of '<' and no '>' stays linear.
    let mut next_gt: Option<usize> = Some(0);
    while let Some(off) = bytes[i..].iter().position(|&b| b == b'<') {
        i += off + 1;
        match bytes.get(i) {
            Some(b'/') => depth = depth.saturating_sub(1),
            Some(b) if b.is_ascii_alphabetic() => {
                let end = bytes[i..]
                    .iter()
                    .position(|b| !b.is_ascii_alphanumeric())
                    .map_or(bytes.len(), |e| i + e);
                if next_gt.is_some_and(|g| g < end) {
                    next_gt = bytes[end..]
                        .iter()
                        .position(|&b| b == b'>')
                        .map(|e| end + e);
                }
                let self_closing = next_gt.is_some_and(|c| c > 0 && bytes[c - 1] == b'/');
                if !is_flat_tag(&bytes[i..end]) && !self_closing {
                    depth += 1;
                    max = max.max(depth);
                    if max > limit {
                        return max;
                    }
                }
            }
            _ => {}
        }
    }
    max
}

/// Text of markup too broken to parse as a tree: tags become paragraph breaks, scripts and
/// styles go, the common entities are decoded.
fn tag_soup_text(body: &str) -> String {
    let mut out = String::with_capacity(body.len() / 2);
    let mut rest = body;
    while let Some(open) = rest.find('<') {
        out.push_str(&rest[..open]);
        let after = &rest[open..];
        let Some(close) = after.find('>') else {
            out.push_str(after);
            rest = "";
            break;
        };
        let tag = after[1..close].trim_start_matches('/');
        let name_end = tag
            .find(|c: char| !c.is_ascii_alphanumeric())
            .unwrap_or(tag.len());
        let name = tag[..name_end].to_ascii_lowercase();
        rest = &after[close + 1..];
        if matches!(name.as_str(), "script" | "style") && !after[1..].starts_with('/') {
            rest = find_end_tag(rest, &name).map_or("", |e| &rest[e..]);
            continue;
        }
        if block_kind(&name).is_some() || name.is_empty() {
            out.push_str("\n\n");
        }
    }
    out.push_str(rest);
    decode_entities(&out)
}

/// Offset of `</name` in `text`, ignoring ASCII case, without allocating.
fn find_end_tag(text: &str, name: &str) -> Option<usize> {
    let bytes = text.as_bytes();
    let name = name.as_bytes();
    let mut from = 0;
    while let Some(off) = text[from..].find("</") {
        let at = from + off;
        let start = at + 2;
        if bytes.len() >= start + name.len()
            && bytes[start..start + name.len()].eq_ignore_ascii_case(name)
        {
            return Some(at);
        }
        from = start;
    }
    None
}

fn decode_entities(text: &str) -> String {
    if !text.contains('&') {
        return text.to_owned();
    }
    text.replace("&nbsp;", " ")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&apos;", "'")
        .replace("&amp;", "&")
}

/// Plain text of an HTML fragment, e.g. a title that arrived with markup or entities in it.
pub(crate) fn fragment_text(fragment: &str) -> String {
    let doc = Html::parse_fragment(fragment);
    let mut raw = String::new();
    for text in doc.root_element().text() {
        raw.push_str(text);
    }
    normalize_line(&raw)
}

fn page_title(doc: &Html) -> Option<String> {
    let mut title_tag = None;
    for node in doc.tree.root().descendants() {
        let Some(el) = ElementRef::wrap(node) else {
            continue;
        };
        match el.value().name() {
            "h1" => {
                let text = element_text(el);
                if !text.is_empty() {
                    return Some(text);
                }
            }
            "title" if title_tag.is_none() => {
                let text = element_text(el);
                if !text.is_empty() {
                    title_tag = Some(text);
                }
            }
            _ => {}
        }
    }
    title_tag
}

fn element_text(el: ElementRef<'_>) -> String {
    let mut raw = String::new();
    for t in el.text() {
        raw.push_str(t);
        raw.push(' ');
    }
    normalize_line(&raw)
}

/// The element holding the article, if the page marks one.
fn content_root(doc: &Html) -> Option<ElementRef<'_>> {
    let mut best_article: Option<(usize, ElementRef<'_>)> = None;
    let mut main = None;
    for node in doc.tree.root().descendants() {
        let Some(el) = ElementRef::wrap(node) else {
            continue;
        };
        let e = el.value();
        if e.attr("itemprop")
            .is_some_and(|v| v.eq_ignore_ascii_case("articleBody"))
        {
            return Some(el);
        }
        match e.name() {
            "article" => {
                let score = paragraph_chars(el);
                match best_article {
                    Some((best, _)) if best >= score => {}
                    _ => best_article = Some((score, el)),
                }
            }
            "main" if main.is_none() => main = Some(el),
            _ if main.is_none() && e.attr("role") == Some("main") => main = Some(el),
            _ => {}
        }
    }
    best_article
        .filter(|(score, _)| *score > 0)
        .map(|(_, el)| el)
        .or(main)
}

/// Text in `<p>` elements under `el`: the measure of "where the article is".
fn paragraph_chars(el: ElementRef<'_>) -> usize {
    el.descendants()
        .filter_map(ElementRef::wrap)
        .filter(|p| p.value().name() == "p")
        .map(|p| p.text().map(str::len).sum::<usize>())
        .sum()
}

/// `<p>` elements under `el` that read like article paragraphs: long, and not mostly links.
fn prose_paragraphs(el: ElementRef<'_>) -> usize {
    el.descendants()
        .filter_map(ElementRef::wrap)
        .filter(|p| p.value().name() == "p")
        .filter(|p| {
            let total: usize = p.text().map(str::len).sum();
            let linked: usize = p
                .descendants()
                .filter_map(ElementRef::wrap)
                .filter(|a| a.value().name() == "a")
                .map(|a| a.text().map(str::len).sum::<usize>())
                .sum();
            total >= 100 && linked * 2 < total
        })
        .count()
}

/// Tags whose whole subtree is never article text.
fn is_chrome_tag(name: &str) -> bool {
    matches!(
        name,
        "nav"
            | "header"
            | "footer"
            | "aside"
            | "script"
            | "style"
            | "form"
            | "button"
            | "noscript"
            | "iframe"
            | "svg"
            | "template"
            | "select"
            | "textarea"
            | "input"
            | "label"
            | "menu"
            | "dialog"
            | "object"
            | "embed"
            | "video"
            | "audio"
            | "canvas"
            | "map"
            | "figure"
            | "figcaption"
            | "head"
            | "title"
            | "meta"
            | "link"
    )
}

fn block_kind(name: &str) -> Option<BlockKind> {
    match name {
        "h1" | "h2" | "h3" | "h4" | "h5" | "h6" => Some(BlockKind::Heading),
        "li" | "dt" | "dd" => Some(BlockKind::ListItem),
        "p" | "div" | "section" | "article" | "main" | "blockquote" | "pre" | "ul" | "ol"
        | "dl" | "table" | "tbody" | "thead" | "tr" | "td" | "th" | "br" | "hr" | "address"
        | "center" | "body" | "html" => Some(BlockKind::Paragraph),
        _ => None,
    }
}

/// Furniture named by a class or id token.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Furniture {
    /// Never article text, whatever it contains.
    Strong,
    /// Usually chrome, but some sites put these words on the article's wrapper: skipped only
    /// when the element does not hold the paragraphs.
    Weak,
}

fn token_furniture(token: &str) -> Option<Furniture> {
    // Prefixes catch "relatedArticles", "sharebar", "cookiebanner"; "comment" is exact-only
    // because "commentary" wraps opinion articles.
    const STRONG_PREFIXES: [&str; 15] = [
        "breadcrumb",
        "share",
        "sharing",
        "social",
        "related",
        "cookie",
        "consent",
        "newsletter",
        "subscribe",
        "byline",
        "comments",
        "advert",
        "sponsor",
        "promo",
        "popup",
    ];
    const STRONG_EXACT: [&str; 12] = [
        "menu", "tags", "tag", "taglist", "author", "ad", "ads", "outbrain", "taboola", "modal",
        "comment", "disqus",
    ];
    const WEAK: [&str; 6] = [
        "sidebar", "footer", "header", "banner", "widget", "masthead",
    ];
    // "navy" and "national" are not navigation; "nav" is matched as a prefix only before
    // "bar"/"igation" or alone.
    if token.starts_with("nav") {
        return matches!(
            token,
            "nav" | "navbar" | "navigation" | "navlinks" | "navmenu"
        )
        .then_some(Furniture::Strong);
    }
    if STRONG_EXACT.contains(&token) || STRONG_PREFIXES.iter().any(|p| token.starts_with(p)) {
        Some(Furniture::Strong)
    } else if WEAK.iter().any(|w| token.starts_with(w)) {
        Some(Furniture::Weak)
    } else {
        None
    }
}

fn attr_furniture(value: &str) -> Option<Furniture> {
    let mut found = None;
    for token in value.split(|c: char| !c.is_ascii_alphanumeric()) {
        if token.is_empty() || token.len() > 40 {
            continue;
        }
        let lower = token.to_ascii_lowercase();
        match token_furniture(&lower) {
            Some(Furniture::Strong) => return Some(Furniture::Strong),
            Some(Furniture::Weak) => found = Some(Furniture::Weak),
            None => {}
        }
    }
    found
}

fn is_hidden(el: &scraper::node::Element) -> bool {
    el.attr("hidden").is_some()
        || el.attr("aria-hidden") == Some("true")
        || el.attr("style").is_some_and(|s| {
            let s: String = s.chars().filter(|c| !c.is_whitespace()).collect();
            s.to_ascii_lowercase().contains("display:none")
        })
}

fn skip_element(node: NodeRef<'_, Node>, el: &scraper::node::Element) -> bool {
    if is_chrome_tag(el.name()) || is_hidden(el) {
        return true;
    }
    let class = el.attr("class").and_then(attr_furniture);
    let id = el.id().and_then(attr_furniture);
    let furniture = match (class, id) {
        (Some(Furniture::Strong), _) | (_, Some(Furniture::Strong)) => Some(Furniture::Strong),
        (Some(Furniture::Weak), _) | (_, Some(Furniture::Weak)) => Some(Furniture::Weak),
        _ => None,
    };
    match furniture {
        Some(Furniture::Strong) => true,
        // A wrapper that holds real paragraphs is the article, whatever its class says.
        Some(Furniture::Weak) => ElementRef::wrap(node).is_some_and(|e| prose_paragraphs(e) < 2),
        None => false,
    }
}

/// Walks the subtree iteratively (pages can nest thousands deep; recursion could overflow).
fn blocks_under(root: NodeRef<'_, Node>) -> (Vec<Block>, u32) {
    let mut out = Builder::default();
    let mut skipped = 0u32;
    let mut skipping: Option<ego_tree::NodeId> = None;
    let mut link_depth = 0usize;
    for edge in root.traverse() {
        match edge {
            Edge::Open(node) => {
                if skipping.is_some() {
                    continue;
                }
                match node.value() {
                    Node::Text(t) => out.push_text(t, link_depth > 0),
                    Node::Element(el) => {
                        if node != root && skip_element(node, el) {
                            skipping = Some(node.id());
                            skipped += u32::from(is_visible_chrome(node, el));
                            continue;
                        }
                        if el.name() == "a" {
                            link_depth += 1;
                        }
                        if let Some(kind) = block_kind(el.name()) {
                            out.open_block(kind);
                        } else if matches!(el.name(), "img") {
                            out.raw.push(' ');
                        }
                    }
                    _ => {}
                }
            }
            Edge::Close(node) => {
                if let Some(id) = skipping {
                    if id == node.id() {
                        skipping = None;
                    }
                    continue;
                }
                if let Node::Element(el) = node.value() {
                    if el.name() == "a" {
                        link_depth = link_depth.saturating_sub(1);
                    }
                    if block_kind(el.name()).is_some() {
                        out.close_block();
                    }
                }
            }
        }
    }
    out.flush();
    (out.blocks, skipped)
}

/// Whether a skipped element was something a reader would have seen (a menu, a share bar),
/// as opposed to scripts, styles and metadata.
fn is_visible_chrome(node: NodeRef<'_, Node>, el: &scraper::node::Element) -> bool {
    !matches!(
        el.name(),
        "script" | "style" | "noscript" | "template" | "head" | "title" | "meta" | "link" | "svg"
    ) && ElementRef::wrap(node).is_some_and(|e| e.text().any(|t| !t.trim().is_empty()))
}

#[derive(Default)]
struct Builder {
    blocks: Vec<Block>,
    /// Mapped but not yet collapsed text of the block being built.
    raw: String,
    link_chars: usize,
    kinds: Vec<BlockKind>,
}

impl Builder {
    fn push_text(&mut self, text: &str, in_link: bool) {
        let start = self.raw.len();
        map_chars(text, Newlines::Space, &mut self.raw);
        if in_link {
            self.link_chars += self.raw[start..]
                .chars()
                .filter(|c| !c.is_whitespace())
                .count();
        }
    }

    fn open_block(&mut self, kind: BlockKind) {
        self.flush();
        self.kinds.push(kind);
    }

    fn close_block(&mut self) {
        self.flush();
        self.kinds.pop();
    }

    fn flush(&mut self) {
        let mut text = String::with_capacity(self.raw.len());
        push_collapsed(&self.raw, &mut text);
        self.raw.clear();
        let link_chars = std::mem::take(&mut self.link_chars);
        if text.is_empty() {
            return;
        }
        self.blocks.push(Block {
            text,
            link_chars,
            kind: self.kinds.last().copied().unwrap_or(BlockKind::Paragraph),
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(page: &Page) -> Vec<&str> {
        page.blocks.iter().map(|b| b.text.as_str()).collect()
    }

    #[test]
    fn detects_html() {
        assert!(looks_like_html(
            "<!DOCTYPE html><html><body><p>x</p></body></html>"
        ));
        assert!(looks_like_html("<p>Talks resumed.</p>"));
        assert!(looks_like_html("Intro<br/>more"));
        assert!(!looks_like_html(
            "Inflation < 3% and rates > 2% were reported."
        ));
        assert!(!looks_like_html("Plain text only."));
    }

    #[test]
    fn structural_chrome_is_dropped() {
        let page = extract(
            r#"<html><head><title>Site | Talks</title><script>var x = "<p>no</p>";</script>
            <style>p { color: red }</style></head><body>
            <nav><a href="/">Home</a><a href="/world">World</a></nav>
            <header><div class="logo">The Daily</div></header>
            <div class="share-bar"><a>Facebook</a><a>Twitter</a></div>
            <p>Egypt and Sudan resumed talks on <b>Tuesday</b>.</p>
            <p>Officials said the <a href="/x">meeting</a> went well.</p>
            <aside><h3>Related</h3><ul><li>Other story</li></ul></aside>
            <form><input value="email"><button>Subscribe</button></form>
            <div id="cookie-notice">We use cookies.</div>
            <footer>Copyright 2019</footer>
            </body></html>"#,
        );
        assert_eq!(
            texts(&page),
            [
                "Egypt and Sudan resumed talks on Tuesday.",
                "Officials said the meeting went well."
            ]
        );
        assert_eq!(page.title.as_deref(), Some("Site | Talks"));
    }

    #[test]
    fn article_element_is_preferred() {
        let page = extract(
            r#"<body><div class="teaser"><p>Teaser of another story that is not this one.</p></div>
            <article><h1>Headline</h1><p class="byline">By A. Writer</p>
            <p>First paragraph of the story.</p><p>Second paragraph.</p></article>
            <article class="card"><p>Short.</p></article></body>"#,
        );
        assert_eq!(
            texts(&page),
            [
                "Headline",
                "First paragraph of the story.",
                "Second paragraph."
            ]
        );
        assert_eq!(page.title.as_deref(), Some("Headline"));
        assert_eq!(page.blocks[0].kind, BlockKind::Heading);
    }

    #[test]
    fn weak_furniture_class_on_the_wrapper_keeps_the_article() {
        let para = "Ministers from both countries met for six hours and agreed to form joint committees on trade, water and security. ";
        let html = format!(
            r#"<div class="layout-with-sidebar"><p>{para}</p><p>{para}</p><p>{para}</p></div>
            <div class="sidebar"><p>Most read</p></div>"#
        );
        let page = extract(&html);
        assert_eq!(page.blocks.len(), 3);
    }

    #[test]
    fn class_tokens_are_whole_words() {
        assert!(attr_furniture("social-links").is_some());
        assert!(attr_furniture("relatedArticles").is_some());
        assert!(attr_furniture("ad-slot").is_some());
        assert!(attr_furniture("navy-theme").is_none());
        assert!(attr_furniture("shadow heading lead").is_none());
        assert!(attr_furniture("national-news").is_none());
    }

    #[test]
    fn link_density_is_recorded() {
        let page = extract(
            r#"<ul><li><a href="/a">Iran seizes tanker</a></li></ul><p>Plain text here.</p>"#,
        );
        assert!(page.blocks[0].link_density() > 0.99);
        assert_eq!(page.blocks[0].kind, BlockKind::ListItem);
        assert_eq!(page.blocks[1].link_density(), 0.0);
    }

    #[test]
    fn entities_and_breaks() {
        let page = extract("<p>Paris &amp; Berlin&nbsp;agreed.<br>New line.</p>");
        assert_eq!(texts(&page), ["Paris & Berlin agreed.", "New line."]);
        assert_eq!(fragment_text("Talks &amp; <i>trade</i>"), "Talks & trade");
    }

    #[test]
    fn deep_nesting_is_read_as_tag_soup() {
        let html =
            "<div>".repeat(200_000) + "deep <b>text</b> &amp; more" + &"</div>".repeat(200_000);
        let start = std::time::Instant::now();
        let page = extract(&html);
        assert_eq!(texts(&page), ["deep text & more"]);
        assert!(start.elapsed().as_secs() < 5, "{:?}", start.elapsed());
    }

    #[test]
    fn moderate_nesting_is_parsed_and_walked_without_recursion() {
        let html =
            "<div>".repeat(MAX_NESTING - 1) + "deep text" + &"</div>".repeat(MAX_NESTING - 1);
        assert_eq!(texts(&extract(&html)), ["deep text"]);
        // Unclosed paragraphs and line breaks do not count as nesting.
        let flat = "<p>one<br>".repeat(5_000);
        assert!(nesting_estimate(&flat, MAX_NESTING) <= 1);
    }

    #[test]
    fn tag_soup_drops_scripts_and_keeps_text() {
        let text = tag_soup_text(
            "<div>A &lt;b&gt;<script>var x='<p>';</script><p>B</p><STYLE>p{}</style>C",
        );
        assert_eq!(crate::normalize::normalize_line(&text), "A <b> B C");
        let text = tag_soup_text("x<Script>a</b></SCRIPT>y < z");
        assert_eq!(crate::normalize::normalize_line(&text), "xy < z");
    }

    #[test]
    fn visible_chrome_is_counted() {
        let page = extract(
            "<html><head><title>T</title><script>x</script></head><body><nav>Home World</nav>\
             <div class='share'>Share</div><p>Body text here.</p></body></html>",
        );
        assert_eq!(page.skipped, 2);
    }
}
