package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"image"
	"os"
	"os/signal"
	"strconv"
	"strings"
	"time"

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
	images    []string
	clipboard bool
	region    string
	add       bool
	raw       bool
	json      bool
}

// scanTimeout bounds a scan of the screen: under Wayland the desktop may ask
// the user to allow the screenshot.
const scanTimeout = 2 * time.Minute

func runScan(c *cli, args []string) error {
	fs := c.flags("scan")
	var opt scanOptions
	fs.Var((*stringList)(&opt.images), "image", "decode this image file (PNG, JPEG, GIF, WebP, BMP); repeatable")
	fs.BoolVar(&opt.clipboard, "clipboard", false, "decode the image on the clipboard")
	fs.StringVar(&opt.region, "region", "", "scan only this part of the screen: `X,Y,W,H` in desktop pixels (X and Y may be negative)")
	fs.BoolVar(&opt.add, "add", false, "add the accounts found to the vault, after showing each one's current code")
	fs.BoolVar(&opt.raw, "raw", false, "print each decoded payload verbatim, one per line (secrets included)")
	fs.BoolVar(&opt.json, "json", false, "print what was found as JSON")
	vf := c.vaultFlags(fs)
	pos, err := c.parse(fs, args)
	if err != nil {
		return err
	}
	if len(pos) > 0 {
		return usagef("scan takes no arguments; use --image FILE, --clipboard, or nothing to scan the screen")
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	ctx, cancel := context.WithTimeout(ctx, scanTimeout)
	defer cancel()

	var found []foundCode
	if len(opt.images) == 0 && !opt.clipboard {
		// No source: the screen, every display or the --region.
		var opts []capture.Option
		if opt.region != "" {
			r, err := parseRegion(opt.region)
			if err != nil {
				return err
			}
			opts = append(opts, capture.Region(r))
		}
		shown, err := capture.Scan(ctx, opts...)
		if errors.Is(err, capture.ErrNoQR) {
			return exitCodeError{exitNoQR, err}
		}
		if err != nil {
			return err
		}
		for _, f := range shown {
			found = append(found, foundCode{fmt.Sprintf("display %d", f.Display), capture.Code{Text: f.Text, Bounds: f.Bounds}})
		}
	} else {
		if opt.region != "" {
			return usagef("--region is for scanning the screen; it does not go with --image or --clipboard")
		}
		var sources []scanSource
		for _, path := range opt.images {
			sources = append(sources, imageSource(path))
		}
		if opt.clipboard {
			sources = append(sources, clipboardSource(ctx))
		}
		found, err = collectCodes(sources)
		if errors.Is(err, capture.ErrNoQR) {
			return exitCodeError{exitNoQR, err}
		}
		if err != nil {
			return err
		}
	}
	if err := c.printFound(found, opt); err != nil {
		return err
	}
	if opt.add {
		return c.addFound(vf, found, opt)
	}
	return nil
}

// clipboardSource decodes the image on the clipboard.
func clipboardSource(ctx context.Context) scanSource {
	return scanSource{name: "clipboard", codes: func() ([]capture.Code, string, error) {
		img, err := capture.ClipboardImage(ctx)
		if err != nil {
			return nil, "", err
		}
		return decodeImage("the clipboard", img)
	}}
}

// parseRegion reads --region X,Y,W,H.
func parseRegion(s string) (image.Rectangle, error) {
	parts := strings.Split(s, ",")
	var v [4]int
	bad := len(parts) != 4
	for i := 0; !bad && i < 4; i++ {
		n, err := strconv.Atoi(strings.TrimSpace(parts[i]))
		v[i], bad = n, err != nil
	}
	if bad || v[2] <= 0 || v[3] <= 0 || v[2] > 1<<20 || v[3] > 1<<20 || v[0] < -1<<20 || v[0] > 1<<20 || v[1] < -1<<20 || v[1] > 1<<20 {
		return image.Rectangle{}, usagef("--region %q is not X,Y,W,H with a positive width and height, e.g. 100,200,640,480", s)
	}
	return image.Rect(v[0], v[1], v[0]+v[2], v[1]+v[3]), nil
}

// addFound shows the current code of each account found, so the admin can
// check it against the site before relying on it, and adds the accounts to
// the vault. One already there is skipped, not replaced. With --raw or
// --json these messages go to stderr, to keep stdout parseable.
func (c *cli) addFound(vf *vaultFlags, found []foundCode, opt scanOptions) error {
	out := c.stdout
	if opt.raw || opt.json {
		out = c.stderr
	}
	var accts []vault.Account
	for _, f := range found {
		kind := capture.Classify(f.Text)
		if kind != capture.OTPAuth && kind != capture.OTPAuthMigration {
			continue
		}
		as, _, err := payloadAccounts(kind, f.Text)
		if err == nil {
			accts = append(accts, as...)
		}
	}
	if len(accts) == 0 {
		return errors.New("nothing to add: none of the QR codes found is a usable otpauth account")
	}
	now := c.now()
	for _, a := range accts {
		code, err := a.Code(now)
		if err != nil {
			return fmt.Errorf("%s: %w", a.Label(), err)
		}
		if a.Kind == vault.HOTP {
			fmt.Fprintf(out, "%s\t%s\t(next HOTP code, counter %d)\n", code, a.Label(), a.Counter)
		} else {
			fmt.Fprintf(out, "%s\t%s\t(%d s left)\n", code, a.Label(), int(a.Remaining(now).Round(time.Second)/time.Second))
		}
	}
	v, err := c.openVault(vf)
	if err != nil {
		return err
	}
	defer v.Close()
	added := 0
	for _, a := range accts {
		if err := v.Add(a); errors.Is(err, vault.ErrDuplicate) {
			fmt.Fprintf(out, "already in the vault, skipped: %s\n", a.Label())
			continue
		} else if err != nil {
			return err
		}
		added++
	}
	if added == 0 {
		return nil
	}
	if err := v.Save(); err != nil {
		return err
	}
	fmt.Fprintf(out, "added %d account(s) to %s\n", added, v.Path())
	return nil
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
