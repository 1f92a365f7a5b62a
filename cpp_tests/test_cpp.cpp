// The C++ layer: ownership (move-only, freed once), views outliving their
// base, values against hand-computed results, errors as nd::result and as
// exceptions with the C API's status and message.
#include <cstdio>
#include <cstring>
#include <string>
#include <type_traits>
#include <utility>

#include "ndcore.hpp"
#include "check.h"  // c_tests/check.h: the C tests' CHECK and summary

nd::array make_grid();  // helper.cpp

static_assert(!std::is_copy_constructible<nd::array>::value, "arrays are move-only");
static_assert(std::is_nothrow_move_constructible<nd::array>::value, "moves never throw");

int main() {
    nd::array g = make_grid();
    CHECK(g.ndim() == 2 && g.shape() == (std::vector<int64_t>{2, 3}));
    CHECK(g.strides() == (std::vector<int64_t>{24, 8}));
    CHECK(g.at({1, 2}) == 5);

    // A view outlives its base; writes through it reach the same memory.
    nd::array t = g.T();
    {
        nd::array moved = std::move(g);
        CHECK(!g && moved);
        moved.set({0, 1}, 42);
    }
    CHECK(t.at({1, 0}) == 42 && t.shape() == (std::vector<int64_t>{3, 2}));

    nd::array s = t + t;
    CHECK(s.at({1, 0}) == 84 && s.at({2, 1}) == 10);
    nd::array d = s / t;
    CHECK(d.at({2, 1}) == 2);
    CHECK(s.repr() == "array([[ 0.,  6.],\n       [84.,  8.],\n       [ 4., 10.]])");

    // Errors without exceptions: nd::result carries status and message.
    nd::dtype f8 = nd::dtype::of(ND_FLOAT64);
    auto bad = nd::array::try_zeros(f8, {3, -1});
    CHECK(!bad && bad.error_value().status() == ND_ERR_VALUE);
    CHECK(std::string(bad.error_value().what()) == "negative dimensions are not allowed");
    auto bad_dtype = nd::dtype::try_parse("<f3");
    CHECK(!bad_dtype && bad_dtype.error_value().status() == ND_ERR_DTYPE);
    auto mismatch = nd::try_add(t, nd::array::arange(0, 4, 1, f8));
    CHECK(!mismatch && std::strstr(mismatch.error_value().what(), "could not be broadcast"));

    // ... and as exceptions.
    bool thrown = false;
    try {
        (void)t.at({3, 0});
    } catch (const nd::error &e) {
        thrown = e.status() == ND_ERR_INDEX &&
                 std::string(e.what()) == "index 3 is out of bounds for axis 0 with size 3";
    }
    CHECK(thrown);
    thrown = false;
    try {
        (void)nd::load("/nonexistent/x.npy");
    } catch (const nd::error &e) {
        thrown = e.status() == ND_ERR_IO;
    }
    CHECK(thrown);

    // release() hands the handle to C, which frees it.
    nd_array *raw = s.release();
    CHECK(!s && raw != nullptr);
    nd_array_free(raw);

    return check_summary("test_cpp");
}
