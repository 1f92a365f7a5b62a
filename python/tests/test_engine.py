"""The loop engine's large-array paths against NumPy: work above the
parallel threshold split across threads, mismatched layouts walked in tiles
(`M.T + M`), negative and zero strides, in-place and overlapping outputs,
and the power ufunc's one-exponent fast paths."""

import warnings

import numpy as np
import pytest
from conftest import close_ulps
from hypothesis import given
from hypothesis import strategies as st

import ndcore as nd

# Above the engine's PARALLEL_MIN (2**15 elements; 2**13 for libm ufuncs),
# so threads and tiles run.
LAYOUTS = ["c", "f", "t", "neg", "step2", "bcast_row", "bcast_col"]


def laid_out(arr2d, how):
    """The same values as `arr2d` in another memory layout."""
    r, c = arr2d.shape
    if how == "c":
        return np.ascontiguousarray(arr2d)
    if how == "f":
        return np.asfortranarray(arr2d)
    if how == "t":
        return np.ascontiguousarray(arr2d.T).T
    if how == "neg":
        big = np.empty((r, c), arr2d.dtype)[::-1, ::-1]
        big[...] = arr2d
        return big
    if how == "step2":
        big = np.empty((r, 2 * c), arr2d.dtype)[:, ::2]
        big[...] = arr2d
        return big
    if how == "bcast_row":
        return np.broadcast_to(arr2d[:1], (r, c))
    return np.broadcast_to(arr2d[:, :1], (r, c))


@given(st.sampled_from(LAYOUTS), st.sampled_from(LAYOUTS), st.sampled_from(["f8", "f4", "i4", "i2", "c16"]),
       st.sampled_from(["add", "subtract", "multiply", "maximum", "less"]),
       st.sampled_from([(601, 503), (4, 70_000), (90_000, 3), (1, 270_001)]), st.integers(0, 2**32))
def test_large_binary_any_layout(la, lb, code, name, shape, seed):
    rng = np.random.default_rng(seed)
    a = laid_out((rng.standard_normal(shape) * 100).astype(code), la)
    b = laid_out((rng.standard_normal(shape) * 100).astype(code), lb)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        expected = getattr(np, name)(a, b)
    got = np.asarray(getattr(nd, name)(a, b))
    assert got.dtype == expected.dtype
    assert np.array_equal(got, expected)


@pytest.mark.parametrize("n", [512, 1000, 2048 + 3])
def test_transposed_sum_of_square_matrix(n):
    m = np.arange(n * n, dtype=np.float64).reshape(n, n) * 0.5
    got = np.asarray(nd.asarray(m).T + nd.asarray(m))
    assert np.array_equal(got, m.T + m)
    assert got.flags.c_contiguous
    f = np.asfortranarray(m)
    assert np.array_equal(np.asarray(nd.add(f.T, m)), f.T + m)


@pytest.mark.parametrize("layout", LAYOUTS[:5])
def test_large_unary_and_out(layout):
    x = laid_out(np.linspace(-50, 50, 300 * 333).reshape(300, 333), layout)
    for name in ["sqrt", "exp", "sin", "negative", "absolute", "floor"]:
        with np.errstate(all="ignore"):
            expected = getattr(np, name)(x)
        out = np.full(x.shape, -1.0)[::-1]
        assert getattr(nd, name)(x, out=out) is out
        assert np.allclose(out, expected, rtol=4e-16, atol=0, equal_nan=True)


def test_large_in_place_and_overlap():
    base = np.arange(600_001, dtype=np.float64)
    ours = base.copy()
    np.add(base[1:], base[:-1], out=base[1:])
    nd.add(ours[1:], ours[:-1], out=ours[1:])
    assert np.array_equal(ours, base)
    a = np.arange(400_000.0)
    w = nd.asarray(a)
    w += w
    assert np.array_equal(a, np.arange(400_000.0) * 2)
    r = np.arange(400_000.0)
    nd.multiply(r[::-1], 3.0, out=r)  # reads reversed, writes forward: copied first
    assert np.array_equal(r, np.arange(400_000.0)[::-1] * 3.0)


