//! Pure shape and stride arithmetic: checked sizes, default strides,
//! contiguity and alignment flags, index offsets, and the byte extent a
//! strided description touches. All shape and stride validation lives here;
//! everyone else calls it. Nothing here touches memory.

mod view;

pub use view::{
    IndexItem, View, basic_index, broadcast_shapes, broadcast_strides, broadcast_to, diagonal,
    expand_dims, fill_strides, fix_unknown_dimension, moveaxis, normalize_axes, normalize_axis,
    reshape, slice_positions, squeeze, swapaxes, transpose, view_as_itemsize,
};

use crate::dtype::MAXDIMS;
use crate::error::{Result, bail, err};

/// Dimensions stored inline (no allocation) in a `Dims` or `Strides`.
pub(crate) const INLINE_DIMS: usize = 4;
/// A shape: inline up to `INLINE_DIMS` dimensions, on the heap beyond.
pub type Dims = smallvec::SmallVec<[usize; INLINE_DIMS]>;
/// Byte strides, stored as `Dims`.
pub type Strides = smallvec::SmallVec<[isize; INLINE_DIMS]>;

/// Per-axis byte strides of N operands (`loop_dims`), inline up to
/// `INLINE_DIMS` axes.
pub type LoopSteps<const N: usize> = smallvec::SmallVec<[[isize; N]; INLINE_DIMS]>;

/// `s` as a `Dims` or `Strides`. Up to `INLINE_DIMS` values are moved by
/// value into the inline buffer (`SmallVec::from_slice`, or a copying loop,
/// becomes a call to `memcpy`): every view and every new array copies its
/// shape this way.
#[inline(always)]
pub fn dims_of<T: Copy + Default>(s: &[T]) -> smallvec::SmallVec<[T; INLINE_DIMS]> {
    const _: () = assert!(INLINE_DIMS == 4, "dims_of spells out four cases");
    let z = T::default();
    let buf = match *s {
        [] => [z; 4],
        [a] => [a, z, z, z],
        [a, b] => [a, b, z, z],
        [a, b, c] => [a, b, c, z],
        [a, b, c, d] => [a, b, c, d],
        _ => return smallvec::SmallVec::from_slice(s),
    };
    smallvec::SmallVec::from_buf_and_len(buf, s.len())
}

/// Memory order of a new array, as NumPy's `order=` argument.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Order {
    /// Row-major: the last index varies fastest.
    C,
    /// Column-major: the first index varies fastest.
    F,
    /// F if the source is F-contiguous and not C-contiguous, else C.
    A,
    /// Keep the source's axis order as closely as possible.
    K,
}

const TOO_BIG: &str =
    "array is too big; `arr.size * arr.dtype.itemsize` is larger than the maximum possible size.";

/// Check a dimension count against the 64-dimension limit.
pub fn check_ndim(ndim: usize) -> Result<()> {
    if ndim > MAXDIMS {
        bail!(
            Value,
            "maximum supported dimension for an ndarray is currently {MAXDIMS}, found {ndim}"
        );
    }
    Ok(())
}

/// Validate a shape given as signed integers (from C): at most 64
/// dimensions, none negative, and a byte size for `itemsize`-byte elements
/// that fits in `isize`.
pub fn shape_from_i64(dims: &[i64], itemsize: usize) -> Result<Vec<usize>> {
    check_ndim(dims.len())?;
    if dims.iter().any(|&d| d < 0) {
        bail!(Value, "negative dimensions are not allowed");
    }
    let shape: Vec<usize> = dims.iter().map(|&d| d as usize).collect();
    nbytes(&shape, itemsize)?;
    Ok(shape)
}

/// Number of elements, or an error if it overflows.
pub fn size(shape: &[usize]) -> Result<usize> {
    shape
        .iter()
        .try_fold(1usize, |acc, &d| acc.checked_mul(d))
        .filter(|&n| n <= isize::MAX as usize)
        .ok_or_else(|| err!(Overflow, "{TOO_BIG}"))
}

