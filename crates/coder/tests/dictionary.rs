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
