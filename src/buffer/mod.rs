//! Who owns the bytes. A `Buffer` is an owned aligned allocation or foreign
//! memory with a release callback; arrays hold it behind an `Arc`, so every
//! view keeps it alive and the release runs exactly once, after the last
//! view is gone, on whichever thread drops it.

mod file;
mod pool;

pub use file::MapMode;

use std::alloc::{Layout, alloc, alloc_zeroed, dealloc};
use std::ptr::NonNull;

use crate::error::{Result, bail};
use pool::{Block, Cached};

/// Alignment of owned allocations: a cache line, enough for any SIMD load.
pub const ALLOC_ALIGN: usize = 64;

/// Allocations from this size on are mapped, 2 MiB aligned, with huge pages.
const HUGE_PAGE_THRESHOLD: usize = 4 << 20;
const HUGE_PAGE: usize = 2 << 20;

/// Allocations up to this size take the small-block path (`alloc_small`),
/// within glibc's per-thread cache (1032-byte chunks).
const SMALL_MAX: usize = 960;
/// malloc's guaranteed alignment on 64-bit targets, and the slack that lets
/// a block so aligned start on a 64-byte boundary.
const SMALL_BASE_ALIGN: usize = 16;
const SMALL_SLACK: usize = ALLOC_ALIGN - SMALL_BASE_ALIGN;

/// A release action for foreign memory, run once when the buffer drops.
pub type Release = Box<dyn FnOnce() + Send>;

enum Owner {
    /// Allocated by us with this layout.
    Owned(Layout),
    /// A small block: `layout` allocated at `base` (malloc's own alignment),
    /// the buffer starting at the first 64-byte boundary inside it.
    Small { base: *mut u8, layout: Layout },
    /// Tiny arrays: the bytes live in the buffer's own `inline` field, in
    /// the same allocation as the `Arc` around it (`alloc_shared`).
    Inline,
    /// Large allocations: an anonymous mapping (`base`, `len` as mapped),
    /// zero-filled lazily by the kernel.
    Mapped { base: *mut u8, len: usize },
    /// Someone else's memory; the closure (if any) gives it back.
    Foreign(Option<Release>),
    /// A map of part of a file (`map_file`), unmapped and closed on drop.
    File(Box<file::FileMap>),
}

/// A block of bytes and who owns it.
pub struct Buffer {
    ptr: NonNull<u8>,
    len: usize,
    /// Owned blocks: the size class allocated (what the pool keys on).
    cap: usize,
    owner: Owner,
    writeable: bool,
    /// Storage for `Owner::Inline` (unused otherwise): `INLINE_BYTES` from
    /// its first 64-byte boundary.
    inline: std::mem::MaybeUninit<[u64; INLINE_WORDS]>,
}

/// Arrays of up to this many bytes live inside their `Arc<Buffer>`.
const INLINE_BYTES: usize = 128;
/// Room for `INLINE_BYTES` from a 64-byte boundary in 8-byte-aligned words.
const INLINE_WORDS: usize = (INLINE_BYTES + ALLOC_ALIGN - 8) / 8;

// SAFETY: a Buffer is a pointer and a length; synchronising access to the
// bytes is the array layer's contract with its callers (as in C), and the
// release closure is `Send`.
unsafe impl Send for Buffer {}
unsafe impl Sync for Buffer {}

impl Buffer {
    /// A new owned allocation of `len` bytes, zeroed when `zeroed`.
    ///
    /// From 4 MiB on the memory is mapped straight from the kernel, 2 MiB
    /// aligned and advised to use transparent huge pages, as NumPy does:
    /// first-touch faults on 4 KiB pages (~1 us each here) otherwise
    /// dominate filling a large array, and mapped memory is already zero,
    /// so `zeros` costs nothing until the pages are touched. Allocations
    /// from 64 KiB on are rounded up to a size class and, when not zeroed,
    /// reuse a block freed earlier (see `pool`).
    pub fn alloc(len: usize, zeroed: bool) -> Result<Buffer> {
        let cap = pool::class(len);
        if !zeroed && cap >= pool::MIN_POOLED {
            if let Some(c) = pool::take(cap) {
                let owner = match c.block {
                    Block::Heap(layout) => Owner::Owned(layout),
                    Block::Mapped { base, len } => Owner::Mapped { base, len },
                };
                return Ok(Buffer {
                    ptr: c.ptr,
                    len,
                    cap,
                    owner,
                    writeable: true,
                    inline: std::mem::MaybeUninit::uninit(),
                });
            }
        }
        if cap >= HUGE_PAGE_THRESHOLD {
            let mut b = Buffer::map_anonymous(cap)?;
            b.len = len;
            return Ok(b);
        }
        if cap <= SMALL_MAX {
            return Buffer::alloc_small(len, zeroed);
        }
        // Never a zero-size allocation: C callers get a real, aligned pointer.
        let layout = match Layout::from_size_align(cap.max(1), ALLOC_ALIGN) {
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
            return Err(allocation_error(len));
        };
        Ok(Buffer {
            ptr,
            len,
            cap,
            owner: Owner::Owned(layout),
            writeable: true,
            inline: std::mem::MaybeUninit::uninit(),
        })
    }

