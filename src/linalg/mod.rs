//! NumPy's matrix products on strided arrays: `matmul` (batched, with the
//! 1-d promotion rules), `dot`, `vdot`, `inner`, `outer`. Shapes are
//! checked and described here; the 2-d products run in `kernel`, which
//! takes any strides, so transposed, sliced and reversed views are
//! multiplied without copies of ours (operands are copied only when their
//! dtype must change, they are byte-swapped or unaligned, or their strides
//! are not whole elements).

#[cfg(feature = "system-blas")]
mod blas;
mod kernel;
mod packed;
mod small;

use std::borrow::Cow;

use crate::array::Array;
use crate::dtype::{Casting, DType, Kind};
use crate::error::{Result, bail};
use crate::layout::{self, Order};
use crate::text::tuple_compact;
use crate::ufunc::cast::may_share_memory;
use crate::ufunc::{arith, assign, astype};
use kernel::Mat;

const MATMUL_SIGNATURE: &str = "(n?,k),(k,m?)->(n?,m?)";

/// The kind both operands are computed in: NumPy's promotion of the two.
fn common_kind(name: &str, a: &Array, b: &Array) -> Result<Kind> {
    if a.dtype().kind().is_none() || b.dtype().kind().is_none() {
        return Err(crate::ufunc::engine::no_matching_loop(
            name,
            &[a.dtype(), b.dtype()],
        ));
    }
    let t = crate::dtype::result_type(&[a.dtype().clone(), b.dtype().clone()])?;
    Ok(t.kind()
        .expect("two scalar dtypes promote to a scalar dtype"))
}

/// Can the kernel read or write `a` in place: native `kind`, aligned,
/// strides in whole elements?
fn kernel_ready(a: &Array, kind: Kind) -> bool {
    a.dtype().kind() == Some(kind)
        && a.dtype().is_native()
        && layout::whole_elements(a.strides(), a.itemsize())
        && layout::is_aligned(
            a.data_ptr() as usize,
            a.shape(),
            a.strides(),
            a.dtype().alignment(),
        )
}

/// `a` as the kernel takes it: native `kind`, aligned, strides in whole
/// elements; a view when it already is, else a C-ordered copy.
fn operand(a: &Array, kind: Kind) -> Result<Array> {
    Ok(match ready(a, kind)? {
        Cow::Borrowed(a) => a.view(),
        Cow::Owned(copy) => copy,
    })
}

/// `a` itself when the kernel can read it in place (`kernel_ready`), else
/// a C-ordered copy of `kind`.
fn ready(a: &Array, kind: Kind) -> Result<Cow<'_, Array>> {
    if kernel_ready(a, kind) {
        Ok(Cow::Borrowed(a))
    } else {
        Ok(Cow::Owned(astype(
            a,
            &DType::scalar(kind),
            Casting::Unsafe,
            Order::C,
        )?))
    }
}

/// A 0-, 1- or 2-d array as the kernel's 2-d operand: a 1-d array is a
/// row when `row` (else a column) and a 0-d one a single element, the
/// axes it lacks of stride 0 (as `expand_dims` gives them).
fn core_mat(a: &Array, row: bool) -> Mat {
    let (rs, cs) = match *a.strides() {
        [] => (0, 0),
        [s] if row => (0, s),
        [s] => (s, 0),
        [rs, cs] => (rs, cs),
        _ => unreachable!("a product's operand or result has at most two axes"),
    };
    mat(a, 0, rs, cs)
}

fn mat(a: &Array, offset: isize, rs: isize, cs: isize) -> Mat {
    Mat {
        ptr: a.data_ptr().wrapping_offset(offset),
        rs,
        cs,
    }
}

/// The last two axes' (rows, columns) strides of a ≥2-d array.
fn core_strides(a: &Array) -> (isize, isize) {
    let s = a.strides();
    (s[s.len() - 2], s[s.len() - 1])
}

