"""where, clip, divmod and the ufuncs' where= mask against NumPy: every
dtype, broadcasting, strided operands, Python scalars, out=, NaN and signed
zeros, and the errors."""

import warnings

import numpy as np
import pytest
from conftest import BUILTIN, close_ulps
from hypothesis import given
from hypothesis import strategies as st
from test_ufuncs import broadcast_pair, numpy_call, same, strided, values

import ndcore as nd


def base_error(e):
    """The builtin exception type NumPy's error derives from (NumPy raises
    private subclasses such as _UFuncNoLoopError)."""
    for t in (OverflowError, TypeError, ValueError):
        if isinstance(e, t):
            return t
    return type(e)


def np_quiet(f, *a, **k):
    with np.errstate(all="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return f(*a, **k)


@given(st.sampled_from(BUILTIN), st.sampled_from(BUILTIN), st.sampled_from(BUILTIN), broadcast_pair(),
       st.integers(0, 2**32))
def test_where_matches_numpy(cc, cx, cy, pair, seed):
    rng = np.random.default_rng(seed)
    s1, s2 = pair
    cond = strided(values(cc, rng, max(int(np.prod(s1)), 1))[: int(np.prod(s1))].reshape(s1), rng)
    x = strided(values(cx, rng, max(int(np.prod(s2)), 1))[: int(np.prod(s2))].reshape(s2), rng)
    y = values(cy, rng, 3)[:1].reshape(())
    expected = np.where(cond, x, y)
    same(nd.where(cond, x, y), expected)
    same(nd.where(cond, y, x), np.where(cond, y, x))


@pytest.mark.parametrize("code", BUILTIN)
@pytest.mark.parametrize("scalars", [(1, 2.5), (300, -1), (True, 0), (1j, 2), (-7, 7)])
def test_where_python_scalars(code, scalars):
    rng = np.random.default_rng(3)
    arr = values(code, rng, 7)
    cond = rng.integers(0, 2, 7).astype(bool)
    for x, y in [(arr, scalars[0]), (scalars[0], arr), scalars]:
        try:
            expected = np_quiet(np.where, cond, x, y)
        except Exception as e:
            with pytest.raises(base_error(e)):
                nd.where(cond, x, y)
            continue
        same(nd.where(cond, x, y), expected)


@given(st.sampled_from(BUILTIN), st.sampled_from(BUILTIN), st.integers(0, 2**32))
def test_clip_arrays_match_numpy(code, bound_code, seed):
    rng = np.random.default_rng(seed)
    a = strided(values(code, rng, 24).reshape(4, 6), rng)
    lo = values(bound_code, rng, 6)
    hi = values(bound_code, rng, 4).reshape(4, 1)
    for args in [(lo, hi), (lo, None), (None, hi), (hi, lo)]:
        try:
            expected = np_quiet(np.clip, a, *args)
        except Exception as e:
            with pytest.raises(base_error(e)) as got:
                nd.clip(a, *args)
            assert str(got.value) == str(e)
            continue
        same(nd.clip(a, *args), expected)


@pytest.mark.parametrize("code", BUILTIN)
@pytest.mark.parametrize("bounds", [(0, 300), (-300, 50), (None, 5), (1.5, 3), (None, None), (-1, 1),
                                    (2**63, None), (-2**70, 3), (300, 400), (-0.0, 0.0),
                                    (float("nan"), 1.0), (0, float("nan")), (1 + 1j, 2 - 1j)])
def test_clip_python_bounds(code, bounds):
    if np.dtype(code).kind not in "iu" and any(type(b) is int and abs(b) >= 2**64 for b in bounds):
        pytest.skip("known gap: Python ints beyond 64 bits reach C only for integer arrays' clip")
    rng = np.random.default_rng(5)
    a = values(code, rng, 9)
    try:
        expected = np_quiet(np.clip, a, *bounds)
    except Exception as e:
        with pytest.raises(base_error(e)) as got:
            nd.clip(a, *bounds)
        assert str(got.value) == str(e)
        return
    same(nd.clip(a, *bounds), expected)
    same(nd.asarray(a).clip(*bounds), expected)


def test_clip_out_and_signed_zeros():
    x = np.array([np.nan, -0.0, 0.0, 1.0, 5.0, -3.0])
    for code in ("f2", "f4", "f8"):
        xc = x.astype(code)
        got = np.asarray(nd.clip(xc, np.array(-0.0, code), np.array(0.0, code)))
        assert got.tobytes() == np.clip(xc, np.array(-0.0, code), np.array(0.0, code)).tobytes()
    out = np.zeros(6, np.int16)
    a = np.arange(6, dtype=np.int8)
    assert nd.clip(a, 2, 4, out=out) is out
    assert out.tolist() == np.clip(a, 2, 4).tolist()
    with pytest.raises(TypeError, match="Cannot cast ufunc 'clip' output"):
        nd.clip(np.arange(3.0), 0.5, 1.0, out=np.zeros(3, np.int64))


@given(st.sampled_from([c for c in BUILTIN if c not in ("?",)]), st.sampled_from(BUILTIN), broadcast_pair(),
       st.integers(0, 2**32))
def test_divmod_matches_numpy(c1, c2, pair, seed):
    rng = np.random.default_rng(seed)
    s1, s2 = pair
    a = strided(values(c1, rng, max(int(np.prod(s1)), 1))[: int(np.prod(s1))].reshape(s1), rng)
    b = strided(values(c2, rng, max(int(np.prod(s2)), 1))[: int(np.prod(s2))].reshape(s2), rng)
    try:
        q, r = np_quiet(np.divmod, a, b)
    except Exception as e:
        with pytest.raises(base_error(e)) as got:
            nd.divmod(a, b)
        assert str(got.value) == str(e)
        return
    gq, gr = nd.divmod(a, b)
    same(gq, q)
    same(gr, r)
    same(gq, numpy_call("floor_divide", a, b))


def test_divmod_outs_and_aliasing():
    a = np.array([7, -7, 9, -9])
    b = np.array([2, 2, -4, 4])
    q_expected, r_expected = np.divmod(a, b)
    work = a.copy()
    rem = np.zeros(4, np.int64)
    q, r = nd.divmod(work, b, out=(work, rem))  # quotient overwrites the dividend
    assert q is work and r is rem
    assert work.tolist() == q_expected.tolist() and rem.tolist() == r_expected.tolist()
    q, r = divmod(nd.asarray(a), 3)
    same(q, a // 3)
    same(r, a % 3)
    # A bad second out: nothing written to the first.
    first = np.full(4, 99)
    with pytest.raises(ValueError):
        nd.divmod(a, b, out=(first, np.zeros(3, np.int64)))
    assert first.tolist() == [99] * 4


@given(st.sampled_from(["add", "multiply", "maximum", "less", "sqrt", "negative", "floor_divide", "arctan2"]),
       st.sampled_from(["i4", "f8", "f4", "u1"]), broadcast_pair(), st.integers(0, 2**32))
def test_where_mask_matches_numpy(name, code, pair, seed):
    rng = np.random.default_rng(seed)
    s1, s2 = pair
    a = values(code, rng, max(int(np.prod(s1)), 1))[: int(np.prod(s1))].reshape(s1)
    b = values(code, rng, max(int(np.prod(s2)), 1))[: int(np.prod(s2))].reshape(s2)
    unary = name in ("sqrt", "negative")
    args = (a,) if unary else (a, b)
    shape = np.broadcast_shapes(*(x.shape for x in args))
    mask = rng.integers(0, 2, shape[-1:] if shape else ()).astype(bool)
    try:
        full = np_quiet(getattr(np, name), *args)
    except Exception:
        return
    theirs = np.full(shape, 7, full.dtype)
    ours = theirs.copy()
    np_quiet(getattr(np, name), *args, out=theirs, where=mask)
    assert getattr(nd, name)(*args, out=ours, where=mask) is ours
    if name == "arctan2" and ours.dtype.kind == "f":
        close_ulps(ours, theirs, signs=True)  # libm's: within its bound
    else:
        same(ours, theirs)


def test_where_mask_errors_and_warning():
    a = np.array([1, 2])
    with pytest.raises(TypeError, match="Cannot cast array data from dtype\\('int64'\\) to dtype\\('bool'\\)"):
        nd.add(a, a, where=np.array([1, 0]))
    with pytest.raises(ValueError, match=r"shapes \(2,\) \(2,\) \(3,\)"):
        nd.add(a, a, where=np.array([True, False, True]))
    with pytest.warns(UserWarning, match="'where' used without 'out'"):
        r = nd.add(a, a, where=np.array([[True], [False]]))
    assert r.shape == (2, 2) and np.asarray(r)[0].tolist() == [2, 4]
    ro = np.zeros(2)
    ro.flags.writeable = False
    with pytest.raises(ValueError, match="read-only"):
        nd.add(a, a, out=ro, where=[True, False])
