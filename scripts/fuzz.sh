#!/usr/bin/env bash
# make fuzz: run every fuzzer in the repository for FUZZTIME each (default
# 60s; FUZZTIME=10m before a release). Fuzzers are found with
# `go test -list '^Fuzz' ./...`, so a new one (an importer's, say) is included
# without editing this file. Prints the executions and new interesting inputs
# of each, and exits non-zero if any fuzzer failed: its crasher is kept under
# the package's testdata/fuzz/, and becomes a row of the parser's table test.
#
#   FUZZTIME  time per fuzzer, as go test -fuzztime takes it (60s, 10m, 5000x)
#   FUZZ      only fuzzers whose name matches this extended regexp
set -euo pipefail
export PATH=/usr/local/go/bin:$PATH
cd "$(dirname "$0")/.."
fuzztime=${FUZZTIME:-60s}
only=${FUZZ:-.}

# go test -list prints each package's matching names, then "ok  PKG  TIME".
jobs=()
pending=()
while read -r first second _; do
	case "$first" in
	Fuzz*) pending+=("$first") ;;
	ok) for n in "${pending[@]}"; do jobs+=("$second $n"); done; pending=() ;;
	*) pending=() ;;
	esac
done < <(go test -list '^Fuzz' ./... 2>/dev/null)
[ ${#jobs[@]} -gt 0 ] || { echo "FAIL: no fuzzers found"; exit 1; }

log=$(mktemp)
trap 'rm -f "$log"' EXIT
failed=()
summary=()
for job in "${jobs[@]}"; do
	read -r pkg name <<<"$job"
	[[ $name =~ $only ]] || continue
	echo "== $name ($pkg) for $fuzztime"
	if go test -run '^$' -fuzz "^$name\$" -fuzztime "$fuzztime" "$pkg" >"$log" 2>&1; then
		status=ok
	else
		status=FAIL
		failed+=("$name")
		cat "$log"
	fi
	# The last progress line; its rate is not meaningful, the count is.
	last=$(grep -o 'execs: [0-9]* ([0-9]*/sec), new interesting: [0-9]* (total: [0-9]*)' "$log" | tail -1 |
		sed 's/ ([0-9]*\/sec)//' || true)
	summary+=("$(printf '%-4s %-28s %-45s %s' "$status" "$name" "${pkg#github.com/deskauth/deskauth/}" "${last:-no progress line}")")
done
echo
echo "== fuzz summary ($fuzztime per fuzzer)"
printf '%s\n' "${summary[@]}"
if [ ${#failed[@]} -gt 0 ]; then
	echo "FAIL: ${failed[*]} (crashers are in the package's testdata/fuzz/)"
	exit 1
fi
