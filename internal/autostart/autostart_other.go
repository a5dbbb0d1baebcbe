//go:build !linux && !darwin && !windows

package autostart

import (
	"errors"
	"fmt"
)

var errUnsupported = fmt.Errorf("autostart: not supported on this OS: %w", errors.ErrUnsupported)

func enable(string, []string) error { return errUnsupported }
func disable() error                { return errUnsupported }
func enabled() (bool, error)        { return false, errUnsupported }
