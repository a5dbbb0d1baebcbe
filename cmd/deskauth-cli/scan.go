package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"image"
	"os"
	"strconv"
	"strings"

	"github.com/deskauth/deskauth/capture"
	"github.com/deskauth/deskauth/vault"
)

// scanSource is one place scan looks for QR codes: an image file today; a
// display or the clipboard are the same shape.
type scanSource struct {
	// name labels what was found in it ("shot.png").
	name string
	// codes decodes the source. looked describes what was searched
	// ("shot.png (1920×1080 px)") for the no-QR message. Finding no code is
	// not an error: return no codes.
	codes func() (codes []capture.Code, looked string, err error)
}

// foundCode is a code and where it came from.
type foundCode struct {
	source string
	capture.Code
}

// imageSource reads and decodes one image file.
func imageSource(path string) scanSource {
	return scanSource{name: path, codes: func() ([]capture.Code, string, error) {
		f, err := os.Open(path)
		if err != nil {
			return nil, "", err
		}
		defer f.Close()
		img, err := capture.LoadImage(f)
		if err != nil {
			return nil, "", fmt.Errorf("%s: %w", path, err)
		}
		return decodeImage(path, img)
	}}
}

// decodeImage decodes img and describes it as name (W×H px).
func decodeImage(name string, img image.Image) ([]capture.Code, string, error) {
	b := img.Bounds()
	looked := fmt.Sprintf("%s (%d×%d px)", name, b.Dx(), b.Dy())
	codes, err := capture.Decode(img)
	if errors.Is(err, capture.ErrNoQR) {
		return nil, looked, nil
	}
	return codes, looked, err
}

// collectCodes decodes every source in order and returns each distinct
// payload once, in source order then reading order. When none holds a
// code it returns an error wrapping capture.ErrNoQR that lists what was
// looked at.
func collectCodes(sources []scanSource) ([]foundCode, error) {
	var found []foundCode
	var looked []string
	seen := map[string]bool{}
	for _, s := range sources {
		codes, l, err := s.codes()
		if err != nil {
			return nil, err
		}
		looked = append(looked, l)
		for _, c := range codes {
			if !seen[c.Text] {
				seen[c.Text] = true
				found = append(found, foundCode{s.name, c})
			}
		}
	}
	if len(found) == 0 {
		return nil, fmt.Errorf("%w in %s", capture.ErrNoQR, strings.Join(looked, ", "))
	}
	return found, nil
}

// stringList is a repeatable string flag.
type stringList []string

func (l *stringList) String() string     { return strings.Join(*l, ",") }
func (l *stringList) Set(v string) error { *l = append(*l, v); return nil }

type scanOptions struct {
	images []string
	raw    bool
	json   bool
}

func runScan(c *cli, args []string) error {
	fs := c.flags("scan")
	var opt scanOptions
	fs.Var((*stringList)(&opt.images), "image", "decode this image file (PNG, JPEG, GIF, WebP, BMP); repeatable")
	fs.BoolVar(&opt.raw, "raw", false, "print each decoded payload verbatim, one per line (secrets included)")
	fs.BoolVar(&opt.json, "json", false, "print what was found as JSON")
	pos, err := c.parse(fs, args)
	if err != nil {
		return err
	}
	if len(pos) > 0 {
		return usagef("scan takes no arguments; use --image FILE")
	}
	var sources []scanSource
	for _, path := range opt.images {
		sources = append(sources, imageSource(path))
	}
	if len(sources) == 0 {
		return usagef("scan needs --image FILE")
	}
	found, err := collectCodes(sources)
	if errors.Is(err, capture.ErrNoQR) {
		return exitCodeError{exitNoQR, err}
	}
	if err != nil {
		return err
	}
	return c.printFound(found, opt)
}

// scanJSON is the --json form of one code. Text (the whole payload) is
// only there with --raw, or for payloads that hold no secret DeskAuth knows
// of (kind "other").
type scanJSON struct {
	Source   string        `json:"source"`
	Kind     string        `json:"kind"`
	Bounds   [4]int        `json:"bounds"`
	Text     string        `json:"text,omitempty"`
	Accounts []accountJSON `json:"accounts,omitempty"`
	Skipped  []string      `json:"skipped,omitempty"`
	Error    string        `json:"error,omitempty"`
	Note     string        `json:"note,omitempty"`
}

