//! NumPy's array manipulations that return a view when they can and copy
//! when they must: `reshape` with a copy fallback, `ravel`, `flatten`,
//! `ascontiguousarray`, `asfortranarray`. The views are `array`'s, the
//! copies `ufunc::cast`'s; this module only decides which.

use crate::array::Array;
use crate::dtype::Casting;
use crate::error::Result;
use crate::layout::Order;
use crate::ufunc::{assign, astype};

fn copy(a: &Array, order: Order) -> Result<Array> {
    astype(a, a.dtype(), Casting::No, order)
}

/// NumPy's `reshape(newshape, order)` (copy=None): a view when the no-copy
/// rule allows it, otherwise a copy laid out in `order`.
pub fn reshape_or_copy(a: &Array, newshape: &[i64], order: Order) -> Result<Array> {
    if let Some(v) = a.reshape_view(newshape, order)? {
        return Ok(v);
    }
    let order = match order {
        Order::A if a.is_fortran() => Order::F,
        Order::A => Order::C,
        o => o,
    };
    copy(a, order)?.reshape(newshape, order)
}

/// NumPy's `ravel(order)`: a 1-d view when the elements already lie in
/// that order, else a copy.
pub fn ravel(a: &Array, order: Order) -> Result<Array> {
    let flags = a.flags();
    let order = match order {
        Order::K if flags.c_contiguous => Order::C,
        Order::K if flags.f_contiguous => Order::F,
        Order::A if a.is_fortran() => Order::F,
        Order::A => Order::C,
        o => o,
    };
    match order {
        Order::C if flags.c_contiguous => a.reshape(&[-1], Order::C),
        Order::F if flags.f_contiguous => a.reshape(&[-1], Order::F),
        Order::K => match keep_order_stride(a) {
            Some(stride) => {
                a.view_with(a.offset(), a.dtype().clone(), vec![a.size()], vec![stride])
            }
            None => flatten(a, Order::K),
        },
        o => flatten(a, o),
    }
}

/// The stride of a 1-d view holding `a`'s elements in memory order, if
/// they lie back to back with positive strides (NumPy's ravel(order='K')).
fn keep_order_stride(a: &Array) -> Option<isize> {
    let mut axes: Vec<usize> = (0..a.ndim()).collect();
    axes.sort_by_key(|&i| std::cmp::Reverse(a.strides()[i].unsigned_abs()));
    let mut expected = a.itemsize() as isize;
    for &i in axes.iter().rev() {
        if a.shape()[i] == 1 {
            continue;
        }
        if a.strides()[i] != expected {
            return None;
        }
        expected *= a.shape()[i] as isize;
    }
    Some(a.itemsize() as isize)
}

/// NumPy's `flatten(order)`: always a new 1-d array, filled in `order`
/// (K: the order the elements lie in memory).
pub fn flatten(a: &Array, order: Order) -> Result<Array> {
    let (src, fortran) = match order {
        Order::C => (a.view(), false),
        Order::F => (a.view(), true),
        Order::A => (a.view(), a.is_fortran()),
        Order::K => {
            // Read `a` in the order NumPy's iterator would.
            let perm: Vec<i64> = crate::layout::keep_order_perm(a.shape(), &[a.strides()])
                .into_iter()
                .map(|i| i as i64)
                .collect();
            (a.transpose(Some(&perm))?, false)
        }
    };
    let out = Array::empty(a.dtype(), &[a.size()], Order::C)?;
    let dims: Vec<i64> = src.shape().iter().map(|&d| d as i64).collect();
    let target = out.reshape(&dims, if fortran { Order::F } else { Order::C })?;
    assign(&target, &src, Casting::No)?;
    Ok(out)
}

/// NumPy's `ascontiguousarray`: `a` itself (as a view) when C-contiguous,
/// else a C-ordered copy; 0-d arrays become 1-d, as in NumPy.
pub fn ascontiguousarray(a: &Array) -> Result<Array> {
    as_contiguous(a, Order::C)
}

/// NumPy's `asfortranarray`: as `ascontiguousarray`, in Fortran order.
pub fn asfortranarray(a: &Array) -> Result<Array> {
    as_contiguous(a, Order::F)
}

fn as_contiguous(a: &Array, order: Order) -> Result<Array> {
    let a = if a.ndim() == 0 {
        a.reshape(&[1], Order::C)?
    } else {
        a.view()
    };
    let flags = a.flags();
    let already = if order == Order::F {
        flags.f_contiguous
    } else {
        flags.c_contiguous
    };
    if already { Ok(a) } else { copy(&a, order) }
}

/// NumPy's `a.byteswap(inplace)`: every scalar's bytes reversed (both
/// halves of a complex separately, every field of a record), the dtype kept,
/// so the values change; with `inplace` in `a`'s own memory (which must be
/// writeable), returning a view of it, otherwise in a copy. Reading the
/// bytes as the swapped dtype and storing them as the original one is
/// exactly that reversal, so the cast machinery does it.
pub fn byteswap(a: &Array, inplace: bool) -> Result<Array> {
    let swapped = a.view_dtype(&a.dtype().swapped())?;
    if inplace {
        assign(a, &swapped, Casting::Unsafe)?;
        Ok(a.view())
    } else {
        astype(&swapped, a.dtype(), Casting::Unsafe, Order::K)
    }
}
