// The C++ layer from an installed ndcore: a view outliving its base.
#include <cstdio>

#include "ndcore.hpp"

int main() {
    nd::array t;
    {
        auto m = nd::array::arange(0, 6, 1, nd::dtype::of(ND_FLOAT64)).reshape({2, 3});
        t = m.T();
    }
    auto s = t + t;
    bool ok = s.shape() == std::vector<int64_t>{3, 2} && s.at({2, 1}) == 10.0 && s.at({1, 0}) == 2.0;
    std::printf("ndcore C++: (M.T + M.T)[2, 1] = %g%s\n", s.at({2, 1}), ok ? "" : " (WRONG)");
    return ok ? 0 : 1;
}
