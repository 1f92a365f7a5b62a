//! Views and shape manipulation: basic indexing through `nd_index` items,
//! transposes, reshapes, squeeze/expand, diagonals, real/imag, broadcasting,
//! as_strided, dtype views, field views, contiguous copies.

use std::ffi::c_char;

use super::guard::{Handle, c_slice, c_str, guard, guard_status};
use super::{nd_array, nd_dtype, nd_order, order_arg};
use crate::array::Array;
use crate::error::{Result, bail};
use crate::indexing::{self, Index};
use crate::layout::{self, IndexItem};
use crate::manip;

/// Kind of one item of a basic index: one of ND_INDEX_*.
pub type nd_index_kind = i32;
/// A single position (`start`); negative counts from the end. Removes the axis.
pub const ND_INDEX_INT: nd_index_kind = 0;
/// A slice `start:stop:step`; ND_NONE for an omitted start or stop.
pub const ND_INDEX_SLICE: nd_index_kind = 1;
/// `np.newaxis`: a new axis of length one (fields other than `kind` ignored).
pub const ND_INDEX_NEWAXIS: nd_index_kind = 2;
/// `...`: full slices over the axes the other items leave (at most one).
pub const ND_INDEX_ELLIPSIS: nd_index_kind = 3;
/// An integer or boolean index array (`array`): advanced indexing, which
/// copies (nd_array_getitem) or scatters (nd_array_setitem).
pub const ND_INDEX_ARRAY: nd_index_kind = 4;

/// An omitted slice bound (Python's `None`) in nd_index.start / .stop.
pub const ND_NONE: i64 = -0x7fff_ffff_ffff_ffff - 1;

/// One item of an index, as C, Fortran (`bind(C)` derived type) and ctypes
/// can fill it: `x[::2, 1]` is
/// `{ {ND_INDEX_SLICE, ND_NONE, ND_NONE, 2, NULL}, {ND_INDEX_INT, 1, 0, 0, NULL} }`.
#[repr(C)]
#[derive(Clone, Copy)]
pub struct nd_index {
    /// ND_INDEX_INT, ND_INDEX_SLICE, ND_INDEX_NEWAXIS or ND_INDEX_ELLIPSIS.
    pub kind: nd_index_kind,
    /// The position for ND_INDEX_INT; the slice start (or ND_NONE) for
    /// ND_INDEX_SLICE.
    pub start: i64,
    /// The slice stop (or ND_NONE); unused otherwise.
    pub stop: i64,
    /// The slice step (not 0; write 1 for Python's default); unused otherwise.
    pub step: i64,
    /// The index array for ND_INDEX_ARRAY (borrowed; integer or bool dtype);
    /// NULL otherwise.
    pub array: *const nd_array,
}

fn index_items(items: &[nd_index]) -> Result<Vec<Index>> {
    let bound = |v: i64| (v != ND_NONE).then_some(v);
    items
        .iter()
        .enumerate()
        .map(|(i, it)| {
            Ok(Index::Basic(match it.kind {
                ND_INDEX_INT => IndexItem::Int(it.start),
                ND_INDEX_SLICE => IndexItem::Slice {
                    start: bound(it.start),
                    stop: bound(it.stop),
                    step: it.step,
                },
                ND_INDEX_NEWAXIS => IndexItem::NewAxis,
                ND_INDEX_ELLIPSIS => IndexItem::Ellipsis,
                ND_INDEX_ARRAY => {
                    let arr = unsafe { nd_array::borrow(it.array, &format!("items[{i}].array"))? };
                    return Ok(Index::Array(arr.clone()));
                }
                k => bail!(
                    Value,
                    "items[{i}].kind is {k}, not one of the ND_INDEX_* kinds"
                ),
            }))
        })
        .collect()
}

fn basic_only(items: Vec<Index>) -> Result<Vec<IndexItem>> {
    items
        .into_iter()
        .map(|i| match i {
            Index::Basic(b) => Ok(b),
            Index::Array(_) => bail!(
                Value,
                "nd_array_index takes basic items only (a view is guaranteed); use nd_array_getitem for index arrays"
            ),
        })
        .collect()
}

