"""ndcore from Python: NumPy's array model over libndcore, through ctypes.

`import ndcore as nd` and write NumPy code: `nd.zeros`, `nd.arange`,
`nd.asarray(numpy_array)` (no copy), `numpy.asarray(nd_array)` (no copy).
This package only converts arguments; every computation is the library's.
"""

import ast
import ctypes
import threading

import numpy as _np

from . import _lib
from ._lib import NDOverflowError, check_handle, check_status, i64_array, lib, take_string

__version__ = lib.nd_version().decode()

__all__ = [
    "ndarray", "NDOverflowError", "array", "asarray", "empty", "zeros", "ones", "full",
    "arange", "linspace", "eye", "result_type", "can_cast",
]


# ---------------------------------------------------------------- dtypes

class _DType:
    """An owned nd_dtype handle."""

    __slots__ = ("h",)

    def __init__(self, h):
        self.h = None
        self.h = check_handle(h)

    def __del__(self):
        if lib is not None and self.h:
            lib.nd_dtype_free(self.h)
            self.h = None


def _numpy_dtype_of_string(s):
    """numpy.dtype from ndcore's own dtype string (a typestr, or a Python
    literal for records and sub-arrays, read without evaluation)."""
    if s[:1] in "[{(":
        return _np.dtype(ast.literal_eval(s))
    return _np.dtype(s)


def _describe(dt):
    """ndcore's text for a NumPy dtype: the typestr for builtin dtypes; for
    records the dict form with every offset, the itemsize and whether the
    record is an aligned struct, at every level (NumPy's str() drops the
    flag of nested records)."""
    if dt.subdtype is not None:
        base, shape = dt.subdtype
        return f"({_describe(base)}, {shape!r})"
    if dt.fields is None:
        return repr(dt.str)
    names = list(dt.names)
    formats = ", ".join(_describe(dt.fields[n][0]) for n in names)
    offsets = [dt.fields[n][1] for n in names]
    return (f"{{'names': {names!r}, 'formats': [{formats}], 'offsets': {offsets!r}, "
            f"'itemsize': {dt.itemsize}, 'aligned': {bool(dt.isalignedstruct)}}}")


def _nd_dtype(dtype, default=None):
    """An ndcore dtype handle for anything numpy.dtype() accepts."""
    if dtype is None:
        dtype = default
    dt = _np.dtype(dtype)
    text = dt.str if dt.fields is None and dt.subdtype is None else _describe(dt)
    return _DType(lib.nd_dtype_from_string(text.encode()))


def _dtype_string(h):
    return take_string(lib.nd_dtype_str(h))


# ---------------------------------------------------------------- arrays

class _Flags:
    """NumPy-like `a.flags`: attributes and `flags['C_CONTIGUOUS']`."""

    _NAMES = {
        "c_contiguous": _lib.FLAG_C, "f_contiguous": _lib.FLAG_F,
        "owndata": _lib.FLAG_OWNDATA, "aligned": _lib.FLAG_ALIGNED,
        "writeable": _lib.FLAG_WRITEABLE,
    }
    _ALIASES = {"C": "c_contiguous", "F": "f_contiguous", "CONTIGUOUS": "c_contiguous",
                "FORTRAN": "f_contiguous", "W": "writeable", "O": "owndata", "A": "aligned"}

    def __init__(self, bits):
        self._bits = bits

    def __getattr__(self, name):
        try:
            return bool(self._bits & _Flags._NAMES[name])
        except KeyError:
            raise AttributeError(name) from None

    def __getitem__(self, key):
        name = _Flags._ALIASES.get(key, key).lower()
        if name not in _Flags._NAMES:
            raise KeyError(key)
        return getattr(self, name)

    def __repr__(self):
        return "\n".join(f"  {n.upper()} : {getattr(self, n)}" for n in _Flags._NAMES)


