//! Files: memory maps, `.npy` save/load, raw `fromfile`/`tofile`, and
//! `frombuffer` over caller memory.

use std::ffi::{CStr, c_char, c_void};
use std::os::unix::ffi::OsStrExt;
use std::path::Path;

use super::create::{nd_release_fn, release_arg};
use super::guard::{Handle, c_slice, c_str, guard, guard_status};
use super::status::nd_status;
use super::{nd_array, nd_dtype, nd_order, order_arg};
use crate::array::{Array, ForeignParts};
use crate::error::{Result, bail};
use crate::io::{self, MemmapMode};
use crate::layout::{self, Order};

/// Borrow a path argument: any bytes but NUL, as the OS takes them.
unsafe fn path_arg<'a>(p: *const c_char, name: &str) -> Result<&'a Path> {
    if p.is_null() {
        bail!(Null, "argument '{name}' is NULL");
    }
    let bytes = unsafe { CStr::from_ptr(p) }.to_bytes();
    if bytes.is_empty() {
        bail!(Value, "argument '{name}' is an empty path");
    }
    Ok(Path::new(std::ffi::OsStr::from_bytes(bytes)))
}

fn offset_arg(offset: i64) -> Result<u64> {
    if offset < 0 {
        bail!(Value, "offset must be non-negative, got {offset}");
    }
    Ok(offset as u64)
}

/// NumPy's `memmap(path, dtype, mode, offset, shape, order)`: part of a
/// file as an array, without reading it. `mode` is "r" (read-only: writes
/// fail with ND_ERR_READONLY), "r+" (writes reach the file), "w+" (the
/// file is created or overwritten with zeros) or "c" (copy-on-write:
/// writes stay in memory), or NumPy's long names ("readonly", "readwrite",
/// "write", "copyonwrite"). The data starts `offset` bytes into the file
/// (any offset). `shape` NULL (with `ndim` 0) maps the rest of the file
/// as a 1-d array; otherwise `ndim` dimensions, and `order` ND_ORDER_C or
/// ND_ORDER_F lays them out. A sub-array dtype adds its dimensions.
///
/// The file must hold `offset` plus the array's bytes: in "r" and "c" a
/// shorter file is an error here (ND_ERR_VALUE), never a fault later; "r+"
/// and "w+" extend it with zeros, as NumPy does. Other errors: ND_ERR_IO
/// ("[Errno 2] No such file or directory: 'x.dat'", a directory, no
/// permission for the mode), ND_ERR_VALUE (bad mode, negative offset, no
/// shape with "w+", rest of file not a whole number of items). A file
/// truncated by someone else while mapped cannot be guarded against.
///
/// Views of the result keep the map (and the open file) alive; the map is
/// released with the last of them. Write changes back with
/// nd_array_flush. Caller owns the returned handle.
///
/// # Safety
/// `path` and `mode` are NUL-terminated strings; `dtype` a live handle;
/// `shape` NULL or `ndim` readable values.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn nd_memmap(
    path: *const c_char,
    dtype: *const nd_dtype,
    mode: *const c_char,
    offset: i64,
    ndim: usize,
    shape: *const i64,
    order: nd_order,
) -> *mut nd_array {
    guard(|| {
        let path = unsafe { path_arg(path, "path")? };
        let dtype = unsafe { nd_dtype::borrow(dtype, "dtype")? };
        let mode = MemmapMode::parse(unsafe { c_str(mode, "mode")? })?;
        let offset = offset_arg(offset)?;
        let shape = if shape.is_null() && ndim == 0 {
            None
        } else {
            layout::check_ndim(ndim)?;
            let dims = unsafe { c_slice(shape, ndim, "shape")? };
            Some(layout::shape_from_i64(dims, dtype.itemsize())?)
        };
        let order = match order_arg(order)? {
            Order::F => Order::F,
            Order::C => Order::C,
            _ => bail!(Value, "order must be ND_ORDER_C or ND_ORDER_F for a memmap"),
        };
        let a = io::memmap(path, dtype, mode, offset, shape.as_deref(), order)?;
        Ok(nd_array::into_raw(a))
    })
}

/// NumPy's `memmap.flush()`: write the changes made through a memory map
/// ("r+" or "w+") back to its file; any view of the map flushes all of it.
/// With `durable`, also sync the file's data and size to the storage
/// device (fsync), so they survive a power loss. Arrays not backed by a
/// writable file map have nothing to write back: ND_OK, as in NumPy.
/// ND_ERR_IO if the system refuses.
///
/// # Safety
/// `a` NULL (ND_ERR_NULL) or a live handle.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn nd_array_flush(a: *const nd_array, durable: bool) -> nd_status {
    guard_status(|| unsafe { nd_array::borrow(a, "a")? }.flush(durable))
}

