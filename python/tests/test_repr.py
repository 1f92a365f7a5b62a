"""repr(array) against NumPy's default print options."""

import numpy as np
import pytest
from conftest import BUILTIN, shapes
from hypothesis import given
from hypothesis import strategies as st

import ndcore as nd


def check(a):
    assert repr(nd.asarray(a)) == repr(a)


@given(shapes(max_dims=3, max_side=6), st.sampled_from(["?", "i1", "i2", "i4", "i8", "u1", "u2", "u4", "u8"]),
       st.integers(0, 2**32))
def test_integers_and_bools(shape, code, seed):
    rng = np.random.default_rng(seed)
    dt = np.dtype(code)
    if dt.kind == "b":
        a = rng.integers(0, 2, shape).astype(dt)
    else:
        info = np.iinfo(dt)
        a = rng.integers(info.min, info.max, shape, dtype=dt, endpoint=True)
    check(a)


FLOATS = st.one_of(
    st.floats(allow_nan=True, allow_infinity=True),
    st.floats(-1e3, 1e3),
    st.integers(-10**6, 10**6).map(float),
    st.sampled_from([0.0, -0.0, 0.1, 0.5, 1e-5, 1e8, 123456789.0, 1 / 3]),
)


@given(st.lists(FLOATS, min_size=0, max_size=12), st.sampled_from(["f2", "f4", "f8"]))
def test_floats(values, code):
    with np.errstate(all="ignore"):
        check(np.array(values, dtype=np.float64).astype(code))


@given(st.lists(st.complex_numbers(max_magnitude=1e4, allow_nan=False), min_size=1, max_size=6),
       st.sampled_from(["c8", "c16"]))
def test_complex(values, code):
    check(np.array(values, dtype=code))


@pytest.mark.parametrize(
    "make",
    [
        lambda: np.arange(2000),
        lambda: np.arange(1001.0).reshape(7, 143),
        lambda: np.arange(30).reshape(2, 3, 5).astype(np.int8),
        lambda: np.zeros((0, 3)),
        lambda: np.zeros(0, np.int16),
        lambda: np.array(5),
        lambda: np.array(2.5, np.float32),
        lambda: np.array([1e-10, 1.0, 1e10]),
        lambda: np.array([np.nan, -np.inf, 1.5]),
        lambda: np.linspace(0, 1, 30),
        lambda: np.arange(100000.0).reshape(100, 1000),
        lambda: np.arange(6, dtype=">i4"),
        lambda: np.ones(3, [("time", "<u8"), ("pos", [("x", "<f8"), ("y", "<f8")])]),
        lambda: np.zeros(2, [("a", "<f4", (2,)), ("b", "?")]),
        lambda: np.array([True, False]),
        lambda: np.eye(3, dtype=np.complex64),
    ],
)
def test_examples(make):
    check(make())
