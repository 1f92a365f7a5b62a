/* A program built against an installed ndcore (CMake or pkg-config): the
 * paper's f(x) = x**2 - 3x + 4 on a wrapped C buffer, checked against C. */
#include <math.h>
#include <stdio.h>

#include "ndcore.h"

int main(void) {
    double x[5] = {0, 1, 2, 3, 4};
    int64_t n = 5;
    nd_dtype *f8 = nd_dtype_new(ND_FLOAT64);
    nd_array *a = nd_array_wrap(x, f8, 1, &n, NULL, true, NULL, NULL);
    nd_array *two = nd_scalar_float(2.0), *three = nd_scalar_float(3.0), *four = nd_scalar_float(4.0);
    nd_array *sq = nd_power(a, two, NULL);
    nd_array *t = nd_multiply(a, three, NULL);
    nd_array *d = nd_subtract(sq, t, NULL);
    nd_array *f = nd_add(d, four, NULL);
    if (f == NULL) {
        fprintf(stderr, "ndcore failed: %s\n", nd_last_error());
        return 1;
    }
    int bad = NDCORE_VERSION_MAJOR != nd_version_major();
    const double *y = (const double *)nd_array_data(f);
    for (int i = 0; i < 5; i++) bad |= fabs(y[i] - (x[i] * x[i] - 3 * x[i] + 4)) > 0;
    printf("ndcore %s: f(x) = %g %g %g %g %g%s\n", nd_version(), y[0], y[1], y[2], y[3], y[4],
           bad ? " (WRONG)" : "");
    nd_array *all[] = {a, two, three, four, sq, t, d, f};
    for (size_t i = 0; i < sizeof all / sizeof all[0]; i++) nd_array_free(all[i]);
    nd_dtype_free(f8);
    return bad;
}
