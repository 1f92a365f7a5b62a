"""Loading libndcore and declaring its C functions for ctypes.

The library is found through the NDCORE_LIB environment variable, or else in
the repository's build output (target/release, then target/debug).
"""

import ctypes
import struct
import re
import os
from ctypes import (
    CFUNCTYPE,
    POINTER,
    c_bool,
    c_char_p,
    c_double,
    c_int,
    c_int32,
    c_int64,
    c_size_t,
    c_uint64,
    c_void_p,
)

import numpy as _np


def _find_library():
    env = os.environ.get("NDCORE_LIB")
    if env:
        return env
    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    for profile in ("release", "debug"):
        path = os.path.join(root, "target", profile, "libndcore.so")
        if os.path.exists(path):
            return path
    raise ImportError(
        "libndcore.so not found: build it with `make lib` (or `cargo build --release`) "
        "or point NDCORE_LIB at it"
    )


lib = ctypes.CDLL(_find_library())

class nd_index(ctypes.Structure):
    """One item of a basic index (ndcore.h's nd_index)."""

    _fields_ = [("kind", c_int32), ("start", c_int64), ("stop", c_int64), ("step", c_int64),
                ("array", c_void_p)]


ND_INDEX_INT, ND_INDEX_SLICE, ND_INDEX_NEWAXIS, ND_INDEX_ELLIPSIS, ND_INDEX_ARRAY = 0, 1, 2, 3, 4
ND_NONE = -(2**63)

nd_array_p = c_void_p
nd_dtype_p = c_void_p


class nd_reduce_args(ctypes.Structure):
    """NumPy's reduction keywords (ndcore.h's nd_reduce_args)."""

    _fields_ = [("axes", c_void_p), ("naxes", c_size_t), ("keepdims", c_bool),
                ("dtype", c_void_p), ("initial", c_void_p), ("where_mask", c_void_p),
                ("out", c_void_p)]

RELEASE_FN = CFUNCTYPE(None, c_void_p)
I64P = POINTER(c_int64)


class nd_array_info(ctypes.Structure):
    """An array's whole description in one call (ndcore.h's nd_array_info)."""

    _fields_ = [("ndim", c_int64), ("shape", I64P), ("strides", I64P), ("data", c_void_p),
                ("size", c_int64), ("itemsize", c_int64), ("type_num", c_int32),
                ("flags", c_int32), ("byteorder", ctypes.c_char)]


