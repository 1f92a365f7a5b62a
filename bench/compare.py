"""ndcore against NumPy on the same arrays, in one process run.

Prints GB/s for both and the ratio (ndcore / NumPy speed; > 1 means ndcore is
faster), then draws bench/compare.png (matplotlib, installed by `make bench`
from python/requirements-bench.txt). Sizes follow issue 4's targets: 2**25
float64 for DRAM-bound ufuncs and sums, 2**24 for casts and transcendentals,
4096**2 for M.T + M, the paper's f(x) at 1e5 and 1e7 and its 200**3
distance grid; issue 6's 1 GiB memory-mapped sum and .npy save/load;
issue 5's gemm (GFLOP/s, NumPy's OpenBLAS on all cores), batched, camera
and matrix-vector products (and one matrix-vector row calling NumPy's
OpenBLAS and ndcore's C function alike through ctypes). NumPy runs its
ufuncs on one thread; ndcore splits large elementwise work across both
cores (RAYON_NUM_THREADS sets the count).
"""

import os
import statistics
import sys
import time
import warnings

import numpy as np

import ndcore as nd

N = 2**24
BIG = 2**25
REPEAT = 7
RESULTS = []  # (section, workload, ratio)


def _best_call(f, calls):
    """The fastest of `calls` calls, each timed on its own."""
    best = float("inf")
    for _ in range(calls):
        t = time.perf_counter()
        f()
        best = min(best, time.perf_counter() - t)
    return best


def row(section, name, nbytes, numpy_fn, ndcore_fn):
    """GB/s for both and the ratio. The libraries take turns, REPEAT rounds,
    each keeping its fastest call, so that one of this shared machine's
    slow spells cannot land on one library only. A workload shorter than
    2 ms runs 20 ms of calls a round: the fastest of seven 100 µs calls is
    mostly noise."""
    warm = _once(numpy_fn)
    ndcore_fn()
    calls = max(1, round(0.02 / warm)) if warm < 0.002 else 1
    tn = tc = float("inf")
    for _ in range(REPEAT):
        tn = min(tn, _best_call(numpy_fn, calls))
        tc = min(tc, _best_call(ndcore_fn, calls))
    RESULTS.append((section, name, tn / tc))
    print(f"{name:<34} {nbytes / tn / 1e9:8.1f} {nbytes / tc / 1e9:8.1f} {tn / tc:7.2f}x", flush=True)


def casts():
    for src, dst in [("f8", "f4"), ("f4", "f8"), ("i8", "f8"), ("i2", "f8"), ("f8", "i4"),
                     ("f8", "u1"), ("f2", "f8"), ("f8", "f2"), (">f8", "f8"), ("f8", "c16")]:
        a = np.arange(N, dtype=np.float64).astype(src)
        w = nd.asarray(a)
        nbytes = a.nbytes + N * np.dtype(dst).itemsize
        row("casts", f"astype {src} -> {dst}", nbytes, lambda: a.astype(dst), lambda: w.astype(dst))
    a = np.arange(N, dtype=np.float64)
    w = nd.asarray(a)
    row("casts", "copy f8 contiguous", 2 * a.nbytes, lambda: a.copy(), lambda: w.copy())
    t = a.reshape(4096, 4096).T
    wt = nd.asarray(t)
    row("casts", "copy f8 transposed -> C", 2 * t.nbytes, lambda: t.copy(), lambda: wt.copy())
    s = a[::2]
    ws = nd.asarray(s)
    row("casts", "copy f8 stride 2", 2 * s.nbytes, lambda: s.copy(), lambda: ws.copy())
    row("casts", "zeros f8", a.nbytes, lambda: np.zeros(N), lambda: nd.zeros(N))
    row("casts", "ones f8", a.nbytes, lambda: np.ones(N), lambda: nd.ones(N))
    row("casts", "arange f8", a.nbytes, lambda: np.arange(N, dtype=np.float64),
        lambda: nd.arange(N, dtype=np.float64))
    row("casts", "linspace", a.nbytes, lambda: np.linspace(0, 1, N), lambda: nd.linspace(0, 1, N))


