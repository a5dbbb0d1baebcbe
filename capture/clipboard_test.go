package capture

import (
	"bytes"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"image"
	"image/color"
	"image/draw"
	"image/png"
	"strings"
	"testing"

	"golang.org/x/image/bmp"
)

// testPicture is a small picture with distinct colours in each corner, so a
// flipped or channel-swapped decode shows.
func testPicture(w, h int) *image.RGBA {
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			img.SetRGBA(x, y, color.RGBA{uint8(x * 255 / w), uint8(y * 255 / h), uint8((x + y) % 256), 255})
		}
	}
	img.SetRGBA(0, 0, color.RGBA{255, 0, 0, 255})
	img.SetRGBA(w-1, h-1, color.RGBA{0, 0, 255, 255})
	return img
}

// bmpDIB is what Windows puts on the clipboard as CF_DIB for img: a BMP file
// without its 14-byte file header. golang.org/x/image/bmp writes it, as an
// independent encoder (bottom-up, 24 bits for opaque pictures).
func bmpDIB(t *testing.T, img image.Image) []byte {
	var buf bytes.Buffer
	if err := bmp.Encode(&buf, img); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()[14:]
}

// dib32 writes a 32-bit DIB by hand: header size hdr (40, 108 or 124),
// BI_BITFIELDS with BGRX masks, top-down when topDown.
func dib32(img *image.RGBA, hdr int, topDown bool) []byte {
	w, h := img.Bounds().Dx(), img.Bounds().Dy()
	le := binary.LittleEndian
	head := make([]byte, hdr)
	le.PutUint32(head[0:], uint32(hdr))
	le.PutUint32(head[4:], uint32(w))
	height := int32(h)
	if topDown {
		height = -height
	}
	le.PutUint32(head[8:], uint32(height))
	le.PutUint16(head[12:], 1)
	le.PutUint16(head[14:], 32)
	le.PutUint32(head[16:], 3) // BI_BITFIELDS
	masks := make([]byte, 12)
	le.PutUint32(masks[0:], 0x00ff0000)
	le.PutUint32(masks[4:], 0x0000ff00)
	le.PutUint32(masks[8:], 0x000000ff)
	out := head
	if hdr == 40 {
		out = append(out, masks...)
	} else {
		copy(out[40:], masks)
	}
	for row := 0; row < h; row++ {
		y := row
		if !topDown {
			y = h - 1 - row
		}
		for x := 0; x < w; x++ {
			c := img.RGBAAt(x, y)
			out = append(out, c.B, c.G, c.R, 0) // alpha 0, as screenshots often have
		}
	}
	return out
}

func samePixels(t *testing.T, got image.Image, want *image.RGBA) {
	t.Helper()
	if got.Bounds().Size() != want.Bounds().Size() {
		t.Fatalf("size %v, want %v", got.Bounds().Size(), want.Bounds().Size())
	}
	gb := got.Bounds()
	for y := 0; y < want.Bounds().Dy(); y++ {
		for x := 0; x < want.Bounds().Dx(); x++ {
			r, g, b, a := got.At(gb.Min.X+x, gb.Min.Y+y).RGBA()
			w := want.RGBAAt(x, y)
			if uint8(r>>8) != w.R || uint8(g>>8) != w.G || uint8(b>>8) != w.B || a != 0xffff {
				t.Fatalf("pixel %d,%d = %d,%d,%d,%d; want %v", x, y, r>>8, g>>8, b>>8, a>>8, w)
			}
		}
	}
}

func TestDecodeDIB(t *testing.T) {
	pic := testPicture(37, 23) // odd width: 24-bit rows are padded
	t.Run("24-bit from x/image/bmp", func(t *testing.T) {
		img, err := decodeDIB(bmpDIB(t, pic))
		if err != nil {
			t.Fatal(err)
		}
		samePixels(t, img, pic)
	})
	for _, c := range []struct {
		name    string
		hdr     int
		topDown bool
	}{
		{"32-bit bit fields, bottom-up", 40, false},
		{"32-bit bit fields, top-down", 40, true},
		{"BITMAPV4HEADER", 108, false},
		{"BITMAPV5HEADER", 124, true},
	} {
		t.Run(c.name, func(t *testing.T) {
			img, err := decodeDIB(dib32(pic, c.hdr, c.topDown))
			if err != nil {
				t.Fatal(err)
			}
			samePixels(t, img, pic)
		})
	}
}

