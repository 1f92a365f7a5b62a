//! Ufuncs at the C boundary: `nd_<name>(inputs..., out)`. Each returns a new
//! handle on the result: a new array, or a view of `out` when `out` is not
//! NULL (release it too). Inputs and `out` broadcast together, as in
//! NumPy: an `out` larger than the inputs' shape takes the inputs
//! broadcast up to it (`nd_add(row, row, matrix)` fills every row), but
//! `out` itself is never broadcast (ND_ERR_SHAPE, "non-broadcastable output
//! operand ..."). `out` must accept the result under same_kind casting.
//! Inputs that overlap `out` are read as if copied first.

use super::guard::{Handle, guard};
use num_complex::Complex64;

use super::nd_array;
use crate::array::Array;
use crate::dtype::Value;
use crate::ufunc::Ufunc;
use crate::ufunc::{arith, compare, divmod, logic, math, unary};

fn weak(v: Value) -> *mut nd_array {
    guard(|| Ok(nd_array::into_raw(Array::weak_scalar(v)?)))
}

/// A scalar operand for ufuncs that promotes as a Python bool does in NumPy
/// 2 (NEP 50 "weak"): next to arrays it takes their dtype. Elsewhere it is a
/// 0-d bool array. Caller owns the handle.
#[unsafe(no_mangle)]
pub extern "C" fn nd_scalar_bool(value: bool) -> *mut nd_array {
    weak(Value::Bool(value))
}

/// A weak integer operand, as a Python int in NumPy 2: with an int8 array it
/// computes in int8 (ND_ERR_OVERFLOW, "Python integer 300 out of bounds for
/// int8", when it does not fit; comparisons accept it), with a float array
/// in that float, with bool arrays in int64. Elsewhere a 0-d int64 array.
/// Caller owns the handle.
#[unsafe(no_mangle)]
pub extern "C" fn nd_scalar_int(value: i64) -> *mut nd_array {
    weak(Value::Int(value))
}

/// As nd_scalar_int for values above INT64_MAX (a 0-d uint64 elsewhere).
#[unsafe(no_mangle)]
pub extern "C" fn nd_scalar_uint(value: u64) -> *mut nd_array {
    weak(Value::UInt(value))
}

/// A weak float operand, as a Python float in NumPy 2: with float32 arrays
/// it computes in float32; with integer or bool arrays in float64. Elsewhere
/// a 0-d float64 array. Caller owns the handle.
#[unsafe(no_mangle)]
pub extern "C" fn nd_scalar_float(value: f64) -> *mut nd_array {
    weak(Value::F64(value))
}

/// A weak complex operand, as a Python complex in NumPy 2: complex64 next to
/// float16/float32/complex64 arrays, complex128 otherwise. Elsewhere a 0-d
/// complex128 array. Caller owns the handle.
#[unsafe(no_mangle)]
pub extern "C" fn nd_scalar_complex(re: f64, im: f64) -> *mut nd_array {
    weak(Value::C128(Complex64::new(re, im)))
}

unsafe fn unary(u: &Ufunc, a: *const nd_array, out: *const nd_array) -> *mut nd_array {
    guard(|| {
        let a = unsafe { nd_array::borrow(a, "a")? };
        let out = unsafe { nd_array::borrow_opt(out) };
        super::spare::emplace(|dst| u.call_into(&[a], out, dst))
    })
}

unsafe fn binary(
    u: &Ufunc,
    a: *const nd_array,
    b: *const nd_array,
    out: *const nd_array,
) -> *mut nd_array {
    unsafe {
        super::two_in_one_out_into(a, b, out, |a, b, out, dst| u.call_into(&[a, b], out, dst))
    }
}

/// NumPy's `add(a, b, out=out)`: elementwise sum (bool: logical or; integers
/// wrap). Result dtype by NumPy 2's promotion of the two dtypes. Errors:
/// ND_ERR_SHAPE ("operands could not be broadcast together with shapes
/// (2,3) (4,) "), ND_ERR_TYPE (output casting), ND_ERR_READONLY (`out`).
/// `out` takes part in broadcasting as in NumPy: the inputs are broadcast
/// up to a larger `out` (a row added into a matrix fills every row), but
/// `out` itself is never broadcast (ND_ERR_SHAPE, "non-broadcastable output
/// operand with shape (2,1) doesn't match the broadcast shape (2,3)").
/// Caller owns the returned handle.
///
/// # Safety
/// Handles NULL (only `out` may be) or live.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn nd_add(
    a: *const nd_array,
    b: *const nd_array,
    out: *const nd_array,
) -> *mut nd_array {
    unsafe { binary(&arith::ADD, a, b, out) }
}

