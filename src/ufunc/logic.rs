//! Logical (logical_and, logical_or, logical_xor, logical_not), bitwise
//! (bitwise_and, bitwise_or, bitwise_xor, invert) and shift (left_shift,
//! right_shift) ufuncs. Truth is "non-zero" (NaN is true; complex: either
//! part). Shifts follow NumPy: a count at or beyond the width (or negative)
//! gives 0, or -1 when right-shifting a negative number.

use half::f16;
use num_complex::{Complex32, Complex64};

use super::arith::{BinaryOp, binary_loop};
use super::engine::{Loop, Resolver, Ufunc, WeakInts};
use super::unary::{UnaryOp, unary_loop};
use crate::dtype::Kind;

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

macro_rules! every_type_to_bool {
    ($f:ident, $op:ty) => {
        &[
            Loop {
                types: &[Kind::Bool, Kind::Bool, Kind::Bool],
                func: $f::<bool, bool, $op>,
            },
            Loop {
                types: &[Kind::Int8, Kind::Int8, Kind::Bool],
                func: $f::<i8, i8, $op>,
            },
            Loop {
                types: &[Kind::UInt8, Kind::UInt8, Kind::Bool],
                func: $f::<u8, u8, $op>,
            },
            Loop {
                types: &[Kind::Int16, Kind::Int16, Kind::Bool],
                func: $f::<i16, i16, $op>,
            },
            Loop {
                types: &[Kind::UInt16, Kind::UInt16, Kind::Bool],
                func: $f::<u16, u16, $op>,
            },
            Loop {
                types: &[Kind::Int32, Kind::Int32, Kind::Bool],
                func: $f::<i32, i32, $op>,
            },
            Loop {
                types: &[Kind::UInt32, Kind::UInt32, Kind::Bool],
                func: $f::<u32, u32, $op>,
            },
            Loop {
                types: &[Kind::Int64, Kind::Int64, Kind::Bool],
                func: $f::<i64, i64, $op>,
            },
            Loop {
                types: &[Kind::UInt64, Kind::UInt64, Kind::Bool],
                func: $f::<u64, u64, $op>,
            },
            Loop {
                types: &[Kind::Float16, Kind::Float16, Kind::Bool],
                func: $f::<f16, f16, $op>,
            },
            Loop {
                types: &[Kind::Float32, Kind::Float32, Kind::Bool],
                func: $f::<f32, f32, $op>,
            },
            Loop {
                types: &[Kind::Float64, Kind::Float64, Kind::Bool],
                func: $f::<f64, f64, $op>,
            },
            Loop {
                types: &[Kind::Complex64, Kind::Complex64, Kind::Bool],
                func: $f::<Complex32, Complex32, $op>,
            },
            Loop {
                types: &[Kind::Complex128, Kind::Complex128, Kind::Bool],
                func: $f::<Complex64, Complex64, $op>,
            },
        ]
    };
}

macro_rules! int_types {
    ($f:ident, $op:ty, bool) => {
        &[
            Loop {
                types: &[Kind::Bool, Kind::Bool, Kind::Bool],
                func: $f::<bool, bool, $op>,
            },
            Loop {
                types: &[Kind::Int8, Kind::Int8, Kind::Int8],
                func: $f::<i8, i8, $op>,
            },
            Loop {
                types: &[Kind::UInt8, Kind::UInt8, Kind::UInt8],
                func: $f::<u8, u8, $op>,
            },
            Loop {
                types: &[Kind::Int16, Kind::Int16, Kind::Int16],
                func: $f::<i16, i16, $op>,
            },
            Loop {
                types: &[Kind::UInt16, Kind::UInt16, Kind::UInt16],
                func: $f::<u16, u16, $op>,
            },
            Loop {
                types: &[Kind::Int32, Kind::Int32, Kind::Int32],
                func: $f::<i32, i32, $op>,
            },
            Loop {
                types: &[Kind::UInt32, Kind::UInt32, Kind::UInt32],
                func: $f::<u32, u32, $op>,
            },
            Loop {
                types: &[Kind::Int64, Kind::Int64, Kind::Int64],
                func: $f::<i64, i64, $op>,
            },
            Loop {
                types: &[Kind::UInt64, Kind::UInt64, Kind::UInt64],
                func: $f::<u64, u64, $op>,
            },
        ]
    };
    ($f:ident, $op:ty) => {
        &[
            Loop {
                types: &[Kind::Int8, Kind::Int8, Kind::Int8],
                func: $f::<i8, i8, $op>,
            },
            Loop {
                types: &[Kind::UInt8, Kind::UInt8, Kind::UInt8],
                func: $f::<u8, u8, $op>,
            },
            Loop {
                types: &[Kind::Int16, Kind::Int16, Kind::Int16],
                func: $f::<i16, i16, $op>,
            },
            Loop {
                types: &[Kind::UInt16, Kind::UInt16, Kind::UInt16],
                func: $f::<u16, u16, $op>,
            },
            Loop {
                types: &[Kind::Int32, Kind::Int32, Kind::Int32],
                func: $f::<i32, i32, $op>,
            },
            Loop {
                types: &[Kind::UInt32, Kind::UInt32, Kind::UInt32],
                func: $f::<u32, u32, $op>,
            },
            Loop {
                types: &[Kind::Int64, Kind::Int64, Kind::Int64],
                func: $f::<i64, i64, $op>,
            },
            Loop {
                types: &[Kind::UInt64, Kind::UInt64, Kind::UInt64],
                func: $f::<u64, u64, $op>,
            },
        ]
    };
}

