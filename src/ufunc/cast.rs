//! Casting: converting elements from one dtype to another, strided, for every
//! pair of builtin kinds, byte-swapped either side, and field by field for
//! records. Value rules live in `dtype::element`; this module only loops.

use crate::array::Array;
use crate::dtype::{Casting, DType, Element, ScalarType, Value, can_cast};
use crate::error::{Result, bail};
use crate::iter::{
    PARALLEL_MIN, copy_elements, copy_elements_where, for_each_run, for_each_run_par,
    with_streaming,
};
use crate::layout::Order;
use crate::with_element_type;

/// An error unless `from` casts to `to` under `casting`, in NumPy's words.
pub fn check_can_cast(from: &DType, to: &DType, casting: Casting) -> Result<()> {
    if !can_cast(from, to, casting) {
        bail!(
            Type,
            "Cannot cast array data from dtype('{from}') to dtype('{to}') according to the rule '{}'",
            casting.name()
        );
    }
    Ok(())
}

/// A new array holding `src` cast to `dtype` (NumPy's `astype`, always a copy),
/// laid out by `order` relative to `src`.
pub fn astype(src: &Array, dtype: &DType, casting: Casting, order: Order) -> Result<Array> {
    check_can_cast(src.dtype(), dtype, casting)?;
    if let DType::SubArray(_) = dtype {
        bail!(Unsupported, "astype to a sub-array dtype is not supported");
    }
    let out = src.empty_like(dtype, order)?;
    // SAFETY: `out` is new, so it cannot overlap `src`; both have src's shape.
    unsafe { cast_strided(src.shape(), Side::of(src), Side::of(&out))? };
    Ok(out)
}

/// Copy `src` into `dst`, broadcasting `src` to `dst`'s shape and casting
/// under `casting` (NumPy's `copyto`, and `dst[...] = src`). If the two
/// share memory, `src` is copied first, so the result is as if it had been.
pub fn assign(dst: &Array, src: &Array, casting: Casting) -> Result<()> {
    dst.check_writeable()?;
    check_can_cast(src.dtype(), dst.dtype(), casting)?;
    let src = if src.shape() == dst.shape() {
        src.view()
    } else if let Ok(s) = src
        .strip_leading_unit_axes(dst.ndim())
        .and_then(|s| s.broadcast_to(dst.shape()))
    {
        // NumPy drops the source's extra leading length-one axes first.
        s
    } else {
        src.broadcast_to(dst.shape()).map_err(|_| {
            crate::error::err!(
                Shape,
                "could not broadcast input array from shape {} into shape {}",
                crate::text::tuple(src.shape()),
                crate::text::tuple(dst.shape())
            )
        })?
    };
    if may_share_memory(dst, &src)? {
        let tmp = astype(&src, src.dtype(), Casting::No, Order::K)?;
        // SAFETY: `tmp` is new memory; both describe their buffers.
        return unsafe { cast_strided(dst.shape(), Side::of(&tmp), Side::of(dst)) };
    }
    // SAFETY: both descriptions lie inside their buffers and do not overlap.
    unsafe { cast_strided(dst.shape(), Side::of(&src), Side::of(dst)) }
}

/// Copy `src` into `dst` where `mask` is true (NumPy's `copyto(dst, src,
/// casting=casting, where=mask)`): `src` and `mask` broadcast to `dst`'s
/// shape, `mask` read as bool (unsafe cast), `src` cast under `casting`.
/// Elements where the mask is false keep their value.
pub fn assign_where(dst: &Array, src: &Array, mask: &Array, casting: Casting) -> Result<()> {
    if !dst.is_writeable() {
        bail!(ReadOnly, "assignment destination is read-only");
    }
    check_can_cast(src.dtype(), dst.dtype(), casting)?;
    let bool_dtype = DType::scalar(crate::dtype::Kind::Bool);
    let mut mask = if mask.dtype() == &bool_dtype {
        mask.clone()
    } else {
        astype(mask, &bool_dtype, Casting::Unsafe, Order::K)?
    }
    .broadcast_to(dst.shape())?;
    let mut src = if src.dtype() == dst.dtype() {
        src.clone()
    } else {
        astype(src, dst.dtype(), Casting::Unsafe, Order::K)?
    }
    .broadcast_to(dst.shape())?;
    // Read overlapping operands from copies, as if copied first.
    for op in [&mut src, &mut mask] {
        if may_share_memory(op, dst)? {
            *op = astype(op, op.dtype(), Casting::No, Order::K)?;
        }
    }
    let size = dst.itemsize();
    // SAFETY: all three describe dst's shape inside their buffers; dst is
    // writable and overlaps neither of the others.
    unsafe {
        for_each_run(
            dst.shape(),
            [dst.data_ptr(), src.data_ptr(), mask.data_ptr()],
            [dst.strides(), src.strides(), mask.strides()],
            |[d, s, m], [ds, ss, ms], n| copy_elements_where(s, ss, d, ds, m, ms, n, size),
        )
    };
    Ok(())
}

