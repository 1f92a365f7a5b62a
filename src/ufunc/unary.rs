//! One-input ufuncs: negative, positive, absolute, square, sqrt, floor,
//! ceil, trunc, rint, conjugate, and the predicates isnan, isinf, isfinite,
//! signbit. float16 computes through float32 as NumPy's half loops; complex
//! absolute is NumPy's SIMD formula (larger * sqrt(fma(r, r, 1)), measured
//! bit-exact); complex sqrt is the C99 algorithm (glibc's csqrt scales
//! extremes further: within 2 ulps).

use half::f16;
use num_complex::{Complex32, Complex64};

use super::engine::{Resolver, WeakInts};
use super::tables::{ufunc, unary1};

/// A one-input operation.
pub trait UnaryOp<A> {
    type Out: Copy;
    fn call(a: A) -> Self::Out;
}

/// The unary loop: aligned contiguous runs take the dense loop
/// (vectorised, also in place), others are strided.
///
/// # Safety
/// `args` are two pointers (in, out) valid for `n` elements at `steps`;
/// `out` overlaps the input only by being exactly it.
pub unsafe fn unary_loop<A: Copy, Op: UnaryOp<A>>(args: &[*mut u8], steps: &[isize], n: usize) {
    let (a, o) = (args[0] as *const A, args[1] as *mut Op::Out);
    // SAFETY (both blocks): forwarded from the caller.
    unsafe {
        if a.is_aligned()
            && o.is_aligned()
            && steps[0] == size_of::<A>() as isize
            && steps[1] == size_of::<Op::Out>() as isize
        {
            return super::dense::unary::<_, _, true>(a, o, n, Op::call);
        }
        for i in 0..n as isize {
            let x = (args[0].wrapping_offset(i * steps[0]) as *const A).read_unaligned();
            (args[1].wrapping_offset(i * steps[1]) as *mut Op::Out).write_unaligned(Op::call(x));
        }
    }
}

pub struct Negative;
pub struct Positive;
pub struct Absolute;
pub struct Square;
pub struct Sqrt;
pub struct Floor;
pub struct Ceil;
pub struct Trunc;
pub struct Rint;
pub struct Conjugate;
pub struct Reciprocal;
pub struct Sign;
pub struct IsNan;
pub struct IsInf;
pub struct IsFinite;
pub struct Signbit;

macro_rules! op {
    ($op:ident, $t:ty => $o:ty, |$x:ident| $body:expr) => {
        impl UnaryOp<$t> for $op {
            type Out = $o;
            #[inline(always)]
            fn call($x: $t) -> $o {
                $body
            }
        }
    };
}

macro_rules! int_ops {
    ($($t:ty),*) => {$(
        op!(Negative, $t => $t, |x| x.wrapping_neg());
        op!(Positive, $t => $t, |x| x);
        op!(Square, $t => $t, |x| x.wrapping_mul(x));
        op!(Floor, $t => $t, |x| x);
        op!(Ceil, $t => $t, |x| x);
        op!(Trunc, $t => $t, |x| x);
        op!(Conjugate, $t => $t, |x| x);
        op!(IsNan, $t => bool, |_x| false);
        op!(IsInf, $t => bool, |_x| false);
        op!(IsFinite, $t => bool, |_x| true);
    )*};
}
int_ops!(i8, i16, i32, i64, u8, u16, u32, u64);
/// Integer reciprocal as NumPy computes it: 1.0 / x in double, converted
/// back with C's (x86-64) conversion, so 1 / 0 gives 0 (int8) or MIN (int64).
macro_rules! int_reciprocal_sign {
    ($($t:ty),*) => {$(
        op!(Reciprocal, $t => $t, |x| <$t as crate::dtype::Element>::from_value(
            crate::dtype::Value::F64(1.0 / x as f64)));
        #[allow(unused_comparisons)]
        impl UnaryOp<$t> for Sign {
            type Out = $t;
            #[inline(always)]
            fn call(x: $t) -> $t {
                if x > 0 { 1 } else if x < 0 { (0 as $t).wrapping_sub(1) } else { 0 }
            }
        }
    )*};
}
int_reciprocal_sign!(i8, i16, i32, i64, u8, u16, u32, u64);

