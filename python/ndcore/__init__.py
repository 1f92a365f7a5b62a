"""ndcore from Python: NumPy's array model over libndcore, through ctypes.

`import ndcore as nd` and write NumPy code: `nd.zeros`, `nd.arange`,
`nd.asarray(numpy_array)` (no copy), `numpy.asarray(nd_array)` (no copy).
This package only converts arguments; every computation is the library's.
"""

import ast
import builtins as _builtins
import ctypes
import dis as _dis
import itertools
import math as _math
import operator as _operator
import struct as _struct
import sys as _sys
import warnings as _warnings

import numpy as _np

from . import _lib
from ._lib import NDOverflowError, check_handle, check_status, i64_array, take_string
from ._lib import lib as _c

__version__ = _c.nd_version().decode()

__all__ = [
    "ndarray", "NDOverflowError", "array", "asarray", "empty", "zeros", "ones", "full",
    "arange", "linspace", "eye", "result_type", "can_cast", "reshape", "transpose",
    "permute_dims", "swapaxes", "moveaxis", "squeeze", "expand_dims", "ravel", "diagonal",
    "broadcast_to", "broadcast_arrays", "ascontiguousarray", "asfortranarray",
    "may_share_memory", "copy", "add", "subtract", "multiply", "divide", "true_divide",
    "equal", "not_equal", "less", "less_equal", "greater", "greater_equal", "maximum",
    "minimum", "fmax", "fmin", "negative", "positive", "absolute", "square", "sqrt", "floor", "ceil", "trunc", "rint", "conjugate", "isnan", "isinf", "isfinite", "signbit", "abs", "conj", "reciprocal", "sign", "power", "exp", "exp2", "expm1", "log", "log2", "log10", "log1p", "sin", "cos", "tan", "arcsin", "arccos", "arctan", "sinh", "cosh", "tanh", "arcsinh", "arccosh", "arctanh", "cbrt", "deg2rad", "rad2deg", "arctan2", "hypot", "copysign", "nextafter", "float_power", "logical_not", "invert", "bitwise_not", "mod", "logical_and", "logical_or", "logical_xor", "bitwise_and", "bitwise_or", "bitwise_xor", "left_shift", "right_shift", "floor_divide", "remainder", "fmod", "where", "clip", "divmod",
]


# ---------------------------------------------------------------- dtypes

class _DType:
    """An owned nd_dtype handle."""

    __slots__ = ("h",)

    def __init__(self, h):
        self.h = None
        self.h = check_handle(h)

    def __del__(self):
        if _c is not None and self.h:
            _c.nd_dtype_free(self.h)
            self.h = None


def _numpy_dtype_of_string(s):
    """numpy.dtype from ndcore's own dtype string (a typestr, or a Python
    literal for records and sub-arrays, read without evaluation). Builtin
    typestrs are remembered: every new array's `dtype` comes here."""
    dt = _TYPESTR_DTYPES.get(s)
    if dt is not None:
        return dt
    if s[:1] in "[{(":
        return _np.dtype(ast.literal_eval(s))
    dt = _np.dtype(s)
    if len(_TYPESTR_DTYPES) < 64:
        _TYPESTR_DTYPES[s] = dt
    return dt


_TYPESTR_DTYPES = {}
# Native numbers whose ctypes value converts exactly to the NumPy scalar.
_NATIVE_CTYPES = {_np.dtype(k): v for k, v in [
    ("f8", ctypes.c_double), ("f4", ctypes.c_float), ("i8", ctypes.c_int64), ("i4", ctypes.c_int32),
    ("i2", ctypes.c_int16), ("i1", ctypes.c_int8), ("u8", ctypes.c_uint64), ("u4", ctypes.c_uint32),
    ("u2", ctypes.c_uint16), ("u1", ctypes.c_uint8), ("?", ctypes.c_bool)]}


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
    return _DType(_c.nd_dtype_from_string(text.encode()))


def _dtype_string(h):
    return take_string(_c.nd_dtype_str(h))


# NumPy dtypes of the builtin nd_types, by (nd_type, byte order): a
# builtin dtype is fixed by the two, so its text is parsed once. Reading
# the text and parsing it took ~5 us of every new array's first `.dtype`
# (a reduction's scalar result, an integer index).
_BUILTIN_DTYPES = {}


def _numpy_dtype(h):
    """The NumPy dtype of ndcore dtype handle `h`."""
    key = (_c.nd_dtype_type(h), _c.nd_dtype_byteorder(h))
    dt = _BUILTIN_DTYPES.get(key)
    if dt is None:
        dt = _numpy_dtype_of_string(_dtype_string(h))
        if 0 <= key[0] < _lib.ND_RECORD:
            _BUILTIN_DTYPES[key] = dt
    return dt


def _info(h, _describe=_c.nd_array_describe, _new=_lib.nd_array_info):
    """Array handle `h`'s whole description (ndcore's nd_array_info) in
    one call."""
    info = _new()
    check_status(_describe(h, info))
    return info


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


def _padded(descr):
    """Does a record's descr have padding entries ('', '|V4') at any depth?"""
    return _builtins.any(d[0] == "" or (isinstance(d[1], list) and _padded(d[1])) for d in descr)


class _Interface:
    """An array interface dict held with the array it describes (NumPy
    keeps this object as its array's base, so the memory stays alive)."""

    def __init__(self, owner, iface):
        self.owner = owner
        self.__array_interface__ = iface


_new_object = object.__new__


