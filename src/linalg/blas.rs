//! The optional system BLAS (cargo feature `system-blas`): large float and
//! complex products go to the CBLAS `?gemm` of the library the build links
//! (`-lopenblas`, or `NDCORE_BLAS_LIB=<name>` at build time: blis, mkl_rt,
//! ...), the same routine NumPy's wheels call. BLAS takes operands with one
//! unit stride and a positive leading dimension; anything else (reversed
//! views, steps on both axes, sizes past its 32-bit integers) returns
//! false and the caller uses the default kernels (`packed`, or the `gemm`
//! crate for complex kinds). Results are deterministic
//! for a given BLAS thread count (OPENBLAS_NUM_THREADS).

use std::any::TypeId;

use num_complex::{Complex32, Complex64};

use super::kernel::Mat;

const ROW_MAJOR: i32 = 101;
const NO_TRANS: i32 = 111;
const TRANS: i32 = 112;

/// The CBLAS declarations, hidden from the generated header.
/// cbindgen:ignore
mod cblas {
    use num_complex::{Complex32, Complex64};

    pub type Int = i32;

    // CBLAS's four ?gemm, with the LP64 integers of Debian's OpenBLAS.
    // Complex64/128 are two f32/f64 in C's layout, as the complex routines'
    // arrays and scalars (passed by address) are.
    #[rustfmt::skip]
    unsafe extern "C" {
        pub fn cblas_sgemm(
            layout: i32, ta: i32, tb: i32, m: Int, n: Int, k: Int, alpha: f32,
            a: *const f32, lda: Int, b: *const f32, ldb: Int, beta: f32, c: *mut f32, ldc: Int,
        );
        pub fn cblas_dgemm(
            layout: i32, ta: i32, tb: i32, m: Int, n: Int, k: Int, alpha: f64,
            a: *const f64, lda: Int, b: *const f64, ldb: Int, beta: f64, c: *mut f64, ldc: Int,
        );
        pub fn cblas_cgemm(
            layout: i32, ta: i32, tb: i32, m: Int, n: Int, k: Int, alpha: *const Complex32,
            a: *const Complex32, lda: Int, b: *const Complex32, ldb: Int, beta: *const Complex32,
            c: *mut Complex32, ldc: Int,
        );
        pub fn cblas_zgemm(
            layout: i32, ta: i32, tb: i32, m: Int, n: Int, k: Int, alpha: *const Complex64,
            a: *const Complex64, lda: Int, b: *const Complex64, ldb: Int, beta: *const Complex64,
            c: *mut Complex64, ldc: Int,
        );
    }
}
use cblas::*;

/// A (rows, cols) operand as BLAS sees it in row-major terms: itself
/// (`trans` false, rows `ld` elements apart) or the transpose of a
/// row-major matrix (`trans` true); None when neither stride is one.
fn describe(rows: usize, cols: usize, m: Mat, size: usize) -> Option<(bool, Int)> {
    let el = |s: isize| (s % size as isize == 0).then_some(s / size as isize);
    // A single row or column leaves the other stride free: give BLAS the
    // smallest leading dimension it accepts.
    let rs = if rows <= 1 {
        Some(cols.max(1) as isize)
    } else {
        el(m.rs)
    };
    let cs = if cols <= 1 { Some(1) } else { el(m.cs) };
    let (rs, cs) = (rs?, cs?);
    let fits = |ld: isize, least: usize| ld >= least.max(1) as isize && ld <= Int::MAX as isize;
    if cs == 1 && fits(rs, cols) {
        Some((false, rs as Int))
    } else if rs == 1 && fits(cs, rows) {
        // Element (i, j) at i + j·cs: the transpose of a row-major (cols, rows).
        Some((true, cs as Int))
    } else {
        None
    }
}

