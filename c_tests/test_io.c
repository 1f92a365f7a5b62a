/* Files: memory maps in every mode (checked against the bytes on disk read
 * with stdio), .npy save/load round trips and malformed files, raw record
 * files with fromfile/tofile, frombuffer over caller memory. */
#define _POSIX_C_SOURCE 200809L
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "check.h"

static char dir[64];

static const char *path_of(const char *name) {
    static char buf[4][128];
    static int next;
    char *p = buf[next++ % 4];
    snprintf(p, 128, "%s/%s", dir, name);
    return p;
}

static long file_size(const char *path) {
    struct stat st;
    return stat(path, &st) == 0 ? (long)st.st_size : -1;
}

static void write_bytes(const char *path, const void *data, size_t n) {
    FILE *f = fopen(path, "wb");
    CHECK(f != NULL);
    if (!f) return;
    CHECK(fwrite(data, 1, n, f) == n);
    fclose(f);
}

/* The file's int64 at element `i` (native order), by stdio. */
static int64_t file_i64(const char *path, long i) {
    int64_t v = -12345;
    FILE *f = fopen(path, "rb");
    if (!f) return v;
    if (fseek(f, i * 8, SEEK_SET) != 0 || fread(&v, 8, 1, f) != 1) v = -12345;
    fclose(f);
    return v;
}

static int64_t get_i64(const nd_array *a, int64_t i, int64_t j) {
    int64_t idx[2] = {i, j}, v = -1;
    CHECK(nd_array_get_i64(a, 2, idx, &v) == ND_OK);
    return v;
}

static nd_array *row(const nd_array *a, int64_t r) {
    nd_index it = {ND_INDEX_INT, r, 0, 0, NULL};
    return nd_array_index(a, 1, &it);
}

/* The paper's memmap example: a (300, 300) int64 map filled with arange,
 * flushed, reopened r+, row 100 doubled, flushed, checked on disk. */
static void test_memmap_paper(void) {
    const char *p = path_of("paper.dat");
    nd_dtype *i8 = nd_dtype_new(ND_INT64);
    int64_t shape[2] = {300, 300};
    nd_array *m = nd_memmap(p, i8, "w+", 0, 2, shape, ND_ORDER_C);
    CHECK(m != NULL);
    CHECK(file_size(p) == 300 * 300 * 8);
    CHECK(get_i64(m, 299, 299) == 0); /* w+ starts from zeros */
    nd_array *r = nd_arange(0, 90000, 1, i8);
    nd_array *r2 = nd_reshape(r, 2, shape, ND_ORDER_C);
    CHECK(nd_copyto(m, r2, ND_CASTING_SAME_KIND) == ND_OK);
    CHECK(nd_array_flush(m, false) == ND_OK);
    CHECK(file_i64(p, 100 * 300 + 7) == 100 * 300 + 7);
    nd_array_free(m);
    nd_array_free(r2);
    nd_array_free(r);

    m = nd_memmap(p, i8, "r+", 0, 2, shape, ND_ORDER_C);
    nd_array *row100 = row(m, 100);
    nd_array *two = nd_scalar_int(2);
    nd_array_free(nd_multiply(row100, two, row100));
    CHECK(nd_array_flush(m, true) == ND_OK);
    nd_array_free(row100);
    nd_array_free(two);
    nd_array_free(m);
    int ok = 1;
    for (long i = 0; i < 90000; i++) {
        int64_t want = (i / 300 == 100) ? 2 * i : i;
        if (file_i64(p, i) != want) ok = 0;
        if (!ok) break;
    }
    CHECK(ok);

    /* Without a shape: the rest of the file from the offset, 1-d. */
    m = nd_memmap(p, i8, "r", 8 * 300, 0, NULL, ND_ORDER_C);
    CHECK(m != NULL && nd_array_size(m) == 299 * 300);
    int64_t idx[1] = {0}, v = -1;
    CHECK(nd_array_get_i64(m, 1, idx, &v) == ND_OK && v == 300);
    /* Read-only: writes fail and the file keeps its bytes. */
    nd_clear_error();
    CHECK(nd_array_set_i64(m, 1, idx, 5) != ND_OK);
    CHECK_ERROR(ND_ERR_READONLY, "read-only");
    CHECK(nd_array_flush(m, false) == ND_OK);
    CHECK(file_i64(p, 300) == 300);
    nd_array_free(m);
    nd_dtype_free(i8);
}

