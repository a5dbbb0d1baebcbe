package capture

import (
	"context"
	"errors"
	"image"
	"image/color"
	"image/draw"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/deskauth/deskauth/internal/testenv"
)

// codeImage draws text as a black-on-white code at px pixels a module with
// a 4-module quiet zone, using the test encoder (tests that must not share
// code with the decoder use qrencode).
func codeImage(t testing.TB, text string, px int) (*image.RGBA, image.Rectangle) {
	t.Helper()
	m := testenv.QRModules(t, text, "L")
	side := (m.Bounds().Dx() + 8) * px
	img := image.NewRGBA(image.Rect(0, 0, side, side))
	r := testenv.PaintQR(img, m, 4*px, 4*px, float64(px), black, white)
	return img, r
}

// TestDecodeImageTypes decodes the same code from every pixel layout
// toGray reads directly, and from some it does not (through At).
func TestDecodeImageTypes(t *testing.T) {
	const text = "otpauth://totp/Types:alice?secret=JBSWY3DPEHPK3PXP"
	src, _ := codeImage(t, text, 4)
	b := src.Bounds()
	convert := func(dst draw.Image) image.Image {
		draw.Draw(dst, b, src, b.Min, draw.Src)
		return dst
	}
	// A transparent background is white, as in a PNG with alpha shown on a
	// light page: only the dark modules are opaque.
	alpha := image.NewNRGBA(b)
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			if src.RGBAAt(x, y).R == 0 {
				alpha.SetNRGBA(x, y, color.NRGBA{0, 0, 0, 255})
			}
		}
	}
	premul := image.NewRGBA(b)
	draw.Draw(premul, b, alpha, b.Min, draw.Src)
	ycc := image.NewYCbCr(b, image.YCbCrSubsampleRatio420)
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			ycc.Y[ycc.YOffset(x, y)] = src.RGBAAt(x, y).R
		}
	}
	for name, img := range map[string]image.Image{
		"RGBA":               src,
		"NRGBA":              convert(image.NewNRGBA(b)),
		"NRGBA-transparent":  alpha,
		"RGBA-transparent":   premul,
		"Gray":               convert(image.NewGray(b)),
		"Paletted":           convert(image.NewPaletted(b, color.Palette{color.White, color.Black})),
		"YCbCr":              ycc,
		"RGBA64":             convert(image.NewRGBA64(b)),
		"NRGBA64":            convert(image.NewNRGBA64(b)),
		"Gray16-through-At":  convert(image.NewGray16(b)),
		"CMYK-through-At":    convert(image.NewCMYK(b)),
		"NYCbCrA-through-At": &image.NYCbCrA{YCbCr: *ycc, A: opaque(b), AStride: b.Dx()},
	} {
		t.Run(name, func(t *testing.T) {
			codes, err := Decode(img)
			if err != nil || len(codes) != 1 || codes[0].Text != text {
				t.Fatalf("Decode = %q, %v; want %q", texts(codes), err, text)
			}
		})
	}
}

func opaque(b image.Rectangle) []byte {
	a := make([]byte, b.Dx()*b.Dy())
	for i := range a {
		a[i] = 255
	}
	return a
}

// TestDecodeSubImageBounds: Bounds are in the image's own coordinates, so
// a code found in a sub-image (a display at a negative origin, a region)
// is reported where it is in the parent.
func TestDecodeSubImageBounds(t *testing.T) {
	const text = "otpauth://totp/Sub:bob?secret=JBSWY3DPEHPK3PXP"
	page := busyPage(1400, 900, 5, lightTheme)
	drawn := testenv.PaintQR(page, testenv.QRModules(t, text, "L"), 900, 500, 4, black, white)
	for _, origin := range []image.Point{{0, 0}, {-1400, -900}, {2560, 0}} {
		img := *page
		img.Rect = page.Rect.Add(origin)
		for _, region := range []image.Rectangle{img.Rect, image.Rect(800, 400, 1300, 800).Add(origin)} {
			codes, err := Decode(img.SubImage(region))
			if err != nil || len(codes) != 1 {
				t.Fatalf("origin %v region %v: Decode = %v, %v", origin, region, codes, err)
			}
			want := drawn.Add(origin)
			if got := codes[0].Bounds; !got.In(want.Inset(-4)) || got.Dx() < want.Dx()-8 {
				t.Errorf("origin %v region %v: bounds %v, drawn at %v", origin, region, got, want)
			}
		}
	}
}

