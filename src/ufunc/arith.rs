//! Arithmetic ufuncs: add, subtract, multiply, true_divide. One generic
//! binary loop per operation and type, with NumPy's value rules: integers
//! wrap, float16 computes through float32, complex division is Smith's
//! method as NumPy's, booleans add as `or` and multiply as `and`.

use num_complex::{Complex32, Complex64};

use super::engine::{Resolver, WeakInts};
use super::tables::{half_binary, same2, ufunc};

/// A binary operation: `A` and `B` in, `Out` out (for arithmetic all one
/// type; comparisons return bool).
pub trait BinaryOp<A, B = A> {
    type Out: Copy;
    fn call(a: A, b: B) -> Self::Out;
}

/// The binary loop: aligned runs that are contiguous or repeat one element
/// (step 0) take the dense loop (vectorised, also in place); others are
/// strided.
///
/// # Safety
/// `args` are three pointers (a, b, out) valid for `n` elements at `steps`;
/// `out` overlaps an input only by being exactly it.
pub unsafe fn binary_loop<A: Copy, B: Copy, Op: BinaryOp<A, B>>(
    args: &[*mut u8],
    steps: &[isize],
    n: usize,
) {
    let (sa, sb, so) = (
        size_of::<A>() as isize,
        size_of::<B>() as isize,
        size_of::<Op::Out>() as isize,
    );
    let (a, b, o) = (
        args[0] as *const A,
        args[1] as *const B,
        args[2] as *mut Op::Out,
    );
    let aligned = a.is_aligned() && b.is_aligned() && o.is_aligned();
    let (ra, rb) = (steps[0] == sa, steps[1] == sb);
    // SAFETY (both blocks): forwarded from the caller; the dense loop only
    // for aligned runs and repeated elements.
    unsafe {
        if aligned && steps[2] == so {
            use super::dense::binary;
            match (ra, rb, steps[0] == 0, steps[1] == 0) {
                (true, true, _, _) => return binary::<_, _, _, true, true>(a, b, o, n, Op::call),
                (true, _, _, true) => return binary::<_, _, _, true, false>(a, b, o, n, Op::call),
                (_, true, true, _) => return binary::<_, _, _, false, true>(a, b, o, n, Op::call),
                _ => {}
            }
        }
        for i in 0..n as isize {
            let x = (args[0].wrapping_offset(i * steps[0]) as *const A).read_unaligned();
            let y = (args[1].wrapping_offset(i * steps[1]) as *const B).read_unaligned();
            (args[2].wrapping_offset(i * steps[2]) as *mut Op::Out).write_unaligned(Op::call(x, y));
        }
    }
}

pub struct Add;
pub struct Sub;
pub struct Mul;
pub struct Div;

macro_rules! int_ops {
    ($($t:ty),*) => {$(
        impl BinaryOp<$t> for Add { type Out = $t; #[inline(always)] fn call(a: $t, b: $t) -> $t { a.wrapping_add(b) } }
        impl BinaryOp<$t> for Sub { type Out = $t; #[inline(always)] fn call(a: $t, b: $t) -> $t { a.wrapping_sub(b) } }
        impl BinaryOp<$t> for Mul { type Out = $t; #[inline(always)] fn call(a: $t, b: $t) -> $t { a.wrapping_mul(b) } }
    )*};
}
int_ops!(i8, i16, i32, i64, u8, u16, u32, u64);

macro_rules! float_ops {
    ($($t:ty),*) => {$(
        impl BinaryOp<$t> for Add { type Out = $t; #[inline(always)] fn call(a: $t, b: $t) -> $t { a + b } }
        impl BinaryOp<$t> for Sub { type Out = $t; #[inline(always)] fn call(a: $t, b: $t) -> $t { a - b } }
        impl BinaryOp<$t> for Mul { type Out = $t; #[inline(always)] fn call(a: $t, b: $t) -> $t { a * b } }
        impl BinaryOp<$t> for Div { type Out = $t; #[inline(always)] fn call(a: $t, b: $t) -> $t { a / b } }
    )*};
}
float_ops!(f32, f64);

// float16 arithmetic rounds once from float32, as NumPy's half loops.
half_binary!(Add, Sub, Mul, Div);

impl BinaryOp<bool> for Add {
    type Out = bool;
    #[inline(always)]
    fn call(a: bool, b: bool) -> bool {
        a | b
    }
}
impl BinaryOp<bool> for Mul {
    type Out = bool;
    #[inline(always)]
    fn call(a: bool, b: bool) -> bool {
        a & b
    }
}

macro_rules! complex_ops {
    ($t:ty, $f:ty) => {
        impl BinaryOp<$t> for Add {
            type Out = $t;
            #[inline(always)]
            fn call(a: $t, b: $t) -> $t {
                a + b
            }
        }
        impl BinaryOp<$t> for Sub {
            type Out = $t;
            #[inline(always)]
            fn call(a: $t, b: $t) -> $t {
                a - b
            }
        }
        /// NumPy's complex product on FMA machines (measured bit-exact
        /// against NumPy 2.4 here): the products with `a.re` are fused.
        impl BinaryOp<$t> for Mul {
            type Out = $t;
            #[inline(always)]
            fn call(a: $t, b: $t) -> $t {
                <$t>::new(
                    a.re.mul_add(b.re, -(a.im * b.im)),
                    a.re.mul_add(b.im, a.im * b.re),
                )
            }
        }
        /// Smith's division with NumPy's branches (and its 0/0 case).
        impl BinaryOp<$t> for Div {
            type Out = $t;
            #[inline(always)]
            fn call(a: $t, b: $t) -> $t {
                let (br_abs, bi_abs) = (b.re.abs(), b.im.abs());
                if br_abs >= bi_abs {
                    if br_abs == 0.0 && bi_abs == 0.0 {
                        <$t>::new(a.re / br_abs, a.im / br_abs)
                    } else {
                        let rat = b.im / b.re;
                        let scl = 1.0 as $f / (b.re + b.im * rat);
                        <$t>::new((a.re + a.im * rat) * scl, (a.im - a.re * rat) * scl)
                    }
                } else {
                    let rat = b.re / b.im;
                    let scl = 1.0 as $f / (b.im + b.re * rat);
                    <$t>::new((a.re * rat + a.im) * scl, (a.im * rat - a.re) * scl)
                }
            }
        }
    };
}
complex_ops!(Complex32, f32);
complex_ops!(Complex64, f64);

ufunc!(
    ADD,
    "add",
    2,
    same2!(Add; Bool, Int8, UInt8, Int16, UInt16, Int32, UInt32, Int64, UInt64, Float16, Float32, Float64, Complex64, Complex128)
);
ufunc!(
    SUBTRACT,
    "subtract",
    2,
    same2!(Sub; Int8, UInt8, Int16, UInt16, Int32, UInt32, Int64, UInt64, Float16, Float32, Float64, Complex64, Complex128),
    WeakInts::Strict,
    Resolver::NoBool,
    Some(
        "numpy boolean subtract, the `-` operator, is not supported, use the bitwise_xor, the `^` operator, or the logical_xor function instead."
    )
);
ufunc!(
    MULTIPLY,
    "multiply",
    2,
    same2!(Mul; Bool, Int8, UInt8, Int16, UInt16, Int32, UInt32, Int64, UInt64, Float16, Float32, Float64, Complex64, Complex128)
);
ufunc!(
    TRUE_DIVIDE,
    "divide",
    2,
    same2!(Div; Float16, Float32, Float64, Complex64, Complex128),
    WeakInts::Strict,
    Resolver::TrueDivide,
    None
);
