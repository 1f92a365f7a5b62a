//! Parsing NumPy dtype strings.
//!
//! Plain type strings (`"<f8"`, `"float64"`, `"d"`) are matched directly.
//! Record and sub-array descriptions are Python literals (what NumPy prints
//! for `str(dtype)` and `dtype.descr`); they are read by a small literal
//! reader that understands strings, integers, `True`/`False`, tuples, lists
//! and dicts, and nothing else: no content is ever evaluated.

use super::literal::{self, Lit};
use super::{ByteOrder, DType, Field, Kind, MAXDIMS, Record, ScalarType};
use crate::error::{Result, bail, err};

pub(super) fn parse(s: &str, aligned: bool) -> Result<DType> {
    let t = s.trim();
    if t.starts_with(['[', '{', '(']) {
        let lit = literal::read(t).map_err(|e| {
            err!(
                DType,
                "data type '{t}' not understood: {} at position {}",
                e.what,
                e.pos
            )
        })?;
        from_literal(&lit, aligned)
    } else {
        parse_type_string(s)
    }
}

fn not_understood(s: &str) -> crate::error::Error {
    err!(DType, "data type '{s}' not understood")
}

/// A plain type string: typestr, type name, or one-character code.
fn parse_type_string(s: &str) -> Result<DType> {
    let t = s.trim();
    let (order, body) = match t.chars().next() {
        Some('<') => (Some(ByteOrder::Little), &t[1..]),
        Some('>') => (Some(ByteOrder::Big), &t[1..]),
        Some('=') => (Some(ByteOrder::NATIVE), &t[1..]),
        Some('|') => (Some(ByteOrder::NotApplicable), &t[1..]),
        _ => (None, t),
    };
    let kind = if let Some(k) = kind_from_name(body).filter(|_| order.is_none()) {
        k
    } else if let Some(k) = kind_from_char(body) {
        k
    } else if let Some(k) = kind_from_typestr(body) {
        k
    } else {
        if matches!(
            body,
            "g" | "G" | "longdouble" | "clongdouble" | "float128" | "complex256"
        ) {
            bail!(
                Unsupported,
                "data type '{s}' (long double) is not supported by ndcore"
            );
        }
        return Err(not_understood(s));
    };
    Ok(DType::Scalar(ScalarType::new(
        kind,
        order.unwrap_or(ByteOrder::NATIVE),
    )))
}

fn kind_from_name(name: &str) -> Option<Kind> {
    use Kind::*;
    Some(match name {
        "bool" | "bool_" => Bool,
        "int8" | "byte" => Int8,
        "int16" | "short" => Int16,
        "int32" | "intc" => Int32,
        "int64" | "int" | "int_" | "intp" | "long" | "longlong" => Int64,
        "uint8" | "ubyte" => UInt8,
        "uint16" | "ushort" => UInt16,
        "uint32" | "uintc" => UInt32,
        "uint64" | "uint" | "uintp" | "ulong" | "ulonglong" => UInt64,
        "float16" | "half" => Float16,
        "float32" | "single" => Float32,
        "float64" | "float" | "double" => Float64,
        "complex64" | "csingle" => Complex64,
        "complex128" | "complex" | "cdouble" => Complex128,
        _ => return None,
    })
}

/// NumPy's one-character type codes (LP64 Linux sizes).
fn kind_from_char(code: &str) -> Option<Kind> {
    use Kind::*;
    Some(match code {
        "?" => Bool,
        "b" => Int8,
        "B" => UInt8,
        "h" => Int16,
        "H" => UInt16,
        "i" => Int32,
        "I" => UInt32,
        "l" | "q" | "p" => Int64,
        "L" | "Q" | "P" => UInt64,
        "e" => Float16,
        "f" => Float32,
        "d" => Float64,
        "F" => Complex64,
        "D" => Complex128,
        _ => return None,
    })
}

/// `b1`, `i4`, `u8`, `f2`, `c16`, ... (kind character and byte count).
fn kind_from_typestr(body: &str) -> Option<Kind> {
    let mut chars = body.chars();
    let k = chars.next()?;
    let digits = chars.as_str();
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) || digits.len() > 3 {
        return None;
    }
    let size: usize = digits.parse().ok()?;
    // NumPy spells bool as `b1` in typestrs but `b` alone is int8.
    Kind::from_kind_and_size(if k == '?' { 'b' } else { k }, size)
}

