# The quick start: `make demo` and `make test`. Both install what is missing
# with apt-get (through sudo only when not root), configure and build with -j2.
BUILD      ?= build
ASAN_BUILD ?= build-asan
JOBS       ?= 2
CMAKE_FLAGS ?=

DEB_PACKAGES = cmake g++ make pkg-config libwebsocketpp-dev libboost-dev libboost-system-dev \
  libssl-dev rapidjson-dev libcurl4-openssl-dev libsqlite3-dev libfmt-dev catch2 \
  libexpected-dev libsystemd-dev

SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: all deps build test test-asan demo bench clean

all: build

# Installs only the packages that are missing, so a ready machine skips apt.
deps:
	@missing=$$(for p in $(DEB_PACKAGES); do dpkg-query -W -f='$${Status}\n' $$p 2>/dev/null | grep -q '^install ok installed' || echo $$p; done); \
	if [ -n "$$missing" ]; then \
	  echo "Installing: $$missing"; \
	  $(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq $$missing; \
	fi

$(BUILD)/CMakeCache.txt: | deps
	cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=RelWithDebInfo $(CMAKE_FLAGS)

build: deps $(BUILD)/CMakeCache.txt
	cmake --build $(BUILD) -j$(JOBS)

test: build
	cd $(BUILD) && ctest --output-on-failure -j$(JOBS)

$(ASAN_BUILD)/CMakeCache.txt: | deps
	cmake -S . -B $(ASAN_BUILD) -DCMAKE_BUILD_TYPE=Debug -DSANITIZERS=address,undefined $(CMAKE_FLAGS)

test-asan: deps $(ASAN_BUILD)/CMakeCache.txt
	cmake --build $(ASAN_BUILD) -j$(JOBS)
	cd $(ASAN_BUILD) && ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
	  ctest --output-on-failure -j$(JOBS)

demo: build
	$(BUILD)/tools/slackdesk-sim --demo --daemon $(BUILD)/daemon/slackdesk

bench: build
	$(BUILD)/bench/bench_ack --daemon $(BUILD)/daemon/slackdesk

clean:
	rm -rf $(BUILD) $(ASAN_BUILD)
