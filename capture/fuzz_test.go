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
	"testing"
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
		codes := decodeImage(context.Background(), fuzzImage(data))
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