static void test_memmap_modes(void) {
    const char *p = path_of("modes.dat");
    nd_dtype *i8 = nd_dtype_new(ND_INT64);
    int64_t vals[6] = {0, 1, 2, 3, 4, 5};
    write_bytes(p, vals, sizeof vals);
    int64_t shape[2] = {2, 3};

    /* Fortran order: element (i, j) is file element i + 2 j. */
    nd_array *f = nd_memmap(p, i8, "r", 0, 2, shape, ND_ORDER_F);
    CHECK(f != NULL && get_i64(f, 1, 2) == 5 && get_i64(f, 1, 0) == 1 && get_i64(f, 0, 1) == 2);
    nd_array_free(f);

    /* Copy-on-write: the array changes, the file does not. */
    nd_array *c = nd_memmap(p, i8, "c", 0, 2, shape, ND_ORDER_C);
    int64_t idx[2] = {1, 1};
    CHECK(nd_array_set_i64(c, 2, idx, 99) == ND_OK);
    CHECK(get_i64(c, 1, 1) == 99);
    CHECK(nd_array_flush(c, true) == ND_OK);
    CHECK(file_i64(p, 4) == 4);

    /* A view keeps the map alive after its base is freed. */
    nd_array *r1 = row(c, 1);
    nd_array_free(c);
    int64_t j[1] = {1}, v = -1;
    CHECK(nd_array_get_i64(r1, 1, j, &v) == ND_OK && v == 99);
    nd_array_free(r1);

    /* An offset that is not a multiple of the page size, and r+ writes. */
    int64_t one[1] = {2};
    nd_array *m = nd_memmap(p, i8, "readwrite", 24, 1, one, ND_ORDER_C);
    int64_t k[1] = {1};
    CHECK(nd_array_set_i64(m, 1, k, -7) == ND_OK);
    CHECK(nd_array_flush(m, false) == ND_OK);
    CHECK(file_i64(p, 4) == -7);
    nd_array_free(m);

    /* r+ extends a short file with zeros, as NumPy does; r refuses it. */
    int64_t big[1] = {10};
    nd_clear_error();
    CHECK(nd_memmap(p, i8, "r", 0, 1, big, ND_ORDER_C) == NULL);
    CHECK_ERROR(ND_ERR_VALUE, "too short");
    CHECK(nd_memmap(p, i8, "c", 8, 1, big, ND_ORDER_C) == NULL);
    CHECK_ERROR(ND_ERR_VALUE, "too short");
    CHECK(file_size(p) == 48);
    m = nd_memmap(p, i8, "r+", 0, 1, big, ND_ORDER_C);
    CHECK(m != NULL && file_size(p) == 80);
    int64_t last[1] = {9};
    CHECK(nd_array_get_i64(m, 1, last, &v) == ND_OK && v == 0);
    nd_array_free(m);
    nd_dtype_free(i8);
}

