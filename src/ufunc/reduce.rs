//! Reductions (`sum`, `prod`, `min`, `max`, `any`, `all`, `mean`) as
//! NumPy's `ufunc.reduce`: the accumulator is an operand with stride 0
//! along the reduced axes, walked by the loop engine together with the
//! input (see `reduce_kernels` for the two run shapes).
//!
//! Types as NumPy 2: `dtype=` selects the loop (the input is cast to it
//! unsafely); otherwise `out=` joins the promotion (`add.reduce(int8, out=
//! int16)` adds in int16); otherwise sums and products of bools and small
//! integers accumulate in int64/uint64. The result is cast into `out`
//! unsafely, as NumPy's reductions do.

use super::reduce_kernels::{ElemFn, ReduceOp, RunFn};
use super::{arith, compare, logic};
use crate::array::Array;
use crate::dtype::{Casting, DType, Kind, KindClass, Value};
use crate::error::{Result, bail, err};
use crate::iter::{REDUCE_PARALLEL_MIN, for_each_run, for_each_run_outer_par};
use crate::layout::{self, Order};
use crate::ufunc::Ufunc;
use crate::ufunc::cast::{
    CastRunFn, assign, astype, cast_run_fn, check_can_cast, fill_value, may_share_memory,
};

/// NumPy's keyword arguments of a reduction.
#[derive(Clone, Copy, Default)]
pub struct ReduceArgs<'a> {
    /// The axes to reduce; `None` reduces all of them (`axis=None`).
    pub axes: Option<&'a [i64]>,
    pub keepdims: bool,
    /// The accumulator dtype (`dtype=`).
    pub dtype: Option<&'a DType>,
    /// The starting value (`initial=`), a 0-d array (weak scalars follow
    /// NEP 50: an integer must fit the accumulator).
    pub initial: Option<&'a Array>,
    /// Elements to include (`where=`), broadcast to the input.
    pub mask: Option<&'a Array>,
    pub out: Option<&'a Array>,
}

impl ReduceOp {
    /// The ufunc whose `reduce` this is.
    pub fn ufunc(self) -> &'static Ufunc {
        match self {
            ReduceOp::Sum => &arith::ADD,
            ReduceOp::Prod => &arith::MULTIPLY,
            ReduceOp::Min => &compare::MINIMUM,
            ReduceOp::Max => &compare::MAXIMUM,
            ReduceOp::Any => &logic::LOGICAL_OR,
            ReduceOp::All => &logic::LOGICAL_AND,
        }
    }

    /// Should long runs be folded in halves on two threads? Only if the
    /// result is the same however a run is grouped: not for float and
    /// complex sums and products, which round differently (NumPy's
    /// pairwise tree fixes theirs); min/max keep the first NaN met when
    /// halves combine left first, and integers wrap.
    fn regroupable(self, kind: Kind) -> bool {
        match self {
            ReduceOp::Sum | ReduceOp::Prod => {
                !matches!(kind.class(), KindClass::Float | KindClass::Complex)
            }
            ReduceOp::Min | ReduceOp::Max => true,
            // Regroupable, but they stop at the first deciding element:
            // halves would scan on after the left one has decided.
            ReduceOp::Any | ReduceOp::All => false,
        }
    }

    fn identity(self) -> Option<Value> {
        match self {
            ReduceOp::Sum => Some(Value::Int(0)),
            ReduceOp::Prod => Some(Value::Int(1)),
            ReduceOp::Any => Some(Value::Bool(false)),
            ReduceOp::All => Some(Value::Bool(true)),
            ReduceOp::Min | ReduceOp::Max => None,
        }
    }

    /// The accumulator dtype NumPy chooses.
    pub(crate) fn loop_dtype(self, input: &DType, args: &ReduceArgs) -> Result<DType> {
        if matches!(self, ReduceOp::Any | ReduceOp::All) {
            return Ok(DType::scalar(Kind::Bool));
        }
        let u = self.ufunc();
        let pick = |a: &DType, b: &DType| -> Result<DType> {
            Ok(DType::scalar(u.resolve(&[a, b])?.types[2]))
        };
        if let Some(d) = args.dtype {
            let Some(k) = d.kind() else {
                bail!(
                    Type,
                    "reduction dtype must be a numeric or boolean dtype, not {}",
                    d
                );
            };
            if !d.is_native() {
                bail!(
                    Type,
                    "The `dtype` and `signature` arguments to ufuncs only select the general DType and not details such as the byte order or time unit. You can avoid this error by using the scalar types `np.float64` or the dtype string notation."
                );
            }
            let d = DType::scalar(k);
            return pick(&d, &d);
        }
        if let Some(o) = args.out {
            return pick(input, o.dtype());
        }
        let default = match (self, input.kind().map(|k| k.class())) {
            (ReduceOp::Sum | ReduceOp::Prod, Some(KindClass::Bool | KindClass::Signed)) => {
                match input.kind() {
                    Some(Kind::Int64) => None,
                    _ => Some(DType::scalar(Kind::Int64)),
                }
            }
            (ReduceOp::Sum | ReduceOp::Prod, Some(KindClass::Unsigned)) => match input.kind() {
                Some(Kind::UInt64) => None,
                _ => Some(DType::scalar(Kind::UInt64)),
            },
            _ => None,
        };
        let d = default.unwrap_or_else(|| input.clone());
        pick(&d, &d)
    }
}

