//! `.npz` archives: NumPy's `savez` (stored entries) and `savez_compressed`
//! (deflated), and `load` of either: a zip file holding one `.npy` file per
//! named array. Entries are read with the same checks as `.npy` files (the
//! header bounded and never evaluated, the data size checked against the
//! entry's size before anything is allocated).

use std::fs::File;
use std::io::Write;
use std::path::Path;

use zip::write::SimpleFileOptions;
use zip::{CompressionMethod, ZipArchive, ZipWriter};

use super::npy::{npy_parts, read_data, read_header};
use super::{io_error, open_read};
use crate::array::Array;
use crate::error::{Error, Result, bail, err};

fn zip_error(e: zip::result::ZipError, path: &Path) -> Error {
    match e {
        zip::result::ZipError::Io(io) => io_error(&io, path),
        zip::result::ZipError::FileNotFound => err!(Value, "no such array in '{}'", path.display()),
        other => err!(
            Value,
            "'{}' is not a valid .npz file: {other}",
            path.display()
        ),
    }
}

/// NumPy's `savez(path, name=array, ...)` (or `savez_compressed` with
/// `compressed`): each array as `name.npy` in a zip file, created or
/// overwritten. Names must be unique and non-empty.
pub fn savez(path: &Path, arrays: &[(&str, &Array)], compressed: bool) -> Result<()> {
    for (i, (name, _)) in arrays.iter().enumerate() {
        if name.is_empty() || name.contains('\0') {
            bail!(Value, "array names must be non-empty strings without NUL");
        }
        if arrays[..i].iter().any(|(n, _)| n == name) {
            bail!(
                Value,
                "Cannot use un-unique name '{name}' for an array in the archive"
            );
        }
    }
    let method = if compressed {
        CompressionMethod::Deflated
    } else {
        CompressionMethod::Stored
    };
    let file = File::create(path).map_err(|e| io_error(&e, path))?;
    let mut zip = ZipWriter::new(file);
    for (name, a) in arrays {
        let (header, data) = npy_parts(a)?;
        let data = data.as_slice();
        let size = (header.len() + data.len()) as u64;
        let options = SimpleFileOptions::default()
            .compression_method(method)
            .large_file(size >= u32::MAX as u64);
        zip.start_file(format!("{name}.npy"), options)
            .map_err(|e| zip_error(e, path))?;
        zip.write_all(&header)
            .and_then(|()| zip.write_all(data))
            .map_err(|e| io_error(&e, path))?;
    }
    zip.finish().map_err(|e| zip_error(e, path))?;
    Ok(())
}

fn open(path: &Path) -> Result<ZipArchive<File>> {
    ZipArchive::new(open_read(path)?).map_err(|e| zip_error(e, path))
}

/// The names of the arrays in a `.npz` file (its entry names without
/// `.npy`), in archive order, as NumPy's `NpzFile.files`.
pub fn npz_names(path: &Path) -> Result<Vec<String>> {
    let z = open(path)?;
    Ok(z.file_names()
        .map(|n| n.strip_suffix(".npy").unwrap_or(n).to_string())
        .collect())
}

/// The array `name` (or `name.npy`) of a `.npz` file, read into memory.
pub fn npz_load(path: &Path, name: &str) -> Result<Array> {
    let mut z = open(path)?;
    let entry = if z.index_for_name(name).is_some() && name.ends_with(".npy") {
        name.to_string()
    } else {
        format!("{name}.npy")
    };
    let Some(index) = z.index_for_name(&entry) else {
        let names = npz_names(path)?;
        bail!(
            Value,
            "{name} is not a file in the archive (it holds {})",
            names.join(", ")
        );
    };
    let mut f = z.by_index(index).map_err(|e| zip_error(e, path))?;
    let size = f.size();
    let h = read_header(&mut f)?;
    read_data(&mut f, &h, size.saturating_sub(h.data_offset))
}
