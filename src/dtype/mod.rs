//! Data types: what one element is and how its bytes are laid out.
//!
//! Owns the builtin kinds and byte order (`kind`), structured records with
//! named fields, explicit offsets, nesting and sub-array fields, parsing and
//! printing NumPy's dtype strings (`parse`, `format`), the NEP 50 promotion
//! and casting tables (`promote`), and the encoding of single elements
//! (`element`). It knows nothing about shapes or memory ownership.

mod descr;
mod element;
mod format;
mod kind;
pub(crate) mod literal;
mod parse;
mod promote;

use std::sync::Arc;

use crate::error::{Result, bail};

pub(crate) use element::cvtt32;
pub use element::{Element, Value, read_value, write_value};
pub use kind::{ByteOrder, Kind, KindClass, ScalarType};
pub use promote::{Casting, can_cast, result_type, safe_kind};

/// Largest supported sub-array or array dimension count, as NumPy's NPY_MAXDIMS.
pub const MAXDIMS: usize = 64;

/// A data type: a builtin scalar, a structured record, or a fixed-shape
/// sub-array of another dtype. Cheap to clone.
#[derive(Debug, Clone, PartialEq)]
pub enum DType {
    Scalar(ScalarType),
    Record(Arc<Record>),
    SubArray(Arc<SubArray>),
}

/// One named field of a record.
#[derive(Debug, Clone, PartialEq)]
pub struct Field {
    pub name: String,
    pub dtype: DType,
    pub offset: usize,
}

/// A structured record: fields at byte offsets inside `itemsize` bytes.
#[derive(Debug, Clone)]
pub struct Record {
    fields: Vec<Field>,
    itemsize: usize,
    alignment: usize,
    aligned: bool,
}

/// NumPy compares records by fields, offsets and itemsize; whether the layout
/// was produced with `align=True` does not enter equality.
impl PartialEq for Record {
    fn eq(&self, other: &Self) -> bool {
        self.fields == other.fields && self.itemsize == other.itemsize
    }
}

/// A fixed-shape block of `base` elements, e.g. `('<f8', (2, 3))`.
#[derive(Debug, Clone, PartialEq)]
pub struct SubArray {
    pub base: DType,
    pub shape: Vec<usize>,
}

impl DType {
    pub const fn scalar(kind: Kind) -> DType {
        DType::Scalar(ScalarType::native(kind))
    }

    /// Parse a NumPy dtype string: a typestr (`"<f8"`), a name (`"float64"`),
    /// a type character (`"d"`), a record list or dict, or a sub-array tuple.
    pub fn parse(s: &str) -> Result<DType> {
        parse::parse(s, false)
    }

    /// As [`DType::parse`], laying out records as C structs (`align=True`).
    pub fn parse_aligned(s: &str) -> Result<DType> {
        parse::parse(s, true)
    }

    /// A sub-array dtype of `shape` elements of `base`.
    pub fn subarray(base: DType, shape: Vec<usize>) -> Result<DType> {
        if shape.len() > MAXDIMS {
            bail!(
                Value,
                "sub-array dimension {} is larger than the maximum of {MAXDIMS}",
                shape.len()
            );
        }
        let mut n = base.itemsize();
        for &d in &shape {
            n = n
                .checked_mul(d)
                .filter(|&n| n <= isize::MAX as usize)
                .ok_or_else(|| crate::error::err!(Overflow, "sub-array dtype is too large"))?;
        }
        Ok(DType::SubArray(Arc::new(SubArray { base, shape })))
    }

    /// Bytes per element.
    #[inline]
    pub fn itemsize(&self) -> usize {
        match self {
            DType::Scalar(s) => s.kind().size(),
            _ => self.compound_itemsize(),
        }
    }

    // Records and sub-arrays out of line, so the scalar case inlines.
    fn compound_itemsize(&self) -> usize {
        match self {
            DType::Scalar(s) => s.kind().size(),
            DType::Record(r) => r.itemsize,
            DType::SubArray(s) => s.base.itemsize() * s.shape.iter().product::<usize>(),
        }
    }

