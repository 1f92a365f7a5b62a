# ndcore: `make demo` (the C walk-through of the NumPy paper) and
# `make test` (every test). Both bootstrap what they need.

CARGO      ?= cargo
CC         ?= cc
RELEASE    := target/release
BUILD      := build
SHARED     := $(RELEASE)/libndcore.so
STATIC     := $(RELEASE)/libndcore.a
VERSION    := $(shell sed -n 's/^version = "\(.*\)"/\1/p' Cargo.toml | head -n 1)
MAJOR      := $(firstword $(subst ., ,$(VERSION)))
PREFIX     ?= /usr/local
# Libraries a Rust staticlib needs (cargo rustc -- --print native-static-libs).
NATIVE_LIBS := -lgcc_s -lutil -lrt -lpthread -lm -ldl -lc
CFLAGS_TEST := -std=c11 -Wall -Wextra -Werror -g -O1 -Iinclude -pthread
C_TESTS    := $(basename $(notdir $(wildcard c_tests/test_*.c)))
PYTHON     := .venv/bin/python

.PHONY: all demo test bench bootstrap venv lib header install test-rust test-header test-c \
        test-c-shared test-c-static test-c-asan test-cpp test-fortran test-install test-readme \
        test-python test-blas bench-blas clean

all: lib

bootstrap:
	@scripts/bootstrap.sh

venv:
	@scripts/bootstrap.sh --venv

# The library's SONAME is libndcore.so.$(MAJOR) (build.rs): give the loader that name.
lib:
	$(CARGO) build --release
	@ln -sf libndcore.so $(RELEASE)/libndcore.so.$(MAJOR)

# Refresh the committed header from the one build.rs generated.
header: lib
	cp "$$(ls -t $(RELEASE)/build/ndcore-*/out/ndcore.h | head -n 1)" include/ndcore.h

demo: bootstrap venv lib
	@mkdir -p $(BUILD)/fortran
	$(CC) -std=gnu11 -Wall -Wextra -Werror -O1 -Iinclude examples_c/paper_demo.c \
	    -L$(RELEASE) -lndcore -Wl,-rpath,$(abspath $(RELEASE)) -o $(BUILD)/paper_demo
	./$(BUILD)/paper_demo
	@# The array-interface example across the Fortran and NumPy boundaries.
	gcc -std=c11 -O1 -I$(CFI_INCLUDE) -Iinclude -c fortran/ndcore_cfi.c -o $(BUILD)/fortran/ndcore_cfi.o
	gfortran -std=f2018 -O1 -J $(BUILD)/fortran fortran/ndcore.f90 examples_fortran/array_interface.f90 \
	    $(BUILD)/fortran/ndcore_cfi.o -L$(RELEASE) -lndcore -Wl,-rpath,$(abspath $(RELEASE)) \
	    -o $(BUILD)/array_interface_fortran
	./$(BUILD)/array_interface_fortran
	NDCORE_LIB=$(abspath $(SHARED)) PYTHONPATH=python $(PYTHON) examples_python/array_interface.py

test: bootstrap venv lib test-rust test-header test-c test-cpp test-fortran test-install test-readme \
      test-python test-blas
	@echo "make test: all suites passed"

test-rust:
	$(CARGO) test --all-targets

# The committed header is fresh (tests/header.rs) and compiles alone as C99
# and C++17 with every warning an error.
test-header: lib
	@mkdir -p $(BUILD)
	$(CARGO) test --test header
	echo '#include "ndcore.h"' | $(CC) -std=c99 -Wall -Wextra -Wpedantic -Werror -Iinclude -x c -fsyntax-only -
	echo '#include "ndcore.h"' | c++ -std=c++17 -Wall -Wextra -Wpedantic -Werror -Iinclude -x c++ -fsyntax-only -
	@# The shared library exports exactly the functions the header declares.
	@nm -D --defined-only $(SHARED) | awk '$$2 == "T" && $$3 ~ /^nd_/ {print $$3}' | sort > $(BUILD)/exports.txt
	@grep -oE '\bnd_[a-z0-9_]+\(' include/ndcore.h | tr -d '(' | sort -u > $(BUILD)/declared.txt
	@diff $(BUILD)/exports.txt $(BUILD)/declared.txt && echo "exports match the header: $$(wc -l < $(BUILD)/exports.txt) functions"

test-c: test-c-shared test-c-static test-c-asan

test-c-shared: lib
	@mkdir -p $(BUILD)/c
	@set -e; for t in $(C_TESTS); do \
	    $(CC) $(CFLAGS_TEST) c_tests/$$t.c -L$(RELEASE) -lndcore -lm \
	        -Wl,-rpath,$(abspath $(RELEASE)) -o $(BUILD)/c/$$t-shared; \
	    echo "[shared] $$t"; ./$(BUILD)/c/$$t-shared; done

