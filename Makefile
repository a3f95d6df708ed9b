# The README's two commands. Both install missing Debian packages first (checked with dpkg -s; apt-get
# runs only when something is missing), then build Release into build/.
#   make audit   build, then audit this repository's whole history
#   make test    build, then run the whole test suite
# Further checks, each in its own git-ignored directory:
#   make test-system     build-roots/: the release build of HEAD and its install on fresh Debian roots (root)
#   make test-vectorscan build-roots/: make test REGEX_ENGINE=vectorscan from a clean clone of HEAD, fresh Debian 12 root (root)
#   make test-sanitize   build-asan/: ASan+UBSan (gcc), the whole ctest suite
#   make test-tsan       build-tsan/: TSan, the e2e history tests and a multi-threaded history check
#   make fuzz            build-fuzz/: clang + libFuzzer, each target FUZZ_SECONDS (default 60) seconds
BUILD_DIR ?= build
JOBS ?= $(shell nproc)
# The regex engine, hyperscan (x86-64 only) or vectorscan (its portable fork): its Debian package goes into
# DEPS and its name to CMake. Default: Vectorscan where it is installed or where Hyperscan does not exist
# (libvectorscan-dev conflicts with libhyperscan-dev, so installing the other would remove it), else Hyperscan.
REGEX_ENGINE ?= $(shell if dpkg -s libvectorscan-dev >/dev/null 2>&1 || [ "$$(dpkg --print-architecture 2>/dev/null)" != amd64 ]; then echo vectorscan; else echo hyperscan; fi)
DEPS := cmake g++ make pkg-config git lib$(REGEX_ENGINE)-dev libre2-dev libfmt-dev libtomlplusplus-dev libcli11-dev \
        nlohmann-json3-dev doctest-dev libssl-dev libmbedtls-dev zlib1g-dev libgit2-dev libarchive-dev git-filter-repo \
        nettle-dev liblzma-dev libbz2-dev libzstd-dev libxml2-dev man-db zsh fish pre-commit \
        dpkg-dev lintian jq curl libcurl4-openssl-dev openssl python3-yaml
# The last line: static archives of libarchive's own dependencies (cmake/static_deps.cmake links keyfence
# statically for a faster hook start-up; libarchive-dev does not pull them in) and libxml2 for the tests;
# man-db, zsh and fish for the install tests (the manual page and each shell's completion script), and
# Debian's pre-commit for the pre-commit framework test; dpkg-dev (dpkg-shlibdeps) and lintian for `make package`; jq and curl for the GitHub Action's script;
# libcurl's headers (keyfence loads libcurl.so.4 itself, under --validate only) and openssl, which makes the test CA of the validation tests;
# python3-yaml reads the audit templates (hooks/ci/audit-*) so the tests run their scripts.
# Only `make fuzz` needs these (libFuzzer ships in clang's runtime package).
FUZZ_DEPS := $(DEPS) clang libclang-rt-14-dev
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
FUZZ_SECONDS ?= 60
FUZZ_MERGE ?= 0
FUZZ_TARGETS := fuzz_rule_loader fuzz_scan fuzz_baseline_ignore fuzz_staged_index fuzz_git_objects
SANITIZER_ENV := ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
                 LSAN_OPTIONS=suppressions=$(CURDIR)/tests/sanitize.lsan.supp:print_suppressions=0

.PHONY: all deps fuzz-deps build audit test package test-system test-vectorscan test-sanitize test-tsan fuzz clean
all: build

# $(call install_missing,PACKAGES): apt-get install whatever dpkg does not know as installed.
define install_missing
	@missing=$$(for p in $(1); do dpkg -s $$p >/dev/null 2>&1 || echo $$p; done); \
	if [ -n "$$missing" ]; then \
	  echo "Installing missing packages:" $$missing; \
	  $(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq $$missing; \
	fi
endef

deps:
	$(call install_missing,$(DEPS))

fuzz-deps:
	$(call install_missing,$(FUZZ_DEPS))

build: deps
	cmake -S . -B $(BUILD_DIR) -DCMAKE_BUILD_TYPE=Release -DKEYFENCE_REGEX_ENGINE=$(REGEX_ENGINE)
	cmake --build $(BUILD_DIR) -j $(JOBS)

# Every blob ever committed to this repository, on every ref.
audit: build
	./$(BUILD_DIR)/keyfence history .

test: build
	cd $(BUILD_DIR) && ctest --output-on-failure -j $(JOBS)

# build/keyfence_<version>_<arch>.deb and build/keyfence-<version>-linux-<arch>.tar.gz (amd64 and x86_64 here), each with a .sha256.
package: build
	cd $(BUILD_DIR) && cpack -G "DEB;TGZ"

# On fresh Debian roots (debootstrap, as root; the pristine roots are kept in build-roots/): the release
# build of a clean clone of HEAD, as the release workflow runs it (tests/system/release_build.sh), then
# its package and tarball installed on Debian 12 and 13 (tests/system/fresh_debian.sh).
test-system:
	$(call install_missing,debootstrap)
	$(SUDO) tests/system/release_build.sh build-roots build-roots/artifacts
	$(SUDO) tests/system/fresh_debian.sh build-roots/artifacts build-roots

# Vectorscan instead of Hyperscan: a fresh Debian 12 root (debootstrap, as root) gets libvectorscan-dev
# and runs `make test REGEX_ENGINE=vectorscan` on a clean clone of HEAD (tests/system/vectorscan_build.sh).
test-vectorscan:
	$(call install_missing,debootstrap)
	$(SUDO) tests/system/vectorscan_build.sh build-roots

# AddressSanitizer + UndefinedBehaviorSanitizer on every target; the e2e tests' keyfence subprocesses
# inherit the options, so a report there fails the test through its exit code.
test-sanitize: deps
	cmake -S . -B build-asan -DCMAKE_BUILD_TYPE=RelWithDebInfo -DKEYFENCE_SANITIZE=address,undefined
	cmake --build build-asan -j $(JOBS)
	cd build-asan && $(SANITIZER_ENV) ctest --output-on-failure -j $(JOBS)

# ThreadSanitizer on the multi-threaded history scan (see tests/fuzz/tsan_history.sh).
test-tsan: deps
	cmake -S . -B build-tsan -DCMAKE_BUILD_TYPE=RelWithDebInfo -DKEYFENCE_SANITIZE=thread
	cmake --build build-tsan -j $(JOBS) --target keyfence keyfence_e2e_tests
	tests/fuzz/tsan_history.sh build-tsan

# libFuzzer targets (tests/fuzz/), run one after the other; fails on a crash, leak, timeout or OOM.
# FUZZ_MERGE=1 merges inputs adding coverage back into tests/fuzz/corpus/ (review them before committing:
# `keyfence scan tests/fuzz` must stay clean, since the repository scans itself).
fuzz: fuzz-deps
	CC=clang CXX=clang++ cmake -S . -B build-fuzz -DCMAKE_BUILD_TYPE=Debug -DKEYFENCE_FUZZ=ON -DKEYFENCE_BUILD_TESTS=OFF
	cmake --build build-fuzz -j $(JOBS) --target keyfence_fuzzers
	FUZZ_SECONDS=$(FUZZ_SECONDS) FUZZ_MERGE=$(FUZZ_MERGE) tests/fuzz/run_fuzzers.sh build-fuzz $(FUZZ_TARGETS)

clean:
	rm -rf $(BUILD_DIR)
