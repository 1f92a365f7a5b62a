"""astype and copies across every pair of builtin dtypes, byte orders and
layouts: ndcore against NumPy, compared byte for byte."""

import itertools
import warnings

import numpy as np
import pytest
from conftest import BUILTIN, shapes
from hypothesis import given
from hypothesis import strategies as st

import ndcore as nd

PAIRS = list(itertools.product(BUILTIN, BUILTIN))


def source_values(code, rng, n):
    """Values of dtype `code` including edge cases: zeros of both signs,
    extremes, NaN and infinities for floats."""
    dt = np.dtype(code)
    if dt.kind == "b":
        return rng.integers(0, 2, n).astype(dt)
    if dt.kind in "iu":
        info = np.iinfo(dt)
        edge = np.array([info.min, info.max, 0, 1, info.min + 1, info.max - 1], dtype=dt)
        return np.concatenate([edge, rng.integers(info.min, info.max, n, dtype=dt, endpoint=True)])
    base = dt.type(0).real.dtype
    info = np.finfo(base)
    specials = np.array([0.0, -0.0, np.nan, np.inf, -np.inf, info.max, info.tiny, 0.5, -1.5, 255.5, 65504.0],
                        dtype=np.float64)
    scale = rng.choice([1.0, 1e3, 1e-3, 1e30, 1e-30], n)
    vals = np.concatenate([specials, rng.standard_normal(n) * scale])
    with np.errstate(all="ignore"):
        real = vals.astype(base)
        if dt.kind == "c":
            out = np.empty(real.size, dt)
            out.real = real
            out.imag = rng.permutation(real)
            return out
        return real


def in_range_for(src, dst):
    """Mask of the source values whose cast is defined: a float or complex
    going to an integer must be finite and, truncated, inside the integer's
    range (C and NumPy leave the rest undefined; NumPy's own results differ
    between SIMD and scalar paths)."""
    if src.dtype.kind not in "fc" or np.dtype(dst).kind not in "iu":
        return np.ones(src.shape, bool)
    info = np.iinfo(dst)
    with np.errstate(all="ignore"):
        r = np.trunc(src.real.astype(np.float64))
        return np.isfinite(r) & (r >= float(info.min)) & (r <= float(info.max)) & (
            r < 2.0 ** (8 * np.dtype(dst).itemsize - (np.dtype(dst).kind == "i")))


def numpy_astype(a, dst):
    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore")
        return a.astype(dst)


@pytest.mark.parametrize("src,dst", PAIRS, ids=[f"{a}->{b}" for a, b in PAIRS])
def test_astype_every_builtin_pair(src, dst):
    rng = np.random.default_rng(abs(hash((src, dst))) % 2**32)
    a = source_values(src, rng, 200)
    a = a[in_range_for(a, dst)]
    expected = numpy_astype(a, dst)
    got = np.asarray(nd.asarray(a).astype(dst))
    assert got.dtype == expected.dtype
    assert got.tobytes() == expected.tobytes()


@pytest.mark.parametrize("src,dst", [("f8", "i1"), ("f8", "u4"), ("f4", "u8"), ("f2", "i4"), ("c16", "u2")])
def test_out_of_range_float_to_int_is_numpys_scalar_path(src, dst):
    # Undefined in C; ndcore gives what NumPy gives element by element (its
    # scalar loop), e.g. for strided input, on x86-64.
    with np.errstate(over="ignore"):
        a = np.array([np.nan, np.inf, -np.inf, 1e30, -3e9, 3e9, 1e19, -129.5, 300.7]).astype(src)
    strided = np.repeat(a, 2)[::2]
    expected = numpy_astype(strided, dst)
    got = np.asarray(nd.asarray(strided).astype(dst))
    assert got.tobytes() == expected.tobytes()


@given(shapes(max_dims=3), st.sampled_from(BUILTIN), st.sampled_from(BUILTIN),
       st.sampled_from("<>"), st.sampled_from("<>"), st.integers(0, 2**32),
       st.sampled_from(["C", "F", "A", "K"]))
def test_astype_strided_and_byteswapped(shape, src, dst, src_order, dst_order, seed, copy_order):
    rng = np.random.default_rng(seed)
    n = int(np.prod([2 * s + 1 for s in shape]))
    base = source_values(src, rng, max(n, 1))[:n]
    if np.dtype(dst).kind in "iu":
        base = np.where(in_range_for(base, dst), base, 0).astype(base.dtype)
    big = base.reshape([2 * s + 1 for s in shape]).astype(np.dtype(src).newbyteorder(src_order))
    index = tuple(slice(None, None, int(rng.choice([1, 2, -1, -2]))) for _ in shape)
    a = big[index][tuple(slice(0, s) for s in shape)] if shape else big[...]
    target = np.dtype(dst).newbyteorder(dst_order)
    expected = numpy_astype(a, target)
    ours = nd.asarray(a).astype(target)
    got = np.asarray(ours)
    assert got.dtype == expected.dtype
    assert got.shape == expected.shape
    # order='K' keeps the source's axis order, as NumPy's astype does.
    assert ours.strides == expected.strides
    assert np.ascontiguousarray(got).tobytes() == np.ascontiguousarray(expected).tobytes()
    copy = nd.asarray(a).copy(copy_order)
    np_copy = a.copy(copy_order)
    assert copy.strides == np_copy.strides
    assert np.asarray(copy).tobytes() == np_copy.tobytes()


@pytest.mark.parametrize("casting", ["no", "equiv", "safe", "same_kind"])
def test_astype_refuses_what_numpy_refuses(casting):
    for src, dst in PAIRS:
        a = np.zeros(3, src)
        if np.can_cast(src, dst, casting):
            nd.asarray(a).astype(dst, casting=casting)
            continue
        with pytest.raises(TypeError) as ours:
            nd.asarray(a).astype(dst, casting=casting)
        with pytest.raises(TypeError) as theirs:
            a.astype(dst, casting=casting)
        assert str(ours.value) == str(theirs.value)


def test_byteswapped_records_astype_native():
    big = np.dtype([("time", ">u8"), ("pos", [("x", ">f8"), ("y", ">f4", (2,))])])
    a = np.zeros(3, big)
    a["time"] = [1, 2, 3]
    a["pos"]["x"] = [0.5, -1.5, 2.5]
    a["pos"]["y"] = [[1, 2], [3, 4], [5, 6]]
    native = big.newbyteorder("=")
    got = np.asarray(nd.asarray(a).astype(native, casting="equiv")).view(native)
    np.testing.assert_array_equal(got, a.astype(native))
    assert got.tobytes() == a.astype(native).tobytes()


def test_float64_to_float16_rounds_once():
    # Values just above a float16 halfway point: rounding to float32 first
    # would land on the halfway point and then round to even (down).
    rng = np.random.default_rng(7)
    x = rng.standard_normal(200_000) * 100
    x = np.concatenate([x, 1.0 + 2.0**-11 + 2.0**-40 * np.arange(1, 50), [-(1.0 + 2.0**-11 + 2.0**-40)]])
    got = np.asarray(nd.asarray(x).astype("f2"))
    assert got.view("u2").tolist() == x.astype("f2").view("u2").tolist()
