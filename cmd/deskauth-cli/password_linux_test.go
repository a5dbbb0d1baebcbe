package main

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/deskauth/deskauth/internal/testenv"
	"github.com/deskauth/deskauth/vault"
	"github.com/deskauth/deskauth/vault/keystore"
	"golang.org/x/sys/unix"
)

// openPTY returns a new pseudo-terminal: the master (the "keyboard and
// screen") and the slave (what the program sees as its terminal).
func openPTY(t *testing.T) (master, slave *os.File) {
	t.Helper()
	m, err := os.OpenFile("/dev/ptmx", os.O_RDWR, 0)
	if err != nil {
		t.Skipf("no pseudo-terminals here: %v", err)
	}
	if err := unix.IoctlSetPointerInt(int(m.Fd()), unix.TIOCSPTLCK, 0); err != nil {
		t.Fatal(err)
	}
	n, err := unix.IoctlGetInt(int(m.Fd()), unix.TIOCGPTN)
	if err != nil {
		t.Fatal(err)
	}
	s, err := os.OpenFile(fmt.Sprintf("/dev/pts/%d", n), os.O_RDWR|unix.O_NOCTTY, 0)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close(); m.Close() })
	return m, s
}

// syncBuffer is a bytes.Buffer safe for one writer and one reader.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// typeAtPrompts runs the command with the terminal as stdin and types each
// line once the program has turned echo off, as a person would after seeing
// the prompt. It returns the exit status, stdout, stderr and everything the
// terminal showed.
func typeAtPrompts(t *testing.T, args []string, lines ...string) (int, string, string, string) {
	t.Helper()
	master, slave := openPTY(t)
	var screen syncBuffer
	go func() {
		buf := make([]byte, 256)
		for {
			n, err := master.Read(buf)
			screen.Write(buf[:n])
			if err != nil {
				return
			}
		}
	}()
	var stdout, stderr syncBuffer
	done := make(chan int)
	go func() {
		done <- cliMain(time.Now)(args, testenv.Stdio{Stdin: slave, Stdout: &stdout, Stderr: &stderr,
			Getenv: func(string) string { return "" }})
	}()
	echoOff := func() bool {
		tio, err := unix.IoctlGetTermios(int(slave.Fd()), unix.TCGETS)
		return err == nil && tio.Lflag&unix.ECHO == 0
	}
	for i, line := range lines {
		// Prompt i+1 is printed only after read i has returned, so once it
		// is there and echo is off, read i+1 is waiting.
		deadline := time.Now().Add(30 * time.Second)
		for strings.Count(stderr.String(), ": ") < i+1 || !echoOff() {
			if time.Now().After(deadline) {
				t.Fatalf("no password prompt %d came; stderr: %s", i+1, stderr.String())
			}
			time.Sleep(time.Millisecond)
		}
		master.Write([]byte(line + "\n"))
	}
	var code int
	select {
	case code = <-done:
	case <-time.After(60 * time.Second):
		t.Fatal("the command did not finish")
	}
	time.Sleep(20 * time.Millisecond) // let the reader catch the last output
	return code, stdout.String(), stderr.String(), screen.String()
}

// TestPasswordPromptNoEcho: in a terminal, the password is asked for on
// stderr, typed without echo, asked twice for a new vault, and never shown.
func TestPasswordPromptNoEcho(t *testing.T) {
	defer vault.SetArgon2CostForTests(1, 64, 1)()
	old := keyStore
	keyStore = func() (keystore.Store, error) { return nil, keystore.ErrUnavailable }
	defer func() { keyStore = old }()
	path := filepath.Join(t.TempDir(), "v.vault")
	const secret = "tty-only pass phrase"

	code, out, errs, screen := typeAtPrompts(t, []string{"init", "--vault", path}, secret, secret)
	if code != 0 {
		t.Fatalf("init exited %d: %s", code, errs)
	}
	if !strings.Contains(errs, "New vault password: ") || !strings.Contains(errs, "Type it again: ") {
		t.Errorf("prompts on stderr: %q", errs)
	}
	for what, s := range map[string]string{"stdout": out, "stderr": errs, "terminal": screen} {
		if strings.Contains(s, "tty-only") {
			t.Errorf("the password appeared on the %s: %q", what, s)
		}
	}

	// Typed twice differently: nothing is created.
	other := filepath.Join(t.TempDir(), "w.vault")
	code, _, errs, _ = typeAtPrompts(t, []string{"init", "--vault", other}, "one", "two")
	if code != 1 || !strings.Contains(errs, "the two passwords differ") {
		t.Errorf("mismatch: exit %d, %q", code, errs)
	}
	if _, err := os.Stat(other); err == nil {
		t.Error("a vault was created although the passwords differed")
	}

	code, _, errs, _ = typeAtPrompts(t, []string{"list", "--vault", path}, secret)
	if code != 0 || !strings.Contains(errs, "Password for "+path+": ") {
		t.Fatalf("list: exit %d, stderr %q", code, errs)
	}
	code, _, errs, _ = typeAtPrompts(t, []string{"list", "--vault", path}, "wrong")
	if code != 1 || !strings.HasSuffix(errs, "deskauth-cli: wrong password\n") {
		t.Fatalf("wrong password: exit %d, stderr %q", code, errs)
	}
}
