#!/usr/bin/env bash
# windows.sh builds DeskAuth for 64-bit Windows into dist/ (make dist-windows):
#
#   dist/DeskAuth-Setup-VERSION.exe                per-user NSIS installer
#   dist/DeskAuth-VERSION-windows-portable.zip     DeskAuth/ with both programs
#                                                  and the deskauth.portable marker
#
# deskauth.exe is a windowsgui program and deskauth-cli.exe a console one; both
# carry the icon, version information and manifest (packaging/windows), compiled
# by windres into a .syso that go build links in. Go takes a .syso only from the
# package's folder (not through -overlay), so it is put there for the build
# and removed afterwards (cmd/*/zz_dist_*.syso, ignored by git). Programs and
# installer are signed by sign.sh when a certificate is set. Intermediate files
# go to bin/dist/windows.
#
# Cross-builds on Linux with x86_64-w64-mingw32-gcc and -windres; on Windows
# (MSYS2 MINGW64) set CC_WINDOWS=gcc WINDRES=windres. Needs makensis and zip.
set -euo pipefail
cd "$(dirname "$0")/../.."
export PATH=/usr/local/go/bin:$PATH

GO=${GO:-go}
CC_WINDOWS=${CC_WINDOWS:-x86_64-w64-mingw32-gcc}
WINDRES=${WINDRES:-x86_64-w64-mingw32-windres}
VERSION=$(scripts/dist/version.sh)
WINVERSION=$(scripts/dist/version.sh --windows)
work=bin/dist/windows
out=${DIST_DIR:-dist}
mkdir -p "$out" && out=$(cd "$out" && pwd)
pkg=github.com/deskauth/deskauth

for tool in "$CC_WINDOWS" "$WINDRES" makensis zip; do
	command -v "$tool" >/dev/null || { echo "dist-windows: $tool is missing (scripts/apt-packages.txt)" >&2; exit 1; }
done

rm -rf "$work"
mkdir -p "$work/app" "$work/portable/DeskAuth" "$out"
root=$(pwd)

# The icon: every size Windows asks for, from the 512 px PNG.
$GO run ./scripts/dist/mkico -o "$work/deskauth.ico" assets/icon.png

# resource NAME DESCRIPTION writes $work/NAME.syso.
resource() {
	local name=$1 description=$2
	sed -e "s/@NAME@/$name/g" -e "s/@WINVERSION@/$WINVERSION/g" \
		packaging/windows/deskauth.exe.manifest >"$work/$name.manifest"
	sed -e "s|@NAME@|$name|g" -e "s|@DESCRIPTION@|$description|g" \
		-e "s|@VERSION@|$VERSION|g" -e "s|@WINVERSION_COMMAS@|${WINVERSION//./,}|g" \
		-e "s|@ICON@|deskauth.ico|g" -e "s|@MANIFEST@|$name.manifest|g" \
		packaging/windows/resource.rc.in >"$work/$name.rc"
	(cd "$work" && "$WINDRES" -O coff -i "$name.rc" -o "$name.syso")
}
resource deskauth "DeskAuth"
resource deskauth-cli "DeskAuth command line"

cleanup() { rm -f cmd/deskauth/zz_dist_windows_amd64.syso cmd/deskauth-cli/zz_dist_windows_amd64.syso; }
trap cleanup EXIT
cp "$work/deskauth.syso" cmd/deskauth/zz_dist_windows_amd64.syso
cp "$work/deskauth-cli.syso" cmd/deskauth-cli/zz_dist_windows_amd64.syso

ldflags="-s -w -X $pkg/internal/version.Version=$VERSION"
echo "dist-windows: building $VERSION (the GUI takes minutes on a cold build cache)" >&2
CGO_ENABLED=1 GOOS=windows GOARCH=amd64 CC=$CC_WINDOWS \
	$GO build -ldflags "$ldflags -H=windowsgui" -o "$work/app/deskauth.exe" ./cmd/deskauth
CGO_ENABLED=0 GOOS=windows GOARCH=amd64 \
	$GO build -ldflags "$ldflags" -o "$work/app/deskauth-cli.exe" ./cmd/deskauth-cli
cleanup
scripts/dist/sign.sh "$work/app/deskauth.exe" "$work/app/deskauth-cli.exe"

setup=DeskAuth-Setup-$VERSION.exe
# native PATH prints PATH as Windows programs want it under MSYS2 (makensis).
native() { if command -v cygpath >/dev/null; then cygpath -m "$1"; else printf '%s\n' "$1"; fi; }
signdef=()
# makensis runs the signing command through sh on Linux; under MSYS2 it would
# use cmd.exe, so there the uninstaller inside the installer stays unsigned.
if [ -n "${DESKAUTH_SIGN_PFX:-}${DESKAUTH_SIGN_CERT:-}" ] && ! command -v cygpath >/dev/null; then
	signdef=(-DSIGNCMD="$root/scripts/dist/sign.sh")
fi
makensis -V2 "${signdef[@]}" -DVERSION="$VERSION" -DWINVERSION="$WINVERSION" -DSRCDIR="$(native "$root/$work/app")" \
	-DICON="$(native "$root/$work/deskauth.ico")" -DOUTFILE="$(native "$out/$setup")" packaging/windows/deskauth.nsi
scripts/dist/sign.sh "$out/$setup"

zipname=DeskAuth-$VERSION-windows-portable.zip
cp "$work/app/deskauth.exe" "$work/app/deskauth-cli.exe" "$work/portable/DeskAuth/"
printf 'This file makes DeskAuth keep its vault (deskauth.vault) in this folder.\r\n' >"$work/portable/DeskAuth/deskauth.portable"
sed 's/$/\r/' packaging/windows/README-portable.txt >"$work/portable/DeskAuth/README-portable.txt"
rm -f "$out/$zipname"
(cd "$work/portable" && zip -q -9 -X -r "$out/$zipname" DeskAuth)
echo "dist-windows: $out/$setup $out/$zipname" >&2
