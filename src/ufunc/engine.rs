//! Calling a ufunc: pick the inner loop by NumPy's type resolution, cast
//! inputs the loop cannot read directly, broadcast, check `out` (shape,
//! writeability, same_kind casting), protect against inputs overlapping the
//! output, and run the loop over 1-d runs from the loop engine.
//!
//! Kernels only see `(pointers, byte strides, length)` for one run, inputs
//! first then outputs, as NumPy's inner loops do, so a later fused-expression
//! engine can call them block by block.

use std::borrow::Cow;
use std::mem::MaybeUninit;
use std::sync::atomic::{AtomicU32, Ordering as AtomicOrdering};

use crate::array::Array;
use crate::dtype::{Casting, DType, Kind, can_cast};
use crate::error::{Result, bail, err};
use crate::iter::{for_each_run, for_each_run_par, with_streaming};
use crate::layout::{self, Order};
use crate::ufunc::cast::{assign, astype, may_share_memory};

/// An inner loop over one 1-d run: `args` are the operands' pointers,
/// inputs then outputs; `steps` their byte strides; `n` the run length.
pub type LoopFn = unsafe fn(args: &[*mut u8], steps: &[isize], n: usize);

/// A check of the inputs in the loop's types (not broadcast) before any
/// element is written; called only when the call has elements, each of
/// which every input then takes part in.
pub type OperandCheck = fn(&Loop, &[&Array]) -> Result<()>;

/// One typed loop of a ufunc: the kinds it reads and writes.
#[derive(Clone, Copy)]
pub struct Loop {
    pub types: &'static [Kind],
    pub func: LoopFn,
}

/// How a ufunc chooses among its loops.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Resolver {
    /// NumPy's default: the first loop every input casts to safely.
    Default,
    /// `true_divide`: integers and bools divide as float64.
    TrueDivide,
    /// `subtract`: the default, but all-boolean inputs are refused.
    NoBool,
    /// `where(cond, x, y)`: the first input is read as bool whatever its
    /// dtype and takes no part in promotion (nor in weak scalar typing).
    Select,
}

/// How a ufunc takes a weak integer operand that may not fit the arrays'
/// integer dtype (NumPy 2 differs by ufunc family).
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum WeakInts {
    /// It must fit ("Python integer 300 out of bounds for int8").
    Strict,
    /// Comparisons: an out-of-range value compares in a wider type
    /// (`int8_array < 300` is all true).
    Widen,
    /// Logical ufuncs: always converted through C `long` (int64).
    AsLong,
    /// `where`: takes the arrays' dtype and wraps if it does not fit, as
    /// NumPy's `where(cond, int8_array, 300)` does.
    Wrap,
}

/// A universal function with `nin` inputs and one output.
pub struct Ufunc {
    pub name: &'static str,
    pub nin: usize,
    /// How a weak (Python) integer operand converts.
    pub weak_ints: WeakInts,
    pub loops: &'static [Loop],
    pub resolver: Resolver,
    /// NumPy's message when no loop fits (e.g. boolean subtract), if special.
    pub no_loop_message: Option<&'static str>,
    /// Refuses operands the loop cannot take (integer power with negative
    /// exponents), run before anything is written.
    pub check: Option<OperandCheck>,
    /// The loops cost far more than their memory traffic (libm calls), so
    /// threads pay off from smaller sizes.
    pub compute_bound: bool,
    /// The last resolution `find_loop` made (`LoopMemo::EMPTY` in tables).
    pub memo: LoopMemo,
}

/// The last `find_loop` answer of one ufunc: input kinds and the loop's
/// index, packed in one atomic word, so a program calling a ufunc again
/// with the same dtypes skips the table search (most of a small call's
/// resolution cost). Racing threads at worst search again.
pub struct LoopMemo(AtomicU32);

impl LoopMemo {
    /// The value ufunc tables start with: nothing remembered.
    #[allow(clippy::declare_interior_mutable_const)]
    pub const EMPTY: LoopMemo = LoopMemo(AtomicU32::new(0));

    /// The memo key of up to 3 kinds (4 bits each, one marker bit), or
    /// None for more inputs.
    fn key(kinds: &[Kind]) -> Option<u32> {
        if kinds.len() > 3 {
            return None;
        }
        let mut key = 1u32 << 15;
        for (i, &k) in kinds.iter().enumerate() {
            key |= (k as u32) << (4 * i);
        }
        Some(key)
    }

    fn get(&self, key: u32) -> Option<usize> {
        let v = self.0.load(AtomicOrdering::Relaxed);
        (v >> 16 == key).then_some((v & 0xffff) as usize)
    }

    fn set(&self, key: u32, index: usize) {
        if index <= 0xffff {
            self.0
                .store(key << 16 | index as u32, AtomicOrdering::Relaxed);
        }
    }
}

