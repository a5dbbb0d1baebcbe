//go:build !linux && !windows && !darwin

package capture

import (
	"errors"
	"fmt"
	"runtime"
)

const noQRHint = ""

func systemScreens() ([]screen, error) {
	return nil, fmt.Errorf("%w: screen capture on %s; scan an image file or the clipboard instead", errors.ErrUnsupported, runtime.GOOS)
}
