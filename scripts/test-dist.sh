#!/usr/bin/env bash
# The release packages for real (make dist, scripts/dist):
#   1. make dist into a temporary folder, signing the Windows programs and the
#      installer with a throwaway self-signed certificate (openssl);
#   2. SHA256SUMS covers every artifact; osslsigncode verify -CAfile passes on
#      the installer and both programs (and fails against another CA); the GUI
#      is a windowsgui program carrying its icon, version and manifest
#      (wrestool, objdump);
#   3. under Wine (scripts/wine-env.sh, + Xvfb): the installer runs silently
#      (/S) per user, installs the programs, the Start-menu shortcut and the
#      Apps & features entry, not the Run key; the installed deskauth-cli.exe
#      prints the version and makes a DPAPI vault whose code equals
#      oathtool's; the installed GUI opens its window (screenshot, not blank);
#      start at login (internal/autostart) writes and removes the Run key
#      (checked with reg query); the uninstaller removes the program, the
#      shortcut and the Run value and leaves the vault (and a vault kept in
#      the program folder);
#   4. the portable zip keeps its vault beside deskauth.exe;
#   5. the .deb: dpkg-deb --info/--contents, lintian without errors,
#      desktop-file-validate, appstreamcli validate, and dpkg -i / -r as root;
#      the tar.xz installs with its Makefile.
# The GUI's Windows cross-build is the slow part (minutes on a cold Go build
# cache); it is built once, by make dist. Screenshots go to $DESKAUTH_SHOTS
# (default bin/dist/test-shots). Exits non-zero on failure.
set -euo pipefail
export PATH=/usr/local/go/bin:$PATH
cd "$(dirname "$0")/.."
root=$(pwd)

for tool in makensis osslsigncode openssl lintian desktop-file-validate appstreamcli wrestool \
	x86_64-w64-mingw32-objdump dpkg-deb unzip oathtool winepath xdotool import convert iconv; do
	command -v "$tool" >/dev/null || { echo "FAIL: $tool is missing (scripts/apt-packages.txt)"; exit 1; }
done

. scripts/wine-env.sh
work=$(mktemp -d)
gui_pid=
deb_installed=
cleanup() {
	[ -z "$gui_pid" ] || kill "$gui_pid" 2>/dev/null || true
	[ -z "$deb_installed" ] || dpkg -r deskauth >/dev/null 2>&1 || true
	wine_env_cleanup
	rm -rf "$work"
}
trap cleanup EXIT
shots=${DESKAUTH_SHOTS:-$root/bin/dist/test-shots}
mkdir -p "$shots"

fail=0
ok() { echo "ok   $*"; }
bad() { echo "FAIL $*"; fail=1; }

