//! DLPack (dlpack.h 1.x): export an array as a `DLManagedTensorVersioned`
//! or a legacy `DLManagedTensor`, and import either as an array on the
//! producer's memory. The structs mirror dlpack.h's ABI; strides there are
//! in elements, ours in bytes.
//!
//! An export owns a view of the array (so the memory outlives every other
//! handle) plus the shape and strides it points at; its deleter frees all
//! of that. An import wraps the producer's memory as a foreign buffer whose
//! release calls the producer's deleter, exactly once, after the last view.

use std::collections::HashSet;
use std::ffi::c_void;
use std::sync::Mutex;

use crate::array::{Array, ForeignParts};
use crate::dtype::{DType, Kind};
use crate::error::{Result, bail};
use crate::layout::{self, Order};

/// The DLPack version ndcore writes (and the major version it reads).
pub const MAJOR: u32 = 1;
pub const MINOR: u32 = 1;

/// `flags` bits of a versioned tensor.
pub const FLAG_READ_ONLY: u64 = 1 << 0;
pub const FLAG_IS_COPIED: u64 = 1 << 1;

/// Device types whose memory the CPU reads directly (NumPy accepts the same).
const CPU: i32 = 1;
const CUDA_HOST: i32 = 3;
const ROCM_HOST: i32 = 11;
const CUDA_MANAGED: i32 = 13;

/// Type codes (DLDataTypeCode).
const CODE_INT: u8 = 0;
const CODE_UINT: u8 = 1;
const CODE_FLOAT: u8 = 2;
const CODE_BFLOAT: u8 = 4;
const CODE_COMPLEX: u8 = 5;
const CODE_BOOL: u8 = 6;

#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct DLPackVersion {
    pub major: u32,
    pub minor: u32,
}

#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct DLDevice {
    pub device_type: i32,
    pub device_id: i32,
}

#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct DLDataType {
    pub code: u8,
    pub bits: u8,
    pub lanes: u16,
}

#[repr(C)]
#[derive(Debug)]
pub struct DLTensor {
    pub data: *mut c_void,
    pub device: DLDevice,
    pub ndim: i32,
    pub dtype: DLDataType,
    pub shape: *mut i64,
    pub strides: *mut i64,
    pub byte_offset: u64,
}

#[repr(C)]
pub struct DLManagedTensor {
    pub dl_tensor: DLTensor,
    pub manager_ctx: *mut c_void,
    pub deleter: Option<unsafe extern "C" fn(*mut DLManagedTensor)>,
}

#[repr(C)]
pub struct DLManagedTensorVersioned {
    pub version: DLPackVersion,
    pub manager_ctx: *mut c_void,
    pub deleter: Option<unsafe extern "C" fn(*mut DLManagedTensorVersioned)>,
    pub flags: u64,
    pub dl_tensor: DLTensor,
}

// ------------------------------------------------------------ dtypes

fn dl_dtype(kind: Kind) -> DLDataType {
    use Kind::*;
    let code = match kind {
        Bool => CODE_BOOL,
        Int8 | Int16 | Int32 | Int64 => CODE_INT,
        UInt8 | UInt16 | UInt32 | UInt64 => CODE_UINT,
        Float16 | Float32 | Float64 => CODE_FLOAT,
        Complex64 | Complex128 => CODE_COMPLEX,
    };
    DLDataType {
        code,
        bits: (kind.size() * 8) as u8,
        lanes: 1,
    }
}

