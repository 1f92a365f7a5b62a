"""Creation functions, attributes, flags and memory sharing: ndcore against
NumPy."""

import gc
import sys

import numpy as np
import pytest
from conftest import BUILTIN, builtin_dtypes, record_dtypes, shapes
from hypothesis import assume, given
from hypothesis import strategies as st

import ndcore as nd


def same_array(ours, theirs):
    """Shape, strides, dtype, flags and every byte equal."""
    assert isinstance(ours, nd.ndarray)
    assert ours.shape == theirs.shape
    assert ours.strides == theirs.strides
    assert ours.dtype == theirs.dtype
    assert ours.ndim == theirs.ndim and ours.size == theirs.size
    assert ours.itemsize == theirs.itemsize and ours.nbytes == theirs.nbytes
    for flag in ("c_contiguous", "f_contiguous", "writeable", "aligned"):
        assert getattr(ours.flags, flag) == getattr(theirs.flags, flag), flag
    view = np.asarray(ours)
    assert view.dtype == theirs.dtype
    # Bytes, not values: NaNs and signed zeros must match too.
    assert np.ascontiguousarray(view).tobytes() == np.ascontiguousarray(theirs).tobytes()


@given(shapes(), builtin_dtypes(), st.sampled_from("CF"))
def test_zeros_ones_empty(shape, dt, order):
    same_array(nd.zeros(shape, dt, order), np.zeros(shape, dt, order))
    same_array(nd.ones(shape, dt, order), np.ones(shape, dt, order))
    e, n = nd.empty(shape, dt, order), np.empty(shape, dt, order)
    assert (e.shape, e.strides, e.dtype) == (n.shape, n.strides, n.dtype)
    assert e.flags.owndata


@given(shapes(max_dims=2), record_dtypes())
def test_record_zeros_and_ones(shape, dt):
    z, o = nd.zeros(shape, dt), nd.ones(shape, dt)
    assert z.shape == np.zeros(shape, dt).shape
    assert z.dtype == dt and o.dtype == dt
    # __array_interface__ describes padding as unnamed void entries, which
    # NumPy reads back as fields 'f1', ... (NumPy's own limitation): view the
    # shared memory with the exact dtype ndcore reports.
    z, o = np.asarray(z).view(z.dtype), np.asarray(o).view(o.dtype)
    assert z.tobytes() == np.zeros(shape, dt).tobytes()
    # Field values, not bytes: NumPy leaves padding between aligned fields
    # uninitialised in some layouts; ndcore zeroes it.
    np.testing.assert_array_equal(o, np.ones(shape, dt))


@given(shapes(max_dims=3), builtin_dtypes(), st.one_of(
    st.integers(-128, 127), st.floats(-100, 100), st.booleans(), st.complex_numbers(max_magnitude=100)))
def test_full(shape, dt, value):
    try:
        with np.errstate(all="ignore"), __import__("warnings").catch_warnings():
            __import__("warnings").simplefilter("ignore")
            expected = np.full(shape, value, dtype=dt)
    except (TypeError, OverflowError, ValueError) as e:
        with pytest.raises(type(e)):
            nd.full(shape, value, dtype=dt)
        return
    same_array(nd.full(shape, value, dtype=dt), expected)


ARANGE_DTYPES = ["i1", "i2", "i4", "i8", "u1", "u2", "u4", "u8", "f2", "f4", "f8", "c8", "c16"]


@given(st.floats(-50, 50), st.floats(-50, 50), st.floats(-7, 7).filter(lambda s: abs(s) > 0.05),
       st.sampled_from(["f2", "f4", "f8", "c8", "c16", None]))
def test_arange_floats(start, stop, step, dt):
    expected = np.arange(start, stop, step, dtype=dt)
    same_array(nd.arange(start, stop, step, dtype=dt), expected)


@given(st.integers(-300, 300), st.integers(-300, 300), st.integers(-20, 20).filter(bool),
       st.sampled_from(ARANGE_DTYPES + [None]))
def test_arange_integers(start, stop, step, dt):
    try:
        with np.errstate(all="ignore"):
            expected = np.arange(start, stop, step, dtype=dt)
    except (OverflowError, ValueError):
        # NumPy refuses Python ints out of range for the dtype; ndcore,
        # given doubles through C, wraps them: only compare in-range cases.
        assume(False)
    same_array(nd.arange(start, stop, step, dtype=dt), expected)


@given(st.floats(-1e6, 1e6), st.floats(-1e6, 1e6), st.integers(0, 60), st.booleans(),
       st.sampled_from(["f4", "f8", "i4", "i8", "u2", "c16", None]))