/// `dst := lhs · rhs` through CBLAS when `T` is a BLAS type and every
/// operand has a layout BLAS takes; false (nothing written) otherwise.
///
/// # Safety
/// As `kernel::matmul_2d`.
pub unsafe fn matmul<T: 'static>(
    m: usize,
    n: usize,
    k: usize,
    dst: Mat,
    lhs: Mat,
    rhs: Mat,
) -> bool {
    let size = std::mem::size_of::<T>();
    let small = |x: usize| x <= Int::MAX as usize;
    if !(small(m) && small(n) && small(k)) {
        return false;
    }
    let (Some(d), Some(a), Some(b)) = (
        describe(m, n, dst, size),
        describe(m, k, lhs, size),
        describe(k, n, rhs, size),
    ) else {
        return false;
    };
    // C = A·B with C row-major, or C^T = B^T·A^T when C is column-major.
    let (mm, nn, (ta, lda, pa), (tb, ldb, pb)) = if !d.0 {
        (m, n, (a.0, a.1, lhs.ptr), (b.0, b.1, rhs.ptr))
    } else {
        (n, m, (!b.0, b.1, rhs.ptr), (!a.0, a.1, lhs.ptr))
    };
    let t = |x: bool| if x { TRANS } else { NO_TRANS };
    let (mm, nn, kk, ldc) = (mm as Int, nn as Int, k as Int, d.1);
    // One call shape for the four routines: `$f` on elements of `$ty` with
    // alpha = 1 and beta = 0 given as `$one`, `$zero`.
    macro_rules! call {
        ($f:ident, $ty:ty, $one:expr, $zero:expr) => {
            $f(
                ROW_MAJOR,
                t(ta),
                t(tb),
                mm,
                nn,
                kk,
                $one,
                pa as *const $ty,
                lda,
                pb as *const $ty,
                ldb,
                $zero,
                dst.ptr as *mut $ty,
                ldc,
            )
        };
    }
    let id = TypeId::of::<T>();
    let (c1, c0) = (Complex32::new(1.0, 0.0), Complex32::new(0.0, 0.0));
    let (z1, z0) = (Complex64::new(1.0, 0.0), Complex64::new(0.0, 0.0));
    // SAFETY: T is the element type of the routine called; shapes, leading
    // dimensions and transposes describe exactly the caller's elements.
    unsafe {
        if id == TypeId::of::<f64>() {
            call!(cblas_dgemm, f64, 1.0, 0.0)
        } else if id == TypeId::of::<f32>() {
            call!(cblas_sgemm, f32, 1.0, 0.0)
        } else if id == TypeId::of::<Complex32>() {
            call!(cblas_cgemm, Complex32, &c1, &c0)
        } else if id == TypeId::of::<Complex64>() {
            call!(cblas_zgemm, Complex64, &z1, &z0)
        } else {
            return false;
        }
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every combination of row- and column-major operands and result
    /// goes to BLAS and matches the naive product; reversed operands are
    /// refused (the caller falls back to the gemm crate).
    #[test]
    fn every_layout_through_blas() {
        let (m, n, k) = (7usize, 5usize, 9usize);
        let a: Vec<f64> = (0..m * k).map(|i| (i % 7) as f64 - 3.0).collect();
        let b: Vec<f64> = (0..k * n).map(|i| (i % 5) as f64 - 2.0).collect();
        let mut want = vec![0.0; m * n];
        for i in 0..m {
            for j in 0..n {
                want[i * n + j] = (0..k).map(|p| a[i * k + p] * b[p * n + j]).sum();
            }
        }
        // (data, rs, cs) in bytes for C order or F order.
        let lay = |v: &[f64], r: usize, c: usize, f: bool| -> (Vec<f64>, isize, isize) {
            if !f {
                return (v.to_vec(), 8 * c as isize, 8);
            }
            let mut t = vec![0.0; r * c];
            for i in 0..r {
                for j in 0..c {
                    t[j * r + i] = v[i * c + j];
                }
            }
            (t, 8, 8 * r as isize)
        };
        for code in 0..8 {
            let (fa, fb, fd) = (code & 1 != 0, code & 2 != 0, code & 4 != 0);
            let (sa, ars, acs) = lay(&a, m, k, fa);
            let (sb, brs, bcs) = lay(&b, k, n, fb);
            let mut out = vec![f64::NAN; m * n];
            let (drs, dcs) = if fd {
                (8, 8 * m as isize)
            } else {
                (8 * n as isize, 8)
            };
            let mat = |p: *const f64, rs, cs| Mat {
                ptr: p as *mut u8,
                rs,
                cs,
            };
            let used = unsafe {
                matmul::<f64>(
                    m,
                    n,
                    k,
                    mat(out.as_mut_ptr(), drs, dcs),
                    mat(sa.as_ptr(), ars, acs),
                    mat(sb.as_ptr(), brs, bcs),
                )
            };
            assert!(used, "layout {code}");
            for i in 0..m {
                for j in 0..n {
                    let at = if fd { j * m + i } else { i * n + j };
                    assert_eq!(out[at], want[i * n + j], "layout {code} at ({i}, {j})");
                }
            }
        }
        let mut out = vec![0.0; m * n];
        let reversed = Mat {
            ptr: a.as_ptr().wrapping_add(m * k - 1) as *mut u8,
            rs: -8 * k as isize,
            cs: -8,
        };
        let plain = |p: *const f64, c: usize| Mat {
            ptr: p as *mut u8,
            rs: 8 * c as isize,
            cs: 8,
        };
        let used = unsafe {
            matmul::<f64>(
                m,
                n,
                k,
                plain(out.as_mut_ptr(), n),
                reversed,
                plain(b.as_ptr(), n),
            )
        };
        assert!(!used);
        assert!(
            out.iter().all(|&x| x == 0.0),
            "nothing written when refused"
        );
    }
}
