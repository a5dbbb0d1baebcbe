package vault

import (
	"errors"
	"fmt"
	"path/filepath"
	"testing"

	"github.com/deskauth/deskauth/vault/keystore"
)

// badBlobStore wraps like a real store but says every blob is malformed on
// the way back, as DPAPI does when its blob unseals to the wrong length.
type badBlobStore struct{ keystore.Store }

func (badBlobStore) Unwrap(string, []byte) ([]byte, error) {
	return nil, fmt.Errorf("%w: 7 bytes", keystore.ErrInvalidBlob)
}

func TestOSSlotInvalidBlobIsCorrupt(t *testing.T) {
	path := filepath.Join(t.TempDir(), "v.vault")
	mem := keystore.NewMemory()
	v, err := Create(path, Protection{Store: mem})
	if err != nil {
		t.Fatal(err)
	}
	v.Close()
	_, err = Read(path, Unlocker{Store: badBlobStore{mem}})
	if !errors.Is(err, ErrCorrupt) {
		t.Errorf("err = %v, want ErrCorrupt", err)
	}
}