/// Number of bytes for `itemsize`-byte elements, or an error if it overflows
/// `isize` (NumPy's limit). Sizes of zero-length axes still count the others,
/// as NumPy does, so `(0, 2**62)` of float64 is too big.
pub fn nbytes(shape: &[usize], itemsize: usize) -> Result<usize> {
    let nonzero = shape
        .iter()
        .filter(|&&d| d != 0)
        .try_fold(itemsize.max(1), |acc: usize, &d| acc.checked_mul(d))
        .filter(|&n| n <= isize::MAX as usize);
    if nonzero.is_none() {
        bail!(Overflow, "{TOO_BIG}");
    }
    Ok(size(shape)? * itemsize)
}

/// Strides of a new contiguous array. An empty array gets all-zero strides,
/// as NumPy 2 gives it (`empty((0, 3)).strides == (0, 0)`). For a shape
/// already validated (`nbytes`); `contiguous` checks and returns the size.
pub fn default_strides(shape: &[usize], itemsize: usize, order: Order) -> Strides {
    fill_contiguous(shape, itemsize, order).0
}

/// Strides and byte size of a new `order` array (F for `Order::F`, C
/// otherwise): `default_strides` and `nbytes` in one pass, with the same
/// errors (more than 64 dimensions; a size beyond `isize`). Every new array
/// is laid out here, so it is on the path of every small ufunc call.
#[inline]
pub fn contiguous(shape: &[usize], itemsize: usize, order: Order) -> Result<(Strides, usize)> {
    check_ndim(shape.len())?;
    match fill_contiguous(shape, itemsize, order) {
        (strides, Some(nbytes)) => Ok((strides, nbytes)),
        (_, None) => bail!(Overflow, "{TOO_BIG}"),
    }
}

/// Contiguous strides and the byte size, or `None` for the size when it
/// overflows `isize`. As NumPy, overflow is judged on the non-zero
/// dimensions (`(0, 2**62)` of float64 is too big), and a zero-length axis
/// makes every stride zero.
#[inline]
fn fill_contiguous(shape: &[usize], itemsize: usize, order: Order) -> (Strides, Option<usize>) {
    let ndim = shape.len();
    if ndim <= INLINE_DIMS {
        // Filled in a plain array and moved in once: indexing a SmallVec
        // checks where its storage is on every write.
        let mut buf = [0; INLINE_DIMS];
        let nbytes = contiguous_into(shape, itemsize, order, &mut buf[..ndim]);
        (Strides::from_buf_and_len(buf, ndim), nbytes)
    } else {
        let mut strides: Strides = smallvec::smallvec![0; ndim];
        let nbytes = contiguous_into(shape, itemsize, order, &mut strides);
        (strides, nbytes)
    }
}

fn contiguous_into(
    shape: &[usize],
    itemsize: usize,
    order: Order,
    strides: &mut [isize],
) -> Option<usize> {
    let ndim = shape.len();
    // `bound` (itemsize at least 1, zero dimensions counted as 1)
    // dominates `step`, so checking it keeps every stride in range.
    let mut bound = itemsize.max(1);
    let mut step = itemsize;
    let mut empty = false;
    let mut overflow = false;
    for k in 0..ndim {
        let i = if order == Order::F { k } else { ndim - 1 - k };
        let d = shape[i];
        empty |= d == 0;
        let (b, o) = bound.overflowing_mul(d.max(1));
        overflow |= o || b > isize::MAX as usize;
        bound = b;
        strides[i] = step as isize;
        step = step.wrapping_mul(d.max(1));
    }
    if overflow {
        return None;
    }
    if empty {
        strides.fill(0);
        return Some(0);
    }
    Some(step)
}

