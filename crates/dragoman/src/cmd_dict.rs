//! `dragoman dict check [DIR]`: every problem of a dictionary directory (laid over the bundled
//! dictionaries, as `[coder] dictionaries` loads it), or of the bundled ones, with its file and
//! line; non-zero exit status on any.

use std::path::PathBuf;

use anyhow::Context;

#[derive(clap::Args)]
pub struct DictArgs {
    #[command(subcommand)]
    pub command: DictCommand,
}

#[derive(clap::Subcommand)]
pub enum DictCommand {
    /// Check a dictionary directory (the bundled dictionaries when none is given): syntax,
    /// unknown CAMEO codes, agents and classes, duplicate keys, entries that can never match.
    Check {
        /// A directory in the project's format (or PETRARCH-2's).
        dir: Option<PathBuf>,
    },
}

pub fn dict(args: &DictArgs) -> anyhow::Result<()> {
    let DictCommand::Check { dir } = &args.command;
    let report = dragoman_coder::dict::check::check(dir.as_deref())
        .with_context(|| format!("checking {}", shown(dir)))?;
    for p in &report.problems {
        println!("{p}");
    }
    if !report.problems.is_empty() {
        anyhow::bail!("{} problem(s) in {}", report.problems.len(), shown(dir));
    }
    let counts: Vec<String> = report
        .counts
        .iter()
        .map(|(what, n)| format!("{n} {what}"))
        .collect();
    let counts = if counts.is_empty() {
        String::new()
    } else {
        format!(" ({})", counts.join(", "))
    };
    eprintln!("{}: no problem{counts}", shown(dir));
    Ok(())
}

/// The coder with the dictionaries the configuration names (`[coder] dictionaries`,
/// `DRAGOMAN__CODER__DICTIONARIES`): the bundled ones when empty.
pub fn coder(cfg: &dragoman_runtime::Config) -> anyhow::Result<dragoman_coder::Coder> {
    let section = cfg.section::<dragoman_pipeline::CoderSection>()?;
    let dir = section.dictionaries.trim();
    let dir = (!dir.is_empty()).then(|| std::path::Path::new(dir));
    dragoman_coder::Coder::load(dir).with_context(|| match dir {
        Some(d) => format!(
            "loading the dictionaries of coder.dictionaries = {}",
            d.display()
        ),
        None => "loading the bundled dictionaries".to_string(),
    })
}

fn shown(dir: &Option<PathBuf>) -> String {
    dir.as_ref().map_or_else(
        || "the bundled dictionaries".to_string(),
        |d| d.display().to_string(),
    )
}
