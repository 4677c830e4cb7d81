//! The deduplicator: one per input partition, fed candidates in offset order.
//!
//! Decisions, for a candidate of group G (source, target, root code, negation) dated D:
//!
//! 0. D before 1800 ([`EARLIEST_EVENT_DATE`]) or more than [`MAX_DAYS_AHEAD`] (366) days past
//!    the day the candidate is processed: a [`Rejection`], which the stage dead-letters as
//!    `date_out_of_range`; nothing changes. The coder dates intentions up to a year ahead
//!    ("will visit next week", "talks in June", "next year"), and those are events; a date
//!    further ahead or before 1800 comes from a misstated publication date (year 1, 2099,
//!    9999), whose "Monday" would otherwise be published as an event in year 10000.
//! 1. The live events of G form a short chain; the candidate matches the one whose first
//!    report's date is closest to D within `match_window_days`, and whose place is compatible
//!    (same country, and same name unless one side only knows the country; an unknown place
//!    is compatible with any, and so is a dateline's, which is where the story was filed).
//! 2. No match: a **new** event, revision 1, with `event_id` = hash(G, D, place when the
//!    text names one),
//!    and the epoch too when an event of that hash may have been published before (below).
//! 3. A match, and the article was counted already (same article id, or same content from
//!    the same outlet) with this same sentence: a **redelivery**. Nothing is published and
//!    state does not change, so a redelivered record never changes the output twice (but
//!    for an event restored *in doubt*, published again under its next revision: see "Event
//!    ids" below).
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
//! # Event ids: each (event_id, revision) once, revisions only going up
//!
//! Consumers upsert by `event_id` and order by `revision`. While an event is in state its
//! revisions go up by one per report that changes it, and a restored deduplicator continues
//! them from the changelog. The danger is an event that *leaves* state (the window, the
//! bound, or a changelog record that restore cannot read) and is reported again: hash(G, D,
//! place) is a function of its first report, so it used to start again at revision 1 under
//! the id consumers had already seen at revision 2 or 5. Remembering every id ever published
//! would take memory that grows forever. Each deduplicator keeps two numbers instead:
//!
//! - `left`: the latest event date of any event that ever left state;
//! - `epoch`: a count that goes up by one each time an event leaves state.
//!
//! A new event dated after `left` cannot have been published before (an event of that hash
//! would have had to leave state), so its id is the plain hash: the same in every
//! deduplicator that sees the same first report, `dragoman run` and the services alike. A new
//! event dated on or before `left` may be a return, so the epoch is hashed into its id
//! (counted in [`DedupStats::salted`]): every earlier event of that hash left state before
//! now, each departure moved the epoch past the value it was created with, so the salted id
//! was never used. A returning event is therefore a new event (a new id, revision 1, counts
//! from this report), never a revision that goes back. In a steady stream the window drops
//! events a window behind the watermark, so `left` stays there and only late reports are
//! salted; when the bound evicts (state full) or state is lost, more are, never fewer.
//!
//! The two numbers, the watermark and the newest stated publication day are the partition's
//! *meta record*, in the changelog under its own key (`dragoman.dedup.meta`, never
//! tombstoned, so compaction keeps the latest), written first in every outcome that changes
//! them: one record of 21 bytes per outcome that evicts or moves a day, nothing per event,
//! a few dozen bytes per deduplicator. The changelog partition is written in order by an
//! idempotent producer, so a tombstone is never durable without the epoch it moved. Restore
//! reads the meta record back (a restarted or rebalanced deduplicator continues the epoch and
//! reissues no id), and settles on the first candidate after it what single records cannot
//! say: a record that cannot be read lost an event, so the epoch moves and every later event
//! is salted (`left` = the end of time); an unreadable meta record moves the epoch to the
//! clock in nanoseconds, past any count; a changelog written before meta records (events, no
//! meta record) does not say what left state, so every new event is salted.
//!
//! ## A dedup killed between its changelog and its output
//!
//! Under at-least-once delivery the runtime sends a record's event only once that record's
//! changelog records are acknowledged, and commits its input offset only once the event is
//! acknowledged too. (It used to send both at once: a dedup killed after its event was
//! acknowledged but before the changelog record was restored the older state and published
//! the same (event_id, revision) again.) A dedup killed in between now leaves its changelog
//! *ahead* of its output: the restarted deduplicator restores a revision that may never have
//! been published, and the replayed record, already counted, is a redelivery that publishes
//! nothing. That revision would be lost; for a new event, the whole event.
//!
//! So every changelog value records its *origin*: the input offset of the record that
//! produced its revision (the changelog partition is the input partition, so the offset
//! names the record). After the restore the runtime tells [`Deduplicator::resume`] the
//! group's committed offset, where consumption resumes: every restored event whose origin is
//! at or after it is *in doubt*, since the outputs of those records may not have been
//! acknowledged (no committed offset: every event of known origin is). The next candidate
//! that reaches an event in doubt publishes it, and clears the doubt:
//!
//! - a report (an update or a copy) as usual: one new revision;
//! - a redelivery (usually the replayed record that produced the revision in doubt) as the
//!   event's state under the next revision: the same counts, with the actors and evidence of
//!   that candidate, an article the event counts, as every revision's are (the report that
//!   made the revision in doubt is not kept in state; when the candidate is the replayed
//!   record, it is that report). The new revision goes to the changelog like any other,
//!   with the candidate's offset, so a dedup killed again before it is published publishes
//!   the revision after it next time. Counted in [`DedupStats::republished`].
//!
//! The revision in doubt may or may not have been published: its number is skipped either
//! way, so no (event_id, revision) is published twice, revisions only go up, and the latest
//! revision of every event is published. Downstream may see a revision number skipped, or
//! the same counts under two revisions. Under `emit = "first"` an event in doubt is
//! published by whatever reaches it, since the revision lost may be its first.
//!
//! The doubt is a bit in the slot (in its padding: no memory per event), set for the events
//! written in the in-flight window only; restore keeps the origins (8 bytes an event) until
//! `resume` or the first candidate, which drops them. Values of encoding version 2, written
//! before origins, have an unknown origin and are never in doubt: the version that wrote them
//! sent events without waiting for the changelog (its failure was the duplicate, which a
//! doubt does not undo), and a rolling upgrade stops it gracefully, drained and committed,
//! after which nothing restored is past the committed offset. Taking them in doubt would not
//! make ids more unique (publishing a state again under the next revision is always safe) and
//! would publish every restored event once more on its next redelivery. A deduplicator fed
//! without offsets ([`Deduplicator::process`], the embedded pipeline, which never restores)
//! writes unknown origins: nothing is in doubt and the output is unchanged. Under
//! `delivery = "exactly_once"` the changelog and the output commit together, so nothing
//! restored is past the committed offset either.
//!
//! Not covered: an event in doubt that leaves state before a candidate reaches it (the bound
//! evicts it while the replay creates events, or the window, when its tombstone was not
//! durable) is not published again; its report, replayed, comes back as a new event under a
//! new id, as any report of an event that left state does.
//!
//! # Windows
//!
//! The watermark is the newest event date seen, ignoring dates more than a day past the
//! *present*, so that a plan or a misread date cannot flush the state:
//!
//! - for a candidate whose article stated its publication time, the present is that day
//!   (the clock's, if earlier). A candidate dated after its own article is an intention
//!   ("will visit next week"): in a replay or a backlog (2024 articles read in 2026) the
//!   clock allowed it, it moved the watermark a week at once and expired every event of the
//!   days before (every duplicate revision in a reproduction of the issue's embedded run);
//! - for one whose article stated none (ingest dates it by its own clock, and the coder dates
//!   "today" against that), the newest publication day an article did state, when earlier
//!   than today: one undated article among 2024 ones moved the watermark to 2026. A stated
//!   publication day past tomorrow or before 1800 is not taken as the newest: a single
//!   article "published" in 2099 made the next undated one do the same.
//!
//! Each event has an *anchor*: max(its event date, the watermark when it was last created or
//! updated), and it leaves state (cause `window`) once the watermark passes
//! `anchor + state_window`. So
//!
//! - an event reported on time (dated at the watermark) expires as it always did, when event
//!   time has moved `state_window` past its date;
//! - a late event (a report today of something two weeks ago, or a feed that is not in date
//!   order) is kept like any other, and stays matchable for a full `state_window` of stream
//!   time after its last report: its redelivery is recognised (published once), and its
//!   syndicated copies and further reports count into it. Every candidate enters state;
//!   none is published without it.
//!
//! Memory stays bounded: an anchor is never above the watermark but for an event dated
//! ahead of it, which stays until the watermark passes its date (at most [`MAX_DAYS_AHEAD`]
//! days past the present, plus the window); every other event leaves state at most
//! `state_window` of stream time after its last report; and beyond `max_keys` events the
//! least recently updated leaves state (cause `bound`). Both write a tombstone to the
//! changelog. The anchor is in the changelog value (encoding version 2), so a restored event
//! keeps its expiry.

use std::borrow::Cow;
use std::collections::BTreeMap;

use hashbrown::HashTable;

use chrono::{DateTime, Datelike, NaiveDate, Utc};
use dragoman_model::{
    Actor, ArticleRef, CameoTable, CandidateEvent, Event, Location, LocationPrecision, Mentions,
    EVENT_SCHEMA,
};

use crate::config::{DedupConfig, Emit};
use crate::hash::{hash_str, parse_hex64, HashBuf};
use crate::state::{
    build_blob, decode_key, list_len, list_strings, precision_from_u8, precision_to_u8, same_place,
    ArticleRec, BlobView, Counts, LocPart, Meta, Outlets, Slot, MAX_LISTED, MAX_TRACKED_ARTICLES,
    META_KEY, NIL,
};
use crate::{DedupError, Rejection};

/// The earliest event date dedup accepts. The coder reads years from 1900 on; an earlier
/// date comes from a misstated publication date (year 1, year 1000), not from the text.
pub const EARLIEST_EVENT_DATE: NaiveDate = match NaiveDate::from_ymd_opt(1800, 1, 1) {
    Some(d) => d,
    None => panic!("1800-01-01 is a date"),
};

/// How many days past the day it is processed a candidate may be dated. The coder dates
/// intentions ahead of their article ("will visit next week", "talks in June", "next year":
/// at most a year ahead), and those are events; a date further ahead is a misstated
/// publication date (2099, 9999), whose "Monday" would otherwise become an event in 2099 or
/// in year 10000.
pub const MAX_DAYS_AHEAD: i32 = 366;

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
/// left state). Event keys are 16 bytes; one more key, `dragoman.dedup.meta`, holds the
/// partition's meta record (never tombstoned). Values are this crate's versioned binary
/// encoding.
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
    /// Changelog records to write, in order. A service sends the event once they are
    /// acknowledged (and commits the input offset once the event is).
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
    /// Candidates refused ([`Rejection`]): dead letters.
    pub rejected: u64,
    /// New events whose id carries the epoch salt, because an event of the same group, date
    /// and place may have left state before (see the module documentation).
    pub salted: u64,
    /// Restored events whose latest revision may never have been published, published again
    /// under the next revision when a redelivery reached them (see the module documentation,
    /// "Event ids"). Counted under [`DecisionKind::Redelivery`] as well.
    pub republished: u64,
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

fn fold(h: u64) -> u32 {
    (h ^ (h >> 32)) as u32
}

/// Unix seconds as kept in state: clamped to what a u32 holds (1970..2106).
fn unix_u32(t: DateTime<Utc>) -> u32 {
    u32::try_from(t.timestamp().max(0)).unwrap_or(u32::MAX)
}

/// What dedup needs of the candidate's article, hashed once.
struct Incoming {
    rec: ArticleRec,
    bit: u32,
}

