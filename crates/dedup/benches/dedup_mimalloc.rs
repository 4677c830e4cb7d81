//! Dedup throughput and state size with mimalloc as the global allocator: what the
//! `dragoman` binary gets once it installs mimalloc too (`#[global_allocator]`). Measured as
//! `benches/dedup.rs` describes; run `cargo bench -p dragoman-dedup --bench dedup_mimalloc`
//! (add `-- throughput` or `-- state` for one part).

mod common;

use mimalloc::MiMalloc;

/// # Safety
/// `p` must be a live allocation of mimalloc (which has no per-allocation header).
unsafe fn mimalloc_held(p: *mut u8) -> usize {
    libmimalloc_sys::mi_usable_size(p.cast())
}

#[global_allocator]
static GLOBAL: common::Counting<MiMalloc> = common::Counting {
    inner: MiMalloc,
    held: mimalloc_held,
    name: "mimalloc",
};

fn main() {
    common::main(GLOBAL.name);
}
