//! What the crates' property tests and profiling examples share: a global allocator that counts
//! the heap a thread holds (so a test can bound the memory one input takes), a seeded generator
//! whose stream is the same for a seed on every build, and this thread's CPU time.

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;
use std::time::{Duration, Instant};

// ---- heap accounting: the bytes this thread holds, and their peak ----

/// The global allocator of a property test: `#[global_allocator] static ALLOC: Counting =
/// Counting;`. It forwards to the system allocator and counts this thread's bytes.
pub struct Counting;

thread_local! {
    static LIVE: Cell<isize> = const { Cell::new(0) };
    static PEAK: Cell<isize> = const { Cell::new(0) };
}

fn track(delta: isize) {
    let _ = LIVE.try_with(|live| {
        let now = live.get() + delta;
        live.set(now);
        let _ = PEAK.try_with(|peak| peak.set(peak.get().max(now)));
    });
}

// SAFETY: every call is forwarded to the system allocator unchanged; the counters are plain
// thread-local integers that never allocate.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let p = System.alloc(layout);
        if !p.is_null() {
            track(layout.size() as isize);
        }
        p
    }
    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        let p = System.alloc_zeroed(layout);
        if !p.is_null() {
            track(layout.size() as isize);
        }
        p
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        System.dealloc(ptr, layout);
        track(-(layout.size() as isize));
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        let p = System.realloc(ptr, layout, new_size);
        if !p.is_null() {
            track(new_size as isize - layout.size() as isize);
        }
        p
    }
}

/// Runs `f`, returning its result, its time and the most heap it held at once (on this
/// thread, above what was held before).
pub fn measured<T>(f: impl FnOnce() -> T) -> (T, Duration, usize) {
    let base = LIVE.with(Cell::get);
    PEAK.with(|p| p.set(base));
    let started = Instant::now();
    let out = f();
    let took = started.elapsed();
    let peak = PEAK.with(Cell::get) - base;
    (out, took, peak.max(0) as usize)
}

/// This thread's CPU time in seconds (the first field of /proc/thread-self/schedstat, in ns;
/// 0 where there is none): what a stage costs, whatever else the machine runs.
pub fn thread_cpu_seconds() -> f64 {
    let s = std::fs::read_to_string("/proc/thread-self/schedstat").unwrap_or_default();
    let ns: f64 = s
        .split_whitespace()
        .next()
        .and_then(|n| n.parse().ok())
        .unwrap_or(0.0);
    ns / 1e9
}

// ---- a seeded generator (SplitMix64), the same stream for a seed on every build ----

#[derive(Debug, Clone)]
pub struct Rng(pub u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed)
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    pub fn below(&mut self, n: usize) -> usize {
        (self.next_u64() % n.max(1) as u64) as usize
    }
    pub fn chance(&mut self, percent: usize) -> bool {
        self.below(100) < percent
    }
    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
    pub fn word<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.below(items.len())]
    }
    /// Uniform in `[0, 1)`.
    pub fn unit(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }
    pub fn shuffle<T>(&mut self, items: &mut [T]) {
        for i in (1..items.len()).rev() {
            items.swap(i, self.below(i + 1));
        }
    }
    /// A length up to `max`, small ones as likely as large ones (log-uniform).
    pub fn len(&mut self, max: usize) -> usize {
        let bits = usize::BITS - max.leading_zeros();
        let cap = 1usize << self.below(bits as usize + 1);
        self.below(cap.min(max) + 1)
    }
    /// A random character: ASCII most often, then one of `special`, else from the whole of
    /// Unicode.
    pub fn char(&mut self, special: &[char]) -> char {
        match self.below(10) {
            0..=4 => (b' ' + self.below(95) as u8) as char,
            5 => *self.pick(special),
            6 => char::from_u32(0x80 + self.below(0x780) as u32).unwrap_or('?'),
            7 => char::from_u32(0x300 + self.below(0x70) as u32).unwrap_or('?'),
            8 => char::from_u32(0x4E00 + self.below(0x5000) as u32).unwrap_or('?'),
            _ => char::from_u32(self.below(0x11_0000) as u32).unwrap_or('\u{FFFD}'),
        }
    }
}

/// `DRAGOMAN_FUZZ_SEED`, or `default`: replays or varies a test's inputs.
pub fn seed(default: u64) -> u64 {
    std::env::var("DRAGOMAN_FUZZ_SEED")
        .ok()
        .and_then(|s| s.trim().parse().ok())
        .unwrap_or(default)
}

/// `DRAGOMAN_FUZZ_SCALE` (default 1): multiplies the number of cases for a longer run.
pub fn scale() -> usize {
    std::env::var("DRAGOMAN_FUZZ_SCALE")
        .ok()
        .and_then(|s| s.trim().parse().ok())
        .unwrap_or(1)
}

/// The message of a caught panic (`catch_unwind`'s error), or an empty string.
pub fn panic_message(panic: &(dyn std::any::Any + Send)) -> String {
    panic
        .downcast_ref::<String>()
        .cloned()
        .or_else(|| panic.downcast_ref::<&str>().map(|s| s.to_string()))
        .unwrap_or_default()
}
