//! Dedup throughput and state size, with glibc malloc (the `dragoman` binary's allocator
//! unless it installs another; `benches/dedup_mimalloc.rs` measures the same with mimalloc).
//!
//! Run: `cargo bench -p dragoman-dedup` (both allocators), `cargo bench -p dragoman-dedup
//! --bench dedup` (this one), and `-- throughput` or `-- state` after either for one part.
//! Each line names the allocator in brackets. It prints:
//! - `candidates/s per core`: thread CPU time over a realistic mix (45% first reports, 20%
//!   syndicated copies, 20% independent reports, 10% redeliveries, 5% further sentences, with
//!   event time advancing so that the window evicts), including building the published
//!   events and changelog records and freeing everything, for `process_owned` (what a service
//!   that deserialises each record should call) and `process(&candidate)`. Candidates are
//!   made in batches of 64 just before they are processed, as a consumer deserialises a poll
//!   batch, so that they are as warm in cache as in the service; the state is first warmed
//!   to its steady size (the window evicting as fast as events arrive). Also: heap
//!   allocations per candidate.
//! - `bytes per live key at 1000000 live keys`: heap bytes held by a deduplicator of a
//!   million live events as the allocator holds them: each allocation counts its usable size
//!   plus the allocator's per-allocation header (`malloc_usable_size` + 8 for glibc), so
//!   rounding and headers are measured, not estimated. Bytes requested are printed too.

mod common;

use std::alloc::System;
use std::ffi::c_void;

extern "C" {
    fn malloc_usable_size(p: *mut c_void) -> usize;
}

/// glibc's chunk header, which `malloc_usable_size` does not include.
const CHUNK_HEADER: usize = 8;

/// # Safety
/// `p` must be a live allocation of glibc malloc.
unsafe fn glibc_held(p: *mut u8) -> usize {
    malloc_usable_size(p.cast()) + CHUNK_HEADER
}

#[global_allocator]
static GLOBAL: common::Counting<System> = common::Counting {
    inner: System,
    held: glibc_held,
    name: "glibc malloc",
};

fn main() {
    common::main(GLOBAL.name);
}
