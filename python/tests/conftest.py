"""Shared settings and strategies for the differential tests: every test
runs the same operation in ndcore and NumPy and compares the results."""

import numpy as np
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

settings.register_profile(
    "ndcore",
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
# A deeper search for local runs: NDCORE_HYPOTHESIS=thorough make test-python
settings.register_profile(
    "thorough",
    max_examples=3000,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.load_profile(__import__("os").environ.get("NDCORE_HYPOTHESIS", "ndcore"))

BUILTIN = ["?", "i1", "i2", "i4", "i8", "u1", "u2", "u4", "u8", "f2", "f4", "f8", "c8", "c16"]


def builtin_dtypes(byteorders="<>="):
    return st.builds(
        lambda code, order: np.dtype(code).newbyteorder(order),
        st.sampled_from(BUILTIN),
        st.sampled_from(list(byteorders)),
    )


names = st.text(
    alphabet=st.characters(min_codepoint=33, max_codepoint=126, exclude_characters="\\"),
    min_size=1,
    max_size=6,
)


@st.composite
def record_dtypes(draw, depth=2):
    """Structured dtypes: nested records, sub-array fields, maybe aligned."""
    n = draw(st.integers(1, 4))
    fields = draw(st.lists(names, min_size=n, max_size=n, unique=True))
    items = []
    for name in fields:
        if depth > 0 and draw(st.integers(0, 4)) == 0:
            base = draw(record_dtypes(depth=depth - 1))
        else:
            base = draw(builtin_dtypes())
        if draw(st.integers(0, 4)) == 0:
            shape = tuple(draw(st.lists(st.integers(1, 3), min_size=1, max_size=2)))
            items.append((name, base, shape))
        else:
            items.append((name, base))
    return np.dtype(items, align=draw(st.booleans()))


def shapes(max_dims=4, max_side=5):
    return st.lists(st.integers(0, max_side), min_size=0, max_size=max_dims).map(tuple)


# The documented bound for transcendental functions (and power): ndcore
# calls glibc's libm; NumPy 2.4 on a machine with AVX-512 uses its own SIMD
# versions for some (exp, log, sin, cos, arctan2, power, ... in float32 and
# float64), up to a few ulps from glibc's, and glibc's elsewhere. float16
# goes through float32 in both, so it may differ by one float16 ulp where
# the float32 values straddle a float16 rounding edge.
ULPS = {"float16": 1, "float32": 4, "float64": 4}


def close_ulps(got, expected, signs=False):
    """`got` is `expected` within ULPS of its dtype: NaNs and infinities
    where NumPy has them, every other value within the bound; with `signs`,
    the same sign bits (zeros included) wherever NumPy's is not NaN."""
    got = np.asarray(got)
    assert got.dtype == expected.dtype and got.shape == expected.shape
    nan = np.isnan(expected)
    assert (np.isnan(got) == nan).all()
    g, e = got[~nan], expected[~nan]
    if signs:
        assert (np.signbit(g) == np.signbit(e)).all()
    inf = np.isinf(e)
    assert (g[inf] == e[inf]).all()
    g, e = g[~inf], e[~inf]
    with np.errstate(all="ignore"):
        ok = (g == e) | (np.abs(g.astype(np.float64) - e) <= ULPS[str(e.dtype)] * np.spacing(np.abs(e)).astype(np.float64))
    assert ok.all(), (g[~ok], e[~ok])
