//! Typed element kernels on top of the loop engine. For now: the casting
//! kernels (`astype`, copies, fills). Arithmetic ufuncs and reductions join
//! here, sharing the same loop engine and kernel shape.

pub mod cast;

pub use cast::{assign, astype, check_can_cast, fill, fill_value, value_bytes};
