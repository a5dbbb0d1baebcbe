package capture

import (
	"context"
	"errors"
	"fmt"
	"image"
	"io"
	"strings"
)

// ErrNoDisplay means there is no screen to capture: no X display (DISPLAY
// unset or unreachable), no active monitor, or a region that covers none.
var ErrNoDisplay = errors.New("no display to capture")

// ErrPermission means the system refused to let DeskAuth see the screen. On
// macOS the message says where to grant Screen Recording.
var ErrPermission = errors.New("screen capture not permitted")

// Found is one QR code seen on screen.
type Found struct {
	// Text is the payload, exactly as encoded.
	Text string
	// Display is the index of the display the code was seen on, as the
	// system numbers them (0 is the primary).
	Display int
	// Bounds encloses the code in virtual-desktop coordinates: the origin is
	// the primary display's top-left corner, and displays left of or above
	// it have negative coordinates. The unit is the one the system lays
	// displays out in: physical pixels on Windows (Scan makes the process
	// per-monitor DPI aware) and X11, points on macOS. Through the Wayland
	// screenshot portal, which does not say where monitors are, it is a
	// pixel of the portal's whole-desktop picture.
	Bounds image.Rectangle
}

// Option changes what Scan looks at.
type Option func(*options)

type options struct {
	region *image.Rectangle
}

// Region makes Scan look only at r, in virtual-desktop coordinates, instead of
// at every whole display: for privacy, or to pick one of several codes. The
// parts of r outside every display are ignored.
func Region(r image.Rectangle) Option {
	return func(o *options) {
		r := r.Canon()
		o.region = &r
	}
}

// Scan captures every active display (or the region given with Region) and
// returns every distinct QR payload found, in screen order: displays left to
// right then top to bottom, and codes in reading order on each. It returns
// ErrNoQR, wrapped with what was looked at ("3 displays, 7680×2160 px"), when
// there is none; ErrNoDisplay when there is no screen; ErrPermission when the
// system forbids capture; errors.ErrUnsupported where this build cannot
// capture (macOS without cgo, other systems). Between displays it stops early
// when ctx is done.
//
// On Linux under Wayland, where X11 clients see other windows as black, Scan
// falls back to the xdg-desktop-portal Screenshot interface, which may ask
// the user for permission.
func Scan(ctx context.Context, opts ...Option) (found []Found, err error) {
	// The capture libraries talk to X servers, GDI and D-Bus peers; a
	// surprise from any of them must reach the user as an error, not a crash.
	defer func() {
		if p := recover(); p != nil {
			found, err = nil, fmt.Errorf("screen capture failed: %v", p)
		}
	}()
	var o options
	for _, opt := range opts {
		opt(&o)
	}
	screens, err := systemScreens()
	for _, s := range screens {
		if c, ok := s.(io.Closer); ok {
			defer c.Close()
		}
	}
	if err != nil {
		return nil, err
	}
	return scanScreens(ctx, screens, o)
}

// screen is a way to see the desktop: X11, GDI, CoreGraphics, or the
// Wayland screenshot portal. The platform files provide them through
// systemScreens, in the order to try.
type screen interface {
	// name says which way this is, for error messages ("X11").
	name() string
	// displays lists the active displays.
	displays(ctx context.Context) ([]display, error)
	// grab captures r, in virtual-desktop coordinates, which lies inside d.
	// The image may have more or fewer pixels than r has points.
	grab(ctx context.Context, d display, r image.Rectangle) (image.Image, error)
}

// scanScreens tries each screen in turn until one shows a QR code. A later
// screen is a fallback (the Wayland portal after X11): it is asked only when
// the earlier ones failed or saw nothing.
func scanScreens(ctx context.Context, screens []screen, o options) ([]Found, error) {
	var errs []error
	for _, s := range screens {
		found, err := scanScreen(ctx, s, o)
		if err == nil {
			return found, nil
		}
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		errs = append(errs, err)
	}
	switch len(errs) {
	case 0:
		return nil, fmt.Errorf("%w: no way to capture the screen on this system", ErrNoDisplay)
	case 1:
		return nil, errs[0]
	}
	// The fallback's failure is what the user can act on; what the earlier
	// screens saw is context.
	last := len(errs) - 1
	var before []string
	for i, err := range errs[:last] {
		before = append(before, fmt.Sprintf("%s: %v", screens[i].name(), err))
	}
	return nil, fmt.Errorf("%s: %w (before that, %s)", screens[last].name(), errs[last], strings.Join(before, "; "))
}

// scanScreen grabs and decodes every planned part of one screen.
func scanScreen(ctx context.Context, s screen, o options) ([]Found, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	ds, err := s.displays(ctx)
	if err != nil {
		return nil, err
	}
	shots, err := plan(ds, o.region)
	if err != nil {
		return nil, err
	}
	var found []Found
	var grabErr error
	blankShots := 0
	for _, sh := range shots {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		img, err := s.grab(ctx, sh.display, sh.rect)
		if err != nil {
			if errors.Is(err, ErrPermission) || errors.Is(err, ErrNoDisplay) || ctx.Err() != nil {
				return nil, err
			}
			if grabErr == nil {
				grabErr = fmt.Errorf("display %d: %w", sh.display.index, err)
			}
			continue
		}
		if uniform(img) {
			blankShots++
			continue
		}
		codes, err := DecodeContext(ctx, img)
		if err != nil {
			if errors.Is(err, ErrNoQR) {
				continue
			}
			return nil, fmt.Errorf("display %d: %w", sh.display.index, err)
		}
		for _, c := range codes {
			found = append(found, Found{
				Text:    c.Text,
				Display: sh.display.index,
				Bounds:  toVirtual(c.Bounds, img.Bounds(), sh.rect),
			})
		}
	}
	if len(found) > 0 {
		return distinct(found, func(f Found) string { return f.Text }), nil
	}
	if grabErr != nil {
		return nil, grabErr
	}
	what := describeShots(shots, o.region)
	if blankShots == len(shots) {
		return nil, fmt.Errorf("%w %s: the capture was blank%s", ErrNoQR, what, noQRHint)
	}
	return nil, fmt.Errorf("%w %s%s", ErrNoQR, what, noQRHint)
}

// uniform reports whether img is one flat colour, sampled on a coarse grid:
// what X11 returns under Wayland, or a locked screen. Decoding it is a waste
// and "no QR code" would mislead.
func uniform(img image.Image) bool {
	b := img.Bounds()
	if b.Empty() {
		return true
	}
	step := 7 // odd, so a regular pattern of even period does not alias to flat
	if m, ok := img.(*image.RGBA); ok {
		first := m.Pix[:3:3]
		for y := 0; y < b.Dy(); y += step {
			row := m.Pix[y*m.Stride : y*m.Stride+4*b.Dx()]
			for x := 0; x < len(row); x += 4 * step {
				if row[x] != first[0] || row[x+1] != first[1] || row[x+2] != first[2] {
					return false
				}
			}
		}
		return true
	}
	first := img.At(b.Min.X, b.Min.Y)
	r0, g0, b0, _ := first.RGBA()
	for y := b.Min.Y; y < b.Max.Y; y += step {
		for x := b.Min.X; x < b.Max.X; x += step {
			r, g, bl, _ := img.At(x, y).RGBA()
			if r != r0 || g != g0 || bl != b0 {
				return false
			}
		}
	}
	return true
}
