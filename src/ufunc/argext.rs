//! `argmax` and `argmin`: the index of the first extreme element along an
//! axis (or of the flattened array), with NumPy's NaN rule (the first NaN
//! wins) and lexicographic order for complex numbers.

use half::f16;
use num_complex::{Complex32, Complex64};

use super::reduce::reduced_axes;
use crate::array::Array;
use crate::dtype::{Casting, DType, Kind, can_cast};
use crate::error::{Result, bail};
use crate::iter::for_each_run;
use crate::layout::Order;
use crate::ufunc::cast::{assign, astype};

/// Element order as NumPy's `argmax`/`argmin` loops compare.
trait ArgElem: Copy {
    fn is_nan(self) -> bool;
    /// `argmax` moves to `self` from the current maximum `mp`.
    fn beats_max(self, mp: Self) -> bool;
    /// `argmin` moves to `self` from the current minimum `mp`.
    fn beats_min(self, mp: Self) -> bool;
}

macro_rules! arg_int {
    ($($t:ty),*) => {$(
        impl ArgElem for $t {
            #[inline(always)] fn is_nan(self) -> bool { false }
            #[inline(always)] fn beats_max(self, mp: Self) -> bool { self > mp }
            #[inline(always)] fn beats_min(self, mp: Self) -> bool { self < mp }
        }
    )*};
}
arg_int!(bool, i8, i16, i32, i64, u8, u16, u32, u64);

// `!(x <= mp)` is true for NaN: NumPy's rule, on purpose.
macro_rules! arg_float {
    ($($t:ty),*) => {$(
        #[allow(clippy::neg_cmp_op_on_partial_ord)]
        impl ArgElem for $t {
            #[inline(always)] fn is_nan(self) -> bool { self.is_nan() }
            #[inline(always)] fn beats_max(self, mp: Self) -> bool { !(self <= mp) }
            #[inline(always)] fn beats_min(self, mp: Self) -> bool { !(self >= mp) }
        }
    )*};
}
arg_float!(f16, f32, f64);

macro_rules! arg_complex {
    ($($t:ty),*) => {$(
        impl ArgElem for $t {
            #[inline(always)] fn is_nan(self) -> bool { self.re.is_nan() || self.im.is_nan() }
            #[inline(always)]
            fn beats_max(self, mp: Self) -> bool {
                self.re > mp.re || (self.re == mp.re && self.im > mp.im) || self.is_nan()
            }
            #[inline(always)]
            fn beats_min(self, mp: Self) -> bool {
                self.re < mp.re || (self.re == mp.re && self.im < mp.im) || self.is_nan()
            }
        }
    )*};
}
arg_complex!(Complex32, Complex64);

/// The index of the first extreme of `n >= 1` elements `stride` apart.
unsafe fn arg_run<T: ArgElem, const MAX: bool>(x: *const u8, stride: isize, n: usize) -> usize {
    // SAFETY: the caller guarantees n elements at `stride` are readable.
    let load =
        |i: usize| unsafe { (x.wrapping_offset(i as isize * stride) as *const T).read_unaligned() };
    let mut mp = load(0);
    let mut idx = 0;
    if mp.is_nan() {
        return 0;
    }
    for i in 1..n {
        let v = load(i);
        let better = if MAX {
            v.beats_max(mp)
        } else {
            v.beats_min(mp)
        };
        if better {
            mp = v;
            idx = i;
            if mp.is_nan() {
                break;
            }
        }
    }
    idx
}

/// Blocks `arg_dense` scans for their extreme before looking for indices.
const ARG_BLOCK: usize = 256;

/// Is `v` strictly past `best` in the search's direction (no NaNs here)?
#[inline(always)]
fn past<T: PartialOrd, const MAX: bool>(v: T, best: T) -> bool {
    if MAX { v > best } else { v < best }
}

/// The extreme of a block in eight lanes of branch-free selects (they
/// vectorise), and whether the block holds a NaN.
#[inline(always)]
fn block_extreme<T: ArgElem + PartialOrd, const MAX: bool>(c: &[T]) -> (T, bool) {
    let mut lanes = [c[0]; 8];
    let mut nan = [false; 8];
    let chunks = c.chunks_exact(8);
    let rest = chunks.remainder();
    for ch in chunks {
        for k in 0..8 {
            let v = ch[k];
            nan[k] |= v.is_nan();
            lanes[k] = if past::<T, MAX>(v, lanes[k]) {
                v
            } else {
                lanes[k]
            };
        }
    }
    let mut m = lanes[0];
    let mut any_nan = nan.iter().any(|&f| f);
    for &v in lanes[1..].iter().chain(rest) {
        any_nan |= v.is_nan();
        if past::<T, MAX>(v, m) {
            m = v;
        }
    }
    (m, any_nan)
}

