//! Reduction inner loops. A reduction runs over the loop engine with the
//! accumulator as an operand whose strides are 0 along the reduced axes, as
//! NumPy's does; each 1-d run is then one of two shapes:
//!
//! - a **reduce run** (accumulator stride 0): `acc = op(acc, x[0..n])`.
//!   Float and complex addition uses NumPy's pairwise summation (the same
//!   blocking, so sums match NumPy's bit for bit); exact operations
//!   (integer arithmetic, min/max, and/or) use eight independent lanes the
//!   compiler vectorises; others are sequential as NumPy's.
//! - an **elementwise run**: `out[i] = op(out[i], x[i])`.
//!
//! The combining operation is the ufunc's own `BinaryOp`, so reductions
//! give exactly the ufunc's values (NaN propagation, wrapping, float16
//! rounding through float32).

use half::f16;
use num_complex::{Complex32, Complex64};

use super::arith::{Add, BinaryOp, Mul};
use super::compare::{Maximum, Minimum};
use super::logic::{LogicalAnd, LogicalOr};
use crate::dtype::Kind;
use crate::with_element_type;

/// `*acc = op(*acc, x[0], ..., x[n-1])` for `n` elements `stride` bytes apart.
pub type RunFn = unsafe fn(acc: *mut u8, x: *const u8, stride: isize, n: usize);
/// `out[i] = op(out[i], x[i])` for `n` elements.
pub type ElemFn = unsafe fn(out: *mut u8, so: isize, x: *const u8, sx: isize, n: usize);

/// NumPy's unroll block for pairwise summation (`PW_BLOCKSIZE`).
const PW_BLOCKSIZE: usize = 128;

#[inline(always)]
unsafe fn load<T: Copy>(p: *const u8, i: usize, stride: isize) -> T {
    // SAFETY: the caller guarantees element `i` is readable.
    unsafe { (p.wrapping_offset(i as isize * stride) as *const T).read_unaligned() }
}

/// Sequential: `acc = op(acc, x[i])` in order (NumPy's order for
/// operations whose rounding depends on it, e.g. float products).
unsafe fn run_seq<T: Copy, Op: BinaryOp<T, T, Out = T>>(
    acc: *mut u8,
    x: *const u8,
    stride: isize,
    n: usize,
) {
    // SAFETY (all blocks): forwarded from the caller.
    unsafe {
        let mut a = (acc as *const T).read_unaligned();
        for i in 0..n {
            a = Op::call(a, load::<T>(x, i, stride));
        }
        (acc as *mut T).write_unaligned(a);
    }
}

/// Eight independent lanes combined at the end: only for operations whose
/// result does not depend on the order (wrapping integer arithmetic,
/// min/max with NaN propagation, and/or).
unsafe fn run_lanes<T: Copy, Op: BinaryOp<T, T, Out = T>>(
    acc: *mut u8,
    x: *const u8,
    stride: isize,
    n: usize,
) {
    let xs = x as *const T;
    if n < 16 || stride != size_of::<T>() as isize || !xs.is_aligned() {
        // SAFETY: forwarded from the caller.
        return unsafe { run_seq::<T, Op>(acc, x, stride, n) };
    }
    // SAFETY: forwarded from the caller; an aligned contiguous run.
    unsafe {
        let mut a = (acc as *const T).read_unaligned();
        let s = std::slice::from_raw_parts(xs, n);
        let mut lanes: [T; 8] = std::array::from_fn(|k| s[k]);
        let chunks = s[8..].chunks_exact(8);
        let rest = chunks.remainder();
        for c in chunks {
            for k in 0..8 {
                lanes[k] = Op::call(lanes[k], c[k]);
            }
        }
        for v in lanes.into_iter().chain(rest.iter().copied()) {
            a = Op::call(a, v);
        }
        (acc as *mut T).write_unaligned(a);
    }
}

/// `any` (ANY) or `all` over a run of bools: stops once the accumulator
/// is decided (a true for `any`, a false for `all`), as NumPy's boolean
/// loops do, checking between blocks that are scanned without branches.
/// Any nonzero byte counts as true.
unsafe fn bool_run<const ANY: bool>(acc: *mut u8, x: *const u8, stride: isize, n: usize) {
    const BLOCK: usize = 256;
    // SAFETY (all blocks): forwarded from the caller.
    unsafe {
        if (*acc != 0) == ANY {
            return;
        }
        let decided = if stride == 1 {
            let s = std::slice::from_raw_parts(x, n);
            s.chunks(BLOCK).any(|c| {
                if ANY {
                    c.iter().fold(0u8, |f, &b| f | b) != 0
                } else {
                    !c.iter().fold(true, |f, &b| f & (b != 0))
                }
            })
        } else {
            (0..n).any(|i| (*x.wrapping_offset(i as isize * stride) != 0) == ANY)
        };
        if decided {
            *acc = u8::from(ANY);
        }
    }
}

