//! NumPy's `memmap`: a file, or part of it, as an array.

use std::fs::{File, OpenOptions};
use std::path::Path;

use super::{check_regular, file_len, io_error};
use crate::array::Array;
use crate::buffer::{Buffer, MapMode};
use crate::dtype::DType;
use crate::error::{Result, bail};
use crate::layout::{self, Order};

/// NumPy's memmap modes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MemmapMode {
    /// `r` / `readonly`: an existing file, read only.
    ReadOnly,
    /// `r+` / `readwrite`: an existing file, changes written back; extended
    /// with zeros when shorter than the array, as NumPy does.
    ReadWrite,
    /// `w+` / `write`: the file created or overwritten (zeros), changes
    /// written back.
    Write,
    /// `c` / `copyonwrite`: an existing file; changes stay in memory.
    CopyOnWrite,
}

impl MemmapMode {
    /// Parse NumPy's mode strings.
    pub fn parse(mode: &str) -> Result<MemmapMode> {
        Ok(match mode {
            "r" | "readonly" => MemmapMode::ReadOnly,
            "r+" | "readwrite" => MemmapMode::ReadWrite,
            "w+" | "write" => MemmapMode::Write,
            "c" | "copyonwrite" => MemmapMode::CopyOnWrite,
            _ => bail!(
                Value,
                "mode must be one of ['r', 'c', 'r+', 'w+', 'readonly', 'copyonwrite', 'readwrite', 'write'] (got '{mode}')"
            ),
        })
    }

    fn map_mode(self) -> MapMode {
        match self {
            MemmapMode::ReadOnly => MapMode::ReadOnly,
            MemmapMode::ReadWrite | MemmapMode::Write => MapMode::Shared,
            MemmapMode::CopyOnWrite => MapMode::CopyOnWrite,
        }
    }

    fn open(self, path: &Path) -> Result<File> {
        let mut o = OpenOptions::new();
        o.read(true);
        match self {
            MemmapMode::ReadOnly | MemmapMode::CopyOnWrite => {}
            MemmapMode::ReadWrite => {
                o.write(true);
            }
            MemmapMode::Write => {
                o.write(true).create(true).truncate(true);
            }
        }
        let file = o.open(path).map_err(|e| io_error(&e, path))?;
        check_regular(&file, path)?;
        Ok(file)
    }
}

/// NumPy's `memmap(path, dtype, mode, offset, shape, order)`. Without a
/// shape the array is 1-d over the rest of the file from `offset`. The
/// file must hold `offset` plus the array's bytes, except in `r+` and `w+`
/// modes, which extend it with zeros as NumPy does.
pub fn memmap(
    path: &Path,
    dtype: &DType,
    mode: MemmapMode,
    offset: u64,
    shape: Option<&[usize]>,
    order: Order,
) -> Result<Array> {
    if mode == MemmapMode::Write && shape.is_none() {
        bail!(Value, "shape must be given if mode == 'w+'");
    }
    let itemsize = dtype.itemsize();
    let file = mode.open(path)?;
    let flen = file_len(&file, path)?;
    let shape: Vec<usize> = match shape {
        Some(s) => s.to_vec(),
        None => {
            if itemsize == 0 {
                bail!(
                    Value,
                    "cannot map a file with a dtype of size 0 without a shape"
                );
            }
            let Some(bytes) = flen.checked_sub(offset) else {
                bail!(
                    Value,
                    "offset {offset} is past the end of the file '{}' ({flen} bytes)",
                    path.display()
                );
            };
            if bytes % itemsize as u64 != 0 {
                bail!(
                    Value,
                    "Size of available data is not a multiple of the data-type size."
                );
            }
            vec![(bytes / itemsize as u64) as usize]
        }
    };
    // Sub-array dtypes add dimensions; the size check covers them.
    let nbytes = layout::nbytes(&shape, itemsize)?;
    let Some(end) = offset.checked_add(nbytes as u64) else {
        bail!(Overflow, "offset {offset} plus {nbytes} bytes overflows");
    };
    if flen < end {
        match mode {
            MemmapMode::ReadWrite | MemmapMode::Write => {
                file.set_len(end).map_err(|e| io_error(&e, path))?
            }
            _ => bail!(
                Value,
                "the file '{}' has {flen} bytes, too short for {nbytes} bytes of data at offset {offset}",
                path.display()
            ),
        }
    }
    let buffer = Buffer::map_file(file, offset, nbytes, mode.map_mode())?;
    Array::from_buffer(buffer, dtype, &shape, order)
}
