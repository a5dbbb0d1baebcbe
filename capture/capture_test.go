package capture

import (
	"context"
	"errors"
	"fmt"
	"image"
	"image/color"
	"math"
	"strings"
	"testing"

	"github.com/deskauth/deskauth/internal/testenv"
)

// drawQR paints text as a QR code (gozxing's encoder, level M) with module
// pixels per module and a four-module quiet zone, its top-left quiet-zone
// corner at p, and returns the rectangle of the code itself (quiet zone
// excluded).
func drawQR(t testing.TB, dst *image.RGBA, p image.Point, text string, module int) image.Rectangle {
	t.Helper()
	quiet := 4 * module
	return testenv.PaintQR(dst, testenv.QRModules(t, text, "M"), p.X+quiet, p.Y+quiet, float64(module), black, white)
}

// fakeDisplay is a monitor with its own framebuffer: bounds in virtual
// points, scale pixels per point, like a Retina Mac or a 150 % Windows
// monitor.
type fakeDisplay struct {
	display
	scale float64
	fb    *image.RGBA
}

func newFakeDisplay(index int, bounds image.Rectangle, scale float64) *fakeDisplay {
	w := int(math.Round(float64(bounds.Dx()) * scale))
	h := int(math.Round(float64(bounds.Dy()) * scale))
	fb := image.NewRGBA(image.Rect(0, 0, w, h))
	// A busy but code-free desktop: grey bands, so frames are never blank.
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			v := uint8(180 + (x/97+y/53)%3*20)
			fb.SetRGBA(x, y, color.RGBA{v, v, v, 255})
		}
	}
	return &fakeDisplay{display: display{index: index, bounds: bounds}, scale: scale, fb: fb}
}

// show draws a code at pixel position p of the display and returns where it
// should be reported, in virtual points.
func (d *fakeDisplay) show(t *testing.T, p image.Point, text string, module int) image.Rectangle {
	px := drawQR(t, d.fb, p, text, module)
	return image.Rect(
		d.bounds.Min.X+int(math.Floor(float64(px.Min.X)/d.scale)),
		d.bounds.Min.Y+int(math.Floor(float64(px.Min.Y)/d.scale)),
		d.bounds.Min.X+int(math.Ceil(float64(px.Max.X)/d.scale)),
		d.bounds.Min.Y+int(math.Ceil(float64(px.Max.Y)/d.scale)),
	)
}

// fakeScreen is a desktop of fake displays. It records what was grabbed and
// can fail or cancel on demand.
type fakeScreen struct {
	label    string
	ds       []*fakeDisplay
	listErr  error
	grabErr  map[int]error
	onGrab   func(d display)
	grabbed  []image.Rectangle
	blankAll bool
}

func (f *fakeScreen) name() string { return f.label }

func (f *fakeScreen) displays(ctx context.Context) ([]display, error) {
	if f.listErr != nil {
		return nil, f.listErr
	}
	var out []display
	for _, d := range f.ds {
		out = append(out, d.display)
	}
	return out, nil
}

func (f *fakeScreen) grab(ctx context.Context, d display, r image.Rectangle) (image.Image, error) {
	f.grabbed = append(f.grabbed, r)
	if f.onGrab != nil {
		f.onGrab(d)
	}
	if err := f.grabErr[d.index]; err != nil {
		return nil, err
	}
	for _, fd := range f.ds {
		if fd.display != d {
			continue
		}
		if !r.In(d.bounds) {
			return nil, fmt.Errorf("grab %v outside display %v", r, d.bounds)
		}
		if f.blankAll {
			return image.NewRGBA(image.Rect(0, 0, r.Dx(), r.Dy())), nil
		}
		rel := r.Sub(d.bounds.Min)
		px := image.Rect(
			int(math.Floor(float64(rel.Min.X)*fd.scale)), int(math.Floor(float64(rel.Min.Y)*fd.scale)),
			int(math.Ceil(float64(rel.Max.X)*fd.scale)), int(math.Ceil(float64(rel.Max.Y)*fd.scale)))
		// A sub-image keeps its offset bounds: Scan must not assume (0,0).
		return fd.fb.SubImage(px), nil
	}
	return nil, fmt.Errorf("no display %d", d.index)
}

