/* where, clip, divmod and nd_ufunc_call (where= masks) from C, checked
 * against hand-computed NumPy results, with their bad inputs. */
#include <math.h>
#include <stdint.h>

#include "check.h"

static nd_array *f64s(const double *v, int64_t n) {
    nd_dtype *f8 = nd_dtype_new(ND_FLOAT64);
    nd_array *a = nd_array_from_data(v, f8, 1, &n, NULL);
    nd_dtype_free(f8);
    return a;
}

static nd_array *i64s(const int64_t *v, int64_t n) {
    nd_dtype *i8 = nd_dtype_new(ND_INT64);
    nd_array *a = nd_array_from_data(v, i8, 1, &n, NULL);
    nd_dtype_free(i8);
    return a;
}

int main(void) {
    nd_dtype *i1 = nd_dtype_new(ND_INT8), *b1 = nd_dtype_new(ND_BOOL), *f8 = nd_dtype_new(ND_FLOAT64);

    /* where: int8 condition read as nonzero, x broadcast, weak y. */
    nd_array *cond = nd_array_from_data((int8_t[]){3, 0, -1, 0}, i1, 1, (int64_t[]){4}, NULL);
    nd_array *x = f64s((double[]){1.5, 2.5, 3.5, 4.5}, 4);
    nd_array *minus = nd_scalar_int(-7);
    nd_array *w = nd_where(cond, x, minus);
    const double *wv = nd_array_data(w);
    nd_dtype *dt = nd_array_dtype(w);
    CHECK(nd_dtype_equal(dt, f8));
    nd_dtype_free(dt);
    CHECK(wv[0] == 1.5 && wv[1] == -7.0 && wv[2] == 3.5 && wv[3] == -7.0);
    /* A weak int that does not fit the other operand's int8 wraps (NumPy). */
    nd_array *i8x = nd_array_from_data((int8_t[]){3, 3, 3, 3}, i1, 1, (int64_t[]){4}, NULL);
    nd_array *big = nd_scalar_int(300);
    nd_array *wrapped = nd_where(cond, i8x, big);
    const int8_t *wr = nd_array_data(wrapped);
    CHECK(wr[0] == 3 && wr[1] == 44);
    nd_array *three = f64s((double[]){1, 2, 3}, 3);
    CHECK(nd_where(cond, x, three) == NULL);
    CHECK_ERROR(ND_ERR_SHAPE, "operands could not be broadcast together with shapes (4,) (4,) (3,)");
    CHECK(nd_where(NULL, x, x) == NULL);
    CHECK_ERROR(ND_ERR_NULL, "cond");

    /* clip: NaN stays, signed zeros kept with scalar bounds, NULL bound. */
    nd_array *v = f64s((double[]){NAN, -0.0, -5.0, 0.5, 9.0}, 5);
    nd_array *zero = nd_scalar_float(0.0), *one = nd_scalar_float(1.0);
    nd_array *c = nd_clip(v, zero, one, NULL);
    const double *cv = nd_array_data(c);
    CHECK(isnan(cv[0]) && cv[1] == 0.0 && signbit(cv[1]) && cv[2] == 0.0 && cv[3] == 0.5 && cv[4] == 1.0);
    nd_array *upper = nd_clip(v, NULL, one, NULL);
    cv = nd_array_data(upper);
    CHECK(cv[2] == -5.0 && cv[4] == 1.0);
    /* int8 with an int bound beyond its range: no bound (NumPy 2's rule). */
    nd_array *far_below = nd_scalar_int(-1000);
    nd_array *ci = nd_clip(cond, far_below, NULL, NULL);
    CHECK(ci != NULL);
    nd_dtype *cdt = nd_array_dtype(ci);
    CHECK(nd_dtype_equal(cdt, i1));
    nd_dtype_free(cdt);
    nd_array *fits_not = nd_scalar_int(1000);
    CHECK(nd_clip(cond, fits_not, fits_not, NULL) == NULL);
    CHECK_ERROR(ND_ERR_OVERFLOW, "Python integer 1000 out of bounds for int8");
    /* out= with same_kind casting, and a refused cast writing nothing. */
    nd_array *outi = nd_zeros(i1, 1, (int64_t[]){5}, ND_ORDER_C);
    CHECK(nd_clip(v, zero, one, outi) == NULL);
    CHECK_ERROR(ND_ERR_TYPE, "Cannot cast ufunc 'clip' output from dtype('float64') to dtype('int8')");
    CHECK(((const int8_t *)nd_array_data(outi))[4] == 0);
    CHECK(nd_clip(NULL, zero, one, NULL) == NULL);
    CHECK_ERROR(ND_ERR_NULL, "'a'");

    /* divmod: floor quotient and remainder of ints; a quotient written over
     * the dividend still leaves the remainder of the original values. */
    int64_t nums[] = {7, -7, 9, -9};
    nd_array *n = i64s(nums, 4);
    nd_array *d = i64s((int64_t[]){2, 2, -4, 4}, 4);
    nd_dtype *i8 = nd_array_dtype(n);
    nd_array *rem_out = nd_zeros(i8, 1, (int64_t[]){4}, ND_ORDER_C);
    nd_dtype_free(i8);
    nd_array *q = NULL, *r = NULL;
    CHECK(nd_divmod(n, d, n, rem_out, &q, &r) == ND_OK);
    const int64_t *qv = nd_array_data(q), *rv = nd_array_data(r);
    CHECK(qv[0] == 3 && qv[1] == -4 && qv[2] == -3 && qv[3] == -3);
    CHECK(rv[0] == 1 && rv[1] == 1 && rv[2] == -3 && rv[3] == 3);
    CHECK(((const int64_t *)nd_array_data(n))[1] == -4); /* quotient written over the dividend */
    nd_array_free(q);
    nd_array_free(r);
    nd_array *short_out = nd_zeros(f8, 1, (int64_t[]){3}, ND_ORDER_C);
    nd_array *keep = nd_full(f8, 1, (int64_t[]){4}, ND_ORDER_C, (double[]){99.0}, NULL);
    q = r = NULL;
    CHECK(nd_divmod(d, d, keep, short_out, &q, &r) == ND_ERR_SHAPE && q == NULL && r == NULL);
    nd_clear_error();
    CHECK(((const double *)nd_array_data(keep))[0] == 99.0);
    CHECK(nd_divmod(d, d, NULL, NULL, NULL, &r) == ND_ERR_NULL);
    nd_clear_error();
    nd_array *cx = nd_scalar_complex(1.0, 1.0);
    CHECK(nd_divmod(d, cx, NULL, NULL, &q, &r) == ND_ERR_TYPE);
    CHECK_ERROR(ND_ERR_TYPE, "ufunc 'divmod'");

    /* nd_ufunc_call with a where= mask: out keeps masked-off elements. */
    nd_array *mask = nd_array_from_data((uint8_t[]){1, 0, 1, 0}, b1, 1, (int64_t[]){4}, NULL);
    nd_array *o = nd_full(f8, 1, (int64_t[]){4}, ND_ORDER_C, (double[]){-1.0}, NULL);
    const nd_array *ins[] = {x, x};
    nd_array *res = nd_ufunc_call("add", 2, ins, o, mask);
    CHECK(res != NULL);
    const double *ov = nd_array_data(o);
    CHECK(ov[0] == 3.0 && ov[1] == -1.0 && ov[2] == 7.0 && ov[3] == -1.0);
    nd_array *sq = nd_ufunc_call("sqrt", 1, ins, NULL, NULL);
    CHECK(sq != NULL && ((const double *)nd_array_data(sq))[0] == sqrt(1.5));
    CHECK(nd_ufunc_call("no_such_ufunc", 2, ins, NULL, NULL) == NULL);
    CHECK_ERROR(ND_ERR_VALUE, "no ufunc named 'no_such_ufunc'");
    CHECK(nd_ufunc_call("add", 1, ins, NULL, NULL) == NULL);
    CHECK_ERROR(ND_ERR_TYPE, "add() takes 2 inputs, 1 given");
    CHECK(nd_ufunc_call("add", 2, ins, o, cond) == NULL);
    CHECK_ERROR(ND_ERR_TYPE, "Cannot cast array data from dtype('int8') to dtype('bool') according to the rule 'safe'");
    CHECK(nd_ufunc_call("add", 2, NULL, NULL, NULL) == NULL);
    CHECK_ERROR(ND_ERR_NULL, "inputs");
    CHECK(nd_ufunc_call(NULL, 2, ins, NULL, NULL) == NULL);
    CHECK_ERROR(ND_ERR_NULL, "name");
    const nd_array *with_null[] = {x, NULL};
    CHECK(nd_ufunc_call("add", 2, with_null, NULL, NULL) == NULL);
    CHECK_ERROR(ND_ERR_NULL, "inputs[1]");
    nd_array *ro = nd_broadcast_to(x, 1, (int64_t[]){4});
    nd_array *ro_view = nd_array_view_readonly(x);
    CHECK(nd_ufunc_call("add", 2, ins, ro_view, mask) == NULL);
    CHECK_ERROR(ND_ERR_READONLY, "read-only");

    /* nd_ufunc_can_reuse_input: an array that owns its memory alone and
     * has the result's dtype and shape may take the result; a second handle,
     * a view, foreign memory, another dtype or a larger broadcast shape
     * forbid it. */
    nd_dtype *i4 = nd_dtype_new(ND_INT32);
    nd_array *t = nd_arange(0, 8, 1, f8), *half = nd_scalar_float(0.5), *ti = nd_arange(0, 8, 1, i4);
    double mine[8] = {0};
    nd_array *foreign = nd_array_wrap(mine, f8, 1, (int64_t[]){8}, NULL, true, NULL, NULL);
    const nd_array *pair[] = {t, half}, *rpair[] = {half, t}, *ipair[] = {ti, half};
    CHECK(nd_ufunc_can_reuse_input("multiply", 2, pair, 0) == 1);
    CHECK(nd_ufunc_can_reuse_input("multiply", 2, rpair, 1) == 1);
    CHECK(nd_ufunc_can_reuse_input("multiply", 2, pair, 1) == 0);  /* the scalar */
    CHECK(nd_ufunc_can_reuse_input("less", 2, pair, 0) == 0);      /* bool result */
    CHECK(nd_ufunc_can_reuse_input("multiply", 2, ipair, 0) == 0); /* float64 result */
    nd_array *col = nd_reshape(t, 2, (int64_t[]){8, 1}, ND_ORDER_C);
    CHECK(nd_ufunc_can_reuse_input("multiply", 2, pair, 0) == 0); /* the reshape view shares it */
    const nd_array *bpair[] = {col, t};
    CHECK(nd_ufunc_can_reuse_input("add", 2, bpair, 0) == 0); /* a view; result (8, 8) */
    nd_array_free(col);
    CHECK(nd_ufunc_can_reuse_input("multiply", 2, pair, 0) == 1);
    nd_array *second = nd_array_view(t);
    CHECK(nd_ufunc_can_reuse_input("multiply", 2, pair, 0) == 0); /* another handle */
    nd_array_free(second);
    const nd_array *wpair[] = {foreign, t};
    CHECK(nd_ufunc_can_reuse_input("add", 2, wpair, 0) == 0); /* foreign memory */
    CHECK(nd_ufunc_can_reuse_input("add", 2, pair, 2) == 0);  /* no such input */
    CHECK(nd_ufunc_can_reuse_input("sqrt", 2, pair, 0) == 0); /* wrong count: the call reports it */
    CHECK(nd_ufunc_can_reuse_input("no_such_ufunc", 2, pair, 0) == -1);
    CHECK_ERROR(ND_ERR_VALUE, "no ufunc named 'no_such_ufunc'");
    CHECK(nd_ufunc_can_reuse_input("add", 2, NULL, 0) == -1);
    CHECK_ERROR(ND_ERR_NULL, "inputs");
    nd_array_free(t);
    nd_array_free(half);
    nd_array_free(ti);
    nd_array_free(foreign);
    nd_dtype_free(i4);

    nd_array *handles[] = {cond, x, minus, w, i8x, big, wrapped, three, v, zero, one, c, upper, far_below, ci, fits_not,
                           outi, n, d, rem_out, short_out, keep, cx, mask, o, res, sq, ro, ro_view};
    for (size_t i = 0; i < sizeof handles / sizeof *handles; i++) nd_array_free(handles[i]);
    nd_dtype_free(i1);
    nd_dtype_free(b1);
    nd_dtype_free(f8);
    return check_summary("test_select");
}