/// Which axes of an `ndim`-d array `axes` names (NumPy's rules: `None` is
/// all; a 0-d array accepts axis 0 and -1 as all).
pub fn reduced_axes(axes: Option<&[i64]>, ndim: usize) -> Result<Vec<bool>> {
    let mut reduced = vec![axes.is_none(); ndim];
    if let Some(axes) = axes {
        if ndim == 0 && axes.iter().all(|&a| a == 0 || a == -1) {
            return Ok(reduced);
        }
        for &a in axes {
            let i = layout::normalize_axis(a, ndim, None)?;
            if reduced[i] {
                bail!(Value, "duplicate value in 'axis'");
            }
            reduced[i] = true;
        }
    }
    Ok(reduced)
}

/// The result shape with the reduced axes kept as length one.
fn keepdims_shape(shape: &[usize], reduced: &[bool]) -> layout::Dims {
    shape
        .iter()
        .zip(reduced)
        .map(|(&n, &r)| if r { 1 } else { n })
        .collect()
}

/// Drop the reduced (length-one) axes of `a` unless `keepdims`.
fn squeeze_reduced(a: &Array, reduced: &[bool], keepdims: bool) -> Result<Array> {
    if keepdims {
        return Ok(a.view());
    }
    a.view_with(
        a.offset(),
        a.dtype().clone(),
        layout::without_axes(a.shape(), reduced),
        layout::without_axes(a.strides(), reduced),
    )
}

/// `initial` converted to the accumulator kind: weak integers must fit
/// (NEP 50), anything else converts unsafely.
fn initial_value(initial: &Array, kind: Kind) -> Result<Value> {
    if initial.size() != 1 {
        bail!(Value, "setting an array element with a sequence.");
    }
    let index = vec![0i64; initial.ndim()];
    let v = initial.get(&index)?;
    if initial.is_weak()
        && matches!(v, Value::Int(_) | Value::UInt(_))
        && matches!(kind.class(), KindClass::Signed | KindClass::Unsigned)
        && !v.int_fits(kind)
    {
        return Err(super::engine::int_out_of_bounds(v, &DType::scalar(kind)));
    }
    Ok(v)
}

/// Check `out` against the result (NumPy's messages where it has simple
/// ones): dimensions, shape, writeable.
fn check_out(op: ReduceOp, out: &Array, result_shape: &[usize], keepdims: bool) -> Result<()> {
    if out.ndim() != result_shape.len() {
        bail!(
            Value,
            "output parameter for reduction operation {} has the wrong number of dimensions: Found {} but expected {}{}",
            op.ufunc().name,
            out.ndim(),
            result_shape.len(),
            if keepdims {
                " (must match the operand's when keepdims=True)"
            } else {
                ""
            }
        );
    }
    if out.shape() != result_shape {
        bail!(
            Shape,
            "output array of shape {} does not match the reduction's result shape {}",
            crate::text::tuple(out.shape()),
            crate::text::tuple(result_shape)
        );
    }
    out.check_writeable_out()
}

