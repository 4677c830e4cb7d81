//! Kafka tools: `loadgen`, `produce`, `consume`, `topics` (kcat does not work against tansu).

use std::io::{BufRead, Write};
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use anyhow::Context;
use dragoman_loadgen::{BadKind, Generator, LoadgenOptions, RecordKind};
use dragoman_runtime::config::Stage;
use dragoman_runtime::kafka::{ensure_topics, TopicSpec};
use dragoman_runtime::tools::{list_topics, read_topic, Deliveries, NotDelivered, SimpleProducer};
use dragoman_runtime::{Config, Shutdown};

#[derive(clap::Args)]
pub struct KafkaArgs {
    #[arg(long)]
    pub config: Option<PathBuf>,
    /// Bootstrap servers (overrides kafka.brokers).
    #[arg(long)]
    pub brokers: Option<String>,
}

/// How long the producing tools wait for the broker.
#[derive(clap::Args)]
pub struct DeliveryArgs {
    /// Seconds the broker has to acknowledge a record (retries included) before it counts as
    /// not delivered; also the limit for creating the topic.
    #[arg(long, default_value_t = 120.0)]
    pub delivery_timeout: f64,
}

impl DeliveryArgs {
    fn timeout(&self) -> anyhow::Result<Duration> {
        Duration::try_from_secs_f64(self.delivery_timeout)
            .ok()
            .filter(|t| t.as_millis() >= 1)
            .context("--delivery-timeout must be a positive number of seconds")
    }
}

impl KafkaArgs {
    fn load(&self) -> anyhow::Result<Config> {
        let mut cfg = crate::stages::config(Stage::Run, self.config.as_deref())?;
        if let Some(b) = &self.brokers {
            cfg.kafka.brokers.clone_from(b);
        }
        Ok(cfg)
    }
}

#[derive(clap::Args)]
pub struct LoadgenArgs {
    #[command(flatten)]
    pub kafka: KafkaArgs,
    /// Topic to produce to (default: topics.articles_raw).
    #[arg(long)]
    pub topic: Option<String>,
    /// Number of records.
    #[arg(long, default_value_t = 1000)]
    pub count: u64,
    /// Records per second; 0 means as fast as the broker takes them.
    #[arg(long, default_value_t = 0.0)]
    pub rate: f64,
    #[arg(long, default_value_t = 0)]
    pub seed: u64,
    /// Share of articles sent as HTML pages.
    #[arg(long, default_value_t = 0.3)]
    pub html_fraction: f64,
    /// Share of records that are syndicated copies of an earlier article.
    #[arg(long, default_value_t = 0.1)]
    pub copy_fraction: f64,
    /// Share of records that are bad (each kind of dead letter).
    #[arg(long, default_value_t = 0.01)]
    pub bad_fraction: f64,
    /// Write the records as JSONL to this file (- for stdout) instead of a topic: a corpus for
    /// `dragoman run` and for profiling the stages without a broker.
    #[arg(long, conflicts_with = "topic")]
    pub output: Option<String>,
    #[command(flatten)]
    pub delivery: DeliveryArgs,
}

pub fn loadgen(args: &LoadgenArgs) -> anyhow::Result<()> {
    let cfg = args.kafka.load()?;
    dragoman_runtime::telemetry::init_logging(&cfg.log);
    let options = LoadgenOptions {
        seed: args.seed,
        html_fraction: args.html_fraction,
        copy_fraction: args.copy_fraction,
        bad_fraction: args.bad_fraction,
        too_large_bytes: cfg.section::<dragoman_ingest::IngestOptions>()?.max_bytes,
        ..LoadgenOptions::default()
    };
    if let Some(path) = &args.output {
        return loadgen_to_file(Generator::new(options), args.count, path);
    }
    let topic = args
        .topic
        .clone()
        .unwrap_or(cfg.topics.articles_raw.clone());
    let timeout = args.delivery.timeout()?;
    create_within(&cfg, std::slice::from_ref(&topic), timeout)
        .context("loadgen: nothing sent, 0 records acknowledged")?;
    let producer = SimpleProducer::with_delivery_timeout(&cfg.kafka, timeout)?;
    let mut gen = Generator::new(options);
    let started = Instant::now();
    let mut bad = 0u64;
    let mut oversized = 0u64;
    for i in 0..args.count {
        if args.rate > 0.0 {
            // Paced against the start, so a slow send is caught up rather than accumulated.
            let due = started + Duration::from_secs_f64(i as f64 / args.rate);
            if let Some(wait) = due.checked_duration_since(Instant::now()) {
                std::thread::sleep(wait);
            }
        }
        let rec = gen.next_record();
        bad += u64::from(matches!(rec.kind, RecordKind::Bad(_)));
        oversized += u64::from(rec.kind == RecordKind::Bad(BadKind::TooLarge));
        // A record refused at once is counted by the producer, like one refused later.
        let _ = producer.send(
            &topic,
            rec.key.as_deref().map(str::as_bytes),
            &rec.payload,
            &[],
        );
    }
    let deliveries = wait_for_answers(&producer, timeout);
    let took = started.elapsed().as_secs_f64();
    eprintln!(
        "loadgen: {deliveries}, to {topic} in {took:.2} s ({:.0}/s acknowledged); {bad} records \
         deliberately bad, {oversized} of them over the size limit",
        deliveries.acknowledged as f64 / took.max(1e-9)
    );
    // An over-sized record may be over the broker's own limit too: that is the broker
    // refusing bad input, not a failed load run. Any other record not acknowledged is.
    let lost = deliveries
        .sent
        .saturating_sub(deliveries.acknowledged + deliveries.too_large.min(oversized));
    if lost > 0 {
        anyhow::bail!(
            "loadgen: {lost} of {} records not delivered to {topic}",
            deliveries.sent
        );
    }
    Ok(())
}

