/* Arrays: creation, introspection, element access, casts, copies, text form,
 * and every kind of bad shape. */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>

#include "check.h"

static int repr_is(nd_array *a, const char *expected) {
    char *s = nd_array_repr(a);
    int ok = s && strcmp(s, expected) == 0;
    if (!ok) fprintf(stderr, "  repr: got\n%s\n  expected\n%s\n", s ? s : "(null)", expected);
    nd_string_free(s);
    return ok;
}

static void test_creation_and_introspection(void) {
    nd_dtype *i64 = nd_dtype_new(ND_INT64), *i32 = nd_dtype_new(ND_INT32);
    int64_t shape[2] = {3, 3};
    nd_array *x = nd_arange(0, 9, 1, i64);
    CHECK(nd_array_ndim(x) == 1 && nd_array_size(x) == 9);
    CHECK(repr_is(x, "array([0, 1, 2, 3, 4, 5, 6, 7, 8])"));

    nd_array *z = nd_zeros(i32, 2, shape, ND_ORDER_C);
    CHECK(nd_array_ndim(z) == 2);
    CHECK(nd_array_shape(z)[0] == 3 && nd_array_shape(z)[1] == 3);
    CHECK(nd_array_strides(z)[0] == 12 && nd_array_strides(z)[1] == 4);
    CHECK(nd_array_dim(z, -1) == 3 && nd_array_stride(z, -2) == 12);
    CHECK(nd_array_itemsize(z) == 4 && nd_array_nbytes(z) == 36);
    int flags = nd_array_flags(z);
    CHECK(flags & ND_FLAG_C_CONTIGUOUS);
    CHECK(!(flags & ND_FLAG_F_CONTIGUOUS));
    CHECK(flags & ND_FLAG_OWNDATA);
    CHECK(flags & ND_FLAG_WRITEABLE);
    CHECK(flags & ND_FLAG_ALIGNED);
    CHECK((uintptr_t)nd_array_data(z) % 64 == 0);
    CHECK(repr_is(z, "array([[0, 0, 0],\n       [0, 0, 0],\n       [0, 0, 0]], dtype=int32)"));
    nd_dtype *dt = nd_array_dtype(z);
    CHECK(nd_dtype_equal(dt, i32));
    nd_dtype_free(dt);
    CHECK(nd_array_dim(z, 2) == -1);
    CHECK_ERROR(ND_ERR_AXIS, "axis 2 is out of bounds for array of dimension 2");

    nd_array *f = nd_ones(i32, 2, shape, ND_ORDER_F);
    CHECK(nd_array_strides(f)[0] == 4 && nd_array_strides(f)[1] == 12);
    CHECK(nd_array_flags(f) & ND_FLAG_F_CONTIGUOUS);

    /* nd_array_describe: the same answers in one call. */
    nd_array_info info;
    CHECK(nd_array_describe(f, &info) == ND_OK);
    CHECK(info.ndim == 2 && info.shape == nd_array_shape(f) && info.strides == nd_array_strides(f));
    CHECK(info.shape[0] == 3 && info.strides[1] == 12);
    CHECK(info.data == nd_array_data(f) && info.size == 9 && info.itemsize == 4);
    CHECK(info.type_num == ND_INT32 && info.byteorder == '=' && info.flags == nd_array_flags(f));
    nd_dtype *be = nd_dtype_from_string(">f8");
    nd_array *swapped = nd_zeros(be, 0, NULL, ND_ORDER_C);
    CHECK(nd_array_describe(swapped, &info) == ND_OK);
    CHECK(info.ndim == 0 && info.size == 1 && info.type_num == ND_FLOAT64 && info.byteorder == '>');
    nd_array_free(swapped);
    nd_dtype_free(be);
    info.ndim = 77;
    CHECK(nd_array_describe(NULL, &info) == ND_ERR_NULL && info.ndim == 77);
    CHECK(nd_array_describe(f, NULL) == ND_ERR_NULL);
    CHECK_ERROR(ND_ERR_NULL, "argument 'info' is NULL");
    int64_t v = 0, idx[2] = {2, 1};
    CHECK(nd_array_get_i64(f, 2, idx, &v) == ND_OK && v == 1);

    double fill = 2.75;
    nd_dtype *f8 = nd_dtype_new(ND_FLOAT64);
    nd_array *full = nd_full(i32, 2, shape, ND_ORDER_C, &fill, f8);
    CHECK(nd_array_get_i64(full, 2, idx, &v) == ND_OK && v == 2);
    nd_array *fullf = nd_full(f8, 2, shape, ND_ORDER_C, &fill, NULL);
    double d = 0;
    CHECK(nd_array_get_f64(fullf, 2, idx, &d) == ND_OK && d == 2.75);

    nd_array *lin = nd_linspace(0, 1, 5, true, NULL);
    CHECK(repr_is(lin, "array([0.  , 0.25, 0.5 , 0.75, 1.  ])"));
    nd_array *eye = nd_eye(2, 3, 1, NULL, ND_ORDER_C);
    CHECK(repr_is(eye, "array([[0., 1., 0.],\n       [0., 0., 1.]])"));

    nd_array_free(x);
    nd_array_free(z);
    nd_array_free(f);
    nd_array_free(full);
    nd_array_free(fullf);
    nd_array_free(lin);
    nd_array_free(eye);
    nd_dtype_free(i64);
    nd_dtype_free(i32);
    nd_dtype_free(f8);
}

