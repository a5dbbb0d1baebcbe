package vault

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"
)

// The tests here run a second copy of this test binary as "another DeskAuth
// process", through TestHelperProcess.

const helperEnv = "DESKAUTH_VAULT_TEST_HELPER"

// TestHelperProcess is not a test: it is the child process of the tests below,
// doing what $DESKAUTH_VAULT_TEST_HELPER says ("hold PATH" or "save PATH").
func TestHelperProcess(t *testing.T) {
	job := os.Getenv(helperEnv)
	if job == "" {
		t.Skip("helper process for the lock and crash tests")
	}
	what, path, _ := strings.Cut(job, " ")
	v, err := Open(path, pw("pw"))
	if err != nil {
		fmt.Println("error:", err)
		os.Exit(1)
	}
	switch what {
	case "hold":
		fmt.Println("locked")
		io.Copy(io.Discard, os.Stdin) // until the parent kills us
	case "save":
		fmt.Println("ready")
		for {
			for i := range v.accounts {
				v.accounts[i].Advance()
			}
			if err := v.Save(); err != nil {
				fmt.Println("error:", err)
				os.Exit(1)
			}
		}
	}
	os.Exit(0)
}

// startHelper starts the child and waits for its first line.
func startHelper(t *testing.T, job string) (*exec.Cmd, string) {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^TestHelperProcess$", "-test.count=1")
	cmd.Env = append(os.Environ(), helperEnv+"="+job)
	stdin, _ := cmd.StdinPipe()
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { stdin.Close(); cmd.Process.Kill(); cmd.Wait() })
	line, err := bufio.NewReader(out).ReadString('\n')
	if err != nil {
		t.Fatalf("helper: %v", err)
	}
	go io.Copy(io.Discard, out)
	return cmd, strings.TrimSpace(line)
}

// Process.Kill is SIGKILL on POSIX and TerminateProcess on Windows: either
// way the process gets no chance to clean up.
func needKill(t *testing.T) {
	if runtime.GOOS == "js" || runtime.GOOS == "wasip1" {
		t.Skip("no child processes here")
	}
}

// TestTwoProcesses: while another process has the vault open, Open fails
// with ErrLocked; once that process dies without cleaning up, its lock file
// is still there but no longer blocks.
func TestTwoProcesses(t *testing.T) {
	needKill(t)
	path := newVault(t, Protection{Argon2: testCost, Password: []byte("pw")}, sampleAccounts())
	cmd, line := startHelper(t, "hold "+path)
	if line != "locked" {
		t.Fatalf("helper said %q", line)
	}
	_, err := Open(path, pw("pw"))
	if !errors.Is(err, ErrLocked) {
		t.Fatalf("err = %v, want ErrLocked", err)
	}
	if !strings.Contains(err.Error(), "in use by another DeskAuth process") {
		t.Errorf("message %q", err)
	}
	snap, err := Read(path, pw("pw"))
	if err != nil {
		t.Fatalf("Read while another process holds the lock: %v", err)
	}
	defer snap.Close()
	if err := snap.Save(); !errors.Is(err, ErrLocked) {
		t.Fatalf("Save while another process holds the lock: %v", err)
	}

	cmd.Process.Kill()
	cmd.Wait()
	if _, err := os.Stat(path + ".lock"); err != nil {
		t.Fatalf("the lock file should outlive the crash: %v", err)
	}
	v, err := Open(path, pw("pw"))
	if err != nil {
		t.Fatalf("after the holder crashed: %v", err)
	}
	v.Close()
}

// TestSIGKILLLoop kills a process that saves the vault over and over, at
// random moments, 300 times. After every kill the vault opens with a
// consistent content that is the old one or a newer one, or, failing that,
// its backup does. The child advances every HOTP counter before each save,
// so a consistent file has all counters equal, and they never go back.
func TestSIGKILLLoop(t *testing.T) {
	needKill(t)
	accts := []Account{}
	for i := range 3 {
		accts = append(accts, Account{Issuer: "crash", Name: fmt.Sprint(i), Kind: HOTP, Algorithm: SHA1, Digits: 6, Secret: []byte("12345678901234567890")})
	}
	path := newVault(t, Protection{Argon2: testCost, Password: []byte("pw")}, accts)
	r := rand.New(rand.NewPCG(3, 4))
	last := uint64(0)
	fromBackup := 0
	start := time.Now()
	const kills = 300
	// Kills land a few milliseconds into the saving. The window widens
	// while kills come before any save completes (a slow machine) and
	// narrows again once they do.
	maxDelay := 8 * time.Millisecond
	for i := range kills {
		cmd, line := startHelper(t, "save "+path)
		if line != "ready" {
			t.Fatalf("kill %d: helper said %q", i, line)
		}
		time.Sleep(time.Duration(r.Int64N(int64(maxDelay))))
		cmd.Process.Kill()
		cmd.Wait()

		v, err := Read(path, pw("pw"))
		if errors.Is(err, ErrBackupAvailable) {
			fromBackup++
			if err := RestoreBackup(path); err != nil {
				t.Fatalf("kill %d: %v", i, err)
			}
			v, err = Read(path, pw("pw"))
		}
		if err != nil {
			t.Fatalf("kill %d: the vault does not open: %v", i, err)
		}
		c := v.accounts[0].Counter
		for _, a := range v.accounts {
			if a.Counter != c {
				t.Fatalf("kill %d: inconsistent counters %d and %d", i, c, a.Counter)
			}
		}
		if c < last {
			t.Fatalf("kill %d: counter went back from %d to %d", i, last, c)
		}
		switch {
		case c == last && maxDelay < 500*time.Millisecond:
			maxDelay *= 2
		case c > last && maxDelay > 8*time.Millisecond:
			maxDelay /= 2
		}
		last = c
		v.Close()
	}
	if fromBackup > 0 {
		t.Errorf("the backup was needed %d times: rename is atomic, so the vault itself should always open", fromBackup)
	}
	if last == 0 {
		t.Fatal("no save ever completed: the kills came too early to test anything")
	}
	t.Logf("%d kills in %v; the children completed %d saves in all", kills, time.Since(start).Round(time.Millisecond), last)
	// Whatever the kills left behind, the next save cleans up.
	v, err := Open(path, pw("pw"))
	if err != nil {
		t.Fatal(err)
	}
	defer v.Close()
	if err := v.Save(); err != nil {
		t.Fatal(err)
	}
	if tmp := tempFiles(t, filepath.Dir(path)); len(tmp) > 0 {
		t.Fatalf("temporary files left after a save: %v", tmp)
	}
}
