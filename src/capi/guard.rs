//! The one guard every exported body runs in: it catches panics (which must
//! never unwind into C), turns errors into the function's failure value, and
//! records the status and message for `nd_last_status` / `nd_last_error`.
//! Also the helpers that borrow C inputs (handles, strings, arrays) with
//! NULL checks, and the `Handle` trait tying each opaque handle to its owner.

use std::cell::RefCell;
use std::ffi::{CStr, CString, c_char};
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::Once;

use super::status::nd_status;
use crate::error::{Error, ErrorKind, Result, bail};

thread_local! {
    static LAST: RefCell<(nd_status, CString)> = RefCell::new((nd_status::ND_OK, CString::default()));
    static IN_GUARD: std::cell::Cell<u32> = const { std::cell::Cell::new(0) };
}

pub(crate) fn record_error(status: nd_status, message: &str) {
    // Interior NULs would cut the C string short; show them instead.
    let msg = CString::new(message.replace('\0', "\\0")).unwrap_or_default();
    LAST.with(|l| *l.borrow_mut() = (status, msg));
}

pub(crate) fn last_status() -> nd_status {
    LAST.with(|l| l.borrow().0)
}

/// The last message; valid until the next failure on this thread.
pub(crate) fn last_error_ptr() -> *const c_char {
    LAST.with(|l| l.borrow().1.as_ptr())
}

pub(crate) fn clear_error() {
    record_error(nd_status::ND_OK, "");
}

/// What a C function returns when it fails.
pub(crate) trait Failure {
    fn failure(status: nd_status) -> Self;
}
impl<T> Failure for *mut T {
    fn failure(_: nd_status) -> Self {
        std::ptr::null_mut()
    }
}
impl<T> Failure for *const T {
    fn failure(_: nd_status) -> Self {
        std::ptr::null()
    }
}
impl Failure for nd_status {
    fn failure(status: nd_status) -> Self {
        status
    }
}
impl Failure for i64 {
    fn failure(_: nd_status) -> Self {
        -1
    }
}
impl Failure for i32 {
    fn failure(_: nd_status) -> Self {
        -1
    }
}
impl Failure for bool {
    fn failure(_: nd_status) -> Self {
        false
    }
}
impl Failure for c_char {
    fn failure(_: nd_status) -> Self {
        0
    }
}
impl Failure for () {
    fn failure(_: nd_status) -> Self {}
}

/// Keep caught panics off the user's stderr; panics outside the guard
/// still reach the previous hook.
fn install_quiet_hook() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            if IN_GUARD.with(|g| g.get()) == 0 {
                previous(info);
            }
        }));
    });
}

/// Run an exported body: its error or panic becomes the failure value and
/// the thread's last error.
pub(crate) fn guard<R: Failure>(body: impl FnOnce() -> Result<R>) -> R {
    install_quiet_hook();
    IN_GUARD.with(|g| g.set(g.get() + 1));
    let outcome = catch_unwind(AssertUnwindSafe(body));
    IN_GUARD.with(|g| g.set(g.get() - 1));
    let err = match outcome {
        Ok(Ok(r)) => return r,
        Ok(Err(e)) => e,
        Err(panic) => {
            let what = panic
                .downcast_ref::<&str>()
                .map(|s| s.to_string())
                .or_else(|| panic.downcast_ref::<String>().cloned())
                .unwrap_or_else(|| "unknown panic".into());
            Error::new(
                ErrorKind::Internal,
                format!("internal error in ndcore (please report): {what}"),
            )
        }
    };
    let status = nd_status::from_kind(err.kind());
    record_error(status, err.message());
    R::failure(status)
}

/// `guard` for functions returning `nd_status`.
pub(crate) fn guard_status(body: impl FnOnce() -> Result<()>) -> nd_status {
    guard(|| body().map(|()| nd_status::ND_OK))
}