/// Strides for a copy of a `(shape, strides)` array in `order`. `K` keeps
/// the source's axis order by stride magnitude (stable, C order on ties), as
/// NumPy's `order='K'` does; `A` is F only for F-but-not-C-contiguous sources.
pub fn strides_for_copy(
    shape: &[usize],
    strides: &[isize],
    itemsize: usize,
    order: Order,
) -> Strides {
    match order {
        Order::C | Order::F => default_strides(shape, itemsize, order),
        Order::A => {
            let f = is_f_contiguous(shape, strides, itemsize)
                && !is_c_contiguous(shape, strides, itemsize);
            default_strides(shape, itemsize, if f { Order::F } else { Order::C })
        }
        Order::K if shape.contains(&0) => smallvec::smallvec![0; shape.len()],
        Order::K => {
            let mut axes: Dims = (0..shape.len()).collect();
            // Largest stride first; stable sort keeps C order for equal strides.
            axes.sort_by_key(|&i| std::cmp::Reverse(strides[i].unsigned_abs()));
            strides_in_order(shape, &axes, itemsize)
        }
    }
}

/// The axis order NumPy's iterator visits operands sharing `shape` in for
/// `order='K'` (outermost first), each operand with its own `strides`: a
/// stable insertion sort that moves an axis outward past another only when
/// every operand stepping along both (non-zero strides, length above one)
/// steps further along it; when no operand does, the pair is ambiguous and
/// the sort looks further out; otherwise C order stays.
pub fn keep_order_perm(shape: &[usize], strides: &[&[isize]]) -> Dims {
    let key = |k: usize, ax: usize| {
        if shape[ax] == 1 {
            0
        } else {
            strides[k][ax].unsigned_abs()
        }
    };
    let mut perm: Dims = (0..shape.len()).collect();
    for i0 in 1..perm.len() {
        let ax0 = perm[i0];
        let mut ipos = i0;
        for i1 in (0..i0).rev() {
            let ax1 = perm[i1];
            let mut outward = None;
            for k in 0..strides.len() {
                let (s0, s1) = (key(k, ax0), key(k, ax1));
                if s0 != 0 && s1 != 0 {
                    outward = Some(outward.unwrap_or(true) && s0 > s1);
                }
            }
            match outward {
                None => continue, // ambiguous: look further out
                Some(true) => ipos = i1,
                Some(false) => break,
            }
        }
        if ipos != i0 {
            perm.remove(i0);
            perm.insert(ipos, ax0);
        }
    }
    perm
}

/// Contiguous strides for `shape` with its axes laid out in `perm`'s order
/// (outermost first, as `keep_order_perm` gives): the last axis of `perm`
/// steps by `itemsize`.
pub fn strides_in_order(shape: &[usize], perm: &[usize], itemsize: usize) -> Strides {
    let mut out: Strides = smallvec::smallvec![0isize; shape.len()];
    let mut step = itemsize as isize;
    for &i in perm.iter().rev() {
        out[i] = step;
        step = step.saturating_mul(shape[i].max(1) as isize);
    }
    out
}

/// NumPy's C-contiguity flag: axes of length one may have any stride, and
/// an empty array is contiguous.
pub fn is_c_contiguous(shape: &[usize], strides: &[isize], itemsize: usize) -> bool {
    contiguous_in(shape, strides, itemsize, (0..shape.len()).rev())
}

/// NumPy's F-contiguity flag.
pub fn is_f_contiguous(shape: &[usize], strides: &[isize], itemsize: usize) -> bool {
    contiguous_in(shape, strides, itemsize, 0..shape.len())
}

fn contiguous_in(
    shape: &[usize],
    strides: &[isize],
    itemsize: usize,
    axes: impl Iterator<Item = usize>,
) -> bool {
    if shape.contains(&0) {
        return true;
    }
    let mut expected = itemsize as isize;
    for i in axes {
        if shape[i] != 1 {
            if strides[i] != expected {
                return false;
            }
            expected *= shape[i] as isize;
        }
    }
    true
}

/// NumPy's aligned flag: the data address and every stride of an axis longer
/// than one are multiples of `alignment`; an empty array is aligned.
pub fn is_aligned(addr: usize, shape: &[usize], strides: &[isize], alignment: usize) -> bool {
    if shape.contains(&0) {
        return true;
    }
    let mut bits = addr;
    for (&d, &s) in shape.iter().zip(strides) {
        if d > 1 {
            bits |= s as usize;
        }
    }
    is_aligned_addr(bits, alignment)
}

