package vault

import (
	"errors"
	"math/rand/v2"
	"strings"
	"testing"
	"time"
)

// jbswKey is the key of the Base32 text JBSWY3DPEHPK3PXP ("Hello!\xde\xad\xbe\xef").
var jbswKey = []byte("Hello!\xde\xad\xbe\xef")

var parseCases = []struct {
	name string
	uri  string
	want Account
}{
	{"google example", "otpauth://totp/Example:alice@google.com?secret=JBSWY3DPEHPK3PXP&issuer=Example",
		Account{Issuer: "Example", Name: "alice@google.com", Kind: TOTP, Algorithm: SHA1, Digits: 6, Period: 30, Secret: jbswKey}},
	{"lower-case secret, spaces", "otpauth://totp/Example:alice?secret=jbsw y3dp ehpk 3pxp&issuer=Example",
		Account{Issuer: "Example", Name: "alice", Kind: TOTP, Algorithm: SHA1, Digits: 6, Period: 30, Secret: jbswKey}},
	{"dashes and %20", "otpauth://totp/alice?secret=JBSW-Y3DP%20EHPK-3PXP",
		Account{Name: "alice", Kind: TOTP, Algorithm: SHA1, Digits: 6, Period: 30, Secret: jbswKey}},
	{"= padding", "otpauth://totp/alice?secret=MZXW6===&issuer=X",
		Account{Issuer: "X", Name: "alice", Kind: TOTP, Algorithm: SHA1, Digits: 6, Period: 30, Secret: []byte("foo")}},
	{"%3D padding", "otpauth://totp/alice?secret=MZXW6%3D%3D%3D&issuer=X",
		Account{Issuer: "X", Name: "alice", Kind: TOTP, Algorithm: SHA1, Digits: 6, Period: 30, Secret: []byte("foo")}},
	{"unpadded", "otpauth://totp/alice?secret=MZXW6&issuer=X",
		Account{Issuer: "X", Name: "alice", Kind: TOTP, Algorithm: SHA1, Digits: 6, Period: 30, Secret: []byte("foo")}},
	{"+ in issuer", "otpauth://totp/Trend%20Micro:abc?secret=MZXW6&issuer=Trend+Micro",
		Account{Issuer: "Trend Micro", Name: "abc", Kind: TOTP, Algorithm: SHA1, Digits: 6, Period: 30, Secret: []byte("foo")}},
	{"raw spaces in issuer", "otpauth://totp/abc****?secret=MZXW6&issuer=Trend Micro SaaS Account",
		Account{Issuer: "Trend Micro SaaS Account", Name: "abc****", Kind: TOTP, Algorithm: SHA1, Digits: 6, Period: 30, Secret: []byte("foo")}},
	{"%3A separator with space", "otpauth://totp/ACME%20Co%3A%20john.doe%40email.com?secret=MZXW6&issuer=ACME%20Co",
		Account{Issuer: "ACME Co", Name: "john.doe@email.com", Kind: TOTP, Algorithm: SHA1, Digits: 6, Period: 30, Secret: []byte("foo")}},
	{"issuer only in label", "otpauth://totp/GitHub:octocat?secret=MZXW6",
		Account{Issuer: "GitHub", Name: "octocat", Kind: TOTP, Algorithm: SHA1, Digits: 6, Period: 30, Secret: []byte("foo")}},
	{"issuer param wins over label", "otpauth://totp/Old:bob?secret=MZXW6&issuer=New",
		Account{Issuer: "New", Name: "bob", Kind: TOTP, Algorithm: SHA1, Digits: 6, Period: 30, Secret: []byte("foo")}},
	{"plus kept in label", "otpauth://totp/Mail:me+2fa@example.com?secret=MZXW6",
		Account{Issuer: "Mail", Name: "me+2fa@example.com", Kind: TOTP, Algorithm: SHA1, Digits: 6, Period: 30, Secret: []byte("foo")}},
	{"japanese label", "otpauth://totp/%E7%AE%A1%E7%90%86%E3%82%B3%E3%83%B3%E3%82%BD%E3%83%BC%E3%83%AB:%E5%B1%B1%E7%94%B0?secret=MZXW6&issuer=%E7%AE%A1%E7%90%86%E3%82%B3%E3%83%B3%E3%82%BD%E3%83%BC%E3%83%AB",
		Account{Issuer: "管理コンソール", Name: "山田", Kind: TOTP, Algorithm: SHA1, Digits: 6, Period: 30, Secret: []byte("foo")}},
	{"raw utf-8 label", "otpauth://totp/管理コンソール:山田?secret=MZXW6",
		Account{Issuer: "管理コンソール", Name: "山田", Kind: TOTP, Algorithm: SHA1, Digits: 6, Period: 30, Secret: []byte("foo")}},
	{"upper-case scheme and type, sha256, 8 digits, 60 s", "OTPAUTH://TOTP/x?SECRET=MZXW6&Algorithm=sha256&digits=8&period=60",
		Account{Name: "x", Kind: TOTP, Algorithm: SHA256, Digits: 8, Period: 60, Secret: []byte("foo")}},
	{"hotp", "otpauth://hotp/x?secret=MZXW6&counter=42&algorithm=SHA512",
		Account{Name: "x", Kind: HOTP, Algorithm: SHA512, Digits: 6, Counter: 42, Secret: []byte("foo")}},
	{"steam type", "otpauth://steam/Steam:gaben?secret=MZXW6&issuer=Steam",
		Account{Issuer: "Steam", Name: "gaben", Kind: Steam, Algorithm: SHA1, Digits: 5, Period: 30, Secret: []byte("foo")}},
	{"steam encoder", "otpauth://totp/Steam:gaben?secret=MZXW6&issuer=Steam&encoder=steam&digits=5",
		Account{Issuer: "Steam", Name: "gaben", Kind: Steam, Algorithm: SHA1, Digits: 5, Period: 30, Secret: []byte("foo")}},
	{"17-char masked manual example", "otpauth://totp/abc****?secret=ABCDEFGHJKLMN2345&issuer=Trend%20Micro%20SaaS%20Account",
		Account{Issuer: "Trend Micro SaaS Account", Name: "abc****", Kind: TOTP, Algorithm: SHA1, Digits: 6, Period: 30,
			Secret: []byte{0x00, 0x44, 0x32, 0x14, 0xc7, 0x4a, 0x96, 0xc6, 0xeb, 0x7c}}}, // Python: base64.b32decode("ABCDEFGHJKLMN234")
	{"image and unknown params ignored, fragment dropped", "otpauth://totp/x?secret=MZXW6&image=https%3A%2F%2Fa%2Fb.png&foo=bar#frag",
		Account{Name: "x", Kind: TOTP, Algorithm: SHA1, Digits: 6, Period: 30, Secret: []byte("foo")}},
	{"surrounding whitespace, full-width secret", "  otpauth://totp/x?secret=ｍｚｘｗ６ \n",
		Account{Name: "x", Kind: TOTP, Algorithm: SHA1, Digits: 6, Period: 30, Secret: []byte("foo")}},
	{"broken escape kept", "otpauth://totp/100%zz:x?secret=MZXW6",
		Account{Issuer: "100%zz", Name: "x", Kind: TOTP, Algorithm: SHA1, Digits: 6, Period: 30, Secret: []byte("foo")}},
}

