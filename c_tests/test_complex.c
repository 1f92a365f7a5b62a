/* Complex transcendentals and complex power from C, against C99's own
 * complex functions (which NumPy also calls) and exact small cases. */
#include <complex.h>
#include <math.h>
#include <stdint.h>

#include "check.h"

int main(void) {
    nd_dtype *c16 = nd_dtype_new(ND_COMPLEX128);
    double complex v[4] = {0.5 + 1.0 * I, -2.0 + 0.25 * I, 3.0 - 4.0 * I, 0.0};
    int64_t n = 4;
    nd_array *z = nd_array_from_data(v, c16, 1, &n, NULL);

    nd_array *e = nd_exp(z, NULL), *l = nd_log(z, NULL), *s = nd_arcsinh(z, NULL);
    const double complex *ev = nd_array_data(e), *lv = nd_array_data(l), *sv = nd_array_data(s);
    for (int i = 0; i < 4; i++) {
        CHECK(ev[i] == cexp(v[i]));
        CHECK(sv[i] == casinh(v[i]));
    }
    CHECK(lv[0] == clog(v[0]) && creal(lv[3]) == -INFINITY);
    /* log10 is NumPy's clog scaled by log10(e), not C's formula. */
    nd_array *l10 = nd_log10(z, NULL);
    const double complex *l10v = nd_array_data(l10);
    CHECK(creal(l10v[2]) == creal(clog(v[2])) * 0.43429448190325182765);

    /* power: (1+i)^2 is exactly 2i; 0^-1 is NaN; z^0 is 1. */
    nd_array *base = nd_scalar_complex(1.0, 1.0);
    nd_array *two = nd_scalar_complex(2.0, 0.0), *m1 = nd_scalar_complex(-1.0, 0.0);
    nd_array *sq = nd_power(base, two, NULL);
    double re = -1, im = -1;
    CHECK(nd_array_get_c128(sq, 0, NULL, &re, &im) == ND_OK && re == 0.0 && im == 2.0);
    nd_array *inv = nd_power(z, m1, NULL);
    const double complex *iv = nd_array_data(inv);
    CHECK(isnan(creal(iv[3])) && isnan(cimag(iv[3])));
    CHECK(cabs(iv[2] - 1.0 / v[2]) < 1e-16);

    /* Complex arrays have no cbrt loop: NumPy's message. */
    CHECK(nd_cbrt(z, NULL) == NULL);
    CHECK_ERROR(ND_ERR_TYPE, "ufunc 'cbrt' not supported for the input types");

    nd_array *handles[] = {z, e, l, s, l10, base, two, m1, sq, inv};
    for (size_t i = 0; i < sizeof handles / sizeof *handles; i++) nd_array_free(handles[i]);
    nd_dtype_free(c16);
    return check_summary("test_complex");
}
