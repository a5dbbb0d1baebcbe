package testenv

import (
	"bytes"
	"image"
	"image/color"
	"image/png"
	"os/exec"
	"testing"

	"github.com/makiuchi-d/gozxing"
	"github.com/makiuchi-d/gozxing/qrcode"
	xdraw "golang.org/x/image/draw"
)

// A QR code's modules are an *image.Gray at one pixel a module with no quiet
// zone: 0 for a dark module, 255 for a light one. QREncode and QRModules make
// them; PaintQR draws them at any size and colour.

// QREncode encodes text with the real qrencode, which shares no code with
// the decoder under test. Extra arguments go to qrencode (-l H for the
// error-correction level, -k for Kanji mode, -8 for 8-bit mode).
func QREncode(t testing.TB, text []byte, args ...string) *image.Gray {
	t.Helper()
	Require(t, "qrencode")
	cmd := exec.Command("qrencode", append([]string{"-o", "-", "-t", "PNG", "-s", "1", "-m", "0"}, args...)...)
	cmd.Stdin = bytes.NewReader(text)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("qrencode: %v: %s", err, stderr.String())
	}
	img, err := png.Decode(bytes.NewReader(out))
	if err != nil {
		t.Fatalf("qrencode output: %v", err)
	}
	g := image.NewGray(img.Bounds())
	xdraw.Draw(g, g.Bounds(), img, img.Bounds().Min, xdraw.Src)
	return g
}

// QRModules encodes text with gozxing's encoder at error-correction level
// ("L", "M", "Q" or "H"). It needs no external tool, for benchmarks and for
// tests that are not about the decoder agreeing with another encoder.
func QRModules(t testing.TB, text, level string) *image.Gray {
	t.Helper()
	m, err := qrcode.NewQRCodeWriter().Encode(text, gozxing.BarcodeFormat_QR_CODE, 0, 0,
		map[gozxing.EncodeHintType]interface{}{
			gozxing.EncodeHintType_MARGIN:           0,
			gozxing.EncodeHintType_ERROR_CORRECTION: level,
		})
	if err != nil {
		t.Fatalf("encode %q at level %q: %v", text, level, err)
	}
	n := m.GetWidth()
	g := image.NewGray(image.Rect(0, 0, n, n))
	for y := 0; y < n; y++ {
		for x := 0; x < n; x++ {
			if !m.Get(x, y) {
				g.Pix[y*g.Stride+x] = 255
			}
		}
	}
	return g
}

// PaintQR draws the modules mods onto dst with the code's top left corner at
// (x, y), px pixels a module, dark modules in fg and a 4-module quiet zone in
// bg around it, and returns the code's rectangle (quiet zone excluded).
// Fractional sizes are smoothed with bilinear filtering, as a HiDPI desktop
// scales a web page.
func PaintQR(dst *image.RGBA, mods *image.Gray, x, y int, px float64, fg, bg color.RGBA) image.Rectangle {
	n := mods.Bounds().Dx()
	side := int(float64(n)*px + 0.5)
	quiet := int(4*px + 0.5)
	r := image.Rect(x, y, x+side, y+side)
	xdraw.Draw(dst, r.Inset(-quiet), image.NewUniform(bg), image.Point{}, xdraw.Src)
	// Colour the module image first, then scale it, so edges blend
	// between the two colours.
	colored := image.NewRGBA(mods.Bounds())
	for i, v := range mods.Pix {
		c := fg
		if v >= 128 {
			c = bg
		}
		copy(colored.Pix[4*i:], []byte{c.R, c.G, c.B, c.A})
	}
	var s xdraw.Scaler = xdraw.NearestNeighbor
	if px != float64(int(px)) {
		s = xdraw.BiLinear
	}
	s.Scale(dst, r, colored, colored.Bounds(), xdraw.Src, nil)
	return r
}