fn kind_of(t: DLDataType) -> Result<Kind> {
    use Kind::*;
    if t.lanes != 1 {
        bail!(
            Type,
            "DLPack tensors with {} lanes are not supported (only lanes == 1)",
            t.lanes
        );
    }
    let kind = match (t.code, t.bits) {
        (CODE_BOOL, 8) => Bool,
        (CODE_INT, 8) => Int8,
        (CODE_INT, 16) => Int16,
        (CODE_INT, 32) => Int32,
        (CODE_INT, 64) => Int64,
        (CODE_UINT, 8) => UInt8,
        (CODE_UINT, 16) => UInt16,
        (CODE_UINT, 32) => UInt32,
        (CODE_UINT, 64) => UInt64,
        (CODE_FLOAT, 16) => Float16,
        (CODE_FLOAT, 32) => Float32,
        (CODE_FLOAT, 64) => Float64,
        (CODE_COMPLEX, 64) => Complex64,
        (CODE_COMPLEX, 128) => Complex128,
        (CODE_BFLOAT, _) => bail!(Type, "DLPack bfloat16 data is not supported by ndcore"),
        (code, bits) => bail!(
            Type,
            "unsupported DLPack data type (type code {code}, {bits} bits)"
        ),
    };
    Ok(kind)
}

// ------------------------------------------------------------ export

/// What a managed tensor's `manager_ctx` points at: the tensor itself, the
/// view that keeps the memory alive, and the arrays its pointers reach.
struct Export<T> {
    managed: T,
    _array: Array,
    _shape: Vec<i64>,
    _strides: Vec<i64>,
}

/// Addresses of exports not yet deleted, so that a second call of a
/// deleter is refused instead of freeing twice (best effort: an address
/// can be reused by a later export).
static LIVE: Mutex<Option<HashSet<usize>>> = Mutex::new(None);

fn live_insert(p: usize) {
    let mut g = LIVE.lock().unwrap_or_else(|e| e.into_inner());
    g.get_or_insert_with(HashSet::new).insert(p);
}

fn live_remove(p: usize) -> bool {
    let mut g = LIVE.lock().unwrap_or_else(|e| e.into_inner());
    g.as_mut().is_some_and(|s| s.remove(&p))
}

/// The DLTensor fields for `a`, after checking it can be described: a
/// native scalar dtype and byte strides that are whole elements.
fn describe(a: &Array) -> Result<(DLDataType, Vec<i64>, Vec<i64>)> {
    let Some(st) = a.dtype().as_scalar() else {
        bail!(
            Type,
            "cannot export a structured or sub-array dtype ({}) to DLPack",
            a.dtype()
        );
    };
    if !st.is_native() {
        bail!(
            Type,
            "cannot export non-native byte order data to DLPack (byteswap it first)"
        );
    }
    if a.ndim() > i32::MAX as usize {
        bail!(Value, "too many dimensions for DLPack");
    }
    let itemsize = a.itemsize() as isize;
    let mut strides = Vec::with_capacity(a.ndim());
    for (axis, &s) in a.strides().iter().enumerate() {
        if s % itemsize != 0 {
            bail!(
                Value,
                "cannot export to DLPack: the byte stride {s} of axis {axis} is not a \
                 multiple of the itemsize {itemsize} (DLPack strides are in elements)"
            );
        }
        strides.push((s / itemsize) as i64);
    }
    let shape = a.shape().iter().map(|&n| n as i64).collect();
    Ok((dl_dtype(st.kind()), shape, strides))
}

fn tensor(a: &Array, dtype: DLDataType, shape: &mut [i64], strides: &mut [i64]) -> DLTensor {
    DLTensor {
        data: a.data_ptr() as *mut c_void,
        device: DLDevice {
            device_type: CPU,
            device_id: 0,
        },
        ndim: a.ndim() as i32,
        dtype,
        shape: shape.as_mut_ptr(),
        strides: strides.as_mut_ptr(),
        byte_offset: 0,
    }
}