macro_rules! abs_signed { ($($t:ty),*) => {$( op!(Absolute, $t => $t, |x| x.wrapping_abs()); )*}; }
abs_signed!(i8, i16, i32, i64);
macro_rules! abs_unsigned { ($($t:ty),*) => {$( op!(Absolute, $t => $t, |x| x); )*}; }
abs_unsigned!(u8, u16, u32, u64);

op!(Absolute, bool => bool, |x| x);
op!(Floor, bool => bool, |x| x);
op!(Ceil, bool => bool, |x| x);
op!(Trunc, bool => bool, |x| x);
op!(IsNan, bool => bool, |_x| false);
op!(IsInf, bool => bool, |_x| false);
op!(IsFinite, bool => bool, |_x| true);

macro_rules! float_ops {
    ($($t:ty),*) => {$(
        op!(Negative, $t => $t, |x| -x);
        op!(Positive, $t => $t, |x| x);
        op!(Absolute, $t => $t, |x| x.abs());
        op!(Square, $t => $t, |x| x * x);
        op!(Sqrt, $t => $t, |x| x.sqrt());
        op!(Floor, $t => $t, |x| x.floor());
        op!(Ceil, $t => $t, |x| x.ceil());
        op!(Trunc, $t => $t, |x| x.trunc());
        op!(Rint, $t => $t, |x| x.round_ties_even());
        op!(Conjugate, $t => $t, |x| x);
        op!(IsNan, $t => bool, |x| x.is_nan());
        op!(IsInf, $t => bool, |x| x.is_infinite());
        op!(IsFinite, $t => bool, |x| x.is_finite());
        op!(Signbit, $t => bool, |x| x.is_sign_negative());
        op!(Reciprocal, $t => $t, |x| 1.0 / x);
        // NaN stays NaN; -0.0 gives +0.0, as NumPy's `in == 0 ? 0 : in`.
        op!(Sign, $t => $t, |x| if x > 0.0 { 1.0 } else if x < 0.0 { -1.0 } else if x == 0.0 { 0.0 } else { x });
    )*};
}
float_ops!(f32, f64);

/// float16 through float32, rounding once back, as NumPy's half loops.
macro_rules! half_via_f32 {
    ($($op:ident => |$x:ident| $body:expr),* $(,)?) => {$(
        op!($op, f16 => f16, |h| { let $x = h.to_f32(); f16::from_f32($body) });
    )*};
}
half_via_f32!(
    Reciprocal => |x| 1.0 / x,
    Sign => |x| if x > 0.0 { 1.0 } else if x < 0.0 { -1.0 } else if x == 0.0 { 0.0 } else { x },
    Square => |x| x * x,
    Sqrt => |x| x.sqrt(),
    Floor => |x| x.floor(),
    Ceil => |x| x.ceil(),
    Trunc => |x| x.trunc(),
    Rint => |x| x.round_ties_even(),
);
op!(Negative, f16 => f16, |x| f16::from_bits(x.to_bits() ^ 0x8000));
op!(Positive, f16 => f16, |x| x);
op!(Absolute, f16 => f16, |x| f16::from_bits(x.to_bits() & 0x7fff));
op!(Conjugate, f16 => f16, |x| x);
op!(IsNan, f16 => bool, |x| x.is_nan());
op!(IsInf, f16 => bool, |x| x.is_infinite());
op!(IsFinite, f16 => bool, |x| x.is_finite());
op!(Signbit, f16 => bool, |x| x.is_sign_negative());

