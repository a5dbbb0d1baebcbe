package capture

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"image"
	"io"
	"os"
	"strings"

	// The formats LoadImage reads: screenshots are PNG, BMP or WebP, photos
	// and chat forwards JPEG, and old docs GIF.
	_ "image/gif"
	_ "image/jpeg"
	_ "image/png"

	_ "golang.org/x/image/bmp"
	_ "golang.org/x/image/webp"
)

// Limits on images LoadImage and Decode accept. Three 4K monitors side by
// side are 25 megapixels (11520×2160) and a 50-megapixel camera photo is
// rare; anything past these is not a screenshot, and decoding it could take
// gigabytes before Decode saw a pixel. Decoding the largest accepted image
// (40 megapixels, RGBA) needs 160 MB for the image and at most about 115 MB
// more inside Decode (BenchmarkDecodeMaxPixels reports it as B/op);
// `deskauth-cli scan --image` peaks at about 280 MB (RSS) on such a PNG.
const (
	MaxImagePixels = 40_000_000
	MaxImageSide   = 32_768
	// maxImageBytes bounds input read into memory from a stream.
	maxImageBytes = 512 << 20
)

// ErrImageTooLarge means an image's header declares more pixels than
// LoadImage accepts; nothing past the header was decoded.
var ErrImageTooLarge = errors.New("image too large")

// ErrBadImage means the data is not an image LoadImage can read: an unknown
// format, or a corrupt or truncated file.
var ErrBadImage = errors.New("not a readable image")

// LoadImage reads a PNG, JPEG, GIF (first frame), WebP or BMP image. It
// checks the dimensions in the header before decoding, so a huge or hostile
// file is refused with ErrImageTooLarge, and a corrupt one gives
// ErrBadImage; it never panics.
func LoadImage(r io.Reader) (img image.Image, err error) {
	// Decoders for untrusted formats have panicked on crafted input in the
	// past; a bad file must be an error, never a crash.
	defer func() {
		if p := recover(); p != nil {
			img, err = nil, fmt.Errorf("%w: decoder failed: %v", ErrBadImage, p)
		}
	}()
	rs, ok := r.(io.ReadSeeker)
	var start int64
	if ok {
		start, err = rs.Seek(0, io.SeekCurrent)
		ok = err == nil
	}
	if !ok {
		// The header must be read twice, and a JPEG's can sit behind
		// large metadata: hold the whole input (a pipe, say) in memory.
		data, err := io.ReadAll(io.LimitReader(r, maxImageBytes+1))
		if err != nil {
			return nil, fmt.Errorf("%w: %v", ErrBadImage, err)
		}
		if len(data) > maxImageBytes {
			return nil, fmt.Errorf("%w: over %d MB of data", ErrImageTooLarge, maxImageBytes>>20)
		}
		rs, start = bytes.NewReader(data), 0
	}
	if err := checkConfig(bufio.NewReader(rs)); err != nil {
		return nil, err
	}
	if _, err := rs.Seek(start, io.SeekStart); err != nil {
		return nil, fmt.Errorf("%w: %v", ErrBadImage, err)
	}
	return readImage(bufio.NewReader(rs))
}

func checkConfig(r io.Reader) error {
	cfg, format, err := image.DecodeConfig(r)
	if err != nil {
		return badImage(err)
	}
	w, h := cfg.Width, cfg.Height
	if w <= 0 || h <= 0 {
		return fmt.Errorf("%w: %s image is %d×%d px", ErrBadImage, format, w, h)
	}
	if err := checkSize(w, h); err != nil {
		return fmt.Errorf("%s %w", format, err)
	}
	return nil
}

// checkSize refuses images over MaxImageSide or MaxImagePixels with
// ErrImageTooLarge.
func checkSize(w, h int) error {
	if w > MaxImageSide || h > MaxImageSide || int64(w)*int64(h) > MaxImagePixels {
		return fmt.Errorf("%w: %d×%d px, over the %d megapixel limit", ErrImageTooLarge,
			w, h, MaxImagePixels/1_000_000)
	}
	return nil
}

func readImage(r io.Reader) (image.Image, error) {
	img, _, err := image.Decode(r)
	if err != nil {
		return nil, badImage(err)
	}
	return img, nil
}

func badImage(err error) error {
	if errors.Is(err, image.ErrFormat) {
		return fmt.Errorf("%w: not PNG, JPEG, GIF, WebP or BMP", ErrBadImage)
	}
	if errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF) {
		return fmt.Errorf("%w: truncated", ErrBadImage)
	}
	return fmt.Errorf("%w: %v", ErrBadImage, err)
}

// FileCode is a code found by DecodeFiles, and the file it was found in.
type FileCode struct {
	Path string
	Code
}

// DecodeFiles decodes every image file in order and returns each payload
// once, where it is first seen. A file without a code is not an error while
// another has one; when none has, the ErrNoQR it returns names every file.
func DecodeFiles(paths ...string) ([]FileCode, error) {
	var found []FileCode
	var none []string
	for _, path := range paths {
		codes, err := DecodeFile(path)
		if errors.Is(err, ErrNoQR) {
			none = append(none, strings.TrimSuffix(err.Error(), ": "+ErrNoQR.Error()))
			continue
		}
		if err != nil {
			return nil, err
		}
		for _, c := range codes {
			found = append(found, FileCode{path, c})
		}
	}
	if len(found) == 0 {
		return nil, fmt.Errorf("%w in %s", ErrNoQR, strings.Join(none, ", "))
	}
	return distinct(found, func(f FileCode) string { return f.Text }), nil
}

// DecodeFile loads the image at path and decodes every QR code in it. When
// there is none, the ErrNoQR it returns says which file and how large.
func DecodeFile(path string) ([]Code, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	img, err := LoadImage(f)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	codes, err := Decode(img)
	if err != nil {
		b := img.Bounds()
		return nil, fmt.Errorf("%s (%d×%d px): %w", path, b.Dx(), b.Dy(), err)
	}
	return codes, nil
}
