//! The `.npy` format (versions 1.0, 2.0 and 3.0), as NumPy's
//! `numpy/lib/format.py` writes and reads it: a magic string, a version, a
//! header length, then a Python dict literal `{'descr': ..., 'fortran_order':
//! ..., 'shape': (...), }` padded with spaces to a 64-byte boundary, then the
//! data in C or Fortran order. The header is read by a literal reader that
//! evaluates nothing, bounded as NumPy bounds it (10,000 characters).

use std::io::Read;
use std::path::Path;

use super::{Bytes, MemmapMode, file_len, memmap, open_read, write_file};
use crate::array::Array;
use crate::dtype::DType;
use crate::dtype::literal::{self, Lit};
use crate::error::{Result, bail, err};
use crate::layout::{self, Order};

const MAGIC: &[u8; 6] = b"\x93NUMPY";
/// NumPy's default `max_header_size`: longer headers are refused.
pub const MAX_HEADER_SIZE: usize = 10_000;
/// Header plus prefix end on this boundary, so maps of the data align.
const ARRAY_ALIGN: usize = 64;
/// Spare room NumPy leaves after the header to grow the shape in place.
const GROWTH_AXIS_MAX_DIGITS: usize = 21;

/// What a `.npy` header says.
#[derive(Debug, Clone)]
pub struct NpyHeader {
    pub version: (u8, u8),
    pub dtype: DType,
    pub shape: Vec<usize>,
    pub fortran_order: bool,
    /// Where the data starts, from the start of the file.
    pub data_offset: u64,
}

impl NpyHeader {
    /// The data's layout: Fortran order when the header says so.
    pub fn order(&self) -> Order {
        if self.fortran_order {
            Order::F
        } else {
            Order::C
        }
    }
}

/// Read exactly `buf.len()` bytes or say what was short, as NumPy does.
fn read_exact_or(r: &mut impl Read, buf: &mut [u8], what: &str) -> Result<()> {
    let mut got = 0;
    while got < buf.len() {
        match r.read(&mut buf[got..]) {
            Ok(0) => break,
            Ok(n) => got += n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => bail!(Io, "cannot read {what}: {e}"),
        }
    }
    if got < buf.len() {
        bail!(
            Value,
            "EOF: reading {what}, expected {} bytes got {got}",
            buf.len()
        );
    }
    Ok(())
}

/// Python's `repr` of a bytes object, for messages about the magic string.
fn bytes_repr(b: &[u8]) -> String {
    let mut s = String::from("b'");
    for &c in b {
        match c {
            b'\\' => s.push_str("\\\\"),
            b'\'' => s.push_str("\\'"),
            0x20..=0x7e => s.push(c as char),
            _ => s.push_str(&format!("\\x{c:02x}")),
        }
    }
    s.push('\'');
    s
}

/// Read and check a `.npy` header from the start of `r`.
pub fn read_header(r: &mut impl Read) -> Result<NpyHeader> {
    let mut magic = [0u8; 8];
    read_exact_or(r, &mut magic, "magic string")?;
    if magic.starts_with(b"PK\x03\x04") || magic.starts_with(b"PK\x05\x06") {
        bail!(
            Value,
            "this is a .npz archive, not a .npy file: read its arrays with nd_npz_names and nd_npz_load"
        );
    }
    if &magic[..6] != MAGIC {
        bail!(
            Value,
            "the magic string is not correct; expected {}, got {}",
            bytes_repr(MAGIC),
            bytes_repr(&magic[..6])
        );
    }
    let version = (magic[6], magic[7]);
    let len_bytes = match version {
        (1, 0) => 2,
        (2, 0) | (3, 0) => 4,
        (major, minor) => bail!(
            Value,
            "we only support format version (1,0), (2,0), and (3,0), not ({major}, {minor})"
        ),
    };
    let mut len_buf = [0u8; 4];
    read_exact_or(r, &mut len_buf[..len_bytes], "array header length")?;
    let header_len = u32::from_le_bytes(len_buf) as usize;
    // Refuse before reading: a huge length is an attack or a broken file.
    if header_len > MAX_HEADER_SIZE {
        bail!(
            Value,
            "Header info length ({header_len}) is large and may not be safe to load securely (more than {MAX_HEADER_SIZE} bytes)"
        );
    }
    let mut raw = vec![0u8; header_len];
    read_exact_or(r, &mut raw, "array header")?;
    let text = if version == (3, 0) {
        String::from_utf8(raw).map_err(|_| err!(Value, "the array header is not valid UTF-8"))?
    } else {
        // Latin-1: every byte is the code point of the same value.
        raw.iter().map(|&b| b as char).collect()
    };
    let (dtype, shape, fortran_order) = parse_header(&text)?;
    Ok(NpyHeader {
        version,
        dtype,
        shape,
        fortran_order,
        data_offset: (8 + len_bytes + header_len) as u64,
    })
}