macro_rules! complex_ops {
    ($t:ty, $f:ty) => {
        op!(Negative, $t => $t, |x| <$t>::new(-x.re, -x.im));
        op!(Positive, $t => $t, |x| x);
        op!(Absolute, $t => $f, |x| {
            let (a, b) = (x.re.abs(), x.im.abs());
            if a.is_infinite() || b.is_infinite() {
                <$f>::INFINITY
            } else if a.is_nan() || b.is_nan() {
                <$f>::NAN
            } else {
                let (l, s) = if a > b { (a, b) } else { (b, a) };
                if l == 0.0 {
                    0.0
                } else {
                    let r = s / l;
                    l * r.mul_add(r, 1.0).sqrt()
                }
            }
        });
        op!(Square, $t => $t, |x| <$t>::new(
            x.re.mul_add(x.re, -(x.im * x.im)),
            x.re.mul_add(x.im, x.im * x.re)
        ));
        op!(Sqrt, $t => $t, |z| {
            // C99 Annex G csqrt: exact zeros, then the stable branch.
            if z.re == 0.0 && z.im == 0.0 {
                <$t>::new(0.0, z.im)
            } else if z.im.is_infinite() {
                <$t>::new(<$f>::INFINITY, z.im)
            } else {
                let t = ((z.re.abs() + z.re.hypot(z.im)) / 2.0).sqrt();
                if z.re >= 0.0 {
                    <$t>::new(t, z.im / (2.0 * t))
                } else {
                    <$t>::new(z.im.abs() / (2.0 * t), t.copysign(z.im))
                }
            }
        });
        op!(Rint, $t => $t, |x| <$t>::new(x.re.round_ties_even(), x.im.round_ties_even()));
        // NumPy's complex reciprocal (its own two branches; 0 gives nan+nanj).
        op!(Reciprocal, $t => $t, |z| {
            if z.im.abs() <= z.re.abs() {
                let r = z.im / z.re;
                let d = z.re + z.im * r;
                <$t>::new(1.0 / d, -r / d)
            } else {
                let r = z.re / z.im;
                let d = z.re * r + z.im;
                <$t>::new(r / d, -1.0 / d)
            }
        });
        // NumPy 2's complex sign: z / |z|, with its infinity and NaN cases.
        op!(Sign, $t => $t, |z| {
            let abs = z.re.hypot(z.im);
            if abs.is_nan() {
                <$t>::new(<$f>::NAN, <$f>::NAN)
            } else if abs.is_infinite() {
                match (z.re.is_infinite(), z.im.is_infinite()) {
                    (true, true) => <$t>::new(<$f>::NAN, <$f>::NAN),
                    (true, false) => <$t>::new(if z.re > 0.0 { 1.0 } else { -1.0 }, 0.0),
                    _ => <$t>::new(0.0, if z.im > 0.0 { 1.0 } else { -1.0 }),
                }
            } else if abs == 0.0 {
                <$t>::new(0.0, 0.0)
            } else {
                <$t>::new(z.re / abs, z.im / abs)
            }
        });
        op!(Conjugate, $t => $t, |x| <$t>::new(x.re, -x.im));
        op!(IsNan, $t => bool, |x| x.re.is_nan() || x.im.is_nan());
        op!(IsInf, $t => bool, |x| x.re.is_infinite() || x.im.is_infinite());
        op!(IsFinite, $t => bool, |x| x.re.is_finite() && x.im.is_finite());
    };
}
complex_ops!(Complex32, f32);
complex_ops!(Complex64, f64);