/// NumPy's `subtract(a, b, out=out)`. Booleans are refused (ND_ERR_TYPE),
/// as in NumPy. Otherwise as nd_add.
///
/// # Safety
/// As nd_add.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn nd_subtract(
    a: *const nd_array,
    b: *const nd_array,
    out: *const nd_array,
) -> *mut nd_array {
    unsafe { binary(&arith::SUBTRACT, a, b, out) }
}

/// NumPy's `multiply(a, b, out=out)` (bool: logical and). As nd_add.
///
/// # Safety
/// As nd_add.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn nd_multiply(
    a: *const nd_array,
    b: *const nd_array,
    out: *const nd_array,
) -> *mut nd_array {
    unsafe { binary(&arith::MULTIPLY, a, b, out) }
}

/// NumPy's `divide` / `true_divide(a, b, out=out)`: integers and bools divide
/// as float64; floats and complex in their own type (complex by Smith's
/// method, as NumPy). Division by zero gives inf/nan, not an error. As nd_add.
///
/// # Safety
/// As nd_add.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn nd_divide(
    a: *const nd_array,
    b: *const nd_array,
    out: *const nd_array,
) -> *mut nd_array {
    unsafe { binary(&arith::TRUE_DIVIDE, a, b, out) }
}

/// Same as nd_divide (NumPy's `true_divide` is `divide`).
///
/// # Safety
/// As nd_add.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn nd_true_divide(
    a: *const nd_array,
    b: *const nd_array,
    out: *const nd_array,
) -> *mut nd_array {
    unsafe { binary(&arith::TRUE_DIVIDE, a, b, out) }
}

/// NumPy's `equal(a, b, out=out)`: a bool array, true where elements are equal (NaN is never equal; int64 and uint64 compare exactly). Broadcasting, `out` and errors as nd_add. Caller owns the
/// returned handle.
///
/// # Safety
/// As nd_add.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn nd_equal(
    a: *const nd_array,
    b: *const nd_array,
    out: *const nd_array,
) -> *mut nd_array {
    unsafe { binary(&compare::EQUAL, a, b, out) }
}

/// NumPy's `not_equal(a, b, out=out)`: the negation of nd_equal (NaN differs from everything). Broadcasting, `out` and errors as nd_add. Caller owns the
/// returned handle.
///
/// # Safety
/// As nd_add.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn nd_not_equal(
    a: *const nd_array,
    b: *const nd_array,
    out: *const nd_array,
) -> *mut nd_array {
    unsafe { binary(&compare::NOT_EQUAL, a, b, out) }
}

/// NumPy's `less(a, b, out=out)`: a < b elementwise, as a bool array (complex: lexicographic, as NumPy). Broadcasting, `out` and errors as nd_add. Caller owns the
/// returned handle.
///
/// # Safety
/// As nd_add.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn nd_less(
    a: *const nd_array,
    b: *const nd_array,
    out: *const nd_array,
) -> *mut nd_array {
    unsafe { binary(&compare::LESS, a, b, out) }
}

/// NumPy's `less_equal(a, b, out=out)`: a <= b elementwise. Broadcasting, `out` and errors as nd_add. Caller owns the
/// returned handle.
///
/// # Safety
/// As nd_add.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn nd_less_equal(
    a: *const nd_array,
    b: *const nd_array,
    out: *const nd_array,
) -> *mut nd_array {
    unsafe { binary(&compare::LESS_EQUAL, a, b, out) }
}

/// NumPy's `greater(a, b, out=out)`: a > b elementwise. Broadcasting, `out` and errors as nd_add. Caller owns the
/// returned handle.
///
/// # Safety
/// As nd_add.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn nd_greater(
    a: *const nd_array,
    b: *const nd_array,
    out: *const nd_array,
) -> *mut nd_array {
    unsafe { binary(&compare::GREATER, a, b, out) }
}

/// NumPy's `greater_equal(a, b, out=out)`: a >= b elementwise. Broadcasting, `out` and errors as nd_add. Caller owns the
/// returned handle.
///
/// # Safety
/// As nd_add.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn nd_greater_equal(
    a: *const nd_array,
    b: *const nd_array,
    out: *const nd_array,
) -> *mut nd_array {
    unsafe { binary(&compare::GREATER_EQUAL, a, b, out) }
}

/// NumPy's `maximum(a, b, out=out)`: the larger element, NaN if either is NaN (ties return `b`'s element, as NumPy's loops). Broadcasting, `out` and errors as nd_add. Caller owns the
/// returned handle.
///
/// # Safety
/// As nd_add.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn nd_maximum(
    a: *const nd_array,
    b: *const nd_array,
    out: *const nd_array,
) -> *mut nd_array {
    unsafe { binary(&compare::MAXIMUM, a, b, out) }
}