@pytest.mark.parametrize("code", ["f8", "f4", "i2", "u1", "c16"])
def test_outputs_beyond_the_streaming_minimum_match_numpy(code):
    # Outputs of 16 MiB and more are written through a scratch block with
    # streaming stores (iter/stream.rs): a head up to the first cache line,
    # whole blocks, a tail. Offsets of one element shift the head; `out=`
    # in place, reversed and broadcast inputs go the same way.
    n = (16 << 20) // np.dtype(code).itemsize + 4099
    rng = np.random.default_rng(7)
    a = (rng.standard_normal(n + 1) * 50).astype(code)
    b = (rng.standard_normal(n + 1) * 50).astype(code)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for x, y in [(a[1:], b[:-1]), (a[:-1], b[1:][::-1]), (a[1:], b[:1])]:
            assert np.array_equal(np.asarray(nd.add(x, y)), np.add(x, y))
            out = np.zeros(n + 1, code)[1:]
            assert nd.multiply(x, y, out=out) is out
            assert np.array_equal(out, np.multiply(x, y))
        ours, theirs = a.copy(), a.copy()
        nd.subtract(ours, b, out=ours)
        np.subtract(theirs, b, out=theirs)
        assert np.array_equal(ours, theirs)


@pytest.mark.parametrize("src,dst", [("f4", "f8"), ("f8", "c16"), ("i2", "f4"), ("f8", "u1")])
def test_casts_beyond_the_streaming_minimum_match_numpy(src, dst):
    # Cast destinations of 16 MiB and more are streamed as ufunc outputs
    # are; a destination one element into its buffer shifts the head.
    n = (16 << 20) // np.dtype(dst).itemsize + 3001
    a = (np.random.default_rng(3).standard_normal(n + 1) * 100).astype(src)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        assert np.array_equal(np.asarray(nd.asarray(a[1:]).astype(dst)), a[1:].astype(dst))
        out = np.zeros(n + 1, dst)
        nd.asarray(out)[1:] = a[:-1][::-1]  # assignment casts as NumPy's
        assert np.array_equal(out[1:], a[:-1][::-1].astype(dst)) and out[0] == 0


def test_zero_stride_output_is_written_in_order():
    # An output whose elements share memory: one thread writes, last wins,
    # as NumPy's sequential loop.
    cell = np.zeros(1)
    out = np.lib.stride_tricks.as_strided(cell, shape=(300_000,), strides=(0,))
    vals = np.arange(300_000.0)
    theirs = np.zeros(1)
    np.add(vals, 1.0, out=np.lib.stride_tricks.as_strided(theirs, shape=(300_000,), strides=(0,)))
    nd.add(vals, 1.0, out=out)
    assert cell[0] == theirs[0] == 300_000.0


@pytest.mark.parametrize("code", ["f2", "f4", "f8"])
@pytest.mark.parametrize("e", [2, 2.0, 0.5, -1, -1.0, 1, 1.0, 0, 0.0, 3, -2, 0.25])
def test_power_one_exponent_matches_numpy(code, e):
    # NumPy's float loop takes 2, 0.5, -1, 1 as square, sqrt, reciprocal,
    # copy when the exponent is one value: (-0.0)**0.5 is -0.0, not +0.0.
    x = np.array([-0.0, 0.0, -np.inf, np.inf, np.nan, 3.0, -2.0, 1e-3, 7.5] * 9000, dtype=code)
    with np.errstate(all="ignore"):
        for expected, got in [(x ** e, nd.asarray(x) ** e),
                              (np.power(x, e), nd.power(x, e)),
                              (np.power(x, np.full(x.shape, e, code)), nd.power(x, np.full(x.shape, e, code)))]:
            # Special values and signs exact; the rest within libm's bound
            # (NumPy's AVX-512 float32 power differs from glibc's powf).
            close_ulps(got, expected, signs=True)