/// `arg_run` over a contiguous slice: each block's extreme (vectorised);
/// the first NaN's index as soon as a block holds one; else the first
/// index of the best value in the earliest block that reached it.
#[inline(always)]
fn arg_dense<T: ArgElem + PartialOrd, const MAX: bool>(s: &[T]) -> usize {
    let mut best = s[0];
    if best.is_nan() {
        return 0;
    }
    let mut best_block = 0;
    for (b, c) in s.chunks(ARG_BLOCK).enumerate() {
        let (m, nan) = block_extreme::<T, MAX>(c);
        if nan {
            return b * ARG_BLOCK + c.iter().position(|v| v.is_nan()).expect("a NaN");
        }
        if past::<T, MAX>(m, best) {
            best = m;
            best_block = b;
        }
    }
    let start = best_block * ARG_BLOCK;
    let c = &s[start..(start + ARG_BLOCK).min(s.len())];
    // NaN-free, so == finds the best (either zero for a zero best).
    #[allow(clippy::float_cmp)]
    let at = c.iter().position(|&v| v == best).expect("the best value");
    start + at
}

/// `arg_run` for the types whose dense runs vectorise: contiguous aligned
/// runs by blocks (halves on the team from `REDUCE_PARALLEL_MIN` elements:
/// the right half wins only if strictly past the left, or if it alone
/// holds a NaN, so the first index still wins), others element by element.
unsafe fn arg_fast<T: ArgElem + PartialOrd + Send + Sync, const MAX: bool>(
    x: *const u8,
    stride: isize,
    n: usize,
) -> usize {
    let xs = x as *const T;
    if stride != size_of::<T>() as isize || !xs.is_aligned() || n < 2 * ARG_BLOCK {
        // SAFETY: forwarded from the caller.
        return unsafe { arg_run::<T, MAX>(x, stride, n) };
    }
    // SAFETY: an aligned, contiguous run of `n` elements (caller).
    let s = unsafe { std::slice::from_raw_parts(xs, n) };
    arg_split::<T, MAX>(s)
}

fn arg_split<T: ArgElem + PartialOrd + Send + Sync, const MAX: bool>(s: &[T]) -> usize {
    if s.len() < crate::iter::REDUCE_PARALLEL_MIN {
        return crate::ufunc::simd::dispatch(
            #[inline(always)]
            || arg_dense::<T, MAX>(s),
        );
    }
    let mid = s.len() / 2;
    let (l, r) = crate::iter::team::join(
        || arg_split::<T, MAX>(&s[..mid]),
        || arg_split::<T, MAX>(&s[mid..]),
    );
    let (vl, vr) = (s[l], s[mid + r]);
    if vl.is_nan() || (!vr.is_nan() && !past::<T, MAX>(vr, vl)) {
        l
    } else {
        mid + r
    }
}

type ArgFn = unsafe fn(*const u8, isize, usize) -> usize;

fn arg_kernel(kind: Kind, max: bool) -> ArgFn {
    macro_rules! pick {
        ($($k:ident => $t:ty),*) => {
            match kind {
                $(Kind::$k => if max { arg_run::<$t, true> } else { arg_run::<$t, false> },)*
            }
        };
    }
    macro_rules! fast {
        ($($k:ident => $t:ty),*) => {
            match kind {
                $(Kind::$k => return if max { arg_fast::<$t, true> } else { arg_fast::<$t, false> },)*
                _ => {}
            }
        };
    }
    fast!(Int8 => i8, Int16 => i16, Int32 => i32, Int64 => i64, UInt8 => u8, UInt16 => u16,
        UInt32 => u32, UInt64 => u64, Float32 => f32, Float64 => f64);
    pick!(Bool => bool, Int8 => i8, Int16 => i16, Int32 => i32, Int64 => i64, UInt8 => u8,
        UInt16 => u16, UInt32 => u32, UInt64 => u64, Float16 => f16, Float32 => f32,
        Float64 => f64, Complex64 => Complex32, Complex128 => Complex64)
}

