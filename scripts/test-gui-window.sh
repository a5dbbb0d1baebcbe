#!/usr/bin/env bash
# The real desktop app in a real window under Xvfb, in English and Japanese:
# first-run setup, unlock with the password, the code list, and a screen scan
# that finds a QR code shown by another window. Screenshots of each screen go
# to $DESKAUTH_SHOTS (default: a temp dir) for a person to look at. Fails if a
# window never appears, a screenshot is blank, or the scan does not open the
# add screen with the scanned account.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib.sh
suite "test-gui-window"
require_tools dbus-run-session Xvfb xdotool import convert qrencode feh
# Fyne talks to the session bus; without one, D-Bus would autolaunch a daemon
# that outlives the test. Give the run a bus of its own that ends with it.
if [ -z "${DESKAUTH_GUI_BUS:-}" ]; then
  exec env DESKAUTH_GUI_BUS=1 dbus-run-session -- bash "$0" "$@"
fi

work=$(mktemp -d)
at_exit 'rm -rf "$work"'
# After a failure, the app's logs tell why.
at_exit '[ "$LIB_FAILED" = 0 ] || for f in "$work"/*.log; do echo "--- $f"; cat "$f"; done'
shots=${DESKAUTH_SHOTS:-$work/shots}
mkdir -p "$shots"

go build -o "$work/deskauth" ./cmd/deskauth
CGO_ENABLED=0 go build -o "$work/deskauth-cli" ./cmd/deskauth-cli

start_xvfb 1600x1000x24

# shot NAME WINDOW: save a screenshot and check it is not blank.
shot() {
  sleep 1.2 # let a frame paint
  import -window "$2" "$shots/$1.png"
  local colours
  colours=$(convert "$shots/$1.png" -format '%k' info:)
  [ "$colours" -ge 4 ] || fatal "$1 is blank ($colours colours)"
  pass "$1 ($colours colours): $shots/$1.png"
}

# A QR code for the scan, in its own window at the right of the screen.
uri='otpauth://totp/Example%20Console:admin@example.com?secret=JBSWY3DPEHPK3PXP&issuer=Example%20Console'
qrencode -s 6 -m 4 -o "$work/qr.png" "$uri"
feh --title qr-window --geometry +1200+300 "$work/qr.png" &
track $!
timeout 20 xdotool search --sync --onlyvisible --name qr-window >/dev/null || fatal "the QR window did not appear"

for lc in en ja; do
  case $lc in en) locale=en_US.UTF-8 ;; ja) locale=ja_JP.UTF-8 ;; esac
  export HOME="$work/home-$lc" LANG=$locale LANGUAGE=$lc
  mkdir -p "$HOME"

  # First run: no vault yet, so the setup screen.
  "$work/deskauth" --vault "$work/new-$lc.vault" >"$work/setup-$lc.log" 2>&1 &
  app=$!; track $app
  win=$(timeout 30 xdotool search --sync --onlyvisible --name '^DeskAuth$' | head -n1) || fatal "no setup window ($lc)"
  shot "setup-$lc" "$win"
  kill "$app"; wait "$app" 2>/dev/null || true
  [ ! -e "$work/new-$lc.vault" ] || fatal "setup wrote a vault before Create was pressed"

  # A password vault made with the CLI, then unlocked in the app.
  v="$work/pw-$lc.vault"
  printf 'hunter2\n' >"$work/pw"
  "$work/deskauth-cli" init --vault "$v" --protect password --password-file "$work/pw" >/dev/null
  "$work/deskauth-cli" add --vault "$v" --password-file "$work/pw" 'otpauth://totp/GitHub:octocat?secret=GEZDGNBVGY3TQOJQ&issuer=GitHub' >/dev/null
  "$work/deskauth-cli" add --vault "$v" --password-file "$work/pw" 'otpauth://totp/%E7%AE%A1%E7%90%86%E3%82%B3%E3%83%B3%E3%82%BD%E3%83%BC%E3%83%AB:yamada?secret=MZXW6YTBOI&digits=8' >/dev/null
  "$work/deskauth" --vault "$v" >"$work/app-$lc.log" 2>&1 &
  app=$!; track $app
  win=$(timeout 30 xdotool search --sync --onlyvisible --name '^DeskAuth$' | head -n1) || fatal "no unlock window ($lc)"
  shot "unlock-$lc" "$win"
  xdotool windowactivate --sync "$win" 2>/dev/null || xdotool windowfocus --sync "$win"
  xdotool type --delay 40 'hunter2'
  xdotool key Return
  shot "codes-$lc" "$win"

  # Scan: the app hides itself, reads the screen and opens the add screen
  # with the code it found. Its toolbar's first button is Scan screen.
  eval "$(xdotool getwindowgeometry --shell "$win")"
  xdotool mousemove --window "$win" $((WIDTH / 6)) 22 click 1
  sleep 3
  win=$(timeout 30 xdotool search --sync --onlyvisible --name '^DeskAuth$' | head -n1) || fatal "the window did not come back after the scan ($lc)"
  shot "scan-$lc" "$win"
  kill "$app"; wait "$app" 2>/dev/null || true
done
finish
