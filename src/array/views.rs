//! Views: new arrays on the same buffer with another description. Stride
//! arithmetic is `layout`'s; this file applies it to arrays and sets the
//! flags NumPy sets (read-only broadcasts and diagonals).

use super::{Array, expand_subarray};
use crate::dtype::{DType, Kind, ScalarType};
use crate::error::{Result, bail};
use crate::layout::{self, Dims, IndexItem, Order, Strides, View};

impl Array {
    /// `self` seen through a layout `View` (its offset relative to element zero).
    fn apply(&self, v: View) -> Result<Array> {
        self.view_with(
            self.offset() + v.offset,
            self.dtype().clone(),
            v.shape,
            v.strides,
        )
    }

    fn read_only(mut self) -> Array {
        self.writeable = false;
        self
    }

    /// Basic indexing: integers, slices, new axes and an ellipsis (NumPy's
    /// `a[1, ::2, None, ...]`). Always a view.
    pub fn index(&self, items: &[IndexItem]) -> Result<Array> {
        self.apply(layout::basic_index(self.shape(), self.strides(), items)?)
    }

    /// NumPy's `transpose(axes)`; `None` reverses the axes (`.T`).
    pub fn transpose(&self, axes: Option<&[i64]>) -> Result<Array> {
        self.apply(layout::transpose(self.shape(), self.strides(), axes)?)
    }

    /// NumPy's `swapaxes(axis1, axis2)`.
    pub fn swapaxes(&self, axis1: i64, axis2: i64) -> Result<Array> {
        self.apply(layout::swapaxes(
            self.shape(),
            self.strides(),
            axis1,
            axis2,
        )?)
    }

    /// NumPy's `moveaxis(source, destination)`.
    pub fn moveaxis(&self, source: &[i64], destination: &[i64]) -> Result<Array> {
        self.apply(layout::moveaxis(
            self.shape(),
            self.strides(),
            source,
            destination,
        )?)
    }

    /// Reshape as a view, or `Ok(None)` when NumPy would have to copy.
    /// `order` C or F (A: F for F-contiguous arrays); K is an error.
    pub fn reshape_view(&self, newshape: &[i64], order: Order) -> Result<Option<Array>> {
        let fortran = match order {
            Order::C => false,
            Order::F => true,
            Order::A => self.is_fortran(),
            Order::K => bail!(Value, "order 'K' is not permitted for reshaping"),
        };
        match layout::reshape(
            self.shape(),
            self.strides(),
            self.itemsize(),
            newshape,
            fortran,
        )? {
            Some(v) => self.apply(v).map(Some),
            None => Ok(None),
        }
    }

    /// NumPy's `reshape(..., copy=False)`: a view, or an error when the
    /// data would have to be copied.
    pub fn reshape(&self, newshape: &[i64], order: Order) -> Result<Array> {
        match self.reshape_view(newshape, order)? {
            Some(a) => Ok(a),
            None => bail!(Value, "Unable to avoid creating a copy while reshaping."),
        }
    }

    /// Drop leading length-one axes while there are more than `ndim` axes
    /// (NumPy's assignment does this to its source before broadcasting).
    pub fn strip_leading_unit_axes(&self, ndim: usize) -> Result<Array> {
        let extra = self.shape().iter().take_while(|&&d| d == 1).count();
        let drop = extra.min(self.ndim().saturating_sub(ndim));
        if drop == 0 {
            return Ok(self.view());
        }
        let axes: Vec<i64> = (0..drop as i64).collect();
        self.squeeze(Some(&axes))
    }

    /// NumPy's `ISFORTRAN`: F-contiguous and not C-contiguous.
    pub fn is_fortran(&self) -> bool {
        let f = self.flags();
        f.f_contiguous && !f.c_contiguous
    }

    /// NumPy's `squeeze(axis)`; `None` removes every axis of length one.
    pub fn squeeze(&self, axes: Option<&[i64]>) -> Result<Array> {
        self.apply(layout::squeeze(self.shape(), self.strides(), axes)?)
    }

    /// NumPy's `expand_dims(axis)`, which NumPy implements as a reshape
    /// (so the new axes get reshape's strides, and it is always a view).
    pub fn expand_dims(&self, axes: &[i64]) -> Result<Array> {
        let v = layout::expand_dims(self.shape(), self.strides(), axes)?;
        let shape: Vec<i64> = v.shape.iter().map(|&d| d as i64).collect();
        self.reshape(&shape, Order::C)
    }

    /// NumPy's `diagonal(offset, axis1, axis2)`: a read-only view, as NumPy 2
    /// returns it.
    pub fn diagonal(&self, offset: i64, axis1: i64, axis2: i64) -> Result<Array> {
        let v = layout::diagonal(self.shape(), self.strides(), offset, axis1, axis2)?;
        Ok(self.apply(v)?.read_only())
    }

