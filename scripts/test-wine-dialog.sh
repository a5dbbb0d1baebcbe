#!/usr/bin/env bash
# The Windows file dialogs for real: internal/filedialog's comdlg32 calls
# (GetOpenFileNameW, GetSaveFileNameW) under Wine + Xvfb, answered with
# xdotool as a user would: a typed file name and Enter gives its path,
# Escape gives "" (cancelled), and the save dialog starts with the suggested
# name. Exits non-zero on failure.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/wine-env.sh
suite "Wine file dialog suite"
require_tools xdotool winepath wine wineserver x86_64-w64-mingw32-gcc

work=$(mktemp -d)
at_exit 'rm -rf "$work"'
at_exit wine_env_cleanup

wine_build_tests ./internal/filedialog "$work/filedialog.test.exe"
wine_env_setup
wine_env_xvfb 1280x1024x24
printf 'not really a png' >"$work/qr.png"
png_win=$(winepath -w "$work/qr.png")

# dialog MODE TITLE KEYS...: starts the dialog, waits for its window, sends
# the keys, and prints the test's RESULT line.
dialog() {
	local mode=$1 title=$2 win
	shift 2
	FILEDIALOG_WINE=$mode wine_run "$work/filedialog.test.exe" -test.run '^TestDialogUnderWine$' -test.v >"$work/$mode.out" 2>&1 &
	local pid=$!
	if ! win=$(timeout 60 xdotool search --sync --name "$title" | head -1); then
		kill "$pid" 2>/dev/null || true
		echo "RESULT no window"
		return
	fi
	sleep 1
	xdotool windowactivate --sync "$win" 2>/dev/null || xdotool windowfocus --sync "$win" || true
	for k in "$@"; do
		case $k in
		key:*) xdotool key --window "$win" "${k#key:}" ;;
		*) xdotool type --window "$win" --delay 20 "$k" ;;
		esac
		sleep 0.3
	done
	if ! timeout 30 tail --pid="$pid" -f /dev/null; then
		kill "$pid" 2>/dev/null || true
	fi
	grep '^RESULT' "$work/$mode.out" || { echo "RESULT none"; cat "$work/$mode.out"; }
}

got=$(dialog open "DeskAuth open test" key:ctrl+a "$png_win" key:Return)
want="RESULT path=\"${png_win//\\/\\\\}\" err=<nil>"
[ "$got" = "$want" ] && pass "open dialog returns the typed file" || fail "open dialog: got $got, want $want"

got=$(dialog open "DeskAuth open test" key:Escape)
[ "$got" = 'RESULT path="" err=<nil>' ] && pass "Escape cancels the open dialog" || fail "cancelled open dialog: got $got"

got=$(dialog save "DeskAuth save test" key:Return)
case $got in
*'backup.vault" err=<nil>') pass "save dialog suggests the name: $got" ;;
*) fail "save dialog: got $got" ;;
esac

finish
