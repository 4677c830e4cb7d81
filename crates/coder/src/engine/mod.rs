//! The shallow event coder as named passes over a sentence. No parse tree: token windows,
//! clause boundaries and actor slots.
//!
//! 1. discourse (`discourse.rs`): the sentence's actor groups, with the names and references
//!    the article introduced;
//! 2. clause and roles (`roles.rs`): groups into slots (coordination, prepositions), subject
//!    and object of a trigger;
//! 3. triggers (`triggers.rs`): the words of the verb dictionary that may report an event
//!    here, and which block and pattern read each best (`patterns.rs`);
//! 4. modality (`modality.rs`): control verbs, negation, intent, hypotheses, conditions,
//!    denials, non-political contexts;
//! 5. rewrites (`rewrite.rs`): the rules of `dict/rules.txt` over each event;
//! 6. emit (`emit.rs`): one event per source and target actor;
//! 7. sentence-level rules (`sentence.rs`): reported speech, agents' countries, theatres,
//!    demands, background; then the discourse remembers the sentence.

use std::rc::Rc;

use rustc_hash::FxHashMap;

pub mod agents;
mod discourse;
mod emit;
pub(crate) use emit::{state_of, RULE_SEPARATOR};
mod modality;
mod patterns;
pub(crate) mod rewrite;
mod roles;
mod sentence;
mod triggers;

use roles::skip_len;

use agents::AgentGroups;
use rewrite::{Draft, Scene};

use crate::actors::{ActorMatcher, ActorRef, Mention};
use crate::classes::*;
use crate::dict::compose::ComposeTable;
use crate::dict::rules::{Phase, RuleSet};
use crate::dict::{Facts, Family, VerbDict};
use crate::lexicon::Form;
use crate::text::{Sentence, Token};

/// The article being coded: text, lower-cased copy, tokens, and what the coder found.
pub struct Doc<'a> {
    pub text: &'a str,
    pub lower: &'a str,
    pub tokens: &'a [Token],
    pub mentions: &'a [Mention],
    /// The word classes each token's lower-case word is in ([`WordClasses`]).
    pub classes: &'a [ClassSet],
    /// Each token's word as a pattern word id ([`WordClasses`]), 0 when no pattern has it.
    pub ids: &'a [u32],
    /// Each token's lower-case word, sliced once: rules ask for words many times each.
    pub words: &'a [&'a str],
}

impl<'a> Doc<'a> {
    fn w(&self, i: usize) -> &'a str {
        self.words.get(i).copied().unwrap_or("")
    }

    /// Whether the word of token `i` is in `class`. Past the end, the empty word is in none.
    fn is(&self, i: usize, class: Class) -> bool {
        self.classes.get(i).is_some_and(|c| c.has(class))
    }

    /// Whether the word of token `i` is in any of `classes`.
    fn is_any(&self, i: usize, classes: &[Class]) -> bool {
        self.classes
            .get(i)
            .is_some_and(|c| classes.iter().any(|&k| c.has(k)))
    }
}

/// One or more coordinated actors in one syntactic position ("Russia and Libya").
#[derive(Debug, Clone)]
pub struct Slot<'d> {
    pub start: usize,
    pub end: usize,
    pub members: Vec<ActorRef>,
    /// The preposition right before the slot, lower case: "with", "to", "between".
    pub prep: Option<&'d str>,
    /// The word classes of that preposition.
    pub prep_classes: ClassSet,
    /// Its word id ([`WordClasses::id`]).
    pub prep_id: u32,
}

