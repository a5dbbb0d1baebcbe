//go:build !linux && !darwin && !windows

package filedialog

import "errors"

func Open(string, []string) (string, error) { return "", errors.ErrUnsupported }
func Save(string, string) (string, error)   { return "", errors.ErrUnsupported }
