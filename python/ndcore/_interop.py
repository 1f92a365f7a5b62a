"""DLPack over ndcore's C functions (nd_array_to_dlpack[_legacy],
nd_from_dlpack[_legacy]): ndarray.__dlpack__, __dlpack_device__ and
from_dlpack, with capsules as the Python array API specifies them.

A capsule is named "dltensor_versioned" (or "dltensor" for legacy
tensors) until a consumer takes the tensor and renames it "used_...";
its destructor deletes the tensor only if it was never consumed."""

import ctypes
from ctypes import CFUNCTYPE, POINTER, Structure, c_char_p, c_int, c_int32, c_int64
from ctypes import c_uint8, c_uint16, c_uint32, c_uint64, c_void_p

from ._lib import check_handle
from ._lib import lib as _c

KDLCPU = 1

# Capsule names live as long as the module (a capsule keeps the pointer).
VERSIONED, LEGACY = b"dltensor_versioned", b"dltensor"
USED_VERSIONED, USED_LEGACY = b"used_dltensor_versioned", b"used_dltensor"


class _Version(Structure):
    _fields_ = [("major", c_uint32), ("minor", c_uint32)]


class _Tensor(Structure):
    _fields_ = [
        ("data", c_void_p),
        ("device_type", c_int32),
        ("device_id", c_int32),
        ("ndim", c_int32),
        ("code", c_uint8),
        ("bits", c_uint8),
        ("lanes", c_uint16),
        ("shape", POINTER(c_int64)),
        ("strides", POINTER(c_int64)),
        ("byte_offset", c_uint64),
    ]


_DELETER = CFUNCTYPE(None, c_void_p)


class _Versioned(Structure):
    _fields_ = [
        ("version", _Version),
        ("manager_ctx", c_void_p),
        ("deleter", _DELETER),
        ("flags", c_uint64),
        ("dl_tensor", _Tensor),
    ]


class _Legacy(Structure):
    _fields_ = [("dl_tensor", _Tensor), ("manager_ctx", c_void_p), ("deleter", _DELETER)]


def _capi(name, restype, *argtypes):
    """A CPython API function with these types (separate from
    ctypes.pythonapi's shared attributes, which other code may retype)."""
    return ctypes.PYFUNCTYPE(restype, *argtypes)((name, ctypes.pythonapi))


_CAPSULE_DESTRUCTOR = CFUNCTYPE(None, c_void_p)
_capsule_new = _capi("PyCapsule_New", ctypes.py_object, c_void_p, c_char_p, _CAPSULE_DESTRUCTOR)
_is_valid = _capi("PyCapsule_IsValid", c_int, ctypes.py_object, c_char_p)
_get_pointer = _capi("PyCapsule_GetPointer", c_void_p, ctypes.py_object, c_char_p)
_set_name = _capi("PyCapsule_SetName", c_int, ctypes.py_object, c_char_p)
_get_name = _capi("PyCapsule_GetName", c_char_p, ctypes.py_object)
# In the destructor the capsule is mid-deallocation: pass it as an address.
_is_valid_raw = _capi("PyCapsule_IsValid", c_int, c_void_p, c_char_p)
_get_pointer_raw = _capi("PyCapsule_GetPointer", c_void_p, c_void_p, c_char_p)


@_CAPSULE_DESTRUCTOR
def _destroy_capsule(capsule):
    """Delete the tensor of a capsule nobody consumed."""
    for name, struct in ((VERSIONED, _Versioned), (LEGACY, _Legacy)):
        if _is_valid_raw(capsule, name):
            p = _get_pointer_raw(capsule, name)
            deleter = struct.from_address(p).deleter
            if deleter:
                deleter(p)
            return


def dlpack(self, *, stream=None, max_version=None, dl_device=None, copy=None):
    """ndarray.__dlpack__: a capsule holding a DLPack tensor on this
    array's memory (a versioned one when max_version allows 1.x, else a
    legacy one). As NumPy, CPU only, so `stream` must be None."""
    if stream is not None:
        raise RuntimeError("ndcore only supports stream=None.")
    if dl_device is not None and tuple(dl_device) != (KDLCPU, 0):
        raise BufferError("Unsupported device in DLPack export.")
    if copy is not None and not isinstance(copy, bool):
        raise TypeError("copy must be True, False or None")
    versioned = max_version is not None and max_version[0] >= 1
    if versioned:
        p = _c.nd_array_to_dlpack(self._h, bool(copy))
    else:
        if copy:
            self = self.copy()
        p = _c.nd_array_to_dlpack_legacy(self._h)
    if not p:
        try:
            check_handle(p)
        except Exception as e:  # NumPy raises BufferError for what it cannot export
            raise BufferError(str(e)) from None
    if versioned and tuple(max_version) < (1, 1):
        # The 1.0 and 1.1 structs are the same; say the version asked for.
        _Versioned.from_address(p).version.minor = 0
    return _capsule_new(p, VERSIONED if versioned else LEGACY, _destroy_capsule)


def dlpack_device(self):
    """ndarray.__dlpack_device__: (kDLCPU, 0)."""
    return (KDLCPU, 0)


def from_dlpack(x, /, *, device=None, copy=None):
    """numpy.from_dlpack: an ndcore array on the memory of any object with
    __dlpack__ (a NumPy array, an ndcore array, ...), without copying
    unless copy=True. Versioned tensors are writeable unless flagged
    read-only; legacy ones are read-only, as in NumPy."""
    from . import ndarray  # the package, after it is loaded

    if device is not None and device != "cpu" and tuple(device) != (KDLCPU, 0):
        raise ValueError(f"Unsupported device {device!r} for from_dlpack: only the CPU")
    if not hasattr(x, "__dlpack__"):
        raise TypeError(f"{type(x).__name__!r} object has no __dlpack__ method")
    try:
        capsule = x.__dlpack__(max_version=(1, 1), dl_device=None, copy=copy)
    except TypeError:
        capsule = x.__dlpack__()
    if _is_valid(capsule, VERSIONED):
        h = check_handle(_c.nd_from_dlpack(_get_pointer(capsule, VERSIONED)))
        _set_name(capsule, USED_VERSIONED)
    elif _is_valid(capsule, LEGACY):
        h = check_handle(_c.nd_from_dlpack_legacy(_get_pointer(capsule, LEGACY), False))
        _set_name(capsule, USED_LEGACY)
    else:
        name = _get_name(capsule) if type(capsule).__name__ == "PyCapsule" else None
        if name in (USED_VERSIONED, USED_LEGACY):
            raise ValueError("this DLPack capsule was already consumed")
        raise TypeError("__dlpack__ did not return a DLPack capsule")
    out = ndarray._from_handle(h)
    return out.copy() if copy else out
