//! Real transcendental and floating-point ufuncs: exp, exp2, expm1, log,
//! log2, log10, log1p, sin, cos, tan, arcsin, arccos, arctan, sinh, cosh,
//! tanh, arcsinh, arccosh, arctanh, cbrt, deg2rad, rad2deg; arctan2, hypot,
//! copysign, nextafter, float_power.
//!
//! Values come from the C library's libm (glibc here), which NumPy also
//! calls outside its SIMD paths; NumPy's AVX-512 loops for some functions
//! differ from glibc by a few ulps (tests document the bound). float16
//! computes through float32 as NumPy's half loops. Complex versions live in
//! `complex_math`.

use half::f16;

use super::arith::BinaryOp;
use super::engine::Loop;
use super::tables::{half_binary, same2, ufunc, unary1};
use super::unary::UnaryOp;

// The C library's libm, for ndcore's own use: kept out of the C header.
#[allow(unused_doc_comments)]
/// cbindgen:ignore
#[link(name = "m")]
unsafe extern "C" {
    fn exp(x: f64) -> f64;
    fn expf(x: f32) -> f32;
    fn exp2(x: f64) -> f64;
    fn exp2f(x: f32) -> f32;
    fn expm1(x: f64) -> f64;
    fn expm1f(x: f32) -> f32;
    fn log(x: f64) -> f64;
    fn logf(x: f32) -> f32;
    fn log2(x: f64) -> f64;
    fn log2f(x: f32) -> f32;
    fn log10(x: f64) -> f64;
    fn log10f(x: f32) -> f32;
    fn log1p(x: f64) -> f64;
    fn log1pf(x: f32) -> f32;
    fn sin(x: f64) -> f64;
    fn sinf(x: f32) -> f32;
    fn cos(x: f64) -> f64;
    fn cosf(x: f32) -> f32;
    fn tan(x: f64) -> f64;
    fn tanf(x: f32) -> f32;
    fn asin(x: f64) -> f64;
    fn asinf(x: f32) -> f32;
    fn acos(x: f64) -> f64;
    fn acosf(x: f32) -> f32;
    fn atan(x: f64) -> f64;
    fn atanf(x: f32) -> f32;
    fn sinh(x: f64) -> f64;
    fn sinhf(x: f32) -> f32;
    fn cosh(x: f64) -> f64;
    fn coshf(x: f32) -> f32;
    fn tanh(x: f64) -> f64;
    fn tanhf(x: f32) -> f32;
    fn asinh(x: f64) -> f64;
    fn asinhf(x: f32) -> f32;
    fn acosh(x: f64) -> f64;
    fn acoshf(x: f32) -> f32;
    fn atanh(x: f64) -> f64;
    fn atanhf(x: f32) -> f32;
    fn cbrt(x: f64) -> f64;
    fn cbrtf(x: f32) -> f32;
    fn atan2(y: f64, x: f64) -> f64;
    fn atan2f(y: f32, x: f32) -> f32;
    fn hypot(x: f64, y: f64) -> f64;
    fn hypotf(x: f32, y: f32) -> f32;
    fn nextafter(x: f64, y: f64) -> f64;
    fn nextafterf(x: f32, y: f32) -> f32;
    fn pow(x: f64, y: f64) -> f64;
    fn powf(x: f32, y: f32) -> f32;
}

macro_rules! unary_math {
    ($($op:ident: $f64fn:ident, $f32fn:ident);* $(;)?) => {$(
        pub struct $op;
        impl UnaryOp<f64> for $op {
            type Out = f64;
            #[inline(always)]
            fn call(x: f64) -> f64 {
                // SAFETY: a pure libm function.
                unsafe { $f64fn(x) }
            }
        }
        impl UnaryOp<f32> for $op {
            type Out = f32;
            #[inline(always)]
            fn call(x: f32) -> f32 {
                // SAFETY: a pure libm function.
                unsafe { $f32fn(x) }
            }
        }
        impl UnaryOp<f16> for $op {
            type Out = f16;
            #[inline(always)]
            fn call(x: f16) -> f16 {
                f16::from_f32(<$op as UnaryOp<f32>>::call(x.to_f32()))
            }
        }
    )*};
}

