package transfer

import (
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/deskauth/deskauth/vault"
)

// theSeven are the accounts of testdata/import-samples/plain.txt, written out
// by hand from that file.
var theSeven = map[string]vault.Account{
	"Deno":       {Issuer: "Deno", Name: "Mason", Kind: vault.TOTP, Algorithm: vault.SHA1, Digits: 6, Period: 30, Secret: b32("4SJHB4GSD43FZBAI7C2HLRJGPQ")},
	"SPDX":       {Issuer: "SPDX", Name: "James", Kind: vault.TOTP, Algorithm: vault.SHA256, Digits: 7, Period: 20, Secret: b32("5OM4WOOGPLQEF6UGN3CPEOOLWU")},
	"Airbnb":     {Issuer: "Airbnb", Name: "Elijah", Kind: vault.TOTP, Algorithm: vault.SHA512, Digits: 8, Period: 50, Secret: b32("7ELGJSGXNCCTV3O6LKJWYFV2RA")},
	"Issuu":      {Issuer: "Issuu", Name: "James", Kind: vault.HOTP, Algorithm: vault.SHA1, Digits: 6, Counter: 1, Secret: b32("YOOMIXWS5GN6RTBPUFFWKTW5M4")},
	"Air Canada": {Issuer: "Air Canada", Name: "Benjamin", Kind: vault.HOTP, Algorithm: vault.SHA256, Digits: 7, Counter: 50, Secret: b32("KUVJJOM753IHTNDSZVCNKL7GII")},
	"WWE":        {Issuer: "WWE", Name: "Mason", Kind: vault.HOTP, Algorithm: vault.SHA512, Digits: 8, Counter: 10300, Secret: b32("5VAML3X35THCEBVRLV24CGBKOY")},
	"Boeing":     {Issuer: "Boeing", Name: "Sophia", Kind: vault.Steam, Algorithm: vault.SHA1, Digits: 5, Period: 30, Secret: b32("JRZCL47CMXVOQMNPZR2F7J4RGI")},
}

func b32(s string) []byte {
	k, err := vault.DecodeSecret(s)
	if err != nil {
		panic(err)
	}
	return k
}

func seven(issuers ...string) []vault.Account {
	if len(issuers) == 0 {
		issuers = []string{"Deno", "SPDX", "Airbnb", "Issuu", "Air Canada", "WWE", "Boeing"}
	}
	var out []vault.Account
	for _, i := range issuers {
		out = append(out, theSeven[i])
	}
	return out
}

func password(pw string) func() ([]byte, error) {
	return func() ([]byte, error) { return []byte(pw), nil }
}

// sameAccounts reports whether got and want hold the same accounts, in any
// order, comparing every field.
func sameAccounts(t *testing.T, got, want []vault.Account) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("got %d accounts, want %d: %v", len(got), len(want), labels(got))
	}
	used := make([]bool, len(got))
next:
	for _, w := range want {
		for i, g := range got {
			if !used[i] && g.Equal(w) {
				used[i] = true
				continue next
			}
		}
		t.Errorf("missing %s/%s (%s %d digits, period %d, counter %d)\n got %v", w.Label(), w.Kind, w.Algorithm, w.Digits, w.Period, w.Counter, labels(got))
	}
}

func labels(accts []vault.Account) []string {
	var out []string
	for _, a := range accts {
		out = append(out, a.Label()+"/"+string(a.Kind))
	}
	return out
}

// TestImportSamples: each real export file imports to exactly the accounts
// it holds of the 7 in plain.txt, every field equal; Steam stays Steam.
func TestImportSamples(t *testing.T) {
	steamFromBitwarden := theSeven["Boeing"]
	steamFromBitwarden.Issuer, steamFromBitwarden.Name = "Test Steam", ""
	cases := []struct {
		file   string
		format Format
		pw     string
		want   []vault.Account
	}{
		{"plain.txt", OTPAuth, "", seven()},
		{"ente_auth.txt", OTPAuth, "", seven()},
		{"aegis_plain.json", Aegis, "", seven()},
		{"aegis_encrypted.json", Aegis, "test", seven()},
		{"2fas_authenticator_plain_v4.2fas", TwoFAS, "", seven("Deno", "Issuu", "Air Canada", "WWE", "Boeing")},
		{"2fas_authenticator_encrypted_v4.2fas", TwoFAS, "test", seven("Deno", "Issuu", "Air Canada", "WWE", "Boeing")},
		{"bitwarden.json", Bitwarden, "", append(seven("Deno", "SPDX", "Airbnb"), steamFromBitwarden)},
	}
	for _, c := range cases {
		t.Run(c.file, func(t *testing.T) {
			opt := Options{}
			if c.pw != "" {
				opt.Password = password(c.pw)
			}
			res, err := ParseFile(filepath.Join("testdata", "import-samples", c.file), opt)
			if err != nil {
				t.Fatal(err)
			}
			if res.Format != c.format {
				t.Errorf("detected %s, want %s", res.Format, c.format)
			}
			if len(res.Problems) != 0 {
				t.Errorf("problems: %v", res.Problems)
			}
			sameAccounts(t, res.Accounts, c.want)
			if c.pw != "" {
				_, err := ParseFile(filepath.Join("testdata", "import-samples", c.file), Options{Password: password("wrong")})
				if !errors.Is(err, vault.ErrWrongPassword) {
					t.Errorf("wrong password: %v", err)
				}
				_, err = ParseFile(filepath.Join("testdata", "import-samples", c.file), Options{})
				if !errors.Is(err, ErrPasswordRequired) {
					t.Errorf("no password: %v", err)
				}
			}
		})
	}
}

func TestImportSamplesAsForcedFormat(t *testing.T) {
	data, err := os.ReadFile("testdata/import-samples/ente_auth.txt")
	if err != nil {
		t.Fatal(err)
	}
	res, err := Parse(data, Options{Format: Ente})
	if err != nil || res.Format != Ente {
		t.Fatal(res, err)
	}
	sameAccounts(t, res.Accounts, seven())
}
