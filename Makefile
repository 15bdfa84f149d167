# custodian: a thin wrapper around CMake. The two commands are `make run` and `make test`.
#   make run       install what is missing, build, create and load var/custodian.db, serve on :8080
#   make test      install what is missing, sanitizer build, run every test
#   make build     release build only (build/custodian)
#   make bench     benchmarks (see bench/README.md); needs `scripts/install-deps --peers`
#   make fuzz      libFuzzer drivers (clang), FUZZ_SECONDS each
#   make valgrind  unit tests, unsanitized, under valgrind
#   make format    clang-format the tree
SHELL := /bin/bash
JOBS ?= $(shell nproc)
PORT ?= 8080
DB ?= var/custodian.db
FUZZ_SECONDS ?= 60

.PHONY: all deps deps-browser build build-asan run test check-tree bench fuzz valgrind format clean

all: build

deps:
	@./scripts/install-deps

deps-browser:
	@./scripts/install-deps --browser

build: deps
	@cmake -S . -B build -DCMAKE_BUILD_TYPE=Release >/dev/null
	@cmake --build build -j $(JOBS)

build-asan: deps
	@cmake -S . -B build-asan -DCU_SANITIZE=ON >/dev/null
	@cmake --build build-asan -j $(JOBS)

run: build
	@mkdir -p var
	@./build/custodian -d $(DB) init
	@./build/custodian -d $(DB) demo-load
	@./build/custodian -d $(DB) serve --port $(PORT)

# The release build too: `make run` builds it, and -O2 finds warnings the sanitizer build does not.
test: deps-browser build build-asan check-tree
	@ASAN_OPTIONS=detect_leaks=1:abort_on_error=0 UBSAN_OPTIONS=print_stacktrace=1 \
	  ctest --test-dir build-asan -j $(JOBS) --output-on-failure 2>&1 | tee build-asan/ctest.log; \
	  status=$${PIPESTATUS[0]}; \
	  p=$$(grep -cE '^ *[0-9]+/[0-9]+ Test +#[0-9]+: .* Passed' build-asan/ctest.log); \
	  f=$$(grep -cE '^ *[0-9]+/[0-9]+ Test +#[0-9]+: .*(Failed|Exception|Timeout|Not Run)' build-asan/ctest.log); \
	  echo "$$p passed, $$f failed"; exit $$status

# Source-tree rules that the compiler cannot check (STYLE.md habits 1, 9 and 12).
check-tree:
	@./scripts/check-tree

bench: build
	@./bench/run

fuzz:
	@CC=clang cmake -S . -B build-fuzz -DCU_FUZZ=ON -DCU_SANITIZE=ON >/dev/null
	@cmake --build build-fuzz -j $(JOBS)
	@./scripts/run-fuzz $(FUZZ_SECONDS)

valgrind: deps
	@cmake -S . -B build-vg -DCMAKE_BUILD_TYPE=Debug >/dev/null
	@cmake --build build-vg -j $(JOBS)
	@ctest --test-dir build-vg -j $(JOBS) --output-on-failure \
	  -T memcheck --overwrite MemoryCheckCommandOptions="--leak-check=full --error-exitcode=1"

format:
	@clang-format -i $$(git ls-files '*.c' '*.h')

clean:
	rm -rf build build-asan build-fuzz build-vg
