//! Array handles: release, introspection, element access, text form, copies
//! and casts.

use std::ffi::c_char;

use num_complex::Complex64;

use super::guard::{Handle, c_slice, guard, guard_status, owned_c_string};
use super::status::nd_status;
use super::{
    ND_FLAG_ALIGNED, ND_FLAG_C_CONTIGUOUS, ND_FLAG_F_CONTIGUOUS, ND_FLAG_OWNDATA,
    ND_FLAG_WRITEABLE, casting_arg, nd_array, nd_casting, nd_dtype, nd_order, nd_type, order_arg,
};
use crate::array::Array;
use crate::dtype::{Element, Value};
use crate::error::{Result, bail};
use crate::ufunc::{assign, astype};

/// Release an array handle. NULL is a no-op. The memory it views is freed
/// (or, for wrapped foreign memory, its release callback runs) when the last
/// handle viewing it is released, on the thread that releases it.
///
/// The handle's own few hundred bytes are kept for the thread's next new
/// handle (up to 8 per thread; see nd_release_cached_memory). Freeing a
/// handle twice is undefined, as for free(); a second free before the
/// thread has made another handle is caught and refused (ND_ERR_VALUE,
/// "this handle was already freed"), later ones cannot be.
///
/// # Safety
/// `a` must be NULL or a live handle, not used afterwards.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn nd_array_free(a: *mut nd_array) {
    guard(|| {
        unsafe { nd_array::free(a) };
        Ok(())
    })
}

/// NumPy's `a.view()`: a new handle on the same memory with the same
/// dtype, shape and strides (not owning the data). The memory lives until
/// the last handle on it is freed, whichever that is. Caller owns the result.
///
/// # Safety
/// `a` must be NULL or a live handle.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn nd_array_view(a: *const nd_array) -> *mut nd_array {
    guard(|| {
        Ok(nd_array::into_raw(
            unsafe { nd_array::borrow(a, "a")? }.view(),
        ))
    })
}

/// A read-only view of `a` (NumPy's `v = a.view(); v.flags.writeable =
/// False`): writes through it fail with ND_ERR_READONLY; `a` is unchanged.
/// Caller owns the result.
///
/// # Safety
/// `a` must be NULL or a live handle.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn nd_array_view_readonly(a: *const nd_array) -> *mut nd_array {
    guard(|| {
        let mut v = unsafe { nd_array::borrow(a, "a")? }.view();
        v.set_writeable(false)?;
        Ok(nd_array::into_raw(v))
    })
}

/// Number of dimensions; -1 if `a` is NULL.
///
/// # Safety
/// `a` must be NULL or a live handle.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn nd_array_ndim(a: *const nd_array) -> i64 {
    guard(|| Ok(unsafe { nd_array::borrow(a, "a")? }.ndim() as i64))
}

/// The shape: `ndim` int64_t lengths, valid while `a` lives (do not free).
/// NULL if `a` is NULL; for a 0-d array a non-NULL pointer to nothing.
///
/// # Safety
/// `a` must be NULL or a live handle.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn nd_array_shape(a: *const nd_array) -> *const i64 {
    // usize and i64 share size and layout on the 64-bit targets ndcore
    // supports, and every length is at most isize::MAX.
    const _: () = assert!(size_of::<usize>() == size_of::<i64>());
    guard(|| Ok(unsafe { nd_array::borrow(a, "a")? }.shape().as_ptr() as *const i64))
}

/// The byte strides: `ndim` int64_t values (negative or zero allowed),
/// valid while `a` lives (do not free). NULL if `a` is NULL.
///
/// # Safety
/// `a` must be NULL or a live handle.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn nd_array_strides(a: *const nd_array) -> *const i64 {
    guard(|| Ok(unsafe { nd_array::borrow(a, "a")? }.strides().as_ptr() as *const i64))
}

fn axis_index(a: &Array, axis: i64) -> Result<usize> {
    let n = a.ndim() as i64;
    let i = if axis < 0 { axis + n } else { axis };
    if i < 0 || i >= n {
        bail!(
            Axis,
            "axis {axis} is out of bounds for array of dimension {n}"
        );
    }
    Ok(i as usize)
}

