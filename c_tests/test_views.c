/* Views: the C slice spec, the paper's strided views, reshapes, broadcasts,
 * dtype and field views, lifetimes, and bad input with NumPy's messages. */
#include <stdint.h>
#include <stdlib.h>

#include "check.h"

#define NULL_FAILS(expr)                                                     \
    do {                                                                     \
        nd_clear_error();                                                    \
        CHECK(!(expr));                                                      \
        CHECK(nd_last_status() == ND_ERR_NULL);                              \
    } while (0)

static nd_index S(int64_t start, int64_t stop, int64_t step) {
    nd_index i = {ND_INDEX_SLICE, start, stop, step, NULL};
    return i;
}
static nd_index I(int64_t i) {
    nd_index x = {ND_INDEX_INT, i, 0, 0, NULL};
    return x;
}
static const nd_index NEWAXIS = {ND_INDEX_NEWAXIS, 0, 0, 0, NULL};
static const nd_index ELLIPSIS = {ND_INDEX_ELLIPSIS, 0, 0, 0, NULL};
#define ALL S(ND_NONE, ND_NONE, 1)

static int layout_is(const nd_array *a, int64_t nd, const int64_t *shape, const int64_t *strides) {
    if (!a || nd_array_ndim(a) != nd) return 0;
    for (int64_t i = 0; i < nd; i++)
        if (nd_array_shape(a)[i] != shape[i] || nd_array_strides(a)[i] != strides[i]) return 0;
    return 1;
}

static int64_t at(const nd_array *a, int64_t n, const int64_t *idx) {
    int64_t v = -999;
    nd_array_get_i64(a, (size_t)n, idx, &v);
    return v;
}

static nd_array *arange_reshaped(int64_t n, size_t nd, const int64_t *shape) {
    nd_dtype *i8 = nd_dtype_new(ND_INT64);
    nd_array *r = nd_arange(0, (double)n, 1, i8);
    nd_array *x = nd_reshape(r, nd, shape, ND_ORDER_C);
    nd_array_free(r);
    nd_dtype_free(i8);
    return x;
}

static void test_the_paper(void) {
    int64_t s33[2] = {3, 3};
    nd_array *x = arange_reshaped(9, 2, s33);
    CHECK(layout_is(x, 2, s33, (int64_t[]){24, 8}));
    nd_index every_other[2] = {S(ND_NONE, ND_NONE, 2), S(ND_NONE, ND_NONE, 2)};
    nd_array *y = nd_array_index(x, 2, every_other);
    CHECK(layout_is(y, 2, (int64_t[]){2, 2}, (int64_t[]){48, 16}));
    CHECK(at(y, 2, (int64_t[]){1, 1}) == 8);
    CHECK(nd_array_set_i64(y, 2, (int64_t[]){0, 0}, 100) == ND_OK);
    CHECK(at(x, 2, (int64_t[]){0, 0}) == 100);
    CHECK(!(nd_array_flags(y) & ND_FLAG_OWNDATA));
    nd_array *xT = nd_transpose(x, 0, NULL);
    CHECK(layout_is(xT, 2, s33, (int64_t[]){8, 24}));
    nd_array *z = nd_reshape(x, 2, (int64_t[]){1, 9}, ND_ORDER_C);
    CHECK(layout_is(z, 2, (int64_t[]){1, 9}, (int64_t[]){72, 8}));
    nd_dtype *u8 = nd_dtype_new(ND_UINT8);
    nd_array *bytes = nd_array_view_dtype(z, u8);
    CHECK(layout_is(bytes, 2, (int64_t[]){1, 72}, (int64_t[]){72, 1}));
    uint64_t b0 = 0;
    nd_array_get_u64(bytes, 2, (int64_t[]){0, 0}, &b0);
    CHECK(b0 == 100);
    /* Finite differences: x[1:] - x[:-1] as views. */
    nd_array *flat = nd_ravel(x, ND_ORDER_C);
    nd_index tail[1] = {S(1, ND_NONE, 1)}, head[1] = {S(ND_NONE, -1, 1)};
    nd_array *t = nd_array_index(flat, 1, tail), *h = nd_array_index(flat, 1, head);
    CHECK(nd_array_size(t) == 8 && nd_array_size(h) == 8);
    CHECK(at(t, 1, (int64_t[]){0}) == 1 && at(h, 1, (int64_t[]){7}) == 7);
    CHECK((char *)nd_array_data(t) == (char *)nd_array_data(h) + 8);
    nd_array *handles[] = {x, y, xT, z, bytes, flat, t, h};
    for (size_t i = 0; i < sizeof handles / sizeof *handles; i++) nd_array_free(handles[i]);
    nd_dtype_free(u8);
}

