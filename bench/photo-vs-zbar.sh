#!/usr/bin/env bash
# photo-vs-zbar.sh: recall and speed of `deskauth-cli scan --image F --raw`
# against `zbarimg -q --raw F`, in the same run, over the scene set of
# capture/scene_test.go (TestSceneSet): generated phone photos of setup
# sheets and screens on a desk (perspective, uneven light, blur, noise,
# JPEG; inverted, mirrored, round dots, tiny version 1, remote desktop
# scaled and recompressed, two codes, moiré, faded print, damage; 640×480 to
# 12 MP). The set is built by the test itself (DESKAUTH_KEEP_SCENESET), so
# the script and the test measure the same images.
#
# Reports, per category and in total: images read (every code of the image
# printed exactly), codes read, false hits (printed lines that are no
# expected text), for each tool; zbarimg also with -Sbinary, counting a code
# when its bytes appear in the output (zbar guesses Shift_JIS for some UTF-8
# Japanese and prints mojibake; this column shows what it read regardless
# of the charset). Then the median over the images of each image's median
# wall time (hyperfine -N, warm-up first), the sum, and the ratio. Exits
# non-zero if deskauth-cli prints a false hit or reads fewer images than
# zbarimg.
#
#   BENCH_RUNS=3 (hyperfine runs per image)   BENCH_KEEP=dir (keep the set)
#   BENCH_SET=dir (use a kept set: dir/list.tsv, as in /tmp/sceneset)
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib.sh
suite "photo-vs-zbar"
require_tools hyperfine zbarimg qrencode convert jq

work=$(mktemp -d)
at_exit 'rm -rf "$work"'
runs=${BENCH_RUNS:-3}
CGO_ENABLED=0 go build -o "$work/deskauth-cli" ./cmd/deskauth-cli
cli=$work/deskauth-cli

if [ -n "${BENCH_SET:-}" ]; then
	set_dir=$BENCH_SET
else
	set_dir=${BENCH_KEEP:-$work/set}
	echo "generating the scene set in $set_dir (go test -run TestSceneSet) ..."
	# The test may fail on a floor; the set is written before it decodes.
	DESKAUTH_KEEP_SCENESET=$set_dir go test ./capture -run '^TestSceneSet$' -count=1 >"$work/gen.txt" 2>&1 || true
fi
list=$set_dir/list.tsv
[ -s "$list" ] || fatal "no $list ($(tail -3 "$work/gen.txt" 2>/dev/null))"
files=$(cut -f2 "$list" | awk '!seen[$0]++')
nfiles=$(echo "$files" | wc -l)

# Each tool's output for each image, then one row per image:
# category file codes mine_found mine_false zbar_found zbar_false zbin_found
echo "decoding $nfiles images with both tools ..."
mkdir -p "$work/out"
: >"$work/rows"
for f in $files; do
	"$cli" scan --raw --image "$set_dir/$f" >"$work/out/mine" 2>/dev/null || true
	zbarimg -q --raw "$set_dir/$f" >"$work/out/zbar" 2>/dev/null || true
	zbarimg -q --raw -Sbinary "$set_dir/$f" >"$work/out/zbin" 2>/dev/null || true
	awk -F'\t' -v f="$f" '$2 == f' "$list" >"$work/out/want"
	cat=$(head -1 "$work/out/want" | cut -f1)
	codes=0 mf=0 zf=0 bf=0
	while IFS=$'\t' read -r _ _ want; do
		codes=$((codes + 1))
		grep -qxF -- "$want" "$work/out/mine" && mf=$((mf + 1))
		grep -qxF -- "$want" "$work/out/zbar" && zf=$((zf + 1))
		LC_ALL=C grep -qF -- "$want" "$work/out/zbin" && bf=$((bf + 1))
	done <"$work/out/want"
	cut -f3 "$work/out/want" >"$work/out/wanted"
	mx=$(grep -vxF -f "$work/out/wanted" "$work/out/mine" | grep -c . || true)
	zx=$(grep -vxF -f "$work/out/wanted" "$work/out/zbar" | grep -c . || true)
	grep -vxF -f "$work/out/wanted" "$work/out/mine" | cut -c1-60 | sed "s|^|  deskauth-cli: false hit in $f: |" >&2 || true
	printf '%s\t%s\t%d\t%d\t%d\t%d\t%d\t%d\n' "$cat" "$f" "$codes" "$mf" "$mx" "$zf" "$zx" "$bf" >>"$work/rows"
