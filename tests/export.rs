//! What users read of the events, from the binary: `dragoman run --format table|gdelt|csv` on
//! real articles (the sample feed and 80 State Department releases), the GDELT file read back
//! column by column against the codebook's definitions and by a GDELT reader from PyPI,
//! `dragoman export` on events with several revisions each, and the progress line of a long
//! run on a terminal.

#[path = "support/tmux.rs"]
mod tmux;

use std::collections::{BTreeSet, HashMap};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use chrono::{Datelike, NaiveDate, NaiveDateTime};
use dragoman_e2e::{dragoman_bin, workspace_root};
use dragoman_model::{CameoTable, Event};
use serde_json::Value;

/// Runs `dragoman args` with `env`, which must succeed: (stdout, stderr).
fn dragoman(args: &[&str], env: &[(&str, &str)]) -> (String, String) {
    let out = Command::new(dragoman_bin())
        .args(args)
        .envs(env.iter().copied())
        .output()
        .expect("running dragoman");
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert!(out.status.success(), "dragoman {args:?}: {stderr}");
    (String::from_utf8_lossy(&out.stdout).into_owned(), stderr)
}

/// Real articles: the sample feed (with its copies, redeliveries and bad lines) and the
/// labelled State Department releases.
fn real_articles(dir: &Path) -> PathBuf {
    let root = workspace_root();
    let mut text = std::fs::read_to_string(root.join("examples/articles.jsonl")).unwrap();
    text.push_str(
        &std::fs::read_to_string(
            root.join("crates/coder/tests/data/real/state-department.articles.jsonl"),
        )
        .unwrap(),
    );
    let path = dir.join("articles.jsonl");
    std::fs::write(&path, text).unwrap();
    path
}

fn events(jsonl: &str) -> Vec<Event> {
    jsonl
        .lines()
        .map(|l| serde_json::from_str(l).expect("an event"))
        .collect()
}

/// The latest revision of each event id, and the ids in first-seen order.
fn latest(events: &[Event]) -> (HashMap<String, Event>, Vec<String>) {
    let mut latest: HashMap<String, Event> = HashMap::new();
    let mut order = Vec::new();
    for e in events {
        match latest.get(&e.event_id) {
            Some(old) if old.revision > e.revision => {}
            Some(_) => {
                latest.insert(e.event_id.clone(), e.clone());
            }
            None => {
                order.push(e.event_id.clone());
                latest.insert(e.event_id.clone(), e.clone());
            }
        }
    }
    (latest, order)
}

/// GDELT's integer id, computed here from the codebook's needs and dragoman's 64-bit hex id,
/// independently of the library.
fn global_id(event_id: &str) -> u64 {
    u64::from_str_radix(event_id, 16).expect("16 hex digits") & (i64::MAX as u64)
}

/// The names of GDELT 2.0's 61 event columns, from the codebook.
#[rustfmt::skip]
const CODEBOOK: [&str; 61] = [
    "GLOBALEVENTID", "SQLDATE", "MonthYear", "Year", "FractionDate",
    "Actor1Code", "Actor1Name", "Actor1CountryCode", "Actor1KnownGroupCode", "Actor1EthnicCode",
    "Actor1Religion1Code", "Actor1Religion2Code", "Actor1Type1Code", "Actor1Type2Code",
    "Actor1Type3Code",
    "Actor2Code", "Actor2Name", "Actor2CountryCode", "Actor2KnownGroupCode", "Actor2EthnicCode",
    "Actor2Religion1Code", "Actor2Religion2Code", "Actor2Type1Code", "Actor2Type2Code",
    "Actor2Type3Code",
    "IsRootEvent", "EventCode", "EventBaseCode", "EventRootCode", "QuadClass", "GoldsteinScale",
    "NumMentions", "NumSources", "NumArticles", "AvgTone",
    "Actor1Geo_Type", "Actor1Geo_FullName", "Actor1Geo_CountryCode", "Actor1Geo_ADM1Code",
    "Actor1Geo_ADM2Code", "Actor1Geo_Lat", "Actor1Geo_Long", "Actor1Geo_FeatureID",
    "Actor2Geo_Type", "Actor2Geo_FullName", "Actor2Geo_CountryCode", "Actor2Geo_ADM1Code",
    "Actor2Geo_ADM2Code", "Actor2Geo_Lat", "Actor2Geo_Long", "Actor2Geo_FeatureID",
    "ActionGeo_Type", "ActionGeo_FullName", "ActionGeo_CountryCode", "ActionGeo_ADM1Code",
    "ActionGeo_ADM2Code", "ActionGeo_Lat", "ActionGeo_Long", "ActionGeo_FeatureID",
    "DATEADDED", "SOURCEURL",
];