static void test_index_spec(void) {
    nd_array *a = arange_reshaped(24, 3, (int64_t[]){2, 3, 4});
    /* a[1, ::-1, None, ...] */
    nd_index items[4] = {I(1), S(ND_NONE, ND_NONE, -1), NEWAXIS, ELLIPSIS};
    nd_array *v = nd_array_index(a, 4, items);
    CHECK(layout_is(v, 3, (int64_t[]){3, 1, 4}, (int64_t[]){-32, 0, 8}));
    CHECK(at(v, 3, (int64_t[]){0, 0, 0}) == 20);
    /* Out-of-range slice bounds clip as in Python: a[:, 5:100] is empty. */
    nd_index clip[2] = {ALL, S(5, 100, 1)};
    nd_array *e = nd_array_index(a, 2, clip);
    CHECK(layout_is(e, 3, (int64_t[]){2, 0, 4}, (int64_t[]){96, 32, 8}));
    /* An integer on every axis: a 0-d view. */
    nd_index all_int[3] = {I(-1), I(-1), I(-1)};
    nd_array *s = nd_array_index(a, 3, all_int);
    CHECK(s && nd_array_ndim(s) == 0 && at(s, 0, NULL) == 23);
    nd_array_set_i64(s, 0, NULL, -5);
    CHECK(at(a, 3, (int64_t[]){1, 2, 3}) == -5);
    nd_array_free(s);
    nd_array_free(e);
    nd_array_free(v);

    /* Bad indices: NumPy's errors, nothing created. */
    nd_index oob[1] = {I(2)};
    CHECK(nd_array_index(a, 1, oob) == NULL);
    CHECK(strcmp(nd_last_error(), "index 2 is out of bounds for axis 0 with size 2") == 0);
    CHECK_ERROR(ND_ERR_INDEX, "out of bounds");
    nd_index many[4] = {I(0), I(0), I(0), I(0)};
    CHECK(nd_array_index(a, 4, many) == NULL);
    CHECK_ERROR(ND_ERR_INDEX, "too many indices for array: array is 3-dimensional, but 4 were indexed");
    nd_index zero_step[1] = {S(ND_NONE, ND_NONE, 0)};
    CHECK(nd_array_index(a, 1, zero_step) == NULL);
    CHECK_ERROR(ND_ERR_VALUE, "slice step cannot be zero");
    nd_index two_ell[2] = {ELLIPSIS, ELLIPSIS};
    CHECK(nd_array_index(a, 2, two_ell) == NULL);
    CHECK_ERROR(ND_ERR_INDEX, "an index can only have a single ellipsis ('...')");
    nd_index bad_kind[1] = {{42, 0, 0, 0, NULL}};
    CHECK(nd_array_index(a, 1, bad_kind) == NULL);
    CHECK_ERROR(ND_ERR_VALUE, "ND_INDEX_");
    nd_array_free(a);
}

