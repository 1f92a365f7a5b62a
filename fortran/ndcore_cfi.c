/* ndcore's Fortran descriptor shim: converts C descriptors (CFI_cdesc_t)
 * to and from ndcore arrays without copying. It is compiled against the
 * Fortran compiler's own ISO_Fortran_binding.h (gfortran and flang lay the
 * struct out differently), never re-declared elsewhere, and reaches ndcore
 * only through ndcore.h. fortran/ndcore.f90 declares its two functions:
 *
 *   nd_array *ndcore_cfi_wrap(const CFI_cdesc_t *x, bool writeable);
 *   int ndcore_cfi_pointer(const nd_array *a, CFI_cdesc_t *x);
 *
 * Errors go to ndcore's thread-local error slot (nd_set_error), so Fortran
 * reads them with nd_error_message() as for any ndcore call. */
#include <ISO_Fortran_binding.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "ndcore.h"

/* The interoperable Fortran types ndcore has, by CFI type code. Integer
 * codes of the same size name the same ndcore type, so duplicates among
 * the C aliases (int and int32_t) are harmless. */
static const struct {
    CFI_type_t cfi;
    int nd;
    const char *fortran;
} TYPES[] = {
    {CFI_type_Bool, ND_BOOL, "logical(c_bool)"},
    {CFI_type_int8_t, ND_INT8, "integer(c_int8_t)"},
    {CFI_type_int16_t, ND_INT16, "integer(c_int16_t)"},
    {CFI_type_int32_t, ND_INT32, "integer(c_int32_t)"},
    {CFI_type_int64_t, ND_INT64, "integer(c_int64_t)"},
    {CFI_type_float, ND_FLOAT32, "real(c_float)"},
    {CFI_type_double, ND_FLOAT64, "real(c_double)"},
    {CFI_type_float_Complex, ND_COMPLEX64, "complex(c_float_complex)"},
    {CFI_type_double_Complex, ND_COMPLEX128, "complex(c_double_complex)"},
};
#define NTYPES (sizeof TYPES / sizeof TYPES[0])

static int nd_type_of(CFI_type_t t) {
    for (size_t i = 0; i < NTYPES; i++)
        if (TYPES[i].cfi == t) return TYPES[i].nd;
    return -1;
}

static const char *fortran_name(int nd) {
    for (size_t i = 0; i < NTYPES; i++)
        if (TYPES[i].nd == nd) return TYPES[i].fortran;
    return "a type Fortran cannot name";
}

static int fail(nd_status status, const char *message) {
    nd_set_error(status, message);
    return status;
}

/* An ndcore array on the memory a Fortran array (contiguous, a section,
 * assumed-shape, allocatable or pointer) occupies: shape = the extents,
 * byte strides = the descriptor's sm, so a[i, j] is x(lb1 + i, lb2 + j)
 * and a contiguous Fortran array is an F-contiguous ndcore array. Sections
 * with negative or non-unit steps keep their strides. Writes through
 * ndcore fail unless `writeable`. No release callback: the Fortran array
 * must stay allocated (and have TARGET) while the handle lives. */
nd_array *ndcore_cfi_wrap(const CFI_cdesc_t *x, bool writeable) {
    char msg[160];
    if (x == NULL) {
        fail(ND_ERR_NULL, "the Fortran array descriptor is NULL");
        return NULL;
    }
    if (x->base_addr == NULL) {
        fail(ND_ERR_VALUE, "the Fortran array is not allocated or not associated");
        return NULL;
    }
    int nd = nd_type_of(x->type);
    if (nd < 0) {
        fail(ND_ERR_TYPE,
             "ndcore wraps Fortran arrays of logical(c_bool), integer(c_int8_t .. c_int64_t), "
             "real(c_float), real(c_double) and complex(c_float_complex, c_double_complex) only");
        return NULL;
    }
    if (x->rank > ND_MAXDIMS) {
        snprintf(msg, sizeof msg, "a Fortran array of rank %d has more than ND_MAXDIMS (%d) dimensions",
                 (int)x->rank, ND_MAXDIMS);
        fail(ND_ERR_VALUE, msg);
        return NULL;
    }
    int64_t shape[CFI_MAX_RANK], strides[CFI_MAX_RANK];
    for (int i = 0; i < x->rank; i++) {
        shape[i] = (int64_t)x->dim[i].extent;
        strides[i] = (int64_t)x->dim[i].sm;
    }
    nd_dtype *dt = nd_dtype_new(nd);
    nd_array *a = nd_array_wrap(x->base_addr, dt, (size_t)x->rank, shape, strides, writeable, NULL, NULL);
    nd_dtype_free(dt);
    return a;
}

