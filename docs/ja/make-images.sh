#!/bin/sh
# Makes the pictures of the Japanese guide (docs/ja/README.md) in docs/img/ja-*.png.
#
#   docs/ja/make-images.sh            mock-ups of the admin console only
#   docs/ja/make-images.sh --shots    also run `make screenshots` and copy the
#                                     DeskAuth screens the guide and README use
#
# The admin console is a third-party web page, so its pictures are simple,
# illustrative mock-ups of a generic console drawn with ImageMagick (Noto Sans
# CJK JP, from fonts-noto-cjk) and qrencode. The QR code holds a sample
# otpauth link with the well-known example secret, not a real account.
# Run from anywhere; needs ImageMagick (convert), qrencode and fonts-noto-cjk.
set -eu

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
IMG="$ROOT/docs/img"
FONT=Noto-Sans-CJK-JP
BOLD=Noto-Sans-CJK-JP-Bold
W=800
H=500
RED='#d93025'
BLUE='#1a73e8'

if ! convert -list font | grep -q "Font: $FONT\$"; then
	echo "make-images.sh: font $FONT not found (install fonts-noto-cjk)" >&2
	exit 1
fi
command -v qrencode >/dev/null || { echo "make-images.sh: qrencode not found" >&2; exit 1; }

TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT

# frame OUT SECTION: the browser window and the console's header and menu,
# with SECTION ("2要素認証") selected in the side menu.
frame() {
	convert -size ${W}x${H} xc:white \
		-fill '#dee1e6' -draw "rectangle 0,0 $W,40" \
		-fill '#ff5f57' -draw "circle 20,20 26,20" \
		-fill '#febc2e' -draw "circle 40,20 46,20" \
		-fill '#28c840' -draw "circle 60,20 66,20" \
		-fill white -stroke '#c4c7c5' -draw "roundrectangle 90,8 780,32 12,12" -stroke none \
		-font "$FONT" -pointsize 13 -fill '#444746' \
		-annotate +106+25 'https://console.example.co.jp/settings/security' \
		-fill '#202124' -draw "rectangle 0,40 $W,88" \
		-font "$BOLD" -pointsize 20 -fill white -annotate +24+72 '管理コンソール' \
		-font "$FONT" -pointsize 14 -fill '#bdc1c6' -annotate +640+70 'admin@example.co.jp' \
		-fill '#f1f3f4' -draw "rectangle 0,88 180,$H" \
		-font "$FONT" -pointsize 15 -fill '#3c4043' \
		-annotate +24+124 'ダッシュボード' \
		-annotate +24+160 'ユーザー' \
		-fill '#d2e3fc' -draw "rectangle 0,178 180,208" \
		-fill '#174ea6' -annotate +24+199 'セキュリティ' \
		-fill '#3c4043' -annotate +24+236 '請求' \
		-annotate +24+272 'ログ' \
		-font "$BOLD" -pointsize 22 -fill '#202124' -annotate +212+130 "$2" \
		"$1"
}

# button IN OUT X Y W H LABEL [primary]: a button with LABEL.
button() {
	if [ "${8:-}" = primary ]; then bg=$BLUE fg=white; else bg=white fg=$BLUE; fi
	convert "$1" -fill "$bg" -stroke "$BLUE" -strokewidth 1 \
		-draw "roundrectangle $3,$4 $(($3 + $5)),$(($4 + $6)) 6,6" -stroke none \
		-font "$BOLD" -pointsize 16 -fill "$fg" \
		-annotate +$(($3 + 18))+$(($4 + $6 / 2 + 6)) "$7" "$2"
}

# highlight IN OUT X Y W H NOTE: a red frame around a box, and NOTE beside it.
highlight() {
	convert "$1" -fill none -stroke "$RED" -strokewidth 4 \
		-draw "roundrectangle $(($3 - 8)),$(($4 - 8)) $(($3 + $5 + 8)),$(($4 + $6 + 8)) 10,10" \
		-stroke none -font "$BOLD" -pointsize 16 -fill "$RED" \
		-annotate +$(($3 + $5 + 22))+$(($4 + $6 / 2 + 6)) "$7" "$2"
}

# text IN OUT X Y SIZE TEXT: body text.
text() {
	convert "$1" -font "$FONT" -pointsize "$5" -fill '#3c4043' -annotate +$3+$4 "$6" "$2"
}

# field IN OUT X Y W H VALUE: a text box holding VALUE.
field() {
	convert "$1" -fill white -stroke '#80868b' -strokewidth 1 \
		-draw "roundrectangle $3,$4 $(($3 + $5)),$(($4 + $6)) 4,4" -stroke none \
		-font "$FONT" -pointsize 20 -fill '#202124' -annotate +$(($3 + 14))+$(($4 + $6 / 2 + 8)) "$7" "$2"
}

