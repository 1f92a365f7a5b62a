//! NumPy's `__getitem__` / `__setitem__` with any index: basic items give
//! views (`Array::index`); integer and boolean index arrays ("advanced
//! indexing") gather into a new array or scatter into the indexed one,
//! following NumPy's rules: index arrays broadcast together, integer scalars
//! count as advanced once an array is present, and the broadcast index
//! dimensions replace the indexed axes in place when those are adjacent,
//! else come first.

use crate::array::Array;
use crate::dtype::{Casting, DType, Kind, KindClass, Value};
use crate::error::{Result, bail, err};
use crate::layout::{self, IndexItem, Order};
use crate::ufunc::cast::copy_block;
use crate::ufunc::{assign, astype};

/// One item of an index.
#[derive(Debug, Clone)]
pub enum Index {
    /// A basic item: integer, slice, new axis or ellipsis.
    Basic(IndexItem),
    /// An integer or boolean index array.
    Array(Array),
}

/// NumPy's `a[items]`: a view for basic indices, a new array otherwise.
pub fn getitem(a: &Array, items: &[Index]) -> Result<Array> {
    let Some(plan) = Plan::new(a, items)? else {
        return a.index(&basic_items(items));
    };
    let nb = plan.bshape.len();
    let out = Array::empty(
        a.dtype(),
        &[&plan.bshape[..], &plan.rest_shape[..]].concat(),
        Order::C,
    )?;
    let block = plan.rest_shape.iter().product::<usize>() * a.itemsize();
    let dst_strides = &out.strides()[nb..];
    for (i, &off) in plan.offsets.iter().enumerate() {
        // SAFETY: `off` was bounds-checked against the view; the output
        // block `i` lies inside `out`, a separate allocation.
        unsafe {
            copy_block(
                &plan.rest_shape,
                plan.view.data_ptr().wrapping_offset(off),
                &plan.rest_strides,
                out.data_ptr().wrapping_add(i * block),
                dst_strides,
                a.dtype(),
            )?
        };
    }
    match plan.result_perm() {
        None => Ok(out),
        Some(perm) => out.transpose(Some(&perm)),
    }
}

/// NumPy's `a[items] = value`: `value` broadcast to the indexed shape and
/// cast unsafely (as NumPy's assignment casts arrays). With index arrays,
/// repeated positions take the last value, as in NumPy. Nothing is written
/// if any index or shape is wrong.
pub fn setitem(a: &Array, items: &[Index], value: &Array) -> Result<()> {
    a.check_writeable()?;
    let Some(plan) = Plan::new(a, items)? else {
        return assign(&a.index(&basic_items(items))?, value, Casting::Unsafe);
    };
    // The shape getitem would give, and the value broadcast to it.
    let nb = plan.bshape.len();
    let mut result_shape = [&plan.bshape[..], &plan.rest_shape[..]].concat();
    let perm = plan.result_perm();
    if let Some(p) = &perm {
        result_shape = p.iter().map(|&i| result_shape[i as usize]).collect();
    }
    let bvalue = value
        .strip_leading_unit_axes(result_shape.len())
        .and_then(|v| v.broadcast_to(&result_shape))
        .map_err(|_| {
        err!(
            Shape,
            "shape mismatch: value array of shape {} could not be broadcast to indexing result of shape {}",
            crate::text::tuple_compact(value.shape()),
            crate::text::tuple_compact(&result_shape)
        )
    })?;
    // Back to (index dims, rest dims) order, then one contiguous cast copy,
    // which also protects against `value` overlapping `a`.
    let bvalue = match &perm {
        None => bvalue,
        Some(p) => {
            let mut inverse = vec![0i64; p.len()];
            for (i, &axis) in p.iter().enumerate() {
                inverse[axis as usize] = i as i64;
            }
            bvalue.transpose(Some(&inverse))?
        }
    };
    let src = astype(&bvalue, a.dtype(), Casting::Unsafe, Order::C)?;
    let block = plan.rest_shape.iter().product::<usize>() * a.itemsize();
    let src_strides = &src.strides()[nb..];
    for (i, &off) in plan.offsets.iter().enumerate() {
        // SAFETY: as in `getitem`, in the other direction; `a` is writeable.
        unsafe {
            copy_block(
                &plan.rest_shape,
                src.data_ptr().wrapping_add(i * block),
                src_strides,
                plan.view.data_ptr().wrapping_offset(off),
                &plan.rest_strides,
                a.dtype(),
            )?
        };
    }
    Ok(())
}

