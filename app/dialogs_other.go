//go:build !linux && !darwin && !windows

package app

import "errors"

func nativeOpen(string, []string) (string, error) { return "", errors.ErrUnsupported }
func nativeSave(string, string) (string, error)   { return "", errors.ErrUnsupported }
