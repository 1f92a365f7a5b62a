"""Arithmetic ufuncs against NumPy: every dtype pair, broadcasting, strided
and negative-stride operands, out= with casting, overlap, and errors."""

import itertools
import warnings

import numpy as np
import pytest
from conftest import BUILTIN, close_ulps, shapes
from hypothesis import given, note
from hypothesis import strategies as st

import ndcore as nd

UFUNCS = ["add", "subtract", "multiply", "divide", "equal", "not_equal", "less", "less_equal",
          "greater", "greater_equal", "maximum", "minimum", "fmax", "fmin", "logical_and",
          "logical_or", "logical_xor", "bitwise_and", "bitwise_or", "bitwise_xor", "left_shift",
          "right_shift", "floor_divide", "remainder", "fmod"]


def values(code, rng, n):
    dt = np.dtype(code)
    if dt.kind == "b":
        return rng.integers(0, 2, n).astype(dt)
    if dt.kind in "iu":
        info = np.iinfo(dt)
        edge = np.array([info.min, info.max, 0, 1, 2], dtype=dt)
        return np.concatenate([edge, rng.integers(info.min, info.max, n, dtype=dt, endpoint=True)])[:n]
    base = np.zeros(1, dt).real.dtype
    special = np.array([0.0, -0.0, np.inf, -np.inf, np.nan, 1.5, -2.25, 1e-5, 3e4])
    with np.errstate(all="ignore"):
        real = np.concatenate([special, rng.standard_normal(n) * 100]).astype(base)[:n]
        if dt.kind == "c":
            out = np.empty(n, dt)
            out.real, out.imag = real, rng.permutation(real)
            return out
    return real


