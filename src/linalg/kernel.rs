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
const PARALLEL_MIN: usize = 1 << 21;

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
            Kind::Float32 => with_gemm::<f32>(m, n, k, dst, lhs, rhs, par),
            Kind::Float64 => with_gemm::<f64>(m, n, k, dst, lhs, rhs, par),
            Kind::Complex64 => with_gemm::<Complex32>(m, n, k, dst, lhs, rhs, par),
            Kind::Complex128 => with_gemm::<Complex64>(m, n, k, dst, lhs, rhs, par),
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

/// Byte strides of `T` elements as element strides (whole, by contract).
fn el<T>(bytes: isize) -> isize {
    bytes / std::mem::size_of::<T>() as isize
}

unsafe fn with_gemm<T: Copy + Default + 'static + GemmOne>(
    m: usize,
    n: usize,
    k: usize,
    dst: Mat,
    lhs: Mat,
    rhs: Mat,
    par: gemm::Parallelism,
) {
    if k == 0 {
        unsafe { fill::<T>(m, n, dst, T::default()) };
        return;
    }
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
