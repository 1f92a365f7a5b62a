//! dtype handles: builtin, parsed, records, sub-arrays; introspection,
//! promotion and casting rules.

use std::ffi::c_char;

use super::guard::{Handle, c_slice, c_str, guard, owned_c_string};
use super::{casting_arg, nd_casting, nd_dtype};
use crate::dtype::{ByteOrder, DType, Field, Kind, Record, can_cast, result_type};
use crate::error::{Result, bail};

/// A dtype's type: one of the builtin ND_BOOL .. ND_COMPLEX128, or
/// ND_RECORD / ND_SUBARRAY for structured dtypes. Values never change.
pub type nd_type = i32;
/// bool (1 byte, `?`).
pub const ND_BOOL: nd_type = 0;
/// int8_t.
pub const ND_INT8: nd_type = 1;
/// uint8_t.
pub const ND_UINT8: nd_type = 2;
/// int16_t.
pub const ND_INT16: nd_type = 3;
/// uint16_t.
pub const ND_UINT16: nd_type = 4;
/// int32_t.
pub const ND_INT32: nd_type = 5;
/// uint32_t.
pub const ND_UINT32: nd_type = 6;
/// int64_t.
pub const ND_INT64: nd_type = 7;
/// uint64_t.
pub const ND_UINT64: nd_type = 8;
/// IEEE binary16 (NumPy float16), stored as uint16_t bits.
pub const ND_FLOAT16: nd_type = 9;
/// float.
pub const ND_FLOAT32: nd_type = 10;
/// double.
pub const ND_FLOAT64: nd_type = 11;
/// float _Complex (two floats).
pub const ND_COMPLEX64: nd_type = 12;
/// double _Complex (two doubles).
pub const ND_COMPLEX128: nd_type = 13;
/// A structured record with named fields.
pub const ND_RECORD: nd_type = 14;
/// A fixed-shape block of another dtype.
pub const ND_SUBARRAY: nd_type = 15;

const TYPES: [(nd_type, Kind); 14] = [
    (ND_BOOL, Kind::Bool),
    (ND_INT8, Kind::Int8),
    (ND_UINT8, Kind::UInt8),
    (ND_INT16, Kind::Int16),
    (ND_UINT16, Kind::UInt16),
    (ND_INT32, Kind::Int32),
    (ND_UINT32, Kind::UInt32),
    (ND_INT64, Kind::Int64),
    (ND_UINT64, Kind::UInt64),
    (ND_FLOAT16, Kind::Float16),
    (ND_FLOAT32, Kind::Float32),
    (ND_FLOAT64, Kind::Float64),
    (ND_COMPLEX64, Kind::Complex64),
    (ND_COMPLEX128, Kind::Complex128),
];

fn kind_of(t: nd_type) -> Result<Kind> {
    match TYPES.iter().find(|(c, _)| *c == t) {
        Some((_, k)) => Ok(*k),
        None => bail!(
            Value,
            "{t} is not a builtin nd_type (ND_BOOL .. ND_COMPLEX128)"
        ),
    }
}

pub(super) fn type_of(d: &DType) -> nd_type {
    match d {
        DType::Scalar(s) => TYPES
            .iter()
            .find(|(_, k)| *k == s.kind())
            .map_or(-1, |(c, _)| *c),
        DType::Record(_) => ND_RECORD,
        DType::SubArray(_) => ND_SUBARRAY,
    }
}

fn byte_order_arg(c: c_char) -> Result<Option<ByteOrder>> {
    Ok(match c as u8 {
        b'<' => Some(ByteOrder::Little),
        b'>' => Some(ByteOrder::Big),
        b'=' => Some(ByteOrder::NATIVE),
        b'|' => Some(ByteOrder::NotApplicable),
        b'S' | b's' => None,
        other => bail!(
            Value,
            "byte order must be one of '<', '>', '=', '|' or 'S' (swap), not {:?}",
            other as char
        ),
    })
}

