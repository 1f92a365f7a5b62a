//! `cumsum` and `cumprod` (NumPy's `add.accumulate` / `multiply.accumulate`
//! behind them): `out[..., i, ...] = op(out[..., i-1, ...], x[..., i, ...])`
//! along one axis, sequentially as NumPy does, with the reductions' types
//! (`dtype=`, else `out=` joins the promotion, else small integers and
//! bools accumulate in int64/uint64).

use super::reduce::ReduceArgs;
use super::reduce_kernels::{ElemFn, ReduceOp, ScanFn};
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
    let elem = op
        .step_kernel(kind)
        .ok_or_else(|| err!(Type, "no accumulation for {loop_dtype}"))?;
    let scan_fn = op
        .scan_kernel(kind)
        .ok_or_else(|| err!(Type, "no accumulation for {loop_dtype}"))?;
    if let Some(o) = out {
        if o.shape() != x.shape() {
            bail!(
                Value,
                "provided out is the wrong size for the accumulation."
            );
        }
        o.check_writeable_out()?;
    }
    let direct = match out {
        Some(o) if o.dtype() == &loop_dtype && !may_share_memory(o, a)? => Some(o.view()),
        _ => None,
    };
    let res = match &direct {
        Some(o) => o.view(),
        None => Array::empty(&loop_dtype, x.shape(), Order::C)?,
    };
    // SAFETY: `res` is writeable memory of the loop dtype, not overlapping
    // `x`, of x's shape; `elem` and `scan_fn` are its kernels.
    let fused = unsafe { scan_from(&res, &x, axis, scan_fn) };
    if !fused {
        assign(&res, &x, Casting::Unsafe)?;
        // SAFETY: as above.
        unsafe { scan(&res, axis, elem, scan_fn) };
    }
    match out {
        Some(o) if direct.is_none() => {
            assign(o, &res, Casting::Unsafe)?;
            Ok(o.view())
        }
        Some(o) => Ok(o.view()),
        None => Ok(res),
    }
}

/// Elements `scan_from` casts and scans at a time: the block is still in
/// cache when the scan reads it back.
const SCAN_BLOCK: usize = 4096;

/// The common layout in one pass: when `axis` is `r`'s most contiguous axis
/// and dense in `r`, each run along it is filled from `x` (cast into the
/// loop dtype) a block at a time, and the block scanned while in cache,
/// instead of copying all of `x` and scanning all of `r` afterwards (half
/// the memory traffic). The additions are the same, in the same order.
/// False (nothing written) for other layouts.
///
/// # Safety
/// `r` is writeable, of the loop dtype `kernel` works on, has `x`'s shape
/// and does not overlap it.
unsafe fn scan_from(r: &Array, x: &Array, axis: usize, scan: ScanFn) -> bool {
    let (Some(from), Some(to)) = (x.dtype().as_scalar(), r.dtype().kind()) else {
        return false;
    };
    let n = r.shape()[axis];
    let s = r.strides()[axis];
    if r.size() == 0 || s != to.size() as isize {
        return false;
    }
    if !layout::axis_is_innermost(r.shape(), r.strides(), axis) {
        return false;
    }
    let shape = layout::without_axis(r.shape(), axis);
    let strides = layout::without_axis(r.strides(), axis);
    let x_strides = layout::without_axis(x.strides(), axis);
    let cast = crate::ufunc::cast::cast_run_fn(from.kind(), to);
    let (swap, xs) = (!from.is_native(), x.strides()[axis]);
    // SAFETY: every pointer stays inside `r` or `x` (caller).
    unsafe {
        for_each_run(
            &shape,
            [r.data_ptr(), x.data_ptr()],
            [&strides, &x_strides],
            |[pr, px], [step_r, step_x], len| {
                for j in 0..len as isize {
                    let (rp, xp) = (
                        pr.wrapping_offset(j * step_r),
                        px.wrapping_offset(j * step_x),
                    );
                    let mut done = 0;
                    while done < n {
                        let m = (n - done).min(SCAN_BLOCK);
                        let at = rp.wrapping_offset(done as isize * s);
                        cast(xp.wrapping_offset(done as isize * xs), xs, swap, at, m);
                        // From the element before the block on (its running
                        // value), or from the run's first element.
                        if done == 0 {
                            scan(at, s, m);
                        } else {
                            scan(at.wrapping_offset(-s), s, m + 1);
                        }
                        done += m;
                    }
                }
            },
        )
    };
    true
}

/// In place along `axis`: NumPy's `r[i] = op(r[i-1], r[i])` for i = 1..:
/// runs along the axis with `scan_run` (the running value in a register,
/// NumPy's operand order and scalar-loop operations); otherwise slice by
/// slice with `elem` (`out = op(prev, out)`).
///
/// # Safety
/// `r` is writeable and both kernels match its dtype.
unsafe fn scan(r: &Array, axis: usize, elem: ElemFn, scan_run: ScanFn) {
    let n = r.shape()[axis];
    if n <= 1 || r.size() == 0 {
        return;
    }
    let s = r.strides()[axis];
    let shape = layout::without_axis(r.shape(), axis);
    let strides = layout::without_axis(r.strides(), axis);
    let inner = layout::axis_is_innermost(r.shape(), r.strides(), axis);
    // SAFETY (both arms): every pointer stays inside `r`.
    unsafe {
        if inner {
            // The axis is the most contiguous: one sequential run per
            // position of the other axes (the kernel reads what it just
            // wrote, in order).
            for_each_run(&shape, [r.data_ptr()], [&strides], |[p], [step], len| {
                for j in 0..len as isize {
                    scan_run(p.wrapping_offset(j * step), s, n);
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
