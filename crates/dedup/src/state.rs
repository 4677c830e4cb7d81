//! The state dedup keeps per live event, and its changelog encoding.
//!
//! Memory is the constraint (the goal is under 256 bytes per live event at a million events),
//! so an event is a fixed 104-byte [`Slot`] of numbers plus one heap allocation, the *blob*,
//! holding what varies in size:
//!
//! ```text
//! blob = records   n_recs x 24 bytes: ArticleRec (id, content, simhash, outlet, sentences)
//!        location  u8 tag; 0: none; 2: u32 LE number of the place in [`Places`];
//!                  1 (the changelog's form): u8 precision, f64 lat, f64 lon, str8 country,
//!                  str16 name
//!        ids       u8 count, count x str16     the first MAX_LISTED article ids
//! str8 = u8 length + UTF-8 bytes; str16 = u16 LE length + UTF-8 bytes
//! ```
//!
//! Outlet names are interned once per deduplicator ([`Outlets`]): a record holds the
//! outlet's number, and the published `sources` are the distinct outlets of the records, in
//! order. There are a few thousand outlets and millions of events, so the names cost nothing
//! per event.
//!
//! Places are interned the same way ([`Places`]): there are as many as the gazetteer has,
//! and a located event keeps 5 bytes instead of ~30 of inline strings.
//!
//! The changelog value is a fixed header (the slot's numbers), the blob (its location always
//! in the inline form 1, never a process-local number), and the outlet names its records use
//! (u16 count, str16 each), the records numbering outlets 1.. in that table rather than in the
//! process's interner, so that a value means the same in any process. Versions: 3 (written)
//! ends the header with the event's window anchor (i32 LE, days from the common era; see
//! [`Slot::anchor`]) and then the *origin*: the input offset of the record that produced the
//! value's revision (i64 LE; -1 when unknown: a deduplicator fed without offsets, as the
//! embedded pipeline is). The changelog partition is the input partition, so the offset alone
//! names the record. A restored deduplicator compares it with the group's committed offset to
//! tell which revisions may never have been published (the module documentation of `dedup`,
//! "Event ids"). 2 (still read) has no origin, which reads as unknown; 1 (still read) has no
//! anchor either, which reads as the event date, the expiry a version-1 writer applied to it.
//!
//! One more record per changelog partition, under [`META_KEY`], is the deduplicator's
//! [`Meta`]: the epoch and dates that keep event ids unique, with its own version byte.
//! We use our own versioned little-endian layout rather than serde + bincode/postcard: the
//! state is numbers and a byte blob already, a schema change must be an explicit version
//! bump (old changelogs stay readable or fail loudly), and it costs no dependency.

use dragoman_model::{DatePrecision, Location, LocationPrecision};

use crate::DedupError;

/// The changelog encoding version this code writes (first byte of every value).
pub(crate) const VERSION: u8 = 3;
/// The previous version: the same value without the origin offset. Still read.
pub(crate) const VERSION_2: u8 = 2;
/// The first version: version 2 without the window anchor. Still read.
pub(crate) const VERSION_1: u8 = 1;
/// Changelog keys: the event's group hash then its event id, both big-endian u64.
pub(crate) const KEY_LEN: usize = 16;
pub(crate) const HEADER_LEN_V1: usize = 1 + 8 * 2 + 4 * 9 + 4 + 1 + 1 + 2;
/// Version 2: version 1's header plus the window anchor.
pub(crate) const HEADER_LEN_V2: usize = HEADER_LEN_V1 + 4;
/// Version 3: version 2's header plus the origin offset.
pub(crate) const HEADER_LEN: usize = HEADER_LEN_V2 + 8;
/// The origin offset of a value that does not know it.
const NO_ORIGIN: i64 = -1;
pub(crate) const REC_LEN: usize = 24;
/// Offset of `ArticleRec::outlet` within an encoded record.
const OUTLET_AT: usize = 16;
/// Article ids and outlet names listed in `mentions` (the counts are exact; the lists keep
/// the first ones only, so that state stays bounded however often an event is reported).
pub const MAX_LISTED: usize = 8;
/// Articles whose fingerprints an event keeps for redelivery and copy detection. Beyond this
/// an event still counts new articles, but a redelivery of an article past the cap would be
/// counted again; 256 reports of one event inside the window is far beyond what news carries.
pub const MAX_TRACKED_ARTICLES: usize = 256;
pub(crate) const NIL: u32 = u32::MAX;

/// What dedup remembers of one counted article.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct ArticleRec {
    /// Hash of the article id. 32 bits, as for `content` and `outlet`: they are compared
    /// only among the few articles of one event, where a collision (odds ~n²/2³³) is
    /// negligible, and each bit saved is saved for every article of every live event.
    pub id: u32,
    /// The article's content hash (equal bodies), folded to 32 bits.
    pub content: u32,
    /// The article's SimHash (near-duplicate bodies).
    pub simhash: u64,
    /// The outlet's number in [`Outlets`], 0 when the article did not say.
    pub outlet: u32,
    /// Bit `i % 32` set when sentence `i` of this article was counted as a mention.
    pub sentences: u32,
}

impl ArticleRec {
    pub(crate) fn write(&self, out: &mut Vec<u8>) {
        out.extend_from_slice(&self.simhash.to_le_bytes());
        out.extend_from_slice(&self.id.to_le_bytes());
        out.extend_from_slice(&self.content.to_le_bytes());
        out.extend_from_slice(&self.outlet.to_le_bytes());
        out.extend_from_slice(&self.sentences.to_le_bytes());
    }

    pub(crate) fn read(b: &[u8]) -> Self {
        let u64_at = |i: usize| u64::from_le_bytes(b[i..i + 8].try_into().unwrap_or([0; 8]));
        let u32_at = |i: usize| u32::from_le_bytes(b[i..i + 4].try_into().unwrap_or([0; 4]));
        Self {
            simhash: u64_at(0),
            id: u32_at(8),
            content: u32_at(12),
            outlet: u32_at(16),
            sentences: u32_at(20),
        }
    }
}

/// Outlet names, interned: numbered from 1 (0 is "no outlet"). Never shrinks: outlets are a
/// few thousand names, which is less than the state of a few dozen events. It also holds the
/// deduplicator's [`Places`], so that whatever encodes a slot has both tables at hand.
#[derive(Default)]
pub(crate) struct Outlets {
    /// Outlet numbers, hashed by XXH3 of the name (looked up once per candidate, so the
    /// hash matters more than SipHash's DoS resistance: names come from our own ingest).
    numbers: hashbrown::HashTable<u32>,
    names: Vec<Box<str>>,
    pub places: Places,
}

