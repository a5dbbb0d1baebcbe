package vault

import (
	"errors"
	"testing"

	"github.com/deskauth/deskauth/vault/keystore"
)

// Protect saves at once: the file reopens only under the new protection.
func TestProtectSaves(t *testing.T) {
	store := keystore.NewMemory()
	path := newVault(t, Protection{Argon2: testCost, Password: []byte("old")}, sampleAccounts())
	v, err := Open(path, Unlocker{Store: store, Password: func() ([]byte, error) { return []byte("old"), nil }})
	if err != nil {
		t.Fatal(err)
	}
	if err := v.Protect(Protection{Argon2: testCost, Password: []byte("new"), Store: store}); err != nil {
		t.Fatal(err)
	}
	v.Close()
	if _, err := Read(path, pw("old")); !errors.Is(err, ErrWrongPassword) {
		t.Errorf("old password: err = %v, want ErrWrongPassword", err)
	}
	r, err := Read(path, Unlocker{Password: func() ([]byte, error) { return []byte("new"), nil }, PasswordOnly: true})
	if err != nil {
		t.Fatalf("new password: %v", err)
	}
	sameAccounts(t, r.Accounts(), sampleAccounts())
	r.Close()
	r, err = Read(path, Unlocker{Store: store, Password: noPrompt(t)})
	if err != nil {
		t.Fatalf("OS slot: %v", err)
	}
	r.Close()
	if p, o := r.Protection(); !p || !o {
		t.Errorf("protection = %v %v, want both", p, o)
	}
}

// A failed save leaves the protection as it was, in memory too: the next
// successful save still writes the old password's slot.
func TestProtectRollsBack(t *testing.T) {
	store := keystore.NewMemory()
	path := newVault(t, Protection{Argon2: testCost, Password: []byte("old")}, sampleAccounts())
	v, err := Read(path, Unlocker{Store: store, Password: func() ([]byte, error) { return []byte("old"), nil }})
	if err != nil {
		t.Fatal(err)
	}
	defer v.Close()
	breakSaves(t, v)
	if err := v.Protect(Protection{Store: store}); !errors.Is(err, ErrChangedOnDisk) {
		t.Fatalf("err = %v, want ErrChangedOnDisk", err)
	}
	if p, o := v.Protection(); !p || o {
		t.Errorf("after a failed Protect: protection = password %v, os %v; want password only", p, o)
	}
	if err := v.Protect(Protection{}); err == nil {
		t.Error("Protect with no slot succeeded")
	}
	if p, o := v.Protection(); !p || o {
		t.Errorf("after a refused Protect: protection = password %v, os %v", p, o)
	}
}