/// `dst[..., m, n] = lhs[..., m, k] · rhs[..., k, n]` for operands already
/// broadcast to dst's batch shape and of `kind` (see `operand`). dst must
/// not overlap them.
fn batched(kind: Kind, dst: &Array, lhs: &Array, rhs: &Array) -> Result<()> {
    let nd = dst.ndim();
    let (m, n, k) = (
        dst.shape()[nd - 2],
        dst.shape()[nd - 1],
        lhs.shape()[nd - 1],
    );
    let batch = &dst.shape()[..nd - 2];
    let offsets = layout::index_offsets(
        batch,
        [
            &dst.strides()[..nd - 2],
            &lhs.strides()[..nd - 2],
            &rhs.strides()[..nd - 2],
        ],
    );
    let (drs, dcs) = core_strides(dst);
    let (lrs, lcs) = core_strides(lhs);
    let (rrs, rcs) = core_strides(rhs);
    let one = |&[od, ol, or]: &[isize; 3]| {
        // SAFETY: every operand's elements lie inside its buffer (checked
        // views), dst is writable and shares no memory with the inputs;
        // batches write disjoint parts of dst.
        unsafe {
            kernel::matmul_2d(
                kind,
                m,
                n,
                k,
                mat(dst, od, drs, dcs),
                mat(lhs, ol, lrs, lcs),
                mat(rhs, or, rrs, rcs),
            )
        };
    };
    // Many small products: batches split across threads (each product is
    // computed by one thread, so the result does not depend on the split).
    let work = m.saturating_mul(n).saturating_mul(k.max(1));
    if offsets.len() >= 64 && work < kernel::PARALLEL_MIN && work * offsets.len() >= 1 << 18 {
        crate::iter::team::for_pieces(offsets.len().div_ceil(16), &|g| {
            offsets[g * 16..(g * 16 + 16).min(offsets.len())]
                .iter()
                .for_each(&one)
        });
    } else {
        offsets.iter().for_each(one);
    }
    Ok(())
}

/// Where a product's result goes: straight into `out` when it has the
/// result's kind, is native, aligned, whole-element strided and shares no
/// memory with the inputs; otherwise into a new array (copied into `out`
/// afterwards by `finish`).
fn destination(
    kind: Kind,
    shape: &[usize],
    out: Option<&Array>,
    inputs: [&Array; 2],
) -> Result<Array> {
    if let Some(o) = out {
        let direct = kernel_ready(o, kind)
            && !may_share_memory(o, inputs[0])?
            && !may_share_memory(o, inputs[1])?;
        if direct {
            return Ok(o.view());
        }
    }
    Array::empty_scalar(kind, shape)
}

/// The result handed back: `out` (a view of it) after copying `r` in when
/// `r` is not already its memory, else `r`.
fn finish(r: Array, out: Option<&Array>) -> Result<Array> {
    match out {
        Some(o) if o.data_ptr() != r.data_ptr() || o.strides() != r.strides() => {
            assign(o, &r, Casting::Unsafe)?;
            Ok(o.view())
        }
        Some(o) => Ok(o.view()),
        None => Ok(r),
    }
}

