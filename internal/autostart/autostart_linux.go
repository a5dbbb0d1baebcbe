package autostart

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
)

// desktopPath is $XDG_CONFIG_HOME/autostart/ID.desktop (XDG Autostart
// Specification), with ~/.config when XDG_CONFIG_HOME is unset or relative.
func desktopPath() (string, error) {
	dir := os.Getenv("XDG_CONFIG_HOME")
	if !filepath.IsAbs(dir) {
		home, err := os.UserHomeDir()
		if err != nil {
			return "", fmt.Errorf("autostart: no config folder: %v", err)
		}
		dir = filepath.Join(home, ".config")
	}
	return filepath.Join(dir, "autostart", ID+".desktop"), nil
}

func enable(exe string, args []string) error {
	p, err := desktopPath()
	if err != nil {
		return err
	}
	return writeFile(p, desktopEntry(exe, args))
}

func disable() error {
	p, err := desktopPath()
	if err != nil {
		return err
	}
	return removeFile(p)
}

func enabled() (bool, error) {
	p, err := desktopPath()
	if err != nil {
		return false, err
	}
	data, err := os.ReadFile(p)
	if errors.Is(err, os.ErrNotExist) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	return desktopEntryEnabled(data), nil
}
