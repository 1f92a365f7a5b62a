//! `Array`: a buffer, a byte offset into it, a dtype, a shape and byte
//! strides. Views are new `Array`s on the same buffer. Shape and stride
//! reasoning is delegated to `layout`; ownership to `buffer`.

mod format;
mod views;

use std::sync::Arc;

use crate::buffer::{Buffer, Release};
use crate::dtype::{DType, Kind, Value, read_value, write_value};
use crate::error::{Result, bail};
use crate::layout::{self, Dims, Order, Strides};

/// NumPy's array flags, computed from the description.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Flags {
    pub c_contiguous: bool,
    pub f_contiguous: bool,
    pub writeable: bool,
    pub owndata: bool,
    pub aligned: bool,
}

/// An N-dimensional strided view on a buffer.
pub struct Array {
    buffer: Arc<Buffer>,
    /// Byte offset of element zero from the buffer's start.
    offset: isize,
    dtype: DType,
    shape: Dims,
    strides: Strides,
    writeable: bool,
    owndata: bool,
    /// A Python-like scalar operand for ufuncs (NEP 50 "weak" promotion);
    /// never set on views.
    weak: bool,
    /// Native byte order, C-contiguous and aligned: what a ufunc's small
    /// fast path needs. Kept up to date wherever the description is set
    /// (`described`), as NumPy keeps its flags, so a call tests one bool.
    dense: bool,
}

/// Cloning is on every ufunc call's path (`view`): the dimensions are
/// copied by `layout::dims_of` (SmallVec's own clone goes element by
/// element).
impl Clone for Array {
    #[inline(always)]
    fn clone(&self) -> Array {
        Array {
            buffer: Arc::clone(&self.buffer),
            offset: self.offset,
            dtype: self.dtype.clone(),
            shape: layout::dims_of(&self.shape),
            strides: layout::dims_of(&self.strides),
            writeable: self.writeable,
            owndata: self.owndata,
            weak: self.weak,
            dense: self.dense,
        }
    }
}

/// A sub-array dtype at the top level becomes trailing dimensions, as in
/// NumPy (`zeros(4, dtype=('f8', (2,)))` has shape `(4, 2)`).
fn expand_subarray(dtype: &DType, shape: &[usize]) -> (DType, Dims) {
    let mut shape = layout::dims_of(shape);
    let mut dtype = dtype.clone();
    while let DType::SubArray(sub) = &dtype {
        shape.extend_from_slice(&sub.shape);
        dtype = sub.base.clone();
    }
    (dtype, shape)
}

/// What `Array::wrap` needs to describe foreign memory.
pub struct ForeignParts {
    pub data: *mut u8,
    pub dtype: DType,
    pub shape: Vec<usize>,
    /// Byte strides; `None` for C-contiguous.
    pub strides: Option<Vec<isize>>,
    pub writeable: bool,
    pub release: Option<Release>,
}

impl Array {
    fn new_owned(dtype: &DType, shape: &[usize], order: Order, zeroed: bool) -> Result<Array> {
        let (dtype, shape) = expand_subarray(dtype, shape);
        let (strides, nbytes) = layout::contiguous(&shape, dtype.itemsize(), order)?;
        let buffer = Buffer::alloc_shared(nbytes, zeroed)?;
        // The flags `described` would find, without its checks: the layout
        // is C-contiguous unless asked for F, and the block is 64-byte aligned.
        let c_contiguous =
            order != Order::F || layout::is_c_contiguous(&shape, &strides, dtype.itemsize());
        let dense = c_contiguous
            && dtype.is_native()
            && layout::is_aligned_addr(buffer.as_ptr() as usize, dtype.alignment());
        Ok(Array {
            buffer,
            offset: 0,
            dtype,
            shape,
            strides,
            writeable: true,
            owndata: true,
            weak: false,
            dense,
        })
    }

