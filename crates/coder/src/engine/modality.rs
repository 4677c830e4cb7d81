//! The modality pass: what a trigger's event is under the words around it. Control verbs
//! ("plans to", "urged X to", "refused to") compose the code (`dict/compose.txt`); negation,
//! hypotheses ("could", purpose clauses), conditions ("if"), denials ("denied that") and
//! sports contexts leave the trigger uncoded.

use rustc_hash::FxHashMap;

use super::{Cand, Doc, Engine, Reading, Slot};
use crate::classes::*;
use crate::dict::Family;
use crate::lexicon::Form;
use crate::text::TokKind;

/// A trigger's modality: the control verb's family and token, the code it makes, whether the
/// event points forward, and whether (and why) it is not coded.
pub(super) struct Modality {
    pub family: Option<Family>,
    pub controller: Option<usize>,
    pub code: &'static str,
    pub future: bool,
    pub skip: bool,
    note: String,
}

impl Modality {
    /// What `explain` says of the trigger.
    pub fn trace_note(&self, passive: bool) -> String {
        if !self.note.is_empty() {
            return self.note.clone();
        }
        let mut n = Vec::new();
        if passive {
            n.push("passive".to_string());
        }
        if let Some(f) = self.family {
            n.push(format!("{f:?}").to_lowercase());
        }
        n.join(", ")
    }
}

