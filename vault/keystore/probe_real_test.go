//go:build linux || darwin

package keystore_test

import (
	"testing"

	"github.com/deskauth/deskauth/vault/keystore"
)

// Probe passes against the real store and leaves nothing behind (the
// keystore suite's Delete checks cover the throwaway item).
func TestOSKeyringProbe(t *testing.T) {
	if err := keystore.Probe(realStore(t)); err != nil {
		t.Fatalf("Probe on a working Secret Service: %v", err)
	}
}
