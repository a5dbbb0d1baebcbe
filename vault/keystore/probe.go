package keystore

import (
	"bytes"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
)

// Probe tells whether s works here and now, before a vault depends on it: it
// wraps a throwaway key under a throwaway ID, unwraps it, and deletes it.
// A setup screen calls it first, so that where no key store runs (no Secret
// Service, say) it can offer password protection instead of failing later.
// Its error wraps ErrUnavailable when the store cannot be used.
func Probe(s Store) error {
	var id [8]byte
	key := make([]byte, KeySize)
	if _, err := rand.Read(id[:]); err != nil {
		return err
	}
	if _, err := rand.Read(key); err != nil {
		return err
	}
	name := "probe-" + hex.EncodeToString(id[:])
	blob, err := s.Wrap(name, key)
	if err != nil {
		return probeError(err)
	}
	defer s.Delete(name)
	got, err := s.Unwrap(name, blob)
	if err != nil {
		return probeError(err)
	}
	if !bytes.Equal(got, key) {
		return fmt.Errorf("%w: the key store gave back another key", ErrUnavailable)
	}
	return nil
}

func probeError(err error) error {
	if errors.Is(err, ErrUnavailable) {
		return err
	}
	return fmt.Errorf("%w: %v", ErrUnavailable, err)
}