/// Run `f` on a borrowed array and hand back its result as a new handle.
fn with_array(a: *const nd_array, f: impl FnOnce(&Array) -> Result<Array>) -> *mut nd_array {
    guard(|| Ok(nd_array::into_raw(f(unsafe { nd_array::borrow(a, "a")? })?)))
}

fn axes_arg<'a>(axes: *const i64, n: usize) -> Result<&'a [i64]> {
    unsafe { c_slice(axes, n, "axes") }
}

/// `axes` NULL with `n` 0 means "all" (None); otherwise the list.
fn optional_axes<'a>(axes: *const i64, n: usize) -> Result<Option<&'a [i64]>> {
    if axes.is_null() && n == 0 {
        Ok(None)
    } else {
        axes_arg(axes, n).map(Some)
    }
}

/// NumPy's basic indexing `a[items]` with `n` items (integers, slices, new
/// axes, one ellipsis): always a view on `a`'s memory, writeable if `a` is.
/// Errors with NumPy's messages: ND_ERR_INDEX ("index 3 is out of bounds for
/// axis 0 with size 3", "too many indices for array: ..."), ND_ERR_VALUE
/// ("slice step cannot be zero"). Caller owns the result.
///
/// # Safety
/// `a` NULL or live; `items` holds `n` entries (NULL allowed when n is 0).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn nd_array_index(
    a: *const nd_array,
    n: usize,
    items: *const nd_index,
) -> *mut nd_array {
    with_array(a, |a| {
        let items = basic_only(index_items(unsafe { c_slice(items, n, "items")? })?)?;
        a.index(&items)
    })
}

/// NumPy's `a[items]` for any index: a view for basic items (as
/// nd_array_index), a new array when any item is an ND_INDEX_ARRAY (integer
/// arrays broadcast together; boolean arrays select their true positions;
/// integers count as index arrays then, as in NumPy). Errors with NumPy's
/// messages (ND_ERR_INDEX for out-of-bounds indices, mismatched boolean
/// shapes, non-integer index arrays). Caller owns the result.
///
/// # Safety
/// `a` NULL or live; `items` holds `n` entries, each `array` NULL or live.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn nd_array_getitem(
    a: *const nd_array,
    n: usize,
    items: *const nd_index,
) -> *mut nd_array {
    with_array(a, |a| {
        let items = index_items(unsafe { c_slice(items, n, "items")? })?;
        indexing::getitem(a, &items)
    })
}

/// NumPy's `a[items] = value`: `value` is broadcast to the shape `a[items]`
/// has and cast unsafely to `a`'s dtype (as NumPy assigns arrays); with index
/// arrays, repeated positions take the last value. `value` may overlap `a`.
/// Errors, with nothing written: ND_ERR_READONLY, ND_ERR_INDEX, ND_ERR_SHAPE
/// ("shape mismatch: value array of shape (4,) could not be broadcast to
/// indexing result of shape (2,3)").
///
/// # Safety
/// Handles NULL or live; `items` holds `n` entries.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn nd_array_setitem(
    a: *const nd_array,
    n: usize,
    items: *const nd_index,
    value: *const nd_array,
) -> super::nd_status {
    guard_status(|| {
        let a = unsafe { nd_array::borrow(a, "a")? };
        let value = unsafe { nd_array::borrow(value, "value")? };
        let items = index_items(unsafe { c_slice(items, n, "items")? })?;
        indexing::setitem(a, &items, value)
    })
}

/// NumPy's `transpose(a, axes)`: a view with axes permuted; `axes` NULL
/// (with `naxes` 0) reverses them, like `a.T`. Caller owns the result.
///
/// # Safety
/// `a` NULL or live; `axes` holds `naxes` entries.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn nd_transpose(
    a: *const nd_array,
    naxes: usize,
    axes: *const i64,
) -> *mut nd_array {
    with_array(a, |a| a.transpose(optional_axes(axes, naxes)?))
}

