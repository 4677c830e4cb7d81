//! End-to-end tests of [`crate::clean`]: reasons, boilerplate, ids, language, fingerprints,
//! and never panicking on hostile input.

use std::path::PathBuf;

use chrono::{TimeZone, Utc};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use serde_json::json;

use crate::*;

fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2019, 3, 26, 8, 0, 0).unwrap()
}

fn clean_json(v: serde_json::Value) -> Result<CleanArticle, IngestError> {
    clean(v.to_string().as_bytes(), now(), &IngestOptions::default())
}

const STORY: [&str; 5] = [
    "The foreign ministers of Egypt and Sudan met their Ethiopian counterpart in Addis Ababa on Tuesday for a new round of talks on the Grand Ethiopian Renaissance Dam, the first since negotiations broke down in January.",
    "Egyptian Foreign Minister Sameh Shoukry said after the meeting that Cairo was ready to sign a binding agreement on the filling and operation of the reservoir, but warned that Egypt would not accept any unilateral step that threatened its share of the Nile.",
    "Ethiopian Foreign Minister Gedu Andargachew told reporters that the talks had been constructive and that the technical committees of the three countries would meet in Khartoum on March 12-14 to draft the rules for years of drought.",
    "Sudan, which stands to benefit from regulated flows but fears for the safety of its own dams downstream, offered to host a summit of the three leaders if the technical talks succeed, according to a statement from its foreign ministry.",
    "The African Union, which has mediated the dispute since last year, welcomed the resumption of the negotiations and urged all parties to refrain from statements that could undermine the process.",
];

fn story_body() -> String {
    STORY.join("\n\n")
}

// --- reasons -------------------------------------------------------------------------------

#[test]
fn every_reason_is_reachable() {
    let opts = IngestOptions { max_bytes: 64 };
    let cases: [(&[u8], &str); 10] = [
        (b"{\"body\": ", "invalid_json"),
        (b"{\"body\":\"\xff\"}", "not_utf8"),
        (b"[1,2]", "not_an_object"),
        (b"{\"title\":\"t\"}", "missing_body"),
        (b"{\"body\":\"  \\n\\t \"}", "empty_body"),
        (
            b"{\"body\":\"Back to top button\\n\\nShare\"}",
            "empty_body",
        ),
        (b"{\"body\":3}", "invalid_field"),
        (
            b"{\"body\":\"x\",\"published_at\":\"yesterday\"}",
            "invalid_field",
        ),
        (&[b'{'; 65], "too_large"),
        (
            b"{\"body\":\"x\",\"published_at\":\"0000-01-01T00:00:00Z\"}",
            "date_out_of_range",
        ),
    ];
    for (bytes, reason) in cases {
        let err = clean(bytes, now(), &opts).unwrap_err();
        assert_eq!(err.reason(), reason, "{}", String::from_utf8_lossy(bytes));
        assert!(IngestError::REASONS.contains(&err.reason()));
        assert!(!err.to_string().is_empty());
    }
}

#[test]
fn bad_date_message_quotes_the_value() {
    let err =
        clean_json(json!({"body": "Talks resumed.", "published_at": "25/03/2019"})).unwrap_err();
    assert_eq!(err.reason(), "invalid_field");
    assert!(err.to_string().contains("\"25/03/2019\""), "{err}");
    assert!(err.to_string().contains("published_at"), "{err}");
}

#[test]
fn default_limit_is_one_mebibyte() {
    assert_eq!(IngestOptions::default().max_bytes, 1_048_576);
    let big = json!({"body": "a ".repeat(600_000)}).to_string();
    let err = clean(big.as_bytes(), now(), &IngestOptions::default()).unwrap_err();
    assert_eq!(err.reason(), "too_large");
}

// --- dates ---------------------------------------------------------------------------------

#[test]
fn published_at_is_parsed_or_inferred() {
    let a =
        clean_json(json!({"body": STORY[0], "published_at": "2019-03-25T11:30:00+02:00"})).unwrap();
    assert_eq!(
        a.published_at,
        Utc.with_ymd_and_hms(2019, 3, 25, 9, 30, 0).unwrap()
    );
    assert!(!a.published_at_inferred);
    assert_eq!(a.first_seen, now());

    let a = clean_json(json!({"body": STORY[0]})).unwrap();
    assert_eq!(a.published_at, now());
    assert!(a.published_at_inferred);
}

