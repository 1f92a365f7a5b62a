//! Complex transcendental functions and complex power, as NumPy computes
//! them: exp, log, the trigonometric and hyperbolic functions and their
//! inverses call the C library's C99 complex functions (NumPy's npy_cexp
//! and friends do on glibc); exp2, expm1, log2, log10 and log1p use NumPy's
//! own formulas (funcs.inc.src); power is NumPy's nc_pow (exact small
//! integer exponents by repeated multiplication, cpow otherwise).
//!
//! On x86-64 a `Complex<f64>`/`Complex<f32>` (repr(C) pair) is passed and
//! returned exactly as C's `double _Complex`/`float _Complex`.

use num_complex::{Complex32, Complex64};

use super::arith::BinaryOp;
use super::math::{
    Arccos, Arccosh, Arcsin, Arcsinh, Arctan, Arctanh, Cos, Cosh, Exp, Exp2, Expm1, FloatPower,
    Log, Log1p, Log2, Log10, Power, Sin, Sinh, Tan, Tanh,
};
use super::unary::UnaryOp;

// The C library's libm, for ndcore's own use: kept out of the C header.
#[allow(unused_doc_comments)]
/// cbindgen:ignore
#[link(name = "m")]
unsafe extern "C" {
    fn cexp(z: Complex64) -> Complex64;
    fn cexpf(z: Complex32) -> Complex32;
    fn clog(z: Complex64) -> Complex64;
    fn clogf(z: Complex32) -> Complex32;
    fn csin(z: Complex64) -> Complex64;
    fn csinf(z: Complex32) -> Complex32;
    fn ccos(z: Complex64) -> Complex64;
    fn ccosf(z: Complex32) -> Complex32;
    fn ctan(z: Complex64) -> Complex64;
    fn ctanf(z: Complex32) -> Complex32;
    fn casin(z: Complex64) -> Complex64;
    fn casinf(z: Complex32) -> Complex32;
    fn cacos(z: Complex64) -> Complex64;
    fn cacosf(z: Complex32) -> Complex32;
    fn catan(z: Complex64) -> Complex64;
    fn catanf(z: Complex32) -> Complex32;
    fn csinh(z: Complex64) -> Complex64;
    fn csinhf(z: Complex32) -> Complex32;
    fn ccosh(z: Complex64) -> Complex64;
    fn ccoshf(z: Complex32) -> Complex32;
    fn ctanh(z: Complex64) -> Complex64;
    fn ctanhf(z: Complex32) -> Complex32;
    fn casinh(z: Complex64) -> Complex64;
    fn casinhf(z: Complex32) -> Complex32;
    fn cacosh(z: Complex64) -> Complex64;
    fn cacoshf(z: Complex32) -> Complex32;
    fn catanh(z: Complex64) -> Complex64;
    fn catanhf(z: Complex32) -> Complex32;
    fn cpow(a: Complex64, b: Complex64) -> Complex64;
    fn cpowf(a: Complex32, b: Complex32) -> Complex32;
}

macro_rules! c99 {
    ($($op:ident: $f64fn:ident, $f32fn:ident);* $(;)?) => {$(
        impl UnaryOp<Complex64> for $op {
            type Out = Complex64;
            #[inline(always)]
            fn call(z: Complex64) -> Complex64 {
                // SAFETY: a pure libm function.
                unsafe { $f64fn(z) }
            }
        }
        impl UnaryOp<Complex32> for $op {
            type Out = Complex32;
            #[inline(always)]
            fn call(z: Complex32) -> Complex32 {
                // SAFETY: a pure libm function.
                unsafe { $f32fn(z) }
            }
        }
    )*};
}

c99! {
    Exp: cexp, cexpf; Log: clog, clogf; Sin: csin, csinf; Cos: ccos, ccosf; Tan: ctan, ctanf;
    Arcsin: casin, casinf; Arccos: cacos, cacosf; Arctan: catan, catanf; Sinh: csinh, csinhf;
    Cosh: ccosh, ccoshf; Tanh: ctanh, ctanhf; Arcsinh: casinh, casinhf;
    Arccosh: cacosh, cacoshf; Arctanh: catanh, catanhf;
}