const (
	uriLeft   = "otpauth://totp/Left:alice?secret=JBSWY3DPEHPK3PXP&issuer=Left"
	uriMain1  = "otpauth://totp/Main:bob?secret=GEZDGNBVGY3TQOJQ&issuer=Main"
	uriMain2  = "otpauth://totp/Main:carol?secret=MFRGGZDFMZTWQ2LK&issuer=Main"
	uriRight  = "otpauth://totp/Right:dave?secret=ONSWG4TFOQYTEMZU&issuer=Right"
	uriBottom = "https://example.com/not-an-account"
)

// desk is a three-monitor desk: a 1080p monitor left of and above the
// primary (negative origin), a 2560×1440-point primary at 150 % (3840×2160
// pixels), and a 1280×1024-point Retina-style monitor at 200 % to the right,
// lower down. Display indices follow the system's order, not the layout's.
type desk struct {
	screen            *fakeScreen
	left, main, right *fakeDisplay
	wantLeft, wantM1  image.Rectangle
	wantM2, wantRight image.Rectangle
}

func newDesk(t *testing.T) *desk {
	d := &desk{
		main:  newFakeDisplay(0, image.Rect(0, 0, 2560, 1440), 1.5),
		right: newFakeDisplay(1, image.Rect(2560, 200, 3840, 1224), 2),
		left:  newFakeDisplay(2, image.Rect(-1920, -300, 0, 780), 1),
	}
	d.wantLeft = d.left.show(t, image.Pt(1500, 50), uriLeft, 4)
	d.wantM2 = d.main.show(t, image.Pt(2400, 1500), uriMain2, 5)
	d.wantM1 = d.main.show(t, image.Pt(300, 200), uriMain1, 6)
	d.wantRight = d.right.show(t, image.Pt(2200, 1700), uriRight, 8)
	d.screen = &fakeScreen{label: "fake", ds: []*fakeDisplay{d.main, d.right, d.left}}
	return d
}

// near reports whether got covers want, give or take slack points on each
// side (the detector finds module centres, not edges).
func near(got, want image.Rectangle, slack int) bool {
	in := want.Inset(slack)
	out := want.Inset(-slack)
	return in.In(got) && got.In(out)
}

func TestScanOrdersDisplaysAndMapsToVirtualDesktop(t *testing.T) {
	d := newDesk(t)
	found, err := scanScreens(context.Background(), []screen{d.screen}, options{})
	if err != nil {
		t.Fatal(err)
	}
	want := []struct {
		text    string
		display int
		bounds  image.Rectangle
	}{
		{uriLeft, 2, d.wantLeft},
		{uriMain1, 0, d.wantM1},
		{uriMain2, 0, d.wantM2},
		{uriRight, 1, d.wantRight},
	}
	if len(found) != len(want) {
		t.Fatalf("found %d codes, want %d: %+v", len(found), len(want), found)
	}
	for i, w := range want {
		f := found[i]
		if f.Text != w.text || f.Display != w.display {
			t.Errorf("found[%d] = %q on display %d, want %q on display %d", i, f.Text, f.Display, w.text, w.display)
		}
		// Slack: a module and a half at the display's scale.
		if !near(f.Bounds, w.bounds, 12) {
			t.Errorf("found[%d] %q at %v, want about %v (virtual desktop)", i, f.Text, f.Bounds, w.bounds)
		}
	}
	if d.wantLeft.Min.X >= 0 || d.wantLeft.Min.Y >= 0 {
		t.Fatalf("test layout broken: left code at %v should have negative coordinates", d.wantLeft)
	}
}

