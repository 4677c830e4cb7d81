//! `dragoman top` in a real terminal (tmux) against the three services on the local broker
//! under load: a line per stage with records moving, each ready, dead letters by reason; `q`
//! quits and says why. Then the `events` topic those services wrote, read back by
//! `dragoman export --topic`: one GDELT row per event id, its latest revision.

#[path = "support/tmux.rs"]
mod tmux;

use std::collections::HashMap;
use std::process::{Command, Stdio};
use std::time::Duration;

use dragoman_e2e::{dragoman_bin, Broker, Env};
use tmux::Tmux;

const READY: Duration = Duration::from_secs(90);

/// The numbers of a stage's line on top's screen: (state, in/s, out/s), if it is there.
fn stage_line(screen: &str, stage: &str) -> Option<(String, f64, f64)> {
    let line = screen
        .lines()
        .find(|l| l.split_whitespace().next() == Some(stage))?;
    let fields: Vec<&str> = line.split_whitespace().collect();
    // STAGE ADMIN STATE IN/S OUT/S LAG DLQ/S DLQ P99; the state "not ready" is two words.
    let (state, rest) = match fields.get(2)? {
        &"not" => ("not ready".to_owned(), &fields[4..]),
        s => ((*s).to_owned(), &fields[3..]),
    };
    let num = |i: usize| {
        rest.get(i)
            .and_then(|v| v.parse::<f64>().ok())
            .unwrap_or(0.0)
    };
    Some((state, num(0), num(1)))
}

#[test]
fn top_shows_each_stage_live_and_quits_on_q() {
    if !Tmux::available() {
        eprintln!("SKIP: tmux is not installed (`make test` installs it: scripts/ensure-deps.sh)");
        return;
    }
    let broker = Broker::shared();
    let mut env = Env::new("top", &broker.brokers());
    // Over-sized records then fit in a Kafka record and reach the DLQ as `too_large`.
    env.set("DRAGOMAN__INGEST__MAX_BYTES", "65536");
    let mut services = env.start_pipeline(READY);
    let mut loadgen = Command::new(dragoman_bin())
        .args(["loadgen", "--count", "3000", "--rate", "60", "--seed", "13"])
        .args(["--bad-fraction", "0.03", "--copy-fraction", "0.25"])
        .envs(&env.vars)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("starting loadgen");

    let admins: Vec<&str> = services.iter().map(|s| s.admin.as_str()).collect();
    let command = format!(
        "{} top --admin {}; echo TOP-EXITED $?; sleep 120",
        dragoman_bin().display(),
        admins.join(",")
    );
    let term = Tmux::start(&command, 150, 30, &[]);
    let live = |screen: &str| {
        ["ingest", "extract", "dedup"].iter().all(|stage| {
            stage_line(screen, stage).is_some_and(|(state, records_in, records_out)| {
                state == "ready" && records_in > 0.0 && records_out > 0.0
            })
        }) && screen.contains("dead letters by reason:")
    };
    let screen = term.wait_for("three stages ready with records moving", READY, live);
    eprintln!("{screen}");
    assert!(
        screen.starts_with("dragoman top: 3 services, every 1s, q quits"),
        "{screen}"
    );
    for admin in &admins {
        assert!(screen.contains(admin), "{admin} missing:\n{screen}");
    }
    let dead = screen
        .lines()
        .skip_while(|l| !l.starts_with("dead letters by reason:"))
        .nth(1)
        .unwrap_or_default();
    assert!(
        dead.trim_start().starts_with("ingest") && dead.contains(' '),
        "dead letters by reason: {dead:?}\n{screen}"
    );
    assert!(screen.contains("end-to-end p99 (dedup "), "{screen}");

    term.send_keys("q");
    let end = term.wait_for("top to quit", Duration::from_secs(10), |s| {
        s.contains("TOP-EXITED")
    });
    assert!(end.contains("top: stopped: q pressed"), "{end}");
    assert!(end.contains("TOP-EXITED 0"), "{end}");

    // Off a terminal, `--frames 1` prints one frame as text.
    let out = Command::new(dragoman_bin())
        .args(["top", "--admin", &admins.join(","), "--frames", "1"])
        .output()
        .expect("dragoman top --frames 1");
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    for stage in ["ingest", "extract", "dedup"] {
        assert!(stage_line(&text, stage).is_some(), "{stage}:\n{text}");
    }
    assert!(!text.contains('\x1b'), "plain text, no escapes: {text:?}");

    // The events topic, now still: export keeps the latest revision of each event id.
    let _ = loadgen.kill();
    let _ = loadgen.wait();
    for s in services.iter_mut() {
        let (status, _) = s.terminate(Duration::from_secs(30));
        assert!(status.success(), "{} exited with {status}", s.stage);
    }
    let topic = env.topic("events");
    let records = env.read(&topic);
    let mut latest: HashMap<String, (u64, u64)> = HashMap::new();
    for r in &records {
        let e: serde_json::Value = serde_json::from_slice(r.payload.as_deref().unwrap()).unwrap();
        let id = e["event_id"].as_str().unwrap().to_owned();
        let revision = e["revision"].as_u64().unwrap();
        let mentions = e["mentions"]["num_mentions"].as_u64().unwrap();
        let best = latest.entry(id).or_insert((0, 0));
        if revision >= best.0 {
            *best = (revision, mentions);
        }
    }
    assert!(
        records.len() > latest.len(),
        "revisions on the topic: {} records, {} events",
        records.len(),
        latest.len()
    );
    let out = Command::new(dragoman_bin())
        .args(["export", "--topic"])
        .envs(&env.vars)
        .output()
        .expect("dragoman export --topic");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    assert!(
        stderr.contains(&format!("export: reading topic {topic} on {}", env.brokers)),
        "it says what it reads: {stderr}"
    );
    let text = String::from_utf8_lossy(&out.stdout);
    let rows: Vec<Vec<&str>> = text.lines().map(|l| l.split('\t').collect()).collect();
    assert_eq!(rows.len(), latest.len(), "one row per event id");
    let by_gdelt_id: HashMap<u64, u64> = latest
        .iter()
        .map(|(id, (_, mentions))| {
            let gdelt_id = u64::from_str_radix(id, 16).unwrap() & (i64::MAX as u64);
            (gdelt_id, *mentions)
        })
        .collect();
    for r in &rows {
        assert_eq!(r.len(), 61);
        let id: u64 = r[0].parse().unwrap();
        assert_eq!(
            r[31],
            by_gdelt_id[&id].to_string(),
            "NumMentions of the latest revision"
        );
    }

    // `consume --format` writes the topic's events as run and export do.
    let consume = |format: &str| env.dragoman(&["consume", "--topic", &topic, "--format", format]);
    assert_eq!(
        consume("gdelt"),
        text,
        "consume --format gdelt is the export"
    );
    let table = consume("table");
    assert!(table.starts_with("DATE        CODE  EVENT"), "{table}");
    assert_eq!(
        table.lines().count(),
        latest.len() + 1,
        "one line per event"
    );
    assert_eq!(
        consume("jsonl").lines().count(),
        records.len(),
        "every revision"
    );
}
