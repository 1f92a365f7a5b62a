/* Matrix products through the real library: values against hand-computed
 * results (row, column and batched products, views with any strides, the
 * camera projection, integer wrapping, bool, float16), `out` (aliasing,
 * casting, extra batch axes), and every bad input with NumPy's message. */
#include <stdint.h>
#include <stdlib.h>

#include "check.h"

static double at2(const nd_array *a, int64_t i, int64_t j) {
    int64_t idx[2] = {i, j};
    double v = -999;
    CHECK(nd_array_get_f64(a, 2, idx, &v) == ND_OK);
    return v;
}

static double at1(const nd_array *a, int64_t i) {
    double v = -999;
    CHECK(nd_array_get_f64(a, 1, &i, &v) == ND_OK);
    return v;
}

static nd_array *range(int type, double stop, size_t ndim, const int64_t *shape) {
    nd_dtype *dt = nd_dtype_new(type);
    nd_array *r = nd_arange(0, stop, 1, dt);
    nd_array *s = nd_reshape(r, ndim, shape, ND_ORDER_C);
    nd_array_free(r);
    nd_dtype_free(dt);
    return s;
}

static void test_values(void) {
    /* A = [[0,1,2],[3,4,5]], B = [[0..3],[4..7],[8..11]] */
    nd_array *a = range(ND_FLOAT64, 6, 2, (int64_t[]){2, 3});
    nd_array *b = range(ND_FLOAT64, 12, 2, (int64_t[]){3, 4});
    nd_array *c = nd_matmul(a, b, NULL);
    CHECK(c != NULL && nd_array_ndim(c) == 2 && nd_array_dim(c, 0) == 2 && nd_array_dim(c, 1) == 4);
    CHECK(at2(c, 0, 0) == 20 && at2(c, 0, 3) == 29 && at2(c, 1, 0) == 56 && at2(c, 1, 3) == 92);
    /* Through transposed views: (B.T @ A.T).T == A @ B, no copies needed. */
    nd_array *at = nd_transpose(a, 0, NULL), *bt = nd_transpose(b, 0, NULL);
    nd_array *ct = nd_matmul(bt, at, NULL);
    CHECK(ct != NULL && at2(ct, 3, 1) == 92 && at2(ct, 2, 0) == 26);
    /* Reversed columns of B: B[:, ::-1]. */
    nd_index rev[2] = {{ND_INDEX_SLICE, INT64_MIN, INT64_MIN, 1, NULL},
                       {ND_INDEX_SLICE, INT64_MIN, INT64_MIN, -1, NULL}};
    nd_array *br = nd_array_index(b, 2, rev);
    nd_array *cr = nd_matmul(a, br, NULL);
    CHECK(cr != NULL && at2(cr, 0, 0) == 29 && at2(cr, 1, 3) == 56);
    /* 1-d operands: a row, a column, and their inner product (0-d). */
    nd_array *v = range(ND_FLOAT64, 3, 1, (int64_t[]){3});
    nd_array *av = nd_matmul(a, v, NULL);
    CHECK(av != NULL && nd_array_ndim(av) == 1 && at1(av, 0) == 5 && at1(av, 1) == 14);
    nd_array *vb = nd_matmul(v, b, NULL);
    CHECK(vb != NULL && nd_array_ndim(vb) == 1 && at1(vb, 0) == 20 && at1(vb, 3) == 29);
    nd_array *vv = nd_dot(v, v, NULL);
    double s = -1;
    CHECK(vv != NULL && nd_array_ndim(vv) == 0 && nd_array_get_f64(vv, 0, NULL, &s) == ND_OK && s == 5);
    nd_array *vd = nd_vdot(a, a);
    CHECK(vd != NULL && nd_array_get_f64(vd, 0, NULL, &s) == ND_OK && s == 55);
    nd_array *in = nd_inner(a, a);
    CHECK(in != NULL && at2(in, 0, 1) == 14 && at2(in, 1, 1) == 50);
    nd_array *ou = nd_outer(v, v, NULL);
    CHECK(ou != NULL && at2(ou, 2, 1) == 2 && nd_array_dim(ou, 0) == 3);
    nd_array *all[] = {a, b, c, at, bt, ct, br, cr, v, av, vb, vv, vd, in, ou};
    for (size_t i = 0; i < sizeof all / sizeof all[0]; i++) nd_array_free(all[i]);
}