/// NumPy's `matmul(a, b, out=out)`: the matrix product of the last two
/// axes, broadcasting the others; a 1-d `a` is a row and a 1-d `b` a
/// column, their axis removed from the result. `out` must have the result's
/// shape and accept its dtype under same_kind casting.
pub fn matmul(a: &Array, b: &Array, out: Option<&Array>) -> Result<Array> {
    for (i, x) in [a, b].iter().enumerate() {
        if x.ndim() == 0 {
            bail!(
                Value,
                "matmul: Input operand {i} does not have enough dimensions (has 0, gufunc core with signature {MATMUL_SIGNATURE} requires 1)"
            );
        }
    }
    let kind = common_kind("matmul", a, b)?;
    // A 1-d `a` is a row (1, k) and a 1-d `b` a column (k, 1).
    let (sa, sb) = (a.shape(), b.shape());
    let (m, k) = if a.ndim() == 1 {
        (1, sa[0])
    } else {
        (sa[sa.len() - 2], sa[sa.len() - 1])
    };
    let (k2, n) = if b.ndim() == 1 {
        (sb[0], 1)
    } else {
        (sb[sb.len() - 2], sb[sb.len() - 1])
    };
    if k != k2 {
        bail!(
            Value,
            "matmul: Input operand 1 has a mismatch in its core dimension 0, with gufunc signature {MATMUL_SIGNATURE} (size {k2} is different from {k})"
        );
    }
    let (a_batch, b_batch) = (
        &sa[..a.ndim().saturating_sub(2)],
        &sb[..b.ndim().saturating_sub(2)],
    );
    let batch = layout::broadcast_shapes(&[a_batch, b_batch]).map_err(|_| {
        crate::error::err!(
            Value,
            "operands could not be broadcast together with remapped shapes [original->remapped]: {}->{} {}->{}  and requested shape {}",
            tuple_compact(sa),
            remapped(a_batch, a.ndim()),
            tuple_compact(sb),
            remapped(b_batch, b.ndim()),
            tuple_compact(&[m, n])
        )
    })?;
    // The result's shape, without the axes of 1-d operands; `out` may add
    // batch axes the inputs broadcast to, as in NumPy.
    let core_shape: Vec<usize> = [(a.ndim() > 1, m), (b.ndim() > 1, n)]
        .iter()
        .filter(|(keep, _)| *keep)
        .map(|&(_, d)| d)
        .collect();
    let batch = match out {
        Some(o) => check_out(o, &batch, &core_shape, kind)?,
        None => batch.into_vec(),
    };
    let mut shape = batch.clone();
    shape.extend_from_slice(&core_shape);
    if batch.is_empty() {
        // One product (operands at most 2-d, `out` without batch axes):
        // the kernel reads the operands and writes the result as they
        // are, with no views made to give them both core axes.
        let lhs = ready(a, kind)?;
        let rhs = ready(b, kind)?;
        let r = destination(kind, &shape, out, [a, b])?;
        // SAFETY: as in `batched`: the operands' elements lie in their
        // buffers, `r` is writable and shares no memory with them.
        unsafe {
            kernel::matmul_2d(
                kind,
                m,
                n,
                k,
                core_mat(&r, a.ndim() == 1),
                core_mat(&lhs, true),
                core_mat(&rhs, false),
            )
        };
        return finish(r, out);
    }
    let a2 = if a.ndim() == 1 {
        a.expand_dims(&[0])?
    } else {
        a.view()
    };
    let b2 = if b.ndim() == 1 {
        b.expand_dims(&[1])?
    } else {
        b.view()
    };
    let full = |x: &Array, r: usize, c: usize| -> Result<Array> {
        let mut target = batch.clone();
        target.extend([r, c]);
        operand(&x.broadcast_to(&target)?, kind)
    };
    let lhs = full(&a2, m, k)?;
    let rhs = full(&b2, k, n)?;
    let r = destination(kind, &shape, out, [a, b])?;
    // The result (or out) seen with both core axes, for the kernel.
    let r_core = r.expand_dims(&expand_axes(a.ndim(), b.ndim(), shape.len()))?;
    batched(kind, &r_core, &lhs, &rhs)?;
    finish(r, out)
}

/// NumPy's "(2,3,4)->(2,newaxis,newaxis)" spelling of a batch shape.
fn remapped(batch: &[usize], ndim: usize) -> String {
    let mut parts: Vec<String> = batch.iter().map(|d| d.to_string()).collect();
    parts.extend(std::iter::repeat_n("newaxis".to_string(), ndim.min(2)));
    if parts.len() == 1 {
        format!("({},)", parts[0])
    } else {
        format!("({})", parts.join(","))
    }
}

