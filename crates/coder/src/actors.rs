//! Actor mentions (one Aho-Corasick automaton over every actor and agent phrase) and their
//! composition into CAMEO actors: "Libya's Ministry of Health" is `LBYHLH`, "the Russian
//! foreign ministry" `RUSGOV`, "head of Libya's High Council of State Khaled al-Mishri" a
//! Libyan government actor whose name the article then remembers.

use std::rc::Rc;

use aho_corasick::automaton::Automaton;
use aho_corasick::nfa::contiguous::NFA;
use aho_corasick::{Anchored, MatchKind};
use chrono::NaiveDate;
use rustc_hash::{FxHashMap, FxHashSet};

use crate::classes::{
    Class, ClassSet, ABBREVIATION, AGENT_MODIFIER, AGENT_VERB_OBJECT, BACKER_SUFFIX, COMPASS, DET,
    FAVOUR_PREFIX, GENERAL_NOUN, LEADER_SUFFIX, NAME_LINKER, NAME_PARTICLE, NOT_NAME, NOT_TRADE,
    PREP, TITLE_LINK,
};
use crate::dict::{ActorDict, ActorEntry, ActorKind};
use crate::error::DictError;
use crate::text::{TokKind, Token};

/// The case a phrase must have in the text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum CaseRule {
    /// Any case: agent nouns ("ministry", "Ministry").
    Any,
    /// First letter upper-case: names, so that "turkey" or "chad" in lower case are not actors.
    Capitalised,
    /// Exactly as written: acronyms, so that "WHO" is not "who" and "US" not "us".
    Exact,
}

#[derive(Debug)]
struct PatInfo {
    /// (entry, case rule, phrase as written)
    entries: Vec<(u32, CaseRule, Box<str>)>,
}

/// The compiled actor dictionary.
#[derive(Debug)]
pub struct ActorMatcher {
    /// The phrases as a trie, walked from each token's start: a phrase counts only from a
    /// token's start, so the walks stop within a few bytes where a search of the whole text
    /// would follow every phrase inside every word.
    ac: Option<NFA>,
    pats: Vec<PatInfo>,
    pub entries: Vec<ActorEntry>,
    /// The country codes of the dictionary, to tell a country prefix of a group code
    /// (`PSE` of `PSEREBHMS`) from another prefix (`IMG`, `IGO`).
    countries: FxHashSet<Box<str>>,
}

/// A dictionary phrase found in the text, as token indices.
#[derive(Debug, Clone)]
pub struct Mention {
    pub start: usize,
    pub end: usize,
    pub entry: u32,
}

impl ActorMatcher {
    pub fn build(dict: &ActorDict) -> Result<Self, DictError> {
        let mut index: FxHashMap<String, usize> = FxHashMap::default();
        let mut patterns: Vec<String> = Vec::new();
        let mut pats: Vec<PatInfo> = Vec::new();
        for (phrase, entry) in &dict.phrases {
            let lower = phrase.to_ascii_lowercase();
            let letters: String = phrase.chars().filter(|c| c.is_alphabetic()).collect();
            let rule = if !letters.is_empty()
                && letters.chars().all(|c| c.is_uppercase())
                && letters.chars().count() <= 6
            {
                CaseRule::Exact
            } else if phrase.chars().next().is_some_and(|c| c.is_uppercase()) {
                CaseRule::Capitalised
            } else {
                CaseRule::Any
            };
            let id = *index.entry(lower.clone()).or_insert_with(|| {
                patterns.push(lower);
                pats.push(PatInfo {
                    entries: Vec::new(),
                });
                pats.len() - 1
            });
            pats[id].entries.push((*entry, rule, phrase.clone()));
        }
        let ac = if patterns.is_empty() {
            None
        } else {
            Some(
                NFA::builder()
                    .match_kind(MatchKind::Standard)
                    .build(&patterns)
                    .map_err(|e| DictError::Automaton {
                        what: "actor",
                        message: e.to_string(),
                    })?,
            )
        };
        let countries = dict
            .entries
            .iter()
            .filter(|e| e.kind == ActorKind::Country && e.code.len() == 3)
            .map(|e| e.code.clone())
            .collect();
        Ok(Self {
            ac,
            pats,
            entries: dict.entries.clone(),
            countries,
        })
    }