    /// A 0-d array holding `value` as a NEP 50 "weak" scalar: in a ufunc
    /// with array operands it takes the dtype those arrays give (an int
    /// with an int8 array computes in int8), as Python scalars do in NumPy
    /// 2. Anywhere else it is a plain 0-d array of bool, int64, uint64,
    /// float64 or complex128.
    pub fn weak_scalar(value: Value) -> Result<Array> {
        let kind = match value {
            Value::Bool(_) => Kind::Bool,
            Value::Int(_) => Kind::Int64,
            Value::UInt(_) => Kind::UInt64,
            Value::F16(_) | Value::F32(_) | Value::F64(_) => Kind::Float64,
            Value::C64(_) | Value::C128(_) => Kind::Complex128,
        };
        let mut a = Self::new_owned(&DType::scalar(kind), &[], Order::C, false)?;
        // SAFETY: a new 0-d array of one element of `kind`.
        unsafe { write_value(a.data_ptr(), crate::dtype::ScalarType::native(kind), value) };
        a.weak = true;
        Ok(a)
    }

    /// Is this a weak scalar operand (see `weak_scalar`)?
    pub fn is_weak(&self) -> bool {
        self.weak
    }

    /// A new array with uninitialised contents (NumPy's `empty`). `order` A
    /// and K mean C here, as NumPy's `empty` has no source to follow.
    pub fn empty(dtype: &DType, shape: &[usize], order: Order) -> Result<Array> {
        Self::new_owned(dtype, shape, order, false)
    }

    /// A new C-ordered array of the native scalar type `kind` (`empty` with
    /// `DType::scalar(kind)`): what every ufunc result is, so the small-call
    /// path takes it. The kind is passed by value and the flags are known
    /// (C-contiguous, native, and aligned, as every owned block starts on a
    /// 64-byte boundary), so nothing is re-derived.
    #[inline(always)]
    pub fn empty_scalar(kind: Kind, shape: &[usize]) -> Result<Array> {
        let (strides, nbytes) = layout::contiguous(shape, kind.size(), Order::C)?;
        let buffer = Buffer::alloc_shared(nbytes, false)?;
        debug_assert!(layout::is_aligned_addr(
            buffer.as_ptr() as usize,
            kind.alignment()
        ));
        Ok(Array {
            buffer,
            offset: 0,
            dtype: DType::scalar(kind),
            shape: layout::dims_of(shape),
            strides,
            writeable: true,
            owndata: true,
            weak: false,
            dense: true,
        })
    }

    /// A new array of zero bytes (NumPy's `zeros`: 0, 0.0, False, and all
    /// fields zero for records).
    pub fn zeros(dtype: &DType, shape: &[usize], order: Order) -> Result<Array> {
        Self::new_owned(dtype, shape, order, true)
    }

    /// A new array with uninitialised contents, its axes laid out in
    /// `perm`'s order (outermost first, from `layout::keep_order_perm`):
    /// how NumPy's iterator allocates a ufunc's result.
    pub fn empty_in_order(dtype: &DType, shape: &[usize], perm: &[usize]) -> Result<Array> {
        let mut out = Self::new_owned(dtype, shape, Order::C, false)?;
        if perm.iter().enumerate().all(|(i, &p)| i == p) || out.ndim() != shape.len() {
            return Ok(out); // C order (or a sub-array dtype's added axes)
        }
        out.strides = layout::strides_in_order(shape, perm, out.dtype.itemsize());
        Ok(out.described())
    }

    /// An array with the same shape and dtype as `self`, laid out as `order`
    /// describes relative to `self` (NumPy's `empty_like`).
    pub fn empty_like(&self, dtype: &DType, order: Order) -> Result<Array> {
        let mut out = Self::new_owned(dtype, &self.shape, Order::C, false)?;
        out.strides =
            layout::strides_for_copy(&self.shape, &self.strides, out.dtype.itemsize(), order);
        Ok(out.described())
    }

    /// Wrap foreign memory without copying. The pointer may be unaligned for
    /// the dtype: the array is then flagged unaligned, as NumPy does. The
    /// release (if any) runs once, after the last view is gone; if this
    /// returns an error it never runs and the memory stays the caller's.
    ///
    /// # Safety
    /// Every byte the description reaches (`layout::extent`) must stay valid
    /// for reads, and for writes when `writeable`, until the release runs.
    pub unsafe fn wrap(parts: ForeignParts) -> Result<Array> {
        let ForeignParts {
            data,
            dtype,
            shape,
            strides,
            writeable,
            release,
        } = parts;
        if let DType::SubArray(_) = dtype {
            bail!(
                Type,
                "wrap foreign memory with the sub-array's base dtype and a longer shape"
            );
        }
        layout::check_ndim(shape.len())?;
        let itemsize = dtype.itemsize();
        layout::nbytes(&shape, itemsize)?;
        let shape = Dims::from_vec(shape);
        let strides = match strides {
            Some(s) => Strides::from_vec(s),
            None => layout::default_strides(&shape, itemsize, Order::C),
        };
        let (lo, hi) = layout::extent(&shape, &strides, itemsize)?;
        if data.is_null() && hi > lo {
            bail!(Null, "data pointer is NULL for a non-empty array");
        }
        // The buffer starts at the lowest byte reached (negative strides
        // reach below element zero).
        let start = data.wrapping_offset(lo);
        // SAFETY: the caller vouches for the bytes in [lo, hi) around `data`.
        let buffer = unsafe { Buffer::foreign(start, (hi - lo) as usize, writeable, release)? };
        Ok(Array::on_buffer(buffer, -lo, dtype, shape, strides))
    }

