//! Issue finding "`dragoman loadgen` reported 6,000 records sent during a broker outage that the
//! broker never stored (delivery reports ignored)": `loadgen` and `produce` count a record only
//! once the broker acknowledges it, report what failed and its first error, and exit non-zero
//! when a record was not delivered.

use std::process::{Command, Output};
use std::time::Duration;

use dragoman_e2e::{article, dragoman_bin, free_port, Broker, Env};

/// Runs `dragoman args` with `env`'s variables plus `extra`.
fn dragoman(env: &Env, args: &[&str], extra: &[(&str, &str)]) -> (Output, String) {
    let out = Command::new(dragoman_bin())
        .args(args)
        .envs(&env.vars)
        .envs(extra.iter().copied())
        .env("NO_COLOR", "1")
        .output()
        .expect("running dragoman");
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    (out, stderr)
}

/// A JSONL file of `n` articles.
fn articles_file(dir: &std::path::Path, n: usize) -> String {
    let path = dir.join("articles.jsonl");
    let mut text = Vec::new();
    for i in 0..n {
        text.extend(article(
            &format!("a{i}"),
            "example.ly",
            "2019-03-25T09:30:00Z",
            "Russia and Libya signed a cooperation agreement in Moscow on Monday.",
        ));
        text.push(b'\n');
    }
    std::fs::write(&path, text).unwrap();
    path.display().to_string()
}

#[test]
fn loadgen_with_no_broker_listening_reports_nothing_delivered_and_fails() {
    let env = Env::new("loadgen-nobroker", &format!("127.0.0.1:{}", free_port()));
    let args = ["loadgen", "--count", "50", "--delivery-timeout", "2"];
    // The topic exists already (no creation): every record times out in the client.
    let (out, stderr) = dragoman(&env, &args, &[("DRAGOMAN__TOPICS__CREATE", "false")]);
    assert!(!out.status.success(), "{stderr}");
    assert!(
        stderr.contains("0 of 50 records acknowledged by the broker, 50 not delivered"),
        "{stderr}"
    );
    assert!(stderr.contains("first error: "), "{stderr}");
    assert!(
        stderr.contains("50 of 50 records not delivered"),
        "{stderr}"
    );

    // The topic to create: the creation gives up within the same timeout.
    let started = std::time::Instant::now();
    let (out, stderr) = dragoman(&env, &args, &[]);
    assert!(!out.status.success(), "{stderr}");
    assert!(stderr.contains("0 records acknowledged"), "{stderr}");
    assert!(started.elapsed() < Duration::from_secs(30), "{stderr}");
}

#[test]
fn produce_with_no_broker_listening_reports_nothing_delivered_and_fails() {
    let dir = tempfile::tempdir().unwrap();
    let input = articles_file(dir.path(), 20);
    let env = Env::new("produce-nobroker", &format!("127.0.0.1:{}", free_port()));
    let topic = env.topic("articles.raw");
    let (out, stderr) = dragoman(
        &env,
        &[
            "produce",
            "--topic",
            &topic,
            "--delivery-timeout",
            "2",
            &input,
        ],
        &[("DRAGOMAN__TOPICS__CREATE", "false")],
    );
    assert!(!out.status.success(), "{stderr}");
    assert!(
        stderr.contains("0 of 20 records acknowledged by the broker, 20 not delivered"),
        "{stderr}"
    );
    assert!(
        stderr.contains("20 of 20 records not delivered"),
        "{stderr}"
    );
}

#[test]
fn loadgen_counts_the_records_the_broker_acknowledged() {
    let broker = Broker::shared();
    let env = Env::new("loadgen-acked", &broker.brokers());
    let (out, stderr) = dragoman(
        &env,
        &[
            "loadgen",
            "--count",
            "300",
            "--seed",
            "3",
            "--bad-fraction",
            "0.05",
        ],
        &[],
    );
    assert!(out.status.success(), "{stderr}");
    assert!(
        stderr.contains("loadgen: 300 of 300 records acknowledged by the broker,"),
        "{stderr}"
    );
    assert_eq!(env.read(&env.topic("articles.raw")).len(), 300, "{stderr}");
}

#[test]
fn produce_counts_the_records_the_broker_acknowledged() {
    let broker = Broker::shared();
    let env = Env::new("produce-acked", &broker.brokers());
    let dir = tempfile::tempdir().unwrap();
    let input = articles_file(dir.path(), 120);
    let topic = env.topic("articles.raw");
    let (out, stderr) = dragoman(&env, &["produce", "--topic", &topic, &input], &[]);
    assert!(out.status.success(), "{stderr}");
    assert!(
        stderr.contains("produce: 120 of 120 records acknowledged by the broker, to "),
        "{stderr}"
    );
    assert_eq!(env.read(&topic).len(), 120);
}

/// The outage of the issue: the broker is there (connections open) but answers nothing.
#[test]
fn loadgen_during_a_broker_outage_counts_none_of_the_records_sent_into_it() {
    // A broker of its own: freezing the shared one would stall the other tests.
    let broker = Broker::start_on(free_port());
    let env = Env::new("loadgen-outage", &broker.brokers());
    let (out, stderr) = dragoman(&env, &["loadgen", "--count", "20"], &[]);
    assert!(out.status.success(), "{stderr}");
    assert!(stderr.contains("20 of 20 records acknowledged"), "{stderr}");

    broker.signal("-STOP");
    let frozen = dragoman(
        &env,
        &["loadgen", "--count", "30", "--delivery-timeout", "3"],
        &[("DRAGOMAN__TOPICS__CREATE", "false")],
    );
    broker.signal("-CONT");
    let (out, stderr) = frozen;
    assert!(!out.status.success(), "{stderr}");
    assert!(
        stderr.contains("0 of 30 records acknowledged by the broker, 30 not delivered"),
        "{stderr}"
    );
    // What the broker holds after the outage: at least what was acknowledged.
    assert!(env.read(&env.topic("articles.raw")).len() >= 20);
}