# name: (restype, argtypes)
_SIGNATURES = {
    "nd_last_status": (c_int, []),
    "nd_last_error": (c_char_p, []),
    "nd_clear_error": (None, []),
    "nd_status_name": (c_char_p, [c_int]),
    "nd_string_free": (None, [c_void_p]),
    "nd_version": (c_char_p, []),
    "nd_dtype_new": (nd_dtype_p, [c_int32]),
    "nd_dtype_from_string": (nd_dtype_p, [c_char_p]),
    "nd_dtype_from_string_aligned": (nd_dtype_p, [c_char_p]),
    "nd_dtype_free": (None, [nd_dtype_p]),
    "nd_dtype_str": (c_void_p, [nd_dtype_p]),
    "nd_dtype_itemsize": (c_int64, [nd_dtype_p]),
    "nd_dtype_type": (c_int32, [nd_dtype_p]),
    "nd_dtype_byteorder": (ctypes.c_char, [nd_dtype_p]),
    "nd_dtype_equal": (c_bool, [nd_dtype_p, nd_dtype_p]),
    "nd_result_type": (nd_dtype_p, [c_size_t, POINTER(nd_dtype_p)]),
    "nd_can_cast": (c_bool, [nd_dtype_p, nd_dtype_p, c_int32]),
    "nd_array_free": (None, [nd_array_p]),
    "nd_array_view": (nd_array_p, [nd_array_p]),
    "nd_array_view_readonly": (nd_array_p, [nd_array_p]),
    "nd_array_ndim": (c_int64, [nd_array_p]),
    "nd_array_shape": (I64P, [nd_array_p]),
    "nd_array_strides": (I64P, [nd_array_p]),
    "nd_array_size": (c_int64, [nd_array_p]),
    "nd_array_itemsize": (c_int64, [nd_array_p]),
    "nd_array_nbytes": (c_int64, [nd_array_p]),
    "nd_array_dtype": (nd_dtype_p, [nd_array_p]),
    "nd_array_data": (c_void_p, [nd_array_p]),
    "nd_array_flags": (c_int32, [nd_array_p]),
    "nd_array_describe": (c_int, [nd_array_p, POINTER(nd_array_info)]),
    "nd_array_repr": (c_void_p, [nd_array_p]),
    "nd_array_ptr_at": (c_void_p, [nd_array_p, c_size_t, I64P]),
    "nd_array_get_f64": (c_int, [nd_array_p, c_size_t, I64P, POINTER(c_double)]),
    "nd_array_get_i64": (c_int, [nd_array_p, c_size_t, I64P, POINTER(c_int64)]),
    "nd_array_get_u64": (c_int, [nd_array_p, c_size_t, I64P, POINTER(c_uint64)]),
    "nd_array_get_bool": (c_int, [nd_array_p, c_size_t, I64P, POINTER(c_bool)]),
    "nd_array_get_c128": (
        c_int,
        [nd_array_p, c_size_t, I64P, POINTER(c_double), POINTER(c_double)],
    ),
    "nd_array_set_f64": (c_int, [nd_array_p, c_size_t, I64P, c_double]),
    "nd_array_set_i64": (c_int, [nd_array_p, c_size_t, I64P, c_int64]),
    "nd_array_set_u64": (c_int, [nd_array_p, c_size_t, I64P, c_uint64]),
    "nd_array_set_bool": (c_int, [nd_array_p, c_size_t, I64P, c_bool]),
    "nd_array_set_c128": (c_int, [nd_array_p, c_size_t, I64P, c_double, c_double]),
    "nd_astype": (nd_array_p, [nd_array_p, nd_dtype_p, c_int32]),
    "nd_array_copy": (nd_array_p, [nd_array_p, c_int32]),
    "nd_copyto": (c_int, [nd_array_p, nd_array_p, c_int32]),
    "nd_empty": (nd_array_p, [nd_dtype_p, c_size_t, I64P, c_int32]),
    "nd_zeros": (nd_array_p, [nd_dtype_p, c_size_t, I64P, c_int32]),
    "nd_ones": (nd_array_p, [nd_dtype_p, c_size_t, I64P, c_int32]),
    "nd_full": (nd_array_p, [nd_dtype_p, c_size_t, I64P, c_int32, c_void_p, nd_dtype_p]),
    "nd_arange": (nd_array_p, [c_double, c_double, c_double, nd_dtype_p]),
    "nd_arange_int": (nd_array_p, [c_int64, c_int64, c_int64, nd_dtype_p]),
    "nd_linspace": (nd_array_p, [c_double, c_double, c_int64, c_bool, nd_dtype_p]),
    "nd_eye": (nd_array_p, [c_int64, c_int64, c_int64, nd_dtype_p, c_int32]),
    "nd_array_from_data": (nd_array_p, [c_void_p, nd_dtype_p, c_size_t, I64P, I64P]),
    "nd_array_index": (nd_array_p, [nd_array_p, c_size_t, POINTER(nd_index)]),
    "nd_array_getitem": (nd_array_p, [nd_array_p, c_size_t, POINTER(nd_index)]),
    "nd_array_setitem": (c_int, [nd_array_p, c_size_t, POINTER(nd_index), nd_array_p]),
    "nd_transpose": (nd_array_p, [nd_array_p, c_size_t, I64P]),
    "nd_swapaxes": (nd_array_p, [nd_array_p, c_int64, c_int64]),
    "nd_moveaxis": (nd_array_p, [nd_array_p, c_size_t, I64P, I64P]),
    "nd_reshape": (nd_array_p, [nd_array_p, c_size_t, I64P, c_int32]),
    "nd_reshape_or_copy": (nd_array_p, [nd_array_p, c_size_t, I64P, c_int32]),
    "nd_ravel": (nd_array_p, [nd_array_p, c_int32]),
    "nd_flatten": (nd_array_p, [nd_array_p, c_int32]),
    "nd_squeeze": (nd_array_p, [nd_array_p, c_size_t, I64P]),
    "nd_expand_dims": (nd_array_p, [nd_array_p, c_size_t, I64P]),
    "nd_diagonal": (nd_array_p, [nd_array_p, c_int64, c_int64, c_int64]),
    "nd_real": (nd_array_p, [nd_array_p]),
    "nd_imag": (nd_array_p, [nd_array_p]),
    "nd_broadcast_to": (nd_array_p, [nd_array_p, c_size_t, I64P]),
    "nd_broadcast_arrays": (c_int, [c_size_t, POINTER(nd_array_p), POINTER(nd_array_p)]),
    "nd_as_strided": (nd_array_p, [nd_array_p, c_size_t, I64P, I64P]),
    "nd_as_strided_unchecked": (nd_array_p, [nd_array_p, c_size_t, I64P, I64P]),
    "nd_array_view_dtype": (nd_array_p, [nd_array_p, nd_dtype_p]),
    "nd_array_field": (nd_array_p, [nd_array_p, c_char_p]),
    "nd_array_fields": (nd_array_p, [nd_array_p, c_size_t, POINTER(c_char_p)]),
    "nd_may_share_memory": (c_bool, [nd_array_p, nd_array_p]),
    "nd_ascontiguousarray": (nd_array_p, [nd_array_p]),
    "nd_asfortranarray": (nd_array_p, [nd_array_p]),
    "nd_add": (nd_array_p, [nd_array_p, nd_array_p, nd_array_p]),
    "nd_where": (nd_array_p, [nd_array_p, nd_array_p, nd_array_p]),
    "nd_clip": (nd_array_p, [nd_array_p, nd_array_p, nd_array_p, nd_array_p]),
    "nd_divmod": (c_int, [nd_array_p, nd_array_p, nd_array_p, nd_array_p,
                          POINTER(nd_array_p), POINTER(nd_array_p)]),
    "nd_ufunc_call": (nd_array_p, [c_char_p, c_size_t, POINTER(nd_array_p), nd_array_p, nd_array_p]),
    "nd_ufunc_can_reuse_input": (c_int32, [c_char_p, c_size_t, POINTER(nd_array_p), c_size_t]),
    "nd_release_cached_memory": (None, []),
    "nd_subtract": (nd_array_p, [nd_array_p, nd_array_p, nd_array_p]),
    "nd_multiply": (nd_array_p, [nd_array_p, nd_array_p, nd_array_p]),
    "nd_divide": (nd_array_p, [nd_array_p, nd_array_p, nd_array_p]),
    "nd_equal": (nd_array_p, [nd_array_p, nd_array_p, nd_array_p]),
    "nd_not_equal": (nd_array_p, [nd_array_p, nd_array_p, nd_array_p]),
    "nd_less": (nd_array_p, [nd_array_p, nd_array_p, nd_array_p]),
    "nd_less_equal": (nd_array_p, [nd_array_p, nd_array_p, nd_array_p]),
    "nd_greater": (nd_array_p, [nd_array_p, nd_array_p, nd_array_p]),
    "nd_greater_equal": (nd_array_p, [nd_array_p, nd_array_p, nd_array_p]),
    "nd_maximum": (nd_array_p, [nd_array_p, nd_array_p, nd_array_p]),
    "nd_minimum": (nd_array_p, [nd_array_p, nd_array_p, nd_array_p]),
    "nd_fmax": (nd_array_p, [nd_array_p, nd_array_p, nd_array_p]),
    "nd_fmin": (nd_array_p, [nd_array_p, nd_array_p, nd_array_p]),
    "nd_negative": (nd_array_p, [nd_array_p, nd_array_p]),
    "nd_positive": (nd_array_p, [nd_array_p, nd_array_p]),
    "nd_absolute": (nd_array_p, [nd_array_p, nd_array_p]),
    "nd_square": (nd_array_p, [nd_array_p, nd_array_p]),
    "nd_sqrt": (nd_array_p, [nd_array_p, nd_array_p]),
    "nd_floor": (nd_array_p, [nd_array_p, nd_array_p]),
    "nd_ceil": (nd_array_p, [nd_array_p, nd_array_p]),
    "nd_trunc": (nd_array_p, [nd_array_p, nd_array_p]),
    "nd_rint": (nd_array_p, [nd_array_p, nd_array_p]),
    "nd_conjugate": (nd_array_p, [nd_array_p, nd_array_p]),
    "nd_isnan": (nd_array_p, [nd_array_p, nd_array_p]),
    "nd_isinf": (nd_array_p, [nd_array_p, nd_array_p]),
    "nd_isfinite": (nd_array_p, [nd_array_p, nd_array_p]),
    "nd_signbit": (nd_array_p, [nd_array_p, nd_array_p]),
    "nd_logical_and": (nd_array_p, [nd_array_p, nd_array_p, nd_array_p]),
    "nd_logical_or": (nd_array_p, [nd_array_p, nd_array_p, nd_array_p]),
    "nd_logical_xor": (nd_array_p, [nd_array_p, nd_array_p, nd_array_p]),
    "nd_bitwise_and": (nd_array_p, [nd_array_p, nd_array_p, nd_array_p]),
    "nd_bitwise_or": (nd_array_p, [nd_array_p, nd_array_p, nd_array_p]),
    "nd_bitwise_xor": (nd_array_p, [nd_array_p, nd_array_p, nd_array_p]),
    "nd_left_shift": (nd_array_p, [nd_array_p, nd_array_p, nd_array_p]),
    "nd_right_shift": (nd_array_p, [nd_array_p, nd_array_p, nd_array_p]),
    "nd_floor_divide": (nd_array_p, [nd_array_p, nd_array_p, nd_array_p]),
    "nd_remainder": (nd_array_p, [nd_array_p, nd_array_p, nd_array_p]),
    "nd_fmod": (nd_array_p, [nd_array_p, nd_array_p, nd_array_p]),
    "nd_logical_not": (nd_array_p, [nd_array_p, nd_array_p]),
    "nd_invert": (nd_array_p, [nd_array_p, nd_array_p]),
    "nd_exp": (nd_array_p, [nd_array_p, nd_array_p]),
    "nd_exp2": (nd_array_p, [nd_array_p, nd_array_p]),
    "nd_expm1": (nd_array_p, [nd_array_p, nd_array_p]),
    "nd_log": (nd_array_p, [nd_array_p, nd_array_p]),
    "nd_log2": (nd_array_p, [nd_array_p, nd_array_p]),
    "nd_log10": (nd_array_p, [nd_array_p, nd_array_p]),
    "nd_log1p": (nd_array_p, [nd_array_p, nd_array_p]),
    "nd_sin": (nd_array_p, [nd_array_p, nd_array_p]),
    "nd_cos": (nd_array_p, [nd_array_p, nd_array_p]),
    "nd_tan": (nd_array_p, [nd_array_p, nd_array_p]),
    "nd_arcsin": (nd_array_p, [nd_array_p, nd_array_p]),
    "nd_arccos": (nd_array_p, [nd_array_p, nd_array_p]),
    "nd_arctan": (nd_array_p, [nd_array_p, nd_array_p]),
    "nd_sinh": (nd_array_p, [nd_array_p, nd_array_p]),
    "nd_cosh": (nd_array_p, [nd_array_p, nd_array_p]),
    "nd_tanh": (nd_array_p, [nd_array_p, nd_array_p]),
    "nd_arcsinh": (nd_array_p, [nd_array_p, nd_array_p]),
    "nd_arccosh": (nd_array_p, [nd_array_p, nd_array_p]),
    "nd_arctanh": (nd_array_p, [nd_array_p, nd_array_p]),
    "nd_cbrt": (nd_array_p, [nd_array_p, nd_array_p]),
    "nd_deg2rad": (nd_array_p, [nd_array_p, nd_array_p]),
    "nd_rad2deg": (nd_array_p, [nd_array_p, nd_array_p]),
    "nd_arctan2": (nd_array_p, [nd_array_p, nd_array_p, nd_array_p]),
    "nd_hypot": (nd_array_p, [nd_array_p, nd_array_p, nd_array_p]),
    "nd_copysign": (nd_array_p, [nd_array_p, nd_array_p, nd_array_p]),
    "nd_nextafter": (nd_array_p, [nd_array_p, nd_array_p, nd_array_p]),
    "nd_float_power": (nd_array_p, [nd_array_p, nd_array_p, nd_array_p]),
    "nd_reciprocal": (nd_array_p, [nd_array_p, nd_array_p]),
    "nd_power": (nd_array_p, [nd_array_p, nd_array_p, nd_array_p]),
    "nd_sign": (nd_array_p, [nd_array_p, nd_array_p]),
    **{f"nd_{n}": (nd_array_p, [nd_array_p, POINTER(nd_reduce_args)])
       for n in ("sum", "prod", "min", "max", "mean", "any", "all")},
    "nd_argmax": (nd_array_p, [nd_array_p, c_int64, c_bool, nd_array_p]),
    "nd_argmin": (nd_array_p, [nd_array_p, c_int64, c_bool, nd_array_p]),
    "nd_cumsum": (nd_array_p, [nd_array_p, c_int64, nd_dtype_p, nd_array_p]),
    "nd_cumprod": (nd_array_p, [nd_array_p, c_int64, nd_dtype_p, nd_array_p]),
    "nd_scalar_bool": (nd_array_p, [c_bool]),
    "nd_scalar_int": (nd_array_p, [c_int64]),
    "nd_scalar_uint": (nd_array_p, [c_uint64]),
    "nd_scalar_float": (nd_array_p, [c_double]),
    "nd_scalar_complex": (nd_array_p, [c_double, c_double]),
    "nd_array_wrap": (
        nd_array_p,
        [c_void_p, nd_dtype_p, c_size_t, I64P, I64P, c_bool, RELEASE_FN, c_void_p],
    ),
    "nd_memmap": (nd_array_p, [c_char_p, nd_dtype_p, c_char_p, c_int64, c_size_t, I64P, c_int]),
    "nd_array_flush": (c_int, [nd_array_p, c_bool]),
    "nd_array_byteswap": (nd_array_p, [nd_array_p, c_bool]),
    "nd_savez": (c_int, [c_char_p, c_size_t, POINTER(c_char_p), POINTER(nd_array_p), c_bool]),
    "nd_npz_names": (c_void_p, [c_char_p]),
    "nd_npz_load": (nd_array_p, [c_char_p, c_char_p]),
    "nd_save": (c_int, [c_char_p, nd_array_p]),
    "nd_load": (nd_array_p, [c_char_p, c_char_p]),
    "nd_fromfile": (nd_array_p, [c_char_p, nd_dtype_p, c_int64, c_int64]),
    "nd_array_tofile": (c_int, [nd_array_p, c_char_p]),
    "nd_frombuffer": (
        nd_array_p,
        [c_void_p, c_size_t, nd_dtype_p, c_int64, c_int64, c_bool, RELEASE_FN, c_void_p],
    ),
    "nd_matmul": (nd_array_p, [nd_array_p, nd_array_p, nd_array_p]),
    "nd_dot": (nd_array_p, [nd_array_p, nd_array_p, nd_array_p]),
    "nd_vdot": (nd_array_p, [nd_array_p, nd_array_p]),
    "nd_inner": (nd_array_p, [nd_array_p, nd_array_p]),
    "nd_outer": (nd_array_p, [nd_array_p, nd_array_p, nd_array_p]),
    "nd_tensordot": (nd_array_p, [nd_array_p, nd_array_p, c_size_t, I64P, I64P]),
    "nd_trace": (nd_array_p, [nd_array_p, c_int64, c_int64, c_int64, nd_dtype_p]),
    "nd_array_to_dlpack": (c_void_p, [nd_array_p, c_bool]),
    "nd_array_to_dlpack_legacy": (c_void_p, [nd_array_p]),
    "nd_from_dlpack": (nd_array_p, [c_void_p]),
    "nd_from_dlpack_legacy": (nd_array_p, [c_void_p, c_bool]),
}

