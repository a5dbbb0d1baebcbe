#!/usr/bin/env bash
# manifests.sh [DIR] fills in the Homebrew cask and the winget manifests from
# the artifacts in DIR (default dist/) and their SHA256SUMS, writing
# DIR/manifests/homebrew/deskauth.rb and DIR/manifests/winget/*.yaml; a
# template whose artifact is missing is skipped. The release workflow runs it
# after collecting every platform's files.
set -euo pipefail
cd "$(dirname "$0")/../.."
dir=${1:-${DIST_DIR:-dist}}
VERSION=$(scripts/dist/version.sh)

sum() { awk -v f="$1" '$2 == f || $2 == "*" f { print $1 }' "$dir/SHA256SUMS"; }
fill() { sed -e "s/@VERSION@/$VERSION/g" -e "s/@SHA256@/$2/g" "$1"; }

dmg_sum=$(sum "DeskAuth-$VERSION-macos-universal.dmg")
if [ -n "$dmg_sum" ]; then
	mkdir -p "$dir/manifests/homebrew"
	# The template's opening comment is about the template: drop it.
	fill packaging/homebrew/deskauth.rb.in "$dmg_sum" | awk 'body || !/^#/ { body = 1; print }' >"$dir/manifests/homebrew/deskauth.rb"
	echo "manifests: $dir/manifests/homebrew/deskauth.rb" >&2
else
	echo "manifests: no macOS .dmg in $dir: no Homebrew cask" >&2
fi

setup_sum=$(sum "DeskAuth-Setup-$VERSION.exe")
if [ -n "$setup_sum" ]; then
	mkdir -p "$dir/manifests/winget"
	for t in packaging/winget/*.yaml.in; do
		f=$(basename "$t" .in)
		fill "$t" "$setup_sum" >"$dir/manifests/winget/$f"
	done
	echo "manifests: $dir/manifests/winget/" >&2
else
	echo "manifests: no Windows installer in $dir: no winget manifests" >&2
fi