/// NumPy's `save(path, a)`: write `a` as a `.npy` file (format 1.0, or
/// 2.0/3.0 when the header needs it, exactly as NumPy writes them): the
/// data in C order, or Fortran order when `a` is F- and not C-contiguous.
/// Any dtype ndcore describes, including records, sub-array fields and
/// non-native byte order, which is kept. The file is created or
/// overwritten. Errors: ND_ERR_IO (cannot create or write), ND_ERR_VALUE
/// (a record with overlapping or out-of-order fields has no `.npy`
/// description, as in NumPy).
///
/// # Safety
/// `path` a NUL-terminated string; `a` a live handle.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn nd_save(path: *const c_char, a: *const nd_array) -> nd_status {
    guard_status(|| {
        let path = unsafe { path_arg(path, "path")? };
        io::save(path, unsafe { nd_array::borrow(a, "a")? })
    })
}

/// NumPy's `load(path, mmap_mode=...)` for a `.npy` file (versions 1.0,
/// 2.0, 3.0). `mmap_mode` NULL reads the data into new memory; "r", "r+"
/// or "c" maps it as nd_memmap does. The header is parsed, never
/// evaluated; headers over 10,000 bytes, object (pickled) arrays, bad
/// magic strings or versions, malformed or truncated headers and files
/// shorter than their data are errors (ND_ERR_VALUE, NumPy's messages;
/// object dtypes ND_ERR_UNSUPPORTED), as are missing files (ND_ERR_IO).
/// Caller owns the returned handle.
///
/// # Safety
/// `path` a NUL-terminated string; `mmap_mode` NULL or one.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn nd_load(path: *const c_char, mmap_mode: *const c_char) -> *mut nd_array {
    guard(|| {
        let path = unsafe { path_arg(path, "path")? };
        let mode = if mmap_mode.is_null() {
            None
        } else {
            Some(MemmapMode::parse(unsafe {
                c_str(mmap_mode, "mmap_mode")?
            })?)
        };
        Ok(nd_array::into_raw(io::load(path, mode)?))
    })
}

/// NumPy's `fromfile(path, dtype, count, offset)` for binary files: skip
/// `offset` bytes, then read `count` items of `dtype` (-1: every whole
/// item left) into a new 1-d array. As NumPy, a file with fewer than
/// `count` items gives the items it has: check the result's size.
/// Errors: ND_ERR_IO (missing file, directory, unreadable), ND_ERR_VALUE
/// (offset past the end or negative, count below -1). Caller owns the
/// returned handle.
///
/// # Safety
/// `path` a NUL-terminated string; `dtype` a live handle.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn nd_fromfile(
    path: *const c_char,
    dtype: *const nd_dtype,
    count: i64,
    offset: i64,
) -> *mut nd_array {
    guard(|| {
        let path = unsafe { path_arg(path, "path")? };
        let dtype = unsafe { nd_dtype::borrow(dtype, "dtype")? };
        let count = match count {
            -1 => None,
            c if c >= 0 => Some(c as usize),
            c => bail!(Value, "count must be -1 (all) or non-negative, got {c}"),
        };
        let a = io::fromfile(path, dtype, count, offset_arg(offset)?)?;
        Ok(nd_array::into_raw(a))
    })
}

/// NumPy's `a.tofile(path)`: write the elements' bytes in C order,
/// whatever `a`'s layout, with no header (read back with nd_fromfile).
/// The file is created or overwritten. ND_ERR_IO if it cannot be written.
///
/// # Safety
/// `a` a live handle; `path` a NUL-terminated string.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn nd_array_tofile(a: *const nd_array, path: *const c_char) -> nd_status {
    guard_status(|| {
        let a = unsafe { nd_array::borrow(a, "a")? };
        io::tofile(a, unsafe { path_arg(path, "path")? })
    })
}

