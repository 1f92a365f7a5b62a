//! NumPy's `dtype.descr` form, the dtype description inside `.npy` files:
//! a typestr for scalars, a list of `(name, descr)` / `(name, descr,
//! shape)` tuples for records, with unnamed `|V<n>` entries for the padding
//! between and after fields. Read as NumPy's `descr_to_dtype` does and
//! written as its `dtype_to_descr`, so files pass both ways.

use super::literal::Lit;
use super::{DType, Field, Record};
use crate::error::{Result, bail};

impl DType {
    /// The dtype a `descr` literal describes (NumPy's `descr_to_dtype`).
    pub(crate) fn from_descr(lit: &Lit) -> Result<DType> {
        match lit {
            Lit::Str(s) => {
                if is_object(s) {
                    bail!(
                        Unsupported,
                        "Object arrays cannot be loaded when allow_pickle=False (ndcore never unpickles)"
                    );
                }
                if void_size(s).is_some() {
                    bail!(
                        Unsupported,
                        "a plain void dtype ('{s}') is not supported by ndcore"
                    );
                }
                DType::parse(s)
            }
            Lit::Tuple(items) => match items.as_slice() {
                [base, shape] => subarray_of(DType::from_descr(base)?, shape),
                _ => bail!(DType, "descr tuple must be (descr, shape)"),
            },
            Lit::List(items) => record_from_descr(items),
            other => bail!(
                DType,
                "descr is not a valid dtype descriptor: {}",
                other.describe()
            ),
        }
    }

    /// This dtype as a `descr` literal (NumPy's `dtype_to_descr`). Records
    /// whose fields overlap or are out of offset order have none, as in
    /// NumPy.
    pub fn descr(&self) -> Result<String> {
        match self {
            DType::Scalar(s) => Ok(super::format::py_str(&s.typestr())),
            DType::SubArray(s) => Ok(format!(
                "({}, {})",
                s.base.descr()?,
                crate::text::tuple(&s.shape)
            )),
            DType::Record(r) => record_descr(r),
        }
    }
}

fn is_object(s: &str) -> bool {
    matches!(s.trim_start_matches(['<', '>', '|', '=']), "O" | "O8")
}

/// `|V6`, `V6`: the size of a plain void typestr.
fn void_size(s: &str) -> Option<usize> {
    s.trim_start_matches(['<', '>', '|', '='])
        .strip_prefix('V')
        .and_then(|n| n.parse().ok())
}

fn subarray_of(base: DType, shape: &Lit) -> Result<DType> {
    let shape = super::parse::shape_from_literal(shape)?;
    if shape.is_empty() {
        Ok(base)
    } else {
        DType::subarray(base, shape)
    }
}

fn record_from_descr(items: &[Lit]) -> Result<DType> {
    let mut fields = Vec::with_capacity(items.len());
    let mut offset = 0usize;
    for (i, item) in items.iter().enumerate() {
        let parts = match item {
            Lit::Tuple(p) | Lit::List(p) if p.len() == 2 || p.len() == 3 => p,
            _ => bail!(
                DType,
                "each descr field is a (name, descr) or (name, descr, shape) tuple"
            ),
        };
        let name = match &parts[0] {
            Lit::Str(s) => s.clone(),
            Lit::Tuple(_) => bail!(Unsupported, "field titles are not supported by ndcore"),
            other => bail!(
                DType,
                "field names must be strings, not {}",
                other.describe()
            ),
        };
        // Unnamed void entries are padding: they only move the offset.
        if let (true, Lit::Str(s), None) = (name.is_empty(), &parts[1], parts.get(2)) {
            if let Some(n) = void_size(s) {
                offset = offset
                    .checked_add(n)
                    .filter(|&o| o <= isize::MAX as usize)
                    .ok_or_else(|| crate::error::err!(DType, "descr padding is too large"))?;
                continue;
            }
        }
        let mut dtype = DType::from_descr(&parts[1])?;
        if let Some(shape) = parts.get(2) {
            dtype = subarray_of(dtype, shape)?;
        }
        let size = dtype.itemsize();
        fields.push(Field {
            // NumPy names unnamed fields f0, f1, ... by position.
            name: if name.is_empty() {
                format!("f{i}")
            } else {
                name
            },
            dtype,
            offset,
        });
        offset = offset
            .checked_add(size)
            .filter(|&o| o <= isize::MAX as usize)
            .ok_or_else(|| crate::error::err!(DType, "descr record is too large"))?;
    }
    Ok(Record::new(fields, Some(offset), false)?.into())
}

fn record_descr(r: &Record) -> Result<String> {
    let mut items = Vec::with_capacity(r.fields().len() + 1);
    let mut offset = 0usize;
    for f in r.fields() {
        if f.offset < offset {
            bail!(
                Value,
                "dtype.descr is not defined for types with overlapping or out-of-order fields"
            );
        }
        if f.offset > offset {
            items.push(format!("('', '|V{}')", f.offset - offset));
        }
        let name = super::format::py_str(&f.name);
        items.push(match &f.dtype {
            DType::SubArray(s) => format!(
                "({name}, {}, {})",
                s.base.descr()?,
                crate::text::tuple(&s.shape)
            ),
            d => format!("({name}, {})", d.descr()?),
        });
        offset = f.offset + f.dtype.itemsize();
    }
    if r.itemsize() > offset {
        items.push(format!("('', '|V{}')", r.itemsize() - offset));
    }
    Ok(format!("[{}]", items.join(", ")))
}

#[cfg(test)]
mod tests {
    use super::super::literal;
    use super::*;

    fn round(descr: &str) -> String {
        let d = DType::from_descr(&literal::read(descr).unwrap()).unwrap();
        d.descr().unwrap()
    }

    #[test]
    fn descr_round_trips_numpy_forms() {
        for s in [
            "'<f8'",
            "'|b1'",
            "'>c16'",
            "[('a', '<i2'), ('', '|V6'), ('b', '<f8'), ('', '|V8')]",
            "[('time', '<u8'), ('pos', [('x', '<f8'), ('y', '<f8')])]",
            "[('f0', '<u4'), ('b', '>f8', (2, 3))]",
            "[('a', '|u1'), ('', '|V3'), ('b', '<i4')]",
        ] {
            assert_eq!(round(s), s);
        }
        // Unnamed non-padding fields are named by position, as NumPy does.
        assert_eq!(
            round("[('', '<i4'), ('', '<f8')]"),
            "[('f0', '<i4'), ('f1', '<f8')]"
        );
    }

    #[test]
    fn descr_refusals() {
        for bad in [
            "'O'",
            "'|O'",
            "'|V8'",
            "3",
            "[('a',)]",
            "[(('t', 'a'), '<f8')]",
        ] {
            let lit = literal::read(bad).unwrap();
            assert!(DType::from_descr(&lit).is_err(), "{bad}");
        }
    }
}
