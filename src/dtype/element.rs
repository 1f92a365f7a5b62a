//! Single elements: the Rust type of each builtin kind (`Element`), a value
//! that holds any of them exactly (`Value`), and NumPy's element cast rules.
//!
//! Casts follow NumPy's (C's) value conversions: integers wrap, floats to
//! integers truncate toward zero, complex to real drops the imaginary part,
//! anything to bool is "not zero". A float outside the integer's range (or
//! NaN) has no defined result in C or NumPy, whose answer even depends on
//! whether the element fell in a SIMD block; ndcore gives what NumPy's scalar
//! path gives on x86-64 (the `cvtt*` conversion semantics), always.

use half::f16;
use num_complex::{Complex32, Complex64};

use super::{Kind, ScalarType};

/// Any builtin element, exactly.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Value {
    Bool(bool),
    Int(i64),
    UInt(u64),
    F16(f16),
    F32(f32),
    F64(f64),
    C64(Complex32),
    C128(Complex64),
}

/// A Rust type that stores one builtin kind in native byte order.
pub trait Element: Copy + Send + Sync + PartialEq + std::fmt::Debug + 'static {
    const KIND: Kind;
    const ZERO: Self;
    const ONE: Self;
    fn to_value(self) -> Value;
    /// NumPy's unsafe cast of `v` to this type.
    fn from_value(v: Value) -> Self;
    fn swap_bytes(self) -> Self;
}

/// x86-64 `cvttsd2si` to 32 bits: truncation, with `i32::MIN` for NaN and
/// anything out of range.
#[inline(always)]
pub(crate) fn cvtt32(x: f64) -> i32 {
    // Convert unconditionally, then select: branch-free, so loops vectorise.
    let t = x as i32;
    if x > -2147483649.0 && x < 2147483648.0 {
        t
    } else {
        i32::MIN
    }
}

/// x86-64 `cvttsd2si` to 64 bits.
#[inline(always)]
fn cvtt64(x: f64) -> i64 {
    let t = x as i64;
    if (-9223372036854775808.0..9223372036854775808.0).contains(&x) {
        t
    } else {
        i64::MIN
    }
}

/// The float of a real or complex value (complex drops the imaginary part),
/// or `None` for integers and bools.
#[inline(always)]
fn float_part(v: Value) -> Option<f64> {
    match v {
        Value::F16(h) => Some(h.to_f64()),
        Value::F32(f) => Some(f as f64),
        Value::F64(d) => Some(d),
        Value::C64(c) => Some(c.re as f64),
        Value::C128(c) => Some(c.re),
        _ => None,
    }
}

macro_rules! int_element {
    ($t:ty, $kind:ident, |$x:ident| $from_float:expr) => {
        impl Element for $t {
            const KIND: Kind = Kind::$kind;
            const ZERO: Self = 0;
            const ONE: Self = 1;
            #[inline(always)]
            fn to_value(self) -> Value {
                #[allow(unused_comparisons)]
                if <$t>::MIN < 0 {
                    Value::Int(self as i64)
                } else {
                    Value::UInt(self as u64)
                }
            }
            #[inline(always)]
            fn from_value(v: Value) -> Self {
                match v {
                    Value::Bool(b) => b as $t,
                    Value::Int(i) => i as $t,
                    Value::UInt(u) => u as $t,
                    other => {
                        let $x = float_part(other).unwrap_or(0.0);
                        $from_float
                    }
                }
            }
            #[inline(always)]
            fn swap_bytes(self) -> Self {
                <$t>::swap_bytes(self)
            }
        }
    };
}

int_element!(i8, Int8, |x| cvtt32(x) as i8);
int_element!(i16, Int16, |x| cvtt32(x) as i16);
int_element!(i32, Int32, |x| cvtt32(x));
int_element!(i64, Int64, |x| cvtt64(x));
int_element!(u8, UInt8, |x| cvtt32(x) as u8);
int_element!(u16, UInt16, |x| cvtt32(x) as u16);
int_element!(u32, UInt32, |x| cvtt64(x) as u32);
int_element!(u64, UInt64, |x| if x >= 9223372036854775808.0 {
    (cvtt64(x - 9223372036854775808.0) as u64) ^ (1 << 63)
} else {
    cvtt64(x) as u64
});

