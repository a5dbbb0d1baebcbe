package transfer

import (
	"errors"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/deskauth/deskauth/vault"
)

func winauthAccounts() []vault.Account {
	return []vault.Account{
		{Issuer: "GitHub", Name: "alice@example.com", Kind: vault.TOTP, Algorithm: vault.SHA1, Digits: 6, Period: 30, Secret: []byte("12345678901234567890")},
		{Issuer: "株式会社サンプル", Name: "山田", Kind: vault.TOTP, Algorithm: vault.SHA256, Digits: 8, Period: 60, Secret: []byte("abcdefghij0123456789abcdefghij01")},
		{Issuer: "VPN", Kind: vault.HOTP, Algorithm: vault.SHA1, Digits: 6, Counter: 42, Secret: []byte("hotp-secret-bytes!!!")},
		{Issuer: "Steam", Name: "gamer", Kind: vault.Steam, Algorithm: vault.SHA1, Digits: 5, Period: 30, Secret: []byte("steam-secret-20bytes")},
	}
}

func extAccounts() []vault.Account {
	return []vault.Account{
		{Issuer: "GitHub", Name: "alice@example.com", Kind: vault.TOTP, Algorithm: vault.SHA1, Digits: 6, Period: 30, Secret: b32("JBSWY3DPEHPK3PXP")},
		{Issuer: "みずほ銀行", Name: "山田", Kind: vault.TOTP, Algorithm: vault.SHA256, Digits: 8, Period: 60, Secret: b32("GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ")},
		{Issuer: "Corp VPN", Name: "vpn", Kind: vault.HOTP, Algorithm: vault.SHA1, Digits: 6, Counter: 7, Secret: b32("KUVJJOM753IHTNDSZVCNKL7GII")},
		{Issuer: "Steam", Name: "gamer", Kind: vault.Steam, Algorithm: vault.SHA1, Digits: 5, Period: 30, Secret: b32("JRZCL47CMXVOQMNPZR2F7J4RGI")},
	}
}

// TestImportGeneratedFiles reads the files make_testdata.py wrote following
// WinAuth's and the Authenticator extension's source.
func TestImportGeneratedFiles(t *testing.T) {
	cases := []struct {
		file   string
		format Format
		pw     string
		want   []vault.Account
	}{
		{"winauth/plain.xml", WinAuth, "", winauthAccounts()},
		{"winauth/password.xml", WinAuth, "winauth パスワード", winauthAccounts()},
		{"winauth/entry-password.xml", WinAuth, "entry-pw", winauthAccounts()},
		{"authenticator/plain.json", Authenticator, "", extAccounts()},
		{"authenticator/encrypted-legacy.json", Authenticator, "ext パスワード", extAccounts()},
		{"authenticator/encrypted-key.json", Authenticator, "ext パスワード", extAccounts()},
	}
	for _, c := range cases {
		t.Run(c.file, func(t *testing.T) {
			path := filepath.Join("testdata", c.file)
			res, err := ParseFile(path, Options{Password: password(c.pw)})
			if err != nil {
				t.Fatal(err)
			}
			if res.Format != c.format || len(res.Problems) != 0 {
				t.Fatalf("format %s, problems %v", res.Format, res.Problems)
			}
			sameAccounts(t, res.Accounts, c.want)
			if c.pw == "" {
				return
			}
			_, err = ParseFile(path, Options{Password: password("wrong")})
			res, err2 := ParseFile(path, Options{Password: password("wrong")})
			if c.file == "winauth/entry-password.xml" {
				// Only the protected entry is lost; the others import.
				if err2 != nil || len(res.Accounts) != 3 || len(res.Problems) != 1 || !errors.Is(res.Problems[0].Err, vault.ErrWrongPassword) {
					t.Fatalf("wrong password: %v %+v", err2, res)
				}
				return
			}
			if !errors.Is(err, vault.ErrWrongPassword) || strings.Contains(err.Error(), "\n") {
				t.Fatalf("wrong password: %v", err)
			}
			if _, err := ParseFile(path, Options{}); !errors.Is(err, ErrPasswordRequired) {
				t.Fatalf("no password: %v", err)
			}
		})
	}
}

func TestWinAuthProtections(t *testing.T) {
	_, err := ParseFile("testdata/winauth/yubikey.xml", Options{Password: password("x")})
	if !errors.Is(err, ErrUnsupported) || !strings.Contains(err.Error(), "YubiKey") {
		t.Fatalf("YubiKey: %v", err)
	}
	_, err = ParseFile("testdata/winauth/dpapi-user.xml", Options{})
	if !errors.Is(err, ErrNeedsWindows) {
		t.Fatalf("DPAPI: %v", err)
	}
}

