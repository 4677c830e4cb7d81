//! The discourse pass: the sentence's actor groups, with the names the article introduced and
//! references back to its actors ("he", "both sides", "the minister"); and, once the sentence
//! is coded, what the article remembers of it.

use super::{Discourse, Doc, Engine, RawEvent, Slot};
use crate::actors::{compose, is_name_token, ActorRef, Group};
use crate::classes::*;
use crate::text::TokKind;

impl Engine<'_> {
    /// The sentence's actor groups: dictionary mentions composed, then the article's names and
    /// back-references; new names and countries are remembered.
    pub(super) fn actor_groups(
        &self,
        doc: &Doc,
        range: (usize, usize),
        disc: &mut Discourse,
    ) -> Vec<Group> {
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
        speaker_label(doc, range, &groups, disc);
        self.add_discourse_groups(doc, range, disc, &mut groups);
        known_holders(doc, disc, &mut groups);
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
        groups
    }

    /// Names the article introduced, and references back to earlier actors.
    pub(super) fn add_discourse_groups(
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
            let pronoun = (t.kind == TokKind::Word)
                .then(|| self.pronoun_actor(doc, range, disc, groups, i))
                .flatten();
            if let Some(actor) = pronoun {
                groups.push(Group {
                    start: i,
                    end: i + 1,
                    actor,
                    new_name: None,
                });
                added = true;
            }
            i += 1;
        }
        if added {
            groups.sort_by_key(|g| g.start);
        }
        refer_back(doc, range, disc, groups);
    }

    /// The speaker a pronoun refers back to: "China said (that) it was ready",
    /// "Xi told Biden that China ...", "Hamas said it would release": the subject of the
    /// speech verb right before the pronoun.
    /// Whom a pronoun at `i` stands for: the speaker of a speech verb ("said it would"), the
    /// article's voice ("we", "I"), or the last person named ("he").
    fn pronoun_actor(
        &self,
        doc: &Doc,
        range: (usize, usize),
        disc: &Discourse,
        groups: &[Group],
        i: usize,
    ) -> Option<ActorRef> {
        let speaker = doc
            .is(i, SPEAKER_PRONOUN)
            .then(|| self.speaker_of(doc, range, i, groups))
            .flatten();
        let less_sure = |mut a: ActorRef| {
            a.certainty *= 0.7;
            a
        };
        // "US" in capitals is the country, "I" the pronoun.
        let word = &doc.text[doc.tokens[i].range()];
        let first = || {
            (doc.is(i, FIRST_PERSON) && !(all_caps(word) && word.len() > 1))
                .then(|| voice(disc, groups, i))
                .flatten()
                .map(less_sure)
        };
        let person = || {
            doc.is(i, PERSON_PRONOUN)
                .then(|| disc.last_person.clone())
                .flatten()
                .map(less_sure)
        };
        speaker.or_else(first).or_else(person)
    }

    pub(super) fn speaker_of(
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

    /// What the article remembers of a coded sentence: the parties and the person of this
    /// sentence. Only the last pair and the last person stay: clone those alone.
    pub(super) fn remember(&self, disc: &mut Discourse, events: &[RawEvent], slots: &[Slot]) {
        if disc.voice.is_none() && !disc.voice_unknown {
            // The article's first subject that is a state or a body speaks for it.
            disc.voice = events
                .iter()
                .filter_map(|e| e.source.as_ref())
                .find(|a| a.country.is_some() || a.code.starts_with("IGO"))
                .cloned();
        }
        // The main clause's parties, not a background mention's: "Blinken spoke with Rau
        // about Russia's attacks on Ukraine" leaves the Secretary and Rau as "both sides". The
        // parties of a meeting stay the pair while the readout goes on ("The Secretary
        // condemned Russia's decision. They discussed ...").
        let pair = |met: bool| {
            events.iter().find_map(|e| match (&e.source, &e.target) {
                (Some(s), Some(t))
                    if s.key() != t.key() && self.facts.is_symmetric(e.code) == met =>
                {
                    Some((s, t, met))
                }
                _ => None,
            })
        };
        if let Some((s, t, met)) = pair(true).or_else(|| pair(false).filter(|_| !disc.pair_met)) {
            disc.pair_met = met;
            disc.last_pair = Some((s.clone(), t.clone()));
        }
        // "They" may refer to the pair right after a sentence one of its parties acted in.
        disc.pair_fresh = disc.last_pair.as_ref().is_some_and(|(a, b)| {
            events
                .iter()
                .filter_map(|e| e.source.as_ref())
                .any(|s| s.code == a.code || s.code == b.code)
        });
        let person = slots.iter().flat_map(|s| &s.members).rfind(|m| m.is_person);
        if let Some(m) = person {
            disc.last_person = Some(m.clone());
        }
        for s in slots {
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
                disc.pair_fresh = true;
            }
        }
    }
}