// --- publication dates out of range (issue: "publication dates of year 0 or 10000 produce
// events dated +10000-01-02") -------------------------------------------------------------

fn published_reason(published_at: &str) -> Result<DateTime<Utc>, (&'static str, String)> {
    clean_json(json!({"body": STORY[0], "published_at": published_at}))
        .map(|a| a.published_at)
        .map_err(|e| (e.reason(), e.to_string()))
}

#[test]
fn publication_dates_of_year_0_or_10000_are_dead_lettered_as_out_of_range() {
    let just_too_late = (latest_published(now()) + chrono::TimeDelta::seconds(1))
        .to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
    let cases = [
        "0000-01-01T00:00:00Z",
        "0001-01-01T00:00:00Z",
        // Year 0 with an offset is year -1 in UTC.
        "0000-01-01T00:00:00+05:00",
        "1799-12-31T23:59:59Z",
        // An instant before 1800 in UTC, though its local date is 1800-01-01.
        "1800-01-01T00:30:00+01:00",
        "9999-12-31T00:00:00Z",
        // What dated events "+10000-01-01": 9999-12-31 23:00 at UTC-5 is year 10000 in UTC.
        "9999-12-31T23:00:00-05:00",
        // ISO 8601 expanded years: not RFC 3339, but dates, and out of range.
        "+10000-01-01T00:00:00Z",
        "10000-01-01T00:00:00Z",
        "-0001-01-01T00:00:00Z",
        "+99999999999999999999999-01-01T00:00:00Z",
        // A year ahead of the moment ingest sees the article, and one second past the bound.
        "2020-03-26T08:00:00Z",
        &just_too_late,
    ];
    for published_at in cases {
        let (reason, message) = published_reason(published_at).unwrap_err();
        assert_eq!(reason, "date_out_of_range", "{published_at}: {message}");
        assert!(message.contains("published_at"), "{message}");
        assert!(message.contains(published_at), "{message}");
        assert!(message.contains(EARLIEST_PUBLISHED), "{message}");
    }
}

#[test]
fn publication_dates_from_1800_to_two_days_ahead_are_kept() {
    let latest = latest_published(now());
    let cases = [
        ("1800-01-01T00:00:00Z", earliest_published()),
        // A Unix time of 0 is a real date.
        (
            "1970-01-01T00:00:00Z",
            Utc.with_ymd_and_hms(1970, 1, 1, 0, 0, 0).unwrap(),
        ),
        (
            "2019-03-25T09:30:00Z",
            Utc.with_ymd_and_hms(2019, 3, 25, 9, 30, 0).unwrap(),
        ),
        (
            &latest.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
            latest,
        ),
    ];
    for (published_at, expected) in cases {
        assert_eq!(
            published_reason(published_at),
            Ok(expected),
            "{published_at}"
        );
    }
    assert_eq!(
        latest - now(),
        chrono::TimeDelta::hours(MAX_AHEAD_HOURS),
        "the bound is relative to when ingest sees the article"
    );
    assert_eq!(
        EARLIEST_PUBLISHED,
        earliest_published().to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
    );
}

#[test]
fn a_malformed_date_with_a_long_year_is_still_a_bad_format() {
    // A sign or a fifth digit makes a year out of range only when the rest is a date-time and
    // the year is outside 1800..=9999.
    for published_at in [
        "+2019-03-25T09:30:00Z",
        "10000-13-01T00:00:00Z",
        "+10000",
        "20190325",
        "yesterday",
    ] {
        let (reason, message) = published_reason(published_at).unwrap_err();
        assert_eq!(reason, "invalid_field", "{published_at}: {message}");
    }
}

// --- plain text and HTML -------------------------------------------------------------------

