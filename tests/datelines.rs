//! Datelines through `dragoman run` (the embedded pipeline, no broker): a dateline is where a
//! story was filed, so two reports of one event filed from two capitals are one event with two
//! independent reports, located by the dateline only as `precision: "dateline"`; two reports
//! whose texts name different places are still two events (docs/contracts.md#location).

use std::collections::HashMap;
use std::process::Command;

use dragoman_e2e::dragoman_bin;
use dragoman_model::{Event, LocationPrecision};
use serde_json::json;

/// The latest revision of each event of `dragoman run` on `articles`.
fn run(articles: &[serde_json::Value]) -> Vec<Event> {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("articles.jsonl");
    let lines: Vec<String> = articles.iter().map(|a| a.to_string()).collect();
    std::fs::write(&input, lines.join("\n") + "\n").unwrap();
    let out = Command::new(dragoman_bin())
        .args(["run", "--format", "jsonl", "--input"])
        .arg(&input)
        .output()
        .expect("running dragoman");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "dragoman run: {stderr}");
    let mut latest: HashMap<String, Event> = HashMap::new();
    for line in String::from_utf8_lossy(&out.stdout).lines() {
        let e: Event = serde_json::from_str(line).expect("an event");
        let newer = latest
            .get(&e.event_id)
            .is_none_or(|old| old.revision < e.revision);
        if newer {
            latest.insert(e.event_id.clone(), e);
        }
    }
    latest.into_values().collect()
}

fn article(id: &str, source: &str, published: &str, body: &str) -> serde_json::Value {
    json!({
        "id": id,
        "source": source,
        "published_at": published,
        "language": "en",
        "body": body,
    })
}

/// The events of root 05 (agreements) from `source` to `target`.
fn agreements<'e>(events: &'e [Event], source: &str, target: &str) -> Vec<&'e Event> {
    let code = |a: &Option<dragoman_model::Actor>| a.as_ref().map(|a| a.code.clone());
    events
        .iter()
        .filter(|e| e.root_code == "05")
        .filter(|e| code(&e.source).as_deref() == Some(source))
        .filter(|e| code(&e.target).as_deref() == Some(target))
        .collect()
}

#[test]
fn reports_filed_from_two_capitals_are_one_event_with_two_independent_reports() {
    let events = run(&[
        article(
            "cairo-1",
            "wire-one.example",
            "2024-06-04T15:00:00Z",
            "CAIRO, June 4 (Reuters) - Egypt and Sudan signed an agreement on water sharing \
             on Tuesday, officials in both countries said.\n\n\
             The text of the deal was not published, and neither government gave details of \
             how it would be carried out.",
        ),
        article(
            "khartoum-1",
            "daily-two.example",
            "2024-06-05T08:00:00Z",
            "KHARTOUM, June 5 - Sudan and Egypt signed an accord on Tuesday that covers trade \
             across their shared frontier, the state news agency reported.\n\n\
             It was the first such deal in a decade, and officials expected it to take effect \
             within weeks.",
        ),
    ]);
    for (source, target) in [("EGY", "SDN"), ("SDN", "EGY")] {
        let found = agreements(&events, source, target);
        assert_eq!(found.len(), 1, "{source} -> {target}: {found:#?}");
        let e = found[0];
        assert_eq!(e.event_date.to_string(), "2024-06-04", "{e:#?}");
        assert_eq!(e.mentions.num_articles, 2, "{:?}", e.mentions);
        assert_eq!(e.mentions.num_independent, 2, "{:?}", e.mentions);
        // Located where its first report was filed, and saying so.
        let place = e.location.as_ref().expect("a dateline location");
        assert_eq!(place.precision, LocationPrecision::Dateline, "{place:?}");
        assert_eq!(place.name, "Cairo");
    }
    // The datelines' cities are no actors.
    assert!(
        events.iter().all(|e| [&e.source, &e.target]
            .into_iter()
            .flatten()
            .all(|a| !a.text.eq_ignore_ascii_case("cairo")
                && !a.text.eq_ignore_ascii_case("khartoum"))),
        "{events:#?}"
    );
}

#[test]
fn reports_naming_different_places_in_their_text_stay_two_events() {
    let events = run(&[
        article(
            "nairobi-1",
            "wire-one.example",
            "2024-06-04T15:00:00Z",
            "NAIROBI, June 4 (Reuters) - Kenya and Uganda signed an agreement in Mombasa on \
             Tuesday, officials in both countries said.\n\n\
             The text of the deal was not published, and neither government gave details of \
             how it would be carried out.",
        ),
        article(
            "kampala-1",
            "daily-two.example",
            "2024-06-05T08:00:00Z",
            "KAMPALA, June 5 - Uganda and Kenya signed an accord in Entebbe on Tuesday that \
             covers trade across their shared frontier, the state news agency reported.\n\n\
             It was the first such deal in a decade, and officials expected it to take effect \
             within weeks.",
        ),
    ]);
    for (source, target) in [("KEN", "UGA"), ("UGA", "KEN")] {
        let found = agreements(&events, source, target);
        let mut places: Vec<_> = found
            .iter()
            .map(|e| {
                let l = e.location.as_ref().expect("a place");
                (l.name.as_str(), l.precision)
            })
            .collect();
        places.sort_by_key(|p| p.0);
        let city = LocationPrecision::City;
        assert_eq!(
            places,
            [("Entebbe", city), ("Mombasa", city)],
            "{source} -> {target}: {found:#?}"
        );
        assert!(found.iter().all(|e| e.mentions.num_articles == 1));
    }
}
