//! Streaming stores for outputs too large to stay in cache.
//!
//! An ordinary store to a line that is not cached first reads the line from
//! memory (write-allocate), so `c = a + b` over arrays far larger than the
//! last-level cache moves four arrays' worth of bytes, not three. A
//! non-temporal store writes whole lines without reading them. `streamed`
//! runs a kernel on blocks of a long run with the output redirected to a
//! small scratch block (in L1), then copies the block to the output with
//! non-temporal stores: every kernel and dtype gains, none changes.
//!
//! The scratch block is also where a fused expression (a chain of kernels
//! per block) would keep its intermediate results.

use std::mem::MaybeUninit;

/// Bytes of output a block: small enough to stay in L1 with the inputs'
/// blocks, large enough that the per-block call is negligible.
const BLOCK_BYTES: usize = 8 << 10;

/// A cache-line-aligned scratch block (uninitialised: the kernel writes
/// each block before it is copied out).
#[repr(align(64))]
struct Scratch(MaybeUninit<[u8; BLOCK_BYTES]>);

/// Whether this build can stream stores (x86-64 has them in SSE2).
const CAN_STREAM: bool = cfg!(target_arch = "x86_64");

/// Output bytes from which a call streams its stores: with its inputs such
/// an output fills the last-level cache (32 MiB here), so it would not be
/// there for the next operation anyway. Measured on 2^25 float64 `add`
/// into `out=`: 24-25 ms streamed against 25-29 ms (best of 15, five
/// alternations).
const STREAM_MIN: usize = 16 << 20;

/// `run` for an output of `out_bytes` in all (operand 0, `out_size`-byte
/// elements): as it is below `STREAM_MIN`, else each run through
/// `streamed`. The one place the engine and the casts decide to stream.
///
/// # Safety
/// The returned closure may only be called as `run` may (`streamed`'s
/// contract).
pub(crate) unsafe fn with_streaming<const N: usize>(
    out_bytes: usize,
    out_size: usize,
    run: impl Fn([*mut u8; N], [isize; N], usize) + Sync,
) -> impl Fn([*mut u8; N], [isize; N], usize) + Sync {
    let stream = out_bytes >= STREAM_MIN;
    move |p, s, n| {
        if stream {
            // SAFETY: the caller calls this only as it may call `run`.
            unsafe { streamed(p, s, n, out_size, &run) }
        } else {
            run(p, s, n)
        }
    }
}

/// Call `run(ptrs, steps, len)` over the run of `n` elements at `ptrs`
/// (operand 0 the output, `out_size`-byte elements, contiguous), in blocks
/// whose output goes through a scratch block and then to memory with
/// non-temporal stores. Falls back to one plain call when the output is not
/// contiguous, not aligned to its element size, or the run is shorter than
/// a few blocks. Inputs are read exactly as `run` would read them; the
/// output is written once, after its block's inputs are read, so an output
/// that is exactly an input still works.
///
/// # Safety
/// As `run(ptrs, steps, n)` itself.
pub(crate) unsafe fn streamed<const N: usize>(
    ptrs: [*mut u8; N],
    steps: [isize; N],
    n: usize,
    out_size: usize,
    mut run: impl FnMut([*mut u8; N], [isize; N], usize),
) {
    let out = ptrs[0] as usize;
    let contiguous = out_size > 0 && steps[0] == out_size as isize;
    // Elements before the output reaches a cache-line boundary.
    let gap = out.wrapping_neg() % 64;
    if !CAN_STREAM
        || !contiguous
        || out % out_size != 0
        || gap % out_size != 0
        || BLOCK_BYTES % out_size != 0
        || n.saturating_mul(out_size) < 4 * BLOCK_BYTES
    {
        return run(ptrs, steps, n);
    }
    let block = BLOCK_BYTES / out_size;
    let advance = |p: [*mut u8; N], by: usize| {
        std::array::from_fn(|k| p[k].wrapping_offset(steps[k] * by as isize))
    };
    // The head, up to the first line boundary, written in place.
    let head = gap / out_size;
    run(ptrs, steps, head);
    let mut at = advance(ptrs, head);
    let mut left = n - head;
    let mut scratch = Scratch(MaybeUninit::uninit());
    let buf = scratch.0.as_mut_ptr() as *mut u8;
    // What to prefetch is the same every block; only where moves.
    let mut ahead = Ahead::new(at, steps, block, out_size);
    while left >= block {
        let mut through = at;
        through[0] = buf;
        run(through, steps, block);
        let next = advance(at, block);
        ahead.from = next.map(|p| p as *const u8);
        // SAFETY: `at[0]` is 64-byte aligned with `BLOCK_BYTES` output
        // bytes ahead (whole blocks remain); `buf` holds them.
        unsafe { stream_copy(at[0], buf, BLOCK_BYTES, &ahead) };
        at = next;
        left -= block;
    }
    // The tail, shorter than a block, in place.
    run(at, steps, left);
    // Order the streamed stores before anything this thread does next (the
    // pool's hand-back of the piece, a caller reading the result).
    #[cfg(target_arch = "x86_64")]
    // SAFETY: SSE2 is part of x86-64.
    unsafe {
        std::arch::x86_64::_mm_sfence()
    };
}

