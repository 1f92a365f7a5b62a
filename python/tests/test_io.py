"""Files against NumPy: .npy files written by each read by the other (and
byte-identical when both write), memory maps seen by NumPy after flush and
the other way round, raw files through fromfile/tofile, frombuffer, and the
errors for bad files."""

import os

import numpy as np
import pytest
from conftest import builtin_dtypes, record_dtypes, shapes
from hypothesis import given
from hypothesis import strategies as st

import ndcore as nd

dtypes = st.one_of(builtin_dtypes(), record_dtypes())


def filled(dtype, shape, order, seed):
    """Deterministic bytes for any dtype (records included)."""
    a = np.zeros(shape, dtype=dtype, order=order)
    raw = np.random.default_rng(seed).integers(0, 256, a.nbytes, dtype=np.uint8)
    flat = a.reshape(-1, order="A").view(np.uint8) if a.size else None
    if flat is not None:
        flat[...] = raw.reshape(flat.shape)
    if dtype.fields is None and dtype.kind in "fc":
        a[np.isnan(a)] = 0  # NaN payloads are compared as bytes anyway
    return a


def same(ours, theirs):
    ours_np = np.asarray(ours)
    assert ours.shape == theirs.shape
    assert ours.dtype == theirs.dtype
    assert ours.flags.f_contiguous == theirs.flags.f_contiguous
    assert ours.flags.c_contiguous == theirs.flags.c_contiguous
    assert ours_np.tobytes(order="A") == theirs.tobytes(order="A")


@given(dtypes, shapes(3, 4), st.sampled_from("CF"), st.integers(0, 2**32))
def test_npy_both_ways(tmp_path_factory, dtype, shape, order, seed):
    d = tmp_path_factory.mktemp("npy")
    a = filled(dtype, shape, order, seed)
    theirs, ours = str(d / "np.npy"), str(d / "nd.npy")
    np.save(theirs, a)
    nd.save(ours, nd.asarray(a))
    # ndcore writes exactly what NumPy writes.
    with open(theirs, "rb") as f1, open(ours, "rb") as f2:
        assert f1.read() == f2.read()
    same(nd.load(theirs), np.load(ours))
    for mode in ("r", "c", "r+"):
        m = nd.load(theirs, mmap_mode=mode)
        same(m, a)
        assert m.flags.writeable == (mode != "r")


@pytest.mark.parametrize("version", [(1, 0), (2, 0), (3, 0)])
def test_npy_versions_written_by_numpy(tmp_path, version):
    a = np.arange(24, dtype=">f4").reshape(2, 3, 4)
    p = tmp_path / "v.npy"
    with open(p, "wb") as f:
        np.lib.format.write_array(f, a, version=version)
    same(nd.load(str(p)), a)
    same(nd.load(p, mmap_mode="r"), a)


def test_npy_long_header_and_unicode_names(tmp_path):
    # A header beyond 64 KiB needs version 2.0; a non-Latin-1 name, 3.0.
    wide = np.dtype([(f"field_{i:05d}", "<i2") for i in range(3000)])
    greek = np.dtype([("\u03b1", "<f8"), ("b", "<i4")])
    for dt in (greek,):
        a = np.zeros(3, dtype=dt)
        nd.save(tmp_path / "a.npy", nd.asarray(a))
        with pytest.warns(UserWarning):
            np.save(tmp_path / "b.npy", a)
        assert (tmp_path / "a.npy").read_bytes() == (tmp_path / "b.npy").read_bytes()
        same(nd.load(tmp_path / "b.npy"), a)
    # Longer than NumPy's (and ndcore's) 10,000-character header limit.
    a = np.zeros(2, dtype=wide)
    with pytest.warns(UserWarning):
        np.save(tmp_path / "w.npy", a)
    with pytest.raises(ValueError, match="is large and may not be safe"):
        nd.load(tmp_path / "w.npy")
    with pytest.raises(ValueError, match="is large and may not be safe"):
        np.load(tmp_path / "w.npy")


def test_save_appends_npy_suffix(tmp_path):
    nd.save(str(tmp_path / "x"), nd.arange(3))
    assert (tmp_path / "x.npy").exists()
    np.testing.assert_array_equal(np.load(tmp_path / "x.npy"), np.arange(3))