    /// A new owned allocation of `len` bytes (zeroed when `zeroed`) behind
    /// an `Arc`, as arrays hold it: tiny ones inside the `Arc`'s own
    /// allocation (one malloc instead of two), others as `alloc`.
    pub fn alloc_shared(len: usize, zeroed: bool) -> Result<std::sync::Arc<Buffer>> {
        if len > INLINE_BYTES {
            return Ok(std::sync::Arc::new(Buffer::alloc(len, zeroed)?));
        }
        // Built in place: `Arc::new(Buffer { .. })` would copy the whole
        // struct, its unused inline storage included, into the allocation.
        let mut shared = std::sync::Arc::<Buffer>::new_uninit();
        let b = std::sync::Arc::get_mut(&mut shared)
            .expect("a new Arc is unique")
            .as_mut_ptr();
        // SAFETY: `b` points to the new, unshared allocation; every field
        // but `inline` (uninitialised storage by type) is written before
        // `assume_init`, and `len` bytes from `start` lie inside `inline`.
        unsafe {
            let base = std::ptr::addr_of_mut!((*b).inline) as *mut u8;
            let start = base.wrapping_add(base.align_offset(ALLOC_ALIGN));
            if zeroed {
                std::ptr::write_bytes(start, 0, len);
            }
            std::ptr::addr_of_mut!((*b).ptr).write(NonNull::new_unchecked(start));
            std::ptr::addr_of_mut!((*b).len).write(len);
            std::ptr::addr_of_mut!((*b).cap).write(len);
            std::ptr::addr_of_mut!((*b).owner).write(Owner::Inline);
            std::ptr::addr_of_mut!((*b).writeable).write(true);
            Ok(shared.assume_init())
        }
    }

    /// Names every field, so that adding one to `Buffer` fails to compile
    /// until `alloc_shared`, which writes them one by one, writes it too.
    #[allow(dead_code)]
    fn every_field_is_written_by_alloc_shared(&self) {
        let Buffer {
            ptr: _,
            len: _,
            cap: _,
            owner: _,
            writeable: _,
            inline: _,
        } = self;
    }

    /// Small blocks come from plain malloc (its per-thread cache makes a
    /// malloc/free pair a few dozen instructions, where an aligned
    /// allocation costs hundreds) with room to start on a 64-byte boundary.
    fn alloc_small(len: usize, zeroed: bool) -> Result<Buffer> {
        let Ok(layout) = Layout::from_size_align(len + SMALL_SLACK, SMALL_BASE_ALIGN) else {
            return Err(allocation_error(len));
        };
        // SAFETY: the layout has non-zero size.
        let base = unsafe {
            if zeroed {
                alloc_zeroed(layout)
            } else {
                alloc(layout)
            }
        };
        if base.is_null() {
            return Err(allocation_error(len));
        }
        let start = base.wrapping_add(base.align_offset(ALLOC_ALIGN));
        Ok(Buffer {
            // SAFETY: `start` lies within the allocation, so it is not null.
            ptr: unsafe { NonNull::new_unchecked(start) },
            len,
            cap: len,
            owner: Owner::Small { base, layout },
            writeable: true,
            inline: std::mem::MaybeUninit::uninit(),
        })
    }