impl Element for bool {
    const KIND: Kind = Kind::Bool;
    const ZERO: Self = false;
    const ONE: Self = true;
    #[inline(always)]
    fn to_value(self) -> Value {
        Value::Bool(self)
    }
    #[inline(always)]
    fn from_value(v: Value) -> Self {
        match v {
            Value::Bool(b) => b,
            Value::Int(i) => i != 0,
            Value::UInt(u) => u != 0,
            Value::F16(h) => h.to_f32() != 0.0,
            Value::F32(f) => f != 0.0,
            Value::F64(d) => d != 0.0,
            Value::C64(c) => c.re != 0.0 || c.im != 0.0,
            Value::C128(c) => c.re != 0.0 || c.im != 0.0,
        }
    }
    #[inline(always)]
    fn swap_bytes(self) -> Self {
        self
    }
}

/// The real float of `v` as `f64` or `f32` by plain C conversion (single
/// rounding from integers).
macro_rules! real_as {
    ($v:expr, $t:ty) => {
        match $v {
            Value::Bool(b) => b as u8 as $t,
            Value::Int(i) => i as $t,
            Value::UInt(u) => u as $t,
            Value::F16(h) => h.to_f64() as $t,
            Value::F32(f) => f as $t,
            Value::F64(d) => d as $t,
            Value::C64(c) => c.re as $t,
            Value::C128(c) => c.re as $t,
        }
    };
}

impl Element for f32 {
    const KIND: Kind = Kind::Float32;
    const ZERO: Self = 0.0;
    const ONE: Self = 1.0;
    #[inline(always)]
    fn to_value(self) -> Value {
        Value::F32(self)
    }
    #[inline(always)]
    fn from_value(v: Value) -> Self {
        real_as!(v, f32)
    }
    #[inline(always)]
    fn swap_bytes(self) -> Self {
        f32::from_bits(self.to_bits().swap_bytes())
    }
}

impl Element for f64 {
    const KIND: Kind = Kind::Float64;
    const ZERO: Self = 0.0;
    const ONE: Self = 1.0;
    #[inline(always)]
    fn to_value(self) -> Value {
        Value::F64(self)
    }
    #[inline(always)]
    fn from_value(v: Value) -> Self {
        real_as!(v, f64)
    }
    #[inline(always)]
    fn swap_bytes(self) -> Self {
        f64::from_bits(self.to_bits().swap_bytes())
    }
}

/// float64 to float16 rounded once (to nearest, ties to even), as NumPy's
/// `npy_double_to_half`. Going through float32 with round-to-nearest can
/// round twice (and `half`'s F16C path does); rounding to float32 *to odd*
/// first keeps the final rounding exact, and stays fast.
#[inline(always)]
pub fn f64_to_f16(x: f64) -> f16 {
    let mut y = x as f32;
    if (y as f64) != x && y.is_finite() && !x.is_nan() {
        // Truncate toward zero, then mark inexactness in the last bit.
        if (y as f64).abs() > x.abs() {
            y = f32::from_bits(y.to_bits() - 1);
        }
        y = f32::from_bits(y.to_bits() | 1);
    }
    f16::from_f32(y)
}

impl Element for f16 {
    const KIND: Kind = Kind::Float16;
    const ZERO: Self = f16::ZERO;
    const ONE: Self = f16::ONE;
    #[inline(always)]
    fn to_value(self) -> Value {
        Value::F16(self)
    }
    /// Doubles round to half directly (npy_double_to_half); everything else
    /// goes through float, as NumPy does.
    #[inline(always)]
    fn from_value(v: Value) -> Self {
        match v {
            Value::F16(h) => h,
            Value::F64(d) => f64_to_f16(d),
            Value::C128(c) => f64_to_f16(c.re),
            other => f16::from_f32(real_as!(other, f32)),
        }
    }
    #[inline(always)]
    fn swap_bytes(self) -> Self {
        f16::from_bits(self.to_bits().swap_bytes())
    }
}