fn from_literal(lit: &Lit, aligned: bool) -> Result<DType> {
    match lit {
        Lit::Str(s) => parse(s, aligned),
        Lit::List(items) => record_from_list(items, aligned),
        Lit::Dict(items) => record_from_dict(items, aligned),
        Lit::Tuple(items) => match items.as_slice() {
            [base, shape] => {
                let base = from_literal(base, aligned)?;
                let shape = shape_from_literal(shape)?;
                if shape.is_empty() {
                    Ok(base)
                } else {
                    DType::subarray(base, shape)
                }
            }
            _ => bail!(
                DType,
                "a sub-array dtype is a (dtype, shape) tuple; got a tuple of {} items",
                items.len()
            ),
        },
        other => bail!(
            DType,
            "cannot interpret {} as a data type",
            other.describe()
        ),
    }
}

pub(super) fn shape_from_literal(lit: &Lit) -> Result<Vec<usize>> {
    let dims: Vec<&Lit> = match lit {
        Lit::Int(_) => vec![lit],
        Lit::Tuple(items) => items.iter().collect(),
        other => bail!(
            DType,
            "a sub-array shape must be an integer or a tuple of integers, not {}",
            other.describe()
        ),
    };
    if dims.len() > MAXDIMS {
        bail!(
            DType,
            "sub-array has {} dimensions; the maximum is {MAXDIMS}",
            dims.len()
        );
    }
    dims.into_iter()
        .map(|d| match d {
            Lit::Int(n) if *n >= 0 && *n <= isize::MAX as i128 => Ok(*n as usize),
            Lit::Int(n) => bail!(DType, "invalid sub-array dimension {n}"),
            other => bail!(
                DType,
                "sub-array dimensions must be integers, not {}",
                other.describe()
            ),
        })
        .collect()
}

/// `[('name', format), ('name', format, shape), ...]`
fn record_from_list(items: &[Lit], aligned: bool) -> Result<DType> {
    let mut fields = Vec::with_capacity(items.len());
    for item in items {
        let parts = match item {
            Lit::Tuple(p) | Lit::List(p) if p.len() == 2 || p.len() == 3 => p,
            _ => bail!(
                DType,
                "each field of a record list is a (name, format) or (name, format, shape) tuple"
            ),
        };
        let name = match &parts[0] {
            Lit::Str(s) => s.clone(),
            other => bail!(
                DType,
                "field names must be strings, not {}",
                other.describe()
            ),
        };
        let mut dtype = from_literal(&parts[1], aligned)?;
        if let Some(shape) = parts.get(2) {
            let shape = shape_from_literal(shape)?;
            if !shape.is_empty() {
                dtype = DType::subarray(dtype, shape)?;
            }
        }
        fields.push((name, dtype));
    }
    Ok(Record::packed(fields, aligned)?.into())
}

