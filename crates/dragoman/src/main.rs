//! `dragoman`: the one binary. It only wires libraries: the stages (ingest, extract, dedup) on
//! the Kafka runtime, the embedded pipeline, the coder's explainer, and the Kafka tools.

mod cmd_code;
mod cmd_dict;
mod cmd_export;
mod cmd_kafka;
mod cmd_run;
mod cmd_top;
mod stages;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

// Every stage allocates per record (JSON in, JSON out, events with a dozen strings): mimalloc
// is markedly faster than glibc's malloc at that (the dedup bench measures both).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;
use dragoman_runtime::config::Stage;
use dragoman_runtime::{ServiceSpec, Shutdown};

#[derive(Parser)]
#[command(
    name = "dragoman",
    version,
    about = "News articles in, coded political events (CAMEO) out"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// The embedded pipeline, no broker: articles as JSONL in, deduplicated events out (a table
    /// at a terminal, JSONL otherwise; or the GDELT table, CSV).
    Run(RunArgs),
    /// Code one sentence and show how (tokens, actors, matched pattern).
    Code(CodeArgs),
    /// Kafka service: articles.raw -> articles.clean (bad records to articles.raw.dlq).
    Ingest(ServiceArgs),
    /// Kafka service: articles.clean -> events.extracted (the CAMEO coder).
    Extract(ServiceArgs),
    /// Kafka service: events.extracted -> events (deduplicated, revisions as upserts).
    Dedup(ServiceArgs),
    /// Kafka service for benchmarks: copies records from one topic to another, no work.
    Passthrough(PassthroughArgs),
    /// Produce generated articles (with boilerplate, copies and bad records) at a rate.
    Loadgen(cmd_kafka::LoadgenArgs),
    /// Produce JSONL lines (one record each, keyed by their `id`) to a topic.
    Produce(cmd_kafka::ProduceArgs),
    /// Print the records of a topic, from the beginning to its current end (the internal
    /// topics' MessagePack values as JSON).
    Consume(cmd_kafka::ConsumeArgs),
    /// List the broker's topics, or create some.
    Topics(cmd_kafka::TopicsArgs),
    /// Events (a JSONL file, or the events topic) to the GDELT 2.0 event table or CSV, one row
    /// per event (its latest revision).
    Export(cmd_export::ExportArgs),
    /// The running services live: records in and out per second, lag, dead letters, p99,
    /// readiness, from their /metrics (q quits).
    Top(cmd_top::TopArgs),
    /// The coder's dictionaries: `dict check [DIR]` reports every problem with file and line.
    Dict(cmd_dict::DictArgs),
}

#[derive(clap::Args)]
pub struct RunArgs {
    /// Articles as JSONL, or - for stdin.
    #[arg(long)]
    pub input: String,
    /// Where to write events, or - for stdout.
    #[arg(long, default_value = "-")]
    pub output: String,
    /// jsonl: every event revision as dragoman.event/v1 JSON; table: one aligned line per
    /// event; gdelt: the GDELT 2.0 event table, one line per event (its latest revision,
    /// written when the input ends); csv: the same columns as CSV. Default: table when
    /// standard output is a terminal, jsonl otherwise.
    #[arg(long, value_parser = cmd_export::format_parser())]
    pub format: Option<dragoman_export::Format>,
    #[arg(long)]
    pub config: Option<PathBuf>,
}

#[derive(clap::Args)]
pub struct CodeArgs {
    /// The sentence to code.
    pub sentence: String,
    /// Show tokens, actors and the matched pattern.
    #[arg(long)]
    pub explain: bool,
    /// Publication date anchoring relative dates (default: today).
    #[arg(long)]
    pub published: Option<chrono::NaiveDate>,
    /// Print JSON instead of text.
    #[arg(long)]
    pub json: bool,
    /// Its `[coder] dictionaries` names the dictionaries (also DRAGOMAN__CODER__DICTIONARIES).
    #[arg(long)]
    pub config: Option<PathBuf>,
}

#[derive(clap::Args)]
pub struct ServiceArgs {
    /// Overrides the built-in defaults (config/default.toml); DRAGOMAN__SECTION__KEY overrides both.
    #[arg(long)]
    pub config: Option<PathBuf>,
}

