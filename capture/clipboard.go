package capture

import (
	"bytes"
	"context"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"image"
	"math/bits"
	"strings"
)

// ErrNoImage means the clipboard holds no picture (it is empty, or holds
// text or files).
var ErrNoImage = errors.New("the clipboard holds no image")

// maxClipboardBytes refuses a transfer that no screenshot needs.
const maxClipboardBytes = 256 << 20

// ClipboardImage returns the picture on the system clipboard: what an admin
// copied with a screenshot tool or "Copy image" in a browser. Decode it with
// Decode. It returns ErrNoImage when the clipboard holds something else, and
// ErrImageTooLarge or ErrBadImage as LoadImage does.
//
// Linux reads the X11 CLIPBOARD selection (XWayland shares it with Wayland
// applications), Windows the PNG or CF_DIB clipboard formats, and macOS asks
// osascript for PNG or TIFF data. None of them needs cgo.
func ClipboardImage(ctx context.Context) (img image.Image, err error) {
	defer func() {
		if p := recover(); p != nil {
			img, err = nil, fmt.Errorf("reading the clipboard failed: %v", p)
		}
	}()
	return readClipboard(ctx)
}

// loadClipboardData decodes image file bytes from the clipboard with
// LoadImage's size limits.
func loadClipboardData(data []byte) (image.Image, error) {
	if len(data) == 0 {
		return nil, ErrNoImage
	}
	img, err := LoadImage(bytes.NewReader(data))
	if err != nil {
		return nil, fmt.Errorf("clipboard image: %w", err)
	}
	return img, nil
}

// decodeDIB decodes a Windows device-independent bitmap as the clipboard
// holds it (CF_DIB, CF_DIBV5): a BITMAPINFOHEADER or a later version, then
// the colour masks or palette, then the rows, bottom-up unless the height
// is negative. Screenshots are 24 or 32 bits per pixel; other depths are
// refused. The picture is treated as opaque: clipboard alpha is unreliable.
func decodeDIB(data []byte) (image.Image, error) {
	bad := func(format string, args ...any) error {
		return fmt.Errorf("%w: clipboard bitmap: %s", ErrBadImage, fmt.Sprintf(format, args...))
	}
	if len(data) < 40 {
		return nil, bad("%d bytes is too short for a header", len(data))
	}
	le := binary.LittleEndian
	hdr := le.Uint32(data[0:])
	width := int64(int32(le.Uint32(data[4:])))
	height := int64(int32(le.Uint32(data[8:])))
	bpp := int(le.Uint16(data[14:]))
	compression := le.Uint32(data[16:])
	colorsUsed := int64(le.Uint32(data[32:]))
	if hdr < 40 || int64(hdr) > int64(len(data)) {
		return nil, bad("header size %d", hdr)
	}
	topDown := height < 0
	if topDown {
		height = -height
	}
	if width <= 0 || height <= 0 {
		return nil, bad("size %d×%d", width, height)
	}
	if width > MaxImageSide || height > MaxImageSide || width*height > MaxImagePixels {
		return nil, fmt.Errorf("%w: clipboard bitmap is %d×%d px", ErrImageTooLarge, width, height)
	}
	if bpp != 24 && bpp != 32 {
		return nil, bad("%d bits per pixel (only 24 and 32 are read)", bpp)
	}

	const (
		biRGB           = 0
		biBitfields     = 3
		biAlphaBitfield = 6
	)
	masks := [3]uint32{0xff0000, 0xff00, 0xff}
	offset := int64(hdr)
	switch compression {
	case biRGB:
		if bpp == 24 {
			masks = [3]uint32{}
		}
	case biBitfields, biAlphaBitfield:
		if bpp != 32 {
			return nil, bad("bit fields with %d bits per pixel", bpp)
		}
		// Version 4 and 5 headers carry the masks; the old 40-byte header
		// is followed by them.
		at := int64(40)
		if hdr == 40 {
			n := int64(12)
			if compression == biAlphaBitfield {
				n = 16
			}
			if int64(len(data)) < 40+n {
				return nil, bad("truncated colour masks")
			}
			offset += n
		} else if hdr < 52 {
			return nil, bad("header size %d with bit fields", hdr)
		}
		for i := range masks {
			masks[i] = le.Uint32(data[at+int64(4*i):])
		}
	default:
		return nil, bad("compression %d", compression)
	}
	if colorsUsed < 0 || colorsUsed > 256 {
		return nil, bad("%d palette entries", colorsUsed)
	}
	offset += 4 * colorsUsed
	stride := (width*int64(bpp) + 31) / 32 * 4
	if int64(len(data)) < offset+stride*height {
		return nil, bad("truncated: %d bytes for %d×%d px", len(data), width, height)
	}

	w, h := int(width), int(height)
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	type field struct {
		mask  uint32
		shift int
		max   uint32
	}
	var fields [3]field
	for i, m := range masks {
		if m == 0 {
			continue
		}
		shift := bits.TrailingZeros32(m)
		fields[i] = field{m, shift, m >> shift}
	}
	pix := data[offset:]
	for y := 0; y < h; y++ {
		srcRow := y
		if !topDown {
			srcRow = h - 1 - y
		}
		src := pix[int64(srcRow)*stride:]
		dst := img.Pix[y*img.Stride : y*img.Stride+4*w]
		for x := 0; x < w; x++ {
			d := dst[4*x : 4*x+4 : 4*x+4]
			if bpp == 24 {
				s := src[3*x : 3*x+3 : 3*x+3]
				d[0], d[1], d[2], d[3] = s[2], s[1], s[0], 0xff
				continue
			}
			v := le.Uint32(src[4*x:])
			for i, f := range fields {
				if f.max == 0 {
					d[i] = 0
					continue
				}
				d[i] = byte((v & f.mask >> f.shift) * 255 / f.max)
			}
			d[3] = 0xff
		}
	}
	return img, nil
}

// parseAppleScriptData reads what osascript prints for `the clipboard as
// «class PNGf»`: «data PNGf89504E47…», the class code then the bytes in hex.
func parseAppleScriptData(out string) ([]byte, error) {
	s := strings.TrimSpace(out)
	body, ok := strings.CutPrefix(s, "«data ")
	if !ok || !strings.HasSuffix(body, "»") || len(body) < 4+len("»") {
		return nil, fmt.Errorf("unexpected osascript output %q", clip(s, 40))
	}
	body = strings.TrimSuffix(body, "»")[4:]
	data, err := hex.DecodeString(body)
	if err != nil {
		return nil, fmt.Errorf("unexpected osascript output: %v", err)
	}
	return data, nil
}

func clip(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}
