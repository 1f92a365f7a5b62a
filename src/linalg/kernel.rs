//! The 2-d product `dst[m, n] = lhs[m, k] · rhs[k, n]` on strided memory,
//! one entry point for every kind. Float and complex kinds go to the `gemm`
//! crate, which takes any signed strides (in elements) without copies of
//! ours. float16, integers and bool run loops of our own with NumPy's
//! arithmetic: float16 sums in float32 in k order and rounds once, as
//! NumPy's float16 matmul does; integers wrap; bool is "any a and b".

use half::f16;
use num_complex::{Complex32, Complex64};

use crate::dtype::Kind;

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
    let par = if work >= PARALLEL_MIN {
        gemm::Parallelism::Rayon(0)
    } else {
        gemm::Parallelism::None
    };
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
const SMALL_SIDE: usize = 64;

/// Float and complex kinds: matrix-vector products (either side) and
/// products with a small operand (the camera matrix times many points, or
/// batches of tiny matrices) run our loops, which need no packing and no
/// threads; everything else goes to gemm.
unsafe fn float<T: Field + GemmOne>(
    m: usize,
    n: usize,
    k: usize,
    dst: Mat,
    lhs: Mat,
    rhs: Mat,
    par: gemm::Parallelism,
) {
    unsafe {
        if k == 0 {
            fill::<T>(m, n, dst, T::default())
        } else if n == 1 {
            matvec::<T>(m, k, dst, lhs, rhs)
        } else if m == 1 {
            // (1, k) x (k, n) = ((n, k) x (k, 1)).T
            matvec::<T>(n, k, t(dst), t(rhs), t(lhs))
        } else if m * k <= SMALL_SIDE {
            small::<T>(m, n, k, dst, lhs, rhs)
        } else if n * k <= SMALL_SIDE {
            small::<T>(n, m, k, t(dst), t(rhs), t(lhs))
        } else {
            #[cfg(feature = "system-blas")]
            if super::blas::matmul::<T>(m, n, k, dst, lhs, rhs) {
                return;
            }
            if matches!(par, gemm::Parallelism::Rayon(_)) {
                split::<T>(m, n, k, dst, lhs, rhs)
            } else {
                with_gemm::<T>(m, n, k, dst, lhs, rhs, par)
            }
        }
    }
}

/// A large product on every thread of the pool: the longer of the
/// output's two sides is cut into one slab per thread and each slab is a
/// single-threaded gemm call (measured here, 2000² float64 on two cores:
/// 46 GFLOP/s with gemm's own threads, 50-71 with two slabs). Each output
/// element is computed by one call with the same k blocking, whatever the
/// thread count.
unsafe fn split<T: Field + GemmOne>(m: usize, n: usize, k: usize, dst: Mat, lhs: Mat, rhs: Mat) {
    let parts = rayon::current_num_threads().max(1);
    let (long, by_rows) = if m >= n { (m, true) } else { (n, false) };
    // Slabs a multiple of 64 long, so the kernels' tiles stay whole.
    let chunk = long.div_ceil(parts).div_ceil(64) * 64;
    let slabs: Vec<usize> = (0..long).step_by(chunk.max(1)).collect();
    let (d, l, r) = (dst, lhs, rhs);
    use rayon::prelude::*;
    slabs.par_iter().for_each(|&start| {
        let len = chunk.min(long - start);
        let none = gemm::Parallelism::None;
        unsafe {
            if by_rows {
                let at = |x: Mat| Mat {
                    ptr: x.ptr.wrapping_offset(start as isize * x.rs),
                    ..x
                };
                with_gemm::<T>(len, n, k, at(d), at(l), r, none)
            } else {
                let at = |x: Mat| Mat {
                    ptr: x.ptr.wrapping_offset(start as isize * x.cs),
                    ..x
                };
                with_gemm::<T>(m, len, k, at(d), l, at(r), none)
            }
        }
    });
}

/// What the float loops need of an element type (f32, f64, complex).
trait Field:
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
unsafe fn get<T: Copy>(a: Mat, i: usize, j: usize) -> T {
    unsafe {
        (a.ptr.wrapping_offset(i as isize * a.rs + j as isize * a.cs) as *const T).read_unaligned()
    }
}

#[inline(always)]
unsafe fn put<T: Copy>(a: Mat, i: usize, j: usize, v: T) {
    unsafe {
        (a.ptr.wrapping_offset(i as isize * a.rs + j as isize * a.cs) as *mut T).write_unaligned(v)
    }
}

