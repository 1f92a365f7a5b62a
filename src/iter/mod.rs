//! The N-d loop engine: walks operands that share a shape (each with its own
//! byte strides and data pointer) as a sequence of 1-d runs, the axes
//! coalesced and ordered by `layout::loop_dims`, and hands each run to a
//! typed inner loop. Kernels see only (pointers, strides, length).
//!
//! The walk is cut into *units* (a block of rows of at most `TILE_ROWS` of
//! the tile axis times a block of the inner axis), so that:
//! - operands whose layouts disagree (`M.T + M`) are read in cache-sized
//!   tiles (`layout::tile_axis` picks the axis);
//! - large work is split across threads (the `team`) as ranges of units, with
//!   no thread overhead below `PARALLEL_MIN` elements;
//! - a later fused-expression engine can run a chain of kernels per unit.

/// Run `$body` with `$t` naming the unsigned integer of `$size` bytes
/// (1, 2, 4, 8 or 16), so element moves are typed loads and stores; any
/// other size runs `$other`.
macro_rules! with_uint_of_size {
    ($size:expr, $t:ident => $body:block, _ => $other:block) => {
        match $size {
            1 => {
                type $t = u8;
                $body
            }
            2 => {
                type $t = u16;
                $body
            }
            4 => {
                type $t = u32;
                $body
            }
            8 => {
                type $t = u64;
                $body
            }
            16 => {
                type $t = u128;
                $body
            }
            _ => $other,
        }
    };
}

mod stream;
pub(crate) mod team;
mod units;

pub(crate) use stream::with_streaming;

use crate::layout::{self, Dims};
use units::Grid;

/// Below this many elements a memory-bound elementwise call stays on the
/// calling thread. Measured here with the team (`team`), `add` of float64
/// into `out=`: 2^15 elements 7.9-8.0 us on two threads against 8.5 on
/// one, 2^14 equal (5.3 us), 2^13 slower (7.1 us against 4.8).
pub(crate) const PARALLEL_MIN: usize = 1 << 15;
/// The same for reductions split by rows, column ranges or halves (min,
/// max, integer sums, argmax). Measured on the team against 2^18 (rayon's
/// value), ratio to NumPy at 2^16 / 2^17 elements: max 0.41x / 0.53x ->
/// 0.53x / 0.79x, argmax 0.55x / 0.70x -> 0.72x / 1.00x, sum(axis=1) of
/// 256 columns 0.78x / 0.99x -> 1.10x / 1.40x, int64 sum 0.49x / 0.67x ->
/// 0.66x / 0.98x. Pairwise float sums split from their own threshold
/// (`reduce_kernels::PARALLEL_HALVES`).
pub(crate) const REDUCE_PARALLEL_MIN: usize = 1 << 15;
/// The same for loops that compute much per element (libm calls: exp of
/// 2^16 float64 runs 1.8x faster on two threads).
pub(crate) const PARALLEL_MIN_COMPUTE: usize = 1 << 13;

/// Pointers handed between threads. The engine's callers guarantee that
/// distinct units touch distinct output elements.
#[derive(Clone, Copy)]
struct Shared<const N: usize>([*mut u8; N]);
// SAFETY: see the type's doc; the pointers are only dereferenced by `run`,
// whose callers vouch for the memory (the `# Safety` sections below).
unsafe impl<const N: usize> Send for Shared<N> {}
unsafe impl<const N: usize> Sync for Shared<N> {}

/// Call `run(ptrs, strides, len)` for every 1-d run covering `shape`, on
/// the calling thread, each inner run whole and the outer axes in order
/// (reductions rely on both).
///
/// # Safety
/// For each operand `k`, every address `ptrs[k] + sum(i_d * strides[k][d])`
/// with `0 <= i_d < shape[d]` must be valid for the accesses `run` makes.
pub unsafe fn for_each_run<const N: usize>(
    shape: &[usize],
    ptrs: [*mut u8; N],
    strides: [&[isize]; N],
    mut run: impl FnMut([*mut u8; N], [isize; N], usize),
) {
    let (dims, steps) = layout::loop_dims(shape, strides);
    if dims[dims.len() - 1] == 0 {
        return;
    }
    if dims.len() == 1 {
        // One run (contiguous operands, or 1-d): no grid to build.
        run(ptrs, steps[0], dims[0]);
        return;
    }
    let grid = Grid::new(&dims, &steps, None, None);
    // SAFETY: forwarded from the caller.
    unsafe { grid.walk(ptrs, 0, grid.units(), &mut run) };
}