const (
	gh  = "otpauth://totp/GitHub:alice?secret=JBSWY3DPEHPK3PXP&issuer=GitHub"
	gl  = "otpauth://totp/GitLab:bob?secret=KUVJJOM753IHTNDSZVCNKL7GII&issuer=GitLab"
	bad = "otpauth://totp/Broken:carol?secret=!!!!&issuer=Broken"
	// A Google export of three accounts: a TOTP, an HOTP at counter 5, and an
	// "issuer:account" name with an empty issuer; batch 1 of 1. Written by a
	// few lines of Python (protobuf by hand), not by our encoder.
	migration = "otpauth-migration://offline?data=CiEKCkhlbGxvId6tvu8SBWFsaWNlGgZHaXRIdWIgASgBMAIKIAoMSGVsbG8h3q2%2B7wD%2FEgN2cG4aA1ZQTiABKAEwATgFCiIKDEhlbGxvId6tvu9BQhIKQWNtZTpjYXJvbBoAIAEoATACEAEYASAAKJWa7zo%3D"
)

// TestParseTable covers the text formats' tolerances and the per-entry
// problem reports.
// parseCases are the table of TestParseTable; they also seed the fuzzers.
var parseCases = []struct {
	name     string
	in       string
	opt      Options
	format   Format
	accounts []string // labels
	problems []int    // entry numbers
	err      error
}{
	{"winauth text export: BOM, CRLF, blanks, comments", "\ufeff# exported\r\n\r\n" + gh + "\r\n" + gl + "\r\n", Options{}, OTPAuth, []string{"GitHub (alice)", "GitLab (bob)"}, nil, nil},
	{"9 good 1 bad", strings.Repeat(gh+"\n", 4) + bad + "\n" + strings.Repeat(gl+"\n", 5), Options{}, OTPAuth, nil, []int{5}, nil},
	{"not a URI line", gh + "\nhello\n", Options{}, OTPAuth, []string{"GitHub (alice)"}, []int{2}, nil},
	{"google export", migration, Options{}, Google, []string{"GitHub (alice)", "VPN (vpn)", "Acme (carol)"}, nil, nil},
	{"google export, + arrived as space", strings.ReplaceAll(strings.ReplaceAll(migration, "%2B", " "), "%3D", "="), Options{}, Google, []string{"GitHub (alice)", "VPN (vpn)", "Acme (carol)"}, nil, nil},
	{"google export mixed with otpauth", gl + "\n" + migration, Options{}, Google, []string{"GitLab (bob)", "GitHub (alice)", "VPN (vpn)", "Acme (carol)"}, nil, nil},
	{"google export with an MD5 account", "otpauth-migration://offline?data=CiEKCkhlbGxvId6tvu8SBWFsaWNlGgZHaXRIdWIgASgBMAIKIAoLSGVsbG8h3q2%2B7wESA29sZBoGTGVnYWN5IAQoATACEAEYASAAKAc%3D", Options{}, Google, []string{"GitHub (alice)"}, []int{1}, nil},
	{"phonefactor line", gh + "\nphonefactor://activate_account?code=1&url=x\n", Options{}, OTPAuth, []string{"GitHub (alice)"}, []int{2}, nil},
	{"bitwarden csv", "folder,favorite,type,name,notes,fields,reprompt,login_uri,login_username,login_password,login_totp\n,,login,Example,,,0,https://example.com,ann,pw,JBSWY3DPEHPK3PXP\n,,login,NoTOTP,,,0,,x,y,\n,,login,Steamy,,,0,,gamer,,steam://JRZCL47CMXVOQMNPZR2F7J4RGI\n,,login,Bad,,,0,,z,,%%%\n", Options{}, Bitwarden, []string{"Example (ann)", "Steamy (gamer)"}, []int{4}, nil},
	{"bitwarden bare secret json", `{"encrypted":false,"items":[{"name":"Site","login":{"username":"u","totp":"jbsw y3dp ehpk 3pxp"}}]}`, Options{}, Bitwarden, []string{"Site (u)"}, nil, nil},
	{"bitwarden encrypted", `{"encrypted":true,"items":[]}`, Options{}, "", nil, nil, ErrUnsupported},
	{"ente encrypted export", `{"version":1,"kdfParams":{"memLimit":4096,"opsLimit":3,"salt":"c2FsdA=="},"encryptedData":"AAAA","encryptionNonce":"AAAA"}`, Options{}, "", nil, nil, ErrUnsupported},
	{"empty", "   \n", Options{}, "", nil, nil, ErrUnknownFormat},
	{"only comments", "# otpauth://\n", Options{Format: OTPAuth}, "", nil, nil, ErrNoAccounts},
	{"deep json", strings.Repeat("[", 100000), Options{Format: Aegis}, "", nil, nil, ErrMalformed},
	{"aegis absurd scrypt", `{"version":1,"header":{"slots":[{"type":1,"key":"00","key_params":{"nonce":"00","tag":"00"},"n":1073741824,"r":8,"p":1,"salt":"00"}],"params":{"nonce":"00","tag":"00"}},"db":"AAAA"}`, Options{Password: func() ([]byte, error) { panic("asked for a password before checking the cost") }}, "", nil, nil, ErrCostTooHigh},
	{"aegis yandex entry", `{"version":1,"header":{"slots":null,"params":null},"db":{"version":2,"entries":[{"type":"yandex","name":"y","issuer":"Y","info":{"secret":"JBSWY3DPEHPK3PXP","algo":"SHA256","digits":8,"period":30}},{"type":"totp","name":"a","issuer":"A","info":{"secret":"JBSWY3DPEHPK3PXP","algo":"SHA1","digits":6,"period":30}}]}}`, Options{}, Aegis, []string{"A (a)"}, []int{1}, nil},
	{"aegis grouped export (db v3 groups, and v2 group names)", `{"version":1,"header":{"slots":null,"params":null},"db":{"version":3,"entries":[{"type":"totp","name":"a","issuer":"A","groups":["6b3c"],"info":{"secret":"JBSWY3DPEHPK3PXP","algo":"SHA1","digits":6,"period":30}},{"type":"hotp","name":"b","issuer":"B","group":"Work","info":{"secret":"JBSWY3DPEHPK3PXQ","algo":"SHA1","digits":6,"counter":3}}],"groups":[{"uuid":"6b3c","name":"Work"}]}}`, Options{}, Aegis, []string{"A (a)", "B (b)"}, nil, nil},
	{"2fas old schema without tokenType", `{"services":[{"name":"Old","secret":"JBSWY3DPEHPK3PXP","otp":{"account":"me","digits":6,"period":30}}],"schemaVersion":2}`, Options{}, TwoFAS, []string{"Old (me)"}, nil, nil},
	{"winauth deep xml", "<WinAuth>" + strings.Repeat("<a>", 1000) + strings.Repeat("</a>", 1000) + "</WinAuth>", Options{}, "", nil, nil, ErrMalformed},
	{"deskauth garbage", "DESKAUTH" + strings.Repeat("\x00", 100), Options{Password: password("x")}, "", nil, nil, vault.ErrCorrupt},
}

