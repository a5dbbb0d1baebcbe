package keystore

import (
	"bytes"
	"errors"
	"testing"

	"golang.org/x/sys/windows"
)

// The shared suite against real DPAPI lives in dpapi_windows_test.go
// (package keystore_test); these look inside the blob.

// A DPAPI blob that holds anything but a KeySize key is refused, and the
// bytes are never handed out.
func TestDPAPIWrongLengthRejected(t *testing.T) {
	for _, n := range []int{1, KeySize - 1, KeySize + 1, 64} {
		inner := bytes.Repeat([]byte{0xA5}, n)
		var out windows.DataBlob
		if err := windows.CryptProtectData(blobOf(inner), nil, blobOf(entropy("v")), 0, nil, windows.CRYPTPROTECT_UI_FORBIDDEN, &out); err != nil {
			t.Fatalf("CryptProtectData: %v", err)
		}
		blob := takeBlob(&out)
		key, err := dpapi{}.Unwrap("v", blob)
		if !errors.Is(err, ErrInvalidBlob) || key != nil {
			t.Errorf("%d-byte key inside: Unwrap = %x, %v; want nil, ErrInvalidBlob", n, key, err)
		}
	}
}

// Without the entropy (the vault id), DPAPI itself refuses the blob: the id
// really is bound in, not just checked by us.
func TestDPAPIEntropyBindsID(t *testing.T) {
	key := bytes.Repeat([]byte{1}, KeySize)
	blob, err := dpapi{}.Wrap("vault-a", key)
	if err != nil {
		t.Fatal(err)
	}
	var out windows.DataBlob
	err = windows.CryptUnprotectData(blobOf(blob), nil, nil, 0, nil, windows.CRYPTPROTECT_UI_FORBIDDEN, &out)
	got := takeBlob(&out)
	if err == nil {
		t.Fatalf("CryptUnprotectData without entropy = %x, nil; want an error", got)
	}
}
