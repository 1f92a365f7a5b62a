//! Buffers over a file: a memory map of part of an open file (memmap2), in
//! NumPy's modes. The map and the file live in the buffer, so every view of
//! a memmap keeps both alive, and `flush` can reach them from any view.

use std::fs::File;

use memmap2::{Mmap, MmapMut, MmapOptions};

use super::{Buffer, Owner};
use crate::error::{Result, bail, err};

/// How a file is mapped (NumPy's memmap `mode`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MapMode {
    /// `r`: read-only; writes through ndcore fail with ND_ERR_READONLY.
    ReadOnly,
    /// `r+` and `w+`: writes reach the file (after `flush`, durably).
    Shared,
    /// `c`: copy-on-write; writes stay in memory, the file is untouched.
    CopyOnWrite,
}

/// The map a buffer owns, with the file it maps.
pub(super) struct FileMap {
    map: Mapping,
    file: File,
}

enum Mapping {
    ReadOnly(Mmap),
    Writable(MmapMut),
}

impl Buffer {
    /// Map `len` bytes of `file` from byte `offset` (any offset: the map
    /// starts at the page boundary below it). The caller has checked that
    /// the file holds `offset + len` bytes, so no access can fault past
    /// its end (unless another process truncates the file later, which no
    /// mapping can prevent). A `len` of 0 maps nothing: the buffer is an
    /// empty owned block.
    pub fn map_file(file: File, offset: u64, len: usize, mode: MapMode) -> Result<Buffer> {
        if len == 0 {
            let mut b = Buffer::alloc(0, true)?;
            b.writeable = mode != MapMode::ReadOnly;
            return Ok(b);
        }
        let mut opts = MmapOptions::new();
        opts.offset(offset).len(len);
        // SAFETY: the map is only reached through arrays bounded by `len`,
        // and the file is at least `offset + len` bytes long (checked by the
        // caller). Changes by other processes are visible, as in NumPy.
        let mapped = unsafe {
            match mode {
                MapMode::ReadOnly => opts.map(&file).map(Mapping::ReadOnly),
                MapMode::Shared => opts.map_mut(&file).map(Mapping::Writable),
                MapMode::CopyOnWrite => opts.map_copy(&file).map(Mapping::Writable),
            }
        };
        let map = mapped.map_err(|e| err!(Io, "cannot map the file: {e}"))?;
        let ptr = match &map {
            Mapping::ReadOnly(m) => m.as_ptr() as *mut u8,
            Mapping::Writable(m) => m.as_ptr() as *mut u8,
        };
        let Some(ptr) = std::ptr::NonNull::new(ptr) else {
            bail!(Internal, "the file map has a null address");
        };
        Ok(Buffer {
            ptr,
            len,
            cap: 0,
            owner: Owner::File(Box::new(FileMap { map, file })),
            writeable: mode != MapMode::ReadOnly,
            inline: std::mem::MaybeUninit::uninit(),
        })
    }

    /// Write a shared map's changes back to its file (msync), and with
    /// `durable` also the file's data and size to the device (fsync), as
    /// NumPy's `memmap.flush` (which does the first). Read-only and
    /// copy-on-write maps, and buffers not backed by a file, have nothing
    /// to write back: Ok.
    pub fn flush(&self, durable: bool) -> Result<()> {
        let Owner::File(f) = &self.owner else {
            return Ok(());
        };
        if let Mapping::Writable(m) = &f.map {
            if self.writeable {
                m.flush()
                    .map_err(|e| err!(Io, "cannot flush the memory map: {e}"))?;
                if durable {
                    f.file
                        .sync_all()
                        .map_err(|e| err!(Io, "cannot sync the file: {e}"))?;
                }
            }
        }
        Ok(())
    }

    /// Is this buffer a map of a file?
    pub fn is_file_map(&self) -> bool {
        matches!(self.owner, Owner::File(_))
    }
}
