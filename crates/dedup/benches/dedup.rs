//! Dedup throughput and state size.
//!
//! `cargo bench -p dragoman-dedup` prints:
//! - candidates per second on one core over a realistic mix (45% first reports, 20%
//!   syndicated copies, 20% independent reports, 10% redeliveries, 5% further sentences, with
//!   event time advancing so that the window evicts), including building the published
//!   events and changelog records;
//! - bytes of state per live key at 1,000,000 live keys, measured with a counting global
//!   allocator (bytes requested and live allocations; the allocator's own per-allocation
//!   overhead is reported separately as an estimate).

use std::alloc::{GlobalAlloc, Layout, System};
use std::hint::black_box;
use std::sync::atomic::{AtomicBool, AtomicIsize, Ordering::Relaxed};
use std::time::{Duration, Instant};

use chrono::{NaiveDate, TimeZone, Utc};
use dragoman_dedup::{DecisionKind, DedupConfig, Deduplicator};
use dragoman_model::{
    Actor, ArticleRef, CandidateEvent, CoderInfo, DatePrecision, Evidence, Location,
    LocationPrecision,
};

struct Counting;

static BYTES: AtomicIsize = AtomicIsize::new(0);
/// Counting costs two atomic operations per allocation: it is switched on only while state
/// size is measured, so that it does not slow the throughput measurement.
static COUNTING: AtomicBool = AtomicBool::new(false);
static ALLOCS: AtomicIsize = AtomicIsize::new(0);