/// NumPy's `ufunc.reduce` for the reductions ndcore has.
pub fn reduce(op: ReduceOp, a: &Array, args: &ReduceArgs) -> Result<Array> {
    let Some(_) = a.dtype().kind() else {
        // Records and sub-arrays: NumPy's "no loop" message.
        op.ufunc().resolve(&[a.dtype(), a.dtype()])?;
        bail!(Type, "cannot reduce dtype {}", a.dtype());
    };
    let reduced = reduced_axes(args.axes, a.ndim())?;
    let loop_dtype = op.loop_dtype(a.dtype(), args)?;
    let kind = loop_dtype.kind().expect("scalar loop");
    let (run, elem) = op
        .kernels(kind)
        .ok_or_else(|| err!(Type, "no {:?} reduction for {}", op, loop_dtype))?;

    let kshape = keepdims_shape(a.shape(), &reduced);
    if let Some(r) = reduce_dense(op, a, args, &reduced, &loop_dtype, run, &kshape)? {
        return Ok(r);
    }
    let rshape = if args.keepdims {
        kshape.clone()
    } else {
        layout::without_axes(a.shape(), &reduced)
    };
    if let Some(o) = args.out {
        check_out(op, o, &rshape, args.keepdims)?;
    }
    let mask = match args.mask {
        Some(m) => {
            // Only bool casts to bool safely: the mask is a bool array.
            check_can_cast(m.dtype(), &DType::scalar(Kind::Bool), Casting::Safe)?;
            // NumPy's iterator messages (the mask is mapped onto the input's
            // axes, hence "remapped", and the trailing space).
            Some(m.broadcast_to(a.shape()).map_err(|_| {
                if m.ndim() > a.ndim() {
                    err!(
                        Shape,
                        "input operand has more dimensions than allowed by the axis remapping"
                    )
                } else {
                    err!(
                        Shape,
                        "operands could not be broadcast together with remapped shapes [original->remapped]: {} {} ",
                        crate::text::tuple_compact(a.shape()),
                        crate::text::tuple_compact(m.shape())
                    )
                }
            })?)
        }
        None => None,
    };

    // Where the loop accumulates: `out` itself when it has the loop dtype
    // and does not overlap the input; else a new array cast into `out`.
    let direct = match args.out {
        Some(o) if o.dtype() == &loop_dtype && !may_share_memory(o, a)? => Some(o.view()),
        _ => None,
    };
    let acc = match &direct {
        Some(o) => o.reshape(
            &kshape.iter().map(|&n| n as i64).collect::<Vec<_>>(),
            Order::C,
        )?,
        None => Array::empty(&loop_dtype, &kshape, Order::C)?,
    };
    let reduced_count: usize = (0..a.ndim())
        .filter(|&i| reduced[i])
        .map(|i| a.shape()[i])
        .product();

    // Start values: `initial`, the identity, or (min/max) the first element
    // along the reduced axes, which the loop then skips. NumPy keeps the
    // running value in `out`, so a start value passes through out's dtype.
    let start = args.initial.map(|i| initial_value(i, kind)).transpose()?;
    let mut parts = vec![a.view()];
    match start.or(op.identity()) {
        Some(v) => fill_value(&acc, v)?,
        None => {
            if mask.is_some() {
                bail!(
                    Value,
                    "reduction operation '{}' does not have an identity, so to use a where mask one has to specify 'initial'",
                    op.ufunc().name
                );
            }
            if reduced_count == 0 {
                bail!(
                    Value,
                    "zero-size array to reduction operation {} which has no identity",
                    op.ufunc().name
                );
            }
            if acc.size() > 0 {
                assign(&acc, &first_along(a, &reduced)?, Casting::Unsafe)?;
                parts = after_first(a, &reduced)?;
            }
        }
    }
    if let Some(o) = args.out.filter(|o| o.dtype() != &loop_dtype) {
        let through = astype(&acc, o.dtype(), Casting::Unsafe, Order::K)?;
        assign(&acc, &through, Casting::Unsafe)?;
    }

    for part in parts.iter().filter(|p| p.size() > 0) {
        let acc_strides: layout::Strides = acc
            .strides()
            .iter()
            .zip(&reduced)
            .map(|(&s, &r)| if r { 0 } else { s })
            .collect();
        let wants_copy =
            layout::reduce_wants_copy(part.shape(), part.strides(), &acc_strides, part.itemsize());
        // An input of another dtype is cast a block at a time as the loop
        // reaches it (NumPy's buffered iterator), unless it is copied
        // anyway (a dense copy gives longer runs) or masked.
        let (x, cast) = match (part.dtype().as_scalar(), loop_dtype.kind()) {
            (Some(from), Some(to))
                if part.dtype() != &loop_dtype && !wants_copy && mask.is_none() =>
            {
                let cast = CastBlocks {
                    func: cast_run_fn(from.kind(), to),
                    swap: !from.is_native(),
                    itemsize: to.size(),
                };
                (part.view(), Some(cast))
            }
            _ if part.dtype() != &loop_dtype => {
                (astype(part, &loop_dtype, Casting::Unsafe, Order::K)?, None)
            }
            _ if wants_copy => (astype(part, part.dtype(), Casting::No, Order::K)?, None),
            _ => (part.view(), None),
        };
        let acc_full = acc.view_with(
            acc.offset(),
            loop_dtype.clone(),
            layout::dims_of(x.shape()),
            acc_strides,
        )?;
        // SAFETY: `acc_full` and `x` (and the mask) describe `x.shape()`
        // inside their buffers; the kernels match the loop dtype.
        let m = match &mask {
            // NumPy buffers the mask: laid out like the input, it never
            // stops the input's axes from merging into longer runs.
            Some(m) => {
                let dense = x.empty_like(&DType::scalar(Kind::Bool), Order::K)?;
                assign(&dense, m, Casting::Unsafe)?;
                Some(dense)
            }
            None => None,
        };
        let split = op.regroupable(kind);
        let fold = Fold::new(op, kind, elem);
        unsafe { run_reduction(&x, &acc_full, m.as_ref(), (run, fold), cast, split) };
    }

    let result = squeeze_reduced(&acc, &reduced, args.keepdims)?;
    match args.out {
        Some(o) if direct.is_none() => {
            assign(o, &result, Casting::Unsafe)?;
            Ok(o.view())
        }
        Some(o) => Ok(o.view()),
        None => Ok(result),
    }
}