/// Export `a` as a versioned tensor (read-only flag set for read-only
/// arrays). With `copy`, the tensor holds a new C-contiguous copy and has
/// the IS_COPIED flag. `deleter` (the C boundary's, which calls `delete`)
/// goes in the tensor. The caller owns the result: call its deleter once.
pub fn export_versioned(
    a: &Array,
    copy: bool,
    deleter: unsafe extern "C" fn(*mut DLManagedTensorVersioned),
) -> Result<*mut DLManagedTensorVersioned> {
    let (array, mut flags) = if copy {
        let c = crate::ufunc::astype(a, a.dtype(), crate::dtype::Casting::No, Order::C)?;
        (c, FLAG_IS_COPIED)
    } else {
        (a.view(), 0)
    };
    if !array.is_writeable() {
        flags |= FLAG_READ_ONLY;
    }
    leak(array, |dl_tensor| DLManagedTensorVersioned {
        version: DLPackVersion {
            major: MAJOR,
            minor: MINOR,
        },
        manager_ctx: std::ptr::null_mut(),
        deleter: Some(deleter),
        flags,
        dl_tensor,
    })
}

/// Export `a` as a legacy (unversioned) tensor. Legacy tensors cannot say
/// they are read-only, so read-only arrays are refused, as NumPy does.
pub fn export_legacy(
    a: &Array,
    deleter: unsafe extern "C" fn(*mut DLManagedTensor),
) -> Result<*mut DLManagedTensor> {
    if !a.is_writeable() {
        bail!(
            ReadOnly,
            "cannot export a read-only array as a legacy DLPack tensor, which cannot \
             signal read-only (use the versioned export)"
        );
    }
    leak(a.view(), |dl_tensor| DLManagedTensor {
        dl_tensor,
        manager_ctx: std::ptr::null_mut(),
        deleter: Some(deleter),
    })
}

/// Box an export of `array` (the tensor `make` builds around its
/// description), point its `manager_ctx` at the box, record it as live and
/// leak it to the consumer, who frees it through the deleter.
fn leak<T: Managed>(array: Array, make: impl FnOnce(DLTensor) -> T) -> Result<*mut T> {
    let (dtype, mut shape, mut strides) = describe(&array)?;
    let dl_tensor = tensor(&array, dtype, &mut shape, &mut strides);
    let mut export = Box::new(Export {
        managed: make(dl_tensor),
        _array: array,
        _shape: shape,
        _strides: strides,
    });
    let ctx = &mut *export as *mut Export<T> as *mut c_void;
    export.managed.set_ctx(ctx);
    let raw = Box::into_raw(export);
    // SAFETY: `raw` is the live box just made.
    let managed = unsafe { &mut (*raw).managed } as *mut T;
    live_insert(managed as usize);
    Ok(managed)
}

/// Free an export made here: `managed` is the tensor `export_*` returned.
/// Err (and nothing freed) if it is not a live export, e.g. when its
/// deleter is called a second time.
///
/// # Safety
/// `managed` is NULL or a pointer `export_*` returned (even if deleted).
pub unsafe fn delete<T: Managed>(managed: *mut T) -> Result<()> {
    if managed.is_null() {
        return Ok(());
    }
    if !live_remove(managed as usize) {
        bail!(
            Value,
            "DLPack deleter: this tensor was already deleted (or is not an ndcore export)"
        );
    }
    // SAFETY: live, so the tensor is readable and its context is the box
    // `export_*` leaked.
    let ctx = unsafe { (*managed).ctx() };
    drop(unsafe { Box::from_raw(ctx as *mut Export<T>) });
    Ok(())
}

/// The two managed tensor structs, as `leak` and `delete` need them.
pub trait Managed {
    fn ctx(&self) -> *mut c_void;
    fn set_ctx(&mut self, ctx: *mut c_void);
}
impl Managed for DLManagedTensor {
    fn ctx(&self) -> *mut c_void {
        self.manager_ctx
    }
    fn set_ctx(&mut self, ctx: *mut c_void) {
        self.manager_ctx = ctx;
    }
}
impl Managed for DLManagedTensorVersioned {
    fn ctx(&self) -> *mut c_void {
        self.manager_ctx
    }
    fn set_ctx(&mut self, ctx: *mut c_void) {
        self.manager_ctx = ctx;
    }
}

// ------------------------------------------------------------ import

