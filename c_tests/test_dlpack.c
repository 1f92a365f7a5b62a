/* DLPack: exports read back field by field, producer tensors imported with
 * their deleters counted, both directions sharing memory, and every bad
 * input refused with its message. Run plainly and under ASan. */
#include <stdint.h>
#include <stdlib.h>

#include "ndcore_dlpack.h"
#include "check.h"

#define ND_NONE_ INT64_MIN

static double get(const nd_array *a, size_t n, const int64_t *idx) {
    double v = -999.0;
    CHECK(nd_array_get_f64(a, n, idx, &v) == ND_OK);
    return v;
}

/* 2x3 float64 0..5 */
static nd_array *grid(void) {
    nd_dtype *f8 = nd_dtype_new(ND_FLOAT64);
    nd_array *r = nd_arange(0, 6, 1, f8);
    int64_t shape[2] = {2, 3};
    nd_array *g = nd_reshape(r, 2, shape, ND_ORDER_C);
    nd_array_free(r);
    nd_dtype_free(f8);
    return g;
}

static void test_export_fields(void) {
    nd_array *g = grid();
    DLManagedTensorVersioned *t = nd_array_to_dlpack(g, false);
    CHECK(t != NULL);
    CHECK(t->version.major == 1 && t->version.minor == 1);
    CHECK(t->flags == 0);
    CHECK(t->deleter != NULL);
    const DLTensor *d = &t->dl_tensor;
    CHECK(d->device.device_type == kDLCPU && d->device.device_id == 0);
    CHECK(d->ndim == 2);
    CHECK(d->dtype.code == kDLFloat && d->dtype.bits == 64 && d->dtype.lanes == 1);
    CHECK(d->shape[0] == 2 && d->shape[1] == 3);
    CHECK(d->strides[0] == 3 && d->strides[1] == 1);
    CHECK(d->byte_offset == 0);
    CHECK(d->data == nd_array_data(g));
    /* The tensor keeps the memory alive after the array is freed. */
    nd_array_free(g);
    const double *p = (const double *)d->data;
    CHECK(p[0] == 0.0 && p[5] == 5.0);
    t->deleter(t);

    /* A transposed view: strides in elements, swapped. */
    g = grid();
    nd_array *gt = nd_transpose(g, 0, NULL);
    t = nd_array_to_dlpack(gt, false);
    CHECK(t != NULL);
    CHECK(t->dl_tensor.shape[0] == 3 && t->dl_tensor.shape[1] == 2);
    CHECK(t->dl_tensor.strides[0] == 1 && t->dl_tensor.strides[1] == 3);
    t->deleter(t);
    nd_array_free(gt);

    /* A reversed row: a negative stride, data at element zero. */
    nd_index items[2] = {{ND_INDEX_INT, 1, 0, 1, NULL},
                         {ND_INDEX_SLICE, ND_NONE_, ND_NONE_, -1, NULL}};
    nd_array *rev = nd_array_index(g, 2, items);
    CHECK(rev != NULL);
    t = nd_array_to_dlpack(rev, false);
    CHECK(t != NULL);
    CHECK(t->dl_tensor.ndim == 1 && t->dl_tensor.strides[0] == -1);
    CHECK(*(double *)t->dl_tensor.data == 5.0);
    CHECK(((double *)t->dl_tensor.data)[-2] == 3.0);
    t->deleter(t);

    /* Read-only arrays carry the flag; copy=true gives a fresh C copy. */
    nd_array *ro = nd_array_view_readonly(rev);
    t = nd_array_to_dlpack(ro, false);
    CHECK(t != NULL && t->flags == DLPACK_FLAG_BITMASK_READ_ONLY);
    t->deleter(t);
    t = nd_array_to_dlpack(ro, true);
    CHECK(t != NULL && t->flags == DLPACK_FLAG_BITMASK_IS_COPIED);
    CHECK(t->dl_tensor.strides[0] == 1);
    CHECK(t->dl_tensor.data != nd_array_data(ro));
    CHECK(((double *)t->dl_tensor.data)[0] == 5.0 && ((double *)t->dl_tensor.data)[2] == 3.0);
    t->deleter(t);

    /* Legacy export: fields alike, read-only arrays refused. */
    DLManagedTensor *l = nd_array_to_dlpack_legacy(g);
    CHECK(l != NULL);
    CHECK(l->dl_tensor.ndim == 2 && l->dl_tensor.strides[0] == 3);
    CHECK(l->dl_tensor.data == nd_array_data(g));
    l->deleter(l);
    CHECK(nd_array_to_dlpack_legacy(ro) == NULL);
    CHECK_ERROR(ND_ERR_READONLY, "cannot export a read-only array as a legacy DLPack tensor");
    nd_array_free(ro);
    nd_array_free(rev);
    nd_array_free(g);
}