static void test_memmap_bad_input(void) {
    const char *p = path_of("bad.dat");
    nd_dtype *i8 = nd_dtype_new(ND_INT64);
    int64_t vals[3] = {1, 2, 3}, shape[1] = {3};
    write_bytes(p, vals, 20); /* 2.5 items */

    nd_clear_error();
    CHECK(nd_memmap(path_of("missing.dat"), i8, "r", 0, 1, shape, ND_ORDER_C) == NULL);
    CHECK_ERROR(ND_ERR_IO, "[Errno 2] No such file or directory");
    CHECK(nd_memmap(dir, i8, "r", 0, 0, NULL, ND_ORDER_C) == NULL);
    CHECK_ERROR(ND_ERR_IO, "Is a directory");
    CHECK(nd_memmap(p, i8, "rw", 0, 1, shape, ND_ORDER_C) == NULL);
    CHECK_ERROR(ND_ERR_VALUE, "mode must be one of");
    CHECK(nd_memmap(p, i8, "r", -8, 1, shape, ND_ORDER_C) == NULL);
    CHECK_ERROR(ND_ERR_VALUE, "offset must be non-negative");
    CHECK(nd_memmap(p, i8, "r", 0, 0, NULL, ND_ORDER_C) == NULL);
    CHECK_ERROR(ND_ERR_VALUE, "not a multiple of the data-type size");
    CHECK(nd_memmap(p, i8, "r", 64, 0, NULL, ND_ORDER_C) == NULL);
    CHECK_ERROR(ND_ERR_VALUE, "past the end of the file");
    CHECK(nd_memmap(path_of("new.dat"), i8, "w+", 0, 0, NULL, ND_ORDER_C) == NULL);
    CHECK_ERROR(ND_ERR_VALUE, "shape must be given if mode == 'w+'");
    CHECK(file_size(path_of("new.dat")) == -1);
    int64_t neg[1] = {-1};
    CHECK(nd_memmap(p, i8, "r", 0, 1, neg, ND_ORDER_C) == NULL);
    CHECK_ERROR(ND_ERR_VALUE, "negative dimensions");
    CHECK(nd_memmap(p, i8, "r", 0, 1, shape, ND_ORDER_K) == NULL);
    CHECK_ERROR(ND_ERR_VALUE, "ND_ORDER_C or ND_ORDER_F");
    CHECK(nd_memmap(NULL, i8, "r", 0, 1, shape, ND_ORDER_C) == NULL);
    CHECK_ERROR(ND_ERR_NULL, "path");
    CHECK(nd_memmap(p, NULL, "r", 0, 1, shape, ND_ORDER_C) == NULL);
    CHECK_ERROR(ND_ERR_NULL, "dtype");
    CHECK(nd_memmap(p, i8, NULL, 0, 1, shape, ND_ORDER_C) == NULL);
    CHECK_ERROR(ND_ERR_NULL, "mode");
    CHECK(nd_array_flush(NULL, false) == ND_ERR_NULL);
    /* No data was lost by any of these. */
    CHECK(file_size(p) == 20);
    /* A file without write permission opened r+ (root may open anyway). */
    if (geteuid() != 0) {
        chmod(p, 0400);
        CHECK(nd_memmap(p, i8, "r+", 0, 0, NULL, ND_ORDER_C) == NULL);
        CHECK_ERROR(ND_ERR_IO, "Permission denied");
        chmod(p, 0600);
    }
    /* An empty region maps nothing but is a valid empty array. */
    int64_t zero[1] = {0};
    nd_array *e = nd_memmap(p, i8, "r", 0, 1, zero, ND_ORDER_C);
    CHECK(e != NULL && nd_array_size(e) == 0);
    nd_array_free(e);
    nd_dtype_free(i8);
}

