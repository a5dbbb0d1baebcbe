package capture

import (
	"bytes"
	"encoding/base64"
	"errors"
	"fmt"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"math/rand/v2"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/deskauth/deskauth/internal/testenv"
)

var (
	black = rgb(0, 0, 0)
	white = rgb(255, 255, 255)
)

// testURI builds a distinct otpauth URI for fixture n.
func testURI(n int) string {
	return fmt.Sprintf("otpauth://totp/Fixture%%20%d:user%d@example.com?secret=JBSWY3DPEHPK3PXP%04dQ&issuer=Fixture%%20%d", n, n, n*7, n)
}

// checkFound asserts that codes are exactly want, in that order, each
// found inside (and covering most of) the rectangle it was drawn in.
func checkFound(t *testing.T, codes []Code, err error, want []string, where []image.Rectangle) {
	t.Helper()
	if err != nil {
		t.Fatalf("Decode: %v; want %d codes", err, len(want))
	}
	if len(codes) != len(want) {
		t.Fatalf("Decode found %d codes %q, want %d", len(codes), texts(codes), len(want))
	}
	for i, c := range codes {
		if c.Text != want[i] {
			t.Errorf("code %d = %q, want %q", i, c.Text, want[i])
		}
		drawn := where[i]
		slack := drawn.Dx()/10 + 4
		if !c.Bounds.In(drawn.Inset(-slack)) || c.Bounds.Intersect(drawn).Dx() < drawn.Dx()*8/10 ||
			c.Bounds.Intersect(drawn).Dy() < drawn.Dy()*8/10 {
			t.Errorf("code %d bounds %v, drawn at %v", i, c.Bounds, drawn)
		}
	}
}

func texts(codes []Code) []string {
	var s []string
	for _, c := range codes {
		s = append(s, c.Text)
	}
	return s
}

// TestFixturesScales draws otpauth codes from qrencode onto console pages
// at the module sizes of 100 % to 200 % desktop scaling, smoothed where the
// scale is fractional, at several positions, and decodes them.
func TestFixturesScales(t *testing.T) {
	page := busyPage(1920, 1080, 11, lightTheme)
	for i, base := range []float64{2, 3, 4} {
		for j, scale := range []float64{1, 1.25, 1.5, 1.75, 2} {
			px := base * scale
			n := i*10 + j
			uri := testURI(n)
			mods := testenv.QREncode(t, []byte(uri), "-l", "M")
			// Walk the code around the page: corners, edges, middle.
			quiet := int(4*px + 0.5)
			side := int(float64(mods.Bounds().Dx())*px+0.5) + 2*quiet
			xs := []int{0, 1920 - side, 900, 1920 - side, 300}
			ys := []int{0, 1080 - side, 500, 0, 1080 - side}
			x, y := xs[n%5]+quiet, ys[n%5]+quiet
			t.Run(fmt.Sprintf("%.2gpx@%d,%d", px, x, y), func(t *testing.T) {
				img := clone(page)
				r := testenv.PaintQR(img, mods, x, y, px, black, white)
				codes, err := Decode(img)
				checkFound(t, codes, err, []string{uri}, []image.Rectangle{r})
			})
		}
	}
}

// TestFixtures4K puts codes on 3840×2160 pages: light, dark (a dark code
// on its own white card), white-on-dark, and JPEG-compressed.
func TestFixtures4K(t *testing.T) {
	uri := testURI(100)
	mods := testenv.QREncode(t, []byte(uri))
	cases := []struct {
		name   string
		theme  pageTheme
		fg, bg color.RGBA
		px     float64
		x, y   int
		jpeg   int
	}{
		{"light", lightTheme, black, white, 4, 3500, 1900, 0},
		{"dark-page", darkTheme, black, white, 4, 1400, 300, 0},
		{"white-on-dark", darkTheme, darkTheme.text, darkTheme.panel, 4, 2000, 1200, 0},
		{"white-on-dark-1.5x", darkTheme, white, darkTheme.bg, 6, 700, 1500, 0},
		{"jpeg-q75", lightTheme, black, white, 4, 2500, 800, 75},
		{"jpeg-q50-1.25x", lightTheme, black, white, 5, 1000, 1000, 50},
		{"small-3px", lightTheme, black, white, 3, 3600, 40, 0},
		{"tiny-2px", lightTheme, black, white, 2, 420, 1900, 0},
	}
	for i, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			img := busyPage(3840, 2160, uint64(20+i), tc.theme)
			r := testenv.PaintQR(img, mods, tc.x, tc.y, tc.px, tc.fg, tc.bg)
			var in image.Image = img
			if tc.jpeg > 0 {
				in = jpegRoundTrip(t, img, tc.jpeg)
			}
			codes, err := Decode(in)
			checkFound(t, codes, err, []string{uri}, []image.Rectangle{r})
		})
	}
}

