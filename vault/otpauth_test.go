package vault

import (
	"errors"
	"math/rand/v2"
	"os"
	"path/filepath"
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
	// Issue 9 #2: labels that would rewrite a terminal or forge a line.
	{"OSC title in label", "otpauth://totp/Evil%1B%5D0%3Bpwned%07:alice?secret=MZXW6", "the issuer holds a control character (U+001B)"},
	{"clear screen in issuer", "otpauth://totp/alice?secret=MZXW6&issuer=%1B%5B2J", "the issuer holds a control character (U+001B)"},
	{"newline forges a line", "otpauth://totp/GitHub:alice%0A000000%20%20GitHub?secret=MZXW6", "the name holds a control character (U+000A)"},
	{"tab", "otpauth://totp/GitHub:al%09ice?secret=MZXW6", "the name holds a control character (U+0009)"},
	{"DEL", "otpauth://totp/GitHub:al%7Fice?secret=MZXW6", "(U+007F)"},
	{"C1 CSI", "otpauth://totp/GitHub:al%C2%9Bice?secret=MZXW6", "(U+009B)"},
	{"line separator", "otpauth://totp/GitHub:al%E2%80%A8ice?secret=MZXW6", "(U+2028)"},
	{"bidi override", "otpauth://totp/GitHub:al%E2%80%AEice?secret=MZXW6", "(U+202E)"},
	{"invalid UTF-8", "otpauth://totp/GitHub:al%FFice?secret=MZXW6", "the name is not valid UTF-8 text"},
	{"long name", "otpauth://totp/GitHub:" + strings.Repeat("a", MaxLabelLen+1) + "?secret=MZXW6", "the name is 257 bytes long (at most 256)"},
	// Issue 9 #3: bounds.
	{"period huge", "otpauth://totp/x?secret=MZXW6&period=9223372036854775807", "period must be between 1 and 3600"},
	{"period 3601", "otpauth://totp/x?secret=MZXW6&period=3601", "period must be between 1 and 3600"},
	{"counter wraps", "otpauth://hotp/x?secret=MZXW6&counter=18446744073709551615", "counter must be between 0 and 9007199254740991"},
	{"secret 257 bytes", "otpauth://totp/x?secret=" + EncodeSecret(make([]byte, MaxSecretLen+1)), "the secret is longer than 256 bytes"},
	// Found by FuzzParseURI: invalid UTF-8 before "secret" once panicked the
	// secret scrubber (strings.ToLower changed the byte length).
	{"invalid UTF-8 and secret", "otpAuth://0\xc6seCret", "unknown type \"0?seCret\""},
	{"secret 6.5 MB", "otpauth://totp/x?secret=" + strings.Repeat("KRSXG5CT", 800_000), "the secret is longer than 256 bytes"},
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

// TestFieldBoundsAccepted: the edges of each bound are accepted, and real
// labels (Japanese, e-mail addresses, emoji joined with ZWJ) pass the label
// rule.
func TestFieldBoundsAccepted(t *testing.T) {
	for _, uri := range []string{
		"otpauth://totp/x?secret=MZXW6&period=1",
		"otpauth://totp/x?secret=MZXW6&period=3600",
		"otpauth://hotp/x?secret=MZXW6&counter=9007199254740991",
		"otpauth://totp/x?secret=" + EncodeSecret(make([]byte, MaxSecretLen)),
		"otpauth://totp/%E9%8A%80%E8%A1%8C:%E5%B1%B1%E7%94%B0?secret=MZXW6",
		"otpauth://totp/Team%20%F0%9F%91%A9%E2%80%8D%F0%9F%92%BB:alice+2fa@example.com?secret=MZXW6",
		"otpauth://totp/GitHub:" + strings.Repeat("a", MaxLabelLen) + "?secret=MZXW6",
	} {
		if _, err := ParseURI(uri); err != nil {
			t.Errorf("%.80s: %v", uri, err)
		}
	}
}

// TestLabelRuleEverywhere: every way an account enters the vault (typed,
// renamed, added, imported from a migration payload) applies the label rule,
// with a *FieldError naming the field and reason.
func TestLabelRuleEverywhere(t *testing.T) {
	if _, err := NewAccount("Git\x1b[2JHub", "alice", "MZXW6"); !isField(err, FieldIssuer, ReasonControl) {
		t.Errorf("NewAccount: %v", err)
	}
	v, err := Create(filepath.Join(t.TempDir(), "v.vault"), Protection{Argon2: testCost, Password: []byte("pw")})
	if err != nil {
		t.Fatal(err)
	}
	defer v.Close()
	good := Account{Issuer: "GitHub", Name: "alice", Kind: TOTP, Algorithm: SHA1, Digits: 6, Period: 30, Secret: []byte("12345678901234567890")}
	bad := good
	bad.Name = "alice\n000000  GitHub"
	if _, err := v.Add(bad); !isField(err, FieldName, ReasonControl) {
		t.Errorf("Add: %v", err)
	}
	if _, err := v.Add(good); err != nil {
		t.Fatal(err)
	}
	if err := v.Rename(0, "GitHub", "\u202eecila"); !isField(err, FieldName, ReasonControl) {
		t.Errorf("Rename: %v", err)
	}
	long := good
	long.Secret = make([]byte, MaxSecretLen+1)
	if _, err := v.Add(long); !isField(err, FieldSecret, ReasonTooLong) {
		t.Errorf("Add with a long secret: %v", err)
	}
	if len(v.Accounts()) != 1 || v.Accounts()[0].Name != "alice" {
		t.Errorf("accounts after refusals: %+v", v.Accounts())
	}
	m := pb{}.bytes(1, pb{}.bytes(1, []byte("12345678901234567890")).bytes(2, []byte("a\x07b")).varint(6, 2))
	p := ReadPayloads(migrationURI(m))
	if len(p.Accounts) != 0 || len(p.Notes) != 1 || !isField(p.Notes[0].Err, FieldName, ReasonControl) {
		t.Errorf("migration payload with a BEL in the name: %+v", p)
	}
}

func isField(err error, f Field, r Reason) bool {
	var fe *FieldError
	return errors.As(err, &fe) && fe.Field == f && fe.Reason == r && errors.Is(err, ErrInvalidAccount) &&
		!strings.ContainsAny(err.Error(), "\n\r\x1b")
}

// TestErrorsNeverQuoteAnySecret (issue 9 #4) is a property test: whatever
// else is wrong with a URI, and wherever a secret= sits (its own parameter,
// or inside another parameter's value as in "period=30;secret=KRSX…"), no
// error text contains four characters in a row of any secret.
func TestErrorsNeverQuoteAnySecret(t *testing.T) {
	rng := rand.New(rand.NewPCG(4, 4))
	// Upper-case secrets, compared case-sensitively: the error prose is
	// lower case but for the algorithm names below, which a leak would
	// not be told from.
	const b32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"
	prose := map[string]bool{"SHA1": true, "SHA2": true, "HA25": true, "A256": true, "SHA5": true, "HA51": true, "A512": true}
	secret := func() string {
		b := make([]byte, 8+rng.IntN(40))
		for i := range b {
			b[i] = b32[rng.IntN(len(b32))]
		}
		return string(b)
	}
	seps := []string{";", ",", " ", "|", "", "%26", "+"}
	junk := []string{"", "0", "x", "-", "1e9", "99999999999999999999"}
	fields := []string{"period", "digits", "counter", "algorithm", "issuer", "encoder"}
	kinds := []string{"totp", "hotp", "steam", "motp", "", "tot%70"}
	checked := 0
	for range 20000 {
		s1, s2 := secret(), secret()
		q := []string{}
		if rng.IntN(4) > 0 {
			q = append(q, "secret="+s1)
		}
		// A second secret glued into the value of another parameter.
		f := fields[rng.IntN(len(fields))]
		q = append(q, f+"="+junk[rng.IntN(len(junk))]+seps[rng.IntN(len(seps))]+"secret="+s2)
		if rng.IntN(2) == 0 {
			q = append(q, fields[rng.IntN(len(fields))]+"="+junk[rng.IntN(len(junk))]+s1[:rng.IntN(len(s1))])
		}
		rng.Shuffle(len(q), func(i, j int) { q[i], q[j] = q[j], q[i] })
		uri := "otpauth://" + kinds[rng.IntN(len(kinds))] + "/Example:alice?" + strings.Join(q, "&")
		_, err := ParseURI(uri)
		if err == nil {
			continue
		}
		checked++
		msg := err.Error()
		for _, s := range []string{s1, s2} {
			for i := 0; i+4 <= len(s); i++ {
				if !prose[s[i:i+4]] && strings.Contains(msg, s[i:i+4]) {
					t.Fatalf("%s\nerror %q quotes %q of a secret", uri, err, s[i:i+4])
				}
			}
		}
	}
	if checked < 5000 {
		t.Fatalf("only %d URIs were rejected: the generator does not test errors", checked)
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
		a.Kind, a.Digits, a.Counter = HOTP, MinDigits+rng.IntN(MaxDigits-MinDigits+1), rng.Uint64N(MaxCounter+1)
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
		if len(tc.uri) < 4096 { // not the 6.5 MB secret: it would slow every run
			f.Add(tc.uri)
		}
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
			// The quoted value shares no 4 characters with any secret=.
			var fe *FieldError
			if errors.As(err, &fe) {
				value := strings.ToUpper(fe.Value)
				for _, part := range strings.Split(strings.ToUpper(uri), "SECRET=")[1:] {
					if end := strings.IndexAny(part, "&#"); end >= 0 { // '#' starts the fragment
						part = part[:end]
					}
					for i := 0; i+4 <= len(part); i++ {
						if strings.Contains(value, part[i:i+4]) {
							t.Fatalf("error %q quotes %q of a secret", err, part[i:i+4])
						}
					}
				}
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

// legacyLabelAccounts are accounts a vault could hold before the label rule:
// each label tries to retitle the terminal, clear it, or forge a line of
// `deskauth-cli code` output.
func legacyLabelAccounts() []Account {
	key := []byte("12345678901234567890")
	return []Account{
		{Issuer: "Evil\x1b]0;pwned\x07", Name: "alice\x1b[2J", Kind: TOTP, Algorithm: SHA1, Digits: 6, Period: 30, Secret: key},
		{Issuer: "GitHub", Name: "bob\n000000\tGitHub", Kind: TOTP, Algorithm: SHA1, Digits: 6, Period: 30, Secret: key},
		{Issuer: "rtl\u202eelttil", Name: "carol\r", Kind: HOTP, Algorithm: SHA1, Digits: 6, Counter: 1, Secret: key},
	}
}

// TestLegacyLabelsStillOpen: a vault saved before the label rule still
// opens, shows codes, uses an HOTP code and saves; nothing in it is lost.
// With DESKAUTH_UPDATE_GOLDEN=1 it writes testdata/legacy-labels.vault
// (password "pw"), which cmd/deskauth-cli's output-escaping test copies.
func TestLegacyLabelsStillOpen(t *testing.T) {
	path := filepath.Join(t.TempDir(), "legacy.vault")
	v, err := Create(path, Protection{Argon2: testCost, Password: []byte("pw")})
	if err != nil {
		t.Fatal(err)
	}
	v.accounts = legacyLabelAccounts() // as an older DeskAuth stored them
	if err := v.Save(); err != nil {
		t.Fatalf("saving legacy labels: %v", err)
	}
	v.Close()
	if os.Getenv("DESKAUTH_UPDATE_GOLDEN") == "1" {
		data, _ := os.ReadFile(path)
		os.WriteFile(filepath.Join("testdata", "legacy-labels.vault"), data, 0o644)
	}
	v, err = Open(path, pw("pw"))
	if err != nil {
		t.Fatal(err)
	}
	defer v.Close()
	sameAccounts(t, v.Accounts(), legacyLabelAccounts())
	for i := range v.Accounts() {
		if _, err := v.UseCode(i, time.Unix(59, 0)); err != nil {
			t.Errorf("account %d: %v", i, err)
		}
	}
	if err := v.Rename(1, "GitHub", "bob"); err != nil {
		t.Errorf("renaming a legacy label to a clean one: %v", err)
	}
	g, err := Read(filepath.Join("testdata", "legacy-labels.vault"), pw("pw"))
	if err != nil {
		t.Fatal(err)
	}
	defer g.Close()
	sameAccounts(t, g.Accounts(), legacyLabelAccounts())
}

// TestCounterNeverWraps: an HOTP counter at MaxCounter (as a legacy vault or
// a hand-edited export could hold) hands out no code rather than wrap.
func TestCounterNeverWraps(t *testing.T) {
	path := filepath.Join(t.TempDir(), "c.vault")
	v, err := Create(path, Protection{Argon2: testCost, Password: []byte("pw")})
	if err != nil {
		t.Fatal(err)
	}
	defer v.Close()
	for _, c := range []uint64{MaxCounter, 1<<64 - 1} {
		v.accounts = []Account{{Name: "h", Kind: HOTP, Algorithm: SHA1, Digits: 6, Counter: c, Secret: []byte("k")}}
		if _, err := v.UseCode(0, time.Time{}); !isField(err, FieldCounter, ReasonRange) {
			t.Errorf("counter %d: %v", c, err)
		}
		if v.accounts[0].Counter != c {
			t.Errorf("counter %d moved to %d", c, v.accounts[0].Counter)
		}
	}
}
