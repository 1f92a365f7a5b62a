//! Creation: empty, zeros, ones, full, arange, linspace, eye, copies of C
//! memory, and wrapping foreign memory without copying.

use std::ffi::c_void;

use super::guard::{Handle, c_slice, guard};
use super::{nd_array, nd_dtype, nd_order, order_arg};
use crate::array::{Array, ForeignParts};
use crate::buffer::Release;
use crate::create;
use crate::dtype::{DType, Kind};
use crate::error::{Result, bail};
use crate::layout;

/// Called once to give wrapped foreign memory back: receives the `ctx`
/// passed to nd_array_wrap.
pub type nd_release_fn = Option<unsafe extern "C" fn(ctx: *mut c_void)>;

/// A C release callback and its context as the buffer layer's `Release`.
pub(super) fn release_arg(release: nd_release_fn, ctx: *mut c_void) -> Option<Release> {
    struct Ctx(*mut c_void);
    // SAFETY: the caller's contract says `release(ctx)` may run on any thread.
    unsafe impl Send for Ctx {}
    release.map(|f| {
        let c = Ctx(ctx);
        Box::new(move || {
            let c = c;
            unsafe { f(c.0) }
        }) as Release
    })
}

/// Borrow (dtype, shape) arguments, checking the shape: at most ND_MAXDIMS
/// dimensions, none negative, a byte size that fits.
unsafe fn shape_args(
    dtype: *const nd_dtype,
    ndim: usize,
    shape: *const i64,
) -> Result<(DType, Vec<usize>)> {
    let d = unsafe { nd_dtype::borrow(dtype, "dtype")? }.clone();
    layout::check_ndim(ndim)?;
    let dims = unsafe { c_slice(shape, ndim, "shape")? };
    let shape = layout::shape_from_i64(dims, d.itemsize())?;
    Ok((d, shape))
}

/// The shared body of nd_empty, nd_zeros and nd_ones.
unsafe fn new_array(
    dtype: *const nd_dtype,
    ndim: usize,
    shape: *const i64,
    order: nd_order,
    make: fn(&DType, &[usize], layout::Order) -> Result<Array>,
) -> *mut nd_array {
    guard(|| {
        let (d, s) = unsafe { shape_args(dtype, ndim, shape)? };
        Ok(nd_array::into_raw(make(&d, &s, order_arg(order)?)?))
    })
}

fn dtype_or_f64(dtype: *const nd_dtype) -> DType {
    unsafe { nd_dtype::borrow_opt(dtype) }
        .cloned()
        .unwrap_or(DType::scalar(Kind::Float64))
}

/// NumPy's `empty(shape, dtype, order)`: a new array with uninitialised
/// contents. `shape` holds `ndim` lengths (NULL allowed when `ndim` is 0, a
/// 0-d array). `order` ND_ORDER_C or ND_ORDER_F (A and K mean C). A
/// sub-array dtype appends its shape. Errors: ND_ERR_VALUE for negative
/// lengths or more than ND_MAXDIMS dimensions, ND_ERR_OVERFLOW when the byte
/// size overflows, ND_ERR_MEMORY. Caller owns the result (nd_array_free).
///
/// # Safety
/// `dtype` NULL or live; `shape` holds `ndim` entries.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn nd_empty(
    dtype: *const nd_dtype,
    ndim: usize,
    shape: *const i64,
    order: nd_order,
) -> *mut nd_array {
    unsafe { new_array(dtype, ndim, shape, order, Array::empty) }
}

/// NumPy's `zeros`: as nd_empty, every byte zero (0, 0.0, false; all
/// fields of records). Caller owns the result.
///
/// # Safety
/// As nd_empty.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn nd_zeros(
    dtype: *const nd_dtype,
    ndim: usize,
    shape: *const i64,
    order: nd_order,
) -> *mut nd_array {
    unsafe { new_array(dtype, ndim, shape, order, Array::zeros) }
}

