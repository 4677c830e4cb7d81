//! The triggers pass: the words of the verb dictionary in a sentence, which of them report an
//! event here (not a modifier, a noun of background, a gerund after a preposition), and which
//! block and pattern read each one best (`patterns.rs`).

use super::modality::after_aux;
use super::{Cand, Doc, Engine, Match, Reading, SentenceTrace, Slot, TriggerTrace};
use crate::classes::*;
use crate::lexicon::Form;
use crate::text::TokKind;

impl Engine<'_> {
    /// Every trigger candidate of the sentence: each block a word form is in, outside actor
    /// phrases (`spans`).
    pub(super) fn candidates(
        &self,
        doc: &Doc,
        range: (usize, usize),
        spans: &[(usize, usize)],
    ) -> Vec<Cand> {
        let covered = |i: usize| spans.iter().any(|&(s, e)| s <= i && i < e);
        let mut cands: Vec<Cand> = Vec::new();
        for i in range.0..range.1 {
            // The class bit says whether the index has the word, without hashing it again.
            if !doc.is(i, VERB_FORM) || doc.tokens[i].kind != TokKind::Word || covered(i) {
                continue;
            }
            // "March 17", "May 2019": a month, not a verb.
            if doc.tokens[i].cap
                && doc
                    .tokens
                    .get(i + 1)
                    .is_some_and(|t| t.kind == TokKind::Number)
            {
                continue;
            }
            if let Some(entries) = self.verbs.index.get(doc.w(i)) {
                for &(block, form) in entries {
                    cands.push(Cand {
                        tok: i,
                        block,
                        form,
                    });
                }
            }
        }
        cands
    }

    /// Whether the trigger's word names no event of its own here.
    pub(super) fn not_an_event(&self, r: &Reading, group: &[Cand]) -> bool {
        let (doc, range, slots, tok) = (r.doc, r.range, &r.slots[..], group[0].tok);
        // A gerund after a preposition is a noun phrase ("relations in providing basic
        // needs"), not a reported action, unless a pattern of another trigger took it.
        if group.iter().all(|c| c.form == Form::Gerund)
            && tok > range.0
            && doc.is(tok - 1, GERUND_NOUN_PREP)
        {
            return true;
        }
        // A participle closing a hyphenated compound is a modifier: "Government-backed
        // militias", "the Saudi-led coalition", "Russian-occupied towns".
        if group.iter().all(|c| c.form.is_participle())
            && tok > range.0 + 1
            && doc.w(tok - 1) == "-"
            && doc.tokens[tok - 1].end == doc.tokens[tok].start
            && doc.tokens[tok - 2].end == doc.tokens[tok - 1].start
        {
            return true;
        }
        // A participle between a determiner or number and the actor it describes is an
        // adjective: "released four kidnapped soldiers", "the detained activists".
        if group.iter().all(|c| c.form.is_participle())
            && tok > range.0
            && (doc.is_any(tok - 1, &[DET, QUANTITY, MODIFIER_BEFORE])
                    // "released captured Indian pilot": after another verb.
                    || (doc.w(tok - 1).ends_with("ed")
                        && doc.is(tok - 1, VERB_FORM))
                    || doc.tokens[tok - 1].kind == TokKind::Number)
            && (slots.iter().any(|s| s.start == tok + 1)
                || (tok + 2 < range.1
                    && doc.is(tok - 1, PARTICIPLE_OWNER)
                    && doc.tokens[tok + 1].kind == TokKind::Word
                    && !doc.tokens[tok + 1].cap
                    && !doc.is_any(tok + 1, &[PREP, DET, CLAUSE_BREAK, PARTICIPLE_STOP])))
        {
            return true;
        }
        // A noun after "after", "during", "for", "behind"... is background to the reported
        // event ("deployed peacekeepers after clashes", "claimed responsibility for the
        // attack"), not an event of its own. Only plain modifiers may sit between; an
        // actor stops the walk ("during a Libyan delegation visit" is the visit's source).
        if group.iter().any(|c| c.form == Form::Noun) && !r.controlled.contains_key(&tok) && {
            let mut k = tok;
            while k > range.0
                && tok - k < 4
                && !doc.is(k - 1, BACKGROUND_MARKER)
                && doc.tokens[k - 1].kind == TokKind::Word
                && !doc.tokens[k - 1].cap
                && !slots.iter().any(|s| s.start < k && k - 1 < s.end)
            {
                k -= 1;
            }
            k > range.0 && doc.is(k - 1, BACKGROUND_MARKER)
        } || (tok > range.0 + 1
            && doc.is(tok, CUSTODY)
            && (doc.w(tok - 1) == "in" || doc.w(tok - 2) == "in"))
        {
            return true;
        }
        false
    }

    /// The block and pattern that read the trigger best, if any: the most specific pattern
    /// wins; a noun block in a noun's place, a verb block in a verb's.
    pub(super) fn best_reading(
        &self,
        r: &Reading,
        group: &[Cand],
        refused: &[(u32, usize)],
        trace: Option<&mut SentenceTrace>,
    ) -> Option<(Cand, Match)> {
        let (doc, range, slots, tok) = (r.doc, r.range, &r.slots[..], group[0].tok);
        // A noun that modifies the next noun ("the clash site", "attack helicopters") names
        // no event, unless a pattern reads the two together ("assassination attempt").
        // So does a gerund after a determiner ("a training camp").
        let gerund_modifier = group.iter().all(|c| c.form == Form::Gerund)
            && tok > range.0
            && doc.is(tok - 1, ARTICLE);
        let compound = (group.iter().all(|c| c.form == Form::Noun) || gerund_modifier)
            && tok + 1 < range.1
            && {
                let t = &doc.tokens[tok + 1];
                let w = doc.w(tok + 1);
                t.kind == TokKind::Word
                    && !t.cap
                    && !doc.is_any(
                        tok + 1,
                        &[
                            PREP,
                            DET,
                            ADVERB,
                            AUX_BE,
                            AUX_SKIP,
                            FUTURE,
                            HYPOTHETICAL,
                            CLAUSE_BREAK,
                            COMPOUND_STOP,
                        ],
                    )
                    && !w.ends_with("ed")
                    && !doc.is(tok + 1, VERB_FORM)
                    && !slots.iter().any(|s| s.start == tok + 1)
            };
        // A plural noun heading the sentence is a noun too: "Protests erupted across Iran",
        // "Talks between Israel and the Palestinians resumed".
        let heads = tok == range.0
            && doc.w(tok).ends_with('s')
            && tok + 1 < range.1
            && !slots.iter().any(|s| s.start == tok + 1);
        let noun_context = heads
            || tok > range.0
                && (doc.is_any(tok - 1, &[DET, POSSESSIVE]) || slots.iter().any(|s| s.end == tok));
        let mut best: Option<(Cand, Match)> = None;
        let finite = self.plausible_verb(doc, tok, range, slots);
        for c in group {
            let b = &self.verbs.blocks[c.block as usize];
            if b.noun && !noun_context && c.form != Form::Noun {
                continue;
            }
            if !b.noun && matches!(c.form, Form::Base | Form::Third) && !finite {
                continue;
            }
            if let Some(m) = self.best_pattern(doc, b, c, range, slots, &r.consumed, refused) {
                let better = match &best {
                    None => true,
                    Some((bc, bm)) => {
                        let bb = &self.verbs.blocks[bc.block as usize];
                        m.specificity > bm.specificity
                            || (m.specificity == bm.specificity
                                && bb.noun != noun_context
                                && b.noun == noun_context)
                    }
                };
                if better {
                    best = Some((*c, m));
                }
            }
        }
        if compound
            && best
                .as_ref()
                .is_some_and(|(_, m)| !m.consumed.contains(&(tok + 1)))
        {
            return None;
        }
        let Some((c, m)) = best else {
            if let (Some(t), Some(c)) = (trace, group.first()) {
                let b = &self.verbs.blocks[c.block as usize];
                if b.family.is_none() {
                    t.triggers.push(TriggerTrace {
                        word: doc.text[doc.tokens[tok].range()].to_string(),
                        lemma: b.lemma.to_string(),
                        rule: None,
                        code: None,
                        note: "no pattern matched".into(),
                    });
                }
            }
            return None;
        };
        Some((c, m))
    }

    /// Whether a noun trigger sits in a prepositional phrase: walking back over its
    /// modifiers and names ("the Hamas", "an air") reaches a preposition before any verb.
    pub(super) fn background_noun(&self, doc: &Doc, tok: usize, range: (usize, usize)) -> bool {
        let mut k = tok;
        while k > range.0 && tok - k < 7 {
            let w = doc.w(k - 1);
            if doc.is(k - 1, PREP) {
                return w != "between";
            }
            let t = &doc.tokens[k - 1];
            let plain = t.kind == TokKind::Word || w == "-" || doc.is(k - 1, POSSESSIVE);
            if !plain || doc.is(k - 1, CLAUSE_BREAK) || (!t.cap && doc.is(k - 1, VERB_FORM)) {
                return false;
            }
            k -= 1;
        }
        false
    }

    /// Whether a base or third-person form is used as a verb here: after a subject, an
    /// auxiliary, "to" or a conjunction, or heading the sentence. Otherwise it is a noun
    /// ("settle trade in rupees", "the demand on equipment").
    pub(super) fn plausible_verb(
        &self,
        doc: &Doc,
        tok: usize,
        range: (usize, usize),
        slots: &[Slot],
    ) -> bool {
        let mut k = tok;
        while k > range.0 && doc.is(k - 1, ADVERB) {
            k -= 1;
        }
        // A name after a preposition modifies a noun: "over the Mumbai attacks".
        let subject_before = slots.iter().any(|s| {
            s.end == k
                && !(s.start > range.0
                    && (doc.is(s.start - 1, PREP)
                        || (s.start > range.0 + 1
                            && doc.is(s.start - 1, DET)
                            && doc.is(s.start - 2, PREP))))
        });
        // "We, the Foreign Ministers of ..., condemn": an opening subject with its apposition.
        let apposed = k > range.0
            && doc.w(k - 1) == ","
            && doc.is(range.0, FIRST_PERSON)
            && slots.iter().any(|s| s.start == range.0 && s.end + 1 == k);
        // "Police in Stuttgart, Germany, arrest ...": a subject whose place closes with a comma.
        let subject_comma = k > range.0 + 1
            && doc.w(k - 1) == ","
            && slots
                .iter()
                .any(|s| s.end == k - 1 && s.prep.is_none() && s.end > s.start + 2);
        if k == range.0 || subject_before || apposed || subject_comma || after_aux(doc, tok, range)
        {
            return true;
        }
        doc.is(k - 1, VERB_BEFORE)
            || doc.tokens[k - 1].cap
            || self.opens_an_object(doc, tok, k, range)
    }

    /// Whether a base or third-person form that no subject's name precedes takes an object
    /// right after it, as a headline's verb does: "a Russian missile strike on Dobropillia,
    /// Ukraine, kills at least eleven people", "police in Stuttgart, Germany, arrest 59 fans",
    /// "intelligence agents capture a senior member". A noun does not, unless a determiner or a
    /// preposition before it makes it one ("the attack a day later", "after talks the ...").
    fn opens_an_object(&self, doc: &Doc, tok: usize, k: usize, range: (usize, usize)) -> bool {
        let next = tok + 1;
        next < range.1
            && !doc.is_any(k - 1, &[DET, POSSESSIVE, PREP, ARTICLE, QUANTITY])
            && (doc.is(next, OBJECT_START)
                || doc.tokens[next].kind == TokKind::Number
                // "at least": the bound of a quantity, then its number.
                || (doc.is(next, PREP) && doc.is(next + 1, QUANTITY_BOUND)))
    }
}

#[cfg(test)]
mod tests {
    use crate::engine::testing::coded;

    #[test]
    fn a_participle_closing_a_hyphenated_compound_is_no_event() {
        assert_eq!(
            coded("Government-backed militias attacked villages in Darfur."),
            ["180 SDNUAF SDN"]
        );
    }

    #[test]
    fn a_headline_verb_before_its_object_is_a_verb() {
        // No subject's name right before the verb: an appositive place, an agent noun.
        assert_eq!(
            coded("Police in Stuttgart, Germany, arrest 59 French fans for hooliganism."),
            ["173 DEUCOP FRA"]
        );
        assert_eq!(
            coded("Turkish intelligence agents capture a senior member of the Islamic State."),
            ["173 TURSPY IRQREB"]
        );
        // "at least": a preposition and the bound of a quantity.
        assert_eq!(
            coded("Bandits in Zamfara, Nigeria, kill at least 52 villagers."),
            ["190 NGACRM NGACVL"]
        );
    }

    #[test]
    fn a_noun_after_a_background_marker_is_no_event() {
        assert!(coded("Relations improved after the signing of the accord.").is_empty());
    }
}
