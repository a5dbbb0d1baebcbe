package testenv

import (
	"bytes"
	"errors"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/rogpeppe/go-internal/testscript"
)

// Stdio is what a CLI run sees of its process: the three streams and the
// environment.
type Stdio struct {
	Stdin          io.Reader
	Stdout, Stderr io.Writer
	Getenv         func(string) string
}

// Main is a CLI's entry point: it runs args (without the program name) and
// returns the exit status.
type Main func(args []string, stdio Stdio) int

// RunCLI runs main in-process with args, an empty stdin and an environment
// holding only env (nothing leaks from the test's own environment, such as
// the user's vault), and returns its exit status and output.
func RunCLI(main Main, env map[string]string, args ...string) (status int, stdout, stderr string) {
	var out, errb bytes.Buffer
	status = main(args, Stdio{
		Stdin:  strings.NewReader(""),
		Stdout: &out,
		Stderr: &errb,
		Getenv: func(k string) string { return env[k] },
	})
	return status, out.String(), errb.String()
}

// ScriptMain is TestMain for a package whose testscript scripts run a CLI:
// `exec name ...` in a script runs main, in a child process of the test
// binary, on the process's real streams and environment.
func ScriptMain(m *testing.M, name string, main Main) {
	testscript.Main(m, map[string]func(){
		name: func() {
			os.Exit(main(os.Args[1:], Stdio{Stdin: os.Stdin, Stdout: os.Stdout, Stderr: os.Stderr, Getenv: os.Getenv}))
		},
	})
}

// RunScripts runs the testscript scripts described by p. Each script gets its
// $WORK as HOME and $WORK/.config as XDG_CONFIG_HOME before p.Setup runs, so
// no script touches the user's files, and the status command:
//
//	status N command [args...]
//
// runs command as exec does (stdout and stderr are then checked with stdout
// and stderr) and requires its exit status to be exactly N. A script uses it
// for every run expected to fail, where `! exec` would accept any status.
func RunScripts(t *testing.T, p testscript.Params) {
	t.Helper()
	testscript.Run(t, scriptParams(p))
}

func scriptParams(p testscript.Params) testscript.Params {
	setup := p.Setup
	p.Setup = func(env *testscript.Env) error {
		env.Setenv("HOME", env.WorkDir)
		env.Setenv("XDG_CONFIG_HOME", filepath.Join(env.WorkDir, ".config"))
		if setup != nil {
			return setup(env)
		}
		return nil
	}
	cmds := map[string]func(ts *testscript.TestScript, neg bool, args []string){"status": cmdStatus}
	for name, cmd := range p.Cmds {
		cmds[name] = cmd
	}
	p.Cmds = cmds
	return p
}

func cmdStatus(ts *testscript.TestScript, neg bool, args []string) {
	if neg {
		ts.Fatalf("unsupported: ! status (say which status is wanted)")
	}
	if len(args) < 2 {
		ts.Fatalf("usage: status N command [args...]")
	}
	want, err := strconv.Atoi(args[0])
	if err != nil || want < 0 {
		ts.Fatalf("status: %q is not an exit status", args[0])
	}
	err = ts.Exec(args[1], args[2:]...)
	got := 0
	var exit *exec.ExitError
	switch {
	case errors.As(err, &exit):
		got = exit.ExitCode()
	case err != nil:
		ts.Fatalf("%s did not run: %v", args[1], err)
	}
	if got != want {
		ts.Fatalf("%s exited with status %d, want %d", args[1], got, want)
	}
}
