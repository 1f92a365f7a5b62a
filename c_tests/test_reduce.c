/* Reductions from C: sum/prod/min/max/mean/any/all with nd_reduce_args,
 * argmax/argmin, cumsum/cumprod, and their errors with NumPy's messages. */
#include <math.h>
#include <stdint.h>

#include "check.h"

static double get(const nd_array *a, int64_t i) {
    double v = -999;
    int64_t idx[1] = {i};
    nd_array_get_f64(a, (size_t)nd_array_ndim(a), idx, &v);
    return v;
}

static int64_t get_i(const nd_array *a, int64_t i) {
    int64_t v = -999;
    int64_t idx[1] = {i};
    nd_array_get_i64(a, (size_t)nd_array_ndim(a), idx, &v);
    return v;
}

static int is_dtype(const nd_array *a, int type) {
    nd_dtype *d = nd_array_dtype(a), *t = nd_dtype_new(type);
    int same = nd_dtype_equal(d, t);
    nd_dtype_free(d);
    nd_dtype_free(t);
    return same;
}

int main(void) {
    nd_dtype *i8 = nd_dtype_new(ND_INT8), *i64 = nd_dtype_new(ND_INT64), *f4 = nd_dtype_new(ND_FLOAT32);
    nd_array *r = nd_arange(0, 12, 1, i64);
    nd_array *m = nd_reshape(r, 2, (int64_t[]){3, 4}, ND_ORDER_C);

    /* Everything (args NULL), then along each axis, keepdims. */
    nd_array *s = nd_sum(m, NULL);
    CHECK(s && nd_array_ndim(s) == 0 && get(s, 0) == 66);
    nd_array *s0 = nd_sum(m, &(nd_reduce_args){.axes = (int64_t[]){0}, .naxes = 1});
    CHECK(s0 && nd_array_ndim(s0) == 1 && nd_array_dim(s0, 0) == 4 && get(s0, 3) == 3 + 7 + 11);
    nd_array *s1 = nd_sum(m, &(nd_reduce_args){.axes = (int64_t[]){-1}, .naxes = 1, .keepdims = true});
    CHECK(s1 && nd_array_ndim(s1) == 2 && nd_array_dim(s1, 0) == 3 && nd_array_dim(s1, 1) == 1);
    int64_t at[2] = {2, 0};
    double v = 0;
    nd_array_get_f64(s1, 2, at, &v);
    CHECK(v == 8 + 9 + 10 + 11);
    /* axis=() reduces nothing: a copy in the accumulator type. */
    nd_array *none = nd_sum(m, &(nd_reduce_args){.axes = (int64_t[]){0}, .naxes = 0});
    CHECK(none && nd_array_ndim(none) == 2);

    /* int8 sums accumulate in int64 (no wrap), unless dtype says int8. */
    nd_array *h = nd_full(i8, 1, (int64_t[]){3}, ND_ORDER_C, (int8_t[]){100}, NULL);
    nd_array *hs = nd_sum(h, NULL);
    CHECK(hs && is_dtype(hs, ND_INT64) && get(hs, 0) == 300);
    nd_array *hw = nd_sum(h, &(nd_reduce_args){.dtype = i8});
    CHECK(hw && is_dtype(hw, ND_INT8) && get(hw, 0) == 44);

    /* initial, where, out. */
    nd_array *ten = nd_scalar_int(10);
    nd_array *si = nd_sum(m, &(nd_reduce_args){.initial = ten});
    CHECK(si && get(si, 0) == 76);
    bool maskv[4] = {true, false, false, true};
    nd_dtype *b1 = nd_dtype_new(ND_BOOL);
    nd_array *mask = nd_array_from_data(maskv, b1, 1, (int64_t[]){4}, NULL);
    nd_array *sw = nd_sum(m, &(nd_reduce_args){.where_mask = mask});
    CHECK(sw && get(sw, 0) == (0 + 3) + (4 + 7) + (8 + 11));
    nd_array *out = nd_zeros(f4, 1, (int64_t[]){3}, ND_ORDER_C);
    nd_array *so = nd_sum(m, &(nd_reduce_args){.axes = (int64_t[]){1}, .naxes = 1, .out = out});
    CHECK(so && nd_array_data(so) == nd_array_data(out) && get(out, 1) == 4 + 5 + 6 + 7);

    /* prod, min, max, mean, any, all. */
    nd_array *p = nd_prod(h, NULL);
    CHECK(p && get(p, 0) == 1e6);
    nd_array *mn = nd_min(m, &(nd_reduce_args){.axes = (int64_t[]){0}, .naxes = 1});
    nd_array *mx = nd_max(m, NULL);
    CHECK(mn && get(mn, 2) == 2 && mx && get(mx, 0) == 11);
    nd_array *mean = nd_mean(m, NULL);
    CHECK(mean && is_dtype(mean, ND_FLOAT64) && get(mean, 0) == 5.5);
    nd_array *an = nd_any(m, NULL), *al = nd_all(m, NULL);
    bool bv = false;
    nd_array_get_bool(an, 0, NULL, &bv);
    CHECK(bv);
    nd_array_get_bool(al, 0, NULL, &bv);
    CHECK(!bv); /* m[0, 0] == 0 */

    /* Pairwise float32 summation: ten million 0.1f sum to 1e6 within 1. */
    nd_array *tenth = nd_full(f4, 1, (int64_t[]){10000000}, ND_ORDER_C, (float[]){0.1f}, NULL);
    nd_array *big = nd_sum(tenth, NULL);
    CHECK(big && fabs(get(big, 0) - 1e6) < 1.0);

    /* argmax/argmin (flattened and along an axis), cumsum/cumprod. */
    nd_array *am = nd_argmax(m, ND_NONE, false, NULL);
    CHECK(am && get_i(am, 0) == 11);
    nd_array *an0 = nd_argmin(m, 1, false, NULL);
    CHECK(an0 && nd_array_dim(an0, 0) == 3 && get_i(an0, 2) == 0);
    nd_array *cs = nd_cumsum(m, ND_NONE, NULL, NULL);
    CHECK(cs && nd_array_ndim(cs) == 1 && get(cs, 11) == 66 && get(cs, 3) == 6);
    nd_array *cp = nd_cumprod(h, 0, NULL, NULL);
    CHECK(cp && is_dtype(cp, ND_INT64) && get(cp, 2) == 1e6);

    /* Bad input: an error, a message, nothing written. */
    CHECK(nd_sum(NULL, NULL) == NULL);
    CHECK_ERROR(ND_ERR_NULL, "'a'");
    CHECK(nd_sum(m, &(nd_reduce_args){.axes = (int64_t[]){2}, .naxes = 1}) == NULL);
    CHECK_ERROR(ND_ERR_AXIS, "axis 2 is out of bounds for array of dimension 2");
    CHECK(nd_sum(m, &(nd_reduce_args){.axes = (int64_t[]){0, -2}, .naxes = 2}) == NULL);
    CHECK_ERROR(ND_ERR_VALUE, "duplicate value in 'axis'");
    CHECK(nd_sum(m, &(nd_reduce_args){.axes = NULL, .naxes = 3}) == NULL);
    CHECK_ERROR(ND_ERR_NULL, "axes");
    nd_array *empty = nd_zeros(f4, 1, (int64_t[]){0}, ND_ORDER_C);
    CHECK(nd_max(empty, NULL) == NULL);
    CHECK_ERROR(ND_ERR_VALUE, "zero-size array to reduction operation maximum which has no identity");
    CHECK(nd_argmax(empty, ND_NONE, false, NULL) == NULL);
    CHECK_ERROR(ND_ERR_VALUE, "attempt to get argmax of an empty sequence");
    CHECK(nd_max(m, &(nd_reduce_args){.where_mask = mask}) == NULL);
    CHECK_ERROR(ND_ERR_VALUE, "does not have an identity, so to use a where mask one has to specify 'initial'");
    nd_array *wrong = nd_zeros(f4, 1, (int64_t[]){5}, ND_ORDER_C);
    CHECK(nd_sum(m, &(nd_reduce_args){.axes = (int64_t[]){1}, .naxes = 1, .out = wrong}) == NULL);
    CHECK(nd_last_status() == ND_ERR_SHAPE);
    nd_clear_error();
    CHECK(get(wrong, 0) == 0);
    nd_array *ro = nd_broadcast_to(out, 1, (int64_t[]){3});
    CHECK(nd_sum(m, &(nd_reduce_args){.axes = (int64_t[]){1}, .naxes = 1, .out = ro}) == NULL);
    CHECK_ERROR(ND_ERR_READONLY, "output array is read-only"); /* NumPy's words for an out */
    CHECK(nd_any(m, &(nd_reduce_args){.dtype = i8}) == NULL);
    CHECK_ERROR(ND_ERR_TYPE, "any() got an unexpected keyword argument 'dtype'");
    nd_array *big_int = nd_scalar_int(1000);
    CHECK(nd_max(h, &(nd_reduce_args){.initial = big_int}) == NULL);
    CHECK_ERROR(ND_ERR_OVERFLOW, "Python integer 1000 out of bounds for int8");
    CHECK(nd_cumsum(m, 0, NULL, wrong) == NULL);
    CHECK_ERROR(ND_ERR_VALUE, "provided out is the wrong size for the accumulation.");
    CHECK(nd_argmax(m, 5, false, NULL) == NULL);
    CHECK(nd_last_status() == ND_ERR_AXIS);
    nd_clear_error();

    nd_array *hs_[] = {r, m, s, s0, s1, none, h, hs, hw, ten, si, mask, sw, out, so, p, mn, mx, mean, an, al,
                       tenth, big, am, an0, cs, cp, empty, wrong, ro, big_int};
    for (size_t i = 0; i < sizeof hs_ / sizeof *hs_; i++) nd_array_free(hs_[i]);
    nd_dtype_free(i8);
    nd_dtype_free(i64);
    nd_dtype_free(f4);
    nd_dtype_free(b1);
    return check_summary("test_reduce");
}
