package main

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"

	"golang.org/x/term"
)

// Where a vault password comes from, in order: --password-file FILE (its first
// line), the DESKAUTH_PASSWORD environment variable (for automation: the
// environment of a process can be read by the same user), or a no-echo prompt
// when stdin is a terminal. Passwords are never echoed, logged or printed.

const (
	envPassword    = "DESKAUTH_PASSWORD"
	envNewPassword = "DESKAUTH_NEW_PASSWORD"
)

// errNoPasswordSource is returned when no password source is available.
var errNoPasswordSource = errors.New("the vault needs a password: type it in a terminal, or use --password-file FILE or DESKAUTH_PASSWORD")

// readPasswordFile returns the first line of path, without its line ending.
func readPasswordFile(flag, path string) ([]byte, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("%s: %v", flag, err)
	}
	line, _, _ := bytes.Cut(data, []byte("\n"))
	line = bytes.TrimSuffix(line, []byte("\r"))
	if len(line) == 0 {
		return nil, fmt.Errorf("%s %s: the first line is empty", flag, path)
	}
	return line, nil
}

// terminal returns stdin's file descriptor if stdin is a terminal.
func (c *cli) terminal() (int, bool) {
	f, ok := c.stdin.(*os.File)
	if !ok || !term.IsTerminal(int(f.Fd())) {
		return 0, false
	}
	return int(f.Fd()), true
}

// prompt asks for a password on the terminal without echo.
func (c *cli) prompt(fd int, label string) ([]byte, error) {
	fmt.Fprint(c.stderr, label)
	stop := restoreOnInterrupt(fd, c.stderr)
	pw, err := term.ReadPassword(fd)
	stop()
	fmt.Fprintln(c.stderr)
	if err != nil {
		return nil, fmt.Errorf("reading the password: %v", err)
	}
	return pw, nil
}

// existingPassword gets the password of an existing vault.
func (c *cli) existingPassword(file, path string) ([]byte, error) {
	if file != "" {
		return readPasswordFile("--password-file", file)
	}
	if pw := c.getenv(envPassword); pw != "" {
		return []byte(pw), nil
	}
	fd, ok := c.terminal()
	if !ok {
		return nil, errNoPasswordSource
	}
	return c.prompt(fd, "Password for "+path+": ")
}

// newPassword gets a password to protect a vault with: from file, then from
// the environment variable env, then from the terminal, typed twice.
func (c *cli) newPassword(flag, file, env string) ([]byte, error) {
	if file != "" {
		return readPasswordFile(flag, file)
	}
	if pw := c.getenv(env); pw != "" {
		return []byte(pw), nil
	}
	fd, ok := c.terminal()
	if !ok {
		return nil, fmt.Errorf("a new password is needed: type it in a terminal, or set %s", env)
	}
	pw, err := c.prompt(fd, "New vault password: ")
	if err != nil {
		return nil, err
	}
	if len(pw) == 0 {
		return nil, errors.New("the password is empty")
	}
	again, err := c.prompt(fd, "Type it again: ")
	if err != nil {
		return nil, err
	}
	if !bytes.Equal(pw, again) {
		return nil, errors.New("the two passwords differ; nothing was changed")
	}
	return pw, nil
}

// interruptSignals end the process; while echo is off they must not leave the
// terminal that way.
var interruptSignals = []os.Signal{os.Interrupt, syscall.SIGTERM, syscall.SIGHUP}

// restoreOnInterrupt watches for Ctrl-C (and SIGTERM, SIGHUP) while a prompt
// has the terminal's echo off: it puts the terminal back as it was, and exits
// with 128 + the signal's number, as the signal would have. The function it
// returns stops watching.
func restoreOnInterrupt(fd int, w io.Writer) (stop func()) {
	state, err := term.GetState(fd)
	if err != nil {
		return func() {}
	}
	sigs := make(chan os.Signal, 1)
	signal.Notify(sigs, interruptSignals...)
	done := make(chan struct{})
	go func() {
		select {
		case sig := <-sigs:
			term.Restore(fd, state)
			fmt.Fprintln(w)
			code := 1
			if s, ok := sig.(syscall.Signal); ok {
				code = 128 + int(s)
			}
			os.Exit(code)
		case <-done:
		}
	}()
	return func() {
		signal.Stop(sigs)
		close(done)
	}
}

// readLine reads one line from stdin, for "--secret -".
func (c *cli) readLine() (string, error) { return c.stdinLine("Secret (Base32): ") }

// stdinArg returns arg, or, when arg is "-", one line of stdin: a URI or
// secret given as "-" stays out of the process list (/proc/PID/cmdline),
// which every local user can read. what names it in errors.
func (c *cli) stdinArg(arg, what, prompt string) (string, error) {
	if arg != "-" {
		return arg, nil
	}
	s, err := c.stdinLine(prompt)
	if err != nil {
		return "", fmt.Errorf("reading the %s from stdin: %v", what, err)
	}
	return s, nil
}

// stdinLine reads one line from stdin; on a terminal it asks with prompt and
// reads without echo, as for a password.
func (c *cli) stdinLine(prompt string) (string, error) {
	if fd, ok := c.terminal(); ok {
		b, err := c.prompt(fd, prompt)
		return string(b), err
	}
	s := bufio.NewScanner(c.stdin)
	if !s.Scan() {
		if err := s.Err(); err != nil {
			return "", err
		}
		return "", errors.New("stdin is empty")
	}
	return s.Text(), nil
}