    /// The real part: a view with the component float dtype for complex
    /// arrays (same byte order), the array itself otherwise.
    pub fn real(&self) -> Result<Array> {
        match self.complex_part_dtype() {
            Some(d) => self.view_with(
                self.offset(),
                d,
                self.shape().to_vec(),
                self.strides().to_vec(),
            ),
            None => Ok(self.view()),
        }
    }

    /// The imaginary part: a view for complex arrays; for real arrays a new
    /// read-only array of zeros, as NumPy returns.
    pub fn imag(&self) -> Result<Array> {
        match self.complex_part_dtype() {
            Some(d) => {
                let half = d.itemsize() as isize;
                self.view_with(
                    self.offset() + half,
                    d,
                    self.shape().to_vec(),
                    self.strides().to_vec(),
                )
            }
            None => Ok(Array::zeros(self.dtype(), self.shape(), Order::C)?.read_only()),
        }
    }

    fn complex_part_dtype(&self) -> Option<DType> {
        let s = self.dtype().as_scalar()?;
        let part = match s.kind() {
            Kind::Complex64 => Kind::Float32,
            Kind::Complex128 => Kind::Float64,
            _ => return None,
        };
        Some(DType::Scalar(ScalarType::new(part, s.order())))
    }

    /// NumPy's `broadcast_to(shape)`: a read-only view with zero strides on
    /// the stretched and added axes.
    pub fn broadcast_to(&self, shape: &[usize]) -> Result<Array> {
        let v = layout::broadcast_to(self.shape(), self.strides(), shape)?;
        Ok(self.apply(v)?.read_only())
    }

    /// NumPy's `broadcast_arrays`: every array broadcast to the common shape.
    /// Arrays already of that shape come back as plain views (writeable as
    /// they were); broadcast ones are read-only.
    pub fn broadcast_arrays(arrays: &[Array]) -> Result<Vec<Array>> {
        let shapes: Vec<&[usize]> = arrays.iter().map(|a| a.shape()).collect();
        let shape = layout::broadcast_shapes(&shapes)?;
        arrays
            .iter()
            .map(|a| {
                if a.shape() == shape.as_slice() {
                    Ok(a.view())
                } else {
                    a.broadcast_to(&shape)
                }
            })
            .collect()
    }

    /// NumPy's `as_strided(shape, strides)`, refusing any element outside
    /// the memory this array's buffer holds.
    pub fn as_strided(&self, shape: &[usize], strides: &[isize]) -> Result<Array> {
        let (lo, hi) = self.check_strided(shape, strides)?;
        let len = self.buffer().len() as isize;
        if hi > lo && (self.offset() + lo < 0 || self.offset() + hi > len) {
            bail!(
                Value,
                "as_strided: the view reaches bytes [{}, {}) of a buffer of {len} bytes; use the unchecked variant only if that memory is valid",
                self.offset() + lo,
                self.offset() + hi
            );
        }
        self.view_with(
            self.offset(),
            self.dtype().clone(),
            shape.to_vec(),
            strides.to_vec(),
        )
    }

    /// Shape and strides that describe something (lengths agree, sizes and
    /// offsets fit); returns the byte extent.
    fn check_strided(&self, shape: &[usize], strides: &[isize]) -> Result<(isize, isize)> {
        if shape.len() != strides.len() {
            bail!(
                Value,
                "as_strided: shape has {} dimensions but strides has {}",
                shape.len(),
                strides.len()
            );
        }
        layout::check_ndim(shape.len())?;
        layout::nbytes(shape, self.itemsize())?;
        layout::extent(shape, strides, self.itemsize())
    }

    /// `as_strided` without the bounds check: any shape and strides over this
    /// array's memory.
    ///
    /// # Safety
    /// Every element the description reaches must be valid memory (for
    /// writes too, unless the result is only read) for as long as the view
    /// lives.
    pub unsafe fn as_strided_unchecked(&self, shape: &[usize], strides: &[isize]) -> Result<Array> {
        self.check_strided(shape, strides)?;
        let mut v = self.view();
        v.shape = Dims::from_slice(shape);
        v.strides = Strides::from_slice(strides);
        Ok(v.described())
    }

    /// NumPy's `view(dtype)`: the same bytes as another dtype. With another
    /// itemsize the last axis must be contiguous and is rescaled.
    pub fn view_dtype(&self, dtype: &DType) -> Result<Array> {
        let (base, sub) = expand_subarray(dtype, &[]);
        let size = dtype.itemsize();
        if !sub.is_empty() && size != self.itemsize() {
            bail!(
                Value,
                "Changing the dtype to a subarray type is only supported if the total itemsize is unchanged"
            );
        }
        let v = layout::view_as_itemsize(self.shape(), self.strides(), self.itemsize(), size)?;
        if sub.is_empty() {
            return self.view_with(self.offset(), base, v.shape, v.strides);
        }
        // A sub-array dtype adds its (C-contiguous) dimensions.
        let inner = layout::default_strides(&sub, base.itemsize(), Order::C);
        self.view_with(
            self.offset(),
            base,
            [&v.shape[..], &sub[..]].concat(),
            [&v.strides[..], &inner[..]].concat(),
        )
    }

