#!/usr/bin/env bash
# Real-screen test of `deskauth-cli scan`: a real X server (Xvfb), a real
# window (feh) showing a QR code drawn by qrencode, and the CLI built as it
# ships (CGO_ENABLED=0).
#
#   1. A wide 4480x1440 screen with the code at the far right: `scan --raw`
#      prints its payload exactly; --region finds it there and not elsewhere
#      (exit 3); the JSON bounds lie where the window is.
#   2. The clipboard: a PNG put there by xclip is read back by `scan --clipboard`.
#   3. A 3840x2160 screen with the code at 4 px per module among other windows:
#      found, and the live capture+decode time measured (median of 9 runs;
#      reported against the 250 ms target, never failed on: speed is a
#      benchmark, not a test).
#
# Exits non-zero on the first failure. Everything started here is stopped on
# exit.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib.sh
suite "screen scan suite"
require_tools Xvfb feh xdotool xwininfo qrencode convert identify xclip

tmp=$(mktemp -d)
at_exit 'rm -rf "$tmp"'

CGO_ENABLED=0 go build -o "$tmp/deskauth-cli" ./cmd/deskauth-cli
cli="$tmp/deskauth-cli"

# show IMAGE X Y: shows IMAGE in a feh window at X,Y and waits until it is
# mapped and viewable.
show() {
  local title="deskauth-test-$RANDOM"
  feh --title "$title" --geometry "+$2+$3" "$1" >/dev/null 2>&1 &
  track $!
  timeout 20 xdotool search --sync --onlyvisible --name "$title" >/dev/null ||
    fatal "the feh window for $1 did not map"
  # Let feh paint the mapped window before anyone reads the screen.
  for _ in $(seq 50); do
    if xwininfo -name "$title" 2>/dev/null | grep -q 'Map State: IsViewable'; then break; fi
    sleep 0.1
  done
  sleep 0.3
}

payload='otpauth://totp/ACME%20Corp:alice@example.com?secret=JBSWY3DPEHPK3PXP&issuer=ACME%20Corp&period=30'

echo "== 4480x1440 screen, code at the far right"
start_xvfb 4480x1440x24
qrencode -o "$tmp/code.png" -s 5 -m 4 "$payload"
width=$(identify -format '%w' "$tmp/code.png")
x=$((4480 - width - 8)) y=700
set +e
"$cli" scan --raw >"$tmp/out" 2>"$tmp/err"
rc=$?
set -e
[ "$rc" = 3 ] || fatal "empty screen: exit $rc, want 3 (no QR): $(cat "$tmp/err")"
grep -q 'no QR code found on 1 display, 4480×1440 px' "$tmp/err" || fatal "empty screen: stderr $(cat "$tmp/err")"
pass "empty screen: exit 3, $(cat "$tmp/err")"

show "$tmp/code.png" "$x" "$y"
"$cli" scan --raw >"$tmp/out" 2>"$tmp/err" || fatal "scan --raw: exit $?: $(cat "$tmp/err")"
printf '%s\n' "$payload" | cmp -s - "$tmp/out" || fatal "scan --raw printed $(cat "$tmp/out"), want $payload"
[ ! -s "$tmp/err" ] || fatal "scan --raw wrote to stderr: $(cat "$tmp/err")"
pass "scan --raw printed the payload of the window at +$x+$y exactly"

"$cli" scan >"$tmp/out" || fatal "scan: exit $?"
grep -qP '^display 0\totpauth\tACME Corp: alice@example.com\ttotp SHA1 6 digits 30s\tsecret \*{16}$' "$tmp/out" ||
  fatal "scan listed: $(cat "$tmp/out")"
! grep -q JBSWY3DPEHPK3PXP "$tmp/out" || fatal "scan without --raw printed the secret"
pass "scan lists the account with the secret masked"

