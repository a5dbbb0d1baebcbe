package vault

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/deskauth/deskauth/vault/keystore"
)

var errInjected = errors.New("injected write failure")

// failingFile is a temporary file whose writes fail once a byte budget,
// shared by every file of one save, runs out; failSync makes Sync fail.
type failingFile struct {
	*os.File
	budget   *int
	failSync bool
}

func (f failingFile) Write(p []byte) (int, error) {
	if len(p) > *f.budget {
		n, _ := f.File.Write(p[:*f.budget])
		*f.budget = 0
		return n, errInjected
	}
	*f.budget -= len(p)
	return f.File.Write(p)
}

func (f failingFile) Sync() error {
	if f.failSync {
		return errInjected
	}
	return f.File.Sync()
}

func injectFailures(t *testing.T, budget *int, failSync bool) {
	old := createTemp
	t.Cleanup(func() { createTemp = old })
	createTemp = func(dir, pattern string) (tempFile, error) {
		f, err := os.CreateTemp(dir, pattern)
		if err != nil {
			return nil, err
		}
		return failingFile{File: f, budget: budget, failSync: failSync}, nil
	}
}

func tempFiles(t *testing.T, dir string) []string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, e := range entries {
		if strings.HasSuffix(e.Name(), ".tmp") {
			out = append(out, e.Name())
		}
	}
	return out
}

// TestFailingWriter: a save whose writes fail after N bytes, for every N,
// leaves the vault file as it was and no temporary file behind.
func TestFailingWriter(t *testing.T) {
	path := newVault(t, Protection{Argon2: testCost, Password: []byte("pw")}, sampleAccounts()) // two saves: .bak exists
	dir := filepath.Dir(path)
	orig, _ := os.ReadFile(path)
	origBak, _ := os.ReadFile(path + ".bak")
	budget := 0
	injectFailures(t, &budget, false)
	succeeded := false
	for n := 0; !succeeded; n++ {
		budget = n
		v, err := Open(path, pw("pw"))
		if err != nil {
			t.Fatalf("N=%d: %v", n, err)
		}
		v.accounts = v.accounts[:1]
		err = v.Save()
		v.Close()
		if err == nil {
			// The first budget that succeeds covers exactly the backup
			// and the new file.
			if got, _ := os.ReadFile(path); n != len(orig)+len(got) {
				t.Fatalf("N=%d: the save succeeded, but it writes %d bytes", n, len(orig)+len(got))
			}
			succeeded = true
			continue
		}
		if !strings.Contains(err.Error(), errInjected.Error()) {
			t.Fatalf("N=%d: err = %v", n, err)
		}
		if got, _ := os.ReadFile(path); !bytes.Equal(got, orig) {
			t.Fatalf("N=%d: the vault file changed", n)
		}
		if bak, _ := os.ReadFile(path + ".bak"); !bytes.Equal(bak, origBak) && !bytes.Equal(bak, orig) {
			t.Fatalf("N=%d: the backup is neither the old backup nor the vault", n)
		}
		if tmp := tempFiles(t, dir); len(tmp) > 0 {
			t.Fatalf("N=%d: temporary files left: %v", n, tmp)
		}
	}
	v, err := Read(path, pw("pw"))
	if err != nil {
		t.Fatal(err)
	}
	defer v.Close()
	sameAccounts(t, v.accounts, sampleAccounts()[:1])
	if bak, _ := os.ReadFile(path + ".bak"); !bytes.Equal(bak, orig) {
		t.Fatal("after the successful save the backup is not the previous file")
	}
}

func TestFailingSync(t *testing.T) {
	path := newVault(t, Protection{Argon2: testCost, Password: []byte("pw")}, sampleAccounts())
	orig, _ := os.ReadFile(path)
	budget := 1 << 30
	injectFailures(t, &budget, true)
	v, err := Open(path, pw("pw"))
	if err != nil {
		t.Fatal(err)
	}
	defer v.Close()
	v.accounts = nil
	if err := v.Save(); err == nil {
		t.Fatal("a save whose fsync failed succeeded")
	}
	if got, _ := os.ReadFile(path); !bytes.Equal(got, orig) {
		t.Fatal("the vault file changed")
	}
	if tmp := tempFiles(t, filepath.Dir(path)); len(tmp) > 0 {
		t.Fatalf("temporary files left: %v", tmp)
	}
}