fn col(name: &str) -> usize {
    CODEBOOK.iter().position(|c| *c == name).unwrap()
}

fn is_code(s: &str) -> bool {
    s.len() == 3 && s.bytes().all(|b| b.is_ascii_uppercase())
}

/// Checks one GDELT row against the codebook's definition of each column and the event it
/// came from.
fn check_row(row: &[&str], e: &Event) {
    let ctx = format!("{row:?}\n{e:?}");
    let get = |name: &str| row[col(name)];
    // Dates: YYYYMMDD, YYYYMM, YYYY, YYYY.FFFF with FFFF = ((month - 1) * 30 + day) / 365.
    let date = NaiveDate::parse_from_str(get("SQLDATE"), "%Y%m%d").expect(&ctx);
    assert_eq!(date, e.event_date, "{ctx}");
    assert_eq!(get("MonthYear"), &get("SQLDATE")[..6], "{ctx}");
    assert_eq!(get("Year"), &get("SQLDATE")[..4], "{ctx}");
    let fraction: f64 = get("FractionDate").parse().expect(&ctx);
    let day_share = f64::from(date.month0() * 30 + date.day()) / 365.0;
    assert!(
        (fraction - (f64::from(date.year()) + day_share)).abs() < 0.00006,
        "{ctx}"
    );
    assert_eq!(get("FractionDate").split('.').nth(1).map(str::len), Some(4));

    // Actors: the full code, the name in capitals, and every part a 3-letter piece of the
    // code at a part boundary; the country the event's own when it gives one.
    for (n, actor) in [(1, &e.source), (2, &e.target)] {
        let f = |what: &str| row[col(&format!("Actor{n}{what}"))];
        let Some(a) = actor else {
            for what in ["Code", "Name", "CountryCode", "KnownGroupCode", "Type1Code"] {
                assert_eq!(f(what), "", "{ctx}");
            }
            continue;
        };
        assert_eq!(f("Code"), a.code, "{ctx}");
        assert_eq!(f("Name"), a.name.to_uppercase(), "{ctx}");
        let parts: Vec<&str> = (0..a.code.len() / 3)
            .map(|i| &a.code[i * 3..i * 3 + 3])
            .collect();
        for what in [
            "CountryCode",
            "KnownGroupCode",
            "EthnicCode",
            "Religion1Code",
            "Religion2Code",
            "Type1Code",
            "Type2Code",
            "Type3Code",
        ] {
            let v = f(what);
            assert!(
                v.is_empty() || (is_code(v) && parts.contains(&v)),
                "{what} {ctx}"
            );
        }
        if let Some(country) = &a.country {
            assert_eq!(f("CountryCode"), country, "{ctx}");
        }
        for agent in &a.agents {
            assert!(
                [
                    "Type1Code",
                    "Type2Code",
                    "Type3Code",
                    "Religion1Code",
                    "Religion2Code",
                    "EthnicCode",
                    "KnownGroupCode"
                ]
                .iter()
                .any(|w| f(w) == agent),
                "agent {agent} in no column: {ctx}"
            );
        }
    }

    assert!(matches!(get("IsRootEvent"), "0" | "1"), "{ctx}");
    assert_eq!(get("IsRootEvent") == "1", e.evidence.sentence_index == 0);
    // Codes as strings with their leading zeros, from the CAMEO table.
    let code = CameoTable::global().get(get("EventCode")).expect(&ctx);
    assert_eq!(get("EventCode"), e.code, "{ctx}");
    assert_eq!(
        get("EventBaseCode"),
        &e.code[..e.code.len().min(3)],
        "{ctx}"
    );
    assert_eq!(get("EventRootCode"), &e.code[..2], "{ctx}");
    assert_eq!(get("EventRootCode"), code.root_code, "{ctx}");
    assert_eq!(
        get("QuadClass"),
        code.quad_class.number().to_string(),
        "{ctx}"
    );
    let goldstein: f32 = get("GoldsteinScale").parse().expect(&ctx);
    assert!((goldstein - e.goldstein).abs() < 0.05 && (-10.0..=10.0).contains(&goldstein));
    assert_eq!(
        get("NumMentions"),
        e.mentions.num_mentions.to_string(),
        "{ctx}"
    );
    assert_eq!(
        get("NumSources"),
        e.mentions.num_sources.to_string(),
        "{ctx}"
    );
    assert_eq!(
        get("NumArticles"),
        e.mentions.num_articles.to_string(),
        "{ctx}"
    );
    assert_eq!(get("AvgTone"), "", "no tone: {ctx}");

    // The actors' places are not known: type 0, the rest empty.
    for geo in ["Actor1Geo", "Actor2Geo"] {
        assert_eq!(row[col(&format!("{geo}_Type"))], "0", "{ctx}");
        for what in [
            "FullName",
            "CountryCode",
            "ADM1Code",
            "ADM2Code",
            "Lat",
            "Long",
            "FeatureID",
        ] {
            assert_eq!(row[col(&format!("{geo}_{what}"))], "", "{ctx}");
        }
    }
    let geo = |what: &str| row[col(&format!("ActionGeo_{what}"))];
    match &e.location {
        None => {
            assert_eq!(geo("Type"), "0", "{ctx}");
            assert!(row[col("ActionGeo_FullName")..col("DATEADDED")]
                .iter()
                .all(|f| f.is_empty()));
        }
        Some(l) => {
            assert!(matches!(geo("Type"), "1" | "2" | "3" | "4" | "5"), "{ctx}");
            assert!(
                geo("FullName").starts_with(&l.name) || geo("Type") == "1",
                "{ctx}"
            );
            // FIPS 10-4: two capital letters (three territories have none).
            let fips = geo("CountryCode");
            assert!(
                (fips.len() == 2 && fips.bytes().all(|b| b.is_ascii_uppercase()))
                    || (fips.is_empty() && ["ALA", "BES", "UMI"].contains(&l.country.as_str())),
                "{ctx}"
            );
            let lat: f64 = geo("Lat").parse().expect(&ctx);
            let lon: f64 = geo("Long").parse().expect(&ctx);
            assert!(
                (lat - l.lat).abs() < 1e-4 && (lon - l.lon).abs() < 1e-4,
                "{ctx}"
            );
            assert!((-90.0..=90.0).contains(&lat) && (-180.0..=180.0).contains(&lon));
            // A country's ADM1 code and feature id are its FIPS code; below it, unknown.
            assert!(
                geo("ADM1Code").is_empty() || geo("ADM1Code") == fips,
                "{ctx}"
            );
            assert!(
                geo("FeatureID").is_empty() || geo("FeatureID") == fips,
                "{ctx}"
            );
            assert_eq!(geo("Type") == "1", geo("FeatureID") == fips, "{ctx}");
            assert_eq!(geo("ADM2Code"), "", "{ctx}");
        }
    }
    let added = NaiveDateTime::parse_from_str(get("DATEADDED"), "%Y%m%d%H%M%S").expect(&ctx);
    assert_eq!(added, e.mentions.first_seen.naive_utc(), "{ctx}");
    let first_report = e
        .mentions
        .article_ids
        .first()
        .unwrap_or(&e.evidence.article_id);
    assert_eq!(get("SOURCEURL"), first_report, "{ctx}");
}