// TestDecodeNothing: empty, tiny, flat and noisy images give ErrNoQR.
func TestDecodeNothing(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	noise := image.NewGray(image.Rect(0, 0, 300, 200))
	for i := range noise.Pix {
		noise.Pix[i] = byte(rng.IntN(256))
	}
	black := image.NewGray(image.Rect(0, 0, 64, 64))
	for name, img := range map[string]image.Image{
		"empty":      image.NewRGBA(image.Rectangle{}),
		"1x1":        image.NewRGBA(image.Rect(0, 0, 1, 1)),
		"1x5000":     image.NewRGBA(image.Rect(0, 0, 1, 5000)),
		"white":      image.NewGray(image.Rect(0, 0, 640, 480)),
		"black":      black,
		"noise":      noise,
		"empty-pal":  image.NewPaletted(image.Rect(0, 0, 40, 40), nil),
		"wide-strip": image.NewRGBA(image.Rect(0, 0, 4000, 3)),
	} {
		if codes, err := Decode(img); !errors.Is(err, ErrNoQR) {
			t.Errorf("%s: Decode = %v, %v; want ErrNoQR", name, codes, err)
		}
	}
}

// TestDecodeSameTextOnce: the same code shown twice is one result.
func TestDecodeSameTextOnce(t *testing.T) {
	const text = "otpauth://totp/Twice:carol?secret=JBSWY3DPEHPK3PXP"
	m := testenv.QRModules(t, text, "L")
	img := busyPage(1600, 900, 6, lightTheme)
	testenv.PaintQR(img, m, 400, 300, 5, black, white)
	testenv.PaintQR(img, m, 1100, 300, 5, black, white)
	codes, err := Decode(img)
	if err != nil || len(codes) != 1 {
		t.Fatalf("Decode = %q, %v; want the text once", texts(codes), err)
	}
}

// TestSortReading orders codes by rows, then left to right within a row,
// even when codes in one row are not aligned to the pixel.
func TestSortReading(t *testing.T) {
	codes := []Code{
		{"c", image.Rect(900, 520, 1000, 620)},
		{"b", image.Rect(500, 110, 600, 210)},
		{"a", image.Rect(100, 100, 200, 200)},
		{"d", image.Rect(100, 500, 200, 600)},
		{"e", image.Rect(50, 900, 150, 1000)},
	}
	sortReading(codes)
	got := ""
	for _, c := range codes {
		got += c.Text
	}
	if got != "abdce" {
		t.Errorf("reading order %q, want abdce", got)
	}
}

// TestToGrayValues checks the luminance conversion against hand-computed
// values: BT.601 weights, transparency over white.
func TestToGrayValues(t *testing.T) {
	img := image.NewNRGBA(image.Rect(0, 0, 6, 1))
	cols := []color.NRGBA{{255, 255, 255, 255}, {0, 0, 0, 255}, {255, 0, 0, 255}, {0, 255, 0, 255}, {0, 0, 0, 0}, {0, 0, 0, 128}}
	want := []byte{255, 0, 76, 150, 255, 127}
	for i, c := range cols {
		img.SetNRGBA(i, 0, c)
	}
	rgba := image.NewRGBA(img.Bounds())
	draw.Draw(rgba, rgba.Bounds(), img, image.Point{}, draw.Src)
	rgba64 := image.NewRGBA64(img.Bounds())
	draw.Draw(rgba64, rgba64.Bounds(), img, image.Point{}, draw.Src)
	nrgba64 := image.NewNRGBA64(img.Bounds())
	draw.Draw(nrgba64, nrgba64.Bounds(), img, image.Point{}, draw.Src)
	for name, in := range map[string]image.Image{"NRGBA": img, "RGBA": rgba, "RGBA64": rgba64, "NRGBA64": nrgba64,
		"At": &struct{ image.Image }{img}} {
		g := toGray(in)
		for i, w := range want {
			if d := int(g.pix[i]) - int(w); d < -1 || d > 1 {
				t.Errorf("%s pixel %d (%v) = %d, want %d±1", name, i, cols[i], g.pix[i], w)
			}
		}
		putBuf(g.pix)
	}
}