func TestParseURI(t *testing.T) {
	for _, tc := range parseCases {
		got, err := ParseURI(tc.uri)
		if err != nil {
			t.Errorf("%s: %v", tc.name, err)
			continue
		}
		if !got.Equal(tc.want) {
			t.Errorf("%s:\n got %+v\nwant %+v", tc.name, got, tc.want)
		}
	}
}

var rejectCases = []struct {
	name, uri, wantMsg string
}{
	{"not otpauth", "https://example.com/?secret=MZXW6", "does not start with otpauth://"},
	{"empty", "", "does not start with otpauth://"},
	{"no secret", "otpauth://totp/x?issuer=X", "secret is missing"},
	{"empty secret", "otpauth://totp/x?secret=&issuer=X", "secret is missing"},
	{"only padding", "otpauth://totp/x?secret===%3D", "secret is missing"},
	{"non-base32 secret", "otpauth://totp/x?secret=MZXW01", "not Base32"},
	{"secret too short", "otpauth://totp/x?secret=M", "too short"},
	{"unknown type", "otpauth://motp/x?secret=MZXW6", `unknown type "motp"`},
	{"missing type", "otpauth:///x?secret=MZXW6", "type (totp or hotp) is missing"},
	{"md5", "otpauth://totp/x?secret=MZXW6&algorithm=MD5", `unsupported algorithm "MD5"`},
	{"digits 5", "otpauth://totp/x?secret=MZXW6&digits=5", "digits must be between 6 and 10"},
	{"digits 11", "otpauth://totp/x?secret=MZXW6&digits=11", "digits must be between 6 and 10"},
	{"digits text", "otpauth://totp/x?secret=MZXW6&digits=six", "digits \"six\" is not a whole number"},
	{"period 0", "otpauth://totp/x?secret=MZXW6&period=0", "period must be between 1 and 3600"},
	{"period negative", "otpauth://totp/x?secret=MZXW6&period=-30", "period must be between 1 and 3600"},
	{"hotp without counter", "otpauth://hotp/x?secret=MZXW6", "needs a counter"},
	{"hotp bad counter", "otpauth://hotp/x?secret=MZXW6&counter=-1", "counter \"-1\" is not a whole number"},
}