    /// The country a group code belongs to: `PSEREBHMS` -> `PSE`; `IMGMUSALQ`, `IGOUNO` -> none.
    pub fn country_of_code<'c>(&self, code: &'c str) -> Option<&'c str> {
        let prefix = code.get(..3)?;
        self.countries.contains(prefix).then_some(prefix)
    }

    /// Every dictionary mention in a text, leftmost-longest, on token boundaries.
    /// `lower` is `text.to_ascii_lowercase()`; `starts`/`ends` map byte offsets to tokens.
    pub fn find(
        &self,
        text: &str,
        lower: &str,
        tokens: &[Token],
        classes: &[ClassSet],
        date: NaiveDate,
        out: &mut Vec<Mention>,
    ) {
        let Some(ac) = &self.ac else { return };
        let Ok(start) = ac.start_state(Anchored::Yes) else {
            return;
        };
        let bytes = lower.as_bytes();
        let mut cands: Vec<(usize, usize, u32)> = Vec::new();
        let mut found: Vec<(usize, usize)> = Vec::new();
        for (ts, tok) in tokens.iter().enumerate() {
            let s = tok.start as usize;
            let mut sid = start;
            for (at, &b) in bytes[s..].iter().enumerate() {
                sid = ac.next_state(Anchored::Yes, sid, b);
                if !ac.is_special(sid) {
                    continue;
                }
                if ac.is_dead(sid) {
                    break;
                }
                if ac.is_match(sid) {
                    let e = s + at + 1;
                    // A state's matches include the phrases ending there that began later.
                    for i in 0..ac.match_len(sid) {
                        let pid = ac.match_pattern(sid, i);
                        if ac.pattern_len(pid) == e - s {
                            found.push((e, pid.as_usize()));
                        }
                    }
                }
            }
            for (e, pid) in found.drain(..) {
                let Some(te) = tokens[ts..]
                    .iter()
                    .position(|t| t.end as usize >= e)
                    .map(|p| p + ts)
                    .filter(|&i| tokens[i].end as usize == e)
                else {
                    continue;
                };
                let orig = &text[s..e];
                let info = &self.pats[pid];
                // The best entry whose case rule holds and whose dates include the article date.
                let mut best: Option<u32> = None;
                for (entry, rule, phrase) in &info.entries {
                    let ok = match rule {
                        CaseRule::Any => true,
                        CaseRule::Capitalised => {
                            orig.chars().next().is_some_and(|c| c.is_uppercase())
                        }
                        CaseRule::Exact => orig == &**phrase,
                    };
                    if !ok {
                        continue;
                    }
                    let e = &self.entries[*entry as usize];
                    if e.kind == ActorKind::Person && !e.valid_on(date) {
                        // Kept only when nothing better: a former leader still names his country.
                        if best.is_none() {
                            best = Some(*entry | OUT_OF_OFFICE);
                        }
                        continue;
                    }
                    if best.is_none_or(|b| b & OUT_OF_OFFICE != 0) {
                        best = Some(*entry);
                    }
                }
                // "a general strike", "the general election": an adjective, not an officer.
                if orig == "general" && classes.get(te + 1).is_some_and(|c| c.has(GENERAL_NOUN)) {
                    continue;
                }
                if let Some(b) = best {
                    cands.push((ts, te + 1, b));
                }
            }
        }
        // A country or capital that is a currency or part of a person's name names no actor.
        let place = |b: u32| matches!(self.entry(b).kind, ActorKind::Country | ActorKind::Capital);
        let named: Vec<usize> = (0..cands.len())
            .filter(|&i| {
                let (s, e, b) = cands[i];
                place(b)
                    && (currency(text, tokens, e - 1)
                        || in_name(text, tokens, classes, s, e - 1, &cands))
            })
            .collect();
        if !named.is_empty() {
            let mut i = 0;
            cands.retain(|_| {
                i += 1;
                !named.contains(&(i - 1))
            });
        }
        // Leftmost-longest, non-overlapping.
        cands.sort_by(|a, b| a.0.cmp(&b.0).then(b.1.cmp(&a.1)));
        let mut last_end = 0;
        for (s, e, entry) in cands {
            if s >= last_end {
                out.push(Mention {
                    start: s,
                    end: e,
                    entry,
                });
                last_end = e;
            }
        }
    }

    pub fn entry(&self, id: u32) -> &ActorEntry {
        &self.entries[(id & !OUT_OF_OFFICE) as usize]
    }
}

/// "US$313 million", "HK$": a country's letters before a dollar sign name a currency.
fn currency(text: &str, tokens: &[Token], te: usize) -> bool {
    tokens
        .get(te + 1)
        .is_some_and(|t| t.start == tokens[te].end && text[t.range()].starts_with('$'))
}

/// Words that begin the names of places, not of people: "East Jerusalem", "New Mexico",
/// "Greater Cairo", "Port Sudan", "San Salvador".
const PLACE_WORDS: [&str; 20] = [
    "north", "south", "east", "west", "new", "old", "upper", "lower", "greater", "port", "fort",
    "saint", "st", "san", "santa", "mount", "lake", "cape", "grand", "great",
];

/// Whether a country or capital of one word is part of a person's name: the surname of
/// "Rep. Jim Jordan", "Denzel Washington", "José Murguía Santiago", or the given name of
/// "Jordan Bardella", "Chad Wolf". Its neighbour is a capitalised word that names no actor
/// and the text is not in title case (the word after the name is not capitalised); a
/// surname's given name follows a word that is no preposition or determiner ("in Greater
/// Cairo", "the Upper Nile" are places).
fn in_name(
    text: &str,
    tokens: &[Token],
    classes: &[ClassSet],
    ts: usize,
    te: usize,
    cands: &[(usize, usize, u32)],
) -> bool {
    // A word, not an acronym: a given name is never "US" or "UAE" ("the US Pacific territory").
    if ts != te || !is_name_token(text, &tokens[ts], classes[ts]) {
        return false;
    }
    let name = |k: usize| {
        tokens.get(k).is_some_and(|t| {
            is_name_token(text, t, classes[k])
                && !classes[k].has(COMPASS)
                && !PLACE_WORDS
                    .iter()
                    .any(|p| text[t.range()].eq_ignore_ascii_case(p))
        })
    };
    let lower_or_stop = |k: usize| {
        tokens
            .get(k)
            .is_none_or(|t| !t.cap || t.kind != TokKind::Word)
    };
    let boundary = |k: usize| {
        let w = &text[tokens[k].range()];
        matches!(w, "." | "!" | "?" | ":" | ";" | "\"" | "“" | "(")
            && !(w == "." && k > 0 && classes[k - 1].has(ABBREVIATION))
            || text[tokens[k].end as usize..tokens[k + 1].start as usize].contains('\n')
    };
    // "Jim Jordan said": the given name before it, not at the start of a sentence.
    // A word that begins or ends another phrase is no part of such a name (asked last: the
    // other tests rule out almost every mention first).
    let starts_phrase = |k: usize| cands.iter().any(|c| c.0 == k);
    let ends_phrase = |k: usize| cands.iter().any(|c| c.1 == k);
    let surname = ts >= 2
        && name(ts - 1)
        && lower_or_stop(te + 1)
        && !boundary(ts - 2)
        && !classes[ts - 2].has(PREP)
        && !classes[ts - 2].has(DET)
        && !ends_phrase(ts);
    // "Jordan Bardella said": a surname that names nothing after it.
    let given = name(te + 1) && lower_or_stop(te + 2) && !starts_phrase(te + 1);
    surname || given
}