/// The inputs' next block, prefetched while the current block's output is
/// streamed out, so that reads are in flight during the burst of
/// non-temporal stores instead of memory's read side idling until the
/// next block's loads. In C, on two threads over 2^25 float64, `c = a +
/// b` through a scratch block ran about 15% slower than a loop storing as
/// it computes, and at that loop's speed with these prefetches. In ndcore
/// (both libraries loaded in one process, alternating, 12 rounds in each
/// order), `add` into `out=` is 8-10% faster with them in best times,
/// 3-5% in mean times.
///
/// Only inputs no wider a step than the output are prefetched: where the
/// inputs are wider (`less` of float64 into bool, casts to uint8) the
/// stores are a small share of the traffic, and prefetching the inputs'
/// whole next block measured 17-19% slower.
struct Ahead<const N: usize> {
    /// Where each input's next block starts (operand 0, the output,
    /// step-0 and wider inputs are skipped: `lines` 0).
    from: [*const u8; N],
    /// Bytes between prefetches, signed like the input's step: a line, or
    /// one element when elements are further apart.
    step: [isize; N],
    /// Prefetches for the whole block.
    lines: [usize; N],
}

impl<const N: usize> Ahead<N> {
    fn new(next: [*mut u8; N], steps: [isize; N], block: usize, out_size: usize) -> Self {
        let mut ahead = Ahead {
            from: next.map(|p| p as *const u8),
            step: [0; N],
            lines: [0; N],
        };
        for k in 1..N {
            let s = steps[k].unsigned_abs();
            if s == 0 || s > out_size {
                continue;
            }
            let gap = s.max(64);
            ahead.step[k] = gap as isize * steps[k].signum();
            ahead.lines[k] = (block * s).div_ceil(gap);
        }
        ahead
    }

    /// Hand `fetch` (`prefetch`) every input's block spread over `of`
    /// calls, one a line of output: each call its share (`lines[k] / of`
    /// on average; counted by remainders, with no division in the loop).
    #[inline(always)]
    fn fetch(&self, cursor: &mut [(usize, usize); N], of: usize, mut fetch: impl FnMut(*const u8)) {
        for k in 1..N {
            let (mut next, mut owed) = cursor[k];
            owed += self.lines[k];
            while owed >= of {
                fetch(self.from[k].wrapping_offset(self.step[k] * next as isize));
                next += 1;
                owed -= of;
            }
            cursor[k] = (next, owed);
        }
    }
}

/// Ask for the line holding `p` in L1: a hint, which never faults, so
/// `p` may point anywhere (past an input's end, on its last block).
#[inline(always)]
fn prefetch(p: *const u8) {
    #[cfg(target_arch = "x86_64")]
    // SAFETY: a prefetch reads nothing architecturally and cannot fault,
    // whatever the address.
    unsafe {
        use std::arch::x86_64::{_MM_HINT_T0, _mm_prefetch};
        _mm_prefetch::<_MM_HINT_T0>(p as *const i8)
    };
    #[cfg(not(target_arch = "x86_64"))]
    let _ = p;
}

