/* Foreign memory: wrapping without copying, read-only buffers, unaligned
 * pointers, negative strides, and the release callback running exactly once
 * after the last handle, on whichever thread frees it. */
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>

#include "check.h"

static atomic_int releases;
static pthread_t release_thread;

static void count_release(void *ctx) {
    releases++;
    release_thread = pthread_self();
    free(ctx);
}

static void *free_on_thread(void *arg) {
    nd_array_free((nd_array *)arg);
    return NULL;
}

static void test_release_once_after_last_view(void) {
    nd_dtype *f8 = nd_dtype_new(ND_FLOAT64);
    int64_t shape[1] = {4};
    double *mem = malloc(4 * sizeof(double));
    for (int i = 0; i < 4; i++) mem[i] = i;
    releases = 0;
    nd_array *a = nd_array_wrap(mem, f8, 1, shape, NULL, true, count_release, mem);
    CHECK(a != NULL);
    CHECK(nd_array_data(a) == mem); /* no copy */
    CHECK(!(nd_array_flags(a) & ND_FLAG_OWNDATA));
    nd_array *v1 = nd_array_view(a);
    nd_array *v2 = nd_array_view(v1);
    nd_array_free(a);
    CHECK(releases == 0);
    nd_array_free(v1);
    CHECK(releases == 0);
    /* The surviving view still reads and writes the caller's memory. */
    int64_t i3[1] = {3};
    double d = 0;
    CHECK(nd_array_get_f64(v2, 1, i3, &d) == ND_OK && d == 3.0);
    CHECK(nd_array_set_f64(v2, 1, i3, 30.0) == ND_OK && mem[3] == 30.0);
    /* The last handle is freed on another thread: the release runs there. */
    pthread_t t;
    pthread_create(&t, NULL, free_on_thread, v2);
    pthread_join(t, NULL);
    CHECK(releases == 1);
    CHECK(pthread_equal(release_thread, t));
    nd_dtype_free(f8);
}

static void test_failed_wrap_never_releases(void) {
    nd_dtype *f8 = nd_dtype_new(ND_FLOAT64);
    int64_t bad[1] = {-4};
    double *mem = malloc(4 * sizeof(double));
    releases = 0;
    CHECK(nd_array_wrap(mem, f8, 1, bad, NULL, true, count_release, mem) == NULL);
    CHECK_ERROR(ND_ERR_VALUE, "negative dimensions");
    int64_t shape[1] = {4};
    CHECK(nd_array_wrap(NULL, f8, 1, shape, NULL, true, count_release, mem) == NULL);
    CHECK_ERROR(ND_ERR_NULL, "NULL");
    int64_t huge_strides[2] = {INT64_C(1) << 62, 8};
    int64_t shape2[2] = {4, 1};
    CHECK(nd_array_wrap(mem, f8, 2, shape2, huge_strides, true, count_release, mem) == NULL);
    CHECK_ERROR(ND_ERR_OVERFLOW, "strides overflow");
    CHECK(releases == 0);
    free(mem); /* still ours */
    nd_dtype_free(f8);
}

static void test_read_only_buffer(void) {
    nd_dtype *i32 = nd_dtype_new(ND_INT32);
    int32_t mem[3] = {1, 2, 3};
    int64_t shape[1] = {3}, i0[1] = {0};
    nd_array *ro = nd_array_wrap(mem, i32, 1, shape, NULL, false, NULL, NULL);
    CHECK(!(nd_array_flags(ro) & ND_FLAG_WRITEABLE));
    CHECK(nd_array_set_i64(ro, 1, i0, 9) == ND_ERR_READONLY);
    CHECK(strcmp(nd_last_error(), "assignment destination is read-only") == 0);
    nd_array *src = nd_zeros(i32, 1, shape, ND_ORDER_C);
    CHECK(nd_copyto(ro, src, ND_CASTING_SAFE) == ND_ERR_READONLY);
    CHECK(mem[0] == 1 && mem[1] == 2 && mem[2] == 3); /* nothing written */
    /* Its views are read-only too; copies are writeable. */
    nd_array *v = nd_array_view(ro);
    CHECK(nd_array_set_i64(v, 1, i0, 9) == ND_ERR_READONLY);
    nd_array *c = nd_array_copy(ro, ND_ORDER_C);
    CHECK(nd_array_set_i64(c, 1, i0, 9) == ND_OK && mem[0] == 1);
    nd_array_free(c);
    nd_array_free(v);
    nd_array_free(src);
    nd_array_free(ro);
    nd_dtype_free(i32);
}

