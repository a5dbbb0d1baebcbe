package capture

import (
	"context"
	"errors"
	"fmt"
	"image"

	"github.com/deskauth/deskauth/internal/winclip"
)

// Standard clipboard formats. Windows synthesises CF_DIB from CF_DIBV5 and
// from a bitmap (CF_BITMAP), so a screenshot is always readable as CF_DIB.
const (
	cfDIB   = 8
	cfDIBV5 = 17
)

// readClipboard reads the "PNG" format that browsers and Office put on the
// clipboard (it keeps the exact pixels), or else the device-independent
// bitmap every Windows screenshot offers.
func readClipboard(ctx context.Context) (image.Image, error) {
	if png, err := winclip.Format("PNG"); err == nil {
		if f, data, err := winclip.Read(ctx, maxClipboardBytes, png); err == nil && f != 0 && len(data) > 0 {
			return loadClipboardData(data)
		}
	}
	f, data, err := winclip.Read(ctx, maxClipboardBytes, cfDIBV5, cfDIB)
	switch {
	case ctx.Err() != nil:
		return nil, ctx.Err()
	case errors.Is(err, winclip.ErrTooLarge):
		return nil, fmt.Errorf("%w: the clipboard holds more than %d MB", ErrImageTooLarge, maxClipboardBytes>>20)
	case errors.Is(err, winclip.ErrBusy):
		return nil, fmt.Errorf("cannot open the clipboard (another program holds it): %v", err)
	case err != nil:
		return nil, fmt.Errorf("reading the clipboard: %v", err)
	case f == 0:
		return nil, ErrNoImage
	}
	return decodeDIB(data)
}
