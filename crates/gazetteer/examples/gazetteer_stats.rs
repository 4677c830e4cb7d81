//! Measures the bundled gazetteer: parse time, memory, and lookup speed.
//!
//! `cargo run --release -p dragoman-gazetteer --example gazetteer_stats`

use std::time::Instant;

use dragoman_gazetteer::{Gazetteer, BUNDLED_TSV};

/// Resident memory of this process in bytes (Linux), to compare before and after loading.
fn rss_bytes() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmRSS:"))?;
    let kb: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb * 1024)
}

fn main() {
    let before = rss_bytes();
    let t = Instant::now();
    let g = Gazetteer::bundled();
    let load = t.elapsed();
    let after = rss_bytes();
    println!("file: {} bytes", BUNDLED_TSV.len());
    println!("places: {}, names: {}", g.len(), g.name_count());
    println!("load: {:.1} ms", load.as_secs_f64() * 1e3);
    println!(
        "approx memory: {:.1} MiB",
        g.approx_memory_bytes() as f64 / (1 << 20) as f64
    );
    if let (Some(b), Some(a)) = (before, after) {
        println!(
            "RSS growth: {:.1} MiB",
            a.saturating_sub(b) as f64 / (1 << 20) as f64
        );
    }

    // Reparse a few times: the first load pays for page faults on the embedded text.
    let runs = 5;
    let t = Instant::now();
    for _ in 0..runs {
        std::hint::black_box(Gazetteer::from_tsv(BUNDLED_TSV).expect("bundled file parses"));
    }
    println!(
        "reparse: {:.1} ms",
        t.elapsed().as_secs_f64() * 1e3 / runs as f64
    );

    let names = [
        "Tripoli",
        "Moscow",
        "Zürich",
        "Geneva",
        "Police",
        "Washington",
        "Kyiv",
    ];
    let n = 1_000_000;
    let t = Instant::now();
    let mut hits = 0usize;
    for i in 0..n {
        hits += g.resolve(names[i % names.len()], &["LBY"]).is_some() as usize;
    }
    let per = t.elapsed().as_secs_f64() * 1e9 / n as f64;
    println!("resolve: {per:.0} ns per call ({hits} hits of {n})");
}
