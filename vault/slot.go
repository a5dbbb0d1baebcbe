package vault

import (
	"bytes"
	"crypto/rand"
	"errors"
	"fmt"

	"github.com/deskauth/deskauth/vault/keystore"
	"golang.org/x/crypto/argon2"
	"golang.org/x/crypto/chacha20poly1305"
)

// Key slots: each one holds the vault's master key, wrapped under a different
// secret. Unlocking needs any one of them.

// slotAD binds a password slot's wrapped key to its own parameters and to the
// vault ID, so a slot cannot be moved between vaults or have its cost edited
// without the unwrap failing.
func slotAD(id [idLen]byte, s *passwordSlot) []byte {
	ad := []byte("deskauth v1 password slot")
	ad = append(ad, id[:]...)
	ad = append(ad, s.Salt[:]...)
	ad = fmt.Appendf(ad, "t=%d m=%d p=%d", s.KDF.Time, s.KDF.Memory, s.KDF.Threads)
	return ad
}

// deriveKEK runs Argon2id with the slot's salt and cost. It is a variable only
// so tests can count the runs.
var deriveKEK = func(password []byte, s *passwordSlot) []byte {
	return argon2.IDKey(password, s.Salt[:], s.KDF.Time, s.KDF.Memory, s.KDF.Threads, chacha20poly1305.KeySize)
}

// newPasswordSlot wraps master under password with a fresh salt and nonce,
// at the given cost. It runs Argon2id once: the new slot is checked with the
// key-encryption key it was sealed with, which is then wiped.
func newPasswordSlot(id [idLen]byte, password, master []byte, cost Argon2Cost) (*passwordSlot, error) {
	s := &passwordSlot{KDF: cost}
	// Never write a cost that Open would refuse.
	if err := s.KDF.check(readLimits); err != nil {
		return nil, fmt.Errorf("vault: bad Argon2id cost: %v", err)
	}
	if _, err := rand.Read(s.Salt[:]); err != nil {
		return nil, err
	}
	if _, err := rand.Read(s.Nonce[:]); err != nil {
		return nil, err
	}
	kek := deriveKEK(password, s)
	defer wipe(kek)
	aead, err := chacha20poly1305.NewX(kek)
	if err != nil {
		return nil, err
	}
	s.Wrapped = aead.Seal(nil, s.Nonce[:], master, slotAD(id, s))
	back, err := aead.Open(nil, s.Nonce[:], s.Wrapped, slotAD(id, s))
	defer wipe(back)
	if err != nil || !bytes.Equal(back, master) {
		return nil, errors.New("vault: the new password slot does not unwrap")
	}
	return s, nil
}

// openPasswordSlot recovers the master key. A failed unwrap can only mean a
// wrong password here: the file's checksum already matched.
func openPasswordSlot(id [idLen]byte, s *passwordSlot, password []byte) ([]byte, error) {
	if len(s.Wrapped) != wrappedLen {
		return nil, corruptf("the wrapped key is %d bytes (want %d)", len(s.Wrapped), wrappedLen)
	}
	kek := deriveKEK(password, s)
	defer wipe(kek)
	aead, err := chacha20poly1305.NewX(kek)
	if err != nil {
		return nil, err
	}
	master, err := aead.Open(nil, s.Nonce[:], s.Wrapped, slotAD(id, s))
	if err != nil {
		return nil, ErrWrongPassword
	}
	return master, nil
}

// openOSSlot asks the OS key store for the master key. Errors from the store
// (keystore.ErrKeyMissing, keystore.ErrUnavailable) pass through wrapped.
func openOSSlot(store keystore.Store, id [idLen]byte, s *osSlot) ([]byte, error) {
	if store == nil {
		return nil, fmt.Errorf("%w: this vault is protected by the OS key store", keystore.ErrUnavailable)
	}
	key, err := store.Unwrap(vaultIDString(id), s.Blob)
	if err != nil {
		if errors.Is(err, keystore.ErrKeyMissing) || errors.Is(err, keystore.ErrUnavailable) {
			return nil, err
		}
		if errors.Is(err, keystore.ErrInvalidBlob) {
			return nil, corruptf("the OS key slot is damaged: %v", err)
		}
		return nil, fmt.Errorf("OS key store could not unlock the vault: %v", err)
	}
	if len(key) != masterKeyLen {
		return nil, corruptf("the OS key store returned a %d-byte key (want %d)", len(key), masterKeyLen)
	}
	return key, nil
}

func vaultIDString(id [idLen]byte) string {
	return fmt.Sprintf("%x", id[:])
}
