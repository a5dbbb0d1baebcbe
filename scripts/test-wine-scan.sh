#!/usr/bin/env bash
# Windows screen capture for real: the Windows build of deskauth-cli
# (GOOS=windows CGO_ENABLED=0, GDI capture through kbinani/screenshot) runs
# under Wine on an Xvfb screen (scripts/wine-env.sh provides the prefix and
# the bcryptprimitives shim), and finds a QR code that a real X window (feh)
# shows there:
#   1. `scan --raw` prints the payload exactly; `scan --json` puts it where the
#      window is; `--region` away from it exits 3.
#   2. `scan --clipboard --raw` reads a PNG that xclip put on the X clipboard,
#      through Wine's clipboard bridge and the Windows clipboard API.
# Exits non-zero on failure.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/wine-env.sh
suite "Wine scan suite"
require_tools feh xdotool qrencode identify convert xclip wine wineserver x86_64-w64-mingw32-gcc

work=$(mktemp -d)
at_exit 'rm -rf "$work"'
at_exit wine_env_cleanup

echo "building deskauth-cli.exe"
GOOS=windows GOARCH=amd64 CGO_ENABLED=0 go build -o "$work/deskauth-cli.exe" ./cmd/deskauth-cli
cli=$work/deskauth-cli.exe

start=$SECONDS
wine_env_setup
wine_env_xvfb 1920x1080x24
echo "  Wine prefix and Xvfb ($DISPLAY) ready in $((SECONDS - start)) s"

# run ARGS...: runs the Windows CLI; stdout to $work/out (CRs dropped),
# stderr to $work/err; returns its exit status.
run() {
	local rc=0
	wine_run "$cli" "$@" >"$work/out.raw" 2>"$work/err" || rc=$?
	tr -d '\r' <"$work/out.raw" >"$work/out"
	return $rc
}

payload='otpauth://totp/Contoso:admin@contoso.example?secret=JBSWY3DPEHPK3PXP&issuer=Contoso'
qrencode -o "$work/code.png" -s 5 -m 4 "$payload"
width=$(identify -format '%w' "$work/code.png")
x=1500 y=600
feh --title deskauth-wine-code --geometry "+$x+$y" "$work/code.png" >/dev/null 2>&1 &
track $!
timeout 20 xdotool search --sync --onlyvisible --name deskauth-wine-code >/dev/null || fatal "the feh window did not map"
sleep 0.5

echo "== scan the screen with GDI"
run scan --raw || fatal "scan --raw: exit $?: $(cat "$work/err")"
printf '%s\n' "$payload" | cmp -s - "$work/out" || fatal "scan --raw printed '$(cat "$work/out")', want $payload; stderr: $(cat "$work/err")"
pass "deskauth-cli.exe scan --raw printed the payload of the feh window"

run scan --json || fatal "scan --json: exit $?: $(cat "$work/err")"
bounds=$(tr -d ' \n' <"$work/out" | grep -o '"bounds":\[[-0-9,]*\]' | grep -o '[-0-9,]*\]' | tr -d ']')
IFS=, read -r bx0 by0 bx1 by1 <<<"$bounds"
[ "$bx0" -ge "$x" ] && [ "$bx1" -le $((x + width)) ] && [ "$by0" -ge "$y" ] && [ "$by1" -le $((y + width)) ] ||
	fatal "JSON bounds $bounds are not inside the window at $x,$y ${width}x$width"
pass "JSON bounds $bounds lie inside the window ($x,$y ${width}x$width)"

rc=0
run scan --raw --region 0,0,1000,1080 || rc=$?
[ "$rc" = 3 ] || fatal "scan --region away from the code: exit $rc, want 3; stderr: $(cat "$work/err")"
pass "--region away from the code: exit 3, $(cat "$work/err")"

echo "== the Windows clipboard"
rc=0
run scan --clipboard || rc=$?
[ "$rc" = 1 ] && grep -q 'the clipboard holds no image' "$work/err" ||
	fatal "empty clipboard: exit $rc, stderr: $(cat "$work/err")"
pass "empty clipboard: exit 1, $(cat "$work/err")"
clip='otpauth://totp/Clip:carol?secret=GEZDGNBVGY3TQOJQ&issuer=Clip'
qrencode -o "$work/clip.png" -s 4 "$clip"
xclip -selection clipboard -t image/png -i "$work/clip.png" </dev/null >/dev/null 2>&1
for _ in $(seq 50); do
	xclip -selection clipboard -t TARGETS -o 2>/dev/null | grep -q image/png && break
	sleep 0.1
done
run scan --clipboard --raw || fatal "scan --clipboard: exit $?: $(cat "$work/err")"
printf '%s\n' "$clip" | cmp -s - "$work/out" || fatal "scan --clipboard printed '$(cat "$work/out")'; stderr: $(cat "$work/err")"
pass "deskauth-cli.exe scan --clipboard read a PNG through the Windows clipboard API"

# A bitmap: Wine offers it as CF_DIB only, so the DIB decoder is what reads it.
clip2='otpauth://totp/Clip:dave?secret=MFRGGZDFMZTWQ2LK&issuer=Clip'
qrencode -o "$work/clip2.png" -s 4 "$clip2"
convert "$work/clip2.png" -type TrueColor BMP3:"$work/clip2.bmp"
xclip -selection clipboard -t image/bmp -i "$work/clip2.bmp" </dev/null >/dev/null 2>&1
for _ in $(seq 50); do
	xclip -selection clipboard -t TARGETS -o 2>/dev/null | grep -q image/bmp && break
	sleep 0.1
done
run scan --clipboard --raw || fatal "scan --clipboard (bitmap): exit $?: $(cat "$work/err")"
printf '%s\n' "$clip2" | cmp -s - "$work/out" || fatal "scan --clipboard (bitmap) printed '$(cat "$work/out")'; stderr: $(cat "$work/err")"
pass "deskauth-cli.exe scan --clipboard read a bitmap (CF_DIB) through the Windows clipboard API"

finish
