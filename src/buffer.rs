//! Who owns the bytes. A `Buffer` is an owned aligned allocation or foreign
//! memory with a release callback; arrays hold it behind an `Arc`, so every
//! view keeps it alive and the release runs exactly once, after the last
//! view is gone, on whichever thread drops it.

use std::alloc::{Layout, alloc, alloc_zeroed, dealloc};
use std::ptr::NonNull;

use crate::error::{Result, bail};

/// Alignment of owned allocations: a cache line, enough for any SIMD load.
pub const ALLOC_ALIGN: usize = 64;

/// A release action for foreign memory, run once when the buffer drops.
pub type Release = Box<dyn FnOnce() + Send>;

enum Owner {
    /// Allocated by us with this layout.
    Owned(Layout),
    /// Someone else's memory; the closure (if any) gives it back.
    Foreign(Option<Release>),
}

/// A block of bytes and who owns it.
pub struct Buffer {
    ptr: NonNull<u8>,
    len: usize,
    owner: Owner,
    writeable: bool,
}

// SAFETY: a Buffer is a pointer and a length; synchronising access to the
// bytes is the array layer's contract with its callers (as in C), and the
// release closure is `Send`.
unsafe impl Send for Buffer {}
unsafe impl Sync for Buffer {}

impl Buffer {
    /// A new owned allocation of `len` bytes, zeroed when `zeroed`.
    pub fn alloc(len: usize, zeroed: bool) -> Result<Buffer> {
        // Never a zero-size allocation: C callers get a real, aligned pointer.
        let layout = match Layout::from_size_align(len.max(1), ALLOC_ALIGN) {
            Ok(l) => l,
            Err(_) => bail!(Overflow, "cannot allocate {len} bytes: too large"),
        };
        // SAFETY: the layout has non-zero size.
        let raw = unsafe {
            if zeroed {
                alloc_zeroed(layout)
            } else {
                alloc(layout)
            }
        };
        let Some(ptr) = NonNull::new(raw) else {
            bail!(
                Memory,
                "Unable to allocate {} for an array of {len} bytes",
                human_bytes(len)
            );
        };
        Ok(Buffer {
            ptr,
            len,
            owner: Owner::Owned(layout),
            writeable: true,
        })
    }

    /// Foreign memory of `len` bytes at `ptr`; `release` runs once when the
    /// last user drops it, and never if this returns an error.
    ///
    /// # Safety
    /// `ptr` must be valid for reads (and writes, when `writeable`) of `len`
    /// bytes until `release` runs. A null `ptr` is allowed only with `len == 0`.
    pub unsafe fn foreign(
        ptr: *mut u8,
        len: usize,
        writeable: bool,
        release: Option<Release>,
    ) -> Result<Buffer> {
        let ptr = match NonNull::new(ptr) {
            Some(p) => p,
            None if len == 0 => NonNull::dangling(),
            // On failure the release is dropped without running: the memory
            // stays the caller's.
            None => bail!(Null, "data pointer is NULL for an array of {len} bytes"),
        };
        Ok(Buffer {
            ptr,
            len,
            owner: Owner::Foreign(release),
            writeable,
        })
    }

    pub fn as_ptr(&self) -> *mut u8 {
        self.ptr.as_ptr()
    }
    pub fn len(&self) -> usize {
        self.len
    }
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }
    pub fn is_writeable(&self) -> bool {
        self.writeable
    }
    pub fn is_owned(&self) -> bool {
        matches!(self.owner, Owner::Owned(_))
    }
}

impl Drop for Buffer {
    fn drop(&mut self) {
        match &mut self.owner {
            // SAFETY: allocated in `alloc` with exactly this layout.
            Owner::Owned(layout) => unsafe { dealloc(self.ptr.as_ptr(), *layout) },
            Owner::Foreign(release) => {
                if let Some(r) = release.take() {
                    r();
                }
            }
        }
    }
}

/// NumPy's byte counts in messages: "1.00 TiB".
fn human_bytes(n: usize) -> String {
    let units = ["B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"];
    let mut v = n as f64;
    let mut u = 0;
    while v >= 1024.0 && u + 1 < units.len() {
        v /= 1024.0;
        u += 1;
    }
    if u == 0 {
        format!("{n} B")
    } else {
        format!("{v:.2} {}", units[u])
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;
    use std::sync::atomic::{AtomicUsize, Ordering};

    #[test]
    fn owned_is_aligned_and_zeroed() {
        let b = Buffer::alloc(100, true).unwrap();
        assert_eq!(b.as_ptr() as usize % ALLOC_ALIGN, 0);
        let bytes = unsafe { std::slice::from_raw_parts(b.as_ptr(), 100) };
        assert!(bytes.iter().all(|&x| x == 0));
        assert!(Buffer::alloc(0, false).is_ok());
    }

    #[test]
    fn huge_allocation_is_an_error() {
        let e = Buffer::alloc(isize::MAX as usize - 8, false).unwrap_err();
        assert!(matches!(
            e.kind(),
            crate::ErrorKind::Memory | crate::ErrorKind::Overflow
        ));
    }

    #[test]
    fn foreign_release_runs_once_after_last_user() {
        static COUNT: AtomicUsize = AtomicUsize::new(0);
        let mut data = [0u8; 16];
        let b = Arc::new(unsafe {
            Buffer::foreign(
                data.as_mut_ptr(),
                16,
                true,
                Some(Box::new(|| {
                    COUNT.fetch_add(1, Ordering::SeqCst);
                })),
            )
            .unwrap()
        });
        let b2 = Arc::clone(&b);
        drop(b);
        assert_eq!(COUNT.load(Ordering::SeqCst), 0);
        std::thread::spawn(move || drop(b2)).join().unwrap();
        assert_eq!(COUNT.load(Ordering::SeqCst), 1);
    }
}

impl std::fmt::Debug for Buffer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Buffer")
            .field("ptr", &self.ptr)
            .field("len", &self.len)
            .field("owned", &self.is_owned())
            .field("writeable", &self.writeable)
            .finish()
    }
}
