//! The deduplicator: one per input partition, fed candidates in offset order.
//!
//! Decisions, for a candidate of group G (source, target, root code, negation) dated D:
//!
//! 1. The live events of G form a short chain; the candidate matches the one whose first
//!    report's date is closest to D within `match_window_days`, and whose place is compatible
//!    (same country, and same name unless one side only knows the country; an unknown place
//!    is compatible with any).
//! 2. No match: a **new** event, with `event_id` = hash(G, D, place when known), revision 1.
//! 3. A match, and the article was counted already (same article id, or same content from
//!    the same outlet) with this same sentence: a **redelivery**. Nothing is published and
//!    state does not change, so a redelivered record never changes the output twice.
//! 4. A match, and the article is new to the event but its text is the same (content hash)
//!    or nearly so (SimHash within `copy_max_hamming` bits) as an article already counted:
//!    a syndicated **copy**. It counts as a mention, an article and (if the outlet is new)
//!    a source, but not as an independent report. New revision.
//! 5. Otherwise an **update**: a new independent report (or a further sentence of an article
//!    already counted, which adds a mention only). New revision.
//!
//! What a revision publishes: the counts and `event_id`, `event_date`, `date_precision`
//! (those of the first report), `code` (the most specific code reported: a longer CAMEO code
//! of the same root replaces a shorter one, ties keep the earlier), `confidence` (the highest),
//! `location` (the first one reported), and the actors, `evidence` and coder of the report
//! that produced the revision, so that every revision can be checked against an article it
//! counts. Keeping only that is what keeps state at ~200 bytes per event.
//!
//! Windows: the watermark is the newest event date seen (ignoring dates more than a day past
//! the wall clock, so that one misparsed "2099" cannot flush the state); events dated before
//! `watermark - state_window` leave state (cause `window`). Candidates that old are published
//! as revision 1 without entering state. Beyond `max_keys` events the least recently updated
//! leaves state (cause `bound`). Both write a tombstone to the changelog.

use std::collections::{BTreeMap, HashMap};

use chrono::{DateTime, Datelike, NaiveDate, Utc};
use dragoman_model::{Actor, CameoTable, CandidateEvent, Event, Location, LocationPrecision, Mentions, EVENT_SCHEMA};

use crate::config::{DedupConfig, Emit};
use crate::hash::{hash_str, parse_hex64, HashBuf, IdBuildHasher};
use crate::state::{
    build_blob, decode_key, list_strings, precision_from_u8, precision_to_u8, ArticleRec, BlobView, Counts, LocPart,
    Slot, MAX_TRACKED_ARTICLES, NIL,
};
use crate::DedupError;

/// What dedup decided about one candidate (the `decision` label of
/// `dragoman_dedup_decisions_total`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum DecisionKind {
    /// The first report of an event.
    New,
    /// A new independent report (or a new sentence of a counted article) of a known event.
    Update,
    /// A report already counted: nothing changes.
    Redelivery,
    /// A syndicated copy of a report already counted.
    Copy,
}

impl DecisionKind {
    /// Every kind, for registering metric label values up front.
    pub const ALL: [DecisionKind; 4] = [Self::New, Self::Update, Self::Redelivery, Self::Copy];

    pub fn as_str(&self) -> &'static str {
        match self {
            Self::New => "new",
            Self::Update => "update",
            Self::Redelivery => "redelivery",
            Self::Copy => "copy",
        }
    }
}

impl std::fmt::Display for DecisionKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A record for the compacted changelog topic: `value` is `None` for a tombstone (the event
/// left state). Keys are 16 bytes; values are this crate's versioned binary encoding.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChangelogRecord {
    pub key: Vec<u8>,
    pub value: Option<Vec<u8>>,
}

/// The result of processing one candidate.
#[derive(Debug, Clone, PartialEq)]
pub struct Outcome {
    pub kind: DecisionKind,
    /// The revision to publish (keyed by its `event_id`), if any.
    pub event: Option<Event>,
    /// Changelog records to write, in order, before the input offset is committed.
    pub changelog: Vec<ChangelogRecord>,
    /// Events that left state because the window moved past them.
    pub evicted_window: u32,
    /// Events that left state to respect `max_keys`.
    pub evicted_bound: u32,
}