static void test_reshapes_and_axes(void) {
    nd_array *a = arange_reshaped(24, 3, (int64_t[]){2, 3, 4});
    nd_array *t = nd_transpose(a, 0, NULL);
    CHECK(nd_reshape(t, 1, (int64_t[]){24}, ND_ORDER_C) == NULL);
    CHECK_ERROR(ND_ERR_VALUE, "Unable to avoid creating a copy while reshaping.");
    nd_array *c = nd_reshape_or_copy(t, 1, (int64_t[]){24}, ND_ORDER_C);
    CHECK(c && !nd_may_share_memory(c, t) && at(c, 1, (int64_t[]){1}) == 12);
    nd_array *f = nd_reshape(t, 1, (int64_t[]){-1}, ND_ORDER_F);
    CHECK(f && nd_may_share_memory(f, a) && at(f, 1, (int64_t[]){1}) == 1);
    CHECK(nd_reshape(a, 2, (int64_t[]){5, -1}, ND_ORDER_C) == NULL);
    CHECK(strcmp(nd_last_error(), "cannot reshape array of size 24 into shape (5,newaxis)") == 0);
    nd_clear_error();
    CHECK(nd_reshape(a, 2, (int64_t[]){-1, -1}, ND_ORDER_C) == NULL);
    CHECK_ERROR(ND_ERR_SHAPE, "can only specify one unknown dimension");
    CHECK(nd_reshape(a, 1, (int64_t[]){24}, ND_ORDER_K) == NULL);
    CHECK_ERROR(ND_ERR_VALUE, "order 'K' is not permitted for reshaping");

    nd_array *sw = nd_swapaxes(a, 0, -1);
    CHECK(layout_is(sw, 3, (int64_t[]){4, 3, 2}, (int64_t[]){8, 32, 96}));
    CHECK(nd_swapaxes(a, 0, 3) == NULL);
    CHECK_ERROR(ND_ERR_AXIS, "axis2: axis 3 is out of bounds for array of dimension 3");
    nd_array *m = nd_moveaxis(a, 1, (int64_t[]){0}, (int64_t[]){-1});
    CHECK(layout_is(m, 3, (int64_t[]){3, 4, 2}, (int64_t[]){32, 8, 96}));
    CHECK(nd_transpose(a, 3, (int64_t[]){0, 0, 1}) == NULL);
    CHECK_ERROR(ND_ERR_VALUE, "repeated axis in transpose");
    CHECK(nd_transpose(a, 2, (int64_t[]){0, 1}) == NULL);
    CHECK_ERROR(ND_ERR_VALUE, "axes don't match array");

    nd_array *ex = nd_expand_dims(a, 2, (int64_t[]){0, -1});
    CHECK(layout_is(ex, 5, (int64_t[]){1, 2, 3, 4, 1}, (int64_t[]){192, 96, 32, 8, 8}));
    nd_array *sq = nd_squeeze(ex, 0, NULL);
    CHECK(layout_is(sq, 3, (int64_t[]){2, 3, 4}, (int64_t[]){96, 32, 8}));
    CHECK(nd_squeeze(a, 1, (int64_t[]){0}) == NULL);
    CHECK_ERROR(ND_ERR_VALUE, "cannot select an axis to squeeze out which has size not equal to one");

    nd_array *d = nd_diagonal(a, 1, 1, 2);
    CHECK(layout_is(d, 2, (int64_t[]){2, 3}, (int64_t[]){96, 40}));
    CHECK(at(d, 2, (int64_t[]){1, 2}) == 12 + 11);
    CHECK(!(nd_array_flags(d) & ND_FLAG_WRITEABLE));
    CHECK(nd_array_set_i64(d, 2, (int64_t[]){0, 0}, 1) == ND_ERR_READONLY);

    nd_array *r = nd_ravel(t, ND_ORDER_K);
    CHECK(r && !(nd_array_flags(r) & ND_FLAG_OWNDATA) && nd_array_strides(r)[0] == 8);
    nd_array *fl = nd_flatten(a, ND_ORDER_C);
    CHECK(fl && (nd_array_flags(fl) & ND_FLAG_OWNDATA));
    nd_array *ac = nd_ascontiguousarray(t), *af = nd_asfortranarray(t);
    CHECK((nd_array_flags(ac) & ND_FLAG_OWNDATA) && !(nd_array_flags(af) & ND_FLAG_OWNDATA));

    nd_array *handles[] = {a, t, c, f, sw, m, ex, sq, d, r, fl, ac, af};
    for (size_t i = 0; i < sizeof handles / sizeof *handles; i++) nd_array_free(handles[i]);
}