test-c-static: lib
	@mkdir -p $(BUILD)/c
	@set -e; for t in $(C_TESTS); do \
	    $(CC) $(CFLAGS_TEST) c_tests/$$t.c $(STATIC) $(NATIVE_LIBS) -o $(BUILD)/c/$$t-static; \
	    echo "[static] $$t"; ./$(BUILD)/c/$$t-static; done

test-c-asan: lib
	@mkdir -p $(BUILD)/c
	@set -e; for t in $(C_TESTS); do \
	    $(CC) $(CFLAGS_TEST) -fsanitize=address,undefined -fno-omit-frame-pointer \
	        c_tests/$$t.c -L$(RELEASE) -lndcore -lm -Wl,-rpath,$(abspath $(RELEASE)) \
	        -o $(BUILD)/c/$$t-asan; \
	    echo "[asan] $$t"; ASAN_OPTIONS=detect_leaks=1:abort_on_error=1:allocator_may_return_null=1 \
	        UBSAN_OPTIONS=halt_on_error=1 ./$(BUILD)/c/$$t-asan; done

# Install under $(PREFIX) (and $(DESTDIR)): the libraries with their
# SONAME links, the headers, the Fortran module source, the CMake package
# (find_package(ndcore CONFIG): ndcore::ndcore) and ndcore.pc. Both package
# files find the prefix from where they lie, so the tree can be moved.
install: lib
	install -d $(DESTDIR)$(PREFIX)/lib/cmake/ndcore $(DESTDIR)$(PREFIX)/lib/pkgconfig \
	    $(DESTDIR)$(PREFIX)/include $(DESTDIR)$(PREFIX)/share/ndcore/fortran
	install -m 755 $(SHARED) $(DESTDIR)$(PREFIX)/lib/libndcore.so.$(VERSION)
	ln -sf libndcore.so.$(VERSION) $(DESTDIR)$(PREFIX)/lib/libndcore.so.$(MAJOR)
	ln -sf libndcore.so.$(MAJOR) $(DESTDIR)$(PREFIX)/lib/libndcore.so
	install -m 644 $(STATIC) $(DESTDIR)$(PREFIX)/lib/libndcore.a
	install -m 644 include/ndcore.h include/ndcore.hpp include/ndcore_dlpack.h $(DESTDIR)$(PREFIX)/include
	install -m 644 fortran/ndcore.f90 fortran/ndcore_cfi.c $(DESTDIR)$(PREFIX)/share/ndcore/fortran
	for f in ndcoreConfig.cmake ndcoreConfigVersion.cmake; do \
	    sed -e 's/@VERSION@/$(VERSION)/g' -e 's/@MAJOR@/$(MAJOR)/g' cmake/$$f.in \
	        > $(DESTDIR)$(PREFIX)/lib/cmake/ndcore/$$f; done
	sed -e 's/@VERSION@/$(VERSION)/g' cmake/ndcore.pc.in > $(DESTDIR)$(PREFIX)/lib/pkgconfig/ndcore.pc

# A consumer of an install in a temporary prefix: the CMake project in
# cmake/test (C shared and static, C++), then plain builds with the flags
# `pkg-config --cflags --libs ndcore` (and --static) gives.
TEST_PREFIX := $(abspath $(BUILD))/prefix
test-install: lib
	rm -rf $(TEST_PREFIX) $(BUILD)/cmake-consumer
	$(MAKE) --no-print-directory install PREFIX=$(TEST_PREFIX) >/dev/null
	cmake -S cmake/test -B $(BUILD)/cmake-consumer -DCMAKE_PREFIX_PATH=$(TEST_PREFIX) >/dev/null
	cmake --build $(BUILD)/cmake-consumer >/dev/null
	./$(BUILD)/cmake-consumer/consumer_shared
	./$(BUILD)/cmake-consumer/consumer_static
	./$(BUILD)/cmake-consumer/consumer_cpp
	@# The dynamic build must load the installed library, not the build tree's.
	ldd $(BUILD)/cmake-consumer/consumer_shared | grep -q "$(TEST_PREFIX)/lib/libndcore.so.$(MAJOR)"
	! ldd $(BUILD)/cmake-consumer/consumer_static | grep -q libndcore
	PKG_CONFIG_PATH=$(TEST_PREFIX)/lib/pkgconfig; export PKG_CONFIG_PATH; \
	    test "$$(pkg-config --modversion ndcore)" = "$(VERSION)" && \
	    $(CC) -std=c11 -Wall -Wextra -Werror cmake/test/consumer.c $$(pkg-config --cflags --libs ndcore) -lm \
	        -Wl,-rpath,$(TEST_PREFIX)/lib -o $(BUILD)/pkgconfig_consumer && \
	    $(CC) -std=c11 -Wall -Wextra -Werror cmake/test/consumer.c \
	        $$(pkg-config --cflags ndcore) $(TEST_PREFIX)/lib/libndcore.a $$(pkg-config --static --libs-only-l ndcore | sed 's/-lndcore//') -lm \
	        -o $(BUILD)/pkgconfig_consumer_static
	./$(BUILD)/pkgconfig_consumer
	./$(BUILD)/pkgconfig_consumer_static
	! ldd $(BUILD)/pkgconfig_consumer_static | grep -q libndcore