/// NumPy's formulas for the functions C99 lacks, per precision.
macro_rules! numpy_formulas {
    ($c:ty, $ln2:expr, $log2e:expr, $log10e:expr) => {
        impl UnaryOp<$c> for Exp2 {
            type Out = $c;
            #[inline(always)]
            fn call(z: $c) -> $c {
                <Exp as UnaryOp<$c>>::call(z * $ln2)
            }
        }
        impl UnaryOp<$c> for Expm1 {
            type Out = $c;
            #[inline(always)]
            fn call(z: $c) -> $c {
                let a = (z.im / 2.0).sin();
                <$c>::new(
                    z.re.exp_m1() * z.im.cos() - 2.0 * a * a,
                    z.re.exp() * z.im.sin(),
                )
            }
        }
        impl UnaryOp<$c> for Log2 {
            type Out = $c;
            #[inline(always)]
            fn call(z: $c) -> $c {
                <Log as UnaryOp<$c>>::call(z) * $log2e
            }
        }
        impl UnaryOp<$c> for Log10 {
            type Out = $c;
            #[inline(always)]
            fn call(z: $c) -> $c {
                <Log as UnaryOp<$c>>::call(z) * $log10e
            }
        }
        impl UnaryOp<$c> for Log1p {
            type Out = $c;
            #[inline(always)]
            fn call(z: $c) -> $c {
                let l = (z.re + 1.0).hypot(z.im);
                <$c>::new(l.ln(), z.im.atan2(z.re + 1.0))
            }
        }
    };
}
numpy_formulas!(
    Complex64,
    std::f64::consts::LN_2,
    std::f64::consts::LOG2_E,
    std::f64::consts::LOG10_E
);
numpy_formulas!(
    Complex32,
    std::f32::consts::LN_2,
    std::f32::consts::LOG2_E,
    std::f32::consts::LOG10_E
);

/// NumPy's nc_pow: z**0 is 1; 0**w is 0 when w's real part is positive,
/// else NaN;
/// integer exponents 1, 2, 3 and |n| < 100 by repeated (plain) complex
/// multiplication, negative ones inverted after; otherwise cpow.
macro_rules! complex_power {
    ($c:ty, $cpow:ident) => {
        impl BinaryOp<$c> for Power {
            type Out = $c;
            fn call(a: $c, b: $c) -> $c {
                let mul =
                    |x: $c, y: $c| <$c>::new(x.re * y.re - x.im * y.im, x.re * y.im + x.im * y.re);
                if b.re == 0.0 && b.im == 0.0 {
                    return <$c>::new(1.0, 0.0);
                }
                if a.re == 0.0 && a.im == 0.0 {
                    return if b.re > 0.0 {
                        <$c>::new(0.0, 0.0)
                    } else {
                        <$c>::new(f64::NAN as _, f64::NAN as _)
                    };
                }
                if b.im == 0.0 && b.re == (b.re as i64) as _ && b.re.abs() < 100.0 {
                    let n = b.re as i64;
                    match n {
                        1 => return a,
                        2 => return mul(a, a),
                        3 => return mul(mul(a, a), a),
                        _ => {}
                    }
                    let (mut acc, mut p, mut k) = (<$c>::new(1.0, 0.0), a, n.unsigned_abs());
                    loop {
                        if k & 1 == 1 {
                            acc = mul(acc, p);
                        }
                        k >>= 1;
                        if k == 0 {
                            break;
                        }
                        p = mul(p, p);
                    }
                    return if n < 0 {
                        <crate::ufunc::arith::Div as BinaryOp<$c>>::call(<$c>::new(1.0, 0.0), acc)
                    } else {
                        acc
                    };
                }
                // SAFETY: a pure libm function.
                unsafe { $cpow(a, b) }
            }
        }
    };
}
complex_power!(Complex64, cpow);
complex_power!(Complex32, cpowf);

impl BinaryOp<Complex64> for FloatPower {
    type Out = Complex64;
    #[inline(always)]
    fn call(a: Complex64, b: Complex64) -> Complex64 {
        <Power as BinaryOp<Complex64>>::call(a, b)
    }
}