/// Set on a mention's entry id when a person is named outside their dates in office.
pub const OUT_OF_OFFICE: u32 = 1 << 31;

/// A composed actor, before it becomes a model `Actor`.
#[derive(Debug, Clone, PartialEq)]
pub struct ActorRef {
    // Codes are shared like the texts below: cloning an actor then copies no string.
    pub code: Rc<str>,
    pub country: Option<Rc<str>>,
    pub agents: Rc<[Rc<str>]>,
    /// Shared, not copied: actors are cloned into slots, events and the discourse many times
    /// for each one that reaches the output.
    pub name: Rc<str>,
    /// The words of the sentence the actor was found from.
    pub text: Rc<str>,
    /// How sure the composition is, in [0, 1].
    pub certainty: f32,
    pub is_person: bool,
    /// A capital or seat of government: also a place.
    pub place_country: Option<Rc<str>>,
}

thread_local! {
    static NO_TEXT: Rc<str> = Rc::from("");
    static NO_AGENTS: Rc<[Rc<str>]> = Rc::from(Vec::new());
}

/// An actor's agents as shared, without an allocation when there are none.
pub fn agents_of(agents: Vec<Rc<str>>) -> Rc<[Rc<str>]> {
    if agents.is_empty() {
        NO_AGENTS.with(Rc::clone)
    } else {
        agents.into()
    }
}

/// The codes of agents written out: `["GOV"]` -> `GOV`.
pub fn concat(agents: &[Rc<str>]) -> String {
    agents.iter().map(|a| &**a).collect()
}

// By hand: the derived default allocates an empty `Rc<str>` twice, and actors are taken
// (`mem::take`) out of their groups for every slot.
impl Default for ActorRef {
    fn default() -> Self {
        let empty = NO_TEXT.with(Rc::clone);
        ActorRef {
            code: empty.clone(),
            country: None,
            agents: agents_of(Vec::new()),
            name: empty.clone(),
            text: empty,
            certainty: 0.0,
            is_person: false,
            place_country: None,
        }
    }
}

impl ActorRef {
    /// The code used to compare actors: the country, or the body for IGOs and groups.
    pub fn key(&self) -> &str {
        self.country.as_deref().unwrap_or(&self.code)
    }
}

/// An actor group: contiguous tokens naming one actor.
#[derive(Debug, Clone)]
pub struct Group {
    pub start: usize,
    pub end: usize,
    pub actor: ActorRef,
    /// A full name the group introduced ("Khaled al-Mishri"), for later references.
    pub new_name: Option<(usize, usize)>,
}

fn word<'a>(lower: &'a str, t: &Token) -> &'a str {
    &lower[t.range()]
}

/// Whether a token can be part of an unknown proper name.
/// `classes` are the token's word classes.
pub fn is_name_token(text: &str, t: &Token, classes: ClassSet) -> bool {
    t.kind == TokKind::Word
        && t.cap
        && !classes.has(NOT_NAME)
        && text[t.range()].chars().any(|c| c.is_lowercase())
}

/// Whether token `k` is an initial inside a name ("J" of "Antony J. Blinken") or its dot.
fn initial(text: &str, tokens: &[Token], k: usize) -> bool {
    let letter = |i: usize| {
        let raw = &text[tokens[i].range()];
        raw.len() == 1 && raw.bytes().all(|b| b.is_ascii_uppercase())
    };
    letter(k) || (k > 0 && &text[tokens[k].range()] == "." && letter(k - 1))
}

/// A plain noun that may name a trade before an agent ("olive farmers", "tea pickers"), not a
/// function word or a verb's past form.
fn trade_noun(w: &str, classes: ClassSet) -> bool {
    w.len() > 2
        && w.bytes().all(|b| b.is_ascii_lowercase())
        && !w.ends_with("ed")
        && !classes.has(NOT_TRADE)
}

/// A sentence's tokens as actors are composed from them.
struct Cx<'a> {
    matcher: &'a ActorMatcher,
    text: &'a str,
    lower: &'a str,
    tokens: &'a [Token],
    classes: &'a [ClassSet],
}