fn basic_items(items: &[Index]) -> Vec<IndexItem> {
    items
        .iter()
        .map(|i| match i {
            Index::Basic(b) => *b,
            Index::Array(_) => unreachable!("only called without index arrays"),
        })
        .collect()
}

/// How an advanced index reads: the view with the basic part applied (the
/// indexed axes kept whole), and the byte offset of each index position.
struct Plan {
    view: Array,
    /// Positions in `view` of the indexed axes, in index order.
    adv_axes: Vec<usize>,
    /// Are the advanced items next to each other in the index (NumPy
    /// decides placement by the items: an ellipsis between two of them
    /// separates them even when it spans no axis)?
    adjacent: bool,
    /// Broadcast shape of the index arrays.
    bshape: Vec<usize>,
    /// For each index position (C order over `bshape`), its byte offset.
    offsets: Vec<isize>,
    rest_shape: Vec<usize>,
    rest_strides: Vec<isize>,
}

impl Plan {
    fn new(a: &Array, items: &[Index]) -> Result<Option<Plan>> {
        if !items.iter().any(|i| matches!(i, Index::Array(_))) {
            return Ok(None);
        }
        // How many axes each item consumes; bool arrays consume their ndim.
        let consumes = |i: &Index| -> Result<usize> {
            Ok(match i {
                Index::Basic(IndexItem::Int(_)) | Index::Basic(IndexItem::Slice { .. }) => 1,
                Index::Basic(_) => 0,
                Index::Array(arr) => match arr.dtype().kind() {
                    Some(Kind::Bool) if arr.ndim() == 0 => bail!(
                        Unsupported,
                        "a 0-d boolean index (a[True]) is not supported yet; use a new axis"
                    ),
                    Some(Kind::Bool) => arr.ndim(),
                    Some(k) if matches!(k.class(), KindClass::Signed | KindClass::Unsigned) => 1,
                    _ => bail!(
                        Index,
                        "arrays used as indices must be of integer (or boolean) type"
                    ),
                },
            })
        };
        let mut consumed = 0;
        for i in items {
            consumed += consumes(i)?;
        }
        if items
            .iter()
            .filter(|i| matches!(i, Index::Basic(IndexItem::Ellipsis)))
            .count()
            > 1
        {
            bail!(Index, "an index can only have a single ellipsis ('...')");
        }
        if consumed > a.ndim() {
            bail!(
                Index,
                "too many indices for array: array is {}-dimensional, but {consumed} were indexed",
                a.ndim()
            );
        }
        // Boolean masks must fit the axes they index: checked before any
        // index value, as NumPy's index preparation does.
        let mut axis = 0usize;
        for item in items {
            match item {
                Index::Array(arr) if arr.dtype().kind() == Some(Kind::Bool) => {
                    check_mask_shape(arr, a, axis)?;
                    axis += arr.ndim();
                }
                Index::Basic(IndexItem::Ellipsis) => axis += a.ndim() - consumed,
                i => axis += consumes(i)?,
            }
        }
        // The basic part, with a full slice for every indexed axis.
        let full = IndexItem::Slice {
            start: None,
            stop: None,
            step: 1,
        };
        let mut basic = Vec::with_capacity(items.len() + a.ndim());
        // (view axis, axis of `a`, index values as int64 arrays)
        let mut adv: Vec<(usize, usize, Array)> = Vec::new();
        let (mut out_axis, mut a_axis) = (0usize, 0usize);
        for item in items {
            match item {
                Index::Basic(IndexItem::Int(i)) => {
                    let len = a.shape()[a_axis] as i64;
                    if *i < -len || *i >= len {
                        bail!(
                            Index,
                            "index {i} is out of bounds for axis {a_axis} with size {len}"
                        );
                    }
                    let idx = int_scalar_array(*i)?;
                    adv.push((out_axis, a_axis, idx));
                    basic.push(full);
                    out_axis += 1;
                    a_axis += 1;
                }
                Index::Basic(b @ IndexItem::Slice { .. }) => {
                    basic.push(*b);
                    out_axis += 1;
                    a_axis += 1;
                }
                Index::Basic(IndexItem::NewAxis) => {
                    basic.push(IndexItem::NewAxis);
                    out_axis += 1;
                }
                Index::Basic(IndexItem::Ellipsis) => {
                    let span = a.ndim() - consumed;
                    basic.push(IndexItem::Ellipsis);
                    out_axis += span;
                    a_axis += span;
                }
                Index::Array(arr) if arr.dtype().kind() == Some(Kind::Bool) => {
                    for (k, coords) in nonzero(arr, a, a_axis)?.into_iter().enumerate() {
                        adv.push((out_axis + k, a_axis + k, coords));
                        basic.push(full);
                    }
                    out_axis += arr.ndim();
                    a_axis += arr.ndim();
                }
                Index::Array(arr) => {
                    let idx = astype(arr, &DType::scalar(Kind::Int64), Casting::Unsafe, Order::C)?;
                    if idx.ndim() == 0 {
                        // A 0-d index array is checked at once, like an integer.
                        let (v, len) = (int64_values(&idx)?[0], a.shape()[a_axis] as i64);
                        if v < -len || v >= len {
                            bail!(
                                Index,
                                "index {v} is out of bounds for axis {a_axis} with size {len}"
                            );
                        }
                    }
                    adv.push((out_axis, a_axis, idx));
                    basic.push(full);
                    out_axis += 1;
                    a_axis += 1;
                }
            }
        }
        let view = a.index(&basic)?;
        // Broadcast the index arrays together.
        let shapes: Vec<&[usize]> = adv.iter().map(|(_, _, i)| i.shape()).collect();
        let bshape = layout::broadcast_shapes(&shapes).map_err(|_| {
            // NumPy lists the index arrays only, not the integers.
            let listed: String = shapes
                .iter()
                .filter(|s| !s.is_empty())
                .map(|s| format!("{} ", crate::text::tuple_compact(s)))
                .collect();
            err!(
                Index,
                "shape mismatch: indexing arrays could not be broadcast together with shapes {listed}"
            )
        })?;
        // Index arrays are checked as the broadcast is read (so an empty
        // result checks nothing), as NumPy does; integers were checked above.
        let count = layout::size(&bshape)?;
        let mut offsets = vec![0isize; count];
        for (vaxis, aaxis, idx) in &adv {
            let len = view.shape()[*vaxis] as i64;
            let stride = view.strides()[*vaxis];
            let vals = int64_values(&idx.broadcast_to(&bshape)?)?;
            for (o, &v) in offsets.iter_mut().zip(vals.iter()) {
                let j = if v < 0 { v + len } else { v };
                if j < 0 || j >= len {
                    bail!(
                        Index,
                        "index {v} is out of bounds for axis {aaxis} with size {len}"
                    );
                }
                *o += j as isize * stride;
            }
        }
        let adv_axes: Vec<usize> = adv.iter().map(|(v, _, _)| *v).collect();
        let is_adv = |i: &Index| matches!(i, Index::Array(_) | Index::Basic(IndexItem::Int(_)));
        let first = items
            .iter()
            .position(is_adv)
            .expect("an index array is present");
        let last = items
            .iter()
            .rposition(is_adv)
            .expect("an index array is present");
        let adjacent = items[first..=last].iter().all(is_adv);
        let rest: Vec<usize> = (0..view.ndim()).filter(|i| !adv_axes.contains(i)).collect();
        Ok(Some(Plan {
            rest_shape: rest.iter().map(|&i| view.shape()[i]).collect(),
            rest_strides: rest.iter().map(|&i| view.strides()[i]).collect(),
            view,
            adv_axes,
            adjacent,
            bshape: bshape.into_vec(),
            offsets,
        }))
    }

