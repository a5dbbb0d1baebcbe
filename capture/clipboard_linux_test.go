package capture

import (
	"context"
	"errors"
	"image"
	"image/color"
	"image/png"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/deskauth/deskauth/internal/testenv"
)

// xclipIn puts file on the CLIPBOARD selection of dpy as type, the way a
// user's "Copy image" does. xclip stays in the background as the owner
// until another owner takes over or the server goes away.
func xclipIn(t *testing.T, dpy, typ, file string) {
	t.Helper()
	cmd := exec.Command("xclip", "-selection", "clipboard", "-t", typ, "-i", file)
	cmd.Env = append(os.Environ(), "DISPLAY="+dpy)
	// No output capture: xclip's background child would hold the pipe open.
	if err := cmd.Run(); err != nil {
		t.Fatalf("xclip: %v", err)
	}
	// xclip forks and returns before its child owns the selection.
	deadline := time.Now().Add(5 * time.Second)
	for time.Now().Before(deadline) {
		check := exec.Command("xclip", "-selection", "clipboard", "-t", "TARGETS", "-o")
		check.Env = cmd.Env
		if out, err := check.Output(); err == nil && strings.Contains(string(out), typ) {
			return
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Fatalf("xclip did not take the clipboard as %s", typ)
}

func savePNG(t *testing.T, img image.Image) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "clip.png")
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := png.Encode(f, img); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestClipboardImageX11(t *testing.T) {
	testenv.Require(t, "xclip")
	dpy := startXvfb(t, "640x480x24")
	x11Env(t, dpy)
	ctx := context.Background()

	if _, err := ClipboardImage(ctx); !errors.Is(err, ErrNoImage) || !strings.Contains(err.Error(), "empty") {
		t.Errorf("empty clipboard: %v; want ErrNoImage (empty)", err)
	}

	text := filepath.Join(t.TempDir(), "note.txt")
	os.WriteFile(text, []byte("hello"), 0o600)
	xclipIn(t, dpy, "UTF8_STRING", text)
	if _, err := ClipboardImage(ctx); !errors.Is(err, ErrNoImage) || !strings.Contains(err.Error(), "UTF8_STRING") {
		t.Errorf("text on the clipboard: %v; want ErrNoImage naming what it offers", err)
	}

	// A copied QR code.
	card, _ := codeCard(t, uriLeft, 4)
	xclipIn(t, dpy, "image/png", savePNG(t, card))
	img, err := ClipboardImage(ctx)
	if err != nil {
		t.Fatal(err)
	}
	codes, err := Decode(img)
	if err != nil || len(codes) != 1 || codes[0].Text != uriLeft {
		t.Fatalf("Decode(clipboard) = %+v, %v; want %s", codes, err, uriLeft)
	}

	// A big screenshot that does not compress: xclip sends it in INCR
	// chunks.
	big := image.NewRGBA(image.Rect(0, 0, 1200, 900))
	rng := rand.New(rand.NewPCG(1, 2))
	for i := range big.Pix {
		big.Pix[i] = uint8(rng.IntN(256))
		if i%4 == 3 {
			big.Pix[i] = 255
		}
	}
	bigFile := savePNG(t, big)
	if st, _ := os.Stat(bigFile); st.Size() < 1<<20 {
		t.Fatalf("test PNG is only %d bytes; want over 1 MB to force INCR", st.Size())
	}
	xclipIn(t, dpy, "image/png", bigFile)
	img, err = ClipboardImage(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if img.Bounds().Size() != big.Bounds().Size() {
		t.Fatalf("INCR transfer: got %v, want %v", img.Bounds(), big.Bounds())
	}
	for _, p := range []image.Point{{0, 0}, {1199, 899}, {600, 450}} {
		r, g, b, _ := img.At(p.X, p.Y).RGBA()
		if w := big.RGBAAt(p.X, p.Y); (color.RGBA{uint8(r >> 8), uint8(g >> 8), uint8(b >> 8), 255}) != w {
			t.Errorf("pixel %v = %d,%d,%d; want %v", p, r>>8, g>>8, b>>8, w)
		}
	}

	t.Setenv("DISPLAY", "")
	if _, err := ClipboardImage(ctx); !errors.Is(err, ErrNoDisplay) {
		t.Errorf("no DISPLAY: %v; want ErrNoDisplay", err)
	}
}
