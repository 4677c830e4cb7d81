//! Measures how fast the generator produces records, and prints one of each kind.
//!
//! `cargo run --release -p dragoman-loadgen --example loadgen_rate [N]`

use std::time::Instant;

use dragoman_loadgen::{Generator, LoadgenOptions, RecordKind};

fn main() {
    let n: usize = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(100_000);
    let mut g = Generator::new(LoadgenOptions::default());
    let t = Instant::now();
    let (mut bytes, mut shown_article, mut shown_copy) = (0usize, false, false);
    for _ in 0..n {
        let r = g.next_record();
        bytes += r.payload.len();
        let show = match r.kind {
            RecordKind::Article
                if !shown_article && !r.payload.windows(5).any(|w| w == b"<html") =>
            {
                shown_article = true;
                true
            }
            RecordKind::SyndicatedCopy if !shown_copy => {
                shown_copy = true;
                true
            }
            _ => false,
        };
        if show {
            eprintln!("{:?}: {}\n", r.kind, String::from_utf8_lossy(&r.payload));
        }
    }
    let secs = t.elapsed().as_secs_f64();
    println!(
        "{n} records, {:.1} MiB in {:.2} s: {:.0} records/s, {:.1} MiB/s",
        bytes as f64 / (1 << 20) as f64,
        secs,
        n as f64 / secs,
        bytes as f64 / (1 << 20) as f64 / secs
    );
}