class ndarray:
    """An ndcore array: a handle on (memory, dtype, shape, byte strides)."""

    __slots__ = ("_h", "_base", "_dtype", "__weakref__")

    def __init__(self, *args, **kwargs):
        raise TypeError("create ndcore arrays with nd.zeros, nd.array, nd.asarray, ...")

    @classmethod
    def _from_handle(cls, h, base=None):
        if not h:
            _lib.raise_last()  # before the object exists: __del__ sees _h set
        self = _new_object(cls)
        self._h = h
        self._base = base
        self._dtype = None
        return self

    # The free function is bound here: at interpreter exit the module's
    # globals may already be gone when the last arrays are collected.
    def __del__(self, _free=_c.nd_array_free):
        h = self._h
        if h:
            self._h = None
            _free(h)

    # -- attributes
    @property
    def ndim(self):
        return _c.nd_array_ndim(self._h)

    @property
    def shape(self):
        i = _info(self._h)
        return tuple(i.shape[:i.ndim])

    @property
    def strides(self):
        i = _info(self._h)
        return tuple(i.strides[:i.ndim])

    @property
    def size(self):
        return _c.nd_array_size(self._h)

    @property
    def itemsize(self):
        return _c.nd_array_itemsize(self._h)

    @property
    def nbytes(self):
        return _c.nd_array_nbytes(self._h)

    @property
    def dtype(self):
        if self._dtype is None:
            return self._dtype_of(_info(self._h))
        return self._dtype

    def _dtype_of(self, info):
        """The NumPy dtype (cached), given this array's `_info`: builtin
        dtypes by their (nd_type, byte order), others from their text."""
        if self._dtype is None:
            dt = _BUILTIN_DTYPES.get((info.type_num, info.byteorder))
            if dt is None:
                d = check_handle(_c.nd_array_dtype(self._h))
                try:
                    dt = _numpy_dtype(d)
                finally:
                    _c.nd_dtype_free(d)
            self._dtype = dt
        return self._dtype

    @property
    def flags(self):
        return _Flags(_c.nd_array_flags(self._h))

    @property
    def base(self):
        return self._base

    @property
    def data_ptr(self):
        """Address of element zero (ndcore's nd_array_data)."""
        return _c.nd_array_data(self._h) or 0

    def _interface(self, with_descr=True):
        dt = self.dtype
        iface = {
            "version": 3,
            "shape": self.shape,
            "typestr": dt.str,
            "data": (self.data_ptr, not self.flags.writeable),
            "strides": self.strides,
        }
        if with_descr and dt.fields is not None:
            iface["descr"] = dt.descr
        return iface

    @property
    def __array_interface__(self):
        if self.dtype.fields is not None and _padded(self.dtype.descr):
            # NumPy reads a descr's padding entries ('', '|V4') as fields
            # named f1, ...: records with padding go through __array__.
            raise AttributeError("records with padding are shared through __array__")
        return self._interface()

    def __array__(self, dtype=None, copy=None):
        """numpy.asarray(x): NumPy's view of this memory (records with
        padding viewed as raw bytes, then as their dtype)."""
        if copy:
            return _np.array(self, dtype=dtype, copy=True)
        raw = _np.asarray(_Interface(self, self._interface(with_descr=False)))
        out = raw.view(self.dtype) if self.dtype.fields is not None else raw
        if dtype is not None and _np.dtype(dtype) != out.dtype:
            if copy is False:
                raise ValueError("Unable to avoid copy while creating an array as requested.")
            return out.astype(dtype)
        return out

    def __len__(self):
        if self.ndim == 0:
            raise TypeError("len() of unsized object")
        return self.shape[0]

    def __repr__(self):
        return take_string(_c.nd_array_repr(self._h))

    def __str__(self):
        return str(_np.asarray(self))

    # -- indexing
    def _view(self, h):
        """A new ndarray on a handle viewing this array's memory."""
        return ndarray._from_handle(h, base=self._base if self._base is not None else self)

    def _items(self, key):
        """nd_index items for `key` (packed into a C array of nd_index), and
        the arrays they borrow (kept alive for the call). Lists, NumPy arrays
        and ndcore arrays of integers or booleans become index arrays; a bare
        bool is NumPy's 0-d mask. Integers and slice bounds beyond int64 get
        NumPy's errors and clamping (ctypes would wrap them silently)."""
        if not isinstance(key, tuple):
            key = (key,)
        values, keep = [], []
        for k in key:
            if isinstance(k, (bool, _np.bool_)):
                k = _np.asarray(k)
            if isinstance(k, (int, _np.integer)):
                values += (_lib.ND_INDEX_INT, _index_int(k), 0, 0, 0)
            elif isinstance(k, slice):
                step = 1 if k.step is None else _slice_bound(k.step)
                values += (_lib.ND_INDEX_SLICE, _slice_bound(k.start), _slice_bound(k.stop), step, 0)
            elif k is None:
                values += (_lib.ND_INDEX_NEWAXIS, 0, 0, 0, 0)
            elif k is Ellipsis:
                values += (_lib.ND_INDEX_ELLIPSIS, 0, 0, 0, 0)
            else:
                arr = k if isinstance(k, ndarray) else asarray(_as_index_array(k))
                keep.append(arr)
                values += (_lib.ND_INDEX_ARRAY, 0, 0, 0, arr._h)
        n = len(key)
        return _lib.packed_array(_lib.nd_index, _INDEX_ITEM, n, values), n, keep

    def _select(self, key):
        """`self[key]`: a view for basic indices and field names, a new
        array for index arrays."""
        if isinstance(key, str):
            return self._view(_c.nd_array_field(self._h, key.encode()))
        if isinstance(key, list) and key and _builtins.all(isinstance(k, str) for k in key):
            names = (ctypes.c_char_p * len(key))(*[k.encode() for k in key])
            return self._view(_c.nd_array_fields(self._h, len(key), names))
        arr, n, keep = self._items(key)
        if not keep:
            # Basic indexing (no index arrays) always gives a view.
            return self._view(check_handle(_c.nd_array_getitem(self._h, n, arr)))
        return _view_or_new(self, _c.nd_array_getitem(self._h, n, arr))

    def __getitem__(self, key):
        t = type(key)
        if t is slice:
            return self._select(key)
        if t is int or (t is tuple and _builtins.all(type(k) is int for k in key)):
            # One element by Python ints, one per axis: read in place.
            dt = self.dtype
            ctype = _NATIVE_CTYPES.get(dt)
            index = (key,) if t is int else key
            if ctype is not None and len(index) == _c.nd_array_ndim(self._h):
                idx, n = i64_array(index, _index_overflow)
                p = _c.nd_array_ptr_at(self._h, n, idx)
                if not p:
                    _lib.raise_last()
                return dt.type(ctype.from_address(p).value)
        v = self._select(key)
        # An integer for every axis (the empty tuple for 0-d) gives a scalar.
        items = key if isinstance(key, tuple) else (key,)
        all_ints = _builtins.all(_is_integer_index(k) for k in items)
        if all_ints and v.ndim == 0:
            return v._item()
        return v

    def _item(self, info=None):
        """The single element of a 0-d array as a NumPy scalar (`info`: its
        `_info`, when the caller has it)."""
        if info is None:
            info = _info(self._h)
        dt = self._dtype_of(info)
        ctype = _NATIVE_CTYPES.get(dt)
        if ctype is not None:
            # Read in place: a reduction's result comes here.
            return dt.type(ctype.from_address(info.data).value)
        if dt.fields is not None:
            return _np.frombuffer(ctypes.string_at(info.data, dt.itemsize), dtype=dt)[0]
        idx, n = i64_array(())
        if dt.kind == "c":
            re, im = ctypes.c_double(), ctypes.c_double()
            check_status(_c.nd_array_get_c128(self._h, 0, idx, ctypes.byref(re), ctypes.byref(im)))
            return dt.newbyteorder("=").type(complex(re.value, im.value))
        getter, ctype = {
            "b": (_c.nd_array_get_bool, ctypes.c_bool),
            "i": (_c.nd_array_get_i64, ctypes.c_int64),
            "u": (_c.nd_array_get_u64, ctypes.c_uint64),
            "f": (_c.nd_array_get_f64, ctypes.c_double),
        }[dt.kind]
        out = ctype()
        check_status(getter(self._h, 0, idx, ctypes.byref(out)))
        return dt.newbyteorder("=").type(out.value)

    def __setitem__(self, key, value):
        if isinstance(key, str) or (isinstance(key, list) and key and _builtins.all(isinstance(k, str) for k in key)):
            target = self._select(key)
            arr, n, keep = target._items(Ellipsis)
            dest = target
        else:
            arr, n, keep = self._items(key)
            dest = self
        dt = self.dtype if dest is self else dest.dtype
        if isinstance(value, ndarray):
            src = value
        elif isinstance(value, (bool, int, float, complex, _np.generic)) and dt.fields is None:
            # A scalar converts as NumPy converts it for assignment
            # (NEP 50: out-of-range Python ints raise OverflowError).
            with _warnings.catch_warnings():
                _warnings.simplefilter("ignore", _np.exceptions.ComplexWarning)
                src = _wrap_numpy(_np.asarray(value, dtype=dt))
        else:
            conv = _np.asarray(value, dtype=dt if dt.fields is not None else None)
            if not isinstance(value, _np.ndarray) and not keep:
                # NumPy converts a Python sequence for at most the target's
                # dimensions (arrays instead follow copyto's rules).
                target_ndim = (dest._select(key) if dest is self else dest).ndim
                if conv.ndim > target_ndim:
                    raise ValueError(
                        "setting an array element with a sequence. The requested array would "
                        f"exceed the maximum number of dimension of {target_ndim}.")
            src = _wrap_numpy(conv)
        check_status(_c.nd_array_setitem(dest._h, n, arr, src._h))

    # -- views and shapes
    @property
    def T(self):
        return self._view(_c.nd_transpose(self._h, 0, None))

    @property
    def mT(self):
        if self.ndim < 2:
            raise ValueError("matrix transpose with ndim < 2 is undefined")
        return self.swapaxes(-2, -1)

    @property
    def real(self):
        if self.dtype.kind != "c":
            return self
        return self._view(_c.nd_real(self._h))

    @property
    def imag(self):
        if self.dtype.kind != "c":
            return ndarray._from_handle(_c.nd_imag(self._h))
        return self._view(_c.nd_imag(self._h))

    def transpose(self, *axes):
        if not axes:
            return self.T
        if len(axes) == 1 and (axes[0] is None or isinstance(axes[0], (tuple, list))):
            axes = axes[0]
        if axes is None:
            return self.T
        arr, n = i64_array(int(_operator_index(a)) for a in axes)
        return self._view(_c.nd_transpose(self._h, n, arr))

    def swapaxes(self, axis1, axis2):
        return self._view(_c.nd_swapaxes(self._h, int(axis1), int(axis2)))

    def reshape(self, *shape, order="C", copy=None):
        if len(shape) == 1 and isinstance(shape[0], (tuple, list)):
            shape = shape[0]
        arr, n = i64_array(int(_operator_index(d)) for d in shape)
        if copy:
            return self.copy(order if order != "A" else "K").reshape(shape, order=order)
        fn = _c.nd_reshape if copy is False else _c.nd_reshape_or_copy
        return _view_or_new(self, fn(self._h, n, arr, _lib.ORDERS[order]))

    def ravel(self, order="C"):
        return _view_or_new(self, _c.nd_ravel(self._h, _lib.ORDERS[order]))

    def flatten(self, order="C"):
        return ndarray._from_handle(_c.nd_flatten(self._h, _lib.ORDERS[order]))

    def squeeze(self, axis=None):
        if axis is None:
            return self._view(_c.nd_squeeze(self._h, 0, None))
        arr, n = i64_array(_axes_tuple(axis), _lib.too_big_axis)
        return self._view(_c.nd_squeeze(self._h, n, arr))

    def diagonal(self, offset=0, axis1=0, axis2=1):
        return self._view(_c.nd_diagonal(self._h, int(offset), int(axis1), int(axis2)))

    # -- arithmetic (Python scalars are NEP 50 weak scalars)
    # `_temporary` may answer an operand to write the result into (NumPy's
    # temporary elision; see `_temporary`).
    def __add__(self, other):
        return add(self, other, out=_temporary(self, other, _ADD))

    def __radd__(self, other):
        return add(other, self, out=_temporary(other, self, _ADD))

    def __iadd__(self, other):
        return add(self, other, out=self)

    def __sub__(self, other):
        return subtract(self, other, out=_temporary(self, other, _SUBTRACT))

    def __rsub__(self, other):
        return subtract(other, self, out=_temporary(other, self, _SUBTRACT))

    def __isub__(self, other):
        return subtract(self, other, out=self)

    def __mul__(self, other):
        return multiply(self, other, out=_temporary(self, other, _MULTIPLY))

    def __rmul__(self, other):
        return multiply(other, self, out=_temporary(other, self, _MULTIPLY))

    def __imul__(self, other):
        return multiply(self, other, out=self)

    def __neg__(self):
        return negative(self)

    def __pos__(self):
        return positive(self)

    def __abs__(self):
        return absolute(self)

    def __and__(self, other):
        return bitwise_and(self, other)

    def __rand__(self, other):
        return bitwise_and(other, self)

    def __iand__(self, other):
        return bitwise_and(self, other, out=self)

    def __or__(self, other):
        return bitwise_or(self, other)

    def __ror__(self, other):
        return bitwise_or(other, self)

    def __ior__(self, other):
        return bitwise_or(self, other, out=self)

    def __xor__(self, other):
        return bitwise_xor(self, other)

    def __rxor__(self, other):
        return bitwise_xor(other, self)

    def __ixor__(self, other):
        return bitwise_xor(self, other, out=self)

    def __lshift__(self, other):
        return left_shift(self, other)

    def __rlshift__(self, other):
        return left_shift(other, self)

    def __ilshift__(self, other):
        return left_shift(self, other, out=self)

    def __rshift__(self, other):
        return right_shift(self, other)

    def __rrshift__(self, other):
        return right_shift(other, self)

    def __irshift__(self, other):
        return right_shift(self, other, out=self)

    def __floordiv__(self, other):
        return floor_divide(self, other)

    def __rfloordiv__(self, other):
        return floor_divide(other, self)

    def __ifloordiv__(self, other):
        return floor_divide(self, other, out=self)

    def __mod__(self, other):
        return remainder(self, other)

    def __rmod__(self, other):
        return remainder(other, self)

    def __imod__(self, other):
        return remainder(self, other, out=self)

    def _fast_power(self, other):
        """NumPy's operator shortcut (number.c, fast_scalar_power): a float
        or complex array to the Python int 2 or -1, or the Python float 0.5,
        calls square, reciprocal or sqrt (so (-0.0)**0.5 is -0.0 for float16
        too, where power's own loop would call pow)."""
        if self.dtype.kind not in "fc":
            return None
        if type(other) is int and other in (2, -1):
            return square if other == 2 else reciprocal
        if type(other) is float and other == 0.5:
            return sqrt
        return None

    def __divmod__(self, other):
        return divmod(self, other)

    def __rdivmod__(self, other):
        return divmod(other, self)

    def clip(self, min=None, max=None, out=None):
        return clip(self, min, max, out=out)

    def __pow__(self, other):
        fast = self._fast_power(other)
        return fast(self) if fast else power(self, other)

    def __rpow__(self, other):
        return power(other, self)

    def __ipow__(self, other):
        fast = self._fast_power(other)
        return fast(self, out=self) if fast else power(self, other, out=self)

    def __invert__(self):
        return invert(self)

    def __lt__(self, other):
        return less(self, other)

    def __le__(self, other):
        return less_equal(self, other)

    def __gt__(self, other):
        return greater(self, other)

    def __ge__(self, other):
        return greater_equal(self, other)

    def __eq__(self, other):
        if not isinstance(other, (ndarray, _np.ndarray, bool, int, float, complex)):
            return NotImplemented
        return equal(self, other)

    def __ne__(self, other):
        if not isinstance(other, (ndarray, _np.ndarray, bool, int, float, complex)):
            return NotImplemented
        return not_equal(self, other)

    __hash__ = None

    def __truediv__(self, other):
        return divide(self, other, out=_temporary(self, other, _DIVIDE))

    def __rtruediv__(self, other):
        return divide(other, self, out=_temporary(other, self, _DIVIDE))

    def __itruediv__(self, other):
        return divide(self, other, out=self)

    # -- conversions
    def astype(self, dtype, order="K", casting="unsafe", copy=True):
        if order != "K":
            return self.astype(dtype, casting=casting).copy(order)
        d = _nd_dtype(dtype)
        return ndarray._from_handle(_c.nd_astype(self._h, d.h, _lib.CASTINGS[casting]))

    def copy(self, order="C"):
        return ndarray._from_handle(_c.nd_array_copy(self._h, _lib.ORDERS[order]))

    def view(self, dtype=None):
        if dtype is None:
            return self._view(_c.nd_array_view(self._h))
        d = _nd_dtype(dtype)
        return self._view(_c.nd_array_view_dtype(self._h, d.h))

    def tolist(self):
        return _np.asarray(self).tolist()

    def item(self, *args):
        """The element as a Python scalar (size-1 arrays, or at an index)."""
        if args:
            return self[args if len(args) > 1 else args[0]].item()
        if self.size != 1:
            raise ValueError("can only convert an array of size 1 to a Python scalar")
        return self.reshape(())._item().item()

    def __bool__(self):
        if self.size != 1:
            raise ValueError("The truth value of an array with more than one element is "
                             "ambiguous. Use a.any() or a.all()")
        return bool(self.item())

    def __float__(self):
        return float(self.item())

    def __int__(self):
        return int(self.item())

    def __complex__(self):
        return complex(self.item())