/// `{'names': [...], 'formats': [...], 'offsets': [...], 'itemsize': n, 'aligned': b}`
///
/// `aligned` is inherited from an enclosing aligned record, as NumPy's
/// `align=True` is; an explicit `'aligned'` entry decides for this record and
/// what it contains (NumPy ignores `'aligned': False`; ndcore uses it to
/// describe a packed record nested in an aligned one).
fn record_from_dict(items: &[(Lit, Lit)], aligned: bool) -> Result<DType> {
    let mut names = None;
    let mut formats = None;
    let mut offsets = None;
    let mut itemsize = None;
    let mut aligned = aligned;
    for (k, v) in items {
        let key = match k {
            Lit::Str(s) => s.as_str(),
            other => bail!(
                DType,
                "record dict keys must be strings, not {}",
                other.describe()
            ),
        };
        match (key, v) {
            ("names", Lit::List(l) | Lit::Tuple(l)) => names = Some(l),
            ("formats", Lit::List(l) | Lit::Tuple(l)) => formats = Some(l),
            ("offsets", Lit::List(l) | Lit::Tuple(l)) => offsets = Some(l),
            ("itemsize", Lit::Int(n)) if *n >= 0 && *n <= isize::MAX as i128 => {
                itemsize = Some(*n as usize)
            }
            ("aligned", Lit::Bool(b)) => aligned = *b,
            ("titles", _) => bail!(Unsupported, "field titles are not supported by ndcore"),
            (k, v) => bail!(
                DType,
                "unexpected record dict entry '{k}': {}",
                v.describe()
            ),
        }
    }
    let (Some(names), Some(formats)) = (names, formats) else {
        bail!(DType, "a record dict needs 'names' and 'formats'");
    };
    if names.len() != formats.len() || offsets.is_some_and(|o| o.len() != names.len()) {
        bail!(
            DType,
            "'names', 'formats' and 'offsets' must have the same length"
        );
    }
    let mut pairs = Vec::with_capacity(names.len());
    for (n, f) in names.iter().zip(formats.iter()) {
        let name = match n {
            Lit::Str(s) => s.clone(),
            other => bail!(
                DType,
                "field names must be strings, not {}",
                other.describe()
            ),
        };
        pairs.push((name, from_literal(f, aligned)?));
    }
    let record = match offsets {
        None => {
            let r = Record::packed(pairs, aligned)?;
            match itemsize {
                Some(n) => Record::new(r.fields().to_vec(), Some(n), aligned)?,
                None => r,
            }
        }
        Some(offsets) => {
            let mut fields = Vec::with_capacity(pairs.len());
            for ((name, dtype), off) in pairs.into_iter().zip(offsets.iter()) {
                let offset = match off {
                    Lit::Int(o) if *o >= 0 && *o <= isize::MAX as i128 => *o as usize,
                    other => bail!(DType, "invalid field offset {:?}", other),
                };
                fields.push(Field {
                    name,
                    dtype,
                    offset,
                });
            }
            Record::new(fields, itemsize, aligned)?
        }
    };
    Ok(record.into())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn typestrs_names_and_codes() {
        let f8 = DType::scalar(Kind::Float64);
        for s in ["<f8", "=f8", "float64", "float", "double", "d", "f8", "|f8"] {
            assert_eq!(DType::parse(s).unwrap(), f8, "{s}");
        }
        assert_eq!(
            DType::parse(">i4").unwrap(),
            DType::Scalar(ScalarType::new(Kind::Int32, ByteOrder::Big))
        );
        assert_eq!(DType::parse(">i1").unwrap().to_numpy_str(), "|i1");
        assert_eq!(DType::parse("?").unwrap(), DType::scalar(Kind::Bool));
        assert_eq!(DType::parse("|b1").unwrap(), DType::scalar(Kind::Bool));
        assert_eq!(DType::parse("b").unwrap(), DType::scalar(Kind::Int8));
        assert_eq!(
            DType::parse("c16").unwrap(),
            DType::scalar(Kind::Complex128)
        );
    }

    #[test]
    fn bad_strings_are_errors() {
        for s in [
            "<f3",
            "",
            "int33",
            ">float64",
            "u",
            "[('a','<f8')",
            "[('a','<f8'),('a','<i4')]",
            "{'names':['a','b'],'formats':['<f8','<f8'],'offsets':[0,4]}",
            "[('a',)]",
            "[('a','<f8', -1)]",
            "('<f8', 'x')",
            "[('a', __import__('os'))]",
            "{'names': 1}",
            "[(1, '<f8')]",
            "'unterminated",
            "((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((('f8',1)",
        ] {
            let e = DType::parse(s).unwrap_err();
            assert!(
                matches!(
                    e.kind(),
                    crate::error::ErrorKind::DType | crate::error::ErrorKind::Unsupported
                ),
                "{s}: {e}"
            );
        }
        assert_eq!(
            DType::parse("<f3").unwrap_err().message(),
            "data type '<f3' not understood"
        );
    }

    #[test]
    fn records_nest_with_offsets() {
        let d = DType::parse("[('time','<u8'),('pos',[('x','<f8'),('y','<f8')])]").unwrap();
        let r = d.as_record().unwrap();
        assert_eq!(d.itemsize(), 24);
        assert_eq!(r.fields()[1].offset, 8);
        let pos = r.fields()[1].dtype.as_record().unwrap();
        assert_eq!(pos.fields()[1].offset, 8);
    }

    #[test]
    fn aligned_records_pad_like_c_structs() {
        let d = DType::parse_aligned("[('a','u1'),('b','<f8'),('c','<i2')]").unwrap();
        let r = d.as_record().unwrap();
        let offs: Vec<usize> = r.fields().iter().map(|f| f.offset).collect();
        assert_eq!(offs, [0, 8, 16]);
        assert_eq!(d.itemsize(), 24);
        assert_eq!(d.alignment(), 8);
        let packed = DType::parse("[('a','u1'),('b','<f8'),('c','<i2')]").unwrap();
        assert_eq!(packed.itemsize(), 11);
        assert_eq!(packed.alignment(), 1);
    }

    #[test]
    fn subarray_fields() {
        let d = DType::parse("[('a','<f4',(2,3)),('b','u1',4)]").unwrap();
        assert_eq!(d.itemsize(), 28);
        assert_eq!(DType::parse("('<f8',(2,))").unwrap().itemsize(), 16);
        assert_eq!(
            DType::parse("('<f8',())").unwrap(),
            DType::scalar(Kind::Float64)
        );
    }
}
