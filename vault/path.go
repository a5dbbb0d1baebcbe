package vault

import (
	"fmt"
	"os"
	"path/filepath"
)

// PortableName is the vault file that, placed beside the executable, makes
// DeskAuth portable (a USB stick, a shared tools folder), as in WinAuth.
const PortableName = "deskauth.vault"

// PortableMarker is the file that the portable zip ships beside the
// executable: with it, the vault is PortableName in the same folder even
// before that vault exists, so the first run creates it there.
const PortableMarker = "deskauth.portable"

// EnvVault is the environment variable that names the vault file.
const EnvVault = "DESKAUTH_VAULT"

// DefaultPath returns the vault file to use when no --vault flag is given:
// $DESKAUTH_VAULT if set; else deskauth.vault beside the executable if that
// file or the PortableMarker exists there; else deskauth.vault in os.UserConfigDir()/DeskAuth (for
// example %AppData%\DeskAuth on Windows and ~/Library/Application
// Support/DeskAuth on macOS).
func DefaultPath() (string, error) {
	return defaultPath(os.Getenv, os.Executable, os.UserConfigDir)
}

func defaultPath(getenv func(string) string, executable, configDir func() (string, error)) (string, error) {
	if p := getenv(EnvVault); p != "" {
		return p, nil
	}
	if exe, err := executable(); err == nil {
		if real, err := filepath.EvalSymlinks(exe); err == nil {
			exe = real
		}
		p := filepath.Join(filepath.Dir(exe), PortableName)
		if fi, err := os.Stat(p); err == nil && fi.Mode().IsRegular() {
			return p, nil
		}
		if fi, err := os.Stat(filepath.Join(filepath.Dir(exe), PortableMarker)); err == nil && fi.Mode().IsRegular() {
			return p, nil
		}
	}
	dir, err := configDir()
	if err != nil {
		return "", fmt.Errorf("no folder for the vault (%v): use --vault or %s", err, EnvVault)
	}
	return filepath.Join(dir, "DeskAuth", PortableName), nil
}
