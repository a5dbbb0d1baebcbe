#!/usr/bin/env bash
# Windows for real, under Wine + Xvfb (scripts/wine-env.sh, with the
# bcryptprimitives shim that Go programs need on Wine 8):
#   1. the keystore tests built for Windows: the shared Store suite against
#      real DPAPI (CryptProtectData/CryptUnprotectData);
#   2. the vault package's tests built for Windows (the save path with
#      MoveFileEx, locking, ...);
#   3. deskauth-cli.exe end to end: init --protect os (DPAPI), add, then
#      reopen with list and code (checked against oathtool on Linux); the
#      vault opened as another Windows user fails with "OS key store no longer
#      has this vault's key" and stays unchanged; back as its owner it opens.
# One Wine prefix per run (its creation is timed). Exits non-zero on failure.
#
#   WINE_VAULT_TEST_SKIP  a -test.skip regexp for vault tests that cannot run
#                         under Wine (report them; empty by default).
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/wine-env.sh
suite "Wine vault suite"
require_tools oathtool winepath wine wineserver x86_64-w64-mingw32-gcc

work=$(mktemp -d)
at_exit 'rm -rf "$work"'
at_exit wine_env_cleanup
mkdir -p "$work/bin" "$work/v"

echo "building the Windows test binaries and deskauth-cli.exe"
wine_build_tests ./vault/keystore "$work/bin/keystore.test.exe"
wine_build_tests ./vault/transfer "$work/bin/transfer.test.exe"
GOOS=windows GOARCH=amd64 CGO_ENABLED=0 go build -o "$work/bin/deskauth-cli.exe" ./cmd/deskauth-cli
# The vault tests building for Windows is itself checked: report, go on.
vault_built=1
if ! wine_build_tests ./vault "$work/bin/vault.test.exe" >"$work/vault-build.log" 2>&1; then
	vault_built=
	cat "$work/vault-build.log"
	fail "the vault tests do not build for Windows"
fi

start=$SECONDS
wine_env_setup
wine_env_xvfb 1280x1024x24
pass "Wine prefix with the shim, and Xvfb on $DISPLAY, ready in $((SECONDS - start)) s"

# A Windows program started from Wine gets this environment too; the vault
# and password must come only from what each step sets.
unset DESKAUTH_VAULT DESKAUTH_PASSWORD

echo "-- keystore tests for Windows: the shared suite against DPAPI"
if wine_run "$work/bin/keystore.test.exe" -test.v -test.count=1 >"$work/keystore.log" 2>&1 &&
	grep -q -- '--- PASS: TestDPAPI ' "$work/keystore.log" &&
	grep -q -- '--- PASS: TestDPAPIWrongLengthRejected ' "$work/keystore.log" &&
	! grep -q -- '--- SKIP' "$work/keystore.log"; then
	pass "keystore: $(grep -c -- '--- PASS' "$work/keystore.log") tests and subtests passed under Wine"
	grep -o 'the store ignored .*' "$work/keystore.log" | sed 's/^/     note: Wine DPAPI: /' || true
else
	cat "$work/keystore.log"
	fail "keystore tests under Wine"
fi

echo "-- winauth.xml protected by DPAPI (user, machine): the importer through the real CryptUnprotectData"
if wine_run "$work/bin/transfer.test.exe" -test.v -test.count=1 -test.run 'TestWinAuthDPAPI' >"$work/transfer.log" 2>&1 &&
	grep -q -- '--- PASS: TestWinAuthDPAPI' "$work/transfer.log" && ! grep -q -- '--- SKIP' "$work/transfer.log"; then
	pass "transfer: winauth.xml under DPAPI imports under Wine"
else
	cat "$work/transfer.log"
	fail "transfer DPAPI test under Wine"
fi

echo "-- vault tests for Windows (save with MoveFileEx, locks, ...)"
skip=()
[ -n "${WINE_VAULT_TEST_SKIP:-}" ] && skip=(-test.skip "$WINE_VAULT_TEST_SKIP")
# Run in the package's folder, as go test does (testdata/). Tools such as
# oathtool are Linux programs Wine cannot run: those tests skip.
vault_tests() {
	(cd vault && env -u DESKAUTH_REQUIRE_TOOLS WINEDEBUG=-all wine "$work/bin/vault.test.exe" -test.v -test.count=1 "$@")
}
if [ -z "$vault_built" ]; then
	fail "vault tests not run under Wine (they did not build)"
