//! The clause-and-roles pass: actor groups become slots (coordination, apposition, the
//! preposition before each), and a trigger's source and target come from its clause: the
//! subject, the object, the agent of a passive, a noun's possessor, a control verb's addressee.

use super::modality::Modality;
use super::rewrite::Draft;
use super::{Discourse, Doc, Engine, Match, Reading, Slot};
use crate::actors::Group;
use crate::classes::*;
use crate::dict::{Block, Family};
use crate::text::TokKind;

impl Engine<'_> {
    /// Groups into slots: coordination ("Russia and Libya", "Russia, Libya sign") and the
    /// parties of the article ("both sides").
    pub(super) fn slots<'d>(
        &self,
        doc: &Doc<'d>,
        range: (usize, usize),
        groups: Vec<Group>,
        disc: &mut Discourse,
    ) -> Vec<Slot<'d>> {
        let mut merged = merge_agent_places(doc, groups);
        let mut slots = coordinate(doc, range, &mut merged);
        pair_references(doc, range, disc, &mut slots);
        joint_voice(doc, range, disc, &mut slots);
        slots
    }

    /// A trigger's source and target from its clause: the pattern's own (`$`, `+`), else the
    /// subject and the object; in the passive the agent after "by" and the subject; a noun's
    /// possessor or adjective.
    pub(super) fn roles(
        &self,
        r: &Reading,
        tok: usize,
        noun: bool,
        m: &Match,
        controller: Option<usize>,
        passive: bool,
    ) -> (Option<usize>, Option<usize>) {
        let (doc, range, slots) = (r.doc, r.range, &r.slots[..]);
        // Source and target from the clause.
        let subj_anchor = controller.unwrap_or(tok);
        let subject = self.subject(
            doc,
            subj_anchor,
            range,
            slots,
            !noun && controller.is_none(),
        );
        let own_noun = slots.iter().position(|s| s.end == tok || s.end + 1 == tok);
        let own_or_subject = m.source.or(if noun { own_noun } else { None }).or(subject);
        if passive {
            let agent = slots
                .iter()
                .position(|s| s.start > tok && s.prep == Some("by") && s.start <= tok + 8)
                .or_else(|| attack_owner(doc, tok, slots));
            match (m.source.or(agent), subject) {
                // "agreements between Libya and Russia were signed": each with the other; and
                // "two soldiers and five insurgents are killed in a shootout": the two sides.
                // Victims of one side ("soldiers and civilians are killed") are no parties.
                (None, Some(s)) if slots[s].members.len() > 1 && self.parties(&slots[s]) => {
                    (Some(s), None)
                }
                (a, s) => (a, s),
            }
        } else if noun
            && m.source.is_none()
            && slots
                .iter()
                .any(|s| s.end == tok || (s.end + 1 == tok && doc.is(tok - 1, POSSESSIVE)))
        {
            // A noun's possessor or adjective is its source: "a Libyan delegation visit".
            let own = slots.iter().position(|s| s.end == tok || s.end + 1 == tok);
            let t = m
                .target
                .or_else(|| self.object(doc, tok, m.last, range, slots, own_or_subject));
            (own, t)
        } else {
            let t = m
                .target
                .or_else(|| self.object(doc, tok, m.last, range, slots, own_or_subject));
            (m.source.or(subject), t)
        }
    }

    /// Whether the actors of a slot can act on each other: states or bodies, or, when any
    /// carries an agent, armed state forces and non-state fighters together.
    fn parties(&self, slot: &Slot) -> bool {
        let has = |group: &str| {
            let agents = self.facts.agents(group);
            // An agent, or a group's code that ends with one ("PAKSEP").
            move |m: &crate::actors::ActorRef| {
                agents.iter().any(|g| {
                    m.agents.iter().any(|a| **a == **g)
                        || (m.code.len() > g.len() && m.code.ends_with(&**g))
                })
            }
        };
        if slot
            .members
            .iter()
            .all(|m| m.agents.is_empty() && m.code.len() == 3)
        {
            return true;
        }
        let (armed, non_state) = (has("armed"), has("non-state"));
        slot.members.iter().all(|m| armed(m) || non_state(m))
            && slot.members.iter().any(&non_state)
            && slot.members.iter().any(|m| !non_state(m))
    }

    /// A control verb's addressee is the target ("urged Russia to withdraw"); after a speech
    /// verb, a pronoun is the speaker again ("China said it ..."). Returns the speaker's slot
    /// when the trigger is a speech verb.
    #[allow(clippy::too_many_arguments)]
    pub(super) fn addressee_and_speaker(
        &self,
        doc: &Doc,
        range: (usize, usize),
        slots: &[Slot],
        tok: usize,
        block: &Block,
        mo: &Modality,
        d: &mut Draft,
    ) -> Option<usize> {
        // "urged Russia to withdraw": the addressee is the target.
        if let (Some(ct), Some(Family::Appeal | Family::Demand)) = (mo.controller, mo.family) {
            if let Some(addr) = slots.iter().position(|s| s.start > ct && s.end <= tok) {
                d.tgt = Some(addr);
                if d.src == Some(addr) {
                    d.src = self.subject(doc, ct, range, slots, false);
                }
            }
        }
        let is_speech = block.family == Some(Family::Speech);
        // "China said it ...", "Iran warned it would strike": the pronoun is the speaker
        // again, not the addressee.
        let pronoun =
            |t: usize| slots[t].end == slots[t].start + 1 && doc.is(slots[t].start, PRONOUN);
        let again = is_speech || d.tgt.is_some_and(pronoun);
        if let (true, Some(s), Some(t)) = (again, d.src, d.tgt) {
            if slots[t]
                .members
                .iter()
                .all(|m| slots[s].members.iter().any(|n| n.code == m.code))
            {
                d.tgt = None;
            }
        }
        if is_speech {
            return d.src;
        }
        None
    }

    /// The subject: the nearest slot before `tok` in its clause that is not the object of a
    /// preposition ("between" excepted: "agreements between Libya and Russia").
    pub(super) fn subject(
        &self,
        doc: &Doc,
        tok: usize,
        range: (usize, usize),
        slots: &[Slot],
        verb: bool,
    ) -> Option<usize> {
        let clause_start = (range.0..tok)
            .rev()
            .find(|&k| matches!(doc.w(k), ";" | ":"))
            .map_or(range.0, |k| k + 1);
        // "the air strike that killed seven aid workers": the subject is the noun before the
        // relative pronoun, an actor only when one stands right there.
        if tok > range.0 + 1 && doc.is(tok - 1, RELATIVE) {
            return slots.iter().position(|s| s.end == tok - 1);
        }
        // A second verb of the same subject: "India condemned the attack in Pulwama and
        // blamed Pakistan" is India's, and so is a summary's present tense: "the Houthis raid
        // UN offices in Sanaa and detain eleven staff" (`verb`: the trigger is read as one).
        if tok > range.0 + 2
            && doc.w(tok - 1) == "and"
            && (doc.w(tok).ends_with("ed")
                || (verb && !doc.w(tok).ends_with("ing") && doc.w(tok + 1) != "of"))
            && !slots.iter().any(|s| s.end == tok - 1)
        {
            if let Some(first) = slots
                .iter()
                .position(|s| s.prep.is_none() && s.start >= clause_start && s.end < tok)
            {
                return Some(first);
            }
        }
        slots
            .iter()
            .enumerate()
            .rev()
            .filter(|(_, s)| s.end <= tok && s.start >= clause_start)
            .find(|(_, s)| {
                s.prep.is_none()
                    || s.prep == Some("between")
                    // "Undersecretary of the Ministry of Health X said": a title's "of".
                    || (s.prep == Some("of") && {
                        let of = (clause_start..s.start).rev().find(|&k| doc.w(k) == "of");
                        of.is_some_and(|k| k > clause_start && doc.tokens[k - 1].cap)
                    })
            })
            .map(|(i, _)| i)
    }

    /// The object: the first slot after the trigger that is not a place or a passive agent.
    pub(super) fn object(
        &self,
        doc: &Doc,
        tok: usize,
        last: usize,
        range: (usize, usize),
        slots: &[Slot],
        source: Option<usize>,
    ) -> Option<usize> {
        let clause_end = (tok + 1..range.1)
            .find(|&k| doc.is(k, CLAUSE_BREAK))
            .unwrap_or(range.1);
        let ok = |s: &Slot| {
            if s.start <= tok || s.start >= clause_end {
                return false;
            }
            let prep = s.prep.unwrap_or("");
            if s.prep_classes.has(PLACE_PREP) {
                return false;
            }
            let near = s.start <= tok + 1 + skip_len(doc, tok + 1, s.start).min(6);
            let via_prep = s.prep_classes.has(TARGET_PREP) && s.start <= last.max(tok) + 10;
            // "launched a full-scale invasion of Ukraine": the object of the pattern's noun.
            let via_of = prep == "of"
                && last > tok
                && doc.w(last + 1) == "of"
                && s.start <= last + 2 + skip_len(doc, last + 2, s.start).min(3);
            // "held joint military exercises": an agent word inside the pattern's phrase is a
            // modifier, not the object.
            let inside = last > tok
                && s.start < last
                && s.end == last
                && s.start > tok + 1
                && !doc.is(s.start - 1, DET)
                && !doc.is(s.start - 1, PREP)
                && s.members
                    .iter()
                    .all(|m| m.country.is_none() && m.code.len() == 3);
            (near || via_prep || via_of) && !inside
        };
        // A bare agent ("tanks", "reporters") is the object only when no country or body is.
        let named = |s: &Slot| {
            s.members
                .iter()
                .any(|m| m.country.is_some() || m.code.len() > 3)
        };
        // "halt US funding for the WHO": a country adjective before a noun is a modifier;
        // a later named object is the target.
        let modifier = |s: &Slot| {
            s.members.len() == 1
                && s.members[0].agents.is_empty()
                && doc.tokens.get(s.end).is_some_and(|t| {
                    t.kind == TokKind::Word
                        && !t.cap
                        && !doc.is(s.end, PREP)
                        && !doc.is_any(s.end, &[OBJECT_STOP, CLAUSE_BREAK])
                })
        };
        // The source's own country is its target only when nothing else is named: "Trump
        // threatened to halt US funding for the WHO".
        let own = |s: &Slot| {
            modifier(s)
                && source.is_some_and(|src| {
                    s.members
                        .iter()
                        .all(|m| slots[src].members.iter().any(|n| n.key() == m.key()))
                })
        };
        slots
            .iter()
            .position(|s| ok(s) && named(s) && !own(s))
            .or_else(|| slots.iter().position(|s| ok(s) && named(s)))
            .or_else(|| slots.iter().position(ok))
    }
}