unary_math! {
    Exp: exp, expf; Exp2: exp2, exp2f; Expm1: expm1, expm1f; Log: log, logf; Log2: log2, log2f;
    Log10: log10, log10f; Log1p: log1p, log1pf; Sin: sin, sinf; Cos: cos, cosf; Tan: tan, tanf;
    Arcsin: asin, asinf; Arccos: acos, acosf; Arctan: atan, atanf; Sinh: sinh, sinhf;
    Cosh: cosh, coshf; Tanh: tanh, tanhf; Arcsinh: asinh, asinhf; Arccosh: acosh, acoshf;
    Arctanh: atanh, atanhf; Cbrt: cbrt, cbrtf;
}

pub struct Deg2rad;
pub struct Rad2deg;
macro_rules! scale {
    ($op:ident, $k64:expr, $k32:expr) => {
        impl UnaryOp<f64> for $op {
            type Out = f64;
            #[inline(always)]
            fn call(x: f64) -> f64 {
                x * $k64
            }
        }
        impl UnaryOp<f32> for $op {
            type Out = f32;
            #[inline(always)]
            fn call(x: f32) -> f32 {
                x * $k32
            }
        }
        impl UnaryOp<f16> for $op {
            type Out = f16;
            #[inline(always)]
            fn call(x: f16) -> f16 {
                f16::from_f32(x.to_f32() * $k32)
            }
        }
    };
}
scale!(
    Deg2rad,
    std::f64::consts::PI / 180.0,
    std::f32::consts::PI / 180.0
);
scale!(
    Rad2deg,
    180.0 / std::f64::consts::PI,
    180.0 / std::f32::consts::PI
);

macro_rules! binary_math {
    ($($op:ident: $f64fn:expr, $f32fn:expr);* $(;)?) => {$(
        pub struct $op;
        impl BinaryOp<f64> for $op {
            type Out = f64;
            #[inline(always)]
            fn call(a: f64, b: f64) -> f64 {
                // SAFETY: a pure libm function.
                unsafe { $f64fn(a, b) }
            }
        }
        impl BinaryOp<f32> for $op {
            type Out = f32;
            #[inline(always)]
            fn call(a: f32, b: f32) -> f32 {
                // SAFETY: a pure libm function.
                unsafe { $f32fn(a, b) }
            }
        }
    )*};
}
binary_math! { Arctan2: atan2, atan2f; Hypot: hypot, hypotf; }

// float16 versions of the binary functions, through float32.
half_binary!(Arctan2, Hypot);

pub struct Copysign;
impl BinaryOp<f64> for Copysign {
    type Out = f64;
    #[inline(always)]
    fn call(a: f64, b: f64) -> f64 {
        a.copysign(b)
    }
}
impl BinaryOp<f32> for Copysign {
    type Out = f32;
    #[inline(always)]
    fn call(a: f32, b: f32) -> f32 {
        a.copysign(b)
    }
}
impl BinaryOp<f16> for Copysign {
    type Out = f16;
    #[inline(always)]
    fn call(a: f16, b: f16) -> f16 {
        f16::from_bits((a.to_bits() & 0x7fff) | (b.to_bits() & 0x8000))
    }
}

pub struct Nextafter;
impl BinaryOp<f64> for Nextafter {
    type Out = f64;
    #[inline(always)]
    fn call(a: f64, b: f64) -> f64 {
        // SAFETY: a pure libm function.
        unsafe { nextafter(a, b) }
    }
}
impl BinaryOp<f32> for Nextafter {
    type Out = f32;
    #[inline(always)]
    fn call(a: f32, b: f32) -> f32 {
        // SAFETY: a pure libm function.
        unsafe { nextafterf(a, b) }
    }
}
/// The neighbouring float16 toward `b` (NumPy's npy_half_nextafter).
impl BinaryOp<f16> for Nextafter {
    type Out = f16;
    #[inline(always)]
    fn call(a: f16, b: f16) -> f16 {
        if a.is_nan() || b.is_nan() {
            return f16::NAN;
        }
        if a == b {
            return b;
        }
        let bits = a.to_bits();
        if a.to_f32() == 0.0 {
            // The smallest subnormal with b's sign.
            return f16::from_bits((b.to_bits() & 0x8000) | 1);
        }
        let toward_larger = (b > a) == (bits & 0x8000 == 0);
        f16::from_bits(if toward_larger { bits + 1 } else { bits - 1 })
    }
}

