package capture

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"image"
	"image/color"
	"image/draw"
	"io"
	"log"
	"os"
	"os/exec"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/jezek/xgb"
	"github.com/jezek/xgb/randr"
	"github.com/jezek/xgb/xproto"

	"github.com/deskauth/deskauth/internal/testenv"
)

// startXvfb starts a private X server with one screen of the given geometry
// ("4480x1440x24") and returns its DISPLAY. It is stopped when the test ends.
func startXvfb(t testing.TB, geometry string) string {
	t.Helper()
	testenv.Require(t, "Xvfb")
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command("Xvfb", "-displayfd", "3", "-screen", "0", geometry, "-nolisten", "tcp", "-noreset")
	cmd.ExtraFiles = []*os.File{w}
	// If the test binary dies (a timeout), the server goes too, and with it
	// any client such as xclip.
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGTERM}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	w.Close()
	t.Cleanup(func() {
		cmd.Process.Signal(os.Interrupt)
		cmd.Wait()
	})
	got := make(chan string, 1)
	go func() {
		line, _ := bufio.NewReader(r).ReadString('\n')
		r.Close()
		got <- strings.TrimSpace(line)
	}()
	select {
	case n := <-got:
		if n == "" {
			t.Fatal("Xvfb did not report a display number")
		}
		return ":" + n
	case <-time.After(30 * time.Second):
		t.Fatal("Xvfb did not start within 30 s")
	}
	return ""
}

// showWindow maps a real X window at p on display showing img, and keeps it
// until the test ends. The server has processed everything when it returns.
func showWindow(t testing.TB, displayName string, p image.Point, img image.Image) {
	t.Helper()
	quietXGB.Do(func() { xgb.Logger = log.New(io.Discard, "", 0) })
	c, err := xgb.NewConnDisplay(displayName)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(c.Close)
	screen := xproto.Setup(c).DefaultScreen(c)
	win, err := xproto.NewWindowId(c)
	if err != nil {
		t.Fatal(err)
	}
	b := img.Bounds()
	err = xproto.CreateWindowChecked(c, screen.RootDepth, win, screen.Root, int16(p.X), int16(p.Y),
		uint16(b.Dx()), uint16(b.Dy()), 0, xproto.WindowClassInputOutput, screen.RootVisual,
		xproto.CwBackPixel|xproto.CwOverrideRedirect, []uint32{screen.WhitePixel, 1}).Check()
	if err != nil {
		t.Fatal(err)
	}
	if err := xproto.MapWindowChecked(c, win).Check(); err != nil {
		t.Fatal(err)
	}
	gc, err := xproto.NewGcontextId(c)
	if err != nil {
		t.Fatal(err)
	}
	if err := xproto.CreateGCChecked(c, gc, xproto.Drawable(win), 0, nil).Check(); err != nil {
		t.Fatal(err)
	}
	// PutImage in strips that fit the server's request size limit.
	rows := max(1, (int(xproto.Setup(c).MaximumRequestLength)*4-64)/(b.Dx()*4))
	for y := 0; y < b.Dy(); y += rows {
		h := min(rows, b.Dy()-y)
		data := make([]byte, 0, b.Dx()*h*4)
		for yy := y; yy < y+h; yy++ {
			for x := 0; x < b.Dx(); x++ {
				r, g, bl, _ := img.At(b.Min.X+x, b.Min.Y+yy).RGBA()
				data = append(data, byte(bl>>8), byte(g>>8), byte(r>>8), 0)
			}
		}
		err := xproto.PutImageChecked(c, xproto.ImageFormatZPixmap, xproto.Drawable(win), gc,
			uint16(b.Dx()), uint16(h), 0, int16(y), 0, screen.RootDepth, data).Check()
		if err != nil {
			t.Fatal(err)
		}
	}
}

