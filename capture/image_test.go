package capture

import (
	"bytes"
	"encoding/binary"
	"errors"
	"hash/crc32"
	"image"
	"image/gif"
	"image/jpeg"
	"image/png"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/iotest"
	"time"
)

// pngHeader is a PNG signature and IHDR chunk declaring w×h pixels and
// nothing else: DecodeConfig accepts it, a full decode would allocate
// w×h×4 bytes first.
func pngHeader(w, h uint32) []byte {
	var b bytes.Buffer
	b.WriteString("\x89PNG\r\n\x1a\n")
	ihdr := make([]byte, 13)
	binary.BigEndian.PutUint32(ihdr[0:], w)
	binary.BigEndian.PutUint32(ihdr[4:], h)
	ihdr[8], ihdr[9] = 8, 6 // 8-bit RGBA
	chunk := append([]byte("IHDR"), ihdr...)
	binary.Write(&b, binary.BigEndian, uint32(len(ihdr)))
	b.Write(chunk)
	binary.Write(&b, binary.BigEndian, crc32.ChecksumIEEE(chunk))
	return b.Bytes()
}

// TestLoadImageTooLarge: headers declaring huge images are refused before
// any pixel is decoded, fast, with a one-line message giving the size.
func TestLoadImageTooLarge(t *testing.T) {
	for _, tc := range []struct{ w, h uint32 }{{100000, 100000}, {40000, 10}, {20000, 20000}, {1 << 30, 1}} {
		start := time.Now()
		_, err := LoadImage(bytes.NewReader(pngHeader(tc.w, tc.h)))
		if !errors.Is(err, ErrImageTooLarge) {
			t.Errorf("%d×%d: err = %v, want ErrImageTooLarge", tc.w, tc.h, err)
			continue
		}
		if strings.Contains(err.Error(), "\n") || !strings.Contains(err.Error(), "px") {
			t.Errorf("%d×%d: message %q should be one line giving the size", tc.w, tc.h, err)
		}
		if d := time.Since(start); d > 5*time.Second { // generous: it must not have decoded
			t.Errorf("%d×%d: took %v", tc.w, tc.h, d)
		}
	}
	// A GIF's logical screen is checked too.
	var g bytes.Buffer
	g.WriteString("GIF89a")
	binary.Write(&g, binary.LittleEndian, [2]uint16{65535, 65535})
	g.Write([]byte{0, 0, 0})
	if _, err := LoadImage(&g); !errors.Is(err, ErrImageTooLarge) && !errors.Is(err, ErrBadImage) {
		t.Errorf("huge GIF: err = %v", err)
	}
}

func encode(t *testing.T, enc func(io.Writer, image.Image) error, img image.Image) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := enc(&b, img); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// TestLoadImageBad: corrupt, truncated and foreign data give ErrBadImage
// with one line, never a panic.
func TestLoadImageBad(t *testing.T) {
	img, _ := codeImage(t, "otpauth://totp/x?secret=JBSWY3DPEHPK3PXP", 2)
	good := map[string][]byte{
		"png":  encode(t, png.Encode, img),
		"jpeg": encode(t, func(w io.Writer, m image.Image) error { return jpeg.Encode(w, m, nil) }, img),
		"gif":  encode(t, func(w io.Writer, m image.Image) error { return gif.Encode(w, m, nil) }, img),
	}
	cases := map[string][]byte{
		"empty":     nil,
		"text":      []byte("otpauth://totp/not-an-image"),
		"webp-head": []byte("RIFF\x10\x00\x00\x00WEBPVP8 "),
		"bmp-head":  []byte("BM\x00\x00"),
	}
	for name, data := range good {
		cases[name+"-truncated"] = data[:len(data)/2]
		cases[name+"-header-only"] = data[:min(len(data), 40)]
		flipped := bytes.Clone(data)
		for i := len(flipped) / 3; i < len(flipped); i += 7 {
			flipped[i] ^= 0x5a
		}
		cases[name+"-corrupt"] = flipped
	}
	for name, data := range cases {
		t.Run(name, func(t *testing.T) {
			_, err := LoadImage(bytes.NewReader(data))
			if strings.HasSuffix(name, "-corrupt") && err == nil {
				return // a flipped byte in pixel data may still decode: fine, no panic
			}
			if !errors.Is(err, ErrBadImage) {
				t.Fatalf("err = %v, want ErrBadImage", err)
			}
			if strings.Contains(err.Error(), "\n") {
				t.Errorf("message spans lines: %q", err)
			}
		})
	}
}

// TestLoadImageReaders: LoadImage works from a plain (non-seekable) reader
// and from a file at a non-zero offset.
func TestLoadImageReaders(t *testing.T) {
	const text = "otpauth://totp/Readers:dan?secret=JBSWY3DPEHPK3PXP"
	img, _ := codeImage(t, text, 3)
	data := encode(t, png.Encode, img)
	for name, r := range map[string]io.Reader{
		"one-byte-reader": iotest.OneByteReader(bytes.NewReader(data)),
		"multi-reader":    io.MultiReader(bytes.NewReader(data[:10]), bytes.NewReader(data[10:])),
	} {
		got, err := LoadImage(r)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if codes, err := Decode(got); err != nil || codes[0].Text != text {
			t.Errorf("%s: Decode = %v, %v", name, codes, err)
		}
	}
	path := filepath.Join(t.TempDir(), "prefixed")
	if err := os.WriteFile(path, append([]byte("JUNK"), data...), 0o600); err != nil {
		t.Fatal(err)
	}
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	f.Seek(4, io.SeekStart)
	if _, err := LoadImage(f); err != nil {
		t.Errorf("file at offset 4: %v", err)
	}
}

// TestDecodeFile covers the file errors: missing, not an image, no code.
func TestDecodeFile(t *testing.T) {
	dir := t.TempDir()
	blank := filepath.Join(dir, "blank.png")
	writePNG(t, blank, image.NewGray(image.Rect(0, 0, 320, 200)))
	if _, err := DecodeFile(blank); !errors.Is(err, ErrNoQR) || !strings.Contains(err.Error(), "320×200") {
		t.Errorf("blank image: err = %v, want ErrNoQR naming the size", err)
	}
	if _, err := DecodeFile(filepath.Join(dir, "missing.png")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("missing file: err = %v", err)
	}
	notImage := filepath.Join(dir, "notes.txt")
	os.WriteFile(notImage, []byte("hello"), 0o600)
	if _, err := DecodeFile(notImage); !errors.Is(err, ErrBadImage) || !strings.Contains(err.Error(), "notes.txt") {
		t.Errorf("text file: err = %v, want ErrBadImage naming the file", err)
	}
}
