//! Reductions at the C boundary: `nd_sum`, `nd_prod`, `nd_min`, `nd_max`,
//! `nd_mean`, `nd_any`, `nd_all` take NumPy's keyword arguments in one
//! struct (`nd_reduce_args`, all-zero = NumPy's defaults); `nd_argmax`,
//! `nd_argmin`, `nd_cumsum`, `nd_cumprod` take an axis (ND_NONE for the
//! flattened array).

use super::guard::{Handle, c_slice, guard};
use super::views::ND_NONE;
use super::{nd_array, nd_dtype};
use crate::error::{Result, bail};
use crate::ufunc::accumulate::accumulate;
use crate::ufunc::argext::arg_extreme;
use crate::ufunc::reduce::{ReduceArgs, mean, reduce};
use crate::ufunc::reduce_kernels::ReduceOp;

/// NumPy's keyword arguments of a reduction. Zero-initialise it
/// (`(nd_reduce_args){0}`) for NumPy's defaults, then set what you need:
/// `nd_sum(a, &(nd_reduce_args){.axes = (int64_t[]){0}, .naxes = 1})`.
/// Every pointer is borrowed for the call only.
#[repr(C)]
#[derive(Clone, Copy)]
pub struct nd_reduce_args {
    /// The axes to reduce (negative counts from the end), `naxes` of them.
    /// NULL reduces every axis (NumPy's `axis=None`); a non-NULL pointer
    /// with `naxes` 0 reduces none (`axis=()`).
    pub axes: *const i64,
    /// The number of entries in `axes`.
    pub naxes: usize,
    /// Keep the reduced axes as length one (`keepdims=True`).
    pub keepdims: bool,
    /// The accumulator dtype (`dtype=`); NULL for NumPy's default (int64 or
    /// uint64 for sums and products of bools and small integers, float64
    /// for the mean of integers). Not accepted by nd_any / nd_all.
    pub dtype: *const nd_dtype,
    /// The starting value (`initial=`, a 0-d array; nd_scalar_int etc. give
    /// NumPy's Python-scalar rules); NULL for none. Required by nd_min and
    /// nd_max with a `where_mask`. Not accepted by nd_mean, nd_any, nd_all.
    pub initial: *const nd_array,
    /// NumPy's `where=`: a boolean array broadcast to `a`; only selected
    /// elements are reduced. NULL selects all.
    pub where_mask: *const nd_array,
    /// Where to write the result (`out=`, cast into unsafely as NumPy's
    /// reductions do); it must have the result's shape. NULL allocates.
    pub out: *const nd_array,
}

fn args_of<'a>(
    args: *const nd_reduce_args,
    name: &str,
    dtype_ok: bool,
    initial_ok: bool,
) -> Result<(ReduceArgs<'a>, Option<Vec<i64>>)> {
    let Some(c) = (unsafe { args.as_ref() }) else {
        return Ok((ReduceArgs::default(), None));
    };
    let axes = if c.axes.is_null() {
        if c.naxes != 0 {
            bail!(
                Null,
                "argument 'axes' is NULL but {} elements were promised",
                c.naxes
            );
        }
        None
    } else {
        Some(unsafe { c_slice(c.axes, c.naxes, "axes")? }.to_vec())
    };
    let dtype = unsafe { nd_dtype::borrow_opt(c.dtype) };
    let initial = unsafe { nd_array::borrow_opt(c.initial) };
    if dtype.is_some() && !dtype_ok {
        bail!(Type, "{name}() got an unexpected keyword argument 'dtype'");
    }
    if initial.is_some() && !initial_ok {
        bail!(
            Type,
            "{name}() got an unexpected keyword argument 'initial'"
        );
    }
    Ok((
        ReduceArgs {
            axes: None,
            keepdims: c.keepdims,
            dtype,
            initial,
            mask: unsafe { nd_array::borrow_opt(c.where_mask) },
            out: unsafe { nd_array::borrow_opt(c.out) },
        },
        axes,
    ))
}

unsafe fn run(
    a: *const nd_array,
    args: *const nd_reduce_args,
    name: &str,
    op: Option<ReduceOp>,
    dtype_ok: bool,
    initial_ok: bool,
) -> *mut nd_array {
    guard(|| {
        let a = unsafe { nd_array::borrow(a, "a")? };
        let (mut r, axes) = args_of(args, name, dtype_ok, initial_ok)?;
        r.axes = axes.as_deref();
        let result = match op {
            Some(op) => reduce(op, a, &r)?,
            None => mean(a, &r)?,
        };
        Ok(nd_array::into_raw(result))
    })
}

/// NumPy's `sum`. Floats are summed pairwise as NumPy does (same
/// results); bools and integers narrower than 64 bits accumulate in
/// int64/uint64 unless `dtype` or `out` says otherwise; empty sums are 0.
/// `args` may be NULL (sum everything). Returns a new array (0-d for a full
/// reduction) or a view of `args->out`; caller frees it.
///
/// # Safety
/// Every pointer is NULL or live (`args` and `out` may be NULL).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn nd_sum(a: *const nd_array, args: *const nd_reduce_args) -> *mut nd_array {
    unsafe { run(a, args, "sum", Some(ReduceOp::Sum), true, true) }
}

