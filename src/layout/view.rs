//! Views as pure descriptions: basic indexing, axis permutations, the
//! no-copy reshape rule, squeeze/expand, diagonals, broadcasting and the
//! dtype-reinterpretation rule. Each function maps (shape, strides) to a
//! `View`: a byte offset from element zero, a shape and strides. Messages
//! are NumPy's.

use super::{Dims, Strides};
use crate::error::{Error, Result, bail, err};

/// A strided description relative to an array's element zero.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct View {
    pub offset: isize,
    pub shape: Vec<usize>,
    pub strides: Vec<isize>,
}

/// One item of a basic index (NumPy's `a[1, 2:5, None, ...]`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IndexItem {
    /// A single position; negative counts from the end. Removes the axis.
    Int(i64),
    /// `start:stop:step`, `None` for an omitted bound; bounds are clipped as
    /// Python clips them.
    Slice {
        start: Option<i64>,
        stop: Option<i64>,
        step: i64,
    },
    /// `None` / `np.newaxis`: a new axis of length one.
    NewAxis,
    /// `...`: as many full slices as the other items leave.
    Ellipsis,
}

/// NumPy's AxisError text, with an optional argument name prefix.
fn axis_error(axis: i64, ndim: usize, name: Option<&str>) -> Error {
    match name {
        Some(n) => err!(
            Axis,
            "{n}: axis {axis} is out of bounds for array of dimension {ndim}"
        ),
        None => err!(
            Axis,
            "axis {axis} is out of bounds for array of dimension {ndim}"
        ),
    }
}

/// An axis in `-ndim..ndim`, made non-negative.
pub fn normalize_axis(axis: i64, ndim: usize, name: Option<&str>) -> Result<usize> {
    let n = ndim as i64;
    let a = if axis < 0 { axis + n } else { axis };
    if a < 0 || a >= n {
        return Err(axis_error(axis, ndim, name));
    }
    Ok(a as usize)
}

/// Python's slice clipping (`PySlice_AdjustIndices`): the first position,
/// the number of positions, and the step.
pub fn slice_positions(
    start: Option<i64>,
    stop: Option<i64>,
    step: i64,
    len: usize,
) -> Result<(i64, usize, i64)> {
    if step == 0 {
        bail!(Value, "slice step cannot be zero");
    }
    // Python clamps the step so that -step cannot overflow.
    let step = step.max(-i64::MAX);
    let n = len as i64;
    let clip = |v: Option<i64>, default_neg: i64, default_pos: i64| -> i64 {
        match v {
            None => {
                if step < 0 {
                    default_neg
                } else {
                    default_pos
                }
            }
            Some(v) => {
                let v = if v < 0 { v.saturating_add(n) } else { v };
                if v < 0 {
                    if step < 0 { -1 } else { 0 }
                } else if v >= n {
                    if step < 0 { n - 1 } else { n }
                } else {
                    v
                }
            }
        }
    };
    let start = clip(start, n - 1, 0);
    let stop = clip(stop, -1, n);
    let count = if step < 0 {
        if stop < start {
            (start - stop - 1) / (-step) + 1
        } else {
            0
        }
    } else if start < stop {
        (stop - start - 1) / step + 1
    } else {
        0
    };
    Ok((start, count as usize, step))
}

/// Apply a basic index to `(shape, strides)`.
pub fn basic_index(shape: &[usize], strides: &[isize], items: &[IndexItem]) -> Result<View> {
    let ndim = shape.len();
    let consumed = items
        .iter()
        .filter(|i| matches!(i, IndexItem::Int(_) | IndexItem::Slice { .. }))
        .count();
    let ellipses = items
        .iter()
        .filter(|i| matches!(i, IndexItem::Ellipsis))
        .count();
    if ellipses > 1 {
        bail!(Index, "an index can only have a single ellipsis ('...')");
    }
    if consumed > ndim {
        bail!(
            Index,
            "too many indices for array: array is {ndim}-dimensional, but {consumed} were indexed"
        );
    }
    let mut view = View {
        offset: 0,
        shape: Vec::with_capacity(ndim + items.len()),
        strides: Vec::with_capacity(ndim + items.len()),
    };
    let mut axis = 0;
    for item in items {
        match *item {
            IndexItem::Int(i) => {
                let n = shape[axis] as i64;
                let j = if i < 0 { i + n } else { i };
                if j < 0 || j >= n {
                    bail!(
                        Index,
                        "index {i} is out of bounds for axis {axis} with size {}",
                        shape[axis]
                    );
                }
                view.offset += j as isize * strides[axis];
                axis += 1;
            }
            IndexItem::Slice { start, stop, step } => {
                let (first, count, step) = slice_positions(start, stop, step, shape[axis])?;
                // An empty result points at the start with step 1, as NumPy's.
                let (first, step) = if count == 0 { (0, 1) } else { (first, step) };
                view.offset += first as isize * strides[axis];
                view.shape.push(count);
                // Exact whenever count > 1 (the run lies inside the axis).
                view.strides.push(strides[axis].wrapping_mul(step as isize));
                axis += 1;
            }
            IndexItem::NewAxis => {
                view.shape.push(1);
                view.strides.push(0);
            }
            IndexItem::Ellipsis => {
                let span = ndim - consumed;
                view.shape.extend_from_slice(&shape[axis..axis + span]);
                view.strides.extend_from_slice(&strides[axis..axis + span]);
                axis += span;
            }
        }
    }
    view.shape.extend_from_slice(&shape[axis..]);
    view.strides.extend_from_slice(&strides[axis..]);
    super::check_ndim(view.shape.len())?;
    Ok(view)
}

