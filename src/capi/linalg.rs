//! Matrix products: matmul, dot, vdot, inner, outer.

use super::guard::c_slice;
use super::guard::{Handle, guard};
use super::{nd_array, nd_dtype};
use crate::linalg;

/// NumPy's `matmul(a, b, out=out)` (the `@` operator): the matrix product
/// of the last two axes, the other axes broadcast together (batches). A 1-d
/// `a` is taken as a row and a 1-d `b` as a column, and that axis is
/// removed from the result. The result dtype is NumPy's promotion of the
/// two (bool: logical or of ands; integers wrap; float16 sums in float32).
/// Any strides (transposed, sliced, reversed views) are read in place.
///
/// `out` (NULL: a new array) must have the result's shape and accept its
/// dtype under same_kind casting; it may overlap the inputs (the result is
/// NumPy's, as if the inputs were copied first). Returns a new handle on
/// the result (a view of `out` when given). Errors: 0-d operands,
/// mismatched core dimensions and unbroadcastable batches (ND_ERR_VALUE,
/// NumPy's messages), record dtypes (ND_ERR_TYPE), `out` of the wrong shape
/// (ND_ERR_VALUE), dtype (ND_ERR_TYPE) or read-only (ND_ERR_READONLY).
/// Large products use every thread of ndcore's team (RAYON_NUM_THREADS
/// sets the count); the result does not depend on timing for a given
/// thread count. In a library built with the `system-blas` feature,
/// large float and complex products whose operands each have one unit
/// stride run the linked BLAS's ?gemm instead (its own threads:
/// OPENBLAS_NUM_THREADS for OpenBLAS).
///
/// # Safety
/// Handles NULL or live.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn nd_matmul(
    a: *const nd_array,
    b: *const nd_array,
    out: *const nd_array,
) -> *mut nd_array {
    unsafe { super::two_in_one_out(a, b, out, linalg::matmul) }
}

/// NumPy's `dot(a, b, out=out)`: a 0-d operand multiplies; two 1-d arrays
/// give their inner product (0-d); otherwise the sum over the last axis of
/// `a` and the second-to-last axis of `b` (its only axis when 1-d), result
/// shape a.shape[:-1] + b.shape[:-2] + b.shape[-1:]. Mismatched lengths:
/// ND_ERR_VALUE, "shapes (2,3) and (2,3) not aligned: 3 (dim 1) != 2 (dim
/// 0)". As in NumPy, `out` must be writeable and C-contiguous with
/// exactly the result's dtype and shape (ND_ERR_VALUE otherwise, "output
/// array is not acceptable ...", a read-only `out` included). Otherwise as
/// nd_matmul.
///
/// # Safety
/// Handles NULL or live.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn nd_dot(
    a: *const nd_array,
    b: *const nd_array,
    out: *const nd_array,
) -> *mut nd_array {
    unsafe { super::two_in_one_out(a, b, out, linalg::dot) }
}

/// NumPy's `vdot(a, b)`: the dot product of the flattened arrays with `a`
/// conjugated (complex), as a 0-d array. Sizes must match (ND_ERR_VALUE).
///
/// # Safety
/// Handles NULL or live.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn nd_vdot(a: *const nd_array, b: *const nd_array) -> *mut nd_array {
    unsafe { super::two_in_one_out(a, b, std::ptr::null(), |a, b, _| linalg::vdot(a, b)) }
}

/// NumPy's `inner(a, b)`: the sum over the last axes of both, result shape
/// a.shape[:-1] + b.shape[:-1] (a 0-d operand multiplies). Mismatched
/// last axes: ND_ERR_VALUE with NumPy's message.
///
/// # Safety
/// Handles NULL or live.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn nd_inner(a: *const nd_array, b: *const nd_array) -> *mut nd_array {
    unsafe { super::two_in_one_out(a, b, std::ptr::null(), |a, b, _| linalg::inner(a, b)) }
}

/// NumPy's `outer(a, b, out=out)`: `out[i, j] = a.flat[i] * b.flat[j]`,
/// shape (a.size, b.size); `out` as for nd_multiply.
///
/// # Safety
/// Handles NULL or live.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn nd_outer(
    a: *const nd_array,
    b: *const nd_array,
    out: *const nd_array,
) -> *mut nd_array {
    unsafe { super::two_in_one_out(a, b, out, linalg::outer) }
}

/// NumPy's `tensordot(a, b, axes=(axes_a, axes_b))`: the sum over the
/// `naxes` paired axes (`axes_a[i]` of `a` with `axes_b[i]` of `b`,
/// negative counting from the end), result shape a's remaining axes then
/// b's. NumPy's `axes=N` is axes_a = the last N of a, axes_b = the first N
/// of b. Errors: paired lengths differ ("shape-mismatch for sum",
/// ND_ERR_VALUE), axis out of range (ND_ERR_AXIS), repeated axis.
///
/// # Safety
/// Handles NULL or live; `axes_a`, `axes_b` hold `naxes` values (NULL when
/// `naxes` is 0).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn nd_tensordot(
    a: *const nd_array,
    b: *const nd_array,
    naxes: usize,
    axes_a: *const i64,
    axes_b: *const i64,
) -> *mut nd_array {
    guard(|| {
        let a = unsafe { nd_array::borrow(a, "a")? };
        let b = unsafe { nd_array::borrow(b, "b")? };
        let xa = unsafe { c_slice(axes_a, naxes, "axes_a")? };
        let xb = unsafe { c_slice(axes_b, naxes, "axes_b")? };
        Ok(nd_array::into_raw(linalg::tensordot(a, b, xa, xb)?))
    })
}

/// NumPy's `trace(a, offset, axis1, axis2, dtype)`: sums along the
/// diagonals of the (axis1, axis2) planes, `offset` above (> 0) or below
/// the main one; the accumulator as nd_sum's (`dtype` NULL: int64 for
/// small integers and bool). A 1-d array is ND_ERR_VALUE ("diag requires
/// an array of at least two dimensions").
///
/// # Safety
/// Handles NULL or live.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn nd_trace(
    a: *const nd_array,
    offset: i64,
    axis1: i64,
    axis2: i64,
    dtype: *const nd_dtype,
) -> *mut nd_array {
    guard(|| {
        let a = unsafe { nd_array::borrow(a, "a")? };
        let dtype = unsafe { nd_dtype::borrow_opt(dtype) };
        Ok(nd_array::into_raw(linalg::trace(
            a, offset, axis1, axis2, dtype,
        )?))
    })
}