impl Engine<'_> {
    /// The control verbs' governed triggers: "urged", "plans", "refused" decide the code of the
    /// verb they govern.
    pub(super) fn controllers(
        &self,
        doc: &Doc,
        range: (usize, usize),
        cands: &[Cand],
        slots: &[Slot],
    ) -> FxHashMap<usize, (Family, usize)> {
        let mut controlled: FxHashMap<usize, (Family, usize)> = FxHashMap::default();
        for c in cands {
            let b = &self.verbs.blocks[c.block as usize];
            if let Some(inner) = b
                .family
                .filter(|f| *f != Family::Speech)
                .and_then(|_| self.governed(doc, c.tok, range, cands, slots))
            {
                controlled.insert(inner, (b.family.unwrap_or(Family::Intent), c.tok));
            }
        }
        controlled
    }

    /// The modality of a trigger whose pattern gave `code`, governed by `control` if any.
    pub(super) fn modality(
        &self,
        r: &Reading,
        c: Cand,
        control: Option<(Family, usize)>,
        code: &'static str,
    ) -> Modality {
        let (doc, range, slots, tok) = (r.doc, r.range, &r.slots[..], c.tok);
        let block = &self.verbs.blocks[c.block as usize];
        let mut note = String::new();
        let negated = self.negated(doc, tok, range, slots);
        if negated {
            note = "negated: not coded".into();
        }
        let (family, controller) = match control {
            Some((f, ct)) => (Some(f), Some(ct)),
            None => (self.modal(doc, tok, range), None),
        };
        let mut code = code;
        let mut future = false;
        // Not seeking another term is an intent to change leadership too (0341).
        let mut skip = negated && code != "0341";
        match family {
            Some(Family::Negate) => {
                skip = true;
                note = "did not happen (failed to)".into();
            }
            Some(Family::Attempt) => {
                if code == "186" {
                    code = "185";
                } else {
                    skip = true;
                    note = "an attempt only".into();
                }
            }
            Some(Family::Speech) => {}
            Some(f) => match self.compose.compose(f, code) {
                Some(c2) => {
                    future = true;
                    code = c2;
                }
                None => {
                    skip = true;
                    note = format!("{f:?} of {code} has no CAMEO code");
                }
            },
            None => {}
        }
        // An attempt on a life is itself an event (185): "tried to assassinate X".
        let attempt = matches!(&code[..2], "18")
            && tok >= range.0 + 2
            && doc.w(tok - 1) == "to"
            && doc.is(tok - 2, ATTEMPT_VERB)
            && doc.is(tok, ATTEMPT_ON_LIFE);
        if attempt {
            code = "185";
        }
        if !attempt && controller.is_none() && self.hypothetical(doc, tok, range) {
            skip = true;
            note = "hypothetical (could, may, purpose clause): not coded".into();
        }
        if self.conditional(doc, tok, range) {
            skip = true;
            note = "conditional clause (if, unless, had X ...): not coded".into();
        }
        if block.family != Some(Family::Speech) && self.denied(doc, tok, range) {
            skip = true;
            note = "denied (denied that it had ...): only the denial is coded".into();
        }
        if self.words.block_classes[c.block as usize].has(SPORT_VERB) && sports(doc, range) {
            skip = true;
            note = "sports result: not coded".into();
        }
        // A violent noun in a prepositional phrase is background to the reported event:
        // "reports of air strikes near Homs", "condolences over the Paris attacks",
        // "killed in an air strike".
        if c.form == Form::Noun
            && controller.is_none()
            && matches!(&code[..2], "18" | "19" | "20")
            && !matches!(code, "185" | "186")
            && self.background_noun(doc, tok, range)
        {
            skip = true;
            note = "background (a noun after a preposition): not coded".into();
        }
        Modality {
            family,
            controller,
            code,
            future,
            skip,
            note,
        }
    }

    pub(super) fn negated(
        &self,
        doc: &Doc,
        tok: usize,
        range: (usize, usize),
        slots: &[Slot],
    ) -> bool {
        let mut k = tok;
        let mut steps = 0;
        while k > range.0 && steps < 5 {
            k -= 1;
            steps += 1;
            let w = doc.w(k);
            if doc.is(k, NEGATION) {
                return true;
            }
            if slots.iter().any(|s| s.start <= k && k < s.end)
                || doc.is(k, CLAUSE_BREAK)
                || w == ","
            {
                return false;
            }
        }
        false
    }

    pub(super) fn passive(&self, doc: &Doc, tok: usize, range: (usize, usize)) -> bool {
        let mut k = tok;
        let mut steps = 0;
        while k > range.0 && steps < 4 {
            k -= 1;
            steps += 1;
            if doc.is(k, AUX_BE) {
                return true;
            }
            // "is fatally shot": any adverb in -ly, besides the listed ones.
            let w = doc.w(k);
            let ly_adverb = w.len() > 4 && w.ends_with("ly");
            if !(doc.is_any(k, &[ADVERB, AUX_SKIP]) || ly_adverb) {
                return false;
            }
        }
        false
    }

    /// Modality from auxiliaries before the trigger: "will visit" is an intention.
    pub(super) fn modal(&self, doc: &Doc, tok: usize, range: (usize, usize)) -> Option<Family> {
        let mut k = tok;
        let mut steps = 0;
        while k > range.0 && steps < 4 {
            k -= 1;
            steps += 1;
            let w = doc.w(k);
            if doc.is(k, FUTURE) {
                return Some(Family::Intent);
            }
            if w == "to" && k > range.0 {
                if doc.is(k - 1, INTENT) || (doc.is(k - 1, AUX_BE) && !doc.is(k - 1, BE_BASE)) {
                    return Some(Family::Intent);
                }
                // "will continue to support": the auxiliary before a verb of `actual` says
                // when its complement happens, so the complement is an intention too ("we
                // would like to thank" thanks: only a plain future).
                let aux = (k.saturating_sub(3).max(range.0)..k - 1)
                    .rev()
                    .find(|&j| !doc.is(j, ADVERB));
                if k - 1 > range.0
                    && doc.is(k - 1, ACTUAL)
                    && aux.is_some_and(|j| doc.is(j, FUTURE) && doc.w(j) != "would")
                {
                    return Some(Family::Intent);
                }
                return None;
            }
            if !(doc.is(k, ADVERB) || doc.is(k, AUX_SKIP) || w == "be") {
                return None;
            }
        }
        None
    }

    /// Hypothetical: "could attack", or a purpose infinitive ("signed to enhance
    /// cooperation") whose controller is no control verb.
    pub(super) fn hypothetical(&self, doc: &Doc, tok: usize, range: (usize, usize)) -> bool {
        // What a bill would allow is not done: "a bill allowing extraditions to China", "a
        // bill that would allow extraditions".
        let law = |k: usize| {
            doc.is(k, LAW_VERB)
                && (k.saturating_sub(3).max(range.0)..k).any(|j| doc.is(j, LAW_NOUN))
        };
        if (tok.saturating_sub(3).max(range.0)..=tok).any(law) {
            return true;
        }
        let mut k = tok;
        let mut steps = 0;
        while k > range.0 && steps < 4 {
            k -= 1;
            steps += 1;
            let w = doc.w(k);
            if doc.is(k, HYPOTHETICAL) {
                return true;
            }
            if w == "to" {
                // "voted on Tuesday to lift": the day is no part of the verb.
                let mut j = k;
                if j >= range.0 + 2
                    && doc.w(j - 2) == "on"
                    && crate::dates::weekday(doc.w(j - 1)).is_some()
                {
                    j -= 2;
                }
                // "became the first Indian prime minister to visit Israel" did visit.
                let ordinal = (j.saturating_sub(5).max(range.0 + 1)..j)
                    .any(|i| doc.w(i - 1) == "the" && doc.is(i, ORDINAL));
                if ordinal {
                    return false;
                }
                let known = j > range.0 && doc.is_any(j - 1, &[INTENT, ACTUAL, AUX_BE]);
                return !known;
            }
            if !(doc.is_any(k, &[ADVERB, AUX_SKIP, FUTURE]) || w == "be") {
                return false;
            }
        }
        false
    }

    /// In a conditional clause: "If Iran attacked Israel, ...", "... would respond if Tehran
    /// enriched uranium", "Had Russia invaded, ...", "whether Russia attacked". The clause runs
    /// from the conjunction to the next comma or clause break; the main clause ("..., the EU
    /// will impose sanctions") is coded on its own terms (intent, threat).
    pub(super) fn conditional(&self, doc: &Doc, tok: usize, range: (usize, usize)) -> bool {
        let mut k = tok;
        while k > range.0 && tok - k < 14 {
            k -= 1;
            let w = doc.w(k);
            if doc.is(k, CONDITIONAL) {
                return true;
            }
            if w == ","
                || w == ";"
                || w == ":"
                || (doc.is(k, CLAUSE_BREAK) && !doc.is(k, RELATIVE_OPEN))
            {
                return false;
            }
        }
        // Inverted conditional heading the sentence: "Had Russia invaded, NATO would ...".
        k == range.0
            && doc.is(k, INVERTED_CONDITIONAL)
            && doc.tokens.get(k + 1).is_some_and(|t| t.cap)
            && (tok + 1..range.1.min(tok + 10)).any(|i| doc.w(i) == ",")
    }

    /// In the complement of a denial: "denied that it had attacked", "denied attacking",
    /// "denies any role in the bombing". The denial is the event (016), not what it denies.
    pub(super) fn denied(&self, doc: &Doc, tok: usize, range: (usize, usize)) -> bool {
        let mut k = tok;
        while k > range.0 && tok - k < 10 {
            k -= 1;
            let w = doc.w(k);
            let deny = doc.is(k, DENY_VERB);
            if (deny || doc.is(k, DISMISS_VERB))
                && ((deny && k + 1 == tok && doc.w(tok).ends_with("ing"))
                    || (k + 1..tok).any(|i| doc.is(i, DENIED_OBJECT)))
            {
                return true;
            }
            if w == ";" || (doc.is(k, CLAUSE_BREAK) && !doc.is(k, RELATIVE_OPEN)) {
                return false;
            }
        }
        false
    }

    /// The trigger a control verb governs: "plans to visit", "urged Russia to withdraw",
    /// "called on Libya to hold talks", "refused to release".
    pub(super) fn governed(
        &self,
        doc: &Doc,
        ct: usize,
        range: (usize, usize),
        cands: &[Cand],
        slots: &[Slot],
    ) -> Option<usize> {
        // A governed trigger must itself code something: "urged Australia to end offshore
        // processing" is an appeal (020) when "end" matches no pattern. A speech verb is
        // governed only for a specific reading ("threatened to declare a state of emergency").
        let codes = |c: &Cand| {
            let b = &self.verbs.blocks[c.block as usize];
            self.best_pattern(doc, b, c, range, slots, &[], &[])
                .is_some_and(|m| {
                    b.family != Some(Family::Speech) || b.patterns[m.pattern].code != "010"
                })
        };
        // "threatened new attacks", "called for talks", "rejected negotiations": a noun
        // trigger as the object, behind determiners and a plain adjective.
        let fam = cands
            .iter()
            .find(|c| c.tok == ct)
            .and_then(|c| self.verbs.blocks[c.block as usize].family);
        if matches!(
            fam,
            Some(Family::Threaten | Family::Appeal | Family::Demand | Family::Reject)
        ) {
            let mut k = ct + 1;
            if doc.is(k, OBJECT_PREFIX) {
                k += 1;
            }
            let mut adjectives = 0;
            while k < range.1.min(ct + 5) {
                if let Some(c) = cands.iter().find(|c| {
                    let b = &self.verbs.blocks[c.block as usize];
                    c.tok == k
                        && c.form == Form::Noun
                        && b.family.is_none()
                        && b.patterns.iter().any(|p| p.after.is_empty())
                        && codes(c)
                }) {
                    return Some(c.tok);
                }
                if doc.is(k, DET) && !doc.is(k, QUANTITY_LINK) {
                    k += 1;
                } else if doc.tokens[k].kind == TokKind::Word
                    && !doc.tokens[k].cap
                    && adjectives == 0
                    && !doc.is(k, PREP)
                {
                    adjectives += 1;
                    k += 1;
                } else {
                    break;
                }
            }
        }
        let mut k = ct + 1;
        // Skip an addressee and "on"/"upon" ("called on the government to").
        let lim = (ct + 9).min(range.1);
        while k < lim && doc.w(k) != "to" && doc.w(k) != "that" {
            if doc.is(k, CLAUSE_BREAK) || doc.w(k) == "," {
                return None;
            }
            k += 1;
        }
        if k >= lim {
            return None;
        }
        // The first trigger within a few words after "to"/"that".
        let after = k + 1;
        cands
            .iter()
            .filter(|c| {
                let b = &self.verbs.blocks[c.block as usize];
                !b.noun || doc.w(k) == "that"
            })
            .filter(|c| c.tok >= after && c.tok <= after + if doc.w(k) == "that" { 6 } else { 2 })
            .find(|c| codes(c))
            .map(|c| c.tok)
    }
}