static void test_broadcasting(void) {
    nd_array *row = arange_reshaped(3, 1, (int64_t[]){3});
    nd_array *b = nd_broadcast_to(row, 2, (int64_t[]){4, 3});
    CHECK(layout_is(b, 2, (int64_t[]){4, 3}, (int64_t[]){0, 8}));
    CHECK(!(nd_array_flags(b) & ND_FLAG_WRITEABLE));
    CHECK(nd_array_set_i64(b, 2, (int64_t[]){0, 0}, 1) == ND_ERR_READONLY);
    CHECK(nd_broadcast_to(row, 1, (int64_t[]){4}) == NULL);
    CHECK_ERROR(ND_ERR_SHAPE, "operands could not be broadcast together with remapped shapes [original->remapped]: (3,)  and requested shape (4,)");

    nd_array *col = arange_reshaped(2, 2, (int64_t[]){2, 1});
    const nd_array *in[2] = {row, col};
    nd_array *out[2] = {NULL, NULL};
    CHECK(nd_broadcast_arrays(2, in, out) == ND_OK);
    CHECK(layout_is(out[0], 2, (int64_t[]){2, 3}, (int64_t[]){0, 8}));
    CHECK(layout_is(out[1], 2, (int64_t[]){2, 3}, (int64_t[]){8, 0}));
    nd_array_free(out[0]);
    nd_array_free(out[1]);
    nd_array *bad = arange_reshaped(4, 1, (int64_t[]){4});
    const nd_array *in2[2] = {row, bad};
    CHECK(nd_broadcast_arrays(2, in2, out) == ND_ERR_SHAPE);
    CHECK(strstr(nd_last_error(), "Mismatch is between arg 0 with shape (3,) and arg 1 with shape (4,)"));
    nd_clear_error();

    /* copyto broadcasts its source, as dst[...] = src. */
    nd_dtype *f8 = nd_dtype_new(ND_FLOAT64);
    nd_array *grid = nd_zeros(f8, 2, (int64_t[]){2, 3}, ND_ORDER_C);
    CHECK(nd_copyto(grid, row, ND_CASTING_SAFE) == ND_OK);
    double v = 0;
    nd_array_get_f64(grid, 2, (int64_t[]){1, 2}, &v);
    CHECK(v == 2.0);
    CHECK(nd_copyto(grid, bad, ND_CASTING_SAFE) == ND_ERR_SHAPE);
    CHECK_ERROR(ND_ERR_SHAPE, "could not broadcast input array from shape (4,) into shape (2, 3)");
    /* Assign through a strided view: grid[:, ::2] = 7 */
    nd_index cols[2] = {ALL, S(ND_NONE, ND_NONE, 2)};
    nd_array *gv = nd_array_index(grid, 2, cols);
    double seven = 7;
    nd_array *scalar = nd_full(f8, 0, NULL, ND_ORDER_C, &seven, NULL);
    CHECK(nd_copyto(gv, scalar, ND_CASTING_SAFE) == ND_OK);
    nd_array_get_f64(grid, 2, (int64_t[]){1, 2}, &v);
    CHECK(v == 7.0);
    nd_array_get_f64(grid, 2, (int64_t[]){1, 1}, &v);
    CHECK(v == 1.0);

    nd_array *handles[] = {row, b, col, bad, grid, gv, scalar};
    for (size_t i = 0; i < sizeof handles / sizeof *handles; i++) nd_array_free(handles[i]);
    nd_dtype_free(f8);
}