static void test_unaligned_and_strided(void) {
    nd_dtype *i32 = nd_dtype_new(ND_INT32);
    _Alignas(8) unsigned char raw[17] = {0};
    int32_t v = 0x01020304;
    memcpy(raw + 1, &v, 4);
    int64_t shape[1] = {4};
    nd_array *u = nd_array_wrap(raw + 1, i32, 1, shape, NULL, true, NULL, NULL);
    CHECK(u != NULL);
    CHECK(!(nd_array_flags(u) & ND_FLAG_ALIGNED));
    int64_t i0[1] = {0};
    int64_t got = 0;
    CHECK(nd_array_get_i64(u, 1, i0, &got) == ND_OK && got == 0x01020304);
    nd_array_free(u);

    /* A C 3x4 matrix seen transposed and reversed through byte strides. */
    double m[3][4];
    for (int i = 0; i < 3; i++)
        for (int j = 0; j < 4; j++) m[i][j] = 10 * i + j;
    nd_dtype *f8 = nd_dtype_new(ND_FLOAT64);
    int64_t tshape[2] = {4, 3}, tstrides[2] = {8, 32};
    nd_array *t = nd_array_wrap(&m[0][0], f8, 2, tshape, tstrides, true, NULL, NULL);
    CHECK(nd_array_flags(t) & ND_FLAG_F_CONTIGUOUS);
    int64_t ij[2] = {3, 2};
    double d = 0;
    CHECK(nd_array_get_f64(t, 2, ij, &d) == ND_OK && d == 23);
    int64_t rshape[1] = {4}, rstrides[1] = {-8};
    nd_array *r = nd_array_wrap(&m[1][3], f8, 1, rshape, rstrides, true, NULL, NULL);
    char *s = nd_array_repr(r);
    CHECK(strcmp(s, "array([13., 12., 11., 10.])") == 0);
    nd_string_free(s);
    nd_array *c = nd_array_copy(t, ND_ORDER_C);
    CHECK(nd_array_strides(c)[0] == 24 && nd_array_strides(c)[1] == 8);
    CHECK(nd_array_get_f64(c, 2, ij, &d) == ND_OK && d == 23);
    nd_array *k = nd_array_copy(t, ND_ORDER_K);
    CHECK(nd_array_strides(k)[0] == 8 && nd_array_strides(k)[1] == 32);
    nd_array_free(k);
    nd_array_free(c);
    nd_array_free(r);
    nd_array_free(t);
    nd_dtype_free(f8);
    nd_dtype_free(i32);
}

static void test_from_data_copies(void) {
    nd_dtype *i16 = nd_dtype_new(ND_INT16);
    int16_t mem[6] = {1, 2, 3, 4, 5, 6};
    int64_t shape[2] = {2, 3};
    nd_array *a = nd_array_from_data(mem, i16, 2, shape, NULL);
    CHECK(nd_array_data(a) != mem);
    CHECK(nd_array_flags(a) & ND_FLAG_OWNDATA);
    mem[0] = 100;
    int64_t i0[2] = {0, 0};
    int64_t v = 0;
    CHECK(nd_array_get_i64(a, 2, i0, &v) == ND_OK && v == 1);
    nd_array_free(a);
    nd_dtype_free(i16);
}

/* Several threads read, cast and copy one shared handle at once. */
struct shared_work {
    const nd_array *a;
    int ok;
};

static void *cast_many(void *arg) {
    struct shared_work *w = arg;
    nd_dtype *i32 = nd_dtype_new(ND_INT32);
    w->ok = 1;
    for (int rep = 0; rep < 200; rep++) {
        nd_array *c = nd_astype(w->a, i32, ND_CASTING_UNSAFE);
        int64_t i = rep % 1000, v = -1;
        if (!c || nd_array_get_i64(c, 1, &i, &v) != ND_OK || v != i) w->ok = 0;
        nd_array *view = nd_array_view(w->a);
        nd_array_free(c);
        nd_array_free(view);
    }
    nd_dtype_free(i32);
    return NULL;
}

static void test_threads_share_a_handle(void) {
    nd_array *a = nd_arange(0, 1000, 1, NULL);
    pthread_t t[4];
    struct shared_work w[4];
    for (int i = 0; i < 4; i++) {
        w[i].a = a;
        pthread_create(&t[i], NULL, cast_many, &w[i]);
    }
    for (int i = 0; i < 4; i++) {
        pthread_join(t[i], NULL);
        CHECK(w[i].ok);
    }
    nd_array_free(a);
}

int main(void) {
    test_threads_share_a_handle();
    test_release_once_after_last_view();
    test_failed_wrap_never_releases();
    test_read_only_buffer();
    test_unaligned_and_strided();
    test_from_data_copies();
    return check_summary("test_wrap");
}
