"""DLPack and zero-copy wrapping against NumPy itself: numpy.from_dlpack of
ndcore arrays and nd.from_dlpack of NumPy arrays share memory (writes seen
both ways, any dtype, strided and negative-stride views), the capsule
protocol (consumed once, deleted if never consumed, legacy capsules
read-only), NumPy's errors for what DLPack cannot carry, and nd.asarray of
buffer-protocol, __array_interface__ and __dlpack__-only objects."""

import gc

import numpy as np
import pytest
from conftest import builtin_dtypes, record_dtypes, shapes
from hypothesis import given
from hypothesis import strategies as st

import ndcore as nd
from ndcore import _interop

native = builtin_dtypes(byteorders="=")


def values(dtype, shape, seed):
    rng = np.random.default_rng(seed)
    raw = rng.integers(0, 256, int(np.prod(shape)) * dtype.itemsize, dtype=np.uint8)
    a = raw.view(dtype).reshape(shape).copy()
    if dtype.kind == "b":
        a = np.asarray(raw[: a.size].reshape(shape) % 2 == 1)
    elif dtype.kind in "fc":
        a[np.isnan(a)] = 0
    return a


def strided(a, data):
    """A view of `a` with steps, maybe reversed, on every axis."""
    if a.ndim == 0:
        return a
    key = tuple(
        slice(None, None, data.draw(st.sampled_from([1, 2, -1, -2]))) for _ in range(a.ndim)
    )
    return a[key]


@given(native, shapes(3, 5), st.integers(0, 2**32), st.data())
def test_numpy_imports_ndcore_without_copying(dtype, shape, seed, data):
    src = values(dtype, shape, seed)
    ours = strided(nd.array(src), data)
    theirs = np.from_dlpack(ours)
    expect = np.asarray(ours)
    assert theirs.dtype == ours.dtype
    assert theirs.shape == ours.shape
    assert theirs.strides == ours.strides
    np.testing.assert_array_equal(theirs, expect)
    if theirs.size:
        assert theirs.__array_interface__["data"][0] == ours.data_ptr
        # A write through NumPy is seen by ndcore.
        theirs.flat[0] = theirs.flat[-1]
        assert np.asarray(ours).flat[0] == theirs.flat[-1]


@given(native, shapes(3, 5), st.integers(0, 2**32), st.data())
def test_ndcore_imports_numpy_without_copying(dtype, shape, seed, data):
    src = strided(values(dtype, shape, seed), data)
    ours = nd.from_dlpack(src)
    assert ours.dtype == src.dtype
    assert ours.shape == src.shape
    assert ours.strides == src.strides
    assert ours.flags.writeable
    np.testing.assert_array_equal(np.asarray(ours), src)
    if src.size:
        assert ours.data_ptr == src.__array_interface__["data"][0]
        ours[(0,) * src.ndim] = src[(-1,) * src.ndim]
        assert src[(0,) * src.ndim] == src[(-1,) * src.ndim]


def test_memory_outlives_the_exporter():
    a = nd.arange(10.0)
    b = np.from_dlpack(a)
    del a
    gc.collect()
    np.testing.assert_array_equal(b, np.arange(10.0))
    n = np.arange(4, dtype=np.int32)
    m = nd.from_dlpack(n)
    del n
    gc.collect()
    np.testing.assert_array_equal(np.asarray(m), np.arange(4))


def test_read_only_travels_both_ways():
    ro = np.arange(3.0)
    ro.flags.writeable = False
    ours = nd.from_dlpack(ro)
    assert not ours.flags.writeable
    with pytest.raises(ValueError):
        ours[0] = 1.0
    back = np.from_dlpack(ours)
    assert not back.flags.writeable
    # A legacy capsule cannot say read-only: NumPy refuses, so do we.
    with pytest.raises(BufferError, match="read-only"):
        ours.__dlpack__()


def test_capsules():
    a = nd.arange(6, dtype=np.int64).reshape(2, 3)
    assert a.__dlpack_device__() == (1, 0)
    assert "dltensor_versioned" in repr(a.__dlpack__(max_version=(1, 0)))
    for asked, minor in (((1, 0), 0), ((1, 1), 1), ((1, 7), 1), ((2, 0), 1)):
        cap = a.__dlpack__(max_version=asked)
        t = _interop._Versioned.from_address(_interop._get_pointer(cap, b"dltensor_versioned"))
        assert (t.version.major, t.version.minor) == (1, minor)
        assert (t.dl_tensor.ndim, t.dl_tensor.shape[1], t.dl_tensor.strides[0]) == (2, 3, 3)
    assert '"dltensor"' in repr(a.__dlpack__())
    # Capsules never consumed are deleted with their tensor (no leak, no crash).
    for _ in range(100):
        a.__dlpack__(max_version=(1, 1))
        a.__dlpack__()
    gc.collect()

    class Producer:
        """Hands out one capsule, as a misbehaving producer might twice."""

        def __init__(self, capsule):
            self.capsule = capsule

        def __dlpack__(self, **kwargs):
            return self.capsule

    p = Producer(a.__dlpack__(max_version=(1, 1)))
    b = nd.from_dlpack(p)
    assert b.data_ptr == a.data_ptr and b.flags.writeable
    with pytest.raises(ValueError, match="already consumed"):
        nd.from_dlpack(p)

    class Legacy:
        """An older producer: __dlpack__ without keywords, legacy capsules."""

        def __init__(self, arr):
            self.arr = arr

        def __dlpack__(self):
            return self.arr.__dlpack__()

    c = nd.from_dlpack(Legacy(a))
    assert not c.flags.writeable  # legacy imports are read-only, as in NumPy
    np.testing.assert_array_equal(np.asarray(c), np.arange(6).reshape(2, 3))
    with pytest.raises(TypeError, match="no __dlpack__"):
        nd.from_dlpack([1, 2])


