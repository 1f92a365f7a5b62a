/* dtypes: builtin, parsed, printed, records, promotion and casting. */
#include <stdlib.h>

#include "check.h"

/* nd_dtype_str of the dtype parsed from `in` equals `out`. */
static void check_round_trip(const char *in, const char *out) {
    nd_dtype *d = nd_dtype_from_string(in);
    CHECK(d != NULL);
    if (!d) return;
    char *s = nd_dtype_str(d);
    CHECK(s && strcmp(s, out) == 0);
    if (s && strcmp(s, out) != 0) fprintf(stderr, "  %s -> %s, expected %s\n", in, s, out);
    nd_dtype *again = nd_dtype_from_string(s);
    CHECK(nd_dtype_equal(d, again));
    nd_string_free(s);
    nd_dtype_free(again);
    nd_dtype_free(d);
}

static void test_parse_and_print(void) {
    check_round_trip("float64", "<f8");
    check_round_trip("<f8", "<f8");
    check_round_trip(">i4", ">i4");
    check_round_trip("?", "|b1");
    check_round_trip("u1", "|u1");
    check_round_trip(">i1", "|i1");
    check_round_trip("complex64", "<c8");
    check_round_trip("e", "<f2");
    check_round_trip("[('time','<u8'),('pos',[('x','<f8'),('y','<f8')])]",
                     "[('time', '<u8'), ('pos', [('x', '<f8'), ('y', '<f8')])]");
    check_round_trip("[('a', '<f4', (2, 3))]", "[('a', '<f4', (2, 3))]");
    check_round_trip("{'names': ['a', 'b'], 'formats': ['u1', '<f8'], 'offsets': [8, 0]}",
                     "{'names': ['a', 'b'], 'formats': ['u1', '<f8'], 'offsets': [8, 0], 'itemsize': 9}");
    check_round_trip("[('flag', '?'), ('n', 'i1'), ('x', '>f4')]", "[('flag', '?'), ('n', 'i1'), ('x', '>f4')]");
}

static void test_introspection(void) {
    nd_dtype *d = nd_dtype_from_string(">c16");
    CHECK(nd_dtype_type(d) == ND_COMPLEX128);
    CHECK(nd_dtype_itemsize(d) == 16);
    CHECK(nd_dtype_alignment(d) == 8);
    CHECK(nd_dtype_byteorder(d) == '>');
    CHECK(nd_dtype_kind(d) == 'c');
    char *name = nd_dtype_name(d);
    CHECK(strcmp(name, "complex128") == 0);
    nd_string_free(name);
    nd_dtype *native = nd_dtype_newbyteorder(d, '=');
    CHECK(nd_dtype_byteorder(native) == '=');
    nd_dtype *swapped = nd_dtype_newbyteorder(native, 'S');
    CHECK(nd_dtype_equal(swapped, d));
    nd_dtype_free(swapped);
    nd_dtype_free(native);
    nd_dtype_free(d);

    nd_dtype *r = nd_dtype_from_string("[('time','<u8'),('pos',[('x','<f8'),('y','<f8')])]");
    CHECK(nd_dtype_type(r) == ND_RECORD);
    CHECK(nd_dtype_kind(r) == 'V');
    CHECK(nd_dtype_itemsize(r) == 24);
    CHECK(nd_dtype_nfields(r) == 2);
    int64_t off = -1;
    char *fname = NULL;
    nd_dtype *pos = nd_dtype_field(r, 1, &off, &fname);
    CHECK(pos && off == 8 && strcmp(fname, "pos") == 0);
    CHECK(nd_dtype_nfields(pos) == 2);
    nd_string_free(fname);
    CHECK(nd_dtype_field(r, 2, &off, NULL) == NULL);
    CHECK_ERROR(ND_ERR_INDEX, "out of range");
    CHECK(nd_dtype_field(pos, -1, NULL, NULL) == NULL);
    CHECK_ERROR(ND_ERR_INDEX, "out of range");
    nd_dtype *f8 = nd_dtype_new(ND_FLOAT64);
    CHECK(nd_dtype_field(f8, 0, NULL, NULL) == NULL);
    CHECK_ERROR(ND_ERR_TYPE, "has no fields");
    name = nd_dtype_name(r);
    CHECK(strcmp(name, "void192") == 0);
    nd_string_free(name);
    nd_dtype_free(pos);
    nd_dtype_free(r);
    nd_dtype_free(f8);
}