def ufuncs():
    a = np.arange(BIG, dtype=np.float64)
    b = a + 1.0
    w, wb = nd.asarray(a), nd.asarray(b)
    row("ufuncs", "add f8 2^25", 3 * a.nbytes, lambda: a + b, lambda: w + wb)
    row("ufuncs", "multiply f8 2^25 by scalar", 2 * a.nbytes, lambda: a * 2.5, lambda: w * 2.5)
    row("ufuncs", "less f8 2^25 -> bool", 2 * a.nbytes + BIG, lambda: a < b, lambda: w < wb)
    m = a[: 4096 * 4096].reshape(4096, 4096)
    wm = nd.asarray(m)
    row("ufuncs", "M.T + M (4096^2 f8)", 3 * m.nbytes, lambda: m.T + m, lambda: wm.T + wm)
    x = a[:N] / N
    wx = nd.asarray(x)
    for name in ("sqrt", "exp", "sin"):
        f, g = getattr(np, name), getattr(nd, name)
        row("ufuncs", f"{name} f8 2^24", 2 * x.nbytes, lambda: f(x), lambda: g(wx))
    row("ufuncs", "clip f8 2^24", 2 * x.nbytes, lambda: np.clip(x, 0.25, 0.75), lambda: nd.clip(wx, 0.25, 0.75))
    cond = x > 0.5
    wc = nd.asarray(cond)
    row("ufuncs", "where f8 2^24", 3 * x.nbytes, lambda: np.where(cond, x, 0.0), lambda: nd.where(wc, wx, 0.0))


def paper():
    for n in (10**5, 10**7):
        x = np.arange(n, dtype=np.float64)
        wx = nd.asarray(x)
        row("paper", f"f(x) = x**2 - 3x + 4 at {n:.0e}", 8 * x.nbytes, lambda: x**2 - 3 * x + 4,
            lambda: wx**2 - 3 * wx + 4)
    paper_from_c()
    i, j, k = np.ogrid[-100:100, -100:100, -100:100]
    wi, wj, wk = nd.asarray(i), nd.asarray(j), nd.asarray(k)
    row("paper", "distance grid 200^3", 8 * 200**3 * 4, lambda: np.sqrt(i**2 + j**2 + k**2),
        lambda: nd.sqrt(wi**2 + wj**2 + wk**2))


def paper_from_c():
    """f(x) through the C API (bench/paper_fx.c, built by `make bench` and
    named by NDCORE_PAPER_FX) against NumPy's Python expression: the C
    library's own time, without the ctypes binding's ~2 us a call."""
    exe = os.environ.get("NDCORE_PAPER_FX")
    if not exe:
        return
    import subprocess
    sizes = (10**5, 10**7)
    out = subprocess.run([exe, *map(str, sizes)], check=True, capture_output=True, text=True).stdout
    seconds = {int(n): float(t) for n, t in (line.split() for line in out.splitlines())}
    for n in sizes:
        x = np.arange(n, dtype=np.float64)
        f = lambda: x**2 - 3 * x + 4  # noqa: E731
        warm = _once(f)
        calls = max(1, round(0.02 / warm)) if warm < 0.002 else 1
        tn = min(_best_call(f, calls) for _ in range(REPEAT))
        tc = seconds[n]
        name = f"f(x) at {n:.0e}, ndcore from C"
        RESULTS.append(("paper", name, tn / tc))
        print(f"{name:<34} {8 * x.nbytes / tn / 1e9:8.1f} {8 * x.nbytes / tc / 1e9:8.1f} {tn / tc:7.2f}x",
              flush=True)


