//! DLPack: export arrays as managed tensors and import producers' tensors.
//! The struct types are dlpack.h's (declared, not defined, in ndcore.h:
//! include dlpack.h, or ndcore_dlpack.h, to read their fields).

use super::guard::{Handle, guard};
use super::nd_array;
use crate::interop::dlpack::{self, DLManagedTensor, DLManagedTensorVersioned};

unsafe extern "C" fn delete_versioned(t: *mut DLManagedTensorVersioned) {
    guard(|| unsafe { dlpack::delete(t) })
}

unsafe extern "C" fn delete_legacy(t: *mut DLManagedTensor) {
    guard(|| unsafe { dlpack::delete(t) })
}

/// Export `a` as a DLPack 1.1 `DLManagedTensorVersioned`, sharing its
/// memory: `data` is element zero, `byte_offset` 0, the device kDLCPU,
/// strides in elements. Read-only arrays get DLPACK_FLAG_BITMASK_READ_ONLY.
/// With `copy`, the tensor holds a new C-contiguous copy instead and has
/// DLPACK_FLAG_BITMASK_IS_COPIED.
///
/// Refused (NULL, ND_ERR_TYPE / ND_ERR_VALUE): structured and sub-array
/// dtypes, non-native byte order, and byte strides that are not a multiple
/// of the itemsize (a record field's view, for one).
///
/// The caller owns the tensor and passes it on to a consumer, which calls
/// `t->deleter(t)` exactly once; the memory stays alive until then, even
/// after `a` is freed. A second call of the deleter does nothing and sets
/// nd_last_error (best effort: an address may be reused by a later export).
/// Thread-safe.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn nd_array_to_dlpack(
    a: *const nd_array,
    copy: bool,
) -> *mut DLManagedTensorVersioned {
    guard(|| {
        let a = unsafe { nd_array::borrow(a, "a")? };
        dlpack::export_versioned(a, copy, delete_versioned)
    })
}

/// Export `a` as a legacy (pre-1.0) `DLManagedTensor`, for consumers that
/// do not read versioned tensors. Legacy tensors cannot say they are
/// read-only, so read-only arrays are refused (ND_ERR_READONLY), as NumPy
/// does; otherwise as nd_array_to_dlpack without copy.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn nd_array_to_dlpack_legacy(a: *const nd_array) -> *mut DLManagedTensor {
    guard(|| {
        let a = unsafe { nd_array::borrow(a, "a")? };
        dlpack::export_legacy(a, delete_legacy)
    })
}

/// An array on the memory of a producer's DLPack 1.x tensor, without
/// copying: writeable unless the tensor has DLPACK_FLAG_BITMASK_READ_ONLY.
/// NULL strides mean C-contiguous; `byte_offset` is honoured.
///
/// On success the array owns `t`: its deleter (if not NULL) is called
/// exactly once, after the last handle viewing the memory is freed, on the
/// thread that frees it; the caller must not use or delete `t` again. On
/// failure (NULL returned) `t` stays the caller's and is not deleted.
///
/// Refused: a NULL `t`, a major version other than 1, devices other than
/// CPU-readable ones (kDLCPU, kDLCUDAHost, kDLROCMHost, kDLCUDAManaged, as
/// NumPy), lanes other than 1, types ndcore lacks (bfloat16, float8, ...),
/// negative ndim or dimensions, NULL shape with ndim > 0, overflowing
/// strides. DLPack has no byte order: the data is taken as native.
///
/// # Safety
/// `t` must describe memory that stays valid until its deleter is called.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn nd_from_dlpack(t: *mut DLManagedTensorVersioned) -> *mut nd_array {
    guard(|| {
        if t.is_null() {
            crate::error::bail!(Null, "argument 't' is NULL");
        }
        Ok(nd_array::into_raw(unsafe { dlpack::import_versioned(t)? }))
    })
}

/// As nd_from_dlpack for a legacy `DLManagedTensor`. A legacy tensor
/// cannot say whether writing is allowed, so the caller says: the array is
/// writeable only if `writeable` (NumPy imports legacy tensors read-only).
///
/// # Safety
/// As nd_from_dlpack; with `writeable`, the memory must be writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn nd_from_dlpack_legacy(
    t: *mut DLManagedTensor,
    writeable: bool,
) -> *mut nd_array {
    guard(|| {
        if t.is_null() {
            crate::error::bail!(Null, "argument 't' is NULL");
        }
        Ok(nd_array::into_raw(unsafe {
            dlpack::import_legacy(t, writeable)?
        }))
    })
}