/// NumPy's `minimum(a, b, out=out)`: the smaller element, NaN if either is NaN. Broadcasting, `out` and errors as nd_add. Caller owns the
/// returned handle.
///
/// # Safety
/// As nd_add.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn nd_minimum(
    a: *const nd_array,
    b: *const nd_array,
    out: *const nd_array,
) -> *mut nd_array {
    unsafe { binary(&compare::MINIMUM, a, b, out) }
}

/// NumPy's `fmax(a, b, out=out)`: the larger element, ignoring a NaN when the other is a number. Broadcasting, `out` and errors as nd_add. Caller owns the
/// returned handle.
///
/// # Safety
/// As nd_add.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn nd_fmax(
    a: *const nd_array,
    b: *const nd_array,
    out: *const nd_array,
) -> *mut nd_array {
    unsafe { binary(&compare::FMAX, a, b, out) }
}

/// NumPy's `fmin(a, b, out=out)`: the smaller element, ignoring a NaN when the other is a number. Broadcasting, `out` and errors as nd_add. Caller owns the
/// returned handle.
///
/// # Safety
/// As nd_add.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn nd_fmin(
    a: *const nd_array,
    b: *const nd_array,
    out: *const nd_array,
) -> *mut nd_array {
    unsafe { binary(&compare::FMIN, a, b, out) }
}

/// NumPy's `negative(a, out=out)`: -a (integers wrap; booleans refused, ND_ERR_TYPE, as NumPy). `out` (NULL for a new array) and errors as nd_add. Caller
/// owns the returned handle.
///
/// # Safety
/// `a` live; `out` NULL or live.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn nd_negative(a: *const nd_array, out: *const nd_array) -> *mut nd_array {
    unsafe { unary(&unary::NEGATIVE, a, out) }
}

/// NumPy's `positive(a, out=out)`: +a, a copy (booleans refused, as NumPy). `out` (NULL for a new array) and errors as nd_add. Caller
/// owns the returned handle.
///
/// # Safety
/// `a` live; `out` NULL or live.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn nd_positive(a: *const nd_array, out: *const nd_array) -> *mut nd_array {
    unsafe { unary(&unary::POSITIVE, a, out) }
}

/// NumPy's `absolute(a, out=out)`: |a| (integers wrap at their minimum; complex gives the real modulus via hypot). `out` (NULL for a new array) and errors as nd_add. Caller
/// owns the returned handle.
///
/// # Safety
/// `a` live; `out` NULL or live.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn nd_absolute(a: *const nd_array, out: *const nd_array) -> *mut nd_array {
    unsafe { unary(&unary::ABSOLUTE, a, out) }
}

/// NumPy's `square(a, out=out)`: a*a (booleans compute as int8, as NumPy). `out` (NULL for a new array) and errors as nd_add. Caller
/// owns the returned handle.
///
/// # Safety
/// `a` live; `out` NULL or live.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn nd_square(a: *const nd_array, out: *const nd_array) -> *mut nd_array {
    unsafe { unary(&unary::SQUARE, a, out) }
}

/// NumPy's `sqrt(a, out=out)`: the square root (integers and bools as float16/float32/float64 by NumPy's loop order; negative reals give nan). `out` (NULL for a new array) and errors as nd_add. Caller
/// owns the returned handle.
///
/// # Safety
/// `a` live; `out` NULL or live.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn nd_sqrt(a: *const nd_array, out: *const nd_array) -> *mut nd_array {
    unsafe { unary(&unary::SQRT, a, out) }
}

/// NumPy's `floor(a, out=out)`: rounded toward -inf (integers and bools unchanged, same dtype, as NumPy 2). `out` (NULL for a new array) and errors as nd_add. Caller
/// owns the returned handle.
///
/// # Safety
/// `a` live; `out` NULL or live.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn nd_floor(a: *const nd_array, out: *const nd_array) -> *mut nd_array {
    unsafe { unary(&unary::FLOOR, a, out) }
}

/// NumPy's `ceil(a, out=out)`: rounded toward +inf (integers unchanged). `out` (NULL for a new array) and errors as nd_add. Caller
/// owns the returned handle.
///
/// # Safety
/// `a` live; `out` NULL or live.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn nd_ceil(a: *const nd_array, out: *const nd_array) -> *mut nd_array {
    unsafe { unary(&unary::CEIL, a, out) }
}

/// NumPy's `trunc(a, out=out)`: rounded toward zero (integers unchanged). `out` (NULL for a new array) and errors as nd_add. Caller
/// owns the returned handle.
///
/// # Safety
/// `a` live; `out` NULL or live.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn nd_trunc(a: *const nd_array, out: *const nd_array) -> *mut nd_array {
    unsafe { unary(&unary::TRUNC, a, out) }
}