def reductions():
    a = np.arange(BIG, dtype=np.float64)
    w = nd.asarray(a)
    h = a[:N]
    wh = nd.asarray(h)
    f4 = h.astype(np.float32)
    w4 = nd.asarray(f4)
    m = h.reshape(4096, 4096)
    wm = nd.asarray(m)
    ints = np.arange(N, dtype=np.int32)
    wints = nd.asarray(ints)
    row("reductions", "sum f8 2^25", a.nbytes, lambda: a.sum(), lambda: nd.sum(w))
    row("reductions", "sum f4 2^24", f4.nbytes, lambda: f4.sum(), lambda: nd.sum(w4))
    row("reductions", "sum f8 axis=0 (4096^2)", h.nbytes, lambda: m.sum(axis=0), lambda: nd.sum(wm, axis=0))
    row("reductions", "sum f8 axis=1 (4096^2)", h.nbytes, lambda: m.sum(axis=1), lambda: nd.sum(wm, axis=1))
    row("reductions", "sum i4 -> i8 2^24", ints.nbytes, lambda: ints.sum(), lambda: nd.sum(wints))
    row("reductions", "max f8 2^24", h.nbytes, lambda: h.max(), lambda: nd.max(wh))
    row("reductions", "mean f8 2^24", h.nbytes, lambda: h.mean(), lambda: nd.mean(wh))
    row("reductions", "argmax f8 2^24", h.nbytes, lambda: h.argmax(), lambda: nd.argmax(wh))
    row("reductions", "cumsum f8 2^24", 2 * h.nbytes, lambda: np.cumsum(h), lambda: nd.cumsum(wh))


def files():
    """A sequential sum over a 1 GiB memory map (issue 6), the file in the
    page cache (written just before), each library mapping it afresh per
    run (map, fault the pages in, sum, unmap), so both pay the same."""
    import tempfile
    n = 2**27  # 1 GiB of float64
    with tempfile.TemporaryDirectory() as d:
        path = os.path.join(d, "big.f8")
        np.arange(n, dtype=np.float64).tofile(path)

        def numpy_sum():
            m = np.memmap(path, dtype=np.float64, mode="r")
            m.sum()
            del m

        def ndcore_sum():
            m = nd.memmap(path, dtype=np.float64, mode="r")
            nd.sum(m)
            del m

        assert float(nd.sum(nd.memmap(path, dtype=np.float64, mode="r"))) == \
            float(np.memmap(path, dtype=np.float64, mode="r").sum())
        row("files", "memmap sum f8 1 GiB", n * 8, numpy_sum, ndcore_sum)
        m, w = np.memmap(path, dtype=np.float64, mode="r"), nd.memmap(path, dtype=np.float64, mode="r")
        row("files", "memmap sum f8 1 GiB, mapped", n * 8, lambda: m.sum(), lambda: nd.sum(w))
        del m, w
        h = np.arange(2**24, dtype=np.float64)
        wh = nd.asarray(h)
        save_np, save_nd = os.path.join(d, "a.npy"), os.path.join(d, "b.npy")
        row("files", "save 128 MiB .npy", h.nbytes, lambda: np.save(save_np, h), lambda: nd.save(save_nd, wh))
        row("files", "load 128 MiB .npy", h.nbytes, lambda: np.load(save_np), lambda: nd.load(save_nd))