/// A new handle for the builtin dtype `type` in native byte order.
/// Returns NULL (ND_ERR_VALUE) for ND_RECORD, ND_SUBARRAY or an unknown value.
/// Caller owns the handle; release it with nd_dtype_free. Thread-safe.
#[unsafe(no_mangle)]
pub extern "C" fn nd_dtype_new(r#type: nd_type) -> *mut nd_dtype {
    guard(|| Ok(nd_dtype::into_raw(DType::scalar(kind_of(r#type)?))))
}

/// Parse a NumPy dtype string: a typestr ("<f8", "|b1", ">i4"), a name
/// ("float64", "int32", "complex"), a type character ("d", "?"), a record
/// list ("[('time','<u8'),('pos',[('x','<f8'),('y','<f8')])]", sub-array
/// fields as ('name', '<f8', (2, 3))), a record dict
/// ("{'names': [...], 'formats': [...], 'offsets': [...], 'itemsize': n}") or
/// a sub-array ("('<f8', (2, 3))"). The text is read, never evaluated.
/// Returns NULL on failure (ND_ERR_DTYPE: "data type '<f3' not understood";
/// ND_ERR_NULL for a NULL string). Caller owns the handle.
///
/// # Safety
/// `s` must be NULL or a NUL-terminated string.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn nd_dtype_from_string(s: *const c_char) -> *mut nd_dtype {
    guard(|| Ok(nd_dtype::into_raw(DType::parse(unsafe { c_str(s, "s")? })?)))
}

/// As nd_dtype_from_string, laying records out as C structs (NumPy's
/// `align=True`): each field at a multiple of its alignment, the itemsize
/// padded to the largest alignment.
///
/// # Safety
/// `s` must be NULL or a NUL-terminated string.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn nd_dtype_from_string_aligned(s: *const c_char) -> *mut nd_dtype {
    guard(|| {
        Ok(nd_dtype::into_raw(DType::parse_aligned(unsafe {
            c_str(s, "s")?
        })?))
    })
}

/// A record dtype of `nfields` fields named `names[i]` with dtypes
/// `dtypes[i]` (borrowed). `offsets` NULL lays fields out one after another
/// (padded to alignment when `aligned`); otherwise `offsets[i]` places each
/// field. `itemsize` 0 means "just past the last field" (rounded up to the
/// alignment when `aligned`). Errors (ND_ERR_DTYPE): duplicate or empty
/// names, overlapping fields, fields past `itemsize`, misaligned offsets
/// when `aligned`. Caller owns the handle.
///
/// # Safety
/// `names` and `dtypes` must hold `nfields` entries, `offsets` NULL or
/// `nfields` entries; each name a NUL-terminated string.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn nd_dtype_record(
    nfields: usize,
    names: *const *const c_char,
    dtypes: *const *const nd_dtype,
    offsets: *const i64,
    itemsize: i64,
    aligned: bool,
) -> *mut nd_dtype {
    guard(|| {
        let names = unsafe { c_slice(names, nfields, "names")? };
        let dtypes = unsafe { c_slice(dtypes, nfields, "dtypes")? };
        let mut pairs = Vec::with_capacity(nfields);
        for (i, (&n, &d)) in names.iter().zip(dtypes).enumerate() {
            let name = unsafe { c_str(n, &format!("names[{i}]"))? }.to_string();
            let dtype = unsafe { nd_dtype::borrow(d, &format!("dtypes[{i}]"))? }.clone();
            pairs.push((name, dtype));
        }
        if itemsize < 0 {
            bail!(Value, "itemsize must be non-negative, not {itemsize}");
        }
        let itemsize = (itemsize > 0).then_some(itemsize as usize);
        let record = if offsets.is_null() {
            let r = Record::packed(pairs, aligned)?;
            match itemsize {
                Some(n) => Record::new(r.fields().to_vec(), Some(n), aligned)?,
                None => r,
            }
        } else {
            let offsets = unsafe { c_slice(offsets, nfields, "offsets")? };
            let mut fields = Vec::with_capacity(nfields);
            for ((name, dtype), &o) in pairs.into_iter().zip(offsets) {
                if o < 0 {
                    bail!(DType, "offset {o} of field '{name}' is negative");
                }
                fields.push(Field {
                    name,
                    dtype,
                    offset: o as usize,
                });
            }
            Record::new(fields, itemsize, aligned)?
        };
        Ok(nd_dtype::into_raw(record.into()))
    })
}

/// A sub-array dtype: a block of `shape` (ndim entries) elements of `base`
/// (borrowed), e.g. ('<f8', (2, 3)). Used as a record field, or as an array
/// dtype (whose shape then gains these dimensions). Caller owns the handle.
///
/// # Safety
/// `shape` must hold `ndim` entries (may be NULL when `ndim` is 0).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn nd_dtype_subarray(
    base: *const nd_dtype,
    ndim: usize,
    shape: *const i64,
) -> *mut nd_dtype {
    guard(|| {
        let base = unsafe { nd_dtype::borrow(base, "base")? }.clone();
        let dims = unsafe { c_slice(shape, ndim, "shape")? };
        let shape = crate::layout::shape_from_i64(dims, base.itemsize())?;
        Ok(nd_dtype::into_raw(DType::subarray(base, shape)?))
    })
}

/// The same dtype with byte order `order`: '<' little, '>' big, '=' native,
/// '|' native too (for one-byte kinds the order stays not-applicable), or
/// 'S' to swap (NumPy's `newbyteorder`). Applies to every field of a
/// record. Caller owns the new handle.
///
/// # Safety
/// `dtype` must be NULL or a live handle.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn nd_dtype_newbyteorder(
    dtype: *const nd_dtype,
    order: c_char,
) -> *mut nd_dtype {
    guard(|| {
        let d = unsafe { nd_dtype::borrow(dtype, "dtype")? };
        let out = match byte_order_arg(order)? {
            Some(o) => d.with_byte_order(o),
            None => d.swapped(),
        };
        Ok(nd_dtype::into_raw(out))
    })
}