// TestFixturesTwoCodes puts two codes on one screen, side by side and one
// above the other, and expects both in reading order.
func TestFixturesTwoCodes(t *testing.T) {
	a, b := testURI(201), testURI(202)
	ma, mb := testenv.QREncode(t, []byte(a)), testenv.QREncode(t, []byte(b))
	for i, tc := range []struct {
		name           string
		w, h           int
		px             float64
		ax, ay, bx, by int
	}{
		{"side-by-side-4K", 3840, 2160, 4, 800, 900, 2400, 940},
		{"stacked-1080p", 1920, 1080, 3, 1200, 600, 1250, 100},
		{"close-1080p-1.5x", 1920, 1080, 4.5, 400, 300, 760, 330},
		{"mixed-sizes-4K", 3840, 2160, 6, 300, 300, 3000, 1000},
	} {
		t.Run(tc.name, func(t *testing.T) {
			img := busyPage(tc.w, tc.h, uint64(30+i), lightTheme)
			ra := testenv.PaintQR(img, ma, tc.ax, tc.ay, tc.px, black, white)
			pxb := tc.px
			if tc.name == "mixed-sizes-4K" {
				pxb = 4
			}
			rb := testenv.PaintQR(img, mb, tc.bx, tc.by, pxb, black, white)
			codes, err := Decode(img)
			want, where := []string{a, b}, []image.Rectangle{ra, rb}
			if tc.by+rb.Dy() < tc.ay { // b is on an earlier row
				want, where = []string{b, a}, []image.Rectangle{rb, ra}
			}
			checkFound(t, codes, err, want, where)
			// The same screen as a display left of and below the primary
			// one: the same codes, where they are in that space.
			origin := image.Pt(-tc.w, 300)
			moved := *img
			moved.Rect = img.Rect.Add(origin)
			codes, err = Decode(&moved)
			checkFound(t, codes, err, want, []image.Rectangle{where[0].Add(origin), where[1].Add(origin)})
		})
	}
}

// migrationURI builds a Google Authenticator export of n accounts, as the
// app's "Transfer accounts" screen shows it: dense, version 15 or more.
func migrationURI(n int) string {
	var p []byte
	field := func(b []byte, num int, v []byte) []byte {
		b = append(b, byte(num<<3|2), byte(len(v)))
		return append(b, v...)
	}
	varint := func(b []byte, num int, v int) []byte { return append(b, byte(num<<3), byte(v)) }
	for i := 0; i < n; i++ {
		var o []byte
		secret := []byte(fmt.Sprintf("secret-%02d-0123456789", i))
		o = field(o, 1, secret)
		o = field(o, 2, []byte(fmt.Sprintf("admin%02d@example.co.jp", i)))
		o = field(o, 3, []byte(fmt.Sprintf("Issuer %02d", i)))
		o = varint(o, 4, 1)
		o = varint(o, 5, 1)
		o = varint(o, 6, 2)
		p = field(p, 1, o)
	}
	p = varint(p, 2, 1)
	p = varint(p, 3, 1)
	p = varint(p, 4, 0)
	data := base64.StdEncoding.EncodeToString(p)
	return "otpauth-migration://offline?data=" + url.QueryEscape(data)
}

// TestFixturesMigration decodes a dense otpauth-migration:// code.
func TestFixturesMigration(t *testing.T) {
	uri := migrationURI(8)
	if len(uri) < 600 {
		t.Fatalf("migration fixture is only %d bytes; it should be dense", len(uri))
	}
	mods := testenv.QREncode(t, []byte(uri))
	if v := mods.Bounds().Dx(); v < 77 { // version 15 = 77 modules
		t.Fatalf("migration code is %d modules; want version 15 or more", v)
	}
	for _, tc := range []struct {
		w, h int
		px   float64
	}{{1920, 1080, 3}, {3840, 2160, 4}, {2880, 1620, 4.5}} {
		t.Run(fmt.Sprintf("%dx%d@%.2gpx", tc.w, tc.h, tc.px), func(t *testing.T) {
			img := busyPage(tc.w, tc.h, 40, lightTheme)
			r := testenv.PaintQR(img, mods, tc.w/2, tc.h/5, tc.px, black, white)
			codes, err := Decode(img)
			checkFound(t, codes, err, []string{uri}, []image.Rectangle{r})
		})
	}
}