static void test_as_strided_and_dtype_views(void) {
    nd_array *a = arange_reshaped(9, 1, (int64_t[]){9});
    nd_array *w = nd_as_strided(a, 2, (int64_t[]){3, 3}, (int64_t[]){16, 8});
    CHECK(w && at(w, 2, (int64_t[]){2, 2}) == 6);
    CHECK(nd_as_strided(a, 1, (int64_t[]){10}, (int64_t[]){8}) == NULL);
    CHECK_ERROR(ND_ERR_VALUE, "as_strided");
    nd_array *u = nd_as_strided_unchecked(a, 1, (int64_t[]){9}, (int64_t[]){8});
    CHECK(u && at(u, 1, (int64_t[]){8}) == 8);

    nd_dtype *i4 = nd_dtype_new(ND_INT32), *c16 = nd_dtype_new(ND_COMPLEX128);
    nd_array *halves = nd_array_view_dtype(a, i4);
    CHECK(layout_is(halves, 1, (int64_t[]){18}, (int64_t[]){4}));
    CHECK(nd_array_view_dtype(a, c16) == NULL);
    CHECK_ERROR(ND_ERR_VALUE, "When changing to a larger dtype, its size must be a divisor of the total size in bytes of the last axis of the array.");
    nd_index evens[1] = {S(ND_NONE, ND_NONE, 2)};
    nd_array *strided = nd_array_index(a, 1, evens);
    CHECK(nd_array_view_dtype(strided, i4) == NULL);
    CHECK_ERROR(ND_ERR_VALUE, "To change to a dtype of a different size, the last axis must be contiguous");

    /* real / imag views of complex data. */
    nd_array *z = nd_zeros(c16, 1, (int64_t[]){3}, ND_ORDER_C);
    nd_array_set_c128(z, 1, (int64_t[]){1}, 1.5, -2.5);
    nd_array *re = nd_real(z), *im = nd_imag(z);
    double x = 0;
    CHECK(layout_is(im, 1, (int64_t[]){3}, (int64_t[]){16}));
    CHECK(nd_array_get_f64(im, 1, (int64_t[]){1}, &x) == ND_OK && x == -2.5);
    CHECK(nd_array_set_f64(re, 1, (int64_t[]){2}, 9) == ND_OK);
    double rr, ii;
    nd_array_get_c128(z, 1, (int64_t[]){2}, &rr, &ii);
    CHECK(rr == 9 && ii == 0);
    nd_array *im_real = nd_imag(a);
    CHECK(im_real && !(nd_array_flags(im_real) & ND_FLAG_WRITEABLE) && at(im_real, 1, (int64_t[]){3}) == 0);

    nd_array *handles[] = {a, w, u, halves, strided, z, re, im, im_real};
    for (size_t i = 0; i < sizeof handles / sizeof *handles; i++) nd_array_free(handles[i]);
    nd_dtype_free(i4);
    nd_dtype_free(c16);
}

static void test_fields(void) {
    nd_dtype *rec = nd_dtype_from_string("[('time','<u8'),('pos',[('x','<f8'),('y','<f8')])]");
    nd_array *r = nd_zeros(rec, 1, (int64_t[]){4}, ND_ORDER_C);
    nd_array *pos = nd_array_field(r, "pos");
    nd_array *x = nd_array_field(pos, "x");
    CHECK(layout_is(x, 1, (int64_t[]){4}, (int64_t[]){24}));
    CHECK(nd_array_set_f64(x, 1, (int64_t[]){2}, 3.5) == ND_OK);
    double *raw = (double *)((char *)nd_array_data(r) + 2 * 24 + 8);
    CHECK(*raw == 3.5);
    const char *names[2] = {"pos", "time"};
    nd_array *both = nd_array_fields(r, 2, names);
    CHECK(both && nd_array_itemsize(both) == 24);
    CHECK(nd_array_field(r, "nope") == NULL);
    CHECK_ERROR(ND_ERR_VALUE, "no field of name nope");
    const char *dup[2] = {"time", "time"};
    CHECK(nd_array_fields(r, 2, dup) == NULL);
    CHECK_ERROR(ND_ERR_VALUE, "duplicate field of name 'time'");
    nd_array_free(both);
    nd_array_free(x);
    nd_array_free(pos);
    nd_array_free(r);
    nd_dtype_free(rec);
}

