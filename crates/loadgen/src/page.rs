//! Laying a story out as an outlet publishes it: plain text, or an HTML page with the
//! boilerplate scraped pages carry (navigation, byline, share buttons, tags, "Related
//! Articles", "Back to top"), none of which may produce events downstream.

use std::fmt::Write;

use chrono::{DateTime, Utc};
use rand::Rng;

use crate::text::Story;
use crate::world::REPORTERS;

/// What changes between outlets carrying the same story.
pub struct Edition<'a> {
    pub outlet: &'a str,
    pub published: DateTime<Utc>,
    /// Sentence index to leave out (syndicated copies trim a sentence), if any.
    pub drop_sentence: Option<usize>,
}

/// The article body as plain text: paragraphs separated by blank lines, the dateline (if the
/// story has one) in front of the lead.
pub fn plain_body(story: &Story, ed: &Edition, out: &mut String) {
    let mut i = 0;
    for (p, &n) in story.paragraphs.iter().enumerate() {
        let mut wrote_any = false;
        for _ in 0..n {
            if ed.drop_sentence != Some(i) {
                if wrote_any {
                    out.push(' ');
                } else if p > 0 && !out.is_empty() {
                    out.push_str("\n\n");
                }
                if i == 0 {
                    dateline(story, ed, out);
                }
                out.push_str(&story.sentences[i]);
                wrote_any = true;
            }
            i += 1;
        }
    }
}

fn dateline(story: &Story, ed: &Edition, out: &mut String) {
    if let Some(city) = story.dateline {
        for c in city.chars() {
            out.extend(c.to_uppercase());
        }
        let _ = write!(
            out,
            ", {} ({}) - ",
            ed.published.format("%B %-d"),
            ed.outlet
        );
    }
}

/// The article as an HTML page around its paragraphs. `related` are other headlines, shown
/// in the "Related Articles" box exactly as a site would (they read like news, on purpose).
pub fn html_page(
    rng: &mut impl Rng,
    story: &Story,
    ed: &Edition,
    related: &[&str],
    out: &mut String,
) {
    let reporter = REPORTERS[rng.gen_range(0..REPORTERS.len())];
    out.push_str("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>");
    escape(&story.title, out);
    out.push_str(" | ");
    escape(ed.outlet, out);
    out.push_str("</title></head>\n<body>\n<nav class=\"top\"><a href=\"/\">Home</a> | <a href=\"/world\">World</a> | <a href=\"/politics\">Politics</a> | <a href=\"/business\">Business</a> | <a href=\"/sport\">Sport</a> | <a href=\"/opinion\">Opinion</a></nav>\n");
    out.push_str("<header><h1>");
    escape(&story.title, out);
    let _ = write!(
        out,
        "</h1>\n<p class=\"byline\">By {reporter} | {}</p></header>\n<article>\n",
        ed.published.format("%d %B %Y %H:%M GMT")
    );

    let mut para = String::with_capacity(512);
    let mut i = 0;
    for &n in &story.paragraphs {
        para.clear();
        for _ in 0..n {
            if ed.drop_sentence != Some(i) {
                if !para.is_empty() {
                    para.push(' ');
                }
                if i == 0 {
                    dateline(story, ed, &mut para);
                }
                para.push_str(&story.sentences[i]);
            }
            i += 1;
        }
        if !para.is_empty() {
            out.push_str("<p>");
            escape(&para, out);
            out.push_str("</p>\n");
        }
    }
    out.push_str("</article>\n<div class=\"share\">Share on Facebook Share on Twitter Share on WhatsApp Share via Email Print</div>\n<div class=\"tags\">Tags: ");
    out.push_str(match story.section {
        "world" => "World, Diplomacy",
        "politics" => "Politics, Government",
        "middle-east" => "Middle East, Conflict",
        "africa" => "Africa, Security",
        "europe" => "Europe, Diplomacy",
        _ => "Asia, Security",
    });
    out.push_str("</div>\n");
    if !related.is_empty() {
        out.push_str("<aside class=\"related\"><h3>Related Articles</h3><ul>\n");
        for r in related {
            out.push_str("<li><a href=\"#\">");
            escape(r, out);
            out.push_str("</a></li>\n");
        }
        out.push_str("</ul></aside>\n");
    }
    out.push_str("<div class=\"newsletter\">Sign up for our daily briefing. Subscribe now</div>\n");
    let _ = write!(
        out,
        "<footer><a href=\"#top\">Back to top button</a> <p>&copy; {} {}. All rights reserved.</p> <a href=\"/privacy\">Privacy Policy</a> <a href=\"/contact\">Contact Us</a></footer>\n</body></html>\n",
        ed.published.format("%Y"),
        ed.outlet
    );
}

fn escape(s: &str, out: &mut String) {
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            c => out.push(c),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::rngs::StdRng;
    use rand::SeedableRng;

    fn story() -> Story {
        Story {
            title: "Libya, Russia sign agreement on fisheries".into(),
            sentences: vec![
                "Libya and Russia signed an agreement on fisheries.".into(),
                "Further details were not immediately available.".into(),
                "Russia praised Libya for its role in the negotiations.".into(),
            ],
            paragraphs: vec![2, 1],
            dateline: Some("Tripoli"),
            section: "africa",
        }
    }

    fn edition(drop_sentence: Option<usize>) -> Edition<'static> {
        Edition {
            outlet: "Atlas Wire",
            published: "2024-03-04T06:00:00Z".parse().unwrap(),
            drop_sentence,
        }
    }

    #[test]
    fn plain_body_has_dateline_and_paragraphs() {
        let mut out = String::new();
        plain_body(&story(), &edition(None), &mut out);
        assert_eq!(
            out,
            "TRIPOLI, March 4 (Atlas Wire) - Libya and Russia signed an agreement on fisheries. \
             Further details were not immediately available.\n\n\
             Russia praised Libya for its role in the negotiations."
        );
    }

    #[test]
    fn dropping_a_sentence_keeps_the_rest() {
        let mut out = String::new();
        plain_body(&story(), &edition(Some(1)), &mut out);
        assert!(!out.contains("Further details"));
        assert!(out.ends_with("\n\nRussia praised Libya for its role in the negotiations."));
    }

    #[test]
    fn html_page_carries_boilerplate_around_the_text() {
        let mut out = String::new();
        let mut rng = StdRng::seed_from_u64(3);
        plain_body(&story(), &edition(None), &mut String::new());
        html_page(
            &mut rng,
            &story(),
            &edition(None),
            &["Egypt & Sudan hold talks"],
            &mut out,
        );
        for needle in [
            "<h1>Libya, Russia sign agreement on fisheries</h1>",
            "<p>TRIPOLI, March 4 (Atlas Wire) - Libya and Russia signed",
            "Related Articles",
            "Egypt &amp; Sudan hold talks",
            "Share on Facebook",
            "Back to top",
            "class=\"byline\">By ",
            "Tags: Africa",
        ] {
            assert!(out.contains(needle), "missing {needle:?} in {out}");
        }
    }
}
