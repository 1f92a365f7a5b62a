//! Spare `nd_array` boxes: a short per-thread stack of freed handle
//! allocations that the next new handle reuses, as CPython keeps free lists
//! for its small objects. A small ufunc call from C makes two allocations
//! (the handle, and the array's memory) and frees two; on this machine a
//! malloc/free pair costs about 20 ns, so reusing the handle saves a fifth
//! of a 10-element `nd_add`.
//!
//! A box on the stack has had its array dropped: it is only memory. The
//! stack is capped (`SPARE_MAX`) and freed when its thread exits; a handle
//! freed on another thread than the one that made it simply joins that
//! thread's stack. Freeing a handle that is already on the stack (a double
//! `nd_array_free` right after the first) is detected and refused.

use std::cell::RefCell;
use std::mem::MaybeUninit;

use super::nd_array;
use crate::array::Array;

/// Boxes kept per thread: enough for the temporaries of an expression.
const SPARE_MAX: usize = 8;

thread_local! {
    // The boxes are the point: each is a handle allocation kept for reuse.
    #[allow(clippy::vec_box)]
    static SPARE: RefCell<Vec<Box<MaybeUninit<nd_array>>>> =
        const { RefCell::new(Vec::new()) };
}

/// An empty handle box: a spare one if this thread has one, else a new one.
#[inline(always)]
fn take() -> Box<MaybeUninit<nd_array>> {
    let spare = SPARE
        .try_with(|s| s.try_borrow_mut().ok().and_then(|mut v| v.pop()))
        .ok()
        .flatten();
    spare.unwrap_or_else(Box::new_uninit)
}

/// Keep a box (its array dropped, or never written) on the stack, or free
/// it when the stack is full.
fn give_back(b: Box<MaybeUninit<nd_array>>) {
    let kept = SPARE.try_with(|s| match s.try_borrow_mut() {
        Ok(mut v) if v.len() < SPARE_MAX => {
            if v.capacity() == 0 {
                v.reserve_exact(SPARE_MAX);
            }
            v.push(b);
            None
        }
        _ => Some(b),
    });
    // Not kept (stack full or busy, or the thread is exiting): freed here.
    if let Ok(Some(b)) = kept {
        drop(b);
    }
}

/// A box holding `h`.
#[inline(always)]
pub(super) fn boxed(h: nd_array) -> *mut nd_array {
    let mut b = take();
    b.write(h);
    Box::into_raw(b) as *mut nd_array
}

/// A handle whose array `make` writes in place, straight into the box, so
/// the array is not moved after it is built; on error the box goes back.
#[inline(always)]
pub(super) fn emplace(
    make: impl FnOnce(&mut MaybeUninit<Array>) -> crate::error::Result<()>,
) -> crate::error::Result<*mut nd_array> {
    let mut b = take();
    // SAFETY: `inner` is the handle's only field, and `MaybeUninit<Array>`
    // has `Array`'s layout; nothing reads it before `make` writes it.
    let slot = unsafe {
        &mut *(std::ptr::addr_of_mut!((*b.as_mut_ptr()).inner) as *mut MaybeUninit<Array>)
    };
    match make(slot) {
        Ok(()) => Ok(Box::into_raw(b) as *mut nd_array),
        Err(e) => {
            give_back(b);
            Err(e)
        }
    }
}

/// Why `release` refused a pointer.
pub(super) struct AlreadyFreed;

/// Drop the array in the handle `p` and keep or free its box.
///
/// # Safety
/// `p` must be a live handle from `boxed`, or one released by `release`
/// and still on this thread's stack (then refused, nothing done).
pub(super) unsafe fn release(p: *mut nd_array) -> Result<(), AlreadyFreed> {
    let p = p as *mut MaybeUninit<nd_array>;
    let on_stack = SPARE
        .try_with(|s| {
            s.try_borrow()
                .is_ok_and(|v| v.iter().any(|b| std::ptr::eq(&**b, p)))
        })
        .unwrap_or(false);
    if on_stack {
        return Err(AlreadyFreed);
    }
    // SAFETY: `p` is a live handle, allocated as a Box by `boxed`.
    let mut b = unsafe { Box::from_raw(p) };
    // Drop the array first: it may run a foreign release callback, which
    // may free other handles (and so use the stack).
    // SAFETY: a live handle holds an initialised array.
    unsafe { b.assume_init_drop() };
    give_back(b);
    Ok(())
}

/// Free this thread's spare boxes (`nd_release_cached_memory`).
pub(super) fn clear() {
    let spare = SPARE
        .try_with(|s| s.try_borrow_mut().map(|mut v| std::mem::take(&mut *v)))
        .ok()
        .and_then(|r| r.ok());
    drop(spare);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dtype::Kind;
    use crate::error::{Error, ErrorKind};

    fn stack_len() -> usize {
        SPARE.with(|s| s.borrow().len())
    }

    #[test]
    fn emplace_builds_in_the_box_and_gives_it_back_on_error() {
        clear();
        // A failing body leaves nothing handed out: its box joins the stack.
        let failed = emplace(|_| Err(Error::new(ErrorKind::Value, "no")));
        assert!(failed.is_err());
        assert_eq!(stack_len(), 1);
        let spare = SPARE.with(|s| &**s.borrow().last().unwrap() as *const _ as usize);
        // The next handle reuses that box and holds what the body wrote.
        let h = emplace(|dst| {
            dst.write(Array::empty_scalar(Kind::Int32, &[3, 2])?);
            Ok(())
        })
        .unwrap();
        assert_eq!(h as usize, spare);
        assert_eq!(stack_len(), 0);
        // SAFETY: `h` is the live handle just made.
        let a = unsafe { &(*h).inner };
        assert_eq!(a.shape(), &[3, 2]);
        assert_eq!(a.dtype().kind(), Some(Kind::Int32));
        // SAFETY: `h` is live; released once, then refused the second time.
        assert!(unsafe { release(h) }.is_ok());
        assert_eq!(stack_len(), 1);
        assert!(unsafe { release(h) }.is_err());
        clear();
        assert_eq!(stack_len(), 0);
    }
}
