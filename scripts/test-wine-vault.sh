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
export PATH=/usr/local/go/bin:$PATH
cd "$(dirname "$0")/.."

for tool in oathtool winepath; do
	command -v "$tool" >/dev/null || { echo "FAIL: $tool is missing (scripts/apt-packages.txt)"; exit 1; }
done

. scripts/wine-env.sh
work=$(mktemp -d)
trap 'wine_env_cleanup; rm -rf "$work"' EXIT
mkdir -p "$work/bin" "$work/v"

fail=0
ok() { echo "ok   $*"; }
bad() { echo "FAIL $*"; fail=1; }

echo "building the Windows test binaries and deskauth-cli.exe"
wine_build_tests ./vault/keystore "$work/bin/keystore.test.exe"
GOOS=windows GOARCH=amd64 CGO_ENABLED=0 go build -o "$work/bin/deskauth-cli.exe" ./cmd/deskauth-cli
# The vault tests building for Windows is itself checked: report, go on.
vault_built=1
if ! wine_build_tests ./vault "$work/bin/vault.test.exe" >"$work/vault-build.log" 2>&1; then
	vault_built=
	cat "$work/vault-build.log"
	bad "the vault tests do not build for Windows"
fi

start=$SECONDS
wine_env_setup
wine_env_xvfb 1280x1024x24
ok "Wine prefix with the shim, and Xvfb on $DISPLAY, ready in $((SECONDS - start)) s"

# A Windows program started from Wine gets this environment too; the vault
# and password must come only from what each step sets.
unset DESKAUTH_VAULT DESKAUTH_PASSWORD

echo "-- keystore tests for Windows: the shared suite against DPAPI"
if wine_run "$work/bin/keystore.test.exe" -test.v -test.count=1 >"$work/keystore.log" 2>&1 &&
	grep -q -- '--- PASS: TestDPAPI ' "$work/keystore.log" &&
	grep -q -- '--- PASS: TestDPAPIWrongLengthRejected ' "$work/keystore.log" &&
	! grep -q -- '--- SKIP' "$work/keystore.log"; then
	ok "keystore: $(grep -c -- '--- PASS' "$work/keystore.log") tests and subtests passed under Wine"
	grep -o 'the store ignored .*' "$work/keystore.log" | sed 's/^/     note: Wine DPAPI: /' || true
else
	cat "$work/keystore.log"
	bad "keystore tests under Wine"
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
	bad "vault tests not run under Wine (they did not build)"
elif vault_tests "${skip[@]}" >"$work/vault.log" 2>&1; then
	ok "vault: $(grep -c -- '^--- PASS' "$work/vault.log") tests passed, $(grep -c -- '^--- SKIP' "$work/vault.log") skipped under Wine"
elif grep -q 'fork/exec .*: Internal error\.' "$work/vault.log" &&
	failed=$(sed -n 's/^--- FAIL: \([^ ]*\) .*/\1/p' "$work/vault.log" | paste -sd'|') && [ -n "$failed" ] &&
	vault_tests -test.run "^($failed)\$" >"$work/vault-retry.log" 2>&1; then
	# Wine sometimes fails to start a process after hundreds of kills
	# (CreateProcess "Internal error."); only such failures get one retry.
	ok "vault: $(grep -c -- '^--- PASS' "$work/vault.log") tests passed, $(grep -c -- '^--- SKIP' "$work/vault.log") skipped under Wine;" \
		"$failed failed to start a child process under Wine ('Internal error.') and passed on a retry"
else
	grep -e '^--- FAIL' -e '^    .*_test.go' -e '^panic' "$work/vault.log" | head -40
	bad "vault tests under Wine"
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
at=2026-01-01T00:00:00Z
oat="2026-01-01 00:00:00 UTC"

if out=$(cli init --protect os 2>&1) && [ -s "$vault_unix" ]; then
	ok "init --protect os: $out"
else
	bad "init --protect os: $out"
fi
out=$(cli add 'otpauth://totp/Example:alice@example.com?secret=JBSWY3DPEHPK3PXP&issuer=Example' 2>&1) &&
	ok "add URI: $out" || bad "add URI: $out"
out=$(cli add --issuer '認証' --name bob --secret GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ --digits 8 --algorithm SHA256 2>&1) &&
	ok "add fields: $out" || bad "add fields: $out"