/// "the minister", "the delegation": an agent without a country, after "the", is the last actor
/// the article named with that title ("the Deputy Secretary": the one introduced as "Deputy
/// Secretary of State Wendy Sherman"), else with that agent. A `back-title` with no holder
/// named before names nobody.
fn refer_back(doc: &Doc, range: (usize, usize), disc: &Discourse, groups: &mut Vec<Group>) {
    // Who the sentence named before the reference is not whom it refers to: "We, the
    // Foreign Ministers of Austria, ..., call on the government to" is Cuba's government.
    let mut named: Vec<std::rc::Rc<str>> = Vec::new();
    for g in groups.iter_mut() {
        let earlier = |r: &&ActorRef| !named.contains(&r.code);
        if g.actor.country.is_none()
            && g.actor.code.len() == 3
            && g.start > range.0
            && doc.w(g.start - 1) == "the"
        {
            let title =
                &doc.lower[doc.tokens[g.start].start as usize..doc.tokens[g.end - 1].end as usize];
            let titled = |r: &&ActorRef| {
                let text = r.text.as_bytes();
                let t = title.as_bytes();
                text.windows(t.len()).enumerate().any(|(at, w)| {
                    w.eq_ignore_ascii_case(t)
                        && text
                            .get(at + t.len())
                            .is_none_or(|c| !c.is_ascii_alphanumeric())
                })
            };
            let recent = || disc.recent.iter().rev().filter(earlier);
            let back_title = g.end == g.start + 1 && doc.is(g.start, BACK_TITLE);
            let found = recent().find(titled).or_else(|| {
                (!back_title)
                    .then(|| recent().find(|r| r.agents.first() == g.actor.agents.first()))
                    .flatten()
            });
            if found.is_none() && back_title {
                g.end = g.start;
            }
            if let Some(r) = found {
                let mut a = r.clone();
                a.certainty = 0.6;
                a.name = g.actor.name.clone();
                g.actor = a;
            }
        }
        named.push(g.actor.code.clone());
    }
    groups.retain(|g| g.end > g.start);
}

/// "Foreign Minister Rau" after "Polish Foreign Minister Zbigniew Rau": a title without a
/// country before a name the article introduced is that person.
fn known_holders(doc: &Doc, disc: &Discourse, groups: &mut [Group]) {
    if disc.names.is_empty() {
        return;
    }
    for g in groups.iter_mut() {
        let Some((s, e)) = g.new_name.filter(|_| g.actor.country.is_none()) else {
            continue;
        };
        let full = &doc.lower[doc.tokens[s].start as usize..doc.tokens[e - 1].end as usize];
        if let Some(a) = disc
            .names
            .get(full)
            .or_else(|| disc.names.get(doc.w(e - 1)))
        {
            let mut a = a.clone();
            a.certainty *= 0.9;
            a.name = g.actor.name.clone();
            a.text = g.actor.text.clone();
            g.actor = a;
            g.new_name = None;
        }
    }
}