// SAFETY: forwards every call to the system allocator unchanged; only counts.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, l: Layout) -> *mut u8 {
        if COUNTING.load(Relaxed) {
            BYTES.fetch_add(l.size() as isize, Relaxed);
            ALLOCS.fetch_add(1, Relaxed);
        }
        System.alloc(l)
    }
    unsafe fn dealloc(&self, p: *mut u8, l: Layout) {
        if COUNTING.load(Relaxed) {
            BYTES.fetch_sub(l.size() as isize, Relaxed);
            ALLOCS.fetch_sub(1, Relaxed);
        }
        System.dealloc(p, l)
    }
    unsafe fn realloc(&self, p: *mut u8, l: Layout, new: usize) -> *mut u8 {
        if COUNTING.load(Relaxed) {
            BYTES.fetch_add(new as isize - l.size() as isize, Relaxed);
        }
        System.realloc(p, l, new)
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

const COUNTRIES: [&str; 40] = [
    "RUS", "LBY", "USA", "CHN", "FRA", "DEU", "GBR", "TUR", "EGY", "IRN", "IRQ", "SYR", "ISR",
    "PSE", "SAU", "ARE", "QAT", "JOR", "LBN", "YEM", "IND", "PAK", "AFG", "JPN", "KOR", "PRK",
    "UKR", "BLR", "POL", "ITA", "ESP", "NGA", "ETH", "SDN", "SOM", "KEN", "BRA", "VEN", "COL",
    "MEX",
];
const AGENTS: [&str; 6] = ["", "GOV", "MIL", "LEG", "BUS", "OPP"];
const ROOTS: [&str; 20] = [
    "010", "020", "036", "042", "051", "057", "061", "071", "081", "090", "100", "111", "120",
    "130", "141", "150", "160", "172", "180", "190",
];
const CITIES: [&str; 8] = [
    "Moscow",
    "Tripoli",
    "Washington",
    "Beijing",
    "Paris",
    "Berlin",
    "Ankara",
    "Cairo",
];

/// Deterministic generator of a candidate stream. Everything about a report is a function of
/// (event number, report number), so the generator holds no per-event memory and the state
/// measurement is not polluted.
struct Gen {
    rng: u64,
    events: u64,
    seq: u64,
    events_per_day: u64,
}

enum Report {
    First,
    Copy,
    Independent,
    Sentence,
}

fn mix(mut x: u64) -> u64 {
    x ^= x >> 33;
    x = x.wrapping_mul(0xff51_afd7_ed55_8ccd);
    x ^= x >> 33;
    x = x.wrapping_mul(0xc4ce_b9fe_1a85_ec53);
    x ^ (x >> 33)
}

impl Gen {
    fn new(events_per_day: u64) -> Self {
        Self {
            rng: 0x9e37_79b9_7f4a_7c15,
            events: 0,
            seq: 0,
            events_per_day,
        }
    }

    fn rand(&mut self) -> u64 {
        self.rng ^= self.rng << 13;
        self.rng ^= self.rng >> 7;
        self.rng ^= self.rng << 17;
        self.rng
    }

    fn next(&mut self) -> CandidateEvent {
        let r = self.rand();
        let pick = r % 100;
        if self.events == 0 || pick < 45 {
            self.events += 1;
            return self.report(self.events - 1, Report::First);
        }
        let recent = self.events.min(50_000);
        let j = self.events - 1 - (self.rand() % recent);
        match pick {
            45..=64 => self.report(j, Report::Copy),
            65..=84 => self.report(j, Report::Independent),
            85..=94 => self.report(j, Report::First),
            _ => self.report(j, Report::Sentence),
        }
    }

    fn report(&mut self, j: u64, kind: Report) -> CandidateEvent {
        let k = mix(j);
        // ~250 country codes (the 40 real ones and synthetic ones like CAMEO's) times six
        // agents: enough distinct actors that first reports are mostly new events.
        let actor = |n: u64| {
            let c = n % 250;
            let synthetic;
            let country = match COUNTRIES.get(c as usize) {
                Some(code) => *code,
                None => {
                    let l = |i: u64| char::from(b'A' + (i % 26) as u8);
                    synthetic = format!("{}{}{}", l(c), l(c / 26), l(c / 676 + 17));
                    synthetic.as_str()
                }
            };
            let agent = AGENTS[(n / 250 % 6) as usize];
            Actor {
                code: format!("{country}{agent}"),
                country: Some(country.to_string()),
                agents: if agent.is_empty() {
                    vec![]
                } else {
                    vec![agent.to_string()]
                },
                name: format!("{country} {agent}"),
                text: format!("the {country} {agent}"),
            }
        };
        let (src, tgt) = (actor(k), actor(k >> 16));
        let code = ROOTS[(k >> 32) as usize % 20];
        let day = 737_000 + (j / self.events_per_day) as i32 + (k >> 40 & 1) as i32;
        let event_date = NaiveDate::from_num_days_from_ce_opt(day).expect("valid day");
        let location = (k >> 41 & 1 == 1).then(|| Location {
            name: CITIES[(k >> 42) as usize % 8].to_string(),
            country: src.country.clone().unwrap_or_default(),
            lat: 1.5,
            lon: 2.5,
            precision: LocationPrecision::City,
        });
        let base_sim = mix(k ^ 0x5151);
        let (article, outlet, content, simhash, sentence_index) = match kind {
            Report::First => (j, k % 500, mix(k), base_sim, 1),
            Report::Sentence => (j, k % 500, mix(k), base_sim, 3),
            Report::Copy => {
                self.seq += 1;
                let s = self.seq;
                // A republished copy: another outlet, a few bits of SimHash changed.
                (
                    1 << 40 | s,
                    mix(s) % 500,
                    mix(s ^ 1),
                    base_sim ^ (1 << (s % 64)) ^ (1 << ((s >> 6) % 64)),
                    1,
                )
            }
            Report::Independent => {
                self.seq += 1;
                let s = self.seq;
                (1 << 41 | s, mix(s) % 500, mix(s ^ 2), mix(s ^ 3), 2)
            }
        };
        let id = format!("outlet{outlet}-20190325-{article:08}");
        let t = Utc
            .with_ymd_and_hms(2019, 3, 25, 9, 30, 0)
            .single()
            .expect("valid time");
        CandidateEvent {
            event_date,
            date_precision: DatePrecision::Day,
            code: code.to_string(),
            base_code: code.to_string(),
            root_code: code[..2].to_string(),
            quad_class: 1,
            goldstein: 3.0,
            plover: Some("AGREE".into()),
            evidence: Evidence {
                article_id: id.clone(),
                sentence_index,
                sentence: format!(
                    "Officials of {} and {} signed agreements on cooperation in the medical sector, \
                     the ministry said in a statement on Monday.",
                    src.name, tgt.name
                ),
                span: [0, 140],
                rule: "sign + &AGREEMENT".into(),
            },
            source: Some(src),
            target: Some(tgt),
            location,
            confidence: 0.8,
            negated: false,
            article: ArticleRef {
                id,
                source: Some(format!("news-outlet-{outlet}.com")),
                url: None,
                published_at: t,
                first_seen: t,
                content_hash: format!("{content:016x}"),
                simhash: format!("{simhash:016x}"),
            },
            coder: CoderInfo { version: "0.1.0".into(), dictionaries: "2026.11".into() },
        }
    }
}

fn throughput(owned: bool) {
    const TOTAL: usize = 1_000_000;
    const BATCH: usize = 50_000;
    let mut d = Deduplicator::new(DedupConfig::default());
    // ~100k new events per day of event time: the window evicts as the stream goes on.
    let mut gen = Gen::new(100_000);
    let now = Utc
        .with_ymd_and_hms(2019, 3, 25, 9, 30, 0)
        .single()
        .expect("valid time")
        + chrono::Duration::days(10_000);
    let mut busy = Duration::ZERO;
    let mut cpu = Duration::ZERO;
    let mut published = 0usize;
    let mut done = 0;
    while done < TOTAL {
        let batch: Vec<CandidateEvent> = (0..BATCH).map(|_| gen.next()).collect();
        let start = Instant::now();
        let cpu_start = thread_cpu();
        if owned {
            for c in batch {
                let out = d.process_owned(c, now);
                published += usize::from(out.event.is_some());
                black_box(out);
            }
        } else {
            for c in &batch {
                let out = d.process(c, now);
                published += usize::from(out.event.is_some());
                black_box(out);
            }
            // Freeing the input is part of handling it, as in the owned case.
            drop(batch);
        }
        busy += start.elapsed();
        cpu += thread_cpu().saturating_sub(cpu_start);
        done += BATCH;
    }
    let s = d.stats();
    // The machine is shared: CPU time of this thread is the honest "per core" figure;
    // wall-clock time is printed too.
    println!(
        "throughput ({}): {TOTAL} candidates in {:.3} s of thread CPU time = {:.0} candidates/s per core \
         (wall clock {:.3} s = {:.0}/s)",
        if owned { "process_owned" } else { "process(&candidate)" },
        cpu.as_secs_f64(),
        TOTAL as f64 / cpu.as_secs_f64(),
        busy.as_secs_f64(),
        TOTAL as f64 / busy.as_secs_f64()
    );
    println!(
        "  decisions: new {} update {} copy {} redelivery {}; published {published}; evicted window {} bound {}; live {}",
        s.new, s.update, s.copy, s.redelivery, s.evicted_window, s.evicted_bound, d.live_keys()
    );
    for k in DecisionKind::ALL {
        assert!(s.decisions(k) > 0, "the mix exercises {k}");
    }
}

/// CPU time consumed by the calling thread (Linux `/proc/thread-self/schedstat`); zero
/// elsewhere, in which case only the wall-clock figure is meaningful.
fn thread_cpu() -> Duration {
    std::fs::read_to_string("/proc/thread-self/schedstat")
        .ok()
        .and_then(|s| {
            s.split_whitespace()
                .next()
                .and_then(|n| n.parse::<u64>().ok())
        })
        .map_or(Duration::ZERO, Duration::from_nanos)
}

fn state_size(label: &str, first_only: bool) {
    const KEYS: usize = 1_000_000;
    let now = Utc
        .with_ymd_and_hms(2019, 3, 25, 9, 30, 0)
        .single()
        .expect("valid time")
        + chrono::Duration::days(10_000);
    // Every event inside one day of event time, so nothing leaves by window.
    let mut gen = Gen::new(u64::MAX);
    // Only this thread allocates while counting; frees of memory allocated before counting
    // started would skew the count, so nothing allocated earlier is freed inside.
    COUNTING.store(true, Relaxed);
    let before = (BYTES.load(Relaxed), ALLOCS.load(Relaxed));
    let mut d = Deduplicator::new(DedupConfig::default());
    let mut processed = 0u64;
    while d.live_keys() < KEYS {
        let c = if first_only {
            gen.events += 1;
            gen.report(gen.events - 1, Report::First)
        } else {
            gen.next()
        };
        black_box(d.process(&c, now));
        processed += 1;
    }
    let bytes = BYTES.load(Relaxed) - before.0;
    let allocs = ALLOCS.load(Relaxed) - before.1;
    COUNTING.store(false, Relaxed);
    let s = d.stats();
    let per_key = bytes as f64 / d.live_keys() as f64;
    // glibc malloc: 8 bytes of header per chunk and rounding to 16: ~16 bytes per allocation.
    let overhead = allocs as f64 * 16.0 / d.live_keys() as f64;
    println!(
        "state ({label}): {} live keys after {processed} candidates ({} articles counted): \
         {bytes} bytes requested = {per_key:.1} bytes/key ({:.2} allocations/key; with ~16 B malloc \
         overhead each: {:.1} bytes/key)",
        d.live_keys(),
        s.new + s.copy + s.update,
        allocs as f64 / d.live_keys() as f64,
        per_key + overhead,
    );
    drop(d);
}

fn main() {
    // `cargo test --benches` runs bench binaries with `--bench` absent: keep that quick.
    if !std::env::args().any(|a| a == "--bench") {
        println!("skipping the dedup benchmark outside `cargo bench`");
        return;
    }
    // `cargo bench -p dragoman-dedup -- throughput` (or `state`) runs one part.
    let only: Option<String> = std::env::args().skip(1).find(|a| !a.starts_with('-'));
    let wants = |part: &str| only.as_deref().is_none_or(|o| part.contains(o));
    if wants("throughput") {
        throughput(true);
        throughput(false);
    }
    if wants("state") {
        state_size("one report per event", true);
        state_size("realistic mix", false);
    }
}
