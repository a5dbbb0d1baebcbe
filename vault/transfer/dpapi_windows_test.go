//go:build windows

package transfer

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"strings"
	"testing"
	"unsafe"

	"github.com/deskauth/deskauth/vault"
	"golang.org/x/sys/windows"
)

// dpapiProtect is CryptProtectData, as .NET's ProtectedData.Protect calls it
// for WinAuth: this user's scope, or the machine's.
func dpapiProtect(t *testing.T, plain []byte, machine bool) []byte {
	t.Helper()
	in := windows.DataBlob{Size: uint32(len(plain)), Data: &plain[0]}
	var out windows.DataBlob
	flags := uint32(windows.CRYPTPROTECT_UI_FORBIDDEN)
	if machine {
		flags |= windows.CRYPTPROTECT_LOCAL_MACHINE
	}
	if err := windows.CryptProtectData(&in, nil, nil, 0, nil, flags, &out); err != nil {
		t.Fatalf("CryptProtectData: %v", err)
	}
	defer windows.LocalFree(windows.Handle(unsafe.Pointer(out.Data)))
	return append([]byte(nil), unsafe.Slice(out.Data, out.Size)...)
}

// TestWinAuthDPAPI reads winauth.xml files protected with DPAPI for the user,
// for the machine, and both, as WinAuthConfig.WriteXmlString writes them
// (EncryptSequence: "WINAUTH3", salt, SHA-256(salt || plain), protected data).
func TestWinAuthDPAPI(t *testing.T) {
	inner := []byte(`<?xml version="1.0" encoding="utf-8"?><config><WinAuthAuthenticator id="1" type="WinAuth.GoogleAuthenticator"><name>GitHub (alice)</name><authenticatordata><secretdata>3132333435363738393031323334353637383930` + "\t6\tSHA1\t30" + `</secretdata></authenticatordata></WinAuthAuthenticator></config>`)
	for _, types := range []string{"u", "m", "um"} {
		t.Run(types, func(t *testing.T) {
			salt := make([]byte, 8)
			rand.Read(salt)
			sum := sha256.Sum256(append(append([]byte(nil), salt...), inner...))
			data := inner
			if strings.Contains(types, "u") {
				data = dpapiProtect(t, data, false)
			}
			if strings.Contains(types, "m") {
				data = dpapiProtect(t, data, true)
			}
			text := strings.ToUpper(winauthHeader + hex.EncodeToString(salt) + hex.EncodeToString(sum[:]) + hex.EncodeToString(data))
			file := `<WinAuth version="3.6"><data encrypted="` + types + `">` + text + `</data></WinAuth>`
			res, err := Parse([]byte(file), Options{})
			if err != nil {
				t.Fatal(err)
			}
			want := vault.Account{Issuer: "GitHub", Name: "alice", Kind: vault.TOTP, Algorithm: vault.SHA1, Digits: 6, Period: 30, Secret: []byte("12345678901234567890")}
			if len(res.Accounts) != 1 || !res.Accounts[0].Equal(want) {
				t.Fatalf("%+v %v", res.Accounts, res.Problems)
			}
			// Damaged protected data: Windows refuses it, and the error says so.
			bad := strings.Replace(file, text[len(text)-8:], "00000000", 1)
			if _, err := Parse([]byte(bad), Options{}); !errors.Is(err, ErrNeedsWindows) && !errors.Is(err, vault.ErrWrongPassword) {
				t.Fatalf("damaged: %v", err)
			}
		})
	}
}