# ctypes converts a Python int to a 64-bit argument without a range check:
# 2**64 + 1 would reach C as 1 (an axis, an offset, a count). Functions that
# take 64-bit integers get a wrapper that refuses out-of-range ints with the
# error NumPy gives for an axis or offset that does not fit. Left bare are
# the functions whose 64-bit ints the binding always passes in range: the
# scalar constructors (picked by the value's range, per call) and the
# elision query (the constants 2 and 0 or 1), which `_temporary` calls on
# every large operator temporary.
_INT_RANGES = {c_int64: (-(2**63), 2**63 - 1), c_uint64: (0, 2**64 - 1)}
_RANGE_CHOSEN = {"nd_scalar_int", "nd_scalar_uint", "nd_ufunc_can_reuse_input"}


def _range_checked(f, checks):
    def call(*args):
        for i, lo, hi in checks:
            v = args[i]
            if not lo <= v <= hi and isinstance(v, int):
                raise OverflowError("Python int too large to convert to C long")
        return f(*args)
    call.__name__ = f.__name__
    return call


for _name, (_res, _args) in _SIGNATURES.items():
    _f = getattr(lib, _name)
    _f.restype = _res
    _f.argtypes = _args
    _checks = [(i, *_INT_RANGES[t]) for i, t in enumerate(_args) if t in _INT_RANGES]
    if _checks and _name not in _RANGE_CHOSEN:
        setattr(lib, _name, _range_checked(_f, _checks))