# One nd_index as `_lib.packed_array` packs it (ctypes' layout of the
# structure: int32 kind, padding, three int64, the array handle).
_INDEX_ITEM = "i4xqqqQ"
assert _struct.calcsize("=" + _INDEX_ITEM) == ctypes.sizeof(_lib.nd_index)


_NOT_AN_INDEX = ("only integers, slices (`:`), ellipsis (`...`), numpy.newaxis (`None`) and "
                 "integer or boolean arrays are valid indices")


def _fits_int64(v):
    """Does the Python int `v` fit a C int64?"""
    return -(2**63) <= v < 2**63


def _index_int(k):
    """An integer index as int64, with NumPy's errors for one that does not
    fit (OverflowError up to 2**64, IndexError beyond)."""
    k = int(k)
    if _fits_int64(k):
        return k
    if 0 <= k < 2**64:
        raise OverflowError("Python int too large to convert to C long")
    raise IndexError(_NOT_AN_INDEX)


def _index_overflow(values):
    """The error NumPy gives for the first integer index beyond int64."""
    for v in values:
        _index_int(v)


def _index_size_overflow(values):
    """NumPy's error for tensordot axes beyond int64."""
    return IndexError("cannot fit 'int' into an index-sized integer")


def _slice_bound(v):
    """A slice's start, stop or step for nd_index: None is ND_NONE; values
    beyond int64 are clamped as Python clamps them (never onto ND_NONE)."""
    if v is None:
        return _lib.ND_NONE
    if type(v) is int and -(2**63) < v < 2**63:
        return v
    try:
        v = _operator_index(v)
    except TypeError:
        raise TypeError("slice indices must be integers or None or have an __index__ method") from None
    return _builtins.min(_builtins.max(v, -(2**63) + 1), 2**63 - 1)