/// What the article said so far: names introduced, the last pair of parties, the last person.
#[derive(Debug, Default)]
pub struct Discourse {
    names: FxHashMap<String, ActorRef>,
    last_person: Option<ActorRef>,
    last_pair: Option<(ActorRef, ActorRef)>,
    /// The sentence before named that pair: "They discussed ..." may refer to it.
    pair_fresh: bool,
    /// The pair met (a symmetric code): other events do not replace it.
    pair_met: bool,
    recent: Vec<ActorRef>,
    /// Countries named in the article, in order of first mention, for place resolution.
    pub countries: Vec<Rc<str>>,
    /// The country of the last place a sentence named as where it happened: "A man has
    /// been arrested." after "A car drives into a crowd in Mannheim, Germany" is Germany's.
    last_place: Option<Rc<str>>,
    /// Who "we" and "I" are: the speaker a transcript's label names ("SECRETARY BLINKEN:"),
    /// else the first actor the article made a subject (a release's "The United States").
    voice: Option<ActorRef>,
    /// A label ("QUESTION:") named nobody the coder knows: first persons are unknown.
    voice_unknown: bool,
    /// The parties a joint statement speaks for ("We, the Foreign Ministers of ..."): "we" is
    /// each of them.
    voices: Vec<ActorRef>,
}

/// An event found in a sentence, before dates, places and the model type.
#[derive(Debug, Clone)]
pub struct RawEvent {
    pub code: &'static str,
    pub source: Option<ActorRef>,
    pub target: Option<ActorRef>,
    pub rule: String,
    pub trigger: usize,
    pub confidence: f32,
    /// An intention, threat or appeal: dates point forward.
    pub future: bool,
}

/// What happened at one trigger, for `explain`.
#[derive(Debug, Clone)]
pub struct TriggerTrace {
    pub word: String,
    pub lemma: String,
    pub rule: Option<String>,
    pub code: Option<&'static str>,
    pub note: String,
}

/// What the coder saw in one sentence, for `explain`.
#[derive(Debug, Clone, Default)]
pub struct SentenceTrace {
    pub slots: Vec<(String, Vec<String>, Option<String>)>,
    pub triggers: Vec<TriggerTrace>,
}

/// Whether a trigger candidate is used as a verb or a noun here.
#[derive(Clone, Copy)]
struct Cand {
    tok: usize,
    block: u32,
    form: Form,
}

struct Match {
    pattern: usize,
    specificity: u8,
    consumed: Vec<usize>,
    source: Option<usize>,
    target: Option<usize>,
    last: usize,
}

pub struct Engine<'a> {
    pub actors: &'a ActorMatcher,
    pub verbs: &'a VerbDict,
    pub words: &'a WordClasses,
    pub rules: &'a RuleSet,
    pub rule_index: &'a rewrite::RuleIndex,
    pub facts: &'a Facts,
    pub groups: &'a AgentGroups,
    pub compose: &'a ComposeTable,
}

/// The country of the first place the sentence names as where something happened ("in
/// Harare", "across France"): a country, region or capital after a preposition of `where-prep`.
/// A nationality before a noun is no place: "killed in Russian missile attacks on Kyiv"; a
/// city before one is ("at Kabul airport").
fn place_country(doc: &Doc, slots: &[Slot]) -> Option<Rc<str>> {
    slots
        .iter()
        .find(|s| {
            s.prep_classes.has(WHERE_PREP)
                && s.members.len() == 1
                && s.members[0].agents.is_empty()
                && s.members[0].country.is_some()
                && (s.members[0].place_country.is_some() || !modifies_a_noun(doc, s.end))
        })
        .and_then(|p| p.members[0].country.clone())
}

/// Whether the word at `k`, right after an actor's phrase, is a noun the phrase qualifies:
/// a lower-case word that is neither a preposition, nor a word that ends a place's phrase, nor
/// a kind of place ("the Pakistani city of Sialkot").
fn modifies_a_noun(doc: &Doc, k: usize) -> bool {
    k < doc.tokens.len()
        && doc.text[doc.tokens[k].range()]
            .chars()
            .next()
            .is_some_and(|c| c.is_lowercase())
        && !doc.is_any(k, &[PREP, CLAUSE_BREAK, AFTER_PLACE, SETTLEMENT])
}

/// One sentence as the passes leave it: its actor slots, the control verbs, the words taken
/// by patterns, and the events found so far.
struct Reading<'s, 'd> {
    doc: &'s Doc<'d>,
    range: (usize, usize),
    slots: Vec<Slot<'d>>,
    /// Governed trigger -> the control verb's family and token.
    controlled: FxHashMap<usize, (Family, usize)>,
    /// Tokens a pattern or a control verb has taken.
    consumed: Vec<usize>,
    events: Vec<RawEvent>,
    /// The slots of the sentence's speakers (reported speech).
    speakers: Vec<usize>,
    /// The place of the sentences before (`Discourse::last_place`).
    previous_place: Option<Rc<str>>,
}