# nd_type values of the structured dtypes; the builtin types come below
# them (fixed forever; see ndcore.h).
ND_RECORD, ND_SUBARRAY = 14, 15

# Status codes (fixed forever; see ndcore.h).
ND_OK = 0
ND_ERR_NULL, ND_ERR_VALUE, ND_ERR_TYPE, ND_ERR_INDEX, ND_ERR_AXIS = 1, 2, 3, 4, 5
ND_ERR_SHAPE, ND_ERR_DTYPE, ND_ERR_OVERFLOW, ND_ERR_MEMORY, ND_ERR_READONLY = 6, 7, 8, 9, 10
ND_ERR_IO, ND_ERR_UNSUPPORTED, ND_ERR_INTERNAL = 11, 12, 13

ORDERS = {"C": 0, "F": 1, "A": 2, "K": 3}
CASTINGS = {"no": 0, "equiv": 1, "safe": 2, "same_kind": 3, "unsafe": 4}

FLAG_C, FLAG_F, FLAG_OWNDATA, FLAG_ALIGNED, FLAG_WRITEABLE = 0x1, 0x2, 0x4, 0x100, 0x400


class NDOverflowError(OverflowError, ValueError):
    """ND_ERR_OVERFLOW: a size or value that does not fit. NumPy raises
    ValueError for arrays too big and OverflowError for integers out of a
    dtype's range; this is both."""


