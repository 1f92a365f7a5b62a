//! NumPy's creation functions: `ones`, `full`, `arange`, `linspace`, `eye`,
//! and copying C memory into a new array. (`empty` and `zeros` are
//! `Array::empty` / `Array::zeros`.) Each follows NumPy's algorithm, so the
//! values are bit-identical, not just close.

use half::f16;
use num_complex::{Complex32, Complex64};

use crate::array::{Array, ForeignParts};
use crate::dtype::{Casting, DType, Element, Kind, KindClass, ScalarType, Value};
use crate::error::{Result, bail};
use crate::layout::Order;
use crate::ufunc::{astype, fill_value};
use crate::with_element_type;

/// Set every scalar inside every element to `value` (records field by field,
/// as NumPy does when assigning a number to a structured array).
fn fill_all_fields(a: &Array, value: Value) -> Result<()> {
    match a.dtype() {
        DType::Record(r) => {
            for f in r.fields() {
                fill_all_fields(&a.field(&f.name)?, value)?;
            }
            Ok(())
        }
        _ => fill_value(a, value),
    }
}

/// NumPy's `ones`: 1 (True, 1.0, 1+0j) in every scalar, records included;
/// padding bytes between record fields are zero.
pub fn ones(dtype: &DType, shape: &[usize], order: Order) -> Result<Array> {
    let a = match dtype {
        DType::Scalar(_) => Array::empty(dtype, shape, order)?,
        _ => Array::zeros(dtype, shape, order)?,
    };
    fill_all_fields(&a, Value::Int(1))?;
    Ok(a)
}

/// NumPy's `full`: every element set to the one element of `value_dtype` at
/// `value`, cast unsafely to `dtype`.
///
/// # Safety
/// `value` must point to `value_dtype.itemsize()` readable bytes.
pub unsafe fn full(
    dtype: &DType,
    shape: &[usize],
    order: Order,
    value: *const u8,
    value_dtype: &DType,
) -> Result<Array> {
    let a = Array::empty(dtype, shape, order)?;
    // SAFETY: forwarded from the caller.
    unsafe { crate::ufunc::fill(&a, value, value_dtype)? };
    Ok(a)
}

/// How NumPy's `arange` extends its first two values (`dtype->f->fill`).
trait ArangeFill: Element {
    fn nth(start: Self, second: Self, i: usize) -> Self;
}

macro_rules! int_fill {
    ($($t:ty),*) => {$(
        impl ArangeFill for $t {
            fn nth(start: Self, second: Self, i: usize) -> Self {
                start.wrapping_add((i as $t).wrapping_mul(second.wrapping_sub(start)))
            }
        }
    )*};
}
int_fill!(i8, i16, i32, i64, u8, u16, u32, u64);

impl ArangeFill for f32 {
    fn nth(start: Self, second: Self, i: usize) -> Self {
        start + i as f32 * (second - start)
    }
}
impl ArangeFill for f64 {
    fn nth(start: Self, second: Self, i: usize) -> Self {
        start + i as f64 * (second - start)
    }
}
/// Halves extend in float, as NumPy's HALF_fill.
impl ArangeFill for f16 {
    fn nth(start: Self, second: Self, i: usize) -> Self {
        let (s, d) = (start.to_f32(), second.to_f32() - start.to_f32());
        f16::from_f32(s + i as f32 * d)
    }
}
impl ArangeFill for Complex32 {
    fn nth(start: Self, second: Self, i: usize) -> Self {
        Complex32::new(
            f32::nth(start.re, second.re, i),
            f32::nth(start.im, second.im, i),
        )
    }
}
impl ArangeFill for Complex64 {
    fn nth(start: Self, second: Self, i: usize) -> Self {
        Complex64::new(
            f64::nth(start.re, second.re, i),
            f64::nth(start.im, second.im, i),
        )
    }
}
impl ArangeFill for bool {
    fn nth(start: Self, second: Self, i: usize) -> Self {
        if i == 0 { start } else { second }
    }
}

fn arange_typed<T: ArangeFill>(out: &Array, first: Value, second: Value) {
    let n = out.size();
    let p = out.data_ptr() as *mut T;
    let first = T::from_value(first);
    let second = T::from_value(second);
    for i in 0..n {
        // NumPy stores the first two values as cast and extrapolates the
        // rest (so a first value of -0.0 stays -0.0).
        let v = match i {
            0 => first,
            1 => second,
            _ => T::nth(first, second, i),
        };
        // SAFETY: `out` is a new contiguous native array of `n` elements of T.
        unsafe { p.add(i).write(v) };
    }
}

