#!/usr/bin/env bash
# wine-env.sh: run DeskAuth's Windows builds under Wine (+ Xvfb) in tests.
#
# Wine 8 (Debian) cannot start Go >= 1.24 programs: they import ProcessPrng from
# bcryptprimitives.dll, which Wine 8 lacks. This script makes a Wine prefix,
# builds scripts/wine/bcryptprimitives.c (ProcessPrng -> RtlGenRandom) with
# x86_64-w64-mingw32-gcc into its system32, and can start an Xvfb screen for
# programs that capture the screen or open windows. 64-bit only: Go's amd64
# build needs nothing in syswow64.
#
# As a library (the usual way, in a test script):
#
#   . scripts/wine-env.sh
#   trap wine_env_cleanup EXIT       # kills what it started, removes temp dirs
#   wine_env_setup                   # once per run: prefix + shim (10-20 s cold here)
#   wine_env_xvfb 1920x1080x24       # optional: starts Xvfb, exports DISPLAY
#   feh --geometry +1500+600 qr.png &        # Linux X clients use the same
#                                            # screen (wait until it is mapped)
#   wine_run ./deskauth-cli.exe scan --raw   # like running it: stdout, stderr
#                                            # and exit status pass through
#   wine_build_tests ./capture capture.test.exe   # go test -c for Windows,
#   (cd capture && wine_run ../capture.test.exe -test.v)   # Wine-proofed
#
# Paths: Windows programs see / as Z:\; pass `winepath -w FILE` for a file.
# The environment (DESKAUTH_VAULT, ...) reaches the Windows program as is.
# Checked: a Go program using kbinani/screenshot under wine_run captures the
# Xvfb screen (GDI), and zbarimg reads a QR shown there with feh from its PNG.
#
# Or as a command, which does all of the above and cleans up afterwards:
#
#   scripts/wine-env.sh run [--screen 1920x1080x24] prog.exe [args...]
#   scripts/wine-env.sh setup    # only make the prefix; prints its path
#
# Environment:
#   WINE_ENV_PREFIX  use (and keep) this prefix instead of a fresh temporary
#                    one; setup is skipped when it already holds the shim.
#   WINEDEBUG        defaults to -all (quiet).
#
# The prefix is private to this run (or to WINE_ENV_PREFIX), so DPAPI keys,
# registry and files never touch a real ~/.wine. Wine itself is not started
# for the Xvfb display until wine_run: wineboot runs without a display.

_wine_env_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
. "$_wine_env_dir/lib.sh"
export WINEDEBUG=${WINEDEBUG:--all}
export WINEARCH=win64
_wine_env_tmp=
_wine_env_xvfb_pid=

_wine_env_log() { echo "wine-env: $*" >&2; }

# wine_env_setup creates the prefix (once) and installs the shim in it.
wine_env_setup() {
	local tool
	for tool in wine wineserver x86_64-w64-mingw32-gcc; do
		if ! command -v "$tool" >/dev/null; then
			_wine_env_log "$tool is missing (install wine, wine64, gcc-mingw-w64-x86-64)"
			return 1
		fi
	done
	if [ -n "${WINE_ENV_PREFIX:-}" ]; then
		export WINEPREFIX=$WINE_ENV_PREFIX
	else
		_wine_env_tmp=$(mktemp -d "${TMPDIR:-/tmp}/deskauth-wine.XXXXXX")
		export WINEPREFIX=$_wine_env_tmp/prefix
	fi
	local sys32=$WINEPREFIX/drive_c/windows/system32
	if [ -f "$sys32/bcryptprimitives.dll" ] && [ -f "$WINEPREFIX/system.reg" ]; then
		return 0
	fi
	local start=$SECONDS
	# No Mono or Gecko install prompts: nothing here needs .NET or a browser.
	# No display either, so no window ever shows during setup.
	if ! env -u DISPLAY WINEDLLOVERRIDES="mscoree,mshtml=" wine wineboot -i >/dev/null 2>&1; then
		_wine_env_log "wineboot -i failed in $WINEPREFIX"
		return 1
	fi
	wineserver -w
	if ! x86_64-w64-mingw32-gcc -shared -O2 -s -o "$sys32/bcryptprimitives.dll" \
		"$_wine_env_dir/wine/bcryptprimitives.c" -ladvapi32; then
		_wine_env_log "building the bcryptprimitives shim failed"
		return 1
	fi
	WINE_ENV_SETUP_SECONDS=$((SECONDS - start))
	_wine_env_log "prefix ready in ${WINE_ENV_SETUP_SECONDS}s: $WINEPREFIX"
}