/// An opaque C handle owning a Rust value in a `Box`.
pub(crate) trait Handle: Sized + 'static {
    type Inner;
    fn from_inner(inner: Self::Inner) -> Self;
    fn inner(&self) -> &Self::Inner;

    /// Box `inner` into a new handle the caller owns.
    fn into_raw(inner: Self::Inner) -> *mut Self {
        Box::into_raw(Box::new(Self::from_inner(inner)))
    }

    /// Borrow the value behind a handle argument named `name`.
    ///
    /// # Safety
    /// `p` must be NULL or a live handle returned by ndcore.
    unsafe fn borrow<'a>(p: *const Self, name: &str) -> Result<&'a Self::Inner> {
        match unsafe { p.as_ref() } {
            Some(h) => Ok(h.inner()),
            None => bail!(Null, "argument '{name}' is NULL"),
        }
    }

    /// Borrow an optional handle: NULL gives `None`.
    ///
    /// # Safety
    /// As `borrow`.
    unsafe fn borrow_opt<'a>(p: *const Self) -> Option<&'a Self::Inner> {
        unsafe { p.as_ref() }.map(|h| h.inner())
    }

    /// Release a handle; NULL is a no-op.
    ///
    /// # Safety
    /// `p` must be NULL or a live handle returned by ndcore, not used again.
    unsafe fn free(p: *mut Self) {
        if !p.is_null() {
            drop(unsafe { Box::from_raw(p) });
        }
    }
}

/// Borrow a NUL-terminated UTF-8 string argument.
///
/// # Safety
/// `p` must be NULL or a valid C string.
pub(crate) unsafe fn c_str<'a>(p: *const c_char, name: &str) -> Result<&'a str> {
    if p.is_null() {
        bail!(Null, "argument '{name}' is NULL");
    }
    match unsafe { CStr::from_ptr(p) }.to_str() {
        Ok(s) => Ok(s),
        Err(_) => bail!(Value, "argument '{name}' is not valid UTF-8"),
    }
}

/// Borrow `n` elements at `p`; NULL is allowed only when `n` is 0.
///
/// # Safety
/// `p` must be NULL or valid for `n` reads of `T`.
pub(crate) unsafe fn c_slice<'a, T>(p: *const T, n: usize, name: &str) -> Result<&'a [T]> {
    if n == 0 {
        return Ok(&[]);
    }
    if p.is_null() {
        bail!(
            Null,
            "argument '{name}' is NULL but {n} elements were promised"
        );
    }
    if n > crate::dtype::MAXDIMS.max(1 << 20) {
        bail!(Value, "argument '{name}': length {n} is implausibly large");
    }
    Ok(unsafe { std::slice::from_raw_parts(p, n) })
}

/// A Rust string as a newly allocated C string the caller frees with
/// `nd_string_free`.
pub(crate) fn owned_c_string(s: String) -> *mut c_char {
    CString::new(s.replace('\0', "\\0"))
        .unwrap_or_default()
        .into_raw()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_panic_becomes_internal_error_and_null() {
        let p: *mut u8 = guard(|| -> Result<*mut u8> { panic!("boom {}", 42) });
        assert!(p.is_null());
        assert_eq!(last_status(), nd_status::ND_ERR_INTERNAL);
        let msg = unsafe { CStr::from_ptr(last_error_ptr()) }
            .to_str()
            .unwrap();
        assert!(msg.contains("boom 42"), "{msg}");
        // The guard is reusable after a panic, and errors map to statuses.
        let s = guard_status(|| bail!(ReadOnly, "assignment destination is read-only"));
        assert_eq!(s, nd_status::ND_ERR_READONLY);
        assert_eq!(guard(|| Ok(7i64)), 7);
    }

    #[test]
    fn c_inputs_are_checked() {
        assert!(unsafe { c_str(std::ptr::null(), "s") }.is_err());
        assert!(
            unsafe { c_slice::<i64>(std::ptr::null(), 0, "shape") }
                .unwrap()
                .is_empty()
        );
        assert!(unsafe { c_slice::<i64>(std::ptr::null(), 2, "shape") }.is_err());
        let bad = [0xffu8, 0];
        assert!(unsafe { c_str(bad.as_ptr() as *const c_char, "s") }.is_err());
    }
}
