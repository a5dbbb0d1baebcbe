package capture

import "fmt"

const (
	screenAPI      = "CoreGraphics"
	unsupportedWhy = "on macOS screen capture needs a build with cgo"
	// Without Screen Recording permission older macOS versions return the
	// wallpaper instead of an error, so a miss may mean a missing grant.
	noQRHint = "; if a code is visible, DeskAuth may lack permission: System Settings > Privacy & Security > Screen Recording"
)

func systemScreens() ([]screen, error) {
	return []screen{kbScreen{}}, nil
}

// grabError: a capture that fails outright on macOS 14.4 and later means the
// Screen Recording permission is missing.
func grabError(err error) error {
	return fmt.Errorf("%w (%v): allow DeskAuth in System Settings > Privacy & Security > Screen Recording, then restart it",
		ErrPermission, err)
}