func TestScanSkipsMirrorsAndDeduplicatesOverlaps(t *testing.T) {
	d := newDesk(t)
	// A projector mirroring the left monitor (same bounds), and a clone
	// overlapping the primary at a different resolution that shows the same
	// code as the primary.
	mirror := newFakeDisplay(3, d.left.bounds, 1)
	mirror.fb = d.left.fb
	clone := newFakeDisplay(4, image.Rect(0, 0, 1280, 720), 1)
	clone.show(t, image.Pt(150, 100), uriMain1, 3)
	d.screen.ds = append(d.screen.ds, mirror, clone)

	found, err := scanScreens(context.Background(), []screen{d.screen}, options{})
	if err != nil {
		t.Fatal(err)
	}
	var texts []string
	for _, f := range found {
		texts = append(texts, f.Text)
	}
	if got, want := strings.Join(texts, "\n"), strings.Join([]string{uriLeft, uriMain1, uriMain2, uriRight}, "\n"); got != want {
		t.Errorf("payloads:\n%s\nwant:\n%s", got, want)
	}
	if len(d.screen.grabbed) != 4 {
		t.Errorf("grabbed %d rectangles %v; want 4 (the mirror skipped, the clone grabbed)", len(d.screen.grabbed), d.screen.grabbed)
	}
	for _, f := range found {
		if f.Text == uriMain1 && f.Display != 0 {
			t.Errorf("%s reported on display %d; want 0, where it comes first in screen order", f.Text, f.Display)
		}
	}
}

func TestScanRegion(t *testing.T) {
	d := newDesk(t)
	// Around the primary's second code only: 2400,1500 px at 150 % is
	// 1600,1000 in points.
	r := d.wantM2.Inset(-40)
	found, err := scanScreens(context.Background(), []screen{d.screen}, options{region: &r})
	if err != nil {
		t.Fatal(err)
	}
	if len(found) != 1 || found[0].Text != uriMain2 || !near(found[0].Bounds, d.wantM2, 12) {
		t.Fatalf("region %v found %+v; want only %s at %v", r, found, uriMain2, d.wantM2)
	}
	if len(d.screen.grabbed) != 1 || d.screen.grabbed[0] != r {
		t.Errorf("grabbed %v; want only the region %v", d.screen.grabbed, r)
	}

	// A region across the left monitor and the primary is clipped into one
	// grab per display, in screen order.
	d.screen.grabbed = nil
	span := image.Rect(-500, -300, 1000, 700) // left's code and the primary's first
	found, err = scanScreens(context.Background(), []screen{d.screen}, options{region: &span})
	if err != nil {
		t.Fatal(err)
	}
	if len(found) != 2 || found[0].Text != uriLeft || found[1].Text != uriMain1 {
		t.Fatalf("spanning region found %+v; want %s then %s", found, uriLeft, uriMain1)
	}
	wantGrabs := []image.Rectangle{image.Rect(-500, -300, 0, 700), image.Rect(0, 0, 1000, 700)}
	if fmt.Sprint(d.screen.grabbed) != fmt.Sprint(wantGrabs) {
		t.Errorf("grabbed %v; want %v", d.screen.grabbed, wantGrabs)
	}

	// Nothing there.
	empty := image.Rect(100, 900, 400, 1200)
	_, err = scanScreens(context.Background(), []screen{d.screen}, options{region: &empty})
	if !errors.Is(err, ErrNoQR) || !strings.Contains(err.Error(), "in region 100,900 300×300") {
		t.Errorf("empty region: %v; want ErrNoQR naming the region", err)
	}

	// Off every display (below the left monitor, left of the primary).
	off := image.Rect(-800, 900, -100, 1000)
	_, err = scanScreens(context.Background(), []screen{d.screen}, options{region: &off})
	if !errors.Is(err, ErrNoDisplay) || !strings.Contains(err.Error(), "outside every display") {
		t.Errorf("region off the displays: %v; want ErrNoDisplay", err)
	}
}

func TestScanNoQRSaysWhatWasLookedAt(t *testing.T) {
	s := &fakeScreen{label: "fake", ds: []*fakeDisplay{
		newFakeDisplay(0, image.Rect(0, 0, 2560, 1440), 1),
		newFakeDisplay(1, image.Rect(2560, 0, 5120, 1440), 1),
		newFakeDisplay(2, image.Rect(-2560, 0, 0, 1440), 1),
	}}
	_, err := scanScreens(context.Background(), []screen{s}, options{})
	if !errors.Is(err, ErrNoQR) {
		t.Fatalf("err = %v; want ErrNoQR", err)
	}
	if want := "no QR code found on 3 displays, 7680×1440 px"; !strings.HasPrefix(err.Error(), want) {
		t.Errorf("err = %q; want it to start %q", err, want)
	}
}