/// NumPy's `swapaxes(a, axis1, axis2)`: a view. Caller owns the result.
///
/// # Safety
/// `a` NULL or live.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn nd_swapaxes(a: *const nd_array, axis1: i64, axis2: i64) -> *mut nd_array {
    with_array(a, |a| a.swapaxes(axis1, axis2))
}

/// NumPy's `moveaxis(a, source, destination)` with `n` axes each: a view.
/// Caller owns the result.
///
/// # Safety
/// `a` NULL or live; `source` and `destination` hold `n` entries.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn nd_moveaxis(
    a: *const nd_array,
    n: usize,
    source: *const i64,
    destination: *const i64,
) -> *mut nd_array {
    with_array(a, |a| {
        let s = unsafe { c_slice(source, n, "source")? };
        let d = unsafe { c_slice(destination, n, "destination")? };
        a.moveaxis(s, d)
    })
}

/// NumPy's `reshape(a, shape, order, copy=False)`: always a view, or NULL
/// with ND_ERR_VALUE ("Unable to avoid creating a copy while reshaping.")
/// when the elements cannot be described without copying. One entry of
/// `shape` may be -1 (inferred). `order`: ND_ORDER_C, _F or _A (read and
/// write elements in that order). Caller owns the result.
///
/// # Safety
/// `a` NULL or live; `shape` holds `ndim` entries.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn nd_reshape(
    a: *const nd_array,
    ndim: usize,
    shape: *const i64,
    order: nd_order,
) -> *mut nd_array {
    with_array(a, |a| {
        layout::check_ndim(ndim)?;
        a.reshape(unsafe { c_slice(shape, ndim, "shape")? }, order_arg(order)?)
    })
}

/// NumPy's `reshape(a, shape, order)` that may copy: a view of `a` when
/// possible, else (as NumPy) a view of a new copy laid out in `order`;
/// nd_may_share_memory(result, a) tells which. Caller owns the result.
///
/// # Safety
/// As nd_reshape.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn nd_reshape_or_copy(
    a: *const nd_array,
    ndim: usize,
    shape: *const i64,
    order: nd_order,
) -> *mut nd_array {
    with_array(a, |a| {
        layout::check_ndim(ndim)?;
        manip::reshape_or_copy(
            a,
            unsafe { c_slice(shape, ndim, "shape")? },
            order_arg(order)?,
        )
    })
}

/// NumPy's `ravel(a, order)`: a 1-d view when the elements already lie in
/// `order` (C, F, A or K), else a copy. Caller owns the result.
///
/// # Safety
/// `a` NULL or live.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn nd_ravel(a: *const nd_array, order: nd_order) -> *mut nd_array {
    with_array(a, |a| manip::ravel(a, order_arg(order)?))
}

/// NumPy's `a.flatten(order)`: always a new 1-d array. Caller owns it.
///
/// # Safety
/// `a` NULL or live.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn nd_flatten(a: *const nd_array, order: nd_order) -> *mut nd_array {
    with_array(a, |a| manip::flatten(a, order_arg(order)?))
}

/// NumPy's `squeeze(a, axis)`: a view without the given length-one axes;
/// `axes` NULL (with `naxes` 0) removes every length-one axis. Caller owns it.
///
/// # Safety
/// `a` NULL or live; `axes` holds `naxes` entries.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn nd_squeeze(
    a: *const nd_array,
    naxes: usize,
    axes: *const i64,
) -> *mut nd_array {
    with_array(a, |a| a.squeeze(optional_axes(axes, naxes)?))
}

/// NumPy's `expand_dims(a, axis)`: a view with new length-one axes at the
/// `naxes` positions (of the result). Caller owns it.
///
/// # Safety
/// `a` NULL or live; `axes` holds `naxes` entries.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn nd_expand_dims(
    a: *const nd_array,
    naxes: usize,
    axes: *const i64,
) -> *mut nd_array {
    with_array(a, |a| a.expand_dims(axes_arg(axes, naxes)?))
}

