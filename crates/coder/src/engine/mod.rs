//! The shallow event coder: around each verb or noun trigger, find the pattern that matches,
//! the voice, negation and modality, and the source and target from the structure of the
//! clause. No parse tree: token windows, clause boundaries and actor slots.

use std::rc::Rc;

use rustc_hash::FxHashMap;

pub mod agents;
mod rewrite;

use agents::{bare_agent, country_of, give_country, AgentGroups};
use rewrite::Draft;

use crate::classes::*;
use crate::dict::compose::ComposeTable;
use crate::dict::rules::{Phase, RuleSet};
use crate::dict::Facts;

use crate::actors::{compose, is_name_token, ActorMatcher, ActorRef, Group, Mention};
use crate::dict::{Block, Elem, Family, Pattern, VerbDict};
use crate::lexicon::Form;
use crate::text::{Sentence, TokKind, Token};

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
}

/// What the article said so far: names introduced, the last pair of parties, the last person.
#[derive(Debug, Default)]
pub struct Discourse {
    names: FxHashMap<String, ActorRef>,
    last_person: Option<ActorRef>,
    last_pair: Option<(ActorRef, ActorRef)>,
    recent: Vec<ActorRef>,
    /// Countries named in the article, in order of first mention, for place resolution.
    pub countries: Vec<Rc<str>>,
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

/// What a protest demands, from the words after its demand marker: 1 a change of leadership,
/// 2 of policy, 3 rights, 4 a change of institutions (CAMEO's last digit of 141x-145x).
fn demand_kind(doc: &Doc, from: usize, end: usize) -> Option<u8> {
    let mut found = None;
    for k in from..end.min(from + 12) {
        let kind = if doc.is(k, DEMAND_LEADERSHIP) {
            1
        } else if doc.is(k, DEMAND_RIGHTS) {
            3
        } else if doc.is(k, DEMAND_INSTITUTIONS) {
            4
        } else if doc.is(k, DEMAND_POLICY) {
            2
        } else {
            continue;
        };
        // The first strong word decides; a policy word may still be refined ("reform of
        // the monarchy" is institutional).
        match found {
            None => found = Some(kind),
            Some(2) if kind != 2 => return Some(kind),
            Some(_) => {}
        }
        if kind != 2 {
            return Some(kind);
        }
    }
    found
}

/// A code with a last digit: a protest (141) for leadership change is 1411; a code CAMEO
/// does not refine stays as it is.
fn with_digit(base: &'static str, digit: u8) -> &'static str {
    dragoman_model::CameoTable::global()
        .get(&format!("{base}{digit}"))
        .map_or(base, |c| c.code)
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
    pub facts: &'a Facts,
    pub groups: &'a AgentGroups,
    pub compose: &'a ComposeTable,
}

/// The country of the first place the sentence names as where something happened ("in
/// Harare", "across France"): a country, region or capital after a preposition of `where-prep`.
fn place_country(slots: &[Slot]) -> Option<Rc<str>> {
    slots
        .iter()
        .find(|s| {
            s.prep_classes.has(WHERE_PREP)
                && s.members.len() == 1
                && s.members[0].agents.is_empty()
                && s.members[0].country.is_some()
        })
        .and_then(|p| p.members[0].country.clone())
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
        let mut groups = Vec::new();
        let first_m = doc.mentions.partition_point(|m| m.start < range.0);
        let last_m = doc.mentions.partition_point(|m| m.start < range.1);
        compose(
            self.actors,
            doc.text,
            doc.lower,
            doc.tokens,
            doc.classes,
            range,
            &doc.mentions[first_m..last_m],
            &mut groups,
        );
        self.add_discourse_groups(doc, range, disc, &mut groups);
        for g in &groups {
            if let Some((s, e)) = g.new_name {
                let full = doc.lower[doc.tokens[s].start as usize..doc.tokens[e - 1].end as usize]
                    .to_string();
                let surname = doc.w(e - 1).to_string();
                disc.names.insert(full, g.actor.clone());
                if surname.len() > 2 {
                    disc.names.insert(surname, g.actor.clone());
                }
            }
            if let Some(c) = &g.actor.country {
                if !disc.countries.contains(c) {
                    disc.countries.push(c.clone());
                }
            }
        }
        let spans: Vec<(usize, usize)> = groups.iter().map(|g| (g.start, g.end)).collect();
        let slots = self.slots(doc, range, groups, disc);
        if let Some(t) = trace.as_deref_mut() {
            t.slots = slots
                .iter()
                .map(|s| {
                    (
                        doc.text[doc.tokens[s.start].start as usize
                            ..doc.tokens[s.end - 1].end as usize]
                            .to_string(),
                        s.members.iter().map(|m| m.code.to_string()).collect(),
                        s.prep.map(str::to_string),
                    )
                })
                .collect();
        }
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
        let mut consumed: Vec<usize> = Vec::new();
        let mut events: Vec<RawEvent> = Vec::new();
        let mut speakers: Vec<usize> = Vec::new();
        // Controllers first: "urged", "plans", "refused" decide the code of the verb they govern.
        let mut controlled: FxHashMap<usize, (Family, usize)> = FxHashMap::default();
        for c in &cands {
            let b = &self.verbs.blocks[c.block as usize];
            if let Some(inner) = b
                .family
                .filter(|f| *f != Family::Speech)
                .and_then(|_| self.governed(doc, c.tok, range, &cands, &slots))
            {
                controlled.insert(inner, (b.family.unwrap_or(Family::Intent), c.tok));
            }
        }
        let mut i = 0;
        while i < cands.len() {
            // All blocks of this token compete; the most specific pattern wins.
            let tok = cands[i].tok;
            let mut j = i;
            while j < cands.len() && cands[j].tok == tok {
                j += 1;
            }
            let group = &cands[i..j];
            i = j;
            if consumed.contains(&tok) {
                continue;
            }
            // A gerund after a preposition is a noun phrase ("relations in providing basic
            // needs"), not a reported action, unless a pattern of another trigger took it.
            if group.iter().all(|c| c.form == Form::Gerund)
                && tok > range.0
                && doc.is(tok - 1, GERUND_NOUN_PREP)
            {
                continue;
            }
            // A participle closing a hyphenated compound is a modifier: "Government-backed
            // militias", "the Saudi-led coalition", "Russian-occupied towns".
            if group.iter().all(|c| c.form.is_participle())
                && tok > range.0 + 1
                && doc.w(tok - 1) == "-"
                && doc.tokens[tok - 1].end == doc.tokens[tok].start
                && doc.tokens[tok - 2].end == doc.tokens[tok - 1].start
            {
                continue;
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
                continue;
            }
            // A noun after "after", "during", "for", "behind"... is background to the reported
            // event ("deployed peacekeepers after clashes", "claimed responsibility for the
            // attack"), not an event of its own. Only plain modifiers may sit between; an
            // actor stops the walk ("during a Libyan delegation visit" is the visit's source).
            if group.iter().any(|c| c.form == Form::Noun) && !controlled.contains_key(&tok) && {
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
                continue;
            }
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
            let word = doc.text[doc.tokens[tok].range()].to_string();
            // A plural noun heading the sentence is a noun too: "Protests erupted across Iran",
            // "Talks between Israel and the Palestinians resumed".
            let heads = tok == range.0
                && doc.w(tok).ends_with('s')
                && tok + 1 < range.1
                && !slots.iter().any(|s| s.start == tok + 1);
            let noun_context = heads
                || tok > range.0
                    && (doc.is_any(tok - 1, &[DET, POSSESSIVE])
                        || slots.iter().any(|s| s.end == tok));
            let mut best: Option<(Cand, Match)> = None;
            let finite = self.plausible_verb(doc, tok, range, &slots);
            for c in group {
                let b = &self.verbs.blocks[c.block as usize];
                if b.noun && !noun_context && c.form != Form::Noun {
                    continue;
                }
                if !b.noun && matches!(c.form, Form::Base | Form::Third) && !finite {
                    continue;
                }
                if let Some(m) = self.best_pattern(doc, b, c, range, &slots, &consumed) {
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
                continue;
            }
            let Some((c, m)) = best else {
                if let (Some(t), Some(c)) = (trace.as_deref_mut(), group.first()) {
                    let b = &self.verbs.blocks[c.block as usize];
                    if b.family.is_none() {
                        t.triggers.push(TriggerTrace {
                            word,
                            lemma: b.lemma.to_string(),
                            rule: None,
                            code: None,
                            note: "no pattern matched".into(),
                        });
                    }
                }
                continue;
            };
            let block = &self.verbs.blocks[c.block as usize];
            let pattern = &block.patterns[m.pattern];
            let mut note = String::new();
            // Governed by a control verb that already produced the composed event.
            let control = controlled.get(&tok).copied();
            if control.is_none()
                && block.family.is_some_and(|f| f != Family::Speech)
                && controlled.values().any(|&(_, ct)| ct == tok)
            {
                continue;
            }
            let negated = self.negated(doc, tok, range, &slots);
            if negated {
                note = "negated: not coded".into();
            }
            let (family, controller) = match control {
                Some((f, ct)) => (Some(f), Some(ct)),
                None => (self.modal(doc, tok, range, &slots, &cands), None),
            };
            let mut code = pattern.code;
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
            consumed.push(tok);
            consumed.extend(m.consumed.iter().copied());
            if let Some(ct) = controller {
                consumed.push(ct);
            }
            // "were put on alert": a verb whose participle is its base form.
            let passive = !block.noun
                && (c.form.is_participle() || (c.form == Form::Base && after_aux(doc, tok, range)))
                && self.passive(doc, tok, range);
            // Source and target from the clause.
            let subj_anchor = controller.unwrap_or(tok);
            let subject = self.subject(doc, subj_anchor, range, &slots);
            let own_noun = slots.iter().position(|s| s.end == tok || s.end + 1 == tok);
            let own_or_subject = m
                .source
                .or(if block.noun { own_noun } else { None })
                .or(subject);
            let (mut src, mut tgt) = if passive {
                let agent = slots
                    .iter()
                    .position(|s| s.start > tok && s.prep == Some("by") && s.start <= tok + 8);
                match (m.source.or(agent), subject) {
                    // "agreements between Libya and Russia were signed": each with the other.
                    (None, Some(s)) if slots[s].members.len() > 1 => (Some(s), None),
                    (a, s) => (a, s),
                }
            } else if block.noun
                && m.source.is_none()
                && slots.iter().any(|s| {
                    s.end == tok
                        || (s.end + 1 == tok && matches!(doc.w(tok - 1), "'s" | "\u{2019}s"))
                })
            {
                // A noun's possessor or adjective is its source: "a Libyan delegation visit".
                let own = slots.iter().position(|s| s.end == tok || s.end + 1 == tok);
                let t = m
                    .target
                    .or_else(|| self.object(doc, tok, m.last, range, &slots, own_or_subject));
                (own, t)
            } else {
                let t = m
                    .target
                    .or_else(|| self.object(doc, tok, m.last, range, &slots, own_or_subject));
                (m.source.or(subject), t)
            };
            let scene = rewrite::Scene::new(
                doc,
                &slots,
                range,
                tok,
                &block.lemma,
                self.words.block_classes[c.block as usize],
                block.noun,
                passive,
                m.last,
                self.groups,
            );
            let mut draft = Draft::new(code, src, tgt);
            scene.apply(self.rules, Phase::Roles, &mut draft);
            (code, src, tgt) = (draft.code, draft.src, draft.tgt);
            // "urged Russia to withdraw": the addressee is the target.
            if let (Some(ct), Some(Family::Appeal | Family::Demand)) = (controller, family) {
                if let Some(addr) = slots.iter().position(|s| s.start > ct && s.end <= tok) {
                    tgt = Some(addr);
                    if src == Some(addr) {
                        src = self.subject(doc, ct, range, &slots);
                    }
                }
            }
            let is_speech = block.family == Some(Family::Speech);
            // "China said it ...", "Iran warned it would strike": the pronoun is the speaker
            // again, not the addressee.
            let pronoun = |t: usize| {
                slots[t].end == slots[t].start + 1
                    && matches!(doc.w(slots[t].start), "it" | "they" | "he" | "she")
            };
            let again = is_speech || tgt.is_some_and(pronoun);
            if let (true, Some(s), Some(t)) = (again, src, tgt) {
                if slots[t]
                    .members
                    .iter()
                    .all(|m| slots[s].members.iter().any(|n| n.code == m.code))
                {
                    tgt = None;
                }
            }
            if is_speech {
                if let Some(s) = src {
                    speakers.push(s);
                }
            }
            if let Some(t) = trace.as_deref_mut() {
                t.triggers.push(TriggerTrace {
                    word,
                    lemma: block.lemma.to_string(),
                    rule: Some(pattern.rule.to_string()),
                    code: Some(code),
                    note: if note.is_empty() {
                        let mut n = Vec::new();
                        if passive {
                            n.push("passive".to_string());
                        }
                        if let Some(f) = family {
                            n.push(format!("{f:?}").to_lowercase());
                        }
                        n.join(", ")
                    } else {
                        note.clone()
                    },
                });
            }
            if skip {
                continue;
            }
            (draft.code, draft.src, draft.tgt) = (code, src, tgt);
            scene.apply(self.rules, Phase::Event, &mut draft);
            let Draft {
                code,
                src,
                tgt,
                people_target,
                people_source,
                ..
            } = draft;
            let conf_base = 0.45 + 0.1 * f32::from(pattern.specificity.min(3));
            let before = events.len();
            self.emit(
                &slots,
                src,
                tgt,
                code,
                pattern,
                tok,
                conf_base,
                future,
                &mut events,
            );
            // `source = people of place`: "protests erupted across Iran".
            if let Some(c) = &people_source {
                for e in &mut events[before..] {
                    if e.source.is_none() {
                        e.source = Some(ActorRef {
                            code: format!("{c}CVL").into(),
                            country: Some(c.clone()),
                            agents: Rc::from(vec![Rc::from("CVL")]),
                            name: format!("{c} protesters").into(),
                            text: "".into(),
                            certainty: 0.4,
                            is_person: false,
                            place_country: None,
                        });
                        // Their own place is no target.
                        if e.target.as_ref().is_some_and(|t| t.code == *c) {
                            e.target = None;
                        }
                    }
                }
            }
            // `target = people of source`: "threatened to crush the street protests".
            if people_target {
                for e in &mut events[before..] {
                    if let Some(c) = e.source.as_ref().and_then(country_of) {
                        e.target = Some(ActorRef {
                            code: format!("{c}CVL").into(),
                            country: Some(c.clone()),
                            agents: Rc::from(vec![Rc::from("CVL")]),
                            name: format!("{c} protesters").into(),
                            text: "".into(),
                            certainty: 0.5,
                            is_person: false,
                            place_country: None,
                        });
                    }
                }
            }
        }
        // Reported speech: an event without a source takes the speaker's.
        if let Some(&sp) = speakers.first() {
            let speaker = &slots[sp];
            for e in events.iter_mut().filter(|e| e.source.is_none()) {
                e.source = speaker.members.first().cloned();
                e.confidence -= 0.1;
            }
        }
        // Violence reported by its victim targets the speaker: "Russia destroyed the Kakhovka
        // dam, Ukraine said", "India said Pakistani troops violated the ceasefire".
        if let Some(speaker) = speakers.first().and_then(|&sp| slots[sp].members.first()) {
            if let Some(sc) = country_of(speaker).filter(|_| speaker.code.len() == 3) {
                for e in events.iter_mut().filter(|e| {
                    e.target.is_none() && matches!(&e.code[..2], "17" | "18" | "19" | "20")
                }) {
                    if let Some(src) = &e.source {
                        if self.groups.non_state(src) || country_of(src).is_some_and(|c| c != sc) {
                            e.target = Some(speaker.clone());
                        }
                    }
                }
            }
        }
        // An appeal for aid or for international help with no addressee is made to the
        // international community (IGOUNO, as in the labelled sets): "Somalia appealed for
        // international aid", "Pakistan appealed for humanitarian aid".
        for e in events.iter_mut().filter(|e| {
            e.target.is_none()
                && e.code.starts_with("02")
                && e.source
                    .as_ref()
                    .is_some_and(|s| !self.groups.non_state(s) && country_of(s).is_some())
        }) {
            let clause_end = (e.trigger + 1..range.1)
                .find(|&k| doc.is(k, CLAUSE_BREAK) || doc.w(k) == ",")
                .unwrap_or(range.1);
            let abroad =
                (e.trigger + 1..clause_end.min(e.trigger + 8)).any(|k| doc.is(k, INTERNATIONAL));
            if e.code.starts_with("023") || abroad {
                e.target = Some(ActorRef {
                    code: "IGOUNO".into(),
                    country: None,
                    agents: crate::actors::agents_of(Vec::new()),
                    name: "the international community".into(),
                    text: "".into(),
                    certainty: 0.4,
                    is_person: false,
                    place_country: None,
                });
            }
        }
        // "at the invitation of X": the inviter hosted the visit.
        self.invitations(doc, range, &slots, &mut events);
        // Agents without a country ("police", "protesters", "troops") take one from the
        // sentence or the article.
        if events.iter().any(|e| {
            e.source.as_ref().is_some_and(bare_agent) || e.target.as_ref().is_some_and(bare_agent)
        }) {
            let home = self.home_country(doc, range, &slots, disc);
            for e in events.iter_mut() {
                let (s_c, t_c) = (
                    e.source.as_ref().and_then(country_of),
                    e.target.as_ref().and_then(country_of),
                );
                if let Some(a) = e.source.as_mut().filter(|a| bare_agent(a)) {
                    if let Some(c) = home.clone().or(t_c) {
                        give_country(a, &c);
                    }
                }
                if let Some(a) = e.target.as_mut().filter(|a| bare_agent(a)) {
                    if let Some(c) = home.clone().or(s_c) {
                        give_country(a, &c);
                    }
                }
                if let (Some(a), Some(b)) = (&e.source, &e.target) {
                    // Dissent names a place of its own country, not a target: "took to the
                    // streets of Santiago".
                    let own_place = e.code.starts_with("14")
                        && b.agents.is_empty()
                        && b.code.len() == 3
                        && a.country.as_deref() == Some(&*b.code);
                    if a.code == b.code || own_place {
                        e.target = None;
                    }
                }
            }
        }
        self.theatres(doc, range, &slots, disc, &mut events);
        // Dissent by what it demands: "rallied demanding the resignation of ..." is 1411, a
        // strike over pensions 1432, a hunger strike for rights 1423, blocking roads for a new
        // constitution 1444. The demand's addressee is the target, and the participle that
        // states the demand ("demanding", "calling for") is no event of its own.
        if let Some(pi) = events
            .iter()
            .position(|e| matches!(e.code, "141" | "142" | "143" | "144" | "145" | "133"))
        {
            let ptok = events[pi].trigger;
            let demand = (ptok + 1..range.1).find(|&k| doc.is(k, DEMAND_MARKER));
            // Or in the subject: "Protesters against the finance bill clashed with police".
            let demand = demand
                .filter(|&d| demand_kind(doc, d, range.1).is_some())
                .or_else(|| {
                    (range.0..ptok).find(|&k| {
                        doc.is(k, DEMAND_SUBJECT_MARKER) && demand_kind(doc, k, ptok).is_some()
                    })
                })
                .or(demand);
            if let Some(kind) = demand.and_then(|d| demand_kind(doc, d, range.1)) {
                let base = events[pi].code;
                let code = with_digit(base, kind);
                let extra_target = events
                    .iter()
                    .find(|e| e.trigger > ptok && e.code.starts_with("10") && e.target.is_some())
                    .and_then(|e| e.target.clone());
                for e in events.iter_mut().filter(|e| e.code == base) {
                    e.code = code;
                    if e.target.is_none() {
                        e.target = extra_target.clone();
                    }
                }
                events.retain(|e| !(e.trigger > ptok && e.code.starts_with("10")));
            }
            // People protesting at home against their leaders or a policy protest against
            // their government: "rallied in Colombo to demand the resignation of President
            // X", "marched in London against the government's plans".
            let kind = demand.and_then(|d| demand_kind(doc, d, range.1));
            let names_rulers = (ptok + 1..range.1).any(|k| self.at(doc, k, RULER));
            let protest = events
                .iter()
                .find(|e| e.trigger == ptok && (e.code.starts_with("14") || e.code == "133"));
            let threat = protest.is_some_and(|p| p.code == "133");
            // Protesting against something at home is protesting against who decided it: "women
            // across Poland protested against the near-total ban on abortion".
            let against = demand.is_some_and(|d| doc.w(d) == "against") && kind.is_some();
            if let (Some(p), true) = (
                protest,
                matches!(kind, Some(1 | 2))
                    || names_rulers
                    || threat
                    || against
                    || protest.is_some_and(|p| p.code.starts_with("142")),
            ) {
                let base = &p.code[..3];
                let home = p
                    .source
                    .as_ref()
                    .filter(|s| {
                        !s.agents
                            .iter()
                            .any(|g| matches!(&**g, "GOV" | "MIL" | "COP" | "JUD"))
                    })
                    .and_then(|s| s.country.clone());
                let foreign = |c: &str| {
                    slots
                        .iter()
                        .flat_map(|s| s.members.iter())
                        .any(|m| m.country.as_deref().is_some_and(|x| x != c))
                };
                if let Some(c) = home.filter(|c| !foreign(c)) {
                    let gov = ActorRef {
                        code: format!("{c}GOV").into(),
                        country: Some(c.clone()),
                        agents: Rc::from(vec![Rc::from("GOV")]),
                        name: format!("{c} government").into(),
                        text: "".into(),
                        certainty: 0.5,
                        is_person: false,
                        place_country: None,
                    };
                    for e in events
                        .iter_mut()
                        .filter(|e| e.code.starts_with(base) && e.target.is_none())
                    {
                        e.target = Some(gov.clone());
                    }
                }
            }
        }
        // Police or prosecutors raiding in an investigation investigate: "federal police
        // raided the offices of construction firms in the Petrobras bribery probe" 091.
        if let Some(ri) = events.iter().position(|e| {
            e.code == "190"
                && doc.is(e.trigger, RAID)
                && e.source
                    .as_ref()
                    .is_some_and(|s| s.agents.iter().any(|g| matches!(&**g, "COP" | "JUD")))
        }) {
            if let Some(pi) = events.iter().position(|e| e.code.starts_with("09")) {
                let crime = (range.0..range.1).any(|k| doc.is(k, CRIME));
                let raid = events[ri].clone();
                let p = &mut events[pi];
                p.source = raid.source;
                p.target = raid.target;
                if crime && p.code == "090" {
                    p.code = "091";
                }
                events.remove(ri);
            }
        }
        // What people demand of their rulers is a change of leadership, policy, rights or
        // institutions (1041-1044): "protesters demanded open nominations for the election of
        // the city's leader".
        for e in events
            .iter_mut()
            .filter(|e| matches!(e.code, "100" | "104"))
        {
            let popular = e.source.as_ref().is_some_and(|s| {
                s.agents
                    .iter()
                    .any(|g| matches!(&**g, "CVL" | "OPP" | "LAB" | "EDU" | "HRI"))
            });
            if !popular {
                continue;
            }
            // Of whom: their own rulers when the demand names them.
            let rulers = (e.trigger + 1..range.1).any(|k| self.at(doc, k, RULER_OF_DEMAND));
            if e.target.is_none() && rulers {
                if let Some(c) = e.source.as_ref().and_then(country_of) {
                    e.target = Some(ActorRef {
                        code: format!("{c}GOV").into(),
                        country: Some(c.clone()),
                        agents: Rc::from(vec![Rc::from("GOV")]),
                        name: format!("{c} government").into(),
                        text: "".into(),
                        certainty: 0.5,
                        is_person: false,
                        place_country: None,
                    });
                }
            }
            if let Some(kind) = demand_kind(doc, e.trigger + 1, range.1) {
                e.code = with_digit("104", kind);
            }
        }
        // Violence told as background to another event is not coded again: in a relative
        // clause ("an inquiry into the air strike that killed seven aid workers"), in a clause
        // of time ("stepped down after protesters stormed his residence") or as the result of
        // a violent event already coded ("bombs exploded on trains, killing 191 people"). Any
        // action but a statement in a clause of time is background too ("put its forces on
        // alert after Turkish jets violated its airspace").
        let background = |e: &RawEvent| {
            let t = e.trigger;
            let violent = matches!(&e.code[..2], "18" | "19" | "20");
            let mut k = t;
            while k > range.0 && doc.is(k - 1, ADVERB) {
                k -= 1;
            }
            let prev = if k > range.0 { doc.w(k - 1) } else { "" };
            let relative = k > range.0 && doc.is(k - 1, RELATIVE_CLAUSE);
            let timed = (range.0..t)
                .rev()
                .take(6)
                .any(|j| doc.is(j, TIME_CONJUNCTION))
                && !(range.0..t).rev().take(6).any(|j| doc.w(j) == ",");
            let result = prev == "," && doc.w(t).ends_with("ing");
            ((violent && (relative || timed || result)) || (timed && !e.code.starts_with("01")))
                && events.iter().any(|o| {
                    o.trigger < t
                        && (!result || matches!(&o.code[..2], "18" | "19" | "20"))
                        && !(relative && o.code == "010")
                })
        };
        // A violent noun as the object of another event is its topic: "protested the
        // kidnapping of schoolgirls", "condemned the attack".
        // Names and adjectives may come between: "condemned the Israeli police raid",
        // "condemn the Hamas attack".
        let topic = |e: &RawEvent| {
            let t = e.trigger;
            let mut k = t;
            while k > range.0
                && (doc.is(k - 1, DET)
                    || slots
                        .iter()
                        .any(|s| s.start < k && k <= s.end && s.start >= k.saturating_sub(4)))
            {
                k -= 1;
            }
            matches!(&e.code[..2], "18" | "19" | "20")
                && k < t
                && k > range.0
                && events.iter().any(|o| {
                    o.trigger == k - 1 && !matches!(&o.code[..2], "01" | "18" | "19" | "20")
                })
        };
        // Nature strikes no one: "a magnitude 7.5 earthquake struck the Noto peninsula".
        let natural = |e: &RawEvent| {
            e.source.is_none()
                && matches!(&e.code[..2], "18" | "19" | "20")
                && (e.trigger.saturating_sub(3).max(range.0)..e.trigger)
                    .any(|k| doc.is(k, NATURAL_FORCE))
        };
        let drop: Vec<usize> = events
            .iter()
            .filter(|e| background(e) || topic(e) || natural(e))
            .map(|e| e.trigger)
            .collect();
        events.retain(|e| !drop.contains(&e.trigger));
        // A bare statement takes its tone from what it says: pessimism (012), optimism (013),
        // readiness (030, toward whom it names): "said the outlook remained grim", "said he
        // was encouraged by the meeting", "said Tokyo was ready to open a new chapter in
        // relations with Seoul".
        if !events.is_empty() && events.iter().all(|e| e.code == "010") {
            let from = events[0].trigger + 1;
            let tone = (from..range.1).find_map(|k| {
                if doc.is(k, TONE_PESSIMISTIC) {
                    Some("012")
                } else if doc.is(k, TONE_OPTIMISTIC) {
                    Some("013")
                } else if doc.is(k, TONE_READY) && doc.is(k + 1, TONE_READY_OBJECT) {
                    Some("030")
                } else {
                    None
                }
            });
            if let Some(code) = tone {
                let e = &mut events[0];
                e.code = code;
                if code == "030" && e.target.is_none() {
                    let own = e.source.as_ref().and_then(country_of);
                    e.target = slots
                        .iter()
                        .filter(|s| s.start > from && s.members.len() == 1)
                        .map(|s| &s.members[0])
                        .find(|m| {
                            country_of(m).is_some_and(|c| Some(&c) != own.as_ref())
                                || (m.country.is_none() && m.code.starts_with("IGO"))
                        })
                        .cloned();
                }
                events.truncate(1);
            }
        }
        // 010 only when the sentence says nothing more specific.
        if events.iter().any(|e| e.code != "010") {
            events.retain(|e| e.code != "010");
        }
        events.retain(|e| {
            let both = e.source.is_some() && e.target.is_some();
            // Consulting, cooperating and giving need a partner; yielding or intending may not.
            let coop = self.facts.needs_partner(e.code);
            both || (!coop && (e.source.is_some() || e.target.is_some()))
        });
        // Discourse: the parties and the person of this sentence.
        // Only the last pair and the last person stay: clone those alone.
        let pair = events
            .iter()
            .rev()
            .find_map(|e| match (&e.source, &e.target) {
                (Some(s), Some(t)) if s.key() != t.key() => Some((s, t)),
                _ => None,
            });
        if let Some((s, t)) = pair {
            disc.last_pair = Some((s.clone(), t.clone()));
        }
        let person = slots.iter().flat_map(|s| &s.members).rfind(|m| m.is_person);
        if let Some(m) = person {
            disc.last_person = Some(m.clone());
        }
        for s in &slots {
            for m in &s.members {
                if !m.agents.is_empty() && m.country.is_some() {
                    disc.recent.retain(|r| r.code != m.code);
                    disc.recent.push(m.clone());
                    if disc.recent.len() > 8 {
                        disc.recent.remove(0);
                    }
                }
            }
            if s.members.len() == 2 && disc.last_pair.is_none() {
                disc.last_pair = Some((s.members[0].clone(), s.members[1].clone()));
            }
        }
        events
    }

    /// The country where a sentence's domestic agents act: a country or capital named as a
    /// place ("in Harare", "across France"), else the only country the sentence names, else
    /// the article's first country. `None` when the sentence names several countries and no
    /// place: then each agent takes its counterpart's country.
    fn home_country(
        &self,
        doc: &Doc,
        range: (usize, usize),
        slots: &[Slot],
        disc: &Discourse,
    ) -> Option<Rc<str>> {
        if let Some(c) = place_country(slots) {
            return Some(c);
        }
        let mut named: Vec<&str> = slots
            .iter()
            .flat_map(|s| s.members.iter())
            .filter_map(|m| m.country.as_deref())
            .collect();
        named.dedup();
        if named.len() == 1 {
            return Some(named[0].into());
        }
        let _ = (doc, range);
        if named.is_empty() {
            return disc.countries.first().cloned();
        }
        None
    }

    /// Groups coded by where they fight (`theatre` and `roams` in `dict/facts.txt`): Islamic
    /// State is Iraq's unless the sentence places it elsewhere ("Islamic State attacked Syrian
    /// troops in Raqqa" is SYRREB); a group that fights across borders takes the country where
    /// the sentence places its violence (talks in Juba leave the LRA Ugandan).
    fn theatres(
        &self,
        doc: &Doc,
        range: (usize, usize),
        slots: &[Slot],
        disc: &Discourse,
        events: &mut [RawEvent],
    ) {
        let moved = |a: &mut ActorRef, c: &Rc<str>| {
            a.code = format!("{c}{}", &a.code[3..]).into();
            a.country = Some(c.clone());
        };
        for t in &self.facts.theatres {
            let is = |a: &Option<ActorRef>| a.as_ref().is_some_and(|a| *a.code == *t.group);
            if !events.iter().any(|e| is(&e.source) || is(&e.target)) {
                continue;
            }
            if let Some(c) = self
                .home_country(doc, range, slots, disc)
                .filter(|c| t.countries.iter().any(|x| **x == **c))
            {
                for e in events.iter_mut() {
                    for a in [&mut e.source, &mut e.target].into_iter().flatten() {
                        if *a.code == *t.group {
                            moved(a, &c);
                        }
                    }
                }
            }
        }
        let force = |e: &RawEvent| self.facts.force.iter().any(|p| p.matches(e.code));
        let roams = |a: &Option<ActorRef>| {
            a.as_ref()
                .is_some_and(|a| self.facts.roams.iter().any(|t| *a.code == *t.group))
        };
        if !events
            .iter()
            .any(|e| force(e) && (roams(&e.source) || roams(&e.target)))
        {
            return;
        }
        let Some(c) = place_country(slots) else {
            return;
        };
        for e in events.iter_mut().filter(|e| force(e)) {
            for a in [&mut e.source, &mut e.target].into_iter().flatten() {
                let here = |t: &&crate::dict::facts::Theatres| {
                    *a.code == *t.group && t.countries.iter().any(|x| **x == *c)
                };
                if self.facts.roams.iter().any(|t| here(&t)) {
                    moved(a, &c);
                }
            }
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn emit(
        &self,
        slots: &[Slot],
        src: Option<usize>,
        tgt: Option<usize>,
        code: &'static str,
        pattern: &Pattern,
        tok: usize,
        conf_base: f32,
        future: bool,
        out: &mut Vec<RawEvent>,
    ) {
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
                rule: pattern.rule.to_string(),
                trigger: tok,
                confidence,
                future,
            });
        };
        if tgt.is_none() && srcs.len() > 1 {
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

    /// Names the article introduced, and references back to earlier actors.
    fn add_discourse_groups(
        &self,
        doc: &Doc,
        range: (usize, usize),
        disc: &Discourse,
        groups: &mut Vec<Group>,
    ) {
        let covered = |gs: &Vec<Group>, i: usize| gs.iter().any(|g| g.start <= i && i < g.end);
        let mut added = false;
        let mut i = range.0;
        while i < range.1 {
            if covered(groups, i) {
                i += 1;
                continue;
            }
            let t = &doc.tokens[i];
            if !disc.names.is_empty() && is_name_token(doc.text, t, doc.classes[i]) {
                // Longest run of name tokens whose text or last word is a known name.
                let mut k = i;
                while k < range.1
                    && !covered(groups, k)
                    && (is_name_token(doc.text, &doc.tokens[k], doc.classes[k])
                        || doc.is(k, NAME_JOINER))
                {
                    k += 1;
                }
                let full = &doc.lower[t.start as usize..doc.tokens[k - 1].end as usize];
                let hit = disc
                    .names
                    .get(full)
                    .or_else(|| disc.names.get(doc.w(k - 1)));
                if let Some(a) = hit {
                    let mut a = a.clone();
                    a.certainty *= 0.9;
                    groups.push(Group {
                        start: i,
                        end: k,
                        actor: a,
                        new_name: None,
                    });
                    added = true;
                    i = k;
                    continue;
                }
            }
            if doc.is(i, SPEAKER_PRONOUN) && t.kind == TokKind::Word {
                if let Some(a) = self.speaker_of(doc, range, i, groups) {
                    groups.push(Group {
                        start: i,
                        end: i + 1,
                        actor: a,
                        new_name: None,
                    });
                    added = true;
                    i += 1;
                    continue;
                }
            }
            if doc.is(i, PERSON_PRONOUN) && t.kind == TokKind::Word {
                if let Some(p) = &disc.last_person {
                    let mut a = p.clone();
                    a.certainty *= 0.7;
                    groups.push(Group {
                        start: i,
                        end: i + 1,
                        actor: a,
                        new_name: None,
                    });
                    added = true;
                }
            }
            i += 1;
        }
        if added {
            groups.sort_by_key(|g| g.start);
        }
        // "the minister", "the delegation": an agent without a country, after "the", is the
        // last actor the article named with that agent.
        for g in groups.iter_mut() {
            if g.actor.country.is_none()
                && g.actor.code.len() == 3
                && g.start > range.0
                && doc.w(g.start - 1) == "the"
            {
                if let Some(r) = disc
                    .recent
                    .iter()
                    .rev()
                    .find(|r| r.agents.first() == g.actor.agents.first())
                {
                    let mut a = r.clone();
                    a.certainty = 0.6;
                    a.name = g.actor.name.clone();
                    g.actor = a;
                }
            }
        }
    }

    /// The speaker a pronoun refers back to: "China said (that) it was ready",
    /// "Xi told Biden that China ...", "Hamas said it would release": the subject of the
    /// speech verb right before the pronoun.
    fn speaker_of(
        &self,
        doc: &Doc,
        range: (usize, usize),
        pron: usize,
        groups: &[Group],
    ) -> Option<ActorRef> {
        let mut k = pron;
        if k > range.0 && doc.w(k - 1) == "that" {
            k -= 1;
        }
        // "told Biden that it": skip the addressee.
        if let Some(g) = groups.iter().find(|g| g.end == k && g.start > range.0) {
            if doc.is(g.start - 1, ADDRESSEE_VERB) {
                k = g.start;
            }
        }
        // "said on Tuesday it", "said in a statement that it": a short adjunct.
        let mut v = k;
        while v > range.0 && pron - v < 6 && !doc.is(v - 1, SPEECH_VERB) {
            if doc.is(v - 1, CLAUSE_BREAK) || groups.iter().any(|g| g.start < v && v <= g.end) {
                return None;
            }
            v -= 1;
        }
        if v == range.0 || !doc.is(v - 1, SPEECH_VERB) {
            return None;
        }
        let verb = v - 1;
        let clause_start = (range.0..verb)
            .rev()
            .find(|&k| doc.is(k, CLAUSE_BREAK) || doc.w(k) == ",")
            .map_or(range.0, |k| k + 1);
        // The subject: the first actor of the clause, not the object of a preposition.
        let g = groups
            .iter()
            .filter(|g| g.start >= clause_start && g.end <= verb)
            .find(|g| g.start == range.0 || !doc.is(g.start - 1, PREP))?;
        let mut a = g.actor.clone();
        a.certainty *= 0.8;
        Some(a)
    }

    /// Groups into slots: coordination ("Russia and Libya", "Russia, Libya sign") and the
    /// parties of the article ("both sides").
    fn slots<'d>(
        &self,
        doc: &Doc<'d>,
        range: (usize, usize),
        groups: Vec<Group>,
        disc: &Discourse,
    ) -> Vec<Slot<'d>> {
        // The preposition before a slot: its word and classes.
        let prep_at = |start: usize| -> Option<usize> {
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
                // "to drought-hit Somalia": a hyphenated modifier.
                if adjectives < 2
                    && k >= range.0 + 4
                    && doc.w(k - 2) == "-"
                    && !doc.tokens[k - 1].cap
                    && doc.tokens[k - 1].kind == TokKind::Word
                    && doc.tokens[k - 3].kind == TokKind::Word
                    && !doc.tokens[k - 3].cap
                {
                    adjectives += 1;
                    k -= 3;
                    continue;
                }
                // "to the former US contractor": up to two plain modifiers.
                let t = &doc.tokens[k - 1];
                if adjectives < 2
                    && t.kind == TokKind::Word
                    && !t.cap
                    && !doc.is(k - 1, PREP)
                    && !doc.is(k - 1, VERB_FORM)
                    && k - 1 > range.0
                    && (doc.is(k - 2, MODIFIER_DET)
                        || (adjectives == 0 && doc.is(k - 2, TARGET_PREP)))
                {
                    adjectives += 1;
                    k -= 1;
                    continue;
                }
                return doc.is(k - 1, PREP).then_some(k - 1);
            }
            None
        };
        // "protesters in Colombo", "workers from Sudan": a bare agent takes the country that
        // follows it.
        let mut merged: Vec<Group> = Vec::with_capacity(groups.len());
        let mut groups = groups.into_iter().peekable();
        while let Some(mut g) = groups.next() {
            let bare_agent =
                g.actor.country.is_none() && g.actor.code.len() == 3 && !g.actor.agents.is_empty();
            if let Some(n) = groups.peek() {
                // "survivors in northern Syria": a compass word may sit in between.
                let compass = n.start == g.end + 2 && doc.is(g.end + 1, COMPASS);
                if bare_agent
                    && (n.start == g.end + 1 || compass)
                    && doc.is(g.end, AGENT_COUNTRY_LINK)
                    && n.actor.agents.is_empty()
                {
                    if let Some(c) = &n.actor.country {
                        g.actor.code =
                            format!("{c}{}", crate::actors::concat(&g.actor.agents)).into();
                        g.actor.country = Some(c.clone());
                        g.end = n.end;
                        groups.next();
                    }
                }
            }
            merged.push(g);
        }
        // Each group's actor moves into its slot once the walk has passed it.
        let groups = &mut merged[..];
        let mut slots: Vec<Slot> = Vec::new();
        let mut gi = 0;
        while gi < groups.len() {
            let g = &mut groups[gi];
            let p = prep_at(g.start);
            let mut slot = Slot {
                start: g.start,
                end: g.end,
                members: vec![std::mem::take(&mut g.actor)],
                prep: p.map(|k| doc.w(k)),
                prep_classes: p.map_or(ClassSet::default(), |k| doc.classes[k]),
            };
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
                let and = named_agent
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
                    slot.members.push(a);
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
            // "the Russian and Ukrainian foreign ministers": the agents belong to each.
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
            slots.push(slot);
            gi += 1;
        }
        // Pair references.
        if let Some((a, b)) = &disc.last_pair {
            for i in range.0..range.1.saturating_sub(1) {
                if doc.is(i, PAIR_DET)
                    && doc.is(i + 1, PAIR_NOUN)
                    && !slots.iter().any(|s| s.start <= i + 1 && i < s.end)
                {
                    let mut a = a.clone();
                    let mut b = b.clone();
                    a.certainty *= 0.7;
                    b.certainty *= 0.7;
                    let start = if i > range.0 && doc.w(i - 1) == "the" {
                        i - 1
                    } else {
                        i
                    };
                    let p = prep_at(start);
                    slots.push(Slot {
                        start,
                        end: i + 2,
                        members: vec![a, b],
                        prep: p.map(|k| doc.w(k)),
                        prep_classes: p.map_or(ClassSet::default(), |k| doc.classes[k]),
                    });
                }
            }
            slots.sort_by_key(|s| s.start);
        }
        slots
    }