/// A word after a form of "be" or "have" ("were put", "has set"): a participle even when it
/// looks like a base form.
pub(super) fn after_aux(doc: &Doc, tok: usize, range: (usize, usize)) -> bool {
    let mut k = tok;
    while k > range.0 && doc.is(k - 1, ADVERB) {
        k -= 1;
    }
    k > range.0 && doc.is_any(k - 1, &[AUX_BE, AUX_HAVE])
}

/// A sentence about a game: a score ("3-1", "2 - 0") or the vocabulary of sports.
fn sports(doc: &Doc, range: (usize, usize)) -> bool {
    let small = |i: usize| doc.tokens[i].kind == TokKind::Number && doc.w(i).len() <= 3;
    (range.0..range.1).any(|i| {
        doc.is(i, SPORTS)
            || (i + 2 < range.1
                && small(i)
                && matches!(doc.w(i + 1), "-" | "\u{2013}")
                && small(i + 2)
                && !(i > range.0 && crate::dates::month(doc.w(i - 1)).is_some()))
    })
}

#[cfg(test)]
mod tests {
    use crate::engine::testing::coded;

    #[test]
    fn will_is_an_intention() {
        assert_eq!(coded("Russia will visit Libya next week."), ["036 RUS LBY"]);
    }

    #[test]
    fn will_continue_to_is_an_intention_and_would_like_to_is_not() {
        assert_eq!(
            coded("The United States will continue to support Georgia."),
            ["032 USA GEO"]
        );
        assert_eq!(
            coded("The United States continued to support Georgia."),
            ["051 USA GEO"]
        );
    }

    #[test]
    fn an_appeal_composes_the_code_of_what_it_asks_for() {
        assert_eq!(
            coded("Russia urged Libya to hold elections."),
            ["0244 RUS LBY"]
        );
    }

    #[test]
    fn negated_conditional_and_denied_actions_are_not_coded() {
        assert!(coded("Russia did not attack Ukraine.").is_empty());
        assert!(coded("If Iran attacked Israel, the US would respond.").is_empty());
        assert_eq!(
            coded("Ukraine denied that it had attacked the Russian town."),
            ["016 UKR -"]
        );
    }

    #[test]
    fn sports_context() {
        assert!(coded("Brazil beat Argentina 3-1 in the final.").is_empty());
    }
}
