package vault

import (
	"errors"
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

// BenchmarkSaveNewPassword is a save that changes the password: the one kind
// of save that runs Argon2id (once).
func BenchmarkSaveNewPassword(b *testing.B) {
	path := benchVault(b, Protection{Password: []byte("pw")})
	v, err := Open(path, pw("pw"))
	if err != nil {
		b.Fatal(err)
	}
	defer v.Close()
	b.ResetTimer()
	for b.Loop() {
		if err := v.SetProtection(Protection{Password: []byte("pw")}); err != nil {
			b.Fatal(err)
		}
		if err := v.Save(); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkWorstAcceptedHeader opens, with a wrong password, a vault whose
// slot has the costliest cost Open accepts: what a tampered header can make
// DeskAuth spend before it says "wrong password" (issue 9 #6: at most about
// 3 s and 400 MiB). B/op is the memory.
func BenchmarkWorstAcceptedHeader(b *testing.B) {
	path := benchVault(b, Protection{Password: []byte("pw"), Argon2: worstAccepted})
	u := pw("not the password")
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		if _, err := Read(path, u); !errors.Is(err, ErrWrongPassword) {
			b.Fatal(err)
		}
	}
}
