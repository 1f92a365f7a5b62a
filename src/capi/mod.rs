//! The C boundary. Every exported function runs in `guard`, borrows its
//! inputs through the `Handle` / `c_str` / `c_slice` helpers, calls the Rust
//! API and hands back the result. No numerics live here.
//!
//! One file per area: `errors` (status, messages, version), `dtype`,
//! `array` (introspection, element access, copies), `create`.

#![allow(non_camel_case_types)]

mod array;
mod create;
mod dlpack;
mod dtype;
mod errors;
mod guard;
mod io;
mod linalg;
mod reduce;
mod select;
mod spare;
mod status;
mod ufunc;
mod views;

pub use array::*;
pub use create::*;
pub use dlpack::*;
pub use dtype::*;
pub use errors::*;
pub use linalg::*;
pub use reduce::*;
pub use select::*;
pub use status::nd_status;
pub use ufunc::*;
pub use views::*;

use std::mem::MaybeUninit;

use crate::array::Array;
use crate::dtype::{Casting, DType};
use crate::error::{Result, bail};
use crate::layout::Order;
use guard::Handle;

/// An array: a data pointer, a dtype, a shape and byte strides, and a
/// reference on the memory it views. Opaque; create it with the nd_*
/// creation functions, release it with nd_array_free.
pub struct nd_array {
    inner: Array,
}

/// A data type (NumPy's dtype). Opaque; create it with nd_dtype_new or
/// nd_dtype_from_string, release it with nd_dtype_free.
pub struct nd_dtype {
    inner: DType,
}

/// The body of every `nd_<op>(a, b, out)`: borrow the two inputs and the
/// optional `out`, run `f` in the guard, hand back the result's handle.
///
/// # Safety
/// Each pointer is NULL or a live handle (`a` and `b` NULL is an error).
pub(crate) unsafe fn two_in_one_out(
    a: *const nd_array,
    b: *const nd_array,
    out: *const nd_array,
    f: impl FnOnce(&Array, &Array, Option<&Array>) -> Result<Array>,
) -> *mut nd_array {
    unsafe { two_in_one_out_into(a, b, out, |a, b, out, dst| Ok(_ = dst.write(f(a, b, out)?))) }
}

/// `two_in_one_out` for bodies that write their result in place, into the
/// new handle's memory (`Ufunc::call_into`).
///
/// # Safety
/// As `two_in_one_out`.
#[inline(always)]
pub(crate) unsafe fn two_in_one_out_into(
    a: *const nd_array,
    b: *const nd_array,
    out: *const nd_array,
    f: impl FnOnce(&Array, &Array, Option<&Array>, &mut MaybeUninit<Array>) -> Result<()>,
) -> *mut nd_array {
    guard::guard(|| {
        let a = unsafe { nd_array::borrow(a, "a")? };
        let b = unsafe { nd_array::borrow(b, "b")? };
        let out = unsafe { nd_array::borrow_opt(out) };
        spare::emplace(|dst| f(a, b, out, dst))
    })
}

impl Handle for nd_array {
    type Inner = Array;
    fn from_inner(inner: Array) -> Self {
        nd_array { inner }
    }
    fn inner(&self) -> &Array {
        &self.inner
    }
    fn into_raw(inner: Array) -> *mut Self {
        spare::boxed(nd_array { inner })
    }
    unsafe fn free(p: *mut Self) {
        if !p.is_null() {
            // SAFETY: as `Handle::free`.
            if unsafe { spare::release(p) }.is_err() {
                guard::record_error(
                    status::nd_status::ND_ERR_VALUE,
                    "nd_array_free: this handle was already freed",
                );
            }
        }
    }
}

impl Handle for nd_dtype {
    type Inner = DType;
    fn from_inner(inner: DType) -> Self {
        nd_dtype { inner }
    }
    fn inner(&self) -> &DType {
        &self.inner
    }
}

/// Memory order of a new array (NumPy's `order=`): one of ND_ORDER_*.
pub type nd_order = i32;
/// Row-major: the last index varies fastest.
pub const ND_ORDER_C: nd_order = 0;
/// Column-major (Fortran): the first index varies fastest.
pub const ND_ORDER_F: nd_order = 1;
/// F if the source is F-contiguous and not C-contiguous, else C.
pub const ND_ORDER_A: nd_order = 2;
/// Keep the source's axis order as closely as possible.
pub const ND_ORDER_K: nd_order = 3;

/// NumPy's casting rule: one of ND_CASTING_*.
pub type nd_casting = i32;
/// Only identical dtypes.
pub const ND_CASTING_NO: nd_casting = 0;
/// Identical but for byte order.
pub const ND_CASTING_EQUIV: nd_casting = 1;
/// Only casts that preserve every value.
pub const ND_CASTING_SAFE: nd_casting = 2;
/// Safe casts, or casts within a kind (float64 to float32).
pub const ND_CASTING_SAME_KIND: nd_casting = 3;
/// Any cast (values may wrap, truncate or lose precision).
pub const ND_CASTING_UNSAFE: nd_casting = 4;

/// Array flag bits returned by nd_array_flags (NumPy's values).
pub const ND_FLAG_C_CONTIGUOUS: i32 = 0x1;
/// Array flag: Fortran-contiguous.
pub const ND_FLAG_F_CONTIGUOUS: i32 = 0x2;
/// Array flag: the array allocated its memory (not a view, not foreign).
pub const ND_FLAG_OWNDATA: i32 = 0x4;
/// Array flag: data pointer and strides suit the dtype's alignment.
pub const ND_FLAG_ALIGNED: i32 = 0x100;
/// Array flag: elements may be written.
pub const ND_FLAG_WRITEABLE: i32 = 0x400;

/// The most dimensions an array may have.
pub const ND_MAXDIMS: i32 = 64;
const _: () = assert!(ND_MAXDIMS as usize == crate::dtype::MAXDIMS);

fn order_arg(order: nd_order) -> Result<Order> {
    Ok(match order {
        ND_ORDER_C => Order::C,
        ND_ORDER_F => Order::F,
        ND_ORDER_A => Order::A,
        ND_ORDER_K => Order::K,
        other => bail!(
            Value,
            "order must be one of ND_ORDER_C, ND_ORDER_F, ND_ORDER_A, ND_ORDER_K (got {other})"
        ),
    })
}

fn casting_arg(casting: nd_casting) -> Result<Casting> {
    Ok(match casting {
        ND_CASTING_NO => Casting::No,
        ND_CASTING_EQUIV => Casting::Equiv,
        ND_CASTING_SAFE => Casting::Safe,
        ND_CASTING_SAME_KIND => Casting::SameKind,
        ND_CASTING_UNSAFE => Casting::Unsafe,
        other => bail!(
            Value,
            "casting must be one of ND_CASTING_NO, _EQUIV, _SAFE, _SAME_KIND, _UNSAFE (got {other})"
        ),
    })
}
