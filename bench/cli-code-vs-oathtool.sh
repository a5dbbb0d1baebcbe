#!/usr/bin/env bash
# cli-code-vs-oathtool.sh: how long `deskauth-cli code QUERY` takes, start to
# finish, on an OS-protected vault (the real Secret Service: gnome-keyring under
# a private dbus-run-session), against `oathtool --totp` computing the same code
# from a secret on its command line. Target: deskauth-cli at most 30 ms wall.
# A password-protected vault (default Argon2id: t=3, 64 MiB, p=4) is timed too,
# for scale: that cost is the point of a password.
#
# Prints each median (hyperfine, no shell, warm-up runs first) and the ratio
# to oathtool. Exits non-zero if a tool is missing or the codes disagree.
set -euo pipefail
export PATH=/usr/local/go/bin:$PATH
cd "$(dirname "$0")/.."

for tool in hyperfine oathtool dbus-run-session gnome-keyring-daemon; do
	command -v "$tool" >/dev/null || { echo "FAIL: $tool is missing (scripts/apt-packages.txt)"; exit 1; }
done

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
CGO_ENABLED=0 go build -o "$work/deskauth-cli" ./cmd/deskauth-cli

secret=JBSWY3DPEHPK3PXP
uri="otpauth://totp/GitHub:alice@example.com?secret=$secret&issuer=GitHub"
runs=${BENCH_RUNS:-60}

# Everything that needs the keyring runs inside one private session bus.
cat >"$work/inner.sh" <<'INNER'
set -euo pipefail
eval "$(printf 'bench-keyring-pw' | gnome-keyring-daemon --unlock --components=secrets)" >/dev/null
cli=$WORK/deskauth-cli
export DESKAUTH_VAULT=$WORK/os.vault
"$cli" init --protect os >/dev/null
"$cli" add "$URI" >/dev/null
for i in $(seq 1 20); do "$cli" add --issuer "Filler $i" --name "user$i" --secret "$SECRET" >/dev/null; done
export DESKAUTH_PASSWORD='bench password'
"$cli" init --vault "$WORK/pw.vault" >/dev/null
"$cli" add --vault "$WORK/pw.vault" "$URI" >/dev/null
unset DESKAUTH_PASSWORD

# Same instant for both: the codes must agree.
at=$(date -u +%Y-%m-%dT%H:%M:%SZ)
mine=$("$cli" code github --at "$at")
theirs=$(oathtool --totp -b "$SECRET" --now "$(date -u -d "$at" '+%Y-%m-%d %H:%M:%S UTC')")
if [ "$mine" != "$theirs" ]; then
	echo "FAIL: deskauth-cli says $mine, oathtool says $theirs at $at"
	exit 1
fi
echo "codes agree at $at: $mine"

hyperfine -N --warmup 5 --runs "$RUNS" --export-json "$WORK/os.json" \
	-n 'deskauth-cli code (os vault)' "$cli code github" \
	-n 'oathtool --totp' "oathtool --totp -b $SECRET" >"$WORK/hyperfine-os.txt"
DESKAUTH_PASSWORD='bench password' hyperfine -N --warmup 2 --runs 10 --export-json "$WORK/pw.json" \
	-n 'deskauth-cli code (password vault)' "$cli code github --vault $WORK/pw.vault" >"$WORK/hyperfine-pw.txt"
INNER

export HOME=$work/home WORK=$work URI=$uri SECRET=$secret RUNS=$runs
mkdir -p "$HOME"
if ! dbus-run-session -- bash "$work/inner.sh" 2> >(grep -v -e 'dbus-daemon' -e 'Activating' -e 'activated' >&2); then
	echo "FAIL: the benchmark did not run"
	exit 1
fi

median() { jq -r --arg n "$2" '.results[] | select(.command == $n) | .median' "$1"; }
os=$(median "$work/os.json" 'deskauth-cli code (os vault)')
oath=$(median "$work/os.json" 'oathtool --totp')
pw=$(median "$work/pw.json" 'deskauth-cli code (password vault)')
awk -v os="$os" -v oath="$oath" -v pw="$pw" -v runs="$runs" 'BEGIN {
	printf "median wall time over %d runs (hyperfine -N):\n", runs
	printf "  deskauth-cli code, os-protected vault (Secret Service): %7.1f ms  (%.1fx oathtool; target <= 30 ms: %s)\n", os*1000, os/oath, (os <= 0.030 ? "met" : "MISSED")
	printf "  oathtool --totp:                                        %7.1f ms\n", oath*1000
	printf "  deskauth-cli code, password vault (Argon2id 64 MiB):    %7.1f ms  (%.1fx oathtool; 10 runs)\n", pw*1000, pw/oath
}'
