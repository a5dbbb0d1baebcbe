// Command deskauth-cli is DeskAuth on the command line: the same vault, codes and
// QR scanning as the desktop app, for scripts and headless machines.
//
// Usage:
//
//	deskauth-cli init [--protect password|os|both]
//	    Create a vault. os keeps its key in the OS key store (DPAPI, Keychain,
//	    Secret Service); both means either the password or the OS opens it, so
//	    it is as strong as the weaker of the two.
//	deskauth-cli add URI|-
//	deskauth-cli add --issuer I --name N --secret S|- [--algorithm A] [--digits D] [--period P] [--hotp --counter C]
//	    Add an account. A URI or secret written as - is read from stdin (typed
//	    without echo on a terminal): on the command line it would be in the
//	    process list, which every local user can read. The same goes for
//	    code --uri - and parse -.
//	deskauth-cli list [--json]
//	    List the accounts, never their secrets.
//	deskauth-cli code [QUERY] [--json] [--at RFC3339 | --time-source URL]
//	    Print the codes of the accounts whose issuer or name contains QUERY
//	    (all accounts without one). An HOTP account named alone moves its
//	    counter on, saved before the code is shown.
//	deskauth-cli code --uri URI|- [--at RFC3339 | --time-source URL] [--json]
//	    Print the code for one otpauth:// URI without touching any vault.
//	    Codes are for now, corrected against --time-source (in vault mode,
//	    else the vault's time source) when the PC clock is more than 5 s off;
//	    an unreachable source gives a warning and the PC clock's codes.
//	deskauth-cli add ... [--replace | --keep-both]
//	    A re-enrolment (the same issuer and name with a new secret, as after a
//	    console resets its 2FA) needs one of these: --replace puts the new
//	    secret in place of the old, --keep-both adds it under a free name.
//	deskauth-cli rename QUERY [--issuer NEW] [--name NEW]
//	deskauth-cli rm QUERY
//	deskauth-cli move QUERY --by N
//	    Rename, remove or move (N < 0 up, N > 0 down) the one account QUERY
//	    names.
//	deskauth-cli protect --password|--os|--both
//	    Change how the vault is protected (a new master key is wrapped).
//	deskauth-cli passwd [--new-password-file FILE]
//	    Change the vault password ($DESKAUTH_NEW_PASSWORD also works).
//	deskauth-cli restore
//	    Replace a damaged vault with its intact backup (VAULT.bak); the damaged
//	    file is kept as VAULT.damaged.
//	deskauth-cli parse URI|- [--json] [--reveal]
//	    Print the fields of an otpauth:// URI; the secret only with --reveal.
//	deskauth-cli scan [--image FILE]... [--clipboard] [--region X,Y,W,H] [--raw] [--json] [--add [--replace|--keep-both]]
//	    Decode the QR codes on every display (or only in --region, in desktop
//	    pixels), or in image files (PNG, JPEG, GIF, WebP, BMP) or the clipboard
//	    image, and list the accounts found, secrets masked; --raw prints each
//	    payload verbatim, one per line, whatever it is. --add shows each
//	    account's current code and adds it to the vault. Exit status 3 if there
//	    is no QR code.
//	deskauth-cli import FILE|-|IMAGE... [--format auto|otpauth|winauth|google|aegis|2fas|bitwarden|authenticator|ente|deskauth] [--yes] [--import-password-file F]
//	    Import another authenticator's export (or the images of its QR codes,
//	    every code of a Google export): show what would be added, skipped
//	    as a duplicate or re-enrolled, and the entries that cannot be read; then
//	    ask (--yes adds without asking, replacing re-enrolled secrets). An
//	    encrypted file's password comes from --import-password-file,
//	    $DESKAUTH_IMPORT_PASSWORD or a prompt.
//	deskauth-cli export --format otpauth|deskauth|aegis|qr|google-qr [--plaintext] [--export-password-file F] FILE|-
//	    Write every account out: otpauth URIs (needs --plaintext), an encrypted
//	    DeskAuth backup, Aegis JSON (encrypted unless --plaintext), or QR code
//	    PNGs (FILE is a folder or a name prefix). The export password comes from
//	    --export-password-file, $DESKAUTH_EXPORT_PASSWORD or a prompt; - writes
//	    a text format to stdout.
//	deskauth-cli time [--time-source URL] [--json]
//	    Measure how far the PC clock is off against URL (ntp://host[:port],
//	    "ntp://" alone for pool.ntp.org, or https://host/ read from its Date
//	    header), else against the vault's time source. Prints the offset (positive:
//	    the PC clock is behind), the round trip and the source; --json prints
//	    {"source", "offset_seconds", "rtt_seconds"}. Each exchange gives up
//	    after 3 s; offsets over 24 h are refused as a broken source.
//	deskauth-cli time --set URL|none
//	    Save the vault's time source, which time and code use when no
//	    --time-source is given.
//
// Vault commands take --vault FILE (default: $DESKAUTH_VAULT, else a portable
// deskauth.vault beside the program if present, else deskauth.vault in the user
// config folder, e.g. %AppData%\DeskAuth) and --password-file FILE. The password
// comes from --password-file (first line), else $DESKAUTH_PASSWORD (meant for
// automation), else a no-echo prompt on the terminal. A wrong password exits 1
// with "wrong password" and leaves the file unchanged.
//
// Exit status: 0 on success, 1 on error (one line on stderr), 2 on a usage
// error, 3 when a scan finds no QR code, 130 on Ctrl-C at a password prompt
// (the terminal's echo is restored first).
package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"time"
)