/// Length of axis `axis` (negative counts from the end); -1 on error
/// (ND_ERR_AXIS for an axis out of range).
///
/// # Safety
/// `a` must be NULL or a live handle.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn nd_array_dim(a: *const nd_array, axis: i64) -> i64 {
    guard(|| {
        let a = unsafe { nd_array::borrow(a, "a")? };
        Ok(a.shape()[axis_index(a, axis)?] as i64)
    })
}

/// Byte stride of axis `axis` (negative counts from the end). Strides can
/// be -1, so check nd_last_status() after a call with a possibly bad axis:
/// on error this returns 0 and records ND_ERR_AXIS (or ND_ERR_NULL).
///
/// # Safety
/// `a` must be NULL or a live handle.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn nd_array_stride(a: *const nd_array, axis: i64) -> i64 {
    let mut out = 0i64;
    let status = guard_status(|| {
        let a = unsafe { nd_array::borrow(a, "a")? };
        out = a.strides()[axis_index(a, axis)?] as i64;
        Ok(())
    });
    if status == nd_status::ND_OK { out } else { 0 }
}

/// Number of elements; -1 if `a` is NULL.
///
/// # Safety
/// `a` must be NULL or a live handle.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn nd_array_size(a: *const nd_array) -> i64 {
    guard(|| Ok(unsafe { nd_array::borrow(a, "a")? }.size() as i64))
}

/// Bytes per element; -1 if `a` is NULL.
///
/// # Safety
/// `a` must be NULL or a live handle.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn nd_array_itemsize(a: *const nd_array) -> i64 {
    guard(|| Ok(unsafe { nd_array::borrow(a, "a")? }.itemsize() as i64))
}

/// size * itemsize; -1 if `a` is NULL.
///
/// # Safety
/// `a` must be NULL or a live handle.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn nd_array_nbytes(a: *const nd_array) -> i64 {
    guard(|| Ok(unsafe { nd_array::borrow(a, "a")? }.nbytes() as i64))
}

/// The array's dtype as a new handle the caller owns (release with
/// nd_dtype_free); NULL if `a` is NULL.
///
/// # Safety
/// `a` must be NULL or a live handle.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn nd_array_dtype(a: *const nd_array) -> *mut nd_dtype {
    guard(|| {
        Ok(nd_dtype::into_raw(
            unsafe { nd_array::borrow(a, "a")? }.dtype().clone(),
        ))
    })
}

/// Address of element zero (index (0, ..., 0)); valid while any handle on
/// the same memory lives. With negative strides other elements lie below it.
/// Do not write through it unless the array is writeable. NULL if `a` is NULL.
///
/// # Safety
/// `a` must be NULL or a live handle.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn nd_array_data(a: *const nd_array) -> *mut std::ffi::c_void {
    guard(|| Ok(unsafe { nd_array::borrow(a, "a")? }.data_ptr() as *mut std::ffi::c_void))
}

/// NumPy's flags as a bit set of ND_FLAG_C_CONTIGUOUS, ND_FLAG_F_CONTIGUOUS,
/// ND_FLAG_OWNDATA, ND_FLAG_ALIGNED, ND_FLAG_WRITEABLE (NumPy's bit values);
/// -1 if `a` is NULL.
///
/// # Safety
/// `a` must be NULL or a live handle.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn nd_array_flags(a: *const nd_array) -> i32 {
    guard(|| Ok(flag_bits(unsafe { nd_array::borrow(a, "a")? })))
}

fn flag_bits(a: &Array) -> i32 {
    let f = a.flags();
    let bit = |on: bool, b: i32| if on { b } else { 0 };
    bit(f.c_contiguous, ND_FLAG_C_CONTIGUOUS)
        | bit(f.f_contiguous, ND_FLAG_F_CONTIGUOUS)
        | bit(f.owndata, ND_FLAG_OWNDATA)
        | bit(f.aligned, ND_FLAG_ALIGNED)
        | bit(f.writeable, ND_FLAG_WRITEABLE)
}

