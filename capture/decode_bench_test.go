package capture

import (
	"image"
	"image/color"
	"math/rand/v2"
	"testing"

	"github.com/deskauth/deskauth/internal/testenv"
)

// benchURI is a typical enrolment payload: version 5 or 6 at level L.
const benchURI = "otpauth://totp/ACME%20Corp:admin@example.co.jp?secret=JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP&issuer=ACME%20Corp&period=30"

func fillRect(dst *image.RGBA, r image.Rectangle, c color.RGBA) {
	r = r.Intersect(dst.Bounds())
	for y := r.Min.Y; y < r.Max.Y; y++ {
		row := dst.Pix[dst.PixOffset(r.Min.X, y):dst.PixOffset(r.Max.X, y)]
		for i := 0; i < len(row); i += 4 {
			row[i], row[i+1], row[i+2], row[i+3] = c.R, c.G, c.B, c.A
		}
	}
}

// pageTheme is the palette of a fake admin console.
type pageTheme struct {
	bg, panel, text, muted, accent, border color.RGBA
}

var (
	lightTheme = pageTheme{
		bg: rgb(0xf3, 0xf4, 0xf6), panel: rgb(0xff, 0xff, 0xff), text: rgb(0x1f, 0x29, 0x37),
		muted: rgb(0x6b, 0x72, 0x80), accent: rgb(0x25, 0x63, 0xeb), border: rgb(0xd1, 0xd5, 0xdb),
	}
	darkTheme = pageTheme{
		bg: rgb(0x11, 0x18, 0x27), panel: rgb(0x1f, 0x29, 0x37), text: rgb(0xe5, 0xe7, 0xeb),
		muted: rgb(0x9c, 0xa3, 0xaf), accent: rgb(0x60, 0xa5, 0xfa), border: rgb(0x37, 0x41, 0x51),
	}
)

func rgb(r, g, b uint8) color.RGBA { return color.RGBA{r, g, b, 0xff} }

// busyPage draws a w×h admin console: a top bar, a side menu, panels with
// headings, tables with borders, buttons and lines of text-like glyphs (a
// 5×7 dot pattern at 2 px per dot, the density of 14 px text). Text is the
// hard part for a QR finder: its strokes make dark-light-dark runs
// everywhere.
func busyPage(w, h int, seed uint64, th pageTheme) *image.RGBA {
	rng := rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	fillRect(img, img.Bounds(), th.bg)
	fillRect(img, image.Rect(0, 0, w, 64), th.panel)
	fillRect(img, image.Rect(0, 63, w, 64), th.border)
	textLine(img, rng, 24, 24, 300, th.text)
	fillRect(img, image.Rect(0, 64, 280, h), th.panel)
	for y := 96; y < h-40; y += 40 {
		textLine(img, rng, 32, y, 120+rng.IntN(100), th.muted)
	}
	for py := 96; py < h-200; {
		ph := 200 + rng.IntN(400)
		for px := 320; px < w-300; {
			pw := 500 + rng.IntN(900)
			if px+pw > w-40 {
				pw = w - 40 - px
			}
			r := image.Rect(px, py, px+pw, min(py+ph, h-40))
			fillRect(img, r, th.border)
			fillRect(img, r.Inset(1), th.panel)
			textLine(img, rng, r.Min.X+24, r.Min.Y+24, min(pw-48, 400), th.text)
			for y := r.Min.Y + 64; y < r.Max.Y-32; y += 28 {
				if rng.IntN(6) == 0 { // a table rule
					fillRect(img, image.Rect(r.Min.X+24, y-6, r.Max.X-24, y-5), th.border)
				}
				textLine(img, rng, r.Min.X+24, y, pw-48-rng.IntN(pw/2), th.text)
			}
			if rng.IntN(2) == 0 {
				b := image.Rect(r.Max.X-160, r.Max.Y-56, r.Max.X-24, r.Max.Y-20)
				fillRect(img, b, th.accent)
				textLine(img, rng, b.Min.X+16, b.Min.Y+11, 100, th.panel)
			}
			px += pw + 24
		}
		py += ph + 24
	}
	return img
}

// textLine draws words of random glyphs from (x, y) over at most width px.
func textLine(img *image.RGBA, rng *rand.Rand, x, y, width int, c color.RGBA) {
	end := x + width
	for x < end-12 {
		word := 2 + rng.IntN(9)
		for i := 0; i < word && x < end-12; i++ {
			bits := rng.Uint64()
			for gy := 0; gy < 7; gy++ {
				for gx := 0; gx < 5; gx++ {
					if bits&(1<<(gy*5+gx)) != 0 {
						fillRect(img, image.Rect(x+gx*2, y+gy*2, x+gx*2+2, y+gy*2+2), c)
					}
				}
			}
			x += 12
		}
		x += 8
	}
}

// BenchmarkDecode4K decodes a 3840×2160 console page with one otpauth code
// at 4 px per module: the size of a code on a 4K screen at 100 % scaling.
func BenchmarkDecode4K(b *testing.B) {
	img := busyPage(3840, 2160, 1, lightTheme)
	testenv.PaintQR(img, testenv.QRModules(b, benchURI, "L"), 2600, 900, 4, rgb(0, 0, 0), rgb(255, 255, 255))
	benchDecode(b, img, benchURI)
}

// BenchmarkDecode4KDark is the same with a dark theme and a white-on-dark
// code, which only the inverted pass can read.
func BenchmarkDecode4KDark(b *testing.B) {
	img := busyPage(3840, 2160, 2, darkTheme)
	testenv.PaintQR(img, testenv.QRModules(b, benchURI, "L"), 2600, 900, 4, darkTheme.text, darkTheme.panel)
	benchDecode(b, img, benchURI)
}

// BenchmarkDecode1080p3px is a full HD screen with a code at 3 px a module,
// about the smallest a site shows.
func BenchmarkDecode1080p3px(b *testing.B) {
	img := busyPage(1920, 1080, 4, lightTheme)
	testenv.PaintQR(img, testenv.QRModules(b, benchURI, "L"), 1200, 400, 3, rgb(0, 0, 0), rgb(255, 255, 255))
	benchDecode(b, img, benchURI)
}

// BenchmarkDecode4KNoCode is the worst case: every pass runs and fails.
func BenchmarkDecode4KNoCode(b *testing.B) {
	img := busyPage(3840, 2160, 3, lightTheme)
	b.ReportAllocs()
	start := cpuTime()
	for b.Loop() {
		if _, err := Decode(img); err == nil {
			b.Fatal("found a code on a page without one")
		}
	}
	reportCPU(b, start)
}

func benchDecode(b *testing.B, img image.Image, want string) {
	b.Helper()
	codes, err := Decode(img)
	if err != nil || len(codes) != 1 || codes[0].Text != want {
		b.Fatalf("Decode = %v, %v; want the one code", codes, err)
	}
	b.ReportAllocs()
	start := cpuTime()
	for b.Loop() {
		if _, err := Decode(img); err != nil {
			b.Fatal(err)
		}
	}
	reportCPU(b, start)
}
