// Package transfer moves accounts in and out of DeskAuth: it reads the export
// files of other authenticators (and DeskAuth's own encrypted backup) into
// vault accounts, and writes accounts out as otpauth URI lists, encrypted
// DeskAuth backups, Aegis JSON and QR code images.
//
// Importing is two steps. Parse (or ParseFile) turns a file into a Result:
// the accounts it could read and, for every entry it could not, a Problem
// naming the entry. Nothing is added anywhere: the caller hands
// Result.Accounts to (*vault.Vault).Plan, shows the preview, and applies it
// with AddPlanned. A file with 9 good entries and 1 bad one gives 9 accounts
// and 1 problem.
//
// Errors are sentinel or typed values for the faces to word: a wrong
// password wraps vault.ErrWrongPassword, a file that needs one and got none
// ErrPasswordRequired, and so on. No error quotes a secret.
//
// For a window: Parse may run a key derivation (scrypt, PBKDF2) and read
// large files, so call it off the UI thread. The simplest password flow
// needs no blocking callback: call Parse with a nil Options.Password; on
// ErrPasswordRequired ask for the password, then call Parse again with a
// Password that returns it (and again on ErrWrongPassword). A file dialog,
// a drop and a paste all end in ParseFile, ParseReader or ParseText; a QR
// scan of a Google export feeds each code to a Batches and plans what Take
// returns.
//
// Every parser bounds its work on hostile input: the input size (MaxInput),
// the number of entries (MaxEntries), nesting depth, and the cost of any key
// derivation named in the file, which is refused with ErrCostTooHigh before
// it runs.
package transfer

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/deskauth/deskauth/vault"
)

// Format names a file format. The strings are the CLI's --format values.
type Format string

const (
	Auto          Format = "auto"
	OTPAuth       Format = "otpauth"       // otpauth:// URIs one a line (WinAuth text export, the extension's text)
	WinAuth       Format = "winauth"       // WinAuth's winauth.xml
	Google        Format = "google"        // otpauth-migration:// lines (Google Authenticator export)
	Aegis         Format = "aegis"         // Aegis JSON, plain or encrypted
	TwoFAS        Format = "2fas"          // 2FAS .2fas backup, plain or encrypted
	Bitwarden     Format = "bitwarden"     // Bitwarden JSON or CSV export
	Authenticator Format = "authenticator" // the Authenticator browser extension's JSON backup
	Ente          Format = "ente"          // Ente Auth's plain text export
	DeskAuth      Format = "deskauth"      // an encrypted DeskAuth backup (a vault file)
)

// ImportFormats lists the formats Parse accepts, Auto first.
var ImportFormats = []Format{Auto, OTPAuth, WinAuth, Google, Aegis, TwoFAS, Bitwarden, Authenticator, Ente, DeskAuth}

// Limits on what an import reads.
const (
	// MaxInput is the largest file Parse reads: far above any real export.
	MaxInput = 16 << 20
	// MaxEntries is the most entries one file may hold.
	MaxEntries = 10000
	// maxDepth bounds the nesting of JSON and XML.
	maxDepth = 64
)

// Errors the faces react to. Test with errors.Is.
var (
	// ErrWrongPassword is vault.ErrWrongPassword: the password does not open
	// the file.
	ErrWrongPassword = vault.ErrWrongPassword
	// ErrPasswordRequired means the file is encrypted and no password was
	// given (Options.Password is nil or returned an empty one).
	ErrPasswordRequired = errors.New("the file is encrypted: a password is needed")
	// ErrUnknownFormat means auto-detection recognised nothing.
	ErrUnknownFormat = errors.New("the file is not in a format DeskAuth can import")
	// ErrMalformed means the file claims a format but does not follow it.
	ErrMalformed = errors.New("the file is damaged or not in the expected format")
	// ErrTooLarge means the input is over MaxInput or holds more than
	// MaxEntries entries.
	ErrTooLarge = errors.New("the file is too large to be an authenticator export")
	// ErrCostTooHigh means the file asks for a key derivation so expensive
	// it can only be an attack; it is refused before running.
	ErrCostTooHigh = errors.New("the file's key derivation settings are out of range")
	// ErrNeedsWindows means the file is protected by Windows DPAPI and can
	// only be read on Windows, by the same user (or on the same PC).
	ErrNeedsWindows = errors.New("the file is protected by Windows (DPAPI): import it on the Windows PC and user that wrote it")
	// ErrUnsupported means the file uses a protection or feature DeskAuth
	// cannot read (a YubiKey-protected WinAuth file, say).
	ErrUnsupported = errors.New("the file uses a protection DeskAuth does not support")
	// ErrNoAccounts means the input held nothing to import.
	ErrNoAccounts = errors.New("no accounts found")
)