/// Does `axis` step no further than every other axis longer than one (the
/// run along it is the innermost, most contiguous walk)?
pub fn axis_is_innermost(shape: &[usize], strides: &[isize], axis: usize) -> bool {
    let s = strides[axis].unsigned_abs();
    (0..shape.len()).all(|i| i == axis || shape[i] == 1 || s <= strides[i].unsigned_abs())
}

/// Are all byte strides whole multiples of `itemsize` (so they can be
/// given in elements, as BLAS-like kernels and DLPack take them)?
pub fn whole_elements(strides: &[isize], itemsize: usize) -> bool {
    itemsize > 0 && strides.iter().all(|&s| s % itemsize as isize == 0)
}

/// The byte offsets of every index of `shape`, in C order, in N arrays with
/// these strides (the outer loop of a batched operation). Empty when the
/// shape has a zero; one entry of zeros for a 0-d shape.
pub fn index_offsets<const N: usize>(shape: &[usize], strides: [&[isize]; N]) -> Vec<[isize; N]> {
    let count: usize = shape.iter().product();
    let mut out = Vec::with_capacity(count);
    if count == 0 {
        return out;
    }
    let mut index = vec![0usize; shape.len()];
    let mut offs = [0isize; N];
    loop {
        out.push(offs);
        // Odometer: bump the last axis, carry leftwards.
        let mut axis = shape.len();
        loop {
            if axis == 0 {
                return out;
            }
            axis -= 1;
            index[axis] += 1;
            for (o, s) in offs.iter_mut().zip(&strides) {
                *o += s[axis];
            }
            if index[axis] < shape[axis] {
                break;
            }
            for (o, s) in offs.iter_mut().zip(&strides) {
                *o -= s[axis] * shape[axis] as isize;
            }
            index[axis] = 0;
        }
    }
}

/// `values` without entry `axis`.
pub fn without_axis<T: Copy>(values: &[T], axis: usize) -> Vec<T> {
    let mut v = values.to_vec();
    v.remove(axis);
    v
}

/// `values` without the entries `dropped` marks (a reduction's result
/// shape or strides), inline up to `INLINE_DIMS` entries.
pub fn without_axes<T: Copy + Default>(
    values: &[T],
    dropped: &[bool],
) -> smallvec::SmallVec<[T; INLINE_DIMS]> {
    values
        .iter()
        .zip(dropped)
        .filter(|&(_, &d)| !d)
        .map(|(&v, _)| v)
        .collect()
}

/// Are two shapes equal? A plain loop: a library `memcmp` call costs more
/// than the comparison for the few dimensions arrays have, and this is on
/// the path of every small ufunc call.
#[inline]
pub fn same_shape(a: &[usize], b: &[usize]) -> bool {
    a.len() == b.len() && a.iter().zip(b).all(|(x, y)| x == y)
}

/// Is `addr` a multiple of `alignment` (a power of two, as every dtype's
/// alignment is; 0 counts as 1)? A mask, not a division: this is on the
/// path of every small ufunc call.
#[inline]
pub fn is_aligned_addr(addr: usize, alignment: usize) -> bool {
    let alignment = alignment.max(1);
    debug_assert!(alignment.is_power_of_two());
    addr & (alignment - 1) == 0
}