/* Point the Fortran array pointer `x` (assumed-rank, pointer attribute) at
 * the elements of `a`, without copying: x(1 + i, 1 + j) is a[i, j], for
 * any strides (a C-ordered array is indexed as in C, not transposed). The
 * pointer's rank and type must be the array's. Returns ND_OK, or a status
 * with the message in nd_last_error (x left unchanged). */
int ndcore_cfi_pointer(const nd_array *a, CFI_cdesc_t *x) {
    char msg[200];
    if (a == NULL || x == NULL) return fail(ND_ERR_NULL, "argument 'a' or the Fortran pointer is NULL");
    if (x->attribute != CFI_attribute_pointer)
        return fail(ND_ERR_VALUE, "the Fortran argument must be an array pointer");
    int64_t ndim = nd_array_ndim(a);
    if (ndim != x->rank) {
        snprintf(msg, sizeof msg, "rank mismatch: the Fortran pointer has rank %d, the array has %lld dimensions",
                 (int)x->rank, (long long)ndim);
        return fail(ND_ERR_SHAPE, msg);
    }
    nd_dtype *dt = nd_array_dtype(a);
    int nd = nd_dtype_type(dt);
    char order = nd_dtype_byteorder(dt);
    nd_dtype_free(dt);
    if (order == '>' || order == '<')  /* '=' is native, '|' has no order */
        return fail(ND_ERR_TYPE, "the array is not in native byte order (byteswap it first)");
    if (nd != nd_type_of(x->type)) {
        snprintf(msg, sizeof msg, "type mismatch: the array's elements are %s, the Fortran pointer's are not",
                 fortran_name(nd));
        return fail(ND_ERR_TYPE, msg);
    }
    CFI_index_t extents[CFI_MAX_RANK], lower[CFI_MAX_RANK];
    int64_t elem = nd_array_itemsize(a);
    for (int i = 0; i < x->rank; i++) {
        extents[i] = (CFI_index_t)nd_array_dim(a, i);
        lower[i] = 1;
        int64_t s = nd_array_stride(a, i);
        if (s % elem != 0) {
            snprintf(msg, sizeof msg, "the array's byte stride %lld on axis %d is not a whole number of "
                     "elements, which a Fortran pointer cannot describe", (long long)s, i);
            return fail(ND_ERR_VALUE, msg);
        }
    }
    /* Describe the elements in a descriptor of our own, then point x at it
     * with lower bounds 1 (CFI_setpointer copies the strides). */
    CFI_CDESC_T(CFI_MAX_RANK) tmp;
    CFI_cdesc_t *t = (CFI_cdesc_t *)&tmp;
    int rc = CFI_establish(t, nd_array_data(a), CFI_attribute_other, x->type, (size_t)elem, x->rank, extents);
    if (rc != CFI_SUCCESS) return fail(ND_ERR_VALUE, "CFI_establish refused the array's description");
    for (int i = 0; i < x->rank; i++) t->dim[i].sm = (CFI_index_t)nd_array_stride(a, i);
    rc = CFI_setpointer(x, t, lower);
    if (rc != CFI_SUCCESS) return fail(ND_ERR_VALUE, "CFI_setpointer refused the array's description");
    return ND_OK;
}