// Problem is one entry of a file that could not be imported.
type Problem struct {
	// Entry counts entries (or lines, for text) from 1.
	Entry int
	// Label names the entry as the file does ("GitHub (alice)"), when known.
	Label string
	// Err says why; it wraps vault.ErrInvalidAccount, vault.ErrInvalidURI,
	// ErrUnsupported or ErrMalformed.
	Err error
}

func (p Problem) Error() string {
	if p.Label != "" {
		return fmt.Sprintf("entry %d (%s): %v", p.Entry, p.Label, p.Err)
	}
	return fmt.Sprintf("entry %d: %v", p.Entry, p.Err)
}

func (p Problem) Unwrap() error { return p.Err }

// Result is what a file held.
type Result struct {
	Format   Format
	Accounts []vault.Account
	Problems []Problem
}

// Options tune Parse.
type Options struct {
	// Format forces a format; "" or Auto detects it.
	Format Format
	// Password is called only when the file turns out to be encrypted, so
	// a prompt appears only when needed. nil means "no password
	// available": an encrypted file then gives ErrPasswordRequired.
	Password func() ([]byte, error)
}

// ParseFile reads path (at most MaxInput bytes) and parses it.
func ParseFile(path string, opt Options) (*Result, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return ParseReader(f, opt)
}

// ParseReader reads r to the end (at most MaxInput bytes) and parses it.
func ParseReader(r io.Reader, opt Options) (*Result, error) {
	data, err := io.ReadAll(io.LimitReader(r, MaxInput+1))
	if err != nil {
		return nil, err
	}
	return Parse(data, opt)
}

// ParseText parses pasted or dropped text: otpauth:// and
// otpauth-migration:// lines, or any text format Parse detects.
func ParseText(text string, opt Options) (*Result, error) {
	return Parse([]byte(text), opt)
}

// Parse reads an export file held in memory. It returns an error only when
// nothing could be read at all (unknown format, wrong password, damaged
// file, no accounts); entries it cannot use are listed in Result.Problems.
// Every account returned has passed (vault.Account).Validate.
func Parse(data []byte, opt Options) (*Result, error) {
	if len(data) > MaxInput {
		return nil, fmt.Errorf("%w (over %d MiB)", ErrTooLarge, MaxInput>>20)
	}
	f := opt.Format
	if f == "" || f == Auto {
		f = Detect(data)
		if f == "" {
			return nil, ErrUnknownFormat
		}
	}
	p := parsers[f]
	if p == nil {
		return nil, fmt.Errorf("unknown format %q", string(f))
	}
	res := &Result{Format: f}
	if err := p(data, &opt, res); err != nil {
		return nil, err
	}
	if len(res.Accounts) == 0 && len(res.Problems) == 0 {
		return nil, ErrNoAccounts
	}
	return res, nil
}

type parser func(data []byte, opt *Options, res *Result) error

var parsers map[Format]parser

func init() {
	parsers = map[Format]parser{
		OTPAuth:       parseText,
		Google:        parseText,
		Ente:          parseEnte,
		WinAuth:       parseWinAuth,
		Aegis:         parseAegis,
		TwoFAS:        parse2FAS,
		Bitwarden:     parseBitwarden,
		Authenticator: parseAuthenticator,
		DeskAuth:      parseDeskAuth,
	}
}

// parseEnte reads Ente Auth's plain export (otpauth URIs with extra
// parameters); its encrypted export (libsodium secretstream) is refused with
// ErrUnsupported.
func parseEnte(data []byte, opt *Options, res *Result) error {
	if b := bytes.TrimSpace(trimBOM(data)); len(b) > 0 && b[0] == '{' {
		return unsupported("Ente's encrypted export: export again as plain text")
	}
	return parseText(data, opt, res)
}