png() { convert "$1" -strip +dither -colors 64 "PNG8:$IMG/$2"; }

# 1. セキュリティ: the 2FA settings button.
frame "$TMP/a.png" 'セキュリティ'
text "$TMP/a.png" "$TMP/a.png" 212 172 15 'ログイン時のパスワードに加えて、確認コードを求めます。'
text "$TMP/a.png" "$TMP/a.png" 212 198 15 '2要素認証: 未設定'
button "$TMP/a.png" "$TMP/a.png" 212 230 200 44 '2要素認証の設定' primary
highlight "$TMP/a.png" "$TMP/a.png" 212 230 200 44 'クリック'
png "$TMP/a.png" ja-console-2fa-settings.png

# 2. Send the confirmation mail.
frame "$TMP/b.png" '2要素認証の設定'
text "$TMP/b.png" "$TMP/b.png" 212 172 15 '本人確認のため、登録しているメールアドレスに確認コードを送信します。'
text "$TMP/b.png" "$TMP/b.png" 212 198 15 '送信先: a***n@example.co.jp'
button "$TMP/b.png" "$TMP/b.png" 212 230 200 44 '確認メールを送信' primary
highlight "$TMP/b.png" "$TMP/b.png" 212 230 200 44 'クリック'
png "$TMP/b.png" ja-console-send-mail.png

# 3. Type the code from the mail.
frame "$TMP/c.png" '2要素認証の設定'
text "$TMP/c.png" "$TMP/c.png" 212 172 15 'メールに記載された確認コードを入力してください。'
text "$TMP/c.png" "$TMP/c.png" 212 212 14 '確認コード（メール）'
field "$TMP/c.png" "$TMP/c.png" 212 224 220 44 '483920'
button "$TMP/c.png" "$TMP/c.png" 448 224 96 44 '次へ' primary
highlight "$TMP/c.png" "$TMP/c.png" 212 224 332 44 '入力して「次へ」'
png "$TMP/c.png" ja-console-mail-code.png

# 4. Show the QR code (the button, and the code it shows).
qrencode -s 5 -m 2 -o "$TMP/qr.png" \
	'otpauth://totp/Example%20Console:admin@example.co.jp?secret=JBSWY3DPEHPK3PXP&issuer=Example%20Console'
frame "$TMP/d.png" '2要素認証の設定'
text "$TMP/d.png" "$TMP/d.png" 212 172 15 '認証アプリで QR コードを読み取ってください。'
button "$TMP/d.png" "$TMP/d.png" 212 196 220 44 'QRコードを表示する' primary
highlight "$TMP/d.png" "$TMP/d.png" 212 196 220 44 'クリック'
convert "$TMP/d.png" "$TMP/qr.png" -geometry +212+262 -composite "$TMP/d.png"
text "$TMP/d.png" "$TMP/d.png" 430 300 14 'この画面を開いたまま、'
text "$TMP/d.png" "$TMP/d.png" 430 324 14 'DeskAuth で読み取ります。'
png "$TMP/d.png" ja-console-show-qr.png

# 7. Type DeskAuth's 6-digit code.
frame "$TMP/e.png" '2要素認証の設定'
text "$TMP/e.png" "$TMP/e.png" 212 172 15 '認証アプリに表示された 6 桁のコードを入力してください。'
text "$TMP/e.png" "$TMP/e.png" 212 212 14 '確認コード（6 桁）'
field "$TMP/e.png" "$TMP/e.png" 212 224 220 44 '123 456'
button "$TMP/e.png" "$TMP/e.png" 448 224 96 44 '確認' primary
highlight "$TMP/e.png" "$TMP/e.png" 212 224 332 44 '入力して「確認」'
png "$TMP/e.png" ja-console-enter-code.png

if [ "${1:-}" = --shots ]; then
	SHOTS="$TMP/shots"
	make -C "$ROOT" screenshots SHOTS="$SHOTS"
	# The README's screenshots.
	for f in codes-en-light codes-ja-dark verify-ja-light setup-ja-light import-en-light; do
		cp "$SHOTS/$f.png" "$IMG/$f.png"
	done
	# The guide's DeskAuth screens (Japanese, light theme).
	cp "$SHOTS/setup-ja-light.png" "$IMG/ja-first-run.png"
	cp "$SHOTS/codes-ja-light.png" "$IMG/ja-deskauth-scan.png"
	cp "$SHOTS/verify-ja-light.png" "$IMG/ja-deskauth-scanned.png"
	cp "$SHOTS/codes-ja-light.png" "$IMG/ja-deskauth-list.png"
	cp "$SHOTS/settings-ja-light.png" "$IMG/ja-deskauth-export.png"
fi
ls -l "$IMG"/ja-*.png
