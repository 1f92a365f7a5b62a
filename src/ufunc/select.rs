//! Three-operand selections on the ufunc engine: `where(cond, x, y)` and
//! `clip(a, a_min, a_max)`, plus `divmod`, NumPy's two-output ufunc, built
//! from floor_divide and remainder (NumPy computes both with one divmod
//! formula, so the pair is identical).
//!
//! `clip` follows NumPy 2's `_clip`: a missing bound calls `minimum` or
//! `maximum` (neither: `positive`), and for integer arrays a Python-int
//! bound beyond the dtype's range counts as missing. The clip loop keeps
//! `x` when it lies within the bounds (so signed zeros survive), returns a
//! NaN `x` unchanged and propagates a NaN bound.

use half::f16;
use num_complex::{Complex32, Complex64};

use super::arith::BinaryOp;
use super::compare::{Ge, Gt, Le, Lt};
use super::engine::{Loop, LoopMemo, Resolver, Ufunc, WeakInts};
use super::tables::ty;
use crate::array::Array;
use crate::dtype::{Casting, Kind, KindClass, Value};
use crate::error::Result;

/// The loop over three inputs and one output: aligned runs that are
/// contiguous or repeat one element (scalar bounds of `clip`) take the
/// dense loop (vectorised, also in place), others are strided.
///
/// # Safety
/// `args` are four pointers (x, y, z, out) valid for `n` elements at
/// `steps`; `out` overlaps an input only by being exactly it.
unsafe fn ternary_loop<A: Copy, B: Copy, C: Copy, O: Copy>(
    args: &[*mut u8],
    steps: &[isize],
    n: usize,
    f: impl Fn(A, B, C) -> O + Copy,
) {
    let (a, b, c, o) = (
        args[0] as *const A,
        args[1] as *const B,
        args[2] as *const C,
        args[3] as *mut O,
    );
    let run = |k: usize, size: usize| steps[k] == size as isize;
    let dense = run(0, size_of::<A>())
        && run(3, size_of::<O>())
        && a.is_aligned()
        && b.is_aligned()
        && c.is_aligned()
        && o.is_aligned();
    let (rb, rc) = (run(1, size_of::<B>()), run(2, size_of::<C>()));
    // SAFETY (both blocks): forwarded from the caller; the dense loop only
    // for aligned runs and repeated elements.
    unsafe {
        if dense {
            use super::dense::ternary;
            // The first input (cond of where, x of clip) is a run; the
            // others runs or one value (scalar bounds, `where(c, x, 0.0)`).
            match (rb, rc, steps[1] == 0, steps[2] == 0) {
                (true, true, _, _) => {
                    return ternary::<_, _, _, _, true, true, true>(a, b, c, o, n, f);
                }
                (true, _, _, true) => {
                    return ternary::<_, _, _, _, true, true, false>(a, b, c, o, n, f);
                }
                (_, true, true, _) => {
                    return ternary::<_, _, _, _, true, false, true>(a, b, c, o, n, f);
                }
                (_, _, true, true) => {
                    return ternary::<_, _, _, _, true, false, false>(a, b, c, o, n, f);
                }
                _ => {}
            }
        }
        for i in 0..n as isize {
            let x = (args[0].wrapping_offset(i * steps[0]) as *const A).read_unaligned();
            let y = (args[1].wrapping_offset(i * steps[1]) as *const B).read_unaligned();
            let z = (args[2].wrapping_offset(i * steps[2]) as *const C).read_unaligned();
            (args[3].wrapping_offset(i * steps[3]) as *mut O).write_unaligned(f(x, y, z));
        }
    }
}

/// `cond ? x : y`.
unsafe fn where_loop<T: Copy>(args: &[*mut u8], steps: &[isize], n: usize) {
    // SAFETY: forwarded from the caller.
    unsafe { ternary_loop(args, steps, n, |c: bool, x: T, y: T| if c { x } else { y }) }
}