ufunc!(
    NEGATIVE,
    "negative",
    1,
    unary1!(Negative; Int8 => Int8, UInt8 => UInt8, Int16 => Int16, UInt16 => UInt16, Int32 => Int32, UInt32 => UInt32, Int64 => Int64, UInt64 => UInt64, Float16 => Float16, Float32 => Float32, Float64 => Float64, Complex64 => Complex64, Complex128 => Complex128),
    WeakInts::Strict,
    Resolver::NoBool,
    Some(
        "The numpy boolean negative, the `-` operator, is not supported, use the `~` operator or the logical_not function instead."
    )
);
ufunc!(
    POSITIVE,
    "positive",
    1,
    unary1!(Positive; Int8 => Int8, UInt8 => UInt8, Int16 => Int16, UInt16 => UInt16, Int32 => Int32, UInt32 => UInt32, Int64 => Int64, UInt64 => UInt64, Float16 => Float16, Float32 => Float32, Float64 => Float64, Complex64 => Complex64, Complex128 => Complex128),
    WeakInts::Strict,
    Resolver::NoBool,
    None
);
ufunc!(
    RECIPROCAL,
    "reciprocal",
    1,
    unary1!(Reciprocal; Int8 => Int8, UInt8 => UInt8, Int16 => Int16, UInt16 => UInt16, Int32 => Int32, UInt32 => UInt32, Int64 => Int64, UInt64 => UInt64, Float16 => Float16, Float32 => Float32, Float64 => Float64, Complex64 => Complex64, Complex128 => Complex128)
);
ufunc!(
    SIGN,
    "sign",
    1,
    unary1!(Sign; Int8 => Int8, UInt8 => UInt8, Int16 => Int16, UInt16 => UInt16, Int32 => Int32, UInt32 => UInt32, Int64 => Int64, UInt64 => UInt64, Float16 => Float16, Float32 => Float32, Float64 => Float64, Complex64 => Complex64, Complex128 => Complex128),
    WeakInts::Strict,
    Resolver::NoBool,
    None
);
ufunc!(
    SQUARE,
    "square",
    1,
    unary1!(Square; Int8 => Int8, UInt8 => UInt8, Int16 => Int16, UInt16 => UInt16, Int32 => Int32, UInt32 => UInt32, Int64 => Int64, UInt64 => UInt64, Float16 => Float16, Float32 => Float32, Float64 => Float64, Complex64 => Complex64, Complex128 => Complex128)
);
ufunc!(
    CONJUGATE,
    "conjugate",
    1,
    unary1!(Conjugate; Int8 => Int8, UInt8 => UInt8, Int16 => Int16, UInt16 => UInt16, Int32 => Int32, UInt32 => UInt32, Int64 => Int64, UInt64 => UInt64, Float16 => Float16, Float32 => Float32, Float64 => Float64, Complex64 => Complex64, Complex128 => Complex128)
);
ufunc!(
    ABSOLUTE,
    "absolute",
    1,
    unary1!(Absolute; Bool => Bool, Int8 => Int8, UInt8 => UInt8, Int16 => Int16, UInt16 => UInt16, Int32 => Int32, UInt32 => UInt32, Int64 => Int64, UInt64 => UInt64, Float16 => Float16, Float32 => Float32, Float64 => Float64, Complex64 => Float32, Complex128 => Float64)
);
ufunc!(
    SQRT,
    "sqrt",
    1,
    unary1!(Sqrt; Float16 => Float16, Float32 => Float32, Float64 => Float64, Complex64 => Complex64, Complex128 => Complex128)
);
ufunc!(
    RINT,
    "rint",
    1,
    unary1!(Rint; Float16 => Float16, Float32 => Float32, Float64 => Float64, Complex64 => Complex64, Complex128 => Complex128)
);
ufunc!(
    FLOOR,
    "floor",
    1,
    unary1!(Floor; Bool => Bool, Int8 => Int8, UInt8 => UInt8, Int16 => Int16, UInt16 => UInt16, Int32 => Int32, UInt32 => UInt32, Int64 => Int64, UInt64 => UInt64, Float16 => Float16, Float32 => Float32, Float64 => Float64)
);
ufunc!(
    CEIL,
    "ceil",
    1,
    unary1!(Ceil; Bool => Bool, Int8 => Int8, UInt8 => UInt8, Int16 => Int16, UInt16 => UInt16, Int32 => Int32, UInt32 => UInt32, Int64 => Int64, UInt64 => UInt64, Float16 => Float16, Float32 => Float32, Float64 => Float64)
);
ufunc!(
    TRUNC,
    "trunc",
    1,
    unary1!(Trunc; Bool => Bool, Int8 => Int8, UInt8 => UInt8, Int16 => Int16, UInt16 => UInt16, Int32 => Int32, UInt32 => UInt32, Int64 => Int64, UInt64 => UInt64, Float16 => Float16, Float32 => Float32, Float64 => Float64)
);
ufunc!(
    ISNAN,
    "isnan",
    1,
    unary1!(IsNan; Bool => Bool, Int8 => Bool, UInt8 => Bool, Int16 => Bool, UInt16 => Bool, Int32 => Bool, UInt32 => Bool, Int64 => Bool, UInt64 => Bool, Float16 => Bool, Float32 => Bool, Float64 => Bool, Complex64 => Bool, Complex128 => Bool)
);
ufunc!(
    ISINF,
    "isinf",
    1,
    unary1!(IsInf; Bool => Bool, Int8 => Bool, UInt8 => Bool, Int16 => Bool, UInt16 => Bool, Int32 => Bool, UInt32 => Bool, Int64 => Bool, UInt64 => Bool, Float16 => Bool, Float32 => Bool, Float64 => Bool, Complex64 => Bool, Complex128 => Bool)
);
ufunc!(
    ISFINITE,
    "isfinite",
    1,
    unary1!(IsFinite; Bool => Bool, Int8 => Bool, UInt8 => Bool, Int16 => Bool, UInt16 => Bool, Int32 => Bool, UInt32 => Bool, Int64 => Bool, UInt64 => Bool, Float16 => Bool, Float32 => Bool, Float64 => Bool, Complex64 => Bool, Complex128 => Bool)
);
ufunc!(
    SIGNBIT,
    "signbit",
    1,
    unary1!(Signbit; Float16 => Bool, Float32 => Bool, Float64 => Bool)
);
