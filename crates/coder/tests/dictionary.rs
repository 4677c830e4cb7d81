//! The bundled verb dictionary covers all 20 CAMEO roots and at least 200 distinct codes, and
//! every bundled dictionary loads.

use std::collections::BTreeSet;

use dragoman_coder::Coder;
use dragoman_model::CameoTable;

#[test]
fn bundled_verbs_cover_every_root_and_200_codes() {
    let coder = Coder::bundled().expect("bundled dictionaries load");
    let codes = coder.verbs().distinct_codes();
    let table = CameoTable::global();
    assert!(codes.iter().all(|c| table.contains(c)));
    let roots: BTreeSet<&str> = codes.iter().map(|c| &c[..2]).collect();
    let missing: Vec<&str> = table
        .roots()
        .map(|r| r.code)
        .filter(|r| !roots.contains(r))
        .collect();
    assert!(missing.is_empty(), "roots without a pattern: {missing:?}");
    // Codes reachable through control verbs ("plans to visit" -> 036) count too.
    let mut all: BTreeSet<&str> = codes.clone();
    for f in [
        dragoman_coder::dict::Family::Intent,
        dragoman_coder::dict::Family::Appeal,
        dragoman_coder::dict::Family::Demand,
        dragoman_coder::dict::Family::Reject,
        dragoman_coder::dict::Family::Threaten,
    ] {
        for c in &codes {
            if let Some(x) = dragoman_coder::compose_code(f, c) {
                all.insert(x);
            }
        }
    }
    eprintln!(
        "{} codes in patterns, {} reachable with control verbs",
        codes.len(),
        all.len()
    );
    assert!(
        codes.len() >= 200,
        "only {} distinct codes in verbs.txt",
        codes.len()
    );
}

#[test]
fn user_directory_overrides_and_errors_name_the_file() {
    let dir = std::env::temp_dir().join(format!("dragoman-coder-dict-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("verbs.txt"), "verb sign\n  057 * deal\n  57 *\n").unwrap();
    let e = Coder::from_dir(&dir).unwrap_err().to_string();
    assert!(e.contains("verbs.txt:3:"), "{e}");
    std::fs::write(dir.join("verbs.txt"), "verb sign\n  057 * deal\n").unwrap();
    let c = Coder::from_dir(&dir).unwrap();
    assert_eq!(c.verbs().pattern_count(), 1);
    std::fs::remove_dir_all(&dir).unwrap();
    assert!(Coder::from_dir(&dir).is_err());
}

/// A scratch directory for one test's dictionaries, removed when dropped.
struct Scratch(std::path::PathBuf);

impl Scratch {
    fn new(name: &str, files: &[(&str, &str)]) -> Scratch {
        let dir = std::env::temp_dir().join(format!("dragoman-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        for (file, text) in files {
            std::fs::write(dir.join(file), text).unwrap();
        }
        Scratch(dir)
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn codes(coder: &Coder, sentence: &str) -> Vec<String> {
    let date = chrono::NaiveDate::from_ymd_opt(2024, 5, 1).unwrap();
    let key = |a: &Option<dragoman_model::Actor>| a.as_ref().map_or("-".into(), |a| a.code.clone());
    coder
        .explain(sentence, date)
        .events
        .iter()
        .map(|e| format!("{} {} {}", e.code, key(&e.source), key(&e.target)))
        .collect()
}

#[test]
fn a_guarded_pattern_matches_only_when_its_guard_holds() {
    let s = Scratch::new(
        "guard",
        &[(
            "verbs.txt",
            "verb ambush\n  193 * + if target any armed\n  180 * +\n",
        )],
    );
    let coder = Coder::load(Some(&s.0)).unwrap();
    assert_eq!(
        codes(&coder, "Rebels ambushed government soldiers near Goma."),
        ["193 CODREB CODGOVMIL"]
    );
    assert_eq!(
        codes(&coder, "Rebels ambushed villagers near Goma."),
        ["180 CODREB CODCVL"]
    );
}

#[test]
fn a_user_directory_adds_to_the_bundled_dictionaries_and_replaces_by_key() {
    let s = Scratch::new(
        "overlay",
        &[
            (
                "groups.txt",
                "# test groups, written for this test\nMLIREB\tSahel Liberation Front\n",
            ),
            ("facts.txt", "roams MLIREB BFA NER\n"),
        ],
    );
    let coder = Coder::load(Some(&s.0)).unwrap();
    assert_eq!(
        codes(
            &coder,
            "The Sahel Liberation Front attacked Burkinabe troops in Burkina Faso."
        ),
        ["190 BFAREB BFAMIL"]
    );
    // The bundled entries are still there.
    assert_eq!(
        codes(&coder, "Russia accused Ukraine of shelling civilians."),
        ["1123 RUS UKR"]
    );
    let missing = s.0.join("no-such-dir");
    let e = Coder::load(Some(&missing)).unwrap_err().to_string();
    assert!(
        e.contains("no-such-dir") && e.contains("does not exist"),
        "{e}"
    );
}
