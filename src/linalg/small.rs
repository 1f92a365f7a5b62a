//! Products with a small side, in loops of our own with no packing:
//! matrix-vector (a few rows at a time sharing each load of the vector),
//! a small matrix times many columns (the paper's camera matrix times its
//! points) and tiny matrices (output rows accumulated in registers).
//! `kernel::float` chooses them for float and complex kinds.
//!
//! Figures below "from C on the AVX-512 host of 2026-12-06" were timed
//! with short pauses between runs, except where a 200 ms pause is named:
//! NumPy's OpenBLAS in the same process spins its threads about 0.1 s
//! after each call, which can slow two-thread runs (README, Performance).

use super::kernel::{Field, Mat, PARALLEL_MIN, SMALL_SIDE, get, put};

/// `dst[:, 0] = lhs · rhs[:, 0]`: one dot product per row, rows split
/// across threads when the matrix is large. Contiguous rows take
/// `dot_rows` (several independent sums a row; it vectorises);
/// column-contiguous matrices (F order, transposed views) `axpy_columns`.
pub(super) unsafe fn matvec<T: Field>(m: usize, k: usize, dst: Mat, lhs: Mat, rhs: Mat) {
    let size = std::mem::size_of::<T>() as isize;
    if lhs.rs == size && lhs.cs != size && m > 1 {
        // Columns are contiguous (F order, transposed views, `v @ m`):
        // y += lhs[:, kk] * x[kk] for the columns in order.
        // The vector as a slice: borrowed when contiguous, else gathered.
        let gathered: Vec<T>;
        let x: &[T] = if rhs.rs == size {
            // SAFETY: the vector is k contiguous elements.
            unsafe { std::slice::from_raw_parts(rhs.ptr as *const T, k) }
        } else {
            gathered = (0..k).map(|kk| unsafe { get::<T>(rhs, kk, 0) }).collect();
            &gathered
        };
        if m * k < PARALLEL_MIN / 4 || k < 16 * COLUMN_RANGES {
            if split_rows::<T>(m, k, COLUMN_SPLIT) {
                // Mid-size (or few columns): ranges of rows on the team.
                // Each sum still runs over the columns in order, so the
                // result is the one-thread loop's.
                rows_on_team(m, 1, &|lo, hi| {
                    let (dst, lhs) = (&dst, &lhs);
                    let at = |mat: &Mat| Mat {
                        ptr: mat.ptr.wrapping_offset(lo as isize * mat.rs),
                        ..*mat
                    };
                    // SAFETY: rows lo..hi of every column of lhs and of dst.
                    unsafe { axpy_columns::<T>(hi - lo, x, at(dst), at(lhs)) };
                });
            } else {
                // SAFETY: every column of lhs holds m contiguous elements;
                // dst has m rows.
                unsafe { axpy_columns::<T>(m, x, dst, lhs) };
            }
            return;
        }
        // Large: COLUMN_RANGES ranges of columns, each summed from zero
        // over all rows into its own column of `parts` on the team's
        // threads (a range's columns lie one after the other in memory, so
        // each thread reads one long run), then added in a fixed tree. The
        // ranges do not depend on the number of threads, nor the result.
        let per = k.div_ceil(COLUMN_RANGES).next_multiple_of(4);
        let mut parts = vec![T::default(); m * COLUMN_RANGES];
        let into = Mat {
            ptr: parts.as_mut_ptr() as *mut u8,
            rs: size,
            cs: m as isize * size,
        };
        let range = |p: usize| {
            // Whole Mats captured (they are Sync; their raw fields are not).
            let (lhs, into) = (&lhs, &into);
            let (k0, k1) = ((p * per).min(k), ((p + 1) * per).min(k));
            let cols = Mat {
                ptr: lhs.ptr.wrapping_offset(k0 as isize * lhs.cs),
                ..*lhs
            };
            let part = Mat {
                ptr: into.ptr.wrapping_offset(p as isize * into.cs),
                ..*into
            };
            // SAFETY: columns k0..k1 of lhs exist; `part` is column p of
            // `parts` (m elements), written by this piece only.
            unsafe { axpy_columns::<T>(m, &x[k0..k1], part, cols) };
        };
        crate::iter::team::for_pieces(COLUMN_RANGES, &range);
        for i in 0..m {
            let q = &parts[i..];
            let sum = ((q[0] + q[m]) + (q[2 * m] + q[3 * m]))
                + ((q[4 * m] + q[5 * m]) + (q[6 * m] + q[7 * m]));
            // SAFETY: dst has row i.
            unsafe { put(dst, i, 0, sum) };
        }
        return;
    }
    if lhs.cs == size && rhs.rs == size {
        // Rows and the vector are contiguous: a few rows at a time share
        // each load of the vector.
        // SAFETY: rows lo..hi of lhs exist and hold k contiguous elements,
        // as does the vector; dst has those rows.
        let rows = |lo: usize, hi: usize| unsafe { dot_rows::<T>(lo, hi, k, dst, lhs, rhs) };
        if split_rows::<T>(m, k, ROW_SPLIT) {
            rows_on_team(m, 4, &rows);
        } else {
            rows(0, m);
        }
        return;
    }
    // Any other strides: one sum a row, element by element.
    let rows = |lo: usize, hi: usize| {
        for i in lo..hi {
            let mut s = T::default();
            for kk in 0..k {
                // SAFETY: row i of lhs and the vector have k elements.
                s = s + unsafe { get::<T>(lhs, i, kk) * get::<T>(rhs, kk, 0) };
            }
            // SAFETY: dst has row i.
            unsafe { put(dst, i, 0, s) };
        }
    };
    if split_rows::<T>(m, k, ROW_SPLIT) {
        rows_on_team(m, 4, &rows);
    } else {
        rows(0, m);
    }
}

/// Whether an m x k matrix-vector product splits its rows across the
/// team: from 16 rows and `min_bytes` of matrix. Measured from C on n x n
/// float64, medians of 20 runs of 2000-5000 calls, one thread against
/// split (OpenBLAS's dgemv, which splits from 9216 elements, in brackets):
/// - contiguous rows (`ROW_SPLIT`, four ranges a thread): n = 100 (78 KiB)
///   1.7 us against 1.9 (1.3); n = 128 (128 KiB) 3.3 against 2.7 (2.4);
///   256: 9.2 against 6.9 (8.1); 400: 24.7 against 12.9 (24.0);
/// - contiguous columns (`COLUMN_SPLIT`, one range a thread, which beat
///   two or four: each thread reads longer runs of each column): n = 160
///   (200 KiB) 4.8 against 4.4 (3.4); 181 (256 KiB) 6.7 against 4.9
///   (5.3); 400: 25.9 against 19.6 (24.7); 700: 71 against 56 (59).
///
/// Both were 2^19 elements before.
fn split_rows<T>(m: usize, k: usize, min_bytes: usize) -> bool {
    m >= 16 && m.saturating_mul(k).saturating_mul(std::mem::size_of::<T>()) >= min_bytes
}
const ROW_SPLIT: usize = 128 << 10;
const COLUMN_SPLIT: usize = 256 << 10;

/// `rows(lo, hi)` over ranges covering `0..m` on the team, `per_thread`
/// ranges a thread, each a multiple of eight rows long (the last one
/// shorter; `dot_rows` takes up to eight at a time); the caller takes the
/// ranges a helper still waking up has not reached.
fn rows_on_team(m: usize, per_thread: usize, rows: &(dyn Fn(usize, usize) + Sync)) {
    let pieces = crate::iter::team::threads() * per_thread;
    let per = m.div_ceil(pieces).next_multiple_of(8);
    crate::iter::team::for_pieces(m.div_ceil(per), &|t| rows(t * per, ((t + 1) * per).min(m)));
}