    /// Required alignment in bytes (1 for packed records).
    #[inline]
    pub fn alignment(&self) -> usize {
        match self {
            DType::Scalar(s) => s.kind().alignment(),
            DType::Record(r) => r.alignment,
            DType::SubArray(s) => s.base.alignment(),
        }
    }

    /// The builtin scalar type, if this is one.
    #[inline]
    pub fn as_scalar(&self) -> Option<ScalarType> {
        match self {
            DType::Scalar(s) => Some(*s),
            _ => None,
        }
    }

    /// The builtin kind, if this is a scalar.
    #[inline]
    pub fn kind(&self) -> Option<Kind> {
        self.as_scalar().map(|s| s.kind())
    }

    pub fn as_record(&self) -> Option<&Record> {
        match self {
            DType::Record(r) => Some(r),
            _ => None,
        }
    }

    /// NumPy's `dtype.byteorder` character: `=`, `<`, `>` or `|`.
    pub fn byteorder_char(&self) -> char {
        match self {
            DType::Scalar(s) => s.order().numpy_char(),
            DType::SubArray(s) => s.base.byteorder_char(),
            DType::Record(_) => '|',
        }
    }

    /// Is every scalar inside stored in native byte order?
    #[inline]
    pub fn is_native(&self) -> bool {
        match self {
            DType::Scalar(s) => s.is_native(),
            _ => self.compound_is_native(),
        }
    }

    fn compound_is_native(&self) -> bool {
        match self {
            DType::Scalar(s) => s.is_native(),
            DType::Record(r) => r.fields.iter().all(|f| f.dtype.is_native()),
            DType::SubArray(s) => s.base.is_native(),
        }
    }

    /// NumPy's `newbyteorder('S')`: every scalar inside in the other byte
    /// order (one-byte kinds keep theirs).
    pub fn swapped(&self) -> DType {
        self.map_scalars(&|s| {
            let o = match s.order() {
                ByteOrder::Little => ByteOrder::Big,
                ByteOrder::Big => ByteOrder::Little,
                o => o,
            };
            ScalarType::new(s.kind(), o)
        })
    }

    /// The same dtype with every scalar in `order` (NumPy's `newbyteorder`
    /// with an explicit order).
    pub fn with_byte_order(&self, order: ByteOrder) -> DType {
        self.map_scalars(&|s| ScalarType::new(s.kind(), order))
    }

    /// The same layout (field names, offsets, sub-array shapes) with `f`
    /// applied to every scalar inside.
    fn map_scalars(&self, f: &impl Fn(ScalarType) -> ScalarType) -> DType {
        match self {
            DType::Scalar(s) => DType::Scalar(f(*s)),
            DType::Record(r) => DType::Record(Arc::new(Record {
                fields: r
                    .fields
                    .iter()
                    .map(|fd| Field {
                        name: fd.name.clone(),
                        dtype: fd.dtype.map_scalars(f),
                        offset: fd.offset,
                    })
                    .collect(),
                ..(**r).clone()
            })),
            DType::SubArray(s) => DType::SubArray(Arc::new(SubArray {
                base: s.base.map_scalars(f),
                shape: s.shape.clone(),
            })),
        }
    }

    /// NumPy's `dtype.str` for scalars (`<f8`); for records and sub-arrays the
    /// description NumPy prints for `str(dtype)`. `numpy.dtype(...)` of this
    /// string (a Python literal for records) gives back an equal dtype.
    pub fn to_numpy_str(&self) -> String {
        format::dtype_str(self)
    }

    /// NumPy's `dtype.name` (`float64`, `void128` for a 16-byte record).
    pub fn name(&self) -> String {
        match self {
            DType::Scalar(s) => s.kind().name().to_string(),
            _ => format!("void{}", self.itemsize() * 8),
        }
    }
}

