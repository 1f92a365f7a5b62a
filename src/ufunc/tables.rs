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

/// float16 binary loops computed through the op's float32 loop and rounded
/// once, as NumPy's half loops do.
macro_rules! half_binary {
    ($($op:ident),* $(,)?) => {$(
        impl $crate::ufunc::arith::BinaryOp<half::f16> for $op {
            type Out = half::f16;
            #[inline(always)]
            fn call(a: half::f16, b: half::f16) -> half::f16 {
                half::f16::from_f32(<$op as $crate::ufunc::arith::BinaryOp<f32>>::call(a.to_f32(), b.to_f32()))
            }
        }
    )*};
}
pub(crate) use half_binary;

/// A `Ufunc` value; `weak` and `resolver` default to Strict and Default.
/// A leading `compute` marks a ufunc whose loops cost far more than the
/// memory they touch (libm calls): the engine splits it across threads from
/// smaller sizes.
macro_rules! ufunc {
    (compute $static:ident, $($rest:tt)*) => {
        $crate::ufunc::tables::ufunc!(@cost true, $static, $($rest)*);
    };
    (@cost $cost:expr, $static:ident, $name:literal, $nin:literal, $loops:expr) => {
        $crate::ufunc::tables::ufunc!(
            @cost $cost,
            $static,
            $name,
            $nin,
            $loops,
            $crate::ufunc::engine::WeakInts::Strict,
            $crate::ufunc::engine::Resolver::Default,
            None,
            None
        );
    };
    (@cost $cost:expr, $static:ident, $name:literal, $nin:literal, $loops:expr, $weak:expr, $resolver:expr, $msg:expr, $check:expr) => {
        pub static $static: $crate::ufunc::engine::Ufunc = $crate::ufunc::engine::Ufunc {
            name: $name,
            nin: $nin,
            weak_ints: $weak,
            loops: $loops,
            resolver: $resolver,
            no_loop_message: $msg,
            check: $check,
            compute_bound: $cost,
            memo: $crate::ufunc::engine::LoopMemo::EMPTY,
        };
    };
    ($static:ident, $name:literal, $nin:literal, $loops:expr) => {
        $crate::ufunc::tables::ufunc!(@cost false, $static, $name, $nin, $loops);
    };
    ($static:ident, $name:literal, $nin:literal, $loops:expr, $weak:expr, $resolver:expr, $msg:expr) => {
        $crate::ufunc::tables::ufunc!(@cost false, $static, $name, $nin, $loops, $weak, $resolver, $msg, None);
    };
    ($static:ident, $name:literal, $nin:literal, $loops:expr, $weak:expr, $resolver:expr, $msg:expr, $check:expr) => {
        $crate::ufunc::tables::ufunc!(@cost false, $static, $name, $nin, $loops, $weak, $resolver, $msg, $check);
    };
}
pub(crate) use ufunc;
