package capture

import (
	"fmt"
	"sync"

	"golang.org/x/sys/windows"
)

const (
	screenAPI      = "GDI"
	unsupportedWhy = "GDI is unavailable"
	noQRHint       = ""
)

var dpiOnce sync.Once

// systemScreens makes the process DPI-aware first. Otherwise Windows scales
// every coordinate of a monitor set to 125–200 % for us, while
// kbinani/screenshot reads the monitors' physical sizes: the rectangles would
// not match and the right or bottom part of a scaled monitor would be missed.
func systemScreens() ([]screen, error) {
	dpiOnce.Do(setDPIAware)
	return []screen{kbScreen{}}, nil
}

func setDPIAware() {
	user32 := windows.NewLazySystemDLL("user32.dll")
	if p := user32.NewProc("SetProcessDpiAwarenessContext"); p.Find() == nil {
		const perMonitorAwareV2 = ^uintptr(3) // DPI_AWARENESS_CONTEXT_PER_MONITOR_AWARE_V2, (HANDLE)-4
		if ok, _, _ := p.Call(perMonitorAwareV2); ok != 0 {
			return
		}
	}
	if p := user32.NewProc("SetProcessDPIAware"); p.Find() == nil {
		p.Call()
	}
}

func grabError(err error) error {
	return fmt.Errorf("GDI capture: %v", err)
}
