#!/usr/bin/env bash
# scan-vs-zbar.sh: recall and speed of `deskauth-cli scan --image F --raw`
# against `zbarimg -q --raw F`, in the same run, over a set of generated
# screenshots: console-like pages drawn by ImageMagick (lines of text,
# panels, buttons) with otpauth codes from qrencode composited in at the
# module sizes of 100-200 % desktop scaling (fractional ones resized with
# smoothing), 8-bit like real screenshots, light and dark themes, white-on-dark, JPEG, two codes on one
# screen, a dense otpauth-migration export, and pages without any code.
#
# Reports, for each tool: recall (expected payloads printed exactly), false
# hits, and the sum over the files of each file's median wall time
# (hyperfine -N, warm-up first), with the ratio. Targets: recall >= zbar's,
# total time <= 0.5x zbar's. Then the medians of `go test -bench Decode`
# (-count 5). Exits non-zero if a tool is missing or deskauth-cli misses a
# target.
#
#   BENCH_RUNS=10 (hyperfine runs per file)   BENCH_KEEP=dir (keep fixtures)
set -euo pipefail
export PATH=/usr/local/go/bin:$PATH
cd "$(dirname "$0")/.."

for tool in hyperfine zbarimg qrencode convert jq; do
	command -v "$tool" >/dev/null || { echo "FAIL: $tool is missing (scripts/apt-packages.txt)"; exit 1; }
done

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fix=${BENCH_KEEP:-$work/fixtures}
mkdir -p "$fix"
runs=${BENCH_RUNS:-10}
CGO_ENABLED=0 go build -o "$work/deskauth-cli" ./cmd/deskauth-cli
cli=$work/deskauth-cli

# page W H SEED BG PANEL TEXT OUT: a console page. awk writes one ImageMagick
# draw script: a top bar, a side menu, panels of text lines, some buttons.
page() {
	local w=$1 h=$2 seed=$3 bg=$4 panel=$5 text=$6 out=$7
	awk -v w="$w" -v h="$h" -v seed="$seed" -v panel="$panel" -v text="$text" 'BEGIN {
		srand(seed)
		split("admin user account security policy tenant device sign-in MFA token audit role group " \
		      "settings enable disable status active pending 2026-11-24 12:04 東京 大阪 管理者 認証 設定 OK error " \
		      "verify register authenticator app code scan QR key backup export import", words, " ")
		nw = length(words)
		printf "fill %s rectangle 0,0 %d,56\n", panel, w
		printf "fill %s rectangle 0,56 240,%d\n", panel, h
		printf "fill %s font-size 15 text 20,36 \"Admin console\"\n", text
		for (y = 96; y < h - 30; y += 30) printf "fill %s font-size 13 text 24,%d \"%s %s\"\n", text, y, words[int(rand()*nw)+1], words[int(rand()*nw)+1]
		for (py = 80; py < h - 160; py += ph + 20) {
			ph = 160 + int(rand() * 300)
			for (px = 260; px < w - 220; px += pw + 20) {
				pw = 380 + int(rand() * 600); if (px + pw > w - 20) pw = w - 20 - px
				bottom = py + ph; if (bottom > h - 20) bottom = h - 20
				printf "fill %s stroke #9ca3af rectangle %d,%d %d,%d\n", panel, px, py, px + pw, bottom
				printf "stroke none\n"
				for (y = py + 28; y < bottom - 10; y += 22) {
					line = ""; len = 0
					while (len < pw / 8.5 - 12) { wd = words[int(rand()*nw)+1]; line = line " " wd; len += length(wd) + 1 }
					printf "fill %s font-size 14 text %d,%d \"%s\"\n", text, px + 14, y, line
				}
				if (rand() < 0.5) printf "fill #2563eb rectangle %d,%d %d,%d\n", px + pw - 130, bottom - 44, px + pw - 16, bottom - 14
			}
		}
	}' >"$work/draw.mvg"
	convert -size "${w}x${h}" "xc:$bg" -depth 8 -font Noto-Sans-CJK-JP -draw "$(cat "$work/draw.mvg")" "$out"
}
light() { page "$1" "$2" "$3" '#f3f4f6' '#ffffff' '#1f2937' "$4"; }
dark() { page "$1" "$2" "$3" '#111827' '#1f2937' '#e5e7eb' "$4"; }

