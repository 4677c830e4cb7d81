//! `dragoman top`: the running services live in the terminal, from their `/metrics` and
//! `/ready` (dragoman-console does the work; this wires the addresses).

use std::io::{self, IsTerminal};
use std::path::PathBuf;
use std::time::Duration;

use dragoman_console::top::{self, Target};

use crate::stages;

#[derive(clap::Args)]
pub struct TopArgs {
    /// Admin addresses of the services to watch (repeat it, or separate with commas). Default:
    /// each stage's admin.listen from the configuration (127.0.0.1:9464, :9465, :9466).
    #[arg(long, value_delimiter = ',')]
    pub admin: Vec<String>,
    /// The configuration the services run with, for their admin addresses.
    #[arg(long)]
    pub config: Option<PathBuf>,
    /// Seconds between two readings.
    #[arg(long, default_value_t = 1.0)]
    pub refresh: f64,
    /// Print this many frames as plain text and exit (the default when standard output is
    /// not a terminal is to print frames until stopped).
    #[arg(long)]
    pub frames: Option<u64>,
}

pub fn top(args: &TopArgs) -> anyhow::Result<()> {
    let targets = targets(args)?;
    let refresh = Duration::from_secs_f64(args.refresh.clamp(0.1, 3600.0));
    let addrs: Vec<&str> = targets.iter().map(|t| t.addr.as_str()).collect();
    let interactive = args.frames.is_none() && io::stdout().is_terminal();
    if !interactive {
        eprintln!("top: reading {} every {refresh:?}", addrs.join(", "));
        top::run_plain(&targets, refresh, args.frames, &mut io::stdout().lock())?;
        let n = args.frames.unwrap_or(0);
        eprintln!(
            "top: stopped: {n} frame{} printed",
            if n == 1 { "" } else { "s" }
        );
        return Ok(());
    }
    let why = top::run_interactive(targets.clone(), refresh)?;
    eprintln!("top: stopped: {why} (was reading {})", addrs.join(", "));
    Ok(())
}

fn targets(args: &TopArgs) -> anyhow::Result<Vec<Target>> {
    if !args.admin.is_empty() {
        return Ok(args
            .admin
            .iter()
            .map(|a| Target {
                addr: a.trim().to_owned(),
                stage: None,
            })
            .collect());
    }
    let mut targets: Vec<Target> = Vec::new();
    for stage in [stages::INGEST, stages::EXTRACT, stages::DEDUP] {
        let cfg = stages::config(stage, args.config.as_deref())?;
        // One address set for all (DRAGOMAN__ADMIN__LISTEN) is one service, not three.
        if targets.iter().all(|t| t.addr != cfg.admin.listen) {
            targets.push(Target {
                addr: cfg.admin.listen.clone(),
                stage: Some(stage.as_str().to_owned()),
            });
        }
    }
    Ok(targets)
}
