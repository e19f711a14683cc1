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

.PHONY: run build test test-under-load bench package deps deps-test check-go clean nats-server

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
package: deps check-go
	$(GO) install $(FYNE_TOOL)
	@tmp=$$(mktemp -d) && git ls-files -z | xargs -0 cp --parents -t $$tmp && \
	  (cd $$tmp && fyne package -os linux) && cp $$tmp/*.tar.xz . && rm -rf $$tmp && ls -l ./*.tar.xz

package-check: package
	@f="Concurrency Lab.tar.xz"; tar -tJf "$$f" > /tmp/concurrencylab-pkg.txt; \
	  for want in '\.desktop$$' '(icons|pixmaps)/.*\.png$$' 'bin/'; do \
	    grep -Eq "$$want" /tmp/concurrencylab-pkg.txt || { echo "$$f lacks $$want:"; cat /tmp/concurrencylab-pkg.txt; exit 1; }; \
	  done; echo "$$f holds the binary, the .desktop file and the icon:"; cat /tmp/concurrencylab-pkg.txt

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
	rm -f $(BIN) *.tar.xz
