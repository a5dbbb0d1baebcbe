//go:build !windows

package transfer

// dpapiUnprotect is only possible on Windows.
func dpapiUnprotect([]byte) ([]byte, error) { return nil, ErrNeedsWindows }