/// Python's `repr` of the header text, for messages.
fn quoted(text: &str) -> String {
    let t: String = text.trim_end().chars().take(200).collect();
    format!("'{t}'")
}

fn parse_header(text: &str) -> Result<(DType, Vec<usize>, bool)> {
    let lit = literal::read(text).map_err(|e| {
        err!(
            Value,
            "Cannot parse header: {} ({} at position {})",
            quoted(text),
            e.what,
            e.pos
        )
    })?;
    let Lit::Dict(items) = lit else {
        bail!(Value, "Header is not a dictionary: {}", quoted(text));
    };
    let mut descr = None;
    let mut fortran = None;
    let mut shape = None;
    let mut keys = Vec::new();
    for (k, v) in &items {
        let key = match k {
            Lit::Str(s) => s.as_str(),
            _ => bail!(Value, "Header keys must be strings: {}", quoted(text)),
        };
        keys.push(format!("'{key}'"));
        match key {
            "descr" => descr = Some(v),
            "fortran_order" => fortran = Some(v),
            "shape" => shape = Some(v),
            _ => {}
        }
    }
    let (Some(descr), Some(fortran), Some(shape)) = (descr, fortran, shape) else {
        keys.sort();
        bail!(
            Value,
            "Header does not contain the correct keys: [{}]",
            keys.join(", ")
        );
    };
    if items.len() != 3 {
        keys.sort();
        bail!(
            Value,
            "Header does not contain the correct keys: [{}]",
            keys.join(", ")
        );
    }
    let shape = match shape {
        Lit::Tuple(dims) if dims.len() <= crate::dtype::MAXDIMS => dims
            .iter()
            .map(|d| match d {
                Lit::Int(n) if *n >= 0 && *n <= isize::MAX as i128 => Ok(*n as usize),
                _ => Err(err!(Value, "shape is not valid: {}", quoted(text))),
            })
            .collect::<Result<Vec<usize>>>()?,
        _ => bail!(Value, "shape is not valid: {}", quoted(text)),
    };
    let fortran_order = match fortran {
        Lit::Bool(b) => *b,
        _ => bail!(Value, "fortran_order is not a valid bool: {}", quoted(text)),
    };
    let dtype = DType::from_descr(descr).map_err(|e| match e.kind() {
        crate::ErrorKind::Unsupported => e,
        _ => err!(
            Value,
            "descr is not a valid dtype descriptor: {} ({})",
            quoted(text),
            e.message()
        ),
    })?;
    Ok((dtype, shape, fortran_order))
}

