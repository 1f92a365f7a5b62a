//! `cumsum` and `cumprod` (NumPy's `add.accumulate` / `multiply.accumulate`
//! behind them): `out[..., i, ...] = op(out[..., i-1, ...], x[..., i, ...])`
//! along one axis, sequentially as NumPy does, with the reductions' types
//! (`dtype=`, else `out=` joins the promotion, else small integers and
//! bools accumulate in int64/uint64).

use super::reduce::ReduceArgs;
use super::reduce_kernels::{ElemFn, ReduceOp};
use crate::array::Array;
use crate::dtype::Casting;
use crate::error::{Result, bail, err};
use crate::iter::for_each_run;
use crate::layout::{self, Order};
use crate::ufunc::cast::{assign, may_share_memory};

/// NumPy's `cumsum` (`op` Sum) or `cumprod` (`op` Prod) along `axis`, or
/// over the flattened array (C order) when `axis` is `None`.
pub fn accumulate(
    op: ReduceOp,
    a: &Array,
    axis: Option<i64>,
    dtype: Option<&crate::dtype::DType>,
    out: Option<&Array>,
) -> Result<Array> {
    if !matches!(op, ReduceOp::Sum | ReduceOp::Prod) {
        bail!(Value, "accumulate is defined for sums and products only");
    }
    if a.dtype().kind().is_none() {
        op.ufunc().resolve(&[a.dtype(), a.dtype()])?;
    }
    let (x, axis) = match axis {
        None => (crate::manip::ravel(a, Order::C)?, 0),
        Some(ax) if a.ndim() == 0 => {
            layout::normalize_axis(ax, 1, None)?;
            (a.reshape(&[1], Order::C)?, 0)
        }
        Some(ax) => (a.view(), layout::normalize_axis(ax, a.ndim(), None)?),
    };
    let args = ReduceArgs {
        dtype,
        out,
        ..Default::default()
    };
    let loop_dtype = op.loop_dtype(x.dtype(), &args)?;
    let kind = loop_dtype.kind().expect("scalar loop");
    let (_, elem) = op
        .kernels(kind)
        .ok_or_else(|| err!(Type, "no accumulation for {loop_dtype}"))?;
    let scalar_elem = op.scalar_elem(kind).unwrap_or(elem);
    if let Some(o) = out {
        if o.shape() != x.shape() {
            bail!(
                Value,
                "provided out is the wrong size for the accumulation."
            );
        }
        o.check_writeable()?;
    }
    let direct = match out {
        Some(o) if o.dtype() == &loop_dtype && !may_share_memory(o, a)? => Some(o.view()),
        _ => None,
    };
    let res = match &direct {
        Some(o) => o.view(),
        None => Array::empty(&loop_dtype, x.shape(), Order::C)?,
    };
    assign(&res, &x, Casting::Unsafe)?;
    // SAFETY: `res` is writeable memory of the loop dtype and `elem` its
    // kernel.
    unsafe { scan(&res, axis, elem, scalar_elem) };
    match out {
        Some(o) if direct.is_none() => {
            assign(o, &res, Casting::Unsafe)?;
            Ok(o.view())
        }
        Some(o) => Ok(o.view()),
        None => Ok(res),
    }
}

/// In place along `axis`: `r[i] = op(r[i], r[i-1])` for i = 1.. (add and
/// multiply commute, so this is NumPy's `op(r[i-1], x[i])`). Runs along the
/// axis that read their own output use `scalar_elem`, as NumPy's do.
///
/// # Safety
/// `r` is writeable and both kernels match its dtype.
unsafe fn scan(r: &Array, axis: usize, elem: ElemFn, scalar_elem: ElemFn) {
    let n = r.shape()[axis];
    if n <= 1 || r.size() == 0 {
        return;
    }
    let s = r.strides()[axis];
    let mut shape = r.shape().to_vec();
    let mut strides = r.strides().to_vec();
    shape.remove(axis);
    strides.remove(axis);
    let inner = strides
        .iter()
        .zip(&shape)
        .all(|(&o, &len)| len == 1 || s.unsigned_abs() <= o.unsigned_abs());
    // SAFETY (both arms): every pointer stays inside `r`.
    unsafe {
        if inner {
            // The axis is the most contiguous: one sequential run per
            // position of the other axes (the kernel reads what it just
            // wrote, in order).
            let kernel = if n > 2 { scalar_elem } else { elem };
            for_each_run(&shape, [r.data_ptr()], [&strides], |[p], [step], len| {
                for j in 0..len as isize {
                    let q = p.wrapping_offset(j * step);
                    kernel(q.wrapping_offset(s), s, q, s, n - 1);
                }
            });
        } else {
            // Slice by slice along the axis, each slice a vectorised
            // elementwise run over the other axes.
            for k in 1..n as isize {
                let cur = r.data_ptr().wrapping_offset(k * s);
                let prev = cur.wrapping_offset(-s);
                for_each_run(
                    &shape,
                    [cur, prev],
                    [&strides, &strides],
                    |[c, p], [sc, sp], len| elem(c, sc, p, sp, len),
                );
            }
        }
    }
}