// add validates a and records it, or records why it is unusable.
// Merge appends o's accounts and problems to r, as when the QR codes of a
// Google export and some otpauth links come from the same images. r takes
// o's format when r has no accounts of its own.
func (r *Result) Merge(o *Result) {
	if len(r.Accounts) == 0 {
		r.Format = o.Format
	}
	r.Accounts = append(r.Accounts, o.Accounts...)
	r.Problems = append(r.Problems, o.Problems...)
}

func (r *Result) add(entry int, a vault.Account) {
	a.Issuer = strings.TrimSpace(a.Issuer)
	a.Name = strings.TrimSpace(a.Name)
	if err := a.Validate(); err != nil {
		r.problem(entry, a.Label(), err)
		return
	}
	r.Accounts = append(r.Accounts, a)
}

func (r *Result) problem(entry int, label string, err error) {
	r.Problems = append(r.Problems, Problem{Entry: entry, Label: clip(label), Err: err})
}

// maxSecretText bounds a secret's text in a file: a 512-bit key is 103
// Base32 characters.
const maxSecretText = 1024

// decodeSecret is vault.DecodeSecret for a secret read from a file,
// refusing absurd lengths before decoding them.
func decodeSecret(s string) ([]byte, error) {
	if len(s) > maxSecretText {
		return nil, fmt.Errorf("%w: the secret is longer than %d characters", vault.ErrInvalidAccount, maxSecretText)
	}
	return vault.DecodeSecret(s)
}

// password asks opt for the file's password.
func (o *Options) password() ([]byte, error) {
	if o.Password == nil {
		return nil, ErrPasswordRequired
	}
	pw, err := o.Password()
	if err != nil {
		return nil, err
	}
	if len(pw) == 0 {
		return nil, ErrPasswordRequired
	}
	return pw, nil
}

// Detect names the format of data, or returns "" when it recognises none.
// Text with otpauth-migration:// lines is Google; other otpauth text is
// OTPAuth (Ente's and WinAuth's text exports read the same way).
func Detect(data []byte) Format {
	if vault.IsVaultFile(data) {
		return DeskAuth
	}
	b := bytes.TrimSpace(trimBOM(data))
	if len(b) == 0 {
		return ""
	}
	switch b[0] {
	case '<':
		if bytes.Contains(b[:min(len(b), 4096)], []byte("<WinAuth")) {
			return WinAuth
		}
		return ""
	case '{':
		return detectJSON(b)
	}
	first, _, _ := bytes.Cut(b, []byte("\n"))
	if bytes.Contains(first, []byte("login_totp")) {
		return Bitwarden
	}
	lower := bytes.ToLower(b)
	switch {
	case bytes.Contains(lower, []byte("otpauth-migration://")):
		return Google
	case bytes.Contains(lower, []byte("otpauth://")):
		return OTPAuth
	}
	return ""
}

func trimBOM(b []byte) []byte { return bytes.TrimPrefix(b, []byte("\xef\xbb\xbf")) }

// clip shortens text from a file quoted in a problem, and replaces control
// characters (a label may hold terminal escapes) and invalid UTF-8.
func clip(s string) string {
	s = strings.Map(func(r rune) rune {
		if unicode.IsControl(r) || r == utf8.RuneError {
			return '?'
		}
		return r
	}, strings.ToValidUTF8(s, "?"))
	const max = 64
	if r := []rune(s); len(r) > max {
		return string(r[:max]) + "…"
	}
	return s
}

func malformed(format string, args ...any) error {
	return fmt.Errorf("%w: %s", ErrMalformed, fmt.Sprintf(format, args...))
}

func unsupported(format string, args ...any) error {
	return fmt.Errorf("%w: %s", ErrUnsupported, fmt.Sprintf(format, args...))
}

// wrongPassword is the error for a password that does not open a file.
func wrongPassword(f Format) error {
	return fmt.Errorf("%s file: %w", f, ErrWrongPassword)
}