/// The agent of a passive told by the attack it happened in: "70 Palestinians are killed in
/// Israeli airstrikes", "killed during Israel's military assault", "injured in a Russian drone
/// and missile attack". The nationality or actor that qualifies an attack noun (`attack-noun`)
/// after a place preposition, a few words after the trigger.
fn attack_owner(doc: &Doc, tok: usize, slots: &[Slot]) -> Option<usize> {
    // "killed in an attack on a police station in Cauca, Colombia, by FARC dissidents":
    // the attack's "by", further than a passive's own.
    let by_attack = slots.iter().position(|s| {
        s.prep == Some("by")
            && s.start > tok
            && s.start <= tok + 24
            && (tok + 1..s.start).any(|k| doc.is(k, ATTACK_NOUN))
            && !(tok + 1..s.start).any(|k| matches!(doc.w(k), ";" | ":"))
    });
    by_attack.or_else(|| {
        slots.iter().position(|s| {
            // "during at least eight Israeli airstrikes": a count between the preposition
            // and the actor.
            let counted = (s.start.saturating_sub(4)..s.start)
                .rev()
                .take_while(|&k| !doc.tokens[k].cap)
                .any(|k| doc.is(k, PLACE_PREP));
            let prep = s.prep_classes.has(PLACE_PREP) || counted;
            if s.start <= tok || s.start > tok + 12 || !prep {
                return false;
            }
            if s.members.len() != 1 || s.members[0].country.is_none() || s.members[0].is_person {
                return false;
            }
            // "Israel's military assault", "Russian ballistic missile strike".
            let mut k = s.end;
            if doc.is(k, POSSESSIVE) {
                k += 1;
            }
            let limit = (k + 4).min(doc.tokens.len());
            while k < limit && !doc.tokens[k].cap {
                if doc.is(k, ATTACK_NOUN) {
                    return true;
                }
                if doc.is_any(k, &[PREP, CLAUSE_BREAK]) {
                    return false;
                }
                k += 1;
            }
            false
        })
    })
}

