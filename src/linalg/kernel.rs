//! The 2-d product `dst[m, n] = lhs[m, k] · rhs[k, n]` on strided memory,
//! one entry point for every kind. float32 and float64 go to our packed
//! kernels (`packed`, AVX2 and FMA), complex kinds and machines without
//! those to the `gemm` crate, which takes any signed strides (in elements)
//! without copies of ours, or all four to the system BLAS (`blas`), unless
//! a side is small (`small`'s loops). float16, integers and bool run loops
//! of our own with NumPy's arithmetic: float16 sums in float32 in k order
//! and rounds once, as NumPy's float16 matmul does; integers wrap; bool is
//! "any a and b".

use half::f16;
use num_complex::{Complex32, Complex64};

use crate::dtype::Kind;

use super::{packed, small};

/// One operand of a 2-d product: element (i, j) is at `ptr + i*rs + j*cs`
/// (byte strides).
#[derive(Clone, Copy)]
pub struct Mat {
    pub ptr: *mut u8,
    pub rs: isize,
    pub cs: isize,
}

/// Products at least this large (m·n·k) use both cores.
pub const PARALLEL_MIN: usize = 1 << 21;

/// `dst := lhs · rhs` for `kind` (all three operands of that kind, native
/// and aligned; float and complex byte strides whole elements).
///
/// # Safety
/// Every element the shapes and strides reach is valid; `dst` is writable
/// and does not overlap `lhs` or `rhs`.
pub unsafe fn matmul_2d(kind: Kind, m: usize, n: usize, k: usize, dst: Mat, lhs: Mat, rhs: Mat) {
    if m == 0 || n == 0 {
        return;
    }
    let work = m.saturating_mul(n).saturating_mul(k);
    let par = work >= PARALLEL_MIN;
    unsafe {
        match kind {
            Kind::Float32 => float::<f32>(m, n, k, dst, lhs, rhs, par),
            Kind::Float64 => float::<f64>(m, n, k, dst, lhs, rhs, par),
            Kind::Complex64 => float::<Complex32>(m, n, k, dst, lhs, rhs, par),
            Kind::Complex128 => float::<Complex64>(m, n, k, dst, lhs, rhs, par),
            Kind::Float16 => blocked::<f16, F16Sum>(m, n, k, dst, lhs, rhs),
            Kind::Bool => blocked::<u8, AnyAnd>(m, n, k, dst, lhs, rhs),
            Kind::Int8 => blocked::<i8, Wrap>(m, n, k, dst, lhs, rhs),
            Kind::Int16 => blocked::<i16, Wrap>(m, n, k, dst, lhs, rhs),
            Kind::Int32 => blocked::<i32, Wrap>(m, n, k, dst, lhs, rhs),
            Kind::Int64 => blocked::<i64, Wrap>(m, n, k, dst, lhs, rhs),
            Kind::UInt8 => blocked::<u8, Wrap>(m, n, k, dst, lhs, rhs),
            Kind::UInt16 => blocked::<u16, Wrap>(m, n, k, dst, lhs, rhs),
            Kind::UInt32 => blocked::<u32, Wrap>(m, n, k, dst, lhs, rhs),
            Kind::UInt64 => blocked::<u64, Wrap>(m, n, k, dst, lhs, rhs),
        }
    }
}

/// The transpose of a 2-d operand: rows and columns swap.
fn t(a: Mat) -> Mat {
    Mat {
        ptr: a.ptr,
        rs: a.cs,
        cs: a.rs,
    }
}

/// A product's inner dimension times its small side up to this many
/// elements takes `small` (one operand held in registers; no packing).
pub(super) const SMALL_SIDE: usize = 64;

/// Float and complex kinds: matrix-vector products (either side) and
/// products with a small operand (the camera matrix times many points, or
/// batches of tiny matrices) run our loops, which need no packing and no
/// threads; everything else goes to the packed kernels (float32 and
/// float64 with AVX2 and FMA) or the gemm crate, on every thread when
/// `par`.
unsafe fn float<T: Field + GemmOne>(
    m: usize,
    n: usize,
    k: usize,
    dst: Mat,
    lhs: Mat,
    rhs: Mat,
    par: bool,
) {
    unsafe {
        if k == 0 {
            fill::<T>(m, n, dst, T::default())
        } else if n == 1 {
            small::matvec::<T>(m, k, dst, lhs, rhs)
        } else if m == 1 {
            // (1, k) x (k, n) = ((n, k) x (k, 1)).T
            small::matvec::<T>(n, k, t(dst), t(rhs), t(lhs))
        } else if m * k <= SMALL_SIDE {
            small::small::<T>(m, n, k, dst, lhs, rhs)
        } else if n * k <= SMALL_SIDE {
            small::small::<T>(n, m, k, t(dst), t(rhs), t(lhs))
        } else {
            #[cfg(feature = "system-blas")]
            if super::blas::matmul::<T>(m, n, k, dst, lhs, rhs) {
                return;
            }
            if let Some(packed) = T::packed() {
                packed(m, n, k, dst, lhs, rhs, par)
            } else if par {
                split::<T>(m, n, k, dst, lhs, rhs)
            } else {
                with_gemm::<T>(m, n, k, dst, lhs, rhs)
            }
        }
    }
}

