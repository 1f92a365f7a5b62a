//! Ufuncs at the C boundary: `nd_<name>(inputs..., out)`. Each returns a new
//! handle on the result: a new array, or a view of `out` when `out` is not
//! NULL (release it too). Inputs broadcast together; `out` must have the
//! broadcast shape and accept the result under same_kind casting. Inputs
//! that overlap `out` are read as if copied first.

use super::guard::{Handle, guard};
use super::nd_array;
use crate::ufunc::Ufunc;
use crate::ufunc::arith;

unsafe fn binary(
    u: &Ufunc,
    a: *const nd_array,
    b: *const nd_array,
    out: *const nd_array,
) -> *mut nd_array {
    guard(|| {
        let a = unsafe { nd_array::borrow(a, "a")? };
        let b = unsafe { nd_array::borrow(b, "b")? };
        let out = unsafe { nd_array::borrow_opt(out) };
        Ok(nd_array::into_raw(u.call(&[a, b], out)?))
    })
}

/// NumPy's `add(a, b, out=out)`: elementwise sum (bool: logical or; integers
/// wrap). Result dtype by NumPy 2's promotion of the two dtypes. Errors:
/// ND_ERR_SHAPE ("operands could not be broadcast together with shapes
/// (2,3) (4,) "), ND_ERR_TYPE (output casting), ND_ERR_READONLY (`out`).
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
