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