    /// A new array, not owning its data, on memory someone else allocated
    /// (foreign or a file map): writeable when the buffer is.
    fn on_buffer(
        buffer: Buffer,
        offset: isize,
        dtype: DType,
        shape: Dims,
        strides: Strides,
    ) -> Array {
        Array {
            writeable: buffer.is_writeable(),
            buffer: Arc::new(buffer),
            offset,
            dtype,
            shape,
            strides,
            owndata: false,
            weak: false,
            dense: false,
        }
        .described()
    }

    /// An array over all of `buffer` from its first byte, contiguous in
    /// `order` (F for `Order::F`, C otherwise): how a file map becomes an
    /// array. A sub-array dtype adds its dimensions, as in `empty`. The
    /// buffer must hold exactly the array's bytes. Writeable when the
    /// buffer is; it does not own its data (NumPy's memmap: `OWNDATA`
    /// false, the map is the base).
    pub fn from_buffer(
        buffer: Buffer,
        dtype: &DType,
        shape: &[usize],
        order: Order,
    ) -> Result<Array> {
        let (dtype, shape) = expand_subarray(dtype, shape);
        let (strides, nbytes) = layout::contiguous(&shape, dtype.itemsize(), order)?;
        if nbytes != buffer.len() {
            bail!(
                Internal,
                "a buffer of {} bytes cannot hold an array of {nbytes} bytes",
                buffer.len()
            );
        }
        Ok(Array::on_buffer(buffer, 0, dtype, shape, strides))
    }

    /// The bytes of a C- or F-contiguous array in memory order; None when
    /// it is neither. As everywhere in ndcore, writes through other views
    /// while the slice is read are the caller's race.
    pub fn contiguous_bytes(&self) -> Option<&[u8]> {
        let f = self.flags();
        if !(f.c_contiguous || f.f_contiguous) {
            return None;
        }
        let n = self.nbytes();
        if n == 0 {
            return Some(&[]);
        }
        // SAFETY: a contiguous description reaches exactly `n` bytes from
        // its data pointer, inside the buffer this array keeps alive.
        Some(unsafe { std::slice::from_raw_parts(self.data_ptr(), n) })
    }

    /// The bytes of a contiguous array that nothing else can see (a new
    /// array not yet shared: `is_sole_owner`), to fill it; None otherwise.
    pub fn fresh_bytes_mut(&mut self) -> Option<&mut [u8]> {
        if !self.is_sole_owner() {
            return None;
        }
        let n = self.contiguous_bytes()?.len();
        if n == 0 {
            return Some(&mut []);
        }
        // SAFETY: as `contiguous_bytes`; no other array, view or handle
        // holds the buffer and `&mut self` excludes this one's other uses.
        Some(unsafe { std::slice::from_raw_parts_mut(self.data_ptr(), n) })
    }

    /// Write the changes made through a memory map back to its file (any
    /// view of the map flushes all of it), and with `durable` sync the file
    /// to the device too. Arrays not backed by a shared file map have
    /// nothing to write: Ok, as NumPy's `memmap.flush`.
    pub fn flush(&self, durable: bool) -> Result<()> {
        self.buffer.flush(durable)
    }

