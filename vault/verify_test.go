package vault

import (
	"errors"
	"strings"
	"testing"
	"time"
)

// rfc6238 is the SHA1 account of RFC 6238 appendix B: the ASCII key
// "12345678901234567890", 8 digits, 30 s. Its published codes (T = 59 s:
// 94287082, 1111111109: 07081804, 1111111111: 14050471, 1234567890: 89005924)
// make the table below independent of this package's code generator.
func rfc6238() Account {
	return Account{Issuer: "RFC", Name: "6238", Kind: TOTP, Algorithm: SHA1, Digits: 8, Period: 30,
		Secret: []byte("12345678901234567890")}
}

func unix(s int64) time.Time { return time.Unix(s, 0).UTC() }

func TestDiagnoseAccepted(t *testing.T) {
	for _, tc := range []struct {
		name     string
		code     string
		at       int64 // PC time
		match    bool
		periods  int
		min, max time.Duration
		verdict  Verdict
	}{
		{"clock right", "14050471", 1111111111, true, 0, -1 * time.Second, 29 * time.Second,
			VerdictClockRight},
		{"2 periods behind", "14050471", 1111111051, true, 2, 59 * time.Second, 89 * time.Second,
			VerdictClockBehind},
		{"1 period behind at the epoch", "94287082", 0, true, 1, 30 * time.Second, 60 * time.Second,
			VerdictClockBehind},
		{"2 periods ahead", "07081804", 1111111146, true, -2, -66 * time.Second, -36 * time.Second,
			VerdictClockAhead},
		{"3 periods ahead", "07081804", 1111111199, true, -3, -119 * time.Second, -89 * time.Second,
			VerdictClockAhead},
		{"4 periods ahead: out of the window", "89005924", 1234567890 + 120, false, 0, 0, 0,
			VerdictNoMatch},
		{"4 periods behind: out of the window", "89005924", 1234567890 - 120, false, 0, 0, 0,
			VerdictNoMatch},
		{"typed with spaces", " 1405 0471 ", 1111111051, true, 2, 59 * time.Second, 89 * time.Second, VerdictClockBehind},
		{"typed full-width", "１４０５－０４７１", 1111111051, true, 2, 59 * time.Second, 89 * time.Second, VerdictClockBehind},
		{"someone else's code", "12345678", 1111111111, false, 0, 0, 0, VerdictNoMatch},
	} {
		d, err := rfc6238().DiagnoseAccepted(tc.code, unix(tc.at))
		if err != nil {
			t.Errorf("%s: %v", tc.name, err)
			continue
		}
		if d.Match != tc.match || d.Periods != tc.periods || d.MinOffset != tc.min || d.MaxOffset != tc.max {
			t.Errorf("%s: got match %v periods %d offsets [%s, %s); want %v %d [%s, %s)", tc.name,
				d.Match, d.Periods, d.MinOffset, d.MaxOffset, tc.match, tc.periods, tc.min, tc.max)
		}
		if d.Verdict != tc.verdict {
			t.Errorf("%s: verdict %d, want %d", tc.name, d.Verdict, tc.verdict)
		}
	}
}

func TestDiagnoseFailed(t *testing.T) {
	for _, tc := range []struct {
		name    string
		shown   string
		at      int64
		match   bool
		periods int
		verdict Verdict
		expired time.Duration
	}{
		{"current code rejected", "14050471", 1111111111, true, 0,
			VerdictCurrentRejected, 0},
		{"typed 14 s late", "07081804", 1111111124, true, -1,
			VerdictExpired, 14 * time.Second},
		{"typed 40 s late", "07081804", 1111111150, true, -2, VerdictExpired, 40 * time.Second},
		{"a later period's code", "14050471", 1111111100, true, 1, VerdictFuture, 0},
		{"not this account", "00000000", 1111111111, false, 0, VerdictNoMatch, 0},
	} {
		d, err := rfc6238().DiagnoseFailed(tc.shown, unix(tc.at))
		if err != nil {
			t.Errorf("%s: %v", tc.name, err)
			continue
		}
		if d.Match != tc.match || d.Periods != tc.periods || d.MinOffset != 0 || d.MaxOffset != 0 {
			t.Errorf("%s: got %+v, want match %v periods %d", tc.name, d, tc.match, tc.periods)
		}
		if d.Verdict != tc.verdict || d.Expired != tc.expired {
			t.Errorf("%s: verdict %d expired %s, want %d %s", tc.name, d.Verdict, d.Expired, tc.verdict, tc.expired)
		}
	}
}