/// The header bytes (magic to final newline) NumPy writes for an array of
/// `dtype` and `shape`, in the oldest version that can hold it.
pub fn header_bytes(dtype: &DType, shape: &[usize], fortran_order: bool) -> Result<Vec<u8>> {
    let mut dict = format!(
        "{{'descr': {}, 'fortran_order': {}, 'shape': {}, }}",
        dtype.descr()?,
        if fortran_order { "True" } else { "False" },
        crate::text::tuple(shape)
    );
    if let Some(&d) = if fortran_order {
        shape.last()
    } else {
        shape.first()
    } {
        let digits = d.to_string().len();
        dict.push_str(&" ".repeat(GROWTH_AXIS_MAX_DIGITS.saturating_sub(digits)));
    }
    let latin1 = dict.chars().all(|c| (c as u32) < 256);
    let wrap = |major: u8, len_bytes: usize| -> Option<Vec<u8>> {
        let body: Vec<u8> = if major == 3 {
            dict.as_bytes().to_vec()
        } else {
            dict.chars().map(|c| c as u8).collect()
        };
        let hlen = body.len() + 1;
        let pad = ARRAY_ALIGN - (MAGIC.len() + 2 + len_bytes + hlen) % ARRAY_ALIGN;
        let total = hlen + pad;
        if len_bytes == 2 && total > u16::MAX as usize {
            return None;
        }
        let mut out = Vec::with_capacity(MAGIC.len() + 2 + len_bytes + total);
        out.extend_from_slice(MAGIC);
        out.extend_from_slice(&[major, 0]);
        out.extend_from_slice(&(total as u32).to_le_bytes()[..len_bytes]);
        out.extend_from_slice(&body);
        out.extend(std::iter::repeat_n(b' ', pad));
        out.push(b'\n');
        Some(out)
    };
    let out = if latin1 {
        wrap(1, 2).or_else(|| wrap(2, 4))
    } else {
        wrap(3, 4)
    };
    out.ok_or_else(|| err!(Value, "the array header is too long for a .npy file"))
}

/// NumPy's `save(path, a)`: the header, then the data in C order, or in
/// Fortran order when the array is F- and not C-contiguous.
pub fn save(path: &Path, a: &Array) -> Result<()> {
    let (header, data) = npy_parts(a)?;
    write_file(path, &[&header, data.as_slice()])
}

/// NumPy's `load(path, mmap_mode=...)` of a `.npy` file: into new memory,
/// or mapped in mode `r`, `r+` or `c`.
pub fn load(path: &Path, mmap_mode: Option<MemmapMode>) -> Result<Array> {
    if mmap_mode == Some(MemmapMode::Write) {
        bail!(
            Value,
            "mmap_mode 'w+' would overwrite the file; use 'r', 'r+' or 'c' (or memmap to create one)"
        );
    }
    let mut file = open_read(path)?;
    let h = read_header(&mut file)?;
    if let Some(mode) = mmap_mode {
        drop(file);
        return memmap(
            path,
            &h.dtype,
            mode,
            h.data_offset,
            Some(&h.shape),
            h.order(),
        );
    }
    let have = file_len(&file, path)?.saturating_sub(h.data_offset);
    read_data(&mut file, &h, have)
}

/// The array a header describes, read from `r` (positioned at the data),
/// which holds `have` bytes of data: checked before allocating, so a
/// header promising terabytes allocates nothing.
pub(super) fn read_data(r: &mut impl Read, h: &NpyHeader, have: u64) -> Result<Array> {
    let nbytes = layout::nbytes(&h.shape, h.dtype.itemsize())?;
    if have < nbytes as u64 {
        bail!(
            Value,
            "EOF: reading array data, expected {nbytes} bytes got {have}"
        );
    }
    let mut a = Array::empty(&h.dtype, &h.shape, h.order())?;
    let bytes = a
        .fresh_bytes_mut()
        .ok_or_else(|| err!(Internal, "a new array has no contiguous bytes"))?;
    read_exact_or(r, bytes, "array data")?;
    Ok(a)
}