/// Counters since the deduplicator was made.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct DedupStats {
    pub new: u64,
    pub update: u64,
    pub redelivery: u64,
    pub copy: u64,
    pub evicted_window: u64,
    pub evicted_bound: u64,
    /// Changelog records applied by [`Deduplicator::restore`].
    pub restored_records: u64,
}

impl DedupStats {
    pub fn decisions(&self, kind: DecisionKind) -> u64 {
        match kind {
            DecisionKind::New => self.new,
            DecisionKind::Update => self.update,
            DecisionKind::Redelivery => self.redelivery,
            DecisionKind::Copy => self.copy,
        }
    }
}

#[derive(Clone, Copy)]
enum Cause {
    Window,
    Bound,
}

/// What dedup needs of the candidate's article, hashed once.
struct Incoming {
    rec: ArticleRec,
    bit: u32,
}

impl Incoming {
    fn of(c: &CandidateEvent) -> Self {
        let a = &c.article;
        let outlet = a.source.as_deref().map_or(0, |s| (hash_str(s) as u32) | 1);
        let bit = 1u32 << (c.evidence.sentence_index % 32);
        let rec = ArticleRec {
            id: hash_str(&a.id),
            content: parse_hex64(&a.content_hash).0,
            simhash: parse_hex64(&a.simhash).0,
            outlet,
            sentences: bit,
        };
        Self { rec, bit }
    }
}

/// Deduplicates the candidates of one input partition. See the module documentation for the
/// rules. `Send`, not `Sync`: the runtime owns one per assigned partition.
#[derive(Debug)]
pub struct Deduplicator {
    config: DedupConfig,
    window_days: i32,
    /// Events by slot number; `None` slots are on `free`.
    slots: Vec<Option<Slot>>,
    free: Vec<u32>,
    /// Group hash -> first slot of the group's chain.
    groups: HashMap<u64, u32, IdBuildHasher>,
    /// Event date -> slots created with that date, for window expiry. Entries can be stale
    /// (the slot was freed or reused); expiry checks the slot's date before evicting.
    days: BTreeMap<i32, Vec<u32>>,
    /// Most and least recently updated live events.
    lru_head: u32,
    lru_tail: u32,
    live: usize,
    watermark: Option<i32>,
    stats: DedupStats,
}

impl Deduplicator {
    pub fn new(config: DedupConfig) -> Self {
        let window_days = i32::try_from(config.state_window_days()).unwrap_or(i32::MAX);
        Self {
            config,
            window_days,
            slots: Vec::new(),
            free: Vec::new(),
            groups: HashMap::default(),
            days: BTreeMap::new(),
            lru_head: NIL,
            lru_tail: NIL,
            live: 0,
            watermark: None,
            stats: DedupStats::default(),
        }
    }

    pub fn config(&self) -> &DedupConfig {
        &self.config
    }

    /// Events held in state (`dragoman_dedup_live_keys`).
    pub fn live_keys(&self) -> usize {
        self.live
    }

    pub fn stats(&self) -> &DedupStats {
        &self.stats
    }

    /// The newest event date seen, which drives the state window.
    pub fn watermark(&self) -> Option<NaiveDate> {
        self.watermark.and_then(NaiveDate::from_num_days_from_ce_opt)
    }