    /// A view of `self`'s buffer with another description, checked to stay
    /// inside the buffer. The base of every view constructor.
    pub fn view_with(
        &self,
        offset: isize,
        dtype: DType,
        shape: impl Into<Dims>,
        strides: impl Into<Strides>,
    ) -> Result<Array> {
        let (shape, strides) = (shape.into(), strides.into());
        layout::check_ndim(shape.len())?;
        layout::nbytes(&shape, dtype.itemsize())?;
        let (lo, hi) = layout::extent(&shape, &strides, dtype.itemsize())?;
        if hi > lo && (offset + lo < 0 || offset + hi > self.buffer.len() as isize) {
            bail!(
                Value,
                "the view reaches bytes [{}, {}) outside its buffer of {} bytes",
                offset + lo,
                offset + hi,
                self.buffer.len()
            );
        }
        Ok(Array {
            buffer: Arc::clone(&self.buffer),
            offset,
            dtype,
            shape,
            strides,
            writeable: self.writeable,
            owndata: false,
            weak: false,
            dense: false,
        }
        .described())
    }

    /// Recompute what follows from the description (after setting shape,
    /// strides, dtype or offset).
    fn described(mut self) -> Array {
        self.dense = self.dtype.is_native()
            && layout::is_c_contiguous(&self.shape, &self.strides, self.dtype.itemsize())
            && layout::is_aligned_addr(self.data_ptr() as usize, self.dtype.alignment());
        self
    }

    /// Native byte order, C-contiguous and aligned (NumPy's C_CONTIGUOUS and
    /// ALIGNED flags, and not byte-swapped).
    #[inline]
    pub fn is_dense(&self) -> bool {
        self.dense
    }

    /// NumPy's `a.view()`: the same description on the same memory, as a
    /// separate array that does not own the data.
    #[inline(always)]
    pub fn view(&self) -> Array {
        Array {
            owndata: false,
            weak: false,
            ..self.clone()
        }
    }

    pub fn dtype(&self) -> &DType {
        &self.dtype
    }
    pub fn shape(&self) -> &[usize] {
        &self.shape
    }
    pub fn strides(&self) -> &[isize] {
        &self.strides
    }
    pub fn ndim(&self) -> usize {
        self.shape.len()
    }
    /// Number of elements (validated at construction, so no overflow).
    pub fn size(&self) -> usize {
        self.shape.iter().product()
    }
    pub fn itemsize(&self) -> usize {
        self.dtype.itemsize()
    }
    pub fn nbytes(&self) -> usize {
        self.size() * self.itemsize()
    }
    /// Byte offset of element zero from the buffer start.
    pub fn offset(&self) -> isize {
        self.offset
    }
    pub fn buffer(&self) -> &Arc<Buffer> {
        &self.buffer
    }
    /// Address of element zero.
    pub fn data_ptr(&self) -> *mut u8 {
        self.buffer.as_ptr().wrapping_offset(self.offset)
    }
    pub fn is_writeable(&self) -> bool {
        self.writeable
    }

    /// Can a write into this array be seen through nothing else? True when
    /// it allocated its own writable memory (not a view, not foreign) and
    /// no other array, view or handle holds that memory: a binding may then
    /// reuse a temporary as a ufunc's output (NumPy's temporary elision).
    pub fn is_sole_owner(&self) -> bool {
        self.owndata
            && self.writeable
            && !self.weak
            && Arc::strong_count(&self.buffer) == 1
            && Arc::weak_count(&self.buffer) == 0
    }

    pub fn flags(&self) -> Flags {
        let itemsize = self.itemsize();
        Flags {
            c_contiguous: layout::is_c_contiguous(&self.shape, &self.strides, itemsize),
            f_contiguous: layout::is_f_contiguous(&self.shape, &self.strides, itemsize),
            writeable: self.writeable,
            owndata: self.owndata,
            aligned: layout::is_aligned(
                self.data_ptr() as usize,
                &self.shape,
                &self.strides,
                self.dtype.alignment(),
            ),
        }
    }

    /// Mark read-only (always allowed) or writeable (only if the memory is).
    pub fn set_writeable(&mut self, writeable: bool) -> Result<()> {
        if writeable && !self.buffer.is_writeable() {
            bail!(ReadOnly, "cannot set WRITEABLE flag to True of this array");
        }
        self.writeable = writeable;
        Ok(())
    }

    /// An error unless writes are allowed.
    pub fn check_writeable(&self) -> Result<()> {
        if !self.writeable {
            bail!(ReadOnly, "assignment destination is read-only");
        }
        Ok(())
    }

