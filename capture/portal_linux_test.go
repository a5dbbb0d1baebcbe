package capture

import (
	"context"
	"errors"
	"image"
	"image/color"
	"image/draw"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/godbus/dbus/v5"

	"github.com/deskauth/deskauth/internal/testenv"
)

func TestParseResponse(t *testing.T) {
	ok := map[string]dbus.Variant{"uri": dbus.MakeVariant("file:///tmp/Screenshot.png")}
	for _, c := range []struct {
		name    string
		body    []any
		uri     string
		is      error
		message string
	}{
		{"success", []any{uint32(0), ok}, "file:///tmp/Screenshot.png", nil, ""},
		{"cancelled", []any{uint32(1), map[string]dbus.Variant{}}, "", ErrPermission, "cancelled"},
		{"refused", []any{uint32(2), map[string]dbus.Variant{}}, "", ErrPermission, "refused"},
		{"no uri", []any{uint32(0), map[string]dbus.Variant{}}, "", nil, "has no uri"},
		{"uri not a string", []any{uint32(0), map[string]dbus.Variant{"uri": dbus.MakeVariant(uint32(7))}}, "", nil, "not a string"},
		{"code not a uint32", []any{"0", ok}, "", nil, "malformed"},
		{"results not a map", []any{uint32(0), "uri"}, "", nil, "malformed"},
		{"too short", []any{uint32(0)}, "", nil, "malformed"},
		{"empty", nil, "", nil, "malformed"},
	} {
		t.Run(c.name, func(t *testing.T) {
			uri, err := parseResponse(c.body)
			if c.uri != "" {
				if err != nil || uri != c.uri {
					t.Fatalf("parseResponse = %q, %v; want %q", uri, err, c.uri)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), c.message) || (c.is != nil && !errors.Is(err, c.is)) {
				t.Errorf("parseResponse = %q, %v; want an error about %q", uri, err, c.message)
			}
		})
	}
}

func TestAwaitResponseIgnoresOtherSignals(t *testing.T) {
	mine := dbus.ObjectPath("/org/freedesktop/portal/desktop/request/1_42/deskauth_x")
	signals := make(chan *dbus.Signal, 4)
	signals <- &dbus.Signal{Path: "/org/freedesktop/portal/desktop/request/1_42/other", Name: requestResponse,
		Body: []any{uint32(0), map[string]dbus.Variant{"uri": dbus.MakeVariant("file:///tmp/not-mine.png")}}}
	signals <- &dbus.Signal{Path: mine, Name: "org.freedesktop.DBus.Properties.PropertiesChanged"}
	signals <- &dbus.Signal{Path: mine, Name: requestResponse,
		Body: []any{uint32(0), map[string]dbus.Variant{"uri": dbus.MakeVariant("file:///tmp/mine.png")}}}
	uri, err := awaitResponse(context.Background(), signals, func(p dbus.ObjectPath) bool { return p == mine })
	if err != nil || uri != "file:///tmp/mine.png" {
		t.Fatalf("awaitResponse = %q, %v", uri, err)
	}

	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer cancel()
	if _, err := awaitResponse(ctx, make(chan *dbus.Signal), func(dbus.ObjectPath) bool { return true }); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("no answer: %v; want the context's error", err)
	}
	closed := make(chan *dbus.Signal)
	close(closed)
	if _, err := awaitResponse(context.Background(), closed, func(dbus.ObjectPath) bool { return true }); err == nil || !strings.Contains(err.Error(), "closed") {
		t.Errorf("closed connection: %v", err)
	}
}

func TestRequestPath(t *testing.T) {
	if got := requestPath([]string{":1.42"}, "deskauth_ab"); got != "/org/freedesktop/portal/desktop/request/1_42/deskauth_ab" {
		t.Errorf("requestPath = %q", got)
	}
}

func TestIsTempPath(t *testing.T) {
	t.Setenv("XDG_RUNTIME_DIR", "/run/user/1000")
	for path, want := range map[string]bool{
		filepath.Join(os.TempDir(), "Screenshot.png"): true,
		"/tmp/x/Screenshot.png":                       true,
		"/var/tmp/Screenshot.png":                     true,
		"/run/user/1000/doc/Screenshot.png":           true,
		"/home/alice/Pictures/Screenshot.png":         false,
		"/tmp":                                        false,
		"/tmpfoo/Screenshot.png":                      false,
	} {
		if got := isTempPath(path); got != want {
			t.Errorf("isTempPath(%q) = %v, want %v", path, got, want)
		}
	}
}

// fakePortal is a tiny xdg-desktop-portal with only the Screenshot method,
// exported on a real bus. It writes shot to a PNG in dir and answers with
// response code, the way the real portal does: the call returns the Request
// path, and the Response signal follows on that path.
type fakePortal struct {
	conn *dbus.Conn
	dir  string
	shot image.Image

	mu    sync.Mutex // the bus calls Screenshot on its own goroutine
	code  uint32
	calls []map[string]dbus.Variant
	files []string
}

func (p *fakePortal) setCode(c uint32) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.code = c
}

func (p *fakePortal) record() ([]map[string]dbus.Variant, []string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]map[string]dbus.Variant(nil), p.calls...), append([]string(nil), p.files...)
}