/// A large product through the gemm crate on every thread of the team:
/// the longer of the output's two sides is cut into one slab per thread
/// and each slab is a single-threaded gemm call (measured here, 2000²
/// float64 on two cores: 46 GFLOP/s with gemm's own threads, 50-71 with
/// two slabs). Each output element is computed by one call with the same
/// k blocking, whatever the thread count.
unsafe fn split<T: Field + GemmOne>(m: usize, n: usize, k: usize, dst: Mat, lhs: Mat, rhs: Mat) {
    let parts = crate::iter::team::threads();
    let (long, by_rows) = if m >= n { (m, true) } else { (n, false) };
    // Slabs a multiple of 64 long, so the kernels' tiles stay whole.
    let chunk = long.div_ceil(parts).div_ceil(64) * 64;
    let slabs: Vec<usize> = (0..long).step_by(chunk.max(1)).collect();
    let (d, l, r) = (dst, lhs, rhs);
    crate::iter::team::for_pieces(slabs.len(), &|slab| {
        let start = slabs[slab];
        let len = chunk.min(long - start);
        unsafe {
            if by_rows {
                let at = |x: Mat| Mat {
                    ptr: x.ptr.wrapping_offset(start as isize * x.rs),
                    ..x
                };
                with_gemm::<T>(len, n, k, at(d), at(l), r)
            } else {
                let at = |x: Mat| Mat {
                    ptr: x.ptr.wrapping_offset(start as isize * x.cs),
                    ..x
                };
                with_gemm::<T>(m, len, k, at(d), l, at(r))
            }
        }
    });
}

/// What the float loops need of an element type (f32, f64, complex).
pub(super) trait Field:
    Copy + Default + Send + Sync + 'static + std::ops::Add<Output = Self> + std::ops::Mul<Output = Self>
{
}
impl<T> Field for T where
    T: Copy
        + Default
        + Send
        + Sync
        + 'static
        + std::ops::Add<Output = T>
        + std::ops::Mul<Output = T>
{
}

#[inline(always)]
pub(super) unsafe fn get<T: Copy>(a: Mat, i: usize, j: usize) -> T {
    unsafe {
        (a.ptr.wrapping_offset(i as isize * a.rs + j as isize * a.cs) as *const T).read_unaligned()
    }
}

#[inline(always)]
pub(super) unsafe fn put<T: Copy>(a: Mat, i: usize, j: usize, v: T) {
    unsafe {
        (a.ptr.wrapping_offset(i as isize * a.rs + j as isize * a.cs) as *mut T).write_unaligned(v)
    }
}

// SAFETY: a Mat is an address and strides; the operands are read-only
// while a product runs and threads write disjoint parts of the destination.
unsafe impl Sync for Mat {}
unsafe impl Send for Mat {}

/// Byte strides of `T` elements as element strides (whole, by contract).
fn el<T>(bytes: isize) -> isize {
    bytes / std::mem::size_of::<T>() as isize
}

/// The gemm crate on one thread.
unsafe fn with_gemm<T: Field + GemmOne>(
    m: usize,
    n: usize,
    k: usize,
    dst: Mat,
    lhs: Mat,
    rhs: Mat,
) {
    // `float` handles k == 0 (gemm would leave dst unwritten).
    // gemm computes dst := alpha·dst + beta·lhs·rhs and takes the column
    // stride before the row stride.
    unsafe {
        gemm::gemm(
            m,
            n,
            k,
            dst.ptr as *mut T,
            el::<T>(dst.cs),
            el::<T>(dst.rs),
            false,
            lhs.ptr as *const T,
            el::<T>(lhs.cs),
            el::<T>(lhs.rs),
            rhs.ptr as *const T,
            el::<T>(rhs.cs),
            el::<T>(rhs.rs),
            T::default(),
            T::one(),
            false,
            false,
            false,
            gemm::Parallelism::None,
        )
    }
}

