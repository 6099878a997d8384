# The quick start: `make demo` and `make test`. Both install what is missing
# with apt-get (through sudo only when not root), configure and build with -j2.
BUILD      ?= build
ASAN_BUILD ?= build-asan
TSAN_BUILD ?= build-tsan
JOBS       ?= 2
CMAKE_FLAGS ?=

DEB_PACKAGES = cmake g++ make pkg-config libwebsocketpp-dev libboost-dev libboost-system-dev \
  libssl-dev rapidjson-dev libcurl4-openssl-dev libsqlite3-dev libfmt-dev catch2 \
  libexpected-dev libsystemd-dev systemd zlib1g-dev

# The tests also start a real proxy (Debian's squid, on 127.0.0.1 with
# its own config; the package's system service is not used) and make a
# test CA with the openssl tool.
TEST_DEB_PACKAGES = squid openssl

# And private Request Tracker 5 servers (SQLite, standalone Starlet, mail
# to mbox files; tests/support/rt_server.h). Without recommends: those add
# about 110 packages (cron, rsyslog, S3 and Dropbox clients) RT's tests
# never use. dbconfig-common asks nothing under DEBIAN_FRONTEND=noninteractive.
RT_DEB_PACKAGES = request-tracker5 rt5-db-sqlite rt5-standalone

# `make package` also needs dpkg-shlibdeps and file (CPack's Depends
# generation); `make test-package` also needs lintian.
PKG_BUILD ?= build-package
PACKAGE_DEB_PACKAGES = dpkg-dev file
PACKAGE_TEST_DEB_PACKAGES = lintian man-db util-linux adduser

SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: all deps test-deps build test test-asan test-tsan demo bench soak clean package package-deps test-package fuzz clang-deps

all: build

# Installs only the packages that are missing, so a ready machine skips apt.
# $(2): more apt-get options. `env` carries DEBIAN_FRONTEND through sudo,
# which would drop it from the environment.
define install_missing
	@missing=$$(for p in $(1); do dpkg-query -W -f='$${Status}\n' $$p 2>/dev/null | grep -q '^install ok installed' || echo $$p; done); \
	if [ -n "$$missing" ]; then \
	  echo "Installing: $$missing"; \
	  $(SUDO) apt-get update -qq && $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $(2) $$missing; \
	fi
endef

deps:
	$(call install_missing,$(DEB_PACKAGES))

test-deps:
	$(call install_missing,$(TEST_DEB_PACKAGES))
	$(call install_missing,$(RT_DEB_PACKAGES),--no-install-recommends)

$(BUILD)/CMakeCache.txt: | deps
	cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=RelWithDebInfo $(CMAKE_FLAGS)

build: deps $(BUILD)/CMakeCache.txt
	cmake --build $(BUILD) -j$(JOBS)

# The `package` label (tests/packaging/package_test.sh installs the .deb on
# this machine) runs only in `make test-package`.
test: build test-deps
	cd $(BUILD) && ctest --output-on-failure -j$(JOBS) -LE '^(package|soak)$$'

# The suite under ASan+UBSan, built with clang (the fuzzers' compiler):
# at -O0 it compiles this code in half the time gcc takes and runs the
# suite in about three quarters, and it builds the tests with a second
# compiler's warnings. tests/ubsan_ignore.txt: third-party code UBSan skips.
$(ASAN_BUILD)/CMakeCache.txt: | deps clang-deps
	cmake -S . -B $(ASAN_BUILD) -DCMAKE_BUILD_TYPE=Debug -DSANITIZERS=address,undefined \
	  -DCMAKE_CXX_COMPILER=clang++ $(CMAKE_FLAGS)

test-asan: deps test-deps clang-deps $(ASAN_BUILD)/CMakeCache.txt
	cmake --build $(ASAN_BUILD) -j$(JOBS)
	cd $(ASAN_BUILD) && ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
	  ctest --output-on-failure -j$(JOBS) -LE '^(package|soak)$$'

# The soak (tests/soak): the real daemon SIGKILLed KILLS times under live
# traffic, then checked for duplicates and losses. Minutes of CPU.
KILLS ?= 200
soak: build
	$(BUILD)/tests/soak/slackdesk_soak --daemon $(BUILD)/daemon/slackdesk --kills $(KILLS)

# The suite under ThreadSanitizer (gcc). halt_on_error: any report fails
# the test that caused it; tests/tsan.supp holds the third-party false
# positives, each with its reason. The tests' waits need no stretching:
# the suite passes under TSan with the timeouts it has. The tests that
# call the RT backend from the test's one thread against a real Request
# Tracker (label rt_backend, over a minute) run in `make test` and
# `make test-asan` only: with no second thread, TSan has nothing to find
# there. The daemon against a real RT (rt:e2e) runs here too.
# At -O1 (TSan's documented minimum), which gcc compiles in about a
# fifth less time than -O2.
$(TSAN_BUILD)/CMakeCache.txt: | deps
	cmake -S . -B $(TSAN_BUILD) -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-O1 -g -DNDEBUG" \
	  -DSANITIZERS=thread $(CMAKE_FLAGS)

test-tsan: deps test-deps $(TSAN_BUILD)/CMakeCache.txt
	cmake --build $(TSAN_BUILD) -j$(JOBS)
	cd $(TSAN_BUILD) && TSAN_OPTIONS="halt_on_error=1 second_deadlock_stack=1 suppressions=$(CURDIR)/tests/tsan.supp" \
	  ctest --output-on-failure -j$(JOBS) -LE '^(package|soak|rt_backend)$$'