def test_linspace(start, stop, num, endpoint, dt):
    if dt is not None and np.dtype(dt).kind == "u":
        start, stop = abs(start), abs(stop)
    with np.errstate(all="ignore"):
        expected = np.linspace(start, stop, num, endpoint=endpoint, dtype=dt)
    same_array(nd.linspace(start, stop, num, endpoint=endpoint, dtype=dt), expected)


@given(st.integers(0, 6), st.one_of(st.none(), st.integers(0, 6)), st.integers(-7, 7),
       st.sampled_from(BUILTIN), st.sampled_from("CF"))
def test_eye(n, m, k, dt, order):
    same_array(nd.eye(n, m, k, dtype=dt, order=order), np.eye(n, m, k, dtype=dt, order=order))


def strided_numpy(draw_shape, dt, seed):
    """A NumPy array with random (possibly negative) strides."""
    rng = np.random.default_rng(seed)
    big = rng.integers(0, 100, size=tuple(2 * s + 1 for s in draw_shape)).astype(dt)
    if not draw_shape:
        return big[...]
    index = tuple(slice(None, None, int(rng.choice([1, 2, -1, -2]))) for _ in draw_shape)
    out = big[index][tuple(slice(0, s) for s in draw_shape)]
    return out


@given(shapes(), builtin_dtypes(), st.integers(0, 2**32))
def test_asarray_shares_memory_both_ways(shape, dt, seed):
    a = strided_numpy(shape, dt, seed)
    w = nd.asarray(a)
    same_array(w, a)
    assert w.base is a
    back = np.asarray(w)
    assert back.size == 0 or np.shares_memory(back, a)
    assert back.strides == a.strides


@given(shapes(), builtin_dtypes(), st.integers(0, 2**32))
def test_array_copies(shape, dt, seed):
    a = strided_numpy(shape, dt, seed)
    c = nd.array(a)
    assert c.flags.c_contiguous and c.flags.owndata
    assert c.size == 0 or not np.shares_memory(np.asarray(c), a)
    np.testing.assert_array_equal(np.asarray(c), a)


def test_numpy_array_stays_alive_until_last_view():
    a = np.arange(10.0)
    refs = sys.getrefcount(a)
    w = nd.asarray(a)
    v = w.view()
    del w
    gc.collect()
    assert sys.getrefcount(a) > refs
    del v
    gc.collect()
    assert sys.getrefcount(a) == refs
    assert not nd._kept


def test_writes_through_shared_memory():
    a = np.zeros(4)
    w = nd.asarray(a)
    w[2] = 5.5
    assert a[2] == 5.5
    n = np.asarray(w)
    n[0] = -1
    assert w[0] == -1.0


def test_read_only_numpy_array_stays_read_only():
    a = np.arange(3)
    a.flags.writeable = False
    w = nd.asarray(a)
    assert not w.flags.writeable
    with pytest.raises(ValueError, match="read-only"):
        w[0] = 1
    assert a[0] == 0
    assert not np.asarray(w).flags.writeable


@given(builtin_dtypes(), st.integers(0, 5))
def test_unaligned_numpy_memory(dt, n):
    assume(dt.alignment > 1)
    raw = np.zeros(n * dt.itemsize + 1, np.uint8)[1:]
    a = raw.view(dt)
    w = nd.asarray(a)
    assert w.flags.aligned == a.flags.aligned
    same_array(w, a)


@given(shapes(max_dims=3), builtin_dtypes())
def test_element_get_set_matches_numpy(shape, dt):
    assume(0 not in shape)
    a = np.zeros(shape, dt)
    w = nd.asarray(a)
    idx = tuple(s - 1 for s in shape)
    value = {"b": True, "i": -3, "u": 7, "f": 2.5, "c": 1 - 2j}[dt.kind]
    w[idx] = value
    expected = np.zeros(shape, dt)
    expected[idx] = value
    np.testing.assert_array_equal(a, expected)
    got = w[idx]
    assert got == expected[idx] and type(got) is type(expected[idx])


def test_bad_input_errors():
    with pytest.raises(ValueError, match="negative dimensions are not allowed"):
        nd.zeros((2, -1))
    with pytest.raises(ValueError, match="array is too big"):
        nd.empty((2**62, 4))
    with pytest.raises(ValueError, match="maximum supported dimension"):
        nd.zeros((1,) * 65)
    with pytest.raises(IndexError, match="index 3 is out of bounds for axis 0 with size 3"):
        nd.zeros(3)[3]
    with pytest.raises(OverflowError, match="Python integer 300 out of bounds for uint8"):
        nd.zeros(3, np.uint8).__setitem__(0, 300)
    with pytest.raises(ValueError, match="must be non-negative"):
        nd.linspace(0, 1, -1)
    with pytest.raises(TypeError):
        nd.zeros(3, np.uint8).__setitem__(0, 1j)
    # NumPy's messages for the same mistakes.
    for call in (lambda m: m.zeros((2, -1)), lambda m: m.zeros(3)[3]):
        with pytest.raises(Exception) as ours:
            call(nd)
        with pytest.raises(Exception) as theirs:
            call(np)
        assert str(ours.value) == str(theirs.value)
        assert isinstance(ours.value, type(theirs.value))


