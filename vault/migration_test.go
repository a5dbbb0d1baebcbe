package vault

import (
	"encoding/base64"
	"errors"
	"net/url"
	"strings"
	"testing"
)

// googleExample is the export of the Key Uri Format's example account, as
// widely published: Example:alice@google.com, key JBSWY3DPEHPK3PXP, batch 1 of 1.
const googleExample = "otpauth-migration://offline?data=CjEKCkhlbGxvId6tvu8SGEV4YW1wbGU6YWxpY2VAZ29vZ2xlLmNvbRoHRXhhbXBsZSABKAEwAhABGAEgACjr4JKK%2Bv%2F%2F%2F%2F8B"

func TestParseMigrationGoogleExample(t *testing.T) {
	m, err := ParseMigration(googleExample)
	if err != nil {
		t.Fatal(err)
	}
	want := Account{Issuer: "Example", Name: "alice@google.com", Kind: TOTP, Algorithm: SHA1, Digits: 6, Period: 30, Secret: jbswKey}
	if len(m.Accounts) != 1 || !m.Accounts[0].Equal(want) {
		t.Fatalf("accounts = %+v", m.Accounts)
	}
	if m.Size != 1 || m.Index != 0 || m.BatchID >= 0 || len(m.Skipped) != 0 {
		t.Errorf("batch = %d of %d, id %d, skipped %v", m.Index, m.Size, m.BatchID, m.Skipped)
	}
}

// pb is a minimal protobuf writer for building test payloads.
type pb []byte

func (p pb) varint(field int, v uint64) pb {
	p = appendVarint(p, uint64(field)<<3|wireVarint)
	return appendVarint(p, v)
}

func (p pb) bytes(field int, v []byte) pb {
	p = appendVarint(p, uint64(field)<<3|wireBytes)
	p = appendVarint(p, uint64(len(v)))
	return append(p, v...)
}

func appendVarint(b []byte, v uint64) []byte {
	for v >= 0x80 {
		b = append(b, byte(v)|0x80)
		v >>= 7
	}
	return append(b, byte(v))
}

func migrationURI(payload []byte) string {
	return "otpauth-migration://offline?data=" + url.QueryEscape(base64.StdEncoding.EncodeToString(payload))
}

func TestParseMigrationSeveralAccounts(t *testing.T) {
	otp1 := pb(nil).bytes(1, []byte("foo")).bytes(2, []byte("管理:山田")).varint(4, 2).varint(5, 2).varint(6, 2)
	otp2 := pb(nil).bytes(1, []byte("bar")).bytes(2, []byte("bob")).bytes(3, []byte("Corp")).varint(6, 1).varint(7, 99).
		varint(4, 3).bytes(99, []byte("unknown field is skipped"))
	md5 := pb(nil).bytes(1, []byte("baz")).bytes(2, []byte("old")).varint(4, 4).varint(6, 2)
	payload := pb(nil).bytes(1, otp1).bytes(1, md5).bytes(1, otp2).varint(2, 1).varint(3, 3).varint(4, 1).varint(5, 1234)

	m, err := ParseMigration(migrationURI(payload))
	if err != nil {
		t.Fatal(err)
	}
	want := []Account{
		{Issuer: "管理", Name: "山田", Kind: TOTP, Algorithm: SHA256, Digits: 8, Period: 30, Secret: []byte("foo")},
		{Issuer: "Corp", Name: "bob", Kind: HOTP, Algorithm: SHA512, Digits: 6, Counter: 99, Secret: []byte("bar")},
	}
	if len(m.Accounts) != len(want) {
		t.Fatalf("got %d accounts, want %d: %+v", len(m.Accounts), len(want), m.Accounts)
	}
	for i := range want {
		if !m.Accounts[i].Equal(want[i]) {
			t.Errorf("account %d:\n got %+v\nwant %+v", i, m.Accounts[i], want[i])
		}
	}
	var fe *FieldError
	if len(m.Skipped) != 1 || !strings.Contains(m.Skipped[0].Label, "old") || !errors.As(m.Skipped[0].Err, &fe) ||
		fe.Field != FieldAlgorithm || fe.Reason != ReasonUnsupported || fe.Value != "MD5" {
		t.Errorf("skipped = %q, want the MD5 account named", m.Skipped)
	}
	if m.Size != 3 || m.Index != 1 || m.BatchID != 1234 {
		t.Errorf("batch %d of %d id %d", m.Index, m.Size, m.BatchID)
	}
	// The URL-safe alphabet without padding decodes too.
	urlSafe := "otpauth-migration://offline?data=" + base64.RawURLEncoding.EncodeToString(payload)
	if m2, err := ParseMigration(urlSafe); err != nil || len(m2.Accounts) != 2 {
		t.Errorf("URL-safe Base64: %d accounts, %v", len(m2.Accounts), err)
	}
}

var migrationRejects = []struct{ name, uri, msg string }{
	{"wrong scheme", "otpauth://totp/x?secret=MZXW6", "does not start with otpauth-migration://"},
	{"no data", "otpauth-migration://offline?foo=1", "data parameter is missing"},
	{"not base64", "otpauth-migration://offline?data=%%%%", "not Base64"},
	{"no accounts", migrationURI(pb(nil).varint(2, 1)), "holds no accounts"},
	{"truncated length", migrationURI([]byte{0x0a, 0x30, 0x0a}), "truncated"},
	{"overflowing varint", migrationURI([]byte{0x10, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f}), "overflows"},
	{"field zero", migrationURI([]byte{0x02, 0x00}), "numbered 0"},
	{"bad wire type", migrationURI([]byte{0x0f}), "unknown wire type"},
}

func TestParseMigrationRejects(t *testing.T) {
	for _, tc := range migrationRejects {
		_, err := ParseMigration(tc.uri)
		if !errors.Is(err, ErrInvalidMigration) || !strings.Contains(err.Error(), tc.msg) {
			t.Errorf("%s: err = %v, want ErrInvalidMigration saying %q", tc.name, err, tc.msg)
		}
	}
	raw, _ := base64.StdEncoding.DecodeString(strings.TrimPrefix(mustUnescape(t, googleExample), "otpauth-migration://offline?data="))
	for n := 0; n < len(raw); n++ {
		m, err := ParseMigration(migrationURI(raw[:n]))
		if err == nil && len(m.Accounts) == 1 && n < 2+0x31 {
			t.Errorf("truncation to %d bytes still yields the account", n)
		}
	}
}

func mustUnescape(t *testing.T, s string) string {
	u, err := url.QueryUnescape(s)
	if err != nil {
		t.Fatal(err)
	}
	return u
}

func FuzzParseMigration(f *testing.F) {
	f.Add(googleExample)
	for _, tc := range migrationRejects {
		f.Add(tc.uri)
	}
	f.Fuzz(func(t *testing.T, uri string) {
		m, err := ParseMigration(uri)
		if err != nil {
			if !errors.Is(err, ErrInvalidMigration) || strings.Contains(err.Error(), "\n") {
				t.Fatalf("bad error %q", err)
			}
			return
		}
		for _, a := range m.Accounts {
			if err := a.Validate(); err != nil {
				t.Fatalf("invalid account returned: %v", err)
			}
		}
	})
}