func TestParseTable(t *testing.T) {
	for _, c := range parseCases {
		t.Run(c.name, func(t *testing.T) {
			res, err := Parse([]byte(c.in), c.opt)
			if c.err != nil {
				if !errors.Is(err, c.err) {
					t.Fatalf("err = %v, want %v", err, c.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if res.Format != c.format {
				t.Errorf("format %s, want %s", res.Format, c.format)
			}
			if c.accounts != nil {
				var got []string
				for _, a := range res.Accounts {
					got = append(got, a.Label())
				}
				if strings.Join(got, "|") != strings.Join(c.accounts, "|") {
					t.Errorf("accounts %q, want %q", got, c.accounts)
				}
			}
			var probs []int
			for _, p := range res.Problems {
				probs = append(probs, p.Entry)
				if strings.Contains(p.Error(), "JBSWY3DPEHPK3PXP") || strings.Contains(p.Error(), "!!!!") {
					t.Errorf("a problem quotes a secret: %v", p)
				}
			}
			if len(probs) != len(c.problems) || (len(probs) > 0 && probs[0] != c.problems[0]) {
				t.Errorf("problems %v, want entries %v", res.Problems, c.problems)
			}
		})
	}
}

func TestNineGoodOneBad(t *testing.T) {
	res, err := Parse([]byte(strings.Repeat(gh+"\n", 4)+bad+"\n"+strings.Repeat(gl+"\n", 5)), Options{})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Accounts) != 9 || len(res.Problems) != 1 || res.Problems[0].Entry != 5 || res.Problems[0].Label != "Broken:carol" {
		t.Fatalf("%d accounts, problems %+v", len(res.Accounts), res.Problems)
	}
	if !errors.Is(res.Problems[0].Err, vault.ErrInvalidURI) {
		t.Fatalf("problem error %v", res.Problems[0].Err)
	}
}

func TestProblemLabelsHaveNoControlCharacters(t *testing.T) {
	res, err := Parse([]byte("otpauth://totp/Evil%1B%5B2J:x?secret=!!\n"+gh), Options{})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Problems) != 1 || strings.ContainsRune(res.Problems[0].Error(), 0x1b) {
		t.Fatalf("%q", res.Problems)
	}
}

func TestHOTPCounterKeptFromGoogleExport(t *testing.T) {
	res, err := Parse([]byte(migration), Options{})
	if err != nil {
		t.Fatal(err)
	}
	if a := res.Accounts[1]; a.Kind != vault.HOTP || a.Counter != 5 {
		t.Fatalf("%+v", a)
	}
}

func TestTooLarge(t *testing.T) {
	if _, err := Parse(make([]byte, MaxInput+1), Options{}); !errors.Is(err, ErrTooLarge) {
		t.Fatal(err)
	}
	if _, err := Parse([]byte(strings.Repeat(gh+"\n", MaxEntries+1)), Options{}); !errors.Is(err, ErrTooLarge) {
		t.Fatal(err)
	}
}

func TestBatchesReportProgress(t *testing.T) {
	uris, _ := MigrationURIs(append(append(roundTripSet()[:4], roundTripSet()[:4]...), roundTripSet()[:4]...))
	if len(uris) != 2 {
		t.Fatalf("%d uris", len(uris))
	}
	b := NewBatches()
	st, err := b.Add(uris[1])
	if err != nil || st.Scanned != 1 || st.Size != 2 || st.Complete {
		t.Fatalf("%+v %v", st, err)
	}
	if st, _ = b.Add(uris[1]); st.Scanned != 1 {
		t.Fatalf("a repeated code counted twice: %+v", st)
	}
	if p := b.Pending(); len(p) != 1 || p[0].Scanned != 1 {
		t.Fatalf("pending %+v", p)
	}
	if st, _ = b.Add(uris[0]); !st.Complete {
		t.Fatalf("%+v", st)
	}
	if len(b.Pending()) != 0 || len(b.Take().Accounts) != 12 {
		t.Fatal("complete export not handed over")
	}
	if _, err := b.Add("otpauth-migration://offline?data=!!"); !errors.Is(err, vault.ErrInvalidMigration) {
		t.Fatal(err)
	}
}

func TestMain(m *testing.M) {
	// Keep the tests' own scrypt and Argon2id cheap (files record their
	// cost, so they still open normally).
	setAegisCostForTests(1<<10, 8, 1)
	os.Exit(m.Run())
}

// TestBoundedMemory parses hostile inputs of MaxInput bytes and checks the
// allocations stay within a small multiple of the input.
func TestBoundedMemory(t *testing.T) {
	if testing.Short() {
		t.Skip("allocates hundreds of MiB in total")
	}
	n := MaxInput - 64
	entry := `{"type":"totp","name":"","issuer":"","info":{"secret":"","algo":"","digits":6}},`
	aegis := `{"version":1,"header":{},"db":{"entries":[` + strings.Repeat(entry, n/len(entry)-1) + `{}]}}`
	cases := map[string]struct {
		data   []byte
		format Format
	}{
		"newlines":          {[]byte(strings.Repeat("\n", n)), OTPAuth},
		"comment lines":     {[]byte(strings.Repeat("#\n", n/2)), OTPAuth},
		"one long line":     {[]byte("otpauth://totp/x?secret=" + strings.Repeat("A", n)), OTPAuth},
		"deep JSON":         {[]byte(strings.Repeat("[", n)), Aegis},
		"deep XML":          {[]byte("<WinAuth>" + strings.Repeat("<a>", n/3-4)), WinAuth},
		"many XML nodes":    {[]byte("<WinAuth>" + strings.Repeat("<a/>", n/4-4) + "</WinAuth>"), WinAuth},
		"aegis 1M entries":  {[]byte(aegis), Aegis},
		"bitwarden CSV":     {[]byte("login_totp\n" + strings.Repeat("\n", n-11)), Bitwarden},
		"aegis huge secret": {[]byte(`{"version":1,"header":{},"db":{"entries":[{"type":"totp","info":{"secret":"` + strings.Repeat("A", n-200) + `","digits":6,"period":30}}]}}`), Aegis},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			var before, after runtime.MemStats
			runtime.GC()
			runtime.ReadMemStats(&before)
			_, err := Parse(c.data, Options{Format: c.format})
			runtime.ReadMemStats(&after)
			alloc := after.TotalAlloc - before.TotalAlloc
			t.Logf("%s: %v; %d MiB allocated for %d MiB of input", name, err, alloc>>20, len(c.data)>>20)
			if alloc > 8*uint64(MaxInput) {
				t.Errorf("allocated %d MiB", alloc>>20)
			}
		})
	}
}