/// Axes of the result to re-insert (as length 1) to see it with both core
/// axes: the row axis for a 1-d `a`, the column axis for a 1-d `b`.
fn expand_axes(a_ndim: usize, b_ndim: usize, out_ndim: usize) -> Vec<i64> {
    match (a_ndim == 1, b_ndim == 1) {
        (true, true) => vec![out_ndim as i64, out_ndim as i64 + 1],
        (true, false) => vec![out_ndim as i64 - 1],
        (false, true) => vec![out_ndim as i64],
        (false, false) => vec![],
    }
}

/// `out` for matmul: the product's own trailing axes (`core`), batch axes
/// the inputs' `batch` broadcasts to (its batch shape is returned),
/// writeable, and a dtype the result casts to under same_kind. NumPy's
/// messages.
fn check_out(o: &Array, batch: &[usize], core: &[usize], kind: Kind) -> Result<Vec<usize>> {
    let os = o.shape();
    let nc = core.len();
    if os.len() < nc {
        bail!(
            Value,
            "matmul: Output operand 0 does not have enough dimensions (has {}, gufunc core with signature {MATMUL_SIGNATURE} requires {nc})",
            os.len()
        );
    }
    for (c, &want) in core.iter().enumerate() {
        let have = os[os.len() - nc + c];
        if have != want {
            bail!(
                Value,
                "matmul: Output operand 0 has a mismatch in its core dimension {c}, with gufunc signature {MATMUL_SIGNATURE} (size {have} is different from {want})"
            );
        }
    }
    let out_batch = &os[..os.len() - nc];
    let fits = layout::broadcast_shapes(&[batch, out_batch]).is_ok_and(|b| b[..] == *out_batch);
    if !fits {
        let mut want = layout::broadcast_shapes(&[batch, out_batch])
            .unwrap_or_else(|_| layout::dims_of(batch));
        want.extend_from_slice(core);
        bail!(
            Value,
            "non-broadcastable output operand with shape {} doesn't match the broadcast shape {}",
            tuple_compact(os),
            tuple_compact(&want)
        );
    }
    o.check_writeable_out()?;
    let from = DType::scalar(kind);
    if !crate::dtype::can_cast(&from, o.dtype(), Casting::SameKind) {
        bail!(
            Type,
            "Cannot cast ufunc 'matmul' output from dtype('{from}') to dtype('{}') with casting rule 'same_kind'",
            o.dtype()
        );
    }
    Ok(out_batch.to_vec())
}

/// `a` (at least 1-d) with every axis but the last merged: (rows, k).
fn as_rows(a: &Array) -> Result<Array> {
    let k = a.shape()[a.ndim() - 1] as i64;
    let rows: usize = a.shape()[..a.ndim() - 1].iter().product();
    crate::manip::reshape_or_copy(a, &[rows as i64, k], Order::C)
}