/// Is this element NaN (never, for integers and booleans)?
trait MaybeNan: Copy {
    fn nan(self) -> bool;
}
macro_rules! never_nan {
    ($($t:ty),*) => {$(impl MaybeNan for $t { #[inline(always)] fn nan(self) -> bool { false } })*};
}
never_nan!(bool, i8, i16, i32, i64, u8, u16, u32, u64);
macro_rules! float_nan {
    ($($t:ty),*) => {$(impl MaybeNan for $t { #[inline(always)] fn nan(self) -> bool { self.is_nan() } })*};
}
float_nan!(f16, f32, f64);
macro_rules! complex_nan {
    ($($t:ty),*) => {$(impl MaybeNan for $t {
        #[inline(always)] fn nan(self) -> bool { self.re.is_nan() || self.im.is_nan() }
    })*};
}
complex_nan!(Complex32, Complex64);

/// A complex number's (real, imaginary) parts, widened exactly to f64.
trait Parts {
    fn parts(self) -> (f64, f64);
}
impl Parts for Complex32 {
    fn parts(self) -> (f64, f64) {
        (self.re.into(), self.im.into())
    }
}
impl Parts for Complex64 {
    fn parts(self) -> (f64, f64) {
        (self.re, self.im)
    }
}

/// NumPy's clip of one element: at least `lo`, then at most `hi`, each
/// step keeping its left operand on ties and when it is NaN.
#[inline(always)]
fn clip_one<T>(x: T, lo: T, hi: T) -> T
where
    T: MaybeNan,
    Ge: BinaryOp<T, Out = bool>,
    Le: BinaryOp<T, Out = bool>,
{
    let a = if x.nan() || Ge::call(x, lo) { x } else { lo };
    if a.nan() || Le::call(a, hi) { a } else { hi }
}

/// As `clip_one`, but ties go to the bound (x86 max/min semantics): NumPy's
/// float32/float64 loop when a bound is an array (`clip(0.0, -0.0, 1.0)`
/// is -0.0 there, +0.0 with scalar bounds).
#[inline(always)]
fn clip_to_bound<T>(x: T, lo: T, hi: T) -> T
where
    T: MaybeNan,
    Gt: BinaryOp<T, Out = bool>,
    Lt: BinaryOp<T, Out = bool>,
{
    let a = if x.nan() || Gt::call(x, lo) { x } else { lo };
    if a.nan() || Lt::call(a, hi) { a } else { hi }
}

unsafe fn clip_loop<T>(args: &[*mut u8], steps: &[isize], n: usize)
where
    T: MaybeNan,
    Ge: BinaryOp<T, Out = bool>,
    Le: BinaryOp<T, Out = bool>,
{
    // SAFETY: forwarded from the caller.
    unsafe { ternary_loop(args, steps, n, clip_one::<T>) }
}

/// complex: NumPy's plain lexicographic order (CGT/CLT without NaN
/// guards: a NaN in a bound's other part does not propagate), ties going
/// to the bound; a NaN `x` stays.
unsafe fn clip_complex_loop<T>(args: &[*mut u8], steps: &[isize], n: usize)
where
    T: Copy + MaybeNan + Parts,
{
    let gt = |a: (f64, f64), b: (f64, f64)| a.0 > b.0 || (a.0 == b.0 && a.1 > b.1);
    let clip = |x: T, lo: T, hi: T| {
        let (xc, lc, hc) = (x.parts(), lo.parts(), hi.parts());
        let (a, ac) = if x.nan() || gt(xc, lc) {
            (x, xc)
        } else {
            (lo, lc)
        };
        if a.nan() || gt(hc, ac) { a } else { hi }
    };
    // SAFETY: forwarded from the caller.
    unsafe { ternary_loop(args, steps, n, clip) }
}

/// float32/float64: NumPy keeps `x` on ties only when both bounds are
/// scalars (stride 0); otherwise ties give the bound.
unsafe fn clip_float_loop<T>(args: &[*mut u8], steps: &[isize], n: usize)
where
    T: MaybeNan,
    Ge: BinaryOp<T, Out = bool>,
    Le: BinaryOp<T, Out = bool>,
    Gt: BinaryOp<T, Out = bool>,
    Lt: BinaryOp<T, Out = bool>,
{
    // SAFETY (both): forwarded from the caller.
    if steps[1] == 0 && steps[2] == 0 {
        unsafe { ternary_loop(args, steps, n, clip_one::<T>) }
    } else {
        unsafe { ternary_loop(args, steps, n, clip_to_bound::<T>) }
    }
}

macro_rules! three_loops {
    ($func:ident, $first:ident; $($k:ident),*) => {
        &[$(Loop {
            types: &[Kind::$first, Kind::$k, Kind::$k, Kind::$k],
            func: $func::<ty!($k)>,
        }),*]
    };
    ($func:ident; $($k:ident),*) => {
        &[$(Loop {
            types: &[Kind::$k, Kind::$k, Kind::$k, Kind::$k],
            func: $func::<ty!($k)>,
        }),*]
    };
}

/// `where(cond, x, y)` as a ufunc: `cond` read as bool (any dtype, cast
/// unsafely), x and y promoted; a Python int that does not fit wraps, as
/// in NumPy (`where(c, int8_array, 300)` holds 44).
pub static WHERE: Ufunc = Ufunc {
    name: "where",
    nin: 3,
    weak_ints: WeakInts::Wrap,
    loops: three_loops!(where_loop, Bool; Bool, Int8, UInt8, Int16, UInt16, Int32, UInt32, Int64,
        UInt64, Float16, Float32, Float64, Complex64, Complex128),
    resolver: Resolver::Select,
    no_loop_message: None,
    check: None,
    compute_bound: false,
    memo: LoopMemo::EMPTY,
};

const CLIP_LOOPS: &[Loop] = three_loops!(clip_loop; Bool, Int8, UInt8, Int16, UInt16, Int32,
    UInt32, Int64, UInt64, Float16);
const CLIP_COMPLEX_LOOPS: &[Loop] = three_loops!(clip_complex_loop; Complex64, Complex128);
const CLIP_FLOAT_LOOPS: &[Loop] = three_loops!(clip_float_loop; Float32, Float64);

/// NumPy's `clip` ufunc (both bounds given); see `clip` for the rest.
pub static CLIP: Ufunc = Ufunc {
    name: "clip",
    nin: 3,
    weak_ints: WeakInts::Strict,
    loops: &[
        CLIP_LOOPS[0],
        CLIP_LOOPS[1],
        CLIP_LOOPS[2],
        CLIP_LOOPS[3],
        CLIP_LOOPS[4],
        CLIP_LOOPS[5],
        CLIP_LOOPS[6],
        CLIP_LOOPS[7],
        CLIP_LOOPS[8],
        CLIP_LOOPS[9],
        CLIP_FLOAT_LOOPS[0],
        CLIP_FLOAT_LOOPS[1],
        CLIP_COMPLEX_LOOPS[0],
        CLIP_COMPLEX_LOOPS[1],
    ],
    resolver: Resolver::Default,
    no_loop_message: None,
    check: None,
    compute_bound: false,
    memo: LoopMemo::EMPTY,
};

/// NumPy's `np.where(cond, x, y)`.
pub fn where_(cond: &Array, x: &Array, y: &Array) -> Result<Array> {
    WHERE.call(&[cond, x, y], None)
}

/// NumPy's `np.clip(a, a_min, a_max, out=out)`, `None` for a missing bound.
pub fn clip(
    a: &Array,
    lo: Option<&Array>,
    hi: Option<&Array>,
    out: Option<&Array>,
) -> Result<Array> {
    // NumPy 2's _clip: for an integer array a Python-int bound at or past
    // the dtype's range is no bound.
    let (lo, hi) = match a.dtype().kind() {
        Some(k) if matches!(k.class(), KindClass::Signed | KindClass::Unsigned) => {
            let (min, max) = int_range(k);
            let beyond = |b: Option<&Array>, low: bool| -> Result<bool> {
                let Some(b) = b.filter(|b| b.is_weak()) else {
                    return Ok(false);
                };
                Ok(match b.get(&[])? {
                    Value::Int(v) => {
                        if low {
                            (v as i128) <= min
                        } else {
                            (v as i128) >= max
                        }
                    }
                    Value::UInt(v) => {
                        if low {
                            (v as i128) <= min
                        } else {
                            (v as i128) >= max
                        }
                    }
                    _ => false,
                })
            };
            (
                if beyond(lo, true)? { None } else { lo },
                if beyond(hi, false)? { None } else { hi },
            )
        }
        _ => (lo, hi),
    };
    match (lo, hi) {
        (None, None) => super::unary::POSITIVE.call(&[a], out),
        (None, Some(hi)) => super::compare::MINIMUM.call(&[a, hi], out),
        (Some(lo), None) => super::compare::MAXIMUM.call(&[a, lo], out),
        (Some(lo), Some(hi)) => CLIP.call(&[a, lo, hi], out),
    }
}

/// The smallest and largest value of an integer kind.
fn int_range(k: Kind) -> (i128, i128) {
    let bits = 8 * k.size() as u32;
    if k.class() == KindClass::Signed {
        (-(1i128 << (bits - 1)), (1i128 << (bits - 1)) - 1)
    } else {
        (0, (1i128 << bits) - 1)
    }
}

/// NumPy's `np.divmod(a, b, out=(q, r))`: floor_divide and remainder.
/// Both outputs are checked before either is written, and inputs are read
/// before any output is, whatever aliases what.
pub fn divmod(
    a: &Array,
    b: &Array,
    out_q: Option<&Array>,
    out_r: Option<&Array>,
) -> Result<(Array, Array)> {
    divmod_parts(a, b, out_q, out_r).map_err(|e| {
        // NumPy names the ufunc the caller called.
        let msg = e
            .message()
            .replace("ufunc 'floor_divide'", "ufunc 'divmod'")
            .replace("ufunc 'remainder'", "ufunc 'divmod'");
        crate::error::Error::new(e.kind(), msg)
    })
}

fn divmod_parts(
    a: &Array,
    b: &Array,
    out_q: Option<&Array>,
    out_r: Option<&Array>,
) -> Result<(Array, Array)> {
    use super::divmod::{FLOOR_DIVIDE, REMAINDER};
    // Outputs may be larger than the inputs' shape (the results are
    // broadcast into them), as for every ufunc. NumPy finds the loop, then
    // broadcasts all operands (its message lists the outputs too), then
    // computes: a shape error comes before any work unless the types (or
    // a Python scalar's conversion) fail first.
    let typed =
        !a.is_weak() && !b.is_weak() && FLOOR_DIVIDE.resolve(&[a.dtype(), b.dtype()]).is_ok();
    let early = if typed {
        Some(super::engine::call_shape(&[a, b], &[out_q, out_r], None)?)
    } else {
        None
    };
    let q = FLOOR_DIVIDE.call(&[a, b], None)?;
    let r = REMAINDER.call(&[a, b], None)?;
    let shape = match early {
        Some(s) => s,
        None => super::engine::call_shape(&[a, b], &[out_q, out_r], None)?,
    };
    let checked = |o: Option<&Array>, v: &Array, u: &Ufunc| -> Result<()> {
        match o {
            Some(o) => u.check_out(o, &shape, v.dtype()),
            None => Ok(()),
        }
    };
    checked(out_q, &q, &FLOOR_DIVIDE)?;
    checked(out_r, &r, &REMAINDER)?;
    let place = |o: Option<&Array>, v: Array| -> Result<Array> {
        match o {
            Some(o) => {
                super::cast::assign(o, &v, Casting::SameKind)?;
                Ok(o.view())
            }
            // The other output set a larger shape: this one has it too.
            None if v.shape() != &shape[..] => {
                let full = Array::empty(v.dtype(), &shape, crate::layout::Order::C)?;
                super::cast::assign(&full, &v, Casting::No)?;
                Ok(full)
            }
            None => Ok(v),
        }
    };
    Ok((place(out_q, q)?, place(out_r, r)?))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clip_keeps_x_on_ties_and_propagates_nan() {
        assert_eq!(clip_one(5i8, 0, 3), 3);
        assert_eq!(clip_one(-5i8, 0, 3), 0);
        assert!(clip_one(-0.0f64, -0.0, 0.0).is_sign_negative());
        assert!(clip_one(0.0f64, -0.0, 0.0).is_sign_positive());
        assert!(clip_one(f64::NAN, 0.0, 1.0).is_nan());
        assert!(clip_one(0.5f64, f64::NAN, 1.0).is_nan());
        assert!(clip_one(0.5f64, 0.0, f64::NAN).is_nan());
        // Bounds in the wrong order: the upper one wins, as NumPy's.
        assert_eq!(clip_one(2.0f64, 3.0, 1.0), 1.0);
        assert!(clip_to_bound(0.0f64, -0.0, 1.0).is_sign_negative());
        assert!(clip_to_bound(0.5f32, f32::NAN, 1.0).is_nan());
        assert_eq!(int_range(Kind::Int8), (-128, 127));
        assert_eq!(int_range(Kind::UInt64), (0, u64::MAX as i128));
    }
}