def test_release_callbacks_run_during_garbage_collection():
    # Release callbacks run inside collections triggered anywhere, including
    # while another array is being wrapped: every wrapped NumPy array must
    # still be let go, and nothing may block (checked with a timeout).
    import threading

    def churn():
        old = gc.get_threshold()
        gc.set_threshold(1, 1, 1)
        try:
            for i in range(3000):
                a = nd.asarray(np.arange(i % 7 + 1))
                cycle = [a]
                cycle.append(cycle)  # collected by the cyclic GC, not refcounts
                del a, cycle
        finally:
            gc.set_threshold(*old)

    t = threading.Thread(target=churn, daemon=True)
    t.start()
    t.join(timeout=60)
    assert not t.is_alive(), "wrapping blocked in a release callback"
    gc.collect()
    assert not nd._kept


def test_one_call_description_matches_numpy():
    """nd_array_describe (the binding's `_info`, behind .shape, .strides,
    a new array's .dtype and scalar results) against NumPy's attributes."""
    from ndcore import _lib
    # With ndcore.h's nd_type of each (ND_FLOAT64 11, ND_INT32 5, ND_INT8 1,
    # ND_RECORD 14, ND_COMPLEX64 12).
    cases = [(np.arange(12.0).reshape(3, 4)[:, ::-2], 11), (np.zeros((), ">i4"), 5),
             (np.arange(5, dtype=np.int8), 1), (np.zeros(3, [("x", "<f8"), ("y", "i1")]), 14),
             (np.ones((2, 3), order="F", dtype="c8"), 12)]
    for a, type_num in cases:
        w = nd.asarray(a)
        info = nd._info(w._h)
        assert info.ndim == a.ndim
        assert tuple(info.shape[:info.ndim]) == a.shape
        assert tuple(info.strides[:info.ndim]) == a.strides
        assert info.data == a.ctypes.data
        assert (info.size, info.itemsize) == (a.size, a.itemsize)
        assert info.byteorder.decode() == a.dtype.byteorder
        assert info.type_num == type_num
        assert bool(info.flags & _lib.FLAG_C) == a.flags.c_contiguous
        assert bool(info.flags & _lib.FLAG_F) == a.flags.f_contiguous
        assert bool(info.flags & _lib.FLAG_WRITEABLE) == a.flags.writeable
        assert w.dtype == a.dtype and w.shape == a.shape and w.strides == a.strides
        if a.ndim == 0:
            assert nd.sum(w) == a.sum() and type(nd.sum(w)) is type(a.sum())


@pytest.mark.parametrize("args, kw", [
    ((2**53 + 1, 2**53 + 4), {}), ((2**62, 2**62 + 3), {}), ((-2**63, -2**63 + 2), {}),
    ((0, 2**63, 2**62), {}), ((10, 0, -3), {}), ((-5, 5, 3), {}), ((300, 310), {"dtype": np.int8}),
    ((-1, 3), {"dtype": np.uint8}), ((250, 260), {"dtype": np.uint8}), ((127, 130), {"dtype": np.int8}),
    ((127, 128), {"dtype": np.int8}), ((5, -130, -100), {"dtype": np.int8}), ((np.int8(3), 10), {}),
    ((True, 3), {}), ((0, 10, 3), {"dtype": np.float32}), ((1, 2, 0), {}), ((0, 1, 0.0), {}),
    ((2**53 + 1, 2**53 + 3), {"dtype": np.float64}), ((0, 5), {"dtype": np.float16}),
    ((0, 3), {"dtype": bool}), ((0, 2), {"dtype": bool}), ((3,), {"dtype": np.complex64}),
    ((-2**63, 2**63 - 1, 2**63 - 1), {}), ((2**64, 2**64 + 3), {"dtype": np.int64}),
    ((5,), {"dtype": ">i4"}), ((0, 1, 0.25), {}), ((0.5, 3), {}),
])
def test_arange_of_integers_is_exact(args, kw):
    """Integer arguments are computed exactly (nd_arange_int): through
    doubles, arange(2**53 + 1, 2**53 + 4) repeated 2**53 and 2**62 + k gave
    nothing. NumPy's dtype, values, lengths and errors."""
    try:
        want = np.arange(*args, **kw)
    except Exception as e:  # noqa: BLE001 - the error is what is compared
        with pytest.raises(type(e)) as got:
            nd.arange(*args, **kw)
        assert str(got.value) == str(e)
        return
    got = np.asarray(nd.arange(*args, **kw))
    assert got.dtype == want.dtype
    assert got.tolist() == want.tolist()