// TestFixturesJapanese checks character sets against qrencode: Kanji mode
// (Shift_JIS inside the code) and UTF-8 bytes must both come out as the
// same UTF-8 text.
func TestFixturesJapanese(t *testing.T) {
	testenv.Require(t, "iconv")
	const text = "東京都千代田区　管理者アカウント"
	sjis, err := exec.Command("sh", "-c", "printf '%s' \""+text+"\" | iconv -f UTF-8 -t SHIFT_JIS").Output()
	if err != nil {
		t.Fatalf("iconv: %v", err)
	}
	for _, tc := range []struct {
		name string
		in   []byte
		args []string
	}{
		{"kanji-mode", sjis, []string{"-k"}},
		{"shift-jis-bytes", sjis, []string{"-8"}},
		{"utf-8-bytes", []byte(text), []string{"-8"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			img := busyPage(1280, 720, 50, lightTheme)
			r := testenv.PaintQR(img, testenv.QREncode(t, tc.in, tc.args...), 500, 200, 4, black, white)
			codes, err := Decode(img)
			checkFound(t, codes, err, []string{text}, []image.Rectangle{r})
		})
	}
}

// TestFixturesUTF8Labels: otpauth URIs whose labels are raw UTF-8 rather
// than percent-encoded, short enough that gozxing must guess the character
// set of the byte segment (Shift_JIS and UTF-8 overlap), come out as sent.
func TestFixturesUTF8Labels(t *testing.T) {
	for _, text := range []string{
		"otpauth://totp/テスト:alice?secret=JBSWY3DPEHPK3PXP&issuer=テスト",
		"otpauth://totp/株式会社:a?secret=JBSWY3DPEHPK3PXP",
		"otpauth://totp/社:b?secret=AB",
		"otpauth://totp/Ünïcödé:a?secret=AB",
		"ｱｲｳ",
	} {
		img := image.NewRGBA(image.Rect(0, 0, 400, 400))
		fillRect(img, img.Bounds(), white)
		testenv.PaintQR(img, testenv.QREncode(t, []byte(text), "-8"), 40, 40, 4, black, white)
		codes, err := Decode(img)
		if err != nil || len(codes) != 1 || codes[0].Text != text {
			t.Errorf("Decode = %q, %v; want %q", texts(codes), err, text)
		}
	}
}

// TestFixturesNoCode: busy pages without a code give ErrNoQR, never a
// false hit.
func TestFixturesNoCode(t *testing.T) {
	for i, tc := range []struct {
		w, h  int
		theme pageTheme
	}{{1920, 1080, lightTheme}, {3840, 2160, darkTheme}, {1366, 768, lightTheme}} {
		img := busyPage(tc.w, tc.h, uint64(60+i), tc.theme)
		if codes, err := Decode(img); !errors.Is(err, ErrNoQR) {
			t.Errorf("%dx%d page with no code: Decode = %q, %v; want ErrNoQR", tc.w, tc.h, texts(codes), err)
		}
	}
}

// TestFixturesFileFormats writes one screenshot in every format LoadImage
// reads, with ImageMagick converting from PNG, and decodes the files.
func TestFixturesFileFormats(t *testing.T) {
	testenv.Require(t, "convert")
	uri := testURI(300)
	img := busyPage(1600, 900, 70, lightTheme)
	testenv.PaintQR(img, testenv.QREncode(t, []byte(uri)), 1100, 300, 4, black, white)
	dir := t.TempDir()
	src := filepath.Join(dir, "shot.png")
	writePNG(t, src, img)
	for _, ext := range []string{"png", "jpg", "gif", "webp", "bmp"} {
		t.Run(ext, func(t *testing.T) {
			path := src
			if ext != "png" {
				path = filepath.Join(dir, "shot."+ext)
				if out, err := exec.Command("convert", src, path).CombinedOutput(); err != nil {
					t.Fatalf("convert to %s: %v: %s", ext, err, out)
				}
			}
			codes, err := DecodeFile(path)
			if err != nil || len(codes) != 1 || codes[0].Text != uri {
				t.Fatalf("DecodeFile(%s) = %q, %v; want %q", ext, texts(codes), err, uri)
			}
		})
	}
}

func writePNG(t testing.TB, path string, img image.Image) {
	t.Helper()
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, buf.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
}