func TestScanStopsWhenCancelled(t *testing.T) {
	d := newDesk(t)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	d.screen.onGrab = func(display) { cancel() }
	found, err := scanScreens(ctx, []screen{d.screen}, options{})
	if !errors.Is(err, context.Canceled) || found != nil {
		t.Fatalf("Scan = %v, %v; want context.Canceled", found, err)
	}
	if len(d.screen.grabbed) != 1 {
		t.Errorf("grabbed %d displays after cancelling during the first", len(d.screen.grabbed))
	}
}

func TestScanOneDisplayFailing(t *testing.T) {
	d := newDesk(t)
	d.screen.grabErr = map[int]error{1: errors.New("BitBlt failed")}
	found, err := scanScreens(context.Background(), []screen{d.screen}, options{})
	if err != nil {
		t.Fatal(err)
	}
	if len(found) != 3 {
		t.Errorf("found %d codes with one display failing; want the other 3", len(found))
	}

	// When every display fails, the error says so and is not ErrNoQR.
	d.screen.grabErr = map[int]error{0: errors.New("BitBlt failed"), 1: errors.New("BitBlt failed"), 2: errors.New("BitBlt failed")}
	_, err = scanScreens(context.Background(), []screen{d.screen}, options{})
	if err == nil || errors.Is(err, ErrNoQR) || !strings.Contains(err.Error(), "BitBlt failed") {
		t.Errorf("all displays failing: %v", err)
	}

	// A permission error stops at once: the other displays would fail too.
	d.screen.grabbed = nil
	d.screen.grabErr = map[int]error{2: fmt.Errorf("%w: denied", ErrPermission)}
	_, err = scanScreens(context.Background(), []screen{d.screen}, options{})
	if !errors.Is(err, ErrPermission) || len(d.screen.grabbed) != 1 {
		t.Errorf("permission denied: %v after %d grabs; want ErrPermission after 1", err, len(d.screen.grabbed))
	}
}

func TestScanFallsBackWhenFirstScreenIsBlank(t *testing.T) {
	// Under Wayland, X11 sees black; the portal sees the code.
	x11 := newDesk(t).screen
	x11.label, x11.blankAll = "X11", true
	portalDisplay := newFakeDisplay(0, image.Rect(0, 0, 1920, 1080), 1)
	want := portalDisplay.show(t, image.Pt(800, 400), uriRight, 5)
	portal := &fakeScreen{label: "screenshot portal", ds: []*fakeDisplay{portalDisplay}}

	found, err := scanScreens(context.Background(), []screen{x11, portal}, options{})
	if err != nil {
		t.Fatal(err)
	}
	if len(found) != 1 || found[0].Text != uriRight || !near(found[0].Bounds, want, 8) {
		t.Errorf("found %+v; want %s at %v from the portal", found, uriRight, want)
	}

	// The portal is missing too: its error leads, X11's result follows.
	portal.listErr = fmt.Errorf("%w: xdg-desktop-portal is not running", ErrNoDisplay)
	_, err = scanScreens(context.Background(), []screen{x11, portal}, options{})
	if !errors.Is(err, ErrNoDisplay) || errors.Is(err, ErrNoQR) {
		t.Fatalf("err = %v; want the portal's ErrNoDisplay", err)
	}
	for _, part := range []string{"screenshot portal: ", "xdg-desktop-portal is not running", "X11: no QR code found on 3 displays", "blank"} {
		if !strings.Contains(err.Error(), part) {
			t.Errorf("err = %q; want it to mention %q", err, part)
		}
	}

	// Both see nothing: ErrNoQR.
	portal.listErr = nil
	portal.ds = []*fakeDisplay{newFakeDisplay(0, image.Rect(0, 0, 1920, 1080), 1)}
	_, err = scanScreens(context.Background(), []screen{x11, portal}, options{})
	if !errors.Is(err, ErrNoQR) {
		t.Errorf("err = %v; want ErrNoQR", err)
	}
}

