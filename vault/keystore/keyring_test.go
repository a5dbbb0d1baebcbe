//go:build linux || darwin

package keystore_test

import (
	"errors"
	"os"
	"testing"

	"github.com/zalando/go-keyring"

	"github.com/deskauth/deskauth/vault/keystore"
	"github.com/deskauth/deskauth/vault/keystore/keystoretest"
)

// realStoreEnv is set inside a throwaway D-Bus session with gnome-keyring, by
// TestSecretService (Linux) and scripts/test-secret-service.sh. The real-store
// tests run only there: a plain run must not write into a developer's own
// keyring. On macOS, set it by hand to test against the login Keychain.
const realStoreEnv = "DESKAUTH_KEYSTORE_REAL"

func realStore(t *testing.T) keystore.Store {
	t.Helper()
	if os.Getenv(realStoreEnv) != "1" {
		t.Skipf("runs inside a throwaway keyring session (TestSecretService, scripts/test-secret-service.sh), where %s=1", realStoreEnv)
	}
	s, err := keystore.Default()
	if err != nil {
		t.Fatalf("Default: %v", err)
	}
	return s
}

func TestOSKeyring(t *testing.T) {
	keystoretest.Run(t, realStore(t), keystoretest.Options{DeleteForgets: true})
}

// Deleting the item behind DeskAuth's back (as a user might in Seahorse or
// Keychain Access) gives the exact "no longer has this vault's key" error.
func TestOSKeyringItemDeletedOutside(t *testing.T) {
	s := realStore(t)
	id := "keystore-test-deleted-outside"
	t.Cleanup(func() { s.Delete(id) })
	key := make([]byte, keystore.KeySize)
	blob, err := s.Wrap(id, key)
	if err != nil {
		t.Fatalf("Wrap: %v", err)
	}
	if err := keyring.Delete("DeskAuth", id); err != nil {
		t.Fatalf("deleting the item through go-keyring: %v", err)
	}
	_, err = s.Unwrap(id, blob)
	if !errors.Is(err, keystore.ErrKeyMissing) || err.Error() != "OS key store no longer has this vault's key" {
		t.Fatalf("Unwrap after the item was deleted: %v", err)
	}
	// Something else stored under the same name is not taken for our key.
	if err := keyring.Set("DeskAuth", id, "not a key"); err != nil {
		t.Fatalf("Set: %v", err)
	}
	if _, err := s.Unwrap(id, blob); !errors.Is(err, keystore.ErrKeyMissing) {
		t.Fatalf("Unwrap with a foreign item: %v, want ErrKeyMissing", err)
	}
}

// BenchmarkOSKeyringUnwrap is one os-slot unlock against the real store: a
// D-Bus round trip to the Secret Service (or a call to the Keychain). Run it
// inside a session as scripts/test-secret-service.sh sets one up, with
// DESKAUTH_KEYSTORE_REAL=1.
func BenchmarkOSKeyringUnwrap(b *testing.B) {
	if os.Getenv(realStoreEnv) != "1" {
		b.Skipf("needs a real key store session (%s=1)", realStoreEnv)
	}
	s, err := keystore.Default()
	if err != nil {
		b.Fatal(err)
	}
	const id = "keystore-bench"
	b.Cleanup(func() { s.Delete(id) })
	blob, err := s.Wrap(id, make([]byte, keystore.KeySize))
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		if _, err := s.Unwrap(id, blob); err != nil {
			b.Fatal(err)
		}
	}
}