/// The preposition before a slot starting at `start`: walking back over determiners, a
/// quantity phrase and up to two plain modifiers.
fn prep_at(doc: &Doc, range: (usize, usize), start: usize) -> Option<usize> {
    let mut k = start;
    let mut adjectives = 0;
    while k > range.0 {
        if doc.is(k - 1, DET) && !doc.is(k - 1, QUANTITY_LINK) {
            k -= 1;
            continue;
        }
        // "Hundreds of thousands of protesters", "More than a million protesters":
        // a quantity phrase is no preposition's object.
        if doc.is(k - 1, QUANTITY_LINK) && k >= range.0 + 2 && doc.is(k - 2, QUANTITY) {
            k -= 1;
            while k > range.0
                && (doc.is_any(k - 1, &[QUANTITY, QUANTITY_STEP])
                    || doc.tokens[k - 1].kind == TokKind::Number)
            {
                k -= 1;
            }
            continue;
        }
        // "to drought-hit Somalia", "in Houthi-controlled Yemen": a hyphenated modifier (a
        // name before a participle: who controls or occupies the place).
        if adjectives < 2
            && k >= range.0 + 4
            && doc.w(k - 2) == "-"
            && !doc.tokens[k - 1].cap
            && doc.tokens[k - 1].kind == TokKind::Word
            && doc.tokens[k - 3].kind == TokKind::Word
            && (!doc.tokens[k - 3].cap
                || matches!(doc.w(k - 1), "controlled" | "held" | "occupied" | "run"))
        {
            adjectives += 1;
            k -= 3;
            continue;
        }
        // "in central London", "across southern Gaza".
        if k >= range.0 + 2 && doc.is(k - 1, COMPASS) && doc.is(k - 2, PREP) {
            return Some(k - 2);
        }
        // "to the former US contractor": up to two plain modifiers.
        let t = &doc.tokens[k - 1];
        if adjectives < 2
            && t.kind == TokKind::Word
            && !t.cap
            && !doc.is(k - 1, PREP)
            && !doc.is(k - 1, VERB_FORM)
            && k - 1 > range.0
            && (doc.is(k - 2, MODIFIER_DET) || (adjectives == 0 && doc.is(k - 2, TARGET_PREP)))
        {
            adjectives += 1;
            k -= 1;
            continue;
        }
        return doc.is(k - 1, PREP).then_some(k - 1);
    }
    None
}