/// Reorder axes: `axes[i]` is the source axis of result axis `i`; `None`
/// reverses them (NumPy's `transpose`).
pub fn transpose(shape: &[usize], strides: &[isize], axes: Option<&[i64]>) -> Result<View> {
    let n = shape.len();
    let perm: Vec<usize> = match axes {
        None => (0..n).rev().collect(),
        Some(axes) => {
            if axes.len() != n {
                bail!(Value, "axes don't match array");
            }
            let mut seen = vec![false; n];
            let mut perm = Vec::with_capacity(n);
            for &a in axes {
                let a = normalize_axis(a, n, None)?;
                if seen[a] {
                    bail!(Value, "repeated axis in transpose");
                }
                seen[a] = true;
                perm.push(a);
            }
            perm
        }
    };
    Ok(View {
        offset: 0,
        shape: perm.iter().map(|&a| shape[a]).collect(),
        strides: perm.iter().map(|&a| strides[a]).collect(),
    })
}

/// NumPy's `swapaxes`.
pub fn swapaxes(shape: &[usize], strides: &[isize], a1: i64, a2: i64) -> Result<View> {
    let n = shape.len();
    let a1 = normalize_axis(a1, n, Some("axis1"))?;
    let a2 = normalize_axis(a2, n, Some("axis2"))?;
    let mut perm: Vec<i64> = (0..n as i64).collect();
    perm.swap(a1, a2);
    transpose(shape, strides, Some(&perm))
}

/// Normalise a list of distinct axes (NumPy's `normalize_axis_tuple`).
pub fn normalize_axes(axes: &[i64], ndim: usize, name: Option<&str>) -> Result<Vec<usize>> {
    let mut out = Vec::with_capacity(axes.len());
    for &a in axes {
        let a = normalize_axis(a, ndim, name)?;
        if out.contains(&a) {
            match name {
                Some(n) => bail!(Value, "repeated axis in `{n}` argument"),
                None => bail!(Value, "repeated axis"),
            }
        }
        out.push(a);
    }
    Ok(out)
}

/// NumPy's `moveaxis(source, destination)`.
pub fn moveaxis(
    shape: &[usize],
    strides: &[isize],
    source: &[i64],
    destination: &[i64],
) -> Result<View> {
    let n = shape.len();
    let src = normalize_axes(source, n, Some("source"))?;
    let dst = normalize_axes(destination, n, Some("destination"))?;
    if src.len() != dst.len() {
        bail!(
            Value,
            "`source` and `destination` arguments must have the same number of elements"
        );
    }
    let mut order: Vec<usize> = (0..n).filter(|a| !src.contains(a)).collect();
    let mut pairs: Vec<(usize, usize)> = dst.iter().copied().zip(src.iter().copied()).collect();
    pairs.sort();
    for (d, s) in pairs {
        order.insert(d, s);
    }
    let perm: Vec<i64> = order.iter().map(|&a| a as i64).collect();
    transpose(shape, strides, Some(&perm))
}