pub struct FloatPower;
impl BinaryOp<f64> for FloatPower {
    type Out = f64;
    #[inline(always)]
    fn call(a: f64, b: f64) -> f64 {
        // SAFETY: a pure libm function.
        unsafe { pow(a, b) }
    }
}

pub struct Power;
impl BinaryOp<f64> for Power {
    type Out = f64;
    #[inline(always)]
    fn call(a: f64, b: f64) -> f64 {
        // SAFETY: a pure libm function.
        unsafe { pow(a, b) }
    }
}
impl BinaryOp<f32> for Power {
    type Out = f32;
    #[inline(always)]
    fn call(a: f32, b: f32) -> f32 {
        // SAFETY: a pure libm function.
        unsafe { powf(a, b) }
    }
}
half_binary!(Power);

/// Power with one exponent for the whole run, as NumPy's float32 and
/// float64 loops: 2,
/// 0.5, -1 and 1 become square, sqrt, reciprocal and a copy (so
/// `(-0.0)**0.5` is -0.0 and `(-inf)**0.5` NaN, as sqrt gives), others pow.
macro_rules! scalar_exponent_ops {
    ($($t:ty => $sqrt:expr),* $(,)?) => {
        pub struct PowSquare;
        pub struct PowSqrt;
        pub struct PowReciprocal;
        pub struct PowOne;
        $(
            impl BinaryOp<$t> for PowSquare { type Out = $t; #[inline(always)] fn call(a: $t, _: $t) -> $t { a * a } }
            impl BinaryOp<$t> for PowSqrt { type Out = $t; #[inline(always)] fn call(a: $t, _: $t) -> $t { $sqrt(a) } }
            impl BinaryOp<$t> for PowReciprocal { type Out = $t; #[inline(always)] fn call(a: $t, _: $t) -> $t { 1.0 / a } }
            impl BinaryOp<$t> for PowOne { type Out = $t; #[inline(always)] fn call(a: $t, _: $t) -> $t { a } }
        )*
    };
}
scalar_exponent_ops!(f32 => f32::sqrt, f64 => f64::sqrt);

/// The float power loop: a run with one exponent (stride 0) takes NumPy's
/// fast paths, any other run calls pow per element.
///
/// # Safety
/// As `binary_loop`.
unsafe fn float_power_loop<T>(args: &[*mut u8], steps: &[isize], n: usize)
where
    T: Copy + Into<f64>,
    Power: BinaryOp<T, Out = T>,
    PowSquare: BinaryOp<T, Out = T>,
    PowSqrt: BinaryOp<T, Out = T>,
    PowReciprocal: BinaryOp<T, Out = T>,
    PowOne: BinaryOp<T, Out = T>,
{
    use super::arith::binary_loop;
    // SAFETY (all calls): forwarded from the caller.
    unsafe {
        if steps[1] == 0 && n > 0 {
            let e: f64 = (args[1] as *const T).read_unaligned().into();
            if e == 2.0 {
                return binary_loop::<T, T, PowSquare>(args, steps, n);
            } else if e == 0.5 {
                return binary_loop::<T, T, PowSqrt>(args, steps, n);
            } else if e == -1.0 {
                return binary_loop::<T, T, PowReciprocal>(args, steps, n);
            } else if e == 1.0 {
                return binary_loop::<T, T, PowOne>(args, steps, n);
            }
        }
        binary_loop::<T, T, Power>(args, steps, n)
    }
}

/// Integer power by squaring, wrapping as NumPy's (negative exponents are
/// refused before the loop runs, see `check_power`).
macro_rules! int_power {
    ($($t:ty),*) => {$(
        impl BinaryOp<$t> for Power {
            type Out = $t;
            #[inline(always)]
            #[allow(unused_comparisons)]
            fn call(mut base: $t, mut exp: $t) -> $t {
                if exp <= 0 {
                    return 1;
                }
                let mut out: $t = if exp & 1 == 1 { base } else { 1 };
                exp >>= 1;
                while exp > 0 {
                    base = base.wrapping_mul(base);
                    if exp & 1 == 1 {
                        out = out.wrapping_mul(base);
                    }
                    exp >>= 1;
                }
                out
            }
        }
    )*};
}
int_power!(i8, i16, i32, i64, u8, u16, u32, u64);

/// NumPy refuses negative integer exponents; ndcore checks before writing.
fn check_power(lp: &Loop, operands: &[&crate::array::Array]) -> crate::error::Result<()> {
    use crate::dtype::{Casting, DType, Kind, KindClass};
    if lp.types[1].class() != KindClass::Signed {
        return Ok(());
    }
    let exps = crate::ufunc::astype(
        operands[1],
        &DType::scalar(Kind::Int64),
        Casting::Unsafe,
        crate::layout::Order::C,
    )?;
    let n = exps.size();
    if n > 0 {
        // SAFETY: a new C-contiguous int64 array of `n` elements.
        let v = unsafe { std::slice::from_raw_parts(exps.data_ptr() as *const i64, n) };
        if v.iter().any(|&e| e < 0) {
            crate::error::bail!(
                Value,
                "Integers to negative integer powers are not allowed."
            );
        }
    }
    Ok(())
}

ufunc!(
    compute EXP,
    "exp",
    1,
    unary1!(Exp; Float16 => Float16, Float32 => Float32, Float64 => Float64, Complex64 => Complex64, Complex128 => Complex128)
);
ufunc!(
    compute EXP2,
    "exp2",
    1,
    unary1!(Exp2; Float16 => Float16, Float32 => Float32, Float64 => Float64, Complex64 => Complex64, Complex128 => Complex128)
);
ufunc!(
    compute EXPM1,
    "expm1",
    1,
    unary1!(Expm1; Float16 => Float16, Float32 => Float32, Float64 => Float64, Complex64 => Complex64, Complex128 => Complex128)
);
ufunc!(
    compute LOG,
    "log",
    1,
    unary1!(Log; Float16 => Float16, Float32 => Float32, Float64 => Float64, Complex64 => Complex64, Complex128 => Complex128)
);
ufunc!(
    compute LOG2,
    "log2",
    1,
    unary1!(Log2; Float16 => Float16, Float32 => Float32, Float64 => Float64, Complex64 => Complex64, Complex128 => Complex128)
);
ufunc!(
    compute LOG10,
    "log10",
    1,
    unary1!(Log10; Float16 => Float16, Float32 => Float32, Float64 => Float64, Complex64 => Complex64, Complex128 => Complex128)
);
ufunc!(
    compute LOG1P,
    "log1p",
    1,
    unary1!(Log1p; Float16 => Float16, Float32 => Float32, Float64 => Float64, Complex64 => Complex64, Complex128 => Complex128)
);
ufunc!(
    compute SIN,
    "sin",
    1,
    unary1!(Sin; Float16 => Float16, Float32 => Float32, Float64 => Float64, Complex64 => Complex64, Complex128 => Complex128)
);
ufunc!(
    compute COS,
    "cos",
    1,
    unary1!(Cos; Float16 => Float16, Float32 => Float32, Float64 => Float64, Complex64 => Complex64, Complex128 => Complex128)
);
ufunc!(
    compute TAN,
    "tan",
    1,
    unary1!(Tan; Float16 => Float16, Float32 => Float32, Float64 => Float64, Complex64 => Complex64, Complex128 => Complex128)
);
ufunc!(
    compute ARCSIN,
    "arcsin",
    1,
    unary1!(Arcsin; Float16 => Float16, Float32 => Float32, Float64 => Float64, Complex64 => Complex64, Complex128 => Complex128)
);
ufunc!(
    compute ARCCOS,
    "arccos",
    1,
    unary1!(Arccos; Float16 => Float16, Float32 => Float32, Float64 => Float64, Complex64 => Complex64, Complex128 => Complex128)
);
ufunc!(
    compute ARCTAN,
    "arctan",
    1,
    unary1!(Arctan; Float16 => Float16, Float32 => Float32, Float64 => Float64, Complex64 => Complex64, Complex128 => Complex128)
);
ufunc!(
    compute SINH,
    "sinh",
    1,
    unary1!(Sinh; Float16 => Float16, Float32 => Float32, Float64 => Float64, Complex64 => Complex64, Complex128 => Complex128)
);
ufunc!(
    compute COSH,
    "cosh",
    1,
    unary1!(Cosh; Float16 => Float16, Float32 => Float32, Float64 => Float64, Complex64 => Complex64, Complex128 => Complex128)
);
ufunc!(
    compute TANH,
    "tanh",
    1,
    unary1!(Tanh; Float16 => Float16, Float32 => Float32, Float64 => Float64, Complex64 => Complex64, Complex128 => Complex128)
);
ufunc!(
    compute ARCSINH,
    "arcsinh",
    1,
    unary1!(Arcsinh; Float16 => Float16, Float32 => Float32, Float64 => Float64, Complex64 => Complex64, Complex128 => Complex128)
);
ufunc!(
    compute ARCCOSH,
    "arccosh",
    1,
    unary1!(Arccosh; Float16 => Float16, Float32 => Float32, Float64 => Float64, Complex64 => Complex64, Complex128 => Complex128)
);
ufunc!(
    compute ARCTANH,
    "arctanh",
    1,
    unary1!(Arctanh; Float16 => Float16, Float32 => Float32, Float64 => Float64, Complex64 => Complex64, Complex128 => Complex128)
);
ufunc!(
    compute CBRT,
    "cbrt",
    1,
    unary1!(Cbrt; Float16 => Float16, Float32 => Float32, Float64 => Float64)
);
ufunc!(
    DEG2RAD,
    "deg2rad",
    1,
    unary1!(Deg2rad; Float16 => Float16, Float32 => Float32, Float64 => Float64)
);
ufunc!(
    RAD2DEG,
    "rad2deg",
    1,
    unary1!(Rad2deg; Float16 => Float16, Float32 => Float32, Float64 => Float64)
);
ufunc!(
    compute ARCTAN2,
    "arctan2",
    2,
    same2!(Arctan2; Float16, Float32, Float64)
);
ufunc!(compute HYPOT, "hypot", 2, same2!(Hypot; Float16, Float32, Float64));
ufunc!(
    COPYSIGN,
    "copysign",
    2,
    same2!(Copysign; Float16, Float32, Float64)
);
ufunc!(
    NEXTAFTER,
    "nextafter",
    2,
    same2!(Nextafter; Float16, Float32, Float64)
);
/// NumPy's float16 loop has no one-exponent shortcuts: pow throughout.
const POWER_HALF_LOOP: &[Loop] = same2!(Power; Float16);
const POWER_COMPLEX_LOOPS: &[Loop] = same2!(Power; Complex64, Complex128);
const POWER_INT_LOOPS: &[Loop] =
    same2!(Power; Int8, UInt8, Int16, UInt16, Int32, UInt32, Int64, UInt64);
macro_rules! float_power_loop {
    ($k:ident) => {
        Loop {
            types: &[
                crate::dtype::Kind::$k,
                crate::dtype::Kind::$k,
                crate::dtype::Kind::$k,
            ],
            func: float_power_loop::<super::tables::ty!($k)>,
        }
    };
}
ufunc!(
    compute FLOAT_POWER,
    "float_power",
    2,
    same2!(FloatPower; Float64, Complex128)
);
ufunc!(
    compute POWER,
    "power",
    2,
    &[
        POWER_INT_LOOPS[0],
        POWER_INT_LOOPS[1],
        POWER_INT_LOOPS[2],
        POWER_INT_LOOPS[3],
        POWER_INT_LOOPS[4],
        POWER_INT_LOOPS[5],
        POWER_INT_LOOPS[6],
        POWER_INT_LOOPS[7],
        POWER_HALF_LOOP[0],
        float_power_loop!(Float32),
        float_power_loop!(Float64),
        POWER_COMPLEX_LOOPS[0],
        POWER_COMPLEX_LOOPS[1],
    ],
    super::engine::WeakInts::Strict,
    super::engine::Resolver::Default,
    None,
    Some(check_power)
);