// printFound prints found codes: payloads with --raw, else one line per
// account (secret masked) or per other payload.
func (c *cli) printFound(found []foundCode, opt scanOptions) error {
	if opt.raw && !opt.json {
		for _, f := range found {
			fmt.Fprintln(c.stdout, f.Text)
		}
		return nil
	}
	if opt.json {
		out := make([]scanJSON, 0, len(found))
		for _, f := range found {
			out = append(out, describeJSON(f, opt.raw))
		}
		enc := json.NewEncoder(c.stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(out)
	}
	for _, f := range found {
		kind := capture.Classify(f.Text)
		switch kind {
		case capture.OTPAuth, capture.OTPAuthMigration:
			accts, skipped, err := payloadAccounts(kind, f.Text)
			if err != nil {
				fmt.Fprintf(c.stdout, "%s\t%s\t(unusable: %s)\n", f.source, kind, oneLine(err.Error()))
			}
			for _, a := range accts {
				fmt.Fprintf(c.stdout, "%s\t%s\t%s\n", f.source, kind, maskedAccount(a))
			}
			for _, why := range skipped {
				fmt.Fprintf(c.stdout, "%s\t%s\t(skipped: %s)\n", f.source, kind, oneLine(why))
			}
		case capture.PhoneFactor:
			fmt.Fprintf(c.stdout, "%s\t%s\t%s\n", f.source, kind, capture.PhoneFactorHelp)
		default:
			fmt.Fprintf(c.stdout, "%s\t%s\t%s (not an authenticator code)\n", f.source, kind, quoteIfNeeded(f.Text))
		}
	}
	return nil
}

func describeJSON(f foundCode, raw bool) scanJSON {
	kind := capture.Classify(f.Text)
	b := f.Bounds
	j := scanJSON{Source: f.source, Kind: kind.String(), Bounds: [4]int{b.Min.X, b.Min.Y, b.Max.X, b.Max.Y}}
	if raw || kind == capture.Other {
		j.Text = f.Text
	}
	switch kind {
	case capture.OTPAuth, capture.OTPAuthMigration:
		accts, skipped, err := payloadAccounts(kind, f.Text)
		if err != nil {
			j.Error = oneLine(err.Error())
		}
		for _, a := range accts {
			j.Accounts = append(j.Accounts, newAccountJSON(a, false))
		}
		j.Skipped = skipped
	case capture.PhoneFactor:
		j.Note = capture.PhoneFactorHelp
	}
	return j
}

// payloadAccounts parses an otpauth:// or otpauth-migration:// payload
// into accounts, and says which accounts of an export were skipped.
func payloadAccounts(kind capture.Kind, text string) ([]vault.Account, []string, error) {
	if kind == capture.OTPAuthMigration {
		return migrationAccounts(text)
	}
	a, err := vault.ParseURI(text)
	if err != nil {
		return nil, nil, err
	}
	return []vault.Account{a}, nil, nil
}

// maskedAccount describes an account with its secret replaced by asterisks
// (one per Base32 character, capped), so the output can be pasted into a
// ticket.
func maskedAccount(a vault.Account) string {
	label := a.Name
	if a.Issuer != "" {
		label = a.Issuer + ": " + a.Name
	}
	n := len(vault.EncodeSecret(a.Secret))
	masked := strings.Repeat("*", min(n, 16))
	var param string
	if a.Kind == vault.HOTP {
		param = fmt.Sprintf("counter %d", a.Counter)
	} else {
		param = fmt.Sprintf("%ds", a.Period)
	}
	return fmt.Sprintf("%s\t%s %s %d digits %s\tsecret %s", label, a.Kind, a.Algorithm, a.Digits, param, masked)
}

func oneLine(s string) string { return strings.ReplaceAll(s, "\n", " ") }

// quoteIfNeeded keeps a printable one-line payload as it is and quotes
// anything with control characters, so a payload cannot fake output lines.
func quoteIfNeeded(s string) string {
	if strconv.CanBackquote(s) {
		return s
	}
	return strconv.Quote(s)
}

// migrationAccounts lists the accounts of a Google Authenticator export,
// and a line for each one it had to skip.
func migrationAccounts(text string) ([]vault.Account, []string, error) {
	m, err := vault.ParseMigration(text)
	if err != nil {
		return nil, nil, err
	}
	return m.Accounts, m.Skipped, nil
}