# The libFuzzer targets of tests/fuzz, built with clang (ASan+UBSan) in
# their own directory; each runs FUZZ_SECONDS, JOBS at a time, and any
# crash fails the target (tests/fuzz/run.sh prints executions per target).
FUZZ_BUILD   ?= build-fuzz
FUZZ_SECONDS ?= 60
CLANG_DEB_PACKAGES = clang libclang-rt-14-dev

clang-deps:
	$(call install_missing,$(CLANG_DEB_PACKAGES))

$(FUZZ_BUILD)/CMakeCache.txt: | deps clang-deps
	cmake -S . -B $(FUZZ_BUILD) -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_CXX_COMPILER=clang++ \
	  -DSLACKDESK_FUZZ=ON -DSLACKDESK_BUILD_TESTS=OFF $(CMAKE_FLAGS)

fuzz: deps clang-deps $(FUZZ_BUILD)/CMakeCache.txt
	cmake --build $(FUZZ_BUILD) -j$(JOBS) --target fuzzers
	FUZZ_JOBS=$(JOBS) tests/fuzz/run.sh $(FUZZ_BUILD) $(FUZZ_SECONDS)

# HELPDESK=rt plays the same flow against a private Request Tracker 5 from
# Debian's packages (installed here when missing) instead of the fake Jira.
HELPDESK ?= jira

demo: build
ifeq ($(HELPDESK),rt)
	$(call install_missing,$(RT_DEB_PACKAGES),--no-install-recommends)
endif
	$(BUILD)/tools/slackdesk-sim --demo --helpdesk $(HELPDESK) --daemon $(BUILD)/daemon/slackdesk

# The baseline of bench_flow: a plain slack-go Socket Mode client, built
# from Debian's packages in GOPATH mode (nothing downloaded).
BENCH_DEB_PACKAGES = golang-go golang-github-slack-go-slack-dev
SLACKGO_BASELINE = $(BUILD)/bench/slackgo_baseline

$(SLACKGO_BASELINE): bench/slackgo_baseline/main.go
	$(call install_missing,$(BENCH_DEB_PACKAGES))
	cd bench/slackgo_baseline && GO111MODULE=off GOPATH=/usr/share/gocode GOCACHE=$(CURDIR)/$(BUILD)/go-cache \
	  go build -o $(CURDIR)/$(SLACKGO_BASELINE) .

# BENCH_ARGS passes options to bench_flow, e.g. BENCH_ARGS="--mentions 2000 --messages 10000".
# Medians of 3 runs by default: single runs vary by up to 30% on a shared machine.
BENCH_ARGS ?= --repeat 3
bench: build $(SLACKGO_BASELINE)
	$(BUILD)/bench/bench_flow --daemon $(BUILD)/daemon/slackdesk --baseline $(SLACKGO_BASELINE) $(BENCH_ARGS)
	$(BUILD)/bench/bench_ack --daemon $(BUILD)/daemon/slackdesk
	$(BUILD)/bench/bench_poll --daemon $(BUILD)/daemon/slackdesk

package-deps:
	$(call install_missing,$(PACKAGE_DEB_PACKAGES))

# The Debian package: a Release build (warnings still errors) with Debian's
# hardening flags in its own directory, then CPack. Prints the .deb's path.
# Without dpkg-buildflags' -g: CPack strips the binary (CPACK_STRIP_FILES),
# so the debug info would only cost compile time.
package: deps package-deps
	cmake -S . -B $(PKG_BUILD) -DCMAKE_BUILD_TYPE=Release -DSLACKDESK_BUILD_TESTS=OFF \
	  -DWARNINGS_AS_ERRORS=ON -DCMAKE_INSTALL_PREFIX=/usr \
	  -DCMAKE_CXX_FLAGS="$$(DEB_BUILD_MAINT_OPTIONS=hardening=+all dpkg-buildflags --get CPPFLAGS) $$(DEB_BUILD_MAINT_OPTIONS=hardening=+all dpkg-buildflags --get CXXFLAGS | sed 's/\(^\| \)-g\( \|$$\)/ /') -fno-ident" \
	  -DCMAKE_EXE_LINKER_FLAGS="$$(DEB_BUILD_MAINT_OPTIONS=hardening=+all dpkg-buildflags --get LDFLAGS)" \
	  $(CMAKE_FLAGS)
	cmake --build $(PKG_BUILD) -j$(JOBS)
	rm -f $(PKG_BUILD)/slackdesk_*.deb
	cd $(PKG_BUILD) && cpack -G DEB
	@ls $(CURDIR)/$(PKG_BUILD)/slackdesk_*.deb

# Builds the package, then installs, upgrades and purges it on this machine
# (root needed) through ctest's `package` label; see tests/packaging/.
test-package: package
	$(call install_missing,$(PACKAGE_TEST_DEB_PACKAGES))
	cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=RelWithDebInfo $(CMAKE_FLAGS)
	cd $(BUILD) && SLACKDESK_DEB="$$(ls $(CURDIR)/$(PKG_BUILD)/slackdesk_*.deb | head -n 1)" \
	  ctest --output-on-failure -L '^package$$'

clean:
	rm -rf $(BUILD) $(ASAN_BUILD) $(PKG_BUILD) $(TSAN_BUILD) $(FUZZ_BUILD)
