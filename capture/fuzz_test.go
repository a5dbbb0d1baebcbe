package capture

import (
	"bytes"
	"context"
	"image"
	"image/color"
	"image/gif"
	"image/jpeg"
	"image/png"
	"io"
	"math"
	"testing"

	"github.com/makiuchi-d/gozxing"
)

// fuzzImage turns fuzz bytes into a small image: data[0] picks the pixel
// layout, data[1] and data[2] the size (1-64 px a side), the rest the
// pixels (repeated to fill).
func fuzzImage(data []byte) image.Image {
	if len(data) < 4 {
		return image.NewGray(image.Rectangle{})
	}
	kind, w, h, pix := data[0]%4, int(data[1]%64)+1, int(data[2]%64)+1, data[3:]
	r := image.Rect(0, 0, w, h)
	fill := func(dst []byte) {
		for i := range dst {
			dst[i] = pix[i%len(pix)]
		}
	}
	switch kind {
	case 0:
		m := image.NewGray(r)
		fill(m.Pix)
		return m
	case 1:
		m := image.NewRGBA(r)
		fill(m.Pix)
		return m
	case 2:
		m := image.NewNRGBA(r)
		fill(m.Pix)
		return m
	default:
		m := image.NewPaletted(r, nil)
		fill(m.Pix)
		for i := 0; i < int(pix[0]%8); i++ {
			m.Palette = append(m.Palette, color.Gray{Y: pix[i%len(pix)]})
		}
		return m
	}
}

// codeBytes seeds the fuzzer with a real code as a Gray image in the
// fuzzImage layout.
func codeBytes(t testing.TB, text string, px int) []byte {
	img, _ := codeImage(t, text, px)
	b := img.Bounds()
	if b.Dx() > 64 || b.Dy() > 64 {
		t.Fatalf("seed code is %v; fuzz images are at most 64 px", b)
	}
	out := []byte{0, byte(b.Dx() - 1), byte(b.Dy() - 1)}
	for i := 0; i < len(img.Pix); i += 4 {
		out = append(out, img.Pix[i])
	}
	return out
}

// FuzzDecode runs the whole decoding strategy (without Decode's last-resort
// recover, so a panic fails the fuzzer) on small random images.
func FuzzDecode(f *testing.F) {
	f.Add([]byte{})
	f.Add([]byte{0, 0, 0, 0})
	f.Add([]byte{1, 63, 63, 0, 255, 0, 255})
	f.Add([]byte{3, 10, 10, 200, 1, 2, 3})
	f.Add(codeBytes(f, "otpauth://totp/a?secret=AB", 1))
	f.Add(codeBytes(f, "HELLO", 2))
	broken := codeBytes(f, "otpauth://totp/b?secret=CD", 1)
	for i := 40; i < len(broken); i += 13 {
		broken[i] ^= 0xff
	}
	f.Add(broken)
	f.Fuzz(func(t *testing.T, data []byte) {
		codes := decodeImage(&scan{ctx: context.Background(), img: fuzzImage(data)})
		for _, c := range codes {
			if c.Text == "" && c.Bounds.Empty() {
				t.Errorf("empty result %+v", c)
			}
		}
	})
}

// FuzzLoadImage feeds arbitrary bytes to the image loader: errors only,
// never a panic, and nothing huge decoded.
func FuzzLoadImage(f *testing.F) {
	img, _ := codeImage(f, "otpauth://totp/a?secret=AB", 1)
	for _, enc := range []func(io.Writer, image.Image) error{
		png.Encode,
		func(w io.Writer, m image.Image) error { return jpeg.Encode(w, m, nil) },
		func(w io.Writer, m image.Image) error { return gif.Encode(w, m, nil) },
	} {
		var b bytes.Buffer
		if err := enc(&b, img); err != nil {
			f.Fatal(err)
		}
		f.Add(b.Bytes())
	}
	f.Add(pngHeader(100000, 100000))
	f.Add([]byte("BM"))
	f.Add([]byte("RIFF\x10\x00\x00\x00WEBPVP8 "))
	f.Fuzz(func(t *testing.T, data []byte) {
		m, err := LoadImage(bytes.NewReader(data))
		if err == nil {
			b := m.Bounds()
			if int64(b.Dx())*int64(b.Dy()) > MaxImagePixels {
				t.Fatalf("loaded a %v image", b)
			}
		}
	})
}