/// For elementwise work: as `for_each_run`, but mismatched layouts are
/// walked in tiles (inner runs in pieces) and large work is split across
/// the team (`team::for_pieces`): `run` is called concurrently on disjoint runs, in no
/// particular order. Elementwise kernels give the same result either way.
/// `sizes` gives each input operand's element size (0 for outputs): an
/// input that strides far along the inner run may then be read through a
/// dense copy of each tile. Work of fewer than `min_parallel` elements
/// stays on the calling thread.
///
/// # Safety
/// As `for_each_run`; in addition, runs of distinct elements may execute
/// at the same time, so an operand written by `run` must not have two
/// elements at the same address (no zero strides in outputs) and must not
/// overlap another operand unless each element is read before it is
/// written at the same position.
pub unsafe fn for_each_run_par<const N: usize>(
    shape: &[usize],
    ptrs: [*mut u8; N],
    strides: [&[isize]; N],
    sizes: [usize; N],
    min_parallel: usize,
    run: impl Fn([*mut u8; N], [isize; N], usize) + Sync,
) {
    let (dims, steps) = layout::loop_dims(shape, strides);
    let total: usize = dims.iter().product();
    if total == 0 {
        return;
    }
    let threads = if total >= min_parallel {
        team::threads()
    } else {
        1
    };
    if threads == 1 && dims.len() == 1 {
        // One run on this thread (one axis cannot be tiled): no grid.
        run(ptrs, steps[0], dims[0]);
        return;
    }
    // Four pieces a thread let the team even out uneven cores.
    let pieces = if threads > 1 { threads * 4 } else { 1 };
    let grid = Grid::new(&dims, &steps, Some(sizes), Some(pieces));
    let pieces = pieces.min(grid.units());
    // SAFETY: forwarded from the caller; units touch disjoint elements.
    unsafe { walk_in_pieces(&grid, ptrs, pieces, run) };
}

/// Walk all of `grid`'s units: on the calling thread when `pieces <= 1`,
/// else as `pieces` contiguous ranges of units shared by the team.
///
/// # Safety
/// As `Grid::walk` for every unit; concurrently run ranges must touch
/// disjoint elements of every operand `run` writes.
unsafe fn walk_in_pieces<const N: usize>(
    grid: &Grid<N>,
    ptrs: [*mut u8; N],
    pieces: usize,
    run: impl Fn([*mut u8; N], [isize; N], usize) + Sync,
) {
    let units = grid.units();
    if pieces <= 1 {
        let mut run = run;
        // SAFETY: forwarded from the caller.
        unsafe { grid.walk(ptrs, 0, units, &mut run) };
        return;
    }
    let shared = Shared(ptrs);
    team::for_pieces(pieces, &|piece| {
        let (start, end) = (units * piece / pieces, units * (piece + 1) / pieces);
        let shared = shared;
        let mut call = |p, st, n| run(p, st, n);
        // SAFETY: forwarded from the caller; ranges are disjoint.
        unsafe { grid.walk(shared.0, start, end, &mut call) };
    });
}

/// Copy `n` elements of `size` bytes from `src` (byte stride `ss`, which may
/// be 0 to repeat one element) to `dst` (stride `ds`), with typed moves for
/// the common sizes so strided and repeated copies do not call memcpy per
/// element, and contiguous runs become one memcpy.
///
/// # Safety
/// Both runs valid for `n` elements; they must not overlap.
#[inline]
pub unsafe fn copy_elements(
    src: *const u8,
    ss: isize,
    dst: *mut u8,
    ds: isize,
    n: usize,
    size: usize,
) {
    let sz = size as isize;
    if ss == sz && ds == sz {
        // SAFETY: forwarded from the caller.
        unsafe { std::ptr::copy_nonoverlapping(src, dst, n * size) };
        return;
    }
    with_uint_of_size!(size, T => {
        for i in 0..n as isize {
            // SAFETY: forwarded from the caller; any alignment.
            unsafe {
                let x = (src.wrapping_offset(i * ss) as *const T).read_unaligned();
                (dst.wrapping_offset(i * ds) as *mut T).write_unaligned(x);
            }
        }
    }, _ => {
        for i in 0..n as isize {
            // SAFETY: forwarded from the caller.
            unsafe {
                std::ptr::copy_nonoverlapping(
                    src.wrapping_offset(i * ss),
                    dst.wrapping_offset(i * ds),
                    size,
                )
            };
        }
    })
}