static void test_batches_and_kinds(void) {
    /* (2, 2, 3) @ (3, 2): the second operand broadcast over the batch. */
    nd_array *a = range(ND_INT32, 12, 3, (int64_t[]){2, 2, 3});
    nd_array *b = range(ND_INT32, 6, 2, (int64_t[]){3, 2});
    nd_array *c = nd_matmul(a, b, NULL);
    CHECK(c != NULL && nd_array_ndim(c) == 3);
    nd_dtype *ct = nd_array_dtype(c);
    CHECK(nd_dtype_type(ct) == ND_INT32);
    nd_dtype_free(ct);
    /* a[1] = [[6,7,8],[9,10,11]], b = [[0,1],[2,3],[4,5]] */
    int64_t idx[3] = {1, 1, 1};
    int64_t iv = 0;
    CHECK(nd_array_get_i64(c, 3, idx, &iv) == ND_OK && iv == 9 + 30 + 55);
    /* int8 wraps as NumPy's: 100*100 + 100*100 = 20000 = 32 mod 256. */
    nd_dtype *i1 = nd_dtype_new(ND_INT8);
    int8_t hundred = 100;
    nd_array *h = nd_full(i1, 2, (int64_t[]){2, 2}, ND_ORDER_C, &hundred, NULL);
    nd_array *hh = h ? nd_matmul(h, h, NULL) : NULL;
    CHECK(hh != NULL && nd_array_get_i64(hh, 2, (int64_t[]){0, 0}, &iv) == ND_OK && iv == 32);
    /* bool: logical or of ands. */
    nd_dtype *b1 = nd_dtype_new(ND_BOOL);
    nd_array *t = nd_zeros(b1, 2, (int64_t[]){2, 2}, ND_ORDER_C);
    CHECK(nd_array_set_bool(t, 2, (int64_t[]){0, 1}, true) == ND_OK);
    nd_array *tt = nd_matmul(t, t, NULL);
    bool bv = true;
    CHECK(tt != NULL && nd_array_get_bool(tt, 2, (int64_t[]){0, 1}, &bv) == ND_OK && !bv);
    nd_array *tv = nd_array_view(t);
    nd_array *tu = nd_matmul(t, tv, NULL);
    CHECK(tu != NULL && nd_array_get_bool(tu, 2, (int64_t[]){1, 1}, &bv) == ND_OK && !bv);
    /* Mixed kinds promote: int32 @ float64 is float64. */
    nd_array *f = range(ND_FLOAT64, 6, 2, (int64_t[]){3, 2});
    nd_array *cf = nd_matmul(a, f, NULL);
    nd_dtype *cft = cf ? nd_array_dtype(cf) : NULL;
    CHECK(cft != NULL && nd_dtype_type(cft) == ND_FLOAT64);
    nd_dtype_free(cft);
    nd_array *all[] = {a, b, c, h, hh, t, tt, tv, tu, f, cf};
    for (size_t i = 0; i < sizeof all / sizeof all[0]; i++) nd_array_free(all[i]);
    nd_dtype_free(i1);
    nd_dtype_free(b1);
}

static void test_camera(void) {
    /* The paper's camera: points (N, 3) projected by a 3x3 matrix,
     * camera.dot(points.T).T, then divided by the third coordinate. */
    double cam[9] = {2, 0, 1, 0, 2, 1, 0, 0, 1};
    enum { N = 1000 };
    static double pts[N * 3];
    for (int i = 0; i < N; i++) {
        pts[3 * i] = i;
        pts[3 * i + 1] = 2 * i;
        pts[3 * i + 2] = 1 + i % 7;
    }
    nd_dtype *f8 = nd_dtype_new(ND_FLOAT64);
    nd_array *c = nd_array_wrap(cam, f8, 2, (int64_t[]){3, 3}, NULL, false, NULL, NULL);
    nd_array *p = nd_array_wrap(pts, f8, 2, (int64_t[]){N, 3}, NULL, false, NULL, NULL);
    nd_array *pt = nd_transpose(p, 0, NULL);
    nd_array *q = nd_dot(c, pt, NULL);
    nd_array *qt = q ? nd_transpose(q, 0, NULL) : NULL;
    CHECK(qt != NULL && nd_array_dim(qt, 0) == N && nd_array_dim(qt, 1) == 3);
    int ok = 1;
    for (int i = 0; i < N && qt; i++) {
        double z = 1 + i % 7;
        ok &= at2(qt, i, 0) == 2.0 * i + z && at2(qt, i, 1) == 4.0 * i + z && at2(qt, i, 2) == z;
    }
    CHECK(ok);
    nd_array *all[] = {c, p, pt, q, qt};
    for (size_t i = 0; i < sizeof all / sizeof all[0]; i++) nd_array_free(all[i]);
    nd_dtype_free(f8);
}