// fuzzMatrix turns fuzz bytes into a binarized plane: data[0] and data[1]
// give the size (8-135 px a side), the rest the bits, repeated.
func fuzzMatrix(data []byte) *gozxing.BitMatrix {
	if len(data) < 3 {
		return nil
	}
	w, h := int(data[0]%128)+8, int(data[1]%128)+8
	bits := data[2:]
	m, _ := gozxing.NewBitMatrix(w, h)
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			i := y*w + x
			if bits[(i/8)%len(bits)]>>(i%8)&1 == 1 {
				m.Set(x, y)
			}
		}
	}
	return m
}

// matrixSeed is fuzzMatrix undone: the bytes that give back m (up to 135
// pixels a side), for seeding the fuzzers with a real code.
func matrixSeed(m *gozxing.BitMatrix) []byte {
	w, h := m.GetWidth(), m.GetHeight()
	seed := append([]byte{byte(w - 8), byte(h - 8)}, make([]byte, (w*h+7)/8)...)
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			if i := y*w + x; m.Get(x, y) {
				seed[2+i/8] |= 1 << (i % 8)
			}
		}
	}
	return seed
}

// TestMatrixSeed: the fuzzers' seed is the code it was made from.
func TestMatrixSeed(t *testing.T) {
	img, _ := codeImage(t, "otpauth://totp/a?secret=AB", 3)
	m := binarizeFunc(toGray(img))(false)
	back := fuzzMatrix(matrixSeed(m))
	if back == nil || back.GetWidth() != m.GetWidth() || back.GetHeight() != m.GetHeight() {
		t.Fatalf("size %dx%d lost", m.GetWidth(), m.GetHeight())
	}
	for y := 0; y < m.GetHeight(); y++ {
		for x := 0; x < m.GetWidth(); x++ {
			if back.Get(x, y) != m.Get(x, y) {
				t.Fatalf("pixel %d,%d differs", x, y)
			}
		}
	}
}

// FuzzFinders runs the finder-centre scan, the timing-linked trio search,
// the trio fallback and the timing-corrected sampler on arbitrary planes,
// with arbitrary finder positions and sizes: they index by module counts
// measured from the picture, and must stay inside it.
func FuzzFinders(f *testing.F) {
	img, _ := codeImage(f, "otpauth://totp/a?secret=AB", 3)
	seed := matrixSeed(binarizeFunc(toGray(img))(false))
	f.Add(seed, 12.0, 12.0, 75.0, 12.0, 12.0, 75.0, 21)
	f.Add([]byte{100, 100, 0xf0, 0x0f}, 0.0, 0.0, 1e9, -1e9, 50.0, 50.0, 177)
	f.Add([]byte{1, 2, 3}, 1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 0)
	f.Fuzz(func(t *testing.T, data []byte, x0, y0, x1, y1, x2, y2 float64, dim int) {
		m := fuzzMatrix(data)
		if m == nil {
			return
		}
		ctx := context.Background()
		cs := findCentres(ctx, m, 1)
		for _, c := range cs.list {
			if c.x < 0 || c.y < 0 || c.x > float64(m.GetWidth()) || c.y > float64(m.GetHeight()) {
				t.Fatalf("centre %+v outside the %dx%d plane", c, m.GetWidth(), m.GetHeight())
			}
		}
		linkedTrios(ctx, m, cs)
		s := scan{ctx: ctx, img: image.NewGray(image.Rect(0, 0, m.GetWidth(), m.GetHeight())), mul: 1, div: 1, m: m, photo: true}
		s.meshTrios(m)
		for _, v := range []float64{x0, y0, x1, y1, x2, y2} {
			if math.IsNaN(v) || math.IsInf(v, 0) {
				return
			}
		}
		pts := []gozxing.ResultPoint{
			gozxing.NewResultPoint(x2, y2), gozxing.NewResultPoint(x0, y0), gozxing.NewResultPoint(x1, y1),
		}
		if d := dim%200 + 0; d >= 21 && d%4 == 1 {
			meshSample(m, pts, d)
			tl, tr, bl := centre{x0, y0, 2, 1}, centre{x1, y1, 2, 1}, centre{x2, y2, 2, 1}
			trioDimensions(m, tl, tr, bl)
			findAlignment(m, tl, tr, bl, d)
		}
	})
}
