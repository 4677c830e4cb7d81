//! The loop's delivery guarantees, one test each, against the in-memory clients of `fake.rs`
//! and tokio's paused clock (the commit interval and the resend pause pass by `advance`).

use std::sync::Arc;
use std::time::Duration;

use rdkafka::error::RDKafkaErrorCode;
use tokio::time::advance;

use super::fake::{
    service, service_with, Event, Fake, Handle, Logged, CHANGELOG, COMMIT_EVERY, INPUT,
};
use super::processor::{InputRecord, OutputRecord, Processor, Verdict};
use super::produce::{MAX_RESENDS, RESEND_PAUSE};
use super::run_loop::Loop;
use super::ServiceError;
use crate::dead_letter::{
    HEADER_ORIGINAL_SIZE, HEADER_REASON, HEADER_SOURCE_OFFSET, HEADER_SOURCE_PARTITION,
    HEADER_SOURCE_TOPIC, HEADER_STAGE, HEADER_TRUNCATED,
};

/// A record "name:n" produces the outputs "name.0" .. "name.{n-1}" (one without ":n");
/// "bad" is rejected. With a changelog, a record's first output is its changelog record.
struct Stage {
    changelog: bool,
}

impl Processor for Stage {
    fn process(&mut self, record: &InputRecord<'_>) -> Verdict {
        let text = std::str::from_utf8(record.payload.unwrap_or_default()).unwrap();
        if text == "bad" {
            return Verdict::DeadLetter {
                reason: "invalid_json",
                message: "not JSON".into(),
            };
        }
        let (name, n) = match text.split_once(':') {
            Some((name, n)) => (name, n.parse().unwrap()),
            None => (text, 1),
        };
        let mut outputs = Vec::new();
        if self.changelog {
            let state = name.as_bytes().to_vec();
            outputs.push(OutputRecord::new(Arc::from(CHANGELOG), None, state));
        }
        for i in 0..n {
            let payload = format!("{name}.{i}").into_bytes();
            outputs.push(OutputRecord::new(Arc::from("out"), None, payload));
        }
        Verdict::Produce(outputs)
    }
}

fn stage() -> (Loop<Stage, Fake>, Handle) {
    service(Stage { changelog: false }, false)
}

fn turns(service: &mut Loop<Stage, Fake>, n: usize) {
    for _ in 0..n {
        assert!(service.turn().expect("no failure"), "not shut down");
    }
}

/// Lets the commit interval pass and turns once, so that what is committable is committed.
async fn commit_tick(service: &mut Loop<Stage, Fake>) {
    advance(COMMIT_EVERY).await;
    turns(service, 1);
}

#[tokio::test(start_paused = true)]
async fn an_offset_is_committed_only_after_every_output_of_its_record_is_acknowledged() {
    let (mut service, h) = stage();
    h.push(Event::Assign(vec![0]));
    h.record(0, 10, "a:2");
    turns(&mut service, 2);
    assert_eq!(h.sent_to("out"), ["a.0", "a.1"]);
    commit_tick(&mut service).await;
    h.ack(0);
    commit_tick(&mut service).await;
    assert_eq!(h.commits(), [], "one output of offset 10 is unacknowledged");
    h.ack(1);
    commit_tick(&mut service).await;
    assert_eq!(h.commits(), [(0, 11)]);
}

#[tokio::test(start_paused = true)]
async fn a_later_record_acknowledged_first_does_not_move_the_offset_past_an_earlier_one() {
    let (mut service, h) = stage();
    h.push(Event::Assign(vec![0]));
    for (offset, name) in [(0, "a"), (1, "b"), (2, "c")] {
        h.record(0, offset, name);
    }
    turns(&mut service, 4);
    h.ack(2);
    h.ack(1);
    commit_tick(&mut service).await;
    assert_eq!(h.commits(), [], "offset 0 is unacknowledged");
    h.ack(0);
    commit_tick(&mut service).await;
    assert_eq!(h.commits(), [(0, 3)]);
}

#[tokio::test(start_paused = true)]
async fn a_refused_output_is_sent_again_and_its_offset_waits_for_the_new_send() {
    let (mut service, h) = stage();
    h.push(Event::Assign(vec![0]));
    h.record(0, 0, "a");
    turns(&mut service, 2);
    h.refuse(0, RDKafkaErrorCode::NotEnoughReplicas);
    turns(&mut service, 1);
    assert_eq!(h.sent_to("out"), ["a.0"], "not before the resend pause");
    advance(RESEND_PAUSE).await;
    turns(&mut service, 1);
    assert_eq!(h.sent_to("out"), ["a.0", "a.0"]);
    commit_tick(&mut service).await;
    assert_eq!(h.commits(), []);
    h.ack(1);
    commit_tick(&mut service).await;
    assert_eq!(h.commits(), [(0, 1)]);
}