/// NumPy's `frombuffer(buffer, dtype, count, offset)`: the `len` bytes at
/// `data` as a 1-d array of `count` items (-1: as many as fit, which must
/// then be a whole number) starting `offset` bytes in, without copying.
/// Writes fail unless `writeable`. `release(ctx)`, if not NULL, runs once
/// after the last handle on the memory is freed, as for nd_array_wrap
/// (never if this fails). Errors (ND_ERR_VALUE, NumPy's messages): "offset
/// must be non-negative and no greater than buffer length (7)", "buffer
/// size must be a multiple of element size", "buffer is smaller than
/// requested size". Caller owns the returned handle.
///
/// # Safety
/// `len` bytes at `data` stay valid (and writable when `writeable`) until
/// `release` runs, or while any handle on them lives.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn nd_frombuffer(
    data: *mut c_void,
    len: usize,
    dtype: *const nd_dtype,
    count: i64,
    offset: i64,
    writeable: bool,
    release: nd_release_fn,
    ctx: *mut c_void,
) -> *mut nd_array {
    guard(|| {
        let dtype = unsafe { nd_dtype::borrow(dtype, "dtype")? }.clone();
        let itemsize = dtype.itemsize();
        if itemsize == 0 {
            bail!(Value, "itemsize cannot be zero in type");
        }
        if offset < 0 || offset as u64 > len as u64 {
            bail!(
                Value,
                "offset must be non-negative and no greater than buffer length ({len})"
            );
        }
        let left = len - offset as usize;
        let n = match count {
            -1 => {
                if left % itemsize != 0 {
                    bail!(Value, "buffer size must be a multiple of element size");
                }
                left / itemsize
            }
            c if c >= 0 => {
                if (c as u128) * (itemsize as u128) > left as u128 {
                    bail!(Value, "buffer is smaller than requested size");
                }
                c as usize
            }
            c => bail!(Value, "count must be -1 (all) or non-negative, got {c}"),
        };
        if data.is_null() && len > 0 {
            bail!(
                Null,
                "argument 'data' is NULL but {len} bytes were promised"
            );
        }
        let parts = ForeignParts {
            data: (data as *mut u8).wrapping_add(offset as usize),
            dtype,
            shape: vec![n],
            strides: None,
            writeable,
            release: release_arg(release, ctx),
        };
        // SAFETY: the caller vouches for `len` bytes at `data`; the array
        // reaches `n * itemsize <= len - offset` of them from `offset`.
        Ok(nd_array::into_raw(unsafe { Array::wrap(parts)? }))
    })
}

/// NumPy's `savez(path, **arrays)` (or, with `compressed`,
/// `savez_compressed`): the `n` arrays as `.npy` entries of a zip file
/// (stored, or deflated), created or overwritten. `names` gives the entry
/// names (without `.npy`; unique, non-empty), or NULL for NumPy's
/// positional names `arr_0`, `arr_1`, .... Errors: ND_ERR_IO, ND_ERR_VALUE
/// (repeated names), ND_ERR_NULL.
///
/// # Safety
/// `path` a NUL-terminated string; `arrays` `n` live handles; `names` NULL
/// or `n` NUL-terminated strings.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn nd_savez(
    path: *const c_char,
    n: usize,
    names: *const *const c_char,
    arrays: *const *const nd_array,
    compressed: bool,
) -> nd_status {
    guard_status(|| {
        let path = unsafe { path_arg(path, "path")? };
        let handles = unsafe { c_slice(arrays, n, "arrays")? };
        let mut list = Vec::with_capacity(n);
        for (i, &h) in handles.iter().enumerate() {
            let name = if names.is_null() {
                format!("arr_{i}")
            } else {
                let names = unsafe { c_slice(names, n, "names")? };
                unsafe { c_str(names[i], "names[i]")? }.to_string()
            };
            list.push((name, unsafe { nd_array::borrow(h, "arrays[i]")? }));
        }
        let pairs: Vec<(&str, &Array)> = list.iter().map(|(s, a)| (s.as_str(), *a)).collect();
        io::savez(path, &pairs, compressed)
    })
}

/// The names of the arrays in a `.npz` file (NumPy's `NpzFile.files`), one
/// per line, in archive order; release the string with nd_string_free.
/// NULL on failure: ND_ERR_IO (missing file), ND_ERR_VALUE (not a zip).
///
/// # Safety
/// `path` a NUL-terminated string.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn nd_npz_names(path: *const c_char) -> *mut c_char {
    guard(|| {
        let path = unsafe { path_arg(path, "path")? };
        Ok(super::guard::owned_c_string(
            io::npz_names(path)?.join("\n"),
        ))
    })
}

/// NumPy's `load(path)[name]` for a `.npz` file: the array stored as
/// `name.npy` (`name` may include the `.npy`), read into new memory with
/// nd_load's checks. ND_ERR_VALUE if there is no such array (the message
/// lists the names) or the entry is not a valid `.npy`. Caller owns the
/// returned handle.
///
/// # Safety
/// `path` and `name` NUL-terminated strings.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn nd_npz_load(path: *const c_char, name: *const c_char) -> *mut nd_array {
    guard(|| {
        let path = unsafe { path_arg(path, "path")? };
        let name = unsafe { c_str(name, "name")? };
        Ok(nd_array::into_raw(io::npz_load(path, name)?))
    })
}
