//! The coder's dictionaries through the binary: `dragoman dict check` on the bundled
//! dictionaries and on a broken copy, and `[coder] dictionaries` (as
//! DRAGOMAN__CODER__DICTIONARIES) for `dragoman run` and `dragoman code`.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn dragoman(args: &[&str], env: &[(&str, &Path)]) -> Output {
    let mut c = Command::new(env!("CARGO_BIN_EXE_dragoman"));
    c.args(args);
    for (k, v) in env {
        c.env(k, v);
    }
    c.output().expect("the binary runs")
}

/// A private scratch directory, removed when dropped.
struct Scratch(PathBuf);

impl Scratch {
    fn new(name: &str) -> Scratch {
        let dir =
            std::env::temp_dir().join(format!("dragoman-dicts-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        Scratch(dir)
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// A copy of the bundled dictionary directory.
fn copy_of_bundled(to: &Path) {
    let from = Path::new(env!("CARGO_MANIFEST_DIR")).join("../coder/dict");
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        std::fs::copy(e.path(), to.join(e.file_name())).unwrap();
    }
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

#[test]
fn dict_check_passes_the_bundled_dictionaries() {
    let out = dragoman(&["dict", "check"], &[]);
    assert!(
        out.status.success(),
        "{}{}",
        text(&out.stdout),
        text(&out.stderr)
    );
}

#[test]
fn dict_check_names_the_file_and_line_of_a_broken_line() {
    let s = Scratch::new("broken");
    let dir = s.0.join("dict");
    copy_of_bundled(&dir);
    let verbs = dir.join("verbs.txt");
    let lines = std::fs::read_to_string(&verbs).unwrap().lines().count();
    let mut text_ = std::fs::read_to_string(&verbs).unwrap();
    text_.push_str("  999 * nonsense\n");
    std::fs::write(&verbs, text_).unwrap();
    let out = dragoman(&["dict", "check", dir.to_str().unwrap()], &[]);
    assert!(!out.status.success());
    let expected = format!(
        "{}:{}: \"999\" is not a CAMEO event code",
        verbs.display(),
        lines + 1
    );
    assert!(
        text(&out.stdout).contains(&expected),
        "{}",
        text(&out.stdout)
    );
}

#[test]
fn a_copy_of_the_bundled_dictionaries_codes_the_same_events_and_is_named() {
    let s = Scratch::new("copy");
    let dir = s.0.join("dict");
    copy_of_bundled(&dir);
    let input = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/articles.jsonl");
    let run = |env: &[(&str, &Path)]| {
        let out = dragoman(
            &[
                "run",
                "--input",
                input.to_str().unwrap(),
                "--format",
                "jsonl",
            ],
            env,
        );
        assert!(out.status.success(), "{}", text(&out.stderr));
        text(&out.stdout)
            .lines()
            .map(|l| serde_json::from_str::<serde_json::Value>(l).unwrap())
            .collect::<Vec<_>>()
    };
    let bundled = run(&[]);
    let copied = run(&[("DRAGOMAN__CODER__DICTIONARIES", &dir)]);
    assert!(!bundled.is_empty());
    assert_eq!(bundled.len(), copied.len());
    let loaded = format!("bundled+{}:", dir.display());
    for (a, b) in bundled.iter().zip(&copied) {
        let d = b["coder"]["dictionaries"].as_str().unwrap();
        assert!(d.starts_with(&loaded), "{d}");
        let strip = |v: &serde_json::Value| {
            let mut v = v.clone();
            v["coder"]["dictionaries"] = serde_json::Value::Null;
            v["mentions"]["first_seen"] = serde_json::Value::Null;
            v["mentions"]["last_seen"] = serde_json::Value::Null;
            v
        };
        assert_eq!(strip(a), strip(b));
    }
    let code = dragoman(
        &[
            "code",
            "Russia and Libya signed a cooperation agreement.",
            "--json",
        ],
        &[("DRAGOMAN__CODER__DICTIONARIES", &dir)],
    );
    assert!(
        text(&code.stdout).contains(&loaded),
        "{}",
        text(&code.stdout)
    );
}

#[test]
fn a_missing_dictionary_directory_is_an_error_that_names_it() {
    let s = Scratch::new("missing");
    let missing = s.0.join("no-such-dir");
    let input = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/articles.jsonl");
    let out = dragoman(
        &["run", "--input", input.to_str().unwrap()],
        &[("DRAGOMAN__CODER__DICTIONARIES", &missing)],
    );
    assert!(!out.status.success());
    let err = text(&out.stderr);
    assert!(err.contains(&missing.display().to_string()), "{err}");
    assert!(err.contains("does not exist"), "{err}");
}
