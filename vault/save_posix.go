//go:build !windows

package vault

import (
	"os"
	"path/filepath"
)

// replaceFile renames from over to and then flushes the directory, so the
// rename itself survives a power cut.
func replaceFile(from, to string) error {
	if err := os.Rename(from, to); err != nil {
		return err
	}
	d, err := os.Open(filepath.Dir(to))
	if err != nil {
		return err
	}
	defer d.Close()
	return d.Sync()
}

// restrictToUser is a no-op on POSIX: os.CreateTemp already makes the file
// 0600.
func restrictToUser(string) error { return nil }