    /// Decides what `candidate` is, updates state, and returns what to publish and what to
    /// write to the changelog. `now` is the time the candidate is processed (it becomes the
    /// event's `first_seen`/`last_seen`); tests pass explicit times.
    pub fn process(&mut self, candidate: &CandidateEvent, now: DateTime<Utc>) -> Outcome {
        let mut out = Outcome {
            kind: DecisionKind::New,
            event: None,
            changelog: Vec::new(),
            evicted_window: 0,
            evicted_bound: 0,
        };
        let day = candidate.event_date.num_days_from_ce();
        let today = now.date_naive().num_days_from_ce();
        if day <= today.saturating_add(1) && self.watermark.map_or(true, |w| day > w) {
            self.watermark = Some(day);
        }
        self.expire(&mut out);

        let group = group_hash(candidate);
        let place = place_hash(candidate.location.as_ref());
        let incoming = Incoming::of(candidate);
        let now_s = now.timestamp();

        if let Some(i) = self.find(group, day, place) {
            self.merge(i, candidate, &incoming, place, now_s, &mut out);
        } else {
            let slot = new_slot(candidate, group, place, day, &incoming, now_s);
            if self.cutoff().is_some_and(|cut| day < cut) {
                // Too old for the window: published, but not kept (it would be expired by
                // the next candidate anyway).
                out.event = Some(build_event(&slot, candidate));
            } else {
                self.make_room(&mut out);
                if self.config.emit == Emit::Updates || slot.revision == 1 {
                    out.event = Some(build_event(&slot, candidate));
                }
                out.changelog.push(ChangelogRecord { key: slot.key(), value: Some(slot.encode()) });
                self.insert(slot);
            }
        }
        match out.kind {
            DecisionKind::New => self.stats.new += 1,
            DecisionKind::Update => self.stats.update += 1,
            DecisionKind::Redelivery => self.stats.redelivery += 1,
            DecisionKind::Copy => self.stats.copy += 1,
        }
        out
    }

    /// Applies one changelog record (as written by [`Deduplicator::process`]) to state: the
    /// runtime replays the changelog partition of an input partition into a fresh
    /// deduplicator before it processes that partition. Later records for a key replace
    /// earlier ones; a tombstone removes the event. Bounds are enforced on the next
    /// `process`, so a replay never writes to the changelog it reads.
    pub fn restore(&mut self, key: &[u8], value: Option<&[u8]>) -> Result<(), DedupError> {
        let (group, event_id) = decode_key(key)?;
        let existing = self.find_id(group, event_id);
        match value {
            None => {
                if let Some(i) = existing {
                    self.remove(i);
                }
            }
            Some(v) => {
                let slot = Slot::decode(key, v)?;
                let date = slot.event_date;
                // The same watermark guard as `process`: a date past the day after the
                // event was last seen does not advance the window.
                let seen_day = DateTime::from_timestamp(slot.last_seen, 0)
                    .map_or(i32::MAX, |t| t.date_naive().num_days_from_ce().saturating_add(1));
                let w = date.min(seen_day);
                if self.watermark.map_or(true, |old| w > old) {
                    self.watermark = Some(w);
                }
                match existing {
                    Some(i) => {
                        let old = self.slot_mut(i);
                        let (chain, prev, next) = (old.chain, old.lru_prev, old.lru_next);
                        *old = Slot { chain, lru_prev: prev, lru_next: next, ..slot };
                        self.touch(i);
                    }
                    None => {
                        self.insert(slot);
                        let _ = date;
                    }
                }
            }
        }
        self.stats.restored_records += 1;
        Ok(())
    }

    fn slot(&self, i: u32) -> &Slot {
        self.slots[i as usize].as_ref().expect("slot index refers to a live event")
    }

    fn slot_mut(&mut self, i: u32) -> &mut Slot {
        self.slots[i as usize].as_mut().expect("slot index refers to a live event")
    }

    fn cutoff(&self) -> Option<i32> {
        self.watermark.map(|w| w.saturating_sub(self.window_days))
    }

    /// Drops every event dated before the window.
    fn expire(&mut self, out: &mut Outcome) {
        let Some(cut) = self.cutoff() else { return };
        while let Some(entry) = self.days.first_entry() {
            if *entry.key() >= cut {
                break;
            }
            let (day, slots) = entry.remove_entry();
            for i in slots {
                let live = self.slots.get(i as usize).and_then(Option::as_ref);
                if live.is_some_and(|s| s.event_date == day) {
                    self.evict(i, Cause::Window, out);
                }
            }
        }
    }

    /// Evicts least recently updated events until one more fits under `max_keys`.
    fn make_room(&mut self, out: &mut Outcome) {
        while self.live >= self.config.max_keys && self.lru_tail != NIL {
            self.evict(self.lru_tail, Cause::Bound, out);
        }
    }

    fn evict(&mut self, i: u32, cause: Cause, out: &mut Outcome) {
        let s = self.remove(i);
        out.changelog.push(ChangelogRecord { key: s.key(), value: None });
        match cause {
            Cause::Window => {
                out.evicted_window += 1;
                self.stats.evicted_window += 1;
            }
            Cause::Bound => {
                out.evicted_bound += 1;
                self.stats.evicted_bound += 1;
            }
        }
    }