/// Reads a GDELT file: its rows split on tabs, each checked to have 61 fields.
fn gdelt_rows(text: &str) -> Vec<Vec<&str>> {
    let rows: Vec<Vec<&str>> = text.lines().map(|l| l.split('\t').collect()).collect();
    for r in &rows {
        assert_eq!(r.len(), 61, "{r:?}");
    }
    rows
}

#[test]
fn run_as_a_table_shows_one_aligned_line_per_event_and_no_progress_off_a_terminal() {
    let input = workspace_root().join("examples/articles.jsonl");
    let input = input.to_str().unwrap();
    let (jsonl, _) = dragoman(&["run", "--input", input, "--format", "jsonl"], &[]);
    let (_, order) = latest(&events(&jsonl));
    let first: HashMap<String, Event> = events(&jsonl)
        .into_iter()
        .rev()
        .map(|e| (e.event_id.clone(), e))
        .collect();

    let (table, stderr) = dragoman(
        &["run", "--input", input, "--format", "table"],
        &[("COLUMNS", "110")],
    );
    let lines: Vec<&str> = table.lines().collect();
    assert!(lines[0].starts_with("DATE        CODE  EVENT"), "{table}");
    assert_eq!(
        lines.len() - 1,
        order.len(),
        "one line per event id:\n{table}"
    );
    let header_code = lines[0].find("CODE").unwrap();
    let header_arrow = lines[0].find("SOURCE -> TARGET").unwrap();
    for (line, id) in lines[1..].iter().zip(&order) {
        let e = &first[id];
        assert!(line.chars().count() <= 110, "{line}");
        let chars: Vec<char> = line.chars().collect();
        let code: String = chars[header_code..header_code + 4].iter().collect();
        assert_eq!(code.trim_end(), e.code, "{line}");
        let name = CameoTable::global().get(&e.code).unwrap().name;
        let shown: String = chars[header_code + 6..header_arrow].iter().collect();
        let shown = shown.trim_end().trim_end_matches('…');
        assert!(name.starts_with(shown), "{shown:?} is not {name:?}: {line}");
        assert!(
            line.starts_with(&e.event_date.format("%Y").to_string()),
            "{line}"
        );
        let source = e.source.as_ref().map_or("-", |a| a.name.as_str());
        let who: String = chars[header_arrow..].iter().collect();
        assert!(
            who.starts_with(&source.chars().take(10).collect::<String>()),
            "{line}"
        );
    }
    // Standard error is not a terminal here: no progress line, no escape sequences.
    assert!(
        !stderr.contains('\r') && !stderr.contains('\x1b'),
        "{stderr:?}"
    );
    assert!(stderr.contains("events as table to stdout"), "{stderr}");
}