static void test_npy_round_trip(void) {
    const char *p = path_of("a.npy");
    nd_dtype *f8 = nd_dtype_new(ND_FLOAT64);
    int64_t shape[2] = {3, 4};
    nd_array *r = nd_arange(0, 12, 1, f8);
    nd_array *a = nd_reshape(r, 2, shape, ND_ORDER_C);
    CHECK(nd_save(p, a) == ND_OK);
    /* The header NumPy writes for this array: 128 bytes in all. */
    const char want[] = "\x93NUMPY\x01\x00v\x00{'descr': '<f8', 'fortran_order': False, 'shape': (3, 4), }";
    char got[128] = {0};
    FILE *fp = fopen(p, "rb");
    CHECK(fp && fread(got, 1, 128, fp) == 128);
    if (fp) fclose(fp);
    CHECK(memcmp(got, want, sizeof want - 1) == 0);
    CHECK(got[127] == '\n' && got[126] == ' ');
    CHECK(file_size(p) == 128 + 96);

    for (int mm = 0; mm < 2; mm++) {
        nd_array *b = nd_load(p, mm ? "r" : NULL);
        CHECK(b != NULL && nd_array_ndim(b) == 2 && nd_array_shape(b)[1] == 4);
        int64_t idx[2] = {2, 3};
        double d = 0;
        CHECK(nd_array_get_f64(b, 2, idx, &d) == ND_OK && d == 11);
        CHECK(((nd_array_flags(b) & ND_FLAG_WRITEABLE) != 0) == (mm == 0));
        nd_array_free(b);
    }

    /* Fortran order is kept, and the transposed view saves as F. */
    nd_array *t = nd_transpose(a, 0, NULL);
    CHECK(nd_save(p, t) == ND_OK);
    nd_array *b = nd_load(p, NULL);
    CHECK((nd_array_flags(b) & ND_FLAG_F_CONTIGUOUS) && !(nd_array_flags(b) & ND_FLAG_C_CONTIGUOUS));
    int64_t idx[2] = {3, 1};
    double d = 0;
    CHECK(nd_array_get_f64(b, 2, idx, &d) == ND_OK && d == 7);
    nd_array_free(b);

    /* A non-contiguous view is written in C order. */
    nd_index every_other[2] = {{ND_INDEX_SLICE, ND_NONE, ND_NONE, 2, NULL},
                               {ND_INDEX_SLICE, ND_NONE, ND_NONE, -1, NULL}};
    nd_array *s = nd_array_index(a, 2, every_other);
    CHECK(nd_save(p, s) == ND_OK);
    b = nd_load(p, NULL);
    int64_t i10[2] = {1, 0};
    CHECK(nd_array_get_f64(b, 2, i10, &d) == ND_OK && d == 11);
    nd_array_free(b);

    /* Big-endian records with nested and sub-array fields. */
    nd_dtype *rec = nd_dtype_from_string("[('time', '>u8'), ('pos', [('x', '<f8'), ('y', '<f8')]), ('v', '<i2', (2,))]");
    int64_t two[1] = {2};
    nd_array *z = nd_zeros(rec, 1, two, ND_ORDER_C);
    nd_array *time = nd_array_field(z, "time");
    int64_t one[1] = {1};
    CHECK(nd_array_set_u64(time, 1, one, 258) == ND_OK);
    CHECK(nd_save(p, z) == ND_OK);
    b = nd_load(p, "c");
    nd_dtype *bd = nd_array_dtype(b);
    CHECK(nd_dtype_equal(bd, rec));
    nd_array *bt = nd_array_field(b, "time");
    uint64_t u = 0;
    CHECK(nd_array_get_u64(bt, 1, one, &u) == ND_OK && u == 258);
    unsigned char *raw = nd_array_data(b);
    CHECK(raw[28 + 6] == 1 && raw[28 + 7] == 2); /* record 1, big-endian */
    nd_array_free(bt);
    nd_dtype_free(bd);
    nd_array_free(b);
    nd_array_free(time);
    nd_array_free(z);
    nd_dtype_free(rec);

    /* 0-d and empty arrays. */
    double two_and_half = 2.5;
    nd_array *zero_d = nd_full(f8, 0, NULL, ND_ORDER_C, &two_and_half, f8);
    CHECK(nd_save(p, zero_d) == ND_OK);
    b = nd_load(p, NULL);
    CHECK(b != NULL && nd_array_ndim(b) == 0);
    CHECK(nd_array_get_f64(b, 0, NULL, &d) == ND_OK && d == 2.5);
    nd_array_free(b);
    nd_array_free(zero_d);
    int64_t e_shape[2] = {0, 3};
    nd_array *e = nd_zeros(f8, 2, e_shape, ND_ORDER_C);
    CHECK(nd_save(p, e) == ND_OK);
    b = nd_load(p, "r");
    CHECK(b != NULL && nd_array_size(b) == 0 && nd_array_shape(b)[1] == 3);
    nd_array_free(b);
    nd_array_free(e);

    nd_array_free(s);
    nd_array_free(t);
    nd_array_free(a);
    nd_array_free(r);
    nd_dtype_free(f8);
}