/// Locations, interned: numbered from 1. An event's location is the one of its first located
/// report, so the distinct values are the gazetteer's places (tens of thousands at most),
/// kept once per deduplicator instead of once per event. Never shrinks, like [`Outlets`].
#[derive(Default)]
pub(crate) struct Places {
    numbers: hashbrown::HashTable<u32>,
    places: Vec<Location>,
}

fn place_key_hash(l: &Location) -> u64 {
    let mut h = xxhash_rust::xxh3::Xxh3::new();
    h.update(l.name.as_bytes());
    h.update(&[0x1f]);
    h.update(l.country.as_bytes());
    h.update(&[0x1f, loc_precision_to_u8(l.precision)]);
    h.update(&l.lat.to_bits().to_le_bytes());
    h.update(&l.lon.to_bits().to_le_bytes());
    h.digest()
}

/// Equal as interned places: the same strings (clipped as the changelog keeps them) and the
/// same bits of coordinates, so that a place reads back exactly as it was reported.
pub(crate) fn same_place(a: &Location, b: &Location) -> bool {
    a.name == b.name
        && a.country == b.country
        && a.precision == b.precision
        && a.lat.to_bits() == b.lat.to_bits()
        && a.lon.to_bits() == b.lon.to_bits()
}

impl Places {
    /// The number of `l` (clipped to what the changelog encoding keeps), interning it.
    pub(crate) fn intern(&mut self, l: &Location) -> u32 {
        let clipped;
        let l = if l.country.len() > usize::from(u8::MAX) || l.name.len() > usize::from(u16::MAX) {
            clipped = Location {
                name: clip(&l.name, usize::from(u16::MAX)).to_string(),
                country: clip(&l.country, usize::from(u8::MAX)).to_string(),
                ..l.clone()
            };
            &clipped
        } else {
            l
        };
        let hash = place_key_hash(l);
        let places = &self.places;
        let same = |&n: &u32| places.get(n as usize - 1).is_some_and(|p| same_place(p, l));
        if let Some(&n) = self.numbers.find(hash, same) {
            return n;
        }
        self.places.push(l.clone());
        let n = u32::try_from(self.places.len()).unwrap_or(u32::MAX);
        let places = &self.places;
        self.numbers
            .insert_unique(hash, n, |&m| place_key_hash(&places[m as usize - 1]));
        n
    }

    pub(crate) fn get(&self, n: u32) -> Option<&Location> {
        self.places.get((n as usize).checked_sub(1)?)
    }
}

impl std::fmt::Debug for Outlets {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Outlets")
            .field("len", &self.names.len())
            .finish()
    }
}

impl Outlets {
    pub(crate) fn intern(&mut self, name: &str) -> u32 {
        let hash = xxhash_rust::xxh3::xxh3_64(name.as_bytes());
        let names = &self.names;
        let same = |&n: &u32| names.get(n as usize - 1).is_some_and(|s| &**s == name);
        if let Some(&n) = self.numbers.find(hash, same) {
            return n;
        }
        self.names.push(name.into());
        let n = u32::try_from(self.names.len()).unwrap_or(u32::MAX);
        let names = &self.names;
        self.numbers.insert_unique(hash, n, |&m| {
            xxhash_rust::xxh3::xxh3_64(names[m as usize - 1].as_bytes())
        });
        n
    }

    pub(crate) fn name(&self, n: u32) -> Option<&str> {
        self.names.get((n as usize).checked_sub(1)?).map(|s| &**s)
    }
}

/// The counts published in `mentions`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct Counts {
    pub mentions: u32,
    pub articles: u32,
    pub sources: u32,
    pub independent: u32,
}

/// One live event.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Slot {
    pub event_id: u64,
    /// Hash of what every report of the event shares: source, target, root code, negation.
    pub group: u64,
    /// Hash of the place (country, name), 0 while no report named one.
    pub place: u64,
    /// Unix seconds (u32: good until 2106, half the size of i64 in every live event).
    pub first_seen: u32,
    pub last_seen: u32,
    /// Days from the common era (`NaiveDate::num_days_from_ce`) of the first report.
    pub event_date: i32,
    /// Where the state window counts from for this event, in the same days:
    /// max(`event_date`, the watermark when the event was last created or updated). The event
    /// leaves state (cause `window`) once the watermark passes `anchor + state_window`, so a
    /// late event (dated far below the watermark) stays matchable for a full window of stream
    /// time after its last report, and an event reported on time keeps its old expiry
    /// (`event_date + state_window`). Never below `event_date`.
    pub anchor: i32,
    pub revision: u32,
    pub counts: Counts,
    /// The highest confidence of the reports.
    pub confidence: f32,
    /// Next event of the same group (events of one group form a short chain).
    pub chain: u32,
    /// Neighbours in the recency list that the key bound evicts from.
    pub lru_prev: u32,
    pub lru_next: u32,
    /// The event's CAMEO code (2 to 4 ASCII digits).
    pub code: [u8; 4],
    pub code_len: u8,
    pub precision: u8,
    pub n_recs: u16,
    /// Restored with a revision that may never have been published (its origin is at or
    /// after the committed input offset): the next candidate that reaches it publishes it
    /// under a new revision, whatever it decides. Process-local, never encoded; it fits in
    /// the slot's padding.
    pub doubt: bool,
    pub blob: Box<[u8]>,
}

impl Slot {
    pub(crate) fn code(&self) -> &str {
        std::str::from_utf8(&self.code[..usize::from(self.code_len).min(4)]).unwrap_or("")
    }