/// `dst[:, 0] = lhs · rhs[:, 0]`: one dot product per row, rows split
/// across threads when the matrix is large. Contiguous rows take a loop
/// with eight independent sums (it vectorises); column-contiguous
/// matrices (F order, transposed views) accumulate column by column.
unsafe fn matvec<T: Field>(m: usize, k: usize, dst: Mat, lhs: Mat, rhs: Mat) {
    let size = std::mem::size_of::<T>() as isize;
    if lhs.rs == size && lhs.cs != size && m > 1 {
        // Columns are contiguous: y += lhs[:, kk] * x[kk], for every kk.
        let mut acc = vec![T::default(); m];
        for kk in 0..k {
            let x: T = unsafe { get(rhs, kk, 0) };
            let col = unsafe {
                std::slice::from_raw_parts(
                    lhs.ptr.wrapping_offset(kk as isize * lhs.cs) as *const T,
                    m,
                )
            };
            for (y, &a) in acc.iter_mut().zip(col) {
                *y = *y + a * x;
            }
        }
        for (i, &y) in acc.iter().enumerate() {
            unsafe { put(dst, i, 0, y) };
        }
        return;
    }
    if lhs.cs == size && rhs.rs == size {
        // Rows and the vector are contiguous: ROWS rows at a time share
        // each load of the vector.
        // SAFETY: the vector is k contiguous elements.
        let x = unsafe { std::slice::from_raw_parts(rhs.ptr as *const T, k) };
        // SAFETY: rows i..i + ROWS of lhs are k contiguous elements each.
        let rows = |i: usize| -> [&[T]; ROWS] {
            std::array::from_fn(|r| unsafe { row_slice(lhs, i + r, k) })
        };
        let block = |g: usize| {
            let i = g * ROWS;
            if i + ROWS <= m {
                let y = dot_rows::<T, ROWS>(rows(i), x);
                for (r, &v) in y.iter().enumerate() {
                    unsafe { put(dst, i + r, 0, v) };
                }
            } else {
                for i in i..m {
                    let y = dot_rows::<T, 1>([rows(i)[0]], x);
                    unsafe { put(dst, i, 0, y[0]) };
                }
            }
        };
        let groups = m.div_ceil(ROWS);
        if m * k >= PARALLEL_MIN / 4 && m >= 64 {
            use rayon::prelude::*;
            (0..groups).into_par_iter().with_min_len(4).for_each(block);
        } else {
            (0..groups).for_each(block);
        }
        return;
    }
    let row = |i: usize| -> T {
        let mut s = T::default();
        for kk in 0..k {
            s = s + unsafe { get::<T>(lhs, i, kk) * get::<T>(rhs, kk, 0) };
        }
        s
    };
    if m * k >= PARALLEL_MIN / 4 && m >= 64 {
        use rayon::prelude::*;
        (0..m)
            .into_par_iter()
            .with_min_len(16)
            .for_each(|i| unsafe { put(dst, i, 0, row(i)) });
    } else {
        for i in 0..m {
            unsafe { put(dst, i, 0, row(i)) };
        }
    }
}

/// Row `i` of `a`, `k` contiguous elements (the caller's promise).
unsafe fn row_slice<'a, T>(a: Mat, i: usize, k: usize) -> &'a [T] {
    unsafe { std::slice::from_raw_parts(a.ptr.wrapping_offset(i as isize * a.rs) as *const T, k) }
}

/// Rows of a matrix-vector product taken together by `matvec`.
const ROWS: usize = 4;

/// The dot products of R contiguous rows with one vector, each with eight
/// partial sums (so it vectorises; AVX2 when the CPU has it), the rows
/// sharing each load of `x`.
#[inline]
fn dot_rows<T: Field, const R: usize>(a: [&[T]; R], x: &[T]) -> [T; R] {
    assert!(a.iter().all(|row| row.len() == x.len()));
    #[cfg(target_arch = "x86_64")]
    if std::any::TypeId::of::<T>() == std::any::TypeId::of::<f64>()
        && crate::ufunc::simd::has_avx2()
    {
        let rows: [*const f64; R] = std::array::from_fn(|r| a[r].as_ptr() as *const f64);
        // SAFETY: T is f64; every row and x hold x.len() elements; the CPU
        // has AVX2.
        let y = unsafe { dot_rows_f64_avx2(rows, x.as_ptr() as *const f64, x.len()) };
        return std::array::from_fn(|r| unsafe { (&y[r] as *const f64 as *const T).read() });
    }
    dot_rows_generic(a, x)
}