    /// The best live event of `group` for a candidate dated `day` at `place`.
    fn find(&self, group: u64, day: i32, place: u64) -> Option<u32> {
        let mut at = *self.groups.get(&group)?;
        let mut best: Option<(i64, bool, u32)> = None;
        while at != NIL {
            let s = self.slot(at);
            let diff = (i64::from(s.event_date) - i64::from(day)).abs();
            if diff <= self.config.match_window_days && places_compatible(s.place, place) {
                let exact = s.place == place;
                // Closest date first, then an exact place match.
                if best.map_or(true, |(d, e, _)| diff < d || (diff == d && exact && !e)) {
                    best = Some((diff, exact, at));
                }
            }
            at = s.chain;
        }
        best.map(|(_, _, i)| i)
    }

    fn find_id(&self, group: u64, event_id: u64) -> Option<u32> {
        let mut at = *self.groups.get(&group)?;
        while at != NIL {
            let s = self.slot(at);
            if s.event_id == event_id {
                return Some(at);
            }
            at = s.chain;
        }
        None
    }

    fn merge(&mut self, i: u32, c: &CandidateEvent, inc: &Incoming, place: u64, now_s: i64, out: &mut Outcome) {
        let max_hamming = self.config.copy_max_hamming;
        let s = self.slots[i as usize].as_mut().expect("matched slot is live");
        let mut same_article = None;
        let mut is_copy = false;
        let mut known_outlet = false;
        for (k, r) in s.records().enumerate() {
            if r.id == inc.rec.id || (r.content == inc.rec.content && r.outlet == inc.rec.outlet) {
                same_article = Some((k, r));
                break;
            }
            is_copy |= r.content == inc.rec.content || (r.simhash ^ inc.rec.simhash).count_ones() <= max_hamming;
            known_outlet |= inc.rec.outlet != 0 && r.outlet == inc.rec.outlet;
        }
        let adds_location = place != 0 && s.place == 0;
        let new_article = match same_article {
            Some((_, r)) if r.sentences & inc.bit != 0 => {
                out.kind = DecisionKind::Redelivery;
                return;
            }
            Some((k, _)) => {
                // Another sentence of an article already counted: one more mention.
                s.set_sentence(k, inc.bit);
                s.counts.mentions += 1;
                out.kind = DecisionKind::Update;
                false
            }
            None => {
                s.counts.mentions += 1;
                s.counts.articles += 1;
                if is_copy {
                    out.kind = DecisionKind::Copy;
                } else {
                    s.counts.independent += 1;
                    out.kind = DecisionKind::Update;
                }
                true
            }
        };
        let new_source = new_article && inc.rec.outlet != 0 && !known_outlet;
        if new_source {
            s.counts.sources += 1;
        }
        if new_article || adds_location {
            let tracked = new_article && usize::from(s.n_recs) < MAX_TRACKED_ARTICLES;
            let blob = match BlobView::parse(&s.blob, s.n_recs) {
                Ok(v) => build_blob(
                    v.recs,
                    tracked.then_some(&inc.rec),
                    match (&c.location, adds_location) {
                        (Some(l), true) => LocPart::New(l),
                        _ => LocPart::Raw(v.loc),
                    },
                    v.ids,
                    new_article.then_some(c.article.id.as_str()),
                    v.sources,
                    if new_source { c.article.source.as_deref() } else { None },
                ),
                // Unreachable for state this crate wrote or validated; start the blob afresh
                // rather than lose the report.
                Err(_) => {
                    s.n_recs = 0;
                    build_blob(&[], Some(&inc.rec), c.location.as_ref().map_or(LocPart::None, LocPart::New), &[], Some(&c.article.id), &[], c.article.source.as_deref())
                }
            };
            s.blob = blob;
            if tracked {
                s.n_recs += 1;
            }
        }
        if adds_location {
            s.place = place;
        }
        s.revision += 1;
        s.last_seen = s.last_seen.max(now_s);
        s.confidence = s.confidence.max(c.confidence);
        if c.code.len() > usize::from(s.code_len) && c.code.starts_with(&c.root_code) && CameoTable::global().contains(&c.code) {
            if let Some((code, len)) = pack_code(&c.code) {
                s.code = code;
                s.code_len = len;
            }
        }
        out.changelog.push(ChangelogRecord { key: s.key(), value: Some(s.encode()) });
        if self.config.emit == Emit::Updates {
            out.event = Some(build_event(s, c));
        }
        self.touch(i);
    }