    pub(crate) fn records(&self) -> impl Iterator<Item = ArticleRec> + '_ {
        let end = (usize::from(self.n_recs) * REC_LEN).min(self.blob.len());
        self.blob[..end].chunks_exact(REC_LEN).map(ArticleRec::read)
    }

    /// Marks sentence `bit` of record `i` as counted, in place.
    pub(crate) fn set_sentence(&mut self, i: usize, bit: u32) {
        let at = i * REC_LEN + 20;
        if let Some(b) = self.blob.get_mut(at..at + 4) {
            let v = u32::from_le_bytes(b.try_into().unwrap_or([0; 4])) | bit;
            b.copy_from_slice(&v.to_le_bytes());
        }
    }

    /// The changelog key of this event.
    pub(crate) fn key(&self) -> Vec<u8> {
        encode_key(self.group, self.event_id)
    }

    /// The changelog value of this event, allocated once at its exact size. `origin` is the
    /// input offset of the record that produced this revision, when the caller knows it.
    pub(crate) fn encode(&self, outlets: &Outlets, origin: Option<i64>) -> Vec<u8> {
        let (view, blob_ok) = match BlobView::parse(&self.blob, self.n_recs) {
            Ok(v) => (v, true),
            // Unreachable for slots this crate built; encode no records rather than panic.
            Err(_) => (
                BlobView {
                    recs: &[],
                    loc: &[0],
                    ids: &[0],
                },
                false,
            ),
        };
        let n_recs = if blob_ok { self.n_recs } else { 0 };
        // The outlet table the value carries: distinct outlets of the records, in order.
        // Events have at most MAX_TRACKED_ARTICLES records, so it fits on the stack.
        let mut table = [0u32; MAX_TRACKED_ARTICLES];
        let mut n_table = 0usize;
        let mut names_len = 0usize;
        for r in view.recs.chunks_exact(REC_LEN) {
            let g = outlet_of(r);
            if g != 0 && n_table < table.len() && !table[..n_table].contains(&g) {
                table[n_table] = g;
                n_table += 1;
                names_len += 2 + clip(outlets.name(g).unwrap_or(""), usize::from(u16::MAX)).len();
            }
        }
        let place = match view.loc {
            [2, n @ ..] => n
                .try_into()
                .ok()
                .and_then(|b| outlets.places.get(u32::from_le_bytes(b))),
            _ => None,
        };
        let loc_len = match place {
            Some(l) => inline_loc_len(l),
            None => view.loc.len(),
        };
        let len = HEADER_LEN + view.recs.len() + loc_len + view.ids.len() + 2 + names_len;
        let mut v = Vec::with_capacity(len);
        v.push(VERSION);
        v.extend_from_slice(&self.event_id.to_le_bytes());
        v.extend_from_slice(&self.place.to_le_bytes());
        v.extend_from_slice(&self.first_seen.to_le_bytes());
        v.extend_from_slice(&self.last_seen.to_le_bytes());
        v.extend_from_slice(&self.event_date.to_le_bytes());
        v.extend_from_slice(&self.revision.to_le_bytes());
        v.extend_from_slice(&self.counts.mentions.to_le_bytes());
        v.extend_from_slice(&self.counts.articles.to_le_bytes());
        v.extend_from_slice(&self.counts.sources.to_le_bytes());
        v.extend_from_slice(&self.counts.independent.to_le_bytes());
        v.extend_from_slice(&self.confidence.to_le_bytes());
        v.extend_from_slice(&self.code);
        v.push(self.code_len);
        v.push(self.precision);
        v.extend_from_slice(&n_recs.to_le_bytes());
        v.extend_from_slice(&self.anchor.to_le_bytes());
        let origin = origin.filter(|&o| o >= 0).unwrap_or(NO_ORIGIN);
        v.extend_from_slice(&origin.to_le_bytes());
        debug_assert_eq!(v.len(), HEADER_LEN);
        // Records, their outlets renumbered into the value's table (1..).
        for r in view.recs.chunks_exact(REC_LEN) {
            v.extend_from_slice(&r[..OUTLET_AT]);
            let g = outlet_of(r);
            let local = match table[..n_table].iter().position(|&t| t == g) {
                Some(p) if g != 0 => p as u32 + 1,
                _ => 0,
            };
            v.extend_from_slice(&local.to_le_bytes());
            v.extend_from_slice(&r[OUTLET_AT + 4..]);
        }
        match place {
            Some(l) => put_inline_loc(&mut v, l),
            None => v.extend_from_slice(view.loc),
        }
        v.extend_from_slice(view.ids);
        v.extend_from_slice(&(n_table as u16).to_le_bytes());
        for &g in &table[..n_table] {
            put_str16(&mut v, outlets.name(g).unwrap_or(""));
        }
        debug_assert_eq!(v.len(), len);
        v
    }

    /// Rebuilds a slot from its changelog record, checking everything a later read relies on.
    /// The links (`chain`, `lru_*`) are left unset for the caller to fill in.
    #[cfg(test)]
    pub(crate) fn decode(
        key: &[u8],
        value: &[u8],
        outlets: &mut Outlets,
    ) -> Result<Self, DedupError> {
        Self::decode_with_origin(key, value, outlets).map(|(s, _)| s)
    }

    /// [`Slot::decode`], and the value's origin: the input offset of the record that produced
    /// its revision, `None` when the value does not know it (version 1 or 2, or written
    /// without offsets).
    pub(crate) fn decode_with_origin(
        key: &[u8],
        value: &[u8],
        outlets: &mut Outlets,
    ) -> Result<(Self, Option<i64>), DedupError> {
        let (group, event_id) = decode_key(key)?;
        let version = *value.first().ok_or(DedupError::Corrupt("empty value"))?;
        let header_len = match version {
            VERSION => HEADER_LEN,
            VERSION_2 => HEADER_LEN_V2,
            VERSION_1 => HEADER_LEN_V1,
            v => return Err(DedupError::UnknownVersion(v)),
        };
        if value.len() < header_len {
            return Err(DedupError::Corrupt("value shorter than its header"));
        }
        let mut r = Reader {
            b: &value[1..header_len],
        };
        let value_event_id = r.u64();
        if value_event_id != event_id {
            return Err(DedupError::KeyMismatch);
        }
        let place = r.u64();
        let first_seen = r.u32();
        let last_seen = r.u32();
        let event_date = r.u32() as i32;
        let revision = r.u32();
        let counts = Counts {
            mentions: r.u32(),
            articles: r.u32(),
            sources: r.u32(),
            independent: r.u32(),
        };
        let confidence = f32::from_bits(r.u32());
        let code = [r.u8(), r.u8(), r.u8(), r.u8()];
        let code_len = r.u8();
        let precision = r.u8();
        let n_recs = u16::from_le_bytes([r.u8(), r.u8()]);
        // Version 1 kept an event until the watermark passed its date: that is its anchor.
        // An anchor below the date (never written by this crate) reads as the date.
        let anchor = match version {
            VERSION_1 => event_date,
            _ => (r.u32() as i32).max(event_date),
        };
        // Versions 1 and 2 did not record it: unknown, as is a negative offset.
        let origin = match version {
            VERSION => Some(r.u64() as i64).filter(|&o| o >= 0),
            _ => None,
        };
        if !(1..=4).contains(&code_len) || !code[..usize::from(code_len)].is_ascii() {
            return Err(DedupError::Corrupt("bad event code"));
        }
        if precision_from_u8(precision).is_none() {
            return Err(DedupError::Corrupt("bad date precision"));
        }
        if revision == 0 {
            return Err(DedupError::Corrupt("revision 0"));
        }
        let rest = &value[header_len..];
        let (view, blob_len) = BlobView::parse_prefix(rest, n_recs, false)?;
        let mut table = Cursor {
            b: rest,
            at: blob_len,
        };
        let l = table.skip(2)?;
        let n = u16::from_le_bytes([l[0], l[1]]);
        let mut names = Vec::with_capacity(usize::from(n));
        for _ in 0..n {
            names.push(outlets.intern(table.str16()?));
        }
        if table.at != rest.len() {
            return Err(DedupError::Corrupt("trailing bytes after the outlet table"));
        }
        let loc = match view.location() {
            Some(l) => LocPart::Interned(outlets.places.intern(&l)),
            None => LocPart::None,
        };
        let mut blob = build_blob(view.recs, None, loc, view.ids, None);
        for k in 0..usize::from(n_recs) {
            let at = k * REC_LEN + OUTLET_AT;
            let field = &mut blob[at..at + 4];
            let local = u32::from_le_bytes(field.try_into().unwrap_or([0; 4]));
            let global = match local {
                0 => 0,
                l => *names
                    .get(l as usize - 1)
                    .ok_or(DedupError::Corrupt("outlet number outside the table"))?,
            };
            field.copy_from_slice(&global.to_le_bytes());
        }
        let slot = Self {
            event_id,
            group,
            place,
            first_seen,
            last_seen,
            event_date,
            anchor,
            revision,
            counts,
            confidence,
            chain: NIL,
            lru_prev: NIL,
            lru_next: NIL,
            code,
            code_len,
            precision,
            n_recs,
            doubt: false,
            blob,
        };
        Ok((slot, origin))
    }
}