#[tokio::test(start_paused = true)]
async fn an_output_refused_for_its_size_is_dead_lettered_truncated_with_the_dead_letter_headers() {
    let (mut service, h) = stage();
    h.push(Event::Assign(vec![0]));
    h.record(0, 0, "a");
    turns(&mut service, 2);
    h.refuse(0, RDKafkaErrorCode::MessageSizeTooLarge);
    turns(&mut service, 1);
    advance(RESEND_PAUSE).await;
    turns(&mut service, 1);
    let dlq = format!("{INPUT}.dlq");
    assert_eq!(h.sent_to(&dlq), ["a.0"]);
    {
        let script = h.script();
        let letter = &script.sent[1];
        let header = |k: &str| {
            let v = letter.headers.iter().find(|(n, _)| n == k);
            v.map(|(_, v)| String::from_utf8_lossy(v).into_owned())
        };
        assert_eq!(header(HEADER_STAGE).as_deref(), Some("extract"));
        assert_eq!(header(HEADER_REASON).as_deref(), Some("too_large"));
        assert_eq!(header(HEADER_TRUNCATED).as_deref(), Some("true"));
        assert_eq!(header(HEADER_ORIGINAL_SIZE).as_deref(), Some("3"));
    }
    h.ack(1);
    commit_tick(&mut service).await;
    assert_eq!(
        h.commits(),
        [(0, 1)],
        "the dead letter stands for the output"
    );
}

#[tokio::test(start_paused = true)]
async fn an_input_the_processor_rejects_is_dead_lettered_with_where_it_came_from() {
    let (mut service, h) = stage();
    h.push(Event::Assign(vec![1]));
    h.record(1, 7, "bad");
    turns(&mut service, 2);
    let script = h.script();
    let letter = &script.sent[0];
    assert_eq!(letter.topic, format!("{INPUT}.dlq"));
    assert_eq!(letter.payload, b"bad");
    let header = |k: &str| {
        let v = letter.headers.iter().find(|(n, _)| n == k);
        v.map(|(_, v)| String::from_utf8_lossy(v).into_owned())
    };
    assert_eq!(header(HEADER_REASON).as_deref(), Some("invalid_json"));
    assert_eq!(header(HEADER_SOURCE_TOPIC).as_deref(), Some(INPUT));
    assert_eq!(header(HEADER_SOURCE_PARTITION).as_deref(), Some("1"));
    assert_eq!(header(HEADER_SOURCE_OFFSET).as_deref(), Some("7"));
}

#[tokio::test(start_paused = true)]
async fn an_output_refused_again_and_again_stops_the_service_without_committing_its_offset() {
    let (mut service, h) = stage();
    h.push(Event::Assign(vec![0]));
    h.record(0, 0, "a");
    turns(&mut service, 2);
    let mut outcome = Ok(true);
    for sent in 0..=MAX_RESENDS as usize {
        h.refuse(sent, RDKafkaErrorCode::NotEnoughReplicas);
        outcome = service.turn();
        advance(RESEND_PAUSE).await;
        outcome = outcome
            .and_then(|_| service.turn())
            .and_then(|_| service.turn());
        if outcome.is_err() {
            break;
        }
    }
    assert!(
        matches!(outcome, Err(ServiceError::Producer(ref why)) if why.contains("refused")),
        "{:?}",
        outcome.map_err(|e| e.to_string())
    );
    assert_eq!(h.sent_to("out").len(), 1 + MAX_RESENDS as usize);
    let _ = service.close(Err(ServiceError::Producer("test".into())));
    assert_eq!(
        h.commits(),
        [],
        "the record is consumed again after the restart"
    );
}

#[tokio::test(start_paused = true)]
async fn revoked_partitions_are_drained_and_committed_before_they_leave() {
    let (mut service, h) = stage();
    h.push(Event::Assign(vec![0, 1]));
    h.record(0, 0, "a");
    h.record(1, 0, "b");
    h.record(0, 1, "c");
    h.push(Event::Revoke(vec![0]));
    turns(&mut service, 5);
    // The revocation flushed the producer: everything was acknowledged, then committed.
    assert_eq!(
        h.script().log,
        [
            Logged::Commit(0, 2),
            Logged::Commit(1, 1),
            Logged::Revoked(0)
        ]
    );
}