echo "-- versions from git tags (scripts/dist/version.sh, in a scratch clone)"
git clone -q --no-local . "$work/clone" 2>/dev/null
(
	cd "$work/clone"
	git -c user.name=t -c user.email=t@example.com commit -q --allow-empty -m untagged
	hash=$(git rev-parse --short=7 HEAD)
	git tag -d $(git tag -l) >/dev/null 2>&1 || true
	printf '%s %s %s\n' "$(scripts/dist/version.sh)" "$(scripts/dist/version.sh --windows)" "$(scripts/dist/version.sh --debian)" >"$work/v-none"
	echo "0.0.0-dev+$hash 0.0.0.0 0.0.0~dev+$hash" >"$work/v-none-want"
	git tag v1.2.0
	printf '%s %s %s\n' "$(scripts/dist/version.sh)" "$(scripts/dist/version.sh --windows)" "$(scripts/dist/version.sh --debian)" >"$work/v-tag"
	git -c user.name=t -c user.email=t@example.com commit -q --allow-empty -m after
	git -c user.name=t -c user.email=t@example.com commit -q --allow-empty -m after2
	hash=$(git rev-parse --short=7 HEAD)
	printf '%s %s %s\n' "$(scripts/dist/version.sh)" "$(scripts/dist/version.sh --windows)" "$(scripts/dist/version.sh --debian)" >"$work/v-after"
	echo "1.2.0+2.g$hash 1.2.0.2 1.2.0+2.g$hash" >"$work/v-after-want"
	git tag v1.3.0-rc.1
	printf '%s %s %s\n' "$(scripts/dist/version.sh)" "$(scripts/dist/version.sh --windows)" "$(scripts/dist/version.sh --debian)" >"$work/v-rc"
)
for c in "none:$(cat "$work/v-none-want")" "tag:1.2.0 1.2.0.0 1.2.0" "after:$(cat "$work/v-after-want")" "rc:1.3.0-rc.1 1.3.0.0 1.3.0~rc.1"; do
	name=${c%%:*} want=${c#*:}
	got=$(cat "$work/v-$name")
	[ "$got" = "$want" ] && ok "version ($name): $got" || bad "version ($name): '$got', want '$want'"
done
rm -rf "$work/clone"

echo "-- a throwaway code-signing certificate"
openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=DeskAuth Test Signing" \
	-addext "extendedKeyUsage=codeSigning" -addext "keyUsage=critical,digitalSignature" \
	-keyout "$work/key.pem" -out "$work/cert.pem" 2>/dev/null
openssl pkcs12 -export -inkey "$work/key.pem" -in "$work/cert.pem" -out "$work/sign.pfx" -passout pass:test-pfx-pw
openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=Some Other CA" \
	-keyout "$work/other-key.pem" -out "$work/other.pem" 2>/dev/null
rm -f "$work/key.pem" "$work/other-key.pem"

echo "-- make dist"
dist=$work/dist
start=$SECONDS
if ! DESKAUTH_SIGN_PFX=$work/sign.pfx DESKAUTH_SIGN_PASSWORD=test-pfx-pw DESKAUTH_SIGN_REQUIRED=1 \
	make --no-print-directory dist DIST_DIR="$dist" >"$work/dist.log" 2>&1; then
	tail -40 "$work/dist.log"
	echo "FAIL make dist"
	exit 1
fi
ok "make dist in $((SECONDS - start)) s"
version=$(scripts/dist/version.sh)
debversion=$(scripts/dist/version.sh --debian)
setup=$dist/DeskAuth-Setup-$version.exe
zip=$dist/DeskAuth-$version-windows-portable.zip
tarxz=$dist/DeskAuth-$version-linux-amd64.tar.xz
deb=$dist/deskauth_${debversion}_amd64.deb
for f in "$setup" "$zip" "$tarxz" "$deb"; do
	[ -s "$f" ] && ok "built $(basename "$f") ($(du -h "$f" | cut -f1))" || bad "missing $f"
done

echo "-- checksums"
listed=$(cut -d' ' -f3 "$dist/SHA256SUMS" | sort | paste -sd' ')
present=$(cd "$dist" && ls | grep -vx SHA256SUMS | sort | paste -sd' ')
if [ "$listed" = "$present" ] && (cd "$dist" && sha256sum -c --quiet SHA256SUMS); then
	ok "SHA256SUMS lists and matches every artifact: $listed"
else
	bad "SHA256SUMS lists '$listed', dist holds '$present'"
fi

unzip -q "$zip" -d "$work/portable"
pdir=$work/portable/DeskAuth
echo "-- Authenticode signatures"
for f in "$setup" "$pdir/deskauth.exe" "$pdir/deskauth-cli.exe"; do
	if out=$(osslsigncode verify -CAfile "$work/cert.pem" -in "$f" 2>&1) && echo "$out" | grep -q 'Signature verification: ok'; then
		ok "osslsigncode verify -CAfile: $(basename "$f"): $(echo "$out" | grep -m1 'Signature verification')"
	else
		echo "$out" | tail -5
		bad "osslsigncode verify $(basename "$f")"
	fi
	if osslsigncode verify -CAfile "$work/other.pem" -in "$f" >/dev/null 2>&1; then
		bad "$(basename "$f") verifies against an unrelated CA"
	fi
done

echo "-- PE resources and subsystem"
winversion=$(scripts/dist/version.sh --windows)
for exe in deskauth deskauth-cli; do
	f=$pdir/$exe.exe
	res=$(wrestool -l "$f")
	if echo "$res" | grep -q "type=group_icon" && echo "$res" | grep -q "type=version" && echo "$res" | grep -q -- "--type=24 "; then
		ok "$exe.exe carries an icon group, a version resource and a manifest"
	else
		bad "$exe.exe resources: $res"
	fi
	strings=$(wrestool -x --raw --type=version "$f" | iconv -f UTF-16LE -t UTF-8 -c | tr -c '[:print:]' '\n')
	if echo "$strings" | grep -qx "$version" && echo "$strings" | grep -qx "$exe.exe" && echo "$strings" | grep -qx DeskAuth; then
		ok "$exe.exe version resource: ProductVersion $version, OriginalFilename $exe.exe"
	else
		bad "$exe.exe version resource lacks $version: $(echo "$strings" | grep . | paste -sd' ')"
	fi
	manifest=$(wrestool -x --raw --type=24 "$f")
	echo "$manifest" | grep -q "version=\"$winversion\"" && echo "$manifest" | grep -q 'level="asInvoker"' && ok "$exe.exe manifest: version $winversion, asInvoker" ||
		bad "$exe.exe manifest does not carry version $winversion"
done
sub=$(x86_64-w64-mingw32-objdump -p "$pdir/deskauth.exe" | sed -n 's/^Subsystem\s*//p')
[[ $sub == *"Windows GUI"* ]] && ok "deskauth.exe subsystem: $sub" || bad "deskauth.exe subsystem: $sub"
sub=$(x86_64-w64-mingw32-objdump -p "$pdir/deskauth-cli.exe" | sed -n 's/^Subsystem\s*//p')
[[ $sub == *"Windows CUI"* ]] && ok "deskauth-cli.exe subsystem: $sub" || bad "deskauth-cli.exe subsystem: $sub"

echo "-- Windows, under Wine"
start=$SECONDS
# The shortcut must not turn into a menu entry on this machine.
export WINEDLLOVERRIDES="winemenubuilder.exe=d"
wine_env_setup
wine_env_xvfb 1280x1024x24
ok "Wine prefix and Xvfb on $DISPLAY in $((SECONDS - start)) s"
unset DESKAUTH_VAULT DESKAUTH_PASSWORD
wuser=$(wine cmd /c 'echo %USERNAME%' 2>/dev/null | tr -d '\r')
home_c=$WINEPREFIX/drive_c/users/$wuser
instdir=$home_c/AppData/Local/Programs/DeskAuth
lnk=$home_c/AppData/Roaming/Microsoft/Windows/Start\ Menu/Programs/DeskAuth.lnk
appvault=$home_c/AppData/Roaming/DeskAuth/deskauth.vault
runkey='HKCU\Software\Microsoft\Windows\CurrentVersion\Run'
uninstkey='HKCU\Software\Microsoft\Windows\CurrentVersion\Uninstall\DeskAuth'
at=2026-01-01T00:00:00Z
oat="2026-01-01 00:00:00 UTC"
want_code=$(oathtool --totp -b --now "$oat" JBSWY3DPEHPK3PXP)

wine "$setup" /S && wineserver -w || bad "the installer exited non-zero"
missing=
for f in deskauth.exe deskauth-cli.exe uninstall.exe; do [ -f "$instdir/$f" ] || missing+=" $f"; done
[ -z "$missing" ] && ok "installed silently into %LOCALAPPDATA%\\Programs\\DeskAuth: $(ls "$instdir" | paste -sd' ')" ||
	bad "not installed:$missing (in $instdir)"
[ -f "$lnk" ] && ok "Start-menu shortcut: Programs\\DeskAuth.lnk" || bad "no Start-menu shortcut at $lnk"
out=$(wine reg query "$uninstkey" /v DisplayVersion 2>&1 | tr -d '\r')
echo "$out" | grep -q "$version" && ok "Apps & features entry (HKCU) with DisplayVersion $version" || bad "uninstall entry: $out"
wine reg query "$runkey" /v DeskAuth >/dev/null 2>&1 && bad "the installer set the Run key" || ok "the installer did not turn on start at login"
if osslsigncode verify -CAfile "$work/cert.pem" -in "$instdir/uninstall.exe" 2>&1 | grep -q 'Signature verification: ok'; then
	ok "osslsigncode verify -CAfile: the installed uninstall.exe is signed too"
else
	bad "the installed uninstall.exe is not signed"
fi
cmp -s "$instdir/deskauth.exe" "$pdir/deskauth.exe" && ok "the installed deskauth.exe is the signed one" || bad "installed deskauth.exe differs from the signed build"

icli() { wine "$instdir/deskauth-cli.exe" "$@" </dev/null 2>&1 | tr -d '\r'; }
out=$(icli version)
[ "$out" = "deskauth-cli $version" ] && ok "installed deskauth-cli.exe version: $out" || bad "version: '$out', want 'deskauth-cli $version'"
out=$(icli init --protect os)
[ -s "$appvault" ] && ok "init --protect os (DPAPI): $out" || bad "init --protect os: $out"
out=$(icli add 'otpauth://totp/Example:alice@example.com?secret=JBSWY3DPEHPK3PXP&issuer=Example') || true
got=$(icli code alice --at "$at" | cut -f1)
[ "$got" = "$want_code" ] && ok "installed deskauth-cli.exe code at $at = $got (oathtool agrees)" || bad "code: got '$got', oathtool '$want_code'"

echo "-- the installed GUI under Wine + Xvfb"
# -- the screenshot shows the window on the 1280x1024 screen.
wine "$instdir/deskauth.exe" >"$work/gui.log" 2>&1 &
gui_pid=$!
if wid=$(timeout 120 xdotool search --sync --onlyvisible --name '^DeskAuth$' 2>/dev/null | head -1) && [ -n "$wid" ]; then
	sleep 3 # a few frames
	import -window root "$shots/wine-installed-gui.png"
	import -window "$wid" "$shots/wine-installed-gui-window.png"
	colours=$(convert "$shots/wine-installed-gui-window.png" -format '%k' info:)
	geom=$(xdotool getwindowgeometry "$wid" | sed -n 's/ *Geometry: //p')
	if [ "$colours" -ge 8 ]; then
		ok "the installed DeskAuth window is up ($geom, $colours colours): $shots/wine-installed-gui-window.png"
	else
		bad "the DeskAuth window is blank ($colours colours): $shots/wine-installed-gui-window.png"
	fi
else
	tail -20 "$work/gui.log"
	bad "no DeskAuth window within 120 s"
fi
kill "$gui_pid" 2>/dev/null || true
wineserver -k 2>/dev/null || true
wait "$gui_pid" 2>/dev/null || true
gui_pid=

echo "-- start at login (internal/autostart) against the Wine registry"
if wine_build_tests ./internal/autostart "$work/autostart.test.exe" >"$work/autostart-build.log" 2>&1; then
	if DESKAUTH_TEST_AUTOSTART_STEP=enable wine "$work/autostart.test.exe" -test.run TestWindowsRunKey -test.v >"$work/as.log" 2>&1 &&
		grep -q -- '--- PASS: TestWindowsRunKey' "$work/as.log"; then
		out=$(wine reg query "$runkey" /v DeskAuth 2>&1 | tr -d '\r')
		if echo "$out" | grep -qF '"C:\Program Files\DeskAuth Test\deskauth.exe" --vault "C:\a b\x.vault"'; then
			ok "Enable wrote the Run key; reg query: $(echo "$out" | grep DeskAuth | sed 's/^ *//')"
		else
			bad "reg query after Enable: $out"
		fi
	else
		cat "$work/as.log"
		bad "autostart enable step under Wine"
	fi
	if DESKAUTH_TEST_AUTOSTART_STEP=disable wine "$work/autostart.test.exe" -test.run TestWindowsRunKey -test.v >"$work/as.log" 2>&1 &&
		grep -q -- '--- PASS: TestWindowsRunKey' "$work/as.log" && ! wine reg query "$runkey" /v DeskAuth >/dev/null 2>&1; then
		ok "Disable removed the Run value (reg query finds none)"
	else
		cat "$work/as.log"
		bad "autostart disable step under Wine"
	fi
	# Left on for the uninstaller to clean up.
	DESKAUTH_TEST_AUTOSTART_STEP=enable wine "$work/autostart.test.exe" -test.run TestWindowsRunKey >/dev/null 2>&1 || true
else
	cat "$work/autostart-build.log"
	bad "internal/autostart tests do not build for Windows"
fi

echo "-- the uninstaller"
vault_sum=$(sha256sum <"$appvault")
echo "kept" >"$instdir/deskauth.vault"
wine "$instdir/uninstall.exe" /S && wineserver -w || bad "the uninstaller exited non-zero"
left=$(ls "$instdir" 2>/dev/null | paste -sd' ')
[ "$left" = deskauth.vault ] && ok "the program is gone; a deskauth.vault kept in its folder stays" || bad "left in the program folder: '$left'"
[ ! -e "$lnk" ] && ok "the Start-menu shortcut is gone" || bad "the shortcut is still there"
wine reg query "$uninstkey" >/dev/null 2>&1 && bad "the Apps & features entry is still there" || ok "the Apps & features entry is gone"
wine reg query "$runkey" /v DeskAuth >/dev/null 2>&1 && bad "the Run value is still there" || ok "the start-at-login Run value is gone"
[ -f "$appvault" ] && [ "$(sha256sum <"$appvault")" = "$vault_sum" ] && ok "the vault in %APPDATA%\\DeskAuth is untouched" ||
	bad "the uninstaller changed or removed the vault"

echo "-- the portable zip"
contents=$(cd "$work/portable" && find . -type f | sort | paste -sd' ')
[ "$contents" = "./DeskAuth/README-portable.txt ./DeskAuth/deskauth-cli.exe ./DeskAuth/deskauth.exe ./DeskAuth/deskauth.portable" ] &&
	ok "zip holds $contents" || bad "zip holds $contents"
rm -rf "$home_c/AppData/Roaming/DeskAuth"
pcli() { (cd "$work" && wine "$pdir/deskauth-cli.exe" "$@" </dev/null 2>&1 | tr -d '\r'); }
out=$(pcli init --protect os)
if [ -s "$pdir/deskauth.vault" ] && [ ! -e "$home_c/AppData/Roaming/DeskAuth" ]; then
	ok "portable init made DeskAuth\\deskauth.vault beside the exe, nothing in %APPDATA%: $out"
else
	bad "portable init: $out; files: $(ls "$pdir" | paste -sd' ')"
fi
pcli add 'otpauth://totp/Example:alice@example.com?secret=JBSWY3DPEHPK3PXP&issuer=Example' >/dev/null || true
got=$(pcli code alice --at "$at" | cut -f1)
[ "$got" = "$want_code" ] && ok "portable code = $got (oathtool agrees)" || bad "portable code: got '$got', oathtool '$want_code'"
wine_env_cleanup

echo "-- the .deb"
info=$(dpkg-deb --info "$deb")
echo "$info" | grep -q "Package: deskauth" && echo "$info" | grep -q "Version: $debversion" &&
	echo "$info" | grep -q "Depends: .*libc6" && ok "dpkg-deb --info: deskauth $debversion, $(echo "$info" | grep Depends: | sed 's/^ *//')" ||
	bad "dpkg-deb --info: $info"
contents=$(dpkg-deb --contents "$deb" | awk '{print $6}')
missing=
for p in ./usr/bin/deskauth ./usr/bin/deskauth-cli ./usr/share/applications/io.github.deskauth.desktop \
	./usr/share/icons/hicolor/512x512/apps/io.github.deskauth.png ./usr/share/metainfo/io.github.deskauth.metainfo.xml \
	./usr/share/doc/deskauth/copyright ./usr/share/doc/deskauth/changelog.gz; do
	echo "$contents" | grep -qx "$p" || missing+=" $p"
done
[ -z "$missing" ] && ok "dpkg-deb --contents: programs, .desktop, icon, metainfo, copyright, changelog" || bad "the .deb lacks$missing"
lint=$(lintian --tag-display-limit 0 "$deb" 2>&1) && lstatus=0 || lstatus=$?
lint=$(echo "$lint" | grep -v 'running with root privileges' || true)
if echo "$lint" | grep -q 'hardening-no-pie'; then
	bad "lintian: a program is not position-independent: $(echo "$lint" | grep hardening-no-pie)"
elif [ "$lstatus" = 0 ] && ! echo "$lint" | grep -q '^E:'; then
	ok "lintian: no errors ($(echo "$lint" | grep -c '^[WIO]:' || true) warnings/notes: $(echo "$lint" | grep '^[WIO]:' | paste -sd';'))"
else
	bad "lintian (exit $lstatus): $lint"
fi
mkdir -p "$work/debx"
dpkg-deb -x "$deb" "$work/debx"
if out=$(desktop-file-validate "$work/debx/usr/share/applications/io.github.deskauth.desktop" 2>&1) && [ -z "$out" ]; then
	ok "desktop-file-validate: no errors or warnings"
else
	bad "desktop-file-validate: $out"
fi
if out=$(appstreamcli validate --no-net "$work/debx/usr/share/metainfo/io.github.deskauth.metainfo.xml" 2>&1); then
	ok "appstreamcli validate: $(echo "$out" | tail -1)"
else
	bad "appstreamcli validate: $out"
fi
if [ "$(id -u)" != 0 ]; then
	echo "skip dpkg -i: not root"
elif dpkg-query -W -f='${Status}' deskauth 2>/dev/null | grep -q 'install ok installed'; then
	echo "skip dpkg -i: a deskauth package is already installed here; left alone"
else
	deb_installed=1
	if dpkg -i "$deb" >"$work/dpkg.log" 2>&1 && out=$(/usr/bin/deskauth-cli version) && [ "$out" = "deskauth-cli $version" ] &&
		[ -f /usr/share/applications/io.github.deskauth.desktop ]; then
		ok "dpkg -i installed it: /usr/bin/deskauth-cli version = $out"
	else
		cat "$work/dpkg.log"
		bad "dpkg -i"
	fi
	dpkg -r deskauth >"$work/dpkg.log" 2>&1 && [ ! -e /usr/bin/deskauth ] && ok "dpkg -r removed it" || { cat "$work/dpkg.log"; bad "dpkg -r"; }
	deb_installed=
fi

echo "-- the tar.xz"
mkdir -p "$work/tar"
tar -xJf "$tarxz" -C "$work/tar"
tdir=$work/tar/DeskAuth-$version-linux-amd64
if make -s -C "$tdir" install DESTDIR="$work/tarroot" >"$work/tar.log" 2>&1 &&
	out=$("$work/tarroot/usr/local/bin/deskauth-cli" version) && [ "$out" = "deskauth-cli $version" ] &&
	[ -f "$work/tarroot/usr/local/share/applications/io.github.deskauth.desktop" ] &&
	[ -f "$work/tarroot/usr/local/share/icons/hicolor/512x512/apps/io.github.deskauth.png" ]; then
	ok "tar.xz: make install DESTDIR=... puts the programs, .desktop and icon under /usr/local; $out"
else
	cat "$work/tar.log"
	bad "tar.xz install"
fi

if [ "$fail" = 0 ]; then
	echo "PASS: dist suite"
else
	echo "FAIL: dist suite"
fi
exit "$fail"