static void test_export_dtypes(void) {
    static const struct {
        int type;
        uint8_t code, bits;
    } table[] = {
        {ND_BOOL, kDLBool, 8},        {ND_INT8, kDLInt, 8},        {ND_UINT8, kDLUInt, 8},
        {ND_INT16, kDLInt, 16},       {ND_UINT16, kDLUInt, 16},    {ND_INT32, kDLInt, 32},
        {ND_UINT32, kDLUInt, 32},     {ND_INT64, kDLInt, 64},      {ND_UINT64, kDLUInt, 64},
        {ND_FLOAT16, kDLFloat, 16},   {ND_FLOAT32, kDLFloat, 32},  {ND_FLOAT64, kDLFloat, 64},
        {ND_COMPLEX64, kDLComplex, 64}, {ND_COMPLEX128, kDLComplex, 128},
    };
    for (size_t i = 0; i < sizeof table / sizeof table[0]; i++) {
        nd_dtype *dt = nd_dtype_new(table[i].type);
        int64_t shape[1] = {4};
        nd_array *a = nd_ones(dt, 1, shape, ND_ORDER_C);
        DLManagedTensorVersioned *t = nd_array_to_dlpack(a, false);
        CHECK(t != NULL);
        CHECK(t->dl_tensor.dtype.code == table[i].code);
        CHECK(t->dl_tensor.dtype.bits == table[i].bits);
        /* And back: the same dtype, the same memory. */
        nd_array *b = nd_from_dlpack(t);
        CHECK(b != NULL);
        nd_dtype *bt = nd_array_dtype(b);
        CHECK(nd_dtype_equal(bt, dt));
        CHECK(nd_array_data(b) == nd_array_data(a));
        nd_dtype_free(bt);
        nd_array_free(b);
        nd_array_free(a);
        nd_dtype_free(dt);
    }
}

static void test_export_refused(void) {
    CHECK(nd_array_to_dlpack(NULL, false) == NULL);
    CHECK_ERROR(ND_ERR_NULL, "'a'");
    nd_dtype *rec = nd_dtype_from_string("[('t','<u8'),('x','<f8'),('k','<i4')]");
    int64_t shape[1] = {3};
    nd_array *r = nd_zeros(rec, 1, shape, ND_ORDER_C);
    CHECK(nd_array_to_dlpack(r, false) == NULL);
    CHECK_ERROR(ND_ERR_TYPE, "structured");
    /* The float64 field's stride is 20 bytes: not whole elements (with a
     * copy it works). The int32 field's is 5 elements. */
    nd_array *x = nd_array_field(r, "x");
    CHECK(x != NULL);
    CHECK(nd_array_to_dlpack(x, false) == NULL);
    CHECK_ERROR(ND_ERR_VALUE, "byte stride 20 of axis 0 is not a multiple of the itemsize 8");
    CHECK(nd_array_to_dlpack_legacy(x) == NULL);
    CHECK_ERROR(ND_ERR_VALUE, "not a multiple of the itemsize");
    DLManagedTensorVersioned *t = nd_array_to_dlpack(x, true);
    CHECK(t != NULL && t->dl_tensor.strides[0] == 1);
    if (t) t->deleter(t);
    nd_array *k = nd_array_field(r, "k");
    t = nd_array_to_dlpack(k, false);
    CHECK(t != NULL && t->dl_tensor.strides[0] == 5);
    CHECK(t != NULL && (char *)t->dl_tensor.data == (char *)nd_array_data(r) + 16);
    if (t) t->deleter(t);
    nd_dtype *be = nd_dtype_from_string(">f8");
    nd_array *b = nd_zeros(be, 1, shape, ND_ORDER_C);
    CHECK(nd_array_to_dlpack(b, false) == NULL);
    CHECK_ERROR(ND_ERR_TYPE, "non-native byte order");
    nd_array_free(b);
    nd_dtype_free(be);
    nd_array_free(x);
    nd_array_free(k);
    nd_array_free(r);
    nd_dtype_free(rec);
}

static void test_double_delete(void) {
    nd_array *g = grid();
    DLManagedTensorVersioned *t = nd_array_to_dlpack(g, false);
    nd_array_free(g);
    nd_clear_error();
    /* The deleter is read before the first call: the tensor is gone after. */
    void (*del)(DLManagedTensorVersioned *) = t->deleter;
    del(t);
    CHECK(nd_last_status() == ND_OK);
    del(t); /* refused, not a double free */
    CHECK_ERROR(ND_ERR_VALUE, "already deleted");
    g = grid();
    DLManagedTensor *l = nd_array_to_dlpack_legacy(g);
    nd_array_free(g);
    void (*del_legacy)(DLManagedTensor *) = l->deleter;
    del_legacy(l);
    del_legacy(l);
    CHECK_ERROR(ND_ERR_VALUE, "already deleted");
}