/// `reduce` of a whole C-contiguous array already of the loop dtype, with
/// no `out`, `where` or `initial`, short enough for one thread (`a.sum()`
/// of a small array): the one run call the general path below would make
/// (the engine merges such an input into a single run with the
/// accumulator's stride 0), without its views, copies and walk. From C, a
/// ten-element float64 sum took 1.16-1.52 us, most of it that setup; it
/// takes 0.20-0.23 us this way. `None` when the general path must run.
/// Min and max, which start from the first element, take it only in one
/// dimension, where the rest is one part.
fn reduce_dense(
    op: ReduceOp,
    a: &Array,
    args: &ReduceArgs,
    reduced: &[bool],
    loop_dtype: &DType,
    run: RunFn,
    kshape: &[usize],
) -> Result<Option<Array>> {
    let n = a.size();
    let identity = op.identity();
    if args.out.is_some()
        || args.mask.is_some()
        || args.initial.is_some()
        || a.ndim() == 0
        || !reduced.iter().all(|&r| r)
        || a.dtype() != loop_dtype
        || n >= REDUCE_PARALLEL_MIN
        || !layout::is_c_contiguous(a.shape(), a.strides(), a.itemsize())
        || (identity.is_none() && (n == 0 || a.ndim() != 1))
    {
        return Ok(None);
    }
    let Some(st) = loop_dtype.as_scalar() else {
        return Ok(None);
    };
    let shape = if args.keepdims { kshape } else { &[] };
    let acc = Array::empty(loop_dtype, shape, Order::C)?;
    let (pa, x, step) = (acc.data_ptr(), a.data_ptr(), a.itemsize() as isize);
    // SAFETY: `a` holds `n` contiguous elements of the loop dtype from
    // `x`; `acc` one, which the identity or the first element sets first.
    unsafe {
        match identity {
            Some(v) => {
                crate::dtype::write_value(pa, st, v);
                if n > 0 {
                    run(pa, x, step, n);
                }
            }
            None => {
                std::ptr::copy_nonoverlapping(x, pa, a.itemsize());
                if n > 1 {
                    run(pa, x.wrapping_offset(step), step, n - 1);
                }
            }
        }
    }
    Ok(Some(acc))
}

/// The elements at index 0 of every reduced axis (a view).
fn first_along(a: &Array, reduced: &[bool]) -> Result<Array> {
    let shape = keepdims_shape(a.shape(), reduced);
    a.view_with(a.offset(), a.dtype().clone(), shape, a.strides().to_vec())
}

/// The elements of `a` after the first along the reduced axes, as disjoint
/// views in the order the loop would meet them (memory order): taking the
/// reduced axes from outermost to innermost, part k has index 0 on the
/// reduced axes outside k, 1.. on k, everything on the rest; the parts run
/// innermost first. (The order matters only for which NaN a complex
/// min/max returns: the first one met, as in NumPy.)
fn after_first(a: &Array, reduced: &[bool]) -> Result<Vec<Array>> {
    let mut parts = Vec::new();
    let mut shape = a.shape().to_vec();
    for k in layout::keep_order_perm(a.shape(), &[a.strides()]) {
        if !reduced[k] {
            continue;
        }
        let mut part_shape = shape.clone();
        part_shape[k] -= 1;
        parts.push(a.view_with(
            a.offset() + a.strides()[k],
            a.dtype().clone(),
            part_shape,
            a.strides().to_vec(),
        )?);
        shape[k] = 1;
    }
    parts.reverse();
    Ok(parts)
}

