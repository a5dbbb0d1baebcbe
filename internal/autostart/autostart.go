// Package autostart starts DeskAuth when the user logs in, the way each OS
// expects it, for the current user only and without admin rights:
//
//   - Windows: the value "DeskAuth" under
//     HKCU\Software\Microsoft\Windows\CurrentVersion\Run;
//   - macOS: the LaunchAgent ~/Library/LaunchAgents/io.github.deskauth.plist;
//   - Linux and other XDG desktops: $XDG_CONFIG_HOME/autostart/io.github.deskauth.desktop
//     (~/.config/autostart when XDG_CONFIG_HOME is unset).
//
// Elsewhere every call returns an error wrapping errors.ErrUnsupported.
//
// The GUI's "start at login" setting calls Enable with its own executable
// (os.Executable) when switched on and Disable when switched off, and shows
// Enabled. The installers never switch it on. Nothing here imports Fyne.
package autostart

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// Name is the Windows Run value's name and the entry's display name.
const Name = "DeskAuth"

// ID names the LaunchAgent (its Label) and the XDG autostart file; it is the
// app ID of FyneApp.toml.
const ID = "io.github.deskauth"

// ErrBadCommand is returned (wrapped) by Enable for a program path that is not
// absolute or an argument no login entry can carry (a newline, a NUL).
var ErrBadCommand = errors.New("autostart: bad command")

// Enable makes the OS start exe with args when the current user logs in,
// replacing any entry Enable made before. exe must be an absolute path,
// usually os.Executable().
func Enable(exe string, args ...string) error {
	if !filepath.IsAbs(exe) && !isWindowsAbs(exe) {
		return fmt.Errorf("%w: %q is not an absolute path", ErrBadCommand, exe)
	}
	for _, a := range append([]string{exe}, args...) {
		if strings.ContainsAny(a, "\x00\n\r") {
			return fmt.Errorf("%w: %q holds a line break or NUL", ErrBadCommand, a)
		}
	}
	return enable(exe, args)
}

// Disable removes the entry Enable made. Without one it does nothing and
// returns nil.
func Disable() error { return disable() }

// Enabled reports whether the OS will start DeskAuth at login: an entry made
// by Enable exists and the user has not switched it off in the OS's own
// settings (Task Manager's Startup tab on Windows, Hidden=true on XDG).
func Enabled() (bool, error) { return enabled() }

// isWindowsAbs accepts C:\... and \\server\share paths on every OS, so the
// checks above behave the same in tests on Linux.
func isWindowsAbs(p string) bool {
	if len(p) >= 3 && p[1] == ':' && (p[2] == '\\' || p[2] == '/') {
		c := p[0] | 0x20
		return 'a' <= c && c <= 'z'
	}
	return strings.HasPrefix(p, `\\`)
}

// writeFile replaces path with data atomically (a temporary file in the same
// folder, then a rename), creating the folder if needed.
func writeFile(path string, data []byte) error {
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	f, err := os.CreateTemp(dir, "."+filepath.Base(path)+".*")
	if err != nil {
		return err
	}
	tmp := f.Name()
	if _, err := f.Write(data); err != nil {
		f.Close()
		os.Remove(tmp)
		return err
	}
	if err := f.Chmod(0o644); err != nil {
		f.Close()
		os.Remove(tmp)
		return err
	}
	if err := f.Close(); err != nil {
		os.Remove(tmp)
		return err
	}
	if err := os.Rename(tmp, path); err != nil {
		os.Remove(tmp)
		return err
	}
	return nil
}

// removeFile removes path; a missing file is not an error.
func removeFile(path string) error {
	if err := os.Remove(path); err != nil && !errors.Is(err, os.ErrNotExist) {
		return err
	}
	return nil
}