impl Cx<'_> {
    fn is(&self, k: usize, c: Class) -> bool {
        self.classes.get(k).is_some_and(|s| s.has(c))
    }

    /// A mention that names no actor here: an agent word used as a verb ("to press the
    /// government", "to police the border"), or a country's adjective that names whom a group
    /// favours or who backs it ("pro-Russian separatists", "Turkish-backed rebels").
    fn skipped(&self, first: &Mention, range: (usize, usize)) -> bool {
        let (matcher, lower, tokens) = (self.matcher, self.lower, self.tokens);
        let verb = first.end == first.start + 1
            && first.start > range.0
            && matcher.entry(first.entry).kind == ActorKind::Agent
            && word(lower, &tokens[first.start - 1]) == "to"
            && self.is(first.end, AGENT_VERB_OBJECT);
        let backed = first.end + 1 < tokens.len()
            && first.end + 1 < range.1
            && word(lower, &tokens[first.end]) == "-"
            && self.is(first.end + 1, BACKER_SUFFIX);
        verb || (matcher.entry(first.entry).kind == ActorKind::Adjective
            && (backed
                || (first.start >= 2
                    && word(lower, &tokens[first.start - 1]) == "-"
                    && self.is(first.start - 2, FAVOUR_PREFIX))))
    }

    /// Whether the next mention, after the words from `end`, is part of the same actor.
    fn joins(&self, members: &[&Mention], end: usize, next: &Mention) -> bool {
        let (matcher, text, lower, tokens, classes) = (
            self.matcher,
            self.text,
            self.lower,
            self.tokens,
            self.classes,
        );
        let first = members[0];
        let is = |k: usize, c: Class| self.is(k, c);
        let gap = &tokens[end..next.start];
        let gap_is = |c: Class| (end..next.start).all(|k| is(k, c));
        gap.len() <= 5
            && (end..next.start).all(|k| {
                let t = &tokens[k];
                let w = word(lower, t);
                is(k, NAME_LINKER) || is_name_token(text, t, classes[k]) || t.kind == TokKind::Word && w.len() > 1 && text[t.range()].chars().all(|c| c.is_uppercase())
                    // A middle initial: "Secretary of State Antony J. Blinken".
                    || initial(text, tokens, k)
            })
            // An unknown capitalised word between two names is a name of its own
            // ("Russia Today Libya"), so only a linker word may bridge countries.
            && !(has_country(matcher, members) && is_country(matcher, next))
            // "Minister for Foreign Affairs" joins, "asked France for military help"
            // does not: after "for" or "on" the next name is capitalised.
            && (!(end..next.start).any(|k| is(k, TITLE_LINK))
                || tokens[next.start].cap)
            // A country's adjective, plain modifiers, an agent noun: "American defence
            // companies", "Kenyan police officers", "Iranian junior doctors".
            || (members.last().is_some_and(|x| {
                matches!(matcher.entry(x.entry).kind, ActorKind::Adjective | ActorKind::Capital)
            }) && matcher.entry(next.entry).kind == ActorKind::Agent
                && (1..=2).contains(&gap.len())
                && gap_is(AGENT_MODIFIER))
            // A trade's noun between a country's adjective and its people: "Palestinian
            // olive farmers", "Kenyan tea pickers".
            || (members.last().is_some_and(|x| {
                matches!(matcher.entry(x.entry).kind, ActorKind::Adjective)
            }) && matcher.entry(next.entry).kind == ActorKind::Agent
                && ((gap.len() == 1
                    && gap[0].kind == TokKind::Word
                    && !gap[0].cap
                    && trade_noun(word(lower, &gap[0]), classes[end]))
                    // A model's designation: "an American B-29 bomber", "Russian Su-34 jets".
                    || ((2..=4).contains(&gap.len())
                        && gap.iter().any(|t| word(lower, t) == "-")
                        && gap.iter().all(|t| {
                            let raw = &text[t.range()];
                            raw == "-"
                                || raw.bytes().all(|b| b.is_ascii_digit())
                                || (raw.len() <= 3
                                    && raw.bytes().next().is_some_and(|b| b.is_ascii_uppercase()))
                        }))))
            // "Australian-led peacekeepers": the leader's agents. Those it backs, trains or
            // arms are not its own ("Turkish-backed rebels" in Syria).
            || (members.len() == 1
                && is_country(matcher, first)
                && matcher.entry(next.entry).kind == ActorKind::Agent
                && gap.len() == 2
                && word(lower, &gap[0]) == "-"
                && is(end + 1, LEADER_SUFFIX))
    }

    /// The run of capitalised words after a role that is the name of its holder ("head of
    /// Libya's High Council of State (HCS) Khaled al-Mishri"): after the last linker, acronym
    /// or bracket, before `next_mention`.
    fn unknown_name(&self, end: usize, next_mention: usize) -> Option<(usize, usize)> {
        let (text, lower, tokens, classes) = (self.text, self.lower, self.tokens, self.classes);
        let is = |k: usize, c: Class| self.is(k, c);
        let mut k = end;
        let mut boundary = end;
        let mut before_linker = None;
        while k < next_mention && k - end < 10 {
            let t = &tokens[k];
            let w = word(lower, t);
            let acronym = t.kind == TokKind::Word
                && w.len() > 1
                && text[t.range()].chars().all(|c| c.is_uppercase());
            // Initials before a name: "K.P. Sharma Oli", "F. W. de Klerk".
            let raw = &text[t.range()];
            if k > boundary || k == end {
                let letter = raw.len() == 1 && raw.chars().all(|c| c.is_ascii_uppercase());
                if letter && k + 2 < next_mention && word(lower, &tokens[k + 1]) == "." {
                    k += 2;
                    continue;
                }
                let dotted = raw.contains('.')
                    && raw.len() <= 6
                    && raw.chars().all(|c| c == '.' || c.is_ascii_uppercase());
                if dotted
                    && k + 1 < next_mention
                    && is_name_token(text, &tokens[k + 1], classes[k + 1])
                {
                    k += 1;
                    continue;
                }
            }
            if is(k, NAME_LINKER) || acronym {
                if k > boundary && !acronym {
                    before_linker = Some((boundary, k));
                }
                boundary = k + 1;
            } else if !(is_name_token(text, t, classes[k])
                || (k > boundary && is(k, NAME_PARTICLE)))
            {
                break;
            }
            k += 1;
        }
        while k > boundary && is(k - 1, NAME_PARTICLE) {
            k -= 1;
        }
        // "Foreign Minister Zbigniew Rau on efforts": no name after the linker, so the name is
        // the run before it.
        if k > boundary {
            Some((boundary, k))
        } else {
            before_linker
        }
    }
}