/// Elements cast per block when a reduction's input is not in the loop
/// dtype: NumPy's default buffer size, so float sums group their pairwise
/// additions as NumPy's buffered reductions do.
const CAST_BLOCK: usize = 8192;

/// Casting an input run into the loop dtype a block at a time.
#[derive(Clone, Copy)]
struct CastBlocks {
    func: CastRunFn,
    swap: bool,
    /// The loop dtype's element size.
    itemsize: usize,
}

thread_local! {
    /// Each thread's block of cast elements (u64 words: aligned for every
    /// loop dtype).
    static CAST_SCRATCH: std::cell::RefCell<Vec<u64>> = const { std::cell::RefCell::new(Vec::new()) };
}

impl CastBlocks {
    /// Cast the `n` elements at `px` (stride `sx`) block by block, calling
    /// `f(index of the block's first element, block, length)` on each.
    ///
    /// # Safety
    /// `n` elements at `px` with stride `sx` are valid reads.
    unsafe fn each_block(
        self,
        px: *mut u8,
        sx: isize,
        n: usize,
        mut f: impl FnMut(usize, *const u8, usize),
    ) {
        // Taken out of the thread's slot while in use, so a nested walk on
        // this thread (a rayon task run while waiting) finds it empty and
        // allocates its own instead of sharing it.
        let mut scratch = CAST_SCRATCH.with(|s| std::mem::take(&mut *s.borrow_mut()));
        let words = (n.min(CAST_BLOCK) * self.itemsize).div_ceil(8);
        if scratch.len() < words {
            scratch.resize(words, 0);
        }
        let block = scratch.as_mut_ptr() as *mut u8;
        let mut done = 0;
        while done < n {
            let len = (n - done).min(CAST_BLOCK);
            // SAFETY: the caller's run holds these elements; the scratch
            // holds `len` loop-dtype elements.
            unsafe {
                (self.func)(
                    px.wrapping_offset(done as isize * sx),
                    sx,
                    self.swap,
                    block,
                    len,
                )
            };
            f(done, block, len);
            done += len;
        }
        CAST_SCRATCH.with(|s| *s.borrow_mut() = scratch);
    }
}

/// How a reduction folds a run of inputs into a run of accumulators,
/// element by element (`sum(axis=0)` of a C-ordered matrix is this, once
/// per row): the ufunc's own loop on the accumulator type where it has
/// one, as NumPy's reduce does (its dense loops are AVX2-dispatched and
/// safe in place), else the reduction's kernel, which is compiled for the
/// baseline CPU. Measured from C, one thread, the float64 sum of a 4096^2
/// matrix over axis 0: 15.3-16.2 GB/s with the kernel, 18.8-19.7 with
/// the loop (NumPy 18.3-19.0 from Python). Every reduction and kind has
/// such a loop today; the kernel stays as the fallback for a ufunc that
/// lacks one and as the reference `the_ufunc_loop_folds_as_the_kernel`
/// checks the loops against.
#[derive(Clone, Copy)]
enum Fold {
    Loop(crate::ufunc::engine::LoopFn),
    Elem(ElemFn),
}

impl Fold {
    fn new(op: ReduceOp, kind: Kind, elem: ElemFn) -> Fold {
        match op.ufunc().same_type_loop(kind) {
            Some(f) => Fold::Loop(f),
            None => Fold::Elem(elem),
        }
    }

    /// `out[i] = op(out[i], x[i])` for `n` elements (strides in bytes).
    ///
    /// # Safety
    /// As `ElemFn`: `n` elements at each address with its stride.
    #[inline]
    unsafe fn call(self, out: *mut u8, so: isize, x: *const u8, sx: isize, n: usize) {
        // SAFETY: forwarded; the loop reads `out` and `x` and writes `out`
        // element by element (in place is allowed).
        unsafe {
            match self {
                Fold::Loop(f) => f(&[out, x as *mut u8, out], &[so, sx, so], n),
                Fold::Elem(e) => e(out, so, x, sx, n),
            }
        }
    }
}

