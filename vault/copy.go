package vault

import (
	"bytes"
	"crypto/rand"
	"errors"
	"fmt"

	"golang.org/x/crypto/chacha20poly1305"
)

// An encrypted backup is a complete vault file (FORMAT.md) with a fresh ID,
// a fresh master key and a single password slot under a password of its own.
// It is the recovery path for a vault protected only by the OS key store:
// Open reads it with that password like any vault, and DecodeBackup reads it
// without touching the disk.

// EncodeBackup returns a vault file holding accts and settings, protected by
// password alone. The result is checked by decoding it before it is
// returned. The password must not be empty.
func EncodeBackup(accts []Account, settings Settings, password []byte) ([]byte, error) {
	if len(password) == 0 {
		return nil, errors.New("the backup password is empty")
	}
	for i, a := range accts {
		if err := a.Validate(); err != nil {
			return nil, fmt.Errorf("account %d (%s): %w", i+1, a.Label(), err)
		}
	}
	// The temporary vault gets its own copies of the secrets: its Close
	// wipes them, and the caller's must stay intact.
	own := make([]Account, len(accts))
	for i, a := range accts {
		a.Secret = bytes.Clone(a.Secret)
		own[i] = a
	}
	v := &Vault{accounts: own, Settings: settings}
	defer v.Close()
	if _, err := rand.Read(v.id[:]); err != nil {
		return nil, err
	}
	if err := v.SetProtection(Protection{Password: password}); err != nil {
		return nil, err
	}
	return v.encode()
}

// DecodeBackup opens a vault file held in memory with its password and
// returns its accounts and settings. A wrong password gives ErrWrongPassword;
// a file that is not a vault, or is damaged, ErrCorrupt; a vault with no
// password slot (OS key store only) ErrPasswordRequired.
func DecodeBackup(data, password []byte) ([]Account, Settings, error) {
	parts, err := decodeFile(data)
	if err != nil {
		return nil, Settings{}, err
	}
	h := parts.Header
	if h.Password == nil {
		return nil, Settings{}, fmt.Errorf("%w (this file is protected only by another PC's key store)", ErrPasswordRequired)
	}
	master, err := openPasswordSlot(h.ID, h.Password, password)
	if err != nil {
		return nil, Settings{}, err
	}
	defer wipe(master)
	aead, err := chacha20poly1305.NewX(master)
	if err != nil {
		return nil, Settings{}, err
	}
	plain, err := aead.Open(nil, h.Nonce[:], parts.Ciphertext, parts.AD)
	if err != nil {
		return nil, Settings{}, corruptf("the contents fail authentication (the header or data was altered)")
	}
	defer wipe(plain)
	c, err := decodeContents(plain)
	if err != nil {
		return nil, Settings{}, err
	}
	return c.Accounts, c.Settings, nil
}

// IsVaultFile reports whether data starts like a DeskAuth vault file.
func IsVaultFile(data []byte) bool {
	return len(data) >= len(magic) && string(data[:len(magic)]) == magic
}
