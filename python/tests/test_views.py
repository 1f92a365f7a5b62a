"""Views against NumPy: chains of random basic indexes, transposes,
reshapes, squeezes, broadcasts and dtype views applied to the same memory in
NumPy and ndcore, compared for shape, strides, flags, values, memory sharing
and errors at every step."""

import numpy as np
import pytest
from conftest import BUILTIN, shapes
from hypothesis import given, note
from hypothesis import strategies as st

import ndcore as nd


def check_same(ours, theirs, base):
    assert ours.shape == theirs.shape
    assert ours.strides == theirs.strides
    assert ours.dtype == theirs.dtype
    for flag in ("c_contiguous", "f_contiguous", "writeable"):
        assert getattr(ours.flags, flag) == getattr(theirs.flags, flag), flag
    view = np.asarray(ours)
    assert view.tobytes() == theirs.tobytes()
    if theirs.size:
        assert np.shares_memory(view, base) == np.shares_memory(theirs, base)


def index_items(draw, ndim):
    """A random basic index: ints, slices (any bounds, even out of range),
    new axes and at most one ellipsis."""
    n = draw(st.integers(0, ndim + 2))
    items = []
    for _ in range(n):
        kind = draw(st.sampled_from(["int", "slice", "slice", "none", "ellipsis"]))
        if kind == "int":
            items.append(draw(st.integers(-6, 6)))
        elif kind == "slice":
            bound = st.one_of(st.none(), st.integers(-8, 8))
            step = draw(st.one_of(st.none(), st.integers(-3, 3).filter(bool)))
            items.append(slice(draw(bound), draw(bound), step))
        elif kind == "none":
            items.append(None)
        elif Ellipsis not in items:
            items.append(Ellipsis)
    return tuple(items)


@st.composite
def operation(draw, shape):
    ndim = len(shape)
    ops = ["index", "transpose", "reshape", "swapaxes", "squeeze", "expand_dims", "ravel",
           "T", "broadcast_to", "moveaxis"]
    if ndim >= 2:
        ops.append("diagonal")
    op = draw(st.sampled_from(ops))
    if op == "index":
        return ("index", index_items(draw, ndim))
    if op == "transpose":
        if draw(st.booleans()):
            return ("transpose", tuple(draw(st.permutations(range(ndim)))))
        return ("transpose", tuple(draw(st.lists(st.integers(-ndim - 1, ndim), max_size=ndim + 1))))
    if op == "reshape":
        size = int(np.prod(shape))
        dims = []
        rest = size
        for _ in range(draw(st.integers(0, 3))):
            divisors = [d for d in range(1, min(rest, 12) + 1) if rest % d == 0] or [0]
            d = draw(st.sampled_from(divisors))
            dims.append(d)
            rest = rest // d if d else rest
        dims.append(rest)
        if draw(st.booleans()) and dims:
            dims[draw(st.integers(0, len(dims) - 1))] = -1
        return ("reshape", tuple(dims), draw(st.sampled_from("CFA")))
    if op in ("swapaxes", "moveaxis"):
        return (op, draw(st.integers(-ndim - 1, ndim)), draw(st.integers(-ndim - 1, ndim)))
    if op == "squeeze":
        return ("squeeze", draw(st.one_of(st.none(), st.integers(-ndim, max(ndim - 1, 0)))))
    if op == "expand_dims":
        return ("expand_dims", draw(st.integers(-ndim - 1, ndim)))
    if op == "ravel":
        return ("ravel", draw(st.sampled_from("CFAK")))
    if op == "broadcast_to":
        extra = tuple(draw(st.lists(st.integers(0, 3), max_size=2)))
        target = extra + tuple(draw(st.sampled_from([d, 1, 2, 3])) if d == 1 else d for d in shape)
        return ("broadcast_to", target)
    if op == "diagonal":
        return ("diagonal", draw(st.integers(-3, 3)), draw(st.integers(-ndim, ndim - 1)),
                draw(st.integers(-ndim, ndim - 1)))
    return ("T",)


def apply(mod, a, op):
    name, *args = op
    if name == "index":
        return a[args[0]] if args[0] != () else a[()]
    if name == "transpose":
        return a.transpose(args[0])
    if name == "reshape":
        return a.reshape(args[0], order=args[1])
    if name == "swapaxes":
        return a.swapaxes(*args)
    if name == "moveaxis":
        return mod.moveaxis(a, *args)
    if name == "squeeze":
        return a.squeeze(args[0])
    if name == "expand_dims":
        return mod.expand_dims(a, args[0])
    if name == "ravel":
        return a.ravel(args[0])
    if name == "broadcast_to":
        return mod.broadcast_to(a, args[0])
    if name == "diagonal":
        return a.diagonal(*args)
    return a.T