/// NumPy's `diagonal(a, offset, axis1, axis2)`: a read-only view (as NumPy 2)
/// with the diagonal as the last axis. Caller owns it.
///
/// # Safety
/// `a` NULL or live.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn nd_diagonal(
    a: *const nd_array,
    offset: i64,
    axis1: i64,
    axis2: i64,
) -> *mut nd_array {
    with_array(a, |a| a.diagonal(offset, axis1, axis2))
}

/// NumPy's `a.real`: for complex arrays a view with the component dtype
/// (strides unchanged); for real arrays a view of `a`. Caller owns it.
///
/// # Safety
/// `a` NULL or live.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn nd_real(a: *const nd_array) -> *mut nd_array {
    with_array(a, |a| a.real())
}

/// NumPy's `a.imag`: a view for complex arrays; for real arrays a new
/// read-only array of zeros. Caller owns it.
///
/// # Safety
/// `a` NULL or live.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn nd_imag(a: *const nd_array) -> *mut nd_array {
    with_array(a, |a| a.imag())
}

/// NumPy's `broadcast_to(a, shape)`: a read-only view of `ndim` dimensions
/// with zero strides where `a` is stretched. ND_ERR_SHAPE with NumPy's
/// message when the shapes do not fit. Caller owns it.
///
/// # Safety
/// `a` NULL or live; `shape` holds `ndim` entries.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn nd_broadcast_to(
    a: *const nd_array,
    ndim: usize,
    shape: *const i64,
) -> *mut nd_array {
    with_array(a, |a| {
        layout::check_ndim(ndim)?;
        let target = unsafe { c_slice(shape, ndim, "shape")? };
        if target.iter().any(|&d| d < 0) {
            bail!(
                Value,
                "all elements of broadcast shape must be non-negative"
            );
        }
        let target: Vec<usize> = target.iter().map(|&d| d as usize).collect();
        a.broadcast_to(&target)
    })
}

/// NumPy's `broadcast_arrays`: views of the `n` arrays `in` broadcast to
/// their common shape, stored as new handles in `out[0..n]` (caller owns
/// each). Arrays already of that shape come back as writeable views if they
/// were; broadcast ones are read-only. On failure nothing is stored.
///
/// # Safety
/// `in` holds `n` handles; `out` has room for `n` pointers.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn nd_broadcast_arrays(
    n: usize,
    r#in: *const *const nd_array,
    out: *mut *mut nd_array,
) -> super::nd_status {
    guard_status(|| {
        let ptrs = unsafe { c_slice(r#in, n, "in")? };
        if out.is_null() && n > 0 {
            bail!(Null, "argument 'out' is NULL");
        }
        let arrays = ptrs
            .iter()
            .enumerate()
            .map(|(i, &p)| unsafe { nd_array::borrow(p, &format!("in[{i}]")) }.cloned())
            .collect::<Result<Vec<_>>>()?;
        for (i, b) in Array::broadcast_arrays(&arrays)?.into_iter().enumerate() {
            unsafe { *out.add(i) = nd_array::into_raw(b) };
        }
        Ok(())
    })
}

fn shape_strides(
    ndim: usize,
    shape: *const i64,
    strides: *const i64,
) -> Result<(Vec<usize>, Vec<isize>)> {
    layout::check_ndim(ndim)?;
    let dims = unsafe { c_slice(shape, ndim, "shape")? };
    if dims.iter().any(|&d| d < 0) {
        bail!(Value, "negative dimensions are not allowed");
    }
    let st = unsafe { c_slice(strides, ndim, "strides")? };
    Ok((
        dims.iter().map(|&d| d as usize).collect(),
        st.iter().map(|&s| s as isize).collect(),
    ))
}

/// NumPy's `as_strided(a, shape, strides)` starting at `a`'s element zero,
/// refusing (ND_ERR_VALUE) any element outside the memory `a`'s buffer
/// holds. Writeable if `a` is. Caller owns the result.
///
/// # Safety
/// `a` NULL or live; `shape` and `strides` hold `ndim` entries.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn nd_as_strided(
    a: *const nd_array,
    ndim: usize,
    shape: *const i64,
    strides: *const i64,
) -> *mut nd_array {
    with_array(a, |a| {
        let (sh, st) = shape_strides(ndim, shape, strides)?;
        a.as_strided(&sh, &st)
    })
}

/// As nd_as_strided without the bounds check: for memory the caller knows
/// is valid beyond what ndcore can see.
///
/// # Safety
/// Every element the description reaches must be valid memory while the
/// result lives; otherwise reading it is undefined behaviour.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn nd_as_strided_unchecked(
    a: *const nd_array,
    ndim: usize,
    shape: *const i64,
    strides: *const i64,
) -> *mut nd_array {
    with_array(a, |a| {
        let (sh, st) = shape_strides(ndim, shape, strides)?;
        unsafe { a.as_strided_unchecked(&sh, &st) }
    })
}