    /// Whether a noun trigger sits in a prepositional phrase: walking back over its
    /// modifiers and names ("the Hamas", "an air") reaches a preposition before any verb.
    fn background_noun(&self, doc: &Doc, tok: usize, range: (usize, usize)) -> bool {
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

    /// The best pattern of a block at a trigger.
    fn best_pattern(
        &self,
        doc: &Doc,
        b: &Block,
        c: &Cand,
        range: (usize, usize),
        slots: &[Slot],
        consumed: &[usize],
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
            let mut ok = true;
            // Before the trigger: right next to it, nearest last.
            let mut cur = c.tok;
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
                            None => ok = false,
                        }
                    }
                    Elem::Source | Elem::Target => {
                        match slots.iter().rposition(|s| {
                            s.end <= cur && s.end + 2 >= cur && s.start >= clause_start
                        }) {
                            Some(si) => {
                                if matches!(e, Elem::Source) {
                                    m.source = Some(si)
                                } else {
                                    m.target = Some(si)
                                }
                                cur = slots[si].start;
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
                continue;
            }
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

    /// The subject: the nearest slot before `tok` in its clause that is not the object of a
    /// preposition ("between" excepted: "agreements between Libya and Russia").
    fn subject(
        &self,
        doc: &Doc,
        tok: usize,
        range: (usize, usize),
        slots: &[Slot],
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
        // blamed Pakistan" is India's.
        if tok > range.0 + 2
            && doc.w(tok - 1) == "and"
            && doc.w(tok).ends_with("ed")
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
    fn object(
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

    /// Whether a base or third-person form is used as a verb here: after a subject, an
    /// auxiliary, "to" or a conjunction, or heading the sentence. Otherwise it is a noun
    /// ("settle trade in rupees", "the demand on equipment").
    fn plausible_verb(&self, doc: &Doc, tok: usize, range: (usize, usize), slots: &[Slot]) -> bool {
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
        if k == range.0 || subject_before || after_aux(doc, tok, range) {
            return true;
        }
        doc.is(k - 1, VERB_BEFORE) || doc.tokens[k - 1].cap
    }

    fn negated(&self, doc: &Doc, tok: usize, range: (usize, usize), slots: &[Slot]) -> bool {
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

    fn passive(&self, doc: &Doc, tok: usize, range: (usize, usize)) -> bool {
        let mut k = tok;
        let mut steps = 0;
        while k > range.0 && steps < 4 {
            k -= 1;
            steps += 1;
            if doc.is(k, AUX_BE) {
                return true;
            }
            if !doc.is_any(k, &[ADVERB, AUX_SKIP]) {
                return false;
            }
        }
        false
    }

    /// Modality from auxiliaries before the trigger: "will visit" is an intention.
    fn modal(
        &self,
        doc: &Doc,
        tok: usize,
        range: (usize, usize),
        _slots: &[Slot],
        _cands: &[Cand],
    ) -> Option<Family> {
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
    fn hypothetical(&self, doc: &Doc, tok: usize, range: (usize, usize)) -> bool {
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
    fn conditional(&self, doc: &Doc, tok: usize, range: (usize, usize)) -> bool {
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
    fn denied(&self, doc: &Doc, tok: usize, range: (usize, usize)) -> bool {
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
    fn governed(
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
            self.best_pattern(doc, b, c, range, slots, &[])
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

    fn invitations(
        &self,
        doc: &Doc,
        range: (usize, usize),
        slots: &[Slot],
        events: &mut Vec<RawEvent>,
    ) {
        let Some(visit) = events
            .iter()
            .find(|e| e.code == "042" && e.source.is_some())
            .cloned()
        else {
            return;
        };
        for s in slots {
            if s.prep == Some("of") && s.start >= range.0 + 2 {
                let mut k = s.start - 1;
                while k > range.0 && doc.w(k) != "of" {
                    k -= 1;
                }
                if k > range.0 && doc.w(k - 1) == "invitation" {
                    if let Some(host) = s.members.first() {
                        if visit.source.as_ref().is_some_and(|v| v.key() != host.key()) {
                            events.push(RawEvent {
                                code: "043",
                                source: Some(host.clone()),
                                target: visit.source.clone(),
                                rule: "visit + at the invitation of $".into(),
                                trigger: k - 1,
                                confidence: (visit.confidence - 0.05).max(0.05),
                                future: false,
                            });
                        }
                    }
                }
            }
        }
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

/// A word after a form of "be" or "have" ("were put", "has set"): a participle even when it
/// looks like a base form.
fn after_aux(doc: &Doc, tok: usize, range: (usize, usize)) -> bool {
    let mut k = tok;
    while k > range.0 && doc.is(k - 1, ADVERB) {
        k -= 1;
    }
    k > range.0 && doc.is_any(k - 1, &[AUX_BE, AUX_HAVE])
}

/// How many tokens of determiners and adjectives may sit between `from` and a slot at `to`.
fn skip_len(doc: &Doc, from: usize, to: usize) -> usize {
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
