/* The NumPy array paper (van der Walt, Colbert, Varoquaux 2011), in C.
 *
 * Part 1, "The structure of a NumPy array: a view on memory": an array is a
 * data pointer, a dtype, a shape and byte strides. Here we create arrays,
 * print them as NumPy would, look at their shapes and strides, and describe
 * one block of C memory in several ways without copying it.
 *
 * Then "vectorization": ufuncs over whole arrays, broadcasting, in-place
 * operations, finite differences from slices, and the broadcast distance
 * grid; the array interface (a C buffer wrapped, changed in place, handed
 * on through DLPack and given back); memory-mapped files and a structured
 * record file read in one call. Later parts (dot) arrive with the
 * capabilities they show. `make demo` then runs the array-interface
 * example across the Fortran (examples_fortran/) and NumPy
 * (examples_python/) boundaries. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "ndcore.h"

/* Print the Python expression `a` stands for and NumPy's repr of it, as an
 * interactive session would; stop the demo if `a` is NULL. */
static void show(const char *expr, const nd_array *a) {
    if (!a) {
        fprintf(stderr, "%s failed: %s\n", expr, nd_last_error());
        exit(1);
    }
    char *s = nd_array_repr(a);
    printf(">>> %s\n%s\n", expr, s);
    nd_string_free(s);
}

static void print_tuple(const int64_t *v, int64_t n) {
    printf("(");
    for (int64_t i = 0; i < n; i++) printf(i ? ", %lld" : "%lld", (long long)v[i]);
    printf(n == 1 ? ",)" : ")");
}

/* `>>> name.shape, name.strides` and the answer. */
static void show_layout(const char *name, const nd_array *a) {
    int64_t nd = nd_array_ndim(a);
    printf(">>> %s.shape, %s.strides\n(", name, name);
    print_tuple(nd_array_shape(a), nd);
    printf(", ");
    print_tuple(nd_array_strides(a), nd);
    printf(")\n");
}

static double now(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec * 1e-9;
}

/* The int64 at element `i` of a file, read with stdio: what is on disk. */
static long long file_i64(const char *path, long i) {
    int64_t v = -1;
    FILE *f = fopen(path, "rb");
    if (f && fseek(f, i * 8, SEEK_SET) == 0 && fread(&v, 8, 1, f) == 1) {
    }
    if (f) fclose(f);
    return (long long)v;
}

/* The paper's computer-vision example: 100,000 points projected by a 3x3
 * camera matrix with one matrix product, then divided by their third
 * coordinate through broadcasting. */
static void camera_demo(void) {
    printf("== Computer vision: camera.dot(points.T).T, then / vecs[:, 2, np.newaxis] ==\n");
    enum { N = 100000 };
    static double pts[N * 3];
    for (int i = 0; i < N; i++) { /* deterministic "random" points in [0, 1) x [0, 1) x [1, 2) */
        pts[3 * i] = (i % 97) / 97.0;
        pts[3 * i + 1] = (i % 89) / 89.0;
        pts[3 * i + 2] = 1 + (i % 83) / 83.0;
    }
    double cam[9] = {500., 0., 320., 0., 500., 240., 0., 0., 1.};
    nd_dtype *f8 = nd_dtype_new(ND_FLOAT64);
    nd_array *points = nd_array_wrap(pts, f8, 2, (int64_t[]){N, 3}, NULL, false, NULL, NULL);
    nd_array *camera = nd_array_wrap(cam, f8, 2, (int64_t[]){3, 3}, NULL, false, NULL, NULL);
    show("camera", camera);
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    nd_array *pt = nd_transpose(points, 0, NULL);
    nd_array *prod = nd_dot(camera, pt, NULL);
    nd_array *vecs = nd_transpose(prod, 0, NULL);
    nd_index z[3] = {{ND_INDEX_SLICE, ND_NONE, ND_NONE, 1, NULL},
                     {ND_INDEX_INT, 2, 0, 1, NULL},
                     {ND_INDEX_NEWAXIS, 0, 0, 1, NULL}};
    nd_array *third = nd_array_index(vecs, 3, z);
    nd_array *pixels = nd_divide(vecs, third, NULL);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    nd_index first[1] = {{ND_INDEX_SLICE, ND_NONE, 3, 1, NULL}};
    nd_array *head = nd_array_index(pixels, 1, first);
    show("pixel_coords[:3]", head);
    printf("100,000 points projected in %.2f ms (the paper: 9 ms in 2011)\n\n",
           ((t1.tv_sec - t0.tv_sec) * 1e9 + (t1.tv_nsec - t0.tv_nsec)) / 1e6);
    nd_array *all[] = {points, camera, pt, prod, vecs, third, pixels, head};
    for (size_t i = 0; i < sizeof all / sizeof all[0]; i++) nd_array_free(all[i]);
    nd_dtype_free(f8);
}