/// The preposition of the place a country qualifies: "in Nushki, Balochistan, Pakistan",
/// "on Dobropillia, Donetsk Oblast, Ukraine". News names a town the reader may not know by
/// its region and country, and the country stands where the town does: after its
/// preposition. Only a country that ends the phrase (punctuation, a preposition or the
/// sentence's end follows it), after at most three comma-separated runs of capitalised words.
fn qualifier_prep(doc: &Doc, range: (usize, usize), start: usize, end: usize) -> Option<usize> {
    // "near Savannah, Georgia, United States": a name the next one qualifies is no country.
    let qualified = doc.w(end) == "," && end + 1 < range.1 && doc.tokens[end + 1].cap;
    let closes = end >= range.1
        || (matches!(doc.w(end), "," | "." | ";" | ":" | ")") && !qualified)
        || doc.is(end, PREP);
    if !closes || start < range.0 + 3 || doc.w(start - 1) != "," {
        return None;
    }
    let mut k = start - 1;
    for _ in 0..3 {
        // A run of capitalised words before the comma: "Donetsk Oblast".
        let run_end = k;
        while k > range.0 && k + 4 > run_end && doc.tokens[k - 1].cap && !doc.is(k - 1, PREP) {
            k -= 1;
        }
        if k == run_end || k == range.0 {
            return None;
        }
        if doc.is(k - 1, PREP) {
            return Some(k - 1);
        }
        // "in the Pakistani city of Sialkot, Punjab, Pakistan" stays unread; only commas
        // chain the runs.
        if doc.w(k - 1) != "," {
            return None;
        }
        k -= 1;
    }
    None
}