def _is_integer_index(k):
    """An integer, or a 0-d integer array (which NumPy reads as one)."""
    if isinstance(k, (bool, _np.bool_)):
        return False
    if isinstance(k, (int, _np.integer)):
        return True
    return isinstance(k, (_np.ndarray, ndarray)) and k.ndim == 0 and k.dtype.kind in "iu"


def _as_index_array(k):
    """A NumPy array for an index array key (lists, arrays, ...)."""
    a = _np.asarray(k)
    if a.dtype == object or (a.size == 0 and a.dtype.kind == "f"):
        # NumPy reads an empty list as an integer index.
        a = a.astype(_np.intp) if a.size == 0 else a
    return a


_operator_index = _operator.index


def _axes_tuple(axis):
    if isinstance(axis, (tuple, list)):
        return [int(_operator_index(a)) for a in axis]
    return [int(_operator_index(axis))]


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
    return _make(_c.nd_empty, shape, dtype, order)


def zeros(shape, dtype=float, order="C"):
    """numpy.zeros."""
    return _make(_c.nd_zeros, shape, dtype, order)


def ones(shape, dtype=float, order="C"):
    """numpy.ones."""
    return _make(_c.nd_ones, shape, dtype, order)


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
    h = _c.nd_full(d.h, n, dims, _lib.ORDERS[order], value.ctypes.data, vd.h)
    return ndarray._from_handle(h)


def arange(start, stop=None, step=1, dtype=None):
    """numpy.arange (int64 when every argument is an integer that fits,
    else float64). Integer arguments are computed exactly (nd_arange_int);
    the float version rounds integers beyond 2**53."""
    if stop is None:
        start, stop = 0, start
    if _builtins.all(isinstance(v, (int, _np.integer)) for v in (start, stop, step)):
        values = [int(v) for v in (start, stop, step)]
        if values[2] == 0:
            raise ZeroDivisionError("division by zero")
        if _builtins.all(_fits_int64(v) for v in values):
            d = _nd_dtype(_np.int64 if dtype is None else dtype)
            return ndarray._from_handle(_c.nd_arange_int(*values, d.h))
        if dtype is not None and _np.dtype(dtype).kind in "biu":
            raise OverflowError("Python int too large to convert to C long")
        # NumPy: integers beyond int64 make a float64 arange.
    elif float(step) == 0:
        raise ZeroDivisionError("float division by zero")
    d = _nd_dtype(_np.float64 if dtype is None else dtype)
    return ndarray._from_handle(_c.nd_arange(float(start), float(stop), float(step), d.h))


def linspace(start, stop, num=50, endpoint=True, dtype=None):
    """numpy.linspace for real scalar endpoints."""
    d = _nd_dtype(dtype, float)
    num = int(num)
    if not _fits_int64(num):
        raise ValueError("Maximum allowed size exceeded")
    return ndarray._from_handle(_c.nd_linspace(float(start), float(stop), num, bool(endpoint), d.h))


def eye(N, M=None, k=0, dtype=float, order="C"):
    """numpy.eye."""
    d = _nd_dtype(dtype)
    n, m = int(N), int(N if M is None else M)
    if not (_fits_int64(n) and _fits_int64(m)):
        raise ValueError("Maximum allowed dimension exceeded")
    return ndarray._from_handle(_c.nd_eye(n, m, int(k), d.h, _lib.ORDERS[order]))


# ------------------------------------------------- sharing with NumPy

# Objects whose memory an ndcore array wraps, kept alive until the library's
# release callback says the last view is gone. No lock: dict insertion and
# pop and next() on a count are atomic under the GIL, and the callback can
# run inside a garbage collection triggered anywhere, even while this
# module is registering another array (a lock here would deadlock).
_kept = {}
_keys = itertools.count(1)


@_lib.RELEASE_FN
def _release(ctx):
    _kept.pop(ctx, None)


def _wrap_numpy(a):
    """An ndcore array on a NumPy array's memory (no copy); the NumPy array
    stays alive until the last ndcore view of it is freed."""
    d = _nd_dtype(a.dtype)
    dims, n = i64_array(a.shape)
    strides, _ = i64_array(a.strides)
    key = next(_keys)
    _kept[key] = a
    h = _c.nd_array_wrap(a.ctypes.data, d.h, n, dims, strides, a.flags.writeable, _release, key)
    if not h:
        _kept.pop(key, None)
    return ndarray._from_handle(h, base=a)


def asarray(a, dtype=None, *, copy=None):
    """numpy.asarray: ndcore arrays pass through; NumPy arrays and objects
    with __array_interface__ or the buffer protocol (through
    numpy.asarray) and objects with only __dlpack__ (through from_dlpack)
    are wrapped without copying, unless `dtype` needs a cast or copy=True.
    copy=False refuses to copy, as in NumPy."""
    if copy:
        return array(a, dtype=dtype)
    if isinstance(a, ndarray):
        out = a
    elif (not isinstance(a, _np.ndarray) and hasattr(a, "__dlpack__")
            and not hasattr(a, "__array_interface__") and not hasattr(a, "__array__")):
        out = from_dlpack(a)
    else:
        return _wrap_numpy(_np.asarray(a, dtype=dtype, copy=copy))
    if dtype is None or _np.dtype(dtype) == out.dtype:
        return out
    if copy is False:
        raise ValueError("Unable to avoid copy while creating an array as requested.")
    return out.astype(dtype)


def _out_array(out, refused="return arrays must be of ArrayType"):
    """`out` as an ndcore array: an ndcore array, or a NumPy array wrapped
    so that results land in its memory. Anything else is NumPy's
    TypeError (`refused`, its message for the calling function):
    converting it would write the result into a copy nobody sees."""
    if type(out) is ndarray:
        return out
    if isinstance(out, (ndarray, _np.ndarray)):
        return asarray(out)
    raise TypeError(refused)


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
    out = ndarray._from_handle(_c.nd_array_from_data(src.ctypes.data, d.h, n, dims, strides))
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
    arr = (ctypes.c_void_p * _builtins.max(len(handles), 1))(*[h.h for h in handles])
    out = _DType(_c.nd_result_type(len(handles), arr))
    return _numpy_dtype(out.h)


def can_cast(from_, to, casting="safe"):
    """numpy.can_cast for dtypes and arrays."""
    if casting not in _lib.CASTINGS:
        raise ValueError("casting must be one of 'no', 'equiv', 'safe', 'same_kind', or 'unsafe'")
    f, t = _nd_dtype(_dtype_arg(from_)), _nd_dtype(_dtype_arg(to))
    ok = _c.nd_can_cast(f.h, t.h, _lib.CASTINGS[casting])
    return bool(ok)


# ------------------------------------------------- shape manipulation

def reshape(a, shape, order="C", *, copy=None):
    """numpy.reshape."""
    return asarray(a).reshape(shape, order=order, copy=copy)


def transpose(a, axes=None):
    """numpy.transpose."""
    a = asarray(a)
    return a.T if axes is None else a.transpose(tuple(axes))


permute_dims = transpose


def swapaxes(a, axis1, axis2):
    """numpy.swapaxes."""
    return asarray(a).swapaxes(axis1, axis2)


