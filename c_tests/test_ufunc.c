/* Arithmetic ufuncs from C: results and dtypes, broadcasting, out=, overlap,
 * and errors with NumPy's messages. */
#include <stdint.h>

#include "check.h"

static double get(const nd_array *a, int64_t i, int64_t j) {
    double v = -999;
    int64_t idx[2] = {i, j};
    nd_array_get_f64(a, (size_t)nd_array_ndim(a), idx, &v);
    return v;
}

int main(void) {
    nd_dtype *i8 = nd_dtype_new(ND_INT8), *i64 = nd_dtype_new(ND_INT64), *f8 = nd_dtype_new(ND_FLOAT64);
    nd_dtype *b1 = nd_dtype_new(ND_BOOL);
    nd_array *r = nd_arange(0, 6, 1, i64);
    nd_array *m = nd_reshape(r, 2, (int64_t[]){2, 3}, ND_ORDER_C);
    nd_array *row = nd_arange(0, 3, 1, i8);

    /* The paper's b + m: broadcasting a row over a matrix, int64 result. */
    nd_array *s = nd_add(m, row, NULL);
    nd_dtype *dt = nd_array_dtype(s);
    CHECK(nd_dtype_equal(dt, i64));
    CHECK(get(s, 1, 2) == 5 + 2);
    nd_dtype_free(dt);
    /* int8 wraps as in NumPy: 100 + 100 == -56. */
    nd_array *h = nd_full(i8, 1, (int64_t[]){2}, ND_ORDER_C, (int8_t[]){100}, NULL);
    nd_array *w = nd_add(h, h, NULL);
    CHECK(get(w, 0, 0) == -56);
    /* Integer division gives float64; by zero gives inf/nan. */
    nd_array *q = nd_divide(m, row, NULL);
    dt = nd_array_dtype(q);
    CHECK(nd_dtype_equal(dt, f8));
    CHECK(get(q, 1, 2) == 2.5);
    CHECK(get(q, 1, 0) > 1e308);
    nd_dtype_free(dt);

    /* out=: same_kind casting into float32 allowed, into int8 refused. */
    nd_dtype *f4 = nd_dtype_new(ND_FLOAT32);
    nd_array *o = nd_zeros(f4, 2, (int64_t[]){2, 3}, ND_ORDER_C);
    nd_array *ov = nd_multiply(m, row, o);
    CHECK(ov && get(o, 1, 2) == 10);
    nd_array *oi = nd_zeros(i8, 2, (int64_t[]){2, 3}, ND_ORDER_C);
    CHECK(nd_divide(m, row, oi) == NULL);
    CHECK_ERROR(ND_ERR_TYPE, "Cannot cast ufunc 'divide' output from dtype('float64') to dtype('int8') with casting rule 'same_kind'");
    nd_array *small = nd_zeros(f8, 1, (int64_t[]){3}, ND_ORDER_C);
    CHECK(nd_add(m, m, small) == NULL);
    CHECK_ERROR(ND_ERR_SHAPE, "non-broadcastable output operand with shape (3,) doesn't match the broadcast shape (2,3)");
    nd_array *ro = nd_broadcast_to(small, 2, (int64_t[]){2, 3});
    CHECK(nd_add(m, m, ro) == NULL);
    CHECK_ERROR(ND_ERR_READONLY, "output array is read-only");
    nd_array *four = nd_arange(0, 4, 1, NULL);
    CHECK(nd_add(m, four, NULL) == NULL);
    CHECK_ERROR(ND_ERR_SHAPE, "operands could not be broadcast together with shapes (2,3) (4,) ");
    /* An out larger than the inputs' shape sets the call's shape, as in
     * NumPy: row + row ([0, 2, 4]) fills every row of a (2,3) out; the
     * negative of out's first row, read as if copied first, fills both. */
    nd_array *wide = nd_zeros(f8, 2, (int64_t[]){2, 3}, ND_ORDER_C);
    nd_array *wv = nd_add(row, row, wide);
    CHECK(wv && get(wide, 0, 2) == 4 && get(wide, 1, 2) == 4 && get(wide, 1, 1) == 2);
    nd_index first[1] = {{ND_INDEX_INT, 0, 0, 0, NULL}};
    nd_array *w0 = nd_array_index(wide, 1, first);
    nd_array *wn = nd_negative(w0, wide);
    CHECK(wn && get(wide, 0, 2) == -4 && get(wide, 1, 2) == -4 && get(wide, 1, 0) == 0);
    /* out is never itself broadcast; the message lists out too. */
    nd_array *col = nd_zeros(f8, 2, (int64_t[]){2, 1}, ND_ORDER_C);
    CHECK(nd_add(m, row, col) == NULL);
    CHECK_ERROR(ND_ERR_SHAPE, "non-broadcastable output operand with shape (2,1) doesn't match the broadcast shape (2,3)");
    CHECK(nd_add(m, four, wide) == NULL);
    CHECK_ERROR(ND_ERR_SHAPE, "operands could not be broadcast together with shapes (2,3) (4,) (2,3) ");
    CHECK(get(wide, 0, 2) == -4 && get(wide, 1, 1) == -2); /* nothing written */
    nd_array *wides[] = {wide, wv, w0, wn, col};
    for (size_t i = 0; i < sizeof wides / sizeof *wides; i++) nd_array_free(wides[i]);
    nd_array *t = nd_full(b1, 1, (int64_t[]){2}, ND_ORDER_C, (bool[]){true}, NULL);
    CHECK(nd_subtract(t, t, NULL) == NULL);
    CHECK_ERROR(ND_ERR_TYPE, "numpy boolean subtract");
    nd_array *tt = nd_add(t, t, NULL);
    CHECK(get(tt, 0, 0) == 1); /* bool add is logical or */

    /* Overlap: x[1:] = x[:-1] + x[1:] reads x as it was (NumPy: 0 1 3 5 7). */
    nd_array *x = nd_arange(0, 5, 1, NULL);
    nd_index head[1] = {{ND_INDEX_SLICE, ND_NONE, -1, 1, NULL}}, tail[1] = {{ND_INDEX_SLICE, 1, ND_NONE, 1, NULL}};
    nd_array *xh = nd_array_index(x, 1, head), *xt = nd_array_index(x, 1, tail);
    nd_array *res = nd_add(xh, xt, xt);
    double expect[5] = {0, 1, 3, 5, 7};
    for (int64_t i = 0; i < 5; i++) CHECK(get(x, i, 0) == expect[i]);
    /* In place on exactly the same memory is elementwise: x += x. */
    nd_array *dbl = nd_add(x, x, x);
    CHECK(get(x, 4, 0) == 14);

    /* Comparisons: int64 against uint64 exactly; extrema with NaN. */
    nd_dtype *u64 = nd_dtype_new(ND_UINT64);
    nd_array *neg = nd_full(i64, 1, (int64_t[]){1}, ND_ORDER_C, (int64_t[]){-1}, NULL);
    nd_array *big = nd_full(u64, 1, (int64_t[]){1}, ND_ORDER_C, (uint64_t[]){UINT64_C(1) << 63}, NULL);
    nd_array *lt = nd_less(neg, big, NULL);
    dt = nd_array_dtype(lt);
    CHECK(nd_dtype_equal(dt, b1) && get(lt, 0, 0) == 1);
    nd_dtype_free(dt);
    nd_array *eq = nd_equal(neg, big, NULL);
    CHECK(get(eq, 0, 0) == 0);
    double nanv = 0.0 / 0.0;
    nd_array *nanarr = nd_full(f8, 1, (int64_t[]){1}, ND_ORDER_C, &nanv, NULL);
    nd_array *one = nd_full(f8, 1, (int64_t[]){1}, ND_ORDER_C, (double[]){1.0}, NULL);
    nd_array *mx = nd_maximum(nanarr, one, NULL), *fm = nd_fmax(nanarr, one, NULL);
    CHECK(get(mx, 0, 0) != get(mx, 0, 0)); /* NaN propagates */
    CHECK(get(fm, 0, 0) == 1.0);
    nd_array *more[] = {neg, big, lt, eq, nanarr, one, mx, fm};
    for (size_t i = 0; i < sizeof more / sizeof *more; i++) nd_array_free(more[i]);
    nd_dtype_free(u64);

    /* NULLs. */
    CHECK(nd_equal(NULL, m, NULL) == NULL && nd_last_status() == ND_ERR_NULL);
    CHECK(nd_not_equal(m, NULL, NULL) == NULL && nd_last_status() == ND_ERR_NULL);
    CHECK(nd_less(NULL, m, NULL) == NULL && nd_last_status() == ND_ERR_NULL);
    CHECK(nd_less_equal(NULL, m, NULL) == NULL && nd_last_status() == ND_ERR_NULL);
    CHECK(nd_greater(NULL, m, NULL) == NULL && nd_last_status() == ND_ERR_NULL);
    CHECK(nd_greater_equal(NULL, m, NULL) == NULL && nd_last_status() == ND_ERR_NULL);
    CHECK(nd_maximum(NULL, m, NULL) == NULL && nd_last_status() == ND_ERR_NULL);
    CHECK(nd_minimum(NULL, m, NULL) == NULL && nd_last_status() == ND_ERR_NULL);
    CHECK(nd_fmax(NULL, m, NULL) == NULL && nd_last_status() == ND_ERR_NULL);
    CHECK(nd_fmin(NULL, m, NULL) == NULL && nd_last_status() == ND_ERR_NULL);
    nd_clear_error();
    CHECK(nd_add(NULL, m, NULL) == NULL && nd_last_status() == ND_ERR_NULL);
    CHECK(nd_multiply(m, NULL, NULL) == NULL && nd_last_status() == ND_ERR_NULL);
    CHECK(nd_subtract(NULL, NULL, NULL) == NULL && nd_last_status() == ND_ERR_NULL);
    CHECK(nd_true_divide(NULL, m, NULL) == NULL && nd_last_status() == ND_ERR_NULL);

    /* Weak scalars (NEP 50): an int keeps int8, a float gives float64,
     * an out-of-range int is an error except in comparisons. */
    nd_array *three = nd_scalar_int(3), *big300 = nd_scalar_int(300), *half = nd_scalar_float(0.5);
    nd_array *p3 = nd_add(row, three, NULL);
    dt = nd_array_dtype(p3);
    CHECK(nd_dtype_equal(dt, i8) && get(p3, 2, 0) == 5);
    nd_dtype_free(dt);
    CHECK(nd_add(row, big300, NULL) == NULL);
    CHECK_ERROR(ND_ERR_OVERFLOW, "Python integer 300 out of bounds for int8");
    nd_array *lt300 = nd_less(row, big300, NULL);
    CHECK(lt300 && get(lt300, 2, 0) == 1);
    nd_array *ph = nd_multiply(row, half, NULL);
    dt = nd_array_dtype(ph);
    CHECK(nd_dtype_equal(dt, f8) && get(ph, 1, 0) == 0.5);
    nd_dtype_free(dt);
    nd_array *alone = nd_add(three, three, NULL);
    dt = nd_array_dtype(alone);
    CHECK(nd_dtype_equal(dt, i64) && get(alone, 0, 0) == 6);
    nd_dtype_free(dt);
    nd_array *weak_handles[] = {three, big300, half, p3, lt300, ph, alone};
    for (size_t i = 0; i < sizeof weak_handles / sizeof *weak_handles; i++) nd_array_free(weak_handles[i]);

    /* Unary: sqrt of an int8 row is float16 (NumPy's loop order); -bool refused. */
    nd_array *sq = nd_sqrt(row, NULL);
    nd_dtype *f2 = nd_dtype_new(ND_FLOAT16);
    dt = nd_array_dtype(sq);
    CHECK(nd_dtype_equal(dt, f2));
    nd_dtype_free(dt);
    nd_dtype_free(f2);
    CHECK(nd_negative(t, NULL) == NULL);
    CHECK_ERROR(ND_ERR_TYPE, "The numpy boolean negative");
    nd_array *ab = nd_absolute(h, NULL);
    CHECK(get(ab, 0, 0) == 100);
    nd_array_free(sq);
    nd_array_free(ab);
    CHECK(nd_negative(NULL, NULL) == NULL && nd_last_status() == ND_ERR_NULL);
    CHECK(nd_positive(NULL, NULL) == NULL && nd_last_status() == ND_ERR_NULL);
    CHECK(nd_absolute(NULL, NULL) == NULL && nd_last_status() == ND_ERR_NULL);
    CHECK(nd_square(NULL, NULL) == NULL && nd_last_status() == ND_ERR_NULL);
    CHECK(nd_sqrt(NULL, NULL) == NULL && nd_last_status() == ND_ERR_NULL);
    CHECK(nd_floor(NULL, NULL) == NULL && nd_last_status() == ND_ERR_NULL);
    CHECK(nd_ceil(NULL, NULL) == NULL && nd_last_status() == ND_ERR_NULL);
    CHECK(nd_trunc(NULL, NULL) == NULL && nd_last_status() == ND_ERR_NULL);
    CHECK(nd_rint(NULL, NULL) == NULL && nd_last_status() == ND_ERR_NULL);
    CHECK(nd_conjugate(NULL, NULL) == NULL && nd_last_status() == ND_ERR_NULL);
    CHECK(nd_isnan(NULL, NULL) == NULL && nd_last_status() == ND_ERR_NULL);
    CHECK(nd_isinf(NULL, NULL) == NULL && nd_last_status() == ND_ERR_NULL);
    CHECK(nd_isfinite(NULL, NULL) == NULL && nd_last_status() == ND_ERR_NULL);
    CHECK(nd_signbit(NULL, NULL) == NULL && nd_last_status() == ND_ERR_NULL);

    /* Integer division rules: -7 // 2 == -4, -7 % 2 == 1, fmod(-7, 2) == -1, x // 0 == 0. */
    nd_array *num = nd_array_from_data((int64_t[]){-7, 7, 5}, i64, 1, (int64_t[]){3}, NULL);
    nd_array *den = nd_array_from_data((int64_t[]){2, -2, 0}, i64, 1, (int64_t[]){3}, NULL);
    nd_array *fd = nd_floor_divide(num, den, NULL), *rm = nd_remainder(num, den, NULL), *fm2 = nd_fmod(num, den, NULL);
    CHECK(get(fd, 0, 0) == -4 && get(fd, 1, 0) == -4 && get(fd, 2, 0) == 0);
    CHECK(get(rm, 0, 0) == 1 && get(rm, 1, 0) == -1 && get(rm, 2, 0) == 0);
    CHECK(get(fm2, 0, 0) == -1 && get(fm2, 1, 0) == 1);
    nd_array *fl8 = nd_linspace(0, 1, 3, true, NULL);
    CHECK(nd_bitwise_and(fl8, fl8, NULL) == NULL);
    CHECK_ERROR(ND_ERR_TYPE, "ufunc 'bitwise_and' not supported for the input types");
    nd_array *divs[] = {num, den, fd, rm, fm2, fl8};
    for (size_t i = 0; i < sizeof divs / sizeof *divs; i++) nd_array_free(divs[i]);
    CHECK(nd_logical_and(NULL, m, NULL) == NULL && nd_last_status() == ND_ERR_NULL);
    CHECK(nd_logical_or(NULL, m, NULL) == NULL && nd_last_status() == ND_ERR_NULL);
    CHECK(nd_logical_xor(NULL, m, NULL) == NULL && nd_last_status() == ND_ERR_NULL);
    CHECK(nd_bitwise_and(NULL, m, NULL) == NULL && nd_last_status() == ND_ERR_NULL);
    CHECK(nd_bitwise_or(NULL, m, NULL) == NULL && nd_last_status() == ND_ERR_NULL);
    CHECK(nd_bitwise_xor(NULL, m, NULL) == NULL && nd_last_status() == ND_ERR_NULL);
    CHECK(nd_left_shift(NULL, m, NULL) == NULL && nd_last_status() == ND_ERR_NULL);
    CHECK(nd_right_shift(NULL, m, NULL) == NULL && nd_last_status() == ND_ERR_NULL);
    CHECK(nd_floor_divide(NULL, m, NULL) == NULL && nd_last_status() == ND_ERR_NULL);
    CHECK(nd_remainder(NULL, m, NULL) == NULL && nd_last_status() == ND_ERR_NULL);
    CHECK(nd_fmod(NULL, m, NULL) == NULL && nd_last_status() == ND_ERR_NULL);
    CHECK(nd_logical_not(NULL, NULL) == NULL && nd_last_status() == ND_ERR_NULL);
    CHECK(nd_invert(NULL, NULL) == NULL && nd_last_status() == ND_ERR_NULL);

    /* Transcendentals: exp(0) == 1 exactly; int8 input computes in float16. */
    nd_array *z8 = nd_zeros(i8, 1, (int64_t[]){2}, ND_ORDER_C);
    nd_array *e8 = nd_exp(z8, NULL);
    nd_dtype *f16t = nd_dtype_new(ND_FLOAT16);
    dt = nd_array_dtype(e8);
    CHECK(nd_dtype_equal(dt, f16t) && get(e8, 1, 0) == 1.0);
    nd_dtype_free(dt);
    nd_dtype_free(f16t);
    nd_array *rv = nd_array_view(row);
    nd_array *hy = nd_hypot(rv, row, NULL); /* int8 -> float16: hypot(2, 2) */
    CHECK(hy && get(hy, 2, 0) > 2.82 && get(hy, 2, 0) < 2.83);
    nd_array_free(hy);
    nd_array_free(rv);
    nd_array_free(e8);
    nd_array_free(z8);
    CHECK(nd_exp(NULL, NULL) == NULL && nd_last_status() == ND_ERR_NULL);
    CHECK(nd_reciprocal(NULL, NULL) == NULL && nd_last_status() == ND_ERR_NULL);
    CHECK(nd_power(NULL, m, NULL) == NULL && nd_last_status() == ND_ERR_NULL);
    {
        /* Integer power wraps; a negative exponent is refused, nothing written. */
        nd_array *base = nd_array_from_data((int64_t[]){2, 2, 2}, i64, 1, (int64_t[]){3}, NULL);
        nd_array *ex = nd_array_from_data((int64_t[]){1, -1, 2}, i64, 1, (int64_t[]){3}, NULL);
        nd_array *dst = nd_full(i64, 1, (int64_t[]){3}, ND_ORDER_C, (int64_t[]){9}, NULL);
        CHECK(nd_power(base, ex, dst) == NULL);
        CHECK_ERROR(ND_ERR_VALUE, "Integers to negative integer powers are not allowed.");
        CHECK(get(dst, 0, 0) == 9 && get(dst, 2, 0) == 9);
        nd_array *sq = nd_scalar_int(62);
        nd_array *p62 = nd_power(base, sq, NULL);
        CHECK(get(p62, 0, 0) == 4611686018427387904.0);
        nd_array *ps[] = {base, ex, dst, sq, p62};
        for (size_t i = 0; i < sizeof ps / sizeof *ps; i++) nd_array_free(ps[i]);
    }
    CHECK(nd_sign(NULL, NULL) == NULL && nd_last_status() == ND_ERR_NULL);
    CHECK(nd_exp2(NULL, NULL) == NULL && nd_last_status() == ND_ERR_NULL);
    CHECK(nd_expm1(NULL, NULL) == NULL && nd_last_status() == ND_ERR_NULL);
    CHECK(nd_log(NULL, NULL) == NULL && nd_last_status() == ND_ERR_NULL);
    CHECK(nd_log2(NULL, NULL) == NULL && nd_last_status() == ND_ERR_NULL);
    CHECK(nd_log10(NULL, NULL) == NULL && nd_last_status() == ND_ERR_NULL);
    CHECK(nd_log1p(NULL, NULL) == NULL && nd_last_status() == ND_ERR_NULL);
    CHECK(nd_sin(NULL, NULL) == NULL && nd_last_status() == ND_ERR_NULL);
    CHECK(nd_cos(NULL, NULL) == NULL && nd_last_status() == ND_ERR_NULL);
    CHECK(nd_tan(NULL, NULL) == NULL && nd_last_status() == ND_ERR_NULL);
    CHECK(nd_arcsin(NULL, NULL) == NULL && nd_last_status() == ND_ERR_NULL);
    CHECK(nd_arccos(NULL, NULL) == NULL && nd_last_status() == ND_ERR_NULL);
    CHECK(nd_arctan(NULL, NULL) == NULL && nd_last_status() == ND_ERR_NULL);
    CHECK(nd_sinh(NULL, NULL) == NULL && nd_last_status() == ND_ERR_NULL);
    CHECK(nd_cosh(NULL, NULL) == NULL && nd_last_status() == ND_ERR_NULL);
    CHECK(nd_tanh(NULL, NULL) == NULL && nd_last_status() == ND_ERR_NULL);
    CHECK(nd_arcsinh(NULL, NULL) == NULL && nd_last_status() == ND_ERR_NULL);
    CHECK(nd_arccosh(NULL, NULL) == NULL && nd_last_status() == ND_ERR_NULL);
    CHECK(nd_arctanh(NULL, NULL) == NULL && nd_last_status() == ND_ERR_NULL);
    CHECK(nd_cbrt(NULL, NULL) == NULL && nd_last_status() == ND_ERR_NULL);
    CHECK(nd_deg2rad(NULL, NULL) == NULL && nd_last_status() == ND_ERR_NULL);
    CHECK(nd_rad2deg(NULL, NULL) == NULL && nd_last_status() == ND_ERR_NULL);
    CHECK(nd_arctan2(NULL, m, NULL) == NULL && nd_last_status() == ND_ERR_NULL);
    CHECK(nd_hypot(NULL, m, NULL) == NULL && nd_last_status() == ND_ERR_NULL);
    CHECK(nd_copysign(NULL, m, NULL) == NULL && nd_last_status() == ND_ERR_NULL);
    CHECK(nd_nextafter(NULL, m, NULL) == NULL && nd_last_status() == ND_ERR_NULL);
    CHECK(nd_float_power(NULL, m, NULL) == NULL && nd_last_status() == ND_ERR_NULL);

    nd_array *handles[] = {r, m, row, s, h, w, q, o, ov, oi, small, ro, four, t, tt, x, xh, xt, res, dbl};
    for (size_t i = 0; i < sizeof handles / sizeof *handles; i++) nd_array_free(handles[i]);
    nd_dtype *types[] = {i8, i64, f8, b1, f4};
    for (size_t i = 0; i < sizeof types / sizeof *types; i++) nd_dtype_free(types[i]);
    return check_summary("test_ufunc");
}