#[tokio::test(start_paused = true)]
async fn no_offset_of_a_revoked_partition_is_committed_after_its_revocation() {
    let (mut service, h) = stage();
    h.push(Event::Assign(vec![0, 1]));
    for offset in 0..3 {
        h.record(0, offset, &format!("p0-{offset}"));
    }
    h.record(1, 0, "p1");
    turns(&mut service, 5);
    h.ack(0);
    h.ack(1);
    // Offset 2's output is still in flight when partition 0 goes, and the flush gets nothing.
    h.script().stuck = true;
    h.push(Event::Revoke(vec![0]));
    turns(&mut service, 1);
    h.script().stuck = false;
    h.ack(2);
    h.ack(3);
    commit_tick(&mut service).await;
    commit_tick(&mut service).await;
    let log = h.script().log.clone();
    let revoked = log.iter().position(|l| *l == Logged::Revoked(0)).unwrap();
    assert_eq!(log[..revoked], [Logged::Commit(0, 2)]);
    assert_eq!(
        log[revoked + 1..],
        [Logged::Commit(1, 1)],
        "the late ack of offset 2 commits nothing of partition 0: its next owner replays it"
    );
}

#[tokio::test(start_paused = true)]
async fn outputs_held_for_a_revoked_partition_are_dropped_and_its_offset_left_for_the_next_owner() {
    let (mut service, h) = service(Stage { changelog: true }, true);
    h.push(Event::Assign(vec![0]));
    h.record(0, 0, "a");
    turns(&mut service, 2);
    assert_eq!(h.sent_to(CHANGELOG), ["a"]);
    assert_eq!(
        h.sent_to("out"),
        [] as [&str; 0],
        "held for the changelog record"
    );
    h.script().stuck = true;
    h.push(Event::Revoke(vec![0]));
    turns(&mut service, 1);
    h.script().stuck = false;
    h.ack(0);
    turns(&mut service, 2);
    commit_tick(&mut service).await;
    assert_eq!(
        h.sent_to("out"),
        [] as [&str; 0],
        "never sent by this member"
    );
    assert_eq!(h.commits(), []);
}

#[tokio::test(start_paused = true)]
async fn a_records_outputs_leave_only_after_its_changelog_records_are_acknowledged() {
    let (mut service, h) = service(Stage { changelog: true }, true);
    h.push(Event::Assign(vec![0]));
    h.record(0, 0, "a:2");
    turns(&mut service, 2);
    assert_eq!(h.sent_to(CHANGELOG), ["a"]);
    assert_eq!(h.sent_to("out"), [] as [&str; 0]);
    h.ack(0);
    turns(&mut service, 1);
    assert_eq!(h.sent_to("out"), ["a.0", "a.1"]);
    commit_tick(&mut service).await;
    assert_eq!(h.commits(), [], "the outputs are not acknowledged yet");
    h.ack(1);
    h.ack(2);
    commit_tick(&mut service).await;
    assert_eq!(h.commits(), [(0, 1)]);
}

#[tokio::test(start_paused = true)]
async fn shutdown_drains_the_records_in_flight_and_commits_them() {
    let (mut service, h) = stage();
    h.push(Event::Assign(vec![0]));
    h.record(0, 0, "a");
    h.record(0, 1, "b:2");
    turns(&mut service, 3);
    h.shutdown.trigger();
    assert!(!service.turn().unwrap(), "shutdown stops the loop");
    service.close(Ok(())).unwrap();
    assert_eq!(h.commits(), [(0, 2)]);
    assert!(
        h.script().log.contains(&Logged::Revoked(0)),
        "left the group"
    );
}

#[tokio::test(start_paused = true)]
async fn shutdown_never_commits_past_an_output_unacknowledged_at_the_deadline() {
    let (mut service, h) = stage();
    h.push(Event::Assign(vec![0]));
    for (offset, name) in [(0, "a"), (1, "b"), (2, "c")] {
        h.record(0, offset, name);
    }
    turns(&mut service, 4);
    h.ack(0);
    h.ack(2);
    h.script().stuck = true;
    h.shutdown.trigger();
    assert!(!service.turn().unwrap());
    service.close(Ok(())).unwrap();
    assert_eq!(
        h.commits(),
        [(0, 1)],
        "offset 1 and after are consumed again"
    );
}

/// A member that holds no partition while 5 records of partition 0 wait and the group's
/// committed offsets do not move (the member that owns them is dead); how many members this
/// process joined with after four session timeouts.
async fn joins_when_orphaned(watchdog: &str) -> usize {
    let setting = [("DRAGOMAN__KAFKA__STALL_WATCHDOG", watchdog)];
    let (mut service, h) = service_with(Stage { changelog: false }, false, &setting);
    h.script().high.insert(0, 5);
    for _ in 0..4 {
        advance(Duration::from_secs(10)).await;
        turns(&mut service, 1);
    }
    let joins = h.script().joins;
    joins
}

#[tokio::test(start_paused = true)]
async fn the_stall_watchdog_rejoins_a_group_whose_backlog_nobody_consumes_only_when_on() {
    assert_eq!(
        joins_when_orphaned("true").await,
        2,
        "rejoined as a new member"
    );
    assert_eq!(joins_when_orphaned("false").await, 1, "off: stays");
}
