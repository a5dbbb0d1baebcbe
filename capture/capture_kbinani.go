//go:build windows || darwin

package capture

import (
	"context"
	"errors"
	"fmt"
	"image"

	"github.com/kbinani/screenshot"
)

// kbScreen captures through kbinani/screenshot: GDI on Windows (pure Go),
// CoreGraphics or ScreenCaptureKit on macOS (cgo). Its display bounds are in
// virtual-desktop coordinates with the primary display at the origin.
type kbScreen struct{}

func (kbScreen) name() string { return screenAPI }

func (kbScreen) displays(ctx context.Context) (ds []display, err error) {
	defer recoverTo(&err)
	n := screenshot.NumActiveDisplays()
	if n <= 0 {
		if _, err := screenshot.Capture(0, 0, 1, 1); errors.Is(err, screenshot.ErrUnsupported) {
			return nil, fmt.Errorf("%w: this build of DeskAuth cannot capture the screen (%s); scan an image file or the clipboard instead",
				errors.ErrUnsupported, unsupportedWhy)
		}
		return nil, fmt.Errorf("%w: the system reports no active display", ErrNoDisplay)
	}
	for i := 0; i < n; i++ {
		ds = append(ds, display{index: i, bounds: screenshot.GetDisplayBounds(i)})
	}
	return ds, nil
}

func (kbScreen) grab(ctx context.Context, d display, r image.Rectangle) (img image.Image, err error) {
	defer recoverTo(&err)
	m, err := screenshot.CaptureRect(r)
	if err != nil {
		return nil, grabError(err)
	}
	return m, nil
}

// recoverTo turns a panic in the capture library into an error: a strange
// display configuration must not crash the app.
func recoverTo(err *error) {
	if p := recover(); p != nil {
		*err = fmt.Errorf("screen capture failed: %v", p)
	}
}