/// Do the byte ranges the two arrays reach intersect? (NumPy's
/// `may_share_memory`: bounds only.)
pub fn may_share_memory(a: &Array, b: &Array) -> Result<bool> {
    let range = |x: &Array| -> Result<(usize, usize)> {
        let (lo, hi) = crate::layout::extent(x.shape(), x.strides(), x.itemsize())?;
        let p = x.data_ptr() as usize;
        Ok((p.wrapping_add_signed(lo), p.wrapping_add_signed(hi)))
    };
    let ((a0, a1), (b0, b1)) = (range(a)?, range(b)?);
    Ok(a0 < a1 && b0 < b1 && a0 < b1 && b0 < a1)
}

/// Set every element of `dst` to `value`, given as one element of
/// `value_dtype` at `value` (cast unsafely, as NumPy's `full`/`fill`).
///
/// # Safety
/// `value` must point to `value_dtype.itemsize()` readable bytes.
pub unsafe fn fill(dst: &Array, value: *const u8, value_dtype: &DType) -> Result<()> {
    dst.check_writeable()?;
    // Cast the value once into one element of dst's dtype (on the stack
    // for builtin types, aligned for any of them)...
    let size = dst.itemsize();
    let mut small = [0u64; 2];
    let mut big = Vec::new();
    let elem: *mut u8 = if size <= size_of_val(&small) {
        small.as_mut_ptr().cast()
    } else {
        big.resize(size, 0u8);
        big.as_mut_ptr()
    };
    match (value_dtype.as_scalar(), dst.dtype().as_scalar()) {
        // The one element's cast, without the strided machinery (a
        // reduction's identity goes here on every call).
        (Some(from), Some(to)) if to.is_native() => {
            let cast = cast_run_fn(from.kind(), to.kind());
            // SAFETY: one element of `from` at `value` (the caller's
            // contract) into `elem`, which holds and aligns one of `to`.
            unsafe { cast(value, 0, !from.is_native(), elem, 1) };
        }
        _ => {
            let src = Side {
                ptr: value as *mut u8,
                strides: &[],
                dtype: value_dtype,
            };
            let one = Side {
                ptr: elem,
                strides: &[],
                dtype: dst.dtype(),
            };
            // SAFETY: a 0-d cast from the caller's value into our element
            // buffer.
            unsafe { cast_strided(&[], src, one)? };
        }
    }
    // ...then copy its bytes into every element.
    // SAFETY: `dst` describes writable memory inside its buffer; `elem` is
    // a separate allocation.
    unsafe {
        for_each_run(
            dst.shape(),
            [dst.data_ptr()],
            [dst.strides()],
            |[d], [ds], n| copy_elements(elem, 0, d, ds, n, size),
        )
    };
    Ok(())
}

/// Set every element of a scalar-dtype `dst` to `value`.
pub fn fill_value(dst: &Array, value: Value) -> Result<()> {
    let (st, bytes) = value_bytes(value);
    // SAFETY: `bytes` holds one element of `st`.
    unsafe { fill(dst, bytes.as_ptr(), &DType::Scalar(st)) }
}