def moveaxis(a, source, destination):
    """numpy.moveaxis."""
    a = asarray(a)
    src, n = i64_array(_axes_tuple(source), _lib.too_big_axis)
    dst, m = i64_array(_axes_tuple(destination), _lib.too_big_axis)
    if n != m:
        raise ValueError("`source` and `destination` arguments must have the same number of elements")
    return a._view(_c.nd_moveaxis(a._h, n, src, dst))


def squeeze(a, axis=None):
    """numpy.squeeze."""
    return asarray(a).squeeze(axis)


def expand_dims(a, axis):
    """numpy.expand_dims."""
    a = asarray(a)
    arr, n = i64_array(_axes_tuple(axis), _lib.too_big_axis)
    return a._view(_c.nd_expand_dims(a._h, n, arr))


def ravel(a, order="C"):
    """numpy.ravel."""
    return asarray(a).ravel(order)


def diagonal(a, offset=0, axis1=0, axis2=1):
    """numpy.diagonal (a read-only view)."""
    return asarray(a).diagonal(offset, axis1, axis2)


def broadcast_to(array, shape):
    """numpy.broadcast_to: a read-only view."""
    a = asarray(array)
    if isinstance(shape, (int, _np.integer)):
        shape = (shape,)
    arr, n = i64_array(int(_operator_index(d)) for d in shape)
    return a._view(_c.nd_broadcast_to(a._h, n, arr))


def broadcast_arrays(*args):
    """numpy.broadcast_arrays (broadcast results are read-only)."""
    arrays = [asarray(a) for a in args]
    n = len(arrays)
    ins = (ctypes.c_void_p * _builtins.max(n, 1))(*[a._h for a in arrays])
    outs = (ctypes.c_void_p * _builtins.max(n, 1))()
    check_status(_c.nd_broadcast_arrays(n, ins, outs))
    return tuple(a._view(outs[i]) for i, a in enumerate(arrays))


def _view_or_new(a, h):
    """An ndarray for handle `h` made from `a`: a view of `a` (base set) if
    it shares `a`'s memory, else a new array."""
    h = check_handle(h)
    if a.size and not _c.nd_may_share_memory(h, a._h):
        return ndarray._from_handle(h)
    return a._view(h)


def ascontiguousarray(a, dtype=None):
    """numpy.ascontiguousarray."""
    a = asarray(a, dtype=dtype)
    return _view_or_new(a, _c.nd_ascontiguousarray(a._h))


def asfortranarray(a, dtype=None):
    """numpy.asfortranarray."""
    a = asarray(a, dtype=dtype)
    return _view_or_new(a, _c.nd_asfortranarray(a._h))


def may_share_memory(a, b):
    """numpy.may_share_memory (bounds check) for ndcore arrays."""
    a, b = asarray(a), asarray(b)
    return bool(_c.nd_may_share_memory(a._h, b._h))


def copy(a, order="K"):
    """numpy.copy."""
    return asarray(a).copy(order)


from . import lib  # noqa: E402  (nd.lib.stride_tricks, as in NumPy)


# ------------------------------------------------- ufuncs

# Weak scalar operands by value: making one costs a library call, a handle
# and its release, several times the whole call on small arrays. They are
# read-only inputs no caller ever sees, so one can serve every call. The
# key keeps the type (1, 1.0, True are equal in Python) and the sign of
# zeros; a NaN is found only as the same object. Bounded: cleared when full.
_WEAK = {}
_WEAK_MAX = 1024


def _ufunc_operand(x):
    """Arrays as arrays; Python scalars as NEP 50 weak scalars (NumPy
    scalars such as numpy.float32(1) are strong, as in NumPy 2)."""
    if type(x) is ndarray:
        return x
    t = type(x)
    if t is float:
        key = (t, x, _math.copysign(1.0, x))
    elif t is int or t is bool:
        key = (t, x)
    elif t is complex:
        key = (t, x, _math.copysign(1.0, x.real), _math.copysign(1.0, x.imag))
    else:
        return _new_operand(x)
    a = _WEAK.get(key)
    if a is None:
        a = _new_operand(x)
        if len(_WEAK) >= _WEAK_MAX:
            _WEAK.clear()
        _WEAK[key] = a
    return a


def _is_huge_int(x):
    return type(x) is int and not -(2**63) <= x < 2**64


def _is_floating(x):
    return getattr(getattr(x, "dtype", None), "kind", None) in ("f", "c")


def _huge_int_operands(x1, x2):
    """A Python int beyond 64 bits next to a float or complex array takes
    that array's type in NumPy (`float32_array + 2**70` is float32): pass
    it on as a weak float, which does the same. Next to anything else NumPy
    cannot convert it (`_new_operand` raises its OverflowError)."""
    if _is_huge_int(x1) and _is_floating(x2):
        x1 = float(x1)
    elif _is_huge_int(x2) and _is_floating(x1):
        x2 = float(x2)
    return x1, x2


def _binary_operands(x1, x2):
    """The two operands of a binary ufunc as arrays (Python scalars weak).
    Spelled out for the common cases: on a small array the Python work
    around the C call is most of an operation's time."""
    t1, t2 = type(x1), type(x2)
    if t1 is ndarray and t2 is ndarray:
        return x1, x2
    if (t1 is int and not -(2**63) <= x1 < 2**64) or (t2 is int and not -(2**63) <= x2 < 2**64):
        x1, x2 = _huge_int_operands(x1, x2)
    return (x1 if type(x1) is ndarray else _ufunc_operand(x1),
            x2 if type(x2) is ndarray else _ufunc_operand(x2))


def _new_operand(x):
    if isinstance(x, _np.generic):
        # numpy.float64 and numpy.complex128 subclass float and complex,
        # but NumPy scalars are strongly typed (NEP 50).
        return asarray(x)
    if isinstance(x, bool):
        return ndarray._from_handle(_c.nd_scalar_bool(x))
    if isinstance(x, int):
        if _fits_int64(x):
            return ndarray._from_handle(_c.nd_scalar_int(x))
        if 0 <= x < 2**64:
            return ndarray._from_handle(_c.nd_scalar_uint(x))
        raise OverflowError("Python int too large to convert to C long")
    if isinstance(x, float):
        return ndarray._from_handle(_c.nd_scalar_float(x))
    if isinstance(x, complex):
        return ndarray._from_handle(_c.nd_scalar_complex(x.real, x.imag))
    return asarray(x)


# Temporary elision, as NumPy's: in `x**2 - 3*x + 4` the arrays `x**2`
# and `x**2 - 3*x` are temporaries nobody else can see, so the subtraction
# and the addition write into them instead of allocating (less memory
# traffic). An operand is reused only when all of these hold:
# - the Python interpreter evaluating an operator holds the only reference
#   to it: its reference count is that of a temporary (measured at import
#   on a probe object, so a Python whose counts differ turns elision off),
#   and the calling frame is executing a binary operator, not a call (a C
#   function holding the only reference, e.g. `operator.sub(t, y)`, may
#   still use `t` afterwards, so it never qualifies);
# - it is large (NumPy's threshold: 256 KiB; below, the checks cost more
#   than the allocation they save);
# - the library says it may (`nd_ufunc_can_reuse_input`): ndcore allocated
#   its memory (never a wrapped NumPy array or other foreign buffer), no
#   other handle, view or export shares it, and the result has exactly its
#   dtype and shape (no cast, no broadcast to a larger shape).
_ELIDE_MIN_BYTES = 256 * 1024
_BINARY_OP = _dis.opmap.get("BINARY_OP", -1)
_ELIDED = [0]  # how many results reused a temporary (tests read it)
_ADD, _SUBTRACT, _MULTIPLY, _DIVIDE = b"add", b"subtract", b"multiply", b"divide"


def _refs_seen(x1, x2, name):
    return _sys.getrefcount(x1)


def _first(a, b, out):
    return out


class _Probe:
    # The same shape as the operator methods below: the operand's
    # references include the pending call's argument on the method's stack.
    def __sub__(self, other):
        return _first(self, other, out=_refs_seen(self, other, _SUBTRACT))