    /// As `check_writeable`, for an array given as an operation's `out`
    /// (NumPy's message for ufuncs, reductions, accumulations and
    /// products).
    pub fn check_writeable_out(&self) -> Result<()> {
        if !self.writeable {
            bail!(ReadOnly, "output array is read-only");
        }
        Ok(())
    }

    /// Address of the element at `index` (one entry per dimension, negative
    /// entries count from the end).
    pub fn element_ptr(&self, index: &[i64]) -> Result<*mut u8> {
        let off = layout::index_offset(index, &self.shape, &self.strides)?;
        Ok(self.data_ptr().wrapping_offset(off))
    }

    fn scalar_type(&self, what: &str) -> Result<crate::dtype::ScalarType> {
        match self.dtype.as_scalar() {
            Some(s) => Ok(s),
            None => bail!(
                Type,
                "cannot {what} a single value of dtype('{}'): address the element's fields through its data pointer",
                self.dtype
            ),
        }
    }

    /// The element at `index`, exactly.
    pub fn get(&self, index: &[i64]) -> Result<Value> {
        let st = self.scalar_type("read")?;
        let p = self.element_ptr(index)?;
        // SAFETY: `index_offset` checked the index against the shape, and the
        // array's description lies inside its buffer.
        Ok(unsafe { read_value(p, st) })
    }

    /// Store `value` at `index`, cast as NumPy's `a[i] = value` casts a Python
    /// scalar: floats and complex numbers convert unsafely, but an integer
    /// out of the integer dtype's range is an error ("Python integer 300 out
    /// of bounds for uint8").
    pub fn set(&self, index: &[i64], value: Value) -> Result<()> {
        self.check_writeable()?;
        let st = self.scalar_type("write")?;
        if !value.int_fits(st.kind()) {
            let shown = match value {
                Value::Int(i) => i.to_string(),
                Value::UInt(u) => u.to_string(),
                _ => unreachable!("only integers can be out of bounds"),
            };
            bail!(
                Overflow,
                "Python integer {shown} out of bounds for {}",
                st.kind().name()
            );
        }
        if matches!(value, Value::C64(_) | Value::C128(_))
            && !matches!(st.kind(), Kind::Complex64 | Kind::Complex128)
        {
            bail!(
                Type,
                "cannot store a complex value in an array of dtype('{}')",
                self.dtype
            );
        }
        let p = self.element_ptr(index)?;
        // SAFETY: as in `get`, and the array is writeable.
        unsafe { write_value(p, st, value) };
        Ok(())
    }

    /// A view of one field of a record array (NumPy's `a['name']`); a
    /// sub-array field adds its dimensions after the array's.
    pub fn field(&self, name: &str) -> Result<Array> {
        let Some(record) = self.dtype.as_record() else {
            bail!(
                Index,
                "only record arrays have fields; dtype('{}') has none",
                self.dtype
            );
        };
        let Some(f) = record.field(name) else {
            bail!(Value, "no field of name {name}");
        };
        let (dtype, sub_shape) = expand_subarray(&f.dtype, &[]);
        let sub_strides = layout::default_strides(&sub_shape, dtype.itemsize(), Order::C);
        let mut v = self.view_with(
            self.offset + f.offset as isize,
            dtype,
            [&self.shape[..], &sub_shape[..]].concat(),
            [&self.strides[..], &sub_strides[..]].concat(),
        )?;
        v.writeable = self.writeable;
        Ok(v)
    }

    /// NumPy's `repr(array)`.
    pub fn repr(&self) -> String {
        format::repr(self)
    }
}

impl std::fmt::Debug for Array {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Array")
            .field("dtype", &self.dtype.to_numpy_str())
            .field("shape", &self.shape)
            .field("strides", &self.strides)
            .field("offset", &self.offset)
            .field("buffer", &self.buffer)
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn zeros_and_flags() {
        let a = Array::zeros(&DType::scalar(Kind::Float64), &[3, 4], Order::C).unwrap();
        assert_eq!(a.strides(), [32, 8]);
        let f = a.flags();
        assert!(f.c_contiguous && !f.f_contiguous && f.owndata && f.writeable && f.aligned);
        assert_eq!(a.get(&[2, 3]).unwrap(), Value::F64(0.0));
        let b = Array::zeros(&DType::scalar(Kind::Int32), &[3, 4], Order::F).unwrap();
        assert_eq!(b.strides(), [4, 12]);
    }

