//! What `dragoman code --explain` prints: tokens, actors, triggers with their patterns, events.

use std::fmt;

use dragoman_model::CandidateEvent;

use crate::engine::TriggerTrace;

/// How the coder read one sentence.
#[derive(Debug, Clone, Default)]
pub struct Explanation {
    pub sentence: String,
    pub tokens: Vec<String>,
    /// (words, actor codes, preposition before them)
    pub slots: Vec<(String, Vec<String>, Option<String>)>,
    pub triggers: Vec<TriggerTrace>,
    pub events: Vec<CandidateEvent>,
    /// Events the rules found that the learned filter dropped, with its probability.
    pub filtered: Vec<(CandidateEvent, f32)>,
}

/// An event actor's code as the explanations print it, `-` for none.
pub fn actor_code(a: &Option<dragoman_model::Actor>) -> &str {
    a.as_ref().map_or("-", |a| a.code.as_str())
}

impl fmt::Display for Explanation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "sentence: {}", self.sentence)?;
        writeln!(f, "tokens:   {}", self.tokens.join(" | "))?;
        writeln!(f, "actors:")?;
        if self.slots.is_empty() {
            writeln!(f, "  (none)")?;
        }
        for (words, codes, prep) in &self.slots {
            let prep = prep
                .as_ref()
                .map(|p| format!(" (after \"{p}\")"))
                .unwrap_or_default();
            writeln!(f, "  {words:<40} {}{prep}", codes.join(" + "))?;
        }
        writeln!(f, "triggers:")?;
        if self.triggers.is_empty() {
            writeln!(f, "  (none)")?;
        }
        for t in &self.triggers {
            let rule = t.rule.as_deref().unwrap_or("-");
            let code = t.code.unwrap_or("-");
            let note = if t.note.is_empty() {
                String::new()
            } else {
                format!("  [{}]", t.note)
            };
            writeln!(
                f,
                "  {:<14} lemma {:<12} rule {:<32} code {code}{note}",
                t.word, t.lemma, rule
            )?;
        }
        writeln!(f, "events:")?;
        if self.events.is_empty() {
            writeln!(f, "  (none)")?;
        }
        for e in &self.events {
            writeln!(
                f,
                "  {} {} -> {}  {} ({:?}) goldstein {} quad {} plover {}  date {} ({:?})  confidence {:.2}  rule \"{}\"",
                e.code,
                actor_code(&e.source),
                actor_code(&e.target),
                dragoman_model::CameoTable::global().get(&e.code).map_or("", |c| c.name),
                e.root_code,
                e.goldstein,
                e.quad_class,
                e.plover.as_deref().unwrap_or("-"),
                e.event_date,
                e.date_precision,
                e.confidence,
                e.evidence.rule,
            )?;
            if let Some(l) = &e.location {
                writeln!(
                    f,
                    "      location {} ({}) {:.4},{:.4}",
                    l.name, l.country, l.lat, l.lon
                )?;
            }
        }
        for (e, p) in &self.filtered {
            writeln!(
                f,
                "  dropped by the learned filter (probability {p:.2}): {} {} -> {}  rule \"{}\"",
                e.code,
                actor_code(&e.source),
                actor_code(&e.target),
                e.evidence.rule
            )?;
        }
        Ok(())
    }
}
