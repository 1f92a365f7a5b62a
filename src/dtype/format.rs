//! Printing dtypes the way NumPy does, so that `numpy.dtype(...)` of the
//! printed text (a Python literal for records) gives back an equal dtype.

use super::{DType, Record};

/// NumPy's `dtype.str` for scalars; the `str(dtype)` description otherwise.
pub(super) fn dtype_str(d: &DType) -> String {
    match d {
        DType::Scalar(s) => s.typestr(),
        DType::SubArray(s) => format!("({}, {})", quoted(&s.base), crate::text::tuple(&s.shape)),
        DType::Record(r) => record_str(r),
    }
}

/// What NumPy prints inside `dtype(...)`: the name for native scalars,
/// the typestr for byte-swapped ones, the description for records.
pub(super) fn dtype_repr_name(d: &DType) -> String {
    match d {
        DType::Scalar(s) if s.is_native() => s.kind().name().to_string(),
        _ => dtype_str(d),
    }
}

/// A dtype as an element of a Python literal: strings quoted, records bare.
/// Scalars take NumPy's short form inside records: `'?'` for bool, no byte
/// order for one-byte kinds (`'u1'`), the typestr otherwise.
fn quoted(d: &DType) -> String {
    match d {
        DType::Scalar(s) if s.kind() == super::Kind::Bool => "'?'".to_string(),
        DType::Scalar(s) if !s.kind().has_byte_order() => {
            format!("'{}{}'", s.kind().kind_char(), s.kind().size())
        }
        DType::Scalar(s) => format!("'{}'", s.typestr()),
        _ => dtype_str(d),
    }
}

/// A string as Python's `repr` writes it (NumPy prints field names so):
/// single quotes, unless the text has a `'` and no `"`.
pub(super) fn py_str(s: &str) -> String {
    let quote = if s.contains('\'') && !s.contains('"') {
        '"'
    } else {
        '\''
    };
    let mut out = String::from(quote);
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            c if c == quote => {
                out.push('\\');
                out.push(c);
            }
            c => out.push(c),
        }
    }
    out.push(quote);
    out
}

/// List form `[('a', '<f8'), ('b', '<i4', (2,))]` when the fields are back to
/// back; otherwise NumPy's dict form with offsets and itemsize.
fn record_str(r: &Record) -> String {
    if r.is_packed_in_order() {
        let items: Vec<String> = r
            .fields()
            .iter()
            .map(|f| match &f.dtype {
                DType::SubArray(s) => format!(
                    "({}, {}, {})",
                    py_str(&f.name),
                    quoted(&s.base),
                    crate::text::tuple(&s.shape)
                ),
                d => format!("({}, {})", py_str(&f.name), quoted(d)),
            })
            .collect();
        format!("[{}]", items.join(", "))
    } else {
        let names: Vec<String> = r.fields().iter().map(|f| py_str(&f.name)).collect();
        let formats: Vec<String> = r.fields().iter().map(|f| quoted(&f.dtype)).collect();
        let offsets: Vec<String> = r.fields().iter().map(|f| f.offset.to_string()).collect();
        // `'aligned': True` also aligns every nested record read back, so
        // it is printed only when they all are aligned already (otherwise
        // the text would not read back as this dtype, in NumPy or here).
        let aligned = if r.is_aligned_struct() && nested_records_aligned(r) {
            ", 'aligned': True"
        } else {
            ""
        };
        format!(
            "{{'names': [{}], 'formats': [{}], 'offsets': [{}], 'itemsize': {}{aligned}}}",
            names.join(", "),
            formats.join(", "),
            offsets.join(", "),
            r.itemsize()
        )
    }
}

/// Is every record nested inside `r` (through fields and sub-arrays) an
/// aligned struct?
fn nested_records_aligned(r: &Record) -> bool {
    fn ok(d: &DType) -> bool {
        match d {
            DType::Scalar(_) => true,
            DType::SubArray(s) => ok(&s.base),
            DType::Record(r) => r.is_aligned_struct() && nested_records_aligned(r),
        }
    }
    r.fields().iter().all(|f| ok(&f.dtype))
}

#[cfg(test)]
mod tests {
    use super::super::Kind;
    use super::*;

    #[test]
    fn prints_as_numpy() {
        assert_eq!(DType::scalar(Kind::Float64).to_numpy_str(), "<f8");
        assert_eq!(DType::scalar(Kind::Bool).to_numpy_str(), "|b1");
        let s = "[('time', '<u8'), ('pos', [('x', '<f8'), ('y', '<f8')])]";
        assert_eq!(DType::parse(s).unwrap().to_numpy_str(), s);
        assert_eq!(
            DType::parse_aligned("[('a','u1'),('b','<f8')]")
                .unwrap()
                .to_numpy_str(),
            "{'names': ['a', 'b'], 'formats': ['u1', '<f8'], 'offsets': [0, 8], 'itemsize': 16, 'aligned': True}"
        );
        assert_eq!(
            DType::parse("[('a','<f4',(2,3)),('b','u1',4)]")
                .unwrap()
                .to_numpy_str(),
            "[('a', '<f4', (2, 3)), ('b', 'u1', (4,))]"
        );
        assert_eq!(format!("{}", DType::parse(">i4").unwrap()), ">i4");
        assert_eq!(format!("{}", DType::parse("<i4").unwrap()), "int32");
    }

    #[test]
    fn every_printed_form_parses_back() {
        for s in [
            "[('a', '<f8'), ('b', '>i2', (3,))]",
            "{'names': ['a', 'b'], 'formats': ['<f8', '|u1'], 'offsets': [8, 0], 'itemsize': 24}",
            "('<c8', (2, 2))",
            "[('o\\'q', [('x', '<f2')])]",
        ] {
            let d = DType::parse(s).unwrap();
            assert_eq!(DType::parse(&d.to_numpy_str()).unwrap(), d, "{s}");
        }
    }
}