static nd_index A(const nd_array *arr) {
    nd_index x = {ND_INDEX_ARRAY, 0, 0, 0, arr};
    return x;
}

static nd_array *i64s(size_t n, const int64_t *v) {
    nd_dtype *i8 = nd_dtype_new(ND_INT64);
    int64_t len = (int64_t)n;
    nd_array *a = nd_array_from_data(v, i8, 1, &len, NULL);
    nd_dtype_free(i8);
    return a;
}

static void test_advanced(void) {
    nd_array *a = arange_reshaped(24, 3, (int64_t[]){2, 3, 4});
    nd_array *idx = i64s(2, (int64_t[]){1, 0});
    /* a[:, [1, 0]]: adjacent index dims stay in place, NumPy's layout. */
    nd_index mid[2] = {ALL, A(idx)};
    nd_array *g = nd_array_getitem(a, 2, mid);
    CHECK(layout_is(g, 3, (int64_t[]){2, 2, 4}, (int64_t[]){32, 64, 8}));
    CHECK(at(g, 3, (int64_t[]){1, 0, 3}) == 12 + 4 + 3);
    CHECK(!nd_may_share_memory(g, a));
    /* a[0, :, [1, 2]]: separated advanced indices go first. */
    nd_array *cols = i64s(2, (int64_t[]){1, 2});
    nd_index sep[3] = {I(0), ALL, A(cols)};
    nd_array *h = nd_array_getitem(a, 3, sep);
    CHECK(layout_is(h, 2, (int64_t[]){2, 3}, (int64_t[]){24, 8}));
    CHECK(at(h, 2, (int64_t[]){1, 2}) == 10);
    /* nd_array_index refuses index arrays: it promises a view. */
    CHECK(nd_array_index(a, 2, mid) == NULL);
    CHECK_ERROR(ND_ERR_VALUE, "nd_array_getitem");
    /* Boolean masks. */
    nd_dtype *b1 = nd_dtype_new(ND_BOOL);
    bool mask_v[2] = {false, true};
    nd_array *mask = nd_array_from_data(mask_v, b1, 1, (int64_t[]){2}, NULL);
    nd_index m[1] = {A(mask)};
    nd_array *sel = nd_array_getitem(a, 1, m);
    CHECK(layout_is(sel, 3, (int64_t[]){1, 3, 4}, (int64_t[]){96, 32, 8}));
    CHECK(at(sel, 3, (int64_t[]){0, 0, 0}) == 12);
    bool bad_v[3] = {true, true, true};
    nd_array *bad_mask = nd_array_from_data(bad_v, b1, 1, (int64_t[]){3}, NULL);
    nd_index bm[1] = {A(bad_mask)};
    CHECK(nd_array_getitem(a, 1, bm) == NULL);
    CHECK_ERROR(ND_ERR_INDEX, "boolean index did not match indexed array along axis 0; size of axis is 2 but size of corresponding boolean axis is 3");
    /* Errors: out of bounds, unbroadcastable indices, float index arrays. */
    nd_array *oob = i64s(2, (int64_t[]){0, 5});
    nd_index o[1] = {A(oob)};
    CHECK(nd_array_getitem(a, 1, o) == NULL);
    CHECK_ERROR(ND_ERR_INDEX, "index 5 is out of bounds for axis 0 with size 2");
    nd_array *three = i64s(3, (int64_t[]){0, 1, 2});
    nd_index mismatch[2] = {A(idx), A(three)};
    CHECK(nd_array_getitem(a, 2, mismatch) == NULL);
    CHECK_ERROR(ND_ERR_INDEX, "shape mismatch: indexing arrays could not be broadcast together with shapes (2,) (3,) ");
    nd_array *fl = nd_linspace(0, 1, 2, true, NULL);
    nd_index fi[1] = {A(fl)};
    CHECK(nd_array_getitem(a, 1, fi) == NULL);
    CHECK_ERROR(ND_ERR_INDEX, "arrays used as indices must be of integer (or boolean) type");

    /* Assignment: scatter, with repeated positions taking the last value. */
    nd_dtype *f8 = nd_dtype_new(ND_FLOAT64);
    nd_array *v = nd_zeros(f8, 1, (int64_t[]){5}, ND_ORDER_C);
    nd_array *rep = i64s(3, (int64_t[]){0, 0, 1});
    nd_array *vals = i64s(3, (int64_t[]){1, 2, 3});
    nd_index ri[1] = {A(rep)};
    CHECK(nd_array_setitem(v, 1, ri, vals) == ND_OK);
    double d0 = 0, d1 = 0;
    nd_array_get_f64(v, 1, (int64_t[]){0}, &d0);
    nd_array_get_f64(v, 1, (int64_t[]){1}, &d1);
    CHECK(d0 == 2 && d1 == 3);
    nd_array *four = i64s(4, (int64_t[]){9, 9, 9, 9});
    CHECK(nd_array_setitem(v, 1, ri, four) == ND_ERR_SHAPE);
    CHECK_ERROR(ND_ERR_SHAPE, "shape mismatch: value array of shape (4,) could not be broadcast to indexing result of shape (3,)");
    nd_array *oob2 = i64s(2, (int64_t[]){0, 9});
    nd_index o2[1] = {A(oob2)};
    CHECK(nd_array_setitem(v, 1, o2, vals) != ND_OK);
    nd_array_get_f64(v, 1, (int64_t[]){0}, &d0);
    CHECK(d0 == 2); /* nothing written */
    /* Basic-index assignment broadcasts too: v[1:4] = 7 (as a 0-d array). */
    double seven = 7;
    nd_array *s7 = nd_full(f8, 0, NULL, ND_ORDER_C, &seven, NULL);
    nd_index mid_slice[1] = {S(1, 4, 1)};
    CHECK(nd_array_setitem(v, 1, mid_slice, s7) == ND_OK);
    nd_array_get_f64(v, 1, (int64_t[]){3}, &d0);
    CHECK(d0 == 7);
    nd_array *ro = nd_array_view_readonly(v);
    CHECK(nd_array_setitem(ro, 1, ri, vals) == ND_ERR_READONLY);
    nd_clear_error();
    NULL_FAILS(nd_array_getitem(NULL, 1, m));
    NULL_FAILS(nd_array_setitem(v, 1, ri, NULL) == ND_OK);
    nd_index null_arr[1] = {A(NULL)};
    NULL_FAILS(nd_array_getitem(a, 1, null_arr));

    nd_array *handles[] = {a, idx, g, cols, h, mask, sel, bad_mask, oob, three, fl, v, rep, vals, four, oob2, s7, ro};
    for (size_t i = 0; i < sizeof handles / sizeof *handles; i++) nd_array_free(handles[i]);
    nd_dtype_free(b1);
    nd_dtype_free(f8);
}