// codeCard is a white card with a QR code on it, the way a setup page shows
// one, and where the code sits on the card.
func codeCard(t testing.TB, text string, module int) (*image.RGBA, image.Rectangle) {
	card := image.NewRGBA(image.Rect(0, 0, 60*module, 60*module))
	draw.Draw(card, card.Bounds(), image.NewUniform(color.White), image.Point{}, draw.Src)
	r := drawQR(t, card, image.Pt(module, module), text, module)
	return card, r
}

// x11Env points the process at displayName as a plain X11 session.
func x11Env(t *testing.T, displayName string) {
	t.Setenv("DISPLAY", displayName)
	t.Setenv("WAYLAND_DISPLAY", "")
	t.Setenv("XDG_SESSION_TYPE", "x11")
}

func TestScanX11RealScreen(t *testing.T) {
	dpy := startXvfb(t, "4480x1440x24")
	x11Env(t, dpy)

	// Nothing shown yet: a flat black root window.
	_, err := Scan(context.Background())
	if !errors.Is(err, ErrNoQR) || !strings.Contains(err.Error(), "on 1 display, 4480×1440 px") {
		t.Fatalf("empty screen: %v; want ErrNoQR on 1 display, 4480×1440 px", err)
	}

	card, code := codeCard(t, uriRight, 5)
	at := image.Pt(4480-card.Bounds().Dx()-10, 600) // far right
	showWindow(t, dpy, at, card)
	want := code.Add(at)

	found, err := Scan(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if len(found) != 1 || found[0].Text != uriRight || found[0].Display != 0 {
		t.Fatalf("found %+v; want %s on display 0", found, uriRight)
	}
	if !near(found[0].Bounds, want, 8) {
		t.Errorf("bounds %v; want about %v", found[0].Bounds, want)
	}

	// Region: around the code, and then beside it.
	found, err = Scan(context.Background(), Region(want.Inset(-30)))
	if err != nil || len(found) != 1 || !near(found[0].Bounds, want, 8) {
		t.Errorf("region around the code: %+v, %v", found, err)
	}
	_, err = Scan(context.Background(), Region(image.Rect(0, 0, 2000, 1440)))
	if !errors.Is(err, ErrNoQR) || !strings.Contains(err.Error(), "in region 0,0 2000×1440") {
		t.Errorf("region beside the code: %v; want ErrNoQR naming the region", err)
	}
}

// setMonitors splits the X screen of dpy into monitors with RandR 1.5, as a
// desk of several monitors looks to X clients: Xinerama then reports one
// screen per monitor, in this order, the first primary. (Xvfb cannot place
// real screens side by side; monitors on one root window are what a
// multi-head X server shows clients anyway.) X has no negative coordinates
// and no per-monitor scale: those are the fake-display tests' job.
func setMonitors(t *testing.T, dpy string, rects ...image.Rectangle) {
	t.Helper()
	c, err := xgb.NewConnDisplay(dpy)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if err := randr.Init(c); err != nil {
		t.Fatal(err)
	}
	if _, err := randr.QueryVersion(c, 1, 5).Reply(); err != nil {
		t.Fatal(err)
	}
	root := xproto.Setup(c).DefaultScreen(c).Root
	res, err := randr.GetScreenResources(c, root).Reply()
	if err != nil {
		t.Fatal(err)
	}
	for i, r := range rects {
		name := fmt.Sprintf("DESKAUTH-%d", i)
		atom, err := xproto.InternAtom(c, false, uint16(len(name)), name).Reply()
		if err != nil {
			t.Fatal(err)
		}
		m := randr.MonitorInfo{Name: atom.Atom, Primary: i == 0, X: int16(r.Min.X), Y: int16(r.Min.Y),
			Width: uint16(r.Dx()), Height: uint16(r.Dy()), WidthInMillimeters: uint32(r.Dx() / 4), HeightInMillimeters: uint32(r.Dy() / 4)}
		if i == 0 {
			// The first takes the screen's output, which retires the
			// automatic monitor covering the whole root window.
			m.NOutput, m.Outputs = uint16(len(res.Outputs)), res.Outputs
		}
		if err := randr.SetMonitorChecked(c, root, m).Check(); err != nil {
			t.Fatalf("SetMonitor %v: %v", r, err)
		}
	}
}

func TestScanX11Monitors(t *testing.T) {
	dpy := startXvfb(t, "4480x1440x24")
	x11Env(t, dpy)
	right := image.Rect(1920, 0, 4480, 1440) // primary, a 1440p monitor
	left := image.Rect(0, 360, 1920, 1440)   // a 1080p monitor, lower down
	setMonitors(t, dpy, right, left, left)   // and a projector mirroring the left one

	x := &x11Screen{}
	ds, err := x.displays(context.Background())
	x.Close()
	if err != nil || len(ds) != 3 || ds[0].bounds != right || ds[1].bounds != left || ds[2].bounds != left {
		t.Fatalf("displays = %+v, %v; want the three monitors", ds, err)
	}

	cardL, codeL := codeCard(t, uriLeft, 4)
	cardR, codeR := codeCard(t, uriRight, 5)
	cardOff, _ := codeCard(t, uriBottom, 4)
	atL, atR := image.Pt(300, 900), image.Pt(3900, 100)
	showWindow(t, dpy, atL, cardL)
	showWindow(t, dpy, atR, cardR)
	// Above the left monitor: inside the root window, on no monitor.
	showWindow(t, dpy, image.Pt(100, 20), cardOff)

	found, err := Scan(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if len(found) != 2 {
		t.Fatalf("found %+v; want the left code then the right one, and nothing off the monitors", found)
	}
	if found[0].Text != uriLeft || found[0].Display != 1 || !near(found[0].Bounds, codeL.Add(atL), 8) {
		t.Errorf("first: %+v; want %s on display 1 at %v", found[0], uriLeft, codeL.Add(atL))
	}
	if found[1].Text != uriRight || found[1].Display != 0 || !near(found[1].Bounds, codeR.Add(atR), 8) {
		t.Errorf("second: %+v; want %s on display 0 at %v", found[1], uriRight, codeR.Add(atR))
	}

	_, err = Scan(context.Background(), Region(image.Rect(0, 0, 1000, 300)))
	if !errors.Is(err, ErrNoDisplay) || !strings.Contains(err.Error(), "outside every display (displays: 0,360 1920×1080, 1920,0 2560×1440)") {
		t.Errorf("region on no monitor: %v; want ErrNoDisplay listing the monitors", err)
	}
	found, err = Scan(context.Background(), Region(image.Rect(200, 0, 4480, 880)))
	if err != nil || len(found) != 1 || found[0].Text != uriRight {
		t.Errorf("region over both monitors, above the left code: %+v, %v; want only %s", found, err, uriRight)
	}
}

func TestScanNoDisplay(t *testing.T) {
	t.Setenv("WAYLAND_DISPLAY", "")
	t.Setenv("XDG_SESSION_TYPE", "")
	t.Setenv("DISPLAY", "")
	_, err := Scan(context.Background())
	if !errors.Is(err, ErrNoDisplay) || !strings.Contains(err.Error(), "DISPLAY") {
		t.Errorf("no DISPLAY: %v; want ErrNoDisplay mentioning DISPLAY", err)
	}
	t.Setenv("DISPLAY", ":4097")
	_, err = Scan(context.Background())
	if !errors.Is(err, ErrNoDisplay) || !strings.Contains(err.Error(), `cannot open X display ":4097"`) {
		t.Errorf("unreachable DISPLAY: %v; want ErrNoDisplay naming it", err)
	}
}

// BenchmarkGrabX11 is the capture half of BenchmarkScanLive: one 3840×2160
// frame read from the X server and converted to RGBA, through MIT-SHM (the
// default) and through the socket (the fallback).
func BenchmarkGrabX11(b *testing.B) {
	dpy := startXvfb(b, "3840x2160x24")
	b.Setenv("DISPLAY", dpy)
	for _, c := range []struct {
		name  string
		noSHM bool
	}{{"shm", false}, {"socket", true}} {
		b.Run(c.name, func(b *testing.B) {
			x := &x11Screen{noSHM: c.noSHM}
			defer x.Close()
			ds, err := x.displays(context.Background())
			if err != nil || len(ds) != 1 {
				b.Fatalf("displays = %v, %v", ds, err)
			}
			for i := 0; i < b.N; i++ {
				if _, err := x.grab(context.Background(), ds[0], ds[0].bounds); err != nil {
					b.Fatal(err)
				}
			}
			if (x.shm != nil) == c.noSHM {
				b.Fatalf("shared memory used: %v", x.shm != nil)
			}
		})
	}
}

func TestGrabX11SharedMemoryMatchesSocket(t *testing.T) {
	dpy := startXvfb(t, "1600x900x24")
	x11Env(t, dpy)
	card, _ := codeCard(t, uriMain1, 3)
	showWindow(t, dpy, image.Pt(1234, 567), card)
	ctx := context.Background()
	viaSHM := &x11Screen{}
	defer viaSHM.Close()
	viaSocket := &x11Screen{noSHM: true}
	defer viaSocket.Close()
	// A part of the screen, then all of it: the segment grows.
	for _, r := range []image.Rectangle{image.Rect(1001, 333, 1599, 899), image.Rect(0, 0, 1600, 900)} {
		a, err := viaSHM.grab(ctx, display{}, r)
		if err != nil {
			t.Fatal(err)
		}
		if viaSHM.shm == nil || viaSHM.noSHM {
			t.Fatal("MIT-SHM was not used on a local Xvfb")
		}
		b, err := viaSocket.grab(ctx, display{}, r)
		if err != nil {
			t.Fatal(err)
		}
		pa, pb := a.(*image.RGBA), b.(*image.RGBA)
		if pa.Rect != pb.Rect || !bytes.Equal(pa.Pix, pb.Pix) {
			t.Fatalf("grab %v: shared memory and socket frames differ", r)
		}
		if uniform(pa) {
			t.Fatalf("grab %v: a flat frame; the window is not in it", r)
		}
		codes, err := Decode(pa)
		if err != nil || len(codes) != 1 || codes[0].Text != uriMain1 {
			t.Fatalf("grab %v: Decode = %+v, %v", r, codes, err)
		}
	}
}

// BenchmarkScanLive is a live capture and decode of a 3840×2160 X screen
// with one otpauth code at 4 px per module among other windows. Target:
// 250 ms per scan.
func BenchmarkScanLive(b *testing.B) {
	dpy := startXvfb(b, "3840x2160x24")
	b.Setenv("DISPLAY", dpy)
	b.Setenv("WAYLAND_DISPLAY", "")
	b.Setenv("XDG_SESSION_TYPE", "x11")
	// Busy surroundings: grey panels with text-like stripes.
	busy := image.NewRGBA(image.Rect(0, 0, 1800, 1000))
	for y := 0; y < 1000; y++ {
		for x := 0; x < 1800; x++ {
			v := uint8(230)
			if y%24 < 12 && (x/7+y/24)%5 != 0 {
				v = 40
			}
			busy.SetRGBA(x, y, color.RGBA{v, v, v, 255})
		}
	}
	showWindow(b, dpy, image.Pt(100, 100), busy)
	showWindow(b, dpy, image.Pt(1950, 1100), busy)
	card, _ := codeCard(b, uriMain1, 4)
	showWindow(b, dpy, image.Pt(2900, 300), card)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		found, err := Scan(context.Background())
		if err != nil || len(found) != 1 || found[0].Text != uriMain1 {
			b.Fatalf("Scan = %+v, %v", found, err)
		}
	}
}