/// The packed kernels' entry (`packed::matmul`): a product, on every
/// thread when the flag is set.
type PackedFn = unsafe fn(usize, usize, usize, Mat, Mat, Mat, bool);

/// What `float` needs of the gemm crate's kinds: the multiplicative
/// identity (gemm's `beta`), and our packed kernels where this kind has
/// them on this machine (float32 and float64 with AVX2 and FMA).
trait GemmOne: Sized {
    fn one() -> Self;
    fn packed() -> Option<PackedFn> {
        None
    }
}
impl GemmOne for f32 {
    fn one() -> Self {
        1.0
    }
    fn packed() -> Option<PackedFn> {
        packed::available().then_some(packed::matmul::<f32> as PackedFn)
    }
}
impl GemmOne for f64 {
    fn one() -> Self {
        1.0
    }
    fn packed() -> Option<PackedFn> {
        packed::available().then_some(packed::matmul::<f64> as PackedFn)
    }
}
impl GemmOne for Complex32 {
    fn one() -> Self {
        Complex32::new(1.0, 0.0)
    }
}
impl GemmOne for Complex64 {
    fn one() -> Self {
        Complex64::new(1.0, 0.0)
    }
}

unsafe fn fill<T: Copy>(m: usize, n: usize, dst: Mat, v: T) {
    for i in 0..m {
        for j in 0..n {
            let p = dst
                .ptr
                .wrapping_offset(i as isize * dst.rs + j as isize * dst.cs);
            unsafe { (p as *mut T).write_unaligned(v) };
        }
    }
}

/// How an own-loop kind accumulates: start, add a product, finish.
trait Sum<T: Copy> {
    type Acc: Copy;
    const ZERO: Self::Acc;
    fn add(acc: Self::Acc, a: T, b: T) -> Self::Acc;
    fn finish(acc: Self::Acc) -> T;
}

/// Integers: wrapping multiply and add in the element type (NumPy's
/// result, whatever the order).
struct Wrap;
macro_rules! wrap_sum {
    ($($t:ty),*) => {$(
        impl Sum<$t> for Wrap {
            type Acc = $t;
            const ZERO: $t = 0;
            #[inline(always)]
            fn add(acc: $t, a: $t, b: $t) -> $t {
                acc.wrapping_add(a.wrapping_mul(b))
            }
            #[inline(always)]
            fn finish(acc: $t) -> $t {
                acc
            }
        }
    )*};
}
wrap_sum!(i8, i16, i32, i64, u8, u16, u32, u64);

/// float16: products and sum in float32, rounded to float16 at the end.
struct F16Sum;
impl Sum<f16> for F16Sum {
    type Acc = f32;
    const ZERO: f32 = 0.0;
    #[inline(always)]
    fn add(acc: f32, a: f16, b: f16) -> f32 {
        acc + a.to_f32() * b.to_f32()
    }
    #[inline(always)]
    fn finish(acc: f32) -> f16 {
        f16::from_f32(acc)
    }
}

/// bool: true when some a[i, k] and b[k, j] are both true.
struct AnyAnd;
impl Sum<u8> for AnyAnd {
    type Acc = u8;
    const ZERO: u8 = 0;
    #[inline(always)]
    fn add(acc: u8, a: u8, b: u8) -> u8 {
        acc | ((a != 0) & (b != 0)) as u8
    }
    #[inline(always)]
    fn finish(acc: u8) -> u8 {
        acc
    }
}

/// Columns of `rhs` packed at a time: a (k, NB) panel, reused by every row.
const NB: usize = 256;

/// The own loop: for each panel of NB columns, pack rhs[:, panel]
/// contiguous, then for each row accumulate a[i, kk] · panel[kk, :] over kk
/// in order into a row of accumulators (the inner loop is contiguous and
/// vectorises), and store the row.
unsafe fn blocked<T: Copy, S: Sum<T>>(m: usize, n: usize, k: usize, dst: Mat, lhs: Mat, rhs: Mat) {
    let nb_max = n.min(NB);
    let mut panel: Vec<T> = Vec::with_capacity(k * nb_max);
    let mut acc: Vec<S::Acc> = vec![S::ZERO; nb_max];
    let at =
        |p: Mat, i: usize, j: usize| p.ptr.wrapping_offset(i as isize * p.rs + j as isize * p.cs);
    for j0 in (0..n).step_by(NB) {
        let nb = (n - j0).min(NB);
        panel.clear();
        for kk in 0..k {
            for j in 0..nb {
                panel.push(unsafe { (at(rhs, kk, j0 + j) as *const T).read_unaligned() });
            }
        }
        for i in 0..m {
            let row = &mut acc[..nb];
            row.fill(S::ZERO);
            for kk in 0..k {
                let a = unsafe { (at(lhs, i, kk) as *const T).read_unaligned() };
                let p = &panel[kk * nb..(kk + 1) * nb];
                for (r, &b) in row.iter_mut().zip(p) {
                    *r = S::add(*r, a, b);
                }
            }
            for (j, &r) in row.iter().enumerate() {
                unsafe { (at(dst, i, j0 + j) as *mut T).write_unaligned(S::finish(r)) };
            }
        }
    }
}