elif vault_tests "${skip[@]}" >"$work/vault.log" 2>&1; then
	pass "vault: $(grep -c -- '^--- PASS' "$work/vault.log") tests passed, $(grep -c -- '^--- SKIP' "$work/vault.log") skipped under Wine"
elif grep -q 'fork/exec .*: Internal error\.' "$work/vault.log" &&
	failed=$(sed -n 's/^--- FAIL: \([^ ]*\) .*/\1/p' "$work/vault.log" | paste -sd'|') && [ -n "$failed" ] &&
	vault_tests -test.run "^($failed)\$" >"$work/vault-retry.log" 2>&1; then
	# Wine sometimes fails to start a process after hundreds of kills
	# (CreateProcess "Internal error."); only such failures get one retry.
	pass "vault: $(grep -c -- '^--- PASS' "$work/vault.log") tests passed, $(grep -c -- '^--- SKIP' "$work/vault.log") skipped under Wine;" \
		"$failed failed to start a child process under Wine ('Internal error.') and passed on a retry"
else
	grep -e '^--- FAIL' -e '^    .*_test.go' -e '^panic' "$work/vault.log" | head -40
	fail "vault tests under Wine"
fi

echo "-- deskauth-cli.exe on a DPAPI-protected vault"
vault_unix=$work/v/dpapi.vault
vault_win=$(winepath -w "$vault_unix")
# Flags come after the command's name.
cli() {
	local cmd=$1
	shift
	wine_run "$work/bin/deskauth-cli.exe" "$cmd" --vault "$vault_win" "$@" </dev/null
}
cli_end_to_end "$vault_unix"
# Saves went through the Windows path (MoveFileEx): a backup, no leftovers.
[ -s "$vault_unix.bak" ] && pass "vault.bak kept by the Windows save" || fail "no $vault_unix.bak after saving"
left=$(find "$work/v" -maxdepth 1 -type f ! -name 'dpapi.vault' ! -name 'dpapi.vault.bak' ! -name 'dpapi.vault.lock' -newer "$work/bin/deskauth-cli.exe" -printf '%f ')
[ -z "$left" ] && pass "no temporary files left beside the vault" || fail "files left beside the vault: $left"

echo "-- the vault opened by another Windows user"
# Wine's DPAPI keys depend on the user name; a new wineserver picks up USER.
sum=$(sha256sum <"$vault_unix")
wineserver -k || true
status=0
err=$(USER=mallory LOGNAME=mallory cli list 2>&1 >/dev/null) || status=$?
wineserver -k || true
if [ "$status" = 1 ] && echo "$err" | grep -q "OS key store no longer has this vault's key" && [ "$(echo "$err" | wc -l)" = 1 ]; then
	pass "as another user, list exits 1: $err"
else
	fail "as another user: exit $status, stderr: $err"
fi
[ "$(sha256sum <"$vault_unix")" = "$sum" ] && pass "vault file unchanged" || fail "the vault file changed"
out=$(cli list 2>&1) && echo "$out" | grep -q 'Example (alice@example.com)' &&
	pass "its owner opens it again" || fail "owner after the other user: $out"

echo "-- protected by both DPAPI and a password"
out=$(DESKAUTH_PASSWORD=wine-test-pw cli protect --both 2>&1) && pass "protect --both: $out" || fail "protect --both: $out"
out=$(cli code alice --at 2026-01-01T00:00:00Z 2>&1 | cut -f1 | tr -d '\r')
[ "$out" = "$(oathtool --totp -b --now "2026-01-01 00:00:00 UTC" JBSWY3DPEHPK3PXP)" ] && pass "its owner opens it with DPAPI alone" || fail "owner, no password: $out"
wineserver -k || true
status=0
out=$(USER=mallory LOGNAME=mallory DESKAUTH_PASSWORD=wine-test-pw cli list 2>&1) || status=$?
wineserver -k || true
if [ "$status" = 0 ] && echo "$out" | grep -q 'Example (alice@example.com)'; then
	pass "another user opens it with the password"
else
	fail "another user with the password: exit $status: $out"
fi

finish
