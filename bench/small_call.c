/* Time a 10-element float64 add called from C (nd_add with a new result,
 * into an existing out=, and with a weak scalar operand as Python's
 * `x + 3.0` passes it), the per-call cost of the ufunc machinery, a
 * 10-element nd_sum, the per-call cost of a reduction, and a 3x3 matrix
 * times a 3-vector (nd_matmul, new result), the per-call cost of a product.
 * Then the general paths' per-call costs: a broadcast add (3,1) + (1,4), an
 * add of two 10-element views with step 2, and the sum of a (4,3) array
 * over axis 0. Prints nanoseconds per call; `make bench` runs it. */
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

/* Time `calls` calls of `expr` (each result freed) and keep the fastest
 * run's time per call in `best`. */
#define TIMED(best, expr)                                                      \
    do {                                                                       \
        double t0 = now();                                                     \
        for (int i = 0; i < calls; i++) nd_array_free(expr);                   \
        double dt = (now() - t0) / calls;                                      \
        if (dt < (best)) (best) = dt;                                          \
    } while (0)

int main(void) {
    nd_dtype *f8 = nd_dtype_new(ND_FLOAT64);
    nd_array *a = nd_arange(0, 10, 1, f8), *b = nd_arange(0, 20, 2, f8);
    nd_array *out = nd_arange(0, 10, 1, f8);
    nd_array *three = nd_scalar_float(3.0);
    nd_array *nine = nd_arange(0, 9, 1, f8), *vec = nd_arange(0, 3, 1, f8);
    nd_array *mat = nd_reshape(nine, 2, (int64_t[]){3, 3}, ND_ORDER_C);
    if (!mat || !vec) {
        fprintf(stderr, "small_call: %s\n", nd_last_error());
        return 1;
    }
    /* The best of many short runs: the machine is shared, and a run that
     * is interrupted only loses its own repetition. */
    const int calls = getenv("CALLS") ? atoi(getenv("CALLS")) : 20000;
    const int reps = getenv("REPS") ? atoi(getenv("REPS")) : 50;
    const nd_reduce_args whole = {0};
    const nd_reduce_args axis0 = {.axes = (int64_t[]){0}, .naxes = 1};
    nd_array *col = nd_reshape(vec, 2, (int64_t[]){3, 1}, ND_ORDER_C);
    nd_array *four = nd_arange(0, 4, 1, f8);
    nd_array *row = four ? nd_reshape(four, 2, (int64_t[]){1, 4}, ND_ORDER_C) : NULL;
    nd_array *twenty = nd_arange(0, 20, 1, f8);
    nd_index step2 = {ND_INDEX_SLICE, ND_NONE, ND_NONE, 2, NULL};
    nd_array *stepped = twenty ? nd_array_index(twenty, 1, &step2) : NULL;
    nd_array *twelve = nd_arange(0, 12, 1, f8);
    nd_array *m43 = twelve ? nd_reshape(twelve, 2, (int64_t[]){4, 3}, ND_ORDER_C) : NULL;
    if (!col || !row || !stepped || !m43) {
        fprintf(stderr, "small_call: %s\n", nd_last_error());
        return 1;
    }
    double best_new = 1e9, best_out = 1e9, best_scalar = 1e9, best_sum = 1e9, best_mv = 1e9;
    double best_bcast = 1e9, best_step = 1e9, best_axis = 1e9;
    for (int rep = 0; rep < reps; rep++) {
        TIMED(best_new, nd_add(a, b, NULL));
        TIMED(best_out, nd_add(a, b, out));
        TIMED(best_scalar, nd_add(a, three, NULL));
        TIMED(best_sum, nd_sum(a, &whole));
        TIMED(best_mv, nd_matmul(mat, vec, NULL));
        TIMED(best_bcast, nd_add(col, row, NULL));
        TIMED(best_step, nd_add(stepped, stepped, NULL));
        TIMED(best_axis, nd_sum(m43, &axis0));
    }
    printf("10-element add from C: %.0f ns per call (new result), %.0f ns (into out=, incl. freeing the returned view), "
           "%.0f ns (a + weak scalar 3.0, new result)\n"
           "10-element sum from C: %.0f ns per call\n"
           "3x3 @ 3 matmul from C: %.0f ns per call (new result)\n",
           best_new * 1e9, best_out * 1e9, best_scalar * 1e9, best_sum * 1e9, best_mv * 1e9);
    printf("general paths from C: %.0f ns per (3,1) + (1,4) add, %.0f ns per add of two 10-element "
           "step-2 views, %.0f ns per sum of a (4,3) array over axis 0\n",
           best_bcast * 1e9, best_step * 1e9, best_axis * 1e9);
    nd_array_free(m43);
    nd_array_free(twelve);
    nd_array_free(stepped);
    nd_array_free(twenty);
    nd_array_free(row);
    nd_array_free(four);
    nd_array_free(col);
    nd_array_free(mat);
    nd_array_free(nine);
    nd_array_free(vec);
    nd_array_free(three);
    nd_array_free(a);
    nd_array_free(b);
    nd_array_free(out);
    nd_dtype_free(f8);
    return 0;
}