def test_load_errors_match_numpy(tmp_path):
    cases = {
        "object.npy": np.array([1, "a"], dtype=object),
    }
    for name, arr in cases.items():
        np.save(tmp_path / name, arr, allow_pickle=True)
    with pytest.raises(NotImplementedError, match="Object arrays cannot be loaded"):
        nd.load(tmp_path / "object.npy")
    (tmp_path / "bad.npy").write_bytes(b"\x93NUMPX\x01\x00" + b" " * 100)
    # (NumPy's load takes a file without the magic for a pickle.)
    with pytest.raises(ValueError, match="the magic string is not correct"):
        nd.load(tmp_path / "bad.npy")
    with pytest.raises(FileNotFoundError):
        nd.load(tmp_path / "missing.npy")
    with pytest.raises(IsADirectoryError):
        nd.load(tmp_path)
    # Truncated data: NumPy and ndcore both refuse.
    np.save(tmp_path / "t.npy", np.arange(10.0))
    data = (tmp_path / "t.npy").read_bytes()
    (tmp_path / "t.npy").write_bytes(data[:-8])
    with pytest.raises(ValueError):
        np.load(tmp_path / "t.npy")
    with pytest.raises(ValueError, match="EOF: reading array data"):
        nd.load(tmp_path / "t.npy")
    with pytest.raises(ValueError, match="too short"):
        nd.load(tmp_path / "t.npy", mmap_mode="r")


@given(dtypes, shapes(3, 5), st.sampled_from("CF"), st.integers(0, 64))
def test_memmap_both_ways(tmp_path_factory, dtype, shape, order, offset):
    d = tmp_path_factory.mktemp("mm")
    p = str(d / "m.dat")
    a = filled(dtype, shape, order, offset)
    # ndcore creates and writes; NumPy reads after flush.
    m = nd.memmap(p, dtype=dtype, mode="w+", offset=offset, shape=shape, order=order)
    m[...] = nd.asarray(a)
    m.flush()
    assert os.path.getsize(p) == offset + a.nbytes
    if offset + a.nbytes == 0:
        # NumPy cannot map an empty file ("cannot mmap an empty file");
        # ndcore gives the empty array (see test_io.c).
        return
    theirs = np.memmap(p, dtype=dtype, mode="r", offset=offset, shape=shape, order=order)
    assert np.asarray(theirs).tobytes(order="A") == a.tobytes(order="A")
    assert os.path.getsize(p) == offset + a.nbytes
    del theirs
    # NumPy writes; ndcore sees it (r+ and c), and c never reaches the file.
    w = np.memmap(p, dtype=dtype, mode="r+", offset=offset, shape=shape, order=order)
    w[...] = np.flip(a) if a.ndim else a
    w.flush()
    for mode in ("r", "r+", "c"):
        ours = nd.memmap(p, dtype=dtype, mode=mode, offset=offset, shape=shape, order=order)
        same(ours, np.asarray(w))
    del w
    if a.size:
        c = nd.memmap(p, dtype=dtype, mode="c", offset=offset, shape=shape, order=order)
        before = open(p, "rb").read()
        c[...] = nd.zeros(shape, dtype=dtype)
        c.flush()
        assert open(p, "rb").read() == before


def test_memmap_paper_example(tmp_path):
    p = str(tmp_path / "paper.dat")
    fp = nd.memmap(p, dtype="int64", mode="w+", shape=(300, 300))
    fp[...] = nd.arange(90000).reshape(300, 300)
    fp.flush()
    del fp
    fp = nd.memmap(p, dtype="int64", mode="r+", shape=(300, 300))
    fp[100] = fp[100] * 2
    fp.flush()
    del fp
    want = np.arange(90000).reshape(300, 300)
    want[100] *= 2
    np.testing.assert_array_equal(np.fromfile(p, dtype="int64").reshape(300, 300), want)
    # A view outlives its memmap, and reads the mapped file.
    r = nd.memmap(p, dtype="int64", mode="r", shape=(300, 300))
    row = r[100]
    del r
    assert int(row[5]) == 2 * (100 * 300 + 5)


def test_memmap_errors_match_numpy(tmp_path):
    p = tmp_path / "e.dat"
    p.write_bytes(b"\0" * 20)
    for kwargs, exc, text in [
        (dict(mode="x"), ValueError, "mode must be one of"),
        (dict(mode="w+"), ValueError, "shape must be given if mode == 'w+'"),
        (dict(mode="r"), ValueError, "not a multiple of the data-type size"),
    ]:
        for lib in (np, nd):
            with pytest.raises(exc, match=text.replace("+", r"\+")):
                lib.memmap(p if kwargs["mode"] != "w+" else tmp_path / "n.dat", dtype="i8",
                           **kwargs)
    with pytest.raises(ValueError, match="too short"):
        nd.memmap(p, dtype="i8", mode="r", shape=(3,))
    with pytest.raises(FileNotFoundError):
        nd.memmap(tmp_path / "missing", dtype="i8", mode="r")
    r = nd.memmap(p, dtype="i4", mode="r")
    with pytest.raises(ValueError, match="read-only"):
        r[0] = 1
    # r+ extends the file as NumPy does.
    nd.memmap(p, dtype="i8", mode="r+", shape=(4,))
    assert p.stat().st_size == 32