/// The outlet field of an encoded record.
fn outlet_of(rec: &[u8]) -> u32 {
    rec.get(OUTLET_AT..OUTLET_AT + 4)
        .and_then(|b| b.try_into().ok())
        .map_or(0, u32::from_le_bytes)
}

/// Bytes of a location section in the inline form (tag 1).
fn inline_loc_len(l: &Location) -> usize {
    1 + 1 + 16 + 1 + clip(&l.country, 255).len() + 2 + clip(&l.name, 65535).len()
}

fn put_inline_loc(out: &mut Vec<u8>, l: &Location) {
    out.push(1);
    out.push(loc_precision_to_u8(l.precision));
    out.extend_from_slice(&l.lat.to_le_bytes());
    out.extend_from_slice(&l.lon.to_le_bytes());
    put_str8(out, &l.country);
    put_str16(out, &l.name);
}

pub(crate) fn encode_key(group: u64, event_id: u64) -> Vec<u8> {
    let mut k = Vec::with_capacity(KEY_LEN);
    k.extend_from_slice(&group.to_be_bytes());
    k.extend_from_slice(&event_id.to_be_bytes());
    k
}

pub(crate) fn decode_key(key: &[u8]) -> Result<(u64, u64), DedupError> {
    let k: &[u8; KEY_LEN] = key.try_into().map_err(|_| DedupError::BadKey {
        len: key.len(),
        expected: KEY_LEN,
    })?;
    let (g, e) = k.split_at(8);
    let be = |b: &[u8]| u64::from_be_bytes(b.try_into().unwrap_or([0; 8]));
    Ok((be(g), be(e)))
}

/// The key of the partition's meta record (a length no event key has).
pub(crate) const META_KEY: &[u8] = b"dragoman.dedup.meta";
/// The meta record encoding this code writes.
pub(crate) const META_VERSION: u8 = 1;
const META_LEN: usize = 1 + 8 + 4 * 3;
/// "None" in the meta record's day fields.
const NO_DAY: i32 = i32::MIN;

/// What a deduplicator knows beyond its live events, kept in the changelog under
/// [`META_KEY`] (never tombstoned, so compaction keeps the latest): what makes event ids
/// unique forever, and the stream time that windows are measured in.
///
/// ```text
/// value = u8 version (1), u64 LE epoch, i32 LE left, i32 LE watermark, i32 LE published
///         (days from the common era; i32::MIN for none)
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Meta {
    /// Goes up by one each time an event leaves state (and when state is lost): the salt of
    /// an event id that may have been used before ([`Meta::left`]).
    pub epoch: u64,
    /// The latest event date of any event that ever left state (`i32::MIN` while none has):
    /// a new event dated after it cannot have been published before.
    pub left: i32,
    /// The newest event date seen that was not past the present (the window's clock).
    pub watermark: Option<i32>,
    /// The newest publication day an article stated, within the accepted dates.
    pub published: Option<i32>,
}

impl Meta {
    pub(crate) const NEW: Meta = Meta {
        epoch: 0,
        left: i32::MIN,
        watermark: None,
        published: None,
    };

    pub(crate) fn encode(&self) -> Vec<u8> {
        let mut v = Vec::with_capacity(META_LEN);
        v.push(META_VERSION);
        v.extend_from_slice(&self.epoch.to_le_bytes());
        v.extend_from_slice(&self.left.to_le_bytes());
        v.extend_from_slice(&self.watermark.unwrap_or(NO_DAY).to_le_bytes());
        v.extend_from_slice(&self.published.unwrap_or(NO_DAY).to_le_bytes());
        v
    }

    pub(crate) fn decode(value: &[u8]) -> Result<Self, DedupError> {
        match value.first() {
            None => return Err(DedupError::Corrupt("empty value")),
            Some(&META_VERSION) => {}
            Some(&v) => return Err(DedupError::UnknownVersion(v)),
        }
        if value.len() != META_LEN {
            return Err(DedupError::Corrupt("meta record of the wrong length"));
        }
        let mut r = Reader { b: &value[1..] };
        let epoch = r.u64();
        let left = r.u32() as i32;
        let day = |d: u32| Some(d as i32).filter(|&d| d != NO_DAY);
        let watermark = day(r.u32());
        let published = day(r.u32());
        Ok(Self {
            epoch,
            left,
            watermark,
            published,
        })
    }
}

/// Sequential little-endian reads over a slice whose length was checked beforehand.
struct Reader<'a> {
    b: &'a [u8],
}