#[test]
fn plain_text_with_furniture() {
    let body = format!(
        "WorldPolitics\n\nEthiopia, Egypt and Sudan resume dam talks\n\nBy Jane Doe, Staff Writer\n\n\
         Share\nTweet\nEmail\n\n{}\n\nRelated Articles\n\nTurkey accuses Greece of violating its airspace\n\n\
         Iran seizes British tanker in the Gulf\n\nBack to top button",
        story_body()
    );
    let a = clean_json(json!({
        "url": "https://example.com/dam",
        "title": "Ethiopia, Egypt and Sudan resume dam talks",
        "body": body,
    }))
    .unwrap();
    assert_eq!(a.body, story_body());
    assert_eq!(
        a.title.as_deref(),
        Some("Ethiopia, Egypt and Sudan resume dam talks")
    );
    assert_eq!(a.boilerplate_removed, 9);
}

#[test]
fn html_page_with_furniture() {
    let paragraphs: String = STORY.iter().map(|p| format!("<p>{p}</p>\n")).collect();
    let page = format!(
        r##"<!DOCTYPE html><html><head><title>Dam talks resume | The Nile Post</title></head><body>
        <a class="skip" href="#main">Skip to content</a>
        <nav class="main-nav"><ul><li><a href="/">Home</a></li><li><a href="/africa">Africa</a></li></ul></nav>
        <div class="breadcrumbs"><a href="/">Home</a> &gt; <a href="/africa">Africa</a></div>
        <main><article>
          <span class="category">AfricaPolitics</span>
          <h1>Ethiopia, Egypt and Sudan resume dam talks</h1>
          <div class="byline">By <a href="/jane">Jane Doe</a> | 26 March 2019</div>
          <ul class="social-share"><li><a>Facebook</a></li><li><a>Twitter</a></li></ul>
          <figure><img src="x.jpg"><figcaption>Photo: AFP</figcaption></figure>
          {paragraphs}
          <p class="tags">Tags: <a>Egypt</a> <a>Sudan</a> <a>Ethiopia</a></p>
          <h3>Related Articles</h3>
          <ul><li><a href="/1">Turkey accuses Greece of violating its airspace</a></li>
              <li><a href="/2">Iran seizes British tanker in the Gulf</a></li></ul>
        </article></main>
        <aside class="sidebar"><h3>Most read</h3><p><a>Kenya arrests opposition leader</a></p></aside>
        <div id="cookie-banner">This website uses cookies. <button>Accept</button></div>
        <footer><p>&copy; 2019 The Nile Post. All rights reserved.</p><a href="#top">Back to top</a></footer>
        </body></html>"##
    );
    let a = clean_json(json!({"url": "https://nilepost.example/dam", "body": page})).unwrap();
    assert_eq!(a.body, story_body());
    assert_eq!(
        a.title.as_deref(),
        Some("Ethiopia, Egypt and Sudan resume dam talks")
    );
    assert!(a.boilerplate_removed >= 2, "{}", a.boilerplate_removed);
}

#[test]
fn declared_plain_text_is_not_parsed_as_html() {
    let a = clean_json(json!({
        "body": "Inflation <p> was quoted as a tag by mistake, the ministry said on Monday.",
        "content_type": "text/plain",
    }))
    .unwrap();
    assert!(a.body.contains("<p>"));
}

#[test]
fn title_is_cleaned_and_not_repeated_in_body() {
    let a = clean_json(json!({
        "title": "  Dam talks \u{2013} resume &amp; progress | The Nile Post ",
        "body": format!("Dam talks - resume & progress\n\n{}", STORY[0]),
    }))
    .unwrap();
    assert_eq!(a.title.as_deref(), Some("Dam talks - resume & progress"));
    assert_eq!(a.body, STORY[0]);

    let a = clean_json(json!({
        "title": "Dam talks resume - Nile Post",
        "source": "nilepost.example",
        "body": STORY[0],
    }))
    .unwrap();
    assert_eq!(a.title.as_deref(), Some("Dam talks resume"));
}

#[test]
fn a_title_of_a_megabyte_of_unclosed_tags_is_read_as_its_first_kilobytes() {
    // Once: 200 KB of `<div>` in a title took 7.7 s (html5ever is quadratic in open tags), and
    // a megabyte would have taken minutes.
    let title = "Dam talks resume".to_owned() + &"<div>".repeat(200_000);
    let a = clean_json(json!({ "title": title, "body": STORY[0] })).unwrap();
    assert_eq!(a.title.as_deref(), Some("Dam talks resume"));
}

