//! Chaos: a mixed stream of at least 20,000 records (generated articles, plain and HTML,
//! syndicated copies, exact repeats, odd publication dates, and bad records of a dozen kinds)
//! flows through the three services while they are killed with SIGKILL ten times at random
//! moments, each restarted at once, and the broker is frozen once. When the pipeline is idle:
//!
//! - every valid article is accounted for: it gave events (as the evidence or among the
//!   mentions of one), or the coder finds no event in it, or it is in a dead-letter topic;
//! - every bad record is in `articles.raw.dlq`, under the reason ingest gives it;
//! - `(event_id, revision)` is unique in `events`, and each event's revisions only go up in
//!   topic order.
//!
//! What is valid, and what gives events, is decided by the embedded pipeline (`dragoman run`'s:
//! ingest, extract and dedup in one process) run here on the same bytes, beside the services,
//! not by the generator's intent; its own duplicates and regressions, if any, are printed
//! beside the services' so that dedup's logic can be told from what the kills add. The
//! services run on the default configuration (dedup's 72 h window included) but for the
//! tests' shorter timeouts (tests/support).
//!
//! Knobs (environment): `DRAGOMAN_CHAOS_RECORDS` (default 20000), `DRAGOMAN_CHAOS_KILLS` (10),
//! `DRAGOMAN_CHAOS_SEED` (default from the clock). The seed is printed: it replays the stream
//! and the schedule, though not the timing of the processes.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::hash::{DefaultHasher, Hash, Hasher};
use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use chrono::Utc;
use dragoman_e2e::{duplicate_revisions, free_port, json, Broker, Env, Record, Service};
use dragoman_loadgen::{BadKind, Generator, LoadgenOptions, RecordKind};
use dragoman_pipeline::{Pipeline, PipelineConfig, RecordOutcome};
use dragoman_runtime::tools::{list_topics, SimpleProducer};

#[path = "support/chaos.rs"]
mod support;
use support::{clock_seed, has_exited, log_tail, progress, revision_order, Progress, Rng};

const STAGES: [&str; 3] = ["ingest", "extract", "dedup"];
/// Records per second sent to `articles.raw`: about what the three debug-built services
/// manage together on 2 cores, so that the kills land while every stage has work.
const RATE: f64 = 300.0;
/// The broker freeze: shorter than the consumer session timeout (6 s in the tests' Env), see
/// tests/broker_pause.rs for why.
const PAUSE: Duration = Duration::from_secs(3);
const START: Duration = Duration::from_secs(120);
/// The pipeline is idle when every stage has no lag and counts nothing new for this many
/// samples, one a second.
const QUIET_SAMPLES: usize = 5;
/// A stage that holds no partition this long after the chaos is stuck.
const STUCK: Duration = Duration::from_secs(90);

/// A record as sent to `articles.raw`, and what the generator meant by it.
struct Sent {
    key: Option<String>,
    payload: Vec<u8>,
    kind: &'static str,
    /// Built to be refused by ingest (checked against ingest's verdict: a generator that
    /// meant a record to be bad and made a valid one tests nothing).
    meant_bad: bool,
}