#[cfg(test)]
pub(super) mod tests {
    use super::*;

    fn mat(ptr: *mut u8, rs: isize, cs: isize) -> Mat {
        Mat { ptr, rs, cs }
    }

    /// An (r, c) matrix `v` (C order) stored as C order (layout 0), F
    /// order (1) or C order read backwards from its last element (2):
    /// the storage, byte strides, and the element the view starts at.
    pub(in crate::linalg) fn store<T: Copy + Default>(
        v: &[T],
        r: usize,
        c: usize,
        layout: usize,
    ) -> (Vec<T>, isize, isize, usize) {
        let s = std::mem::size_of::<T>() as isize;
        match layout {
            0 => (v.to_vec(), s * c as isize, s, 0),
            1 => {
                let mut f = vec![T::default(); r * c];
                for i in 0..r {
                    for j in 0..c {
                        f[j * r + i] = v[i * c + j];
                    }
                }
                (f, s, s * r as isize, 0)
            }
            _ => {
                let rev: Vec<T> = v.iter().rev().copied().collect();
                (rev, -s * c as isize, -s, (r * c).saturating_sub(1))
            }
        }
    }

    /// Every path (gemm, matvec both ways, small with points / tiny /
    /// panel, the own loops) against a naive triple loop, on small
    /// integer values in f64 (exact in any order), with C, F and
    /// reversed layouts.
    #[test]
    fn every_path_matches_the_naive_product() {
        let shapes = [
            (1, 1, 1),
            (3, 100, 3),
            (8, 8, 8),
            (2, 200, 5),
            (150, 1, 40),
            (150, 1, 43),
            (300, 1, 2000),
            (1, 150, 40),
            (7, 6, 5),
            (5, 13, 9),
            (9, 4, 16),
            (70, 90, 50),
            (5, 3, 0),
            (0, 4, 2),
        ];
        let mut seed = 1u64;
        let mut next = || {
            seed = seed
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            ((seed >> 33) % 9) as f64 - 4.0
        };
        for &(m, n, k) in &shapes {
            for layout in 0..3 {
                let a: Vec<f64> = (0..m * k).map(|_| next()).collect();
                let b: Vec<f64> = (0..k * n).map(|_| next()).collect();
                let mut want = vec![0.0; m * n];
                for i in 0..m {
                    for j in 0..n {
                        want[i * n + j] = (0..k).map(|kk| a[i * k + kk] * b[kk * n + j]).sum();
                    }
                }
                let (mut sa, ars, acs, a0) = store(&a, m, k, layout);
                let (mut sb, brs, bcs, b0) = store(&b, k, n, layout);
                let mut out = vec![f64::NAN; m * n];
                let p = |v: &mut Vec<f64>, at: usize| v.as_mut_ptr().wrapping_add(at) as *mut u8;
                unsafe {
                    matmul_2d(
                        Kind::Float64,
                        m,
                        n,
                        k,
                        mat(out.as_mut_ptr() as *mut u8, 8 * n as isize, 8),
                        mat(p(&mut sa, a0), ars, acs),
                        mat(p(&mut sb, b0), brs, bcs),
                    )
                };
                assert_eq!(out, want, "m={m} n={n} k={k} layout={layout}");
                // The own integer loop on the same values.
                let ai: Vec<i32> = a.iter().map(|&x| x as i32).collect();
                let bi: Vec<i32> = b.iter().map(|&x| x as i32).collect();
                let mut oi = vec![0i32; m * n];
                unsafe {
                    matmul_2d(
                        Kind::Int32,
                        m,
                        n,
                        k,
                        mat(oi.as_mut_ptr() as *mut u8, 4 * n as isize, 4),
                        mat(ai.as_ptr() as *mut u8, 4 * k as isize, 4),
                        mat(bi.as_ptr() as *mut u8, 4 * n as isize, 4),
                    )
                };
                let wi: Vec<i32> = want.iter().map(|&x| x as i32).collect();
                assert_eq!(oi, wi, "int32 m={m} n={n} k={k}");
            }
        }
    }
}