/// A slot of these actors, with the preposition before it.
fn new_slot<'d>(
    doc: &Doc<'d>,
    range: (usize, usize),
    start: usize,
    end: usize,
    members: Vec<crate::actors::ActorRef>,
) -> Slot<'d> {
    let place = members.len() == 1 && members[0].agents.is_empty() && members[0].code.len() == 3;
    let p = prep_at(doc, range, start).or_else(|| {
        place
            .then(|| qualifier_prep(doc, range, start, end))
            .flatten()
    });
    Slot {
        start,
        end,
        members,
        prep: p.map(|k| doc.w(k)),
        prep_classes: p.map_or(ClassSet::default(), |k| doc.classes[k]),
        prep_id: p.map_or(0, |k| doc.ids[k]),
    }
}

/// "protesters in Colombo", "workers from Sudan": a bare agent takes the country that follows
/// it.
fn merge_agent_places(doc: &Doc, groups: Vec<Group>) -> Vec<Group> {
    // follows it.
    let mut merged: Vec<Group> = Vec::with_capacity(groups.len());
    let mut groups = groups.into_iter().peekable();
    while let Some(mut g) = groups.next() {
        let bare_agent =
            g.actor.country.is_none() && g.actor.code.len() == 3 && !g.actor.agents.is_empty();
        if let Some(n) = groups.peek() {
            // "United States district judge X", "Iran protesters": a country right before a
            // bare agent, one plain modifier allowed between, is its country (not a capital or
            // a city standing for one: "Beijing-based officials" says where, not whose).
            let country = g.actor.agents.is_empty()
                && g.actor.code.len() == 3
                && g.actor.country.is_some()
                && g.actor.place_country.is_none();
            let n_bare =
                n.actor.country.is_none() && n.actor.code.len() == 3 && !n.actor.agents.is_empty();
            let modifier = n.start == g.end + 1
                && doc.tokens[g.end].kind == TokKind::Word
                && !doc.tokens[g.end].cap
                && !doc.is_any(
                    g.end,
                    &[PREP, DET, CLAUSE_BREAK, VERB_FORM, AGENT_COUNTRY_LINK],
                );
            if country && n_bare && (n.start == g.end || modifier) {
                let mut n = groups.next().expect("peeked");
                if let Some(c) = &g.actor.country {
                    n.actor.code = format!("{c}{}", crate::actors::concat(&n.actor.agents)).into();
                    n.actor.country = Some(c.clone());
                }
                n.start = g.start;
                merged.push(n);
                continue;
            }
            // "survivors in northern Syria": a compass word may sit in between; "police in
            // Stuttgart, Germany": a town the country qualifies.
            let compass = n.start == g.end + 2 && doc.is(g.end + 1, COMPASS);
            let town = n.start > g.end + 2
                && n.start <= g.end + 8
                && doc.w(n.start - 1) == ","
                && (g.end + 1..n.start - 1).all(|k| doc.tokens[k].cap || doc.w(k) == ",")
                && doc.tokens[g.end + 1].cap;
            if bare_agent
                && (n.start == g.end + 1 || compass || town)
                && doc.is(g.end, AGENT_COUNTRY_LINK)
                && n.actor.agents.is_empty()
            {
                if let Some(c) = &n.actor.country {
                    g.actor.code = format!("{c}{}", crate::actors::concat(&g.actor.agents)).into();
                    g.actor.country = Some(c.clone());
                    g.end = n.end;
                    groups.next();
                }
            }
        }
        merged.push(g);
    }
    merged
}

