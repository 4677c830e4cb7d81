//! dragoman-coder: from the cleaned text of an article, every political event it reports,
//! coded in CAMEO (who did what to whom, when and where), with the sentence, span and rule
//! that produced it.
//!
//! The approach is shallow and fast: one Aho-Corasick automaton finds every actor and agent
//! phrase; a hash of inflected word forms finds verb and noun triggers; around each trigger the
//! most specific pattern of the verb dictionary decides the code, and the clause around it the
//! voice, negation, modality, source and target. No parse tree.

pub mod actors;
pub mod classes;
pub mod dates;
pub mod dict;
mod engine;
pub mod error;
mod explain;
pub mod filter;
pub mod lexicon;
pub mod limits;
pub mod places;
pub mod text;

use std::path::Path;

use chrono::NaiveDate;
use dragoman_model::{
    Actor, ArticleRef, CameoTable, CandidateEvent, CleanArticle, CoderInfo, DatePrecision,
    Dateline, Evidence,
};

pub use dict::Dictionaries;
pub use dict::Family;
pub use error::DictError;
pub use explain::{actor_code, Explanation};
pub use filter::EventFilter;
pub use limits::{Cuts, Limits};
pub use places::{GazetteerPlaces, NoPlaces, PlaceResolver, StaticPlaces};

use actors::{ActorMatcher, ActorRef};
use classes::{WordClasses, ABBREVIATION};
use dict::{ComposeTable, Facts, RuleSet, VerbDict};
use engine::agents::AgentGroups;
use engine::{Discourse, Doc, Engine, RawEvent, SentenceTrace};

/// The event coder. Build it once (dictionaries compile into automata), then call
/// [`Coder::code_article`] from any number of threads.
pub struct Coder {
    actors: ActorMatcher,
    verbs: VerbDict,
    classes: WordClasses,
    rules: RuleSet,
    rule_index: engine::rewrite::RuleIndex,
    facts: Facts,
    groups: AgentGroups,
    compose: ComposeTable,
    info: CoderInfo,
    places: Box<dyn PlaceResolver>,
    limits: Limits,
    filter: EventFilter,
}

impl std::fmt::Debug for Coder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Coder")
            .field("info", &self.info)
            .field("actor_entries", &self.actors.entries.len())
            .field("verb_blocks", &self.verbs.blocks.len())
            .finish()
    }
}