/// NumPy's `rint(a, out=out)`: rounded to the nearest integer, ties to even (integers as floats, NumPy's loop order). `out` (NULL for a new array) and errors as nd_add. Caller
/// owns the returned handle.
///
/// # Safety
/// `a` live; `out` NULL or live.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn nd_rint(a: *const nd_array, out: *const nd_array) -> *mut nd_array {
    unsafe { unary(&unary::RINT, a, out) }
}

/// NumPy's `conjugate(a, out=out)`: the complex conjugate (real inputs unchanged). `out` (NULL for a new array) and errors as nd_add. Caller
/// owns the returned handle.
///
/// # Safety
/// `a` live; `out` NULL or live.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn nd_conjugate(a: *const nd_array, out: *const nd_array) -> *mut nd_array {
    unsafe { unary(&unary::CONJUGATE, a, out) }
}

/// NumPy's `isnan(a, out=out)`: a bool array, true for NaN (complex: either part). `out` (NULL for a new array) and errors as nd_add. Caller
/// owns the returned handle.
///
/// # Safety
/// `a` live; `out` NULL or live.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn nd_isnan(a: *const nd_array, out: *const nd_array) -> *mut nd_array {
    unsafe { unary(&unary::ISNAN, a, out) }
}

/// NumPy's `isinf(a, out=out)`: a bool array, true for +-inf (complex: either part). `out` (NULL for a new array) and errors as nd_add. Caller
/// owns the returned handle.
///
/// # Safety
/// `a` live; `out` NULL or live.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn nd_isinf(a: *const nd_array, out: *const nd_array) -> *mut nd_array {
    unsafe { unary(&unary::ISINF, a, out) }
}

/// NumPy's `isfinite(a, out=out)`: a bool array, true when neither NaN nor infinite. `out` (NULL for a new array) and errors as nd_add. Caller
/// owns the returned handle.
///
/// # Safety
/// `a` live; `out` NULL or live.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn nd_isfinite(a: *const nd_array, out: *const nd_array) -> *mut nd_array {
    unsafe { unary(&unary::ISFINITE, a, out) }
}

/// NumPy's `signbit(a, out=out)`: a bool array, true where the sign bit is set (-0.0 too). `out` (NULL for a new array) and errors as nd_add. Caller
/// owns the returned handle.
///
/// # Safety
/// `a` live; `out` NULL or live.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn nd_signbit(a: *const nd_array, out: *const nd_array) -> *mut nd_array {
    unsafe { unary(&unary::SIGNBIT, a, out) }
}

/// NumPy's `logical_and(a, b, out=out)`: a bool array, both non-zero (NaN counts as non-zero). Broadcasting, `out` and errors as nd_add. Caller owns the
/// returned handle.
///
/// # Safety
/// As nd_add.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn nd_logical_and(
    a: *const nd_array,
    b: *const nd_array,
    out: *const nd_array,
) -> *mut nd_array {
    unsafe { binary(&logic::LOGICAL_AND, a, b, out) }
}

/// NumPy's `logical_or(a, b, out=out)`: a bool array, either non-zero. Broadcasting, `out` and errors as nd_add. Caller owns the
/// returned handle.
///
/// # Safety
/// As nd_add.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn nd_logical_or(
    a: *const nd_array,
    b: *const nd_array,
    out: *const nd_array,
) -> *mut nd_array {
    unsafe { binary(&logic::LOGICAL_OR, a, b, out) }
}

/// NumPy's `logical_xor(a, b, out=out)`: a bool array, exactly one non-zero. Broadcasting, `out` and errors as nd_add. Caller owns the
/// returned handle.
///
/// # Safety
/// As nd_add.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn nd_logical_xor(
    a: *const nd_array,
    b: *const nd_array,
    out: *const nd_array,
) -> *mut nd_array {
    unsafe { binary(&logic::LOGICAL_XOR, a, b, out) }
}

/// NumPy's `bitwise_and(a, b, out=out)` for bools and integers (floats: ND_ERR_TYPE, as NumPy). Broadcasting, `out` and errors as nd_add. Caller owns the
/// returned handle.
///
/// # Safety
/// As nd_add.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn nd_bitwise_and(
    a: *const nd_array,
    b: *const nd_array,
    out: *const nd_array,
) -> *mut nd_array {
    unsafe { binary(&logic::BITWISE_AND, a, b, out) }
}

/// NumPy's `bitwise_or(a, b, out=out)` for bools and integers. Broadcasting, `out` and errors as nd_add. Caller owns the
/// returned handle.
///
/// # Safety
/// As nd_add.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn nd_bitwise_or(
    a: *const nd_array,
    b: *const nd_array,
    out: *const nd_array,
) -> *mut nd_array {
    unsafe { binary(&logic::BITWISE_OR, a, b, out) }
}