/* Products large enough for the packed float kernels and both threads
 * (130 x 300 x 140 is past the split into slabs): C memory wrapped without
 * copies, an operand transposed by strides, `out` in F order, float64 and
 * float32, against a naive loop. Small integers: exact in any order. */
static void test_large_products(void) {
    enum { M = 130, K = 300, N = 140 };
    static double a[M * K], bt[N * K], want[M * N], outf[N * M];
    static float a4[M * K], bt4[N * K], out4[M * N];
    for (int i = 0; i < M * K; i++) a4[i] = (float)(a[i] = (i * 7 % 11) - 5);
    for (int i = 0; i < N * K; i++) bt4[i] = (float)(bt[i] = (i * 5 % 9) - 4);
    /* b = bt.T: element (p, j) at bt[j * K + p]. */
    for (int i = 0; i < M; i++)
        for (int j = 0; j < N; j++) {
            double s = 0;
            for (int p = 0; p < K; p++) s += a[i * K + p] * bt[j * K + p];
            want[i * N + j] = s;
        }
    nd_dtype *f8 = nd_dtype_new(ND_FLOAT64), *f4 = nd_dtype_new(ND_FLOAT32);
    nd_array *A = nd_array_wrap(a, f8, 2, (int64_t[]){M, K}, NULL, false, NULL, NULL);
    nd_array *B = nd_array_wrap(bt, f8, 2, (int64_t[]){K, N}, (int64_t[]){8, 8 * K}, false, NULL, NULL);
    nd_array *O = nd_array_wrap(outf, f8, 2, (int64_t[]){M, N}, (int64_t[]){8, 8 * M}, true, NULL, NULL);
    nd_array *r = nd_matmul(A, B, O);
    int ok = r != NULL;
    for (int i = 0; i < M && ok; i++)
        for (int j = 0; j < N; j++) ok &= outf[j * M + i] == want[i * N + j];
    CHECK(ok);
    nd_array *A4 = nd_array_wrap(a4, f4, 2, (int64_t[]){M, K}, NULL, false, NULL, NULL);
    nd_array *B4 = nd_array_wrap(bt4, f4, 2, (int64_t[]){K, N}, (int64_t[]){4, 4 * K}, false, NULL, NULL);
    nd_array *O4 = nd_array_wrap(out4, f4, 2, (int64_t[]){M, N}, NULL, true, NULL, NULL);
    nd_array *r4 = nd_matmul(A4, B4, O4);
    ok = r4 != NULL;
    for (int i = 0; i < M * N && ok; i++) ok &= out4[i] == (float)want[i];
    CHECK(ok);
    nd_array *all[] = {A, B, O, r, A4, B4, O4, r4};
    for (size_t i = 0; i < sizeof all / sizeof all[0]; i++) nd_array_free(all[i]);
    nd_dtype_free(f8);
    nd_dtype_free(f4);
}