/// For reductions: as `for_each_run` (inner runs whole, outer axes in
/// order), but large work goes to the team in pieces that never
/// share an accumulator element, each of which sees its values in the same
/// order as on one thread, so results are identical: when every outer axis
/// moves operand `key` (the accumulator), ranges of outer iterations;
/// when some outer axis does not but the inner one does (`sum(axis=0)`:
/// elementwise accumulation, where cutting runs changes nothing), ranges
/// of inner positions, each over all outer iterations in order.
///
/// # Safety
/// As `for_each_run`; `run` may be called concurrently for runs that
/// write different elements of operand `key` and nothing else.
pub unsafe fn for_each_run_outer_par<const N: usize>(
    shape: &[usize],
    ptrs: [*mut u8; N],
    strides: [&[isize]; N],
    key: usize,
    run: impl Fn([*mut u8; N], [isize; N], usize) + Sync,
) {
    let (dims, steps) = layout::loop_dims(shape, strides);
    let total: usize = dims.iter().product();
    if total == 0 {
        return;
    }
    let inner = dims.len() - 1;
    let threads = team::threads();
    if total >= REDUCE_PARALLEL_MIN
        && threads > 1
        && inner > 0
        && steps[inner][key] != 0
        && steps[..inner].iter().any(|s| s[key] == 0)
        && dims[inner] >= 2 * COLUMN_MIN
    {
        // Outer axes that reduce (sum(axis=0)): split the inner axis
        // instead, each piece walking every outer position in order over
        // its own columns, so each accumulator element still sees its
        // values in the same order.
        // SAFETY: forwarded; column ranges touch disjoint `key` elements.
        unsafe { walk_columns(&dims, &steps, ptrs, threads, run) };
        return;
    }
    let grid = Grid::new(&dims, &steps, None, None);
    let units = grid.units();
    let split =
        total >= REDUCE_PARALLEL_MIN && threads > 1 && steps[..inner].iter().all(|s| s[key] != 0);
    let pieces = if split {
        (team::threads() * 4).min(units)
    } else {
        1
    };
    // SAFETY: forwarded from the caller; pieces cover disjoint outer
    // positions, hence disjoint accumulator elements.
    unsafe { walk_in_pieces(&grid, ptrs, pieces, run) };
}

/// Columns a piece of `walk_columns` takes at least.
const COLUMN_MIN: usize = 64;

/// Walk loop dimensions `dims` as up to `pieces` column ranges of the inner
/// axis shared by the team; each range visits the outer axes in order.
/// Inner runs are cut at range boundaries.
///
/// # Safety
/// As `walk_in_pieces`, with ranges of inner positions as the pieces.
unsafe fn walk_columns<const N: usize>(
    dims: &[usize],
    steps: &[[isize; N]],
    ptrs: [*mut u8; N],
    pieces: usize,
    run: impl Fn([*mut u8; N], [isize; N], usize) + Sync,
) {
    let inner = dims.len() - 1;
    let len = dims[inner];
    let width = len.div_ceil(pieces).max(COLUMN_MIN).next_multiple_of(8);
    let shared = Shared(ptrs);
    team::for_pieces(len.div_ceil(width), &|piece| {
        let start = piece * width;
        let shared = shared;
        let mut piece: Dims = dims.iter().copied().collect();
        piece[inner] = width.min(len - start);
        let p =
            std::array::from_fn(|k| shared.0[k].wrapping_offset(start as isize * steps[inner][k]));
        let grid = Grid::new(&piece, steps, None, None);
        let mut call = |p, st, n| run(p, st, n);
        // SAFETY: forwarded from the caller; ranges are disjoint.
        unsafe { grid.walk(p, 0, grid.units(), &mut call) };
    });
}

