# Concurrency Lab. `make run` opens the window, `make test` runs every test.
# Both install the Debian packages they need when missing (with sudo unless root).

GO      ?= go
TAGS    := migrated_fynedo
BIN     := concurrencylab
SUDO    := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
# Fyne needs cgo and the X11/GL headers; the tests also need a virtual display.
RUN_DEBS  := gcc pkg-config libgl1-mesa-dev xorg-dev libturbojpeg0-dev libisal-dev
TEST_DEBS := $(RUN_DEBS) xvfb xauth
FYNE_TOOL := fyne.io/tools/cmd/fyne@v1.7.4
# The cluster mode's test against a separately started server runs this one.
NATS_SERVER := github.com/nats-io/nats-server/v2@v2.15.2
XVFB      := xvfb-run -a -s "-screen 0 1280x1024x24"
export LANG := en_US.UTF-8
export PATH := $(PATH):$(shell $(GO) env GOPATH 2>/dev/null)/bin

# The packages link libjpeg-turbo and ISA-L statically, so that they need
# neither Go nor these libraries on the user's machine: scripts/build-deps.sh
# builds them once from Debian's source packages into this cache.
export CL_DEPS_CACHE := $(HOME)/.cache/concurrencylab-build
MINGW     := $(CL_DEPS_CACHE)/mingw
# The linker looks first in a folder that holds only the .a files. As a link
# flag (-extldflags) it leaves Go's build cache of the cgo packages as it is.
STATIC_LD := -ldflags=-extldflags=-L$(CL_DEPS_CACHE)/linux/lib
# The packages leave out the DWARF debugging information (-s -w): it made the
# .exe 82 MB; a panic's stack trace does not need it. fyne package gathers
# GOFLAGS' -ldflags= into one -ldflags.
STRIP_LD  := -ldflags=-s -ldflags=-w
WIN_DEBS  := gcc-mingw-w64-x86-64 cmake nasm dpkg-dev zip
WINE_DEBS := wine wine64 xvfb xauth
WIN_EXE   := Concurrency Lab.exe
# Windows (amd64) with Debian's mingw. fyne package appends its own C flags
# (FYNE_CFLAGS) to CGO_CFLAGS; build-windows gives the same ones, so both
# share Go's build cache (a cold build of Fyne's C code takes minutes).
WIN_ENV     := GOOS=windows GOARCH=amd64 CGO_ENABLED=1 CC=x86_64-w64-mingw32-gcc
FYNE_CFLAGS := -O2 -g -fexceptions -fasynchronous-unwind-tables -pipe
VERSION   = $(shell sed -n 's/^Version *= *"\(.*\)"/\1/p' FyneApp.toml)

.PHONY: run build test test-under-load bench package deps deps-test check-go clean nats-server \
	mingw-deps static-deps deps-windows deps-wine build-windows package-windows dist \
	vet-cross wine-smoke fyne-tool

run: build
	./$(BIN)

build: deps check-go
	$(GO) build -tags $(TAGS) -o $(BIN) .

bench: build
	./$(BIN) bench

# The tests run without the migrated_fynedo tag, so Fyne's thread checker is
# on; the window test fails on any "Error in Fyne call thread". The build with
# the tag is fyne package's own: a separate `go build -tags` would compile
# Fyne's C code a second time, as fyne package sets its own CGO_CFLAGS.
test: deps-test check-go nats-server
	@echo "== gofmt"; out=$$(gofmt -l .); if [ -n "$$out" ]; then echo "not gofmt'ed: $$out"; exit 1; fi
	@echo "== go vet"; $(GO) vet ./...
	@echo "== layers (nothing under jobs/ imports jobs)"; up=$$($(GO) list -f '{{.ImportPath}}: {{join .Imports " "}}' ./jobs/... | \
	  awk -F': ' '$$1!="concurrencylab/jobs" && (" " $$2 " ") ~ / concurrencylab\/jobs /{print $$1}'); \
	  if [ -n "$$up" ]; then echo "under jobs/ but importing jobs (move them beside it): $$up"; exit 1; fi
	@echo "== go test -race (the window under Xvfb)"; $(XVFB) $(GO) test -race -count=1 ./...
	@echo "== fyne package (the build with the $(TAGS) tag)"; $(MAKE) --no-print-directory package-check
	@echo "== go vet for macOS and Windows without cgo"; $(MAKE) --no-print-directory vet-cross

