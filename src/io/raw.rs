//! Raw binary files: NumPy's `fromfile` and `ndarray.tofile`, the bytes of
//! the elements with no header (the record files of instruments and C
//! programs, read in one call with a structured dtype).

use std::io::{Read, Seek, SeekFrom};
use std::path::Path;

use super::{Bytes, file_len, io_error, open_read, write_file};
use crate::array::Array;
use crate::dtype::DType;
use crate::error::{Result, bail, err};
use crate::layout::Order;

/// NumPy's `fromfile(path, dtype, count, offset)` in binary mode: skip
/// `offset` bytes, then read `count` items (`None`: all whole items left).
/// As NumPy, a file holding fewer than `count` items gives the items it
/// holds; an offset past the end is an error.
pub fn fromfile(path: &Path, dtype: &DType, count: Option<usize>, offset: u64) -> Result<Array> {
    let itemsize = dtype.itemsize();
    if itemsize == 0 {
        bail!(Value, "cannot read items of size 0 from a file");
    }
    let mut file = open_read(path)?;
    let flen = file_len(&file, path)?;
    let Some(left) = flen.checked_sub(offset) else {
        bail!(
            Value,
            "offset {offset} is past the end of the file '{}' ({flen} bytes)",
            path.display()
        );
    };
    let whole = (left / itemsize as u64).min(usize::MAX as u64) as usize;
    let n = count.map_or(whole, |c| c.min(whole));
    let mut a = Array::empty(dtype, &[n], Order::C)?;
    file.seek(SeekFrom::Start(offset))
        .map_err(|e| io_error(&e, path))?;
    let bytes = a
        .fresh_bytes_mut()
        .ok_or_else(|| err!(Internal, "a new array has no contiguous bytes"))?;
    file.read_exact(bytes).map_err(|e| io_error(&e, path))?;
    Ok(a)
}

/// NumPy's `a.tofile(path)`: the elements' bytes in C order, whatever the
/// array's layout, with no header; the file is created or overwritten.
pub fn tofile(a: &Array, path: &Path) -> Result<()> {
    write_file(path, &[Bytes::of(a, false)?.as_slice()])
}