@pytest.mark.parametrize("code", ["f8", "f4", "f2"])
@pytest.mark.parametrize("n", [2**16 + 9, 100_003, 2**18 + 5, 2**20 + 13, 3 * 2**19])
def test_large_sums_split_across_threads_match_numpy_bit_for_bit(code, n):
    # Pairwise halves of 2^17+ elements run on two threads: the same tree
    # of additions as NumPy's pairwise_sum, so the same bits.
    rng = np.random.default_rng(n)
    x = (rng.standard_normal(n) * 1e3).astype(code)
    for arr in (x, x[::-1], x.reshape(-1, 1)[:, 0]):
        got = nd.sum(arr)
        expected = arr.sum()
        assert np.asarray(got).dtype == expected.dtype
        assert np.asarray(got).tobytes() == np.asarray(expected).tobytes()
    m = x[: (n // 64) * 64].reshape(64, -1)
    assert np.asarray(nd.sum(m, axis=1)).tobytes() == m.sum(axis=1).tobytes()
    assert np.asarray(nd.mean(x)).tobytes() == np.asarray(x.mean()).tobytes()


@pytest.mark.parametrize("code", ["f8", "f4", "i4", "c16"])
@pytest.mark.parametrize("shape,axis", [((1024, 513), 1), ((64, 32, 257), -1), ((2048, 300), (1,)),
                                        ((300, 2048), 0), ((40, 50, 200), (0, 2)),
                                        ((2048, 300), 0), ((100, 40, 300), 0), ((4096, 129), 0)])
def test_large_axis_reductions_split_by_rows_match_numpy(code, shape, axis):
    # Rows reduced into distinct outputs run on different threads, and for
    # axis=0 column ranges do; each output's additions keep NumPy's order,
    # so results are bit-identical.
    rng = np.random.default_rng(7)
    x = (rng.standard_normal(shape) * 100).astype(code)
    for arr in (x, x[..., ::-1]):
        for name in ("sum", "prod", "max", "min", "mean"):
            if name == "prod":
                arr = arr / 50 if code != "i4" else arr
            if name in ("max", "min") and code == "c16":
                continue
            with np.errstate(all="ignore"):
                expected = getattr(np, name)(arr, axis=axis)
            got = np.asarray(getattr(nd, name)(arr, axis=axis))
            assert got.dtype == expected.dtype and got.shape == expected.shape
            assert got.tobytes() == expected.tobytes(), (name, arr.strides)


# Python scalars are remembered as weak operands by value (`_WEAK`); the key
# must keep the type and the sign of zero, and a full cache starts over.
SCALARS = [0, 1, -1, 300, 2**63, True, False, 0.0, -0.0, 1.0, 2.5, float("inf"),
           float("nan"), 1j, -0.0j, complex(-0.0, 0.0)]


@pytest.mark.parametrize("dtype", ["i1", "u1", "i8", "f2", "f4", "f8", "c8", "?"])
def test_small_calls_with_python_scalars(dtype):
    x = np.arange(10).astype(dtype)
    w = nd.asarray(x)
    cond = np.arange(10) % 3 == 0
    c = nd.asarray(cond)
    # The scalar on either side: the small path converts it on the stack
    # when the other operands share one kind, the general path otherwise.
    calls = [(name, lambda f, a, v, name=name: f(a, v)) for name in
             ["add", "multiply", "copysign", "subtract", "true_divide", "floor_divide", "maximum",
              "left_shift", "arctan2", "less"]]
    calls += [("subtract", lambda f, a, v: f(v, a)), ("power", lambda f, a, v: f(v, a)),
              ("where", lambda f, a, v: f(c if f is nd.where else cond, a, v)),
              ("where", lambda f, a, v: f(c if f is nd.where else cond, v, a))]
    for s in SCALARS * 2:  # the second round answers from the cache
        for name, call in calls:
            if name == "where" and s == 2**63 and dtype == "?":
                continue  # NumPy wraps it to int64's minimum; ndcore raises (not yet matched)
            try:
                with np.errstate(all="ignore"):
                    want = call(getattr(np, name), x, s)
            except (TypeError, OverflowError, ValueError) as e:
                with pytest.raises(type(e)):
                    call(getattr(nd, name), w, s)
                continue
            with np.errstate(all="ignore"):
                got = np.asarray(call(getattr(nd, name), w, s))
            assert got.dtype == want.dtype, (name, s)
            if name in ("arctan2", "power") and want.dtype.kind == "f":
                # libm's functions: within its bound of NumPy's.
                close_ulps(got, want, signs=True)
                continue
            np.testing.assert_array_equal(got, want, strict=True)
            # Bit for bit: signs of zeros too.
            assert got.tobytes() == want.tobytes(), (name, s)


def test_weak_scalar_cache_starts_over_when_full():
    w = nd.asarray(np.zeros(4))
    for i in range(3000):
        assert np.asarray(w + float(i))[0] == float(i)
    assert len(nd._WEAK) <= nd._WEAK_MAX


@pytest.mark.parametrize("code", ["i1", "u2", "i4", "u8", "f2", "f4", "f8", "c8", ">i4", "?"])
@pytest.mark.parametrize("n", [2**18 + 3, 2**20 + 1])
def test_long_runs_fold_in_halves_as_numpy_reduces(code, n):
    # From 2^18 elements min, max and integer sums/products fold halves on
    # two threads; a NaN anywhere (first in either half) still wins, and
    # any/all stop early. Inputs cast in blocks (i1 -> i8 sums) included.
    rng = np.random.default_rng(n)
    x = (rng.standard_normal(n) * 50).astype(code)
    if x.dtype.kind == "c":
        x += 1j * rng.standard_normal(n).astype(code)
    cases = [x]
    if x.dtype.kind in "fc":
        for where in [(n // 2 + 1,), (3, n - 2), (n // 2 - 1, n // 2 + 5)]:
            y = x.copy()
            for i in where:
                y[i] = np.nan if x.dtype.kind == "f" else complex(np.nan, i)
            cases.append(y)
    for y in cases:
        w = nd.asarray(y)
        names = ["min", "max", "any", "all"]
        if y.dtype.kind in "iub":
            names += ["sum", "prod"]
        for name in names:
            with np.errstate(all="ignore"):
                want = np.asarray(getattr(np, name)(y))
            got = np.asarray(getattr(nd, name)(w))
            assert got.dtype == want.dtype, name
            assert got.tobytes() == want.tobytes(), (name, got, want)
        two = y.reshape(-1, 1)[: (n // 2) * 2].reshape(2, -1)
        for name in ["min", "max"]:
            want = np.asarray(getattr(np, name)(two, axis=1))
            got = np.asarray(getattr(nd, name)(nd.asarray(two), axis=1))
            assert got.tobytes() == want.tobytes(), name


@pytest.mark.parametrize("code", ["i1", "u1", "i2", "u4", "i8", "u8", "f4", "f8"])
@pytest.mark.parametrize("n", [511, 512, 1000, 4099, 2**18 + 7, 2**20 + 3])
def test_argmax_argmin_by_blocks_as_numpy(code, n):
    # Dense runs are scanned a block at a time (and in halves on two
    # threads from 2^18): the first index of the extreme, the first NaN,
    # ties across blocks and halves, zeros of both signs.
    rng = np.random.default_rng(n)
    x = rng.integers(-20, 20, n).astype(code)
    cases = [x, np.sort(x), np.sort(x)[::-1].copy(), np.full(n, x[0])]
    if x.dtype.kind == "f":
        z = np.zeros(n, code)
        z[rng.integers(0, n, n // 3)] = -0.0
        cases.append(z)
        for where in [(n - 1,), (n // 2 + 3, 5), (n // 2 - 2, n // 2 + 2), (300, 700)]:
            y = x.copy()
            for i in where:
                if i < n:
                    y[i] = np.nan
            cases.append(y)
    for y in cases:
        w = nd.asarray(y)
        for name in ["argmax", "argmin"]:
            assert int(np.asarray(getattr(nd, name)(w))) == int(getattr(np, name)(y)), name
        if n % 2 == 0:
            two = y.reshape(2, -1)
            for name in ["argmax", "argmin"]:
                got = np.asarray(getattr(nd, name)(nd.asarray(two), axis=1))
                np.testing.assert_array_equal(got, getattr(np, name)(two, axis=1))


SPECIAL = [np.nan, np.inf, -np.inf, 2**31, 2**31 - 1, -2**31, -2**31 - 1, 2**32, -1, -0.5, 0.5,
           255.9, 256, -129, 65535.7, 65536, 1e20, -1e20, 3e9, -3e9, 2147483520.0]


@pytest.mark.parametrize("src", ["f8", "f4"])
@pytest.mark.parametrize("dst", ["i1", "i2", "i4", "u1", "u2"])
def test_large_float_to_int_casts_truncate_as_numpy(src, dst):
    # Through a 32-bit truncation (AVX2's packed conversions, NaN and out
    # of range -> INT32_MIN, then the low bits), on threads above 2^18.
    rng = np.random.default_rng(3)
    x = np.concatenate([np.array(SPECIAL * 11), rng.standard_normal(2**18) * 1e5,
                        rng.standard_normal(999) * 1e10]).astype(src)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for arr in (x, x[::-1], x[::3], x[: 2**18].reshape(512, 512).T):
            want = arr.astype(dst)
            got = np.asarray(nd.asarray(arr).astype(dst))
            assert got.tobytes() == want.tobytes()


def test_large_copies_any_layout_and_a_self_overlapping_target():
    a = np.arange(2**20, dtype=np.float64).reshape(1024, 1024)
    for arr in (a, a.T, a[::-1, ::2], np.broadcast_to(a[:1], (1024, 1024))):
        np.testing.assert_array_equal(np.asarray(nd.asarray(arr).copy()), arr.copy(), strict=True)
    # A zero-stride target gets every value in turn: the last one stays.
    target = np.zeros(1, np.float64)
    t = np.lib.stride_tricks.as_strided(target, shape=(2**19,), strides=(0,))
    src = np.arange(2**19, dtype=np.float32)
    w = nd.asarray(t)
    w[...] = nd.asarray(src)
    assert target[0] == 2**19 - 1


@pytest.mark.parametrize("dtype", ["f8", "f4", "f2", "c8", "c16", "i8", "u8", "i1"])
def test_python_ints_beyond_64_bits(dtype):
    # NumPy converts them to a float or complex array's type and refuses
    # them next to integers ("Python int too large to convert to C long").
    x = np.arange(3, dtype=dtype)
    w = nd.asarray(x)
    for s in [2**70, -2**70, 2**64, 2**1100]:
        for args, ours in [((x, s), (w, s)), ((s, x), (s, w))]:
            for name in ["add", "multiply", "subtract"]:
                try:
                    with np.errstate(all="ignore"):
                        want = getattr(np, name)(*args)
                except OverflowError as e:
                    with pytest.raises(OverflowError, match=str(e)):
                        getattr(nd, name)(*ours)
                    continue
                got = np.asarray(getattr(nd, name)(*ours))
                assert got.dtype == want.dtype and got.tobytes() == want.tobytes()
                # Under a where= mask the int converts the same way.
                mask = np.array([True, False, True])
                out, our_out = np.zeros(3, want.dtype), np.zeros(3, want.dtype)
                with np.errstate(all="ignore"):
                    getattr(np, name)(*args, out=out, where=mask)
                getattr(nd, name)(*ours, out=our_out, where=mask)
                assert our_out.tobytes() == out.tobytes()


COMPARISONS = ["equal", "not_equal", "less", "less_equal", "greater", "greater_equal"]
HUGE = [2**64, 2**64 + 1, 2**70, 2**1100, -(2**63) - 1, -(2**70), -(2**1100)]


@given(st.sampled_from(COMPARISONS), st.sampled_from(["?", "i1", "i2", "i4", "i8", "u1", "u2", "u4", "u8", "f4", "f8"]),
       st.sampled_from("<>"), st.sampled_from(HUGE), st.booleans(), st.sampled_from(["plain", "out", "where"]),
       st.integers(0, 2**32 - 1))
def test_comparisons_with_python_ints_beyond_64_bits(name, code, order, huge, int_first, variant, seed):
    # NumPy 2 compares them: next to an integer array every element
    # compares the same way (all true or all false, by the int's sign), with
    # out= and where= as for any comparison; next to booleans it refuses.
    rng = np.random.default_rng(seed)
    dtype = np.dtype(code).newbyteorder(order)
    x = np.array(rng.integers(0, 2, size=(2, 3)), dtype=dtype)
    if dtype.kind in "iu":
        info = np.iinfo(dtype)
        x = rng.integers(info.min, info.max, size=(2, 3), endpoint=True, dtype=dtype.newbyteorder("="))
        x = x.astype(dtype)
        x[0, 0], x[1, 2] = info.min, info.max
    args, ours = ((huge, x), (huge, nd.asarray(x))) if int_first else ((x, huge), (nd.asarray(x), huge))
    kwargs, our_kwargs = {}, {}
    if variant != "plain":
        out = np.full((2, 3), 7, dtype="i1" if variant == "out" else "?")
        kwargs["out"], our_kwargs["out"] = out, out.copy()
    if variant == "where":
        mask = rng.integers(0, 2, size=3).astype(bool)
        kwargs["where"], our_kwargs["where"] = mask, nd.asarray(mask)
    try:
        want = getattr(np, name)(*args, **kwargs)
    except OverflowError as e:
        with pytest.raises(OverflowError, match=str(e)):
            getattr(nd, name)(*ours, **our_kwargs)
        return
    assert dtype.kind != "?", "NumPy refuses these ints next to booleans"
    got = getattr(nd, name)(*ours, **our_kwargs)
    got = np.asarray(our_kwargs["out"] if variant != "plain" else got)
    assert got.dtype == want.dtype and got.shape == want.shape and np.array_equal(got, want)
    if dtype.kind in "iu" and variant == "plain":
        assert got.all() or not got.any()


@pytest.mark.parametrize("name", COMPARISONS)
def test_comparisons_of_python_ints_beyond_64_bits_with_each_other(name):
    for a, b in [(5, 2**70), (2**70, 5), (2**70, 2**71), (-(2**70), -(2**70)), (2**64, 2**64 - 1)]:
        want = getattr(np, name)(a, b)
        got = getattr(nd, name)(a, b)
        assert np.asarray(got).dtype == bool and bool(got) == bool(want), (a, b)
    # Arithmetic keeps refusing them (NumPy's message).
    with pytest.raises(OverflowError, match="too large to convert"):
        nd.add(nd.asarray(np.arange(3)), 2**70)


# In place: the output is exactly an input (a += b, add(a, b, out=b),
# clip(a, lo, hi, out=a)), with run lengths around the dense loop's groups
# (8 elements, 32 for bytes) and array or scalar operands on either side,
# and above the thread threshold (2**15), where the dense call is cut into
# pieces for the team.
IN_PLACE_SIZES = [1, 7, 8, 9, 31, 32, 33, 100, 1001, 2**15 + 9, 100_003]


def _values(code, n, seed):
    rng = np.random.default_rng(seed)
    if code == "?":
        return rng.integers(0, 2, n).astype(bool)
    if np.dtype(code).kind in "iu":
        info = np.iinfo(code)
        return rng.integers(max(info.min, -100), min(info.max, 100), n, endpoint=True).astype(code)
    v = rng.standard_normal(n) * 10
    if np.dtype(code).kind == "c":
        v = v + 1j * rng.standard_normal(n)
    return v.astype(code)


@pytest.mark.parametrize("name", ["add", "subtract", "multiply", "maximum", "minimum", "less", "bitwise_xor",
                                  "true_divide", "arctan2", "copysign"])
@pytest.mark.parametrize("code", ["?", "i1", "u2", "i4", "i8", "f2", "f4", "f8", "c16"])
@pytest.mark.parametrize("n", IN_PLACE_SIZES)
def test_binary_in_place_matches_numpy(name, code, n):
    f_np, f_nd = getattr(np, name), getattr(nd, name)
    x, y = _values(code, n, n), _values(code, n, n + 1)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            want = f_np(x, y)
    except TypeError:
        return  # no loop for this dtype (bitwise on floats...): tested elsewhere
    if want.dtype != x.dtype:
        return  # the result cannot be written back into an input
    for target in ("first", "second", "both", "scalar_first", "scalar_second"):
        a, b = x.copy(), y.copy()
        ta, tb = a.copy(), b.copy()
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            if target == "first":
                f_np(ta, tb, out=ta)
                f_nd(a, b, out=a)
            elif target == "second":
                f_np(ta, tb, out=tb)
                f_nd(a, b, out=b)
            elif target == "both":
                f_np(ta, ta, out=ta)
                f_nd(a, a, out=a)
            elif target == "scalar_first":
                s = ta[n // 2].item()
                f_np(np.asarray(s, code), ta, out=ta)
                f_nd(nd.asarray(np.asarray(s, code)), a, out=a)
            else:
                s = tb[n // 2].item()
                f_np(ta, np.asarray(s, code), out=ta)
                f_nd(a, nd.asarray(np.asarray(s, code)), out=a)
        if code == "c16" and name in ("multiply", "true_divide"):
            # NumPy's own complex loops differ in the last bit between
            # lengths (its SIMD loop fuses multiply-adds, its one-element
            # path does not); ndcore fuses at every length.
            assert np.allclose(a, ta, rtol=4e-16, atol=0), target
            assert np.allclose(b, tb, rtol=4e-16, atol=0), target
            continue
        if name == "arctan2":
            # libm's arctan2: within its bound of NumPy's.
            close_ulps(a, ta, signs=True)
            close_ulps(b, tb, signs=True)
            continue
        assert np.array_equal(a, ta, equal_nan=True), target
        assert np.array_equal(b, tb, equal_nan=True), target


@pytest.mark.parametrize("code", ["i1", "i4", "f4", "f8"])
@pytest.mark.parametrize("n", IN_PLACE_SIZES)
def test_unary_clip_and_operators_in_place_match_numpy(code, n):
    x = _values(code, n, 7 * n)
    for name in ("negative", "square", "absolute"):
        a, t = x.copy(), x.copy()
        getattr(nd, name)(a, out=a)
        getattr(np, name)(t, out=t)
        assert np.array_equal(a, t), name
    a, t = x.copy(), x.copy()
    nd.clip(a, -3, 5, out=a)
    np.clip(t, -3, 5, out=t)
    assert np.array_equal(a, t)
    a, t = x.copy(), x.copy()
    w = nd.asarray(a)
    w += 3
    w *= 2
    w -= w
    t += 3
    t *= 2
    t -= t
    assert np.array_equal(a, t)


@pytest.mark.parametrize("code", ["u1", "i4", "f4", "f8", "c16"])
@pytest.mark.parametrize("n", [2**15 - 1, 2**15, 2**15 + 513, 100_003, 2**18 + 5])
def test_dense_calls_split_for_threads_match_numpy(code, n):
    # One to three dense inputs (0-d and Python scalars read with step 0)
    # into new results, around the size where the call is cut into pieces.
    x, y = _values(code, n, 11 * n), _values(code, n, 13 * n)
    a, b = nd.asarray(x), nd.asarray(y)
    cond = x.real > 0 if code != "u1" else x > 50
    c = nd.asarray(cond)
    pairs = [
        (np.negative(x), nd.negative(a)),
        (np.add(x, y), nd.add(a, b)),
        (np.multiply(3, x), 3 * a),
        (np.subtract(x, 2), a - 2),
        (np.maximum(np.asarray(y[5]), x), nd.maximum(nd.asarray(np.asarray(y[5])), a)),
        (np.where(cond, x, y), nd.where(c, a, b)),
        (np.where(cond, x, 0), nd.where(c, a, 0)),
    ]
    if code != "c16":
        pairs.append((np.clip(x, 2, 9), nd.clip(a, 2, 9)))
    for i, (want, got) in enumerate(pairs):
        assert got.dtype == want.dtype, i
        assert np.array_equal(np.asarray(got), want), i


# Temporary elision (NumPy's): the binding writes `t <op> y` into `t` when
# `t` is a large temporary nobody else can see. `nd._ELIDED` counts reuses.
BIG = 100_000  # 800 KB of float64: above NumPy's 256 KiB threshold


def _elided(f):
    before = nd._ELIDED[0]
    r = f()
    return nd._ELIDED[0] - before, r


def _export(t, keep):
    keep.append(np.asarray(t))
    return t


def _keep_view(t, keep):
    keep.append(t[::2])
    return t


@pytest.mark.skipif(not nd._ELIDE, reason="this Python's reference counts do not allow elision")
def test_temporaries_are_reused_and_values_match_numpy():
    x = np.linspace(-3, 3, BIG)
    w = nd.asarray(x)
    n, r = _elided(lambda: w**2 - 3 * w + 4)
    assert n == 2  # the subtraction and the addition
    assert np.array_equal(r, x**2 - 3 * x + 4)
    n, r = _elided(lambda: 4 - w * 2)  # the temporary on the right
    assert n == 1 and np.array_equal(r, 4 - x * 2)
    n, r = _elided(lambda: w + w * 2)
    assert n == 1 and np.array_equal(r, x + x * 2)
    n, r = _elided(lambda: (w * 2) / 3.0)
    assert n == 1 and np.array_equal(r, (x * 2) / 3.0)
    i = nd.arange(BIG, dtype="i4")
    n, r = _elided(lambda: (i * 2) + 1)
    assert n == 1 and r.dtype == np.int32 and np.array_equal(r, np.arange(BIG, dtype="i4") * 2 + 1)


@pytest.mark.skipif(not nd._ELIDE, reason="this Python's reference counts do not allow elision")
def test_arrays_others_can_see_are_never_reused():
    import operator

    x = np.linspace(-3, 3, BIG)
    w = nd.asarray(x)
    t = w * 2
    n, r = _elided(lambda: t - 1)  # named
    assert n == 0 and np.array_equal(t, x * 2)
    n, r = _elided(lambda: w - 1)  # wraps NumPy's memory
    assert n == 0 and np.array_equal(x, np.linspace(-3, 3, BIG))
    n, r = _elided(lambda: operator.sub(w * 2, 1))  # a C caller holds it
    assert n == 0
    keep = []
    n, r = _elided(lambda: _keep_view(w * 2, keep) + 1)  # a view shares it
    assert n == 0 and np.array_equal(keep[0], (x * 2)[::2])
    exported = []
    n, r = _elided(lambda: _export(w * 2, exported) + 1)  # NumPy holds it (__array_interface__)
    assert n == 0 and np.array_equal(exported[0], x * 2)
    n, r = _elided(lambda: w[::2] * 2 + 1)  # the view's temporary result is reused, not the view
    assert n == 1 and np.array_equal(r, x[::2] * 2 + 1)
    small = nd.asarray(np.arange(1000.0))
    n, r = _elided(lambda: small * 2 + 1)  # below the threshold
    assert n == 0 and np.array_equal(r, np.arange(1000.0) * 2 + 1)
    i = nd.arange(BIG, dtype="i4")
    n, r = _elided(lambda: (i * 2) + 1.5)  # the result is float64: cannot go into int32
    assert n == 0 and r.dtype == np.float64
    n, r = _elided(lambda: (w * 2).reshape(BIG, 1) + w[None, :3])  # broadcasts to a larger shape
    assert n == 0 and np.array_equal(r, (x * 2).reshape(BIG, 1) + x[None, :3])
    f4 = nd.asarray(x.astype("f4"))
    n, r = _elided(lambda: (f4 * 2) + w)  # promotes to float64
    assert n == 0 and r.dtype == np.float64
    with pytest.raises(OverflowError):
        (nd.arange(BIG, dtype="i1") * 1) + 300  # the call's own error, nothing written
