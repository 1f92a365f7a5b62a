//! Products with a small side, in loops of our own with no packing:
//! matrix-vector (rows four at a time sharing each load of the vector),
//! a small matrix times many columns (the paper's camera matrix times its
//! points) and tiny matrices (output rows accumulated in registers).
//! `kernel::float` chooses them for float and complex kinds.

use super::kernel::{Field, Mat, PARALLEL_MIN, SMALL_SIDE, get, put};

/// `dst[:, 0] = lhs · rhs[:, 0]`: one dot product per row, rows split
/// across threads when the matrix is large. Contiguous rows take a loop
/// with eight independent sums (it vectorises); column-contiguous
/// matrices (F order, transposed views) accumulate column by column.
pub(super) unsafe fn matvec<T: Field>(m: usize, k: usize, dst: Mat, lhs: Mat, rhs: Mat) {
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
        // SAFETY: every row of lhs is k contiguous elements; slices are made
        // only for rows that exist (the last group may be short).
        let block = |g: usize| {
            let i = g * ROWS;
            if i + ROWS <= m {
                let rows = std::array::from_fn(|r| unsafe { row_slice(lhs, i + r, k) });
                let y = dot_rows::<T, ROWS>(rows, x);
                for (r, &v) in y.iter().enumerate() {
                    unsafe { put(dst, i + r, 0, v) };
                }
            } else {
                for i in i..m {
                    let y = dot_rows::<T, 1>([unsafe { row_slice(lhs, i, k) }], x);
                    unsafe { put(dst, i, 0, y[0]) };
                }
            }
        };
        let groups = m.div_ceil(ROWS);
        if m * k >= PARALLEL_MIN / 4 && m >= 64 {
            // Four contiguous ranges of rows a thread, shared by the team
            // (`iter::team`): its helpers are awake between calls, and
            // when one is still waking up after a pause, the caller takes
            // the ranges it has not reached.
            let pieces = crate::iter::team::threads() * 4;
            let per = groups.div_ceil(pieces);
            let range = |t: usize| (t * per..((t + 1) * per).min(groups)).for_each(&block);
            crate::iter::team::for_pieces(pieces, &range);
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
        // Ranges of 16 rows shared by the team.
        crate::iter::team::for_pieces(m.div_ceil(16), &|g| {
            for i in g * 16..(g * 16 + 16).min(m) {
                unsafe { put(dst, i, 0, row(i)) };
            }
        });
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
pub(super) unsafe fn small<T: Field>(m: usize, n: usize, k: usize, dst: Mat, lhs: Mat, rhs: Mat) {
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
            unsafe { gather_row(rhs, kk, &mut row[..n]) };
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
}