/// Ranges of columns a large column-contiguous matrix-vector product is
/// cut into (`matvec`; the final tree adds exactly eight).
const COLUMN_RANGES: usize = 8;
const _: () = assert!(COLUMN_RANGES == 8, "matvec's final tree adds eight parts");

/// Rows of `axpy_columns`'s running sums kept in one buffer (8 KiB of
/// float64: it stays in L1 while the columns pass through it).
const AXPY_ROWS: usize = 1024;

/// `axpy_columns`'s running sums, on a cache line boundary so that no
/// vector of them straddles two lines.
#[repr(align(64))]
struct Sums<T>([T; AXPY_ROWS]);

/// `dst[i, 0] = sum over kk of lhs[i, kk] * x[kk]` for the `m` rows of a
/// matrix whose columns are contiguous, each sum accumulated from zero in
/// column order (`y = y + a * x`, fused for float64 and float32 where the
/// CPU has FMA), as a loop over the columns one at a time would; rows are
/// taken AXPY_ROWS at a time and columns eight at a time (then four, then
/// one), so each running sum is loaded and stored once per eight columns.
/// Measured on 1000x1000 float64, `m.T @ v`, medians, on the AVX2-only
/// host: from Python in short runs after a pause, 280 us one column at a
/// time on one thread (NumPy 115), 156-169 four at a time over rows split
/// between the threads (NumPy 128-141), 141-163 as column ranges
/// (`matvec`; NumPy 130-148); from C back to back as column ranges 92-94
/// us, OpenBLAS's dgemv 106-129. On the AVX-512 host of 2026-12-06 from
/// C, medians of 40 runs (OpenBLAS in brackets): float64 73-80 us four
/// columns unfused, 72-75 fused, 65-66 eight fused (63-67); float32
/// 41-42, 35-39, 38 (33-34).
///
/// # Safety
/// Each of the `x.len()` columns of `lhs` holds `m` contiguous elements of
/// T, and `dst` has `m` rows.
unsafe fn axpy_columns<T: Field>(m: usize, x: &[T], dst: Mat, lhs: Mat) {
    #[cfg(target_arch = "x86_64")]
    if crate::ufunc::simd::has_avx2() {
        use num_complex::{Complex32, Complex64};
        use std::any::TypeId;
        // SAFETY (all): T is that type, the CPU has AVX2 and FMA, and the
        // caller's promises hold.
        if TypeId::of::<T>() == TypeId::of::<Complex64>() {
            let x = unsafe { std::slice::from_raw_parts(x.as_ptr() as *const Complex64, x.len()) };
            return unsafe { axpy_columns_c128_avx2(m, x, dst, lhs) };
        }
        if TypeId::of::<T>() == TypeId::of::<Complex32>() {
            let x = unsafe { std::slice::from_raw_parts(x.as_ptr() as *const Complex32, x.len()) };
            return unsafe { axpy_columns_c64_avx2(m, x, dst, lhs) };
        }
        // The real types in fused multiply-adds (the CPU has FMA).
        if TypeId::of::<T>() == TypeId::of::<f64>() {
            let x = unsafe { std::slice::from_raw_parts(x.as_ptr() as *const f64, x.len()) };
            return unsafe { axpy_columns_generic(m, x, dst, lhs, |y, c, x| c.mul_add(x, y)) };
        }
        if TypeId::of::<T>() == TypeId::of::<f32>() {
            let x = unsafe { std::slice::from_raw_parts(x.as_ptr() as *const f32, x.len()) };
            return unsafe { axpy_columns_generic(m, x, dst, lhs, |y, c, x| c.mul_add(x, y)) };
        }
    }
    // SAFETY: as the caller promises.
    unsafe { axpy_columns_generic(m, x, dst, lhs, unfused) }
}

/// `y[i] = step(y[i], column[i], x)` for the G columns from `kk` in
/// order, each running sum loaded and stored once.
#[inline(always)]
fn pass<'a, T: Field, const G: usize>(
    y: &mut [T],
    kk: usize,
    col: &impl Fn(usize) -> &'a [T],
    x: &[T],
    step: impl Fn(T, T, T) -> T,
) {
    let c: [&[T]; G] = std::array::from_fn(|j| &col(kk + j)[..y.len()]);
    let xs: [T; G] = std::array::from_fn(|j| x[kk + j]);
    for (i, y) in y.iter_mut().enumerate() {
        let mut v = *y;
        for j in 0..G {
            v = step(v, c[j][i], xs[j]);
        }
        *y = v;
    }
}

/// `axpy_columns` for any field, vectorised by the compiler, each update
/// `step(y, a, x)` (`unfused`, or a fused multiply-add: see
/// `axpy_columns`; a fused step must only run where the CPU has FMA).
///
/// # Safety
/// As `axpy_columns`.
unsafe fn axpy_columns_generic<T: Field>(
    m: usize,
    x: &[T],
    dst: Mat,
    lhs: Mat,
    step: impl Fn(T, T, T) -> T + Copy,
) {
    crate::ufunc::simd::dispatch(
        #[inline(always)]
        || {
            let mut y = Sums([T::default(); AXPY_ROWS]);
            for start in (0..m).step_by(AXPY_ROWS) {
                let n = (m - start).min(AXPY_ROWS);
                let y = &mut y.0[..n];
                y.fill(T::default());
                let col = |kk: usize| -> &[T] {
                    let p = lhs
                        .ptr
                        .wrapping_offset(start as isize * lhs.rs + kk as isize * lhs.cs);
                    // SAFETY: rows start..start+n of column kk (the caller's promise).
                    unsafe { std::slice::from_raw_parts(p as *const T, n) }
                };
                // Columns eight at a time, then four, then one.
                let mut kk = 0;
                while kk + 8 <= x.len() {
                    pass::<T, 8>(y, kk, &col, x, step);
                    kk += 8;
                }
                if kk + 4 <= x.len() {
                    pass::<T, 4>(y, kk, &col, x, step);
                    kk += 4;
                }
                for kk in kk..x.len() {
                    pass::<T, 1>(y, kk, &col, x, step);
                }
                for (i, &v) in y.iter().enumerate() {
                    // SAFETY: dst has row start + i.
                    unsafe { put(dst, start + i, 0, v) };
                }
            }
        },
    )
}

