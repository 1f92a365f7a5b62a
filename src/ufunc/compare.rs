//! Comparisons (equal, not_equal, less, less_equal, greater, greater_equal)
//! and extrema (maximum, minimum, fmax, fmin), with NumPy's rules: int64
//! against uint64 compares exactly (NumPy's `qQ`/`Qq` loops); complex
//! numbers compare lexicographically with NumPy's NaN guards; float
//! maximum/minimum propagate NaN and, on ties, return the second operand as
//! NumPy's SIMD loops do (maximum(0.0, -0.0) is -0.0); float16 follows
//! NumPy's half loops (ties return the first operand).

use half::f16;
use num_complex::{Complex32, Complex64};

use super::arith::{BinaryOp, binary_loop};
use super::engine::{Loop, Resolver, WeakInts};
use super::tables::{same2, ufunc};
use crate::dtype::Kind;

pub struct Eq;
pub struct Ne;
pub struct Lt;
pub struct Le;
pub struct Gt;
pub struct Ge;

macro_rules! real_compare {
    ($($t:ty),*) => {$(
        impl BinaryOp<$t> for Eq { type Out = bool; #[inline(always)] fn call(a: $t, b: $t) -> bool { a == b } }
        impl BinaryOp<$t> for Ne { type Out = bool; #[inline(always)] fn call(a: $t, b: $t) -> bool { a != b } }
        impl BinaryOp<$t> for Lt { type Out = bool; #[inline(always)] fn call(a: $t, b: $t) -> bool { a < b } }
        impl BinaryOp<$t> for Le { type Out = bool; #[inline(always)] fn call(a: $t, b: $t) -> bool { a <= b } }
        impl BinaryOp<$t> for Gt { type Out = bool; #[inline(always)] fn call(a: $t, b: $t) -> bool { a > b } }
        impl BinaryOp<$t> for Ge { type Out = bool; #[inline(always)] fn call(a: $t, b: $t) -> bool { a >= b } }
    )*};
}
real_compare!(bool, i8, i16, i32, i64, u8, u16, u32, u64, f16, f32, f64);

/// int64 against uint64, exactly (no trip through float64).
macro_rules! mixed_compare {
    ($op:ident, |$x:ident, $y:ident| $i_u:expr) => {
        impl BinaryOp<i64, u64> for $op {
            type Out = bool;
            #[inline(always)]
            fn call($x: i64, $y: u64) -> bool {
                let $x = $x as i128;
                let $y = $y as i128;
                $i_u
            }
        }
        impl BinaryOp<u64, i64> for $op {
            type Out = bool;
            #[inline(always)]
            fn call($x: u64, $y: i64) -> bool {
                let $x = $x as i128;
                let $y = $y as i128;
                $i_u
            }
        }
    };
}
mixed_compare!(Eq, |a, b| a == b);
mixed_compare!(Ne, |a, b| a != b);
mixed_compare!(Lt, |a, b| a < b);
mixed_compare!(Le, |a, b| a <= b);
mixed_compare!(Gt, |a, b| a > b);
mixed_compare!(Ge, |a, b| a >= b);

/// NumPy's complex comparison macros (CLT, CLE, ...), NaN guards included.
macro_rules! complex_compare {
    ($t:ty) => {
        impl BinaryOp<$t> for Eq {
            type Out = bool;
            #[inline(always)]
            fn call(a: $t, b: $t) -> bool {
                a.re == b.re && a.im == b.im
            }
        }
        impl BinaryOp<$t> for Ne {
            type Out = bool;
            #[inline(always)]
            fn call(a: $t, b: $t) -> bool {
                a.re != b.re || a.im != b.im
            }
        }
        impl BinaryOp<$t> for Lt {
            type Out = bool;
            #[inline(always)]
            fn call(a: $t, b: $t) -> bool {
                (a.re < b.re && !a.im.is_nan() && !b.im.is_nan()) || (a.re == b.re && a.im < b.im)
            }
        }
        impl BinaryOp<$t> for Le {
            type Out = bool;
            #[inline(always)]
            fn call(a: $t, b: $t) -> bool {
                (a.re < b.re && !a.im.is_nan() && !b.im.is_nan()) || (a.re == b.re && a.im <= b.im)
            }
        }
        impl BinaryOp<$t> for Gt {
            type Out = bool;
            #[inline(always)]
            fn call(a: $t, b: $t) -> bool {
                (a.re > b.re && !a.im.is_nan() && !b.im.is_nan()) || (a.re == b.re && a.im > b.im)
            }
        }
        impl BinaryOp<$t> for Ge {
            type Out = bool;
            #[inline(always)]
            fn call(a: $t, b: $t) -> bool {
                (a.re > b.re && !a.im.is_nan() && !b.im.is_nan()) || (a.re == b.re && a.im >= b.im)
            }
        }
    };
}
complex_compare!(Complex32);
complex_compare!(Complex64);

pub struct Maximum;
pub struct Minimum;
pub struct Fmax;
pub struct Fmin;

macro_rules! int_extrema {
    ($($t:ty),*) => {$(
        impl BinaryOp<$t> for Maximum { type Out = $t; #[inline(always)] fn call(a: $t, b: $t) -> $t { a.max(b) } }
        impl BinaryOp<$t> for Minimum { type Out = $t; #[inline(always)] fn call(a: $t, b: $t) -> $t { a.min(b) } }
        impl BinaryOp<$t> for Fmax { type Out = $t; #[inline(always)] fn call(a: $t, b: $t) -> $t { a.max(b) } }
        impl BinaryOp<$t> for Fmin { type Out = $t; #[inline(always)] fn call(a: $t, b: $t) -> $t { a.min(b) } }
    )*};
}
int_extrema!(bool, i8, i16, i32, i64, u8, u16, u32, u64);

macro_rules! float_extrema {
    ($($t:ty),*) => {$(
        impl BinaryOp<$t> for Maximum {
            type Out = $t;
            #[inline(always)]
            fn call(a: $t, b: $t) -> $t {
                if a.is_nan() { a } else if b.is_nan() { b } else if a > b { a } else { b }
            }
        }
        impl BinaryOp<$t> for Minimum {
            type Out = $t;
            #[inline(always)]
            fn call(a: $t, b: $t) -> $t {
                if a.is_nan() { a } else if b.is_nan() { b } else if a < b { a } else { b }
            }
        }
        impl BinaryOp<$t> for Fmax {
            type Out = $t;
            #[inline(always)]
            fn call(a: $t, b: $t) -> $t {
                if b.is_nan() { a } else if a.is_nan() { b } else if a > b { a } else { b }
            }
        }
        impl BinaryOp<$t> for Fmin {
            type Out = $t;
            #[inline(always)]
            fn call(a: $t, b: $t) -> $t {
                if b.is_nan() { a } else if a.is_nan() { b } else if a < b { a } else { b }
            }
        }
    )*};
}
float_extrema!(f32, f64);

impl BinaryOp<f16> for Maximum {
    type Out = f16;
    #[inline(always)]
    fn call(a: f16, b: f16) -> f16 {
        if a >= b || a.is_nan() { a } else { b }
    }
}
impl BinaryOp<f16> for Minimum {
    type Out = f16;
    #[inline(always)]
    fn call(a: f16, b: f16) -> f16 {
        if a <= b || a.is_nan() { a } else { b }
    }
}
impl BinaryOp<f16> for Fmax {
    type Out = f16;
    #[inline(always)]
    fn call(a: f16, b: f16) -> f16 {
        if a >= b || b.is_nan() { a } else { b }
    }
}
impl BinaryOp<f16> for Fmin {
    type Out = f16;
    #[inline(always)]
    fn call(a: f16, b: f16) -> f16 {
        if a <= b || b.is_nan() { a } else { b }
    }
}

/// NumPy's complex extrema: lexicographic (CGE/CLE with NaN guards);
/// maximum/minimum keep a NaN first operand, fmax/fmin a number.
macro_rules! complex_extrema {
    ($t:ty) => {
        impl BinaryOp<$t> for Maximum {
            type Out = $t;
            #[inline(always)]
            fn call(a: $t, b: $t) -> $t {
                if a.re.is_nan() || a.im.is_nan() || <Ge as BinaryOp<$t>>::call(a, b) {
                    a
                } else {
                    b
                }
            }
        }
        impl BinaryOp<$t> for Minimum {
            type Out = $t;
            #[inline(always)]
            fn call(a: $t, b: $t) -> $t {
                if a.re.is_nan() || a.im.is_nan() || <Le as BinaryOp<$t>>::call(a, b) {
                    a
                } else {
                    b
                }
            }
        }
        impl BinaryOp<$t> for Fmax {
            type Out = $t;
            #[inline(always)]
            fn call(a: $t, b: $t) -> $t {
                if b.re.is_nan() || b.im.is_nan() || <Ge as BinaryOp<$t>>::call(a, b) {
                    a
                } else {
                    b
                }
            }
        }
        impl BinaryOp<$t> for Fmin {
            type Out = $t;
            #[inline(always)]
            fn call(a: $t, b: $t) -> $t {
                if b.re.is_nan() || b.im.is_nan() || <Le as BinaryOp<$t>>::call(a, b) {
                    a
                } else {
                    b
                }
            }
        }
    };
}
complex_extrema!(Complex32);
complex_extrema!(Complex64);

/// NumPy's comparison loops: every kind to bool, plus exact int64/uint64.
macro_rules! comparison_loops {
    ($op:ty) => {
        &[
            Loop {
                types: &[Kind::Bool, Kind::Bool, Kind::Bool],
                func: binary_loop::<bool, bool, $op>,
            },
            Loop {
                types: &[Kind::Int8, Kind::Int8, Kind::Bool],
                func: binary_loop::<i8, i8, $op>,
            },
            Loop {
                types: &[Kind::UInt8, Kind::UInt8, Kind::Bool],
                func: binary_loop::<u8, u8, $op>,
            },
            Loop {
                types: &[Kind::Int16, Kind::Int16, Kind::Bool],
                func: binary_loop::<i16, i16, $op>,
            },
            Loop {
                types: &[Kind::UInt16, Kind::UInt16, Kind::Bool],
                func: binary_loop::<u16, u16, $op>,
            },
            Loop {
                types: &[Kind::Int32, Kind::Int32, Kind::Bool],
                func: binary_loop::<i32, i32, $op>,
            },
            Loop {
                types: &[Kind::UInt32, Kind::UInt32, Kind::Bool],
                func: binary_loop::<u32, u32, $op>,
            },
            Loop {
                types: &[Kind::Int64, Kind::Int64, Kind::Bool],
                func: binary_loop::<i64, i64, $op>,
            },
            Loop {
                types: &[Kind::UInt64, Kind::UInt64, Kind::Bool],
                func: binary_loop::<u64, u64, $op>,
            },
            Loop {
                types: &[Kind::Int64, Kind::UInt64, Kind::Bool],
                func: binary_loop::<i64, u64, $op>,
            },
            Loop {
                types: &[Kind::UInt64, Kind::Int64, Kind::Bool],
                func: binary_loop::<u64, i64, $op>,
            },
            Loop {
                types: &[Kind::Float16, Kind::Float16, Kind::Bool],
                func: binary_loop::<f16, f16, $op>,
            },
            Loop {
                types: &[Kind::Float32, Kind::Float32, Kind::Bool],
                func: binary_loop::<f32, f32, $op>,
            },
            Loop {
                types: &[Kind::Float64, Kind::Float64, Kind::Bool],
                func: binary_loop::<f64, f64, $op>,
            },
            Loop {
                types: &[Kind::Complex64, Kind::Complex64, Kind::Bool],
                func: binary_loop::<Complex32, Complex32, $op>,
            },
            Loop {
                types: &[Kind::Complex128, Kind::Complex128, Kind::Bool],
                func: binary_loop::<Complex64, Complex64, $op>,
            },
        ]
    };
}

macro_rules! comparison {
    ($static:ident, $name:literal, $op:ty) => {
        ufunc!(
            $static,
            $name,
            2,
            comparison_loops!($op),
            WeakInts::Widen,
            Resolver::Default,
            None
        );
    };
}

comparison!(EQUAL, "equal", Eq);
comparison!(NOT_EQUAL, "not_equal", Ne);
comparison!(LESS, "less", Lt);
comparison!(LESS_EQUAL, "less_equal", Le);
comparison!(GREATER, "greater", Gt);
comparison!(GREATER_EQUAL, "greater_equal", Ge);
ufunc!(
    MAXIMUM,
    "maximum",
    2,
    same2!(Maximum; Bool, Int8, UInt8, Int16, UInt16, Int32, UInt32, Int64, UInt64, Float16, Float32, Float64, Complex64, Complex128)
);
ufunc!(
    MINIMUM,
    "minimum",
    2,
    same2!(Minimum; Bool, Int8, UInt8, Int16, UInt16, Int32, UInt32, Int64, UInt64, Float16, Float32, Float64, Complex64, Complex128)
);
ufunc!(
    FMAX,
    "fmax",
    2,
    same2!(Fmax; Bool, Int8, UInt8, Int16, UInt16, Int32, UInt32, Int64, UInt64, Float16, Float32, Float64, Complex64, Complex128)
);
ufunc!(
    FMIN,
    "fmin",
    2,
    same2!(Fmin; Bool, Int8, UInt8, Int16, UInt16, Int32, UInt32, Int64, UInt64, Float16, Float32, Float64, Complex64, Complex128)
);
