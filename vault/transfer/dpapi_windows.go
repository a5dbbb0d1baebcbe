//go:build windows

package transfer

import (
	"fmt"
	"unsafe"

	"golang.org/x/sys/windows"
)

// dpapiUnprotect undoes CryptProtectData, for this user's or this
// machine's scope alike (the blob says which).
func dpapiUnprotect(blob []byte) ([]byte, error) {
	if len(blob) == 0 {
		return nil, malformed("the DPAPI-protected data is empty")
	}
	in := windows.DataBlob{Size: uint32(len(blob)), Data: &blob[0]}
	var out windows.DataBlob
	if err := windows.CryptUnprotectData(&in, nil, nil, 0, nil, windows.CRYPTPROTECT_UI_FORBIDDEN, &out); err != nil {
		return nil, fmt.Errorf("%w (Windows could not unprotect it: %v)", ErrNeedsWindows, err)
	}
	defer windows.LocalFree(windows.Handle(unsafe.Pointer(out.Data)))
	return append([]byte(nil), unsafe.Slice(out.Data, out.Size)...), nil
}
