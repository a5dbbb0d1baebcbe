package keystore

import (
	"bytes"
	"errors"
	"testing"

	"golang.org/x/crypto/chacha20poly1305"
)

// A blob whose sealed part is not exactly KeySize bytes is refused by its
// length alone, before the KEK is fetched: the store here would fail the
// test if it were asked.
func TestWrongLengthRejectedBeforeUse(t *testing.T) {
	s := &kekStore{secrets: panicSecrets{t}}
	for _, n := range []int{KeySize - 1, KeySize + 1, 0, 64} {
		blob := make([]byte, 1+chacha20poly1305.NonceSizeX+n+chacha20poly1305.Overhead)
		blob[0] = blobVersion
		if _, err := s.Unwrap("v", blob); !errors.Is(err, ErrInvalidBlob) {
			t.Errorf("sealed key of %d bytes: %v, want ErrInvalidBlob", n, err)
		}
	}
	blob := make([]byte, blobSize)
	blob[0] = blobVersion + 1
	if _, err := s.Unwrap("v", blob); !errors.Is(err, ErrInvalidBlob) {
		t.Errorf("unknown version: %v, want ErrInvalidBlob", err)
	}
}

type panicSecrets struct{ t *testing.T }

func (p panicSecrets) get(string) ([]byte, error) {
	p.t.Fatal("store asked for a KEK")
	return nil, nil
}
func (p panicSecrets) set(string, []byte) error { p.t.Fatal("store asked to set a KEK"); return nil }
func (p panicSecrets) delete(string) error      { p.t.Fatal("store asked to delete"); return nil }

// Something else under our service and id (not base64, or not 32 bytes) is not
// our key: Unwrap says the key is missing, and Wrap replaces it.
func TestForeignItem(t *testing.T) {
	m := NewMemory()
	key := bytes.Repeat([]byte{7}, KeySize)
	blob, err := m.Wrap("v", key)
	if err != nil {
		t.Fatal(err)
	}
	for _, foreign := range [][]byte{nil, []byte("hunter2"), make([]byte, KeySize+1)} {
		m.mem.keys["v"] = foreign
		if _, err := m.Unwrap("v", blob); !errors.Is(err, ErrKeyMissing) {
			t.Errorf("item %q: Unwrap = %v, want ErrKeyMissing", foreign, err)
		}
		blob2, err := m.Wrap("v", key)
		if err != nil {
			t.Fatalf("item %q: Wrap = %v", foreign, err)
		}
		if got, err := m.Unwrap("v", blob2); err != nil || !bytes.Equal(got, key) {
			t.Errorf("item %q: Unwrap after Wrap = %x, %v", foreign, got, err)
		}
		blob = blob2
	}
}

// A store that accepts a key but cannot give it back must not yield a blob:
// the vault would be saved with an os slot that never opens.
func TestWrapChecksTheStoreKeptTheKey(t *testing.T) {
	s := &kekStore{secrets: forgetful{}}
	if blob, err := s.Wrap("v", make([]byte, KeySize)); !errors.Is(err, ErrUnavailable) {
		t.Errorf("Wrap into a store that forgets = %x, %v; want ErrUnavailable", blob, err)
	}
}

type forgetful struct{}

func (forgetful) get(string) ([]byte, error) { return nil, errNoSecret }
func (forgetful) set(string, []byte) error   { return nil }
func (forgetful) delete(string) error        { return errNoSecret }