#[derive(clap::Args)]
pub struct PassthroughArgs {
    #[arg(long)]
    pub config: Option<PathBuf>,
    /// Topic to read (default: topics.articles_raw).
    #[arg(long)]
    pub input: Option<String>,
    /// Topic to write (default: the input topic + ".copy").
    #[arg(long)]
    pub output: Option<String>,
}

/// A stage's heap keeps growing in small steps (the extract cache, the dedup state) and churns
/// records through; with transparent huge pages every fault had the kernel zero 2 MiB, 6% of
/// the extract stage's CPU and 3% of dedup's under load (perf: `clear_page_erms`), gone with
/// THP off. Databases with churning heaps advise the same. Best effort: a kernel without THP
/// refuses, and nothing else changes.
fn no_transparent_huge_pages() {
    #[cfg(target_os = "linux")]
    // SAFETY: prctl with PR_SET_THP_DISABLE takes plain integers and only sets a flag on this
    // process's memory map.
    unsafe {
        libc::prctl(libc::PR_SET_THP_DISABLE, 1, 0, 0, 0);
    }
}

fn main() -> ExitCode {
    no_transparent_huge_pages();
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Run(args) => cmd_run::run(&args),
        Command::Code(args) => cmd_code::code(&args),
        Command::Ingest(args) => service(stages::INGEST, args.config, None),
        Command::Extract(args) => service(stages::EXTRACT, args.config, None),
        Command::Dedup(args) => service(stages::DEDUP, args.config, None),
        Command::Passthrough(args) => service(
            stages::PASSTHROUGH,
            args.config,
            Some((args.input, args.output)),
        ),
        Command::Loadgen(args) => cmd_kafka::loadgen(&args),
        Command::Produce(args) => cmd_kafka::produce(&args),
        Command::Consume(args) => cmd_kafka::consume(&args),
        Command::Topics(args) => cmd_kafka::topics(&args),
        Command::Export(args) => cmd_export::export(&args),
        Command::Top(args) => cmd_top::top(&args),
        Command::Dict(args) => cmd_dict::dict(&args),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("dragoman: {e:#}");
            ExitCode::FAILURE
        }
    }
}

/// Runs one stage as a Kafka service until SIGTERM.
fn service(
    stage: Stage,
    config: Option<PathBuf>,
    passthrough: Option<(Option<String>, Option<String>)>,
) -> anyhow::Result<()> {
    let cfg = stages::config(stage, config.as_deref())?;
    dragoman_runtime::telemetry::init_logging(&cfg.log);
    let t = cfg.topics.clone();
    let spec = |input: &str, output: &str, changelog: Option<&str>| ServiceSpec {
        stage,
        input: input.to_owned(),
        outputs: vec![output.to_owned()],
        changelog: changelog.map(str::to_owned),
    };
    let spec = if stage == stages::INGEST {
        spec(&t.articles_raw, &t.articles_clean, None)
    } else if stage == stages::EXTRACT {
        spec(&t.articles_clean, &t.events_extracted, None)
    } else if stage == stages::DEDUP {
        spec(&t.events_extracted, &t.events, Some(&t.dedup_changelog))
    } else {
        let (input, output) = passthrough.unwrap_or_default();
        let input = input.unwrap_or(t.articles_raw.clone());
        let output = output.unwrap_or_else(|| format!("{input}.copy"));
        spec(&input, &output, None)
    };
    // What it is about to do, in one line (the runtime's `starting` line adds the admin
    // address it bound).
    tracing::info!(
        stage = stage.as_str(),
        brokers = %cfg.kafka.brokers,
        reads = %spec.input,
        writes = %spec.outputs.join(","),
        dead_letters = %t.dlq_of(&spec.input),
        changelog = spec.changelog.as_deref().unwrap_or("-"),
        admin = %cfg.admin.listen,
        "topics"
    );
    stages::run(stage, cfg, spec, Shutdown::new())?;
    // An error returned above is printed by main as the reason; this is the other way out.
    tracing::info!(
        stage = stage.as_str(),
        "stopped: shutdown requested (SIGTERM or SIGINT); in-flight records drained and offsets committed"
    );
    Ok(())
}