done

echo "timing $nfiles images, $runs runs each (hyperfine -N) ..."
: >"$work/times"
for f in $files; do
	hyperfine -N -i --warmup 1 --runs "$runs" --export-json "$work/t.json" \
		-n mine "$cli scan --raw --image $set_dir/$f" \
		-n zbar "zbarimg -q --raw $set_dir/$f" >/dev/null 2>&1
	m=$(jq -r '.results[] | select(.command == "mine") | .median' "$work/t.json")
	z=$(jq -r '.results[] | select(.command == "zbar") | .median' "$work/t.json")
	printf '%s\t%s\t%s\n' "$f" "$m" "$z" >>"$work/times"
done

awk -F'\t' '
FNR == NR { m[$1] = $2; z[$1] = $3; next }
{
	c = $1; if (!(c in n)) order[++nc] = c
	n[c]++; codes[c] += $3
	mi[c] += ($4 == $3); zi[c] += ($6 == $3); bi[c] += ($8 == $3)
	mc[c] += $4; zc[c] += $6; bc[c] += $8; mx[c] += $5; zx[c] += $7
	tm[c] += m[$2]; tz[c] += z[$2]
	all_m[++nt] = m[$2]; all_z[nt] = z[$2]
}
function median(a, k,   i, j, t, b) {
	for (i = 1; i <= k; i++) b[i] = a[i]
	for (i = 1; i <= k; i++) for (j = i + 1; j <= k; j++) if (b[j] < b[i]) { t = b[i]; b[i] = b[j]; b[j] = t }
	return k % 2 ? b[(k+1)/2] : (b[k/2] + b[k/2+1]) / 2
}
END {
	printf "\n%-9s %6s | %-14s %5s | %-14s %5s | %-9s | %9s %9s\n", "category", "images", "deskauth img/code", "false", "zbarimg img/code", "false", "zbar -Sbin", "ms mine", "ms zbar"
	for (i = 1; i <= nc; i++) {
		c = order[i]
		printf "%-9s %6d | %5d %8s %5d | %5d %8s %5d | %4d %4s | %9.0f %9.0f\n", c, n[c], mi[c], mc[c] "/" codes[c], mx[c], zi[c], zc[c] "/" codes[c], zx[c], bi[c], bc[c], 1000*tm[c]/n[c], 1000*tz[c]/n[c]
		N += n[c]; C += codes[c]; MI += mi[c]; ZI += zi[c]; BI += bi[c]; MC += mc[c]; ZC += zc[c]; BC += bc[c]; MX += mx[c]; ZX += zx[c]; TM += tm[c]; TZ += tz[c]
	}
	printf "%-9s %6d | %5d %8s %5d | %5d %8s %5d | %4d %4s | %9.0f %9.0f\n", "TOTAL", N, MI, MC "/" C, MX, ZI, ZC "/" C, ZX, BI, BC, 1000*TM/N, 1000*TZ/N
	printf "\nrecall (images): deskauth-cli %d/%d = %.1f %%, zbarimg %d/%d = %.1f %% (%.1f %% with -Sbinary)\n", MI, N, 100*MI/N, ZI, N, 100*ZI/N, 100*BI/N
	printf "wall time per image (median of medians): deskauth-cli %.1f ms, zbarimg %.1f ms; sum %.0f ms vs %.0f ms, ratio %.2f\n", 1000*median(all_m, nt), 1000*median(all_z, nt), 1000*TM, 1000*TZ, TM/TZ
	printf "(ms columns: mean over the category of each image'"'"'s median)\n"
	print MI, ZI, MX > "/dev/stderr"
}' "$work/times" "$work/rows" 2>"$work/verdict"

read -r mine_img zbar_img mine_false <"$work/verdict"
[ "$mine_false" = 0 ] && pass "deskauth-cli: no false hits" || fail "deskauth-cli: $mine_false false hits"
if [ "$mine_img" -ge "$zbar_img" ]; then
	pass "deskauth-cli reads $mine_img images, zbarimg $zbar_img"
else
	fail "deskauth-cli reads $mine_img images, fewer than zbarimg's $zbar_img"
fi
finish
