//! The worked examples of `docs/dictionaries.md` code as the document says: its ```` ```text
//! file=NAME ```` blocks are written into a dictionary directory, and each `dragoman code`
//! command of its ```` ```console ```` blocks is run here, with that directory when the command
//! names one (`DRAGOMAN__CODER__DICTIONARIES=...`) and the bundled dictionaries otherwise; the
//! lines that follow it are what `dragoman code` prints.

use std::collections::BTreeMap;
use std::path::Path;

use chrono::NaiveDate;
use dragoman_coder::Coder;

struct Example {
    line: usize,
    sentence: String,
    published: NaiveDate,
    with_dictionaries: bool,
    expected: Vec<String>,
}

/// The files the document writes, and its examples.
fn read_doc(doc: &str) -> (BTreeMap<String, String>, Vec<Example>) {
    let mut files: BTreeMap<String, String> = BTreeMap::new();
    let mut examples = Vec::new();
    let mut block: Option<(String, usize)> = None;
    for (n, line) in doc.lines().enumerate() {
        if let Some(info) = line.strip_prefix("```") {
            block = match block {
                Some(_) => None,
                None => Some((info.to_string(), n + 1)),
            };
            continue;
        }
        let Some((info, _)) = &block else { continue };
        if let Some(file) = info.strip_prefix("text file=") {
            let text = files.entry(file.to_string()).or_default();
            text.push_str(line);
            text.push('\n');
        } else if info == "console" {
            if let Some(cmd) = line.strip_prefix("$ ") {
                if let Some(rest) = cmd.split("dragoman code \"").nth(1) {
                    let (sentence, flags) = rest.split_once('"').expect("a quoted sentence");
                    let date = flags
                        .split("--published ")
                        .nth(1)
                        .expect("examples give --published");
                    examples.push(Example {
                        line: n + 1,
                        sentence: sentence.to_string(),
                        published: date.trim().parse().expect("a date"),
                        with_dictionaries: cmd.contains("DRAGOMAN__CODER__DICTIONARIES="),
                        expected: Vec::new(),
                    });
                } else {
                    // Another command: its output is not an example's.
                    examples.push(Example {
                        line: 0,
                        sentence: String::new(),
                        published: NaiveDate::default(),
                        with_dictionaries: false,
                        expected: Vec::new(),
                    });
                }
            } else if let Some(e) = examples.last_mut() {
                e.expected.push(line.to_string());
            }
        }
    }
    examples.retain(|e| e.line > 0);
    (files, examples)
}

/// What `dragoman code` prints for a sentence.
fn printed(coder: &Coder, sentence: &str, published: NaiveDate) -> Vec<String> {
    let ex = coder.explain(sentence, published);
    if ex.events.is_empty() {
        return vec!["no event coded (use --explain to see why)".to_string()];
    }
    let code =
        |a: &Option<dragoman_model::Actor>| a.as_ref().map_or("-".into(), |a| a.code.clone());
    ex.events
        .iter()
        .map(|e| {
            format!(
                "{} {} -> {}  date {}  rule \"{}\"  confidence {:.2}",
                e.code,
                code(&e.source),
                code(&e.target),
                e.event_date,
                e.evidence.rule,
                e.confidence
            )
        })
        .collect()
}

#[test]
fn the_worked_examples_of_the_dictionary_guide_code_as_it_says() {
    let doc_path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../docs/dictionaries.md");
    let doc = std::fs::read_to_string(&doc_path).expect("docs/dictionaries.md");
    let (files, examples) = read_doc(&doc);
    assert!(files.len() >= 5, "the guide writes {:?}", files.keys());
    assert!(examples.len() >= 10, "{} examples", examples.len());
    let dir = std::env::temp_dir().join(format!("dragoman-doc-dicts-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    for (name, text) in &files {
        std::fs::write(dir.join(name), text).unwrap();
    }
    let report = dragoman_coder::dict::check::check(Some(&dir)).unwrap();
    assert!(report.problems.is_empty(), "{:?}", report.problems);
    let mine = Coder::load(Some(&dir)).expect("the guide's dictionaries load");
    let bundled = Coder::bundled().unwrap();
    let mut wrong = Vec::new();
    for e in &examples {
        let coder = if e.with_dictionaries { &mine } else { &bundled };
        let got = printed(coder, &e.sentence, e.published);
        if got != e.expected {
            wrong.push(format!(
                "docs/dictionaries.md:{}: {}\n  says {:?}\n  got  {:?}",
                e.line, e.sentence, e.expected, got
            ));
        }
    }
    std::fs::remove_dir_all(&dir).unwrap();
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}
