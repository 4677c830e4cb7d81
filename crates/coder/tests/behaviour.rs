//! The engine's reading of sentence structure: voice, negation, intent, appeals, threats,
//! coordination, back-references and dates. Uses the bundled dictionaries.

use chrono::NaiveDate;
use dragoman_coder::Coder;

fn events(sentence: &str) -> Vec<(String, String, String)> {
    let coder = Coder::bundled().expect("bundled dictionaries");
    let ex = coder.explain(sentence, NaiveDate::from_ymd_opt(2019, 3, 25).unwrap());
    let key =
        |a: &Option<dragoman_model::Actor>| a.as_ref().map_or("-".to_string(), |a| a.code.clone());
    ex.events
        .iter()
        .map(|e| (e.code.clone(), key(&e.source), key(&e.target)))
        .collect()
}

fn has(sentence: &str, code: &str, src: &str, tgt: &str) -> bool {
    let ev = events(sentence);
    let ok = ev
        .iter()
        .any(|(c, s, t)| c == code && s.starts_with(src) && t.starts_with(tgt));
    if !ok {
        eprintln!("{sentence}\n  got {ev:?}");
    }
    ok
}

#[test]
fn active_and_passive_voice() {
    assert!(has(
        "Russia accused Ukraine of shelling civilians.",
        "1123",
        "RUS",
        "UKR"
    ));
    assert!(has(
        "Ukraine was accused by Russia of shelling civilians.",
        "1123",
        "RUS",
        "UKR"
    ));
    assert!(has(
        "Syrian forces were attacked by Turkish troops near Afrin.",
        "190",
        "TUR",
        "SYR"
    ));
}

#[test]
fn negated_and_hypothetical_actions_are_not_coded() {
    assert!(events("Russia did not sign the agreement with Libya.")
        .iter()
        .all(|e| e.0 != "057"));
    assert!(events("France never recognised the government of Syria.").is_empty());
    assert!(events("Iran could attack Israel.")
        .iter()
        .all(|e| &e.0[..2] != "19"));
}

#[test]
fn intentions_appeals_demands_refusals_and_threats() {
    assert!(has(
        "Russia plans to visit Libya next week.",
        "036",
        "RUS",
        "LBY"
    ));
    assert!(has(
        "Egypt will send humanitarian aid to Sudan.",
        "0333",
        "EGY",
        "SDN"
    ));
    assert!(has(
        "France urged Russia to withdraw its troops from Ukraine.",
        "0256",
        "FRA",
        "RUS"
    ));
    assert!(has(
        "China refused to release the Canadian prisoners.",
        "1243",
        "CHN",
        "CAN"
    ));
    assert!(has(
        "North Korea threatened to attack South Korea.",
        "1384",
        "PRK",
        "KOR"
    ));
    assert!(has(
        "Turkey called on Sweden to hold talks with Finland.",
        "026",
        "TUR",
        "SWE"
    ));
}

#[test]
fn coordination_gives_reciprocal_events() {
    let ev = events("Russia and Libya signed a cooperation agreement.");
    assert!(ev.contains(&("057".into(), "RUS".into(), "LBY".into())));
    assert!(ev.contains(&("057".into(), "LBY".into(), "RUS".into())));
}

#[test]
fn composed_actors() {
    assert!(has(
        "Libya's Ministry of Health signed an agreement with Russia.",
        "057",
        "LBYHLH",
        "RUS"
    ));
    assert!(has(
        "The Kremlin criticized Germany.",
        "111",
        "RUSGOV",
        "DEU"
    ));
}

#[test]
fn statements_only_when_nothing_more_specific() {
    let ev = events("The French foreign minister said Russia had attacked Ukraine.");
    assert!(ev.iter().all(|e| e.0 != "010"), "{ev:?}");
    assert!(ev.iter().any(|e| e.0 == "190"), "{ev:?}");
}