/// As `copy_elements`, but only the elements whose mask byte (a bool at
/// `mask`, stride `ms`) is nonzero: NumPy's `copyto(..., where=)`.
///
/// # Safety
/// As `copy_elements`; `mask` valid for `n` bytes at stride `ms`.
pub unsafe fn copy_elements_where(
    src: *const u8,
    ss: isize,
    dst: *mut u8,
    ds: isize,
    mask: *const u8,
    ms: isize,
    n: usize,
    size: usize,
) {
    for i in 0..n as isize {
        // SAFETY: forwarded from the caller.
        unsafe {
            if *mask.wrapping_offset(i * ms) != 0 {
                copy_elements(
                    src.wrapping_offset(i * ss),
                    0,
                    dst.wrapping_offset(i * ds),
                    0,
                    1,
                    size,
                );
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicU8, Ordering};

    #[test]
    fn visits_every_element_once_in_any_layout() {
        // A (3, 4) view with negative and transposed strides over 12 slots.
        let mut data = [0u8; 12];
        let base = data.as_mut_ptr();
        for strides in [[4isize, 1], [1, 3], [-4, 1], [-1, -3]] {
            data = [0; 12];
            let start = base.wrapping_offset(
                (if strides[0] < 0 { -strides[0] * 2 } else { 0 })
                    + (if strides[1] < 0 { -strides[1] * 3 } else { 0 }),
            );
            unsafe {
                for_each_run(&[3, 4], [start], [&strides], |[p], [s], n| {
                    for i in 0..n as isize {
                        *p.wrapping_offset(i * s) += 1;
                    }
                })
            };
            assert!(data.iter().all(|&x| x == 1), "{strides:?}: {data:?}");
        }
    }

    /// Every element visited exactly once, in parallel and tiled walks, for
    /// shapes around the block sizes and both layouts of the second operand.
    #[test]
    fn parallel_and_tiled_walks_cover_each_element_once() {
        for &(r, c) in &[
            (1usize, 1usize),
            (3, 70_000),
            (300, 301),
            (1000, 17),
            (257, 1024),
        ] {
            let n = r * c;
            let counts: Vec<AtomicU8> = (0..n).map(|_| AtomicU8::new(0)).collect();
            let hits: Vec<AtomicU8> = (0..n).map(|_| AtomicU8::new(0)).collect();
            let base = counts.as_ptr() as *mut u8;
            let other = hits.as_ptr() as *mut u8;
            let c_strides = [c as isize, 1];
            let f_strides = [1, r as isize];
            unsafe {
                for_each_run_par(
                    &[r, c],
                    [base, other],
                    [&c_strides, &f_strides],
                    [0, 0],
                    1, // threads even for small shapes
                    |[p, q], [s, t], len| {
                        for i in 0..len as isize {
                            (*(p.offset(i * s) as *const AtomicU8)).fetch_add(1, Ordering::Relaxed);
                            (*(q.offset(i * t) as *const AtomicU8)).fetch_add(1, Ordering::Relaxed);
                        }
                    },
                )
            };
            assert!(
                counts.iter().all(|x| x.load(Ordering::Relaxed) == 1),
                "{r}x{c}"
            );
            assert!(
                hits.iter().all(|x| x.load(Ordering::Relaxed) == 1),
                "{r}x{c}"
            );
        }
    }

    #[test]
    fn column_ranges_keep_each_accumulators_rows_in_order() {
        // sum(axis=0) of an (r, c) u32 matrix holding row indices: each
        // accumulator column checks that rows arrive 0, 1, 2, ... (it holds
        // the next row expected), whatever thread runs it.
        for &(r, c) in &[
            (600usize, 1000usize),
            (REDUCE_PARALLEL_MIN / 128 + 1, 128),
            (2, 1 << 18),
        ] {
            let x: Vec<u32> = (0..r * c).map(|i| (i / c) as u32).collect();
            let next: Vec<std::sync::atomic::AtomicU32> = (0..c)
                .map(|_| std::sync::atomic::AtomicU32::new(0))
                .collect();
            let (xs, acc) = ([4 * c as isize, 4], [0isize, 4]);
            unsafe {
                for_each_run_outer_par(
                    &[r, c],
                    [x.as_ptr() as *mut u8, next.as_ptr() as *mut u8],
                    [&xs, &acc],
                    1,
                    |[px, pa], [sx, sa], n| {
                        for i in 0..n as isize {
                            let row = *(px.offset(i * sx) as *const u32);
                            let a = &*(pa.offset(i * sa) as *const std::sync::atomic::AtomicU32);
                            assert_eq!(a.load(Ordering::Relaxed), row);
                            a.store(row + 1, Ordering::Relaxed);
                        }
                    },
                )
            };
            assert!(
                next.iter().all(|a| a.load(Ordering::Relaxed) == r as u32),
                "{r}x{c}"
            );
        }
    }

    /// Out (r, c) C-order from the transpose of a (c, r) matrix of `T`,
    /// walked in parallel tiles with the input read through tile copies.
    fn transposed_copy<T: Copy + Default>(src: &[T], r: usize, c: usize) -> Vec<T> {
        let size = size_of::<T>() as isize;
        let mut out = vec![T::default(); r * c];
        let (os, is) = ([size * c as isize, size], [size, size * r as isize]);
        unsafe {
            for_each_run_par(
                &[r, c],
                [out.as_mut_ptr() as *mut u8, src.as_ptr() as *mut u8],
                [&os, &is],
                [0, size as usize],
                1, // threads even for small shapes
                |[o, x], [so, sx], n| {
                    for i in 0..n as isize {
                        *(o.offset(i * so) as *mut T) = *(x.offset(i * sx) as *const T);
                    }
                },
            )
        };
        out
    }

    /// Inputs read through tile copies give the same values: a transposed
    /// copy of f64 and u16 matrices against the index formula.
    #[test]
    fn buffered_tiles_read_transposed_inputs_exactly() {
        for &(r, c) in &[(300usize, 301usize), (17, 1000), (1024, 64)] {
            let src: Vec<u64> = (0..(r * c) as u64).collect();
            let out = transposed_copy(&src, r, c);
            for i in 0..r {
                for j in 0..c {
                    assert_eq!(out[i * c + j], (j * r + i) as u64, "{r}x{c} at {i},{j}");
                }
            }
            let small: Vec<u16> = (0..r * c).map(|k| k as u16).collect();
            let out16 = transposed_copy(&small, r, c);
            assert!((0..r * c).all(|k| out16[k] == ((k % c) * r + k / c) as u16));
        }
    }
}
