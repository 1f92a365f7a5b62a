"""ndcore against NumPy on the same arrays, in one process run.

Prints GB/s for both and the ratio (ndcore / NumPy speed; > 1 means ndcore is
faster). Run with `make bench`. Workloads so far: casts and copies at 2**24
elements (DRAM-bound: 128 MiB of float64), ufuncs and reductions; matmul
joins when it lands.
"""

import sys
import time
import warnings

import numpy as np

import ndcore as nd

N = 2**24
REPEAT = 7


def best(f):
    times = []
    for _ in range(REPEAT):
        t = time.perf_counter()
        f()
        times.append(time.perf_counter() - t)
    return min(times)


def row(name, nbytes, numpy_fn, ndcore_fn):
    tn, tc = best(numpy_fn), best(ndcore_fn)
    print(f"{name:<28} {nbytes / tn / 1e9:8.1f} {nbytes / tc / 1e9:8.1f} {tn / tc:7.2f}x")


def main():
    warnings.simplefilter("ignore")
    print(f"numpy {np.__version__}, ndcore {nd.__version__}, {N} elements")
    print(f"{'workload':<28} {'numpy':>8} {'ndcore':>8} {'ratio':>8}   (GB/s read+written)")
    for src, dst in [("f8", "f4"), ("f4", "f8"), ("i8", "f8"), ("i2", "f8"), ("f8", "i4"),
                     ("f8", "u1"), ("f2", "f8"), ("f8", "f2"), (">f8", "f8"), ("f8", "c16")]:
        a = np.arange(N, dtype=np.float64).astype(src)
        w = nd.asarray(a)
        nbytes = a.nbytes + N * np.dtype(dst).itemsize
        row(f"astype {src} -> {dst}", nbytes, lambda: a.astype(dst), lambda: w.astype(dst))
    a = np.arange(N, dtype=np.float64)
    w = nd.asarray(a)
    row("copy f8 contiguous", 2 * a.nbytes, lambda: a.copy(), lambda: w.copy())
    t = a.reshape(4096, 4096).T
    wt = nd.asarray(t)
    row("copy f8 transposed -> C", 2 * t.nbytes, lambda: t.copy(), lambda: wt.copy())
    s = a[::2]
    ws = nd.asarray(s)
    row("copy f8 stride 2", 2 * s.nbytes, lambda: s.copy(), lambda: ws.copy())
    row("zeros f8", a.nbytes, lambda: np.zeros(N), lambda: nd.zeros(N))
    row("ones f8", a.nbytes, lambda: np.ones(N), lambda: nd.ones(N))
    row("arange f8", a.nbytes, lambda: np.arange(N, dtype=np.float64),
        lambda: nd.arange(N, dtype=np.float64))
    row("linspace", a.nbytes, lambda: np.linspace(0, 1, N), lambda: nd.linspace(0, 1, N))

    # Ufuncs (single-threaded engine for now).
    b = np.arange(N, dtype=np.float64)
    wb = nd.asarray(b)
    row("add f8 contiguous", 3 * a.nbytes, lambda: a + b, lambda: w + wb)
    row("multiply f8 by weak scalar", 2 * a.nbytes, lambda: a * 2.5, lambda: w * 2.5)
    row("add f8 transposed (M.T + M)", 3 * a.nbytes, lambda: t + a.reshape(4096, 4096),
        lambda: wt + w.reshape(4096, 4096))
    row("sqrt f8", 2 * a.nbytes, lambda: np.sqrt(a), lambda: nd.sqrt(w))
    row("less f8 -> bool", a.nbytes * 2 + N, lambda: a < b, lambda: w < wb)
    small = np.arange(1e5)
    ws = nd.asarray(small)
    row("f(x) = x**2 - 3x + 4 at 1e5", 8 * small.nbytes, lambda: small**2 - 3 * small + 4,
        lambda: nd.square(ws) - 3 * ws + 4)
    i, j, k = np.ogrid[-100:100, -100:100, -100:100]
    wi, wj, wk = nd.asarray(i), nd.asarray(j), nd.asarray(k)
    row("distance grid 200^3", 8 * 200**3 * 4, lambda: np.sqrt(i**2 + j**2 + k**2),
        lambda: nd.sqrt(nd.square(wi) + nd.square(wj) + nd.square(wk)))

    # Reductions (single-threaded).
    f4 = a.astype(np.float32)
    w4 = nd.asarray(f4)
    m = a.reshape(4096, 4096)
    wm = nd.asarray(m)
    ints = np.arange(N, dtype=np.int32)
    wints = nd.asarray(ints)
    row("sum f8", a.nbytes, lambda: a.sum(), lambda: nd.sum(w))
    row("sum f4", f4.nbytes, lambda: f4.sum(), lambda: nd.sum(w4))
    row("sum f8 axis=0 (4096^2)", a.nbytes, lambda: m.sum(axis=0), lambda: nd.sum(wm, axis=0))
    row("sum f8 axis=1 (4096^2)", a.nbytes, lambda: m.sum(axis=1), lambda: nd.sum(wm, axis=1))
    row("sum i4 -> i8", ints.nbytes, lambda: ints.sum(), lambda: nd.sum(wints))
    row("max f8", a.nbytes, lambda: a.max(), lambda: nd.max(w))
    row("mean f8", a.nbytes, lambda: a.mean(), lambda: nd.mean(w))
    row("argmax f8", a.nbytes, lambda: a.argmax(), lambda: nd.argmax(w))
    row("cumsum f8", 2 * a.nbytes, lambda: np.cumsum(a), lambda: nd.cumsum(w))
    return 0


if __name__ == "__main__":
    sys.exit(main())
