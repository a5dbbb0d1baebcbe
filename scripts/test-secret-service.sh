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
export PATH=/usr/local/go/bin:$PATH
cd "$(dirname "$0")/.."

for tool in dbus-run-session gnome-keyring-daemon secret-tool oathtool; do
	command -v "$tool" >/dev/null || { echo "FAIL: $tool is missing (scripts/apt-packages.txt)"; exit 1; }
done

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/home" "$work/bin" "$work/v"

echo "building the keystore test binary and deskauth-cli"
go test -c -o "$work/bin/keystore.test" ./vault/keystore
CGO_ENABLED=0 go build -o "$work/bin/deskauth-cli" ./cmd/deskauth-cli

# Everything below runs inside the D-Bus session; it gets what it needs
# through the environment. Its variables are not expanded here.
cat >"$work/inside.sh" <<'INSIDE'
set -u
# The keyring password must not be empty: with an empty one the login keyring
# is never created and every lookup fails.
eval "$(printf 'deskauth-test-pw' | gnome-keyring-daemon --unlock --components=secrets)"
fail=0
ok() { echo "ok   $*"; }
bad() { echo "FAIL $*"; fail=1; }
cli() { "$BIN/deskauth-cli" "$@" </dev/null; }

echo "-- shared keystore suite against the real Secret Service"
if DESKAUTH_KEYSTORE_REAL=1 "$BIN/keystore.test" -test.run '^TestOSKeyring' -test.v -test.count=1 >"$WORK/suite.log" 2>&1 &&
	grep -q -- '--- PASS: TestOSKeyring ' "$WORK/suite.log" &&
	grep -q -- '--- PASS: TestOSKeyringItemDeletedOutside ' "$WORK/suite.log" &&
	! grep -q -- '--- SKIP' "$WORK/suite.log"; then
	ok "keystore suite: $(grep -c -- '--- PASS' "$WORK/suite.log") tests and subtests passed"
else
	cat "$WORK/suite.log"
	bad "keystore suite against the Secret Service"
fi

echo "-- deskauth-cli on an os-protected vault"
export DESKAUTH_VAULT="$WORK/v/os.vault"
unset DESKAUTH_PASSWORD
at=2026-01-01T00:00:00Z
oat="2026-01-01 00:00:00 UTC"
if out=$(cli init --protect os 2>&1) && [ -s "$DESKAUTH_VAULT" ]; then
	ok "init --protect os: $out"
else
	bad "init --protect os: $out"
fi
items=$(secret-tool search --all service DeskAuth 2>&1 | grep -c '^attribute.username' || true)
[ "$items" = 1 ] && ok "one DeskAuth item in the keyring" || bad "want 1 DeskAuth keyring item, found $items"
id=$(secret-tool search --all service DeskAuth 2>&1 | sed -n 's/^attribute.username = //p' | head -n1)

out=$(cli add 'otpauth://totp/Example:alice@example.com?secret=JBSWY3DPEHPK3PXP&issuer=Example' 2>&1) &&
	ok "add URI: $out" || bad "add URI: $out"
out=$(cli add --issuer '認証' --name bob --secret GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ --digits 8 --algorithm SHA256 2>&1) &&
	ok "add fields: $out" || bad "add fields: $out"
if grep -q -e JBSWY3DPEHPK3PXP -e GEZDGNBVGY3TQOJQ "$DESKAUTH_VAULT"; then
	bad "a secret is readable in the vault file"
fi

# Each command is a new process: every one of them reopens the vault.
out=$(cli list 2>&1)
if echo "$out" | grep -q 'Example (alice@example.com)' && echo "$out" | grep -q '認証 (bob)'; then
	ok "reopened, list shows both accounts"
else
	bad "list after reopen: $out"
fi
want=$(oathtool --totp -b --now "$oat" JBSWY3DPEHPK3PXP)
got=$(cli code alice --at "$at" 2>&1 | cut -f1)
[ "$got" = "$want" ] && ok "code alice at $at = $got (oathtool agrees)" || bad "code alice at $at: got '$got', oathtool '$want'"
want=$(oathtool --totp=sha256 -d8 -b --now "$oat" GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ)
got=$(cli code bob --at "$at" 2>&1 | cut -f1)
[ "$got" = "$want" ] && ok "code bob (SHA256, 8 digits) = $got (oathtool agrees)" || bad "code bob: got '$got', oathtool '$want'"
# Live: the period may turn between the two calls, so either side is right.
before=$(oathtool --totp -b JBSWY3DPEHPK3PXP)
got=$(cli code alice 2>&1 | cut -f1)
after=$(oathtool --totp -b JBSWY3DPEHPK3PXP)
[ "$got" = "$before" ] || [ "$got" = "$after" ] && ok "live code alice = $got (oathtool agrees)" || bad "live code alice: got '$got', oathtool '$before'/'$after'"

echo "-- the keyring item deleted behind DeskAuth's back"
sum=$(sha256sum "$DESKAUTH_VAULT")
if [ -n "$id" ] && secret-tool clear service DeskAuth username "$id"; then
	ok "deleted keyring item $id with secret-tool"
else
	bad "could not delete the keyring item (id '$id')"
fi
status=0
err=$(cli list 2>&1 >/dev/null) || status=$?
if [ "$status" = 1 ] && echo "$err" | grep -q "OS key store no longer has this vault's key" && [ "$(echo "$err" | wc -l)" = 1 ]; then
	ok "list exits 1: $err"
else
	bad "list after the item was deleted: exit $status, stderr: $err"
fi
[ "$(sha256sum "$DESKAUTH_VAULT")" = "$sum" ] && ok "vault file unchanged" || bad "the vault file changed"

echo "-- a session bus that is gone"
status=0
err=$(DBUS_SESSION_BUS_ADDRESS="unix:path=$WORK/no-bus" cli init --protect os --vault "$WORK/v/nobus.vault" 2>&1 >/dev/null) || status=$?
if [ "$status" = 1 ] && echo "$err" | grep -q "no OS key store is available" && [ "$(echo "$err" | wc -l)" = 1 ] && [ ! -e "$WORK/v/nobus.vault" ]; then
	ok "init --protect os exits 1, no vault written: $err"
else
	bad "init --protect os without a bus: exit $status, stderr: $err"
fi
exit $fail
INSIDE

status=0
HOME="$work/home" XDG_DATA_HOME="$work/home/.local/share" XDG_CONFIG_HOME="$work/home/.config" \
	XDG_RUNTIME_DIR="$work/home" BIN="$work/bin" WORK="$work" \
	dbus-run-session -- bash "$work/inside.sh" 2> >(grep -v -e '^dbus-daemon\[' -e '^discover_other_daemon' >&2) || status=$?

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
	echo "ok   init --protect os exits 1, no vault written: $err"
else
	echo "FAIL init --protect os with a locked keyring: exit $rc: $(cat "$work/locked.err")"
	status=1
fi

if [ "$status" -eq 0 ]; then
	echo "PASS: Secret Service suite"
else
	echo "FAIL: Secret Service suite"
fi
exit "$status"