/// Fold elements `start..start + n` of a run into the accumulator at
/// address `acc`, in halves on the team from `REDUCE_PARALLEL_MIN` elements:
/// the left half into `acc`, the right into a scratch accumulator that
/// starts as its first element (`first`), then `combine(acc, scratch)`.
/// Only for reductions whose result does not depend on the grouping.
/// Addresses cross threads as integers.
///
/// # Safety
/// `fold`, `first` and `combine` must be valid on the run's elements and
/// on accumulators of at most 16 bytes.
unsafe fn fold_halves(
    acc: usize,
    start: usize,
    n: usize,
    fold: &(impl Fn(*mut u8, usize, usize) + Sync),
    first: &(impl Fn(*mut u8, usize) + Sync),
    combine: &(impl Fn(*mut u8, *const u8) + Sync),
) {
    if n < REDUCE_PARALLEL_MIN {
        return fold(acc as *mut u8, start, n);
    }
    let mid = n / 2;
    // Aligned for every accumulator type (complex128 is the largest).
    let mut right = [0u64; 2];
    let r = right.as_mut_ptr() as usize;
    // SAFETY: forwarded; the halves are disjoint and `right` outlives both.
    unsafe {
        crate::iter::team::join(
            || fold_halves(acc, start, mid, fold, first, combine),
            || {
                first(r as *mut u8, start + mid);
                fold_halves(r, start + mid + 1, n - mid - 1, fold, first, combine)
            },
        );
    }
    combine(acc as *mut u8, r as *const u8);
}

/// Walk `x` with the accumulator `acc` (stride 0 on reduced axes) and an
/// optional mask, calling the run or elementwise kernel per 1-d run.
///
/// # Safety
/// All operands describe `x.shape()` inside their buffers; the kernels
/// match the accumulator's dtype; `acc` does not overlap `x`.
unsafe fn run_reduction(
    x: &Array,
    acc: &Array,
    mask: Option<&Array>,
    (run, fold): (RunFn, Fold),
    cast: Option<CastBlocks>,
    split: bool,
) {
    let shape = x.shape();
    let size = acc.itemsize();
    // Fold the reduce run at `px` into `pa`, in halves on the team when
    // long and `split` (see `fold_halves`).
    // SAFETY (the closures): they run only on runs and accumulators the
    // engine hands out below, which the caller vouches for.
    let reduce_run = |pa: *mut u8, px: *mut u8, sx: isize, n: usize| {
        // The run's address crosses threads as an integer (only read).
        let base = px as usize;
        let at = move |i: usize| (base as *mut u8).wrapping_offset(i as isize * sx);
        let fold = |acc: *mut u8, start: usize, len: usize| unsafe {
            match cast {
                None => run(acc, at(start), sx, len),
                Some(c) => {
                    c.each_block(at(start), sx, len, |_, b, l| run(acc, b, size as isize, l))
                }
            }
        };
        let first = |acc: *mut u8, i: usize| unsafe {
            match cast {
                None => std::ptr::copy_nonoverlapping(at(i), acc, size),
                Some(c) => (c.func)(at(i), sx, c.swap, acc, 1),
            }
        };
        let combine = |acc: *mut u8, other: *const u8| unsafe { run(acc, other, size as isize, 1) };
        if split && n >= REDUCE_PARALLEL_MIN {
            unsafe { fold_halves(pa as usize, 0, n, &fold, &first, &combine) };
        } else {
            fold(pa, 0, n);
        }
    };
    // The input is operand 0: the loop follows its layout, so a reduction
    // over its contiguous axis becomes reduce runs (pairwise sums), as in
    // NumPy's iterator.
    unsafe {
        match (mask, cast) {
            (None, cast) => for_each_run_outer_par(
                shape,
                [x.data_ptr(), acc.data_ptr()],
                [x.strides(), acc.strides()],
                1,
                |[px, pa], [sx, sa], n| match (sa, cast) {
                    (0, _) => reduce_run(pa, px, sx, n),
                    (_, None) => fold.call(pa, sa, px, sx, n),
                    (_, Some(c)) => c.each_block(px, sx, n, |offset, block, len| {
                        let at = pa.wrapping_offset(offset as isize * sa);
                        fold.call(at, sa, block, c.itemsize as isize, len)
                    }),
                },
            ),
            (Some(m), _) => for_each_run(
                shape,
                [x.data_ptr(), acc.data_ptr(), m.data_ptr()],
                [x.strides(), acc.strides(), m.strides()],
                |[px, pa, pm], [sx, sa, sm], n| {
                    // Sub-runs of consecutive selected elements, as NumPy's
                    // masked loop calls the inner loop.
                    let mut i = 0;
                    while i < n {
                        while i < n && *pm.wrapping_offset(i as isize * sm) == 0 {
                            i += 1;
                        }
                        let start = i;
                        while i < n && *pm.wrapping_offset(i as isize * sm) != 0 {
                            i += 1;
                        }
                        if i > start {
                            let (o, len) = (start as isize, i - start);
                            let px = px.wrapping_offset(o * sx);
                            if sa == 0 {
                                run(pa, px, sx, len)
                            } else {
                                fold.call(pa.wrapping_offset(o * sa), sa, px, sx, len)
                            }
                        }
                    }
                },
            ),
        }
    }
}

