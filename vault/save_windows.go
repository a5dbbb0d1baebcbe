//go:build windows

package vault

import (
	"errors"
	"io/fs"
	"time"

	"golang.org/x/sys/windows"
)

// replaceFile moves from over to with MoveFileEx. os.Rename does not ask for
// WRITE_THROUGH, so the move could still sit in a cache when the PC loses
// power. Antivirus and sync clients briefly open new files without sharing,
// so a sharing violation is retried for a couple of seconds.
func replaceFile(from, to string) error {
	f, err := windows.UTF16PtrFromString(from)
	if err != nil {
		return err
	}
	t, err := windows.UTF16PtrFromString(to)
	if err != nil {
		return err
	}
	delay := 10 * time.Millisecond
	for attempt := 0; ; attempt++ {
		err = windows.MoveFileEx(f, t, windows.MOVEFILE_REPLACE_EXISTING|windows.MOVEFILE_WRITE_THROUGH)
		if err == nil || attempt == 8 || !retryable(err) {
			return err
		}
		time.Sleep(delay)
		delay *= 2
	}
}

func retryable(err error) bool {
	return errors.Is(err, windows.ERROR_SHARING_VIOLATION) ||
		errors.Is(err, windows.ERROR_LOCK_VIOLATION) ||
		errors.Is(err, windows.ERROR_ACCESS_DENIED)
}

// restrictToUser gives the file a protected DACL that lets only the current
// user in, so it does not inherit a folder's wider access (a portable vault on
// a shared drive, say).
func restrictToUser(path string) error {
	u, err := windows.GetCurrentProcessToken().GetTokenUser()
	if err != nil {
		return err
	}
	sd, err := windows.SecurityDescriptorFromString("D:P(A;;FA;;;" + u.User.Sid.String() + ")")
	if err != nil {
		return err
	}
	dacl, _, err := sd.DACL()
	if err != nil {
		return err
	}
	return windows.SetNamedSecurityInfo(path, windows.SE_FILE_OBJECT,
		windows.DACL_SECURITY_INFORMATION|windows.PROTECTED_DACL_SECURITY_INFORMATION, nil, nil, dacl, nil)
}

// othersCanWrite is not checked on Windows, where a folder's access is an ACL
// and a new vault file gets a user-only DACL (restrictToUser).
func othersCanWrite(string) (fs.FileMode, bool) { return 0, false }
