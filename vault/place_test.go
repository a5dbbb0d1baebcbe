//go:build unix

package vault

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestLockLinkNotFollowed (issue 9 #7): a lock file planted as a symbolic
// link makes Create, Open and RestoreBackup fail without touching its target.
func TestLockLinkNotFollowed(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "v.vault")
	target := filepath.Join(t.TempDir(), "planted")
	if err := os.Symlink(target, path+".lock"); err != nil {
		t.Fatal(err)
	}
	if _, err := Create(path, Protection{Argon2: testCost, Password: []byte("pw")}); err == nil || !strings.Contains(err.Error(), "is a symbolic link") {
		t.Fatalf("Create: %v", err)
	}
	if _, err := os.Lstat(target); err == nil {
		t.Fatal("the link's target was created")
	}
	if _, err := os.Lstat(path); err == nil {
		t.Fatal("a vault was created")
	}
}

// TestVaultLinkKept: a vault path that is a link is resolved once; saves
// replace the target and keep the link; the lock and backup sit beside the
// target.
func TestVaultLinkKept(t *testing.T) {
	real := newVault(t, Protection{Argon2: testCost, Password: []byte("pw")}, sampleAccounts())
	link := filepath.Join(t.TempDir(), "link.vault")
	if err := os.Symlink(real, link); err != nil {
		t.Fatal(err)
	}
	v, err := Open(link, pw("pw"))
	if err != nil {
		t.Fatal(err)
	}
	if v.Path() != real {
		t.Errorf("Path() = %s, want the target %s", v.Path(), real)
	}
	if _, err := Open(real, pw("pw")); err == nil {
		t.Fatal("the target opened for writing while the link holds it")
	}
	v.accounts = v.accounts[:1]
	if err := v.Save(); err != nil {
		t.Fatal(err)
	}
	v.Close()
	if fi, err := os.Lstat(link); err != nil || fi.Mode()&os.ModeSymlink == 0 {
		t.Fatalf("the link was replaced: %v %v", fi.Mode(), err)
	}
	r, err := Read(real, pw("pw"))
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	sameAccounts(t, r.accounts, sampleAccounts()[:1])
	for _, f := range []string{link + ".bak", link + ".lock"} {
		if _, err := os.Lstat(f); err == nil {
			t.Errorf("%s appeared beside the link", f)
		}
	}
}

// TestFolderWritableWarning: Open warns, with a typed value, when other users
// can write to the vault's folder, and not otherwise.
func TestFolderWritableWarning(t *testing.T) {
	path := newVault(t, Protection{Argon2: testCost, Password: []byte("pw")}, nil)
	dir := filepath.Dir(path)
	for _, c := range []struct {
		mode os.FileMode
		warn bool
	}{{0o700, false}, {0o755, false}, {0o777, true}, {0o1777, true}} {
		if err := os.Chmod(dir, c.mode); err != nil {
			t.Fatal(err)
		}
		v, err := Read(path, pw("pw"))
		if err != nil {
			t.Fatal(err)
		}
		w := v.Warnings()
		v.Close()
		if got := len(w) == 1 && w[0].Kind == WarnFolderWritable && w[0].Path == dir; got != c.warn || len(w) > 1 {
			t.Errorf("folder %v: warnings %+v", c.mode, w)
		}
	}
	os.Chmod(dir, 0o700)
}
