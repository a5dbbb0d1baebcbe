package vault

import (
	"errors"
	"os"
	"path/filepath"
	"testing"
)

func TestEncodeBackupOpensWithVaultOpen(t *testing.T) {
	accts := []Account{
		{Issuer: "株式会社テスト", Name: "山田", Kind: TOTP, Algorithm: SHA256, Digits: 8, Period: 60, Secret: []byte("0123456789abcdef0123")},
		{Issuer: "Bank", Name: "bob", Kind: HOTP, Algorithm: SHA1, Digits: 6, Counter: 42, Secret: []byte("12345678901234567890")},
	}
	data, err := EncodeBackup(accts, Settings{TimeSource: "ntp://"}, []byte("backup pw"))
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "backup.vault")
	if err := os.WriteFile(path, data, 0o600); err != nil {
		t.Fatal(err)
	}
	v, err := Open(path, Unlocker{Password: func() ([]byte, error) { return []byte("backup pw"), nil }})
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	defer v.Close()
	if len(v.Accounts()) != 2 || !v.Accounts()[0].Equal(accts[0]) || !v.Accounts()[1].Equal(accts[1]) {
		t.Fatalf("accounts = %+v", v.Accounts())
	}
	if pw, os := v.Protection(); !pw || os {
		t.Fatalf("protection = %v %v, want password only", pw, os)
	}

	got, settings, err := DecodeBackup(data, []byte("backup pw"))
	if err != nil || len(got) != 2 || !got[0].Equal(accts[0]) || settings.TimeSource != "ntp://" {
		t.Fatalf("DecodeBackup = %+v %+v %v", got, settings, err)
	}
	if _, _, err := DecodeBackup(data, []byte("wrong")); !errors.Is(err, ErrWrongPassword) {
		t.Fatalf("wrong password: %v", err)
	}
	if _, _, err := DecodeBackup(data[:len(data)-1], []byte("backup pw")); !errors.Is(err, ErrCorrupt) {
		t.Fatalf("truncated: %v", err)
	}
	if _, err := EncodeBackup(accts, Settings{}, nil); err == nil {
		t.Fatal("an empty password was accepted")
	}
	if !IsVaultFile(data) || IsVaultFile([]byte("otpauth://")) {
		t.Fatal("IsVaultFile")
	}
}

func TestEncodeBackupRefusesInvalidAccount(t *testing.T) {
	if _, err := EncodeBackup([]Account{{Name: "x", Kind: TOTP}}, Settings{}, []byte("pw")); !errors.Is(err, ErrInvalidAccount) {
		t.Fatalf("err = %v", err)
	}
}

// EncodeBackup works on its own copies: the caller's secrets survive it.
func TestEncodeBackupLeavesCallersSecrets(t *testing.T) {
	accts := sampleAccounts()
	if _, err := EncodeBackup(accts, Settings{}, []byte("pw")); err != nil {
		t.Fatal(err)
	}
	sameAccounts(t, accts, sampleAccounts())
}