/// NumPy's `dot(a, b, out=out)`: a scalar times an array when either is
/// 0-d; the inner product of 1-d arrays; otherwise the sum over the last
/// axis of `a` and the second-to-last of `b` (the last, for 1-d `b`).
/// `out` must be C-contiguous with exactly the result's dtype and shape,
/// as in NumPy.
pub fn dot(a: &Array, b: &Array, out: Option<&Array>) -> Result<Array> {
    if a.ndim() == 0 || b.ndim() == 0 {
        return arith::MULTIPLY.call(&[a, b], out);
    }
    let kind = common_kind("dot", a, b)?;
    let (ka, axis_b) = (a.shape()[a.ndim() - 1], b.ndim().saturating_sub(2));
    let kb = b.shape()[axis_b];
    if ka != kb {
        bail!(
            Value,
            "shapes {} and {} not aligned: {ka} (dim {}) != {kb} (dim {axis_b})",
            tuple_compact(a.shape()),
            tuple_compact(b.shape()),
            a.ndim() - 1
        );
    }
    // Result: a.shape[:-1] + b.shape[:-2] + b.shape[-1:].
    let mut shape: Vec<usize> = a.shape()[..a.ndim() - 1].to_vec();
    shape.extend_from_slice(&b.shape()[..axis_b]);
    if b.ndim() > 1 {
        shape.push(b.shape()[b.ndim() - 1]);
    }
    if let Some(o) = out {
        // NumPy counts a read-only `out` as not acceptable too.
        let acceptable = o.ndim() == shape.len()
            && o.dtype().kind() == Some(kind)
            && o.dtype().is_native()
            && o.flags().c_contiguous
            && o.is_writeable();
        if !acceptable {
            bail!(
                Value,
                "output array is not acceptable (must have the right datatype, number of dimensions, and be a C-Array)"
            );
        }
        if o.shape() != shape.as_slice() {
            bail!(Value, "output array has wrong dimensions");
        }
    }
    // b with the contracted axis first and the others merged: (k, cols).
    let bt = if b.ndim() == 1 {
        b.expand_dims(&[1])?
    } else {
        let mut axes: Vec<i64> = vec![axis_b as i64];
        axes.extend((0..b.ndim() as i64).filter(|&i| i != axis_b as i64));
        let t = b.transpose(Some(&axes))?;
        let cols: usize = t.shape()[1..].iter().product();
        crate::manip::reshape_or_copy(&t, &[kb as i64, cols as i64], Order::C)?
    };
    let lhs = operand(&as_rows(a)?, kind)?;
    let rhs = operand(&bt, kind)?;
    let r = destination(kind, &shape, out, [a, b])?;
    let (rows, cols) = (lhs.shape()[0], rhs.shape()[1]);
    let r2 = r.reshape(&[rows as i64, cols as i64], Order::C)?;
    batched(kind, &r2, &lhs, &rhs)?;
    finish(r, out)
}

/// NumPy's `vdot(a, b)`: the dot product of the flattened arrays, the
/// first conjugated. A 0-d result.
pub fn vdot(a: &Array, b: &Array) -> Result<Array> {
    let kind = common_kind("vdot", a, b)?;
    if a.size() != b.size() {
        bail!(
            Value,
            "cannot reshape array of size {} into shape ({},)",
            a.size(),
            b.size()
        );
    }
    let fa = crate::manip::ravel(a, Order::C)?;
    let fb = crate::manip::ravel(b, Order::C)?;
    let fa = if matches!(kind, Kind::Complex64 | Kind::Complex128) {
        crate::ufunc::unary::CONJUGATE.call(&[&fa], None)?
    } else {
        fa
    };
    dot(&fa, &fb, None)
}

/// NumPy's `inner(a, b)`: the sum over the last axes of both; a scalar
/// times an array when either is 0-d. Shape a.shape[:-1] + b.shape[:-1].
pub fn inner(a: &Array, b: &Array) -> Result<Array> {
    if a.ndim() == 0 || b.ndim() == 0 {
        return arith::MULTIPLY.call(&[a, b], None);
    }
    let kind = common_kind("inner", a, b)?;
    let (ka, kb) = (a.shape()[a.ndim() - 1], b.shape()[b.ndim() - 1]);
    if ka != kb {
        // NumPy names b with its last two axes swapped, as it sees it.
        let mut bs = b.shape().to_vec();
        let nb = bs.len();
        if nb >= 2 {
            bs.swap(nb - 2, nb - 1);
        }
        bail!(
            Value,
            "shapes {} and {} not aligned: {ka} (dim {}) != {kb} (dim {})",
            tuple_compact(a.shape()),
            tuple_compact(&bs),
            a.ndim() - 1,
            nb.saturating_sub(2)
        );
    }
    let mut shape: Vec<usize> = a.shape()[..a.ndim() - 1].to_vec();
    shape.extend_from_slice(&b.shape()[..b.ndim() - 1]);
    let lhs = operand(&as_rows(a)?, kind)?;
    let rhs = operand(&as_rows(b)?.transpose(None)?, kind)?;
    let r = Array::empty_scalar(kind, &shape)?;
    let (rows, cols) = (lhs.shape()[0], rhs.shape()[1]);
    batched(
        kind,
        &r.reshape(&[rows as i64, cols as i64], Order::C)?,
        &lhs,
        &rhs,
    )?;
    Ok(r)
}

