package autostart

import (
	"errors"

	"golang.org/x/sys/windows"
	"golang.org/x/sys/windows/registry"
)

// runKey is where Windows looks for per-user programs to start at login.
const runKey = `Software\Microsoft\Windows\CurrentVersion\Run`

// approvedKey is where Task Manager's Startup tab records a user's choice for
// a Run value: its first byte is odd when the user switched it off.
const approvedKey = `Software\Microsoft\Windows\CurrentVersion\Explorer\StartupApproved\Run`

func enable(exe string, args []string) error {
	k, _, err := registry.CreateKey(registry.CURRENT_USER, runKey, registry.SET_VALUE)
	if err != nil {
		return err
	}
	defer k.Close()
	if err := k.SetStringValue(Name, windows.ComposeCommandLine(append([]string{exe}, args...))); err != nil {
		return err
	}
	// Switching it on here overrides an earlier "Disabled" in Task Manager.
	return deleteValue(approvedKey, Name)
}

func disable() error {
	if err := deleteValue(runKey, Name); err != nil {
		return err
	}
	return deleteValue(approvedKey, Name)
}

func enabled() (bool, error) {
	k, err := registry.OpenKey(registry.CURRENT_USER, runKey, registry.QUERY_VALUE)
	if errors.Is(err, registry.ErrNotExist) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	defer k.Close()
	if _, _, err := k.GetStringValue(Name); errors.Is(err, registry.ErrNotExist) {
		return false, nil
	} else if err != nil {
		return false, err
	}
	a, err := registry.OpenKey(registry.CURRENT_USER, approvedKey, registry.QUERY_VALUE)
	if err != nil {
		return true, nil
	}
	defer a.Close()
	if v, _, err := a.GetBinaryValue(Name); err == nil && len(v) > 0 && v[0]&1 == 1 {
		return false, nil
	}
	return true, nil
}

// deleteValue removes a value; a missing key or value is not an error.
func deleteValue(key, name string) error {
	k, err := registry.OpenKey(registry.CURRENT_USER, key, registry.SET_VALUE)
	if errors.Is(err, registry.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	defer k.Close()
	if err := k.DeleteValue(name); err != nil && !errors.Is(err, registry.ErrNotExist) {
		return err
	}
	return nil
}
