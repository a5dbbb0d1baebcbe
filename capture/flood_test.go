package capture

import (
	"bytes"
	"compress/zlib"
	"context"
	"encoding/binary"
	"errors"
	"hash/crc32"
	"image"
	"runtime"
	"testing"
	"time"

	"github.com/deskauth/deskauth/internal/testenv"
)

// floodPage tiles a w×h page with 36×36 px tiles, each one QR finder
// pattern at 4 px a module inside a one-module white margin: on a 1080p
// page, 1590 perfect finder patterns and no code (issue 13). Every trio of
// them is a candidate code for a finder that weighs them all.
func floodPage(w, h int) *image.RGBA {
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	fillRect(img, img.Bounds(), white)
	for y := 0; y < h; y += 36 {
		for x := 0; x < w; x += 36 {
			fillRect(img, image.Rect(x+4, y+4, x+32, y+32), black)
			fillRect(img, image.Rect(x+8, y+8, x+28, y+28), white)
			fillRect(img, image.Rect(x+12, y+12, x+24, y+24), black)
		}
	}
	return img
}

// TestDecodeFinderFlood: the finder-flood page holds no code, and Decode
// says so (ErrNoQR, which the CLI turns into exit status 3) instead of
// weighing a billion trios. BenchmarkDecodeFinderFlood gives the time.
func TestDecodeFinderFlood(t *testing.T) {
	for _, size := range []image.Point{{1920, 1080}, {640, 480}} {
		img := floodPage(size.X, size.Y)
		if codes, err := Decode(img); !errors.Is(err, ErrNoQR) {
			t.Errorf("%v flood: Decode = %q, %v; want ErrNoQR", size, texts(codes), err)
		}
	}
}

// TestDecodeFinderFloodWithCode: a real code on the flood page, at the
// look-alikes' own module size and at others, is still found.
func TestDecodeFinderFloodWithCode(t *testing.T) {
	uri := testURI(600)
	mods := testenv.QREncode(t, []byte(uri), "-l", "M")
	for _, tc := range []struct {
		px   float64
		x, y int
	}{{4, 900, 400}, {3, 200, 150}, {6, 1300, 500}} {
		img := floodPage(1920, 1080)
		r := testenv.PaintQR(img, mods, tc.x, tc.y, tc.px, black, white)
		codes, err := Decode(img)
		checkFound(t, codes, err, []string{uri}, []image.Rectangle{r})
	}
}

// TestDecodeContextCancel: a cancelled context stops Decode with
// context.Canceled, whether it was cancelled before or during the work.
// BenchmarkDecodeCancel measures how soon it returns.
func TestDecodeContextCancel(t *testing.T) {
	img := floodPage(1920, 1080)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := DecodeContext(ctx, img); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled before: err = %v, want context.Canceled", err)
	}
	ctx, cancel = context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		_, err := DecodeContext(ctx, img)
		done <- err
	}()
	time.Sleep(20 * time.Millisecond)
	cancel()
	if err := <-done; !errors.Is(err, context.Canceled) && !errors.Is(err, ErrNoQR) {
		t.Errorf("cancelled during: err = %v, want context.Canceled", err)
	}
	// A code found before the cancel is not thrown away by a late one:
	// only an unfinished search reports the cancel.
	ctx, cancel = context.WithDeadline(context.Background(), time.Now().Add(time.Hour))
	defer cancel()
	code, _ := codeImage(t, benchURI, 4)
	if codes, err := DecodeContext(ctx, code); err != nil || len(codes) != 1 {
		t.Errorf("live context: Decode = %q, %v", texts(codes), err)
	}
}

// TestDecodeTooLarge: Decode refuses an image over MaxImagePixels with
// ErrImageTooLarge without reading it (this one has no pixels behind it).
func TestDecodeTooLarge(t *testing.T) {
	for _, r := range []image.Rectangle{image.Rect(0, 0, 8944, 8944), image.Rect(0, 0, 40000, 2)} {
		img := &image.Gray{Rect: r} // no Pix: reading a pixel would panic
		if _, err := Decode(img); !errors.Is(err, ErrImageTooLarge) {
			t.Errorf("%v: err = %v, want ErrImageTooLarge", r, err)
		}
	}
}

