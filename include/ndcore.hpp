// ndcore for C++17: a thin RAII layer over the C API in ndcore.h.
//
// nd::array and nd::dtype own one handle each (move-only; the destructor
// frees it). Views are new owners of handles on the same memory, which
// lives until the last of them is gone, as in C.
//
// Errors need no exceptions: every fallible call has a `try_` form that
// returns nd::result<T> (a value or an nd::error with the status and
// NumPy-quality message, like std::expected). The plain forms return the
// value and, on failure, throw nd::error when exceptions are enabled, or
// print the message and abort when they are not (-fno-exceptions).
#ifndef NDCORE_HPP
#define NDCORE_HPP

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <initializer_list>
#include <stdexcept>
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include "ndcore.h"

namespace nd {

// A failure: the C API's status and message.
class error : public std::runtime_error {
  public:
    error(nd_status status, const std::string &message)
        : std::runtime_error(message), status_(status) {}
    nd_status status() const noexcept { return status_; }

    // The calling thread's last failure (nd_last_status, nd_last_error).
    static error last() { return error(nd_last_status(), nd_last_error()); }

  private:
    nd_status status_;
};

[[noreturn]] inline void fail(const error &e) {
#if defined(__cpp_exceptions) || defined(__EXCEPTIONS)
    throw e;
#else
    std::fprintf(stderr, "ndcore: %s: %s\n", nd_status_name(e.status()), e.what());
    std::abort();
#endif
}

// A value or an error (std::expected's shape, for C++17).
template <class T>
class result {
  public:
    result(T value) : v_(std::move(value)) {}
    result(error e) : v_(std::move(e)) {}
    bool has_value() const noexcept { return v_.index() == 0; }
    explicit operator bool() const noexcept { return has_value(); }
    // The value; fails (throws nd::error or aborts) when there is none.
    T &value() & {
        if (!has_value()) fail(std::get<1>(v_));
        return std::get<0>(v_);
    }
    T &&value() && {
        if (!has_value()) fail(std::get<1>(v_));
        return std::get<0>(std::move(v_));
    }
    const error &error_value() const { return std::get<1>(v_); }

  private:
    std::variant<T, error> v_;
};

namespace detail {
template <class H, void (*Free)(H *)>
class owner {
  public:
    explicit owner(H *h = nullptr) noexcept : h_(h) {}
    owner(const owner &) = delete;
    owner &operator=(const owner &) = delete;
    owner(owner &&o) noexcept : h_(std::exchange(o.h_, nullptr)) {}
    owner &operator=(owner &&o) noexcept {
        if (this != &o) {
            Free(h_);
            h_ = std::exchange(o.h_, nullptr);
        }
        return *this;
    }
    ~owner() { Free(h_); }
    H *get() const noexcept { return h_; }
    // Give up ownership: the caller frees the handle.
    H *release() noexcept { return std::exchange(h_, nullptr); }
    explicit operator bool() const noexcept { return h_ != nullptr; }

  private:
    H *h_;
};
}  // namespace detail

class dtype : public detail::owner<nd_dtype, nd_dtype_free> {
  public:
    using owner::owner;
    static result<dtype> try_of(nd_type type) { return wrap(nd_dtype_new(type)); }
    static result<dtype> try_parse(const char *text) { return wrap(nd_dtype_from_string(text)); }
    static dtype of(nd_type type) { return try_of(type).value(); }
    static dtype parse(const char *text) { return try_parse(text).value(); }
    std::string str() const {
        char *s = nd_dtype_str(get());
        std::string out = s ? s : "";
        nd_string_free(s);
        return out;
    }

  private:
    static result<dtype> wrap(nd_dtype *h) {
        if (!h) return error::last();
        return dtype(h);
    }
};

class array : public detail::owner<nd_array, nd_array_free> {
  public:
    using owner::owner;

    // Adopt a handle a C function returned (NULL: the thread's last error).
    static result<array> adopt(nd_array *h) {
        if (!h) return error::last();
        return array(h);
    }

    static result<array> try_zeros(const dtype &d, std::initializer_list<int64_t> shape,
                                   nd_order order = ND_ORDER_C) {
        return adopt(nd_zeros(d.get(), shape.size(), shape.begin(), order));
    }
    static array zeros(const dtype &d, std::initializer_list<int64_t> shape,
                       nd_order order = ND_ORDER_C) {
        return try_zeros(d, shape, order).value();
    }
    static array arange(double start, double stop, double step, const dtype &d) {
        return adopt(nd_arange(start, stop, step, d.get())).value();
    }

    int64_t ndim() const { return nd_array_ndim(get()); }
    int64_t size() const { return nd_array_size(get()); }
    std::vector<int64_t> shape() const {
        const int64_t *p = nd_array_shape(get());
        return std::vector<int64_t>(p, p + ndim());
    }
    std::vector<int64_t> strides() const {
        const int64_t *p = nd_array_strides(get());
        return std::vector<int64_t>(p, p + ndim());
    }
    void *data() const { return nd_array_data(get()); }
    template <class T>
    T *data_as() const { return static_cast<T *>(data()); }
    std::string repr() const {
        char *s = nd_array_repr(get());
        std::string out = s ? s : "";
        nd_string_free(s);
        return out;
    }

    array view() const { return adopt(nd_array_view(get())).value(); }
    result<array> try_reshape(std::initializer_list<int64_t> shape,
                              nd_order order = ND_ORDER_C) const {
        return adopt(nd_reshape(get(), shape.size(), shape.begin(), order));
    }
    array reshape(std::initializer_list<int64_t> shape, nd_order order = ND_ORDER_C) const {
        return try_reshape(shape, order).value();
    }
    array T() const { return adopt(nd_transpose(get(), 0, nullptr)).value(); }

    result<double> try_at(std::initializer_list<int64_t> index) const {
        double v = 0;
        if (nd_array_get_f64(get(), index.size(), index.begin(), &v) != ND_OK)
            return error::last();
        return v;
    }
    double at(std::initializer_list<int64_t> index) const { return try_at(index).value(); }
    void set(std::initializer_list<int64_t> index, double v) const {
        if (nd_array_set_f64(get(), index.size(), index.begin(), v) != ND_OK)
            fail(error::last());
    }
};

// Binary ufuncs under their NumPy names, and as operators.
#define NDCORE_HPP_BINARY(name, op)                                                  \
    inline result<array> try_##name(const array &a, const array &b) {                \
        return array::adopt(nd_##name(a.get(), b.get(), nullptr));                   \
    }                                                                                \
    inline array name(const array &a, const array &b) { return try_##name(a, b).value(); } \
    inline array operator op(const array &a, const array &b) { return name(a, b); }
NDCORE_HPP_BINARY(add, +)
NDCORE_HPP_BINARY(subtract, -)
NDCORE_HPP_BINARY(multiply, *)
NDCORE_HPP_BINARY(divide, /)
#undef NDCORE_HPP_BINARY

inline result<array> try_load(const char *path, const char *mmap_mode = nullptr) {
    return array::adopt(nd_load(path, mmap_mode));
}
inline array load(const char *path, const char *mmap_mode = nullptr) {
    return try_load(path, mmap_mode).value();
}
inline void save(const char *path, const array &a) {
    if (nd_save(path, a.get()) != ND_OK) fail(error::last());
}

}  // namespace nd

#endif  // NDCORE_HPP