/// Composes mentions of one sentence into actor groups. `classes` are the word classes of
/// the tokens.
#[allow(clippy::too_many_arguments)]
pub fn compose(
    matcher: &ActorMatcher,
    text: &str,
    lower: &str,
    tokens: &[Token],
    classes: &[ClassSet],
    range: (usize, usize),
    mentions: &[Mention],
    out: &mut Vec<Group>,
) {
    let cx = Cx {
        matcher,
        text,
        lower,
        tokens,
        classes,
    };
    let sentence_start = out.len();
    // Whether the last group out begins with a country's adjective ("Israeli helicopters").
    let mut prev_adjective = false;
    let mut i = 0;
    while i < mentions.len() {
        let first = &mentions[i];
        if first.start < range.0 || first.end > range.1 || cx.skipped(first, range) {
            i += 1;
            continue;
        }
        let mut members = vec![first];
        let mut end = first.end;
        let mut j = i + 1;
        while j < mentions.len()
            && mentions[j].end <= range.1
            && cx.joins(&members, end, &mentions[j])
        {
            members.push(&mentions[j]);
            end = mentions[j].end;
            j += 1;
        }
        let mut actor = build(matcher, text, tokens, &members);
        // A role followed by an unknown capitalised name: "Undersecretary of the Ministry of
        // Health Mohammad Haitham". The institution's own name may come first: the person's
        // name is the run of capitalised words after the last linker, acronym or bracket.
        let mut new_name = None;
        let has_role = members
            .iter()
            .any(|x| matcher.entry(x.entry).kind == ActorKind::Agent);
        if has_role && !actor.is_person {
            let next_mention = mentions.get(j).map_or(range.1, |m| m.start.min(range.1));
            if let Some((boundary, k)) = cx.unknown_name(end, next_mention) {
                new_name = Some((boundary, k));
                actor.is_person = true;
                actor.name =
                    text[tokens[first.start].start as usize..tokens[k - 1].end as usize].into();
                actor.text = actor.name.clone();
                end = k;
            }
        }
        if prev_adjective
            && out.len() > sentence_start
            && share_adjective(&cx, &members, &mut actor, out)
        {
            // "Israeli helicopters and tanks": one actor, one group.
            if let Some(prev) = out.last_mut() {
                prev.end = end;
                prev.actor.text =
                    text[tokens[prev.start].start as usize..tokens[end - 1].end as usize].into();
                prev.actor.name = prev.actor.text.clone();
            }
            i = j;
            continue;
        }
        prev_adjective = matcher.entry(first.entry).kind == ActorKind::Adjective;
        out.push(Group {
            start: first.start,
            end,
            actor,
            new_name,
        });
        i = j;
    }
}

/// A country's adjective before coordinated nouns belongs to each of them: in "Israeli
/// helicopters and tanks" the tanks are Israeli (`ISRMIL`), in "American and Russian diplomats"
/// the Americans are diplomats too (`USAGOV`). Only an adjective is shared ("Israel and tanks"
/// are two actors), and only across "and" (a comma may start a list of other actors). The
/// last group of `out` is the previous one of the sentence, and it began with an adjective.
/// True when the two are then the same actor, to be one group.
fn share_adjective(
    cx: &Cx<'_>,
    members: &[&Mention],
    actor: &mut ActorRef,
    out: &mut [Group],
) -> bool {
    let Some(prev) = out.last_mut() else {
        return false;
    };
    let first = members[0];
    if first.start != prev.end + 1
        || word(cx.lower, &cx.tokens[prev.end]) != "and"
        || prev.actor.is_person
        || actor.is_person
    {
        return false;
    }
    let Some(country) = prev.actor.country.clone() else {
        return false;
    };
    let kind = |x: &Mention| cx.matcher.entry(x.entry).kind;
    if members.iter().all(|x| kind(x) == ActorKind::Agent) && actor.country.is_none() {
        // "Israeli helicopters and tanks".
        if !prev.actor.agents.is_empty() && !actor.agents.is_empty() {
            actor.code = format!("{country}{}", concat(&actor.agents)).into();
            actor.country = Some(country);
            return actor.code == prev.actor.code;
        }
    } else if kind(first) == ActorKind::Adjective
        && prev.end == prev.start + 1
        && prev.actor.agents.is_empty()
        && !actor.agents.is_empty()
        && actor.country.as_ref() != Some(&country)
    {
        // "American and Russian diplomats".
        prev.actor.code = format!("{country}{}", concat(&actor.agents)).into();
        prev.actor.agents = actor.agents.clone();
        prev.actor.name = prev.actor.text.clone();
    }
    false
}

fn is_country(m: &ActorMatcher, x: &Mention) -> bool {
    matches!(
        m.entry(x.entry).kind,
        ActorKind::Country | ActorKind::Adjective | ActorKind::Demonym | ActorKind::Capital
    )
}

fn has_country(m: &ActorMatcher, xs: &[&Mention]) -> bool {
    xs.iter().any(|x| {
        is_country(m, x)
            || matches!(
                m.entry(x.entry).kind,
                ActorKind::Metonym | ActorKind::Person
            )
    })
}