impl Reader<'_> {
    fn take<const N: usize>(&mut self) -> [u8; N] {
        let mut out = [0; N];
        if self.b.len() >= N {
            out.copy_from_slice(&self.b[..N]);
            self.b = &self.b[N..];
        }
        out
    }
    fn u8(&mut self) -> u8 {
        self.take::<1>()[0]
    }
    fn u32(&mut self) -> u32 {
        u32::from_le_bytes(self.take())
    }
    fn u64(&mut self) -> u64 {
        u64::from_le_bytes(self.take())
    }
}

pub(crate) fn precision_to_u8(p: DatePrecision) -> u8 {
    match p {
        DatePrecision::Day => 0,
        DatePrecision::Week => 1,
        DatePrecision::Month => 2,
        DatePrecision::Year => 3,
        DatePrecision::Published => 4,
        DatePrecision::FirstSeen => 5,
    }
}

pub(crate) fn precision_from_u8(p: u8) -> Option<DatePrecision> {
    Some(match p {
        0 => DatePrecision::Day,
        1 => DatePrecision::Week,
        2 => DatePrecision::Month,
        3 => DatePrecision::Year,
        4 => DatePrecision::Published,
        5 => DatePrecision::FirstSeen,
        _ => return None,
    })
}

fn loc_precision_to_u8(p: LocationPrecision) -> u8 {
    match p {
        LocationPrecision::City => 0,
        LocationPrecision::Region => 1,
        LocationPrecision::Country => 2,
        LocationPrecision::Dateline => 3,
    }
}

fn loc_precision_from_u8(p: u8) -> Option<LocationPrecision> {
    Some(match p {
        0 => LocationPrecision::City,
        1 => LocationPrecision::Region,
        2 => LocationPrecision::Country,
        3 => LocationPrecision::Dateline,
        _ => return None,
    })
}

/// The sections of a blob, located (and validated) by [`BlobView::parse`].
pub(crate) struct BlobView<'a> {
    pub recs: &'a [u8],
    pub loc: &'a [u8],
    /// Count byte followed by the entries.
    pub ids: &'a [u8],
}

/// Walks a blob section by section; every read is bounds-checked so a corrupt changelog
/// value is an error, never a panic.
struct Cursor<'a> {
    b: &'a [u8],
    at: usize,
}

impl<'a> Cursor<'a> {
    fn skip(&mut self, n: usize) -> Result<&'a [u8], DedupError> {
        let end = self
            .at
            .checked_add(n)
            .filter(|&e| e <= self.b.len())
            .ok_or(DedupError::Corrupt("blob truncated"))?;
        let s = &self.b[self.at..end];
        self.at = end;
        Ok(s)
    }
    fn u8(&mut self) -> Result<u8, DedupError> {
        Ok(self.skip(1)?[0])
    }
    fn str8(&mut self) -> Result<&'a str, DedupError> {
        let n = usize::from(self.u8()?);
        std::str::from_utf8(self.skip(n)?).map_err(|_| DedupError::Corrupt("string not UTF-8"))
    }
    fn str16(&mut self) -> Result<&'a str, DedupError> {
        let l = self.skip(2)?;
        let n = usize::from(u16::from_le_bytes([l[0], l[1]]));
        std::str::from_utf8(self.skip(n)?).map_err(|_| DedupError::Corrupt("string not UTF-8"))
    }
    /// A str16 whose bytes are only checked for length, not for UTF-8 (see `utf8` below).
    fn skip16(&mut self) -> Result<(), DedupError> {
        let l = self.skip(2)?;
        self.skip(usize::from(u16::from_le_bytes([l[0], l[1]])))?;
        Ok(())
    }
    fn list(&mut self, utf8: bool) -> Result<&'a [u8], DedupError> {
        let start = self.at;
        let n = self.u8()?;
        if usize::from(n) > MAX_LISTED {
            return Err(DedupError::Corrupt("list longer than MAX_LISTED"));
        }
        for _ in 0..n {
            if utf8 {
                self.str16()?;
            } else {
                self.skip16()?;
            }
        }
        Ok(&self.b[start..self.at])
    }
}

impl<'a> BlobView<'a> {
    /// Parses an in-memory blob (whose location may be an interned number).
    pub(crate) fn parse(blob: &'a [u8], n_recs: u16) -> Result<Self, DedupError> {
        let (view, end) = Self::parse_prefix(blob, n_recs, true)?;
        if end != blob.len() {
            return Err(DedupError::Corrupt("trailing bytes in blob"));
        }
        Ok(view)
    }

    /// Parses a blob at the start of `blob`, returning where it ends. A changelog value's
    /// blob (`interned` false) must carry its location inline, and its strings are checked
    /// to be UTF-8. An in-memory blob (`interned` true) was built by this crate from `&str`s
    /// or from a checked changelog value, so only its structure is walked (it is parsed
    /// several times per candidate); readers still get `&str`s through checked conversions.
    pub(crate) fn parse_prefix(
        blob: &'a [u8],
        n_recs: u16,
        interned: bool,
    ) -> Result<(Self, usize), DedupError> {
        let mut c = Cursor { b: blob, at: 0 };
        let recs = c.skip(usize::from(n_recs) * REC_LEN)?;
        let loc_start = c.at;
        match c.u8()? {
            0 => {}
            1 => {
                if loc_precision_from_u8(c.u8()?).is_none() {
                    return Err(DedupError::Corrupt("bad location precision"));
                }
                c.skip(16)?;
                if interned {
                    let n = c.u8()?;
                    c.skip(usize::from(n))?;
                    c.skip16()?;
                } else {
                    c.str8()?;
                    c.str16()?;
                }
            }
            2 if interned => {
                c.skip(4)?;
            }
            _ => return Err(DedupError::Corrupt("bad location tag")),
        }
        let loc = &blob[loc_start..c.at];
        let ids = c.list(!interned)?;
        Ok((Self { recs, loc, ids }, c.at))
    }