// command is one sub-command. run gets the arguments after the command's name.
type command struct {
	name    string
	summary string
	run     func(c *cli, args []string) error
}

// commands lists every sub-command, in the order the usage text shows them.
var commands = []command{
	{"init", "create a vault protected by a password, the OS key store, or both", runInit},
	{"add", "add an account (otpauth:// URI or fields) to the vault", runAdd},
	{"list", "list the vault's accounts", runList},
	{"code", "print the current code (of a URI, or of vault accounts)", runCode},
	{"rename", "rename an account", runRename},
	{"rm", "remove an account", runRemove},
	{"move", "move an account up or down the list", runMove},
	{"protect", "change how the vault is protected", runProtect},
	{"passwd", "change the vault password", runPasswd},
	{"restore", "replace a damaged vault with its backup", runRestore},
	{"parse", "show the fields of an otpauth:// URI", runParse},
	{"scan", "find QR codes on screen, in images or on the clipboard", runScan},
	{"import", "import another authenticator's export file", runImport},
	{"export", "export the accounts (otpauth, DeskAuth backup, Aegis, QR codes)", runExport},
	{"time", "check the PC clock against a time source, or save the vault's", runTime},
	{"version", "print the DeskAuth version", runVersion},
}

// cli carries what a command may touch, so tests can swap any of it.
type cli struct {
	stdin  io.Reader
	stdout io.Writer
	stderr io.Writer
	getenv func(string) string
	now    func() time.Time
}

func main() {
	os.Exit(run(os.Args[1:], &cli{
		stdin: os.Stdin, stdout: os.Stdout, stderr: os.Stderr,
		getenv: os.Getenv, now: time.Now,
	}))
}

// Exit statuses.
const (
	exitOK    = 0
	exitError = 1
	exitUsage = 2
	exitNoQR  = 3
)

// usageError marks a mistake in how the command was called (exit 2).
type usageError struct{ msg string }

func (e usageError) Error() string { return e.msg }

func usagef(format string, args ...any) error { return usageError{fmt.Sprintf(format, args...)} }

// exitCodeError carries a specific exit status with its message.
type exitCodeError struct {
	code int
	err  error
}

func (e exitCodeError) Error() string { return e.err.Error() }
func (e exitCodeError) Unwrap() error { return e.err }

func run(args []string, c *cli) int {
	if len(args) == 0 || args[0] == "help" || args[0] == "-h" || args[0] == "--help" {
		c.usage(c.stdout)
		if len(args) == 0 {
			return exitUsage
		}
		return exitOK
	}
	for _, cmd := range commands {
		if cmd.name != args[0] {
			continue
		}
		err := cmd.run(c, args[1:])
		return c.report(err)
	}
	fmt.Fprintf(c.stderr, "deskauth-cli: unknown command %q (run deskauth-cli help)\n", args[0])
	return exitUsage
}

// report prints err as one line and maps it to an exit status.
func (c *cli) report(err error) int {
	if err == nil {
		return exitOK
	}
	if errors.Is(err, flag.ErrHelp) {
		return exitOK
	}
	// One line, with nothing in it that a terminal would act on.
	msg := printable(strings.ReplaceAll(err.Error(), "\n", " "))
	fmt.Fprintf(c.stderr, "deskauth-cli: %s\n", msg)
	var ue usageError
	var ce exitCodeError
	switch {
	case errors.As(err, &ue):
		return exitUsage
	case errors.As(err, &ce):
		return ce.code
	}
	return exitError
}

func (c *cli) usage(w io.Writer) {
	fmt.Fprintln(w, "usage: deskauth-cli COMMAND [flags]")
	fmt.Fprintln(w)
	for _, cmd := range commands {
		fmt.Fprintf(w, "  %-8s %s\n", cmd.name, cmd.summary)
	}
	fmt.Fprintln(w)
	fmt.Fprintln(w, "Run deskauth-cli COMMAND -h for a command's flags.")
}

// flags returns a FlagSet whose errors come back as usage errors rather than
// exiting, with help printed to stdout.
func (c *cli) flags(name string) *flag.FlagSet {
	fs := flag.NewFlagSet("deskauth-cli "+name, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.Usage = func() {}
	return fs
}

// parse parses args, allowing flags after positional arguments, and turns flag
// errors into usage errors. -h prints the flags and returns flag.ErrHelp.
func (c *cli) parse(fs *flag.FlagSet, args []string) ([]string, error) {
	var positional []string
	for {
		if err := fs.Parse(args); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				fs.SetOutput(c.stdout)
				fmt.Fprintf(c.stdout, "usage of %s:\n", fs.Name())
				fs.PrintDefaults()
				return nil, flag.ErrHelp
			}
			return nil, usageError{err.Error()}
		}
		args = fs.Args()
		if len(args) == 0 {
			return positional, nil
		}
		positional = append(positional, args[0])
		args = args[1:]
	}
}

// parseNoArgs parses args for a command that takes flags only.
func (c *cli) parseNoArgs(fs *flag.FlagSet, args []string) error {
	pos, err := c.parse(fs, args)
	if err != nil {
		return err
	}
	if len(pos) > 0 {
		return usagef("%s takes no arguments", strings.TrimPrefix(fs.Name(), "deskauth-cli "))
	}
	return nil
}