class ndarray:
    """An ndcore array: a handle on (memory, dtype, shape, byte strides)."""

    __slots__ = ("_h", "_base", "_dtype", "__weakref__")

    def __init__(self, *args, **kwargs):
        raise TypeError("create ndcore arrays with nd.zeros, nd.array, nd.asarray, ...")

    @classmethod
    def _from_handle(cls, h, base=None):
        self = object.__new__(cls)
        self._h = check_handle(h)
        self._base = base
        self._dtype = None
        return self

    def __del__(self):
        h = getattr(self, "_h", None)
        if h and lib is not None:
            lib.nd_array_free(h)
            self._h = None

    # -- attributes
    @property
    def ndim(self):
        return lib.nd_array_ndim(self._h)

    @property
    def shape(self):
        n = self.ndim
        p = lib.nd_array_shape(self._h)
        return tuple(p[i] for i in range(n))

    @property
    def strides(self):
        n = self.ndim
        p = lib.nd_array_strides(self._h)
        return tuple(p[i] for i in range(n))

    @property
    def size(self):
        return lib.nd_array_size(self._h)

    @property
    def itemsize(self):
        return lib.nd_array_itemsize(self._h)

    @property
    def nbytes(self):
        return lib.nd_array_nbytes(self._h)

    @property
    def dtype(self):
        if self._dtype is None:
            d = _DType(lib.nd_array_dtype(self._h))
            self._dtype = _numpy_dtype_of_string(_dtype_string(d.h))
        return self._dtype

    @property
    def flags(self):
        return _Flags(lib.nd_array_flags(self._h))

    @property
    def base(self):
        return self._base

    @property
    def data_ptr(self):
        """Address of element zero (ndcore's nd_array_data)."""
        return lib.nd_array_data(self._h) or 0

    @property
    def __array_interface__(self):
        dt = self.dtype
        iface = {
            "version": 3,
            "shape": self.shape,
            "typestr": dt.str,
            "data": (self.data_ptr, not self.flags.writeable),
            "strides": self.strides,
        }
        if dt.fields is not None:
            iface["descr"] = dt.descr
        return iface

    def __len__(self):
        if self.ndim == 0:
            raise TypeError("len() of unsized object")
        return self.shape[0]

    def __repr__(self):
        return take_string(lib.nd_array_repr(self._h))

    def __str__(self):
        return str(_np.asarray(self))

    # -- elements
    def _index(self, key):
        if not isinstance(key, tuple):
            key = (key,)
        if not all(isinstance(k, (int, _np.integer)) for k in key):
            raise NotImplementedError(
                "ndcore's Python binding indexes single elements with integers for now"
            )
        return i64_array(int(k) for k in key)

    def __getitem__(self, key):
        idx, n = self._index(key)
        dt = self.dtype
        if dt.fields is not None:
            p = check_handle(lib.nd_array_ptr_at(self._h, n, idx))
            return _np.frombuffer(ctypes.string_at(p, dt.itemsize), dtype=dt)[0]
        kind = dt.kind
        if kind == "c":
            re, im = ctypes.c_double(), ctypes.c_double()
            check_status(lib.nd_array_get_c128(self._h, n, idx, ctypes.byref(re), ctypes.byref(im)))
            return dt.type(complex(re.value, im.value))
        getter, ctype = {
            "b": (lib.nd_array_get_bool, ctypes.c_bool),
            "i": (lib.nd_array_get_i64, ctypes.c_int64),
            "u": (lib.nd_array_get_u64, ctypes.c_uint64),
            "f": (lib.nd_array_get_f64, ctypes.c_double),
        }[kind]
        out = ctype()
        check_status(getter(self._h, n, idx, ctypes.byref(out)))
        return dt.newbyteorder("=").type(out.value)

    def __setitem__(self, key, value):
        idx, n = self._index(key)
        if isinstance(value, (bool, _np.bool_)):
            st = lib.nd_array_set_bool(self._h, n, idx, bool(value))
        elif isinstance(value, (int, _np.integer)):
            v = int(value)
            if not -(2**63) <= v < 2**64:
                raise NDOverflowError(f"Python integer {v} out of bounds for {self.dtype}")
            setter = lib.nd_array_set_i64 if v < 0 else lib.nd_array_set_u64
            st = setter(self._h, n, idx, v)
        elif isinstance(value, (complex, _np.complexfloating)):
            st = lib.nd_array_set_c128(self._h, n, idx, value.real, value.imag)
        else:
            st = lib.nd_array_set_f64(self._h, n, idx, float(value))
        check_status(st)

    # -- conversions
    def astype(self, dtype, order="K", casting="unsafe", copy=True):
        if order != "K":
            raise NotImplementedError("astype supports order='K' (use .copy(order) after)")
        d = _nd_dtype(dtype)
        return ndarray._from_handle(lib.nd_astype(self._h, d.h, _lib.CASTINGS[casting]))

    def copy(self, order="C"):
        return ndarray._from_handle(lib.nd_array_copy(self._h, _lib.ORDERS[order]))

    def view(self):
        return ndarray._from_handle(lib.nd_array_view(self._h), base=self)

    def tolist(self):
        return _np.asarray(self).tolist()


# ---------------------------------------------------------------- creation

def _shape_args(shape):
    if isinstance(shape, (int, _np.integer)):
        shape = (shape,)
    return i64_array(int(s) for s in shape)


def _make(fn, shape, dtype, order):
    d = _nd_dtype(dtype, float)
    dims, n = _shape_args(shape)
    return ndarray._from_handle(fn(d.h, n, dims, _lib.ORDERS[order]))


def empty(shape, dtype=float, order="C"):
    """numpy.empty: a new array, contents uninitialised."""
    return _make(lib.nd_empty, shape, dtype, order)


def zeros(shape, dtype=float, order="C"):
    """numpy.zeros."""
    return _make(lib.nd_zeros, shape, dtype, order)


def ones(shape, dtype=float, order="C"):
    """numpy.ones."""
    return _make(lib.nd_ones, shape, dtype, order)