/// The code of an action under a control verb with the bundled `compose.txt`: "plans to
/// visit" (042 -> 036), "urged to release" (0841 -> 0253), "refused to withdraw" (0874 -> 1246),
/// "threatened to attack" (190 -> 1384). `None` when CAMEO has no such code.
pub fn compose_code(f: Family, code: &'static str) -> Option<&'static str> {
    dict::compose::bundled().compose(f, code)
}

impl Coder {
    /// The project's dictionaries, compiled in.
    pub fn bundled() -> Result<Coder, DictError> {
        Self::from_dictionaries(Dictionaries::bundled()?)
    }

    /// The dictionaries a configuration names (`[coder] dictionaries`): none, the bundled
    /// ones; a directory in the project's format, laid over the bundled ones (its entries add
    /// to them and replace those with the same key, see [`dict::overlay`]); a PETRARCH-2
    /// directory (`CAMEO.2.0.txt`, `Phoenix.*.actors.txt`, `Phoenix.agents.txt`).
    pub fn load(dictionaries: Option<&Path>) -> Result<Coder, DictError> {
        match dictionaries {
            None => Self::bundled(),
            Some(dir) if dict::petrarch::is_petrarch(dir) => Self::from_petrarch(dir),
            Some(dir) => Self::from_dictionaries(Dictionaries::overlay(dir)?),
        }
    }

    /// A directory of dictionaries in the project's format whose files replace the bundled
    /// ones; files it lacks are the bundled ones.
    pub fn from_dir(dir: &Path) -> Result<Coder, DictError> {
        Self::from_dictionaries(Dictionaries::from_dir(dir)?)
    }

    /// PETRARCH-2 dictionaries: `CAMEO.2.0.txt` (verbs), `Phoenix.*.actors.txt`,
    /// `Phoenix.agents.txt`.
    pub fn from_petrarch(dir: &Path) -> Result<Coder, DictError> {
        Self::from_dictionaries(dict::petrarch::load(dir)?)
    }

    /// Compiles parsed dictionaries.
    pub fn from_dictionaries(d: Dictionaries) -> Result<Coder, DictError> {
        let actors = ActorMatcher::build(&d.actors)?;
        let info = CoderInfo {
            version: env!("CARGO_PKG_VERSION").to_string(),
            dictionaries: format!(
                "{}:{}v/{}p/{}a",
                d.label,
                d.verbs.blocks.len(),
                d.verbs.pattern_count(),
                d.actors.phrases.len()
            ),
        };
        let mut literal = d.rules.literal_words();
        literal.extend(d.verbs.guard_words());
        let classes = WordClasses::build_with(&d.words, &d.verbs, &literal)?;
        let mut d = d;
        if let Some(e) = d.verbs.resolve_guards(&classes).into_iter().next() {
            return Err(e);
        }
        Ok(Coder {
            actors,
            rule_index: engine::rewrite::RuleIndex::build(&d.rules),
            rules: d.rules.resolve(&classes)?,
            groups: AgentGroups::from_facts(&d.facts),
            facts: d.facts,
            compose: d.compose,
            classes,
            verbs: d.verbs,
            info,
            places: Box::new(places::GazetteerPlaces::bundled()),
            limits: Limits::default(),
            filter: EventFilter::bundled(),
        })
    }

    /// Resolves event places with this resolver instead of the bundled gazetteer
    /// (`Box::new(NoPlaces)` turns locations off).
    pub fn with_places(mut self, places: Box<dyn PlaceResolver>) -> Coder {
        self.places = places;
        self
    }

    /// Checks events with this filter instead of the bundled model
    /// ([`EventFilter::keep_all`] keeps every event the rules find).
    pub fn with_filter(mut self, filter: EventFilter) -> Coder {
        self.filter = filter;
        self
    }

    /// Codes under these bounds instead of [`Limits::default`].
    pub fn with_limits(mut self, limits: Limits) -> Coder {
        self.limits = limits;
        self
    }

    pub fn limits(&self) -> &Limits {
        &self.limits
    }

    pub fn version(&self) -> &CoderInfo {
        &self.info
    }

    /// The verb dictionary, for statistics and tests.
    pub fn verbs(&self) -> &VerbDict {
        &self.verbs
    }

    /// Every event the article reports. Empty when the article is not English.
    pub fn code_article(&self, article: &CleanArticle) -> Vec<CandidateEvent> {
        self.code_article_counted(article, &mut Cuts::default())
    }

    /// [`Coder::code_article`], adding to `cuts` what the [`Limits`] cut.
    pub fn code_article_counted(
        &self,
        article: &CleanArticle,
        cuts: &mut Cuts,
    ) -> Vec<CandidateEvent> {
        if !article.is_english {
            return Vec::new();
        }
        let published = article.published_at.date_naive();
        let aref = article.article_ref();
        let undated = if article.published_at_inferred {
            DatePrecision::FirstSeen
        } else {
            DatePrecision::Published
        };
        let mut out = Vec::new();
        let max = self.limits.max_events_per_article;
        // Ingest records the dateline; a text that did not pass through it is read here.
        let found;
        let dateline = match &article.dateline {
            Some(d) => Some(d),
            None => {
                found = self.dateline(&article.body);
                found.as_ref()
            }
        };
        self.code_text(&article.body, dateline, published, cuts, |mut ctx, cuts| {
            for e in std::mem::take(&mut ctx.events) {
                if out.len() >= max {
                    cuts.article_events_dropped += 1;
                    continue;
                }
                out.push(self.candidate(&ctx, e, &aref, published, undated, cuts));
            }
        });
        // An actor acting on itself ("its soldiers were killed", read back to the ministry that
        // reported it) is no event; the checks in the engine see codes before references and
        // places resolve.
        out.retain(|e| !matches!((&e.source, &e.target), (Some(s), Some(t)) if s.code == t.code));
        // Last, what the learned model doubts (src/filter.rs).
        out.retain(|e| self.filter.keeps(e));
        out
    }

    /// Codes one sentence and says how, for dictionary maintainers (`dragoman code --explain`).
    pub fn explain(&self, sentence: &str, published: NaiveDate) -> Explanation {
        let mut ex = Explanation {
            sentence: sentence.to_string(),
            ..Default::default()
        };
        let at = published
            .and_hms_opt(12, 0, 0)
            .unwrap_or_default()
            .and_utc();
        let aref = CleanArticle::from_text("explain", String::new(), at).article_ref();
        let mut cuts = Cuts::default();
        let dateline = self.dateline(sentence);
        let dateline = dateline.as_ref();
        self.code_text_traced(
            sentence,
            dateline,
            published,
            true,
            &mut cuts,
            |mut ctx, _, trace| {
                ex.tokens.extend(
                    ctx.doc.tokens[ctx.sentence.tokens.0..ctx.sentence.tokens.1]
                        .iter()
                        .map(|t| sentence[t.range()].to_string()),
                );
                if let Some(t) = trace {
                    ex.slots.extend(t.slots.iter().cloned());
                    ex.triggers.extend(t.triggers.iter().cloned());
                }
                for e in std::mem::take(&mut ctx.events) {
                    let precision = DatePrecision::Published;
                    let mut cuts = Cuts::default();
                    ex.events
                        .push(self.candidate(&ctx, e, &aref, published, precision, &mut cuts));
                }
            },
        );
        let (kept, dropped) = std::mem::take(&mut ex.events)
            .into_iter()
            .partition(|e| self.filter.keeps(e));
        ex.events = kept;
        ex.filtered = dropped
            .into_iter()
            .map(|e| {
                let p = self.filter.probability(&e);
                (e, p)
            })
            .collect();
        ex
    }

    /// The dateline that opens `body`, for a text that did not pass through ingest.
    fn dateline(&self, body: &str) -> Option<Dateline> {
        dragoman_gazetteer::find_dateline(body, |name| self.places.is_place_name(name))
    }

    fn code_text(
        &self,
        body: &str,
        dateline: Option<&Dateline>,
        published: NaiveDate,
        cuts: &mut Cuts,
        mut f: impl FnMut(SentenceCtx, &mut Cuts),
    ) {
        self.code_text_traced(body, dateline, published, false, cuts, |ctx, cuts, _| {
            f(ctx, cuts)
        });
    }

    fn code_text_traced(
        &self,
        body: &str,
        dateline: Option<&Dateline>,
        published: NaiveDate,
        traced: bool,
        cuts: &mut Cuts,
        mut f: impl FnMut(SentenceCtx, &mut Cuts, Option<&SentenceTrace>),
    ) {
        let lower = body.to_ascii_lowercase();
        let mut tokens = Vec::with_capacity(body.len() / 5);
        text::tokenize(body, &mut tokens);
        let mut words = Vec::with_capacity(tokens.len());
        let mut classes = Vec::with_capacity(tokens.len());
        let mut ids = Vec::with_capacity(tokens.len());
        self.classes
            .of_tokens(&lower, &tokens, &mut words, &mut classes, &mut ids);
        let mut sentences = Vec::with_capacity(tokens.len() / 20 + 1);
        let abbreviation = |i: usize| classes[i].has(ABBREVIATION);
        text::split_sentences_with(body, &tokens, &abbreviation, &mut sentences);
        let max_tokens = self.limits.max_sentence_tokens;
        cuts.sentences_split +=
            text::bound_sentences(body, &tokens, &mut sentences, max_tokens) as u64;
        if let Some(d) = dateline {
            text::skip_dateline(&mut sentences, &tokens, d.end);
        }
        let mut mentions = Vec::new();
        self.actors
            .find(body, &lower, &tokens, &classes, published, &mut mentions);
        let doc = Doc {
            text: body,
            lower: &lower,
            tokens: &tokens,
            mentions: &mentions,
            classes: &classes,
            ids: &ids,
            words: &words,
        };
        let engine = Engine {
            actors: &self.actors,
            verbs: &self.verbs,
            words: &self.classes,
            rules: &self.rules,
            rule_index: &self.rule_index,
            facts: &self.facts,
            groups: &self.groups,
            compose: &self.compose,
        };
        let mut disc = Discourse::default();
        // The dateline's place, if the article has one, is where it was reported from.
        let dateline = dateline.and_then(|d| places::dateline_location(&*self.places, d));
        for (i, s) in sentences.iter().enumerate() {
            if s.content_start == s.tokens.1 {
                // All dateline ("ST." of "ST. PETERSBURG (AFP) -", cut as a sentence).
                continue;
            }
            let mut trace = traced.then(SentenceTrace::default);
            let mut events = engine.code_sentence(&doc, s, &mut disc, trace.as_mut());
            let max = self.limits.max_events_per_sentence;
            if events.len() > max {
                cuts.sentence_events_dropped += (events.len() - max) as u64;
                events.truncate(max);
            }
            if events.is_empty() && !traced {
                continue;
            }
            let ctx = SentenceCtx {
                doc: &doc,
                sentence: s,
                index: i,
                events,
                countries: &disc.countries,
                dateline: dateline.as_ref(),
            };
            f(ctx, cuts, trace.as_ref());
        }
    }

    /// The actor as events carry it. A group filed under a country (`PSEREBHMS`, Hamas) has
    /// that country as its `country`, so that consumers comparing countries see it.
    fn output_actor(&self, a: ActorRef, place: Option<&dragoman_model::Location>) -> Actor {
        let mut actor = placed_actor(a, place);
        if actor.country.is_none() {
            actor.country = self.actors.country_of_code(&actor.code).map(str::to_string);
        }
        actor
    }

    fn candidate(
        &self,
        ctx: &SentenceCtx,
        e: RawEvent,
        aref: &ArticleRef,
        published: NaiveDate,
        undated: DatePrecision,
        cuts: &mut Cuts,
    ) -> CandidateEvent {
        let table = CameoTable::global();
        let doc = ctx.doc;
        let range = (ctx.sentence.content_start, ctx.sentence.tokens.1);
        let mut dates = Vec::new();
        dates::find_dates(
            doc.lower, doc.tokens, range, published, e.future, &mut dates,
        );
        let nearest = dates
            .iter()
            .min_by_key(|d| (d.start as isize - e.trigger as isize).unsigned_abs());
        let (event_date, date_precision) = match nearest {
            Some(d) => (d.date, d.precision),
            None => (published, undated),
        };
        let mut context: Vec<&str> = Vec::new();
        for a in [&e.source, &e.target].into_iter().flatten() {
            if let Some(c) = &a.country {
                context.push(c);
            }
        }
        context.extend(ctx.countries.iter().map(|c| &**c));
        let location = places::find_location(
            &*self.places,
            doc.text,
            doc.lower,
            doc.tokens,
            doc.classes,
            range,
            e.trigger,
            &context,
        )
        .or_else(|| {
            // A sentence without a place happened where the article was reported from, when
            // one of its actors belongs there ("ASMARA - Abiy arrived ..."): a dateline says
            // where the reporter was, and an event abroad ("CAIRO - Israel and Hamas ...")
            // gets no place rather than the reporter's.
            let d = ctx.dateline?;
            let own = [&e.source, &e.target]
                .into_iter()
                .flatten()
                .any(|a| a.country.as_deref() == Some(d.country.as_str()));
            own.then(|| d.clone())
        });
        // Violence that names no one it struck struck the place where it happened: "a Russian
        // missile strikes a residential building in Izium, Kharkiv Oblast, Ukraine".
        let mut e = e;
        if e.target.is_none() && matches!(&e.code[..2], "18" | "19" | "20") {
            if let Some(loc) = location
                .as_ref()
                .filter(|l| l.precision != dragoman_model::LocationPrecision::Dateline)
            {
                e.target = Some(engine::state_of(&loc.country));
            }
        }
        // A meeting of two countries in a third country is CAMEO's 044.
        let third_place = |loc: &dragoman_model::Location| {
            let c = |a: &Option<ActorRef>| a.as_ref().and_then(|a| a.country.clone());
            match (c(&e.source), c(&e.target)) {
                (Some(s), Some(t)) => *loc.country != *s && *loc.country != *t,
                _ => false,
            }
        };
        let code = if e.code == "040" && location.as_ref().is_some_and(third_place) {
            "044"
        } else {
            e.code
        };
        let c = table
            .get(code)
            .expect("verb dictionary codes are checked at load");
        let (s0, s1) = ctx.sentence.span;
        let mut sentence = &doc.text[s0 as usize..s1 as usize];
        if sentence.len() > self.limits.max_evidence_bytes {
            cuts.evidence_clipped += 1;
            sentence = &sentence[..sentence.floor_char_boundary(self.limits.max_evidence_bytes)];
        }
        CandidateEvent {
            event_date,
            date_precision,
            code: c.code.to_string(),
            base_code: c.base_code().to_string(),
            root_code: c.root_code.to_string(),
            quad_class: c.quad_class.number(),
            goldstein: c.goldstein,
            plover: c.plover.map(str::to_string),
            source: e.source.map(|a| self.output_actor(a, location.as_ref())),
            target: e.target.map(|a| self.output_actor(a, location.as_ref())),
            location,
            evidence: Evidence {
                article_id: aref.id.clone(),
                sentence_index: ctx.index as u32,
                sentence: sentence.to_string(),
                span: [s0, s1],
                rule: e.rule,
            },
            confidence: e.confidence,
            negated: false,
            article: aref.clone(),
            coder: self.info.clone(),
        }
    }
}

struct SentenceCtx<'a> {
    doc: &'a Doc<'a>,
    sentence: &'a text::Sentence,
    index: usize,
    events: Vec<RawEvent>,
    countries: &'a [std::rc::Rc<str>],
    dateline: Option<&'a dragoman_model::Location>,
}