/// NumPy's `argmax` (`max`) or `argmin` along `axis`, or of the flattened
/// array when `axis` is `None`; int64 indices, written into `out` (which
/// must have the result's shape and a dtype int64 casts from safely).
pub fn arg_extreme(
    a: &Array,
    axis: Option<i64>,
    keepdims: bool,
    out: Option<&Array>,
    max: bool,
) -> Result<Array> {
    let name = if max { "argmax" } else { "argmin" };
    let Some(kind) = a.dtype().kind() else {
        bail!(Type, "{name} is not supported for dtype {}", a.dtype());
    };
    let axes: Option<Vec<i64>> = axis.map(|ax| vec![ax]);
    let reduced = reduced_axes(axes.as_deref(), a.ndim())?;
    // The run: the flattened array (C order), or the axis.
    let (x, ax) = match axis {
        None => {
            let flat = crate::manip::ravel(a, Order::C)?;
            (flat, 0)
        }
        Some(_) if a.ndim() == 0 => (a.reshape(&[1], Order::C)?, 0),
        Some(_) => (a.view(), reduced.iter().position(|&r| r).expect("one axis")),
    };
    let x = if x.dtype().is_native() {
        x
    } else {
        astype(&x, &DType::scalar(kind), Casting::Unsafe, Order::K)?
    };
    let n = x.shape()[ax];
    if n == 0 {
        bail!(Value, "attempt to get {name} of an empty sequence");
    }
    let shape: Vec<usize> = match (axis, keepdims) {
        (None, false) => vec![],
        (None, true) => vec![1; a.ndim()],
        (Some(_), true) => a
            .shape()
            .iter()
            .zip(&reduced)
            .map(|(&d, &r)| if r { 1 } else { d })
            .collect(),
        (Some(_), false) => (0..a.ndim())
            .filter(|&i| !reduced[i])
            .map(|i| a.shape()[i])
            .collect(),
    };
    let i64t = DType::scalar(Kind::Int64);
    if let Some(o) = out {
        if o.shape() != shape.as_slice() {
            bail!(Value, "output array does not match result of np.{name}.");
        }
        if !can_cast(o.dtype(), &i64t, Casting::Safe) {
            bail!(
                Type,
                "Cannot cast scalar from dtype('{}') to dtype('int64') according to the rule 'safe'",
                o.dtype()
            );
        }
        o.check_writeable_out()?;
    }
    // One index per position of the other axes, laid out in C order.
    let other_shape = crate::layout::without_axis(x.shape(), ax);
    let other_strides = crate::layout::without_axis(x.strides(), ax);
    let res = Array::empty(&i64t, &other_shape, Order::C)?;
    let step = x.strides()[ax];
    let f = arg_kernel(kind, max);
    // SAFETY: `res` is new and has the other axes' shape; `x` holds `n`
    // elements along `ax` at every position.
    unsafe {
        for_each_run(
            &other_shape,
            [res.data_ptr(), x.data_ptr()],
            [res.strides(), &other_strides],
            |[r, p], [sr, sp], len| {
                for j in 0..len as isize {
                    let i = f(p.wrapping_offset(j * sp), step, n);
                    (r.wrapping_offset(j * sr) as *mut i64).write_unaligned(i as i64);
                }
            },
        )
    };
    let res = res.reshape(
        &shape.iter().map(|&d| d as i64).collect::<Vec<_>>(),
        Order::C,
    )?;
    match out {
        Some(o) => {
            assign(o, &res, Casting::Unsafe)?;
            Ok(o.view())
        }
        None => Ok(res),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scalar<T: ArgElem, const MAX: bool>(v: &[T]) -> usize {
        unsafe { arg_run::<T, MAX>(v.as_ptr() as *const u8, size_of::<T>() as isize, v.len()) }
    }

    #[test]
    fn blocks_and_halves_find_the_scalar_loops_index() {
        // Pseudo-random values with many ties, over sizes around the block
        // and the parallel split, with NaNs in either half.
        for n in [
            1,
            7,
            255,
            256,
            513,
            5000,
            crate::iter::REDUCE_PARALLEL_MIN + 77,
        ] {
            let v: Vec<f64> = (0..n).map(|i| ((i * 7919) % 1009) as f64 - 500.0).collect();
            let mut cases = vec![v.clone()];
            for at in [n / 2 + 1, n - 1, 3] {
                let mut w = v.clone();
                if at < n {
                    w[at] = f64::NAN;
                }
                cases.push(w);
            }
            for c in &cases {
                assert_eq!(arg_split::<f64, true>(c), scalar::<f64, true>(c), "n {n}");
                assert_eq!(arg_split::<f64, false>(c), scalar::<f64, false>(c), "n {n}");
            }
            let ints: Vec<i16> = v.iter().map(|&x| (x as i16) / 7).collect();
            assert_eq!(arg_split::<i16, true>(&ints), scalar::<i16, true>(&ints));
            assert_eq!(arg_split::<i16, false>(&ints), scalar::<i16, false>(&ints));
        }
        // Zeros of both signs are equal: the first one wins.
        let z = [-0.0f32, 0.0, -0.0, 0.0].repeat(300);
        assert_eq!(arg_split::<f32, true>(&z), 0);
        assert_eq!(arg_split::<f32, false>(&z), 0);
    }
}
