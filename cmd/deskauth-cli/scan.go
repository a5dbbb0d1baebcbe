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

// foundCode is a code and where it came from ("shot.png", "display 1").
type foundCode struct {
	source string
	capture.Code
}

// decodeFiles decodes the image files, each payload once (see
// capture.DecodeFiles).
func decodeFiles(paths []string) ([]foundCode, error) {
	codes, err := capture.DecodeFiles(paths...)
	var found []foundCode
	for _, c := range codes {
		found = append(found, foundCode{c.Path, c.Code})
	}
	return found, err
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
	reenrol   reenrolChoice
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
	reenrolFlags(fs, &opt.reenrol)
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
		if opt.clipboard && len(opt.images) > 0 {
			return usagef("scan reads --image files or --clipboard, not both")
		}
		if opt.clipboard {
			found, err = decodeClipboard(ctx)
		} else {
			found, err = decodeFiles(opt.images)
		}
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

// decodeClipboard decodes the image on the clipboard.
func decodeClipboard(ctx context.Context) ([]foundCode, error) {
	img, err := capture.ClipboardImage(ctx)
	if err != nil {
		return nil, err
	}
	codes, err := capture.DecodeContext(ctx, img)
	if errors.Is(err, capture.ErrNoQR) {
		b := img.Bounds()
		return nil, fmt.Errorf("%w in the clipboard image (%d×%d px)", capture.ErrNoQR, b.Dx(), b.Dy())
	}
	var found []foundCode
	for _, code := range codes {
		found = append(found, foundCode{"clipboard", code})
	}
	return found, err
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
// the vault. An account already there is skipped; a re-enrolment (same
// label, new secret) needs --replace or --keep-both. With --raw or --json
// these messages go to stderr, to keep stdout parseable.
func (c *cli) addFound(vf *vaultFlags, found []foundCode, opt scanOptions) error {
	out := c.stdout
	if opt.raw || opt.json {
		out = c.stderr
	}
	var texts []string
	for _, f := range found {
		texts = append(texts, f.Text)
	}
	accts := vault.ReadPayloads(texts...).Accounts
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
	plan := v.Plan(accts)
	for i := range plan {
		plan[i].CodeShown = true // printed above: an HOTP code counts as used
	}
	return c.addPlan(v, plan, opt.reenrol, out)
}

// scanJSON is the --json form of one code. Text (the whole payload) is
// only there with --raw, or for payloads that hold no secret DeskAuth knows
// of (kind "other").
type scanJSON struct {
	Source  string        `json:"source"`
	Kind    string        `json:"kind"`
	Bounds  [4]int        `json:"bounds"`
	Text    string        `json:"text,omitempty"`
	Listed  []accountJSON `json:"accounts,omitempty"`
	Skipped []string      `json:"skipped,omitempty"`
	Error   string        `json:"error,omitempty"`
	Note    string        `json:"note,omitempty"`
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
		enc := json.NewEncoder(jsonOut(c.stdout))
		enc.SetIndent("", "  ")
		return enc.Encode(out)
	}
	for _, f := range found {
		kind := vault.ClassifyPayload(f.Text)
		if kind == vault.PayloadOther {
			fmt.Fprintf(c.stdout, "%s\t%s\t%s (not an authenticator code)\n", f.source, kind, quoteIfNeeded(f.Text))
			continue
		}
		p := vault.ReadPayloads(f.Text)
		for _, a := range p.Accounts {
			fmt.Fprintf(c.stdout, "%s\t%s\t%s\n", f.source, kind, maskedAccount(a))
		}
		for _, n := range p.Notes {
			fmt.Fprintf(c.stdout, "%s\t%s\t%s\n", f.source, kind, noteText(n))
		}
	}
	return nil
}

func describeJSON(f foundCode, raw bool) scanJSON {
	kind := vault.ClassifyPayload(f.Text)
	b := f.Bounds
	j := scanJSON{Source: f.source, Kind: kind.String(), Bounds: [4]int{b.Min.X, b.Min.Y, b.Max.X, b.Max.Y}}
	if raw || kind == vault.PayloadOther {
		j.Text = f.Text
		if kind == vault.PayloadOther {
			return j
		}
	}
	p := vault.ReadPayloads(f.Text)
	for _, a := range p.Accounts {
		j.Listed = append(j.Listed, newAccountJSON(a, false))
	}
	for _, n := range p.Notes {
		switch n.Kind {
		case vault.NoteUnusable:
			j.Error = oneLine(n.Err.Error())
		case vault.NoteSkipped:
			j.Skipped = append(j.Skipped, noteText(n))
		default:
			j.Note = noteText(n)
		}
	}
	return j
}

// phoneFactorHelp explains a phonefactor:// code: Microsoft's own format only
// works in Microsoft Authenticator, but its setup page can show a standard
// TOTP code instead.
const phoneFactorHelp = "this is a Microsoft Authenticator activation code, not a TOTP code: " +
	"on Microsoft's setup page choose \"I want to use a different authenticator app\" and scan the QR code it shows then"

// noteText words a payload note in one line.
func noteText(n vault.Note) string {
	switch n.Kind {
	case vault.NoteUnusable:
		return "(unusable: " + oneLine(n.Err.Error()) + ")"
	case vault.NoteSkipped:
		return "(skipped: " + n.Label + ": " + oneLine(n.Err.Error()) + ")"
	case vault.NoteBatch:
		return fmt.Sprintf("(code %d of %d of a Google Authenticator export: scan the others too)", n.Index+1, n.Size)
	case vault.NotePhoneFactor:
		return phoneFactorHelp
	}
	return quoteIfNeeded(n.Text) + " (not an authenticator code)"
}

// maskedAccount describes an account with its secret replaced by asterisks
// (one per Base32 character, capped), so the output can be pasted into a
// ticket.
func maskedAccount(a vault.Account) string {
	label := printable(a.Name)
	if a.Issuer != "" {
		label = printable(a.Issuer) + ": " + label
	}
	n := (len(a.Secret)*8 + 4) / 5 // Base32 characters, without making the text
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
// anything with control characters or bidirectional overrides, so a payload
// can neither fake output lines nor reorder them.
func quoteIfNeeded(s string) string {
	if strconv.CanBackquote(s) && printable(s) == s {
		return s
	}
	return strconv.Quote(s)
}
