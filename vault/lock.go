package vault

import (
	"fmt"
	"io/fs"
	"os"

	"github.com/gofrs/flock"
)

// The lock lives in its own file beside the vault, because the vault file
// itself is replaced by rename on every save and a lock on it would be lost.
// flock(2) and LockFileEx locks die with their process, so a crash never
// leaves a stale lock behind; the lock file itself is left in place.

func lockPath(path string) string { return path + ".lock" }

// The lock file is opened without following a symbolic link (noFollow): a
// link planted in its place by another user must not make DeskAuth create or
// open the file it points to.
func acquireLock(path string) (*flock.Flock, error) {
	l := flock.New(lockPath(path), flock.SetPermissions(0o600), flock.SetFlag(os.O_CREATE|os.O_RDONLY|noFollow))
	ok, err := l.TryLock()
	if err != nil {
		if fi, lerr := os.Lstat(lockPath(path)); lerr == nil && fi.Mode()&fs.ModeSymlink != 0 {
			return nil, fmt.Errorf("vault: cannot lock %s: %s is a symbolic link, not DeskAuth's lock file; remove it", path, lockPath(path))
		}
		return nil, fmt.Errorf("vault: cannot lock %s: %v", path, err)
	}
	if !ok {
		return nil, fmt.Errorf("%w: %s", ErrLocked, path)
	}
	return l, nil
}

func releaseLock(l *flock.Flock) {
	_ = l.Unlock()
	_ = l.Close()
}
