#!/usr/bin/env bash
# Starts the real desktop app under Xvfb, in English and in Japanese, waits for
# its window, and saves a screenshot of each to $DESKAUTH_SHOTS (default: a
# temp dir) for a person to look at. Fails if the window never appears or the
# screenshot is blank.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="/usr/local/go/bin:$PATH"

work=$(mktemp -d)
shots=${DESKAUTH_SHOTS:-$work}
mkdir -p "$shots"
cleanup() {
  [ -n "${app_pid:-}" ] && kill "$app_pid" 2>/dev/null || true
  [ -n "${xvfb_pid:-}" ] && kill "$xvfb_pid" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

go build -o "$work/deskauth" ./cmd/deskauth

display=":$((90 + RANDOM % 400))"
Xvfb "$display" -screen 0 1024x768x24 -nolisten tcp >/dev/null 2>&1 &
xvfb_pid=$!
export DISPLAY=$display
for _ in $(seq 50); do xdpyinfo >/dev/null 2>&1 && break; sleep 0.1; done

for locale in en_US.UTF-8 ja_JP.UTF-8; do
  short=${locale%%_*}
  HOME="$work/home-$short" LANG=$locale LANGUAGE=$short \
    "$work/deskauth" --vault "$work/test.vault" >"$work/app-$short.log" 2>&1 &
  app_pid=$!
  if ! win=$(timeout 30 xdotool search --sync --onlyvisible --name '^DeskAuth$' | head -n1); then
    echo "FAIL: no DeskAuth window appeared ($locale)"; cat "$work/app-$short.log"; exit 1
  fi
  sleep 1 # let the first frame paint
  import -window "$win" "$shots/main-$short.png"
  colours=$(convert "$shots/main-$short.png" -format '%k' info:)
  if [ "$colours" -lt 4 ]; then
    echo "FAIL: the $locale window is blank ($colours colours)"; exit 1
  fi
  echo "ok: $locale window rendered ($colours colours): $shots/main-$short.png"
  kill "$app_pid"; wait "$app_pid" 2>/dev/null || true
  app_pid=
done
echo "PASS: test-gui-window"