/// A producer's tensor and how to give it back, sent to whichever thread
/// frees the last view.
struct Deleter(Box<dyn FnOnce()>);
// SAFETY: DLPack deleters may be called from any thread (the producer's
// contract); the pointer they take is the only state.
unsafe impl Send for Deleter {}

impl Deleter {
    fn call(self) {
        (self.0)()
    }
}

/// Wrap the memory `t` describes. `release` is called once after the last
/// view is gone; on error it is dropped without being called.
///
/// # Safety
/// `t` must be a valid DLTensor whose memory lives until `release` runs.
unsafe fn import(t: &DLTensor, writeable: bool, release: Deleter) -> Result<Array> {
    match t.device.device_type {
        CPU | CUDA_HOST | ROCM_HOST | CUDA_MANAGED => {}
        d => bail!(
            Value,
            "unsupported device in DLPack tensor: device type {d} is not CPU memory \
             (ndcore reads kDLCPU, kDLCUDAHost, kDLROCMHost and kDLCUDAManaged)"
        ),
    }
    let kind = kind_of(t.dtype)?;
    if t.ndim < 0 {
        bail!(Value, "DLPack tensor has a negative ndim ({})", t.ndim);
    }
    let ndim = t.ndim as usize;
    layout::check_ndim(ndim)?;
    if ndim > 0 && t.shape.is_null() {
        bail!(Null, "DLPack tensor has ndim {ndim} but a NULL shape");
    }
    // SAFETY: the producer gives `ndim` entries (checked non-NULL above).
    let dims: &[i64] = if ndim == 0 {
        &[]
    } else {
        unsafe { std::slice::from_raw_parts(t.shape, ndim) }
    };
    let mut shape = Vec::with_capacity(ndim);
    for &n in dims {
        if n < 0 {
            bail!(
                Value,
                "negative dimensions are not allowed (DLPack shape {dims:?})"
            );
        }
        shape.push(n as usize);
    }
    let itemsize = kind.size() as i64;
    let strides = if t.strides.is_null() || ndim == 0 {
        None
    } else {
        // SAFETY: as the shape.
        let el = unsafe { std::slice::from_raw_parts(t.strides, ndim) };
        let mut bytes = Vec::with_capacity(ndim);
        for &s in el {
            let Some(b) = s
                .checked_mul(itemsize)
                .and_then(|b| isize::try_from(b).ok())
            else {
                bail!(Overflow, "DLPack stride {s} overflows a byte stride");
            };
            bytes.push(b);
        }
        Some(bytes)
    };
    let Ok(byte_offset) = isize::try_from(t.byte_offset) else {
        bail!(
            Overflow,
            "DLPack byte_offset {} is too large",
            t.byte_offset
        );
    };
    let data = (t.data as *mut u8).wrapping_offset(byte_offset);
    let parts = ForeignParts {
        data,
        dtype: DType::scalar(kind),
        shape,
        strides,
        writeable,
        release: Some(Box::new(move || release.call())),
    };
    // SAFETY: the producer vouches for the memory until its deleter runs.
    unsafe { Array::wrap(parts) }
}

/// An array on a versioned tensor's memory, writeable unless the tensor is
/// flagged read-only. On success the array owns `t` (its deleter runs once
/// after the last view); on failure `t` stays the caller's.
///
/// # Safety
/// `t` must point to a valid tensor, not used by the caller after success.
pub unsafe fn import_versioned(t: *mut DLManagedTensorVersioned) -> Result<Array> {
    // SAFETY: the caller's promise.
    let m = unsafe { &*t };
    if m.version.major != MAJOR {
        bail!(
            Value,
            "unsupported DLPack version {}.{} (ndcore reads version {MAJOR}.x)",
            m.version.major,
            m.version.minor
        );
    }
    let deleter = m.deleter;
    let release = Deleter(Box::new(move || {
        if let Some(d) = deleter {
            // SAFETY: the producer's deleter for its own tensor, called once.
            unsafe { d(t) }
        }
    }));
    unsafe { import(&m.dl_tensor, m.flags & FLAG_READ_ONLY == 0, release) }
}

