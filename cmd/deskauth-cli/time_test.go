package main

import (
	"bytes"
	"encoding/json"
	"math"
	"net"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/deskauth/deskauth/internal/testenv"
	"github.com/deskauth/deskauth/vault"
	"github.com/deskauth/deskauth/vault/timesync/ntptest"
	"github.com/rogpeppe/go-internal/testscript"
)

const testURI = "otpauth://totp/Example:alice?secret=JBSWY3DPEHPK3PXP&issuer=Example"

// runTimeCLI runs deskauth-cli in-process with the given OS clock, on a
// vault that does not exist (never the real one).
func runTimeCLI(t *testing.T, now func() time.Time, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	return testenv.RunCLI(cliMain(now), map[string]string{vault.EnvVault: t.TempDir() + "/none.vault"}, args...)
}

// fakeNow starts at base and advances with the real time.
func fakeNow(base time.Time) func() time.Time {
	start := time.Now()
	return func() time.Time { return base.Add(time.Since(start)) }
}

func ntpServer(t *testing.T, clock func() time.Time) *ntptest.Server {
	t.Helper()
	s, err := ntptest.NewServer(clock)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(s.Close)
	return s
}

func plus(clock func() time.Time, d time.Duration) func() time.Time {
	return func() time.Time { return clock().Add(d) }
}

func TestTimeJSON(t *testing.T) {
	srv := ntpServer(t, plus(time.Now, 90*time.Second))
	code, stdout, stderr := runTimeCLI(t, time.Now, "time", "--time-source", srv.URL, "--json")
	if code != 0 || stderr != "" {
		t.Fatalf("exit %d, stderr %q", code, stderr)
	}
	// Exactly the three documented keys.
	var raw map[string]any
	if err := json.Unmarshal([]byte(stdout), &raw); err != nil || len(raw) != 3 {
		t.Fatalf("stdout %q is not a 3-key JSON object: %v", stdout, err)
	}
	src, _ := raw["source"].(string)
	off, ok1 := raw["offset_seconds"].(float64)
	rtt, ok2 := raw["rtt_seconds"].(float64)
	if src != srv.URL || !ok1 || !ok2 || math.Abs(off-90) > 1 || rtt < 0 || rtt > 3 {
		t.Errorf("got %s; want source %s, offset 90 ± 1, rtt in [0, 3]", stdout, srv.URL)
	}
}

func TestTimeText(t *testing.T) {
	clock := fakeNow(time.Date(2026, 11, 24, 9, 0, 0, 0, time.UTC))
	srv := ntpServer(t, plus(clock, -7*time.Second))
	code, stdout, stderr := runTimeCLI(t, clock, "time", "--time-source", srv.URL)
	want := regexp.MustCompile(`^source:     ntp://127\.0\.0\.1:\d+
offset:     -[67]\.\d{3} s \(PC clock is [67] s ahead; codes corrected\)
round trip: \d+\.\d{3} s
$`)
	if code != 0 || stderr != "" || !want.MatchString(stdout) {
		t.Errorf("exit %d, stderr %q, stdout:\n%s", code, stderr, stdout)
	}
}