/// NumPy's `bitwise_xor(a, b, out=out)` for bools and integers. Broadcasting, `out` and errors as nd_add. Caller owns the
/// returned handle.
///
/// # Safety
/// As nd_add.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn nd_bitwise_xor(
    a: *const nd_array,
    b: *const nd_array,
    out: *const nd_array,
) -> *mut nd_array {
    unsafe { binary(&logic::BITWISE_XOR, a, b, out) }
}

/// NumPy's `left_shift(a, b, out=out)`: a << b; counts at or beyond the width, or negative, give 0. Broadcasting, `out` and errors as nd_add. Caller owns the
/// returned handle.
///
/// # Safety
/// As nd_add.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn nd_left_shift(
    a: *const nd_array,
    b: *const nd_array,
    out: *const nd_array,
) -> *mut nd_array {
    unsafe { binary(&logic::LEFT_SHIFT, a, b, out) }
}

/// NumPy's `right_shift(a, b, out=out)`: a >> b (arithmetic for signed); counts at or beyond the width give 0, or -1 for negative a. Broadcasting, `out` and errors as nd_add. Caller owns the
/// returned handle.
///
/// # Safety
/// As nd_add.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn nd_right_shift(
    a: *const nd_array,
    b: *const nd_array,
    out: *const nd_array,
) -> *mut nd_array {
    unsafe { binary(&logic::RIGHT_SHIFT, a, b, out) }
}

/// NumPy's `floor_divide(a, b, out=out)`: a // b rounded toward -inf; integer division by zero gives 0 and MIN // -1 gives MIN. Broadcasting, `out` and errors as nd_add. Caller owns the
/// returned handle.
///
/// # Safety
/// As nd_add.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn nd_floor_divide(
    a: *const nd_array,
    b: *const nd_array,
    out: *const nd_array,
) -> *mut nd_array {
    unsafe { binary(&divmod::FLOOR_DIVIDE, a, b, out) }
}

/// NumPy's `remainder` / `mod(a, b, out=out)`: a % b with the sign of b (Python's); integer division by zero gives 0. Broadcasting, `out` and errors as nd_add. Caller owns the
/// returned handle.
///
/// # Safety
/// As nd_add.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn nd_remainder(
    a: *const nd_array,
    b: *const nd_array,
    out: *const nd_array,
) -> *mut nd_array {
    unsafe { binary(&divmod::REMAINDER, a, b, out) }
}

/// NumPy's `fmod(a, b, out=out)`: C's remainder with the sign of a; integer division by zero gives 0. Broadcasting, `out` and errors as nd_add. Caller owns the
/// returned handle.
///
/// # Safety
/// As nd_add.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn nd_fmod(
    a: *const nd_array,
    b: *const nd_array,
    out: *const nd_array,
) -> *mut nd_array {
    unsafe { binary(&divmod::FMOD, a, b, out) }
}

/// NumPy's `logical_not(a, out=out)`: a bool array, true where a is zero. `out` and errors as nd_add. Caller owns the returned
/// handle.
///
/// # Safety
/// `a` live; `out` NULL or live.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn nd_logical_not(a: *const nd_array, out: *const nd_array) -> *mut nd_array {
    unsafe { unary(&logic::LOGICAL_NOT, a, out) }
}

/// NumPy's `invert` / `bitwise_not(a, out=out)`: ~a for integers, not for bools. `out` and errors as nd_add. Caller owns the returned
/// handle.
///
/// # Safety
/// `a` live; `out` NULL or live.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn nd_invert(a: *const nd_array, out: *const nd_array) -> *mut nd_array {
    unsafe { unary(&logic::INVERT, a, out) }
}

/// NumPy's `exp(a, out=out)`: e**a, elementwise, for real floats
/// (integers promote as NumPy's loops: int8 to float16, int64 to float64);
/// values from the C library's libm. Complex input is not supported yet
/// (ND_ERR_TYPE). Caller owns the returned handle.
///
/// # Safety
/// `a` live; `out` NULL or live.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn nd_exp(a: *const nd_array, out: *const nd_array) -> *mut nd_array {
    unsafe { unary(&math::EXP, a, out) }
}

/// NumPy's `exp2(a, out=out)`: 2**a, elementwise, for real floats
/// (integers promote as NumPy's loops: int8 to float16, int64 to float64);
/// values from the C library's libm. Complex input is not supported yet
/// (ND_ERR_TYPE). Caller owns the returned handle.
///
/// # Safety
/// `a` live; `out` NULL or live.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn nd_exp2(a: *const nd_array, out: *const nd_array) -> *mut nd_array {
    unsafe { unary(&math::EXP2, a, out) }
}