def flops_row(name, flops, numpy_fn, ndcore_fn, repeat=REPEAT):
    """A matrix product: GFLOP/s for both and the ratio. The two libraries
    take turns, `repeat` runs each, and each keeps its best: this shared
    2-core machine has slow spells of seconds, which would otherwise land
    on one library only. Each run starts after a pause, so the other's idle
    threads (OpenBLAS spins for a while after each call) have gone to
    sleep. Also printed: the ratio of the two libraries' median runs, which
    one lucky run cannot move (a best of 20 short runs can: matrix-vector
    4000^2 measured 0.83x by best runs and 1.02x by median runs in one
    run of 2026-12-05)."""
    _once(numpy_fn)  # pages, thread pools
    ndcore_fn()
    # Short products: time 20 ms of calls, counted from a warm call (the
    # first after a pause takes several times as long).
    calls = max(1, round(0.02 / _once(numpy_fn)))
    tn, tc = [], []
    for _ in range(repeat):
        time.sleep(0.25)
        tn.append(_once(numpy_fn, calls))
        time.sleep(0.25)
        tc.append(_once(ndcore_fn, calls))
    best = min(tn) / min(tc)
    RESULTS.append(("linalg", name, best))
    print(f"{name:<34} {flops / min(tn) / 1e9:8.1f} {flops / min(tc) / 1e9:8.1f} {best:7.2f}x   "
          f"(GFLOP/s; median runs {statistics.median(tn) / statistics.median(tc):.2f}x)", flush=True)


def _once(f, calls=1):
    """Seconds per call of `calls` calls in a row."""
    t = time.perf_counter()
    for _ in range(calls):
        f()
    return (time.perf_counter() - t) / calls


def linalg():
    rng = np.random.default_rng(0)
    for code in ("f8", "f4"):
        for n in (1000, 2000, 4000):
            a = rng.random((n, n)).astype(code)
            b = rng.random((n, n)).astype(code)
            A, B = nd.asarray(a), nd.asarray(b)
            rep = 4 if n == 4000 else REPEAT
            flops_row(f"{code} gemm {n}", 2 * n**3, lambda: a @ b, lambda: A @ B, rep)
            flops_row(f"{code} gemm {n} a.T @ b", 2 * n**3, lambda: a.T @ b, lambda: A.T @ B, rep)
    x = rng.random((1000, 8, 8))
    y = rng.random((1000, 8, 8))
    X, Y = nd.asarray(x), nd.asarray(y)
    flops_row("batched 1000 x (8x8) @ (8x8)", 2 * 1000 * 8**3, lambda: x @ y, lambda: X @ Y)
    cam = rng.random((3, 3))
    pts = rng.random((100000, 3))
    C, P = nd.asarray(cam), nd.asarray(pts)
    flops_row("camera (3x3).dot(points.T).T 1e5", 2 * 9 * 100000,
              lambda: cam.dot(pts.T).T, lambda: C.dot(P.T).T)
    for n in (400, 1000, 4000):
        m = rng.random((n, n))
        v = rng.random(n)
        M, V = nd.asarray(m), nd.asarray(v)
        flops_row(f"matrix-vector {n}", 2 * n**2, lambda: m @ v, lambda: M @ V, 20)
    # The other matrix-vector paths at 1000^2: float32 and complex128 rows,
    # and column-contiguous matrices (a transposed view).
    n = 1000
    for code in ("f4", "c16"):
        m = rng.random((n, n)).astype(code)
        v = rng.random(n).astype(code)
        if code == "c16":
            m = m + 1j * rng.random((n, n))
            v = v + 1j * rng.random(n)
        M, V = nd.asarray(m), nd.asarray(v)
        flops = (8 if code == "c16" else 2) * n**2
        flops_row(f"matrix-vector {n} {code}", flops, lambda: m @ v, lambda: M @ V, 20)
    for code in ("f8", "c16"):
        m = rng.random((n, n)).astype(code)
        v = rng.random(n).astype(code)
        M, V = nd.asarray(m), nd.asarray(v)
        flops = (8 if code == "c16" else 2) * n**2
        flops_row(f"m.T @ v {n} {code}", flops, lambda: m.T @ v, lambda: M.T @ V, 20)
    matvec_library_to_library()