/// The bytes of `value` as its own native type.
pub fn value_bytes(value: Value) -> (ScalarType, [u8; 16]) {
    use crate::dtype::Kind;
    let kind = match value {
        Value::Bool(_) => Kind::Bool,
        Value::Int(_) => Kind::Int64,
        Value::UInt(_) => Kind::UInt64,
        Value::F16(_) => Kind::Float16,
        Value::F32(_) => Kind::Float32,
        Value::F64(_) => Kind::Float64,
        Value::C64(_) => Kind::Complex64,
        Value::C128(_) => Kind::Complex128,
    };
    let st = ScalarType::native(kind);
    let mut bytes = [0u8; 16];
    // SAFETY: 16 bytes hold any builtin element.
    unsafe { crate::dtype::write_value(bytes.as_mut_ptr(), st, value) };
    (st, bytes)
}

/// Copy a strided block of `dtype` elements (same dtype both sides).
///
/// # Safety
/// Both descriptions must be valid for `shape`; `dst` writable and not
/// overlapping `src`.
pub(crate) unsafe fn copy_block(
    shape: &[usize],
    src: *const u8,
    src_strides: &[isize],
    dst: *mut u8,
    dst_strides: &[isize],
    dtype: &DType,
) -> Result<()> {
    if shape.is_empty() {
        // SAFETY: one element each side, per the caller.
        unsafe { std::ptr::copy_nonoverlapping(src, dst, dtype.itemsize()) };
        return Ok(());
    }
    let s = Side {
        ptr: src as *mut u8,
        strides: src_strides,
        dtype,
    };
    let d = Side {
        ptr: dst,
        strides: dst_strides,
        dtype,
    };
    // SAFETY: forwarded from the caller.
    unsafe { cast_strided(shape, s, d) }
}

/// One side of a strided cast: where element zero is, the strides, the dtype.
#[derive(Clone, Copy)]
struct Side<'a> {
    ptr: *mut u8,
    strides: &'a [isize],
    dtype: &'a DType,
}

