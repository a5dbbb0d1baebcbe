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

// TestVaultOwnsItsSecrets: Add keeps its own copy of a secret, so Close
// wipes the vault's copy and not the caller's; a removed or replaced
// account's secret is wiped once the change is saved.
func TestVaultOwnsItsSecrets(t *testing.T) {
	path := newVault(t, Protection{Argon2: testCost, Password: []byte("pw")}, sampleAccounts())
	v, err := Open(path, pw("pw"))
	if err != nil {
		t.Fatal(err)
	}
	removed := v.Accounts()[1].Secret
	if err := v.Remove(1); err != nil {
		t.Fatal(err)
	}
	if !allZero(removed) {
		t.Error("a removed account's secret survives the save")
	}
	mine := Account{Issuer: "Mine", Name: "me", Kind: TOTP, Algorithm: SHA1, Digits: 6, Period: 30, Secret: []byte("my own secret bytes!")}
	if _, err := v.Add(mine); err != nil {
		t.Fatal(err)
	}
	stored := v.Accounts()[len(v.Accounts())-1].Secret
	re := v.Accounts()[0]
	old := re.Secret
	re.Secret = []byte("a new secret for re-enrolment")
	plan := v.Plan([]Account{re})
	if plan[0].Outcome != Reenrolment {
		t.Fatalf("plan %+v", plan[0])
	}
	if _, err := v.AddPlanned(plan); err != nil {
		t.Fatal(err)
	}
	if !allZero(old) {
		t.Error("a replaced secret survives the save")
	}
	v.Close()
	if string(mine.Secret) != "my own secret bytes!" || string(re.Secret) != "a new secret for re-enrolment" {
		t.Error("Close wiped the caller's copy of a secret")
	}
	if !allZero(stored) {
		t.Error("Close left the vault's copy")
	}
}