def _probe_refs():
    """(references a temporary operand has inside `_temporary`, those of a
    named one), measured on a probe whose calls have the same shape."""
    named = _Probe()
    return _Probe() - 0, named - 0


_TEMP_REFS, _NAMED_REFS = _probe_refs()
_ELIDE = (_sys.implementation.name == "cpython" and (3, 11) <= _sys.version_info[:2] <= (3, 13)
          and _BINARY_OP >= 0 and _TEMP_REFS < _NAMED_REFS)
_SCALARS = (int, float, complex, bool)


def _temporary(x1, x2, name):
    """The operand of the binary ufunc call `name(x1, x2)`, made by an
    operator method, that is a temporary the result may be written into
    (see above), or None."""
    if not _ELIDE:
        return None
    if type(x1) is ndarray and _sys.getrefcount(x1) == _TEMP_REFS:
        k = 0
    elif type(x2) is ndarray and _sys.getrefcount(x2) == _TEMP_REFS:
        k = 1
    else:
        return None
    f = _sys._getframe(2)
    if f.f_code.co_code[f.f_lasti] != _BINARY_OP:
        return None
    cand = x2 if k else x1
    if _c.nd_array_nbytes(cand._h) < _ELIDE_MIN_BYTES:
        return None
    if not (type(x1) is ndarray or type(x1) in _SCALARS) or not (type(x2) is ndarray or type(x2) in _SCALARS):
        return None
    try:
        a, b = _binary_operands(x1, x2)
        ops = (_lib.nd_array_p * 2)(a._h, b._h)
    except (OverflowError, TypeError, ValueError):
        return None  # the call itself reports it
    if _c.nd_ufunc_can_reuse_input(name, 2, ops, k) != 1:
        return None
    _ELIDED[0] += 1
    return cand


class _NoOut:
    """`out` not given at all (NumPy warns about where= without out)."""


_NO_OUT = _NoOut()


def _masked_call(name, operands, out, where):
    """Any ufunc with NumPy's where= mask, through nd_ufunc_call."""
    if out is _NO_OUT:
        _warnings.warn("'where' used without 'out', expect unitialized memory in output. "
                       "If this is intentional, use out=None.", UserWarning, stacklevel=3)
        out = None
    if isinstance(out, tuple):
        out = _one_out(out)
    mask = where if isinstance(where, (ndarray, _np.ndarray)) else _np.asarray(where, dtype=bool)
    mask = asarray(mask)
    if len(operands) == 2:
        operands = _huge_int_operands(*operands)
    ops = [_ufunc_operand(x) for x in operands]
    arr = (_lib.nd_array_p * len(ops))(*[o._h for o in ops])
    o = None if out is None else _out_array(out)
    h = _c.nd_ufunc_call(name.encode(), len(ops), arr, None if o is None else o._h, mask._h)
    if o is None:
        return ndarray._from_handle(h)
    _c.nd_array_free(check_handle(h))
    return out


def _binary(cfn):
    name = cfn.__name__[3:]

    def ufunc(x1, x2, /, out=_NO_OUT, *, where=True):
        try:
            if where is not True:
                return _masked_call(ufunc.__name__, (x1, x2), out, where)
            a, b = _binary_operands(x1, x2)
        except OverflowError:
            same = _beyond_64_bits(name, x1, x2)
            if same is None:
                raise
        else:
            same = None
        if same is not None:
            return same[0](same[1], same[2], out, where=where)
        if out is None or out is _NO_OUT:
            return ndarray._from_handle(cfn(a._h, b._h, None))
        if isinstance(out, tuple):
            out = _one_out(out)
        o = _out_array(out)
        _c.nd_array_free(check_handle(cfn(a._h, b._h, o._h)))
        return out
    ufunc.__name__ = name
    return ufunc


add = _binary(_c.nd_add)
subtract = _binary(_c.nd_subtract)
multiply = _binary(_c.nd_multiply)
divide = true_divide = _binary(_c.nd_divide)
def _unary(cfn, name):
    def ufunc(x, /, out=_NO_OUT, *, where=True):
        if where is not True:
            return _masked_call(name, (x,), out, where)
        a = _ufunc_operand(x)
        if out is None or out is _NO_OUT:
            return ndarray._from_handle(cfn(a._h, None))
        if isinstance(out, tuple):
            out = _one_out(out)
        o = _out_array(out)
        _c.nd_array_free(check_handle(cfn(a._h, o._h)))
        return out
    ufunc.__name__ = name
    ufunc.__doc__ = f"numpy.{name} for arrays (out=, where=)."
    return ufunc


negative = _unary(_c.nd_negative, "negative")
positive = _unary(_c.nd_positive, "positive")
absolute = _unary(_c.nd_absolute, "absolute")
square = _unary(_c.nd_square, "square")
sqrt = _unary(_c.nd_sqrt, "sqrt")
floor = _unary(_c.nd_floor, "floor")
ceil = _unary(_c.nd_ceil, "ceil")
trunc = _unary(_c.nd_trunc, "trunc")
rint = _unary(_c.nd_rint, "rint")
conjugate = _unary(_c.nd_conjugate, "conjugate")
isnan = _unary(_c.nd_isnan, "isnan")
isinf = _unary(_c.nd_isinf, "isinf")
isfinite = _unary(_c.nd_isfinite, "isfinite")
signbit = _unary(_c.nd_signbit, "signbit")
abs = absolute
conj = conjugate
exp = _unary(_c.nd_exp, "exp")
exp2 = _unary(_c.nd_exp2, "exp2")
expm1 = _unary(_c.nd_expm1, "expm1")
log = _unary(_c.nd_log, "log")
log2 = _unary(_c.nd_log2, "log2")
log10 = _unary(_c.nd_log10, "log10")
log1p = _unary(_c.nd_log1p, "log1p")
sin = _unary(_c.nd_sin, "sin")
cos = _unary(_c.nd_cos, "cos")
tan = _unary(_c.nd_tan, "tan")
arcsin = _unary(_c.nd_arcsin, "arcsin")
arccos = _unary(_c.nd_arccos, "arccos")
arctan = _unary(_c.nd_arctan, "arctan")
sinh = _unary(_c.nd_sinh, "sinh")
cosh = _unary(_c.nd_cosh, "cosh")
tanh = _unary(_c.nd_tanh, "tanh")
arcsinh = _unary(_c.nd_arcsinh, "arcsinh")
arccosh = _unary(_c.nd_arccosh, "arccosh")
arctanh = _unary(_c.nd_arctanh, "arctanh")
cbrt = _unary(_c.nd_cbrt, "cbrt")
deg2rad = _unary(_c.nd_deg2rad, "deg2rad")
rad2deg = _unary(_c.nd_rad2deg, "rad2deg")
reciprocal = _unary(_c.nd_reciprocal, "reciprocal")
sign = _unary(_c.nd_sign, "sign")
logical_not = _unary(_c.nd_logical_not, "logical_not")
invert = bitwise_not = _unary(_c.nd_invert, "invert")

logical_and = _binary(_c.nd_logical_and)
logical_or = _binary(_c.nd_logical_or)
logical_xor = _binary(_c.nd_logical_xor)
bitwise_and = _binary(_c.nd_bitwise_and)
bitwise_or = _binary(_c.nd_bitwise_or)
bitwise_xor = _binary(_c.nd_bitwise_xor)
left_shift = _binary(_c.nd_left_shift)
right_shift = _binary(_c.nd_right_shift)
floor_divide = _binary(_c.nd_floor_divide)
remainder = _binary(_c.nd_remainder)
fmod = _binary(_c.nd_fmod)
arctan2 = _binary(_c.nd_arctan2)
hypot = _binary(_c.nd_hypot)
copysign = _binary(_c.nd_copysign)
nextafter = _binary(_c.nd_nextafter)
float_power = _binary(_c.nd_float_power)
power = _binary(_c.nd_power)
power.__name__ = "power"
mod = remainder

