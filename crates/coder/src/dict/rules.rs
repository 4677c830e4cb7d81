//! Rewrite rules (`dict/rules.txt`): ordered rules over a coded event, each a name, conditions
//! and actions.
//!
//! ```text
//! phase event
//! rule killing-a-hundred-or-more-is-mass-killing
//!   if code 190 180 182 1823 193
//!   if lemma kill
//!   if number after 3 at-least 100
//!   then code 202
//! ```
//!
//! Every keyword of the language is a variant of one of the enums below (`InClause` is written
//! `in-clause`); `docs/dictionaries.md` says what each one means.

use dragoman_model::CameoTable;

use super::lines::{fields, Line};
use super::words::valid_name;
use crate::classes::{Class, ClassSet, WordClasses};
use crate::error::DictError;

/// An enum of keywords, written in the files as its variants in kebab case.
macro_rules! keywords {
    ($(#[$m:meta])* pub enum $name:ident { $($v:ident),* $(,)? }) => {
        $(#[$m])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq)]
        pub enum $name { $($v),* }
        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$v),*];
            /// The keyword as written: `InClause` -> `in-clause`.
            pub fn keyword(self) -> String {
                kebab(match self { $($name::$v => stringify!($v)),* })
            }
            pub fn parse(w: &str) -> Option<Self> {
                Self::ALL.iter().copied().find(|k| k.keyword() == w)
            }
        }
    };
}

fn kebab(camel: &str) -> String {
    let mut out = String::with_capacity(camel.len() + 4);
    for (i, c) in camel.chars().enumerate() {
        if c.is_ascii_uppercase() && i > 0 {
            out.push('-');
        }
        out.push(c.to_ascii_lowercase());
    }
    out
}

keywords! {
    /// The words that structure the file.
    pub enum Syntax {
        Rule, Phase, If, Then, Slot, People, State, Of, Place, AtLeast, ExceptAfter, Not, Drop,
    }
}

keywords! {
    /// When a rule runs: `roles` once the clause gave the source and target, before control
    /// verbs and speech; `event` once the event is to be coded.
    pub enum Phase { Roles, Event }
}

keywords! {
    /// The condition keywords (`source` and `target` begin role conditions).
    pub enum CondKw { Code, Lemma, Noun, Verb, Passive, Family, Controlled, Words, Number }
}

keywords! {
    /// The event's actor roles.
    pub enum Role { Source, Target }
}

keywords! {
    /// What follows `source` or `target` in a condition.
    pub enum RoleKw { None, Some, Single, Several, All, Any, First, Prep, Word }
}

keywords! {
    /// Tests on one actor.
    pub enum ActorKw {
        Agent, Has, AgentsIn, Agentless, Agentful, Bare, Place, Capital, Person, National,
        Country, Named, Body, Known, AgentOrBody, Igo, NonState, State, Armed, Unarmed,
        Opposition, Foreign, ForeignNational, Apart, ApartCountry, Home, HomeNational,
        SourceKin, OtherSide,
    }
}

keywords! {
    /// Stretches of the sentence that `words` and `number` look in.
    pub enum WindowKw { After, Before, Clause, Rest, Sentence, Source, Target, Means }
}

keywords! {
    /// Tests on a slot (an actor phrase) that `slot` selects by.
    pub enum SlotKw {
        After, Before, Within, WithinPhrase, Near, InClause, EndsInClause, Prep, Single,
        Several, Members, All, Any, First, NotSource, NotTarget, Word, AfterWord, BeforeWord,
        WordBetween, WordsBefore,
    }
}

/// A code (`190`) or a prefix (`18*`, `*`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CodePat {
    pub code: Box<str>,
    pub prefix: bool,
    /// The code's bytes packed for a compare without a call (codes have at most 4 digits).
    key: u32,
}

/// Up to the first four bytes of a code, packed.
#[inline]
fn pack(code: &str) -> u32 {
    let b = code.as_bytes();
    let byte = |i: usize| u32::from(b.get(i).copied().unwrap_or(0));
    (byte(0) << 24) | (byte(1) << 16) | (byte(2) << 8) | byte(3)
}