    #[cfg(unix)]
    fn map_anonymous(len: usize) -> Result<Buffer> {
        let map_len = len
            .checked_add(HUGE_PAGE)
            .filter(|&n| n <= isize::MAX as usize);
        let Some(map_len) = map_len else {
            bail!(Overflow, "cannot allocate {len} bytes: too large");
        };
        // SAFETY: a fresh private anonymous mapping; no existing memory is touched.
        let base = unsafe {
            libc::mmap(
                std::ptr::null_mut(),
                map_len,
                libc::PROT_READ | libc::PROT_WRITE,
                libc::MAP_PRIVATE | libc::MAP_ANONYMOUS,
                -1,
                0,
            )
        };
        if base == libc::MAP_FAILED {
            return Err(allocation_error(len));
        }
        let base = base as *mut u8;
        // Start on a 2 MiB boundary so every page of the array can be huge.
        let start = base.wrapping_add(base.align_offset(HUGE_PAGE));
        advise_huge_pages(start, len);
        Ok(Buffer {
            // SAFETY: mmap succeeded, so the address is not null.
            ptr: unsafe { NonNull::new_unchecked(start) },
            len,
            cap: len,
            owner: Owner::Mapped { base, len: map_len },
            writeable: true,
            inline: std::mem::MaybeUninit::uninit(),
        })
    }

