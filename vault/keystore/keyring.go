//go:build linux || darwin

package keystore

import (
	"encoding/base64"
	"errors"
	"fmt"
	"time"

	"github.com/zalando/go-keyring"
)

// service is the name DeskAuth's items carry in the Keychain or Secret
// Service; the account (user) is the vault id.
const service = "DeskAuth"

// keyringTimeout bounds one call into the OS keyring. A locked keyring may show
// an unlock prompt and wait for the user, so this is generous; without it a
// session with no prompter would hang forever. A variable for tests.
var keyringTimeout = 2 * time.Minute

// osKeyring keeps KEKs, base64-encoded, through go-keyring.
type osKeyring struct {
	hint string // what the user can do when the store is unavailable
}

func (k osKeyring) call(f func() error) error {
	done := make(chan error, 1)
	go func() { done <- f() }()
	select {
	case err := <-done:
		switch {
		case err == nil:
			return nil
		case errors.Is(err, keyring.ErrNotFound):
			return errNoSecret
		}
		return unavailable(err, k.hint)
	case <-time.After(keyringTimeout):
		return unavailable(fmt.Errorf("no answer after %v (a locked keyring waiting for its password?)", keyringTimeout), k.hint)
	}
}

func (k osKeyring) get(id string) ([]byte, error) {
	var s string
	err := k.call(func() (err error) { s, err = keyring.Get(service, id); return err })
	if err != nil {
		return nil, err
	}
	kek, err := base64.StdEncoding.DecodeString(s)
	if err != nil {
		// Not ours; the caller treats it like a key of the wrong length.
		return nil, nil
	}
	return kek, nil
}

func (k osKeyring) set(id string, kek []byte) error {
	s := base64.StdEncoding.EncodeToString(kek)
	return k.call(func() error { return keyring.Set(service, id, s) })
}

func (k osKeyring) delete(id string) error {
	return k.call(func() error { return keyring.Delete(service, id) })
}
