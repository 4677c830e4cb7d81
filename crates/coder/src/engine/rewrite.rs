//! The rewrite pass: the rules of `dict/rules.txt` over one event, in order. A rule sees the
//! event as a [`Draft`] (code, source and target slots) in its [`Scene`] (the sentence, the
//! trigger, its clause), and changes the draft.

use std::cell::Cell;
use std::rc::Rc;

use super::agents::{bare_agent, country_of, has_agent, is_igo, AgentGroups};
use super::{skip_len, Doc, Slot};
use crate::actors::ActorRef;
use crate::classes::{ClassSet, CLAUSE_BREAK, CONTINUES_CLAUSE, INSTRUMENT_PREP, NUMBER_SCALE};
use crate::dict::rules::{
    Action, ActorKw, ActorTest, Cond, Phase, Quant, Role, RoleKw, RuleSet, SlotKw, SlotTest,
    Window, WindowKw, WordSpec,
};
use crate::dict::Family;
use crate::text::TokKind;

/// A draft's code, roles, people, state and drop, as [`Draft::outcome`] compares them.
type Outcome = (
    &'static str,
    Option<usize>,
    Option<usize>,
    bool,
    Option<Rc<str>>,
    Option<Rc<str>>,
    bool,
);

/// An event between its pattern and its emission.
#[derive(Debug, Clone)]
pub struct Draft {
    pub code: &'static str,
    pub src: Option<usize>,
    pub tgt: Option<usize>,
    /// `target = people of source`: once emitted, the event targets its source's people.
    pub people_target: bool,
    /// `source = people of place`: the country whose people the event's source is.
    pub people_source: Option<Rc<str>>,
    /// `source = place`: the state whose place the sentence names is the source.
    pub state_source: Option<Rc<str>>,
    /// The rules that changed the draft, by index.
    pub fired: Vec<u16>,
    /// A rule said the trigger reports no event (`drop`).
    pub dropped: bool,
}

impl Draft {
    pub fn new(code: &'static str, src: Option<usize>, tgt: Option<usize>) -> Draft {
        Draft {
            code,
            src,
            tgt,
            people_target: false,
            people_source: None,
            state_source: None,
            fired: Vec::new(),
            dropped: false,
        }
    }

    /// What a rule can change, to tell whether it did.
    fn outcome(&self) -> Outcome {
        (
            self.code,
            self.src,
            self.tgt,
            self.people_target,
            self.people_source.clone(),
            self.state_source.clone(),
            self.dropped,
        )
    }

    fn role(&self, r: Role) -> Option<usize> {
        match r {
            Role::Source => self.src,
            Role::Target => self.tgt,
        }
    }

    fn set(&mut self, r: Role, v: Option<usize>) {
        match r {
            Role::Source => self.src = v,
            Role::Target => self.tgt = v,
        }
    }
}

/// What a rule can look at besides the draft.
pub struct Scene<'s, 'd> {
    pub doc: &'s Doc<'d>,
    pub slots: &'s [Slot<'d>],
    pub range: (usize, usize),
    pub tok: usize,
    pub lemma_classes: ClassSet,
    /// The lemma's word id, 0 when no rule or pattern names it.
    pub lemma_id: u32,
    /// The trigger's block is a noun's.
    pub noun: bool,
    pub passive: bool,
    /// The last word the pattern matched.
    pub last: usize,
    pub groups: &'s AgentGroups,
    /// The control verb's family ("urged X to": appeal), or the modality of an auxiliary
    /// ("will": intent).
    pub family: Option<Family>,
    /// Governed by a control verb.
    pub controlled: bool,
    /// The place of the article's sentences before, for a sentence that names none.
    pub previous_place: Option<Rc<str>>,
    clause_end: Cell<Option<usize>>,
}