# code TEXT PX SCALE OUT: qrencode at PX pixels a module, resized by SCALE
# percent with a smoothing filter (as a HiDPI desktop scales a web page).
code() {
	qrencode -o "$work/raw.png" -s "$2" -m 4 "$1"
	convert "$work/raw.png" -filter Triangle -resize "$3%" -depth 8 "$4"
}

# put PAGE CODE X Y OUT [convert options for the result]
put() {
	local pg=$1 c=$2 x=$3 y=$4 out=$5
	shift 5
	convert "$pg" "$c" -geometry "+$x+$y" -composite -depth 8 "$@" "$out"
}

manifest=$fix/expected.tsv
: >"$manifest"
expect() { printf '%s\t%s\n' "$1" "$2" >>"$manifest"; }
uri() { printf 'otpauth://totp/Bench%%20%s:admin%s@example.co.jp?secret=JBSWY3DPEHPK3PXP%s&issuer=Bench%%20%s' "$1" "$1" "$2" "$1"; }

echo "generating fixtures in $fix ..."
light 1920 1080 1 "$work/l1080.png"
light 2560 1440 2 "$work/l1440.png"
light 3840 2160 3 "$work/l2160.png"
dark 3840 2160 4 "$work/d2160.png"
light 1366 768 5 "$work/l768.png"
dark 1920 1080 6 "$work/d1080.png"
light 2880 1620 7 "$work/l1620.png"

