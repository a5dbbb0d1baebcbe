package transfer

import (
	"bytes"
	"crypto/sha1"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// The fuzzers reach each importer through Parse with its format forced,
// seeded from the sample files, the generated files and the table cases.
// Invariants: no panic, and every account returned passes Validate. Aegis
// and 2FAS run without a password: their ciphertexts are authenticated, so
// past the KDF-cost check a fuzzer could only ever hit "wrong password".

func seedFiles(f *testing.F, globs ...string) {
	for _, g := range globs {
		paths, _ := filepath.Glob(filepath.Join("testdata", g))
		for _, p := range paths {
			if b, err := os.ReadFile(p); err == nil {
				f.Add(b)
			}
		}
	}
}

func seedTable(f *testing.F) {
	for _, s := range []string{gh, gl, bad, migration, gh + "\r\n" + bad, "\ufeff# c\r\n" + gl,
		`{"encrypted":false,"items":[{"name":"Site","login":{"username":"u","totp":"steam://JBSWY3DPEHPK3PXP"}}]}`,
		"name,login_username,login_totp\nA,b,JBSWY3DPEHPK3PXP\n",
		`{"version":1,"header":{"slots":[{"type":1,"key":"00","key_params":{"nonce":"00","tag":"00"},"n":32768,"r":8,"p":1,"salt":"00"}],"params":{"nonce":"00","tag":"00"}},"db":"AAAA"}`,
		`{"services":[{"name":"Old","secret":"JBSWY3DPEHPK3PXP","otp":{"account":"me","tokenType":"HOTP","counter":3}}],"schemaVersion":2}`,
		`{"services":[],"schemaVersion":4,"servicesEncrypted":"AAAAAAAAAAAAAAAAAAAAAA==:AAAA:AAAAAAAAAAAAAAAA"}`,
		`<WinAuth><WinAuthAuthenticator type="WinAuth.HOTPAuthenticator"><name>a (b)</name><authenticatordata><secretdata>00112233` + "\t6\tSHA1\t30" + `</secretdata><counter>1</counter></authenticatordata></WinAuthAuthenticator></WinAuth>`,
		`<WinAuth><data encrypted="y">57494E4155544833</data></WinAuth>`,
		`{"h":{"account":"a","issuer":"b","secret":"U2FsdGVkX18AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=","encrypted":true,"type":"hhex"}}`,
		strings.Repeat("[", 200), strings.Repeat("<a>", 200)} {
		f.Add([]byte(s))
	}
	for _, c := range parseCases {
		if len(c.in) < 4096 {
			f.Add([]byte(c.in))
		}
	}
}

func fuzzFormat(f *testing.F, format Format, pw string, globs ...string) {
	seedFiles(f, globs...)
	seedTable(f)
	f.Fuzz(func(t *testing.T, data []byte) {
		opt := Options{Format: format}
		if pw != "" {
			opt.Password = password(pw)
		}
		res, err := Parse(data, opt)
		if err != nil {
			return
		}
		for _, a := range res.Accounts {
			if err := a.Validate(); err != nil {
				t.Fatalf("an invalid account got through: %v", err)
			}
		}
	})
}

func FuzzImportText(f *testing.F) {
	fuzzFormat(f, OTPAuth, "", "import-samples/*.txt")
}

func FuzzImportWinAuth(f *testing.F) {
	fuzzFormat(f, WinAuth, "winauth パスワード", "winauth/*.xml")
}

func FuzzImportAegis(f *testing.F) {
	fuzzFormat(f, Aegis, "", "import-samples/aegis*.json")
}

func FuzzImport2FAS(f *testing.F) {
	fuzzFormat(f, TwoFAS, "", "import-samples/*.2fas")
}

func FuzzImportBitwarden(f *testing.F) {
	fuzzFormat(f, Bitwarden, "", "import-samples/bitwarden.json")
}

func FuzzImportAuthenticator(f *testing.F) {
	fuzzFormat(f, Authenticator, "ext パスワード", "authenticator/*.json")
}

// FuzzImportAuto goes through format detection.
func FuzzImportAuto(f *testing.F) {
	fuzzFormat(f, Auto, "", "import-samples/*", "authenticator/*.json", "winauth/*.xml")
}

// FuzzImportBatches feeds migration payloads to the scan-flow collector.
func FuzzImportBatches(f *testing.F) {
	f.Add(migration, migration)
	uris, _ := MigrationURIs(append(append(roundTripSet()[:4], roundTripSet()[:4]...), roundTripSet()[:4]...))
	f.Add(uris[0], uris[1])
	f.Fuzz(func(t *testing.T, a, b string) {
		bt := NewBatches()
		bt.Add(a)
		bt.Add(b)
		bt.Pending()
		for _, acct := range bt.Take().Accounts {
			if err := acct.Validate(); err != nil {
				t.Fatal(err)
			}
		}
	})
}

// winauthProtect is WinAuth's EncryptSequence for a password (test only):
// "WINAUTH3", salt, SHA-256(salt || plain), then salt2 and Blowfish-ECB
// under PBKDF2-HMAC-SHA1(password, salt2, 2000) with ISO 10126 padding.
func winauthProtect(plain []byte, password string) string {
	salt, salt2 := []byte("saltsalt"), []byte("pepper!!")
	sum := sha256.Sum256(append(append([]byte(nil), salt...), plain...))
	key, _ := winauthKey([]byte(password), salt2)
	n := 8 - len(plain)%8
	padded := append(append([]byte(nil), plain...), bytes.Repeat([]byte{byte(n)}, n)...)
	newBlowfish(key).encryptECB(padded)
	return strings.ToUpper(winauthHeader + hex.EncodeToString(salt) + hex.EncodeToString(sum[:]) + hex.EncodeToString(salt2) + hex.EncodeToString(padded))
}

// FuzzImportWinAuthProtected fuzzes the XML inside a password-protected
// winauth.xml: the fuzz body encrypts it and sets the sha1 checksum, so the
// fuzzer reaches the inner parser instead of stopping at the checksum or
// the hash check.
func FuzzImportWinAuthProtected(f *testing.F) {
	f.Add([]byte(`<config><WinAuthAuthenticator type="WinAuth.GoogleAuthenticator"><name>GitHub (alice)</name><authenticatordata><secretdata>3132333435363738393031323334353637383930` + "\t6\tSHA256\t30" + `</secretdata></authenticatordata></WinAuthAuthenticator></config>`))
	f.Add([]byte(`<config><WinAuthAuthenticator type="WinAuth.HOTPAuthenticator"><name>x</name><authenticatordata><secretdata>00</secretdata><counter>9</counter></authenticatordata></WinAuthAuthenticator></config>`))
	f.Add([]byte(`<config><data encrypted="y">00</data></config>`))
	derive := winauthKey
	memo := map[string][]byte{}
	winauthKey = func(pw, salt []byte) ([]byte, error) {
		k := string(pw) + "\x00" + string(salt)
		if key, ok := memo[k]; ok {
			return key, nil
		}
		key, err := derive(pw, salt)
		if err == nil && len(memo) < 16 {
			memo[k] = key
		}
		return key, err
	}
	defer func() { winauthKey = derive }()
	f.Fuzz(func(t *testing.T, inner []byte) {
		if len(inner) > 64<<10 {
			return
		}
		text := winauthProtect(inner, "pw")
		raw, _ := hex.DecodeString(text)
		sum := sha1.Sum(raw)
		file := `<WinAuth version="3.6"><data encrypted="y" sha1="` + hex.EncodeToString(sum[:]) + `">` + text + `</data></WinAuth>`
		res, err := Parse([]byte(file), Options{Format: WinAuth, Password: password("pw")})
		if errors.Is(err, ErrWrongPassword) {
			t.Fatalf("the right password was refused: %v", err)
		}
		if err != nil {
			return
		}
		for _, a := range res.Accounts {
			if err := a.Validate(); err != nil {
				t.Fatal(err)
			}
		}
	})
}