func TestDiagnoseErrors(t *testing.T) {
	hotp := rfc6238()
	hotp.Kind = HOTP
	bad := rfc6238()
	bad.Secret = nil
	for _, tc := range []struct {
		name string
		a    Account
		code string
		at   time.Time
		is   error
		msg  string
	}{
		{"hotp", hotp, "14050471", unix(1111111111), ErrNotTimeBased, "do not depend on the clock"},
		{"invalid account", bad, "14050471", unix(1111111111), ErrInvalidAccount, "secret is missing"},
		{"too short", rfc6238(), "1405047", unix(1111111111), nil, "the code has 7 characters; this account's codes have 8"},
		{"empty", rfc6238(), "  ", unix(1111111111), nil, "the code has 0 characters"},
		{"before 1970", rfc6238(), "14050471", unix(-100), ErrInvalidAccount, "before 1970"},
	} {
		for _, f := range []func(Account, string, time.Time) (Diagnosis, error){Account.DiagnoseAccepted, Account.DiagnoseFailed} {
			_, err := f(tc.a, tc.code, tc.at)
			if err == nil || (tc.is != nil && !errors.Is(err, tc.is)) || !strings.Contains(err.Error(), tc.msg) {
				t.Errorf("%s: err = %v, want %v containing %q", tc.name, err, tc.is, tc.msg)
			}
		}
	}
}

// Steam codes use letters; lower case typing is accepted.
func TestDiagnoseSteam(t *testing.T) {
	a := Account{Name: "steam", Kind: Steam, Algorithm: SHA1, Digits: SteamDigits, Period: 30,
		Secret: []byte("12345678901234567890")}
	at := unix(1700000000)
	ahead, err := a.Code(at.Add(60 * time.Second))
	if err != nil {
		t.Fatal(err)
	}
	d, err := a.DiagnoseAccepted(strings.ToLower(ahead), at)
	if err != nil || !d.Match || d.Periods != 2 {
		t.Errorf("steam code %q two periods ahead: %+v, %v", ahead, d, err)
	}
}

func FuzzDiagnose(f *testing.F) {
	f.Add("14050471", int64(1111111111))
	f.Add("１４０５－０４７１", int64(1111111051))
	f.Add("", int64(0))
	f.Add("0708180", int64(-5))
	f.Fuzz(func(t *testing.T, code string, at int64) {
		for _, fn := range []func(Account, string, time.Time) (Diagnosis, error){Account.DiagnoseAccepted, Account.DiagnoseFailed} {
			d, err := fn(rfc6238(), code, time.Unix(at, 0))
			if err != nil {
				if strings.Contains(err.Error(), "\n") {
					t.Fatalf("error not one line: %q", err)
				}
				continue
			}
			if d.Match == (d.Verdict == VerdictNoMatch) || d.Periods < -DiagnoseWindow || d.Periods > DiagnoseWindow || (!d.Match && d.Periods != 0) {
				t.Fatalf("Diagnose(%q, %d) = %+v", code, at, d)
			}
		}
	})
}

// BenchmarkDiagnoseAccepted is the worst case: no match, all seven periods
// computed.
func BenchmarkDiagnoseAccepted(b *testing.B) {
	a := rfc6238()
	at := unix(1111111111)
	for b.Loop() {
		if _, err := a.DiagnoseAccepted("00000000", at); err != nil {
			b.Fatal(err)
		}
	}
}