    #[test]
    fn set_checks_bounds_and_writeability() {
        let mut a = Array::zeros(&DType::scalar(Kind::UInt8), &[2], Order::C).unwrap();
        let e = a.set(&[0], Value::Int(300)).unwrap_err();
        assert_eq!(e.message(), "Python integer 300 out of bounds for uint8");
        a.set(&[1], Value::F64(-1.0)).unwrap();
        assert_eq!(a.get(&[1]).unwrap(), Value::UInt(255));
        a.set_writeable(false).unwrap();
        assert_eq!(
            a.set(&[0], Value::Int(1)).unwrap_err().message(),
            "assignment destination is read-only"
        );
    }

    #[test]
    fn dense_follows_every_description() {
        let f8 = DType::scalar(Kind::Float64);
        let a = Array::zeros(&f8, &[3, 4], Order::C).unwrap();
        assert!(a.is_dense() && a.view().is_dense());
        assert!(!Array::zeros(&f8, &[3, 4], Order::F).unwrap().is_dense());
        assert!(!a.transpose(None).unwrap().is_dense());
        assert!(
            a.transpose(None)
                .unwrap()
                .transpose(None)
                .unwrap()
                .is_dense()
        );
        let e = a.empty_like(&f8, Order::K).unwrap();
        assert!(e.is_dense());
        assert!(
            !a.transpose(None)
                .unwrap()
                .empty_like(&f8, Order::K)
                .unwrap()
                .is_dense()
        );
        // A row is dense, a column is not; a strided re-description follows.
        use crate::layout::IndexItem;
        let all = IndexItem::Slice {
            start: None,
            stop: None,
            step: 1,
        };
        assert!(a.index(&[IndexItem::Int(1)]).unwrap().is_dense());
        let col = a.index(&[all, IndexItem::Int(1)]);
        assert!(!col.unwrap().is_dense());
        assert!(
            !unsafe { a.as_strided_unchecked(&[4], &[16]) }
                .unwrap()
                .is_dense()
        );
        assert!(
            unsafe { a.transpose(None).unwrap().as_strided_unchecked(&[2], &[8]) }
                .unwrap()
                .is_dense()
        );
        // Byte-swapped and unaligned data are not.
        let swapped =
            DType::scalar(Kind::Float64).with_byte_order(if cfg!(target_endian = "little") {
                crate::dtype::ByteOrder::Big
            } else {
                crate::dtype::ByteOrder::Little
            });
        assert!(!Array::zeros(&swapped, &[3], Order::C).unwrap().is_dense());
        let mut data = [0u8; 40];
        let unaligned = unsafe {
            Array::wrap(ForeignParts {
                data: data.as_mut_ptr().wrapping_add(1),
                dtype: f8.clone(),
                shape: vec![3],
                strides: None,
                writeable: true,
                release: None,
            })
        }
        .unwrap();
        assert!(!unaligned.is_dense());
    }

    #[test]
    fn subarray_dtype_expands_into_shape() {
        let d = DType::parse("('<f8', (2, 3))").unwrap();
        let a = Array::zeros(&d, &[4], Order::C).unwrap();
        assert_eq!(a.shape(), [4, 2, 3]);
        assert_eq!(a.dtype(), &DType::scalar(Kind::Float64));
    }

    #[test]
    fn wrap_marks_unaligned_and_negative_strides_work() {
        let mut data = [0u8; 40];
        let p = data.as_mut_ptr();
        let a = unsafe {
            Array::wrap(ForeignParts {
                data: p.wrapping_add(1),
                dtype: DType::scalar(Kind::Int32),
                shape: vec![3],
                strides: None,
                writeable: true,
                release: None,
            })
        }
        .unwrap();
        assert!(!a.flags().aligned);
        a.set(&[2], Value::Int(7)).unwrap();
        assert_eq!(a.get(&[2]).unwrap(), Value::Int(7));
        let b = unsafe {
            Array::wrap(ForeignParts {
                data: p.wrapping_add(32),
                dtype: DType::scalar(Kind::Int64),
                shape: vec![3],
                strides: Some(vec![-8]),
                writeable: false,
                release: None,
            })
        }
        .unwrap();
        assert_eq!(b.buffer().len(), 24);
        assert!(b.set(&[0], Value::Int(1)).is_err());
    }
}