/// NumPy's `mean`: the sum in float64 for integers and bools (float32 for
/// float16, whose result is cast back), divided by the number of elements
/// (per output element under a `where` mask).
pub fn mean(a: &Array, args: &ReduceArgs) -> Result<Array> {
    let Some(k) = a.dtype().kind() else {
        return reduce(ReduceOp::Sum, a, args);
    };
    let f16_input = k == Kind::Float16 && args.dtype.is_none();
    let acc_dtype = match (args.dtype, k.class()) {
        (Some(d), _) => Some(d.clone()),
        (None, KindClass::Bool | KindClass::Signed | KindClass::Unsigned) => {
            Some(DType::scalar(Kind::Float64))
        }
        (None, _) if f16_input => Some(DType::scalar(Kind::Float32)),
        _ => None,
    };
    // NumPy's mean broadcasts the mask to count it before it sums (with
    // broadcast_to's message when it does not fit).
    let selected = args.mask.map(|m| m.broadcast_to(a.shape())).transpose()?;
    let sum_args = ReduceArgs {
        dtype: acc_dtype.as_ref(),
        ..*args
    };
    let sum = reduce(ReduceOp::Sum, a, &sum_args)?;
    let reduced = reduced_axes(args.axes, a.ndim())?;
    let quotient = match selected {
        None => {
            let count: usize = (0..a.ndim())
                .filter(|&i| reduced[i])
                .map(|i| a.shape()[i])
                .product();
            // NumPy divides by an intp scalar (strong: float32 sums divide
            // in float64, then round back).
            let n = Array::empty_scalar(Kind::Int64, &[])?;
            fill_value(&n, Value::Int(count as i64))?;
            arith::TRUE_DIVIDE.call(&[&sum, &n], None)?
        }
        Some(selected) => {
            // The sum above accepted the mask: a bool array broadcastable to `a`.
            let counts = reduce(
                ReduceOp::Sum,
                &selected,
                &ReduceArgs {
                    axes: args.axes,
                    keepdims: args.keepdims,
                    ..Default::default()
                },
            )?;
            arith::TRUE_DIVIDE.call(&[&sum, &counts], None)?
        }
    };
    // NumPy divides into the sum's own array (casting unsafely).
    let target = if sum.ndim() == 0 && args.out.is_none() {
        Array::empty(sum.dtype(), &[], Order::C)?
    } else {
        sum
    };
    assign(&target, &quotient, Casting::Unsafe)?;
    if f16_input && args.out.is_none() {
        return astype(
            &target,
            &DType::scalar(Kind::Float16),
            Casting::Unsafe,
            Order::K,
        );
    }
    Ok(target)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The ufunc's loop folds exactly as the reduction's own kernel, for
    /// every reduction and accumulator kind that has both: NaN, infinities,
    /// signed zeros and values that wrap in small integer types.
    #[test]
    fn the_ufunc_loop_folds_as_the_kernel() {
        let vals = [
            0.0,
            1.0,
            -2.5,
            f64::NAN,
            -0.0,
            3.0,
            f64::INFINITY,
            7.0,
            -1.0,
            300.0,
            0.5,
            f64::NEG_INFINITY,
            1e300,
            -7.0,
            2.0,
            65504.0,
            1e-310,
        ];
        let n = vals.len();
        let f8 = DType::scalar(Kind::Float64);
        let make = |vs: &[f64]| {
            let a = Array::empty(&f8, &[vs.len()], Order::C).unwrap();
            // SAFETY: a new array of vs.len() float64.
            unsafe {
                std::ptr::copy_nonoverlapping(vs.as_ptr(), a.data_ptr() as *mut f64, vs.len())
            };
            a
        };
        let x64 = make(&vals);
        let rev: Vec<f64> = vals.iter().rev().copied().collect();
        let a64 = make(&rev);
        let mut loops = 0;
        for op in ReduceOp::ALL {
            for kind in Kind::ALL {
                let Some((_, elem)) = op.kernels(kind) else {
                    continue;
                };
                let Fold::Loop(f) = Fold::new(op, kind, elem) else {
                    continue;
                };
                let dt = DType::scalar(kind);
                let x = astype(&x64, &dt, Casting::Unsafe, Order::C).unwrap();
                let by_loop = astype(&a64, &dt, Casting::Unsafe, Order::C).unwrap();
                let by_kernel = astype(&a64, &dt, Casting::Unsafe, Order::C).unwrap();
                let size = kind.size() as isize;
                // SAFETY: three arrays of n elements of `kind`.
                unsafe {
                    Fold::Loop(f).call(by_loop.data_ptr(), size, x.data_ptr(), size, n);
                    Fold::Elem(elem).call(by_kernel.data_ptr(), size, x.data_ptr(), size, n);
                }
                let bytes = |a: &Array| {
                    // SAFETY: n elements of `kind`.
                    unsafe { std::slice::from_raw_parts(a.data_ptr(), n * kind.size()).to_vec() }
                };
                assert_eq!(bytes(&by_loop), bytes(&by_kernel), "{op:?} {kind:?}");
                loops += 1;
            }
        }
        assert!(loops >= 40, "{loops}");
    }

    /// The one-run path for whole dense arrays against the general path
    /// (the same values every other element of a twice-as-long array):
    /// bit for bit, with a NaN and a negative zero, and the empty cases.
    /// The dense side takes the one-run path where the input is already
    /// of the loop dtype: every float64 op but any/all (bool loops), and
    /// int16 min/max; int16 sum/prod (int64 loops) and any/all run the
    /// general path on both sides. Bool any/all on the one-run path are
    /// compared with NumPy in test_reductions.py.
    #[test]
    fn dense_path_matches_the_general_path() {
        for (kind, n) in [
            (Kind::Float64, 1000),
            (Kind::Int16, 777),
            (Kind::Float64, 1),
        ] {
            let dt = DType::scalar(kind);
            let dense = Array::empty(&dt, &[n], Order::C).unwrap();
            let wide = Array::empty(&dt, &[2 * n], Order::C).unwrap();
            for i in 0..n {
                let v = match (kind, i) {
                    (Kind::Float64, 5) => Value::F64(-0.0),
                    (Kind::Float64, 600) => Value::F64(f64::NAN),
                    (Kind::Float64, _) => Value::F64((i as f64 * 0.37).sin() * 1e3),
                    _ => Value::Int((i as i64 * 7919) % 600 - 300),
                };
                dense.set(&[i as i64], v).unwrap();
                wide.set(&[2 * i as i64], v).unwrap();
            }
            let step = 2 * dense.itemsize() as isize;
            let strided = wide
                .view_with(wide.offset(), dt.clone(), vec![n], vec![step])
                .unwrap();
            for op in ReduceOp::ALL {
                for keepdims in [false, true] {
                    let args = ReduceArgs {
                        keepdims,
                        ..Default::default()
                    };
                    let fast = reduce(op, &dense, &args).unwrap();
                    let general = reduce(op, &strided, &args).unwrap();
                    assert_eq!(fast.shape(), general.shape());
                    assert_eq!(fast.dtype(), general.dtype());
                    let at = vec![0i64; fast.ndim()];
                    let (x, y) = (fast.get(&at).unwrap(), general.get(&at).unwrap());
                    let same = match (x, y) {
                        (Value::F64(p), Value::F64(q)) => p.to_bits() == q.to_bits(),
                        _ => x == y,
                    };
                    assert!(same, "{op:?} {kind:?} n={n}: {x:?} against {y:?}");
                }
            }
        }
        // Empty: the identity where there is one, NumPy's error where not.
        let empty = Array::empty(&DType::scalar(Kind::Float32), &[0], Order::C).unwrap();
        let sum = reduce(ReduceOp::Sum, &empty, &ReduceArgs::default()).unwrap();
        assert_eq!(sum.get(&[]).unwrap(), Value::F32(0.0));
        let max = reduce(ReduceOp::Max, &empty, &ReduceArgs::default());
        assert!(max.unwrap_err().message().contains("zero-size array"));
    }
}
