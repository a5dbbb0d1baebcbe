//go:build !linux && !windows && !darwin

package capture

import (
	"context"
	"errors"
	"fmt"
	"image"
	"runtime"
)

func readClipboard(ctx context.Context) (image.Image, error) {
	return nil, fmt.Errorf("%w: reading the clipboard on %s; save the image to a file and scan that instead", errors.ErrUnsupported, runtime.GOOS)
}