def numpy_call(name, *args, **kw):
    with np.errstate(all="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return getattr(np, name)(*args, **kw)


def same(got, expected, ulps=0, zero_ties=False):
    """Equal dtype, shape and values: integers and bools byte for byte;
    floats exactly, signed zeros included, NaN where NumPy has NaN (the
    sign and payload of a NaN are unspecified in NumPy too). `ulps` allows
    that many units in the last place (complex products: see below)."""
    got = np.asarray(got)
    assert got.dtype == expected.dtype
    assert got.shape == expected.shape
    if got.dtype.kind not in "fc":
        assert np.ascontiguousarray(got).tobytes() == np.ascontiguousarray(expected).tobytes()
        return
    for g, e in ((got.real, expected.real), (got.imag, expected.imag)) if got.dtype.kind == "c" else ((got, expected),):
        g, e = np.ascontiguousarray(g), np.ascontiguousarray(e)
        if zero_ties:
            g, e = g + 0, e + 0  # -0.0 + 0 is +0.0: the sign of a zero tie is not compared
        nan = np.isnan(e)
        assert (np.isnan(g) == nan).all()
        g, e = g[~nan], e[~nan]
        if ulps == 0:
            assert g.tobytes() == e.tobytes()
        else:
            with np.errstate(all="ignore"):
                close = (g == e) | (np.abs(g - e) <= ulps * np.spacing(np.abs(e)))
            assert close.all(), (g[~close], e[~close])


def tolerance(name, dtype):
    """Every result is compared exactly (complex products included: ndcore
    fuses them as NumPy does on FMA machines, like this one)."""
    return 0


def zero_ties(name, dtype):
    """NumPy's float32/float64 fmax and fmin return either operand on a
    +0/-0 tie depending on whether the element went through its vector or
    scalar loop (measured); ndcore returns the second, like its maximum."""
    return name in ("fmax", "fmin") and np.dtype(dtype).char in "fd"


@pytest.mark.parametrize("name", UFUNCS)
def test_every_dtype_pair(name):
    rng = np.random.default_rng(7)
    for c1, c2 in itertools.product(BUILTIN, repeat=2):
        a, b = values(c1, rng, 40), values(c2, rng, 40)
        try:
            expected = numpy_call(name, a, b)
        except TypeError as e:
            with pytest.raises(TypeError) as got:
                getattr(nd, name)(a, b)
            assert str(got.value) == str(e), (c1, c2)
            continue
        same(getattr(nd, name)(a, b), expected, tolerance(name, expected.dtype),
             zero_ties(name, expected.dtype))


@st.composite
def broadcast_pair(draw):
    shape = draw(shapes(max_dims=3, max_side=4))
    other = list(shape[draw(st.integers(0, len(shape))):])
    other = [d if draw(st.booleans()) else 1 for d in other]
    if draw(st.booleans()):
        shape, other = tuple(other), shape
    return tuple(shape), tuple(other)


def strided(arr, rng):
    """The same values in memory with random (possibly negative) strides."""
    if arr.ndim == 0:
        return arr
    big = np.empty(tuple(2 * s + 1 for s in arr.shape), arr.dtype)
    steps = tuple(int(rng.choice([1, 2, -1, -2])) for _ in arr.shape)
    view = big[tuple(slice(None, None, s) for s in steps)][tuple(slice(0, s) for s in arr.shape)]
    view[...] = arr
    return view


@given(st.sampled_from(UFUNCS), broadcast_pair(), st.sampled_from(BUILTIN), st.sampled_from(BUILTIN),
       st.integers(0, 2**32))
def test_broadcasting_and_strides(name, pair, c1, c2, seed):
    rng = np.random.default_rng(seed)
    s1, s2 = pair
    a = values(c1, rng, max(int(np.prod(s1)), 1))[: int(np.prod(s1))].reshape(s1)
    b = values(c2, rng, max(int(np.prod(s2)), 1))[: int(np.prod(s2))].reshape(s2)
    a, b = strided(a, rng), strided(b, rng)
    try:
        expected = numpy_call(name, a, b)
    except (TypeError, ValueError) as e:
        with pytest.raises(type(e)) as got:
            getattr(nd, name)(a, b)
        assert str(got.value) == str(e)
        return
    same(getattr(nd, name)(a, b), expected, tolerance(name, expected.dtype),
         zero_ties(name, expected.dtype))


@given(st.sampled_from(UFUNCS), st.sampled_from(BUILTIN), st.sampled_from(BUILTIN), st.sampled_from(BUILTIN))
def test_out_casting(name, c1, c2, c3):
    rng = np.random.default_rng(1)
    a, b = values(c1, rng, 6).reshape(2, 3), values(c2, rng, 3)
    theirs, ours = np.zeros((2, 3), c3), np.zeros((2, 3), c3)
    try:
        numpy_call(name, a, b, out=theirs)
    except TypeError as e:
        with pytest.raises(TypeError) as got:
            getattr(nd, name)(a, b, out=ours)
        assert str(got.value) == str(e)
        assert not ours.any()
        return
    assert getattr(nd, name)(a, b, out=ours) is ours
    same(ours, theirs, tolerance(name, np.result_type(a, b)), zero_ties(name, np.result_type(a, b)))


@given(st.sampled_from(["add", "subtract", "multiply"]), st.integers(1, 6), st.integers(-3, 3))
def test_overlapping_output_acts_as_if_inputs_were_copied(name, n, shift):
    base = np.arange(12.0)
    ours = base.copy()
    lo, hi = 3, 3 + n
    out_t = base[lo + shift: hi + shift]
    numpy_call(name, base[lo:hi], base[lo:hi][::-1], out=out_t)
    getattr(nd, name)(ours[lo:hi], ours[lo:hi][::-1], out=ours[lo + shift: hi + shift])
    assert ours.tolist() == base.tolist()


def test_errors_match_numpy():
    a = np.arange(6).reshape(2, 3)
    cases = [
        lambda m: m.add(a, np.arange(4)),
        lambda m: m.add(a, a, out=np.zeros(3)),
        lambda m: m.add(a.astype(float), a, out=np.zeros((2, 3), int)),
        lambda m: m.subtract(np.array([True]), np.array([False])),
    ]
    for case in cases:
        with pytest.raises(Exception) as theirs:
            case(np)
        with pytest.raises(Exception) as ours:
            case(nd)
        assert str(ours.value) == str(theirs.value)
        assert isinstance(ours.value, TypeError) == isinstance(theirs.value, TypeError)
    ro = np.broadcast_to(np.zeros(3), (2, 3))
    with pytest.raises(ValueError, match="output array is read-only"):
        nd.add(a, a, out=ro)


def test_operators_on_arrays():
    x = nd.arange(6).reshape(2, 3)
    y = nd.asarray(np.arange(3, dtype=np.int8))
    same(x + y, np.arange(6).reshape(2, 3) + np.arange(3, dtype=np.int8))
    same(x * x - x, np.arange(6).reshape(2, 3) ** 2 - np.arange(6).reshape(2, 3))
    same(x / y, numpy_call("divide", np.arange(6).reshape(2, 3), np.arange(3, dtype=np.int8)))
    z = nd.zeros(3)
    z += nd.asarray(np.ones(3))
    same(z, np.ones(3))
    same(x * 2 + 1, np.arange(6).reshape(2, 3) * 2 + 1)
    n = np.arange(6).reshape(2, 3)
    same((x // 4) % 3, (n // 4) % 3)
    same(~(x << 2) & 7 | 1 ^ x, ~(n << 2) & 7 | 1 ^ n)


UNARY = ["negative", "positive", "absolute", "square", "sqrt", "floor", "ceil", "trunc", "rint",
         "conjugate", "isnan", "isinf", "isfinite", "signbit", "logical_not", "invert",
         "reciprocal", "sign"]


def close_complex(got, expected, ulps=2, precision=None):
    """Complex results within `ulps` units (of `precision`, the loop's
    dtype, default the result's) of the larger magnitude (glibc's csqrt
    rescales extreme inputs; ndcore uses the C99 formula)."""
    got = np.asarray(got)
    assert got.dtype == expected.dtype and got.shape == expected.shape
    nan = np.isnan(expected.real) | np.isnan(expected.imag)
    assert (np.isnan(got.real) | np.isnan(got.imag))[nan].all()
    g, e = got[~nan], expected[~nan]
    with np.errstate(all="ignore"):
        real = np.zeros(1, precision or e.dtype).real.dtype
        scale = np.spacing(np.maximum(np.abs(e.real), np.abs(e.imag)).astype(real)).astype(e.real.dtype)
        ok = ((g.real == e.real) | (np.abs(g.real - e.real) <= ulps * scale)) & (
            (g.imag == e.imag) | (np.abs(g.imag - e.imag) <= ulps * scale))
    assert ok.all(), (g[~ok], e[~ok])


@pytest.mark.parametrize("name", UNARY)
def test_unary_every_dtype(name):
    rng = np.random.default_rng(11)
    for code in BUILTIN:
        a = values(code, rng, 60)
        for src in (a, strided(a, rng)):
            try:
                expected = numpy_call(name, src)
            except TypeError as e:
                with pytest.raises(TypeError) as got:
                    getattr(nd, name)(src)
                assert str(got.value) == str(e), code
                continue
            got = getattr(nd, name)(src)
            if name == "sqrt" and expected.dtype.kind == "c":
                close_complex(got, expected)
            elif name == "absolute" and src.dtype.kind == "c" and not src.flags.c_contiguous:
                # NumPy takes glibc's hypot for strided complex input and its
                # SIMD formula (which ndcore matches exactly) for contiguous
                # input: 1 ulp apart.
                same(got, expected, ulps=1)
            else:
                same(got, expected)


@given(st.sampled_from(UNARY), st.sampled_from(BUILTIN), st.sampled_from(BUILTIN))
def test_unary_out(name, code, out_code):
    rng = np.random.default_rng(2)
    a = values(code, rng, 6).reshape(2, 3)
    theirs, ours = np.zeros((2, 3), out_code), np.zeros((2, 3), out_code)
    try:
        numpy_call(name, a, out=theirs)
    except TypeError as e:
        with pytest.raises(TypeError) as got:
            getattr(nd, name)(a, out=ours)
        assert str(got.value) == str(e)
        return
    assert getattr(nd, name)(a, out=ours) is ours
    if name == "sqrt" and theirs.dtype.kind == "c":
        close_complex(ours, theirs, precision=a.dtype if a.dtype.kind == "c" else None)
    else:
        same(ours, theirs)


def test_unary_operators():
    x = nd.asarray(np.array([-2, 0, 3], np.int8))
    same(-x, -np.array([-2, 0, 3], np.int8))
    same(abs(x), np.abs(np.array([-2, 0, 3], np.int8)))
    same(+x, np.array([-2, 0, 3], np.int8))


SCALARS = [0, 3, -1, 300, 2**40, 2**63, True, False, 1.5, -0.0, 1e10, float("nan"), 1j, 2.5 - 1j]


@pytest.mark.parametrize("name", ["add", "subtract", "multiply", "divide", "less", "equal", "maximum",
                                  "floor_divide", "remainder", "bitwise_and", "left_shift", "logical_or"])
def test_python_scalars_promote_as_nep50(name):
    rng = np.random.default_rng(3)
    for code in BUILTIN:
        a = values(code, rng, 8)
        for s in SCALARS:
            for args in ((a, s), (s, a)):
                try:
                    expected = numpy_call(name, *args)
                except Exception as e:
                    with pytest.raises(type(e)) as got:
                        getattr(nd, name)(*args)
                    assert str(got.value) == str(e), (code, s)
                    continue
                got = getattr(nd, name)(*args)
                same(got, expected, zero_ties=zero_ties(name, expected.dtype))


def test_scalars_alone_use_default_dtypes():
    same(nd.add(2, 3), np.add(np.array(2), np.array(3)))
    same(nd.add(2, 3.5), np.asarray(np.add(2, 3.5)))


MATH1 = ["exp", "exp2", "expm1", "log", "log2", "log10", "log1p", "sin", "cos", "tan", "arcsin",
         "arccos", "arctan", "sinh", "cosh", "tanh", "arcsinh", "arccosh", "arctanh", "cbrt",
         "deg2rad", "rad2deg"]
MATH2 = ["arctan2", "hypot", "copysign", "nextafter", "float_power"]

@pytest.mark.parametrize("name", MATH1)
def test_transcendentals_real(name):
    rng = np.random.default_rng(13)
    for code in BUILTIN:
        a = values(code, rng, 80)
        if np.dtype(code).kind == "f":
            a = np.concatenate([a, (rng.uniform(-1, 1, 20)).astype(code)])
        try:
            expected = numpy_call(name, a)
        except TypeError as e:
            with pytest.raises(TypeError):
                getattr(nd, name)(a)
            continue
        if expected.dtype.kind == "c":
            # Complex: glibc's C99 functions or NumPy's formulas, as NumPy:
            # bit for bit.
            same(getattr(nd, name)(a), expected)
        else:
            close_ulps(getattr(nd, name)(a), expected)


@pytest.mark.parametrize("name", MATH2)
def test_binary_math_real(name):
    rng = np.random.default_rng(17)
    for c1, c2 in itertools.product([c for c in BUILTIN if np.dtype(c).kind != "c"], repeat=2):
        a, b = values(c1, rng, 40), values(c2, rng, 40)
        try:
            expected = numpy_call(name, a, b)
        except TypeError as e:
            with pytest.raises(TypeError) as got:
                getattr(nd, name)(a, b)
            assert str(got.value) == str(e)
            continue
        if name in ("copysign", "nextafter"):
            same(getattr(nd, name)(a, b), expected)
        else:
            close_ulps(getattr(nd, name)(a, b), expected)


def test_power_real_dtypes():
    rng = np.random.default_rng(23)
    real = [c for c in BUILTIN if np.dtype(c).kind != "c"]
    for c1, c2 in itertools.product(real, repeat=2):
        a, b = values(c1, rng, 40), values(c2, rng, 40)
        if np.dtype(c2).kind in "iu" or np.dtype(c2).kind == "b":
            b = np.abs(b) % np.array(9, b.dtype) if b.dtype.kind != "b" else b
        try:
            expected = numpy_call("power", a, b)
        except Exception as e:
            with pytest.raises(type(e)) as got:
                nd.power(a, b)
            assert str(got.value) == str(e)
            continue
        got = nd.power(a, b)
        if expected.dtype.kind == "f":
            close_ulps(got, expected)
        else:
            same(got, expected)


def test_negative_integer_powers_are_refused_before_writing():
    out = np.full(3, 9)
    with pytest.raises(ValueError, match="Integers to negative integer powers are not allowed."):
        nd.power(np.array([2, 2, 2]), np.array([1, -1, 2]), out=out)
    # NumPy writes the elements before the bad one; ndcore writes nothing.
    assert out.tolist() == [9, 9, 9]
    # Broadcast exponents: checked when the call has elements, as NumPy's
    # loop sees them; an empty call raises nothing.
    base, exps = np.ones((2, 3), np.int64), np.array([[2], [-1]])
    with pytest.raises(ValueError, match="Integers to negative integer powers are not allowed."):
        nd.power(base, exps)
    empty = np.empty((0, 3), np.int64)
    same(nd.power(empty, np.array([-1, 2, 3])), np.power(empty, np.array([-1, 2, 3])))
    x = nd.arange(5)
    same(x ** 2, np.arange(5) ** 2)
    same(2 ** x, 2 ** np.arange(5))
    same(nd.asarray(np.arange(4.0, dtype=np.float32)) ** 0.5, np.arange(4.0, dtype=np.float32) ** 0.5)


@pytest.mark.parametrize("name", ["power", "float_power"])
def test_complex_power(name):
    # NumPy's nc_pow: exact small-integer exponents by multiplication,
    # zero bases, cpow otherwise: bit for bit (same glibc, same formula).
    rng = np.random.default_rng(29)
    for code in ("c8", "c16"):
        z = values(code, rng, 60)
        z[:4] = [0, complex(-0.0, 0.0), 1j, 2 - 3j]
        exps = np.array([0, 1, 2, 3, -1, -2, 7, -99, 100, 0.5, 2.5 + 1j, 1j, -1 + 1j, np.nan, np.inf], code)
        for e in exps:
            for other in (np.array(e, code), np.full(z.shape, e, code)):
                same(getattr(nd, name)(z, other), numpy_call(name, z, other))
        b = values(code, rng, 60)
        same(getattr(nd, name)(z, b), numpy_call(name, z, b))


@pytest.mark.parametrize("scalar", [np.float64(1.5), np.complex128(1 + 2j), np.float16(2), np.int64(3)])
def test_numpy_scalars_are_strong_operands(scalar):
    """numpy.float64 and numpy.complex128 subclass Python's float and
    complex, but under NEP 50 NumPy scalars keep their dtype (not weak)."""
    x = np.arange(3, dtype=np.float32)
    assert nd.add(x, scalar).dtype == np.add(x, scalar).dtype
    assert nd.multiply(scalar, x).dtype == np.multiply(scalar, x).dtype


@pytest.mark.parametrize("bad_out", [np.float64(0.0), [0.0, 0.0], 0.0, (np.float64(0.0),)])
@pytest.mark.parametrize("call", [
    lambda m, x, out: m.add(x, x, out=out),
    lambda m, x, out: m.add(x, x, out=out, where=x > 1),
    lambda m, x, out: m.negative(x, out=out),
    lambda m, x, out: m.clip(x, 0, 1, out=out),
    lambda m, x, out: m.sum(x, out=out),
    lambda m, x, out: m.min(x, out=out),
    lambda m, x, out: m.mean(x, out=out),
    lambda m, x, out: m.argmax(x, out=out),
    lambda m, x, out: m.argmin(x, out=out),
    lambda m, x, out: m.cumsum(x, out=out),
    lambda m, x, out: m.matmul(x, x, out=out),
    lambda m, x, out: m.dot(x, x, out=out),
    lambda m, x, out: m.outer(x, x, out=out),
    lambda m, x, out: m.trace(m.ones((2, 2)), out=out),
])
def test_out_that_is_not_an_array_is_refused(call, bad_out):
    """NumPy refuses an `out` that is not an array (a NumPy scalar, a list,
    a float): converting it would write the result into a copy nobody
    sees. Every entry point taking `out` gives NumPy's TypeError, with
    NumPy's message for that function."""
    x = np.array([0.5, 2.0])
    with pytest.raises(TypeError) as theirs:
        call(np, x, bad_out)
    with pytest.raises(TypeError) as ours:
        call(nd, nd.asarray(x), bad_out)
    assert str(ours.value) == str(theirs.value)


@pytest.mark.parametrize("call", [
    lambda m, x: m.add(x, x, out=()),
    lambda m, x: m.add(x, x, out=(np.zeros(3), np.zeros(3))),
    lambda m, x: m.negative(x, out=(np.zeros(3), np.zeros(3))),
    lambda m, x: m.add(x, x, out=(np.zeros(3), np.zeros(3)), where=x > 1),
    lambda m, x: m.divmod(x, 2.0, out=(np.zeros(3),)),
    lambda m, x: m.divmod(x, 2.0, out=np.zeros(3)),
    lambda m, x: m.divmod(x, 2.0, out=None),
    lambda m, x: m.divmod(x, 2.0, out=(np.zeros(3), [0.0, 0.0, 0.0])),
    lambda m, x: m.divmod(x, 2.0, out=(np.float64(0), None)),
    lambda m, x: m.sum(x, out=(np.zeros(()), np.zeros(()))),
    lambda m, x: m.where(x > 1, x),
])
def test_out_tuples_and_where_arity_errors_match_numpy(call):
    """`out` tuples of the wrong length, divmod's out that is not a tuple
    of arrays, and where() with only one of x and y: NumPy's exception
    type and message; nothing is written."""
    x = np.arange(1.0, 4.0)
    with pytest.raises(Exception) as theirs:
        call(np, x)
    with pytest.raises(Exception) as ours:
        call(nd, nd.asarray(x))
    assert (type(ours.value), str(ours.value)) == (type(theirs.value), str(theirs.value))


def test_divmod_and_one_tuple_outs_write_where_numpy_does():
    x = np.arange(1.0, 6.0)
    want_q, want_r = np.divmod(x, 2.0)
    r = np.full(5, 7.0)
    q, got_r = nd.divmod(nd.asarray(x), 2.0, out=(None, r))
    assert got_r is r
    np.testing.assert_array_equal(r, want_r)
    np.testing.assert_array_equal(np.asarray(q), want_q)
    o = np.zeros(5)
    assert nd.add(x, x, out=(o,)) is o
    np.testing.assert_array_equal(o, x + x)
    s = np.zeros(())
    nd.sum(x, out=(s,))
    assert s == x.sum()
    with pytest.raises(NotImplementedError, match="nonzero"):
        nd.where(x > 1)


@st.composite
def _call_shapes(draw):
    """An out shape and input (and mask) shapes that broadcast to it, to a
    part of it, or (sometimes) not at all."""
    out = draw(shapes(max_dims=3, max_side=3))
    def part():
        k = draw(st.integers(0, len(out)))
        s = [1 if draw(st.integers(0, 2)) == 0 else d for d in out[len(out) - k:]]
        if s and draw(st.integers(0, 9)) == 0:
            s[0] = s[0] + 1  # does not broadcast
        return tuple(s)
    mask = part() if draw(st.booleans()) else None
    return part(), part(), out, mask


@given(_call_shapes(), st.sampled_from(["add", "multiply", "maximum", "arctan2", "negative"]),
       st.booleans())
def test_out_sets_the_call_shape_as_in_numpy(call_shapes, name, overlap):
    """NumPy broadcasts the inputs up to an `out` larger than their shape
    (`np.add(row, 1, out=matrix)` fills every row); `out` itself is never
    broadcast, and the errors list inputs, out and mask. Values exact,
    errors with NumPy's type and message; a failing call writes nothing.
    With `overlap`, the first input is a view of `out` (read as if copied
    first)."""
    a_shape, b_shape, out_shape, mask_shape = call_shapes
    kw = {}
    if mask_shape is not None:
        kw["where"] = np.arange(int(np.prod(mask_shape))).reshape(mask_shape) % 3 != 1
    results = []
    for m in (np, nd):
        out = np.full(out_shape, -7.0)
        a = np.arange(int(np.prod(a_shape)), dtype=np.float64).reshape(a_shape) + 0.5
        if overlap and out.size and len(a_shape) <= len(out_shape) and all(
                d in (1, o) for d, o in zip(a_shape, out_shape[len(out_shape) - len(a_shape):])):
            # A view of out's first elements with a's shape, holding a.
            extra = out.ndim - len(a_shape)
            view = out[(0,) * extra + tuple(slice(0, d) for d in a_shape) + (Ellipsis,)]
            view[...] = a
            a = view
        args = (a,) if name == "negative" else (a, np.arange(int(np.prod(b_shape)), dtype=np.float64).reshape(b_shape) - 1.0)
        before = out.copy()
        try:
            getattr(m, name)(*(args if m is np else map(nd.asarray, args)), out=out, **kw)
            results.append(("ok", out))
        except ValueError as e:
            np.testing.assert_array_equal(out, before)
            results.append((type(e).__name__, str(e)))
    (kind_np, got_np), (kind_nd, got_nd) = results
    assert kind_nd == kind_np, results
    if kind_np == "ok" and name == "arctan2":
        close_ulps(got_nd, got_np, signs=True)  # libm's: within its bound
    elif kind_np == "ok":
        np.testing.assert_array_equal(got_nd, got_np)
    else:
        assert got_nd == got_np


@given(_call_shapes(), st.sampled_from(["q", "r", "both"]))
def test_divmod_outs_set_the_call_shape_as_in_numpy(call_shapes, given_outs):
    """divmod's outputs take part in broadcasting as any ufunc's `out`:
    inputs broadcast up to them, a missing output takes the call's shape,
    and when the shapes do not broadcast NumPy's message lists the given
    outputs too (checked before any work). Nothing written on error."""
    a_shape, b_shape, out_shape, _ = call_shapes
    results = []
    for m in (np, nd):
        a = np.arange(int(np.prod(a_shape)), dtype=np.float64).reshape(a_shape) + 0.5
        b = np.arange(int(np.prod(b_shape)), dtype=np.float64).reshape(b_shape) % 3 + 1.0
        q = np.full(out_shape, -7.0) if given_outs in ("q", "both") else None
        r = np.full(out_shape, -7.0) if given_outs in ("r", "both") else None
        try:
            got = m.divmod(a if m is np else nd.asarray(a), b if m is np else nd.asarray(b), out=(q, r))
            results.append(("ok", tuple(np.asarray(x) for x in got)))
        except ValueError as e:
            for o in (q, r):
                assert o is None or (o == -7.0).all()
            results.append((type(e).__name__, str(e)))
    (kind_np, got_np), (kind_nd, got_nd) = results
    assert kind_nd == kind_np, results
    if kind_np == "ok":
        for g, w in zip(got_nd, got_np):
            assert g.shape == w.shape
            np.testing.assert_array_equal(g, w)
    else:
        assert got_nd == got_np


def _read_only(shape, dtype=np.float64):
    a = np.zeros(shape, dtype)
    a.flags.writeable = False
    return a


@pytest.mark.parametrize("call", [
    lambda m, x: m.add(x, x, out=_read_only((2, 3))),
    lambda m, x: m.sum(x, axis=0, out=_read_only(3)),
    lambda m, x: m.max(x, axis=0, out=_read_only(3)),
    lambda m, x: m.mean(x, axis=0, out=_read_only(3)),
    lambda m, x: m.cumsum(x, axis=0, out=_read_only((2, 3))),
    lambda m, x: m.clip(x, 0, 1, out=_read_only((2, 3))),
    lambda m, x: m.matmul(x, x.T, out=_read_only((2, 2))),
    lambda m, x: m.dot(x, x.T, out=_read_only((2, 2))),
    lambda m, x: m.trace(x, out=_read_only(())),
])
def test_read_only_out_errors_match_numpy(call):
    """A read-only `out`: NumPy's ValueError and message ("output array is
    read-only"; dot's "not acceptable"), nothing written."""
    x = np.arange(6.0).reshape(2, 3)
    with pytest.raises(ValueError) as theirs:
        call(np, x)
    with pytest.raises(ValueError) as ours:
        call(nd, nd.asarray(x))
    assert str(ours.value) == str(theirs.value)


def test_read_only_out_of_argmax_says_so():
    """NumPy's argmax says "WRITEBACKIFCOPY base is read-only" (its
    internals); ndcore says what every other out says."""
    with pytest.raises(ValueError, match="^output array is read-only$"):
        nd.argmax(nd.asarray(np.arange(6.0).reshape(2, 3)), axis=0, out=_read_only(3, np.intp))


def test_result_layout_follows_numpy():
    """A new result is laid out in the axis order NumPy's iterator gives
    the inputs (order='K': Fortran-ordered, transposed or reversed inputs
    give a result laid out as they are; broadcast axes abstain; inputs
    that disagree keep C order): strides and values equal NumPy's."""
    f = np.asfortranarray(np.arange(12.0).reshape(3, 4))
    c = np.arange(12.0).reshape(3, 4)
    cube = np.arange(24.0).reshape(2, 3, 4)
    cases = [(f, f), (f, np.ones(4)), (f, c), (c, f), (f, np.asfortranarray(np.ones((1, 4)))),
             (f, 2.0), (c.T, c.T), (f[:, ::2], f[:, ::2]), (np.ones((3, 1)), np.ones(4)),
             (c[::-1], c[::-1]), (c[:, ::-1].T, 1.0), (f[::2], c[::2])]
    for p in itertools.permutations(range(3)):
        for q in itertools.permutations(range(3)):
            a, b = cube.transpose(p), cube.transpose(q)
            if a.shape == b.shape:
                cases.append((a, b))
        cases.append((cube.transpose(p), cube.transpose(p)[:1]))
    for a, b in cases:
        want = np.add(a, b)
        got = nd.add(a, b)
        same(got, want)
        assert got.strides == want.strides, (a.strides, getattr(b, "strides", b))