impl CodePat {
    /// Checked against the CAMEO table: a code must be one, a prefix must begin one.
    pub fn parse(w: &str) -> Result<CodePat, String> {
        let table = CameoTable::global();
        let (code, prefix) = match w.strip_suffix('*') {
            Some(p) => (p, true),
            None => (w, false),
        };
        let known = if prefix {
            table.iter().any(|c| c.code.starts_with(code))
        } else {
            table.contains(code)
        };
        if !known || !code.bytes().all(|b| b.is_ascii_digit()) {
            return Err(format!("{w:?} is not a CAMEO event code or prefix"));
        }
        Ok(CodePat {
            code: code.into(),
            prefix,
            key: pack(code),
        })
    }

    #[inline]
    pub fn matches(&self, code: &str) -> bool {
        let n = self.code.len();
        if n > 4 || code.len() > 4 {
            return if self.prefix {
                code.starts_with(&*self.code)
            } else {
                *code == *self.code
            };
        }
        if self.prefix {
            let mask = u32::MAX.checked_shl(32 - 8 * n as u32).unwrap_or(0);
            code.len() >= n && pack(code) & mask == self.key
        } else {
            code.len() == n && pack(code) == self.key
        }
    }
}

fn code_of(w: &str) -> Result<&'static str, String> {
    CameoTable::global()
        .get(w)
        .map(|c| c.code)
        .ok_or_else(|| format!("{w:?} is not a CAMEO event code"))
}

/// Words as written in a rule: literal words and `&classes`; both are resolved against the
/// word classes when the coder is built (classes to their bits, words to their ids).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct WordSpec {
    pub words: Vec<Box<str>>,
    pub names: Vec<Box<str>>,
    pub classes: Vec<Class>,
    /// The words' ids ([`WordClasses::id`]).
    pub ids: Vec<u32>,
}

impl WordSpec {
    fn parse(tokens: &[&str]) -> Result<WordSpec, String> {
        let mut s = WordSpec::default();
        for t in tokens.iter().flat_map(|t| t.split('|')) {
            if let Some(c) = t.strip_prefix('&') {
                s.names.push(c.into());
            } else if t.is_empty() || t.chars().any(|c| c.is_uppercase()) {
                return Err(format!("{t:?}: words are lower case"));
            } else {
                s.words.push(t.into());
            }
        }
        if s.words.is_empty() && s.names.is_empty() {
            return Err("words expected".into());
        }
        Ok(s)
    }

    /// Whether a word, by its id and classes, is one of these.
    #[inline]
    pub fn has(&self, id: u32, classes: ClassSet) -> bool {
        self.classes.iter().any(|&c| classes.has(c)) || (id != 0 && self.ids.contains(&id))
    }

    fn resolve(&mut self, classes: &WordClasses) -> Result<(), String> {
        self.ids = self.words.iter().map(|w| classes.id(w)).collect();
        self.classes = self
            .names
            .iter()
            .map(|n| {
                classes
                    .class(n)
                    .ok_or_else(|| format!("unknown class &{n}"))
            })
            .collect::<Result<_, _>>()?;
        Ok(())
    }
}

/// A test on one actor, `not` when negated.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ActorTest {
    pub kw: ActorKw,
    /// Agent codes for `agent`, `has` and `agents-in`.
    pub codes: Vec<Box<str>>,
    pub negated: bool,
}

impl ActorTest {
    fn parse(t: &[&str]) -> Result<ActorTest, String> {
        let (negated, t) = match t {
            [w, rest @ ..] if Syntax::parse(w) == Some(Syntax::Not) => (true, rest),
            _ => (false, t),
        };
        let (kw, args) = t.split_first().ok_or("an actor test expected")?;
        let kw = ActorKw::parse(kw).ok_or_else(|| format!("unknown actor test {kw:?}"))?;
        let takes_codes = matches!(kw, ActorKw::Agent | ActorKw::Has | ActorKw::AgentsIn);
        if takes_codes == args.is_empty()
            || !args
                .iter()
                .all(|a| a.len() == 3 && a.bytes().all(|b| b.is_ascii_uppercase()))
        {
            return Err(format!(
                "{}: agent codes (three capitals) after agent, has and agents-in only",
                kw.keyword()
            ));
        }
        Ok(ActorTest {
            kw,
            codes: args.iter().map(|&a| a.into()).collect(),
            negated,
        })
    }
}

