//! Typed element kernels on top of the loop engine: casting (`cast`), the
//! ufunc call machinery (`engine`) and the ufuncs themselves (`arith`).
//! Reductions and the remaining ufuncs join here, on the same engine.

mod tables;

pub mod accumulate;
pub mod argext;
pub mod arith;
pub mod cast;
pub mod compare;
mod complex_math;
mod dense;
pub mod divmod;
pub mod engine;
pub mod logic;
pub mod math;
pub mod reduce;
pub mod reduce_kernels;
pub mod select;
pub mod simd;
pub mod unary;

pub use cast::{assign, astype, check_can_cast, fill, fill_value, value_bytes};
pub use engine::Ufunc;

/// Every ufunc, for calls by NumPy name (`by_name`).
pub static ALL: &[&Ufunc] = &[
    &arith::ADD,
    &arith::SUBTRACT,
    &arith::MULTIPLY,
    &arith::TRUE_DIVIDE,
    &compare::EQUAL,
    &compare::NOT_EQUAL,
    &compare::LESS,
    &compare::LESS_EQUAL,
    &compare::GREATER,
    &compare::GREATER_EQUAL,
    &compare::MAXIMUM,
    &compare::MINIMUM,
    &compare::FMAX,
    &compare::FMIN,
    &divmod::FLOOR_DIVIDE,
    &divmod::REMAINDER,
    &divmod::FMOD,
    &logic::LOGICAL_AND,
    &logic::LOGICAL_OR,
    &logic::LOGICAL_XOR,
    &logic::LOGICAL_NOT,
    &logic::BITWISE_AND,
    &logic::BITWISE_OR,
    &logic::BITWISE_XOR,
    &logic::INVERT,
    &logic::LEFT_SHIFT,
    &logic::RIGHT_SHIFT,
    &unary::NEGATIVE,
    &unary::POSITIVE,
    &unary::ABSOLUTE,
    &unary::SQUARE,
    &unary::SQRT,
    &unary::RECIPROCAL,
    &unary::SIGN,
    &unary::CONJUGATE,
    &unary::FLOOR,
    &unary::CEIL,
    &unary::TRUNC,
    &unary::RINT,
    &unary::ISNAN,
    &unary::ISINF,
    &unary::ISFINITE,
    &unary::SIGNBIT,
    &math::EXP,
    &math::EXP2,
    &math::EXPM1,
    &math::LOG,
    &math::LOG2,
    &math::LOG10,
    &math::LOG1P,
    &math::SIN,
    &math::COS,
    &math::TAN,
    &math::ARCSIN,
    &math::ARCCOS,
    &math::ARCTAN,
    &math::SINH,
    &math::COSH,
    &math::TANH,
    &math::ARCSINH,
    &math::ARCCOSH,
    &math::ARCTANH,
    &math::CBRT,
    &math::DEG2RAD,
    &math::RAD2DEG,
    &math::ARCTAN2,
    &math::HYPOT,
    &math::COPYSIGN,
    &math::NEXTAFTER,
    &math::FLOAT_POWER,
    &math::POWER,
    &select::CLIP,
];

/// The ufunc NumPy calls `name` (its aliases too: `true_divide`, `mod`,
/// `abs`, `conj`, `bitwise_not`, `bitwise_invert`).
pub fn by_name(name: &str) -> Option<&'static Ufunc> {
    let name = match name {
        "true_divide" => "divide",
        "mod" => "remainder",
        "abs" => "absolute",
        "conj" => "conjugate",
        "bitwise_not" | "bitwise_invert" => "invert",
        other => other,
    };
    ALL.iter().copied().find(|u| u.name == name)
}

#[cfg(test)]
mod tests {
    #[test]
    fn every_ufunc_has_one_name() {
        let mut names: Vec<&str> = super::ALL.iter().map(|u| u.name).collect();
        names.sort_unstable();
        let n = names.len();
        names.dedup();
        assert_eq!(names.len(), n);
        assert_eq!(super::by_name("mod").map(|u| u.name), Some("remainder"));
        assert!(super::by_name("nope").is_none());
    }
}
