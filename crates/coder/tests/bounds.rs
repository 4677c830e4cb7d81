//! The coder's bounds: whatever an article's shape, its work is linear in its size and its
//! output bounded (a page written as one long sentence once took minutes and gigabytes).

use chrono::{TimeZone, Utc};
use dragoman_coder::{Coder, Cuts, Limits};
use dragoman_model::CleanArticle;

fn article(body: String) -> CleanArticle {
    CleanArticle::from_text(
        "bounds",
        body,
        Utc.with_ymd_and_hms(2024, 5, 2, 12, 0, 0).unwrap(),
    )
}

fn code(coder: &Coder, body: String) -> (Vec<dragoman_model::CandidateEvent>, Cuts) {
    let mut cuts = Cuts::default();
    let events = coder.code_article_counted(&article(body), &mut cuts);
    (events, cuts)
}

#[test]
fn a_one_megabyte_article_written_as_one_sentence_gives_bounded_output() {
    let coder = Coder::bundled().unwrap();
    let limits = *coder.limits();
    let w = "Russia and France held talks with Germany about Ukraine and the United Nations ";
    let body = w.repeat(1_000_000 / w.len());
    let (events, cuts) = code(&coder, body);
    assert!(
        !events.is_empty(),
        "the text is still coded, piece by piece"
    );
    assert!(events.len() <= limits.max_events_per_article);
    for e in &events {
        assert!(e.evidence.sentence.len() <= limits.max_evidence_bytes);
        let [start, end] = e.evidence.span;
        assert!(
            end - start < 20_000,
            "a piece, not the whole body: {start}..{end}"
        );
    }
    assert_eq!(cuts.sentences_split, 1);
    assert!(cuts.article_events_dropped > 0);
}

#[test]
fn many_short_sentences_are_capped_per_article() {
    let coder = Coder::bundled().unwrap();
    let body = "Russia and France held talks with Germany about Ukraine. ".repeat(20_000);
    let (events, cuts) = code(&coder, body);
    assert_eq!(events.len(), coder.limits().max_events_per_article);
    assert!(cuts.article_events_dropped > 0);
    assert_eq!(cuts.sentences_split, 0);
}

#[test]
fn evidence_is_clipped_but_its_span_covers_the_sentence() {
    let limits = Limits {
        max_evidence_bytes: 40,
        ..Limits::default()
    };
    let coder = Coder::bundled().unwrap().with_limits(limits);
    let body =
        "Russia and Libya signed a cooperation agreement in Moscow on Monday, \u{e9}\u{e9}\u{e9} \
                officials said."
            .to_string();
    let (events, cuts) = code(&coder, body.clone());
    let e = events.first().expect("an event");
    assert!(e.evidence.sentence.len() <= 40);
    assert!(body.starts_with(&e.evidence.sentence));
    assert_eq!(e.evidence.span, [0, body.len() as u32]);
    assert!(cuts.evidence_clipped >= 1);
}

#[test]
fn real_articles_are_not_cut() {
    let coder = Coder::bundled().unwrap();
    let body = "Russia and Libya signed a cooperation agreement in Moscow on Monday. \
                The Kremlin said Putin would visit Tripoli next month."
        .to_string();
    let (events, cuts) = code(&coder, body);
    assert!(!events.is_empty());
    assert!(!cuts.any(), "{cuts:?}");
}