_EXCEPTIONS = {
    ND_ERR_NULL: ValueError,
    ND_ERR_VALUE: ValueError,
    ND_ERR_TYPE: TypeError,
    ND_ERR_INDEX: IndexError,
    ND_ERR_AXIS: _np.exceptions.AxisError,
    ND_ERR_SHAPE: ValueError,
    ND_ERR_DTYPE: TypeError,
    ND_ERR_OVERFLOW: NDOverflowError,
    ND_ERR_MEMORY: MemoryError,
    ND_ERR_READONLY: ValueError,
    ND_ERR_IO: OSError,
    ND_ERR_UNSUPPORTED: NotImplementedError,
    ND_ERR_INTERNAL: SystemError,
}


def raise_last():
    """Raise the exception for the calling thread's last ndcore failure."""
    status = lib.nd_last_status()
    message = lib.nd_last_error().decode("utf-8", "replace")
    lib.nd_clear_error()
    if status == ND_ERR_IO:
        # "[Errno 2] No such file or directory: 'x'": OSError(errno, text)
        # gives Python's own subclass (FileNotFoundError, IsADirectoryError).
        m = re.match(r"\[Errno (\d+)\] (.*)", message)
        if m:
            raise OSError(int(m.group(1)), m.group(2))
    raise _EXCEPTIONS.get(status, RuntimeError)(message)


