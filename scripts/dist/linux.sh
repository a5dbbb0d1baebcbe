#!/usr/bin/env bash
# linux.sh builds DeskAuth for 64-bit Linux into dist/ (make dist-linux):
#
#   dist/DeskAuth-VERSION-linux-amd64.tar.xz   like `fyne package -os linux`:
#       the programs, .desktop, icon, AppStream metainfo and man pages under
#       usr/local, with a Makefile (make install / make user-install)
#   dist/deskauth_DEBVERSION_amd64.deb         the same under /usr, built with
#       dpkg-deb; Depends from dpkg-shlibdeps
#
# The GUI links Fyne through cgo (gcc, X11 and OpenGL headers); the CLI is
# built with CGO_ENABLED=0. Intermediate files go to bin/dist/linux. File
# times come from the last commit (SOURCE_DATE_EPOCH), so two builds of one
# commit give the same archives.
set -euo pipefail
cd "$(dirname "$0")/../.."
export PATH=/usr/local/go/bin:$PATH

GO=${GO:-go}
VERSION=$(scripts/dist/version.sh)
DEBVERSION=$(scripts/dist/version.sh --debian)
ID=io.github.deskauth
work=bin/dist/linux
root=$(pwd)
out=${DIST_DIR:-dist}
mkdir -p "$out" && out=$(cd "$out" && pwd)
pkg=github.com/deskauth/deskauth
export SOURCE_DATE_EPOCH=${SOURCE_DATE_EPOCH:-$(git log -1 --format=%ct 2>/dev/null || date +%s)}

for tool in dpkg-deb dpkg-shlibdeps fakeroot xz gzip; do
	command -v "$tool" >/dev/null || { echo "dist-linux: $tool is missing (scripts/apt-packages.txt)" >&2; exit 1; }
done

rm -rf "$work"
mkdir -p "$work/bin" "$out"

ldflags="-s -w -X $pkg/internal/version.Version=$VERSION"
echo "dist-linux: building $VERSION" >&2
# The GUI is position-independent, so the loader places it at a random
# address (ASLR), as Debian builds every program. The CLI stays a static
# binary (see packaging/debian/lintian-overrides); for it the kernel
# randomises the stack and heap only.
CGO_ENABLED=1 $GO build -buildmode=pie -ldflags "$ldflags" -o "$work/bin/deskauth" ./cmd/deskauth
CGO_ENABLED=0 $GO build -ldflags "$ldflags" -o "$work/bin/deskauth-cli" ./cmd/deskauth-cli

date_iso=$(date -u -d "@$SOURCE_DATE_EPOCH" +%Y-%m-%d)
date_rfc=$(date -u -d "@$SOURCE_DATE_EPOCH" -R)

# tree PREFIX ROOT lays the files out under ROOT/PREFIX.
tree() {
	local p=$2/$1
	install -Dm755 "$work/bin/deskauth" "$p/bin/deskauth"
	install -Dm755 "$work/bin/deskauth-cli" "$p/bin/deskauth-cli"
	install -Dm644 packaging/linux/$ID.desktop "$p/share/applications/$ID.desktop"
	install -Dm644 assets/icon.png "$p/share/icons/hicolor/512x512/apps/$ID.png"
	mkdir -p "$p/share/metainfo" "$p/share/man/man1"
	sed -e "s/@VERSION@/$VERSION/" -e "s/@DATE@/$date_iso/" packaging/linux/$ID.metainfo.xml >"$p/share/metainfo/$ID.metainfo.xml"
	chmod 644 "$p/share/metainfo/$ID.metainfo.xml"
	for m in deskauth deskauth-cli; do
		gzip -9n <packaging/linux/$m.1 >"$p/share/man/man1/$m.1.gz"
	done
}

# reproducible tar: sorted, owned by root, times from the commit.
tarx() {
	tar --sort=name --owner=0 --group=0 --numeric-owner --mtime="@$SOURCE_DATE_EPOCH" "$@"
}

# The tar.xz.
name=DeskAuth-$VERSION-linux-amd64
tree usr/local "$work/tar/$name"
install -m644 packaging/linux/Makefile "$work/tar/$name/Makefile"
tarx -C "$work/tar" -cf - "$name" | xz -9 -T1 >"$out/$name.tar.xz"

# The .deb.
deb=$work/deb
tree usr "$deb"
install -Dm644 packaging/debian/copyright "$deb/usr/share/doc/deskauth/copyright"
install -Dm644 packaging/debian/lintian-overrides "$deb/usr/share/lintian/overrides/deskauth"
sed -e "s/@DEBVERSION@/$DEBVERSION/" -e "s/@VERSION@/$VERSION/" -e "s/@DATE@/$date_rfc/" \
	packaging/debian/changelog.in | gzip -9n >"$deb/usr/share/doc/deskauth/changelog.gz"
chmod 644 "$deb/usr/share/doc/deskauth/changelog.gz"
# dpkg-shlibdeps reads debian/control from its working folder.
mkdir -p "$work/shlibs/debian"
printf 'Source: deskauth\n\nPackage: deskauth\nArchitecture: any\n' >"$work/shlibs/debian/control"
depends=$(cd "$work/shlibs" && dpkg-shlibdeps -O "$root/$deb/usr/bin/deskauth" 2>/dev/null | sed -n 's/^shlibs:Depends=//p') || true
[ -n "$depends" ] || { echo "dist-linux: dpkg-shlibdeps found no dependencies" >&2; exit 1; }
size=$(du -sk --exclude=DEBIAN "$deb" | cut -f1)
mkdir -p "$deb/DEBIAN"
sed -e "s/@DEBVERSION@/$DEBVERSION/" -e "s/@SIZE@/$size/" -e "s/@DEPENDS@/$depends/" \
	packaging/debian/control.in >"$deb/DEBIAN/control"
find "$deb" -type d -exec chmod 755 {} +
debname=deskauth_${DEBVERSION}_amd64.deb
fakeroot dpkg-deb -Zxz --build "$deb" "$out/$debname" >/dev/null
echo "dist-linux: $out/$name.tar.xz $out/$debname" >&2