#[test]
fn unicode_is_normalised_in_body() {
    let a = clean_json(json!({
        "body": "Egypt\u{2019}s\u{a0}minister\u{200b} said\u{2014}again\u{2014}that talks on \u{201c}the dam\u{201d} would resume March 12\u{2013}14.\r\n\r\n\r\nSecond   paragraph\u{2009}here, he said.",
    }))
    .unwrap();
    assert_eq!(
        a.body,
        "Egypt's minister said - again - that talks on \"the dam\" would resume March 12-14.\n\nSecond paragraph here, he said."
    );
}

// --- datelines -----------------------------------------------------------------------------

/// The dateline ingest records for `body` (plain text, or HTML), with the first words of the
/// story after it.
fn dateline_of(body: &str) -> Option<(String, String)> {
    let a = clean_json(json!({ "body": body })).unwrap();
    let d = a.dateline?;
    let story: String = a.body[d.end as usize..].chars().take(12).collect();
    Some((d.place, story))
}

#[test]
fn each_form_of_dateline_is_recorded_and_stays_in_the_body() {
    let rest = " Egypt and Sudan signed an agreement on Tuesday, officials said.";
    for (head, place) in [
        ("CAIRO, June 4 (Reuters) -", "CAIRO"),
        ("KABUL -", "KABUL"),
        ("WASHINGTON (AP) \u{2014}", "WASHINGTON"),
        ("Kyiv, Ukraine, March 3 \u{2013}", "Kyiv, Ukraine"),
        ("NEW DELHI:", "NEW DELHI"),
    ] {
        let body = format!("{head}{rest}\n\n{}", STORY[1]);
        assert_eq!(
            dateline_of(&body),
            Some((place.to_string(), "Egypt and Su".to_string())),
            "{head:?}"
        );
        let a = clean_json(json!({ "body": body })).unwrap();
        assert!(a.body.starts_with(&place[..4]), "{}", a.body);
    }
    let html = format!(
        "<html><body><article><p><span class=\"dateline\">CAIRO</span> \u{2014}{rest}</p>\
         <p>{}</p></article></body></html>",
        STORY[1]
    );
    assert_eq!(
        dateline_of(&html),
        Some(("CAIRO".to_string(), "Egypt and Su".to_string()))
    );
}

#[test]
fn openings_that_only_look_like_datelines_are_not_recorded() {
    for head in [
        "NATO - The alliance met in Brussels on Tuesday and agreed to send more troops.",
        "UN: The Security Council voted on Tuesday to extend the mission in Mali.",
        "\"CAIRO - there is no deal yet,\" the Egyptian foreign minister said on Tuesday.",
        "SECRETARY BLINKEN: Good morning, everyone, and thank you for joining us today.",
        "QUESTION: Can you say more about the talks with Iran on Tuesday?",
    ] {
        let body = format!("{head}\n\n{}", STORY[1]);
        assert_eq!(dateline_of(&body), None, "{head:?}");
    }
    assert_eq!(dateline_of(&story_body()), None);
    // A dateline opens the story: one further down is a quotation or another story.
    let body = format!("{}\n\nCAIRO (AP) - {}", STORY[0], STORY[1]);
    assert_eq!(dateline_of(&body), None);
}

/// The user's own example (shared/examples/seed-article.txt), as the scraper delivers it.
#[test]
fn seed_article() {
    let path =
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/examples/seed-article.txt");
    let Ok(text) = std::fs::read_to_string(&path) else {
        eprintln!("SKIPPED seed_article: {} not found", path.display());
        return;
    };
    let expected_paragraphs: Vec<String> = text
        .split("\n\n")
        .map(normalize_line)
        .filter(|p| !p.is_empty())
        .collect();
    // The tag line, headline, and the two lines of page furniture at the end.
    let (head, rest) = expected_paragraphs.split_at(2);
    let (real, furniture) = rest.split_at(rest.len() - 2);
    assert_eq!(furniture, ["Related Articles", "Back to top button"]);

    for title in [Some(head[1].clone()), None] {
        let a = clean_json(json!({
            "source": "libyaobserver.ly",
            "published_at": "2019-03-25T09:30:00Z",
            "title": title,
            "body": text,
        }))
        .unwrap();
        let got: Vec<&str> = a.body.split("\n\n").collect();
        assert_eq!(
            got, real,
            "every real paragraph is kept, in order, and nothing else"
        );
        assert_eq!(a.title.as_deref(), Some(head[1].as_str()));
        assert_eq!(
            a.boilerplate_removed, 3,
            "tag line, Related Articles, Back to top"
        );
        assert!(a.is_english);
        assert!(
            !a.body.contains('\u{2019}'),
            "typographic quotes are normalised"
        );
        assert!(a.id.starts_with("h-"));
    }
}