# The README's C example compiles cleanly and prints what the README says.
# The C++ layer: include/ndcore.hpp alone with and without exceptions, and
# a test program of two translation units, plain and under ASan.
test-cpp: lib
	@mkdir -p $(BUILD)/cpp
	echo '#include "ndcore.hpp"' | c++ -std=c++17 -Wall -Wextra -Wpedantic -Werror -Iinclude -x c++ -fsyntax-only -
	echo '#include "ndcore.hpp"' | c++ -std=c++17 -Wall -Wextra -Wpedantic -Werror -fno-exceptions -Iinclude -x c++ -fsyntax-only -
	c++ -std=c++17 -Wall -Wextra -Wpedantic -Werror -g -Iinclude -Ic_tests cpp_tests/test_cpp.cpp cpp_tests/helper.cpp \
	    -L$(RELEASE) -lndcore -Wl,-rpath,$(abspath $(RELEASE)) -o $(BUILD)/cpp/test_cpp
	./$(BUILD)/cpp/test_cpp
	c++ -std=c++17 -Wall -Wextra -Werror -g -fsanitize=address,undefined -fno-omit-frame-pointer -Iinclude -Ic_tests \
	    cpp_tests/test_cpp.cpp cpp_tests/helper.cpp -L$(RELEASE) -lndcore -Wl,-rpath,$(abspath $(RELEASE)) \
	    -o $(BUILD)/cpp/test_cpp-asan
	ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=halt_on_error=1 ./$(BUILD)/cpp/test_cpp-asan

# Fortran programs use the bind(C) module fortran/ndcore.f90 and the
# descriptor shim fortran/ndcore_cfi.c (compiled by gfortran's own gcc
# against its ISO_Fortran_binding.h) against the shared library, plainly
# and under ASan. First, every constant the module declares must have the
# header's value.
FORTRAN_TESTS := $(basename $(notdir $(wildcard fortran/tests/test_*.f90)))
# gfortran 12 warns that an unassociated pointer's bounds "may be used
# uninitialized" when it passes one to an assumed-rank pointer dummy (it
# copies them into the C descriptor); nd_pointer only writes them.
FFLAGS_TEST := -std=f2018 -Wall -Wextra -Werror -Wno-compare-reals -Wno-maybe-uninitialized -g
CFI_INCLUDE = $(shell gfortran -print-file-name=include)
test-fortran: lib
	@mkdir -p $(BUILD)/fortran
	@grep -oE 'ND_[A-Z0-9_]+ = [0-9]+' fortran/ndcore.f90 | while read -r name eq value; do \
	    grep -qE "^(#define $$name $$value|  $$name = $$value,?)$$" include/ndcore.h || \
	    { echo "fortran/ndcore.f90: $$name = $$value differs from include/ndcore.h"; exit 1; }; done
	@echo "fortran/ndcore.f90: constants match include/ndcore.h"
	gcc -std=c11 -Wall -Wextra -Werror -g -I$(CFI_INCLUDE) -Iinclude -c fortran/ndcore_cfi.c \
	    -o $(BUILD)/fortran/ndcore_cfi.o
	gcc -std=c11 -g -fsanitize=address,undefined -I$(CFI_INCLUDE) -Iinclude -c fortran/ndcore_cfi.c \
	    -o $(BUILD)/fortran/ndcore_cfi-asan.o
	@set -e; for t in $(FORTRAN_TESTS); do \
	    gfortran $(FFLAGS_TEST) -J $(BUILD)/fortran fortran/ndcore.f90 fortran/tests/checks.f90 fortran/tests/$$t.f90 \
	        $(BUILD)/fortran/ndcore_cfi.o -L$(RELEASE) -lndcore \
	        -Wl,-rpath,$(abspath $(RELEASE)) -o $(BUILD)/fortran/$$t; \
	    echo "[fortran] $$t"; ./$(BUILD)/fortran/$$t; \
	    gfortran $(FFLAGS_TEST) -fsanitize=address,undefined -J $(BUILD)/fortran fortran/ndcore.f90 \
	        fortran/tests/checks.f90 fortran/tests/$$t.f90 $(BUILD)/fortran/ndcore_cfi-asan.o -L$(RELEASE) -lndcore \
	        -Wl,-rpath,$(abspath $(RELEASE)) -o $(BUILD)/fortran/$$t-asan; \
	    echo "[fortran asan] $$t"; ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 \
	        UBSAN_OPTIONS=halt_on_error=1 ./$(BUILD)/fortran/$$t-asan; done
	@# The demo's Fortran example prints what the paper's example prints.
	gfortran $(FFLAGS_TEST) -J $(BUILD)/fortran fortran/ndcore.f90 examples_fortran/array_interface.f90 \
	    $(BUILD)/fortran/ndcore_cfi.o -L$(RELEASE) -lndcore -Wl,-rpath,$(abspath $(RELEASE)) \
	    -o $(BUILD)/fortran/array_interface
	./$(BUILD)/fortran/array_interface > $(BUILD)/fortran/array_interface.out
	grep -q 'Fortran reads "cdefg"' $(BUILD)/fortran/array_interface.out

