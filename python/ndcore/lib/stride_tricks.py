"""numpy.lib.stride_tricks counterparts."""

from .. import _lib
from .. import asarray, ndarray
from .._lib import check_handle, i64_array

__all__ = ["as_strided", "broadcast_to", "broadcast_arrays"]

from .. import broadcast_arrays, broadcast_to  # noqa: E402


def as_strided(x, shape=None, strides=None, subok=False, writeable=True, *, check_bounds=True):
    """numpy.lib.stride_tricks.as_strided over the same memory. Unlike
    NumPy, a view reaching outside `x`'s buffer is refused unless
    `check_bounds=False` (then the caller vouches for that memory)."""
    x = asarray(x)
    shape = x.shape if shape is None else tuple(shape)
    strides = x.strides if strides is None else tuple(strides)
    if len(shape) != len(strides):
        raise ValueError("shape and strides must have the same length")
    sh, n = i64_array(int(d) for d in shape)
    st, _ = i64_array(int(s) for s in strides)
    fn = _lib.lib.nd_as_strided if check_bounds else _lib.lib.nd_as_strided_unchecked
    v = x._view(check_handle(fn(x._h, n, sh, st)))
    if not writeable:
        v = x._view(_lib.lib.nd_array_view_readonly(v._h))
    return v


del ndarray