// --- ids -----------------------------------------------------------------------------------

#[test]
fn given_id_is_kept() {
    let a =
        clean_json(json!({"id": "lo-1", "url": "https://x.example/a", "body": STORY[0]})).unwrap();
    assert_eq!(a.id, "lo-1");
}

#[test]
fn same_url_same_id() {
    let a = clean_json(json!({"url": "https://x.example/a", "body": STORY[0]})).unwrap();
    let b = clean_json(json!({"url": "https://x.example/a", "body": STORY[1], "title": "Other"}))
        .unwrap();
    let c = clean_json(json!({"url": "https://x.example/b", "body": STORY[0]})).unwrap();
    assert_eq!(a.id, b.id);
    assert_ne!(a.id, c.id);
    assert!(a.id.starts_with("u-"));
}

#[test]
fn no_url_same_content_same_id() {
    let a = clean_json(json!({"title": "Talks", "body": STORY[0]})).unwrap();
    // Same content after cleaning: extra whitespace and furniture do not change the id.
    let b =
        clean_json(json!({"title": " Talks ", "body": format!("  {}\n\nBack to top", STORY[0])}))
            .unwrap();
    let c = clean_json(json!({"title": "Talks", "body": STORY[1]})).unwrap();
    assert_eq!(a.id, b.id);
    assert_ne!(a.id, c.id);
    assert!(a.id.starts_with("h-"));
    assert_eq!(a.content_hash, b.content_hash);
    assert_ne!(a.content_hash, c.content_hash);
}

// --- language ------------------------------------------------------------------------------

#[test]
fn non_english_articles_are_marked() {
    let cases = [
        ("fr", "Les ministres des affaires étrangères de l'Égypte et du Soudan se sont réunis mardi à Addis-Abeba avec leur homologue éthiopien pour un nouveau cycle de négociations sur le barrage de la Renaissance."),
        ("es", "Los ministros de Asuntos Exteriores de Egipto y Sudán se reunieron el martes en Adís Abeba con su homólogo etíope para una nueva ronda de negociaciones sobre la presa del Renacimiento."),
        ("ar", "التقى وزيرا خارجية مصر والسودان يوم الثلاثاء في أديس أبابا بنظيرهما الإثيوبي لجولة جديدة من المفاوضات حول سد النهضة."),
        ("ru", "Министры иностранных дел Египта и Судана встретились во вторник в Аддис-Абебе со своим эфиопским коллегой для нового раунда переговоров о плотине."),
    ];
    for (lang, body) in cases {
        // Also when the feed claims English: the text contradicts it strongly.
        for declared in [None, Some("en")] {
            let a = clean_json(json!({"body": body, "language": declared})).unwrap();
            assert_eq!(a.language, lang, "{body}");
            assert!(!a.is_english);
        }
    }
    let a = clean_json(json!({"body": story_body()})).unwrap();
    assert_eq!(a.language, "en");
    assert!(a.is_english);
}

// --- simhash -------------------------------------------------------------------------------