/* A valid header for '<f8', shape (2,), then `data` bytes of data. */
static void write_npy(const char *path, const char *dict, const char *version, size_t data) {
    char buf[512];
    size_t hlen = strlen(dict);
    memcpy(buf, "\x93NUMPY", 6);
    memcpy(buf + 6, version, 2);
    buf[8] = (char)(hlen & 0xff);
    buf[9] = (char)(hlen >> 8);
    memcpy(buf + 10, dict, hlen);
    memset(buf + 10 + hlen, 0, data);
    write_bytes(path, buf, 10 + hlen + data);
}

static void test_npy_bad_files(void) {
    const char *p = path_of("bad.npy");
    const char *good = "{'descr': '<f8', 'fortran_order': False, 'shape': (2,), }\n";
    write_npy(p, good, "\x01\x00", 16);
    nd_array *a = nd_load(p, NULL);
    CHECK(a != NULL && nd_array_size(a) == 2);
    nd_array_free(a);

    struct {
        const char *dict, *version;
        size_t data;
        nd_status status;
        const char *message;
    } cases[] = {
        {good, "\x01\x00", 8, ND_ERR_VALUE, "EOF: reading array data, expected 16 bytes got 8"},
        {good, "\x04\x00", 16, ND_ERR_VALUE, "we only support format version"},
        {"{'descr': '<f8', 'fortran_order': False}", "\x01\x00", 16, ND_ERR_VALUE, "Header does not contain the correct keys: ['descr', 'fortran_order']"},
        {"{'descr': '<f8', 'fortran_order': False, 'shape': (2,), 'x': 1}", "\x01\x00", 16, ND_ERR_VALUE, "correct keys"},
        {"['descr', '<f8']", "\x01\x00", 16, ND_ERR_VALUE, "Header is not a dictionary"},
        {"{'descr': '<f8', 'fortran_order': False, 'shape': (2,", "\x01\x00", 16, ND_ERR_VALUE, "Cannot parse header"},
        {"{'descr': '<f8', 'fortran_order': 0, 'shape': (2,)}", "\x01\x00", 16, ND_ERR_VALUE, "fortran_order is not a valid bool"},
        {"{'descr': '<f8', 'fortran_order': False, 'shape': (-2,)}", "\x01\x00", 16, ND_ERR_VALUE, "shape is not valid"},
        {"{'descr': '<f8', 'fortran_order': False, 'shape': [2]}", "\x01\x00", 16, ND_ERR_VALUE, "shape is not valid"},
        {"{'descr': 'x9', 'fortran_order': False, 'shape': (2,)}", "\x01\x00", 16, ND_ERR_VALUE, "descr is not a valid dtype descriptor"},
        {"{'descr': '|O', 'fortran_order': False, 'shape': (2,)}", "\x01\x00", 16, ND_ERR_UNSUPPORTED, "Object arrays cannot be loaded"},
        {"{'descr': '<f8', 'fortran_order': False, 'shape': (2**62,)}", "\x01\x00", 16, ND_ERR_VALUE, "Cannot parse header"},
        {"{'descr': '<f8', 'fortran_order': False, 'shape': (4611686018427387904, 4)}", "\x01\x00", 16, ND_ERR_OVERFLOW, "too big"},
        {"{'descr': __import__('os').system('true'), 'fortran_order': False, 'shape': (2,)}", "\x01\x00", 16, ND_ERR_VALUE, "Cannot parse header"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        write_npy(p, cases[i].dict, cases[i].version, cases[i].data);
        for (int mm = 0; mm < 2; mm++) {
            nd_clear_error();
            nd_array *b = nd_load(p, mm ? "r" : NULL);
            CHECK(b == NULL);
            if (b) nd_array_free(b);
            if (mm && cases[i].data == 8) {
                /* Mapped: the short file is caught before mapping. */
                CHECK_ERROR(ND_ERR_VALUE, "too short");
                continue;
            }
            if (nd_last_status() != cases[i].status || !strstr(nd_last_error(), cases[i].message))
                fprintf(stderr, "case %zu: %s\n", i, nd_last_error());
            CHECK_ERROR(cases[i].status, cases[i].message);
        }
    }
    /* Bad magic, a truncated prefix, a header longer than allowed. */
    write_bytes(p, "\x93NUMPX\x01\x00", 8);
    CHECK(nd_load(p, NULL) == NULL);
    CHECK_ERROR(ND_ERR_VALUE, "the magic string is not correct");
    write_bytes(p, "\x93NUM", 4);
    CHECK(nd_load(p, NULL) == NULL);
    CHECK_ERROR(ND_ERR_VALUE, "EOF: reading magic string, expected 8 bytes got 4");
    write_bytes(p, "\x93NUMPY\x02\x00\xff\xff\xff\x7f{}", 14);
    CHECK(nd_load(p, NULL) == NULL);
    CHECK_ERROR(ND_ERR_VALUE, "is large and may not be safe");
    write_bytes(p, "\x93NUMPY\x01\x00\x40\x00{'descr'", 17);
    CHECK(nd_load(p, NULL) == NULL);
    CHECK_ERROR(ND_ERR_VALUE, "EOF: reading array header");
    CHECK(nd_load(p, "w+") == NULL);
    CHECK_ERROR(ND_ERR_VALUE, "mmap_mode 'w+'");
    CHECK(nd_load(path_of("none.npy"), NULL) == NULL);
    CHECK_ERROR(ND_ERR_IO, "No such file");
    /* Saving into a missing directory fails cleanly. */
    nd_dtype *f8 = nd_dtype_new(ND_FLOAT64);
    nd_array *x = nd_arange(0, 3, 1, f8);
    CHECK(nd_save(path_of("no/such/dir.npy"), x) == ND_ERR_IO);
    CHECK(nd_save(p, NULL) == ND_ERR_NULL);
    nd_array_free(x);
    nd_dtype_free(f8);
}

/* The paper's record file: (time, pos.x, pos.y) written by C, read with one
 * fromfile call, positions of the records with time >= 2 selected. */
struct record {
    uint64_t time;
    double x, y;
};

static void test_record_file(void) {
    const char *p = path_of("records.bin");
    struct record recs[4] = {{0, 1.5, -1}, {1, 2.5, -2}, {2, 3.5, -3}, {3, 4.5, -4}};
    write_bytes(p, recs, sizeof recs);
    nd_dtype *rec = nd_dtype_from_string("[('time', '<u8'), ('pos', [('x', '<f8'), ('y', '<f8')])]");
    nd_array *a = nd_fromfile(p, rec, -1, 0);
    CHECK(a != NULL && nd_array_size(a) == 4);
    nd_array *time = nd_array_field(a, "time");
    nd_array *pos = nd_array_field(a, "pos");
    nd_array *two = nd_scalar_uint(2);
    nd_array *mask = nd_greater_equal(time, two, NULL);
    nd_index sel = {ND_INDEX_ARRAY, 0, 0, 0, mask};
    nd_array *late = nd_array_getitem(pos, 1, &sel);
    CHECK(late != NULL && nd_array_size(late) == 2);
    nd_array *lx = nd_array_field(late, "x");
    int64_t i1[1] = {1};
    double d = 0;
    CHECK(nd_array_get_f64(lx, 1, i1, &d) == ND_OK && d == 4.5);

    /* count and offset, and fewer items than asked for (NumPy's rule). */
    nd_array *b = nd_fromfile(p, rec, 2, sizeof(struct record));
    CHECK(b != NULL && nd_array_size(b) == 2);
    nd_array_free(b);
    b = nd_fromfile(p, rec, 10, 3 * sizeof(struct record));
    CHECK(b != NULL && nd_array_size(b) == 1);
    nd_array_free(b);
    nd_clear_error();
    CHECK(nd_fromfile(p, rec, -1, 1000) == NULL);
    CHECK_ERROR(ND_ERR_VALUE, "past the end");
    CHECK(nd_fromfile(p, rec, -2, 0) == NULL);
    CHECK_ERROR(ND_ERR_VALUE, "count must be");
    CHECK(nd_fromfile(path_of("nothing.bin"), rec, -1, 0) == NULL);
    CHECK_ERROR(ND_ERR_IO, "No such file");

    /* tofile writes C order whatever the layout: the reversed view. */
    nd_index rev = {ND_INDEX_SLICE, ND_NONE, ND_NONE, -1, NULL};
    nd_array *back = nd_array_index(a, 1, &rev);
    CHECK(nd_array_tofile(back, path_of("rev.bin")) == ND_OK);
    struct record got[4];
    FILE *f = fopen(path_of("rev.bin"), "rb");
    CHECK(f && fread(got, sizeof got[0], 4, f) == 4);
    if (f) fclose(f);
    CHECK(got[0].time == 3 && got[3].x == 1.5 && got[1].y == -3);
    CHECK(nd_array_tofile(back, path_of("no/dir.bin")) == ND_ERR_IO);

    nd_array_free(back);
    nd_array_free(lx);
    nd_array_free(late);
    nd_array_free(mask);
    nd_array_free(two);
    nd_array_free(pos);
    nd_array_free(time);
    nd_array_free(a);
    nd_dtype_free(rec);
}

static int released;
static void count_release(void *ctx) {
    (void)ctx;
    released++;
}

static void test_frombuffer(void) {
    char mem[8] = "abcdefg";
    nd_dtype *i2 = nd_dtype_from_string("<i2");
    released = 0;
    nd_array *a = nd_frombuffer(mem, 8, i2, -1, 0, true, count_release, NULL);
    CHECK(a != NULL && nd_array_size(a) == 4);
    int64_t i0[1] = {0}, v = 0;
    CHECK(nd_array_get_i64(a, 1, i0, &v) == ND_OK && v == ('a' | 'b' << 8));
    CHECK(nd_array_set_i64(a, 1, i0, 'z' | 'y' << 8) == ND_OK && mem[0] == 'z');
    nd_array_free(a);
    CHECK(released == 1);
    a = nd_frombuffer(mem, 8, i2, 2, 2, false, NULL, NULL);
    CHECK(a != NULL && nd_array_size(a) == 2);
    CHECK(nd_array_get_i64(a, 1, i0, &v) == ND_OK && v == ('c' | 'd' << 8));
    CHECK(nd_array_set_i64(a, 1, i0, 0) == ND_ERR_READONLY);
    nd_array_free(a);

    released = 0;
    nd_clear_error();
    CHECK(nd_frombuffer(mem, 7, i2, -1, 0, false, count_release, NULL) == NULL);
    CHECK_ERROR(ND_ERR_VALUE, "buffer size must be a multiple of element size");
    CHECK(nd_frombuffer(mem, 7, i2, -1, 8, false, count_release, NULL) == NULL);
    CHECK_ERROR(ND_ERR_VALUE, "offset must be non-negative and no greater than buffer length (7)");
    CHECK(nd_frombuffer(mem, 8, i2, 5, 0, false, count_release, NULL) == NULL);
    CHECK_ERROR(ND_ERR_VALUE, "buffer is smaller than requested size");
    CHECK(nd_frombuffer(NULL, 8, i2, -1, 0, false, count_release, NULL) == NULL);
    CHECK_ERROR(ND_ERR_NULL, "data");
    CHECK(released == 0); /* a failed call never releases */
    nd_dtype_free(i2);
}

static void test_byteswap(void) {
    uint32_t v[2] = {0x01020304u, 0xa0b0c0d0u};
    nd_dtype *u4 = nd_dtype_new(ND_UINT32);
    int64_t two[1] = {2};
    nd_array *a = nd_array_wrap(v, u4, 1, two, NULL, true, NULL, NULL);
    nd_array *s = nd_array_byteswap(a, false);
    const uint32_t *sv = nd_array_data(s);
    CHECK(sv[0] == 0x04030201u && sv[1] == 0xd0c0b0a0u && v[0] == 0x01020304u);
    nd_array *t = nd_array_byteswap(a, true);
    CHECK(t != NULL && v[1] == 0xd0c0b0a0u);
    /* complex: each half reversed on its own. */
    float c[2] = {1.0f, -2.0f};
    nd_dtype *c8 = nd_dtype_new(ND_COMPLEX64);
    int64_t one[1] = {1};
    nd_array *z = nd_array_wrap(c, c8, 1, one, NULL, false, NULL, NULL);
    nd_array *zs = nd_array_byteswap(z, false);
    const unsigned char *zb = nd_array_data(zs), *cb = (const unsigned char *)c;
    int ok = 1;
    for (int i = 0; i < 4; i++) ok &= zb[i] == cb[3 - i] && zb[4 + i] == cb[7 - i];
    CHECK(ok);
    nd_clear_error();
    CHECK(nd_array_byteswap(z, true) == NULL);
    CHECK_ERROR(ND_ERR_READONLY, "read-only");
    CHECK(c[0] == 1.0f && c[1] == -2.0f);
    CHECK(nd_array_byteswap(NULL, false) == NULL);
    CHECK_ERROR(ND_ERR_NULL, "'a'");
    nd_array *hs[] = {a, s, t, z, zs};
    for (size_t i = 0; i < 5; i++) nd_array_free(hs[i]);
    nd_dtype_free(u4);
    nd_dtype_free(c8);
}

static void test_npz(void) {
    const char *p = path_of("a.npz");
    nd_dtype *f8 = nd_dtype_new(ND_FLOAT64);
    nd_array *x = nd_arange(0, 5, 1, f8), *y = nd_arange(10, 12, 1, f8);
    const nd_array *arrays[2] = {x, y};
    const char *names[2] = {"x", "why"};
    for (int compressed = 0; compressed < 2; compressed++) {
        CHECK(nd_savez(p, 2, names, arrays, compressed) == ND_OK);
        char *list = nd_npz_names(p);
        CHECK(list && strcmp(list, "x\nwhy") == 0);
        nd_string_free(list);
        nd_array *b = nd_npz_load(p, "why");
        int64_t i1[1] = {1};
        double d = 0;
        CHECK(b && nd_array_size(b) == 2 && nd_array_get_f64(b, 1, i1, &d) == ND_OK && d == 11);
        nd_array_free(b);
    }
    CHECK(nd_savez(p, 2, NULL, arrays, false) == ND_OK);
    char *list = nd_npz_names(p);
    CHECK(list && strcmp(list, "arr_0\narr_1") == 0);
    nd_string_free(list);
    nd_clear_error();
    CHECK(nd_npz_load(p, "x") == NULL);
    CHECK_ERROR(ND_ERR_VALUE, "x is not a file in the archive (it holds arr_0, arr_1)");
    CHECK(nd_load(p, NULL) == NULL);
    CHECK_ERROR(ND_ERR_VALUE, "this is a .npz archive");
    const char *twice[2] = {"a", "a"};
    CHECK(nd_savez(p, 2, twice, arrays, false) == ND_ERR_VALUE);
    CHECK(nd_savez(p, 2, names, NULL, false) == ND_ERR_NULL);
    CHECK(nd_npz_names(path_of("none.npz")) == NULL);
    CHECK_ERROR(ND_ERR_IO, "No such file");
    write_bytes(path_of("junk.npz"), "PK\x03\x04junk", 8);
    CHECK(nd_npz_names(path_of("junk.npz")) == NULL);
    CHECK_ERROR(ND_ERR_VALUE, "not a valid .npz file");
    nd_array_free(x);
    nd_array_free(y);
    nd_dtype_free(f8);
}

int main(void) {
    snprintf(dir, sizeof dir, "/tmp/ndcore-io-XXXXXX");
    if (!mkdtemp(dir)) {
        perror("mkdtemp");
        return 1;
    }
    test_memmap_paper();
    test_memmap_modes();
    test_memmap_bad_input();
    test_npy_round_trip();
    test_npy_bad_files();
    test_record_file();
    test_frombuffer();
    test_byteswap();
    test_npz();
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    if (system(cmd) != 0) fprintf(stderr, "could not remove %s\n", dir);
    return check_summary("test_io");
}