func TestParseURIRejects(t *testing.T) {
	for _, tc := range rejectCases {
		_, err := ParseURI(tc.uri)
		if err == nil {
			t.Errorf("%s: accepted", tc.name)
			continue
		}
		if !errors.Is(err, ErrInvalidURI) {
			t.Errorf("%s: error %q does not wrap ErrInvalidURI", tc.name, err)
		}
		if !strings.Contains(err.Error(), tc.wantMsg) {
			t.Errorf("%s: error %q does not say %q", tc.name, err, tc.wantMsg)
		}
		if strings.Contains(err.Error(), "\n") {
			t.Errorf("%s: error has more than one line: %q", tc.name, err)
		}
	}
}

// TestErrorsNeverQuoteSecret feeds secrets that are invalid in different ways
// and checks the error text does not contain them.
func TestErrorsNeverQuoteSecret(t *testing.T) {
	for _, secret := range []string{"SUPERSECRET0VALUE", "SECRETSECRET&digits=4", "SECRETSECRETSECRET&algorithm=md5"} {
		_, err := ParseURI("otpauth://totp/x?secret=" + secret)
		if err == nil {
			t.Fatalf("%s accepted", secret)
		}
		if strings.Contains(strings.ToUpper(err.Error()), "SECRETSECRET") || strings.Contains(err.Error(), "SUPERSECRET") {
			t.Errorf("error quotes the secret: %v", err)
		}
	}
}

// TestManualExampleMatchesFirst16 checks the Google Authenticator rule for
// invalid Base32 lengths: the 17-character example decodes to the same key as
// its first 16 characters, so the codes are the ones the admin's phone shows.
func TestManualExampleMatchesFirst16(t *testing.T) {
	k17, err := DecodeSecret("ABCDEFGHJKLMN2345")
	if err != nil {
		t.Fatal(err)
	}
	k16, err := DecodeSecret("ABCDEFGHJKLMN234")
	if err != nil {
		t.Fatal(err)
	}
	if string(k17) != string(k16) {
		t.Fatalf("17-char key %x differs from 16-char key %x", k17, k16)
	}
	a, err := ParseURI("otpauth://totp/abc****?secret=ABCDEFGHJKLMN2345&issuer=Trend%20Micro%20SaaS%20Account")
	if err != nil {
		t.Fatal(err)
	}
	// oathtool --totp -b ABCDEFGHJKLMN234 --now '2020-05-01 00:00:00 UTC'
	if code, _ := a.Code(time.Date(2020, 5, 1, 0, 0, 0, 0, time.UTC)); code != "213305" {
		t.Errorf("code = %s, want 213305", code)
	}
}

func TestDecodeSecretEncodeSecret(t *testing.T) {
	for n := 1; n <= 70; n++ {
		key := make([]byte, n)
		for i := range key {
			key[i] = byte(i*37 + n)
		}
		text := EncodeSecret(key)
		if strings.ContainsAny(text, "=") || len(text) != (n*8+4)/5 {
			t.Fatalf("EncodeSecret(%d bytes) = %q", n, text)
		}
		got, err := DecodeSecret(strings.ToLower(text))
		if err != nil || string(got) != string(key) {
			t.Fatalf("round trip of %d bytes: %x, %v", n, got, err)
		}
	}
}