func TestDecodeDIBRefusesBadInput(t *testing.T) {
	good := dib32(testPicture(8, 8), 40, false)
	patch := func(off int, v uint32) []byte {
		b := append([]byte(nil), good...)
		binary.LittleEndian.PutUint32(b[off:], v)
		return b
	}
	patch16 := func(off int, v uint16) []byte {
		b := append([]byte(nil), good...)
		binary.LittleEndian.PutUint16(b[off:], v)
		return b
	}
	for _, c := range []struct {
		name string
		data []byte
		is   error
	}{
		{"empty", nil, ErrBadImage},
		{"short header", good[:39], ErrBadImage},
		{"truncated rows", good[:len(good)-5], ErrBadImage},
		{"truncated masks", good[:45], ErrBadImage},
		{"header size past the data", patch(0, 1<<20), ErrBadImage},
		{"header size too small", patch(0, 12), ErrBadImage},
		{"zero width", patch(4, 0), ErrBadImage},
		{"negative width", patch(4, 0xfffffff0), ErrBadImage},
		{"too wide", patch(4, 40000), ErrImageTooLarge},
		{"too many pixels", func() []byte { b := patch(4, 20000); binary.LittleEndian.PutUint32(b[8:], 20000); return b }(), ErrImageTooLarge},
		{"min int32 height", patch(8, 0x80000000), ErrImageTooLarge},
		{"8-bit palette", patch16(14, 8), ErrBadImage},
		{"RLE", patch(16, 1), ErrBadImage},
		{"huge palette", patch(32, 1<<30), ErrBadImage},
	} {
		t.Run(c.name, func(t *testing.T) {
			img, err := decodeDIB(c.data)
			if !errors.Is(err, c.is) || img != nil {
				t.Errorf("decodeDIB = %v, %v; want %v", img, err, c.is)
			}
		})
	}
}

func FuzzDecodeDIB(f *testing.F) {
	pic := testPicture(5, 4)
	var buf bytes.Buffer
	bmp.Encode(&buf, pic)
	f.Add(buf.Bytes()[14:])
	f.Add(dib32(pic, 40, false))
	f.Add(dib32(pic, 124, true))
	f.Add([]byte{})
	f.Fuzz(func(t *testing.T, data []byte) {
		img, err := decodeDIB(data)
		if err == nil && (img == nil || img.Bounds().Empty()) {
			t.Fatalf("no error and no picture")
		}
		if err != nil && img != nil {
			t.Fatalf("an error and a picture: %v", err)
		}
	})
}

func TestParseAppleScriptData(t *testing.T) {
	var buf bytes.Buffer
	png.Encode(&buf, testPicture(3, 2))
	hexPNG := strings.ToUpper(hex.EncodeToString(buf.Bytes()))
	data, err := parseAppleScriptData("«data PNGf" + hexPNG + "»\n")
	if err != nil || !bytes.Equal(data, buf.Bytes()) {
		t.Fatalf("parseAppleScriptData = %d bytes, %v; want the PNG's %d", len(data), err, buf.Len())
	}
	img, err := loadClipboardData(data)
	if err != nil {
		t.Fatal(err)
	}
	samePixels(t, img, testPicture(3, 2))

	for _, bad := range []string{"", "«data PNGf»", "«data PNGf0»", "«data PNGfZZ»", "data PNGf00»", "«data PNGf00", "«data»", "some text"} {
		if d, err := parseAppleScriptData(bad); err == nil && bad != "«data PNGf»" {
			t.Errorf("parseAppleScriptData(%q) = %x, nil; want an error", bad, d)
		}
	}
	if _, err := loadClipboardData(nil); !errors.Is(err, ErrNoImage) {
		t.Errorf("no data: %v, want ErrNoImage", err)
	}
}

func FuzzParseAppleScriptData(f *testing.F) {
	f.Add("«data PNGf89504E470D0A1A0A»")
	f.Add("«data TIFF»")
	f.Add("«»")
	f.Fuzz(func(t *testing.T, s string) {
		parseAppleScriptData(s)
	})
}

// A QR code copied as a bitmap decodes like one in a file.
func TestDecodeDIBThenQR(t *testing.T) {
	img := image.NewRGBA(image.Rect(0, 0, 400, 300))
	draw.Draw(img, img.Bounds(), image.NewUniform(color.RGBA{240, 240, 240, 255}), image.Point{}, draw.Src)
	drawQR(t, img, image.Pt(60, 20), uriMain1, 4)
	pic, err := decodeDIB(dib32(img, 124, false))
	if err != nil {
		t.Fatal(err)
	}
	codes, err := Decode(pic)
	if err != nil || len(codes) != 1 || codes[0].Text != uriMain1 {
		t.Fatalf("Decode = %+v, %v", codes, err)
	}
}