impl Engine<'_> {
    /// Whether the words from token `k` are a word or a phrase of class `c`.
    fn at(&self, doc: &Doc, k: usize, c: Class) -> bool {
        self.words.at(doc.words, doc.classes, k, c)
    }

    /// Codes one sentence, updating the article's discourse state.
    pub fn code_sentence(
        &self,
        doc: &Doc,
        sent: &Sentence,
        disc: &mut Discourse,
        mut trace: Option<&mut SentenceTrace>,
    ) -> Vec<RawEvent> {
        let range = (sent.content_start, sent.tokens.1);
        let groups = self.actor_groups(doc, range, disc);
        let spans: Vec<(usize, usize)> = groups.iter().map(|g| (g.start, g.end)).collect();
        let slots = self.slots(doc, range, groups, disc);
        if let Some(t) = trace.as_deref_mut() {
            t.slots = trace_slots(doc, &slots);
        }
        let cands = self.candidates(doc, range, &spans);
        let controlled = self.controllers(doc, range, &cands, &slots);
        let mut r = Reading {
            doc,
            range,
            slots,
            controlled,
            consumed: Vec::new(),
            events: Vec::new(),
            speakers: Vec::new(),
            previous_place: disc.last_place.clone(),
        };
        let mut i = 0;
        while i < cands.len() {
            // All blocks of this token compete; the most specific pattern wins.
            let tok = cands[i].tok;
            let j = i + cands[i..].iter().take_while(|c| c.tok == tok).count();
            self.code_trigger(&mut r, &cands[i..j], trace.as_deref_mut());
            i = j;
        }
        self.sentence_rules(&mut r, disc);
        self.remember(disc, &r.events, &r.slots);
        if let Some(c) = place_country(doc, &r.slots) {
            disc.last_place = Some(c);
        }
        r.events
    }

    /// The passes at one trigger: its reading, modality, roles and rules, then its events.
    fn code_trigger(&self, r: &mut Reading, group: &[Cand], mut trace: Option<&mut SentenceTrace>) {
        let (doc, range, tok) = (r.doc, r.range, group[0].tok);
        if r.consumed.contains(&tok) || self.not_an_event(r, group) {
            return;
        }
        // Patterns whose guard does not hold for the event they would code.
        let mut refused: Vec<(u32, usize)> = Vec::new();
        let (c, m, mo, passive, src, tgt) = loop {
            let Some((c, m)) = self.best_reading(r, group, &refused, trace.as_deref_mut()) else {
                return;
            };
            let block = &self.verbs.blocks[c.block as usize];
            // Governed by a control verb that already produced the composed event.
            let control = r.controlled.get(&tok).copied();
            if control.is_none()
                && block.family.is_some_and(|f| f != Family::Speech)
                && r.controlled.values().any(|&(_, ct)| ct == tok)
            {
                return;
            }
            let mo = self.modality(r, c, control, block.patterns[m.pattern].code);
            // "were put on alert": a verb whose participle is its base form.
            let passive = !block.noun
                && (c.form.is_participle()
                    || (c.form == Form::Base && modality::after_aux(doc, tok, range)))
                && self.passive(doc, tok, range);
            let (src, tgt) = self.roles(r, tok, block.noun, &m, mo.controller, passive);
            let guard = &block.patterns[m.pattern].guard;
            if guard.is_empty() || {
                let mut scene = self.scene(doc, &r.slots, range, c, &m, &mo, passive);
                scene.previous_place = r.previous_place.clone();
                let draft = Draft::new(mo.code, src, tgt);
                guard.iter().all(|g| scene.holds(g, &draft))
            } {
                break (c, m, mo, passive, src, tgt);
            }
            refused.push((c.block, m.pattern));
        };
        let block = &self.verbs.blocks[c.block as usize];
        let pattern = &block.patterns[m.pattern];
        r.consumed.push(tok);
        r.consumed.extend(m.consumed.iter().copied());
        if let Some(ct) = mo.controller {
            r.consumed.push(ct);
        }
        let mut scene = self.scene(doc, &r.slots, range, c, &m, &mo, passive);
        scene.previous_place = r.previous_place.clone();
        let mut draft = Draft::new(mo.code, src, tgt);
        scene.apply(self.rules, self.rule_index, Phase::Roles, &mut draft);
        let speaker = self.addressee_and_speaker(doc, range, &r.slots, tok, block, &mo, &mut draft);
        r.speakers.extend(speaker);
        let code = draft.code;
        if !mo.skip && !draft.dropped {
            scene.apply(self.rules, self.rule_index, Phase::Event, &mut draft);
        }
        if let Some(t) = trace {
            let mut note = mo.trace_note(passive);
            if let Some(&i) = draft.fired.last().filter(|_| draft.dropped) {
                let name = &self.rules.rules[usize::from(i)].name;
                note = format!(
                    "{note}{}dropped: {name}",
                    if note.is_empty() { "" } else { "; " }
                );
            }
            t.triggers.push(TriggerTrace {
                word: doc.text[doc.tokens[tok].range()].to_string(),
                lemma: block.lemma.to_string(),
                rule: Some(pattern.rule.to_string()),
                code: Some(code),
                note,
            });
        }
        if mo.skip || draft.dropped {
            return;
        }
        self.emit(&r.slots, draft, pattern, tok, mo.future, &mut r.events);
    }
}