/// NumPy's `arange(start, stop, step, dtype)`: `ceil((stop - start) / step)`
/// values; the first two are cast to `dtype` and the rest extrapolated in
/// `dtype`'s arithmetic, as NumPy does.
pub fn arange(start: f64, stop: f64, step: f64, dtype: &DType) -> Result<Array> {
    let st = arange_dtype(dtype)?;
    if step == 0.0 {
        bail!(Value, "arange: step must not be zero (division by zero)");
    }
    let delta = stop - start;
    let quotient = delta / step;
    // NumPy: a quotient that underflowed to zero over a non-zero span is
    // one value (or none, if the zero is negative).
    let len = if quotient == 0.0 && delta != 0.0 {
        if quotient.is_sign_negative() {
            0.0
        } else {
            1.0
        }
    } else {
        quotient.ceil()
    };
    if !len.is_finite() {
        bail!(Value, "arange: cannot compute length");
    }
    if len > isize::MAX as f64 {
        bail!(Value, "Maximum allowed size exceeded");
    }
    let n = len.max(0.0) as usize;
    arange_fill(dtype, st, n, Value::F64(start), Value::F64(start + step))
}

/// The scalar type an arange fills (records and sub-arrays have none).
fn arange_dtype(dtype: &DType) -> Result<ScalarType> {
    match dtype.as_scalar() {
        Some(st) => Ok(st),
        None => bail!(
            Type,
            "arange needs a builtin numeric dtype, not dtype('{dtype}')"
        ),
    }
}

/// The `n` values of an arange from its first two (cast to `dtype`), the
/// rest extrapolated in `dtype`'s arithmetic.
fn arange_fill(
    dtype: &DType,
    st: ScalarType,
    n: usize,
    first: Value,
    second: Value,
) -> Result<Array> {
    if st.kind() == Kind::Bool && n > 2 {
        bail!(
            Type,
            "arange() is only supported for booleans when the result has at most length 2."
        );
    }
    let native = DType::scalar(st.kind());
    let out = Array::empty(&native, &[n], Order::C)?;
    with_element_type!(st.kind(), T => arange_typed::<T>(&out, first, second));
    if st.is_native() {
        Ok(out)
    } else {
        astype(&out, dtype, Casting::Unsafe, Order::C)
    }
}

/// NumPy's `arange(start, stop, step, dtype)` for integer arguments,
/// exactly: `ceil((stop - start) / step)` values, the first two (`start`,
/// `start + step`) converted to `dtype` as NumPy converts Python integers
/// (an integer dtype must hold them: "Python integer 128 out of bounds for
/// int8"), the rest extrapolated in `dtype`. The float version (`arange`)
/// rounds integers beyond 2**53.
pub fn arange_int(start: i64, stop: i64, step: i64, dtype: &DType) -> Result<Array> {
    let st = arange_dtype(dtype)?;
    if step == 0 {
        bail!(Value, "arange: step must not be zero (division by zero)");
    }
    let (delta, step_wide) = (stop as i128 - start as i128, step as i128);
    // NumPy: ceil of the quotient of the exact span by the step, rounded to
    // a double (Python's true division), so a step that overshoots by less
    // than the double's precision adds no value. The whole part is exact;
    // the fraction adds what a double keeps of it.
    let (num, den) = if step < 0 {
        (-delta, -step_wide)
    } else {
        (delta, step_wide)
    };
    let len = if num <= 0 {
        0.0
    } else {
        ((num / den) as f64 + (num % den) as f64 / den as f64).ceil()
    };
    if len > isize::MAX as f64 {
        bail!(Value, "Maximum allowed size exceeded");
    }
    let n = len as usize;
    let value = |x: i128| match (i64::try_from(x), u64::try_from(x)) {
        (Ok(i), _) => Value::Int(i),
        (_, Ok(u)) => Value::UInt(u),
        _ => Value::F64(x as f64),
    };
    let (first, second) = (value(start as i128), value(start as i128 + step_wide));
    if matches!(st.kind().class(), KindClass::Signed | KindClass::Unsigned) {
        for (v, used) in [(first, n > 0), (second, n > 1)] {
            if used && !v.int_fits(st.kind()) {
                return Err(crate::ufunc::engine::int_out_of_bounds(
                    v,
                    &DType::scalar(st.kind()),
                ));
            }
        }
    }
    arange_fill(dtype, st, n, first, second)
}