static void files_demo(void) {
    char dir[] = "/tmp/ndcore-demo-XXXXXX", path[64], foo[64];
    if (!mkdtemp(dir)) {
        perror("mkdtemp");
        exit(1);
    }
    snprintf(path, sizeof path, "%s/myarray.memmap", dir);
    snprintf(foo, sizeof foo, "%s/foo.dat", dir);

    printf("== Memory-mapped files ==\n");
    nd_dtype *i64 = nd_dtype_new(ND_INT64);
    int64_t shape[2] = {300, 300};
    nd_array *a = nd_memmap(path, i64, "write", 0, 2, shape, ND_ORDER_C);
    printf(">>> a = np.memmap('myarray.memmap', mode='write', shape=(300, 300), dtype=np.int64)\n");
    nd_array *r = nd_arange(0, 300 * 300, 1, i64);
    nd_array *r2 = nd_reshape(r, 2, shape, ND_ORDER_C);
    nd_copyto(a, r2, ND_CASTING_SAME_KIND);
    show("a.flat = np.arange(300 * 300); a", a);
    nd_array_flush(a, false);
    printf(">>> a.flush()   # on disk, element 30005 is now %lld\n", file_i64(path, 30005));
    nd_array_free(a);
    nd_array *b = nd_memmap(path, i64, "r+", 0, 2, shape, ND_ORDER_C);
    printf(">>> b = np.memmap('myarray.memmap', mode='r+', shape=(300, 300), dtype=np.int64)\n");
    nd_index row100 = {ND_INDEX_INT, 100, 0, 0, NULL};
    nd_array *b100 = nd_array_index(b, 1, &row100);
    nd_array *two = nd_scalar_int(2);
    nd_array_free(nd_multiply(b100, two, b100));
    printf(">>> b[100, :] *= 2\n");
    nd_array_flush(b, false);
    printf(">>> b.flush()   # on disk: b[100, 5] = %lld, b[101, 5] = %lld\n\n", file_i64(path, 30005),
           file_i64(path, 30305));
    nd_array_free(two);
    nd_array_free(b100);
    nd_array_free(b);
    nd_array_free(r2);
    nd_array_free(r);
    nd_dtype_free(i64);

    printf("== Structured data: a binary record file read in one call ==\n");
    /* foo.dat as an instrument written by C would: one struct per record. */
    struct {
        uint64_t time;
        double x, y;
    } recs[3] = {{1, 0, 0.5}, {2, 0, 10.3}, {3, 5.5, 1.1}};
    FILE *f = fopen(foo, "wb");
    if (!f || fwrite(recs, sizeof recs[0], 3, f) != 3) exit(1);
    fclose(f);
    nd_dtype *dt = nd_dtype_from_string("[('time', '<u8'), ('pos', [('x', '<f8'), ('y', '<f8')])]");
    printf(">>> dt = np.dtype([('time', np.uint64), ('pos', [('x', float), ('y', float)])])\n");
    nd_array *data = nd_fromfile(foo, dt, -1, 0);
    show("data = np.fromfile('foo.dat', dtype=dt); data", data);
    nd_array *time = nd_array_field(data, "time");
    show("data['time']", time);
    nd_array *two_u = nd_scalar_uint(2);
    nd_array *times = nd_greater_equal(time, two_u, NULL);
    show("times = (data['time'] >= 2); times", times);
    nd_index sel = {ND_INDEX_ARRAY, 0, 0, 0, times};
    nd_array *late = nd_array_getitem(data, 1, &sel);
    nd_array *pos = nd_array_field(late, "pos");
    show("data[times]['pos']   # the positions of the records with time >= 2", pos);
    nd_array *x = nd_array_field(pos, "x");
    show("data[times]['pos']['x']", x);
    printf("\n");
    nd_array *hs[] = {x, pos, late, times, two_u, time, data};
    for (size_t i = 0; i < sizeof hs / sizeof *hs; i++) nd_array_free(hs[i]);
    nd_dtype_free(dt);
    unlink(path);
    unlink(foo);
    rmdir(dir);
}

