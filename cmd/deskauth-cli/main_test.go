package main

import (
	"os"
	"path/filepath"
	"regexp"
	"testing"
	"time"

	"github.com/deskauth/deskauth/internal/testenv"
	"github.com/deskauth/deskauth/vault"
	"github.com/deskauth/deskauth/vault/keystore"
	"github.com/deskauth/deskauth/vault/keystore/keystoretest"
	"github.com/rogpeppe/go-internal/testscript"
)

// Environment variables that only this test binary honours: the shipped
// deskauth-cli has no way to lower the Argon2id cost or swap the key store.
const (
	// envTestArgon2 set to anything makes new password slots cheap (t=1,
	// 64 KiB, p=1), so scripts do not spend half a second per save.
	envTestArgon2 = "DESKAUTH_TEST_CHEAP_ARGON2"
	// envTestKeystore names a folder where a file-backed fake of the OS key
	// store keeps its keys, so scripts can run init --protect os without a
	// keyring, across the separate processes of a script.
	envTestKeystore = "DESKAUTH_TEST_KEYSTORE"
)

func TestMain(m *testing.M) {
	testenv.ScriptMain(m, "deskauth-cli", func(args []string, stdio testenv.Stdio) int {
		if os.Getenv(envTestArgon2) != "" {
			vault.SetArgon2CostForTests(1, 64, 1)
		}
		if dir := os.Getenv(envTestKeystore); dir != "" {
			keyStore = func() (keystore.Store, error) { return keystoretest.FileStore{Dir: dir}, nil }
		}
		return cliMain(time.Now)(args, stdio)
	})
}

// cliMain is deskauth-cli's run with now as the OS clock, in the form
// testenv runs a CLI.
func cliMain(now func() time.Time) testenv.Main {
	return func(args []string, stdio testenv.Stdio) int {
		return run(args, &cli{stdin: stdio.Stdin, stdout: stdio.Stdout, stderr: stdio.Stderr, getenv: stdio.Getenv, now: now})
	}
}

// TestScripts runs every testdata/*.txt script. Each gets a fresh $WORK as
// HOME and config folder, a cheap Argon2id cost and the fake key store, so a
// script never touches the real vault or keyring.
func TestScripts(t *testing.T) {
	// Scripts skip themselves without these tools; make test installs them
	// and sets DESKAUTH_REQUIRE_TOOLS=1, so a missing one is a failure there.
	if testenv.Strict() {
		testenv.Require(t, "qrencode", "convert")
	}
	testenv.RunScripts(t, testscript.Params{
		Dir: "testdata",
		Setup: func(env *testscript.Env) error {
			env.Setenv(envTestArgon2, "1")
			env.Setenv(envTestKeystore, filepath.Join(env.WorkDir, ".keystore"))
			return nil
		},
	})
}

// TestScriptsCheckExactStatus: a script states the exact exit status of every
// deskauth-cli run that fails (status N deskauth-cli ...), since `! exec`
// accepts any non-zero one, and a usage error (2), no QR code (3) and other
// errors (1) are different answers.
func TestScriptsCheckExactStatus(t *testing.T) {
	scripts, err := filepath.Glob("testdata/*.txt")
	if err != nil {
		t.Fatal(err)
	}
	more, err := filepath.Glob("testdata/*/*.txt")
	if err != nil {
		t.Fatal(err)
	}
	scripts = append(scripts, more...)
	if len(scripts) == 0 {
		t.Fatal("no scripts found")
	}
	loose := regexp.MustCompile(`(?m)^[ \t]*(\[[^]]*\][ \t]*)*![ \t]*exec\b.*$|^.*deskauth-cli[^'\n]*; *echo +exit=.*$`)
	for _, path := range scripts {
		data, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		for _, line := range loose.FindAllString(string(data), -1) {
			t.Errorf("%s: %q accepts any failure; use status N", path, line)
		}
	}
}
