package keystore_test

import (
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

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