@given(st.one_of(builtin_dtypes(), record_dtypes()), st.integers(0, 6), st.integers(-1, 8),
       st.integers(0, 3))
def test_fromfile_tofile(tmp_path_factory, dtype, n, count, skip):
    d = tmp_path_factory.mktemp("raw")
    a = filled(dtype, (n,), "C", n)
    p = str(d / "r.bin")
    nd.asarray(a).tofile(p)
    assert open(p, "rb").read() == a.tobytes()
    offset = skip * dtype.itemsize
    if offset > a.nbytes:
        with pytest.raises(ValueError):
            nd.fromfile(p, dtype=dtype, count=count, offset=offset)
        return
    ours = nd.fromfile(p, dtype=dtype, count=count, offset=offset)
    theirs = np.fromfile(p, dtype=dtype, count=count, offset=offset)
    same(ours, theirs)


def test_tofile_writes_c_order(tmp_path):
    a = np.arange(12, dtype="<i4").reshape(3, 4)
    for view in (a.T, a[::-1, ::2], np.asfortranarray(a)):
        nd.asarray(view).tofile(str(tmp_path / "t.bin"))
        assert (tmp_path / "t.bin").read_bytes() == view.tobytes(order="C")


def test_record_file_paper_example(tmp_path):
    dt = np.dtype([("time", np.uint64), ("pos", [("x", float), ("y", float)])])
    recs = np.array([(0, (1.5, -1)), (1, (2.5, -2)), (2, (3.5, -3)), (3, (4.5, -4))], dtype=dt)
    recs.tofile(tmp_path / "rec.bin")
    data = nd.fromfile(str(tmp_path / "rec.bin"), dtype=dt)
    late = data[data["time"] >= 2]["pos"]
    ref = np.fromfile(tmp_path / "rec.bin", dtype=dt)
    ref_late = ref[ref["time"] >= 2]["pos"]
    assert np.asarray(late).tobytes() == ref_late.tobytes()


@given(st.binary(max_size=24), builtin_dtypes(), st.integers(-1, 6), st.integers(-1, 26))
def test_frombuffer(buf, dtype, count, offset):
    try:
        theirs = np.frombuffer(buf, dtype=dtype, count=count, offset=offset)
    except ValueError as e:
        with pytest.raises(ValueError) as ours:
            nd.frombuffer(buf, dtype=dtype, count=count, offset=offset)
        if offset >= 0:
            assert str(ours.value) == str(e)
        return
    ours = nd.frombuffer(buf, dtype=dtype, count=count, offset=offset)
    same(ours, theirs)
    assert not ours.flags.writeable


def test_frombuffer_shares_writable_memory():
    buf = bytearray(b"abcdefgh")
    a = nd.frombuffer(buf, dtype="<i2")
    a[0] = 0x7a7a
    assert buf[:2] == b"zz"
    del buf
    assert int(a[1]) == ord("c") | ord("d") << 8


def leaves(a):
    """The non-record fields of a record array, depth first."""
    if a.dtype.names is None:
        return [a]
    return [leaf for name in a.dtype.names for leaf in leaves(a[name])]


def valid_bools(a):
    """Random bytes in bool fields made 0 or 1: other bytes are not NumPy
    booleans, and ndcore's byteswap (a cast) normalises them."""
    if a.dtype.names is None:
        if a.dtype.kind == "b":
            a[...] = a != False  # noqa: E712  (elementwise)
    else:
        for name in a.dtype.names:
            valid_bools(a[name])


@given(st.one_of(builtin_dtypes(), record_dtypes()), shapes(2, 4), st.integers(0, 2**32),
       st.booleans())
def test_byteswap(dtype, shape, seed, inplace):
    if dtype.fields is None and dtype.kind == "b":
        return  # bools are one byte: nothing to swap
    a = filled(dtype, shape, "C", seed)
    valid_bools(a.reshape(-1))  # 1-d: field access gives views
    theirs = a.copy().byteswap(inplace=inplace) if inplace else a.byteswap()
    ours_src = nd.asarray(a.copy())
    ours = ours_src.byteswap(inplace=inplace)
    assert ours.dtype == theirs.dtype
    if dtype.fields is None:
        assert np.asarray(ours).tobytes() == theirs.tobytes()
    else:
        # Record padding bytes are not copied by ndcore's cast: compare the
        # leaf fields.
        mine_np = np.asarray(ours).reshape(-1)
        assert mine_np.dtype == theirs.dtype
        for mine, ref in zip(leaves(mine_np), leaves(theirs.reshape(-1))):
            assert mine.tobytes() == ref.tobytes()
    # Swapping back, or converting the view to native, gives the values.
    back = ours.byteswap()
    if dtype.fields is None:
        assert np.asarray(back).tobytes() == a.tobytes()


