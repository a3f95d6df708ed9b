# The README's two commands. Both install missing Debian packages first (checked with dpkg -s; apt-get
# runs only when something is missing), then build Release into build/.
#   make audit   build, then audit this repository's whole history
#   make test    build, then run the whole test suite
BUILD_DIR ?= build
JOBS ?= $(shell nproc)
DEPS := cmake g++ make pkg-config git libhyperscan-dev libre2-dev libfmt-dev libtomlplusplus-dev libcli11-dev \
        nlohmann-json3-dev doctest-dev libssl-dev zlib1g-dev libgit2-dev libarchive-dev git-filter-repo
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: all deps build audit test clean
all: build

deps:
	@missing=$$(for p in $(DEPS); do dpkg -s $$p >/dev/null 2>&1 || echo $$p; done); \
	if [ -n "$$missing" ]; then \
	  echo "Installing missing packages:" $$missing; \
	  $(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq $$missing; \
	fi

build: deps
	cmake -S . -B $(BUILD_DIR) -DCMAKE_BUILD_TYPE=Release
	cmake --build $(BUILD_DIR) -j $(JOBS)

# Every blob ever committed to this repository, on every ref.
audit: build
	./$(BUILD_DIR)/keyfence history .

test: build
	cd $(BUILD_DIR) && ctest --output-on-failure -j $(JOBS)

clean:
	rm -rf $(BUILD_DIR)