/// `dot_rows` for any field, vectorised by the compiler.
#[inline]
fn dot_rows_generic<T: Field, const R: usize>(a: [&[T]; R], x: &[T]) -> [T; R] {
    crate::ufunc::simd::dispatch(
        #[inline(always)]
        || {
            let k = x.len();
            let whole = k / 8 * 8;
            let mut acc = [[T::default(); 8]; R];
            let rows: [*const T; R] = std::array::from_fn(|r| a[r].as_ptr());
            for c in (0..whole).step_by(8) {
                // SAFETY: c + 8 <= k, the length of x and of every row.
                let q = unsafe { (x.as_ptr().add(c) as *const [T; 8]).read_unaligned() };
                for r in 0..R {
                    let p = unsafe { (rows[r].add(c) as *const [T; 8]).read_unaligned() };
                    for l in 0..8 {
                        acc[r][l] = acc[r][l] + p[l] * q[l];
                    }
                }
            }
            std::array::from_fn(|r| {
                let mut s = T::default();
                for c in whole..k {
                    s = s + a[r][c] * x[c];
                }
                let v = &acc[r];
                ((v[0] + v[4]) + (v[1] + v[5])) + ((v[2] + v[6]) + (v[3] + v[7])) + s
            })
        },
    )
}

/// `dot_rows` for float64 in AVX2 registers: two vectors of four partial
/// sums a row (the generic loop's eight, added in its order, multiplies
/// and adds unfused as there), so both round identically. LLVM vectorises
/// the generic loop across rows instead, with shuffles.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2,fma")]
unsafe fn dot_rows_f64_avx2<const R: usize>(
    rows: [*const f64; R],
    x: *const f64,
    k: usize,
) -> [f64; R] {
    use std::arch::x86_64::*;
    let whole = k / 8 * 8;
    let mut lo = [_mm256_setzero_pd(); R];
    let mut hi = [_mm256_setzero_pd(); R];
    let mut c = 0;
    // SAFETY: c + 8 <= k for every load (the caller's lengths).
    unsafe {
        while c < whole {
            let (q0, q1) = (_mm256_loadu_pd(x.add(c)), _mm256_loadu_pd(x.add(c + 4)));
            for r in 0..R {
                let p0 = _mm256_loadu_pd(rows[r].add(c));
                let p1 = _mm256_loadu_pd(rows[r].add(c + 4));
                lo[r] = _mm256_add_pd(lo[r], _mm256_mul_pd(p0, q0));
                hi[r] = _mm256_add_pd(hi[r], _mm256_mul_pd(p1, q1));
            }
            c += 8;
        }
    }
    std::array::from_fn(|r| {
        let mut v = [0.0f64; 4];
        // SAFETY: v holds four f64.
        unsafe { _mm256_storeu_pd(v.as_mut_ptr(), _mm256_add_pd(lo[r], hi[r])) };
        let mut s = 0.0;
        for c in whole..k {
            s += unsafe { *rows[r].add(c) * *x.add(c) };
        }
        ((v[0] + v[1]) + (v[2] + v[3])) + s
    })
}

// SAFETY: a Mat is an address and strides; the operands are read-only
// while a product runs and threads write disjoint parts of the destination.
unsafe impl Sync for Mat {}
unsafe impl Send for Mat {}

/// Products with at most this many columns (and k·n ≤ 256) take
/// `small`'s tiny path.
const TINY: usize = 16;

/// Columns of rhs handled together by `small`.
const SMALL_BLOCK: usize = 64;