// TestHalfGray compares the fused RGBA half-resolution conversion with
// converting first and averaging after.
func TestHalfGray(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	img := image.NewRGBA(image.Rect(0, 0, 101, 67)) // odd sizes drop the last row and column
	for i := 0; i < len(img.Pix); i += 4 {
		a := byte(rng.IntN(256))
		img.Pix[i+3] = a
		for c := 0; c < 3; c++ {
			img.Pix[i+c] = byte(rng.IntN(int(a) + 1)) // premultiplied: ≤ alpha
		}
	}
	half := halfGray(img)
	full := toGray(img)
	if half.w != 50 || half.h != 33 {
		t.Fatalf("half is %dx%d, want 50x33", half.w, half.h)
	}
	for y := 0; y < half.h; y++ {
		for x := 0; x < half.w; x++ {
			sum := int(full.pix[2*y*full.w+2*x]) + int(full.pix[2*y*full.w+2*x+1]) +
				int(full.pix[(2*y+1)*full.w+2*x]) + int(full.pix[(2*y+1)*full.w+2*x+1])
			if d := int(half.pix[y*half.w+x]) - sum/4; d < -2 || d > 2 {
				t.Fatalf("half(%d,%d) = %d, mean of full = %d", x, y, half.pix[y*half.w+x], sum/4)
			}
		}
	}
}

// TestUpscale2 keeps flat areas flat and puts a step edge between the
// source pixels.
func TestUpscale2(t *testing.T) {
	g := gray{pix: []byte{0, 0, 200, 200, 0, 0, 200, 200}, w: 4, h: 2}
	up := upscale2(g)
	if up.w != 8 || up.h != 4 {
		t.Fatalf("upscaled to %dx%d, want 8x4", up.w, up.h)
	}
	want := []byte{0, 0, 0, 50, 150, 200, 200, 200}
	for y := 0; y < up.h; y++ {
		for x, w := range want {
			if got := up.pix[y*up.w+x]; got != w {
				t.Errorf("upscaled (%d,%d) = %d, want %d", x, y, got, w)
			}
		}
	}
}

// TestDecodeConcurrent: Decode shares buffer pools and gozxing's tables
// between goroutines; run under -race (make test does).
func TestDecodeConcurrent(t *testing.T) {
	const n = 4
	var imgs [n]*image.RGBA
	var want [n]string
	for i := range imgs {
		want[i] = testURI(400 + i)
		imgs[i] = busyPage(1200+40*i, 700, uint64(80+i), lightTheme)
		testenv.PaintQR(imgs[i], testenv.QRModules(t, want[i], "L"), 300+50*i, 200, 4, black, white)
	}
	errs := make(chan error, n*3)
	for round := 0; round < 3; round++ {
		for i := range imgs {
			go func() {
				codes, err := Decode(imgs[i])
				if err == nil && (len(codes) != 1 || codes[0].Text != want[i]) {
					err = errors.New("wrong codes " + strings.Join(texts(codes), ","))
				}
				errs <- err
			}()
		}
	}
	for range n * 3 {
		if err := <-errs; err != nil {
			t.Error(err)
		}
	}
}

// TestRotatedPassBounds: a code found in the quarter-turned plane is
// reported where it is in the image.
func TestRotatedPassBounds(t *testing.T) {
	img := image.NewRGBA(image.Rect(0, 0, 500, 300))
	fillRect(img, img.Bounds(), white)
	drawn := testenv.PaintQR(img, testenv.QRModules(t, benchURI, "L"), 320, 60, 4, black, white)
	g := toGray(img)
	rot := rotate90(g)
	if rot.w != 300 || rot.h != 500 || rot.pix[0] != g.pix[(g.h-1)*g.w] {
		t.Fatalf("rotate90: %dx%d, corner %d", rot.w, rot.h, rot.pix[0])
	}
	s := scan{ctx: context.Background(), img: img, mul: 1, div: 1, rotatedH: g.h}
	s.search(binarizeFunc(rot)(false), true)
	if len(s.codes) != 1 || s.codes[0].Text != benchURI {
		t.Fatalf("rotated search found %q", texts(s.codes))
	}
	if got := s.codes[0].Bounds; !got.In(drawn.Inset(-4)) || got.Dx() < drawn.Dx()-8 || got.Dy() < drawn.Dy()-8 {
		t.Errorf("bounds %v, drawn at %v", got, drawn)
	}
}