/// The CAMEO actor named by a group of mentions.
fn build(m: &ActorMatcher, text: &str, tokens: &[Token], members: &[&Mention]) -> ActorRef {
    let mut country: Option<Rc<str>> = None;
    let mut body: Option<Rc<str>> = None;
    let mut agents: Vec<Rc<str>> = Vec::new();
    let mut person: Option<&ActorEntry> = None;
    let mut out_of_office = false;
    let mut place_country = None;
    let mut name_parts: Vec<&str> = Vec::new();
    // The forces a person commands, "Putin's forces": the country's, not the person's office.
    let mut forces: Vec<Rc<str>> = Vec::new();
    // The nationality the text gives before a person's name ("Colombian defense minister").
    let mut stated: Option<Rc<str>> = None;
    for x in members {
        let e = m.entry(x.entry);
        match e.kind {
            ActorKind::Country | ActorKind::Adjective | ActorKind::Demonym | ActorKind::Capital => {
                if country.is_none() {
                    country = Some(e.code.as_ref().into());
                }
                // A nationality: "Colombian", "Colombia's"; not the brief of "envoy for
                // Yemen Tim Lenderking".
                let possessive = tokens
                    .get(x.end)
                    .is_some_and(|t| matches!(&text[t.range()], "'s" | "\u{2019}s"));
                let nationality =
                    e.kind == ActorKind::Adjective || (e.kind == ActorKind::Country && possessive);
                if nationality && person.is_none() {
                    stated.get_or_insert_with(|| e.code.as_ref().into());
                }
                if e.kind == ActorKind::Capital && members.len() == 1 {
                    place_country = Some(e.code.as_ref().into());
                }
                name_parts.push(&e.name);
            }
            ActorKind::Metonym => {
                country.get_or_insert_with(|| e.code[..3].into());
                push_agent(&mut agents, &e.code[3..]);
                place_country = Some(e.code[..3].into());
                name_parts.push(&e.name);
            }
            ActorKind::Person => {
                person = Some(e);
                out_of_office |= x.entry & OUT_OF_OFFICE != 0;
            }
            ActorKind::Igo | ActorKind::Group => {
                if body.is_none() {
                    body = Some(e.code.as_ref().into());
                }
                // "the Pakistani Taliban": a country's branch of a group keeps its agents.
                if let (Some(_), agents_of) = split_code(&e.code) {
                    for a in agents_of {
                        push_agent(&mut agents, a);
                    }
                }
                name_parts.push(&e.name);
            }
            ActorKind::Agent => {
                push_agent(&mut agents, &e.code);
                if person.is_some() && possessed_force(m, text, tokens, members, x) {
                    push_agent(&mut forces, &e.code);
                }
            }
        }
    }
    // A body's post in a capital is the body's: "the BBC's Moscow correspondent" is GBRMED,
    // "the UN's Kabul office" IGOUNO. An international body's post for a country is the
    // body's too: "the UN Special Envoy for Syria" is IGOUNO, Syria is the brief.
    let first_kind = m.entry(members[0].entry).kind;
    let posted = |k: ActorKind| {
        k == ActorKind::Capital
            || (first_kind == ActorKind::Igo
                && matches!(k, ActorKind::Country | ActorKind::Adjective))
    };
    if matches!(first_kind, ActorKind::Igo | ActorKind::Group)
        && members
            .iter()
            .filter(|x| m.entry(x.entry).kind != ActorKind::Agent)
            .skip(1)
            .all(|x| posted(m.entry(x.entry).kind))
    {
        country = None;
    }
    let first = members[0];
    let last = members[members.len() - 1];
    let span_text = &text[tokens[first.start].start as usize..tokens[last.end - 1].end as usize];
    let mut certainty = 0.9;
    let mut is_person = false;
    if let Some(p) = person {
        is_person = true;
        let code = &*p.code;
        if out_of_office {
            // Named, but not in office on this date: only the country is sure.
            certainty = 0.6;
            if code.len() >= 3 && code.bytes().take(3).all(|b| b.is_ascii_uppercase()) {
                country.get_or_insert_with(|| code[..3].into());
            }
        } else {
            let (c, a) = split_code(code);
            if c.is_some() && stated.is_some() && c != stated.as_deref() {
                // Another person of the same name: "Colombian defense minister Pedro Sánchez"
                // is not Spain's prime minister. The text's nationality and title hold.
                certainty = 0.6;
            } else {
                if let Some(c) = c {
                    country = Some(c.into());
                } else {
                    // An international official is the body's, whatever country the post
                    // is for: "UN Special Envoy for Yemen Martin Griffiths" is IGOUNO.
                    body = Some(code.into());
                    country = None;
                }
                agents.clear();
                if forces.is_empty() {
                    for ag in a {
                        push_agent(&mut agents, ag);
                    }
                } else {
                    agents = forces;
                }
            }
        }
    }
    // A country's peacekeepers are its soldiers: "Australian-led peacekeepers" AUSMIL.
    if country.is_some()
        && body.is_none()
        && agents.iter().any(|a| &**a == "IGO")
        && span_text.to_lowercase().contains("peacekeep")
    {
        for a in agents.iter_mut().filter(|a| &***a == "IGO") {
            *a = "MIL".into();
        }
    }
    let code_base = country.as_deref().or(body.as_deref()).unwrap_or_default();
    if code_base.is_empty() {
        certainty = 0.5;
    }
    // A group code already carries its agent part (IGOUNO, PSEREB): do not add one.
    let agents_str: String = if body.is_some() && country.is_none() {
        String::new()
    } else {
        concat(&agents)
    };
    let code: Rc<str> = match country.as_ref().or(body.as_ref()) {
        Some(base) if agents_str.is_empty() => base.clone(),
        _ => format!("{code_base}{agents_str}").into(),
    };
    // A readable name: the dictionary's name for a bare country or body ("Libyan" ->
    // "Libya"), else the words of the text.
    let text: Rc<str> = span_text.into();
    let name = if !is_person && agents.is_empty() && name_parts.len() == 1 {
        name_parts[0].into()
    } else {
        text.clone()
    };
    ActorRef {
        code,
        country,
        agents: if body.is_some() && agents_str.is_empty() {
            agents_of(Vec::new())
        } else {
            agents_of(agents)
        },
        name,
        text,
        certainty,
        is_person,
        place_country,
    }
}