/// NumPy's `outer(a, b, out=out)`: `a.ravel()[:, None] * b.ravel()[None, :]`.
pub fn outer(a: &Array, b: &Array, out: Option<&Array>) -> Result<Array> {
    let col = crate::manip::ravel(a, Order::C)?.expand_dims(&[1])?;
    let row = crate::manip::ravel(b, Order::C)?.expand_dims(&[0])?;
    arith::MULTIPLY.call(&[&col, &row], out)
}

/// NumPy's `tensordot(a, b, (axes_a, axes_b))`: the sum over the paired
/// axes, result shape a's other axes then b's other axes. One matrix
/// product after moving the summed axes together (views when the layout
/// allows, copies otherwise).
pub fn tensordot(a: &Array, b: &Array, axes_a: &[i64], axes_b: &[i64]) -> Result<Array> {
    if axes_a.len() != axes_b.len() {
        bail!(Value, "shape-mismatch for sum");
    }
    let norm = |x: &Array, axes: &[i64]| -> Result<Vec<usize>> {
        let mut out = Vec::with_capacity(axes.len());
        for &ax in axes {
            let ax = layout::normalize_axis(ax, x.ndim(), None)?;
            if out.contains(&ax) {
                bail!(Value, "repeated axis");
            }
            out.push(ax);
        }
        Ok(out)
    };
    let (sa, sb) = (norm(a, axes_a)?, norm(b, axes_b)?);
    if sa
        .iter()
        .zip(&sb)
        .any(|(&i, &j)| a.shape()[i] != b.shape()[j])
    {
        bail!(Value, "shape-mismatch for sum");
    }
    let free_a: Vec<usize> = (0..a.ndim()).filter(|i| !sa.contains(i)).collect();
    let free_b: Vec<usize> = (0..b.ndim()).filter(|i| !sb.contains(i)).collect();
    let prod =
        |x: &Array, axes: &[usize]| axes.iter().map(|&i| x.shape()[i]).product::<usize>() as i64;
    let order_a: Vec<i64> = free_a.iter().chain(&sa).map(|&i| i as i64).collect();
    let order_b: Vec<i64> = sb.iter().chain(&free_b).map(|&i| i as i64).collect();
    let a2 = crate::manip::reshape_or_copy(
        &a.transpose(Some(&order_a))?,
        &[prod(a, &free_a), prod(a, &sa)],
        Order::C,
    )?;
    let b2 = crate::manip::reshape_or_copy(
        &b.transpose(Some(&order_b))?,
        &[prod(b, &sb), prod(b, &free_b)],
        Order::C,
    )?;
    let r = dot(&a2, &b2, None)?;
    let shape: Vec<i64> = free_a
        .iter()
        .map(|&i| a.shape()[i])
        .chain(free_b.iter().map(|&i| b.shape()[i]))
        .map(|d| d as i64)
        .collect();
    r.reshape(&shape, Order::C)
}

/// NumPy's `trace(a, offset, axis1, axis2, dtype)`: the sums along
/// diagonals (of the axis1, axis2 planes), accumulated as `sum` does
/// (small integers in int64, or in `dtype`).
pub fn trace(
    a: &Array,
    offset: i64,
    axis1: i64,
    axis2: i64,
    dtype: Option<&DType>,
) -> Result<Array> {
    let d = a.diagonal(offset, axis1, axis2)?;
    let args = crate::ufunc::reduce::ReduceArgs {
        axes: Some(&[-1]),
        keepdims: false,
        dtype,
        initial: None,
        mask: None,
        out: None,
    };
    crate::ufunc::reduce::reduce(crate::ufunc::reduce_kernels::ReduceOp::Sum, &d, &args)
}
