#!/usr/bin/env bash
# Secret Service for real: a throwaway D-Bus session with gnome-keyring (fresh
# HOME, unlocked "login" keyring), then
#   1. the shared keystore suite against the real go-keyring store;
#   2. deskauth-cli end to end: init --protect os, add, reopen with list and
#      code (checked against oathtool), then the keyring item is deleted and
#      opening must fail with "OS key store no longer has this vault's key";
#   3. without any session bus: init --protect os fails with a one-line
#      "no OS key store" error and writes no vault.
# Exits non-zero on any failure. Needs dbus-run-session, gnome-keyring-daemon,
# secret-tool (libsecret-tools) and oathtool.
set -euo pipefail
export PATH=/usr/local/go/bin:$PATH
cd "$(dirname "$0")/.."
root=$PWD

for tool in dbus-run-session gnome-keyring-daemon secret-tool oathtool; do
	command -v "$tool" >/dev/null || { echo "FAIL: $tool is missing (scripts/apt-packages.txt)"; exit 1; }
done

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/home" "$work/bin"

echo "building the keystore test binary and deskauth-cli"
go test -c -o "$work/bin/keystore.test" ./vault/keystore
#CLI build added with the CLI part

# Inside the session. Everything it needs comes through the environment.
cat > "$work/inside.sh" <<'INSIDE'
set -eu
# The keyring password must not be empty: with an empty one the login keyring
# is never created and every lookup fails.
eval "$(printf 'deskauth-test-pw' | gnome-keyring-daemon --unlock --components=secrets)"
export GNOME_KEYRING_CONTROL
fail=0
pass() { echo "ok   $*"; }
bad() { echo "FAIL $*"; fail=1; }

echo "-- shared keystore suite against the real Secret Service"
if DESKAUTH_KEYSTORE_REAL=1 "$BIN/keystore.test" -test.run '^TestOSKeyring' -test.v -test.count=1 >"$WORK/suite.log" 2>&1 \
	&& grep -q -- '--- PASS: TestOSKeyring ' "$WORK/suite.log" \
	&& grep -q -- '--- PASS: TestOSKeyringItemDeletedOutside ' "$WORK/suite.log" \
	&& ! grep -q -- '--- SKIP' "$WORK/suite.log"; then
	pass "keystore suite: $(grep -c -- '--- PASS' "$WORK/suite.log") tests and subtests passed"
else
	cat "$WORK/suite.log"
	bad "keystore suite against the Secret Service"
fi

if [ -n "${CLI_PART:-}" ]; then
	. "$ROOT/scripts/secret-service-cli.inc.sh"
fi
exit $fail
INSIDE

status=0
HOME="$work/home" XDG_DATA_HOME="$work/home/.local/share" XDG_CONFIG_HOME="$work/home/.config" \
	XDG_RUNTIME_DIR="$work/home" BIN="$work/bin" WORK="$work" ROOT="$root" \
	dbus-run-session -- sh "$work/inside.sh" || status=$?

if [ "$status" -eq 0 ]; then
	echo "PASS: Secret Service suite"
else
	echo "FAIL: Secret Service suite"
fi
exit "$status"