def test_byteswap_read_only_and_native_values():
    a = np.arange(4, dtype="<i4")
    ro = nd.frombuffer(a.tobytes(), dtype="<i4")
    with pytest.raises(ValueError, match="read-only"):
        ro.byteswap(inplace=True)
    assert np.asarray(ro).tobytes() == a.tobytes()  # nothing written
    s = nd.asarray(a).byteswap()
    np.testing.assert_array_equal(np.asarray(s).view(">i4"), a)
    w = nd.asarray(a)
    assert w.byteswap(inplace=True) is w
    np.testing.assert_array_equal(a, np.arange(4, dtype="<i4").byteswap())
    # Non-native data: ufuncs read it, astype converts it to native values.
    big = nd.asarray(np.arange(5, dtype=">f8"))
    np.testing.assert_array_equal(np.asarray(big + 1), np.arange(5) + 1.0)
    native = big.astype("<f8")
    assert native.dtype == np.dtype("<f8")
    np.testing.assert_array_equal(np.asarray(native), np.arange(5.0))


def test_save_replaces_longer_files_and_its_own_map(tmp_path):
    p = tmp_path / "r.npy"
    np.save(p, np.arange(1000.0))
    nd.save(p, nd.arange(3))
    np.testing.assert_array_equal(np.load(p), np.arange(3))
    assert p.stat().st_size == 128 + 24
    (tmp_path / "t.bin").write_bytes(b"x" * 100)
    nd.arange(2, dtype="u1").tofile(str(tmp_path / "t.bin"))
    assert (tmp_path / "t.bin").read_bytes() == b"\x00\x01"
    # Saving a map of a file over that file: the bytes stay (no truncation
    # under the reader's feet).
    np.save(p, np.arange(50000.0))
    m = nd.load(p, mmap_mode="r")
    nd.save(p, m)
    np.testing.assert_array_equal(np.load(p), np.arange(50000.0))
    with pytest.raises(IsADirectoryError):
        nd.arange(3).tofile(str(tmp_path))


@pytest.mark.parametrize("compressed", [False, True])
def test_npz_both_ways(tmp_path, compressed):
    arrays = {
        "x": np.arange(12.0).reshape(3, 4),
        "big_endian": np.arange(5, dtype=">i4"),
        "rec": np.zeros(2, dtype=[("time", "<u8"), ("pos", [("x", "<f8"), ("y", "<f8")])]),
        "fortran": np.asfortranarray(np.arange(6).reshape(2, 3)),
        "empty": np.zeros((0, 2), "f4"),
        "scalar": np.array(1.5),
    }
    positional = np.arange(3, dtype="u1")
    save_np = np.savez_compressed if compressed else np.savez
    save_nd = nd.savez_compressed if compressed else nd.savez
    save_np(tmp_path / "np.npz", positional, **arrays)
    save_nd(str(tmp_path / "nd"), nd.asarray(positional),
            **{k: nd.asarray(v) for k, v in arrays.items()})
    theirs = np.load(tmp_path / "nd.npz")
    ours = nd.load(tmp_path / "np.npz")
    assert sorted(ours.files) == sorted(theirs.files) == sorted(["arr_0", *arrays])
    for name, want in [("arr_0", positional), *arrays.items()]:
        same(ours[name], want)
        got = theirs[name]
        assert got.dtype == want.dtype and got.shape == want.shape
        assert got.tobytes(order="A") == want.tobytes(order="A")
        assert got.flags.f_contiguous == want.flags.f_contiguous
    assert np.asarray(ours["x.npy"]).tobytes() == arrays["x"].tobytes()


def test_npz_errors(tmp_path):
    nd.savez(tmp_path / "a.npz", x=nd.arange(3))
    z = nd.load(tmp_path / "a.npz")
    with pytest.raises(KeyError):
        z["y"]
    # As NumPy, mmap_mode is ignored for archives.
    assert nd.load(tmp_path / "a.npz", mmap_mode="r").files == ["x"]
    (tmp_path / "b.npz").write_bytes(b"PK\x03\x04" + b"\0" * 40)
    with pytest.raises(ValueError, match="not a valid .npz file"):
        nd.load(tmp_path / "b.npz")
    with pytest.raises(ValueError, match="un-unique name"):
        nd.savez(tmp_path / "c.npz", nd.arange(2), arr_0=nd.arange(3))
    # A corrupted entry: the .npy inside fails as a .npy file would.
    np.savez(tmp_path / "d.npz", x=np.arange(1000.0))
    data = bytearray((tmp_path / "d.npz").read_bytes())
    data[data.find(b"\x93NUMPY") + 1] = ord("X")
    (tmp_path / "d.npz").write_bytes(bytes(data))
    with pytest.raises(ValueError):
        nd.load(tmp_path / "d.npz")["x"]