test-readme: lib
	@mkdir -p $(BUILD)
	sed -n '/<!-- example:begin -->/,/<!-- example:end -->/p' README.md | sed '1,2d;$$d' | sed '$$d' > $(BUILD)/readme_example.c
	$(CC) -std=c11 -Wall -Wextra -Werror -Iinclude $(BUILD)/readme_example.c -L$(RELEASE) -lndcore \
	    -Wl,-rpath,$(abspath $(RELEASE)) -o $(BUILD)/readme_example
	./$(BUILD)/readme_example > $(BUILD)/readme_example.out
	sed -n '/<!-- output:begin -->/,/<!-- output:end -->/p' README.md | sed '1,2d;$$d' | sed '$$d' \
	    | diff - $(BUILD)/readme_example.out

test-python: venv lib
	@mkdir -p $(BUILD)
	NDCORE_LIB=$(abspath $(SHARED)) PYTHONPATH=python $(PYTHON) -m pytest -q python/tests
	NDCORE_LIB=$(abspath $(SHARED)) PYTHONPATH=python $(PYTHON) examples_python/array_interface.py \
	    > $(BUILD)/array_interface_py.out
	grep -q "print(m) -> cdefg" $(BUILD)/array_interface_py.out

# The `system-blas` build (large float products through the system's CBLAS,
# src/linalg/blas.rs) in its own target directory: its unit tests (which
# check that BLAS is really called), the C matrix-product tests and the
# NumPy differential tests of every product against that library.
BLAS_DIR := target/blas
BLAS_LIB := $(BLAS_DIR)/release/libndcore.so
test-blas: bootstrap venv
	$(CARGO) build --release --features system-blas --target-dir $(BLAS_DIR)
	@ln -sf libndcore.so $(BLAS_DIR)/release/libndcore.so.$(MAJOR)
	$(CARGO) test --release --features system-blas --target-dir $(BLAS_DIR) --lib linalg::
	@mkdir -p $(BUILD)/c
	$(CC) $(CFLAGS_TEST) c_tests/test_linalg.c -L$(BLAS_DIR)/release -lndcore -lm \
	    -Wl,-rpath,$(abspath $(BLAS_DIR)/release) -o $(BUILD)/c/test_linalg-blas
	ldd $(BUILD)/c/test_linalg-blas | grep -q "$(abspath $(BLAS_DIR))/release/libndcore.so"
	ldd $(BUILD)/c/test_linalg-blas | grep -q "libopenblas"
	./$(BUILD)/c/test_linalg-blas
	NDCORE_LIB=$(abspath $(BLAS_LIB)) PYTHONPATH=python $(PYTHON) -m pytest -q python/tests/test_linalg.py

# Same-process comparison with NumPy (not part of `make test`).
bench: venv lib
	@mkdir -p $(BUILD)
	$(CC) -std=c11 -O2 -Iinclude bench/small_call.c -L$(RELEASE) -lndcore \
	    -Wl,-rpath,$(abspath $(RELEASE)) -o $(BUILD)/small_call
	./$(BUILD)/small_call
	$(CC) -std=c11 -O2 -Iinclude bench/paper_fx.c -L$(RELEASE) -lndcore \
	    -Wl,-rpath,$(abspath $(RELEASE)) -o $(BUILD)/paper_fx
	$(PYTHON) -m pip install -q --disable-pip-version-check -r python/requirements-bench.txt
	NDCORE_LIB=$(abspath $(SHARED)) NDCORE_PAPER_FX=$(abspath $(BUILD))/paper_fx PYTHONPATH=python \
	    $(PYTHON) bench/compare.py

# The matrix products again with the system-blas build.
bench-blas: venv
	$(CARGO) build --release --features system-blas --target-dir $(BLAS_DIR)
	$(PYTHON) -m pip install -q --disable-pip-version-check -r python/requirements-bench.txt
	NDCORE_LIB=$(abspath $(BLAS_LIB)) PYTHONPATH=python $(PYTHON) bench/compare.py linalg

clean:
	$(CARGO) clean
	rm -rf $(BUILD)
