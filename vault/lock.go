package vault

import (
	"fmt"

	"github.com/gofrs/flock"
)

// The lock lives in its own file beside the vault, because the vault file
// itself is replaced by rename on every save and a lock on it would be lost.
// flock(2) and LockFileEx locks die with their process, so a crash never
// leaves a stale lock behind; the lock file itself is left in place.

func lockPath(path string) string { return path + ".lock" }

func acquireLock(path string) (*flock.Flock, error) {
	l := flock.New(lockPath(path), flock.SetPermissions(0o600))
	ok, err := l.TryLock()
	if err != nil {
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