static void test_record_builder(void) {
    nd_dtype *u1 = nd_dtype_new(ND_UINT8), *f8 = nd_dtype_new(ND_FLOAT64);
    const char *names[2] = {"flag", "value"};
    const nd_dtype *types[2] = {u1, f8};
    nd_dtype *aligned = nd_dtype_record(2, names, types, NULL, 0, true);
    CHECK(nd_dtype_itemsize(aligned) == 16 && nd_dtype_alignment(aligned) == 8);
    nd_dtype *packed = nd_dtype_record(2, names, types, NULL, 0, false);
    CHECK(nd_dtype_itemsize(packed) == 9 && nd_dtype_alignment(packed) == 1);
    nd_dtype *parsed = nd_dtype_from_string_aligned("[('flag','u1'),('value','<f8')]");
    CHECK(nd_dtype_equal(parsed, aligned));
    char *s = nd_dtype_str(aligned);
    CHECK(strstr(s, "'aligned': True") != NULL);
    nd_string_free(s);

    int64_t overlapping[2] = {0, 0};
    CHECK(nd_dtype_record(2, names, types, overlapping, 0, false) == NULL);
    CHECK_ERROR(ND_ERR_DTYPE, "overlap");
    int64_t offsets[2] = {0, 4};
    CHECK(nd_dtype_record(2, names, types, offsets, 0, true) == NULL);
    CHECK_ERROR(ND_ERR_DTYPE, "not a multiple of its alignment");
    CHECK(nd_dtype_record(2, names, types, offsets, 8, false) == NULL);
    CHECK_ERROR(ND_ERR_DTYPE, "too small");
    const char *dup[2] = {"a", "a"};
    CHECK(nd_dtype_record(2, dup, types, NULL, 0, false) == NULL);
    CHECK_ERROR(ND_ERR_DTYPE, "more than once");

    int64_t sub_shape[2] = {2, 3};
    nd_dtype *sub = nd_dtype_subarray(f8, 2, sub_shape);
    CHECK(nd_dtype_type(sub) == ND_SUBARRAY && nd_dtype_itemsize(sub) == 48);
    int64_t bad_shape[1] = {-2};
    CHECK(nd_dtype_subarray(f8, 1, bad_shape) == NULL);
    CHECK_ERROR(ND_ERR_VALUE, "negative dimensions");

    nd_dtype_free(sub);
    nd_dtype_free(parsed);
    nd_dtype_free(packed);
    nd_dtype_free(aligned);
    nd_dtype_free(u1);
    nd_dtype_free(f8);
}

static void test_bad_strings(void) {
    const char *bad[] = {"<f3", "", "int33", "f 8", "[('a','<f8')", "[('a','<f8'),('a','<i4')]",
                         "{'names':['a','b'],'formats':['<f8','<f8'],'offsets':[0,4]}",
                         "[('a', __import__('os'))]", "((((", "[('a','<f8',(-1,))]"};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        nd_clear_error();
        CHECK(nd_dtype_from_string(bad[i]) == NULL);
        CHECK(nd_last_status() == ND_ERR_DTYPE);
    }
    CHECK(nd_dtype_from_string("<f3") == NULL);
    CHECK(strcmp(nd_last_error(), "data type '<f3' not understood") == 0);
    CHECK(nd_dtype_from_string("g") == NULL);
    CHECK_ERROR(ND_ERR_UNSUPPORTED, "long double");
}

static void test_promotion_and_casting(void) {
    struct { const char *a, *b, *r; } cases[] = {
        {"i1", "u1", "<i2"}, {"u8", "i8", "<f8"}, {"i2", "f2", "<f4"}, {"i4", "c8", "<c16"},
        {">i4", ">i4", "<i4"}, {"?", "u2", "<u2"}, {"f2", "c8", "<c8"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        const nd_dtype *pair[2] = {nd_dtype_from_string(cases[i].a), nd_dtype_from_string(cases[i].b)};
        nd_dtype *r = nd_result_type(2, pair);
        char *s = nd_dtype_str(r);
        CHECK(s && strcmp(s, cases[i].r) == 0);
        nd_string_free(s);
        nd_dtype_free(r);
        nd_dtype_free((nd_dtype *)pair[0]);
        nd_dtype_free((nd_dtype *)pair[1]);
    }
    CHECK(nd_result_type(0, NULL) == NULL);
    CHECK_ERROR(ND_ERR_TYPE, "at least one");

    nd_dtype *i8 = nd_dtype_new(ND_INT64), *u1 = nd_dtype_new(ND_UINT8), *f8 = nd_dtype_new(ND_FLOAT64);
    CHECK(nd_can_cast(i8, f8, ND_CASTING_SAFE));
    CHECK(!nd_can_cast(f8, i8, ND_CASTING_SAME_KIND));
    CHECK(nd_can_cast(f8, i8, ND_CASTING_UNSAFE));
    CHECK(nd_can_cast(u1, i8, ND_CASTING_SAFE));
    CHECK(!nd_can_cast(i8, u1, ND_CASTING_SAME_KIND));
    CHECK(!nd_can_cast(i8, u1, ND_CASTING_NO));
    CHECK(nd_can_cast(i8, i8, ND_CASTING_NO));
    nd_dtype_free(i8);
    nd_dtype_free(u1);
    nd_dtype_free(f8);
}

int main(void) {
    test_parse_and_print();
    test_introspection();
    test_record_builder();
    test_bad_strings();
    test_promotion_and_casting();
    return check_summary("test_dtype");
}