impl Engine<'_> {
    /// What the rules see of a trigger.
    #[allow(clippy::too_many_arguments)]
    fn scene<'s, 'd>(
        &'s self,
        doc: &'s Doc<'d>,
        slots: &'s [Slot<'d>],
        range: (usize, usize),
        c: Cand,
        m: &Match,
        mo: &modality::Modality,
        passive: bool,
    ) -> Scene<'s, 'd> {
        let block = &self.verbs.blocks[c.block as usize];
        let mut scene = Scene::new(
            doc,
            slots,
            range,
            c.tok,
            self.words.block_classes[c.block as usize],
            block.noun,
            passive,
            m.last,
            self.groups,
        );
        scene.family = mo.family;
        scene.lemma_id = self.words.block_ids[c.block as usize];
        scene.controlled = mo.controller.is_some();
        scene
    }
}

/// The slots as `explain` shows them: words, actor codes, preposition.
fn trace_slots(doc: &Doc, slots: &[Slot]) -> Vec<(String, Vec<String>, Option<String>)> {
    slots
        .iter()
        .map(|s| {
            (
                doc.text[doc.tokens[s.start].start as usize..doc.tokens[s.end - 1].end as usize]
                    .to_string(),
                s.members.iter().map(|m| m.code.to_string()).collect(),
                s.prep.map(str::to_string),
            )
        })
        .collect()
}

/// The bundled coder on a few sentences, for the passes' tests.
#[cfg(test)]
mod testing {
    use std::sync::OnceLock;

    use crate::Coder;

    fn coder() -> &'static Coder {
        static CODER: OnceLock<Coder> = OnceLock::new();
        CODER.get_or_init(|| Coder::bundled().expect("bundled dictionaries"))
    }

    fn events(text: &str) -> Vec<dragoman_model::CandidateEvent> {
        let date = chrono::NaiveDate::from_ymd_opt(2024, 5, 1).expect("a date");
        coder().explain(text, date).events
    }

    /// The events the bundled coder finds in a text, as `CODE SOURCE TARGET`.
    pub fn coded(text: &str) -> Vec<String> {
        let key =
            |a: &Option<dragoman_model::Actor>| a.as_ref().map_or("-".into(), |a| a.code.clone());
        events(text)
            .iter()
            .map(|e| format!("{} {} {}", e.code, key(&e.source), key(&e.target)))
            .collect()
    }

    /// The rules of the events of a text.
    pub fn rules(text: &str) -> Vec<String> {
        events(text).into_iter().map(|e| e.evidence.rule).collect()
    }
}
