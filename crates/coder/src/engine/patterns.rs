//! The pattern pass: the most specific pattern of a verb block that matches around a trigger
//! (words before it right next to it, words after it in order within a window, actor slots).

use super::{skip_len, Cand, Doc, Engine, Match, Slot};
use crate::classes::PatternIds;
use crate::classes::*;
use crate::dict::{Block, Elem, Pattern};

impl Engine<'_> {
    /// The best pattern of a block at a trigger.
    #[allow(clippy::too_many_arguments)]
    pub(super) fn best_pattern(
        &self,
        doc: &Doc,
        b: &Block,
        c: &Cand,
        range: (usize, usize),
        slots: &[Slot],
        consumed: &[usize],
        refused: &[(u32, usize)],
    ) -> Option<Match> {
        let clause_end = (c.tok + 1..range.1)
            .find(|&k| doc.is(k, CLAUSE_BREAK) && k > c.tok + 1)
            .unwrap_or(range.1);
        let clause_start = (range.0..c.tok)
            .rev()
            .find(|&k| doc.is(k, CLAUSE_BREAK))
            .map_or(range.0, |k| k + 1);
        let pattern_ids = &self.words.patterns[c.block as usize];
        for &pi in self.words.by_specificity[c.block as usize].iter() {
            let pi = pi as usize;
            // A pattern whose guard did not hold here.
            if refused.contains(&(c.block, pi)) {
                continue;
            }
            let p = &b.patterns[pi];
            let pids = &pattern_ids[pi];
            let mut m = Match {
                pattern: pi,
                specificity: p.specificity,
                consumed: Vec::new(),
                source: None,
                target: None,
                last: c.tok,
            };
            let before = (c.tok, clause_start);
            if !before_matches(doc, p, pids, &mut m, before, slots, consumed) {
                continue;
            }
            let mut ok = true;
            let mut cur = c.tok + 1;
            for (e, wids) in p.after.iter().zip(&pids.after) {
                match e {
                    Elem::Words(ws) => {
                        let hit = |k: &usize| has(wids, doc.ids[*k]) && !consumed.contains(k);
                        // The window below is at least six words; only a word further away
                        // needs its exact bounds, which are dearer to work out than the search.
                        let found = match (cur..clause_end).find(hit) {
                            Some(k) if k >= cur + 6 => {
                                (k < after_window(doc, ws, cur, clause_end, slots)).then_some(k)
                            }
                            found => found,
                        };
                        match found {
                            Some(k) => {
                                m.consumed.push(k);
                                cur = k + 1;
                                m.last = k;
                            }
                            None => ok = false,
                        }
                    }
                    Elem::Source | Elem::Target => {
                        let found = slots.iter().position(|s| {
                            s.start >= cur
                                && s.start < clause_end
                                && (s.start - cur) <= skip_len(doc, cur, s.start)
                        });
                        match found {
                            Some(si) => {
                                if matches!(e, Elem::Source) {
                                    m.source = Some(si)
                                } else {
                                    m.target = Some(si)
                                }
                                cur = slots[si].end;
                                m.last = slots[si].end - 1;
                            }
                            None => ok = false,
                        }
                    }
                }
                if !ok {
                    break;
                }
            }
            if !ok {
                // In the passive the object noun is the subject: "agreements ... were signed".
                let passive_words = c.form.is_participle()
                    && p.after.iter().all(|e| matches!(e, Elem::Words(_)))
                    && !p.after.is_empty()
                    && p.before.is_empty();
                if !passive_words {
                    continue;
                }
                let mut cur = clause_start.max(c.tok.saturating_sub(12));
                m.consumed.clear();
                ok = true;
                for (e, wids) in p.after.iter().zip(&pids.after) {
                    if let Elem::Words(_) = e {
                        match (cur..c.tok).find(|&k| has(wids, doc.ids[k])) {
                            Some(k) => {
                                m.consumed.push(k);
                                cur = k + 1;
                            }
                            None => ok = false,
                        }
                    }
                }
                if !ok || !self.passive(doc, c.tok, range) {
                    continue;
                }
            }
            return Some(m);
        }
        None
    }
}

/// Whether a word id is one of a pattern element's words. Most words are in no pattern
/// (id 0), and need no look at the element's list.
fn has(wids: &[u32], id: u32) -> bool {
    id != 0 && wids.contains(&id)
}

/// How far from `cur` a pattern word after the trigger may be: the end of its window.
fn after_window(
    doc: &Doc,
    ws: &[Box<str>],
    cur: usize,
    clause_end: usize,
    slots: &[Slot],
) -> usize {
    // Hyphens inside compounds ("a dusk-to-dawn curfew") do not count.
    let hyphens = (cur..(cur + 12).min(clause_end))
        .filter(|&k| doc.w(k) == "-")
        .count();
    // A named actor in between is one phrase: "extradited the Russian
    // arms dealer Viktor Bout to".
    let named = slots
        .iter()
        .filter(|s| s.start >= cur && s.start < cur + 6)
        .map(|s| s.end - s.start - 1)
        .sum::<usize>();
    // So is a name with its apposition before a transfer's "to":
    // "extradited Ovidio Guzman, son of El Chapo, to".
    let apposed = if ws.iter().any(|w| **w == *"to") {
        (cur..(cur + 8).min(clause_end))
            .filter(|&k| {
                (doc.tokens[k].cap || doc.w(k) == ",")
                    && !slots.iter().any(|s| s.start <= k && k < s.end)
            })
            .count()
    } else {
        0
    };
    let lim = (cur + 6 + hyphens + named + apposed).min(clause_end);
    // And an object with its "of": "delivered the first parts of the
    // S-400 missile system to".
    // Or any pattern's object "the head of the ... mission".
    let of_phrase = 3
        * (cur..(cur + 6).min(clause_end))
            .filter(|&k| doc.w(k) == "of")
            .count();
    (lim + of_phrase).min(clause_end)
}

/// The pattern's elements before the trigger, right next to it and nearest last, within the
/// clause (`at`: the trigger and the clause's start): whether they are there; what they took
/// is added to `m`.
fn before_matches(
    doc: &Doc,
    p: &Pattern,
    pids: &PatternIds,
    m: &mut Match,
    at: (usize, usize),
    slots: &[Slot],
    consumed: &[usize],
) -> bool {
    let (mut cur, clause_start) = at;
    for (e, wids) in p.before.iter().zip(&pids.before).rev() {
        match e {
            Elem::Words(_) => {
                let found = (cur.saturating_sub(2).max(clause_start)..cur)
                    .rev()
                    .find(|&k| has(wids, doc.ids[k]) && !consumed.contains(&k));
                match found {
                    Some(k) => {
                        m.consumed.push(k);
                        cur = k;
                    }
                    None => return false,
                }
            }
            Elem::Source | Elem::Target => {
                let found = slots
                    .iter()
                    .rposition(|s| s.end <= cur && s.end + 2 >= cur && s.start >= clause_start);
                match found {
                    Some(si) => {
                        if matches!(e, Elem::Source) {
                            m.source = Some(si)
                        } else {
                            m.target = Some(si)
                        }
                        cur = slots[si].start;
                    }
                    None => return false,
                }
            }
        }
    }
    true
}

#[cfg(test)]
mod tests {
    use crate::engine::testing::{coded, rules};

    #[test]
    fn the_most_specific_pattern_wins() {
        assert_eq!(
            coded("Russia signed an agreement with Libya."),
            ["057 RUS LBY"]
        );
        assert_eq!(
            rules("Russia signed an agreement with Libya."),
            ["sign + &AGREEMENT"]
        );
    }
}
