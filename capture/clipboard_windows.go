package capture

import (
	"context"
	"fmt"
	"image"
	"runtime"
	"time"
	"unsafe"

	"golang.org/x/sys/windows"
)

var (
	user32                         = windows.NewLazySystemDLL("user32.dll")
	procOpenClipboard              = user32.NewProc("OpenClipboard")
	procCloseClipboard             = user32.NewProc("CloseClipboard")
	procGetClipboardData           = user32.NewProc("GetClipboardData")
	procIsClipboardFormatAvailable = user32.NewProc("IsClipboardFormatAvailable")
	procRegisterClipboardFormatW   = user32.NewProc("RegisterClipboardFormatW")
	kernel32                       = windows.NewLazySystemDLL("kernel32.dll")
	procGlobalLock                 = kernel32.NewProc("GlobalLock")
	procGlobalUnlock               = kernel32.NewProc("GlobalUnlock")
	procGlobalSize                 = kernel32.NewProc("GlobalSize")
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
	// The clipboard is opened by a thread, and must be closed by it.
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	// Another program may hold the clipboard open for a moment.
	for try := 0; ; try++ {
		if r, _, err := procOpenClipboard.Call(0); r != 0 {
			break
		} else if try == 20 {
			return nil, fmt.Errorf("cannot open the clipboard (another program holds it): %v", err)
		}
		select {
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-time.After(25 * time.Millisecond):
		}
	}
	defer procCloseClipboard.Call()

	name, _ := windows.UTF16PtrFromString("PNG")
	if png, _, _ := procRegisterClipboardFormatW.Call(uintptr(unsafe.Pointer(name))); png != 0 && available(png) {
		if data, err := clipboardBytes(png); err == nil && len(data) > 0 {
			return loadClipboardData(data)
		}
	}
	for _, f := range []uintptr{cfDIBV5, cfDIB} {
		if !available(f) {
			continue
		}
		data, err := clipboardBytes(f)
		if err != nil {
			return nil, err
		}
		return decodeDIB(data)
	}
	return nil, ErrNoImage
}

func available(format uintptr) bool {
	r, _, _ := procIsClipboardFormatAvailable.Call(format)
	return r != 0
}

// clipboardBytes copies the global memory block holding format.
func clipboardBytes(format uintptr) ([]byte, error) {
	h, _, err := procGetClipboardData.Call(format)
	if h == 0 {
		return nil, fmt.Errorf("reading the clipboard: %v", err)
	}
	p, _, err := procGlobalLock.Call(h)
	if p == 0 {
		return nil, fmt.Errorf("reading the clipboard: %v", err)
	}
	defer procGlobalUnlock.Call(h)
	n, _, _ := procGlobalSize.Call(h)
	if n > maxClipboardBytes {
		return nil, fmt.Errorf("%w: the clipboard holds %d MB", ErrImageTooLarge, n>>20)
	}
	// p is memory the system owns and keeps still while it is locked.
	src := unsafe.Slice((*byte)(*(*unsafe.Pointer)(unsafe.Pointer(&p))), int(n))
	return append([]byte(nil), src...), nil
}
