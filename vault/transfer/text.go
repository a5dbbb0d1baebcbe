package transfer

import (
	"fmt"
	"net/url"
	"strings"

	"github.com/deskauth/deskauth/vault"
)

// parseText reads one payload a line: otpauth:// URIs (WinAuth's text
// export, the Authenticator extension's text, Ente's export with its extra
// parameters) and otpauth-migration:// URIs (Google Authenticator's export,
// every account of every batch). It tolerates a UTF-8 BOM, CRLF line ends,
// blank lines and '#' comments. Each other line is a problem named by its
// line number.
func parseText(data []byte, _ *Options, res *Result) error {
	entries := 0
	for i, raw := range strings.Split(string(trimBOM(data)), "\n") {
		line := i + 1
		text := strings.TrimSpace(raw)
		if text == "" || strings.HasPrefix(text, "#") {
			continue
		}
		if entries++; entries > MaxEntries {
			return fmt.Errorf("%w (over %d entries)", ErrTooLarge, MaxEntries)
		}
		readPayload(line, text, res)
	}
	return nil
}

// readPayload adds the accounts of one pasted or scanned payload, read by
// the core's vault.ReadPayloads; its notes become problems.
func readPayload(entry int, text string, res *Result) {
	if vault.ClassifyPayload(text) == vault.PayloadMigration {
		text = plusFromSpace(text)
	}
	p := vault.ReadPayloads(text)
	for _, a := range p.Accounts {
		res.add(entry, a)
	}
	for _, n := range p.Notes {
		switch n.Kind {
		case vault.NoteUnusable:
			label := ""
			if vault.ClassifyPayload(text) == vault.PayloadOTPAuth {
				label = labelOfURI(strings.TrimSpace(text))
			}
			res.problem(entry, label, n.Err)
		case vault.NoteSkipped:
			res.problem(entry, n.Label, n.Err)
		case vault.NotePhoneFactor:
			res.problem(entry, "", unsupported("a Microsoft Authenticator activation code (phonefactor://) is not a TOTP account"))
		case vault.NoteNotOTP:
			res.problem(entry, "", malformed("not an otpauth:// or otpauth-migration:// URI"))
		}
	}
}

// plusFromSpace undoes a '+' that arrived as a space in a migration URI's
// Base64 data (a URI pasted through a form, or a decoder that applied query
// unescaping): a URI holds no literal spaces.
func plusFromSpace(text string) string {
	return strings.ReplaceAll(strings.TrimSpace(text), " ", "+")
}

// parseMigration is vault.ParseMigration, tolerating a '+' that arrived as
// a space (see plusFromSpace).
func parseMigration(text string) (vault.Migration, error) {
	return vault.ParseMigration(plusFromSpace(text))
}

// labelOfURI returns the label part of an otpauth URI for a problem report:
// never the query, which holds the secret.
func labelOfURI(uri string) string {
	if len(uri) < len("otpauth://") {
		return ""
	}
	rest := uri[len("otpauth://"):]
	rest, _, _ = strings.Cut(rest, "?")
	_, label, _ := strings.Cut(rest, "/")
	if u, err := url.PathUnescape(label); err == nil {
		return u
	}
	return label
}