/// A new handle for the same dtype. Caller owns it.
///
/// # Safety
/// `dtype` must be NULL or a live handle.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn nd_dtype_clone(dtype: *const nd_dtype) -> *mut nd_dtype {
    guard(|| {
        Ok(nd_dtype::into_raw(
            unsafe { nd_dtype::borrow(dtype, "dtype")? }.clone(),
        ))
    })
}

/// Release a dtype handle. NULL is a no-op. Arrays made with it are not
/// affected (they hold their own copy).
///
/// # Safety
/// `dtype` must be NULL or a live handle, not used afterwards.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn nd_dtype_free(dtype: *mut nd_dtype) {
    guard(|| {
        unsafe { nd_dtype::free(dtype) };
        Ok(())
    })
}

/// The dtype's nd_type (ND_FLOAT64, ..., ND_RECORD, ND_SUBARRAY); -1 if
/// `dtype` is NULL.
///
/// # Safety
/// `dtype` must be NULL or a live handle.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn nd_dtype_type(dtype: *const nd_dtype) -> nd_type {
    guard(|| Ok(type_of(unsafe { nd_dtype::borrow(dtype, "dtype")? })))
}

/// Bytes per element; -1 if `dtype` is NULL.
///
/// # Safety
/// `dtype` must be NULL or a live handle.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn nd_dtype_itemsize(dtype: *const nd_dtype) -> i64 {
    guard(|| Ok(unsafe { nd_dtype::borrow(dtype, "dtype")? }.itemsize() as i64))
}

/// Required alignment in bytes (1 for packed records); -1 if NULL.
///
/// # Safety
/// `dtype` must be NULL or a live handle.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn nd_dtype_alignment(dtype: *const nd_dtype) -> i64 {
    guard(|| Ok(unsafe { nd_dtype::borrow(dtype, "dtype")? }.alignment() as i64))
}

/// NumPy's `dtype.byteorder`: '=' native, '<' or '>' non-native, '|' not
/// applicable (one-byte kinds, records); 0 if NULL.
///
/// # Safety
/// `dtype` must be NULL or a live handle.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn nd_dtype_byteorder(dtype: *const nd_dtype) -> c_char {
    guard(|| Ok(unsafe { nd_dtype::borrow(dtype, "dtype")? }.byteorder_char() as c_char))
}

/// NumPy's `dtype.kind`: 'b', 'i', 'u', 'f', 'c', or 'V' for records and
/// sub-arrays; 0 if NULL.
///
/// # Safety
/// `dtype` must be NULL or a live handle.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn nd_dtype_kind(dtype: *const nd_dtype) -> c_char {
    guard(|| {
        let d = unsafe { nd_dtype::borrow(dtype, "dtype")? };
        Ok(d.kind().map_or('V', |k| k.kind_char()) as c_char)
    })
}

/// Are the two dtypes equal, as NumPy's `==` on dtypes (byte order counts,
/// how a record layout was produced does not)? False if either is NULL.
///
/// # Safety
/// Each argument must be NULL or a live handle.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn nd_dtype_equal(a: *const nd_dtype, b: *const nd_dtype) -> bool {
    guard(|| Ok(unsafe { nd_dtype::borrow(a, "a")? } == unsafe { nd_dtype::borrow(b, "b")? }))
}

