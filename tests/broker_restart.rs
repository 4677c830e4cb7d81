//! A broker that restarts and loses its topics and producer state under the services (tansu's
//! memory storage does; real clusters lose topics, fence producers and restart too).
//!
//! Once: ingest and dedup retried "produce refused; error=Fatal" forever, extract sat at a lag
//! with nothing logged, and all three answered `/ready` 200 until restarted by hand. Now each
//! either moves records again or exits non-zero, so that an orchestrator restarts it; this
//! test plays the orchestrator.

use std::time::{Duration, Instant};

use dragoman_e2e::{article, free_port, Broker, Env, Service};
use dragoman_runtime::kafka::{ensure_topics, TopicSpec};
use dragoman_runtime::Shutdown;

fn recreate_topics(env: &Env) {
    let cfg = env.config();
    let t = &cfg.topics;
    let mut specs = Vec::new();
    for name in [
        &t.articles_raw,
        &t.articles_clean,
        &t.events_extracted,
        &t.events,
    ] {
        for topic in [name.clone(), t.dlq_of(name)] {
            specs.push(TopicSpec {
                name: topic,
                partitions: t.partitions,
                replication: t.replication_factor,
                compact: false,
            });
        }
    }
    specs.push(TopicSpec {
        name: t.dedup_changelog.clone(),
        partitions: t.partitions,
        replication: t.replication_factor,
        compact: true,
    });
    ensure_topics(&cfg.kafka, &specs, &Shutdown::new(), &|_| {}).expect("topics");
}

#[test]
fn after_a_broker_restart_records_move_again_or_the_services_exit_non_zero() {
    let port = free_port();
    let broker = Broker::start_on(port);
    let env = Env::new("broker-restart", &broker.brokers());
    let mut services: Vec<Service> = env.start_pipeline(Duration::from_secs(60)).into();
    let body = "Russia and Libya signed a cooperation agreement in Moscow on Monday.";
    let raw = env.topic("articles.raw");
    let events = env.topic("events");
    env.produce(
        &raw,
        &[(
            Some("r-1"),
            article("r-1", "a.example", "2019-03-25T09:30:00Z", body),
        )],
    );
    env.read_until(&events, Duration::from_secs(60), |r| !r.is_empty());

    drop(broker);
    let _broker = Broker::start_on(port);
    recreate_topics(&env);
    let body = "French President Emmanuel Macron visited Germany on Tuesday.";
    env.produce(
        &raw,
        &[(
            Some("r-2"),
            article("r-2", "b.example", "2019-03-26T09:30:00Z", body),
        )],
    );

    // Play the orchestrator: restart what exits, and require that it exits non-zero.
    let deadline = Instant::now() + Duration::from_secs(240);
    let mut restarts = Vec::new();
    loop {
        let moved =
            dragoman_runtime::tools::read_topic(&env.kafka(), &events, Duration::from_secs(10))
                .map(|r| !r.is_empty())
                .unwrap_or(false);
        if moved {
            break;
        }
        for svc in services.iter_mut() {
            if let Some(status) = svc.try_exit() {
                assert!(
                    !status.success(),
                    "{} exited 0 while stuck:\n{}",
                    svc.stage,
                    svc.log()
                );
                restarts.push(svc.stage.clone());
                *svc = env.start(&svc.stage.clone(), &[]);
            }
        }
        assert!(
            Instant::now() < deadline,
            "no event 4 minutes after the broker came back (restarts: {restarts:?}):\n{}",
            services
                .iter()
                .map(|s| format!("--- {}\n{}", s.stage, s.log()))
                .collect::<String>()
        );
        std::thread::sleep(Duration::from_millis(500));
    }
    eprintln!("records moved again; services restarted after exiting non-zero: {restarts:?}");
    for svc in services.iter_mut() {
        let (status, _) = svc.terminate(Duration::from_secs(30));
        assert!(status.success(), "{}:\n{}", svc.stage, svc.log());
    }
}
