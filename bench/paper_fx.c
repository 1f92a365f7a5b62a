/* The paper's f(x) = x**2 - 3x + 4 through the C API, as NumPy evaluates
 * the Python expression: new arrays for x**2 and 3*x, then the subtraction
 * and the addition written into the x**2 temporary (NumPy's temporary
 * elision), all temporaries freed. x = arange(n) in float64.
 *
 * Usage: paper_fx N... ; prints "N seconds" per line, the best of runs
 * taken over about 0.2 s each. bench/compare.py runs it next to NumPy's
 * Python expression, so the C library's own time is seen without the
 * ctypes binding's per-call overhead. */
#define _POSIX_C_SOURCE 199309L
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "ndcore.h"

static double now(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

/* One evaluation; 0 on success. */
static int f_of_x(const nd_array *x, const nd_array *three, const nd_array *four) {
    nd_array *sq = nd_square(x, NULL);
    nd_array *tx = nd_multiply(three, x, NULL);
    if (!sq || !tx) {
        nd_array_free(sq);
        nd_array_free(tx);
        return 1;
    }
    nd_array *r1 = nd_subtract(sq, tx, sq);
    nd_array *r2 = nd_add(sq, four, sq);
    int bad = !r1 || !r2;
    nd_array_free(r1);
    nd_array_free(r2);
    nd_array_free(tx);
    nd_array_free(sq);
    return bad;
}

int main(int argc, char **argv) {
    nd_dtype *f8 = nd_dtype_new(ND_FLOAT64);
    nd_array *three = nd_scalar_int(3), *four = nd_scalar_int(4);
    for (int i = 1; i < argc; i++) {
        long n = atol(argv[i]);
        nd_array *x = nd_arange(0, (double)n, 1, f8);
        if (!x || f_of_x(x, three, four)) {
            fprintf(stderr, "paper_fx: %s\n", nd_last_error());
            return 1;
        }
        double best = 1e9;
        for (int rep = 0; rep < 7; rep++) {
            double start = now(), t = start;
            do {
                double t0 = now();
                if (f_of_x(x, three, four)) {
                    fprintf(stderr, "paper_fx: %s\n", nd_last_error());
                    return 1;
                }
                t = now();
                if (t - t0 < best) best = t - t0;
            } while (t - start < 0.03);
        }
        printf("%ld %.9f\n", n, best);
        nd_array_free(x);
    }
    nd_array_free(three);
    nd_array_free(four);
    nd_dtype_free(f8);
    return 0;
}