/// Ingest's verdict on a record, and the extractor's on the article, computed here.
#[derive(Debug, Clone)]
enum Verdict {
    Valid {
        id: String,
        candidates: usize,
        /// Outlet and content hash: dedup takes the same content from the same outlet under
        /// another id for a redelivery of the article it counted first.
        twin: Twin,
    },
    Bad(&'static str),
}

/// An article's outlet and content hash.
type Twin = (Option<String>, String);

const LOADGEN_BAD: [(BadKind, &str); 6] = [
    (BadKind::InvalidJson, "invalid JSON"),
    (BadKind::NotUtf8, "not UTF-8"),
    (BadKind::JsonArray, "JSON array"),
    (BadKind::MissingBody, "missing body"),
    (BadKind::EmptyBody, "empty body"),
    (BadKind::WrongType, "wrong field type"),
];

/// Publication dates no parser should take.
const BAD_DATES: [&str; 9] = [
    "yesterday",
    "2019-02-30T10:00:00Z",
    "2019-13-01T00:00:00Z",
    "25/03/2019",
    "2019-03-25",
    "1553506200",
    "2019-03-25T25:00:00Z",
    "2019-03-25T09:30:00",
    "+10000-01-01T00:00:00Z",
];

/// Publication dates that are unusual but may be valid: ingest decides.
const ODD_DATES: [&str; 12] = [
    "1970-01-01T00:00:00Z",
    "2099-12-31T23:59:59Z",
    "9999-12-31T23:59:59Z",
    "0001-01-01T00:00:00Z",
    "2024-03-04T06:00:00+14:00",
    "2024-03-04T06:00:00-12:00",
    "2016-12-31T23:59:60Z",
    "2024-03-04t06:00:00z",
    "2024-03-04T06:00:00.123456789Z",
    "  2024-03-05T06:00:05Z ",
    "",
    "2024-03-04 06:00:00Z",
];

/// The stream: mostly the load generator's articles and copies (30% HTML), with exact
/// repeats, odd dates, the generator's bad records, oversize records and bad records of our
/// own mixed in.
fn mixed_stream(n: usize, seed: u64) -> Vec<Sent> {
    let mut rng = Rng::new(seed ^ 0x5EED_C4A0);
    let mut gen = Generator::new(LoadgenOptions {
        seed,
        html_fraction: 0.3,
        copy_fraction: 0.1,
        bad_fraction: 0.0,
        ..LoadgenOptions::default()
    });
    let mut out: Vec<Sent> = Vec::with_capacity(n);
    while out.len() < n {
        let roll = rng.unit();
        let sent = if roll < 0.02 && !out.is_empty() {
            let o = &out[out.len() - 1 - rng.below(out.len().min(500))];
            Sent {
                key: o.key.clone(),
                payload: o.payload.clone(),
                kind: "exact repeat",
                meant_bad: o.meant_bad,
            }
        } else if roll < 0.035 {
            let (kind, name) = *rng.pick(&LOADGEN_BAD);
            let r = gen.bad(kind);
            Sent {
                key: r.key,
                payload: r.payload,
                kind: name,
                meant_bad: true,
            }
        } else if roll < 0.036 {
            let r = gen.bad(BadKind::TooLarge);
            Sent {
                key: r.key,
                payload: r.payload,
                kind: "oversize",
                meant_bad: true,
            }
        } else if roll < 0.048 {
            hand_made_bad(&mut rng, gen.next_record())
        } else if roll < 0.06 {
            let base = gen.next_record();
            let mut v = article_value(&base);
            v["published_at"] = (*rng.pick(&ODD_DATES)).into();
            Sent {
                key: base.key,
                payload: serde_json::to_vec(&v).unwrap(),
                kind: "odd date",
                meant_bad: false,
            }
        } else {
            let r = gen.next_record();
            let kind = match r.kind {
                RecordKind::Article => "article",
                RecordKind::SyndicatedCopy => "syndicated copy",
                RecordKind::Bad(_) => "loadgen bad",
            };
            Sent {
                key: r.key,
                payload: r.payload,
                kind,
                meant_bad: matches!(r.kind, RecordKind::Bad(_)),
            }
        };
        out.push(sent);
    }
    out
}

fn article_value(r: &dragoman_loadgen::Record) -> serde_json::Value {
    serde_json::from_slice(&r.payload).expect("a generated article is JSON")
}

/// A generated article broken in one of the ways the generator does not break them.
fn hand_made_bad(rng: &mut Rng, base: dragoman_loadgen::Record) -> Sent {
    let mut v = article_value(&base);
    let (kind, payload): (&'static str, Vec<u8>) = match rng.below(8) {
        0 => {
            v["published_at"] = (*rng.pick(&BAD_DATES)).into();
            ("bad date", serde_json::to_vec(&v).unwrap())
        }
        1 => {
            let depth = 1000 + rng.below(100_000);
            let mut p = b"{\"body\":".to_vec();
            p.extend(std::iter::repeat_n(b'[', depth));
            p.extend(std::iter::repeat_n(b']', depth));
            p.push(b'}');
            ("deep nesting", p)
        }
        2 => ("empty payload", Vec::new()),
        3 => {
            // A title transcoded to Latin-1 by a broken scraper.
            let title = v["title"].as_str().unwrap_or_default().to_owned();
            v["title"] = format!("{title} \u{e9}t\u{e9}").into();
            let mut p = serde_json::to_vec(&v).unwrap();
            let at = p.windows(2).position(|w| w == [0xC3, 0xA9]).unwrap();
            p.splice(at..at + 2, [0xE9]);
            ("Latin-1 bytes", p)
        }
        4 => {
            v["body"] = serde_json::Value::Null;
            ("null body", serde_json::to_vec(&v).unwrap())
        }
        5 => {
            // Raw control bytes inside the body string: JSON wants them escaped.
            let mut p = serde_json::to_vec(&v).unwrap();
            let at = p.windows(8).position(|w| w == b"\"body\":\"").unwrap() + 8;
            p.splice(at..at, *b"\x00\x01\x1b");
            ("raw control bytes", p)
        }
        6 => {
            const SCALARS: [&[u8]; 4] = [b"null", b"42", b"\"an article\"", b"true"];
            ("JSON scalar", rng.pick(&SCALARS).to_vec())
        }
        _ => {
            let len = 1 + rng.below(4096);
            let p = (0..len).map(|_| rng.next_u64() as u8).collect();
            ("random bytes", p)
        }
    };
    Sent {
        key: base.key,
        payload,
        kind,
        meant_bad: true,
    }
}

/// What the embedded pipeline (`dragoman run`'s: ingest, extract and dedup in one process, no
/// broker, no kill) makes of the same records in the same order: each record's verdict, and
/// the events it published.
struct Oracle {
    verdicts: Vec<Verdict>,
    /// (event_id, revision) in the order published.
    events: Vec<(String, u64)>,
}

fn oracle(records: &[Sent]) -> Oracle {
    let coder = Arc::new(dragoman_coder::Coder::bundled().expect("dictionaries"));
    // The services' settings, as `dragoman run` takes them from the same configuration
    // (cmd_run::pipeline_config; the library's defaults differ): the test sets none of the
    // stages' keys, so their sections' defaults, which are the documented ones.
    let config = PipelineConfig::documented();
    let ingest = config.ingest.clone();
    let mut pipeline = Pipeline::new(coder, config);
    let mut candidates: HashMap<String, usize> = HashMap::new();
    let mut events = Vec::new();
    let mut verdicts = Vec::with_capacity(records.len());
    for r in records {
        let now = Utc::now();
        let before = pipeline.stats().candidates;
        let outcome = pipeline.process(&r.payload, now);
        let found = (pipeline.stats().candidates - before) as usize;
        let verdict = match (outcome, dragoman_ingest::clean(&r.payload, now, &ingest)) {
            (RecordOutcome::Events(published), Ok(a)) => {
                events.extend(
                    published
                        .into_iter()
                        .map(|e| (e.event_id, u64::from(e.revision))),
                );
                // A repeat of an article finds its candidates again (from the cache).
                let n = *candidates.entry(a.id.clone()).or_insert(found);
                Verdict::Valid {
                    id: a.id,
                    candidates: n,
                    twin: (a.source, a.content_hash),
                }
            }
            (RecordOutcome::Rejected(e), Err(_)) => Verdict::Bad(e.reason()),
            (outcome, clean) => panic!(
                "the pipeline and ingest disagree on a record: {outcome:?} against {clean:?}"
            ),
        };
        verdicts.push(verdict);
    }
    Oracle { verdicts, events }
}

/// (event_id, revision) pairs seen more than once, and revisions lower than one seen before
/// them, in a sequence of published events.
fn duplicates_and_regressions(events: &[(String, u64)]) -> (BTreeSet<(&str, u64)>, usize) {
    let mut seen = HashSet::new();
    let mut max: HashMap<&str, u64> = HashMap::new();
    let mut dups = BTreeSet::new();
    let mut regressions = 0;
    for (id, rev) in events {
        if !seen.insert((id.as_str(), *rev)) {
            dups.insert((id.as_str(), *rev));
        }
        let m = max.entry(id).or_default();
        if *rev < *m {
            regressions += 1;
        }
        *m = (*m).max(*rev);
    }
    (dups, regressions)
}

/// Sends the records in order at `RATE` per second; returns how long it took.
fn produce(env: &Env, records: Arc<Vec<Sent>>) -> JoinHandle<Result<Duration, String>> {
    let kafka = env.kafka();
    let topic = env.topic("articles.raw");
    std::thread::spawn(move || {
        let producer = SimpleProducer::new(&kafka).map_err(|e| e.to_string())?;
        let started = Instant::now();
        for (i, r) in records.iter().enumerate() {
            let due = started + Duration::from_secs_f64(i as f64 / RATE);
            if let Some(wait) = due.checked_duration_since(Instant::now()) {
                std::thread::sleep(wait);
            }
            producer
                .send(&topic, r.key.as_deref().map(str::as_bytes), &r.payload, &[])
                .map_err(|e| format!("record {i} ({}): {e}", r.kind))?;
        }
        producer
            .flush(Duration::from_secs(120))
            .map_err(|e| format!("flush: {e}"))?;
        Ok(started.elapsed())
    })
}

#[derive(Debug, Clone, Copy)]
enum Action {
    Kill(usize),
    PauseBroker,
}

/// `kills` kill -9s spread over the first three quarters of `window`, every stage at least
/// once (when there are three), then one broker pause at a random moment at least 12 s after
/// the last kill. The order is tansu's: a member killed after a freeze of the broker was, in
/// one of our runs, never evicted by its group coordinator, and the stage waited for its
/// partitions for good (see also tests/broker_pause.rs); the 12 s let the last rebalance end.
fn schedule(rng: &mut Rng, kills: usize, window: f64) -> Vec<(Duration, Action)> {
    let kill_window = 0.75 * window;
    let mut times: Vec<f64> = Vec::with_capacity(kills);
    let mut tries = 0;
    while times.len() < kills {
        let t = 2.0 + rng.unit() * (kill_window - 2.0);
        tries += 1;
        if tries > 100_000 || times.iter().all(|o| (o - t).abs() >= 2.0) {
            times.push(t);
        }
    }
    let last = times.iter().copied().fold(0.0, f64::max);
    let pause = last + 12.0 + rng.unit() * (window - kill_window);
    let mut victims: Vec<usize> = (0..kills)
        .map(|i| if i < 3 { i } else { rng.below(3) })
        .collect();
    rng.shuffle(&mut victims);
    let mut plan: Vec<(Duration, Action)> = times
        .into_iter()
        .zip(victims)
        .map(|(t, v)| (Duration::from_secs_f64(t), Action::Kill(v)))
        .collect();
    plan.push((Duration::from_secs_f64(pause), Action::PauseBroker));
    plan.sort_by_key(|(t, _)| *t);
    plan
}

/// Restarts the services that exited on their own, noting it as a failure.
fn restart_exited(services: &mut [Service], env: &Env, failures: &mut Vec<String>) {
    for (i, svc) in services.iter_mut().enumerate() {
        if has_exited(svc) {
            failures.push(format!(
                "{} exited on its own; its log ends:\n{}",
                STAGES[i],
                log_tail(svc, 20)
            ));
            *svc = env.start(STAGES[i], &[]);
        }
    }
}

/// Waits until every stage has no lag on any of its `partitions` and counts nothing new for
/// `QUIET_SAMPLES` seconds. Returns when that held, or `None` at `timeout`, or as soon as a
/// stage has held no partition for `STUCK` (its group does not re-form: waiting longer shows
/// nothing more).
fn wait_idle(
    services: &mut [Service],
    env: &Env,
    partitions: usize,
    timeout: Duration,
    failures: &mut Vec<String>,
) -> Option<Duration> {
    let started = Instant::now();
    let mut last: Vec<Option<Progress>> = vec![None; services.len()];
    let mut assigned_at: Vec<Instant> = vec![started; services.len()];
    let mut quiet = 0;
    while started.elapsed() < timeout {
        restart_exited(services, env, failures);
        let now: Vec<Option<Progress>> = services.iter().map(progress).collect();
        let idle = now.iter().zip(&last).all(|(n, l)| match (n, l) {
            (Some(n), Some(l)) => {
                n.lag == 0.0 && n.lag_partitions >= partitions && n.same_counts(l)
            }
            _ => false,
        });
        quiet = if idle { quiet + 1 } else { 0 };
        if quiet >= QUIET_SAMPLES {
            return Some(started.elapsed());
        }
        for (i, n) in now.iter().enumerate() {
            if n.as_ref().is_some_and(|n| n.lag_partitions > 0) {
                assigned_at[i] = Instant::now();
            }
            if assigned_at[i].elapsed() > STUCK {
                failures.push(format!(
                    "{} has held no partition of its input for {STUCK:?} after the chaos \
                     (its group does not re-form); progress {:?}; its log ends:\n{}",
                    STAGES[i],
                    STAGES.iter().zip(&now).collect::<Vec<_>>(),
                    log_tail(&services[i], 6)
                ));
                return None;
            }
        }
        last = now;
        std::thread::sleep(Duration::from_secs(1));
    }
    failures.push(format!(
        "the pipeline is not idle {timeout:?} after the load: {:?}",
        STAGES.iter().zip(&last).collect::<Vec<_>>()
    ));
    None
}

/// A record's identity in a dead-letter topic: its size and the hash of its first 4 KiB (a
/// dead letter too large for the broker is truncated, with its original size in a header).
fn signature(payload: &[u8], size: usize) -> (usize, u64) {
    let mut h = DefaultHasher::new();
    payload[..payload.len().min(4096)].hash(&mut h);
    (size, h.finish())
}

fn dead_letter_signature(r: &Record) -> (usize, u64) {
    let payload = r.payload.as_deref().unwrap_or_default();
    let size = match r.header("dragoman.truncated") {
        Some("true") => r
            .header("dragoman.original.size")
            .and_then(|s| s.parse().ok())
            .unwrap_or(payload.len()),
        _ => payload.len(),
    };
    signature(payload, size)
}

/// The records of `topic`, or none when the topic was never created.
fn read_if_any(env: &Env, topic: &str) -> Vec<Record> {
    let exists = list_topics(&env.kafka(), Duration::from_secs(10))
        .expect("listing topics")
        .iter()
        .any(|(name, _)| name == topic);
    if exists {
        env.read(topic)
    } else {
        Vec::new()
    }
}

fn article_id(r: &Record) -> String {
    json(r)["evidence"]["article_id"]
        .as_str()
        .unwrap_or_default()
        .to_owned()
}

fn env_number(name: &str) -> Option<u64> {
    std::env::var(name).ok().and_then(|v| v.trim().parse().ok())
}

fn first<T: std::fmt::Debug>(items: &[T], n: usize) -> String {
    format!("{:?}", &items[..items.len().min(n)])
}

// The broker is tansu 0.6.0 with two patches of ours (scripts/tansu/, built by
// scripts/broker.sh), for two defects this test found. A fetch from an offset inside a record
// batch returned only the batches after it, so a consumer restarted from a committed offset in
// the middle of a producer's batch skipped the rest of it: articles lost (extract committed 1786
// on partition 2, was killed, and its successor's first record was 1802). And a formed group
// whose member was killed gave the survivors their old assignments back on the rebalance, so
// the dead member's partitions were consumed by nobody: articles stalled (ingest killed while it
// joined kept partitions 2 and 3; the survivor held 0 and 1, with lag 0). Part of `make test`;
// `make chaos` runs it alone (DRAGOMAN_CHAOS_SEED replays a seed).
#[test]
fn kill_9s_and_a_broker_pause_lose_no_article_and_publish_no_revision_twice() {
    let n = env_number("DRAGOMAN_CHAOS_RECORDS").unwrap_or(20_000) as usize;
    let kills = env_number("DRAGOMAN_CHAOS_KILLS").unwrap_or(10) as usize;
    let seed = env_number("DRAGOMAN_CHAOS_SEED").unwrap_or_else(clock_seed);
    eprintln!(
        "chaos: seed {seed} (DRAGOMAN_CHAOS_SEED={seed} replays it), {n} records, {kills} kills"
    );
    let began = Instant::now();
    let records = Arc::new(mixed_stream(n, seed));
    let mut kinds: BTreeMap<&str, usize> = BTreeMap::new();
    for r in records.iter() {
        *kinds.entry(r.kind).or_default() += 1;
    }
    eprintln!("chaos: the stream: {kinds:?}");

    // A broker of its own: it is frozen once.
    let broker = Broker::start_on(free_port());
    let env = Env::new("chaos", &broker.brokers());
    let cfg = env.config();
    let partitions = cfg.topics.partitions as usize;

    // The embedded pipeline's verdicts, computed beside the services (they idle during
    // rebalances).
    let oracle = {
        let records = records.clone();
        std::thread::spawn(move || oracle(&records))
    };

    let mut services: Vec<Service> = env.start_pipeline(START).into();
    let mut failures: Vec<String> = Vec::new();
    let mut rng = Rng::new(seed);
    let window = (n as f64 / RATE).max(40.0);
    let plan = schedule(&mut rng, kills, window);
    let producer = produce(&env, records.clone());
    let t0 = Instant::now();
    let mut chaos_log: Vec<String> = Vec::new();
    let mut killed = [0usize; 3];
    for (at, action) in plan {
        while t0.elapsed() < at {
            restart_exited(&mut services, &env, &mut failures);
            std::thread::sleep(Duration::from_millis(100).min(at.saturating_sub(t0.elapsed())));
        }
        match action {
            Action::Kill(i) => {
                let when = t0.elapsed().as_secs_f64();
                let before = progress(&services[i]).unwrap_or_default();
                services[i].kill9();
                killed[i] += 1;
                let down = Duration::from_millis(rng.below(1000) as u64);
                std::thread::sleep(down);
                services[i] = env.start(STAGES[i], &[]);
                chaos_log.push(format!(
                    "{when:.1}s kill -9 {} (after {} records in), restarted {} ms later",
                    STAGES[i],
                    before.records_in,
                    down.as_millis()
                ));
                eprintln!("chaos: {}", chaos_log.last().unwrap());
            }
            Action::PauseBroker => {
                let when = t0.elapsed().as_secs_f64();
                broker.signal("-STOP");
                std::thread::sleep(PAUSE);
                broker.signal("-CONT");
                chaos_log.push(format!("{when:.1}s broker frozen for {PAUSE:?}"));
                eprintln!("chaos: {}", chaos_log.last().unwrap());
            }
        }
    }
    let produced = producer.join().expect("producer thread");
    match &produced {
        Ok(took) => eprintln!("chaos: {n} records produced in {took:.1?}"),
        Err(e) => failures.push(format!("producing the stream: {e}")),
    }

    let idle_timeout = Duration::from_secs(240) + Duration::from_secs_f64(n as f64 / RATE);
    let idle = wait_idle(&mut services, &env, partitions, idle_timeout, &mut failures);
    eprintln!(
        "chaos: pipeline idle {} after the chaos ({:.0?} since the start)",
        idle.map_or("never".to_owned(), |d| format!("{d:.0?}")),
        began.elapsed()
    );
    let Oracle {
        verdicts,
        events: embedded,
    } = oracle.join().expect("oracle thread");
    let (embedded_dups, embedded_regressions) = duplicates_and_regressions(&embedded);

    // Everything the pipeline wrote.
    let raw = env.topic("articles.raw");
    let clean = env.read(&env.topic("articles.clean"));
    let raw_dlq = read_if_any(&env, &format!("{raw}.dlq"));
    let clean_dlq = read_if_any(&env, &env.topic("articles.clean.dlq"));
    let extracted = env.read(&env.topic("events.extracted"));
    let extracted_dlq = read_if_any(&env, &env.topic("events.extracted.dlq"));
    let events = env.read(&env.topic("events"));
    eprintln!(
        "chaos: topics read ({:.0?} since the start)",
        began.elapsed()
    );

    // 1. The generator's bad records are bad by ingest's own verdict.
    let mut accepted_bad: Vec<(usize, &str)> = Vec::new();
    for (i, (r, v)) in records.iter().zip(&verdicts).enumerate() {
        if r.meant_bad && matches!(v, Verdict::Valid { .. }) {
            accepted_bad.push((i, r.kind));
        }
    }
    if !accepted_bad.is_empty() {
        failures.push(format!(
            "{} records built to be bad are valid articles to ingest (record, kind): {}",
            accepted_bad.len(),
            first(&accepted_bad, 10)
        ));
    }

    // 2. Every bad record is in articles.raw.dlq, under ingest's reason.
    let mut dead: HashMap<(usize, u64), BTreeSet<String>> = HashMap::new();
    for r in &raw_dlq {
        dead.entry(dead_letter_signature(r))
            .or_default()
            .insert(r.header("dragoman.error.reason").unwrap_or("-").to_owned());
    }
    let mut bad = 0;
    let mut missing_bad: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
    let mut wrong_reason: Vec<(usize, &str, &str, BTreeSet<String>)> = Vec::new();
    for (i, (r, v)) in records.iter().zip(&verdicts).enumerate() {
        let Verdict::Bad(reason) = v else { continue };
        bad += 1;
        match dead.get(&signature(&r.payload, r.payload.len())) {
            None => missing_bad.entry(r.kind).or_default().push(i),
            Some(reasons) if !reasons.contains(*reason) => {
                wrong_reason.push((i, r.kind, reason, reasons.clone()))
            }
            Some(_) => {}
        }
    }
    if !missing_bad.is_empty() {
        let total: usize = missing_bad.values().map(Vec::len).sum();
        let by_kind: Vec<String> = missing_bad
            .iter()
            .map(|(k, v)| format!("{k}: {} (records {})", v.len(), first(v, 5)))
            .collect();
        failures.push(format!(
            "{total} of {bad} bad records are in no dead-letter topic: {}",
            by_kind.join("; ")
        ));
    }
    if !wrong_reason.is_empty() {
        failures.push(format!(
            "{} bad records dead-lettered under another reason than ingest's \
             (record, kind, expected, found): {}",
            wrong_reason.len(),
            first(&wrong_reason, 5)
        ));
    }

    // 3. Every valid article is accounted for.
    let key =
        |r: &Record| String::from_utf8_lossy(r.key.as_deref().unwrap_or_default()).into_owned();
    let mut cleaned: HashMap<String, (i32, i64)> = HashMap::new();
    for r in &clean {
        cleaned.entry(key(r)).or_insert((r.partition, r.offset));
    }
    let clean_dead: HashSet<String> = clean_dlq.iter().map(key).collect();
    let extracted_ids: HashSet<String> = extracted.iter().map(article_id).collect();
    let extracted_dead: HashSet<String> = extracted_dlq.iter().map(article_id).collect();
    let parsed: Vec<serde_json::Value> = events.iter().map(json).collect();
    let mut in_events: HashSet<String> = HashSet::new();
    for e in &parsed {
        in_events.insert(
            e["evidence"]["article_id"]
                .as_str()
                .unwrap_or_default()
                .into(),
        );
        for id in e["mentions"]["article_ids"]
            .as_array()
            .into_iter()
            .flatten()
        {
            in_events.insert(id.as_str().unwrap_or_default().into());
        }
    }
    // id -> (candidates, first record, twin)
    let mut articles: BTreeMap<&str, (usize, usize, &Twin)> = BTreeMap::new();
    let mut twins: HashMap<&Twin, Vec<&str>> = HashMap::new();
    let mut raw_dead_valid: BTreeSet<&str> = BTreeSet::new();
    for (i, (r, v)) in records.iter().zip(&verdicts).enumerate() {
        if let Verdict::Valid {
            id,
            candidates,
            twin,
        } = v
        {
            if !articles.contains_key(id.as_str()) {
                articles.insert(id, (*candidates, i, twin));
                twins.entry(twin).or_default().push(id);
            }
            if dead.contains_key(&signature(&r.payload, r.payload.len())) {
                raw_dead_valid.insert(id);
            }
        }
    }
    // stage -> (article id, kind of record, (partition, offset) in articles.clean, record)
    type Lost<'a> = (&'a str, &'a str, Option<(i32, i64)>, usize);
    let mut lost: BTreeMap<&str, Vec<Lost>> = BTreeMap::new();
    let (mut with_events, mut without_events, mut dead_lettered, mut twin_cited) = (0, 0, 0, 0);
    for (id, (candidates, i, twin)) in &articles {
        let id_s = id.to_string();
        if raw_dead_valid.contains(id)
            || clean_dead.contains(&id_s)
            || extracted_dead.contains(&id_s)
        {
            dead_lettered += 1;
            continue;
        }
        let stage = if !cleaned.contains_key(&id_s) {
            Some("never reached articles.clean")
        } else if *candidates == 0 {
            None
        } else if !extracted_ids.contains(&id_s) {
            Some("cleaned, but no candidate in events.extracted")
        } else if !in_events.contains(&id_s) {
            if twins[twin].iter().any(|t| in_events.contains(*t)) {
                twin_cited += 1;
                continue;
            }
            Some("extracted, but in no event")
        } else {
            None
        };
        match stage {
            Some(stage) => lost.entry(stage).or_default().push((
                *id,
                records[*i].kind,
                cleaned.get(&id_s).copied(),
                *i,
            )),
            None if *candidates == 0 => without_events += 1,
            None => with_events += 1,
        }
    }
    if !lost.is_empty() {
        let total: usize = lost.values().map(Vec::len).sum();
        let by_stage: Vec<String> = lost
            .iter()
            .map(|(s, v)| {
                // Where they were in articles.clean: partition -> offsets from..to.
                let mut at: BTreeMap<i32, (i64, i64, usize)> = BTreeMap::new();
                for (p, o) in v.iter().filter_map(|x| x.2) {
                    let e = at.entry(p).or_insert((o, o, 0));
                    *e = (e.0.min(o), e.1.max(o), e.2 + 1);
                }
                let at: Vec<String> = at
                    .iter()
                    .map(|(p, (from, to, n))| format!("p{p}@{from}..{to} ({n})"))
                    .collect();
                let ids: Vec<(&str, &str)> = v.iter().map(|x| (x.0, x.1)).collect();
                // When they were sent, to set beside the kills.
                let from = v.iter().map(|x| x.3).min().unwrap_or_default();
                let to = v.iter().map(|x| x.3).max().unwrap_or_default();
                format!(
                    "{s}: {} (e.g. {}; records #{from}..#{to}, sent {:.1}..{:.1} s into the \
                     load; in articles.clean at {})",
                    v.len(),
                    first(&ids, 6),
                    from as f64 / RATE,
                    to as f64 / RATE,
                    if at.is_empty() {
                        "-".to_owned()
                    } else {
                        at.join(", ")
                    }
                )
            })
            .collect();
        failures.push(format!(
            "{total} of {} valid articles are not accounted for: {}",
            articles.len(),
            by_stage.join("; ")
        ));
    }
    let from_nowhere: BTreeSet<&str> = parsed
        .iter()
        .map(|e| e["evidence"]["article_id"].as_str().unwrap_or_default())
        .filter(|id| !articles.contains_key(id))
        .collect();
    if !from_nowhere.is_empty() {
        failures.push(format!(
            "{} events cite an article that was not sent: {}",
            from_nowhere.len(),
            first(&from_nowhere.iter().collect::<Vec<_>>(), 5)
        ));
    }

    // 4. (event_id, revision) unique, and revisions only going up.
    let dups = duplicate_revisions(&events);
    let dup_set: HashSet<(&str, u64)> = dups.iter().map(|(id, rev)| (id.as_str(), *rev)).collect();
    // Each duplicated pair's records: where, and which report (article#sentence).
    let mut copies: BTreeMap<(&str, u64), Vec<(String, String)>> = BTreeMap::new();
    for (r, e) in events.iter().zip(&parsed) {
        let key = (
            e["event_id"].as_str().unwrap_or_default(),
            e["revision"].as_u64().unwrap_or_default(),
        );
        if dup_set.contains(&key) {
            copies.entry(key).or_default().push((
                format!("p{}@{}", r.partition, r.offset),
                format!(
                    "{}#{}",
                    e["evidence"]["article_id"].as_str().unwrap_or_default(),
                    e["evidence"]["sentence_index"]
                ),
            ));
        }
    }
    let same_report = copies
        .values()
        .filter(|c| c.iter().map(|x| &x.1).collect::<BTreeSet<_>>().len() < c.len())
        .count();
    // Pairs the embedded pipeline duplicates too are dedup's own doing; the others are
    // what the kills, the pause and Kafka add. Examples of both.
    let also_embedded = copies.keys().filter(|k| embedded_dups.contains(*k)).count();
    let chaos_only = copies.iter().filter(|(k, _)| !embedded_dups.contains(*k));
    let both = copies.iter().filter(|(k, _)| embedded_dups.contains(*k));
    let examples: Vec<String> = chaos_only
        .take(4)
        .chain(both.take(2))
        .map(|((id, rev), c)| {
            let where_: Vec<String> = c
                .iter()
                .map(|(at, report)| format!("{at} {report}"))
                .collect();
            let tag = if embedded_dups.contains(&(*id, *rev)) {
                " [also embedded]"
            } else {
                ""
            };
            format!("({id}, {rev}){tag}: {}", where_.join(", "))
        })
        .collect();
    if !dups.is_empty() {
        failures.push(format!(
            "{} (event_id, revision) pairs published more than once ({same_report} of them \
             the same report again; {also_embedded} of them duplicated by the embedded \
             pipeline too, which publishes {} such pairs for the same records without Kafka \
             or kills); e.g. {}",
            dups.len(),
            embedded_dups.len(),
            examples.join("; ")
        ));
    }
    let order = revision_order(&events);
    if !order.regressions.is_empty() {
        failures.push(format!(
            "{} revisions published after a higher revision of their event (the embedded \
             pipeline: {embedded_regressions}); e.g. {}",
            order.regressions.len(),
            first(&order.regressions, 5)
        ));
    }
    if !order.split.is_empty() {
        failures.push(format!(
            "{} event ids published to more than one partition: {}",
            order.split.len(),
            first(&order.split, 5)
        ));
    }

    let valid = verdicts
        .iter()
        .filter(|v| matches!(v, Verdict::Valid { .. }))
        .count();
    eprintln!(
        "chaos: summary: seed {seed}; {n} records ({valid} valid, {bad} bad); {} distinct \
         articles: {with_events} with events, {twin_cited} the same text from the same outlet \
         as an article with events, {without_events} the coder finds none in, {dead_lettered} \
         dead-lettered, {} unaccounted",
        articles.len(),
        lost.values().map(Vec::len).sum::<usize>()
    );
    eprintln!(
        "chaos: summary: kills {} (ingest {}, extract {}, dedup {}), 1 broker pause; topics: \
         articles.clean {}, articles.raw.dlq {}, articles.clean.dlq {}, events.extracted {}, \
         events.extracted.dlq {}, events {} ({} event ids, {} revision gaps)",
        killed.iter().sum::<usize>(),
        killed[0],
        killed[1],
        killed[2],
        clean.len(),
        raw_dlq.len(),
        clean_dlq.len(),
        extracted.len(),
        extracted_dlq.len(),
        events.len(),
        order.events,
        order.gaps
    );
    eprintln!(
        "chaos: summary: duplicates {} ({same_report} same report, {also_embedded} also in \
         the embedded run), revisions going back {}; the embedded pipeline on the same \
         records: {} events, {} duplicates, {embedded_regressions} revisions going back; {} \
         failures, {:.0?} in all",
        dups.len(),
        order.regressions.len(),
        embedded.len(),
        embedded_dups.len(),
        failures.len(),
        began.elapsed()
    );

    for svc in &mut services {
        let (status, _) = svc.terminate(Duration::from_secs(30));
        if !status.success() {
            failures.push(format!("{} exited with {status} on SIGTERM", svc.stage));
        }
    }
    assert!(
        failures.is_empty(),
        "chaos (seed {seed}; {}): {} failures:\n- {}",
        chaos_log.join("; "),
        failures.len(),
        failures.join("\n- ")
    );
}