impl Incoming {
    fn of(c: &CandidateEvent, outlets: &mut Outlets) -> Self {
        let a = &c.article;
        let outlet = a.source.as_deref().map_or(0, |s| outlets.intern(s));
        let bit = 1u32 << (c.evidence.sentence_index % 32);
        let rec = ArticleRec {
            id: fold(hash_str(&a.id)),
            content: fold(parse_hex64(&a.content_hash).0),
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
    /// First slot of each group's chain, hashed by the group hash kept in the slot: 4 bytes
    /// per group instead of a map's key, value and padding.
    groups: HashTable<u32>,
    /// Anchor ([`Slot::anchor`]) -> slots given that anchor, for window expiry. Entries can
    /// be stale (the slot was freed or reused, or its anchor moved on and it was listed again
    /// under the new one); expiry checks the slot's anchor before evicting.
    days: BTreeMap<i32, Vec<u32>>,
    /// Most and least recently updated live events.
    lru_head: u32,
    lru_tail: u32,
    live: usize,
    /// The epoch and the date of the latest event that left state (what keeps event ids
    /// unique), the watermark, and the newest stated publication day (the present for
    /// candidates whose article did not state one, [`Deduplicator::present`]).
    meta: Meta,
    /// The meta record last written to (or read from) the changelog: a changed `meta` is
    /// written again with the outcome that changed it.
    written: Option<Meta>,
    restored: Restored,
    /// The origin (input offset) of each event restored since the last candidate, by slot
    /// number (-1: unknown), for [`Deduplicator::resume`]. 8 bytes per event while a
    /// partition is being restored, dropped by `resume` or by the first candidate.
    restored_origins: Vec<i64>,
    /// Live events whose `doubt` is set: at most those written in the in-flight window.
    in_doubt: usize,
    outlets: Outlets,
    stats: DedupStats,
}

/// What restore found, settled on the first candidate after it ([`Deduplicator::settle`]).
#[derive(Debug, Default)]
struct Restored {
    /// Records were restored since the last candidate.
    pending: bool,
    /// An event record was restored.
    events: bool,
    /// A meta record was restored (the changelog was written by a version that keeps one).
    meta: bool,
    /// A meta record could not be read: the epoch it held is unknown.
    epoch_lost: bool,
}

impl Deduplicator {
    pub fn new(config: DedupConfig) -> Self {
        let window_days = i32::try_from(config.state_window_days()).unwrap_or(i32::MAX);
        Self {
            config,
            window_days,
            slots: Vec::new(),
            free: Vec::new(),
            groups: HashTable::new(),
            days: BTreeMap::new(),
            lru_head: NIL,
            lru_tail: NIL,
            live: 0,
            meta: Meta::NEW,
            written: None,
            restored: Restored::default(),
            restored_origins: Vec::new(),
            in_doubt: 0,
            outlets: Outlets::default(),
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
        self.meta
            .watermark
            .and_then(NaiveDate::from_num_days_from_ce_opt)
    }

    /// Decides what `candidate` is, updates state, and returns what to publish and what to
    /// write to the changelog. `now` is the time the candidate is processed (it becomes the
    /// event's `first_seen`/`last_seen`, and bounds the dates accepted); tests pass explicit
    /// times. A candidate dated outside the accepted dates is a [`Rejection`] and changes
    /// nothing.
    ///
    /// The changelog values it writes do not know the candidate's input offset, so nothing
    /// restored from them is ever in doubt: a service uses [`Deduplicator::process_from`].
    pub fn process(
        &mut self,
        candidate: &CandidateEvent,
        now: DateTime<Utc>,
    ) -> Result<Outcome, Rejection> {
        self.process_at(candidate, now, None)
    }

    /// [`Deduplicator::process`] of the candidate read at input offset `offset` (of the
    /// partition this deduplicator serves): the changelog records the offset with the
    /// revision it produces, so that a restored deduplicator knows which revisions may not
    /// have been published ([`Deduplicator::resume`]).
    pub fn process_from(
        &mut self,
        candidate: &CandidateEvent,
        now: DateTime<Utc>,
        offset: i64,
    ) -> Result<Outcome, Rejection> {
        self.process_at(candidate, now, Some(offset))
    }

    fn process_at(
        &mut self,
        candidate: &CandidateEvent,
        now: DateTime<Utc>,
        origin: Option<i64>,
    ) -> Result<Outcome, Rejection> {
        let (mut out, publish) = self.decide(candidate, now, origin)?;
        out.event = publish.map(|i| {
            let slot = self.slot(i);
            let with_location = !slot_has_location(slot);
            build_event(slot, event_parts(candidate, with_location), &self.outlets)
        });
        Ok(out)
    }

    /// [`Deduplicator::process`] for a candidate the caller owns (the runtime deserialises
    /// each one): its strings move into the published event instead of being copied, and
    /// those the event does not carry (content hash, URL) hold its id and schema. About 7.5
    /// heap allocations per candidate instead of 29 (`cargo bench -p dragoman-dedup`), and
    /// the faster path of the two; a service should prefer it.
    pub fn process_owned(
        &mut self,
        candidate: CandidateEvent,
        now: DateTime<Utc>,
    ) -> Result<Outcome, Rejection> {
        self.process_owned_at(candidate, now, None)
    }

    /// [`Deduplicator::process_owned`] of the candidate read at input offset `offset`, as
    /// [`Deduplicator::process_from`]: what a service calls.
    pub fn process_owned_from(
        &mut self,
        candidate: CandidateEvent,
        now: DateTime<Utc>,
        offset: i64,
    ) -> Result<Outcome, Rejection> {
        self.process_owned_at(candidate, now, Some(offset))
    }

    fn process_owned_at(
        &mut self,
        candidate: CandidateEvent,
        now: DateTime<Utc>,
        origin: Option<i64>,
    ) -> Result<Outcome, Rejection> {
        let (mut out, publish) = self.decide(&candidate, now, origin)?;
        out.event = publish.map(|i| build_event(self.slot(i), candidate, &self.outlets));
        Ok(out)
    }

    /// Restored events whose latest revision may never have been published (set by
    /// [`Deduplicator::resume`], cleared as candidates reach them or as they leave state).
    pub fn in_doubt(&self) -> usize {
        self.in_doubt
    }

    /// Called once the changelog is restored, with the group's committed offset of the input
    /// partition (where consumption resumes; `None` when the group has none, and every input
    /// record may be consumed again). Every restored event whose latest revision was produced
    /// by the record at that offset or after it is *in doubt*: its changelog record is
    /// durable, but its output may not be (a stage sends an output only once the changelog
    /// records of its input record are acknowledged, and commits the input offset only once
    /// the output is too). The next candidate that reaches it publishes it under the next
    /// revision, even a redelivery (see the module documentation, "Event ids"). Events whose
    /// origin is unknown (changelog version 2, or written by [`Deduplicator::process`]) are
    /// not in doubt. Returns how many events are in doubt.
    pub fn resume(&mut self, committed: Option<i64>) -> usize {
        let origins = std::mem::take(&mut self.restored_origins);
        for (i, &origin) in origins.iter().enumerate() {
            if origin < 0 || committed.is_some_and(|c| origin < c) {
                continue;
            }
            if let Some(Some(s)) = self.slots.get_mut(i) {
                if !s.doubt {
                    s.doubt = true;
                    self.in_doubt += 1;
                }
            }
        }
        self.in_doubt
    }

    fn decide(
        &mut self,
        candidate: &CandidateEvent,
        now: DateTime<Utc>,
        origin: Option<i64>,
    ) -> Result<(Outcome, Option<u32>), Rejection> {
        let day = candidate.event_date.num_days_from_ce();
        let today = now.date_naive().num_days_from_ce();
        if !accepted(day, today) {
            self.stats.rejected += 1;
            return Err(Rejection::DateOutOfRange {
                date: candidate.event_date,
                earliest: EARLIEST_EVENT_DATE,
                latest: day_date(today.saturating_add(MAX_DAYS_AHEAD)),
            });
        }
        if self.restored.pending {
            self.settle(now);
        }
        let mut out = Outcome {
            kind: DecisionKind::New,
            event: None,
            changelog: Vec::new(),
            evicted_window: 0,
            evicted_bound: 0,
        };
        let present = self.present(candidate, today);
        if day <= present.saturating_add(1) && self.meta.watermark.is_none_or(|w| day > w) {
            self.meta.watermark = Some(day);
        }
        self.expire(&mut out);
        // The watermark an event created or updated now is anchored at (`Slot::anchor`): at
        // or above the cutoff `expire` just applied, so every candidate's event is kept.
        let w = self.meta.watermark.unwrap_or(i32::MIN);

        let group = group_hash(candidate);
        let place = place_hash(candidate.location.as_ref());
        let incoming = Incoming::of(candidate, &mut self.outlets);
        let now_s = unix_u32(now);

        let publish = if let Some(i) = self.find(group, day, place, &incoming) {
            self.merge(i, candidate, &incoming, place, now_s, origin, &mut out);
            let s = self.slots[i as usize]
                .as_mut()
                .expect("matched slot is live");
            let doubt = std::mem::take(&mut s.doubt);
            if doubt {
                self.in_doubt -= 1;
                if out.kind == DecisionKind::Redelivery {
                    // Its latest revision may never have been published: publish its state
                    // again, under a revision number that was not.
                    s.revision += 1;
                    out.changelog.push(ChangelogRecord {
                        key: s.key(),
                        value: Some(s.encode(&self.outlets, origin)),
                    });
                    self.stats.republished += 1;
                }
            }
            let publish = out.kind != DecisionKind::Redelivery && self.config.emit == Emit::Updates;
            (publish || doubt).then_some(i)
        } else {
            self.make_room(&mut out);
            // An event of this group, date and place may have been published and have left
            // state since: the epoch makes this one's id new. Otherwise the id is the plain
            // hash, the same in every deduplicator that sees this first report.
            let salt = (day <= self.meta.left).then_some(self.meta.epoch);
            self.stats.salted += u64::from(salt.is_some());
            let loc = candidate.location.as_ref().map_or(LocPart::None, |l| {
                LocPart::Interned(self.outlets.places.intern(l))
            });
            let mut slot = new_slot(candidate, group, place, day, salt, &incoming, loc, now_s);
            slot.anchor = w.max(day);
            out.changelog.push(ChangelogRecord {
                key: slot.key(),
                value: Some(slot.encode(&self.outlets, origin)),
            });
            Some(self.insert(slot))
        };
        match out.kind {
            DecisionKind::New => self.stats.new += 1,
            DecisionKind::Update => self.stats.update += 1,
            DecisionKind::Redelivery => self.stats.redelivery += 1,
            DecisionKind::Copy => self.stats.copy += 1,
        }
        if self.written != Some(self.meta) {
            // First in the outcome: the changelog partition is written in order, so a
            // tombstone of this outcome is never durable without the epoch it moved.
            out.changelog.insert(
                0,
                ChangelogRecord {
                    key: META_KEY.to_vec(),
                    value: Some(self.meta.encode()),
                },
            );
            self.written = Some(self.meta);
        }
        Ok((out, publish))
    }

    /// Applies one changelog record (as written by [`Deduplicator::process`]) to state: the
    /// runtime replays the changelog partition of an input partition into a fresh
    /// deduplicator before it processes that partition. Later records for a key replace
    /// earlier ones; a tombstone removes the event; the meta record brings back the epoch,
    /// the watermark and what left state. Bounds are enforced on the next `process`, so a
    /// replay never writes to the changelog it reads.
    ///
    /// A record that cannot be read is an error (the runtime logs it and goes on), and the
    /// state it held is taken as lost: every event created from then on takes a salted id,
    /// so that an event whose record was lost, reported again, is never published again
    /// under the id and revisions it had.
    pub fn restore(&mut self, key: &[u8], value: Option<&[u8]>) -> Result<(), DedupError> {
        self.restored.pending = true;
        if key == META_KEY {
            // Never tombstoned by this crate; a tombstone would say nothing.
            if let Some(v) = value {
                match Meta::decode(v) {
                    Ok(m) => self.restore_meta(m),
                    Err(e) => {
                        self.restored.epoch_lost = true;
                        return Err(e);
                    }
                }
            }
            self.stats.restored_records += 1;
            return Ok(());
        }
        let (group, event_id) = match decode_key(key) {
            Ok(k) => k,
            Err(e) => {
                if value.is_some() {
                    self.lose();
                }
                return Err(e);
            }
        };
        let existing = self.find_id(group, event_id);
        match value {
            None => {
                if let Some(i) = existing {
                    let s = self.remove(i);
                    self.meta.left = self.meta.left.max(s.event_date);
                }
            }
            Some(v) => {
                let (slot, origin) = match Slot::decode_with_origin(key, v, &mut self.outlets) {
                    Ok(s) => s,
                    Err(e) => {
                        self.lose();
                        return Err(e);
                    }
                };
                self.restored.events = true;
                if !self.restored.meta {
                    self.legacy_watermark(&slot);
                }
                let i = match existing {
                    Some(i) => {
                        let old = self.slot_mut(i);
                        let (chain, prev, next) = (old.chain, old.lru_prev, old.lru_next);
                        let moved = old.anchor != slot.anchor;
                        let anchor = slot.anchor;
                        let doubted = old.doubt;
                        *old = Slot {
                            chain,
                            lru_prev: prev,
                            lru_next: next,
                            ..slot
                        };
                        self.in_doubt -= usize::from(doubted);
                        if moved {
                            self.days.entry(anchor).or_default().push(i);
                        }
                        self.touch(i);
                        i
                    }
                    None => self.insert(slot),
                };
                let at = i as usize;
                if self.restored_origins.len() <= at {
                    self.restored_origins.resize(at + 1, -1);
                }
                self.restored_origins[at] = origin.unwrap_or(-1);
            }
        }
        self.stats.restored_records += 1;
        Ok(())
    }

    fn restore_meta(&mut self, m: Meta) {
        if !self.restored.meta {
            // What event records suggested before it: the meta record knows the watermark.
            self.restored.meta = true;
            self.meta.watermark = None;
        }
        let max = |a: Option<i32>, b: Option<i32>| a.max(b);
        self.meta = Meta {
            epoch: self.meta.epoch.max(m.epoch),
            left: self.meta.left.max(m.left),
            watermark: max(self.meta.watermark, m.watermark),
            published: max(self.meta.published, m.published),
        };
        self.written = Some(m);
    }

    /// The watermark from an event record, for a changelog written before meta records: the
    /// anchor is a watermark the writer had reached (or the event's date, if later). The
    /// guard of that version: a date past the day after the event was last seen does not
    /// advance the window.
    fn legacy_watermark(&mut self, slot: &Slot) {
        let seen_day = DateTime::from_timestamp(i64::from(slot.last_seen), 0)
            .map_or(i32::MAX, |t| {
                t.date_naive().num_days_from_ce().saturating_add(1)
            });
        let w = slot.anchor.min(seen_day);
        if self.meta.watermark.is_none_or(|old| w > old) {
            self.meta.watermark = Some(w);
        }
    }

    /// A changelog record that cannot be read held an event that is now lost: which id and
    /// date it had is unknown, so every event created from now on is salted, with an epoch
    /// past any the lost one could have used.
    fn lose(&mut self) {
        self.meta.epoch += 1;
        self.meta.left = i32::MAX;
    }

    /// Settles what restore could not know record by record, on the first candidate after
    /// it (the next meta record written makes it durable):
    ///
    /// - event records and no meta record: a changelog written before meta records, whose
    ///   evictions are unknown, so every event created from now on is salted;
    /// - an unreadable meta record: the epoch is unknown, so it jumps to the clock (in
    ///   nanoseconds, far above any count of evictions) and every new event is salted.
    fn settle(&mut self, now: DateTime<Utc>) {
        self.restored.pending = false;
        // Not resumed (no committed offset to compare with): nothing is in doubt.
        self.restored_origins = Vec::new();
        if self.restored.events && !self.restored.meta {
            self.meta.left = i32::MAX;
        }
        if std::mem::take(&mut self.restored.epoch_lost) {
            let clock = now
                .timestamp_nanos_opt()
                .map_or(u64::MAX / 2, |n| n.max(0) as u64);
            self.meta.epoch = (self.meta.epoch + 1).max(clock);
            self.meta.left = i32::MAX;
        }
    }

    /// The day the watermark guard treats as the present for `c` (`today` is the clock's):
    /// a candidate dated more than a day past it does not move the watermark.
    ///
    /// - An article that stated its publication time: that day (the clock's, if earlier). A
    ///   candidate dated after its own article is an intention ("will visit next week"), or
    ///   a misread date: in a replay or a backlog, where the clock is years ahead of the
    ///   stream, it used to move the watermark a week or more at once and expire every
    ///   event of the days before, whose later reports then started them again.
    /// - An article that stated none (ingest dates it by its own clock, and the coder dates
    ///   "today", "on Monday" against that): the newest publication day that an article did
    ///   state, if any was seen and it is earlier than today. Such a candidate is dated by
    ///   the service's clock, not by the stream.
    ///
    /// Stated publication days past tomorrow or before [`EARLIEST_EVENT_DATE`] (a misstated
    /// 2099 or year 1) are not taken as the newest one: they say nothing of stream time.
    fn present(&mut self, c: &CandidateEvent, today: i32) -> i32 {
        let a = &c.article;
        if stated_publication(a) {
            let p = a.published_at.date_naive().num_days_from_ce();
            if (earliest_day()..=today.saturating_add(1)).contains(&p)
                && self.meta.published.is_none_or(|old| p > old)
            {
                self.meta.published = Some(p);
            }
            p.min(today)
        } else {
            self.meta.published.map_or(today, |p| p.min(today))
        }
    }

    fn slot(&self, i: u32) -> &Slot {
        self.slots[i as usize]
            .as_ref()
            .expect("slot index refers to a live event")
    }

    fn slot_mut(&mut self, i: u32) -> &mut Slot {
        self.slots[i as usize]
            .as_mut()
            .expect("slot index refers to a live event")
    }

    fn cutoff(&self) -> Option<i32> {
        self.meta
            .watermark
            .map(|w| w.saturating_sub(self.window_days))
    }

    /// Drops every event whose anchor the window has passed.
    fn expire(&mut self, out: &mut Outcome) {
        let Some(cut) = self.cutoff() else { return };
        while let Some(entry) = self.days.first_entry() {
            if *entry.key() >= cut {
                break;
            }
            let (anchor, slots) = entry.remove_entry();
            for i in slots {
                let live = self.slots.get(i as usize).and_then(Option::as_ref);
                if live.is_some_and(|s| s.anchor == anchor) {
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
        // Its id may come back: a later event of the same group, date and place is salted
        // with an epoch past any this one could have had.
        self.meta.epoch += 1;
        self.meta.left = self.meta.left.max(s.event_date);
        out.changelog.push(ChangelogRecord {
            key: s.key(),
            value: None,
        });
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
    fn head(&self, group: u64) -> Option<u32> {
        let slots = &self.slots;
        self.groups
            .find(group, |&i| slot_group(slots, i) == group)
            .copied()
    }

    fn find(&self, group: u64, day: i32, place: u64, inc: &Incoming) -> Option<u32> {
        let mut at = self.head(group)?;
        // An event that counted this very report (a redelivery) first, whatever else matches:
        // an event created after the report was counted can be as close to its date, and
        // the redelivery would count there as a new report. Then the closest date, an exact
        // place, the earlier event: a total order that does not depend on the chain's
        // order, which a restore does not reproduce.
        let mut best: Option<(MatchRank, u32)> = None;
        while at != NIL {
            let s = self.slot(at);
            let diff = (i64::from(s.event_date) - i64::from(day)).abs();
            if diff <= self.config.match_window_days && places_compatible(s.place, place) {
                let counted = s.records().any(|r| {
                    (r.id == inc.rec.id
                        || (r.content == inc.rec.content && r.outlet == inc.rec.outlet))
                        && r.sentences & inc.bit != 0
                });
                let rank = (!counted, diff, s.place != place, s.event_date, s.event_id);
                if best.is_none_or(|(r, _)| rank < r) {
                    best = Some((rank, at));
                }
            }
            at = s.chain;
        }
        best.map(|(_, i)| i)
    }

    fn find_id(&self, group: u64, event_id: u64) -> Option<u32> {
        let mut at = self.head(group)?;
        while at != NIL {
            let s = self.slot(at);
            if s.event_id == event_id {
                return Some(at);
            }
            at = s.chain;
        }
        None
    }

    #[allow(clippy::too_many_arguments)]
    fn merge(
        &mut self,
        i: u32,
        c: &CandidateEvent,
        inc: &Incoming,
        place: u64,
        now_s: u32,
        origin: Option<i64>,
        out: &mut Outcome,
    ) {
        let max_hamming = self.config.copy_max_hamming;
        let watermark = self.meta.watermark.unwrap_or(i32::MIN);
        let s = self.slots[i as usize]
            .as_mut()
            .expect("matched slot is live");
        let mut same_article = None;
        let mut is_copy = false;
        let mut known_outlet = false;
        for (k, r) in s.records().enumerate() {
            if r.id == inc.rec.id || (r.content == inc.rec.content && r.outlet == inc.rec.outlet) {
                same_article = Some((k, r));
                break;
            }
            is_copy |= r.content == inc.rec.content
                || (r.simhash ^ inc.rec.simhash).count_ones() <= max_hamming;
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
                        (Some(l), true) => LocPart::Interned(self.outlets.places.intern(l)),
                        _ => LocPart::Raw(v.loc),
                    },
                    v.ids,
                    new_article.then_some(c.article.id.as_str()),
                ),
                // Unreachable for state this crate wrote or validated; start the blob afresh
                // rather than lose the report.
                Err(_) => {
                    s.n_recs = 0;
                    build_blob(
                        &[],
                        Some(&inc.rec),
                        c.location.as_ref().map_or(LocPart::None, |l| {
                            LocPart::Interned(self.outlets.places.intern(l))
                        }),
                        &[],
                        Some(&c.article.id),
                    )
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
        // A report (not a redelivery, which changes nothing) restarts the event's window.
        let anchor = watermark.max(s.event_date);
        let moved = anchor > s.anchor;
        if moved {
            s.anchor = anchor;
        }
        s.last_seen = s.last_seen.max(now_s);
        s.confidence = s.confidence.max(c.confidence);
        if c.code.len() > usize::from(s.code_len)
            && c.code.starts_with(&c.root_code)
            && CameoTable::global().contains(&c.code)
        {
            if let Some((code, len)) = pack_code(&c.code) {
                s.code = code;
                s.code_len = len;
            }
        }
        out.changelog.push(ChangelogRecord {
            key: s.key(),
            value: Some(s.encode(&self.outlets, origin)),
        });
        if moved {
            self.days.entry(anchor).or_default().push(i);
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
        let group = slot.group;
        slot.lru_prev = NIL;
        slot.lru_next = NIL;
        slot.chain = self.head(group).unwrap_or(NIL);
        self.days.entry(slot.anchor).or_default().push(i);
        self.slots[i as usize] = Some(slot);
        let slots = &self.slots;
        match self
            .groups
            .find_mut(group, |&j| j != i && slot_group(slots, j) == group)
        {
            Some(head) => *head = i,
            None => {
                self.groups
                    .insert_unique(group, i, |&j| slot_group(slots, j));
            }
        }
        self.lru_push_front(i);
        self.live += 1;
        i
    }

    /// Takes an event out of every structure; the caller writes the tombstone if one is due.
    fn remove(&mut self, i: u32) -> Slot {
        self.lru_unlink(i);
        let s = self.slots[i as usize].take().expect("removed slot is live");
        self.in_doubt -= usize::from(s.doubt);
        // The slot is already out of `slots`, so its own head entry is recognised by index.
        let slots = &self.slots;
        let mut head = NIL;
        if let Ok(entry) = self
            .groups
            .find_entry(s.group, |&j| j == i || slot_group(slots, j) == s.group)
        {
            if *entry.get() == i {
                if s.chain == NIL {
                    entry.remove();
                } else {
                    *entry.into_mut() = s.chain;
                }
            } else {
                head = *entry.get();
            }
        }
        if head == NIL {
            // Removed from the table above (or the group was unknown).
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

/// Whether the article stated its publication time. Ingest sets both `published_at` and
/// `first_seen` to its own clock when an article has none (`published_at_inferred`, which
/// [`ArticleRef`] does not carry); a stated time equal to the ingest time to the nanosecond
/// does not happen in practice.
fn stated_publication(a: &ArticleRef) -> bool {
    a.published_at != a.first_seen
}

/// [`EARLIEST_EVENT_DATE`] in days from the common era (a test checks it), computed once
/// rather than per candidate.
const EARLIEST_DAY: i32 = 657_072;

fn earliest_day() -> i32 {
    EARLIEST_DAY
}

/// Whether an event dated `day` is within the dates accepted on `today` (both in days from
/// the common era).
fn accepted(day: i32, today: i32) -> bool {
    (earliest_day()..=today.saturating_add(MAX_DAYS_AHEAD)).contains(&day)
}

fn day_date(day: i32) -> NaiveDate {
    NaiveDate::from_num_days_from_ce_opt(day).unwrap_or(NaiveDate::MAX)
}

/// How well an event matches a candidate, lowest best ([`Deduplicator::find`]): not the
/// event that counted this report, date distance, not the exact place, date, id.
type MatchRank = (bool, i64, bool, i32, u64);

fn slot_has_location(s: &Slot) -> bool {
    BlobView::parse(&s.blob, s.n_recs).is_ok_and(|v| v.loc.first().is_some_and(|&t| t != 0))
}

/// The group of a live slot (for the group table, whose entries are slot numbers).
fn slot_group(slots: &[Option<Slot>], i: u32) -> u64 {
    slots
        .get(i as usize)
        .and_then(Option::as_ref)
        .map_or(0, |s| s.group)
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
///
/// A dateline's place is 0, as no place: it says where a reporter filed from, not where the
/// event was, and two reports of one event filed from Cairo and from Khartoum are still one
/// event. So it is compatible with any place, stays out of the event id, and a report that
/// names a place in its text later gives the event that place.
fn place_hash(loc: Option<&Location>) -> u64 {
    let Some(l) = loc.filter(|l| l.precision != LocationPrecision::Dateline) else {
        return 0;
    };
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

/// Marks the epoch part of a salted event id, so that no salted id is the plain hash of
/// another group, date and place.
const SALT_TAG: &[u8] = b"epoch";

/// A new event. Its id is the hash of its group, date and place (when known), plus the epoch
/// when `salt` says one of that hash may have been published before.
#[allow(clippy::too_many_arguments)]
fn new_slot(
    c: &CandidateEvent,
    group: u64,
    place: u64,
    day: i32,
    salt: Option<u64>,
    inc: &Incoming,
    loc: LocPart<'_>,
    now_s: u32,
) -> Slot {
    let mut id = HashBuf::new();
    id.part(&group.to_le_bytes()).part(&day.to_le_bytes());
    if place != 0 {
        id.part(&place.to_le_bytes());
    }
    if let Some(epoch) = salt {
        id.part(SALT_TAG).part(&epoch.to_le_bytes());
    }
    // A code that does not fit (the coder only emits 2-4 digit codes) falls back to the root.
    let (code, code_len) = pack_code(&c.code)
        .or_else(|| pack_code(&c.root_code))
        .unwrap_or((*b"??\0\0", 2));
    let blob = build_blob(&[], Some(&inc.rec), loc, &[], Some(&c.article.id));
    Slot {
        event_id: id.finish(),
        group,
        place,
        first_seen: now_s,
        last_seen: now_s,
        event_date: day,
        // The caller anchors it at the watermark (`Slot::anchor`).
        anchor: day,
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
        doubt: false,
        blob,
    }
}

/// The parts of a borrowed candidate that a published event carries (not its article, nor
/// its location when the event has its own: cloning it would be thrown away).
fn event_parts(c: &CandidateEvent, with_location: bool) -> CandidateEvent {
    CandidateEvent {
        event_date: c.event_date,
        date_precision: c.date_precision,
        code: c.code.clone(),
        base_code: c.base_code.clone(),
        root_code: c.root_code.clone(),
        quad_class: c.quad_class,
        goldstein: c.goldstein,
        plover: c.plover.clone(),
        source: c.source.clone(),
        target: c.target.clone(),
        location: if with_location {
            c.location.clone()
        } else {
            None
        },
        evidence: c.evidence.clone(),
        confidence: c.confidence,
        negated: c.negated,
        article: ArticleRef {
            id: String::new(),
            source: None,
            url: None,
            published_at: c.article.published_at,
            first_seen: c.article.first_seen,
            content_hash: String::new(),
            simhash: String::new(),
        },
        coder: c.coder.clone(),
    }
}

/// `text` in `buf`'s heap buffer when it is large enough, else in a new one: an owned
/// candidate's strings that the event does not carry (its content hash, its URL) become
/// strings the event needs (its id, its schema) without a round trip through the allocator.
fn refill(buf: Option<String>, text: &str) -> String {
    match buf {
        Some(mut b) if b.capacity() >= text.len() => {
            b.clear();
            b.push_str(text);
            b
        }
        _ => text.to_string(),
    }
}

#[cfg(test)]
fn hex16(v: u64) -> String {
    hex16_into(String::new(), v)
}

/// `{:016x}` without the formatting machinery (it is on every published event), in `buf`.
fn hex16_into(buf: String, v: u64) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut digits = [0u8; 16];
    for (k, d) in digits.iter_mut().enumerate() {
        *d = DIGITS[(v >> ((15 - k) * 4)) as usize & 15];
    }
    refill(Some(buf), std::str::from_utf8(&digits).unwrap_or_default())
}

/// The first [`MAX_LISTED`] distinct outlets of the event's articles, in order. `reuse` is
/// the candidate's own outlet name, which moves into the list instead of being copied.
fn sources(s: &Slot, outlets: &Outlets, mut reuse: Option<String>) -> Vec<String> {
    let mut seen = [0u32; MAX_LISTED];
    let mut n = 0;
    for r in s.records() {
        if n == MAX_LISTED {
            break;
        }
        if r.outlet != 0 && !seen[..n].contains(&r.outlet) {
            seen[n] = r.outlet;
            n += 1;
        }
    }
    let mut out = Vec::with_capacity(n);
    for &o in &seen[..n] {
        if let Some(name) = outlets.name(o) {
            out.push(match reuse.take_if(|r| r == name) {
                Some(own) => own,
                None => name.to_string(),
            });
        }
    }
    out
}

/// The listed article ids; `reuse` (the candidate's article id) moves in where it is listed.
fn article_ids(view: Option<&BlobView<'_>>, mut reuse: Option<String>) -> Vec<String> {
    let Some(v) = view else { return Vec::new() };
    let mut out = Vec::with_capacity(list_len(v.ids));
    for id in list_strings(v.ids) {
        out.push(match reuse.take_if(|r| r == id) {
            Some(own) => own,
            None => id.to_string(),
        });
    }
    out
}

fn build_event(s: &Slot, c: CandidateEvent, outlets: &Outlets) -> Event {
    let view = BlobView::parse(&s.blob, s.n_recs).ok();
    let CandidateEvent {
        event_date: c_date,
        date_precision: c_precision,
        code: c_code,
        base_code: c_base,
        root_code,
        quad_class: c_quad,
        goldstein: c_goldstein,
        plover: c_plover,
        source,
        target,
        location: c_location,
        evidence,
        confidence: _,
        negated,
        article,
        coder,
    } = c;
    let ts = |secs: u32| DateTime::from_timestamp(i64::from(secs), 0).unwrap_or_default();
    let mentions = Mentions {
        num_mentions: s.counts.mentions,
        num_articles: s.counts.articles,
        num_sources: s.counts.sources,
        num_independent: s.counts.independent,
        article_ids: article_ids(view.as_ref(), Some(article.id)),
        sources: sources(s, outlets, article.source),
        first_seen: ts(s.first_seen),
        last_seen: ts(s.last_seen),
    };
    let code = s.code();
    // The event's code may come from an earlier report: then its attributes come from the
    // CAMEO table rather than from this candidate.
    let (code, base_code, quad_class, goldstein, plover) = if code == c_code {
        (c_code, c_base, c_quad, c_goldstein, c_plover)
    } else if let Some(t) = CameoTable::global().get(code) {
        (
            refill(Some(c_code), t.code),
            refill(Some(c_base), t.base_code()),
            t.quad_class.number(),
            t.goldstein,
            t.plover.map(|p| refill(c_plover, p)),
        )
    } else {
        (
            refill(Some(c_code), code),
            refill(Some(c_base), &code[..code.len().min(3)]),
            c_quad,
            c_goldstein,
            c_plover,
        )
    };
    let location = match view.as_ref().and_then(|v| v.location_in(&outlets.places)) {
        Some(Cow::Borrowed(l)) => match c_location {
            Some(own) if same_place(&own, l) => Some(own),
            _ => Some(l.clone()),
        },
        Some(Cow::Owned(l)) => Some(l),
        None => c_location,
    };
    Event {
        schema: refill(article.url, EVENT_SCHEMA),
        event_id: hex16_into(article.content_hash, s.event_id),
        revision: s.revision,
        event_date: NaiveDate::from_num_days_from_ce_opt(s.event_date).unwrap_or(c_date),
        date_precision: precision_from_u8(s.precision).unwrap_or(c_precision),
        code,
        base_code,
        root_code,
        quad_class,
        goldstein,
        plover,
        source,
        target,
        location,
        evidence,
        confidence: s.confidence,
        negated,
        mentions,
        coder,
    }
}

#[cfg(test)]
impl Outcome {
    /// The changelog records of events (upserts and tombstones), without the meta record.
    fn event_records(&self) -> Vec<ChangelogRecord> {
        self.changelog
            .iter()
            .filter(|r| r.key.as_slice() != META_KEY)
            .cloned()
            .collect()
    }
}

#[cfg(test)]
impl Deduplicator {
    /// [`Deduplicator::process`] of a candidate the test expects to be accepted.
    fn process_ok(&mut self, c: &CandidateEvent, now: DateTime<Utc>) -> Outcome {
        self.process(c, now)
            .expect("a candidate dated within the accepted dates")
    }

    fn process_owned_ok(&mut self, c: CandidateEvent, now: DateTime<Utc>) -> Outcome {
        self.process_owned(c, now)
            .expect("a candidate dated within the accepted dates")
    }

    /// Live state as changelog records, for comparing instances.
    fn snapshot(&self) -> BTreeMap<Vec<u8>, Vec<u8>> {
        self.slots
            .iter()
            .flatten()
            .map(|s| (s.key(), s.encode(&self.outlets, None)))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{Duration, TimeZone};
    use dragoman_model::{ArticleRef, CoderInfo, DatePrecision, Evidence};

    /// A clock that only moves when a test moves it: windows are tested without sleeping.
    struct PausedClock(DateTime<Utc>);

    impl PausedClock {
        fn start() -> Self {
            Self(Utc.with_ymd_and_hms(2019, 3, 25, 9, 30, 0).unwrap())
        }
        fn now(&self) -> DateTime<Utc> {
            self.0
        }
        fn advance(&mut self, d: Duration) {
            self.0 += d;
        }
    }

    fn actor(code: &str) -> Actor {
        Actor {
            code: code.into(),
            country: Some(code[..3].into()),
            agents: vec![],
            name: code.into(),
            text: code.into(),
        }
    }

    fn date(d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2019, 3, d).unwrap()
    }

    /// An article as the coder's candidates see it.
    #[derive(Clone)]
    struct Art {
        id: String,
        outlet: Option<String>,
        content: u64,
        simhash: u64,
    }

    fn art(id: &str, outlet: &str, content: u64, simhash: u64) -> Art {
        Art {
            id: id.into(),
            outlet: Some(outlet.into()),
            content,
            simhash,
        }
    }

    fn cand(a: &Art, src: &str, tgt: &str, code: &str, day: u32) -> CandidateEvent {
        let root = code[..2].to_string();
        let t = CameoTable::global()
            .get(code)
            .expect("test codes are CAMEO codes");
        CandidateEvent {
            event_date: date(day),
            date_precision: DatePrecision::Day,
            code: code.into(),
            base_code: t.base_code().into(),
            root_code: root,
            quad_class: t.quad_class.number(),
            goldstein: t.goldstein,
            plover: t.plover.map(Into::into),
            source: Some(actor(src)),
            target: Some(actor(tgt)),
            location: None,
            evidence: Evidence {
                article_id: a.id.clone(),
                sentence_index: 1,
                sentence: format!("{src} and {tgt} signed agreements."),
                span: [0, 30],
                rule: "sign + &AGREEMENT".into(),
            },
            confidence: 0.8,
            negated: false,
            article: ArticleRef {
                id: a.id.clone(),
                source: a.outlet.clone(),
                url: None,
                published_at: Utc.with_ymd_and_hms(2019, 3, 25, 9, 0, 0).unwrap(),
                first_seen: Utc.with_ymd_and_hms(2019, 3, 25, 9, 1, 0).unwrap(),
                content_hash: format!("{:016x}", a.content),
                simhash: format!("{:016x}", a.simhash),
            },
            coder: CoderInfo {
                version: "0.1.0".into(),
                dictionaries: "test".into(),
            },
        }
    }

    /// Both directions of a reciprocal event ("Russia and Libya signed agreements").
    fn reciprocal(a: &Art, day: u32) -> [CandidateEvent; 2] {
        [
            cand(a, "RUS", "LBY", "057", day),
            cand(a, "LBY", "RUS", "057", day),
        ]
    }

    fn place(name: &str, country: &str, precision: LocationPrecision) -> Location {
        Location {
            name: name.into(),
            country: country.into(),
            lat: 1.0,
            lon: 2.0,
            precision,
        }
    }

    const SIM: u64 = 0x0f0f_3c3c_a5a5_9999;

    /// The issue's articles: three syndicated copies (the second differs by three bits of
    /// SimHash, the third by five, as a changed headline or dateline would), a redelivery of
    /// the first, and a differently worded report from a fourth outlet.
    fn issue_articles() -> (Vec<Art>, Art, Art) {
        let copies = vec![
            art("wire-1", "tass.ru", 0xaaa1, SIM),
            art("lo-42", "libyaobserver.ly", 0xaaa2, SIM ^ 0b111),
            art("rt-7", "rt.com", 0xaaa3, SIM ^ 0b1_1111 << 20),
        ];
        let redelivery = copies[0].clone();
        let fourth = art("aa-9", "aa.com.tr", 0xbbbb, !SIM);
        (copies, redelivery, fourth)
    }

    fn publish_all(
        d: &mut Deduplicator,
        c: &CandidateEvent,
        now: DateTime<Utc>,
        log: &mut Vec<ChangelogRecord>,
    ) -> Outcome {
        let out = d.process_ok(c, now);
        log.extend(out.changelog.iter().cloned());
        out
    }

    fn check_final(events: &[Event]) {
        assert_eq!(events.len(), 2);
        for e in events {
            let m = &e.mentions;
            assert_eq!(
                (
                    m.num_mentions,
                    m.num_articles,
                    m.num_sources,
                    m.num_independent
                ),
                (4, 4, 4, 2),
                "{e:?}"
            );
            assert_eq!(e.revision, 4);
            assert_eq!(m.article_ids, ["wire-1", "lo-42", "rt-7", "aa-9"]);
            assert_eq!(
                m.sources,
                ["tass.ru", "libyaobserver.ly", "rt.com", "aa.com.tr"]
            );
            assert_eq!(e.evidence.article_id, "aa-9");
        }
        assert_ne!(events[0].event_id, events[1].event_id);
        assert_eq!(events[0].source.as_ref().unwrap().code, "RUS");
        assert_eq!(events[1].source.as_ref().unwrap().code, "LBY");
    }

    #[test]
    fn issue_scenario_three_copies_a_redelivery_and_an_independent_report() {
        let mut clock = PausedClock::start();
        let mut d = Deduplicator::new(DedupConfig::default());
        let (copies, redelivery, fourth) = issue_articles();
        let mut log = Vec::new();
        let mut ids: Vec<Option<String>> = vec![None, None];
        let expect = [DecisionKind::New, DecisionKind::Copy, DecisionKind::Copy];
        for (n, a) in copies.iter().enumerate() {
            for (dir, c) in reciprocal(a, 22).iter().enumerate() {
                let out = publish_all(&mut d, c, clock.now(), &mut log);
                assert_eq!(out.kind, expect[n], "article {n} direction {dir}");
                let e = out.event.expect("every new report publishes a revision");
                assert_eq!(e.revision, n as u32 + 1);
                assert_eq!(e.mentions.num_independent, 1);
                assert_eq!(e.mentions.num_articles, n as u32 + 1);
                let id = ids[dir].get_or_insert_with(|| e.event_id.clone());
                assert_eq!(&e.event_id, id, "event_id is stable");
            }
            clock.advance(Duration::minutes(10));
        }
        for c in reciprocal(&redelivery, 22) {
            let out = publish_all(&mut d, &c, clock.now(), &mut log);
            assert_eq!(out.kind, DecisionKind::Redelivery);
            assert_eq!(out.event, None);
            assert!(out.changelog.is_empty(), "a redelivery changes no state");
        }
        clock.advance(Duration::hours(20));
        let mut finals = Vec::new();
        for c in reciprocal(&fourth, 23) {
            let out = publish_all(&mut d, &c, clock.now(), &mut log);
            assert_eq!(out.kind, DecisionKind::Update);
            finals.push(out.event.unwrap());
        }
        check_final(&finals);
        for (e, id) in finals.iter().zip(&ids) {
            assert_eq!(Some(&e.event_id), id.as_ref());
            assert_eq!(e.event_date, date(22), "the first report's date");
            assert_eq!(e.mentions.first_seen, PausedClock::start().now());
            assert_eq!(e.mentions.last_seen, clock.now());
            assert_eq!(e.event_id.len(), 16);
        }
        assert_eq!(d.live_keys(), 2);
        let s = d.stats();
        assert_eq!((s.new, s.copy, s.redelivery, s.update), (2, 4, 2, 2));
    }

    #[test]
    fn issue_scenario_with_a_restart_between_the_third_and_the_fourth() {
        let mut clock = PausedClock::start();
        let (copies, redelivery, fourth) = issue_articles();
        let mut log = Vec::new();
        {
            let mut d = Deduplicator::new(DedupConfig::default());
            for a in &copies {
                for c in reciprocal(a, 22) {
                    publish_all(&mut d, &c, clock.now(), &mut log);
                }
                clock.advance(Duration::minutes(10));
            }
            // The instance dies here; only its changelog survives.
        }
        let mut d = Deduplicator::new(DedupConfig::default());
        for r in &log {
            d.restore(&r.key, r.value.as_deref()).unwrap();
        }
        assert_eq!(d.live_keys(), 2);
        assert_eq!(d.stats().restored_records, log.len() as u64);
        for c in reciprocal(&redelivery, 22) {
            let out = d.process_ok(&c, clock.now());
            assert_eq!(
                out.kind,
                DecisionKind::Redelivery,
                "state knows the first article after restart"
            );
            assert_eq!(out.event, None);
        }
        clock.advance(Duration::hours(20));
        let finals: Vec<Event> = reciprocal(&fourth, 23)
            .iter()
            .map(|c| d.process_ok(c, clock.now()).event.unwrap())
            .collect();
        check_final(&finals);

        // The same event ids as an instance that never stopped.
        let mut never_stopped = Deduplicator::new(DedupConfig::default());
        let first: Vec<String> = reciprocal(&copies[0], 22)
            .iter()
            .map(|c| {
                never_stopped
                    .process_ok(c, clock.now())
                    .event
                    .unwrap()
                    .event_id
            })
            .collect();
        assert_eq!(
            first,
            [finals[0].event_id.clone(), finals[1].event_id.clone()]
        );
    }

    #[test]
    fn restore_replays_a_long_changelog_to_identical_state() {
        // A pseudo-random stream of reports, copies, redeliveries and evictions; replaying
        // the changelog (upserts and tombstones, in order) must rebuild exactly the live state.
        // A bound that the stream reaches but the window mostly keeps it under, so that both
        // causes of eviction occur. (It was 40 when events dated a few days below the
        // watermark were expired by date: now each is kept a window after its last report.)
        let config = DedupConfig {
            max_keys: 160,
            ..Default::default()
        };
        let mut d = Deduplicator::new(config.clone());
        let mut clock = PausedClock::start();
        let mut log = Vec::new();
        let mut seed = 0x2545_f491_4f6c_dd1du64;
        let mut next = move || {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed
        };
        let actors = ["RUS", "LBY", "USA", "CHN", "FRA", "DEU", "TUR", "EGY"];
        let mut sent: Vec<CandidateEvent> = Vec::new();
        for i in 0..2000u32 {
            clock.advance(Duration::minutes(7));
            let r = next();
            let c = if r % 5 == 0 && !sent.is_empty() {
                sent[(r >> 8) as usize % sent.len()].clone()
            } else {
                let src = actors[(r >> 3) as usize % 8];
                let tgt = actors[(r >> 6) as usize % 8];
                let a = art(
                    &format!("a{i}"),
                    &format!("o{}", r >> 9 & 15),
                    r >> 20 & 7,
                    SIM ^ (r >> 30 & 0xff),
                );
                let day = 1 + (i / 100) + (r >> 40 & 1) as u32;
                let mut c = cand(
                    &a,
                    src,
                    tgt,
                    if r >> 44 & 1 == 0 { "057" } else { "05" },
                    day,
                );
                c.evidence.sentence_index = (r >> 50 & 3) as u32;
                c
            };
            publish_all(&mut d, &c, clock.now(), &mut log);
            sent.push(c);
        }
        let s = d.stats();
        assert!(
            s.evicted_window > 0
                && s.evicted_bound > 0
                && s.redelivery > 0
                && s.copy > 0
                && s.update > 0,
            "{s:?}"
        );
        let mut restored = Deduplicator::new(config);
        for r in &log {
            restored.restore(&r.key, r.value.as_deref()).unwrap();
        }
        assert_eq!(restored.live_keys(), d.live_keys());
        assert_eq!(restored.snapshot(), d.snapshot());
        assert_eq!(restored.watermark(), d.watermark());
        // And both decide the next candidates alike.
        for c in sent.iter().rev().take(50) {
            let (a, b) = (
                d.process_ok(c, clock.now()),
                restored.process_ok(c, clock.now()),
            );
            assert_eq!(a.kind, b.kind);
            assert_eq!(a.event, b.event);
        }
    }

    #[test]
    fn same_content_from_the_same_outlet_under_a_new_id_is_a_redelivery() {
        let mut d = Deduplicator::new(DedupConfig::default());
        let now = PausedClock::start().now();
        let a = art("u1", "x.com", 7, SIM);
        d.process_ok(&cand(&a, "RUS", "LBY", "057", 22), now);
        let mut renamed = a.clone();
        renamed.id = "u1?utm=feed".into();
        let out = d.process_ok(&cand(&renamed, "RUS", "LBY", "057", 22), now);
        assert_eq!(out.kind, DecisionKind::Redelivery);
        // The same text from another outlet is syndication: an article and a source more.
        let other = art("y1", "y.com", 7, SIM);
        let out = d.process_ok(&cand(&other, "RUS", "LBY", "057", 22), now);
        assert_eq!(out.kind, DecisionKind::Copy);
        let m = out.event.unwrap().mentions;
        assert_eq!(
            (m.num_articles, m.num_sources, m.num_independent),
            (2, 2, 1)
        );
    }

    #[test]
    fn another_sentence_of_a_counted_article_is_one_more_mention() {
        let mut d = Deduplicator::new(DedupConfig::default());
        let now = PausedClock::start().now();
        let a = art("u1", "x.com", 7, SIM);
        let c1 = cand(&a, "RUS", "LBY", "057", 22);
        let mut c2 = c1.clone();
        c2.evidence.sentence_index = 4;
        d.process_ok(&c1, now);
        let out = d.process_ok(&c2, now);
        assert_eq!(out.kind, DecisionKind::Update);
        let e = out.event.unwrap();
        assert_eq!(e.revision, 2);
        let m = e.mentions;
        assert_eq!(
            (
                m.num_mentions,
                m.num_articles,
                m.num_sources,
                m.num_independent
            ),
            (2, 1, 1, 1)
        );
        // Redelivering the article (both sentences) changes nothing.
        assert_eq!(d.process_ok(&c1, now).kind, DecisionKind::Redelivery);
        assert_eq!(d.process_ok(&c2, now).kind, DecisionKind::Redelivery);
    }

    #[test]
    fn articles_without_an_outlet_count_as_articles_not_sources() {
        let mut d = Deduplicator::new(DedupConfig::default());
        let now = PausedClock::start().now();
        let mut a = art("u1", "x.com", 7, SIM);
        a.outlet = None;
        let e = d
            .process_ok(&cand(&a, "RUS", "LBY", "057", 22), now)
            .event
            .unwrap();
        assert_eq!((e.mentions.num_articles, e.mentions.num_sources), (1, 0));
        assert!(e.mentions.sources.is_empty());
        let mut b = art("u2", "x.com", 8, !SIM);
        b.outlet = None;
        let e = d
            .process_ok(&cand(&b, "RUS", "LBY", "057", 22), now)
            .event
            .unwrap();
        assert_eq!(
            (
                e.mentions.num_articles,
                e.mentions.num_sources,
                e.mentions.num_independent
            ),
            (2, 0, 2)
        );
    }

    #[test]
    fn reports_match_within_the_match_window_of_the_first_report() {
        let mut d = Deduplicator::new(DedupConfig::default());
        let now = PausedClock::start().now();
        let first = d
            .process_ok(&cand(&art("a", "x", 1, SIM), "RUS", "LBY", "057", 20), now)
            .event
            .unwrap();
        let next_day = d.process_ok(&cand(&art("b", "y", 2, !SIM), "RUS", "LBY", "057", 21), now);
        assert_eq!(next_day.kind, DecisionKind::Update);
        assert_eq!(next_day.event.unwrap().event_id, first.event_id);
        // Two days after the first report: another happening, even though it is one day
        // after the second report (no chaining).
        let later = d.process_ok(&cand(&art("c", "z", 3, SIM), "RUS", "LBY", "057", 22), now);
        assert_eq!(later.kind, DecisionKind::New);
        assert_ne!(later.event.unwrap().event_id, first.event_id);
        // A report as close to both goes to the earlier.
        let mid = d.process_ok(
            &cand(&art("d", "w", 4, SIM ^ 1), "RUS", "LBY", "057", 21),
            now,
        );
        assert_eq!(mid.event.unwrap().event_date, date(20));
        let wider = DedupConfig {
            match_window_days: 3,
            ..Default::default()
        };
        let mut d = Deduplicator::new(wider);
        d.process_ok(&cand(&art("a", "x", 1, SIM), "RUS", "LBY", "057", 20), now);
        assert_eq!(
            d.process_ok(&cand(&art("c", "z", 3, !SIM), "RUS", "LBY", "057", 23), now)
                .kind,
            DecisionKind::Update
        );
    }

    #[test]
    fn places_must_agree_where_both_reports_know_one() {
        let now = PausedClock::start().now();
        let with = |id: &str, loc: Option<Location>| {
            let mut c = cand(
                &art(id, id, id.len() as u64, hash_str(id)),
                "RUS",
                "LBY",
                "057",
                22,
            );
            c.location = loc;
            c
        };
        let city = LocationPrecision::City;
        let mut d = Deduplicator::new(DedupConfig::default());
        let moscow = d
            .process_ok(&with("a", Some(place("Moscow", "RUS", city))), now)
            .event
            .unwrap();
        // Another city is another meeting.
        let tripoli = d.process_ok(&with("b", Some(place("Tripoli", "LBY", city))), now);
        assert_eq!(tripoli.kind, DecisionKind::New);
        assert_ne!(tripoli.event.as_ref().unwrap().event_id, moscow.event_id);
        // Case and padding do not matter; a report with no place matches.
        let same = d
            .process_ok(&with("cc", Some(place(" MOSCOW", "rus", city))), now)
            .event
            .unwrap();
        assert_eq!(same.event_id, moscow.event_id);
        // A report that only knows the country matches the city in it, and the event keeps
        // the place of its first report.
        let country = d
            .process_ok(
                &with(
                    "ddd",
                    Some(place("Russia", "RUS", LocationPrecision::Country)),
                ),
                now,
            )
            .event
            .unwrap();
        assert_eq!(country.event_id, moscow.event_id);
        assert_eq!(country.location.unwrap().name, "Moscow");
        let other_city = d.process_ok(&with("eeee", Some(place("Sochi", "RUS", city))), now);
        assert_eq!(other_city.kind, DecisionKind::New);
        let _ = other_city;
        // An event first reported without a place learns it from a later report.
        let mut d = Deduplicator::new(DedupConfig::default());
        let first = d.process_ok(&with("a", None), now).event.unwrap();
        assert_eq!(first.location, None);
        let placed = d
            .process_ok(&with("bb", Some(place("Moscow", "RUS", city))), now)
            .event
            .unwrap();
        assert_eq!(placed.event_id, first.event_id);
        let none_again = d.process_ok(&with("ccc", None), now).event.unwrap();
        assert_eq!(none_again.location.unwrap().name, "Moscow");
        assert_eq!(
            d.process_ok(&with("dddd", Some(place("Sochi", "RUS", city))), now)
                .kind,
            DecisionKind::New
        );
    }

    #[test]
    fn a_dateline_place_does_not_split_reports_of_one_event() {
        let now = PausedClock::start().now();
        let with = |id: &str, loc: Option<Location>| {
            let mut c = cand(
                &art(id, id, id.len() as u64, hash_str(id)),
                "EGY",
                "SDN",
                "057",
                22,
            );
            c.location = loc;
            c
        };
        let (city, dateline) = (LocationPrecision::City, LocationPrecision::Dateline);
        let mut d = Deduplicator::new(DedupConfig::default());
        let cairo = d
            .process_ok(&with("a", Some(place("Cairo", "EGY", dateline))), now)
            .event
            .unwrap();
        assert_eq!(cairo.location.as_ref().unwrap().precision, dateline);
        // Filed from another capital: the same event, a second independent report.
        let khartoum = d.process_ok(&with("bb", Some(place("Khartoum", "SDN", dateline))), now);
        assert_eq!(khartoum.kind, DecisionKind::Update);
        let khartoum = khartoum.event.unwrap();
        assert_eq!(khartoum.event_id, cairo.event_id);
        assert_eq!(khartoum.mentions.num_independent, 2);
        // A place the text names replaces the dateline's.
        let named = d
            .process_ok(&with("ccc", Some(place("Addis Ababa", "ETH", city))), now)
            .event
            .unwrap();
        assert_eq!(named.event_id, cairo.event_id);
        assert_eq!(named.location.unwrap().name, "Addis Ababa");
        // And from then on a different place named in a text is a different event.
        let other = d.process_ok(&with("dddd", Some(place("Moscow", "RUS", city))), now);
        assert_eq!(other.kind, DecisionKind::New);
        // The dateline is not part of the id: the same report without one has the same id.
        let mut fresh = Deduplicator::new(DedupConfig::default());
        let placeless = fresh.process_ok(&with("a", None), now).event.unwrap();
        assert_eq!(placeless.event_id, cairo.event_id);
    }

    #[test]
    fn actors_root_codes_and_negation_separate_events() {
        let now = PausedClock::start().now();
        let mut d = Deduplicator::new(DedupConfig::default());
        let a = art("a", "x", 1, SIM);
        let base = d
            .process_ok(&cand(&a, "RUS", "LBY", "057", 22), now)
            .event
            .unwrap();
        for c in [
            cand(&art("b", "y", 2, SIM), "RUS", "EGY", "057", 22),
            cand(&art("c", "z", 3, SIM), "RUSGOV", "LBY", "057", 22),
            cand(&art("d", "w", 4, SIM), "RUS", "LBY", "042", 22),
        ] {
            let out = d.process_ok(&c, now);
            assert_eq!(out.kind, DecisionKind::New);
            assert_ne!(out.event.unwrap().event_id, base.event_id);
        }
        let mut negated = cand(&art("e", "v", 5, SIM), "RUS", "LBY", "057", 22);
        negated.negated = true;
        assert_eq!(d.process_ok(&negated, now).kind, DecisionKind::New);
    }

    #[test]
    fn the_most_specific_code_is_kept() {
        let now = PausedClock::start().now();
        let mut d = Deduplicator::new(DedupConfig::default());
        let first = d
            .process_ok(&cand(&art("a", "x", 1, SIM), "RUS", "LBY", "05", 22), now)
            .event
            .unwrap();
        assert_eq!(first.code, "05");
        let specific = d
            .process_ok(&cand(&art("b", "y", 2, !SIM), "RUS", "LBY", "057", 22), now)
            .event
            .unwrap();
        assert_eq!(
            (specific.code.as_str(), specific.base_code.as_str()),
            ("057", "057")
        );
        let mut vague = cand(
            &art("c", "z", 3, SIM ^ ((1 << 40) - 1)),
            "RUS",
            "LBY",
            "05",
            22,
        );
        vague.confidence = 0.95;
        let e = d.process_ok(&vague, now).event.unwrap();
        let t = CameoTable::global().get("057").unwrap();
        assert_eq!(
            e.code, "057",
            "a vaguer code does not replace a specific one"
        );
        assert_eq!(
            (e.goldstein, e.quad_class, e.plover.as_deref()),
            (t.goldstein, t.quad_class.number(), t.plover)
        );
        assert_eq!(e.confidence, 0.95, "the highest confidence");
        assert_eq!(e.evidence.article_id, "c");
    }

    #[test]
    fn the_window_evicts_old_events_as_event_time_advances() {
        let mut clock = PausedClock::start();
        let mut d = Deduplicator::new(DedupConfig::default());
        let old = d.process_ok(
            &cand(&art("a", "x", 1, SIM), "RUS", "LBY", "057", 10),
            clock.now(),
        );
        assert_eq!(d.live_keys(), 1);
        // Reports dated up to the window later keep it.
        clock.advance(Duration::hours(30));
        let out = d.process_ok(
            &cand(&art("b", "x", 2, !SIM), "USA", "CHN", "042", 13),
            clock.now(),
        );
        assert_eq!((out.evicted_window, d.live_keys()), (0, 2));
        // A misparsed future date does not move the window.
        let out = d.process_ok(
            &cand(&art("f", "x", 9, !SIM), "USA", "FRA", "042", 31),
            clock.now(),
        );
        assert_eq!((out.evicted_window, d.live_keys()), (0, 3));
        assert_eq!(d.watermark(), Some(date(13)));
        // One more day of event time and the event of the 10th leaves state, with a tombstone.
        clock.advance(Duration::hours(24));
        let out = d.process_ok(
            &cand(&art("c", "x", 3, SIM), "USA", "CHN", "042", 14),
            clock.now(),
        );
        assert_eq!(out.evicted_window, 1);
        assert_eq!(
            out.event_records()[0],
            ChangelogRecord {
                key: old.event_records()[0].key.clone(),
                value: None
            }
        );
        assert_eq!(d.live_keys(), 2);
        assert_eq!(d.stats().evicted_window, 1);
        // A late report of the evicted event starts it again (state cannot know it was
        // counted), under a new id, and is kept: anchored at the watermark, it stays for a
        // window.
        let late_cand = cand(&art("d", "y", 4, !SIM), "RUS", "LBY", "057", 10);
        let late = d.process_ok(&late_cand, clock.now());
        assert_eq!(late.kind, DecisionKind::New);
        let (again, old) = (late.event.clone().unwrap(), old.event.unwrap());
        assert_ne!(again.event_id, old.event_id);
        assert_eq!(again.revision, 1);
        assert_eq!(late.event_records().len(), 1);
        assert!(late.event_records()[0].value.is_some());
        assert_eq!(d.live_keys(), 3);
        assert_eq!(
            d.process_ok(&late_cand, clock.now()).kind,
            DecisionKind::Redelivery
        );
    }

    /// A candidate `c` dated `d` instead (for dates outside March 2019).
    fn on(mut c: CandidateEvent, d: NaiveDate) -> CandidateEvent {
        c.event_date = d;
        c
    }

    fn day(m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2019, m, d).unwrap()
    }

    fn noon(m: u32, d: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2019, m, d, 12, 0, 0).unwrap()
    }

    /// Moves the watermark to `d` (clock at noon that day) with a report of another event,
    /// published that morning.
    fn advance_to(
        d: &mut Deduplicator,
        m: u32,
        dd: u32,
        log: &mut Vec<ChangelogRecord>,
    ) -> Outcome {
        let id = format!("tick-{m}-{dd}");
        let mut c = on(
            // A group of its own per day, so that ticks never merge with one another.
            cand(
                &art(&id, "tick.org", hash_str(&id), hash_str(&id)),
                &format!("T{m:02}{dd:02}"),
                "CHN",
                "042",
                1,
            ),
            day(m, dd),
        );
        c.article.published_at = noon(m, dd) - Duration::hours(3);
        c.article.first_seen = noon(m, dd) - Duration::hours(2);
        let out = publish_all(d, &c, noon(m, dd), log);
        assert_eq!(d.watermark(), Some(day(m, dd)));
        out
    }

    /// A report today of an event 23 days ago, and a syndicated copy of it.
    fn late_report() -> (CandidateEvent, CandidateEvent) {
        let wire = art("wire-late", "tass.ru", 0xa1, SIM);
        let copy = art("lo-late", "libyaobserver.ly", 0xa2, SIM ^ 0b101);
        (
            cand(&wire, "RUS", "LBY", "057", 2),
            cand(&copy, "RUS", "LBY", "057", 2),
        )
    }

    #[test]
    fn a_late_report_redelivered_is_published_once() {
        let mut d = Deduplicator::new(DedupConfig::default());
        let mut log = Vec::new();
        advance_to(&mut d, 3, 25, &mut log);
        let (late, _) = late_report();
        let first = publish_all(&mut d, &late, noon(3, 25), &mut log);
        assert_eq!(first.kind, DecisionKind::New);
        let e = first.event.clone().unwrap();
        assert_eq!((e.revision, e.event_date), (1, date(2)));
        assert_eq!(
            first.event_records().len(),
            1,
            "kept in state, and in the changelog"
        );
        assert_eq!(d.live_keys(), 2);
        // Redelivered a minute later, by the same instance (borrowed or owned) ...
        let later = noon(3, 25) + Duration::minutes(1);
        for out in [
            d.process_ok(&late, later),
            d.process_owned_ok(late.clone(), later),
        ] {
            assert_eq!(out.kind, DecisionKind::Redelivery);
            assert_eq!((out.event, out.changelog.len()), (None, 0));
        }
        // ... or after a crash, by an instance restored from the changelog.
        let mut r = Deduplicator::new(DedupConfig::default());
        for rec in &log {
            r.restore(&rec.key, rec.value.as_deref()).unwrap();
        }
        let out = r.process_ok(&late, later);
        assert_eq!(out.kind, DecisionKind::Redelivery);
        assert_eq!(out.event, None);
        assert_eq!(d.stats().new, 2);
    }

    #[test]
    fn a_copy_of_a_late_report_counts_into_it() {
        let mut d = Deduplicator::new(DedupConfig::default());
        let mut log = Vec::new();
        advance_to(&mut d, 3, 25, &mut log);
        let (late, copy) = late_report();
        let first = d.process_ok(&late, noon(3, 25)).event.unwrap();
        // Another outlet republishes it the next day of event time, within the window.
        advance_to(&mut d, 3, 26, &mut log);
        let out = d.process_ok(&copy, noon(3, 26));
        assert_eq!(out.kind, DecisionKind::Copy);
        let e = out.event.unwrap();
        assert_eq!(e.event_id, first.event_id);
        assert_eq!(e.revision, 2);
        let m = &e.mentions;
        assert_eq!(
            (m.num_articles, m.num_sources, m.num_independent),
            (2, 2, 1)
        );
        assert_eq!(m.article_ids, ["wire-late", "lo-late"]);
    }

    #[test]
    fn a_late_event_leaves_state_a_window_after_its_last_report() {
        let mut d = Deduplicator::new(DedupConfig::default());
        let mut log = Vec::new();
        advance_to(&mut d, 3, 25, &mut log);
        let (late, copy) = late_report();
        let key = d.process_ok(&late, noon(3, 25)).event_records()[0]
            .key
            .clone();
        // Anchored at the 25th: kept while the watermark is within 3 days of it.
        let out = advance_to(&mut d, 3, 28, &mut log);
        assert_eq!(out.evicted_window, 0);
        assert_eq!(
            d.process_ok(&late, noon(3, 28)).kind,
            DecisionKind::Redelivery
        );
        let out = advance_to(&mut d, 3, 29, &mut log);
        assert_eq!(
            out.evicted_window, 2,
            "the late event and the tick of the 25th"
        );
        assert!(out.changelog.contains(&ChangelogRecord {
            key: key.clone(),
            value: None
        }));
        assert_eq!(d.live_keys(), 2, "the ticks of the 28th and 29th");
        // Gone: a later copy starts the event again.
        assert_eq!(d.process_ok(&copy, noon(3, 29)).kind, DecisionKind::New);

        // A report moves the anchor: the copy on the 27th keeps it until after the 30th.
        let mut d = Deduplicator::new(DedupConfig::default());
        advance_to(&mut d, 3, 25, &mut log);
        d.process_ok(&late, noon(3, 25));
        advance_to(&mut d, 3, 27, &mut log);
        assert_eq!(d.process_ok(&copy, noon(3, 27)).kind, DecisionKind::Copy);
        assert_eq!(
            advance_to(&mut d, 3, 30, &mut log).evicted_window,
            1,
            "the tick of the 25th"
        );
        assert_eq!(
            d.process_ok(&late, noon(3, 30)).kind,
            DecisionKind::Redelivery
        );
        let out = advance_to(&mut d, 3, 31, &mut log);
        assert!(out
            .changelog
            .contains(&ChangelogRecord { key, value: None }));
    }

    #[test]
    fn a_restored_late_event_keeps_its_expiry() {
        let mut d = Deduplicator::new(DedupConfig::default());
        let mut log = Vec::new();
        advance_to(&mut d, 3, 25, &mut log);
        let (late, copy) = late_report();
        let key = publish_all(&mut d, &late, noon(3, 25), &mut log).event_records()[0]
            .key
            .clone();
        advance_to(&mut d, 3, 27, &mut log);
        publish_all(&mut d, &copy, noon(3, 27), &mut log);
        let mut r = Deduplicator::new(DedupConfig::default());
        for rec in &log {
            r.restore(&rec.key, rec.value.as_deref()).unwrap();
        }
        assert_eq!(r.snapshot(), d.snapshot());
        assert_eq!(r.watermark(), Some(day(3, 27)));
        // Restored, it expires when the original does: kept on the 30th, gone on the 31st.
        let mut ignore = Vec::new();
        for inst in [&mut d, &mut r] {
            advance_to(inst, 3, 30, &mut ignore);
            assert_eq!(
                inst.process_ok(&late, noon(3, 30)).kind,
                DecisionKind::Redelivery
            );
            let out = advance_to(inst, 3, 31, &mut ignore);
            assert!(out.changelog.contains(&ChangelogRecord {
                key: key.clone(),
                value: None
            }));
        }
        assert_eq!(r.snapshot(), d.snapshot());
    }

    #[test]
    fn reports_in_feed_order_not_date_order_still_merge() {
        // `dragoman run` on a feed of 2016-2023 articles, not sorted: the watermark is in
        // 2023 when three copies of a 2021 story arrive; they are one event.
        let mut d = Deduplicator::new(DedupConfig::default());
        let now = Utc.with_ymd_and_hms(2024, 1, 10, 8, 0, 0).unwrap();
        let recent = NaiveDate::from_ymd_opt(2023, 11, 2).unwrap();
        let story = NaiveDate::from_ymd_opt(2021, 6, 14).unwrap();
        d.process_ok(
            &on(
                cand(&art("n", "x", 1, !SIM), "USA", "CHN", "042", 1),
                recent,
            ),
            now,
        );
        let (copies, _, _) = issue_articles();
        let kinds: Vec<_> = copies
            .iter()
            .map(|a| {
                d.process_ok(&on(cand(a, "RUS", "LBY", "057", 1), story), now)
                    .kind
            })
            .collect();
        assert_eq!(
            kinds,
            [DecisionKind::New, DecisionKind::Copy, DecisionKind::Copy]
        );
    }

    #[test]
    fn the_key_bound_evicts_the_least_recently_updated() {
        let now = PausedClock::start().now();
        let mut d = Deduplicator::new(DedupConfig {
            max_keys: 3,
            ..Default::default()
        });
        let pairs = [("RUS", "LBY"), ("USA", "CHN"), ("FRA", "DEU")];
        let mut keys = Vec::new();
        for (n, (s, t)) in pairs.iter().enumerate() {
            keys.push(
                d.process_ok(
                    &cand(&art(&format!("a{n}"), "x", n as u64, SIM), s, t, "057", 22),
                    now,
                )
                .event_records()[0]
                    .key
                    .clone(),
            );
        }
        // Updating the oldest makes USA-CHN the least recently updated.
        d.process_ok(
            &cand(&art("b", "y", 99, !SIM), "RUS", "LBY", "057", 22),
            now,
        );
        let out = d.process_ok(&cand(&art("c", "z", 98, SIM), "TUR", "EGY", "057", 22), now);
        assert_eq!(out.kind, DecisionKind::New);
        assert_eq!(out.evicted_bound, 1);
        assert_eq!(
            out.event_records()[0],
            ChangelogRecord {
                key: keys[1].clone(),
                value: None
            }
        );
        assert_eq!(d.live_keys(), 3);
        assert_eq!(d.stats().evicted_bound, 1);
        // RUS-LBY is still known; USA-CHN starts again.
        assert_eq!(
            d.process_ok(
                &cand(&art("b", "y", 99, !SIM), "RUS", "LBY", "057", 22),
                now
            )
            .kind,
            DecisionKind::Redelivery
        );
        assert_eq!(
            d.process_ok(&cand(&art("a1", "x", 1, SIM), "USA", "CHN", "057", 22), now)
                .kind,
            DecisionKind::New
        );
    }

    #[test]
    fn the_bound_applies_to_restored_state_on_the_next_candidate() {
        let now = PausedClock::start().now();
        let mut big = Deduplicator::new(DedupConfig::default());
        let mut log = Vec::new();
        for (n, t) in ["LBY", "CHN", "DEU", "EGY"].iter().enumerate() {
            publish_all(
                &mut big,
                &cand(
                    &art(&format!("a{n}"), "x", n as u64, SIM),
                    "RUS",
                    t,
                    "057",
                    22,
                ),
                now,
                &mut log,
            );
        }
        let mut small = Deduplicator::new(DedupConfig {
            max_keys: 2,
            ..Default::default()
        });
        for r in &log {
            small.restore(&r.key, r.value.as_deref()).unwrap();
        }
        assert_eq!(small.live_keys(), 4);
        let out = small.process_ok(&cand(&art("z", "x", 9, SIM), "RUS", "TUR", "057", 22), now);
        assert_eq!((out.evicted_bound, small.live_keys()), (3, 2));
    }

    #[test]
    fn emit_first_publishes_only_the_first_revision_but_keeps_counting() {
        let now = PausedClock::start().now();
        let mut d = Deduplicator::new(DedupConfig {
            emit: Emit::First,
            ..Default::default()
        });
        let (copies, redelivery, fourth) = issue_articles();
        let mut log = Vec::new();
        let first = publish_all(
            &mut d,
            &cand(&copies[0], "RUS", "LBY", "057", 22),
            now,
            &mut log,
        );
        assert_eq!(first.event.unwrap().revision, 1);
        for a in [&copies[1], &copies[2], &redelivery, &fourth] {
            let out = publish_all(&mut d, &cand(a, "RUS", "LBY", "057", 22), now, &mut log);
            assert_eq!(out.event, None);
        }
        assert_eq!(d.stats().copy, 2);
        assert_eq!(d.stats().redelivery, 1);
        assert_eq!(d.stats().update, 1);
        // The state behind it counted everything: an `updates` instance restored from the
        // changelog publishes revision 5 on the next report.
        let mut u = Deduplicator::new(DedupConfig::default());
        for r in &log {
            u.restore(&r.key, r.value.as_deref()).unwrap();
        }
        let e = u
            .process_ok(
                &cand(&art("n", "new.org", 5, 0), "RUS", "LBY", "057", 22),
                now,
            )
            .event
            .unwrap();
        assert_eq!(
            (
                e.revision,
                e.mentions.num_articles,
                e.mentions.num_independent
            ),
            (5, 5, 3)
        );
    }

    #[test]
    fn tombstones_and_bad_records_on_restore() {
        let now = PausedClock::start().now();
        let mut d = Deduplicator::new(DedupConfig::default());
        let out = d.process_ok(&cand(&art("a", "x", 1, SIM), "RUS", "LBY", "057", 22), now);
        let records = out.event_records();
        let rec = &records[0];
        let mut r = Deduplicator::new(DedupConfig::default());
        r.restore(&rec.key, rec.value.as_deref()).unwrap();
        // Replaying the same record twice is harmless (at-least-once replay).
        r.restore(&rec.key, rec.value.as_deref()).unwrap();
        assert_eq!(r.live_keys(), 1);
        r.restore(&rec.key, None).unwrap();
        assert_eq!(r.live_keys(), 0);
        // A tombstone for an unknown key is fine too.
        r.restore(&rec.key, None).unwrap();
        assert!(matches!(
            r.restore(b"short", None),
            Err(DedupError::BadKey { .. })
        ));
        assert!(matches!(
            r.restore(&rec.key, Some(&[1, 2, 3])),
            Err(DedupError::Corrupt(_))
        ));
        assert_eq!(r.live_keys(), 0);
    }

    #[test]
    fn owned_and_borrowed_candidates_publish_the_same_events() {
        let now = PausedClock::start().now();
        let (mut a, mut b) = (
            Deduplicator::new(DedupConfig::default()),
            Deduplicator::new(DedupConfig::default()),
        );
        let (copies, redelivery, fourth) = issue_articles();
        for art in copies.iter().chain([&redelivery, &fourth]) {
            let mut c = cand(art, "RUS", "LBY", "05", 22);
            c.location = Some(place("Moscow", "RUS", LocationPrecision::City));
            let (x, y) = (a.process_ok(&c, now), b.process_owned_ok(c, now));
            assert_eq!(x, y);
        }
        assert_eq!(a.snapshot(), b.snapshot());
    }

    #[test]
    fn located_events_restore_from_the_changelog_to_identical_state() {
        // Places are interned in memory; the changelog carries them inline, so that another
        // process (another place table) rebuilds the same events and the same values.
        let now = PausedClock::start().now();
        let mut d = Deduplicator::new(DedupConfig::default());
        let mut log = Vec::new();
        let city = LocationPrecision::City;
        let places = [
            Some(place("Moscow", "RUS", city)),
            Some(place("Tripoli", "LBY", city)),
            None,
            Some(place("Russia", "RUS", LocationPrecision::Country)),
        ];
        for (n, p) in places.iter().cycle().take(24).enumerate() {
            let a = art(
                &format!("a{n}"),
                &format!("o{}", n % 5),
                n as u64,
                SIM ^ n as u64,
            );
            let mut c = cand(&a, "RUS", ["LBY", "EGY", "TUR"][n % 3], "057", 22);
            c.location = p.clone();
            publish_all(&mut d, &c, now, &mut log);
        }
        let mut r = Deduplicator::new(DedupConfig::default());
        // A table that numbers places differently.
        r.outlets.places.intern(&place("Sochi", "RUS", city));
        for rec in &log {
            r.restore(&rec.key, rec.value.as_deref()).unwrap();
        }
        assert_eq!(r.snapshot(), d.snapshot());
        let mut c = cand(&art("z", "o9", 99, !SIM), "RUS", "LBY", "057", 22);
        c.location = Some(place("moscow ", "rus", city));
        let (a, b) = (d.process_ok(&c, now), r.process_ok(&c, now));
        assert_eq!(a, b);
        assert_eq!(a.event.unwrap().location.unwrap().name, "Moscow");
    }

    #[test]
    fn owned_candidates_lend_their_strings_without_changing_the_event() {
        let now = PausedClock::start().now();
        let (mut a, mut b) = (
            Deduplicator::new(DedupConfig::default()),
            Deduplicator::new(DedupConfig::default()),
        );
        let city = LocationPrecision::City;
        let reports = [
            (
                "wire-1",
                Some(place("Moscow", "RUS", city)),
                "057",
                "deadbeef",
            ),
            // Only the country: the event keeps Moscow, not this candidate's place.
            (
                "lo-2",
                Some(place("Russia", "RUS", LocationPrecision::Country)),
                "05",
                "x",
            ),
            // A vaguer code: the event's code comes from the table, not the candidate.
            ("rt-3", None, "05", "not hex at all"),
        ];
        for (n, (id, loc, code, hash)) in reports.into_iter().enumerate() {
            let mut c = cand(
                &art(id, id, n as u64, SIM ^ (n as u64) << 30),
                "RUS",
                "LBY",
                code,
                22,
            );
            c.location = loc;
            c.article.url = Some(format!("https://example.org/{id}/a-long-enough-path"));
            c.article.content_hash = hash.into();
            let (x, y) = (a.process_ok(&c, now), b.process_owned_ok(c, now));
            assert_eq!(x, y);
            let e = y.event.unwrap();
            assert_eq!(e.schema, EVENT_SCHEMA);
            assert_eq!(e.event_id.len(), 16);
            assert_eq!(e.location.unwrap().name, "Moscow");
        }
    }

    #[test]
    fn event_ids_are_sixteen_hex_digits() {
        for v in [0, 1, 0xdead_beef, u64::MAX, 0x0123_4567_89ab_cdef] {
            assert_eq!(hex16(v), format!("{v:016x}"));
        }
    }

    #[test]
    fn decision_kinds_have_metric_labels() {
        let labels: Vec<_> = DecisionKind::ALL.iter().map(DecisionKind::as_str).collect();
        assert_eq!(labels, ["new", "update", "redelivery", "copy"]);
        assert_eq!(DecisionKind::Copy.to_string(), "copy");
    }

    #[test]
    fn deduplicator_is_send() {
        fn send<T: Send>() {}
        send::<Deduplicator>();
    }

    /// A candidate of an article that stated no publication time: ingest dated it by its own
    /// clock (`published_at` = `first_seen` = now), and the coder dated the event today.
    fn undated(a: &Art, src: &str, tgt: &str, code: &str, now: DateTime<Utc>) -> CandidateEvent {
        let mut c = on(cand(a, src, tgt, code, 1), now.date_naive());
        c.article.published_at = now;
        c.article.first_seen = now;
        c
    }

    /// The service's clock when a backlog of 2019 articles is processed.
    fn years_later() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 11, 29, 13, 0, 0).unwrap()
    }

    #[test]
    fn an_undated_article_in_a_backlog_does_not_expire_the_events_before_it() {
        // The crash test's failure, offline: articles of March 2019 read years later with a
        // window longer than the load; one article without a publication time among them is
        // dated by the ingest clock. It moved the watermark to 2026 and expired every event,
        // so a syndicated copy of an earlier article was published again as revision 1 of
        // the same event_id, and a redelivery of the first report too.
        let now = years_later();
        let mut d = Deduplicator::new(DedupConfig {
            state_window: Duration::days(90),
            match_window_days: 3,
            ..Default::default()
        });
        let (copies, redelivery, _) = issue_articles();
        let first = d.process_ok(&cand(&copies[0], "RUS", "LBY", "057", 22), now);
        let first = first.event.unwrap();
        assert_eq!(first.revision, 1);
        let other = d.process_ok(
            &cand(&art("b", "x.org", 7, !SIM), "USA", "CHN", "042", 20),
            now,
        );
        assert_eq!(other.kind, DecisionKind::New);

        let u = d.process_ok(
            &undated(&art("u", "y.org", 8, 77), "TUR", "EGY", "042", now),
            now,
        );
        assert_eq!(u.kind, DecisionKind::New);
        assert_eq!((u.evicted_window, d.live_keys()), (0, 3));
        assert_eq!(
            d.watermark(),
            Some(date(22)),
            "stream time stays in the stream"
        );

        let copy = d.process_ok(&cand(&copies[1], "RUS", "LBY", "057", 22), now);
        assert_eq!(copy.kind, DecisionKind::Copy);
        let e = copy.event.unwrap();
        assert_eq!(
            (e.event_id.as_str(), e.revision),
            (first.event_id.as_str(), 2)
        );
        let again = d.process_ok(&cand(&redelivery, "RUS", "LBY", "057", 22), now);
        assert_eq!((again.kind, again.event), (DecisionKind::Redelivery, None));
        // The undated event is kept too, and recognised when redelivered.
        let u2 = d.process_ok(
            &undated(&art("u", "y.org", 8, 77), "TUR", "EGY", "042", now),
            now,
        );
        assert_eq!(u2.kind, DecisionKind::Redelivery);

        // Without any stated publication time the wall clock stays the present, as before.
        let mut live = Deduplicator::new(DedupConfig::default());
        live.process_ok(
            &undated(&art("v", "y.org", 9, 78), "TUR", "EGY", "042", now),
            now,
        );
        assert_eq!(live.watermark(), Some(now.date_naive()));
    }

    /// xorshift64*: a seeded stream without a dependency.
    struct Rng(u64);

    impl Rng {
        fn next(&mut self) -> u64 {
            self.0 ^= self.0 >> 12;
            self.0 ^= self.0 << 25;
            self.0 ^= self.0 >> 27;
            self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
        }
        fn below(&mut self, n: usize) -> usize {
            (self.next() % n as u64) as usize
        }
        fn chance(&mut self, percent: u64) -> bool {
            self.next() % 100 < percent
        }
    }

    #[test]
    fn random_streams_with_redeliveries_never_publish_a_revision_twice() {
        const SOURCES: [&str; 5] = ["RUS", "LBY", "USA", "CHN", "TUR"];
        const CODES: [&str; 5] = ["057", "042", "05", "036", "04"];
        for seed in 1..=12u64 {
            let mut rng = Rng(seed.wrapping_mul(0x9e37_79b9_7f4a_7c15) | 1);
            // A window longer than the stream's dates, as in the crash test: every event
            // stays in state, so every redelivery must be recognised.
            let mut d = Deduplicator::new(DedupConfig {
                state_window: Duration::days(90),
                ..Default::default()
            });
            let mut now = years_later();
            let mut sent: Vec<CandidateEvent> = Vec::new();
            let mut published = std::collections::HashSet::new();
            for step in 0..2500 {
                now += Duration::seconds(1 + rng.below(20) as i64);
                let redelivered = !sent.is_empty() && rng.chance(20);
                let c = if redelivered {
                    // A record read again after a crash: recent ones mostly, any at times.
                    let back = if rng.chance(80) {
                        rng.below(40)
                    } else {
                        rng.below(sent.len())
                    };
                    sent[sent.len() - 1 - back.min(sent.len() - 1)].clone()
                } else if !sent.is_empty() && rng.chance(15) {
                    // A syndicated copy of an earlier report: the same text (or a few bits of
                    // SimHash off), another id, usually another outlet.
                    let mut c = sent[rng.below(sent.len())].clone();
                    let id = format!("c{step}");
                    c.article.id.clone_from(&id);
                    c.evidence.article_id = id;
                    c.article.source = Some(format!("o{}", rng.below(9)));
                    if rng.chance(50) {
                        c.article.content_hash = format!("{:016x}", rng.next());
                        let sim = parse_hex64(&c.article.simhash).0 ^ (1 << rng.below(64));
                        c.article.simhash = format!("{sim:016x}");
                    }
                    c
                } else {
                    let a = art(
                        &format!("a{step}"),
                        &format!("o{}", rng.below(9)),
                        rng.next(),
                        rng.next(),
                    );
                    let src = SOURCES[rng.below(SOURCES.len())];
                    let tgt = SOURCES
                        [(SOURCES.iter().position(|s| *s == src).unwrap() + 1 + rng.below(4)) % 5];
                    let code = CODES[rng.below(CODES.len())];
                    let mut c = if rng.chance(3) {
                        undated(&a, src, tgt, code, now)
                    } else {
                        cand(&a, src, tgt, code, 1 + rng.below(28) as u32)
                    };
                    c.evidence.sentence_index = rng.below(4) as u32;
                    c
                };
                let out = if rng.chance(50) {
                    d.process_ok(&c, now)
                } else {
                    d.process_owned_ok(c.clone(), now)
                };
                if redelivered {
                    assert_eq!(
                        out.kind,
                        DecisionKind::Redelivery,
                        "seed {seed} step {step}"
                    );
                    assert_eq!(out.event, None, "seed {seed} step {step}");
                } else {
                    sent.push(c);
                }
                if let Some(e) = out.event {
                    assert!(
                        published.insert((e.event_id.clone(), e.revision)),
                        "seed {seed} step {step}: {} revision {} published twice",
                        e.event_id,
                        e.revision
                    );
                }
            }
            assert!(
                d.stats().redelivery > 300 && d.stats().copy > 0,
                "{:?}",
                d.stats()
            );
        }
    }

    /// Every revision published, in order: asserts that revisions of one `event_id` only go
    /// up, which also makes each (event_id, revision) unique.
    #[derive(Default)]
    struct Ledger {
        last: std::collections::HashMap<String, u32>,
        published: usize,
    }

    impl Ledger {
        fn record(&mut self, out: &Outcome, context: &str) {
            if let Some(e) = &out.event {
                let before = self.last.insert(e.event_id.clone(), e.revision);
                assert!(
                    before.is_none_or(|b| e.revision > b),
                    "{context}: {} revision {} published after revision {before:?}",
                    e.event_id,
                    e.revision
                );
                self.published += 1;
            }
        }

        fn seen(&self, event_id: &str) -> bool {
            self.last.contains_key(event_id)
        }
    }

    /// What a compacted changelog topic keeps: the latest record of each key, in the order
    /// of those records, and no key whose latest record is a tombstone.
    fn compact(log: &[ChangelogRecord]) -> Vec<ChangelogRecord> {
        let mut latest: std::collections::HashMap<&[u8], usize> = Default::default();
        for (at, r) in log.iter().enumerate() {
            latest.insert(&r.key, at);
        }
        log.iter()
            .enumerate()
            .filter(|(at, r)| latest[r.key.as_slice()] == *at && r.value.is_some())
            .map(|(_, r)| r.clone())
            .collect()
    }

    fn restored(config: DedupConfig, log: &[ChangelogRecord]) -> Deduplicator {
        let mut r = Deduplicator::new(config);
        for rec in log {
            r.restore(&rec.key, rec.value.as_deref()).unwrap();
        }
        r
    }

    /// A candidate of an article that stated `published` as its publication time, dated
    /// `date` by the coder.
    fn stated(a: &Art, published: DateTime<Utc>, date: NaiveDate) -> CandidateEvent {
        let mut c = on(cand(a, "RUS", "LBY", "057", 1), date);
        c.article.published_at = published;
        c
    }

    #[test]
    fn an_event_that_left_state_and_returns_never_reuses_a_revision() {
        // The issue's embedded run: an event left state, and a later report of it started it
        // again at revision 1 under the same id, which consumers had seen at revision 2.
        let mut d = Deduplicator::new(DedupConfig::default());
        let (mut log, mut ledger) = (Vec::new(), Ledger::default());
        advance_to(&mut d, 3, 16, &mut log);
        let reports: Vec<CandidateEvent> = (0..6u64)
            .map(|n| {
                let a = art(&format!("r{n}"), &format!("o{n}"), 100 + n, SIM ^ n << 40);
                cand(&a, "RUS", "LBY", "057", 16)
            })
            .collect();
        let mut ids = Vec::new();
        for (round, pair) in reports.chunks(2).enumerate() {
            let now = noon(3, 16 + 4 * round as u32);
            let first = publish_all(&mut d, &pair[0], now, &mut log);
            ledger.record(&first, "first report");
            let again = publish_all(&mut d, &pair[1], now, &mut log);
            ledger.record(&again, "second report");
            let (first, again) = (first.event.unwrap(), again.event.unwrap());
            assert_eq!(first.revision, 1);
            assert_eq!(
                (again.event_id.as_str(), again.revision),
                (first.event_id.as_str(), 2),
                "while in state, one event"
            );
            assert!(!ids.contains(&first.event_id), "round {round}: an id again");
            ids.push(first.event_id);
            // Four days of event time later the window has dropped it.
            let out = advance_to(&mut d, 3, 20 + 4 * round as u32, &mut log);
            assert!(out.evicted_window >= 1);
        }
        assert_eq!(d.stats().salted, 2, "the second and third time");

        // Left by the bound: the same (another deduplicator, another ledger).
        let mut ledger = Ledger::default();
        let mut d = Deduplicator::new(DedupConfig {
            max_keys: 1,
            ..Default::default()
        });
        let now = noon(3, 25);
        let a = d.process_ok(&reports[0], now);
        ledger.record(&a, "bound");
        let other = cand(&art("x", "x", 9, !SIM), "USA", "CHN", "042", 16);
        assert_eq!(d.process_ok(&other, now).evicted_bound, 1);
        let back = d.process_ok(&reports[1], now);
        assert_eq!(back.kind, DecisionKind::New);
        let (a, back) = (a.event.unwrap(), back.event.unwrap());
        assert_ne!(back.event_id, a.event_id);
        assert_eq!(back.revision, 1);
    }

    #[test]
    fn an_intention_dated_next_week_does_not_expire_the_events_of_its_day() {
        // The cause of every duplicate in the issue's embedded run: a replay of March 2024
        // articles, years later; the first report "will visit next week" is dated a week
        // after its article, and it moved the watermark a week at once. Every event of the
        // days before left state, and the next copy of one started it again at revision 1.
        let now = years_later();
        let mut d = Deduplicator::new(DedupConfig::default());
        let mut ledger = Ledger::default();
        let published = Utc.with_ymd_and_hms(2019, 3, 4, 6, 0, 0).unwrap();
        let wire = art("lg-1", "wire.example", 1, SIM);
        let monday = stated(&wire, published, day(3, 4));
        let mut next_week = stated(&wire, published, day(3, 11));
        next_week.evidence.sentence_index = 2;
        next_week.target = Some(actor("DZA"));
        for c in [&monday, &next_week] {
            let out = d.process_ok(c, now);
            assert_eq!(out.kind, DecisionKind::New);
            ledger.record(&out, "first");
        }
        assert_eq!(d.watermark(), Some(day(3, 4)), "a plan is not stream time");
        assert_eq!(d.live_keys(), 2);
        let copy = stated(
            &art("lg-27", "daily.example", 2, SIM ^ 3),
            published,
            day(3, 4),
        );
        let out = d.process_ok(&copy, now);
        assert_eq!(out.kind, DecisionKind::Copy);
        ledger.record(&out, "copy");
        assert_eq!(out.event.unwrap().revision, 2);
    }

    #[test]
    fn revisions_only_go_up_with_odd_publication_dates() {
        // A replay of March 2019 in November 2026, with articles that state a publication
        // date in year 1, 1970, 2099 or 9999, and one that states none.
        let now = years_later();
        let mut d = Deduplicator::new(DedupConfig::default());
        let mut ledger = Ledger::default();
        let (copies, _, fourth) = issue_articles();
        let at = |y: i32, m: u32, dd: u32| Utc.with_ymd_and_hms(y, m, dd, 10, 0, 0).unwrap();
        let first = d.process_ok(&cand(&copies[0], "RUS", "LBY", "057", 22), now);
        ledger.record(&first, "first");
        let first = first.event.unwrap();

        let odd = art("odd", "odd.example", 77, !SIM);
        let refused = |d: &mut Deduplicator, c: &CandidateEvent| {
            let live = d.live_keys();
            let why = d.process(c, now).expect_err("refused");
            assert_eq!(why.reason(), "date_out_of_range");
            assert_eq!(d.live_keys(), live, "a refused candidate changes nothing");
            why
        };
        // Its "Monday" dated against year 1, or past year 9999 (9999-12-31 at UTC-5).
        let year_1 = NaiveDate::from_ymd_opt(1, 1, 4).unwrap();
        refused(&mut d, &stated(&odd, at(1, 1, 5), year_1));
        let year_10000 = NaiveDate::from_ymd_opt(10_000, 1, 3).unwrap();
        let why = refused(&mut d, &stated(&odd, at(9999, 12, 31), year_10000));
        assert!(why.to_string().contains("+10000-01-03"), "{why}");
        refused(
            &mut d,
            &stated(&odd, at(2099, 6, 1), day(3, 1).with_year(2099).unwrap()),
        );
        // A 2099 article's sentence that names its own date is an event; the 2099 does not
        // become the present of the articles that state none.
        let mut named = stated(&art("2099", "y.example", 78, 3), at(2099, 6, 1), day(3, 21));
        named.target = Some(actor("EGY"));
        ledger.record(&d.process_ok(&named, now), "named date");
        // 1970 (a Unix time of 0) is a date: a late event, which moves no window.
        let epoch = NaiveDate::from_ymd_opt(1970, 1, 1).unwrap();
        let unix = stated(&art("1970", "z.example", 79, 4), at(1970, 1, 1), epoch);
        ledger.record(&d.process_ok(&unix, now), "1970");
        // An undated article, dated by the ingest clock in 2026.
        let u = undated(&art("u", "u.example", 80, 5), "TUR", "EGY", "042", now);
        ledger.record(&d.process_ok(&u, now), "undated");
        assert_eq!(
            d.watermark(),
            Some(date(22)),
            "stream time stays in March 2019"
        );
        assert_eq!((d.stats().rejected, d.stats().evicted_window), (3, 0));

        // The stream goes on: the first event is still known and revised.
        for a in [&copies[1], &copies[2], &fourth] {
            let out = d.process_ok(&cand(a, "RUS", "LBY", "057", 22), now);
            ledger.record(&out, "later report");
            assert_eq!(out.event.unwrap().event_id, first.event_id);
        }
        assert_eq!(ledger.last[&first.event_id], 4);
    }

    #[test]
    fn dates_outside_the_accepted_range_are_dead_letters_that_change_nothing() {
        assert_eq!(EARLIEST_DAY, EARLIEST_EVENT_DATE.num_days_from_ce());
        let now = years_later();
        let today = now.date_naive();
        let c = |date: NaiveDate| on(cand(&art("a", "x", 1, SIM), "RUS", "LBY", "057", 1), date);
        let latest = today + Duration::days(i64::from(MAX_DAYS_AHEAD));
        let mut d = Deduplicator::new(DedupConfig::default());
        for bad in [
            EARLIEST_EVENT_DATE.pred_opt().unwrap(),
            latest.succ_opt().unwrap(),
            NaiveDate::MIN,
            NaiveDate::MAX,
        ] {
            let why = d.process(&c(bad), now).unwrap_err();
            assert_eq!(
                why,
                Rejection::DateOutOfRange {
                    date: bad,
                    earliest: EARLIEST_EVENT_DATE,
                    latest
                }
            );
            assert!(d.process_owned(c(bad), now).is_err());
        }
        assert_eq!(d.stats().rejected, 8);
        assert_eq!((d.live_keys(), d.watermark(), d.stats().new), (0, None, 0));
        for good in [EARLIEST_EVENT_DATE, latest] {
            assert_eq!(d.process_ok(&c(good), now).kind, DecisionKind::New);
        }
    }

    #[test]
    fn a_restored_dedup_never_republishes_a_revision() {
        // Events that left state, then a restart: the compacted changelog has lost their
        // records and tombstones; only the meta record says that their ids were used.
        let config = DedupConfig::default();
        let mut d = Deduplicator::new(config.clone());
        let (mut log, mut ledger) = (Vec::new(), Ledger::default());
        advance_to(&mut d, 3, 20, &mut log);
        let (copies, redelivery, fourth) = issue_articles();
        for a in &copies[..2] {
            ledger.record(
                &publish_all(
                    &mut d,
                    &cand(a, "RUS", "LBY", "057", 20),
                    noon(3, 20),
                    &mut log,
                ),
                "before",
            );
        }
        advance_to(&mut d, 3, 24, &mut log);
        let live = publish_all(
            &mut d,
            &cand(&fourth, "USA", "CHN", "042", 24),
            noon(3, 24),
            &mut log,
        );
        ledger.record(&live, "before");
        for log in [log.clone(), compact(&log)] {
            let mut r = restored(config.clone(), &log);
            let mut ledger = Ledger {
                last: ledger.last.clone(),
                published: 0,
            };
            assert_eq!(r.watermark(), Some(day(3, 24)));
            // A live event continues its revisions; a redelivery of it publishes nothing.
            let more = cand(&art("more", "m.example", 5, 6), "USA", "CHN", "042", 24);
            let out = r.process_ok(&more, noon(3, 24));
            ledger.record(&out, "after restart");
            assert_eq!(out.event.unwrap().revision, 2);
            let again = cand(&fourth, "USA", "CHN", "042", 24);
            assert_eq!(r.process_ok(&again, noon(3, 24)).event, None);
            // One that left state comes back under an id never published.
            let out = r.process_ok(&cand(&redelivery, "RUS", "LBY", "057", 20), noon(3, 24));
            assert_eq!(out.kind, DecisionKind::New);
            let e = out.event.clone().unwrap();
            assert!(!ledger.seen(&e.event_id));
            ledger.record(&out, "after restart");
            // As the instance that never stopped decides.
            let mut same = Deduplicator::new(config.clone());
            for rec in &log {
                same.restore(&rec.key, rec.value.as_deref()).unwrap();
            }
            let mut kept = restored(config.clone(), &[]);
            std::mem::swap(&mut kept, &mut same);
            let out = kept.process_ok(&cand(&copies[2], "RUS", "LBY", "057", 20), noon(3, 24));
            assert_eq!(out.kind, DecisionKind::New);
        }
        let out = d.process_ok(&cand(&redelivery, "RUS", "LBY", "057", 20), noon(3, 24));
        let mut r = restored(config, &compact(&log));
        let restarted = r.process_ok(&cand(&redelivery, "RUS", "LBY", "057", 20), noon(3, 24));
        assert_eq!(
            out.event, restarted.event,
            "the same id as without the restart"
        );
    }

    #[test]
    fn an_unreadable_changelog_record_gives_every_later_event_a_new_id() {
        let config = DedupConfig::default();
        let now = noon(3, 22);
        let mut d = Deduplicator::new(config.clone());
        let mut log = Vec::new();
        let a = cand(&art("a", "x", 1, SIM), "RUS", "LBY", "057", 22);
        let b = cand(&art("b", "y", 2, !SIM), "USA", "CHN", "042", 22);
        let first_a = publish_all(&mut d, &a, now, &mut log).event.unwrap();
        let first_b = publish_all(&mut d, &b, now, &mut log).event.unwrap();
        // A's record cannot be read (a newer version's value, or a damaged one).
        let at = log
            .iter()
            .position(|r| r.key.len() == 16 && r.value.is_some())
            .unwrap();
        for damage in [
            vec![9u8, 1, 2],
            log[at].value.as_ref().unwrap()[..30].to_vec(),
        ] {
            let mut damaged = log.clone();
            damaged[at].value = Some(damage);
            let mut r = Deduplicator::new(config.clone());
            let errors = damaged
                .iter()
                .filter(|rec| r.restore(&rec.key, rec.value.as_deref()).is_err())
                .count();
            assert_eq!((errors, r.live_keys()), (1, 1));
            // A's state is lost: its redelivery is a new event, under a new id.
            let out = r.process_ok(&a, now);
            assert_eq!(out.kind, DecisionKind::New);
            assert_ne!(out.event.unwrap().event_id, first_a.event_id);
            assert_eq!(r.process_ok(&b, now).kind, DecisionKind::Redelivery);
            // And the restored instance's meta record keeps it so, for the next restart.
            let mut after = damaged.clone();
            after.extend(out.changelog);
            let mut again = Deduplicator::new(config.clone());
            for rec in &after {
                let _ = again.restore(&rec.key, rec.value.as_deref());
            }
            let c = cand(&art("c", "z", 3, 7), "FRA", "DEU", "057", 22);
            assert_eq!(again.process_ok(&c, now).kind, DecisionKind::New);
            assert!(again.stats().salted >= 1);
        }

        // An unreadable meta record: the epoch jumps to the clock, past any count.
        let mut damaged = log.clone();
        let meta = damaged.iter_mut().find(|r| r.key == META_KEY).unwrap();
        meta.value = Some(vec![1, 2, 3]);
        let mut r = Deduplicator::new(config);
        let errors = damaged
            .iter()
            .filter(|rec| r.restore(&rec.key, rec.value.as_deref()).is_err())
            .count();
        assert_eq!((errors, r.live_keys()), (1, 2));
        let c = cand(&art("d", "w", 4, 8), "TUR", "EGY", "057", 22);
        let out = r.process_ok(&c, now);
        assert_eq!(out.changelog[0].key, META_KEY, "written first");
        assert!(r.meta.epoch >= now.timestamp_nanos_opt().unwrap() as u64);
        assert_eq!(r.meta.left, i32::MAX);
        assert_eq!(r.process_ok(&b, now).event, None);
        assert_ne!(first_b.event_id, out.event.unwrap().event_id);
    }

    #[test]
    fn a_changelog_without_meta_records_gives_every_new_event_a_new_id() {
        // Written by the version before meta records, which did not keep what left state.
        let config = DedupConfig::default();
        let mut d = Deduplicator::new(config.clone());
        let mut log = Vec::new();
        advance_to(&mut d, 3, 20, &mut log);
        let gone = cand(&art("g", "x", 1, SIM), "RUS", "LBY", "057", 20);
        let gone_id = publish_all(&mut d, &gone, noon(3, 20), &mut log)
            .event
            .unwrap()
            .event_id;
        advance_to(&mut d, 3, 24, &mut log);
        let old: Vec<ChangelogRecord> = compact(&log)
            .into_iter()
            .filter(|r| r.key != META_KEY)
            .collect();
        let mut r = restored(config, &old);
        assert_eq!(r.watermark(), Some(day(3, 24)), "from the events' anchors");
        let back = r.process_ok(&gone, noon(3, 24));
        assert_eq!(back.kind, DecisionKind::New);
        assert_ne!(back.event.unwrap().event_id, gone_id);
        assert_eq!(back.changelog[0].key, META_KEY);
    }

    #[test]
    fn random_streams_with_evictions_and_restarts_publish_revisions_in_order_once() {
        // Reports, copies, redeliveries, odd dates, a small bound and a short window (both
        // evict all the time), and restarts from the changelog (compacted, or not yet) at
        // random points: across all of it, each event_id's revisions only go up.
        const ACTORS: [&str; 6] = ["RUS", "LBY", "USA", "CHN", "TUR", "EGY"];
        let now0 = years_later();
        for seed in 1..=8u64 {
            let mut rng = Rng(seed.wrapping_mul(0x9e37_79b9_7f4a_7c15) | 1);
            let config = DedupConfig {
                max_keys: 40 + rng.below(60),
                state_window: Duration::days(1 + rng.below(3) as i64),
                ..Default::default()
            };
            let mut d = Deduplicator::new(config.clone());
            let (mut log, mut ledger) = (Vec::new(), Ledger::default());
            let mut sent: Vec<CandidateEvent> = Vec::new();
            let (mut restarts, mut refused) = (0, 0);
            let mut now = now0;
            for step in 0..3000 {
                now += Duration::seconds(1 + rng.below(30) as i64);
                let c = if !sent.is_empty() && rng.chance(25) {
                    // A redelivery or a late repeat, of a recent record or of any.
                    let back = if rng.chance(70) {
                        rng.below(30)
                    } else {
                        rng.below(sent.len())
                    };
                    sent[sent.len() - 1 - back.min(sent.len() - 1)].clone()
                } else if !sent.is_empty() && rng.chance(20) {
                    let mut c = sent[rng.below(sent.len())].clone();
                    let id = format!("c{step}");
                    c.article.id.clone_from(&id);
                    c.evidence.article_id = id;
                    c.article.source = Some(format!("o{}", rng.below(7)));
                    c
                } else {
                    // The stream's days move on; reports run up to a week late, intentions
                    // up to a week ahead, and a few articles state odd publication dates.
                    let today = 1 + step as u32 / 120;
                    let published = date(today.min(31)).and_hms_opt(8, 0, 0).unwrap().and_utc();
                    let offset = rng.below(15) as i64 - 7;
                    let mut date = published.date_naive() + Duration::days(offset);
                    let mut published = published;
                    if rng.chance(3) {
                        let year = [1, 1970, 2099, 9999][rng.below(4)];
                        published = published.with_year(year).unwrap();
                        date = published.date_naive();
                    }
                    let a = art(
                        &format!("a{step}"),
                        &format!("o{}", rng.below(7)),
                        rng.next(),
                        rng.next(),
                    );
                    let src = ACTORS[rng.below(6)];
                    let tgt = ACTORS
                        [(ACTORS.iter().position(|s| *s == src).unwrap() + 1 + rng.below(5)) % 6];
                    let mut c = if rng.chance(3) {
                        undated(&a, src, tgt, "057", now)
                    } else {
                        let mut c = on(
                            cand(&a, src, tgt, ["057", "042", "036"][rng.below(3)], 1),
                            date,
                        );
                        c.article.published_at = published;
                        c
                    };
                    c.evidence.sentence_index = rng.below(3) as u32;
                    c
                };
                let result = if rng.chance(50) {
                    d.process(&c, now)
                } else {
                    d.process_owned(c.clone(), now)
                };
                match result {
                    Ok(out) => {
                        ledger.record(&out, &format!("seed {seed} step {step}"));
                        log.extend(out.changelog);
                    }
                    Err(why) => {
                        assert_eq!(why.reason(), "date_out_of_range");
                        let y = c.event_date.year();
                        assert!(!(1800..=2027).contains(&y), "{why}");
                        refused += 1;
                    }
                }
                sent.push(c);
                if rng.chance(1) {
                    // A restart: the next instance restores what the changelog holds.
                    restarts += 1;
                    let kept = if rng.chance(50) {
                        compact(&log)
                    } else {
                        log.clone()
                    };
                    d = restored(config.clone(), &kept);
                }
            }
            let s = d.stats();
            assert!(
                restarts > 10 && refused > 10,
                "{restarts} restarts, {refused} refused"
            );
            assert!(ledger.published > 1500, "{}", ledger.published);
            let _ = s;
        }
    }
    /// The meta record and the event records of an outcome, as a service writes them.
    fn event_of(out: &Outcome) -> (&str, u32, (u32, u32, u32, u32)) {
        let e = out.event.as_ref().expect("an event is published");
        let m = &e.mentions;
        (
            e.event_id.as_str(),
            e.revision,
            (
                m.num_mentions,
                m.num_articles,
                m.num_sources,
                m.num_independent,
            ),
        )
    }

    #[test]
    fn a_revision_whose_output_may_be_lost_is_published_again_under_the_next_revision() {
        // Offsets 10 and 11 of the input partition. 10 is done (its changelog record and its
        // event acknowledged, its offset committed); for 11 the changelog record is
        // acknowledged and then the process dies, before its event is.
        let (copies, _, fourth) = issue_articles();
        let now = noon(3, 22);
        for emit in [Emit::Updates, Emit::First] {
            let config = DedupConfig {
                emit,
                ..Default::default()
            };
            let mut d = Deduplicator::new(config.clone());
            let mut log = Vec::new();
            let a = cand(&copies[0], "RUS", "LBY", "057", 22);
            let b = cand(&copies[1], "RUS", "LBY", "057", 22);
            let first = d.process_from(&a, now, 10).unwrap();
            let (id, rev, _) = event_of(&first);
            let id = id.to_string();
            assert_eq!(rev, 1);
            log.extend(first.changelog);
            let lost = d.process_from(&b, now, 11).unwrap();
            assert_eq!(lost.kind, DecisionKind::Copy);
            let lost_counts = (2, 2, 2, 1);
            log.extend(lost.changelog);

            // The restarted deduplicator resumes at 11: the event's latest revision (2, from
            // offset 11) is in doubt.
            let mut r = restored(config.clone(), &log);
            assert_eq!(r.resume(Some(11)), 1);
            // Offset 11 again: a redelivery, which publishes the event's state under
            // revision 3 (2 may or may not have been published; 3 never was).
            let again = r.process_from(&b, now, 11).unwrap();
            assert_eq!(again.kind, DecisionKind::Redelivery);
            assert_eq!(event_of(&again), (id.as_str(), 3, lost_counts));
            let e = again.event.as_ref().unwrap();
            assert_eq!(
                e.evidence.article_id, "lo-42",
                "the evidence of an article it counts"
            );
            assert_eq!(e.mentions.article_ids, ["wire-1", "lo-42"]);
            assert_eq!((r.in_doubt(), r.stats().republished), (0, 1));
            let records = again.event_records();
            assert_eq!(records.len(), 1, "revision 3 is in the changelog first");
            // Once published, it is no longer in doubt: the next redelivery changes nothing.
            let twice = r.process_from(&b, now, 12).unwrap();
            assert_eq!((twice.event, twice.changelog.len()), (None, 0));

            // The process dies again the same way: revision 3's changelog record is durable,
            // its event is not. The next restart publishes revision 4.
            let mut log2 = log.clone();
            log2.extend(again.changelog.iter().cloned());
            let mut r2 = restored(config.clone(), &compact(&log2));
            assert_eq!(r2.resume(Some(11)), 1);
            let out = r2.process_from(&b, now, 11).unwrap();
            assert_eq!(event_of(&out), (id.as_str(), 4, lost_counts));

            // A further report that reaches an event in doubt publishes one revision, as
            // any report does (under `emit = "first"` too: its first revision may be lost).
            let mut r3 = restored(config.clone(), &log);
            assert_eq!(r3.resume(Some(11)), 1);
            let c = cand(&fourth, "RUS", "LBY", "057", 22);
            let out = r3.process_from(&c, now, 13).unwrap();
            assert_eq!(out.kind, DecisionKind::Update);
            assert_eq!(event_of(&out), (id.as_str(), 3, (3, 3, 3, 2)));
            assert_eq!(r3.in_doubt(), 0);
            let out = r3.process_from(&b, now, 11).unwrap();
            assert_eq!((out.kind, out.event), (DecisionKind::Redelivery, None));
            // The committed offset is where consumption resumes: at 12, offset 11 is done.
            let mut done = restored(config.clone(), &log);
            assert_eq!(done.resume(Some(12)), 0);
            assert_eq!(done.process_from(&b, now, 12).unwrap().event, None);
        }
    }

    #[test]
    fn a_replayed_record_of_an_event_not_in_doubt_publishes_nothing() {
        let (copies, _, fourth) = issue_articles();
        let now = noon(3, 22);
        let config = DedupConfig::default();
        let a = cand(&copies[0], "RUS", "LBY", "057", 22);
        let f = cand(&fourth, "USA", "CHN", "042", 22);
        let mut d = Deduplicator::new(config.clone());
        let mut log = Vec::new();
        // E from offset 20, F from offset 21; offsets up to 21 are committed, then the
        // process dies (the commit lags behind: the group resumes at 21 or earlier).
        for (c, offset) in [(&a, 20), (&f, 21)] {
            log.extend(d.process_from(c, now, offset).unwrap().changelog);
        }
        let mut r = restored(config.clone(), &log);
        assert_eq!(r.resume(Some(21)), 1, "F only");
        // Replayed (or redelivered) reports of E, whose revision was published: nothing.
        for offset in [20, 22] {
            let out = r.process_from(&a, now, offset).unwrap();
            assert_eq!((out.kind, out.event), (DecisionKind::Redelivery, None));
            assert!(out.changelog.is_empty());
        }
        assert_eq!((r.in_doubt(), r.stats().republished), (1, 0));
        let out = r.process_from(&f, now, 21).unwrap();
        assert_eq!(event_of(&out).1, 2);

        // No committed offset: every record is consumed again, every event is in doubt.
        let mut r = restored(config.clone(), &log);
        assert_eq!(r.resume(None), 2);
        // A changelog written without offsets (the embedded pipeline's, or a version-2
        // one): nothing is in doubt, whatever the committed offset.
        let mut plain = Deduplicator::new(config.clone());
        let mut old = Vec::new();
        for c in [&a, &f] {
            old.extend(plain.process_ok(c, now).changelog);
        }
        for committed in [None, Some(0)] {
            let mut r = restored(config.clone(), &old);
            assert_eq!(r.resume(committed), 0);
            assert_eq!(r.process_from(&a, now, 0).unwrap().event, None);
        }
        // Not resumed at all (a runtime that does not call it): nothing is in doubt.
        let mut r = restored(config, &log);
        assert_eq!(r.process_from(&a, now, 20).unwrap().event, None);
        assert_eq!((r.resume(Some(0)), r.in_doubt()), (0, 0));
    }

    /// One input record's outcome in a simulated service: its changelog records, then its
    /// event, each durable or not when the process dies.
    struct Sent {
        changelog: Vec<ChangelogRecord>,
        event: Option<Event>,
    }

    #[test]
    fn random_crashes_between_changelog_and_output_publish_each_revision_once_and_lose_none() {
        // A service under at-least-once delivery, killed at random points: what survives is
        // every record of the offsets before the committed one, a prefix of the changelog
        // records after it, and any of the events whose input record's changelog records
        // all survived (an event is sent only once they are acknowledged). The restarted
        // deduplicator restores the changelog (compacted, or not yet), is resumed at the
        // committed offset and consumes again from there.
        const ACTORS: [&str; 6] = ["RUS", "LBY", "USA", "CHN", "TUR", "EGY"];
        let t0 = years_later();
        let mut republished = 0;
        for seed in 1..=16u64 {
            let mut rng = Rng(seed.wrapping_mul(0x9e37_79b9_7f4a_7c15) | 1);
            // Odd seeds keep every event (the output can be compared with a run without
            // crashes); even ones evict all the time.
            let evicting = seed % 2 == 0;
            let config = if evicting {
                DedupConfig {
                    max_keys: 30 + rng.below(30),
                    state_window: Duration::days(1),
                    ..Default::default()
                }
            } else {
                DedupConfig {
                    state_window: Duration::days(400),
                    ..Default::default()
                }
            };
            // The input partition.
            let mut input: Vec<CandidateEvent> = Vec::new();
            for step in 0..1200 {
                let c = if !input.is_empty() && rng.chance(15) {
                    input[input.len() - 1 - rng.below(input.len().min(40))].clone()
                } else if !input.is_empty() && rng.chance(20) {
                    let mut c = input[rng.below(input.len())].clone();
                    let id = format!("c{step}");
                    c.article.id.clone_from(&id);
                    c.evidence.article_id = id;
                    c.article.source = Some(format!("o{}", rng.below(7)));
                    c
                } else {
                    let a = art(
                        &format!("a{step}"),
                        &format!("o{}", rng.below(7)),
                        rng.next(),
                        rng.next(),
                    );
                    let src = ACTORS[rng.below(6)];
                    let tgt = ACTORS
                        [(ACTORS.iter().position(|s| *s == src).unwrap() + 1 + rng.below(5)) % 6];
                    let today = 1 + (step / 60).min(30) as u32;
                    let day = (today as i64 + rng.below(5) as i64 - 3).clamp(1, 31) as u32;
                    let mut c = cand(&a, src, tgt, ["057", "042", "036"][rng.below(3)], day);
                    c.article.published_at = noon(3, today) - Duration::hours(2);
                    c.evidence.sentence_index = rng.below(3) as u32;
                    c
                };
                input.push(c);
            }
            let now = |step: usize| t0 + Duration::seconds(step as i64);

            let mut changelog: Vec<ChangelogRecord> = Vec::new();
            let mut output: Vec<Event> = Vec::new();
            let mut committed = 0usize;
            let (mut crashes, mut clock) = (0, 0);
            let kills = 6 + rng.below(8);
            let last = loop {
                let log = if rng.chance(50) {
                    compact(&changelog)
                } else {
                    changelog.clone()
                };
                let mut d = restored(config.clone(), &log);
                let resume_at = (committed > 0 || rng.chance(50)).then_some(committed as i64);
                d.resume(resume_at);
                let crash = crashes < kills;
                let end = if crash {
                    (committed + 1 + rng.below(150)).min(input.len())
                } else {
                    input.len()
                };
                let mut sent = Vec::new();
                for (k, c) in input.iter().enumerate().take(end).skip(committed) {
                    clock += 1;
                    let out = d.process_from(c, now(clock), k as i64).unwrap();
                    sent.push(Sent {
                        changelog: out.changelog,
                        event: out.event,
                    });
                }
                republished += d.stats().republished;
                if !crash {
                    for s in sent {
                        changelog.extend(s.changelog);
                        output.extend(s.event);
                    }
                    break d;
                }
                crashes += 1;
                // Offsets before the new committed one are done; after it, a prefix of the
                // changelog records, and some of the events it allows.
                let done = rng.below(sent.len() + 1);
                let after: usize = sent[done..].iter().map(|s| s.changelog.len()).sum();
                let mut durable = rng.below(after + 1);
                for (n, s) in sent.into_iter().enumerate() {
                    if n < done {
                        changelog.extend(s.changelog);
                        output.extend(s.event);
                        continue;
                    }
                    let all = s.changelog.len() <= durable;
                    let kept = s.changelog.len().min(durable);
                    durable -= kept;
                    changelog.extend(s.changelog.into_iter().take(kept));
                    if all && rng.chance(50) {
                        output.extend(s.event);
                    }
                }
                committed += done;
            };
            let ctx = format!("seed {seed}, {crashes} crashes");

            // Each (event_id, revision) once, revisions only going up in output order.
            let mut latest: std::collections::HashMap<&str, &Event> = Default::default();
            for e in &output {
                if let Some(before) = latest.insert(&e.event_id, e) {
                    assert!(
                        e.revision > before.revision,
                        "{ctx}: {} revision {} published after revision {}",
                        e.event_id,
                        e.revision,
                        before.revision
                    );
                }
            }
            // Every event in state at the end was published as it is.
            for s in last.slots.iter().flatten() {
                let e = latest.get(hex16(s.event_id).as_str());
                assert_eq!(e.map(|e| e.revision), Some(s.revision), "{ctx}");
            }
            if evicting {
                continue;
            }
            // Without evictions the output says what a run without crashes says: the same
            // events, each last published with the same counts, so every candidate's event
            // is there and counts it. (With evictions, a crash can make a replayed report a
            // new event under a salted id, where the run without crashes counted it in an
            // event that had not left state yet: only the checks above apply.)
            let mut once = Deduplicator::new(config.clone());
            let mut expected: std::collections::HashMap<String, Event> = Default::default();
            for (k, c) in input.iter().enumerate() {
                let out = once.process_from(c, now(k), k as i64).unwrap();
                if let Some(e) = out.event {
                    expected.insert(e.event_id.clone(), e);
                }
            }
            assert_eq!(latest.len(), expected.len(), "{ctx}");
            for (id, want) in &expected {
                let got = latest
                    .get(id.as_str())
                    .unwrap_or_else(|| panic!("{ctx}: {id} lost"));
                assert_eq!(
                    got.mentions.num_mentions, want.mentions.num_mentions,
                    "{ctx}"
                );
                assert_eq!(
                    got.mentions.num_articles, want.mentions.num_articles,
                    "{ctx}"
                );
                assert_eq!(got.mentions.num_sources, want.mentions.num_sources, "{ctx}");
                assert_eq!(
                    got.mentions.num_independent, want.mentions.num_independent,
                    "{ctx}"
                );
                assert_eq!(got.mentions.article_ids, want.mentions.article_ids, "{ctx}");
                assert!(got.revision >= want.revision, "{ctx}");
            }
        }
        assert!(republished > 20, "{republished} revisions published again");
    }
}