# macOS cannot be built here: its code and the pure-Go fallbacks of the cgo
# packages are kept compiling by vetting them with its build tags. Windows'
# too without cgo (its cgo build is make package-windows, in .ci/run).
vet-cross: check-go
	GOOS=darwin GOARCH=arm64 CGO_ENABLED=0 $(GO) vet ./jobs/... ./cli/...
	GOOS=windows GOARCH=amd64 CGO_ENABLED=0 $(GO) vet ./jobs/... ./cli/...

fyne-tool: check-go
	@command -v fyne >/dev/null && fyne version 2>/dev/null | grep -q 'v1.7.4' || $(GO) install $(FYNE_TOOL)

# The window's and the cluster's tests with two busy programs beside them, as
# on a participant's laptop (slides, a browser): nothing may fail only because
# the machine is slow. The busy loops are this shell's children, killed on any
# exit (the trap), so none outlives the target.
UNDER_LOAD_PKGS := ./ui/ ./jobs/cluster/
test-under-load: deps-test check-go nats-server
	@busy=""; trap 'kill $$busy 2>/dev/null || true' EXIT INT TERM; \
	  for i in 1 2; do sh -c 'while :; do :; done' & busy="$$busy $$!"; done; \
	  echo "== go test -race under load (two busy programs:$$busy)"; t0=$$(date +%s); ok=true; \
	  $(XVFB) $(GO) test -race -count=1 -timeout 30m $(UNDER_LOAD_PKGS) || ok=false; \
	  $(GO) test -race -count=1 -timeout 30m -run 'Cluster' ./jobs/ || ok=false; \
	  $(GO) test -race -count=1 -timeout 30m -run 'Cluster|Join' ./cli/ || ok=false; \
	  echo "== under load: $$(( $$(date +%s) - t0 )) s; load average $$(cut -d' ' -f1-3 /proc/loadavg)"; $$ok

