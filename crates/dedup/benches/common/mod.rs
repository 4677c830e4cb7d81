//! The dedup benchmark, shared by `benches/dedup.rs` (glibc malloc) and
//! `benches/dedup_mimalloc.rs` (mimalloc), which differ only in the global allocator they
//! install; see `benches/dedup.rs` for what is measured and how to run it.

use std::alloc::{GlobalAlloc, Layout};
use std::hint::black_box;
use std::sync::atomic::{AtomicBool, AtomicIsize, Ordering::Relaxed};
use std::time::{Duration, Instant};

use chrono::{NaiveDate, TimeZone, Utc};
use dragoman_dedup::{DecisionKind, DedupConfig, Deduplicator};
use dragoman_model::{
    Actor, ArticleRef, CandidateEvent, CoderInfo, DatePrecision, Evidence, Location,
    LocationPrecision,
};

/// Bytes the program requested.
static BYTES: AtomicIsize = AtomicIsize::new(0);
/// Bytes the allocator holds for them (see [`Counting::held`]).
static HELD: AtomicIsize = AtomicIsize::new(0);
/// Counting costs atomic operations per allocation: it is switched on only while state size
/// or allocations are measured, never while throughput is timed.
static COUNTING: AtomicBool = AtomicBool::new(false);
static ALLOCS: AtomicIsize = AtomicIsize::new(0);
/// Allocations made (never decremented): allocations per candidate.
static MADE: AtomicIsize = AtomicIsize::new(0);

/// A global allocator that forwards to `A` and, while [`COUNTING`] is on, counts.
pub struct Counting<A> {
    pub inner: A,
    /// Bytes `inner` holds for a live allocation: its usable size plus any per-allocation
    /// header, so that rounding and headers are measured rather than estimated.
    pub held: unsafe fn(*mut u8) -> usize,
    pub name: &'static str,
}

impl<A> Counting<A> {
    fn held(&self, p: *mut u8) -> isize {
        // SAFETY: `p` is a live allocation of `inner`, as `held` requires.
        unsafe { (self.held)(p) as isize }
    }
}

// SAFETY: forwards every call to `inner` unchanged; only counts.
unsafe impl<A: GlobalAlloc> GlobalAlloc for Counting<A> {
    unsafe fn alloc(&self, l: Layout) -> *mut u8 {
        let p = self.inner.alloc(l);
        if COUNTING.load(Relaxed) && !p.is_null() {
            BYTES.fetch_add(l.size() as isize, Relaxed);
            HELD.fetch_add(self.held(p), Relaxed);
            ALLOCS.fetch_add(1, Relaxed);
            MADE.fetch_add(1, Relaxed);
        }
        p
    }
    unsafe fn dealloc(&self, p: *mut u8, l: Layout) {
        if COUNTING.load(Relaxed) {
            BYTES.fetch_sub(l.size() as isize, Relaxed);
            HELD.fetch_sub(self.held(p), Relaxed);
            ALLOCS.fetch_sub(1, Relaxed);
        }
        self.inner.dealloc(p, l)
    }
    unsafe fn realloc(&self, p: *mut u8, l: Layout, new: usize) -> *mut u8 {
        let counting = COUNTING.load(Relaxed);
        let before = if counting { self.held(p) } else { 0 };
        let q = self.inner.realloc(p, l, new);
        if counting && !q.is_null() {
            BYTES.fetch_add(new as isize - l.size() as isize, Relaxed);
            HELD.fetch_add(self.held(q) - before, Relaxed);
            MADE.fetch_add(1, Relaxed);
        }
        q
    }
}

extern "C" {
    fn clock_gettime(clock: i32, ts: *mut Timespec) -> i32;
}

#[repr(C)]
struct Timespec {
    sec: i64,
    nsec: i64,
}

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

fn bench_now() -> chrono::DateTime<Utc> {
    Utc.with_ymd_and_hms(2019, 3, 25, 9, 30, 0)
        .single()
        .expect("valid time")
        + chrono::Duration::days(10_000)
}

/// The generator dates every candidate within the dates dedup accepts.
const ACCEPTED: &str = "bench candidates are dated within the accepted dates";

/// Candidates made at a time, then processed: a consumer's poll batch.
const BATCH: usize = 64;

/// Processes `n` candidates of `gen` through `d`; returns (thread CPU, wall) time spent in
/// dedup, including freeing the candidates and what dedup returned.
fn run(d: &mut Deduplicator, gen: &mut Gen, n: usize, owned: bool) -> (Duration, Duration) {
    let now = bench_now();
    let (mut cpu, mut wall) = (Duration::ZERO, Duration::ZERO);
    let mut done = 0;
    while done < n {
        let batch: Vec<CandidateEvent> = (0..BATCH).map(|_| gen.next()).collect();
        let (start, cpu_start) = (Instant::now(), thread_cpu());
        if owned {
            for c in batch {
                black_box(d.process_owned(c, now).expect(ACCEPTED));
            }
        } else {
            for c in &batch {
                black_box(d.process(c, now).expect(ACCEPTED));
            }
            drop(batch);
        }
        cpu += thread_cpu().saturating_sub(cpu_start);
        wall += start.elapsed();
        done += BATCH;
    }
    (cpu, wall)
}

