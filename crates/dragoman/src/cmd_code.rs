//! `dragoman code "a sentence"`: codes one sentence and shows how (tokens, actors, matched
//! pattern, events), for whoever maintains the dictionaries.

use chrono::Utc;
use dragoman_runtime::config::Stage;

use crate::CodeArgs;

pub fn code(args: &CodeArgs) -> anyhow::Result<()> {
    let cfg = crate::stages::config(Stage::Run, args.config.as_deref())?;
    let coder = crate::cmd_dict::coder(&cfg)?;
    let published = args.published.unwrap_or_else(|| Utc::now().date_naive());
    let explanation = coder.explain(&args.sentence, published);
    if args.json {
        println!("{}", serde_json::to_string_pretty(&explanation.events)?);
    } else if args.explain {
        print!("{explanation}");
    } else if explanation.events.is_empty() {
        println!("no event coded (use --explain to see why)");
    } else {
        for e in &explanation.events {
            println!(
                "{} {} -> {}  date {}  rule \"{}\"  confidence {:.2}",
                e.code,
                dragoman_coder::actor_code(&e.source),
                dragoman_coder::actor_code(&e.target),
                e.event_date,
                e.evidence.rule,
                e.confidence
            );
        }
    }
    Ok(())
}