equal = _binary(_c.nd_equal)
not_equal = _binary(_c.nd_not_equal)
less = _binary(_c.nd_less)
less_equal = _binary(_c.nd_less_equal)
greater = _binary(_c.nd_greater)
greater_equal = _binary(_c.nd_greater_equal)
maximum = _binary(_c.nd_maximum)
minimum = _binary(_c.nd_minimum)
fmax = _binary(_c.nd_fmax)
fmin = _binary(_c.nd_fmin)
for _name, _f in [("add", add), ("subtract", subtract), ("multiply", multiply), ("divide", divide),
                  ("equal", equal), ("not_equal", not_equal), ("less", less),
                  ("less_equal", less_equal), ("greater", greater), ("greater_equal", greater_equal),
                  ("maximum", maximum), ("minimum", minimum), ("fmax", fmax), ("fmin", fmin)] + [
                  (n, globals()[n]) for n in ("arctan2", "hypot", "copysign", "nextafter", "float_power", "logical_and", "logical_or", "logical_xor", "bitwise_and", "bitwise_or", "bitwise_xor", "left_shift", "right_shift", "floor_divide", "remainder", "fmod")]:
    _f.__name__ = _name
    _f.__doc__ = f"numpy.{_name} for arrays (broadcasting, out=, where=)."


# A comparison with a Python int beyond 64 bits (NumPy 2 compares them):
# `x op h` for `h` above every value of x's integer type is true for
# less, less_equal and not_equal; below every value, for greater,
# greater_equal and not_equal. The same holds for x's type's largest value
# in place of h: `x <= max` for always, `x > max` for never.
_COMPARISONS = {"equal": (equal, "equal"), "not_equal": (not_equal, "not_equal"),
                "less": (less, "greater"), "less_equal": (less_equal, "greater_equal"),
                "greater": (greater, "less"), "greater_equal": (greater_equal, "less_equal")}


def _beyond_64_bits(name, x1, x2):
    """`(f, y1, y2)` with `f(y1, y2)` the comparison `name(x1, x2)` where an
    operand is a Python int beyond 64 bits, as NumPy 2 computes it: next to
    an integer array (or a Python int) every element compares the same
    way. None where NumPy refuses the int too (next to a bool, or in an
    operation other than a comparison)."""
    if name not in _COMPARISONS:
        return None
    if type(x1) is int and type(x2) is int:
        # Two Python ints compare as Python compares them.
        return _COMPARISONS[name][0], (x1 > x2) - (x1 < x2), 0
    if _is_huge_int(x1):
        name, x1, x2 = _COMPARISONS[name][1], x2, x1
    if not _is_huge_int(x2) or type(x1) is bool:
        return None
    a = _ufunc_operand(x1)
    if a.dtype.kind not in "iu":
        return None
    if name == "equal" or name == "not_equal":
        always = name == "not_equal"
    else:
        always = (name in ("less", "less_equal")) == (x2 > 0)
    top = int(_np.iinfo(a.dtype).max)
    return (less_equal, a, top) if always else (greater, a, top)


class _NoValueType:
    """An argument not given (None may be a value)."""

    def __repr__(self):
        return "<no value>"


_NoValue = _NoValueType()


def where(condition, x=_NoValue, y=_NoValue, /):
    """numpy.where(condition, x, y): x where condition is true, else y
    (the one-argument form, nonzero, is not provided yet)."""
    if (x is _NoValue) != (y is _NoValue):
        raise ValueError("either both or neither of x and y should be given")
    if x is _NoValue:
        raise NotImplementedError("where(condition) (numpy.nonzero) is not provided yet; "
                                  "give x and y")
    c, a, b = asarray(condition), _ufunc_operand(x), _ufunc_operand(y)
    return ndarray._from_handle(_c.nd_where(c._h, a._h, b._h))


def clip(a, a_min=None, a_max=None, out=None):
    """numpy.clip: a limited to [a_min, a_max]; None for no bound."""
    x = asarray(a)
    if x.dtype.kind in "iu":
        # NumPy 2's _clip: a Python int at or past the dtype's range is no
        # bound (also done in C; here too for ints C's int64 cannot hold).
        info = _np.iinfo(x.dtype)
        if type(a_min) is int and a_min <= info.min:
            a_min = None
        if type(a_max) is int and a_max >= info.max:
            a_max = None
    lo = None if a_min is None else _ufunc_operand(a_min)
    hi = None if a_max is None else _ufunc_operand(a_max)
    out = _out_arg(out) if out is not None else None
    o = None if out is None else _out_array(out)
    h = _c.nd_clip(x._h, None if lo is None else lo._h, None if hi is None else hi._h,
                   None if o is None else o._h)
    if o is None:
        return ndarray._from_handle(h)
    _c.nd_array_free(check_handle(h))
    return out


def divmod(x1, x2, /, out=(None, None)):
    """numpy.divmod: (floor_divide(x1, x2), remainder(x1, x2))."""
    if not isinstance(out, tuple):
        raise TypeError("'out' must be a tuple of arrays")
    if len(out) != 2:
        raise ValueError("The 'out' tuple must have exactly one entry per ufunc output")
    a, b = _ufunc_operand(x1), _ufunc_operand(x2)
    oq, orr = out
    q, r = _lib.nd_array_p(), _lib.nd_array_p()
    hq = None if oq is None else _out_array(oq)
    hr = None if orr is None else _out_array(orr)
    check_status(_c.nd_divmod(a._h, b._h, None if hq is None else hq._h,
                              None if hr is None else hr._h, ctypes.byref(q), ctypes.byref(r)))
    qa, ra = ndarray._from_handle(q.value), ndarray._from_handle(r.value)
    return (qa if oq is None else oq, ra if orr is None else orr)


# ------------------------------------------------- reductions

def _scalar_result(r, _ndim=_c.nd_array_ndim):
    """NumPy returns a scalar for a 0-d result (when no `out` was given).
    The dimension count alone (one call, no description struct) decides."""
    return r if _ndim(r._h) else r._item()


def _one_out(out):
    """A ufunc's `out` given as a tuple: its one entry (NumPy's error for
    another count)."""
    if len(out) != 1:
        raise ValueError("The 'out' tuple must have exactly one entry per ufunc output")
    return out[0]


def _out_arg(out):
    """A reduction's `out`: a 1-tuple is its entry; any other tuple is left
    for `_out_array` to refuse, as NumPy does."""
    if isinstance(out, tuple) and len(out) == 1:
        return out[0]
    return out


def _reduce(cfn, a, axis, dtype, out, keepdims, initial=_NoValue, where=True):
    a = asarray(a)
    args = _lib.nd_reduce_args()
    keep = [a]
    if axis is not None:
        axes = axis if isinstance(axis, tuple) else (axis,)
        arr, n = i64_array(map(_operator_index, axes), _lib.too_big_axis)
        keep.append(arr)
        args.axes = ctypes.addressof(arr)
        args.naxes = n
    args.keepdims = bool(keepdims)
    if dtype is not None:
        d = _nd_dtype(dtype)
        keep.append(d)
        args.dtype = d.h
    if initial is not _NoValue and initial is not None:
        i = _ufunc_operand(initial)
        keep.append(i)
        args.initial = i._h
    if where is not True:
        w = asarray(where)
        keep.append(w)
        args.where_mask = w._h
    out = _out_arg(out)
    if out is not None:
        o = _out_array(out)
        keep.append(o)
        args.out = o._h
        _c.nd_array_free(check_handle(cfn(a._h, ctypes.byref(args))))
        return out
    return _scalar_result(ndarray._from_handle(cfn(a._h, ctypes.byref(args))))


def sum(a, axis=None, dtype=None, out=None, keepdims=False, initial=_NoValue, where=True):
    """numpy.sum (pairwise float summation as NumPy's)."""
    return _reduce(_c.nd_sum, a, axis, dtype, out, keepdims, initial, where)


def prod(a, axis=None, dtype=None, out=None, keepdims=False, initial=_NoValue, where=True):
    """numpy.prod."""
    return _reduce(_c.nd_prod, a, axis, dtype, out, keepdims, initial, where)