/// NumPy's `expm1(a, out=out)`: e**a - 1, accurate near 0, elementwise, for real floats
/// (integers promote as NumPy's loops: int8 to float16, int64 to float64);
/// values from the C library's libm. Complex input is not supported yet
/// (ND_ERR_TYPE). Caller owns the returned handle.
///
/// # Safety
/// `a` live; `out` NULL or live.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn nd_expm1(a: *const nd_array, out: *const nd_array) -> *mut nd_array {
    unsafe { unary(&math::EXPM1, a, out) }
}

/// NumPy's `log(a, out=out)`: the natural logarithm, elementwise, for real floats
/// (integers promote as NumPy's loops: int8 to float16, int64 to float64);
/// values from the C library's libm. Complex input is not supported yet
/// (ND_ERR_TYPE). Caller owns the returned handle.
///
/// # Safety
/// `a` live; `out` NULL or live.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn nd_log(a: *const nd_array, out: *const nd_array) -> *mut nd_array {
    unsafe { unary(&math::LOG, a, out) }
}

/// NumPy's `log2(a, out=out)`: the base-2 logarithm, elementwise, for real floats
/// (integers promote as NumPy's loops: int8 to float16, int64 to float64);
/// values from the C library's libm. Complex input is not supported yet
/// (ND_ERR_TYPE). Caller owns the returned handle.
///
/// # Safety
/// `a` live; `out` NULL or live.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn nd_log2(a: *const nd_array, out: *const nd_array) -> *mut nd_array {
    unsafe { unary(&math::LOG2, a, out) }
}

/// NumPy's `log10(a, out=out)`: the base-10 logarithm, elementwise, for real floats
/// (integers promote as NumPy's loops: int8 to float16, int64 to float64);
/// values from the C library's libm. Complex input is not supported yet
/// (ND_ERR_TYPE). Caller owns the returned handle.
///
/// # Safety
/// `a` live; `out` NULL or live.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn nd_log10(a: *const nd_array, out: *const nd_array) -> *mut nd_array {
    unsafe { unary(&math::LOG10, a, out) }
}

/// NumPy's `log1p(a, out=out)`: log(1 + a), accurate near 0, elementwise, for real floats
/// (integers promote as NumPy's loops: int8 to float16, int64 to float64);
/// values from the C library's libm. Complex input is not supported yet
/// (ND_ERR_TYPE). Caller owns the returned handle.
///
/// # Safety
/// `a` live; `out` NULL or live.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn nd_log1p(a: *const nd_array, out: *const nd_array) -> *mut nd_array {
    unsafe { unary(&math::LOG1P, a, out) }
}

/// NumPy's `sin(a, out=out)`: the sine, elementwise, for real floats
/// (integers promote as NumPy's loops: int8 to float16, int64 to float64);
/// values from the C library's libm. Complex input is not supported yet
/// (ND_ERR_TYPE). Caller owns the returned handle.
///
/// # Safety
/// `a` live; `out` NULL or live.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn nd_sin(a: *const nd_array, out: *const nd_array) -> *mut nd_array {
    unsafe { unary(&math::SIN, a, out) }
}

/// NumPy's `cos(a, out=out)`: the cosine, elementwise, for real floats
/// (integers promote as NumPy's loops: int8 to float16, int64 to float64);
/// values from the C library's libm. Complex input is not supported yet
/// (ND_ERR_TYPE). Caller owns the returned handle.
///
/// # Safety
/// `a` live; `out` NULL or live.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn nd_cos(a: *const nd_array, out: *const nd_array) -> *mut nd_array {
    unsafe { unary(&math::COS, a, out) }
}

/// NumPy's `tan(a, out=out)`: the tangent, elementwise, for real floats
/// (integers promote as NumPy's loops: int8 to float16, int64 to float64);
/// values from the C library's libm. Complex input is not supported yet
/// (ND_ERR_TYPE). Caller owns the returned handle.
///
/// # Safety
/// `a` live; `out` NULL or live.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn nd_tan(a: *const nd_array, out: *const nd_array) -> *mut nd_array {
    unsafe { unary(&math::TAN, a, out) }
}

/// NumPy's `arcsin(a, out=out)`: the inverse sine, elementwise, for real floats
/// (integers promote as NumPy's loops: int8 to float16, int64 to float64);
/// values from the C library's libm. Complex input is not supported yet
/// (ND_ERR_TYPE). Caller owns the returned handle.
///
/// # Safety
/// `a` live; `out` NULL or live.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn nd_arcsin(a: *const nd_array, out: *const nd_array) -> *mut nd_array {
    unsafe { unary(&math::ARCSIN, a, out) }
}