u1=$(uri 1 AAAA); code "$u1" 4 100 "$work/c.png"; put "$work/l1080.png" "$work/c.png" 1200 300 "$fix/01-1080p-4px.png"; expect 01-1080p-4px.png "$u1"
u2=$(uri 2 BBBB); code "$u2" 3 150 "$work/c.png"; put "$work/l1080.png" "$work/c.png" 400 600 "$fix/02-1080p-1.5x.png"; expect 02-1080p-1.5x.png "$u2"
u3=$(uri 3 CCCC); code "$u3" 4 125 "$work/c.png"; put "$work/l1440.png" "$work/c.png" 2000 900 "$fix/03-1440p-1.25x.png"; expect 03-1440p-1.25x.png "$u3"
u4=$(uri 4 DDDD); code "$u4" 4 100 "$work/c.png"; put "$work/l2160.png" "$work/c.png" 2600 900 "$fix/04-4k-4px.png"; expect 04-4k-4px.png "$u4"
u5=$(uri 5 EEEE); code "$u5" 4 200 "$work/c.png"; put "$work/l2160.png" "$work/c.png" 300 1200 "$fix/05-4k-2x.png"; expect 05-4k-2x.png "$u5"
u6=$(uri 6 FFFF); code "$u6" 4 175 "$work/c.png"; put "$work/l2160.png" "$work/c.png" 3000 100 "$fix/06-4k-1.75x.png"; expect 06-4k-1.75x.png "$u6"
u7=$(uri 7 GGGG); code "$u7" 4 100 "$work/c.png"; convert "$work/c.png" -negate "$work/n.png"
put "$work/d2160.png" "$work/n.png" 1800 1300 "$fix/07-4k-white-on-dark.png"; expect 07-4k-white-on-dark.png "$u7"
u8=$(uri 8 HHHH); code "$u8" 4 100 "$work/c.png"; put "$work/d2160.png" "$work/c.png" 900 500 "$fix/08-4k-dark-page.png"; expect 08-4k-dark-page.png "$u8"
u9=$(uri 9 IIII); code "$u9" 4 125 "$work/c.png"; put "$work/l2160.png" "$work/c.png" 1500 1500 "$fix/09-4k-1.25x.jpg" -quality 80; expect 09-4k-1.25x.jpg "$u9"
u10=$(uri 10 JJJJ); u11=$(uri 11 KKKK)
code "$u10" 4 100 "$work/c.png"; code "$u11" 4 100 "$work/c2.png"
put "$work/l1080.png" "$work/c.png" 300 200 "$work/two.png"; put "$work/two.png" "$work/c2.png" 1300 500 "$fix/10-1080p-two-codes.png"
expect 10-1080p-two-codes.png "$u10"; expect 10-1080p-two-codes.png "$u11"
u12=$(uri 12 LLLL); code "$u12" 3 100 "$work/c.png"; put "$work/l768.png" "$work/c.png" 800 250 "$fix/11-768p-3px.png"; expect 11-768p-3px.png "$u12"
# A Google Authenticator export of 8 accounts: about version 20.
# (8 accounts: secret-NN-0123456789, adminNN@example.co.jp, Issuer NN, SHA1, 6 digits, TOTP)
mig='otpauth-migration://offline?data=Cj4KFHNlY3JldC0wMC0wMTIzNDU2Nzg5EhVhZG1pbjAwQGV4YW1wbGUuY28uanAaCUlzc3VlciAwMCABKAEwAgo%2BChRzZWNyZXQtMDEtMDEyMzQ1Njc4ORIVYWRtaW4wMUBleGFtcGxlLmNvLmpwGglJc3N1ZXIgMDEgASgBMAIKPgoUc2VjcmV0LTAyLTAxMjM0NTY3ODkSFWFkbWluMDJAZXhhbXBsZS5jby5qcBoJSXNzdWVyIDAyIAEoATACCj4KFHNlY3JldC0wMy0wMTIzNDU2Nzg5EhVhZG1pbjAzQGV4YW1wbGUuY28uanAaCUlzc3VlciAwMyABKAEwAgo%2BChRzZWNyZXQtMDQtMDEyMzQ1Njc4ORIVYWRtaW4wNEBleGFtcGxlLmNvLmpwGglJc3N1ZXIgMDQgASgBMAIKPgoUc2VjcmV0LTA1LTAxMjM0NTY3ODkSFWFkbWluMDVAZXhhbXBsZS5jby5qcBoJSXNzdWVyIDA1IAEoATACCj4KFHNlY3JldC0wNi0wMTIzNDU2Nzg5EhVhZG1pbjA2QGV4YW1wbGUuY28uanAaCUlzc3VlciAwNiABKAEwAgo%2BChRzZWNyZXQtMDctMDEyMzQ1Njc4ORIVYWRtaW4wN0BleGFtcGxlLmNvLmpwGglJc3N1ZXIgMDcgASgBMAIQARgBIAA%3D'
code "$mig" 4 112 "$work/c.png"; put "$work/l1620.png" "$work/c.png" 1500 300 "$fix/12-1620p-migration.png"; expect 12-1620p-migration.png "$mig"
u13=$(uri 13 MMMM); code "$u13" 4 150 "$work/c.png"; put "$work/d1080.png" "$work/c.png" 1400 500 "$fix/13-1080p-dark-1.5x.webp" -quality 90; expect 13-1080p-dark-1.5x.webp "$u13"
cp "$work/l2160.png" "$fix/14-4k-no-code.png"; expect 14-4k-no-code.png ""
cp "$work/d1080.png" "$fix/15-1080p-dark-no-code.png"; expect 15-1080p-dark-no-code.png ""

files=$(cut -f1 "$manifest" | sort -u)
nfiles=$(echo "$files" | wc -l)
total=$(awk -F'\t' '$2 != ""' "$manifest" | wc -l)

# recall TOOL-COMMAND...: payloads printed that were expected, and any other
# printed line (a false hit). zbarimg prints "QR-Code:" only without --raw.
score() {
	local name=$1 found=0 wrong=0 f out
	shift
	for f in $files; do
		out=$("$@" "$fix/$f" 2>/dev/null || true)
		while IFS= read -r line; do
			[ -n "$line" ] || continue
			if awk -F'\t' -v f="$f" -v l="$line" '$1 == f && $2 == l {ok=1} END {exit !ok}' "$manifest"; then
				found=$((found + 1))
			else
				wrong=$((wrong + 1))
				echo "  $name: unexpected output for $f: ${line:0:60}..." >&2
			fi
		done <<<"$out"
	done
	echo "$found $wrong"
}
mine_cmd() { "$cli" scan --raw --image "$1"; }
zbar_cmd() { zbarimg -q --raw "$1"; }
read -r mine_found mine_wrong < <(score deskauth-cli mine_cmd)
read -r zbar_found zbar_wrong < <(score zbarimg zbar_cmd)

