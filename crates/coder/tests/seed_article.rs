//! The user's example article (`../shared/examples/seed-article.txt`, published 2019-03-25)
//! must give the events the issue lists, and nothing from the page furniture. The article is
//! read from beside the checkout, never copied into the project.

use std::path::PathBuf;

use chrono::{NaiveDate, TimeZone, Utc};
use dragoman_coder::Coder;
use dragoman_model::{CandidateEvent, CleanArticle};

fn seed() -> Option<String> {
    let p =
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/examples/seed-article.txt");
    std::fs::read_to_string(p).ok()
}

fn code(body: &str) -> Vec<CandidateEvent> {
    let at = Utc.with_ymd_and_hms(2019, 3, 25, 9, 30, 0).unwrap();
    let a = CleanArticle {
        source: Some("example-news.ly".into()),
        ..CleanArticle::from_text("seed", body, at)
    };
    Coder::bundled()
        .expect("bundled dictionaries")
        .code_article(&a)
}

fn country(a: &Option<dragoman_model::Actor>) -> &str {
    a.as_ref().and_then(|a| a.country.as_deref()).unwrap_or("-")
}

fn find<'a>(
    events: &'a [CandidateEvent],
    code: &str,
    src: &str,
    tgt: &str,
) -> Option<&'a CandidateEvent> {
    events
        .iter()
        .find(|e| e.code == code && country(&e.source) == src && country(&e.target) == tgt)
}

#[test]
fn seed_article_gives_the_expected_events() {
    let Some(body) = seed() else {
        eprintln!("SKIP: ../shared/examples/seed-article.txt is absent beside the checkout");
        return;
    };
    let events = code(&body);
    for e in &events {
        eprintln!(
            "{} {}>{} {} {:?} [{}] {}",
            e.code,
            country(&e.source),
            country(&e.target),
            e.event_date,
            e.location.as_ref().map(|l| &l.name),
            e.evidence.rule,
            &e.evidence.sentence[..e.evidence.sentence.len().min(60)]
        );
    }
    assert!(
        find(&events, "057", "RUS", "LBY").is_some(),
        "057 Russia -> Libya"
    );
    assert!(
        find(&events, "057", "LBY", "RUS").is_some(),
        "057 Libya -> Russia"
    );
    let visit = find(&events, "042", "LBY", "RUS").expect("042 Libya -> Russia");
    assert_eq!(
        visit.event_date,
        NaiveDate::from_ymd_opt(2019, 3, 17).unwrap()
    );
    assert!(
        find(&events, "043", "RUS", "LBY").is_some(),
        "043 Russia hosting Libya"
    );
    assert!(
        find(&events, "036", "RUS", "LBY").is_some(),
        "036 Russia's intent to organise a dialogue"
    );
    // Every event has evidence that points at its sentence in the body.
    for e in &events {
        let [s, t] = e.evidence.span;
        assert_eq!(&body[s as usize..t as usize], e.evidence.sentence);
        assert!(!e.evidence.sentence.contains("Related Articles"));
        assert!(!e.evidence.sentence.contains("Back to top"));
    }
}