/// Float min/max over a contiguous run: eight lanes of plain compares (which
/// vectorise) plus a NaN flag; a run holding a NaN gives its first NaN, as
/// NumPy's propagation does.
macro_rules! extreme_float {
    ($name:ident, $t:ty, $op:ty, $better:tt) => {
        unsafe fn $name(acc: *mut u8, x: *const u8, stride: isize, n: usize) {
            let xs = x as *const $t;
            if n < 16 || stride != size_of::<$t>() as isize || !xs.is_aligned() {
                // SAFETY: forwarded from the caller.
                return unsafe { run_seq::<$t, $op>(acc, x, stride, n) };
            }
            // SAFETY: forwarded from the caller; an aligned contiguous run.
            unsafe {
                let s = std::slice::from_raw_parts(xs, n);
                let mut lanes: [$t; 8] = std::array::from_fn(|k| s[k]);
                let mut nan = lanes.iter().fold(false, |f, v| f | v.is_nan());
                let chunks = s[8..].chunks_exact(8);
                let rest = chunks.remainder();
                for c in chunks {
                    for k in 0..8 {
                        let v = c[k];
                        nan |= v.is_nan();
                        lanes[k] = if v $better lanes[k] { v } else { lanes[k] };
                    }
                }
                let mut a = (acc as *const $t).read_unaligned();
                if nan {
                    let first = s.iter().copied().find(|v| v.is_nan()).expect("a NaN");
                    a = <$op as BinaryOp<$t>>::call(a, first);
                } else {
                    for v in lanes.into_iter().chain(rest.iter().copied()) {
                        a = <$op as BinaryOp<$t>>::call(a, v);
                    }
                }
                (acc as *mut $t).write_unaligned(a);
            }
        }
    };
}
extreme_float!(max_run_f32, f32, Maximum, >);
extreme_float!(max_run_f64, f64, Maximum, >);
extreme_float!(min_run_f32, f32, Minimum, <);
extreme_float!(min_run_f64, f64, Minimum, <);

/// Elementwise: `out[i] = op(out[i], x[i])`.
unsafe fn elem<T: Copy, Op: BinaryOp<T, T, Out = T>>(
    out: *mut u8,
    so: isize,
    x: *const u8,
    sx: isize,
    n: usize,
) {
    let size = size_of::<T>() as isize;
    // SAFETY (all blocks): forwarded from the caller. Raw pointers, not
    // slices: `out` and `x` may be the same memory (accumulate).
    unsafe {
        let (o, xs) = (out as *mut T, x as *const T);
        if so == size && sx == size && o.is_aligned() && xs.is_aligned() {
            for i in 0..n {
                *o.add(i) = Op::call(*o.add(i), *xs.add(i));
            }
        } else {
            for i in 0..n {
                let p = out.wrapping_offset(i as isize * so) as *mut T;
                p.write_unaligned(Op::call(p.read_unaligned(), load::<T>(x, i, sx)));
            }
        }
    }
}

/// Halves of a pairwise sum at least this long are summed on two threads
/// (`team::join`): the same tree of additions, so the same result.
/// Measured against NumPy's one-thread sum of float64 from Python (ratio,
/// alternating rounds): with halves from 2^18 elements, 2^17 / 2^18 / 2^19
/// summed at 0.96x / 1.08x / 1.79x; from 2^15, at 1.35x / 1.72x / 2.18x
/// (2^16 0.95x: the binding's own cost). With rayon's pool, whose workers
/// must be woken, halves from 2^17 had made 2^18 slower (0.84x).
const PARALLEL_HALVES: usize = 1 << 15;

/// Where NumPy's pairwise recursion splits a run of `n` elements: half,
/// rounded down to a multiple of 8.
#[inline(always)]
fn pairwise_split(n: usize) -> usize {
    let half = n / 2;
    half - half % 8
}

/// Eight partial sums combined in NumPy's order: pairs, then pairs of
/// pairs (the last step of a block, and of a node of eight blocks).
#[inline(always)]
fn pairwise8<T: Copy + std::ops::Add<Output = T>>(r: [T; 8]) -> T {
    ((r[0] + r[1]) + (r[2] + r[3])) + ((r[4] + r[5]) + (r[6] + r[7]))
}

/// The eight leaves (offset, length) three levels below a node of `n`
/// elements, when NumPy's recursion reaches its blocks exactly there: the
/// node and its children and grandchildren split, its eight
/// great-grandchildren are blocks of 8 to `PW_BLOCKSIZE` elements. Nodes
/// of 8 full blocks (every power-of-two run of at least 1024 elements ends
/// in them) and most others of 513 to 1024 elements qualify.
#[inline(always)]
fn eight_blocks(n: usize) -> Option<[(usize, usize); 8]> {
    if !(4 * PW_BLOCKSIZE + 1..=8 * PW_BLOCKSIZE).contains(&n) {
        return None;
    }
    // Level by level: node k's two children take slots 2k and 2k + 1,
    // filled from the last node back so that no node is overwritten
    // before it is split.
    let mut nodes = [(0, n); 8];
    let mut count = 1;
    for _ in 0..3 {
        for k in (0..count).rev() {
            let (off, len) = nodes[k];
            if len <= PW_BLOCKSIZE {
                return None;
            }
            let left = pairwise_split(len);
            nodes[2 * k] = (off, left);
            nodes[2 * k + 1] = (off + left, len - left);
        }
        count *= 2;
    }
    nodes
        .iter()
        .all(|&(_, len)| (8..=PW_BLOCKSIZE).contains(&len))
        .then_some(nodes)
}