#[test]
fn run_as_gdelt_writes_the_codebook_columns_one_line_per_event_id() {
    let dir = tempfile::tempdir().unwrap();
    let input = real_articles(dir.path());
    let input = input.to_str().unwrap();
    let jsonl = dir.path().join("events.jsonl");
    let gdelt = dir.path().join("events.gdelt");
    let csv = dir.path().join("events.csv");
    dragoman(
        &["run", "--input", input, "--output", jsonl.to_str().unwrap()],
        &[],
    );
    // An export of that same events file is what run --format gdelt writes.
    let started = Instant::now();
    let (_, stderr) = dragoman(
        &[
            "export",
            "--input",
            jsonl.to_str().unwrap(),
            "--output",
            gdelt.to_str().unwrap(),
        ],
        &[],
    );
    eprintln!("export of {input}: {:.2?}", started.elapsed());
    let published = events(&std::fs::read_to_string(&jsonl).unwrap());
    let (latest, order) = latest(&published);
    assert!(order.len() > 400, "{} events", order.len());
    assert!(stderr.contains("export: reading"), "{stderr}");

    let text = std::fs::read_to_string(&gdelt).unwrap();
    let rows = gdelt_rows(&text);
    assert_eq!(rows.len(), order.len(), "one line per event id");
    let ids: Vec<u64> = rows.iter().map(|r| r[0].parse().unwrap()).collect();
    let expected: Vec<u64> = order.iter().map(|id| global_id(id)).collect();
    assert_eq!(
        ids, expected,
        "GLOBALEVENTID from event_id, in first-seen order"
    );
    assert_eq!(ids.iter().collect::<BTreeSet<_>>().len(), ids.len());
    for (row, id) in rows.iter().zip(&order) {
        check_row(row, &latest[id]);
    }
    // The columns dragoman cannot fill are empty in every row (docs/export.md says why); the
    // others are filled where the events have what they hold.
    let empty_everywhere = |name: &str| rows.iter().all(|r| r[col(name)].is_empty());
    let mut never_filled = vec!["AvgTone", "ActionGeo_ADM2Code"];
    for geo in ["Actor1Geo", "Actor2Geo"] {
        for what in [
            "FullName",
            "CountryCode",
            "ADM1Code",
            "ADM2Code",
            "Lat",
            "Long",
            "FeatureID",
        ] {
            never_filled.push(CODEBOOK[col(&format!("{geo}_{what}"))]);
        }
    }
    for name in never_filled {
        assert!(empty_everywhere(name), "{name} filled");
    }
    for name in [
        "Actor1Code",
        "Actor1CountryCode",
        "Actor1KnownGroupCode",
        "Actor1Type1Code",
        "Actor2Code",
        "Actor2CountryCode",
        "Actor2Type1Code",
        "ActionGeo_FullName",
        "ActionGeo_CountryCode",
        "ActionGeo_ADM1Code",
        "ActionGeo_Lat",
        "ActionGeo_FeatureID",
    ] {
        assert!(!empty_everywhere(name), "{name} never filled");
    }
    assert!(rows.iter().any(|r| r[col("IsRootEvent")] == "1"));
    assert!(rows.iter().any(|r| r[col("IsRootEvent")] == "0"));

    // run --format gdelt: the same rows, but for when the events were first seen.
    let (direct, stderr) = dragoman(&["run", "--input", input, "--format", "gdelt"], &[]);
    assert!(stderr.contains("events written as gdelt rows"), "{stderr}");
    let mask = |rows: Vec<Vec<&str>>| -> Vec<String> {
        rows.into_iter()
            .map(|mut r| {
                r[col("DATEADDED")] = "";
                r.join("\t")
            })
            .collect()
    };
    assert_eq!(mask(gdelt_rows(&direct)), mask(rows.clone()));

    // CSV: a header line of the codebook's names, then the same fields.
    dragoman(
        &[
            "run",
            "--input",
            input,
            "--format",
            "csv",
            "--output",
            csv.to_str().unwrap(),
        ],
        &[],
    );
    let csv = std::fs::read_to_string(&csv).unwrap();
    let mut lines = csv.lines();
    assert_eq!(lines.next().unwrap(), CODEBOOK.join(","));
    assert_eq!(lines.count(), rows.len());

    read_with_gdelt_py(&gdelt, &rows, &latest, &order);
}