/// `axpy_columns` for one complex type in AVX2 registers, columns four at
/// a time as the generic loop: for each group, the running sums
/// `y = (y + c.re·x.re, y.im + c.im·x.re)` and the cross terms
/// `s = (-c.im·x.im, c.re·x.im)` in fused multiply-adds, then `y = y + s`.
/// The vector loop keeps `t = c ⊙ (x.im, x.im)` summed instead of `s` and
/// swaps once a group, `y = addsub(y, swap(t))`: `s.re` is `-t.im` step for
/// step (rounding to nearest is symmetric; all sums start at +0 and none
/// can become -0, so where `s.re` is +0 `t.im` is too and `y.re + 0` and
/// `y.re - 0` agree), which leaves each column one load and two
/// multiply-adds a vector, with no permute. Rows go two vectors
/// at a time (four independent chains); the last rows take the same fused
/// steps in scalars, so every row rounds alike wherever a range of rows
/// starts. (The generic loop rounds as num_complex, unfused: results may
/// differ from it in the last bits.) Measured on n x n complex128 from C on
/// the AVX-512 host of 2026-12-06,
/// `m.T @ v`, medians of 40 runs against num_complex's unfused steps one
/// vector at a time (OpenBLAS's zgemv in brackets): n = 700, 64 us
/// against 85 (63); 1000, 159 against 187 (157); 2000, 2117 against 2313
/// (1892). The sums' alignment took 256x128 on one thread (in cache)
/// from 8.1 us to 7.3 (6.4). The swap once a group instead of once a
/// column, same host, medians of 12-15 runs each after a 200 ms pause (so
/// that OpenBLAS's spinning threads have gone to sleep): n = 200 on one
/// thread 8.0 us against 8.7 (6.9); on two, n = 300 16.3 against 17.7
/// (14.0), 700 72 against 76 (79), 1000 192 against 206 (202).
macro_rules! complex_axpy_columns {
    ($(#[$doc:meta])* $name:ident, $f:ty, $per:expr, $set1:ident, $zero:ident, $load:ident,
     $addsub:ident, $fma:ident, $store:ident, $swap:expr) => {
        $(#[$doc])*
        ///
        /// # Safety
        /// As `axpy_columns`, and the CPU has AVX2 and FMA.
        #[cfg(target_arch = "x86_64")]
        #[target_feature(enable = "avx2,fma")]
        unsafe fn $name(m: usize, x: &[num_complex::Complex<$f>], dst: Mat, lhs: Mat) {
            use std::arch::x86_64::*;
            type C = num_complex::Complex<$f>;
            // Complex numbers a vector holds.
            const PER: usize = $per;
            let mut y = Sums([C::default(); AXPY_ROWS]);
            for start in (0..m).step_by(AXPY_ROWS) {
                let n = (m - start).min(AXPY_ROWS);
                let y = &mut y.0[..n];
                y.fill(C::default());
                let col = |kk: usize| -> *const $f {
                    lhs.ptr.wrapping_offset(start as isize * lhs.rs + kk as isize * lhs.cs)
                        as *const $f
                };
                let whole = n / (2 * PER) * (2 * PER);
                let yp = y.as_mut_ptr() as *mut $f;
                let mut kk = 0;
                while kk < x.len() {
                    let cols = (x.len() - kk).min(4);
                    let c: [*const $f; 4] = std::array::from_fn(|j| col(kk + j.min(cols - 1)));
                    let xs: [C; 4] = std::array::from_fn(|j| x[kk + j.min(cols - 1)]);
                    let re = xs.map(|x| $set1(x.re));
                    let im = xs.map(|x| $set1(x.im));
                    // SAFETY: rows start..start+n of columns kk..kk+cols
                    // (the caller's promise) and of y.
                    unsafe {
                        for i in (0..whole).step_by(2 * PER) {
                            let (yv, yw) = (yp.add(2 * i), yp.add(2 * (i + PER)));
                            let (mut v, mut w) = ($load(yv), $load(yw));
                            let (mut vs, mut ws) = ($zero(), $zero());
                            for j in 0..cols {
                                let a = $load(c[j].add(2 * i));
                                let b = $load(c[j].add(2 * (i + PER)));
                                v = $fma(a, re[j], v);
                                vs = $fma(a, im[j], vs);
                                w = $fma(b, re[j], w);
                                ws = $fma(b, im[j], ws);
                            }
                            $store(yv, $addsub(v, $swap(vs)));
                            $store(yw, $addsub(w, $swap(ws)));
                        }
                        for i in whole..n {
                            let (mut v, mut s) = (y[i], C::default());
                            for j in 0..cols {
                                let (ar, ai) = (*c[j].add(2 * i), *c[j].add(2 * i + 1));
                                v.re = ar.mul_add(xs[j].re, v.re);
                                v.im = ai.mul_add(xs[j].re, v.im);
                                s.re = ai.mul_add(-xs[j].im, s.re);
                                s.im = ar.mul_add(xs[j].im, s.im);
                            }
                            y[i] = v + s;
                        }
                    }
                    kk += cols;
                }
                for (i, &v) in y.iter().enumerate() {
                    // SAFETY: dst has row start + i.
                    unsafe { put(dst, start + i, 0, v) };
                }
            }
        }
    };
}

complex_axpy_columns!(
    /// For complex128: two numbers a vector.
    axpy_columns_c128_avx2, f64, 2, _mm256_set1_pd, _mm256_setzero_pd, _mm256_loadu_pd,
    _mm256_addsub_pd, _mm256_fmadd_pd, _mm256_storeu_pd,
    |v| _mm256_permute_pd(v, 0b0101)
);
complex_axpy_columns!(
    /// For complex64: four numbers a vector.
    axpy_columns_c64_avx2, f32, 4, _mm256_set1_ps, _mm256_setzero_ps, _mm256_loadu_ps,
    _mm256_addsub_ps, _mm256_fmadd_ps, _mm256_storeu_ps,
    |v| _mm256_permute_ps(v, 0b1011_0001)
);

/// `dst[i, 0] = lhs[i, :] · rhs[:, 0]` for the rows `lo..hi`, R rows at a
/// time sharing each load of the vector, each row's products in two
/// chains of V partial sums (so it vectorises; AVX2 registers of their own
/// for float64 and float32). float64 and float32 take eight rows of 2xV
/// sums with AVX-512VL's 32 registers, four with AVX2's 16
/// (`avx2_dot_rows!`); the complex fields their own kernels
/// (`complex_dot_rows!`). Each row rounds alike whichever kernel and R
/// run it. Measured on 1000x1000 float64 from C on the earlier AVX2-only
/// machine, medians per product: two rows of 4x4 sums on two threads
/// 62-73 us against 67-74 with four rows of eight sums (OpenBLAS 67-81),
/// on one thread 150-153 against 158-181 (OpenBLAS 161-172); the AVX-512
/// host's figures are at `avx2_dot_rows!`.
///
/// # Safety
/// Rows `lo..hi` of `lhs` and the column `rhs` hold `k` contiguous
/// elements, and `dst` has rows `lo..hi`.
#[inline]
unsafe fn dot_rows<T: Field>(lo: usize, hi: usize, k: usize, dst: Mat, lhs: Mat, rhs: Mat) {
    use std::any::TypeId;
    let x = rhs.ptr as *const T;
    // SAFETY (all calls): as the caller promises; each call of R > 1 gets
    // a whole number of groups, the rest goes one row at a time.
    let whole = |r: usize| lo + (hi - lo) / r * r;
    // With AVX-512VL (32 vector registers) a float type's kernel `$wide`
    // takes `$rows` rows at a time, else with AVX2 `$avx2` takes
    // `$fewer`; then the rest one at a time.
    macro_rules! simd {
        ($wide:ident, $rows:expr, $avx2:ident, $fewer:expr, $x:expr) => {
            #[cfg(target_arch = "x86_64")]
            {
                use crate::ufunc::simd::{has_avx2, has_avx512vl};
                let (rows, fewer) = ($rows, $fewer);
                // The CPU has the kernel's features (checked here).
                unsafe {
                    if has_avx512vl() {
                        $wide::<$rows>(lo, whole(rows), k, dst, lhs, $x);
                        $wide::<1>(whole(rows), hi, k, dst, lhs, $x);
                        return;
                    }
                    if has_avx2() {
                        $avx2::<$fewer>(lo, whole(fewer), k, dst, lhs, $x);
                        $avx2::<1>(whole(fewer), hi, k, dst, lhs, $x);
                        return;
                    }
                }
            }
        };
    }
    // A real type: eight rows (sixteen chains in registers) or four, or
    // the generic loop two rows at a time.
    macro_rules! real {
        ($f:ty, $wide:ident, $avx2:ident, $v:expr) => {{
            simd!($wide, 8, $avx2, 4, x as *const $f);
            unsafe {
                dot_rows_generic::<T, 2, $v>(lo, whole(2), k, dst, lhs, x, unfused);
                dot_rows_generic::<T, 1, $v>(whole(2), hi, k, dst, lhs, x, unfused);
            }
        }};
    }
    // A complex type: rows of interleaved ($f, $f) pairs, six rows at a
    // time (24 sums in registers) or three.
    macro_rules! complex {
        ($f:ty, $wide:ident, $avx2:ident, $generic:ident) => {{
            let x = x as *const $f;
            simd!($wide, 6, $avx2, 3, x);
            unsafe { $generic(lo, hi, k, dst, lhs, x, unfused) }
        }};
    }
    if TypeId::of::<T>() == TypeId::of::<f64>() {
        real!(f64, dot_rows_f64_vl, dot_rows_f64_avx2, 4)
    } else if TypeId::of::<T>() == TypeId::of::<f32>() {
        real!(f32, dot_rows_f32_vl, dot_rows_f32_avx2, 8)
    } else if TypeId::of::<T>() == TypeId::of::<num_complex::Complex64>() {
        complex!(
            f64,
            dot_rows_c128_vl,
            dot_rows_c128_avx2,
            dot_rows_c128_generic
        )
    } else if TypeId::of::<T>() == TypeId::of::<num_complex::Complex32>() {
        complex!(
            f32,
            dot_rows_c64_vl,
            dot_rows_c64_avx2,
            dot_rows_c64_generic
        )
    } else {
        unsafe {
            dot_rows_generic::<T, 2, 4>(lo, whole(2), k, dst, lhs, x, unfused);
            dot_rows_generic::<T, 1, 4>(whole(2), hi, k, dst, lhs, x, unfused);
        }
    }
}

/// `dot_rows` for any field, R rows at a time, vectorised by the compiler.
/// Each row keeps two chains of V partial sums (V a power of two): lane
/// `j` of chain `h` sums the products at `c + h·V + j` of every whole
/// block of 2V elements; a half block left over goes to chain 0; the rest
/// (fewer than V) to one sum `s`. Then `w[j] = chain0[j] + chain1[j]`,
/// the `w` are added in adjacent pairs down to one (`(w0 + w1) + (w2 +
/// w3)` for V = 4), and `s` last. A chain's step is `step(sum, a, x)`:
/// `unfused` here, a fused multiply-add as the AVX2 loops' reference.
///
/// # Safety
/// As `dot_rows` (x pointing to the vector), and `hi - lo` is a multiple
/// of R.
unsafe fn dot_rows_generic<T: Field, const R: usize, const V: usize>(
    lo: usize,
    hi: usize,
    k: usize,
    dst: Mat,
    lhs: Mat,
    x: *const T,
    step: impl Fn(T, T, T) -> T + Copy,
) {
    crate::ufunc::simd::dispatch(
        #[inline(always)]
        || {
            for i in (lo..hi).step_by(R) {
                let a: [*const T; R] = std::array::from_fn(|r| {
                    lhs.ptr.wrapping_offset((i + r) as isize * lhs.rs) as *const T
                });
                let mut acc = [[[T::default(); V]; 2]; R];
                let mut c = 0;
                // SAFETY: every read is below k in rows i..i+R or in x.
                unsafe {
                    let mut add_chains = |c: usize, chains: usize| {
                        for h in 0..chains {
                            let q = (x.add(c + h * V) as *const [T; V]).read_unaligned();
                            for r in 0..R {
                                let p = (a[r].add(c + h * V) as *const [T; V]).read_unaligned();
                                for j in 0..V {
                                    acc[r][h][j] = step(acc[r][h][j], p[j], q[j]);
                                }
                            }
                        }
                    };
                    while c + 2 * V <= k {
                        add_chains(c, 2);
                        c += 2 * V;
                    }
                    if c + V <= k {
                        add_chains(c, 1);
                        c += V;
                    }
                }
                for r in 0..R {
                    let mut s = T::default();
                    for c in c..k {
                        s = s + unsafe { a[r].add(c).read_unaligned() * *x.add(c) };
                    }
                    let v = &acc[r];
                    let mut w: [T; V] = std::array::from_fn(|j| v[0][j] + v[1][j]);
                    let mut n = V;
                    while n > 1 {
                        for j in 0..n / 2 {
                            w[j] = w[2 * j] + w[2 * j + 1];
                        }
                        n /= 2;
                    }
                    unsafe { put(dst, i + r, 0, w[0] + s) };
                }
            }
        },
    )
}

/// The generic loops' multiply-add step where no fused one is used (no
/// AVX2 and FMA, or a type without its own kernel).
#[inline(always)]
fn unfused<T: Field>(sum: T, a: T, x: T) -> T {
    sum + a * x
}

/// `dot_rows` in AVX2 registers for one float type, R rows at a time: the
/// generic loop's two chains of V sums in two vectors a row, each step a
/// fused multiply-add (the generic loop with that step is the reference),
/// the lanes added in its order. Two copies: AVX2 and FMA (R = 4), and the
/// same code compiled for AVX-512VL too (R = 8, its sixteen sums in
/// ymm0-31). Measured from C on 1000x1000 on the AVX-512 host of
/// 2026-12-06, medians of 30-40 runs, OpenBLAS's gemv in the same runs in
/// brackets, with the earlier four chains a row: float64 75 us a product
/// with two rows unfused, 66 two rows fused (64); 68 two rows fused, 63
/// three (62); float32 40, 34 (30); 34, 30 (27). On one thread three rows
/// fused: float64 108 (110), float32 53 (49).
///
/// Why eight rows of two chains: the matrix streams from L3 (8 MiB of
/// float64 at 1000^2), and reading more rows at once, each in smaller
/// steps, streamed faster. Rows of 1000-4000 in C on one thread, p10 of
/// per-call times over 600-1000 calls (interleaved variants, one
/// process; R x chains): float64 1000^2 3x4 101.7 us, 6x4 104-105, 4x2
/// 103-104, 6x2 100-101, 8x2 93, 8x1 93; 4000^2 6.41 ms (3x4) against
/// 5.79 (8x2); float32 1000^2 49.6-50.4 (3x4), 48.0-48.9 (4x2), 50.7-51.0
/// (8x2); 4000^2 3.45 ms against 2.95. The same rows in 512-bit vectors
/// (8 rows of 4 chains' worth, the old rounding) gave 96.8 (float64) and
/// 54.8 (float32). Through `nd_matmul` on two threads, 1000^2, per-call
/// p10/p50 over 3000 calls (three rows of four chains, then eight of two,
/// OpenBLAS's gemv in brackets): float64 58.8/64.1 against 52.6/56.9
/// (54.0/60.9); float32 26.0/29.9 against 25.1/29.0 (23.6/27.6). A
/// single row (a 1-d `dot`) now runs two chains, half the multiply-adds
/// in flight of four; through `nd_matmul` from C, medians, 1 x k float64
/// (OpenBLAS's gemv in brackets): k = 1000 0.5 us against 0.4 (0.3),
/// 4000 0.9 against 0.9 (1.0), 16000 2.7 against 2.8 (3.6).
macro_rules! avx2_dot_rows {
    ($($name:ident = $features:literal),+; $t:ty, $v:expr, $zero:ident, $load:ident,
     $add:ident, $fma:ident, $store:ident) => {$(
        /// `dot_rows` for one float type, R rows at a time (see
        /// `avx2_dot_rows!`).
        ///
        /// # Safety
        /// As `dot_rows_generic`, and the CPU has the target features
        /// (AVX2 and FMA; the second copy AVX-512F and VL too).
        #[cfg(target_arch = "x86_64")]
        #[target_feature(enable = $features)]
        unsafe fn $name<const R: usize>(
            lo: usize,
            hi: usize,
            k: usize,
            dst: Mat,
            lhs: Mat,
            x: *const $t,
        ) {
            use std::arch::x86_64::*;
            const V: usize = $v;
            for i in (lo..hi).step_by(R) {
                let a: [*const $t; R] = std::array::from_fn(|r| {
                    lhs.ptr.wrapping_offset((i + r) as isize * lhs.rs) as *const $t
                });
                let mut acc = [[$zero(); 2]; R];
                let mut c = 0;
                // SAFETY: every read is below k in rows i..i+R or in x.
                unsafe {
                    // acc[r][h] += a[r][c + hV..] * x[c + hV..] for h < chains.
                    macro_rules! chains {
                        ($chains:expr) => {
                            for h in 0..$chains {
                                let q = $load(x.add(c + V * h));
                                for r in 0..R {
                                    let p = $load(a[r].add(c + V * h));
                                    acc[r][h] = $fma(p, q, acc[r][h]);
                                }
                            }
                        };
                    }
                    while c + 2 * V <= k {
                        chains!(2);
                        c += 2 * V;
                    }
                    if c + V <= k {
                        chains!(1);
                        c += V;
                    }
                }
                for r in 0..R {
                    let mut w = [0.0 as $t; V];
                    let v = $add(acc[r][0], acc[r][1]);
                    // SAFETY: w holds V lanes.
                    unsafe { $store(w.as_mut_ptr(), v) };
                    let mut n = V;
                    while n > 1 {
                        for j in 0..n / 2 {
                            w[j] = w[2 * j] + w[2 * j + 1];
                        }
                        n /= 2;
                    }
                    let mut s = 0.0;
                    for c in c..k {
                        s += unsafe { a[r].add(c).read_unaligned() * *x.add(c) };
                    }
                    // SAFETY: dst has row i + r.
                    unsafe { put(dst, i + r, 0, w[0] + s) };
                }
            }
        }
    )+};
}

avx2_dot_rows!(
    dot_rows_f64_avx2 = "avx2,fma", dot_rows_f64_vl = "avx2,fma,avx512f,avx512vl";
    f64, 4, _mm256_setzero_pd, _mm256_loadu_pd, _mm256_add_pd, _mm256_fmadd_pd,
    _mm256_storeu_pd
);
avx2_dot_rows!(
    dot_rows_f32_avx2 = "avx2,fma", dot_rows_f32_vl = "avx2,fma,avx512f,avx512vl";
    f32, 8, _mm256_setzero_ps, _mm256_loadu_ps, _mm256_add_ps, _mm256_fmadd_ps,
    _mm256_storeu_ps
);

/// `dot_rows` for the complex fields, on the row and the vector as
/// interleaved (re, im) floats: two chains of V float lanes each keep the
/// sums of `a[t] * x[t]` (P: re·re at even t, im·im at odd) and of
/// `a[t] * x[t ^ 1]` (Q: re·im, im·re), over blocks of 2V floats, the
/// rest (fewer than V elements) to four scalar sums; the two chains are
/// added lane by lane, then the even and the odd lanes each in adjacent
/// pairs, then `re = (P_even + tail) - (P_odd + tail)`, `im = (Q_even +
/// tail) + (Q_odd + tail)`. The AVX2 loop (R rows at a time sharing each
/// load of the vector and its swap, a permute) keeps the chains in fused
/// multiply-adds and rounds as the generic loop (a row at a time) with a
/// fused step; without AVX2 the generic loop runs `unfused` (a fused step
/// there would be a call into libm). Measured from C on 1000x1000 on the
/// AVX-512 host of 2026-12-06, medians of 30-40 runs, OpenBLAS's zgemv in
/// the same runs in brackets: complex128 179 us a product with two rows
/// unfused, 163 two rows fused, 149 three rows fused (126); on one thread
/// 356 two rows fused, 315 three (293); complex64 84 two rows fused, 75
/// three (74). (Earlier, on the AVX2-only machine: 341 us one row at a
/// time in four chains, 248 two rows unfused, OpenBLAS 201.) Three rows
/// keep twelve sums in AVX2's 16 registers; the copy compiled for
/// AVX-512VL takes six (24 sums in its 32), the same rounding. Six rows
/// against three in C on one thread, complex128 1000^2, p10/p50 of
/// per-call times: 299-364/495-525 us against 428-432/644-666; through
/// `nd_matmul` on two threads, p10/p50 over 1500 calls: 134.5/171.5
/// against 150.4/196.5 (OpenBLAS 134.1/184.0), complex64 57.6/70.7
/// against 60.9/77.1 (60.6/69.7).
macro_rules! complex_dot_rows {
    ($generic:ident, $($avx2:ident = $features:literal),+; $f:ty, $v:expr, $zero:ident,
     $load:ident, $fma:ident, $store:ident, $swap:expr) => {
        /// The sum of the even (`odd` = 0) or odd lanes of `w`, in adjacent
        /// pairs.
        fn parity_sum(w: &[$f; $v], odd: usize) -> $f {
            let mut e: [$f; $v] = [0.0; $v];
            let mut n = $v / 2;
            for j in 0..n {
                e[j] = w[2 * j + odd];
            }
            while n > 1 {
                for j in 0..n / 2 {
                    e[j] = e[2 * j] + e[2 * j + 1];
                }
                n /= 2;
            }
            e[0]
        }

        /// The final combination shared by both loops: chains, parities,
        /// tails.
        fn finish(p: [[$f; $v]; 2], q: [[$f; $v]; 2], tail: [$f; 4]) -> num_complex::Complex<$f> {
            let w = |s: [[$f; $v]; 2]| -> [$f; $v] { std::array::from_fn(|l| s[0][l] + s[1][l]) };
            let (wp, wq) = (w(p), w(q));
            let re = (parity_sum(&wp, 0) + tail[0]) - (parity_sum(&wp, 1) + tail[1]);
            let im = (parity_sum(&wq, 0) + tail[2]) + (parity_sum(&wq, 1) + tail[3]);
            num_complex::Complex::new(re, im)
        }

        /// The scalar sums of the elements from float `c` on: re·re, im·im,
        /// re·im, im·re.
        ///
        /// # Safety
        /// `a` and `x` hold `n` floats.
        unsafe fn tail(a: *const $f, x: *const $f, c: usize, n: usize) -> [$f; 4] {
            let mut s: [$f; 4] = [0.0; 4];
            for t in (c..n).step_by(2) {
                // SAFETY: t + 1 < n.
                let (ar, ai, xr, xi) =
                    unsafe { (*a.add(t), *a.add(t + 1), *x.add(t), *x.add(t + 1)) };
                s[0] += ar * xr;
                s[1] += ai * xi;
                s[2] += ar * xi;
                s[3] += ai * xr;
            }
            s
        }

        /// Each chain's step is `step(sum, a, x)`, as in `dot_rows_generic`.
        ///
        /// # Safety
        /// As `dot_rows` (x pointing to the vector's 2k floats).
        pub(super) unsafe fn $generic(
            lo: usize,
            hi: usize,
            k: usize,
            dst: Mat,
            lhs: Mat,
            x: *const $f,
            step: impl Fn($f, $f, $f) -> $f + Copy,
        ) {
            const V: usize = $v;
            crate::ufunc::simd::dispatch(
                #[inline(always)]
                || {
                    let n = 2 * k;
                    for i in lo..hi {
                        let a = lhs.ptr.wrapping_offset(i as isize * lhs.rs) as *const $f;
                        let mut p: [[$f; V]; 2] = [[0.0; V]; 2];
                        let mut q: [[$f; V]; 2] = [[0.0; V]; 2];
                        let mut c = 0;
                        while c + 2 * V <= n {
                            for h in 0..2 {
                                // SAFETY: every read is below n in the row or in x.
                                let (av, xv) = unsafe {
                                    (
                                        (a.add(c + h * V) as *const [$f; V]).read_unaligned(),
                                        (x.add(c + h * V) as *const [$f; V]).read_unaligned(),
                                    )
                                };
                                for l in 0..V {
                                    p[h][l] = step(p[h][l], av[l], xv[l]);
                                    q[h][l] = step(q[h][l], av[l], xv[l ^ 1]);
                                }
                            }
                            c += 2 * V;
                        }
                        let t = unsafe { tail(a, x, c, n) };
                        // SAFETY: dst has row i.
                        unsafe { put(dst, i, 0, finish(p, q, t)) };
                    }
                },
            )
        }

        $(
        /// R rows at a time.
        ///
        /// # Safety
        /// As `dot_rows` (x pointing to the vector's 2k floats), `hi - lo`
        /// a multiple of R, and the CPU has the target features (AVX2 and
        /// FMA; the second copy AVX-512F and VL too).
        #[cfg(target_arch = "x86_64")]
        #[target_feature(enable = $features)]
        pub(super) unsafe fn $avx2<const R: usize>(
            lo: usize,
            hi: usize,
            k: usize,
            dst: Mat,
            lhs: Mat,
            x: *const $f,
        ) {
            use std::arch::x86_64::*;
            const V: usize = $v;
            let n = 2 * k;
            for i in (lo..hi).step_by(R) {
                let a: [*const $f; R] = std::array::from_fn(|r| {
                    lhs.ptr.wrapping_offset((i + r) as isize * lhs.rs) as *const $f
                });
                let (mut p, mut q) = ([[$zero(); 2]; R], [[$zero(); 2]; R]);
                let mut c = 0;
                while c + 2 * V <= n {
                    for h in 0..2 {
                        // SAFETY: every read is below n in the rows or in x.
                        unsafe {
                            let xv = $load(x.add(c + V * h));
                            let xs = $swap(xv);
                            for r in 0..R {
                                let av = $load(a[r].add(c + V * h));
                                p[r][h] = $fma(av, xv, p[r][h]);
                                q[r][h] = $fma(av, xs, q[r][h]);
                            }
                        }
                    }
                    c += 2 * V;
                }
                let lanes = |v: [_; 2]| -> [[$f; V]; 2] {
                    std::array::from_fn(|h| {
                        let mut w: [$f; V] = [0.0; V];
                        // SAFETY: w holds V lanes.
                        unsafe { $store(w.as_mut_ptr(), v[h]) };
                        w
                    })
                };
                for r in 0..R {
                    let t = unsafe { tail(a[r], x, c, n) };
                    // SAFETY: dst has row i + r.
                    unsafe { put(dst, i + r, 0, finish(lanes(p[r]), lanes(q[r]), t)) };
                }
            }
        }
        )+
    };
}

mod c128 {
    use super::*;
    complex_dot_rows!(
        dot_rows_c128_generic,
        dot_rows_c128_avx2 = "avx2,fma",
        dot_rows_c128_vl = "avx2,fma,avx512f,avx512vl";
        f64,
        4,
        _mm256_setzero_pd,
        _mm256_loadu_pd,
        _mm256_fmadd_pd,
        _mm256_storeu_pd,
        |v| _mm256_permute_pd(v, 0b0101)
    );
}
mod c64 {
    use super::*;
    complex_dot_rows!(
        dot_rows_c64_generic,
        dot_rows_c64_avx2 = "avx2,fma",
        dot_rows_c64_vl = "avx2,fma,avx512f,avx512vl";
        f32,
        8,
        _mm256_setzero_ps,
        _mm256_loadu_ps,
        _mm256_fmadd_ps,
        _mm256_storeu_ps,
        |v| _mm256_permute_ps(v, 0b1011_0001)
    );
}
use c64::dot_rows_c64_generic;
#[cfg(target_arch = "x86_64")]
use c64::{dot_rows_c64_avx2, dot_rows_c64_vl};
use c128::dot_rows_c128_generic;
#[cfg(target_arch = "x86_64")]
use c128::{dot_rows_c128_avx2, dot_rows_c128_vl};

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
    use num_complex::{Complex32, Complex64};

    /// Values in [-0.5, 0.5) from a 64-bit linear congruential generator
    /// started at `seed`.
    fn uniform(mut seed: u64) -> impl FnMut() -> f64 {
        move || {
            seed = seed
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            (seed >> 11) as f64 / (1u64 << 53) as f64 - 0.5
        }
    }

    /// The step the kernels take: `fused` where AVX2 and FMA run them,
    /// else the generic loops' unfused one.
    fn expected_step<T: Field>(fused: fn(T, T, T) -> T) -> fn(T, T, T) -> T {
        if crate::ufunc::simd::has_avx2() {
            fused
        } else {
            unfused::<T>
        }
    }

    /// `axpy_columns` and its generic loop (unfused) on the m-row
    /// column-major matrix `a`.
    fn both<C: Field>(m: usize, x: &[C], a: &[C]) -> (Vec<C>, Vec<C>) {
        let size = std::mem::size_of::<C>() as isize;
        let lhs = Mat {
            ptr: a.as_ptr() as *mut u8,
            rs: size,
            cs: m as isize * size,
        };
        let out = |y: &mut Vec<C>| Mat {
            ptr: y.as_mut_ptr() as *mut u8,
            rs: size,
            cs: size,
        };
        let (mut f, mut g) = (vec![C::default(); m], vec![C::default(); m]);
        // SAFETY: the columns and the outputs exist.
        unsafe {
            axpy_columns(m, x, out(&mut f), lhs);
            axpy_columns_generic(m, x, out(&mut g), lhs, unfused);
        }
        (f, g)
    }

    /// The bytes of `v` (results compared bit for bit).
    fn bytes<T>(v: &[T]) -> &[u8] {
        // SAFETY: any initialised memory may be read as bytes.
        unsafe { std::slice::from_raw_parts(v.as_ptr() as *const u8, std::mem::size_of_val(v)) }
    }

    /// A random m x k matrix and k-vector of complex128, and the same
    /// rounded to complex64.
    #[allow(clippy::type_complexity)]
    fn complex_operands(
        next: &mut impl FnMut() -> f64,
        m: usize,
        k: usize,
    ) -> (
        Vec<Complex64>,
        Vec<Complex64>,
        Vec<Complex32>,
        Vec<Complex32>,
    ) {
        let mut draw = |n: usize| -> Vec<Complex64> {
            (0..n).map(|_| Complex64::new(next(), next())).collect()
        };
        let (a, x) = (draw(m * k), draw(k));
        let narrow = |v: &[Complex64]| -> Vec<Complex32> {
            v.iter()
                .map(|c| Complex32::new(c.re as f32, c.im as f32))
                .collect()
        };
        let (a32, x32) = (narrow(&a), narrow(&x));
        (a, x, a32, x32)
    }

    /// A row kernel: rows `lo..hi` (a multiple of its R) of `dot_rows`.
    type RowKernel<T> = unsafe fn(usize, usize, usize, Mat, Mat, *const T);

    /// The row kernels this CPU runs, `row_kernels!(AVX2 kernel, its R,
    /// AVX-512VL kernel, its R)`, as (R, [R rows at a time, one row at a
    /// time]): each is checked against the generic loop besides the one
    /// `dot_rows` picks.
    macro_rules! row_kernels {
        ($avx2:ident, $r:expr, $vl:ident, $wide:expr) => {{
            #[cfg(target_arch = "x86_64")]
            let kernels = row_kernels(
                [$avx2::<$r>, $avx2::<1>],
                [$vl::<$wide>, $vl::<1>],
                [$r, $wide],
            );
            #[cfg(not(target_arch = "x86_64"))]
            let kernels = Vec::new();
            kernels
        }};
    }

    #[cfg(target_arch = "x86_64")]
    fn row_kernels<T>(
        avx2: [RowKernel<T>; 2],
        vl: [RowKernel<T>; 2],
        rows: [usize; 2],
    ) -> Vec<(usize, [RowKernel<T>; 2])> {
        let mut kernels = Vec::new();
        if crate::ufunc::simd::has_avx2() {
            kernels.push((rows[0], avx2));
        }
        if crate::ufunc::simd::has_avx512vl() {
            kernels.push((rows[1], vl));
        }
        kernels
    }

    /// The float64 and float32 row dots round exactly as the generic loop
    /// (with fused steps where the AVX2 loops run), for lengths with and
    /// without a half block and a scalar tail and row counts with and
    /// without a short group (of 4 and of 8 rows), through `dot_rows` and
    /// each kernel this CPU runs, and are the dot products.
    #[test]
    fn row_dots_round_as_the_generic_loop() {
        fn check<T: Field + Into<f64>, const V: usize>(
            next: &mut impl FnMut() -> f64,
            from: fn(f64) -> T,
            fused: fn(T, T, T) -> T,
            tol: f64,
            kernels: &[(usize, [RowKernel<T>; 2])],
        ) {
            // The AVX2 loops' steps are fused; the generic loop's are not.
            let step = expected_step(fused);
            let size = std::mem::size_of::<T>() as isize;
            for k in [
                0, 1, 7, 8, 9, 15, 16, 17, 23, 24, 31, 32, 33, 47, 48, 49, 100, 1000, 1001,
            ] {
                for m in [1, 2, 5, 6, 8, 11, 17] {
                    let ld = k + 3;
                    let a: Vec<T> = (0..m * ld).map(|_| from(next())).collect();
                    let x: Vec<T> = (0..k).map(|_| from(next())).collect();
                    let lhs = Mat {
                        ptr: a.as_ptr() as *mut u8,
                        rs: size * ld as isize,
                        cs: size,
                    };
                    let rhs = Mat {
                        ptr: x.as_ptr() as *mut u8,
                        rs: size,
                        cs: size,
                    };
                    let mut slow = vec![T::default(); 2 * m];
                    // Every other element of the destination: a strided column.
                    let out = |y: &mut Vec<T>| Mat {
                        ptr: y.as_mut_ptr() as *mut u8,
                        rs: 2 * size,
                        cs: size,
                    };
                    // SAFETY: the rows, the vector and the column exist.
                    unsafe {
                        let whole = m / 2 * 2;
                        let x = x.as_ptr();
                        dot_rows_generic::<T, 2, V>(0, whole, k, out(&mut slow), lhs, x, step);
                        dot_rows_generic::<T, 1, V>(whole, m, k, out(&mut slow), lhs, x, step);
                    }
                    let mut runs = vec![(0, vec![T::default(); 2 * m])];
                    // SAFETY: as above.
                    unsafe { dot_rows::<T>(0, m, k, out(&mut runs[0].1), lhs, rhs) };
                    for (r, [group, one]) in kernels {
                        let mut y = vec![T::default(); 2 * m];
                        let whole = m / r * r;
                        // SAFETY: as above, and the CPU runs the kernel.
                        unsafe {
                            group(0, whole, k, out(&mut y), lhs, x.as_ptr());
                            one(whole, m, k, out(&mut y), lhs, x.as_ptr());
                        }
                        runs.push((*r, y));
                    }
                    for (r, fast) in &runs {
                        for i in 0..m {
                            let (f, g): (f64, f64) = (fast[2 * i].into(), slow[2 * i].into());
                            assert_eq!(f.to_bits(), g.to_bits(), "k={k} R={r} row {i}");
                            let exact: f64 =
                                (0..k).map(|c| a[i * ld + c].into() * x[c].into()).sum();
                            assert!((f - exact).abs() <= tol * (k as f64 + 1.0), "k={k} row {i}");
                        }
                    }
                }
            }
        }
        let mut next = uniform(7);
        let k64 = row_kernels!(dot_rows_f64_avx2, 4, dot_rows_f64_vl, 8);
        let k32 = row_kernels!(dot_rows_f32_avx2, 4, dot_rows_f32_vl, 8);
        check::<f64, 4>(&mut next, |v| v, |s, a, x| a.mul_add(x, s), 1e-12, &k64);
        check::<f32, 8>(
            &mut next,
            |v| v as f32,
            |s, a, x| a.mul_add(x, s),
            1e-5,
            &k32,
        );
    }

    /// The float64 and float32 column updates are each row's products
    /// added in column order, fused where the CPU has FMA, alike in the
    /// vector loop and its tail: for row counts past AXPY_ROWS and column
    /// counts with groups of eight, four and one.
    #[test]
    fn real_column_updates_are_the_steps_in_order() {
        fn check<T: Field + PartialEq + std::fmt::Debug>(
            from: fn(f64) -> T,
            fused: fn(T, T, T) -> T,
        ) {
            let step = expected_step(fused);
            let mut draw = uniform(3);
            let mut next = || from(draw());
            for (m, k) in [(1, 1), (7, 3), (33, 13), (1030, 21), (5, 8)] {
                let a: Vec<T> = (0..m * k).map(|_| next()).collect();
                let x: Vec<T> = (0..k).map(|_| next()).collect();
                let (y, _) = both(m, &x, &a);
                for (i, got) in y.iter().enumerate() {
                    let want = (0..k).fold(T::default(), |s, kk| step(s, a[kk * m + i], x[kk]));
                    assert_eq!(*got, want, "{m}x{k} row {i}");
                }
            }
        }
        check::<f64>(|v| v, |s, a, x| a.mul_add(x, s));
        check::<f32>(|v| v as f32, |s, a, x| a.mul_add(x, s));
    }

    /// `axpy_columns`'s fused steps (`complex_axpy_columns!`) in scalars,
    /// row by row: over each group of four columns `y += (c.re·x.re,
    /// c.im·x.re)` and `s += (-c.im·x.im, c.re·x.im)` fused, then `y += s`.
    macro_rules! fused_columns {
        ($name:ident, $f:ty) => {
            fn $name(
                m: usize,
                a: &[num_complex::Complex<$f>],
                x: &[num_complex::Complex<$f>],
            ) -> Vec<num_complex::Complex<$f>> {
                type C = num_complex::Complex<$f>;
                let row = |i: usize| {
                    let mut y = C::default();
                    for g in (0..x.len()).step_by(4) {
                        let mut s = C::default();
                        for kk in g..(g + 4).min(x.len()) {
                            let (c, xk) = (a[kk * m + i], x[kk]);
                            y.re = c.re.mul_add(xk.re, y.re);
                            y.im = c.im.mul_add(xk.re, y.im);
                            s.re = c.im.mul_add(-xk.im, s.re);
                            s.im = c.re.mul_add(xk.im, s.im);
                        }
                        y += s;
                    }
                    y
                };
                (0..m).map(row).collect()
            }
        };
    }
    fused_columns!(fused_columns_c128, f64);
    fused_columns!(fused_columns_c64, f32);

    /// The complex column updates: with AVX2, exactly the fused steps in
    /// scalars (so a row rounds alike in the vector loop and the tail);
    /// without, exactly the generic loop. Either way the products' sums
    /// (against num_complex's unfused sum in float64). Row counts with and
    /// without partial vectors, column counts with and without a partial
    /// group of four.
    #[test]
    fn complex_column_updates_are_the_fused_steps() {
        let mut next = uniform(5);
        for (m, k) in [(2, 1), (3, 4), (5, 7), (8, 9), (9, 5), (1030, 6), (17, 100)] {
            let (a, x, a32, x32) = complex_operands(&mut next, m, k);
            let (f, g) = both(m, &x, &a);
            let (f32_, g32) = both(m, &x32, &a32);
            if crate::ufunc::simd::has_avx2() {
                assert_eq!(bytes(&f), bytes(&fused_columns_c128(m, &a, &x)), "{m}x{k}");
                assert_eq!(
                    bytes(&f32_),
                    bytes(&fused_columns_c64(m, &a32, &x32)),
                    "{m}x{k}"
                );
            } else {
                assert_eq!(bytes(&f), bytes(&g), "{m}x{k}");
                assert_eq!(bytes(&f32_), bytes(&g32), "{m}x{k}");
            }
            for i in 0..m {
                let (mut y, mut scale) = (Complex64::default(), 0.0);
                for kk in 0..k {
                    y = y + a[kk * m + i] * x[kk];
                    scale += a[kk * m + i].norm() * x[kk].norm();
                }
                assert!((f[i] - y).norm() <= 1e-14 * scale, "{m}x{k} row {i}");
                let y32 = f32_[i];
                let wide = Complex64::new(y32.re as f64, y32.im as f64);
                assert!(
                    (wide - y).norm() <= 1e-5 * scale,
                    "{m}x{k} row {i} (complex64)"
                );
            }
        }
        // Signed zeros and exact cancellations: the vector loop's
        // `addsub(y, swap(t))` gives the fused steps' zeros, signs included.
        if crate::ufunc::simd::has_avx2() {
            let z = [-0.0, 0.0, 1.0, -0.0, -1.0, 0.0, -0.0];
            let (m, k) = (9, 6);
            let a: Vec<Complex64> = (0..m * k)
                .map(|t| Complex64::new(z[t % 7], z[(3 * t + 1) % 7]))
                .collect();
            let x: Vec<Complex64> = (0..k)
                .map(|t| Complex64::new(z[(t + 2) % 7], z[(5 * t) % 7]))
                .collect();
            let (f, _) = both(m, &x, &a);
            assert_eq!(bytes(&f), bytes(&fused_columns_c128(m, &a, &x)));
        }
    }

    /// The complex row dots round exactly as their generic loop (with
    /// fused steps where the AVX2 loops run), for lengths around the blocks
    /// (2V floats a half block) and row counts with and without a short
    /// group (of 3 and of 6 rows), through `dot_rows` and each kernel this
    /// CPU runs, and are the dot products.
    #[test]
    fn complex_row_dots_round_as_the_generic_loop() {
        /// The rows of `dot_rows`, then of each kernel, and of the generic
        /// loop, for rows of complex numbers.
        fn runs<C: Field, F>(
            m: usize,
            k: usize,
            a: &[C],
            x: &[C],
            kernels: &[(usize, [RowKernel<F>; 2])],
            generic: impl Fn(usize, usize, usize, Mat, Mat, *const F),
        ) -> (Vec<Vec<C>>, Vec<C>) {
            let size = std::mem::size_of::<C>();
            let mat = |p: *const C| Mat {
                ptr: p as *mut u8,
                rs: (k * size) as isize,
                cs: size as isize,
            };
            let out = |y: &mut Vec<C>| Mat {
                ptr: y.as_mut_ptr() as *mut u8,
                rs: size as isize,
                cs: size as isize,
            };
            let (lhs, xf) = (mat(a.as_ptr()), x.as_ptr() as *const F);
            let mut fast = vec![vec![C::default(); m]];
            let mut g = vec![C::default(); m];
            // SAFETY: the rows, the vector and the columns exist; the CPU
            // runs each kernel.
            unsafe {
                dot_rows::<C>(0, m, k, out(&mut fast[0]), lhs, mat(x.as_ptr()));
                for (r, [group, one]) in kernels {
                    let mut y = vec![C::default(); m];
                    group(0, m / r * r, k, out(&mut y), lhs, xf);
                    one(m / r * r, m, k, out(&mut y), lhs, xf);
                    fast.push(y);
                }
                generic(0, m, k, out(&mut g), lhs, xf);
            }
            (fast, g)
        }
        let k128 = row_kernels!(dot_rows_c128_avx2, 3, dot_rows_c128_vl, 6);
        let k64 = row_kernels!(dot_rows_c64_avx2, 3, dot_rows_c64_vl, 6);
        // The AVX2 loops' steps are fused; the generic loop's are not.
        let step64 = expected_step::<f64>(|s, a, x| a.mul_add(x, s));
        let step32 = expected_step::<f32>(|s, a, x| a.mul_add(x, s));
        let mut next = uniform(11);
        for k in [0, 1, 2, 3, 4, 5, 7, 8, 9, 15, 16, 17, 31, 33, 100, 1001] {
            for m in [5, 7, 13] {
                let (a, x, a32, x32) = complex_operands(&mut next, m, k);
                // SAFETY (both): as `runs` calls them, on its operands.
                let (f, g) = runs(m, k, &a, &x, &k128, |lo, hi, k, d, l, x| unsafe {
                    dot_rows_c128_generic(lo, hi, k, d, l, x, step64)
                });
                let (f32_, g32) = runs(m, k, &a32, &x32, &k64, |lo, hi, k, d, l, x| unsafe {
                    dot_rows_c64_generic(lo, hi, k, d, l, x, step32)
                });
                for (f, f32_) in f.iter().zip(&f32_) {
                    assert_eq!(bytes(f), bytes(&g), "k={k} m={m}");
                    assert_eq!(bytes(f32_), bytes(&g32), "k={k} m={m}");
                }
                for i in 0..m {
                    let exact: Complex64 = (0..k).map(|c| a[i * k + c] * x[c]).sum();
                    assert!((g[i] - exact).norm() <= 1e-12 * (k as f64 + 1.0), "k={k}");
                    let near = Complex64::new(g32[i].re as f64, g32[i].im as f64);
                    let exact32: Complex64 = (0..k)
                        .map(|c| {
                            let (p, q) = (a32[i * k + c], x32[c]);
                            Complex64::new(p.re as f64, p.im as f64)
                                * Complex64::new(q.re as f64, q.im as f64)
                        })
                        .sum();
                    assert!((near - exact32).norm() <= 1e-5 * (k as f64 + 1.0), "k={k}");
                }
            }
        }
    }
}