impl Ufunc {
    /// The loop NumPy would choose for these input dtypes.
    pub fn resolve(&self, inputs: &[&DType]) -> Result<&'static Loop> {
        let kinds: Operands<Kind> = inputs
            .iter()
            .map(|d| match d.kind() {
                Some(k) => Ok(k),
                None => Err(self.no_matching_loop(inputs)),
            })
            .collect::<Result<_>>()?;
        if self.resolver == Resolver::NoBool && kinds.iter().all(|&k| k == Kind::Bool) {
            return Err(match self.no_loop_message {
                Some(m) => err!(Type, "{m}"),
                None => self.no_matching_loop(inputs),
            });
        }
        self.find_loop(&kinds).ok_or_else(|| {
            err!(
                Type,
                "ufunc '{}' not supported for the input types, and the inputs could not be safely coerced to any supported types according to the casting rule ''safe''",
                self.name
            )
        })
    }

    /// The loop whose inputs and output are all `kind` (`nin` inputs), if
    /// the ufunc has it: what a reduction runs to fold a run of inputs into
    /// a run of accumulators, as NumPy's reduce calls the ufunc's loop.
    pub(crate) fn same_type_loop(&self, kind: Kind) -> Option<LoopFn> {
        let kinds = [kind; 3];
        let lp = self.find_loop(&kinds[..self.nin.min(3)])?;
        (lp.types.len() == self.nin + 1 && lp.types.iter().all(|&t| t == kind)).then_some(lp.func)
    }

    /// The first loop all `kinds` cast to safely (true division reads
    /// booleans and integers as float64).
    fn find_loop(&self, kinds: &[Kind]) -> Option<&'static Loop> {
        let key = LoopMemo::key(kinds);
        if let Some(i) = key.and_then(|k| self.memo.get(k)) {
            return self.loops.get(i);
        }
        let i = self.search_loop(kinds)?;
        if let Some(k) = key {
            self.memo.set(k, i);
        }
        Some(&self.loops[i])
    }

    /// `find_loop` without the memo: the index of the first matching loop.
    fn search_loop(&self, kinds: &[Kind]) -> Option<usize> {
        use crate::dtype::KindClass as C;
        let int_like = |k: &Kind| matches!(k.class(), C::Bool | C::Signed | C::Unsigned);
        let as_float = self.resolver == Resolver::TrueDivide && kinds.iter().all(int_like);
        let select = self.resolver == Resolver::Select;
        self.loops.iter().position(|l| {
            kinds.iter().zip(l.types).enumerate().all(|(i, (&k, &t))| {
                let k = if as_float {
                    Kind::Float64
                } else if select && i == 0 {
                    Kind::Bool
                } else {
                    k
                };
                crate::dtype::safe_kind(k, t)
            })
        })
    }

    /// NumPy's message when no loop exists for the DTypes at all.
    fn no_matching_loop(&self, inputs: &[&DType]) -> crate::error::Error {
        no_matching_loop(self.name, inputs)
    }

    /// Apply the ufunc to `inputs`, writing into `out` when given (which
    /// must have the broadcast shape and accept the result under same_kind
    /// casting); returns the result (a view of `out` when given).
    pub fn call(&self, inputs: &[&Array], out: Option<&Array>) -> Result<Array> {
        let mut result = MaybeUninit::uninit();
        self.call_into(inputs, out, &mut result)?;
        // SAFETY: `call_into` wrote the result when it returned Ok.
        Ok(unsafe { result.assume_init() })
    }

    /// `call` writing the result into `dst` (initialised on `Ok`, untouched
    /// on error): the C boundary passes the new handle's own memory, so the
    /// small call's result is built where it will live instead of being
    /// moved there field by field (those moves were a fifth of a 10-element
    /// `nd_add`, mostly stalls reading back bytes just written).
    #[inline(always)]
    pub fn call_into(
        &self,
        inputs: &[&Array],
        out: Option<&Array>,
        dst: &mut MaybeUninit<Array>,
    ) -> Result<()> {
        if let Some(done) = self.try_small_contiguous(inputs, out, dst) {
            return done;
        }
        dst.write(self.call_general(inputs, out)?);
        Ok(())
    }

    /// `call` for the calls the small path declined. Inputs are read in
    /// place when they already have the loop's types, and broadcast as
    /// strides only (`layout::broadcast_strides`, inline for up to four
    /// axes): a small strided or broadcast call allocates little beyond
    /// its result.
    #[inline(never)]
    fn call_general(&self, inputs: &[&Array], out: Option<&Array>) -> Result<Array> {
        if inputs.len() != self.nin {
            bail!(
                Type,
                "{}() takes {} inputs, {} given",
                self.name,
                self.nin,
                inputs.len()
            );
        }
        let converted;
        let refs: Operands<&Array>;
        let inputs = if inputs.iter().any(|a| a.is_weak()) {
            converted = self.weak_operands(inputs)?;
            refs = converted.iter().collect();
            &refs[..]
        } else {
            inputs
        };
        let (lp, shape) = self.loop_and_shape(inputs, out)?;
        let out_dtype = DType::scalar(lp.types[self.nin]);

        if let Some(o) = out {
            self.check_out(o, &shape, &out_dtype)?;
        }

        // Inputs in the loop's types (native), and their strides broadcast
        // to the shape.
        let mut operands: Operands<Cow<'_, Array>> = Operands::new();
        for (a, &t) in inputs.iter().zip(lp.types) {
            let want = DType::scalar(t);
            operands.push(if a.dtype() == &want {
                Cow::Borrowed(*a)
            } else {
                Cow::Owned(astype(a, &want, Casting::Unsafe, Order::K)?)
            });
        }
        let mut strides: Operands<layout::Strides> = Operands::new();
        for a in &operands {
            strides.push(layout::broadcast_strides(a.shape(), a.strides(), &shape)?);
        }

        // Every element of an input is read when the call has any (it is
        // only stretched), so the check sees the inputs unbroadcast.
        if let Some(check) = self.check {
            if !shape.contains(&0) {
                let refs: Operands<&Array> = operands.iter().map(|a| &**a).collect();
                check(lp, &refs)?;
            }
        }
        // Where the loop writes: `out` itself when it has the loop's dtype,
        // else a temporary copied into `out` afterwards.
        let direct = out.filter(|o| o.dtype() == &out_dtype);
        let result = match direct {
            Some(o) => o.view(),
            None => Array::empty_in_order(&out_dtype, &shape, &result_order(&shape, &strides))?,
        };
        // Inputs that overlap the output are read from copies, unless they
        // are exactly the output (elementwise in place is safe).
        for (op, st) in operands.iter_mut().zip(strides.iter_mut()) {
            let same = op.data_ptr() == result.data_ptr() && st[..] == *result.strides();
            if !same && may_share_memory(op, &result)? {
                *op = Cow::Owned(astype(op, op.dtype(), Casting::No, Order::K)?);
                *st = layout::broadcast_strides(op.shape(), op.strides(), &shape)?;
            }
        }
        self.run(lp, &operands, &strides, &result);
        match out {
            Some(o) if direct.is_none() => {
                assign(o, &result, Casting::SameKind)?;
                Ok(o.view())
            }
            _ => Ok(result),
        }
    }

    /// The common dense call without the general machinery's allocations:
    /// C-contiguous, aligned, native inputs of one shape (or 0-d, or one
    /// Python scalar, read with a zero step) already in the loop's types, a
    /// new result or a contiguous `out` of the loop's output type that
    /// overlaps no input (or is one exactly). Small calls run the kernel
    /// directly; from the thread threshold the run is cut into pieces for
    /// the team (`run_dense`). None: take the general path.
    #[inline(always)]
    fn try_small_contiguous(
        &self,
        inputs: &[&Array],
        out: Option<&Array>,
        dst: &mut MaybeUninit<Array>,
    ) -> Option<Result<()>> {
        const MAX_IN: usize = 3;
        let n_in = inputs.len();
        if n_in != self.nin || n_in > MAX_IN || self.check.is_some() {
            return None;
        }
        // One pass over the inputs: their kinds, pointers and steps, and
        // the shape, that of the inputs that are not 0-d (all alike).
        let mut shape: &[usize] = &[];
        let mut kinds = [Kind::Bool; MAX_IN];
        let mut ptrs = [std::ptr::null_mut(); MAX_IN + 1];
        let mut steps = [0isize; MAX_IN + 1];
        let mut weak = None;
        for (i, a) in inputs.iter().enumerate() {
            if a.is_weak() {
                if weak.replace(i).is_some() {
                    return None;
                }
                continue;
            }
            if !a.is_dense() {
                return None;
            }
            let k = a.dtype().kind()?;
            kinds[i] = k;
            ptrs[i] = a.data_ptr();
            let s = a.shape();
            if !s.is_empty() {
                if shape.is_empty() {
                    shape = s;
                } else if !layout::same_shape(shape, s) {
                    return None;
                }
                steps[i] = k.size() as isize;
            }
        }
        // A Python scalar (one) next to value arrays of one kind: converted
        // as `weak_operands` would, into a value on the stack read with
        // step 0 instead of a new 0-d array. Other mixes (and conversions
        // that fail) take the general path, which reports the error.
        let mut scalar = [0u64; 2];
        if let Some(w) = weak {
            let skip = usize::from(self.resolver == Resolver::Select);
            let mut values = (skip..n_in).filter(|&i| i != w).map(|i| kinds[i]);
            let strong = values.next()?;
            if values.any(|k| k != strong) || w < skip {
                return None;
            }
            let scalar_in = inputs[w];
            let target = self
                .weak_dtype(scalar_in, &DType::scalar(strong))
                .ok()?
                .kind()?;
            let from = scalar_in.dtype().kind()?;
            let cast = crate::ufunc::cast::cast_run_fn(from, target);
            // SAFETY: the weak scalar holds one native element of `from`;
            // `scalar` has room and alignment for any kind's element.
            unsafe {
                cast(
                    scalar_in.data_ptr(),
                    0,
                    false,
                    scalar.as_mut_ptr().cast(),
                    1,
                )
            };
            kinds[w] = target;
            ptrs[w] = scalar.as_mut_ptr().cast();
        }
        // A shape an array has is valid: its product does not overflow.
        let n: usize = shape.iter().product();
        if self.resolver == Resolver::NoBool && kinds[..n_in].iter().all(|&k| k == Kind::Bool) {
            return None;
        }
        let lp = self.find_loop(&kinds[..n_in])?;
        if kinds[..n_in] != lp.types[..n_in] {
            return None;
        }
        let out_kind = lp.types[n_in];
        // `dst` is written once the result exists: the checks of `out`
        // below return before that.
        let result = dst.write(match out {
            None => match Array::empty_scalar(out_kind, shape) {
                Ok(r) => r,
                Err(e) => return Some(Err(e)),
            },
            Some(o) => {
                if !layout::same_shape(o.shape(), shape)
                    || !o.is_writeable()
                    || o.dtype().kind() != Some(out_kind)
                    || !o.is_dense()
                {
                    return None;
                }
                // Contiguous byte ranges: an input overlapping `out` other
                // than exactly goes the general way (read through a copy).
                let lo = o.data_ptr() as usize;
                let hi = lo + n * out_kind.size();
                let clash = (0..n_in).any(|i| {
                    let alo = ptrs[i] as usize;
                    let count = if steps[i] == 0 { 1 } else { n };
                    let ahi = alo + count * kinds[i].size();
                    let exact = alo == lo && kinds[i].size() == out_kind.size() && count == n;
                    alo < hi && lo < ahi && !exact
                });
                if clash {
                    return None;
                }
                o.view()
            }
        });
        ptrs[n_in] = result.data_ptr();
        steps[n_in] = out_kind.size() as isize;
        // SAFETY: every operand is a dense, aligned run of `n` elements of
        // the loop's types, or one element read with step 0; the output is
        // writable and overlaps an input only exactly (elementwise in place).
        unsafe {
            if n < self.parallel_min() {
                (lp.func)(&ptrs[..n_in + 1], &steps[..n_in + 1], n)
            } else {
                self.run_dense(lp, n_in, ptrs, steps, n)
            }
        };
        Some(Ok(()))
    }

    /// The small path's kernel call for work worth the team's threads (or
    /// an output large enough to stream): the dense operands (inputs, then
    /// the output) as one run of `n` elements for the loop engine.
    ///
    /// # Safety
    /// As the kernel call in `try_small_contiguous`.
    #[inline(never)]
    unsafe fn run_dense(
        &self,
        lp: &Loop,
        n_in: usize,
        ptrs: [*mut u8; 4],
        steps: [isize; 4],
        n: usize,
    ) {
        // The engine takes the output first; unused operands stay null
        // with step 0 and are never read.
        let mut order = [0, 1, 2, 3];
        order[0] = n_in;
        for (i, o) in order[1..=n_in].iter_mut().enumerate() {
            *o = i;
        }
        let eptrs = order.map(|i| {
            if i <= n_in {
                ptrs[i]
            } else {
                std::ptr::null_mut()
            }
        });
        let esteps = order.map(|i| [if i <= n_in { steps[i] } else { 0 }]);
        let out_size = steps[n_in] as usize;
        let kernel = |p: [*mut u8; 4], s: [isize; 4], len: usize| {
            let mut kp = [std::ptr::null_mut(); 4];
            let mut ks = [0isize; 4];
            for k in 0..=n_in {
                kp[order[k]] = p[k];
                ks[order[k]] = s[k];
            }
            // SAFETY: a piece of the caller's run (see below).
            unsafe { (lp.func)(&kp[..n_in + 1], &ks[..n_in + 1], len) }
        };
        // SAFETY: forwarded from the caller; pieces write disjoint output
        // elements, and an input is the output only exactly.
        unsafe {
            let run = with_streaming(n * out_size, out_size, kernel);
            for_each_run_par(
                &[n],
                eptrs,
                [&esteps[0], &esteps[1], &esteps[2], &esteps[3]],
                [0; 4],
                self.parallel_min(),
                run,
            )
        }
    }

    /// May this call write its result into `inputs[k]` (a binding's
    /// temporary elision, `x**2 - 3*x` subtracting into `x**2`)? Only when
    /// that input is the sole owner of its memory (`Array::is_sole_owner`)
    /// and has exactly the loop's output dtype and the broadcast shape, so
    /// `out=inputs[k]` needs no cast and no broadcast and nothing else can
    /// see the write. Calls that would fail answer false (the call itself
    /// then reports the error).
    pub fn can_reuse_input(&self, inputs: &[&Array], k: usize) -> bool {
        let Some(cand) = inputs.get(k) else {
            return false;
        };
        if inputs.len() != self.nin || !cand.is_sole_owner() || self.check.is_some() {
            return false;
        }
        // The loop is found from the dtypes the weak scalars would take;
        // converting them (as the call does) changes no dtype or shape.
        let Ok(targets) = self.weak_targets(inputs) else {
            return false;
        };
        let dtypes: Operands<&DType> = inputs
            .iter()
            .zip(&targets)
            .map(|(a, t)| t.as_ref().unwrap_or(a.dtype()))
            .collect();
        let Ok(lp) = self.resolve(&dtypes) else {
            return false;
        };
        let Ok(shape) = call_shape(inputs, &[None], None) else {
            return false;
        };
        cand.dtype() == &DType::scalar(lp.types[self.nin]) && cand.shape() == &shape[..]
    }

    /// The loop for `inputs` (weak scalars already converted) and the
    /// call's shape with `out` (`call_shape`), with NumPy's errors.
    fn loop_and_shape(
        &self,
        inputs: &[&Array],
        out: Option<&Array>,
    ) -> Result<(&'static Loop, layout::Dims)> {
        let dtypes: Operands<&DType> = inputs.iter().map(|a| a.dtype()).collect();
        let lp = self.resolve(&dtypes)?;
        Ok((lp, call_shape(inputs, &[out], None)?))
    }

    /// `out=` must have the call's shape (`call_shape`: it is not itself
    /// broadcast), be writable and accept the loop's output dtype under
    /// same_kind casting (NumPy's messages).
    pub(crate) fn check_out(&self, o: &Array, shape: &[usize], out_dtype: &DType) -> Result<()> {
        if o.shape() != shape {
            bail!(
                Shape,
                "non-broadcastable output operand with shape {} doesn't match the broadcast shape {}",
                crate::text::tuple_compact(o.shape()),
                crate::text::tuple_compact(shape)
            );
        }
        o.check_writeable_out()?;
        if !can_cast(out_dtype, o.dtype(), Casting::SameKind) {
            bail!(
                Type,
                "Cannot cast ufunc '{}' output from dtype('{out_dtype}') to dtype('{}') with casting rule 'same_kind'",
                self.name,
                o.dtype()
            );
        }
        Ok(())
    }

    /// The ufunc with NumPy's `where=` mask: elements where `mask` (cast
    /// safely to bool, broadcast with the inputs) is false keep `out`'s
    /// values, or are left uninitialised without `out`, as in NumPy.
    pub fn call_where(
        &self,
        inputs: &[&Array],
        out: Option<&Array>,
        mask: Option<&Array>,
    ) -> Result<Array> {
        let Some(mask) = mask else {
            return self.call(inputs, out);
        };
        crate::ufunc::check_can_cast(mask.dtype(), &DType::scalar(Kind::Bool), Casting::Safe)?;
        let shape = call_shape(inputs, &[out], Some(mask))?;
        // Computed whole, then copied where the mask says.
        let full = self.call(inputs, None)?;
        if let Some(o) = out {
            self.check_out(o, &shape, full.dtype())?;
        }
        let result = match out {
            Some(o) => o.view(),
            None => Array::empty(full.dtype(), &shape, Order::C)?,
        };
        crate::ufunc::cast::assign_where(&result, &full, mask, Casting::SameKind)?;
        Ok(result)
    }

    /// NEP 50: weak scalar operands take the dtype the array operands
    /// promote to, within their kind (see `weak_dtype`); with no array
    /// operand they keep their default dtypes.
    fn weak_operands(&self, inputs: &[&Array]) -> Result<Vec<Array>> {
        let targets = self.weak_targets(inputs)?;
        inputs
            .iter()
            .zip(targets)
            .map(|(a, target)| match target {
                Some(t) => astype(a, &t, Casting::Unsafe, Order::C),
                None => Ok((*a).clone()),
            })
            .collect()
    }

    /// The dtype each input of `weak_operands` converts to: `Some` for a
    /// weak scalar next to array operands, `None` for an input kept as it
    /// is. Errors as `weak_dtype` (a Python int out of an integer type's
    /// bounds).
    fn weak_targets(&self, inputs: &[&Array]) -> Result<Operands<Option<DType>>> {
        // `where`'s condition is not a value operand.
        let skip = usize::from(self.resolver == Resolver::Select);
        let values = &inputs[skip.min(inputs.len())..];
        let strong: Vec<DType> = values
            .iter()
            .filter(|a| !a.is_weak())
            .map(|a| a.dtype().clone())
            .collect();
        let rt = if strong.is_empty() || strong.len() == values.len() {
            None
        } else {
            crate::dtype::result_type(&strong).ok()
        };
        // The scalar converts to the loop's type: true division of bools
        // and integers runs in float64, so the scalar joins there.
        let rt = rt.map(|rt| match (self.resolver, rt.kind().map(|k| k.class())) {
            (
                Resolver::TrueDivide,
                Some(
                    crate::dtype::KindClass::Bool
                    | crate::dtype::KindClass::Signed
                    | crate::dtype::KindClass::Unsigned,
                ),
            ) => DType::scalar(Kind::Float64),
            _ => rt,
        });
        let float_targets = match &rt {
            Some(rt) if skip == 0 && self.weak_ints != WeakInts::AsLong => {
                self.weak_int_float_targets(inputs, rt)
            }
            _ => None,
        };
        inputs
            .iter()
            .enumerate()
            .map(|(i, a)| match (&rt, a.is_weak() && i >= skip) {
                (Some(rt), true) => Ok(Some(match float_targets.as_ref().and_then(|t| t[i]) {
                    Some(k) => DType::scalar(k),
                    None => self.weak_dtype(a, rt)?,
                })),
                _ => Ok(None),
            })
            .collect()
    }

    /// Python ints whose loop input is a float or complex type (copysign,
    /// arctan2 or hypot of an int8 array and 300): NumPy converts the int
    /// straight to that type, with no integer range check. The loop is the
    /// one the ints' integer promotion would pick; per input, the float
    /// kind for weak ints that go to such a loop, None otherwise.
    fn weak_int_float_targets(&self, inputs: &[&Array], rt: &DType) -> Option<Vec<Option<Kind>>> {
        use crate::dtype::KindClass as C;
        let rt_kind = rt.kind()?;
        let int_kind = if rt_kind.class() == C::Bool {
            Kind::Int64
        } else {
            rt_kind
        };
        let is_weak_int =
            |a: &Array| a.is_weak() && matches!(a.dtype().kind(), Some(Kind::Int64 | Kind::UInt64));
        if !inputs.iter().any(|a| is_weak_int(a)) {
            return None;
        }
        let kinds = inputs
            .iter()
            .map(|a| match (a.is_weak(), is_weak_int(a)) {
                (_, true) => Ok(Some(int_kind)),
                (true, false) => self.weak_dtype(a, rt).map(|d| d.kind()),
                (false, _) => Ok(a.dtype().kind()),
            })
            .collect::<Result<Option<Vec<Kind>>>>()
            .ok()??;
        let lp = self.find_loop(&kinds)?;
        Some(
            inputs
                .iter()
                .zip(lp.types)
                .map(|(a, &t)| {
                    let float = matches!(t.class(), C::Float | C::Complex);
                    (is_weak_int(a) && float).then_some(t)
                })
                .collect(),
        )
    }

    /// The dtype a weak scalar takes next to arrays promoting to `rt`.
    fn weak_dtype(&self, scalar: &Array, rt: &DType) -> Result<DType> {
        use crate::dtype::{KindClass as C, Value};
        let Some(class) = rt.kind().map(|k| k.class()) else {
            return Ok(scalar.dtype().clone());
        };
        let value = scalar.get(&[])?;
        // NumPy converts a Python int above int64's range through C `long`
        // for bool, signed, uint8 and uint16 arrays (which fails), through
        // `unsigned long` for uint32 (out of bounds) and uint64 (fits).
        if let Value::UInt(_) = value {
            let ok = match (self.weak_ints, rt.kind()) {
                (WeakInts::AsLong, _) => false,
                (_, Some(Kind::UInt32 | Kind::UInt64)) => true,
                (_, Some(k)) if k.class() == C::Bool => false,
                (w, Some(k)) if matches!(k.class(), C::Signed | C::Unsigned) => {
                    w == WeakInts::Widen || w == WeakInts::Wrap
                }
                _ => true,
            };
            if !ok {
                bail!(Overflow, "Python int too large to convert to C long");
            }
        }
        Ok(match value {
            Value::Bool(_) => rt.clone(),
            Value::Int(_) | Value::UInt(_) if self.weak_ints == WeakInts::AsLong => {
                DType::scalar(Kind::Int64)
            }
            Value::Int(_) | Value::UInt(_) => match class {
                C::Bool => DType::scalar(Kind::Int64),
                C::Signed | C::Unsigned if !value.int_fits(rt.kind().expect("scalar")) => {
                    match self.weak_ints {
                        WeakInts::Widen => scalar.dtype().clone(),
                        WeakInts::Wrap => rt.clone(),
                        _ => return Err(int_out_of_bounds(value, rt)),
                    }
                }
                _ => rt.clone(),
            },
            Value::F64(_) | Value::F32(_) | Value::F16(_) => match class {
                C::Bool | C::Signed | C::Unsigned => DType::scalar(Kind::Float64),
                _ => rt.clone(),
            },
            Value::C128(_) | Value::C64(_) => match rt.kind().expect("scalar") {
                Kind::Float16 | Kind::Float32 => DType::scalar(Kind::Complex64),
                Kind::Float64 => DType::scalar(Kind::Complex128),
                _ if class == C::Complex => rt.clone(),
                _ => DType::scalar(Kind::Complex128),
            },
        })
    }

    /// Elements from which a call is split across threads.
    fn parallel_min(&self) -> usize {
        if self.compute_bound {
            crate::iter::PARALLEL_MIN_COMPUTE
        } else {
            crate::iter::PARALLEL_MIN
        }
    }

    /// Run the loop over `inputs` (in the loop's types, with `strides`
    /// broadcast to `out`'s shape) into `out`.
    fn run(&self, lp: &Loop, inputs: &[Cow<'_, Array>], strides: &[layout::Strides], out: &Array) {
        let shape = out.shape();
        // A self-overlapping output (zero strides from `as_strided`) is
        // written by one thread, so the last write wins as in NumPy.
        let parallel = !layout::may_self_overlap(shape, out.strides(), out.itemsize());
        macro_rules! walk {
            ($ptrs:expr, $strides:expr, $sizes:expr, $run:expr) => {{
                // An output too large to stay in cache is written with
                // streaming stores, saving the read of each line first.
                let run = with_streaming(out.nbytes(), out.itemsize(), $run);
                if parallel {
                    for_each_run_par(shape, $ptrs, $strides, $sizes, self.parallel_min(), run)
                } else {
                    for_each_run(shape, $ptrs, $strides, run)
                }
            }};
        }
        // The output is operand 0 for the engine (it follows the output's
        // layout); kernels get inputs first, as NumPy's loops do.
        // SAFETY: every operand describes `shape` inside its buffer (inputs
        // broadcast, output allocated or checked), and the kernel matches
        // the operands' dtypes. Inputs overlapping the output were copied
        // unless identical to it, which elementwise kernels read before
        // writing, so concurrent pieces touch disjoint elements.
        unsafe {
            match inputs {
                [a] => walk!(
                    [out.data_ptr(), a.data_ptr()],
                    [out.strides(), &strides[0]],
                    [0, a.itemsize()],
                    |[o, x]: [*mut u8; 2], [so, sx]: [isize; 2], n: usize| (lp.func)(
                        &[x, o],
                        &[sx, so],
                        n
                    )
                ),
                [a, b] => walk!(
                    [out.data_ptr(), a.data_ptr(), b.data_ptr()],
                    [out.strides(), &strides[0], &strides[1]],
                    [0, a.itemsize(), b.itemsize()],
                    |[o, x, y]: [*mut u8; 3], [so, sx, sy]: [isize; 3], n: usize| (lp.func)(
                        &[x, y, o],
                        &[sx, sy, so],
                        n
                    )
                ),
                [a, b, c] => walk!(
                    [out.data_ptr(), a.data_ptr(), b.data_ptr(), c.data_ptr()],
                    [out.strides(), &strides[0], &strides[1], &strides[2]],
                    [0, a.itemsize(), b.itemsize(), c.itemsize()],
                    |[o, x, y, z]: [*mut u8; 4], [so, sx, sy, sz]: [isize; 4], n: usize| (lp.func)(
                        &[x, y, z, o],
                        &[sx, sy, sz, so],
                        n
                    )
                ),
                _ => unreachable!("ufuncs have one to three inputs"),
            }
        }
    }
}

