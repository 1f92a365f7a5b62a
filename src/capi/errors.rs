//! Status, error messages, strings and the library version.

use std::ffi::{c_char, c_int};

use super::guard::{clear_error, last_error_ptr, last_status};
use super::status::nd_status;

/// The status of the last failed ndcore call on the calling thread (ND_OK if
/// none failed since the thread started or since nd_clear_error). Successful
/// calls do not reset it; a later failure overwrites it.
#[unsafe(no_mangle)]
pub extern "C" fn nd_last_status() -> nd_status {
    last_status()
}

/// The message of the last failed ndcore call on the calling thread, in
/// NumPy's words ("" if none). The pointer stays valid until the next failing
/// call on this thread; copy it to keep it. Never NULL; do not free it.
#[unsafe(no_mangle)]
pub extern "C" fn nd_last_error() -> *const c_char {
    last_error_ptr()
}

/// Reset the calling thread's last status to ND_OK and message to "".
#[unsafe(no_mangle)]
pub extern "C" fn nd_clear_error() {
    clear_error()
}

/// Record a failure as the calling thread's last error, as an ndcore call
/// would: for language shims and callbacks built on ndcore (the Fortran
/// descriptor shim uses it) that report through the same nd_last_status /
/// nd_last_error. `status` must be a failure code (not ND_OK) and `message`
/// not NULL; otherwise nothing is recorded and ND_ERR_VALUE is returned.
/// Returns `status` on success, so a shim can `return nd_set_error(...)`.
///
/// # Safety
/// `message` must be NULL or a NUL-terminated string.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn nd_set_error(status: c_int, message: *const c_char) -> nd_status {
    let code = match nd_status::from_code(status) {
        Some(s) if s != nd_status::ND_OK => s,
        _ => return nd_status::ND_ERR_VALUE,
    };
    if message.is_null() {
        return nd_status::ND_ERR_VALUE;
    }
    // SAFETY: the caller's promise.
    let text = unsafe { std::ffi::CStr::from_ptr(message) }.to_string_lossy();
    super::guard::record_error(code, &text);
    code
}

/// The name of a status code ("ND_ERR_VALUE"), or "ND_UNKNOWN_STATUS" for a
/// value that is not one. Static storage: do not free.
#[unsafe(no_mangle)]
pub extern "C" fn nd_status_name(status: c_int) -> *const c_char {
    match nd_status::from_code(status) {
        Some(s) => s.name().as_ptr(),
        None => c"ND_UNKNOWN_STATUS".as_ptr(),
    }
}

/// Release a string returned by ndcore (nd_array_repr, nd_dtype_str, ...).
/// NULL is a no-op. Thread-safe.
///
/// # Safety
/// `s` must be NULL or a string ndcore returned, not freed before.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn nd_string_free(s: *mut c_char) {
    if !s.is_null() {
        drop(unsafe { std::ffi::CString::from_raw(s) });
    }
}

/// The library's version string, e.g. "0.1.0" (static storage). Compare with
/// NDCORE_VERSION_STRING to check the header matches the library.
#[unsafe(no_mangle)]
pub extern "C" fn nd_version() -> *const c_char {
    const V: &str = concat!(env!("CARGO_PKG_VERSION"), "\0");
    V.as_ptr() as *const c_char
}

/// The library's major version (NDCORE_VERSION_MAJOR it was built as).
#[unsafe(no_mangle)]
pub extern "C" fn nd_version_major() -> c_int {
    env!("CARGO_PKG_VERSION_MAJOR").parse().unwrap_or(-1)
}

/// The library's minor version.
#[unsafe(no_mangle)]
pub extern "C" fn nd_version_minor() -> c_int {
    env!("CARGO_PKG_VERSION_MINOR").parse().unwrap_or(-1)
}

/// The library's patch version.
#[unsafe(no_mangle)]
pub extern "C" fn nd_version_patch() -> c_int {
    env!("CARGO_PKG_VERSION_PATCH").parse().unwrap_or(-1)
}
