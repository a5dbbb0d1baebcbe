#!/usr/bin/env bash
# The real desktop app in a real window under Xvfb, in English and Japanese,
# light and dark. Asserts what an admin does with it:
#   1. first run shows setup and writes nothing until Create;
#   2. it unlocks with the typed password and shows the codes;
#   3. with a QR code shown by another window (feh), Ctrl+Shift+S scans the
#      screen and Enter saves; Ctrl+Q quits, and `deskauth-cli list` shows
#      the new account in the vault file;
#   4. Ctrl+F, a search and Enter copy the code: the X clipboard (xclip)
#      equals oathtool's code; after the clipboard timeout (3 s, set in the
#      app's preference file) the clipboard no longer holds it.
# Screenshots of each screen go to $DESKAUTH_SHOTS (default: a temp dir) for
# a person to look at; each must not be blank.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib.sh
suite "test-gui-window"
require_tools dbus-run-session Xvfb xdotool feh qrencode import convert xclip oathtool
# Fyne talks to the session bus; without one, D-Bus would autolaunch a daemon
# that outlives the test. Give the run a bus of its own that ends with it.
if [ -z "${DESKAUTH_GUI_BUS:-}" ]; then
  exec env DESKAUTH_GUI_BUS=1 dbus-run-session -- bash "$0" "$@"
fi
export PATH="/usr/local/go/bin:$PATH"

work=$(mktemp -d)
shots=${DESKAUTH_SHOTS:-$work/shots}
mkdir -p "$shots"
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  for p in "${pids[@]}"; do wait "$p" 2>/dev/null || true; done
  rm -rf "$work"
}
at_exit cleanup

go build -o "$work/deskauth" ./cmd/deskauth
CGO_ENABLED=0 go build -o "$work/deskauth-cli" ./cmd/deskauth-cli

display=":$((90 + RANDOM % 400))"
Xvfb "$display" -screen 0 1600x1000x24 -nolisten tcp >/dev/null 2>&1 &
pids+=($!)
export DISPLAY=$display
for _ in $(seq 50); do xdpyinfo >/dev/null 2>&1 && break; sleep 0.1; done
unset XDG_CONFIG_HOME WAYLAND_DISPLAY

