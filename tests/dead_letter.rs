//! Records that cannot be dead-lettered whole: never retried forever, never a stall.

use std::time::Duration;

use dragoman_e2e::{article, Broker, Env};
use dragoman_runtime::dead_letter::{HEADER_ORIGINAL_SIZE, HEADER_ORIGINAL_XXH3, HEADER_TRUNCATED};

#[test]
fn a_record_just_under_the_broker_limit_is_dead_lettered_truncated_and_ingest_goes_on() {
    // Once: its dead-letter copy plus headers was over the producer's message limit, ingest
    // retried "MessageSizeTooLarge" forever and consumed nothing else, while ready.
    let broker = Broker::shared();
    let env = Env::new("dlq-edge", &broker.brokers());
    let mut ingest = env.start("ingest", &[]);
    ingest.wait_ready(Duration::from_secs(60));

    let empty = br#"{"id":"edge","body":""}"#.len();
    let n = 16 * 1024 * 1024 - 120;
    let mut edge = br#"{"id":"edge","body":""#.to_vec();
    edge.extend(std::iter::repeat_n(b'x', n - empty));
    edge.extend_from_slice(br#""}"#);
    let body = "Russia and Libya signed a cooperation agreement in Moscow on Monday.";
    env.produce(
        &env.topic("articles.raw"),
        &[
            (Some("edge"), edge.clone()),
            (
                Some("after"),
                article("after", "example-news.ly", "2019-03-25T09:30:00Z", body),
            ),
        ],
    );

    let clean = env.read_until(&env.topic("articles.clean"), Duration::from_secs(90), |r| {
        !r.is_empty()
    });
    assert_eq!(
        clean.len(),
        1,
        "the next article is cleaned:\n{}",
        ingest.log()
    );
    let dlq = env.read_until(
        &env.topic("articles.raw.dlq"),
        Duration::from_secs(60),
        |r| !r.is_empty(),
    );
    let d = &dlq[0];
    assert_eq!(d.header("dragoman.error.reason"), Some("too_large"));
    assert_eq!(d.header(HEADER_TRUNCATED), Some("true"));
    let size = edge.len().to_string();
    assert_eq!(d.header(HEADER_ORIGINAL_SIZE), Some(size.as_str()));
    let hash = format!("{:016x}", xxhash_rust::xxh3::xxh3_64(&edge));
    assert_eq!(d.header(HEADER_ORIGINAL_XXH3), Some(hash.as_str()));
    let payload = d.payload.as_deref().unwrap_or_default();
    assert!(edge.starts_with(payload) && payload.len() < edge.len());
    assert_eq!(ingest.get("/ready").map(|r| r.0), Some(200));
    let (status, _) = ingest.terminate(Duration::from_secs(30));
    assert!(status.success());
}