/// NumPy's `a.view(dtype)`: the same bytes read as `dtype`. With a different
/// itemsize the last axis must be contiguous and is rescaled (NumPy's rule
/// and messages, ND_ERR_VALUE). Caller owns the result.
///
/// # Safety
/// Handles NULL or live.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn nd_array_view_dtype(
    a: *const nd_array,
    dtype: *const nd_dtype,
) -> *mut nd_array {
    with_array(a, |a| {
        a.view_dtype(unsafe { nd_dtype::borrow(dtype, "dtype")? })
    })
}

/// NumPy's `a[name]` for a record array: a view of one field (a sub-array
/// field adds its dimensions). Byte strides stay the record's, so they need
/// not be multiples of the field's itemsize. Caller owns the result.
///
/// # Safety
/// `a` NULL or live; `name` a NUL-terminated string.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn nd_array_field(a: *const nd_array, name: *const c_char) -> *mut nd_array {
    with_array(a, |a| a.field(unsafe { c_str(name, "name")? }))
}

/// NumPy's `a[[names...]]`: a view whose dtype keeps the `n` named fields at
/// their offsets, in the original itemsize. Caller owns the result.
///
/// # Safety
/// `a` NULL or live; `names` holds `n` NUL-terminated strings.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn nd_array_fields(
    a: *const nd_array,
    n: usize,
    names: *const *const c_char,
) -> *mut nd_array {
    with_array(a, |a| {
        let ptrs = unsafe { c_slice(names, n, "names")? };
        let names = ptrs
            .iter()
            .enumerate()
            .map(|(i, &p)| unsafe { c_str(p, &format!("names[{i}]")) })
            .collect::<Result<Vec<_>>>()?;
        a.fields(&names)
    })
}

/// NumPy's `may_share_memory(a, b)`: whether the byte ranges the two arrays
/// reach overlap (bounds only, so it may say true for interleaved views
/// that share no element). False if either is NULL (error recorded).
///
/// # Safety
/// Handles NULL or live.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn nd_may_share_memory(a: *const nd_array, b: *const nd_array) -> bool {
    guard(|| {
        let (a, b) = unsafe { (nd_array::borrow(a, "a")?, nd_array::borrow(b, "b")?) };
        crate::ufunc::cast::may_share_memory(a, b)
    })
}

/// NumPy's `ascontiguousarray(a)`: a view of `a` if it is C-contiguous, else
/// a C-ordered copy (0-d arrays become 1-d). Caller owns the result.
///
/// # Safety
/// `a` NULL or live.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn nd_ascontiguousarray(a: *const nd_array) -> *mut nd_array {
    with_array(a, manip::ascontiguousarray)
}

/// NumPy's `asfortranarray(a)`: a view of `a` if it is F-contiguous, else a
/// Fortran-ordered copy (0-d arrays become 1-d). Caller owns the result.
///
/// # Safety
/// `a` NULL or live.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn nd_asfortranarray(a: *const nd_array) -> *mut nd_array {
    with_array(a, manip::asfortranarray)
}