def test_copy_requests():
    a = nd.arange(4.0)
    b = nd.from_dlpack(a, copy=True)
    b[0] = 9.0
    assert np.asarray(a)[0] == 0.0
    c = np.from_dlpack(a, copy=True)
    c[1] = 9.0
    assert np.asarray(a)[1] == 1.0
    d = np.from_dlpack(a, copy=False)
    d[2] = 9.0
    assert np.asarray(a)[2] == 9.0


def test_what_dlpack_cannot_carry():
    rec = nd.zeros(3, dtype=[("t", "<u8"), ("x", "<f8"), ("k", "<i4")])
    with pytest.raises(BufferError, match="structured"):
        np.from_dlpack(rec)
    with pytest.raises(BufferError, match="not a multiple of the itemsize"):
        np.from_dlpack(rec["x"])
    np.testing.assert_array_equal(np.from_dlpack(rec["x"], copy=True), np.zeros(3))
    assert np.from_dlpack(rec["k"]).strides == (20,)
    with pytest.raises(BufferError, match="byte order"):
        np.from_dlpack(nd.zeros(3, dtype=">f8"))
    a = nd.arange(3.0)
    with pytest.raises(RuntimeError, match="stream=None"):
        a.__dlpack__(stream=1)
    with pytest.raises(BufferError, match="device"):
        a.__dlpack__(dl_device=(2, 0))
    with pytest.raises(ValueError, match="device"):
        nd.from_dlpack(np.arange(3), device="cuda")
    # NumPy's own refusals agree: it cannot export what we cannot import.
    with pytest.raises(BufferError):
        np.arange(3.0).astype(">f8").__dlpack__()


def test_asarray_wraps_without_copying():
    buf = bytearray(b"abcde")
    a = nd.asarray(buf)
    assert a.dtype == np.uint8 and a.flags.writeable
    a += 2
    assert bytes(buf) == b"cdefg"  # the paper's array-interface example
    ro = nd.asarray(memoryview(b"abc"))
    assert not ro.flags.writeable
    mv = memoryview(bytearray(16)).cast("d")
    m = nd.asarray(mv)
    m[1] = 2.5
    assert mv[1] == 2.5

    backing = np.arange(6.0)

    class Interface:
        __array_interface__ = backing.__array_interface__

    i = nd.asarray(Interface())
    i[0] = -1.0
    assert backing[0] == -1.0

    class OnlyDLPack:
        def __init__(self, arr):
            self.arr = arr

        def __dlpack__(self, **kwargs):
            return self.arr.__dlpack__(**kwargs)

        def __dlpack_device__(self):
            return self.arr.__dlpack_device__()

    d = nd.asarray(OnlyDLPack(backing))
    d[1] = -2.0
    assert backing[1] == -2.0
    assert nd.asarray(OnlyDLPack(backing), dtype=np.float32).dtype == np.float32
    with pytest.raises(ValueError, match="avoid copy"):
        nd.asarray(OnlyDLPack(backing), dtype=np.float32, copy=False)
    c = nd.asarray(backing, copy=True)
    c[2] = 7.0
    assert backing[2] == 2.0


@given(record_dtypes(), st.integers(0, 4))
def test_numpy_views_records_with_their_dtype(dtype, n):
    """np.asarray keeps the record dtype, padding included (NumPy's own
    array-interface descr would name padding as fields f1, ...)."""
    ours = nd.zeros(n, dtype=dtype)
    theirs = np.asarray(ours)
    assert theirs.dtype == dtype
    assert theirs.shape == (n,)
    if n:
        assert theirs.__array_interface__["data"][0] == ours.data_ptr


def test_padded_record_memory_is_shared_and_kept_alive():
    dt = np.dtype({"names": ["a", "b"], "formats": ["<i4", "<f8"], "offsets": [0, 8], "itemsize": 16})
    x = nd.zeros(3, dtype=dt)
    y = np.asarray(x)
    assert y.dtype == dt
    y["b"][1] = 2.5
    assert np.asarray(x["b"])[1] == 2.5
    del x
    gc.collect()
    assert y["b"][1] == 2.5
    assert np.array(nd.arange(3), dtype=float).dtype == np.float64