    #[cfg(not(unix))]
    fn map_anonymous(len: usize) -> Result<Buffer> {
        let layout = Layout::from_size_align(len, HUGE_PAGE)
            .map_err(|_| crate::error::err!(Overflow, "cannot allocate {len} bytes: too large"))?;
        // SAFETY: non-zero size.
        let raw = unsafe { alloc_zeroed(layout) };
        let Some(ptr) = NonNull::new(raw) else {
            return Err(allocation_error(len));
        };
        Ok(Buffer {
            ptr,
            len,
            cap: len,
            owner: Owner::Owned(layout),
            writeable: true,
            inline: std::mem::MaybeUninit::uninit(),
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
            cap: 0,
            owner: Owner::Foreign(release),
            writeable,
            inline: std::mem::MaybeUninit::uninit(),
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
        matches!(
            self.owner,
            Owner::Owned(_) | Owner::Small { .. } | Owner::Inline | Owner::Mapped { .. }
        )
    }
}

/// Give every block cached for reuse back to the system.
pub fn release_cached() {
    for c in pool::drain() {
        free(c);
    }
}

/// Free an owned block the way it was allocated.
fn free(c: Cached) {
    match c.block {
        // SAFETY: allocated in `alloc` with exactly this layout.
        Block::Heap(layout) => unsafe { dealloc(c.ptr.as_ptr(), layout) },
        // SAFETY: the whole mapping made in `map_anonymous`.
        #[cfg(unix)]
        Block::Mapped { base, len } => unsafe {
            libc::munmap(base as *mut libc::c_void, len);
        },
        #[cfg(not(unix))]
        Block::Mapped { .. } => unreachable!("only unix maps"),
    }
}

impl Drop for Buffer {
    fn drop(&mut self) {
        let block = match &mut self.owner {
            Owner::Owned(layout) => Block::Heap(*layout),
            Owner::Small { base, layout } => {
                // SAFETY: allocated in `alloc_small` at `base` with `layout`.
                unsafe { dealloc(*base, *layout) };
                return;
            }
            // Freed with the `Arc` that holds the buffer.
            Owner::Inline => return,
            Owner::Mapped { base, len } => Block::Mapped {
                base: *base,
                len: *len,
            },
            Owner::Foreign(release) => {
                if let Some(r) = release.take() {
                    r();
                }
                return;
            }
            // Unmapped and closed when the box drops; unflushed changes of
            // a shared map still reach the file (the kernel writes back
            // dirty pages), as with NumPy's memmap.
            Owner::File(_) => return,
        };
        let c = Cached {
            ptr: self.ptr,
            cap: self.cap,
            block,
        };
        if c.cap < pool::MIN_POOLED {
            free(c);
            return;
        }
        for c in pool::give(c) {
            free(c);
        }
    }
}

/// Ask for transparent huge pages over `[ptr, ptr + len)`; only a hint, so
/// a refusal (no THP support) is ignored.
#[cfg(target_os = "linux")]
fn advise_huge_pages(ptr: *mut u8, len: usize) {
    // SAFETY: madvise only changes paging advice for memory we own; `ptr`
    // is 2 MiB aligned, hence page aligned.
    unsafe {
        libc::madvise(ptr as *mut libc::c_void, len, libc::MADV_HUGEPAGE);
    }
}

#[cfg(not(target_os = "linux"))]
fn advise_huge_pages(_ptr: *mut u8, _len: usize) {}

/// NumPy's MemoryError text for an allocation of `len` bytes.
fn allocation_error(len: usize) -> crate::error::Error {
    crate::error::err!(
        Memory,
        "Unable to allocate {} for an array of {len} bytes",
        human_bytes(len)
    )
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

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;
    use std::sync::atomic::{AtomicUsize, Ordering};

    #[test]
    fn small_blocks_are_aligned_zeroed_and_whole() {
        for len in (0..=SMALL_MAX + 64).step_by(7) {
            for zeroed in [false, true] {
                let b = Buffer::alloc(len, zeroed).unwrap();
                assert_eq!(b.as_ptr() as usize % ALLOC_ALIGN, 0, "len {len}");
                assert_eq!(b.len(), len);
                assert!(b.is_owned());
                // SAFETY: the buffer owns `len` bytes.
                let bytes = unsafe { std::slice::from_raw_parts_mut(b.as_ptr(), len) };
                if zeroed {
                    assert!(bytes.iter().all(|&x| x == 0));
                }
                bytes.fill(0xab);
            }
        }
    }

    #[test]
    fn tiny_buffers_live_in_their_arc_aligned_and_zeroed() {
        let mut held = Vec::new();
        for len in [
            0,
            1,
            7,
            64,
            INLINE_BYTES - 1,
            INLINE_BYTES,
            INLINE_BYTES + 1,
        ] {
            for zeroed in [false, true] {
                let b = Buffer::alloc_shared(len, zeroed).unwrap();
                assert_eq!(b.as_ptr() as usize % ALLOC_ALIGN, 0, "len {len}");
                assert_eq!(b.len(), len);
                assert!(b.is_owned() && b.is_writeable());
                let inline = len <= INLINE_BYTES;
                assert_eq!(matches!(b.owner, Owner::Inline), inline);
                if inline {
                    // The bytes are inside the buffer struct itself.
                    let me = std::sync::Arc::as_ptr(&b) as usize;
                    let p = b.as_ptr() as usize;
                    assert!(p >= me && p + len <= me + size_of::<Buffer>());
                }
                // SAFETY: the buffer owns `len` bytes.
                let bytes = unsafe { std::slice::from_raw_parts_mut(b.as_ptr(), len) };
                if zeroed {
                    assert!(bytes.iter().all(|&x| x == 0));
                }
                bytes.fill(len as u8);
                held.push(b);
            }
        }
        // Every buffer kept its own bytes.
        for b in &held {
            let bytes = unsafe { std::slice::from_raw_parts(b.as_ptr(), b.len()) };
            assert!(bytes.iter().all(|&x| x == b.len() as u8));
        }
    }

    #[test]
    fn owned_is_aligned_and_zeroed() {
        let b = Buffer::alloc(100, true).unwrap();
        assert_eq!(b.as_ptr() as usize % ALLOC_ALIGN, 0);
        let big = Buffer::alloc(HUGE_PAGE_THRESHOLD, true).unwrap();
        assert_eq!(big.as_ptr() as usize % HUGE_PAGE, 0);
        let bytes = unsafe { std::slice::from_raw_parts(b.as_ptr(), 100) };
        assert!(bytes.iter().all(|&x| x == 0));
        assert!(Buffer::alloc(0, false).is_ok());
    }

    #[test]
    fn freed_blocks_are_reused_only_without_zeroing() {
        // Sizes no other test uses, so parallel tests do not take them.
        let len = (3 << 20) + 4321;
        let b = Buffer::alloc(len, false).unwrap();
        let p = b.as_ptr();
        unsafe { p.write_bytes(0xAB, len) };
        drop(b);
        let z = Buffer::alloc(len, true).unwrap();
        let bytes = unsafe { std::slice::from_raw_parts(z.as_ptr(), len) };
        assert!(
            bytes.iter().all(|&x| x == 0),
            "zeroed allocations never reuse"
        );
        let again = Buffer::alloc(len - 7, false).unwrap();
        assert_eq!(again.as_ptr(), p, "same class: the freed block comes back");
        assert_eq!(again.len(), len - 7);
        drop(again);
        drop(z);
        release_cached();
    }

    #[test]
    fn large_buffers_are_mapped_zeroed_and_writable() {
        for zeroed in [true, false] {
            let len = HUGE_PAGE_THRESHOLD * 2 + 3;
            let b = Buffer::alloc(len, zeroed).unwrap();
            assert!(matches!(b.owner, Owner::Mapped { .. }));
            let bytes = unsafe { std::slice::from_raw_parts_mut(b.as_ptr(), len) };
            if zeroed {
                assert!(bytes.iter().step_by(4093).all(|&x| x == 0));
            }
            bytes[len - 1] = 7;
            bytes[0] = 9;
            assert_eq!(bytes[len - 1] + bytes[0], 16);
        }
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