/// "SECRETARY BLINKEN: ...", "QUESTION: ...": a transcript's speaker label at the start of
/// the sentence names who "we" and "I" are from here on.
fn speaker_label(doc: &Doc, range: (usize, usize), groups: &[Group], disc: &mut Discourse) {
    let Some(colon) = (range.0..range.1.min(range.0 + 6)).find(|&k| doc.w(k) == ":") else {
        return;
    };
    let label = range.0..colon;
    let caps = label
        .clone()
        .all(|k| doc.tokens[k].kind != TokKind::Word || all_caps(&doc.text[doc.tokens[k].range()]));
    if label.is_empty() || !caps {
        return;
    }
    disc.voice = groups
        .iter()
        .find(|g| g.start < colon)
        .map(|g| g.actor.clone());
    disc.voice_unknown = disc.voice.is_none();
}

/// Who a first-person pronoun at `k` is: the article's voice, else the first actor of the
/// sentence before it ("On behalf of the United States, I congratulate").
fn voice(disc: &Discourse, groups: &[Group], k: usize) -> Option<ActorRef> {
    if disc.voice_unknown {
        return None;
    }
    disc.voice.clone().or_else(|| {
        groups
            .iter()
            .find(|g| g.end <= k && g.actor.country.is_some())
            .map(|g| g.actor.clone())
    })
}

fn all_caps(w: &str) -> bool {
    w.chars().any(char::is_alphabetic) && !w.chars().any(char::is_lowercase)
}

#[cfg(test)]
mod tests {
    use crate::engine::testing::coded;

    #[test]
    fn a_pronoun_after_a_speech_verb_is_the_speaker() {
        assert_eq!(
            coded("China said it would send aid to Laos."),
            ["033 CHN LAO"]
        );
    }

    #[test]
    fn first_persons_are_the_article_voice() {
        let got = coded(
            "The United States condemned the coup in Niger. We urge the junta to free President Bazoum.",
        );
        assert_eq!(got, ["111 USA NER", "0253 USA NERMIL"]);
        let got = coded("On behalf of the United States, I congratulate the people of Georgia.");
        assert!(got.iter().any(|e| e.starts_with("051 USA")), "{got:?}");
    }

    #[test]
    fn a_title_before_a_name_met_earlier_is_that_person() {
        let got = coded(
            "Blinken spoke with Polish Foreign Minister Zbigniew Rau on Ukraine. \
             Secretary Blinken and Foreign Minister Rau discussed the war.",
        );
        assert!(got.contains(&"040 USAGOV POLGOV".to_string()), "{got:?}");
    }

    #[test]
    fn the_secretary_is_the_holder_named_with_that_title() {
        let got = coded(
            "Secretary of State Antony J. Blinken spoke today with Polish Foreign Minister \
             Zbigniew Rau. The Secretary condemned Russia's attacks.",
        );
        assert!(got.contains(&"111 USAGOV RUS".to_string()), "{got:?}");
        // With no holder named before, "the Secretary" names nobody.
        let got = coded("The Secretary condemned Russia's attacks.");
        assert!(got.iter().all(|e| !e.contains("GOV")), "{got:?}");
    }

    #[test]
    fn the_government_is_not_one_the_sentence_named_before_it() {
        let got = coded(
            "The statement was released by the governments of France, Germany and Italy. We, \
             the Foreign Ministers of France, Germany and Italy, condemn the arrests of \
             protesters in Cuba and call on the government to respect their rights.",
        );
        assert!(!got.iter().any(|e| e.ends_with(" FRAGOV")), "{got:?}");
    }

    #[test]
    fn a_transcript_label_names_the_voice() {
        let got = coded("SECRETARY BLINKEN: We thank Jordan for its partnership.");
        assert!(got.iter().any(|e| e.starts_with("051 USA")), "{got:?}");
        let got = coded("QUESTION: We thank Jordan for its partnership.");
        assert!(got.iter().all(|e| !e.contains("USA")), "{got:?}");
    }
}