/// `dst = lhs · rhs` with a small lhs (m·k ≤ SMALL_SIDE): blocks of
/// SMALL_BLOCK columns of rhs are gathered into a contiguous (k, block)
/// panel, then each output row is k contiguous multiply-adds across the
/// block (vectorised, AVX2 when the CPU has it). No packing of lhs, no
/// threads: the camera matrix times 100,000 points, batches of 8x8.
unsafe fn small<T: Field>(m: usize, n: usize, k: usize, dst: Mat, lhs: Mat, rhs: Mat) {
    let size = std::mem::size_of::<T>() as isize;
    let points_ok = rhs.rs == size && rhs.cs == k as isize * size && dst.cs == size && k <= 4;
    if !points_ok && n <= TINY && k <= TINY {
        unsafe { tiny::<T>(m, n, k, dst, lhs, rhs) };
        return;
    }
    let mut a = [T::default(); SMALL_SIDE];
    for i in 0..m {
        unsafe { gather_row(lhs, i, &mut a[i * k..(i + 1) * k]) };
    }
    if points_ok {
        // rhs is the transpose of a C-ordered (n, k) array of points.
        unsafe {
            match k {
                1 => return points::<T, 1>(m, n, &a, dst, rhs),
                2 => return points::<T, 2>(m, n, &a, dst, rhs),
                3 => return points::<T, 3>(m, n, &a, dst, rhs),
                _ => return points::<T, 4>(m, n, &a, dst, rhs),
            }
        }
    }
    let mut panel = vec![T::default(); k * SMALL_BLOCK];
    let mut acc = [T::default(); SMALL_BLOCK];
    crate::ufunc::simd::dispatch(
        #[inline(always)]
        || {
            for j0 in (0..n).step_by(SMALL_BLOCK) {
                let jb = (n - j0).min(SMALL_BLOCK);
                for kk in 0..k {
                    let row = &mut panel[kk * SMALL_BLOCK..kk * SMALL_BLOCK + jb];
                    for (jj, p) in row.iter_mut().enumerate() {
                        *p = unsafe { get(rhs, kk, j0 + jj) };
                    }
                }
                for i in 0..m {
                    let acc = &mut acc[..jb];
                    acc.fill(T::default());
                    for kk in 0..k {
                        let aik = a[i * k + kk];
                        let row = &panel[kk * SMALL_BLOCK..kk * SMALL_BLOCK + jb];
                        for (y, &b) in acc.iter_mut().zip(row) {
                            *y = *y + aik * b;
                        }
                    }
                    if dst.cs == size {
                        // SAFETY: jb contiguous elements of row i of dst.
                        let out = unsafe {
                            std::slice::from_raw_parts_mut(
                                dst.ptr
                                    .wrapping_offset(i as isize * dst.rs + j0 as isize * size)
                                    as *mut T,
                                jb,
                            )
                        };
                        out.copy_from_slice(acc);
                    } else {
                        for (jj, &y) in acc.iter().enumerate() {
                            unsafe { put(dst, i, j0 + jj, y) };
                        }
                    }
                }
            }
        },
    )
}

/// Tiny products (n ≤ TINY, k ≤ 64 / 4·TINY): rows of the output are
/// accumulated R at a time in registers over NP (n rounded up to 4)
/// columns, so R·NP/lanes independent sums hide the add latency (AVX2 when
/// the CPU has it). rhs rows are read in place when they are contiguous
/// and exactly NP long (a batch of 8x8 matrices), else copied into a
/// padded block; lhs elements are read in place.
unsafe fn tiny<T: Field>(m: usize, n: usize, k: usize, dst: Mat, lhs: Mat, rhs: Mat) {
    let wide = std::mem::size_of::<T>() > 8;
    unsafe {
        match (n.div_ceil(4) * 4, wide) {
            (4, _) => tiny_np::<T, 4, 4>(m, n, k, dst, lhs, rhs),
            (8, false) => tiny_np::<T, 8, 4>(m, n, k, dst, lhs, rhs),
            (8, true) => tiny_np::<T, 8, 2>(m, n, k, dst, lhs, rhs),
            (12, _) => tiny_np::<T, 12, 2>(m, n, k, dst, lhs, rhs),
            _ => tiny_np::<T, 16, 2>(m, n, k, dst, lhs, rhs),
        }
    }
}

unsafe fn tiny_np<T: Field, const NP: usize, const R: usize>(
    m: usize,
    n: usize,
    k: usize,
    dst: Mat,
    lhs: Mat,
    rhs: Mat,
) {
    if n == NP && rhs.cs == std::mem::size_of::<T>() as isize {
        // SAFETY: row kk of rhs is NP contiguous elements.
        let brow = |kk: usize| unsafe {
            (rhs.ptr.wrapping_offset(kk as isize * rhs.rs) as *const [T; NP]).read_unaligned()
        };
        unsafe { tiny_rows::<T, NP, R>(m, n, k, dst, lhs, brow) }
    } else {
        let mut b = [[T::default(); NP]; TINY];
        for (kk, row) in b.iter_mut().enumerate().take(k) {
            for (j, x) in row.iter_mut().enumerate().take(n) {
                *x = unsafe { get(rhs, kk, j) };
            }
        }
        unsafe { tiny_rows::<T, NP, R>(m, n, k, dst, lhs, |kk| b[kk]) }
    }
}

