#!/usr/bin/env bash
# macos.sh builds DeskAuth for macOS into dist/ (make dist-macos, on a Mac with
# the Xcode command line tools):
#
#   dist/DeskAuth-VERSION-macos-universal.dmg   DeskAuth.app (arm64 + amd64),
#       with deskauth-cli inside it (Contents/MacOS/deskauth-cli), and a link
#       to /Applications to drag it onto
#
# Both programs use cgo (CoreGraphics screen capture). Signing and
# notarization happen when the environment names them:
#
#   DESKAUTH_MACOS_SIGN_IDENTITY  a "Developer ID Application: ..." identity in
#                                 the keychain; without it the app is signed
#                                 ad hoc (runs on this Mac; Gatekeeper warns
#                                 elsewhere)
#   DESKAUTH_NOTARY_APPLE_ID, DESKAUTH_NOTARY_PASSWORD (an app-specific
#   password), DESKAUTH_NOTARY_TEAM_ID
#                                 submit the .dmg with notarytool and staple it
#
# Intermediate files go to bin/dist/macos.
set -euo pipefail
cd "$(dirname "$0")/../.."

GO=${GO:-go}
VERSION=$(scripts/dist/version.sh)
WINVERSION=$(scripts/dist/version.sh --windows)
work=bin/dist/macos
out=${DIST_DIR:-dist}
mkdir -p "$out" && out=$(cd "$out" && pwd)
app=$work/DeskAuth.app
pkg=github.com/deskauth/deskauth

[ "$(uname -s)" = Darwin ] || { echo "dist-macos: needs macOS (lipo, iconutil, codesign, hdiutil)" >&2; exit 1; }

rm -rf "$work"
mkdir -p "$work" "$out" "$app/Contents/MacOS" "$app/Contents/Resources"

ldflags="-s -w -X $pkg/internal/version.Version=$VERSION"
export MACOSX_DEPLOYMENT_TARGET=12.0
for arch in arm64 amd64; do
	carch=$arch
	[ "$arch" = amd64 ] && carch=x86_64
	for prog in deskauth deskauth-cli; do
		CGO_ENABLED=1 GOOS=darwin GOARCH=$arch CC="clang -arch $carch" \
			$GO build -ldflags "$ldflags" -o "$work/$arch/$prog" ./cmd/$prog
	done
done
for prog in deskauth deskauth-cli; do
	lipo -create -output "$app/Contents/MacOS/$prog" "$work/arm64/$prog" "$work/amd64/$prog"
done

# The icon: every size an .icns holds, from the 512 px PNG.
set_dir=$work/icon.iconset
mkdir -p "$set_dir"
for s in 16 32 128 256 512; do
	sips -z "$s" "$s" assets/icon.png --out "$set_dir/icon_${s}x${s}.png" >/dev/null
	d=$((s * 2))
	if [ "$d" -le 512 ]; then
		sips -z "$d" "$d" assets/icon.png --out "$set_dir/icon_${s}x${s}@2x.png" >/dev/null
	fi
done
iconutil -c icns -o "$app/Contents/Resources/icon.icns" "$set_dir"

short=${VERSION%%[-+]*}
sed -e "s/@VERSION@/$short/" -e "s/@BUILD@/$WINVERSION/" packaging/macos/Info.plist.in >"$app/Contents/Info.plist"
plutil -lint "$app/Contents/Info.plist" >/dev/null

if [ -n "${DESKAUTH_MACOS_SIGN_IDENTITY:-}" ]; then
	sign=(codesign --force --timestamp --options runtime -s "$DESKAUTH_MACOS_SIGN_IDENTITY")
else
	echo "dist-macos: no DESKAUTH_MACOS_SIGN_IDENTITY: signing ad hoc" >&2
	sign=(codesign --force -s -)
fi
"${sign[@]}" "$app/Contents/MacOS/deskauth-cli"
"${sign[@]}" "$app"
codesign --verify --strict --verbose=2 "$app"

dmg=$out/DeskAuth-$VERSION-macos-universal.dmg
stage=$work/dmg
mkdir -p "$stage"
cp -R "$app" "$stage/"
ln -s /Applications "$stage/Applications"
rm -f "$dmg"
hdiutil create -volname DeskAuth -srcfolder "$stage" -fs HFS+ -format UDZO -ov "$dmg" >/dev/null
[ -z "${DESKAUTH_MACOS_SIGN_IDENTITY:-}" ] || codesign --force --timestamp -s "$DESKAUTH_MACOS_SIGN_IDENTITY" "$dmg"

if [ -n "${DESKAUTH_NOTARY_APPLE_ID:-}" ]; then
	xcrun notarytool submit "$dmg" --wait \
		--apple-id "$DESKAUTH_NOTARY_APPLE_ID" --team-id "${DESKAUTH_NOTARY_TEAM_ID:?}" \
		--password "${DESKAUTH_NOTARY_PASSWORD:?}"
	xcrun stapler staple "$dmg"
fi
echo "dist-macos: $dmg" >&2