/// NumPy's `linspace(start, stop, num, endpoint, dtype)`, computed in float64
/// exactly as NumPy computes it, floored for integer dtypes, then cast.
pub fn linspace(start: f64, stop: f64, num: i64, endpoint: bool, dtype: &DType) -> Result<Array> {
    if num < 0 {
        bail!(Value, "Number of samples, {num}, must be non-negative.");
    }
    let n = num as usize;
    // Allocate through the array (a huge `num` is an error, not an abort).
    let y = Array::empty_scalar(Kind::Float64, &[n])?;
    // SAFETY: a new contiguous float64 array of `n` elements.
    let out = unsafe { std::slice::from_raw_parts_mut(y.data_ptr() as *mut f64, n) };
    let div = if endpoint { n as f64 - 1.0 } else { n as f64 };
    let delta = stop - start;
    let step = delta / div;
    for (i, v) in out.iter_mut().enumerate() {
        let i = i as f64;
        // NumPy: y = arange(num) * step (or / div * delta when the step
        // underflows to zero, or * delta when there is no step) + start.
        *v = if div > 0.0 && step != 0.0 {
            i * step + start
        } else if div > 0.0 {
            i / div * delta + start
        } else {
            i * delta + start
        };
    }
    if endpoint && n > 1 {
        out[n - 1] = stop;
    }
    let integer = matches!(
        dtype.kind().map(|k| k.class()),
        Some(crate::dtype::KindClass::Signed | crate::dtype::KindClass::Unsigned)
    );
    if integer {
        out.iter_mut().for_each(|v| *v = v.floor());
    }
    astype(&y, dtype, Casting::Unsafe, Order::C)
}

/// NumPy's `eye(n, m, k, dtype, order)`: ones on the `k`-th diagonal.
pub fn eye(n: usize, m: usize, k: i64, dtype: &DType, order: Order) -> Result<Array> {
    let a = Array::zeros(dtype, &[n, m], order)?;
    if a.shape() != [n, m] {
        bail!(Type, "eye needs a dtype without sub-array dimensions");
    }
    let one = ones(dtype, &[], Order::C)?;
    let size = dtype.itemsize();
    for i in 0..n as i64 {
        let j = i + k;
        if j >= 0 && j < m as i64 {
            let p = a.element_ptr(&[i, j])?;
            // SAFETY: one element of `dtype` from a distinct buffer.
            unsafe { std::ptr::copy_nonoverlapping(one.data_ptr(), p, size) };
        }
    }
    Ok(a)
}

