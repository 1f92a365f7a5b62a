"""Files: numpy.memmap, save, load, fromfile, frombuffer and ndarray.tofile
over ndcore's C functions (nd_memmap, nd_save, nd_load, nd_fromfile,
nd_frombuffer, nd_array_tofile, nd_array_flush)."""

import ctypes
import os as _os

import numpy as _np

from . import _lib
from ._lib import check_handle, check_status, i64_array, take_string
from ._lib import lib as _c


def _path(file, what="file"):
    """A filesystem path (str, bytes or os.PathLike, or an open file's
    name) as bytes for the C API."""
    if hasattr(file, "read") or hasattr(file, "write"):
        name = getattr(file, "name", None)
        if not isinstance(name, (str, bytes, _os.PathLike)):
            raise TypeError(f"ndcore reads and writes named files; this {what} has no name")
        if hasattr(file, "flush"):
            file.flush()
        file = name
    return _os.fsencode(file)


def _with_suffix(file, suffix):
    """A file name with `suffix` appended unless it has it, as numpy.save
    and savez name files; open files are left alone."""
    if not isinstance(file, (str, bytes, _os.PathLike)):
        return file
    file = _os.fspath(file)
    end = suffix if isinstance(file, str) else suffix.encode()
    return file if file.endswith(end) else file + end


def _pkg():
    from . import _nd_dtype, ndarray  # the package, after it is loaded
    return _nd_dtype, ndarray


def _memmap_new(cls, filename, dtype=_np.uint8, mode="r+", offset=0, shape=None, order="C"):
    _nd_dtype, _ = _pkg()
    d = _nd_dtype(dtype)
    if order not in ("C", "F"):
        raise ValueError("order must be 'C' or 'F'")
    if shape is None:
        dims, n = None, 0
    else:
        shape = (shape,) if isinstance(shape, int) else tuple(shape)
        dims, n = i64_array(shape)
    h = _c.nd_memmap(_path(filename), d.h, str(mode).encode(), int(offset), n, dims,
                     _lib.ORDERS[order])
    return cls._from_handle(h)


def save(file, arr, allow_pickle=False, fix_imports=True):
    """numpy.save: `arr` as a .npy file; '.npy' is appended to a file name
    that does not end with it, as NumPy does."""
    from . import asarray
    file = _with_suffix(file, ".npy")
    a = asarray(arr)
    check_status(_c.nd_save(_path(file), a._h))


def load(file, mmap_mode=None, allow_pickle=False, fix_imports=True, encoding="ASCII",
         *, max_header_size=10000):
    """numpy.load for .npy files (with mmap_mode None, 'r', 'r+' or 'c') and
    .npz archives (an NpzFile mapping names to arrays, read on access).
    Object arrays are never loaded (ndcore has no pickle)."""
    _, ndarray = _pkg()
    try:
        with open(_path(file), "rb") as f:
            if f.read(4) in (b"PK\x03\x04", b"PK\x05\x06"):
                return NpzFile(file)
    except OSError:
        pass  # the library reports missing files and the like
    mode = None if mmap_mode is None else str(mmap_mode).encode()
    h = _c.nd_load(_path(file), mode)
    return (memmap if mmap_mode is not None else ndarray)._from_handle(h)


def _savez(file, args, kwds, compressed):
    from . import asarray
    file = _with_suffix(file, ".npz")
    named = {f"arr_{i}": a for i, a in enumerate(args)}
    for k in kwds:
        if k in named:
            raise ValueError(f"Cannot use un-unique name '{k}' for an array in the archive")
    named.update(kwds)
    arrays = [asarray(a) for a in named.values()]
    names = (ctypes.c_char_p * max(len(arrays), 1))(*[k.encode() for k in named])
    handles = (ctypes.c_void_p * max(len(arrays), 1))(*[a._h for a in arrays])
    check_status(_c.nd_savez(_path(file), len(arrays), names,
                             ctypes.cast(handles, ctypes.POINTER(_lib.nd_array_p)), compressed))