/// Replace one negative entry of `newshape` by what the size leaves, and
/// check the total (NumPy's `_fix_unknown_dimension`).
pub fn fix_unknown_dimension(newshape: &[i64], size: usize) -> Result<Vec<usize>> {
    super::check_ndim(newshape.len())?;
    // NumPy's convert_shape_to_string: leading unknowns dropped, later ones
    // shown as "newaxis", no spaces.
    let shown = || {
        let first = newshape.iter().position(|&d| d >= 0);
        match first {
            None => "()".to_string(),
            Some(f) => {
                let mut t = format!("({}", newshape[f]);
                for &d in &newshape[f + 1..] {
                    if d < 0 {
                        t.push_str(",newaxis");
                    } else {
                        t.push_str(&format!(",{d}"));
                    }
                }
                t.push_str(if newshape.len() == 1 { ",)" } else { ")" });
                t
            }
        }
    };
    let mismatch = || {
        err!(
            Shape,
            "cannot reshape array of size {size} into shape {}",
            shown()
        )
    };
    let mut unknown = None;
    let mut known: usize = 1;
    for (i, &d) in newshape.iter().enumerate() {
        if d < 0 {
            if unknown.is_some() {
                bail!(Shape, "can only specify one unknown dimension");
            }
            unknown = Some(i);
        } else {
            known = known.checked_mul(d as usize).ok_or_else(mismatch)?;
        }
    }
    let mut out: Vec<usize> = newshape.iter().map(|&d| d.max(0) as usize).collect();
    match unknown {
        Some(i) => {
            if known == 0 || size % known != 0 {
                return Err(mismatch());
            }
            out[i] = size / known;
        }
        None if known != size => return Err(mismatch()),
        None => {}
    }
    Ok(out)
}

/// Strides NumPy gives a contiguous view of `shape` (`_array_fill_strides`):
/// zero-length axes count as length one here, unlike new allocations.
pub fn fill_strides(shape: &[usize], itemsize: usize, fortran: bool) -> Vec<isize> {
    let mut strides = vec![0isize; shape.len()];
    let mut step = itemsize as isize;
    let axes: Box<dyn Iterator<Item = usize>> = if fortran {
        Box::new(0..shape.len())
    } else {
        Box::new((0..shape.len()).rev())
    };
    for i in axes {
        strides[i] = step;
        step *= shape[i].max(1) as isize;
    }
    strides
}

/// Strides for viewing a non-contiguous `(shape, strides)` as `newshape`
/// without copying, if possible (NumPy's `_attempt_nocopy_reshape`; the
/// size must be non-zero and equal).
fn nocopy_reshape(
    shape: &[usize],
    strides: &[isize],
    itemsize: usize,
    newshape: &[usize],
    fortran: bool,
) -> Option<Vec<isize>> {
    // Axes of length one have no effect on the layout.
    let (olddims, oldstrides): (Vec<usize>, Vec<isize>) = shape
        .iter()
        .zip(strides)
        .filter(|(d, _)| **d != 1)
        .map(|(d, s)| (*d, *s))
        .unzip();
    let (oldnd, newnd) = (olddims.len(), newshape.len());
    let mut newstrides = vec![0isize; newnd];
    let (mut oi, mut oj, mut ni, mut nj) = (0, 1, 0, 1);
    while ni < newnd && oi < oldnd {
        let mut np = newshape[ni];
        let mut op = olddims[oi];
        while np != op {
            if np < op {
                np *= newshape[nj];
                nj += 1;
            } else {
                op *= olddims[oj];
                oj += 1;
            }
        }
        // The old axes oi..oj must be mergeable in the viewing order.
        for ok in oi..oj - 1 {
            let mergeable = if fortran {
                oldstrides[ok + 1] == olddims[ok] as isize * oldstrides[ok]
            } else {
                oldstrides[ok] == olddims[ok + 1] as isize * oldstrides[ok + 1]
            };
            if !mergeable {
                return None;
            }
        }
        if fortran {
            newstrides[ni] = oldstrides[oi];
            for nk in ni + 1..nj {
                newstrides[nk] = newstrides[nk - 1] * newshape[nk - 1] as isize;
            }
        } else {
            newstrides[nj - 1] = oldstrides[oj - 1];
            for nk in (ni + 1..nj).rev() {
                newstrides[nk - 1] = newstrides[nk] * newshape[nk] as isize;
            }
        }
        ni = nj;
        nj += 1;
        oi = oj;
        oj += 1;
    }
    // Trailing length-one axes of the new shape.
    let mut last = if ni >= 1 {
        newstrides[ni - 1]
    } else {
        itemsize as isize
    };
    if fortran && ni >= 1 {
        last *= newshape[ni - 1] as isize;
    }
    for s in newstrides.iter_mut().skip(ni) {
        *s = last;
    }
    Some(newstrides)
}

