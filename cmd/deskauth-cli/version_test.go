package main

import (
	"bytes"
	"os"
	"testing"
	"time"

	"github.com/deskauth/deskauth/internal/version"
)

func TestVersionExitStatus(t *testing.T) {
	old := version.Version
	t.Cleanup(func() { version.Version = old })
	version.Version = "1.2.0"
	for _, tc := range []struct {
		args   []string
		status int
		stdout string
		stderr string
	}{
		{[]string{"version"}, exitOK, "deskauth-cli 1.2.0\n", ""},
		{[]string{"version", "extra"}, exitUsage, "", "deskauth-cli: version takes no arguments\n"},
		{[]string{"version", "--bogus"}, exitUsage, "", "deskauth-cli: flag provided but not defined: -bogus\n"},
	} {
		var out, errOut bytes.Buffer
		status := run(tc.args, &cli{stdin: bytes.NewReader(nil), stdout: &out, stderr: &errOut, getenv: os.Getenv, now: time.Now})
		if status != tc.status || out.String() != tc.stdout || errOut.String() != tc.stderr {
			t.Errorf("%q: status %d, stdout %q, stderr %q; want %d, %q, %q", tc.args, status, out.String(), errOut.String(), tc.status, tc.stdout, tc.stderr)
		}
	}
}