static void released(void *ctx) {
    printf("  [release callback: the C buffer \"%s\" is given back]\n", (const char *)ctx);
}

int main(void) {
    printf("ndcore %s: the NumPy array, from C\n\n", nd_version());

    printf("== The structure of a NumPy array: a view on memory ==\n");
    nd_dtype *i64 = nd_dtype_new(ND_INT64);
    nd_array *r = nd_arange(0, 9, 1, i64);
    int64_t shape33[2] = {3, 3};
    nd_array *x = nd_reshape(r, 2, shape33, ND_ORDER_C);
    show("x = np.arange(9).reshape((3, 3))", x);
    show_layout("x", x);
    printf("(8-byte integers: skip 24 bytes to the next row, 8 to the next column)\n");

    nd_index every_other[2] = {{ND_INDEX_SLICE, ND_NONE, ND_NONE, 2, NULL},
                               {ND_INDEX_SLICE, ND_NONE, ND_NONE, 2, NULL}};
    nd_array *y = nd_array_index(x, 2, every_other);
    show("y = x[::2, ::2]", y);
    show_layout("y", y);
    int64_t origin[2] = {0, 0};
    nd_array_set_i64(y, 2, origin, 100);
    printf(">>> y[0, 0] = 100   # y is a view: x changes too\n");
    show("x", x);
    nd_array *xT = nd_transpose(x, 0, NULL);
    show("xT = x.T", xT);
    show_layout("xT", xT);
    int flags = nd_array_flags(xT);
    printf("x.T is F-contiguous: %s, C-contiguous: %s\n",
           flags & ND_FLAG_F_CONTIGUOUS ? "yes" : "no", flags & ND_FLAG_C_CONTIGUOUS ? "yes" : "no");
    int64_t shape19[2] = {1, 9};
    nd_array *z = nd_reshape(x, 2, shape19, ND_ORDER_C);
    show("z = x.reshape((1, 9))", z);
    show_layout("z", z);
    nd_dtype *u8 = nd_dtype_new(ND_UINT8);
    nd_array *zb = nd_array_view_dtype(z, u8);
    show("z.view(np.uint8)   # the same 72 bytes, as bytes", zb);
    show_layout("z.view(np.uint8)", zb);
    printf("every view above shares x's memory: data pointers %p (x), %p (y), %p (z)\n\n",
           nd_array_data(x), nd_array_data(y), nd_array_data(zb));

    printf("== Numerical operations on arrays: vectorization ==\n");
    {
        nd_array *a = nd_array_from_data((int64_t[]){1, 3, 5}, i64, 1, (int64_t[]){3}, NULL);
        nd_array *three = nd_scalar_int(3);
        nd_array *b = nd_multiply(three, a, NULL);
        show("b = 3 * np.array([1, 3, 5])", b);
        nd_array *d = nd_subtract(b, a, NULL);
        show("b - a", d);
        nd_array *m6 = nd_arange(0, 6, 1, i64);
        nd_array *m = nd_reshape(m6, 2, (int64_t[]){2, 3}, ND_ORDER_C);
        nd_array *bm = nd_add(b, m, NULL);
        show("b + m   # m = np.arange(6).reshape((2, 3)); b is broadcast, never copied", bm);
        nd_array *hs[] = {a, three, b, d, m6, m, bm};
        for (size_t i = 0; i < sizeof hs / sizeof *hs; i++) nd_array_free(hs[i]);
    }
    {
        /* f(x) = x**2 - 3*x + 4, naively (temporaries) and in place (g). */
        nd_array *x = nd_arange(0, 1e5, 1, NULL);
        nd_array *three = nd_scalar_int(3), *four = nd_scalar_int(4);
        double t0 = now();
        nd_array *x2 = nd_square(x, NULL), *x3 = nd_multiply(three, x, NULL);
        nd_array *c = nd_subtract(x2, x3, NULL), *fx = nd_add(c, four, NULL);
        double t1 = now();
        show("y = f(x) = x**2 - 3*x + 4   # x = np.arange(1e5)", fx);
        nd_array *gx = nd_square(x, NULL), *t3 = nd_multiply(three, x, NULL);
        double t2 = now();
        nd_array_free(nd_subtract(gx, t3, gx)); /* fx -= 3*x */
        nd_array_free(nd_add(gx, four, gx));    /* fx += 4 */
        double t3v = now();
        nd_array *same = nd_equal(fx, gx, NULL);
        bool all_same = true;
        for (int64_t i = 0; i < 100000; i++) {
            bool e = false;
            nd_array_get_bool(same, 1, &i, &e);
            all_same = all_same && e;
        }
        printf("first runs: f(x) %.0f us with 4 temporaries, g(x)'s in-place steps %.0f us; same values: %s\n\n",
               (t1 - t0) * 1e6, (t3v - t2) * 1e6, all_same ? "yes" : "no");
        nd_array *hs[] = {x, three, four, x2, x3, c, fx, gx, t3, same};
        for (size_t i = 0; i < sizeof hs / sizeof *hs; i++) nd_array_free(hs[i]);
    }

    printf("== Finite differencing: slices are views, ufuncs combine them ==\n");
    {
        nd_array *fx = nd_arange(0, 10, 2, i64);
        show("x = np.arange(0, 10, 2)", fx);
        nd_array *fy = nd_square(fx, NULL);
        show("y = x**2", fy);
        for (int central = 0; central < 2; central++) {
            nd_index t[1] = {{ND_INDEX_SLICE, central + 1, ND_NONE, 1, NULL}};
            nd_index h[1] = {{ND_INDEX_SLICE, ND_NONE, -(central + 1), 1, NULL}};
            nd_array *yt = nd_array_index(fy, 1, t), *yh = nd_array_index(fy, 1, h);
            nd_array *xt = nd_array_index(fx, 1, t), *xh = nd_array_index(fx, 1, h);
            nd_array *dy = nd_subtract(yt, yh, NULL), *dx = nd_subtract(xt, xh, NULL);
            nd_array *d = nd_divide(dy, dx, NULL);
            show(central ? "dy_dx_c = (y[2:]-y[:-2])/(x[2:]-x[:-2])" : "dy_dx = (y[1:]-y[:-1])/(x[1:]-x[:-1])", d);
            nd_array *hs[] = {yt, yh, xt, xh, dy, dx, d};
            for (size_t i = 0; i < sizeof hs / sizeof *hs; i++) nd_array_free(hs[i]);
        }
        printf("(the paper prints [2, 6, 10, 14, 18] and [4, 8, 12, 16]: slips; these are NumPy's values)\n\n");
        nd_array_free(fx);
        nd_array_free(fy);
    }

    printf("== A grid of distances by broadcasting ==\n");
    {
        nd_array *r = nd_arange(-100, 100, 1, i64);
        nd_array *gi = nd_reshape(r, 3, (int64_t[]){200, 1, 1}, ND_ORDER_C);
        nd_array *gj = nd_reshape(r, 3, (int64_t[]){1, 200, 1}, ND_ORDER_C);
        nd_array *gk = nd_reshape(r, 3, (int64_t[]){1, 1, 200}, ND_ORDER_C);
        double t0 = now();
        nd_array *i2 = nd_square(gi, NULL), *j2 = nd_square(gj, NULL), *k2 = nd_square(gk, NULL);
        nd_array *ij = nd_add(i2, j2, NULL), *ijk = nd_add(ij, k2, NULL);
        nd_array *R = nd_sqrt(ijk, NULL);
        double t1 = now();
        show_layout("R", R);
        double v0 = 0, v1 = 0;
        nd_array_get_f64(R, 3, (int64_t[]){0, 0, 0}, &v0);
        nd_array_get_f64(R, 3, (int64_t[]){103, 104, 100}, &v1);
        printf("R[0, 0, 0] = %.6f (sqrt(3) * 100), R[103, 104, 100] = %.0f (3-4-0 triangle)\n", v0, v1);
        printf("i, j, k hold %lld bytes each; i**2 + j**2 is (200, 200, 1): %lld bytes; R is %lld bytes\n"
               "(the mgrid way would hold four (200, 200, 200) arrays of %lld bytes before R)\n\n",
               (long long)nd_array_nbytes(gi), (long long)nd_array_nbytes(ij), (long long)nd_array_nbytes(R),
               (long long)nd_array_nbytes(R));
        (void)t0;
        (void)t1;
        nd_array *hs[] = {r, gi, gj, gk, i2, j2, k2, ij, ijk, R};
        for (size_t i = 0; i < sizeof hs / sizeof *hs; i++) nd_array_free(hs[i]);
    }

    printf("== C memory, wrapped: a view on someone else's buffer ==\n");
    int64_t data[9];
    for (int i = 0; i < 9; i++) data[i] = i;
    nd_array *cw = nd_array_wrap(data, i64, 2, shape33, NULL, true, NULL, NULL);
    nd_index col1[2] = {{ND_INDEX_SLICE, ND_NONE, ND_NONE, 1, NULL}, {ND_INDEX_INT, 1, 0, 0, NULL}};
    nd_array *col = nd_array_index(cw, 2, col1);
    show("c = wrap(int64_t data[9]).reshape((3, 3)); c[:, 1]", col);
    nd_array_set_i64(col, 1, (int64_t[]){2}, -7);
    printf(">>> c[2, 1] = -7   # the C array sees it: data[7] == %lld\n\n", (long long)data[7]);

    printf("== Creating arrays ==\n");
    int64_t shape23[2] = {2, 3};
    nd_dtype *f32 = nd_dtype_new(ND_FLOAT32);
    nd_array *z0 = nd_zeros(f32, 2, shape23, ND_ORDER_C);
    show("np.zeros((2, 3), dtype=np.float32)", z0);
    show_layout("_", z0);
    nd_array *zf = nd_zeros(f32, 2, shape23, ND_ORDER_F);
    printf(">>> zf = np.zeros((2, 3), dtype=np.float32, order='F')\n");
    show_layout("zf", zf);
    nd_array *lin = nd_linspace(0, 1, 5, true, NULL);
    show("np.linspace(0, 1, 5)", lin);
    nd_array *e = nd_eye(3, 3, 0, NULL, ND_ORDER_C);
    show("np.eye(3)", e);
    nd_dtype *c128 = nd_dtype_new(ND_COMPLEX128);
    nd_array *c = nd_arange(0, 2, 0.5, c128);
    show("np.arange(0, 2, 0.5, dtype=complex)", c);
    nd_array *big = nd_arange(0, 2000, 1, i64);
    show("np.arange(2000)", big);
    printf("\n");

    printf("== dtypes, casting and records ==\n");
    nd_array *bytes = nd_astype(r, u8, ND_CASTING_UNSAFE);
    show("x.ravel().astype(np.uint8)   # x was written through y above", bytes);
    if (!nd_astype(r, u8, ND_CASTING_SAFE))
        printf("casting='safe' refuses: %s\n", nd_last_error());
    nd_dtype *rec = nd_dtype_from_string("[('time','<u8'),('pos',[('x','<f8'),('y','<f8')])]");
    char *rs = nd_dtype_str(rec);
    printf("record dtype: %s, itemsize %lld\n", rs, (long long)nd_dtype_itemsize(rec));
    nd_string_free(rs);
    int64_t two = 2;
    nd_array *recs = nd_zeros(rec, 1, &two, ND_ORDER_C);
    show("np.zeros(2, dtype=rec)", recs);
    printf("\n");

    printf("== The array interface: a C buffer wrapped, modified, given back ==\n");
    /* The paper's MutableString: memory allocated by foreign code (here C),
     * described to ndcore (pointer, dtype, shape) and changed in place. */
    static char text[] = "abcde";
    int64_t n = 5;
    nd_array *t = nd_array_wrap(text, u8, 1, &n, NULL, true, released, text);
    show("am = np.asarray(m)   # m = MutableString('abcde')", t);
    nd_array *two_u8 = nd_scalar_int(2);
    nd_array_free(nd_add(t, two_u8, t));
    nd_array_free(two_u8);
    show("am += 2; am", t);
    printf("print(m)   # read back by C: %s\n", text);
    /* DLPack hands the same memory to another library (NumPy, PyTorch,
     * ...) as a managed tensor; the buffer stays alive until every
     * handle and every consumer is done. */
    struct DLManagedTensorVersioned *tensor = nd_array_to_dlpack(t, false);
    nd_array *consumer = nd_from_dlpack(tensor);
    printf("exported as a DLPack tensor and imported again: same memory: %s\n",
           nd_array_data(consumer) == (void *)text ? "yes" : "no");
    printf("freeing the first handle...\n");
    nd_array_free(t);
    printf("freeing the DLPack consumer's array (its deleter runs)...\n");
    nd_array_free(consumer);
    printf("\n");

    camera_demo();
    files_demo();

    printf("== Bad input is an error code and a message, never a crash ==\n");
    int64_t bad[2] = {3, -1};
    if (!nd_zeros(f32, 2, bad, ND_ORDER_C))
        printf("nd_zeros((3, -1)): %s: %s\n", nd_status_name(nd_last_status()), nd_last_error());
    if (!nd_dtype_from_string("<f3"))
        printf("nd_dtype_from_string(\"<f3\"): %s: %s\n", nd_status_name(nd_last_status()), nd_last_error());
    int64_t index[2] = {3, 0};
    if (nd_array_set_i64(x, 2, index, 1) != ND_OK)
        printf("x[3, 0] = 1: %s: %s\n", nd_status_name(nd_last_status()), nd_last_error());
    if (!nd_reshape(xT, 1, (int64_t[]){9}, ND_ORDER_C))
        printf("x.T.reshape(9, copy=False): %s: %s\n", nd_status_name(nd_last_status()), nd_last_error());
    nd_array *bx = nd_broadcast_to(y, 3, (int64_t[]){3, 2, 2});
    if (nd_array_set_i64(bx, 3, (int64_t[]){0, 0, 0}, 1) != ND_OK)
        printf("np.broadcast_to(y, (3, 2, 2))[0, 0, 0] = 1: %s: %s\n", nd_status_name(nd_last_status()),
               nd_last_error());
    if (!nd_broadcast_to(y, 2, (int64_t[]){4, 2}))
        printf("np.broadcast_to(y, (4, 2)): %s: %s\n", nd_status_name(nd_last_status()), nd_last_error());
    nd_array_free(bx);
    if (!nd_load("no-such-file.npy", NULL))
        printf("np.load('no-such-file.npy'): %s: %s\n", nd_status_name(nd_last_status()), nd_last_error());
    if (!nd_memmap("examples_c/paper_demo.c", i64, "r", 0, 2, (int64_t[]){300, 300}, ND_ORDER_C))
        printf("np.memmap('paper_demo.c', mode='r', shape=(300, 300), dtype=np.int64): %s: %s\n",
               nd_status_name(nd_last_status()), nd_last_error());

    nd_array *handles[] = {r, x, y, xT, z, zb, cw, col, z0, zf, lin, e, c, big, bytes, recs};
    for (size_t i = 0; i < sizeof handles / sizeof *handles; i++) nd_array_free(handles[i]);
    nd_dtype *types[] = {i64, f32, c128, u8, rec};
    for (size_t i = 0; i < sizeof types / sizeof *types; i++) nd_dtype_free(types[i]);
    return 0;
}