/// The byte range `[lo, hi)`, relative to element zero, that a strided
/// description touches (empty for an empty array). Errors if any offset
/// overflows `isize`.
pub fn extent(shape: &[usize], strides: &[isize], itemsize: usize) -> Result<(isize, isize)> {
    if shape.len() != strides.len() {
        bail!(
            Value,
            "shape has {} dimensions but strides has {}",
            shape.len(),
            strides.len()
        );
    }
    if shape.contains(&0) {
        return Ok((0, 0));
    }
    let overflow = || {
        err!(
            Overflow,
            "strides overflow: the array would span more than the address space"
        )
    };
    let (mut lo, mut hi) = (0isize, 0isize);
    for (&d, &s) in shape.iter().zip(strides) {
        let reach = isize::try_from(d - 1)
            .ok()
            .and_then(|n| n.checked_mul(s))
            .ok_or_else(overflow)?;
        if reach < 0 {
            lo = lo.checked_add(reach).ok_or_else(overflow)?;
        } else {
            hi = hi.checked_add(reach).ok_or_else(overflow)?;
        }
    }
    let hi = hi.checked_add(itemsize as isize).ok_or_else(overflow)?;
    Ok((lo, hi))
}

/// The byte offset of the element at `index` (negative entries count from
/// the end), with NumPy's IndexError messages.
pub fn index_offset(index: &[i64], shape: &[usize], strides: &[isize]) -> Result<isize> {
    if index.len() > shape.len() {
        bail!(
            Index,
            "too many indices for array: array is {}-dimensional, but {} were indexed",
            shape.len(),
            index.len()
        );
    }
    if index.len() < shape.len() {
        bail!(
            Index,
            "an element needs {} indices (one per dimension), but {} were given",
            shape.len(),
            index.len()
        );
    }
    let mut offset = 0isize;
    for (axis, ((&i, &d), &s)) in index.iter().zip(shape).zip(strides).enumerate() {
        let n = d as i64;
        let j = if i < 0 { i + n } else { i };
        if j < 0 || j >= n {
            bail!(
                Index,
                "index {i} is out of bounds for axis {axis} with size {d}"
            );
        }
        offset += j as isize * s;
    }
    Ok(offset)
}

/// Should a reduction read its input through a dense copy? NumPy's
/// buffered iterator copies an input whose reduced inner axes do not merge
/// (e.g. `x[:, :2, :2].sum(axis=(1, 2))`), so the reduced block is summed as
/// one run; the rounding of float sums depends on it. True when a dense copy
/// (in the input's own axis order) would make the innermost reduce run
/// (accumulator stride 0) longer.
pub fn reduce_wants_copy(
    shape: &[usize],
    strides: &[isize],
    acc: &[isize],
    itemsize: usize,
) -> bool {
    let (dims, steps) = loop_dims(shape, [strides, acc]);
    let inner = dims.len() - 1;
    if steps[inner][1] != 0 || dims[inner] <= 1 {
        return false;
    }
    let dense = strides_for_copy(shape, strides, itemsize, Order::K);
    let (dense_dims, _) = loop_dims(shape, [&dense, acc]);
    dense_dims[dense_dims.len() - 1] > dims[inner]
}

/// Loop dimensions for operands sharing `shape`: axes ordered so the last
/// is the one operand 0 strides through most tightly (largest stride first,
/// stable), length-one axes dropped, and neighbouring axes merged wherever
/// every operand steps through them as one. Returns (lengths, per-axis
/// strides of each operand); an empty array gives a zero length.
pub fn loop_dims<const N: usize>(shape: &[usize], strides: [&[isize]; N]) -> (Dims, LoopSteps<N>) {
    if shape.contains(&0) {
        return (smallvec::smallvec![0], smallvec::smallvec![[0; N]]);
    }
    let mut axes: Dims = (0..shape.len()).filter(|&i| shape[i] != 1).collect();
    if N > 0 {
        axes.sort_by_key(|&i| std::cmp::Reverse(strides[0][i].unsigned_abs()));
    }
    let mut dims = Dims::new();
    let mut steps = LoopSteps::<N>::new();
    for &i in &axes {
        let s: [isize; N] = std::array::from_fn(|k| strides[k][i]);
        if let (Some(d), Some(prev)) = (dims.last_mut(), steps.last_mut()) {
            // The outer axis `prev` continues the inner axis `i` exactly.
            if (0..N).all(|k| prev[k] == s[k] * shape[i] as isize) {
                *d *= shape[i];
                *prev = s;
                continue;
            }
        }
        dims.push(shape[i]);
        steps.push(s);
    }
    if dims.is_empty() {
        dims.push(1);
        steps.push([0; N]);
    }
    (dims, steps)
}

