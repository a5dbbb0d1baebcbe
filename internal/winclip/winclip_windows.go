package winclip

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"time"
	"unsafe"

	"golang.org/x/sys/windows"
)

var (
	user32   = windows.NewLazySystemDLL("user32.dll")
	kernel32 = windows.NewLazySystemDLL("kernel32.dll")

	openClipboard              = user32.NewProc("OpenClipboard")
	closeClipboard             = user32.NewProc("CloseClipboard")
	emptyClipboard             = user32.NewProc("EmptyClipboard")
	setClipboardData           = user32.NewProc("SetClipboardData")
	getClipboardData           = user32.NewProc("GetClipboardData")
	isClipboardFormatAvailable = user32.NewProc("IsClipboardFormatAvailable")
	registerClipboardFormatW   = user32.NewProc("RegisterClipboardFormatW")

	globalAlloc   = kernel32.NewProc("GlobalAlloc")
	globalFree    = kernel32.NewProc("GlobalFree")
	globalLock    = kernel32.NewProc("GlobalLock")
	globalUnlock  = kernel32.NewProc("GlobalUnlock")
	globalSize    = kernel32.NewProc("GlobalSize")
	rtlMoveMemory = kernel32.NewProc("RtlMoveMemory")
)

const (
	cfUnicodeText = 13
	gmemMoveable  = 0x0002
)

// PrivateFormats are the registered formats that keep an entry out of
// history, cloud sync and monitors. The last two hold a DWORD 0; Windows
// only checks that the first exists.
var PrivateFormats = []string{
	"ExcludeClipboardContentFromMonitorProcessing",
	"CanIncludeInClipboardHistory",
	"CanUploadToCloudClipboard",
}

// SetText replaces the clipboard with text, marked private.
func SetText(text string) error {
	u16, err := windows.UTF16FromString(text)
	if err != nil {
		return err
	}
	if err := open(); err != nil {
		return err
	}
	defer close()
	if r, _, e := emptyClipboard.Call(); r == 0 {
		return fmt.Errorf("EmptyClipboard: %v", e)
	}
	if err := setData(cfUnicodeText, unsafe.Pointer(&u16[0]), uintptr(len(u16)*2)); err != nil {
		return err
	}
	var zero uint32
	for _, name := range PrivateFormats {
		f, err := Format(name)
		if err != nil {
			return err
		}
		if err := setData(f, unsafe.Pointer(&zero), unsafe.Sizeof(zero)); err != nil {
			return err
		}
	}
	return nil
}

// Clear empties the clipboard.
func Clear() error {
	if err := open(); err != nil {
		return err
	}
	defer close()
	if r, _, e := emptyClipboard.Call(); r == 0 {
		return fmt.Errorf("EmptyClipboard: %v", e)
	}
	return nil
}

// Format is the number Windows gives a registered clipboard format name.
func Format(name string) (uintptr, error) {
	p, err := windows.UTF16PtrFromString(name)
	if err != nil {
		return 0, err
	}
	f, _, e := registerClipboardFormatW.Call(uintptr(unsafe.Pointer(p)))
	if f == 0 {
		return 0, fmt.Errorf("RegisterClipboardFormatW(%s): %v", name, e)
	}
	return f, nil
}

// Read returns the bytes of the first of formats the clipboard holds, and
// that format; format 0 and no error mean it holds none of them. A block
// larger than limit gives ErrTooLarge. ctx bounds the wait for a clipboard
// another program holds open.
func Read(ctx context.Context, limit uintptr, formats ...uintptr) (uintptr, []byte, error) {
	if err := openCtx(ctx); err != nil {
		return 0, nil, err
	}
	defer close()
	for _, f := range formats {
		if r, _, _ := isClipboardFormatAvailable.Call(f); r == 0 {
			continue
		}
		h, _, e := getClipboardData.Call(f)
		if h == 0 {
			return 0, nil, fmt.Errorf("GetClipboardData: %v", e)
		}
		n, _, _ := globalSize.Call(h)
		if n > limit {
			return 0, nil, fmt.Errorf("%w: %d MB", ErrTooLarge, n>>20)
		}
		p, _, e := globalLock.Call(h)
		if p == 0 {
			return 0, nil, fmt.Errorf("GlobalLock: %v", e)
		}
		out := make([]byte, n)
		if n > 0 {
			rtlMoveMemory.Call(uintptr(unsafe.Pointer(&out[0])), p, n)
		}
		globalUnlock.Call(h)
		return f, out, nil
	}
	return 0, nil, nil
}

var (
	// ErrBusy means another program kept the clipboard open.
	ErrBusy = errors.New("another program holds the clipboard")
	// ErrTooLarge means the clipboard holds more than the caller's limit.
	ErrTooLarge = errors.New("the clipboard holds too much")
)

func open() error { return openCtx(context.Background()) }

// openCtx retries for a moment: another program may be reading the
// clipboard. The clipboard is opened by the calling OS thread, and
// EmptyClipboard and SetClipboardData fail on any other, so it locks the
// goroutine to its thread; the caller's deferred close unlocks it.
func openCtx(ctx context.Context) error {
	runtime.LockOSThread()
	var err error
	for range 20 {
		r, _, e := openClipboard.Call(0)
		if r != 0 {
			return nil
		}
		err = e
		select {
		case <-ctx.Done():
			runtime.UnlockOSThread()
			return ctx.Err()
		case <-time.After(25 * time.Millisecond):
		}
	}
	runtime.UnlockOSThread()
	return fmt.Errorf("%w: %v", ErrBusy, err)
}

// close closes the clipboard that open opened, and frees the thread.
func close() {
	closeClipboard.Call()
	runtime.UnlockOSThread()
}

// setData copies n bytes at src into global memory handed to the clipboard,
// which owns it once SetClipboardData succeeds.
func setData(format uintptr, src unsafe.Pointer, n uintptr) error {
	h, _, e := globalAlloc.Call(gmemMoveable, n)
	if h == 0 {
		return fmt.Errorf("GlobalAlloc: %v", e)
	}
	p, _, e := globalLock.Call(h)
	if p == 0 {
		globalFree.Call(h)
		return fmt.Errorf("GlobalLock: %v", e)
	}
	rtlMoveMemory.Call(p, uintptr(src), n)
	globalUnlock.Call(h)
	if r, _, e := setClipboardData.Call(format, h); r == 0 {
		globalFree.Call(h)
		return fmt.Errorf("SetClipboardData: %v", e)
	}
	return nil
}
