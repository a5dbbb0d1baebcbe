# DeskAuth. Two commands matter on a fresh Debian machine:
#   make run    install what is missing, build, start the app on the default vault
#   make test   install what is missing, run every test
export PATH := /usr/local/go/bin:$(PATH)
GO ?= go
BIN := bin

# Packages that link Fyne (cgo, OpenGL) are tested without the race detector;
# everything else runs with it.
GUI_PKGS := ./app/... ./cmd/deskauth
CORE_PKGS = $(shell $(GO) list ./... | grep -v -e '/app' -e '/cmd/deskauth$$')

.PHONY: all deps build run test test-go test-integration bench clean windows

all: build

deps:
	@scripts/install-deps.sh

build: deps
	$(GO) build -o $(BIN)/deskauth ./cmd/deskauth
	CGO_ENABLED=0 $(GO) build -o $(BIN)/deskauth-cli ./cmd/deskauth-cli

run: build
	$(BIN)/deskauth

test: deps
	$(MAKE) test-go
	$(MAKE) test-integration

# Tools the tests need are installed by deps, so a missing one fails instead of
# skipping.
test-go: export DESKAUTH_REQUIRE_TOOLS = 1
test-go:
	$(GO) vet ./...
	$(GO) test -race -count=1 -timeout 30m $(CORE_PKGS)
	xvfb-run -a -s "-screen 0 1280x1024x24" $(GO) test -count=1 $(GUI_PKGS)

# Each scripts/test-*.sh runs one suite through a real component (Secret
# Service, Wine, a real X screen) and exits non-zero on failure.
test-integration: export DESKAUTH_REQUIRE_TOOLS = 1
test-integration:
	@set -e; for t in scripts/test-*.sh; do [ -e "$$t" ] || continue; echo "== $$t"; bash "$$t"; done

bench: deps
	$(GO) test -run '^$$' -bench . -benchtime 20x ./vault/... ./capture/...
	@set -e; for b in bench/*.sh; do [ -e "$$b" ] || continue; echo "== $$b"; bash "$$b"; done

clean:
	rm -rf $(BIN)

# Windows binaries, cross-built: the GUI needs MinGW for Fyne's cgo; the CLI needs no cgo.
windows: deps
	CGO_ENABLED=1 GOOS=windows GOARCH=amd64 CC=x86_64-w64-mingw32-gcc $(GO) build -ldflags "-H=windowsgui" -o $(BIN)/windows/deskauth.exe ./cmd/deskauth
	CGO_ENABLED=0 GOOS=windows GOARCH=amd64 $(GO) build -o $(BIN)/windows/deskauth-cli.exe ./cmd/deskauth-cli