/// A one-input loop table.
macro_rules! unary_table {
    ($($a:ident => $o:ident : $t:ty),* ; $op:ty) => {
        &[$(Loop { types: &[Kind::$a, Kind::$o], func: unary_loop::<$t, $op> }),*]
    };
}

macro_rules! binary {
    ($static:ident, $name:literal, $widen:expr, $loops:expr) => {
        pub static $static: Ufunc = Ufunc {
            name: $name,
            nin: 2,
            // Logical ufuncs only look at truth: NumPy accepts any Python int.
            weak_ints: $widen,
            loops: $loops,
            resolver: Resolver::Default,
            no_loop_message: None,
        };
    };
}

binary!(
    LOGICAL_AND,
    "logical_and",
    WeakInts::AsLong,
    every_type_to_bool!(binary_loop, LogicalAnd)
);
binary!(
    LOGICAL_OR,
    "logical_or",
    WeakInts::AsLong,
    every_type_to_bool!(binary_loop, LogicalOr)
);
binary!(
    LOGICAL_XOR,
    "logical_xor",
    WeakInts::AsLong,
    every_type_to_bool!(binary_loop, LogicalXor)
);
binary!(
    BITWISE_AND,
    "bitwise_and",
    WeakInts::Strict,
    int_types!(binary_loop, BitAnd, bool)
);
binary!(
    BITWISE_OR,
    "bitwise_or",
    WeakInts::Strict,
    int_types!(binary_loop, BitOr, bool)
);
binary!(
    BITWISE_XOR,
    "bitwise_xor",
    WeakInts::Strict,
    int_types!(binary_loop, BitXor, bool)
);
binary!(
    LEFT_SHIFT,
    "left_shift",
    WeakInts::Strict,
    int_types!(binary_loop, LeftShift)
);
binary!(
    RIGHT_SHIFT,
    "right_shift",
    WeakInts::Strict,
    int_types!(binary_loop, RightShift)
);

pub static LOGICAL_NOT: Ufunc = Ufunc {
    name: "logical_not",
    nin: 1,
    weak_ints: WeakInts::Strict,
    loops: unary_table!(Bool => Bool: bool, Int8 => Bool: i8, UInt8 => Bool: u8, Int16 => Bool: i16,
        UInt16 => Bool: u16, Int32 => Bool: i32, UInt32 => Bool: u32, Int64 => Bool: i64,
        UInt64 => Bool: u64, Float16 => Bool: f16, Float32 => Bool: f32, Float64 => Bool: f64,
        Complex64 => Bool: Complex32, Complex128 => Bool: Complex64; LogicalNot),
    resolver: Resolver::Default,
    no_loop_message: None,
};

pub static INVERT: Ufunc = Ufunc {
    name: "invert",
    nin: 1,
    weak_ints: WeakInts::Strict,
    loops: unary_table!(Bool => Bool: bool, Int8 => Int8: i8, UInt8 => UInt8: u8, Int16 => Int16: i16,
        UInt16 => UInt16: u16, Int32 => Int32: i32, UInt32 => UInt32: u32, Int64 => Int64: i64,
        UInt64 => UInt64: u64; Invert),
    resolver: Resolver::Default,
    no_loop_message: None,
};