    /// The location, from the interned table or the inline form.
    pub(crate) fn location_in<'p>(
        &self,
        places: &'p Places,
    ) -> Option<std::borrow::Cow<'p, Location>> {
        match self.loc {
            [2, n @ ..] => places
                .get(u32::from_le_bytes(n.try_into().ok()?))
                .map(std::borrow::Cow::Borrowed),
            _ => self.location().map(std::borrow::Cow::Owned),
        }
    }

    /// The location of an inline (tag 1) section.
    pub(crate) fn location(&self) -> Option<Location> {
        let mut c = Cursor { b: self.loc, at: 0 };
        if c.u8().ok()? != 1 {
            return None;
        }
        let precision = loc_precision_from_u8(c.u8().ok()?)?;
        let ll = c.skip(16).ok()?;
        let lat = f64::from_le_bytes(ll[..8].try_into().ok()?);
        let lon = f64::from_le_bytes(ll[8..].try_into().ok()?);
        let country = c.str8().ok()?.to_string();
        let name = c.str16().ok()?.to_string();
        Some(Location {
            name,
            country,
            lat,
            lon,
            precision,
        })
    }
}

/// The strings of a list section (count byte + str16 entries).
pub(crate) fn list_strings(list: &[u8]) -> impl Iterator<Item = &str> + '_ {
    let n = list.first().copied().unwrap_or(0);
    let mut c = Cursor { b: list, at: 1 };
    (0..n).map_while(move |_| c.str16().ok())
}

pub(crate) fn list_len(list: &[u8]) -> usize {
    usize::from(list.first().copied().unwrap_or(0))
}