impl<'s, 'd> Scene<'s, 'd> {
    #[allow(clippy::too_many_arguments)]
    pub fn new(
        doc: &'s Doc<'d>,
        slots: &'s [Slot<'d>],
        range: (usize, usize),
        tok: usize,
        lemma_classes: ClassSet,
        noun: bool,
        passive: bool,
        last: usize,
        groups: &'s AgentGroups,
    ) -> Self {
        Scene {
            doc,
            slots,
            range,
            tok,
            lemma_classes,
            noun,
            passive,
            last,
            groups,
            family: None,
            controlled: false,
            previous_place: None,
            lemma_id: 0,
            clause_end: Cell::new(None),
        }
    }

    /// Where the trigger's clause ends: the next clause break that does not continue it.
    pub fn clause_end(&self) -> usize {
        if let Some(e) = self.clause_end.get() {
            return e;
        }
        let doc = self.doc;
        let e = (self.tok + 1..self.range.1)
            .find(|&k| doc.is(k, CLAUSE_BREAK) && !doc.is(k, CONTINUES_CLAUSE))
            .unwrap_or(self.range.1);
        self.clause_end.set(Some(e));
        e
    }

    fn word_is(&self, k: usize, w: &WordSpec) -> bool {
        k < self.doc.words.len() && w.has(self.doc.ids[k], self.doc.classes[k])
    }

    /// The tokens a window covers.
    fn window(&self, w: Window, d: &Draft) -> std::ops::Range<usize> {
        let (tok, range) = (self.tok, self.range);
        let slot = |r: Role| {
            d.role(r)
                .map_or(0..0, |i| self.slots[i].start..self.slots[i].end)
        };
        match w.kw {
            WindowKw::After => tok + 1..(tok + 1 + w.n).min(range.1),
            WindowKw::Before => tok.saturating_sub(w.n).max(range.0)..tok,
            WindowKw::Clause => tok + 1..self.clause_end(),
            WindowKw::Rest => tok + 1..range.1,
            WindowKw::Sentence => range.0..range.1,
            WindowKw::Source => slot(Role::Source),
            WindowKw::Target => slot(Role::Target),
            WindowKw::Means => self.means(),
        }
    }

    /// The event's own means: its clause, and its instrument after the first "with", "in",
    /// "after"... up to a comma ("killed three soldiers with a roadside bomb", "are killed in a
    /// suicide bombing", "killed after the explosion of a roadside bomb"), not a bombing the
    /// sentence gives as background further on.
    fn means(&self) -> std::ops::Range<usize> {
        let (doc, tok, range) = (self.doc, self.tok, self.range);
        let clause_start = (range.0..tok)
            .rev()
            .find(|&k| doc.is(k, CLAUSE_BREAK) || doc.w(k) == ",")
            .map_or(range.0, |k| k + 1);
        let clause_end = self.clause_end();
        let with_end = (tok + 1..clause_end)
            .find(|&k| doc.is(k, INSTRUMENT_PREP))
            .map_or(tok + 4, |k| {
                (k + 1..(k + 7).min(clause_end))
                    .find(|&j| doc.w(j) == ",")
                    .unwrap_or((k + 7).min(clause_end))
            });
        clause_start..with_end.max(tok + 4).min(range.1)
    }

    /// The first word of `w` in the trigger's clause.
    fn anchor(&self, w: &WordSpec) -> Option<usize> {
        (self.tok + 1..self.clause_end()).find(|&k| self.word_is(k, w))
    }

    fn source_country(&self, d: &Draft) -> Option<Rc<str>> {
        d.src
            .and_then(|x| self.slots[x].members.first().and_then(country_of))
    }

    fn actor(&self, d: &Draft, m: &ActorRef, t: &ActorTest) -> bool {
        let src = || d.src.map_or(&[][..], |x| &self.slots[x].members[..]);
        let g = self.groups;
        let yes = match t.kw {
            ActorKw::Agent => m.agents.iter().any(|a| t.codes.iter().any(|c| **c == **a)),
            ActorKw::Has => t.codes.iter().any(|c| has_agent(m, c)),
            ActorKw::AgentsIn => m.agents.iter().all(|a| t.codes.iter().any(|c| **c == **a)),
            ActorKw::Agentless => m.agents.is_empty(),
            ActorKw::Agentful => !m.agents.is_empty(),
            ActorKw::Bare => bare_agent(m),
            ActorKw::Place => m.agents.is_empty() && m.code.len() == 3,
            ActorKw::Capital => m.place_country.is_some(),
            ActorKw::Person => m.is_person,
            ActorKw::National => m.country.is_some(),
            ActorKw::Country => country_of(m).is_some(),
            ActorKw::Named => m.country.is_some() || m.code.len() > 3,
            ActorKw::Body => m.code.len() > 3,
            ActorKw::Known => m.country.is_some() || m.code.len() > 3 || !m.agents.is_empty(),
            ActorKw::AgentOrBody => !m.agents.is_empty() || m.code.len() > 3,
            ActorKw::Igo => m.country.is_none() && is_igo(&m.code),
            ActorKw::NonState => g.non_state(m),
            ActorKw::State => !g.non_state(m),
            ActorKw::Armed => g.armed(m),
            ActorKw::Unarmed => !g.armed(m),
            ActorKw::Opposition => g.opposition(m),
            ActorKw::Foreign => {
                let own = self.source_country(d);
                country_of(m).is_some_and(|c| own != Some(c))
            }
            ActorKw::ForeignNational => {
                let own = self.source_country(d);
                m.country.as_ref().is_some_and(|c| own.as_ref() != Some(c))
            }
            ActorKw::Apart => src().iter().all(|n| n.country != m.country),
            ActorKw::ApartCountry => src().iter().all(|n| country_of(n) != country_of(m)),
            ActorKw::Home => src().iter().any(|n| country_of(n) == m.country),
            ActorKw::HomeNational => src().iter().any(|n| n.country == m.country),
            ActorKw::SourceKin => src()
                .iter()
                .any(|n| n.key() == m.key() || (n.country.is_some() && n.country == m.country)),
            ActorKw::OtherSide => {
                let own = self.source_country(d);
                let c = country_of(m);
                c.as_ref().is_some_and(|c| own.as_ref() != Some(c))
                    || (m.country.is_none() && is_igo(&m.code))
                    || (g.opposition(m) && c.is_none_or(|c| own == Some(c)))
            }
        };
        yes != t.negated
    }

    fn members(&self, d: &Draft, s: &Slot, q: Quant, t: &ActorTest) -> bool {
        match q {
            Quant::All => s.members.iter().all(|m| self.actor(d, m, t)),
            Quant::Any => s.members.iter().any(|m| self.actor(d, m, t)),
            Quant::First => s.members.first().is_some_and(|m| self.actor(d, m, t)),
        }
    }

    fn prep(s: &Slot, w: Option<&WordSpec>) -> bool {
        match w {
            None => s.prep.is_none(),
            Some(w) => s.prep.is_some() && w.has(s.prep_id, s.prep_classes),
        }
    }

    /// The word at `offset` from a slot's first word, within the sentence.
    fn word_at(&self, s: &Slot, offset: isize, w: &WordSpec) -> bool {
        let k = s.start as isize + offset;
        k >= self.range.0 as isize && self.word_is(k as usize, w)
    }

    fn number(&self, k: usize, min: u64) -> bool {
        let doc = self.doc;
        doc.tokens[k].kind == TokKind::Number && {
            let digits: String = doc.text[doc.tokens[k].range()]
                .chars()
                .take_while(|c| c.is_ascii_digit() || *c == ',')
                .filter(char::is_ascii_digit)
                .collect();
            digits.parse::<u64>().is_ok_and(|n| n >= min) || doc.is(k + 1, NUMBER_SCALE)
        }
    }

    /// Whether a condition holds for the draft.
    pub fn holds(&self, c: &Cond, d: &Draft) -> bool {
        self.cond(c, d)
    }

    fn cond(&self, c: &Cond, d: &Draft) -> bool {
        let slot = |r: Role| d.role(r).map(|i| &self.slots[i]);
        match c {
            Cond::Code(pats) => pats.iter().any(|p| p.matches(d.code)),
            Cond::Lemma(w) => w.has(self.lemma_id, self.lemma_classes),
            Cond::Noun => self.noun,
            Cond::Verb => !self.noun,
            Cond::Passive => self.passive,
            Cond::Family(fs) => self.family.is_some_and(|f| fs.contains(&f)),
            Cond::Controlled => self.controlled,
            Cond::Role(r, kw) => match (kw, slot(*r)) {
                (RoleKw::None, s) => s.is_none(),
                (RoleKw::Some, s) => s.is_some(),
                (RoleKw::Single, Some(s)) => s.members.len() == 1,
                (RoleKw::Several, Some(s)) => s.members.len() > 1,
                _ => false,
            },
            Cond::Members(r, q, t) => slot(*r).is_some_and(|s| self.members(d, s, *q, t)),
            Cond::Prep(r, w) => slot(*r).is_some_and(|s| Self::prep(s, w.as_ref())),
            Cond::Word(r, off, w) => slot(*r).is_some_and(|s| self.word_at(s, *off, w)),
            Cond::Words(win, w, except) => self.window(*win, d).any(|k| {
                self.word_is(k, w)
                    && except
                        .as_ref()
                        .is_none_or(|e| !(k > 0 && self.word_is(k - 1, e)))
            }),
            Cond::Number(win, min) => self.window(*win, d).any(|k| self.number(k, *min)),
            Cond::Not(c) => !self.cond(c, d),
        }
    }

    fn slot_test(&self, t: &SlotTest, s: &Slot, d: &Draft) -> bool {
        let SlotTest::Test {
            kw,
            n,
            words,
            more,
            actor,
        } = t
        else {
            let SlotTest::Either(alts) = t else {
                return false;
            };
            return alts
                .iter()
                .any(|a| a.iter().all(|t| self.slot_test(t, s, d)));
        };
        let (tok, n) = (self.tok, *n);
        let w = || words.as_ref().expect("parsed with words");
        let other = |r: Option<usize>| r.is_none_or(|x| self.slots[x].start != s.start);
        match kw {
            SlotKw::After => s.start as isize > tok as isize + n,
            SlotKw::Before => s.end <= tok,
            SlotKw::Within => s.start as isize <= tok as isize + n,
            SlotKw::WithinPhrase => s.start as isize <= self.last.max(tok) as isize + n,
            SlotKw::Near => s.start <= tok + 1 + skip_len(self.doc, tok + 1, s.start).min(6),
            SlotKw::InClause => s.start < self.clause_end(),
            SlotKw::EndsInClause => s.end <= self.clause_end(),
            SlotKw::Prep => Self::prep(s, words.as_ref()),
            SlotKw::Single => s.members.len() == 1,
            SlotKw::Several => s.members.len() > 1,
            SlotKw::Members => !s.members.is_empty(),
            SlotKw::All | SlotKw::Any | SlotKw::First => {
                let q = match kw {
                    SlotKw::All => Quant::All,
                    SlotKw::Any => Quant::Any,
                    _ => Quant::First,
                };
                actor.as_ref().is_some_and(|a| self.members(d, s, q, a))
            }
            SlotKw::NotSource => other(d.src),
            SlotKw::NotTarget => other(d.tgt),
            SlotKw::Word => self.word_at(s, n, w()),
            SlotKw::AfterWord => self
                .anchor(w())
                .is_some_and(|k| s.start > k && s.start as isize <= k as isize + n),
            SlotKw::BeforeWord => self.anchor(w()).is_some_and(|k| s.start < k),
            SlotKw::WordBetween => (tok + 1..s.start).any(|k| self.word_is(k, w())),
            SlotKw::WordsBefore => {
                let b = more.as_ref().expect("parsed with two words");
                (self.range.0..s.start)
                    .rev()
                    .take(n.max(0) as usize)
                    .any(|k| k > self.range.0 && self.word_is(k, b) && self.word_is(k - 1, w()))
            }
        }
    }

    /// The first slot passing every test.
    fn select(&self, tests: &[SlotTest], d: &Draft) -> Option<usize> {
        self.slots
            .iter()
            .position(|s| tests.iter().all(|t| self.slot_test(t, s, d)))
    }

    /// The country of the first place the sentence names as where it happened.
    fn place_country(&self) -> Option<Rc<str>> {
        super::place_country(self.doc, self.slots)
    }

    /// Runs the actions of a rule; `false` when a `?=` found nothing and the rule stopped.
    fn act(&self, actions: &[Action], d: &mut Draft) -> bool {
        for a in actions {
            match a {
                Action::Code(c) => d.code = c,
                Action::CodeMap(map) => {
                    if let Some((_, to)) = map.iter().find(|(from, _)| *from == d.code) {
                        d.code = to;
                    }
                }
                Action::Clear(r) => d.set(*r, None),
                Action::Copy(r) => {
                    let other = match r {
                        Role::Source => d.tgt,
                        Role::Target => d.src,
                    };
                    d.set(*r, other);
                }
                Action::Select {
                    role,
                    tests,
                    if_found,
                } => {
                    let found = self.select(tests, d);
                    if found.is_none() && *if_found {
                        return false;
                    }
                    d.set(*role, found);
                }
                Action::PeopleOfSource => d.people_target = true,
                Action::PeopleOfPlace => d.people_source = self.place_country(),
                // "A man has been arrested." after the sentence that placed the attack.
                Action::StateOfPlace => {
                    d.state_source = self.place_country().or_else(|| self.previous_place.clone())
                }
                Action::StateOfTarget => {
                    let theirs = d
                        .tgt
                        .and_then(|t| self.slots[t].members.iter().find_map(|m| m.country.clone()));
                    d.state_source = d.state_source.take().or(theirs);
                }
                Action::Drop => d.dropped = true,
            }
        }
        true
    }

    /// Applies the rules of a phase, in order; those that changed the draft are listed in
    /// its `fired`. Only the rules whose codes admit the draft's code are tried (`index`).
    pub fn apply(&self, rules: &RuleSet, index: &RuleIndex, phase: Phase, d: &mut Draft) {
        let mut list = index.rules_for(phase, d.code);
        let mut pos = 0;
        while let Some(&i) = list.get(pos) {
            pos += 1;
            let r = &rules.rules[usize::from(i)];
            // The index admits only rules whose codes match: those need no second look.
            if !r
                .conds
                .iter()
                .all(|c| matches!(c, Cond::Code(_)) || self.cond(c, d))
            {
                continue;
            }
            let before = d.outcome();
            let done = self.act(&r.actions, d);
            if done && before != d.outcome() {
                d.fired.push(i);
            }
            if d.dropped {
                return;
            }
            if d.code != before.0 {
                // A new code admits other rules: go on with those after this one.
                list = index.rules_for(phase, d.code);
                pos = list.partition_point(|&j| j <= i);
            }
        }
    }
}

