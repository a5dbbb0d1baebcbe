package vault

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"golang.org/x/sys/windows"
)

// TestUserOnlyDACL: the vault and its backup carry a protected DACL that
// lets in the current user alone, whatever the folder would pass down.
func TestUserOnlyDACL(t *testing.T) {
	path := newVault(t, Protection{Argon2: testCost, Password: []byte("pw")}, sampleAccounts())
	u, err := windows.GetCurrentProcessToken().GetTokenUser()
	if err != nil {
		t.Fatal(err)
	}
	want := "D:P(A;;FA;;;" + u.User.Sid.String() + ")"
	for _, p := range []string{path, path + ".bak"} {
		sd, err := windows.GetNamedSecurityInfo(p, windows.SE_FILE_OBJECT, windows.DACL_SECURITY_INFORMATION)
		if err != nil {
			t.Fatal(err)
		}
		if got := sd.String(); !strings.Contains(got, want) || strings.Count(got, "(") != 1 {
			if underWine() {
				// Wine accepts SetNamedSecurityInfo on a file but keeps no
				// DACL: it derives one from the Unix mode bits.
				t.Skipf("Wine does not store file DACLs (it reports %s); this check needs real Windows", got)
			}
			t.Errorf("%s: security descriptor %s, want only %s", p, got, want)
		}
	}
}

// underWine reports whether this Windows program runs under Wine, whose
// ntdll exports wine_get_version.
func underWine() bool {
	return windows.NewLazySystemDLL("ntdll.dll").NewProc("wine_get_version").Find() == nil
}

// TestReplaceRetriesSharingViolation: while another program (antivirus, a
// sync client) has the vault open without sharing, MoveFileEx fails; the save
// retries and succeeds once the file is released.
func TestReplaceRetriesSharingViolation(t *testing.T) {
	dir := t.TempDir()
	target, tmp := filepath.Join(dir, "v.vault"), filepath.Join(dir, "v.tmp")
	os.WriteFile(target, []byte("old"), 0o600)
	os.WriteFile(tmp, []byte("new"), 0o600)
	name, _ := windows.UTF16PtrFromString(target)
	h, err := windows.CreateFile(name, windows.GENERIC_READ, 0, nil, windows.OPEN_EXISTING, windows.FILE_ATTRIBUTE_NORMAL, 0)
	if err != nil {
		t.Fatal(err)
	}
	released := make(chan time.Time, 1)
	go func() {
		time.Sleep(150 * time.Millisecond)
		released <- time.Now()
		windows.CloseHandle(h)
	}()
	if err := replaceFile(tmp, target); err != nil {
		t.Fatalf("replaceFile: %v", err)
	}
	select {
	case <-released:
	default:
		t.Fatal("the move succeeded while the file was held without sharing; nothing was retried")
	}
	if got, _ := os.ReadFile(target); string(got) != "new" {
		t.Fatalf("target holds %q", got)
	}
}
