"""Matrix products against NumPy: matmul (1-d promotion, batch
broadcasting, empty dimensions, strided, transposed and reversed
operands, every dtype pair, `out` including aliasing), dot, vdot, inner,
outer, and NumPy's errors.

Values are small integers (in every dtype), so every product and partial
sum is exact in any summation order and the comparison is exact, whatever
blocking the kernels use; a separate test compares random floats within a
bound that grows with k."""

import numpy as np
import pytest
from conftest import BUILTIN, builtin_dtypes
from hypothesis import given, settings
from hypothesis import strategies as st

import ndcore as nd

dtypes = builtin_dtypes(byteorders="=<>")


def small(dtype, shape, seed):
    """Small integer values in `dtype` (bools 0/1; unsigned 0..4)."""
    rng = np.random.default_rng(seed)
    if dtype.kind == "b":
        return rng.integers(0, 2, shape).astype(dtype)
    lo = 0 if dtype.kind == "u" else -4
    v = rng.integers(lo, 5, shape)
    if dtype.kind == "c":
        v = v + 1j * rng.integers(-4, 5, shape)
    return v.astype(dtype)


def varied(a, data):
    """`a` as a view with steps and reversals on some axes, or transposed
    in its last two axes, holding the same values (a copy made strided)."""
    if a.ndim == 0:
        return a
    steps = [data.draw(st.sampled_from([1, 2, -1, -2])) for _ in range(a.ndim)]
    big = np.zeros(tuple(n * abs(s) for n, s in zip(a.shape, steps)), a.dtype)
    view = big[tuple(slice(None, None, s) for s in steps)]
    view[...] = a
    if a.ndim >= 2 and data.draw(st.booleans()):
        t = np.swapaxes(np.zeros(a.shape, a.dtype), -1, -2).copy()
        t = np.swapaxes(t, -1, -2)
        t[...] = a
        return t
    return view


@st.composite
def matmul_shapes(draw):
    """Operand shapes matmul accepts: 1-d or batched, broadcast batches."""
    m, k, n = draw(st.integers(0, 5)), draw(st.integers(0, 5)), draw(st.integers(0, 5))
    batch = draw(st.lists(st.integers(1, 3), max_size=2))
    def batch_of():
        return [b if draw(st.booleans()) else 1 for b in batch][draw(st.integers(0, len(batch))):]
    a = [k] if draw(st.integers(0, 4)) == 0 else batch_of() + [m, k]
    b = [k] if draw(st.integers(0, 4)) == 0 else batch_of() + [k, n]
    return tuple(a), tuple(b)


def same(ours, theirs):
    ours = np.asarray(ours)
    assert ours.dtype == theirs.dtype, (ours.dtype, theirs.dtype)
    assert ours.shape == theirs.shape
    np.testing.assert_array_equal(ours, theirs)


@given(dtypes, dtypes, matmul_shapes(), st.integers(0, 2**32), st.data())
def test_matmul_matches_numpy(dt1, dt2, shapes, seed, data):
    a = varied(small(dt1, shapes[0], seed), data)
    b = varied(small(dt2, shapes[1], seed + 1), data)
    expect = np.matmul(a, b)
    same(nd.matmul(a, b), expect)
    same(nd.asarray(a) @ nd.asarray(b), expect)


@given(dtypes, dtypes, st.booleans(), st.booleans(), st.integers(0, 6), st.integers(0, 6),
       st.integers(0, 6), st.sampled_from(["new", "stepped", "reversed", "wider", "alias"]),
       st.integers(0, 2**32), st.data())