    /// NumPy's multi-field index `a[['x', 'z']]`: a view whose dtype keeps
    /// only these fields, at their offsets, in the original itemsize.
    pub fn fields(&self, names: &[&str]) -> Result<Array> {
        let Some(record) = self.dtype().as_record() else {
            bail!(
                Index,
                "only record arrays have fields; dtype('{}') has none",
                self.dtype()
            );
        };
        let mut kept = Vec::with_capacity(names.len());
        for (i, &name) in names.iter().enumerate() {
            if names[..i].contains(&name) {
                bail!(Value, "duplicate field of name '{name}'");
            }
            match record.field(name) {
                Some(f) => kept.push(f.clone()),
                None => bail!(Value, "no field of name {name}"),
            }
        }
        let dtype: DType = crate::dtype::Record::new(kept, Some(record.itemsize()), false)?.into();
        self.view_with(
            self.offset(),
            dtype,
            self.shape().to_vec(),
            self.strides().to_vec(),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dtype::Value;

    fn arange(n: usize, shape: &[i64]) -> Array {
        let a = Array::empty_scalar(Kind::Int64, &[n]).unwrap();
        for i in 0..n {
            a.set(&[i as i64], Value::Int(i as i64)).unwrap();
        }
        a.reshape(shape, Order::C).unwrap()
    }

    fn sl(start: Option<i64>, stop: Option<i64>, step: i64) -> IndexItem {
        IndexItem::Slice { start, stop, step }
    }

    #[test]
    fn the_papers_views() {
        let x = arange(9, &[3, 3]);
        assert_eq!(x.strides(), [24, 8]);
        let y = x.index(&[sl(None, None, 2), sl(None, None, 2)]).unwrap();
        assert_eq!(
            (y.shape(), y.strides()),
            (&[2usize, 2][..], &[48isize, 16][..])
        );
        y.set(&[0, 0], Value::Int(100)).unwrap();
        assert_eq!(x.get(&[0, 0]).unwrap(), Value::Int(100));
        assert_eq!(x.transpose(None).unwrap().strides(), [8, 24]);
        let z = x.reshape(&[1, 9], Order::C).unwrap();
        assert_eq!(z.strides(), [72, 8]);
        let bytes = z.view_dtype(&DType::scalar(Kind::UInt8)).unwrap();
        assert_eq!(
            (bytes.shape(), bytes.strides()),
            (&[1usize, 72][..], &[72isize, 1][..])
        );
    }

    #[test]
    fn reshape_views_non_contiguous_when_numpy_can() {
        let a = arange(24, &[2, 3, 4]);
        let s = a.index(&[sl(None, None, 1), sl(None, None, 2)]).unwrap(); // (2, 2, 4)
        assert_eq!(
            s.reshape(&[2, 8], Order::C)
                .ok()
                .map(|v| v.strides().to_vec()),
            None
        );
        let v = s.reshape(&[2, 2, 2, 2], Order::C).unwrap();
        assert_eq!(v.strides(), [96, 64, 16, 8]);
        assert!(a.transpose(None).unwrap().reshape(&[24], Order::C).is_err());
        assert_eq!(
            a.transpose(None)
                .unwrap()
                .reshape(&[24], Order::F)
                .unwrap()
                .strides(),
            [8]
        );
        assert!(a.reshape(&[-1, -1], Order::C).is_err());
        assert_eq!(a.reshape(&[4, -1], Order::C).unwrap().shape(), [4, 6]);
    }

    #[test]
    fn broadcasts_are_read_only_with_zero_strides() {
        let a = arange(3, &[3]);
        let b = a.broadcast_to(&[2, 3]).unwrap();
        assert_eq!(b.strides(), [0, 8]);
        assert!(!b.is_writeable());
        assert!(a.broadcast_to(&[4]).is_err());
        let d = arange(9, &[3, 3]).diagonal(0, 0, 1).unwrap();
        assert_eq!((d.shape(), d.strides()), (&[3usize][..], &[32isize][..]));
        assert!(!d.is_writeable());
    }

    #[test]
    fn as_strided_stays_inside_the_buffer() {
        let a = arange(9, &[9]);
        let w = a.as_strided(&[3, 3], &[16, 8]).unwrap();
        assert_eq!(w.get(&[2, 2]).unwrap(), Value::Int(6));
        assert!(a.as_strided(&[10], &[8]).is_err());
        let tail = a.index(&[sl(Some(5), None, 1)]).unwrap();
        assert!(tail.as_strided(&[5], &[8]).is_err());
        assert!(tail.as_strided(&[2], &[-40]).is_ok());
    }
}
