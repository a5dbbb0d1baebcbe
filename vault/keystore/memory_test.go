package keystore_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/deskauth/deskauth/vault/keystore"
	"github.com/deskauth/deskauth/vault/keystore/keystoretest"
)

func TestMemory(t *testing.T) {
	keystoretest.Run(t, keystore.NewMemory(), keystoretest.Options{DeleteForgets: true})
}

func TestMemoryUnavailable(t *testing.T) {
	m := keystore.NewMemory()
	key := make([]byte, keystore.KeySize)
	blob, err := m.Wrap("v", key)
	if err != nil {
		t.Fatal(err)
	}
	m.SetUnavailable(true)
	if _, err := m.Unwrap("v", blob); !errors.Is(err, keystore.ErrUnavailable) {
		t.Errorf("Unwrap while unavailable: %v, want ErrUnavailable", err)
	}
	if _, err := m.Wrap("w", key); !errors.Is(err, keystore.ErrUnavailable) {
		t.Errorf("Wrap while unavailable: %v, want ErrUnavailable", err)
	}
	if err := m.Delete("v"); !errors.Is(err, keystore.ErrUnavailable) {
		t.Errorf("Delete while unavailable: %v, want ErrUnavailable", err)
	}
	if err := m.Delete("v"); err == nil || strings.Contains(err.Error(), "\n") {
		t.Errorf("error %q should be one line", err)
	}
	m.SetUnavailable(false)
	if got, err := m.Unwrap("v", blob); err != nil || string(got) != string(key) {
		t.Errorf("Unwrap after the store came back: %x, %v", got, err)
	}
}