def test_single_products_every_rank_and_out(dt1, dt2, a_1d, b_1d, m, k, n, out_kind, seed, data):
    """Products without batch axes (each operand 1-d or 2-d) take a path
    of their own (no views made): every rank pair, strided, transposed and
    reversed operands, byte-swapped ones (copied first), and `out`
    stepped, reversed, of a wider dtype, or aliasing an operand."""
    a = varied(small(dt1, (k,) if a_1d else (m, k), seed), data)
    b = varied(small(dt2, (k,) if b_1d else (k, n), seed + 1), data)
    want = np.matmul(a, b)
    if out_kind == "new":
        same(nd.matmul(a, b), want)
        return
    if out_kind == "alias":
        # An operand of the result's dtype and shape, written in place.
        if a.shape != want.shape or a.dtype != want.dtype:
            return
        ours = nd.array(a)
        r = nd.matmul(ours, b, out=ours)
        assert r is ours
        same(ours, want)
        return
    dt = want.dtype
    if out_kind == "wider":
        dt = np.result_type(want.dtype, np.float64) if want.dtype.kind != "c" else np.dtype("c16")
    big = np.full(tuple(2 * d for d in want.shape), 7, dt)
    step = -2 if out_kind == "reversed" else 2
    # (Ellipsis first: a 0-d result's out is then a 0-d view, not a scalar.)
    out = big[(Ellipsis,) + tuple(slice(None, None, step) for _ in want.shape)]
    r = nd.matmul(a, b, out=out)
    np.testing.assert_array_equal(out, want.astype(dt))
    # The gaps between the stepped elements are untouched.
    gaps = np.ones(big.shape, bool)
    gaps[tuple(slice(None, None, step) for _ in want.shape)] = False
    assert (big[gaps] == np.full((), 7, dt)).all()
    assert np.asarray(r).shape == want.shape


@given(st.sampled_from(BUILTIN), st.integers(1, 4), st.integers(0, 2**32))
def test_matmul_out_and_aliasing(code, n, seed):
    dt = np.dtype(code)
    a = small(dt, (n, n), seed)
    expect = np.matmul(a, a)
    # out aliasing both inputs: NumPy's result, as if they were copied first.
    ours = nd.array(a)
    r = nd.matmul(ours, ours, out=ours)
    same(ours, expect)
    assert r is ours
    # out of another dtype the result casts to (same_kind) and a strided out.
    if dt.kind in "biu":
        wide = np.zeros((n, n), np.float64)
        nd.matmul(a, a, out=wide)
        np.testing.assert_array_equal(wide, expect.astype(np.float64))
    big = np.zeros((n, 2 * n), dt)
    nd.matmul(a, a, out=big[:, ::2])
    np.testing.assert_array_equal(big[:, ::2], expect)
    # a @= b
    x = nd.array(a)
    x @= nd.array(a)
    same(x, expect)


@given(st.sampled_from(["f4", "f8", "c8", "c16"]), st.integers(1, 40), st.integers(1, 40),
       st.integers(1, 300), st.integers(0, 2**32), st.booleans())
def test_random_floats_within_bound(code, m, n, k, seed, transpose):
    rng = np.random.default_rng(seed)
    dt = np.dtype(code)
    a = rng.standard_normal((m, k)).astype(dt)
    b = rng.standard_normal((n, k)).astype(dt).T if transpose else rng.standard_normal((k, n)).astype(dt)
    if dt.kind == "c":
        a = a + 1j * rng.standard_normal(a.shape).astype(a.real.dtype)
    ours = np.asarray(nd.matmul(a, b))
    exact = np.matmul(a.astype(np.complex256 if dt.kind == "c" else np.longdouble),
                      b.astype(np.complex256 if dt.kind == "c" else np.longdouble))
    eps = np.finfo(dt).eps
    scale = np.matmul(np.abs(a).astype(np.float64), np.abs(b).astype(np.float64))
    assert ours.dtype == dt
    assert np.all(np.abs(ours - exact) <= 2 * k * eps * scale + 1e-30)


def _bits(v):
    """The float array v's bit patterns, as unsigned integers."""
    return v.view({4: np.uint32, 8: np.uint64}[v.dtype.itemsize])


def _two_sum(a, b):
    s = a + b
    bb = s - a
    return s, (a - (s - bb)) + (b - bb)