/// Everything that describes an array, filled in by one call
/// (nd_array_describe): what nd_array_ndim, nd_array_shape,
/// nd_array_strides, nd_array_data, nd_array_size, nd_array_itemsize,
/// nd_array_flags and the dtype's nd_dtype_type / nd_dtype_byteorder
/// answer one at a time. A binding (or a C program handing the array to
/// another library) reads it once instead of making eight calls.
#[repr(C)]
#[derive(Clone, Copy)]
pub struct nd_array_info {
    /// Number of dimensions.
    pub ndim: i64,
    /// `ndim` lengths, valid while the array's handle lives (as
    /// nd_array_shape).
    pub shape: *const i64,
    /// `ndim` byte strides, valid while the handle lives (as
    /// nd_array_strides).
    pub strides: *const i64,
    /// Address of element zero (as nd_array_data).
    pub data: *mut std::ffi::c_void,
    /// Number of elements.
    pub size: i64,
    /// Bytes per element.
    pub itemsize: i64,
    /// The dtype's nd_type (ND_BOOL .. ND_COMPLEX128, ND_RECORD,
    /// ND_SUBARRAY), as nd_dtype_type.
    pub type_num: nd_type,
    /// NumPy's flags bits, as nd_array_flags.
    pub flags: i32,
    /// The dtype's byte order ('=', '<', '>' or '|'), as
    /// nd_dtype_byteorder.
    pub byteorder: c_char,
}

/// Fill `*info` with `a`'s description (nd_array_info) in one call.
/// ND_ERR_NULL (and `*info` untouched) if `a` or `info` is NULL.
///
/// # Safety
/// `a` must be NULL or a live handle; `info` NULL or valid for a write.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn nd_array_describe(
    a: *const nd_array,
    info: *mut nd_array_info,
) -> nd_status {
    guard_status(|| {
        let a = unsafe { nd_array::borrow(a, "a")? };
        if info.is_null() {
            bail!(Null, "argument 'info' is NULL");
        }
        let described = nd_array_info {
            ndim: a.ndim() as i64,
            shape: a.shape().as_ptr() as *const i64,
            strides: a.strides().as_ptr() as *const i64,
            data: a.data_ptr() as *mut std::ffi::c_void,
            size: a.size() as i64,
            itemsize: a.itemsize() as i64,
            type_num: super::dtype::type_of(a.dtype()),
            flags: flag_bits(a),
            byteorder: a.dtype().byteorder_char() as c_char,
        };
        // SAFETY: non-NULL, and valid for a write by the caller's contract.
        unsafe { info.write(described) };
        Ok(())
    })
}

/// NumPy's `repr(a)`: "array([[0, 1, 2],\n       [3, 4, 5]], dtype=int32)".
/// Caller frees it with nd_string_free; NULL if `a` is NULL.
///
/// # Safety
/// `a` must be NULL or a live handle.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn nd_array_repr(a: *const nd_array) -> *mut c_char {
    guard(|| Ok(owned_c_string(unsafe { nd_array::borrow(a, "a")? }.repr())))
}

/// Address of the element at `index` (`nindex` entries, one per dimension;
/// negative entries count from the end). NULL on error: ND_ERR_INDEX with
/// NumPy's message ("index 3 is out of bounds for axis 0 with size 3").
///
/// # Safety
/// `a` must be NULL or a live handle; `index` must hold `nindex` entries.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn nd_array_ptr_at(
    a: *const nd_array,
    nindex: usize,
    index: *const i64,
) -> *mut std::ffi::c_void {
    guard(|| {
        let a = unsafe { nd_array::borrow(a, "a")? };
        let index = unsafe { c_slice(index, nindex, "index")? };
        Ok(a.element_ptr(index)? as *mut std::ffi::c_void)
    })
}

/// Read element `index` and convert it as a C cast would (NumPy's
/// `astype` rules), storing the result through `out`.
unsafe fn get_as<T: Element>(
    a: *const nd_array,
    nindex: usize,
    index: *const i64,
    out: *mut T,
) -> nd_status {
    guard_status(|| {
        let a = unsafe { nd_array::borrow(a, "a")? };
        let index = unsafe { c_slice(index, nindex, "index")? };
        if out.is_null() {
            bail!(Null, "argument 'out' is NULL");
        }
        let v = T::from_value(a.get(index)?);
        unsafe { out.write(v) };
        Ok(())
    })
}

