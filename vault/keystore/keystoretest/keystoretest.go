// Package keystoretest is the test suite every keystore.Store passes: the
// in-memory fake, DPAPI under Windows (or Wine) and the Keychain or Secret
// Service. Running one suite against all of them keeps the fake honest.
package keystoretest

import (
	"bytes"
	"crypto/rand"
	"errors"
	"fmt"
	"testing"

	"github.com/deskauth/deskauth/vault/keystore"
)

// Options describes how a store may legitimately differ.
type Options struct {
	// DeleteForgets is true when the store keeps something per vault, so
	// that after Delete the vault's blobs no longer unwrap (Keychain, Secret
	// Service, Memory). DPAPI keeps nothing and Delete changes nothing.
	DeleteForgets bool
	// Malleable is true when the store may ignore damage to parts of a blob
	// that do not carry the key: Wine's DPAPI does not check every header
	// byte, nor trailing bytes, where Windows' does. A damaged blob must then
	// still fail or give back exactly the original key, never another one.
	// (The vault file's own checks catch such damage in any case: the slots
	// are part of the header its AEAD authenticates.)
	Malleable bool
}

// Run runs the suite against s. It uses fresh random vault ids and deletes
// them when done, so it may run against a user's real key store.
func Run(t *testing.T, s keystore.Store, opt Options) {
	t.Helper()
	newID := func(t *testing.T) string {
		var b [8]byte
		rand.Read(b[:])
		id := fmt.Sprintf("keystoretest-%x", b)
		t.Cleanup(func() {
			if err := s.Delete(id); err != nil {
				t.Errorf("cleanup Delete(%q): %v", id, err)
			}
		})
		return id
	}

	t.Run("RoundTrip", func(t *testing.T) {
		id := newID(t)
		key := randomKey()
		blob, err := s.Wrap(id, key)
		if err != nil {
			t.Fatalf("Wrap: %v", err)
		}
		if bytes.Contains(blob, key) {
			t.Fatal("the blob contains the key in clear")
		}
		got, err := s.Unwrap(id, blob)
		if err != nil {
			t.Fatalf("Unwrap: %v", err)
		}
		if !bytes.Equal(got, key) {
			t.Fatalf("Unwrap = %x, want %x", got, key)
		}
		// The caller may wipe what it got without harming the blob.
		clear(got)
		again, err := s.Unwrap(id, blob)
		if err != nil || !bytes.Equal(again, key) {
			t.Fatalf("second Unwrap = %x, %v; want %x", again, err, key)
		}
	})

	t.Run("UnicodeID", func(t *testing.T) {
		id := newID(t) + "-認証 vault/\x7f"
		t.Cleanup(func() { s.Delete(id) })
		key := randomKey()
		blob, err := s.Wrap(id, key)
		if err != nil {
			t.Fatalf("Wrap: %v", err)
		}
		if got, err := s.Unwrap(id, blob); err != nil || !bytes.Equal(got, key) {
			t.Fatalf("Unwrap = %x, %v; want %x", got, err, key)
		}
	})

	// A save wraps the key again; the file it replaces (and vault.bak, and a
	// save that crashed before its rename) holds an older blob, which must
	// keep working.
	t.Run("OlderBlobsStillOpen", func(t *testing.T) {
		id := newID(t)
		k1, k2 := randomKey(), randomKey()
		b1, err := s.Wrap(id, k1)
		if err != nil {
			t.Fatalf("Wrap 1: %v", err)
		}
		b2, err := s.Wrap(id, k2)
		if err != nil {
			t.Fatalf("Wrap 2: %v", err)
		}
		b1again, err := s.Wrap(id, k1)
		if err != nil {
			t.Fatalf("Wrap 3: %v", err)
		}
		if bytes.Equal(b1, b1again) {
			t.Error("wrapping the same key twice gave the same blob; want a fresh nonce or salt each time")
		}
		for i, c := range []struct {
			blob, key []byte
		}{{b1, k1}, {b2, k2}, {b1again, k1}} {
			if got, err := s.Unwrap(id, c.blob); err != nil || !bytes.Equal(got, c.key) {
				t.Errorf("blob %d: Unwrap = %x, %v; want %x", i+1, got, err, c.key)
			}
		}
	})

	t.Run("WrongID", func(t *testing.T) {
		a, b := newID(t), newID(t)
		blob, err := s.Wrap(a, randomKey())
		if err != nil {
			t.Fatalf("Wrap: %v", err)
		}
		// b has never been used, then b has a key of its own.
		for round := 0; round < 2; round++ {
			key, err := s.Unwrap(b, blob)
			if !errors.Is(err, keystore.ErrKeyMissing) {
				t.Errorf("round %d: Unwrap under another id = %x, %v; want ErrKeyMissing", round, key, err)
			}
			if _, err := s.Wrap(b, randomKey()); err != nil {
				t.Fatalf("Wrap b: %v", err)
			}
		}
	})

	t.Run("WrongKeyLength", func(t *testing.T) {
		id := newID(t)
		for _, n := range []int{0, 1, 16, keystore.KeySize - 1, keystore.KeySize + 1, 64} {
			if blob, err := s.Wrap(id, make([]byte, n)); err == nil {
				t.Errorf("Wrap of a %d-byte key = %d-byte blob, nil; want an error", n, len(blob))
			}
		}
		if blob, err := s.Wrap("", randomKey()); err == nil {
			t.Errorf("Wrap with an empty id = %x, nil; want an error", blob)
		}
	})

	// A damaged blob never yields a key and never panics: every truncation,
	// some extensions, and every single-bit flip of the first bytes and of
	// the last ones.
	t.Run("DamagedBlob", func(t *testing.T) {
		id := newID(t)
		key := randomKey()
		blob, err := s.Wrap(id, key)
		if err != nil {
			t.Fatalf("Wrap: %v", err)
		}
		ignored := 0
		try := func(what string, bad []byte) {
			t.Helper()
			got, err := s.Unwrap(id, bad)
			if err == nil && opt.Malleable && bytes.Equal(got, key) {
				ignored++
				return
			}
			if err == nil {
				t.Errorf("%s: Unwrap = %x, nil; want an error", what, got)
				return
			}
			if !errors.Is(err, keystore.ErrKeyMissing) && !errors.Is(err, keystore.ErrInvalidBlob) {
				t.Errorf("%s: Unwrap error %q is neither ErrKeyMissing nor ErrInvalidBlob", what, err)
			}
		}
		for n := 0; n < len(blob); n++ {
			try(fmt.Sprintf("truncated to %d", n), blob[:n:n])
		}
		try("one byte more", append(bytes.Clone(blob), 0))
		try("doubled", append(bytes.Clone(blob), blob...))
		try("nil", nil)
		for i := 0; i < len(blob); i++ {
			if i >= 48 && i < len(blob)-48 && i%7 != 0 {
				continue // keep a long DPAPI blob quick
			}
			for bit := 0; bit < 8; bit++ {
				bad := bytes.Clone(blob)
				bad[i] ^= 1 << bit
				try(fmt.Sprintf("bit %d of byte %d flipped", bit, i), bad)
			}
		}
		if ignored > 0 {
			t.Logf("the store ignored %d of the damaged blobs (and gave back the right key)", ignored)
		}
		if got, err := s.Unwrap(id, blob); err != nil || !bytes.Equal(got, key) {
			t.Fatalf("the undamaged blob no longer unwraps: %x, %v", got, err)
		}
		if got, err := s.Unwrap("", blob); err == nil {
			t.Errorf("Unwrap with an empty id = %x, nil; want an error", got)
		}
	})

	t.Run("Delete", func(t *testing.T) {
		id := newID(t)
		if err := s.Delete(id); err != nil {
			t.Fatalf("Delete of an id never used: %v", err)
		}
		key := randomKey()
		blob, err := s.Wrap(id, key)
		if err != nil {
			t.Fatalf("Wrap: %v", err)
		}
		if err := s.Delete(id); err != nil {
			t.Fatalf("Delete: %v", err)
		}
		if err := s.Delete(id); err != nil {
			t.Fatalf("second Delete: %v", err)
		}
		got, err := s.Unwrap(id, blob)
		if opt.DeleteForgets {
			if !errors.Is(err, keystore.ErrKeyMissing) {
				t.Fatalf("Unwrap after Delete = %x, %v; want ErrKeyMissing", got, err)
			}
			if err.Error() != keystore.ErrKeyMissing.Error() {
				t.Errorf("Unwrap after Delete: error %q, want exactly %q", err, keystore.ErrKeyMissing)
			}
		} else if err != nil || !bytes.Equal(got, key) {
			t.Fatalf("Unwrap after Delete = %x, %v; want the key (this store keeps nothing)", got, err)
		}
		// The id is usable again.
		key2 := randomKey()
		blob2, err := s.Wrap(id, key2)
		if err != nil {
			t.Fatalf("Wrap after Delete: %v", err)
		}
		if got, err := s.Unwrap(id, blob2); err != nil || !bytes.Equal(got, key2) {
			t.Fatalf("Unwrap after re-Wrap = %x, %v", got, err)
		}
		if opt.DeleteForgets {
			if got, err := s.Unwrap(id, blob); !errors.Is(err, keystore.ErrKeyMissing) {
				t.Errorf("a blob from before Delete opens after re-Wrap: %x, %v", got, err)
			}
		}
	})
}

func randomKey() []byte {
	k := make([]byte, keystore.KeySize)
	rand.Read(k)
	return k
}