def full(shape, fill_value, dtype=None, order="C"):
    """numpy.full: the Python fill value is converted to one element (as NumPy
    converts it), which the library casts into every element."""
    value = _np.asarray(fill_value)
    if dtype is not None and isinstance(fill_value, int) and not isinstance(fill_value, bool):
        # NumPy 2 refuses a Python int out of the dtype's range (NEP 50).
        value = _np.asarray(fill_value, dtype=dtype)
    d = _nd_dtype(value.dtype if dtype is None else dtype)
    vd = _nd_dtype(value.dtype)
    dims, n = _shape_args(shape)
    h = lib.nd_full(d.h, n, dims, _lib.ORDERS[order], value.ctypes.data, vd.h)
    return ndarray._from_handle(h)


def arange(start, stop=None, step=1, dtype=None):
    """numpy.arange (int64 when every argument is an integer, else float64)."""
    if stop is None:
        start, stop = 0, start
    if dtype is None:
        ints = all(isinstance(v, (int, _np.integer)) for v in (start, stop, step))
        dtype = _np.int64 if ints else _np.float64
    d = _nd_dtype(dtype)
    return ndarray._from_handle(lib.nd_arange(float(start), float(stop), float(step), d.h))


def linspace(start, stop, num=50, endpoint=True, dtype=None):
    """numpy.linspace for real scalar endpoints."""
    d = _nd_dtype(dtype, float)
    return ndarray._from_handle(lib.nd_linspace(float(start), float(stop), int(num), bool(endpoint), d.h))


def eye(N, M=None, k=0, dtype=float, order="C"):
    """numpy.eye."""
    d = _nd_dtype(dtype)
    m = N if M is None else M
    return ndarray._from_handle(lib.nd_eye(int(N), int(m), int(k), d.h, _lib.ORDERS[order]))


# ------------------------------------------------- sharing with NumPy

# Objects whose memory an ndcore array wraps, kept alive until the library's
# release callback says the last view is gone.
_kept = {}
_kept_lock = threading.Lock()
_next_key = [0]


@_lib.RELEASE_FN
def _release(ctx):
    with _kept_lock:
        _kept.pop(ctx, None)


def _wrap_numpy(a):
    """An ndcore array on a NumPy array's memory (no copy); the NumPy array
    stays alive until the last ndcore view of it is freed."""
    d = _nd_dtype(a.dtype)
    dims, n = i64_array(a.shape)
    strides, _ = i64_array(a.strides)
    with _kept_lock:
        _next_key[0] += 1
        key = _next_key[0]
        _kept[key] = a
    h = lib.nd_array_wrap(a.ctypes.data, d.h, n, dims, strides, a.flags.writeable, _release, key)
    if not h:
        with _kept_lock:
            _kept.pop(key, None)
    return ndarray._from_handle(h, base=a)


def asarray(a, dtype=None):
    """numpy.asarray: ndcore arrays pass through, NumPy arrays (and anything
    numpy.asarray accepts without copying) are wrapped without copying."""
    if isinstance(a, ndarray):
        if dtype is None or _np.dtype(dtype) == a.dtype:
            return a
        return a.astype(dtype)
    arr = _np.asarray(a, dtype=dtype)
    return _wrap_numpy(arr)


def array(obj, dtype=None, copy=True, order="K"):
    """numpy.array: a new ndcore array holding a copy of `obj`."""
    if isinstance(obj, ndarray):
        if dtype is not None:
            out = obj.astype(dtype)
            return out if order == "K" else out.copy(order)
        return obj.copy(order)
    src = _np.asarray(obj, dtype=dtype)
    d = _nd_dtype(src.dtype)
    dims, n = i64_array(src.shape)
    strides, _ = i64_array(src.strides)
    out = ndarray._from_handle(lib.nd_array_from_data(src.ctypes.data, d.h, n, dims, strides))
    return out if order in ("K", "C", "A") else out.copy(order)


# ------------------------------------------------- type rules

def _dtype_arg(x):
    if isinstance(x, ndarray):
        return x.dtype
    if isinstance(x, _np.ndarray):
        return x.dtype
    return _np.dtype(x)


def result_type(*arrays_and_dtypes):
    """numpy.result_type for arrays and dtypes (no Python scalars yet)."""
    handles = [_nd_dtype(_dtype_arg(x)) for x in arrays_and_dtypes]
    arr = (ctypes.c_void_p * max(len(handles), 1))(*[h.h for h in handles])
    out = _DType(lib.nd_result_type(len(handles), arr))
    return _numpy_dtype_of_string(_dtype_string(out.h))


def can_cast(from_, to, casting="safe"):
    """numpy.can_cast for dtypes and arrays."""
    if casting not in _lib.CASTINGS:
        raise ValueError("casting must be one of 'no', 'equiv', 'safe', 'same_kind', or 'unsafe'")
    f, t = _nd_dtype(_dtype_arg(from_)), _nd_dtype(_dtype_arg(to))
    ok = lib.nd_can_cast(f.h, t.h, _lib.CASTINGS[casting])
    return bool(ok)
