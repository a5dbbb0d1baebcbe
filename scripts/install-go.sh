#!/usr/bin/env bash
# Makes sure a Go toolchain at least as new as go.mod's "go" line is on the
# machine. Debian ships an older Go, which is enough to fetch the official
# toolchain as a module (golang.org/toolchain) through the Go module proxy; it is
# then copied to /usr/local/go. The Makefile puts /usr/local/go/bin on PATH.
set -euo pipefail
cd "$(dirname "$0")/.."

need=$(awk '$1 == "go" { print $2; exit }' go.mod)
goroot=${DESKAUTH_GOROOT:-/usr/local/go} # where to install; tests point it elsewhere
PATH="$goroot/bin:$PATH"

version_ok() { # version_ok 1.26.8 1.26 -> true when $1 >= $2
  [ "$(printf '%s\n%s\n' "$2" "$1" | sort -V | head -n1)" = "$2" ]
}

if command -v go >/dev/null 2>&1; then
  have=$(go env GOVERSION | sed 's/^go//')
  if version_ok "$have" "$need"; then exit 0; fi
fi

sudo=""
if [ "$(id -u)" != 0 ]; then sudo="sudo"; fi
echo "install-go: Go $need or newer is missing; fetching it through the Go module proxy"
if ! command -v /usr/lib/go/bin/go >/dev/null 2>&1; then
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq golang-go unzip >/dev/null
fi
arch=$(dpkg --print-architecture)
# The newest patch release of go.mod's minor version (go.mod may say 1.26.0;
# 1.26.x has the security fixes), as the proxy lists it.
minor=$(echo "$need" | cut -d. -f1,2)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cd "$tmp"
boot=/usr/lib/go/bin/go
export GOPATH="$tmp/gopath" GOFLAGS=-modcacherw GO111MODULE=on
"$boot" mod init bootstrap >/dev/null 2>&1
ver=$("$boot" list -m -versions golang.org/toolchain | tr ' ' '\n' | grep -E "^v0\.0\.1-go${minor//./\\.}(\.[0-9]+)?\.linux-${arch}\$" | sort -V | tail -n1)
if [ -z "$ver" ]; then
  echo "install-go: the module proxy lists no Go $need toolchain for linux-$arch" >&2
  exit 1
fi
dir=$("$boot" mod download -json "golang.org/toolchain@$ver" | sed -n 's/^\s*"Dir": "\(.*\)",$/\1/p')
$sudo rm -rf "$goroot"
$sudo cp -r "$dir" "$goroot"
$sudo chmod -R a+rX "$goroot"
$sudo chmod a+x "$goroot"/bin/* "$goroot"/pkg/tool/*/*
echo "install-go: installed $("$goroot/bin/go" version) in $goroot"