/// A call's operands, inline (a ufunc has at most three inputs; a call's
/// shapes also count its outputs and mask).
type Operands<T> = smallvec::SmallVec<[T; 5]>;

/// The axis order of a new result: NumPy's iterator's `order='K'` over
/// the inputs' strides broadcast to the call's shape (broadcast axes
/// abstain), so Fortran-ordered or transposed inputs give a result laid
/// out as they are.
fn result_order(shape: &[usize], strides: &[layout::Strides]) -> layout::Dims {
    let refs: Operands<&[isize]> = strides.iter().map(|s| &s[..]).collect();
    layout::keep_order_perm(shape, &refs)
}

/// NumPy's shape of a ufunc call: its operands' shapes broadcast
/// together, in NumPy's order (inputs, the outputs given, a `where` mask),
/// with NumPy's message listing them all when they do not broadcast. An
/// output larger than the inputs' shape sets the shape (the inputs are
/// broadcast up to it, as `np.add(row, 1, out=matrix)` fills every row);
/// an output is never itself broadcast: `check_out` refuses one whose
/// shape is not the call's.
pub(crate) fn call_shape(
    inputs: &[&Array],
    outs: &[Option<&Array>],
    mask: Option<&Array>,
) -> Result<layout::Dims> {
    let shapes: Operands<&[usize]> = inputs
        .iter()
        .copied()
        .chain(outs.iter().flatten().copied())
        .chain(mask)
        .map(|a| a.shape())
        .collect();
    broadcast_operands(&shapes)
}

