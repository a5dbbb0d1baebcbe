package keystore

import (
	"errors"
	"sync"
)

// Memory is a Store that keeps its keys in this process, for tests of code
// that uses a Store. It seals blobs exactly as the Keychain and Secret Service
// stores do, so it behaves like them: Delete forgets the key, and Unwrap then
// fails with ErrKeyMissing. It passes the same test suite as the real stores
// (package keystoretest).
type Memory struct {
	kekStore
	mem *memorySecrets
}

// NewMemory returns an empty in-memory Store.
func NewMemory() *Memory {
	mem := &memorySecrets{keys: map[string][]byte{}}
	return &Memory{kekStore: kekStore{secrets: mem}, mem: mem}
}

// SetUnavailable makes every later call fail with ErrUnavailable while on is
// true, as a store does when its OS service is gone.
func (m *Memory) SetUnavailable(on bool) {
	m.mem.mu.Lock()
	defer m.mem.mu.Unlock()
	m.mem.down = on
}

type memorySecrets struct {
	mu   sync.Mutex
	keys map[string][]byte
	down bool
}

var errMemoryDown = errors.New("in-memory store switched off")

func (m *memorySecrets) get(id string) ([]byte, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.down {
		return nil, unavailable(errMemoryDown, "call SetUnavailable(false)")
	}
	k, ok := m.keys[id]
	if !ok {
		return nil, errNoSecret
	}
	return append([]byte(nil), k...), nil
}

func (m *memorySecrets) set(id string, kek []byte) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.down {
		return unavailable(errMemoryDown, "call SetUnavailable(false)")
	}
	m.keys[id] = append([]byte(nil), kek...)
	return nil
}

func (m *memorySecrets) delete(id string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.down {
		return unavailable(errMemoryDown, "call SetUnavailable(false)")
	}
	if _, ok := m.keys[id]; !ok {
		return errNoSecret
	}
	clear(m.keys[id])
	delete(m.keys, id)
	return nil
}