    /// The permutation from the gathered layout (index dims, then the rest)
    /// to NumPy's result order, when the indexed axes are adjacent and not
    /// first; `None` when the gathered layout is the result.
    fn result_perm(&self) -> Option<Vec<i64>> {
        let first = self.adv_axes[0];
        if !self.adjacent || first == 0 {
            return None;
        }
        let nb = self.bshape.len() as i64;
        let nrest = self.rest_shape.len() as i64;
        let p0 = first as i64;
        Some(
            (nb..nb + p0)
                .chain(0..nb)
                .chain(nb + p0..nb + nrest)
                .collect(),
        )
    }
}

/// The values of an int64 array in C order.
fn int64_values(a: &Array) -> Result<Vec<i64>> {
    let c = astype(a, &DType::scalar(Kind::Int64), Casting::Unsafe, Order::C)?;
    let n = c.size();
    if n == 0 {
        return Ok(Vec::new());
    }
    // SAFETY: a new C-contiguous native int64 array of `n` elements.
    Ok(unsafe { std::slice::from_raw_parts(c.data_ptr() as *const i64, n) }.to_vec())
}

fn int_scalar_array(i: i64) -> Result<Array> {
    let a = Array::empty_scalar(Kind::Int64, &[])?;
    a.set(&[], Value::Int(i))?;
    Ok(a)
}