/// Each group's actor moves into its slot once the walk has passed it: coordinated groups
/// ("Russia and Libya", "the Sudanese government and SPLA rebels") share a slot, an apposition
/// replaces its head.
fn coordinate<'d>(doc: &Doc<'d>, range: (usize, usize), merged: &mut [Group]) -> Vec<Slot<'d>> {
    let groups = merged;
    let mut slots: Vec<Slot> = Vec::new();
    let mut gi = 0;
    while gi < groups.len() {
        let g = &mut groups[gi];
        let members = vec![std::mem::take(&mut g.actor)];
        let mut slot = new_slot(doc, range, g.start, g.end, members);
        while let Some(n) = groups.get(gi + 1) {
            let gap: Vec<&str> = (slot.end..n.start).map(|k| doc.w(k)).collect();
            let gap_no_det: Vec<&str> = gap
                .iter()
                .copied()
                .filter(|w| !matches!(*w, "the"))
                .collect();
            // "the Sudanese government and SPLA rebels": an unknown name before an agent.
            let named_agent = gap_no_det.len() == 2
                && gap_no_det[0] == "and"
                && doc.tokens[n.start - 1].cap
                && doc.tokens[n.start - 1].kind == TokKind::Word
                && n.actor.country.is_none()
                && n.actor.code.len() == 3
                && !n.actor.agents.is_empty();
            // "two soldiers and five insurgents": a count before the second.
            let counted = gap_no_det.len() == 2
                && gap_no_det[0] == "and"
                && n.start == slot.end + 2
                && (doc.tokens[n.start - 1].kind == TokKind::Number
                    || doc.is_any(n.start - 1, &[QUANTITY, MODIFIER_BEFORE]));
            let and = named_agent
                || counted
                || matches!(
                    gap_no_det.as_slice(),
                    ["and"] | [",", "and"] | ["&"] | ["and", "its"] | ["and", "their"]
                );
            let comma = gap_no_det.as_slice() == [","];
            let list_follows = comma
                && groups.get(gi + 2).is_some_and(|m| {
                    let g2: Vec<&str> = (n.end..m.start).map(|k| doc.w(k)).collect();
                    matches!(g2.as_slice(), ["and"] | [",", "and"] | [","])
                });
            let headline = comma && slot.start == range.0 && doc.is(n.end, VERB_FORM);
            let apposition = comma
                && slot.members.len() == 1
                && slot.members[0].country.is_none()
                && n.actor.country.is_some();
            let n_end = n.end;
            if and || list_follows || headline {
                let mut a = std::mem::take(&mut groups[gi + 1].actor);
                // "the Sudanese government and SPLA rebels": the rebels of that country.
                if named_agent {
                    if let Some(c) = slot.members[0].country.clone() {
                        a.code = format!("{c}{}", crate::actors::concat(&a.agents)).into();
                        a.country = Some(c);
                    }
                }
                // "around Kyiv and Chernihiv": two places of one country are that country once.
                let again = a.agents.is_empty()
                    && a.country.is_some()
                    && slot
                        .members
                        .iter()
                        .any(|m| m.agents.is_empty() && m.code == a.code);
                if !again {
                    slot.members.push(a);
                }
                slot.end = n_end;
                gi += 1;
            } else if apposition {
                // Apposition: "the Federal Council, Russia's upper house".
                slot.members[0] = std::mem::take(&mut groups[gi + 1].actor);
                slot.end = n_end;
                gi += 1;
            } else {
                break;
            }
        }
        share_agents(&mut slot);
        slots.push(slot);
        gi += 1;
    }
    slots
}