/// The location section of a new blob: the old one kept, a new one, or none.
pub(crate) enum LocPart<'a> {
    Raw(&'a [u8]),
    /// Inline (the changelog's form); state interns its places instead.
    #[cfg(test)]
    New(&'a Location),
    /// A number in [`Places`].
    Interned(u32),
    None,
}

/// Truncates to at most `max` bytes on a character boundary.
fn clip(s: &str, max: usize) -> &str {
    &s[..s.floor_char_boundary(max)]
}

fn put_str8(out: &mut Vec<u8>, s: &str) {
    let s = clip(s, usize::from(u8::MAX));
    out.push(s.len() as u8);
    out.extend_from_slice(s.as_bytes());
}

fn put_str16(out: &mut Vec<u8>, s: &str) {
    let s = clip(s, usize::from(u16::MAX));
    out.extend_from_slice(&(s.len() as u16).to_le_bytes());
    out.extend_from_slice(s.as_bytes());
}

fn put_list(out: &mut Vec<u8>, old: &[u8], add: Option<&str>) {
    let n = list_len(old);
    match add {
        Some(s) if n < MAX_LISTED => {
            out.push(n as u8 + 1);
            out.extend_from_slice(old.get(1..).unwrap_or(&[]));
            put_str16(out, s);
        }
        _ if old.is_empty() => out.push(0),
        _ => out.extend_from_slice(old),
    }
}

/// Builds a blob from the sections of an old one (or empty ones) plus what a new report adds.
pub(crate) fn build_blob(
    recs: &[u8],
    new_rec: Option<&ArticleRec>,
    loc: LocPart<'_>,
    ids: &[u8],
    new_id: Option<&str>,
) -> Box<[u8]> {
    // Sized exactly: `into_boxed_slice` would otherwise reallocate to drop the slack.
    let loc_len = match &loc {
        LocPart::Raw(b) if !b.is_empty() => b.len(),
        LocPart::Raw(_) | LocPart::None => 1,
        #[cfg(test)]
        LocPart::New(l) => inline_loc_len(l),
        LocPart::Interned(_) => 5,
    };
    let ids_len = ids.len().max(1)
        + match new_id {
            Some(id) if list_len(ids) < MAX_LISTED => 2 + clip(id, 65535).len(),
            _ => 0,
        };
    let mut out =
        Vec::with_capacity(recs.len() + new_rec.map_or(0, |_| REC_LEN) + loc_len + ids_len);
    out.extend_from_slice(recs);
    if let Some(r) = new_rec {
        r.write(&mut out);
    }
    match loc {
        LocPart::Raw(b) if !b.is_empty() => out.extend_from_slice(b),
        LocPart::Raw(_) | LocPart::None => out.push(0),
        #[cfg(test)]
        LocPart::New(l) => put_inline_loc(&mut out, l),
        LocPart::Interned(n) => {
            out.push(2);
            out.extend_from_slice(&n.to_le_bytes());
        }
    }
    put_list(&mut out, ids, new_id);
    debug_assert_eq!(out.len(), out.capacity());
    out.into_boxed_slice()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rec(i: u32, outlet: u32) -> ArticleRec {
        ArticleRec {
            id: i,
            content: i * 3,
            simhash: !u64::from(i),
            outlet,
            sentences: 1 << (i % 32),
        }
    }

    fn slot(blob: Box<[u8]>, n_recs: u16) -> Slot {
        Slot {
            event_id: 0x9f2c_4b1e_7a0d_3c55,
            group: 42,
            place: 7,
            first_seen: 1_553_506_262,
            last_seen: 1_553_509_000,
            event_date: 737_140,
            anchor: 737_152,
            revision: 3,
            counts: Counts {
                mentions: 4,
                articles: 3,
                sources: 2,
                independent: 1,
            },
            confidence: 0.86,
            chain: NIL,
            lru_prev: NIL,
            lru_next: NIL,
            code: *b"057\0",
            code_len: 3,
            precision: 0,
            n_recs,
            doubt: false,
            blob,
        }
    }

    fn moscow() -> Location {
        Location {
            name: "Moscow".into(),
            country: "RUS".into(),
            lat: 55.7558,
            lon: 37.6173,
            precision: LocationPrecision::City,
        }
    }

    #[test]
    fn blob_sections_round_trip_and_append() {
        let b1 = build_blob(&[], Some(&rec(1, 1)), LocPart::None, &[], Some("a-1"));
        let v1 = BlobView::parse(&b1, 1).unwrap();
        assert_eq!(v1.location(), None);
        assert_eq!(list_strings(v1.ids).collect::<Vec<_>>(), ["a-1"]);
        let loc = moscow();
        let b2 = build_blob(
            v1.recs,
            Some(&rec(2, 0)),
            LocPart::New(&loc),
            v1.ids,
            Some("a-2"),
        );
        let v2 = BlobView::parse(&b2, 2).unwrap();
        assert_eq!(v2.location(), Some(loc));
        assert_eq!(list_strings(v2.ids).collect::<Vec<_>>(), ["a-1", "a-2"]);
        let s = slot(b2.clone(), 2);
        assert_eq!(s.records().collect::<Vec<_>>(), [rec(1, 1), rec(2, 0)]);
        // Keeping the raw location section keeps the location.
        let b3 = build_blob(v2.recs, None, LocPart::Raw(v2.loc), v2.ids, None);
        assert_eq!(b3, b2);
        // Every precision reads back as written, a dateline's too.
        for precision in [
            LocationPrecision::Region,
            LocationPrecision::Country,
            LocationPrecision::Dateline,
        ] {
            let l = Location {
                precision,
                ..moscow()
            };
            let b = build_blob(&[], None, LocPart::New(&l), &[], None);
            assert_eq!(BlobView::parse(&b, 0).unwrap().location(), Some(l));
        }
        assert!(BlobView::parse(&b3, 3).is_err(), "record count is checked");
    }

    #[test]
    fn lists_stop_at_max_listed() {
        let mut blob = build_blob(&[], None, LocPart::None, &[], None);
        for i in 0..20 {
            let v = BlobView::parse(&blob, 0).unwrap();
            let id = format!("id-{i}");
            blob = build_blob(v.recs, None, LocPart::Raw(v.loc), v.ids, Some(&id));
        }
        let v = BlobView::parse(&blob, 0).unwrap();
        let ids: Vec<_> = list_strings(v.ids).collect();
        assert_eq!(ids.len(), MAX_LISTED);
        assert_eq!(ids[0], "id-0");
        assert_eq!(ids[MAX_LISTED - 1], format!("id-{}", MAX_LISTED - 1));
    }

    #[test]
    fn long_strings_are_clipped_on_char_boundaries() {
        let mut loc = moscow();
        loc.country = "é".repeat(200);
        let b = build_blob(&[], None, LocPart::New(&loc), &[], None);
        let got = BlobView::parse(&b, 0).unwrap().location().unwrap();
        assert_eq!(got.country.len(), 254);
        assert!(loc.country.starts_with(&got.country));
        let long_id = "x".repeat(70_000);
        let b = build_blob(&[], None, LocPart::None, &[], Some(&long_id));
        let v = BlobView::parse(&b, 0).unwrap();
        assert_eq!(list_strings(v.ids).next().unwrap().len(), 65_535);
    }

    #[test]
    fn outlets_are_interned_from_one() {
        let mut o = Outlets::default();
        assert_eq!(o.intern("a.ly"), 1);
        assert_eq!(o.intern("b.ly"), 2);
        assert_eq!(o.intern("a.ly"), 1);
        assert_eq!(o.name(2), Some("b.ly"));
        assert_eq!(o.name(0), None);
        assert_eq!(o.name(3), None);
    }

    fn two_outlet_slot(outlets: &mut Outlets) -> Slot {
        let (x, y) = (outlets.intern("x.com"), outlets.intern("y.com"));
        let b = build_blob(
            &[],
            Some(&rec(5, y)),
            LocPart::New(&moscow()),
            &[],
            Some("lo-1"),
        );
        let v = BlobView::parse(&b, 1).unwrap();
        let b = build_blob(
            v.recs,
            Some(&rec(6, 0)),
            LocPart::Raw(v.loc),
            v.ids,
            Some("lo-2"),
        );
        let v = BlobView::parse(&b, 2).unwrap();
        let b = build_blob(
            v.recs,
            Some(&rec(7, x)),
            LocPart::Raw(v.loc),
            v.ids,
            Some("lo-3"),
        );
        let v = BlobView::parse(&b, 3).unwrap();
        let b = build_blob(v.recs, Some(&rec(8, y)), LocPart::Raw(v.loc), v.ids, None);
        slot(b, 4)
    }

    #[test]
    fn slot_round_trips_through_the_changelog_encoding_in_another_process() {
        let mut here = Outlets::default();
        here.intern("unrelated.org");
        let mut s = two_outlet_slot(&mut here);
        s.set_sentence(0, 1 << 9);
        let value = s.encode(&here, Some(4242));
        // Another process numbers outlets differently; names are what the value carries.
        let mut there = Outlets::default();
        there.intern("y.com");
        let back = Slot::decode(&s.key(), &value, &mut there).unwrap();
        let names = |s: &Slot, o: &Outlets| -> Vec<Option<String>> {
            s.records()
                .map(|r| o.name(r.outlet).map(String::from))
                .collect()
        };
        assert_eq!(names(&back, &there), names(&s, &here));
        assert_eq!(names(&back, &there)[1], None);
        assert_eq!(back.code(), "057");
        assert_eq!(
            back.records().next().unwrap().sentences,
            rec(5, 0).sentences | 1 << 9
        );
        assert_eq!(
            Slot {
                blob: s.blob.clone(),
                ..back.clone()
            },
            s
        );
        assert_eq!(
            back.encode(&there, Some(4242)),
            value,
            "re-encoding is stable"
        );
    }

    /// A value written by the version-1 encoder (commit af95fd4) for `two_outlet_slot`.
    const V1_KEY: &str = "000000000000002a9f2c4b1e7a0d3c55";
    const V1_VALUE: &str = "01553c0d7a1e4b2c9f0700000000000000d69f985c88aa985c743f0b000300000004\
        000000030000000200000001000000f6285c3f3035370003000400faffffffffffffff050000000f000000\
        0100000020000000f9ffffffffffffff06000000120000000000000040000000f8ffffffffffffff070000\
        00150000000200000080000000f7ffffffffffffff0800000018000000010000000001000001008d28ed0d\
        bee04b4010e9b7af03cf42400352555306004d6f73636f770304006c6f2d3104006c6f2d3204006c6f2d33\
        02000500792e636f6d0500782e636f6d";

    fn unhex(s: &str) -> Vec<u8> {
        (0..s.len())
            .step_by(2)
            .map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap())
            .collect()
    }

    #[test]
    fn version_1_values_still_read_with_the_event_date_as_anchor() {
        let mut here = Outlets::default();
        let s = two_outlet_slot(&mut here);
        let (key, value) = (unhex(V1_KEY), unhex(V1_VALUE));
        assert_eq!(value[0], VERSION_1);
        assert_eq!(key, s.key());
        let mut there = Outlets::default();
        let back = Slot::decode(&key, &value, &mut there).unwrap();
        let expect = Slot {
            anchor: s.event_date,
            blob: back.blob.clone(),
            ..s.clone()
        };
        assert_eq!(back, expect);
        // Written again, it is a version-3 value that keeps that anchor.
        let v3 = back.encode(&there, None);
        assert_eq!((v3[0], v3.len()), (VERSION, value.len() + 4 + 8));
        let again = Slot::decode(&key, &v3, &mut Outlets::default()).unwrap();
        assert_eq!(again.anchor, s.event_date);
        // Every truncation of a version-1 value is still detected.
        for cut in 1..value.len() {
            assert!(
                Slot::decode(&key, &value[..cut], &mut there).is_err(),
                "cut at {cut}"
            );
        }
    }

    /// A value written by the version-2 encoder (commit ea31490) for `two_outlet_slot`.
    const V2_VALUE: &str = "02553c0d7a1e4b2c9f0700000000000000d69f985c88aa985c743f0b000300000004\
        000000030000000200000001000000f6285c3f3035370003000400803f0b00faffffffffffffff05000000\
        0f0000000100000020000000f9ffffffffffffff06000000120000000000000040000000f8ffffffffffff\
        ff07000000150000000200000080000000f7ffffffffffffff0800000018000000010000000001000001008d\
        28ed0dbee04b4010e9b7af03cf42400352555306004d6f73636f770304006c6f2d3104006c6f2d3204006c\
        6f2d3302000500792e636f6d0500782e636f6d";

    #[test]
    fn version_2_values_still_read_with_an_unknown_origin() {
        let mut here = Outlets::default();
        let s = two_outlet_slot(&mut here);
        let (key, value) = (unhex(V1_KEY), unhex(V2_VALUE));
        assert_eq!(value[0], VERSION_2);
        let mut there = Outlets::default();
        let (back, origin) = Slot::decode_with_origin(&key, &value, &mut there).unwrap();
        assert_eq!(origin, None);
        assert_eq!(
            back,
            Slot {
                blob: back.blob.clone(),
                ..s.clone()
            }
        );
        // The same value in version 3 is the version-2 one plus the origin.
        let v3 = back.encode(&there, Some(77));
        assert_eq!(v3[0], VERSION);
        assert_eq!(v3[1..HEADER_LEN_V2], value[1..HEADER_LEN_V2]);
        assert_eq!(v3[HEADER_LEN..], value[HEADER_LEN_V2..]);
        for cut in 1..value.len() {
            assert!(
                Slot::decode(&key, &value[..cut], &mut there).is_err(),
                "cut at {cut}"
            );
        }
    }

    #[test]
    fn the_origin_offset_round_trips_and_a_negative_one_reads_as_unknown() {
        let mut o = Outlets::default();
        let s = two_outlet_slot(&mut o);
        for origin in [Some(0), Some(1176), Some(i64::MAX), None] {
            let value = s.encode(&o, origin);
            assert_eq!(value.len(), s.encode(&o, None).len());
            let (back, got) = Slot::decode_with_origin(&s.key(), &value, &mut o).unwrap();
            assert_eq!((got, back.revision), (origin, s.revision));
        }
        assert_eq!(s.encode(&o, Some(-5)), s.encode(&o, None));
        let mut value = s.encode(&o, None);
        value[HEADER_LEN - 8..HEADER_LEN].copy_from_slice(&(-9i64).to_le_bytes());
        let (_, got) = Slot::decode_with_origin(&s.key(), &value, &mut o).unwrap();
        assert_eq!(got, None);
    }

    #[test]
    fn the_doubt_bit_costs_no_memory() {
        if cfg!(target_pointer_width = "64") {
            assert_eq!(std::mem::size_of::<Slot>(), 104);
        }
    }

    #[test]
    fn the_anchor_round_trips_and_never_reads_below_the_event_date() {
        let mut o = Outlets::default();
        let s = two_outlet_slot(&mut o);
        assert!(s.anchor > s.event_date);
        let mut value = s.encode(&o, None);
        assert_eq!(
            Slot::decode(&s.key(), &value, &mut o).unwrap().anchor,
            s.anchor
        );
        value[HEADER_LEN_V2 - 4..HEADER_LEN_V2].copy_from_slice(&(s.event_date - 5).to_le_bytes());
        assert_eq!(
            Slot::decode(&s.key(), &value, &mut o).unwrap().anchor,
            s.event_date
        );
    }

    #[test]
    fn the_meta_record_round_trips_and_rejects_what_it_cannot_read() {
        for m in [
            Meta::NEW,
            Meta {
                epoch: u64::MAX - 1,
                left: i32::MAX,
                watermark: Some(737_143),
                published: Some(-5),
            },
        ] {
            let v = m.encode();
            assert_eq!((v[0], v.len()), (META_VERSION, META_LEN));
            assert_eq!(Meta::decode(&v), Ok(m));
            for cut in 0..v.len() {
                assert!(Meta::decode(&v[..cut]).is_err(), "cut at {cut}");
            }
            let mut longer = v.clone();
            longer.push(0);
            assert!(Meta::decode(&longer).is_err());
            let mut newer = v;
            newer[0] = META_VERSION + 1;
            assert_eq!(
                Meta::decode(&newer),
                Err(DedupError::UnknownVersion(META_VERSION + 1))
            );
        }
        assert_ne!(META_KEY.len(), KEY_LEN, "no event key is the meta key");
    }

    #[test]
    fn corrupt_records_are_errors_not_panics() {
        let mut outlets = Outlets::default();
        let s = two_outlet_slot(&mut outlets);
        let (key, value) = (s.key(), s.encode(&outlets, Some(3)));
        let mut o = Outlets::default();
        assert_eq!(
            Slot::decode(&key[..15], &value, &mut o),
            Err(DedupError::BadKey {
                len: 15,
                expected: 16
            })
        );
        let mut v2 = value.clone();
        v2[0] = 9;
        assert_eq!(
            Slot::decode(&key, &v2, &mut o),
            Err(DedupError::UnknownVersion(9))
        );
        let mut other = key.clone();
        other[15] ^= 1;
        assert_eq!(
            Slot::decode(&other, &value, &mut o),
            Err(DedupError::KeyMismatch)
        );
        // Every truncation is detected.
        for cut in 1..value.len() {
            assert!(
                Slot::decode(&key, &value[..cut], &mut o).is_err(),
                "cut at {cut}"
            );
        }
        let mut longer = value.clone();
        longer.push(0);
        assert!(Slot::decode(&key, &longer, &mut o).is_err());
        // An outlet number outside the value's table.
        let mut bad = value.clone();
        bad[HEADER_LEN + OUTLET_AT] = 9;
        assert_eq!(
            Slot::decode(&key, &bad, &mut o),
            Err(DedupError::Corrupt("outlet number outside the table"))
        );
        assert_eq!(
            Slot::decode(&key, &[], &mut o),
            Err(DedupError::Corrupt("empty value"))
        );
    }
}