impl Record {
    /// Build a record from fields at explicit offsets. `itemsize` of `None`
    /// means just past the last field (rounded up to the alignment when
    /// `aligned`). Refuses duplicate names, overlapping fields, fields past
    /// `itemsize`, and (when `aligned`) misaligned offsets.
    pub fn new(fields: Vec<Field>, itemsize: Option<usize>, aligned: bool) -> Result<Record> {
        let mut alignment = 1;
        let mut end = 0usize;
        for (i, f) in fields.iter().enumerate() {
            if f.name.is_empty() {
                bail!(DType, "field names must not be empty");
            }
            if fields[..i].iter().any(|g| g.name == f.name) {
                bail!(DType, "field '{}' occurs more than once", f.name);
            }
            let fend = f
                .offset
                .checked_add(f.dtype.itemsize())
                .filter(|&e| e <= isize::MAX as usize)
                .ok_or_else(|| crate::error::err!(Overflow, "record dtype is too large"))?;
            if aligned {
                let a = f.dtype.alignment();
                if f.offset % a != 0 {
                    bail!(
                        DType,
                        "offset {} of field '{}' is not a multiple of its alignment {a}",
                        f.offset,
                        f.name
                    );
                }
                alignment = alignment.max(a);
            }
            end = end.max(fend);
        }
        // Overlap check on fields sorted by offset; zero-size fields never overlap.
        let mut by_offset: Vec<&Field> = fields.iter().filter(|f| f.dtype.itemsize() > 0).collect();
        by_offset.sort_by_key(|f| f.offset);
        for w in by_offset.windows(2) {
            if w[0].offset + w[0].dtype.itemsize() > w[1].offset {
                bail!(
                    DType,
                    "fields '{}' (offset {}, {} bytes) and '{}' (offset {}) overlap",
                    w[0].name,
                    w[0].offset,
                    w[0].dtype.itemsize(),
                    w[1].name,
                    w[1].offset
                );
            }
        }
        let itemsize = match itemsize {
            Some(n) if n < end => bail!(
                DType,
                "itemsize {n} is too small for the fields, which need {end} bytes"
            ),
            Some(n) => n,
            None => end.next_multiple_of(alignment),
        };
        if aligned && itemsize % alignment != 0 {
            bail!(
                DType,
                "itemsize {itemsize} of an aligned record must be a multiple of its alignment {alignment}"
            );
        }
        Ok(Record {
            fields,
            itemsize,
            alignment,
            aligned,
        })
    }

    /// Build a record from `(name, dtype)` pairs laid out one after another,
    /// each field padded to its alignment when `aligned` (a C struct).
    pub fn packed(fields: Vec<(String, DType)>, aligned: bool) -> Result<Record> {
        let mut offset = 0usize;
        let mut out = Vec::with_capacity(fields.len());
        for (name, dtype) in fields {
            if aligned {
                offset = offset.next_multiple_of(dtype.alignment());
            }
            let size = dtype.itemsize();
            out.push(Field {
                name,
                dtype,
                offset,
            });
            offset = offset
                .checked_add(size)
                .ok_or_else(|| crate::error::err!(Overflow, "record dtype is too large"))?;
        }
        Record::new(out, None, aligned)
    }

    pub fn fields(&self) -> &[Field] {
        &self.fields
    }
    pub fn itemsize(&self) -> usize {
        self.itemsize
    }
    /// Was the layout made as a C struct (NumPy's `isalignedstruct`)?
    pub fn is_aligned_struct(&self) -> bool {
        self.aligned
    }
    pub fn field(&self, name: &str) -> Option<&Field> {
        self.fields.iter().find(|f| f.name == name)
    }
    /// Are the fields back to back in declaration order, filling the itemsize?
    /// Such records print in NumPy's list form.
    pub(crate) fn is_packed_in_order(&self) -> bool {
        let mut offset = 0;
        for f in &self.fields {
            if f.offset != offset {
                return false;
            }
            offset += f.dtype.itemsize();
        }
        offset == self.itemsize && !self.aligned
    }
}

impl From<Record> for DType {
    fn from(r: Record) -> DType {
        DType::Record(Arc::new(r))
    }
}

impl From<Kind> for DType {
    fn from(k: Kind) -> DType {
        DType::scalar(k)
    }
}

impl std::fmt::Display for DType {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&format::dtype_repr_name(self))
    }
}