/// "the Russian and Ukrainian foreign ministers": the agents belong to each.
fn share_agents(slot: &mut Slot) {
    if slot.members.len() > 1 {
        let last = slot.members[slot.members.len() - 1].clone();
        if !last.agents.is_empty() && last.country.is_some() {
            for m in slot.members.iter_mut() {
                // Only an adjective ("Russian and"), not a country's name ("the United
                // States and the Taliban").
                let adjective = !m.text.is_empty() && m.text != m.name;
                if m.agents.is_empty() && m.country.is_some() && !m.is_person && adjective {
                    m.agents = last.agents.clone();
                    m.code = format!(
                        "{}{}",
                        m.country.as_deref().unwrap_or(""),
                        crate::actors::concat(&m.agents)
                    )
                    .into();
                }
            }
        }
    }
}

/// "both sides", "the two leaders": the last pair of parties the article named; and "They"
/// opening a sentence right after one that named a pair ("They discussed ..." in a readout).
fn pair_references<'d>(
    doc: &Doc<'d>,
    range: (usize, usize),
    disc: &Discourse,
    slots: &mut Vec<Slot<'d>>,
) {
    let Some((a, b)) = &disc.last_pair else {
        return;
    };
    let pair = || {
        let mut a = a.clone();
        let mut b = b.clone();
        a.certainty *= 0.7;
        b.certainty *= 0.7;
        vec![a, b]
    };
    for i in range.0..range.1.saturating_sub(1) {
        // "the two leaders": the noun alone read as an agent ("leaders") is the pair.
        if doc.is(i, PAIR_DET) {
            slots.retain(|s| !(s.start == i + 1 && s.end == i + 2));
        }
        if doc.is(i, PAIR_DET)
            && doc.is(i + 1, PAIR_NOUN)
            && !slots.iter().any(|s| s.start <= i + 1 && i < s.end)
        {
            let start = if i > range.0 && doc.w(i - 1) == "the" {
                i - 1
            } else {
                i
            };
            slots.push(new_slot(doc, range, start, i + 2, pair()));
        }
        // "The delegations discussed": the plural alone, right after the pair acted.
        if disc.pair_fresh
            && i == range.0
            && doc.w(i) == "the"
            && doc.is(i + 1, PAIR_NOUN)
            && doc.w(i + 2) != "of"
        {
            slots.retain(|s| !(s.start <= i + 1 && i + 1 < s.end));
            slots.push(new_slot(doc, range, i, i + 2, pair()));
        }
    }
    let opening = range.0;
    if disc.pair_fresh && doc.is(opening, PAIR_PRONOUN) && !slots.iter().any(|s| s.start == opening)
    {
        slots.push(new_slot(doc, range, opening, opening + 1, pair()));
    }
    slots.sort_by_key(|s| s.start);
}

/// A joint statement: "We, the Foreign Ministers of France, Germany and the United States,
/// condemn ...": the list in apposition to the opening "We" is the subject, and the parties
/// "we" stands for from here on.
fn joint_voice<'d>(
    doc: &Doc<'d>,
    range: (usize, usize),
    disc: &mut Discourse,
    slots: &mut Vec<Slot<'d>>,
) {
    let opening = range.0;
    if doc.is(opening, FIRST_PERSON) && doc.w(opening + 1) == "," {
        let listed = slots
            .iter()
            .position(|s| s.start > opening + 1 && s.start <= opening + 6 && s.members.len() > 1);
        if let Some(i) = listed {
            let list = slots.remove(i);
            slots.retain(|s| s.start >= list.end);
            disc.voices = list.members.clone();
            slots.insert(0, new_slot(doc, range, opening, list.end, list.members));
            return;
        }
    }
    if disc.voices.len() < 2 {
        return;
    }
    // "We urge ...", "our support": each party of the statement.
    for k in range.0..range.1 {
        if doc.is(k, FIRST_PERSON) && doc.text[doc.tokens[k].range()] != *"US" {
            slots.retain(|s| !(s.start == k && s.end == k + 1));
            if !slots.iter().any(|s| s.start <= k && k < s.end) {
                slots.push(new_slot(doc, range, k, k + 1, disc.voices.clone()));
            }
        }
    }
    slots.sort_by_key(|s| s.start);
}

