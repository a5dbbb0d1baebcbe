package main

import (
	"net"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/deskauth/deskauth/internal/testenv"
	"github.com/deskauth/deskauth/vault"
)

// The acceptance test through the CLI: with the OS clock at 11:58:45 and a
// time source 90 s ahead, code --time-source prints the code of 12:00:15, the
// same as code --at 12:00:15. 12:00:15 is mid-period, so measurement noise
// cannot cross a period boundary.
func TestCodeTimeSourceFakeClock(t *testing.T) {
	truth := time.Date(2026, 11, 24, 12, 0, 15, 0, time.UTC)
	clock := fakeNow(truth.Add(-90 * time.Second))
	srv := ntpServer(t, plus(clock, 90*time.Second))

	code, got, stderr := runTimeCLI(t, clock, "code", "--uri", testURI, "--time-source", srv.URL)
	if code != 0 || stderr != "deskauth-cli: PC clock is 90 s behind; codes corrected\n" {
		t.Fatalf("exit %d, stderr %q", code, stderr)
	}
	_, want, _ := runTimeCLI(t, clock, "code", "--uri", testURI, "--at", truth.Format(time.RFC3339))
	_, uncorrected, _ := runTimeCLI(t, clock, "code", "--uri", testURI)
	if got != want || !regexp.MustCompile(`^\d{6}\n$`).MatchString(got) {
		t.Errorf("code --time-source = %q, code --at %s = %q", got, truth.Format(time.RFC3339), want)
	}
	if want == uncorrected {
		t.Fatalf("test is void: the code is %q with and without the correction", want)
	}
}

// The same with the real OS clock and a responder 90 s ahead of it. The
// period may turn during the run, so the printed code must be the code at
// now+90 s for some instant of the run: one of the codes at its start and
// end.
func TestCodeTimeSourceRealClock(t *testing.T) {
	acct, err := vault.ParseURI(testURI)
	if err != nil {
		t.Fatal(err)
	}
	srv := ntpServer(t, plus(time.Now, 90*time.Second))
	before := time.Now()
	code, got, stderr := runTimeCLI(t, time.Now, "code", "--uri", testURI, "--time-source", srv.URL)
	after := time.Now()
	if code != 0 || !strings.Contains(stderr, "codes corrected") {
		t.Fatalf("exit %d, stderr %q", code, stderr)
	}
	// The offset is measured to well within a second; allow that either way.
	first, _ := acct.Code(before.Add(89 * time.Second))
	last, _ := acct.Code(after.Add(91 * time.Second))
	got = strings.TrimSpace(got)
	if got != first && got != last {
		t.Errorf("code --time-source = %s; want the code at now+90 s (%s or %s)", got, first, last)
	}
}

func TestCodeTimeSourceErrors(t *testing.T) {
	pc, err := net.ListenPacket("udp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	closed := "ntp://" + pc.LocalAddr().String()
	pc.Close()
	// An unreachable source still prints the code, of the PC clock, and
	// warns on stderr: the admin is about to type it.
	at := time.Date(2020, 5, 1, 0, 0, 0, 0, time.UTC)
	code, stdout, stderr := runTimeCLI(t, func() time.Time { return at }, "code", "--uri", testURI, "--time-source", closed)
	if code != 0 || stdout != "504186\n" || stderr != "deskauth-cli: warning: "+closed+": no answer: connection refused; codes use the PC clock\n" {
		t.Errorf("exit %d, stdout %q, stderr %q", code, stdout, stderr)
	}
	code, _, stderr = runTimeCLI(t, time.Now, "code", "--uri", testURI, "--time-source", "ntp://", "--at", "2020-05-01T00:00:00Z")
	if code != 2 || !strings.Contains(stderr, "--at and --time-source do not go together") {
		t.Errorf("--at with --time-source: exit %d, stderr %q", code, stderr)
	}
	code, _, stderr = runTimeCLI(t, time.Now, "code", "--uri", testURI, "--time-source", "ftp://x")
	if code != 2 || !strings.Contains(stderr, `unknown scheme "ftp"`) {
		t.Errorf("bad source: exit %d, stderr %q", code, stderr)
	}
}

// Vault mode follows the vault's saved time source; --time-source overrides
// it and --at bypasses it.
func TestCodeVaultTimeSource(t *testing.T) {
	cheapArgon2(t)
	truth := time.Date(2026, 11, 24, 12, 0, 15, 0, time.UTC)
	clock := fakeNow(truth.Add(-90 * time.Second))
	srv := ntpServer(t, plus(clock, 90*time.Second))
	env := map[string]string{vault.EnvVault: t.TempDir() + "/v.vault", envPassword: "pw"}
	cmd := func(args ...string) (int, string, string) { return testenv.RunCLI(cliMain(clock), env, args...) }
	for _, args := range [][]string{{"init"}, {"add", testURI}, {"time", "--set", srv.URL}} {
		if code, _, stderr := cmd(args...); code != 0 {
			t.Fatalf("%v: exit %d, %s", args, code, stderr)
		}
	}
	code, got, stderr := cmd("code", "example")
	if code != 0 || stderr != "deskauth-cli: PC clock is 90 s behind; codes corrected\n" {
		t.Fatalf("code: exit %d, stderr %q", code, stderr)
	}
	_, want, _ := cmd("code", "example", "--at", truth.Format(time.RFC3339))
	_, uncorrected, stderr := cmd("code", "example", "--time-source", "none")
	if got != want || want == uncorrected || stderr != "" {
		t.Errorf("vault source: %q, --at the true time: %q, --time-source none: %q (stderr %q)", got, want, uncorrected, stderr)
	}
	// The JSON form too: same code, and the remaining seconds of the true
	// time (15 s into the period, give or take the measured offset's error
	// on a loaded machine).
	_, js, _ := cmd("code", "example", "--json")
	if !strings.Contains(js, `"code":"`+strings.TrimSpace(want)+`"`) || !regexp.MustCompile(`"remaining":(1[0-9]|20)\b`).MatchString(js) {
		t.Errorf("code --json = %s, want code %s and about 15 s remaining", js, strings.TrimSpace(want))
	}
}