#[inline(always)]
unsafe fn tiny_rows<T: Field, const NP: usize, const R: usize>(
    m: usize,
    n: usize,
    k: usize,
    dst: Mat,
    lhs: Mat,
    brow: impl Fn(usize) -> [T; NP],
) {
    crate::ufunc::simd::dispatch(
        #[inline(always)]
        || {
            let mut i = 0;
            while i < m {
                if m - i >= R {
                    let acc = unsafe { rows_times::<T, NP, R>(lhs, i, k, &brow) };
                    for (r, row) in acc.iter().enumerate() {
                        unsafe { store_row(dst, i + r, n, row) };
                    }
                    i += R;
                } else {
                    let acc = unsafe { rows_times::<T, NP, 1>(lhs, i, k, &brow) };
                    unsafe { store_row(dst, i, n, &acc[0]) };
                    i += 1;
                }
            }
        },
    )
}

/// Rows i..i+R of lhs times the k rows `brow` gives: R·NP sums kept in
/// registers over the k steps.
#[inline(always)]
unsafe fn rows_times<T: Field, const NP: usize, const R: usize>(
    lhs: Mat,
    i: usize,
    k: usize,
    brow: &impl Fn(usize) -> [T; NP],
) -> [[T; NP]; R] {
    let mut acc = [[T::default(); NP]; R];
    for kk in 0..k {
        let bk = brow(kk);
        let xs: [T; R] = std::array::from_fn(|r| unsafe { get(lhs, i + r, kk) });
        for r in 0..R {
            for j in 0..NP {
                acc[r][j] = acc[r][j] + xs[r] * bk[j];
            }
        }
    }
    acc
}

/// The first n of `row` into row `i` of `dst`: one store when the row is
/// contiguous and n == NP.
#[inline(always)]
unsafe fn store_row<T: Copy, const NP: usize>(dst: Mat, i: usize, n: usize, row: &[T; NP]) {
    if n == NP && dst.cs == std::mem::size_of::<T>() as isize {
        // SAFETY: row i of dst is NP contiguous elements.
        unsafe {
            (dst.ptr.wrapping_offset(i as isize * dst.rs) as *mut [T; NP]).write_unaligned(*row)
        }
    } else {
        for (j, &y) in row.iter().enumerate().take(n) {
            unsafe { put(dst, i, j, y) };
        }
    }
}

/// Row `i` of `src` (its first `out.len()` elements) into `out`: one copy
/// when the row is contiguous.
#[inline(always)]
unsafe fn gather_row<T: Copy>(src: Mat, i: usize, out: &mut [T]) {
    let size = std::mem::size_of::<T>() as isize;
    if src.cs == size {
        // SAFETY: the row's elements are contiguous (caller's shapes).
        let row = unsafe {
            std::slice::from_raw_parts(
                src.ptr.wrapping_offset(i as isize * src.rs) as *const T,
                out.len(),
            )
        };
        out.copy_from_slice(row);
    } else {
        for (j, o) in out.iter_mut().enumerate() {
            *o = unsafe { get(src, i, j) };
        }
    }
}

/// `dst[i, :] = Σ_kk a[i, kk] · pts[:, kk]` for points stored as rows of K
/// contiguous coordinates (rhs is their transpose) and contiguous dst
/// rows: one pass over the points per output row, K known at compile time
/// so the interleaved coordinates vectorise.
unsafe fn points<T: Field, const K: usize>(m: usize, n: usize, a: &[T], dst: Mat, rhs: Mat) {
    // SAFETY: rhs is n rows of K contiguous elements (checked by the caller).
    let pts = unsafe { std::slice::from_raw_parts(rhs.ptr as *const T, n * K) };
    for i in 0..m {
        let mut coef = [T::default(); K];
        coef.copy_from_slice(&a[i * K..(i + 1) * K]);
        // SAFETY: row i of dst is n contiguous elements.
        let out = unsafe {
            std::slice::from_raw_parts_mut(
                dst.ptr.wrapping_offset(i as isize * dst.rs) as *mut T,
                n,
            )
        };
        crate::ufunc::simd::dispatch(
            #[inline(always)]
            || {
                for (o, p) in out.iter_mut().zip(pts.chunks_exact(K)) {
                    let mut s = T::default();
                    for kk in 0..K {
                        s = s + coef[kk] * p[kk];
                    }
                    *o = s;
                }
            },
        );
    }
}

