//! delivery = "exactly_once" on the local broker.
//!
//! tansu 0.6 serves InitProducerId, AddPartitionsToTxn, AddOffsetsToTxn and TxnOffsetCommit
//! but not EndTxn (API key 26, absent from its ApiVersions and from its request routes), so
//! no transaction can ever commit there. The service must refuse the configuration at start,
//! naming the reason, rather than consume and produce records nobody can read. When the
//! broker does offer EndTxn, the same test runs the stage transactionally end to end.

use std::time::Duration;

use dragoman_e2e::{article, json, Broker, Env};
use dragoman_runtime::kafka::{broker_api_versions, API_END_TXN};

#[test]
fn exactly_once_commits_transactions_or_refuses_a_broker_without_them() {
    let broker = Broker::shared();
    let env = Env::new("eos", &broker.brokers());
    let apis = broker_api_versions(&broker.brokers(), Duration::from_secs(5)).expect("ApiVersions");
    let mut ingest = env.start("ingest", &[("DRAGOMAN__DELIVERY", "exactly_once")]);

    if !apis.contains_key(&API_END_TXN) {
        let status = ingest.wait_exit(Duration::from_secs(30));
        assert!(!status.success());
        let log = ingest.log();
        assert!(
            log.contains("exactly_once") && log.contains("EndTxn"),
            "{log}"
        );
        return;
    }

    ingest.wait_ready(Duration::from_secs(60));
    let body = "Russia and Libya signed a cooperation agreement in Moscow on Monday.";
    env.produce(
        &env.topic("articles.raw"),
        &[(
            Some("tx-1"),
            article("tx-1", "tx.example", "2019-03-25T09:30:00Z", body),
        )],
    );
    let clean = env.read_until(&env.topic("articles.clean"), Duration::from_secs(60), |r| {
        !r.is_empty()
    });
    assert_eq!(json(&clean[0])["id"], "tx-1");
    let (status, _) = ingest.terminate(Duration::from_secs(15));
    assert!(status.success());
}