func TestStaleTempFilesRemoved(t *testing.T) {
	path := newVault(t, Protection{Argon2: testCost, Password: []byte("pw")}, sampleAccounts())
	dir := filepath.Dir(path)
	for _, n := range []string{".v.vault.123.tmp", ".v.vault.bak.456.tmp"} {
		os.WriteFile(filepath.Join(dir, n), []byte("half a save"), 0o600)
	}
	other := filepath.Join(dir, ".other.vault.1.tmp")
	os.WriteFile(other, nil, 0o600)
	v, err := Open(path, pw("pw"))
	if err != nil {
		t.Fatal(err)
	}
	defer v.Close()
	if err := v.Save(); err != nil {
		t.Fatal(err)
	}
	if tmp := tempFiles(t, dir); len(tmp) != 1 || tmp[0] != filepath.Base(other) {
		t.Fatalf("temporary files after a save: %v (want only another vault's)", tmp)
	}
}

func TestChangedOnDisk(t *testing.T) {
	path := newVault(t, Protection{Argon2: testCost, Password: []byte("pw")}, sampleAccounts())

	// Another process saved since we read.
	snap, err := Read(path, pw("pw"))
	if err != nil {
		t.Fatal(err)
	}
	defer snap.Close()
	w, err := Open(path, pw("pw"))
	if err != nil {
		t.Fatal(err)
	}
	w.accounts = w.accounts[:2]
	if err := w.Save(); err != nil {
		t.Fatal(err)
	}
	theirs, _ := os.ReadFile(path)
	// A sync client replaces the file under a vault that holds the lock.
	if err := os.WriteFile(path, smallVault(t), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := w.Save(); !errors.Is(err, ErrChangedOnDisk) {
		t.Fatalf("locked vault, file replaced: err = %v", err)
	}
	os.WriteFile(path, theirs, 0o600)
	w.Close()

	snap.accounts = nil
	if err := snap.Save(); !errors.Is(err, ErrChangedOnDisk) {
		t.Fatalf("snapshot after another save: err = %v", err)
	}
	if got, _ := os.ReadFile(path); !bytes.Equal(got, theirs) {
		t.Fatal("the other process's save was overwritten")
	}

	// The file grew beyond any vault (a sparse file, so the test is cheap):
	// not read into memory, and not overwritten.
	v0, err := Open(path, pw("pw"))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.Truncate(path, int64(maxFileLen)+1); err != nil {
		t.Fatal(err)
	}
	if err := v0.Save(); !errors.Is(err, ErrChangedOnDisk) {
		t.Fatalf("file grew: err = %v", err)
	}
	v0.Close()
	if _, err := Open(path, pw("pw")); !errors.Is(err, ErrCorrupt) || !strings.Contains(err.Error(), "larger than any vault") {
		t.Fatalf("opening a huge file: %v", err)
	}
	os.WriteFile(path, theirs, 0o600)

	// The file was deleted.
	v, err := Open(path, pw("pw"))
	if err != nil {
		t.Fatal(err)
	}
	defer v.Close()
	os.Remove(path)
	if err := v.Save(); !errors.Is(err, ErrChangedOnDisk) {
		t.Fatalf("file removed: err = %v", err)
	}
	if _, err := os.Stat(path); err == nil {
		t.Fatal("Save recreated a deleted vault")
	}
}

func TestBackupRecovery(t *testing.T) {
	for _, damage := range []struct {
		name string
		data func([]byte) []byte
	}{
		{"empty", func([]byte) []byte { return nil }},
		{"NUL-filled", func(d []byte) []byte { return make([]byte, len(d)) }},
		{"truncated", func(d []byte) []byte { return d[:len(d)/2] }},
		{"bit flip", func(d []byte) []byte { d = bytes.Clone(d); d[len(d)/2] ^= 4; return d }},
		{"garbage", func([]byte) []byte { return []byte("<html>sync conflict</html>") }},
	} {
		t.Run(damage.name, func(t *testing.T) {
			path := newVault(t, Protection{Argon2: testCost, Password: []byte("pw")}, sampleAccounts())
			v, err := Open(path, pw("pw"))
			if err != nil {
				t.Fatal(err)
			}
			v.accounts = v.accounts[:2]
			if err := v.Save(); err != nil {
				t.Fatal(err)
			}
			v.Close()
			good, _ := os.ReadFile(path)
			bad := damage.data(good)
			os.WriteFile(path, bad, 0o600)

			for _, open := range []func(string, Unlocker) (*Vault, error){Open, Read} {
				_, err = open(path, pw("pw"))
				var be *BackupError
				if !errors.Is(err, ErrCorrupt) || !errors.Is(err, ErrBackupAvailable) || !errors.As(err, &be) {
					t.Fatalf("err = %v, want a *BackupError", err)
				}
				if be.BackupPath != path+".bak" || be.Path != path {
					t.Errorf("BackupError %+v", be)
				}
				if !strings.Contains(err.Error(), path+".bak") {
					t.Errorf("message %q does not name the backup", err)
				}
			}
			if got, _ := os.ReadFile(path); !bytes.Equal(got, bad) {
				t.Fatal("opening changed the damaged file")
			}
			if _, err := Create(path, Protection{Argon2: testCost, Password: []byte("pw")}); err == nil {
				t.Fatal("Create replaced the damaged vault")
			}
			if err := RestoreBackup(path); err != nil {
				t.Fatal(err)
			}
			if got, _ := os.ReadFile(path + ".damaged"); !bytes.Equal(got, bad) {
				t.Fatal("the damaged file was not kept")
			}
			v, err = Read(path, pw("pw"))
			if err != nil {
				t.Fatal(err)
			}
			// The backup is the file before the last save.
			sameAccounts(t, v.accounts, sampleAccounts())
			v.Close()
			if err := RestoreBackup(path); err == nil {
				t.Fatal("RestoreBackup replaced an intact vault")
			}
		})
	}
	t.Run("no backup", func(t *testing.T) {
		path := filepath.Join(t.TempDir(), "v.vault")
		os.WriteFile(path, make([]byte, 100), 0o600)
		_, err := Open(path, pw("pw"))
		if !errors.Is(err, ErrCorrupt) || errors.Is(err, ErrBackupAvailable) {
			t.Fatalf("err = %v", err)
		}
		os.WriteFile(path+".bak", []byte{0}, 0o600) // a damaged backup is no offer
		if _, err := Open(path, pw("pw")); errors.Is(err, ErrBackupAvailable) {
			t.Fatalf("a damaged backup was offered: %v", err)
		}
		if err := RestoreBackup(path); err == nil {
			t.Fatal("restored a damaged backup")
		}
	})
}

func TestLockedInProcess(t *testing.T) {
	path := newVault(t, Protection{Argon2: testCost, Password: []byte("pw")}, sampleAccounts())
	v, err := Open(path, pw("pw"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := Open(path, pw("pw")); !errors.Is(err, ErrLocked) {
		t.Fatalf("second Open: %v", err)
	}
	snap, err := Read(path, pw("pw"))
	if err != nil {
		t.Fatalf("Read while locked: %v", err)
	}
	defer snap.Close()
	if err := snap.Save(); !errors.Is(err, ErrLocked) {
		t.Fatalf("snapshot Save while locked: %v", err)
	}
	v.Close()
	if err := snap.Save(); err != nil {
		t.Fatalf("snapshot Save after Close: %v", err)
	}
}

// TestProtectionChangeLeavesNoOldCopy (issue 9 #1): after a new password, no
// file beside the vault opens with the old one (the backup and a damaged copy
// included); after a switch to the OS key store, no file beside it has a
// password slot at all.
func TestProtectionChangeLeavesNoOldCopy(t *testing.T) {
	store := keystore.NewMemory()
	for _, tc := range []struct {
		name string
		to   Protection
	}{
		{"new password", Protection{Password: []byte("new")}},
		{"OS only", Protection{Store: store}},
		{"both", Protection{Password: []byte("new"), Store: store}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			path := newVault(t, Protection{Argon2: testCost, Password: []byte("old")}, sampleAccounts())
			v, err := Open(path, pw("old"))
			if err != nil {
				t.Fatal(err)
			}
			if err := v.Save(); err != nil { // a .bak under "old"
				t.Fatal(err)
			}
			// What RestoreBackup keeps of a vault with one flipped bit.
			d, _ := os.ReadFile(path)
			d[len(d)-40] ^= 1
			os.WriteFile(path+".damaged", d, 0o600)
			if err := v.SetProtection(tc.to); err != nil {
				t.Fatal(err)
			}
			if err := v.Save(); err != nil {
				t.Fatal(err)
			}
			v.Close()
			entries, _ := os.ReadDir(filepath.Dir(path))
			for _, e := range entries {
				f := filepath.Join(filepath.Dir(path), e.Name())
				data, _ := os.ReadFile(f)
				parts, err := decodeFile(data)
				if err != nil {
					if f != path+".lock" {
						t.Errorf("%s: %v", e.Name(), err)
					}
					continue
				}
				s := parts.Header.Password
				if s == nil {
					continue
				}
				if tc.to.Password == nil {
					t.Errorf("%s still has a password slot", e.Name())
				}
				if _, err := openPasswordSlot(parts.Header.ID, s, []byte("old")); !errors.Is(err, ErrWrongPassword) {
					t.Errorf("%s opens with the old password (%v)", e.Name(), err)
				}
			}
			if _, err := os.Stat(path + ".damaged"); err == nil {
				t.Error("the damaged copy is still there")
			}
			if _, err := os.Stat(path + ".bak"); err != nil {
				t.Errorf("no backup after the change: %v", err)
			}
			// The next ordinary save keeps the previous file as usual.
			v, err = Open(path, Unlocker{Store: store, Password: func() ([]byte, error) { return []byte("new"), nil }})
			if err != nil {
				t.Fatal(err)
			}
			defer v.Close()
			before, _ := os.ReadFile(path)
			if err := v.Save(); err != nil {
				t.Fatal(err)
			}
			if bak, _ := os.ReadFile(path + ".bak"); !bytes.Equal(bak, before) {
				t.Error("an ordinary save after the change did not back up the previous file")
			}
		})
	}
}

// TestFailedProtectLeavesBackupAsVault: a password change whose backup is
// written but whose vault write then fails leaves both files under the old
// password, as the caller is told nothing changed; the next save keeps it.
func TestFailedProtectLeavesBackupAsVault(t *testing.T) {
	path := newVault(t, Protection{Argon2: testCost, Password: []byte("old")}, sampleAccounts())
	v, err := Open(path, pw("old"))
	if err != nil {
		t.Fatal(err)
	}
	defer v.Close()
	if err := v.Save(); err != nil { // a .bak under "old"
		t.Fatal(err)
	}
	calls := 0
	old := createTemp
	t.Cleanup(func() { createTemp = old })
	createTemp = func(dir, pattern string) (tempFile, error) {
		calls++
		if calls == 2 { // the vault itself, after the backup
			return nil, errInjected
		}
		return os.CreateTemp(dir, pattern)
	}
	if err := v.Protect(Protection{Password: []byte("new")}); err == nil {
		t.Fatal("Protect succeeded with the vault write failing")
	}
	if calls != 3 {
		t.Errorf("%d temporary files made, want 3 (backup, vault, backup again)", calls)
	}
	for _, f := range []string{path, path + ".bak"} {
		w, err := Read(f, pw("old"))
		if err != nil {
			t.Fatalf("%s after the failed change: %v", filepath.Base(f), err)
		}
		if n := len(w.Accounts()); n != len(sampleAccounts()) {
			t.Errorf("%s holds %d accounts, want %d", filepath.Base(f), n, len(sampleAccounts()))
		}
		w.Close()
	}
	createTemp = old
	if err := v.Save(); err != nil {
		t.Fatal(err)
	}
	if _, err := Read(path, pw("new")); !errors.Is(err, ErrWrongPassword) {
		t.Errorf("after the failed change a later save applied the new password (%v)", err)
	}
}
