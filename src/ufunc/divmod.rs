//! floor_divide, remainder (mod) and fmod, with NumPy's rules: integer
//! division by zero gives 0 (NumPy warns), MIN // -1 gives MIN; Python's
//! sign conventions for floor division and remainder; floats follow NumPy's
//! fmod-based npy_floor_divide / npy_divmod, signed zeros included; float16
//! computes through float32.

use super::arith::BinaryOp;
use super::tables::{half_binary, same2, ufunc};

pub struct FloorDivide;
pub struct Remainder;
pub struct Fmod;

macro_rules! signed {
    ($($t:ty),*) => {$(
        impl BinaryOp<$t> for FloorDivide {
            type Out = $t;
            #[inline(always)]
            fn call(a: $t, b: $t) -> $t {
                if b == 0 {
                    0
                } else if a == <$t>::MIN && b == -1 {
                    <$t>::MIN
                } else {
                    let q = a / b;
                    if a % b != 0 && ((a < 0) != (b < 0)) { q - 1 } else { q }
                }
            }
        }
        impl BinaryOp<$t> for Remainder {
            type Out = $t;
            #[inline(always)]
            fn call(a: $t, b: $t) -> $t {
                if b == 0 {
                    0
                } else {
                    let r = a.wrapping_rem(b);
                    if r != 0 && ((r < 0) != (b < 0)) { r + b } else { r }
                }
            }
        }
        impl BinaryOp<$t> for Fmod {
            type Out = $t;
            #[inline(always)]
            fn call(a: $t, b: $t) -> $t {
                if b == 0 { 0 } else { a.wrapping_rem(b) }
            }
        }
    )*};
}
signed!(i8, i16, i32, i64);

macro_rules! unsigned {
    ($($t:ty),*) => {$(
        impl BinaryOp<$t> for FloorDivide { type Out = $t; #[inline(always)] fn call(a: $t, b: $t) -> $t { if b == 0 { 0 } else { a / b } } }
        impl BinaryOp<$t> for Remainder { type Out = $t; #[inline(always)] fn call(a: $t, b: $t) -> $t { if b == 0 { 0 } else { a % b } } }
        impl BinaryOp<$t> for Fmod { type Out = $t; #[inline(always)] fn call(a: $t, b: $t) -> $t { if b == 0 { 0 } else { a % b } } }
    )*};
}
unsigned!(u8, u16, u32, u64);

/// C's fmod: Rust's `%` on floats is fmod.
macro_rules! floats {
    ($($t:ty),*) => {$(
        impl BinaryOp<$t> for FloorDivide {
            type Out = $t;
            #[inline(always)]
            fn call(a: $t, b: $t) -> $t {
                if b == 0.0 {
                    return a / b;
                }
                let m = a % b;
                let mut div = (a - m) / b;
                if m != 0.0 && ((b < 0.0) != (m < 0.0)) {
                    div -= 1.0;
                }
                if div != 0.0 {
                    let mut f = div.floor();
                    if div - f > 0.5 {
                        f += 1.0;
                    }
                    f
                } else {
                    (0.0 as $t).copysign(a / b)
                }
            }
        }
        impl BinaryOp<$t> for Remainder {
            type Out = $t;
            #[inline(always)]
            fn call(a: $t, b: $t) -> $t {
                let m = a % b;
                if b == 0.0 {
                    return m;
                }
                if m != 0.0 {
                    if (b < 0.0) != (m < 0.0) { m + b } else { m }
                } else {
                    (0.0 as $t).copysign(b)
                }
            }
        }
        impl BinaryOp<$t> for Fmod { type Out = $t; #[inline(always)] fn call(a: $t, b: $t) -> $t { a % b } }
    )*};
}
floats!(f32, f64);

half_binary!(FloorDivide, Remainder, Fmod);

ufunc!(
    FLOOR_DIVIDE,
    "floor_divide",
    2,
    same2!(FloorDivide; Int8, UInt8, Int16, UInt16, Int32, UInt32, Int64, UInt64, Float16, Float32, Float64)
);
ufunc!(
    REMAINDER,
    "remainder",
    2,
    same2!(Remainder; Int8, UInt8, Int16, UInt16, Int32, UInt32, Int64, UInt64, Float16, Float32, Float64)
);
ufunc!(
    FMOD,
    "fmod",
    2,
    same2!(Fmod; Int8, UInt8, Int16, UInt16, Int32, UInt32, Int64, UInt64, Float16, Float32, Float64)
);
