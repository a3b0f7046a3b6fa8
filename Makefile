# Stapje: the two commands of the README, and the checks CI runs.
# `make run` starts the assistant on the bundled content; `make test` runs every test.
# Both install the Debian packages the project needs when they are missing.

SWIFT ?= swift
DEB_PACKAGES := libreadline-dev libsqlite3-dev libyaml-dev
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: run test deps build release check lint format bench eval clinc

deps:
	@missing=""; for p in $(DEB_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
		echo "Installing:$$missing"; \
		$(SUDO) apt-get update -qq && $(SUDO) apt-get install -y -qq $$missing; \
	fi

build: deps
	$(SWIFT) build

run: build
	$(SWIFT) run --skip-build stapje

test: deps
	$(SWIFT) build --build-tests
	$(SWIFT) run --skip-build stapje check
	# Two runs: the terminal and desk tests drive real processes through pseudo-terminals and block while they
	# wait; on a 2-core machine they would starve the async tests of the other targets (same test process).
	$(SWIFT) test --skip-build --filter 'StapjeTerminalTests|StapjeClientTests'
	$(SWIFT) test --skip-build --skip 'StapjeTerminalTests|StapjeClientTests'

# The Swift runtime and Foundation linked into the executables (about 4 MB less resident memory than loading them
# as shared libraries, and calls into the runtime without the indirection), by lld with:
# - no exported symbols (SwiftPM exports every function of an executable: 27,000 names for the loader to hash);
# - relative relocations packed (DT_RELR, glibc 2.36+: 2.7 MB of relocation records become 22 KB; the program
#   stays position-independent, so its addresses stay randomised);
# - identical functions folded where no address is compared (--icf=safe);
# - the functions the program runs side by side (scripts/link-order.sh), each function compiled into a section of
#   its own so that the linker can move it alone: without that, most of a Swift file's code is one block, which
#   moves whole, and the functions a program runs were spread over 8 MB of code instead of 4 (1.2 MB less resident).
# Together they took the resident memory of `stapje bench` from 37 MB to 27 MB when they came, with the content of
# then (README, "Figures", has today's).
RELEASE_LINK := -Xswiftc -Xfrontend -Xswiftc -function-sections \
	-Xswiftc -use-ld=lld -Xlinker -z -Xlinker pack-relative-relocs -Xlinker --no-export-dynamic \
	-Xlinker --icf=safe -Xlinker --symbol-ordering-file=$(CURDIR)/scripts/link-order/symbols.txt \
	-Xlinker --no-warn-symbol-ordering
release: deps
	$(SWIFT) build -c release --static-swift-stdlib $(RELEASE_LINK)

check: build
	$(SWIFT) run --skip-build stapje check

lint:
	$(SWIFT) format lint --strict --recursive Package.swift Sources Tests

format:
	$(SWIFT) format --in-place --recursive Package.swift Sources Tests

# Figures (benchmarks print numbers; they assert nothing).
bench: release
	.build/release/stapje bench ../shared/eval/dev.tsv
eval: build
	.build/debug/stapje eval ../shared/eval/dev.tsv
clinc: release
	scripts/clinc150.sh
