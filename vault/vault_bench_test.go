package vault

import (
	"path/filepath"
	"testing"

	"github.com/deskauth/deskauth/vault/keystore"
)

func benchVault(b *testing.B, p Protection) string {
	b.Helper()
	path := filepath.Join(b.TempDir(), "bench.vault")
	v, err := Create(path, p)
	if err != nil {
		b.Fatal(err)
	}
	v.accounts = sampleAccounts()
	if err := v.Save(); err != nil {
		b.Fatal(err)
	}
	v.Close()
	return path
}

// BenchmarkUnlockPassword opens a vault with the default Argon2id cost (t=3,
// 64 MiB, p=4): the wait after typing the password. Target: at most 0.8 s on
// two cores.
func BenchmarkUnlockPassword(b *testing.B) {
	path := benchVault(b, Protection{Password: []byte("correct horse battery staple")})
	u := pw("correct horse battery staple")
	b.ResetTimer()
	for b.Loop() {
		v, err := Read(path, u)
		if err != nil {
			b.Fatal(err)
		}
		v.Close()
	}
}

// BenchmarkUnlockOS opens an OS-protected vault through the in-memory store:
// the file format's own cost, without the OS round trip.
func BenchmarkUnlockOS(b *testing.B) {
	store := keystore.NewMemory()
	path := benchVault(b, Protection{Store: store})
	u := Unlocker{Store: store}
	b.ResetTimer()
	for b.Loop() {
		v, err := Read(path, u)
		if err != nil {
			b.Fatal(err)
		}
		v.Close()
	}
}

// BenchmarkSavePassword is a save with the default cost: a fresh salt means
// one Argon2id run per save.
func BenchmarkSavePassword(b *testing.B) {
	path := benchVault(b, Protection{Password: []byte("pw")})
	v, err := Open(path, pw("pw"))
	if err != nil {
		b.Fatal(err)
	}
	defer v.Close()
	b.ResetTimer()
	for b.Loop() {
		if err := v.Save(); err != nil {
			b.Fatal(err)
		}
	}
}