unsafe fn set_value(a: *const nd_array, nindex: usize, index: *const i64, v: Value) -> nd_status {
    guard_status(|| {
        let a = unsafe { nd_array::borrow(a, "a")? };
        let index = unsafe { c_slice(index, nindex, "index")? };
        a.set(index, v)
    })
}

/// Read element `index` (`nindex` entries, negative from the end) of a
/// builtin-dtype array as a double (cast as NumPy's astype would). Fails
/// with ND_ERR_INDEX for a bad index, ND_ERR_TYPE for record arrays.
///
/// # Safety
/// `a` NULL or live; `index` holds `nindex` entries; `out` NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn nd_array_get_f64(
    a: *const nd_array,
    nindex: usize,
    index: *const i64,
    out: *mut f64,
) -> nd_status {
    unsafe { get_as(a, nindex, index, out) }
}

/// As nd_array_get_f64, as an int64_t (floats truncate toward zero).
///
/// # Safety
/// As nd_array_get_f64.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn nd_array_get_i64(
    a: *const nd_array,
    nindex: usize,
    index: *const i64,
    out: *mut i64,
) -> nd_status {
    unsafe { get_as(a, nindex, index, out) }
}

/// As nd_array_get_f64, as a uint64_t.
///
/// # Safety
/// As nd_array_get_f64.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn nd_array_get_u64(
    a: *const nd_array,
    nindex: usize,
    index: *const i64,
    out: *mut u64,
) -> nd_status {
    unsafe { get_as(a, nindex, index, out) }
}

/// As nd_array_get_f64, as a bool (nonzero is true).
///
/// # Safety
/// As nd_array_get_f64.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn nd_array_get_bool(
    a: *const nd_array,
    nindex: usize,
    index: *const i64,
    out: *mut bool,
) -> nd_status {
    unsafe { get_as(a, nindex, index, out) }
}

/// As nd_array_get_f64, as a complex number: real part in `*re`, imaginary
/// part in `*im` (0 for real dtypes).
///
/// # Safety
/// As nd_array_get_f64; `re` and `im` NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn nd_array_get_c128(
    a: *const nd_array,
    nindex: usize,
    index: *const i64,
    re: *mut f64,
    im: *mut f64,
) -> nd_status {
    let mut c = Complex64::new(0.0, 0.0);
    let status = unsafe { get_as(a, nindex, index, &mut c) };
    if status == nd_status::ND_OK {
        if re.is_null() || im.is_null() {
            return guard_status(|| bail!(Null, "argument 're' or 'im' is NULL"));
        }
        unsafe {
            *re = c.re;
            *im = c.im;
        }
    }
    status
}

/// Store `value` at element `index`, cast as NumPy's `a[i] = value` casts a
/// Python float. ND_ERR_READONLY (nothing written) for read-only arrays,
/// ND_ERR_INDEX for a bad index, ND_ERR_TYPE for record arrays.
///
/// # Safety
/// `a` NULL or live; `index` holds `nindex` entries.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn nd_array_set_f64(
    a: *const nd_array,
    nindex: usize,
    index: *const i64,
    value: f64,
) -> nd_status {
    unsafe { set_value(a, nindex, index, Value::F64(value)) }
}

/// Store an integer at element `index`, as NumPy's `a[i] = value` with a
/// Python int: out of range of an integer dtype is ND_ERR_OVERFLOW ("Python
/// integer 300 out of bounds for uint8"), nothing written.
///
/// # Safety
/// As nd_array_set_f64.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn nd_array_set_i64(
    a: *const nd_array,
    nindex: usize,
    index: *const i64,
    value: i64,
) -> nd_status {
    unsafe { set_value(a, nindex, index, Value::Int(value)) }
}