/// The broadcast shape of the operands, or NumPy's message listing them.
fn broadcast_operands(shapes: &[&[usize]]) -> Result<layout::Dims> {
    layout::broadcast_shapes(shapes).map_err(|_| {
        let listed: String = shapes
            .iter()
            .map(|s| format!("{} ", crate::text::tuple_compact(s)))
            .collect();
        err!(
            Shape,
            "operands could not be broadcast together with shapes {listed}"
        )
    })
}

/// NEP 50's error for a Python integer that does not fit `dtype`.
pub(crate) fn int_out_of_bounds(value: crate::dtype::Value, dtype: &DType) -> crate::error::Error {
    use crate::dtype::Value;
    let shown = match value {
        Value::Int(i) => i.to_string(),
        Value::UInt(u) => u.to_string(),
        other => format!("{other:?}"),
    };
    err!(
        Overflow,
        "Python integer {shown} out of bounds for {}",
        dtype.name()
    )
}

/// NumPy's message when ufunc `name` has no loop for these DTypes at all
/// (also for the gufunc-like products in `linalg`).
pub(crate) fn no_matching_loop(name: &str, inputs: &[&DType]) -> crate::error::Error {
    let class = |d: &DType| {
        let name = match d.kind() {
            Some(Kind::Bool) => "BoolDType",
            Some(Kind::Int8) => "Int8DType",
            Some(Kind::Int16) => "Int16DType",
            Some(Kind::Int32) => "Int32DType",
            Some(Kind::Int64) => "Int64DType",
            Some(Kind::UInt8) => "UInt8DType",
            Some(Kind::UInt16) => "UInt16DType",
            Some(Kind::UInt32) => "UInt32DType",
            Some(Kind::UInt64) => "UInt64DType",
            Some(Kind::Float16) => "Float16DType",
            Some(Kind::Float32) => "Float32DType",
            Some(Kind::Float64) => "Float64DType",
            Some(Kind::Complex64) => "Complex64DType",
            Some(Kind::Complex128) => "Complex128DType",
            None => "VoidDType",
        };
        format!("<class 'numpy.dtypes.{name}'>")
    };
    let types = match inputs {
        [one] => class(one),
        many => format!(
            "({})",
            many.iter().map(|d| class(d)).collect::<Vec<_>>().join(", ")
        ),
    };
    err!(
        Type,
        "ufunc '{}' did not contain a loop with signature matching types {types} -> None",
        name
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ufunc::arith::{ADD, MULTIPLY, SUBTRACT, TRUE_DIVIDE};

    fn resolved(u: &Ufunc, a: &str, b: &str) -> Result<Vec<Kind>> {
        let (a, b) = (DType::parse(a).unwrap(), DType::parse(b).unwrap());
        u.resolve(&[&a, &b]).map(|l| l.types.to_vec())
    }

    #[test]
    fn a_larger_out_sets_the_call_shape_and_is_never_broadcast() {
        let f8 = DType::parse("f8").unwrap();
        let row = crate::create::arange(0.0, 3.0, 1.0, &f8).unwrap();
        let zeros = |shape: &[usize]| Array::empty(&f8, shape, Order::C).unwrap();
        let wide = zeros(&[2, 3]);
        assert_eq!(
            call_shape(&[&row, &row], &[Some(&wide)], None).unwrap()[..],
            [2, 3]
        );
        let r = ADD.call(&[&row, &row], Some(&wide)).unwrap();
        assert_eq!(r.shape(), [2, 3]);
        // SAFETY: `wide` is a new C-contiguous float64 array of 6 elements.
        let got = unsafe { std::slice::from_raw_parts(wide.data_ptr() as *const f64, 6) };
        assert_eq!(got, [0.0, 2.0, 4.0, 0.0, 2.0, 4.0]);
        let col = zeros(&[2, 1]);
        let e = ADD.call(&[&row, &row], Some(&col)).unwrap_err();
        assert_eq!(
            e.message(),
            "non-broadcastable output operand with shape (2,1) doesn't match the broadcast shape (2,3)"
        );
        let four = crate::create::arange(0.0, 4.0, 1.0, &f8).unwrap();
        let e = call_shape(&[&row, &four], &[Some(&wide)], Some(&col)).unwrap_err();
        assert_eq!(
            e.message(),
            "operands could not be broadcast together with shapes (3,) (4,) (2,3) (2,1) "
        );
    }

    #[test]
    fn only_an_unshared_input_of_the_result_type_and_shape_is_reusable() {
        let f8 = DType::parse("f8").unwrap();
        let t = crate::create::arange(0.0, 8.0, 1.0, &f8).unwrap();
        let i = crate::create::arange(0.0, 8.0, 1.0, &DType::parse("i4").unwrap()).unwrap();
        assert!(ADD.can_reuse_input(&[&t, &t], 0));
        assert!(!TRUE_DIVIDE.can_reuse_input(&[&i, &i], 0)); // float64 result
        assert!(!ADD.can_reuse_input(&[&t, &t], 2));
        let col = t.reshape(&[8, 1], Order::C).unwrap();
        assert!(!ADD.can_reuse_input(&[&t, &t], 0)); // the view shares it
        assert!(!ADD.can_reuse_input(&[&col, &t], 0)); // a view; (8, 8) result
        drop(col);
        let other = t.clone();
        assert!(!ADD.can_reuse_input(&[&t, &t], 0)); // a second holder
        drop(other);
        assert!(SUBTRACT.can_reuse_input(&[&t, &t], 1));
    }

    #[test]
    fn reuse_with_weak_scalars_agrees_with_the_call() {
        use crate::dtype::Value;
        // Reusable exactly when the call succeeds with the array's dtype
        // and shape (the call is the oracle), and never the scalar itself.
        let scalars = [
            Value::Int(3),
            Value::Int(300),
            Value::Int(-1),
            Value::F64(2.5),
            Value::Bool(true),
            Value::C128(num_complex::Complex64::new(1.0, 2.0)),
        ];
        let mut reusable = 0;
        for code in ["i1", "u1", "i8", "f2", "f4", "f8", "c8", "?"] {
            let dt = DType::parse(code).unwrap();
            for u in [&ADD, &SUBTRACT, &MULTIPLY, &TRUE_DIVIDE] {
                for v in scalars {
                    let a = Array::zeros(&dt, &[2, 3], Order::C).unwrap();
                    let w = Array::weak_scalar(v).unwrap();
                    for (ops, k) in [([&a, &w], 0), ([&w, &a], 1)] {
                        let expected = match u.call(&ops, None) {
                            Ok(r) => r.dtype() == a.dtype() && r.shape() == a.shape(),
                            Err(_) => false,
                        };
                        let got = u.can_reuse_input(&ops, k);
                        assert_eq!(got, expected, "{} {code} {v:?} k={k}", u.name);
                        reusable += usize::from(got);
                        assert!(!u.can_reuse_input(&ops, 1 - k));
                    }
                }
            }
        }
        assert!(reusable > 50, "{reusable}");
    }

    #[test]
    fn remembered_loops_are_the_searched_ones() {
        const KINDS: [Kind; 14] = Kind::ALL;
        // Every kind combination twice in a row: the second call answers
        // from the memo the first one filled.
        for u in crate::ufunc::ALL {
            for i in 0..KINDS.len().pow(u.nin as u32) {
                let kinds: Vec<Kind> = (0..u.nin)
                    .map(|j| KINDS[i / KINDS.len().pow(j as u32) % KINDS.len()])
                    .collect();
                let searched = u.search_loop(&kinds).map(|i| &u.loops[i] as *const Loop);
                for _ in 0..2 {
                    let found = u.find_loop(&kinds).map(|l| l as *const Loop);
                    assert_eq!(found, searched, "{} {kinds:?}", u.name);
                }
            }
        }
    }

    #[test]
    fn loops_are_chosen_as_numpy_promotes() {
        use Kind::*;
        assert_eq!(resolved(&ADD, "i1", "u1").unwrap(), [Int16, Int16, Int16]);
        assert_eq!(
            resolved(&ADD, "i8", "u8").unwrap(),
            [Float64, Float64, Float64]
        );
        assert_eq!(resolved(&ADD, "?", "?").unwrap(), [Bool, Bool, Bool]);
        assert_eq!(
            resolved(&ADD, "f2", "i2").unwrap(),
            [Float32, Float32, Float32]
        );
        assert_eq!(
            resolved(&TRUE_DIVIDE, "i1", "i1").unwrap(),
            [Float64, Float64, Float64]
        );
        assert_eq!(
            resolved(&TRUE_DIVIDE, "f2", "f2").unwrap(),
            [Float16, Float16, Float16]
        );
        assert!(resolved(&SUBTRACT, "?", "?").is_err());
        assert_eq!(resolved(&SUBTRACT, "?", "i1").unwrap(), [Int8, Int8, Int8]);
        let rec = DType::parse("[('a','<f8')]").unwrap();
        let f8 = DType::scalar(Float64);
        assert!(ADD.resolve(&[&rec, &f8]).is_err());
    }
}