/// An array on a legacy tensor's memory, writeable if the caller says so
/// (a legacy tensor cannot). Ownership as `import_versioned`.
///
/// # Safety
/// As `import_versioned`.
pub unsafe fn import_legacy(t: *mut DLManagedTensor, writeable: bool) -> Result<Array> {
    // SAFETY: the caller's promise.
    let m = unsafe { &*t };
    let deleter = m.deleter;
    let release = Deleter(Box::new(move || {
        if let Some(d) = deleter {
            // SAFETY: as in `import_versioned`.
            unsafe { d(t) }
        }
    }));
    unsafe { import(&m.dl_tensor, writeable, release) }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};

    unsafe extern "C" fn del_v(t: *mut DLManagedTensorVersioned) {
        unsafe { delete(t) }.unwrap();
    }

    #[test]
    fn every_kind_round_trips_its_code_and_bits() {
        for kind in Kind::ALL {
            let t = dl_dtype(kind);
            assert_eq!(t.lanes, 1);
            assert_eq!(t.bits as usize, kind.size() * 8);
            assert_eq!(kind_of(t).unwrap(), kind);
        }
        let bf16 = DLDataType {
            code: CODE_BFLOAT,
            bits: 16,
            lanes: 1,
        };
        assert!(kind_of(bf16).unwrap_err().message().contains("bfloat16"));
    }

    static DELETED: AtomicUsize = AtomicUsize::new(0);
    unsafe extern "C" fn count(_: *mut DLManagedTensorVersioned) {
        DELETED.fetch_add(1, Ordering::SeqCst);
    }

    #[test]
    fn export_then_import_shares_memory_and_deletes_once() {
        let a = Array::zeros(&DType::scalar(Kind::Int32), &[2, 3], Order::F).unwrap();
        let t = export_versioned(&a, false, del_v).unwrap();
        let tensor = unsafe { &(*t).dl_tensor };
        let (shape, strides) = unsafe {
            (
                std::slice::from_raw_parts(tensor.shape, 2).to_vec(),
                std::slice::from_raw_parts(tensor.strides, 2).to_vec(),
            )
        };
        assert_eq!((shape, strides), (vec![2, 3], vec![1, 2]));
        let b = unsafe { import_versioned(t) }.unwrap();
        assert_eq!(b.data_ptr(), a.data_ptr());
        assert_eq!(b.strides(), a.strides());
        drop(b); // runs del_v: a second delete is refused
        assert!(unsafe { delete(t) }.is_err());

        // A producer's tensor: the deleter runs once, after the last view.
        let mut data = [1i64, 2, 3];
        let mut dims = [2i64];
        let mut m = DLManagedTensorVersioned {
            version: DLPackVersion { major: 1, minor: 0 },
            manager_ctx: std::ptr::null_mut(),
            deleter: Some(count),
            flags: FLAG_READ_ONLY,
            dl_tensor: DLTensor {
                data: data.as_mut_ptr() as *mut c_void,
                device: DLDevice {
                    device_type: CPU,
                    device_id: 0,
                },
                ndim: 1,
                dtype: dl_dtype(Kind::Int64),
                shape: dims.as_mut_ptr(),
                strides: std::ptr::null_mut(),
                byte_offset: 8,
            },
        };
        let before = DELETED.load(Ordering::SeqCst);
        let c = unsafe { import_versioned(&mut m) }.unwrap();
        assert!(!c.is_writeable());
        assert_eq!(c.get(&[1]).unwrap(), crate::dtype::Value::Int(3));
        let v = c.view();
        drop(c);
        assert_eq!(DELETED.load(Ordering::SeqCst), before);
        drop(v);
        assert_eq!(DELETED.load(Ordering::SeqCst), before + 1);
    }
}
