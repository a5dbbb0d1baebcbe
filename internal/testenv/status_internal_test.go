package testenv

import (
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"

	"github.com/rogpeppe/go-internal/testscript"
)

// recordingT is a testscript.T that records a failing script instead of
// failing the test running it.
type recordingT struct {
	mu     sync.Mutex
	log    strings.Builder
	failed bool
}

func (r *recordingT) Skip(args ...any)  { r.Log(args...); runtime.Goexit() }
func (r *recordingT) Fatal(args ...any) { r.Log(args...); r.FailNow() }
func (r *recordingT) Parallel()         {}
func (r *recordingT) Verbose() bool     { return false }
func (r *recordingT) Log(args ...any) {
	r.mu.Lock()
	defer r.mu.Unlock()
	fmt.Fprintln(&r.log, args...)
}
func (r *recordingT) FailNow() {
	r.mu.Lock()
	r.failed = true
	r.mu.Unlock()
	runtime.Goexit()
}
func (r *recordingT) Run(_ string, f func(testscript.T)) {
	done := make(chan struct{})
	go func() {
		defer close(done)
		f(r)
	}()
	<-done
}

// TestStatusMismatchFails: a status line whose command exits with another
// status (here 1 for 2, and 0 for 1) fails the script, naming both.
func TestStatusMismatchFails(t *testing.T) {
	for _, tc := range []struct{ script, want string }{
		{"status 2 sh -c 'exit 1'\n", "sh exited with status 1, want 2"},
		{"status 1 sh -c 'exit 0'\n", "sh exited with status 0, want 1"},
		{"! status 1 sh -c 'exit 1'\n", "unsupported: ! status"},
		{"status x sh -c 'exit 1'\n", `"x" is not an exit status`},
		{"status 1 deskauth-no-such-program\n", "deskauth-no-such-program did not run"},
	} {
		path := filepath.Join(t.TempDir(), "s.txt")
		if err := os.WriteFile(path, []byte(tc.script), 0o644); err != nil {
			t.Fatal(err)
		}
		var r recordingT
		testscript.RunT(&r, scriptParams(testscript.Params{Files: []string{path}}))
		if !r.failed || !strings.Contains(r.log.String(), tc.want) {
			t.Errorf("%q: failed %v, log:\n%s\nwant a failure saying %q", tc.script, r.failed, r.log.String(), tc.want)
		}
	}
}
