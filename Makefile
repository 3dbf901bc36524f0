# Thin wrapper over CMake (the build). Targets:
#   make            install the Debian packages (scripts/install-deps) and build Release in build/
#   make demo       ... then run `uniapprox demo`, the main job on its embedded default
#   make test       ... then the whole suite on the Release build and again on an ASan+UBSan build
#   make bench      side-by-side benchmarks against the anchors (bench/), ratios in one run
#   make fuzz       every libFuzzer harness of tests/fuzz/ for FUZZ_TIME seconds each (clang,
#                   ASan+UBSan, in build-fuzz/); fails on a crash, leak, hang or huge allocation
#   make install PREFIX=/usr/local
PREFIX ?= /usr/local
JOBS   ?= $(shell nproc 2>/dev/null || echo 2)
BUILD  ?= build
ASAN   ?= build-asan
FUZZ_BUILD ?= build-fuzz
FUZZ_TIME  ?= 60

.PHONY: all deps build demo test test-release test-asan bench install clean fuzz

all: build

deps:
	@sh scripts/install-deps

build: deps
	@cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=Release -DCMAKE_INSTALL_PREFIX=$(PREFIX) >/dev/null
	@cmake --build $(BUILD) -j $(JOBS)

demo: build
	./$(BUILD)/uniapprox demo

test: test-release test-asan

test-release: build
	cd $(BUILD) && ctest --output-on-failure -j $(JOBS)

test-asan: deps
	@cmake -S . -B $(ASAN) -DCMAKE_BUILD_TYPE=Debug -DUA_SANITIZE=ON >/dev/null
	@cmake --build $(ASAN) -j $(JOBS)
	cd $(ASAN) && ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
		ctest --output-on-failure -j $(JOBS)

bench: build
	@UA_BENCH_DEPS=1 sh scripts/install-deps
	sh bench/run $(BUILD)

fuzz:
	@UA_FUZZ_DEPS=1 sh scripts/install-deps
	@cmake -S . -B $(FUZZ_BUILD) -DCMAKE_C_COMPILER=clang -DCMAKE_BUILD_TYPE=RelWithDebInfo \
		-DUA_FUZZ=ON -DUA_BUILD_TESTS=OFF >/dev/null
	@cmake --build $(FUZZ_BUILD) -j $(JOBS) --target fuzzers
	sh tests/fuzz/run.sh $(FUZZ_BUILD) $(FUZZ_TIME)

install: build
	cmake --install $(BUILD) --prefix $(PREFIX)

clean:
	rm -rf $(BUILD) $(ASAN)