def _numpy_dgemv():
    """cblas_dgemv of the OpenBLAS NumPy's wheel bundles (numpy.libs), as a
    ctypes function, or None when it is not found."""
    import ctypes
    import glob
    libs = glob.glob(os.path.join(os.path.dirname(np.__file__), os.pardir, "numpy.libs",
                                  "*openblas*.so*"))
    for path in libs:
        lib = ctypes.CDLL(path)
        for name, index in (("scipy_cblas_dgemv64_", ctypes.c_int64), ("cblas_dgemv64_", ctypes.c_int64),
                            ("scipy_cblas_dgemv", ctypes.c_int), ("cblas_dgemv", ctypes.c_int)):
            f = getattr(lib, name, None)
            if f is not None:
                i, d, p = index, ctypes.c_double, ctypes.c_void_p
                f.argtypes = [ctypes.c_int, ctypes.c_int, i, i, d, p, i, p, i, d, p, i]
                f.restype = None
                return f
    return None


def matvec_library_to_library():
    """The float64 1000^2 matrix-vector product library against library:
    NumPy's own OpenBLAS (cblas_dgemv) and ndcore (nd_matmul into an
    existing result), both called through ctypes into the same result
    memory, so that neither side pays a binding the other does not (from
    Python, `M @ V` costs about 1 us a call more than NumPy's `m @ v`)."""
    dgemv = _numpy_dgemv()
    if dgemv is None:
        print("matrix-vector library to library: NumPy's OpenBLAS not found, row skipped")
        return
    n = 1000
    rng = np.random.default_rng(1)
    m, v, y = rng.random((n, n)), rng.random(n), np.empty(n)
    M, V, Y = nd.asarray(m), nd.asarray(v), nd.asarray(y)
    c = nd._lib.lib
    pm, pv, py = m.ctypes.data, v.ctypes.data, y.ctypes.data
    blas = lambda: dgemv(101, 111, n, n, 1.0, pm, n, pv, 1, 0.0, py, 1)  # noqa: E731 (row-major, no transpose)
    ours = lambda: c.nd_array_free(c.nd_matmul(M._h, V._h, Y._h))  # noqa: E731
    want = m @ v
    blas()
    assert np.allclose(y, want)
    y[:] = 0
    ours()
    assert np.allclose(y, want)
    flops_row(f"mat-vec {n}, dgemv vs nd_matmul", 2 * n**2, blas, ours, 20)


def chart(path):
    try:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        print("matplotlib not installed: no chart (make bench installs it)")
        return
    names = [f"{s}: {n}" for s, n, _ in RESULTS]
    ratios = [r for _, _, r in RESULTS]
    colours = {"casts": "#8888cc", "ufuncs": "#44aa66", "paper": "#dd8833", "reductions": "#aa4466",
               "files": "#4488aa", "linalg": "#886644"}
    fig, ax = plt.subplots(figsize=(9, 0.26 * len(RESULTS) + 1.2))
    ax.barh(range(len(ratios)), ratios, color=[colours[s] for s, _, _ in RESULTS])
    ax.axvline(1.0, color="black", linewidth=0.8)
    ax.set_yticks(range(len(names)), names, fontsize=7)
    ax.invert_yaxis()
    ax.set_xscale("log")
    ax.set_xlabel("speed vs NumPy (ndcore / NumPy, same process; > 1 is faster)")
    ax.set_title(f"ndcore {nd.__version__} vs NumPy {np.__version__}, {os.cpu_count()} cores")
    for y, r in enumerate(ratios):
        ax.text(r, y, f" {r:.2f}x", va="center", fontsize=6)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    print(f"chart: {path}")


def main():
    warnings.simplefilter("ignore")
    sections = sys.argv[1:] or ["casts", "ufuncs", "paper", "reductions", "files", "linalg"]
    print(f"numpy {np.__version__}, ndcore {nd.__version__}, {os.cpu_count()} cores")
    print(f"{'workload':<34} {'numpy':>8} {'ndcore':>8} {'ratio':>8}   (GB/s read+written)")
    for s in sections:
        globals()[s]()
    chart(os.path.join(os.path.dirname(os.path.abspath(__file__)), "compare.png"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
