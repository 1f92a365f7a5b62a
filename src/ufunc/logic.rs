//! Logical (logical_and, logical_or, logical_xor, logical_not), bitwise
//! (bitwise_and, bitwise_or, bitwise_xor, invert) and shift (left_shift,
//! right_shift) ufuncs. Truth is "non-zero" (NaN is true; complex: either
//! part). Shifts follow NumPy: a count at or beyond the width (or negative)
//! gives 0, or -1 when right-shifting a negative number.

use half::f16;
use num_complex::{Complex32, Complex64};

use super::arith::BinaryOp;
use super::engine::{Resolver, WeakInts};
use super::tables::{same2, to_bool2, ufunc, unary1};
use super::unary::UnaryOp;

/// "Is this element non-zero?" for every element type.
pub trait Truth: Copy {
    fn truth(self) -> bool;
}
macro_rules! truth_num { ($($t:ty),*) => {$( impl Truth for $t { #[inline(always)] fn truth(self) -> bool { self != (0 as $t) } } )*}; }
truth_num!(i8, i16, i32, i64, u8, u16, u32, u64, f32, f64);
impl Truth for bool {
    #[inline(always)]
    fn truth(self) -> bool {
        self
    }
}
impl Truth for f16 {
    #[inline(always)]
    fn truth(self) -> bool {
        self.to_f32() != 0.0
    }
}
impl Truth for Complex32 {
    #[inline(always)]
    fn truth(self) -> bool {
        self.re != 0.0 || self.im != 0.0
    }
}
impl Truth for Complex64 {
    #[inline(always)]
    fn truth(self) -> bool {
        self.re != 0.0 || self.im != 0.0
    }
}

pub struct LogicalAnd;
pub struct LogicalOr;
pub struct LogicalXor;
pub struct LogicalNot;

impl<T: Truth> BinaryOp<T> for LogicalAnd {
    type Out = bool;
    #[inline(always)]
    fn call(a: T, b: T) -> bool {
        a.truth() && b.truth()
    }
}
impl<T: Truth> BinaryOp<T> for LogicalOr {
    type Out = bool;
    #[inline(always)]
    fn call(a: T, b: T) -> bool {
        a.truth() || b.truth()
    }
}
impl<T: Truth> BinaryOp<T> for LogicalXor {
    type Out = bool;
    #[inline(always)]
    fn call(a: T, b: T) -> bool {
        a.truth() != b.truth()
    }
}
impl<T: Truth> UnaryOp<T> for LogicalNot {
    type Out = bool;
    #[inline(always)]
    fn call(a: T) -> bool {
        !a.truth()
    }
}

pub struct BitAnd;
pub struct BitOr;
pub struct BitXor;
pub struct Invert;
pub struct LeftShift;
pub struct RightShift;

macro_rules! bit_ops {
    ($($t:ty),*) => {$(
        impl BinaryOp<$t> for BitAnd { type Out = $t; #[inline(always)] fn call(a: $t, b: $t) -> $t { a & b } }
        impl BinaryOp<$t> for BitOr { type Out = $t; #[inline(always)] fn call(a: $t, b: $t) -> $t { a | b } }
        impl BinaryOp<$t> for BitXor { type Out = $t; #[inline(always)] fn call(a: $t, b: $t) -> $t { a ^ b } }
        impl UnaryOp<$t> for Invert { type Out = $t; #[inline(always)] fn call(a: $t) -> $t { !a } }
    )*};
}
bit_ops!(bool, i8, i16, i32, i64, u8, u16, u32, u64);

macro_rules! shift_ops {
    ($($t:ty),*) => {$(
        impl BinaryOp<$t> for LeftShift {
            type Out = $t;
            #[inline(always)]
            fn call(a: $t, b: $t) -> $t {
                // NumPy compares the count as an unsigned size_t.
                if (b as u64) < <$t>::BITS as u64 { a << b } else { 0 }
            }
        }
        impl BinaryOp<$t> for RightShift {
            type Out = $t;
            #[inline(always)]
            #[allow(unused_comparisons)]
            fn call(a: $t, b: $t) -> $t {
                if (b as u64) < <$t>::BITS as u64 {
                    a >> b
                } else if a < 0 {
                    !0
                } else {
                    0
                }
            }
        }
    )*};
}
shift_ops!(i8, i16, i32, i64, u8, u16, u32, u64);

/// Logical ufuncs only look at truth: NumPy converts any Python int
/// through C long for them.
macro_rules! logical {
    ($static:ident, $name:literal, $op:ty) => {
        ufunc!($static, $name, 2, to_bool2!($op; Bool, Int8, UInt8, Int16, UInt16, Int32, UInt32, Int64, UInt64, Float16, Float32, Float64, Complex64, Complex128), WeakInts::AsLong, Resolver::Default, None);
    };
}

logical!(LOGICAL_AND, "logical_and", LogicalAnd);
logical!(LOGICAL_OR, "logical_or", LogicalOr);
logical!(LOGICAL_XOR, "logical_xor", LogicalXor);
ufunc!(
    BITWISE_AND,
    "bitwise_and",
    2,
    same2!(BitAnd; Bool, Int8, UInt8, Int16, UInt16, Int32, UInt32, Int64, UInt64)
);
ufunc!(
    BITWISE_OR,
    "bitwise_or",
    2,
    same2!(BitOr; Bool, Int8, UInt8, Int16, UInt16, Int32, UInt32, Int64, UInt64)
);
ufunc!(
    BITWISE_XOR,
    "bitwise_xor",
    2,
    same2!(BitXor; Bool, Int8, UInt8, Int16, UInt16, Int32, UInt32, Int64, UInt64)
);
ufunc!(
    LEFT_SHIFT,
    "left_shift",
    2,
    same2!(LeftShift; Int8, UInt8, Int16, UInt16, Int32, UInt32, Int64, UInt64)
);
ufunc!(
    RIGHT_SHIFT,
    "right_shift",
    2,
    same2!(RightShift; Int8, UInt8, Int16, UInt16, Int32, UInt32, Int64, UInt64)
);
ufunc!(
    LOGICAL_NOT,
    "logical_not",
    1,
    unary1!(LogicalNot; Bool => Bool, Int8 => Bool, UInt8 => Bool, Int16 => Bool, UInt16 => Bool, Int32 => Bool, UInt32 => Bool, Int64 => Bool, UInt64 => Bool, Float16 => Bool, Float32 => Bool, Float64 => Bool, Complex64 => Bool, Complex128 => Bool)
);
ufunc!(
    INVERT,
    "invert",
    1,
    unary1!(Invert; Bool => Bool, Int8 => Int8, UInt8 => UInt8, Int16 => Int16, UInt16 => UInt16, Int32 => Int32, UInt32 => UInt32, Int64 => Int64, UInt64 => UInt64)
);
