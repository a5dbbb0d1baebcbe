package vault

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
)

// tempFile is the part of *os.File writeAtomic uses; tests substitute one that
// fails part-way.
type tempFile interface {
	io.Writer
	Sync() error
	Close() error
	Name() string
}

// createTemp makes the temporary file a save writes first. It is a variable
// only so tests can inject write failures.
var createTemp = func(dir, pattern string) (tempFile, error) {
	return os.CreateTemp(dir, pattern) // mode 0600 on POSIX
}

func tempPattern(path string) string { return "." + filepath.Base(path) + ".*.tmp" }

// removeStaleTemps deletes the temporary files of earlier saves of path (and
// of its backup) that were interrupted. The caller must hold the lock.
func removeStaleTemps(path string) {
	dir := filepath.Dir(path)
	entries, err := os.ReadDir(dir)
	if err != nil {
		return
	}
	for _, p := range []string{path, backupPath(path)} {
		prefix := "." + filepath.Base(p) + "."
		for _, e := range entries {
			if n := e.Name(); strings.HasPrefix(n, prefix) && strings.HasSuffix(n, ".tmp") && e.Type().IsRegular() {
				os.Remove(filepath.Join(dir, n))
			}
		}
	}
}

// writeAtomic replaces path with data so that, whatever happens, path holds
// either its old content or data, never a mix: write a temporary file in the
// same directory, flush it to disk, then rename it over path (replaceFile).
// On failure the temporary file is removed.
func writeAtomic(path string, data []byte) (err error) {
	dir := filepath.Dir(path)
	f, err := createTemp(dir, tempPattern(path))
	if err != nil {
		return err
	}
	name := f.Name()
	closed := false
	defer func() {
		if err != nil {
			if !closed {
				f.Close()
			}
			os.Remove(name)
		}
	}()
	if err := restrictToUser(name); err != nil {
		return fmt.Errorf("restricting %s to the current user: %v", name, err)
	}
	if _, err := f.Write(data); err != nil {
		return err
	}
	if err := f.Sync(); err != nil {
		return err
	}
	closed = true
	if err := f.Close(); err != nil {
		return err
	}
	return replaceFile(name, path)
}