func (p *fakePortal) Screenshot(sender dbus.Sender, parent string, opts map[string]dbus.Variant) (dbus.ObjectPath, *dbus.Error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.calls = append(p.calls, opts)
	token, _ := opts["handle_token"].Value().(string)
	path := requestPath([]string{string(sender)}, token)
	file := filepath.Join(p.dir, "Screenshot.png")
	f, err := os.Create(file)
	if err != nil {
		return "", dbus.MakeFailedError(err)
	}
	png.Encode(f, p.shot)
	f.Close()
	p.files = append(p.files, file)
	code := p.code
	go func() {
		time.Sleep(30 * time.Millisecond)
		p.conn.Emit(path, requestResponse, code, map[string]dbus.Variant{"uri": dbus.MakeVariant("file://" + file)})
	}()
	return path, nil
}

func startFakePortal(t *testing.T, addr string, shot image.Image, code uint32) *fakePortal {
	t.Helper()
	conn, err := dbus.Connect(addr)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	p := &fakePortal{conn: conn, dir: t.TempDir(), shot: shot, code: code}
	if err := conn.ExportMethodTable(map[string]any{"Screenshot": p.Screenshot}, portalPath, "org.freedesktop.portal.Screenshot"); err != nil {
		t.Fatal(err)
	}
	if reply, err := conn.RequestName(portalBus, dbus.NameFlagDoNotQueue); err != nil || reply != dbus.RequestNameReplyPrimaryOwner {
		t.Fatalf("RequestName = %v, %v", reply, err)
	}
	return p
}

// desktopShot is a 2560×1440 screenshot with one code on a grey desktop.
func desktopShot(t *testing.T, text string) (*image.RGBA, image.Rectangle) {
	img := image.NewRGBA(image.Rect(0, 0, 2560, 1440))
	draw.Draw(img, img.Bounds(), image.NewUniform(color.RGBA{90, 100, 110, 255}), image.Point{}, draw.Src)
	return img, drawQR(t, img, image.Pt(2000, 900), text, 5)
}

func TestPortalOnRealBus(t *testing.T) {
	addr := testenv.SessionBus(t)
	connect := func() (*dbus.Conn, error) { return dbus.Connect(addr) }

	// No portal on the bus: say what to install.
	_, err := (&portalScreen{connect: connect}).displays(context.Background())
	if !errors.Is(err, ErrNoDisplay) || !strings.Contains(err.Error(), "xdg-desktop-portal is not running") {
		t.Fatalf("no portal: %v", err)
	}

	shot, code := desktopShot(t, uriMain2)
	portal := startFakePortal(t, addr, shot, 0)
	r := code.Inset(-20)
	found, err := scanScreens(context.Background(), []screen{&portalScreen{connect: connect}}, options{region: &r})
	if err != nil {
		t.Fatal(err)
	}
	if len(found) != 1 || found[0].Text != uriMain2 || !near(found[0].Bounds, code, 8) {
		t.Fatalf("found %+v; want %s at %v", found, uriMain2, code)
	}
	calls, files := portal.record()
	if len(calls) != 1 {
		t.Fatalf("%d portal calls; want 1 (the screenshot is taken once per scan)", len(calls))
	}
	if v, _ := calls[0]["interactive"].Value().(bool); v {
		t.Error("asked for an interactive screenshot")
	}
	if _, err := os.Stat(files[0]); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("the screenshot in a temporary directory was not deleted: %v", err)
	}

	// The user says no.
	portal.setCode(1)
	_, err = (&portalScreen{connect: connect}).displays(context.Background())
	if !errors.Is(err, ErrPermission) || !strings.Contains(err.Error(), "cancelled") {
		t.Errorf("cancelled: %v", err)
	}
}

// TestScanWaylandFallsBackToPortal runs Scan as under a Wayland session:
// XWayland's X11 screen is black, and the portal on the session bus shows
// the code.
func TestScanWaylandFallsBackToPortal(t *testing.T) {
	dpy := startXvfb(t, "1280x720x24")
	addr := testenv.SessionBus(t)
	shot, code := desktopShot(t, uriLeft)
	startFakePortal(t, addr, shot, 0)
	t.Setenv("DISPLAY", dpy)
	t.Setenv("WAYLAND_DISPLAY", "wayland-0")
	t.Setenv("XDG_SESSION_TYPE", "wayland")
	t.Setenv("DBUS_SESSION_BUS_ADDRESS", addr)

	found, err := Scan(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if len(found) != 1 || found[0].Text != uriLeft || !near(found[0].Bounds, code, 8) {
		t.Fatalf("found %+v; want %s at %v", found, uriLeft, code)
	}

	// No XWayland at all: the portal alone.
	t.Setenv("DISPLAY", "")
	found, err = Scan(context.Background())
	if err != nil || len(found) != 1 || found[0].Text != uriLeft {
		t.Fatalf("portal alone: %+v, %v", found, err)
	}

	// No portal either: say what to install.
	t.Setenv("DBUS_SESSION_BUS_ADDRESS", testenv.SessionBus(t))
	_, err = Scan(context.Background())
	if !errors.Is(err, ErrNoDisplay) || !strings.Contains(err.Error(), "install xdg-desktop-portal") {
		t.Errorf("Wayland without a portal: %v", err)
	}
}