/// Byte strides of `T` elements as element strides (whole, by contract).
fn el<T>(bytes: isize) -> isize {
    bytes / std::mem::size_of::<T>() as isize
}

unsafe fn with_gemm<T: Field + GemmOne>(
    m: usize,
    n: usize,
    k: usize,
    dst: Mat,
    lhs: Mat,
    rhs: Mat,
    par: gemm::Parallelism,
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
            par,
        )
    }
}

/// The multiplicative identity, for gemm's `beta`.
trait GemmOne {
    fn one() -> Self;
}
impl GemmOne for f32 {
    fn one() -> Self {
        1.0
    }
}
impl GemmOne for f64 {
    fn one() -> Self {
        1.0
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
mod tests {
    use super::*;

    /// The AVX2 float64 row dots round exactly as the generic loop.
    #[test]
    fn row_dots_round_as_the_generic_loop() {
        let mut seed = 7u64;
        let mut next = || {
            seed = seed
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            (seed >> 11) as f64 / (1u64 << 53) as f64 - 0.5
        };
        for k in [0, 1, 7, 8, 9, 100, 1001] {
            let rows: Vec<Vec<f64>> = (0..4).map(|_| (0..k).map(|_| next()).collect()).collect();
            let x: Vec<f64> = (0..k).map(|_| next()).collect();
            let a: [&[f64]; 4] = std::array::from_fn(|r| rows[r].as_slice());
            let fast = dot_rows(a, &x);
            let slow = dot_rows_generic(a, &x);
            for r in 0..4 {
                assert_eq!(fast[r].to_bits(), slow[r].to_bits(), "k={k} row {r}");
            }
            assert_eq!(dot_rows([a[0]], &x)[0].to_bits(), slow[0].to_bits());
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
                // Store the operands in C order, F order, or C order read
                // backwards (negative strides from the last element).
                let store = |v: &[f64], r: usize, c: usize| -> (Vec<f64>, isize, isize, usize) {
                    match layout {
                        0 => (v.to_vec(), 8 * c as isize, 8, 0),
                        1 => {
                            let mut f = vec![0.0; r * c];
                            for i in 0..r {
                                for j in 0..c {
                                    f[j * r + i] = v[i * c + j];
                                }
                            }
                            (f, 8, 8 * r as isize, 0)
                        }
                        _ => {
                            let rev: Vec<f64> = v.iter().rev().copied().collect();
                            (rev, -8 * c as isize, -8, (r * c).saturating_sub(1))
                        }
                    }
                };
                let (mut sa, ars, acs, a0) = store(&a, m, k);
                let (mut sb, brs, bcs, b0) = store(&b, k, n);
                let mut out = vec![f64::NAN; m * n];
                let p = |v: &mut Vec<f64>, at: usize| v.as_mut_ptr().wrapping_add(at) as *mut u8;
                unsafe {
                    matmul_2d(
                        Kind::Float64,
                        m,
                        n,
                        k,
                        Mat {
                            ptr: out.as_mut_ptr() as *mut u8,
                            rs: 8 * n as isize,
                            cs: 8,
                        },
                        Mat {
                            ptr: p(&mut sa, a0),
                            rs: ars,
                            cs: acs,
                        },
                        Mat {
                            ptr: p(&mut sb, b0),
                            rs: brs,
                            cs: bcs,
                        },
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
                        Mat {
                            ptr: oi.as_mut_ptr() as *mut u8,
                            rs: 4 * n as isize,
                            cs: 4,
                        },
                        Mat {
                            ptr: ai.as_ptr() as *mut u8,
                            rs: 4 * k as isize,
                            cs: 4,
                        },
                        Mat {
                            ptr: bi.as_ptr() as *mut u8,
                            rs: 4 * n as isize,
                            cs: 4,
                        },
                    )
                };
                let wi: Vec<i32> = want.iter().map(|&x| x as i32).collect();
                assert_eq!(oi, wi, "int32 m={m} n={n} k={k}");
            }
        }
    }
}