/// Can two different indices of this layout address overlapping bytes?
/// (Zero strides on long axes, or `as_strided` views whose rows overlap.)
/// Exact for layouts whose axes, sorted by stride, each step past the whole
/// extent of the tighter ones; any other layout counts as overlapping.
pub fn may_self_overlap(shape: &[usize], strides: &[isize], itemsize: usize) -> bool {
    if shape.contains(&0) {
        return false;
    }
    let mut axes: smallvec::SmallVec<[(usize, usize); INLINE_DIMS]> = shape
        .iter()
        .zip(strides)
        .filter(|(d, _)| **d > 1)
        .map(|(&d, &s)| (s.unsigned_abs(), d))
        .collect();
    axes.sort_unstable();
    let mut reach = itemsize;
    for (stride, d) in axes {
        if stride < reach {
            return true;
        }
        reach = stride * (d - 1) + reach;
    }
    false
}

/// The outer loop axis to tile together with the inner axis, for operands
/// whose layouts disagree (`M.T + M`): the operand striding furthest along
/// the inner axis (more than a cache line per step) is read in square-ish
/// blocks, so each cache line it loads is used for several rows before it
/// is evicted. Returns the index into `dims` of the axis where that operand
/// steps most tightly, or None when every operand is near-contiguous along
/// the inner axis or no outer axis helps.
pub fn tile_axis<const N: usize>(dims: &[usize], steps: &[[isize; N]]) -> Option<usize> {
    const LINE: usize = 64;
    let inner = dims.len().checked_sub(1)?;
    if inner == 0 || dims[inner] < 16 {
        return None;
    }
    let worst = (0..N).max_by_key(|&k| steps[inner][k].unsigned_abs())?;
    let far = steps[inner][worst].unsigned_abs();
    if far <= LINE {
        return None;
    }
    (0..inner)
        .filter(|&a| dims[a] >= 8 && steps[a][worst] != 0)
        .filter(|&a| steps[a][worst].unsigned_abs() < far)
        .min_by_key(|&a| steps[a][worst].unsigned_abs())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn index_offsets_walk_in_c_order() {
        let offs = index_offsets(&[2, 3], [&[30, 10], &[0, -8]]);
        let want: Vec<[isize; 2]> = vec![[0, 0], [10, -8], [20, -16], [30, 0], [40, -8], [50, -16]];
        assert_eq!(offs, want);
        assert_eq!(index_offsets::<1>(&[], [&[]]), vec![[0]]);
        assert!(index_offsets(&[3, 0], [&[8, 8]]).is_empty());
        assert!(whole_elements(&[16, -8, 0], 8) && !whole_elements(&[20], 8));
    }

    #[test]
    fn contiguous_layouts_and_sizes() {
        // Inline (up to 4 dimensions) and spilled shapes, both orders.
        let (s, n) = contiguous(&[2, 3, 4], 8, Order::C).unwrap();
        assert_eq!((&s[..], n), (&[96, 32, 8][..], 192));
        let (s, n) = contiguous(&[2, 3, 4], 8, Order::F).unwrap();
        assert_eq!((&s[..], n), (&[8, 16, 48][..], 192));
        let (s, n) = contiguous(&[2, 1, 3, 1, 2], 4, Order::C).unwrap();
        assert_eq!((&s[..], n), (&[24, 24, 8, 8, 4][..], 48));
        let (s, n) = contiguous(&[], 2, Order::C).unwrap();
        assert_eq!((s.len(), n), (0, 2));
        // Empty: zero strides and size, but the other axes still count
        // toward overflow, as in NumPy.
        let (s, n) = contiguous(&[3, 0, 5, 7, 2], 8, Order::C).unwrap();
        assert_eq!((&s[..], n), (&[0, 0, 0, 0, 0][..], 0));
        let big = 1usize << 62;
        assert!(contiguous(&[0, big], 8, Order::C).is_err());
        assert!(contiguous(&[big, 2], 1, Order::F).is_err());
        assert!(contiguous(&[usize::MAX, 2], 1, Order::C).is_err());
        assert!(contiguous(&[big / 8], 8, Order::C).is_ok());
        assert!(contiguous(&[1; 65], 8, Order::C).is_err());
        // A zero itemsize (an empty record) still has a size limit.
        assert_eq!(contiguous(&[5, 2], 0, Order::C).unwrap().1, 0);
        assert!(contiguous(&[big, big], 0, Order::C).is_err());
        // default_strides agrees with contiguous on every case above.
        for (shape, order) in [
            (&[2usize, 3, 4][..], Order::F),
            (&[3, 0, 5, 7, 2][..], Order::C),
        ] {
            assert_eq!(
                default_strides(shape, 8, order),
                contiguous(shape, 8, order).unwrap().0
            );
        }
    }

    #[test]
    fn dims_of_copies_every_length() {
        for n in 0..8usize {
            let v: Vec<usize> = (1..=n).collect();
            let d = dims_of(&v);
            assert_eq!(&d[..], &v[..]);
            assert_eq!(d.spilled(), n > INLINE_DIMS);
        }
    }

    #[test]
    fn strides_and_flags() {
        assert_eq!(default_strides(&[3, 3], 8, Order::C)[..], [24, 8]);
        assert_eq!(default_strides(&[3, 3], 8, Order::F)[..], [8, 24]);
        assert_eq!(default_strides(&[0, 3], 8, Order::C)[..], [0, 0]);
        assert!(is_c_contiguous(&[3, 1], &[8, 999], 8));
        assert!(is_c_contiguous(&[0, 3], &[0, 0], 8));
        assert!(!is_c_contiguous(&[3, 3], &[8, 24], 8));
        assert!(is_f_contiguous(&[3, 3], &[8, 24], 8));
        assert!(is_c_contiguous(&[], &[], 8) && is_f_contiguous(&[], &[], 8));
    }

    #[test]
    fn order_k_keeps_axis_order() {
        // A transposed (3, 4) float64: strides (8, 24) stay F-like.
        assert_eq!(
            strides_for_copy(&[3, 4], &[8, 24], 8, Order::K)[..],
            [8, 24]
        );
        assert_eq!(
            strides_for_copy(&[3, 4], &[-32, 8], 8, Order::K)[..],
            [32, 8]
        );
    }

    #[test]
    fn self_overlap() {
        assert!(!may_self_overlap(&[3, 4], &[32, 8], 8));
        assert!(!may_self_overlap(&[3, 4], &[-8, 24], 8));
        assert!(may_self_overlap(&[3, 4], &[0, 8], 8));
        assert!(!may_self_overlap(&[1, 4], &[0, 8], 8));
        assert!(may_self_overlap(&[3, 4], &[8, 8], 8));
        assert!(may_self_overlap(&[4], &[4], 8));
        assert!(!may_self_overlap(&[0, 4], &[0, 0], 8));
    }

    #[test]
    fn tiles_only_mismatched_layouts() {
        // M.T + M into a C-order output: operand 1 strides 32768 inner.
        let dims = [4096, 4096];
        assert_eq!(
            tile_axis(&dims, &[[32768, 8, 32768], [8, 32768, 8]]),
            Some(0)
        );
        // All contiguous, or broadcast (stride 0): no tiling.
        assert_eq!(tile_axis(&dims, &[[32768, 32768], [8, 8]]), None);
        assert_eq!(tile_axis(&dims, &[[32768, 0], [8, 0]]), None);
        // A column of a wide array repeated: no outer axis helps.
        assert_eq!(tile_axis(&[4096, 64], &[[512, 0], [8, 4096]]), None);
    }

    #[test]
    fn sizes_overflow_into_errors() {
        assert!(nbytes(&[1 << 62, 4], 8).is_err());
        assert!(nbytes(&[0, 1 << 62], 8).is_err());
        assert_eq!(nbytes(&[0, 5], 8).unwrap(), 0);
        assert!(shape_from_i64(&[-1], 8).is_err());
        assert!(shape_from_i64(&vec![1; 65], 8).is_err());
        assert!(extent(&[1 << 62, 2], &[1 << 40, 8], 8).is_err());
    }

    #[test]
    fn extent_with_negative_strides() {
        assert_eq!(extent(&[3, 2], &[-16, 8], 8).unwrap(), (-32, 16));
        assert_eq!(extent(&[0, 2], &[-16, 8], 8).unwrap(), (0, 0));
    }

    #[test]
    fn index_offsets_and_errors() {
        assert_eq!(index_offset(&[1, -1], &[3, 3], &[24, 8]).unwrap(), 40);
        let e = index_offset(&[3, 0], &[3, 3], &[24, 8]).unwrap_err();
        assert_eq!(
            e.message(),
            "index 3 is out of bounds for axis 0 with size 3"
        );
        assert!(index_offset(&[0, 0, 0], &[3, 3], &[24, 8]).is_err());
    }

    #[test]
    fn loop_dims_merge_and_order() {
        // C-contiguous (2, 3, 4) float64 merges into one run of 24.
        let (d, s) = loop_dims(&[2, 3, 4], [&[96, 32, 8]]);
        assert_eq!((d.to_vec(), s.to_vec()), (vec![24], vec![[8]]));
        // A transposed (F-ordered) operand alone is one contiguous run too.
        let (d, s) = loop_dims(&[3, 4], [&[8, 24]]);
        assert_eq!((d.to_vec(), s.to_vec()), (vec![12], vec![[8]]));
        // Operand 0 decides the order: its smallest stride goes innermost.
        let (d, s) = loop_dims(&[3, 4], [&[8, 24], &[32, 8]]);
        assert_eq!(
            (d.to_vec(), s.to_vec()),
            (vec![4, 3], vec![[24, 8], [8, 32]])
        );
        // Two operands that disagree cannot merge.
        let (d, _) = loop_dims(&[2, 3], [&[24, 8], &[8, 16]]);
        assert_eq!(d.to_vec(), vec![2, 3]);
        let (d, _) = loop_dims(&[], [&[]]);
        assert_eq!(d.to_vec(), vec![1]);
        let (d, _) = loop_dims(&[5, 0], [&[8, 8]]);
        assert_eq!(d.to_vec(), vec![0]);
    }

    #[test]
    fn keep_order_leaves_broadcast_axes_in_c_order() {
        assert_eq!(
            keep_order_perm(&[2, 2, 4, 2], &[&[0, 0, 16, 8]])[..],
            [0, 1, 2, 3]
        );
        assert_eq!(keep_order_perm(&[3, 4], &[&[8, 24]])[..], [1, 0]);
        assert_eq!(keep_order_perm(&[2, 3, 4], &[&[8, -64, 16]])[..], [1, 2, 0]);
        // Several operands: an axis moves out only when every operand
        // stepping along both axes agrees; broadcast (zero) strides abstain.
        assert_eq!(keep_order_perm(&[3, 4], &[&[8, 24], &[0, 8]])[..], [1, 0]);
        assert_eq!(keep_order_perm(&[3, 4], &[&[8, 24], &[32, 8]])[..], [0, 1]);
        assert_eq!(keep_order_perm(&[3, 4], &[&[32, 8], &[8, 24]])[..], [0, 1]);
        assert_eq!(strides_in_order(&[3, 4], &[1, 0], 8)[..], [8, 24]);
        assert_eq!(strides_in_order(&[2, 3, 4], &[1, 2, 0], 8)[..], [8, 64, 16]);
    }

    #[test]
    fn alignment() {
        assert!(is_aligned(64, &[4], &[8], 8));
        assert!(!is_aligned(65, &[4], &[8], 8));
        assert!(!is_aligned(64, &[4], &[12], 8));
        assert!(is_aligned(64, &[1], &[12], 8));
        assert!(is_aligned(3, &[0], &[12], 8));
    }
}