#[test]
fn syndicated_copy_is_near_and_unrelated_is_far() {
    let original = clean_json(json!({
        "url": "https://nilepost.example/dam",
        "title": "Ethiopia, Egypt and Sudan resume dam talks",
        "body": story_body(),
    }))
    .unwrap();
    // Another outlet: other headline, its own furniture, a dateline, one sentence reworded.
    let mut copy = STORY.map(str::to_owned);
    copy[0] = format!("ADDIS ABABA, March 26 (Wire) - {}", copy[0]);
    copy[3] = copy[3].replace(
        "offered to host a summit of the three leaders",
        "proposed hosting a summit of the three heads of state",
    );
    let copy_body = format!(
        "Africa\n\nNile dam negotiations back on track\n\nBy Wire Staff\n\n{}\n\nRead more: Kenya and Somalia row over maritime border\n\nShare this article",
        copy.join("\n\n")
    );
    let syndicated = clean_json(json!({
        "url": "https://wire.example/world/nile-dam",
        "title": "Nile dam negotiations back on track",
        "body": copy_body,
    }))
    .unwrap();
    let unrelated = clean_json(json!({
        "body": "Thousands of protesters marched through the centre of Caracas on Saturday to demand early elections, and police fired tear gas to disperse crowds near the presidential palace. Opposition leaders said dozens of people were arrested during the clashes, while the government accused foreign powers of funding the unrest and promised to restore order. The United States and the European Union condemned the use of force against demonstrators.",
    }))
    .unwrap();

    let near = hamming(&original.simhash, &syndicated.simhash).unwrap();
    let far = hamming(&original.simhash, &unrelated.simhash).unwrap();
    eprintln!("simhash distance: syndicated copy {near} bits, unrelated article {far} bits");
    assert!(near <= 10, "syndicated copy is {near} bits away");
    assert!(far > 20, "unrelated article is only {far} bits away");
    assert_ne!(original.content_hash, syndicated.content_hash);
    assert_eq!(original.simhash.len(), 16);
}

// --- robustness ----------------------------------------------------------------------------

fn assert_no_panic(bytes: &[u8]) {
    // Whatever the input, a result; and a result that is Ok is well formed.
    if let Ok(a) = clean(bytes, now(), &IngestOptions::default()) {
        assert!(!a.body.trim().is_empty());
        assert!(!a.id.is_empty());
        assert_eq!(a.content_hash.len(), 16);
        assert_eq!(a.simhash.len(), 16);
        assert!(!a.body.contains("\n\n\n"));
    }
}

#[test]
fn random_bytes_never_panic() {
    let mut rng = StdRng::seed_from_u64(0x5eed);
    for _ in 0..2000 {
        let len = rng.gen_range(0..300);
        let bytes: Vec<u8> = (0..len).map(|_| rng.gen()).collect();
        assert_no_panic(&bytes);
    }
}

#[test]
fn mutated_articles_never_panic() {
    let seeds = [
        json!({"url": "https://x.example/a", "title": "T", "published_at": "2019-03-25T09:30:00Z", "body": story_body()}).to_string(),
        json!({"body": format!("<html><body><nav>x</nav><article><h1>T</h1><p>{}</p><ul><li><a>y</a></li></ul></article></body></html>", STORY[0])}).to_string(),
    ];
    // Characters that stress the parsers and the normaliser.
    let spice: [&str; 12] = [
        "<", ">", "&", "\"", "\\", "\u{200b}", "\u{2029}", "\r", "é", "\u{301}", "<p>", "</div>",
    ];
    let mut rng = StdRng::seed_from_u64(42);
    for _ in 0..1500 {
        let seed = seeds[rng.gen_range(0..seeds.len())].as_bytes();
        let mut bytes = seed.to_vec();
        for _ in 0..rng.gen_range(1..6) {
            let at = rng.gen_range(0..=bytes.len());
            match rng.gen_range(0..4) {
                0 => bytes.truncate(at),
                1 if at < bytes.len() => bytes[at] = rng.gen(),
                2 => {
                    let s = spice[rng.gen_range(0..spice.len())].as_bytes();
                    bytes.splice(at..at, s.iter().copied());
                }
                _ => {
                    let end = rng.gen_range(at..=bytes.len());
                    bytes.drain(at..end);
                }
            }
        }
        assert_no_panic(&bytes);
    }
    // Valid JSON whose strings are full of hostile text.
    for _ in 0..500 {
        let body: String = (0..rng.gen_range(0..40))
            .map(|_| spice[rng.gen_range(0..spice.len())])
            .collect();
        let v = json!({"body": body, "title": body, "url": body, "language": body});
        assert_no_panic(v.to_string().as_bytes());
    }
}
