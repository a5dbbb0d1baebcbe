package vault

import (
	"bytes"
	"encoding/json"
	"errors"
	"strings"
	"testing"
)

// TestEncodeContentsIsJSONMarshal: the hand-written payload is byte for byte
// what json.Marshal makes of it, fills its buffer exactly (no reallocation
// that would leave a copy of a secret behind), and reads back.
func TestEncodeContentsIsJSONMarshal(t *testing.T) {
	for _, accts := range [][]Account{nil, sampleAccounts(), goldenAccounts(),
		{{Issuer: "a\"b\\c<>&\u2028", Name: "日本", Kind: TOTP, Algorithm: SHA1, Digits: 6, Period: 30, Secret: []byte{0}}}} {
		set := Settings{TimeSource: "ntp://ntp.nict.jp"}
		got, err := encodeContents(accts, set)
		if err != nil {
			t.Fatal(err)
		}
		if accts == nil {
			accts = []Account{}
		}
		want, _ := json.Marshal(contents{Accounts: accts, Settings: set})
		if !bytes.Equal(got, want) {
			t.Fatalf("encodeContents:\n%s\njson.Marshal:\n%s", got, want)
		}
		if len(got) != cap(got) {
			t.Errorf("buffer of %d bytes has capacity %d", len(got), cap(got))
		}
		p, err := decodeContents(got)
		if err != nil {
			t.Fatal(err)
		}
		sameAccounts(t, p.Accounts, accts)
	}
}

// TestCloseWipesSecrets (issue 9 #9): Close zeroes every account's secret,
// the master key, and drops the keys.
func TestCloseWipesSecrets(t *testing.T) {
	path := newVault(t, Protection{Argon2: testCost, Password: []byte("pw")}, sampleAccounts())
	v, err := Open(path, pw("pw"))
	if err != nil {
		t.Fatal(err)
	}
	accts := append([]Account(nil), v.accounts...) // a caller's copy shares the secrets
	master := v.master
	v.Close()
	for i, a := range accts {
		if !allZero(a.Secret) {
			t.Errorf("account %d's secret survives Close", i)
		}
	}
	if !allZero(master) || v.master != nil || v.password != nil {
		t.Error("the master key survives Close")
	}
}

// FuzzDecodeContents feeds the payload parser what FuzzOpen cannot reach
// past the payload's authentication tag: arbitrary JSON. What it accepts is
// can make codes, and encodes and decodes back to the same accounts.
func FuzzDecodeContents(f *testing.F) {
	for _, accts := range [][]Account{nil, sampleAccounts(), goldenAccounts()} {
		b, _ := encodeContents(accts, Settings{TimeSource: "ntp://ntp.nict.jp"})
		f.Add(b)
	}
	f.Add([]byte(`{"accounts":[{"name":"a","kind":"hotp","algorithm":"sha1","digits":6,"counter":18446744073709551615,"secret":"AA=="}]}`))
	f.Add([]byte(`{"accounts":null,"settings":{}}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		p, err := decodeContents(data)
		if err != nil {
			if !errors.Is(err, ErrCorrupt) || strings.ContainsAny(err.Error(), "\n\r") {
				t.Fatalf("error %q", err)
			}
			return
		}
		for _, a := range p.Accounts {
			if err := a.validateKey(); err != nil {
				t.Fatalf("accepted an account that cannot make codes: %v", err)
			}
		}
		again, err := encodeContents(p.Accounts, p.Settings)
		if err != nil {
			t.Fatal(err)
		}
		q, err := decodeContents(again)
		if err != nil {
			t.Fatalf("re-encoded payload rejected: %v", err)
		}
		sameAccounts(t, q.Accounts, p.Accounts)
	})
}