    fn insert(&mut self, mut slot: Slot) -> u32 {
        let i = match self.free.pop() {
            Some(i) => i,
            None => {
                self.slots.push(None);
                (self.slots.len() - 1) as u32
            }
        };
        slot.chain = self.groups.insert(slot.group, i).unwrap_or(NIL);
        self.days.entry(slot.event_date).or_default().push(i);
        slot.lru_prev = NIL;
        slot.lru_next = NIL;
        self.slots[i as usize] = Some(slot);
        self.lru_push_front(i);
        self.live += 1;
        i
    }

    /// Takes an event out of every structure; the caller writes the tombstone if one is due.
    fn remove(&mut self, i: u32) -> Slot {
        self.lru_unlink(i);
        let s = self.slots[i as usize].take().expect("removed slot is live");
        let head = self.groups.get(&s.group).copied().unwrap_or(NIL);
        if head == i {
            if s.chain == NIL {
                self.groups.remove(&s.group);
            } else {
                self.groups.insert(s.group, s.chain);
            }
        } else {
            let mut at = head;
            while at != NIL {
                let next = self.slot(at).chain;
                if next == i {
                    self.slot_mut(at).chain = s.chain;
                    break;
                }
                at = next;
            }
        }
        self.free.push(i);
        self.live -= 1;
        s
    }

    fn touch(&mut self, i: u32) {
        if self.lru_head != i {
            self.lru_unlink(i);
            self.lru_push_front(i);
        }
    }

    fn lru_unlink(&mut self, i: u32) {
        let (prev, next) = {
            let s = self.slot(i);
            (s.lru_prev, s.lru_next)
        };
        if prev == NIL {
            self.lru_head = next;
        } else {
            self.slot_mut(prev).lru_next = next;
        }
        if next == NIL {
            self.lru_tail = prev;
        } else {
            self.slot_mut(next).lru_prev = prev;
        }
        let s = self.slot_mut(i);
        s.lru_prev = NIL;
        s.lru_next = NIL;
    }

    fn lru_push_front(&mut self, i: u32) {
        let head = self.lru_head;
        {
            let s = self.slot_mut(i);
            s.lru_prev = NIL;
            s.lru_next = head;
        }
        if head != NIL {
            self.slot_mut(head).lru_prev = i;
        }
        self.lru_head = i;
        if self.lru_tail == NIL {
            self.lru_tail = i;
        }
    }
}

fn actor_code(a: &Option<Actor>) -> &[u8] {
    a.as_ref().map_or(b"-", |a| a.code.as_bytes())
}

/// What every report of one event shares. Negated reports ("did not sign") are a different
/// happening from the action itself, so they never merge with it.
fn group_hash(c: &CandidateEvent) -> u64 {
    HashBuf::new()
        .part(actor_code(&c.source))
        .part(actor_code(&c.target))
        .part(c.root_code.as_bytes())
        .part(if c.negated { b"n" } else { b"a" })
        .finish()
}

const COUNTRY_SHIFT: u32 = 48;
const NAME_MASK: u64 = (1 << COUNTRY_SHIFT) - 1;

/// A place as 64 bits: 16 bits of country (never 0) and 48 bits of name (0 when the place is
/// only a country), so that compatibility can be decided without keeping the strings.
fn place_hash(loc: Option<&Location>) -> u64 {
    let Some(l) = loc else { return 0 };
    let country = (HashBuf::new().part_lower(&l.country).finish() >> COUNTRY_SHIFT) | 0x8000;
    let name = if l.precision == LocationPrecision::Country {
        0
    } else {
        (HashBuf::new().part_lower(&l.name).finish() & NAME_MASK).max(1)
    };
    (country << COUNTRY_SHIFT) | name
}