fail() { echo "FAIL: $*"; for f in "$work"/*.log; do echo "--- $f"; cat "$f"; done; exit 1; }
ok() { echo "ok   $*"; }

# shot NAME WINDOW: save a screenshot and check it is not blank.
shot() {
  sleep 1.2 # let a frame paint
  import -window "$2" "$shots/$1.png"
  local colours
  colours=$(convert "$shots/$1.png" -format '%k' info:)
  [ "$colours" -ge 4 ] || fail "$1 is blank ($colours colours)"
  ok "$1 ($colours colours): $shots/$1.png"
}

# window: the app's main window id, once mapped.
window() { timeout 30 xdotool search --sync --onlyvisible --name '^DeskAuth$' | head -n1; }
focus() { xdotool windowactivate --sync "$1" 2>/dev/null || xdotool windowfocus --sync "$1"; }

# start LOG: runs the app on $v; sets app and win. The app notes when it
# first shows codes in $first (a test-only hook), so unlock knows when the
# key derivation is done whatever the machine's load.
start() {
  first="$work/first-$1"
  DESKAUTH_TEST_FIRST_CODE_LOG=$first "$work/deskauth" --vault "$v" >"$work/$1.log" 2>&1 &
  app=$!; pids+=($app)
  win=$(window) || fail "no window ($1)"
}

# unlock: types the password into the focused unlock screen.
unlock() {
  focus "$win"
  xdotool type --delay 40 'hunter2'
  xdotool key Return
  for _ in $(seq 300); do [ -s "$first" ] && break; sleep 0.1; done
  [ -s "$first" ] || fail "no codes 30 s after typing the password ($lc)"
  sleep 0.5
}

# quit: Ctrl+Q, and the process must end by itself.
quit() {
  focus "$win"
  xdotool key ctrl+q
  for _ in $(seq 100); do kill -0 "$app" 2>/dev/null || break; sleep 0.1; done
  if kill -0 "$app" 2>/dev/null; then fail "Ctrl+Q did not quit ($lc)"; fi
  wait "$app" 2>/dev/null || true
}

# clip: the X clipboard's text, or nothing.
clip() { timeout 3 xclip -o -selection clipboard 2>/dev/null || true; }

# A QR code for the scan, in its own window at the right of the screen.
secret=JBSWY3DPEHPK3PXP
uri="otpauth://totp/Example%20Console:admin@example.com?secret=$secret&issuer=Example%20Console"
qrencode -s 6 -m 4 -o "$work/qr.png" "$uri"
feh --title qr-window --geometry +1200+300 "$work/qr.png" &
pids+=($!)
timeout 20 xdotool search --sync --onlyvisible --name qr-window >/dev/null || fail "the QR window did not appear"

for lc in en ja; do
  case $lc in en) locale=en_US.UTF-8 theme=light other=dark ;; ja) locale=ja_JP.UTF-8 theme=dark other=light ;; esac
  export HOME="$work/home-$lc" LANG=$locale LANGUAGE=$lc FYNE_THEME=$theme
  mkdir -p "$HOME/.config/fyne/io.github.deskauth"
  # A short clipboard timeout for this test, through the app's own
  # preference file (the setting an admin changes in Settings).
  echo '{"clipboardClearSeconds":3}' >"$HOME/.config/fyne/io.github.deskauth/preferences.json"

  # First run: no vault yet, so the setup screen.
  v="$work/new-$lc.vault"
  start "setup-$lc"
  shot "setup-$lc-$theme" "$win"
  kill "$app"; wait "$app" 2>/dev/null || true
  [ ! -e "$v" ] || fail "setup wrote a vault before Create was pressed"

  # A password vault made with the CLI, then unlocked in the app.
  v="$work/pw-$lc.vault"
  printf 'hunter2\n' >"$work/pw"
  "$work/deskauth-cli" init --vault "$v" --protect password --password-file "$work/pw" >/dev/null
  "$work/deskauth-cli" add --vault "$v" --password-file "$work/pw" 'otpauth://totp/GitHub:octocat?secret=GEZDGNBVGY3TQOJQ&issuer=GitHub' >/dev/null
  "$work/deskauth-cli" add --vault "$v" --password-file "$work/pw" 'otpauth://totp/%E7%AE%A1%E7%90%86%E3%82%B3%E3%83%B3%E3%82%BD%E3%83%BC%E3%83%AB:yamada?secret=MZXW6YTBOI&digits=8' >/dev/null
  start "app-$lc"
  shot "unlock-$lc-$theme" "$win"
  unlock
  shot "codes-$lc-$theme" "$win"

  # Ctrl+Shift+S: the app hides, reads the screen, and comes back with the
  # verify screen; Enter saves; Ctrl+Q quits.
  focus "$win"
  xdotool key ctrl+shift+s
  sleep 3
  win=$(window) || fail "the window did not come back after the scan ($lc)"
  shot "verify-$lc-$theme" "$win"
  focus "$win"
  xdotool key Return
  sleep 2 # the save derives the key (Argon2id) before the list returns
  shot "saved-$lc-$theme" "$win"
  quit
  "$work/deskauth-cli" list --vault "$v" --password-file "$work/pw" >"$work/list" || fail "deskauth-cli list failed ($lc)"
  grep -q '^Example Console (admin@example.com) ' "$work/list" || { cat "$work/list"; fail "the scanned account is not in the vault ($lc)"; }
  ok "Ctrl+Shift+S, Enter saved the scanned account; Ctrl+Q quit ($lc)"

  # Ctrl+F, a search, Enter: the code is on the clipboard, then gone.
  start "copy-$lc"
  unlock
  focus "$win"
  xdotool key ctrl+f
  xdotool type --delay 40 'Example Console'
  before=$(oathtool --totp -b "$secret")
  xdotool key Return
  got=
  for _ in $(seq 20); do got=$(clip); [ -n "$got" ] && break; sleep 0.25; done
  after=$(oathtool --totp -b "$secret")
  [ -n "$got" ] && { [ "$got" = "$before" ] || [ "$got" = "$after" ]; } || fail "clipboard holds '$got', oathtool says $before/$after ($lc)"
  ok "Ctrl+F, search, Enter copied $got = oathtool ($lc)"
  shot "copied-$lc-$theme" "$win"
  sleep 4
  left=$(clip)
  [ "$left" != "$got" ] || fail "the code is still on the clipboard after the timeout ($lc)"
  ok "the clipboard no longer holds the code after 3 s ($lc)"
  quit

  # The other theme, for the screenshots.
  export FYNE_THEME=$other
  start "other-$lc"
  unlock
  shot "codes-$lc-$other" "$win"
  xdotool windowsize "$win" 300 560
  shot "codes-$lc-$other-300px" "$win"
  quit
done
echo "PASS: test-gui-window"
