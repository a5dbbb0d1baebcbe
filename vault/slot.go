package vault

import (
	"crypto/rand"
	"errors"
	"fmt"
	"sync"

	"github.com/deskauth/deskauth/vault/keystore"
	"golang.org/x/crypto/argon2"
	"golang.org/x/crypto/chacha20poly1305"
)

// Key slots: each one holds the vault's master key, wrapped under a different
// secret. Unlocking needs any one of them.

var (
	kdfMu   sync.Mutex
	saveKDF = defaultKDF
)

// SetArgon2CostForTests makes new password slots use Argon2id with time t,
// memory m KiB and parallelism p instead of the defaults (t=3, m=64 MiB, p=4),
// and returns a function restoring the previous cost. It exists only so test
// suites, the CLI's scripts included, do not spend seconds per save; it is not
// reachable from any flag or setting, and files it writes open normally
// because the cost is stored in each slot.
func SetArgon2CostForTests(t, m uint32, p uint8) (restore func()) {
	kdfMu.Lock()
	defer kdfMu.Unlock()
	old := saveKDF
	saveKDF = kdfParams{Time: t, Memory: m, Threads: p}
	return func() {
		kdfMu.Lock()
		saveKDF = old
		kdfMu.Unlock()
	}
}

func currentKDF() kdfParams {
	kdfMu.Lock()
	defer kdfMu.Unlock()
	return saveKDF
}

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

func deriveKEK(password []byte, s *passwordSlot) []byte {
	return argon2.IDKey(password, s.Salt[:], s.KDF.Time, s.KDF.Memory, s.KDF.Threads, chacha20poly1305.KeySize)
}

// newPasswordSlot wraps master under password with a fresh salt and nonce.
// It returns the slot and the key-encryption key, which lets the caller check
// the slot without running Argon2id a second time.
func newPasswordSlot(id [idLen]byte, password, master []byte) (*passwordSlot, error) {
	s := &passwordSlot{KDF: currentKDF()}
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
	aead, err := chacha20poly1305.NewX(kek)
	if err != nil {
		return nil, err
	}
	s.Wrapped = aead.Seal(nil, s.Nonce[:], master, slotAD(id, s))
	return s, nil
}

// openPasswordSlot recovers the master key. A failed unwrap can only mean a
// wrong password here: the file's checksum already matched.
func openPasswordSlot(id [idLen]byte, s *passwordSlot, password []byte) ([]byte, error) {
	if len(s.Wrapped) != wrappedLen {
		return nil, corruptf("the wrapped key is %d bytes (want %d)", len(s.Wrapped), wrappedLen)
	}
	aead, err := chacha20poly1305.NewX(deriveKEK(password, s))
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