/// How many of a role's actors a test must hold for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Quant {
    All,
    Any,
    First,
}

/// Where `words` and `number` look.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Window {
    pub kw: WindowKw,
    /// The number of words for `after N`.
    pub n: usize,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Cond {
    Code(Vec<CodePat>),
    Lemma(WordSpec),
    Noun,
    Verb,
    Passive,
    /// The modality: a control verb's family or an auxiliary's (`family intent appeal`).
    Family(Vec<super::Family>),
    /// Governed by a control verb.
    Controlled,
    /// `none`, `some`, `single`, `several`.
    Role(Role, RoleKw),
    Members(Role, Quant, ActorTest),
    /// The role's preposition, `None` for `prep none`.
    Prep(Role, Option<WordSpec>),
    /// The word at an offset from the role's first word.
    Word(Role, isize, WordSpec),
    Words(Window, WordSpec, Option<WordSpec>),
    Number(Window, u64),
    Not(Box<Cond>),
}

/// A test of `slot`; `(a, b | c)` is a choice of conjunctions.
#[derive(Debug, Clone, PartialEq, Eq)]
#[allow(clippy::large_enum_variant)]
pub enum SlotTest {
    Test {
        kw: SlotKw,
        n: isize,
        words: Option<WordSpec>,
        more: Option<WordSpec>,
        actor: Option<ActorTest>,
    },
    Either(Vec<Vec<SlotTest>>),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Action {
    Code(&'static str),
    CodeMap(Vec<(&'static str, &'static str)>),
    Clear(Role),
    /// `source = target`: the role takes the other role's actors.
    Copy(Role),
    Select {
        role: Role,
        tests: Vec<SlotTest>,
        if_found: bool,
    },
    PeopleOfSource,
    PeopleOfPlace,
    /// `source = place`: the state of the place the sentence names ("arrested in Rotterdam").
    StateOfPlace,
    /// `source = state of target`: the state of the target's country, when no place gave one
    /// ("former Chinese minister Tang Renjian is sentenced to death").
    StateOfTarget,
    /// `drop`: what the trigger reports is no event ("killed after a truck crashed").
    Drop,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rule {
    pub name: Box<str>,
    pub phase: Phase,
    pub conds: Vec<Cond>,
    pub actions: Vec<Action>,
    pub file: Box<str>,
    pub line: usize,
}

/// The rules in the order they apply.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RuleSet {
    pub rules: Vec<Rule>,
}

impl RuleSet {
    /// Every word the rules name as it is written, for [`WordClasses::build`] to give it an id.
    pub fn literal_words(&self) -> Vec<Box<str>> {
        let mut out = Vec::new();
        for r in &self.rules {
            r.conds.iter().for_each(|c| cond_words(c, &mut out));
            for a in &r.actions {
                if let Action::Select { tests, .. } = a {
                    test_words(tests, &mut out);
                }
            }
        }
        out
    }

    /// The rules with their word classes resolved: an unknown class is an error at the rule's
    /// line.
    pub fn resolve(&self, classes: &WordClasses) -> Result<RuleSet, DictError> {
        let mut out = self.clone();
        for r in &mut out.rules {
            let err =
                |m: String| DictError::parse(&r.file, r.line, format!("rule {}: {m}", r.name));
            for c in &mut r.conds {
                resolve_cond(c, classes).map_err(err)?;
            }
            for a in &mut r.actions {
                if let Action::Select { tests, .. } = a {
                    resolve_tests(tests, classes).map_err(err)?;
                }
            }
        }
        Ok(out)
    }
}

/// The literal words of a condition.
pub(crate) fn cond_words(c: &Cond, out: &mut Vec<Box<str>>) {
    match c {
        Cond::Lemma(w) | Cond::Word(_, _, w) | Cond::Prep(_, Some(w)) => {
            out.extend(w.words.iter().cloned())
        }
        Cond::Words(_, w, except) => {
            out.extend(w.words.iter().cloned());
            out.extend(except.iter().flat_map(|e| e.words.iter().cloned()));
        }
        Cond::Not(c) => cond_words(c, out),
        _ => {}
    }
}

fn test_words(tests: &[SlotTest], out: &mut Vec<Box<str>>) {
    for t in tests {
        match t {
            SlotTest::Test { words, more, .. } => {
                for w in [words, more].into_iter().flatten() {
                    out.extend(w.words.iter().cloned());
                }
            }
            SlotTest::Either(alts) => alts.iter().for_each(|a| test_words(a, out)),
        }
    }
}

pub(crate) fn resolve_cond(c: &mut Cond, classes: &WordClasses) -> Result<(), String> {
    match c {
        Cond::Lemma(w) | Cond::Word(_, _, w) | Cond::Prep(_, Some(w)) => w.resolve(classes),
        Cond::Words(_, w, except) => {
            w.resolve(classes)?;
            except.as_mut().map_or(Ok(()), |e| e.resolve(classes))
        }
        Cond::Not(c) => resolve_cond(c, classes),
        _ => Ok(()),
    }
}

fn resolve_tests(tests: &mut [SlotTest], classes: &WordClasses) -> Result<(), String> {
    for t in tests {
        match t {
            SlotTest::Test { words, more, .. } => {
                for w in [words, more].into_iter().flatten() {
                    w.resolve(classes)?;
                }
            }
            SlotTest::Either(alts) => {
                for a in alts {
                    resolve_tests(a, classes)?;
                }
            }
        }
    }
    Ok(())
}

fn number<T: std::str::FromStr>(w: Option<&&str>) -> Result<T, String> {
    w.and_then(|w| w.parse().ok())
        .ok_or_else(|| "a number expected".to_string())
}

fn parse_window(t: &[&str]) -> Result<(Window, usize), String> {
    let kw = t.first().and_then(|w| WindowKw::parse(w)).ok_or(
        "a window expected: after N, before N, clause, rest, sentence, source, target or means"
            .to_string(),
    )?;
    if matches!(kw, WindowKw::After | WindowKw::Before) {
        Ok((
            Window {
                kw,
                n: number(t.get(1))?,
            },
            2,
        ))
    } else {
        Ok((Window { kw, n: 0 }, 1))
    }
}

pub(crate) fn parse_cond(t: &[&str]) -> Result<Cond, String> {
    let (first, rest) = t.split_first().ok_or("a condition expected")?;
    if Syntax::parse(first) == Some(Syntax::Not) {
        return Ok(Cond::Not(Box::new(parse_cond(rest)?)));
    }
    if let Some(role) = Role::parse(first) {
        return parse_role_cond(role, rest);
    }
    let kw = CondKw::parse(first).ok_or_else(|| format!("unknown condition {first:?}"))?;
    let bare = |c: Cond| {
        if rest.is_empty() {
            Ok(c)
        } else {
            Err(format!("{first} takes nothing after it"))
        }
    };
    match kw {
        CondKw::Code => Ok(Cond::Code(
            rest.iter()
                .map(|w| CodePat::parse(w))
                .collect::<Result<_, _>>()?,
        )),
        CondKw::Lemma => Ok(Cond::Lemma(WordSpec::parse(rest)?)),
        CondKw::Noun => bare(Cond::Noun),
        CondKw::Verb => bare(Cond::Verb),
        CondKw::Passive => bare(Cond::Passive),
        CondKw::Controlled => bare(Cond::Controlled),
        CondKw::Family => Ok(Cond::Family(
            rest.iter()
                .map(|w| super::Family::parse(w).ok_or_else(|| format!("unknown family {w:?}")))
                .collect::<Result<_, _>>()?,
        )),
        CondKw::Words => {
            let (w, n) = parse_window(rest)?;
            let rest = &rest[n..];
            let split = rest
                .iter()
                .position(|x| Syntax::parse(x) == Some(Syntax::ExceptAfter));
            let (words, except) = match split {
                Some(i) => (&rest[..i], Some(WordSpec::parse(&rest[i + 1..])?)),
                None => (rest, None),
            };
            Ok(Cond::Words(w, WordSpec::parse(words)?, except))
        }
        CondKw::Number => {
            let (w, n) = parse_window(rest)?;
            match &rest[n..] {
                [at, v] if Syntax::parse(at) == Some(Syntax::AtLeast) => {
                    Ok(Cond::Number(w, number(Some(v))?))
                }
                _ => Err("number WINDOW at-least N".into()),
            }
        }
    }
}

fn parse_role_cond(role: Role, t: &[&str]) -> Result<Cond, String> {
    let (kw, rest) = t.split_first().ok_or("what of the role?")?;
    let kw = RoleKw::parse(kw).ok_or_else(|| format!("unknown role condition {kw:?}"))?;
    Ok(match kw {
        RoleKw::None | RoleKw::Some | RoleKw::Single | RoleKw::Several if rest.is_empty() => {
            Cond::Role(role, kw)
        }
        RoleKw::All => Cond::Members(role, Quant::All, ActorTest::parse(rest)?),
        RoleKw::Any => Cond::Members(role, Quant::Any, ActorTest::parse(rest)?),
        RoleKw::First => Cond::Members(role, Quant::First, ActorTest::parse(rest)?),
        RoleKw::Prep => match rest {
            [none] if RoleKw::parse(none) == Some(RoleKw::None) => Cond::Prep(role, None),
            _ => Cond::Prep(role, Some(WordSpec::parse(rest)?)),
        },
        RoleKw::Word => Cond::Word(role, number(rest.first())?, WordSpec::parse(&rest[1..])?),
        _ => return Err(format!("{} takes nothing after it", kw.keyword())),
    })
}

/// Splits at a separator outside parentheses.
fn split_top(s: &str, sep: char) -> Vec<&str> {
    let (mut depth, mut start, mut out) = (0, 0, Vec::new());
    for (i, c) in s.char_indices() {
        match c {
            '(' => depth += 1,
            ')' => depth -= 1,
            c if c == sep && depth == 0 => {
                out.push(s[start..i].trim());
                start = i + 1;
            }
            _ => {}
        }
    }
    out.push(s[start..].trim());
    out
}

fn parse_slot_tests(s: &str) -> Result<Vec<SlotTest>, String> {
    split_top(s, ',')
        .into_iter()
        .map(
            |item| match item.strip_prefix('(').and_then(|i| i.strip_suffix(')')) {
                Some(inner) => Ok(SlotTest::Either(
                    split_top(inner, '|')
                        .into_iter()
                        .map(parse_slot_tests)
                        .collect::<Result<_, _>>()?,
                )),
                None => parse_slot_test(&item.split_whitespace().collect::<Vec<_>>()),
            },
        )
        .collect()
}

fn parse_slot_test(t: &[&str]) -> Result<SlotTest, String> {
    let (kw, rest) = t.split_first().ok_or("a slot test expected")?;
    let kw = SlotKw::parse(kw).ok_or_else(|| format!("unknown slot test {kw:?}"))?;
    let (mut n, mut words, mut more, mut actor) = (0, None, None, None);
    match kw {
        SlotKw::After if !rest.is_empty() => n = number(rest.first())?,
        SlotKw::Within | SlotKw::WithinPhrase => n = number(rest.first())?,
        SlotKw::Prep => {
            if !matches!(rest, [w] if RoleKw::parse(w) == Some(RoleKw::None)) {
                words = Some(WordSpec::parse(rest)?);
            }
        }
        SlotKw::All | SlotKw::Any | SlotKw::First => actor = Some(ActorTest::parse(rest)?),
        SlotKw::Word => {
            n = number(rest.first())?;
            words = Some(WordSpec::parse(&rest[1..])?);
        }
        SlotKw::AfterWord => {
            let (last, ws) = rest.split_last().ok_or("after-word WORDS N")?;
            n = number(Some(last))?;
            words = Some(WordSpec::parse(ws)?);
        }
        SlotKw::BeforeWord | SlotKw::WordBetween => words = Some(WordSpec::parse(rest)?),
        SlotKw::WordsBefore => match rest {
            [count, a, b] => {
                n = number(Some(count))?;
                words = Some(WordSpec::parse(&[a])?);
                more = Some(WordSpec::parse(&[b])?);
            }
            _ => return Err("words-before N WORD WORD".into()),
        },
        _ if rest.is_empty() => {}
        _ => return Err(format!("{} takes nothing after it", kw.keyword())),
    }
    Ok(SlotTest::Test {
        kw,
        n,
        words,
        more,
        actor,
    })
}

fn parse_action(t: &[&str], line: &str) -> Result<Action, String> {
    let is = |w: &str, s: Syntax| Syntax::parse(w) == Some(s);
    if let [drop] = t {
        if is(drop, Syntax::Drop) {
            return Ok(Action::Drop);
        }
    }
    if let [code, rest @ ..] = t {
        if CondKw::parse(code) == Some(CondKw::Code) {
            return match rest {
                [c] if !c.contains('>') => Ok(Action::Code(code_of(c)?)),
                _ => Ok(Action::CodeMap(
                    rest.iter()
                        .map(|p| {
                            let (a, b) = p.split_once('>').ok_or("code A>B ...")?;
                            Ok((code_of(a)?, code_of(b)?))
                        })
                        .collect::<Result<_, String>>()?,
                )),
            };
        }
    }
    let role = t
        .first()
        .and_then(|w| Role::parse(w))
        .ok_or("an action is `code ...`, `source ...`, `target ...` or `drop`")?;
    match &t[1..] {
        [none] if RoleKw::parse(none) == Some(RoleKw::None) => Ok(Action::Clear(role)),
        ["=", other] if Role::parse(other).is_some_and(|o| o != role) => Ok(Action::Copy(role)),
        ["=", p] if role == Role::Source && is(p, Syntax::Place) => Ok(Action::StateOfPlace),
        ["=", st, o, w]
            if role == Role::Source
                && is(st, Syntax::State)
                && is(o, Syntax::Of)
                && Role::parse(w) == Some(Role::Target) =>
        {
            Ok(Action::StateOfTarget)
        }
        ["=", p, o, w] if is(p, Syntax::People) && is(o, Syntax::Of) => {
            match (role, Role::parse(w)) {
                (Role::Target, Some(Role::Source)) => Ok(Action::PeopleOfSource),
                (Role::Source, _) if is(w, Syntax::Place) => Ok(Action::PeopleOfPlace),
                _ => Err("target = people of source, or source = people of place".into()),
            }
        }
        [op @ ("=" | "?="), slot, ..] if is(slot, Syntax::Slot) => {
            let after = line
                .split_once(Syntax::Slot.keyword().as_str())
                .map_or("", |(_, a)| a);
            Ok(Action::Select {
                role,
                tests: parse_slot_tests(after)?,
                if_found: *op == "?=",
            })
        }
        _ => Err("unknown action".into()),
    }
}

/// Parses rules from the lines of one or more files. A rule named like an earlier one (a
/// user's directory over the bundled one) replaces it where it stood.
pub fn parse_rules(lines: &[Line]) -> Result<RuleSet, DictError> {
    let mut set = RuleSet::default();
    let mut phase = Phase::Event;
    let mut current: Option<Rule> = None;
    let mut names: Vec<(Box<str>, Box<str>)> = Vec::new();
    let finish = |r: Option<Rule>, set: &mut RuleSet| -> Result<(), DictError> {
        let Some(r) = r else { return Ok(()) };
        if r.actions.is_empty() {
            return Err(DictError::parse(&r.file, r.line, "a rule without `then`"));
        }
        match set.rules.iter().position(|o| o.name == r.name) {
            Some(i) => set.rules[i] = r,
            None => set.rules.push(r),
        }
        Ok(())
    };
    for l in lines {
        let Some((indented, words)) = fields(l.text) else {
            continue;
        };
        let head = Syntax::parse(words[0]);
        if !indented {
            finish(current.take(), &mut set)?;
            match (head, &words[1..]) {
                (Some(Syntax::Phase), [p]) => {
                    phase = Phase::parse(p).ok_or_else(|| l.error("phase roles or phase event"))?
                }
                (Some(Syntax::Rule), [name]) if valid_name(name) => {
                    let key = (Box::from(l.file), Box::from(*name));
                    if names.contains(&key) {
                        return Err(l.error(format!("rule {name} defined twice")));
                    }
                    names.push(key);
                    current = Some(Rule {
                        name: (*name).into(),
                        phase,
                        conds: Vec::new(),
                        actions: Vec::new(),
                        file: l.file.into(),
                        line: l.line,
                    });
                }
                _ => return Err(l.error("expected `rule NAME` or `phase roles|event`")),
            }
            continue;
        }
        let rule = current
            .as_mut()
            .ok_or_else(|| l.error("a condition or action outside a rule"))?;
        let body = super::lines::strip_comment(l.text).trim();
        let body = body.split_once(char::is_whitespace).map_or("", |(_, b)| b);
        let parsed = match head {
            Some(Syntax::If) if rule.actions.is_empty() => {
                parse_cond(&words[1..]).map(|c| rule.conds.push(c))
            }
            Some(Syntax::If) => Err("conditions come before actions".into()),
            Some(Syntax::Then) => parse_action(&words[1..], body).map(|a| rule.actions.push(a)),
            _ => Err("a rule's lines begin with `if` or `then`".into()),
        };
        parsed.map_err(|m| l.error(m))?;
    }
    finish(current.take(), &mut set)?;
    Ok(set)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dict::lines::lines_of;

    #[test]
    fn rules_parse_and_replace_by_name() {
        let a = "phase roles\nrule r1\n  if code 193\n  if target all person\n  then code 185\n\
                 phase event\nrule r2\n  if not target prep with to\n  then target = slot after, (prep in | prep with, word -2 border)\n";
        let b = "rule r1\n  if code 190\n  then code 186\n";
        let mut lines = lines_of("rules.txt", a);
        lines.extend(lines_of("user/rules.txt", b));
        let set = parse_rules(&lines).unwrap();
        assert_eq!(set.rules.len(), 2);
        assert_eq!(set.rules[0].actions, [Action::Code("186")]);
        assert_eq!(set.rules[1].phase, Phase::Event);
        let Action::Select {
            tests, if_found, ..
        } = &set.rules[1].actions[0]
        else {
            panic!("a selection");
        };
        assert!(!if_found);
        assert!(matches!(&tests[1], SlotTest::Either(alts) if alts.len() == 2));
    }

    #[test]
    fn mistakes_name_file_and_line() {
        let bad = [
            ("rule r\n  if code 999\n  then code 190\n", "rules.txt:2:"),
            (
                "rule r\n  if source all nonsense\n  then code 190\n",
                "rules.txt:2:",
            ),
            ("rule r\n  if code 190\n", "rules.txt:1:"),
            (
                "rule r\n  then code 190\nrule r\n  then code 190\n",
                "rules.txt:3:",
            ),
            ("  if code 190\n", "rules.txt:1:"),
            (
                "rule r\n  then target = slot after, frobnicate\n",
                "rules.txt:2:",
            ),
        ];
        for (text, at) in bad {
            let e = parse_rules(&lines_of("rules.txt", text)).unwrap_err();
            assert!(e.to_string().starts_with(at), "{text:?}: {e}");
        }
    }

    #[test]
    fn keywords_are_kebab_case() {
        assert_eq!(SlotKw::EndsInClause.keyword(), "ends-in-clause");
        assert_eq!(ActorKw::parse("non-state"), Some(ActorKw::NonState));
    }
}