macro_rules! complex_element {
    ($t:ty, $f:ty, $kind:ident, $variant:ident) => {
        impl Element for $t {
            const KIND: Kind = Kind::$kind;
            const ZERO: Self = <$t>::new(0.0, 0.0);
            const ONE: Self = <$t>::new(1.0, 0.0);
            #[inline(always)]
            fn to_value(self) -> Value {
                Value::$variant(self)
            }
            #[inline(always)]
            fn from_value(v: Value) -> Self {
                match v {
                    Value::C64(c) => <$t>::new(c.re as $f, c.im as $f),
                    Value::C128(c) => <$t>::new(c.re as $f, c.im as $f),
                    other => <$t>::new(real_as!(other, $f), 0.0),
                }
            }
            #[inline(always)]
            fn swap_bytes(self) -> Self {
                <$t>::new(
                    <$f>::from_bits(self.re.to_bits().swap_bytes()),
                    <$f>::from_bits(self.im.to_bits().swap_bytes()),
                )
            }
        }
    };
}

complex_element!(Complex32, f32, Complex64, C64);
complex_element!(Complex64, f64, Complex128, C128);

/// Run `$body` with `$T` bound to the Rust type of builtin kind `$kind`.
#[macro_export]
#[doc(hidden)]
macro_rules! with_element_type {
    ($kind:expr, $T:ident => $body:expr) => {{
        use $crate::dtype::Kind as __K;
        match $kind {
            __K::Bool => {
                type $T = bool;
                $body
            }
            __K::Int8 => {
                type $T = i8;
                $body
            }
            __K::Int16 => {
                type $T = i16;
                $body
            }
            __K::Int32 => {
                type $T = i32;
                $body
            }
            __K::Int64 => {
                type $T = i64;
                $body
            }
            __K::UInt8 => {
                type $T = u8;
                $body
            }
            __K::UInt16 => {
                type $T = u16;
                $body
            }
            __K::UInt32 => {
                type $T = u32;
                $body
            }
            __K::UInt64 => {
                type $T = u64;
                $body
            }
            __K::Float16 => {
                type $T = half::f16;
                $body
            }
            __K::Float32 => {
                type $T = f32;
                $body
            }
            __K::Float64 => {
                type $T = f64;
                $body
            }
            __K::Complex64 => {
                type $T = num_complex::Complex32;
                $body
            }
            __K::Complex128 => {
                type $T = num_complex::Complex64;
                $body
            }
        }
    }};
}

/// Read one element of scalar type `st` at `ptr`.
///
/// # Safety
/// `ptr` must be valid for reads of `st.kind().size()` bytes (any alignment).
pub unsafe fn read_value(ptr: *const u8, st: ScalarType) -> Value {
    with_element_type!(st.kind(), T => {
        // SAFETY: the caller guarantees `size_of::<T>()` readable bytes.
        let x = unsafe { (ptr as *const T).read_unaligned() };
        if st.is_native() { x.to_value() } else { x.swap_bytes().to_value() }
    })
}

/// Write `v`, cast (unsafe) to scalar type `st`, at `ptr`.
///
/// # Safety
/// `ptr` must be valid for writes of `st.kind().size()` bytes (any alignment).
pub unsafe fn write_value(ptr: *mut u8, st: ScalarType, v: Value) {
    with_element_type!(st.kind(), T => {
        let x = T::from_value(v);
        let x = if st.is_native() { x } else { x.swap_bytes() };
        // SAFETY: the caller guarantees `size_of::<T>()` writable bytes.
        unsafe { (ptr as *mut T).write_unaligned(x) }
    })
}