/// NumPy's `dtype.str` for builtin dtypes ("<f8"); for records and
/// sub-arrays the description `str(dtype)` prints. `numpy.dtype()` of it
/// (through `ast.literal_eval` for records) gives an equal dtype, and
/// nd_dtype_from_string reads it back. Caller frees it with nd_string_free;
/// NULL on failure.
///
/// # Safety
/// `dtype` must be NULL or a live handle.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn nd_dtype_str(dtype: *const nd_dtype) -> *mut c_char {
    guard(|| {
        Ok(owned_c_string(
            unsafe { nd_dtype::borrow(dtype, "dtype")? }.to_numpy_str(),
        ))
    })
}

/// NumPy's `dtype.name` ("float64", "void192" for a 24-byte record). Caller
/// frees it with nd_string_free; NULL on failure.
///
/// # Safety
/// `dtype` must be NULL or a live handle.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn nd_dtype_name(dtype: *const nd_dtype) -> *mut c_char {
    guard(|| {
        Ok(owned_c_string(
            unsafe { nd_dtype::borrow(dtype, "dtype")? }.name(),
        ))
    })
}

/// Number of fields of a record dtype (0 for other dtypes); -1 if NULL.
///
/// # Safety
/// `dtype` must be NULL or a live handle.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn nd_dtype_nfields(dtype: *const nd_dtype) -> i64 {
    guard(|| {
        let d = unsafe { nd_dtype::borrow(dtype, "dtype")? };
        Ok(d.as_record().map_or(0, |r| r.fields().len()) as i64)
    })
}

/// Field `index` of a record dtype: returns its dtype (caller owns it) and
/// stores its byte offset in `*offset` and its name in `*name` (a string the
/// caller frees with nd_string_free) when those are not NULL. NULL on
/// failure (ND_ERR_INDEX for an index out of range, ND_ERR_TYPE if `dtype`
/// is not a record).
///
/// # Safety
/// `dtype` must be NULL or a live handle; `offset`, `name` NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn nd_dtype_field(
    dtype: *const nd_dtype,
    index: i64,
    offset: *mut i64,
    name: *mut *mut c_char,
) -> *mut nd_dtype {
    guard(|| {
        let d = unsafe { nd_dtype::borrow(dtype, "dtype")? };
        let Some(r) = d.as_record() else {
            bail!(Type, "dtype('{d}') has no fields");
        };
        let n = r.fields().len();
        let Some(f) = usize::try_from(index).ok().and_then(|i| r.fields().get(i)) else {
            bail!(
                Index,
                "field index {index} is out of range for a record of {n} fields"
            );
        };
        if !offset.is_null() {
            unsafe { *offset = f.offset as i64 };
        }
        if !name.is_null() {
            unsafe { *name = owned_c_string(f.name.clone()) };
        }
        Ok(nd_dtype::into_raw(f.dtype.clone()))
    })
}

/// NumPy 2's `result_type` of arrays with these `n` dtypes (NEP 50; always
/// native byte order). Records promote only with equal records (ND_ERR_TYPE
/// otherwise). Caller owns the returned handle.
///
/// # Safety
/// `dtypes` must hold `n` handles.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn nd_result_type(n: usize, dtypes: *const *const nd_dtype) -> *mut nd_dtype {
    guard(|| {
        let ptrs = unsafe { c_slice(dtypes, n, "dtypes")? };
        let list = ptrs
            .iter()
            .enumerate()
            .map(|(i, &p)| unsafe { nd_dtype::borrow(p, &format!("dtypes[{i}]")) }.cloned())
            .collect::<Result<Vec<_>>>()?;
        Ok(nd_dtype::into_raw(result_type(&list)?))
    })
}

/// NumPy's `can_cast(from, to, casting)` for dtypes. Records cast only to
/// equal records (ignoring byte order, except under ND_CASTING_NO). False on
/// a NULL argument or bad `casting` (the error is recorded).
///
/// # Safety
/// Each handle must be NULL or live.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn nd_can_cast(
    from: *const nd_dtype,
    to: *const nd_dtype,
    casting: nd_casting,
) -> bool {
    guard(|| {
        let (f, t) = unsafe { (nd_dtype::borrow(from, "from")?, nd_dtype::borrow(to, "to")?) };
        Ok(can_cast(f, t, casting_arg(casting)?))
    })
}