@st.composite
def chains(draw):
    shape = draw(shapes(max_dims=4, max_side=4))
    code = draw(st.sampled_from(BUILTIN))
    base = np.arange(int(np.prod(shape)), dtype=np.int64).astype(code).reshape(shape)
    if draw(st.booleans()):
        base = base.newbyteorder() if False else base.astype(base.dtype.newbyteorder())
    return base, draw(st.integers(1, 5))


@given(chains(), st.data())
def test_chains_of_views_match_numpy(start, data):
    base, steps = start
    theirs, ours = base, nd.asarray(base)
    for _ in range(steps):
        op = data.draw(operation(theirs.shape))
        note(op)
        try:
            expected = apply(np, theirs, op)
        except Exception as e:  # NumPy refuses: so must ndcore, the same way
            with pytest.raises(type(e)) as got:
                apply(nd, ours, op)
            assert str(got.value) == str(e), op
            return
        got = apply(nd, ours, op)
        if isinstance(expected, np.generic):
            assert got == expected and type(got) is type(expected)
            return
        check_same(got, expected, base)
        theirs, ours = expected, got


@given(shapes(max_dims=3, max_side=4), st.sampled_from(BUILTIN), st.sampled_from(BUILTIN))
def test_view_as_other_dtype(shape, code, new):
    a = np.arange(int(np.prod(shape)) * 2, dtype=np.uint8).astype(code)[: int(np.prod(shape))].reshape(shape)
    for src in (a, a.T, a[..., ::2] if a.ndim else a):
        try:
            expected = src.view(new)
        except ValueError as e:
            with pytest.raises(ValueError) as got:
                nd.asarray(src).view(new)
            assert str(got.value) == str(e)
            continue
        check_same(nd.asarray(src).view(new), expected, a)


def test_paper_views():
    x = nd.arange(9).reshape((3, 3))
    assert x.strides == (24, 8)
    y = x[::2, ::2]
    assert y.strides == (48, 16)
    y[0, 0] = 100
    assert x[0, 0] == 100
    assert x.T.strides == (8, 24)
    z = x.reshape((1, 9))
    assert z.strides == (72, 8)
    b = z.view(np.uint8)
    assert (b.shape, b.strides) == ((1, 72), (72, 1))
    assert b[0, 0] == 100


@given(st.integers(0, 2**32))
def test_field_views_and_assignment(seed):
    rng = np.random.default_rng(seed)
    dt = np.dtype([("time", "<u8"), ("pos", [("x", "<f8"), ("y", ">f4")]), ("flag", "?")])
    a = np.zeros(5, dt)
    a["time"] = rng.integers(0, 100, 5)
    a["pos"]["x"] = rng.standard_normal(5)
    w = nd.asarray(a)
    for key in ("time", "pos", "flag"):
        check_same(w[key], a[key], a)
    check_same(w["pos"]["y"], a["pos"]["y"], a)
    got = w[["flag", "time"]]
    expected = a[["flag", "time"]]
    assert got.dtype == expected.dtype and got.strides == expected.strides
    w["pos"]["y"][1:4] = [1.5, 2.5, 3.5]
    assert a["pos"]["y"].tolist()[1:4] == [1.5, 2.5, 3.5]
    with pytest.raises(ValueError, match="no field of name nope"):
        w["nope"]


@given(shapes(max_dims=3, max_side=4), st.sampled_from(BUILTIN), st.data())
def test_setitem_broadcasts_and_casts_like_numpy(shape, code, data):
    a = np.zeros(shape, code)
    b = np.zeros(shape, code)
    w = nd.asarray(b)
    key = data.draw(st.sampled_from([Ellipsis, (slice(None, None, 2),), (Ellipsis, slice(1, None))]))
    if a.ndim == 0 and key != Ellipsis:
        return
    value = data.draw(st.sampled_from([3, 2.5, True, -1, [1, 2, 3, 4][: (shape[-1] if shape else 1)], 2**70]))
    try:
        with np.errstate(all="ignore"):
            a[key] = value
    except Exception as e:
        with pytest.raises(type(e)):
            w[key] = value
        assert (b == 0).all()
        return
    w[key] = value
    assert b.tobytes() == a.tobytes()


def test_broadcasts_are_read_only():
    b = nd.broadcast_to(nd.arange(3), (2, 3))
    assert b.strides == (0, 8) and not b.flags.writeable
    with pytest.raises(ValueError, match="read-only"):
        b[0, 0] = 1
    x, y = nd.broadcast_arrays(nd.arange(3), nd.zeros((2, 1)))
    assert x.strides == (0, 8) and y.strides == (8, 0)
    assert not x.flags.writeable
    with pytest.raises(ValueError) as ours:
        nd.broadcast_arrays(nd.arange(3), nd.arange(4))
    with pytest.raises(ValueError) as theirs:
        np.broadcast_arrays(np.arange(3), np.arange(4))
    assert str(ours.value) == str(theirs.value)