func TestTimeErrors(t *testing.T) {
	pc, err := net.ListenPacket("udp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	closed := "ntp://" + pc.LocalAddr().String()
	pc.Close()
	yearsOff := ntpServer(t, plus(time.Now, 3*365*24*time.Hour)).URL
	for _, tc := range []struct {
		args   []string
		exit   int
		stderr string
	}{
		{[]string{"time", "--time-source", closed}, 1, "^deskauth-cli: " + regexp.QuoteMeta(closed) + ": no answer: connection refused\n$"},
		{[]string{"time", "--time-source", yearsOff}, 1, "^deskauth-cli: " + regexp.QuoteMeta(yearsOff) + `: offset too large: it says 20\d\d-.*, 3 years ahead of the PC clock; offsets over 24 h are refused`},
		{[]string{"time", "--time-source", "http://intranet/"}, 2, "^deskauth-cli: --time-source: invalid time source: plain http:// is refused.*use https://\n$"},
		{[]string{"time", "--time-source", "pool.ntp.org"}, 2, `is not none, ntp://host\[:port\] or https://host/`},
		{[]string{"time"}, 1, "^deskauth-cli: the time source is none, so the PC clock is trusted; check one with --time-source"},
		{[]string{"time", "--time-source", "none"}, 1, "the time source is none"},
		{[]string{"time", "extra"}, 2, "time takes no arguments"},
		{[]string{"time", "--set", "ntp://", "--json"}, 2, "time --set takes no --time-source or --json"},
	} {
		code, stdout, stderr := runTimeCLI(t, time.Now, tc.args...)
		if code != tc.exit || stdout != "" || !regexp.MustCompile(tc.stderr).MatchString(stderr) || strings.Count(stderr, "\n") != 1 {
			t.Errorf("%v: exit %d, stdout %q, stderr %q; want exit %d, stderr matching %q", tc.args, code, stdout, stderr, tc.exit, tc.stderr)
		}
	}
}

// TestTimeScripts runs testdata/time-ntp/*.txt with NTP responders started
// here, since the scripts cannot start one: $NTP_AHEAD_90 (90 s ahead of the
// real clock), $NTP_YEARS_OFF, $NTP_SILENT and $NTP_GARBAGE.
func TestTimeScripts(t *testing.T) {
	ahead := ntpServer(t, plus(time.Now, 90*time.Second))
	years := ntpServer(t, plus(time.Now, -5*365*24*time.Hour))
	silent, err := ntptest.NewServerFunc(func([]byte) []byte { return nil })
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(silent.Close)
	garbage, err := ntptest.NewServerFunc(func([]byte) []byte {
		return []byte("HTTP/1.1 400 Bad Request\r\nServer: not-ntp\r\nContent-Length: 0\r\n\r\n")
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(garbage.Close)
	testenv.RunScripts(t, testscript.Params{
		Dir: "testdata/time-ntp",
		Setup: func(env *testscript.Env) error {
			env.Setenv(envTestArgon2, "1")
			env.Setenv("NTP_AHEAD_90", ahead.URL)
			env.Setenv("NTP_YEARS_OFF", years.URL)
			env.Setenv("NTP_SILENT", silent.URL)
			env.Setenv("NTP_GARBAGE", garbage.URL)
			return nil
		},
	})
}

// codeClock is how code picks its instant; vault mode hands it the vault's
// settings, URI mode empty ones.
func TestCodeClock(t *testing.T) {
	frozen := time.Date(2026, 11, 24, 12, 0, 0, 0, time.UTC)
	clock := func() time.Time { return frozen }
	ahead90 := ntpServer(t, plus(clock, 90*time.Second)).URL
	ahead30 := ntpServer(t, plus(clock, 30*time.Second)).URL
	pc, err := net.ListenPacket("udp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	closed := "ntp://" + pc.LocalAddr().String()
	pc.Close()
	for _, tc := range []struct {
		name, at, flag, saved string
		want                  time.Duration // from frozen
		stderr                string
	}{
		{"--at", "2020-05-01T00:00:00Z", "", ahead90, time.Date(2020, 5, 1, 0, 0, 0, 0, time.UTC).Sub(frozen), ""},
		{"nothing", "", "", "", 0, ""},
		{"saved none", "", "", "none", 0, ""},
		{"saved source", "", "", ahead90, 90 * time.Second, "PC clock is 90 s behind; codes corrected"},
		{"flag beats saved", "", ahead30, ahead90, 30 * time.Second, "PC clock is 30 s behind"},
		{"flag none beats saved", "", "none", ahead90, 0, ""},
		{"saved garbage", "", "", "ftp://x/", 0, `warning: the vault's time source: invalid time source: unknown scheme "ftp" (want none, ntp://host[:port] or https://host/); codes use the PC clock`},
		{"unreachable", "", closed, "", 0, "warning: " + closed + ": no answer: connection refused; codes use the PC clock"},
	} {
		var errb bytes.Buffer
		c := &cli{stdout: &bytes.Buffer{}, stderr: &errb, getenv: func(string) string { return "" }, now: clock}
		when, err := c.codeClock(tc.at, tc.flag)
		if err != nil {
			t.Errorf("%s: %v", tc.name, err)
			continue
		}
		got := when(vault.Settings{TimeSource: tc.saved}).Sub(frozen)
		if got.Round(time.Millisecond) != tc.want {
			t.Errorf("%s: instant is %s from the PC clock, want %s", tc.name, got, tc.want)
		}
		if (tc.stderr == "") != (errb.Len() == 0) || !strings.Contains(errb.String(), tc.stderr) || strings.Count(errb.String(), "\n") > 1 {
			t.Errorf("%s: stderr %q, want %q", tc.name, errb.String(), tc.stderr)
		}
	}
	c := &cli{stderr: &bytes.Buffer{}, now: clock}
	if _, err := c.codeClock("2020-05-01T00:00:00Z", "ntp://"); err == nil || !strings.Contains(err.Error(), "do not go together") {
		t.Errorf("--at with --time-source: err = %v", err)
	}
	if _, err := c.codeClock("", "gopher://x"); err == nil || !strings.Contains(err.Error(), "--time-source: invalid time source") {
		t.Errorf("bad --time-source: err = %v", err)
	}
}