/// NumPy's `pairwise_sum` for real floats: below 8 elements a plain loop,
/// up to `PW_BLOCKSIZE` eight accumulators, above that the two halves
/// (split at a multiple of 8) summed recursively, in parallel when large.
/// `L` loads element `i` converted to the accumulation type `A` (float16
/// sums in float32). Dense aligned runs of the accumulation type below the
/// parallel size go to `$dense`, the same tree with a lean frame.
macro_rules! pairwise_real {
    ($name:ident, $dense:ident, $block:ident, $A:ty, $lanes:ident $(, #[$isa:meta])?) => {
        /// One block of 8 to `PW_BLOCKSIZE` dense aligned elements: NumPy's
        /// eight accumulators, which becomes one or two vector adds a group.
        #[inline]
        $(#[$isa])?
        unsafe fn $block(p: *const $A, n: usize) -> $A {
            // SAFETY: `n` (at least 8) aligned elements from `p` are readable.
            unsafe {
                let whole = n - n % 8;
                let r = $lanes(p, whole);
                let mut res = pairwise8(r);
                for i in whole..n {
                    res += p.add(i).read();
                }
                res
            }
        }

        /// The pairwise tree over `n` (at least 8) dense aligned elements on
        /// this thread. A frame of its own: with the general function's
        /// (closure, team split) the one-thread sum of 2^25 float64 ran at
        /// 1.02x-1.06x NumPy's, with this one at 1.12x-1.16x.
        /// Nodes whose blocks lie three levels down are summed without
        /// recursing, in the tree's order.
        $(#[$isa])?
        unsafe fn $dense(p: *const $A, n: usize) -> $A {
            // SAFETY (all blocks): `n` aligned elements from `p` are readable.
            unsafe {
                if n <= PW_BLOCKSIZE {
                    $block(p, n)
                } else if let Some(b) = eight_blocks(n) {
                    let mut s: [$A; 8] = [0.0; 8];
                    for (sum, &(off, len)) in s.iter_mut().zip(&b) {
                        *sum = $block(p.add(off), len);
                    }
                    pairwise8(s)
                } else {
                    let n2 = pairwise_split(n);
                    $dense(p, n2) + $dense(p.add(n2), n - n2)
                }
            }
        }

        $(#[$isa])?
        unsafe fn $name<L: Fn(*const u8, usize, isize) -> $A + Copy + Send + Sync>(
            x: *const u8,
            stride: isize,
            n: usize,
            plain: bool,
            load: L,
        ) -> $A {
            // Dense elements of the accumulation type, which `load` reads
            // as they are (`plain`; float16's converting load is not, even
            // at a stride of four bytes).
            let dense = plain
                && stride == size_of::<$A>() as isize
                && (x as *const $A).is_aligned();
            // SAFETY (all blocks): elements 0..n are readable.
            unsafe {
                if n < 8 {
                    let mut res: $A = -0.0;
                    for i in 0..n {
                        res += load(x, i, stride);
                    }
                    res
                } else if dense && n <= PW_BLOCKSIZE {
                    $block(x as *const $A, n)
                } else if dense
                    && (pairwise_split(n) < PARALLEL_HALVES || crate::iter::team::threads() == 1)
                {
                    $dense(x as *const $A, n)
                } else if n <= PW_BLOCKSIZE {
                    let mut r: [$A; 8] = std::array::from_fn(|k| load(x, k, stride));
                    let mut i = 8;
                    while i < n - n % 8 {
                        for k in 0..8 {
                            r[k] += load(x, i + k, stride);
                        }
                        i += 8;
                    }
                    let mut res = pairwise8(r);
                    while i < n {
                        res += load(x, i, stride);
                        i += 1;
                    }
                    res
                } else {
                    let n2 = pairwise_split(n);
                    let second = x.wrapping_offset(n2 as isize * stride);
                    if n2 >= PARALLEL_HALVES && crate::iter::team::threads() > 1 {
                        // Addresses cross threads as integers; both halves
                        // are readable (caller) and only read.
                        let (xa, xb) = (x as usize, second as usize);
                        let (a, b) = crate::iter::team::join(
                            || $name(xa as *const u8, stride, n2, plain, load),
                            || $name(xb as *const u8, stride, n - n2, plain, load),
                        );
                        a + b
                    } else {
                        $name(x, stride, n2, plain, load) + $name(second, stride, n - n2, plain, load)
                    }
                }
            }
        }
    };
}
/// The eight accumulators of NumPy's unrolled loop over `whole` (a
/// multiple of 8, at least 8) dense aligned elements: lane `k` sums
/// elements `k, k + 8, ...` in order.
macro_rules! lanes_generic {
    ($name:ident, $A:ty) => {
        #[inline(always)]
        unsafe fn $name(p: *const $A, whole: usize) -> [$A; 8] {
            // SAFETY: `whole` aligned elements from `p` are readable.
            unsafe {
                let mut r: [$A; 8] = p.cast::<[$A; 8]>().read();
                for i in (8..whole).step_by(8) {
                    let c = p.add(i).cast::<[$A; 8]>().read();
                    for k in 0..8 {
                        r[k] += c[k];
                    }
                }
                r
            }
        }
    };
}
lanes_generic!(lanes_f32, f32);
lanes_generic!(lanes_f64, f64);

/// `lanes_f64` in two AVX2 vectors. Spelled out: left to itself the
/// compiler shuffled the lanes every step (it arranged them for the final
/// pairwise combination), at half the speed of NumPy's loop.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
unsafe fn lanes_f64_avx2(p: *const f64, whole: usize) -> [f64; 8] {
    use std::arch::x86_64::{_mm256_add_pd, _mm256_loadu_pd, _mm256_storeu_pd};
    // SAFETY: `whole` elements from `p` are readable; the stores fill `r`.
    unsafe {
        let (mut lo, mut hi) = (_mm256_loadu_pd(p), _mm256_loadu_pd(p.add(4)));
        for i in (8..whole).step_by(8) {
            lo = _mm256_add_pd(lo, _mm256_loadu_pd(p.add(i)));
            hi = _mm256_add_pd(hi, _mm256_loadu_pd(p.add(i + 4)));
        }
        let mut r = [0.0; 8];
        _mm256_storeu_pd(r.as_mut_ptr(), lo);
        _mm256_storeu_pd(r.as_mut_ptr().add(4), hi);
        r
    }
}

/// `lanes_f32` in one AVX2 vector.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
unsafe fn lanes_f32_avx2(p: *const f32, whole: usize) -> [f32; 8] {
    use std::arch::x86_64::{_mm256_add_ps, _mm256_loadu_ps, _mm256_storeu_ps};
    // SAFETY: as `lanes_f64_avx2`.
    unsafe {
        let mut v = _mm256_loadu_ps(p);
        for i in (8..whole).step_by(8) {
            v = _mm256_add_ps(v, _mm256_loadu_ps(p.add(i)));
        }
        let mut r = [0.0; 8];
        _mm256_storeu_ps(r.as_mut_ptr(), v);
        r
    }
}

pairwise_real!(
    pairwise_f32_base,
    dense_f32_base,
    block_f32_base,
    f32,
    lanes_f32
);
pairwise_real!(
    pairwise_f64_base,
    dense_f64_base,
    block_f64_base,
    f64,
    lanes_f64
);
// The same sums compiled for AVX2: each accumulator is its own vector lane
// and the adds are not fused, so both copies round identically (a test
// compares them bit for bit).
#[cfg(target_arch = "x86_64")]
pairwise_real!(
    pairwise_f32_avx2,
    dense_f32_avx2,
    block_f32_avx2,
    f32,
    lanes_f32_avx2,
    #[target_feature(enable = "avx2")]
);
#[cfg(target_arch = "x86_64")]
pairwise_real!(
    pairwise_f64_avx2,
    dense_f64_avx2,
    block_f64_avx2,
    f64,
    lanes_f64_avx2,
    #[target_feature(enable = "avx2")]
);

/// NumPy's pairwise sum of `n` elements loaded by `load`, in the widest
/// vectors this CPU has.
macro_rules! pairwise_dispatch {
    ($name:ident, $base:ident, $avx2:ident, $A:ty) => {
        #[inline(always)]
        unsafe fn $name<L: Fn(*const u8, usize, isize) -> $A + Copy + Send + Sync>(
            x: *const u8,
            stride: isize,
            n: usize,
            plain: bool,
            load: L,
        ) -> $A {
            #[cfg(target_arch = "x86_64")]
            if super::simd::has_avx2() {
                // SAFETY: forwarded; the CPU has AVX2 (checked).
                return unsafe { $avx2(x, stride, n, plain, load) };
            }
            // SAFETY: forwarded.
            unsafe { $base(x, stride, n, plain, load) }
        }
    };
}
pairwise_dispatch!(pairwise_f32, pairwise_f32_base, pairwise_f32_avx2, f32);
pairwise_dispatch!(pairwise_f64, pairwise_f64_base, pairwise_f64_avx2, f64);

/// The float add reduce run: `acc + pairwise_sum(run)`, as NumPy's loop.
macro_rules! sum_run {
    ($name:ident, $pairwise:ident, $t:ty) => {
        unsafe fn $name(acc: *mut u8, x: *const u8, stride: isize, n: usize) {
            // SAFETY: forwarded from the caller.
            unsafe {
                let a = (acc as *const $t).read_unaligned();
                let s = $pairwise(x, stride, n, true, |p, i, st| load::<$t>(p, i, st));
                (acc as *mut $t).write_unaligned(a + s);
            }
        }
    };
}
sum_run!(sum_run_f32, pairwise_f32, f32);
sum_run!(sum_run_f64, pairwise_f64, f64);

unsafe fn load_f16_as_f32(p: *const u8, i: usize, stride: isize) -> f32 {
    // SAFETY: forwarded.
    unsafe { load::<f16>(p, i, stride).to_f32() }
}

/// float16: the run sums in float32 and rounds once, as NumPy's half loop.
unsafe fn sum_run_f16(acc: *mut u8, x: *const u8, stride: isize, n: usize) {
    // SAFETY: forwarded from the caller.
    unsafe {
        let a = (acc as *const f16).read_unaligned().to_f32();
        let s = a + pairwise_f32(x, stride, n, false, |p, i, st| load_f16_as_f32(p, i, st));
        (acc as *mut f16).write_unaligned(f16::from_f32(s));
    }
}

/// float16 products: the run multiplies in float32 and rounds once, as
/// NumPy's half loop.
unsafe fn prod_run_f16(acc: *mut u8, x: *const u8, stride: isize, n: usize) {
    // SAFETY: forwarded from the caller.
    unsafe {
        let mut a = (acc as *const f16).read_unaligned().to_f32();
        for i in 0..n {
            a *= load_f16_as_f32(x, i, stride);
        }
        (acc as *mut f16).write_unaligned(f16::from_f32(a));
    }
}

/// NumPy's complex pairwise sum: real and imaginary parts in separate
/// accumulators, four complex lanes, blocks counted in scalars.
macro_rules! pairwise_complex {
    ($name:ident, $run:ident, $F:ty, $C:ty) => {
        /// `n` counts scalars (twice the elements), as NumPy's does.
        unsafe fn $name(x: *const u8, stride: isize, n: usize) -> ($F, $F) {
            let re = |i: usize| -> $F { unsafe { load::<$F>(x, i / 2, stride) } };
            let im = |i: usize| -> $F {
                unsafe { load::<$F>(x.wrapping_add(size_of::<$F>()), i / 2, stride) }
            };
            if n < 8 {
                let (mut rr, mut ri): ($F, $F) = (-0.0, -0.0);
                let mut i = 0;
                while i < n {
                    rr += re(i);
                    ri += im(i);
                    i += 2;
                }
                (rr, ri)
            } else if n <= PW_BLOCKSIZE {
                let mut r: [$F; 8] = [re(0), im(0), re(2), im(2), re(4), im(4), re(6), im(6)];
                let mut i = 8;
                while i < n - n % 8 {
                    for k in 0..4 {
                        r[2 * k] += re(i + 2 * k);
                        r[2 * k + 1] += im(i + 2 * k);
                    }
                    i += 8;
                }
                let mut rr = (r[0] + r[2]) + (r[4] + r[6]);
                let mut ri = (r[1] + r[3]) + (r[5] + r[7]);
                while i < n {
                    rr += re(i);
                    ri += im(i);
                    i += 2;
                }
                (rr, ri)
            } else {
                let mut n2 = n / 2;
                n2 -= n2 % 8;
                // SAFETY: both halves lie inside the run.
                let (r1, i1) = unsafe { $name(x, stride, n2) };
                let (r2, i2) = unsafe {
                    $name(
                        x.wrapping_offset((n2 / 2) as isize * stride),
                        stride,
                        n - n2,
                    )
                };
                (r1 + r2, i1 + i2)
            }
        }

        unsafe fn $run(acc: *mut u8, x: *const u8, stride: isize, n: usize) {
            // SAFETY: forwarded from the caller.
            unsafe {
                let a = (acc as *const $C).read_unaligned();
                let (re, im) = $name(x, stride, 2 * n);
                (acc as *mut $C).write_unaligned(<$C>::new(a.re + re, a.im + im));
            }
        }
    };
}
pairwise_complex!(pairwise_c64, sum_run_c64, f32, Complex32);
pairwise_complex!(pairwise_c128, sum_run_c128, f64, Complex64);

/// Complex products as NumPy's scalar reduce loop computes them (not
/// fused; its elementwise vector loops fuse).
pub struct MulPlain;
macro_rules! mul_plain {
    ($($t:ty),*) => {$(
        impl BinaryOp<$t> for MulPlain {
            type Out = $t;
            #[inline(always)]
            fn call(a: $t, b: $t) -> $t {
                <$t>::new(a.re * b.re - a.im * b.im, a.re * b.im + a.im * b.re)
            }
        }
    )*};
}
mul_plain!(Complex32, Complex64);

/// The reductions ndcore runs.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum ReduceOp {
    Sum,
    Prod,
    Min,
    Max,
    Any,
    All,
}

macro_rules! table {
    ($kind:expr, $op:ty, $run:ident; $($k:ident => $t:ty),*) => {
        match $kind {
            $(Kind::$k => Some(($run::<$t, $op> as RunFn, elem::<$t, $op> as ElemFn)),)*
            #[allow(unreachable_patterns)]
            _ => None,
        }
    };
}

/// A scan in place: `r[i] = op(r[i - 1], r[i])` for i = 1..n (stride `s`).
pub type ScanFn = unsafe fn(r: *mut u8, s: isize, n: usize);

/// `ScanFn` with the running value in a register: each step waits for one
/// operation, not for a store to reach the next load. The operands in
/// NumPy's order (previous result first), so even NaN payloads agree.
unsafe fn scan_seq<T: Copy, Op: BinaryOp<T, T, Out = T>>(r: *mut u8, s: isize, n: usize) {
    if n < 2 {
        return;
    }
    // SAFETY (all blocks): the caller vouches for `n` elements at `s`.
    unsafe {
        let mut acc = load::<T>(r, 0, s);
        let (t, size) = (r as *mut T, size_of::<T>() as isize);
        if s == size && t.is_aligned() {
            for i in 1..n {
                acc = Op::call(acc, *t.add(i));
                *t.add(i) = acc;
            }
        } else {
            for i in 1..n {
                let p = r.wrapping_offset(i as isize * s) as *mut T;
                acc = Op::call(acc, p.read_unaligned());
                p.write_unaligned(acc);
            }
        }
    }
}

/// `out[i] = op(x[i], out[i])`: the accumulate step slice by slice, with
/// NumPy's operand order (the previous slice first).
unsafe fn elem_rev<T: Copy, Op: BinaryOp<T, T, Out = T>>(
    out: *mut u8,
    so: isize,
    x: *const u8,
    sx: isize,
    n: usize,
) {
    for i in 0..n {
        // SAFETY: forwarded from the caller (unaligned access allowed).
        unsafe {
            let p = out.wrapping_offset(i as isize * so) as *mut T;
            p.write_unaligned(Op::call(load::<T>(x, i, sx), p.read_unaligned()));
        }
    }
}

impl ReduceOp {
    /// Every reduction, in declaration order (for tests).
    #[cfg(test)]
    pub(crate) const ALL: [ReduceOp; 6] = [
        ReduceOp::Sum,
        ReduceOp::Prod,
        ReduceOp::Min,
        ReduceOp::Max,
        ReduceOp::Any,
        ReduceOp::All,
    ];

    /// The accumulate step between slices, `out[i] = op(prev[i], out[i])`.
    pub fn step_kernel(self, kind: Kind) -> Option<ElemFn> {
        match self {
            ReduceOp::Sum => Some(with_element_type!(kind, T => elem_rev::<T, Add> as ElemFn)),
            ReduceOp::Prod => Some(with_element_type!(kind, T => elem_rev::<T, Mul> as ElemFn)),
            _ => None,
        }
    }

    /// The in-place scan for `cumsum`/`cumprod` with accumulator `kind`,
    /// with the operations NumPy's accumulate loop does (complex products
    /// unfused, as its scalar loop).
    pub fn scan_kernel(self, kind: Kind) -> Option<ScanFn> {
        match (self, kind) {
            (ReduceOp::Sum, _) => Some(with_element_type!(kind, T => scan_seq::<T, Add> as ScanFn)),
            (ReduceOp::Prod, Kind::Complex64) => Some(scan_seq::<Complex32, MulPlain> as ScanFn),
            (ReduceOp::Prod, Kind::Complex128) => Some(scan_seq::<Complex64, MulPlain> as ScanFn),
            (ReduceOp::Prod, _) => {
                Some(with_element_type!(kind, T => scan_seq::<T, Mul> as ScanFn))
            }
            _ => None,
        }
    }

    /// The run and elementwise kernels for accumulator kind `kind`.
    pub fn kernels(self, kind: Kind) -> Option<(RunFn, ElemFn)> {
        use ReduceOp::*;
        match self {
            Sum => match kind {
                Kind::Float16 => Some((sum_run_f16 as RunFn, elem::<f16, Add> as ElemFn)),
                Kind::Float32 => Some((sum_run_f32 as RunFn, elem::<f32, Add> as ElemFn)),
                Kind::Float64 => Some((sum_run_f64 as RunFn, elem::<f64, Add> as ElemFn)),
                Kind::Complex64 => Some((sum_run_c64 as RunFn, elem::<Complex32, Add> as ElemFn)),
                Kind::Complex128 => Some((sum_run_c128 as RunFn, elem::<Complex64, Add> as ElemFn)),
                k => table!(k, Add, run_lanes; Bool => bool, Int8 => i8, UInt8 => u8, Int16 => i16,
                    UInt16 => u16, Int32 => i32, UInt32 => u32, Int64 => i64, UInt64 => u64),
            },
            Prod => match kind {
                Kind::Complex64 => Some((
                    run_seq::<Complex32, MulPlain> as RunFn,
                    elem::<Complex32, Mul> as ElemFn,
                )),
                Kind::Complex128 => Some((
                    run_seq::<Complex64, MulPlain> as RunFn,
                    elem::<Complex64, Mul> as ElemFn,
                )),
                Kind::Float16 => Some((prod_run_f16 as RunFn, elem::<f16, Mul> as ElemFn)),
                Kind::Float32 | Kind::Float64 => {
                    table!(kind, Mul, run_seq; Float32 => f32, Float64 => f64)
                }
                k => table!(k, Mul, run_lanes; Bool => bool, Int8 => i8, UInt8 => u8, Int16 => i16,
                    UInt16 => u16, Int32 => i32, UInt32 => u32, Int64 => i64, UInt64 => u64),
            },
            // Complex: the first NaN met is the result (its parts show), so
            // sequential; real NaNs are all alike, so lanes.
            Max => match kind {
                Kind::Float32 => Some((max_run_f32 as RunFn, elem::<f32, Maximum> as ElemFn)),
                Kind::Float64 => Some((max_run_f64 as RunFn, elem::<f64, Maximum> as ElemFn)),
                Kind::Complex64 | Kind::Complex128 => {
                    table!(kind, Maximum, run_seq; Complex64 => Complex32, Complex128 => Complex64)
                }
                k => {
                    table!(k, Maximum, run_lanes; Bool => bool, Int8 => i8, UInt8 => u8, Int16 => i16,
                    UInt16 => u16, Int32 => i32, UInt32 => u32, Int64 => i64, UInt64 => u64,
                    Float16 => f16, Float32 => f32, Float64 => f64)
                }
            },
            // Complex: the first NaN met is the result (its parts show), so
            // sequential; real NaNs are all alike, so lanes.
            Min => match kind {
                Kind::Float32 => Some((min_run_f32 as RunFn, elem::<f32, Minimum> as ElemFn)),
                Kind::Float64 => Some((min_run_f64 as RunFn, elem::<f64, Minimum> as ElemFn)),
                Kind::Complex64 | Kind::Complex128 => {
                    table!(kind, Minimum, run_seq; Complex64 => Complex32, Complex128 => Complex64)
                }
                k => {
                    table!(k, Minimum, run_lanes; Bool => bool, Int8 => i8, UInt8 => u8, Int16 => i16,
                    UInt16 => u16, Int32 => i32, UInt32 => u32, Int64 => i64, UInt64 => u64,
                    Float16 => f16, Float32 => f32, Float64 => f64)
                }
            },
            Any => match kind {
                Kind::Bool => Some((bool_run::<true> as RunFn, elem::<bool, LogicalOr> as ElemFn)),
                _ => None,
            },
            All => match kind {
                Kind::Bool => Some((
                    bool_run::<false> as RunFn,
                    elem::<bool, LogicalAnd> as ElemFn,
                )),
                _ => None,
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sum_f32(v: &[f32]) -> f32 {
        let mut acc = 0f32;
        unsafe {
            sum_run_f32(
                &mut acc as *mut f32 as *mut u8,
                v.as_ptr() as *const u8,
                4,
                v.len(),
            )
        };
        acc
    }

    #[test]
    fn pairwise_sum_is_accurate_where_a_loop_is_not() {
        let v = vec![0.1f32; 10_000_000];
        let naive: f32 = v.iter().sum();
        let pw = sum_f32(&v);
        assert!((pw - 1.0e6).abs() < 1.0, "{pw}");
        assert!((naive - 1.0e6).abs() > 1000.0, "{naive}");
    }

    /// Values whose sums round differently in any other order.
    fn order_sensitive(len: usize) -> Vec<f64> {
        let mut x = 0x9e3779b97f4a7c15u64;
        (0..len)
            .map(|_| {
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                ((x >> 11) as f64 / (1u64 << 53) as f64 - 0.3) * 10f64.powi((x % 13) as i32 - 6)
            })
            .collect()
    }

    /// NumPy's `pairwise_sum` (loops_utils.h) spelled out on a slice, one
    /// element at a time: the oracle for the tree's order.
    fn numpy_pairwise<T: Copy + std::ops::Add<Output = T>>(v: &[T], zero: T) -> T {
        let n = v.len();
        if n < 8 {
            v.iter().fold(zero, |res, &a| res + a)
        } else if n <= PW_BLOCKSIZE {
            let mut r: [T; 8] = std::array::from_fn(|k| v[k]);
            let whole = n - n % 8;
            for i in (8..whole).step_by(8) {
                for k in 0..8 {
                    r[k] = r[k] + v[i + k];
                }
            }
            let res = ((r[0] + r[1]) + (r[2] + r[3])) + ((r[4] + r[5]) + (r[6] + r[7]));
            v[whole..].iter().fold(res, |res, &a| res + a)
        } else {
            let n2 = n / 2 - n / 2 % 8;
            numpy_pairwise(&v[..n2], zero) + numpy_pairwise(&v[n2..], zero)
        }
    }

    #[test]
    fn pairwise_sums_follow_numpys_tree_bit_for_bit() {
        // Every length from 0 to 2100 (below 8, one block, the eight-block
        // nodes of 513-1024 elements, and the recursion around them), then
        // lengths that split across threads; dense, misaligned (the
        // general path) and strided.
        let v = order_sensitive(600_000);
        let w: Vec<f32> = v.iter().map(|&a| a as f32).collect();
        let mut bytes = vec![0u8; v.len() * 8 + 8];
        let lengths = (0..=2100).chain([4096, 65_535, 65_536, 65_551, 131_072, 299_993]);
        for n in lengths {
            let want = numpy_pairwise(&v[..n], -0.0);
            // SAFETY (all): `n` elements (at the stride given) lie in the
            // vectors.
            let got =
                unsafe { pairwise_f64(v.as_ptr().cast(), 8, n, true, |p, i, st| load(p, i, st)) };
            assert_eq!(got.to_bits(), want.to_bits(), "f64 n={n}");
            let want = numpy_pairwise(&w[..n], -0.0);
            let got =
                unsafe { pairwise_f32(w.as_ptr().cast(), 4, n, true, |p, i, st| load(p, i, st)) };
            assert_eq!(got.to_bits(), want.to_bits(), "f32 n={n}");
            if n <= 2100 && n % 7 == 0 || n == 299_993 {
                let every_other: Vec<f64> = v.iter().step_by(2).take(n).copied().collect();
                if every_other.len() == n {
                    let want = numpy_pairwise(&every_other, -0.0);
                    let got = unsafe {
                        pairwise_f64(v.as_ptr().cast(), 16, n, true, |p, i, st| load(p, i, st))
                    };
                    assert_eq!(got.to_bits(), want.to_bits(), "f64 stride 16 n={n}");
                }
                for (k, a) in v[..n].iter().enumerate() {
                    bytes[1 + 8 * k..9 + 8 * k].copy_from_slice(&a.to_ne_bytes());
                }
                let want = numpy_pairwise(&v[..n], -0.0);
                let got = unsafe {
                    pairwise_f64(bytes[1..].as_ptr(), 8, n, true, |p, i, st| load(p, i, st))
                };
                assert_eq!(got.to_bits(), want.to_bits(), "f64 misaligned n={n}");
            }
        }
    }

    #[test]
    fn avx2_and_baseline_pairwise_sums_agree_bit_for_bit() {
        if !crate::ufunc::simd::has_avx2() {
            return;
        }
        // Every length class: below 8, partial groups, one block, the
        // recursion.
        let v = order_sensitive(70_001);
        let w: Vec<f32> = v.iter().map(|&a| a as f32).collect();
        for n in [0, 1, 7, 8, 9, 15, 16, 127, 128, 129, 300, 1031, 70_000] {
            for skip in [0, 1] {
                let (p, q) = (
                    v[skip..].as_ptr() as *const u8,
                    w[skip..].as_ptr() as *const u8,
                );
                // SAFETY: `n` elements from `skip` are in bounds; the CPU
                // has AVX2 (checked).
                unsafe {
                    let base = pairwise_f64_base(p, 8, n, true, |p, i, st| load::<f64>(p, i, st));
                    let avx = pairwise_f64_avx2(p, 8, n, true, |p, i, st| load::<f64>(p, i, st));
                    assert_eq!(base.to_bits(), avx.to_bits(), "f64 n={n}");
                    let base = pairwise_f32_base(q, 4, n, true, |p, i, st| load::<f32>(p, i, st));
                    let avx = pairwise_f32_avx2(q, 4, n, true, |p, i, st| load::<f32>(p, i, st));
                    assert_eq!(base.to_bits(), avx.to_bits(), "f32 n={n}");
                }
                // And both equal the tree spelled out by hand for a block.
                if n == 128 && skip == 0 {
                    let mut r = [0.0f64; 8];
                    for (i, &a) in v[..128].iter().enumerate() {
                        r[i % 8] = if i < 8 { a } else { r[i % 8] + a };
                    }
                    let want = ((r[0] + r[1]) + (r[2] + r[3])) + ((r[4] + r[5]) + (r[6] + r[7]));
                    // SAFETY: 128 elements.
                    let got =
                        unsafe { pairwise_f64(p, 8, n, true, |p, i, st| load::<f64>(p, i, st)) };
                    assert_eq!(got.to_bits(), want.to_bits());
                }
            }
        }
    }

    #[test]
    fn float16_sums_every_other_element_as_float16() {
        // Every other float16 is a stride of four bytes, float32's size:
        // the run must still be read as float16 (it was read as float32).
        let v: Vec<f16> = (0..64)
            .map(|i| f16::from_f32((i % 7) as f32 * 0.5))
            .collect();
        for n in [8, 9, 16, 31, 32] {
            let want: f32 = v.iter().step_by(2).take(n).map(|h| h.to_f32()).sum();
            let mut acc = f16::from_f32(0.0);
            // SAFETY: `n` elements at a stride of 2 lie inside `v`.
            unsafe { sum_run_f16((&mut acc as *mut f16).cast(), v.as_ptr().cast(), 4, n) };
            assert_eq!(acc, f16::from_f32(want), "n={n}");
        }
    }

    #[test]
    fn any_all_stop_at_the_deciding_element_and_read_any_nonzero_byte_as_true() {
        let run = |any: bool, v: &[u8], stride: isize, start: u8| {
            let mut acc = start;
            let f = if any {
                bool_run::<true>
            } else {
                bool_run::<false>
            };
            let n = if stride == 1 {
                v.len()
            } else {
                v.len().div_ceil(2)
            };
            unsafe { f(&mut acc, v.as_ptr(), stride, n) };
            acc
        };
        let mut v = vec![0u8; 1000];
        assert_eq!(run(true, &v, 1, 0), 0);
        assert_eq!(run(false, &v, 1, 1), 0);
        v[777] = 2;
        assert_eq!(run(true, &v, 1, 0), 1);
        assert_eq!(run(true, &v, 2, 0), 0); // odd positions are skipped
        v[778] = 9;
        assert_eq!(run(true, &v, 2, 0), 1);
        let ones = vec![1u8; 999];
        assert_eq!(run(false, &ones, 1, 1), 1);
        assert_eq!(run(false, &ones, 2, 1), 1);
        // A decided accumulator stays decided.
        assert_eq!(run(true, &[0; 10], 1, 1), 1);
        assert_eq!(run(false, &ones, 1, 0), 0);
    }

    #[test]
    fn lanes_give_the_sequential_result_for_exact_ops() {
        let v: Vec<i32> = (0..1000).map(|i| (i * 7919) % 1013 - 500).collect();
        let (mut a, mut b) = (i32::MIN, i32::MIN);
        unsafe {
            run_lanes::<i32, Maximum>(
                &mut a as *mut i32 as *mut u8,
                v.as_ptr() as *const u8,
                4,
                v.len(),
            );
            run_seq::<i32, Maximum>(
                &mut b as *mut i32 as *mut u8,
                v.as_ptr() as *const u8,
                4,
                v.len(),
            );
        }
        assert_eq!(a, b);
        assert_eq!(a, *v.iter().max().unwrap());
    }

    #[test]
    fn complex_pairwise_matches_a_plain_sum_on_exact_values() {
        let v: Vec<Complex64> = (0..1001)
            .map(|i| Complex64::new(i as f64, -(i as f64) * 2.0))
            .collect();
        let mut acc = Complex64::new(0.0, 0.0);
        unsafe {
            sum_run_c128(
                &mut acc as *mut Complex64 as *mut u8,
                v.as_ptr() as *const u8,
                16,
                v.len(),
            )
        };
        assert_eq!(acc, Complex64::new(500500.0, -1001000.0));
    }
}
