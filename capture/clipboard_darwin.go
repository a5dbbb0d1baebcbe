package capture

import (
	"context"
	"errors"
	"fmt"
	"image"
	"os/exec"
	"strings"

	_ "golang.org/x/image/tiff" // what the clipboard holds after a macOS screenshot
)

// readClipboard asks AppleScript for the clipboard as PNG, then as TIFF (what
// macOS screenshots put there). osascript needs no cgo and is on every Mac.
func readClipboard(ctx context.Context) (image.Image, error) {
	var lastErr error
	for _, class := range []string{"PNGf", "TIFF"} {
		out, err := exec.CommandContext(ctx, "osascript", "-e", "the clipboard as «class "+class+"»").Output()
		if err != nil {
			if ctx.Err() != nil {
				return nil, ctx.Err()
			}
			var ee *exec.ExitError
			if errors.As(err, &ee) && strings.Contains(string(ee.Stderr), "-1700") {
				continue // "Can't make some data into the expected type": not this class
			}
			lastErr = err
			continue
		}
		data, err := parseAppleScriptData(string(out))
		if err != nil {
			return nil, err
		}
		return loadClipboardData(data)
	}
	if lastErr != nil {
		return nil, fmt.Errorf("reading the clipboard with osascript: %v", lastErr)
	}
	return nil, ErrNoImage
}