/* ---- a producer of our own, counting its deleter calls */

static int deleted;
static float store[12];
static int64_t p_shape[2] = {3, 2};
static int64_t p_strides[2] = {1, 3};

static void producer_delete(DLManagedTensorVersioned *self) {
    deleted++;
    CHECK(self->manager_ctx == (void *)store);
}

static void producer_delete_legacy(DLManagedTensor *self) {
    deleted++;
    CHECK(self->manager_ctx == (void *)store);
}

static DLManagedTensorVersioned producer(void) {
    DLManagedTensorVersioned t;
    memset(&t, 0, sizeof t);
    t.version.major = 1;
    t.version.minor = 1;
    t.manager_ctx = store;
    t.deleter = producer_delete;
    t.dl_tensor.data = store;
    t.dl_tensor.device.device_type = kDLCPU;
    t.dl_tensor.ndim = 2;
    t.dl_tensor.dtype.code = kDLFloat;
    t.dl_tensor.dtype.bits = 32;
    t.dl_tensor.dtype.lanes = 1;
    t.dl_tensor.shape = p_shape;
    t.dl_tensor.strides = p_strides;
    return t;
}

static void test_import(void) {
    for (int i = 0; i < 12; i++) store[i] = (float)i;
    /* Fortran-ordered 3x2 over store[0..6]: element (i, j) is store[i + 3j]. */
    DLManagedTensorVersioned t = producer();
    deleted = 0;
    nd_array *a = nd_from_dlpack(&t);
    CHECK(a != NULL);
    CHECK(nd_array_ndim(a) == 2 && nd_array_dim(a, 0) == 3 && nd_array_dim(a, 1) == 2);
    CHECK(nd_array_stride(a, 0) == 4 && nd_array_stride(a, 1) == 12);
    CHECK(get(a, 2, (int64_t[]){2, 1}) == 5.0);
    CHECK(get(a, 2, (int64_t[]){1, 0}) == 1.0);
    /* Writes land in the producer's memory. */
    CHECK(nd_array_set_f64(a, 2, (int64_t[]){0, 1}, 30.0) == ND_OK);
    CHECK(store[3] == 30.0f);
    /* A view outlives the array; the deleter runs after the last one. */
    nd_array *v = nd_transpose(a, 0, NULL);
    nd_array_free(a);
    CHECK(deleted == 0);
    CHECK(get(v, 2, (int64_t[]){1, 2}) == 5.0);
    nd_array_free(v);
    CHECK(deleted == 1);

    /* NULL strides: C order; byte_offset honoured; read-only flag. */
    t = producer();
    t.dl_tensor.strides = NULL;
    t.dl_tensor.byte_offset = 2 * sizeof(float);
    t.flags = DLPACK_FLAG_BITMASK_READ_ONLY;
    a = nd_from_dlpack(&t);
    CHECK(a != NULL);
    CHECK(nd_array_stride(a, 0) == 8 && nd_array_stride(a, 1) == 4);
    CHECK(get(a, 2, (int64_t[]){0, 0}) == 2.0);
    CHECK(get(a, 2, (int64_t[]){2, 1}) == 7.0);
    CHECK(nd_array_set_f64(a, 2, (int64_t[]){0, 0}, 1.0) == ND_ERR_READONLY);
    nd_clear_error();
    CHECK(store[2] == 2.0f);
    nd_array_free(a);
    CHECK(deleted == 2);

    /* A 0-d tensor (shape may be NULL) and a NULL deleter. */
    t = producer();
    t.dl_tensor.ndim = 0;
    t.dl_tensor.shape = NULL;
    t.dl_tensor.strides = NULL;
    t.deleter = NULL;
    a = nd_from_dlpack(&t);
    CHECK(a != NULL && nd_array_ndim(a) == 0 && get(a, 0, NULL) == 0.0);
    nd_array_free(a);
    CHECK(deleted == 2);

    /* Legacy: the caller says whether it is writeable. */
    DLManagedTensor l;
    memset(&l, 0, sizeof l);
    l.dl_tensor = producer().dl_tensor;
    l.manager_ctx = store;
    l.deleter = producer_delete_legacy;
    a = nd_from_dlpack_legacy(&l, false);
    CHECK(a != NULL);
    CHECK(nd_array_set_f64(a, 2, (int64_t[]){0, 0}, 1.0) == ND_ERR_READONLY);
    nd_clear_error();
    nd_array_free(a);
    CHECK(deleted == 3);
    a = nd_from_dlpack_legacy(&l, true);
    CHECK(nd_array_set_f64(a, 2, (int64_t[]){1, 1}, -4.0) == ND_OK);
    CHECK(store[4] == -4.0f);
    nd_array_free(a);
    CHECK(deleted == 4);
}