/// A boolean index must have the shape of the axes of `a` it indexes from
/// `first_axis` (an empty mask axis stands for any length, as in NumPy).
fn check_mask_shape(mask: &Array, a: &Array, first_axis: usize) -> Result<()> {
    for (k, &m) in mask.shape().iter().enumerate() {
        let n = a.shape()[first_axis + k];
        // NumPy lets an empty mask axis stand for any axis length.
        if m != n && m != 0 {
            bail!(
                Index,
                "boolean index did not match indexed array along axis {}; size of axis is {n} but size of corresponding boolean axis is {m}",
                first_axis + k
            );
        }
    }
    Ok(())
}

/// The coordinates of the true elements of a boolean index (NumPy's
/// `nonzero`), its shape checked by `check_mask_shape`.
fn nonzero(mask: &Array, a: &Array, first_axis: usize) -> Result<Vec<Array>> {
    check_mask_shape(mask, a, first_axis)?;
    let flat = astype(mask, &DType::scalar(Kind::Bool), Casting::Unsafe, Order::C)?;
    let n = flat.size();
    // SAFETY: a new C-contiguous bool array of `n` elements.
    let bits: &[bool] = if n == 0 {
        &[]
    } else {
        unsafe { std::slice::from_raw_parts(flat.data_ptr() as *const bool, n) }
    };
    let hits = bits.iter().filter(|&&b| b).count();
    let ndim = mask.ndim();
    let coords: Vec<Array> = (0..ndim)
        .map(|_| Array::empty_scalar(Kind::Int64, &[hits]))
        .collect::<Result<_>>()?;
    let mut index = vec![0usize; ndim];
    let mut h = 0;
    for &b in bits {
        if b {
            for (k, c) in coords.iter().enumerate() {
                // SAFETY: `h < hits`, the length of each coordinate array.
                unsafe { (c.data_ptr() as *mut i64).add(h).write(index[k] as i64) };
            }
            h += 1;
        }
        // Advance the C-order multi-index.
        for k in (0..ndim).rev() {
            index[k] += 1;
            if index[k] < mask.shape()[k] {
                break;
            }
            index[k] = 0;
        }
    }
    Ok(coords)
}