static void test_element_access(void) {
    nd_dtype *u8 = nd_dtype_new(ND_UINT8), *c16 = nd_dtype_new(ND_COMPLEX128);
    int64_t shape[1] = {4}, i0[1] = {0}, last[1] = {-1}, out[1] = {4};
    nd_array *a = nd_zeros(u8, 1, shape, ND_ORDER_C);
    CHECK(nd_array_set_i64(a, 1, i0, 300) == ND_ERR_OVERFLOW);
    CHECK(strcmp(nd_last_error(), "Python integer 300 out of bounds for uint8") == 0);
    uint64_t u = 99;
    CHECK(nd_array_get_u64(a, 1, i0, &u) == ND_OK && u == 0); /* nothing written */
    CHECK(nd_array_set_f64(a, 1, last, -1.0) == ND_OK);
    CHECK(nd_array_get_u64(a, 1, last, &u) == ND_OK && u == 255);
    CHECK(nd_array_set_f64(a, 1, out, 1.0) == ND_ERR_INDEX);
    CHECK(strcmp(nd_last_error(), "index 4 is out of bounds for axis 0 with size 4") == 0);
    int64_t two[2] = {0, 0};
    CHECK(nd_array_set_f64(a, 2, two, 1.0) == ND_ERR_INDEX);
    CHECK_ERROR(ND_ERR_INDEX, "too many indices for array: array is 1-dimensional, but 2 were indexed");
    CHECK(nd_array_set_c128(a, 1, i0, 1, 2) == ND_ERR_TYPE);
    bool b = false;
    CHECK(nd_array_get_bool(a, 1, last, &b) == ND_OK && b);
    uint8_t *p = nd_array_ptr_at(a, 1, last);
    CHECK(p && *p == 255);

    nd_array *c = nd_zeros(c16, 1, shape, ND_ORDER_C);
    double re = 0, im = 0;
    CHECK(nd_array_set_c128(c, 1, i0, 1.5, -2) == ND_OK);
    CHECK(nd_array_get_c128(c, 1, i0, &re, &im) == ND_OK && re == 1.5 && im == -2);
    CHECK(nd_array_get_f64(c, 1, i0, &re) == ND_OK && re == 1.5);
    nd_array_free(a);
    nd_array_free(c);
    nd_dtype_free(u8);
    nd_dtype_free(c16);
}