# fyne package bumps Details.Build in FyneApp.toml: package a copy.
package: deps static-deps fyne-tool
	@tmp=$$(mktemp -d) && git ls-files -z | xargs -0 cp --parents -t $$tmp && \
	  (cd $$tmp && GOFLAGS="$(STATIC_LD) $(STRIP_LD)" fyne package -os linux) && cp $$tmp/*.tar.xz . && rm -rf $$tmp && ls -l ./*.tar.xz

# The Windows program, built from Linux. fyne package runs go build twice,
# the second time with the icon and version resource (27 s against 48 s
# warm); given an existing -executable it skips the first, so an empty
# placeholder stands in for it.
package-windows: mingw-deps fyne-tool
	@tmp=$$(mktemp -d) && git ls-files -z | xargs -0 cp --parents -t $$tmp && \
	  (cd $$tmp && touch $(BIN).exe && $(WIN_ENV) CGO_CFLAGS="-I$(MINGW)/include" CGO_LDFLAGS="-L$(MINGW)/lib" \
	    GOFLAGS="$(STRIP_LD)" fyne package -os windows -executable $(BIN).exe) && \
	  cp "$$tmp/$(WIN_EXE)" . && rm -rf $$tmp && ls -l "$(WIN_EXE)" || { rm -rf $$tmp; exit 1; }

# The same program without the icon, for trying changes (a GUI program, as
# packaged: the console lines come from attaching to the parent's console).
build-windows: mingw-deps check-go
	$(WIN_ENV) CGO_CFLAGS="-I$(MINGW)/include $(FYNE_CFLAGS)" CGO_LDFLAGS="-L$(MINGW)/lib " \
	  $(GO) build -tags $(TAGS) -ldflags -H=windowsgui -o $(BIN).exe .

# What a facilitator hands the room: both packages, the .exe also zipped
# (some mail and download filters refuse a bare .exe), and their SHA-256 sums.
dist: package package-windows
	rm -rf dist && mkdir dist
	cp "Concurrency Lab.tar.xz" dist/concurrency-lab-$(VERSION)-linux-amd64.tar.xz
	cp "$(WIN_EXE)" dist/
	cd dist && zip -q -9 concurrency-lab-$(VERSION)-windows-amd64.zip "$(WIN_EXE)" && \
	  sha256sum -- * > SHA256SUMS && cat SHA256SUMS && ls -l

# The .exe under wine (scripts/wine-smoke.sh), with the Linux package's
# binary beside it for the thumbnails per second of both.
wine-smoke: deps-wine
	@[ -f "$(WIN_EXE)" ] || $(MAKE) --no-print-directory package-windows
	@d=$$(mktemp -d) && { [ ! -f "Concurrency Lab.tar.xz" ] || tar -xJf "Concurrency Lab.tar.xz" -C $$d; } && \
	  native=$$(find $$d -path '*bin/*' -type f | head -1); \
	  bash scripts/wine-smoke.sh "$(WIN_EXE)" $$native; rc=$$?; rm -rf $$d; exit $$rc

mingw-deps: deps-windows
	@bash scripts/build-deps.sh mingw

static-deps: deps
	@bash scripts/build-deps.sh linux

deps-windows:
	@$(MAKE) --no-print-directory install-debs DEBS="$(WIN_DEBS)"

deps-wine:
	@$(MAKE) --no-print-directory install-debs DEBS="$(WIN_DEBS) $(WINE_DEBS)"

package-check: package
	@f="Concurrency Lab.tar.xz"; tar -tJf "$$f" > /tmp/concurrencylab-pkg.txt; \
	  for want in '\.desktop$$' '(icons|pixmaps)/.*\.png$$' 'bin/'; do \
	    grep -Eq "$$want" /tmp/concurrencylab-pkg.txt || { echo "$$f lacks $$want:"; cat /tmp/concurrencylab-pkg.txt; exit 1; }; \
	  done; echo "$$f holds the binary, the .desktop file and the icon:"; cat /tmp/concurrencylab-pkg.txt
	@d=$$(mktemp -d) && tar -xJf "Concurrency Lab.tar.xz" -C $$d && b=$$(find $$d -path '*bin/*' -type f | head -1) && \
	  ldd "$$b" > /tmp/concurrencylab-ldd.txt; rm -rf $$d; \
	  if grep -Ei 'turbojpeg|isal' /tmp/concurrencylab-ldd.txt; then echo "the packaged binary needs the libraries above: link them statically"; exit 1; fi; \
	  echo "the packaged binary needs no libjpeg-turbo or ISA-L (ldd):"; cat /tmp/concurrencylab-ldd.txt

# A standalone NATS server (with JetStream: nats-server -js), from the Go
# module proxy, for the test of the cluster mode on someone else's server.
nats-server: check-go
	@command -v nats-server >/dev/null || $(GO) install $(NATS_SERVER)

deps:
	@$(MAKE) --no-print-directory install-debs DEBS="$(RUN_DEBS)"

deps-test:
	@$(MAKE) --no-print-directory install-debs DEBS="$(TEST_DEBS)"

install-debs:
	@missing=$$(for p in $(DEBS); do dpkg -s $$p >/dev/null 2>&1 || echo $$p; done); \
	if [ -n "$$missing" ]; then \
	  echo "installing:" $$missing; \
	  $(SUDO) apt-get update -qq && $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing; \
	fi

check-go:
	@command -v $(GO) >/dev/null || { echo "Go 1.26 or newer is needed: https://go.dev/dl/"; exit 1; }

clean:
	rm -rf $(BIN) $(BIN).exe *.tar.xz "$(WIN_EXE)" dist