"$cli" scan --json >"$tmp/out" || fatal "scan --json: exit $?"
bounds=$(tr -d ' \n' <"$tmp/out" | grep -o '"bounds":\[[-0-9,]*\]' | grep -o '[-0-9,]*\]' | tr -d ']')
IFS=, read -r bx0 by0 bx1 by1 <<<"$bounds"
# The code sits inside the window, past its 4-module (20 px) quiet zone.
[ "$bx0" -ge "$x" ] && [ "$bx1" -le $((x + width)) ] && [ "$by0" -ge "$y" ] && [ "$by1" -le $((y + width)) ] &&
  [ "$bx0" -le $((x + 30)) ] && [ "$by0" -le $((y + 30)) ] ||
  fatal "JSON bounds $bounds are not inside the window at $x,$y ${width}x$width"
pass "JSON bounds $bounds lie inside the window ($x,$y ${width}x$width)"

"$cli" scan --raw --region "$((x - 50)),$((y - 50)),$((width + 100)),$((width + 100))" >"$tmp/out" ||
  fatal "scan --region around the code: exit $?"
printf '%s\n' "$payload" | cmp -s - "$tmp/out" || fatal "scan --region printed $(cat "$tmp/out")"
set +e
"$cli" scan --raw --region 0,0,3000,1440 >"$tmp/out" 2>"$tmp/err"
rc=$?
set -e
[ "$rc" = 3 ] || fatal "scan --region away from the code: exit $rc, want 3"
grep -q 'in region 0,0 3000×1440' "$tmp/err" || fatal "region miss said: $(cat "$tmp/err")"
pass "--region finds the code around it, and exits 3 away from it"

echo "== clipboard"
clip_payload='otpauth://totp/Clip:bob?secret=GEZDGNBVGY3TQOJQ&issuer=Clip'
qrencode -o "$tmp/clip.png" -s 4 "$clip_payload"
xclip -selection clipboard -t image/png -i "$tmp/clip.png" </dev/null >/dev/null 2>&1
for _ in $(seq 50); do
  xclip -selection clipboard -t TARGETS -o 2>/dev/null | grep -q image/png && break
  sleep 0.1
done
"$cli" scan --clipboard --raw >"$tmp/out" 2>"$tmp/err" || fatal "scan --clipboard: exit $?: $(cat "$tmp/err")"
printf '%s\n' "$clip_payload" | cmp -s - "$tmp/out" || fatal "scan --clipboard printed $(cat "$tmp/out")"
pass "scan --clipboard read the PNG xclip put there"
printf 'just text' | xclip -selection clipboard -i >/dev/null 2>&1
sleep 0.3
set +e
"$cli" scan --clipboard >"$tmp/out" 2>"$tmp/err"
rc=$?
set -e
[ "$rc" = 1 ] && grep -q 'the clipboard holds no image' "$tmp/err" ||
  fatal "text on the clipboard: exit $rc, $(cat "$tmp/err")"
pass "text on the clipboard: exit 1, $(cat "$tmp/err")"

echo "== 3840x2160 screen, code at 4 px per module among other windows"
start_xvfb 3840x2160x24
qrencode -o "$tmp/small.png" -s 4 -m 4 "$payload"
convert -size 1800x1000 -seed 7 plasma:fractal -blur 0x1 "$tmp/busy.png"
show "$tmp/busy.png" 60 80
show "$tmp/busy.png" 1990 1100
show "$tmp/small.png" 2900 400
"$cli" scan --raw >"$tmp/out" 2>"$tmp/err" || fatal "4K scan: exit $?: $(cat "$tmp/err")"
printf '%s\n' "$payload" | cmp -s - "$tmp/out" || fatal "4K scan printed $(cat "$tmp/out")"
pass "found the 4 px/module code on the 3840x2160 screen"

times=()
for _ in $(seq 9); do
  t0=$(date +%s%N)
  "$cli" scan --raw >/dev/null || fatal "4K scan failed during timing"
  t1=$(date +%s%N)
  times+=($(((t1 - t0) / 1000000)))
done
median=$(printf '%s\n' "${times[@]}" | sort -n | sed -n 5p)
echo "  live capture+decode, 3840x2160, whole CLI process: median ${median} ms over 9 runs (runs: ${times[*]} ms; target <= 250 ms)"

finish
