package keystore

import (
	"bytes"
	"errors"
	"testing"
)

// FuzzUnwrap feeds arbitrary blobs (they come from the vault file) to the
// keyring stores' Unwrap: no panic, a one-class error, and a key only for a
// blob that really wraps it.
func FuzzUnwrap(f *testing.F) {
	m := NewMemory()
	key := bytes.Repeat([]byte{0x42}, KeySize)
	blob, err := m.Wrap("fuzz", key)
	if err != nil {
		f.Fatal(err)
	}
	f.Add(blob)
	f.Add(blob[:len(blob)-1])
	f.Add(append(bytes.Clone(blob), 0))
	f.Add([]byte{})
	f.Add([]byte{blobVersion})
	f.Add(make([]byte, blobSize))
	f.Fuzz(func(t *testing.T, b []byte) {
		got, err := m.Unwrap("fuzz", b)
		if err != nil {
			if got != nil {
				t.Fatalf("Unwrap returned a key and an error")
			}
			if !errors.Is(err, ErrKeyMissing) && !errors.Is(err, ErrInvalidBlob) {
				t.Fatalf("Unwrap error %q is neither ErrKeyMissing nor ErrInvalidBlob", err)
			}
			return
		}
		if !bytes.Equal(got, key) {
			t.Fatalf("Unwrap = %x, want the wrapped key or an error", got)
		}
	})
}

func BenchmarkMemoryUnwrap(b *testing.B) {
	m := NewMemory()
	blob, err := m.Wrap("bench", make([]byte, KeySize))
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		if _, err := m.Unwrap("bench", blob); err != nil {
			b.Fatal(err)
		}
	}
}
