package keystore_test

import (
	"testing"

	"golang.org/x/sys/windows"

	"github.com/deskauth/deskauth/vault/keystore"
	"github.com/deskauth/deskauth/vault/keystore/keystoretest"
)

// TestDPAPI runs the shared suite against real DPAPI: natively on Windows,
// and under Wine from scripts/test-wine-vault.sh.
func TestDPAPI(t *testing.T) {
	s, err := keystore.Default()
	if err != nil {
		t.Fatalf("Default: %v", err)
	}
	keystoretest.Run(t, s, keystoretest.Options{DeleteForgets: false, Malleable: underWine()})
}

// underWine reports whether this runs under Wine, whose DPAPI (Wine 8)
// does not authenticate every byte of a blob as Windows does.
func underWine() bool {
	return windows.NewLazySystemDLL("ntdll.dll").NewProc("wine_get_version").Find() == nil
}

func BenchmarkDPAPIUnwrap(b *testing.B) {
	s, err := keystore.Default()
	if err != nil {
		b.Fatal(err)
	}
	blob, err := s.Wrap("bench", make([]byte, keystore.KeySize))
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		if _, err := s.Unwrap("bench", blob); err != nil {
			b.Fatal(err)
		}
	}
}