/// The `.npy` bytes of `a`: its header, and its data in C order, or in
/// Fortran order when it is F- and not C-contiguous. The data is borrowed
/// when `a` is laid out so, copied once otherwise.
pub(super) fn npy_parts(a: &Array) -> Result<(Vec<u8>, Bytes<'_>)> {
    let flags = a.flags();
    let fortran = flags.f_contiguous && !flags.c_contiguous;
    Ok((
        header_bytes(a.dtype(), a.shape(), fortran)?,
        Bytes::of(a, true)?,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn header_of(descr: &str, shape: &[usize]) -> Vec<u8> {
        let d = DType::from_descr(&literal::read(descr).unwrap()).unwrap();
        header_bytes(&d, shape, false).unwrap()
    }

    #[test]
    fn headers_read_back() {
        for (descr, shape) in [
            ("'<f8'", &[3usize, 4][..]),
            ("'>i2'", &[][..]),
            (
                "[('time', '<u8'), ('pos', [('x', '<f8'), ('y', '<f8')])]",
                &[0][..],
            ),
        ] {
            let bytes = header_of(descr, shape);
            assert_eq!(bytes.len() % ARRAY_ALIGN, 0);
            let h = read_header(&mut &bytes[..]).unwrap();
            assert_eq!(h.shape, shape);
            assert_eq!(h.data_offset as usize, bytes.len());
            assert_eq!(h.dtype.descr().unwrap(), descr);
        }
        // A name beyond Latin-1 needs version 3.0 (UTF-8).
        let rec = "[('\u{3b1}', '<f8')]";
        let bytes = header_of(rec, &[2]);
        assert_eq!(&bytes[6..8], &[3, 0]);
        assert_eq!(
            read_header(&mut &bytes[..]).unwrap().dtype.descr().unwrap(),
            rec
        );
    }

    /// Thousands of mutated headers: every one parses or is refused with an
    /// error; none panics, loops or allocates what it claims.
    #[test]
    fn mutated_headers_never_panic() {
        let seeds = [
            header_of("'<f8'", &[3, 4]),
            header_of("[('a', '<i2'), ('', '|V6'), ('b', '<f8', (2, 3))]", &[5]),
            header_of("[('t', '<u8'), ('p', [('x', '<f8'), ('y', '<f8')])]", &[]),
        ];
        let mut state = 0x9e3779b97f4a7c15u64;
        let mut next = move || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state
        };
        const SPECIAL: &[u8] = b"(){}[],:'\"0123456789-+ \n\\TrueFalse<>|VOf";
        let (mut ok, mut refused) = (0, 0);
        for i in 0..20_000 {
            let mut b = seeds[i % seeds.len()].clone();
            for _ in 0..1 + next() % 4 {
                let len = b.len().max(1);
                let at = (next() as usize) % len;
                match next() % 6 {
                    0 if at < b.len() => b[at] = next() as u8,
                    1 if at < b.len() => b[at] = SPECIAL[next() as usize % SPECIAL.len()],
                    2 => b.insert(at.min(b.len()), SPECIAL[next() as usize % SPECIAL.len()]),
                    3 if at < b.len() => {
                        b.remove(at);
                    }
                    4 => b.truncate(at),
                    _ => {
                        // Repeat a piece: deep nesting, long numbers.
                        let end = (at + 1 + next() as usize % 16).min(b.len());
                        let piece: Vec<u8> = b[at.min(end)..end].to_vec();
                        for _ in 0..next() % 64 {
                            b.splice(at.min(b.len())..at.min(b.len()), piece.iter().copied());
                        }
                    }
                }
            }
            match read_header(&mut &b[..]) {
                Ok(h) => {
                    ok += 1;
                    // What parsed is a consistent description.
                    assert!(h.shape.len() <= crate::dtype::MAXDIMS);
                    assert!(h.data_offset as usize <= b.len());
                }
                Err(_) => refused += 1,
            }
        }
        assert!(ok > 100 && refused > 1000, "ok {ok}, refused {refused}");
    }
}
