"""Reductions against NumPy: sum, prod, min, max, mean, any, all, argmax,
argmin, cumsum, cumprod over every dtype, any axes, keepdims, dtype=,
initial=, where=, out=, strided and negative-stride inputs, and errors."""

import warnings

import numpy as np
import pytest
from conftest import BUILTIN
from hypothesis import given, note
from hypothesis import strategies as st
from test_ufuncs import same, strided, values

import ndcore as nd

_builtin_max = max
REDUCTIONS = ["sum", "prod", "max", "min", "mean", "any", "all"]


def numpy_call(name, *args, **kw):
    with np.errstate(all="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return getattr(np, name)(*args, **kw)


def ours_call(name, *args, **kw):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return getattr(nd, name)(*args, **kw)


@st.composite
def arrays(draw, codes=BUILTIN, finite=False):
    """Arrays of every dtype and layout. `finite`: values that cast to
    every dtype within range (float-to-int casts of NaN, inf and
    out-of-range values are undefined in C, and NumPy's results for them
    differ between its vector and scalar loops)."""
    ndim = draw(st.integers(0, 3))
    shape = [draw(st.integers(0, 5)) for _ in range(ndim)]
    if ndim and draw(st.integers(0, 3)) == 0:
        # A long axis exercises pairwise summation's blocks and splits.
        shape[draw(st.integers(0, ndim - 1))] = draw(st.integers(8, 700))
    code = draw(st.sampled_from(codes))
    order = draw(st.sampled_from("<>=")) if draw(st.integers(0, 4)) == 0 else "="
    rng = np.random.default_rng(draw(st.integers(0, 2**32)))
    n = int(np.prod(shape))
    a = values(code, rng, max(n, 1))[:n].reshape(shape)
    if np.dtype(code).kind in "iu" and draw(st.booleans()):
        a = (a % 7).astype(code)  # small values: products and sums that do not wrap
    if finite and a.dtype.kind in "iu":
        a = (a % 100).astype(a.dtype)
    if finite and a.dtype.kind in "fc":
        with np.errstate(all="ignore"):
            a = np.nan_to_num(a, posinf=3, neginf=-3)
            a = (a.real % 50 + 1j * (a.imag % 50)).astype(a.dtype) if a.dtype.kind == "c" else a % 50
    a = a.astype(a.dtype.newbyteorder(order))
    if draw(st.booleans()):
        a = strided(a, rng)
    elif ndim >= 2 and draw(st.booleans()):
        a = np.asfortranarray(a)
    return a


@st.composite
def axes_for(draw, ndim):
    kind = draw(st.integers(0, 3))
    if kind == 0 or ndim == 0:
        return None
    if kind == 1:
        return draw(st.integers(-ndim, ndim - 1))
    picked = draw(st.lists(st.integers(0, ndim - 1), unique=True, max_size=ndim))
    return tuple(p - ndim if draw(st.booleans()) else p for p in picked)


def exact_expected(a, name, dtype, masked=False):
    """Whether NumPy's own arithmetic makes the result reproducible bit for
    bit: it casts inputs in 8192-element buffers (summing each buffer
    pairwise), so a float sum of a cast input is compared to a tolerance.
    So are float sums under a `where` mask of float16 or non-contiguous
    input, where NumPy's buffering splits the runs in ways ndcore does not
    reproduce (known; the difference is rounding)."""
    if name not in ("sum", "mean"):
        return True
    acc = np.dtype(dtype) if dtype is not None else a.dtype
    if name == "mean" and dtype is None and a.dtype.kind in "biu":
        acc = np.dtype("f8")
    if masked and acc.kind in "fc" and (np.float16 in (acc.type, a.dtype.type) or not a.flags.c_contiguous):
        return False
    return a.dtype.isnative and acc.kind not in "fc" or (a.dtype.isnative and acc == a.dtype) or a.size < 8192


def compare(got, expected, a, name, exact, ulps=0):
    if np.ndim(expected) == 0 and not isinstance(expected, np.ndarray):
        assert not isinstance(got, nd.ndarray), "a full reduction returns a scalar"
        assert type(got) is type(expected), (type(got), type(expected))
    got, expected = np.asarray(got), np.asarray(expected)
    if name in ("max", "min"):
        same(got, expected, zero_ties=True)  # NumPy's vector loops pick either zero on ties
    elif exact:
        same(got, expected, ulps)
    else:
        assert got.dtype == expected.dtype and got.shape == expected.shape
        with np.errstate(all="ignore"):
            mags = np.abs(a.astype(np.complex128))
            scale = np.sum(mags[np.isfinite(mags)])
            eps = np.finfo(got.dtype).eps if got.dtype.kind in "fc" else 0
            g, e = got.astype(complex), expected.astype(complex)
            both_nan = np.isnan(g) & np.isnan(e)
            ok = both_nan | (g == e) | (np.abs(g - e) <= 8 * eps * (scale + 1))
        assert np.all(ok), (got, expected)


@given(st.sampled_from(REDUCTIONS), st.data())
def test_reductions_match_numpy(name, data):
    a = data.draw(arrays())
    axis = data.draw(axes_for(a.ndim))
    keepdims = data.draw(st.booleans())
    kw = {"axis": axis, "keepdims": keepdims}
    dtype = None
    if name in ("sum", "prod", "mean") and data.draw(st.integers(0, 3)) == 0:
        dtype = kw["dtype"] = data.draw(st.sampled_from(BUILTIN))
    if name in ("sum", "prod", "max", "min") and data.draw(st.integers(0, 3)) == 0:
        kw["initial"] = data.draw(st.sampled_from([0, 1, -3, 2.5, True, 100]))
    if data.draw(st.integers(0, 3)) == 0:
        mask_shape = tuple(s if data.draw(st.booleans()) else 1 for s in a.shape)
        kw["where"] = np.random.default_rng(a.size).integers(0, 2, mask_shape).astype(bool)
    if dtype and np.dtype(dtype).kind in "iu" and a.dtype.kind in "fc" and a.size:
        info = np.iinfo(dtype)
        with np.errstate(all="ignore"):
            r = a.real if a.dtype.kind == "c" else a
            if not (np.isfinite(r).all() and r.min() >= info.min and r.max() <= info.max):
                return  # float-to-int casts out of range are undefined (see test_casting)
    if name == "mean" and dtype and np.dtype(dtype).kind in "biu":
        kw.pop("where", None)  # 0/0 would cast NaN to an integer: undefined
        if a.size == 0:
            return
    note(f"{name}({a.dtype}{a.shape}, strides={a.strides}, {kw})")
    try:
        expected = numpy_call(name, a, **kw)
    except Exception as e:  # noqa: BLE001 - compare the exception NumPy raises
        with pytest.raises(type(e)):
            ours_call(name, a, **kw)
        return
    got = ours_call(name, a, **kw)
    if name == "prod" and np.asarray(expected).dtype.kind == "c":
        # Complex products: fused or not depending on NumPy's loop choice.
        with np.errstate(all="ignore"):
            bound = np.prod(np.abs(a.astype(np.complex128)), axis=axis, keepdims=keepdims,
                            where=kw.get("where", True)) * _builtin_max(1, abs(kw.get("initial", 1))) + 1
        assert np.asarray(got).dtype == np.asarray(expected).dtype
        complex_close(np.asarray(got), np.asarray(expected), np.asarray(bound))
        return
    compare(got, expected, a, name, exact_expected(a, name, dtype, "where" in kw))


@given(st.sampled_from(["sum", "prod", "max", "min", "mean", "any", "all"]), st.data())
def test_out_receives_the_result_cast_unsafely(name, data):
    a = data.draw(arrays(codes=["?", "i1", "u2", "i8", "f2", "f4", "f8", "c16"], finite=True))
    axis = data.draw(axes_for(a.ndim))
    keepdims = data.draw(st.booleans())
    code = data.draw(st.sampled_from(BUILTIN))
    try:
        shape = numpy_call(name, a, axis=axis, keepdims=keepdims, dtype=None) if name in (
            "sum", "prod", "mean") else numpy_call(name, a, axis=axis, keepdims=keepdims)
    except Exception:  # noqa: BLE001 - empty max and friends: no result to write
        return
    if np.dtype(code).kind in "biu" and np.asarray(shape).dtype.kind in "fc":
        with np.errstate(all="ignore"):
            if not np.isfinite(shape).all():
                return  # the mean of nothing is NaN: casting it to an integer is undefined
    shape = np.shape(shape)
    theirs, ours = np.zeros(shape, code), np.zeros(shape, code)
    numpy_call(name, a, axis=axis, keepdims=keepdims, out=theirs)
    assert ours_call(name, a, axis=axis, keepdims=keepdims, out=ours) is ours
    loop = np.result_type(a.dtype, np.dtype(code)) if name in ("sum", "prod", "mean") else None
    # NumPy keeps the running value in `out`, rounding it to out's dtype
    # between its buffers; ndcore rounds once, at the end: float results
    # agree to rounding then.
    exact = exact_expected(a, name, None) and not (
        loop is not None and loop.kind in "fc" and (loop != theirs.dtype or not a.dtype.isnative))
    if loop is not None and loop.kind in "fc" and theirs.dtype.kind in "biu" and a.size > 8192:
        # NumPy truncates its running float sum to the integer `out` at each
        # 8192-element buffer; ndcore truncates once. Not comparable.
        assert ours.dtype == theirs.dtype and ours.shape == theirs.shape
        return
    compare(ours, theirs, a, name if name != "mean" else "sum", exact)


@given(st.sampled_from(["argmax", "argmin"]), st.data())
def test_argmax_argmin(name, data):
    a = data.draw(arrays())
    axis = None if a.ndim == 0 or data.draw(st.booleans()) else data.draw(st.integers(-a.ndim, a.ndim - 1))
    keepdims = data.draw(st.booleans())
    if data.draw(st.booleans()) and a.dtype.kind in "iu":
        a = (a % 3).astype(a.dtype)  # ties: the first one wins
    try:
        expected = numpy_call(name, a, axis=axis, keepdims=keepdims)
    except ValueError as e:
        with pytest.raises(ValueError, match=str(e)):
            ours_call(name, a, axis=axis, keepdims=keepdims)
        return
    got = ours_call(name, a, axis=axis, keepdims=keepdims)
    compare(got, expected, a, name, True)


def complex_close(got, expected, bound, loop=None):
    """Complex products to rounding: `bound` is the running product of the
    magnitudes (the scale of each product's rounding error)."""
    got = np.asarray(got)
    assert got.dtype == expected.dtype and got.shape == expected.shape
    with np.errstate(all="ignore"):
        nan, inf = np.isnan(expected), np.isinf(expected)
        # Products that overflow the dtype: inf*0 decides where NaNs appear.
        loop = np.dtype(loop or expected.dtype)
        finite = np.isfinite(bound) & (bound < np.finfo(loop).max / 64)
        assert (np.isnan(got) == nan)[finite].all()
        keep = ~nan & ~inf & finite
        g, e = got[keep], expected[keep]
        eps = np.finfo(loop).eps
        # Each step adds a rounding error: allow one per element.
        ok = (g == e) | (np.abs(g - e) <= (8 + expected.size) * eps * bound[keep])
    assert ok.all(), (g[~ok], e[~ok])


@given(st.sampled_from(["cumsum", "cumprod"]), st.data())
def test_cumsum_cumprod(name, data):
    a = data.draw(arrays(finite=True))
    axis = None if a.ndim == 0 or data.draw(st.booleans()) else data.draw(st.integers(-a.ndim, a.ndim - 1))
    dtype = data.draw(st.sampled_from([None, None, "i1", "f4", "f8", "c8", "u8"]))
    expected = numpy_call(name, a, axis=axis, dtype=dtype)
    got = ours_call(name, a, axis=axis, dtype=dtype)
    # Complex products: NumPy's accumulate uses its fused vector loop or its
    # unfused scalar loop depending on the layout; with cancellation in
    # re*re - im*im the parts differ relative to the product's magnitude.
    bound = None
    if name == "cumprod" and expected.dtype.kind == "c":
        with np.errstate(all="ignore"):
            bound = np.cumprod(np.abs(a.astype(np.complex128)), axis=axis) + 1
        complex_close(got, expected, bound)
    else:
        compare(got, expected, a, name, True)
    out = np.zeros(expected.shape, data.draw(st.sampled_from(BUILTIN)))
    if out.dtype.kind in "iub" and expected.dtype.kind in "fc":
        with np.errstate(all="ignore"):
            finite = np.isfinite(expected).all() and (np.abs(expected) < 100).all()
        if not finite:
            return  # casting inf, NaN or out-of-range floats to integers is undefined
    theirs = out.copy()
    numpy_call(name, a, axis=axis, dtype=dtype, out=theirs)
    assert ours_call(name, a, axis=axis, dtype=dtype, out=out) is out
    if bound is not None and out.dtype.kind == "c":
        complex_close(out, theirs, bound, expected.dtype)
    elif bound is None:
        # NumPy keeps the running value in `out`, so each step is rounded to
        # out's dtype; ndcore rounds once at the end.
        compare(out, theirs, a, name, out.dtype == expected.dtype or out.dtype.kind not in "fc")


def test_pairwise_float32_sum_is_as_accurate_as_numpys():
    x = np.full(10**7, 0.1, np.float32)
    assert nd.sum(x) == np.sum(x)
    assert abs(float(nd.sum(x)) - 1e6) < 1.0
    y = np.random.default_rng(0).standard_normal((1000, 999)).astype(np.float32)
    for axis in (None, 0, 1):
        same(np.asarray(nd.sum(y, axis=axis)), np.asarray(np.sum(y, axis=axis)))
        same(np.asarray(nd.sum(y.T, axis=axis)), np.asarray(np.sum(y.T, axis=axis)))


def test_default_accumulator_types():
    for code in BUILTIN:
        a = np.ones(3, code)
        for name in ("sum", "prod", "mean", "cumsum", "cumprod", "max", "any"):
            assert np.asarray(ours_call(name, a)).dtype == np.asarray(numpy_call(name, a)).dtype, (name, code)


def test_empty_reductions():
    e = np.zeros((0, 3))
    same(np.asarray(nd.sum(e)), np.asarray(np.sum(e)))
    same(np.asarray(nd.prod(e, axis=0)), np.prod(e, axis=0))
    same(np.asarray(nd.all(e, axis=0)), np.all(e, axis=0))
    same(np.asarray(nd.max(e, axis=1)), np.max(e, axis=1))
    same(np.asarray(nd.max(e, axis=0, initial=-1)), np.max(e, axis=0, initial=-1))
    for f in (lambda m: m.max(e), lambda m: m.min(e, axis=0), lambda m: m.argmax(e),
              lambda m: m.argmin(e, axis=0)):
        with pytest.raises(ValueError) as theirs:
            f(np)
        with pytest.raises(ValueError) as ours:
            f(nd)
        assert str(ours.value) == str(theirs.value)
    assert np.isnan(ours_call("mean", e))


def test_bad_arguments_give_numpys_errors():
    a = np.ones((2, 3))
    cases = [
        (lambda m: m.sum(a, axis=2), "axis 2 is out of bounds for array of dimension 2"),
        (lambda m: m.sum(a, axis=-3), "axis -3 is out of bounds for array of dimension 2"),
        (lambda m: m.sum(a, axis=(0, 0)), "duplicate value in 'axis'"),
        (lambda m: m.sum(a, out=np.zeros(3)), "output parameter for reduction operation add has the wrong number of dimensions: Found 1 but expected 0"),
        (lambda m: m.max(a, where=np.array([True, False, True])), "reduction operation 'maximum' does not have an identity, so to use a where mask one has to specify 'initial'"),
        (lambda m: m.max(np.ones(3, np.int8), initial=1000), "Python integer 1000 out of bounds for int8"),
        (lambda m: m.argmax(np.zeros(0)), "attempt to get argmax of an empty sequence"),
        (lambda m: m.cumsum(a, out=np.zeros(3)), "provided out is the wrong size for the accumulation."),
        (lambda m: m.argmax(a, axis=1, out=np.zeros(3, np.int64)), "output array does not match result of np.argmax."),
        (lambda m: m.sum(a, where=np.ones(3)), "Cannot cast array data from dtype('float64') to dtype('bool') according to the rule 'safe'"),
    ]
    for case, message in cases:
        with pytest.raises(Exception) as theirs:
            case(np)
        with pytest.raises(Exception) as ours:
            case(nd)
        assert str(theirs.value) == message
        assert str(ours.value) == message
        assert isinstance(ours.value, type(theirs.value)) or isinstance(ours.value, ValueError) == isinstance(theirs.value, ValueError)
    ro = np.broadcast_to(np.zeros(3), (3,))
    with pytest.raises(ValueError, match="read-only"):
        nd.sum(a, axis=0, out=ro)
    with pytest.raises(TypeError):
        nd.sum(np.zeros(2, [("x", "f8")]))
    assert not ro.any()


def test_out_overlapping_the_input():
    a = np.arange(12.0).reshape(3, 4)
    ours, theirs = a.copy(), a.copy()
    np.sum(theirs, axis=0, out=theirs[0])
    nd.sum(ours, axis=0, out=ours[0])
    same(ours, theirs)
    np.cumsum(theirs, axis=1, out=theirs)
    nd.cumsum(ours, axis=1, out=ours)
    same(ours, theirs)


def test_methods_and_scalars():
    x = nd.arange(12).reshape(3, 4)
    assert x.sum() == 66 and isinstance(x.sum(), np.int64)
    same(np.asarray(x.max(axis=0)), np.arange(8, 12))
    assert x.argmin() == 0 and x.mean() == 5.5
    assert float(x.sum()) == 66.0 and bool(nd.any(x > 10))
    with pytest.raises(ValueError, match="ambiguous"):
        bool(x)


@pytest.mark.parametrize("n", [100, 8192, 8193, 20000, 2**17 + 4, 2**20 + 12])
@pytest.mark.parametrize("src,dt", [("f4", "f8"), ("f8", "f4"), ("f2", "f8"), ("i4", None),
                                    ("u1", None), ("f4", "f2"), (">f8", "f8"), ("f8", "c16"),
                                    ("i8", "f4")])
def test_sums_that_cast_match_numpy_bit_for_bit(n, src, dt):
    # An input not in the loop dtype is cast in blocks of 8192 elements, as
    # NumPy's buffered reduction does; float sums then group their pairwise
    # additions as NumPy's do, so the bits agree. 2-d: both axes and all.
    rng = np.random.default_rng(n)
    if src[-2] in "iu":
        x = rng.integers(0, 100, n).astype(src)
    else:
        x = rng.standard_normal(n).astype(src)
    shapes = [(n,)] + ([(4, n // 4), (n // 4, 4)] if n % 4 == 0 else [])
    for shape in shapes:
        m = x.reshape(shape)
        for ax in [None] + list(range(len(shape))):
            want = np.asarray(np.sum(m, axis=ax, dtype=dt))
            got = np.asarray(nd.sum(nd.asarray(m), axis=ax, dtype=dt))
            assert got.dtype == want.dtype
            assert got.tobytes() == want.tobytes(), (shape, ax)


@pytest.mark.parametrize("code,dt", [("f4", None), ("i1", None), (">f8", None), ("f8", "f4"),
                                     ("u2", "f8"), ("c8", None), ("f2", None), ("?", None),
                                     ("c16", "c8")])
def test_cumsum_cumprod_bit_for_bit_in_every_layout(code, dt):
    # Runs along the axis scan with the running value in a register, filled
    # from the input a block at a time; slices across it step with NumPy's
    # operand order, so even NaNs from overflowing complex products agree.
    rng = np.random.default_rng(5)
    for shape, ax in [((9000,), 0), ((3, 5000), 1), ((5000, 3), 0), ((40, 300), None),
                      ((50, 60, 70), 1), ((50, 60, 70), 0)]:
        x = (rng.standard_normal(shape) * 3).astype(code)
        for arr in (x, x[::-1]):
            for name in ["cumsum", "cumprod"]:
                want = numpy_call(name, arr, axis=ax, dtype=dt)
                got = np.asarray(ours_call(name, nd.asarray(arr), axis=ax, dtype=dt))
                assert got.dtype == want.dtype
                assert got.tobytes() == want.tobytes(), (shape, ax, name)


@pytest.mark.parametrize("n", [0, 1, 2, 7, 129, 2**15 - 1, 2**15])
@pytest.mark.parametrize("code", BUILTIN)
def test_whole_dense_reductions_bit_for_bit(code, n):
    """Whole C-contiguous arrays reduced with no out/where/initial take
    the library's one-run path below 2^15 elements where the input is
    already of the loop dtype (bool any/all, float sums, min/max of every
    type; small-integer sums and float any/all cast, so run the general
    path, as does everything from 2^15): same values, signs of zero,
    NaNs, dtypes and shapes as NumPy, 1-d and 2-d, with and without
    keepdims, and NumPy's error for empty min/max."""
    rng = np.random.default_rng(n)
    a = (rng.standard_normal(n) * 50).astype(code) if code != "?" else rng.random(n) < 0.5
    if a.dtype.kind in "fc" and n >= 7:
        a[3] = -0.0
        a[n // 2] = np.nan if n % 2 else np.inf
    shapes = [(n,)] + ([(3, n // 3)] if n % 3 == 0 and n else [])
    for shape in shapes:
        x = np.ascontiguousarray(a.reshape(shape))
        for name in ("sum", "prod", "max", "min", "any", "all", "mean"):
            for keepdims in (False, True):
                kw = {"keepdims": keepdims}
                with np.errstate(all="ignore"):
                    try:
                        want = getattr(np, name)(x, **kw)
                    except ValueError:
                        with pytest.raises(ValueError):
                            getattr(nd, name)(nd.asarray(x), **kw)
                        continue
                    got = np.asarray(getattr(nd, name)(nd.asarray(x), **kw))
                want = np.asarray(want)
                assert got.dtype == want.dtype and got.shape == want.shape, (name, shape)
                assert np.array_equal(got, want, equal_nan=True), (name, shape, got, want)
                if got.dtype.kind == "f":
                    assert np.array_equal(np.signbit(got), np.signbit(want)), (name, shape)


def test_float16_sums_of_stepped_views():
    """Every other float16 is a stride of four bytes (float32's size): the
    sum still reads float16 (it read pairs as float32: inf, 0.0626)."""
    base = np.arange(40, dtype=np.float16) * np.float16(0.5)
    for a in (base[::2], base[1::2], base[::-2], base.reshape(4, 10)[:, ::2], np.ones(16, np.float16)[::2]):
        for axis in (None, -1):
            got, want = nd.sum(a, axis=axis), np.sum(a, axis=axis)
            assert np.asarray(got).dtype == want.dtype
            assert np.asarray(got).tobytes() == np.asarray(want).tobytes(), (a.strides, axis, got, want)


@pytest.mark.parametrize("a_shape, w_shape, kw", [
    ((2, 3), (2,), {}), ((2, 3), (3, 2), {}), ((4,), (3,), {}), ((2, 3), (2,), {"axis": 0}),
    ((2, 3), (2, 1, 3), {}), ((2, 3), (4, 3), {"axis": 1, "keepdims": True}),
])
@pytest.mark.parametrize("name", ["sum", "prod", "mean", "max"])
def test_where_masks_that_do_not_broadcast_get_numpys_message(a_shape, w_shape, kw, name):
    a, where = np.ones(a_shape), np.ones(w_shape, bool)
    if name == "max":
        kw = dict(kw, initial=0.0)
    with pytest.raises(ValueError) as want:
        getattr(np, name)(a, where=where, **kw)
    with pytest.raises(ValueError) as got:
        getattr(nd, name)(a, where=where, **kw)
    assert str(got.value) == str(want.value)