impl<'a> Side<'a> {
    fn of(a: &'a Array) -> Side<'a> {
        Side {
            ptr: a.data_ptr(),
            strides: a.strides(),
            dtype: a.dtype(),
        }
    }
}

/// `run([dst, src], strides, n)` over `shape` on the engine's threads
/// from `min_parallel` elements, `src` read through tile copies when it is
/// transposed against `dst`.
///
/// # Safety
/// As `cast_strided`.
unsafe fn walk_pair(
    shape: &[usize],
    dst: &Side,
    src: &Side,
    min_parallel: usize,
    run: impl Fn([*mut u8; 2], [isize; 2], usize) + Sync,
) {
    let sizes = [0, src.dtype.itemsize()];
    let (ptrs, strides) = ([dst.ptr, src.ptr], [dst.strides, src.strides]);
    // A destination too large to stay in cache is written with streaming
    // stores, as the ufunc engine's outputs are.
    let out_size = dst.dtype.itemsize();
    let out_bytes = shape.iter().product::<usize>().saturating_mul(out_size);
    // SAFETY: forwarded from the caller (the runs are `run`'s).
    unsafe {
        let run = with_streaming(out_bytes, out_size, run);
        for_each_run_par(shape, ptrs, strides, sizes, min_parallel, run)
    }
}

/// Convert every element of `src` into `dst` over `shape`.
///
/// # Safety
/// Both sides must describe valid memory for `shape`; `dst` writable and not
/// overlapping `src`.
unsafe fn cast_strided(shape: &[usize], src: Side, dst: Side) -> Result<()> {
    // The output is operand 0: the loop follows its layout, so writes are
    // sequential and strided reads are what is left (as in NumPy).
    // Identical dtypes (byte order included): plain byte copies.
    // Large casts go to the engine's threads (and tiles for transposed
    // sources), unless `dst` writes one address twice (zero strides), where
    // the last write must win.
    let min_parallel = if crate::layout::may_self_overlap(shape, dst.strides, dst.dtype.itemsize())
    {
        usize::MAX
    } else {
        PARALLEL_MIN
    };
    if src.dtype == dst.dtype {
        let size = src.dtype.itemsize();
        // SAFETY: forwarded from the caller; elementwise on disjoint
        // elements of `dst`, which does not overlap `src`.
        unsafe {
            walk_pair(shape, &dst, &src, min_parallel, |[d, s], [ds, ss], n| {
                copy_elements(s, ss, d, ds, n, size)
            })
        };
        return Ok(());
    }
    match (src.dtype, dst.dtype) {
        (DType::Scalar(a), DType::Scalar(b)) => {
            let (a, b) = (*a, *b);
            with_element_type!(a.kind(), S => with_element_type!(b.kind(), D => {
                // SAFETY: as above.
                unsafe {
                    walk_pair(shape, &dst, &src, min_parallel, |[d, s], [ds, ss], n| {
                        cast_run::<S, D>(s, ss, !a.is_native(), d, ds, !b.is_native(), n)
                    })
                }
            }));
            Ok(())
        }
        (DType::Record(ra), DType::Record(rb)) if ra.fields().len() == rb.fields().len() => {
            // Fields match by position, as NumPy's structured casts do.
            for (fa, fb) in ra.fields().iter().zip(rb.fields()) {
                let s = Side {
                    ptr: src.ptr.wrapping_add(fa.offset),
                    dtype: &fa.dtype,
                    ..src
                };
                let d = Side {
                    ptr: dst.ptr.wrapping_add(fb.offset),
                    dtype: &fb.dtype,
                    ..dst
                };
                // SAFETY: a field of every element lies inside that element.
                unsafe { cast_strided(shape, s, d)? };
            }
            Ok(())
        }
        (DType::SubArray(sa), DType::SubArray(sb)) if sa.shape == sb.shape => {
            // A sub-array is trailing C-contiguous dimensions of its base.
            let extend = |strides: &[isize], base: &DType| {
                let inner = crate::layout::default_strides(&sa.shape, base.itemsize(), Order::C);
                [strides, &inner[..]].concat()
            };
            let full_shape = [shape, &sa.shape[..]].concat();
            let (ss, ds) = (extend(src.strides, &sa.base), extend(dst.strides, &sb.base));
            // SAFETY: the sub-array's elements lie inside each element.
            unsafe {
                cast_strided(
                    &full_shape,
                    Side {
                        ptr: src.ptr,
                        strides: &ss,
                        dtype: &sa.base,
                    },
                    Side {
                        ptr: dst.ptr,
                        strides: &ds,
                        dtype: &sb.base,
                    },
                )
            }
        }
        (a, b) => bail!(
            Unsupported,
            "casting from dtype('{a}') to dtype('{b}') is not supported: records cast only to records with the same number of fields"
        ),
    }
}

/// Cast `n` elements at `src` (stride `ss`, byte-swapped when `swap`) into
/// a dense, aligned native run at `dst`.
pub(crate) type CastRunFn =
    unsafe fn(src: *const u8, ss: isize, swap: bool, dst: *mut u8, n: usize);

/// The `CastRunFn` from kind `src` to kind `dst` (unsafe casting).
pub(crate) fn cast_run_fn(src: crate::dtype::Kind, dst: crate::dtype::Kind) -> CastRunFn {
    with_element_type!(src, S => with_element_type!(dst, D => cast_to_dense::<S, D> as CastRunFn))
}

/// # Safety
/// As `CastRunFn`: `n` elements at each side valid, `dst` aligned for `D`.
unsafe fn cast_to_dense<S: Element, D: Element>(
    src: *const u8,
    ss: isize,
    swap: bool,
    dst: *mut u8,
    n: usize,
) {
    // SAFETY: forwarded from the caller.
    unsafe { cast_run::<S, D>(src, ss, swap, dst, size_of::<D>() as isize, false, n) }
}

/// Float to small-integer casts go through a 32-bit truncation (x86-64's
/// `cvttsd2si`/`cvttss2si`, as NumPy's C casts compile: NaN and values out
/// of range give i32::MIN, then the low bits are kept).
const fn truncates_through_i32<S: Element, D: Element>() -> bool {
    use crate::dtype::Kind as K;
    matches!(S::KIND, K::Float32 | K::Float64)
        && matches!(
            D::KIND,
            K::Int8 | K::Int16 | K::Int32 | K::UInt8 | K::UInt16
        )
}

/// `truncates_through_i32` casts over dense slices, a block at a time: the
/// truncation with AVX2's packed conversions where the CPU has them (the
/// same instruction semantics, four or eight at a time), then the
/// narrowing.
///
/// # Safety
/// `S` is f32 or f64 and `D` one of the small integers (the kinds say so).
unsafe fn floats_through_i32<S: Element, D: Element>(src: &[S], dst: &mut [D]) {
    const BLOCK: usize = 256;
    let mut t = [0i32; BLOCK];
    for (s, d) in src.chunks(BLOCK).zip(dst.chunks_mut(BLOCK)) {
        let t = &mut t[..s.len()];
        // SAFETY: S's kind is f32 or f64, so the slice is of that type.
        unsafe {
            if S::KIND == crate::dtype::Kind::Float64 {
                truncate_f64(
                    std::slice::from_raw_parts(s.as_ptr() as *const f64, s.len()),
                    t,
                );
            } else {
                truncate_f32(
                    std::slice::from_raw_parts(s.as_ptr() as *const f32, s.len()),
                    t,
                );
            }
        }
        for (y, &x) in d.iter_mut().zip(t.iter()) {
            *y = D::from_value(Value::Int(x as i64));
        }
    }
}

/// `cvttsd2si` to 32 bits, element by element or four at a time.
fn truncate_f64(src: &[f64], dst: &mut [i32]) {
    #[cfg(target_arch = "x86_64")]
    if crate::ufunc::simd::has_avx2() {
        // SAFETY: the CPU has AVX2 (checked).
        return unsafe { truncate_f64_avx2(src, dst) };
    }
    for (y, &x) in dst.iter_mut().zip(src) {
        *y = crate::dtype::cvtt32(x);
    }
}

/// `cvttss2si` to 32 bits (as `cvtt32` of the exact f64), or eight at a time.
fn truncate_f32(src: &[f32], dst: &mut [i32]) {
    #[cfg(target_arch = "x86_64")]
    if crate::ufunc::simd::has_avx2() {
        // SAFETY: the CPU has AVX2 (checked).
        return unsafe { truncate_f32_avx2(src, dst) };
    }
    for (y, &x) in dst.iter_mut().zip(src) {
        *y = crate::dtype::cvtt32(x as f64);
    }
}

/// The AVX2 loops: `$lanes` floats of `$t` loaded, truncated by `$cvt`,
/// stored as `$lanes` i32 (`$vec`, `$store`); the tail as `cvtt32`.
macro_rules! truncate_avx2 {
    ($name:ident, $t:ty, $lanes:literal, $load:ident, $cvt:ident, $vec:ident, $store:ident) => {
        #[cfg(target_arch = "x86_64")]
        #[target_feature(enable = "avx2")]
        unsafe fn $name(src: &[$t], dst: &mut [i32]) {
            use std::arch::x86_64::{$cvt, $load, $store, $vec};
            let n = src.len().min(dst.len());
            let whole = n - n % $lanes;
            for i in (0..whole).step_by($lanes) {
                // SAFETY: i + lanes <= n for both slices; unaligned access.
                unsafe {
                    $store(
                        dst.as_mut_ptr().add(i) as *mut $vec,
                        $cvt($load(src.as_ptr().add(i))),
                    )
                };
            }
            for i in whole..n {
                dst[i] = crate::dtype::cvtt32(src[i] as f64);
            }
        }
    };
}
truncate_avx2!(
    truncate_f64_avx2,
    f64,
    4,
    _mm256_loadu_pd,
    _mm256_cvttpd_epi32,
    __m128i,
    _mm_storeu_si128
);
truncate_avx2!(
    truncate_f32_avx2,
    f32,
    8,
    _mm256_loadu_ps,
    _mm256_cvttps_epi32,
    __m256i,
    _mm256_storeu_si256
);

/// The inner cast loop: `n` elements of `S` at `src` (stride `ss`) to `D`.
///
/// # Safety
/// `n` elements at each stride must be valid (any alignment).
#[inline]
unsafe fn cast_run<S: Element, D: Element>(
    src: *const u8,
    ss: isize,
    swap_src: bool,
    dst: *mut u8,
    ds: isize,
    swap_dst: bool,
    n: usize,
) {
    let (sz_s, sz_d) = (size_of::<S>() as isize, size_of::<D>() as isize);
    // SAFETY (all blocks): forwarded from the caller.
    if !swap_src && !swap_dst && ss == sz_s && ds == sz_d {
        let (s, d) = (src as *const S, dst as *mut D);
        if s.is_aligned() && d.is_aligned() {
            // Contiguous, aligned, native: slices tell the compiler the two
            // runs do not alias, so this loop vectorises.
            let (s, d) = unsafe {
                (
                    std::slice::from_raw_parts(s, n),
                    std::slice::from_raw_parts_mut(d, n),
                )
            };
            if truncates_through_i32::<S, D>() {
                // SAFETY: S is f32 or f64 (checked by the kinds).
                unsafe { floats_through_i32(s, d) };
                return;
            }
            for (y, &x) in d.iter_mut().zip(s) {
                *y = D::from_value(x.to_value());
            }
        } else {
            for i in 0..n {
                unsafe {
                    d.add(i)
                        .write_unaligned(D::from_value(s.add(i).read_unaligned().to_value()))
                };
            }
        }
        return;
    }
    for i in 0..n as isize {
        let x = unsafe { (src.wrapping_offset(i * ss) as *const S).read_unaligned() };
        let x = if swap_src { x.swap_bytes() } else { x };
        let y = D::from_value(x.to_value());
        let y = if swap_dst { y.swap_bytes() } else { y };
        unsafe { (dst.wrapping_offset(i * ds) as *mut D).write_unaligned(y) };
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dtype::Kind;

    fn arange_i64(n: usize) -> Array {
        let a = Array::empty_scalar(Kind::Int64, &[n]).unwrap();
        for i in 0..n {
            a.set(&[i as i64], Value::Int(i as i64 * 100 - 150))
                .unwrap();
        }
        a
    }

    #[test]
    fn astype_every_builtin_pair_matches_scalar_rule() {
        let src = arange_i64(7);
        for a in Kind::ALL {
            let mid = astype(&src, &DType::scalar(a), Casting::Unsafe, Order::K).unwrap();
            for b in Kind::ALL {
                let out = astype(&mid, &DType::scalar(b), Casting::Unsafe, Order::K).unwrap();
                for i in 0..7 {
                    let v = mid.get(&[i]).unwrap();
                    let expect = with_element_type!(b, T => T::from_value(v).to_value());
                    assert_eq!(out.get(&[i]).unwrap(), expect, "{a:?} -> {b:?} at {i}");
                }
            }
        }
    }

    #[test]
    fn astype_refuses_by_rule_with_numpy_message() {
        let src = arange_i64(3);
        let e = astype(&src, &DType::scalar(Kind::Int32), Casting::Safe, Order::K).unwrap_err();
        assert_eq!(
            e.message(),
            "Cannot cast array data from dtype('int64') to dtype('int32') according to the rule 'safe'"
        );
    }

    #[test]
    fn byte_swapped_records_cast_field_by_field() {
        let big = DType::parse("[('a','>i4'),('b','>f8',(2,))]").unwrap();
        let little = DType::parse("[('a','<i4'),('b','<f8',(2,))]").unwrap();
        let a = Array::zeros(&big, &[2], Order::C).unwrap();
        // element 1, field a = 7 (big-endian), b[1] = 2.5
        let p = a.element_ptr(&[1]).unwrap();
        unsafe {
            std::ptr::copy_nonoverlapping(7i32.to_be_bytes().as_ptr(), p, 4);
            std::ptr::copy_nonoverlapping(2.5f64.to_be_bytes().as_ptr(), p.add(12), 8);
        }
        let b = astype(&a, &little, Casting::Equiv, Order::K).unwrap();
        let q = b.element_ptr(&[1]).unwrap();
        unsafe {
            assert_eq!((q as *const i32).read_unaligned(), 7);
            assert_eq!((q.add(12) as *const f64).read_unaligned(), 2.5);
        }
    }

    #[test]
    fn fill_writes_every_element_and_respects_read_only() {
        let mut a = Array::empty(&DType::parse(">u2").unwrap(), &[2, 3], Order::F).unwrap();
        fill_value(&a, Value::F64(7.9)).unwrap();
        for i in 0..2 {
            for j in 0..3 {
                assert_eq!(a.get(&[i, j]).unwrap(), Value::UInt(7));
            }
        }
        a.set_writeable(false).unwrap();
        assert!(fill_value(&a, Value::Int(1)).is_err());
    }
}