/// NumPy's reshape as a view: `Ok(Some(view))`, or `Ok(None)` when the data
/// would have to be copied. `fortran` reads and writes elements in Fortran
/// order (NumPy's `order='F'`; resolve 'A' before calling).
pub fn reshape(
    shape: &[usize],
    strides: &[isize],
    itemsize: usize,
    newshape: &[i64],
    fortran: bool,
) -> Result<Option<View>> {
    let same = newshape.len() == shape.len()
        && newshape
            .iter()
            .zip(shape)
            .all(|(&n, &o)| n >= 0 && n as usize == o);
    if same {
        return Ok(Some(View {
            offset: 0,
            shape: shape.to_vec(),
            strides: strides.to_vec(),
        }));
    }
    let size = super::size(shape)?;
    let newshape = fix_unknown_dimension(newshape, size)?;
    let contiguous = if fortran {
        super::is_f_contiguous(shape, strides, itemsize)
    } else {
        super::is_c_contiguous(shape, strides, itemsize)
    };
    let strides = if contiguous {
        fill_strides(&newshape, itemsize, fortran && newshape.len() > 1)
    } else {
        match nocopy_reshape(shape, strides, itemsize, &newshape, fortran) {
            Some(s) => s,
            None => return Ok(None),
        }
    };
    Ok(Some(View {
        offset: 0,
        shape: newshape,
        strides,
    }))
}

/// NumPy's `squeeze`: remove the given axes (all of length one), or every
/// axis of length one.
pub fn squeeze(shape: &[usize], strides: &[isize], axes: Option<&[i64]>) -> Result<View> {
    // NumPy's legacy rule: a 0-d array accepts a single axis 0 or -1.
    let axes = match axes {
        Some([0] | [-1]) if shape.is_empty() => None,
        a => a,
    };
    let remove: Vec<bool> = match axes {
        None => shape.iter().map(|&d| d == 1).collect(),
        Some(axes) => {
            let axes = normalize_axes(axes, shape.len(), None)?;
            let mut remove = vec![false; shape.len()];
            for a in axes {
                if shape[a] != 1 {
                    bail!(
                        Value,
                        "cannot select an axis to squeeze out which has size not equal to one"
                    );
                }
                remove[a] = true;
            }
            remove
        }
    };
    let kept = (0..shape.len()).filter(|&i| !remove[i]);
    Ok(View {
        offset: 0,
        shape: kept.clone().map(|i| shape[i]).collect(),
        strides: kept.map(|i| strides[i]).collect(),
    })
}

/// NumPy's `expand_dims`: new length-one axes at `axes` of the result.
pub fn expand_dims(shape: &[usize], strides: &[isize], axes: &[i64]) -> Result<View> {
    let out_ndim = shape.len() + axes.len();
    super::check_ndim(out_ndim)?;
    let axes = normalize_axes(axes, out_ndim, None)?;
    let mut view = View {
        offset: 0,
        shape: Vec::with_capacity(out_ndim),
        strides: Vec::with_capacity(out_ndim),
    };
    let mut src = 0;
    for i in 0..out_ndim {
        if axes.contains(&i) {
            view.shape.push(1);
            view.strides.push(0);
        } else {
            view.shape.push(shape[src]);
            view.strides.push(strides[src]);
            src += 1;
        }
    }
    Ok(view)
}

/// NumPy's `diagonal(offset, axis1, axis2)`: the two axes are removed and
/// the diagonal appended as the last axis.
pub fn diagonal(
    shape: &[usize],
    strides: &[isize],
    offset: i64,
    axis1: i64,
    axis2: i64,
) -> Result<View> {
    let n = shape.len();
    if n < 2 {
        bail!(Value, "diag requires an array of at least two dimensions");
    }
    let a1 = normalize_axis(axis1, n, Some("axis1"))?;
    let a2 = normalize_axis(axis2, n, Some("axis2"))?;
    if a1 == a2 {
        bail!(Value, "axis1 and axis2 cannot be the same");
    }
    let (d1, d2) = (shape[a1] as i64, shape[a2] as i64);
    let (mut start, len) = (
        0isize,
        0i64.max(if offset >= 0 {
            (d2 - offset).min(d1)
        } else {
            (d1 + offset).min(d2)
        }),
    );
    if len > 0 {
        start = if offset >= 0 {
            offset as isize * strides[a2]
        } else {
            -offset as isize * strides[a1]
        };
    }
    let mut view = View {
        offset: start,
        shape: Vec::with_capacity(n - 1),
        strides: Vec::with_capacity(n - 1),
    };
    for i in (0..n).filter(|&i| i != a1 && i != a2) {
        view.shape.push(shape[i]);
        view.strides.push(strides[i]);
    }
    view.shape.push(len as usize);
    view.strides.push(strides[a1] + strides[a2]);
    Ok(view)
}