// pngBomb is a valid 8944×8944 (80 MP) grey PNG of white, about 80 KB:
// decoding it would allocate 80 MB for the pixels.
func pngBomb(t testing.TB) []byte {
	const side = 8944
	var idat bytes.Buffer
	zw, _ := zlib.NewWriterLevel(&idat, zlib.BestCompression)
	line := bytes.Repeat([]byte{0xff}, side+1)
	line[0] = 0 // filter: none
	for range side {
		zw.Write(line)
	}
	zw.Close()
	var b bytes.Buffer
	b.WriteString("\x89PNG\r\n\x1a\n")
	chunk := func(typ string, data []byte) {
		binary.Write(&b, binary.BigEndian, uint32(len(data)))
		c := append([]byte(typ), data...)
		b.Write(c)
		binary.Write(&b, binary.BigEndian, crc32.ChecksumIEEE(c))
	}
	ihdr := make([]byte, 13)
	binary.BigEndian.PutUint32(ihdr[0:], side)
	binary.BigEndian.PutUint32(ihdr[4:], side)
	ihdr[8], ihdr[9] = 8, 0 // 8-bit grey
	chunk("IHDR", ihdr)
	chunk("IDAT", idat.Bytes())
	chunk("IEND", nil)
	return b.Bytes()
}

// TestLoadImagePNGBomb: a small PNG that expands to 80 MP is refused from
// its header, allocating next to nothing.
func TestLoadImagePNGBomb(t *testing.T) {
	bomb := pngBomb(t)
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	_, err := LoadImage(bytes.NewReader(bomb))
	runtime.ReadMemStats(&after)
	if !errors.Is(err, ErrImageTooLarge) {
		t.Fatalf("%d-byte 80 MP PNG: err = %v, want ErrImageTooLarge", len(bomb), err)
	}
	if n := after.TotalAlloc - before.TotalAlloc; n > 1<<20 {
		t.Errorf("refusing the bomb allocated %d bytes", n)
	}
}

// BenchmarkDecodeFinderFlood is the finder-flood page with no code.
func BenchmarkDecodeFinderFlood(b *testing.B) {
	img := floodPage(1920, 1080)
	b.ReportAllocs()
	start := cpuTime()
	for b.Loop() {
		if _, err := Decode(img); !errors.Is(err, ErrNoQR) {
			b.Fatal(err)
		}
	}
	reportCPU(b, start)
}

// BenchmarkDecodeFinderFloodCode is the flood page with a real code at
// the look-alikes' module size.
func BenchmarkDecodeFinderFloodCode(b *testing.B) {
	img := floodPage(1920, 1080)
	testenv.PaintQR(img, testenv.QRModules(b, benchURI, "L"), 900, 400, 4, black, white)
	benchDecode(b, img, benchURI)
}

// BenchmarkDecodeCancel measures how long DecodeContext takes to return
// after its context is cancelled 10 ms into decoding the flood page
// (reported as cancel-ms/op).
func BenchmarkDecodeCancel(b *testing.B) {
	img := floodPage(1920, 1080)
	var total time.Duration
	for b.Loop() {
		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan time.Time, 1)
		go func() {
			DecodeContext(ctx, img)
			done <- time.Now()
		}()
		time.Sleep(10 * time.Millisecond)
		at := time.Now()
		cancel()
		total += (<-done).Sub(at)
	}
	b.ReportMetric(float64(total.Microseconds())/1000/float64(b.N), "cancel-ms/op")
}

// BenchmarkDecodeMaxPixels decodes the largest image Decode accepts, a
// 40 MP page (8000×5000) with no code, where every pass runs: B/op is the
// memory Decode allocates on top of the 160 MB image.
func BenchmarkDecodeMaxPixels(b *testing.B) {
	img := busyPage(8000, 5000, 5, lightTheme)
	if int64(8000*5000) != MaxImagePixels {
		b.Fatalf("update the benchmark to MaxImagePixels = %d", MaxImagePixels)
	}
	b.ReportAllocs()
	start := cpuTime()
	for b.Loop() {
		if _, err := Decode(img); !errors.Is(err, ErrNoQR) {
			b.Fatal(err)
		}
	}
	reportCPU(b, start)
}