/// NumPy's `ones`: as nd_empty, every scalar (every field of records) 1.
/// Caller owns the result.
///
/// # Safety
/// As nd_empty.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn nd_ones(
    dtype: *const nd_dtype,
    ndim: usize,
    shape: *const i64,
    order: nd_order,
) -> *mut nd_array {
    unsafe { new_array(dtype, ndim, shape, order, create::ones) }
}

/// NumPy's `full(shape, fill_value, dtype, order)`: every element set to the
/// one element of `value_dtype` stored at `value`, cast unsafely to `dtype`
/// (`value_dtype` NULL: `value` already holds a `dtype` element, e.g. a whole
/// record). Example: `double v = 2.5; nd_full(i32, 1, &n, ND_ORDER_C, &v, f64)`
/// fills with 2. Caller owns the result.
///
/// # Safety
/// As nd_empty; `value` must point to one readable element of `value_dtype`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn nd_full(
    dtype: *const nd_dtype,
    ndim: usize,
    shape: *const i64,
    order: nd_order,
    value: *const c_void,
    value_dtype: *const nd_dtype,
) -> *mut nd_array {
    guard(|| {
        let (d, s) = unsafe { shape_args(dtype, ndim, shape)? };
        if value.is_null() {
            bail!(Null, "argument 'value' is NULL");
        }
        let vd = unsafe { nd_dtype::borrow_opt(value_dtype) }
            .cloned()
            .unwrap_or_else(|| d.clone());
        let a = unsafe { create::full(&d, &s, order_arg(order)?, value as *const u8, &vd)? };
        Ok(nd_array::into_raw(a))
    })
}

/// NumPy's `arange(start, stop, step, dtype)`: ceil((stop - start) / step)
/// values start, start + step, ... computed as NumPy does (the first two cast
/// to `dtype`, the rest extrapolated in `dtype`). `dtype` NULL: float64.
/// Errors: ND_ERR_VALUE for step 0 or a non-finite length. Caller owns it.
///
/// # Safety
/// `dtype` NULL or live.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn nd_arange(
    start: f64,
    stop: f64,
    step: f64,
    dtype: *const nd_dtype,
) -> *mut nd_array {
    guard(|| {
        Ok(nd_array::into_raw(create::arange(
            start,
            stop,
            step,
            &dtype_or_f64(dtype),
        )?))
    })
}

/// NumPy's `arange(start, stop, step, dtype)` for integer arguments,
/// exact at any int64 value (nd_arange computes in double, which rounds
/// integers beyond 2**53): ceil((stop - start) / step) values; the first
/// two, start and start + step, must fit an integer `dtype` (ND_ERR_OVERFLOW,
/// "Python integer 128 out of bounds for int8", as NumPy), the rest are
/// extrapolated in `dtype` (wrapping, as NumPy). `dtype` NULL: int64.
/// Errors: ND_ERR_VALUE for step 0. Caller owns the result.
///
/// # Safety
/// `dtype` NULL or live.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn nd_arange_int(
    start: i64,
    stop: i64,
    step: i64,
    dtype: *const nd_dtype,
) -> *mut nd_array {
    guard(|| {
        let d = unsafe { nd_dtype::borrow_opt(dtype) }
            .cloned()
            .unwrap_or_else(|| DType::scalar(Kind::Int64));
        Ok(nd_array::into_raw(create::arange_int(
            start, stop, step, &d,
        )?))
    })
}

/// NumPy's `linspace(start, stop, num, endpoint, dtype)`: `num` evenly
/// spaced values, computed in float64 as NumPy does, floored for integer
/// dtypes. `dtype` NULL: float64. ND_ERR_VALUE for num < 0. Caller owns it.
///
/// # Safety
/// `dtype` NULL or live.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn nd_linspace(
    start: f64,
    stop: f64,
    num: i64,
    endpoint: bool,
    dtype: *const nd_dtype,
) -> *mut nd_array {
    guard(|| {
        Ok(nd_array::into_raw(create::linspace(
            start,
            stop,
            num,
            endpoint,
            &dtype_or_f64(dtype),
        )?))
    })
}

