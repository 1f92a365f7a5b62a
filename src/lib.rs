//! ndcore: the NumPy array model as a Rust library with a C ABI.
//!
//! Layers, each using only those listed before it (shared/design/ARCHITECTURE.md):
//!
//! | module | owns |
//! | --- | --- |
//! | `dtype` | element types, byte order, records, dtype strings, promotion |
//! | `layout` | shape and stride arithmetic and validation |
//! | `buffer` | who owns the bytes (owned, foreign with a release callback) |
//! | `array` | buffer + offset + dtype + shape + strides; views; repr |
//! | `iter` | the N-d loop engine handing 1-d runs to kernels |
//! | `ufunc` | typed kernels: casting now, arithmetic later |
//! | `create` | NumPy's creation functions |
//! | `capi` | the C boundary: guard, handles, status codes; no numerics |

pub mod error;
pub mod text;

pub mod array;
pub mod buffer;
pub mod create;
pub mod dtype;
pub mod indexing;
pub mod interop;
pub mod io;
pub mod iter;
pub mod layout;
pub mod linalg;
pub mod manip;
pub mod ufunc;

pub use error::{Error, ErrorKind, Result};

/// The C API: every exported item must be documented (its docs become the header's).
#[deny(missing_docs)]
pub mod capi;
