#!/usr/bin/env bash
# Secret Service for real: a throwaway D-Bus session with gnome-keyring (fresh
# HOME, unlocked "login" keyring), then
#   1. the shared keystore suite (vault/keystore/keystoretest) against the real
#      go-keyring store;
#   2. deskauth-cli end to end: init --protect os, add, then reopen with list
#      and code (checked against oathtool); the keyring item is then deleted
#      with secret-tool and opening must fail with "OS key store no longer has
#      this vault's key", leaving the file unchanged;
#   3. with a dead session bus, and with a bus whose Secret Service has no
#      unlocked keyring: init --protect os fails with one line saying no OS
#      key store is available, and writes no vault.
# Exits non-zero on any failure. Needs dbus-run-session, gnome-keyring-daemon,
# secret-tool (libsecret-tools) and oathtool. (secret-tool search prints the
# item attributes on stderr, and the secret on stdout, which is never kept.)
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib.sh
suite "Secret Service suite"
require_tools dbus-run-session gnome-keyring-daemon secret-tool oathtool

work=$(mktemp -d)
at_exit 'rm -rf "$work"'
mkdir -p "$work/home" "$work/bin" "$work/v"

echo "building the keystore test binary and deskauth-cli"
go test -c -o "$work/bin/keystore.test" ./vault/keystore
CGO_ENABLED=0 go build -o "$work/bin/deskauth-cli" ./cmd/deskauth-cli

# Everything below runs inside the D-Bus session; it gets what it needs
# through the environment. Its variables are not expanded here.
cat >"$work/inside.sh" <<'INSIDE'
set -u
. scripts/lib.sh
# The keyring password must not be empty: with an empty one the login keyring
# is never created and every lookup fails.
eval "$(printf 'deskauth-test-pw' | gnome-keyring-daemon --unlock --components=secrets)"
cli() { "$BIN/deskauth-cli" "$@" </dev/null; }

echo "-- shared keystore suite against the real Secret Service"
if DESKAUTH_KEYSTORE_REAL=1 "$BIN/keystore.test" -test.run '^TestOSKeyring' -test.v -test.count=1 >"$WORK/suite.log" 2>&1 &&
	grep -q -- '--- PASS: TestOSKeyring ' "$WORK/suite.log" &&
	grep -q -- '--- PASS: TestOSKeyringItemDeletedOutside ' "$WORK/suite.log" &&
	! grep -q -- '--- SKIP' "$WORK/suite.log"; then
	pass "keystore suite: $(grep -c -- '--- PASS' "$WORK/suite.log") tests and subtests passed"
else
	cat "$WORK/suite.log"
	fail "keystore suite against the Secret Service"
fi

echo "-- deskauth-cli on an os-protected vault"
export DESKAUTH_VAULT="$WORK/v/os.vault"
unset DESKAUTH_PASSWORD
cli_end_to_end "$DESKAUTH_VAULT"
items=$(secret-tool search --all service DeskAuth 2>&1 | grep -c '^attribute.username' || true)
[ "$items" = 1 ] && pass "one DeskAuth item in the keyring" || fail "want 1 DeskAuth keyring item, found $items"
id=$(secret-tool search --all service DeskAuth 2>&1 | sed -n 's/^attribute.username = //p' | head -n1)

echo "-- the keyring item deleted behind DeskAuth's back"
sum=$(sha256sum "$DESKAUTH_VAULT")
if [ -n "$id" ] && secret-tool clear service DeskAuth username "$id"; then
	pass "deleted keyring item $id with secret-tool"
else
	fail "could not delete the keyring item (id '$id')"
fi
status=0
err=$(cli list 2>&1 >/dev/null) || status=$?
if [ "$status" = 1 ] && echo "$err" | grep -q "OS key store no longer has this vault's key" && [ "$(echo "$err" | wc -l)" = 1 ]; then
	pass "list exits 1: $err"
else
	fail "list after the item was deleted: exit $status, stderr: $err"
fi
[ "$(sha256sum "$DESKAUTH_VAULT")" = "$sum" ] && pass "vault file unchanged" || fail "the vault file changed"

echo "-- a session bus that is gone"
status=0
err=$(DBUS_SESSION_BUS_ADDRESS="unix:path=$WORK/no-bus" cli init --protect os --vault "$WORK/v/nobus.vault" 2>&1 >/dev/null) || status=$?
if [ "$status" = 1 ] && echo "$err" | grep -q "no OS key store is available" && [ "$(echo "$err" | wc -l)" = 1 ] && [ ! -e "$WORK/v/nobus.vault" ]; then
	pass "init --protect os exits 1, no vault written: $err"
else
	fail "init --protect os without a bus: exit $status, stderr: $err"
fi
exit $LIB_FAILED
INSIDE

inside=0
HOME="$work/home" XDG_DATA_HOME="$work/home/.local/share" XDG_CONFIG_HOME="$work/home/.config" \
	XDG_RUNTIME_DIR="$work/home" BIN="$work/bin" WORK="$work" \
	dbus-run-session -- bash "$work/inside.sh" 2> >(grep -v -e '^dbus-daemon\[' -e '^discover_other_daemon' >&2) || inside=$?
[ "$inside" = 0 ] || LIB_FAILED=1

# A session bus where the Secret Service has no unlocked keyring (a headless
# login): gnome-keyring is started on demand and cannot unlock anything.
echo "-- a session bus without an unlocked keyring"
mkdir -p "$work/home2"
rc=0
HOME="$work/home2" XDG_RUNTIME_DIR="$work/home2" XDG_DATA_HOME="$work/home2/data" \
	dbus-run-session -- "$work/bin/deskauth-cli" init --protect os --vault "$work/v/locked.vault" \
	</dev/null >/dev/null 2>"$work/locked.err" || rc=$?
# Only our line: the daemons started on demand chatter on the same stderr.
err=$(grep '^deskauth-cli' "$work/locked.err" || true)
if [ "$rc" = 1 ] && echo "$err" | grep -q "no OS key store is available" && [ "$(echo "$err" | wc -l)" = 1 ] && [ ! -s "$work/v/locked.vault" ]; then
	pass "init --protect os exits 1, no vault written: $err"
else
	fail "init --protect os with a locked keyring: exit $rc: $(cat "$work/locked.err")"
fi
finish
