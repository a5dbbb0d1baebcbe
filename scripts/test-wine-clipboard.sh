#!/usr/bin/env bash
# The Windows clipboard path for codes, for real: internal/winclip's test,
# built for Windows and run under Wine (scripts/wine-env.sh), puts a code on
# the clipboard and reads back the text and the private formats that keep it
# out of clipboard history and cloud sync, then clears it.
set -euo pipefail
export PATH=/usr/local/go/bin:$PATH
cd "$(dirname "$0")/.."
. scripts/wine-env.sh
work=$(mktemp -d)
cleanup() { wine_env_cleanup; rm -rf "$work"; }
trap cleanup EXIT
GOOS=windows GOARCH=amd64 CGO_ENABLED=0 go test -c -o "$work/winclip.test.exe" ./internal/winclip
wine_env_setup
wine_env_xvfb 800x600x24
wine_run "$work/winclip.test.exe" -test.v -test.count=1 | tr -d '\r' | tee "$work/out"
grep -q '^--- PASS: TestSetTextMarksPrivate' "$work/out" || { echo "test-wine-clipboard: FAIL"; exit 1; }
echo "PASS: test-wine-clipboard"
