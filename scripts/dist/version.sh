#!/usr/bin/env bash
# version.sh prints DeskAuth's version from git, in the form a target needs:
#
#   version.sh            semver: 1.2.0 on a v1.2.0 tag, 1.2.0+3.gabc1234 three
#                         commits after it, 0.0.0-dev+abc1234 with no tag
#                         (".dirty" is added for uncommitted changes)
#   version.sh --windows  four numbers for PE version info: 1.2.0.3
#   version.sh --debian   a Debian version: 1.2.0, 1.2.0+3.gabc1234, 0.0.0~dev+abc1234
#
# DESKAUTH_VERSION, when set, is used instead of git (a CI job that knows it).
set -euo pipefail
cd "$(dirname "$0")/../.."

semver() {
	if [ -n "${DESKAUTH_VERSION:-}" ]; then
		echo "${DESKAUTH_VERSION#v}"
		return
	fi
	local desc dirty=""
	if ! git rev-parse --git-dir >/dev/null 2>&1; then
		echo "0.0.0-dev"
		return
	fi
	git diff --quiet HEAD -- 2>/dev/null || dirty=.dirty
	if desc=$(git describe --tags --match 'v[0-9]*' --long 2>/dev/null); then
		# v1.2.0-3-gabc1234
		local tag=${desc%-*-g*} rest=${desc##*-g} n
		n=${desc%-g*}
		n=${n##*-}
		tag=${tag#v}
		if [ "$n" = 0 ] && [ -z "$dirty" ]; then
			echo "$tag"
		elif [ "$n" = 0 ]; then
			echo "$tag+${dirty#.}"
		else
			echo "$tag+$n.g$rest$dirty"
		fi
	else
		echo "0.0.0-dev+$(git rev-parse --short=7 HEAD)$dirty"
	fi
}

v=$(semver)
case "${1:-}" in
"") echo "$v" ;;
--windows)
	# 1.2.0-rc.1+3.gabc -> 1.2.0 and 3 commits as the fourth number.
	core=${v%%[-+]*}
	IFS=. read -r a b c <<<"$core"
	n=0
	if [[ $v =~ \+([0-9]+)\.g ]]; then n=${BASH_REMATCH[1]}; fi
	[ "$n" -le 65535 ] || n=65535
	echo "${a:-0}.${b:-0}.${c:-0}.$n"
	;;
--debian)
	# A pre-release sorts before its release: - becomes ~.
	core=${v%%+*}
	meta=
	[ "$core" = "$v" ] || meta=+${v#*+}
	echo "${core/-/\~}$meta"
	;;
*)
	echo "usage: $0 [--windows|--debian]" >&2
	exit 2
	;;
esac
