// A second translation unit including ndcore.hpp: the header's inline
// functions must link from several units without duplicate symbols.
#include "ndcore.hpp"

nd::array make_grid() {
    nd::dtype f8 = nd::dtype::of(ND_FLOAT64);
    return nd::array::arange(0, 6, 1, f8).reshape({2, 3});
}