echo "timing $nfiles files, $runs runs each (hyperfine -N) ..."
printf '%-28s %12s %12s %7s\n' file 'deskauth ms' 'zbarimg ms' ratio
sum_mine=0
sum_zbar=0
for f in $files; do
	hyperfine -N -i --warmup 1 --runs "$runs" --export-json "$work/t.json" \
		-n mine "$cli scan --raw --image $fix/$f" \
		-n zbar "zbarimg -q --raw $fix/$f" >/dev/null 2>&1
	m=$(jq -r '.results[] | select(.command == "mine") | .median' "$work/t.json")
	z=$(jq -r '.results[] | select(.command == "zbar") | .median' "$work/t.json")
	awk -v f="$f" -v m="$m" -v z="$z" 'BEGIN { printf "%-28s %12.1f %12.1f %7.2f\n", f, m*1000, z*1000, m/z }'
	sum_mine=$(awk -v a="$sum_mine" -v b="$m" 'BEGIN { print a + b }')
	sum_zbar=$(awk -v a="$sum_zbar" -v b="$z" 'BEGIN { print a + b }')
done

status=0
awk -v mf="$mine_found" -v mw="$mine_wrong" -v zf="$zbar_found" -v zw="$zbar_wrong" -v t="$total" \
	-v sm="$sum_mine" -v sz="$sum_zbar" 'BEGIN {
	printf "\nrecall over %d expected payloads (false hits):\n", t
	printf "  deskauth-cli scan --raw: %d/%d = %5.1f %%  (%d)\n", mf, t, 100*mf/t, mw
	printf "  zbarimg -q --raw:        %d/%d = %5.1f %%  (%d)\n", zf, t, 100*zf/t, zw
	printf "total of per-file median wall times:\n"
	printf "  deskauth-cli %8.1f ms   zbarimg %8.1f ms   ratio %.2f (target <= 0.5)\n", sm*1000, sz*1000, sm/sz
}'
if [ "$mine_found" -lt "$zbar_found" ] || [ "$mine_wrong" -gt 0 ]; then
	echo "MISSED: recall below zbar's, or false hits"
	status=1
fi
if awk -v sm="$sum_mine" -v sz="$sum_zbar" 'BEGIN { exit !(sm > 0.5 * sz) }'; then
	echo "MISSED: total time above 0.5x zbar's"
	status=1
fi

echo
echo "go test -bench 'Decode(4K|1080p)|FinderFlood' -count 5 ./capture (medians):"
go test -run '^$' -bench 'Decode(4K|1080p)|FinderFlood' -benchtime 20x -count 5 ./capture >"$work/bench.txt"
awk '/^Benchmark/ {
	name = $1; sub(/-[0-9]+$/, "", name)
	for (i = 3; i < NF; i++) if ($(i+1) == "ns/op") ns[name] = ns[name] " " $i; else if ($(i+1) == "cpu-ms/op") cpu[name] = cpu[name] " " $i
}
function median(s,   a, n, i, j, t) {
	n = split(s, a, " ")
	for (i = 1; i <= n; i++) for (j = i + 1; j <= n; j++) if (a[j] + 0 < a[i] + 0) { t = a[i]; a[i] = a[j]; a[j] = t }
	return n % 2 ? a[(n+1)/2] : (a[n/2] + a[n/2+1]) / 2
}
END { for (k in ns) printf "  %-28s %8.1f ms/op wall  %8.1f ms/op cpu\n", k, median(ns[k]) / 1e6, median(cpu[k]) }' "$work/bench.txt" | sort
exit $status