if grep -q -e JBSWY3DPEHPK3PXP -e GEZDGNBVGY3TQOJQ "$vault_unix"; then
	bad "a secret is readable in the vault file"
fi
# Saves went through the Windows path (MoveFileEx): a backup, no leftovers.
[ -s "$vault_unix.bak" ] && ok "vault.bak kept by the Windows save" || bad "no $vault_unix.bak after saving"
left=$(find "$work/v" -maxdepth 1 -type f ! -name 'dpapi.vault' ! -name 'dpapi.vault.bak' ! -name 'dpapi.vault.lock' -newer "$work/bin/deskauth-cli.exe" -printf '%f ')
[ -z "$left" ] && ok "no temporary files left beside the vault" || bad "files left beside the vault: $left"

# Every command is a new Windows process: each one reopens the vault.
out=$(cli list 2>&1)
if echo "$out" | grep -q 'Example (alice@example.com)' && echo "$out" | grep -q '認証 (bob)'; then
	ok "reopened, list shows both accounts"
else
	bad "list after reopen: $out"
fi
want=$(oathtool --totp -b --now "$oat" JBSWY3DPEHPK3PXP)
got=$(cli code alice --at "$at" 2>&1 | cut -f1 | tr -d '\r')
[ "$got" = "$want" ] && ok "code alice at $at = $got (oathtool agrees)" || bad "code alice at $at: got '$got', oathtool '$want'"
want=$(oathtool --totp=sha256 -d8 -b --now "$oat" GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ)
got=$(cli code bob --at "$at" 2>&1 | cut -f1 | tr -d '\r')
[ "$got" = "$want" ] && ok "code bob (SHA256, 8 digits) = $got (oathtool agrees)" || bad "code bob: got '$got', oathtool '$want'"
before=$(oathtool --totp -b JBSWY3DPEHPK3PXP)
got=$(cli code alice 2>&1 | cut -f1 | tr -d '\r')
after=$(oathtool --totp -b JBSWY3DPEHPK3PXP)
[ "$got" = "$before" ] || [ "$got" = "$after" ] && ok "live code alice = $got (oathtool agrees)" || bad "live code alice: got '$got', oathtool '$before'/'$after'"

echo "-- the vault opened by another Windows user"
# Wine's DPAPI keys depend on the user name; a new wineserver picks up USER.
sum=$(sha256sum <"$vault_unix")
wineserver -k || true
status=0
err=$(USER=mallory LOGNAME=mallory cli list 2>&1 >/dev/null) || status=$?
wineserver -k || true
if [ "$status" = 1 ] && echo "$err" | grep -q "OS key store no longer has this vault's key" && [ "$(echo "$err" | wc -l)" = 1 ]; then
	ok "as another user, list exits 1: $err"
else
	bad "as another user: exit $status, stderr: $err"
fi
[ "$(sha256sum <"$vault_unix")" = "$sum" ] && ok "vault file unchanged" || bad "the vault file changed"
out=$(cli list 2>&1) && echo "$out" | grep -q 'Example (alice@example.com)' &&
	ok "its owner opens it again" || bad "owner after the other user: $out"

echo "-- protected by both DPAPI and a password"
out=$(DESKAUTH_PASSWORD=wine-test-pw cli protect --both 2>&1) && ok "protect --both: $out" || bad "protect --both: $out"
out=$(cli code alice --at "$at" 2>&1 | cut -f1 | tr -d '\r')
[ "$out" = "$(oathtool --totp -b --now "$oat" JBSWY3DPEHPK3PXP)" ] && ok "its owner opens it with DPAPI alone" || bad "owner, no password: $out"
wineserver -k || true
status=0
out=$(USER=mallory LOGNAME=mallory DESKAUTH_PASSWORD=wine-test-pw cli list 2>&1) || status=$?
wineserver -k || true
if [ "$status" = 0 ] && echo "$out" | grep -q 'Example (alice@example.com)'; then
	ok "another user opens it with the password"
else
	bad "another user with the password: exit $status: $out"
fi

if [ "$fail" = 0 ]; then
	echo "PASS: Wine vault suite"
else
	echo "FAIL: Wine vault suite"
fi
exit "$fail"