def _fma(a, b, c):
    """a * b + c rounded once, elementwise, in a's float dtype: Boldo and
    Melquiond's emulation (exact product and sum, the low parts added
    rounding to odd, then one rounding to nearest), valid away from
    overflow and underflow."""
    dt = a.dtype
    factor = dt.type(2 ** ((np.finfo(dt).nmant + 2) // 2) + 1)
    def split(v):
        t = factor * v
        hi = t - (t - v)
        return hi, v - hi
    uh = a * b
    (ah, al), (bh, bl) = split(a), split(b)
    ul = ((ah * bh - uh) + ah * bl + al * bh) + al * bl
    th, tl = _two_sum(c, uh)
    v, e = _two_sum(tl, ul)
    even = (_bits(v) & 1) == 0
    v = np.where((e != 0) & even, np.nextafter(v, np.where(e > 0, np.inf, -np.inf).astype(dt)), v)
    return th + v


@pytest.mark.parametrize("code", ["f4", "f8"])
def test_fma_emulation_is_correctly_rounded(code):
    # The oracle below against exact rational arithmetic.
    from fractions import Fraction
    rng = np.random.default_rng(1)
    dt = np.dtype(code)
    a, b, c = ((rng.standard_normal(3000) * 10.0 ** rng.integers(-3, 4, 3000)).astype(dt) for _ in range(3))
    got = _fma(a, b, c)
    for x, y, z, g in zip(a.tolist(), b.tolist(), c.tolist(), got.tolist()):
        exact = Fraction(x) * Fraction(y) + Fraction(z)
        r = dt.type(float(exact))  # may round twice for float32: pick the nearest neighbour
        near = min([np.nextafter(r, dt.type(-np.inf)), r, np.nextafter(r, dt.type(np.inf))],
                   key=lambda t: (abs(Fraction(float(t)) - exact), int(_bits(np.asarray(t))) & 1))
        assert g == float(near), (x, y, z)


@given(st.sampled_from(["f4", "f8", "c8", "c16"]), st.integers(1, 1200),
       st.one_of(st.integers(0, 80), st.sampled_from([500, 700, 1001])),
       st.sampled_from(["C", "F", "T", "vm"]), st.integers(0, 2**32))
def test_matrix_vector_random_floats(code, m, k, layout, seed):
    """Matrix-vector products of random floats, rows of every length
    around the kernels' blocks (16 and 32 sums, half blocks, tails) and
    row counts past the thread split, each layout's path: C order (row
    dots), F order, a transposed view and `v @ m` (column updates). The
    column updates add each column's products to a running sum from zero
    in column order, for real types exactly as NumPy's elementwise
    `y = y + a[:, j] * x[j]` computes it or, on a CPU with FMA, as the
    fused `y = fma(a[:, j], x[j], y)` (large products: eight column ranges
    so summed, then added in a fixed tree); the rest within a bound growing
    with k."""
    rng = np.random.default_rng(seed)
    dt = np.dtype(code)
    def draw(shape):
        v = rng.standard_normal(shape)
        if dt.kind == "c":
            v = v + 1j * rng.standard_normal(shape)
        return v.astype(dt)
    if layout == "vm":
        a, x = draw((k, m)), draw(k)
        ours, cols = np.asarray(nd.matmul(x, a)), a.T
    else:
        a, x = draw((m, k)), draw(k)
        if layout == "F":
            a = np.asfortranarray(a)
        elif layout == "T":
            a = draw((k, m)).T
        ours, cols = np.asarray(nd.matmul(a, x)), a
    assert ours.dtype == dt and ours.shape == (m,)
    if layout != "C" and dt.kind == "f" and m > 1:
        def running(lo, hi, fused):
            y = np.zeros(m, dt)
            for j in range(lo, hi):
                y = _fma(cols[:, j], x[j], y) if fused else y + cols[:, j] * x[j]
            return y
        def want(fused):
            if m * k < 2**19 or k < 128:
                return running(0, k, fused)
            # Large: eight ranges of columns (a multiple of four each),
            # each summed from zero, added in a fixed tree.
            per = -(-(-(-k // 8)) // 4) * 4
            p = [running(min(i * per, k), min((i + 1) * per, k), fused) for i in range(8)]
            return ((p[0] + p[1]) + (p[2] + p[3])) + ((p[4] + p[5]) + (p[6] + p[7]))
        assert np.array_equal(ours, want(True)) or np.array_equal(ours, want(False))
    wide = np.complex256 if dt.kind == "c" else np.longdouble
    exact = np.matmul(cols.astype(wide), x.astype(wide))
    scale = np.matmul(np.abs(cols).astype(np.float64), np.abs(x).astype(np.float64))
    assert np.all(np.abs(ours - exact) <= 2 * (k + 1) * np.finfo(dt).eps * scale + 1e-30)


@given(dtypes, dtypes, st.integers(0, 2**32), st.data())
def test_dot_inner_vdot_outer_match_numpy(dt1, dt2, seed, data):
    nda = data.draw(st.integers(0, 3))
    ndb = data.draw(st.integers(0, 3))
    k = data.draw(st.integers(0, 4))
    sa = tuple(data.draw(st.integers(0, 3)) for _ in range(max(nda - 1, 0))) + ((k,) if nda else ())
    sb = tuple(data.draw(st.integers(0, 3)) for _ in range(max(ndb - 2, 0)))
    sb = sb + ((k, data.draw(st.integers(0, 3))) if ndb >= 2 else ((k,) if ndb == 1 else ()))
    a = varied(small(dt1, sa, seed), data)
    b = varied(small(dt2, sb, seed + 1), data)
    for name in ("dot", "outer"):
        expect = getattr(np, name)(a, b)
        got = getattr(nd, name)(a, b)
        same(got, np.asarray(expect))
    if a.size == b.size:
        same(np.asarray(nd.vdot(a, b)), np.asarray(np.vdot(a, b)))
    b_last = np.moveaxis(b, -2, -1) if b.ndim >= 2 else b
    same(np.asarray(nd.inner(a, b_last)), np.asarray(np.inner(a, b_last)))


def test_dot_out_rules():
    a = np.arange(6.0).reshape(2, 3)
    b = np.arange(12.0).reshape(3, 4)
    out = np.zeros((2, 4))
    assert nd.dot(a, b, out=out) is out
    np.testing.assert_array_equal(out, a @ b)
    for bad in (np.zeros((2, 4), np.float32), np.zeros((4, 2)).T, np.zeros((2, 5)), np.zeros(8)):
        assert message(lambda: nd.dot(a, b, out=bad)) == message(lambda: np.dot(a, b, out=bad))
        assert message(lambda: nd.dot(a, b, out=bad))[0] == "ValueError"


def message(f):
    try:
        f()
    except Exception as e:  # compare what each library says
        name = type(e).__name__
        return ("TypeError" if name == "UFuncTypeError" else name), str(e)
    return None


@pytest.mark.parametrize("args,kwargs", [
    ((np.ones((2, 3)), np.ones((2, 3))), {}),
    ((np.ones((2, 3, 4)), np.ones((3, 4, 5))), {}),
    ((np.ones(3), 2.0), {}),
    ((np.float64(2.0), np.ones(3)), {}),
    ((np.ones((2, 3)), np.ones((3, 4))), {"out": np.empty((2, 5))}),
    ((np.ones((2, 3)), np.ones((3, 4))), {"out": np.empty((2, 2, 5))}),
    ((np.ones((2, 3)), np.ones((3, 4))), {"out": np.empty((5, 4))}),
    ((np.ones((2, 3)), np.ones((3, 4))), {"out": np.empty((2, 4), np.int64)}),
])
def test_matmul_errors_match_numpy(args, kwargs):
    ours = message(lambda: nd.matmul(*args, **kwargs))
    theirs = message(lambda: np.matmul(*args, **kwargs))
    assert ours == theirs
    # ndcore operands (matmul's shorter path when there is no `out`)
    wrapped = [nd.asarray(x) if isinstance(x, np.ndarray) else x for x in args]
    assert message(lambda: nd.matmul(*wrapped, **kwargs)) == theirs
    if len(wrapped) == 2 and not kwargs:
        assert message(lambda: wrapped[0] @ wrapped[1]) == theirs


@pytest.mark.parametrize("code", ["f8", "c8", "i2", "?"])
def test_vector_products_give_numpy_scalars(code):
    a = np.arange(1, 4).astype(code)
    b = np.arange(2, 5).astype(code)
    expect = a @ b
    for ours in (nd.asarray(a) @ nd.asarray(b), nd.matmul(nd.asarray(a), b),
                 nd.matmul(a, b), nd.dot(nd.asarray(a), nd.asarray(b))):
        assert type(ours) is type(expect)
        assert ours == expect


def test_out_with_too_few_dimensions():
    # NumPy's own message here talks of a reduction; ours names the rule.
    a, b, out = np.ones((2, 3)), np.ones((3, 4)), np.empty(4)
    assert message(lambda: np.matmul(a, b, out=out))[0] == "ValueError"
    assert message(lambda: nd.matmul(a, b, out=out)) == (
        "ValueError",
        "matmul: Output operand 0 does not have enough dimensions (has 1, gufunc core with "
        "signature (n?,k),(k,m?)->(n?,m?) requires 2)")


@pytest.mark.parametrize("name,args", [
    ("dot", (np.ones((2, 3)), np.ones((2, 3)))),
    ("dot", (np.ones(3), np.ones(4))),
    ("dot", (np.ones((2, 3, 4)), np.ones((5, 4, 2, 3)))),
    ("inner", (np.ones((2, 3, 4)), np.ones((3, 4, 5)))),
    ("inner", (np.ones((2, 3)), np.ones(4))),
])
def test_shape_errors_match_numpy(name, args):
    assert message(lambda: getattr(nd, name)(*args)) == message(lambda: getattr(np, name)(*args))


def test_read_only_out_and_records():
    a = np.ones((2, 2))
    with pytest.raises(ValueError):
        nd.matmul(a, a, out=np.broadcast_to(np.zeros(2), (2, 2)))
    rec = np.zeros((2, 2), dtype=[("x", "f8")])
    with pytest.raises(TypeError, match="did not contain a loop"):
        nd.matmul(a, rec)


@pytest.mark.parametrize("code", ["f8", "f4", "c8", "c16", "i8", "f2", "?"])
def test_large_and_threaded_paths(code):
    """Sizes past the thresholds where work is split across threads: a
    large gemm, matrix-vector both ways and in both layouts, 1000 tiny
    batched products, the camera projection. Small-integer values: exact."""
    dt = np.dtype(code)
    a = small(dt, (300, 200), 1)
    b = small(dt, (200, 250), 2)
    same(nd.matmul(a, b), np.matmul(a, b))
    m = small(dt, (1100, 700), 3)
    v = small(dt, (700,), 4)
    same(nd.matmul(m, v), np.matmul(m, v))
    same(nd.matmul(np.asfortranarray(m), v), np.matmul(m, v))
    # neither rows nor columns contiguous: the element-by-element path
    same(nd.matmul(m[:, ::2], v[::2]), np.matmul(m[:, ::2], v[::2]))
    w = small(dt, (1100,), 5)
    same(nd.matmul(w, m), np.matmul(w, m))
    x = small(dt, (1000, 8, 8), 6)
    y = small(dt, (1000, 8, 8), 7)
    same(nd.matmul(x, y), np.matmul(x, y))
    cam = small(dt, (3, 3), 8)
    pts = small(dt, (100000, 3), 9)
    same(nd.dot(cam, pts.T).T, np.dot(cam, pts.T).T)


@pytest.mark.parametrize("code", ["f8", "f4", "c8", "c16"])
def test_batches_of_medium_products(code):
    """Batches split across threads whose products each reach the large
    kernel (the gemm crate, or BLAS called from both threads at once in
    the system-blas build). Small-integer values: exact."""
    dt = np.dtype(code)
    for b, m, k, n in [(200, 40, 40, 40), (64, 100, 70, 90), (300, 17, 33, 9)]:
        x = small(dt, (b, m, k), m)
        y = small(dt, (b, k, n), n)
        same(nd.matmul(x, y), np.matmul(x, y))
        same(nd.matmul(np.swapaxes(y, 1, 2), np.swapaxes(x, 1, 2)),
             np.matmul(np.swapaxes(y, 1, 2), np.swapaxes(x, 1, 2)))


@settings(max_examples=40, deadline=None)
@given(st.sampled_from(["f8", "f4"]), st.integers(2, 130), st.integers(2, 70),
       st.integers(33, 600), st.sampled_from(["C", "F", "step", "reversed"]),
       st.integers(0, 2**32), st.data())
def test_packed_kernels_every_edge_and_out_layout(code, m, n, k, out_layout, seed, data):
    """float32 and float64 products large enough for the packed kernels
    (both sides past the small path): partial register tiles, k across
    256-deep blocks, m across 120-row blocks, strided, transposed and
    reversed operands, and `out` in C order, F order (the kernels compute
    the transposed product), stepped or reversed. Exact."""
    dt = np.dtype(code)
    a = varied(small(dt, (m, k), seed), data)
    b = varied(small(dt, (k, n), seed + 1), data)
    want = np.matmul(a, b)
    if out_layout == "C":
        out = np.full((m, n), 99, dt)
    elif out_layout == "F":
        out = np.full((m, n), 99, dt, order="F")
    elif out_layout == "step":
        big = np.full((2 * m, 3 * n), 99, dt)
        out = big[::2, ::3]
    else:
        out = np.full((m, n), 99, dt)[::-1, ::-1]
    r = nd.matmul(a, b, out=out)
    same(out, want)
    same(r, want)
    if out_layout == "step":
        # Nothing written between the elements of `out`.
        mask = np.ones(big.shape, bool)
        mask[::2, ::3] = False
        assert np.all(big[mask] == 99)


@pytest.mark.parametrize("code", ["f8", "f4"])
def test_packed_kernels_nan_and_inf(code):
    """NaN and inf reach the packed kernels' results as in NumPy's: a NaN
    row of `a` or column of `b` makes NaN, inf times a zero makes NaN,
    inf times finite values keeps its sign."""
    dt = np.dtype(code)
    a = small(dt, (70, 300), 1)
    b = small(dt, (300, 50), 2)
    a[3, 7] = np.nan
    b[11, 5] = np.nan
    a[9, :] = 0
    a[9, 20] = np.inf
    b[20, :] = 1
    b[20, 6] = 0
    a[12, :] = 1
    a[12, 40] = -np.inf
    b[40, :] = 2
    with np.errstate(invalid="ignore"):
        want = np.matmul(a, b)
    same(nd.matmul(a, b), want)
    assert np.isnan(want[3]).all() and np.isnan(want[:, 5]).all()
    assert np.isposinf(want[9, 0]) and np.isnan(want[9, 6]) and np.isneginf(want[12, 0])


@pytest.mark.parametrize("code", ["f8", "f4", "c8", "c16", "i4", "f2"])
def test_tiny_products_every_width(code):
    """The register-blocked tiny path at every padded width (n = 1..16),
    row counts that leave remainders, rhs read in place or gathered
    (contiguous, transposed, stepped) and strided destinations. Exact."""
    dt = np.dtype(code)
    seed = 0
    for n in range(1, 17):
        for k in (1, 5, 8, 16):
            for m in (1, 3, 4, 7):
                seed += 1
                a = small(dt, (2, m, k), seed)
                b = small(dt, (2, k, n), seed + 1000)
                want = np.matmul(a, b)
                same(nd.matmul(a, b), want)
                bt = np.swapaxes(np.swapaxes(b, 1, 2).copy(), 1, 2)
                same(nd.matmul(a, bt), want)
                bs = np.zeros((2, k, 2 * n), dt)[:, :, ::2]
                bs[...] = b
                out = np.zeros((2, m, 2 * n), want.dtype)[:, :, ::-2]
                nd.matmul(a, bs, out=out)
                same(out, want)


@given(dtypes, dtypes, st.integers(0, 2**32), st.data())
def test_tensordot_matches_numpy(dt1, dt2, seed, data):
    a_shape = tuple(data.draw(st.lists(st.integers(0, 3), min_size=1, max_size=4)))
    n = data.draw(st.integers(0, len(a_shape)))
    summed = data.draw(st.permutations(range(len(a_shape))))[:n]
    extra = tuple(data.draw(st.lists(st.integers(0, 3), max_size=2)))
    b_axes = data.draw(st.permutations(range(n + len(extra))))
    b_shape = [0] * (n + len(extra))
    for pos, ax in zip(b_axes[:n], summed):
        b_shape[pos] = a_shape[ax]
    for pos, d in zip(b_axes[n:], extra):
        b_shape[pos] = d
    a = varied(small(dt1, a_shape, seed), data)
    b = varied(small(dt2, tuple(b_shape), seed + 1), data)
    axes = (list(summed), list(b_axes[:n]))
    same(nd.tensordot(a, b, axes), np.tensordot(a, b, axes))


@given(dtypes, st.lists(st.integers(0, 4), min_size=2, max_size=4), st.integers(-4, 4),
       st.integers(0, 2**32), st.data())
def test_trace_matches_numpy(dt, shape, offset, seed, data):
    a = varied(small(dt, tuple(shape), seed), data)
    ax1, ax2 = data.draw(st.permutations(range(len(shape))))[:2]
    expect = np.trace(a, offset, ax1, ax2)
    got = nd.trace(a, offset, ax1, ax2)
    same(np.asarray(got), np.asarray(expect))


def test_tensordot_and_trace_errors():
    a, b = np.ones((2, 3)), np.ones((4, 3))
    for axes in (1, ([1], [0]), ([0, 0], [1, 0]), ([5], [0])):
        ours = message(lambda: nd.tensordot(a, b, axes))
        theirs = message(lambda: np.tensordot(a, b, axes))
        assert (ours is None) == (theirs is None)
        if ours:
            assert ours[0] in (theirs[0], "AxisError") and ours[0] != "TypeError"
    same(nd.tensordot(a, b, ([1], [1])), np.tensordot(a, b, ([1], [1])))
    assert message(lambda: nd.trace(np.ones(3))) == message(lambda: np.trace(np.ones(3)))
    assert nd.trace(np.arange(9).reshape(3, 3)) == 12
    assert nd.trace(np.arange(9, dtype=np.int8).reshape(3, 3)).dtype == np.int64
