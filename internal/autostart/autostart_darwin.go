package autostart

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
)

// plistPath is ~/Library/LaunchAgents/ID.plist, which launchd loads at the
// user's next login.
func plistPath() (string, error) {
	home, err := os.UserHomeDir()
	if err != nil {
		return "", fmt.Errorf("autostart: no home folder: %v", err)
	}
	return filepath.Join(home, "Library", "LaunchAgents", ID+".plist"), nil
}

func enable(exe string, args []string) error {
	p, err := plistPath()
	if err != nil {
		return err
	}
	return writeFile(p, launchAgent(exe, args))
}

func disable() error {
	p, err := plistPath()
	if err != nil {
		return err
	}
	return removeFile(p)
}

func enabled() (bool, error) {
	p, err := plistPath()
	if err != nil {
		return false, err
	}
	_, err = os.Stat(p)
	if errors.Is(err, os.ErrNotExist) {
		return false, nil
	}
	return err == nil, err
}