/// The shape several shapes broadcast to (NumPy's `broadcast_shapes`).
pub fn broadcast_shapes(shapes: &[&[usize]]) -> Result<Dims> {
    let ndim = shapes.iter().map(|s| s.len()).max().unwrap_or(0);
    super::check_ndim(ndim)?;
    let mut out: Dims = smallvec::smallvec![1usize; ndim];
    for (k, s) in shapes.iter().enumerate() {
        for (i, &d) in s.iter().enumerate() {
            let o = &mut out[ndim - s.len() + i];
            if *o == 1 {
                *o = d;
            } else if d != 1 && d != *o {
                // Name the first argument this one disagrees with, as NumPy does.
                let first = shapes[..k]
                    .iter()
                    .position(|t| {
                        let j = (t.len() + i).checked_sub(s.len());
                        j.is_some_and(|j| t[j] != 1 && t[j] != d)
                    })
                    .unwrap_or(0);
                bail!(
                    Shape,
                    "shape mismatch: objects cannot be broadcast to a single shape.  Mismatch is between arg {first} with shape {} and arg {k} with shape {}.",
                    crate::text::tuple(shapes[first]),
                    crate::text::tuple(s)
                );
            }
        }
    }
    Ok(out)
}

/// A view of `(shape, strides)` broadcast to `target` (zero strides for
/// stretched and new axes).
pub fn broadcast_to(shape: &[usize], strides: &[isize], target: &[usize]) -> Result<View> {
    Ok(View {
        offset: 0,
        shape: target.to_vec(),
        strides: broadcast_strides(shape, strides, target)?.into_vec(),
    })
}

/// The strides of `(shape, strides)` broadcast to `target`: zero on
/// stretched and new axes (and on axes of length one), the operand's own
/// elsewhere. Inline up to `INLINE_DIMS` axes, so a ufunc call broadcasts
/// its operands without allocating.
pub fn broadcast_strides(shape: &[usize], strides: &[isize], target: &[usize]) -> Result<Strides> {
    super::check_ndim(target.len())?;
    // NumPy's messages (np.broadcast_to's, from its iterator).
    if target.len() < shape.len() {
        if target.is_empty() {
            bail!(Shape, "cannot broadcast a non-scalar to a scalar array");
        }
        bail!(
            Shape,
            "input operand has more dimensions than allowed by the axis remapping"
        );
    }
    let fail = || {
        err!(
            Shape,
            "operands could not be broadcast together with remapped shapes [original->remapped]: {}  and requested shape {}",
            crate::text::tuple_compact(shape),
            crate::text::tuple_compact(target)
        )
    };
    let lead = target.len() - shape.len();
    let mut out: Strides = smallvec::smallvec![0; target.len()];
    for (i, (&d, &s)) in shape.iter().zip(strides).enumerate() {
        let t = target[lead + i];
        if d == t {
            out[lead + i] = if d == 1 { 0 } else { s };
        } else if d != 1 {
            return Err(fail());
        }
    }
    Ok(out)
}

/// NumPy's rule for viewing memory as a dtype of another itemsize: the last
/// axis must be contiguous and is rescaled.
pub fn view_as_itemsize(
    shape: &[usize],
    strides: &[isize],
    old: usize,
    new: usize,
) -> Result<View> {
    let mut view = View {
        offset: 0,
        shape: shape.to_vec(),
        strides: strides.to_vec(),
    };
    if old == new {
        return Ok(view);
    }
    let Some(last) = shape.len().checked_sub(1) else {
        bail!(
            Value,
            "Changing the dtype of a 0d array is only supported if the itemsize is unchanged"
        );
    };
    let empty = shape.contains(&0);
    if shape[last] != 1 && !empty && strides[last] != old as isize {
        bail!(
            Value,
            "To change to a dtype of a different size, the last axis must be contiguous"
        );
    }
    if new == 0 {
        bail!(
            Value,
            "Changing the dtype to a zero-size dtype is not supported"
        );
    }
    let bytes = shape[last] * old;
    if new < old {
        if old % new != 0 {
            bail!(
                Value,
                "When changing to a smaller dtype, its size must be a divisor of the size of original dtype"
            );
        }
    } else if bytes % new != 0 {
        bail!(
            Value,
            "When changing to a larger dtype, its size must be a divisor of the total size in bytes of the last axis of the array."
        );
    }
    view.shape[last] = bytes / new;
    view.strides[last] = new as isize;
    Ok(view)
}