fn throughput(alloc: &str, owned: bool) {
    const WARMUP: usize = 600_000;
    const TOTAL: usize = 1_000_000;
    const COUNTED: usize = 100_000;
    let label = if owned {
        "process_owned"
    } else {
        "process(&candidate)"
    };
    let mut d = Deduplicator::new(DedupConfig::default());
    // ~100k new events per day of event time: the window (3 days) evicts as the stream goes
    // on, and after the warm-up the state stays at its steady size.
    let mut gen = Gen::new(100_000);
    run(&mut d, &mut gen, WARMUP, owned);
    let before = *d.stats();
    let (cpu, wall) = run(&mut d, &mut gen, TOTAL, owned);
    let s = *d.stats();
    let per_core = TOTAL as f64 / cpu.as_secs_f64();
    // Allocations per candidate, counted on a further stretch (counting is not timed).
    let made = MADE.load(Relaxed);
    COUNTING.store(true, Relaxed);
    let now = bench_now();
    for _ in 0..COUNTED / BATCH {
        COUNTING.store(false, Relaxed);
        let batch: Vec<CandidateEvent> = (0..BATCH).map(|_| gen.next()).collect();
        COUNTING.store(true, Relaxed);
        if owned {
            for c in batch {
                black_box(d.process_owned(c, now).expect(ACCEPTED));
            }
        } else {
            for c in &batch {
                black_box(d.process(c, now).expect(ACCEPTED));
            }
        }
    }
    COUNTING.store(false, Relaxed);
    let allocs = (MADE.load(Relaxed) - made) as f64 / (COUNTED / BATCH * BATCH) as f64;
    println!(
        "throughput {label} [{alloc}]: {per_core:.0} candidates/s per core \
         ({TOTAL} candidates in {:.3} s of thread CPU time; wall clock {:.0}/s; \
         {allocs:.1} heap allocations per candidate)",
        cpu.as_secs_f64(),
        TOTAL as f64 / wall.as_secs_f64(),
    );
    println!(
        "  decisions: new {} update {} copy {} redelivery {}; evicted window {} bound {}; live {}",
        s.new - before.new,
        s.update - before.update,
        s.copy - before.copy,
        s.redelivery - before.redelivery,
        s.evicted_window - before.evicted_window,
        s.evicted_bound - before.evicted_bound,
        d.live_keys()
    );
    for k in DecisionKind::ALL {
        assert!(
            s.decisions(k) > before.decisions(k),
            "the mix exercises {k}"
        );
    }
}

/// CPU time consumed by the calling thread (`CLOCK_THREAD_CPUTIME_ID`): on a shared machine
/// it is the honest "per core" figure; wall-clock time is printed too.
fn thread_cpu() -> Duration {
    const CLOCK_THREAD_CPUTIME_ID: i32 = 3;
    let mut ts = Timespec { sec: 0, nsec: 0 };
    // SAFETY: `ts` is a valid, writable timespec.
    if unsafe { clock_gettime(CLOCK_THREAD_CPUTIME_ID, &mut ts) } != 0 {
        return Duration::ZERO;
    }
    Duration::new(ts.sec as u64, ts.nsec as u32)
}

fn state_size(alloc: &str, label: &str, first_only: bool) {
    const KEYS: usize = 1_000_000;
    let now = bench_now();
    // Every event inside one day of event time, so nothing leaves by window.
    let mut gen = Gen::new(u64::MAX);
    // Only this thread allocates while counting; frees of memory allocated before counting
    // started would skew the count, so nothing allocated earlier is freed inside.
    COUNTING.store(true, Relaxed);
    let before = (
        BYTES.load(Relaxed),
        HELD.load(Relaxed),
        ALLOCS.load(Relaxed),
    );
    let mut d = Deduplicator::new(DedupConfig::default());
    let mut processed = 0u64;
    while d.live_keys() < KEYS {
        let c = if first_only {
            gen.events += 1;
            gen.report(gen.events - 1, Report::First)
        } else {
            gen.next()
        };
        black_box(d.process(&c, now).expect(ACCEPTED));
        processed += 1;
    }
    let bytes = BYTES.load(Relaxed) - before.0;
    let heap = HELD.load(Relaxed) - before.1;
    let allocs = ALLOCS.load(Relaxed) - before.2;
    COUNTING.store(false, Relaxed);
    let s = d.stats();
    let keys = d.live_keys() as f64;
    println!(
        "state {label} [{alloc}]: {:.1} bytes per live key at {} live keys \
         ({heap} bytes of heap incl. allocator headers and rounding; {:.1} bytes/key requested; \
         {:.2} allocations/key; {processed} candidates, {} articles counted)",
        heap as f64 / keys,
        d.live_keys(),
        bytes as f64 / keys,
        allocs as f64 / keys,
        s.new + s.copy + s.update,
    );
    drop(d);
}

/// Runs the benchmark parts the command line asks for; `alloc` names the global allocator.
pub fn main(alloc: &str) {
    // `cargo test --benches` runs bench binaries with `--bench` absent: keep that quick.
    if !std::env::args().any(|a| a == "--bench") {
        println!("skipping the dedup benchmark outside `cargo bench`");
        return;
    }
    // `cargo bench -p dragoman-dedup -- throughput` (or `state`) runs one part.
    let only: Option<String> = std::env::args().skip(1).find(|a| !a.starts_with('-'));
    let wants = |part: &str| only.as_deref().is_none_or(|o| part.contains(o));
    if wants("throughput") {
        throughput(alloc, true);
        throughput(alloc, false);
    }
    if wants("state") {
        state_size(alloc, "(one report per event)", true);
        state_size(alloc, "(realistic mix)", false);
    }
}