static void test_out(void) {
    nd_array *a = range(ND_FLOAT64, 4, 2, (int64_t[]){2, 2});
    /* out aliasing both inputs: NumPy's result, as if copied first. */
    nd_array *r = nd_matmul(a, a, a);
    CHECK(r != NULL && nd_array_data(r) == nd_array_data(a));
    CHECK(at2(a, 0, 0) == 2 && at2(a, 0, 1) == 3 && at2(a, 1, 0) == 6 && at2(a, 1, 1) == 11);
    nd_array_free(r);
    /* out with an extra batch axis the inputs broadcast to. */
    nd_dtype *f8 = nd_dtype_new(ND_FLOAT64);
    nd_array *o = nd_zeros(f8, 3, (int64_t[]){3, 2, 2}, ND_ORDER_C);
    nd_array *b = range(ND_FLOAT64, 4, 2, (int64_t[]){2, 2});
    r = nd_matmul(b, b, o);
    int64_t idx[3] = {2, 1, 1};
    double v = 0;
    CHECK(r != NULL && nd_array_get_f64(o, 3, idx, &v) == ND_OK && v == 11);
    nd_array_free(r);
    /* 1-d results into a reversed out, and a 0-d out: b @ v is
     * [1, 3]; v @ v is 1 (v = [0, 1]). */
    nd_array *v1 = range(ND_FLOAT64, 2, 1, (int64_t[]){2});
    nd_array *o1 = nd_zeros(f8, 1, (int64_t[]){2}, ND_ORDER_C);
    nd_index back[1] = {{ND_INDEX_SLICE, INT64_MIN, INT64_MIN, -1, NULL}};
    nd_array *o1r = nd_array_index(o1, 1, back);
    r = nd_matmul(b, v1, o1r);
    CHECK(r != NULL && at1(o1, 0) == 3 && at1(o1, 1) == 1);
    nd_array_free(r);
    r = nd_matmul(v1, b, o1r); /* v @ b = [2, 3], written reversed */
    CHECK(r != NULL && at1(o1, 0) == 3 && at1(o1, 1) == 2);
    nd_array_free(r);
    nd_array *o0 = nd_zeros(f8, 0, NULL, ND_ORDER_C);
    r = nd_matmul(v1, v1, o0);
    double d = -1;
    CHECK(r != NULL && nd_array_get_f64(o0, 0, NULL, &d) == ND_OK && d == 1);
    nd_array_free(r);
    /* An out with a batch axis the 0-d result broadcasts to (NumPy). */
    r = nd_matmul(v1, v1, o1r);
    CHECK(r != NULL && at1(o1, 0) == 1 && at1(o1, 1) == 1);
    nd_array_free(r);
    nd_array *more[] = {v1, o1, o1r, o0};
    for (size_t i = 0; i < sizeof more / sizeof more[0]; i++) nd_array_free(more[i]);
    /* Errors: nothing written. */
    nd_array *bad = nd_zeros(f8, 2, (int64_t[]){2, 3}, ND_ORDER_C);
    CHECK(nd_matmul(b, b, bad) == NULL);
    CHECK_ERROR(ND_ERR_VALUE, "Output operand 0 has a mismatch in its core dimension 1");
    nd_dtype *i8 = nd_dtype_new(ND_INT64);
    nd_array *io = nd_zeros(i8, 2, (int64_t[]){2, 2}, ND_ORDER_C);
    CHECK(nd_matmul(b, b, io) == NULL);
    CHECK_ERROR(ND_ERR_TYPE, "Cannot cast ufunc 'matmul' output from dtype('float64') to dtype('int64')");
    nd_array *ro = nd_array_view_readonly(o);
    CHECK(nd_matmul(b, b, ro) == NULL);
    CHECK_ERROR(ND_ERR_READONLY, "read-only");
    CHECK(nd_dot(b, b, io) == NULL);
    CHECK_ERROR(ND_ERR_VALUE, "output array is not acceptable");
    /* NumPy's dot counts a read-only out as not acceptable too. */
    nd_array *ro2 = nd_array_view_readonly(a);
    CHECK(nd_dot(b, b, ro2) == NULL);
    CHECK_ERROR(ND_ERR_VALUE, "output array is not acceptable");
    nd_array_free(ro2);
    nd_array *all[] = {a, o, b, bad, io, ro};
    for (size_t i = 0; i < sizeof all / sizeof all[0]; i++) nd_array_free(all[i]);
    nd_dtype_free(f8);
    nd_dtype_free(i8);
}

static void test_bad_input(void) {
    nd_array *a = range(ND_FLOAT64, 6, 2, (int64_t[]){2, 3});
    nd_array *s = nd_scalar_float(2);
    CHECK(nd_matmul(NULL, a, NULL) == NULL);
    CHECK_ERROR(ND_ERR_NULL, "'a'");
    CHECK(nd_matmul(a, NULL, NULL) == NULL);
    CHECK_ERROR(ND_ERR_NULL, "'b'");
    CHECK(nd_matmul(a, s, NULL) == NULL);
    CHECK_ERROR(ND_ERR_VALUE, "matmul: Input operand 1 does not have enough dimensions (has 0");
    CHECK(nd_matmul(a, a, NULL) == NULL);
    CHECK_ERROR(ND_ERR_VALUE, "mismatch in its core dimension 0, with gufunc signature (n?,k),(k,m?)->(n?,m?) (size 2 is different from 3)");
    CHECK(nd_dot(a, a, NULL) == NULL);
    CHECK_ERROR(ND_ERR_VALUE, "shapes (2,3) and (2,3) not aligned: 3 (dim 1) != 2 (dim 0)");
    nd_array *at = nd_transpose(a, 0, NULL);
    CHECK(nd_inner(a, at) == NULL);
    CHECK_ERROR(ND_ERR_VALUE, "shapes (2,3) and (2,3) not aligned: 3 (dim 1) != 2 (dim 0)");
    nd_array_free(at);
    nd_array *b3 = range(ND_FLOAT64, 24, 3, (int64_t[]){2, 3, 4});
    nd_array *c3 = range(ND_FLOAT64, 60, 3, (int64_t[]){3, 4, 5});
    CHECK(nd_matmul(b3, c3, NULL) == NULL);
    CHECK_ERROR(ND_ERR_VALUE, "operands could not be broadcast together with remapped shapes");
    CHECK(nd_vdot(a, b3) == NULL);
    CHECK(nd_last_status() == ND_ERR_VALUE);
    nd_clear_error();
    nd_dtype *rec = nd_dtype_from_string("[('x','<f8')]");
    nd_array *r = nd_zeros(rec, 2, (int64_t[]){3, 2}, ND_ORDER_C);
    CHECK(nd_matmul(a, r, NULL) == NULL);
    CHECK_ERROR(ND_ERR_TYPE, "did not contain a loop");
    /* A 0-d operand to dot multiplies, as in NumPy. */
    nd_array *d = nd_dot(s, a, NULL);
    CHECK(d != NULL && at2(d, 1, 2) == 10);
    nd_array *all[] = {a, s, b3, c3, r, d};
    for (size_t i = 0; i < sizeof all / sizeof all[0]; i++) nd_array_free(all[i]);
    nd_dtype_free(rec);
}