/// A new C-contiguous array holding a copy of C memory described by
/// `(data, dtype, shape, strides)` (`strides` None: C-contiguous).
///
/// # Safety
/// Every byte the description reaches must be readable now.
pub unsafe fn from_data(
    data: *const u8,
    dtype: &DType,
    shape: Vec<usize>,
    strides: Option<Vec<isize>>,
) -> Result<Array> {
    // SAFETY: the borrowed view lives only for this copy.
    let view = unsafe {
        Array::wrap(ForeignParts {
            data: data as *mut u8,
            dtype: dtype.clone(),
            shape,
            strides,
            writeable: false,
            release: None,
        })?
    };
    astype(&view, dtype, Casting::No, Order::C)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn values(a: &Array) -> Vec<Value> {
        (0..a.size() as i64).map(|i| a.get(&[i]).unwrap()).collect()
    }

    #[test]
    fn arange_extends_in_the_dtype() {
        let a = arange(0.0, 1.0, 0.1, &DType::scalar(Kind::Float64)).unwrap();
        assert_eq!(a.size(), 10);
        // NumPy: start + i * ((start + step) - start)
        assert_eq!(a.get(&[3]).unwrap(), Value::F64(3.0 * 0.1));
        let b = arange(0.0, 300.0, 1.0, &DType::scalar(Kind::UInt8)).unwrap();
        assert_eq!(b.get(&[257]).unwrap(), Value::UInt(1));
        assert!(arange(0.0, 1.0, 0.0, &DType::scalar(Kind::Float64)).is_err());
        assert_eq!(
            arange(5.0, 1.0, 1.0, &DType::scalar(Kind::Int64))
                .unwrap()
                .size(),
            0
        );
        assert!(arange(0.0, 3.0, 1.0, &DType::scalar(Kind::Bool)).is_err());
        // Underflowing length: NumPy's special case.
        assert_eq!(
            arange(0.0, -5e-324, -2.0, &DType::scalar(Kind::Float64))
                .unwrap()
                .size(),
            1
        );
        assert_eq!(
            arange(0.0, 5e-324, -2.0, &DType::scalar(Kind::Float64))
                .unwrap()
                .size(),
            0
        );
    }

    #[test]
    fn integer_arange_is_exact_and_checks_its_first_two_values() {
        let i8_ = DType::scalar(Kind::Int8);
        let i64_ = DType::scalar(Kind::Int64);
        // Beyond 2**53 the double version rounds; this one is exact.
        let a = arange_int((1 << 62) + 1, (1 << 62) + 4, 1, &i64_).unwrap();
        assert_eq!(
            values(&a),
            [1, 2, 3].map(|k| Value::Int((1 << 62) + k)).to_vec()
        );
        let e = arange_int(i64::MIN, i64::MIN + 2, 1, &i64_).unwrap();
        assert_eq!(values(&e), [Value::Int(i64::MIN), Value::Int(i64::MIN + 1)]);
        // Lengths: ceil((stop - start) / step), any signs; none when negative.
        let len = |a: i64, b: i64, s: i64| arange_int(a, b, s, &i64_).unwrap().size();
        assert_eq!(
            (len(-5, 5, 3), len(5, -5, -3), len(0, 10, 20), len(5, 1, 1)),
            (4, 4, 1, 0)
        );
        // The quotient 2.0000000000000000002 is 2.0 as a double: NumPy makes
        // two values, not three.
        assert_eq!(len(i64::MIN, i64::MAX, i64::MAX), 2);
        // NumPy: the rest wraps in the dtype, the first two must fit it.
        let w = arange_int(120, 130, 1, &i8_).unwrap();
        assert_eq!(w.get(&[8]).unwrap(), Value::Int(-128));
        let e = arange_int(127, 130, 1, &i8_).unwrap_err();
        assert_eq!(e.message(), "Python integer 128 out of bounds for int8");
        assert!(arange_int(127, 128, 1, &i8_).is_ok());
        assert!(arange_int(-1, 3, 1, &DType::scalar(Kind::UInt8)).is_err());
        assert!(arange_int(0, 1, 0, &i64_).is_err());
        assert!(arange_int(0, 3, 1, &DType::scalar(Kind::Bool)).is_err());
        let f = arange_int(
            (1 << 53) + 1,
            (1 << 53) + 3,
            1,
            &DType::scalar(Kind::Float64),
        )
        .unwrap();
        assert_eq!(
            values(&f),
            [
                Value::F64(9007199254740992.0),
                Value::F64(9007199254740994.0)
            ]
        );
    }

    #[test]
    fn linspace_hits_endpoints() {
        let a = linspace(0.0, 1.0, 5, true, &DType::scalar(Kind::Float64)).unwrap();
        assert_eq!(
            values(&a),
            [0.0, 0.25, 0.5, 0.75, 1.0].map(Value::F64).to_vec()
        );
        let b = linspace(-1.0, 1.0, 4, false, &DType::scalar(Kind::Int32)).unwrap();
        assert_eq!(values(&b), [-1, -1, 0, 0].map(Value::Int).to_vec());
        assert!(linspace(0.0, 1.0, -1, true, &DType::scalar(Kind::Float64)).is_err());
    }

    #[test]
    fn ones_fills_record_fields() {
        let d = DType::parse("[('a','<i2'),('b',[('c','<f4')])]").unwrap();
        let a = ones(&d, &[2], Order::C).unwrap();
        let c = a.field("b").unwrap().field("c").unwrap();
        assert_eq!(c.get(&[1]).unwrap(), Value::F32(1.0));
    }

    #[test]
    fn eye_offsets() {
        let a = eye(3, 4, 1, &DType::scalar(Kind::Int32), Order::C).unwrap();
        assert_eq!(a.get(&[0, 1]).unwrap(), Value::Int(1));
        assert_eq!(a.get(&[2, 3]).unwrap(), Value::Int(1));
        assert_eq!(a.get(&[0, 0]).unwrap(), Value::Int(0));
    }
}