func TestPlan(t *testing.T) {
	ds := []display{
		{0, image.Rect(0, 0, 1920, 1080)},
		{1, image.Rect(0, -1080, 1920, 0)},   // above the primary
		{2, image.Rect(-1280, 100, 0, 1124)}, // left
		{3, image.Rect(0, 0, 1920, 1080)},    // mirror of 0
		{4, image.Rect(1920, 0, 1920, 1080)}, // zero width: disconnected
		{5, image.Rect(1920, 0, 5760, 2160)}, // right, 4K
	}
	shots, err := plan(ds, nil)
	if err != nil {
		t.Fatal(err)
	}
	var order []int
	for _, s := range shots {
		order = append(order, s.display.index)
		if s.rect != s.display.bounds {
			t.Errorf("display %d: rect %v, want its bounds %v", s.display.index, s.rect, s.display.bounds)
		}
	}
	if fmt.Sprint(order) != "[2 1 0 5]" {
		t.Errorf("order %v, want [2 1 0 5] (left to right, then top to bottom; mirror and empty dropped)", order)
	}
	if got := describeShots(shots, nil); got != "on 4 displays, 7040×3240 px" {
		t.Errorf("describeShots = %q", got)
	}

	r := image.Rect(1800, 500, 2000, 600)
	shots, err = plan(ds, &r)
	if err != nil {
		t.Fatal(err)
	}
	if len(shots) != 2 || shots[0].rect != image.Rect(1800, 500, 1920, 600) || shots[1].rect != image.Rect(1920, 500, 2000, 600) {
		t.Errorf("region shots %+v", shots)
	}

	if _, err := plan(nil, nil); !errors.Is(err, ErrNoDisplay) {
		t.Errorf("no displays: %v, want ErrNoDisplay", err)
	}
}

func TestToVirtual(t *testing.T) {
	for _, c := range []struct {
		r, img, area, want image.Rectangle
	}{
		// 1:1, image at the origin.
		{image.Rect(10, 20, 110, 120), image.Rect(0, 0, 1920, 1080), image.Rect(-1920, 0, 0, 1080), image.Rect(-1910, 20, -1810, 120)},
		// 200 %: pixels halve into points, odd edges widen outwards.
		{image.Rect(11, 21, 111, 121), image.Rect(0, 0, 2560, 2048), image.Rect(2560, 200, 3840, 1224), image.Rect(2565, 210, 2616, 261)},
		// 150 %, image with an offset origin (a sub-image).
		{image.Rect(1030, 1060, 1330, 1360), image.Rect(1000, 1000, 4840, 3160), image.Rect(0, 0, 2560, 1440), image.Rect(20, 40, 220, 240)},
		// Clipped to the area.
		{image.Rect(-5, -5, 50, 50), image.Rect(0, 0, 100, 100), image.Rect(0, 0, 100, 100), image.Rect(0, 0, 50, 50)},
		// Fewer pixels than points (a downscaled capture).
		{image.Rect(10, 10, 20, 20), image.Rect(0, 0, 100, 100), image.Rect(-200, -200, 0, 0), image.Rect(-180, -180, -160, -160)},
	} {
		if got := toVirtual(c.r, c.img, c.area); got != c.want {
			t.Errorf("toVirtual(%v, %v, %v) = %v, want %v", c.r, c.img, c.area, got, c.want)
		}
	}
}

func TestUniform(t *testing.T) {
	black := image.NewRGBA(image.Rect(0, 0, 640, 480))
	if !uniform(black) {
		t.Error("an all-black RGBA frame is not uniform")
	}
	black.SetRGBA(637, 476, color.RGBA{255, 255, 255, 255}) // on the 7-pixel grid
	if uniform(black) {
		t.Error("a frame with a white pixel is uniform")
	}
	gray := image.NewGray(image.Rect(5, 5, 100, 100))
	if !uniform(gray) {
		t.Error("a flat grey frame is not uniform")
	}
	gray.SetGray(54, 54, color.Gray{1})
	if uniform(gray) {
		t.Error("a grey frame with a lighter pixel is uniform")
	}
}
