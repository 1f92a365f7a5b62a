//! where, clip, divmod, and calling any ufunc by its NumPy name with a
//! `where=` mask.

use std::ffi::c_char;

use super::guard::{Handle, c_slice, c_str, guard, guard_status};
use super::{nd_array, nd_status};
use crate::error::{Result, bail, err};
use crate::ufunc::{self, select};

/// NumPy's `where(cond, x, y)`: elements of `x` where `cond` is true (any
/// dtype, read as nonzero), else of `y`, all three broadcast together. The
/// result dtype is NumPy's promotion of `x` and `y` (weak scalars from
/// nd_scalar_* take the other's dtype; an int that does not fit wraps, as in
/// NumPy). Errors: ND_ERR_NULL, ND_ERR_SHAPE (NumPy's broadcast message),
/// ND_ERR_TYPE (records). Caller owns the result.
///
/// # Safety
/// Handles NULL or live.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn nd_where(
    cond: *const nd_array,
    x: *const nd_array,
    y: *const nd_array,
) -> *mut nd_array {
    guard(|| {
        let c = unsafe { nd_array::borrow(cond, "cond")? };
        let x = unsafe { nd_array::borrow(x, "x")? };
        let y = unsafe { nd_array::borrow(y, "y")? };
        Ok(nd_array::into_raw(select::where_(c, x, y)?))
    })
}

/// NumPy's `clip(a, a_min, a_max, out=out)`: `a` limited to
/// [a_min, a_max] elementwise (bounds broadcast; if a_min > a_max the
/// result is a_max). NULL for a bound means none (both NULL: a copy, as
/// NumPy's `positive`). A NaN element stays NaN and a NaN bound gives NaN;
/// an element within the bounds is returned as is (-0.0 stays -0.0). For an
/// integer `a`, a weak integer bound (nd_scalar_int) at or beyond the
/// dtype's range counts as no bound, as in NumPy 2. Result dtype: NumPy's
/// promotion of the three; `out` as for ufuncs (same_kind casting).
/// Errors: as nd_add. Caller owns the result (a view of `out` when given).
///
/// # Safety
/// `a` live; the others NULL or live.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn nd_clip(
    a: *const nd_array,
    a_min: *const nd_array,
    a_max: *const nd_array,
    out: *const nd_array,
) -> *mut nd_array {
    guard(|| {
        let a = unsafe { nd_array::borrow(a, "a")? };
        let lo = unsafe { nd_array::borrow_opt(a_min) };
        let hi = unsafe { nd_array::borrow_opt(a_max) };
        let out = unsafe { nd_array::borrow_opt(out) };
        Ok(nd_array::into_raw(select::clip(a, lo, hi, out)?))
    })
}

/// NumPy's `divmod(a, b, out=(out_q, out_r))`: the floor quotient and the
/// remainder (as nd_floor_divide and nd_remainder, which agree with each
/// other exactly). Stores new handles (views of the outs when given) in
/// `*q` and `*r`, which the caller owns. Both outs are checked before
/// anything is written, and inputs aliasing an out are read first. On
/// failure nothing is stored or written.
///
/// # Safety
/// `a`, `b` live; outs NULL or live; `q` and `r` writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn nd_divmod(
    a: *const nd_array,
    b: *const nd_array,
    out_q: *const nd_array,
    out_r: *const nd_array,
    q: *mut *mut nd_array,
    r: *mut *mut nd_array,
) -> nd_status {
    guard_status(|| {
        let a = unsafe { nd_array::borrow(a, "a")? };
        let b = unsafe { nd_array::borrow(b, "b")? };
        let oq = unsafe { nd_array::borrow_opt(out_q) };
        let or = unsafe { nd_array::borrow_opt(out_r) };
        if q.is_null() || r.is_null() {
            bail!(
                Null,
                "argument '{}' is NULL",
                if q.is_null() { "q" } else { "r" }
            );
        }
        let (quot, rem) = select::divmod(a, b, oq, or)?;
        unsafe {
            *q = nd_array::into_raw(quot);
            *r = nd_array::into_raw(rem);
        }
        Ok(())
    })
}

/// The ufunc NumPy names `name` and the `nin` arrays of `inputs`.
///
/// # Safety
/// As `nd_ufunc_call`.
unsafe fn named_ufunc<'a>(
    name: *const c_char,
    nin: usize,
    inputs: *const *const nd_array,
) -> Result<(&'static ufunc::Ufunc, Vec<&'a crate::array::Array>)> {
    let name = unsafe { c_str(name, "name")? };
    let Some(u) = ufunc::by_name(name) else {
        bail!(Value, "no ufunc named '{name}'");
    };
    let ptrs = unsafe { c_slice(inputs, nin, "inputs")? };
    let arrays = ptrs
        .iter()
        .enumerate()
        .map(|(i, &p)| {
            unsafe { nd_array::borrow_opt(p) }
                .ok_or_else(|| err!(Null, "argument 'inputs[{i}]' is NULL"))
        })
        .collect::<Result<Vec<_>>>()?;
    Ok((u, arrays))
}

/// Call the ufunc NumPy names `name` ("add", "sqrt", "logical_and", "clip",
/// ...; aliases "true_divide", "mod", "abs", "conj", "bitwise_not") on the
/// `nin` arrays in `inputs`, with NumPy's `out=` and `where=`: where `mask`
/// (cast safely to bool; broadcast with the inputs) is false, `out` keeps
/// its values, or, without `out`, the result is left uninitialised there,
/// as in NumPy. `out` and `mask` may be NULL. Errors: ND_ERR_VALUE (unknown
/// name), ND_ERR_TYPE (wrong number of inputs, no loop, a mask that is not
/// safely bool), and those of the ufunc. Caller owns the result.
///
/// # Safety
/// `name` a C string; `inputs` holds `nin` live handles; others NULL or live.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn nd_ufunc_call(
    name: *const c_char,
    nin: usize,
    inputs: *const *const nd_array,
    out: *const nd_array,
    mask: *const nd_array,
) -> *mut nd_array {
    guard(|| {
        let (u, arrays) = unsafe { named_ufunc(name, nin, inputs)? };
        let out = unsafe { nd_array::borrow_opt(out) };
        let mask = unsafe { nd_array::borrow_opt(mask) };
        Ok(nd_array::into_raw(u.call_where(&arrays, out, mask)?))
    })
}

/// 1 when the ufunc `name` called on the `nin` arrays in `inputs` may write
/// its result into `inputs[k]` itself, 0 when not; -1 on error (NULL
/// arguments, unknown name). It may when that array allocated its own
/// writable memory, no other handle, view or export shares that memory,
/// and it has exactly the call's output dtype and broadcast shape. This is
/// what a binding needs for NumPy's temporary elision (`x**2 - 3*x`
/// subtracting into the `x**2` array instead of allocating a third), once
/// it also knows that nobody else holds the handle `inputs[k]` itself.
///
/// # Safety
/// `name` a C string; `inputs` holds `nin` live handles, none used by
/// another thread during the call.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn nd_ufunc_can_reuse_input(
    name: *const c_char,
    nin: usize,
    inputs: *const *const nd_array,
    k: usize,
) -> i32 {
    guard(|| {
        let (u, arrays) = unsafe { named_ufunc(name, nin, inputs)? };
        Ok(i32::from(u.can_reuse_input(&arrays, k)))
    })
}