static void test_bad_shapes(void) {
    nd_dtype *f8 = nd_dtype_new(ND_FLOAT64);
    int64_t neg[2] = {3, -1};
    CHECK(nd_zeros(f8, 2, neg, ND_ORDER_C) == NULL);
    CHECK(strcmp(nd_last_error(), "negative dimensions are not allowed") == 0);
    CHECK_ERROR(ND_ERR_VALUE, "negative");
    int64_t huge[2] = {INT64_C(1) << 62, 4};
    CHECK(nd_empty(f8, 2, huge, ND_ORDER_C) == NULL);
    CHECK_ERROR(ND_ERR_OVERFLOW, "array is too big");
    int64_t huge_empty[2] = {0, INT64_MAX};
    CHECK(nd_zeros(f8, 2, huge_empty, ND_ORDER_C) == NULL);
    CHECK_ERROR(ND_ERR_OVERFLOW, "array is too big");
    int64_t many[65];
    for (int i = 0; i < 65; i++) many[i] = 1;
    CHECK(nd_zeros(f8, 65, many, ND_ORDER_C) == NULL);
    CHECK_ERROR(ND_ERR_VALUE, "maximum supported dimension for an ndarray is currently 64, found 65");
    nd_array *max = nd_zeros(f8, 64, many, ND_ORDER_C);
    CHECK(max != NULL && nd_array_ndim(max) == 64);
    nd_array_free(max);
    CHECK(nd_eye(-1, 2, 0, NULL, ND_ORDER_C) == NULL);
    CHECK_ERROR(ND_ERR_VALUE, "negative");
    CHECK(nd_arange(0, 10, 0, NULL) == NULL);
    CHECK_ERROR(ND_ERR_VALUE, "step");
    CHECK(nd_arange(0, INFINITY, 1, NULL) == NULL);
    CHECK_ERROR(ND_ERR_VALUE, "cannot compute length");
    /* Integer arange: exact beyond 2**53 (the double version rounds). */
    nd_array *big = nd_arange_int((INT64_C(1) << 62) + 1, (INT64_C(1) << 62) + 4, 1, NULL);
    int64_t got = 0, at[1] = {2};
    CHECK(big && nd_array_size(big) == 3);
    CHECK(nd_array_get_i64(big, 1, at, &got) == ND_OK && got == (INT64_C(1) << 62) + 3);
    nd_array_free(big);
    nd_array *down = nd_arange_int(5, -5, -3, NULL);
    CHECK(down && nd_array_size(down) == 4);
    nd_array_free(down);
    nd_dtype *i8 = nd_dtype_new(ND_INT8);
    CHECK(nd_arange_int(127, 130, 1, i8) == NULL);
    CHECK_ERROR(ND_ERR_OVERFLOW, "Python integer 128 out of bounds for int8");
    CHECK(nd_arange_int(0, 10, 0, NULL) == NULL);
    CHECK_ERROR(ND_ERR_VALUE, "step");
    nd_dtype_free(i8);
    /* Sizes that cannot be allocated are errors, not aborts. */
    CHECK(nd_linspace(0, 1, INT64_C(1) << 58, true, NULL) == NULL);
    CHECK(nd_last_status() == ND_ERR_MEMORY || nd_last_status() == ND_ERR_OVERFLOW);
    nd_clear_error();
    CHECK(nd_arange(0, 1e17, 1, NULL) == NULL);
    CHECK(nd_last_status() == ND_ERR_MEMORY || nd_last_status() == ND_ERR_OVERFLOW);
    nd_clear_error();
    CHECK(nd_linspace(0, 1, -3, true, NULL) == NULL);
    CHECK_ERROR(ND_ERR_VALUE, "Number of samples, -3, must be non-negative.");
    nd_dtype_free(f8);
}

static void test_zero_size(void) {
    nd_dtype *f8 = nd_dtype_new(ND_FLOAT64);
    int64_t shape[2] = {0, 3};
    nd_array *e = nd_zeros(f8, 2, shape, ND_ORDER_C);
    CHECK(e && nd_array_size(e) == 0 && nd_array_nbytes(e) == 0);
    CHECK(nd_array_strides(e)[0] == 0 && nd_array_strides(e)[1] == 0); /* as NumPy 2 */
    CHECK(nd_array_data(e) != NULL);
    int flags = nd_array_flags(e);
    CHECK((flags & ND_FLAG_C_CONTIGUOUS) && (flags & ND_FLAG_F_CONTIGUOUS));
    CHECK(repr_is(e, "array([], shape=(0, 3), dtype=float64)"));
    int64_t i0[2] = {0, 0};
    double d;
    CHECK(nd_array_get_f64(e, 2, i0, &d) == ND_ERR_INDEX);
    nd_array *c = nd_array_copy(e, ND_ORDER_F);
    CHECK(c && nd_array_size(c) == 0);
    nd_array *r = nd_arange(5, 1, 1, NULL);
    CHECK(repr_is(r, "array([], dtype=float64)"));
    nd_array_free(r);
    nd_array_free(c);
    nd_array_free(e);
    nd_dtype_free(f8);
}

