#!/usr/bin/env bash
# checksums.sh [DIR] writes DIR/SHA256SUMS (default dist/) for every file in
# DIR, in `sha256sum -c` format. Check a download with:
#   sha256sum -c --ignore-missing SHA256SUMS     (Linux)
#   shasum -a 256 -c --ignore-missing SHA256SUMS (macOS)
set -euo pipefail
dir=${1:-$(dirname "$0")/../../dist}
cd "$dir"
files=()
for f in *; do
	[ -f "$f" ] && [ "$f" != SHA256SUMS ] && files+=("$f")
done
[ ${#files[@]} -gt 0 ] || { echo "checksums: no files in $dir" >&2; exit 1; }
if command -v sha256sum >/dev/null; then
	sha256sum "${files[@]}" >SHA256SUMS
else
	shasum -a 256 "${files[@]}" >SHA256SUMS
fi
cat SHA256SUMS
