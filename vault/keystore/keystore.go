// Package keystore protects a vault's master key with the operating system:
// DPAPI on Windows, the Keychain on macOS and the Secret Service on Linux.
//
// A Store never sees the vault itself, only a 32-byte key. Where the OS keeps
// the secret (Keychain, Secret Service) it holds a random key-encryption key
// under the vault's ID, and the vault file holds the master key sealed with it;
// where the OS seals data itself (DPAPI) the vault file holds the sealed blob.
package keystore

import "errors"

// ErrKeyMissing means the OS key store no longer has the key an os slot needs
// (the keyring item was deleted, or the vault was copied to another user or
// machine).
var ErrKeyMissing = errors.New("OS key store no longer has this vault's key")

// ErrUnavailable means there is no usable OS key store here (no Secret Service
// running, an unsupported platform).
var ErrUnavailable = errors.New("no OS key store is available")

// ErrInvalidBlob means an os slot's blob is malformed (wrong length or
// version) or would unwrap to a key of the wrong size. It is found before any
// key is used.
var ErrInvalidBlob = errors.New("the os slot's wrapped key is malformed")

// KeySize is the length in bytes of the master key a Store wraps. Wrap refuses
// any other length and Unwrap never returns one.
const KeySize = 32

// Default returns the key store of this platform: DPAPI on Windows, the
// Keychain on macOS, the Secret Service on Linux. It returns an error wrapping
// ErrUnavailable, with a hint of what to do, where there is none (another
// platform, or a Linux session without a D-Bus session bus). A store that
// exists can still answer ErrUnavailable later, for instance when the
// Secret Service is not running or its keyring cannot be unlocked.
func Default() (Store, error) { return platformStore() }

// Store wraps and unwraps a vault's master key with the OS.
type Store interface {
	// Wrap protects key for the vault identified by id and returns the blob to
	// keep in the vault file's os slot.
	Wrap(id string, key []byte) (blob []byte, err error)
	// Unwrap recovers the key from a blob made by Wrap. It returns an error
	// wrapping ErrKeyMissing when the OS no longer holds what it needs.
	Unwrap(id string, blob []byte) (key []byte, err error)
	// Delete forgets whatever the store keeps for id; it is not an error if
	// there is nothing.
	Delete(id string) error
}
