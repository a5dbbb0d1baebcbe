package keystore

import (
	"crypto/rand"
	"errors"
	"fmt"
	"strings"
	"sync"

	"golang.org/x/crypto/chacha20poly1305"
)

// A kekStore is a Store for OSes that keep a secret rather than seal data
// (Keychain, Secret Service, and the in-memory fake): the OS holds a random
// key-encryption key (KEK) per vault, and the blob is the master key sealed
// with XChaCha20-Poly1305 under that KEK, the vault id as associated data.
//
// Blob layout (blobSize bytes): version byte 1, 24-byte nonce, 32-byte
// sealed key, 16-byte tag. The fixed size means a blob that would unwrap to a
// key of any other length is refused before the KEK is even fetched.
type kekStore struct {
	secrets secrets
	// mu keeps Wrap's get-or-create of a KEK atomic within the process; the
	// vault's file lock does the same across processes.
	mu sync.Mutex
}

// secrets is where a kekStore keeps its KEKs. get returns errNoSecret when
// there is none for id; any other error already wraps ErrUnavailable.
type secrets interface {
	get(id string) ([]byte, error)
	set(id string, kek []byte) error
	delete(id string) error
}

var errNoSecret = errors.New("no secret stored")

const (
	blobVersion = 1
	blobSize    = 1 + chacha20poly1305.NonceSizeX + KeySize + chacha20poly1305.Overhead
)

func checkID(id string) error {
	if id == "" {
		return errors.New("keystore: empty vault id")
	}
	return nil
}

func checkKey(key []byte) error {
	if len(key) != KeySize {
		return fmt.Errorf("keystore: a vault key must be %d bytes, not %d", KeySize, len(key))
	}
	return nil
}

// Wrap reuses the KEK already stored for id when there is a good one, so that a
// blob written by an earlier save (the previous vault file, vault.bak, a save
// that crashed before its rename) still unwraps after a new Wrap.
func (s *kekStore) Wrap(id string, key []byte) ([]byte, error) {
	if err := checkID(id); err != nil {
		return nil, err
	}
	if err := checkKey(key); err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()

	kek, err := s.secrets.get(id)
	switch {
	case err == nil && len(kek) == KeySize:
	case err == nil || errors.Is(err, errNoSecret):
		// Missing, or not a KEK of ours: nothing sealed under it can be
		// opened anyway, so a fresh one loses nothing.
		clear(kek)
		if kek, err = s.newKEK(id); err != nil {
			return nil, err
		}
	default:
		return nil, err
	}
	defer clear(kek)

	aead, err := chacha20poly1305.NewX(kek)
	if err != nil {
		return nil, fmt.Errorf("keystore: %v", err)
	}
	blob := make([]byte, 1+chacha20poly1305.NonceSizeX, blobSize)
	blob[0] = blobVersion
	if _, err := rand.Read(blob[1:]); err != nil {
		return nil, fmt.Errorf("keystore: no randomness: %v", err)
	}
	return aead.Seal(blob, blob[1:], key, []byte(id)), nil
}

// newKEK stores a fresh KEK for id and reads it back, because a store that
// accepted it but cannot return it would leave a vault whose os slot never
// opens.
func (s *kekStore) newKEK(id string) ([]byte, error) {
	kek := make([]byte, KeySize)
	if _, err := rand.Read(kek); err != nil {
		return nil, fmt.Errorf("keystore: no randomness: %v", err)
	}
	if err := s.secrets.set(id, kek); err != nil {
		clear(kek)
		if errors.Is(err, errNoSecret) {
			err = fmt.Errorf("%w: the key store did not keep the key", ErrUnavailable)
		}
		return nil, err
	}
	back, err := s.secrets.get(id)
	defer clear(back)
	if err != nil || string(back) != string(kek) {
		clear(kek)
		if err == nil || errors.Is(err, errNoSecret) {
			err = fmt.Errorf("%w: the key store did not keep the key", ErrUnavailable)
		}
		return nil, err
	}
	return kek, nil
}

func (s *kekStore) Unwrap(id string, blob []byte) ([]byte, error) {
	if err := checkID(id); err != nil {
		return nil, err
	}
	if len(blob) != blobSize {
		return nil, fmt.Errorf("%w: %d bytes, want %d", ErrInvalidBlob, len(blob), blobSize)
	}
	if blob[0] != blobVersion {
		return nil, fmt.Errorf("%w: unknown version %d", ErrInvalidBlob, blob[0])
	}
	kek, err := s.secrets.get(id)
	defer clear(kek)
	switch {
	case errors.Is(err, errNoSecret):
		return nil, fmt.Errorf("%w", ErrKeyMissing)
	case err != nil:
		return nil, err
	case len(kek) != KeySize:
		return nil, fmt.Errorf("%w (the stored item is not a DeskAuth key)", ErrKeyMissing)
	}
	aead, err := chacha20poly1305.NewX(kek)
	if err != nil {
		return nil, fmt.Errorf("keystore: %v", err)
	}
	nonce := blob[1 : 1+chacha20poly1305.NonceSizeX]
	key, err := aead.Open(nil, nonce, blob[1+chacha20poly1305.NonceSizeX:], []byte(id))
	if err != nil {
		// The item under this id holds another key than the one this blob
		// was sealed with (replaced, or the vault came from elsewhere).
		return nil, fmt.Errorf("%w (the stored key does not match this vault)", ErrKeyMissing)
	}
	return key, nil
}

func (s *kekStore) Delete(id string) error {
	if err := checkID(id); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.secrets.delete(id); err != nil && !errors.Is(err, errNoSecret) {
		return err
	}
	return nil
}

// unavailable wraps an OS error as ErrUnavailable on one line, followed by
// what the user can do about it.
func unavailable(cause error, hint string) error {
	msg := strings.Join(strings.Fields(cause.Error()), " ")
	return fmt.Errorf("%w: %s; %s", ErrUnavailable, msg, hint)
}