impl Value {
    /// Does this integer value fit `kind` exactly? (NumPy 2 refuses to store
    /// an out-of-range Python integer: "Python integer 300 out of bounds for
    /// uint8".) Non-integer values and non-integer kinds always "fit".
    pub fn int_fits(self, kind: Kind) -> bool {
        let (lo, hi): (i128, i128) = match kind {
            Kind::Int8 => (i8::MIN as i128, i8::MAX as i128),
            Kind::Int16 => (i16::MIN as i128, i16::MAX as i128),
            Kind::Int32 => (i32::MIN as i128, i32::MAX as i128),
            Kind::Int64 => (i64::MIN as i128, i64::MAX as i128),
            Kind::UInt8 => (0, u8::MAX as i128),
            Kind::UInt16 => (0, u16::MAX as i128),
            Kind::UInt32 => (0, u32::MAX as i128),
            Kind::UInt64 => (0, u64::MAX as i128),
            _ => return true,
        };
        let v = match self {
            Value::Int(i) => i as i128,
            Value::UInt(u) => u as i128,
            _ => return true,
        };
        lo <= v && v <= hi
    }
}

#[cfg(test)]
mod tests {
    use super::super::ByteOrder;
    use super::*;

    #[test]
    fn in_range_casts_are_c_conversions() {
        assert_eq!(i8::from_value(Value::Int(300)), 44);
        assert_eq!(u8::from_value(Value::Int(-1)), 255);
        assert_eq!(i32::from_value(Value::F64(-2.9)), -2);
        assert_eq!(f32::from_value(Value::Int(16777217)), 16777216.0);
        assert!(bool::from_value(Value::F64(f64::NAN)));
        assert!(!bool::from_value(Value::C128(Complex64::new(0.0, -0.0))));
        assert_eq!(f64::from_value(Value::C128(Complex64::new(1.5, 2.0))), 1.5);
        assert_eq!(f16::from_value(Value::Int(65519)).to_f32(), 65504.0);
        assert!(f16::from_value(Value::Int(65520)).is_infinite());
        // Halfway between two float16 values after a first rounding to
        // float32, but not before: rounded once it goes up.
        let x = 1.0 + 2f64.powi(-11) + 2f64.powi(-40);
        assert_eq!(f64_to_f16(x), f16::from_bits(0x3c01));
        assert_eq!(f64_to_f16(-x), f16::from_bits(0xbc01));
        assert_eq!(f64_to_f16(1.0 + 2f64.powi(-11)), f16::ONE);
    }

    /// Out-of-range float to integer casts: what NumPy 2.4 on x86-64 gives for
    /// strided and tail elements (measured; NumPy itself is inconsistent in
    /// SIMD blocks).
    #[test]
    fn out_of_range_casts_follow_x86_scalar_path() {
        let nan = Value::F64(f64::NAN);
        assert_eq!(i8::from_value(nan), 0);
        assert_eq!(i32::from_value(nan), i32::MIN);
        assert_eq!(u32::from_value(nan), 0);
        assert_eq!(u32::from_value(Value::F64(-3e9)), 1294967296);
        assert_eq!(u64::from_value(nan), 1 << 63);
        assert_eq!(u64::from_value(Value::F64(1e19)), 10000000000000000000);
        assert_eq!(u64::from_value(Value::F64(f64::INFINITY)), 0);
        assert_eq!(i8::from_value(Value::F64(-129.5)), 127);
        assert_eq!(u16::from_value(Value::F64(-129.5)), 65407);
    }

    #[test]
    fn byte_swapped_round_trip() {
        let st = ScalarType::new(Kind::Int32, ByteOrder::Big);
        let mut buf = [0u8; 4];
        unsafe { write_value(buf.as_mut_ptr(), st, Value::Int(0x01020304)) };
        assert_eq!(buf, [1, 2, 3, 4]);
        assert_eq!(
            unsafe { read_value(buf.as_ptr(), st) },
            Value::Int(0x01020304)
        );
    }
}