def test_as_strided_checks_bounds():
    a = nd.arange(6)
    w = nd.lib.stride_tricks.as_strided(a, (3, 2), (8, 8))
    np.testing.assert_array_equal(np.asarray(w), np.lib.stride_tricks.as_strided(np.arange(6), (3, 2), (8, 8)))
    with pytest.raises(ValueError, match="as_strided"):
        nd.lib.stride_tricks.as_strided(a, (7,), (8,))
    ro = nd.lib.stride_tricks.as_strided(a, (2,), (8,), writeable=False)
    assert not ro.flags.writeable


def test_real_imag_views():
    c = np.array([1 + 2j, 3 - 4j], dtype=">c8")
    w = nd.asarray(c)
    check_same(w.real, c.real, c)
    check_same(w.imag, c.imag, c)
    w.imag[0] = 9
    assert c[0] == 1 + 9j
    r = nd.arange(3)
    assert r.real is r
    assert not r.imag.flags.writeable and np.asarray(r.imag).tolist() == [0, 0, 0]


def test_copies_and_contiguity():
    a = np.arange(24.0).reshape(2, 3, 4)
    w = nd.asarray(a)
    for order in "CFAK":
        check_same(w.transpose(1, 0, 2).flatten(order), a.transpose(1, 0, 2).flatten(order), a)
        assert w.flatten(order).flags.owndata
    t = w.T
    c = nd.ascontiguousarray(t)
    assert c.flags.c_contiguous and not nd.may_share_memory(c, t)
    assert nd.ascontiguousarray(w).base is not None or nd.ascontiguousarray(w) is not None
    assert nd.asfortranarray(t).flags.f_contiguous and nd.may_share_memory(nd.asfortranarray(t), t)
    assert nd.ascontiguousarray(nd.asarray(np.array(5.0))).shape == (1,)


_HUGE = [
    lambda L, x: x[2**70], lambda L, x: x[-2**70], lambda L, x: x[(2**64 - 1,)], lambda L, x: x[2**63],
    lambda L, x: x[-2**63 - 1], lambda L, x: x[np.uint64(2**64 - 1)], lambda L, x: x[2**63 - 1],
    lambda L, x: x[0:2**70], lambda L, x: x[::2**70], lambda L, x: x[2**63:], lambda L, x: x[-2**70::-1],
    lambda L, x: x[::-2**70], lambda L, x: x[2**70::-1], lambda L, x: x[-2**63::-1], lambda L, x: x[1.5:],
    lambda L, x: L.zeros(2**64 + 5), lambda L, x: L.zeros(-2**70), lambda L, x: L.empty((2**63,)),
    lambda L, x: x.reshape(2**64 + 5), lambda L, x: L.sum(L.zeros((2, 3)), axis=2**64),
    lambda L, x: L.transpose(L.zeros((2, 3)), (0, 2**64)), lambda L, x: L.broadcast_to(L.zeros(3), (2**64, 3)),
    lambda L, x: L.squeeze(L.zeros((1, 3)), axis=2**64), lambda L, x: L.expand_dims(L.zeros(3), 2**64),
    lambda L, x: L.moveaxis(L.zeros((2, 3)), 2**64, 0), lambda L, x: L.full(2**64, 1.0),
    lambda L, x: L.tensordot(L.zeros((2, 2)), L.zeros((2, 2)), axes=([2**64], [0])),
    lambda L, x: L.swapaxes(L.zeros((2, 3)), 0, 2**64), lambda L, x: L.zeros((3, 3)).diagonal(2**64),
    lambda L, x: L.trace(L.zeros((3, 3)), 2**64), lambda L, x: L.argmax(L.zeros(3), axis=2**64),
    lambda L, x: L.cumsum(L.zeros(3), axis=2**64), lambda L, x: L.eye(2**64), lambda L, x: L.linspace(0, 1, 2**64),
]


@pytest.mark.parametrize("call", _HUGE)
def test_integers_beyond_int64_get_numpys_errors_and_never_wrap(call):
    """ctypes passes a Python int to a 64-bit parameter without a range
    check (2**64 + 5 arrived as 5: x[2**70] read element 0, zeros(2**64 + 5)
    had 5 elements). Every such integer gets NumPy's error, or NumPy's
    clamping for slice bounds."""
    x = np.arange(5.0)
    results = []
    for L, arr in ((np, x), (nd, nd.asarray(x))):
        try:
            results.append(("ok", np.asarray(call(L, arr)).tolist()))
        except Exception as e:  # noqa: BLE001 - the error is what is compared
            results.append((type(e).__name__, str(e)))
    assert results[1] == results[0]


@pytest.mark.parametrize("shape, target", [
    ((2,), (2, 3)), ((3, 2), (2, 3)), ((2, 1, 3), (2, 3)), ((4, 3), (2, 3)), ((3,), (4,)), ((2,), ()),
])
def test_broadcast_to_failures_get_numpys_messages(shape, target):
    with pytest.raises(ValueError) as want:
        np.broadcast_to(np.ones(shape), target)
    with pytest.raises(ValueError) as got:
        nd.broadcast_to(nd.ones(shape), target)
    assert str(got.value) == str(want.value)
