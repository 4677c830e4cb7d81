//! Loads the PETRARCH-2 dictionaries that CI keeps beside the checkout
//! (`../shared/dictionaries/petrarch2/`) and codes with them.

use std::path::PathBuf;
use std::time::Instant;

use chrono::NaiveDate;
use dragoman_coder::Coder;

fn dir() -> Option<PathBuf> {
    let d =
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/dictionaries/petrarch2");
    d.join("CAMEO.2.0.txt").exists().then_some(d)
}

#[test]
fn petrarch_dictionaries_load_and_code() {
    let Some(dir) = dir() else {
        eprintln!("SKIP: ../shared/dictionaries/petrarch2 is absent beside the checkout");
        return;
    };
    let t = Instant::now();
    let coder = Coder::from_petrarch(&dir).expect("PETRARCH dictionaries load");
    eprintln!(
        "loaded in {:?}: {}",
        t.elapsed(),
        coder.version().dictionaries
    );
    assert!(
        coder.verbs().blocks.len() > 300,
        "{} verb blocks",
        coder.verbs().blocks.len()
    );
    assert!(coder.verbs().pattern_count() > 3000);
    let ex = coder.explain(
        "Russia and Libya signed a cooperation agreement.",
        NaiveDate::from_ymd_opt(2019, 3, 25).unwrap(),
    );
    eprintln!("{ex}");
    assert!(ex.events.iter().any(|e| e.root_code == "05"), "{ex}");
}

#[test]
fn a_missing_directory_is_an_error_naming_it() {
    let e = Coder::from_petrarch(std::path::Path::new("/nonexistent/petrarch")).unwrap_err();
    assert!(e.to_string().contains("/nonexistent/petrarch"), "{e}");
}

#[test]
fn a_petrarch_directory_named_as_the_dictionaries_is_loaded_as_petrarch() {
    let Some(dir) = dir() else {
        eprintln!("SKIP: ../shared/dictionaries/petrarch2 is absent beside the checkout");
        return;
    };
    let coder = Coder::load(Some(&dir)).expect("PETRARCH dictionaries load");
    assert!(
        coder.version().dictionaries.starts_with("petrarch2:"),
        "{}",
        coder.version().dictionaries
    );
    assert!(coder.verbs().pattern_count() > 3000);
}