/// The export read back by gdeltPyR (`gdelt` on PyPI) as it reads GDELT's own files, in a
/// virtual environment under target/. Where Python or the package cannot be installed it
/// says so and returns: the column checks above have run either way.
fn read_with_gdelt_py(
    file: &Path,
    rows: &[Vec<&str>],
    latest: &HashMap<String, Event>,
    order: &[String],
) {
    let Some(python) = gdelt_venv() else {
        return;
    };
    let out = Command::new(&python)
        .arg(workspace_root().join("tests/gdelt_reader.py"))
        .arg(file)
        .output()
        .expect("running gdelt_reader.py");
    assert!(
        out.status.success(),
        "gdeltPyR could not read the export: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let read: Value = serde_json::from_slice(&out.stdout).expect("the reader's JSON");
    // gdeltPyR names the 61 columns from its copy of the codebook and adds the description of
    // the event code from its own CAMEO table after EventCode.
    let columns: Vec<&str> = read["columns"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c.as_str().unwrap())
        .filter(|c| *c != "CAMEOCodeDescription")
        .collect();
    assert_eq!(columns, CODEBOOK);
    let dtypes = &read["dtypes"];
    for c in [
        "GLOBALEVENTID",
        "SQLDATE",
        "MonthYear",
        "Year",
        "QuadClass",
        "NumMentions",
        "DATEADDED",
    ] {
        assert_eq!(dtypes[c], "int64", "{c}: {dtypes}");
    }
    for c in ["FractionDate", "GoldsteinScale", "ActionGeo_Lat"] {
        assert_eq!(dtypes[c], "float64", "{c}: {dtypes}");
    }
    let got = read["rows"].as_array().unwrap();
    assert_eq!(got.len(), rows.len());
    for (r, id) in got.iter().zip(order) {
        let e = &latest[id];
        let ctx = format!("{r}\n{e:?}");
        assert_eq!(r["GLOBALEVENTID"].as_u64(), Some(global_id(id)), "{ctx}");
        let sqldate: u64 = e.event_date.format("%Y%m%d").to_string().parse().unwrap();
        assert_eq!(r["SQLDATE"].as_u64(), Some(sqldate), "{ctx}");
        // Read as strings, with their leading zeros.
        assert_eq!(r["EventCode"], e.code.as_str(), "{ctx}");
        assert_eq!(r["EventRootCode"], e.root_code.as_str(), "{ctx}");
        // gdeltPyR finds the code in its own CAMEO table.
        let described = r["CAMEOCodeDescription"].as_str().unwrap_or_default();
        assert!(
            !described.is_empty() && !described.starts_with("No Description"),
            "gdeltPyR does not know code {}: {ctx}",
            e.code
        );
        assert_eq!(
            r["QuadClass"].as_u64(),
            Some(u64::from(e.quad_class)),
            "{ctx}"
        );
        assert_eq!(
            r["NumMentions"].as_u64(),
            Some(u64::from(e.mentions.num_mentions)),
            "{ctx}"
        );
        let country = e.source.as_ref().and_then(|a| a.country.as_deref());
        if let Some(country) = country {
            assert_eq!(r["Actor1CountryCode"], country, "{ctx}");
        }
        match &e.location {
            Some(l) => {
                let lat = r["ActionGeo_Lat"].as_f64().unwrap();
                assert!((lat - l.lat).abs() < 1e-4, "{ctx}");
            }
            None => assert!(r["ActionGeo_Lat"].is_null(), "{ctx}"),
        }
        assert!(r["AvgTone"].is_null(), "{ctx}");
    }
    eprintln!("gdeltPyR read {} rows of 61 columns", got.len());
}

/// The reader and the versions it was tested with (pandas and numpy pinned too: a later major
/// version may change what read_csv makes of the columns).
const GDELT_READER: [&str; 3] = ["gdelt==0.1.14", "pandas==3.1.1", "numpy==2.4.6"];

/// A virtual environment with gdeltPyR, made once under target/ (`pip install gdelt==0.1.14`);
/// its python, or `None` (with the reason printed) where it cannot be made.
fn gdelt_venv() -> Option<PathBuf> {
    let target = std::env::var("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|_| workspace_root().join("target"));
    let venv = target.join("gdelt-reader-venv");
    let python = venv.join("bin/python");
    let ready = venv.join(".installed");
    // Made before with these versions: use it.
    if std::fs::read_to_string(&ready).is_ok_and(|v| v == GDELT_READER.join("\n")) {
        return Some(python);
    }
    let skip = |why: String| {
        eprintln!("SKIP gdeltPyR read-back: {why}; the column checks ran without it");
        None
    };
    // Built beside its final place and renamed, so that a half-made one is never used.
    let building = target.join(format!("gdelt-reader-venv.{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&building);
    let made = Command::new("python3")
        .args(["-m", "venv"])
        .arg(&building)
        .output();
    match made {
        Ok(o) if o.status.success() => {}
        Ok(o) => {
            return skip(format!(
                "python3 -m venv: {}",
                String::from_utf8_lossy(&o.stderr)
            ))
        }
        Err(e) => return skip(format!("no python3: {e}")),
    }
    let pip = Command::new(building.join("bin/pip"))
        .args(["install", "--quiet", "--disable-pip-version-check"])
        .args(GDELT_READER)
        .output();
    match pip {
        Ok(o) if o.status.success() => {}
        Ok(o) => {
            let _ = std::fs::remove_dir_all(&building);
            return skip(format!(
                "pip install {}: {}",
                GDELT_READER.join(" "),
                String::from_utf8_lossy(&o.stderr)
            ));
        }
        Err(e) => return skip(format!("pip: {e}")),
    }
    std::fs::write(building.join(".installed"), GDELT_READER.join("\n")).unwrap();
    let _ = std::fs::remove_dir_all(&venv);
    if std::fs::rename(&building, &venv).is_err() {
        // Another test process won the race: use its environment.
        let _ = std::fs::remove_dir_all(&building);
    }
    ready.exists().then_some(python)
}

#[test]
fn export_keeps_the_latest_revision_of_each_event_whatever_the_order() {
    let dir = tempfile::tempdir().unwrap();
    let input = workspace_root().join("examples/articles.jsonl");
    let (jsonl, _) = dragoman(
        &[
            "run",
            "--input",
            input.to_str().unwrap(),
            "--format",
            "jsonl",
        ],
        &[],
    );
    let published = events(&jsonl);
    let (_, order) = latest(&published);
    // Several revisions of every event: two more for each, with growing counts, written
    // newest first for half of them (as a topic read across partitions may give them) and
    // with the first revision again at the end (a redelivery), plus a line that is no event.
    let mut lines = Vec::new();
    let mut bad_line = 0;
    let mut expected: HashMap<String, (u32, u32)> = HashMap::new();
    for (i, e) in published.iter().enumerate() {
        let mut revisions = vec![e.clone()];
        for step in 1..=2 {
            let mut r = e.clone();
            r.revision = e.revision + step;
            r.mentions.num_mentions = e.mentions.num_mentions + 10 * step;
            revisions.push(r);
        }
        if i % 2 == 0 {
            revisions.reverse();
        }
        revisions.push(e.clone());
        for r in &revisions {
            let best = expected.entry(r.event_id.clone()).or_insert((0, 0));
            if r.revision >= best.0 {
                *best = (r.revision, r.mentions.num_mentions);
            }
            lines.push(serde_json::to_string(r).unwrap());
        }
        if i == 3 {
            lines.push("{\"not\": \"an event\"}".to_owned());
            bad_line = lines.len();
        }
    }
    let file = dir.path().join("revisions.jsonl");
    std::fs::write(&file, lines.join("\n") + "\n").unwrap();

    let (out, stderr) = dragoman(&["export", "--input", file.to_str().unwrap()], &[]);
    let rows = gdelt_rows(&out);
    assert_eq!(rows.len(), order.len(), "one row per event id");
    let ids: Vec<u64> = rows.iter().map(|r| r[0].parse().unwrap()).collect();
    assert_eq!(
        ids,
        order.iter().map(|id| global_id(id)).collect::<Vec<_>>()
    );
    for (row, id) in rows.iter().zip(&order) {
        let (_, mentions) = expected[id];
        assert_eq!(
            row[col("NumMentions")],
            mentions.to_string(),
            "{id}: {row:?}"
        );
    }
    assert!(
        stderr.contains(&format!(":{bad_line}: skipped: not an event")),
        "the bad line is reported with its number: {stderr}"
    );
    assert!(
        stderr.contains(&format!(
            "{} records (1 bad, 0 tombstones), {} events",
            lines.len(),
            order.len()
        )),
        "{stderr}"
    );
}

#[test]
fn a_long_run_on_a_terminal_shows_progress_then_erases_it() {
    if !tmux::Tmux::available() {
        eprintln!("SKIP: tmux is not installed (`make test` installs it: scripts/ensure-deps.sh)");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let corpus = dir.path().join("corpus.jsonl");
    let corpus = corpus.to_str().unwrap();
    dragoman(
        &[
            "loadgen",
            "--count",
            "3000",
            "--seed",
            "13",
            "--bad-fraction",
            "0",
            "--output",
            corpus,
        ],
        &[],
    );
    let bin = dragoman_bin();
    let command = format!(
        "{} run --input {corpus} --output /dev/null; echo RUN-EXITED $?; sleep 120",
        bin.display()
    );
    let term = tmux::Tmux::start(&command, 160, 20, &[]);
    let progress = |screen: &str| {
        screen.lines().any(|l| {
            l.starts_with("dragoman run: ")
                && l.contains(" articles, ")
                && l.contains("/s, ")
                && l.contains(" events, ")
                && l.contains(" bad lines")
                && l.ends_with(" left")
        })
    };
    let seen = term.wait_for("the progress line", Duration::from_secs(120), |s| {
        progress(s) || s.contains("RUN-EXITED")
    });
    assert!(
        progress(&seen),
        "the run ended before a progress line:\n{seen}"
    );
    let end = term.wait_for("the end of the run", Duration::from_secs(300), |s| {
        s.contains("RUN-EXITED")
    });
    assert!(end.contains("RUN-EXITED 0"), "{end}");
    assert!(end.contains("dragoman run: 3000 records"), "{end}");
    assert!(
        !progress(&end),
        "the progress line is erased at the end:\n{end}"
    );
}
