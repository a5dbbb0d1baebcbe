//go:build !windows

package vault

import (
	"io/fs"
	"os"
	"path/filepath"
	"syscall"
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

// othersCanWrite reports whether users other than the current one can write
// to dir: it is world-writable, or writable by a group other than the user's
// own (a user private group is not "others").
func othersCanWrite(dir string) (fs.FileMode, bool) {
	fi, err := os.Stat(dir)
	if err != nil {
		return 0, false
	}
	mode := fi.Mode().Perm()
	if mode&0o002 != 0 {
		return fi.Mode(), true
	}
	if st, ok := fi.Sys().(*syscall.Stat_t); ok && mode&0o020 != 0 && int(st.Gid) != os.Getgid() {
		return fi.Mode(), true
	}
	return 0, false
}