def max(a, axis=None, out=None, keepdims=False, initial=_NoValue, where=True):
    """numpy.max (NaN propagates)."""
    return _reduce(_c.nd_max, a, axis, None, out, keepdims, initial, where)


def min(a, axis=None, out=None, keepdims=False, initial=_NoValue, where=True):
    """numpy.min (NaN propagates)."""
    return _reduce(_c.nd_min, a, axis, None, out, keepdims, initial, where)


amax, amin = max, min


def mean(a, axis=None, dtype=None, out=None, keepdims=False, *, where=True):
    """numpy.mean (float64 for integers; float16 through float32)."""
    return _reduce(_c.nd_mean, a, axis, dtype, out, keepdims, where=where)


def any(a, axis=None, out=None, keepdims=False, *, where=True):
    """numpy.any."""
    return _reduce(_c.nd_any, a, axis, None, out, keepdims, where=where)


def all(a, axis=None, out=None, keepdims=False, *, where=True):
    """numpy.all."""
    return _reduce(_c.nd_all, a, axis, None, out, keepdims, where=where)


def _axis_arg(axis):
    return _lib.ND_NONE if axis is None else _operator_index(axis)


def _arg(cfn, a, axis, out, keepdims):
    a = asarray(a)
    out = _out_arg(out)
    if out is not None:
        o = _out_array(out, "output must be an array")
        _c.nd_array_free(check_handle(cfn(a._h, _axis_arg(axis), bool(keepdims), o._h)))
        return out
    return _scalar_result(ndarray._from_handle(cfn(a._h, _axis_arg(axis), bool(keepdims), None)))


def argmax(a, axis=None, out=None, *, keepdims=False):
    """numpy.argmax (int64 indices)."""
    return _arg(_c.nd_argmax, a, axis, out, keepdims)


def argmin(a, axis=None, out=None, *, keepdims=False):
    """numpy.argmin (int64 indices)."""
    return _arg(_c.nd_argmin, a, axis, out, keepdims)


def _accumulate(cfn, a, axis, dtype, out):
    a = asarray(a)
    d = _nd_dtype(dtype) if dtype is not None else None
    dh = d.h if d is not None else None
    out = _out_arg(out)
    if out is not None:
        o = _out_array(out, "output must be an array")
        _c.nd_array_free(check_handle(cfn(a._h, _axis_arg(axis), dh, o._h)))
        return out
    return ndarray._from_handle(cfn(a._h, _axis_arg(axis), dh, None))


def cumsum(a, axis=None, dtype=None, out=None):
    """numpy.cumsum."""
    return _accumulate(_c.nd_cumsum, a, axis, dtype, out)


def cumprod(a, axis=None, dtype=None, out=None):
    """numpy.cumprod."""
    return _accumulate(_c.nd_cumprod, a, axis, dtype, out)


# The functions take the array first, so they serve as methods unchanged.
for _f in (sum, prod, max, min, mean, any, all, argmax, argmin, cumsum, cumprod):
    setattr(ndarray, _f.__name__, _f)

__all__ += ["sum", "prod", "max", "min", "amax", "amin", "mean", "any", "all", "argmax",
            "argmin", "cumsum", "cumprod"]


# ------------------------------------------------- files

from . import _io  # noqa: E402

memmap = _io.memmap = _io._make_memmap_class(ndarray)
save, load, fromfile, frombuffer = _io.save, _io.load, _io.fromfile, _io.frombuffer
savez, savez_compressed = _io.savez, _io.savez_compressed
ndarray.tofile = _io.tofile
ndarray.flush = _io.flush
ndarray.byteswap = _io.byteswap
__all__ += ["memmap", "save", "load", "savez", "savez_compressed", "fromfile", "frombuffer"]


# ------------------------------------------------- matrix products

def _with_out(cfn, a, b, out, refused="return arrays must be of ArrayType"):
    """Call a product taking `out`: the new array, or `out` after writing
    (`refused`: NumPy's message for an `out` that is not an array)."""
    if out is None:
        return ndarray._from_handle(cfn(a._h, b._h, None))
    o = _out_array(out, refused)
    _c.nd_array_free(check_handle(cfn(a._h, b._h, o._h)))
    return out


def matmul(x1, x2, /, out=None, _matmul=_c.nd_matmul):
    """numpy.matmul (the @ operator): batched matrix products."""
    if out is None and isinstance(x1, ndarray) and isinstance(x2, ndarray):
        # Two ndcore arrays and no `out`, the common case, in as few Python
        # steps as possible: small products are dominated by them (a 10x10
        # matrix times a vector: 2.9 us a call through the general path
        # below, 2.1 through this one, NumPy's 1.2).
        return _scalar_result(ndarray._from_handle(_matmul(x1._h, x2._h, None)))
    r = _with_out(_matmul, asarray(x1), asarray(x2), out)
    return _scalar_result(r) if out is None else r


def dot(a, b, out=None):
    """numpy.dot."""
    x, y = _binary_operands(a, b)
    r = _with_out(_c.nd_dot, x, y, out, "'out' must be an array")
    return _scalar_result(r) if out is None else r


def vdot(a, b, /):
    """numpy.vdot: the flattened dot product, the first argument conjugated."""
    x, y = asarray(a), asarray(b)  # alive through the call
    return _scalar_result(ndarray._from_handle(_c.nd_vdot(x._h, y._h)))


def inner(a, b, /):
    """numpy.inner."""
    x, y = _binary_operands(a, b)
    return _scalar_result(ndarray._from_handle(_c.nd_inner(x._h, y._h)))


def outer(a, b, out=None):
    """numpy.outer."""
    return _with_out(_c.nd_outer, asarray(a), asarray(b), out)


def tensordot(a, b, axes=2):
    """numpy.tensordot: axes=N (a's last N with b's first N) or a pair of
    axis sequences."""
    x, y = asarray(a), asarray(b)
    try:
        axes_a, axes_b = axes
    except TypeError:
        n = int(axes)
        axes_a, axes_b = list(range(x.ndim - n, x.ndim)), list(range(n))
    axes_a = [axes_a] if isinstance(axes_a, int) else list(axes_a)
    axes_b = [axes_b] if isinstance(axes_b, int) else list(axes_b)
    if len(axes_a) != len(axes_b):
        raise ValueError("shape-mismatch for sum")
    xa, n = i64_array(axes_a, _index_size_overflow)
    xb, _ = i64_array(axes_b, _index_size_overflow)
    return ndarray._from_handle(_c.nd_tensordot(x._h, y._h, n, xa, xb))


def trace(a, offset=0, axis1=0, axis2=1, dtype=None, out=None):
    """numpy.trace."""
    x = asarray(a)
    d = _nd_dtype(dtype) if dtype is not None else None
    r = ndarray._from_handle(_c.nd_trace(x._h, offset, axis1, axis2, d.h if d is not None else None))
    if out is not None:
        o = _out_array(out, "output must be an array")
        if not o.flags.writeable:
            raise ValueError("output array is read-only")  # NumPy's words, not copyto's
        check_status(_c.nd_copyto(o._h, r._h, _lib.CASTINGS["same_kind"]))
        return out
    return _scalar_result(r)


ndarray.trace = lambda self, offset=0, axis1=0, axis2=1, dtype=None, out=None: trace(
    self, offset, axis1, axis2, dtype, out)
ndarray.__matmul__ = matmul  # (self, other): positional, as matmul's
ndarray.__rmatmul__ = lambda self, other: matmul(other, self)


def _imatmul(self, other):
    # NumPy: a @= b computes into a new array, then copies into a, and
    # refuses results of another shape.
    return matmul(self, other, out=self)


ndarray.__imatmul__ = _imatmul
ndarray.dot = lambda self, b, out=None: dot(self, b, out=out)
__all__ += ["matmul", "dot", "vdot", "inner", "outer", "tensordot", "trace"]


# ------------------------------------------------- DLPack

from . import _interop  # noqa: E402

ndarray.__dlpack__ = _interop.dlpack
ndarray.__dlpack_device__ = _interop.dlpack_device
from_dlpack = _interop.from_dlpack
__all__ += ["from_dlpack"]