/// Waits for the broker's answer on every record sent (a record not delivered within the
/// delivery timeout is answered as failed by the client), and returns the counts.
fn wait_for_answers(producer: &SimpleProducer, timeout: Duration) -> Deliveries {
    match producer.flush(timeout + Duration::from_secs(10)) {
        Ok(d) | Err(NotDelivered(d)) => d,
    }
}

/// One record per line: `dragoman run` and `dragoman produce` read the file back record for
/// record. Articles are single-line JSON; a bad record of plain text may hold line breaks,
/// written as spaces (it stays the same kind of bad record).
fn loadgen_to_file(mut gen: Generator, count: u64, path: &str) -> anyhow::Result<()> {
    let sink: Box<dyn Write> = if path == "-" {
        Box::new(std::io::stdout().lock())
    } else {
        Box::new(std::fs::File::create(path).with_context(|| format!("creating {path}"))?)
    };
    let mut out = std::io::BufWriter::new(sink);
    for _ in 0..count {
        let mut rec = gen.next_record();
        for b in rec.payload.iter_mut().filter(|b| **b == b'\n') {
            *b = b' ';
        }
        out.write_all(&rec.payload)?;
        out.write_all(b"\n")?;
    }
    out.flush()?;
    Ok(())
}

#[derive(clap::Args)]
pub struct ProduceArgs {
    #[command(flatten)]
    pub kafka: KafkaArgs,
    #[arg(long)]
    pub topic: String,
    /// JSONL file, or - for stdin. Each non-empty line is one record, bytes as they are.
    #[arg(default_value = "-")]
    pub input: String,
    #[command(flatten)]
    pub delivery: DeliveryArgs,
}

pub fn produce(args: &ProduceArgs) -> anyhow::Result<()> {
    let cfg = args.kafka.load()?;
    let timeout = args.delivery.timeout()?;
    create_within(&cfg, std::slice::from_ref(&args.topic), timeout)
        .context("produce: nothing sent, 0 records acknowledged")?;
    let producer = SimpleProducer::with_delivery_timeout(&cfg.kafka, timeout)?;
    let reader: Box<dyn BufRead> = if args.input == "-" {
        Box::new(std::io::stdin().lock())
    } else {
        Box::new(std::io::BufReader::new(
            std::fs::File::open(&args.input).with_context(|| format!("opening {}", args.input))?,
        ))
    };
    // Lines as bytes: a line that is not UTF-8 is sent as it is (ingest dead-letters it).
    for line in reader.split(b'\n') {
        let mut line = line?;
        if line.last() == Some(&b'\r') {
            line.pop();
        }
        if line.iter().all(u8::is_ascii_whitespace) {
            continue;
        }
        let key = article_id(&line);
        // A record refused at once is counted by the producer, like one refused later.
        let _ = producer.send(&args.topic, key.as_deref().map(str::as_bytes), &line, &[]);
    }
    let deliveries = wait_for_answers(&producer, timeout);
    eprintln!("produce: {deliveries}, to {}", args.topic);
    if !deliveries.all_acknowledged() {
        anyhow::bail!(
            "produce: {} of {} records not delivered to {}",
            deliveries.sent - deliveries.acknowledged,
            deliveries.sent,
            args.topic
        );
    }
    Ok(())
}

/// The `id` of a JSON article, if the line is one and has it (docs/contracts.md#topics: key =
/// article id, or none).
fn article_id(line: &[u8]) -> Option<String> {
    #[derive(serde::Deserialize)]
    struct Id {
        id: Option<String>,
    }
    serde_json::from_slice::<Id>(line).ok().and_then(|a| a.id)
}