fn places_compatible(a: u64, b: u64) -> bool {
    if a == 0 || b == 0 || a == b {
        return true;
    }
    let (an, bn) = (a & NAME_MASK, b & NAME_MASK);
    a >> COUNTRY_SHIFT == b >> COUNTRY_SHIFT && (an == 0 || bn == 0)
}

fn pack_code(code: &str) -> Option<([u8; 4], u8)> {
    let b = code.as_bytes();
    if b.is_empty() || b.len() > 4 || !b.is_ascii() {
        return None;
    }
    let mut out = [0u8; 4];
    out[..b.len()].copy_from_slice(b);
    Some((out, b.len() as u8))
}

fn new_slot(c: &CandidateEvent, group: u64, place: u64, day: i32, inc: &Incoming, now_s: i64) -> Slot {
    let mut id = HashBuf::new();
    id.part(&group.to_le_bytes()).part(&day.to_le_bytes());
    if place != 0 {
        id.part(&place.to_le_bytes());
    }
    // A code that does not fit (the coder only emits 2-4 digit codes) falls back to the root.
    let (code, code_len) = pack_code(&c.code).or_else(|| pack_code(&c.root_code)).unwrap_or((*b"??\0\0", 2));
    let blob = build_blob(
        &[],
        Some(&inc.rec),
        c.location.as_ref().map_or(LocPart::None, LocPart::New),
        &[],
        Some(&c.article.id),
        &[],
        c.article.source.as_deref(),
    );
    Slot {
        event_id: id.finish(),
        group,
        place,
        first_seen: now_s,
        last_seen: now_s,
        event_date: day,
        revision: 1,
        counts: Counts {
            mentions: 1,
            articles: 1,
            sources: u32::from(c.article.source.is_some()),
            independent: 1,
        },
        confidence: c.confidence,
        chain: NIL,
        lru_prev: NIL,
        lru_next: NIL,
        code,
        code_len,
        precision: precision_to_u8(c.date_precision),
        n_recs: 1,
        blob,
    }
}

fn build_event(s: &Slot, c: &CandidateEvent) -> Event {
    let view = BlobView::parse(&s.blob, s.n_recs).ok();
    let strings = |list: Option<&[u8]>| list.map_or_else(Vec::new, |l| list_strings(l).map(String::from).collect());
    let ts = |secs: i64| DateTime::from_timestamp(secs, 0).unwrap_or_default();
    let mentions = Mentions {
        num_mentions: s.counts.mentions,
        num_articles: s.counts.articles,
        num_sources: s.counts.sources,
        num_independent: s.counts.independent,
        article_ids: strings(view.as_ref().map(|v| v.ids)),
        sources: strings(view.as_ref().map(|v| v.sources)),
        first_seen: ts(s.first_seen),
        last_seen: ts(s.last_seen),
    };
    let code = s.code();
    // The event's code may come from an earlier report: then its attributes come from the
    // CAMEO table rather than from this candidate.
    let (base_code, quad_class, goldstein, plover) = if code == c.code {
        (c.base_code.clone(), c.quad_class, c.goldstein, c.plover.clone())
    } else if let Some(t) = CameoTable::global().get(code) {
        (t.base_code().to_string(), t.quad_class.number(), t.goldstein, t.plover.map(str::to_string))
    } else {
        (code[..code.len().min(3)].to_string(), c.quad_class, c.goldstein, c.plover.clone())
    };
    Event {
        schema: EVENT_SCHEMA.to_string(),
        event_id: format!("{:016x}", s.event_id),
        revision: s.revision,
        event_date: NaiveDate::from_num_days_from_ce_opt(s.event_date).unwrap_or(c.event_date),
        date_precision: precision_from_u8(s.precision).unwrap_or(c.date_precision),
        code: code.to_string(),
        base_code,
        root_code: c.root_code.clone(),
        quad_class,
        goldstein,
        plover,
        source: c.source.clone(),
        target: c.target.clone(),
        location: view.as_ref().and_then(BlobView::location).or_else(|| c.location.clone()),
        evidence: c.evidence.clone(),
        confidence: s.confidence,
        negated: c.negated,
        mentions,
        coder: c.coder.clone(),
    }
}
