//! Typed element kernels on top of the loop engine: casting (`cast`), the
//! ufunc call machinery (`engine`) and the ufuncs themselves (`arith`).
//! Reductions and the remaining ufuncs join here, on the same engine.

mod tables;

pub mod accumulate;
pub mod argext;
pub mod arith;
pub mod cast;
pub mod compare;
pub mod divmod;
pub mod engine;
pub mod logic;
pub mod math;
pub mod reduce;
pub mod reduce_kernels;
pub mod unary;

pub use cast::{assign, astype, check_can_cast, fill, fill_value, value_bytes};
pub use engine::Ufunc;