func jpegRoundTrip(t testing.TB, img image.Image, quality int) image.Image {
	t.Helper()
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, img, &jpeg.Options{Quality: quality}); err != nil {
		t.Fatal(err)
	}
	out, err := LoadImage(&buf)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func clone(img *image.RGBA) *image.RGBA {
	c := *img
	c.Pix = bytes.Clone(img.Pix)
	return &c
}

// TestFixturesManyCodes decodes a few hundred clean codes of random
// otpauth URIs (random lengths, error correction levels, module sizes and
// quarter turns) drawn by qrencode: gozxing's single reader alone misses
// about 0.5 % of such codes (14 of 3000 when this was written), and Decode
// must miss none.
func TestFixturesManyCodes(t *testing.T) {
	n := 600
	if testing.Short() {
		n = 100
	}
	rng := rand.New(rand.NewPCG(9, 10))
	const b32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"
	missed := 0
	for i := 0; i < n; i++ {
		secret := make([]byte, 16+rng.IntN(48))
		for j := range secret {
			secret[j] = b32[rng.IntN(32)]
		}
		uri := fmt.Sprintf("otpauth://totp/Issuer%d:user%d%%40example.com?secret=%s&issuer=Issuer%d&digits=%d",
			rng.IntN(1000), i, secret, i, 6+2*rng.IntN(2))
		level := []string{"L", "M", "Q", "H"}[rng.IntN(4)]
		mods := testenv.QREncode(t, []byte(uri), "-l", level)
		px := 2 + rng.IntN(4)
		side := (mods.Bounds().Dx() + 8) * px
		img := image.NewRGBA(image.Rect(0, 0, side+rng.IntN(200), side+rng.IntN(200)))
		fillRect(img, img.Bounds(), white)
		testenv.PaintQR(img, mods, 4*px+rng.IntN(img.Bounds().Dx()-side+1), 4*px+rng.IntN(img.Bounds().Dy()-side+1), float64(px), black, white)
		codes, err := Decode(rotateCW(img, 90*rng.IntN(4)))
		if err != nil || len(codes) != 1 || codes[0].Text != uri {
			missed++
			t.Errorf("code %d (level %s, %d px a module): Decode = %q, %v", i, level, px, texts(codes), err)
		}
	}
	if missed > 0 {
		t.Errorf("missed %d of %d clean codes", missed, n)
	}
}

// TestFixturesNoQuietZone: a code file cropped to its modules (qrencode
// -m 0, as some sites serve them), from 1 to 6 px a module, still reads.
func TestFixturesNoQuietZone(t *testing.T) {
	const uri = "otpauth://totp/Edge:eve?secret=JBSWY3DPEHPK3PXP&issuer=Edge"
	mods := testenv.QREncode(t, []byte(uri), "-l", "M")
	for _, px := range []int{1, 2, 3, 6} {
		side := mods.Bounds().Dx() * px
		img := image.NewRGBA(image.Rect(0, 0, side, side))
		r := testenv.PaintQR(img, mods, 0, 0, float64(px), black, white)
		codes, err := Decode(img)
		if err != nil || len(codes) != 1 || codes[0].Text != uri {
			t.Errorf("%d px a module, no margin: Decode = %q, %v", px, texts(codes), err)
			continue
		}
		if !codes[0].Bounds.Overlaps(r) {
			t.Errorf("%d px a module: bounds %v, drawn at %v", px, codes[0].Bounds, r)
		}
	}
}

// TestFixturesFinderFlood hides a code among hundreds of finder-pattern
// look-alikes (a sheet of codes cut up, checkbox-like icons): every trio
// of them is a candidate code, and the real one must still be found, in
// bounded time (the multi-code search samples the squarest trios only).
func TestFixturesFinderFlood(t *testing.T) {
	uri := testURI(500)
	mods := testenv.QREncode(t, []byte(uri))
	img := busyPage(3840, 2160, 90, lightTheme)
	rng := rand.New(rand.NewPCG(11, 12))
	for i := 0; i < 400; i++ {
		x, y, px := rng.IntN(3700), rng.IntN(2050), 3+rng.IntN(3)
		fillRect(img, image.Rect(x, y, x+7*px, y+7*px), black)
		fillRect(img, image.Rect(x+px, y+px, x+6*px, y+6*px), white)
		fillRect(img, image.Rect(x+2*px, y+2*px, x+5*px, y+5*px), black)
	}
	r := testenv.PaintQR(img, mods, 2600, 900, 4, black, white)
	codes, err := Decode(img)
	checkFound(t, codes, err, []string{uri}, []image.Rectangle{r})
}
