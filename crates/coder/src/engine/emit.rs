//! The emit pass: a coded draft becomes events, one per source and target actor.

use std::rc::Rc;

use super::agents::country_of;
use super::rewrite::Draft;
use super::{Engine, RawEvent, Slot};
use crate::actors::ActorRef;
use crate::dict::Pattern;

/// The civilians of a country, as a rule makes them (`people of source`, `people of place`).
fn people(country: &Rc<str>, certainty: f32) -> ActorRef {
    let agent: Rc<str> = Rc::from(CIVILIANS);
    ActorRef {
        code: format!("{country}{agent}").into(),
        country: Some(country.clone()),
        agents: Rc::from(vec![agent]),
        name: format!("{country} protesters").into(),
        text: Rc::from(""),
        certainty,
        is_person: false,
        place_country: None,
    }
}

/// The bare country of a place's country code, for a target the text implies.
pub(crate) fn state_of(country: &str) -> ActorRef {
    state(&Rc::from(country), 0.3)
}

/// The state of a country, as a rule makes it: the bare country.
fn state(country: &Rc<str>, certainty: f32) -> ActorRef {
    ActorRef {
        code: country.clone(),
        country: Some(country.clone()),
        agents: Rc::from(Vec::<Rc<str>>::new()),
        name: country.clone(),
        text: Rc::from(""),
        certainty,
        is_person: false,
        place_country: None,
    }
}

/// Between the pattern and each rule in an event's `evidence.rule`.
pub(crate) const RULE_SEPARATOR: &str = " > ";

/// The agent of the people a rule makes.
const CIVILIANS: &str = "CVL";

impl Engine<'_> {
    /// One event for each source and target actor of the draft ("Russia and Libya signed":
    /// each with each; meetings both ways); then the people the rules made.
    pub(super) fn emit(
        &self,
        slots: &[Slot],
        draft: Draft,
        pattern: &Pattern,
        tok: usize,
        future: bool,
        out: &mut Vec<RawEvent>,
    ) {
        let before = out.len();
        self.emit_actors(slots, &draft, pattern, tok, future, out);
        let made = &mut out[before..];
        // `source = people of place`: "protests erupted across Iran".
        if let Some(c) = &draft.people_source {
            for e in made.iter_mut().filter(|e| e.source.is_none()) {
                e.source = Some(people(c, 0.4));
                // Their own place is no target.
                if e.target.as_ref().is_some_and(|t| t.code == *c) {
                    e.target = None;
                }
            }
        }
        // `source = place`: "a suspect is arrested in Rotterdam".
        if let Some(c) = &draft.state_source {
            for e in made.iter_mut().filter(|e| e.source.is_none()) {
                e.source = Some(state(c, 0.4));
            }
        }
        // `target = people of source`: "threatened to crush the street protests".
        if draft.people_target {
            for e in made.iter_mut() {
                if let Some(c) = e.source.as_ref().and_then(country_of) {
                    e.target = Some(people(&c, 0.5));
                }
            }
        }
    }

    fn emit_actors(
        &self,
        slots: &[Slot],
        draft: &Draft,
        pattern: &Pattern,
        tok: usize,
        future: bool,
        out: &mut Vec<RawEvent>,
    ) {
        let (src, tgt, code) = (draft.src, draft.tgt, draft.code);
        // The pattern, then the rules that changed the event: "attack > violence-by-...".
        let named;
        let rule: &str = if draft.fired.is_empty() {
            &pattern.rule
        } else {
            let mut r = pattern.rule.to_string();
            for &i in &draft.fired {
                r.push_str(RULE_SEPARATOR);
                r.push_str(&self.rules.rules[usize::from(i)].name);
            }
            named = r;
            &named
        };
        let conf_base = 0.45 + 0.1 * f32::from(pattern.specificity.min(3));
        let srcs: Vec<Option<&ActorRef>> = match src {
            Some(s) => slots[s].members.iter().map(Some).collect(),
            None => vec![None],
        };
        let tgts: Vec<Option<&ActorRef>> = match tgt {
            Some(t) => slots[t].members.iter().map(Some).collect(),
            None => vec![None],
        };
        let mut push = |s: Option<&ActorRef>, t: Option<&ActorRef>| {
            if let (Some(a), Some(b)) = (s, t) {
                if a.code == b.code {
                    return;
                }
            }
            let cert = |a: Option<&ActorRef>| a.map_or(0.0, |a| a.certainty);
            let confidence = (conf_base + 0.2 * cert(s) + 0.15 * cert(t) - 0.2).clamp(0.05, 0.99);
            out.push(RawEvent {
                code,
                source: s.cloned(),
                target: t.cloned(),
                rule: rule.to_string(),
                trigger: tok,
                confidence,
                future,
            });
        };
        // A list of three or more that speaks ("We, the Foreign Ministers of ..., condemn")
        // speaks together, not to each other; two may be the parties of a readout ("the
        // Secretary and the Foreign Minister reaffirmed their commitment").
        let apart = srcs.len() > 2 && self.facts.is_apart(code);
        if tgt.is_none() && srcs.len() > 1 && !apart {
            // "Russia and Libya signed": each with each.
            for a in &srcs {
                for b in &srcs {
                    if a.map(|x| &x.code) != b.map(|x| &x.code) {
                        push(*a, *b);
                    }
                }
            }
            return;
        }
        for s in &srcs {
            for t in &tgts {
                push(*s, *t);
                // Meeting, calling and negotiating are mutual: each side did it.
                if self.facts.is_symmetric(code) && s.is_some() && t.is_some() {
                    push(*t, *s);
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::engine::testing::coded;

    #[test]
    fn meetings_are_coded_both_ways() {
        assert_eq!(
            coded("Egypt and Israel held talks in Cairo."),
            ["040 EGY ISR", "040 ISR EGY"]
        );
    }

    #[test]
    fn the_people_a_rule_makes_are_civilians_of_the_place() {
        assert_eq!(coded("Protests erupted across Iran."), ["141 IRNCVL -"]);
    }
}