static void test_import_refused(void) {
    deleted = 0;
    CHECK(nd_from_dlpack(NULL) == NULL);
    CHECK_ERROR(ND_ERR_NULL, "'t'");
    CHECK(nd_from_dlpack_legacy(NULL, true) == NULL);
    CHECK_ERROR(ND_ERR_NULL, "'t'");

    DLManagedTensorVersioned t = producer();
    t.version.major = 2;
    CHECK(nd_from_dlpack(&t) == NULL);
    CHECK_ERROR(ND_ERR_VALUE, "unsupported DLPack version 2.1");
    t = producer();
    t.version.major = 0;
    CHECK(nd_from_dlpack(&t) == NULL);
    CHECK_ERROR(ND_ERR_VALUE, "unsupported DLPack version 0.1");

    t = producer();
    t.dl_tensor.device.device_type = kDLCUDA;
    CHECK(nd_from_dlpack(&t) == NULL);
    CHECK_ERROR(ND_ERR_VALUE, "device type 2 is not CPU memory");

    t = producer();
    t.dl_tensor.dtype.lanes = 4;
    CHECK(nd_from_dlpack(&t) == NULL);
    CHECK_ERROR(ND_ERR_TYPE, "4 lanes");
    t = producer();
    t.dl_tensor.dtype.code = kDLBfloat;
    t.dl_tensor.dtype.bits = 16;
    CHECK(nd_from_dlpack(&t) == NULL);
    CHECK_ERROR(ND_ERR_TYPE, "bfloat16");
    t = producer();
    t.dl_tensor.dtype.code = kDLInt;
    t.dl_tensor.dtype.bits = 12;
    CHECK(nd_from_dlpack(&t) == NULL);
    CHECK_ERROR(ND_ERR_TYPE, "type code 0, 12 bits");
    t = producer();
    t.dl_tensor.dtype.code = kDLFloat8_e4m3fn;
    t.dl_tensor.dtype.bits = 8;
    CHECK(nd_from_dlpack(&t) == NULL);
    CHECK_ERROR(ND_ERR_TYPE, "unsupported DLPack data type");

    t = producer();
    t.dl_tensor.ndim = -1;
    CHECK(nd_from_dlpack(&t) == NULL);
    CHECK_ERROR(ND_ERR_VALUE, "negative ndim");
    t = producer();
    t.dl_tensor.ndim = 99;
    CHECK(nd_from_dlpack(&t) == NULL);
    CHECK(nd_last_status() != ND_OK);
    nd_clear_error();
    t = producer();
    t.dl_tensor.shape = NULL;
    CHECK(nd_from_dlpack(&t) == NULL);
    CHECK_ERROR(ND_ERR_NULL, "NULL shape");
    int64_t neg[2] = {3, -2};
    t = producer();
    t.dl_tensor.shape = neg;
    CHECK(nd_from_dlpack(&t) == NULL);
    CHECK_ERROR(ND_ERR_VALUE, "negative dimensions are not allowed");
    int64_t huge[2] = {INT64_MAX / 2, 1};
    t = producer();
    t.dl_tensor.strides = huge;
    CHECK(nd_from_dlpack(&t) == NULL);
    CHECK_ERROR(ND_ERR_OVERFLOW, "overflows");
    t = producer();
    t.dl_tensor.data = NULL;
    CHECK(nd_from_dlpack(&t) == NULL);
    CHECK_ERROR(ND_ERR_NULL, "NULL");

    DLManagedTensor l;
    memset(&l, 0, sizeof l);
    l.dl_tensor = producer().dl_tensor;
    l.dl_tensor.device.device_type = kDLROCM;
    l.deleter = producer_delete_legacy;
    CHECK(nd_from_dlpack_legacy(&l, false) == NULL);
    CHECK_ERROR(ND_ERR_VALUE, "device type 10");
    /* A refused tensor stays the caller's: its deleter was never called. */
    CHECK(deleted == 0);
}

int main(void) {
    test_export_fields();
    test_export_dtypes();
    test_export_refused();
    test_double_delete();
    test_import();
    test_import_refused();
    return check_summary("test_dlpack");
}