#[derive(clap::Args)]
pub struct ConsumeArgs {
    #[command(flatten)]
    pub kafka: KafkaArgs,
    #[arg(long)]
    pub topic: String,
    /// Print each record as a JSON object with partition, offset, key and headers.
    #[arg(long)]
    pub meta: bool,
    /// Events as jsonl, table, gdelt or csv, as `dragoman run` writes them (default for the
    /// events topic: a table when standard output is a terminal; else the records as they are).
    #[arg(long, conflicts_with = "meta", value_parser = crate::cmd_export::format_parser())]
    pub format: Option<dragoman_export::Format>,
    /// Give up after this many seconds.
    #[arg(long, default_value_t = 60)]
    pub timeout: u64,
}

pub fn consume(args: &ConsumeArgs) -> anyhow::Result<()> {
    let cfg = args.kafka.load()?;
    let records = read_topic(&cfg.kafka, &args.topic, Duration::from_secs(args.timeout))?;
    let events = crate::cmd_export::consume_format(args.format, &args.topic, &cfg.topics.events);
    if let Some(format) = events.filter(|_| !args.meta) {
        crate::cmd_export::consume_events(&records, &args.topic, format)?;
        eprintln!("consume: {} records from {}", records.len(), args.topic);
        return Ok(());
    }
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    for r in &records {
        // The internal topics' MessagePack values are shown as the JSON of the same value.
        let raw = r.payload.as_deref().unwrap_or_default();
        let shown = dragoman_model::wire::to_json(raw);
        let value = shown.as_deref().unwrap_or(raw);
        if args.meta {
            let headers: serde_json::Map<String, serde_json::Value> = r
                .headers
                .iter()
                .map(|(k, v)| (k.clone(), String::from_utf8_lossy(v).into_owned().into()))
                .collect();
            let line = serde_json::json!({
                "partition": r.partition,
                "offset": r.offset,
                "timestamp_ms": r.timestamp_ms,
                "key": r.key.as_deref().map(String::from_utf8_lossy),
                "headers": headers,
                "value": String::from_utf8_lossy(value),
            });
            writeln!(out, "{line}")?;
        } else {
            out.write_all(value)?;
            out.write_all(b"\n")?;
        }
    }
    out.flush()?;
    eprintln!("consume: {} records from {}", records.len(), args.topic);
    Ok(())
}

#[derive(clap::Args)]
pub struct TopicsArgs {
    #[command(flatten)]
    pub kafka: KafkaArgs,
    /// Create these topics (with topics.partitions partitions) instead of listing.
    #[arg(long, num_args = 1..)]
    pub create: Vec<String>,
}

pub fn topics(args: &TopicsArgs) -> anyhow::Result<()> {
    let cfg = args.kafka.load()?;
    if !args.create.is_empty() {
        return create_within(&cfg, &args.create, Duration::from_secs(60));
    }
    for (name, partitions) in list_topics(&cfg.kafka, Duration::from_secs(10))? {
        println!("{name}\t{partitions}");
    }
    Ok(())
}

/// Creates the topics unless `topics.create` is off, giving up after `timeout` (the broker
/// down or unreachable) with the last error the broker gave.
fn create_within(cfg: &Config, names: &[String], timeout: Duration) -> anyhow::Result<()> {
    if !cfg.topics.create {
        return Ok(());
    }
    let specs: Vec<TopicSpec> = names
        .iter()
        .map(|n| TopicSpec {
            name: n.clone(),
            partitions: cfg.topics.partitions,
            replication: cfg.topics.replication_factor,
            compact: false,
        })
        .collect();
    let (kafka, stop) = (cfg.kafka.clone(), Shutdown::new());
    let last_error = Arc::new(Mutex::new(None::<String>));
    let (tx, rx) = std::sync::mpsc::channel();
    {
        let (stop, last_error) = (stop.clone(), last_error.clone());
        // On a thread: a request to an unreachable broker blocks past any timeout of ours.
        std::thread::spawn(move || {
            let remember = |e: &str| {
                *last_error.lock().unwrap_or_else(|p| p.into_inner()) = Some(e.to_owned());
            };
            let _ = tx.send(ensure_topics(&kafka, &specs, &stop, &remember));
        });
    }
    match rx.recv_timeout(timeout) {
        Ok(created) => created.with_context(|| format!("creating topics {names:?}")),
        Err(_) => {
            stop.trigger();
            let why = last_error
                .lock()
                .unwrap_or_else(|p| p.into_inner())
                .clone()
                .unwrap_or_else(|| "no answer".to_owned());
            anyhow::bail!("topics {names:?} not created within {timeout:?} ({why})")
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn article_id_is_the_key_when_present() {
        assert_eq!(
            super::article_id(br#"{"id":"a1","body":"x"}"#).as_deref(),
            Some("a1")
        );
        assert_eq!(super::article_id(br#"{"body":"x"}"#), None);
        assert_eq!(super::article_id(b"not json"), None);
        assert_eq!(super::article_id(br#"{"id":5}"#), None);
    }
}
