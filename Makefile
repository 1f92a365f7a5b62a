# ndcore: `make demo` (the C walk-through of the NumPy paper) and
# `make test` (every test). Both bootstrap what they need.

CARGO      ?= cargo
CC         ?= cc
RELEASE    := target/release
BUILD      := build
SHARED     := $(RELEASE)/libndcore.so
STATIC     := $(RELEASE)/libndcore.a
MAJOR      := $(shell sed -n 's/^version = "\([0-9]*\)\..*/\1/p' Cargo.toml | head -n 1)
# Libraries a Rust staticlib needs (cargo rustc -- --print native-static-libs).
NATIVE_LIBS := -lgcc_s -lutil -lrt -lpthread -lm -ldl -lc
CFLAGS_TEST := -std=c11 -Wall -Wextra -Werror -g -O1 -Iinclude -pthread
C_TESTS    := $(basename $(notdir $(wildcard c_tests/test_*.c)))
PYTHON     := .venv/bin/python

.PHONY: all demo test bench bootstrap venv lib header test-rust test-header test-c \
        test-c-shared test-c-static test-c-asan test-cpp test-fortran test-readme test-python clean

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

demo: bootstrap lib
	@mkdir -p $(BUILD)
	$(CC) -std=gnu11 -Wall -Wextra -Werror -O1 -Iinclude examples_c/paper_demo.c \
	    -L$(RELEASE) -lndcore -Wl,-rpath,$(abspath $(RELEASE)) -o $(BUILD)/paper_demo
	./$(BUILD)/paper_demo

test: bootstrap venv lib test-rust test-header test-c test-cpp test-fortran test-readme test-python
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

# Fortran programs use the bind(C) module fortran/ndcore.f90 (gfortran,
# installed by bootstrap) against the shared library.
FORTRAN_TESTS := $(basename $(notdir $(wildcard fortran/tests/test_*.f90)))
test-fortran: lib
	@mkdir -p $(BUILD)/fortran
	@set -e; for t in $(FORTRAN_TESTS); do \
	    gfortran -std=f2018 -Wall -Wextra -Werror -Wno-compare-reals -J $(BUILD)/fortran \
	        fortran/ndcore.f90 fortran/tests/$$t.f90 -L$(RELEASE) -lndcore \
	        -Wl,-rpath,$(abspath $(RELEASE)) -o $(BUILD)/fortran/$$t; \
	    echo "[fortran] $$t"; ./$(BUILD)/fortran/$$t; done

test-readme: lib
	@mkdir -p $(BUILD)
	sed -n '/<!-- example:begin -->/,/<!-- example:end -->/p' README.md | sed '1,2d;$$d' | sed '$$d' > $(BUILD)/readme_example.c
	$(CC) -std=c11 -Wall -Wextra -Werror -Iinclude $(BUILD)/readme_example.c -L$(RELEASE) -lndcore \
	    -Wl,-rpath,$(abspath $(RELEASE)) -o $(BUILD)/readme_example
	./$(BUILD)/readme_example > $(BUILD)/readme_example.out
	sed -n '/<!-- output:begin -->/,/<!-- output:end -->/p' README.md | sed '1,2d;$$d' | sed '$$d' \
	    | diff - $(BUILD)/readme_example.out

test-python: venv lib
	NDCORE_LIB=$(abspath $(SHARED)) PYTHONPATH=python $(PYTHON) -m pytest -q python/tests

# Same-process comparison with NumPy (not part of `make test`).
bench: venv lib
	@mkdir -p $(BUILD)
	$(CC) -std=c11 -O2 -Iinclude bench/small_call.c -L$(RELEASE) -lndcore \
	    -Wl,-rpath,$(abspath $(RELEASE)) -o $(BUILD)/small_call
	./$(BUILD)/small_call
	$(PYTHON) -m pip install -q --disable-pip-version-check -r python/requirements-bench.txt
	NDCORE_LIB=$(abspath $(SHARED)) PYTHONPATH=python $(PYTHON) bench/compare.py

clean:
	$(CARGO) clean
	rm -rf $(BUILD)
