//! A size-classed cache of freed owned allocations. A chain of ufuncs
//! (`x**2 - 3*x + 4`) frees and allocates same-sized temporaries; fresh
//! memory costs a page fault per page (~1 us per 4 KiB here, and the kernel
//! zeroes every huge page), which reusing a freed block avoids. Only
//! allocations that need no zeroing take from the cache.
//!
//! Bounded: at most `MAX_ENTRIES` blocks and `budget()` bytes (256 MiB by
//! default, `NDCORE_POOL_BYTES` overrides, 0 disables), oldest evicted
//! first; `clear` gives everything back to the system.

use std::alloc::Layout;
use std::ptr::NonNull;
use std::sync::{Mutex, OnceLock};

/// Blocks smaller than this come from malloc, which caches them itself.
pub(super) const MIN_POOLED: usize = 64 << 10;
const MAX_ENTRIES: usize = 8;
const DEFAULT_BUDGET: usize = 256 << 20;

/// Where a cached block came from, so it is freed the same way.
pub(super) enum Block {
    Heap(Layout),
    Mapped { base: *mut u8, len: usize },
}

/// A freed block: `cap` usable bytes at `ptr`.
pub(super) struct Cached {
    pub ptr: NonNull<u8>,
    pub cap: usize,
    pub block: Block,
}

// SAFETY: a cached block is memory nobody else references.
unsafe impl Send for Cached {}

struct State {
    entries: Vec<Cached>,
    bytes: usize,
}

static POOL: Mutex<State> = Mutex::new(State {
    entries: Vec::new(),
    bytes: 0,
});

fn budget() -> usize {
    static BUDGET: OnceLock<usize> = OnceLock::new();
    *BUDGET.get_or_init(|| {
        std::env::var("NDCORE_POOL_BYTES")
            .ok()
            .and_then(|v| v.trim().parse().ok())
            .unwrap_or(DEFAULT_BUDGET)
    })
}

/// The capacity a request of `len` bytes is rounded up to: eight classes
/// per power of two, so a block fits requests within 12.5% of its size.
pub(super) fn class(len: usize) -> usize {
    if !(MIN_POOLED..=isize::MAX as usize / 2).contains(&len) {
        return len;
    }
    // len lies in [2^k, 2^(k+1)): steps of 2^(k-3).
    let step = (1usize << (usize::BITS - 1 - len.leading_zeros())) / 8;
    len.div_ceil(step) * step
}

/// A cached block of exactly `cap` bytes (a class size), if any.
pub(super) fn take(cap: usize) -> Option<Cached> {
    let mut state = POOL.lock().ok()?;
    let i = state.entries.iter().rposition(|c| c.cap == cap)?;
    let c = state.entries.remove(i);
    state.bytes -= c.cap;
    Some(c)
}

/// Offer a freed block; it comes back when the pool does not keep it,
/// along with any blocks evicted to make room (the caller frees them).
pub(super) fn give(c: Cached) -> Vec<Cached> {
    let budget = budget();
    if c.cap > budget || c.cap < MIN_POOLED {
        return vec![c];
    }
    let Ok(mut state) = POOL.lock() else {
        return vec![c];
    };
    let mut evicted = Vec::new();
    while !state.entries.is_empty()
        && (state.entries.len() >= MAX_ENTRIES || state.bytes + c.cap > budget)
    {
        let old = state.entries.remove(0);
        state.bytes -= old.cap;
        evicted.push(old);
    }
    state.bytes += c.cap;
    state.entries.push(c);
    evicted
}

/// Empty the cache; the caller frees what comes back.
pub(super) fn drain() -> Vec<Cached> {
    match POOL.lock() {
        Ok(mut state) => {
            state.bytes = 0;
            std::mem::take(&mut state.entries)
        }
        Err(_) => Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classes_round_up_by_an_eighth() {
        assert_eq!(class(100), 100);
        assert_eq!(class(MIN_POOLED), MIN_POOLED);
        assert_eq!(class(MIN_POOLED + 1), MIN_POOLED + MIN_POOLED / 8);
        let n = 800_000;
        assert!(class(n) >= n && class(n) - n <= n / 8);
        assert_eq!(class(class(n)), class(n));
        assert_eq!(class(isize::MAX as usize - 8), isize::MAX as usize - 8);
    }
}