func TestNewAccountFromBareSecret(t *testing.T) {
	a, err := NewAccount(" Example ", " alice ", "jbsw y3dp ehpk 3pxp")
	if err != nil {
		t.Fatal(err)
	}
	want := Account{Issuer: "Example", Name: "alice", Kind: TOTP, Algorithm: SHA1, Digits: 6, Period: 30, Secret: jbswKey}
	if !a.Equal(want) {
		t.Errorf("got %+v", a)
	}
	if _, err := NewAccount("X", "y", "jbsw 0000"); !errors.Is(err, ErrInvalidAccount) {
		t.Errorf("a secret with 0s: err = %v, want ErrInvalidAccount", err)
	}
	if _, err := NewAccount("X", "y", " - "); err == nil {
		t.Error("an empty secret was accepted")
	}
}

// randomAccount returns a valid account with awkward labels: Japanese,
// reserved URI characters, colons, percent signs and plus signs.
func randomAccount(rng *rand.Rand) Account {
	pieces := []string{"", "a", "Z", "管理", "コンソール", " ", ":", "%", "+", "&", "?", "=", "#", "/", "@", "-", ".", "~", "é", "100%", "%3A"}
	word := func() string {
		var b strings.Builder
		for range rng.IntN(5) {
			b.WriteString(pieces[rng.IntN(len(pieces))])
		}
		return strings.TrimSpace(b.String())
	}
	key := make([]byte, 1+rng.IntN(64))
	for i := range key {
		key[i] = byte(rng.Uint32())
	}
	a := Account{Issuer: word(), Name: word(), Secret: key, Algorithm: []Algorithm{SHA1, SHA256, SHA512}[rng.IntN(3)]}
	switch rng.IntN(3) {
	case 0:
		a.Kind, a.Digits, a.Period = TOTP, MinDigits+rng.IntN(MaxDigits-MinDigits+1), 1+rng.IntN(300)
	case 1:
		a.Kind, a.Digits, a.Counter = HOTP, MinDigits+rng.IntN(MaxDigits-MinDigits+1), rng.Uint64()
	case 2:
		a.Kind, a.Digits, a.Period, a.Algorithm = Steam, SteamDigits, 30, SHA1
	}
	return a
}

// TestURIRoundTrip is a property test: ParseURI(a.URI()) == a for random
// valid accounts.
func TestURIRoundTrip(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 11))
	for range 5000 {
		a := randomAccount(rng)
		got, err := ParseURI(a.URI())
		if err != nil {
			t.Fatalf("%+v: URI %q: %v", a, a.URI(), err)
		}
		if !got.Equal(a) {
			t.Fatalf("round trip changed the account\n in  %+v\n uri %s\n out %+v", a, a.URI(), got)
		}
	}
}

func FuzzParseURI(f *testing.F) {
	for _, tc := range parseCases {
		f.Add(tc.uri)
	}
	for _, tc := range rejectCases {
		f.Add(tc.uri)
	}
	f.Fuzz(func(t *testing.T, uri string) {
		a, err := ParseURI(uri)
		if err != nil {
			if !errors.Is(err, ErrInvalidURI) {
				t.Fatalf("error %q does not wrap ErrInvalidURI", err)
			}
			if strings.Contains(err.Error(), "\n") {
				t.Fatalf("multi-line error %q", err)
			}
			return
		}
		if err := a.Validate(); err != nil {
			t.Fatalf("ParseURI returned an invalid account: %v", err)
		}
		if _, err := a.Code(time.Unix(1700000000, 0)); err != nil {
			t.Fatalf("Code failed on a parsed account: %v", err)
		}
		// A parsed account is canonical from then on: formatting and parsing
		// again must give the same account.
		b, err := ParseURI(a.URI())
		if err != nil {
			t.Fatalf("re-parse of %q: %v", a.URI(), err)
		}
		if !b.Equal(a) {
			t.Fatalf("re-parse changed %+v into %+v", a, b)
		}
	})
}