/// How many tokens of determiners and adjectives may sit between `from` and a slot at `to`.
pub(super) fn skip_len(doc: &Doc, from: usize, to: usize) -> usize {
    let mut n = 0;
    let mut words = 0;
    let mut names = 0;
    for k in from..to {
        let w = doc.w(k);
        // "shot dead more than a hundred protesters": a quantity or a result is no modifier
        // of its own.
        if doc.is_any(k, &[DET, PREP, ADVERB, QUANTITY])
            || doc.tokens[k].kind == TokKind::Number
            || matches!(w, "-" | "dead")
        {
            n += 1;
        } else if doc.tokens[k].kind == TokKind::Word
            && doc.tokens[k].cap
            && names < 4
            && !(from..k).any(|j| doc.is(j, PREP))
        {
            // "the pro-Kurdish Democratic Society Party": the words of an unknown name.
            names += 1;
            n += 1;
        } else if doc.tokens[k].kind == TokKind::Word && words < 2 {
            // "anti-war protesters", "more than 270 schoolgirls": plain modifiers.
            words += 1;
            n += 1;
        } else {
            break;
        }
    }
    n
}

#[cfg(test)]
mod tests {
    use crate::engine::testing::coded;

    #[test]
    fn passive_with_by_agent() {
        assert_eq!(
            coded("Ukraine was accused by Russia of shelling civilians."),
            ["1123 RUS UKR"]
        );
    }

    #[test]
    fn they_and_the_two_leaders_after_a_meeting_are_its_parties() {
        let first = "Egypt's foreign minister met Israel's foreign minister in Cairo. ";
        let pair = ["040 EGYGOV ISRGOV", "040 ISRGOV EGYGOV"];
        for next in ["They discussed trade.", "The two leaders discussed trade."] {
            let mut got = coded(&format!("{first}{next}"));
            got[2..].sort();
            assert_eq!(got[2..], pair, "{next}: {got:?}");
        }
        // The parties who met stay the pair through the readout.
        let got = coded(&format!(
            "{first}Egypt's foreign minister condemned Russia's attacks on Ukraine. \
             The delegations discussed trade."
        ));
        assert!(got.contains(&pair[0].to_string()), "{got:?}");
        assert!(!got.iter().any(|e| e.starts_with("040 RUS")), "{got:?}");
        // Only right after the sentence that named the pair.
        let got = coded(&format!("{first}Protesters rallied. They discussed trade."));
        assert_eq!(got.len(), 3, "{got:?}");
    }

    #[test]
    fn a_joint_statement_speaks_for_each_party_listed_after_we() {
        let got = coded(
            "We, the Foreign Ministers of France, Germany and Italy, condemn the arrests of \
             protesters in Cuba. We urge the Cuban government to release them.",
        );
        for party in ["FRAGOV", "DEU", "ITA"] {
            assert!(got.contains(&format!("111 {party} CUBCVL")), "{got:?}");
            assert!(got.contains(&format!("0253 {party} CUBGOV")), "{got:?}");
        }
        // Together, not to each other.
        assert!(!got.iter().any(|e| e.starts_with("111 DEU ITA")), "{got:?}");
    }

    #[test]
    fn coordinated_actors_act_with_each_other() {
        assert_eq!(
            coded("Egypt and Israel held talks in Cairo."),
            ["040 EGY ISR", "040 ISR EGY"]
        );
    }
}