def check_handle(h):
    """A handle result: NULL means failure."""
    if not h:
        raise_last()
    return h


def check_status(status):
    if status != ND_OK:
        raise_last()


def take_string(ptr):
    """Copy and free a string the library returned."""
    if not ptr:
        raise_last()
    try:
        return ctypes.string_at(ptr).decode("utf-8")
    finally:
        lib.nd_string_free(ptr)


# (item type, count) -> (struct packer, ctypes array type), made once each.
_PACKINGS = {}


def packed_array(item_type, item_format, count, values):
    """A ctypes array of `count` `item_type` (at least one element) from
    their fields, flattened in `values`, packed by `struct` with
    `item_format` (native layout). Packing checks each integer's range,
    which ctypes does not (it would wrap 2**64 + 5 to 5), and packing and
    copying once is cheaper than building the items one by one. Raises
    struct.error for a value that does not fit."""
    packing = _PACKINGS.get((item_type, count))
    if packing is None:
        packing = (struct.Struct("=" + item_format * count), item_type * max(count, 1))
        _PACKINGS[(item_type, count)] = packing
    packer, array_type = packing
    data = packer.pack(*values)
    return array_type.from_buffer_copy(data) if count else array_type()


def too_big_dimension(values):
    """NumPy's error for a shape (or transpose axes) value beyond int64."""
    return ValueError("Maximum allowed dimension exceeded")


def too_big_axis(values):
    """NumPy's error for an axis beyond int64."""
    return OverflowError("Python int too large to convert to C long")


def i64_array(values, too_big=too_big_dimension):
    """`values` as a C int64 array (at least one element) and their count;
    `too_big(values)` is the exception for a value beyond int64."""
    values = tuple(values)
    try:
        return packed_array(c_int64, "q", len(values), values), len(values)
    except struct.error:
        if all(isinstance(v, int) for v in values):
            raise too_big(values) from None
        raise TypeError("an integer is required") from None