/// Agents that are a person's forces when the person owns them: "Putin's forces", "Assad's
/// police". Not "Netanyahu's coalition": a coalition of parties is no army.
const FORCES: [&str; 3] = ["MIL", "COP", "SPY"];

/// Whether agent mention `x` is owned by the person mention right before it ("Putin's forces").
fn possessed_force(
    m: &ActorMatcher,
    text: &str,
    tokens: &[Token],
    members: &[&Mention],
    x: &Mention,
) -> bool {
    let e = m.entry(x.entry);
    let owner = members
        .iter()
        .any(|p| m.entry(p.entry).kind == ActorKind::Person && p.end + 1 == x.start);
    let possessive = x
        .start
        .checked_sub(1)
        .is_some_and(|k| matches!(&text[tokens[k].range()], "'s" | "\u{2019}s" | "'"));
    owner
        && possessive
        && FORCES.contains(&&*e.code)
        && !text[tokens[x.start].start as usize..tokens[x.end - 1].end as usize]
            .eq_ignore_ascii_case("coalition")
}

fn push_agent(agents: &mut Vec<Rc<str>>, a: &str) {
    if a.len() == 3 && !agents.iter().any(|x| &**x == a) && agents.len() < 2 {
        agents.push(a.into());
    }
}

/// Code prefixes of bodies that are no country: international bodies, NGOs, militant groups,
/// multinationals.
const BODY_PREFIXES: [&str; 4] = ["IGO", "NGO", "IMG", "MNC"];

/// Whether a code's first three letters name a kind of body rather than a country.
pub fn is_body_prefix(prefix: &str) -> bool {
    BODY_PREFIXES.contains(&prefix)
}