/// Copy `len` bytes (a multiple of 64) from `src` to `dst` with
/// non-temporal stores, prefetching `ahead` as it goes.
///
/// # Safety
/// Both 64-byte aligned and valid for `len` bytes; no overlap.
#[inline(always)]
unsafe fn stream_copy<const N: usize>(dst: *mut u8, src: *const u8, len: usize, ahead: &Ahead<N>) {
    #[cfg(target_arch = "x86_64")]
    {
        use std::arch::x86_64::{__m128i, _mm_load_si128, _mm_stream_si128};
        let (d, s) = (dst as *mut __m128i, src as *const __m128i);
        let lines = len / 64;
        let mut cursor = [(0, 0); N];
        for i in 0..lines {
            ahead.fetch(&mut cursor, lines, prefetch);
            for j in 4 * i..4 * i + 4 {
                // SAFETY: forwarded; 16-byte steps inside the aligned blocks.
                unsafe { _mm_stream_si128(d.add(j), _mm_load_si128(s.add(j))) };
            }
        }
    }
    #[cfg(not(target_arch = "x86_64"))]
    // SAFETY: forwarded (never called: `CAN_STREAM` is false).
    unsafe {
        let _ = ahead;
        std::ptr::copy_nonoverlapping(src, dst, len)
    };
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `out[i] = a[i] * 3 + b[i]` over raw runs, as a ufunc loop would.
    fn kernel(p: [*mut u8; 3], s: [isize; 3], n: usize) {
        for i in 0..n as isize {
            // SAFETY: the test's runs hold `n` elements at these steps.
            unsafe {
                let a = (p[1].offset(i * s[1]) as *const u32).read_unaligned();
                let b = (p[2].offset(i * s[2]) as *const u32).read_unaligned();
                (p[0].offset(i * s[0]) as *mut u32).write_unaligned(a.wrapping_mul(3) + b);
            }
        }
    }

    #[test]
    fn streamed_runs_write_what_plain_runs_write() {
        let block = BLOCK_BYTES / 4;
        let a: Vec<u32> = (0..12 * block as u32).collect();
        let b: Vec<u32> = a.iter().map(|x| x ^ 0x5a5a).collect();
        // Lengths below, at and past the streaming minimum, with partial
        // tails; output starts at every 4-byte offset within a line.
        for n in [3, 4 * block - 1, 4 * block, 5 * block + 7, 10 * block + 1] {
            for skip in 0..16 {
                let mut out = vec![0u32; n + 16];
                let o = out[skip..].as_mut_ptr() as *mut u8;
                let ptrs = [o, a.as_ptr() as *mut u8, b.as_ptr() as *mut u8];
                // SAFETY: each run holds `n` elements.
                unsafe { streamed(ptrs, [4, 4, 4], n, 4, kernel) };
                let want: Vec<u32> = (0..n).map(|i| a[i].wrapping_mul(3) + b[i]).collect();
                assert_eq!(&out[skip..skip + n], &want[..], "n={n} skip={skip}");
                assert!(out[..skip].iter().chain(&out[skip + n..]).all(|&x| x == 0));
            }
        }
    }

    /// `out[i] = a[i] + b[i]` with a narrower `a` (u16: prefetched over
    /// half as many lines as the output has) and a wider `b` (u64: not
    /// prefetched), into u32.
    fn widening(p: [*mut u8; 3], s: [isize; 3], n: usize) {
        for i in 0..n as isize {
            // SAFETY: the test's runs hold `n` elements at these steps.
            unsafe {
                let a = (p[1].offset(i * s[1]) as *const u16).read_unaligned();
                let b = (p[2].offset(i * s[2]) as *const u64).read_unaligned();
                (p[0].offset(i * s[0]) as *mut u32).write_unaligned(a as u32 + b as u32);
            }
        }
    }

    #[test]
    fn streamed_inputs_of_other_widths() {
        let n = 9 * (BLOCK_BYTES / 4) + 3;
        let a: Vec<u16> = (0..n).map(|i| (i * 7) as u16).collect();
        let b: Vec<u64> = (0..n as u64).map(|i| i << 3).collect();
        for skip in [0, 1, 15] {
            let mut out = vec![0u32; n + 16];
            let ptrs = [
                out[skip..].as_mut_ptr() as *mut u8,
                a.as_ptr() as *mut u8,
                b.as_ptr() as *mut u8,
            ];
            // SAFETY: each run holds `n` elements.
            unsafe { streamed(ptrs, [4, 2, 8], n, 4, widening) };
            assert!(
                (0..n).all(|i| out[skip + i] == a[i] as u32 + b[i] as u32),
                "skip={skip}"
            );
            // Reversed narrow input.
            let last = a[n - 1..].as_ptr() as *mut u8;
            let ptrs = [
                out[skip..].as_mut_ptr() as *mut u8,
                last,
                b.as_ptr() as *mut u8,
            ];
            // SAFETY: the reversed run reads `a` backwards from its end.
            unsafe { streamed(ptrs, [4, -2, 8], n, 4, widening) };
            assert!((0..n).all(|i| out[skip + i] == a[n - 1 - i] as u32 + b[i] as u32));
        }
    }

    #[test]
    fn prefetches_cover_each_line_of_the_next_block_once() {
        let base = 1 << 20;
        let block = BLOCK_BYTES / 8;
        let next = [base, base + 8192, base + 65536, base, base].map(|p: usize| p as *mut u8);
        // Output f8; inputs: f8, f4 reversed, f8 repeated (step 0), u16
        // strided by 16 (wider than the output: skipped).
        let ahead = Ahead::new(next, [8, 8, -4, 0, 16], block, 8);
        let lines = BLOCK_BYTES / 64;
        let mut cursor = [(0, 0); 5];
        let mut seen = Vec::new();
        for _ in 0..lines {
            ahead.fetch(&mut cursor, lines, |p| seen.push(p as usize));
        }
        let mut want: Vec<usize> = (0..block * 8 / 64).map(|j| base + 8192 + 64 * j).collect();
        want.extend((0..block * 4 / 64).map(|j| base + 65536 - 64 * j));
        seen.sort();
        want.sort();
        assert_eq!(seen, want);
    }

    #[test]
    fn streamed_handles_in_place_reversed_and_repeated_operands() {
        let n = 6 * (BLOCK_BYTES / 4) + 5;
        let b: Vec<u32> = (0..n as u32).map(|x| x.wrapping_mul(7)).collect();
        // In place: the output is the first input.
        let mut a: Vec<u32> = (0..n as u32).collect();
        let pa = a.as_mut_ptr() as *mut u8;
        // SAFETY: runs of `n` elements; the output is exactly input 0.
        unsafe { streamed([pa, pa, b.as_ptr() as *mut u8], [4, 4, 4], n, 4, kernel) };
        assert!((0..n).all(|i| a[i] == (i as u32).wrapping_mul(3) + b[i]));
        // A repeated input (step 0) and a reversed one (negative step).
        let mut out = vec![0u32; n];
        let last = b[n - 1..].as_ptr() as *mut u8;
        let seven = [7u32];
        let ptrs = [out.as_mut_ptr() as *mut u8, seven.as_ptr() as *mut u8, last];
        // SAFETY: the reversed run reads `b` backwards from its end.
        unsafe { streamed(ptrs, [4, 0, -4], n, 4, kernel) };
        assert!((0..n).all(|i| out[i] == 21 + b[n - 1 - i]));
        // A strided output is not streamed but still computed.
        let mut wide = vec![0u32; 2 * n];
        let ptrs = [
            wide.as_mut_ptr() as *mut u8,
            seven.as_ptr() as *mut u8,
            last,
        ];
        // SAFETY: the output run strides 8 bytes over `2n` elements.
        unsafe { streamed(ptrs, [8, 0, -4], n, 4, kernel) };
        assert!((0..n).all(|i| wide[2 * i] == 21 + b[n - 1 - i] && wide[2 * i + 1] == 0));
    }
}
