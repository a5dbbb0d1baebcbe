package vault

import (
	"encoding/hex"
	"fmt"
	"math/rand/v2"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/deskauth/deskauth/internal/testenv"
)

// rfcKey is the shared secret of RFC 4226 Appendix D and RFC 6238 Appendix B
// (SHA1); RFC 6238 extends it to the hash's block-free key length for SHA256
// and SHA512.
var rfcKeys = map[Algorithm][]byte{
	SHA1:   []byte("12345678901234567890"),
	SHA256: []byte("12345678901234567890123456789012"),
	SHA512: []byte("1234567890123456789012345678901234567890123456789012345678901234"),
}

// RFC 4226 Appendix D: HOTP values and the 31-bit "Truncated" values behind them.
var rfc4226 = []struct {
	truncated uint32
	hotp      string
}{
	{1284755224, "755224"}, {1094287082, "287082"}, {137359152, "359152"},
	{1726969429, "969429"}, {1640338314, "338314"}, {868254676, "254676"},
	{1918287922, "287922"}, {82162583, "162583"}, {673399871, "399871"},
	{645520489, "520489"},
}

func TestHOTPRFC4226(t *testing.T) {
	for counter, want := range rfc4226 {
		a := Account{Kind: HOTP, Algorithm: SHA1, Digits: 6, Counter: uint64(counter), Secret: rfcKeys[SHA1]}
		got, err := a.Code(time.Time{})
		if err != nil {
			t.Fatal(err)
		}
		if got != want.hotp {
			t.Errorf("counter %d: got %s, want %s", counter, got, want.hotp)
		}
		next, _ := a.Next(time.Time{})
		if counter+1 < len(rfc4226) && next != rfc4226[counter+1].hotp {
			t.Errorf("counter %d: next = %s, want %s", counter, next, rfc4226[counter+1].hotp)
		}
		a.Advance()
		if a.Counter != uint64(counter+1) {
			t.Errorf("Advance: counter %d, want %d", a.Counter, counter+1)
		}
	}
}

// TestSteamFromRFC4226 checks Steam Guard codes against the RFC's truncated
// values: Steam writes that same 31-bit number in base 26, least significant
// digit first, over its own alphabet.
func TestSteamFromRFC4226(t *testing.T) {
	const alphabet = "23456789BCDFGHJKMNPQRTVWXY"
	for counter, v := range rfc4226 {
		want := make([]byte, 5)
		n := v.truncated
		for i := range want {
			want[i] = alphabet[n%26]
			n /= 26
		}
		a := Account{Kind: Steam, Algorithm: SHA1, Digits: 5, Period: 30, Secret: rfcKeys[SHA1]}
		got, err := a.Code(time.Unix(int64(counter)*30+7, 0))
		if err != nil {
			t.Fatal(err)
		}
		if got != string(want) {
			t.Errorf("counter %d: got %s, want %s", counter, got, want)
		}
	}
}

func TestTOTPRFC6238(t *testing.T) {
	vectors := []struct {
		unix                 int64
		sha1, sha256, sha512 string
	}{
		{59, "94287082", "46119246", "90693936"},
		{1111111109, "07081804", "68084774", "25091201"},
		{1111111111, "14050471", "67062674", "99943326"},
		{1234567890, "89005924", "91819424", "93441116"},
		{2000000000, "69279037", "90698825", "38618901"},
		{20000000000, "65353130", "77737706", "47863826"},
	}
	for _, v := range vectors {
		for alg, want := range map[Algorithm]string{SHA1: v.sha1, SHA256: v.sha256, SHA512: v.sha512} {
			a := Account{Kind: TOTP, Algorithm: alg, Digits: 8, Period: 30, Secret: rfcKeys[alg]}
			got, err := a.Code(time.Unix(v.unix, 0))
			if err != nil {
				t.Fatal(err)
			}
			if got != want {
				t.Errorf("%s at %d: got %s, want %s", alg, v.unix, got, want)
			}
		}
	}
}

