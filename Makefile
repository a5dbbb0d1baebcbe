# DeskAuth. Two commands matter on a fresh Debian machine:
#   make run    install what is missing, build, start the app on the default vault
#   make test   install what is missing, run every test
export PATH := /usr/local/go/bin:$(PATH)
GO ?= go
BIN := bin

# Packages that link Fyne (cgo, OpenGL) are tested without the race detector;
# everything else runs with it.
GUI_PKGS := ./app/... ./cmd/deskauth ./cmd/deskauth-screenshots ./bench/gui-idle
CORE_PKGS = $(shell $(GO) list ./... | grep -v -e '/app' -e '/cmd/deskauth$$' -e '/cmd/deskauth-screenshots$$' -e '/bench/gui-idle$$')

.PHONY: all deps build run test test-go test-integration bench fuzz clean windows screenshots
.PHONY: dist dist-windows dist-linux dist-macos dist-checksums dist-manifests test-dist

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

# Every fuzzer in the repository (found by go test -list), FUZZTIME each:
#   make fuzz                 60 s per fuzzer
#   make fuzz FUZZTIME=10m    before a release
FUZZTIME ?= 60s
fuzz:
	FUZZTIME=$(FUZZTIME) scripts/fuzz.sh

# A PNG of every screen, English and Japanese, light and dark, from the real
# window under Xvfb (docs/SCREENSHOTS.md). SHOTS picks the folder.
SHOTS ?= screenshots
screenshots: deps
	$(GO) build -o $(BIN)/deskauth-screenshots ./cmd/deskauth-screenshots
	xvfb-run -a -s "-screen 0 1280x1024x24" $(BIN)/deskauth-screenshots -o $(SHOTS)

clean:
	rm -rf $(BIN)

# Windows binaries, cross-built: the GUI needs MinGW for Fyne's cgo; the CLI needs no cgo.
windows: deps
	CGO_ENABLED=1 GOOS=windows GOARCH=amd64 CC=x86_64-w64-mingw32-gcc $(GO) build -ldflags "-H=windowsgui" -o $(BIN)/windows/deskauth.exe ./cmd/deskauth
	CGO_ENABLED=0 GOOS=windows GOARCH=amd64 $(GO) build -o $(BIN)/windows/deskauth-cli.exe ./cmd/deskauth-cli

# Release packages (scripts/dist, packaging/; see README.md, "Building the packages"). make dist
# builds what this machine can: on Linux the Windows installer and portable
# zip (cross-built) and the Linux tar.xz and .deb; on macOS the universal .dmg;
# on Windows (MSYS2) the Windows ones. Everything lands in dist/ (DIST_DIR)
# with SHA256SUMS. The version comes from the git tag (scripts/dist/version.sh).
# Windows programs are signed when DESKAUTH_SIGN_PFX or DESKAUTH_SIGN_CERT/KEY
# is set (scripts/dist/sign.sh).
DIST_DIR ?= dist
export DIST_DIR
UNAME_S := $(shell uname -s)
ifeq ($(UNAME_S),Darwin)
DIST_TARGETS := dist-macos
DIST_DEPS :=
else ifneq ($(filter MINGW% MSYS%,$(UNAME_S)),)
DIST_TARGETS := dist-windows
DIST_DEPS :=
else
DIST_TARGETS := dist-windows dist-linux
DIST_DEPS := deps
endif

dist: $(DIST_DEPS)
	rm -rf $(DIST_DIR)
	DESKAUTH_VERSION=$$(scripts/dist/version.sh) && export DESKAUTH_VERSION && \
		for t in $(DIST_TARGETS); do $(MAKE) --no-print-directory $$t || exit 1; done
	$(MAKE) --no-print-directory dist-checksums

dist-windows:
	scripts/dist/windows.sh

dist-linux:
	scripts/dist/linux.sh

dist-macos:
	scripts/dist/macos.sh

dist-checksums:
	scripts/dist/checksums.sh $(DIST_DIR)

# The Homebrew cask and winget manifests for the artifacts in DIST_DIR, after
# dist-checksums (the release workflow, once every platform's files are in).
dist-manifests:
	scripts/dist/manifests.sh $(DIST_DIR)

# The packages checked for real: the installer under Wine, lintian, signatures.
test-dist: export DESKAUTH_REQUIRE_TOOLS = 1
test-dist: deps
	bash scripts/test-dist.sh
