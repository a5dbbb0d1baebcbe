#!/usr/bin/env bash
# Installs what DeskAuth needs and is missing: the Debian packages listed in
# scripts/apt-packages.txt, and a Go toolchain new enough for go.mod. Safe to run
# again: it does nothing when everything is there.
set -euo pipefail
cd "$(dirname "$0")/.."

sudo=""
if [ "$(id -u)" != 0 ]; then sudo="sudo"; fi

mapfile -t wanted < <(sed -e 's/#.*//' -e '/^\s*$/d' scripts/apt-packages.txt)
missing=()
for p in "${wanted[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "install-deps: installing ${missing[*]}"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

scripts/install-go.sh