static void test_tensordot_trace(void) {
    /* a (2,3,4) . b (4,3) over a's axes (1,2) and b's (1,0): shape (2,). */
    nd_array *a = range(ND_INT64, 24, 3, (int64_t[]){2, 3, 4});
    nd_array *b = range(ND_INT64, 12, 2, (int64_t[]){4, 3});
    nd_array *t = nd_tensordot(a, b, 2, (int64_t[]){1, 2}, (int64_t[]){1, 0});
    int64_t v = 0, want0 = 0, want1 = 0;
    for (int j = 0; j < 3; j++)
        for (int k = 0; k < 4; k++) {
            want0 += (j * 4 + k) * (k * 3 + j);
            want1 += (12 + j * 4 + k) * (k * 3 + j);
        }
    CHECK(t != NULL && nd_array_ndim(t) == 1 && nd_array_dim(t, 0) == 2);
    CHECK(nd_array_get_i64(t, 1, (int64_t[]){0}, &v) == ND_OK && v == want0);
    CHECK(nd_array_get_i64(t, 1, (int64_t[]){1}, &v) == ND_OK && v == want1);
    CHECK(nd_tensordot(a, b, 1, (int64_t[]){0}, (int64_t[]){0}) == NULL);
    CHECK_ERROR(ND_ERR_VALUE, "shape-mismatch for sum");
    CHECK(nd_tensordot(a, b, 1, (int64_t[]){7}, (int64_t[]){0}) == NULL);
    CHECK_ERROR(ND_ERR_AXIS, "out of bounds");
    CHECK(nd_tensordot(a, b, 1, NULL, NULL) == NULL);
    CHECK_ERROR(ND_ERR_NULL, "axes_a");
    /* trace of 0..8 as 3x3 is 0 + 4 + 8; offset 1 is 1 + 5. int8 sums in int64. */
    nd_array *m = range(ND_INT8, 9, 2, (int64_t[]){3, 3});
    nd_array *tr = nd_trace(m, 0, 0, 1, NULL);
    nd_dtype *tt = tr ? nd_array_dtype(tr) : NULL;
    CHECK(tr != NULL && nd_array_get_i64(tr, 0, NULL, &v) == ND_OK && v == 12);
    CHECK(tt != NULL && nd_dtype_type(tt) == ND_INT64);
    nd_array *t1 = nd_trace(m, 1, 0, 1, NULL);
    CHECK(t1 != NULL && nd_array_get_i64(t1, 0, NULL, &v) == ND_OK && v == 6);
    nd_array *one = range(ND_INT8, 3, 1, (int64_t[]){3});
    CHECK(nd_trace(one, 0, 0, 1, NULL) == NULL);
    CHECK(nd_last_status() != ND_OK);
    nd_clear_error();
    nd_array *all[] = {a, b, t, m, tr, t1, one};
    for (size_t i = 0; i < sizeof all / sizeof all[0]; i++) nd_array_free(all[i]);
    nd_dtype_free(tt);
}

int main(void) {
    test_tensordot_trace();
    test_values();
    test_batches_and_kinds();
    test_camera();
    test_large_products();
    test_out();
    test_bad_input();
    return check_summary("test_linalg");
}