static void test_casts_and_copies(void) {
    nd_dtype *i32 = nd_dtype_new(ND_INT32), *f4 = nd_dtype_new(ND_FLOAT32);
    nd_array *x = nd_arange(-2, 3, 0.75, NULL); /* -2, -1.25, -0.5, 0.25, 1, 1.75, 2.5 */
    nd_array *i = nd_astype(x, i32, ND_CASTING_UNSAFE);
    CHECK(repr_is(i, "array([-2, -1,  0,  0,  1,  1,  2], dtype=int32)"));
    CHECK(nd_astype(x, i32, ND_CASTING_SAFE) == NULL);
    CHECK(strcmp(nd_last_error(),
                 "Cannot cast array data from dtype('float64') to dtype('int32') according to the rule 'safe'") == 0);
    CHECK_ERROR(ND_ERR_TYPE, "Cannot cast");
    nd_array *f = nd_astype(i, f4, ND_CASTING_SAME_KIND);
    CHECK(nd_astype(i, f4, ND_CASTING_SAFE) == NULL); /* int32 -> float32 loses digits */
    CHECK_ERROR(ND_ERR_TYPE, "according to the rule 'safe'");
    CHECK(repr_is(f, "array([-2., -1.,  0.,  0.,  1.,  1.,  2.], dtype=float32)"));

    /* copyto: same-kind casting into an existing array. */
    nd_array *dst = nd_zeros(f4, 1, (int64_t[]){7}, ND_ORDER_C);
    CHECK(nd_copyto(dst, x, ND_CASTING_SAME_KIND) == ND_OK);
    double d;
    CHECK(nd_array_get_f64(dst, 1, (int64_t[]){1}, &d) == ND_OK && d == -1.25);
    CHECK(nd_copyto(dst, x, ND_CASTING_SAFE) == ND_ERR_TYPE);
    nd_array *short_ = nd_zeros(f4, 1, (int64_t[]){3}, ND_ORDER_C);
    CHECK(nd_copyto(short_, x, ND_CASTING_UNSAFE) == ND_ERR_SHAPE);
    /* Overlapping copyto behaves as if the source were copied first. */
    CHECK(nd_copyto(x, x, ND_CASTING_NO) == ND_OK);
    CHECK(nd_array_get_f64(x, 1, (int64_t[]){6}, &d) == ND_OK && d == 2.5);

    nd_array_free(short_);
    nd_array_free(dst);
    nd_array_free(f);
    nd_array_free(i);
    nd_array_free(x);
    nd_dtype_free(i32);
    nd_dtype_free(f4);
}

static void test_records(void) {
    nd_dtype *rec = nd_dtype_from_string("[('time','<u8'),('pos',[('x','<f8'),('y','<f8')])]");
    int64_t shape[1] = {2};
    nd_array *r = nd_ones(rec, 1, shape, ND_ORDER_C);
    CHECK(r && nd_array_itemsize(r) == 24);
    CHECK(repr_is(r, "array([(1, (1., 1.)), (1, (1., 1.))],\n      dtype=[('time', '<u8'), ('pos', [('x', '<f8'), ('y', '<f8')])])"));
    double d;
    int64_t i0[1] = {0};
    CHECK(nd_array_get_f64(r, 1, i0, &d) == ND_ERR_TYPE);
    /* A record element through its pointer. */
    struct { uint64_t time; double x, y; } rec0 = {7, 1.5, -2.0};
    nd_array *one = nd_full(rec, 1, shape, ND_ORDER_C, &rec0, NULL);
    CHECK(repr_is(one, "array([(7, (1.5, -2.)), (7, (1.5, -2.))],\n      dtype=[('time', '<u8'), ('pos', [('x', '<f8'), ('y', '<f8')])])"));
    nd_array_free(one);
    nd_array_free(r);
    nd_dtype_free(rec);

    nd_dtype *sub = nd_dtype_from_string("('<i2', (2, 3))");
    nd_array *s = nd_zeros(sub, 1, shape, ND_ORDER_C);
    CHECK(nd_array_ndim(s) == 3 && nd_array_shape(s)[2] == 3);
    nd_array_free(s);
    nd_dtype_free(sub);
}

int main(void) {
    test_creation_and_introspection();
    test_element_access();
    test_bad_shapes();
    test_zero_size();
    test_casts_and_copies();
    test_records();
    return check_summary("test_array");
}
