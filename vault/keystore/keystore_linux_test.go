package keystore_test

import (
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/deskauth/deskauth/internal/testenv"
	"github.com/deskauth/deskauth/vault/keystore"
)

func TestDefaultWithoutSessionBus(t *testing.T) {
	if _, err := os.Stat("/run/user/" + strconv.Itoa(os.Getuid()) + "/bus"); err == nil {
		t.Skip("this machine has a per-user session bus in /run/user; cannot simulate its absence")
	}
	t.Setenv("DBUS_SESSION_BUS_ADDRESS", "")
	s, err := keystore.Default()
	if !errors.Is(err, keystore.ErrUnavailable) {
		t.Fatalf("Default without a session bus = %v, %v; want ErrUnavailable", s, err)
	}
	if msg := err.Error(); strings.Contains(msg, "\n") || !strings.Contains(msg, "password instead") {
		t.Errorf("error %q should be one line and say what to do", msg)
	}
}

// A session bus address that leads nowhere (the bus died) gives ErrUnavailable
// from Wrap, Unwrap and Delete. It runs in a child process because godbus
// keeps its first working session connection for the life of the process.
func TestDeadSessionBus(t *testing.T) {
	if os.Getenv("KEYSTORE_DEAD_BUS_CHILD") == "1" {
		s, err := keystore.Default()
		if err != nil {
			t.Fatalf("Default: %v", err)
		}
		key := make([]byte, keystore.KeySize)
		_, err1 := s.Wrap("dead-bus", key)
		blob := make([]byte, 73) // well formed, so Unwrap has to ask the store
		blob[0] = 1
		_, err2 := s.Unwrap("dead-bus", blob)
		err3 := s.Delete("dead-bus")
		for _, err := range []error{err1, err2, err3} {
			if !errors.Is(err, keystore.ErrUnavailable) || strings.Contains(err.Error(), "\n") {
				t.Errorf("with a dead bus: %v, want a one-line ErrUnavailable", err)
			}
		}
		return
	}
	cmd := exec.Command(os.Args[0], "-test.run=^TestDeadSessionBus$", "-test.v")
	cmd.Env = append(os.Environ(),
		"KEYSTORE_DEAD_BUS_CHILD=1",
		"DBUS_SESSION_BUS_ADDRESS=unix:path="+filepath.Join(t.TempDir(), "no-bus-here"))
	out, err := cmd.CombinedOutput()
	if err != nil || !strings.Contains(string(out), "--- PASS: TestDeadSessionBus") {
		t.Fatalf("child: %v\n%s", err, out)
	}
}

// TestSecretService runs the real-store tests (TestOSKeyring...) in a child
// process inside a throwaway D-Bus session with gnome-keyring: fresh HOME,
// unlocked login keyring. So `go test` checks the real Secret Service too,
// never touching the developer's own keyring.
func TestSecretService(t *testing.T) {
	if os.Getenv(realStoreEnv) == "1" {
		return // the child itself: its TestOSKeyring... do the work
	}
	testenv.Require(t, "dbus-run-session", "gnome-keyring-daemon")
	home := t.TempDir()
	// The keyring password must not be empty, or no login keyring is made.
	script := `eval "$(printf 'deskauth-test-pw' | gnome-keyring-daemon --unlock --components=secrets)" && ` +
		`exec "$0" -test.run '^TestOSKeyring' -test.v -test.count=1`
	cmd := exec.Command("dbus-run-session", "--", "sh", "-c", script, os.Args[0])
	cmd.Env = append(os.Environ(), realStoreEnv+"=1", "HOME="+home, "XDG_RUNTIME_DIR="+home,
		"XDG_DATA_HOME="+filepath.Join(home, "data"), "XDG_CONFIG_HOME="+filepath.Join(home, "config"))
	out, err := cmd.CombinedOutput()
	log := string(out)
	for _, want := range []string{"--- PASS: TestOSKeyring ", "--- PASS: TestOSKeyringItemDeletedOutside "} {
		if !strings.Contains(log, want) {
			t.Errorf("missing %q", strings.TrimSpace(want))
		}
	}
	if err != nil || strings.Contains(log, "--- SKIP") || strings.Contains(log, "--- FAIL") || t.Failed() {
		t.Fatalf("real Secret Service suite: %v\n%s", err, log)
	}
}