/// NumPy's `arccos(a, out=out)`: the inverse cosine, elementwise, for real floats
/// (integers promote as NumPy's loops: int8 to float16, int64 to float64);
/// values from the C library's libm. Complex input is not supported yet
/// (ND_ERR_TYPE). Caller owns the returned handle.
///
/// # Safety
/// `a` live; `out` NULL or live.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn nd_arccos(a: *const nd_array, out: *const nd_array) -> *mut nd_array {
    unsafe { unary(&math::ARCCOS, a, out) }
}

/// NumPy's `arctan(a, out=out)`: the inverse tangent, elementwise, for real floats
/// (integers promote as NumPy's loops: int8 to float16, int64 to float64);
/// values from the C library's libm. Complex input is not supported yet
/// (ND_ERR_TYPE). Caller owns the returned handle.
///
/// # Safety
/// `a` live; `out` NULL or live.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn nd_arctan(a: *const nd_array, out: *const nd_array) -> *mut nd_array {
    unsafe { unary(&math::ARCTAN, a, out) }
}

/// NumPy's `sinh(a, out=out)`: the hyperbolic sine, elementwise, for real floats
/// (integers promote as NumPy's loops: int8 to float16, int64 to float64);
/// values from the C library's libm. Complex input is not supported yet
/// (ND_ERR_TYPE). Caller owns the returned handle.
///
/// # Safety
/// `a` live; `out` NULL or live.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn nd_sinh(a: *const nd_array, out: *const nd_array) -> *mut nd_array {
    unsafe { unary(&math::SINH, a, out) }
}

/// NumPy's `cosh(a, out=out)`: the hyperbolic cosine, elementwise, for real floats
/// (integers promote as NumPy's loops: int8 to float16, int64 to float64);
/// values from the C library's libm. Complex input is not supported yet
/// (ND_ERR_TYPE). Caller owns the returned handle.
///
/// # Safety
/// `a` live; `out` NULL or live.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn nd_cosh(a: *const nd_array, out: *const nd_array) -> *mut nd_array {
    unsafe { unary(&math::COSH, a, out) }
}

/// NumPy's `tanh(a, out=out)`: the hyperbolic tangent, elementwise, for real floats
/// (integers promote as NumPy's loops: int8 to float16, int64 to float64);
/// values from the C library's libm. Complex input is not supported yet
/// (ND_ERR_TYPE). Caller owns the returned handle.
///
/// # Safety
/// `a` live; `out` NULL or live.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn nd_tanh(a: *const nd_array, out: *const nd_array) -> *mut nd_array {
    unsafe { unary(&math::TANH, a, out) }
}

/// NumPy's `arcsinh(a, out=out)`: the inverse hyperbolic sine, elementwise, for real floats
/// (integers promote as NumPy's loops: int8 to float16, int64 to float64);
/// values from the C library's libm. Complex input is not supported yet
/// (ND_ERR_TYPE). Caller owns the returned handle.
///
/// # Safety
/// `a` live; `out` NULL or live.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn nd_arcsinh(a: *const nd_array, out: *const nd_array) -> *mut nd_array {
    unsafe { unary(&math::ARCSINH, a, out) }
}

/// NumPy's `arccosh(a, out=out)`: the inverse hyperbolic cosine, elementwise, for real floats
/// (integers promote as NumPy's loops: int8 to float16, int64 to float64);
/// values from the C library's libm. Complex input is not supported yet
/// (ND_ERR_TYPE). Caller owns the returned handle.
///
/// # Safety
/// `a` live; `out` NULL or live.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn nd_arccosh(a: *const nd_array, out: *const nd_array) -> *mut nd_array {
    unsafe { unary(&math::ARCCOSH, a, out) }
}

/// NumPy's `arctanh(a, out=out)`: the inverse hyperbolic tangent, elementwise, for real floats
/// (integers promote as NumPy's loops: int8 to float16, int64 to float64);
/// values from the C library's libm. Complex input is not supported yet
/// (ND_ERR_TYPE). Caller owns the returned handle.
///
/// # Safety
/// `a` live; `out` NULL or live.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn nd_arctanh(a: *const nd_array, out: *const nd_array) -> *mut nd_array {
    unsafe { unary(&math::ARCTANH, a, out) }
}

/// NumPy's `cbrt(a, out=out)`: the cube root, elementwise, for real floats
/// (integers promote as NumPy's loops: int8 to float16, int64 to float64);
/// values from the C library's libm. Complex input is not supported yet
/// (ND_ERR_TYPE). Caller owns the returned handle.
///
/// # Safety
/// `a` live; `out` NULL or live.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn nd_cbrt(a: *const nd_array, out: *const nd_array) -> *mut nd_array {
    unsafe { unary(&math::CBRT, a, out) }
}

