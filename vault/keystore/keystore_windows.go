package keystore

import (
	"fmt"
	"unsafe"

	"golang.org/x/sys/windows"
)

// dpapi seals the master key with DPAPI in the user's scope: only this Windows
// user on this machine (or a roaming profile of it) can unseal it. The blob is
// DPAPI's output; Windows keeps nothing per vault, so Delete has nothing to do.
type dpapi struct{}

func platformStore() (Store, error) { return dpapi{}, nil }

// dpapiDescription is shown by tools that list DPAPI blobs; it is not secret.
const dpapiDescription = "DeskAuth vault key"

// maxDPAPIBlob bounds what Unwrap hands to Windows; a real blob for a 32-byte
// key is a few hundred bytes.
const maxDPAPIBlob = 64 << 10

// entropy binds a blob to its vault id, as associated data does for the
// keyring stores: a blob moved into another vault's os slot does not open.
func entropy(id string) []byte {
	return append([]byte("DeskAuth vault key\x00"), id...)
}

func blobOf(b []byte) *windows.DataBlob {
	return &windows.DataBlob{Size: uint32(len(b)), Data: unsafe.SliceData(b)}
}

// takeBlob copies DPAPI's output into Go memory, then wipes and frees it.
func takeBlob(out *windows.DataBlob) []byte {
	if out.Data == nil {
		return nil
	}
	defer windows.LocalFree(windows.Handle(unsafe.Pointer(out.Data)))
	b := unsafe.Slice(out.Data, out.Size)
	defer clear(b)
	return append([]byte(nil), b...)
}

func (dpapi) Wrap(id string, key []byte) ([]byte, error) {
	if err := checkID(id); err != nil {
		return nil, err
	}
	if err := checkKey(key); err != nil {
		return nil, err
	}
	desc, err := windows.UTF16PtrFromString(dpapiDescription)
	if err != nil {
		return nil, fmt.Errorf("keystore: %v", err)
	}
	var out windows.DataBlob
	err = windows.CryptProtectData(blobOf(key), desc, blobOf(entropy(id)), 0, nil, windows.CRYPTPROTECT_UI_FORBIDDEN, &out)
	blob := takeBlob(&out)
	if err != nil {
		return nil, unavailable(fmt.Errorf("DPAPI CryptProtectData: %v", err), "protect the vault with a password instead")
	}
	return blob, nil
}

func (dpapi) Unwrap(id string, blob []byte) ([]byte, error) {
	if err := checkID(id); err != nil {
		return nil, err
	}
	if len(blob) == 0 || len(blob) > maxDPAPIBlob {
		return nil, fmt.Errorf("%w: %d bytes", ErrInvalidBlob, len(blob))
	}
	var out windows.DataBlob
	err := windows.CryptUnprotectData(blobOf(blob), nil, blobOf(entropy(id)), 0, nil, windows.CRYPTPROTECT_UI_FORBIDDEN, &out)
	key := takeBlob(&out)
	if err != nil {
		// DPAPI cannot tell a blob sealed for another user or machine from
		// a damaged one (the file's checksum catches damage first).
		return nil, fmt.Errorf("%w (Windows could not unseal it for this user: %v)", ErrKeyMissing, err)
	}
	if len(key) != KeySize {
		clear(key)
		return nil, fmt.Errorf("%w: it holds %d bytes, not %d", ErrInvalidBlob, len(key), KeySize)
	}
	return key, nil
}

func (dpapi) Delete(id string) error { return checkID(id) }