static int released;
static void on_release(void *ctx) {
    released++;
    free(ctx);
}

static void test_view_outlives_everything(void) {
    /* Free the base first, then read and write through the view (ASan run). */
    nd_dtype *f8 = nd_dtype_new(ND_FLOAT64);
    double *mem = malloc(6 * sizeof *mem);
    for (int i = 0; i < 6; i++) mem[i] = i;
    released = 0;
    nd_array *base = nd_array_wrap(mem, f8, 2, (int64_t[]){2, 3}, NULL, true, on_release, mem);
    nd_array *t = nd_transpose(base, 0, NULL);
    nd_index last_row[1] = {I(-1)};
    nd_array *v = nd_array_index(t, 1, last_row);
    nd_array_free(base);
    nd_array_free(t);
    CHECK(released == 0);
    double d = 0;
    CHECK(nd_array_get_f64(v, 1, (int64_t[]){1}, &d) == ND_OK && d == 5);
    CHECK(nd_array_set_f64(v, 1, (int64_t[]){0}, -1) == ND_OK);
    nd_array_free(v);
    CHECK(released == 1);
    nd_dtype_free(f8);
}


static void test_nulls(void) {
    int64_t one = 1;
    nd_index item = I(0);
    nd_array *a = arange_reshaped(4, 1, (int64_t[]){4});
    nd_dtype *f8 = nd_dtype_new(ND_FLOAT64);
    const char *name = "x";
    nd_array *out[1];
    NULL_FAILS(nd_array_index(NULL, 1, &item));
    NULL_FAILS(nd_array_index(a, 1, NULL));
    NULL_FAILS(nd_transpose(NULL, 0, NULL));
    NULL_FAILS(nd_transpose(a, 1, NULL));
    NULL_FAILS(nd_swapaxes(NULL, 0, 0));
    NULL_FAILS(nd_moveaxis(NULL, 1, &one, &one));
    NULL_FAILS(nd_moveaxis(a, 1, NULL, &one));
    NULL_FAILS(nd_reshape(NULL, 1, &one, ND_ORDER_C));
    NULL_FAILS(nd_reshape(a, 1, NULL, ND_ORDER_C));
    NULL_FAILS(nd_reshape_or_copy(NULL, 1, &one, ND_ORDER_C));
    NULL_FAILS(nd_ravel(NULL, ND_ORDER_C));
    NULL_FAILS(nd_flatten(NULL, ND_ORDER_C));
    NULL_FAILS(nd_squeeze(NULL, 0, NULL));
    NULL_FAILS(nd_expand_dims(NULL, 1, &one));
    NULL_FAILS(nd_expand_dims(a, 1, NULL));
    NULL_FAILS(nd_diagonal(NULL, 0, 0, 1));
    NULL_FAILS(nd_real(NULL));
    NULL_FAILS(nd_imag(NULL));
    NULL_FAILS(nd_broadcast_to(NULL, 1, &one));
    NULL_FAILS(nd_broadcast_to(a, 1, NULL));
    NULL_FAILS(nd_broadcast_arrays(1, NULL, out) == ND_OK);
    const nd_array *in[1] = {a};
    NULL_FAILS(nd_broadcast_arrays(1, in, NULL) == ND_OK);
    const nd_array *null_in[1] = {NULL};
    NULL_FAILS(nd_broadcast_arrays(1, null_in, out) == ND_OK);
    NULL_FAILS(nd_as_strided(NULL, 1, &one, &one));
    NULL_FAILS(nd_as_strided(a, 1, &one, NULL));
    NULL_FAILS(nd_as_strided_unchecked(NULL, 1, &one, &one));
    NULL_FAILS(nd_array_view_dtype(NULL, f8));
    NULL_FAILS(nd_array_view_dtype(a, NULL));
    NULL_FAILS(nd_array_field(NULL, name));
    NULL_FAILS(nd_array_field(a, NULL));
    NULL_FAILS(nd_array_fields(NULL, 1, &name));
    NULL_FAILS(nd_array_fields(a, 1, NULL));
    NULL_FAILS(nd_may_share_memory(NULL, a));
    NULL_FAILS(nd_may_share_memory(a, NULL));
    NULL_FAILS(nd_ascontiguousarray(NULL));
    NULL_FAILS(nd_asfortranarray(NULL));
    nd_array_free(a);
    nd_dtype_free(f8);
}

int main(void) {
    test_the_paper();
    test_index_spec();
    test_reshapes_and_axes();
    test_broadcasting();
    test_as_strided_and_dtype_views();
    test_fields();
    test_advanced();
    test_view_outlives_everything();
    test_nulls();
    return check_summary("test_views");
}