/// An agent the sentence gave no country takes the country of the place where it acted:
/// "Climate activists blocked a motorway in The Hague" is NLDCVL.
fn placed_actor(a: ActorRef, place: Option<&dragoman_model::Location>) -> Actor {
    let mut actor = model_actor(a);
    if let Some(loc) = place.filter(|l| !l.country.is_empty()) {
        if actor.country.is_none() && actor.code.len() == 3 && !actor.agents.is_empty() {
            actor.code = format!("{}{}", loc.country, actor.agents.concat());
            actor.country = Some(loc.country.clone());
        }
    }
    actor
}

fn model_actor(a: ActorRef) -> Actor {
    Actor {
        code: a.code.to_string(),
        country: a.country.as_deref().map(str::to_string),
        agents: a.agents.iter().map(|g| g.to_string()).collect(),
        name: a.name.to_string(),
        text: a.text.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_group_filed_under_a_country_carries_that_country() {
        let coder = Coder::bundled().unwrap();
        let date = NaiveDate::from_ymd_opt(2021, 5, 21).unwrap();
        let ex = coder.explain("Israel and Hamas agreed to a ceasefire.", date);
        let hamas = ex
            .events
            .iter()
            .filter_map(|e| e.target.as_ref())
            .find(|a| a.code.starts_with("PSE"))
            .expect("an event targets Hamas");
        assert_eq!(hamas.country.as_deref(), Some("PSE"));
        let un = coder.explain("The United Nations condemned Israel.", date);
        let source = un.events[0].source.as_ref().expect("a source");
        assert_eq!(source.code, "IGOUNO");
        assert_eq!(source.country, None, "an international body has no country");
    }

    /// (code, source, target, location and its precision) of each event of `body`, coded as
    /// ingest hands it on (with the dateline it records) or as a bare text (`from_text`).
    fn located(body: &str, through_ingest: bool) -> Vec<(String, String, String, String)> {
        use chrono::TimeZone;
        let coder = Coder::bundled().unwrap();
        let at = chrono::Utc.with_ymd_and_hms(2024, 6, 5, 9, 0, 0).unwrap();
        let article = if through_ingest {
            let raw = format!(
                r#"{{"body": "{body}", "language": "en", "published_at": "{}"}}"#,
                at.to_rfc3339()
            );
            let a = dragoman_ingest::clean(raw.as_bytes(), at, &Default::default()).unwrap();
            assert!(a.dateline.is_some(), "{body:?}");
            a
        } else {
            CleanArticle::from_text("t", body, at)
        };
        let code = |a: &Option<Actor>| a.as_ref().map_or("-".into(), |a| a.code.clone());
        coder
            .code_article(&article)
            .iter()
            .map(|e| {
                let place = e.location.as_ref().map_or("-".into(), |l| {
                    format!("{} {:?}", l.name, l.precision).to_lowercase()
                });
                (e.code.clone(), code(&e.source), code(&e.target), place)
            })
            .collect()
    }

    #[test]
    fn a_dateline_locates_events_whose_text_names_no_place_and_is_no_actor() {
        for ingested in [false, true] {
            let ev = located(
                "CAIRO, June 4 (Reuters) - Egypt and Sudan signed an agreement on Tuesday.",
                ingested,
            );
            let pairs: Vec<_> = ev.iter().map(|e| (&*e.1, &*e.2)).collect();
            assert_eq!(pairs, [("EGY", "SDN"), ("SDN", "EGY")], "{ev:?}");
            assert!(ev.iter().all(|e| e.3 == "cairo dateline"), "{ev:?}");
            // A place in the text is the event's; the dateline is only where it was filed.
            let ev = located(
                "KHARTOUM (AP) - Egypt and Sudan signed an agreement in Addis Ababa on Tuesday.",
                ingested,
            );
            assert!(
                !ev.is_empty() && ev.iter().all(|e| e.3 == "addis ababa city"),
                "{ev:?}"
            );
            // An event none of whose actors belongs to the dateline's country gets no place.
            let ev = located("KABUL - Egypt and Sudan signed an agreement.", ingested);
            assert!(!ev.is_empty() && ev.iter().all(|e| e.3 == "-"), "{ev:?}");
        }
    }

    #[test]
    fn an_acronym_opening_a_story_is_an_actor_not_a_dateline() {
        let coder = Coder::bundled().unwrap();
        let body = "NATO - The alliance condemned Russia on Tuesday.";
        assert_eq!(coder.dateline(body), None);
        for body in [body, "ECOWAS - The bloc condemned Mali on Tuesday."] {
            let ev = located(body, false);
            assert!(ev.iter().any(|e| e.1.starts_with("IGO")), "{body}: {ev:?}");
        }
    }

    #[test]
    fn coder_is_send_and_sync() {
        fn check<T: Send + Sync>() {}
        check::<Coder>();
    }
}