def savez(file, *args, allow_pickle=True, **kwds):
    """numpy.savez: arrays as stored .npy entries of a zip file."""
    _savez(file, args, kwds, False)


def savez_compressed(file, *args, allow_pickle=True, **kwds):
    """numpy.savez_compressed: as savez, entries deflated."""
    _savez(file, args, kwds, True)


class NpzFile:
    """numpy.lib.npyio.NpzFile: the arrays of a .npz file by name, each
    read when it is looked up."""

    def __init__(self, file):
        self._path = _path(file)
        names = take_string(_c.nd_npz_names(self._path))
        self.files = names.split("\n") if names else []

    def __getitem__(self, key):
        _, ndarray = _pkg()
        if key not in self.files and not (key.endswith(".npy") and key[:-4] in self.files):
            raise KeyError(f"{key} is not a file in the archive")
        return ndarray._from_handle(_c.nd_npz_load(self._path, key.encode()))

    def __iter__(self):
        return iter(self.files)

    def __len__(self):
        return len(self.files)

    def __contains__(self, key):
        return key in self.files

    def keys(self):
        return list(self.files)

    def items(self):
        return [(k, self[k]) for k in self.files]

    def values(self):
        return [self[k] for k in self.files]

    def close(self):
        pass

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


def fromfile(file, dtype=float, count=-1, sep="", offset=0, *, like=None):
    """numpy.fromfile for binary files (sep='')."""
    if sep != "":
        raise NotImplementedError("ndcore reads binary files only (sep='')")
    _nd_dtype, ndarray = _pkg()
    d = _nd_dtype(dtype)
    return ndarray._from_handle(_c.nd_fromfile(_path(file), d.h, int(count), int(offset)))


def tofile(self, fid, sep="", format="%s"):
    """ndarray.tofile for binary files (sep='')."""
    if sep != "":
        raise NotImplementedError("ndcore writes binary files only (sep='')")
    check_status(_c.nd_array_tofile(self._h, _path(fid)))


def flush(self, durable=False):
    """numpy.memmap.flush: write changes back to the mapped file (with
    durable=True, also fsync it)."""
    check_status(_c.nd_array_flush(self._h, bool(durable)))


def byteswap(self, inplace=False):
    """ndarray.byteswap: every scalar's bytes reversed, the dtype kept."""
    _, ndarray = _pkg()
    h = _c.nd_array_byteswap(self._h, bool(inplace))
    out = ndarray._from_handle(h, base=self)
    return self if inplace else out


def frombuffer(buffer, dtype=float, count=-1, offset=0, *, like=None):
    """numpy.frombuffer: the buffer's memory as a 1-d array, no copy; the
    buffer stays alive as long as any view of it."""
    from . import _kept, _keys, _release
    _nd_dtype, ndarray = _pkg()
    raw = _np.frombuffer(buffer, dtype=_np.uint8)
    d = _nd_dtype(dtype)
    key = next(_keys)
    _kept[key] = raw
    h = _c.nd_frombuffer(raw.ctypes.data, raw.nbytes, d.h, int(count), int(offset),
                         raw.flags.writeable, _release, key)
    if not h:
        _kept.pop(key, None)
    return ndarray._from_handle(h, base=buffer)


def _make_memmap_class(ndarray):
    class memmap(ndarray):
        """numpy.memmap: an ndcore array on a memory-mapped file."""

        __slots__ = ()

        def __new__(cls, filename, dtype=_np.uint8, mode="r+", offset=0, shape=None,
                    order="C"):
            return _memmap_new(cls, filename, dtype, mode, offset, shape, order)

        def __init__(self, *args, **kwargs):
            pass  # made by __new__

    memmap.__module__ = "ndcore"
    return memmap


memmap = None  # set by the package once ndarray exists