/// NumPy's `deg2rad(a, out=out)`: degrees to radians, elementwise, for real floats
/// (integers promote as NumPy's loops: int8 to float16, int64 to float64);
/// values from the C library's libm. Complex input is not supported yet
/// (ND_ERR_TYPE). Caller owns the returned handle.
///
/// # Safety
/// `a` live; `out` NULL or live.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn nd_deg2rad(a: *const nd_array, out: *const nd_array) -> *mut nd_array {
    unsafe { unary(&math::DEG2RAD, a, out) }
}

/// NumPy's `rad2deg(a, out=out)`: radians to degrees, elementwise, for real floats
/// (integers promote as NumPy's loops: int8 to float16, int64 to float64);
/// values from the C library's libm. Complex input is not supported yet
/// (ND_ERR_TYPE). Caller owns the returned handle.
///
/// # Safety
/// `a` live; `out` NULL or live.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn nd_rad2deg(a: *const nd_array, out: *const nd_array) -> *mut nd_array {
    unsafe { unary(&math::RAD2DEG, a, out) }
}

/// NumPy's `arctan2(a, b, out=out)`: the angle of (b, a): atan2(a, b), elementwise. Broadcasting, `out` and
/// errors as nd_add. Caller owns the returned handle.
///
/// # Safety
/// As nd_add.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn nd_arctan2(
    a: *const nd_array,
    b: *const nd_array,
    out: *const nd_array,
) -> *mut nd_array {
    unsafe { binary(&math::ARCTAN2, a, b, out) }
}

/// NumPy's `hypot(a, b, out=out)`: sqrt(a*a + b*b) without overflow, elementwise. Broadcasting, `out` and
/// errors as nd_add. Caller owns the returned handle.
///
/// # Safety
/// As nd_add.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn nd_hypot(
    a: *const nd_array,
    b: *const nd_array,
    out: *const nd_array,
) -> *mut nd_array {
    unsafe { binary(&math::HYPOT, a, b, out) }
}

/// NumPy's `copysign(a, b, out=out)`: |a| with the sign of b, elementwise. Broadcasting, `out` and
/// errors as nd_add. Caller owns the returned handle.
///
/// # Safety
/// As nd_add.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn nd_copysign(
    a: *const nd_array,
    b: *const nd_array,
    out: *const nd_array,
) -> *mut nd_array {
    unsafe { binary(&math::COPYSIGN, a, b, out) }
}

/// NumPy's `nextafter(a, b, out=out)`: the next float after a toward b, elementwise. Broadcasting, `out` and
/// errors as nd_add. Caller owns the returned handle.
///
/// # Safety
/// As nd_add.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn nd_nextafter(
    a: *const nd_array,
    b: *const nd_array,
    out: *const nd_array,
) -> *mut nd_array {
    unsafe { binary(&math::NEXTAFTER, a, b, out) }
}

/// NumPy's `float_power(a, b, out=out)`: a**b in float64 (integers and float32 promote to float64), elementwise. Broadcasting, `out` and
/// errors as nd_add. Caller owns the returned handle.
///
/// # Safety
/// As nd_add.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn nd_float_power(
    a: *const nd_array,
    b: *const nd_array,
    out: *const nd_array,
) -> *mut nd_array {
    unsafe { binary(&math::FLOAT_POWER, a, b, out) }
}

/// NumPy's `reciprocal(a, out=out)`: 1/a (integers compute 1.0/a in double and convert back as C does, so 1/0 is 0 for int8 and INT64_MIN for int64). `out` and errors as nd_add. Caller owns the returned handle.
///
/// # Safety
/// `a` live; `out` NULL or live.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn nd_reciprocal(a: *const nd_array, out: *const nd_array) -> *mut nd_array {
    unsafe { unary(&unary::RECIPROCAL, a, out) }
}

/// NumPy's `sign(a, out=out)`: -1, 0 or 1 (NaN stays NaN; complex: a/|a|, as NumPy 2). `out` and errors as nd_add. Caller owns the returned handle.
///
/// # Safety
/// `a` live; `out` NULL or live.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn nd_sign(a: *const nd_array, out: *const nd_array) -> *mut nd_array {
    unsafe { unary(&unary::SIGN, a, out) }
}

/// NumPy's `power(a, b, out=out)`: a**b. Integers wrap (by squaring, as
/// NumPy) and refuse negative exponents with ND_ERR_VALUE ("Integers to
/// negative integer powers are not allowed.") before anything is written;
/// floats use libm's pow. Complex power is not supported yet (ND_ERR_TYPE).
/// Broadcasting, `out` and errors otherwise as nd_add. Caller owns the
/// returned handle.
///
/// # Safety
/// As nd_add.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn nd_power(
    a: *const nd_array,
    b: *const nd_array,
    out: *const nd_array,
) -> *mut nd_array {
    unsafe { binary(&math::POWER, a, b, out) }
}
