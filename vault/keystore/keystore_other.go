//go:build !linux && !darwin && !windows

package keystore

import (
	"errors"
	"fmt"
	"runtime"
)

func platformStore() (Store, error) {
	return nil, fmt.Errorf("%w: %w on %s; protect the vault with a password instead", ErrUnavailable, errors.ErrUnsupported, runtime.GOOS)
}