/// NumPy's `prod` (sequential products; integer types as nd_sum; empty
/// products are 1).
///
/// # Safety
/// Every pointer is NULL or live (`args` and `out` may be NULL).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn nd_prod(a: *const nd_array, args: *const nd_reduce_args) -> *mut nd_array {
    unsafe { run(a, args, "prod", Some(ReduceOp::Prod), true, true) }
}

/// NumPy's `min` (`amin`): NaN propagates; an empty reduction without
/// `initial` is ND_ERR_VALUE ("zero-size array to reduction operation
/// minimum which has no identity").
///
/// # Safety
/// Every pointer is NULL or live (`args` and `out` may be NULL).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn nd_min(a: *const nd_array, args: *const nd_reduce_args) -> *mut nd_array {
    unsafe { run(a, args, "min", Some(ReduceOp::Min), true, true) }
}

/// NumPy's `max` (`amax`), as nd_min.
///
/// # Safety
/// Every pointer is NULL or live (`args` and `out` may be NULL).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn nd_max(a: *const nd_array, args: *const nd_reduce_args) -> *mut nd_array {
    unsafe { run(a, args, "max", Some(ReduceOp::Max), true, true) }
}

/// NumPy's `mean`: float64 for integer and bool input, float32 arithmetic
/// with a float16 result for float16, the input's type otherwise; the mean
/// of nothing is NaN (NumPy also warns). With `where_mask`, each result
/// divides by its own count.
///
/// # Safety
/// Every pointer is NULL or live (`args` and `out` may be NULL).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn nd_mean(a: *const nd_array, args: *const nd_reduce_args) -> *mut nd_array {
    unsafe { run(a, args, "mean", None, true, false) }
}

/// NumPy's `any`: a bool result (non-zero is true; NaN is true).
///
/// # Safety
/// Every pointer is NULL or live (`args` and `out` may be NULL).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn nd_any(a: *const nd_array, args: *const nd_reduce_args) -> *mut nd_array {
    unsafe { run(a, args, "any", Some(ReduceOp::Any), false, false) }
}

/// NumPy's `all`: a bool result; true for an empty reduction.
///
/// # Safety
/// Every pointer is NULL or live (`args` and `out` may be NULL).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn nd_all(a: *const nd_array, args: *const nd_reduce_args) -> *mut nd_array {
    unsafe { run(a, args, "all", Some(ReduceOp::All), false, false) }
}

fn axis_of(axis: i64) -> Option<i64> {
    (axis != ND_NONE).then_some(axis)
}

unsafe fn arg(
    a: *const nd_array,
    axis: i64,
    keepdims: bool,
    out: *const nd_array,
    max: bool,
) -> *mut nd_array {
    guard(|| {
        let a = unsafe { nd_array::borrow(a, "a")? };
        let out = unsafe { nd_array::borrow_opt(out) };
        Ok(nd_array::into_raw(arg_extreme(
            a,
            axis_of(axis),
            keepdims,
            out,
            max,
        )?))
    })
}

/// NumPy's `argmax`: int64 indices of the first maximum along `axis`, or
/// into the flattened (C order) array when `axis` is ND_NONE. NaN counts as
/// the maximum. An empty axis is ND_ERR_VALUE. `out` (or NULL) must have
/// the result's shape and an integer dtype int64 casts from safely.
///
/// # Safety
/// Every pointer is NULL or live (`out` may be NULL).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn nd_argmax(
    a: *const nd_array,
    axis: i64,
    keepdims: bool,
    out: *const nd_array,
) -> *mut nd_array {
    unsafe { arg(a, axis, keepdims, out, true) }
}

/// NumPy's `argmin`, as nd_argmax.
///
/// # Safety
/// Every pointer is NULL or live (`out` may be NULL).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn nd_argmin(
    a: *const nd_array,
    axis: i64,
    keepdims: bool,
    out: *const nd_array,
) -> *mut nd_array {
    unsafe { arg(a, axis, keepdims, out, false) }
}

unsafe fn accum(
    op: ReduceOp,
    a: *const nd_array,
    axis: i64,
    dtype: *const nd_dtype,
    out: *const nd_array,
) -> *mut nd_array {
    guard(|| {
        let a = unsafe { nd_array::borrow(a, "a")? };
        let dtype = unsafe { nd_dtype::borrow_opt(dtype) };
        let out = unsafe { nd_array::borrow_opt(out) };
        Ok(nd_array::into_raw(accumulate(
            op,
            a,
            axis_of(axis),
            dtype,
            out,
        )?))
    })
}

/// NumPy's `cumsum` along `axis` (ND_NONE: the flattened array, C order),
/// accumulating in `dtype` (NULL: nd_sum's default) into `out` (NULL, or an
/// array of the result's shape, cast into unsafely). Sequential sums, as
/// NumPy's.
///
/// # Safety
/// Every pointer is NULL or live (`args` and `out` may be NULL).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn nd_cumsum(
    a: *const nd_array,
    axis: i64,
    dtype: *const nd_dtype,
    out: *const nd_array,
) -> *mut nd_array {
    unsafe { accum(ReduceOp::Sum, a, axis, dtype, out) }
}

/// NumPy's `cumprod`, as nd_cumsum.
///
/// # Safety
/// Every pointer is NULL or live (`args` and `out` may be NULL).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn nd_cumprod(
    a: *const nd_array,
    axis: i64,
    dtype: *const nd_dtype,
    out: *const nd_array,
) -> *mut nd_array {
    unsafe { accum(ReduceOp::Prod, a, axis, dtype, out) }
}