func TestRemainingAndNext(t *testing.T) {
	a := Account{Kind: TOTP, Algorithm: SHA1, Digits: 8, Period: 30, Secret: rfcKeys[SHA1]}
	at := time.Unix(1111111109, 250e6) // 29.25 s into its period
	if got, want := a.Remaining(at), 750*time.Millisecond; got != want {
		t.Errorf("Remaining = %v, want %v", got, want)
	}
	next, err := a.Next(at)
	if err != nil {
		t.Fatal(err)
	}
	// 1111111111 is in the next period; RFC 6238 gives its code.
	if next != "14050471" {
		t.Errorf("Next = %s, want 14050471", next)
	}
	if got := a.Remaining(time.Unix(1111111110, 0)); got != 30*time.Second {
		t.Errorf("Remaining at a period start = %v, want 30s", got)
	}
	h := Account{Kind: HOTP, Algorithm: SHA1, Digits: 6, Secret: rfcKeys[SHA1]}
	if h.Remaining(at) != 0 {
		t.Error("HOTP codes do not expire, Remaining must be 0")
	}
}

func TestCodeRejectsInvalidAccounts(t *testing.T) {
	ok := Account{Kind: TOTP, Algorithm: SHA1, Digits: 6, Period: 30, Secret: []byte("k")}
	cases := map[string]func(*Account){
		"empty secret":  func(a *Account) { a.Secret = nil },
		"md5":           func(a *Account) { a.Algorithm = "MD5" },
		"5 digits":      func(a *Account) { a.Digits = 5 },
		"11 digits":     func(a *Account) { a.Digits = 11 },
		"zero period":   func(a *Account) { a.Period = 0 },
		"unknown kind":  func(a *Account) { a.Kind = "motp" },
		"steam 6 chars": func(a *Account) { a.Kind = Steam; a.Digits = 6 },
	}
	for name, mutate := range cases {
		a := ok
		mutate(&a)
		if _, err := a.Code(time.Unix(0, 0)); err == nil {
			t.Errorf("%s: Code accepted an invalid account", name)
		}
	}
	if _, err := ok.Code(time.Unix(-1, 0)); err == nil {
		t.Error("Code accepted a time before 1970")
	}
}

// TestAgainstOathtool compares 240 random TOTP and HOTP codes with oathtool, an
// independent implementation.
func TestAgainstOathtool(t *testing.T) {
	testenv.Require(t, "oathtool")
	rng := rand.New(rand.NewPCG(1, 2))
	algs := []Algorithm{SHA1, SHA256, SHA512}
	for i := range 240 {
		key := make([]byte, 10+rng.IntN(55))
		for j := range key {
			key[j] = byte(rng.Uint32())
		}
		digits := 6 + rng.IntN(3) // oathtool supports 6 to 8
		var a Account
		var at time.Time
		var args []string
		if i%4 == 3 {
			a = Account{Kind: HOTP, Algorithm: SHA1, Digits: digits, Counter: rng.Uint64N(1 << 40), Secret: key}
			args = []string{"--hotp", "-d", fmt.Sprint(digits), "-c", fmt.Sprint(a.Counter)}
		} else {
			alg := algs[rng.IntN(len(algs))]
			period := []int{15, 30, 60, 45, 90}[rng.IntN(5)]
			a = Account{Kind: TOTP, Algorithm: alg, Digits: digits, Period: period, Secret: key}
			at = time.Unix(rng.Int64N(4102444800), 0).UTC() // before 2100
			args = []string{"--totp=" + string(alg), "-d", fmt.Sprint(digits), "-s", fmt.Sprintf("%ds", period),
				"--now", at.Format("2006-01-02 15:04:05 UTC")}
		}
		got, err := a.Code(at)
		if err != nil {
			t.Fatal(err)
		}
		checkOath(t, append(args, hex.EncodeToString(key)), got, a)
	}
}

func checkOath(t *testing.T, args []string, got string, a Account) {
	t.Helper()
	out, err := exec.Command("oathtool", args...).Output()
	if err != nil {
		t.Fatalf("oathtool %v: %v", args[:len(args)-1], err)
	}
	if want := strings.TrimSpace(string(out)); got != want {
		t.Errorf("%s %s %d digits period %d counter %d: got %s, oathtool %s",
			a.Kind, a.Algorithm, a.Digits, a.Period, a.Counter, got, want)
	}
}
