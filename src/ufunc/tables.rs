//! Macros that build ufunc loop tables and ufunc values, so each ufunc is
//! declared in one line: the element kinds it has loops for (in NumPy's
//! type order, which loop resolution relies on) and its operation.

/// The Rust element type of a `Kind` name.
macro_rules! ty {
    (Bool) => {
        bool
    };
    (Int8) => {
        i8
    };
    (UInt8) => {
        u8
    };
    (Int16) => {
        i16
    };
    (UInt16) => {
        u16
    };
    (Int32) => {
        i32
    };
    (UInt32) => {
        u32
    };
    (Int64) => {
        i64
    };
    (UInt64) => {
        u64
    };
    (Float16) => {
        half::f16
    };
    (Float32) => {
        f32
    };
    (Float64) => {
        f64
    };
    (Complex64) => {
        num_complex::Complex32
    };
    (Complex128) => {
        num_complex::Complex64
    };
}
pub(crate) use ty;

/// Two-input loops `K, K -> K` for each listed kind.
macro_rules! same2 {
    ($op:ty; $($k:ident),* $(,)?) => {
        &[$($crate::ufunc::engine::Loop {
            types: &[$crate::dtype::Kind::$k, $crate::dtype::Kind::$k, $crate::dtype::Kind::$k],
            func: $crate::ufunc::arith::binary_loop::<$crate::ufunc::tables::ty!($k), $crate::ufunc::tables::ty!($k), $op>,
        }),*]
    };
}
pub(crate) use same2;

/// Two-input loops `K, K -> bool` for each listed kind.
macro_rules! to_bool2 {
    ($op:ty; $($k:ident),* $(,)?) => {
        &[$($crate::ufunc::engine::Loop {
            types: &[$crate::dtype::Kind::$k, $crate::dtype::Kind::$k, $crate::dtype::Kind::Bool],
            func: $crate::ufunc::arith::binary_loop::<$crate::ufunc::tables::ty!($k), $crate::ufunc::tables::ty!($k), $op>,
        }),*]
    };
}
pub(crate) use to_bool2;

/// One-input loops `In -> Out` for each listed pair.
macro_rules! unary1 {
    ($op:ty; $($k:ident => $o:ident),* $(,)?) => {
        &[$($crate::ufunc::engine::Loop {
            types: &[$crate::dtype::Kind::$k, $crate::dtype::Kind::$o],
            func: $crate::ufunc::unary::unary_loop::<$crate::ufunc::tables::ty!($k), $op>,
        }),*]
    };
}
pub(crate) use unary1;

/// A `Ufunc` value; `weak` and `resolver` default to Strict and Default.
macro_rules! ufunc {
    ($static:ident, $name:literal, $nin:literal, $loops:expr) => {
        $crate::ufunc::tables::ufunc!(
            $static,
            $name,
            $nin,
            $loops,
            $crate::ufunc::engine::WeakInts::Strict,
            $crate::ufunc::engine::Resolver::Default,
            None
        );
    };
    ($static:ident, $name:literal, $nin:literal, $loops:expr, $weak:expr, $resolver:expr, $msg:expr) => {
        $crate::ufunc::tables::ufunc!($static, $name, $nin, $loops, $weak, $resolver, $msg, None);
    };
    ($static:ident, $name:literal, $nin:literal, $loops:expr, $weak:expr, $resolver:expr, $msg:expr, $check:expr) => {
        pub static $static: $crate::ufunc::engine::Ufunc = $crate::ufunc::engine::Ufunc {
            name: $name,
            nin: $nin,
            weak_ints: $weak,
            loops: $loops,
            resolver: $resolver,
            no_loop_message: $msg,
            check: $check,
        };
    };
}
pub(crate) use ufunc;