/// Splits a CAMEO actor code into its country and agent parts: `RUSGOV` -> (RUS, [GOV]);
/// `IGOUNO` -> (None, []).
pub fn split_code(code: &str) -> (Option<&str>, Vec<&str>) {
    if code.len() < 3
        || code.starts_with("IGO")
        || code.starts_with("NGO")
        || code.starts_with("MNC")
    {
        return (None, Vec::new());
    }
    let (c, rest) = code.split_at(3);
    let agents = rest
        .as_bytes()
        .chunks(3)
        .filter(|ch| ch.len() == 3)
        .map(|ch| std::str::from_utf8(ch).unwrap_or(""))
        .collect();
    (Some(c), agents)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dict::actors::{parse_coded_names, parse_countries, parse_people};
    use crate::dict::lines::lines_of;
    use crate::text::tokenize;

    fn matcher() -> ActorMatcher {
        let mut d = ActorDict::default();
        parse_countries(
            &lines_of("c", "RUS\tRussia\tRussian\tRussians\tMoscow\tKremlin\nLBY\tLibya\tLibyan\tLibyans\tTripoli\t\nUSA\tUnited States|US\tAmerican\tAmericans\tWashington\t\n"),
            &mut d,
        )
        .unwrap();
        parse_people(
            &lines_of(
                "p",
                "RUSGOV\t2004-03-09\t\tforeign_minister\tSergei Lavrov|Lavrov\nRUSGOV\t2012-05-07\t\thead_of_state\tVladimir Putin|Putin\nIGOUNO\t2017-06-22\t2020-03-02\tother\tGhassan Salame\n",
            ),
            &mut d,
        )
        .unwrap();
        parse_coded_names(
            &lines_of(
                "i",
                "IGOUNO\tUnited Nations|UN\nIGOWHO\tWorld Health Organization|WHO\n",
            ),
            ActorKind::Igo,
            &mut d,
        )
        .unwrap();
        parse_coded_names(
            &lines_of("a", "GOV\tgovernment|ministry|foreign ministry|minister|head|undersecretary|officials|envoy\nLEG\tparliament|upper house of parliament\nHLH\tministry of health\nREB\trebels\nMIL\tforces|tanks|helicopters|coalition\n"),
            ActorKind::Agent,
            &mut d,
        )
        .unwrap();
        ActorMatcher::build(&d).unwrap()
    }

    fn groups(text: &str) -> Vec<(String, String)> {
        let m = matcher();
        let lower = text.to_ascii_lowercase();
        let mut toks = Vec::new();
        tokenize(text, &mut toks);
        let mut ms = Vec::new();
        let classes = crate::classes::bundled().of_text(&lower, &toks);
        m.find(
            text,
            &lower,
            &toks,
            &classes,
            NaiveDate::from_ymd_opt(2019, 3, 25).unwrap(),
            &mut ms,
        );
        let mut gs = Vec::new();
        let range = (0, toks.len());
        compose(&m, text, &lower, &toks, &classes, range, &ms, &mut gs);
        gs.into_iter()
            .map(|g| (g.actor.code.to_string(), g.actor.name.to_string()))
            .collect()
    }

    #[test]
    fn countries_with_agents_compose() {
        let g = groups("Libya's Ministry of Health met the Russian foreign ministry and Russia's upper house of parliament.");
        let codes: Vec<&str> = g.iter().map(|(c, _)| c.as_str()).collect();
        assert_eq!(codes, ["LBYHLH", "RUSGOV", "RUSLEG"]);
    }

    #[test]
    fn acronyms_are_case_sensitive_and_names_capitalised() {
        let codes: Vec<String> = groups("WHO said who knows; the UN met Libyan rebels")
            .into_iter()
            .map(|g| g.0)
            .collect();
        assert_eq!(codes, ["IGOWHO", "IGOUNO", "LBYREB"]);
    }

    #[test]
    fn people_in_office_and_unknown_named_officials() {
        let g = groups("Lavrov met the head of Libya's High Council of State Khaled al-Mishri.");
        assert_eq!(g[0].0, "RUSGOV");
        assert_eq!(g[1].0, "LBYGOV");
        assert!(g[1].1.ends_with("Khaled al-Mishri"), "{:?}", g[1]);
    }

    fn codes(text: &str) -> Vec<String> {
        groups(text).into_iter().map(|g| g.0).collect()
    }

    #[test]
    fn a_leaders_forces_are_his_countrys_military() {
        assert_eq!(codes("Putin's forces shelled Tripoli."), ["RUSMIL", "LBY"]);
        assert_eq!(codes("Putin’s tanks entered Libya."), ["RUSMIL", "LBY"]);
        // His government is still his office, and a coalition of parties is no army.
        assert_eq!(codes("Putin's government"), ["RUSGOV"]);
        assert_eq!(codes("Putin's coalition"), ["RUSGOV"]);
    }

    #[test]
    fn a_countrys_adjective_is_shared_by_coordinated_actors() {
        // One actor: the helicopters and tanks are one Russian force.
        assert_eq!(
            groups("Russian helicopters and tanks attacked Libyan rebels."),
            [
                (
                    "RUSMIL".to_string(),
                    "Russian helicopters and tanks".to_string()
                ),
                ("LBYREB".to_string(), "Libyan rebels".to_string())
            ]
        );
        assert_eq!(codes("Russian forces and officials"), ["RUSMIL", "RUSGOV"]);
        assert_eq!(
            codes("Russian and Libyan officials met."),
            ["RUSGOV", "LBYGOV"]
        );
        // Only an adjective: a country's name, or a comma, begins actors of their own.
        assert_eq!(codes("Russia and rebels met."), ["RUS", "REB"]);
        assert_eq!(
            codes("Russian forces, tanks and rebels"),
            ["RUSMIL", "MIL", "REB"]
        );
    }

    #[test]
    fn an_international_bodys_envoy_for_a_country_is_the_bodys() {
        assert_eq!(
            codes("the UN envoy for Libya met rebels"),
            ["IGOUNO", "REB"]
        );
        assert_eq!(codes("UN head for Libya Ghassan Salame"), ["IGOUNO"]);
        // A country's envoy is the country's.
        assert_eq!(codes("the Russian envoy for Libya")[0], "RUSGOV");
    }

    #[test]
    fn a_stated_nationality_beats_a_namesake_in_office() {
        // Lavrov is Russia's, but a Libyan minister of that name is Libya's.
        assert_eq!(codes("Libyan minister Sergei Lavrov said"), ["LBYGOV"]);
        assert_eq!(codes("Russian minister Sergei Lavrov said"), ["RUSGOV"]);
        assert_eq!(codes("Libya's minister Sergei Lavrov said"), ["LBYGOV"]);
        // A country after "for" is the post's brief, not the person's nationality.
        assert_eq!(codes("the envoy for Libya Sergei Lavrov said"), ["RUSGOV"]);
    }

    #[test]
    fn a_country_or_capital_in_a_persons_name_is_no_actor() {
        assert_eq!(
            codes("the actor Denzel Washington said"),
            Vec::<String>::new()
        );
        assert_eq!(
            codes("Libya Bardella, the party leader"),
            Vec::<String>::new()
        );
        assert_eq!(
            codes("the minister Jose Murguia Tripoli, arrested"),
            ["GOV"]
        );
        // Places stay places: after a preposition, at a sentence's start, in title case.
        assert_eq!(codes("in Greater Tripoli, Russia said"), ["LBY", "RUS"]);
        assert_eq!(codes("Yesterday Russia said"), ["RUS"]);
        assert_eq!(codes("Putin Says Russia Will Win"), ["RUSGOV", "RUS"]);
        assert_eq!(codes("in Ruidoso, New Libya, Russia said"), ["LBY", "RUS"]);
        // A title after a country is no name: "US Secretary of State", "US Undersecretary".
        assert_eq!(codes("the US Undersecretary said"), ["USAGOV"]);
        assert_eq!(codes("missiles at the US Pacific territory"), ["USA"]);
    }

    #[test]
    fn a_countrys_letters_before_a_dollar_sign_are_a_currency() {
        assert_eq!(codes("Russia paid US$300 to the US"), ["RUS", "USA"]);
    }

    #[test]
    fn capital_is_its_country() {
        let g = groups("Moscow said the Kremlin agreed.");
        assert_eq!(g[0].0, "RUS");
        assert_eq!(g[1].0, "RUSGOV");
    }
}
