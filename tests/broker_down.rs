//! A broker that is down at start: the service says so on /ready, keeps retrying, and
//! processes once the broker comes up.

use std::time::{Duration, Instant};

use dragoman_e2e::{article, free_port, Broker, Env};

#[test]
fn service_waits_for_a_broker_that_is_down_at_start() {
    let port = free_port();
    let env = Env::new("broker-down", &format!("127.0.0.1:{port}"));
    let mut ingest = env.start("ingest", &[]);

    // Alive, not ready, and the reason names the broker.
    let deadline = Instant::now() + Duration::from_secs(20);
    let body = loop {
        if let Some((503, body)) = ingest.get("/ready") {
            if body.contains("broker") {
                break body;
            }
        }
        assert!(
            Instant::now() < deadline,
            "no 503 naming the broker:\n{}",
            ingest.log()
        );
        std::thread::sleep(Duration::from_millis(100));
    };
    assert!(body.contains("not ready"), "{body}");
    assert_eq!(ingest.get("/live").map(|r| r.0), Some(200));
    std::thread::sleep(Duration::from_secs(3));
    assert_eq!(
        ingest.metric("dragoman_broker_connected{stage=\"ingest\"}"),
        0.0
    );
    assert!(
        ingest.log().contains("broker"),
        "the log says why:\n{}",
        ingest.log()
    );

    let _broker = Broker::start_on(port);
    ingest.wait_ready(Duration::from_secs(60));
    assert_eq!(
        ingest.metric("dragoman_broker_connected{stage=\"ingest\"}"),
        1.0
    );
    let body = "Russia and Libya signed a cooperation agreement in Moscow on Monday.";
    env.produce(
        &env.topic("articles.raw"),
        &[(
            Some("late-1"),
            article("late-1", "late.example", "2019-03-25T09:30:00Z", body),
        )],
    );
    ingest.wait_metric(
        "dragoman_records_out_total{stage=\"ingest\"}",
        1.0,
        Duration::from_secs(60),
    );
    let (status, _) = ingest.terminate(Duration::from_secs(15));
    assert!(status.success());
}

#[test]
fn sigterm_with_the_broker_unreachable_exits_zero_at_once() {
    // Once: a service waiting on an unreachable broker to create its topics ignored SIGTERM
    // until the grace period ran out, then exited 1.
    for create in ["true", "false"] {
        let port = free_port();
        let env = Env::new("sigterm-no-broker", &format!("127.0.0.1:{port}"));
        for stage in ["ingest", "dedup"] {
            let mut svc = env.start(stage, &[("DRAGOMAN__TOPICS__CREATE", create)]);
            std::thread::sleep(Duration::from_secs(2));
            let (status, took) = svc.terminate(Duration::from_secs(30));
            assert!(
                status.success(),
                "{stage} (topics.create={create}) exited {status:?}:\n{}",
                svc.log()
            );
            assert!(
                took < Duration::from_secs(5),
                "{stage} (topics.create={create}) took {took:?} to stop:\n{}",
                svc.log()
            );
        }
    }
}
