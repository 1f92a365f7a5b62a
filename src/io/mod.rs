//! Arrays and files: memory maps (NumPy's `memmap`), `.npy` files (`save`,
//! `load`, with `mmap_mode`), and raw binary files (`fromfile`, `tofile`).
//! Everything here reads and writes bytes; the array and dtype layers say
//! what the bytes mean. Files are never trusted: every size is checked
//! before a map is made, so a short file is an error at open, not a SIGBUS
//! later, and `.npy` headers are read as literals, never evaluated.

mod memmap;
mod npy;
mod npz;
mod raw;

pub use memmap::{MemmapMode, memmap};
pub use npy::{NpyHeader, load, read_header, save};
pub use npz::{npz_load, npz_names, savez};
pub use raw::{fromfile, tofile};

use std::fs::File;
use std::path::Path;

use crate::error::{Error, err};

/// An `Io` error naming the file, as Python's OSError prints it:
/// `[Errno 2] No such file or directory: 'data.bin'`.
fn io_error(e: &std::io::Error, path: &Path) -> Error {
    let what = match e.raw_os_error() {
        Some(code) => {
            let text = e.to_string();
            // std appends " (os error N)"; Python puts the number first.
            let text = text
                .strip_suffix(&format!(" (os error {code})"))
                .unwrap_or(&text);
            format!("[Errno {code}] {text}")
        }
        None => e.to_string(),
    };
    err!(Io, "{what}: '{}'", path.display())
}

/// Open an existing file for reading, refusing directories (which Linux
/// lets `open` succeed on).
fn open_read(path: &Path) -> crate::Result<File> {
    let file = File::open(path).map_err(|e| io_error(&e, path))?;
    check_regular(&file, path)?;
    Ok(file)
}

fn check_regular(file: &File, path: &Path) -> crate::Result<()> {
    let meta = file.metadata().map_err(|e| io_error(&e, path))?;
    if meta.is_dir() {
        return Err(err!(Io, "[Errno 21] Is a directory: '{}'", path.display()));
    }
    Ok(())
}

/// Make `parts`, one after the other, the whole content of the file at
/// `path` (created or replaced). The old content is overwritten in place
/// and the file then cut to the new length, instead of truncating it to
/// zero first: ext4 flushes a file truncated to zero and rewritten when it
/// is closed (its `auto_da_alloc` rule), which made saving 128 MiB run at
/// a third of NumPy's speed here. A reader mapping the old file sees the
/// new bytes rather than a fault, unless the file shrinks.
fn write_file(path: &Path, parts: &[&[u8]]) -> crate::Result<()> {
    use std::io::Write;
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create(true)
        .truncate(false)
        .open(path)
        .map_err(|e| io_error(&e, path))?;
    check_regular(&file, path)?;
    let mut len = 0u64;
    for p in parts {
        file.write_all(p).map_err(|e| io_error(&e, path))?;
        len += p.len() as u64;
    }
    file.set_len(len).map_err(|e| io_error(&e, path))?;
    Ok(())
}

/// The bytes a file gets for an array: its own, borrowed, when it is laid
/// out as the format wants, else those of a C-ordered copy (kept here).
enum Bytes<'a> {
    Borrowed(&'a [u8]),
    Copied(crate::array::Array),
}

impl Bytes<'_> {
    /// `a`'s bytes in memory order if it is C-contiguous (or, with
    /// `fortran_ok`, F-contiguous), otherwise in C order from a copy.
    fn of(a: &crate::array::Array, fortran_ok: bool) -> crate::Result<Bytes<'_>> {
        let f = a.flags();
        if f.c_contiguous || (fortran_ok && f.f_contiguous) {
            if let Some(b) = a.contiguous_bytes() {
                return Ok(Bytes::Borrowed(b));
            }
        }
        Ok(Bytes::Copied(crate::manip::ascontiguousarray(a)?))
    }

    fn as_slice(&self) -> &[u8] {
        match self {
            Bytes::Borrowed(b) => b,
            // A C-contiguous copy always has its bytes.
            Bytes::Copied(c) => c.contiguous_bytes().unwrap_or_default(),
        }
    }
}

fn file_len(file: &File, path: &Path) -> crate::Result<u64> {
    Ok(file.metadata().map_err(|e| io_error(&e, path))?.len())
}