/// As nd_array_set_i64 for an unsigned value.
///
/// # Safety
/// As nd_array_set_f64.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn nd_array_set_u64(
    a: *const nd_array,
    nindex: usize,
    index: *const i64,
    value: u64,
) -> nd_status {
    unsafe { set_value(a, nindex, index, Value::UInt(value)) }
}

/// Store a bool at element `index` (true is 1 in numeric dtypes).
///
/// # Safety
/// As nd_array_set_f64.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn nd_array_set_bool(
    a: *const nd_array,
    nindex: usize,
    index: *const i64,
    value: bool,
) -> nd_status {
    unsafe { set_value(a, nindex, index, Value::Bool(value)) }
}

/// Store a complex value at element `index` of a complex array; ND_ERR_TYPE
/// for real dtypes (as NumPy refuses complex into real).
///
/// # Safety
/// As nd_array_set_f64.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn nd_array_set_c128(
    a: *const nd_array,
    nindex: usize,
    index: *const i64,
    re: f64,
    im: f64,
) -> nd_status {
    unsafe { set_value(a, nindex, index, Value::C128(Complex64::new(re, im))) }
}

/// NumPy's `a.astype(dtype, order='K', casting=casting)`: a new array (always
/// a copy) with `a`'s values converted to `dtype`, keeping `a`'s axis order.
/// ND_ERR_TYPE with NumPy's message when `casting` forbids the cast.
/// Caller owns the result.
///
/// # Safety
/// Handles NULL or live.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn nd_astype(
    a: *const nd_array,
    dtype: *const nd_dtype,
    casting: nd_casting,
) -> *mut nd_array {
    guard(|| {
        let a = unsafe { nd_array::borrow(a, "a")? };
        let d = unsafe { nd_dtype::borrow(dtype, "dtype")? };
        Ok(nd_array::into_raw(astype(
            a,
            d,
            casting_arg(casting)?,
            crate::layout::Order::K,
        )?))
    })
}

/// NumPy's `a.byteswap(inplace)`: the bytes of every scalar reversed (each
/// half of a complex, every field of a record; one-byte kinds unchanged),
/// the dtype kept, so the values change. Convert non-native data to native
/// values with nd_astype to the native dtype instead (or byteswap and view
/// with nd_dtype_newbyteorder(dtype, 'S')). With `inplace` the swap is done
/// in `a`'s memory (ND_ERR_READONLY if it is not writeable; nothing is
/// written) and a new view of `a` is returned; otherwise a swapped copy.
/// Caller owns the result.
///
/// # Safety
/// `a` NULL or live.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn nd_array_byteswap(a: *const nd_array, inplace: bool) -> *mut nd_array {
    guard(|| {
        let a = unsafe { nd_array::borrow(a, "a")? };
        Ok(nd_array::into_raw(crate::manip::byteswap(a, inplace)?))
    })
}

/// NumPy's `a.copy(order)`: a new array with its own memory, laid out per
/// `order` (ND_ORDER_C, _F, _A or _K). Caller owns the result.
///
/// # Safety
/// `a` NULL or live.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn nd_array_copy(a: *const nd_array, order: nd_order) -> *mut nd_array {
    guard(|| {
        let a = unsafe { nd_array::borrow(a, "a")? };
        Ok(nd_array::into_raw(astype(
            a,
            a.dtype(),
            crate::dtype::Casting::No,
            order_arg(order)?,
        )?))
    })
}

/// NumPy's `copyto(dst, src, casting)` for arrays of the same shape: `src`'s
/// values cast into `dst`. Errors, with nothing written: ND_ERR_READONLY for a
/// read-only `dst`, ND_ERR_TYPE if `casting` forbids the cast, ND_ERR_SHAPE
/// for different shapes. `dst` and `src` must not overlap in memory.
///
/// # Safety
/// Handles NULL or live.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn nd_copyto(
    dst: *const nd_array,
    src: *const nd_array,
    casting: nd_casting,
) -> nd_status {
    guard_status(|| {
        let d = unsafe { nd_array::borrow(dst, "dst")? };
        let s = unsafe { nd_array::borrow(src, "src")? };
        assign(d, s, casting_arg(casting)?)
    })
}