/// NumPy's `eye(n, m, k, dtype, order)`: an n x m array with ones on
/// diagonal `k` (0 main, > 0 above, < 0 below) and zeros elsewhere.
/// `dtype` NULL: float64. ND_ERR_VALUE for negative n or m. Caller owns it.
///
/// # Safety
/// `dtype` NULL or live.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn nd_eye(
    n: i64,
    m: i64,
    k: i64,
    dtype: *const nd_dtype,
    order: nd_order,
) -> *mut nd_array {
    guard(|| {
        let d = dtype_or_f64(dtype);
        let s = layout::shape_from_i64(&[n, m], d.itemsize())?;
        Ok(nd_array::into_raw(create::eye(
            s[0],
            s[1],
            k,
            &d,
            order_arg(order)?,
        )?))
    })
}

fn strides_arg(strides: *const i64, ndim: usize) -> Result<Option<Vec<isize>>> {
    if strides.is_null() {
        return Ok(None);
    }
    let s = unsafe { c_slice(strides, ndim, "strides")? };
    Ok(Some(s.iter().map(|&x| x as isize).collect()))
}

/// A new C-contiguous array holding a copy of the C memory described by
/// `data` (element zero), `dtype`, `shape` (`ndim` lengths) and byte
/// `strides` (NULL: C-contiguous). The caller's memory is only read, during
/// the call. Caller owns the result.
///
/// # Safety
/// `data` must be readable at every byte the description reaches.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn nd_array_from_data(
    data: *const c_void,
    dtype: *const nd_dtype,
    ndim: usize,
    shape: *const i64,
    strides: *const i64,
) -> *mut nd_array {
    guard(|| {
        let (d, s) = unsafe { shape_args(dtype, ndim, shape)? };
        let st = strides_arg(strides, ndim)?;
        Ok(nd_array::into_raw(unsafe {
            create::from_data(data as *const u8, &d, s, st)?
        }))
    })
}

/// Wrap foreign memory as an array without copying. `data` is element zero;
/// `strides` (NULL: C-contiguous) are in bytes and may be negative or zero.
/// If `writeable` is false, every write through ndcore fails with
/// ND_ERR_READONLY. A `data` pointer or strides not aligned for the dtype
/// are accepted and the array is flagged unaligned (as NumPy does).
///
/// `release(ctx)`, if not NULL, is called exactly once, after the last
/// handle viewing this memory is freed, on the thread that frees it. If
/// nd_array_wrap fails (NULL returned) `release` is never called and the
/// memory stays the caller's. Caller owns the result.
///
/// # Safety
/// Every byte the description reaches must stay valid (and writable when
/// `writeable`) until `release` is called, or while any handle lives.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn nd_array_wrap(
    data: *mut c_void,
    dtype: *const nd_dtype,
    ndim: usize,
    shape: *const i64,
    strides: *const i64,
    writeable: bool,
    release: nd_release_fn,
    ctx: *mut c_void,
) -> *mut nd_array {
    guard(|| {
        let (d, s) = unsafe { shape_args(dtype, ndim, shape)? };
        let st = strides_arg(strides, ndim)?;
        let release = release_arg(release, ctx);
        let parts = ForeignParts {
            data: data as *mut u8,
            dtype: d,
            shape: s,
            strides: st,
            writeable,
            release,
        };
        Ok(nd_array::into_raw(unsafe { Array::wrap(parts)? }))
    })
}

/// Give back to the system the freed array memory ndcore keeps for reuse.
/// ndcore caches up to 8 freed blocks of 64 KiB or more (256 MiB in all by
/// default; the environment variable NDCORE_POOL_BYTES, read once, sets the
/// budget in bytes and 0 turns the cache off), so that chains of operations
/// reuse memory instead of faulting in fresh pages. Only allocations whose
/// contents are left uninitialised (nd_empty, ufunc results) reuse blocks.
/// Each thread also keeps up to 8 freed array handles (a few hundred bytes
/// each) for its next new handles; this frees the calling thread's (a
/// thread's are freed when it exits). Thread-safe; arrays alive now are not
/// affected.
#[unsafe(no_mangle)]
pub extern "C" fn nd_release_cached_memory() {
    crate::buffer::release_cached();
    super::spare::clear();
}