/// For each phase and CAMEO code, the rules a draft of that code can meet: those whose `code`
/// conditions admit it, and those without one, in file order.
#[derive(Debug, Default)]
pub struct RuleIndex {
    by_code: rustc_hash::FxHashMap<&'static str, [Box<[u16]>; 2]>,
    all: [Box<[u16]>; 2],
}

impl RuleIndex {
    pub fn build(rules: &RuleSet) -> RuleIndex {
        let admits = |r: &crate::dict::rules::Rule, code: &str| {
            r.conds.iter().all(|c| match c {
                Cond::Code(pats) => pats.iter().any(|p| p.matches(code)),
                _ => true,
            })
        };
        let list = |phase: Phase, code: Option<&str>| -> Box<[u16]> {
            rules
                .rules
                .iter()
                .enumerate()
                .filter(|(_, r)| r.phase == phase && code.is_none_or(|c| admits(r, c)))
                .map(|(i, _)| i as u16)
                .collect()
        };
        let phases = [Phase::Roles, Phase::Event];
        let by_code = dragoman_model::CameoTable::global()
            .iter()
            .map(|c| (c.code, phases.map(|p| list(p, Some(c.code)))))
            .collect();
        RuleIndex {
            by_code,
            all: phases.map(|p| list(p, None)),
        }
    }

