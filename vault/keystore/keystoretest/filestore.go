package keystoretest

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/deskauth/deskauth/vault/keystore"
	"golang.org/x/crypto/chacha20poly1305"
)

// FileStore is a fake OS key store for tests, kept in files so that it
// outlives a process (a CLI script runs one per command) and so that a test
// can take the OS's part: removing Dir, or one key file, is "the keyring item
// was deleted"; Seed puts a known key there, so a committed golden vault
// opens on any machine.
//
// Like the Keychain and Secret Service stores, it keeps one random
// key-encryption key (KEK) per vault id, in Dir, and the blob is the vault
// key sealed under it with XChaCha20-Poly1305, the id as associated data:
// a 24-byte nonce followed by the 48-byte sealed key. It passes Run with
// DeleteForgets.
type FileStore struct{ Dir string }

const fileBlobSize = chacha20poly1305.NonceSizeX + keystore.KeySize + chacha20poly1305.Overhead

// kekPath names a KEK file by the id in hex: ids may hold any character.
func (s FileStore) kekPath(id string) string {
	return filepath.Join(s.Dir, hex.EncodeToString([]byte(id)))
}

// Seed stores kek as the KEK of vault id, replacing any there.
func (s FileStore) Seed(id string, kek []byte) error {
	if len(kek) != chacha20poly1305.KeySize {
		return fmt.Errorf("fake key store: a KEK must be %d bytes, not %d", chacha20poly1305.KeySize, len(kek))
	}
	if err := os.MkdirAll(s.Dir, 0o700); err != nil {
		return err
	}
	return os.WriteFile(s.kekPath(id), kek, 0o600)
}

// kek returns id's KEK, or nil if there is none (or the file is not one).
func (s FileStore) kek(id string) ([]byte, error) {
	kek, err := os.ReadFile(s.kekPath(id))
	if errors.Is(err, fs.ErrNotExist) || err == nil && len(kek) != chacha20poly1305.KeySize {
		return nil, nil
	}
	return kek, err
}

// Wrap reuses id's KEK when there is one, so blobs of earlier saves still
// unwrap.
func (s FileStore) Wrap(id string, key []byte) ([]byte, error) {
	if id == "" {
		return nil, errors.New("fake key store: empty vault id")
	}
	if len(key) != keystore.KeySize {
		return nil, fmt.Errorf("fake key store: a vault key must be %d bytes, not %d", keystore.KeySize, len(key))
	}
	kek, err := s.kek(id)
	if err != nil {
		return nil, err
	}
	if kek == nil {
		kek = make([]byte, chacha20poly1305.KeySize)
		rand.Read(kek)
		if err := s.Seed(id, kek); err != nil {
			return nil, err
		}
	}
	aead, err := chacha20poly1305.NewX(kek)
	if err != nil {
		return nil, err
	}
	nonce := make([]byte, aead.NonceSize(), fileBlobSize)
	rand.Read(nonce)
	return aead.Seal(nonce, nonce, key, []byte(id)), nil
}

func (s FileStore) Unwrap(id string, blob []byte) ([]byte, error) {
	if id == "" {
		return nil, errors.New("fake key store: empty vault id")
	}
	if len(blob) != fileBlobSize {
		return nil, fmt.Errorf("%w: %d bytes, want %d", keystore.ErrInvalidBlob, len(blob), fileBlobSize)
	}
	kek, err := s.kek(id)
	if err != nil {
		return nil, err
	}
	if kek == nil {
		return nil, keystore.ErrKeyMissing
	}
	aead, err := chacha20poly1305.NewX(kek)
	if err != nil {
		return nil, err
	}
	key, err := aead.Open(nil, blob[:aead.NonceSize()], blob[aead.NonceSize():], []byte(id))
	if err != nil {
		return nil, fmt.Errorf("%w (the stored key does not match this vault)", keystore.ErrKeyMissing)
	}
	return key, nil
}

func (s FileStore) Delete(id string) error {
	if id == "" {
		return errors.New("fake key store: empty vault id")
	}
	if err := os.Remove(s.kekPath(id)); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return err
	}
	return nil
}
