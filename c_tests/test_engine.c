/* The loop engine on large arrays from C: work split across threads,
 * transposed operands read in tiles, outputs written in place, the
 * memory cache for freed results, and power's one-exponent shortcuts. */
#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>

#include "check.h"

int main(void) {
    nd_dtype *f8 = nd_dtype_new(ND_FLOAT64), *i4 = nd_dtype_new(ND_INT32);

    /* 2^20 elements: above the parallel threshold (2^18). */
    const int64_t n = 1 << 20;
    nd_array *a = nd_arange(0, (double)n, 1, f8);
    nd_array *b = nd_arange(0, 2.0 * (double)n, 2, f8);
    nd_array *s = nd_add(a, b, NULL);
    CHECK(s != NULL);
    const double *sv = nd_array_data(s);
    int bad = 0;
    for (int64_t i = 0; i < n; i++) bad += sv[i] != 3.0 * (double)i;
    CHECK(bad == 0);

    /* M.T + M for a 1000 x 1000 matrix (tiles with dense copies of M.T),
     * and for int32 (4-byte tiles). */
    nd_array *flat = nd_arange(0, 1e6, 1, f8);
    nd_array *m = nd_reshape(flat, 2, (int64_t[]){1000, 1000}, ND_ORDER_C);
    nd_array *mt = nd_transpose(m, 0, NULL);
    nd_array *sym = nd_add(mt, m, NULL);
    const double *y = nd_array_data(sym);
    bad = 0;
    for (int64_t i = 0; i < 1000; i++)
        for (int64_t j = 0; j < 1000; j++) bad += y[i * 1000 + j] != (double)(j * 1000 + i) + (double)(i * 1000 + j);
    CHECK(bad == 0);
    nd_array *fi = nd_arange(0, 1e6, 1, i4);
    nd_array *mi = nd_reshape(fi, 2, (int64_t[]){1000, 1000}, ND_ORDER_C);
    nd_array *mit = nd_transpose(mi, 0, NULL);
    nd_array *symi = nd_subtract(mit, mi, NULL);
    const int32_t *yi = nd_array_data(symi);
    bad = 0;
    for (int64_t i = 0; i < 1000; i++)
        for (int64_t j = 0; j < 1000; j++) bad += yi[i * 1000 + j] != (int32_t)(j * 1000 + i - (i * 1000 + j));
    CHECK(bad == 0);

    /* In place on a large array: a += a. */
    nd_array *same = nd_add(a, a, a);
    CHECK(same != NULL && nd_array_data(same) == nd_array_data(a));
    nd_array_free(same);
    const double *av = nd_array_data(a);
    CHECK(av[n - 1] == 2.0 * (double)(n - 1) && av[12345] == 24690.0);

    /* In place with a scalar operand on either side and odd lengths (the
     * dense loop's groups and tail): x = 0.5 * x, then x = 3 - x. */
    for (int64_t len = 1; len <= 41; len += 4) {
        nd_array *x = nd_arange(0, (double)len, 1, f8);
        nd_array *half = nd_scalar_float(0.5), *three = nd_scalar_float(3.0);
        nd_array *r1 = nd_multiply(half, x, x);
        nd_array *r2 = nd_subtract(three, x, x);
        CHECK(r1 != NULL && r2 != NULL && nd_array_data(r2) == nd_array_data(x));
        const double *xv = nd_array_data(x);
        bad = 0;
        for (int64_t i = 0; i < len; i++) bad += xv[i] != 3.0 - 0.5 * (double)i;
        CHECK(bad == 0);
        nd_array_free(r1);
        nd_array_free(r2);
        nd_array_free(half);
        nd_array_free(three);
        nd_array_free(x);
    }

    /* Freed results are reused: same size, same address, correct values. */
    void *first = nd_array_data(s);
    nd_array_free(s);
    s = nd_multiply(b, b, NULL);
    CHECK(nd_array_data(s) == first);
    sv = nd_array_data(s);
    CHECK(sv[3] == 36.0 && sv[n - 1] == 4.0 * (double)(n - 1) * (double)(n - 1));
    nd_array_free(s);
    nd_release_cached_memory();
    s = nd_zeros(f8, 1, &n, ND_ORDER_C);
    sv = nd_array_data(s);
    bad = 0;
    for (int64_t i = 0; i < n; i++) bad += sv[i] != 0.0;
    CHECK(bad == 0); /* zeros never take a dirty block */
    nd_release_cached_memory();
    nd_release_cached_memory(); /* twice is fine */

    /* power: one exponent 0.5 is sqrt (NumPy's loop: (-0.0)**0.5 == -0.0,
     * (-inf)**0.5 is NaN), 2 is square; an array of exponents calls pow. */
    nd_array *v = nd_full(f8, 1, (int64_t[]){3}, ND_ORDER_C, (double[]){-0.0}, NULL);
    double *vv = nd_array_data(v);
    vv[1] = -INFINITY;
    vv[2] = 3.0;
    nd_array *half = nd_scalar_float(0.5);
    nd_array *p = nd_power(v, half, NULL);
    const double *pv = nd_array_data(p);
    CHECK(pv[0] == 0.0 && signbit(pv[0]) && isnan(pv[1]) && pv[2] == sqrt(3.0));
    nd_array *halves = nd_full(f8, 1, (int64_t[]){3}, ND_ORDER_C, (double[]){0.5}, NULL);
    nd_array *pp = nd_power(v, halves, NULL);
    pv = nd_array_data(pp);
    CHECK(pv[0] == 0.0 && !signbit(pv[0]) && pv[1] == INFINITY && pv[2] == pow(3.0, 0.5));

    /* Small calls with 0-d operands (read with step 0): a Python-like
     * scalar, a 0-d array, in place, and a 0-d view into `out` itself,
     * which must be read as if copied first. */
    nd_array *ten = nd_arange(0, 10, 1, f8), *three = nd_scalar_int(3);
    nd_array *t3 = nd_multiply(three, ten, NULL);
    const double *t3v = nd_array_data(t3);
    bad = 0;
    for (int i = 0; i < 10; i++) bad += t3v[i] != 3.0 * i;
    CHECK(bad == 0 && nd_array_ndim(t3) == 1);
    nd_dtype *i1 = nd_dtype_new(ND_INT8);
    nd_array *i8s = nd_arange(0, 10, 1, i1), *big = nd_scalar_int(300);
    CHECK(nd_add(i8s, big, NULL) == NULL && nd_last_status() == ND_ERR_OVERFLOW);
    nd_dtype_free(i1);
    nd_array *inplace = nd_add(ten, three, ten);
    CHECK(inplace != NULL && ((const double *)nd_array_data(ten))[9] == 12.0);
    nd_index at4 = {ND_INDEX_INT, 4, 0, 0, NULL};
    nd_array *e4 = nd_array_index(ten, 1, &at4); /* 0-d view of ten[4] == 7 */
    CHECK(e4 != NULL && nd_array_ndim(e4) == 0);
    nd_array *shifted = nd_add(ten, e4, ten);
    const double *tv = nd_array_data(ten);
    bad = 0;
    for (int i = 0; i < 10; i++) bad += tv[i] != (3.0 + i) + 7.0;
    CHECK(bad == 0);
    nd_array *both0 = nd_multiply(e4, e4, NULL);
    CHECK(both0 != NULL && nd_array_ndim(both0) == 0 && *(const double *)nd_array_data(both0) == 196.0); /* ten[4] is now 14 */

    /* Long reduce runs fold in halves on two threads: max finds a NaN in
     * the right half, an int32 sum (cast to int64 in blocks) is exact,
     * and any() stops at the first true. */
    nd_array *bigf = nd_arange(0, (double)n, 1, f8);
    ((double *)nd_array_data(bigf))[n - 5] = NAN;
    nd_array *mx = nd_max(bigf, NULL);
    CHECK(mx != NULL && isnan(*(const double *)nd_array_data(mx)));
    ((double *)nd_array_data(bigf))[n - 5] = 0.0;
    nd_array *mx2 = nd_max(bigf, NULL);
    CHECK(mx2 != NULL && *(const double *)nd_array_data(mx2) == (double)(n - 1));
    nd_array *bigi = nd_arange(0, (double)n, 1, i4);
    nd_array *si = nd_sum(bigi, NULL);
    CHECK(si != NULL && *(const int64_t *)nd_array_data(si) == (int64_t)n * (n - 1) / 2);
    nd_array *any = nd_any(bigi, NULL);
    CHECK(any != NULL && *(const bool *)nd_array_data(any));

    nd_array *handles[] = {a, b, s, flat, m, mt, sym, fi, mi, mit, symi, v, half, p, halves, pp,
                           bigf, mx, mx2, bigi, si, any,
                           ten, three, t3, i8s, big, inplace, e4, shifted, both0};
    for (size_t i = 0; i < sizeof handles / sizeof *handles; i++) nd_array_free(handles[i]);
    nd_dtype_free(f8);
    nd_dtype_free(i4);
    return check_summary("test_engine");
}