# wine_env_xvfb [WxHxD] starts an Xvfb screen (start_xvfb in lib.sh) and
# exports DISPLAY for it.
wine_env_xvfb() {
	start_xvfb "$@" || return 1
	_wine_env_xvfb_pid=$LIB_XVFB_PID
}

# wine_run PROG.exe [ARGS...] runs a Windows program in the prefix, with its
# stdin, stdout, stderr and exit status passed through.
wine_run() {
	if [ -z "${WINEPREFIX:-}" ]; then
		_wine_env_log "call wine_env_setup first"
		return 1
	fi
	wine "$@"
}

# wine_build_tests PKG OUT.exe builds PKG's tests (`go test -c`) for 64-bit
# Windows, with Go's os.RemoveAll fallback switched on (Wine 8 answers the call
# it tries first with "Invalid function.", and every t.TempDir cleanup fails);
# see scripts/wine/deleteat_fallback_windows_test.go.txt. Run the result with
# wine_run from PKG's folder, as go test does, when it reads testdata/.
wine_build_tests() {
	local pkg=$1 out=$2 dir name tmp
	dir=$(GOOS=windows go list -f '{{.Dir}}' "$pkg") || return 1
	name=$(GOOS=windows go list -f '{{.Name}}' "$pkg") || return 1
	tmp=$(mktemp -d "${TMPDIR:-/tmp}/deskauth-wine-build.XXXXXX")
	sed "s/^package PACKAGE\$/package $name/" "$_wine_env_dir/wine/deleteat_fallback_windows_test.go.txt" >"$tmp/fallback.go"
	printf '{"Replace":{"%s":"%s"}}' "$dir/zz_wine_deleteat_windows_test.go" "$tmp/fallback.go" >"$tmp/overlay.json"
	GOOS=windows GOARCH=amd64 CGO_ENABLED=0 go test -c -overlay "$tmp/overlay.json" \
		-ldflags=-checklinkname=0 -o "$out" "$pkg"
	local status=$?
	rm -rf "$tmp"
	return $status
}

# wine_env_cleanup stops the wineserver and Xvfb this script started and
# removes the temporary prefix (never a WINE_ENV_PREFIX).
wine_env_cleanup() {
	if [ -n "${WINEPREFIX:-}" ] && [ -d "$WINEPREFIX" ]; then
		wineserver -k >/dev/null 2>&1 || true
	fi
	if [ -n "$_wine_env_xvfb_pid" ]; then
		kill "$_wine_env_xvfb_pid" 2>/dev/null || true
		wait "$_wine_env_xvfb_pid" 2>/dev/null || true
		_wine_env_xvfb_pid=
	fi
	if [ -n "$_wine_env_tmp" ]; then
		rm -rf "$_wine_env_tmp"
		_wine_env_tmp=
	fi
}

# Run as a command rather than sourced.
if [ "${BASH_SOURCE[0]}" = "$0" ]; then
	set -euo pipefail
	case "${1:-}" in
	setup)
		: "${WINE_ENV_PREFIX:?set WINE_ENV_PREFIX to the prefix to create and keep}"
		wine_env_setup
		echo "$WINEPREFIX"
		;;
	run)
		shift
		screen=
		if [ "${1:-}" = --screen ]; then
			screen=$2
			shift 2
		fi
		[ $# -ge 1 ] || { echo "usage: $0 run [--screen WxHxD] prog.exe [args...]" >&2; exit 2; }
		trap wine_env_cleanup EXIT
		wine_env_setup
		wine_env_xvfb ${screen:+"$screen"}
		status=0
		wine_run "$@" || status=$?
		exit "$status"
		;;
	*)
		sed -n '2,/^$/s/^# \{0,1\}//p' "$0" >&2
		exit 2
		;;
	esac
fi
