# lib.sh: what the shell suites (scripts/test-*.sh) share. Source it from the
# repository's root:
#
#   . scripts/lib.sh
#   suite "Secret Service suite"       # its name in the last line; cleans up at exit
#   require_tools dbus-run-session oathtool
#   at_exit 'rm -rf "$work"'           # run at exit, once background jobs are stopped
#   start_xvfb 1920x1080x24            # a private X screen; exports DISPLAY
#   feh pic.png & track $!             # stopped at exit
#   pass "what worked"                 # ok   what worked
#   fail "what did not"                # FAIL what did not   (the suite goes on)
#   fatal "cannot go on"               # FAIL cannot go on   (and finish)
#   finish                             # PASS: NAME or FAIL: NAME, exit 0 or 1
#
# A missing tool fails the suite under DESKAUTH_REQUIRE_TOOLS=1 (make test
# installs every tool) and skips it otherwise, as the Go tests do
# (internal/testenv.Require).

export PATH=/usr/local/go/bin:$PATH
LIB_FAILED=0
_lib_name=$(basename "$0" .sh)
_lib_pids=()
_lib_at_exit=()

# suite NAME names the suite and stops what it started when the shell exits.
suite() {
	_lib_name=$1
	trap _lib_cleanup EXIT
}

# at_exit CMD runs CMD (a string, evaluated) when the suite exits, after
# the tracked processes are stopped; the last registered runs first.
at_exit() { _lib_at_exit=("$1" "${_lib_at_exit[@]}"); }

# track PID stops the background process PID when the suite exits; the last
# tracked stops first, so X clients go before their X server.
track() { _lib_pids=("$1" "${_lib_pids[@]}"); }

_lib_cleanup() {
	local cmd p
	for p in "${_lib_pids[@]}"; do kill "$p" 2>/dev/null || true; done
	for p in "${_lib_pids[@]}"; do wait "$p" 2>/dev/null || true; done
	for cmd in "${_lib_at_exit[@]}"; do eval "$cmd" || true; done
}

pass() { echo "ok   $*"; }
fail() {
	echo "FAIL $*"
	LIB_FAILED=1
}
fatal() {
	fail "$@"
	finish
}

# finish ends the suite: exit 0 if nothing failed, 1 otherwise.
finish() {
	if [ "$LIB_FAILED" = 0 ]; then
		echo "PASS: $_lib_name"
		exit 0
	fi
	echo "FAIL: $_lib_name"
	exit 1
}

# require_tools TOOL... skips the suite (exit 0) when a tool is missing, or
# fails it under DESKAUTH_REQUIRE_TOOLS=1.
require_tools() {
	local tool missing=()
	for tool in "$@"; do
		command -v "$tool" >/dev/null || missing+=("$tool")
	done
	[ ${#missing[@]} = 0 ] && return 0
	if [ "${DESKAUTH_REQUIRE_TOOLS:-}" = 1 ]; then
		echo "FAIL: $_lib_name: ${missing[*]} missing (DESKAUTH_REQUIRE_TOOLS=1; scripts/install-deps.sh installs them)"
		exit 1
	fi
	echo "SKIP: $_lib_name: ${missing[*]} not installed (scripts/install-deps.sh installs them)"
	exit 0
}

# start_xvfb [WxHxD] starts a private Xvfb screen (default 1280x1024x24) on a
# free display, exports DISPLAY for it as a plain X11 session, and sets
# LIB_XVFB_PID. It is stopped when the suite exits (after suite), or with
# kill "$LIB_XVFB_PID".
start_xvfb() {
	local screen=${1:-1280x1024x24} dir display
	require_tools Xvfb
	dir=$(mktemp -d "${TMPDIR:-/tmp}/deskauth-xvfb.XXXXXX")
	mkfifo "$dir/displayfd"
	# -displayfd picks a free display number and reports it when ready.
	Xvfb -displayfd 3 -screen 0 "$screen" -nolisten tcp -noreset 3>"$dir/displayfd" >"$dir/log" 2>&1 &
	LIB_XVFB_PID=$!
	track "$LIB_XVFB_PID"
	if ! read -r -t 30 display <"$dir/displayfd" || [ -z "$display" ]; then
		echo "FAIL Xvfb $screen did not start: $(cat "$dir/log")"
		rm -rf "$dir"
		return 1
	fi
	rm -rf "$dir"
	export DISPLAY=:$display XDG_SESSION_TYPE=x11
	unset WAYLAND_DISPLAY
}

# cli_end_to_end VAULT_FILE runs deskauth-cli end to end on a new vault
# protected by the OS key store: init --protect os, add (a URI, then fields),
# no secret readable in VAULT_FILE, then each later command a new process
# that reopens the vault: list shows both accounts, and code agrees with
# oathtool at a fixed instant and live. The caller defines cli ARGS..., which
# runs the CLI (built for this OS or under Wine) on that vault.
cli_end_to_end() {
	local vault=$1 out want got before after
	local at=2026-01-01T00:00:00Z oat="2026-01-01 00:00:00 UTC"
	if out=$(cli init --protect os 2>&1) && [ -s "$vault" ]; then
		pass "init --protect os: $out"
	else
		fail "init --protect os: $out"
	fi
	out=$(cli add 'otpauth://totp/Example:alice@example.com?secret=JBSWY3DPEHPK3PXP&issuer=Example' 2>&1) &&
		pass "add URI: $out" || fail "add URI: $out"
	out=$(cli add --issuer '認証' --name bob --secret GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ --digits 8 --algorithm SHA256 2>&1) &&
		pass "add fields: $out" || fail "add fields: $out"
	if grep -q -e JBSWY3DPEHPK3PXP -e GEZDGNBVGY3TQOJQ "$vault"; then
		fail "a secret is readable in the vault file"
	fi
	out=$(cli list 2>&1)
	if echo "$out" | grep -q 'Example (alice@example.com)' && echo "$out" | grep -q '認証 (bob)'; then
		pass "reopened, list shows both accounts"
	else
		fail "list after reopen: $out"
	fi
	# Windows programs end lines with CR LF.
	want=$(oathtool --totp -b --now "$oat" JBSWY3DPEHPK3PXP)
	got=$(cli code alice --at "$at" 2>&1 | cut -f1 | tr -d '\r')
	[ "$got" = "$want" ] && pass "code alice at $at = $got (oathtool agrees)" || fail "code alice at $at: got '$got', oathtool '$want'"
	want=$(oathtool --totp=sha256 -d8 -b --now "$oat" GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ)
	got=$(cli code bob --at "$at" 2>&1 | cut -f1 | tr -d '\r')
	[ "$got" = "$want" ] && pass "code bob (SHA256, 8 digits) = $got (oathtool agrees)" || fail "code bob: got '$got', oathtool '$want'"
	# Live: the period may turn between the calls, so either side is right.
	before=$(oathtool --totp -b JBSWY3DPEHPK3PXP)
	got=$(cli code alice 2>&1 | cut -f1 | tr -d '\r')
	after=$(oathtool --totp -b JBSWY3DPEHPK3PXP)
	[ "$got" = "$before" ] || [ "$got" = "$after" ] && pass "live code alice = $got (oathtool agrees)" || fail "live code alice: got '$got', oathtool '$before'/'$after'"
}