    fn rules_for(&self, phase: Phase, code: &str) -> &[u16] {
        let p = phase as usize;
        self.by_code.get(code).map_or(&self.all[p], |l| &l[p])
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dict::lines::lines_of;
    use crate::dict::rules::{parse_rules, CodePat};
    use crate::engine::testing::{coded, rules};

    #[test]
    fn codes_match_as_codes_and_prefixes() {
        let p = |s: &str| CodePat::parse(s).unwrap();
        assert!(p("190").matches("190") && !p("190").matches("1901") && !p("19").matches("190"));
        assert!(p("19*").matches("190") && p("19*").matches("19") && !p("19*").matches("180"));
        assert!(p("0874").matches("0874") && p("08*").matches("0874") && p("*").matches("010"));
    }

    #[test]
    fn the_index_offers_the_rules_a_code_can_meet() {
        let text = "rule a\n  if code 19*\n  then code 180\nrule b\n  if noun\n  then code 010\n\
                    rule c\n  if code 040\n  then code 041\n";
        let set = parse_rules(&lines_of("rules.txt", text)).unwrap();
        let index = RuleIndex::build(&set);
        assert_eq!(index.rules_for(Phase::Event, "190"), [0, 1]);
        assert_eq!(index.rules_for(Phase::Event, "040"), [1, 2]);
        assert!(index.rules_for(Phase::Roles, "040").is_empty());
    }

    #[test]
    fn a_rule_that_changes_an_event_is_named_in_its_rule() {
        assert_eq!(coded("Protests erupted across Iran."), ["141 IRNCVL -"]);
        let r = rules("Protests erupted across Iran.");
        assert!(
            r[0].ends_with(" > protests-without-protesters-are-the-people-s"),
            "{r:?}"
        );
    }

    #[test]
    fn deaths_nobody_inflicted_are_no_event() {
        for s in [
            "Seven people are killed and 31 injured after a truck crashed in Gombe State, Nigeria.",
            "A tour bus crashed into a tree in Surat Thani province, Thailand, killing five.",
            "Twelve people are killed when a boat capsizes on Lake Kivu in Congo.",
        ] {
            assert!(coded(s).is_empty(), "{s}: {:?}", coded(s));
        }
        assert!(
            rules("Twelve people are killed when a boat capsizes on Lake Kivu in Congo.")
                .is_empty()
        );
    }

    #[test]
    fn an_attack_beside_an_accident_word_is_still_an_event() {
        let s = "Bombs exploded on four commuter trains in Madrid, killing 191 people.";
        assert!(!coded(s).is_empty(), "{s}");
        let s = "A Russian drone crashed into an apartment block in Kharkiv, killing three people.";
        assert!(!coded(s).is_empty(), "{s}");
    }

    #[test]
    fn a_released_text_frees_no_one() {
        let s = "The following statement was released by the governments of Japan and Australia.";
        assert!(
            coded(s).iter().all(|e| !e.starts_with("084")),
            "{:?}",
            coded(s)
        );
        let s = "Israel released 90 Palestinian prisoners.";
        assert!(
            coded(s).iter().any(|e| e.starts_with("0841")),
            "{:?}",
            coded(s)
        );
    }

    #[test]
    fn coercion_with_no_agent_is_by_the_state_where_it_happens() {
        assert_eq!(
            coded("A suspect is arrested in Germany after the stabbing."),
            ["173 DEU DEUCVL"]
        );
        assert_eq!(
            coded("The Hungarian parliament votes to ban LGBTQ events in the country."),
            ["172 HUNLEG HUNCVL"]
        );
    }

    #[test]
    fn a_protest_after_a_disaster_is_still_a_protest() {
        let s =
            "After the earthquake, thousands of people protest in Ankara against the government.";
        assert!(
            coded(s).iter().any(|e| e.starts_with("141")),
            "{:?}",
            coded(s)
        );
    }
}
